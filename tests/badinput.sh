#!/usr/bin/env bash
# badinput.sh - the bad-input catalogue of the gsched program: every bad
# option, value, environment setting and recording gets a clear message on stderr
# and a non-zero exit status (2 for usage errors and bad recordings).  One line per
# case: the input, the exit status and the message's first line.  A failed write
# is reported the same way (exit 1, as a runtime failure is); a closed pipe
# alone ends quietly; a signal ends a headless run with its files finished
# (exit 128 + the signal).  Run by make check (TESTS), from the build
# directory; GSCHED may name the program.  bash: the environment settings of a
# case are kept in an array.
#
# The terminal cases (no terminal, TERM=dumb, tiny terminals, the visualizer's
# signals) belong to the visualizer's tests.

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
# the tester's own config file (~/.config/gsched/config) is no part of a case
export XDG_CONFIG_HOME="$tmp/no-config"

pass=0
fail=0

# A case still running after this many seconds hangs: it is killed and fails.
# Only a backstop against hangs, far above any case's time on a loaded machine
# (a run with CPU-bound workloads on a machine loaded ten times over took 20).
hang_s=90

# check STATUS MESSAGE [VAR=VALUE...] -- ARGS...: run gsched with ARGS (and the
# environment settings), no stdin; want exit status STATUS and MESSAGE (a fixed
# string, or "" for none wanted) on stderr.  check_out: MESSAGE on stdout
# instead.  Standard output goes to $stdout_to (default a file).
check() {
	check_in err "$@"
}

check_out() {
	check_in out "$@"
}

# prlimited NAME WHAT OPTION [PREFIX]: write $tmp/NAME, a wrapper that runs
# gsched (after PREFIX, a command such as env -i) under prlimit OPTION; or,
# where a limit cannot be set, say that WHAT is skipped and why, and fail.
# libtool's execute mode runs the built program, not its wrapper script.
prlimited() {
	local name=$1 what=$2 opt=$3 prefix=${4:-} pre=
	if [ "${GS_SANITIZED:-no}" = yes ]; then
		echo "skip  $what (a sanitizer's runtime does not fit the limit)"
		return 1
	fi
	if ! command -v prlimit >/dev/null 2>&1; then
		echo "skip  $what (no prlimit: util-linux is not installed)"
		return 1
	fi
	[ -x ./libtool ] && pre="$PWD/libtool --mode=execute "
	printf '#!/bin/sh\nexec %s%sprlimit %s "%s" "$@"\n' "$prefix" "$pre" "$opt" "$gsched" \
		>"$tmp/$name"
	chmod +x "$tmp/$name"
}

check_in() {
	local where=$1 want_st=$2 want_msg=$3 envs=() st first label
	shift 3
	while [ "$1" != "--" ]; do
		envs+=("$1")
		shift
	done
	shift
	timeout -k 5 "$hang_s" env "${envs[@]}" "$gsched" "$@" </dev/null >"${stdout_to:-$tmp/out}" \
		2>"$tmp/err"
	st=$?
	first=$(head -n 1 "$tmp/$where")
	label="${envs[*]}${envs[*]:+ }gsched $*${stdout_to:+ >$stdout_to}"
	if [ "$st" -eq "$want_st" ] && { [ -z "$want_msg" ] || grep -qF -- "$want_msg" "$tmp/$where"; }; then
		pass=$((pass + 1))
		printf 'ok    %-52s exit %d  %s\n' "$label" "$st" "$first"
	else
		fail=$((fail + 1))
		printf 'FAIL  %-52s exit %d (want %d)\n' "$label" "$st" "$want_st"
		if [ "$st" -eq 124 ] || [ "$st" -eq 137 ]; then
			printf '      hung: killed after %d s\n' "$hang_s"
		fi
		printf '      want on std%s: %s\n' "$where" "$want_msg"
		sed "s/^/      std$where: /" "$tmp/$where" | head -n 5
	fi
}

# A whole JSON document, read by python3 or node (whichever is here); without
# either, only its last bytes are checked.
json_whole() {
	if command -v python3 >/dev/null 2>&1; then
		python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$1" 2>/dev/null
	elif command -v node >/dev/null 2>&1; then
		node -e 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))' "$1" 2>/dev/null
	else
		[ "$(tail -c 3 "$1" 2>/dev/null)" = "}}" ]
	fi
}

# check_trace FILE TICKS: FILE is a whole trace of TICKS ticks (any number
# when TICKS is "").
check_trace() {
	if [ -s "$1" ] && json_whole "$1" && grep -q "\"ticks\":${2:-[0-9]*},\"events\"" "$1"; then
		pass=$((pass + 1))
		printf 'ok    %-52s a whole trace of %s ticks\n' "${1##*/}" "${2:-its}"
	else
		fail=$((fail + 1))
		printf 'FAIL  %-52s is no whole trace of %s ticks\n' "${1##*/}" "${2:-its}"
		tail -c 100 "$1" 2>&1 | sed 's/^/      /'
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

# ---- lesson files ----
# A line ends at LF, CR LF or a lone CR, the last one too: a last line ended
# by a lone CR is read once, not looped on.
printf 'title "no steps"\r' >"$tmp/cr.lesson"
check 2 "cr.lesson:1:1: the lesson has no steps" -- "$tmp/cr.lesson"
printf 'say "a"\r\nsay "last"\r' >"$tmp/crlast.lesson"
check_out 0 "say: last" -- --batch "$tmp/crlast.lesson"
printf 'say "a"\rsay "b"\rbogus' >"$tmp/oldmac.lesson"
check 2 "oldmac.lesson:3:1: unknown command 'bogus'" -- "$tmp/oldmac.lesson"
# --list parses every lesson of the folder: one ending in a lone CR is listed.
mkdir "$tmp/crdir"
printf 'title "ends in CR"\r\nsay "x"\r' >"$tmp/crdir/cr.lesson"
check_out 0 "ends in CR" GSCHED_LESSONS="$tmp/crdir" -- --list
# A lesson is a regular file: anything else is refused by name, without
# waiting on it (a FIFO with no writer blocks open(2) for ever).
mkfifo "$tmp/fifo.lesson"
check 2 "$tmp/fifo.lesson: not a regular file (a FIFO)" -- "$tmp/fifo.lesson"
check 2 "$tmp/fifo.lesson: not a regular file (a FIFO)" -- --batch "$tmp/fifo.lesson"
check 2 "/dev/zero: not a regular file (a character device)" -- /dev/zero
check 2 "$tmp/crdir/: not a regular file (a directory)" -- "$tmp/crdir/"
# --list shows such a file among the lessons as broken, and exits 2 as for any
# broken lesson.
mkdir "$tmp/fifodir"
mkfifo "$tmp/fifodir/pipe.lesson"
printf 'title "fine"\nsay "x"\n' >"$tmp/fifodir/fine.lesson"
check_out 2 "pipe             (broken: $tmp/fifodir/pipe.lesson: not a regular file (a FIFO))" \
	GSCHED_LESSONS="$tmp/fifodir" -- --list
check_out 2 "fine             fine" GSCHED_LESSONS="$tmp/fifodir" -- --list
# by name too: the lesson is found, then refused
check 2 "$tmp/fifodir/pipe.lesson: not a regular file (a FIFO)" GSCHED_LESSONS="$tmp/fifodir" -- pipe

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
# A runtime failure is no usage error: exit 1 (the library's fatal status
# is 2, as Go's, unless the program sets another: gsched sets 1).
check 1 "runtime: program exceeds 8-thread limit" -- bench syscallblock -n 40 -d 300ms --max-threads 8

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
	# Converting a cut recording (its writer killed: SIGKILL, a full disk)
	# keeps what was read: the trace is finished with the whole ticks before
	# the cut, a warning says so, exit 2 (a bad recording).
	head -n -1 "$tmp/good.jsonl" >"$tmp/noend.jsonl"
	last_snap=$(grep -n '"type":"snapshot"' "$tmp/good.jsonl" | tail -n 1 | cut -d: -f1)
	head -n "$((last_snap + 1))" "$tmp/good.jsonl" >"$tmp/inevents.jsonl"
	size=$(wc -c <"$tmp/good.jsonl")
	head -c "$((size - 20))" "$tmp/good.jsonl" >"$tmp/midline.jsonl"
	check 2 "the recording ends without an end line (truncated?); the 3 whole ticks before it were read" \
		-- --replay "$tmp/noend.jsonl" --trace "$tmp/noend.json"
	check_trace "$tmp/noend.json" 3
	check 2 "the recording ends inside the events of the snapshot on line $last_snap (truncated?); the 2 whole ticks" \
		-- --replay "$tmp/inevents.jsonl" --trace "$tmp/inevents.json"
	check_trace "$tmp/inevents.json" 2
	check 2 "the last line has no newline (truncated recording?); the 3 whole ticks before it were read" \
		-- --replay "$tmp/midline.jsonl" --trace "$tmp/midline.json"
	check_trace "$tmp/midline.json" 3
	# cut inside its header: nothing to convert, and no trace left
	check 2 "halfline.jsonl:1: the last line has no newline" \
		-- --replay "$tmp/halfline.jsonl" --trace "$tmp/halfline.json"
	if [ -e "$tmp/halfline.json" ]; then
		fail=$((fail + 1))
		echo "FAIL  gsched --replay halfline.jsonl --trace halfline.json left a trace"
	fi
	# A recording is read once, front to back: a FIFO plays what its writer
	# writes (opened once; a writer met by an earlier open is gone).
	mkfifo "$tmp/rec.fifo"
	cat "$tmp/good.jsonl" >"$tmp/rec.fifo" &
	writer=$!
	check_out 0 "SCHED " -- --replay "$tmp/rec.fifo" --batch
	kill "$writer" 2>/dev/null
	wait "$writer" 2>/dev/null
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
	# Hostile shapes: memory grows with what was read, never with what a line
	# claims.  Each runs under an address-space limit of 160 MB, which the
	# reader needs a third of at most; before, the line of 3.6 million zeros
	# took 268 MB and the claim of 2^24 events reserved 1 GiB.
	hdr=$(head -n 1 "$tmp/good.jsonl")
	{
		echo "$hdr"
		awk 'BEGIN { printf "{\"type\":\"snapshot\",\"x\":[";
			for (i = 0; i < 60; i++) { printf "%s[0", i ? "," : "";
				for (j = 1; j < 60000; j++) printf ",0"; printf "]" }
			print "]}" }'
	} >"$tmp/zeros.jsonl"
	{
		echo "$hdr"
		sed -n '2s/"events":[0-9]*/"events":16777216/p' "$tmp/good.jsonl"
		echo '{"type":"end","ticks":1,"events":16777216,"dropped":0}'
	} >"$tmp/claim.jsonl"
	real_gsched=$gsched
	if prlimited limit-as "recordings under an address-space limit" --as=$((160 << 20)); then
		gsched=$tmp/limit-as
		check 2 "zeros.jsonl:2: bad JSON at column 4194322: more than 2097152 values" AS=160M -- --replay "$tmp/zeros.jsonl"
		check 2 "claim.jsonl:3: an end line where event 1 of 16777216 of the snapshot on line 2 was expected" \
			AS=160M -- --replay "$tmp/claim.jsonl"
		gsched=$real_gsched
	fi
	# An M id near the trace's limit (2^20) costs its track what any M's
	# does: the table of M tracks grows with the Ms seen, not with their
	# ids (48 MB for this one before).  The M keeps its old id as "x".
	sed '2s/"m":\[{"id":/"m":[{"id":1048575,"x":/' "$tmp/good.jsonl" >"$tmp/bigm.jsonl"
	if prlimited limit-as32 "a trace under an address-space limit" --as=$((32 << 20)); then
		gsched=$tmp/limit-as32
		check 0 "" AS=32M -- --replay "$tmp/bigm.jsonl" --trace "$tmp/bigm.json"
		gsched=$real_gsched
		if grep -qF '"args":{"name":"M1048575"}' "$tmp/bigm.json" 2>/dev/null; then
			pass=$((pass + 1))
			echo "ok    the trace of bigm.jsonl has a track for M1048575"
		else
			fail=$((fail + 1))
			echo "FAIL  gsched --replay bigm.jsonl --trace bigm.json: no track for M1048575"
		fi
	fi
	# Nesting past the reader's depth, and a line past its length.
	{
		echo "$hdr"
		printf '{"type":"snapshot","x":%s}\n' "$(printf '%.0s[' $(seq 40))"
	} >"$tmp/deep.jsonl"
	check 2 "deep.jsonl:2: bad JSON at column 55: nested more than 32 deep" -- --replay "$tmp/deep.jsonl"
	{
		echo "$hdr"
		printf '{"type":"snapshot","x":"'
		head -c $((8 << 20)) /dev/zero | tr '\0' a
		echo '"}'
	} >"$tmp/long.jsonl"
	check 2 "long.jsonl:2: line longer than 8388608 bytes" -- --replay "$tmp/long.jsonl"
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

# ---- the open-file limit (RLIMIT_NOFILE) ----
# gsched raises its soft limit to the hard one at start, as Go does since
# 1.19: 200 network waiters (400 descriptors) run under a soft limit of 64.
# Under a hard limit of 64 as well, the message names the limit and how to
# raise it.  Each case runs gsched through a wrapper that sets the limit.
real_gsched=$gsched
for lim in Sn n; do
	printf '#!/bin/sh\nulimit -%s 64 || exit 99\nexec "%s" "$@"\n' "$lim" "$real_gsched" \
		>"$tmp/limit-$lim"
	chmod +x "$tmp/limit-$lim"
done
gsched=$tmp/limit-Sn
check 0 "" LIMIT=soft64 -- --batch -n 3 -w netwait:200
gsched=$tmp/limit-n
check 1 "starting netwait failed: too many open files: the limit is 64 (RLIMIT_NOFILE" LIMIT=64 \
	-- --batch -n 3 -w netwait:200
check 1 "raise the hard limit with ulimit -Hn" LIMIT=64 -- --batch -n 3 -w http:200
gsched=$real_gsched

# ---- a small stack (ulimit -s 16) ----
# The main thread's stack is RLIMIT_STACK: gsched then runs on a thread of
# its own, and gs_run keeps what it reads at start off its caller's stack.
# prlimit sets the limit and execs gsched (a shell would need more stack
# itself).  The environment is a small one: its strings share those 16 KiB, and with
# a few KiB of them the dynamic loader itself runs out before main.
# shellcheck disable=SC2016 # $PATH is the wrapper's to expand
if prlimited small-stack "ulimit -s 16" --stack=16384 'env -i PATH="$PATH" '; then
	gsched=$tmp/small-stack
	check 0 "" STACK=16k -- status
	check 0 "" STACK=16k -- --list
	check 0 "" STACK=16k -- --batch -n 3
	check 0 "" STACK=16k -- --batch 01-concurrency
	gsched=$real_gsched
fi

# ---- writing the output ----
# A write that fails is reported once, naming standard output or the file,
# exit 1; gsched runs as root in CI, and /dev/full is never named as an output
# file here (an output file left half written is removed: only a regular one).
if [ -c /dev/full ] && ! printf x 2>/dev/null >/dev/full; then
	for args in "status" "bench spawn -n 10 --rounds 1" "compare sleep -n 1 -d 1ms" \
		"--help" "--version" "--list" "--batch --json -n 2"; do
		# shellcheck disable=SC2086 # the words of a case are its arguments
		stdout_to=/dev/full check 1 "gsched: writing standard output: No space left on device" -- $args
	done
	ln -s /dev/full "$tmp/full.json"
	check 1 "gsched: writing '$tmp/full.json': No space left on device" -- --batch -n 2 --trace "$tmp/full.json"
	if [ -L "$tmp/full.json" ]; then
		pass=$((pass + 1))
		echo "ok    the link named by --trace outlives the failed trace"
	else
		fail=$((fail + 1))
		echo "FAIL  gsched --batch --trace LINK removed the link (only a regular file may go)"
	fi
else
	echo "SKIP  writes to /dev/full: it is missing or does not fail writes here"
fi

# A reader that goes away (| head -n 1) ends the run quietly: exit 0, nothing
# on stderr, and the reader got a whole line.
check_pipe() {
	local st
	"$gsched" "$@" </dev/null 2>"$tmp/err" | head -n 1 >"$tmp/out"
	st=${PIPESTATUS[0]}
	if [ "$st" -eq 0 ] && [ ! -s "$tmp/err" ] && [ -s "$tmp/out" ] &&
		[ -z "$(tail -c 1 "$tmp/out")" ]; then
		pass=$((pass + 1))
		printf 'ok    %-52s exit %d  %s\n' "gsched $* | head -n 1" "$st" "$(head -c 40 "$tmp/out")"
	else
		fail=$((fail + 1))
		printf 'FAIL  %-52s exit %d (want 0, quiet, one whole line)\n' "gsched $* | head -n 1" "$st"
		sed 's/^/      stderr: /' "$tmp/err" | head -n 5
	fi
}
check_pipe --batch --json
check_pipe --batch 02-gmp
check_pipe --help
check_pipe status
check_pipe --list
# ... and the files it writes meanwhile are finished: the recording replays,
# the trace ends with its closing object.
check_pipe --batch --json --record "$tmp/piped.jsonl" --trace "$tmp/piped.json"
if "$gsched" --replay "$tmp/piped.jsonl" >/dev/null 2>&1 &&
	[ "$(tail -c 3 "$tmp/piped.json" 2>/dev/null)" = "}}" ]; then
	pass=$((pass + 1))
	echo "ok    the recording and the trace of a piped run are finished"
else
	fail=$((fail + 1))
	echo "FAIL  gsched --batch --json --record --trace | head: files not finished"
	tail -c 100 "$tmp/piped.jsonl" "$tmp/piped.json" 2>&1 | sed 's/^/      /'
fi

# ---- stop signals ----
# SIGINT, SIGTERM and SIGHUP end a run after the tick in progress: the
# recording ends with its end line (it replays), the trace is whole JSON,
# every --json line is whole, and the status is 128 + the signal.  Each run
# is started in the background and signalled once it printed a tick; a
# script's background jobs start with SIGINT ignored, a suite run under nohup
# has SIGHUP ignored (and gsched leaves an ignored signal ignored), so env
# --default-signal gives them back.  A watchdog kills a run that does not end
# (a hang: exit 137, a failure).
stop_env=()
if env --default-signal=INT,TERM,HUP true 2>/dev/null; then
	stop_env=(env --default-signal=INT,TERM,HUP)
fi

# watchdog_start PID: kill -KILL PID after $hang_s seconds (a hang);
# watchdog_stop: not any more (its sleep goes too).
watchdog_start() {
	(
		sleep "$hang_s" &
		trap 'kill $! 2>/dev/null; exit 0' TERM
		wait $! && kill -KILL "$1"
	) >/dev/null 2>&1 &
	watchdog=$!
}

watchdog_stop() {
	kill "$watchdog" 2>/dev/null
	wait "$watchdog" 2>/dev/null
}

# json_lines FILE: every line of FILE is a whole JSON value, the last ended.
json_lines() {
	[ -s "$1" ] && [ -z "$(tail -c 1 "$1")" ] || return 1
	if command -v python3 >/dev/null 2>&1; then
		python3 -c 'import json, sys; [json.loads(l) for l in open(sys.argv[1])]' "$1" 2>/dev/null
	fi
}

# stop_ready: what check_stop waits for before it signals: a line on
# stdout, or (stop_ready=recorded_tick) a whole tick in the recording.
printed_line() {
	[ -s "$tmp/stop.out" ]
}

recorded_tick() {
	local n
	n=$(grep -c '"type":"snapshot"' "$tmp/stop.jsonl" 2>/dev/null)
	[ "${n:-0}" -ge 2 ]
}

stop_ready=printed_line

# check_stop SIGNAL STATUS ARGS...: gsched ARGS (--record and --trace into
# $tmp/stop.*), SIGNAL once $stop_ready; want STATUS and, for the stop
# signals, whole files.
check_stop() {
	local sig=$1 want=$2 pid st label
	shift 2
	label="gsched $*; kill -$sig"
	rm -f "$tmp/stop.jsonl" "$tmp/stop.json" "$tmp/stop.out"
	"${stop_env[@]}" "$gsched" "$@" </dev/null >"$tmp/stop.out" 2>"$tmp/err" &
	pid=$!
	watchdog_start "$pid"
	while kill -0 "$pid" 2>/dev/null && ! "$stop_ready"; do
		sleep 0.05
	done
	kill -"$sig" "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null # (bash's word on a job a signal killed)
	st=$?
	watchdog_stop
	if [ "$st" -ne "$want" ]; then
		fail=$((fail + 1))
		printf 'FAIL  %-52s exit %d (want %d)%s\n' "$label" "$st" "$want" \
			"$("$stop_ready" || echo ' (it never got ready)')"
		sed 's/^/      stderr: /' "$tmp/err" | head -n 5
		return
	fi
	pass=$((pass + 1))
	printf 'ok    %-52s exit %d\n' "$label" "$st"
	case $sig in INT | TERM | HUP) ;; *) return ;; esac
	case " $* " in *" --record "*)
		if "$gsched" --replay "$tmp/stop.jsonl" --batch >/dev/null 2>"$tmp/err" &&
			tail -n 1 "$tmp/stop.jsonl" | grep -q '^{"type":"end",'; then
			pass=$((pass + 1))
			echo "ok    its recording ends with its end line and replays"
		else
			fail=$((fail + 1))
			echo "FAIL  its recording is cut: $(head -n 1 "$tmp/err")"
		fi ;;
	esac
	case " $* " in *" --trace "*) check_trace "$tmp/stop.json" "" ;; esac
	case " $* " in *" --json "*)
		if json_lines "$tmp/stop.out"; then
			pass=$((pass + 1))
			echo "ok    its --json lines are whole"
		else
			fail=$((fail + 1))
			echo "FAIL  its --json output ends mid-line: $(tail -c 60 "$tmp/stop.out")"
		fi ;;
	esac
}

live=(--batch --json -n 1000000 --record "$tmp/stop.jsonl" --trace "$tmp/stop.json")
if [ ${#stop_env[@]} -gt 0 ]; then
	check_stop INT 130 "${live[@]}"
	check_stop HUP 129 "${live[@]}" -w cpu:2 -w sleep
else
	echo "SKIP  SIGINT and SIGHUP to a background run (ignored there, and env has no"
	echo "      --default-signal to give them back: coreutils < 8.31)"
fi
check_stop TERM 143 "${live[@]}"
# A replay stopped in its pause between ticks (-d) still finishes its trace.
if [ -s "$tmp/good.jsonl" ]; then
	check_stop TERM 143 --replay "$tmp/good.jsonl" --batch -d 600 --trace "$tmp/stop.json"
fi
# A replay blocked reading a FIFO whose writer stalls never reaches its next
# tick: a second stop signal ends it at once, as the signal would have.
if [ -s "$tmp/good.jsonl" ] && [ ${#stop_env[@]} -gt 0 ]; then
	rm -f "$tmp/stall.fifo" "$tmp/stop.out"
	mkfifo "$tmp/stall.fifo"
	# the first tick whole, then the writer stalls before the second ends
	second=$(grep -n '"type":"snapshot"' "$tmp/good.jsonl" | sed -n 2p | cut -d: -f1)
	{ head -n "$second" "$tmp/good.jsonl"; exec sleep "$hang_s"; } >"$tmp/stall.fifo" &
	writer=$!
	"${stop_env[@]}" "$gsched" --replay "$tmp/stall.fifo" --batch </dev/null >"$tmp/stop.out" 2>&1 &
	pid=$!
	watchdog_start "$pid"
	while kill -0 "$pid" 2>/dev/null && [ ! -s "$tmp/stop.out" ]; do
		sleep 0.05
	done
	# signals sent at once merge into one: again until it is gone
	while kill -INT "$pid" 2>/dev/null; do
		sleep 0.1
	done
	wait "$pid" 2>/dev/null
	st=$?
	watchdog_stop
	kill "$writer" 2>/dev/null
	wait "$writer" 2>/dev/null
	if [ "$st" -eq 130 ]; then
		pass=$((pass + 1))
		echo "ok    gsched --replay STALLED-FIFO --batch; kill -INT again: exit 130"
	else
		fail=$((fail + 1))
		echo "FAIL  gsched --replay STALLED-FIFO --batch; kill -INT again: exit $st (want 130)"
	fi
fi
# The runtime's threads of a live run block the stop signals (they are the
# ticking thread's): a child gsched it starts (-w threadlimit) is a program
# of its own and starts with none of them blocked.
"$gsched" --batch -w threadlimit:5 -n 1000000 </dev/null >/dev/null 2>&1 &
pid=$!
watchdog_start "$pid"
blk=
while [ -z "$blk" ] && kill -0 "$pid" 2>/dev/null; do
	for c in $(pgrep -P "$pid" 2>/dev/null); do
		blk=$(awk '/^SigBlk:/ { print $2 }' "/proc/$c/status" 2>/dev/null)
		[ -n "$blk" ] && break
	done
	[ -n "$blk" ] || sleep 0.05
done
kill -TERM "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
watchdog_stop
if [ -n "$blk" ] && [ $((0x$blk & 0x4003)) -eq 0 ]; then
	pass=$((pass + 1))
	echo "ok    a child of gsched --batch -w threadlimit blocks no stop signal (SigBlk $blk)"
else
	fail=$((fail + 1))
	echo "FAIL  a child of gsched --batch -w threadlimit blocks SIGINT, SIGTERM or SIGHUP (SigBlk ${blk:-not read})"
fi
# Other signals end the run at once, with the files as they are; SIGKILL
# cannot be caught at all: the recording is cut, and converting it keeps
# the ticks before the cut.
check_stop USR1 138 --batch --json -n 1000000
# (its stdio buffer reaches the file in blocks: killed once a tick is there)
stop_ready=recorded_tick check_stop KILL 137 --batch --json -n 1000000 --record "$tmp/stop.jsonl"
check 2 "(truncated" -- --replay "$tmp/stop.jsonl" --trace "$tmp/killed.json"
check_trace "$tmp/killed.json" ""

# ---- the config file ----
# $XDG_CONFIG_HOME/gsched/config (else ~/.config/gsched/config), read by the
# modes that show the visualizer: bad lines are usage errors at FILE:LINE,
# reported before the visualizer looks for a terminal.
xdg=$tmp/xdg
cfg=$xdg/gsched/config
mkdir -p "$xdg/gsched" "$tmp/home/.config/gsched"
printf 'procs = 4\nprcs = 3\n' >"$cfg"
check 2 "gsched: $cfg:2: unknown setting 'prcs' (did you mean 'procs'?)" "XDG_CONFIG_HOME=$xdg" --
check 2 "$cfg:2: unknown setting 'prcs'" "XDG_CONFIG_HOME=$xdg" -- -p 2
printf '# classroom\r\n\r\nprocs = 0\r\n' >"$cfg"
check 2 "$cfg:3: procs: '0' is not a number of Ps from 1 to 256" "XDG_CONFIG_HOME=$xdg" --
printf 'projector = maybe\r' >"$cfg"
check 2 "$cfg:1: projector: 'maybe' is not true or false" "XDG_CONFIG_HOME=$xdg" --
printf 'projector\n' >"$cfg"
check 2 "$cfg:1: expected 'name = value', got 'projector'" "XDG_CONFIG_HOME=$xdg" --
printf 'delay = 5\ndelay = 2\n' >"$cfg"
check 2 "$cfg:2: 'delay' is set twice (first on line 1)" "XDG_CONFIG_HOME=$xdg" --
for name in record batch replay trace help version config no-config time-scale; do
	printf '%s = x\n' "$name" >"$cfg"
	check 2 "$cfg:1: '$name' cannot be set in a config file, only on the command line" \
		"XDG_CONFIG_HOME=$xdg" --
done
# without XDG_CONFIG_HOME (or with a relative one), ~/.config
printf 'ascii = 2\n' >"$tmp/home/.config/gsched/config"
check 2 "$tmp/home/.config/gsched/config:1: ascii: '2' is not true or false" \
	"HOME=$tmp/home" XDG_CONFIG_HOME= --
check 2 "$tmp/home/.config/gsched/config:1: ascii" "HOME=$tmp/home" XDG_CONFIG_HOME=rel --
# --no-config reads none; a default file that does not exist is none
check 2 "no terminal" "XDG_CONFIG_HOME=$xdg" -- --no-config
check 2 "no terminal" "XDG_CONFIG_HOME=$tmp/nothing" --
# --config FILE: another file, which must exist and be a regular file
printf 'slow = 0\n' >"$tmp/other.conf"
check 2 "$tmp/other.conf:1: slow: '0' is not a slow-motion factor" -- --config "$tmp/other.conf"
check 2 "$tmp/none.conf: cannot open: No such file or directory" -- --config "$tmp/none.conf"
check 2 "$tmp: not a regular file (a directory)" -- --config "$tmp"
mkfifo "$tmp/fifo.conf"
check 2 "$tmp/fifo.conf: not a regular file (a FIFO)" -- --config "$tmp/fifo.conf"
check 2 "--config and --no-config cannot be used together" -- --config "$tmp/other.conf" --no-config
check 2 "option '--config' needs a value (FILE)" -- --config
# headless runs take nothing from it, and do not read it
check 0 "" "XDG_CONFIG_HOME=$xdg" -- --batch -n 1

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
