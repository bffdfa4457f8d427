#!/bin/sh
# compare.sh - `gsched compare` with small N (make check): every kind prints the
# full table and exits 0; io prints its three rows and a verdict whose counts
# hold; a thread side that cannot create its threads prints
# the graceful row and still exits 0; bad arguments exit 2.  Also `gsched bench
# -p 1,2` prints one line per GOMAXPROCS value.
#
# The forced failure is real, not simulated: `ulimit -v` (RLIMIT_AS) caps the
# address space, so with 8 MiB of stack reserved per thread pthread_create fails
# with EAGAIN after a few dozen threads, while the goroutine side (a few MiB)
# still runs.  RLIMIT_NPROC (`ulimit -u`) would not do: root ignores it.
# Only structure is checked, never timings.

pass=0
fail=0
gsched=./src/gsched

ok() { pass=$((pass + 1)); echo "ok - $1"; }
not_ok() { fail=$((fail + 1)); echo "not ok - $1"; }

out=$(mktemp) || exit 1
trap 'rm -f "$out"' EXIT

# has WHAT PATTERN: the last output has a line matching PATTERN (grep -E).
has() {
	if grep -Eq -- "$2" "$out"; then
		ok "$1"
	else
		not_ok "$1: no line matching '$2'"
		sed 's/^/    /' "$out"
	fi
}

# status WHAT WANT GOT
status() {
	if [ "$3" -eq "$2" ]; then ok "$1: exit $2"; else not_ok "$1: exit $3, expected $2"; sed 's/^/    /' "$out"; fi
}

for kind in sleep syscall netwait cpu; do
	if [ "$kind" = cpu ]; then d=""; else d="-d 20ms"; fi
	# shellcheck disable=SC2086
	$gsched compare $kind -n 200 $d >"$out" 2>&1
	status "compare $kind -n 200" 0 $?
	has "compare $kind: title" "^gsched compare $kind: 200 tasks"
	has "compare $kind: header" "^ +goroutines +threads +threads/goroutines$"
	has "compare $kind: tasks done" "^tasks done +200/200 +200/200"
	if [ "$kind" != cpu ]; then
		has "compare $kind: waiting row" "^peak tasks waiting +[0-9]+ +[0-9]+ *$"
	fi
	has "compare $kind: wall time" "^wall time +[0-9.]+ s +[0-9.]+ s +[0-9.]+x$"
	has "compare $kind: peak threads" "^peak OS threads +[0-9]+ +[0-9]+ +[0-9.]+x$"
	has "compare $kind: VmHWM" "^peak resident \(VmHWM\) +[0-9.]+ [KMG]iB +[0-9.]+ [KMG]iB +[0-9.]+x$"
	has "compare $kind: creation" "^creation per task +[0-9.]+ (ns|us|ms) +[0-9.]+ (ns|us|ms|s) +[0-9.]+x$"
	has "compare $kind: switch" "^switch \(1 CPU\) +[0-9.]+ (ns|us) +[0-9.]+ (ns|us|ms) +[0-9.]+x$"
done
# One thread per task means 200 threads at once on the thread side (+ main).
# Each waits 2 s: every thread is made before the first one's wait ends even
# on a loaded machine under a sanitizer (thread creation there took 160 us
# each, so 50 ms saw only 126 waiting at once).
$gsched compare sleep -n 200 -d 2s >"$out" 2>&1
has "compare sleep: every thread waited at once" "^peak tasks waiting +200 +200"
has "compare sleep: one thread per task" "^peak OS threads +[0-9]+ +20[01] "

# The syscall kind answers only once every task is blocked in read(2).
$gsched compare syscall -n 200 -d 1ms >"$out" 2>&1
has "compare syscall: all blocked before the answers" "^waiting when answered +200/200 +200/200 *$"
$gsched compare netwait -n 200 -d 1ms >"$out" 2>&1
has "compare netwait: all waiting before the answers" "^waiting when answered +200/200 +200/200 *$"

# io: three rows, each measured in its own process, and a verdict.
$gsched compare io -n 200 >"$out" 2>&1
status "compare io -n 200" 0 $?
has "compare io: title" "^gsched compare io: 200 tasks wait for data"
num='[0-9]+'
has "compare io: netpoller row" "^netpoller wait +$num +[0-9.]+ [KMG]iB +[0-9.]+ (ns|us|ms) +[0-9.]+ s +$num +[0-9.]+ s$"
has "compare io: blocking row" "^blocking read\(2\) +$num +[0-9.]+ [KMG]iB +[0-9.]+ (ns|us|ms) +[0-9.]+ s +$num +[0-9.]+ s$"
has "compare io: thread row" "^thread per task +$num +[0-9.]+ [KMG]iB +[0-9.]+ (ns|us|ms) +[0-9.]+ s +$num +[0-9.]+ s$"
has "compare io: verdict" "^Verdict: the netpoller held 200 waits on $num threads; blocking read\(2\)"
# The verdict is one sentence, wrapped: read it joined.
if tr -s ' \n' '  ' <"$out" | grep -q "in all three the CPU job ran while all 200 waited\."; then
	ok "compare io: the CPU job ran while all waited"
else
	not_ok "compare io: the CPU job ran while all waited"; sed 's/^/    /' "$out"
fi
# field COLUMN ROW: a number of the io table.
field() { sed -n "s/^$2  *//p" "$out" | awk -v c="$1" '{ print $c }'; }
cmp_ge() { # WHAT GOT MIN
	if [ -n "$2" ] && [ "$2" -ge "$3" ]; then ok "$1 ($2 >= $3)"; else not_ok "$1: '$2', expected >= $3"; sed 's/^/    /' "$out"; fi
}
cmp_le() { # WHAT GOT MAX
	if [ -n "$2" ] && [ "$2" -le "$3" ]; then ok "$1 ($2 <= $3)"; else not_ok "$1: '$2', expected <= $3"; sed 's/^/    /' "$out"; fi
}
# The netpoller: 200 waits on a few threads (the Ps' Ms, the one in epoll,
# sysmon, the main thread), counted, far below one per task.
cmp_le "io: netpoller peak threads below N/4" "$(field 1 'netpoller wait')" 49
# A blocking read(2) holds its thread, as a thread per task does.
cmp_ge "io: blocking read(2) needs a thread per task" "$(field 1 'blocking read(2)')" 200
cmp_ge "io: thread per task needs a thread per task" "$(field 1 'thread per task')" 200
# The second wave: the runtime keeps every M it made.  When the first wave
# was seen all blocked it had the 200 Ms in read(2) and the main goroutine's M
# beside them: at least 201.  The second needs at most 200 in read(2), one M
# per P and one asleep in epoll until the next timer at once: 200 +
# GOMAXPROCS + 1.  So it may create up to GOMAXPROCS (default: the CPUs) more,
# never one per task.  (Field 8: the sizes and times carry a unit each.)
cmp_le "io: blocking read(2) reuses its threads in wave 2" "$(field 8 'blocking read(2)')" "$(nproc)"
cmp_ge "io: thread per task makes new threads in wave 2" "$(field 8 'thread per task')" 200
if grep -Eq 'gs_|VmHWM|VmRSS' "$out"; then not_ok "io: no internal names"; sed 's/^/    /' "$out"; else ok "io: no internal names"; fi
if awk 'length($0) > 80 { bad = 1 } END { exit !bad }' "$out"; then not_ok "io: fits 80 columns"; sed 's/^/    /' "$out"; else ok "io: fits 80 columns"; fi
# Too many tasks for the descriptors this process may have: a clear refusal.
(ulimit -n 300 && exec $gsched compare io -n 1000) >"$out" 2>&1
status "compare io over RLIMIT_NOFILE" 1 $?
has "compare io over RLIMIT_NOFILE: says why" "^gsched compare: io needs 1064 descriptors .*RLIMIT_NOFILE"

# Too many tasks for RLIMIT_NPROC (ulimit -u): refused before anything runs.
# The kernel does not hold root to it, so as root the check runs as nobody.
nproc_limited() { # CMD...: run CMD under ulimit -u 100, as nobody when root
	if [ "$(id -u)" -ne 0 ]; then
		bash -c 'ulimit -u 100 && exec "$@"' sh "$@"
	else
		setpriv --reuid=65534 --regid=65534 --clear-groups \
			bash -c 'ulimit -u 100 && exec "$@"' sh "$@"
	fi
}
if command -v bash >/dev/null && { [ "$(id -u)" -ne 0 ] || command -v setpriv >/dev/null; } &&
	nproc_limited $gsched --version >/dev/null 2>&1; then
	nproc_limited $gsched compare io -n 200 >"$out" 2>&1
	status "compare io over RLIMIT_NPROC" 1 $?
	has "compare io over RLIMIT_NPROC: says why" "^RLIMIT_NPROC \(ulimit -u\) is 100; try -n 36 or less$"
else
	echo "SKIP - compare io over RLIMIT_NPROC: cannot run gsched under ulimit -u 100 here (no bash, no setpriv as root, or nobody cannot reach the build)"
fi

# The forced failure: the thread side stops, says where and why; exit 0.
# (A sanitizer build reserves terabytes of shadow memory and cannot start under
# ulimit -v at all: then these checks are skipped, and say so.)
if (ulimit -v 400000 && exec $gsched --version) >/dev/null 2>&1; then
	(ulimit -v 400000 && exec $gsched compare sleep -n 200 -d 20ms) >"$out" 2>&1
	status "compare under ulimit -v 400000" 0 $?
	has "graceful row" "^threads: stopped after [0-9]+ of 200 threads: pthread_create: .*EAGAIN"
	has "limits line" "^  limits: RLIMIT_NPROC .*, RLIMIT_AS 390.6 MiB, threads-max"
	has "goroutine side still complete" "^tasks done +200/200 +[0-9]+/200"
	has "no ratio for a partial run" "^wall time +[0-9.]+ s +[0-9.]+ s +n/a$"
	# io needs every row whole: the rows that could not say why; exit 1.
	(ulimit -v 400000 && exec $gsched compare io -n 200) >"$out" 2>&1
	status "compare io under ulimit -v 400000" 1 $?
	has "io: the thread row says why" "^thread per task: FAILED: pthread_create: .* after [0-9]+ of 200 threads"
	has "io: the netpoller row still measured" "^netpoller wait +[0-9]+ +[0-9.]+ [KMG]iB"
else
	echo "skip - forced thread failure: gsched cannot start under ulimit -v (sanitizer build?)"
fi

# Bad arguments.
for args in "" "bogus" "sleep -n 0" "sleep -n 2000000" "sleep -n x" "sleep -d 0ms" \
	"sleep -d 10parsecs" "sleep -d 2m" "sleep -d 61s" "sleep -d 1..ms" "sleep -d -1ms" \
	"sleep -n +5" "sleep -n 5x" "cpu -d 1s" "sleep -q" "sleep cpu" "sleep -n" \
	"io -n 0" "io -n x" "io -d 1s" "io sleep"; do
	# shellcheck disable=SC2086
	$gsched compare $args >"$out" 2>&1
	status "compare $args (usage error)" 2 $?
done
# The same duration syntax as gsched bench: a fraction is fine.
$gsched compare sleep -n 20 -d 1.5ms >"$out" 2>&1
status "compare sleep -n 20 -d 1.5ms" 0 $?

# bench -p with a list: one line per value, procs= on each.
$gsched bench sleep -n 100 -d 1ms -p 1,2,3 >"$out" 2>&1
status "bench sleep -p 1,2,3" 0 $?
if [ "$(grep -c '^sleep ' "$out")" -eq 3 ]; then ok "bench -p 1,2,3: three lines"; else not_ok "bench -p 1,2,3: three lines"; sed 's/^/    /' "$out"; fi
has "bench -p: procs=1" "^sleep .* procs=1$"
has "bench -p: procs=3" "^sleep .* procs=3$"
$gsched bench spawn -n 1000 -p 2,1 >"$out" 2>&1
has "bench spawn -p 2,1: first procs=2" "^spawn [0-9.]+ ns/goroutine n=1000 procs=2$"
for args in "spawn -p 1,,2" "spawn -p 0,1" "spawn -p 1,2," "yield -p 1,2" \
	"spawn -p 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17"; do
	# shellcheck disable=SC2086
	$gsched bench $args >"$out" 2>&1
	status "bench $args (usage error)" 2 $?
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
