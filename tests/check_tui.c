/*
 * check_tui.c - the visualizer's terminal side (src/ui/tui.c, src/ui/paint.c):
 * option parsing, the painter (cells to curses characters and attributes, the
 * unchanged-row cache), and the UI loop run off screen (an xterm-256color
 * terminal writing to /dev/null, keys from a pipe), and recording what it
 * shows (R, --record) read back as --replay reads it.  The view model itself is
 * tests/check_view.c's; what the real terminal shows is the tmux e2e suite's.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <check.h>
#include <locale.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsched.h>

#include "testutil.h"
#include "format/record.h"
#include "lesson/lesson.h"
#include "ui/paint.h"
#include "ui/tui.h"
#include "ui/tui_curses.h"
#include "ui/view.h"

/* ---- options ------------------------------------------------------------------- */

static int
parse(tui_opts *o, const char *a1, const char *a2, const char *a3)
{
	char *argv[5] = { "gsched", (char *)a1, (char *)a2, (char *)a3, NULL };
	int argc = 1 + (a1 != NULL) + (a1 && a2 != NULL) + (a1 && a2 && a3 != NULL);

	return tui_parse(argc, argv, o);
}

START_TEST(test_parse_defaults)
{
	tui_opts o;

	unsetenv("NO_COLOR");
	setenv("LC_ALL", "C.UTF-8", 1);
	ck_assert_int_eq(parse(&o, NULL, NULL, NULL), 0);
	ck_assert_int_eq(o.tenths, 1);
	ck_assert_int_eq(o.procs, 0);
	ck_assert(!o.no_color);
	ck_assert(!o.projector);
	/* C.UTF-8 may be missing; then ascii is right */
	if (setlocale(LC_ALL, "C.UTF-8") != NULL)
		ck_assert(!o.ascii);
}
END_TEST

START_TEST(test_parse_values)
{
	tui_opts o;

	ck_assert_int_eq(parse(&o, "-d", "5", "--projector"), 0);
	ck_assert_int_eq(o.tenths, 5);
	ck_assert(o.projector);
	ck_assert_int_eq(parse(&o, "--delay=600", "-p3", NULL), 0);
	ck_assert_int_eq(o.tenths, 600);
	ck_assert_int_eq(o.procs, 3);
	ck_assert_int_eq(parse(&o, "--procs", "256", "--ascii"), 0);
	ck_assert_int_eq(o.procs, 256);
	ck_assert(o.ascii);
	ck_assert_int_eq(parse(&o, "-d7", "--no-color", NULL), 0);
	ck_assert_int_eq(o.tenths, 7);
	ck_assert(o.no_color);
	ck_assert_int_eq(o.slow, 0);
	ck_assert_int_eq(parse(&o, "--slow", "20", NULL), 0);
	ck_assert_int_eq(o.slow, 20);
	ck_assert_int_eq(parse(&o, "--slow=1000", NULL, NULL), 0);
	ck_assert_int_eq(o.slow, 1000);
}
END_TEST

START_TEST(test_parse_errors)
{
	tui_opts o;

	ck_assert_int_eq(parse(&o, "-d", "0", NULL), 2);
	ck_assert_int_eq(parse(&o, "-d", "601", NULL), 2);
	ck_assert_int_eq(parse(&o, "-p", "0", NULL), 2);
	ck_assert_int_eq(parse(&o, "-p", "257", NULL), 2);
	ck_assert_int_eq(parse(&o, "-p", "2x", NULL), 2);
	ck_assert_int_eq(parse(&o, "--procs=", NULL, NULL), 2);
	ck_assert_int_eq(parse(&o, "-p", NULL, NULL), 2);
	ck_assert_int_eq(parse(&o, "--delays=3", NULL, NULL), 2);
	ck_assert_int_eq(parse(&o, "--bogus", NULL, NULL), 2);
	ck_assert_int_eq(parse(&o, "extra", NULL, NULL), 2);
	ck_assert_int_eq(parse(&o, "--slow", "0", NULL), 2);
	ck_assert_int_eq(parse(&o, "--slow", "1001", NULL), 2);
	ck_assert_int_eq(parse(&o, "--slow", "2.5", NULL), 2);
}
END_TEST

START_TEST(test_parse_environment)
{
	tui_opts o;

	setenv("NO_COLOR", "1", 1);
	ck_assert_int_eq(parse(&o, NULL, NULL, NULL), 0);
	ck_assert(o.no_color);
	setenv("NO_COLOR", "", 1);
	ck_assert_int_eq(parse(&o, NULL, NULL, NULL), 0);
	ck_assert(!o.no_color);
	/* a locale that is not UTF-8 means ASCII */
	setenv("LC_ALL", "C", 1);
	ck_assert_int_eq(parse(&o, NULL, NULL, NULL), 0);
	ck_assert(o.ascii);
}
END_TEST

/* The table's options through getopt_long: abbreviations, durations, "--". */
START_TEST(test_handles)
{
	tui_opts o;

	ck_assert_int_eq(parse(&o, "--proj", "--del=500ms", NULL), 0);
	ck_assert(o.projector);
	ck_assert_int_eq(o.tenths, 5);
	ck_assert_int_eq(parse(&o, "-d", "1m", NULL), 0);
	ck_assert_int_eq(o.tenths, 600);
	ck_assert_int_eq(parse(&o, "-d", "150ms", NULL), 2);
	ck_assert_int_eq(parse(&o, "--no-c", "--as", NULL), 0);
	ck_assert(o.no_color);
	ck_assert_int_eq(parse(&o, "--", "-d", NULL), 2);
	ck_assert_int_eq(parse(&o, "--ascii=1", NULL, NULL), 2);
	ck_assert_int_eq(parse(&o, "--batch", NULL, NULL), 2);
	for (int i = 0; i < tui_noptions; i++)
		ck_assert_ptr_nonnull(tui_options[i].help);
}
END_TEST

/* ---- the painter ---------------------------------------------------------------- */

static FILE *devnull, *keys_in;
static int keys_fd = -1;

/* An off-screen terminal of rows x cols; keys come from a pipe (keys_fd). */
static SCREEN *
offscreen(int rows, int cols)
{
	int pfd[2];
	SCREEN *sc;

	ck_assert_ptr_nonnull(setlocale(LC_ALL, "C.UTF-8"));
	devnull = fopen("/dev/null", "w");
	ck_assert_ptr_nonnull(devnull);
	ck_assert_int_eq(pipe(pfd), 0);
	keys_in = fdopen(pfd[0], "r");
	keys_fd = pfd[1];
	sc = newterm("xterm-256color", devnull, keys_in);
	ck_assert_ptr_nonnull(sc);
	resizeterm(rows, cols);
	return sc;
}

static void
put(view_screen *s, int y, int x, const char *text, view_attr a)
{
	for (; *text && x < s->width; text++, x++) {
		s->cells[y * s->width + x].ch = (unsigned char)*text;
		s->cells[y * s->width + x].attr = (uint8_t)a;
	}
}

/* A blank screen (spaces, VA_NORMAL), allocated by hand: the painter does not
 * need the view model. */
static void
blank(view_screen *s, int w, int h)
{
	s->width = w;
	s->height = h;
	s->cells = calloc((size_t)w * (size_t)h, sizeof *s->cells);
	ck_assert_ptr_nonnull(s->cells);
	for (int i = 0; i < w * h; i++)
		s->cells[i].ch = ' ';
}

/* What stdscr holds at y, x: the character and its attributes. */
static wchar_t
cell_at(int y, int x, attr_t *attrs)
{
	cchar_t cc;
	wchar_t wch[CCHARW_MAX + 1];
	short pair;

	ck_assert_int_eq(mvwin_wch(stdscr, y, x, &cc), OK);
	ck_assert_int_eq(getcchar(&cc, wch, attrs, &pair, NULL), OK);
	return wch[0];
}

START_TEST(test_paint_mono)
{
	SCREEN *sc = offscreen(16, 60);
	view_screen s;
	attr_t at;

	ck_assert(!paint_setup(true, false));
	blank(&s, 60, 16);
	put(&s, 0, 0, "GOMAXPROCS 2", VA_TITLE);
	put(&s, 1, 0, "P0 R", VA_P_RUNNING);
	put(&s, 2, 0, "dim", VA_DIM);
	put(&s, 3, 0, "B", VA_KIND_SYSCALL);
	s.cells[4 * 60 + 0].ch = 0x2500; /* box drawing: one column, kept */
	s.cells[4 * 60 + 1].ch = 0x4e00; /* two columns wide: replaced */
	s.cells[4 * 60 + 2].ch = 0x07;   /* a control character: blank */
	s.cells[15 * 60 + 59].ch = 'Z';  /* the bottom right corner */
	paint(&s);
	doupdate();

	ck_assert_int_eq(cell_at(0, 0, &at), L'G');
	ck_assert(at & A_REVERSE);
	ck_assert_int_eq(cell_at(0, 11, &at), L'2');
	ck_assert_int_eq(cell_at(1, 0, &at), L'P');
	ck_assert(at & A_BOLD);
	ck_assert_int_eq(cell_at(2, 0, &at), L'd');
	ck_assert(at & A_DIM);
	ck_assert_int_eq(cell_at(3, 0, &at), L'B');
	ck_assert(at & A_UNDERLINE);
	ck_assert_int_eq(cell_at(4, 0, &at), 0x2500);
	ck_assert_int_eq(cell_at(4, 1, &at), L'?');
	ck_assert_int_eq(cell_at(4, 2, &at), L' ');
	ck_assert_int_eq(cell_at(15, 59, &at), L'Z');
	ck_assert_int_eq(cell_at(5, 5, &at), L' ');
	free(s.cells);
	endwin();
	delscreen(sc);
}
END_TEST

START_TEST(test_paint_projector)
{
	SCREEN *sc = offscreen(16, 60);
	view_screen s;
	attr_t at;

	paint_setup(true, true);
	blank(&s, 60, 16);
	put(&s, 2, 0, "idle", VA_P_IDLE);
	paint(&s);
	/* a projector washes dim text out: none */
	ck_assert_int_eq(cell_at(2, 0, &at), L'i');
	ck_assert(!(at & A_DIM));
	free(s.cells);
	endwin();
	delscreen(sc);
}
END_TEST

START_TEST(test_paint_skips_unchanged_rows)
{
	SCREEN *sc = offscreen(16, 60);
	view_screen s;
	attr_t at;

	paint_setup(false, false);
	blank(&s, 60, 16);
	put(&s, 1, 0, "P0", VA_BOLD);
	paint(&s);
	/* someone else writes on stdscr: an unchanged row is not repainted... */
	mvwaddstr(stdscr, 1, 0, "XX");
	paint(&s);
	ck_assert_int_eq(cell_at(1, 0, &at), L'X');
	/* ...a changed one is, and after an invalidation every row is */
	put(&s, 2, 0, "P1", VA_BOLD);
	paint(&s);
	ck_assert_int_eq(cell_at(2, 1, &at), L'1');
	ck_assert_int_eq(cell_at(1, 0, &at), L'X');
	paint_invalidate();
	paint(&s);
	ck_assert_int_eq(cell_at(1, 0, &at), L'P');
	/* a different size repaints everything too */
	mvwaddstr(stdscr, 1, 0, "YY");
	free(s.cells);
	blank(&s, 59, 16);
	put(&s, 1, 0, "P0", VA_BOLD);
	paint(&s);
	ck_assert_int_eq(cell_at(1, 0, &at), L'P');
	free(s.cells);
	endwin();
	delscreen(sc);
}
END_TEST

/* ---- the loop, off screen ---------------------------------------------------------- */

static int
run_offscreen(const char *type, const char *keys, double seconds)
{
	tui_opts o;
	int pfd[2];

	memset(&o, 0, sizeof o);
	o.tenths = 1;
	o.procs = 2;
	ck_assert_ptr_nonnull(setlocale(LC_ALL, "C.UTF-8"));
	devnull = fopen("/dev/null", "w");
	ck_assert_int_eq(pipe(pfd), 0);
	tui_term t = { fdopen(pfd[0], "r"), devnull, type, 40, 120, seconds, false, NULL };
	if (keys != NULL)
		ck_assert_int_eq(write(pfd[1], keys, strlen(keys)), (ssize_t)strlen(keys));
	int rc = tui_run(&o, &t);
	close(pfd[1]);
	fclose(t.in);
	return rc;
}

/* Every key of the visualizer once (the '=' prompt with a bad and a good
 * value, the views, the spawns), then q: the loop must survive them all, end
 * the session cleanly, and return 0 long before its 50 s limit. */
START_TEST(test_loop_keys_then_quit)
{
	const char *keys = "?\033p\tm\tg s\033l\033"
			   "+-3=999\r=4\r[]][ . w+w csbnCSBN\014 "
			   /* the keys that are no character, as xterm sends them: in
			    * help, P detail, the goroutine list and the log */
			   "?\033[6~\033OB\033OA\033[5~\033OF\033OH\033OP"
			   "p\033[Z\033OC\033OD\033OA\033OB\033[6~\033OFp"
			   "g\033OB\033[6~s\033OHg"
			   "l\033[5~\033OFl q";
	uint64_t t0 = tu_now_ns();

	ck_assert_int_eq(run_offscreen("xterm-256color", keys, 50), 0);
	ck_assert_uint_lt(tu_now_ns() - t0, TU_SEC(40));
	ck_assert_int_eq(gs_gomaxprocs(), GS_ENOTRUN);
}
END_TEST

/* With no keys it runs for the time given and ends the session. */
START_TEST(test_loop_runs_for_seconds)
{
	ck_assert_int_eq(run_offscreen("xterm-256color", NULL, 0.5), 0);
	ck_assert_int_eq(gs_gomaxprocs(), GS_ENOTRUN);
}
END_TEST

/* A terminal curses does not know, or one that cannot address the cursor:
 * status 2, before the runtime starts. */
START_TEST(test_loop_no_terminal)
{
	ck_assert_int_eq(run_offscreen("unknownterm-gsched", "q", 5), 2);
	ck_assert_int_eq(run_offscreen("dumb", "q", 5), 2);
	ck_assert_int_eq(gs_gomaxprocs(), GS_ENOTRUN);
}
END_TEST

/* ---- a lesson in the loop, off screen ------------------------------------------------ */

/* Keys typed by a presenter, from a script: each character is a key, but
 * '~' waits 100 ms. */
struct presenter {
	int fd;
	char script[256];
};

static void *
presenter(void *arg)
{
	struct presenter *pr = arg;

	for (const char *c = pr->script; *c; c++) {
		if (*c == '~')
			usleep(100000);
		else if (write(pr->fd, c, 1) != 1)
			break;
	}
	return NULL;
}

/* Run a lesson (text) in the real loop on a 120x40 off-screen terminal, keys
 * from a presenter thread following script (or NULL: none), for at most
 * seconds; the last screen drawn into *last.  The exit status. */
static int
run_lesson(const char *text, const char *script, double seconds, view_screen *last)
{
	struct presenter pr;
	lesson_program *g;
	char err[256];
	tui_opts o;
	int pfd[2];
	pthread_t th;

	ck_assert_msg(lesson_parse("test.lesson", text, strlen(text), &g, err, sizeof err) == 0,
	    "%s", err);
	memset(&o, 0, sizeof o);
	o.tenths = 1;
	o.lesson = g;
	o.time_scale = 1;
	ck_assert_ptr_nonnull(setlocale(LC_ALL, "C.UTF-8"));
	devnull = fopen("/dev/null", "w");
	ck_assert_int_eq(pipe(pfd), 0);
	memset(last, 0, sizeof *last);
	tui_term t = { fdopen(pfd[0], "r"), devnull, "xterm-256color", 40, 120, seconds, false,
		last };
	if (script != NULL) {
		pr.fd = pfd[1];
		snprintf(pr.script, sizeof pr.script, "%s", script);
		ck_assert_int_eq(pthread_create(&th, NULL, presenter, &pr), 0);
	}
	int rc = tui_run(&o, &t);
	if (script != NULL)
		pthread_join(th, NULL);
	close(pfd[1]);
	fclose(t.in);
	lesson_program_free(g);
	return rc;
}

/* The row of s holding needle, or -1. */
static int
screen_find(const view_screen *s, const char *needle)
{
	char row[2048];

	for (int y = 0; y < s->height; y++) {
		view_screen_row(s, y, row, sizeof row);
		if (strstr(row, needle) != NULL)
			return y;
	}
	return -1;
}

/* The row of s that starts with prefix (a caption row: " TEXT"), or -1. */
static int
screen_starts(const view_screen *s, const char *prefix)
{
	char row[2048];

	for (int y = 0; y < s->height; y++) {
		view_screen_row(s, y, row, sizeof row);
		if (strncmp(row, prefix, strlen(prefix)) == 0)
			return y;
	}
	return -1;
}

/* Whether row y of s holds needle. */
static bool
row_has(const view_screen *s, int y, const char *needle)
{
	char row[2048];

	view_screen_row(s, y, row, sizeof row);
	return strstr(row, needle) != NULL;
}

static const char tiny_lesson[] = "title \"Tiny lesson\"\n"
				  "mark \"First\"\n"
				  "procs 2\n"
				  "say \"KIWI caption: {procs} Ps\"\n"
				  "expect procs == 2\n"
				  "pause\n"
				  "mark \"Second\"\n"
				  "say \"PLUM caption\\nits second row\"\n"
				  "expect goroutines >= 1\n"
				  "pause\n"
				  "say \"LIME caption, the last\"\n";

/* n goes past both pauses; the end stays on screen until q; exit 0.  An n
 * before the lesson reaches a pause (or after its end) does nothing, so the
 * presenter just presses n every 200 ms: the lesson has no waits. */
START_TEST(test_lesson_plays_to_the_end)
{
	char script[256] = "";
	view_screen last;

	for (int i = 0; i < 30; i++)
		strcat(script, "~~n");
	strcat(script, "q");
	ck_assert_int_eq(run_lesson(tiny_lesson, script, 50, &last), 0);
	ck_assert_int_eq(gs_gomaxprocs(), GS_ENOTRUN);
	ck_assert_int_eq(last.height, 40);
	/* the title bar names the lesson; the caption is the last say */
	ck_assert_int_eq(screen_find(&last, "lesson: Tiny lesson"), 0);
	int cap = screen_starts(&last, " LIME caption, the last");
	ck_assert_int_eq(cap, 37); /* just above the footer (over the F-key bar) */
	/* every caption and expectation went into the event log */
	ck_assert_int_gt(screen_find(&last, "say: KIWI caption: 2 Ps"), 0);
	/* a caption's rows go into the log as one paragraph it wraps itself */
	ck_assert_int_gt(screen_find(&last, "say: PLUM caption its second row"), 0);
	ck_assert_int_gt(screen_find(&last, "ok: expect procs == 2"), 0);
	ck_assert_int_gt(screen_find(&last, "== Second =="), 0);
	/* the bar above the caption and the footer say it has finished */
	ck_assert(row_has(&last, cap - 1, "lesson finished: 2 expectations met, 0 failed"));
	/* the footer: the lesson's keys, and what the n after the end did */
	ck_assert(row_has(&last, 38, "n N next/prev step"));
	ck_assert(row_has(&last, 38, "the lesson has finished"));
	view_screen_free(&last);
}
END_TEST

/* An expectation that fails: the status line says so, exit 1.  (The lesson
 * ends on its one caption: a second would wait for its reading time.) */
START_TEST(test_lesson_failure_exits_1)
{
	static const char text[] = "say \"before\"\nexpect procs == 300\n";
	view_screen last;

	ck_assert_int_eq(run_lesson(text, NULL, 1.5, &last), 1);
	ck_assert_int_gt(screen_find(&last, "FAIL: line 2: expect procs == 300"), 0);
	ck_assert(row_has(&last, 38, "expectation failed (line 2)"));
	ck_assert_int_gt(screen_find(&last, "lesson finished: 0 expectations met, 1 failed"), 0);
	view_screen_free(&last);
}
END_TEST

/* While the view is paused the lesson's clock stands still: a 3 s wait
 * paused for its first 2 s has not run out 3.5 s after the start (it would
 * have on the wall clock), and no step runs while paused. */
START_TEST(test_lesson_pauses_with_the_view)
{
	static const char text[] = "say \"before the wait\"\nwait 3s\n"
				   "say \"after the wait\"\n";
	view_screen last;

	ck_assert_int_eq(run_lesson(text, " ~~~~~~~~~~", 1.5, &last), 0);
	ck_assert_int_gt(screen_starts(&last, " before the wait"), 0);
	ck_assert_int_gt(screen_find(&last, "paused: the lesson waits too"), 0);
	ck_assert_int_eq(screen_find(&last, " PAUSED "), 0);
	view_screen_free(&last);
	ck_assert_int_eq(run_lesson(text, " ~~~~~~~~~~~~~~~~~~~~ ", 3.5, &last), 0);
	ck_assert_int_gt(screen_starts(&last, " before the wait"), 0);
	ck_assert_int_lt(screen_find(&last, "after the wait"), 0);
	view_screen_free(&last);
	/* never paused, the same wait runs out by itself (and the caption's
	 * reading time, 4.25 s, with it) */
	ck_assert_int_eq(run_lesson(text, NULL, 6, &last), 0);
	ck_assert_int_gt(screen_starts(&last, " after the wait"), 0);
	view_screen_free(&last);
	/* a caption's reading time (3.5 s) stands still with it too: paused
	 * for 3 s of 4.5, it is still held */
	static const char held[] = "say \"held caption\"\nsay \"after the hold\"\n";
	ck_assert_int_eq(run_lesson(held, " ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~ ", 4.5, &last), 0);
	ck_assert_int_gt(screen_starts(&last, " held caption"), 0);
	ck_assert_int_lt(screen_find(&last, "after the hold"), 0);
	view_screen_free(&last);
}
END_TEST

/* ---- recording what is shown (R, --record) ------------------------------------------ */

static char recdir[64];

/* The record tests' fixture: a directory of their own, removed after. */
static void
recdir_make(void)
{
	snprintf(recdir, sizeof recdir, "/tmp/check_tui.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(recdir));
}

static void
recdir_remove(void)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", recdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", recdir);
}

/* The visualizer with o on a 120x40 off-screen terminal, keys from a
 * presenter following script (or none), for at most seconds; the last
 * screen into *last.  The exit status. */
static int
run_with(tui_opts *o, const char *script, double seconds, view_screen *last)
{
	struct presenter pr;
	pthread_t th;
	int pfd[2];

	ck_assert_ptr_nonnull(setlocale(LC_ALL, "C.UTF-8"));
	devnull = fopen("/dev/null", "w");
	ck_assert_int_eq(pipe(pfd), 0);
	memset(last, 0, sizeof *last);
	tui_term t = { fdopen(pfd[0], "r"), devnull, "xterm-256color", 40, 120, seconds, false,
		last };
	if (script != NULL) {
		pr.fd = pfd[1];
		snprintf(pr.script, sizeof pr.script, "%s", script);
		ck_assert_int_eq(pthread_create(&th, NULL, presenter, &pr), 0);
	}
	int rc = tui_run(o, &t);
	if (script != NULL)
		pthread_join(th, NULL);
	close(pfd[1]);
	fclose(t.in);
	return rc;
}

static void
opts_plain(tui_opts *o)
{
	memset(o, 0, sizeof *o);
	o->tenths = 1;
	o->procs = 2;
}

/* A recording read back whole, as --replay reads it: its ticks (0..n-1 in
 * order, the end line agreeing); *info its header. */
static int
recording_ticks(const char *path, tick_info *info)
{
	char err[600];
	record_reader *r = record_open(path, err, sizeof err);
	tick_data d;
	int n = 0, rc;

	ck_assert_msg(r != NULL, "%s", err);
	*info = *record_info(r);
	while ((rc = record_next(r, &d)) > 0) {
		ck_assert_int_eq(d.index, n);
		ck_assert_int_gt(d.snap->np, 0);
		n++;
	}
	ck_assert_msg(rc == 0, "%s", record_error(r));
	ck_assert_int_eq(record_end(r)->ticks, n);
	record_close(r);
	return n;
}

/* R opens the prompt; the name typed over the one offered (Ctrl-U clears
 * it), Enter starts: the title says REC; R stops: the file is finished (its
 * end line written), every tick in it from 0, and the status line says how
 * many went in. */
START_TEST(test_record_key_starts_and_stops)
{
	char path[128], script[256];
	tick_info info;
	view_screen last;
	tui_opts o;

	snprintf(path, sizeof path, "%s/rec.jsonl", recdir);
	snprintf(script, sizeof script, "~~~R\025%s\r~~~~~~~~~~R~~~~q", path);
	opts_plain(&o);
	ck_assert_int_eq(run_with(&o, script, 30, &last), 0);
	ck_assert_int_eq(gs_gomaxprocs(), GS_ENOTRUN);
	int n = recording_ticks(path, &info);
	ck_assert_int_ge(n, 3);
	ck_assert_str_eq(info.scenario, "visualizer");
	ck_assert_int_eq(info.timescale, 1);
	ck_assert_uint_eq(info.interval_ns, 100000000);
	char want[200];
	snprintf(want, sizeof want, "recorded %d ticks to %s (stopped with R)", n, path);
	ck_assert_int_gt(screen_find(&last, want), 0);
	ck_assert_int_lt(screen_find(&last, " REC "), 0);
	view_screen_free(&last);
}
END_TEST

/* Quitting while recording finishes the file; the title said REC until
 * then; Enter takes the name offered (gsched-YYYYmmdd-HHMMSS.jsonl, in the
 * current directory); Esc at the prompt records nothing. */
START_TEST(test_record_quit_finishes)
{
	tick_info info;
	view_screen last;
	tui_opts o;
	char path[512];

	ck_assert_int_eq(chdir(recdir), 0);
	opts_plain(&o);
	ck_assert_int_eq(run_with(&o, "~~R\033~R\r~~~~~~~~q", 30, &last), 0);
	FILE *ls = popen("ls gsched-*.jsonl", "r");
	ck_assert_ptr_nonnull(ls);
	ck_assert_ptr_nonnull(fgets(path, sizeof path, ls));
	path[strcspn(path, "\n")] = '\0';
	ck_assert_ptr_null(fgets(path + strlen(path) + 1, 64, ls)); /* one file */
	pclose(ls);
	ck_assert_uint_eq(strlen(path), strlen("gsched-20261204-153012.jsonl"));
	ck_assert_int_ge(recording_ticks(path, &info), 3);
	ck_assert_int_eq(screen_find(&last, " REC "), 0);
	view_screen_free(&last);
}
END_TEST

/* --record FILE (tui_opts.record) records from the first tick in slow
 * motion (--slow 2: the header says so, the title too), and the end of the
 * lesson being recorded finishes the file while the visualizer goes on. */
START_TEST(test_record_option_until_lesson_end)
{
	static const char text[] = "procs 2\nspawn 2 cpu 300ms\nmeasure \"ENDED\" timeout 20s\n";
	char path[128], err[256];
	tick_info info;
	view_screen last;
	lesson_program *g;
	tui_opts o;

	snprintf(path, sizeof path, "%s/lesson.jsonl", recdir);
	ck_assert_msg(lesson_parse("rec.lesson", text, strlen(text), &g, err, sizeof err) == 0,
	    "%s", err);
	opts_plain(&o);
	o.procs = 0;
	o.lesson = g;
	o.time_scale = 1;
	o.slow = 2;
	o.record = path;
	/* the lesson takes about 0.6 s at x2; then the view runs on */
	ck_assert_int_eq(run_with(&o, NULL, 4, &last), 0);
	ck_assert_int_gt(screen_starts(&last, " ENDED"), 0);
	ck_assert_int_eq(screen_find(&last, "SLOW x2"), 0);
	ck_assert_int_gt(screen_find(&last, "(the lesson has ended)"), 0);
	ck_assert_int_gt(screen_find(&last, "(x2 slow: "), 0); /* the measure */
	int n = recording_ticks(path, &info);
	ck_assert_int_ge(n, 3);
	ck_assert_int_lt(n, 40); /* it stopped with the lesson, not at 4 s */
	ck_assert_int_eq(info.timescale, 2);
	ck_assert_str_eq(info.scenario, "visualizer: lesson rec.lesson");
	lesson_program_free(g);
	view_screen_free(&last);
}
END_TEST

/* A full disk: the status line says why and the recording stops; the
 * visualizer runs on and exits 0. */
START_TEST(test_record_full_disk)
{
	view_screen last;
	tui_opts o;

	ck_assert_int_eq(access("/dev/full", W_OK), 0);
	opts_plain(&o);
	o.record = "/dev/full";
	ck_assert_int_eq(run_with(&o, NULL, 2, &last), 0);
	ck_assert_int_gt(screen_find(&last,
			     "recording stopped: writing '/dev/full': No space left "
			     "on device (the file is incomplete)"),
	    0);
	ck_assert_int_lt(screen_find(&last, " REC "), 0);
	view_screen_free(&last);
}
END_TEST

/* The prompt never overwrites a file; a --record FILE that cannot be
 * written is a usage error before the terminal is touched. */
START_TEST(test_record_refusals)
{
	char path[128], script[256];
	view_screen last;
	tui_opts o;

	snprintf(path, sizeof path, "%s/old.jsonl", recdir);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("precious\n", f);
	fclose(f);
	snprintf(script, sizeof script, "~~R\025%s\r~~~q", path);
	opts_plain(&o);
	ck_assert_int_eq(run_with(&o, script, 30, &last), 0);
	ck_assert_int_gt(screen_find(&last, "exists: not overwritten"), 0);
	view_screen_free(&last);
	f = fopen(path, "r");
	char buf[32] = "";
	ck_assert_ptr_nonnull(fgets(buf, sizeof buf, f));
	fclose(f);
	ck_assert_str_eq(buf, "precious\n");

	opts_plain(&o);
	o.record = "/nonexistent/dir/x.jsonl";
	ck_assert_int_eq(run_with(&o, NULL, 5, &last), 2);
	ck_assert_int_eq(gs_gomaxprocs(), GS_ENOTRUN);
	view_screen_free(&last);
}
END_TEST

static Suite *
tui_suite(void)
{
	Suite *s = suite_create("tui");
	TCase *tc = tu_tcase("options", 10);

	tcase_add_test(tc, test_parse_defaults);
	tcase_add_test(tc, test_parse_values);
	tcase_add_test(tc, test_parse_errors);
	tcase_add_test(tc, test_parse_environment);
	tcase_add_test(tc, test_handles);
	suite_add_tcase(s, tc);
	tc = tu_tcase("paint", 10);
	tcase_add_test(tc, test_paint_mono);
	tcase_add_test(tc, test_paint_projector);
	tcase_add_test(tc, test_paint_skips_unchanged_rows);
	suite_add_tcase(s, tc);
	tc = tu_tcase("loop", 60);
	tcase_add_test(tc, test_loop_keys_then_quit);
	tcase_add_test(tc, test_loop_runs_for_seconds);
	tcase_add_test(tc, test_loop_no_terminal);
	suite_add_tcase(s, tc);
	tc = tu_tcase("lesson", 60);
	tcase_add_test(tc, test_lesson_plays_to_the_end);
	tcase_add_test(tc, test_lesson_failure_exits_1);
	tcase_add_test(tc, test_lesson_pauses_with_the_view);
	suite_add_tcase(s, tc);
	tc = tu_tcase("record", 60);
	tcase_add_checked_fixture(tc, recdir_make, recdir_remove);
	tcase_add_test(tc, test_record_key_starts_and_stops);
	tcase_add_test(tc, test_record_quit_finishes);
	tcase_add_test(tc, test_record_option_until_lesson_end);
	tcase_add_test(tc, test_record_full_disk);
	tcase_add_test(tc, test_record_refusals);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run_suite(tui_suite());
}
