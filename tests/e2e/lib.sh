# lib.sh - shell functions for the tmux-driven end-to-end tests of the live
# visualizer (tests/e2e/tui.sh sources this file; POSIX sh).
#
# Every test gets its own tmux server (tmux -L <unique socket>, no config file)
# with one fixed-size window, e2e_begin ... e2e_end.  The window runs an
# interactive bash, and gsched is started by typing a line into it, so that it
# runs the way a user runs it: in the foreground of a shell with job control
# (Ctrl-Z and fg work), with the terminal modes that shell leaves.  The line
# records the terminal modes before and after (stty -g), gsched's pid and its
# exit status in files of the test's directory, which the test polls.
#
# Every wait polls (capture-pane) until a pattern shows or a deadline passes;
# no fixed sleep is an assertion.  The deadlines are generous (the machine may
# be loaded): E2E_WAIT seconds, default 15.
#
# Results are TAP-like lines: "ok N - what" or "not ok N - what" followed by
# what was wrong and the last captured screen, each line prefixed with "# |".

E2E_WAIT=${E2E_WAIT:-15}
e2e_n=0      # checks so far
e2e_failed=0 # checks that failed
e2e_idx=0    # tests begun (names sockets and directories)

# ---- setup ----------------------------------------------------------------------

# e2e_init: find tmux, bash and the program; make the scratch directory.  Exits
# 77 (skipped) when tmux or bash is missing, 99 (hard error) when the program
# is not built.
e2e_init() {
	unset TMUX TMUX_PANE # a make check run from inside tmux
	if ! command -v tmux >/dev/null 2>&1; then
		echo "SKIP: tmux is not installed (tools/install-deps installs it);" \
			"the terminal end-to-end tests need it"
		exit 77
	fi
	if ! command -v bash >/dev/null 2>&1; then
		echo "SKIP: bash is not installed; the terminal end-to-end tests" \
			"run gsched from an interactive bash"
		exit 77
	fi
	# make check runs the tests from the top build directory
	E2E_G=${GSCHED:-$PWD/src/gsched}
	case $E2E_G in
	/*) ;;
	*) E2E_G=$PWD/$E2E_G ;;
	esac
	if [ ! -x "$E2E_G" ]; then
		echo "ERROR: no program at $E2E_G (run from the build directory," \
			"after make, or set GSCHED)" >&2
		exit 99
	fi
	# A UTF-8 locale, so the line-drawing path is the one tested (and
	# --ascii has something to turn off); glibc always has C.UTF-8.  Without
	# one, C (gsched then draws in ASCII).  Either way the shell's messages
	# ("Stopped") are not translated.
	E2E_LOCALE=C
	E2E_UTF8=
	if locale -a 2>/dev/null | grep -Eqi '^c\.utf-?8$'; then
		E2E_LOCALE=C.UTF-8
		E2E_UTF8=yes
	fi
	E2E_DIR=$(mktemp -d "${TMPDIR:-/tmp}/gsched-e2e.XXXXXX") || exit 99
	# the tester's own config file (~/.config/gsched/config) is no part of
	# a test; a test that wants one sets XDG_CONFIG_HOME itself
	XDG_CONFIG_HOME=$E2E_DIR/no-config
	export XDG_CONFIG_HOME
	trap 'e2e_end; rm -rf "$E2E_DIR"' EXIT
	trap 'exit 1' HUP INT TERM
}

# tm ARGS...: tmux on this test's own server.
tm() {
	tmux -L "$E2E_SOCK" -f /dev/null "$@"
}

# e2e_begin [COLS ROWS]: a new tmux server with one window (120x40 unless
# given) running an interactive bash with a plain prompt.  Sets D, the test's
# directory.
e2e_begin() {
	e2e_idx=$((e2e_idx + 1))
	# Named after the scratch directory, which mktemp made unique on this
	# machine: a PID alone repeats across PID namespaces that share /tmp (CI's
	# container), and a test must never reach another run's tmux server.
	E2E_SOCK=gsched-e2e-${E2E_DIR##*.}-$e2e_idx
	D=$E2E_DIR/$e2e_idx
	mkdir -p "$D"
	: >"$D/screen"
	e2e_pid=
	# Neither the user's rc files nor history; the locale is exported into
	# the window's environment.
	tm new-session -d -s e2e -x "${1:-120}" -y "${2:-40}" \
		"env PS1='\$ ' HISTFILE= LC_ALL=$E2E_LOCALE bash --norc --noprofile -i" ||
		return 1
	# tmux leaves its socket behind when the server is killed
	E2E_SOCKPATH=$(tm display-message -p '#{socket_path}')
	e2e_wait_re '^\$' || return 1
}

# e2e_end: the server goes, and with it the shell; a gsched still running gets
# SIGHUP from the closed terminal, and SIGKILL if it outlives the test.
e2e_end() {
	[ -n "${E2E_SOCK:-}" ] || return 0
	tm kill-server 2>/dev/null
	[ -S "${E2E_SOCKPATH:-}" ] && rm -f "$E2E_SOCKPATH"
	E2E_SOCKPATH=
	if [ -n "${e2e_pid:-}" ] && kill -0 "$e2e_pid" 2>/dev/null; then
		e2e_poll 5 e2e_pid_gone || kill -KILL "$e2e_pid" 2>/dev/null
	fi
	E2E_SOCK=
	e2e_pid=
}

# ---- running gsched in the window ---------------------------------------------------

# e2e_q WORD: WORD quoted for the shell.
e2e_q() {
	printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

# e2e_run [VAR=value...] [--] ARGS...: type the line that runs gsched with ARGS
# (and the environment VARs) in the window's shell, and wait for its pid.  The
# window's modes as tmux sees them go to $D/modes first (e2e_modes_same); the
# line sources $D/start, which saves the terminal modes in $D/before and
# gsched's pid in $D/pid (sh execs env execs the libtool wrapper execs the
# program: one pid, a direct child of the shell, so job control sees it), then
# $D/finish, which saves gsched's exit status in $D/rc and the modes in
# $D/after.
e2e_run() {
	e2e_prepare "$@" && e2e_type ". $dq/start; e2e_rc=\$?; . $dq/finish" &&
		e2e_wait_pid
}

# e2e_run_job [VAR=value...] [--] ARGS...: as e2e_run, but the line ends with
# gsched, for a job-control test: bash goes on with the rest of a line when its
# job stops, so the test types fg and then e2e_finish itself.
e2e_run_job() {
	e2e_prepare "$@" && e2e_type ". $dq/start" && e2e_wait_pid
}

# e2e_finish: type what e2e_run's line does after gsched (after a fg).
e2e_finish() {
	e2e_type "e2e_rc=\$?; . $dq/finish"
}

e2e_prepare() {
	envs=
	while [ $# -gt 0 ]; do
		case $1 in
		--) shift; break ;;
		*=*) envs="$envs $(e2e_q "$1")"; shift ;;
		*) break ;;
		esac
	done
	args=
	for a in "$@"; do
		args="$args $(e2e_q "$a")"
	done
	rm -f "$D/before" "$D/after" "$D/pid" "$D/rc" "$D/rc.tmp"
	e2e_modes >"$D/modes" || return 1
	dq=$(e2e_q "$D")
	{
		echo "stty -g >$dq/before"
		echo "sh -c 'echo \$\$ >\"\$0\"; exec \"\$@\"' $dq/pid env$envs $(e2e_q "$E2E_G")$args"
	} >"$D/start" &&
	{
		echo "echo \$e2e_rc >$dq/rc.tmp"
		echo "stty -g >$dq/after"
		echo "mv $dq/rc.tmp $dq/rc"
	} >"$D/finish"
}

# e2e_type TEXT: type TEXT and Enter into the window.
e2e_type() {
	tm send-keys -t e2e -l "$1" && tm send-keys -t e2e Enter
}

# e2e_keys KEY...: tmux key names (space is "Space", Esc "Escape").
e2e_keys() {
	tm send-keys -t e2e "$@"
}

e2e_pid_known() {
	[ -s "$D/pid" ] && e2e_pid=$(cat "$D/pid") && [ -n "$e2e_pid" ]
}

# e2e_wait_pid: wait until the started gsched has written its pid.
e2e_wait_pid() {
	e2e_poll "$E2E_WAIT" e2e_pid_known
}

e2e_pid_gone() {
	! kill -0 "$e2e_pid" 2>/dev/null
}

e2e_rc_known() {
	[ -f "$D/rc" ]
}

# e2e_wait_exit: wait until the line has recorded gsched's exit status; sets
# e2e_status.  Returns 1 if gsched is still running at the deadline.
e2e_wait_exit() {
	e2e_poll "$E2E_WAIT" e2e_rc_known || return 1
	e2e_status=$(cat "$D/rc")
	e2e_pid=
}

# e2e_tty_same: the terminal modes after gsched are those from before it.
e2e_tty_same() {
	[ -s "$D/before" ] && [ -s "$D/after" ] && cmp -s "$D/before" "$D/after" && return 0
	echo "# stty -g before: $(cat "$D/before" 2>/dev/null)"
	echo "# stty -g after:  $(cat "$D/after" 2>/dev/null)"
	return 1
}

# The window's modes that a full-screen program changes and must put back, as
# tmux sees them: alternate screen, cursor shown, insert, keypad (cursor keys
# and keypad), mouse reporting, origin, wrap.
E2E_MODES='alt #{alternate_on} cursor #{cursor_flag} insert #{insert_flag}'
E2E_MODES="$E2E_MODES keypad #{keypad_cursor_flag}#{keypad_flag}"
E2E_MODES="$E2E_MODES mouse #{mouse_any_flag}#{mouse_button_flag}#{mouse_standard_flag}"
E2E_MODES="$E2E_MODES origin #{origin_flag} wrap #{wrap_flag}"

e2e_modes() {
	tm display-message -p -t e2e "$E2E_MODES"
}

# e2e_modes_same: the window's modes now are those of the shell's prompt
# before gsched ran (e2e_run saves them).
e2e_modes_same() {
	now=$(e2e_modes)
	[ -n "$now" ] && [ "$now" = "$(cat "$D/modes")" ] && return 0
	echo "# window modes before: $(cat "$D/modes")"
	echo "# window modes after:  $now"
	return 1
}

# ---- the screen ---------------------------------------------------------------------

# e2e_screen: capture the window into $D/screen (plain text, one line a row).
e2e_screen() {
	tm capture-pane -p -t e2e >"$D/screen.tmp" 2>/dev/null &&
		mv "$D/screen.tmp" "$D/screen"
}

# e2e_row N: row N (from 1) of the last capture.
e2e_row() {
	sed -n "${1}p" "$D/screen"
}

# e2e_poll SECONDS CMD...: run CMD every 0.1 s until it succeeds (0) or
# SECONDS pass (1).
e2e_poll() {
	secs=$1
	shift
	end=$(($(date +%s) + secs))
	while :; do
		"$@" && return 0
		[ "$(date +%s)" -lt "$end" ] || break
		sleep 0.1
	done
	"$@"
}

e2e_has_re() {
	e2e_screen && grep -Eq -- "$1" "$D/screen"
}

e2e_has_not_re() {
	e2e_screen && ! grep -Eq -- "$1" "$D/screen"
}

e2e_row_re() {
	e2e_screen && e2e_row "$1" | grep -Eq -- "$2"
}

# e2e_wait_re RE [SECONDS]: some row of the window matches RE (grep -E).
e2e_wait_re() {
	e2e_poll "${2:-$E2E_WAIT}" e2e_has_re "$1"
}

# e2e_wait_gone RE [SECONDS]: no row matches RE.
e2e_wait_gone() {
	e2e_poll "${2:-$E2E_WAIT}" e2e_has_not_re "$1"
}

# e2e_wait_row N RE [SECONDS]: row N matches RE.
e2e_wait_row() {
	e2e_poll "${3:-$E2E_WAIT}" e2e_row_re "$1" "$2"
}

# e2e_wait_main: the main view is up: title, header, a P row and the footer
# (which a status message may precede: a lesson's "press n or PgDn to
# continue" stands there while it waits for a key).
e2e_wait_main() {
	e2e_poll "${1:-$E2E_WAIT}" e2e_is_main
}

e2e_is_main() {
	e2e_screen || return 1
	e2e_row 1 | grep -Eq '^ gsched  .*Hz  tick [0-9]+' &&
		e2e_row 2 | grep -Eq '^GOMAXPROCS [0-9]+  CPUs [0-9]+  ((OS )?threads [0-9]+  )?Ms [0-9]+[ :]' &&
		grep -Eq '^P0 [RSIG] ' "$D/screen" &&
		grep -Eq '^(.*  )?\? help  q quit  space pause' "$D/screen"
}

# e2e_lesson_file NAME LINE...: a lesson script $D/NAME, one LINE a line.
e2e_lesson_file() {
	f=$D/$1
	shift
	printf '%s\n' "$@" >"$f"
}

# e2e_tick: the tick number in the title of the last capture.
e2e_tick() {
	e2e_row 1 | sed -n 's/.*  tick \([0-9][0-9]*\).*/\1/p'
}

# ---- results ------------------------------------------------------------------------

e2e_ok() {
	e2e_n=$((e2e_n + 1))
	echo "ok $e2e_n - $1"
}

# e2e_not_ok WHAT [WHY]: a failed check, with the last captured screen.
e2e_not_ok() {
	e2e_n=$((e2e_n + 1))
	e2e_failed=$((e2e_failed + 1))
	echo "not ok $e2e_n - $1${2:+: $2}"
	if [ -s "$D/screen" ]; then
		echo "# the screen (last capture):"
		sed 's/^/# |/' "$D/screen"
	fi
}

# e2e_check WHAT CMD...: ok if CMD succeeds, not ok (with the screen) if not.
# Returns CMD's result, so a test can stop at its first failure:
#   e2e_check "..." e2e_wait_re '...' || return
e2e_check() {
	what=$1
	shift
	if "$@"; then
		e2e_ok "$what"
		return 0
	fi
	e2e_not_ok "$what"
	return 1
}

# e2e_summary: the totals; the exit status for the script.
e2e_summary() {
	echo "# $((e2e_n - e2e_failed)) passed, $e2e_failed failed"
	[ "$e2e_failed" -eq 0 ]
}

# ---- the event log -------------------------------------------------------------------

# The log view's title: " gsched event log: N lines, showing A-B".
e2e_log_first() {
	e2e_row 1 | sed -n 's/.*event log: [0-9]* lines, showing \([0-9]*\)-.*/\1/p'
}

e2e_log_first_is_not() {
	e2e_screen && a=$(e2e_log_first) && [ -n "$a" ] && [ "$a" != "$1" ]
}

# e2e_log_has RE...: every RE (grep -E) is on some line of the event log.
# The log gains dozens of lines a second and keeps the last thousand, so it is
# read frozen: pause (space), open it (l), and page up from its end (PgUp)
# until each RE is found or its first line is reached; then back to the main
# view, running and following the log (the view must be running when it is
# called).  The lines read are left in $D/log.
e2e_log_has() {
	: >"$D/log"
	e2e_keys Space
	e2e_wait_row 1 ' PAUSED ' || return 1
	e2e_keys l
	e2e_wait_row 1 'event log: [0-9]+ lines, showing [0-9]+-' || return 1
	e2e_keys End
	found=0
	while :; do
		sed '1d;$d' "$D/screen" >>"$D/log"
		found=1
		for re in "$@"; do
			grep -Eq -- "$re" "$D/log" || found=0
		done
		[ $found -eq 1 ] && break
		a=$(e2e_log_first)
		[ -n "$a" ] && [ "$a" -gt 1 ] || break
		e2e_keys PPage
		e2e_poll "$E2E_WAIT" e2e_log_first_is_not "$a" || break
	done
	# End: the log follows its newest line again, in the main view too
	e2e_keys End Escape Space
	e2e_wait_main || return 1
	[ $found -eq 1 ] && return 0
	for re in "$@"; do
		grep -Eq -- "$re" "$D/log" || echo "# not in the event log: $re"
	done
	return 1
}
