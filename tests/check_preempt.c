/*
 * check_preempt.c - preemption: a call-free loop inside gs_preemptible_begin/end
 * is switched out by sysmon's signal (asynchronous preemption) so it cannot
 * starve another goroutine on GOMAXPROCS=1, with every register intact;
 * outside such a region, or with GSCHED_DEBUG=asyncpreemptoff=1, it is not; a
 * loop calling gs_preempt_check yields cooperatively.
 *
 * Every spinning loop has a hard iteration cap, so a failure ends the loop (and
 * the test reports it) instead of hanging.
 */
#define _GNU_SOURCE
#include <stdlib.h>

#include "testutil.h"

#define MS(x) ((int64_t)(x)*1000000)

/*
 * Asynchronous preemption needs the x86-64 backend, and cannot work under
 * ThreadSanitizer: TSan's runtime does not run an asynchronous signal's handler
 * when the signal arrives but defers it to the thread's next intercepted call
 * or synchronization point, and a call-free loop never reaches one, so SIGURG's
 * handler would only run after the loop ended.  (ASan delivers signals at once
 * and is fine.)
 */
#if defined(__SANITIZE_THREAD__)
#define TU_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define TU_TSAN 1
#endif
#endif
#ifndef TU_TSAN
#define TU_TSAN 0
#endif
#if defined(__x86_64__) && !TU_TSAN
#define ASYNC_WORKS 1
#else
#define ASYNC_WORKS 0
#endif

/* Iterations that take several seconds here (about 1 ns each): if the loop is
 * not preempted, it ends by itself well within the test's timeout. */
#define SPIN_CAP (TU_SANITIZED ? 1500000000ULL : 4000000000ULL)
/* For the loops that are expected not to be preempted: about 0.3-1 s. */
#define SHORT_CAP (TU_SANITIZED ? 100000000ULL : 400000000ULL)

struct spin {
	_Atomic int flag; /* set by the other goroutine */
	_Atomic int started;
	uint64_t cap;
	uint64_t iters;
	bool saw_flag;           /* the spinner left its loop because of the flag */
	int64_t t_start, t_flag; /* gs_nanotime when the spinner started, flag set */
	gs_waitgroup wg;
};

/* The loop under test: no calls between begin and end. */
static void
spinner_async(void *arg)
{
	struct spin *s = arg;
	uint64_t i = 0, cap = s->cap;

	s->t_start = gs_nanotime();
	atomic_store_explicit(&s->started, 1, memory_order_relaxed);
	gs_preemptible_begin();
	while (!atomic_load_explicit(&s->flag, memory_order_relaxed) && i < cap)
		i++;
	gs_preemptible_end();
	s->iters = i;
	s->saw_flag = i < cap;
	TU_WG_DONE(&s->wg);
}

/* A call-free loop outside any preemptible region. */
static void
spinner_plain(void *arg)
{
	struct spin *s = arg;
	uint64_t i = 0, cap = s->cap;

	s->t_start = gs_nanotime();
	atomic_store_explicit(&s->started, 1, memory_order_relaxed);
	while (!atomic_load_explicit(&s->flag, memory_order_relaxed) && i < cap)
		i++;
	s->iters = i;
	s->saw_flag = i < cap;
	TU_WG_DONE(&s->wg);
}

/* A loop that offers a cooperative preemption point. */
static void
spinner_coop(void *arg)
{
	struct spin *s = arg;
	uint64_t i = 0, cap = s->cap / 8;

	s->t_start = gs_nanotime();
	atomic_store_explicit(&s->started, 1, memory_order_relaxed);
	while (!atomic_load_explicit(&s->flag, memory_order_relaxed) && i < cap) {
		i++;
		gs_preempt_check();
	}
	s->iters = i;
	s->saw_flag = i < cap;
	TU_WG_DONE(&s->wg);
}

static void
flag_setter(void *arg)
{
	struct spin *s = arg;
	uint64_t end = tu_now_ns() + TU_SEC(10);

	/* Whichever runs first, the flag goes up only once the spinner spins. */
	while (!atomic_load(&s->started) && tu_now_ns() < end)
		gs_yield();
	ck_assert(atomic_load(&s->started));
	s->t_flag = gs_nanotime();
	atomic_store(&s->flag, 1);
	TU_WG_DONE(&s->wg);
}

/*
 * On GOMAXPROCS=1: the spinner is spawned last (runnext) and usually runs
 * first; the flag setter waits for it to have started in any case, so it can
 * only set the flag if the spinner gives up the P.
 */
static void
run_pair(struct spin *s, void (*spinner)(void *), gs_stats *delta)
{
	gs_stats st0, st1;

	ck_assert_int_eq(gs_gomaxprocs(), 1);
	ck_assert_int_eq(gs_read_stats(&st0), 0);
	TU_WG_ADD(&s->wg, 2);
	TU_GO(flag_setter, s);
	TU_GO(spinner, s);
	gs_wg_wait(&s->wg);
	ck_assert_int_eq(gs_read_stats(&st1), 0);
	ck_assert(atomic_load(&s->started));
	delta->preempt_async = st1.preempt_async - st0.preempt_async;
	delta->preempt_coop = st1.preempt_coop - st0.preempt_coop;
	delta->preempt_requests = st1.preempt_requests - st0.preempt_requests;
}

/*
 * The same on the small stack classes: the spinner runs on a stack of
 * small_stacks[_i] bytes.  The signal's save of the registers and the
 * XSAVE area (2.4 KiB with AVX-512) must still find room.
 */
static const size_t small_stacks[] = { 2048, 4096, 8192 };

static void
main_async_small_stack(void *arg)
{
	static struct spin s;
	size_t size = *(const size_t *)arg;
	gs_stats st0, st1;
	gs_attr a = { .label = "spinner", .stack_size = size };

	if (!ASYNC_WORKS) {
		TU_SKIP("asynchronous preemption needs x86-64 and no TSan");
		return;
	}
	memset(&s, 0, sizeof s);
	s.cap = SPIN_CAP;
	ck_assert_int_eq(gs_read_stats(&st0), 0);
	TU_WG_ADD(&s.wg, 2);
	TU_GO(flag_setter, &s);
	ck_assert_int_gt(gs_go_attr(spinner_async, &s, &a), 0);
	gs_wg_wait(&s.wg);
	ck_assert_int_eq(gs_read_stats(&st1), 0);
	ck_assert_msg(s.saw_flag,
	    "a call-free preemptible loop on a %zu-byte stack starved the other goroutine "
	    "(%" PRIu64 " iterations, %" PRIu64 " asynchronous preemptions)",
	    size, s.iters, st1.preempt_async - st0.preempt_async);
	ck_assert_uint_gt(st1.preempt_async - st0.preempt_async, 0);
}

START_TEST(test_async_preempt_small_stack)
{
	tu_run(main_async_small_stack, (void *)&small_stacks[_i], 1);
}
END_TEST

GS_MAIN_TEST(test_async_preempt, 1)
{
	static struct spin s;
	gs_stats d;

	if (!ASYNC_WORKS) {
		TU_SKIP("asynchronous preemption needs x86-64 and no TSan");
		return;
	}
	s.cap = SPIN_CAP;
	run_pair(&s, spinner_async, &d);
	ck_assert_msg(s.saw_flag,
	    "a call-free preemptible loop starved the other goroutine "
	    "(%" PRIu64 " iterations, flag set %lld ms after the start)",
	    s.iters, (long long)((s.t_flag - s.t_start) / MS(1)));
	ck_assert_msg(d.preempt_async > 0, "preempt_async %" PRIu64 " (requests %" PRIu64 ")",
	    d.preempt_async, d.preempt_requests);
	ck_assert_uint_gt(d.preempt_requests, 0);
}

/* Outside a preemptible region the signal must not switch the goroutine out:
 * the loop runs to its cap, starving the other goroutine (no async preemption). */
GS_MAIN_TEST(test_no_async_outside_region, 1)
{
	static struct spin s;
	gs_stats d;

	s.cap = SHORT_CAP;
	run_pair(&s, spinner_plain, &d);
	ck_assert_msg(!s.saw_flag, "a loop outside gs_preemptible_begin/end was preempted");
	ck_assert_uint_eq(d.preempt_async, 0);
	ck_assert_uint_gt(d.preempt_requests, 0); /* sysmon did ask */
}

/* GSCHED_DEBUG=asyncpreemptoff=1: the preemptible loop is not preempted by a
 * signal, but a loop with gs_preempt_check still yields cooperatively. */
static void
main_asyncoff(void *arg)
{
	static struct spin s1, s2;
	gs_stats d;

	(void)arg;
	s1.cap = SHORT_CAP;
	run_pair(&s1, spinner_async, &d);
	ck_assert_msg(!s1.saw_flag,
	    "asyncpreemptoff=1 but the loop was preempted after %" PRIu64 " iterations", s1.iters);
	ck_assert_uint_eq(d.preempt_async, 0);
	ck_assert_uint_gt(d.preempt_requests, 0);

	s2.cap = SPIN_CAP;
	run_pair(&s2, spinner_coop, &d);
	ck_assert_msg(s2.saw_flag, "a loop calling gs_preempt_check starved the other goroutine");
	ck_assert_uint_gt(d.preempt_coop, 0);
	ck_assert_uint_eq(d.preempt_async, 0);
}

START_TEST(test_asyncpreemptoff)
{
	ck_assert_int_eq(setenv("GSCHED_DEBUG", "asyncpreemptoff=1", 1), 0);
	tu_run(main_asyncoff, NULL, 1);
	ck_assert_int_eq(unsetenv("GSCHED_DEBUG"), 0);
}
END_TEST

/* Cooperative preemption with the signal on as well. */
GS_MAIN_TEST(test_coop_preempt, 1)
{
	static struct spin s;
	gs_stats d;

	s.cap = SPIN_CAP;
	run_pair(&s, spinner_coop, &d);
	ck_assert_msg(s.saw_flag,
	    "a loop calling gs_preempt_check starved the other goroutine (flag set %lld ms "
	    "after the spin started)",
	    (long long)((s.t_flag - s.t_start) / MS(1)));
	ck_assert_uint_gt(d.preempt_coop, 0);
}

/* ---- registers survive asynchronous preemption -------------------------------------------- */

#define REG_ITERS (TU_SANITIZED ? 40000000ULL : 150000000ULL)
#define REG_G 3

struct regwork {
	uint64_t seed;
	uint64_t ires;
	double fres;
	gs_waitgroup *wg;
};

/* Many live integer and floating-point values through a long call-free loop. */
static void __attribute__((noinline))
regloop(uint64_t seed, uint64_t n, uint64_t *ires, double *fres)
{
	uint64_t a = seed, b = seed ^ 0x9e3779b97f4a7c15ULL, c = seed * 3 + 1, d = ~seed;
	uint64_t e = seed >> 3, f = seed << 7 | 1, g = 12345, h = 678910;
	double x = 1.0 + (double)(seed & 0xff), y = 0.5, z = 0.25, w = 2.0;

	for (uint64_t i = 0; i < n; i++) {
		a = a * 6364136223846793005ULL + 1442695040888963407ULL;
		b ^= a >> 17;
		c += b * 31;
		d = (d << 1 | d >> 63) ^ c;
		e += d & 0xffff;
		f ^= e * 7;
		g += f >> 11;
		h ^= g + i;
		x = x * 0.999999 + (double)(a & 0xff) * 1e-6;
		y = y * 0.5 + x * 0.25;
		z += y * 1e-9;
		w = w * 0.75 + z;
	}
	*ires = a ^ b ^ c ^ d ^ e ^ f ^ g ^ h;
	*fres = x + y * 3 + z * 5 + w * 7;
}

static void
reg_worker(void *arg)
{
	struct regwork *r = arg;

	gs_preemptible_begin();
	regloop(r->seed, REG_ITERS, &r->ires, &r->fres);
	gs_preemptible_end();
	TU_WG_DONE(r->wg);
}

/* On the default stack (the save goes on it) and on 4 and 2 KiB stacks (the
 * save goes to the G's own buffer, gs__asyncpreempt_off). */
static const size_t reg_stacks[] = { 0, 4096, 2048 };

static void
main_preserves_registers(void *arg)
{
	static struct regwork work[REG_G];
	gs_waitgroup wg = GS_WAITGROUP_INIT;
	gs_stats st0, st1;
	gs_attr a = { .label = "regs", .stack_size = *(const size_t *)arg };

	if (!ASYNC_WORKS) {
		TU_SKIP("asynchronous preemption needs x86-64 and no TSan");
		return;
	}
	ck_assert_int_eq(gs_read_stats(&st0), 0);
	TU_WG_ADD(&wg, REG_G);
	for (int i = 0; i < REG_G; i++) {
		work[i] = (struct regwork){ .seed = 1000 + (uint64_t)i * 77, .wg = &wg };
		ck_assert_int_gt(gs_go_attr(reg_worker, &work[i], &a), 0);
	}
	gs_wg_wait(&wg);
	ck_assert_int_eq(gs_read_stats(&st1), 0);
	ck_assert_msg(st1.preempt_async - st0.preempt_async >= 3,
	    "only %" PRIu64 " asynchronous preemptions while %d goroutines spun on one P",
	    st1.preempt_async - st0.preempt_async, REG_G);
	/* The same computation without a runtime around it. */
	for (int i = 0; i < REG_G; i++) {
		uint64_t ir;
		double fr;
		regloop(work[i].seed, REG_ITERS, &ir, &fr);
		ck_assert_msg(ir == work[i].ires,
		    "worker %d: integer result %" PRIx64 ", want %" PRIx64, i, work[i].ires, ir);
		ck_assert_msg(fr == work[i].fres, "worker %d: float result %.17g, want %.17g", i,
		    work[i].fres, fr);
	}
}

START_TEST(test_async_preserves_registers)
{
	tu_run(main_preserves_registers, (void *)&reg_stacks[_i], 1);
}
END_TEST

/* Several preemptible spinners on one P all make progress in turn: each, and
 * main, runs before any spinner has run to its cap (alone, one would run for
 * seconds and the others would wait for it). */
#define ROUND_G 4
static _Atomic uint64_t round_ctr[ROUND_G];
static _Atomic int round_stop;
static _Atomic int round_capped;

static void
round_spinner(void *arg)
{
	intptr_t me = (intptr_t)arg;
	uint64_t i = 0;

	gs_preemptible_begin();
	while (!atomic_load_explicit(&round_stop, memory_order_relaxed) && i < SPIN_CAP) {
		i++;
		if ((i & 0xffff) == 0)
			atomic_store_explicit(&round_ctr[me], i, memory_order_relaxed);
	}
	gs_preemptible_end();
	if (i == SPIN_CAP)
		atomic_fetch_add(&round_capped, 1);
}

static bool
round_all_ran(void)
{
	for (int i = 0; i < ROUND_G; i++)
		if (atomic_load(&round_ctr[i]) == 0)
			return false;
	return true;
}

GS_MAIN_TEST(test_async_round_robin, 1)
{
	if (!ASYNC_WORKS) {
		TU_SKIP("asynchronous preemption needs x86-64 and no TSan");
		return;
	}
	bool all;

	for (intptr_t i = 0; i < ROUND_G; i++)
		TU_GO(round_spinner, (void *)i);
	/* main is in the global queue after this; it must get back too, and it
	 * looks only while no spinner has reached its cap. */
	gs_yield();
	while (!(all = round_all_ran()) && atomic_load(&round_capped) == 0)
		gs_yield();
	int capped = atomic_load(&round_capped);
	atomic_store(&round_stop, 1);
	ck_assert_msg(all,
	    "%d spinner(s) ran to the cap of %llu iterations before every spinner and "
	    "main had run",
	    capped, (unsigned long long)SPIN_CAP);
	ck_assert_int_eq(tu_wait_numgoroutine(1, TU_SEC(10)), 1);
}

/*
 * Regression: with every P busy with goroutines that use up their 10 ms
 * slices, a goroutine readied into a P's local queue (here by its timer) must
 * still run.  Preempted goroutines go to the global queue; a scheduler that
 * looked there first after every expired slice never reached the local queue.
 * The hogs yield cooperatively (no async needed) and stop once the sleeper has
 * woken ROUNDS times, or by themselves after STARVE_CHUNKS chunks of work each
 * (then the test fails).  The sleeper needs 200 ms of wall time; the chunks
 * take seconds of CPU time, and a loaded machine slows the hogs, not the
 * sleeper's clock.
 */
#define STARVE_HOGS 4
#define STARVE_ROUNDS 10
#define STARVE_CHUNKS 10000

struct starve {
	_Atomic int done;
	_Atomic int woken;
	_Atomic int hog_gave_up;
	gs_waitgroup wg;
};

static void
starve_hog(void *arg)
{
	struct starve *st = arg;
	volatile uint64_t x = 0;

	for (int chunk = 0; !atomic_load(&st->done) && chunk < STARVE_CHUNKS; chunk++) {
		for (int i = 0; i < 200000; i++)
			x += (uint64_t)i;
		gs_preempt_check();
	}
	if (!atomic_load(&st->done))
		atomic_store(&st->hog_gave_up, 1 + atomic_load(&st->woken));
	TU_WG_DONE(&st->wg);
}

static void
starve_sleeper(void *arg)
{
	struct starve *st = arg;

	for (int i = 0; i < STARVE_ROUNDS; i++) {
		gs_sleep(MS(20));
		atomic_fetch_add(&st->woken, 1);
	}
	atomic_store(&st->done, 1);
	TU_WG_DONE(&st->wg);
}

static void
starve_main(void *arg)
{
	struct starve *st = arg;

	gs_wg_add(&st->wg, STARVE_HOGS + 1);
	for (int i = 0; i < STARVE_HOGS; i++)
		ck_assert_int_gt(gs_go(starve_hog, st), 0);
	ck_assert_int_gt(gs_go(starve_sleeper, st), 0);
	gs_wg_wait(&st->wg);
	ck_assert_msg(!atomic_load(&st->hog_gave_up),
	    "the sleeper woke only %d of %d times while CPU hogs ran %d chunks each: its "
	    "P's local queue starved",
	    atomic_load(&st->hog_gave_up) - 1, STARVE_ROUNDS, STARVE_CHUNKS);
	ck_assert_int_eq(atomic_load(&st->woken), STARVE_ROUNDS);
}

START_TEST(test_local_queue_not_starved)
{
	static struct starve st;
	gs_config cfg = { .procs = 2 };

	st.wg = (gs_waitgroup)GS_WAITGROUP_INIT;
	tu_run_cfg(starve_main, &st, &cfg);
}
END_TEST

static Suite *
preempt_suite(void)
{
	Suite *s = suite_create("preempt");
	TCase *tc;

	tc = tu_tcase("async", 60);
	tcase_add_test(tc, test_async_preempt);
	tcase_add_loop_test(tc, test_async_preempt_small_stack, 0, 3);
	tcase_add_loop_test(tc, test_async_preserves_registers, 0, 3);
	tcase_add_test(tc, test_async_round_robin);
	tcase_add_test(tc, test_no_async_outside_region);
	suite_add_tcase(s, tc);

	tc = tu_tcase("coop", 60);
	tcase_add_test(tc, test_coop_preempt);
	tcase_add_test(tc, test_local_queue_not_starved);
	tcase_add_test(tc, test_asyncpreemptoff);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run_suite(preempt_suite());
}
