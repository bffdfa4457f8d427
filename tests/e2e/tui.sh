#!/bin/sh
# tui.sh - end-to-end tests of the live visualizer in a real terminal: tmux
# runs gsched in a fixed-size window, the test types keys, sends signals and
# resizes the window, and reads the screen back (capture-pane): the keys, the
# pages, a lesson, and the terminal's restoration; lib.sh has the machinery.
#
# make check runs it from the build directory (GSCHED=path overrides the
# program).  Skipped (77) without tmux.  One line per check; exit 1 if any
# failed.  Only what the screen says and how the program exits are checked,
# never timings: every wait polls up to a generous deadline.  Each test has
# its own tmux server and its own gsched.  E2E_ONLY="t_help t_world" runs only
# those tests; E2E_WAIT=SECONDS sets the deadline of a wait (default 15).

lib=${srcdir:-.}/tests/e2e/lib.sh
[ -f "$lib" ] || lib=$(dirname "$0")/lib.sh
. "$lib"

e2e_init

# ---- helpers ---------------------------------------------------------------------------

# exit_is N: gsched exited with status N.
exit_is() {
	e2e_wait_exit || { echo "# gsched did not exit"; return 1; }
	[ "$e2e_status" = "$1" ] && return 0
	echo "# exit status $e2e_status, expected $1"
	return 1
}

# ends_clean WHAT STATUS: gsched exits with STATUS and leaves the terminal as
# it found it: stty modes, and tmux's view of the screen modes (alternate
# screen left, cursor shown, keypad and mouse modes off).
ends_clean() {
	e2e_check "$1: exit status $2" exit_is "$2" || return 1
	e2e_check "$1: terminal modes (stty -g) as before" e2e_tty_same
	e2e_check "$1: normal screen, cursor shown, keypad and mouse modes as before" \
		e2e_modes_same
}

# start TEST-NAME [VAR=value...] [--] ARGS...: a window, gsched in it, its
# main view up.
start() {
	name=$1
	shift
	e2e_begin || { e2e_not_ok "$name: a tmux window with a shell"; return 1; }
	e2e_run "$@" || { e2e_not_ok "$name: gsched starts (pid written)"; return 1; }
	e2e_check "$name: main view up" e2e_wait_main
}

# tick_above N: the title's tick number is above N.
tick_above() {
	e2e_screen || return 1
	t=$(e2e_tick)
	[ -n "$t" ] && [ "$t" -gt "$1" ]
}

# tick_is N: the title's tick number is N.
tick_is() {
	e2e_screen || return 1
	[ "$(e2e_tick)" = "$1" ]
}

# The header's figures: "Ms T (busy B: run R spin S sys Y ...", or where
# that is too wide "Ms T: busy B, idle I" and, further on, "busy Ms: run R
# sys Y" with only the figures that are not 0.
threads_total() {
	sed -n '2,5s/.*Ms \([0-9]*\)[ :].*/\1/p' "$D/screen" | head -n 1
}

threads_sys() {
	b=$(sed -n '2,5{s/.*(busy [0-9]*: \([^)]*\),.*/\1/p;s/.*busy Ms: \(.*\)/\1/p}' "$D/screen" |
		head -n 1)
	case " $b " in
	*" sys "[0-9]*) echo "$b" | sed 's/.*sys \([0-9]*\).*/\1/' ;;
	*) echo 0 ;;
	esac
}

# sys_at_least N / sys_at_most N: the header's sys thread count, read anew.
sys_at_least() {
	e2e_screen && y=$(threads_sys) && [ -n "$y" ] && [ "$y" -ge "$1" ]
}

sys_at_most() {
	e2e_screen && y=$(threads_sys) && [ -n "$y" ] && [ "$y" -le "$1" ]
}

# ---- 1. the main view --------------------------------------------------------------

# gsched with no arguments: the introductory lesson (02-gmp), which starts by
# waiting for a key, over the same main view.
t_main_view() {
	start main || return
	e2e_check "main: title ' gsched ', tick rate and tick number" \
		e2e_wait_row 1 '^ gsched   10 Hz  tick [0-9]+'
	e2e_check "main: no arguments: the intro lesson ('lesson: The GMP model')" \
		e2e_wait_row 1 '  lesson: The GMP model'
	e2e_check "main: header 'GOMAXPROCS N  CPUs N  OS threads N  Ms N (busy N: run ...'" \
		e2e_wait_row 2 '^GOMAXPROCS [0-9]+  CPUs [0-9]+  OS threads [0-9]+  Ms [0-9]+ \(busy [0-9]+: run'
	e2e_check "main: the Ps section and a row per P" \
		e2e_wait_re '^(─|-) Ps (─|-)+ M (─|-)+ runs? '
	e2e_check "main: P rows ('P0 R run M3', 'P0 I idle', 'P0 S sys')" \
		e2e_wait_re '^P0 (R run|I idle|S sys|T stop) +(M[0-9]+|-) '
	e2e_check "main: the global queue's row under the Ps" \
		e2e_wait_re '^global queue +[0-9]+'
	e2e_check "main: the Ms (threads) section" \
		e2e_wait_re '^(─|-) Ms \(threads\): [0-9]+, [0-9]+ holding a P'
	e2e_check "main: Ms without a P by state ('idle 3: M4 M5', 'sysmon 1: M0')" \
		e2e_wait_re '(in syscall|spinning|netpoller|no P|idle|sysmon) [0-9]+: M[0-9]+'
	# the lesson's standing message first: its first caption's reading time,
	# then its pause
	e2e_check "main: footer 'reading time: next in N s (n goes on now)  ? help  q quit  space pause'" \
		e2e_wait_row 39 '^(reading time: next in [0-9]+ s \(n goes on now\)|press n or PgDn to continue)  \? help  q quit  space pause'
	e2e_screen
	t0=$(e2e_tick)
	e2e_check "main: the tick number advances (from ${t0:-?})" \
		e2e_poll "$E2E_WAIT" tick_above "${t0:-999999999}"
	e2e_keys q
	ends_clean "main: q" 0
}

# ---- 2. + raises GOMAXPROCS --------------------------------------------------------

t_plus() {
	start plus -- -p 2 || return
	e2e_check "plus: -p 2: header 'GOMAXPROCS 2', rows P0 and P1 and no P2" \
		p2_start || return
	e2e_keys +
	e2e_check "plus: + makes the header say GOMAXPROCS 3" \
		e2e_wait_row 2 '^GOMAXPROCS 3  '
	e2e_check "plus: + adds a P2 row" e2e_wait_re '^P2 (R run|I idle|S sys) '
	e2e_check "plus: the event log says 'GOMAXPROCS 2 -> 3'" \
		e2e_log_has 'GOMAXPROCS 2 -> 3'
	e2e_keys = 4
	e2e_check "plus: = opens the prompt 'GOMAXPROCS (1-256, Enter sets, Esc cancels): 4_'" \
		e2e_wait_row 39 '^GOMAXPROCS \(1-256, Enter sets, Esc cancels\): 4_'
	e2e_keys Enter
	e2e_check "plus: Enter sets it: GOMAXPROCS 4 and a P3 row" p4
	e2e_keys -
	e2e_check "plus: - lowers it: GOMAXPROCS 3, the P3 row gone" p3
	e2e_keys = Escape
	e2e_check "plus: = then Esc: the prompt closes, GOMAXPROCS stays 3" p3_no_prompt
	e2e_keys = 0 Enter
	e2e_check "plus: = 0 Enter: 'GOMAXPROCS: '0' is not a number from 1 to 256'" \
		e2e_wait_re "GOMAXPROCS: '0' is not a number from 1 to 256"
	e2e_keys q
	e2e_check "plus: q exits 0" exit_is 0
}

p4() {
	e2e_wait_row 2 '^GOMAXPROCS 4  ' && e2e_wait_re '^P3 (R run|I idle|S sys) '
}

p3() {
	e2e_wait_row 2 '^GOMAXPROCS 3  ' && e2e_wait_gone '^P3 '
}

p3_no_prompt() {
	e2e_wait_gone 'Enter sets, Esc cancels' && e2e_row_re 2 '^GOMAXPROCS 3  '
}

p2_start() {
	e2e_row 2 | grep -q '^GOMAXPROCS 2  ' && grep -q '^P1 ' "$D/screen" &&
		! grep -q '^P2 ' "$D/screen"
}

# ---- 3. B: busy threads rise and fall ------------------------------------------------

# Go keeps idle threads parked rather than ending them, and so does gsched: the
# header's total never falls.  What rises when 80 goroutines block in
# nanosleep(2) and falls when their batch ends (10 s later) is the count of
# threads in a system call, "sys N" in the busy figures.
t_syscall_threads() {
	start threads || return
	# the default workload's own syscall goroutines: a few threads
	base=0 i=0
	while [ $i -lt 10 ]; do
		e2e_screen
		y=$(threads_sys)
		[ -n "$y" ] && [ "$y" -gt "$base" ] && base=$y
		i=$((i + 1))
		sleep 0.1
	done
	total0=$(threads_total)
	g0=$(goroutines)
	hi=$((base + 16))
	lo=$((base + 4))
	e2e_keys B
	# the note first: the log keeps only its last thousand lines
	e2e_check "threads: the event log says 'spawned 80 syscall goroutines (for 10 s)'" \
		e2e_log_has 'spawned 80 syscall goroutines \(for 10 s\)'
	e2e_check "threads: B (80 syscall goroutines): 'sys' threads rise from <= $base to >= $hi" \
		e2e_poll 20 sys_at_least "$hi" || return
	e2e_check "threads: the total rises with them (from $total0)" \
		total_above "$total0"
	e2e_check "threads: 'sys' threads fall back to <= $lo when the batch ends (goroutines back to <= $((g0 + 10)))" \
		e2e_poll 30 batch_over "$lo" $((g0 + 10))
	e2e_keys q
	e2e_check "threads: q exits 0" exit_is 0
}

# batch_over SYS G: at most SYS threads in a system call, at most G goroutines.
batch_over() {
	sys_at_most "$1" && g=$(goroutines) && [ -n "$g" ] && [ "$g" -le "$2" ]
}

# goroutines: the header's goroutine count ("goroutines N: ...").
goroutines() {
	sed -n 's/^goroutines \([0-9]*\): .*/\1/p' "$D/screen" | head -n 1
}

total_above() {
	e2e_screen && t=$(threads_total) && [ -n "$t" ] && [ "$t" -gt "$1" ]
}

# ---- 4. help -------------------------------------------------------------------------

t_help() {
	start help || return
	e2e_keys ?
	e2e_check "help: ? opens it: title ' gsched help'" e2e_wait_row 1 '^ gsched help[: ]'
	e2e_check "help: row 2 is the Keys heading" e2e_wait_row 2 '^(─|-) Keys (─|-)'
	e2e_check "help: the keys are listed ('q F10', 'space')" help_lists_keys
	e2e_keys Escape
	e2e_check "help: Esc closes it (the main view is back)" e2e_wait_main
	e2e_keys ?
	e2e_wait_row 2 '^(─|-) Keys (─|-)'
	e2e_keys ?
	e2e_check "help: ? closes it too" e2e_wait_main
	e2e_keys F1
	e2e_check "help: F1 opens it" e2e_wait_row 2 '^(─|-) Keys (─|-)'
	e2e_keys F10
	ends_clean "help: F10 quits from the help" 0
}

help_lists_keys() {
	grep -Eq '(^| )q F10 ' "$D/screen" && grep -Eq '(^| )space ' "$D/screen"
}

# ---- 2b. the queues drawn as goroutine tokens --------------------------------------

# tokens_add_up: in the last capture (ASCII, paused), each P row's tokens
# (a letter a goroutine, or "C812" with its id), plus the "+N" of those that
# do not fit, are the queue length the row's count says; so are the global
# queue's, and its count is the header's.  Prints what it counted.
tokens_add_up() {
	awk '
	# stop: "+N" ends the tokens (on a P row the kinds of those N follow
	# it; the global queue has its tail there)
	function tokens(start, n, stop,    i, t, m, c) {
		t = 0
		for (i = start; i <= n; i++) {
			if (f[i] ~ /^:+$/) continue          # a steal'"'"'s gap
			if (f[i] ~ /^[CLSBNHTWo][0-9]+$/) { t++; continue }
			if (f[i] ~ /^\+[0-9]+$/) {
				t += substr(f[i], 2)
				if (stop) break
				continue
			}
			if (f[i] ~ /^[CLSBNHTWo]+(\+[0-9]+)?$/) {
				c = f[i]; m = 0
				if (index(c, "+")) { m = substr(c, index(c, "+") + 1); c = substr(c, 1, index(c, "+") - 1) }
				t += length(c) + m
				if (m > 0 && stop) break
				continue
			}
			break
		}
		return t
	}
	NR >= 2 && NR <= 5 && match($0, /global (queue )?[0-9]+/) {
		hdr = substr($0, RSTART, RLENGTH)
		gsub(/[^0-9]/, "", hdr)
	}
	/^P[0-9]+ / {
		n = split($0, f, / +/)
		for (i = 1; i < n; i++)
			if (f[i] ~ /^[0-9]+$/ && f[i + 1] ~ /^[#.]+$/) break
		if (i >= n) { print "# no count on: " $0; bad = 1; next }
		got = tokens(i + 2, n, 1)
		print "# " f[1] ": count " f[i] ", tokens " got
		if (got != f[i]) bad = 1
		rows++
	}
	/^global queue +[0-9]+/ {
		n = split($0, f, / +/)
		got = tokens(4, n, 0)
		print "# global: count " f[3] ", tokens " got ", header " hdr
		if (got != f[3] || f[3] != hdr) bad = 1
		glob = 1
	}
	END { exit (bad || rows < 2 || !glob) }
	' "$D/screen"
}

t_tokens() {
	start tokens -- -p 2 --ascii || return
	e2e_keys c c s s
	e2e_check "tokens: spawned work queues up ('+N' or tokens on a P row)" \
		e2e_wait_re '^P[0-9]+ .*[#.]{3} [CLSBNHTWo]'
	e2e_keys Space
	e2e_check "tokens: paused" e2e_wait_row 1 '^ gsched   PAUSED  ' || return
	e2e_screen
	e2e_check "tokens: every row's tokens add up to its count, the global one to the header's" \
		tokens_add_up
	sed -n '5,12s/^/# |/p' "$D/screen"
	e2e_keys q
	ends_clean "tokens: q" 0
}

# ---- 5. pause and step ---------------------------------------------------------------

t_pause() {
	start pause || return
	e2e_keys Space
	e2e_check "pause: space shows PAUSED in the title" \
		e2e_wait_row 1 '^ gsched   PAUSED  ' || return
	n=$(e2e_tick)
	e2e_check "pause: the tick number ($n) stays while paused" \
		tick_stays "$n" || return
	e2e_keys .
	e2e_check "pause: . steps to tick $((n + 1))" \
		e2e_poll "$E2E_WAIT" tick_is $((n + 1)) || return
	e2e_keys .
	e2e_check "pause: . again steps to tick $((n + 2)), and it stays there" \
		step_stays $((n + 2))
	e2e_keys Space
	e2e_check "pause: space again removes PAUSED" e2e_wait_gone 'PAUSED'
	e2e_check "pause: and the ticks run on" \
		e2e_poll "$E2E_WAIT" tick_above $((n + 2))
	e2e_keys .
	e2e_check "pause: . while running says it steps only while paused" \
		e2e_wait_re "'\\.' steps one tick while paused \\(space pauses\\)"
	e2e_keys q
	e2e_check "pause: q exits 0" exit_is 0
}

# tick_stays N: still N a second later (at 10 Hz it would be 10 more).  A
# check that nothing happens needs a wait; it asserts nothing about timing.
tick_stays() {
	tick_is "$1" || return 1
	sleep 1
	tick_is "$1"
}

step_stays() {
	e2e_poll "$E2E_WAIT" tick_is "$1" && tick_stays "$1"
}

# ---- 6. too small --------------------------------------------------------------------

t_small() {
	start small || return
	tm resize-window -t e2e -x 40 -y 10
	e2e_check "small: 40x10 shows 'gsched needs at least 60x16; this' / 'terminal is 40x10'" \
		small_notice || return
	tm resize-window -t e2e -x 120 -y 40
	e2e_check "small: back at 120x40 the main view is restored" e2e_wait_main
	e2e_check "small: and the notice is gone" e2e_wait_gone 'needs at least'
	e2e_keys q
	e2e_check "small: q exits 0" exit_is 0
}

small_notice() {
	e2e_wait_re 'gsched needs at least 60x16; this' &&
		e2e_wait_re 'terminal is 40x10'
}

# ---- 6b. a small terminal: every header figure, the queues' kinds, help ----------------

# The header's figures, each whole (a space, a comma, a colon, a parenthesis
# or the row's end after it), in any of its forms (the long words, or the
# shorter ones of a narrow screen).
HDR_FIGURES='GOMAXPROCS [0-9]+
CPUs [0-9]+
(OS )?threads [0-9]+
Ms [0-9]+(:| \(busy)
busy [0-9]+
idle [0-9]+
(goroutines|Gs) [0-9]+: [0-9]+ runnable
[0-9]+ run(ning)?,? [0-9]+ wait(ing)?,? [0-9]+ sys(call)?
global (queue )?[0-9]+
steals \+[0-9]+ \([0-9]+\)
hand-offs \+[0-9]+ \([0-9]+\)
preempt(ion)?s \+[0-9]+ \([0-9]+\)'

# header_whole: in the last capture, every figure is on the header's rows
# (from row 2 to the Ps), and every P row whose queue is cut ("+N") names
# the kinds of those N after it.  Says what is missing.
header_whole() {
	awk '/^(─|-) Ps|^P0 / { exit } NR >= 2 { print }' "$D/screen" >"$D/header"
	ok=0
	echo "$HDR_FIGURES" | {
		while IFS= read -r re; do
			grep -Eq -- "(^|[ (])$re([ ,:)]|\$)" "$D/header" && continue
			echo "# not in the header: $re"
			exit 1
		done
	} || ok=1
	if grep -E '^P[0-9]+ ' "$D/screen" | grep -E '([A-Za-z]| )\+[0-9]+( |$)' |
		grep -Ev '\+[0-9]+ [A-Za-z][0-9]+' >"$D/unnamed"; then
		sed 's/^/# kinds not named: /' "$D/unnamed"
		ok=1
	fi
	return $ok
}

# frames_whole N: N captures in a row each have every header figure whole.
frames_whole() {
	i=0
	while [ $i -lt "$1" ]; do
		e2e_screen && header_whole || return 1
		i=$((i + 1))
		sleep 0.1
	done
	echo "# $1 frames, every figure on each"
}

goroutines_above() {
	e2e_screen &&
		g=$(sed -n '2,5s/.*\(goroutines\|Gs\) \([0-9]*\):.*/\2/p' "$D/screen" | head -n 1) &&
		[ -n "$g" ] && [ "$g" -gt "$1" ]
}

# 80x24: the header's figures grow wide (hundreds of threads, thousands of
# goroutines) and none leaves the screen, on any frame; the queues too long
# for their rows name their kinds.
t_small_header() {
	e2e_begin 80 24 || { e2e_not_ok "small header: a tmux window with a shell"; return; }
	e2e_run -p 8 || { e2e_not_ok "small header: gsched starts (pid written)"; return; }
	e2e_check "small header: main view up at 80x24" e2e_wait_main || return
	e2e_check "small header: every figure on 40 frames at the start" frames_whole 40
	e2e_keys S S S S S S S S S S B B B c c
	e2e_check "small header: over 900 goroutines" e2e_poll "$E2E_WAIT" goroutines_above 900
	e2e_check "small header: every figure on 40 frames, the queues' kinds named" \
		frames_whole 40
	sed -n '1,12s/^/# |/p' "$D/screen"
	e2e_keys S S S S S S S S S S B B B c c
	e2e_check "small header: more: every figure on 40 frames, the kinds named" \
		frames_whole 40
	sed -n '1,8s/^/# |/p' "$D/screen"
	e2e_keys q
	ends_clean "small header: q" 0
}

# wide_recording IN OUT: the recording IN with the figures of a long busy
# run added to each snapshot's (100000 goroutines more, 10004 OS threads, a
# global queue of 49000, counters in the millions), as its header shows them.
wide_recording() {
	awk '
	function add(s, key, n,    i, j) {
		i = index(s, "\"" key "\":")
		if (!i) return s
		i += length(key) + 3
		for (j = i; substr(s, j, 1) ~ /[0-9]/; j++) ;
		return substr(s, 1, i - 1) (substr(s, i, j - i) + n) substr(s, j)
	}
	/"type":"snapshot"/ {
		$0 = add($0, "goroutines", 100000)
		$0 = add($0, "global_runq", 49000)
		$0 = add($0, "steals", 999000)
		$0 = add($0, "handoffs", 9990000)
		$0 = add($0, "preempt_async", 9990000)
		$0 = add($0, "os_threads", 10000)
		# by_status: idle, runnable, running, syscall, waiting, dead
		i = index($0, "\"by_status\":[") + 13
		j = index(substr($0, i), "]")
		split(substr($0, i, j - 1), b, ",")
		b[2] += 50000; b[4] += 10000; b[5] += 40000
		$0 = substr($0, 1, i - 1) b[1] "," b[2] "," b[3] "," b[4] "," b[5] "," b[6] \
			substr($0, i + j - 1)
	}
	{ print }
	' "$1" >"$2"
}

# 80x24, a recording of wide figures played: every figure on every frame.
t_small_wide() {
	e2e_begin 80 24 || { e2e_not_ok "small wide: a tmux window with a shell"; return; }
	"$E2E_G" --batch -n 30 -p 4 --record "$D/rec.jsonl" >/dev/null &&
		wide_recording "$D/rec.jsonl" "$D/wide.jsonl"
	e2e_check "small wide: a recording with a long run's figures" \
		grep -q '"goroutines":100' "$D/wide.jsonl" || return
	e2e_run --replay "$D/wide.jsonl" ||
		{ e2e_not_ok "small wide: gsched starts (pid written)"; return; }
	e2e_check "small wide: it plays at 80x24" e2e_wait_row 1 ' replay x1' || return
	e2e_check "small wide: every figure on 40 frames as it plays" frames_whole 40
	sed -n '1,6s/^/# |/p' "$D/screen"
	e2e_keys Home
	e2e_check "small wide: Home: tick 0, every figure" e2e_wait_row 1 'tick 0 ' &&
		e2e_check "small wide: (on 5 frames)" frames_whole 5
	e2e_keys q
	ends_clean "small wide: q" 0
}

# help_first_above N: the help page's first line shown is past line N.
help_first_above() {
	e2e_screen || return 1
	a=$(e2e_row 1 | sed -n 's/^ gsched help: lines \([0-9]*\)-.*/\1/p')
	[ -n "$a" ] && [ "$a" -gt "$1" ]
}

# page_to_ctrl_l: PgDn until the last key's line shows, a page at a time
# (each waited for), at most 10 pages.
page_to_ctrl_l() {
	n=0
	while ! e2e_has_re '^ Ctrl-L +redraw the screen'; do
		[ $n -lt 10 ] || return 1
		a=$(e2e_row 1 | sed -n 's/^ gsched help: lines \([0-9]*\)-.*/\1/p')
		e2e_keys NPage
		e2e_poll "$E2E_WAIT" help_first_above "$a" || return 1
		n=$((n + 1))
	done
}

# 80x24: help is longer than the screen; its title says which lines show,
# the footer that there is more, and j, PgDn and End bring the last key's
# line (Ctrl-L) into view.
t_help_scroll() {
	e2e_begin 80 24 || { e2e_not_ok "help scroll: a tmux window with a shell"; return; }
	e2e_run -p 2 || { e2e_not_ok "help scroll: gsched starts (pid written)"; return; }
	e2e_check "help scroll: main view up at 80x24" e2e_wait_main || return
	e2e_keys ?
	e2e_check "help scroll: the title says 'help: lines 1-22 of N'" \
		e2e_wait_row 1 '^ gsched help: lines 1-22 of [0-9]+ ' || return
	e2e_check "help scroll: the footer says 'more below'" e2e_wait_row 24 'more below$'
	e2e_check "help scroll: the last key (Ctrl-L) is not on screen yet" \
		e2e_has_not_re '^ Ctrl-L +redraw the screen'
	e2e_keys j j j
	e2e_check "help scroll: j j j: lines 4-25" e2e_wait_row 1 '^ gsched help: lines 4-25 of '
	e2e_check "help scroll: 'more above and below'" e2e_wait_row 24 'more above and below$'
	e2e_keys k
	e2e_check "help scroll: k: lines 3-24" e2e_wait_row 1 '^ gsched help: lines 3-24 of '
	e2e_keys NPage
	e2e_check "help scroll: PgDn: a page on" e2e_poll "$E2E_WAIT" help_first_above 3
	e2e_check "help scroll: PgDn brings the last key's line into view" page_to_ctrl_l
	e2e_keys End
	e2e_check "help scroll: End: the last lines, 'more above'" e2e_wait_row 24 'more above$'
	e2e_check "help scroll: (the title says so)" \
		e2e_wait_row 1 '^ gsched help: lines ([0-9]+)-([0-9]+) of \2 '
	e2e_keys Home
	e2e_check "help scroll: Home: back to lines 1-22" \
		e2e_wait_row 1 '^ gsched help: lines 1-22 of '
	e2e_keys Escape
	e2e_check "help scroll: Esc closes it" e2e_wait_main
	e2e_keys q
	ends_clean "help scroll: q" 0
}

# ---- 7. q leaves the terminal as it was ----------------------------------------------

t_quit() {
	start quit || return
	e2e_keys q
	ends_clean "quit: q" 0
	e2e_check "quit: the shell's prompt is back" e2e_wait_re '^\$ ?$'
}

# ---- 8. signals ------------------------------------------------------------------------

# t_signal SIG STATUS: SIG to the process: exit STATUS, terminal restored.
t_signal() {
	start "SIG$1" || return
	kill -"$1" "$e2e_pid"
	ends_clean "SIG$1" "$2"
}

# The Ctrl-C key: the terminal sends SIGINT (gsched leaves ISIG on), and gsched
# exits 0 as for q.
t_ctrl_c() {
	start Ctrl-C || return
	e2e_keys C-c
	ends_clean "Ctrl-C key" 0
}

# Ctrl-Z (SIGTSTP by kill, then the key): the terminal is the shell's while
# stopped, fg brings the screen back, q still exits 0.
t_tstp() {
	e2e_begin || { e2e_not_ok "SIGTSTP: a tmux window with a shell"; return; }
	e2e_run_job || { e2e_not_ok "SIGTSTP: gsched starts"; return; }
	e2e_check "SIGTSTP: main view up" e2e_wait_main || return
	kill -TSTP "$e2e_pid"
	e2e_check "SIGTSTP: the job stops and the shell's prompt is back" \
		e2e_poll "$E2E_WAIT" job_stopped 1 || return
	e2e_check "SIGTSTP: while stopped, the window's modes are the shell's" \
		e2e_modes_same
	stty_now stopped
	e2e_check "SIGTSTP: while stopped, the terminal modes (stty -g) are the shell's" \
		same_file stopped || return
	e2e_type fg
	e2e_check "SIGTSTP: fg redraws the screen (main view with its header)" \
		e2e_wait_main || return
	e2e_screen
	t0=$(e2e_tick)
	e2e_check "SIGTSTP: and the ticks run on" \
		e2e_poll "$E2E_WAIT" tick_above "${t0:-999999999}"
	e2e_keys C-z
	e2e_check "Ctrl-Z: the job stops" e2e_poll "$E2E_WAIT" job_stopped 2 || return
	# resized while stopped: fg must lay out for the new size
	tm resize-window -t e2e -x 100 -y 30
	e2e_type fg
	e2e_check "Ctrl-Z, resize to 100x30, fg: redrawn at the new size (footer on row 30)" \
		e2e_poll "$E2E_WAIT" main_at 30 || return
	e2e_keys q
	e2e_finish
	ends_clean "SIGTSTP, fg, q" 0
}

# job_stopped N: gsched is stopped (state T) and the shell has said so for
# the Nth time and shows its prompt, so what is typed next goes to the shell.
job_stopped() {
	[ "$(sed 's/^.*) \([A-Za-z]\).*/\1/' "/proc/$e2e_pid/stat" 2>/dev/null)" = T ] &&
		e2e_screen &&
		[ "$(grep -c 'Stopped' "$D/screen")" -ge "$1" ] &&
		[ "$(grep -v '^ *$' "$D/screen" | tail -n 1)" = '$' ]
}

# main_at ROWS: the main view with its footer on row ROWS.
main_at() {
	e2e_is_main && e2e_row "$1" | grep -Eq '^(.*  )?\? help  q quit'
}

# stty_now NAME: type, at the shell's prompt, stty -g >$D/NAME.
stty_now() {
	rm -f "$D/$1"
	e2e_type "stty -g >$(e2e_q "$D")/$1"
	e2e_poll "$E2E_WAIT" test -s "$D/$1"
}

same_file() {
	[ -s "$D/$1" ] && cmp -s "$D/before" "$D/$1" && return 0
	echo "# stty -g before:  $(cat "$D/before")"
	echo "# stty -g $1: $(cat "$D/$1" 2>/dev/null)"
	return 1
}

# ---- 9. no terminal, dumb terminals, a tiny window -----------------------------------

NOTERM_RE="^gsched: no terminal \\((stdin|stdout) is not a terminal\\); try 'gsched --batch'\$"

t_no_terminal() {
	d=$E2E_DIR/noterm
	mkdir -p "$d"
	{
		"$E2E_G" </dev/null 2>"$d/err"
		echo $? >"$d/rc"
	} | cat >"$d/out"
	D=$d
	: >"$D/screen"
	e2e_check "no terminal: gsched </dev/null | cat exits 2" \
		test "$(cat "$d/rc")" = 2
	e2e_check "no terminal: says why on stderr and suggests --batch" \
		grep -Eq "$NOTERM_RE" "$d/err" || sed 's/^/# stderr: /' "$d/err"

	e2e_begin || { e2e_not_ok "no terminal: a tmux window"; return; }
	dq=$(e2e_q "$D")
	e2e_type "$(e2e_q "$E2E_G") 2>$dq/err | cat; echo \${PIPESTATUS[0]} >$dq/rc"
	e2e_poll "$E2E_WAIT" test -s "$D/rc"
	e2e_check "no terminal: gsched | cat (stdin a terminal) exits 2" \
		test "$(cat "$D/rc")" = 2
	e2e_check "no terminal: 'gsched: no terminal (stdout is not a terminal); try ...'" \
		grep -q "^gsched: no terminal (stdout is not a terminal); try 'gsched --batch'\$" \
		"$D/err"
	e2e_end

	for term in dumb unknownterm; do
		e2e_begin || { e2e_not_ok "TERM=$term: a tmux window"; return; }
		e2e_run "TERM=$term" || { e2e_not_ok "TERM=$term: gsched starts"; continue; }
		ends_clean "TERM=$term" 2
		e2e_check "TERM=$term: 'gsched: no terminal (TERM=$term ...); try 'gsched --batch''" \
			e2e_wait_re "^gsched: no terminal \\(TERM=$term [a-z ]+\\); try 'gsched --batch'"
		e2e_end
	done

	e2e_begin 10 5 || { e2e_not_ok "10x5: a tmux window"; return; }
	e2e_run || { e2e_not_ok "10x5: gsched starts"; return; }
	e2e_check "10x5: shows what fits of the size notice ('need' / '60x16,' / 'have 10x5')" \
		tiny_notice
	e2e_keys q
	ends_clean "10x5: q" 0
}

tiny_notice() {
	e2e_wait_re '^ *have 10x5 *$' && grep -q '^ *need *$' "$D/screen" &&
		grep -q '^ *60x16, *$' "$D/screen"
}

# ---- 10. a storm of SIGWINCH -----------------------------------------------------------

t_winch_storm() {
	start storm || return
	i=0
	for size in 80x24 40x10 200x60 61x16 10x5 132x43 100x30 59x15 120x40 30x8 \
		90x20 150x50 60x16 70x25 20x6 110x35 45x12 160x48 80x24 64x18 \
		33x9 140x45 75x22 58x14 125x38 50x13 95x28 180x55 66x19 100x33; do
		tm resize-window -t e2e -x "${size%x*}" -y "${size#*x}"
		i=$((i + 1))
	done
	tm resize-window -t e2e -x 120 -y 40
	e2e_check "storm: $i resizes and back to 120x40: gsched is still running" \
		kill -0 "$e2e_pid" || return
	e2e_check "storm: the main view at 120x40 (title, header, P rows, footer)" \
		e2e_wait_main || return
	e2e_check "storm: the footer is on row 39 (over the F-key bar), no notice left" \
		storm_screen
	e2e_keys q
	ends_clean "storm: q" 0
}

storm_screen() {
	e2e_wait_row 39 '^(.*  )?\? help  q quit  space pause' &&
		e2e_wait_gone 'needs at least|have [0-9]+x[0-9]+'
}

# ---- 11. stopping the world ---------------------------------------------------------

t_world() {
	start world -- -p 2 || return
	e2e_keys w
	e2e_check "world: w shows WORLD STOPPED in the title" \
		e2e_wait_row 1 ' WORLD STOPPED ' || return
	e2e_check "world: the P rows say 'T stop'" world_ps_stopped
	e2e_keys +
	e2e_check "world: + is refused: 'GOMAXPROCS cannot change while the world is stopped (w starts it)'" \
		e2e_wait_re 'GOMAXPROCS cannot change while the world is stopped \(w starts it\)'
	e2e_check "world: the header still says GOMAXPROCS 2" e2e_row_re 2 '^GOMAXPROCS 2  '
	e2e_keys w
	e2e_check "world: w again starts it (WORLD STOPPED gone)" \
		e2e_wait_gone 'WORLD STOPPED' || return
	e2e_keys +
	e2e_check "world: now + works (GOMAXPROCS 3)" e2e_wait_row 2 '^GOMAXPROCS 3  '
	e2e_check "world: the event log has 'world stopped: no goroutine runs (w starts it)' and 'world started again'" \
		e2e_log_has 'world stopped: no goroutine runs \(w starts it\)' \
		'world started again'
	e2e_keys q
	e2e_check "world: q exits 0" exit_is 0
}

world_ps_stopped() {
	e2e_wait_re '^P0 T stop ' && e2e_wait_re '^P1 T stop '
}

# ---- 12. --ascii, NO_COLOR, --no-color -------------------------------------------------

# ascii_only: no byte >= 0x80 in the last capture.
ascii_only() {
	n=$(LC_ALL=C tr -d '\000-\177' <"$D/screen" | wc -c)
	[ "$n" -eq 0 ] && return 0
	echo "# $n bytes >= 0x80 on the screen"
	return 1
}

# no_colour: the window's cells carry no colour (capture-pane -e: no SGR
# colour parameter 30-38, 40-48, 90-97, 100-107; 39 and 49 are the defaults).
no_colour() {
	esc=$(printf '\033')
	tm capture-pane -e -p -t e2e >"$D/screen.e" || return 1
	bad=$(grep -o "$esc\\[[0-9;]*m" "$D/screen.e" | tr -d "$esc[m" | tr ';' '\n' |
		grep -Ec '^(3[0-8]|4[0-8]|9[0-7]|10[0-7])$')
	[ "$bad" -eq 0 ] && return 0
	echo "# $bad colour parameters in the window's SGR sequences"
	return 1
}

has_colour() {
	! no_colour >/dev/null
}

t_ascii_colour() {
	if [ -n "$E2E_UTF8" ]; then
		start utf8 || return
		e2e_check "utf8: in a UTF-8 locale the screen has line drawing (bytes >= 0x80)" \
			e2e_wait_re '─'
		e2e_check "utf8: and colours" has_colour
		e2e_keys q
		e2e_check "utf8: q exits 0" exit_is 0
		e2e_end
	fi

	start ascii -- --ascii || return
	e2e_check "ascii: --ascii: the Ps heading in ASCII ('- Ps -')" \
		e2e_wait_re '^- Ps -+ M -+ runs? '
	e2e_check "ascii: no byte >= 0x80 on the main view" ascii_only
	e2e_keys ?
	e2e_check "ascii: help's row 2 is '- Keys -'" e2e_wait_row 2 '^- Keys -'
	e2e_check "ascii: no byte >= 0x80 in the help" ascii_only
	e2e_keys Escape l
	e2e_check "ascii: event log open" e2e_wait_row 1 'gsched event log'
	e2e_check "ascii: no byte >= 0x80 in the event log" ascii_only
	e2e_keys q
	e2e_check "ascii: q exits 0" exit_is 0
	e2e_end

	start NO_COLOR NO_COLOR=1 || return
	e2e_check "NO_COLOR=1: no colour in the window" no_colour
	e2e_keys q
	e2e_check "NO_COLOR=1: q exits 0" exit_is 0
	e2e_end

	start no-color -- --no-color || return
	e2e_check "--no-color: no colour in the window" no_colour
	e2e_keys q
	e2e_check "--no-color: q exits 0" exit_is 0
}

# ---- 13. goroutines, event log, P and M details --------------------------------------

t_views() {
	start views -- -p 2 || return
	e2e_check "views: the event log starts with 'gsched: GOMAXPROCS 2 on N CPUs; press ? for help'" \
		e2e_log_has '^ +[0-9.]+ gsched: GOMAXPROCS 2 on [0-9]+ CPUs; press \? for help'
	e2e_keys g
	e2e_check "views: g opens the goroutine list (' gsched goroutines')" \
		e2e_wait_row 1 '^ gsched goroutines ' || return
	e2e_check "views: it counts and lists them ('N goroutines ..., showing a-b, by ...')" \
		e2e_wait_row 2 '[0-9]+ goroutines.*showing [0-9]+-[0-9]+, by '
	e2e_keys g
	e2e_check "views: g again closes it" e2e_wait_main
	e2e_keys l
	e2e_check "views: l opens the event log ('gsched event log: N lines, showing a-b')" \
		e2e_wait_row 1 '^ gsched event log: [0-9]+ lines, showing [0-9]+-[0-9]+'
	e2e_keys Escape
	e2e_check "views: Esc closes it" e2e_wait_main
	e2e_keys p
	e2e_check "views: p shows P0's detail ('gsched P0')" e2e_wait_row 1 '^ gsched P0 '
	e2e_check "views: ... with its time by state ('in all  T N%', the accounting)" \
		e2e_wait_re '^ in all +[0-9.]+ (ns|us|ms|s) [0-9]+% '
	e2e_check "views: ... and over the last tick ('last tick  T N%')" \
		e2e_wait_re '^ last tick +[0-9.]+ (ns|us|ms|s) [0-9]+% '
	e2e_keys Tab
	e2e_check "views: Tab goes to P1" e2e_wait_row 1 '^ gsched P1 '
	e2e_keys Escape m
	e2e_check "views: m shows an M's detail ('gsched M<n>')" \
		e2e_wait_row 1 '^ gsched M[0-9]+ '
	e2e_check "views: ... with its time by state (or 'not counted' for sysmon)" \
		e2e_wait_re '^ (in all +[0-9.]+ (ns|us|ms|s) [0-9]+% |time +not counted: sysmon)'
	e2e_keys Escape
	e2e_check "views: Esc is back at the main view" e2e_wait_main
	e2e_keys q
	e2e_check "views: q exits 0" exit_is 0
}

# ---- 13a. the goroutine list: cursor, page, sort, filter, find -----------------------

# glist_rows_all TEXT: every row of the list (rows 4-39 of 40) that shows
# something has TEXT, and there is one.
glist_rows_all() {
	e2e_screen || return 1
	sed -n '4,39p' "$D/screen" | grep -q . &&
		! sed -n '4,39p' "$D/screen" | grep . | grep -vq -- "$1"
}

t_glist() {
	start glist -- -p 2 || return
	e2e_keys g
	e2e_check "glist: g opens the list, the cursor ('>') on its first row" \
		e2e_wait_row 4 '^> +[0-9]+  ' || return
	e2e_check "glist: the run time column (RUN) at 80 columns, in the UI's units" \
		e2e_wait_row 4 '^> +[0-9]+  .* [0-9.]+ (ns|us|ms|s)  '
	# the list shown at first may be a second old: it is taken anew at
	# the next tick, and the goroutines of the start may have gone by
	# then (the cursor keeps to its goroutine, not to its row)
	t0=$(e2e_tick)
	e2e_poll "$E2E_WAIT" tick_above $((${t0:-0} + 2))
	e2e_keys Down Down Down
	e2e_check "glist: Down three times: the cursor on the 4th row" \
		e2e_wait_row 7 '^> +[0-9]+  ' || return
	id=$(e2e_row 7 | sed 's/^> *\([0-9]*\).*/\1/')
	e2e_keys Enter
	e2e_check "glist: Enter opens the page of the goroutine on the 4th row ('gsched G$id')" \
		e2e_wait_row 1 "^ gsched G$id "
	e2e_check "glist: the page has its state and its events ('events of G$id')" \
		e2e_wait_re "^(─|-) events of G$id"
	# the runtime's accounting, on with the event stream: measured figures
	# in the UI's units (a goroutine of the 4th row has run by now)
	e2e_check "glist: the page has its run time and runs ('run time  T in N runs')" \
		e2e_wait_re '^ run time +[0-9.]+ (ns|us|ms|s) in [0-9]+ runs?$'
	e2e_check "glist: ... and its scheduling latency ('latency  T in all, worst W')" \
		e2e_wait_re '^ latency +[0-9.]+ (ns|us|ms|s) in all, worst [0-9.]+ (ns|us|ms|s)'
	e2e_keys q
	e2e_check "glist: q on the page: back to the list, the cursor still on G$id" \
		e2e_wait_re "^> +$id  "
	e2e_keys s
	e2e_check "glist: s sorts by the next column, state (marked in the header)" \
		e2e_wait_row 3 'STATE(▲|\^)'
	e2e_check "glist: ... runnable, running or in a syscall first" \
		e2e_wait_row 4 '^.? +[0-9]+  (runnable|running|syscall) '
	e2e_keys r
	e2e_check "glist: r reverses it ('by state reversed', STATE▼)" \
		e2e_wait_row 2 'by state reversed'
	e2e_check "glist: ... waiting ones first" e2e_wait_row 4 '^.? +[0-9]+  waiting '
	e2e_keys f
	tm send-keys -t e2e -l "junk"
	e2e_keys C-u # the prompts' line editing: Ctrl-U clears the line
	e2e_type "label:netwrite"
	e2e_check "glist: f label:netwrite narrows the list ('goroutines N of M matching')" \
		e2e_wait_row 1 'goroutines [0-9]+ of [0-9]+ matching "label:netwrite"'
	e2e_check "glist: ... to the netwrite goroutines only" e2e_poll "$E2E_WAIT" glist_rows_all netwrite
	e2e_keys f
	e2e_type "kind:"
	e2e_check "glist: a query that does not parse is said ('needs a value')" \
		e2e_wait_re "'kind:' needs a value"
	e2e_keys Escape
	e2e_check "glist: Esc clears the filter" e2e_wait_row 1 '^ gsched goroutines  '
	e2e_keys /
	e2e_type "netwait"
	e2e_check "glist: / netwait puts the cursor on a netwait goroutine" \
		e2e_wait_re '^> +[0-9]+  .* netwait'
	e2e_keys q
	e2e_check "glist: q in the list exits 0" exit_is 0
}

# ---- 13b. the event log: filter, hold, find ------------------------------------------

t_log() {
	start log -- -p 2 || return
	e2e_keys l
	e2e_check "log: l opens the event log ('gsched event log: N lines, showing a-b')" \
		e2e_wait_row 1 '^ gsched event log: [0-9]+ lines, showing [0-9]+-[0-9]+ ' || return
	e2e_keys f
	e2e_check "log: f opens the filter's prompt" e2e_wait_re '^filter: _  \(is:steal'
	e2e_type "is:note"
	e2e_check "log: f is:note: the title names the filter ('of N matching \"is:note\"')" \
		e2e_wait_row 1 'event log [0-9]+ of [0-9]+ matching "is:note", showing [0-9]+-[0-9]+'
	e2e_keys Escape
	e2e_check "log: Esc clears it: all lines again (no filter in the title)" \
		e2e_wait_row 1 'event log: [0-9]+ lines, showing [0-9]+-[0-9]+  '
	e2e_keys Up
	e2e_check "log: Up holds it ('N new, End to follow' under it)" \
		e2e_wait_re '[0-9]+ new, End to follow'
	# a key's note is a line that comes for sure
	e2e_keys +
	e2e_check "log: a line that comes is counted, not shown ('1 new' or more)" \
		e2e_wait_re '[1-9][0-9]* new, End to follow'
	e2e_check "log: ... and not shown (no 'GOMAXPROCS 2 -> 3' line)" \
		e2e_has_not_re 'GOMAXPROCS 2 -> 3'
	e2e_keys End
	e2e_check "log: End follows again: the new line shows, the count goes" log_follows
	e2e_keys /
	e2e_check "log: / opens the prompt" e2e_wait_row 40 '^/_  \(is:steal p: .*Enter: the newest'
	e2e_type 'gomaxprocs 2'
	e2e_check "log: Enter holds it at the line found ('GOMAXPROCS 2 -> 3', marked '>')" \
		e2e_wait_re '^> +[0-9.]+ GOMAXPROCS 2 -> 3'
	e2e_keys Escape
	e2e_check "log: Esc is back at the main view" e2e_wait_main
	e2e_check "log: the main view's events are held too ('Events (N new, Down to follow)')" \
		e2e_wait_re 'Events \([0-9]+ new, Down to follow\)'
	e2e_keys Down
	e2e_check "log: Down follows them again" e2e_wait_gone 'new, Down to follow'
	e2e_keys q
	e2e_check "log: q exits 0" exit_is 0
}

log_follows() {
	e2e_wait_re 'GOMAXPROCS 2 -> 3' && e2e_wait_gone 'new, End to follow'
}

# log_rows_all RE: every line of the whole log (its rows 2-39 of 40 that
# start with a time) matches RE, and there is one.
log_rows_all() {
	e2e_screen || return 1
	sed -n '2,39p' "$D/screen" | grep -Eq '^.? *[0-9]+\.[0-9] ' &&
		! sed -n '2,39p' "$D/screen" | grep -E '^.? *[0-9]+\.[0-9] ' | grep -Eqiv -- "$1"
}

# The log filtered and searched by the goroutine list's query words.
t_log_filter() {
	start logf -- -p 2 || return
	e2e_keys c c # CPU-bound goroutines: preemptions on both Ps
	e2e_keys l
	e2e_check "logf: l opens the event log" e2e_wait_row 1 '^ gsched event log: ' || return
	e2e_check "logf: a preemption on P1 is logged" \
		e2e_wait_re 'preemptions on P0 P1|on P1 preempted' || return
	e2e_keys f
	e2e_type "preempt"
	e2e_check "logf: f preempt: the title shows it ('event log N of M matching \"preempt\"')" \
		e2e_wait_row 1 '^ gsched event log [0-9]+ of [0-9]+ matching "preempt", showing'
	e2e_check "logf: ... every line shown has the text" e2e_poll "$E2E_WAIT" log_rows_all preempt
	e2e_keys f
	e2e_type "is:preempt p:1"
	e2e_check "logf: f is:preempt p:1: the title shows it" \
		e2e_wait_row 1 'event log [0-9]+ of [0-9]+ matching "is:preempt p:1"'
	e2e_check "logf: ... its lines are preemptions on P1" \
		e2e_poll "$E2E_WAIT" log_rows_all 'preempt.* P1|P1 preempted'
	e2e_check "logf: ... none on P0 alone" \
		e2e_has_not_re 'on P0 preempted|preemptions on P0 \('
	e2e_keys f
	e2e_type "bogus:1"
	e2e_check "logf: a query that does not parse is said ('is no field')" \
		e2e_wait_re "'bogus:' is no field"
	e2e_check "logf: ... and the filter stays" \
		e2e_row_re 1 'matching "is:preempt p:1"'
	e2e_keys Escape
	e2e_check "logf: Esc clears the filter" \
		e2e_wait_row 1 'event log: [0-9]+ lines, showing [0-9]+-[0-9]+  '
	e2e_keys /
	e2e_type "is:preempt"
	e2e_check "logf: / is:preempt holds the log at a preemption ('>')" \
		e2e_wait_re '^> +[0-9.]+ .*preempt'
	e2e_keys Escape
	e2e_check "logf: Esc: the main view" e2e_wait_main
	e2e_keys f
	e2e_type "is:preempt"
	e2e_check "logf: f in the main view filters its events ('Events N of M matching')" \
		e2e_wait_re 'Events [0-9]+ of [0-9]+ matching "is:preempt"'
	e2e_keys q
	e2e_check "logf: q exits 0" exit_is 0
}

# ---- 14. lessons in the visualizer ----------------------------------------------------

t_lesson() {
	e2e_begin || { e2e_not_ok "lesson: a tmux window with a shell"; return; }
	e2e_lesson_file tiny.lesson 'title "Tiny e2e lesson"' 'mark "First"' 'procs 2' \
		'say "KIWI caption on {procs} Ps"' 'expect procs == 2' 'pause' \
		'mark "Second"' 'say "PLUM caption"' 'expect procs == 2' 'pause'
	e2e_run -- "$D/tiny.lesson" || { e2e_not_ok "lesson: gsched starts"; return; }
	e2e_check "lesson: main view up" e2e_wait_main
	e2e_check "lesson: the title names it ('lesson: Tiny e2e lesson')" \
		e2e_wait_row 1 '  lesson: Tiny e2e lesson'
	e2e_check "lesson: the caption ' KIWI caption on 2 Ps'" \
		e2e_wait_re '^ KIWI caption on 2 Ps'
	e2e_check "lesson: the bar 'chapter: First  step 5/9 ... press n or PgDn'" \
		e2e_wait_re '^ chapter: First  step 5/9  1 met, 0 failed  \| press n or PgDn'
	e2e_keys n
	e2e_check "lesson: n: the next caption ' PLUM caption'" e2e_wait_re '^ PLUM caption'
	e2e_check "lesson: n: the event log has both captions" lesson_log_both
	e2e_keys NPage
	e2e_check "lesson: PgDn: 'lesson finished: 2 expectations met, 0 failed'" \
		e2e_wait_row 39 '^lesson finished: 2 expectations met, 0 failed  \? help'
	e2e_check "lesson: the visualizer goes on after the end (main view)" e2e_is_main
	e2e_keys q
	ends_clean "lesson: q" 0
	e2e_check "lesson: its account on the terminal ('2 expectations, 2 passed, 0 failed')" \
		e2e_wait_re 'tiny.lesson: 2 expectations, 2 passed, 0 failed$'
}

# Reading time at 80x24: a lesson's first caption, with no pause after it and
# no key pressed, is still on screen 8 s after it appeared (its reading time
# is 3 s and 1 s per 12 characters: 14 s for these 137), and the footer says
# how to go on; n shows the next at once.  The 8 s are the claim tested, the
# only fixed wait: they count from the first capture showing the caption, so
# a slow capture only makes them longer.
t_lesson_hold() {
	e2e_begin 80 24 || { e2e_not_ok "lesson hold: a tmux window with a shell"; return; }
	e2e_lesson_file hold.lesson 'title "Reading time"' 'mark "Read"' \
		'say "APPLE caption, the first: a room reads it before the lesson goes\non, with no pause after it and no key pressed by the presenter."' \
		'say "PEAR caption"' 'expect procs >= 1' 'wait 1min'
	e2e_run -- "$D/hold.lesson" || { e2e_not_ok "lesson hold: gsched starts"; return; }
	e2e_check "lesson hold: the first caption ' APPLE caption, the first'" \
		e2e_wait_re '^ APPLE caption, the first' || return
	shown=$(date +%s)
	e2e_check "lesson hold: the bar says 'next in N s'" \
		e2e_wait_re '^ chapter: Read  step 3/5  0 met, 0 failed  \| next in [0-9]+ s'
	e2e_check "lesson hold: the footer 'reading time: next in N s (n goes on now)'" \
		e2e_wait_row 24 '^reading time: next in [0-9]+ s \(n goes on now\)'
	left=$((shown + 8 - $(date +%s)))
	[ "$left" -gt 0 ] && sleep "$left"
	e2e_check "lesson hold: 8 s later, no key pressed: the first caption is on screen" \
		e2e_has_re '^ APPLE caption, the first'
	e2e_check "lesson hold: (and the next is not)" e2e_has_not_re 'PEAR caption'
	e2e_keys n
	e2e_check "lesson hold: n: the next caption at once ' PEAR caption'" \
		e2e_wait_re '^ PEAR caption'
	e2e_keys q
	ends_clean "lesson hold: q" 0
}

lesson_log_both() {
	e2e_has_re 'say: KIWI caption on 2 Ps' && e2e_has_re 'say: PLUM caption'
}

t_lesson_fail() {
	e2e_begin || { e2e_not_ok "lesson fail: a tmux window with a shell"; return; }
	e2e_lesson_file fail.lesson 'say "before"' 'expect procs == 300' 'say "after"'
	e2e_run -- "$D/fail.lesson" || { e2e_not_ok "lesson fail: gsched starts"; return; }
	e2e_check "lesson fail: the log says 'FAIL: line 2: expect procs == 300'" \
		e2e_wait_re 'FAIL: line 2: expect procs == 300'
	e2e_check "lesson fail: 'lesson finished: 0 expectations met, 1 failed'" \
		e2e_wait_re '^ lesson finished: 0 expectations met, 1 failed'
	e2e_keys q
	ends_clean "lesson fail: q" 1
}

# ---- 15. slow motion: a steal stays on screen -----------------------------------------

# The lesson of work stealing twenty times slower, at 80x24: the title says
# SLOW x20, and a steal's mark on a P row ("from P0 x10" on the thief, "to
# P1 x10" on its victim) stays on screen for at least 10 frames.  The pane is
# captured from the start, faster than the view ticks; over a run of
# consecutive captures that show a steal mark, the frames are the ticks the
# title counted from the first capture to the last (the view draws a frame
# every tick), so a slow capture loses no frame.  Counts only: a loaded
# machine makes ticks and captures rarer, never the mark shorter in time.
STEAL_RE='^P[0-9]+ .*(from|to) P[0-9]+\+? x[0-9]+'

t_slow_steal() {
	e2e_begin 80 24 || { e2e_not_ok "slow steal: a tmux window with a shell"; return; }
	e2e_run -- 06-stealing --slow 20 || { e2e_not_ok "slow steal: gsched starts"; return; }
	# the lesson pauses after its first caption: go on to the work
	e2e_check "slow steal: the lesson waits for n after its first caption" \
		e2e_wait_row 24 '^press n or PgDn to continue'
	e2e_keys n
	caps=0 first= best=0 bestcaps=0
	end=$(($(date +%s) + E2E_WAIT * 2))
	# until a run of 10 frames or more has ended (or the deadline)
	while [ "$(date +%s)" -lt "$end" ] && { [ "$best" -lt 10 ] || [ "$caps" -gt 0 ]; }; do
		if e2e_screen && grep -Eq -- "$STEAL_RE" "$D/screen" &&
			t=$(e2e_tick) && [ -n "$t" ]; then
			[ -n "$first" ] || first=$t
			caps=$((caps + 1))
			if [ $((t - first + 1)) -gt "$best" ]; then
				best=$((t - first + 1))
				bestcaps=$caps
				cp "$D/screen" "$D/steal"
			fi
			# the same screen with its colours, once: the thief's tokens
			[ -s "$D/steal.e" ] ||
				tm capture-pane -p -e -t e2e >"$D/steal.e" 2>/dev/null
		else
			caps=0
			first=
		fi
		sleep 0.05
	done
	echo "# slow steal: a steal mark in $bestcaps consecutive captures, over $best frames"
	steal_frames() {
		[ "$best" -ge 10 ] && return 0
		echo "# a steal mark stayed $best frames"
		return 1
	}
	e2e_check "slow steal: a steal mark stays for at least 10 frames" steal_frames
	# cyan background (46; reverse video, 7, without colours) on the
	# tokens of the row that says "from P"
	stolen_coloured() {
		grep -a 'from P[0-9]' "$D/steal.e" | grep -Eaq "$(printf '\033')\[([0-9]+;)*(46|7)m"
	}
	e2e_check "slow steal: the thief's row has its stolen tokens highlighted (cyan)" \
		stolen_coloured
	[ -s "$D/steal" ] && sed -n '1,8s/^/# |/p' "$D/steal"
	e2e_check "slow steal: the title says SLOW x20" e2e_wait_row 1 ' SLOW x20 '
	e2e_keys q
	ends_clean "slow steal: q" 0
}

# ---- 16. recording what is shown --------------------------------------------------------

# Quiet now: the recording holds what the view showed while it ran.
replay_ticks() {
	"$E2E_G" --replay "$1" --batch >"$D/replay.out" 2>"$D/replay.err" || {
		echo "# gsched --replay $1 --batch failed: $(head -n 3 "$D/replay.err")"
		return 1
	}
	n=$(grep -c '^SCHED ' "$D/replay.out")
	echo "# gsched --replay --batch read $n ticks"
	[ "$n" -gt 0 ]
}

# tick_at_least N: the title's tick number is N or more.
tick_at_least() {
	e2e_screen || return 1
	t=$(e2e_tick)
	[ -n "$t" ] && [ "$t" -ge "$1" ]
}

# R opens the prompt with a name offered; Ctrl-U clears it and a path is
# typed; Enter starts (REC in the title); 2 s of ticks later R stops it (the
# status line counts the ticks); q; gsched --replay FILE --batch reads it.
t_record_key() {
	start "record R" -- -p 2 || return
	e2e_keys R
	e2e_check "record R: the prompt offers gsched-YYYYmmdd-HHMMSS.jsonl" \
		e2e_wait_re '^record to file \(Enter starts, Esc cancels\): gsched-[0-9]{8}-[0-9]{6}\.jsonl_'
	e2e_keys C-u
	tm send-keys -t e2e -l "$D/rec.jsonl"
	e2e_keys Enter
	e2e_check "record R: the title says REC" e2e_wait_row 1 ' REC ' || return
	e2e_screen
	t0=$(e2e_tick)
	e2e_check "record R: 2 s of ticks (20 at 10 Hz) go by" \
		e2e_poll "$E2E_WAIT" tick_at_least $((${t0:-0} + 20))
	e2e_keys R
	e2e_check "record R: R stops: 'recorded N ticks to FILE (stopped with R)'" \
		e2e_wait_re "recorded [0-9]+ ticks to $D/rec.jsonl \\(stopped with R\\)"
	e2e_check "record R: REC leaves the title" e2e_wait_gone '^ gsched .* REC '
	e2e_keys q
	ends_clean "record R: q" 0
	e2e_check "record R: gsched --replay FILE --batch reads its ticks" replay_ticks "$D/rec.jsonl"
}

# --record FILE with a terminal opens the visualizer recording from its first
# tick; SIGTERM (exit 143) finishes the file, which --replay reads; gsched
# says where it went on the restored terminal.
t_record_option() {
	e2e_begin || { e2e_not_ok "record --record: a tmux window with a shell"; return; }
	e2e_run -- --record "$D/opt.jsonl" -p 2 ||
		{ e2e_not_ok "record --record: gsched starts"; return; }
	e2e_check "record --record: main view up" e2e_wait_main || return
	e2e_check "record --record: the title says REC" e2e_wait_row 1 ' REC ' || return
	e2e_screen
	t0=$(e2e_tick)
	e2e_poll "$E2E_WAIT" tick_at_least $((${t0:-0} + 5))
	kill -TERM "$e2e_pid"
	ends_clean "record --record: SIGTERM" 143
	e2e_check "record --record: 'gsched: recorded N ticks to FILE' on the terminal" \
		e2e_wait_re "^gsched: recorded [0-9]+ ticks to $D/opt.jsonl"
	e2e_check "record --record: gsched --replay FILE --batch reads its ticks" \
		replay_ticks "$D/opt.jsonl"
}

# json_whole FILE: FILE is one whole JSON document (python3 or node reads it;
# without either, its last bytes close it).
json_whole() {
	if command -v python3 >/dev/null 2>&1; then
		python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$1" 2>/dev/null
	elif command -v node >/dev/null 2>&1; then
		node -e 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))' "$1" \
			2>/dev/null
	else
		[ "$(tail -c 3 "$1")" = "}}" ]
	fi && return 0
	echo "# not a whole JSON document; it ends: $(tail -c 60 "$1" 2>/dev/null)"
	return 1
}

# --replay-step waits for Enter on the terminal; Ctrl-C ends that wait as a
# stop signal: the trace being converted is finished, and gsched dies of
# SIGINT as a shell expects of Ctrl-C: bash drops the rest of the line (its
# . finish too), and $? at the prompt is 130.
t_replay_step() {
	e2e_begin || { e2e_not_ok "replay-step: a tmux window with a shell"; return; }
	"$E2E_G" --record "$D/step.jsonl" -n 3 -w cpu:2 >/dev/null 2>&1 ||
		{ e2e_not_ok "replay-step: a recording to replay"; return; }
	e2e_run -- --replay "$D/step.jsonl" --replay-step --batch --trace "$D/step.json" ||
		{ e2e_not_ok "replay-step: gsched starts"; return; }
	e2e_check "replay-step: it waits for Enter" \
		e2e_wait_re 'press Enter for the next tick' || return
	e2e_keys C-c
	e2e_check "replay-step: Ctrl-C ends it" e2e_poll "$E2E_WAIT" e2e_pid_gone || return
	e2e_type 'echo "status=$?"'
	e2e_check "replay-step: Ctrl-C: exit status 130 (killed by SIGINT)" \
		e2e_wait_re '^status=130$'
	e2e_check "replay-step: the trace is whole JSON" json_whole "$D/step.json"
}

# ---- the config file ----------------------------------------------------------------------

# config_run WHAT N [VAR=value...] [--] ARGS...: in the test's window, gsched
# with ARGS starts at GOMAXPROCS N (and, with CFG_ASCII=yes, draws in ASCII
# only), and q ends it.
config_run() {
	cfg_what=$1 cfg_n=$2
	shift 2
	e2e_run "$@" || { e2e_not_ok "config: $cfg_what: gsched starts"; return 1; }
	e2e_check "config: $cfg_what: main view up" e2e_wait_main || return 1
	e2e_check "config: $cfg_what: header 'GOMAXPROCS $cfg_n'" e2e_wait_row 2 "^GOMAXPROCS $cfg_n  "
	if [ "${CFG_ASCII:-}" = yes ]; then
		e2e_check "config: $cfg_what: ascii = yes: the Ps heading in ASCII ('- Ps -')" \
			e2e_wait_re '^- Ps -+ M -+ runs? '
		e2e_check "config: $cfg_what: ascii = yes: no byte >= 0x80" ascii_only
	fi
	e2e_keys q
	e2e_check "config: $cfg_what: q exits 0" exit_is 0
}

# $XDG_CONFIG_HOME/gsched/config sets the visualizer's options; the command
# line wins; --config FILE reads another, --no-config none.  GOMAXPROCS=1 in
# the environment shows which one set the Ps.
t_config() {
	e2e_begin || { e2e_not_ok "config: a tmux window with a shell"; return; }
	mkdir -p "$D/xdg/gsched"
	printf '# test\r\nprocs = 3\r\nascii = yes\r\n' >"$D/xdg/gsched/config"
	printf 'procs = 4\n' >"$D/other"
	CFG_ASCII=yes
	config_run "procs = 3" 3 GOMAXPROCS=1 "XDG_CONFIG_HOME=$D/xdg" -- -d 2 || return
	CFG_ASCII=
	config_run "-p 2 wins over procs = 3" 2 GOMAXPROCS=1 "XDG_CONFIG_HOME=$D/xdg" -- -p 2 ||
		return
	config_run "--no-config" 1 GOMAXPROCS=1 "XDG_CONFIG_HOME=$D/xdg" -- --no-config -d 2 ||
		return
	config_run "--config FILE" 4 GOMAXPROCS=1 "XDG_CONFIG_HOME=$D/xdg" -- --config "$D/other"
}

# file_has FILE LINE: FILE holds the line LINE.
file_has() {
	grep -qxF -- "$2" "$1" 2>/dev/null
}

# W writes the view's settings to the config file (making its directory),
# asks before overwriting it (y writes, another key keeps it), and the file
# it wrote starts the next run.
t_config_save() {
	e2e_begin || { e2e_not_ok "config W: a tmux window with a shell"; return; }
	f=$D/save/gsched/config
	e2e_run "XDG_CONFIG_HOME=$D/save" -- -p 3 -d 5 || { e2e_not_ok "config W: gsched starts"; return; }
	e2e_check "config W: main view up" e2e_wait_main || return
	e2e_keys W
	e2e_check "config W: the file is written, with procs = 3" e2e_poll "$E2E_WAIT" file_has "$f" "procs = 3"
	e2e_check "config W: ... and delay = 5" file_has "$f" "delay = 5"
	e2e_keys +
	e2e_check "config W: + makes it GOMAXPROCS 4" e2e_wait_row 2 '^GOMAXPROCS 4  '
	e2e_keys W
	e2e_check "config W: W again asks 'overwrite ... (y writes, any other key cancels)'" \
		e2e_wait_re "overwrite .*config with the view's settings\? \(y writes, any other key cancels\)"
	e2e_keys n
	e2e_check "config W: n keeps it: 'settings not saved'" e2e_wait_re 'settings not saved'
	e2e_check "config W: ... still procs = 3" file_has "$f" "procs = 3"
	e2e_keys W y
	e2e_check "config W: W y overwrites it: procs = 4" e2e_poll "$E2E_WAIT" file_has "$f" "procs = 4"
	e2e_keys q
	e2e_check "config W: q exits 0" exit_is 0
	config_run "the saved file" 4 GOMAXPROCS=1 "XDG_CONFIG_HOME=$D/save" -- -d 2
}

# ---- 17. the rewind and the replay ---------------------------------------------------------

# p_rows: the P rows of the last capture ("P0 R run  G2 ...").
p_rows() {
	grep -E '^P[0-9]+ [RSIGT] ' "$D/screen"
}

# p_rows_are FILE: the P rows on screen are those in FILE.
p_rows_are() {
	e2e_screen && p_rows >"$D/prows.now" && [ -s "$D/prows.now" ] &&
		cmp -s "$D/prows.now" "$1"
}

# press N KEY: KEY N times.
press() {
	i=0
	while [ "$i" -lt "$1" ]; do
		e2e_keys "$2"
		i=$((i + 1))
	done
}

# The view as a time machine: pause, twenty ticks back with Left, every P
# row as it was drawn at that tick, and End back to live.
t_rewind() {
	start rewind -- -p 2 || return
	e2e_keys c
	e2e_check "rewind: c spawns CPU work" e2e_log_has 'spawned 4 cpu goroutines'
	e2e_check "rewind: (past tick 30, so that twenty back is kept)" \
		e2e_poll "$E2E_WAIT" tick_above 30
	e2e_keys Space
	e2e_check "rewind: space pauses" e2e_wait_row 1 '^ gsched   PAUSED  ' || return
	n=$(e2e_tick)
	p_rows >"$D/prows.pause"
	e2e_check "rewind: paused at tick $n, the P rows stay" tick_stays "$n" || return
	e2e_check "rewind: (the view is past: '(-N.N s)' behind the newest)" \
		e2e_wait_row 1 "tick $n \(-[0-9]+\.[0-9] s\)"
	press 20 Left
	e2e_check "rewind: Left x20 shows tick $((n - 20))" \
		e2e_poll "$E2E_WAIT" tick_is $((n - 20)) || return
	e2e_screen
	p_rows >"$D/prows.back"
	press 20 Right
	e2e_check "rewind: Right x20 is back on tick $n, its P rows as at the pause" \
		e2e_poll "$E2E_WAIT" p_rows_are "$D/prows.pause" || return
	e2e_check "rewind: (tick $n)" tick_is "$n"
	e2e_keys '<' '<'
	e2e_check "rewind: < < is twenty back: tick $((n - 20)), the same P rows as before" \
		e2e_poll "$E2E_WAIT" p_rows_are "$D/prows.back" || return
	e2e_check "rewind: (tick $((n - 20)))" tick_is $((n - 20))
	e2e_keys Home
	e2e_check "rewind: Home shows the oldest tick kept (0)" \
		e2e_poll "$E2E_WAIT" tick_is 0
	e2e_keys p
	e2e_check "rewind: the P detail page shows that tick too" \
		e2e_wait_row 1 '^ gsched P0 .*tick 0 \('
	e2e_keys . .
	e2e_check "rewind: . steps forward in the detail page (tick 2)" \
		e2e_poll "$E2E_WAIT" tick_is 2
	e2e_check "rewind: ... its time by state over tick 2 ('last tick  T N%')" \
		e2e_wait_re '^ last tick +[0-9.]+ (ns|us|ms|s) [0-9]+% '
	e2e_keys Escape End
	e2e_check "rewind: End is back to live (LIVE, no PAUSED)" \
		e2e_wait_row 1 '^ gsched   [0-9.]+ Hz  tick [0-9]+ LIVE' || return
	e2e_screen
	t0=$(e2e_tick)
	e2e_check "rewind: live again, the ticks run on (from $t0, above $n)" \
		e2e_poll "$E2E_WAIT" tick_above "$((t0 > n ? t0 : n))"
	e2e_keys Left
	e2e_check "rewind: Left while live pauses and steps back" \
		e2e_wait_row 1 '^ gsched   PAUSED .* tick [0-9]+ \(-'
	e2e_keys g Enter
	e2e_check "rewind: a goroutine's page on a past tick ('gsched G<n> ... (-N.N s)')" \
		e2e_wait_row 1 '^ gsched G[0-9]+ .*PAUSED .* tick [0-9]+ \(-' || return
	e2e_check "rewind: ... has the timings the list had then ('run time  T in N runs')" \
		e2e_wait_re '^ run time +[0-9.]+ (ns|us|ms|s) in [0-9]+ runs?$'
	e2e_keys q q
	e2e_check "rewind: q exits 0" exit_is 0
}

# A recording played in the visualizer: the same panels, played (the tick
# numbers advance to its last), Home and space play it again, ] doubles the
# speed, and the keys that change the runtime say why they cannot.
t_replay() {
	e2e_begin || { e2e_not_ok "replay: a tmux window with a shell"; return 1; }
	rec=$D/rec.jsonl
	e2e_check "replay: gsched --batch -n 30 --record FILE makes a recording" \
		"$E2E_G" --batch -n 30 --record "$rec" >/dev/null || return
	e2e_run --replay "$rec" || { e2e_not_ok "replay: gsched starts (pid written)"; return 1; }
	e2e_check "replay: the title says replay x1" \
		e2e_wait_row 1 '^ gsched  .*tick [0-9]+.*  replay x1' || return
	e2e_check "replay: the Ps panel and a P row" e2e_wait_re '^P0 (R run|I idle|S sys) '
	e2e_check "replay: the Ms panel: Ms without a P by state" \
		e2e_wait_re '(in syscall|spinning|netpoller|no P|idle|sysmon) [0-9]+: M[0-9]+'
	e2e_check "replay: it plays to its last tick, 29, and stops there" \
		e2e_poll "$E2E_WAIT" tick_is 29
	e2e_check "replay: (and says so)" e2e_wait_re 'the end of the recording'
	e2e_keys Home
	e2e_check "replay: Home: tick 0, paused" e2e_wait_row 1 'PAUSED .*tick 0 \('
	e2e_keys ]
	e2e_check "replay: ] doubles the speed (replay x2)" e2e_wait_row 1 'replay x2'
	e2e_keys Space
	e2e_check "replay: space plays: the tick numbers advance" \
		e2e_poll "$E2E_WAIT" tick_above 0
	e2e_keys +
	e2e_check "replay: + says a recording cannot change GOMAXPROCS" \
		e2e_wait_re 'a recording is played: GOMAXPROCS cannot change'
	e2e_keys q
	ends_clean "replay: q" 0
}

# ---- mouse, the function-key bar, warnings -----------------------------------------

# mouse_btn B COL ROW (1-based): a mouse report of button code B at COL, ROW
# written into the pane's input as the terminal would send it: X10 encoding
# (ESC [ M, then 32 + each), which ncurses asks for with the kmous of tmux's
# TERM (\E[M).  tmux cannot make a click itself (send-keys -M only replays
# one it is handling).  B: 0 press, 3 release, 64 wheel up, 65 wheel down.
mouse_btn() {
	tm send-keys -t e2e -H 1b 5b 4d $(printf '%x %x %x' $((32 + $1)) $((32 + $2)) $((32 + $3)))
}

# mouse_click COL ROW: the first button pressed and released there.
mouse_click() {
	mouse_btn 0 "$1" "$2"
	mouse_btn 3 "$1" "$2"
}

# p_row N: the screen row (1-based) of P N's row in the last capture.
p_row() {
	grep -n "^P$1 " "$D/screen" | head -n 1 | cut -d: -f1
}

# mouse_on FLAG: tmux says the window's program asked for mouse reports (1)
# or did not (0).
mouse_on() {
	[ "$(tm display-message -p -t e2e '#{mouse_standard_flag}')" = "$1" ]
}

# e2e_is_main_or_list: the main view or the goroutine list (where Esc from
# a goroutine's page goes back to).
e2e_is_main_or_list() {
	e2e_is_main || e2e_row 1 | grep -q '^ gsched goroutines'
}

t_mouse() {
	e2e_begin 80 24 || { e2e_not_ok "mouse: a tmux window with a shell"; return; }
	e2e_run -p 2 || { e2e_not_ok "mouse: gsched starts (pid written)"; return; }
	e2e_check "mouse: main view up at 80x24" e2e_wait_main || return
	e2e_check "mouse: the view asks for mouse reports" e2e_poll "$E2E_WAIT" mouse_on 1
	# paused, the layout holds still between the capture and the click (a
	# warnings line coming or going moves the rows below it)
	e2e_keys Space
	e2e_check "mouse: space pauses" e2e_wait_row 1 'PAUSED'
	e2e_screen
	y=$(p_row 0)
	e2e_check "mouse: a P0 row on screen" test -n "$y" || return
	mouse_click 5 "$y"
	e2e_check "mouse: a click on P0's row opens P0's page" e2e_wait_row 1 '^ gsched P0 '
	e2e_keys Escape
	e2e_check "mouse: Esc: the main view again" e2e_wait_main
	e2e_screen
	# a goroutine's token on a P row ("C2" running, or one queued): the
	# first on the first P row that has one
	gy=$(grep -n '^P[0-9]* R run  M[0-9]* [A-Za-z][0-9]' "$D/screen" | head -n 1 | cut -d: -f1)
	gtok=$(sed -n "${gy:-0}p" "$D/screen" | sed -n 's/^\(P[0-9]* R run  M[0-9]* \)\([A-Za-z]\)\([0-9]*\).*/\1|\3/p')
	e2e_check "mouse: a running goroutine's token on a P row" test -n "$gtok" || return
	gpre=${gtok%%|*}
	gx=${#gpre}
	gid=${gtok##*|}
	mouse_click "$((gx + 1))" "$gy"
	e2e_check "mouse: a click on it opens its page (G$gid)" e2e_wait_row 1 "^ gsched G$gid "
	e2e_keys Escape
	e2e_check "mouse: Esc: back" e2e_poll "$E2E_WAIT" e2e_is_main_or_list
	e2e_keys Escape
	e2e_check "mouse: the main view again" e2e_wait_main
	e2e_screen
	# an M in the "idle 1: M5" or "sysmon 1: M0" groups of the Ms panel
	ym=$(grep -n ' sysmon 1: M[0-9]' "$D/screen" | head -n 1 | cut -d: -f1)
	m=$(sed -n "${ym:-0}s/.* sysmon 1: M\([0-9]*\).*/\1/p" "$D/screen")
	xm=$(sed -n "${ym:-0}p" "$D/screen" | awk '{ print index($0, "sysmon 1: M") + 10 }')
	e2e_check "mouse: sysmon's M in the Ms panel" test -n "$m" || return
	mouse_click "$xm" "$ym"
	e2e_check "mouse: a click on it opens its page (M$m)" e2e_wait_row 1 "^ gsched M$m "
	e2e_keys Escape
	e2e_check "mouse: Esc: the main view again" e2e_wait_main
	e2e_screen
	x=$(e2e_row 24 | awk '{ print index($0, "q quit") }')
	e2e_check "mouse: the footer's 'q quit' hint" test "${x:-0}" -gt 0 || return
	e2e_keys ?
	e2e_check "mouse: help open" e2e_wait_row 1 '^ gsched help: lines 1-22 of ' || return
	mouse_btn 65 10 10
	e2e_check "mouse: the wheel scrolls help down (lines 4-25)" \
		e2e_wait_row 1 '^ gsched help: lines 4-25 of '
	mouse_btn 64 10 10
	e2e_check "mouse: and up again" e2e_wait_row 1 '^ gsched help: lines 1-22 of '
	e2e_keys Escape
	e2e_check "mouse: main view" e2e_wait_main
	mouse_click "$x" 24
	ends_clean "mouse: a click on the footer's 'q quit'" 0
}

t_no_mouse() {
	start "no mouse" -p 2 --no-mouse || return
	e2e_check "no mouse: no mouse reports asked for" mouse_on 0
	e2e_keys Space
	e2e_check "no mouse: space pauses" e2e_wait_row 1 'PAUSED'
	e2e_screen
	y=$(p_row 0)
	e2e_check "no mouse: a P0 row on screen" test -n "$y" || return
	t0=$(e2e_tick)
	mouse_click 5 "$y"
	# curses holds a click back for its mouseinterval (1/6 s) to tell a
	# click from a double one, and a key typed meanwhile loses it: the key
	# after the click comes well after that, and once its tick shows, the
	# click has been read (a mouse that worked would show P0's page)
	sleep 1
	e2e_keys .
	e2e_check "no mouse: . after the click steps a tick" e2e_poll "$E2E_WAIT" tick_above "$t0"
	e2e_check "no mouse: the click opened no page (the main view)" e2e_is_main
	e2e_keys q
	ends_clean "no mouse: q" 0
}

t_fkeys() {
	e2e_begin 120 40 || { e2e_not_ok "F keys: a tmux window with a shell"; return; }
	e2e_run -p 2 || { e2e_not_ok "F keys: gsched starts (pid written)"; return; }
	e2e_check "F keys: main view up at 120x40" e2e_wait_main || return
	e2e_check "F keys: the bar at the bottom" \
		e2e_wait_row 40 '^F1help F2pause F3step F4slower F5faster F6goroutines F7log F8world F9record F10quit'
	e2e_check "F keys: the footer above it" e2e_wait_row 39 '^\? help  q quit'
	e2e_keys F6
	e2e_check "F keys: F6 opens the goroutine list" e2e_wait_row 1 '^ gsched goroutines'
	e2e_keys Escape
	e2e_check "F keys: main view" e2e_wait_main
	x=$(e2e_row 40 | awk '{ print index($0, "F2pause") }')
	mouse_click "$((x + 2))" 40
	e2e_check "F keys: a click on F2pause pauses" e2e_wait_row 1 'PAUSED'
	e2e_keys F10
	ends_clean "F keys: F10" 0
}

# A call-free loop (the loop workload: 100 ms bursts without a scheduling
# point) on one P: the warnings line names it, the log says it once, and
# help explains it.
t_warnings() {
	e2e_begin 120 40 || { e2e_not_ok "warnings: a tmux window with a shell"; return; }
	e2e_lesson_file hog.lesson 'title "Hog"' 'procs 1' 'spawn 1 loop 30s as hog' \
		'say "HOG caption"' 'wait 1min'
	e2e_run -- "$D/hog.lesson" || { e2e_not_ok "warnings: gsched starts"; return; }
	e2e_check "warnings: main view up" e2e_wait_main || return
	e2e_check "warnings: the line names the goroutine that ran unpreempted" \
		e2e_wait_re '^(⚠|!) [0-9]+ warnings?: (.*; )?G[0-9]+ ran [0-9.]+ ms without preemption'
	e2e_check "warnings: the log says it" e2e_wait_re ' warning: G[0-9]+ ran [0-9.]+ ms without preemption'
	e2e_keys ? End
	e2e_check "warnings: help explains it" \
		e2e_wait_re 'without preemption: a goroutine ran more than 2 time'
	e2e_check "warnings: (and the others)" e2e_wait_re 'while P0 idle 8 ticks: a P.s local queue waited'
	e2e_keys q
	ends_clean "warnings: q" 0
}

# ---- gsched go: a real Go program --------------------------------------------------

# go_bin: build tests/e2e/gowork.go once into $E2E_DIR/gowork.bin; false
# (after saying SKIP and why) where go is not installed or cannot build it.
go_bin() {
	GO_BIN=$E2E_DIR/gowork.bin
	[ -x "$GO_BIN" ] && return 0
	if ! command -v go >/dev/null 2>&1; then
		echo "# SKIP $1: go is not installed (tools/install-deps --with-go installs it)"
		return 1
	fi
	src=$(cd "$(dirname "$0")" && pwd)/gowork.go
	mkdir -p "$E2E_DIR/gowork" "$E2E_DIR/gocache"
	cp "$src" "$E2E_DIR/gowork/main.go" &&
		printf 'module gowork\n\ngo 1.19\n' >"$E2E_DIR/gowork/go.mod" || return 1
	if ! (cd "$E2E_DIR/gowork" && GOCACHE=${GOCACHE:-$E2E_DIR/gocache} GOFLAGS=-mod=mod \
		go build -o "$GO_BIN" .) >"$E2E_DIR/gobuild.log" 2>&1; then
		e2e_not_ok "$1: go build tests/e2e/gowork.go" "$(head -n 3 "$E2E_DIR/gobuild.log")"
		return 1
	fi
}

# go_ms_above N: the header's Ms (Go's threads) above N.
go_ms_above() {
	e2e_screen || return 1
	n=$(threads_total)
	[ -n "$n" ] && [ "$n" -gt "$1" ]
}

# go_gone: no process of the Go program left.
go_gone() {
	! pgrep -f "^$GO_BIN" >/dev/null # its own command line, not gsched's
}

# gsched go -- gowork at 80x24: 2 Ps, CPU-bound, sleeping and 6 goroutines
# blocked in read(2); what Go cannot say is said; the scheduler's keys are
# refused; the program's own line is in the log; its exit (status 3) stays
# on screen until q.
t_go_live() {
	go_bin t_go_live || return 0
	e2e_begin 80 24 || { e2e_not_ok "go: a tmux window with a shell"; return 1; }
	e2e_run GOMAXPROCS=2 -- go -- "$GO_BIN" 8 6 ||
		{ e2e_not_ok "go: gsched starts (pid written)"; return 1; }
	e2e_check "go: the title names the format recognised" \
		e2e_wait_row 1 '^ gsched  .*tick [0-9]+ LIVE  Go 1\.[0-9]+'
	e2e_check "go: a row per P, running" e2e_wait_re '^P1 R run  M[0-9]+ '
	e2e_check "go: GOMAXPROCS 2 in the header" e2e_wait_row 2 '^GOMAXPROCS 2  Ms '
	e2e_check "go: threads above GOMAXPROCS while the reads block (Ms > 2 + 6 - 1)" \
		e2e_poll "$E2E_WAIT" go_ms_above 7
	e2e_check "go: the Ms in system calls are listed" e2e_wait_re 'in syscall [6-9]: M[0-9]+:G[0-9]+'
	e2e_check "go: steals are not reported by Go, not 0" e2e_wait_re 'steals: not reported by Go'
	e2e_check "go: the program's own standard error line is in the log" \
		e2e_wait_re 'gowork\.bin: gowork: 6 blockers'
	e2e_check "go: the footer says the scheduler's keys are not for Go" \
		e2e_wait_re '^\? help  q quit  space pause  w \+ - c s b n not for Go'
	e2e_keys +
	e2e_check "go: + says why GOMAXPROCS cannot change" \
		e2e_wait_re "a Go program is shown: GOMAXPROCS would change gsched"
	e2e_check "go: its exit status stays shown" \
		e2e_poll 60 e2e_has_re 'gowork\.bin exited with status 3'
	e2e_check "go: the Ps of its last tick stay" e2e_wait_re '^P1 '
	e2e_keys q
	ends_clean "go: q" 0
	e2e_check "go: no process of the program is left" e2e_poll 5 go_gone
}

# Ctrl-C goes to the program (SIGINT to its group); the view stays on its
# last tick; a second Ctrl-C quits, exit 0.
t_go_ctrl_c() {
	go_bin t_go_ctrl_c || return 0
	e2e_begin 80 24 || { e2e_not_ok "go ^C: a tmux window with a shell"; return 1; }
	e2e_run GOMAXPROCS=2 -- go -- "$GO_BIN" 600 2 ||
		{ e2e_not_ok "go ^C: gsched starts (pid written)"; return 1; }
	e2e_check "go ^C: a P row" e2e_wait_re '^P0 R run'
	e2e_keys C-c
	e2e_check "go ^C: the first Ctrl-C ends the program, the view stays" \
		e2e_wait_re 'gowork\.bin killed by signal 2 \(SIGINT\)'
	e2e_check "go ^C: gsched still runs" e2e_pid_known
	e2e_check "go ^C: no process of the program is left" e2e_poll 5 go_gone
	e2e_keys C-c
	ends_clean "go ^C: the second Ctrl-C" 0
}

# gsched go --from LOG: a saved GODEBUG log with the replay's controls.
t_go_from() {
	go_bin t_go_from || return 0
	log=$E2E_DIR/go-from.log
	GOMAXPROCS=2 GODEBUG=schedtrace=100,scheddetail=1 "$GO_BIN" 2 3 2>"$log" >/dev/null
	e2e_begin 80 24 || { e2e_not_ok "go --from: a tmux window with a shell"; return 1; }
	e2e_run go --from "$log" || { e2e_not_ok "go --from: gsched starts (pid written)"; return 1; }
	e2e_check "go --from: replay x1 and the format in the title" \
		e2e_wait_row 1 'replay x1  Go 1\.'
	e2e_check "go --from: P rows" e2e_wait_re '^P1 [RSI] '
	e2e_check "go --from: it plays to its end" e2e_wait_re 'the end of the recording'
	e2e_keys c
	e2e_check "go --from: c (spawn) is refused" e2e_wait_re 'a Go program is shown'
	e2e_keys q
	ends_clean "go --from: q" 0
}

# A program that does not exist: the message on the plain terminal, exit 2.
t_go_missing() {
	e2e_begin 80 24 || { e2e_not_ok "go missing: a tmux window with a shell"; return 1; }
	e2e_run go -- "$E2E_DIR/no-such-program" ||
		{ e2e_not_ok "go missing: gsched starts (pid written)"; return 1; }
	e2e_check "go missing: exit 2" e2e_wait_exit
	e2e_check "go missing: exit status 2" [ "$e2e_status" = 2 ]
	e2e_check "go missing: the message" e2e_wait_re 'no-such-program: No such file or directory'
	e2e_check "go missing: terminal modes as before" e2e_tty_same
}

# ---- run them ------------------------------------------------------------------------

for t in t_main_view t_plus t_tokens t_syscall_threads t_help t_pause t_small t_small_header \
	t_small_wide t_help_scroll t_quit \
	"t_signal TERM 143" "t_signal HUP 129" "t_signal INT 0" t_ctrl_c t_tstp \
	"t_signal QUIT 131" "t_signal USR1 138" "t_signal USR2 140" "t_signal PIPE 141" \
	"t_signal ILL 132" "t_signal ALRM 142" "t_signal RTMIN 162" \
	t_no_terminal t_winch_storm t_world t_ascii_colour t_views t_glist t_log t_log_filter t_lesson t_lesson_hold t_lesson_fail \
	t_slow_steal t_record_key t_record_option t_replay_step t_rewind t_replay t_config \
	t_config_save t_mouse t_no_mouse t_fkeys t_warnings t_go_live t_go_ctrl_c t_go_from \
	t_go_missing; do
	# E2E_ONLY="t_help t_world": run only those (by function name)
	case " ${E2E_ONLY:-${t%% *}} " in
	*" ${t%% *} "*) ;;
	*) continue ;;
	esac
	$t
	e2e_end
done

e2e_summary
