/*
 * check_timeline.c - the view as a time machine (src/ui/timeline.c): the
 * tick shown after stepping (index arithmetic, the bounds at the oldest and
 * the newest tick, eviction under the view), a model rebuilt at tick k that
 * draws exactly what the live model drew at k (main view, log, goroutine
 * list and detail pages, with the front end's own log lines), a rebuilt
 * goroutine list with every accounting figure of the original, stepping
 * forward feeding one tick, and a recording replayed into a timeline that
 * draws what the live run drew.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsched.h>
#include <gsched/observe.h>

#include "format/fields.h"
#include "format/record.h"
#include "live/ticker.h"
#include "testutil.h"
#include "ui/timeline.h"
#include "ui/view.h"

#define HT 50 /* the models' graph ticks: small, so rebuilds start late */
#define LL 40 /* and log lines */

/* ---- ticks made by hand ---------------------------------------------------------- */

/* Tick i of a made-up run: np Ps and nm Ms whose queues, states and counters
 * change every tick, steals and hand-offs every few ticks, spawns now and
 * then, so the graphs, the marks and the log all move. */
typedef struct made {
	gs_snapshot s;
	gs_snap_p p[8];
	gs_snap_m m[16];
	gs_snap_g runq[8 * 256];
	gs_event ev[32];
	int nev;
	gs_snap_ginfo gl[128];
	int ng;
} made;

/* Accounting figures for goroutine g of tick i's list, all different, of
 * the sizes a run gives (ns to seconds). */
static void
make_acct(gs_snap_ginfo *g, int k, int i)
{
	uint64_t u = (uint64_t)(k + 1), t = (uint64_t)(i + 1);

	g->run_ns = u * 7919 * t * t + 13;
	g->runs = u * t / 3;
	g->latency_ns = u * 104729 * t;
	g->latency_max_ns = g->latency_ns / (1 + u % 5);
	g->syscall_ns = k % 4 == 1 ? u * 1000003 * t : 0;
	for (int b = 0; b < GS_BLOCK_NKINDS; b++)
		g->blocked_ns[b] = (k + b) % 3 == 0 ? u * 15485863 * (uint64_t)(b + 1) * t : 0;
	g->lastp = k % 5 == 4 ? -1 : k % 3;
	g->moves = u * t % 17;
	g->created_ns = 1000000000ull - u * 2500000ull;
	g->stack_size = k % 5 == 4 ? 0 : 8192u << (k % 3);
	g->stack_used_max = g->stack_size ? g->stack_size / 4 + (size_t)k * 8 : 0;
}

static void
make_tick(made *t, int i)
{
	const int np = 3 + (i / 40) % 2, nm = 9;

	memset(t, 0, sizeof *t);
	gs_snapshot *s = &t->s;
	s->time_ns = 1000000000ull + (uint64_t)i * 100000000ull;
	s->np = np;
	s->max_p = 8;
	s->nm = s->nm_total = nm;
	s->max_m = 16;
	s->runq_max = 256;
	s->p = t->p;
	s->m = t->m;
	s->runq_store = t->runq;
	for (int k = 0; k < np; k++) {
		gs_snap_p *p = &t->p[k];
		p->id = k;
		p->status = (i + k) % 5 == 0 ? GS_PSTATE_IDLE : GS_PSTATE_RUNNING;
		p->m = k;
		p->curg.id = 100 + (i + k) % 7;
		snprintf(p->curg.label, GS_LABEL_MAX, "%s", k % 2 ? "sleep" : "cpu");
		p->curg_status = GS_G_RUNNING;
		p->slice_ns = 100000ull * (uint64_t)((i * 3 + k) % 90);
		p->runq = &t->runq[k * 256];
		p->runq_len = (uint32_t)((i * (k + 1)) % 37);
		p->runq_listed = p->runq_len;
		for (uint32_t q = 0; q < p->runq_len; q++) {
			p->runq[q].id = 1000 + i + q;
			snprintf(p->runq[q].label, GS_LABEL_MAX, "%s", q % 3 ? "cpu" : "syscall");
		}
		p->schedtick = (uint32_t)(i * 5 + k);
		p->steals = (uint64_t)(i / 4);
		p->run_ns = (uint64_t)i * (60000000ull + 1000000ull * (uint64_t)k);
		p->idle_ns = (uint64_t)i * (30000000ull - 1000000ull * (uint64_t)k);
		p->spin_ns = (uint64_t)i * 5000000ull + (uint64_t)k;
	}
	for (int k = 0; k < nm; k++) {
		gs_snap_m *m = &t->m[k];
		m->id = k;
		m->p = k < np ? k : -1;
		m->created_ns = k < 6 ? 1000 : 1000000000ull + (uint64_t)k * 500000000ull;
		m->state = k < np      ? GS_MSTATE_RUNNING
		    : k == np          ? GS_MSTATE_SYSMON
		    : (i + k) % 4 == 0 ? GS_MSTATE_SYSCALL
				       : GS_MSTATE_IDLE;
		m->curg = k < np ? 100 + (i + k) % 7 : 0;
		m->running_ns = k < np ? (uint64_t)i * 70000000ull : 0;
		m->spinning_ns = (uint64_t)i * 4000000ull * (uint64_t)(k % 3);
		m->idle_ns = k < np ? (uint64_t)i * 20000000ull : (uint64_t)i * 95000000ull;
		m->syscall_ns = (uint64_t)(i / 4) * 25000000ull * (uint64_t)(k % 2);
	}
	s->stats.gomaxprocs = np;
	s->stats.ncpu = 8;
	s->stats.threads = nm;
	s->stats.goroutines = 40 + i % 13;
	s->stats.by_status[GS_G_RUNNING] = np;
	s->stats.by_status[GS_G_RUNNABLE] = i % 11;
	s->stats.steals = (uint64_t)(i / 3);
	s->stats.stolen = (uint64_t)(i / 3) * 4;
	s->stats.spawns = (uint64_t)i * 2;
	s->stats.handoffs = (uint64_t)(i / 5);
	for (int e = 0; e < (i % 6) * 2 && t->nev < 32; e++) {
		gs_event *v = &t->ev[t->nev++];
		v->time_ns = s->time_ns - 1000000ull * (uint64_t)(12 - e);
		v->kind = (uint16_t)(e % 3 == 0 ? GS_EV_STEAL
			: e % 3 == 1            ? GS_EV_HANDOFF
						: GS_EV_SPAWN);
		v->p = (int16_t)(e % np);
		v->p2 = (int16_t)((e + 1) % np);
		v->m = e;
		v->m2 = e + 1;
		v->g = 500 + i;
		v->arg = 1 + e;
		snprintf(v->label, GS_LABEL_MAX, "cpu");
	}
	if (i % 10 == 0) {
		t->ng = 20 + i % 30;
		for (int g = 0; g < t->ng; g++) {
			t->gl[g].id = 2000 - g - i;
			t->gl[g].status = g % 3 ? GS_G_WAITING : GS_G_RUNNABLE;
			t->gl[g].waitreason = g % 3 ? 1 : 0;
			t->gl[g].m = g % 4 ? -1 : g;
			snprintf(t->gl[g].label, GS_LABEL_MAX, "%s", g % 2 ? "sleep" : "netwait");
			make_acct(&t->gl[g], g, i);
		}
	}
}

/* A live model and the timeline beside it, fed as the visualizer feeds
 * them: notes before a tick, the tick, the tick's own notes after it. */
typedef struct run {
	view_model *live;
	timeline *tl;
	made t;
} run;

static void
run_init(run *r, size_t budget)
{
	r->live = view_model_new(HT, LL);
	r->tl = timeline_new(budget, HT, LL);
	ck_assert_ptr_nonnull(r->live);
	ck_assert_ptr_nonnull(r->tl);
}

static void
run_free(run *r)
{
	view_model_free(r->live);
	timeline_free(r->tl);
}

static void
note(run *r, uint64_t time_ns, view_attr a, const char *text)
{
	view_model_note(r->live, time_ns, a, text);
	ck_assert_int_eq(timeline_note(r->tl, time_ns, a, text), 0);
}

static void
feed_live(run *r, const gs_snapshot *s, const gs_event *ev, int nev, uint64_t dropped,
    const gs_snap_ginfo *gl, int ng, int index, const char *caption)
{
	view_origin before;
	view_model_origin_get(r->live, &before);
	ck_assert_int_eq(view_model_tick(r->live, s, ev, nev, dropped, gl, ng, ng), 0);
	/* a list with figures, as the visualizer's with accounting on */
	if (gl != NULL && ng > 0)
		view_model_glist_timed(r->live);
	timeline_fed(r->tl);
	if (index % 9 == 4) {
		char text[64];
		snprintf(text, sizeof text, "lesson line after tick %d", index);
		note(r, s->time_ns, VA_CAPTION, text);
	}
	tick_data d = { index, s, ev, nev, dropped, NULL, 0, 0 };
	timeline_extra x = { caption, caption ? "step 1/2" : NULL, gl, ng, ng,
		view_model_log_total(r->live), before, gl != NULL && ng > 0 };
	ck_assert_int_eq(timeline_push(r->tl, &d, &x), 0);
}

static void
feed_made(run *r, int i)
{
	char caption[64];

	make_tick(&r->t, i);
	if (i % 7 == 3) {
		char text[64];
		snprintf(text, sizeof text, "key note before tick %d", i);
		note(r, r->t.s.time_ns - 50000000ull, VA_BOLD, text);
	}
	snprintf(caption, sizeof caption, "caption of tick %d", i / 20);
	feed_live(r, &r->t.s, r->t.ev, r->t.nev, (uint64_t)(i % 17 == 0), r->t.ng ? r->t.gl : NULL,
	    r->t.ng, i, caption);
}

/* ---- screens ---------------------------------------------------------------------- */

/* The views compared, each at 120x40: main, log (tail), goroutine list,
 * P detail, M detail, and the page of the goroutine in the middle of the
 * list. */
#define NVIEWS 6

typedef struct shots {
	view_screen s[NVIEWS];
} shots;

static void
state_for(view_state *v, int which, int64_t tick)
{
	static const view_mode modes[NVIEWS] = { VIEW_MAIN, VIEW_LOG, VIEW_GLIST, VIEW_PDETAIL,
		VIEW_MDETAIL, VIEW_GDETAIL };

	memset(v, 0, sizeof *v);
	v->width = 120;
	v->height = 40;
	v->tick_hz = 10;
	v->time_scale = 1;
	v->mode = modes[which];
	v->scroll = which == 1 ? INT_MAX : 0;
	v->focus_p = 1;
	v->focus_m = 2;
	v->have_tick = true;
	v->tick = tick;
}

static void
take(shots *sh, const view_model *m, int64_t tick)
{
	for (int i = 0; i < NVIEWS; i++) {
		view_state v;
		int ng;
		bool timed;
		const gs_snap_ginfo *gl = view_model_glist(m, &ng, &timed);
		state_for(&v, i, tick);
		v.focus_g = gl != NULL ? gl[ng / 2].id : 1;
		ck_assert_int_eq(view_render(m, &v, &sh->s[i]), 0);
	}
}

static void
shots_free(shots *sh)
{
	for (int i = 0; i < NVIEWS; i++)
		view_screen_free(&sh->s[i]);
}

/* Every cell of every view the same, or the first row that differs.  The
 * goroutine page up to its stack line: what follows (the events that named
 * it, their summary, its state by tick) reaches back as far as the events
 * the model kept, which a rebuild feeds from a later tick on
 * (timeline.h). */
static void
same(const shots *a, const shots *b, int64_t tick)
{
	char ra[4096], rb[4096];

	for (int i = 0; i < NVIEWS; i++) {
		const view_screen *x = &a->s[i], *y = &b->s[i];
		bool last = false;
		ck_assert_int_eq(x->width, y->width);
		ck_assert_int_eq(x->height, y->height);
		for (int row = 0; row < x->height && !last; row++) {
			view_screen_row(x, row, ra, sizeof ra);
			view_screen_row(y, row, rb, sizeof rb);
			last = i == 5 && strncmp(ra, " stack ", 7) == 0;
			ck_assert_msg(strcmp(ra, rb) == 0,
			    "tick %lld, view %d, row %d:\nlive:    '%s'\nrebuilt: '%s'",
			    (long long)tick, i, row, ra, rb);
			for (int c = 0; c < x->width; c++)
				ck_assert_msg(x->cells[row * x->width + c].attr ==
					y->cells[row * y->width + c].attr,
				    "tick %lld, view %d, row %d, column %d: attribute",
				    (long long)tick, i, row, c);
		}
	}
}

/* ---- stepping --------------------------------------------------------------------- */

START_TEST(test_step_bounds)
{
	run r;

	run_init(&r, (size_t)4 << 20);
	ck_assert_int_eq(timeline_step(r.tl, 0, -1), -1); /* nothing kept */
	const view_model *m;
	ck_assert_int_eq(timeline_view(r.tl, 0, &m, NULL), GS_ERANGE);
	for (int i = 0; i < 30; i++)
		feed_made(&r, i);
	ck_assert_int_eq(timeline_first(r.tl), 0);
	ck_assert_int_eq(timeline_last(r.tl), 29);
	ck_assert_int_eq(timeline_count(r.tl), 30);
	ck_assert_int_eq(timeline_step(r.tl, 20, -1), 19);
	ck_assert_int_eq(timeline_step(r.tl, 20, 1), 21);
	ck_assert_int_eq(timeline_step(r.tl, 20, -10), 10);
	ck_assert_int_eq(timeline_step(r.tl, 5, -10), 0); /* the oldest holds */
	ck_assert_int_eq(timeline_step(r.tl, 0, -1), 0);
	ck_assert_int_eq(timeline_step(r.tl, 25, 10), 29); /* the newest holds */
	ck_assert_int_eq(timeline_step(r.tl, 29, 1), 29);
	ck_assert_int_eq(timeline_step(r.tl, 29, INT64_MAX), 29);
	ck_assert_int_eq(timeline_step(r.tl, 0, INT64_MIN + 1), 0);
	/* twenty steps back from the pause are twenty ticks back */
	int64_t at = 29;
	for (int i = 0; i < 20; i++)
		at = timeline_step(r.tl, at, -1);
	ck_assert_int_eq(at, 9);
	timeline_at where;
	ck_assert_int_eq(timeline_view(r.tl, at, &m, &where), 0);
	ck_assert_int_eq(where.tick, 9);
	ck_assert_uint_eq(where.time_ns, 1000000000ull + 9 * 100000000ull);
	ck_assert(where.behind_s > 1.99 && where.behind_s < 2.01);
	ck_assert_str_eq(where.caption, "caption of tick 0");
	ck_assert_str_eq(where.lesson_bar, "step 1/2");
	/* a tick past either end shows the end */
	ck_assert_int_eq(timeline_view(r.tl, 1000, &m, &where), 0);
	ck_assert_int_eq(where.tick, 29);
	ck_assert(where.behind_s == 0);
	run_free(&r);
}
END_TEST

/* A small budget evicts: the view on an evicted tick moves to the oldest
 * kept, and says which it is. */
START_TEST(test_eviction_under_the_view)
{
	run r;
	timeline_at where;
	const view_model *m;

	run_init(&r, HISTORY_MIN_BUDGET * 2);
	for (int i = 0; i < 10; i++)
		feed_made(&r, i);
	/* the view was on tick 5 (cached) while it and the ticks after it left:
	 * the oldest kept is shown, rebuilt (the cache cannot feed the gap) */
	ck_assert_int_eq(timeline_view(r.tl, 5, &m, &where), 0);
	int i = 10;
	while (timeline_first(r.tl) <= 6)
		feed_made(&r, i++);
	ck_assert_int_lt(timeline_first(r.tl), 5 + HT);
	ck_assert_int_eq(timeline_view(r.tl, 5, &m, &where), 0);
	ck_assert_int_eq(where.tick, timeline_first(r.tl));
	for (; i < 400; i++)
		feed_made(&r, i);
	int64_t first = timeline_first(r.tl);
	ck_assert_int_gt(first, 0);
	ck_assert_int_eq(timeline_last(r.tl), 399);
	ck_assert_uint_le(history_bytes(timeline_history(r.tl)), HISTORY_MIN_BUDGET * 2);
	/* the view was on tick 5: it is gone, so the oldest kept is shown */
	ck_assert_int_eq(timeline_step(r.tl, 5, 0), first);
	ck_assert_int_eq(timeline_step(r.tl, 5, -1), first);
	ck_assert_int_eq(timeline_view(r.tl, 5, &m, &where), 0);
	ck_assert_int_eq(where.tick, first);
	ck_assert_ptr_nonnull(view_model_snapshot(m));
	ck_assert_uint_eq(view_model_snapshot(m)->time_ns,
	    1000000000ull + (uint64_t)first * 100000000ull);
	/* a little forward from there: fed from the cache, all ticks kept */
	ck_assert_int_eq(timeline_view(r.tl, first + 3, &m, &where), 0);
	ck_assert_int_eq(where.tick, first + 3);
	ck_assert_int_eq(timeline_fed_last(r.tl), 3);
	run_free(&r);
}
END_TEST

/* ---- the rebuilt model draws what the live one drew -------------------------------- */

START_TEST(test_rebuilt_equals_live)
{
	static const int keep[] = { 0, 7, 49, 120, 150, 151, 152, 199, 260, 261, 299 };
	enum { N = 300, NK = sizeof keep / sizeof keep[0] };
	static shots live[NK], back;
	uint64_t lines[NK]; /* the live log's line count at each kept tick */
	run r;
	const view_model *m;
	timeline_at where;

	run_init(&r, (size_t)16 << 20);
	note(&r, 900000000ull, VA_NORMAL, "a note before the first tick");
	for (int i = 0, k = 0; i < N; i++) {
		feed_made(&r, i);
		if (k < NK && keep[k] == i) {
			lines[k] = view_model_log_total(r.live);
			take(&live[k++], r.live, i);
		}
	}
	/* any order: back, forward by one (fed one tick), far forward, back */
	static const int order[] = { 4, 5, 6, 3, 0, 1, 2, 7, 8, 9, 10, 2 };
	for (size_t o = 0; o < sizeof order / sizeof order[0]; o++) {
		int k = order[o];
		ck_assert_int_eq(timeline_view(r.tl, keep[k], &m, &where), 0);
		ck_assert_ptr_ne(m, r.live);
		ck_assert_int_eq(where.tick, keep[k]);
		if (o > 0 && keep[k] == keep[order[o - 1]] + 1)
			ck_assert_int_eq(timeline_fed_last(r.tl), 1);
		take(&back, m, keep[k]);
		same(&live[k], &back, keep[k]);
		/* the log's lines are numbered as the live log's were, so a held
		 * place and a find mean the same line in both */
		ck_assert_uint_eq(view_model_log_total(m), lines[k]);
	}
	/* the same tick again feeds nothing */
	ck_assert_int_eq(timeline_view(r.tl, keep[2], &m, &where), 0);
	ck_assert_int_eq(timeline_view(r.tl, keep[2], &m, &where), 0);
	ck_assert_int_eq(timeline_fed_last(r.tl), 0);
	for (int k = 0; k < NK; k++)
		shots_free(&live[k]);
	shots_free(&back);
	run_free(&r);
}
END_TEST

/* The log's lines name the goroutine list's labels (a query's label:
 * words test them) from the latest list the model was fed, which a rebuild
 * that starts between two lists must have too. */
START_TEST(test_rebuilt_log_labels)
{
	enum { N = 200, K = 12 };
	static char live[K][256];
	static shots sh;
	run r;
	const view_model *m;
	timeline_at where;
	view_state v;
	char b[256], steals[256];

	run_init(&r, (size_t)16 << 20);
	for (int i = 0; i < N; i++) {
		make_tick(&r.t, i);
		/* a steal every other tick that takes G77, listed every tenth
		 * tick: the log reaches further back than the graphs, so a
		 * rebuild starts where the log's oldest line was written */
		memset(r.t.ev, 0, sizeof r.t.ev);
		r.t.nev = i % 2;
		r.t.ev[0] = (gs_event){ .time_ns = r.t.s.time_ns - 1000,
			.kind = GS_EV_STEAL,
			.p = 1,
			.p2 = 0,
			.m = 1,
			.m2 = 0,
			.g = 77,
			.arg = 1 };
		if (r.t.ng > 0) {
			r.t.gl[0].id = 77;
			snprintf(r.t.gl[0].label, GS_LABEL_MAX, "worker");
		}
		feed_live(&r, &r.t.s, r.t.ev, r.t.nev, 0, r.t.ng ? r.t.gl : NULL, r.t.ng, i, NULL);
		if (i < N - K)
			continue;
		state_for(&v, 1, i);
		v.log_query = "stole"; /* every steal line, by its text */
		ck_assert_int_eq(view_render(r.live, &v, &sh.s[1]), 0);
		view_screen_row(&sh.s[1], 0, steals, sizeof steals);
		v.log_query = "label:worker";
		ck_assert_int_eq(view_render(r.live, &v, &sh.s[1]), 0);
		view_screen_row(&sh.s[1], 0, live[i - (N - K)], sizeof live[0]);
		/* live, every steal line names G77's label */
		char *of = strstr(steals, " of ");
		ck_assert_ptr_nonnull(of);
		ck_assert_msg(strncmp(strstr(live[i - (N - K)], " of ") - 2, of - 2, 8) == 0,
		    "tick %d: '%s' but '%s'", i, live[i - (N - K)], steals);
	}
	/* rebuilt: ticks whose rebuilds start on, and between, ticks with a
	 * list (newest first: each step back rebuilds) */
	for (int k = N - 1; k >= N - K; k--) {
		ck_assert_int_eq(timeline_view(r.tl, k, &m, &where), 0);
		state_for(&v, 1, k);
		v.log_query = "label:worker";
		ck_assert_int_eq(view_render(m, &v, &sh.s[1]), 0);
		view_screen_row(&sh.s[1], 0, b, sizeof b);
		ck_assert_msg(strcmp(b, live[k - (N - K)]) == 0,
		    "tick %d:\nlive:    '%s'\nrebuilt: '%s'", k, live[k - (N - K)], b);
	}
	shots_free(&sh);
	run_free(&r);
}
END_TEST

/* Every field of the goroutine lists the same, and both with their figures. */
static void
same_glist(const view_model *live, const view_model *back, int64_t tick)
{
	int na, nb;
	bool ta, tb;
	const gs_snap_ginfo *a = view_model_glist(live, &na, &ta),
			    *b = view_model_glist(back, &nb, &tb);

	ck_assert_int_eq(na, nb);
	ck_assert_int_eq(ta, tb);
	for (int i = 0; i < na; i++) {
		for (int f = 0; f < fields_ng; f++) {
			uint64_t x = fields_varint(&a[i], NULL, &fields_g[f]);
			uint64_t y = fields_varint(&b[i], NULL, &fields_g[f]);
			if (x != y)
				ck_assert_msg(0,
				    "tick %lld, goroutine %d (G%lld), %s: live %llu, rebuilt %llu",
				    (long long)tick, i, (long long)a[i].id, fields_g[f].name,
				    (unsigned long long)x, (unsigned long long)y);
		}
		if (strcmp(a[i].label, b[i].label) != 0 || a[i].tag != b[i].tag)
			ck_assert_msg(0, "tick %lld, goroutine %d: label '%s' '%s'",
			    (long long)tick, i, a[i].label, b[i].label);
	}
}

/* A rebuilt tick's goroutine list has every figure the live one had (the
 * list and the page show them, not "-"), at any tick, by any way there. */
START_TEST(test_rebuilt_glist_timings)
{
	enum { N = 130 };
	run r;
	const view_model *m;
	timeline_at where;

	run_init(&r, (size_t)16 << 20);
	for (int i = 0; i < N; i++)
		feed_made(&r, i);
	/* the live model's list at tick k: a model fed the made ticks to k */
	static const int keep[] = { 0, 5, 10, 11, 59, 60, 99, 129 };
	for (size_t k = 0; k < sizeof keep / sizeof keep[0]; k++) {
		view_model *lm = view_model_new(HT, LL);
		made *t = malloc(sizeof *t);
		ck_assert_ptr_nonnull(t);
		for (int i = 0; i <= keep[k]; i++) {
			make_tick(t, i);
			ck_assert_int_eq(view_model_tick(lm, &t->s, t->ev, t->nev, 0,
					     t->ng ? t->gl : NULL, t->ng, t->ng),
			    0);
			if (t->ng)
				view_model_glist_timed(lm);
		}
		ck_assert_int_eq(timeline_view(r.tl, keep[k], &m, &where), 0);
		ck_assert_int_eq(where.tick, keep[k]);
		int ng;
		bool timed;
		ck_assert_ptr_nonnull(view_model_glist(m, &ng, &timed));
		ck_assert(timed);
		ck_assert_int_gt(ng, 0);
		same_glist(lm, m, keep[k]);
		free(t);
		view_model_free(lm);
	}
	run_free(&r);
}
END_TEST

/* What a tick with a list of 100 goroutines costs the history (printed for
 * the record; the figures' round trip is test_rebuilt_glist_timings'). */
START_TEST(test_glist_bytes)
{
	run r;
	size_t with, without;

	for (int pass = 0; pass < 2; pass++) {
		run_init(&r, (size_t)64 << 20);
		for (int i = 0; i < 200; i++) {
			make_tick(&r.t, i * 10 % 100); /* every tick with a list */
			r.t.ng = 100;
			for (int g = 0; g < 100; g++) {
				r.t.gl[g].id = 5000 - g - i;
				r.t.gl[g].status = g % 3 ? GS_G_WAITING : GS_G_RUNNABLE;
				r.t.gl[g].m = g % 4 ? -1 : g;
				snprintf(r.t.gl[g].label, GS_LABEL_MAX, "%s",
				    g % 2 ? "sleep" : "cpu");
				make_acct(&r.t.gl[g], g, i);
			}
			r.t.s.time_ns = 1000000000ull + (uint64_t)i * 100000000ull;
			feed_live(&r, &r.t.s, r.t.ev, r.t.nev, 0, pass ? r.t.gl : NULL,
			    pass ? 100 : 0, i, NULL);
		}
		ck_assert_int_eq(timeline_count(r.tl), 200);
		size_t per = history_payload(timeline_history(r.tl)) / 200;
		if (pass)
			with = per;
		else
			without = per;
		run_free(&r);
	}
	ck_assert_uint_gt(with, without);
	printf("timeline: %zu bytes a tick, %zu with a list of 100 goroutines (%zu a goroutine)\n",
	    without, with, (with - without) / 100);
}
END_TEST

/* ---- a recording replayed ---------------------------------------------------------- */

/* A sink feeding a run, as the visualizer's feed and replay do; keeps the
 * live screens of the ticks in keep. */
struct runsink {
	run r;
	const int *keep;
	int nkeep, k;
	shots *shots;
};

static int
runsink_tick(void *ctx, const tick_info *info, const tick_data *d)
{
	struct runsink *rs = ctx;

	(void)info;
	feed_live(&rs->r, d->snap, d->ev, d->nev, d->dropped, NULL, 0, d->index, NULL);
	if (rs->shots && rs->k < rs->nkeep && rs->keep[rs->k] == d->index)
		take(&rs->shots[rs->k++], rs->r.live, d->index);
	return 0;
}

START_TEST(test_replay_file)
{
	static const int keep[] = { 3, 10, 11, 19 };
	enum { NK = sizeof keep / sizeof keep[0] };
	static shots live[NK], back;
	char path[] = "/tmp/check_timeline_XXXXXX";
	struct runsink a = { .keep = keep, .nkeep = NK, .shots = live };
	struct runsink b = { .keep = keep, .nkeep = 0 };
	record_writer w;
	char err[300];
	const view_model *m;
	timeline_at where;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	close(fd);
	run_init(&a.r, (size_t)16 << 20);
	run_init(&b.r, (size_t)16 << 20);
	/* a live run of 20 ticks, into a run and a recording at once */
	ck_assert_int_eq(record_writer_open(&w, path, err, sizeof err), 0);
	tick_sink sinks[2] = { { NULL, runsink_tick, NULL, &a }, record_sink(&w) };
	ticker_live lv = { .ticks = 20,
		.interval_ns = 20000000,
		.procs = 2,
		.runq_max = 32,
		.events = true };
	ck_assert_int_eq(ticker_run_live(&lv, sinks, 2), 0);
	ck_assert_int_eq(a.k, NK);
	/* the recording played into a timeline of its own */
	tick_sink rsink = { NULL, runsink_tick, NULL, &b };
	ck_assert_int_eq(record_replay(path, &rsink, 1), 0);
	ck_assert_int_eq(timeline_count(b.r.tl), 20);
	ck_assert_int_eq(timeline_first(b.r.tl), 0);
	ck_assert_int_eq(timeline_last(b.r.tl), 19);
	for (int k = NK - 1; k >= 0; k--) {
		ck_assert_int_eq(timeline_view(b.r.tl, keep[k], &m, &where), 0);
		ck_assert_int_eq(where.tick, keep[k]);
		ck_assert_int_eq(view_model_snapshot(m)->np, 2);
		/* the main view and the detail pages as drawn live; the log too,
		 * since the recording holds every event the live run had */
		take(&back, m, keep[k]);
		same(&live[k], &back, keep[k]);
	}
	unlink(path);
	for (int k = 0; k < NK; k++)
		shots_free(&live[k]);
	shots_free(&back);
	run_free(&a.r);
	run_free(&b.r);
}
END_TEST

static Suite *
timeline_suite(void)
{
	Suite *s = suite_create("timeline");
	TCase *tc = tu_tcase("step", 30);

	tcase_add_test(tc, test_step_bounds);
	tcase_add_test(tc, test_eviction_under_the_view);
	suite_add_tcase(s, tc);
	tc = tu_tcase("rebuild", 60);
	tcase_add_test(tc, test_rebuilt_equals_live);
	tcase_add_test(tc, test_rebuilt_log_labels);
	tcase_add_test(tc, test_rebuilt_glist_timings);
	tcase_add_test(tc, test_glist_bytes);
	tcase_add_test(tc, test_replay_file);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run_suite(timeline_suite());
}
