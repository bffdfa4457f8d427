/*
 * tui.c - the live visualizer's UI thread (tui.h): its state and its loop.
 *
 * One thread does everything here.  A tick drains the event rings (always,
 * even paused, so they never overflow), and unless the view is paused feeds
 * the view model a snapshot, the events and sometimes the goroutine list.
 * After every tick and every key the model is rendered into a view_screen and
 * painted (paint.c); curses sends only what changed.  Between ticks the
 * thread waits in wget_wch with a timeout of the time left (at most 100 ms,
 * so a signal's flag is seen soon), which makes keys take effect at once.
 * The options are in tui_options.c, the terminal and signals in tui_term.c,
 * the lesson in tui_lesson.c and the keys in tui_keys.c.
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

/* Monotonic nanoseconds for the loop's own timing. */
uint64_t
tui__now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* A transient message in the status line: an error, or a hint. */
void
tui__status(struct tui *t, bool error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->status, sizeof t->status, fmt, ap);
	va_end(ap);
	t->v.status = t->status;
	t->v.status_is_error = error;
	t->status_until = tui__now() + STATUS_NS;
	t->dirty = true;
}

/* A key's effect, into the event log. */
void
tui__note(struct tui *t, view_attr attr, const char *fmt, ...)
{
	char buf[192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	view_model_note(t->model, (uint64_t)gs_nanotime(), attr, buf);
	t->dirty = true;
}

uint64_t
tui__tick_period_ns(const struct tui *t)
{
	return (uint64_t)(1e9 / t->v.tick_hz);
}

/* Drain every event recorded since the last call into t->ev, growing it as
 * live/ticker.c does.  Returns how many; *dropped gets the ring losses. */
int
tui__drain_events(struct tui *t, uint64_t *dropped)
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
int
tui__list_goroutines(struct tui *t)
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

/* ---- the loop ------------------------------------------------------------------ */

/* Ctrl-Z: leave curses mode, stop, and come back redrawn (the size may have
 * changed meanwhile). */
static void
tui_suspend(struct tui *t)
{
	struct winsize ws;

	tui__sig_tstp = 0;
	endwin();
	tui__in_curses = 0;
	raise(SIGSTOP);
	/* continued */
	tui__in_curses = 1;
	tui__sig_cont = 0;
	if (ioctl(tui__tty_out_fd, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	clearok(curscr, TRUE);
	paint_invalidate();
	t->dirty = true;
}

static int
tui_loop(struct tui *t)
{
	uint64_t start = tui__now();

	t->next_tick_ns = start;
	while (!t->quit && !tui__sig_quit) {
		uint64_t now = tui__now();

		if (t->term->seconds > 0 && (double)(now - start) >= t->term->seconds * 1e9)
			break;
		if (tui__sig_tstp)
			tui_suspend(t);
		if (tui__sig_cont) {
			tui__sig_cont = 0;
			clearok(curscr, TRUE);
			paint_invalidate();
			t->dirty = true;
		}
		if (now >= t->next_tick_ns) {
			tui__tick(t, now);
			t->next_tick_ns += tui__tick_period_ns(t);
			if (t->next_tick_ns <= now)
				t->next_tick_ns = now + tui__tick_period_ns(t);
		}
		if (t->v.status != NULL && now >= t->status_until)
			t->dirty = true;
		if (t->dirty)
			tui__draw(t);

		uint64_t left = t->next_tick_ns > now ? t->next_tick_ns - now : 0;
		int ms = (int)((left + 999999) / 1000000);
		wint_t wc;

		wtimeout(stdscr, ms < WAIT_MAX_MS ? ms : WAIT_MAX_MS);
		int r = wget_wch(stdscr, &wc);
		if (r == OK)
			tui__key(t, (int)wc, false);
		else if (r == KEY_CODE_YES)
			tui__key(t, (int)wc, true);
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
		tui__tty_in_fd = fileno(term->in);
		tui__tty_out_fd = fileno(term->out);
		if (tcgetattr(tui__tty_in_fd, &tui__saved_tio) == 0)
			tui__tio_saved = 1;
		tui__install_signals();
	}
	t.scr = newterm(term->type, term->out, term->in);
	if (t.scr == NULL) {
		const char *ty = term->type ? term->type : getenv("TERM");
		snprintf(err, sizeof err, "TERM=%s is not a terminal curses knows", ty ? ty : "");
		tui__no_terminal(err);
		tui_free(&t);
		return 2;
	}
	tui__in_curses = 1;
	/* a terminal that cannot move the cursor (dumb, hardcopy) cannot show
	 * a screen */
	{
		char *cup = tigetstr("cup");
		if (cup == NULL || cup == (char *)-1) {
			const char *ty = term->type ? term->type : getenv("TERM");
			endwin();
			delscreen(t.scr);
			tui__in_curses = 0;
			snprintf(err, sizeof err, "TERM=%s cannot move the cursor", ty ? ty : "");
			tui__no_terminal(err);
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
		tui__in_curses = 0;
		fprintf(stderr, "gsched: %s\n", err);
		tui_free(&t);
		return 1;
	}
	t.procs = gs_gomaxprocs();
	tui__note(&t, VA_NORMAL, "gsched: GOMAXPROCS %d on %d CPUs; press ? for help", t.procs,
	    gs_numcpu());
	if (o->lesson != NULL) {
		const lesson_program *g = o->lesson;
		t.v.lesson = g->title ? g->title : g->name;
		tui__note(&t, VA_CAPTION, "lesson: n or PgDn goes on, N or PgUp back");
	}

	tui_loop(&t);

	endwin();
	tui__in_curses = 0;
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
	if (tui__sig_quit && tui__sig_quit != SIGINT)
		status = 128 + tui__sig_quit;
	return status;
}

int
tui_main(const tui_opts *o)
{
	const char *why;

	if ((why = tui__no_terminal_reason()) != NULL) {
		tui__no_terminal(why);
		return 2;
	}
	tui_term t = { stdin, stdout, NULL, 0, 0, 0, true, NULL };
	return tui_run(o, &t);
}
