#!/usr/bin/env bash
# go.sh - `gsched go` without a terminal: its command line, the programs it
# cannot show (one that does not exist, one that exits at once, one that
# prints no trace), the program's own arguments, GODEBUG and output kept
# apart from the trace, a stop signal that ends the program with it, and
# saved logs (--from) good, cut and garbage.  Where go is installed
# (tools/install-deps --with-go) a real Go program (tests/e2e/gowork.go) is
# run under --batch and --json too; otherwise those cases say SKIP and why.
# The visualizer's side is tests/e2e/tui.sh's t_go_*.  Run by make check
# from the build directory; GSCHED may name the program.

if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi

gsched=${GSCHED:-./src/gsched}
srcdir=${srcdir:-.}
if [ ! -x "$gsched" ]; then
	echo "go: $gsched is not built" >&2
	exit 99
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gsched-go.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
export XDG_CONFIG_HOME="$tmp/no-config"

pass=0
fail=0
# A backstop against hangs only, far above any case's time.
hang_s=90

ok() {
	pass=$((pass + 1))
	echo "ok    $1"
}

bad() {
	fail=$((fail + 1))
	echo "FAIL  $1"
	[ -n "${2:-}" ] && sed 's/^/      /' "$2" | head -n 8
}

# check STATUS MESSAGE -- ARGS...: gsched go ARGS, no stdin; want exit
# status STATUS and MESSAGE (a fixed string) on stderr.
check() {
	local want=$1 msg=$2
	shift 3
	timeout -s KILL "$hang_s" "$gsched" go "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
	local rc=$?
	local what="go $* -> $want, '$msg'"
	if [ "$rc" -ne "$want" ]; then
		bad "$what (got $rc)" "$tmp/err"
	elif ! grep -qF -- "$msg" "$tmp/err"; then
		bad "$what (message missing)" "$tmp/err"
	else
		ok "$what"
	fi
}

# ---- the command line ----
check 2 "which PROGRAM? (or --from FILE for a saved log)" --
check 2 "-i: '0' is not a number of milliseconds from 1 to 60000" -- -i 0 true
check 2 "--interval: 'x' is not a number of milliseconds" -- --interval x true
check 2 "-p acts on gsched's own scheduler; a Go program's GOMAXPROCS is its own" -- -p 2 true
check 2 "--slow acts on gsched's own scheduler" -- --slow 2 true
check 2 "sets a replay's pace (--from FILE)" -- -d 5 true
check 2 "--from reads a saved log: no PROGRAM to run with it (got 'true')" -- --from x true
check 2 "-i, --stdout and --stderr are for a PROGRAM run" -- --from x -i 50
check 2 "-v goes with --batch" -- -v true
check 2 "cannot open '$tmp/none'" -- --batch --from "$tmp/none"

# ---- programs it cannot show ----
check 2 "$tmp/none: No such file or directory" -- --batch -- "$tmp/none"
: >"$tmp/noexec"
check 2 "$tmp/noexec: Permission denied" -- --batch "$tmp/noexec"
check 2 "cannot write '$tmp/nodir/out'" -- --batch --stdout "$tmp/nodir/out" true
# one that exits at once, and one that prints no trace, waited for
check 1 "true exited with status 0 before its first GODEBUG schedtrace line" -- --batch true
check 1 "sh exited with status 7 before its first GODEBUG schedtrace line" -- \
	--batch sh -c 'exit 7'
check 1 "sleep has written no GODEBUG schedtrace line in" -- -i 1 --batch sleep 3
check 1 "is it a Go program?" -- -i 1 --json sleep 3

# ---- what the program gets, and where its output goes ----
# options after PROGRAM are the program's; GODEBUG keeps the program's own
# settings, with schedtrace and scheddetail replaced
GODEBUG=madvdontneed=1,schedtrace=5 check 1 "madvdontneed=1,schedtrace=100,scheddetail=1 -v --batch" \
	-- --batch -- sh -c 'echo "$GODEBUG $1 $2" >&2' sh -v --batch
check 1 "schedtrace=250,scheddetail=1" -- -i 250 --batch sh -c 'echo "$GODEBUG" >&2'
check 1 "exited with status 0" -- --batch --stdout "$tmp/prog.out" --stderr "$tmp/prog.err" \
	sh -c 'echo to-stdout; echo to-stderr >&2'
if [ "$(cat "$tmp/prog.out" 2>/dev/null)" = to-stdout ] &&
	[ "$(cat "$tmp/prog.err" 2>/dev/null)" = to-stderr ] && ! grep -q to-stdout "$tmp/out"; then
	ok "--stdout and --stderr get the program's own output, gsched's stdout none of it"
else
	bad "--stdout / --stderr: got '$(cat "$tmp/prog.out" 2>/dev/null)' '$(cat "$tmp/prog.err" 2>/dev/null)'"
fi

# a stop signal goes on to the program; one that ignores it is ended with
# its whole process group a few seconds later: nothing is left behind
"$gsched" go --batch -- sh -c 'trap "" TERM INT; sleep 1000 & wait' </dev/null >/dev/null 2>"$tmp/err" &
gpid=$!
sleep 1
kill -TERM "$gpid"
wait "$gpid"
rc=$?
sleep 0.5
if [ "$rc" -eq 143 ] && ! pgrep -f "sleep 1000" >/dev/null; then
	ok "SIGTERM: the program and its group ended, exit 143"
else
	bad "SIGTERM: exit $rc, left: $(pgrep -af 'sleep 1000')" "$tmp/err"
	pkill -f "sleep 1000"
fi

# ---- saved logs ----
log="$tmp/go.log"
cat >"$log" <<'EOF'
SCHED 0ms: gomaxprocs=2 idleprocs=1 threads=4 spinningthreads=0 idlethreads=1 runqueue=0 gcwaiting=0 nmidlelocked=0 stopwait=0 sysmonwait=0
  P0: status=1 schedtick=3 syscalltick=0 m=0 runqsize=1 gfreecnt=0 timerslen=0
  P1: status=0 schedtick=0 syscalltick=0 m=-1 runqsize=0 gfreecnt=0 timerslen=0
  M1: p=-1 curg=-1 mallocing=0 throwing=0 preemptoff= locks=0 dying=0 spinning=false blocked=false lockedg=-1
  M0: p=0 curg=1 mallocing=0 throwing=0 preemptoff= locks=0 dying=0 spinning=false blocked=false lockedg=-1
  G1: status=2() m=0 lockedm=0
  G2: status=1() m=-1 lockedm=-1
SCHED 100ms: gomaxprocs=2 idleprocs=0 threads=5 spinningthreads=0 idlethreads=0 runqueue=0 gcwaiting=0 nmidlelocked=0 stopwait=0 sysmonwait=0
  P0: status=1 schedtick=9 syscalltick=1 m=0 runqsize=0 gfreecnt=0 timerslen=0
  P1: status=1 schedtick=4 syscalltick=0 m=2 runqsize=0 gfreecnt=0 timerslen=0
  M2: p=1 curg=2 mallocing=0 throwing=0 preemptoff= locks=0 dying=0 spinning=false blocked=false lockedg=-1
  M1: p=-1 curg=-1 mallocing=0 throwing=0 preemptoff= locks=0 dying=0 spinning=false blocked=false lockedg=-1
  M0: p=0 curg=1 mallocing=0 throwing=0 preemptoff= locks=0 dying=0 spinning=false blocked=false lockedg=-1
  G1: status=2() m=0 lockedm=0
  G2: status=2() m=2 lockedm=-1
EOF
timeout -s KILL "$hang_s" "$gsched" go --batch --from "$log" </dev/null >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -eq 0 ] && [ "$(grep -c '^SCHED' "$tmp/out")" -eq 2 ] &&
	grep -q '^SCHED 100ms: gomaxprocs=2 idleprocs=0 threads=5' "$tmp/out"; then
	ok "--batch --from: two ticks, as Go printed them"
else
	bad "--batch --from: exit $rc" "$tmp/out"
fi
timeout -s KILL "$hang_s" "$gsched" go --json --from "$log" </dev/null >"$tmp/out" 2>"$tmp/err"
if [ "$(grep -c '^{.*}$' "$tmp/out")" -eq 2 ] && grep -q '"gomaxprocs":2' "$tmp/out"; then
	ok "--json --from: two whole JSON lines"
else
	bad "--json --from" "$tmp/out"
fi
timeout -s KILL "$hang_s" "$gsched" go --batch --from - <"$log" >"$tmp/out" 2>"$tmp/err"
if [ "$(grep -c '^SCHED' "$tmp/out")" -eq 2 ]; then
	ok "--batch --from -: the log from standard input"
else
	bad "--batch --from -" "$tmp/err"
fi
# cut mid-block: the whole ticks before the cut, and a message, exit 2
head -n 10 "$log" >"$tmp/cut.log"
timeout -s KILL "$hang_s" "$gsched" go --batch --from "$tmp/cut.log" </dev/null >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -eq 2 ] && [ "$(grep -c '^SCHED' "$tmp/out")" -eq 1 ] && [ -s "$tmp/err" ]; then
	ok "a log cut mid-block: its whole tick, a message, exit 2 ($(head -n 1 "$tmp/err"))"
else
	bad "a log cut mid-block: exit $rc, $(grep -c '^SCHED' "$tmp/out") ticks" "$tmp/err"
fi
# garbage: no trace at all
printf 'hello\n\001\002 not a trace\n' >"$tmp/garbage.log"
timeout -s KILL "$hang_s" "$gsched" go --batch --from "$tmp/garbage.log" </dev/null >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -eq 2 ] && [ ! -s "$tmp/out" ] && [ -s "$tmp/err" ]; then
	ok "a log with no trace: exit 2 ($(head -n 1 "$tmp/err"))"
else
	bad "a log with no trace: exit $rc" "$tmp/err"
fi

# ---- a real Go program ----
go=$(command -v go)
if [ -z "$go" ]; then
	echo "SKIP  a real Go program: go is not installed (tools/install-deps --with-go)"
else
	mkdir -p "$tmp/gowork" "$tmp/gocache"
	cp "$srcdir/tests/e2e/gowork.go" "$tmp/gowork/main.go"
	printf 'module gowork\n\ngo 1.19\n' >"$tmp/gowork/go.mod"
	if ! (cd "$tmp/gowork" && GOCACHE=${GOCACHE:-$tmp/gocache} GOFLAGS=-mod=mod \
		"$go" build -o "$tmp/gowork.bin" .) >"$tmp/err" 2>&1; then
		bad "building tests/e2e/gowork.go" "$tmp/err"
	else
		# 2 Ps, 6 goroutines in read(2): 6 threads beyond the Ps' own
		GOMAXPROCS=2 timeout -s KILL "$hang_s" "$gsched" go --batch -- "$tmp/gowork.bin" 2 6 \
			</dev/null >"$tmp/out" 2>"$tmp/err"
		rc=$?
		max=$(sed -n 's/.* threads=\([0-9]*\) .*/\1/p' "$tmp/out" | sort -n | tail -n 1)
		if [ "$rc" -eq 0 ] && grep -q '^SCHED .* gomaxprocs=2 ' "$tmp/out" &&
			[ "${max:-0}" -gt 8 ] && grep -q 'gowork: 6 blockers' "$tmp/err" &&
			grep -q 'gowork: done' "$tmp/err" && ! grep -q 'standard output' "$tmp/out"; then
			ok "a Go program under --batch: its ticks (threads up to $max > 2 + 6), its own lines on stderr"
		else
			bad "a Go program under --batch: exit $rc, threads up to ${max:-?}" "$tmp/err"
		fi
		GOMAXPROCS=2 timeout -s KILL "$hang_s" "$gsched" go --json -i 50 -- "$tmp/gowork.bin" 1 2 \
			</dev/null >"$tmp/out" 2>"$tmp/err"
		rc=$?
		if [ "$rc" -eq 0 ] && [ "$(grep -c '^{.*}$' "$tmp/out")" -ge 5 ] &&
			[ "$(grep -vc '^{.*}$' "$tmp/out")" -eq 0 ]; then
			ok "a Go program under --json -i 50: $(wc -l <"$tmp/out") whole lines"
		else
			bad "a Go program under --json: exit $rc" "$tmp/out"
		fi
	fi
fi

echo "go: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
