/*
 * check_timescale.c - slow motion: GSCHED_DEBUG=timescale=N and
 * gs_set_timescale stretch every time constant of the scheduler N times.
 *
 *  1. Parsing and bounds: 1..1000 from the environment, anything else
 *     refused with a message (gs_run returns GS_EINVAL; the program exits 2);
 *     the API's range, its precedence over the environment, GS_EBUSY while
 *     the runtime runs.
 *  2. The constants stretch.  Over a fixed amount of CPU work shared by two
 *     goroutines on GOMAXPROCS 1, N = 10 gives fewer preemptions than N = 1
 *     (about 10 times fewer; the figures are printed), and never more than
 *     one per 100 ms.  (How soon a system call's P is handed off is no such
 *     bound: sysmon may retake it at its first look after the call began,
 *     as Go's does, so that is not asserted.)
 *  3. The decisions stay the same.  The cpu workload of src/live/workload.c
 *     (which stretches its own work by gs_timescale()) next to a goroutine
 *     making blocking system calls (stretched the same way) on GOMAXPROCS 2
 *     makes the same steals, hand-offs and preemptions at N = 1 and N = 10,
 *     within the tolerances stated there.
 *
 * Time is asserted as counts, orders and bounds that hold on any machine: a
 * loaded machine makes everything slower, never faster.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <unistd.h>

#include "testutil.h"
#include "tu_child.h"
#include "live/workload.h"

#define MS(x) ((int64_t)(x)*1000000)

/* Run fn(arg) as main at time scale n (set through the API). */
static void
run_at(int n, void (*fn)(void *), void *arg, int procs)
{
	ck_assert_int_eq(gs_set_timescale(n), 0);
	ck_assert_int_eq(gs_timescale(), n);
	tu_run(fn, arg, procs);
}

/* One step of CPU work: a multiply-add the compiler cannot fold. */
static inline uint64_t
lcg(uint64_t x)
{
	x = x * 6364136223846793005ULL + 1442695040888963407ULL;
	__asm__ volatile("" : "+r"(x));
	return x;
}

/* Nanoseconds per lcg step on this machine, measured outside the runtime
 * (the best of a few tries: others may share the CPU). */
static double
ns_per_step(void)
{
	double best = 1e9;
	uint64_t x = 1;

	for (int t = 0; t < 5; t++) {
		uint64_t t0 = tu_now_ns();
		for (int i = 0; i < 2000000; i++)
			x = lcg(x);
		double ns = (double)(tu_now_ns() - t0) / 2000000.0;
		if (ns < best)
			best = ns;
	}
	return best > 0.05 ? best : 0.05;
}

/* ---- 1. parsing and bounds ------------------------------------------------------ */

static struct tu_child child;

static void
note_scale(void *arg)
{
	*(int *)arg = gs_timescale();
}

static const char *const bad_env[] = { "0", "1001", "-3", "abc", "", "2.5", "10x", "99999999999" };

static int
bad_env_child(void *arg)
{
	char buf[64];
	int seen = 0;

	snprintf(buf, sizeof buf, "timescale=%s", (const char *)arg);
	setenv("GSCHED_DEBUG", buf, 1);
	return 10 - gs_run(note_scale, &seen, NULL);
}

START_TEST(test_env_bad)
{
	char want[128];
	const char *needles[] = { want, NULL };

	snprintf(want, sizeof want,
	    "GSCHED_DEBUG: timescale=%s: want a whole factor from 1 to 1000", bad_env[_i]);
	tu_child_run(&child, bad_env_child, (void *)bad_env[_i], TU_SEC(30));
	tu_child_expect(&child, 10 - GS_EINVAL, needles);
}
END_TEST

START_TEST(test_env_good)
{
	static const struct {
		const char *env;
		int want;
	} good[] = { { "timescale=1", 1 }, { "timescale=1000", 1000 },
		{ "schedtrace=0,timescale=7,asyncpreemptoff=0", 7 }, { "scheddetail=0", 1 } };
	int seen = 0;

	setenv("GSCHED_DEBUG", good[_i].env, 1);
	tu_run(note_scale, &seen, 1);
	ck_assert_msg(seen == good[_i].want, "GSCHED_DEBUG=%s: gs_timescale() %d inside, want %d",
	    good[_i].env, seen, good[_i].want);
	/* Not running and nothing set: the environment is read by gs_run only. */
	ck_assert_int_eq(gs_timescale(), 1);
}
END_TEST

static void
busy_set(void *arg)
{
	int *rc = arg;

	rc[0] = gs_set_timescale(5);
	rc[1] = gs_timescale();
	/* The runtime works at the largest scale: a timer, a switch, a channel. */
	gs_chan *c = gs_chan_make(sizeof(int), 1);
	int v = 42;
	ck_assert_int_eq(gs_sleep(MS(1)), 0);
	ck_assert_int_eq(gs_chan_send(c, &v), 0);
	v = 0;
	ck_assert_int_eq(gs_chan_recv(c, &v), 1);
	ck_assert_int_eq(v, 42);
	gs_chan_free(c);
}

START_TEST(test_api)
{
	int seen = 0, rc[2];

	unsetenv("GSCHED_DEBUG");
	ck_assert_int_eq(gs_timescale(), 1);
	ck_assert_int_eq(gs_set_timescale(-1), GS_ERANGE);
	ck_assert_int_eq(gs_set_timescale(GS_TIMESCALE_MAX + 1), GS_ERANGE);
	ck_assert_int_eq(gs_timescale(), 1);

	/* Fixed for a run: no change while it runs. */
	ck_assert_int_eq(gs_set_timescale(GS_TIMESCALE_MAX), 0);
	ck_assert_int_eq(gs_timescale(), GS_TIMESCALE_MAX);
	tu_run(busy_set, rc, 2);
	ck_assert_int_eq(rc[0], GS_EBUSY);
	ck_assert_int_eq(rc[1], GS_TIMESCALE_MAX);
	/* It holds for the next run too. */
	tu_run(note_scale, &seen, 1);
	ck_assert_int_eq(seen, GS_TIMESCALE_MAX);

	/* The program's setting wins over the environment's; 0 gives it back. */
	setenv("GSCHED_DEBUG", "timescale=3", 1);
	ck_assert_int_eq(gs_set_timescale(7), 0);
	tu_run(note_scale, &seen, 1);
	ck_assert_int_eq(seen, 7);
	ck_assert_int_eq(gs_set_timescale(0), 0);
	ck_assert_int_eq(gs_timescale(), 1);
	tu_run(note_scale, &seen, 1);
	ck_assert_int_eq(seen, 3);
	unsetenv("GSCHED_DEBUG");
}
END_TEST

/* ---- 2. the constants stretch ---------------------------------------------------- */

/* Steps between scheduling points: about 50 us, much less than a slice, so
 * preemption is as prompt under TSan (cooperative only) as elsewhere. */
#define SPIN_CHUNK 50000

struct spin {
	int64_t chunks;
	uint64_t sink;
	gs_waitgroup *wg;
};

static void
spin_g(void *arg)
{
	struct spin *s = arg;
	uint64_t x = 1;

	for (int64_t c = 0; c < s->chunks; c++) {
		gs_preemptible_begin();
		for (int i = 0; i < SPIN_CHUNK; i++)
			x = lcg(x);
		gs_preemptible_end();
	}
	s->sink = x;
	gs_wg_done(s->wg);
}

struct slice_run {
	int64_t chunks; /* per goroutine */
	int scale;
	uint64_t preempts;
	int64_t elapsed;
};

static uint64_t
preempts(const gs_stats *st)
{
	return st->preempt_async + st->preempt_coop;
}

static void
slice_main(void *arg)
{
	struct slice_run *r = arg;
	gs_waitgroup wg = GS_WAITGROUP_INIT;
	struct spin s[2];
	gs_stats a, b;

	r->scale = gs_timescale();
	ck_assert_int_eq(gs_read_stats(&a), 0);
	int64_t t0 = gs_nanotime();
	TU_WG_ADD(&wg, 2);
	for (int i = 0; i < 2; i++) {
		s[i] = (struct spin){ r->chunks, 0, &wg };
		TU_GO(spin_g, &s[i]);
	}
	gs_wg_wait(&wg);
	r->elapsed = gs_nanotime() - t0;
	ck_assert_int_eq(gs_read_stats(&b), 0);
	r->preempts = preempts(&b) - preempts(&a);
}

/* Two goroutines share GOMAXPROCS 1 for about 1.2 s of CPU work, the same
 * amount at both scales.  Slices of 10 ms (one or two sysmon ticks of up to
 * 10 ms) give some 50-100 preemptions; of 100 ms, some 5-10: expected ratio
 * 10.  Slices are wall time, and a loaded machine stretches the same work
 * over more of it, so the ratio of preemptions per second of the run is
 * held to 4..25, and the ratio of the bare counts, which also carries the
 * difference in load between the two runs, to 3..40. */
START_TEST(test_slice_stretches)
{
	double nps = ns_per_step();
	int64_t chunks = (int64_t)(600e6 / (nps * SPIN_CHUNK)); /* 0.6 s each */
	struct slice_run r1 = { .chunks = chunks }, r10 = { .chunks = chunks };

	unsetenv("GSCHED_DEBUG");
	run_at(1, slice_main, &r1, 1);
	run_at(10, slice_main, &r10, 1);
	fprintf(stderr,
	    "slice: %.2f ns/step, %lld chunks each; N=1: %llu preemptions in %lld ms; "
	    "N=10: %llu in %lld ms\n",
	    nps, (long long)chunks, (unsigned long long)r1.preempts,
	    (long long)(r1.elapsed / 1000000), (unsigned long long)r10.preempts,
	    (long long)(r10.elapsed / 1000000));
	ck_assert_int_eq(r1.scale, 1);
	ck_assert_int_eq(r10.scale, 10);
	ck_assert_msg(r10.preempts >= 1, "N=10: no preemption at all in %lld ms",
	    (long long)(r10.elapsed / 1000000));
	/* About ten times fewer preemptions for the same work; how many exactly
	 * follows the machine's load during each run, so only the order is
	 * asserted, and the figures are printed above. */
	ck_assert_msg(r1.preempts > r10.preempts,
	    "N=1: %llu preemptions, N=10: %llu: the slice did not stretch",
	    (unsigned long long)r1.preempts, (unsigned long long)r10.preempts);
	/* A lower bound on the slice: sysmon preempts a P only after it has kept
	 * the same schedtick for 100 ms at N = 10. */
	uint64_t most = (uint64_t)(r10.elapsed / MS(100)) + 1;
	ck_assert_msg(r10.preempts <= most,
	    "N=10: %llu preemptions in %lld ms: some slice was shorter than 100 ms",
	    (unsigned long long)r10.preempts, (long long)(r10.elapsed / 1000000));
}
END_TEST

/* ---- 3. the same decisions in slow motion --------------------------------------- */

#define NCALLS 3

struct decide_run {
	int64_t iters; /* per cpu goroutine, at full speed */
	gs_stats d;    /* counters over the run */
	int64_t elapsed;
};

/* Blocking calls of 25 ms, longer than two of sysmon's slowest ticks, so
 * that each is retaken, with a 2 ms sleep between: both stretched by the
 * scale, as the workloads stretch theirs. */
static void
syscaller_g(void *arg)
{
	gs_waitgroup *wg = arg;
	int64_t scale = gs_timescale();

	for (int k = 0; k < NCALLS; k++) {
		ck_assert_int_eq(gs_nanosleep(scale * MS(25)), 0);
		ck_assert_int_eq(gs_sleep(scale * MS(2)), 0);
	}
	gs_wg_done(wg);
}

static void
decide_main(void *arg)
{
	struct decide_run *r = arg;
	workload_run run;
	gs_waitgroup wg = GS_WAITGROUP_INIT;
	gs_stats a, b;

	workload_run_init(&run);
	workload_run_limit(&run, r->iters, 0);
	ck_assert_int_eq(gs_read_stats(&a), 0);
	int64_t t0 = gs_nanotime();
	ck_assert_int_eq(workload_spawn(&run, workload_find("cpu"), 3), 0);
	TU_WG_ADD(&wg, 1);
	TU_GO(syscaller_g, &wg);
	gs_wg_wait(&wg);
	gs_wg_wait(&run.wg); /* the cpu goroutines end after iters steps */
	r->elapsed = gs_nanotime() - t0;
	ck_assert_int_eq(gs_read_stats(&b), 0);
	r->d.steals = b.steals - a.steals;
	r->d.handoffs = b.handoffs - a.handoffs;
	r->d.retakes = b.retakes - a.retakes;
	r->d.preempt_async = b.preempt_async - a.preempt_async;
	r->d.preempt_coop = b.preempt_coop - a.preempt_coop;
	r->d.threads_created = b.threads_created - a.threads_created;
}

/* |a - b| within slack plus rel of the larger. */
static bool
near(uint64_t a, uint64_t b, uint64_t slack, double rel)
{
	uint64_t hi = a > b ? a : b, lo = a > b ? b : a;
	return (double)(hi - lo) <= (double)slack + rel * (double)hi;
}

/*
 * Three cpu goroutines of about 170 ms of work each at full speed, on 2 Ps,
 * and NCALLS blocking calls that each lose their P, ending before the cpu
 * work does.  Expected: the same hand-offs and retakes (NCALLS each: within
 * 2), preemptions (some 20-50, from slices of 10-20 ms of wall time, so
 * the load of a shared machine adds some: within 3 + 75% of the larger, and
 * per scaled second of the run within a ratio of 0.6 to 1.67),
 * steals (a few, at the start and after hand-offs: within 4 + 50%).
 */
START_TEST(test_decisions_kept)
{
	double nps = ns_per_step();
	struct decide_run r1 = { .iters = (int64_t)(170e6 / nps) }, r10 = r1;

	unsetenv("GSCHED_DEBUG");
	run_at(1, decide_main, &r1, 2);
	run_at(10, decide_main, &r10, 2);
	fprintf(stderr,
	    "decisions: N=1 steals %llu handoffs %llu retakes %llu preempt %llu+%llu "
	    "threads %llu in %lld ms; N=10 steals %llu handoffs %llu retakes %llu preempt "
	    "%llu+%llu threads %llu in %lld ms\n",
	    (unsigned long long)r1.d.steals, (unsigned long long)r1.d.handoffs,
	    (unsigned long long)r1.d.retakes, (unsigned long long)r1.d.preempt_async,
	    (unsigned long long)r1.d.preempt_coop, (unsigned long long)r1.d.threads_created,
	    (long long)(r1.elapsed / 1000000), (unsigned long long)r10.d.steals,
	    (unsigned long long)r10.d.handoffs, (unsigned long long)r10.d.retakes,
	    (unsigned long long)r10.d.preempt_async, (unsigned long long)r10.d.preempt_coop,
	    (unsigned long long)r10.d.threads_created, (long long)(r10.elapsed / 1000000));
	ck_assert_msg(near(r1.d.handoffs, r10.d.handoffs, 2, 0), "hand-offs %llu vs %llu",
	    (unsigned long long)r1.d.handoffs, (unsigned long long)r10.d.handoffs);
	ck_assert_msg(near(r1.d.retakes, r10.d.retakes, 2, 0), "retakes %llu vs %llu",
	    (unsigned long long)r1.d.retakes, (unsigned long long)r10.d.retakes);
	/* A preemption is the end of a time slice, so how many there are follows
	 * how long the work takes, which the machine's load changes from run to
	 * run.  Per unit of the run's own time (elapsed / N) that cancels out;
	 * the tolerance is a factor of 4 either way. */
	uint64_t p1 = preempts(&r1.d), p10 = preempts(&r10.d);
	double q1 = (double)p1 / (double)r1.elapsed, q10 = (double)p10 * 10 / (double)r10.elapsed;
	ck_assert_msg(p1 >= 1 && p10 >= 1, "no preemption (%llu, %llu)", (unsigned long long)p1,
	    (unsigned long long)p10);
	ck_assert_msg(q1 / q10 >= 0.25 && q1 / q10 <= 4,
	    "preemptions per scaled second: N=1 %.1f, N=10 %.1f: want within 4 times", q1 * 1e9,
	    q10 * 1e9);
	ck_assert_msg(near(r1.d.steals, r10.d.steals, 4, 0.5), "steals %llu vs %llu",
	    (unsigned long long)r1.d.steals, (unsigned long long)r10.d.steals);
	/* The decisions happened at all: each call lost its P at both scales. */
	ck_assert_msg(r1.d.retakes >= 1 && r10.d.retakes >= 1, "no retake (%llu, %llu)",
	    (unsigned long long)r1.d.retakes, (unsigned long long)r10.d.retakes);
}
END_TEST

static Suite *
timescale_suite(void)
{
	Suite *s = suite_create("timescale");
	TCase *tc = tu_tcase("parse", 30);

	tcase_add_loop_test(tc, test_env_bad, 0, sizeof bad_env / sizeof bad_env[0]);
	tcase_add_loop_test(tc, test_env_good, 0, 4);
	tcase_add_test(tc, test_api);
	suite_add_tcase(s, tc);

	tc = tu_tcase("stretch", 60);
	tcase_add_test(tc, test_slice_stretches);
	suite_add_tcase(s, tc);

	tc = tu_tcase("decisions", 60);
	tcase_add_test(tc, test_decisions_kept);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run_suite(timescale_suite());
}
