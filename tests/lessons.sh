#!/bin/sh
# lessons.sh - run every shipped lesson headless (gsched --batch) and require
# exit 0 (every expectation met), each caption line at most 72 columns as it
# came out, and each chapter with an expect and a pause (what a room needs:
# an 80-column projector, a claim checked, a moment to talk); then check
# the command-line entry points:
# --list names every lesson, a bad lesson exits 2 with FILE:LINE:COL, a
# failing expectation exits 1.  Run by make check from the build directory.
set -u
srcdir=${srcdir:-.}
GSCHED=${GSCHED:-./src/gsched}
LESSONDIR=$srcdir/demos
fail=0
n=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lessons.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT

# Display columns are counted in a UTF-8 locale (wc -L: a wide character is
# two columns, an accented letter one); without one, bytes, which can only
# overcount.
CAPTION_MAX=72
UTF8=
for l in C.UTF-8 C.utf8 en_US.UTF-8 en_US.utf8; do
	if locale -a 2>/dev/null | grep -qx "$l"; then UTF8=$l; break; fi
done
[ -n "$UTF8" ] || echo "NOTE: no UTF-8 locale: caption widths are counted in bytes"

# caption_widths LESSON OUT: every caption line the lesson printed in --batch
# (OUT) is at most CAPTION_MAX columns, with its quantities as they came out.
# A caption is a "say: " or "measure: " line and the lines indented under it;
# --batch runs every step once, in order, so the k-th say printed is the k-th
# say of the file, which names its line (a measure that timed out prints a
# FAIL line in place of its own).  Prints one FAIL line per line too
# wide; returns 1 if any.
caption_widths() {
	awk -v out="$2" '
	FNR == NR { if ($1 == "say" || $1 == "measure") src[$1, ++n[$1]] = FNR; next }
	/^say: |^measure: / {
		kind = substr($0, 1, index($0, ":") - 1)
		line = src[kind, ++k[kind]]
		print (line ? line : "?") "\t" substr($0, length(kind) + 3)
		next
	}
	/^FAIL: [^ ]*:[0-9]+: measure "/ { k["measure"]++; line = ""; next } # timed out
	/^     / && line != "" { print line "\t" substr($0, 6); next }
	{ line = "" }' "$1" "$2" >"$tmp/captions"
	bad=0
	while IFS='	' read -r line text; do
		if [ -n "$UTF8" ]; then
			w=$(printf '%s\n' "$text" | LC_ALL=$UTF8 wc -L)
		else
			w=$(printf '%s' "$text" | LC_ALL=C wc -c)
		fi
		if [ "$w" -gt "$CAPTION_MAX" ]; then
			echo "FAIL: $(basename "$1"):$line: a caption line of $w columns" \
				"(at most $CAPTION_MAX): $text"
			bad=1
		fi
	done <"$tmp/captions"
	return $bad
}

# chapters LESSON: every chapter (a mark, up to the next) has at least one
# expect and at least one pause; a lesson without a mark is one chapter (its
# first line names it).  One FAIL line per chapter short of one; returns 1 if
# any.
chapters() {
	awk -v f="$(basename "$1")" '
	function done() {
		if (!e) { print "FAIL: " f ":" at ": chapter \"" name "\" has no expect"; bad = 1 }
		if (!p) { print "FAIL: " f ":" at ": chapter \"" name "\" has no pause"; bad = 1 }
	}
	$1 == "mark" {
		if (at) done()
		at = FNR; name = $0; sub(/^[ \t]*mark[ \t]*"/, "", name); sub(/".*/, "", name)
		e = p = 0
		next
	}
	$1 == "expect" { e = 1 }
	$1 == "pause" { p = 1 }
	END { if (!at) { at = 1; name = "(the whole lesson: no mark)" } done(); exit bad }' "$1"
}

for f in "$LESSONDIR"/*.lesson; do
	n=$((n + 1))
	name=$(basename "$f" .lesson)
	start=$(date +%s)
	"$GSCHED" --batch -q "$f" >"$tmp/$name.out" 2>&1
	rc=$?
	took=$(( $(date +%s) - start ))
	if [ $rc -eq 1 ] && [ "${GS_SANITIZED:-no}" = yes ]; then
		# A sanitizer build runs goroutines 3-50x slower, and some lessons
		# show what happens at full speed (lesson 7: one goroutine spawns
		# 1000 faster than one P runs them).  A missed expectation is shown,
		# not failed; a crash, a sanitizer report (exit 66 or a signal) or a
		# bad lesson (2) still fails.
		echo "NOTE: $name: expectation missed at sanitizer speed (${took}s):"
		grep -E '^(FAIL|error)' "$tmp/$name.out" | sed 's/^/    /'
	elif [ $rc -ne 0 ]; then
		echo "FAIL: $name (exit $rc, ${took}s):"
		# the expectations that failed, then how the run ended
		grep 'FAILED' "$tmp/$name.out" | sed 's/^/    /'
		grep -v '^SCHED' "$tmp/$name.out" | tail -n 15 | sed 's/^/    /'
		fail=$((fail + 1))
	else
		echo "PASS: $name (${took}s) $(tail -n 1 "$tmp/$name.out")"
	fi
	# for a room: captions fit 72 columns, chapters check and pause
	caption_widths "$f" "$tmp/$name.out" || fail=$((fail + 1))
	chapters "$f" || fail=$((fail + 1))
done
if [ $n -ne 17 ]; then
	echo "FAIL: expected 17 lessons in $LESSONDIR, found $n"
	fail=$((fail + 1))
fi

# --list: one line per lesson, name then title
GSCHED_LESSONS=$LESSONDIR "$GSCHED" --list >"$tmp/list" 2>&1
if [ $? -ne 0 ] || [ "$(wc -l <"$tmp/list")" -ne 17 ] ||
   ! grep -q '^02-gmp  *The GMP model' "$tmp/list"; then
	echo "FAIL: gsched --list:"; sed 's/^/    /' "$tmp/list"
	fail=$((fail + 1))
else
	echo "PASS: --list"
fi

# check WHAT RC PATTERN CMD...: CMD must exit RC with a line matching PATTERN
check() {
	what=$1 want=$2 pattern=$3
	shift 3
	"$@" >"$tmp/check.out" 2>&1
	rc=$?
	bad=0
	[ $rc -ne "$want" ] && bad=1
	grep -q "$pattern" "$tmp/check.out" || bad=1
	# a bad lesson is refused before anything runs
	[ "$want" -eq 2 ] && grep -q '^SCHED' "$tmp/check.out" && bad=1
	if [ $bad -ne 0 ]; then
		echo "FAIL: $what (exit $rc, want $want):"; sed 's/^/    /' "$tmp/check.out"
		fail=$((fail + 1))
	else
		echo "PASS: $what exits $want"
	fi
}

# a bad lesson: exit 2 and FILE:LINE:COL before anything runs
printf 'title "bad"\nprocs abc\n' >"$tmp/bad.lesson"
check "bad lesson" 2 \
	"^gsched: $tmp/bad.lesson:2:7: expected a number after 'procs', got 'abc'\$" \
	"$GSCHED" --batch "$tmp/bad.lesson"
# an unknown name: exit 2
check "unknown lesson" 2 "no lesson named 'no-such-lesson'" \
	env GSCHED_LESSONS="$LESSONDIR" "$GSCHED" --batch no-such-lesson
# a failing expectation: exit 1; by name, without --batch (stdout is a file)
printf 'title "fails"\nprocs 1\nexpect procs == 2\n' >"$tmp/fails.lesson"
check "failing expectation" 1 \
	"^FAIL: .*fails.lesson:3: expect procs == 2: FAILED (procs = 1)" \
	env GSCHED_LESSONS="$tmp" "$GSCHED" fails
# lesson 11 again with the GOMAXPROCS variable set: the runtime must follow it
check "11-containers with GOMAXPROCS=1" 0 "expect startprocs == expectedprocs: ok (startprocs = 1, expectedprocs = 1)" \
	env GOMAXPROCS=1 "$GSCHED" --batch -q "$LESSONDIR/11-containers.lesson"
# lesson 11 under a test cgroup tree (GSCHED_CGROUP_ROOT stands for / when
# the runtime reads /proc/self/cgroup, /proc/self/mountinfo and the cgroup):
# the process sits in /lesson/box of a cgroup2 mounted at /sys/fs/cgroup,
# whose cpu.max is 1.5 CPUs.  Its parent's tighter 1 CPU is not seen, as
# Go 1.25 reads only the leaf.  The runtime must see 1.5, round it up to 2
# and never exceed the CPUs.  The number is worked out here from what the
# test wrote, not by the rule the lesson itself applies.
mkdir -p "$tmp/cg/proc/self" "$tmp/cg/sys/fs/cgroup/lesson/box"
echo "0::/lesson/box" >"$tmp/cg/proc/self/cgroup"
echo "30 25 0:26 / /sys/fs/cgroup rw,nosuid shared:4 - cgroup2 cgroup2 rw" \
	>"$tmp/cg/proc/self/mountinfo"
echo "100000 100000" >"$tmp/cg/sys/fs/cgroup/lesson/cpu.max"
echo "150000 100000" >"$tmp/cg/sys/fs/cgroup/lesson/box/cpu.max"
want=$(nproc)
[ "$want" -gt 2 ] && want=2
env -u GOMAXPROCS GSCHED_CGROUP_ROOT="$tmp/cg" "$GSCHED" --batch -q \
	"$LESSONDIR/11-containers.lesson" >"$tmp/cg.out" 2>&1
rc=$?
if [ $rc -ne 0 ] || ! grep -q "limit 150% of a CPU (0: none), 2 CPUs rounded up" "$tmp/cg.out" ||
   ! grep -q "^info: cgroup limits read from a test tree" "$tmp/cg.out" ||
   ! grep -q "expect startprocs == expectedprocs: ok (startprocs = $want," "$tmp/cg.out"; then
	echo "FAIL: 11-containers under cpu.max 150000 100000 (exit $rc, want GOMAXPROCS $want):"
	grep -v '^SCHED' "$tmp/cg.out" | sed 's/^/    /'
	fail=$((fail + 1))
else
	echo "PASS: 11-containers under cpu.max 150000 100000 chose GOMAXPROCS $want"
fi

[ $fail -eq 0 ]
