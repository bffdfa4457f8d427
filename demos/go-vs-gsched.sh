#!/usr/bin/env bash
# go-vs-gsched.sh - the same three workloads on gsched's runtime and in a real
# Go program, one after the other, with the same expectations checked on
# both from the same schedtrace lines (gsched --batch prints its own runtime
# in Go's format; gsched go --batch reads a Go program's GODEBUG=schedtrace):
#
#   1. threads under blocking calls: 8 goroutines in read(2) on pipes nobody
#      writes to hold 8 threads: threads= reaches GOMAXPROCS + 8;
#   2. netpoller waits on few threads: 200 goroutines waiting on the network
#      hold none: threads= stays under GOMAXPROCS + 8;
#   3. queue overflow: thousands of goroutines spawned at once on one P fill
#      its 256-slot local queue, and the rest go to the global queue:
#      runqueue= (the global queue) above 256 at some tick.
#
# Needs go (tools/install-deps --with-go); without it, says SKIP and why.
# Run from the build directory (GSCHED names the program).  Prints each
# check and "N passed, M failed"; exit 0 when all pass.  To watch the same
# in the visualizer: gsched -p 2 then `B` (eight syscall blockers), and
# gsched go -- PROGRAM 30 8 (the built program, kept with KEEP=1).

if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi

gsched=${GSCHED:-./src/gsched}
here=$(cd "$(dirname "$0")" && pwd)
src=$here/../tests/e2e/gowork.go
if [ ! -x "$gsched" ]; then
	echo "go-vs-gsched: $gsched is not built" >&2
	exit 99
fi
if ! command -v go >/dev/null 2>&1; then
	echo "SKIP: go is not installed (tools/install-deps --with-go installs it)"
	exit 77
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/go-vs-gsched.XXXXXX") || exit 99
[ -n "${KEEP:-}" ] || trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/gowork" "$tmp/gocache"
cp "$src" "$tmp/gowork/main.go"
printf 'module gowork\n\ngo 1.19\n' >"$tmp/gowork/go.mod"
if ! (cd "$tmp/gowork" && GOCACHE=${GOCACHE:-$tmp/gocache} GOFLAGS=-mod=mod \
	go build -o "$tmp/gowork.bin" .); then
	echo "go-vs-gsched: cannot build $src" >&2
	exit 1
fi
prog=$tmp/gowork.bin
[ -n "${KEEP:-}" ] && echo "the Go program: $prog"

pass=0
fail=0

# most FIELD FILE: the largest value of FIELD= over the SCHED lines.
most() {
	sed -n "s/^SCHED .* $1=\([0-9]*\).*/\1/p" "$2" | sort -n | tail -n 1
}

# expect WHAT TEST...: one check, on both sides.
expect() {
	what=$1
	shift
	if "$@"; then
		pass=$((pass + 1))
		echo "ok    $what"
	else
		fail=$((fail + 1))
		echo "FAIL  $what"
	fi
}

for side in gsched go; do
	echo "== $side"
	# 1. eight goroutines blocked in read(2), GOMAXPROCS 2
	if [ $side = gsched ]; then
		"$gsched" --batch -p 2 -n 20 -w syscall:8 >"$tmp/block" 2>/dev/null
	else
		GOMAXPROCS=2 "$gsched" go --batch -- "$prog" 2 8 >"$tmp/block" 2>/dev/null
	fi
	t=$(most threads "$tmp/block")
	expect "$side: 8 goroutines in read(2) hold 8 threads: threads up to ${t:-?} >= 2 + 8" \
		[ "${t:-0}" -ge 10 ]
	# 2. two hundred goroutines waiting on the network
	if [ $side = gsched ]; then
		"$gsched" --batch -p 2 -n 20 -w netwait:200 >"$tmp/net" 2>/dev/null
	else
		GOMAXPROCS=2 "$gsched" go --batch -- "$prog" 2 0 200 >"$tmp/net" 2>/dev/null
	fi
	t=$(most threads "$tmp/net")
	expect "$side: 200 goroutines waiting on the network hold no thread: threads up to ${t:-?} < 2 + 8" \
		[ -n "$t" ] && [ "$t" -lt 10 ]
	# 3. thousands spawned at once on one P
	if [ $side = gsched ]; then
		"$gsched" --batch -p 1 -n 10 -w cpu:2000 >"$tmp/spawn" 2>/dev/null
	else
		GOMAXPROCS=1 "$gsched" go --batch -- "$prog" 2 0 0 3000 >"$tmp/spawn" 2>/dev/null
	fi
	g=$(most runqueue "$tmp/spawn")
	expect "$side: a full local queue overflows to the global queue: runqueue up to ${g:-?} > 256" \
		[ "${g:-0}" -gt 256 ]
done

echo "go-vs-gsched: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
