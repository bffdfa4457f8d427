/*
 * check_view.c - the view model (src/ui/view*.c): snapshots and events made by
 * hand, rendered into screens of cells, and the screens read back as text.
 * No runtime and no terminal: the view model is a pure function.
 *
 * Every render goes into a screen with guard cells before and after it, so a
 * layout that writes outside the screen fails the test that drew it.
 */
#include <check.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsched.h>
#include <gsched/observe.h>

#include "ui/keys.h"
#include "format/tick.h"
#include "ui/view.h"

/* ---- snapshots made by hand ------------------------------------------------------------ */

typedef struct fix {
	gs_snapshot s;
	gs_snap_p *p;
	gs_snap_m *m;
	gs_snap_g *runq;     /* 256 per P */
	gs_snap_g glob[512]; /* the global queue's listing: head, then tail */
} fix;

static void
set_label(char *dst, const char *label)
{
	snprintf(dst, GS_LABEL_MAX, "%s", label);
}

/* np running Ps (G100+i "cpu" on M i), nm Ms: the first np running, then one
 * sysmon, the rest idle. */
static fix *
fix_new(int np, int nm)
{
	fix *f = calloc(1, sizeof *f);
	ck_assert_ptr_nonnull(f);
	f->p = calloc((size_t)np + 1, sizeof *f->p);
	f->m = calloc((size_t)nm + 1, sizeof *f->m);
	f->runq = calloc((size_t)np * 256 + 1, sizeof *f->runq);
	ck_assert(f->p && f->m && f->runq);
	gs_snapshot *s = &f->s;
	s->time_ns = 5000000000ull;
	s->np = s->max_p = np;
	s->nm = s->nm_total = s->max_m = nm;
	s->runq_max = 256;
	s->p = f->p;
	s->m = f->m;
	s->runq_store = f->runq;
	s->glob = f->glob;
	for (int i = 0; i < np; i++) {
		gs_snap_p *p = &f->p[i];
		p->id = i;
		p->status = GS_PSTATE_RUNNING;
		p->m = i;
		p->curg.id = 100 + i;
		set_label(p->curg.label, "cpu");
		p->curg.tag = GS_TAG_CPU;
		p->curg_status = GS_G_RUNNING;
		p->slice_ns = 3200000;
		p->runq = &f->runq[(size_t)i * 256];
	}
	int idle = 0, running = 0, mon = 0;
	for (int i = 0; i < nm; i++) {
		gs_snap_m *m = &f->m[i];
		m->id = i;
		m->p = -1;
		m->created_ns = 1000;
		if (i < np) {
			m->state = GS_MSTATE_RUNNING;
			m->p = i;
			m->curg = 100 + i;
			running++;
		} else if (i == np) {
			m->state = GS_MSTATE_SYSMON;
			mon++;
		} else {
			m->state = GS_MSTATE_IDLE;
			idle++;
		}
	}
	s->stats.gomaxprocs = np;
	s->stats.ncpu = 8;
	s->stats.threads = nm;
	s->stats.idle_threads = idle;
	s->stats.goroutines = np;
	s->stats.by_status[GS_G_RUNNING] = np;
	return f;
}

static void
fix_free(fix *f)
{
	free(f->p);
	free(f->m);
	free(f->runq);
	free(f);
}

/* The tag the workload named label spawns with (the fixtures' goroutines
 * are named after their workloads). */
static char
tag_of(const char *label)
{
	return strcmp(label, "cpu") == 0    ? GS_TAG_CPU
	    : strcmp(label, "sleep") == 0   ? GS_TAG_SLEEP
	    : strcmp(label, "syscall") == 0 ? GS_TAG_SYSCALL
	    : strcmp(label, "netwait") == 0 ? GS_TAG_NET
					    : GS_TAG_NONE;
}

/* P i's local queue: n goroutines labelled label, tagged as its workload
 * (all listed). */
static void
fix_queue(fix *f, int i, uint32_t n, const char *label)
{
	gs_snap_p *p = &f->p[i];
	p->runq_len = n;
	p->runq_listed = n > 256 ? 256 : n;
	for (uint32_t k = 0; k < p->runq_listed; k++) {
		p->runq[k].id = 1000 * (i + 1) + k;
		set_label(p->runq[k].label, label);
		p->runq[k].tag = tag_of(label);
	}
}

static gs_event
ev(int kind, int p, int p2, int64_t m, int64_t m2, int64_t g, int64_t arg)
{
	gs_event e;
	memset(&e, 0, sizeof e);
	e.time_ns = 5000000000ull;
	e.kind = (uint16_t)kind;
	e.p = (int16_t)p;
	e.p2 = (int16_t)p2;
	e.m = m;
	e.m2 = m2;
	e.g = g;
	e.arg = arg;
	return e;
}

/* ---- screens with guards ----------------------------------------------------------------- */

#define GUARD 4096
#define SENTINEL 0xdeadbeefu

typedef struct scr {
	view_screen s;
	view_cell *buf;
} scr;

static void
view_init(view_state *v, int w, int h)
{
	memset(v, 0, sizeof *v);
	v->width = w;
	v->height = h;
	v->tick_hz = 10;
	v->time_scale = 1;
}

/* Render m with v into a screen of exactly v's size between guard cells,
 * and check the guards. */
static void
draw(scr *o, const view_model *m, const view_state *v)
{
	size_t n = (size_t)v->width * (size_t)v->height;
	free(o->buf);
	o->buf = malloc((n + 2 * GUARD) * sizeof *o->buf);
	ck_assert_ptr_nonnull(o->buf);
	for (size_t i = 0; i < n + 2 * GUARD; i++)
		o->buf[i] = (view_cell){ SENTINEL, 0xee };
	o->s.cells = o->buf + GUARD;
	o->s.width = v->width;
	o->s.height = v->height;
	ck_assert_int_eq(view_render(m, v, &o->s), 0);
	ck_assert_ptr_eq(o->s.cells, o->buf + GUARD);
	if (getenv("VIEW_DUMP")) {
		/* a person debugging a layout sees the frames */
		char b[8192];
		for (int y = 0; y < v->height; y++) {
			view_screen_row(&o->s, y, b, sizeof b);
			fprintf(stderr, "%s|\n", b);
		}
	}
	/* One assertion per frame, not per cell: test_many_ps draws hundreds of
	 * frames, and Check's per-call bookkeeping made that its whole cost. */
	size_t bad = SIZE_MAX;
	for (size_t i = 0; i < GUARD && bad == SIZE_MAX; i++)
		if (o->buf[i].ch != SENTINEL || o->buf[GUARD + n + i].ch != SENTINEL)
			bad = i;
	ck_assert_msg(bad == SIZE_MAX, "%dx%d: a guard cell %zu was written", v->width, v->height,
	    bad);
	for (size_t i = 0; i < n && bad == SIZE_MAX; i++)
		if (o->s.cells[i].ch == SENTINEL || o->s.cells[i].attr >= VA_NATTRS)
			bad = i;
	ck_assert_msg(bad == SIZE_MAX, "%dx%d: cell %zu (%zu,%zu) not painted or bad attribute",
	    v->width, v->height, bad, bad % (size_t)(v->width ? v->width : 1),
	    bad / (size_t)(v->width ? v->width : 1));
}

static void
scr_free(scr *o)
{
	free(o->buf);
	o->buf = NULL;
}

/* The end of most tests: free the screen, the model and the fixture. */
static void
done(scr *o, view_model *m, fix *f)
{
	scr_free(o);
	view_model_free(m);
	fix_free(f);
}

static char rowbuf[8192];

static const char *
row(const scr *o, int y)
{
	view_screen_row(&o->s, y, rowbuf, sizeof rowbuf);
	return rowbuf;
}

/* The first row containing str, from row from; -1 if none. */
static int
find_row_from(const scr *o, const char *str, int from)
{
	for (int y = from; y < o->s.height; y++)
		if (strstr(row(o, y), str))
			return y;
	return -1;
}

static int
find_row(const scr *o, const char *str)
{
	return find_row_from(o, str, 0);
}

/* The first row starting with str. */
static int
row_starting(const scr *o, const char *str)
{
	for (int y = 0; y < o->s.height; y++)
		if (strncmp(row(o, y), str, strlen(str)) == 0)
			return y;
	return -1;
}

/* Column of the first cell of str in row y (code points), -1 if none. */
static int
find_col(const scr *o, int y, const char *str)
{
	int n = (int)strlen(str);
	for (int x = 0; x + n <= o->s.width; x++) {
		int k = 0;
		while (k < n && o->s.cells[y * o->s.width + x + k].ch == (unsigned char)str[k])
			k++;
		if (k == n)
			return x;
	}
	return -1;
}

static const view_cell *
cell(const scr *o, int x, int y)
{
	return &o->s.cells[y * o->s.width + x];
}

static bool
all_ascii(const scr *o)
{
	for (int i = 0; i < o->s.width * o->s.height; i++)
		if (o->s.cells[i].ch >= 128)
			return false;
	return true;
}

static view_model *
model_with(fix *f, const gs_event *e, int ne)
{
	view_model *m = view_model_new(600, 200);
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(view_model_tick(m, &f->s, e, ne, 0, NULL, 0, 0), 0);
	return m;
}

/* ---- layouts ------------------------------------------------------------------------------ */

static void
check_main(const view_model *m, int w, int h, int np)
{
	view_state v;
	scr o = { 0 };
	char b[16];

	view_init(&v, w, h);
	draw(&o, m, &v);
	for (int i = 0; i < np; i++) {
		snprintf(b, sizeof b, "P%d ", i);
		ck_assert_msg(row_starting(&o, b) > 0, "%dx%d: no row for P%d", w, h, i);
	}
	ck_assert_int_gt(find_row(&o, "GOMAXPROCS 4"), 0);
	ck_assert_int_gt(find_row(&o, "CPUs 8"), 0);
	/* the Ms with their busy breakdown; where that would crowd out a
	 * counter, without it */
	ck_assert_msg(find_row(&o, "Ms 12 (busy 5: run 4 spin 0 sys 0 sysmon 1, idle 7)") > 0 ||
		find_row(&o, "Ms 12: busy 5, idle 7") > 0,
	    "%dx%d: no Ms in the header", w, h);
	/* every figure at every width: narrower, in shorter words */
	ck_assert_int_gt(find_row(&o, w >= 80 ? "goroutines 4: 0 runnable" : "Gs 4: 0 runnable"),
	    0);
	ck_assert_int_gt(find_row(&o, "4 running"), 0);
	ck_assert_int_gt(find_row(&o, "global queue 0"), 0);
	ck_assert_int_gt(find_row(&o, "steals +0 (0)"), 0);
	ck_assert_int_gt(find_row(&o, "hand-offs +0 (0)"), 0);
	ck_assert_int_gt(find_row(&o, w >= 80 ? "preemptions +0 (0)" : "preempts +0 (0)"), 0);
	ck_assert_int_gt(find_row(&o, "10 Hz"), -1);
	ck_assert_int_gt(find_row(&o, "M0 "), 0);
	ck_assert_int_gt(find_row(&o, "sysmon"), 0);
	ck_assert_int_gt(find_row(&o, "? help"), 0);
	ck_assert_int_eq(find_row(&o, "PAUSED"), -1);
	ck_assert_int_eq(find_row(&o, "time x"), -1);
	scr_free(&o);
}

START_TEST(test_layouts)
{
	fix *f = fix_new(4, 12);
	fix_queue(f, 0, 10, "cpu");
	fix_queue(f, 2, 3, "sleep");
	view_model *m = model_with(f, NULL, 0);
	view_model_note(m, 5000000000ull, VA_NORMAL, "hello from the front end");
	check_main(m, 80, 24, 4);
	check_main(m, 120, 40, 4);
	check_main(m, 200, 60, 4);
	check_main(m, 60, 16, 4);

	/* Every size shows the whole queue of 10, head first, and the
	 * global queue's row under the Ps. */
	view_state v;
	scr o = { 0 };
	int sizes[3][2] = { { 80, 24 }, { 120, 40 }, { 200, 60 } };
	for (int k = 0; k < 3; k++) {
		view_init(&v, sizes[k][0], sizes[k][1]);
		v.ascii = true;
		draw(&o, m, &v);
		int y = row_starting(&o, "P0 ");
		ck_assert_int_gt(y, 0);
		int x0 = find_col(&o, y, "C1000 "), x9 = find_col(&o, y, "C1009 ");
		if (k == 0) {
			/* 80 columns: one cell a goroutine */
			ck_assert_int_eq(x0, -1);
			ck_assert_int_gt(find_col(&o, y, " CCCCCCCCCC "), 0);
		} else {
			ck_assert_int_gt(x0, 0);
			ck_assert_int_eq(x9, x0 + 9 * 6);
		}
		ck_assert_int_eq(row_starting(&o, "global queue"), row_starting(&o, "P3 ") + 1);
		/* The log line is there at every size. */
		ck_assert_int_gt(find_row(&o, "hello from the front end"), 0);
	}
	/* Graphs beside the log when wide (o holds 200x60), none at 80x24. */
	int gy = find_row(&o, "busy threads");
	ck_assert_int_gt(gy, 0);
	ck_assert_int_gt(find_col(&o, gy, "busy threads"), 100);
	view_init(&v, 80, 24);
	draw(&o, m, &v);
	ck_assert_int_eq(find_row(&o, "busy threads"), -1);
	done(&o, m, f);
}
END_TEST

START_TEST(test_lesson_header)
{
	fix *f = fix_new(2, 4);
	view_model *m = model_with(f, NULL, 0);
	view_state v;
	scr o = { 0 };

	view_init(&v, 100, 30);
	v.lesson = "Syscalls and threads";
	v.caption = "Watch the threads column when the syscalls start";
	v.time_scale = 0.25;
	v.tick_hz = 2.5;
	draw(&o, m, &v);
	ck_assert_int_eq(find_row(&o, "lesson: Syscalls and threads"), 0);
	ck_assert_int_eq(find_row(&o, "time x0.25"), 0);
	ck_assert_int_eq(find_row(&o, "2.5 Hz"), 0);
	ck_assert_int_eq(find_row(&o, "n N next/prev step"), 29);
	int y = find_row(&o, "Watch the threads");
	ck_assert_int_gt(y, 0);
	ck_assert_int_eq(cell(&o, find_col(&o, y, "Watch"), y)->attr, VA_CAPTION);
	/* Prompt and status in the footer. */
	v.prompt = "GOMAXPROCS: 12_";
	draw(&o, m, &v);
	ck_assert_int_eq(find_row(&o, "GOMAXPROCS: 12_"), 29);
	v.prompt = NULL;
	v.status = "GOMAXPROCS must be 1..256";
	v.status_is_error = true;
	draw(&o, m, &v);
	y = find_row(&o, "must be 1..256");
	ck_assert_int_eq(y, 29);
	ck_assert_int_eq(cell(&o, 0, y)->attr, VA_WARN);
	done(&o, m, f);
}
END_TEST

START_TEST(test_many_ms)
{
	/* 2000 Ms: 4 running, sysmon, one in a system call, two netpoll, the rest idle. */
	fix *f = fix_new(4, 2000);
	f->m[10].state = GS_MSTATE_SYSCALL;
	f->m[10].curg = 777;
	f->m[11].state = GS_MSTATE_NETPOLL;
	f->m[12].state = GS_MSTATE_NETPOLL;
	f->m[13].state = GS_MSTATE_SPINNING;
	f->m[13].p = 3;
	f->m[1999].created_ns = f->s.time_ns - 1000; /* a new idle M */
	f->s.stats.idle_threads = 2000 - 4 - 1 - 4;
	f->s.os_threads = 2010; /* the Ms, and threads of the program's own */
	view_model *m = model_with(f, NULL, 0);
	view_state v;
	scr o = { 0 };
	int sizes[3][2] = { { 80, 24 }, { 120, 40 }, { 200, 60 } };

	for (int k = 0; k < 3; k++) {
		view_init(&v, sizes[k][0], sizes[k][1]);
		draw(&o, m, &v);
		/* The Ms without a P, by state, the interesting first: each group
		 * counted exactly, the Ms that do not fit summed in "+N". */
		int ys = find_row(&o, "in syscall 1: M10:G777");
		ck_assert_msg(ys > 0, "%dx%d: no syscall group", sizes[k][0], sizes[k][1]);
		ck_assert_int_eq(find_row(&o, "netpoller 2: M11 M12"), ys);
		int yi = find_row(&o, "idle 1991:");
		ck_assert_int_ge(yi, ys);
		const char *r = strstr(row(&o, yi), "idle 1991:");
		int shown_idle = 0;
		for (const char *p = strchr(r, 'M'); p; p = strchr(p + 1, 'M'))
			shown_idle++;
		const char *plus = strchr(r, '+');
		ck_assert_ptr_nonnull(plus);
		ck_assert_int_eq(shown_idle + atoi(plus + 1), 1991);
		ck_assert_int_gt(find_row(&o, "sysmon 1: M4"), 0);
		/* the spinning M holds P3: on the P rows, not among these */
		ck_assert_int_eq(find_row(&o, "spinning"), -1);
		ck_assert_int_gt(find_row(&o, "Ms (threads): 2000, 5 holding a P"), 0);
		/* Busy threads: run 4 + spin 1 + sys 1 + net 2 + sysmon 1; the
		 * process's threads beside the Ms.  At 80 columns the breakdown
		 * gives way, and nothing else in the header does. */
		ck_assert_int_gt(find_row(&o, "OS threads 2010  Ms 2000"), 0);
		if (sizes[k][0] > 80) {
			ck_assert_int_gt(find_row(&o, "Ms 2000 (busy 9: run 4 spin 1 sys 1 net 2"),
			    0);
		} else {
			ck_assert_int_gt(find_row(&o, "Ms 2000: busy 9, idle 1991"), 0);
			for (int i = 0; i < 6; i++) {
				static const char *const vital[] = { "GOMAXPROCS 4", "CPUs 8",
					"goroutines 4: ", "global queue 0", "steals +0 (0)",
					"preemptions +0 (0)" };
				ck_assert_msg(find_row(&o, vital[i]) > 0 &&
					find_row(&o, vital[i]) <= 3,
				    "80x24: '%s' not in the header", vital[i]);
			}
			ck_assert_int_gt(find_row(&o, "hand-offs +0 (0)"), 0);
		}
	}
	scr_free(&o);
	view_model_free(m);

	/* A snapshot listing fewer Ms than exist says so. */
	f->s.nm = 300;
	f->s.nm_total = 2000;
	m = model_with(f, NULL, 0);
	view_init(&v, 80, 24);
	draw(&o, m, &v);
	ck_assert_int_gt(find_row(&o, "+1700 Ms not listed"), 0);
	done(&o, m, f);
}
END_TEST

START_TEST(test_many_ps)
{
	fix *f = fix_new(64, 2000);
	for (int i = 0; i < 64; i++)
		fix_queue(f, i, (uint32_t)(i * 4), i % 2 ? "sleep" : "cpu");
	gs_event e = ev(GS_EV_STEAL, 5, 6, 5, -1, 0, 32);
	view_model *m = model_with(f, &e, 1);
	view_state v;
	scr o = { 0 };
	char b[16];

	/* 200x60 has room for every P in the grid. */
	view_init(&v, 200, 60);
	draw(&o, m, &v);
	for (int i = 0; i < 64; i++) {
		snprintf(b, sizeof b, "P%d ", i);
		ck_assert_msg(find_row(&o, b) > 0, "no P%d", i);
	}
	ck_assert_int_gt(find_row(&o, "idle 1935:"), 0);
	ck_assert_int_gt(row_starting(&o, "global queue"), find_row(&o, "P63 "));
	/* 80x24 shows what fits and says how many more there are. */
	view_init(&v, 80, 24);
	v.caption = "a caption takes a row";
	draw(&o, m, &v);
	ck_assert_int_gt(find_row(&o, "P0 "), 0);
	ck_assert_int_gt(find_row(&o, "more Ps"), 0);
	ck_assert_int_gt(row_starting(&o, "global queue"), find_row(&o, "more Ps"));
	/* The grid marks the steal: P5 took from P6. */
	int y5 = find_row(&o, "P5 "), y6 = find_row(&o, "P6 ");
	ck_assert_int_gt(y5, 0);
	ck_assert_int_gt(y6, 0);
	const char *r5 = strstr(row(&o, y5), "P5 ");
	ck_assert_ptr_nonnull(strchr(r5, '<'));
	int x5 = find_col(&o, y5, "P5 ");
	int x6 = find_col(&o, y6, "P6 ");
	int lt = -1, gt = -1;
	for (int x = x5; x < x5 + 20 && x < o.s.width; x++)
		if (cell(&o, x, y5)->ch == '<')
			lt = x;
	for (int x = x6; x < x6 + 20 && x < o.s.width; x++)
		if (cell(&o, x, y6)->ch == '>')
			gt = x;
	ck_assert_int_gt(lt, 0);
	ck_assert_int_gt(gt, 0);
	ck_assert_int_eq(cell(&o, lt, y5)->attr, VA_STEAL);
	/* Every size from tiny to large stays on the screen (draw checks the guards). */
	for (int w = 1; w <= 130; w += 7)
		for (int h = 1; h <= 50; h += 3) {
			view_init(&v, w, h);
			draw(&o, m, &v);
			v.projector = true;
			draw(&o, m, &v);
		}
	done(&o, m, f);
}
END_TEST

/* ---- queue bars ------------------------------------------------------------------------- */

START_TEST(test_queue_bars)
{
	static const uint32_t lens[4] = { 0, 1, 128, 256 };
	fix *f = fix_new(4, 6);
	for (int i = 0; i < 4; i++)
		fix_queue(f, i, lens[i], "cpu");
	view_model *m = model_with(f, NULL, 0);
	view_state v;
	scr o = { 0 };
	int sizes[3][2] = { { 80, 24 }, { 120, 40 }, { 200, 60 } };

	for (int k = 0; k < 3; k++) {
		view_init(&v, sizes[k][0], sizes[k][1]);
		v.ascii = true;
		draw(&o, m, &v);
		int barw = -1, filled[4];
		for (int i = 0; i < 4; i++) {
			char b[16];
			snprintf(b, sizeof b, "P%d ", i);
			int y = row_starting(&o, b);
			ck_assert_int_gt(y, 0);
			/* The bar: the longest run of '#' and '.' cells. */
			int hash = 0, dots = 0, best = 0;
			for (int x = 0; x < o.s.width; x++) {
				int hh = 0, dd = 0, k2 = x;
				for (; k2 < o.s.width; k2++) {
					uint32_t ch = cell(&o, k2, y)->ch;
					if (ch == '#')
						hh++;
					else if (ch == '.')
						dd++;
					else
						break;
				}
				if (k2 - x > best) {
					best = k2 - x;
					hash = hh;
					dots = dd;
				}
			}
			if (barw < 0)
				barw = hash + dots;
			ck_assert_int_eq(hash + dots, barw);
			filled[i] = hash;
			snprintf(b, sizeof b, " %u ", lens[i]);
			ck_assert_msg(strstr(row(&o, y), b), "count %u not in '%s'", lens[i],
			    row(&o, y));
		}
		ck_assert_int_eq(barw, 3); /* a thin gauge of the 256 slots */
		ck_assert_int_eq(filled[0], 0);
		ck_assert_int_eq(filled[1], 1);
		ck_assert_int_eq(filled[2], (barw + 1) / 2);
		ck_assert_int_eq(filled[3], barw);
		ck_assert(all_ascii(&o));

		/* UTF-8: full blocks and eighths, the same proportions. */
		v.ascii = false;
		draw(&o, m, &v);
		for (int i = 0; i < 4; i++) {
			char b[16];
			snprintf(b, sizeof b, "P%d ", i);
			int y = row_starting(&o, b);
			int eighths = 0;
			for (int x = 0; x < o.s.width; x++) {
				uint32_t c = cell(&o, x, y)->ch;
				if (c == 0x2588)
					eighths += 8;
				else if (c >= 0x2589 && c <= 0x258f)
					eighths += (int)(0x2590 - c);
				if (c >= 0x2588 && c <= 0x258f)
					ck_assert_int_eq(cell(&o, x, y)->attr, VA_KIND_CPU);
			}
			int want = (int)(((uint64_t)lens[i] * (uint64_t)barw * 8 + 255) / 256);
			ck_assert_int_eq(eighths, want);
		}
	}
	done(&o, m, f);
}
END_TEST

START_TEST(test_queue_kinds)
{
	fix *f = fix_new(2, 4);
	/* the kinds come from the tags, not the labels: a lesson labels
	 * its goroutines as it likes */
	fix_queue(f, 0, 6, "task");
	for (int k = 0; k < 3; k++)
		f->p[0].runq[k].tag = GS_TAG_CPU;
	f->p[0].runq[3].tag = GS_TAG_LOOP;
	f->p[0].runq[4].tag = GS_TAG_SLEEP;
	f->p[0].runq[5].tag = GS_TAG_HTTP;
	fix_queue(f, 1, 3, "syscall");
	set_label(f->p[1].runq[2].label, "cpu"); /* a label alone: no kind */
	f->p[1].runq[2].tag = GS_TAG_NONE;
	view_model *m = model_with(f, NULL, 0);
	view_state v;
	scr o = { 0 };

	view_init(&v, 120, 40);
	draw(&o, m, &v);
	int y0 = row_starting(&o, "P0 "), y1 = row_starting(&o, "P1 ");
	ck_assert_ptr_nonnull(strstr(row(&o, y0), "C1000 C1001 C1002 L1003 S1004 H1005"));
	int x = find_col(&o, y0, "C1000");
	ck_assert_int_eq(cell(&o, x, y0)->attr, VA_KIND_CPU);
	x = find_col(&o, y0, "S1004");
	ck_assert_int_eq(cell(&o, x, y0)->attr, VA_KIND_SLEEP);
	x = find_col(&o, y0, "H1005");
	ck_assert_int_eq(cell(&o, x, y0)->attr, VA_KIND_NET);
	ck_assert_ptr_nonnull(strstr(row(&o, y1), "B2000 B2001 o2002"));
	x = find_col(&o, y1, "B2000");
	ck_assert_int_eq(cell(&o, x, y1)->attr, VA_KIND_SYSCALL);
	x = find_col(&o, y1, "o2002");
	ck_assert_int_eq(cell(&o, x, y1)->attr, VA_KIND_OTHER);
	/* P detail counts the kinds */
	v.mode = VIEW_PDETAIL;
	v.focus_p = 0;
	draw(&o, m, &v);
	ck_assert_int_gt(find_row(&o, "C3 L1 S1 H1"), 0);

	/* view_g_kind: gsched's tags are their own letters, in the queues'
	 * order; any other byte is o */
	view_attr a;
	char c;
	ck_assert_int_eq(view_g_kind(GS_TAG_CPU, &c, &a), 0);
	ck_assert_int_eq(c, 'C');
	ck_assert_int_eq(a, VA_KIND_CPU);
	ck_assert_int_eq(view_g_kind(GS_TAG_SYSCALL, &c, &a), 3);
	ck_assert_int_eq(c, 'B');
	ck_assert_int_eq(a, VA_KIND_SYSCALL);
	ck_assert_int_eq(view_g_kind(GS_TAG_THREAD, &c, NULL), 6);
	ck_assert_int_eq(c, 'T');
	ck_assert_int_eq(view_g_kind(GS_TAG_NONE, &c, &a), VIEW_KINDS - 1);
	ck_assert_int_eq(c, 'o');
	ck_assert_int_eq(a, VA_KIND_OTHER);
	ck_assert_int_eq(view_g_kind('x', &c, &a), VIEW_KINDS - 1);
	ck_assert_int_eq(c, 'o');
	done(&o, m, f);
}
END_TEST

/* ---- ASCII and monochrome ------------------------------------------------------------------ */

START_TEST(test_ascii_mode)
{
	fix *f = fix_new(4, 40);
	fix_queue(f, 0, 200, "cpu");
	fix_queue(f, 1, 7, "sleep");
	set_label(f->p[1].runq[0].label, "caf\xc3\xa9");
	gs_snap_ginfo gl[3] = {
		{ .id = 5, .status = GS_G_RUNNABLE, .m = -1, .label = "na\xc3\xafve" },
		{ .id = 6,
		    .status = GS_G_WAITING,
		    .waitreason = GS_WAIT_SLEEP,
		    .m = -1,
		    .label = "sleep" },
		{ .id = 7, .status = GS_G_RUNNING, .m = 2, .label = "cpu" },
	};
	view_model *m = view_model_new(600, 100);
	for (int t = 0; t < 30; t++) {
		f->s.stats.threads = 40 + t;
		gs_event e = ev(GS_EV_STEAL, 1, 0, 1, -1, 0, t + 1);
		ck_assert_int_eq(view_model_tick(m, &f->s, &e, 1, 0, gl, 3, 3), 0);
	}
	view_model_note(m, 5000000000ull, VA_OK, "expectation met \xe2\x9c\x93");
	view_state v;
	scr o = { 0 };
	int sizes[4][2] = { { 80, 24 }, { 120, 40 }, { 200, 60 }, { 40, 10 } };
	view_mode modes[6] = { VIEW_MAIN, VIEW_HELP, VIEW_PDETAIL, VIEW_MDETAIL, VIEW_GLIST,
		VIEW_LOG };

	for (int k = 0; k < 4; k++)
		for (int md = 0; md < 6; md++) {
			view_init(&v, sizes[k][0], sizes[k][1]);
			v.ascii = true;
			v.mode = modes[md];
			v.focus_p = 1;
			v.focus_m = 2;
			v.caption = "\xe2\x86\x92 caption with an arrow";
			v.paused = true;
			draw(&o, m, &v);
			ck_assert_msg(all_ascii(&o), "mode %d at %dx%d has non-ASCII", md,
			    sizes[k][0], sizes[k][1]);
			v.mono = true;
			draw(&o, m, &v);
			ck_assert(all_ascii(&o));
		}
	/* Without ascii, the same screen does use block elements and sparklines. */
	view_init(&v, 120, 40);
	draw(&o, m, &v);
	ck_assert(!all_ascii(&o));
	done(&o, m, f);
}
END_TEST

/* A token row's goroutines, as drawn one cell each: the letters from x up
 * to the "+N" that ends them; *more gets N (0 when none). */
static int
letters_at(const scr *o, int y, int x, char letter, int *more)
{
	int n = 0;
	*more = 0;
	for (; x < o->s.width; x++) {
		uint32_t ch = cell(o, x, y)->ch;
		if (ch == (uint32_t)letter)
			n++;
		else if (ch == '+') {
			for (int k = x + 1; k < o->s.width; k++) {
				uint32_t d = cell(o, k, y)->ch;
				if (d < '0' || d > '9')
					break;
				*more = *more * 10 + (int)(d - '0');
			}
			break;
		} else if (ch != ' ')
			break;
	}
	return n;
}

START_TEST(test_mono_mode)
{
	fix *f = fix_new(2, 4);
	fix_queue(f, 0, 128, "cpu");
	for (int k = 64; k < 128; k++)
		f->p[0].runq[k].tag = GS_TAG_SLEEP;
	view_model *m = model_with(f, NULL, 0);
	view_state v;
	scr o = { 0 };

	view_init(&v, 120, 40);
	v.mono = true;
	draw(&o, m, &v);
	int y = row_starting(&o, "P0 ");
	ck_assert_int_gt(y, 0);
	/* The bar spells the kinds: C cells first (head of the queue), then S. */
	const char *r = row(&o, y);
	const char *c = strstr(r, "CCCC");
	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_nonnull(strstr(c, "SSSS"));
	int x = find_col(&o, y, "CCCC"), more, ncs = letters_at(&o, y, x, 'C', &more);
	ck_assert_int_eq(ncs, 64);
	ck_assert_int_eq(more, 0);
	int ns = letters_at(&o, y, x + 64, 'S', &more);
	ck_assert_int_eq(ns + more, 64);
	/* State letters and words are there without colour. */
	ck_assert_ptr_nonnull(strstr(r, "R run"));
	ck_assert_int_gt(find_row(&o, "sysmon 1: M2"), 0);
	ck_assert_int_gt(find_row(&o, "idle 1: M3"), 0);
	done(&o, m, f);
}
END_TEST

/* ---- marks ---------------------------------------------------------------------------- */

START_TEST(test_paused)
{
	fix *f = fix_new(2, 4);
	view_model *m = model_with(f, NULL, 0);
	view_state v;
	scr o = { 0 };

	view_init(&v, 80, 24);
	v.paused = true;
	draw(&o, m, &v);
	ck_assert_int_eq(find_row(&o, "PAUSED"), 0);
	int x = find_col(&o, 0, "PAUSED");
	for (int i = 0; i < 6; i++)
		ck_assert_int_eq(cell(&o, x + i, 0)->attr, VA_PAUSED);
	ck_assert_int_eq(find_row(&o, "WORLD STOPPED"), -1);
	v.world_stopped = true;
	draw(&o, m, &v);
	x = find_col(&o, 0, "WORLD STOPPED");
	ck_assert_int_ge(x, 0);
	ck_assert_int_eq(cell(&o, x, 0)->attr, VA_PAUSED);
	ck_assert_int_ge(find_col(&o, 0, "PAUSED"), 0);
	v.paused = false;
	draw(&o, m, &v);
	ck_assert_int_eq(find_col(&o, 0, "PAUSED"), -1);
	/* The title bar is the title attribute elsewhere. */
	ck_assert_int_eq(cell(&o, 1, 0)->attr, VA_TITLE);
	done(&o, m, f);
}
END_TEST

START_TEST(test_steal_marks)
{
	fix *f = fix_new(3, 6);
	fix_queue(f, 0, 64, "cpu");
	fix_queue(f, 1, 64, "cpu");
	view_model *m = view_model_new(600, 100);
	ck_assert_int_eq(view_model_tick(m, &f->s, NULL, 0, 0, NULL, 0, 0), 0);
	gs_event e[3] = {
		ev(GS_EV_STEAL, 1, 0, 1, -1, 0, 64),
		ev(GS_EV_PREEMPT, 2, -1, 2, -1, 102, 1),
		ev(GS_EV_HANDOFF, 2, -1, 2, 4, 0, 0),
	};
	f->s.stats.steals = 1;
	f->s.stats.stolen = 64;
	f->s.stats.handoffs = 1;
	f->s.stats.preempt_async = 1;
	ck_assert_int_eq(view_model_tick(m, &f->s, e, 3, 0, NULL, 0, 0), 0);
	view_state v;
	scr o = { 0 };

	view_init(&v, 120, 40);
	draw(&o, m, &v);
	int y1 = row_starting(&o, "P1 "), y0 = row_starting(&o, "P0 "),
	    y2 = row_starting(&o, "P2 ");
	int x = find_col(&o, y1, "from P0 x64");
	ck_assert_int_gt(x, 0);
	ck_assert_int_eq(cell(&o, x, y1)->attr, VA_STEAL);
	x = find_col(&o, y0, "to P1 x64");
	ck_assert_int_gt(x, 0);
	ck_assert_int_eq(cell(&o, x, y0)->attr, VA_STEAL);
	x = find_col(&o, y2, "preempt");
	ck_assert_int_gt(x, 0);
	ck_assert_int_eq(cell(&o, x, y2)->attr, VA_PREEMPT);
	x = find_col(&o, y2, "handoff");
	ck_assert_int_gt(x, 0);
	ck_assert_int_eq(cell(&o, x, y2)->attr, VA_HANDOFF);
	ck_assert_int_gt(find_row(&o, "steals +1 (1)"), 0);
	ck_assert_int_gt(find_row(&o, "hand-offs +1 (1)"), 0);
	ck_assert_int_gt(find_row(&o, "preemptions +1 (1)"), 0);
	int l = find_row(&o, "P1 stole 64 goroutines from P0");
	ck_assert_int_gt(l, y2);
	ck_assert_int_eq(cell(&o, find_col(&o, l, "P1 stole"), l)->attr, VA_STEAL);
	/* The previous snapshot saw G102 run for 3.2 ms on P2. */
	ck_assert_int_gt(find_row(&o, "G102 on P2 preempted (signal)"), 0);
	view_init(&v, 200, 60);
	v.mode = VIEW_LOG;
	draw(&o, m, &v);
	ck_assert_int_gt(find_row(&o,
			     "G102 on P2 preempted (signal) after running at least 3.2 ms"),
	    0);
	view_init(&v, 120, 40);
	ck_assert_int_gt(find_row(&o, "M2 handed P2 to M4"), 0);

	/* A tick later the marks are held, dim: not this tick's. */
	f->s.time_ns += 100000000;
	ck_assert_int_eq(view_model_tick(m, &f->s, NULL, 0, 0, NULL, 0, 0), 0);
	draw(&o, m, &v);
	x = find_col(&o, row_starting(&o, "P1 "), "from P0 x64");
	ck_assert_int_gt(x, 0);
	ck_assert_int_eq(cell(&o, x, row_starting(&o, "P1 "))->attr, VA_DIM);
	ck_assert_int_gt(find_col(&o, row_starting(&o, "P2 "), "preempt"), 0);
	ck_assert_int_gt(find_row(&o, "steals +0 (1)"), 0);
	/* Gone once VIEW_MARK_HOLD_NS has passed since their tick, and
	 * VIEW_MARK_MIN_TICKS frames. */
	f->s.time_ns += VIEW_MARK_HOLD_NS;
	ck_assert_int_eq(view_model_tick(m, &f->s, NULL, 0, 0, NULL, 0, 0), 0);
	ck_assert_int_eq(view_model_tick(m, &f->s, NULL, 0, 0, NULL, 0, 0), 0);
	draw(&o, m, &v);
	ck_assert_int_eq(find_col(&o, row_starting(&o, "P1 "), "from P0"), -1);
	ck_assert_int_eq(find_col(&o, row_starting(&o, "P0 "), "to P1"), -1);
	ck_assert_int_eq(find_col(&o, row_starting(&o, "P2 "), "preempt"), -1);
	ck_assert_int_eq(find_col(&o, row_starting(&o, "P2 "), "handoff"), -1);
	/* The log keeps the sentence. */
	ck_assert_int_gt(find_row(&o, "P1 stole 64 goroutines from P0"), 0);
	done(&o, m, f);
}
END_TEST

/* Feed ticks of period_ns after a steal (P1 from P0) until its mark leaves
 * P1's row; the ticks that showed it, the steal's own included. */
static int
frames_with_steal(uint64_t period_ns)
{
	fix *f = fix_new(2, 4);
	view_model *m = view_model_new(600, 100);
	view_state v;
	scr o = { 0 };
	gs_event e = ev(GS_EV_STEAL, 1, 0, 1, -1, 0, 8);
	int frames = 0;

	view_init(&v, 120, 40);
	ck_assert_int_eq(view_model_tick(m, &f->s, &e, 1, 0, NULL, 0, 0), 0);
	for (int i = 0; i < 100000; i++) {
		draw(&o, m, &v);
		if (find_col(&o, row_starting(&o, "P1 "), "from P0 x8") < 0)
			break;
		frames++;
		f->s.time_ns += period_ns;
		ck_assert_int_eq(view_model_tick(m, &f->s, NULL, 0, 0, NULL, 0, 0), 0);
	}
	done(&o, m, f);
	return frames;
}

/* A steal's mark stays VIEW_MARK_HOLD_NS of snapshot time at any tick rate:
 * at 10 Hz that is 15 frames (at least 10, the issue's "about a second");
 * at 50 Hz 75; at 0.5 Hz VIEW_MARK_MIN_TICKS frames, so a slow tick rate
 * still shows it on more than one. */
START_TEST(test_marks_held)
{
	ck_assert_int_eq(frames_with_steal(100000000), 15);
	ck_assert_int_eq(frames_with_steal(20000000), 75);
	ck_assert_int_eq(frames_with_steal(2000000000), VIEW_MARK_MIN_TICKS);
	/* held marks are at least 1 s of wall time at every rate the keys give */
	for (uint64_t period = 20000000; period <= 2000000000; period *= 3)
		ck_assert_uint_ge(frames_with_steal(period) * period, 1000000000ull);
}
END_TEST

/* A new steal replaces the one held (and is bright again); a P that
 * GOMAXPROCS removed and brought back starts without marks. */
START_TEST(test_marks_replaced)
{
	fix *f = fix_new(3, 6);
	view_model *m = view_model_new(600, 100);
	view_state v;
	scr o = { 0 };
	gs_event e1 = ev(GS_EV_STEAL, 1, 0, 1, -1, 0, 8);
	gs_event e2 = ev(GS_EV_STEAL, 1, 2, 1, -1, 0, 5);
	gs_event e3 = ev(GS_EV_PREEMPT, 2, -1, 2, -1, 102, 1);

	view_init(&v, 120, 40);
	ck_assert_int_eq(view_model_tick(m, &f->s, &e1, 1, 0, NULL, 0, 0), 0);
	f->s.time_ns += 500000000;
	ck_assert_int_eq(view_model_tick(m, &f->s, &e2, 1, 0, NULL, 0, 0), 0);
	draw(&o, m, &v);
	int y1 = row_starting(&o, "P1 ");
	ck_assert_int_eq(find_col(&o, y1, "from P0"), -1);
	int x = find_col(&o, y1, "from P2 x5");
	ck_assert_int_gt(x, 0);
	ck_assert_int_eq(cell(&o, x, y1)->attr, VA_STEAL);
	/* P0 was stolen from 0.5 s ago: held; P2 just now */
	ck_assert_int_gt(find_col(&o, row_starting(&o, "P0 "), "to P1 x8"), 0);
	ck_assert_int_gt(find_col(&o, row_starting(&o, "P2 "), "to P1 x5"), 0);
	/* GOMAXPROCS 3 -> 2 -> 3: P2's marks went with it */
	f->s.time_ns += 100000000;
	ck_assert_int_eq(view_model_tick(m, &f->s, &e3, 1, 0, NULL, 0, 0), 0);
	f->s.np = 2;
	f->s.time_ns += 100000000;
	ck_assert_int_eq(view_model_tick(m, &f->s, NULL, 0, 0, NULL, 0, 0), 0);
	f->s.np = 3;
	f->s.time_ns += 100000000;
	ck_assert_int_eq(view_model_tick(m, &f->s, NULL, 0, 0, NULL, 0, 0), 0);
	draw(&o, m, &v);
	int y2 = row_starting(&o, "P2 ");
	ck_assert_int_eq(find_col(&o, y2, "to P1"), -1);
	ck_assert_int_eq(find_col(&o, y2, "preempt"), -1);
	ck_assert_int_gt(find_col(&o, row_starting(&o, "P1 "), "from P2 x5"), 0);
	done(&o, m, f);
}
END_TEST

/* Slow motion: the title says SLOW xN, the P row's slice is the real-speed
 * one after a '~', P detail and the log say both; REC while recording. */
START_TEST(test_slow_and_rec)
{
	fix *f = fix_new(3, 6);
	view_model *m = view_model_new(600, 100);
	view_state v;
	scr o = { 0 };

	view_model_set_timescale(m, 20);
	f->p[2].slice_ns = 190000000; /* 9.5 ms at real speed */
	ck_assert_int_eq(view_model_tick(m, &f->s, NULL, 0, 0, NULL, 0, 0), 0);
	gs_event e = ev(GS_EV_PREEMPT, 2, -1, 2, -1, 102, 1);
	f->s.time_ns += 100000000;
	ck_assert_int_eq(view_model_tick(m, &f->s, &e, 1, 0, NULL, 0, 0), 0);
	view_init(&v, 80, 24);
	v.slow = 20;
	v.recording = true;
	draw(&o, m, &v);
	int x = find_col(&o, 0, "SLOW x20");
	ck_assert_int_gt(x, 0);
	ck_assert_int_eq(cell(&o, x, 0)->attr, VA_PAUSED);
	ck_assert_int_gt(find_col(&o, 0, " REC "), 0);
	ck_assert_int_gt(find_col(&o, row_starting(&o, "P2 "), "~9.5 ms"), 0);
	ck_assert_int_gt(find_col(&o, row_starting(&o, "P0 "), "~160 us"), 0);
	view_init(&v, 200, 60);
	v.slow = 20;
	v.mode = VIEW_LOG;
	draw(&o, m, &v);
	ck_assert_int_gt(find_row(&o,
			     "G102 on P2 preempted (signal) after running at least 190 "
			     "ms (x20 slow: 9.5 ms real-speed)"),
	    0);
	v.mode = VIEW_PDETAIL;
	v.focus_p = 2;
	draw(&o, m, &v);
	ck_assert_int_gt(find_row(&o, "slice 190 ms (x20 slow: 9.5 ms real-speed)"), 0);
	/* at real speed none of it */
	view_init(&v, 80, 24);
	draw(&o, m, &v);
	ck_assert_int_eq(find_col(&o, 0, "SLOW"), -1);
	ck_assert_int_eq(find_col(&o, 0, "REC"), -1);
	ck_assert_int_gt(find_col(&o, row_starting(&o, "P2 "), "190 ms"), 0);
	ck_assert_int_eq(find_col(&o, row_starting(&o, "P2 "), "~"), -1);
	done(&o, m, f);
}
END_TEST

/* A foreign program (gsched go): what its ticks lack is said, never drawn
 * as 0; inferred hand-offs are marked; the format is in the title.  And
 * gsched's own runtime (lacks 0) shows none of it. */
START_TEST(test_foreign)
{
	fix *f = fix_new(2, 4);
	view_model *m = view_model_new(600, 100);
	view_state v;
	scr o = { 0 };
	const unsigned detail =
	    TICK_LACKS_STEALS | TICK_LACKS_EVENTS | TICK_LACKS_ACCOUNTING | TICK_EVENTS_INFERRED;

	view_model_set_lacks(m, detail);
	ck_assert_int_eq(view_model_tick(m, &f->s, NULL, 0, 0, NULL, 0, 0), 0);
	gs_event e = ev(GS_EV_HANDOFF, 1, -1, 1, 3, 0, 0);
	f->s.time_ns += 100000000;
	ck_assert_int_eq(view_model_tick(m, &f->s, &e, 1, 0, NULL, 0, 0), 0);
	view_init(&v, 120, 40);
	v.foreign = "Go 1.21+ schedtrace with scheddetail";
	v.lacks = detail;
	draw(&o, m, &v);
	ck_assert_int_gt(find_col(&o, 0, "Go 1.21+ schedtrace with scheddetail"), 0);
	ck_assert_int_ge(find_row(&o, "steals: not reported by Go"), 1);
	ck_assert_int_ge(find_row(&o, "preemptions: not reported by Go"), 1);
	ck_assert_int_ge(find_row(&o, "hand-offs inferred +1"), 1);
	ck_assert_int_ge(find_row(&o, "steals/tick: not reported by Go"), 1);
	ck_assert_int_eq(find_row(&o, "steals +"), -1);
	/* the line may wrap in the log panel: its start, and its mark */
	int hl = find_row(&o, "P1 went from M1 to M3 while its goroutine");
	ck_assert_int_ge(hl, 1);
	ck_assert_int_ge(find_row_from(&o, "(inferred)", hl), hl);
	ck_assert_int_eq(find_row(&o, "work was waiting"), -1); /* a why nobody saw */
	/* nor in the summary of the second that follows */
	f->s.time_ns += 100000000;
	e.time_ns = f->s.time_ns;
	ck_assert_int_eq(view_model_tick(m, &f->s, &e, 1, 0, NULL, 0, 0), 0);
	f->s.time_ns += 1000000000;
	ck_assert_int_eq(view_model_tick(m, &f->s, NULL, 0, 0, NULL, 0, 0), 0);
	draw(&o, m, &v);
	ck_assert_int_ge(find_row(&o, "2 hand-offs on P1 (inferred)"), 1);
	ck_assert_int_eq(find_row(&o, "with work waiting"), -1);
	ck_assert_int_ge(find_row(&o, "not for Go"), 1); /* the footer */
	v.mode = VIEW_PDETAIL;
	v.focus_p = 1;
	draw(&o, m, &v);
	ck_assert_int_ge(find_row(&o, "steals         not reported by Go"), 1);
	ck_assert_int_ge(find_row(&o, "time           not reported by Go"), 1);
	/* plain schedtrace: totals only */
	view_init(&v, 120, 40);
	v.foreign = "Go 1.21+ schedtrace, totals only";
	v.lacks = detail | TICK_LACKS_MS | TICK_LACKS_GOROUTINES | TICK_LACKS_PSTATUS;
	draw(&o, m, &v);
	ck_assert_int_ge(find_row(&o, "goroutines: not in plain schedtrace"), 1);
	ck_assert_int_ge(find_row(&o, "hand-offs: not in plain schedtrace"), 1);
	ck_assert_int_eq(find_row(&o, "hand-offs inferred"), -1); /* no M list to infer from */
	ck_assert_int_ge(find_row(&o, "no M list"), 1);
	ck_assert_int_ge(row_starting(&o, "P0 ? n/a"), 1);
	ck_assert_int_ge(find_row(&o, "runnable Gs: not in plain schedtrace"), 1);
	/* gsched's own runtime: measured figures, no foreign words */
	view_model *own = view_model_new(600, 100);
	ck_assert_int_eq(view_model_tick(own, &f->s, &e, 1, 0, NULL, 0, 0), 0);
	view_init(&v, 120, 40);
	draw(&o, own, &v);
	ck_assert_int_eq(find_row(&o, "not reported"), -1);
	ck_assert_int_eq(find_row(&o, "inferred"), -1);
	ck_assert_int_eq(find_row(&o, "not for Go"), -1);
	ck_assert_int_ge(find_row(&o, "steals +0"), 1);
	view_model_free(own);
	done(&o, m, f);
}
END_TEST

/* ---- the log ------------------------------------------------------------------------------- */

START_TEST(test_sentences)
{
	char b[256];

	for (int k = 0; k < GS_EV_NKINDS + 2; k++) {
		gs_event e = ev(k, 1, 0, 7, 9, 812, 64);
		set_label(e.label, "cpu");
		b[0] = '\0';
		view_event_sentence(&e, b, sizeof b);
		ck_assert_msg(strlen(b) > 5, "kind %d: '%s'", k, b);
		ck_assert_ptr_null(strstr(b, "(null)"));
	}
	gs_event e = ev(GS_EV_STEAL, 1, 0, 7, -1, 0, 64);
	ck_assert(view_event_sentence(&e, b, sizeof b));
	ck_assert_str_eq(b, "P1 stole 64 goroutines from P0");
	e = ev(GS_EV_STEAL, 1, 0, 7, -1, 0, 1);
	view_event_sentence(&e, b, sizeof b);
	ck_assert_str_eq(b, "P1 stole 1 goroutine from P0");
	e = ev(GS_EV_PROCRESIZE, 4, 2, 0, -1, 0, 85000);
	ck_assert(view_event_sentence(&e, b, sizeof b));
	ck_assert_str_eq(b, "GOMAXPROCS 2 -> 4 (world stopped 85 us)");
	e = ev(GS_EV_RETAKE, 0, -1, 7, -1, 0, 0);
	ck_assert(view_event_sentence(&e, b, sizeof b));
	ck_assert_str_eq(b, "sysmon took P0 from M7 (in a system call)");
	e = ev(GS_EV_HANDOFF, 0, -1, 7, 9, 0, 0);
	ck_assert(view_event_sentence(&e, b, sizeof b));
	ck_assert_str_eq(b, "M7 handed P0 to M9 (work was waiting)");
	e = ev(GS_EV_HANDOFF, 0, -1, 7, -1, 0, 3);
	view_event_sentence(&e, b, sizeof b);
	ck_assert_ptr_nonnull(strstr(b, "went idle"));
	e = ev(GS_EV_M_CREATE, 0, -1, 9, 3, 0, 0);
	ck_assert(view_event_sentence(&e, b, sizeof b));
	ck_assert_str_eq(b, "M9 created (a new thread) for P0");
	e = ev(GS_EV_PREEMPT, 1, -1, 3, -1, 812, 0);
	ck_assert(view_event_sentence(&e, b, sizeof b));
	ck_assert_str_eq(b, "G812 on P1 preempted (yielded at a check)");
	e = ev(GS_EV_GLOBAL_PUT, 0, -1, 3, GS_GPUT_OVERFLOW, 0, 129);
	ck_assert(view_event_sentence(&e, b, sizeof b));
	ck_assert_ptr_nonnull(strstr(b, "129 goroutines moved to the global queue"));
	/* Only an overflow is listed: yields and injections are routine. */
	e = ev(GS_EV_GLOBAL_PUT, 0, -1, 3, GS_GPUT_YIELD, 77, 1);
	ck_assert(!view_event_sentence(&e, b, sizeof b));
	ck_assert_str_eq(b, "G77 yielded on P0: put on the global queue");
	e = ev(GS_EV_GLOBAL_PUT, -1, -1, 3, GS_GPUT_INJECT, 0, 2);
	ck_assert(!view_event_sentence(&e, b, sizeof b));
	ck_assert_ptr_null(strstr(b, "P-1"));
	ck_assert_ptr_null(strstr(b, "full"));
	e = ev(GS_EV_PARK, 0, -1, 3, -1, 812, GS_WAIT_SLEEP);
	ck_assert(!view_event_sentence(&e, b, sizeof b));
	ck_assert_ptr_nonnull(strstr(b, "G812 parked on P0 ("));
	ck_assert_ptr_nonnull(strstr(b, gs_waitreason_name(GS_WAIT_SLEEP)));
	/* The frequent ones are summarised, not listed. */
	static const int frequent[] = { GS_EV_NONE, GS_EV_SPAWN, GS_EV_RUN, GS_EV_STOP, GS_EV_EXIT,
		GS_EV_PARK, GS_EV_READY, GS_EV_M_PARK, GS_EV_M_WAKE, GS_EV_SYSCALL_ENTER,
		GS_EV_SYSCALL_EXIT, GS_EV_NETPOLL_WAKE, GS_EV_TIMER_FIRE, GS_EV_GLOBAL_GET };
	for (size_t i = 0; i < sizeof frequent / sizeof frequent[0]; i++) {
		e = ev(frequent[i], 0, -1, 3, -1, 812, 1);
		ck_assert_msg(!view_event_sentence(&e, b, sizeof b), "kind %d listed", frequent[i]);
	}
	/* A short buffer is cut and terminated. */
	e = ev(GS_EV_STEAL, 1, 0, 7, -1, 0, 64);
	memset(b, 'x', sizeof b);
	view_event_sentence(&e, b, 8);
	ck_assert_str_eq(b, "P1 stol");
}
END_TEST

/* The kept log lines, oldest first, joined by '\n': the whole-log page on a
 * screen tall enough to hold them all, from the top. */
static void
log_text(const view_model *m, char *out, size_t size)
{
	view_state v;
	scr o = { 0 };
	int h = (int)view_model_log_total(m) + 4;

	view_init(&v, 200, h < 24 ? 24 : h);
	v.mode = VIEW_LOG;
	view_log_move(m, &v, VIEW_LOG_TOP);
	draw(&o, m, &v);
	size_t at = 0;
	out[0] = '\0';
	for (int y = 1; y < v.height - 2 && at < size; y++)
		at += (size_t)snprintf(out + at, size - at, "%s\n", row(&o, y));
	scr_free(&o);
}

/* Occurrences of str in txt. */
static int
count_of(const char *txt, const char *str)
{
	int n = 0;
	for (const char *p = strstr(txt, str); p; p = strstr(p + 1, str))
		n++;
	return n;
}

/* Feed one tick of events at snapshot time t (seconds from the fixture's). */
static void
tick_at(view_model *m, fix *f, double t, const gs_event *e, int ne)
{
	f->s.time_ns = 5000000000ull + (uint64_t)(t * 1e9);
	ck_assert_int_eq(view_model_tick(m, &f->s, e, ne, 0, NULL, 0, 0), 0);
}

START_TEST(test_log_lines)
{
	static char txt[1 << 18];
	fix *f = fix_new(4, 12);
	view_model *m = view_model_new(600, 500);
	ck_assert_int_eq(view_model_tick(m, &f->s, NULL, 0, 0, NULL, 0, 0), 0);

	/* A retake with the hand-off and the new thread it caused: one sentence. */
	gs_event r[3] = {
		ev(GS_EV_RETAKE, 0, -1, 7, -1, 0, 0),
		ev(GS_EV_M_CREATE, 0, -1, 9, -1, 0, 0),
		ev(GS_EV_HANDOFF, 0, -1, 7, 9, 0, 0),
	};
	ck_assert_int_eq(view_model_tick(m, &f->s, r, 3, 0, NULL, 0, 0), 0);
	log_text(m, txt, sizeof txt);
	ck_assert_ptr_nonnull(strstr(txt,
	    "M7 entered a system call; sysmon took P0 and handed it to M9 (new thread)"));
	ck_assert_ptr_null(strstr(txt, "M9 created"));
	ck_assert_ptr_null(strstr(txt, "M7 handed P0"));

	/* 512 spawns on P0 and churn: one spawn line, no churn lines. */
	static gs_event many[2000];
	int n = 0;
	for (int i = 0; i < 512; i++) {
		many[n] = ev(GS_EV_SPAWN, 0, -1, 0, -1, 2000 + i, 1);
		set_label(many[n++].label, "cpu");
	}
	for (int i = 0; i < 300; i++)
		many[n++] = ev(GS_EV_RUN, i % 4, -1, i % 4, -1, 2000 + i, 0);
	for (int i = 0; i < 100; i++)
		many[n++] = ev(GS_EV_PARK, i % 4, -1, i % 4, -1, 2000 + i, GS_WAIT_SLEEP);
	for (int i = 0; i < 10; i++)
		many[n++] = ev(GS_EV_STEAL, 1 + i % 3, 0, 1, -1, 0, 8);
	for (int i = 0; i < 20; i++)
		many[n++] = ev(GS_EV_EXIT, i % 2, -1, 0, -1, 3000 + i, 0);
	for (int i = 0; i < 10; i++)
		many[n++] = ev(GS_EV_PREEMPT, i % 4, -1, i % 4, -1, 4000 + i, 1);
	ck_assert_int_eq(view_model_tick(m, &f->s, many, n, 0, NULL, 0, 0), 0);
	log_text(m, txt, sizeof txt);
	ck_assert_ptr_nonnull(strstr(txt, "P0 spawned 512 goroutines (cpu)"));
	ck_assert_ptr_null(strstr(txt, "started running"));
	ck_assert_ptr_null(strstr(txt, "parked on"));
	ck_assert_ptr_nonnull(strstr(txt, "20 goroutines finished"));
	/* Ten steals in a tick: one line, with who stole from whom. */
	ck_assert_ptr_nonnull(strstr(txt,
	    "10 steals moved 80 goroutines: P1 from P0 x4, P2 from P0 x3, P3 from P0 x3"));
	ck_assert_int_eq(count_of(txt, "stole 8 goroutines"), 0);
	/* The churn shows as the per-tick activity in the header. */
	view_state v;
	scr o = { 0 };
	view_init(&v, 200, 60);
	draw(&o, m, &v);
	v.tick_hz = 10;
	draw(&o, m, &v);
	ck_assert_int_gt(find_row(&o, "last 0.1 s: 300 goroutines ran, 100 blocked"), 0);
	v.tick_hz = 0; /* a rate unknown */
	draw(&o, m, &v);
	ck_assert_int_gt(find_row(&o, "last tick: 300 goroutines ran, 100 blocked"), 0);
	/* Preemptions: the first is written out, the rest wait for the window. */
	ck_assert_ptr_nonnull(strstr(txt, "G4000 on P0 preempted (signal)"));
	ck_assert_ptr_null(strstr(txt, "G4001"));
	ck_assert_ptr_null(strstr(txt, "more preemptions"));

	/* Mixed labels on several Ps. */
	n = 0;
	for (int i = 0; i < 6; i++) {
		many[n] = ev(GS_EV_SPAWN, i % 2, -1, 0, -1, 5000 + i, 1);
		set_label(many[n++].label, i < 4 ? "sleep" : "netwait");
	}
	ck_assert_int_eq(view_model_tick(m, &f->s, many, n, 7, NULL, 0, 0), 0);
	log_text(m, txt, sizeof txt);
	ck_assert_ptr_nonnull(
	    strstr(txt, "6 goroutines spawned on several Ps (sleep 4, netwait 2)"));
	ck_assert_ptr_nonnull(strstr(txt, "7 events lost"));

	/* A second later the windows end: the preemptions (and the retake) are
	 * summed up, each kind in a line. */
	tick_at(m, f, 1.0, NULL, 0);
	log_text(m, txt, sizeof txt);
	ck_assert_ptr_nonnull(
	    strstr(txt, "in the last 1.0 s: 10 preemptions on P0 P1 P2 P3 (10 by signal)"));
	ck_assert_ptr_null(strstr(txt, "sysmon took 1 P")); /* written out already */

	/* Notes, oldest first, newest at the bottom of the main view. */
	view_model_note(m, 6000000000ull, VA_OK, "step 2: add Ps");
	view_model_note(m, 6100000000ull, VA_WARN, "expected more threads");
	view_init(&v, 80, 24);
	draw(&o, m, &v);
	int a = find_row(&o, "step 2: add Ps"), b = find_row(&o, "expected more threads");
	ck_assert_int_gt(a, 0);
	ck_assert_int_eq(b, a + 1);
	ck_assert_int_eq(b, 22); /* just above the footer (no caption) */
	ck_assert_int_eq(cell(&o, find_col(&o, b, "expected"), b)->attr, VA_WARN);
	ck_assert_ptr_nonnull(strstr(row(&o, b), "1.1 expected"));
	done(&o, m, f);
}
END_TEST

START_TEST(test_log_ring)
{
	fix *f = fix_new(2, 4);
	view_model *m = view_model_new(10, 50);
	view_state v;
	scr o = { 0 };
	char b[64];

	ck_assert_int_eq(view_model_tick(m, &f->s, NULL, 0, 0, NULL, 0, 0), 0);
	for (int i = 0; i < 120; i++) {
		snprintf(b, sizeof b, "note %03d", i);
		view_model_note(m, 5000000000ull, VA_NORMAL, b);
	}
	ck_assert_uint_eq(view_model_log_total(m), 120);
	view_init(&v, 80, 24);
	v.mode = VIEW_LOG;
	ck_assert_int_eq(view_scroll_max(m, &v), 0); /* it moves by view_log_move */
	draw(&o, m, &v);                             /* following: the last page */
	ck_assert_int_eq(find_row(&o, "note 119"), 22);
	ck_assert_int_eq(find_row(&o, "note 098"), 1);
	ck_assert_int_gt(find_row(&o, "50 lines, showing 29-50"), -1);
	view_log_move(m, &v, VIEW_LOG_TOP);
	draw(&o, m, &v);
	ck_assert_int_eq(find_row(&o, "note 070"), 1); /* the oldest kept */
	ck_assert_int_eq(find_row(&o, "note 069"), -1);
	ck_assert_int_gt(find_row(&o, "50 lines, showing 1-21"), -1);
	ck_assert_int_eq(find_row(&o, "0 new, End to follow"), 22);
	/* Held at a line the ring then drops: the oldest kept line is the top. */
	for (int i = 120; i < 180; i++) {
		snprintf(b, sizeof b, "note %03d", i);
		view_model_note(m, 5000000000ull, VA_NORMAL, b);
	}
	draw(&o, m, &v);
	ck_assert_int_eq(find_row(&o, "note 130"), 1);
	ck_assert_int_eq(find_row(&o, "60 new, End to follow"), 22);
	v.mode = VIEW_MAIN;
	ck_assert_int_eq(view_scroll_max(m, &v), 0);
	done(&o, m, f);
}
END_TEST

/* ---- the log: wrapping, filters, finding, holding, how many lines ------------------------ */

/* The rows of text at cols columns, each "[...]". */
static void
wrapped(const char *text, int cols, char *out, size_t size)
{
	int st[64], len[64];
	int n = view_log_wrap(text, cols, st, len, 64);
	size_t at = 0;

	out[0] = '\0';
	for (int i = 0; i < n && i < 64 && at < size; i++)
		at += (size_t)snprintf(out + at, size - at, "[%.*s]", len[i], text + st[i]);
}

START_TEST(test_log_wrap)
{
	static const char s1[] = "M12 entered a system call; sysmon took P3 and handed it to "
				 "M15 (idle thread woken)";
	/* labels of two-byte letters: a row never ends inside one */
	static const char s2[] = "6 goroutines spawned on several Ps (żółwiożółwio 4, "
				 "ñandúñandú 2)";
	char b[1024];

	wrapped(s1, 40, b, sizeof b);
	ck_assert_str_eq(b,
	    "[M12 entered a system call; sysmon took]"
	    "[P3 and handed it to M15 (idle thread]"
	    "[woken)]");
	wrapped(s1, 80, b, sizeof b);
	ck_assert_str_eq(b,
	    "[M12 entered a system call; sysmon took P3 and handed it to M15 "
	    "(idle thread]"
	    "[woken)]");
	wrapped(s1, 120, b, sizeof b);
	ck_assert_str_eq(b,
	    "[M12 entered a system call; sysmon took P3 and handed it to M15 "
	    "(idle thread woken)]");
	wrapped(s2, 40, b, sizeof b);
	ck_assert_str_eq(b,
	    "[6 goroutines spawned on several Ps]"
	    "[(żółwiożółwio 4, ñandúñandú 2)]");
	wrapped(s2, 20, b, sizeof b);
	ck_assert_str_eq(b,
	    "[6 goroutines spawned]"
	    "[on several Ps]"
	    "[(żółwiożółwio 4,]"
	    "[ñandúñandú 2)]");
	/* A word wider than a row is broken, at a character. */
	wrapped("żółwiożółwiożółwio", 8, b, sizeof b);
	ck_assert_str_eq(b, "[żółwiożó][łwiożó][łwio]");
	wrapped("", 40, b, sizeof b);
	ck_assert_str_eq(b, "[]");

	/* On screen: the time, then the text; its further rows indented. */
	fix *f = fix_new(2, 4);
	view_model *m = model_with(f, NULL, 0);
	view_state v;
	scr o = { 0 };
	view_model_note(m, 6000000000ull, VA_NORMAL, s1);
	view_model_note(m, 6000000000ull, VA_NORMAL, s2);
	view_init(&v, 80, 24);
	v.mode = VIEW_LOG;
	draw(&o, m, &v);
	/* 72 columns: s1 takes two rows, s2 one */
	snprintf(b, sizeof b, "%-80s",
	    "    1.0 M12 entered a system call; sysmon took P3 and handed it to M15 (idle");
	ck_assert_str_eq(row(&o, 1), b);
	snprintf(b, sizeof b, "%-80s", "          thread woken)");
	ck_assert_str_eq(row(&o, 2), b);
	ck_assert_int_eq(find_row(&o,
			     "    1.0 6 goroutines spawned on several Ps (żółwiożółwio 4, "
			     "ñandúñandú 2)"),
	    3);
	ck_assert_int_gt(find_row(&o, "event log: 2 lines, showing 1-2"), -1);
	/* 120 columns: one row each */
	view_init(&v, 120, 24);
	v.mode = VIEW_LOG;
	draw(&o, m, &v);
	ck_assert_int_eq(find_row(&o, "(idle thread woken)"), 1);
	ck_assert_int_eq(find_row(&o, "ñandúñandú 2)"), 2);
	/* The main view's panel at 80 columns wraps the same way, from its top
	 * (no blank rows above the first line). */
	view_init(&v, 80, 24);
	draw(&o, m, &v);
	int y = find_row(&o, "    1.0 M12 entered a system call;");
	ck_assert_int_gt(y, 0);
	ck_assert_int_eq(find_row(&o, "          thread woken)"), y + 1);
	ck_assert_int_eq(find_row(&o, "    1.0 6 goroutines"), y + 2);
	ck_assert_int_eq(y, find_row(&o, "Events ") + 1);
	/* ... and beside the graphs at 120 (79 columns). */
	view_init(&v, 120, 40);
	draw(&o, m, &v);
	y = find_row(&o, "    1.0 M12 entered a system call;");
	ck_assert_int_gt(y, 0);
	ck_assert_int_eq(find_row(&o, "          thread woken)"), y + 1);
	done(&o, m, f);
}
END_TEST

/* The longest sentences the model writes fit a line whole; a longer note is
 * cut at a character, with "...". */
START_TEST(test_log_text_size)
{
	char b[4 * VIEW_LOG_TEXT];
	size_t longest = 0;

	for (int k = 0; k < GS_EV_NKINDS; k++) {
		for (int v = 0; v < 4; v++) {
			gs_event e = ev(k, -32768, -32768, INT64_MIN, v < 2 ? INT64_MIN : -1,
			    INT64_MIN, v % 2 ? INT64_MIN : 0);
			e.m2 = v == 0 ? GS_GPUT_OVERFLOW : e.m2;
			/* 15 bytes: seven two-byte letters and a half */
			memcpy(e.label, "żżżżżżż\xc5", 15);
			e.label[15] = '\0';
			view_event_sentence(&e, b, sizeof b);
			ck_assert_msg(strlen(b) < VIEW_LOG_TEXT, "kind %d: %zu bytes: %s", k,
			    strlen(b), b);
			if (strlen(b) > longest)
				longest = strlen(b);
			ck_assert_ptr_null(strstr(b, "\xc5)")); /* the half letter left out */
		}
	}
	ck_assert_uint_gt(longest, 120); /* the widest numbers were tried */

	/* The model's own lines: spawns with three long labels and more. */
	fix *f = fix_new(2, 4);
	view_model *m = model_with(f, NULL, 0);
	gs_event sp[4];
	static const char *const labels[4] = { "żżżżżżż", "ńńńńńńń", "óóóóóóó", "x" };
	for (int i = 0; i < 4; i++) {
		sp[i] = ev(GS_EV_SPAWN, i % 2, -1, 0, -1, 100 + i, 0);
		set_label(sp[i].label, labels[i]);
	}
	tick_at(m, f, 0.1, sp, 4);
	static char txt[1 << 16];
	log_text(m, txt, sizeof txt);
	ck_assert_ptr_nonnull(strstr(txt,
	    "4 goroutines spawned on several Ps (żżżżżżż 1, ńńńńńńń 1, óóóóóóó 1, ...)"));

	/* A note of 300 two-byte letters: cut at a letter, "..." after it. */
	char note[700] = "";
	for (int i = 0; i < 300; i++)
		strcat(note, "ż");
	view_model_note(m, 6000000000ull, VA_NORMAL, note);
	view_state v;
	scr o = { 0 };
	view_init(&v, 200, 24);
	v.mode = VIEW_LOG;
	draw(&o, m, &v);
	int y = find_row(&o, "    1.0 żżż");
	ck_assert_int_gt(y, 0);
	ck_assert_ptr_nonnull(strstr(row(&o, y), "żż... "));
	/* 252 bytes of letters are 126 of them, on the one row */
	int letters = 0;
	for (int x = 0; x < 200; x++)
		letters += cell(&o, x, y)->ch == 0x17c;
	ck_assert_int_eq(letters, (VIEW_LOG_TEXT - 4) / 2);
	ck_assert_int_eq(find_row(&o, "\xef\xbf\xbd"), -1); /* no broken character */
	done(&o, m, f);
}
END_TEST

/* One line of each class, and a note. */
static view_model *
model_classes(fix *f)
{
	view_model *m = model_with(f, NULL, 0);
	gs_event e[5] = {
		ev(GS_EV_STEAL, 1, 0, 1, -1, 0, 8),
		ev(GS_EV_HANDOFF, 0, -1, 7, 9, 0, 1),
		ev(GS_EV_PREEMPT, 1, -1, 1, -1, 812, 1),
		ev(GS_EV_M_CREATE, 1, -1, 11, -1, 0, 0),
		ev(GS_EV_PROCRESIZE, 2, 4, 0, -1, 0, 85000),
	};
	tick_at(m, f, 0.1, e, 5);
	view_model_note(m, 5200000000ull, VA_CAPTION, "say: watch the STEALS");
	return m;
}

START_TEST(test_log_filter)
{
	/* The classes, as is: words of the log's query. */
	static const struct {
		const char *q;
		int n; /* lines it shows */
		const char *has[3];
		const char * not [3];
	} want[] = {
		{ NULL, 6, { "P1 stole 8", "GOMAXPROCS 4 -> 2", "say: watch" }, { NULL } },
		{ "is:steal", 1, { "P1 stole 8" }, { "M7 handed", "P1 preempted", "say: watch" } },
		{ "is:thread", 2, { "M7 handed P0 to M9", "M11 created" },
		    { "P1 stole", "P1 preempted", "GOMAXPROCS 4" } },
		{ "is:preempt", 1, { "G812 on P1 preempted (signal)" },
		    { "P1 stole", "M7 handed", "say: watch" } },
		{ "is:note", 1, { "say: watch the STEALS" },
		    { "P1 stole", "P1 preempted", "GOMAXPROCS 4" } },
	};
	fix *f = fix_new(2, 4);
	view_model *m = model_classes(f);
	view_state v;
	scr o = { 0 };
	char t[128];

	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		view_init(&v, 120, 40);
		v.log_query = want[i].q;
		for (int mode = 0; mode < 2; mode++) {
			v.mode = mode ? VIEW_LOG : VIEW_MAIN;
			draw(&o, m, &v);
			for (int k = 0; k < 3 && want[i].has[k]; k++)
				ck_assert_msg(find_row(&o, want[i].has[k]) > 0,
				    "%s, mode %d: no '%s'", want[i].q, mode, want[i].has[k]);
			for (int k = 0; k < 3 && want[i].not [k]; k++)
				ck_assert_msg(find_row(&o, want[i].not [k]) < 0,
				    "%s, mode %d: '%s'", want[i].q, mode, want[i].not [k]);
			if (want[i].q && mode == 0)
				snprintf(t, sizeof t, " Events %d of 6 matching \"%s\" ", want[i].n,
				    want[i].q);
			else if (want[i].q)
				snprintf(t, sizeof t,
				    "event log %d of 6 matching \"%s\", showing 1-%d", want[i].n,
				    want[i].q, want[i].n);
			else
				snprintf(t, sizeof t, mode ? "event log: 6 lines" : " Events ");
			ck_assert_msg(find_row(&o, t) >= 0, "no '%s'", t);
		}
	}
	/* A filter that shows nothing yet says so. */
	view_model *e = model_with(f, NULL, 0);
	view_init(&v, 120, 40);
	v.log_query = "is:steal";
	view_model_note(e, 5200000000ull, VA_NORMAL, "a note");
	v.mode = VIEW_LOG;
	draw(&o, e, &v);
	ck_assert_int_gt(find_row(&o, "(no line matches the filter yet; Esc clears it)"), 0);
	view_model_free(e);
	/* One that does not parse shows the parser's message, and no line. */
	v.log_query = "bogus:1";
	for (int mode = 0; mode < 2; mode++) {
		v.mode = mode ? VIEW_LOG : VIEW_MAIN;
		draw(&o, m, &v);
		ck_assert_int_ge(find_row(&o, "filter: 'bogus:' is no field"), 0);
		ck_assert_int_lt(find_row(&o, "P1 stole 8"), 0);
	}
	done(&o, m, f);
}
END_TEST

/* The query's words on log lines: what the line's event named. */
START_TEST(test_log_query)
{
	static const struct {
		const char *q;
		const char *has[3];
		const char * not [3];
	} want[] = {
		/* G7 preempted on P1 (M3), a goroutine the list knows */
		{ "p:1", { "G7 on P1 preempted", "P1 stole 8 goroutines from P0" },
		    { "say: P1", "M9 created" } },
		{ "id:7", { "G7 on P1 preempted" }, { "P1 stole", "say: P1" } },
		{ "label:work", { "G7 on P1 preempted" }, { "P1 stole", "say: P1" } },
		{ "kind:C", { "G7 on P1 preempted" }, { "P1 stole", "say: P1" } },
		{ "state:runnable", { "G7 on P1 preempted" }, { "P1 stole", "say: P1" } },
		{ "m:3", { "G7 on P1 preempted" }, { "P1 stole", "M9 created" } },
		{ "m:9 is:thread", { "M9 created" }, { "G7 on P1", "say: P1" } },
		/* the stolen goroutine is G5 (running at once); P0 was robbed */
		{ "p:0 id:5", { "P1 stole 8 goroutines from P0" }, { "G7 on P1", "say: P1" } },
		/* a note: text words only */
		{ "P1", { "say: P1 is busy", "G7 on P1 preempted", "P1 stole" }, { "M9 created" } },
		{ "busy", { "say: P1 is busy" }, { "G7 on P1", "P1 stole" } },
		{ "7", { "G7 on P1 preempted" }, { "say: P1", "M9 created" } },
		/* a spawn line: each label it counts, and its P */
		{ "label:ramp p:0", { "P0 spawned 2 goroutines (cpu 1, ramp 1)" },
		    { "G7 on P1", "say: P1" } },
		{ "label:cpu", { "P0 spawned 2 goroutines" }, { "G7 on P1", "say: P1" } },
	};
	fix *f = fix_new(2, 12);
	view_model *m = view_model_new(600, 200);
	gs_snap_ginfo gl[2] = {
		{ .id = 7, .status = GS_G_RUNNABLE, .m = -1, .tag = GS_TAG_CPU, .label = "worker" },
		{ .id = 5, .status = GS_G_RUNNING, .m = 3, .tag = GS_TAG_SLEEP, .label = "nap" },
	};
	gs_event e[5] = {
		ev(GS_EV_PREEMPT, 1, -1, 3, -1, 7, 1),
		ev(GS_EV_STEAL, 1, 0, 4, -1, 5, 8),
		ev(GS_EV_M_CREATE, -1, -1, 9, -1, 0, 0),
		ev(GS_EV_SPAWN, 0, -1, 2, -1, 40, 1),
		ev(GS_EV_SPAWN, 0, -1, 2, -1, 41, 1),
	};
	view_state v;
	scr o = { 0 };

	snprintf(e[3].label, sizeof e[3].label, "cpu");
	snprintf(e[4].label, sizeof e[4].label, "ramp");
	ck_assert_int_eq(view_model_tick(m, &f->s, NULL, 0, 0, gl, 2, 2), 0);
	tick_at(m, f, 0.1, e, 5);
	view_model_note(m, 5200000000ull, VA_CAPTION, "say: P1 is busy");
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		view_init(&v, 120, 40);
		v.mode = VIEW_LOG;
		v.log_query = want[i].q;
		draw(&o, m, &v);
		for (int k = 0; k < 3 && want[i].has[k]; k++)
			if (find_row(&o, want[i].has[k]) <= 0)
				ck_abort_msg("'%s': no '%s'", want[i].q, want[i].has[k]);
		for (int k = 0; k < 3 && want[i].not [k]; k++)
			if (find_row(&o, want[i].not [k]) >= 0)
				ck_abort_msg("'%s': '%s'", want[i].q, want[i].not [k]);
	}
	/* is: picks no goroutine; an unknown class does not parse */
	view_gquery q;
	char err[128];
	ck_assert_int_eq(view_gquery_parse("is:steal", &q, err, sizeof err), 0);
	ck_assert(!view_gquery_match(&q, &gl[0], 1));
	ck_assert_int_eq(view_gquery_parse("is:bogus", &q, err, sizeof err), -1);
	ck_assert_str_eq(err, "'is:bogus': is: takes steal thread preempt note warn");
	/* / finds by the query, among the lines the filter shows */
	view_init(&v, 120, 40);
	v.mode = VIEW_LOG;
	ck_assert(view_log_find(m, &v, "id:7", 0));
	draw(&o, m, &v);
	int y = find_row(&o, "G7 on P1 preempted");
	ck_assert_int_gt(y, 0);
	ck_assert_int_eq(cell(&o, 0, y)->ch, '>');
	v.log_query = "is:note";
	ck_assert(!view_log_find(m, &v, "id:7", 0));
	ck_assert(!view_log_find(m, &v, "bogus:1", 0));
	done(&o, m, f);
}
END_TEST

START_TEST(test_log_find)
{
	fix *f = fix_new(2, 4);
	view_model *m = model_with(f, NULL, 0);
	view_state v;
	scr o = { 0 };
	char b[64];

	for (int i = 0; i < 30; i++) {
		snprintf(b, sizeof b, "%s %02d", i % 10 == 3 ? "Kiwi found" : "plum", i);
		view_model_note(m, 5000000000ull + (uint64_t)i * 100000000ull, VA_NORMAL, b);
	}
	view_init(&v, 80, 24);
	v.mode = VIEW_LOG;
	/* not found: nothing moves */
	ck_assert(!view_log_find(m, &v, "banana", 0));
	ck_assert_uint_eq(v.log_at, 0);
	/* found: held at the newest match (letters without case) */
	v.log_find = "KIWI";
	ck_assert(view_log_find(m, &v, "KIWI", 0));
	ck_assert_uint_ne(v.log_at, 0);
	draw(&o, m, &v);
	int y = find_row(&o, "Kiwi found 23");
	ck_assert_int_gt(y, 0);
	ck_assert_int_eq(find_row(&o, "plum 24"), -1); /* newer than the match: not shown */
	ck_assert_int_eq(cell(&o, 0, y)->ch, '>');     /* the line held */
	int x = find_col(&o, y, "Kiwi");
	for (int k = 0; k < 4; k++)
		ck_assert_int_eq(cell(&o, x + k, y)->attr, VA_SELECTED);
	ck_assert_int_ne(cell(&o, x + 4, y)->attr, VA_SELECTED);
	ck_assert_int_eq(find_row(&o, "0 new, End to follow"), 22);
	/* again: the older matches, in order, then none */
	ck_assert(view_log_find(m, &v, "KIWI", -1));
	draw(&o, m, &v);
	ck_assert_int_gt(find_row(&o, "Kiwi found 13"), 0);
	ck_assert_int_eq(find_row(&o, "Kiwi found 23"), -1);
	ck_assert(view_log_find(m, &v, "kiwi", -1));
	draw(&o, m, &v);
	ck_assert_int_gt(find_row(&o, "Kiwi found 03"), 0);
	uint64_t at = v.log_at;
	ck_assert(!view_log_find(m, &v, "kiwi", -1));
	ck_assert_uint_eq(v.log_at, at);
	/* and back to newer ones */
	ck_assert(view_log_find(m, &v, "kiwi", 1));
	draw(&o, m, &v);
	ck_assert_int_gt(find_row(&o, "Kiwi found 13"), 0);
	/* the main view's panel highlights them too */
	v.mode = VIEW_MAIN;
	draw(&o, m, &v);
	y = find_row(&o, "Kiwi found 13");
	ck_assert_int_gt(y, 0);
	ck_assert_int_eq(cell(&o, find_col(&o, y, "Kiwi"), y)->attr, VA_SELECTED);
	/* a filter that hides the matches finds none */
	v.log_query = "is:steal";
	ck_assert(!view_log_find(m, &v, "kiwi", 0));
	done(&o, m, f);
}
END_TEST

START_TEST(test_log_hold)
{
	fix *f = fix_new(2, 4);
	view_model *m = model_with(f, NULL, 0);
	view_state v;
	scr o = { 0 };
	char b[64];

	for (int i = 0; i < 100; i++) {
		snprintf(b, sizeof b, "line %03d", i);
		view_model_note(m, 5000000000ull, VA_NORMAL, b);
	}
	/* The main view: Up holds the panel a line back; new lines are counted. */
	view_init(&v, 80, 24);
	draw(&o, m, &v);
	ck_assert_int_eq(find_row(&o, "line 099"), 22);
	view_log_move(m, &v, VIEW_LOG_UP);
	draw(&o, m, &v);
	ck_assert_int_eq(find_row(&o, "line 098"), 22);
	ck_assert_int_gt(find_row(&o, " Events (0 new, Down to follow) "), 0);
	for (int i = 100; i < 112; i++) {
		snprintf(b, sizeof b, "line %03d", i);
		view_model_note(m, 5000000000ull, VA_NORMAL, b);
	}
	draw(&o, m, &v);
	ck_assert_int_eq(find_row(&o, "line 098"), 22); /* it did not move */
	ck_assert_int_eq(find_row(&o, "line 111"), -1);
	ck_assert_int_gt(find_row(&o, " Events (12 new, Down to follow) "), 0);
	ck_assert_uint_eq(view_log_new(m, &v), 12);
	/* The whole-log page holds the same place; End follows again. */
	v.mode = VIEW_LOG;
	draw(&o, m, &v);
	ck_assert_int_eq(find_row(&o, "line 098"), 21);
	ck_assert_int_eq(find_row(&o, "12 new, End to follow"), 22);
	view_log_move(m, &v, VIEW_LOG_PAGE_UP);
	draw(&o, m, &v);
	ck_assert_int_eq(find_row(&o, "line 077"), 21); /* 21 rows further back */
	view_log_move(m, &v, VIEW_LOG_PAGE_DOWN);
	draw(&o, m, &v);
	ck_assert_int_eq(find_row(&o, "line 098"), 21);
	view_log_move(m, &v, VIEW_LOG_DOWN);
	draw(&o, m, &v);
	ck_assert_int_eq(find_row(&o, "line 099"), 21);
	ck_assert_int_eq(find_row(&o, "12 new, End to follow"), 22);
	view_log_move(m, &v, VIEW_LOG_FOLLOW);
	ck_assert_uint_eq(v.log_at, 0);
	ck_assert_uint_eq(view_log_new(m, &v), 0);
	draw(&o, m, &v);
	ck_assert_int_eq(find_row(&o, "line 111"), 22);
	ck_assert_int_eq(find_row(&o, "new, End to follow"), -1);
	/* Down on the newest line follows again; a filter counts its own lines. */
	view_log_move(m, &v, VIEW_LOG_UP);
	view_log_move(m, &v, VIEW_LOG_DOWN);
	view_log_move(m, &v, VIEW_LOG_DOWN);
	ck_assert_uint_eq(v.log_at, 0);
	view_log_move(m, &v, VIEW_LOG_UP);
	v.log_query = "is:steal";
	gs_event st = ev(GS_EV_STEAL, 1, 0, 1, -1, 0, 8);
	tick_at(m, f, 1, &st, 1);
	view_model_note(m, 6000000000ull, VA_NORMAL, "not a steal");
	ck_assert_uint_eq(view_log_new(m, &v), 1);
	v.log_query = NULL;
	ck_assert_uint_eq(view_log_new(m, &v), 2);
	/* PgDn onto the newest page follows again. */
	view_log_move(m, &v, VIEW_LOG_PAGE_DOWN);
	ck_assert_uint_eq(v.log_at, 0);
	done(&o, m, f);
}
END_TEST

/* A tick of n events of each routine kind, plus the churn. */
static int
busy_tick(gs_event *e, int n)
{
	int k = 0;
	for (int i = 0; i < 200; i++) {
		e[k++] = ev(GS_EV_RUN, i % 4, -1, i % 4, -1, 2000 + i, 0);
		e[k++] = ev(GS_EV_PARK, i % 4, -1, i % 4, -1, 2000 + i, GS_WAIT_SLEEP);
		e[k++] = ev(GS_EV_READY, i % 4, -1, i % 4, -1, 2000 + i, 0);
	}
	for (int i = 0; i < n; i++) {
		e[k++] = ev(GS_EV_RETAKE, i % 4, -1, 10 + i, -1, 0, 0);
		e[k++] = ev(GS_EV_M_WAKE, i % 4, -1, 100 + i, -1, 0, 0);
		e[k++] = ev(GS_EV_HANDOFF, i % 4, -1, 10 + i, 100 + i, 0, 3);
		e[k++] = ev(GS_EV_PREEMPT, i % 4, -1, i % 4, -1, 3000 + i, i % 2);
		e[k++] = ev(GS_EV_HANDOFF, i % 4, -1, 200 + i, 300 + i, 0, 1);
	}
	return k;
}

START_TEST(test_log_lines_per_tick)
{
	static gs_event e[2000];
	fix *f = fix_new(4, 12);
	view_model *m = model_with(f, NULL, 0);
	uint64_t w = view_model_log_total(m);

	/* 600 runs, parks and readies: no line (the header counts them). */
	int n = busy_tick(e, 0);
	ck_assert_int_eq(n, 600);
	tick_at(m, f, 0.1, e, n);
	ck_assert_uint_eq(view_model_log_total(m) - w, 0);
	/* ... and 30 each of retakes, hand-offs and preemptions: one sentence a
	 * kind (the first, which opens its window). */
	w = view_model_log_total(m);
	n = busy_tick(e, 30);
	tick_at(m, f, 0.2, e, n);
	ck_assert_uint_eq(view_model_log_total(m) - w, 3);
	/* A busy second of ten such ticks at 10 Hz, and the next: one line a
	 * kind a second, so 3 lines a second, where writing them one by one up
	 * to a count a tick (4 retakes, 4 hand-offs, 2 preemptions and a "+ N
	 * more" line for each kind) made 13 lines a tick, 130 a second. */
	for (int t = 3; t <= 12; t++)
		tick_at(m, f, t / 10.0, e, n);
	w = view_model_log_total(m);
	for (int t = 13; t <= 22; t++)
		tick_at(m, f, t / 10.0, e, n);
	ck_assert_uint_eq(view_model_log_total(m) - w, 3);
	static char txt[1 << 16];
	log_text(m, txt, sizeof txt);
	ck_assert_ptr_nonnull(strstr(txt,
	    "in the last 1.0 s: sysmon took 300 Ps from Ms in "
	    "system calls (300 to idle threads)"));
	ck_assert_ptr_nonnull(
	    strstr(txt, "in the last 1.0 s: 300 hand-offs on P0 P1 P2 P3 (300 to look for work)"));
	ck_assert_ptr_null(strstr(txt, "with work waiting")); /* those were the retakes' */
	ck_assert_ptr_nonnull(strstr(txt,
	    "in the last 1.0 s: 300 preemptions on P0 P1 P2 P3 "
	    "(150 by signal, 150 at a check)"));
	/* A quiet second closes the windows: the next event is written out. */
	tick_at(m, f, 2.3, NULL, 0);
	tick_at(m, f, 3.3, NULL, 0);
	w = view_model_log_total(m);
	gs_event p = ev(GS_EV_PREEMPT, 1, -1, 1, -1, 812, 1);
	tick_at(m, f, 3.4, &p, 1);
	ck_assert_uint_eq(view_model_log_total(m) - w, 1);
	log_text(m, txt, sizeof txt);
	ck_assert_ptr_nonnull(strstr(txt, "G812 on P1 preempted (signal)"));
	scr o = { 0 };
	done(&o, m, f);
}
END_TEST

/* ---- sizes ---------------------------------------------------------------------------------- */

START_TEST(test_size_notice)
{
	fix *f = fix_new(2, 4);
	view_model *m = model_with(f, NULL, 0);
	view_state v;
	scr o = { 0 };
	static char all[8192];

	view_init(&v, 40, 10);
	draw(&o, m, &v);
	all[0] = '\0';
	for (int y = 0; y < 10; y++) {
		strcat(all, row(&o, y));
		strcat(all, " ");
	}
	ck_assert_ptr_nonnull(strstr(all, "60x16"));
	ck_assert_ptr_nonnull(strstr(all, "40x10"));
	ck_assert_ptr_nonnull(strstr(all, "gsched needs at least"));
	int y = find_row(&o, "60x16");
	int x = find_col(&o, y, "60x16");
	ck_assert_int_eq(cell(&o, x, y)->attr, VA_WARN);
	/* Centred: about as many blank rows above as below. */
	int first = -1, last = -1;
	for (int yy = 0; yy < 10; yy++) {
		const char *r = row(&o, yy);
		if (strspn(r, " ") != strlen(r)) {
			if (first < 0)
				first = yy;
			last = yy;
		}
	}
	ck_assert_int_le(abs(first - (9 - last)), 1);

	view_init(&v, 1, 1);
	draw(&o, m, &v);
	ck_assert_uint_ne(cell(&o, 0, 0)->ch, ' ');
	ck_assert_int_eq(cell(&o, 0, 0)->attr, VA_WARN);

	view_init(&v, 59, 30);
	draw(&o, m, &v);
	ck_assert_int_ge(find_row(&o, "59x30"), 0);
	view_init(&v, 0, 0);
	draw(&o, m, &v);
	/* view_render resizes a screen of another size. */
	view_screen s = { 0 };
	view_init(&v, 70, 20);
	ck_assert_int_eq(view_render(m, &v, &s), 0);
	ck_assert_int_eq(s.width, 70);
	ck_assert_int_eq(s.height, 20);
	view_init(&v, 30, 5);
	ck_assert_int_eq(view_render(m, &v, &s), 0);
	ck_assert_int_eq(s.width, 30);
	view_screen_free(&s);
	done(&o, m, f);
}
END_TEST

/* ---- modes ---------------------------------------------------------------------------------- */

START_TEST(test_help)
{
	fix *f = fix_new(2, 4);
	view_model *m = model_with(f, NULL, 0);
	view_state v;
	scr o = { 0 };
	static char all[1 << 16];
	static const char *const keys[] = { "? F1", "q F10 Ctrl-C", "space", "w", ".", "+ -",
		"1-9 0", "=", "c s b n", "C S B N", "[ ]", "p m", "g", "l", "PgUp PgDn", "Ctrl-L",
		"Esc", "n N", "from P0 x64", "C L S B N H T W o", "reverse video", "global queue",
		"events lost", "in syscall 2: M4:G12" };

	view_init(&v, 80, 24);
	v.mode = VIEW_HELP;
	int max = view_scroll_max(m, &v);
	ck_assert_int_gt(max, 0);
	all[0] = '\0';
	for (int s = 0; s <= max; s += 22) {
		v.scroll = s;
		draw(&o, m, &v);
		for (int y = 1; y < 23; y++) {
			strcat(all, row(&o, y));
			strcat(all, "\n");
		}
	}
	v.scroll = max;
	draw(&o, m, &v);
	for (int y = 1; y < 23; y++) {
		strcat(all, row(&o, y));
		strcat(all, "\n");
	}
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		ck_assert_msg(strstr(all, keys[i]), "help lacks '%s'", keys[i]);
	ck_assert_ptr_nonnull(strstr(all, "pause the view (the scheduler keeps running)"));
	/* Keys in the key attribute. */
	v.scroll = 0;
	draw(&o, m, &v);
	int y = find_row(&o, "quit");
	ck_assert_int_gt(y, 0);
	ck_assert_int_eq(cell(&o, 1, y)->attr, VA_KEY);
	ck_assert_int_gt(find_row(&o, "help"), -1);
	/* Taller: no scrolling needed. */
	view_init(&v, 120, 200);
	v.mode = VIEW_HELP;
	ck_assert_int_eq(view_scroll_max(m, &v), 0);
	done(&o, m, f);
}
END_TEST
/* The help page scrolls at 80x24 and at the smallest screen, and says where
 * it is: its lines in the title, more below or above in the footer; every
 * line is reached, the last key's among them. */
START_TEST(test_help_scrolls)
{
	fix *f = fix_new(2, 4);
	view_model *m = model_with(f, NULL, 0);
	view_state v;
	scr o = { 0 };
	int sizes[][2] = { { 80, 24 }, { 60, 16 } };
	char b[64];

	for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		view_init(&v, sizes[k][0], sizes[k][1]);
		v.mode = VIEW_HELP;
		int rows = v.height - 2, max = view_scroll_max(m, &v), total = max + rows;
		ck_assert_int_gt(max, 0);
		draw(&o, m, &v);
		snprintf(b, sizeof b, "help: lines 1-%d of %d", rows, total);
		ck_assert_msg(find_row(&o, b) == 0, "%dx%d: title lacks '%s'", v.width, v.height,
		    b);
		ck_assert_int_eq(find_row(&o, "more below"), v.height - 1);
		ck_assert_int_eq(find_row(&o, "more above"), -1);
		ck_assert_int_eq(find_row(&o, "redraw the screen"), -1);
		v.scroll = 3;
		draw(&o, m, &v);
		snprintf(b, sizeof b, "help: lines 4-%d of %d", rows + 3, total);
		ck_assert_int_eq(find_row(&o, b), 0);
		ck_assert_int_eq(find_row(&o, "more above and below"), v.height - 1);
		/* the last key: on screen once scrolled down far enough */
		bool seen = false;
		for (v.scroll = 0; v.scroll <= max && !seen; v.scroll++) {
			draw(&o, m, &v);
			seen = row_starting(&o, " Ctrl-L ") > 0 &&
			    find_row(&o, "redraw the screen") > 0;
		}
		ck_assert_msg(seen, "%dx%d: the last key never shows", v.width, v.height);
		v.scroll = max;
		draw(&o, m, &v);
		snprintf(b, sizeof b, "help: lines %d-%d of %d", max + 1, total, total);
		ck_assert_int_eq(find_row(&o, b), 0);
		ck_assert_int_eq(find_row(&o, "more above"), v.height - 1);
		ck_assert_int_eq(find_row(&o, "more below"), -1);
		/* ASCII: the arrows are letters */
		v.ascii = true;
		draw(&o, m, &v);
		ck_assert_int_eq(find_row(&o, "^ more above"), v.height - 1);
		ck_assert(all_ascii(&o));
	}
	/* All of it fits: no marks, the title says only help. */
	view_init(&v, 120, 200);
	v.mode = VIEW_HELP;
	draw(&o, m, &v);
	ck_assert_int_eq(find_row(&o, "more below"), -1);
	ck_assert_int_eq(find_row(&o, "more above"), -1);
	ck_assert_int_eq(find_row(&o, "help: lines"), -1);
	done(&o, m, f);
}
END_TEST

START_TEST(test_glist)
{
	fix *f = fix_new(2, 4);
	gs_snap_ginfo gl[5] = {
		{ .id = 50,
		    .status = GS_G_WAITING,
		    .waitreason = GS_WAIT_SLEEP,
		    .m = -1,
		    .label = "sleep" },
		{ .id = 40, .status = GS_G_RUNNING, .m = 1, .label = "cpu" },
		{ .id = 30, .status = GS_G_RUNNABLE, .m = -1, .label = "netwait" },
		{ .id = 20, .status = GS_G_SYSCALL, .m = 3, .label = "syscall" },
		{ .id = 10, .status = GS_G_RUNNABLE, .m = -1, .label = "cpu" },
	};
	view_model *m = view_model_new(60, 20);
	ck_assert_int_eq(view_model_tick(m, &f->s, NULL, 0, 0, gl, 5, 5), 0);
	memset(gl, 0, sizeof gl); /* the model keeps its own copy */
	view_state v;
	scr o = { 0 };

	view_init(&v, 80, 24);
	v.mode = VIEW_GLIST;
	v.gsort = VIEW_GCOL_ID;
	draw(&o, m, &v);
	/* each row is its goroutine, for the mouse */
	{
		int gy = find_row(&o, "netwait");
		view_hit gh;
		ck_assert_int_gt(gy, 0);
		ck_assert(view_hit_at(&o.s, gy, 40, &gh));
		ck_assert_int_eq(gh.kind, VIEW_HIT_G);
		ck_assert_int_eq(gh.id, 30);
	}
	ck_assert_int_gt(find_row(&o, "5 goroutines, showing 1-5"), 0);
	ck_assert_int_lt(find_row(&o, "        10  runnable"), find_row(&o, "        20  syscall"));
	ck_assert_int_lt(find_row(&o, "        20  "), find_row(&o, "        50  "));
	int y = find_row(&o, "        50  waiting");
	ck_assert_ptr_nonnull(strstr(row(&o, y), gs_waitreason_name(GS_WAIT_SLEEP)));
	ck_assert_ptr_nonnull(strstr(row(&o, find_row(&o, "        20  ")), "M3"));

	v.gsort = VIEW_GCOL_LABEL;
	draw(&o, m, &v);
	/* cpu (10, 40), netwait, sleep, syscall */
	int a = find_row(&o, "        10  "), b = find_row(&o, "        40  "),
	    c = find_row(&o, "        30  "), d = find_row(&o, "        50  "),
	    e = find_row(&o, "        20  ");
	ck_assert(a < b && b < c && c < d && d < e);

	v.gsort = VIEW_GCOL_STATE;
	draw(&o, m, &v);
	/* runnable (10, 30), running 40, syscall 20, waiting 50 */
	a = find_row(&o, "        10  ");
	b = find_row(&o, "        30  ");
	c = find_row(&o, "        40  ");
	d = find_row(&o, "        20  ");
	e = find_row(&o, "        50  ");
	ck_assert(a < b && b < c && c < d && d < e);
	ck_assert_int_eq(find_row(&o, "showing 1-5, by state"), 1);
	ck_assert_int_gt(find_row(&o, "s sort"), 0);

	/* A long list scrolls; a later tick without a list keeps this one. */
	static gs_snap_ginfo big[2003];
	for (int i = 0; i < 2003; i++) {
		big[i].id = 2003 - i;
		big[i].status = GS_G_RUNNABLE;
		big[i].m = -1;
		set_label(big[i].label, "cpu");
	}
	ck_assert_int_eq(view_model_tick(m, &f->s, NULL, 0, 0, big, 2003, 2003), 0);
	ck_assert_int_eq(view_model_tick(m, &f->s, NULL, 0, 0, NULL, 0, 0), 0);
	v.gsort = VIEW_GCOL_ID;
	v.scroll = 0;
	draw(&o, m, &v);
	ck_assert_int_gt(find_row(&o, "2003 goroutines, showing 1-20"), 0);
	ck_assert_int_eq(view_scroll_max(m, &v), 2003 - 20);
	v.scroll = 5000;
	draw(&o, m, &v);
	ck_assert_int_gt(find_row(&o, "showing 1984-2003"), 0);
	ck_assert_int_eq(find_row(&o, "      2003  runnable"), 22);
	/* More goroutines than listed. */
	ck_assert_int_eq(view_model_tick(m, &f->s, NULL, 0, 0, big, 1000, 2003), 0);
	v.scroll = 0;
	draw(&o, m, &v);
	ck_assert_int_gt(find_row(&o, "2003 goroutines (1000 listed)"), 0);
	done(&o, m, f);
}
END_TEST

/* A goroutine list longer than the screen says there is more, as help does:
 * at the top, in the middle, at the bottom. */
START_TEST(test_glist_more)
{
	fix *f = fix_new(2, 4);
	gs_snap_ginfo gl[30];
	memset(gl, 0, sizeof gl);
	for (int i = 0; i < 30; i++) {
		gl[i].id = 10 + i;
		gl[i].status = GS_G_WAITING;
		gl[i].m = -1;
	}
	view_model *m = view_model_new(60, 20);
	ck_assert_int_eq(view_model_tick(m, &f->s, NULL, 0, 0, gl, 30, 30), 0);
	view_state v;
	scr o = { 0 };
	static const struct {
		int scroll;
		const char *shows, *footer, *not ;
	} at[] = {
		{ 0, "showing 1-20", "more below", "more above" },
		{ 5, "showing 6-25", "more above and below", NULL },
		{ 10, "showing 11-30", "more above", "more below" },
	};

	view_init(&v, 100, 24); /* the footer's keys and the scroll hint fit */
	v.mode = VIEW_GLIST;
	ck_assert_int_eq(view_scroll_max(m, &v), 10);
	for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
		v.scroll = at[i].scroll;
		draw(&o, m, &v);
		ck_assert_int_eq(find_row(&o, at[i].shows), 1);
		ck_assert_int_eq(find_row(&o, at[i].footer), 23);
		ck_assert(at[i].not == NULL || find_row(&o, at[i].not ) == -1);
	}
	done(&o, m, f);
}
END_TEST

/* ---- the goroutine list: sorting, cursor, queries, the page ---- */

/* A goroutine list test's fixture: six goroutines whose every column orders
 * them differently (P0 runs 100 with 9 in its runnext, P1 runs 101), and a
 * view of the list at 100x24. */
typedef struct gfix {
	fix *f;
	view_model *m;
	gs_snap_ginfo gl[6];
	view_state v;
	scr o;
} gfix;

static void
gfix_new(gfix *t)
{
	static const gs_snap_ginfo g6[6] = {
		{ .id = 101, .status = GS_G_RUNNING, .m = 1, .label = "cpu", .tag = GS_TAG_CPU },
		{ .id = 100, .status = GS_G_RUNNING, .m = 0, .label = "cpu", .tag = GS_TAG_CPU },
		{ .id = 9,
		    .status = GS_G_RUNNABLE,
		    .m = -1,
		    .label = "worker",
		    .tag = GS_TAG_SWITCH },
		{ .id = 7,
		    .status = GS_G_WAITING,
		    .waitreason = GS_WAIT_CHAN_RECV,
		    .m = -1,
		    .label = "netwait",
		    .tag = GS_TAG_NET },
		{ .id = 5,
		    .status = GS_G_WAITING,
		    .waitreason = GS_WAIT_SLEEP,
		    .m = -1,
		    .label = "sleep",
		    .tag = GS_TAG_SLEEP },
		{ .id = 3,
		    .status = GS_G_SYSCALL,
		    .m = 3,
		    .label = "syscall",
		    .tag = GS_TAG_SYSCALL },
	};
	memset(t, 0, sizeof *t);
	t->f = fix_new(2, 4);
	t->f->p[0].runnext.id = 9;
	set_label(t->f->p[0].runnext.label, "worker");
	memcpy(t->gl, g6, sizeof g6);
	t->m = view_model_new(60, 20);
	ck_assert_int_eq(view_model_tick(t->m, &t->f->s, NULL, 0, 0, t->gl, 6, 6), 0);
	view_init(&t->v, 100, 24);
	t->v.mode = VIEW_GLIST;
}

/* Fabricated accounting figures for gfix's six goroutines (101 100 9 7 5 3),
 * marked as taken with accounting on. */
static void
gfix_timed(gfix *t)
{
	static const struct {
		uint64_t run, runs, lat, sys, moves;
	} a[6] = {
		{ 5000000, 10, 1000, 0, 2 },       /* 101 */
		{ 5000000, 3, 1000, 0, 0 },        /* 100 */
		{ 2000000000, 4, 6000000, 0, 4 },  /* 9 */
		{ 0, 1, 0, 0, 0 },                 /* 7 */
		{ 300000, 0, 50, 0, 1 },           /* 5 */
		{ 40000000, 2, 2000, 7000000, 0 }, /* 3 */
	};
	for (int i = 0; i < 6; i++) {
		t->gl[i].run_ns = a[i].run;
		t->gl[i].runs = a[i].runs;
		t->gl[i].latency_ns = a[i].lat;
		t->gl[i].syscall_ns = a[i].sys;
		t->gl[i].moves = a[i].moves;
		t->gl[i].lastp = -1;
	}
	ck_assert_int_eq(view_model_tick(t->m, &t->f->s, NULL, 0, 0, t->gl, 6, 6), 0);
	view_model_glist_timed(t->m);
}

/* The list's ids in v's order, as "3 5 7". */
static const char *
glist_order(const view_model *m, const view_state *v)
{
	static char out[256];
	int64_t ids[64];
	int n = view_glist_rows(m, v, ids, 64);
	size_t k = 0;

	out[0] = '\0';
	for (int i = 0; i < n && i < 64; i++)
		k += (size_t)snprintf(out + k, sizeof out - k, "%s%" PRId64, i ? " " : "", ids[i]);
	return out;
}

/* Each column sorts, ties by id, and reverses with ties still by id. */
START_TEST(test_glist_sort_columns)
{
	static const struct {
		view_gcol col;
		const char *up, *down;
	} want[] = {
		{ VIEW_GCOL_ID, "3 5 7 9 100 101", "101 100 9 7 5 3" },
		/* runnable, running, syscall, waiting (chan receive before sleep) */
		{ VIEW_GCOL_STATE, "9 100 101 3 7 5", "5 7 3 100 101 9" },
		/* none (-1) first, then P0 (9 in its runnext, 100 running), P1 */
		{ VIEW_GCOL_P, "3 5 7 9 100 101", "101 9 100 3 5 7" },
		{ VIEW_GCOL_M, "5 7 9 100 101 3", "3 101 100 5 7 9" },
		/* the kinds' order: C, S, B, N, W */
		{ VIEW_GCOL_KIND, "100 101 5 3 7 9", "9 7 3 5 100 101" },
		{ VIEW_GCOL_LABEL, "100 101 7 5 3 9", "9 3 5 7 100 101" },
		/* the accounting's (gfix_timed) */
		{ VIEW_GCOL_RUN, "7 5 100 101 3 9", "9 3 100 101 5 7" },
		{ VIEW_GCOL_RUNS, "5 7 3 100 9 101", "101 9 100 3 7 5" },
		{ VIEW_GCOL_LAT, "7 5 100 101 3 9", "9 3 100 101 5 7" },
		{ VIEW_GCOL_SYS, "5 7 9 100 101 3", "3 5 7 9 100 101" },
		{ VIEW_GCOL_MOVES, "3 7 100 5 101 9", "9 101 5 3 7 100" },
	};
	gfix t;

	gfix_new(&t);
	gfix_timed(&t);
	t.v.width = 120; /* every column shown */
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		t.v.gsort = want[i].col;
		t.v.grev = false;
		ck_assert_str_eq(glist_order(t.m, &t.v), want[i].up);
		draw(&t.o, t.m, &t.v);
		char mark[32];
		snprintf(mark, sizeof mark, "%s\u25b2", view_gcol_name(want[i].col));
		ck_assert_msg(find_row(&t.o, mark) == 2, "no '%s' in the header: '%s'", mark,
		    row(&t.o, 2));
		t.v.grev = true;
		ck_assert_str_eq(glist_order(t.m, &t.v), want[i].down);
		draw(&t.o, t.m, &t.v);
		snprintf(mark, sizeof mark, "%s\u25bc", view_gcol_name(want[i].col));
		ck_assert_int_eq(find_row(&t.o, mark), 2);
		ck_assert_int_gt(find_row(&t.o, "reversed"), 0);
	}
	/* every row in the list's order on screen, with its columns */
	t.v.gsort = VIEW_GCOL_STATE;
	t.v.grev = false;
	draw(&t.o, t.m, &t.v);
	ck_assert_int_lt(find_row(&t.o, "        9  runnable"),
	    find_row(&t.o, "      100  running"));
	ck_assert_ptr_nonnull(strstr(row(&t.o, find_row(&t.o, "      100  ")), "P0"));
	ck_assert_ptr_nonnull(strstr(row(&t.o, find_row(&t.o, "        9  ")), "P0"));
	ck_assert_ptr_nonnull(strstr(row(&t.o, find_row(&t.o, "      101  ")), "P1"));
	ck_assert_ptr_nonnull(strstr(row(&t.o, find_row(&t.o, "        5  ")), "waiting  sleep"));
	done(&t.o, t.m, t.f);
}
END_TEST

/* The accounting columns' cells (test_glist_sort_columns sorts by them); a
 * list not marked timed shows '-' and sorts them all as ties; narrow
 * screens drop the later ones by the table's rule. */
START_TEST(test_glist_sort_acct)
{
	gfix t;

	gfix_new(&t);
	gfix_timed(&t);
	view_init(&t.v, 120, 24);
	t.v.mode = VIEW_GLIST;
	/* the figures in their cells, in the UI's units */
	t.v.gsort = VIEW_GCOL_ID;
	t.v.grev = false;
	draw(&t.o, t.m, &t.v);
	ck_assert_ptr_nonnull(
	    strstr(row(&t.o, find_row(&t.o, "        9  ")), "2.00 s       4    6.0 ms"));
	ck_assert_ptr_nonnull(strstr(row(&t.o, find_row(&t.o, "        3  ")),
	    "40 ms       2      2 us    7.0 ms      0"));
	ck_assert_ptr_nonnull(strstr(row(&t.o, 2), "MOVES"));
	/* 80 columns: the run time only, the label keeps its room */
	view_init(&t.v, 80, 24);
	t.v.mode = VIEW_GLIST;
	draw(&t.o, t.m, &t.v);
	ck_assert_ptr_nonnull(strstr(row(&t.o, 2), "RUN  LABEL"));
	ck_assert_ptr_null(strstr(row(&t.o, 2), "RUNS"));
	ck_assert_ptr_null(strstr(row(&t.o, 2), "LAT"));
	ck_assert_ptr_nonnull(strstr(row(&t.o, find_row(&t.o, "        9  ")), "2.00 s  worker"));
	/* a list fed without the mark (a rebuilt tick's): '-', never 0 */
	ck_assert_int_eq(view_model_tick(t.m, &t.f->s, NULL, 0, 0, t.gl, 6, 6), 0);
	view_init(&t.v, 120, 24);
	t.v.mode = VIEW_GLIST;
	t.v.gsort = VIEW_GCOL_RUN;
	ck_assert_str_eq(glist_order(t.m, &t.v), "3 5 7 9 100 101");
	t.v.grev = true;
	ck_assert_str_eq(glist_order(t.m, &t.v), "3 5 7 9 100 101");
	draw(&t.o, t.m, &t.v);
	const char *r9 = row(&t.o, find_row(&t.o, "        9  "));
	ck_assert_ptr_nonnull(strstr(r9, "     -       -         -         -      -  worker"));
	ck_assert_ptr_null(strstr(r9, "2.00 s"));
	done(&t.o, t.m, t.f);
}
END_TEST

/* The cursor keeps to its goroutine as rows reorder, to its row when the
 * goroutine goes, within the list when moved, and in view when scrolled. */
START_TEST(test_glist_cursor)
{
	gfix t;

	gfix_new(&t);
	t.v.height = 8; /* 4 rows of the list */
	view_glist_sync(t.m, &t.v);
	ck_assert_int_eq(t.v.gcur, 3); /* the first row */
	view_glist_move(t.m, &t.v, 3);
	ck_assert_int_eq(t.v.gcur, 9);
	ck_assert_int_eq(t.v.gcur_row, 3);
	/* resorted: still on 9, now the first row */
	t.v.gsort = VIEW_GCOL_STATE;
	view_glist_sync(t.m, &t.v);
	ck_assert_int_eq(t.v.gcur, 9);
	ck_assert_int_eq(t.v.gcur_row, 0);
	/* a tick that brings the rows in another order keeps it on 9 */
	t.gl[2].status = GS_G_WAITING;
	t.gl[2].waitreason = GS_WAIT_SLEEP;
	ck_assert_int_eq(view_model_tick(t.m, &t.f->s, NULL, 0, 0, t.gl, 6, 6), 0);
	view_glist_sync(t.m, &t.v);
	ck_assert_int_eq(t.v.gcur, 9);
	ck_assert_str_eq(glist_order(t.m, &t.v), "100 101 3 7 5 9");
	ck_assert_int_eq(t.v.gcur_row, 5);
	ck_assert_int_eq(t.v.scroll, 2); /* shown: the last of rows 2-5 */
	/* 9 exits: the cursor stays on its row, the last */
	ck_assert_int_eq(view_model_tick(t.m, &t.f->s, NULL, 0, 0, t.gl, 2, 5), 0); /* 101, 100 */
	view_glist_sync(t.m, &t.v);
	ck_assert_int_eq(t.v.gcur_row, 1);
	ck_assert_int_eq(t.v.gcur, 101);
	ck_assert_int_eq(t.v.scroll, 0);
	ck_assert_int_eq(view_model_tick(t.m, &t.f->s, NULL, 0, 0, t.gl, 6, 6), 0);
	view_glist_sync(t.m, &t.v);
	ck_assert_int_eq(t.v.gcur, 101);
	/* moves stop at the ends */
	view_glist_move(t.m, &t.v, -100);
	ck_assert_int_eq(t.v.gcur_row, 0);
	ck_assert_int_eq(t.v.scroll, 0);
	view_glist_move(t.m, &t.v, 1 << 29);
	ck_assert_int_eq(t.v.gcur_row, 5);
	ck_assert_int_eq(t.v.scroll, 2);
	/* the cursor's row is drawn selected (on a screen the view fits) */
	t.v.height = 24;
	view_glist_sync(t.m, &t.v);
	ck_assert_int_eq(t.v.scroll, 0);
	draw(&t.o, t.m, &t.v);
	int y = find_row(&t.o, "        9  ");
	ck_assert_int_eq(y, 3 + 5);
	ck_assert_int_eq(row(&t.o, y)[0], '>'); /* not by colour alone */
	ck_assert_int_eq(find_row(&t.o, ">"), y);
	ck_assert_int_eq(t.o.s.cells[y * t.o.s.width + 4].attr, VA_SELECTED);
	ck_assert_int_ne(t.o.s.cells[(y - 1) * t.o.s.width + 4].attr, VA_SELECTED);
	done(&t.o, t.m, t.f);
}
END_TEST

/* The query words: each field, text, and what does not parse. */
START_TEST(test_gquery)
{
	static const struct {
		const char *q;
		const char *matches; /* ids in id order */
	} good[] = {
		{ "", "3 5 7 9 100 101" },
		{ "state:waiting", "5 7" },
		{ "state:run", "9 100 101" }, /* the start of running and runnable */
		{ "STATE:Sys", "3" },
		{ "kind:S", "5" },
		{ "kind:C state:running", "100 101" },
		{ "label:NET", "7" },
		{ "p:0", "9 100" },
		{ "p:1", "101" },
		{ "m:3", "3" },
		{ "id:7", "7" },
		{ "10", "100 101" }, /* text: in the id */
		{ "sle", "5" },      /* ... or the label */
		{ "  cpu   10 ", "100 101" },
		{ "kind:C label:sleep", "" },
	};
	static const struct {
		const char *q, *err;
	} bad[] = {
		{ "foo:1", "'foo:' is no field" },
		{ "p:x", "a number" },
		{ "m:-1", "a number" },
		{ "kind:SS", "one letter" },
		{ "state:zzz", "no state starts so" },
		{ "label:", "needs a value" },
		{ "a b c d e f g h i", "more than 8 words" },
	};
	gfix t;
	view_gquery q;
	char err[128];

	gfix_new(&t);
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		ck_assert_msg(view_gquery_parse(good[i].q, &q, err, sizeof err) == 0, "'%s': %s",
		    good[i].q, err);
		t.v.gfilter = good[i].q;
		ck_assert_msg(strcmp(glist_order(t.m, &t.v), good[i].matches) == 0,
		    "'%s' matches '%s', not '%s'", good[i].q, glist_order(t.m, &t.v),
		    good[i].matches);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ck_assert_int_eq(view_gquery_parse(bad[i].q, &q, err, sizeof err), -1);
		ck_assert_msg(strstr(err, bad[i].err) != NULL, "'%s': '%s' lacks '%s'", bad[i].q,
		    err, bad[i].err);
		t.v.gfilter = bad[i].q;
		ck_assert_str_eq(glist_order(t.m, &t.v), "");
	}
	view_model_free(t.m);
	fix_free(t.f);
}
END_TEST

/* f narrows the list and its title says so; a filter that does not parse
 * is said; / moves the cursor to the matches, round the end. */
START_TEST(test_glist_filter_find)
{
	gfix t;

	gfix_new(&t);
	t.v.gfilter = "kind:C";
	draw(&t.o, t.m, &t.v);
	ck_assert_int_eq(find_row(&t.o, "goroutines 2 of 6 matching \"kind:C\""), 0);
	ck_assert_int_gt(find_row(&t.o, "      100  running"), 0);
	ck_assert_int_eq(find_row(&t.o, "        9  "), -1);
	t.v.gfilter = "cpu state:wait";
	draw(&t.o, t.m, &t.v);
	ck_assert_int_gt(find_row(&t.o, "no goroutine matches the filter"), 0);
	t.v.gfilter = "bogus:1";
	draw(&t.o, t.m, &t.v);
	ck_assert_int_eq(find_row(&t.o, "filter: 'bogus:' is no field"), 1);
	ck_assert_int_eq(view_scroll_max(t.m, &t.v), 0);

	t.v.gfilter = NULL;
	view_glist_sync(t.m, &t.v);
	ck_assert_int_eq(t.v.gcur, 3);
	ck_assert(view_glist_find(t.m, &t.v, "kind:C", 0));
	ck_assert_int_eq(t.v.gcur, 100);
	ck_assert(view_glist_find(t.m, &t.v, "kind:C", 0)); /* it matches itself */
	ck_assert_int_eq(t.v.gcur, 100);
	ck_assert(view_glist_find(t.m, &t.v, "kind:C", 1));
	ck_assert_int_eq(t.v.gcur, 101);
	ck_assert(view_glist_find(t.m, &t.v, "kind:C", 1)); /* round the end */
	ck_assert_int_eq(t.v.gcur, 100);
	ck_assert(view_glist_find(t.m, &t.v, "kind:C", -1));
	ck_assert_int_eq(t.v.gcur, 101);
	ck_assert(view_glist_find(t.m, &t.v, "wait", 1)); /* text: the label netwait */
	ck_assert_int_eq(t.v.gcur, 7);
	ck_assert(!view_glist_find(t.m, &t.v, "label:nothing", 1));
	ck_assert(!view_glist_find(t.m, &t.v, "bogus:1", 1));
	ck_assert_int_eq(t.v.gcur, 7);
	done(&t.o, t.m, t.f);
}
END_TEST

/* The goroutine page: its fields, where the snapshot has it, and its own
 * events in order, no other goroutine's. */
/* Each of said[0..n) on a row below the previous one's; the last's row. */
static int
rows_in_order(const scr *o, const char *const *said, size_t n)
{
	int y = 0;
	for (size_t i = 0; i < n; i++) {
		int at = find_row(o, said[i]);
		ck_assert_msg(at > y, "'%s' at row %d, after row %d", said[i], at, y);
		y = at;
	}
	return y;
}

START_TEST(test_gdetail)
{
	gfix t;
	gs_event e[8];
	int n = 0;

	gfix_new(&t);
	e[n++] = ev(GS_EV_SPAWN, 0, -1, 0, -1, 9, 1);
	e[n++] = ev(GS_EV_RUN, 0, -1, 0, -1, 9, 0);
	e[n++] = ev(GS_EV_RUN, 1, -1, 1, -1, 5, 0); /* another goroutine's */
	e[n++] = ev(GS_EV_PREEMPT, 0, -1, 0, -1, 9, 1);
	e[n++] = ev(GS_EV_GLOBAL_PUT, 0, -1, 0, GS_GPUT_YIELD, 9, 1);
	e[n++] = ev(GS_EV_MOVE, 1, 0, 1, -1, 9, GS_MOVE_STEAL);
	e[n++] = ev(GS_EV_PARK, 1, -1, 1, -1, 9, GS_WAIT_CHAN_RECV);
	e[n++] = ev(GS_EV_STOP, -1, -1, 1, -1, 9, GS_G_RUNNABLE); /* no P */
	ck_assert_int_eq(view_model_tick(t.m, &t.f->s, e, n, 0, t.gl, 6, 6), 0);
	view_init(&t.v, 100, 30);
	t.v.mode = VIEW_GDETAIL;
	t.v.focus_g = 9;
	draw(&t.o, t.m, &t.v);
	ck_assert_int_eq(find_row(&t.o, " gsched G9 worker"), 0);
	ck_assert_int_gt(find_row(&t.o, "runnable"), 0);
	ck_assert_int_gt(find_row(&t.o, "P0's runnext"), 0);
	ck_assert_int_gt(find_row(&t.o, "events of G9: 7 in the last"), 0);
	static const char *const said[] = {
		"created on P0 by G1",
		"ran on P0 (M0)",
		"preempted on P0 (by a signal)",
		"yielded on P0: to the global queue",
		"stolen by P1 from P0",
		"parked: chan receive",
		"stopped: runnable",
	};
	int y = rows_in_order(&t.o, said, sizeof said / sizeof said[0]);
	ck_assert_int_eq(find_row(&t.o, "ran on P1"), -1);
	y = find_row(&t.o, "in its events  ran 1 time on P0, preempted 1, stolen 1, parked 1,");
	ck_assert_int_gt(y, 0);
	ck_assert_int_eq(find_row(&t.o, "                global queue"), y + 1);
	ck_assert_int_eq(find_row(&t.o, "P-1"), -1);
	ck_assert_int_gt(find_row(&t.o, "q back"), 0);
	/* in the global queue: the page and the list's P column say so */
	t.f->p[0].runnext.id = 0;
	t.f->glob[0].id = 9;
	t.f->s.glob_len = t.f->s.glob_head = 1;
	ck_assert_int_eq(view_model_tick(t.m, &t.f->s, NULL, 0, 0, t.gl, 6, 6), 0);
	draw(&t.o, t.m, &t.v);
	ck_assert_int_gt(find_row(&t.o, "in the global queue (1 goroutine)"), 0);
	t.v.mode = VIEW_GLIST;
	draw(&t.o, t.m, &t.v);
	ck_assert_ptr_nonnull(strstr(row(&t.o, find_row(&t.o, "        9  ")), "glob"));
	t.v.mode = VIEW_GDETAIL;
	/* a goroutine the list lacks: said, and its events still shown */
	t.v.focus_g = 12345;
	draw(&t.o, t.m, &t.v);
	ck_assert_int_eq(find_row(&t.o, " gsched G12345"), 0);
	ck_assert_int_gt(find_row(&t.o, "G12345 is not in the goroutine list"), 0);
	ck_assert_int_gt(find_row(&t.o, "(none kept"), 0);
	done(&t.o, t.m, t.f);
}
END_TEST

/* The page's timings: every figure of a fabricated gs_snap_ginfo, blocked
 * kinds only where not zero; "not recorded" for a list not marked timed. */
START_TEST(test_gdetail_timings)
{
	gfix t;

	gfix_new(&t);
	gs_snap_ginfo *g = &t.gl[2]; /* 9 */
	g->run_ns = 2000000000;
	g->runs = 4;
	g->latency_ns = 6000000;
	g->latency_max_ns = 3000000;
	g->syscall_ns = 0;
	g->blocked_ns[GS_BLOCK_CHAN] = 25000000;
	g->blocked_ns[GS_BLOCK_NET] = 1500000000;
	g->lastp = 1;
	g->moves = 4;
	g->created_ns = t.f->s.time_ns - 3000000000ull;
	g->stack_size = 65536;
	g->stack_used_max = 8192;
	ck_assert_int_eq(view_model_tick(t.m, &t.f->s, NULL, 0, 0, t.gl, 6, 6), 0);
	view_model_glist_timed(t.m);
	view_init(&t.v, 80, 24);
	t.v.mode = VIEW_GDETAIL;
	t.v.focus_g = 9;
	draw(&t.o, t.m, &t.v);
	static const char *const said[] = {
		" run time       2.00 s in 4 runs",
		" latency        6.0 ms in all, worst 3.0 ms, mean 1.5 ms",
		" system calls   0 ns",
		" blocked        chan 25 ms, net 1.50 s",
		" moves          4 between Ps, last on P1",
		" age            3.00 s",
		" stack          8.0 KiB used at most, of 64.0 KiB",
	};
	rows_in_order(&t.o, said, sizeof said / sizeof said[0]);
	ck_assert_int_eq(find_row(&t.o, "timer"), -1);
	ck_assert_int_eq(find_row(&t.o, "not recorded"), -1);
	/* before accounting: no age, and no stack before its first run */
	g->created_ns = 0;
	g->stack_size = g->stack_used_max = 0;
	g->blocked_ns[GS_BLOCK_CHAN] = g->blocked_ns[GS_BLOCK_NET] = 0;
	ck_assert_int_eq(view_model_tick(t.m, &t.f->s, NULL, 0, 0, t.gl, 6, 6), 0);
	view_model_glist_timed(t.m);
	draw(&t.o, t.m, &t.v);
	ck_assert_int_gt(find_row(&t.o, " age            unknown"), 0);
	ck_assert_int_gt(find_row(&t.o, " stack          none yet"), 0);
	ck_assert_int_gt(find_row(&t.o, " blocked        never"), 0);
	/* a list not marked timed: said so, no figure */
	ck_assert_int_eq(view_model_tick(t.m, &t.f->s, NULL, 0, 0, t.gl, 6, 6), 0);
	draw(&t.o, t.m, &t.v);
	ck_assert_int_gt(find_row(&t.o, " timings        not recorded for this tick"), 0);
	ck_assert_int_eq(find_row(&t.o, "run time"), -1);
	ck_assert_int_eq(find_row(&t.o, "2.00 s"), -1);
	done(&t.o, t.m, t.f);
}
END_TEST

/* The page's strip: the state each tick's span was spent in most, from the
 * events' times, blank before the oldest event kept. */
START_TEST(test_gdetail_strip)
{
	gfix t;
	gs_event e[5];
	const uint64_t end = 5000000000ull, ms = 1000000;

	gfix_new(&t);
	e[0] = ev(GS_EV_RUN, 0, -1, 0, -1, 9, 0);
	e[0].time_ns = end - 500 * ms;
	e[1] = ev(GS_EV_STOP, 0, -1, 0, -1, 9, GS_G_RUNNABLE);
	e[1].time_ns = end - 330 * ms; /* 70 ms running, 30 runnable */
	e[2] = ev(GS_EV_RUN, 1, -1, 1, -1, 9, 0);
	e[2].time_ns = end - 200 * ms;
	e[3] = ev(GS_EV_PARK, 1, -1, 1, -1, 9, GS_WAIT_SLEEP);
	e[3].time_ns = end - 70 * ms; /* 30 ms running, 70 waiting */
	e[4] = ev(GS_EV_STOP, 1, -1, 1, -1, 9, GS_G_WAITING);
	e[4].time_ns = end - 70 * ms;
	ck_assert_int_eq(view_model_tick(t.m, &t.f->s, e, 5, 0, t.gl, 6, 6), 0);
	t.v.mode = VIEW_GDETAIL;
	t.v.focus_g = 9;
	t.v.tick_hz = 10;
	draw(&t.o, t.m, &t.v);
	int y = find_row(&t.o, " by tick ");
	ck_assert_int_gt(y, 0);
	const char *strip = strstr(row(&t.o, y), "RRrRw");
	ck_assert_msg(strip != NULL, "strip: '%s'", row(&t.o, y));
	ck_assert_int_eq(strip[-1], ' '); /* before the first event */
	/* the newest at the right: 50 spans of 100 ms since the clock's 0 */
	ck_assert_int_eq(strip - row(&t.o, y), 16 + 50 - 5);
	ck_assert_int_gt(find_row(&t.o, "R run r runnable s syscall w wait"), y);
	done(&t.o, t.m, t.f);
}
END_TEST

START_TEST(test_details)
{
	fix *f = fix_new(3, 8);
	fix_queue(f, 1, 100, "sleep");
	f->p[1].runnext.id = 77;
	set_label(f->p[1].runnext.label, "cpu");
	f->p[1].timers = 5;
	f->p[1].steals = 3;
	f->p[1].stolen = 90;
	f->p[1].stolen_from = 12;
	f->p[1].schedtick = 4242;
	f->m[6].state = GS_MSTATE_SYSCALL;
	f->m[6].curg = 900;
	gs_snap_ginfo gl[1] = { { .id = 900, .status = GS_G_SYSCALL, .m = 6, .label = "syscall" } };
	view_model *m = view_model_new(60, 50);
	gs_event e = ev(GS_EV_RETAKE, 2, -1, 6, -1, 0, 0);
	ck_assert_int_eq(view_model_tick(m, &f->s, &e, 1, 0, gl, 1, 1), 0);
	view_state v;
	scr o = { 0 };

	view_init(&v, 80, 24);
	v.mode = VIEW_PDETAIL;
	v.focus_p = 1;
	draw(&o, m, &v);
	ck_assert_int_gt(find_row(&o, "100 of 256 slots"), 0);
	ck_assert_int_gt(find_row(&o, "G77 cpu"), 0);
	ck_assert_int_gt(find_row(&o, "G101 cpu (running), slice 3.2 ms"), 0);
	ck_assert_int_gt(find_row(&o, "4242"), 0);
	ck_assert_int_gt(find_row(&o, "took 90 goroutines; others took 12"), 0);
	ck_assert_int_gt(find_row(&o, "S100"), 0);
	ck_assert_int_gt(find_row(&o, "G2000 sleep"), 0); /* the head of the queue */
	int max = view_scroll_max(m, &v);
	ck_assert_int_gt(max, 0);
	v.scroll = max;
	draw(&o, m, &v);
	ck_assert_int_gt(find_row(&o, "G2099 sleep"), 0); /* its tail */
	v.focus_p = 9;
	draw(&o, m, &v);
	ck_assert_int_gt(find_row(&o, "P9 does not exist (GOMAXPROCS 3)"), 0);

	v.mode = VIEW_MDETAIL;
	v.focus_m = 6;
	draw(&o, m, &v);
	ck_assert_int_gt(find_row(&o, "B syscall"), 0);
	ck_assert_int_gt(find_row(&o, "G900 syscall (syscall)"), 0);
	ck_assert_int_gt(find_row(&o, "sysmon took P2 from M6"), 0);
	v.focus_m = 60;
	draw(&o, m, &v);
	ck_assert_int_gt(find_row(&o, "M60 is not in the snapshot"), 0);
	done(&o, m, f);
}
END_TEST

/* The P and M pages' time by state: each total with its share of the time
 * counted, the last tick's growth with its share of the tick; with
 * accounting off (every figure 0) a line that says so, not zeros; the sysmon
 * thread, which no state counts, says so too. */
START_TEST(test_detail_times)
{
	fix *f = fix_new(2, 6);
	view_model *m = view_model_new(60, 50);
	view_state v;
	scr o = { 0 };

	view_init(&v, 80, 24);
	ck_assert_int_eq(view_model_tick(m, &f->s, NULL, 0, 0, NULL, 0, 0), 0);
	v.mode = VIEW_PDETAIL;
	v.focus_p = 1;
	draw(&o, m, &v);
	ck_assert_int_gt(find_row(&o, "not measured: the runtime's accounting was off"), 0);
	ck_assert_int_lt(find_row(&o, "in all"), 0);
	v.mode = VIEW_MDETAIL;
	v.focus_m = 4;
	draw(&o, m, &v);
	ck_assert_int_gt(find_row(&o, "not measured: the runtime's accounting was off"), 0);

	/* accounting on: P1 ran 3 s, idled 0.75 s, spun 0.25 s; M4 idle 2 s
	 * and 1 s in system calls */
	f->p[1].run_ns = 3000000000ull;
	f->p[1].idle_ns = 750000000ull;
	f->p[1].spin_ns = 250000000ull;
	f->m[4].idle_ns = 2000000000ull;
	f->m[4].syscall_ns = 1000000000ull;
	f->s.time_ns += 100000000ull;
	ck_assert_int_eq(view_model_tick(m, &f->s, NULL, 0, 0, NULL, 0, 0), 0);
	v.mode = VIEW_PDETAIL;
	draw(&o, m, &v);
	int y = find_row(&o, "in all");
	ck_assert_int_gt(y, 0);
	ck_assert_ptr_nonnull(strstr(row(&o, y - 1), "run"));
	ck_assert_ptr_nonnull(strstr(row(&o, y - 1), "spinning"));
	ck_assert_ptr_nonnull(strstr(row(&o, y), "3.00 s 75%"));
	ck_assert_ptr_nonnull(strstr(row(&o, y), "750 ms 19%"));
	ck_assert_ptr_nonnull(strstr(row(&o, y), "250 ms 6%"));
	ck_assert_ptr_nonnull(strstr(row(&o, y), "4.00 s"));
	/* the tick before had no figures: no growth to show */
	ck_assert_ptr_nonnull(strstr(row(&o, y + 1), "last tick"));
	ck_assert_ptr_nonnull(strstr(row(&o, y + 1), "no earlier tick"));

	/* 100 ms later: 80 ms more run, 20 ms more idle */
	f->p[1].run_ns += 80000000ull;
	f->p[1].idle_ns += 20000000ull;
	f->m[4].syscall_ns += 50000000ull;
	f->s.time_ns += 100000000ull;
	ck_assert_int_eq(view_model_tick(m, &f->s, NULL, 0, 0, NULL, 0, 0), 0);
	draw(&o, m, &v);
	y = find_row(&o, "last tick");
	ck_assert_int_gt(y, 0);
	ck_assert_ptr_nonnull(strstr(row(&o, y), "80 ms 80%"));
	ck_assert_ptr_nonnull(strstr(row(&o, y), "20 ms 20%"));
	ck_assert_ptr_nonnull(strstr(row(&o, y), "0 ns 0%"));
	ck_assert_ptr_nonnull(strstr(row(&o, y), "100 ms"));

	v.mode = VIEW_MDETAIL;
	draw(&o, m, &v);
	y = find_row(&o, "in all");
	ck_assert_int_gt(y, 0);
	ck_assert_ptr_nonnull(strstr(row(&o, y - 1), "syscall"));
	ck_assert_ptr_nonnull(strstr(row(&o, y), "2.00 s 66%"));
	ck_assert_ptr_nonnull(strstr(row(&o, y), "1.05 s 34%"));
	ck_assert_ptr_nonnull(strstr(row(&o, y + 1), "50 ms 50%"));
	/* sysmon (M2 here) is in no state */
	v.focus_m = 2;
	draw(&o, m, &v);
	ck_assert_int_gt(find_row(&o, "not counted: sysmon"), 0);

	/* figures that went down (accounting switched off and on): no growth */
	f->p[1].run_ns = 1000000ull;
	f->s.time_ns += 100000000ull;
	ck_assert_int_eq(view_model_tick(m, &f->s, NULL, 0, 0, NULL, 0, 0), 0);
	v.mode = VIEW_PDETAIL;
	draw(&o, m, &v);
	ck_assert_ptr_nonnull(strstr(row(&o, find_row(&o, "last tick")), "no earlier tick"));
	done(&o, m, f);
}
END_TEST

START_TEST(test_projector)
{
	fix *f = fix_new(4, 30);
	fix_queue(f, 2, 128, "cpu");
	view_model *m = view_model_new(600, 100);
	for (int t = 0; t < 20; t++)
		ck_assert_int_eq(view_model_tick(m, &f->s, NULL, 0, 0, NULL, 0, 0), 0);
	view_state v;
	scr o = { 0 };

	view_init(&v, 120, 40);
	v.projector = true;
	draw(&o, m, &v);
	int y = row_starting(&o, "P2 ");
	ck_assert_int_gt(y, 0);
	ck_assert_ptr_nonnull(strstr(row(&o, y), "128 queued"));
	/* Large tokens with ids on a row of their own, what does not fit
	 * counted */
	ck_assert_int_ge(find_col(&o, y + 1, "[C3000] [C3001] [C3002]"), 0);
	const char *plus = strrchr(row(&o, y + 1), '+');
	ck_assert_ptr_nonnull(plus);
	int shown = 0;
	for (const char *c = strstr(row(&o, y + 1), "[C"); c; c = strstr(c + 1, "[C"))
		shown++;
	ck_assert_int_eq(shown + atoi(plus + 1), 128);
	ck_assert_int_gt(shown, 8);
	ck_assert_int_eq(row_starting(&o, "P3 "), y + 2);
	ck_assert_int_eq(find_row(&o, "busy threads"), -1);
	ck_assert_int_gt(find_row(&o, "idle 25:"), 0);
	ck_assert_int_eq(row_starting(&o, "global queue"), y + 4);
	done(&o, m, f);
}
END_TEST

/* ---- history ---------------------------------------------------------------------------- */

START_TEST(test_history)
{
	fix *f = fix_new(2, 4);
	view_model *m = view_model_new(600, 100);
	for (int t = 0; t < 1000; t++) {
		f->s.stats.threads = 4 + t / 10;
		f->s.nm_total = f->s.stats.threads; /* the snapshot lists only 4 */
		f->s.stats.steals = (uint64_t)t * 2;
		f->s.stats.by_status[GS_G_RUNNABLE] = t % 50;
		ck_assert_int_eq(view_model_tick(m, &f->s, NULL, 0, 0, NULL, 0, 0), 0);
	}
	ck_assert_int_eq(view_model_ticks(m), 1000);
	view_state v;
	scr o = { 0 };

	view_init(&v, 120, 40);
	draw(&o, m, &v);
	/* Threads grew to 103 (the snapshot lists 4 Ms, so the counters say so). */
	int y = find_row(&o, "threads 103");
	ck_assert_int_gt(y, 0);
	int gy = find_row(&o, "threads 103 (max 103, last 60 s)");
	ck_assert_int_gt(gy, 0);
	/* The graph under it (one or more rows of eighths) rises to its full
	 * height at the newest (rightmost) column. */
	int rows = 0;
	while (
	    gy + 1 + rows < o.s.height && cell(&o, o.s.width - 1, gy + 1 + rows)->attr == VA_GRAPH)
		rows++;
	ck_assert_int_ge(rows, 1);
	int cols = 0, prev = 0, lastx = -1;
	for (int x = 0; x < o.s.width; x++) {
		int eighths = 0;
		bool graph = false;
		for (int k = 0; k < rows; k++) {
			const view_cell *c = cell(&o, x, gy + 1 + k);
			if (c->attr != VA_GRAPH)
				continue;
			graph = true;
			if (c->ch >= 0x2581 && c->ch <= 0x2588)
				eighths += (int)(c->ch - 0x2580);
			else
				ck_assert_uint_eq(c->ch, ' ');
		}
		if (!graph || eighths == 0)
			continue;
		ck_assert_int_ge(eighths, prev); /* a growing series */
		prev = eighths;
		lastx = x;
		cols++;
	}
	ck_assert_int_ge(cols, 30);
	ck_assert_int_eq(prev, 8 * rows);
	ck_assert_int_eq(lastx, o.s.width - 1);
	ck_assert_int_gt(find_row(&o, "steals/tick 2"), 0);
	/* ASCII: the same graph in _.-=# */
	v.ascii = true;
	draw(&o, m, &v);
	gy = find_row(&o, "threads 103 (max 103");
	ck_assert_int_gt(find_col(&o, gy + 1, "#"), 0);
	ck_assert_int_gt(find_col(&o, gy + 1, "."), 0);
	ck_assert(all_ascii(&o));
	done(&o, m, f);
}
END_TEST

/* ---- model basics --------------------------------------------------------------------- */

START_TEST(test_screen_row)
{
	view_screen s = { 0 };
	char b[64];

	ck_assert_int_eq(view_screen_init(&s, 5, 2), 0);
	s.cells[0].ch = 'a';
	s.cells[1].ch = 0x2588;  /* 3 bytes */
	s.cells[2].ch = 0x00b7;  /* 2 bytes */
	s.cells[3].ch = 0x1f600; /* 4 bytes */
	ck_assert_uint_eq(view_screen_row(&s, 0, b, sizeof b), 1 + 3 + 2 + 4 + 1);
	ck_assert_str_eq(b, "a\xe2\x96\x88\xc2\xb7\xf0\x9f\x98\x80 ");
	ck_assert_uint_eq(view_screen_row(&s, 1, b, sizeof b), 5);
	ck_assert_str_eq(b, "     ");
	/* Whole code points only. */
	ck_assert_uint_eq(view_screen_row(&s, 0, b, 4), 1);
	ck_assert_str_eq(b, "a");
	ck_assert_uint_eq(view_screen_row(&s, 5, b, sizeof b), 0);
	ck_assert_str_eq(b, "");
	view_screen_free(&s);
	ck_assert_ptr_null(s.cells);
}
END_TEST

START_TEST(test_deep_copy)
{
	fix *f = fix_new(2, 4);
	fix_queue(f, 0, 5, "sleep");
	f->s.glob_len = 600;
	f->s.glob_head = f->s.glob_tail = 2;
	for (int k = 0; k < 4; k++)
		f->glob[k].id = 40 + k;
	view_model *m = view_model_new(60, 20);
	ck_assert_ptr_null(view_model_snapshot(m));
	ck_assert_int_eq(view_model_ticks(m), 0);
	ck_assert_int_eq(view_model_tick(m, &f->s, NULL, 0, 0, NULL, 0, 0), 0);
	/* The caller reuses its buffers. */
	f->p[0].runq_len = 0;
	memset(f->runq, 0, 256 * sizeof *f->runq);
	memset(f->glob, 0, sizeof f->glob);
	f->m[0].state = GS_MSTATE_IDLE;
	f->s.stats.gomaxprocs = 99;
	const gs_snapshot *s = view_model_snapshot(m);
	ck_assert_ptr_nonnull(s);
	ck_assert_ptr_ne(s->p, f->p);
	ck_assert_ptr_ne(s->m, f->m);
	ck_assert_int_eq(s->p[0].runq_len, 5);
	ck_assert_int_eq(s->p[0].runq_listed, 5);
	ck_assert_ptr_ne(s->p[0].runq, f->p[0].runq);
	ck_assert_str_eq(s->p[0].runq[4].label, "sleep");
	ck_assert_ptr_ne(s->glob, f->glob);
	ck_assert_uint_eq(s->glob_len, 600);
	ck_assert_uint_eq(s->glob_head + s->glob_tail, 4);
	ck_assert_int_eq(s->glob[3].id, 43);
	ck_assert_int_eq(s->m[0].state, GS_MSTATE_RUNNING);
	ck_assert_int_eq(s->stats.gomaxprocs, 2);
	view_state v;
	scr o = { 0 };
	view_init(&v, 80, 24);
	draw(&o, m, &v);
	ck_assert_int_gt(find_row(&o, "GOMAXPROCS 2"), 0);
	ck_assert_ptr_nonnull(strstr(row(&o, row_starting(&o, "P0 ")), "S1004"));
	/* Bad arguments. */
	ck_assert_int_eq(view_model_tick(m, NULL, NULL, 0, 0, NULL, 0, 0), GS_EINVAL);
	ck_assert_int_eq(view_model_tick(m, &f->s, NULL, 3, 0, NULL, 0, 0), GS_EINVAL);
	ck_assert_int_eq(view_render(m, NULL, &o.s), GS_EINVAL);
	ck_assert_ptr_null(view_model_new(0, 10));
	ck_assert_ptr_null(view_model_new(10, 0));
	/* Before any tick the main view waits. */
	view_model *e = view_model_new(10, 10);
	draw(&o, e, &v);
	ck_assert_int_gt(find_row(&o, "waiting for the first snapshot"), 0);
	v.mode = VIEW_PDETAIL;
	draw(&o, e, &v);
	v.mode = VIEW_MDETAIL;
	draw(&o, e, &v);
	v.mode = VIEW_GLIST;
	draw(&o, e, &v);
	ck_assert_int_gt(find_row(&o, "no goroutine list yet"), 0);
	view_model_free(e);
	done(&o, m, f);
}
END_TEST

/* ---- goroutine tokens and their moves ----------------------------------------------------- */

/* The global queue: n goroutines from id `first`, tagged tag; when n > 512
 * the first and last 256 listed, as the runtime lists them. */
static void
fix_glob(fix *f, uint32_t n, int64_t first, char tag)
{
	f->s.glob_len = n;
	f->s.stats.global_runq = (int)n;
	f->s.glob_head = n > 512 ? 256 : n;
	f->s.glob_tail = n > 512 ? 256 : 0;
	for (uint32_t k = 0; k < f->s.glob_head; k++) {
		f->glob[k].id = first + k;
		f->glob[k].tag = tag;
	}
	for (uint32_t k = 0; k < f->s.glob_tail; k++) {
		f->glob[256 + k].id = first + (n - 256) + k;
		f->glob[256 + k].tag = tag;
	}
}

/* The x of token text (e.g. "C1003") on row y as a whole word; -1 none. */
static int
token_col(const scr *o, int y, const char *tok)
{
	size_t n = strlen(tok);
	for (int x = 0; x + (int)n <= o->s.width; x++) {
		bool ok = true;
		for (size_t i = 0; i < n && ok; i++)
			ok = cell(o, x + (int)i, y)->ch == (uint32_t)(unsigned char)tok[i];
		if (!ok)
			continue;
		uint32_t after = x + (int)n < o->s.width ? cell(o, x + (int)n, y)->ch : ' ';
		uint32_t before = x > 0 ? cell(o, x - 1, y)->ch : ' ';
		if ((after < '0' || after > '9') && !(before >= 'A' && before <= 'Z'))
			return x;
	}
	return -1;
}

/* Feed one more tick of f with these events, 100 ms after the last. */
static void
feed(view_model *m, fix *f, const gs_event *e, int ne, uint64_t dropped)
{
	f->s.time_ns += 100000000ull;
	gs_event *c = ne ? calloc((size_t)ne, sizeof *c) : NULL;
	for (int i = 0; i < ne; i++) {
		c[i] = e[i];
		c[i].time_ns = f->s.time_ns - 50000000ull;
	}
	ck_assert_int_eq(view_model_tick(m, &f->s, c, ne, dropped, NULL, 0, 0), 0);
	free(c);
}

/* The header's figures at the widths a class uses, with numbers as wide as
 * a long run makes them: every figure is on the header's rows, whole, at
 * every width; a narrow screen gets shorter words, never fewer figures. */
static void
header_has_all(const scr *o, int w, int h, const char *const alts[][4], int n)
{
	int end = find_row(o, "P0 ");
	ck_assert_msg(end > 1, "%dx%d: no P0 row", w, h);
	for (int i = 0; i < n; i++) {
		bool found = false;
		for (int a = 0; a < 4 && alts[i][a] && !found; a++) {
			int y = find_row(o, alts[i][a]);
			found = y >= 1 && y < end;
		}
		ck_assert_msg(found, "%dx%d: '%s' not in the header (rows 1-%d)", w, h, alts[i][0],
		    end - 1);
	}
}

/* The header's figures of a tick: goroutines (g, of which r runnable, w
 * waiting, y in system calls), the global queue, and the counters. */
static void
set_figures(gs_stats *st, int g, int r, int w, int y, int glob, uint64_t steals, uint64_t handoffs,
    uint64_t preempts)
{
	st->goroutines = g;
	st->by_status[GS_G_RUNNABLE] = r;
	st->by_status[GS_G_WAITING] = w;
	st->by_status[GS_G_SYSCALL] = y;
	st->global_runq = glob;
	st->steals = steals;
	st->handoffs = handoffs;
	st->preempt_async = preempts - 1000000;
	st->preempt_coop = 1000000;
}

/* A long busy run's figures: 10000 Ms, 100000 goroutines, a busy tick's
 * steps on top of totals in the millions; dropped: events lost. */
static view_model *
wide_model(fix *f, uint64_t dropped)
{
	f->s.os_threads = 10004;
	set_figures(&f->s.stats, 8, 0, 0, 0, 0, 999000, 9990000, 9990000);
	view_model *m = model_with(f, NULL, 0);
	set_figures(&f->s.stats, 100000, 50000, 40000, 9992, 49000, 999999, 9999999, 9999999);
	feed(m, f, NULL, 0, dropped);
	return m;
}

START_TEST(test_header_widths)
{
	fix *f = fix_new(8, 10000);
	static const char *const alts[][4] = {
		{ "GOMAXPROCS 8", NULL, NULL, NULL },
		{ "CPUs 8", NULL, NULL, NULL },
		{ "OS threads 10004", "threads 10004", NULL, NULL },
		{ "Ms 10000 (busy 9: run 8 spin 0 sys 0 sysmon 1, idle 9991)",
		    "Ms 10000: busy 9, idle 9991", NULL, NULL },
		{ "goroutines 100000: 50000 runnable, 8 running, 40000 waiting, 9992 syscall",
		    "goroutines 100000: 50000 runnable 8 running 40000 waiting 9992 sys",
		    "Gs 100000: 50000 runnable 8 running 40000 waiting 9992 sys",
		    "Gs 100000: 50000 runnable 8 run 40000 wait 9992 sys" },
		{ "global queue 49000", "global 49000", NULL, NULL },
		{ "steals +999 (999999)", NULL, NULL, NULL },
		{ "hand-offs +9999 (9999999)", NULL, NULL, NULL },
		{ "preemptions +9999 (9999999)", "preempts +9999 (9999999)", NULL, NULL },
		{ "events lost 99999", NULL, NULL, NULL },
	};
	int sizes[][2] = { { 80, 24 }, { 60, 16 }, { 70, 20 }, { 100, 30 }, { 120, 40 },
		{ 200, 60 } };
	view_state v;
	scr o = { 0 };

	for (int lost = 0; lost < 2; lost++) {
		view_model *m = wide_model(f, lost ? 99999 : 0);
		int n = (int)(sizeof alts / sizeof alts[0]) - (lost ? 0 : 1);
		for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
			for (int proj = 0; proj < 2; proj++) {
				view_init(&v, sizes[k][0], sizes[k][1]);
				v.projector = proj;
				draw(&o, m, &v);
				header_has_all(&o, v.width, v.height, alts, n);
				/* 80 columns and more: the header's 3 lines (with
				 * events lost, 4) leave the Ps their rows */
				int p0 = find_row(&o, "P0 "), lines = p0 - 1 - !proj;
				/* the warnings line (events lost) is no header line */
				if (lost)
					ck_assert_int_lt(find_row(&o,
							     "events lost (event rings full)"),
					    p0);
				lines -= lost;
				if (v.width >= 80)
					ck_assert_msg(lines <= 3 + lost, "%dx%d: %d header lines",
					    v.width, v.height, lines);
			}
		}
		/* At 200 columns the long words are kept. */
		ck_assert_int_gt(find_row(&o, "OS threads 10004"), 0);
		ck_assert_int_gt(find_row(&o, "preemptions +9999 (9999999)"), 0);
		view_model_free(m);
	}
	scr_free(&o);
	fix_free(f);

	/* Small figures at 80 columns: the usual header in its usual words. */
	f = fix_new(2, 8);
	f->s.os_threads = 10;
	view_model *m = model_with(f, NULL, 0);
	view_init(&v, 80, 24);
	draw(&o, m, &v);
	ck_assert_int_eq(find_row(&o, "GOMAXPROCS 2  CPUs 8  OS threads 10  Ms 8: busy 3, idle 5"),
	    1);
	ck_assert_int_eq(find_row(&o, "goroutines 2: 0 runnable 2 running 0 waiting 0 sys"), 2);
	ck_assert_int_eq(find_row(&o, "steals +0 (0)  hand-offs +0 (0)  preemptions +0 (0)"), 3);
	done(&o, m, f);
}
END_TEST

/* Up to 8 Ps at 80x24 get a token row each, and the global queue its row,
 * even under a lesson's three-line caption; no blank rows between the
 * panels. */
START_TEST(test_tokens_eight_ps)
{
	fix *f = fix_new(8, 12);
	for (int i = 0; i < 8; i++)
		fix_queue(f, i, (uint32_t)(3 * i), "cpu");
	fix_glob(f, 20, 9000, GS_TAG_SLEEP);
	view_model *m = model_with(f, NULL, 0);
	for (int i = 0; i < 30; i++)
		view_model_note(m, 5000000000ull, VA_NORMAL, "a line of the log");
	view_state v;
	scr o = { 0 };

	for (int k = 0; k < 2; k++) {
		view_init(&v, 80, 24);
		v.projector = false;
		if (k == 1) {
			v.lesson = "06 stealing";
			v.lesson_bar = "chapter 1/3";
			v.caption = "first line\nsecond line\nthird line";
		}
		draw(&o, m, &v);
		int y = row_starting(&o, "P0 ");
		ck_assert_int_gt(y, 0);
		for (int i = 1; i < 8; i++) {
			char b[8];
			snprintf(b, sizeof b, "P%d ", i);
			ck_assert_int_eq(row_starting(&o, b), y + i);
		}
		ck_assert_int_eq(row_starting(&o, "global queue"), y + 8);
		/* the rows between the header and the footer all say something */
		int last = k == 1 ? find_row(&o, "chapter 1/3") : o.s.height - 1;
		for (int yy = 1; yy < last; yy++) {
			const char *r = row(&o, yy);
			ck_assert_msg(strspn(r, " ") < strlen(r), "k %d: row %d is blank", k, yy);
		}
	}
	done(&o, m, f);
}
END_TEST

START_TEST(test_tokens_order)
{
	fix *f = fix_new(2, 4);
	fix_queue(f, 0, 5, "cpu");
	f->p[0].runq[2].tag = GS_TAG_SLEEP;
	f->p[0].runnext.id = 50;
	f->p[0].runnext.tag = GS_TAG_NET;
	view_model *m = model_with(f, NULL, 0);
	view_state v;
	scr o = { 0 };

	int sizes[3][2] = { { 80, 24 }, { 120, 40 }, { 200, 60 } };
	for (int k = 0; k < 3; k++) {
		view_init(&v, sizes[k][0], sizes[k][1]);
		draw(&o, m, &v);
		int y = row_starting(&o, "P0 ");
		ck_assert_int_gt(y, 0);
		/* head first, each with its kind's letter and colour */
		int x = token_col(&o, y, "C1000");
		ck_assert_int_gt(x, 0);
		ck_assert_int_eq(cell(&o, x, y)->attr, VA_KIND_CPU);
		ck_assert_int_eq(token_col(&o, y, "C1001"), x + 6);
		ck_assert_int_eq(token_col(&o, y, "S1002"), x + 12);
		ck_assert_int_eq(cell(&o, x + 12, y)->attr, VA_KIND_SLEEP);
		ck_assert_int_eq(token_col(&o, y, "C1004"), x + 24);
		/* the running goroutine and runnext before the queue, the
		 * count and its 256-slot gauge beside it */
		int xg = token_col(&o, y, "C100"), xn = token_col(&o, y, "N50");
		ck_assert_int_gt(xg, 0);
		ck_assert_int_gt(xn, xg);
		ck_assert_int_lt(xn, x);
		ck_assert_int_eq(cell(&o, xn, y)->attr, VA_KIND_NET);
		ck_assert_int_gt(find_col(&o, y, "  5 "), xn);
		/* P1's M; P0's empty queue is no token */
		ck_assert_int_gt(token_col(&o, y, "M0"), 0);
		ck_assert_int_eq(token_col(&o, row_starting(&o, "P1 "), "C1000"), -1);
	}
	/* no colour: the letters carry the kinds; ASCII: runnext is '>' */
	v.mono = true;
	v.ascii = true;
	draw(&o, m, &v);
	int y = row_starting(&o, "P0 ");
	ck_assert_int_gt(find_col(&o, y, ">N50"), 0);
	ck_assert_int_gt(token_col(&o, y, "S1002"), 0);
	ck_assert(all_ascii(&o));
	done(&o, m, f);
}
END_TEST

START_TEST(test_tokens_truncated)
{
	fix *f = fix_new(2, 4);
	fix_queue(f, 0, 200, "cpu");
	fix_queue(f, 1, 256, "sleep");
	f->p[1].runq_len = 300; /* more than listed */
	fix_glob(f, 1000, 5000, GS_TAG_CPU);
	for (int k = 256; k < 512; k++)
		f->glob[k].tag = GS_TAG_SLEEP; /* the tail: sleepers */
	view_model *m = model_with(f, NULL, 0);
	view_state v;
	scr o = { 0 };
	int sizes[4][2] = { { 80, 24 }, { 120, 40 }, { 200, 60 }, { 100, 30 } };

	for (int k = 0; k < 4; k++) {
		view_init(&v, sizes[k][0], sizes[k][1]);
		v.projector = k == 3;
		draw(&o, m, &v);
		int y0 = row_starting(&o, "P0 "), more;
		ck_assert_int_gt(y0, 0);
		if (v.projector) {
			/* large tokens with ids on the row under the P's */
			y0++;
			ck_assert_int_ge(find_col(&o, y0, "[C1000] [C1001]"), 0);
			const char *plus = strrchr(row(&o, y0), '+');
			ck_assert_ptr_nonnull(plus);
			int shown = 0;
			for (const char *c = strstr(row(&o, y0), "[C"); c && c < plus;
			     c = strstr(c + 1, "[C"))
				shown++;
			ck_assert_int_eq(shown + atoi(plus + 1), 200);
			continue;
		}
		/* one cell a goroutine, what does not fit counted: all 200 */
		int x = find_col(&o, y0, "CCCC");
		ck_assert_int_gt(x, 0);
		int shown = letters_at(&o, y0, x, 'C', &more);
		ck_assert_int_gt(shown, 10);
		ck_assert_int_gt(more, 0);
		ck_assert_int_eq(shown + more, 200);
		/* the listing is shorter than the queue: the count is the queue's */
		int y1 = row_starting(&o, "P1 ");
		x = find_col(&o, y1, "SSSS");
		shown = letters_at(&o, y1, x, 'S', &more);
		ck_assert_int_eq(shown + more, 300);
		/* the global queue: its head, "+N", its tail at the right */
		int yg = row_starting(&o, "global queue");
		ck_assert_int_gt(yg, y1);
		ck_assert_int_gt(find_col(&o, yg, "1000"), 0);
		x = find_col(&o, yg, "CCCC");
		int head = letters_at(&o, yg, x, 'C', &more);
		int xs = find_col(&o, yg, "SSS");
		ck_assert_int_gt(xs, x + head);
		int tail = 0;
		for (int xx = xs; xx < o.s.width && cell(&o, xx, yg)->ch == 'S'; xx++)
			tail++;
		ck_assert_int_eq(head + more + tail, 1000);
	}
	done(&o, m, f);
}
END_TEST

/* A queue too long for its row: the tokens it has room for, "+N", and the
 * kinds of those N, so every kind queued is named on the row at every
 * width, the marks beside them too; the tokens give way to the kinds. */
START_TEST(test_tokens_kinds_named)
{
	fix *f = fix_new(2, 4);
	fix_queue(f, 0, 150, "sleep");
	for (int k = 100; k < 140; k++)
		f->p[0].runq[k].tag = GS_TAG_SYSCALL;
	for (int k = 140; k < 150; k++)
		f->p[0].runq[k].tag = GS_TAG_CPU;
	f->p[0].runq[149].tag = GS_TAG_NONE;
	fix_queue(f, 1, 60, "syscall");
	gs_event e[2] = { ev(GS_EV_HANDOFF, 1, -1, 1, 2, 0, 0),
		ev(GS_EV_PREEMPT, 0, -1, 0, -1, 100, 0) };
	view_model *m = model_with(f, e, 2);
	view_state v;
	scr o = { 0 };
	int sizes[][2] = { { 80, 24 }, { 60, 16 }, { 120, 40 }, { 200, 60 }, { 100, 30 } };

	for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		view_init(&v, sizes[k][0], sizes[k][1]);
		v.projector = k == 4;
		draw(&o, m, &v);
		int y = row_starting(&o, "P0 ") + v.projector, more;
		ck_assert_int_gt(y, 0);
		const char *rw = row(&o, y);
		const char *plus = strstr(rw, "+");
		ck_assert_msg(plus, "%dx%d: P0's queue is not cut: %s", v.width, v.height, rw);
		/* the head's tokens and "+N" count all 150 */
		int shown = 0;
		if (v.projector) /* "[S1000] [S1001] " */
			for (const char *c = rw; c < plus; c++)
				shown += *c == '[';
		else /* "SSSSB" */
			for (const char *c = plus - 1; c >= rw && strchr("SBCo", *c); c--)
				shown++;
		more = atoi(plus + 1);
		ck_assert_msg(shown + more == 150, "%dx%d: %d shown + %d: %s", v.width, v.height,
		    shown, more, rw);
		/* the rest by kind (C S B o), summing to N */
		char b[64];
		int nc = 9, ns = 100 - shown, nb = 40 - (shown > 100 ? shown - 100 : 0);
		int n = snprintf(b, sizeof b, "+%d C%d", more, nc);
		if (ns > 0)
			n += snprintf(b + n, sizeof b - (size_t)n, " S%d", ns);
		snprintf(b + n, sizeof b - (size_t)n, " B%d o1", nb);
		ck_assert_msg(strstr(rw, b), "%dx%d: P0 lacks '%s': %s", v.width, v.height, b, rw);
		/* the marks keep their place: the preemption on P0, P1's
		 * hand-off */
		ck_assert_msg(strstr(rw, "preempt") || v.projector, "%dx%d: %s", v.width, v.height,
		    rw);
		ck_assert_int_gt(find_row(&o, "handoff"), 0);
	}
	done(&o, m, f);
}
END_TEST

/* A steal of 4 from P0 by P1, as the runtime tells it: the batch event,
 * the thief running the last it took, one move event per goroutine. */
static int
steal_events(gs_event *e)
{
	int n = 0;
	e[n++] = ev(GS_EV_STEAL, 1, 0, 1, -1, 1003, 4);
	for (int k = 0; k < 4; k++)
		e[n++] = ev(GS_EV_MOVE, 1, 0, 1, -1, 1000 + k, GS_MOVE_STEAL);
	return n;
}

START_TEST(test_tokens_steal)
{
	fix *f = fix_new(2, 4);
	fix_queue(f, 0, 8, "cpu");
	view_model *m = model_with(f, NULL, 0);
	view_state v;
	scr o = { 0 };
	gs_event e[8];
	int ne = steal_events(e);

	/* after the steal: P0 keeps 1004..1007, P1 queues 1000..1002 and runs 1003 */
	for (int k = 0; k < 4; k++)
		f->p[0].runq[k] = f->p[0].runq[k + 4];
	f->p[0].runq_len = f->p[0].runq_listed = 4;
	for (int k = 0; k < 3; k++) {
		f->p[1].runq[k].id = 1000 + k;
		f->p[1].runq[k].tag = GS_TAG_CPU;
	}
	f->p[1].runq_len = f->p[1].runq_listed = 3;
	f->p[1].curg.id = 1003;
	feed(m, f, e, ne, 0);
	for (int k = 0; k < 4; k++) {
		int from;
		ck_assert_int_eq(view_g_move(m, 1000 + k, &from), VIEW_MOVE_STEAL);
		ck_assert_int_eq(from, 0);
	}
	ck_assert_int_eq(view_g_move(m, 1004, NULL), VIEW_MOVE_NONE);
	ck_assert_str_eq(view_move_name(VIEW_MOVE_STEAL), "stolen");

	int sizes[3][2] = { { 80, 24 }, { 120, 40 }, { 100, 30 } };
	for (int k = 0; k < 3; k++) {
		view_init(&v, sizes[k][0], sizes[k][1]);
		v.projector = k == 2;
		draw(&o, m, &v);
		int y1 = row_starting(&o, "P1 "), y0 = row_starting(&o, "P0 ");
		int t1 = v.projector ? y1 + 1 : y1, t0 = v.projector ? y0 + 1 : y0;
		/* the thief: exactly the moved goroutines highlighted, and the
		 * victim named */
		for (int g = 1000; g < 1004; g++) {
			char b[16];
			snprintf(b, sizeof b, "C%d", g);
			int yy = g == 1003 ? y1 : t1;
			int x = token_col(&o, yy, b);
			ck_assert_msg(x >= 0, "%s not on P1's row", b);
			ck_assert_int_eq(cell(&o, x, yy)->attr, VA_HL_STEAL);
		}
		ck_assert_int_gt(find_col(&o, y1, "from P0 x4"), 0);
		/* the victim: its goroutines as they were, the gap where the
		 * stolen were, and where they went */
		int x = token_col(&o, t0, "C1004");
		ck_assert_int_gt(x, 0);
		ck_assert_int_eq(cell(&o, x, t0)->attr, VA_KIND_CPU);
		ck_assert(
		    cell(&o, x - 2, t0)->attr == VA_GAP || cell(&o, x - 3, t0)->attr == VA_GAP);
		ck_assert_int_gt(find_col(&o, y0, "to P1 x4"), 0);
	}

	/* held 1.5 s of snapshot time (15 ticks at 10 Hz), then gone */
	view_init(&v, 120, 40);
	for (int t = 1; t < 15; t++) {
		feed(m, f, NULL, 0, 0);
		ck_assert_int_eq(view_g_move(m, 1001, NULL), VIEW_MOVE_STEAL);
	}
	feed(m, f, NULL, 0, 0);
	ck_assert_int_eq(view_g_move(m, 1001, NULL), VIEW_MOVE_NONE);
	draw(&o, m, &v);
	int y1 = row_starting(&o, "P1 ");
	ck_assert_int_eq(cell(&o, token_col(&o, y1, "C1001"), y1)->attr, VA_KIND_CPU);
	ck_assert_int_eq(find_col(&o, y1, "from P0"), -1);
	scr_free(&o);
	view_model_free(m);

	/* at one tick a second, still three frames */
	m = model_with(f, NULL, 0);
	f->s.time_ns += 900000000ull;
	feed(m, f, e, ne, 0);
	int frames = 1;
	for (int t = 0; t < 5; t++) {
		f->s.time_ns += 900000000ull;
		feed(m, f, NULL, 0, 0);
		frames += view_g_move(m, 1002, NULL) == VIEW_MOVE_STEAL;
	}
	ck_assert_int_eq(frames, VIEW_MARK_MIN_TICKS);
	view_model_free(m);
	fix_free(f);
}
END_TEST

START_TEST(test_tokens_global)
{
	fix *f = fix_new(2, 4);
	fix_glob(f, 3, 7000, GS_TAG_CPU);
	view_model *m = model_with(f, NULL, 0);
	view_state v;
	scr o = { 0 };
	gs_event e[200];
	int n = 0;

	/* G101 preempted on P1: to the global queue's tail */
	e[n++] = ev(GS_EV_PREEMPT, 1, -1, 1, -1, 101, 1);
	e[n++] = ev(GS_EV_GLOBAL_PUT, 1, -1, 1, GS_GPUT_YIELD, 101, 1);
	/* G300 back from a system call with no P */
	e[n++] = ev(GS_EV_SYSCALL_EXIT, -1, -1, 5, -1, 300, 0);
	/* G50 spawned on P0: into runnext */
	e[n++] = ev(GS_EV_SPAWN, 0, -1, 0, -1, 50, 100);
	/* G7000 taken by the one-in-61 check to P1, G7001 in a plain batch */
	e[n++] = ev(GS_EV_GLOBAL_GET, 1, -1, 1, 1, 7000, 1);
	e[n++] = ev(GS_EV_MOVE, 1, -1, 1, -1, 7000, GS_MOVE_GLOBAL_GET);
	feed(m, f, NULL, 0, 0);
	fix_glob(f, 3, 7001, GS_TAG_CPU);
	f->glob[1].id = 300;
	f->glob[2].id = 101;
	f->p[1].curg.id = 7000;
	f->p[0].runnext.id = 50;
	f->p[0].runnext.tag = GS_TAG_CPU;
	feed(m, f, e, n, 0);

	int from;
	ck_assert_int_eq(view_g_move(m, 101, &from), VIEW_MOVE_PREEMPT);
	ck_assert_int_eq(from, 1);
	ck_assert_int_eq(view_g_move(m, 300, NULL), VIEW_MOVE_SYSCALL);
	ck_assert_int_eq(view_g_move(m, 50, &from), VIEW_MOVE_SPAWN);
	ck_assert_int_eq(from, 0);
	ck_assert_int_eq(view_g_move(m, 7000, NULL), VIEW_MOVE_FAIR);
	ck_assert_int_eq(view_g_move(m, 7001, NULL), VIEW_MOVE_NONE);
	view_init(&v, 120, 40);
	draw(&o, m, &v);
	int yg = row_starting(&o, "global queue");
	ck_assert_int_gt(yg, 0);
	ck_assert_int_eq(cell(&o, token_col(&o, yg, "C7001"), yg)->attr, VA_KIND_CPU);
	ck_assert_int_eq(cell(&o, token_col(&o, yg, "C300"), yg)->attr, VA_HL_GLOBAL);
	ck_assert_int_eq(cell(&o, token_col(&o, yg, "C101"), yg)->attr, VA_HL_GLOBAL);
	ck_assert_int_gt(find_col(&o, yg, "G101 preempted on P1"), 0);
	ck_assert_int_gt(find_col(&o, yg, "1-in-61 took G7000 to P1"), 0);
	int y0 = row_starting(&o, "P0 "), y1 = row_starting(&o, "P1 ");
	ck_assert_int_eq(cell(&o, token_col(&o, y0, "C50"), y0)->attr, VA_HL_NEW);
	ck_assert_int_eq(cell(&o, token_col(&o, y1, "C7000"), y1)->attr, VA_HL_FAIR);

	/* a taken goroutine loses the highlight it had in the global queue */
	n = 0;
	e[n++] = ev(GS_EV_GLOBAL_GET, 0, -1, 0, 0, 101, 1);
	e[n++] = ev(GS_EV_MOVE, 0, -1, 0, -1, 101, GS_MOVE_GLOBAL_GET);
	feed(m, f, e, n, 0);
	ck_assert_int_eq(view_g_move(m, 101, NULL), VIEW_MOVE_NONE);

	/* an overflow: P0's 128 and the new one to the global queue, one batch */
	n = 0;
	e[n++] = ev(GS_EV_GLOBAL_PUT, 0, -1, 0, GS_GPUT_OVERFLOW, 0, 129);
	for (int k = 0; k < 129; k++)
		e[n++] = ev(GS_EV_MOVE, -1, 0, 0, -1, 2000 + k, GS_MOVE_OVERFLOW);
	fix_glob(f, 129, 2000, GS_TAG_CPU);
	feed(m, f, e, n, 0);
	for (int k = 0; k < 129; k++) {
		ck_assert_int_eq(view_g_move(m, 2000 + k, &from), VIEW_MOVE_OVERFLOW);
		ck_assert_int_eq(from, 0);
	}
	draw(&o, m, &v);
	yg = row_starting(&o, "global queue");
	ck_assert_int_gt(find_col(&o, yg, "129 overflow from P0"), 0);
	/* the head and the tail drawn, all of the batch */
	ck_assert_int_eq(cell(&o, token_col(&o, yg, "C2000"), yg)->attr, VA_HL_GLOBAL);
	ck_assert_int_eq(cell(&o, token_col(&o, yg, "C2001"), yg)->attr, VA_HL_GLOBAL);
	ck_assert_int_eq(cell(&o, token_col(&o, yg, "C2128"), yg)->attr, VA_HL_GLOBAL);
	done(&o, m, f);
}
END_TEST

START_TEST(test_tokens_dropped)
{
	fix *f = fix_new(2, 4);
	fix_queue(f, 0, 4, "cpu");
	view_model *m = model_with(f, NULL, 0);
	view_state v;
	scr o = { 0 };

	/* a steal the rings lost: the queues change, no move is invented */
	for (int k = 0; k < 2; k++) {
		f->p[1].runq[k] = f->p[0].runq[k];
		f->p[0].runq[k] = f->p[0].runq[k + 2];
	}
	f->p[0].runq_len = f->p[0].runq_listed = 2;
	f->p[1].runq_len = f->p[1].runq_listed = 2;
	feed(m, f, NULL, 0, 500);
	ck_assert_int_eq(view_g_move(m, 1000, NULL), VIEW_MOVE_NONE);
	view_init(&v, 120, 40);
	draw(&o, m, &v);
	int yg = row_starting(&o, "global queue");
	int x = find_col(&o, yg, "500 events lost: moves not all shown");
	ck_assert_int_gt(x, 0);
	ck_assert_int_eq(cell(&o, x, yg)->attr, VA_WARN);
	int y1 = row_starting(&o, "P1 ");
	ck_assert_int_eq(cell(&o, token_col(&o, y1, "C1000"), y1)->attr, VA_KIND_CPU);
	/* said while held, then gone */
	for (int t = 0; t < 15; t++)
		feed(m, f, NULL, 0, 0);
	draw(&o, m, &v);
	ck_assert_int_eq(find_row(&o, "events lost: moves"), -1);
	done(&o, m, f);
}
END_TEST

/* The moves ring: more moves than it holds keep the newest, and every one
 * held is found (the index stays exact as the oldest leave). */
START_TEST(test_tokens_many_moves)
{
	fix *f = fix_new(2, 4);
	view_model *m = model_with(f, NULL, 0);
	int per = 1000, ticks = 12;
	gs_event *e = calloc((size_t)per, sizeof *e);
	ck_assert_ptr_nonnull(e);
	for (int t = 0; t < ticks; t++) {
		for (int k = 0; k < per; k++)
			e[k] = ev(GS_EV_SPAWN, 0, -1, 0, -1, 1 + t * per + k, 0);
		/* some goroutines move twice in a tick: the last says */
		e[per - 1] = ev(GS_EV_MOVE, 1, 0, 1, -1, 1 + t * per, GS_MOVE_STEAL);
		feed(m, f, e, per, 0);
	}
	/* the ring keeps VIEW_MOVES: the newest all found, the oldest gone */
	int64_t last = (int64_t)ticks * per;
	for (int64_t g = last; g > last - (VIEW_MOVES - 64); g--) {
		view_move want = (g - 1) % per == 0 ? VIEW_MOVE_STEAL : VIEW_MOVE_SPAWN;
		if ((g - 1) % per == (per - 1))
			continue; /* replaced by the steal event in its tick */
		ck_assert_int_eq(view_g_move(m, g, NULL), want);
	}
	ck_assert_int_eq(view_g_move(m, 1, NULL), VIEW_MOVE_NONE);
	ck_assert_int_eq(view_g_move(m, 2, NULL), VIEW_MOVE_NONE);
	free(e);
	view_model_free(m);
	fix_free(f);
}
END_TEST

/* ---- warnings ------------------------------------------------------------------------------- */

/* The warnings of m's latest tick, and whether one of kind about id is
 * among them (its sentence into text). */
static bool
warned(const view_model *m, int kind, int64_t id, char *text, size_t size)
{
	view_warn w[VIEW_WARN_MAX];
	int n = view_model_warnings(m, w, VIEW_WARN_MAX);
	for (int i = 0; i < n && i < VIEW_WARN_MAX; i++) {
		if (w[i].kind == kind && w[i].id == id) {
			view_warn_text(&w[i], 1, text, size);
			return true;
		}
	}
	return false;
}

static int
nwarnings(const view_model *m)
{
	view_warn w[1];
	return view_model_warnings(m, w, 1);
}

/* The main view at 80x24: its warnings line, or -1. */
static int
warn_row(const view_model *m, scr *o)
{
	view_state v;
	view_init(&v, 80, 24);
	draw(o, m, &v);
	return row_starting(o, "\xe2\x9a\xa0 "); /* the log's lines say "warning:" too */
}

/* Each warning appears exactly while its condition holds, names the
 * goroutine or P, goes into the log once, and leaves when it ends. */
START_TEST(test_warnings)
{
	fix *f = fix_new(2, 4);
	view_model *m = view_model_new(600, 200);
	scr o = { 0 };
	char text[VIEW_LOG_TEXT], log[65536];
	double t = 0;

	ck_assert_ptr_nonnull(m);
	/* a slice of 3.2 ms: nothing */
	tick_at(m, f, t += 0.1, NULL, 0);
	ck_assert_int_eq(nwarnings(m), 0);
	ck_assert_int_eq(warn_row(m, &o), -1);

	/* exactly 2 slices is not more than 2; a nanosecond more is */
	f->p[1].slice_ns = VIEW_WARN_SLICES * GS_TIME_SLICE_NS;
	tick_at(m, f, t += 0.1, NULL, 0);
	ck_assert_int_eq(nwarnings(m), 0);
	/* ...but only once its thread has had another whole slice of CPU since
	 * the slice was first seen used up: before, the OS may not have run it */
	f->m[1].cpu_ns = 5000000000;
	tick_at(m, f, t += 0.1, NULL, 0);
	ck_assert_int_eq(nwarnings(m), 0);
	f->p[1].slice_ns = 45000000;
	f->m[1].cpu_ns += GS_TIME_SLICE_NS - 1;
	tick_at(m, f, t += 0.1, NULL, 0);
	ck_assert_int_eq(nwarnings(m), 0);
	for (int i = 0; i < 3; i++) {
		f->m[1].cpu_ns += 1 + (uint64_t)i * 1000000;
		tick_at(m, f, t += 0.1, NULL, 0);
		ck_assert(warned(m, VIEW_WARN_LONG_RUN, 101, text, sizeof text));
		ck_assert_str_eq(text, "G101 ran 45 ms without preemption");
		ck_assert_int_eq(nwarnings(m), 1);
	}
	int y = warn_row(m, &o);
	ck_assert_int_gt(y, 0);
	ck_assert_ptr_nonnull(strstr(row(&o, y), "1 warning: G101 ran 45 ms without preemption"));
	ck_assert_int_eq(cell(&o, 0, y)->attr, VA_WARN);
	log_text(m, log, sizeof log);
	ck_assert_int_eq(count_of(log, "warning: G101 ran"), 1);
	/* switched out: gone */
	f->p[1].slice_ns = 1000000;
	f->m[1].cpu_ns = 0;
	tick_at(m, f, t += 0.1, NULL, 0);
	ck_assert_int_eq(nwarnings(m), 0);
	ck_assert_int_eq(warn_row(m, &o), -1);
	/* in slow motion the slice is longer: 45 ms at x10 is 4.5 ms of real speed */
	view_model_set_timescale(m, 10);
	f->p[1].slice_ns = 45000000;
	tick_at(m, f, t += 0.1, NULL, 0);
	ck_assert_int_eq(nwarnings(m), 0);
	view_model_set_timescale(m, 1);
	f->p[1].slice_ns = 1000000;

	/* P1's queue waits while P0 is idle: from the VIEW_WARN_TICKS-th tick */
	f->p[0].status = GS_PSTATE_IDLE;
	f->p[0].curg.id = 0;
	fix_queue(f, 1, 12, "cpu");
	for (int i = 1; i < VIEW_WARN_TICKS; i++) {
		tick_at(m, f, t += 0.1, NULL, 0);
		ck_assert_msg(!warned(m, VIEW_WARN_IDLE_P, 1, text, sizeof text), "tick %d", i);
	}
	tick_at(m, f, t += 0.1, NULL, 0);
	ck_assert(warned(m, VIEW_WARN_IDLE_P, 1, text, sizeof text));
	ck_assert_str_eq(text, "P1 queue 12 while P0 idle 5 ticks");
	tick_at(m, f, t += 0.1, NULL, 0);
	ck_assert(warned(m, VIEW_WARN_IDLE_P, 1, text, sizeof text));
	ck_assert_str_eq(text, "P1 queue 12 while P0 idle 6 ticks");
	log_text(m, log, sizeof log);
	ck_assert_int_eq(count_of(log, "warning: P1 queue 12"), 1);
	/* P0 gets work: gone at once */
	f->p[0].status = GS_PSTATE_RUNNING;
	f->p[0].curg.id = 100;
	tick_at(m, f, t += 0.1, NULL, 0);
	ck_assert_int_eq(nwarnings(m), 0);
	fix_queue(f, 1, 0, "cpu");

	/* threads near the limit */
	f->s.stats.max_threads = 100;
	f->s.stats.threads = VIEW_WARN_THREADS_PCT - 1;
	tick_at(m, f, t += 0.1, NULL, 0);
	ck_assert_int_eq(nwarnings(m), 0);
	f->s.stats.threads = VIEW_WARN_THREADS_PCT;
	tick_at(m, f, t += 0.1, NULL, 0);
	ck_assert(warned(m, VIEW_WARN_THREADS, 0, text, sizeof text));
	ck_assert_str_eq(text, "90 threads of the limit 100");
	f->s.stats.threads = 4;
	tick_at(m, f, t += 0.1, NULL, 0);
	ck_assert_int_eq(nwarnings(m), 0);

	/* events lost: for VIEW_WARN_TICKS ticks, then gone */
	f->s.time_ns += 100000000;
	ck_assert_int_eq(view_model_tick(m, &f->s, NULL, 0, 7, NULL, 0, 0), 0);
	ck_assert(warned(m, VIEW_WARN_DROPS, 0, text, sizeof text));
	ck_assert_str_eq(text, "7 events lost (event rings full)");
	for (int i = 1; i < VIEW_WARN_TICKS; i++) {
		tick_at(m, f, t += 0.1, NULL, 0);
		ck_assert(warned(m, VIEW_WARN_DROPS, 0, text, sizeof text));
	}
	tick_at(m, f, t += 0.1, NULL, 0);
	ck_assert_int_eq(nwarnings(m), 0);
	scr_free(&o);
	view_model_free(m);
	fix_free(f);
}
END_TEST

/* Several warnings share one line of 80 columns, those that do not fit
 * counted. */
START_TEST(test_warnings_line)
{
	fix *f = fix_new(6, 10);
	view_model *m = view_model_new(600, 200);
	scr o = { 0 };

	ck_assert_ptr_nonnull(m);
	for (int i = 0; i < 6; i++) {
		f->p[i].slice_ns = 45000000 + (uint64_t)i * 1000000;
		f->m[i].cpu_ns = 1000000000;
	}
	tick_at(m, f, 0.1, NULL, 0);
	for (int i = 0; i < 6; i++)
		f->m[i].cpu_ns += 2 * GS_TIME_SLICE_NS;
	tick_at(m, f, 0.2, NULL, 0);
	ck_assert_int_eq(nwarnings(m), 6);
	int y = warn_row(m, &o);
	ck_assert_int_gt(y, 0);
	const char *r = row(&o, y);
	ck_assert_msg(strstr(r, "6 warnings: G100 ran 45 ms without preemption; (+5 more)") != NULL,
	    "'%s'", r);
	/* wider, more of them */
	view_state w;
	view_init(&w, 120, 30);
	draw(&o, m, &w);
	r = row(&o, find_row(&o, "6 warnings:"));
	ck_assert_msg(strstr(r,
			  "6 warnings: G100 ran 45 ms without preemption; G101 ran 46 ms "
			  "without preemption; (+4 more)") != NULL,
	    "'%s'", r);
	y = warn_row(m, &o);
	/* ASCII: "!" for the sign */
	view_state v;
	view_init(&v, 80, 24);
	v.ascii = true;
	draw(&o, m, &v);
	ck_assert_int_eq(row_starting(&o, "! 6 warnings:"), y);
	done(&o, m, f);
}
END_TEST

/* ---- what is where (the mouse) ------------------------------------------------------------ */

START_TEST(test_hits)
{
	view_hit h;
	scr o = { 0 };
	view_state v;
	fix *f = fix_new(4, 12);
	view_model *m = model_with(f, NULL, 0);

	view_init(&v, 80, 24);
	draw(&o, m, &v);
	/* a P row, anywhere along it */
	int y = row_starting(&o, "P2 ");
	ck_assert_int_gt(y, 0);
	ck_assert(view_hit_at(&o.s, y, 0, &h));
	ck_assert_int_eq(h.kind, VIEW_HIT_P);
	ck_assert_int_eq(h.id, 2);
	ck_assert(view_hit_at(&o.s, y, 60, &h) && h.kind == VIEW_HIT_P && h.id == 2);
	/* the goroutine running on it, and one in its queue, are goroutines */
	fix_queue(f, 2, 3, "sleep");
	view_model_free(m);
	m = model_with(f, NULL, 0);
	draw(&o, m, &v);
	y = row_starting(&o, "P2 ");
	int x = find_col(&o, y, "C102");
	ck_assert_int_gt(x, 0);
	ck_assert(view_hit_at(&o.s, y, x + 2, &h) && h.kind == VIEW_HIT_G && h.id == 102);
	x = find_col(&o, y, "S3001");
	ck_assert_int_gt(x, 0);
	ck_assert(view_hit_at(&o.s, y, x + 4, &h) && h.kind == VIEW_HIT_G && h.id == 3001);
	/* between tokens: the row */
	ck_assert(view_hit_at(&o.s, y, x - 1, &h) && h.kind == VIEW_HIT_P && h.id == 2);
	/* the M on it is the M */
	x = find_col(&o, y, "M2");
	ck_assert_int_gt(x, 0);
	ck_assert(view_hit_at(&o.s, y, x + 1, &h));
	ck_assert_int_eq(h.kind, VIEW_HIT_M);
	ck_assert_int_eq(h.id, 2);
	/* an M without a P, in its group */
	y = find_row(&o, "idle 7:");
	ck_assert_int_gt(y, 0);
	x = find_col(&o, y, "M5");
	ck_assert(view_hit_at(&o.s, y, x, &h) && h.kind == VIEW_HIT_M && h.id == 5);
	ck_assert(!view_hit_at(&o.s, y, x - 1, &h) || h.id != 5);
	/* the title bar is nothing */
	ck_assert(!view_hit_at(&o.s, 0, 5, &h));
	/* a footer hint is its key */
	x = find_col(&o, 23, "q quit");
	ck_assert_int_gt(x, 0);
	ck_assert(view_hit_at(&o.s, 23, x + 4, &h));
	ck_assert_int_eq(h.kind, VIEW_HIT_KEY);
	ck_assert_int_eq(h.id, 'q');
	x = find_col(&o, 23, "space pause");
	ck_assert(view_hit_at(&o.s, 23, x, &h) && h.kind == VIEW_HIT_KEY && h.id == ' ');
	/* no function-key bar at 80x24; at 120x40 the bottom row, each label
	 * its key */
	ck_assert_int_eq(find_row(&o, "F10quit"), -1);
	view_init(&v, 120, 40);
	draw(&o, m, &v);
	ck_assert_ptr_nonnull(strstr(row(&o, 39),
	    "F1help F2pause F3step F4slower F5faster "
	    "F6goroutines F7log F8world F9record F10quit"));
	ck_assert_ptr_nonnull(strstr(row(&o, 38), "? help"));
	x = find_col(&o, 39, "F10quit");
	ck_assert(view_hit_at(&o.s, 39, x + 4, &h));
	ck_assert_int_eq(h.kind, VIEW_HIT_KEY);
	ck_assert_int_eq(h.id, KEYS_F(10));
	x = find_col(&o, 39, "F5faster");
	ck_assert(view_hit_at(&o.s, 39, x, &h) && h.id == KEYS_F(5));
	/* a replay's F2 plays */
	v.replay = true;
	draw(&o, m, &v);
	ck_assert_ptr_nonnull(strstr(row(&o, 39), "F2play "));
	/* projector: both rows of a P */
	view_init(&v, 80, 24);
	v.projector = true;
	draw(&o, m, &v);
	y = row_starting(&o, "P1 ");
	ck_assert(view_hit_at(&o.s, y, 3, &h) && h.kind == VIEW_HIT_P && h.id == 1);
	ck_assert(view_hit_at(&o.s, y + 1, 3, &h) && h.kind == VIEW_HIT_P && h.id == 1);
	/* the small grid of many Ps: each cell */
	done(&o, m, f);
	f = fix_new(64, 70);
	m = model_with(f, NULL, 0);
	view_init(&v, 80, 24);
	draw(&o, m, &v);
	y = find_row(&o, "P33 ");
	ck_assert_int_gt(y, 0);
	x = find_col(&o, y, "P33 ");
	ck_assert(view_hit_at(&o.s, y, x + 1, &h) && h.kind == VIEW_HIT_P && h.id == 33);
	done(&o, m, f);
}
END_TEST

static Suite *
view_suite(void)
{
	Suite *s = suite_create("view");
	TCase *tc = tcase_create("view");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_layouts);
	tcase_add_test(tc, test_lesson_header);
	tcase_add_test(tc, test_many_ms);
	tcase_add_test(tc, test_many_ps);
	tcase_add_test(tc, test_queue_bars);
	tcase_add_test(tc, test_queue_kinds);
	tcase_add_test(tc, test_ascii_mode);
	tcase_add_test(tc, test_mono_mode);
	tcase_add_test(tc, test_paused);
	tcase_add_test(tc, test_steal_marks);
	tcase_add_test(tc, test_marks_held);
	tcase_add_test(tc, test_marks_replaced);
	tcase_add_test(tc, test_slow_and_rec);
	tcase_add_test(tc, test_foreign);
	tcase_add_test(tc, test_sentences);
	tcase_add_test(tc, test_log_lines);
	tcase_add_test(tc, test_log_ring);
	tcase_add_test(tc, test_log_wrap);
	tcase_add_test(tc, test_log_text_size);
	tcase_add_test(tc, test_log_filter);
	tcase_add_test(tc, test_log_query);
	tcase_add_test(tc, test_log_find);
	tcase_add_test(tc, test_log_hold);
	tcase_add_test(tc, test_log_lines_per_tick);
	tcase_add_test(tc, test_size_notice);
	tcase_add_test(tc, test_help);
	tcase_add_test(tc, test_help_scrolls);
	tcase_add_test(tc, test_glist);
	tcase_add_test(tc, test_glist_more);
	tcase_add_test(tc, test_glist_sort_columns);
	tcase_add_test(tc, test_glist_cursor);
	tcase_add_test(tc, test_gquery);
	tcase_add_test(tc, test_glist_filter_find);
	tcase_add_test(tc, test_gdetail);
	tcase_add_test(tc, test_gdetail_strip);
	tcase_add_test(tc, test_gdetail_timings);
	tcase_add_test(tc, test_glist_sort_acct);
	tcase_add_test(tc, test_details);
	tcase_add_test(tc, test_detail_times);
	tcase_add_test(tc, test_projector);
	tcase_add_test(tc, test_history);
	tcase_add_test(tc, test_screen_row);
	tcase_add_test(tc, test_deep_copy);
	tcase_add_test(tc, test_warnings);
	tcase_add_test(tc, test_warnings_line);
	tcase_add_test(tc, test_hits);
	suite_add_tcase(s, tc);
	TCase *tt = tcase_create("tokens");
	tcase_set_timeout(tt, 60);
	tcase_add_test(tt, test_header_widths);
	tcase_add_test(tt, test_tokens_eight_ps);
	tcase_add_test(tt, test_tokens_order);
	tcase_add_test(tt, test_tokens_truncated);
	tcase_add_test(tt, test_tokens_kinds_named);
	tcase_add_test(tt, test_tokens_steal);
	tcase_add_test(tt, test_tokens_global);
	tcase_add_test(tt, test_tokens_dropped);
	tcase_add_test(tt, test_tokens_many_moves);
	suite_add_tcase(s, tt);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(view_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
