#!/bin/sh
# run-bench.sh - run gsched's bench workloads next to the same workloads in Go
# (tests/bench/peer.go) and print a table of medians, ratios and targets.
#
# Environment:
#   GSCHED     path to the gsched program (required)
#   GO         path to go; empty: gsched only; unset: go from PATH if any
#   PEER       path to peer.go (default: beside this script)
#   ROUNDS     rounds per configuration (default 5; 9 for observe)
#   BENCH_STW  path to tests/bench/bench-stw (for the procresize rows; unset:
#              those rows are left out)
#   WORKLOADS  which workloads to run (default: spawn yield pingpong park sleep
#              syscallblock netwait webserver cpu uneven setprocs idle snapshot
#              observe procresize; snapshot, observe and procresize are gsched only:
#              observe runs cpu and uneven with and without --observe 10)
#   RUN_TIMEOUT  seconds one run may take (default 300)
#
# Every round is a separate process, gsched and Go interleaved, so neither gets a
# warm cache or recycled goroutines from an earlier round.  The table is a report:
# the exit status is 0 even where a target is missed, and non-zero only when a run
# fails (or the Go peer does not build).
set -u

: "${GSCHED:?set GSCHED to the gsched program}"
if [ -z "${GO+set}" ]; then
	GO=$(command -v go 2>/dev/null || true)
fi
PEER=${PEER:-$(dirname "$0")/peer.go}
WORKLOADS=${WORKLOADS:-spawn yield pingpong park sleep syscallblock netwait webserver cpu uneven setprocs idle snapshot observe procresize}
RUN_TIMEOUT=${RUN_TIMEOUT:-300}		# seconds, per run (a hang must not stall CI)

failed=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gsched-bench.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

if command -v timeout >/dev/null 2>&1; then
	timeout="timeout $RUN_TIMEOUT"
else
	timeout=
fi

# ---- the Go peer, built once --------------------------------------------------

peerbin=
if [ -n "$GO" ] && "$GO" version >/dev/null 2>&1; then
	# go needs a writable build cache; HOME may be unset or read-only (CI).
	gocache=$("$GO" env GOCACHE 2>/dev/null || true)
	if [ -z "${HOME-}" ] || [ ! -w "${HOME-/nonexistent}" ] || [ -z "$gocache" ] ||
	    ! mkdir -p "$gocache" 2>/dev/null || [ ! -w "$gocache" ]; then
		GOCACHE=$tmp/gocache
		GOPATH=$tmp/gopath
		export GOCACHE GOPATH
	fi
	if "$GO" build -o "$tmp/peer" "$PEER" >"$tmp/gobuild.log" 2>&1; then
		peerbin=$tmp/peer
		echo "comparing with $("$GO" version)"
	else
		echo "run-bench: go build $PEER failed:" >&2
		cat "$tmp/gobuild.log" >&2
		echo "showing gsched only"
		failed=1
	fi
else
	echo "go not found: install golang-go to compare; showing gsched only"
fi

# ---- running and collecting ---------------------------------------------------

# run_once WHO WORKLOAD ID ARGS...: one round of one program.  Appends the value
# (2nd field) to $tmp/ID.WHO.value and each key=value field to $tmp/ID.WHO.key
# (start_s, threads, peak_threads, overhead_ms, ...).
run_once()
{
	who=$1 workload=$2 id=$3
	shift 3
	case $who in
	gsched) prog=$GSCHED ;;
	stw) prog=$BENCH_STW ;;
	*) prog=$peerbin ;;
	esac
	line=$($timeout "$prog" bench "$@" --rounds 1 </dev/null 2>"$tmp/stderr")
	status=$?
	if [ "$status" -ne 0 ]; then
		if [ -n "$timeout" ] && [ "$status" -eq 124 ]; then
			echo "run-bench: $who bench $* timed out after ${RUN_TIMEOUT}s" >&2
		else
			echo "run-bench: $who bench $* failed (exit status $status):" >&2
		fi
		cat "$tmp/stderr" >&2
		failed=1
		return 1
	fi
	echo "  $who: $line"
	# shellcheck disable=SC2086 # split the line into its fields
	set -- $line
	case $# in 0|1|2)
		echo "run-bench: $who bench: unexpected output '$line'" >&2
		failed=1
		return 1
		;;
	esac
	if [ "$1" != "$workload" ]; then
		echo "run-bench: $who bench: unexpected output '$line'" >&2
		failed=1
		return 1
	fi
	case $2 in
	''|*[!0-9.-]*)
		echo "run-bench: $who bench: value '$2' is not a number" >&2
		failed=1
		return 1
		;;
	esac
	echo "$2" >>"$tmp/$id.$who.value"
	shift 2
	for field; do
		case $field in
		*=*)
			key=${field%%=*}
			case $key in
			''|*[!a-z_]*) ;;
			*) echo "${field#*=}" >>"$tmp/$id.$who.$key" ;;
			esac
			;;
		esac
	done
	return 0
}

# median FILE FORMAT: the median of the numbers in FILE, or "-".
median()
{
	if [ ! -s "$1" ]; then
		echo "-"
		return
	fi
	sort -g "$1" | awk -v fmt="$2" '
		{ v[NR] = $1 }
		END {
			if (NR % 2) m = v[(NR + 1) / 2]
			else m = (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf fmt "\n", m
		}'
}

# row WORKLOAD CONFIG GSMEDIAN GOMEDIAN TARGET [FORCE]: one table row into
# $tmp/table.  TARGET is "-" (none), a number R (met if gsched/go <= R), or
# gs>=X / gs<=X (met if the gsched median itself is at least / at most X).
# FORCE "fail" marks the row not met whatever the target says.
row()
{
	awk -v w="$1" -v c="$2" -v gs="$3" -v go="$4" -v t="$5" -v force="${6-}" \
	    -v havego="$peerbin" '
	BEGIN {
		ratio = "-"; met = "-"; r = ""
		if (havego == "")
			go = "-"
		else if (gs != "-" && go != "-" && go + 0 > 0) {
			r = gs / go
			ratio = sprintf("%.2f", r)
		}
		if (t == "-") {
			target = "-"
		} else if (t ~ /^gs[<>]=/) {
			target = t
			x = substr(t, 5) + 0
			if (gs != "-") {
				if (substr(t, 3, 1) == "<") met = (gs + 0 <= x) ? "yes" : "no"
				else met = (gs + 0 >= x) ? "yes" : "no"
			}
		} else {
			target = "<=" t
			if (havego == "") met = "n/a"
			else if (r != "") met = (r <= t + 0) ? "yes" : "no"
		}
		if (force == "fail" && t != "-") met = "no"
		printf "%-12s %-32s %14s %12s %10s %8s %5s\n", w, c, gs, go, ratio, target, met
	}' >>"$tmp/table"
}

# quotient A B FORMAT: A/B, or "-" if either is missing or B is 0.
quotient()
{
	awk -v a="$1" -v b="$2" -v fmt="$3" 'BEGIN {
		if (a == "-" || b == "-" || b + 0 == 0) print "-"
		else printf fmt "\n", a / b
	}'
}

# selected WORKLOAD: true if WORKLOADS names it.
selected()
{
	case " $WORKLOADS " in
	*" $1 "*) return 0 ;;
	*) return 1 ;;
	esac
}

# runs ID WORKLOAD CONFIG ROUNDS GSCHED-ARGS -- GO-ARGS: the rounds of one
# configuration, gsched and Go interleaved.
runs()
{
	id=$1 workload=$2 config=$3 rounds=$4
	shift 4
	gsargs=
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		gsargs="$gsargs $1"
		shift
	done
	shift
	goargs=$*

	echo "$workload $config: $rounds rounds"
	r=1
	while [ "$r" -le "$rounds" ]; do
		# shellcheck disable=SC2086 # word splitting of the argument lists is meant
		run_once gsched "$workload" "$id" $gsargs
		if [ -n "$peerbin" ]; then
			# shellcheck disable=SC2086
			run_once go "$workload" "$id" $goargs
		fi
		r=$((r + 1))
	done
}

# gsmed/gomed ID KEY FORMAT: the median of one field over the rounds.
gsmed() { median "$tmp/$1.gsched.$2" "$3"; }
gomed() { median "$tmp/$1.go.$2" "$3"; }

# bench ID WORKLOAD CONFIG ROUNDS FORMAT TARGET GSCHED-ARGS -- GO-ARGS
bench()
{
	id=$1 workload=$2 config=$3 rounds=$4 fmt=$5 target=$6
	shift 6
	selected "$workload" || return 0
	runs "$id" "$workload" "$config" "$rounds" "$@"

	if [ "$workload" = park ]; then
		row "$workload" "$config bytes/goroutine" \
		    "$(median "$tmp/$id.gsched.value" "$fmt")" \
		    "$(median "$tmp/$id.go.value" "$fmt")" "$target"
		row "$workload" "$config start_s" \
		    "$(median "$tmp/$id.gsched.start_s" %.3f)" \
		    "$(median "$tmp/$id.go.start_s" %.3f)" "$park_start_target"
	else
		row "$workload" "$config $unit" \
		    "$(median "$tmp/$id.gsched.value" "$fmt")" \
		    "$(median "$tmp/$id.go.value" "$fmt")" "$target"
	fi
}

# speedup ID WORKLOAD ROUNDS TARGET ARGS...: the workload at -p 1 and -p 2, the
# four runs of a round interleaved, and its speedup median(p1)/median(p2).
speedup()
{
	# run_once sets id and workload: keep ours apart.
	sp_id=$1 sp_workload=$2 sp_rounds=$3 sp_target=$4
	shift 4
	selected "$sp_workload" || return 0
	echo "$sp_workload $*: -p 1 and -p 2, $sp_rounds rounds"
	r=1
	while [ "$r" -le "$sp_rounds" ]; do
		for p in 1 2; do
			run_once gsched "$sp_workload" "$sp_id.p$p" "$sp_workload" "$@" -p "$p"
			if [ -n "$peerbin" ]; then
				run_once go "$sp_workload" "$sp_id.p$p" "$sp_workload" "$@" -p "$p"
			fi
		done
		r=$((r + 1))
	done
	for p in 1 2; do
		row "$sp_workload" "-p $p s_wall" "$(gsmed "$sp_id.p$p" value %.3f)" \
		    "$(gomed "$sp_id.p$p" value %.3f)" -
	done
	row "$sp_workload" "speedup p1/p2" \
	    "$(quotient "$(gsmed "$sp_id.p1" value %.6f)" "$(gsmed "$sp_id.p2" value %.6f)" %.2f)" \
	    "$(quotient "$(gomed "$sp_id.p1" value %.6f)" "$(gomed "$sp_id.p2" value %.6f)" %.2f)" \
	    "$sp_target"
}

ROUNDS_ALL=${ROUNDS:-5}
ROUNDS_PARK=${ROUNDS:-5}
# A ratio near 1 needs more rounds than a comparison with Go.
ROUNDS_OBSERVE=${ROUNDS:-9}
: >"$tmp/table"

unit=ns/goroutine
bench spawn1 spawn "-p 1" "$ROUNDS_ALL" %.1f 0.5 spawn -p 1 -- spawn -p 1
bench spawn2 spawn "-p 2" "$ROUNDS_ALL" %.1f 0.4 spawn -p 2 -- spawn -p 2
unit=ns/switch
bench yield yield "procs=1" "$ROUNDS_ALL" %.1f 0.5 yield -- yield
unit=ns/roundtrip
bench pingpong1 pingpong "-p 1" "$ROUNDS_ALL" %.1f 0.4 pingpong -p 1 -- pingpong -p 1
bench pingpong2 pingpong "-p 2" "$ROUNDS_ALL" %.1f 0.4 pingpong -p 2 -- pingpong -p 2
park_start_target=0.25
bench park park "default stack" "$ROUNDS_PARK" %.0f 1.0 park -- park
# Go has no stack-size knob: its side is plain park (2 KiB initial stacks).
park_start_target=0.25
bench parksmall park "--stack 2048" "$ROUNDS_PARK" %.0f 1.0 park --stack 2048 -- park

# Timers: 100000 goroutines sleep 1s at once; what counts is the time past 1s.
if selected sleep; then
	runs sleep sleep "n=100000 d=1s" "$ROUNDS_ALL" sleep -n 100000 -d 1s -- \
	    sleep -n 100000 -d 1s
	row sleep "n=100000 d=1s overhead_ms" "$(gsmed sleep overhead_ms %.1f)" \
	    "$(gomed sleep overhead_ms %.1f)" 0.4
	row sleep "n=100000 d=1s threads" "$(gsmed sleep threads %.0f)" \
	    "$(gomed sleep threads %.0f)" -
	# The overhead is the time until the last goroutine has started sleeping, and
	# most of that is one page fault per goroutine, on the first touch of its
	# stack (1.5-1.8 us each in a VM).  Go's 2 KiB stacks fault half a page per
	# goroutine; gsched's fault a whole one at any size, since each stack has a
	# guard page below it and so starts a page of its own.
	runs sleepsmall sleep "n=100000 d=1s --stack 2048" "$ROUNDS_ALL" \
	    sleep -n 100000 -d 1s --stack 2048 -- sleep -n 100000 -d 1s
	row sleep "--stack 2048 overhead_ms" "$(gsmed sleepsmall overhead_ms %.1f)" \
	    "$(gomed sleepsmall overhead_ms %.1f)" 0.4
fi

# Blocking system calls: each blocked goroutine holds a thread, and its P must go
# to another, so the others go on (Go: about one thread per blocked goroutine).
if selected syscallblock; then
	n=1000
	runs sysblock syscallblock "n=$n d=100ms -p 2" "$ROUNDS_ALL" \
	    syscallblock -n $n -d 100ms -p 2 -- syscallblock -n $n -d 100ms -p 2
	gspeak=$(gsmed sysblock peak_threads %.0f)
	force=
	if [ "$gspeak" = - ] || [ "$gspeak" -lt $((n / 2)) ]; then
		force=fail
	fi
	row syscallblock "n=$n d=100ms -p 2 s_wall" "$(gsmed sysblock value %.3f)" \
	    "$(gomed sysblock value %.3f)" 1.1 $force
	row syscallblock "n=$n d=100ms -p 2 peak_threads" "$gspeak" \
	    "$(gomed sysblock peak_threads %.0f)" "gs>=$((n / 2))"
fi

# The netpoller: goroutines waiting on sockets hold no thread.
if selected netwait; then
	p=2
	runs netwait netwait "n=1000 d=100ms -p $p" "$ROUNDS_ALL" \
	    netwait -n 1000 -d 100ms -p $p -- netwait -n 1000 -d 100ms -p $p
	row netwait "n=1000 d=100ms -p $p s_wall" "$(gsmed netwait value %.3f)" \
	    "$(gomed netwait value %.3f)" -
	row netwait "n=1000 d=100ms -p $p peak_threads" "$(gsmed netwait peak_threads %.0f)" \
	    "$(gomed netwait peak_threads %.0f)" "gs<=$((p + 3))"
fi

# Many short sleeps in sequence, as request handlers wait on back ends.
if selected webserver; then
	runs webserver webserver "n=10000 (ideal 0.035s)" "$ROUNDS_ALL" \
	    webserver -n 10000 -- webserver -n 10000
	row webserver "n=10000 s_wall" "$(gsmed webserver value %.3f)" \
	    "$(gomed webserver value %.3f)" 0.8
	row webserver "n=10000 threads" "$(gsmed webserver threads %.0f)" \
	    "$(gomed webserver threads %.0f)" -
fi

# CPU-bound loops that call nothing: preemption and stealing must spread them
# over the Ps.  The speedup needs two real cores: a busy or throttled machine
# shows less for Go as well.
speedup cpu cpu "$ROUNDS_ALL" "gs>=1.8" -n 100000000
speedup uneven uneven "$ROUNDS_ALL" "gs>=1.8" -n 10000000

# GOMAXPROCS changed from a goroutine while 4 goroutines spin: how long the call
# keeps its caller (the stop of the world, and any wait before the caller runs
# on; Go's caller keeps its P).  200 changes a round, each after a 1 ms sleep.
if selected setprocs; then
	runs setprocs setprocs "busy=4 n=200" "$ROUNDS_ALL" setprocs -- setprocs
	row setprocs "busy=4 median us/change" "$(gsmed setprocs value %.1f)" \
	    "$(gomed setprocs value %.1f)" "gs<=1000"
	row setprocs "busy=4 p90 us/change" "$(gsmed setprocs tail_us %.1f)" \
	    "$(gomed setprocs tail_us %.1f)" -
fi

# An idle program (main sleeps 2 s): how often its threads wake.  Counted the
# same way on both sides, inside the process: the voluntary_ctxt_switches of
# every thread (/proc/self/task/<tid>/status) over the sleep, per second.  Go's
# sysmon sleeps while every P is idle.
if selected idle; then
	runs idle idle "d=2s" "$ROUNDS_ALL" idle -- idle
	row idle "d=2s wakeups/s" "$(gsmed idle value %.1f)" "$(gomed idle value %.1f)" "gs<=20"
fi

# The cost of one full snapshot (gsched only: Go has no such call): 64 Ps and
# about 2000 threads, each goroutine blocked in read(2) on a thread of its own.
if selected snapshot; then
	echo "snapshot procs=64 n=2000: $ROUNDS_ALL rounds (gsched only)"
	r=1
	while [ "$r" -le "$ROUNDS_ALL" ]; do
		run_once gsched snapshot snapshot snapshot -n 2000
		r=$((r + 1))
	done
	row snapshot "procs=64 n=2000 us/snapshot" "$(gsmed snapshot value %.1f)" - "gs<=200"
	row snapshot "procs=64 n=2000 99th pct us" "$(gsmed snapshot tail_us %.1f)" - -
	row snapshot "procs=64 n=2000 threads" "$(gsmed snapshot threads %.0f)" - -
fi

# Observation while a workload runs: a plain thread takes 10 snapshots a second
# and drains the event stream (events on).  Plain and observed runs alternate;
# the target is median(observed)/median(plain) <= 1.03.  With observation
# compiled in but off (every plain run), each event site costs one predicted
# branch; there is no build without it to measure that against.
# observe_rows ID WORKLOAD ARGS...
observe_rows()
{
	ob_id=$1 ob_workload=$2
	shift 2
	echo "$ob_workload $* -p 2: plain and --observe 10, $ROUNDS_OBSERVE rounds (gsched only)"
	r=1
	while [ "$r" -le "$ROUNDS_OBSERVE" ]; do
		run_once gsched "$ob_workload" "$ob_id.plain" "$ob_workload" "$@" -p 2
		run_once gsched "$ob_workload" "$ob_id.obs" "$ob_workload" "$@" -p 2 --observe 10
		r=$((r + 1))
	done
	row "$ob_workload" "-p 2 events off s_wall" "$(gsmed "$ob_id.plain" value %.3f)" - -
	row "$ob_workload" "-p 2 --observe 10 s_wall" "$(gsmed "$ob_id.obs" value %.3f)" - -
	row "$ob_workload" "observed/plain" \
	    "$(quotient "$(gsmed "$ob_id.obs" value %.6f)" "$(gsmed "$ob_id.plain" value %.6f)" %.3f)" \
	    - "gs<=1.03"
	row "$ob_workload" "--observe 10 events dropped" "$(gsmed "$ob_id.obs" dropped %.0f)" - -
}
if selected observe; then
	observe_rows obscpu cpu -n 100000000
	observe_rows obsuneven uneven -n 10000000
fi

# The stop-the-world of a GOMAXPROCS change while goroutines run (gsched only;
# check_procresize checks that every change happens, this how long each took):
# 300 changes over 1..256 with CPU, sleeping and ping-pong goroutines on -p 4.
if selected procresize; then
	if [ -n "${BENCH_STW-}" ] && [ -x "$BENCH_STW" ]; then
		echo "procresize n=300 under load: $ROUNDS_ALL rounds (gsched only)"
		r=1
		while [ "$r" -le "$ROUNDS_ALL" ]; do
			run_once stw procresize stw procresize -n 300
			r=$((r + 1))
		done
		row procresize "n=300 under load us/stw" "$(median "$tmp/stw.stw.value" %.1f)" - -
		row procresize "n=300 under load 99th pct us" "$(median "$tmp/stw.stw.tail_us" %.1f)" - -
		row procresize "n=300 under load max_us" "$(median "$tmp/stw.stw.max_us" %.1f)" - -
	else
		echo "BENCH_STW not set: no procresize rows (make bench sets it)"
	fi
fi

echo
printf "%-12s %-32s %14s %12s %10s %8s %5s\n" \
    workload config "gsched median" "go median" "gsched/go" target "met?"
cat "$tmp/table"

if [ "$failed" -ne 0 ]; then
	echo "run-bench: some runs failed (see above)" >&2
	exit 1
fi
exit 0
