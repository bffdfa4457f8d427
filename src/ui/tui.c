/*
 * tui.c - the live visualizer's UI thread (tui.h): its state and its loop.
 *
 * One thread does everything here, inside the ticker's loop (live/ticker.h):
 * the ticker owns the schedule, the snapshot and the event buffer; this file
 * is its wait and its sink.  Between ticks the wait renders the model into a
 * view_screen, paints it (paint.c; curses sends only what changed) and waits
 * in wget_wch with a timeout of the time left (at most 100 ms, so a signal's
 * flag is seen soon), which makes keys take effect at once.  At a deadline it
 * asks for a tick, paused or not: a paused view shows a tick of the past
 * (tui_rewind.c) while the ticks go on into the rewind's history.  The sink
 * feeds the view model the snapshot, the events and sometimes the goroutine
 * list, and keeps the tick in that history.  A recording (--replay) is read
 * into the same history first and played by tui_rewind.c's loop instead.
 * The options are in tui_options.c, the terminal and signals in tui_term.c,
 * the lesson in tui_lesson.c and the keys in tui_keys.c.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gsched.h>
#include <gsched/observe.h>

#include <errno.h>
#include <fcntl.h>
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

/* Monotonic nanoseconds for the loop's own timing: the runtime's clock
 * (gs_nanotime works whether or not the runtime runs, as in a replay), so
 * the loop's times and the snapshots' compare directly. */
uint64_t
tui__now(void)
{
	return (uint64_t)gs_nanotime();
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
	char buf[2 * VIEW_LOG_TEXT]; /* the model cuts a longer note at a character */
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	uint64_t now = (uint64_t)gs_nanotime() + (uint64_t)t->clock_offset_ns;
	view_model_note(t->model, now, attr, buf);
	/* the rewind rebuilds the log with it */
	if (t->tl != NULL)
		timeline_note(t->tl, now, attr, buf);
	/* the log on screen is the past's: say it where it shows */
	if (t->at >= 0 && t->at < timeline_last(t->tl) && t->v.status == NULL)
		tui__status(t, false, "%s (End shows it live)", buf);
	t->dirty = true;
}

uint64_t
tui__tick_period_ns(const struct tui *t)
{
	return (uint64_t)(1e9 / t->v.tick_hz);
}

/* The goroutine list, grown to hold them all (up to GLIST_MAX).  The count
 * listed, 0 if it could not be read. */
int
tui__list_goroutines(struct tui *t)
{
	for (;;) {
		bool timed = gs_accounting_enabled();
		int n = gs_goroutines(t->gl, t->glcap);

		if (n < 0)
			return 0;
		t->gl_total = n;
		/* figures of a list read while accounting went on or off are
		 * partly zeros that mean "not counted" */
		t->gl_timed = timed && gs_accounting_enabled();
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

/* Ctrl-Z, fg and the rest: what the signal handlers flagged. */
void
tui__poll_signals(struct tui *t)
{
	if (tui__sig_tstp)
		tui_suspend(t);
	if (tui__sig_cont) {
		tui__sig_cont = 0;
		clearok(curscr, TRUE);
		paint_invalidate();
		t->dirty = true;
	}
}

bool
tui__loop_done(struct tui *t, uint64_t now)
{
	if (t->quit || tick_stop_signal() != 0)
		return true;
	if (t->term->seconds > 0 && (double)(now - t->started_ns) >= t->term->seconds * 1e9)
		return true;
	tui__poll_signals(t);
	return false;
}

/* Wait up to ms (at most WAIT_MAX_MS, so a signal's flag is seen soon) for
 * a key, and do it. */
void
tui__read_key(struct tui *t, int ms)
{
	wint_t wc;

	wtimeout(stdscr, ms < WAIT_MAX_MS ? ms : WAIT_MAX_MS);
	int r = wget_wch(stdscr, &wc);
	if (r == OK)
		tui__key(t, (int)wc, false);
	else if (r == KEY_CODE_YES && wc == KEY_MOUSE)
		tui__mouse(t);
	else if (r == KEY_CODE_YES)
		tui__key(t, (int)wc, true);
}

/* The ticker's wait: draw, read keys and signals until the deadline, then
 * tick.  A paused view ticks too: the rewind keeps every tick, and what is
 * shown is the tick it paused at.  A key moves t->next_tick_ns to ask for a
 * tick now or a new rate; that becomes the ticker's new grid. */
static int
tui_wait(void *arg, uint64_t deadline)
{
	struct tui *t = arg;
	char msg[160];

	t->next_tick_ns = deadline;
	for (;;) {
		uint64_t now = tui__now();

		if (tui__loop_done(t, now))
			return TICKER_STOP;
		if (t->next_tick_ns != deadline) {
			deadline = t->next_tick_ns;
			ticker_reschedule(t->tk, deadline, tui__tick_period_ns(t));
		}
		if (now >= deadline) {
			while (session_error(t->sess, msg, sizeof msg)) {
				tui__status(t, true, "%s", msg);
				tui__note(t, VA_WARN, "%s", msg);
			}
			return TICKER_TICK;
		}
		if (t->v.status != NULL && now >= t->status_until)
			t->dirty = true;
		if (t->dirty)
			tui__draw(t);

		uint64_t left = deadline - now;
		tui__read_key(t, (int)((left + 999999) / 1000000));
	}
}

/* The ticker's sink: a tick into the view model, and the lesson. */
static int
tui_feed(void *ctx, const tick_info *info, const tick_data *d)
{
	struct tui *t = ctx;
	uint64_t now = tui__now();
	int ng = 0;

	(void)info;
	t->snap = d->snap;
	t->procs = d->snap->np;
	/* every tick while the list or a goroutine's page shows it */
	if (t->v.mode == VIEW_GLIST || t->v.mode == VIEW_GDETAIL ||
	    now - t->gl_last_ns >= GLIST_EVERY_NS) {
		ng = tui__list_goroutines(t);
		t->gl_last_ns = now;
	}
	view_origin before;
	view_model_origin_get(t->model, &before);
	if (view_model_tick(t->model, d->snap, d->ev, d->nev, d->dropped, ng ? t->gl : NULL, ng,
		t->gl_total) != 0)
		tui__status(t, true, "out of memory for the view's history");
	if (ng && t->gl_timed)
		view_model_glist_timed(t->model);
	timeline_fed(t->tl);
	/* '.' while paused at the newest tick: this one is shown, and the
	 * lesson moves by it; otherwise a paused lesson's clock stands still */
	if (t->step && t->v.paused)
		t->at = d->index;
	if (t->player != NULL) {
		if (!t->v.paused || t->step)
			tui__lesson_tick(t);
		else
			t->lgap = true;
	}
	t->step = false;
	tui__rewind_push(t, d, &before, ng ? t->gl : NULL, ng);
	t->dirty = true;
	return 0;
}

/* Tick at once, then on the rate's grid, until quit. */
static void
tui_loop(struct tui *t)
{
	int rc;

	t->started_ns = tui__now();
	ticker_reschedule(t->tk, t->started_ns, tui__tick_period_ns(t));
	while ((rc = ticker_run(t->tk, 0, tui_wait, t)) < 0) {
		/* the runtime is gone (session_end says why): nothing to show */
		tui__status(t, true, "snapshot: %s", gs_strerror(rc));
		if (rc == GS_ENOTRUN) {
			t->quit = QUIT_RUNTIME;
			break;
		}
	}
}

static void
tui_free(struct tui *t)
{
	if (t->go != NULL)
		tui__go_end(t); /* never a program left behind */
	view_screen_free(&t->screen);
	view_model_free(t->model);
	timeline_free(t->tl);
	ticker_free(t->tk);
	free(t->gl);
	free(t->lout);
}

/* Whether path can be written, without truncating what is there: the file
 * is only opened for writing once the view runs, and a run that never gets
 * that far (no terminal) must not have emptied the user's file. */
static bool
record_writable(const char *path, char *err, size_t errsize)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);

	if (fd >= 0) {
		close(fd);
		unlink(path);
		return true;
	}
	if (errno == EEXIST && (fd = open(path, O_WRONLY | O_CLOEXEC)) >= 0) {
		close(fd);
		return true;
	}
	snprintf(err, errsize, "cannot write '%s': %s", path, strerror(errno));
	return false;
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
	t.nfind = -1;
	t.v.ascii = o->ascii;
	t.v.mono = o->no_color;
	t.v.projector = o->projector;
	t.v.tick_hz = 10.0 / o->tenths;
	t.v.time_scale = o->lesson && o->time_scale > 0 ? o->time_scale : 1;
	t.lstate = -1;
	t.rec_lstate = -1;
	t.rec_nprompt = -1;
	t.glcap = 1024;
	t.at = -1;
	t.model = view_model_new(HISTORY_TICKS, LOG_LINES);
	if (t.o.history_mib <= 0)
		t.o.history_mib = TUI_HISTORY_MIB;
	t.tl = timeline_new((size_t)t.o.history_mib << 20, HISTORY_TICKS, LOG_LINES);
	/* the schedule is set when the loop starts */
	tick_info info = { .ncpu = gs_numcpu() };
	/* the view first; the recording's gate after it sees the lesson's
	 * state of the same tick */
	tick_sink sinks[] = { { NULL, tui_feed, NULL, &t }, tui__rec_sink(&t) };
	ticker_opts to = { .interval_ns = tui__tick_period_ns(&t),
		.late = TICKER_SKIP,
		.max_m = SNAP_MAX_M,
		.runq_max = SNAP_RUNQ,
		.info = &info,
		.sinks = sinks,
		.nsinks = 2 };
	t.tk = ticker_new(&to);
	t.gl = malloc((size_t)t.glcap * sizeof *t.gl);
	if (o->lesson != NULL)
		t.lout = malloc(sizeof *t.lout);
	if (t.model == NULL || t.tl == NULL || t.tk == NULL || t.gl == NULL ||
	    (o->lesson != NULL && t.lout == NULL) || view_screen_init(&t.screen, 80, 24) != 0) {
		fputs("gsched: out of memory\n", stderr);
		tui_free(&t);
		return 1;
	}

	/* a file --record cannot write is a usage error, as in a headless run,
	 * before the terminal changes */
	if (o->record != NULL && !record_writable(o->record, err, sizeof err)) {
		fprintf(stderr, "gsched: %s\n", err);
		tui_free(&t);
		return 2;
	}
	/* a recording is read whole before the terminal is taken, so that a
	 * bad one is reported as --batch reports it */
	if (o->replay != NULL && (status = tui__replay_load(&t, o->replay)) != 0) {
		tui_free(&t);
		return status;
	}
	/* a Go program that cannot start is told on the plain terminal too */
	if (o->go != NULL && (status = tui__go_start(&t)) != 0) {
		tui_free(&t);
		return status;
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
	tui__mouse_setup(&t);
	intrflush(stdscr, FALSE);
	set_escdelay(25);
	curs_set(0);
	t.v.mono = !paint_setup(o->no_color, o->projector);

	if (o->go != NULL) {
		/* Ctrl-C as a key, not SIGINT: the first goes to the program
		 * (tui__go_intr), the second quits; Ctrl-Z stays a signal.
		 * def_prog_mode: curses restores it so after Ctrl-Z too */
		struct termios tio;
		if (term->interactive && tcgetattr(tui__tty_in_fd, &tio) == 0) {
			tio.c_cc[VINTR] = _POSIX_VDISABLE;
			if (tcsetattr(tui__tty_in_fd, TCSANOW, &tio) == 0)
				def_prog_mode();
		}
		tui__go_loop(&t);
		endwin();
		tui__in_curses = 0;
		delscreen(t.scr);
		status = tui__go_end(&t);
		goto done;
	}
	if (o->replay != NULL) {
		tui__replay_loop(&t);
		endwin();
		tui__in_curses = 0;
		delscreen(t.scr);
		goto done;
	}

	/* the runtime, after the terminal checks; a lesson brings its own
	 * workloads instead of the default mix */
	session_opts so = { .procs = o->procs,
		.scenario = o->lesson == NULL,
		.events = true,
		.timescale = o->slow };
	t.sess = session_start(&so, err, sizeof err);
	t.run_ns = (uint64_t)gs_nanotime();
	/* what the runtime got: --slow, or GSCHED_DEBUG=timescale */
	t.v.slow = gs_timescale();
	view_model_set_timescale(t.model, t.v.slow);
	timeline_set_timescale(t.tl, t.v.slow);
	if (t.sess != NULL && o->lesson != NULL) {
		lesson_player_opts po = { .time_scale = t.v.time_scale,
			.batch = false,
			.slow = t.v.slow };
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
	if (t.v.slow > 1)
		tui__note(&t, VA_BOLD,
		    "slow motion x%d: the scheduler and the workloads run %d times slower; "
		    "times say both",
		    t.v.slow, t.v.slow);
	if (o->lesson != NULL) {
		const lesson_program *g = o->lesson;
		t.v.lesson = g->title ? g->title : g->name;
		tui__note(&t, VA_CAPTION, "lesson: n or PgDn goes on, N or PgUp back");
	}

	tui_loop(&t);
	t.rec_exiting = true;
	tui__rec_stop(&t, "the view has ended"); /* if the ticker did not */

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
done:
	if (t.rec_done[0] != '\0') {
		/* where the recording went, on the restored terminal */
		printf("gsched: recorded %d ticks to %s\n", t.rec_done_ticks, t.rec_done);
		fflush(stdout);
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
	int sig = tick_stop_signal();
	if (sig != 0 && sig != SIGINT)
		status = 128 + sig;
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
