#!/bin/sh
# lessons.sh - run every shipped lesson headless (gsched --batch) and require
# exit 0 (every expectation met), then check the command-line entry points:
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

for f in "$LESSONDIR"/*.lesson; do
	n=$((n + 1))
	name=$(basename "$f" .lesson)
	start=$(date +%s)
	"$GSCHED" --batch -q "$f" >"$tmp/$name.out" 2>&1
	rc=$?
	took=$(( $(date +%s) - start ))
	if [ $rc -ne 0 ]; then
		echo "FAIL: $name (exit $rc, ${took}s):"
		grep -E '^(FAIL|error)|^gsched:|expectations' "$tmp/$name.out" | sed 's/^/    /'
		fail=$((fail + 1))
	else
		echo "PASS: $name (${took}s) $(tail -n 1 "$tmp/$name.out")"
	fi
done
if [ $n -ne 12 ]; then
	echo "FAIL: expected 12 lessons in $LESSONDIR, found $n"
	fail=$((fail + 1))
fi

# --list: one line per lesson, name then title
GSCHED_LESSONS=$LESSONDIR "$GSCHED" --list >"$tmp/list" 2>&1
if [ $? -ne 0 ] || [ "$(wc -l <"$tmp/list")" -ne 12 ] ||
   ! grep -q '^02-gmp  *The GMP model' "$tmp/list"; then
	echo "FAIL: gsched --list:"; sed 's/^/    /' "$tmp/list"
	fail=$((fail + 1))
else
	echo "PASS: --list"
fi

# a bad lesson: exit 2 and FILE:LINE:COL before anything runs
printf 'title "bad"\nprocs abc\n' >"$tmp/bad.lesson"
"$GSCHED" --batch "$tmp/bad.lesson" >"$tmp/bad.out" 2>&1
rc=$?
if [ $rc -ne 2 ] || ! grep -q "^gsched: $tmp/bad.lesson:2:7: expected a number after 'procs', got 'abc'\$" "$tmp/bad.out" ||
   grep -q SCHED "$tmp/bad.out"; then
	echo "FAIL: bad lesson (exit $rc):"; sed 's/^/    /' "$tmp/bad.out"
	fail=$((fail + 1))
else
	echo "PASS: bad lesson exits 2"
fi

# an unknown name: exit 2
GSCHED_LESSONS=$LESSONDIR "$GSCHED" --batch no-such-lesson >"$tmp/none.out" 2>&1
rc=$?
if [ $rc -ne 2 ] || ! grep -q "no lesson named 'no-such-lesson'" "$tmp/none.out"; then
	echo "FAIL: unknown lesson (exit $rc):"; sed 's/^/    /' "$tmp/none.out"
	fail=$((fail + 1))
else
	echo "PASS: unknown lesson exits 2"
fi

# a failing expectation: exit 1; by name, without --batch (stdout is a file)
printf 'title "fails"\nprocs 1\nexpect procs == 2\n' >"$tmp/fails.lesson"
GSCHED_LESSONS=$tmp "$GSCHED" fails >"$tmp/fails.out" 2>&1
rc=$?
if [ $rc -ne 1 ] || ! grep -q "^FAIL: .*fails.lesson:3: expect procs == 2: FAILED (procs = 1)" "$tmp/fails.out"; then
	echo "FAIL: failing expectation (exit $rc):"; sed 's/^/    /' "$tmp/fails.out"
	fail=$((fail + 1))
else
	echo "PASS: failing expectation exits 1"
fi

[ $fail -eq 0 ]
