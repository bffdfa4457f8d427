/*
 * tui.c - the live visualizer's UI thread (tui.h): options, the terminal,
 * signals, the tick loop and the keys.
 *
 * One thread does everything here.  A tick drains the event rings (always,
 * even paused, so they never overflow), and unless the view is paused feeds
 * the view model a snapshot, the events and sometimes the goroutine list.
 * After every tick and every key the model is rendered into a view_screen and
 * painted (paint.c); curses sends only what changed.  Between ticks the
 * thread waits in wget_wch with a timeout of the time left (at most 100 ms,
 * so a signal's flag is seen soon), which makes keys take effect at once.
 *
 * Signals: SIGINT, SIGTERM and SIGHUP only set a flag the loop reads; SIGTSTP
 * sets one too, and the loop leaves curses mode, stops with SIGSTOP and
 * redraws when continued.  SIGWINCH is ncurses' own (KEY_RESIZE).  Fatal
 * signals restore the terminal from the handler with async-signal-safe calls
 * (tcsetattr of the termios saved before curses started, and the escapes
 * that leave the alternate screen and show the cursor), then die of the
 * signal as they would have.  They are installed before the runtime starts,
 * so the runtime's own SIGSEGV/SIGBUS handler (stack overflows) passes the
 * faults that are not its business on to them.
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

#include "cmd/batch.h"
#include "lesson/lesson.h"
#include "format/parse.h"
#include "live/session.h"
#include "ui/paint.h"
#include "ui/tui.h"
#include "ui/tui_curses.h"
#include "ui/view.h"

#define TENTHS_MAX 600
#define PROCS_MAX 256
#define HZ_MIN 0.5
#define HZ_MAX 50.0
#define HZ_STEP 1.5
#define WAIT_MAX_MS 100              /* longest wait for a key: signal latency */
#define STATUS_NS 5000000000ULL      /* a status message shows this long */
#define GLIST_EVERY_NS 1000000000ULL /* goroutine list when not shown */
#define GLIST_MAX (1 << 20)
#define EVENTS_MAX (1 << 20) /* events drained per tick at the most */
#define HISTORY_TICKS 600
#define LOG_LINES 1000
#define BATCH_LIFE_NS 10000000000LL /* spawned batches come and go */
#define SNAP_MAX_M 0                /* gs_snapshot_new: its default (256) */
#define SNAP_RUNQ 256               /* the whole queue: its kinds are counted exactly */

/* ---- options --------------------------------------------------------------- */

static const char *const tui_longopts[] = { "--delay", "--procs", "--no-color", "--ascii",
	"--projector" };

bool
tui_handles(const char *a)
{
	for (size_t i = 0; i < sizeof tui_longopts / sizeof tui_longopts[0]; i++) {
		size_t n = strlen(tui_longopts[i]);
		if (strncmp(a, tui_longopts[i], n) == 0 && (a[n] == '\0' || a[n] == '='))
			return true;
	}
	return a[0] == '-' && (a[1] == 'd' || a[1] == 'p');
}

void
tui_usage(FILE *f)
{
	fputs("The live visualizer (the default: needs a terminal):\n"
	      "  gsched [-d TENTHS] [-p PROCS] [--no-color] [--ascii] [--projector]\n"
	      "  With no arguments at all it opens the introductory lesson (" TUI_INTRO_LESSON
	      "),\n"
	      "  with options the default mixed workload.\n"
	      "\n"
	      "  -d, --delay TENTHS tenths of a second between ticks (1..600, "
	      "default 1)\n"
	      "  -p, --procs PROCS  GOMAXPROCS at start (1..256, default: the "
	      "runtime's)\n"
	      "      --no-color     no colours (also when NO_COLOR is set and not "
	      "empty)\n"
	      "      --ascii        ASCII only (also when the locale is not UTF-8)\n"
	      "      --projector    fewer panels, larger blocks, high contrast\n"
	      "\n"
	      "Keys: ? or F1 help, q or F10 quit, space pause, . step one tick while\n"
	      "paused, w stop/start the world, + - GOMAXPROCS, 1-9 and 0 (10) set it,\n"
	      "= type it, c s b n spawn cpu/sleep/syscall/netwait goroutines (C S B N:\n"
	      "ten times as many), [ ] slower/faster ticks, p m P and M details (Tab\n"
	      "cycles), g goroutines (s sorts), l event log, Ctrl-L redraw, Esc back.\n"
	      "In a lesson: n or PgDn next step, N or PgUp back a chapter (space pauses\n"
	      "the lesson with the view).\n"
	      "Without a terminal, use --batch.  See gsched(1).\n",
	    f);
}

/* A usage error: fmt has one %s for a. */
static int
tui_uerr(const char *fmt, const char *a)
{
	char msg[256];

	snprintf(msg, sizeof msg, fmt, a);
	return batch_usage_error(msg);
}

/* Whether the locale (set from the environment) writes UTF-8. */
static bool
locale_is_utf8(void)
{
	const char *cs;

	setlocale(LC_ALL, "");
	cs = nl_langinfo(CODESET);
	return cs != NULL && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

int
tui_parse(int argc, char **argv, tui_opts *o)
{
	const char *nc = getenv("NO_COLOR");

	memset(o, 0, sizeof *o);
	o->tenths = 1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = NULL;
		char name[16];
		size_t ln = strcspn(a, "=");

		snprintf(name, sizeof name, "%.*s", (int)(ln < 15 ? ln : 15), a);
		if (strcmp(a, "--no-color") == 0) {
			o->no_color = true;
			continue;
		}
		if (strcmp(a, "--ascii") == 0) {
			o->ascii = true;
			continue;
		}
		if (strcmp(a, "--projector") == 0) {
			o->projector = true;
			continue;
		}
		bool d = strcmp(name, "-d") == 0 || strcmp(name, "--delay") == 0 ||
		    (strncmp(a, "-d", 2) == 0 && a[2] != '-');
		bool p = strcmp(name, "-p") == 0 || strcmp(name, "--procs") == 0 ||
		    (strncmp(a, "-p", 2) == 0 && a[2] != '-');
		if (!d && !p) {
			if (a[0] == '-')
				return tui_uerr("unknown option '%s' (the visualizer "
						"takes -d, -p, --no-color, --ascii, "
						"--projector)",
				    a);
			return tui_uerr("unexpected argument '%s'", a);
		}
		/* the value: "--delay=5", "-d5", or the next word */
		if (a[1] == '-' && a[ln] == '=')
			v = a + ln + 1;
		else if (a[1] != '-' && a[2] != '\0')
			v = a + 2;
		else if (a[1] == '-' && a[ln] != '\0')
			return tui_uerr("unknown option '%s'", a);
		else if (i + 1 < argc)
			v = argv[++i];
		if (v == NULL)
			return tui_uerr("option '%s' needs a value", a);
		if (d && !parse_int(v, 1, TENTHS_MAX, &o->tenths))
			return tui_uerr("-d/--delay: '%s' is not a number of tenths of a "
					"second from 1 to 600",
			    v);
		if (p && !parse_int(v, 1, PROCS_MAX, &o->procs))
			return tui_uerr("-p/--procs: '%s' is not a number of Ps from 1 "
					"to 256",
			    v);
	}
	if (nc != NULL && *nc != '\0')
		o->no_color = true;
	if (!locale_is_utf8())
		o->ascii = true;
	return 0;
}

/* ---- signals and the terminal ------------------------------------------------ */

static volatile sig_atomic_t sig_quit; /* SIGINT/SIGTERM/SIGHUP number, or 0 */
static volatile sig_atomic_t sig_tstp; /* Ctrl-Z */
static volatile sig_atomic_t sig_cont; /* continued (after any stop) */
/* the terminal as it was before curses, for the fatal-signal handler */
static struct termios saved_tio;
static volatile sig_atomic_t tio_saved;
static int tty_in_fd = -1, tty_out_fd = -1;

static void
on_quit_signal(int sig)
{
	sig_quit = sig;
}

static void
on_tstp(int sig)
{
	(void)sig;
	sig_tstp = 1;
}

static void
on_cont(int sig)
{
	(void)sig;
	sig_cont = 1;
}

/* Put the terminal back as it was: async-signal-safe calls only. */
static void
restore_tty_raw(void)
{
	static const char esc[] = "\033[?1049l\033[?25h";
	int saved_errno = errno;

	if (tio_saved)
		(void)tcsetattr(tty_in_fd, TCSANOW, &saved_tio);
	if (tty_out_fd >= 0) {
		ssize_t r = write(tty_out_fd, esc, sizeof esc - 1);
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
static volatile sig_atomic_t in_curses;

static void
tui_atexit(void)
{
	if (in_curses)
		restore_tty_raw();
}

static void
install_signals(void)
{
	static const int quit[] = { SIGINT, SIGTERM, SIGHUP };
	static const int fatal[] = { SIGSEGV, SIGBUS, SIGFPE, SIGABRT };
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	/* no SA_RESTART: a wait for a key ends early and the loop sees the flag */
	sa.sa_handler = on_quit_signal;
	for (size_t i = 0; i < sizeof quit / sizeof quit[0]; i++)
		sigaction(quit[i], &sa, NULL);
	sa.sa_handler = on_tstp;
	sigaction(SIGTSTP, &sa, NULL);
	sa.sa_handler = on_cont;
	sigaction(SIGCONT, &sa, NULL);
	sa.sa_handler = on_fatal;
	sa.sa_flags = SA_RESETHAND | SA_ONSTACK;
	for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
		sigaction(fatal[i], &sa, NULL);
	atexit(tui_atexit);
}

/* Why this is no terminal the visualizer can use, or NULL if it is one. */
static const char *
no_terminal_reason(void)
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

static void
no_terminal(const char *why)
{
	fprintf(stderr, "gsched: no terminal (%s); try 'gsched --batch'\n", why);
}

/* ---- the UI state -------------------------------------------------------------- */

enum { QUIT_KEY = 1, QUIT_RUNTIME = 2 };

struct tui {
	tui_opts o;
	const tui_term *term;
	SCREEN *scr;
	session *sess;
	view_model *model;
	view_state v;
	view_screen screen;
	gs_snapshot *snap;
	gs_event *ev;
	int evcap;
	gs_snap_ginfo *gl;
	int glcap;
	int gl_total;          /* goroutines at the last listing */
	uint64_t gl_last_ns;   /* when the list was last taken */
	uint64_t next_tick_ns; /* tui_now() of the next tick */
	bool step;             /* '.': feed one tick although paused */
	bool dirty;            /* the screen needs rendering */
	int procs;             /* GOMAXPROCS as last seen or set */
	int quit;              /* 0 running, QUIT_KEY, QUIT_RUNTIME */
	int npbuf;             /* the '=' prompt's digits */
	char pbuf[4];
	char prompt[96];
	char status[192];
	uint64_t status_until;

	/* The lesson (tui_opts.lesson), or all NULL/0.  Its player is ticked
	 * with the snapshot the model got, on a clock that stands still while
	 * the view is paused. */
	lesson_player *player;
	lesson_output *lout;
	int lstate;           /* lesson_state of the last lesson tick, -1 before */
	int lpassed, lfailed; /* expectations so far */
	uint64_t lclock;      /* the lesson's clock (ns) */
	uint64_t llast;       /* snapshot time of the last lesson tick, 0 none */
	bool lgap;            /* ticks skipped (paused) since that one */
	char lcaption[1024];  /* the caption, copied out of the player */
	char lbar[320];       /* chapter, step, count, what it waits for */
	char lstatus[160];    /* the standing footer message (press n, done) */
};

/* Monotonic nanoseconds for the loop's own timing. */
static uint64_t
tui_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* A transient message in the status line: an error, or a hint. */
static void tui_status(struct tui *t, bool error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
tui_status(struct tui *t, bool error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->status, sizeof t->status, fmt, ap);
	va_end(ap);
	t->v.status = t->status;
	t->v.status_is_error = error;
	t->status_until = tui_now() + STATUS_NS;
	t->dirty = true;
}

/* A key's effect, into the event log. */
static void tui_note(struct tui *t, view_attr attr, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
tui_note(struct tui *t, view_attr attr, const char *fmt, ...)
{
	char buf[192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	view_model_note(t->model, (uint64_t)gs_nanotime(), attr, buf);
	t->dirty = true;
}

static uint64_t
tick_period_ns(const struct tui *t)
{
	return (uint64_t)(1e9 / t->v.tick_hz);
}

/* Drain every event recorded since the last call into t->ev, growing it as
 * live/ticker.c does.  Returns how many; *dropped gets the ring losses. */
static int
drain_events(struct tui *t, uint64_t *dropped)
{
	int nev = 0;

	*dropped = 0;
	for (;;) {
		uint64_t d = 0;
		int n = gs_events_drain(t->ev + nev, t->evcap - nev, &d);

		*dropped += d;
		nev += n > 0 ? n : 0;
		if (nev < t->evcap || t->evcap >= EVENTS_MAX)
			break;
		gs_event *ne = realloc(t->ev, (size_t)t->evcap * 2 * sizeof *ne);
		if (ne == NULL)
			break;
		t->ev = ne;
		t->evcap *= 2;
	}
	return nev;
}

/* The goroutine list, grown to hold them all (up to GLIST_MAX).  The count
 * listed, 0 if it could not be read. */
static int
list_goroutines(struct tui *t)
{
	for (;;) {
		int n = gs_goroutines(t->gl, t->glcap);

		if (n < 0)
			return 0;
		t->gl_total = n;
		if (n <= t->glcap || t->glcap >= GLIST_MAX)
			return n < t->glcap ? n : t->glcap;
		int cap = t->glcap;
		while (cap < n && cap < GLIST_MAX)
			cap *= 2;
		gs_snap_ginfo *ng = realloc(t->gl, (size_t)cap * sizeof *ng);
		if (ng == NULL)
			return t->glcap;
		t->gl = ng;
		t->glcap = cap;
	}
}

/* ---- the lesson ------------------------------------------------------------------ */

/* One line of the player's into the event log (a caption's further lines
 * indented under its first); a failed expectation or step also into the
 * status line. */
static void
tui_lesson_line(struct tui *t, const lesson_line *l)
{
	static const struct {
		view_attr attr;
		const char *prefix;
	} k[] = {
		[LL_SAY] = { VA_CAPTION, "say: " },
		[LL_MARK] = { VA_CAPTION, "== " },
		[LL_EXPECT_OK] = { VA_OK, "ok: " },
		[LL_EXPECT_FAIL] = { VA_WARN, "FAIL: " },
		[LL_MEASURE] = { VA_OK, "measure: " },
		[LL_INFO] = { VA_NORMAL, "lesson: " },
		[LL_ERROR] = { VA_WARN, "error: " },
	};
	int kind = l->kind >= 0 && l->kind <= LL_ERROR ? l->kind : LL_INFO;
	const char *c = l->text;

	for (bool first = true; first || *c; first = false) {
		size_t n = strcspn(c, "\n");
		if (first && (kind == LL_EXPECT_FAIL || kind == LL_ERROR))
			tui_note(t, k[kind].attr, "%sline %d: %.*s", k[kind].prefix, l->line,
			    (int)n, c);
		else
			tui_note(t, k[kind].attr, "%s%.*s%s", first ? k[kind].prefix : "     ",
			    (int)n, c, first && kind == LL_MARK ? " ==" : "");
		c += n + (c[n] == '\n');
	}
	if (kind == LL_EXPECT_FAIL)
		tui_status(t, true, "expectation failed (line %d): %s", l->line, l->text);
	else if (kind == LL_ERROR)
		tui_status(t, true, "lesson step failed (line %d): %s", l->line, l->text);
}

/* The bar above the caption and the standing footer message, from the
 * player's last output.  The step shown counts from 1: the one running (or
 * waiting) now. */
static void
lesson_texts(struct tui *t, const lesson_output *out)
{
	int n;

	if (out->state == LESSON_DONE) {
		snprintf(t->lstatus, sizeof t->lstatus,
		    "lesson finished: %d expectations met, %d failed", out->passed, out->failed);
		snprintf(t->lbar, sizeof t->lbar, "%s  (N or PgUp goes back a chapter, q quits)",
		    t->lstatus);
		return;
	}
	n = snprintf(t->lbar, sizeof t->lbar, "%s%s%sstep %d/%d  %d met, %d failed",
	    out->chapter ? "chapter: " : "", out->chapter ? out->chapter : "",
	    out->chapter ? "  " : "", out->step < out->nsteps ? out->step + 1 : out->nsteps,
	    out->nsteps, out->passed, out->failed);
	t->lstatus[0] = '\0';
	if (out->state == LESSON_WAITING_KEY)
		snprintf(t->lstatus, sizeof t->lstatus, "press n or PgDn to continue");
	if (n > 0 && (size_t)n < sizeof t->lbar) {
		const char *w = out->state == LESSON_WAITING_KEY ? t->lstatus : out->waiting_for;
		if (t->v.paused)
			snprintf(t->lbar + n, sizeof t->lbar - (size_t)n,
			    "  | paused: the lesson waits too (space resumes)");
		else if (w != NULL)
			snprintf(t->lbar + n, sizeof t->lbar - (size_t)n, "  | %s", w);
	}
}

/* Run the lesson's steps due now, with the snapshot the model just got.  The
 * lesson's clock follows the snapshots' but skips the time the view stood
 * paused (a '.' step while paused moves it one tick). */
static void
lesson_tick(struct tui *t)
{
	lesson_output *out = t->lout;
	uint64_t now = t->snap->time_ns, d = t->llast && now > t->llast ? now - t->llast : 0;

	if (t->lgap && d > tick_period_ns(t))
		d = tick_period_ns(t);
	t->lgap = false;
	t->lclock = t->llast ? t->lclock + d : now;
	t->llast = now;
	int state = lesson_player_tick(t->player, t->snap, t->lclock, out);
	for (int i = 0; i < out->nlines; i++)
		tui_lesson_line(t, &out->lines[i]);
	snprintf(t->lcaption, sizeof t->lcaption, "%s", out->caption ? out->caption : "");
	t->v.caption = out->caption ? t->lcaption : NULL;
	t->lpassed = out->passed;
	t->lfailed = out->failed;
	lesson_texts(t, out);
	t->v.lesson_bar = t->lbar;
	/* done: once, and again after N went back and the steps ran anew */
	if (state == LESSON_DONE && (t->lstate != LESSON_DONE || out->nlines > 0))
		tui_note(t, out->failed ? VA_WARN : VA_OK, "%s", t->lstatus);
	t->lstate = state;
}

/* n / PgDn and N / PgUp while a lesson plays.  True if the key was the
 * lesson's.  PgDn and PgUp scroll the views that scroll, as always. */
static bool
tui_lesson_key(struct tui *t, int key, bool fkey)
{
	bool scrolls = t->v.mode == VIEW_HELP || t->v.mode == VIEW_GLIST || t->v.mode == VIEW_LOG;
	bool next = fkey ? key == KEY_NPAGE && !scrolls : key == 'n';
	bool prev = fkey ? key == KEY_PPAGE && !scrolls : key == 'N';

	if (!next && !prev)
		return false;
	if (next && t->lstate == LESSON_DONE) {
		tui_status(t, false,
		    "the lesson has finished: N or PgUp goes back a "
		    "chapter, q quits");
		return true;
	}
	/* n leaves a pause, or skips the wait that runs now: the next step */
	lesson_player_key(t->player, next ? LESSON_KEY_CONTINUE : LESSON_KEY_PREV);
	if (t->v.paused)
		tui_status(t, false,
		    "the lesson is paused with the view: space resumes "
		    "it (. steps a tick)");
	return true;
}

/* One tick: drain; unless paused, snapshot and feed the model. */
static void
tui_tick(struct tui *t, uint64_t now)
{
	uint64_t dropped;
	int nev = drain_events(t, &dropped);
	int ng = 0, err;
	char msg[160];

	while (session_error(t->sess, msg, sizeof msg)) {
		tui_status(t, true, "%s", msg);
		tui_note(t, VA_WARN, "%s", msg);
	}
	if (t->v.paused && !t->step) {
		t->lgap = true; /* the lesson's clock stands still meanwhile */
		return;
	}
	t->step = false;
	if ((err = gs_snapshot_take(t->snap)) != 0) {
		/* the runtime is gone (session_end says why): nothing to show */
		if (err == GS_ENOTRUN)
			t->quit = QUIT_RUNTIME;
		tui_status(t, true, "snapshot: %s", gs_strerror(err));
		return;
	}
	t->procs = t->snap->np;
	if (t->v.mode == VIEW_GLIST || now - t->gl_last_ns >= GLIST_EVERY_NS) {
		ng = list_goroutines(t);
		t->gl_last_ns = now;
	}
	if (view_model_tick(t->model, t->snap, t->ev, nev, dropped, ng ? t->gl : NULL, ng,
		t->gl_total) != 0)
		tui_status(t, true, "out of memory for the view's history");
	if (t->player != NULL)
		lesson_tick(t);
	t->dirty = true;
}

static void
tui_draw(struct tui *t)
{
	getmaxyx(stdscr, t->v.height, t->v.width);
	if (t->v.status != NULL && tui_now() >= t->status_until)
		t->v.status = NULL;
	if (t->v.status == NULL && t->player != NULL && t->lstatus[0]) {
		/* the lesson's standing message: until a transient one replaces it */
		t->v.status = t->lstatus;
		t->v.status_is_error = t->lstate == LESSON_DONE && t->lfailed > 0;
		t->status_until = UINT64_MAX;
	}
	t->v.prompt = t->npbuf >= 0 && t->prompt[0] ? t->prompt : NULL;
	if (view_render(t->model, &t->v, &t->screen) == 0)
		paint(&t->screen);
	doupdate();
	t->dirty = false;
}

/* ---- keys -------------------------------------------------------------------- */

static void
set_procs(struct tui *t, int n)
{
	int old;

	if (n < 1 || n > PROCS_MAX) {
		tui_status(t, true, "GOMAXPROCS must be from 1 to %d", PROCS_MAX);
		return;
	}
	old = session_set_procs(t->sess, n);
	if (old == GS_EBUSY) {
		tui_status(t, true,
		    "GOMAXPROCS cannot change while the world is stopped (w "
		    "starts it)");
	} else if (old < 0) {
		tui_status(t, true, "GOMAXPROCS %d: %s", n, gs_strerror(old));
	} else {
		t->procs = n;
		tui_note(t, VA_BOLD, "GOMAXPROCS %d -> %d", old, n);
	}
}

/* The batch keys: c s b n (and shifted, ten times as many). */
static const struct {
	int key;
	const char *kind;
	int count;
	const char *unit;
} spawn_keys[] = {
	{ 'c', "cpu", 4, "goroutines" },
	{ 's', "sleep", 50, "goroutines" },
	{ 'b', "syscall", 8, "goroutines" },
	{ 'n', "netwait", 20, "reader/writer pairs" },
};

static bool
spawn_key(struct tui *t, int key)
{
	for (size_t i = 0; i < sizeof spawn_keys / sizeof spawn_keys[0]; i++) {
		int mult = 0;

		if (key == spawn_keys[i].key)
			mult = 1;
		else if (key == spawn_keys[i].key - 'a' + 'A')
			mult = 10;
		if (mult == 0)
			continue;
		session_batch b = { spawn_keys[i].kind, spawn_keys[i].count * mult, BATCH_LIFE_NS,
			NULL, 0 };
		int rc = session_spawn(t->sess, &b);
		if (rc == GS_EAGAIN)
			tui_status(t, true,
			    "too many batches waiting to start; try "
			    "again in a moment");
		else if (rc < 0)
			tui_status(t, true, "spawn %s: %s", b.kind, gs_strerror(rc));
		else
			tui_note(t, VA_BOLD, "spawned %d %s %s (for %d s)", b.count, b.kind,
			    spawn_keys[i].unit, (int)(BATCH_LIFE_NS / 1000000000));
		return true;
	}
	return false;
}

static void
toggle_world(struct tui *t)
{
	int rc;

	if (!t->v.world_stopped) {
		rc = session_stop_world(t->sess);
		if (rc == 0) {
			t->v.world_stopped = true;
			tui_note(t, VA_BOLD,
			    "world stopped: no goroutine runs (w "
			    "starts it)");
		} else {
			tui_status(t, true, "stop the world: %s", gs_strerror(rc));
		}
	} else {
		rc = session_start_world(t->sess);
		if (rc == 0) {
			t->v.world_stopped = false;
			tui_note(t, VA_BOLD, "world started again");
		} else {
			tui_status(t, true, "start the world: %s", gs_strerror(rc));
		}
	}
}

static void
change_rate(struct tui *t, bool faster)
{
	double old = t->v.tick_hz, hz = faster ? old * HZ_STEP : old / HZ_STEP;

	if (hz > HZ_MAX)
		hz = HZ_MAX;
	if (hz < HZ_MIN)
		hz = old < HZ_MIN ? old : HZ_MIN;
	if (hz == old) {
		tui_status(t, false,
		    "the tick rate is already at its %s (%.3g a "
		    "second)",
		    faster ? "fastest" : "slowest", old);
		return;
	}
	t->v.tick_hz = hz;
	t->next_tick_ns = tui_now() + tick_period_ns(t);
	tui_note(t, VA_NORMAL, "tick rate %.3g -> %.3g a second", old, hz);
}

/* Tab and arrows in the detail views: the next or previous P or M. */
static void
cycle_focus(struct tui *t, int dir)
{
	const gs_snapshot *s = view_model_snapshot(t->model);

	if (s == NULL)
		return;
	if (t->v.mode == VIEW_PDETAIL && s->np > 0) {
		t->v.focus_p = ((t->v.focus_p + dir) % s->np + s->np) % s->np;
	} else if (t->v.mode == VIEW_MDETAIL && s->nm > 0) {
		int i = 0;
		while (i < s->nm && s->m[i].id != t->v.focus_m)
			i++;
		if (i == s->nm)
			i = dir > 0 ? -1 : 0;
		i = ((i + dir) % s->nm + s->nm) % s->nm;
		t->v.focus_m = s->m[i].id;
	}
}

static void
open_mode(struct tui *t, view_mode mode)
{
	const gs_snapshot *s = view_model_snapshot(t->model);

	if (t->v.mode == mode) {
		t->v.mode = VIEW_MAIN;
		return;
	}
	t->v.mode = mode;
	t->v.scroll = 0;
	if (mode == VIEW_PDETAIL && s != NULL && (t->v.focus_p >= s->np || t->v.focus_p < 0))
		t->v.focus_p = 0;
	if (mode == VIEW_MDETAIL && s != NULL && s->nm > 0) {
		int i = 0;
		while (i < s->nm && s->m[i].id != t->v.focus_m)
			i++;
		if (i == s->nm)
			t->v.focus_m = s->m[0].id;
	}
	if (mode == VIEW_GLIST)
		t->gl_last_ns = 0; /* list them at the next tick */
	if (mode == VIEW_LOG)
		t->v.scroll = INT_MAX; /* the newest lines */
}

/* Scrolling the help, the lists and the log, within what the view can show.
 * The log follows its tail (a scroll past the end) until scrolled up. */
static void
scroll_by(struct tui *t, int d)
{
	int max = view_scroll_max(t->model, &t->v);
	long s = (long)(t->v.scroll < max ? t->v.scroll : max) + d;

	if (s < 0)
		s = 0;
	if (s >= max)
		s = t->v.mode == VIEW_LOG ? INT_MAX : max;
	t->v.scroll = (int)s;
}

/* The '=' prompt owns the keyboard until Enter or Esc. */
static void
prompt_key(struct tui *t, int key)
{
	if (key >= '0' && key <= '9') {
		if (t->npbuf < 3)
			t->pbuf[t->npbuf++] = (char)key;
	} else if (key == KEY_BACKSPACE || key == 127 || key == 8) {
		if (t->npbuf > 0)
			t->npbuf--;
	} else if (key == '\n' || key == '\r' || key == KEY_ENTER) {
		int n = 0;
		t->pbuf[t->npbuf] = '\0';
		t->prompt[0] = '\0';
		if (t->npbuf == 0 || !parse_int(t->pbuf, 1, PROCS_MAX, &n))
			tui_status(t, true, "GOMAXPROCS: '%s' is not a number from 1 to %d",
			    t->pbuf, PROCS_MAX);
		else
			set_procs(t, n);
		t->npbuf = -1;
		return;
	} else if (key == 27) {
		t->prompt[0] = '\0';
		t->npbuf = -1;
		return;
	}
	t->pbuf[t->npbuf] = '\0';
	snprintf(t->prompt, sizeof t->prompt, "GOMAXPROCS (1-%d, Enter sets, Esc cancels): %s_",
	    PROCS_MAX, t->pbuf);
}

static void
tui_key(struct tui *t, int key, bool fkey)
{
	int page = t->v.height > 6 ? t->v.height - 4 : 1;

	t->dirty = true;
	if (fkey && key == KEY_RESIZE) {
		paint_invalidate(); /* tui_draw reads the new size */
		return;
	}
	/* a message lasts until it expires or the next key, which may bring
	 * its own */
	t->v.status = NULL;
	if (t->npbuf >= 0) {
		prompt_key(t, key);
		return;
	}
	if (t->player != NULL && tui_lesson_key(t, key, fkey))
		return;
	if (fkey) {
		switch (key) {
		case KEY_F(1):
			open_mode(t, VIEW_HELP);
			return;
		case KEY_F(10):
			t->quit = QUIT_KEY;
			return;
		case KEY_BTAB:
		case KEY_LEFT:
			cycle_focus(t, -1);
			return;
		case KEY_RIGHT:
			cycle_focus(t, 1);
			return;
		case KEY_UP:
		case KEY_DOWN:
			if (t->v.mode == VIEW_PDETAIL || t->v.mode == VIEW_MDETAIL)
				cycle_focus(t, key == KEY_UP ? -1 : 1);
			else
				scroll_by(t, key == KEY_UP ? -1 : 1);
			return;
		case KEY_PPAGE:
			scroll_by(t, -page);
			return;
		case KEY_NPAGE:
			scroll_by(t, page);
			return;
		case KEY_HOME:
			t->v.scroll = 0;
			return;
		case KEY_END:
			scroll_by(t, 1 << 30);
			return;
		default:
			return;
		}
	}
	if (t->v.mode == VIEW_GLIST && key == 's') {
		t->v.gsort = (view_gsort)((t->v.gsort + 1) % 3);
		return;
	}
	if (spawn_key(t, key))
		return;
	if (key >= '1' && key <= '9') {
		set_procs(t, key - '0');
		return;
	}
	switch (key) {
	case 'q':
	case 3: /* Ctrl-C, should the terminal send it as a key */
		t->quit = QUIT_KEY;
		break;
	case '?':
		open_mode(t, VIEW_HELP);
		break;
	case ' ':
		t->v.paused = !t->v.paused;
		if (t->player != NULL && t->lstate >= 0)
			lesson_texts(t, t->lout); /* says the lesson is paused too */
		break;
	case '.':
		if (!t->v.paused) {
			tui_status(t, false,
			    "'.' steps one tick while paused (space "
			    "pauses)");
		} else {
			t->step = true;
			t->next_tick_ns = tui_now();
		}
		break;
	case 'w':
		toggle_world(t);
		break;
	case '0':
		set_procs(t, 10);
		break;
	case '+':
		set_procs(t, t->procs + 1);
		break;
	case '-':
		set_procs(t, t->procs - 1);
		break;
	case '=':
		t->npbuf = 0;
		prompt_key(t, 0);
		break;
	case '[':
	case ']':
		change_rate(t, key == ']');
		break;
	case 'p':
		open_mode(t, VIEW_PDETAIL);
		break;
	case 'm':
		open_mode(t, VIEW_MDETAIL);
		break;
	case 'g':
		open_mode(t, VIEW_GLIST);
		break;
	case 'l':
		open_mode(t, VIEW_LOG);
		break;
	case '\t':
		cycle_focus(t, 1);
		break;
	case 12: /* Ctrl-L */
		clearok(curscr, TRUE);
		paint_invalidate();
		break;
	case 27: /* Esc */
		if (t->v.mode != VIEW_MAIN)
			t->v.mode = VIEW_MAIN;
		else
			t->v.status = NULL;
		break;
	default:
		break;
	}
}

/* ---- the loop ------------------------------------------------------------------ */

/* Ctrl-Z: leave curses mode, stop, and come back redrawn (the size may have
 * changed meanwhile). */
static void
tui_suspend(struct tui *t)
{
	struct winsize ws;

	sig_tstp = 0;
	endwin();
	in_curses = 0;
	raise(SIGSTOP);
	/* continued */
	in_curses = 1;
	sig_cont = 0;
	if (ioctl(tty_out_fd, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	clearok(curscr, TRUE);
	paint_invalidate();
	t->dirty = true;
}

static int
tui_loop(struct tui *t)
{
	uint64_t start = tui_now();

	t->next_tick_ns = start;
	while (!t->quit && !sig_quit) {
		uint64_t now = tui_now();

		if (t->term->seconds > 0 && (double)(now - start) >= t->term->seconds * 1e9)
			break;
		if (sig_tstp)
			tui_suspend(t);
		if (sig_cont) {
			sig_cont = 0;
			clearok(curscr, TRUE);
			paint_invalidate();
			t->dirty = true;
		}
		if (now >= t->next_tick_ns) {
			tui_tick(t, now);
			t->next_tick_ns += tick_period_ns(t);
			if (t->next_tick_ns <= now)
				t->next_tick_ns = now + tick_period_ns(t);
		}
		if (t->v.status != NULL && now >= t->status_until)
			t->dirty = true;
		if (t->dirty)
			tui_draw(t);

		uint64_t left = t->next_tick_ns > now ? t->next_tick_ns - now : 0;
		int ms = (int)((left + 999999) / 1000000);
		wint_t wc;

		wtimeout(stdscr, ms < WAIT_MAX_MS ? ms : WAIT_MAX_MS);
		int r = wget_wch(stdscr, &wc);
		if (r == OK)
			tui_key(t, (int)wc, false);
		else if (r == KEY_CODE_YES)
			tui_key(t, (int)wc, true);
	}
	return 0;
}

static void
tui_free(struct tui *t)
{
	view_screen_free(&t->screen);
	view_model_free(t->model);
	gs_snapshot_free(t->snap);
	free(t->ev);
	free(t->gl);
	free(t->lout);
}

int
tui_run(const tui_opts *o, const tui_term *term)
{
	struct tui t;
	char err[256];
	int status = 0;

	memset(&t, 0, sizeof t);
	t.o = *o;
	t.term = term;
	t.npbuf = -1;
	t.v.ascii = o->ascii;
	t.v.mono = o->no_color;
	t.v.projector = o->projector;
	t.v.tick_hz = 10.0 / o->tenths;
	t.v.time_scale = o->lesson && o->time_scale > 0 ? o->time_scale : 1;
	t.lstate = -1;
	t.evcap = 4096;
	t.glcap = 1024;
	t.model = view_model_new(HISTORY_TICKS, LOG_LINES);
	t.snap = gs_snapshot_new(SNAP_MAX_M, SNAP_RUNQ);
	t.ev = malloc((size_t)t.evcap * sizeof *t.ev);
	t.gl = malloc((size_t)t.glcap * sizeof *t.gl);
	if (o->lesson != NULL)
		t.lout = malloc(sizeof *t.lout);
	if (t.model == NULL || t.snap == NULL || t.ev == NULL || t.gl == NULL ||
	    (o->lesson != NULL && t.lout == NULL) || view_screen_init(&t.screen, 80, 24) != 0) {
		fputs("gsched: out of memory\n", stderr);
		tui_free(&t);
		return 1;
	}

	if (term->interactive) {
		tty_in_fd = fileno(term->in);
		tty_out_fd = fileno(term->out);
		if (tcgetattr(tty_in_fd, &saved_tio) == 0)
			tio_saved = 1;
		install_signals();
	}
	t.scr = newterm(term->type, term->out, term->in);
	if (t.scr == NULL) {
		const char *ty = term->type ? term->type : getenv("TERM");
		snprintf(err, sizeof err, "TERM=%s is not a terminal curses knows", ty ? ty : "");
		no_terminal(err);
		tui_free(&t);
		return 2;
	}
	in_curses = 1;
	/* a terminal that cannot move the cursor (dumb, hardcopy) cannot show
	 * a screen */
	{
		char *cup = tigetstr("cup");
		if (cup == NULL || cup == (char *)-1) {
			const char *ty = term->type ? term->type : getenv("TERM");
			endwin();
			delscreen(t.scr);
			in_curses = 0;
			snprintf(err, sizeof err, "TERM=%s cannot move the cursor", ty ? ty : "");
			no_terminal(err);
			tui_free(&t);
			return 2;
		}
	}
	if (term->rows > 0 && term->cols > 0)
		resizeterm(term->rows, term->cols);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	intrflush(stdscr, FALSE);
	set_escdelay(25);
	curs_set(0);
	t.v.mono = !paint_setup(o->no_color, o->projector);

	/* the runtime, after the terminal checks; a lesson brings its own
	 * workloads instead of the default mix */
	session_opts so = { o->procs, o->lesson == NULL, true };
	t.sess = session_start(&so, err, sizeof err);
	if (t.sess != NULL && o->lesson != NULL) {
		lesson_player_opts po = { t.v.time_scale, false };
		if ((t.player = lesson_player_new(o->lesson, t.sess, &po)) == NULL) {
			session_end(t.sess, err, sizeof err);
			t.sess = NULL;
			snprintf(err, sizeof err, "out of memory");
		}
	}
	if (t.sess == NULL) {
		endwin();
		delscreen(t.scr);
		in_curses = 0;
		fprintf(stderr, "gsched: %s\n", err);
		tui_free(&t);
		return 1;
	}
	t.procs = gs_gomaxprocs();
	tui_note(&t, VA_NORMAL, "gsched: GOMAXPROCS %d on %d CPUs; press ? for help", t.procs,
	    gs_numcpu());
	if (o->lesson != NULL) {
		const lesson_program *g = o->lesson;
		t.v.lesson = g->title ? g->title : g->name;
		tui_note(&t, VA_CAPTION, "lesson: n or PgDn goes on, N or PgUp back");
	}

	tui_loop(&t);

	endwin();
	in_curses = 0;
	delscreen(t.scr);
	lesson_player_free(t.player); /* before its session ends (lesson.h) */
	t.player = NULL;
	if (session_end(t.sess, err, sizeof err) != 0) {
		fprintf(stderr, "gsched: %s\n", err);
		status = 1;
	} else if (t.quit == QUIT_RUNTIME) {
		fprintf(stderr, "gsched: the runtime stopped under the visualizer\n");
		status = 1;
	}
	if (term->last != NULL && t.screen.cells != NULL &&
	    view_screen_init(term->last, t.screen.width, t.screen.height) == 0)
		memcpy(term->last->cells, t.screen.cells,
		    (size_t)t.screen.width * (size_t)t.screen.height * sizeof *t.screen.cells);
	if (o->lesson != NULL) {
		/* the lesson's account, on the restored terminal (as --batch ends) */
		printf("lesson %s: %d expectations, %d passed, %d failed%s\n", o->lesson->name,
		    t.lpassed + t.lfailed, t.lpassed, t.lfailed,
		    t.lstate == LESSON_DONE ? "" : " (quit before its end)");
		fflush(stdout);
		if (status == 0 && t.lfailed > 0)
			status = 1;
	}
	tui_free(&t);
	/* SIGINT is how a terminal says quit: exit 0 as q does */
	if (sig_quit && sig_quit != SIGINT)
		status = 128 + sig_quit;
	return status;
}

int
tui_main(int argc, char **argv)
{
	tui_opts o;
	const char *why;
	int rc;

	if ((rc = tui_parse(argc, argv, &o)) != 0)
		return rc;
	if ((why = no_terminal_reason()) != NULL) {
		no_terminal(why);
		return 2;
	}
	tui_term t = { stdin, stdout, NULL, 0, 0, 0, true, NULL };
	lesson_program *intro = NULL;
	if (argc < 2) {
		/* no arguments at all: the introductory lesson, when this install
		 * has it; otherwise (or with any option) the default mixed workload */
		char path[PATH_MAX + 32], err[1024];
		if (lesson_resolve(TUI_INTRO_LESSON, path, sizeof path, err, sizeof err) == 0 &&
		    lesson_load(path, &intro, err, sizeof err) == 0)
			o.lesson = intro;
	}
	rc = tui_run(&o, &t);
	lesson_program_free(intro);
	return rc;
}

/* `gsched LESSON` on a terminal (lesson.h; lesson_main checked stdout). */
int
tui_play_lesson(const lesson_program *prog, double time_scale)
{
	char *argv[] = { "gsched", NULL };
	tui_opts o;
	const char *why;

	tui_parse(1, argv, &o); /* no options: NO_COLOR and the locale only */
	o.lesson = prog;
	o.time_scale = time_scale;
	if ((why = no_terminal_reason()) != NULL) {
		no_terminal(why);
		return 2;
	}
	tui_term t = { stdin, stdout, NULL, 0, 0, 0, true, NULL };
	return tui_run(&o, &t);
}
