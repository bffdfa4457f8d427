#!/usr/bin/env bash
# badinput.sh - the bad-input catalogue of the gsched program: every bad
# option, value, environment setting and recording gets a clear message on stderr
# and a non-zero exit status (2 for usage errors and bad recordings).  One line per
# case: the input, the exit status and the message's first line.  Run by make check
# (TESTS), from the build directory; GSCHED may name the program.  bash: the
# environment settings of a case are kept in an array.
#
# The terminal cases (no terminal, TERM=dumb, tiny terminals, signals) belong to
# the visualizer's tests.

# make check may start this with sh: the cases need bash's arrays.
if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi

gsched=${GSCHED:-./src/gsched}
if [ ! -x "$gsched" ]; then
	echo "badinput: $gsched is not built" >&2
	exit 99
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gsched-badinput.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM

pass=0
fail=0

# check STATUS MESSAGE [VAR=VALUE...] -- ARGS...: run gsched with ARGS (and the
# environment settings), no stdin; want exit status STATUS and MESSAGE (a fixed
# string) on stderr.
check() {
	local want_st=$1 want_msg=$2 envs=() st first label
	shift 2
	while [ "$1" != "--" ]; do
		envs+=("$1")
		shift
	done
	shift
	env "${envs[@]}" "$gsched" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
	st=$?
	first=$(head -n 1 "$tmp/err")
	label="${envs[*]}${envs[*]:+ }gsched $*"
	if [ "$st" -eq "$want_st" ] && grep -qF -- "$want_msg" "$tmp/err"; then
		pass=$((pass + 1))
		printf 'ok    %-52s exit %d  %s\n' "$label" "$st" "$first"
	else
		fail=$((fail + 1))
		printf 'FAIL  %-52s exit %d (want %d)\n' "$label" "$st" "$want_st"
		printf '      want on stderr: %s\n' "$want_msg"
		sed 's/^/      stderr: /' "$tmp/err" | head -n 5
	fi
}

# ---- the command line ----
check 2 "unknown option '--bogus'" -- --bogus
# A word that is no command names a lesson (src/lesson).
check 2 "no lesson named 'bogus'" -- bogus
check 2 "unknown option '-x'" -- -x
check 2 "unexpected argument 'x'" -- --help x
check 2 "unexpected argument 'x'" -- --version x
check 2 "unexpected argument 'x'" -- status x
check 2 "Try 'gsched status --help'." -- status x
# getopt_long: abbreviations, "--", values that a flag does not take
check 2 "option '--re' is ambiguous: --record, --replay, --replay-step" -- --re x
check 2 "option '--json' takes no value" -- --batch --json=1
check 2 "unknown option '--projectors'" -- --projectors
check 2 "no lesson named '--batch'" -- -- --batch
# the lesson's options and the visualizer's, in either order
check 2 "option '-n' cannot be used with a lesson" -- 06-stealing -n 5
check 2 "option '-p' cannot be used with a lesson" -- -p 2 06-stealing
check 2 "option '--projector' cannot be used with --batch LESSON" -- --batch 06-stealing --projector
check 2 "one lesson at a time (also got 'b')" -- a b
check 2 "--time-scale needs a LESSON" -- --time-scale 2
check 2 "--time-scale: '0' is not a number from 0.1 to 100" -- 06-stealing --time-scale 0
check 2 "-d: '0' is not a delay" -- 06-stealing -d 0
# --slow N: the runtime's slow motion, for every live mode
check 2 "--slow: '0' is not a slow-motion factor from 1 to 1000" -- --slow 0
check 2 "--slow: 'x' is not a slow-motion factor from 1 to 1000" -- --batch --slow x
check 2 "--slow: '1001' is not a slow-motion factor" -- 06-stealing --slow 1001
check 2 "--slow: '2.5' is not a slow-motion factor" -- --batch 06-stealing --slow 2.5
check 2 "option '--slow' needs a value (N)" -- --batch --slow
# --record with a lesson records the visualizer: it needs a terminal
check 2 "--record with a LESSON records the visualizer, which needs a terminal" -- 06-stealing --record "$tmp/l.jsonl"
check 2 "option '--record' cannot be used with --batch LESSON" -- --batch 06-stealing --record "$tmp/l.jsonl"
check 2 "option '--projector' cannot be used with --batch" -- --batch --projector
check 2 "--list takes no other options, got '-v'" -- --list -v
check 2 "--help takes no other options, got '--batch'" -- --help --batch

# ---- gsched bench ----
check 2 "bench needs a workload" -- bench
check 2 "unknown workload 'nosuch'" -- bench nosuch
check 2 "option '-n' needs a value" -- bench spawn -n
check 2 "invalid count 'abc' for -n" -- bench spawn -n abc
check 2 "invalid count '-5' for -n" -- bench spawn -n -5
check 2 "invalid count '0' for -n" -- bench spawn -n 0
check 2 "invalid count '99999999999999999999' for -n" -- bench spawn -n 99999999999999999999
check 2 "invalid GOMAXPROCS '0' for -p" -- bench spawn -p 0
check 2 "invalid GOMAXPROCS '257' for -p" -- bench spawn -p 257
check 2 "invalid duration 'xyz' for -d" -- bench spawn -d xyz
check 2 "invalid duration '-1s' for -d" -- bench spawn -d -1s
check 2 "invalid stack size '1' for --stack" -- bench spawn --stack 1
check 2 "invalid stack size '16M' for --stack" -- bench spawn --stack 16M
check 2 "invalid round count '0' for --rounds" -- bench spawn --rounds 0
check 2 "unknown option '--what'" -- bench spawn --what
check 2 "Try 'gsched bench --help'." -- bench spawn --what
check 2 "invalid duration '5' for -d" -- bench sleep -d 5
check 2 "invalid duration '1d' for --duration" -- bench sleep --dur 1d
check 2 "invalid thread limit '0' for --max-threads" -- bench spawn --max-threads 0
check 2 "invalid thread limit 'x' for --max-threads" -- bench spawn --max-threads x
# Past the limit the runtime ends the program as Go's does: its message, exit 2.
check 2 "runtime: program exceeds 8-thread limit" -- bench syscallblock -n 40 -d 300ms --max-threads 8

# ---- gsched compare ----
check 2 "which KIND? sleep, syscall, netwait, cpu or io" -- compare
check 2 "unknown kind 'x'" -- compare x
check 2 "invalid duration '2m' for -d" -- compare sleep -d 2m
check 2 "invalid task count '0' for -n" -- compare sleep -n 0
check 2 "cpu takes no -d" -- compare cpu -d 1ms
check 2 "io takes no -d" -- compare io -d 1ms
check 2 "invalid task count '0' for -n" -- compare io -n 0
check 2 "Try 'gsched compare --help'." -- compare --bogus

# ---- observation options ----
check 2 "nothing to do" -- -v
check 2 "-n: '0' is not a number of ticks" -- --batch -n 0
check 2 "-n: '1x' is not a number of ticks" -- --batch -n 1x
check 2 "-p: 'abc' is not a number of Ps" -- --batch -p abc
check 2 "-p: '257' is not a number of Ps" -- --batch -p 257
check 2 "-d: '601' is not a delay: tenths of a second from 1 to 600" -- --batch -d 601
check 2 "-d: '150ms' is not a delay" -- --batch -d 150ms
check 2 "unknown workload 'nosuch'" -- --batch -w nosuch
check 2 "workload count '0' is not a number" -- --batch -w cpu:0
check 2 "option '-n' needs a value" -- --batch -n
check 2 "option '--record' needs a value (FILE)" -- --record
check 2 "option '--trace' needs a file name" -- --trace=
check 2 "option '--record' given twice" -- --record "$tmp/a" --record "$tmp/b"
check 2 "is given as two files at once" -- --record "$tmp/a" --trace "$tmp/a"
check 2 "cannot write '$tmp/no/such/dir'" -- --batch -n 1 --record "$tmp/no/such/dir"
check 2 "--replay-step needs --replay" -- --replay-step
check 2 "-p cannot be used with --replay" -- --replay "$tmp/x" -p 2
check 2 "--record cannot be used with --replay" -- --replay "$tmp/x" --record "$tmp/y"
check 2 "--slow cannot be used with --replay" -- --replay "$tmp/x" --slow 2
check 2 "unknown option '--frobnicate'" -- --batch --frobnicate

# ---- recordings for --replay ----
check 2 "cannot open '$tmp/missing.jsonl': No such file or directory" -- --replay "$tmp/missing.jsonl"
: >"$tmp/empty.jsonl"
check 2 "empty.jsonl:1: empty file: no recording header" -- --replay "$tmp/empty.jsonl"
check 2 "read error: Is a directory" -- --replay "$tmp"
printf '\177ELF\002\001\001\000\000\000\000\000\000\000\000\000\003\000>\000\n\000\001\n' >"$tmp/binary"
check 2 "binary:1: bad JSON at column 1: unexpected byte 0x7f" -- --replay "$tmp/binary"
printf '{"format":"gsched-recording","version":99}\n' >"$tmp/v99.jsonl"
check 2 "v99.jsonl:1:" -- --replay "$tmp/v99.jsonl"
printf '{"format":"something-else","version":1}\n' >"$tmp/other.jsonl"
check 2 "other.jsonl:1:" -- --replay "$tmp/other.jsonl"
printf 'not json at all\n' >"$tmp/text.jsonl"
check 2 "text.jsonl:1: bad JSON" -- --replay "$tmp/text.jsonl"
# A real recording cut short: the end line is missing.
if "$gsched" --record "$tmp/good.jsonl" -n 3 -w cpu:2 >/dev/null 2>&1; then
	head -n 2 "$tmp/good.jsonl" >"$tmp/cut.jsonl"
	check 2 "cut.jsonl:" -- --replay "$tmp/cut.jsonl"
	head -c 200 "$tmp/good.jsonl" >"$tmp/halfline.jsonl"
	check 2 "the last line has no newline (truncated recording?)" -- --replay "$tmp/halfline.jsonl"
	# Times that no clock reading of the run can be: the trace export printed
	# them as "ts":-874420836.-502; now the recording is refused, no trace left.
	awk '!done && /"type":"event"/ { sub(/"time_ns":[0-9]+/, "\"time_ns\":18446744073709550615"); done = 1 } 1' \
		"$tmp/good.jsonl" >"$tmp/late.jsonl"
	check 2 "is more than 10^15 ns after the header's start_ns" -- --replay "$tmp/late.jsonl" --trace "$tmp/late.json"
	if [ -e "$tmp/late.json" ]; then
		fail=$((fail + 1))
		echo "FAIL  gsched --replay late.jsonl --trace late.json left a trace"
	fi
	sed '2s/"time_ns":[0-9]*/"time_ns":18446744073709551615/' "$tmp/good.jsonl" >"$tmp/late2.jsonl"
	check 2 "late2.jsonl:2: snapshot: time_ns 18446744073709551615 is more than 10^15 ns after" -- --replay "$tmp/late2.jsonl"
else
	fail=$((fail + 1))
	echo "FAIL  gsched --record could not make a recording to cut"
fi
if [ "$(id -u)" -ne 0 ]; then
	: >"$tmp/unreadable.jsonl"
	chmod 000 "$tmp/unreadable.jsonl"
	check 2 "cannot open '$tmp/unreadable.jsonl': Permission denied" -- --replay "$tmp/unreadable.jsonl"
else
	echo "skip  unreadable recording (running as root: every file is readable)"
fi

# ---- the environment ----
for v in 0 -1 abc 100000 257 4x ' 4' +4; do
	check 2 "GOMAXPROCS=$v: want a whole number from 1 to 256" "GOMAXPROCS=$v" -- status
	check 2 "GOMAXPROCS=$v: want a whole number from 1 to 256" "GOMAXPROCS=$v" -- bench spawn -n 10 --rounds 1
	check 2 "GOMAXPROCS=$v: want a whole number from 1 to 256" "GOMAXPROCS=$v" -- --batch -n 1
done
check 2 "GSCHED_DEBUG: schedtrace=abc: want milliseconds" GSCHED_DEBUG=schedtrace=abc -- status
check 2 "GSCHED_DEBUG: 'schedtrace' is not name=value" GSCHED_DEBUG=schedtrace -- --batch -n 1
check 2 "GSCHED_DEBUG: scheddetail=2: want 0 or 1" GSCHED_DEBUG=scheddetail=2 -- bench spawn -n 10 --rounds 1
# An unknown name is reported and ignored, as Go's GODEBUG ignores it: exit 0.
check 0 "GSCHED_DEBUG: unknown setting 'bogus' ignored" GSCHED_DEBUG=bogus=1 -- status

echo "badinput: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
