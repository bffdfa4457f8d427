/*
 * tui_term.c - the terminal and the signals of the visualizer.
 *
 * Signals: SIGINT, SIGTERM and SIGHUP are the program's stop signals
 * (format/tick.h: a note the loop reads, the recording finished); SIGTSTP
 * sets a flag too, and the loop leaves curses mode, stops with SIGSTOP and
 * redraws when continued.  SIGWINCH is ncurses' own (KEY_RESIZE).  Every
 * other signal that would end the process restores the terminal from the
 * handler with async-signal-safe calls
 * (tcsetattr of the termios saved before curses started, and the escapes
 * that leave the alternate screen and show the cursor), then die of the
 * signal as they would have.  They are installed before the runtime starts,
 * so the runtime's own SIGSEGV/SIGBUS handler (stack overflows) passes the
 * faults that are not its business on to them.  The runtime's own fatal
 * errors call gs_set_fatal_hook's hook, which restores it the same way.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gsched.h>
#include <gsched/observe.h>

#include <errno.h>
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "lesson/lesson.h"
#include "format/parse.h"
#include "live/session.h"
#include "ui/paint.h"
#include "ui/tui.h"
#include "ui/tui_state.h"
#include "ui/tui_curses.h"
#include "ui/view.h"

/* ---- signals and the terminal ------------------------------------------------ */

volatile sig_atomic_t tui__sig_tstp; /* Ctrl-Z */
volatile sig_atomic_t tui__sig_cont; /* continued (after any stop) */
/* the terminal as it was before curses, for the fatal-signal handler */
struct termios tui__saved_tio;
volatile sig_atomic_t tui__tio_saved;
int tui__tty_in_fd = -1, tui__tty_out_fd = -1;

static void
on_tstp(int sig)
{
	(void)sig;
	tui__sig_tstp = 1;
}

static void
on_cont(int sig)
{
	(void)sig;
	tui__sig_cont = 1;
}

/* Put the terminal back as it was: async-signal-safe calls only. */
static void
restore_tty_raw(void)
{
	/* leave the alternate screen, show the cursor, keypad and mouse
	 * reporting off (what endwin and the mouse setup would undo) */
	static const char esc[] = "\033[?1049l\033[?25h\033[?1l\033>"
				  "\033[?1000l\033[?1002l\033[?1003l\033[?1006l";
	int saved_errno = errno;

	if (tui__tio_saved)
		(void)tcsetattr(tui__tty_in_fd, TCSANOW, &tui__saved_tio);
	if (tui__tty_out_fd >= 0) {
		ssize_t r = write(tui__tty_out_fd, esc, sizeof esc - 1);
		(void)r;
	}
	errno = saved_errno;
}

static void
on_fatal(int sig)
{
	restore_tty_raw();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* exit() from anywhere (a runtime thread giving up, say) while curses runs */
volatile sig_atomic_t tui__in_curses;

static void
tui_atexit(void)
{
	if (tui__in_curses)
		restore_tty_raw();
}

/* The runtime's fatal errors end the process with _exit or abort from any
 * thread: it calls this first (gs_set_fatal_hook), so its message is
 * printed on the restored terminal. */
static void
on_runtime_fatal(void)
{
	if (tui__in_curses)
		restore_tty_raw();
}

void
tui__install_signals(void)
{
	/* Every signal whose default action ends the process, but those the
	 * loop handles (above), SIGURG (the runtime's preemption) and SIGKILL
	 * and SIGSTOP (which cannot be caught).  SIGPIPE is ignored instead
	 * where stdout is no terminal (main.c). */
	static const int fatal[] = {
		SIGSEGV,
		SIGBUS,
		SIGFPE,
		SIGABRT,
		SIGILL,
		SIGTRAP,
		SIGSYS,
		SIGQUIT,
		SIGUSR1,
		SIGUSR2,
		SIGPIPE,
		SIGALRM,
		SIGVTALRM,
		SIGPROF,
		SIGXCPU,
		SIGXFSZ,
		SIGIO,
#ifdef SIGPWR
		SIGPWR,
#endif
#ifdef SIGSTKFLT
		SIGSTKFLT,
#endif
	};
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	/* no SA_RESTART: a wait for a key ends early and the loop sees the flag */
	tick_stop_catch(false);
	sa.sa_handler = on_tstp;
	sigaction(SIGTSTP, &sa, NULL);
	sa.sa_handler = on_cont;
	sigaction(SIGCONT, &sa, NULL);
	sa.sa_handler = on_fatal;
	sa.sa_flags = SA_RESETHAND | SA_ONSTACK;
	for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++) {
		struct sigaction old;
		/* one the program ignores (SIGPIPE without a terminal) stays so */
		if (sigaction(fatal[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue;
		sigaction(fatal[i], &sa, NULL);
	}
	for (int sig = SIGRTMIN; sig <= SIGRTMAX; sig++) {
		struct sigaction old;
		if (sigaction(sig, NULL, &old) == 0 && old.sa_handler == SIG_DFL)
			sigaction(sig, &sa, NULL);
	}
	atexit(tui_atexit);
	gs_set_fatal_hook(on_runtime_fatal);
}

/* Why this is no terminal the visualizer can use, or NULL if it is one. */
const char *
tui__no_terminal_reason(void)
{
	const char *term = getenv("TERM");

	if (!isatty(STDIN_FILENO))
		return "stdin is not a terminal";
	if (!isatty(STDOUT_FILENO))
		return "stdout is not a terminal";
	if (term == NULL || *term == '\0')
		return "TERM is not set or empty";
	return NULL;
}

void
tui__no_terminal(const char *why)
{
	fprintf(stderr, "gsched: no terminal (%s); try 'gsched --batch'\n", why);
}
