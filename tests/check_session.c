/*
 * check_session.c - the live session behind the visualizer and the lessons
 * (src/live/session.h), and the observation calls it relies on: the goroutine list
 * (gs_goroutines) and the observer's stop-the-world (gs_stop_world).
 *
 * These tests drive the runtime from outside, as the UI thread does: the test
 * body is a plain thread, never a goroutine.  The last one feeds the session's
 * default workload to the visualizer's view model, as the UI thread does, and
 * counts the event log's lines.
 */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsched.h>
#include <gsched/observe.h>

#include "live/session.h"
#include "live/ticker.h"
#include "testutil.h"
#include "ui/view.h"

#define WAIT_S 20 /* every wait below gives up (and fails) after this */

static void
nap_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static session *
start(int procs, bool scenario)
{
	session_opts o = { .procs = procs, .scenario = scenario, .events = true };
	char err[200] = "";
	session *s = session_start(&o, err, sizeof err);

	ck_assert_msg(s != NULL, "session_start: %s", err);
	return s;
}

static void
end(session *s)
{
	char err[200] = "";
	ck_assert_msg(session_end(s, err, sizeof err) == 0, "session_end: %s", err);
	ck_assert_int_eq(gs_gomaxprocs(), GS_ENOTRUN);
}

/* Live goroutines with this label (and, if tag is not 0, this tag), by the
 * goroutine list. */
static int
count_tagged(const char *label, char tag)
{
	static gs_snap_ginfo gl[4096];
	int n = gs_goroutines(gl, 4096), k = 0;

	ck_assert_int_ge(n, 0);
	for (int i = 0; i < n && i < 4096; i++)
		if (strcmp(gl[i].label, label) == 0 && (tag == 0 || gl[i].tag == tag))
			k++;
	return k;
}

static int
count_label(const char *label)
{
	return count_tagged(label, 0);
}

/* A batch arrives, carries its label, and leaves when its life is over. */
START_TEST(test_batch_lifecycle)
{
	session *s = start(2, false);
	/* Long enough that the batch is surely still alive when all 30 are seen
	 * (sanitizer builds start goroutines slowly). */
	session_batch b = { .kind = "sleep",
		.count = 30,
		.life_ns = (TU_SANITIZED ? 3000 : 500) * 1000000LL,
		.label = "mybatch" };
	int waited = 0;

	ck_assert_int_eq(session_spawn(s, &b), 0);
	while (count_label("mybatch") < 30 && waited++ < WAIT_S * 100)
		nap_ms(10);
	ck_assert_int_eq(count_label("mybatch"), 30);
	/* the label is the batch's, the tag still its kind's */
	ck_assert_int_eq(count_tagged("mybatch", GS_TAG_SLEEP), 30);
	ck_assert_int_eq(session_batches(s), 1);
	waited = 0;
	while ((count_label("mybatch") > 0 || session_batches(s) > 0) && waited++ < WAIT_S * 100)
		nap_ms(10);
	ck_assert_int_eq(count_label("mybatch"), 0);
	ck_assert_int_eq(session_batches(s), 0);
	char buf[200];
	ck_assert_msg(!session_error(s, buf, sizeof buf), "unexpected error: %s", buf);
	end(s);
}
END_TEST

/* session_opts.timescale (--slow) is the runtime's while the session runs;
 * a factor out of range fails the start with a message, before any runtime. */
START_TEST(test_timescale)
{
	session_opts o = { .procs = 1, .scenario = false, .events = false, .timescale = 1001 };
	char err[200] = "";

	ck_assert_ptr_null(session_start(&o, err, sizeof err));
	ck_assert_msg(strstr(err, "slow motion x1001") != NULL, "%s", err);
	ck_assert_int_eq(gs_gomaxprocs(), GS_ENOTRUN);
	o.timescale = 5;
	session *s = session_start(&o, err, sizeof err);
	ck_assert_msg(s != NULL, "session_start: %s", err);
	ck_assert_int_eq(gs_timescale(), 5);
	/* fixed for the run */
	ck_assert_int_eq(gs_set_timescale(2), GS_EBUSY);
	ck_assert_int_eq(gs_timescale(), 5);
	end(s);
}
END_TEST

/* Requests are checked before they are queued. */
START_TEST(test_bad_requests)
{
	session *s = start(1, false);
	session_batch bad[] = {
		{ .kind = "nosuchkind", .count = 1 },
		{ .kind = "cpu", .count = 0 },
		{ .kind = "cpu", .count = -5 },
		{ .kind = "cpu", .count = 100001 },
		{ .kind = "cpu", .count = 1, .life_ns = -1 },
		{ .kind = NULL, .count = 1 },
	};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(session_spawn(s, &bad[i]) == GS_EINVAL, "request %zu", i);
	ck_assert_int_eq(session_spawn(s, NULL), GS_EINVAL);
	ck_assert_int_eq(session_set_procs(s, 0), GS_ERANGE);
	ck_assert_int_eq(session_start_world(s), GS_EINVAL); /* not stopped */
	end(s);
}
END_TEST

/* Batches that live until the end are stopped by it; the default scenario too. */
START_TEST(test_end_stops_everything)
{
	session *s = start(2, true);
	session_batch kinds[] = {
		{ .kind = "cpu", .count = 2 },
		{ .kind = "syscall", .count = 4 },
		{ .kind = "netwait", .count = 3 },
		{ .kind = "mixed", .count = 1 },
	};
	int waited = 0;

	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		ck_assert_int_eq(session_spawn(s, &kinds[i]), 0);
	while (session_batches(s) < 4 && waited++ < WAIT_S * 100)
		nap_ms(10);
	ck_assert_int_eq(session_batches(s), 4);
	ck_assert_int_ge(count_label("syscall"), 4);
	ck_assert_int_ge(count_label("netwait"), 3);
	end(s); /* returns only once every goroutine is gone */
}
END_TEST

static bool
all_ps(const gs_snapshot *snap, int status)
{
	for (int i = 0; i < snap->np; i++)
		if (snap->p[i].status != status)
			return false;
	return true;
}

/* A stopped world runs nothing: no P runs, no goroutine's schedtick moves,
 * GOMAXPROCS changes are refused; after the restart the work goes on. */
START_TEST(test_stop_world)
{
	session *s = start(2, false);
	session_batch b = { .kind = "cpu", .count = 4 };
	gs_snapshot *snap = gs_snapshot_new(0, 8);
	uint32_t ticks[2];
	int waited = 0;

	ck_assert_ptr_nonnull(snap);
	ck_assert_int_eq(session_spawn(s, &b), 0);
	while (count_label("cpu") < 4 && waited++ < WAIT_S * 100)
		nap_ms(10);
	ck_assert_int_eq(session_stop_world(s), 0);
	ck_assert(gs_world_stopped());
	ck_assert_int_eq(session_stop_world(s), GS_EBUSY);
	ck_assert_int_eq(gs_snapshot_take(snap), 0);
	ck_assert_msg(all_ps(snap, GS_PSTATE_GCSTOP), "a P runs in a stopped world");
	for (int i = 0; i < 2; i++)
		ticks[i] = snap->p[i].schedtick;
	ck_assert_int_eq(session_set_procs(s, 3), GS_EBUSY);
	nap_ms(200); /* long enough for sysmon's checks, and checkdead's */
	ck_assert_int_eq(gs_snapshot_take(snap), 0);
	for (int i = 0; i < 2; i++)
		ck_assert_uint_eq(snap->p[i].schedtick, ticks[i]);
	ck_assert_int_eq(snap->stats.by_status[GS_G_RUNNING], 0);
	ck_assert_int_eq(session_start_world(s), 0);
	ck_assert(!gs_world_stopped());
	ck_assert_int_eq(session_set_procs(s, 3), 2);
	waited = 0;
	do {
		nap_ms(10);
		ck_assert_int_eq(gs_snapshot_take(snap), 0);
	} while (snap->p[0].schedtick == ticks[0] && snap->p[1].schedtick == ticks[1] &&
	    waited++ < WAIT_S * 100);
	ck_assert_msg(snap->p[0].schedtick != ticks[0] || snap->p[1].schedtick != ticks[1],
	    "nothing ran after the world restarted");
	/* Ending with the world stopped restarts it first. */
	ck_assert_int_eq(session_stop_world(s), 0);
	gs_snapshot_free(snap);
	end(s);
}
END_TEST

static void
stop_from_goroutine(void *arg)
{
	*(int *)arg = gs_stop_world();
}

/* Only a thread outside the runtime may stop the world; and not before it runs. */
START_TEST(test_stop_world_misuse)
{
	int rc = 0;

	ck_assert_int_eq(gs_stop_world(), GS_ENOTRUN);
	ck_assert_int_eq(gs_start_world(), GS_EINVAL);
	ck_assert_int_eq(gs_run(stop_from_goroutine, &rc, NULL), 0);
	ck_assert_int_eq(rc, GS_EINVAL);
}
END_TEST

/* The goroutine list: every live goroutine once, with status and label. */
START_TEST(test_goroutine_list)
{
	session *s = start(2, false);
	session_batch b = { .kind = "sleep", .count = 500, .label = "listed" };
	gs_snap_ginfo small[10];
	static gs_snap_ginfo gl[2000];
	int waited = 0, n;

	ck_assert_int_eq(gs_goroutines(NULL, -1), GS_EINVAL);
	ck_assert_int_eq(gs_goroutines(NULL, 1), GS_EINVAL);
	ck_assert_int_eq(session_spawn(s, &b), 0);
	while (count_label("listed") < 500 && waited++ < WAIT_S * 100)
		nap_ms(10);
	n = gs_goroutines(gl, 2000);
	ck_assert_int_ge(n, 501); /* the batch, its keeper, the controller */
	ck_assert_int_lt(n, 2000);
	ck_assert_int_eq(gs_goroutines(NULL, 0), n);
	ck_assert_int_eq(gs_goroutines(small, 10), n);
	for (int i = 0; i < n; i++) {
		ck_assert_int_gt(gl[i].id, 0);
		ck_assert_int_ne(gl[i].status, GS_G_DEAD);
		ck_assert_int_lt(gl[i].status, GS_G_NSTATUS);
		if (gl[i].status == GS_G_WAITING)
			ck_assert_int_lt(gl[i].waitreason, GS_WAIT_NREASONS);
		else
			ck_assert_int_eq(gl[i].waitreason, 0);
		if (gl[i].status == GS_G_RUNNING)
			ck_assert_int_ge(gl[i].m, 0);
		for (int j = 0; j < i; j++)
			ck_assert_msg(gl[i].id != gl[j].id, "goroutine %lld listed twice",
			    (long long)gl[i].id);
	}
	end(s);
	ck_assert_int_eq(gs_goroutines(gl, 10), GS_ENOTRUN);
}
END_TEST

/* The visualizer's default mixed workload (CPU-bound, sleeping, blocking and
 * network goroutines) writes a log a person can read: a few lines a second.
 * Counted per tick, so a slow machine (fewer ticks) changes nothing. */
static int
log_tick(void *ctx, const tick_info *info, const tick_data *d)
{
	(void)info;
	return view_model_tick(ctx, d->snap, d->ev, d->nev, d->dropped, NULL, 0, 0) ? 1 : 0;
}

START_TEST(test_default_log_lines)
{
	enum { TICKS = 50 };
	view_model *m = view_model_new(600, 10000);
	session *s = start(2, true);
	tick_sink sink = { NULL, log_tick, NULL, m };
	tick_info info = { .ncpu = gs_numcpu() };
	ticker_opts to = { .interval_ns = 100000000,
		.late = TICKER_SKIP,
		.runq_max = 256,
		.info = &info,
		.sinks = &sink,
		.nsinks = 1 };
	ticker *tk = ticker_new(&to);

	ck_assert_ptr_nonnull(m);
	ck_assert_ptr_nonnull(tk);
	ticker_reschedule(tk, (uint64_t)gs_nanotime(), to.interval_ns);
	ck_assert_int_eq(ticker_run(tk, TICKS, NULL, NULL), 0);
	uint64_t lines = view_model_log_total(m);
	fprintf(stderr, "# default workload: %llu log lines in %d ticks at 10 Hz (%.1f a second)\n",
	    (unsigned long long)lines, TICKS, (double)lines * 10 / TICKS);
	/* Written one by one up to a count a tick, it was about 9 lines a tick
	 * (90 to 125 a second); summed up, it is well under one. */
	ck_assert_uint_gt(lines, 0);
	ck_assert_uint_le(lines, TICKS);
	ticker_free(tk);
	end(s);
	view_model_free(m);
}
END_TEST

static Suite *
session_suite(void)
{
	Suite *s = suite_create("session");
	TCase *tc = tu_tcase("session", 60);

	tcase_add_test(tc, test_batch_lifecycle);
	tcase_add_test(tc, test_bad_requests);
	tcase_add_test(tc, test_timescale);
	tcase_add_test(tc, test_end_stops_everything);
	tcase_add_test(tc, test_stop_world);
	tcase_add_test(tc, test_stop_world_misuse);
	tcase_add_test(tc, test_goroutine_list);
	tcase_add_test(tc, test_default_log_lines);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(session_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
