/*
 * check_timer.c - the runtime's timers: gs_sleep (accuracy, ten thousand
 * sleepers, no thread per sleeper), channel timers and tickers (gs_timer_new,
 * gs_timer_stop, gs_timer_reset, gs_ticker_new, in gs_select), timers that
 * live through GOMAXPROCS changes, max_timer_late_ns with gs_reset_peaks, and
 * gs_after_func.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <unistd.h>

#include "testutil.h"

/*
 * A loaded machine can hold any goroutine up for any time, so these tests
 * bound times from below only (a timer never fires before its deadline) and
 * check order and counts otherwise.  How late timers fire is a performance
 * figure: make bench measures it (the sleep rows).
 */
#define MS(x) ((int64_t)(x)*1000000)

/* ---- gs_sleep ------------------------------------------------------------------------- */

START_TEST(test_sleep_outside)
{
	ck_assert_int_eq(gs_sleep(MS(1)), GS_ENOTRUN);
	ck_assert_int_eq(gs_sleep(0), GS_ENOTRUN);
	ck_assert_ptr_null(gs_timer_new(MS(1)));
	ck_assert_ptr_null(gs_ticker_new(MS(1), MS(1)));
	ck_assert(!gs_timer_stop(NULL));
	ck_assert_ptr_null(gs_timer_chan(NULL));
	gs_timer_free(NULL);
	ck_assert(gs_nanotime() > 0);
}
END_TEST

GS_MAIN_TEST(test_sleep_accuracy, 2)
{
	gs_stats st0, st;

	ck_assert_int_eq(gs_read_stats(&st0), 0);
	for (int i = 0; i < 5; i++) {
		int64_t t0 = gs_nanotime();
		ck_assert_int_eq(gs_sleep(MS(20)), 0);
		int64_t el = gs_nanotime() - t0;
		ck_assert_msg(el >= MS(20), "gs_sleep(20 ms) returned after %lld ns",
		    (long long)el);
	}
	/* Each sleep is one timer that fired once. */
	ck_assert_int_eq(gs_read_stats(&st), 0);
	ck_assert_uint_eq(st.timers_fired - st0.timers_fired, 5);
	/* ns <= 0 only yields: no timer is armed, so none fires. */
	ck_assert_int_eq(gs_sleep(0), 0);
	ck_assert_int_eq(gs_sleep(-MS(1000)), 0);
	ck_assert_int_eq(gs_read_stats(&st0), 0);
	ck_assert_msg(st0.timers_fired == st.timers_fired,
	    "gs_sleep(0) and gs_sleep(-1 s) fired %" PRIu64 " timers",
	    st0.timers_fired - st.timers_fired);
}

/* Several sleepers of different lengths on procs=1 wake in order of their
 * deadlines, each no earlier than asked.  The deadlines are absolute (from one
 * base time), so a start delayed by a loaded machine does not reorder them.
 * Timers that come due together (the thread was descheduled past both) fire
 * in one batch, and the one readied last runs first (runnext, as in Go): that
 * is the only reordering allowed. */
#define ORDER_N 8
static int order_log[ORDER_N];
static int64_t order_wake[ORDER_N], order_base;
static _Atomic int order_pos;

static int64_t
order_deadline(int i)
{
	return order_base + MS(15) * (ORDER_N - i);
}

static void
order_sleeper(void *arg)
{
	intptr_t i = (intptr_t)arg;

	gs_sleep(order_deadline((int)i) - gs_nanotime());
	order_wake[i] = gs_nanotime();
	ck_assert_int_ge(order_wake[i], order_deadline((int)i));
	order_log[atomic_fetch_add(&order_pos, 1)] = (int)i;
}

GS_MAIN_TEST(test_sleep_order, 1)
{
	order_base = gs_nanotime();
	for (intptr_t i = 0; i < ORDER_N; i++)
		TU_GO(order_sleeper, (void *)i);
	while (atomic_load(&order_pos) < ORDER_N)
		gs_sleep(MS(5));
	for (int k = 1; k < ORDER_N; k++) {
		int a = order_log[k], b = order_log[k - 1]; /* b woke before a */
		if (order_deadline(b) <= order_deadline(a))
			continue;
		/* b went first though due later: only if a was already due when b
		 * woke, so that both came due together. */
		ck_assert_msg(order_wake[b] >= order_deadline(a),
		    "sleeper %d (due at +%lld ms) woke at +%lld ms, before sleeper %d "
		    "(due at +%lld ms) was due",
		    b, (long long)((order_deadline(b) - order_base) / MS(1)),
		    (long long)((order_wake[b] - order_base) / MS(1)), a,
		    (long long)((order_deadline(a) - order_base) / MS(1)));
	}
}

/* ---- ten thousand sleepers -------------------------------------------------------------- */

#define MANY_SLEEPERS 10000

struct sleeper_slot {
	_Atomic int woke;
	int64_t asked, slept;
};

static struct sleeper_slot sleepers[MANY_SLEEPERS];
static gs_waitgroup sleepers_wg;

static int64_t
sleeper_ns(int i)
{
	/* A fixed pseudo-random 1..50 ms per index. */
	uint32_t h = (uint32_t)i * 2654435761u;
	h ^= h >> 15;
	return MS(1 + (int)(h % 50));
}

static void
sleeper(void *arg)
{
	intptr_t i = (intptr_t)arg;
	int64_t t0 = gs_nanotime();

	sleepers[i].asked = sleeper_ns((int)i);
	ck_assert_int_eq(gs_sleep(sleepers[i].asked), 0);
	sleepers[i].slept = gs_nanotime() - t0;
	atomic_fetch_add(&sleepers[i].woke, 1);
	TU_WG_DONE(&sleepers_wg);
}

GS_MAIN_TEST(test_many_sleepers, 2)
{
	int n = TU_SANITIZED ? 2000 : MANY_SLEEPERS;
	gs_stats st0, st;
	int maxthreads = 0;

	ck_assert_int_eq(gs_read_stats(&st0), 0);
	TU_WG_ADD(&sleepers_wg, n);
	for (intptr_t i = 0; i < n; i++)
		TU_GO_STACK(sleeper, (void *)i, 16384);
	/* Sample the thread count while they sleep (bounded by the test timeout). */
	int main_sleeps = 0;
	for (;;) {
		ck_assert_int_eq(gs_read_stats(&st), 0);
		if (st.threads > maxthreads)
			maxthreads = st.threads;
		bool all = true;
		for (int i = 0; i < n && all; i++)
			all = atomic_load(&sleepers[i].woke) != 0;
		if (all)
			break;
		gs_sleep(MS(2));
		main_sleeps++;
	}
	gs_wg_wait(&sleepers_wg);
	ck_assert_int_eq(tu_wait_numgoroutine(1, TU_SEC(10)), 1);
	for (int i = 0; i < n; i++) {
		ck_assert_msg(atomic_load(&sleepers[i].woke) == 1, "sleeper %d woke %d times", i,
		    atomic_load(&sleepers[i].woke));
		ck_assert_msg(sleepers[i].slept >= sleepers[i].asked,
		    "sleeper %d asked %lld ns, woke after %lld", i, (long long)sleepers[i].asked,
		    (long long)sleepers[i].slept);
	}
	ck_assert_msg(maxthreads <= 2 + 3, "%d threads while sleeping on 2 Ps", maxthreads);
	ck_assert_int_eq(gs_read_stats(&st), 0);
	/* Every sleep is one timer firing, once. */
	ck_assert_msg(st.timers_fired - st0.timers_fired == (uint64_t)(n + main_sleeps),
	    "timers_fired grew by %" PRIu64 ", want %d sleepers + %d main sleeps",
	    st.timers_fired - st0.timers_fired, n, main_sleeps);
}

/* A thousand goroutines asleep for a second at once hold no thread each. */
static gs_waitgroup nothread_wg;

static void
long_sleeper(void *arg)
{
	(void)arg;
	/* Long enough that a main goroutine held up by a loaded machine still
	 * finds them all asleep (under TSan, spawning 300 can take a second). */
	gs_sleep(TU_TSAN ? MS(5000) : MS(1000));
	TU_WG_DONE(&nothread_wg);
}

GS_MAIN_TEST(test_sleep_no_threads, 2)
{
	gs_stats st0, st;
	int n = TU_SANITIZED ? 300 : 1000;

	ck_assert_int_eq(gs_read_stats(&st0), 0);
	TU_WG_ADD(&nothread_wg, n);
	for (int i = 0; i < n; i++)
		TU_GO_STACK(long_sleeper, NULL, 16384);
	ck_assert_int_eq(tu_wait_waiting(GS_WAIT_SLEEP, n, TU_SEC(TU_TSAN ? 10 : 5)), n);
	for (int k = 0; k < 10; k++) {
		ck_assert_int_eq(gs_read_stats(&st), 0);
		ck_assert_int_ge(st.by_waitreason[GS_WAIT_SLEEP], 1);
		ck_assert_msg(st.threads <= st.gomaxprocs + 3, "%d threads, %d Ps, %d asleep",
		    st.threads, st.gomaxprocs, st.by_waitreason[GS_WAIT_SLEEP]);
		gs_sleep(MS(5));
	}
	gs_wg_wait(&nothread_wg);
	ck_assert_int_eq(gs_read_stats(&st), 0);
	/* The claim is a few threads for n sleepers, not one each: a burst of
	 * wake-ups on a loaded machine can start an M or two more while idle
	 * ones are still on their way to the idle list (as in Go). */
	ck_assert_msg(st.threads_created - st0.threads_created <= 8,
	    "%" PRIu64 " threads created for sleepers", st.threads_created - st0.threads_created);
}

/* ---- channel timers --------------------------------------------------------------------- */

GS_MAIN_TEST(test_timer_select, 2)
{
	gs_chan *other = gs_chan_make(sizeof(int), 0);
	int64_t t0 = gs_nanotime(), fired = 0;
	int dummy = 0;
	gs_timer *tm = gs_timer_new(MS(30));

	ck_assert_ptr_nonnull(other);
	ck_assert_ptr_nonnull(tm);
	ck_assert_ptr_nonnull(gs_timer_chan(tm));
	ck_assert_uint_eq(gs_chan_cap(gs_timer_chan(tm)), 1);
	gs_select_case cs[2] = {
		{ .chan = other, .dir = GS_SELECT_RECV, .elem = &dummy },
		{ .chan = gs_timer_chan(tm), .dir = GS_SELECT_RECV, .elem = &fired },
	};
	/* Nothing is ready yet (unless this goroutine was held up for 30 ms). */
	int idx = gs_select(cs, 2, true, NULL);
	if (idx != -1)
		ck_assert_msg(idx == 1 && gs_nanotime() - t0 >= MS(30),
		    "select with default returned %d after %lld us", idx,
		    (long long)((gs_nanotime() - t0) / 1000));
	else
		idx = gs_select(cs, 2, false, NULL);
	int64_t el = gs_nanotime() - t0;
	ck_assert_int_eq(idx, 1);
	ck_assert(cs[1].ok);
	ck_assert_msg(el >= MS(30), "timer fired after %lld ms", (long long)(el / MS(1)));
	/* The value is the nanotime it fired at. */
	ck_assert_msg(fired >= t0 + MS(30) && fired <= gs_nanotime(),
	    "fire time %lld, started %lld", (long long)fired, (long long)t0);
	/* Once only. */
	gs_sleep(MS(60));
	ck_assert_int_eq(gs_chan_tryrecv(gs_timer_chan(tm), NULL), 0);
	ck_assert_uint_eq(gs_chan_len(gs_timer_chan(tm)), 0);
	ck_assert(!gs_timer_stop(tm)); /* already fired */
	gs_timer_free(tm);
	gs_chan_free(other);
}

static void
send_one(void *arg)
{
	int v = 7;

	ck_assert_int_eq(gs_chan_send(arg, &v), 0);
}

/* The other case wins when it is ready first; the timer still fires later. */
GS_MAIN_TEST(test_timer_select_other, 2)
{
	gs_chan *other = gs_chan_make(sizeof(int), 0);
	int64_t fired = 0;
	int v = 0;
	int64_t t0 = gs_nanotime();
	gs_timer *tm = gs_timer_new(MS(100));

	ck_assert_ptr_nonnull(tm);
	TU_GO(send_one, other);
	gs_select_case cs[2] = {
		{ .chan = gs_timer_chan(tm), .dir = GS_SELECT_RECV, .elem = &fired },
		{ .chan = other, .dir = GS_SELECT_RECV, .elem = &v },
	};
	int idx = gs_select(cs, 2, false, NULL);
	if (idx == 0) {
		/* Only if both were ready: this goroutine was held up 100 ms. */
		ck_assert_int_ge(gs_nanotime() - t0, MS(100));
		ck_assert_int_ge(fired, t0 + MS(100));
		ck_assert_int_eq(gs_chan_recv(other, &v), 1);
		ck_assert_int_eq(v, 7);
	} else {
		ck_assert_int_eq(idx, 1);
		ck_assert_int_eq(v, 7);
		ck_assert_int_eq(gs_chan_recv(gs_timer_chan(tm), &fired), 1);
		ck_assert_int_ge(fired, t0 + MS(100));
	}
	gs_timer_free(tm);
	gs_chan_free(other);
}

GS_MAIN_TEST(test_timer_stop, 2)
{
	gs_timer *tm = gs_timer_new(MS(50));
	gs_stats st0, st;

	ck_assert_ptr_nonnull(tm);
	ck_assert_int_eq(gs_read_stats(&st0), 0);
	ck_assert(gs_timer_stop(tm));  /* pending */
	ck_assert(!gs_timer_stop(tm)); /* no longer */
	gs_sleep(MS(120));
	ck_assert_int_eq(gs_chan_tryrecv(gs_timer_chan(tm), NULL), 0);
	ck_assert_int_eq(gs_read_stats(&st), 0);
	/* Only main's own sleep fired. */
	ck_assert_uint_eq(st.timers_fired - st0.timers_fired, 1);
	gs_timer_free(tm);

	/* Freeing a pending timer stops it too (nothing to observe but no crash later). */
	tm = gs_timer_new(MS(10));
	ck_assert_ptr_nonnull(tm);
	gs_timer_free(tm);
	gs_sleep(MS(30));
}

GS_MAIN_TEST(test_ticker, 2)
{
	enum { TICKS = 10 };
	int64_t period = MS(10), ticks[TICKS];
	int64_t t0 = gs_nanotime();
	gs_timer *tk = gs_ticker_new(period, period);

	ck_assert_ptr_nonnull(tk);
	for (int i = 0; i < TICKS; i++) {
		ck_assert_int_eq(gs_chan_recv(gs_timer_chan(tk), &ticks[i]), 1);
		ck_assert_msg(ticks[i] >= t0 + (i + 1) * period,
		    "tick %d at +%lld ms, want >= %d ms", i, (long long)((ticks[i] - t0) / MS(1)),
		    (i + 1) * 10);
		if (i > 0)
			ck_assert_int_gt(ticks[i], ticks[i - 1]);
	}
	ck_assert(gs_timer_stop(tk)); /* a ticker stays pending */
	gs_sleep(3 * period);
	/* At most one tick got buffered before the stop; then nothing more. */
	(void)gs_chan_tryrecv(gs_timer_chan(tk), NULL);
	gs_sleep(3 * period);
	ck_assert_int_eq(gs_chan_tryrecv(gs_timer_chan(tk), NULL), 0);
	gs_timer_free(tk);

	/* A slow reader: the channel holds one tick, later ones are dropped, none queue up. */
	tk = gs_ticker_new(MS(1), MS(1));
	ck_assert_ptr_nonnull(tk);
	gs_sleep(MS(30));
	ck_assert_uint_eq(gs_chan_len(gs_timer_chan(tk)), 1);
	ck_assert_int_eq(gs_chan_tryrecv(gs_timer_chan(tk), NULL), 1);
	gs_timer_free(tk);
}

GS_MAIN_TEST(test_timer_reset, 2)
{
	gs_timer *tm = gs_timer_new(TU_SEC(1));
	int64_t t0, el, v;

	ck_assert_ptr_nonnull(tm);
	ck_assert_int_eq(gs_timer_reset(NULL, 1), GS_EINVAL);
	/* Pending: earlier. */
	t0 = gs_nanotime();
	ck_assert_int_eq(gs_timer_reset(tm, MS(20)), 1);
	ck_assert_int_eq(gs_chan_recv(gs_timer_chan(tm), &v), 1);
	el = gs_nanotime() - t0;
	ck_assert_msg(el >= MS(20) && v >= t0 + MS(20), "reset timer fired after %lld ms",
	    (long long)(el / MS(1)));
	/* Fired: re-armed, fires again. */
	t0 = gs_nanotime();
	ck_assert_int_eq(gs_timer_reset(tm, MS(20)), 0);
	ck_assert_int_eq(gs_chan_recv(gs_timer_chan(tm), &v), 1);
	ck_assert_int_ge(v, t0 + MS(20));
	/* Stopped: re-armed. */
	ck_assert_int_eq(gs_timer_reset(tm, TU_SEC(10)), 0);
	ck_assert(gs_timer_stop(tm));
	ck_assert_int_eq(gs_timer_reset(tm, MS(10)), 0);
	ck_assert_int_eq(gs_chan_recv(gs_timer_chan(tm), &v), 1);
	/* Pending: later.  It must not fire at the old time. */
	t0 = gs_nanotime();
	ck_assert_int_eq(gs_timer_reset(tm, MS(10)), 0);
	ck_assert_int_eq(gs_timer_reset(tm, MS(150)), 1);
	gs_sleep(MS(40));
	if (gs_nanotime() - t0 < MS(150))
		ck_assert_int_eq(gs_chan_tryrecv(gs_timer_chan(tm), NULL), 0);
	ck_assert_int_eq(gs_chan_recv(gs_timer_chan(tm), &v), 1);
	ck_assert_int_ge(v, t0 + MS(150));
	gs_timer_free(tm);
}

/* ---- timers across GOMAXPROCS changes ------------------------------------------------------ */

#define RESIZE_SLEEPERS 400
#define RESIZE_TIMERS 40

static _Atomic int resize_woke[RESIZE_SLEEPERS];
static _Atomic int resize_early;
static _Atomic int timer_got[RESIZE_TIMERS];
static gs_waitgroup resize_wg;

static void
resize_sleeper(void *arg)
{
	intptr_t i = (intptr_t)arg;
	int64_t want = MS(40 + (i % 20) * 10), t0 = gs_nanotime();

	gs_sleep(want);
	if (gs_nanotime() - t0 < want)
		atomic_fetch_add(&resize_early, 1);
	atomic_fetch_add(&resize_woke[i], 1);
	TU_WG_DONE(&resize_wg);
}

/* A channel timer made on whichever P this goroutine runs on. */
static void
resize_timer_waiter(void *arg)
{
	intptr_t i = (intptr_t)arg;
	int64_t t0 = gs_nanotime(), v = 0;
	gs_timer *tm = gs_timer_new(MS(50 + (i % 10) * 15));

	ck_assert_ptr_nonnull(tm);
	ck_assert_int_eq(gs_chan_recv(gs_timer_chan(tm), &v), 1);
	if (v < t0 + MS(50 + (i % 10) * 15))
		atomic_fetch_add(&resize_early, 1);
	gs_timer_free(tm);
	atomic_fetch_add(&timer_got[i], 1);
	TU_WG_DONE(&resize_wg);
}

GS_MAIN_TEST(test_timers_survive_procresize, 8)
{
	TU_WG_ADD(&resize_wg, RESIZE_SLEEPERS + RESIZE_TIMERS);
	for (intptr_t i = 0; i < RESIZE_SLEEPERS; i++) {
		TU_GO_STACK(resize_sleeper, (void *)i, 16384);
		if (i % 50 == 0)
			gs_yield(); /* spread them over the Ps */
	}
	for (intptr_t i = 0; i < RESIZE_TIMERS; i++) {
		TU_GO(resize_timer_waiter, (void *)i);
		gs_yield();
	}
	/* While they sleep (the shortest asks 40 ms). */
	ck_assert_int_eq(gs_set_gomaxprocs(1), 8);
	ck_assert_int_eq(gs_gomaxprocs(), 1);
	gs_sleep(MS(15));
	ck_assert_int_eq(gs_set_gomaxprocs(4), 1);
	ck_assert_int_eq(gs_gomaxprocs(), 4);
	gs_wg_wait(&resize_wg);
	for (int i = 0; i < RESIZE_SLEEPERS; i++)
		ck_assert_msg(atomic_load(&resize_woke[i]) == 1, "sleeper %d woke %d times", i,
		    atomic_load(&resize_woke[i]));
	for (int i = 0; i < RESIZE_TIMERS; i++)
		ck_assert_int_eq(atomic_load(&timer_got[i]), 1);
	ck_assert_int_eq(atomic_load(&resize_early), 0);
	ck_assert_int_eq(tu_wait_numgoroutine(1, TU_SEC(10)), 1);
}

/* ---- how late: max_timer_late_ns -------------------------------------------------------- */

#define HOG_NS MS(60)

static gs_waitgroup late_wg;
static _Atomic bool late_armed;

static void
late_sleeper(void *arg)
{
	(void)arg;
	atomic_store(&late_armed, true);
	ck_assert_int_eq(gs_sleep(MS(1)), 0);
	TU_WG_DONE(&late_wg);
}

/* With the signal off and one P, main spinning without a gsched call holds
 * the P: nobody else can run the sleeper's timer, due 1 ms after it parked,
 * before main began to spin, so it fires at least HOG_NS - 1 ms late.  Main
 * runs again only once the sleeper has parked on its timer: nothing preempts
 * the sleeper between arming and gs_sleep (tu_run_long_slice). */
static void
late_main(void *arg)
{
	gs_stats st;

	(void)arg;
	/* The kernel may stop this thread for over 1 ms between the sleeper's
	 * park and main's turn (a loaded machine): the P then runs the timer
	 * before the hog begins.  Main sees that the sleeper no longer sleeps
	 * (the P is its own from here to the spin, so no timer runs in between)
	 * and tries again. */
	for (int tries = 0;; tries++) {
		ck_assert_msg(tries < 50, "the timer fired before the hog began 50 times");
		atomic_store(&late_armed, false);
		TU_WG_ADD(&late_wg, 1);
		TU_GO(late_sleeper, NULL);
		while (!atomic_load(&late_armed))
			gs_yield();
		ck_assert_int_eq(gs_read_stats(&st), 0);
		if (st.by_waitreason[GS_WAIT_SLEEP] == 1)
			break;
		gs_wg_wait(&late_wg);
		ck_assert_int_gt(gs_reset_peaks(), 0);
	}
	tu_spin_ns(HOG_NS);
	gs_wg_wait(&late_wg);
	ck_assert_int_eq(gs_read_stats(&st), 0);
	ck_assert_msg(st.max_timer_late_ns >= (uint64_t)(HOG_NS - MS(1)),
	    "the timer was %" PRIu64 " ns late behind a %" PRId64 " ns hog", st.max_timer_late_ns,
	    HOG_NS);

	/* The reset restarts it (and the steal peak) at once, for every reader;
	 * no timer is pending to fire meanwhile. */
	uint64_t epoch = st.peak_epoch;
	int64_t e = gs_reset_peaks();
	ck_assert_int_gt(e, 0);
	ck_assert_int_ne(e, (int64_t)epoch);
	ck_assert_int_eq(gs_read_stats(&st), 0);
	ck_assert_uint_eq(st.peak_epoch, (uint64_t)e);
	ck_assert_uint_eq(st.max_timer_late_ns, 0);
	ck_assert_uint_eq(st.max_steal, 0);
}

START_TEST(test_timer_late_peak)
{
	setenv("GSCHED_DEBUG", "asyncpreemptoff=1", 1);
	tu_run_long_slice(late_main, NULL, 1);
	unsetenv("GSCHED_DEBUG");
	ck_assert_int_eq(gs_reset_peaks(), GS_ENOTRUN); /* the runtime is down */
}
END_TEST

/* ---- gs_after_func (Go's AfterFunc) ------------------------------------------------- */

struct af {
	_Atomic int runs;
	_Atomic int64_t goid; /* the goroutine fn ran in */
	_Atomic int64_t at;   /* when it ran */
	_Atomic int in_goroutine;
	gs_chan *done;
};

static void
af_fn(void *arg)
{
	struct af *a = arg;
	int one = 1;

	atomic_store(&a->goid, gs_self());
	atomic_store(&a->at, gs_nanotime());
	atomic_store(&a->in_goroutine, gs_in_goroutine());
	atomic_fetch_add(&a->runs, 1);
	ck_assert_int_eq(gs_chan_send(a->done, &one), 0);
}

/* It fires once, not before its time, in a goroutine of its own; a reset
 * after it fired arms it again. */
GS_MAIN_TEST(test_after_func_once, 2)
{
	static struct af a;

	a.done = gs_chan_make(sizeof(int), 4);
	ck_assert_ptr_null(gs_after_func(MS(1), NULL, &a));
	int64_t t0 = gs_nanotime();
	gs_timer *tm = gs_after_func(MS(20), af_fn, &a);
	ck_assert_ptr_nonnull(tm);
	ck_assert_ptr_null(gs_timer_chan(tm));
	ck_assert_int_eq(gs_chan_recv(a.done, NULL), 1);
	ck_assert_int_ge(atomic_load(&a.at) - t0, MS(20));
	ck_assert_int_gt(atomic_load(&a.goid), 0);
	ck_assert_int_ne(atomic_load(&a.goid), gs_self());
	ck_assert(atomic_load(&a.in_goroutine));
	/* a one-shot timer: nothing more comes */
	gs_sleep(MS(50));
	ck_assert_int_eq(atomic_load(&a.runs), 1);
	ck_assert(!gs_timer_stop(tm)); /* it had fired */
	ck_assert_int_eq(gs_timer_reset(tm, MS(1)), 0);
	ck_assert_int_eq(gs_chan_recv(a.done, NULL), 1);
	ck_assert_int_eq(atomic_load(&a.runs), 2);
	gs_timer_free(tm);
	gs_chan_free(a.done);
}

START_TEST(test_after_func_outside)
{
	static struct af a;

	ck_assert_ptr_null(gs_after_func(MS(1), af_fn, &a));
}
END_TEST

/* gs_timer_stop's answer is the truth: true, and fn never runs; false, and
 * it runs exactly once.  Half are stopped at once, long before their time. */
#define AF_N 20

static _Atomic int af_runs[AF_N];
static gs_waitgroup af_wg;

static void
af_count(void *arg)
{
	atomic_fetch_add(&af_runs[(intptr_t)arg], 1);
	TU_WG_DONE(&af_wg);
}

GS_MAIN_TEST(test_after_func_stop, 2)
{
	gs_timer *tm[AF_N];
	bool stopped[AF_N];
	int64_t last = 0;

	for (int i = 0; i < AF_N; i++) {
		atomic_store(&af_runs[i], 0);
		TU_WG_ADD(&af_wg, 1);
		int64_t d = MS(100) + MS(i);
		tm[i] = gs_after_func(d, af_count, (void *)(intptr_t)i);
		ck_assert_ptr_nonnull(tm[i]);
		last = gs_nanotime() + d;
	}
	for (int i = 0; i < AF_N; i++) {
		stopped[i] = i % 2 == 0 && gs_timer_stop(tm[i]);
		if (stopped[i])
			TU_WG_DONE(&af_wg); /* it will not run */
	}
	gs_wg_wait(&af_wg); /* every unstopped one ran */
	/* past the last deadline, the stopped ones still have not run */
	while (gs_nanotime() < last + MS(50))
		gs_sleep(MS(10));
	int nstopped = 0;
	for (int i = 0; i < AF_N; i++) {
		int want = stopped[i] ? 0 : 1;
		if (atomic_load(&af_runs[i]) != want)
			ck_abort_msg("timer %d: stopped %d, ran %d times", i, stopped[i],
			    atomic_load(&af_runs[i]));
		if (gs_timer_stop(tm[i]))
			ck_abort_msg("timer %d stopped a second time", i);
		nstopped += stopped[i];
		gs_timer_free(tm[i]);
	}
	/* 100 ms is long on any machine: the stops came in time */
	ck_assert_int_gt(nstopped, 0);
}

/* Go's TestAfterFunc: a function that arms the next AfterFunc from its own
 * goroutine, ten times; and each may block (park) without holding up the
 * timer that wakes it. */
struct chain {
	_Atomic int left;
	gs_timer *tm[16];
	_Atomic int ntm;
	gs_chan *ping, *done;
};

static void
chain_pinger(void *arg)
{
	struct chain *c = arg;
	int one = 1;

	ck_assert_int_eq(gs_chan_send(c->ping, &one), 0);
}

static void
chain_step(void *arg)
{
	struct chain *c = arg;
	int one = 1;

	if (atomic_fetch_sub(&c->left, 1) - 1 < 0) {
		ck_assert_int_eq(gs_chan_send(c->done, &one), 0);
		return;
	}
	gs_timer *t = gs_after_func(0, chain_step, c);
	ck_assert_ptr_nonnull(t);
	c->tm[atomic_fetch_add(&c->ntm, 1)] = t;
	/* park until another AfterFunc's goroutine pings */
	gs_timer *p = gs_after_func(MS(1), chain_pinger, c);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(gs_chan_recv(c->ping, NULL), 1);
	gs_timer_free(p);
}

GS_MAIN_TEST(test_after_func_chain, 1)
{
	static struct chain c;

	atomic_store(&c.left, 10);
	c.ping = gs_chan_make(sizeof(int), 0);
	c.done = gs_chan_make(sizeof(int), 0);
	gs_timer *t = gs_after_func(0, chain_step, &c);
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(gs_chan_recv(c.done, NULL), 1);
	ck_assert_int_eq(atomic_load(&c.ntm), 10);
	ck_assert_int_eq(tu_wait_numgoroutine(1, TU_SEC(10)), 1);
	gs_timer_free(t);
	for (int i = 0; i < atomic_load(&c.ntm); i++)
		gs_timer_free(c.tm[i]);
	gs_chan_free(c.ping);
	gs_chan_free(c.done);
}

/* ---- durations at the edges, as Go's when() has them ---------------------------------- */

/* A duration whose sum with now passes INT64_MAX is the latest time there is:
 * it never fires (Go clamps to maxWhen).  A wrapped sum would be in the past
 * and fire at once.  Each waiter below says when it returned; none may. */
static _Atomic int far_returned;

static void
far_sleeper(void *arg)
{
	gs_sleep(*(int64_t *)arg);
	atomic_fetch_add(&far_returned, 1);
}

static void
far_fdwaiter(void *arg)
{
	int fd = *(int *)arg;

	ck_assert_int_eq(gs_fd_open(fd), 0);
	int r = gs_fd_wait(fd, GS_POLLIN, INT64_MAX);
	ck_assert_msg(r == 0, "gs_fd_wait(INT64_MAX) returned %d (%s) before data came", r,
	    gs_strerror(r));
	atomic_fetch_add(&far_returned, 1);
}

GS_MAIN_TEST(test_duration_overflow, 2)
{
	static int64_t far[] = { INT64_MAX, INT64_MAX - 1, INT64_MAX / 2 + 1 };
	int pfd[2];
	int64_t v;

	atomic_store(&far_returned, 0);
	for (size_t i = 0; i < sizeof far / sizeof far[0]; i++)
		TU_GO(far_sleeper, &far[i]);
	ck_assert_int_eq(pipe(pfd), 0);
	TU_GO(far_fdwaiter, &pfd[0]);

	gs_timer *tm = gs_timer_new(INT64_MAX);
	ck_assert_ptr_nonnull(tm);
	gs_timer *rs = gs_timer_new(MS(3600 * 1000));
	ck_assert_ptr_nonnull(rs);
	ck_assert_int_eq(gs_timer_reset(rs, INT64_MAX), 1);
	gs_timer *tk = gs_ticker_new(INT64_MAX, MS(1));
	ck_assert_ptr_nonnull(tk);
	/* Fires at once, then its next time is past the clock's end. */
	gs_timer *tp = gs_ticker_new(0, INT64_MAX);
	ck_assert_ptr_nonnull(tp);
	ck_assert_int_eq(gs_chan_recv(gs_timer_chan(tp), &v), 1);

	gs_sleep(MS(50));
	ck_assert_int_eq(atomic_load(&far_returned), 0);
	ck_assert_int_eq(gs_chan_tryrecv(gs_timer_chan(tm), NULL), 0);
	ck_assert_int_eq(gs_chan_tryrecv(gs_timer_chan(rs), NULL), 0);
	ck_assert_int_eq(gs_chan_tryrecv(gs_timer_chan(tk), NULL), 0);
	ck_assert_int_eq(gs_chan_tryrecv(gs_timer_chan(tp), NULL), 0);
	/* Still pending, all of them. */
	ck_assert(gs_timer_stop(tm));
	ck_assert(gs_timer_stop(rs));
	ck_assert(gs_timer_stop(tk));
	ck_assert(gs_timer_stop(tp));
	gs_timer_free(tm);
	gs_timer_free(rs);
	gs_timer_free(tk);
	gs_timer_free(tp);

	/* The descriptor waiter wakes for its data, not its timeout. */
	ck_assert_int_eq(write(pfd[1], "x", 1), 1);
	while (atomic_load(&far_returned) == 0)
		gs_sleep(MS(1));
	close(pfd[1]);
}

/* Zero and negative durations are due at once, as Go's: a timer fires, a
 * reset re-arms it for now.  A ticker's period must be positive (Go's
 * NewTicker panics): gs_ticker_new refuses it. */
GS_MAIN_TEST(test_duration_nonpositive, 2)
{
	int64_t v, t0 = gs_nanotime();

	gs_timer *tm = gs_timer_new(-1);
	ck_assert_ptr_nonnull(tm);
	ck_assert_int_eq(gs_chan_recv(gs_timer_chan(tm), &v), 1);
	ck_assert_int_ge(v, t0);
	gs_timer *tz = gs_timer_new(0);
	ck_assert_ptr_nonnull(tz);
	ck_assert_int_eq(gs_chan_recv(gs_timer_chan(tz), &v), 1);
	gs_timer *tn = gs_timer_new(INT64_MIN);
	ck_assert_ptr_nonnull(tn);
	ck_assert_int_eq(gs_chan_recv(gs_timer_chan(tn), &v), 1);

	/* Reset to the past: re-armed (not pending), fires at once. */
	ck_assert_int_eq(gs_timer_reset(tm, -MS(5)), 0);
	ck_assert_int_eq(gs_chan_recv(gs_timer_chan(tm), &v), 1);
	ck_assert_int_eq(gs_timer_reset(tm, TU_SEC(100)), 0);
	ck_assert_int_eq(gs_timer_reset(tm, INT64_MIN), 1);
	ck_assert_int_eq(gs_chan_recv(gs_timer_chan(tm), &v), 1);

	/* A ticker's first tick may be due at once; its period may not be 0. */
	gs_timer *tk = gs_ticker_new(-1, MS(1));
	ck_assert_ptr_nonnull(tk);
	ck_assert_int_eq(gs_chan_recv(gs_timer_chan(tk), &v), 1);
	ck_assert_int_eq(gs_chan_recv(gs_timer_chan(tk), &v), 1);
	ck_assert_ptr_null(gs_ticker_new(MS(1), 0));
	ck_assert_ptr_null(gs_ticker_new(MS(1), -1));
	ck_assert_ptr_null(gs_ticker_new(MS(1), INT64_MIN));

	/* A timeout of 0 only looks; a negative one (none) waits for the data. */
	int pfd[2];
	ck_assert_int_eq(pipe(pfd), 0);
	ck_assert_int_eq(gs_fd_open(pfd[0]), 0);
	ck_assert_int_eq(gs_fd_wait(pfd[0], GS_POLLIN, 0), GS_ETIMEDOUT);
	ck_assert_int_eq(write(pfd[1], "x", 1), 1);
	ck_assert_int_eq(gs_fd_wait(pfd[0], GS_POLLIN, -1), 0);
	ck_assert_int_eq(gs_fd_close(pfd[0]), 0);
	close(pfd[1]);

	gs_timer_free(tm);
	gs_timer_free(tz);
	gs_timer_free(tn);
	gs_timer_free(tk);
}

static Suite *
timer_suite(void)
{
	Suite *s = suite_create("timer");
	TCase *tc;

	tc = tu_tcase("sleep", 60);
	tcase_add_test(tc, test_sleep_outside);
	tcase_add_test(tc, test_sleep_accuracy);
	tcase_add_test(tc, test_sleep_order);
	tcase_add_test(tc, test_many_sleepers);
	tcase_add_test(tc, test_sleep_no_threads);
	suite_add_tcase(s, tc);

	tc = tu_tcase("timers", 30);
	tcase_add_test(tc, test_timer_select);
	tcase_add_test(tc, test_timer_select_other);
	tcase_add_test(tc, test_timer_stop);
	tcase_add_test(tc, test_ticker);
	tcase_add_test(tc, test_timer_reset);
	tcase_add_test(tc, test_timers_survive_procresize);
	tcase_add_test(tc, test_timer_late_peak);
	tcase_add_test(tc, test_duration_overflow);
	tcase_add_test(tc, test_duration_nonpositive);
	suite_add_tcase(s, tc);

	tc = tu_tcase("afterfunc", 30);
	tcase_add_test(tc, test_after_func_once);
	tcase_add_test(tc, test_after_func_outside);
	tcase_add_test(tc, test_after_func_stop);
	tcase_add_test(tc, test_after_func_chain);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run_suite(timer_suite());
}
