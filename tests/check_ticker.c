/*
 * check_ticker.c - the one tick loop (src/live/ticker.h): deadlines on the
 * grid, what late ticks do under each policy, a new grid, exactly-once and
 * in-order delivery to the sinks, the sinks' and the wait's stop codes, a
 * snapshot that fails, and the event buffer's growth and cap with many events.
 *
 * The schedule is tested on a clock of the suite's own, moved by the wait
 * function, so lateness is made rather than waited for and nothing depends
 * on how fast the machine is.  The drain and the snapshot are real: a
 * runtime runs in the background (its main goroutine can first spawn a crowd
 * of labelled goroutines, for events) and every test that starts one ends by
 * stopping it cleanly.
 *
 * Public headers only, like the gsched program.  Fork mode (CK_FORK=yes).
 */
#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsched.h>
#include <gsched/observe.h>

#include "live/ticker.h"

#define WAIT_S 20  /* a wait for the runtime gives up (and fails) after this */
#define MAXT 64    /* ticks a test records */
#define LABEL "tk" /* the crowd's goroutines */

/* ---- a runtime in the background -------------------------------------------------- */

static struct rt {
	pthread_t th;
	int crowd; /* goroutines the main goroutine spawns (and waits for) first */
	gs_waitgroup wg;
	atomic_int ready; /* the crowd has ended: its events are in the rings */
	atomic_int quit;
	int run_rc;
} rt;

static void
crowd_g(void *arg)
{
	(void)arg;
	gs_wg_done(&rt.wg);
}

static void
rt_main(void *arg)
{
	gs_attr at = { .label = LABEL, .stack_size = 0 };

	(void)arg;
	gs_events_enable(true);
	gs_wg_add(&rt.wg, rt.crowd);
	for (int i = 0; i < rt.crowd; i++)
		ck_assert_int_gt(gs_go_attr(crowd_g, NULL, &at), 0);
	gs_wg_wait(&rt.wg);
	atomic_store(&rt.ready, 1);
	while (!atomic_load(&rt.quit))
		gs_sleep(1000000);
	gs_events_enable(false);
}

static void *
rt_thread(void *arg)
{
	gs_config cfg = { .procs = 2, .stack_size = 0, .max_threads = 0 };

	(void)arg;
	rt.run_rc = gs_run(rt_main, NULL, &cfg);
	return NULL;
}

static void
nap_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* Start the runtime; return when the crowd (if any) has come and gone. */
static void
rt_start(int crowd)
{
	gs_waitgroup wg0 = GS_WAITGROUP_INIT;

	rt.crowd = crowd;
	rt.wg = wg0;
	atomic_init(&rt.ready, 0);
	atomic_init(&rt.quit, 0);
	ck_assert_int_eq(pthread_create(&rt.th, NULL, rt_thread, NULL), 0);
	for (int i = 0; !atomic_load(&rt.ready); i++) {
		ck_assert_msg(i < WAIT_S * 1000, "the runtime did not start");
		nap_ms(1);
	}
}

static void
rt_stop(void)
{
	atomic_store(&rt.quit, 1);
	pthread_join(rt.th, NULL);
	ck_assert_int_eq(rt.run_rc, 0);
	ck_assert_int_eq(gs_gomaxprocs(), GS_ENOTRUN);
}

/* ---- a clock the wait moves, and a recording sink ---------------------------------- */

static uint64_t fake_now;

static uint64_t
fake_clock(void)
{
	return fake_now;
}

/* What the wait does: before tick k (counted over waits) it lets the clock
 * run late[k] past the deadline, returns code[k] (0: tick), and may give the
 * ticker a new grid. */
struct script {
	ticker *tk;
	uint64_t deadlines[MAXT]; /* the deadline of each wait */
	int nwaits;
	uint64_t late[MAXT];
	int code[MAXT];
	int resched_at; /* the wait that asks for a new grid, -1 none */
	uint64_t resched_origin, resched_interval;
};

static int
script_wait(void *ctx, uint64_t deadline)
{
	struct script *s = ctx;
	int k = s->nwaits++;

	ck_assert_int_lt(k, MAXT);
	if (k == s->resched_at) {
		ticker_reschedule(s->tk, s->resched_origin, s->resched_interval);
		deadline = ticker_deadline(s->tk);
	}
	s->deadlines[k] = deadline;
	/* the clock never goes back: a deadline already gone is "now" */
	if (fake_now < deadline + s->late[k])
		fake_now = deadline + s->late[k];
	return s->code[k];
}

/* A sink that records what it saw; stops with stop_code at tick stop_at. */
struct rec {
	int begins, ends;
	int index[MAXT]; /* tick_data.index of each tick seen */
	int nticks;
	tick_end end;
	int stop_at; /* -1 never */
	int stop_code;
	int begin_code;
	uint64_t events; /* tick_data.nev summed */
	uint64_t label_spawns;
	bool ordered; /* every tick's events in time order */
};

static int
rec_begin(void *ctx, const tick_info *info)
{
	struct rec *r = ctx;

	ck_assert_ptr_nonnull(info);
	r->begins++;
	return r->begin_code;
}

static int
rec_tick(void *ctx, const tick_info *info, const tick_data *t)
{
	struct rec *r = ctx;

	(void)info;
	ck_assert_int_lt(r->nticks, MAXT);
	ck_assert_ptr_nonnull(t->snap);
	r->index[r->nticks++] = t->index;
	r->events += (uint64_t)t->nev;
	for (int i = 0; i < t->nev; i++) {
		if (i > 0 && t->ev[i].time_ns < t->ev[i - 1].time_ns)
			r->ordered = false;
		if (t->ev[i].kind == GS_EV_SPAWN && strcmp(t->ev[i].label, LABEL) == 0)
			r->label_spawns++;
	}
	return r->nticks - 1 == r->stop_at ? r->stop_code : 0;
}

static int
rec_end(void *ctx, const tick_info *info, const tick_end *e)
{
	struct rec *r = ctx;

	(void)info;
	r->ends++;
	r->end = *e;
	return 0;
}

static void
rec_init(struct rec *r)
{
	memset(r, 0, sizeof *r);
	r->stop_at = -1;
	r->ordered = true;
}

static tick_sink
rec_sink(struct rec *r)
{
	return (tick_sink){ rec_begin, rec_tick, rec_end, r };
}

static void
script_init(struct script *s)
{
	memset(s, 0, sizeof *s);
	s->resched_at = -1;
}

static ticker *
new_ticker(uint64_t origin, uint64_t interval, ticker_late late, tick_sink *sinks, int n)
{
	ticker_opts o = { .origin_ns = origin,
		.interval_ns = interval,
		.late = late,
		.sinks = sinks,
		.nsinks = n,
		.clock = fake_clock };
	ticker *tk = ticker_new(&o);

	ck_assert_ptr_nonnull(tk);
	return tk;
}

/* ---- the schedule ------------------------------------------------------------------ */

START_TEST(test_deadlines_on_the_grid)
{
	struct script s;
	struct rec r;

	rt_start(0);
	script_init(&s);
	rec_init(&r);
	tick_sink k = rec_sink(&r);
	fake_now = 1000;
	s.tk = new_ticker(1000, 100, TICKER_CATCH_UP, &k, 1);
	/* each tick comes a little late: the grid does not drift with it */
	for (int i = 0; i < MAXT; i++)
		s.late[i] = 30;
	ck_assert_int_eq(ticker_run(s.tk, 6, script_wait, &s), 0);
	ck_assert_int_eq(s.nwaits, 6);
	for (int i = 0; i < 6; i++)
		ck_assert_uint_eq(s.deadlines[i], 1000 + 100 * (uint64_t)i);
	ck_assert_uint_eq(ticker_deadline(s.tk), 1600);
	ck_assert_uint_eq(ticker_skipped(s.tk), 0);
	ck_assert_uint_eq(ticker_info(s.tk)->interval_ns, 100);
	ticker_free(s.tk);
	rt_stop();
}
END_TEST

START_TEST(test_late_tick_catches_up)
{
	struct script s;
	struct rec r;

	rt_start(0);
	script_init(&s);
	rec_init(&r);
	tick_sink k = rec_sink(&r);
	fake_now = 1000;
	s.tk = new_ticker(1000, 100, TICKER_CATCH_UP, &k, 1);
	s.late[1] = 350; /* the second tick: three and a half intervals late */
	ck_assert_int_eq(ticker_run(s.tk, 7, script_wait, &s), 0);
	/* every grid point is ticked, the missed ones back to back */
	for (int i = 0; i < 7; i++)
		ck_assert_uint_eq(s.deadlines[i], 1000 + 100 * (uint64_t)i);
	ck_assert_uint_eq(fake_now, 1600); /* the clock stood still meanwhile */
	ck_assert_int_eq(r.nticks, 7);
	ck_assert_uint_eq(ticker_skipped(s.tk), 0);
	ticker_free(s.tk);
	rt_stop();
}
END_TEST

START_TEST(test_late_tick_skips)
{
	struct script s;
	struct rec r;

	rt_start(0);
	script_init(&s);
	rec_init(&r);
	tick_sink k = rec_sink(&r);
	fake_now = 1000;
	s.tk = new_ticker(1000, 100, TICKER_SKIP, &k, 1);
	s.late[1] = 350;
	ck_assert_int_eq(ticker_run(s.tk, 4, script_wait, &s), 0);
	/* 1200, 1300 and 1400 are gone by 1450: dropped; the grid stays */
	ck_assert_uint_eq(s.deadlines[0], 1000);
	ck_assert_uint_eq(s.deadlines[1], 1100);
	ck_assert_uint_eq(s.deadlines[2], 1500);
	ck_assert_uint_eq(s.deadlines[3], 1600);
	ck_assert_uint_eq(ticker_skipped(s.tk), 3);
	/* the ticks delivered are numbered without gaps */
	ck_assert_int_eq(r.nticks, 4);
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(r.index[i], i);
	ticker_free(s.tk);
	rt_stop();
}
END_TEST

/* A tick exactly on the next grid point is late by one: skipped too. */
START_TEST(test_skip_on_a_grid_point)
{
	struct script s;
	struct rec r;

	rt_start(0);
	script_init(&s);
	rec_init(&r);
	tick_sink k = rec_sink(&r);
	fake_now = 0;
	s.tk = new_ticker(0, 10, TICKER_SKIP, &k, 1);
	s.late[0] = 10;
	ck_assert_int_eq(ticker_run(s.tk, 2, script_wait, &s), 0);
	ck_assert_uint_eq(s.deadlines[1], 20);
	ck_assert_uint_eq(ticker_skipped(s.tk), 1);
	ticker_free(s.tk);
	rt_stop();
}
END_TEST

START_TEST(test_reschedule)
{
	struct script s;
	struct rec r;

	rt_start(0);
	script_init(&s);
	rec_init(&r);
	tick_sink k = rec_sink(&r);
	fake_now = 1000;
	s.tk = new_ticker(1000, 100, TICKER_SKIP, &k, 1);
	/* the third wait asks for a tick at 1234, then every 50 (a key) */
	s.resched_at = 2;
	s.resched_origin = 1234;
	s.resched_interval = 50;
	ck_assert_int_eq(ticker_run(s.tk, 5, script_wait, &s), 0);
	ck_assert_uint_eq(s.deadlines[0], 1000);
	ck_assert_uint_eq(s.deadlines[1], 1100);
	ck_assert_uint_eq(s.deadlines[2], 1234);
	ck_assert_uint_eq(s.deadlines[3], 1284);
	ck_assert_uint_eq(s.deadlines[4], 1334);
	ck_assert_int_eq(r.nticks, 5);
	ticker_free(s.tk);
	rt_stop();
}
END_TEST

/* ---- delivery ---------------------------------------------------------------------- */

/* Drains (a paused view) move the schedule on and deliver nothing; the
 * ticks delivered go to every sink once, in order, numbered without gaps. */
START_TEST(test_exactly_once_in_order)
{
	struct script s;
	struct rec r[3];
	tick_sink k[3];

	rt_start(0);
	script_init(&s);
	for (int i = 0; i < 3; i++) {
		rec_init(&r[i]);
		k[i] = rec_sink(&r[i]);
	}
	fake_now = 0;
	s.tk = new_ticker(0, 10, TICKER_CATCH_UP, k, 3);
	s.code[1] = s.code[2] = s.code[5] = TICKER_DRAIN;
	ck_assert_int_eq(ticker_run(s.tk, 6, script_wait, &s), 0);
	ck_assert_int_eq(s.nwaits, 9);
	for (int i = 0; i < 9; i++)
		ck_assert_uint_eq(s.deadlines[i], 10 * (uint64_t)i);
	for (int j = 0; j < 3; j++) {
		ck_assert_int_eq(r[j].begins, 1);
		ck_assert_int_eq(r[j].ends, 1);
		ck_assert_int_eq(r[j].nticks, 6);
		for (int i = 0; i < 6; i++)
			ck_assert_int_eq(r[j].index[i], i);
		ck_assert_int_eq(r[j].end.ticks, 6);
		ck_assert_uint_eq(r[j].end.events, r[j].events);
	}
	ck_assert_int_eq(ticker_totals(s.tk)->ticks, 6);
	ticker_free(s.tk);
	rt_stop();
}
END_TEST

/* ticker_tick outside a run: one tick to every sink, and nothing else. */
START_TEST(test_tick_by_hand)
{
	struct rec r;

	rt_start(0);
	rec_init(&r);
	tick_sink k = rec_sink(&r);
	fake_now = 500;
	ticker *tk = new_ticker(500, 100, TICKER_SKIP, &k, 1);
	ck_assert_int_eq(ticker_tick(tk), 0);
	ck_assert_int_eq(ticker_tick(tk), 0);
	ck_assert_int_eq(r.nticks, 2);
	ck_assert_int_eq(r.index[1], 1);
	ck_assert_int_eq(r.begins, 0);
	ck_assert_int_eq(r.ends, 0);
	/* the clock stood at 500: 600 and 700 are still to come */
	ck_assert_uint_eq(ticker_deadline(tk), 700);
	ticker_free(tk);
	rt_stop();
}
END_TEST

/* A sink that stops: later sinks miss that tick, nobody gets another, no
 * end is called, and its code comes back. */
START_TEST(test_sink_stops)
{
	struct script s;
	struct rec r[3];
	tick_sink k[3];

	rt_start(0);
	script_init(&s);
	for (int i = 0; i < 3; i++) {
		rec_init(&r[i]);
		k[i] = rec_sink(&r[i]);
	}
	r[1].stop_at = 2;
	r[1].stop_code = 7;
	fake_now = 0;
	s.tk = new_ticker(0, 10, TICKER_CATCH_UP, k, 3);
	ck_assert_int_eq(ticker_run(s.tk, 10, script_wait, &s), 7);
	ck_assert_int_eq(r[0].nticks, 3);
	ck_assert_int_eq(r[1].nticks, 3);
	ck_assert_int_eq(r[2].nticks, 2);
	for (int j = 0; j < 3; j++)
		ck_assert_int_eq(r[j].ends, 0);
	ticker_free(s.tk);
	rt_stop();
}
END_TEST

/* A sink whose begin fails: no later begin, no tick, no end. */
START_TEST(test_begin_fails)
{
	struct script s;
	struct rec r[2];
	tick_sink k[2];

	rt_start(0);
	script_init(&s);
	for (int i = 0; i < 2; i++) {
		rec_init(&r[i]);
		k[i] = rec_sink(&r[i]);
	}
	r[0].begin_code = 3;
	s.tk = new_ticker(0, 10, TICKER_CATCH_UP, k, 2);
	ck_assert_int_eq(ticker_run(s.tk, 5, script_wait, &s), 3);
	ck_assert_int_eq(s.nwaits, 0);
	ck_assert_int_eq(r[0].begins, 1);
	ck_assert_int_eq(r[1].begins, 0);
	ck_assert_int_eq(r[0].nticks + r[1].nticks, 0);
	ck_assert_int_eq(r[0].ends + r[1].ends, 0);
	ticker_free(s.tk);
	rt_stop();
}
END_TEST

/* The wait's codes: TICKER_STOP ends the run as its last tick would (end
 * called, 0); any other code stops it as a sink would (no end). */
START_TEST(test_wait_stops)
{
	struct script s;
	struct rec r;

	rt_start(0);
	script_init(&s);
	rec_init(&r);
	tick_sink k = rec_sink(&r);
	s.tk = new_ticker(0, 10, TICKER_CATCH_UP, &k, 1);
	s.code[3] = TICKER_STOP;
	ck_assert_int_eq(ticker_run(s.tk, 0, script_wait, &s), 0);
	ck_assert_int_eq(r.nticks, 3);
	ck_assert_int_eq(r.ends, 1);
	ck_assert_int_eq(r.end.ticks, 3);
	ticker_free(s.tk);

	script_init(&s);
	rec_init(&r);
	k = rec_sink(&r);
	s.tk = new_ticker(0, 10, TICKER_CATCH_UP, &k, 1);
	s.code[2] = 9;
	ck_assert_int_eq(ticker_run(s.tk, 0, script_wait, &s), 9);
	ck_assert_int_eq(r.nticks, 2);
	ck_assert_int_eq(r.ends, 0);
	ticker_free(s.tk);
	rt_stop();
}
END_TEST

/* Without a runtime the snapshot fails: the sinks' end is still called (so
 * files are completed), nothing is delivered, and the code comes back. */
START_TEST(test_snapshot_fails)
{
	struct script s;
	struct rec r;

	script_init(&s);
	rec_init(&r);
	tick_sink k = rec_sink(&r);
	fake_now = 0;
	s.tk = new_ticker(0, 10, TICKER_CATCH_UP, &k, 1);
	ck_assert_int_eq(ticker_run(s.tk, 5, script_wait, &s), GS_ENOTRUN);
	ck_assert_int_eq(s.nwaits, 1);
	ck_assert_int_eq(r.begins, 1);
	ck_assert_int_eq(r.nticks, 0);
	ck_assert_int_eq(r.ends, 1);
	ck_assert_int_eq(r.end.ticks, 0);
	/* the failed tick moved the schedule on all the same */
	ck_assert_uint_eq(ticker_deadline(s.tk), 10);
	ticker_free(s.tk);
}
END_TEST

/* The real clock and sleep: ticks come in order, none before its deadline. */
START_TEST(test_real_sleep)
{
	struct rec r;

	rt_start(0);
	rec_init(&r);
	tick_sink k = rec_sink(&r);
	uint64_t t0 = (uint64_t)gs_nanotime();
	ticker_opts o = { .origin_ns = t0 + 1000000,
		.interval_ns = 2000000,
		.late = TICKER_CATCH_UP,
		.sinks = &k,
		.nsinks = 1 };
	ticker *tk = ticker_new(&o);
	ck_assert_ptr_nonnull(tk);
	ck_assert_int_eq(ticker_run(tk, 5, NULL, NULL), 0);
	ck_assert_int_eq(r.nticks, 5);
	ck_assert_int_eq(r.end.ticks, 5);
	/* the last tick was taken at or after its deadline, t0 + 9 ms */
	ck_assert_uint_ge((uint64_t)gs_nanotime(), t0 + 9000000);
	ck_assert_uint_eq(ticker_deadline(tk), t0 + 11000000);
	ticker_free(tk);
	rt_stop();
}
END_TEST

/* ---- the event buffer -------------------------------------------------------------- */

#define CROWD 3000 /* goroutines: a spawn and an exit event each, > 4096 in all */

static uint64_t
count_label_spawns(const tick_data *t)
{
	uint64_t n = 0;

	for (int i = 0; i < t->nev; i++)
		if (t->ev[i].kind == GS_EV_SPAWN && strcmp(t->ev[i].label, LABEL) == 0)
			n++;
	return n;
}

/* One tick carries every event of the crowd: the buffer grew past its
 * first size, in time order, nothing lost. */
START_TEST(test_buffer_grows)
{
	tick_data t;

	rt_start(CROWD);
	ticker_opts o = { .interval_ns = 1000000, .late = TICKER_SKIP };
	ticker *tk = ticker_new(&o);
	ck_assert_ptr_nonnull(tk);
	ck_assert_int_eq(ticker_take(tk, &t), 0);
	ck_assert_uint_eq(t.dropped, 0);
	ck_assert_int_gt(t.nev, TICKER_EVENTS_FIRST);
	ck_assert_uint_eq(count_label_spawns(&t), CROWD);
	for (int i = 1; i < t.nev; i++)
		ck_assert_uint_ge(t.ev[i].time_ns, t.ev[i - 1].time_ns);
	ck_assert_int_eq(t.index, 0);
	ck_assert_uint_eq(ticker_totals(tk)->events, (uint64_t)t.nev);
	ticker_free(tk);
	rt_stop();
}
END_TEST

/* With a cap, a tick carries at most that many; the rest come with the
 * next ticks, none twice, none lost. */
START_TEST(test_buffer_cap)
{
	tick_data t;
	uint64_t spawns = 0, events = 0;
	int full = 0;

	rt_start(CROWD);
	ticker_opts o = { .interval_ns = 1000000, .late = TICKER_SKIP, .events_max = 1000 };
	ticker *tk = ticker_new(&o);
	ck_assert_ptr_nonnull(tk);
	for (int k = 0; k < 100 && spawns < CROWD; k++) {
		ck_assert_int_eq(ticker_take(tk, &t), 0);
		ck_assert_int_le(t.nev, 1000);
		ck_assert_int_eq(t.index, k);
		full += t.nev == 1000;
		spawns += count_label_spawns(&t);
		events += (uint64_t)t.nev;
	}
	ck_assert_uint_eq(spawns, CROWD);
	ck_assert_int_ge(full, 4); /* over 4000 events at 1000 a tick */
	ck_assert_uint_eq(ticker_totals(tk)->events, events);
	ticker_free(tk);
	rt_stop();
}
END_TEST

/* ticker_drain empties the rings even past the buffer's cap, delivers
 * nothing and leaves the schedule where it was. */
START_TEST(test_drain_empties)
{
	tick_data t;
	uint64_t dropped = 1;

	rt_start(CROWD);
	ticker_opts o = { .origin_ns = 42, .interval_ns = 1000000, .events_max = 1000 };
	ticker *tk = ticker_new(&o);
	ck_assert_ptr_nonnull(tk);
	ck_assert_uint_gt(ticker_drain(tk, &dropped), TICKER_EVENTS_FIRST);
	ck_assert_uint_eq(dropped, 0);
	ck_assert_uint_eq(ticker_deadline(tk), 42);
	ck_assert_int_eq(ticker_totals(tk)->ticks, 0);
	ck_assert_int_eq(ticker_take(tk, &t), 0);
	ck_assert_uint_eq(count_label_spawns(&t), 0);
	ck_assert_int_lt(t.nev, 1000);
	ticker_free(tk);
	rt_stop();
}
END_TEST

static Suite *
ticker_suite(void)
{
	Suite *s = suite_create("ticker");
	TCase *tc = tcase_create("schedule");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_deadlines_on_the_grid);
	tcase_add_test(tc, test_late_tick_catches_up);
	tcase_add_test(tc, test_late_tick_skips);
	tcase_add_test(tc, test_skip_on_a_grid_point);
	tcase_add_test(tc, test_reschedule);
	tcase_add_test(tc, test_real_sleep);
	suite_add_tcase(s, tc);

	tc = tcase_create("delivery");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_exactly_once_in_order);
	tcase_add_test(tc, test_tick_by_hand);
	tcase_add_test(tc, test_sink_stops);
	tcase_add_test(tc, test_begin_fails);
	tcase_add_test(tc, test_wait_stops);
	tcase_add_test(tc, test_snapshot_fails);
	suite_add_tcase(s, tc);

	tc = tcase_create("events");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_buffer_grows);
	tcase_add_test(tc, test_buffer_cap);
	tcase_add_test(tc, test_drain_empties);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(ticker_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
