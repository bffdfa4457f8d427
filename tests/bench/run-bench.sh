#!/bin/sh
# run-bench.sh - run gsched's bench workloads next to the same workloads in Go
# (tests/bench/peer.go) and print a table of medians, ratios and targets.
#
# Environment:
#   GSCHED     path to the gsched program (required)
#   GO         path to go; empty: gsched only; unset: go from PATH if any
#   PEER       path to peer.go (default: beside this script)
#   ROUNDS     rounds per configuration (default 5; 3 for park)
#   WORKLOADS  which workloads to run (default: spawn yield pingpong park)
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
WORKLOADS=${WORKLOADS:-spawn yield pingpong park}
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
# (2nd field) to $tmp/ID.WHO.value and start_s to $tmp/ID.WHO.start_s.
run_once()
{
	who=$1 workload=$2 id=$3
	shift 3
	if [ "$who" = gsched ]; then
		prog=$GSCHED
	else
		prog=$peerbin
	fi
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
	for field; do
		case $field in
		start_s=*) echo "${field#start_s=}" >>"$tmp/$id.$who.start_s" ;;
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

# row WORKLOAD CONFIG GSMEDIAN GOMEDIAN TARGET: one table row into $tmp/table.
row()
{
	awk -v w="$1" -v c="$2" -v gs="$3" -v go="$4" -v t="$5" -v havego="$peerbin" '
	BEGIN {
		ratio = "-"; met = "-"
		if (havego == "") {
			go = "-"
			if (t != "-") met = "n/a"
		} else if (gs != "-" && go != "-" && go + 0 > 0) {
			r = gs / go
			ratio = sprintf("%.2f", r)
			if (t != "-") met = (r <= t + 0) ? "yes" : "no"
		}
		target = (t == "-") ? "-" : "<=" t
		printf "%-9s %-28s %14s %12s %10s %7s %5s\n", w, c, gs, go, ratio, target, met
	}' >>"$tmp/table"
}

# bench ID WORKLOAD CONFIG ROUNDS FORMAT TARGET GSCHED-ARGS -- GO-ARGS
bench()
{
	id=$1 workload=$2 config=$3 rounds=$4 fmt=$5 target=$6
	shift 6
	case " $WORKLOADS " in
	*" $workload "*) ;;
	*) return 0 ;;
	esac
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

ROUNDS_ALL=${ROUNDS:-5}
ROUNDS_PARK=${ROUNDS:-3}
: >"$tmp/table"

unit=ns/goroutine
bench spawn1 spawn "-p 1" "$ROUNDS_ALL" %.1f 0.5 spawn -p 1 -- spawn -p 1
bench spawn2 spawn "-p 2" "$ROUNDS_ALL" %.1f 0.5 spawn -p 2 -- spawn -p 2
unit=ns/switch
bench yield yield "procs=1" "$ROUNDS_ALL" %.1f 0.5 yield -- yield
unit=ns/roundtrip
bench pingpong1 pingpong "-p 1" "$ROUNDS_ALL" %.1f 0.5 pingpong -p 1 -- pingpong -p 1
bench pingpong2 pingpong "-p 2" "$ROUNDS_ALL" %.1f 0.5 pingpong -p 2 -- pingpong -p 2
park_start_target=-
bench park park "default stack" "$ROUNDS_PARK" %.0f - park -- park
# Go has no stack-size knob: its side is plain park (2 KiB initial stacks).
park_start_target=0.25
bench parksmall park "--stack 2048" "$ROUNDS_PARK" %.0f 1.0 park --stack 2048 -- park

echo
printf "%-9s %-28s %14s %12s %10s %7s %5s\n" \
    workload config "gsched median" "go median" "gsched/go" target "met?"
cat "$tmp/table"

if [ "$failed" -ne 0 ]; then
	echo "run-bench: some runs failed (see above)" >&2
	exit 1
fi
exit 0
