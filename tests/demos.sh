#!/bin/sh
# demos.sh - run every seed demo (demos/*.c) with small sizes, as `make check`
# does: each must exit 0 and print its key line; bad flags must exit 2.
# Run from the build directory (make check does).  Timings are printed by the
# demos but never checked: only that the runs complete and say what they should.

pass=0
fail=0

ok() { pass=$((pass + 1)); echo "ok - $1"; }
not_ok() { fail=$((fail + 1)); echo "not ok - $1"; }

out=$(mktemp) || exit 1
trap 'rm -f "$out"' EXIT

# run NAME PATTERN ARGS...: exit 0 and a line matching PATTERN (grep -E).
run() {
	name=$1 pattern=$2
	shift 2
	if ! "./demos/$name" "$@" >"$out" 2>&1; then
		not_ok "$name $*: exit status not 0"
		sed 's/^/    /' "$out"
		return
	fi
	if grep -Eq -- "$pattern" "$out"; then
		ok "$name $*"
	else
		not_ok "$name $*: no line matching '$pattern'"
		sed 's/^/    /' "$out"
	fi
}

# usage NAME ARGS...: a bad flag or value exits 2 with a message on stderr.
usage() {
	name=$1
	shift
	"./demos/$name" "$@" >/dev/null 2>"$out"
	rc=$?
	if [ "$rc" -eq 2 ] && [ -s "$out" ]; then
		ok "$name $*: usage error"
	else
		not_ok "$name $*: expected exit 2 and a message, got $rc"
	fi
}

run gomaxprocs '^2x Cores \(GOMAXPROCS=[0-9]+\): [0-9.]+(ns|µs|ms|s)$' -n 100000
run gomaxprocs '^Available CPU cores: [0-9]+$' -n 1000
run cpubound '^CPU-bound pool, GOMAXPROCS=[0-9]+ \(NumCPU, the default\): [0-9]+ workers did 50 jobs' \
	-n 50 -i 10000 -w 20 -d 5ms
run cpubound '^I/O-bound: 20 goroutines on GOMAXPROCS=[0-9]+, each waiting 50ms: all done in .* \([0-9]+ were waiting at once; [0-9]+ OS threads\)$' \
	-n 50 -i 10000 -w 20 -d 50ms
run scalability '^Created 2,000 goroutines in ' -n 2000 -d 20ms
run scalability '^All 2,000 goroutines finished' -n 2000 -d 20ms
run mn '^2,000 goroutines running on 4 threads$' -n 2000 -d 10ms -w 50ms
run stealing '^all 1000 done in ' -n 10000 -d 1ms
run stealing '^work stealing: [0-9]+ steals moved [0-9]+ goroutines' -n 10000 -d 1ms
run syscall '^Despite blocking I/O, all goroutines made progress!$' -n 20 -i 10000
run syscall '^Despite blocking I/O, all goroutines made progress!$' -p 1 -n 20 -i 10000
run threadsvsgoroutines '^Handled 200 requests in ' -n 200 -r 2000
run threadsvsgoroutines '^Result: no crash: 200 threads' -n 200 -r 2000
# Measured once every goroutine has run and parked: each has touched at least
# the top page (4 KiB) of a stack of its own, so the figure cannot be less.
run threadsvsgoroutines 'every one run and parked: ([4-9]|[1-9][0-9]+)\.[0-9] kB per goroutine' -n 200 -r 2000
# The limiter's invariant (never more than -c handlers at once) is checked by
# the demo itself (exit 1); how many get a 503 depends on timing.
run ratelimit '^40 requests: [0-9]+ served \(200 Done\), [0-9]+ rejected at once \(503 Server busy\), 0 failed' \
	-n 40 -c 10 -d 500ms
run workerpool '^100 requests: 100 answered by a worker \(200 Done\), 0 timed out' -n 100 -w 10 -i 1000
run workerpool '^30 requests: [0-9]+ answered .* [1-9][0-9]* timed out in the queue \(408\), 0 failed' \
	-n 30 -w 1 -q 1 -t 1ms -i 20000000
run threads '^After I/O operations, threads in use: [0-9]+ Ms = 20 blocked in system calls' \
	-p 2 -n 20 -i 10ms
run threads '^While 20 goroutines waited on the network: [0-9] threads' -p 2 -n 20 -i 10ms
run concurrency '^all 4 tasks done in ' 2

usage gomaxprocs -n 0
usage gomaxprocs -x 1
usage scalability -d 10
usage mn -p 300
usage stealing -n
usage workerpool -t 5parsecs
usage ratelimit -c abc

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
