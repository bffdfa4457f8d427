/*
 * check_procresize.c - GOMAXPROCS changed while goroutines run
 * (gs_set_gomaxprocs): return values and range errors, hundreds of changes
 * under a mixed load (CPU with yields, sleepers, channel ping-pong, system
 * calls) with no goroutine lost or run twice, changes from a plain pthread
 * and from several changers at once, and the new value taking effect.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <unistd.h>
#include <stdlib.h>

#include "gsched/observe.h"
#include "testutil.h"

#define MS(x) ((int64_t)(x)*1000000)

/* A small xorshift generator: tests are repeatable for a given seed. */
static uint32_t
rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (uint32_t)(*s >> 16);
}

/* values 1..256 shuffled, then again, as many as asked */
static void
shuffled_values(int *v, int n, uint64_t seed)
{
	for (int base = 0; base < n; base += 256) {
		int k = n - base < 256 ? n - base : 256;
		int perm[256];
		for (int i = 0; i < 256; i++)
			perm[i] = i + 1;
		for (int i = 255; i > 0; i--) {
			int j = (int)(rnd(&seed) % (uint32_t)(i + 1));
			int t = perm[i];
			perm[i] = perm[j];
			perm[j] = t;
		}
		memcpy(v + base, perm, (size_t)k * sizeof *v);
	}
}

START_TEST(test_set_outside)
{
	ck_assert_int_eq(gs_set_gomaxprocs(4), GS_ENOTRUN);
	ck_assert_int_eq(gs_set_gomaxprocs(0), GS_ENOTRUN);
	ck_assert_int_eq(gs_gomaxprocs(), GS_ENOTRUN);
}
END_TEST

GS_MAIN_TEST(test_set_returns_previous, 4)
{
	gs_stats st0, st;
	static const int seq[] = { 7, 7, 1, 256, 2, 1, 3, 4 };
	int prev = 4;

	ck_assert_int_eq(gs_read_stats(&st0), 0);
	for (size_t i = 0; i < sizeof seq / sizeof seq[0]; i++) {
		ck_assert_int_eq(gs_set_gomaxprocs(seq[i]), prev);
		ck_assert_int_eq(gs_gomaxprocs(), seq[i]);
		ck_assert_int_eq(gs_read_stats(&st), 0);
		ck_assert_int_eq(st.gomaxprocs, seq[i]);
		ck_assert_int_le(st.idle_procs, seq[i]);
		prev = seq[i];
	}
	/* 6 real changes (7->7 is none). */
	ck_assert_int_eq(gs_read_stats(&st), 0);
	ck_assert_uint_ge(st.procresizes - st0.procresizes, 6);
	ck_assert_uint_le(st.procresizes - st0.procresizes, 7);
	/* Out of range: refused, nothing changes. */
	static const int bad[] = { 0, -1, 257, 100000, -2147483647 - 1 };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ck_assert_int_eq(gs_set_gomaxprocs(bad[i]), GS_ERANGE);
		ck_assert_int_eq(gs_gomaxprocs(), 4);
	}
}

/* ---- hundreds of changes under a mixed load ------------------------------------------------ */

enum { K_CPU, K_SLEEP, K_PING, K_PONG, K_SYSCALL, K_NKINDS };

#define N_CPU 48
#define N_SLEEP 200
#define N_PAIRS 16
#define N_SYSCALL 16
#define N_LOAD (N_CPU + N_SLEEP + 2 * N_PAIRS + N_SYSCALL)

static _Atomic int slot[N_LOAD];
static gs_waitgroup load_wg;
static gs_chan *ping_ch[N_PAIRS], *pong_ch[N_PAIRS];
static int load_scale = 1;

static void
finish(int idx)
{
	atomic_fetch_add(&slot[idx], 1);
	TU_WG_DONE(&load_wg);
}

static void
cpu_worker(void *arg)
{
	intptr_t idx = (intptr_t)arg;

	for (int r = 0; r < 300 / load_scale; r++) {
		tu_spin_ns(20 * 1000);
		gs_yield();
	}
	finish((int)idx);
}

static void
sleep_worker(void *arg)
{
	intptr_t idx = (intptr_t)arg;
	uint64_t s = (uint64_t)idx * 0x9e3779b97f4a7c15ULL + 1;

	for (int r = 0; r < 8; r++) {
		int64_t want = MS(1 + rnd(&s) % 20), t0 = gs_nanotime();
		gs_sleep(want);
		ck_assert_int_ge(gs_nanotime() - t0, want);
	}
	finish((int)idx);
}

static void
ping_worker(void *arg)
{
	intptr_t idx = (intptr_t)arg;
	int pair = (int)(idx - N_CPU - N_SLEEP) / 2;

	for (int r = 0; r < 2000 / load_scale; r++) {
		int v = r, got = -1;
		ck_assert_int_eq(gs_chan_send(ping_ch[pair], &v), 0);
		ck_assert_int_eq(gs_chan_recv(pong_ch[pair], &got), 1);
		ck_assert_int_eq(got, r + 1);
	}
	finish((int)idx);
}

static void
pong_worker(void *arg)
{
	intptr_t idx = (intptr_t)arg;
	int pair = (int)(idx - N_CPU - N_SLEEP) / 2;

	for (int r = 0; r < 2000 / load_scale; r++) {
		int v = -1;
		ck_assert_int_eq(gs_chan_recv(ping_ch[pair], &v), 1);
		ck_assert_int_eq(v, r);
		v++;
		ck_assert_int_eq(gs_chan_send(pong_ch[pair], &v), 0);
	}
	finish((int)idx);
}

static void
syscall_worker(void *arg)
{
	intptr_t idx = (intptr_t)arg;

	for (int r = 0; r < 20; r++)
		ck_assert_int_eq(gs_nanosleep(MS(2)), 0);
	finish((int)idx);
}

static void
start_load(void)
{
	intptr_t idx = 0;

	load_scale = TU_SANITIZED ? 4 : 1;
	for (int i = 0; i < N_LOAD; i++)
		atomic_store(&slot[i], 0);
	TU_WG_ADD(&load_wg, N_LOAD);
	for (int i = 0; i < N_CPU; i++, idx++)
		TU_GO(cpu_worker, (void *)idx);
	for (int i = 0; i < N_SLEEP; i++, idx++)
		TU_GO_STACK(sleep_worker, (void *)idx, 16384);
	for (int p = 0; p < N_PAIRS; p++) {
		ping_ch[p] = gs_chan_make(sizeof(int), 0);
		pong_ch[p] = gs_chan_make(sizeof(int), 0);
		ck_assert_ptr_nonnull(ping_ch[p]);
		ck_assert_ptr_nonnull(pong_ch[p]);
		TU_GO(ping_worker, (void *)idx);
		idx++;
		TU_GO(pong_worker, (void *)idx);
		idx++;
	}
	for (int i = 0; i < N_SYSCALL; i++, idx++)
		TU_GO(syscall_worker, (void *)idx);
	ck_assert_int_eq(idx, N_LOAD);
}

static void
finish_load(void)
{
	gs_wg_wait(&load_wg);
	for (int i = 0; i < N_LOAD; i++)
		ck_assert_msg(atomic_load(&slot[i]) == 1, "load goroutine %d finished %d times", i,
		    atomic_load(&slot[i]));
	ck_assert_int_eq(tu_wait_numgoroutine(1, TU_SEC(10)), 1);
	for (int p = 0; p < N_PAIRS; p++) {
		gs_chan_free(ping_ch[p]);
		gs_chan_free(pong_ch[p]);
	}
}

#define CHANGES 300

GS_MAIN_TEST(test_resize_under_load, 4)
{
	static int values[CHANGES];
	int prev = 4, n = TU_SANITIZED ? CHANGES / 3 : CHANGES, changes = 0;
	gs_stats st0, st;

	shuffled_values(values, n, 12345);
	ck_assert_int_eq(gs_read_stats(&st0), 0);
	start_load();
	for (int i = 0; i < n; i++) {
		int r = gs_set_gomaxprocs(values[i]);
		ck_assert_msg(r == prev, "change %d to %d returned %d, want %d", i, values[i], r,
		    prev);
		ck_assert_int_eq(gs_gomaxprocs(), values[i]);
		changes += values[i] != prev;
		prev = values[i];
		gs_yield();
	}
	finish_load();
	ck_assert_int_eq(gs_read_stats(&st), 0);
	ck_assert_int_eq(st.gomaxprocs, prev);
	ck_assert_int_eq(st.goroutines, 1);
	/* Every call that changed the value stopped the world once; one that
	 * asked for the current value did not.  How long the stops take is a
	 * performance figure: make bench measures it (the procresize rows). */
	ck_assert_uint_eq(st.procresizes - st0.procresizes, (uint64_t)changes);
	ck_assert_uint_gt(st.last_stw_ns, 0);
	ck_assert_int_le(st.idle_procs, st.gomaxprocs);
	/* And the runtime still works at the final size. */
	ck_assert_int_eq(gs_set_gomaxprocs(2), prev);
	start_load();
	finish_load();
}

/* ---- from a plain pthread ------------------------------------------------------------------ */

struct changer {
	int n;
	uint64_t seed;
	int maxp;
	int errors;
	int bad_return;
	_Atomic int done;
	bool check_chain; /* the only changer: each return is the last value */
	int first;
};

static void *
changer_thread(void *arg)
{
	struct changer *c = arg;
	int prev = c->first;

	for (int i = 0; i < c->n; i++) {
		int v = 1 + (int)(rnd(&c->seed) % (uint32_t)c->maxp);
		int r = gs_set_gomaxprocs(v);
		if (r < 1 || r > 256)
			c->errors++;
		else if (c->check_chain && r != prev)
			c->bad_return++;
		prev = v;
		if (gs_gomaxprocs() < 1)
			c->errors++;
	}
	atomic_store(&c->done, 1);
	return NULL;
}

static bool
changer_done(void *arg)
{
	return atomic_load(&((struct changer *)arg)->done) != 0;
}

static long
join_fn(void *arg)
{
	return pthread_join(*(pthread_t *)arg, NULL);
}

static void
main_from_pthread(void *arg)
{
	int variant = *(int *)arg;
	struct changer c = { .n = TU_SANITIZED ? 40 : 150,
		.seed = 777,
		.maxp = 16,
		.check_chain = true,
		.first = 2 };
	pthread_t th;

	start_load();
	ck_assert_int_eq(pthread_create(&th, NULL, changer_thread, &c), 0);
	if (variant == 0) {
		/* Keep scheduling while the thread works. */
		ck_assert(tu_yield_until(changer_done, &c, TU_SEC(60)));
		ck_assert_int_eq(pthread_join(th, NULL), 0);
	} else {
		/* Block this goroutine's thread in a system call: its P is taken. */
		ck_assert_int_eq(gs_syscall_block(join_fn, &th), 0);
	}
	ck_assert_int_eq(c.errors, 0);
	ck_assert_int_eq(c.bad_return, 0);
	finish_load();
	ck_assert_int_ge(gs_gomaxprocs(), 1);
	ck_assert_int_le(gs_gomaxprocs(), 16);
}

START_TEST(test_resize_from_pthread)
{
	int variant = _i;

	tu_run(main_from_pthread, &variant, 2);
}
END_TEST

/*
 * A stop-the-world started by a plain pthread leaves no M running
 * (every M parks at gcstopm) and, with every goroutine in a local run queue and
 * no timer pending, the last M to park must not take that for a deadlock and end
 * the program ("all goroutines are asleep").  Here nothing sleeps and nothing
 * waits on the network: only goroutines that yield, and the changes.
 */
#define NOTIMER_PAIRS 3

static _Atomic int notimer_stop;

struct pp_pair {
	gs_chan *ping, *pong;
	gs_waitgroup *wg;
};

/* Answers every ping: each hand-over readies the other side into runnext,
 * so the goroutines live in local queues, never the global one. */
static void
notimer_ponger(void *arg)
{
	struct pp_pair *pr = arg;
	int v = 0, rc;

	for (;;) {
		v = -7;
		rc = gs_chan_recv(pr->ping, &v);
		ck_assert_msg(rc == 1 && v >= -1, "ponger: recv returned %d, value %d", rc, v);
		if (v < 0)
			break;
		ck_assert_int_eq(gs_chan_send(pr->pong, &v), 0);
	}
	TU_WG_DONE(pr->wg);
}

static void
notimer_pinger(void *arg)
{
	struct pp_pair *pr = arg;
	int v = 0;

	while (!atomic_load(&notimer_stop)) {
		gs_chan_send(pr->ping, &v);
		gs_chan_recv(pr->pong, &v);
		v++;
	}
	v = -1;
	gs_chan_send(pr->ping, &v);
	TU_WG_DONE(pr->wg);
}

static void
main_notimer(void *arg)
{
	struct changer c = { .n = TU_SANITIZED ? 100 : 400,
		.seed = 4242,
		.maxp = 8,
		.check_chain = true,
		.first = 2 };
	gs_waitgroup wg = GS_WAITGROUP_INIT;
	struct pp_pair pairs[NOTIMER_PAIRS + 1];
	pthread_t th;
	int v = 0;

	(void)arg;
	for (int i = 0; i <= NOTIMER_PAIRS; i++) {
		pairs[i].ping = gs_chan_make(sizeof(int), 0);
		pairs[i].pong = gs_chan_make(sizeof(int), 0);
		pairs[i].wg = &wg;
	}
	gs_wg_add(&wg, 2 * NOTIMER_PAIRS + 1);
	for (int i = 0; i < NOTIMER_PAIRS; i++) {
		ck_assert_int_gt(gs_go(notimer_ponger, &pairs[i]), 0);
		ck_assert_int_gt(gs_go(notimer_pinger, &pairs[i]), 0);
	}
	/* main plays ping-pong too while it waits (no sleep, no timer) */
	ck_assert_int_gt(gs_go(notimer_ponger, &pairs[NOTIMER_PAIRS]), 0);
	ck_assert_int_eq(pthread_create(&th, NULL, changer_thread, &c), 0);
	while (!atomic_load(&c.done)) {
		gs_chan_send(pairs[NOTIMER_PAIRS].ping, &v);
		gs_chan_recv(pairs[NOTIMER_PAIRS].pong, &v);
	}
	v = -1;
	gs_chan_send(pairs[NOTIMER_PAIRS].ping, &v);
	ck_assert_int_eq(pthread_join(th, NULL), 0);
	atomic_store(&notimer_stop, 1);
	gs_wg_wait(&wg);
	for (int i = 0; i <= NOTIMER_PAIRS; i++) {
		gs_chan_free(pairs[i].ping);
		gs_chan_free(pairs[i].pong);
	}
	ck_assert_int_eq(c.errors, 0);
	ck_assert_int_eq(c.bad_return, 0);
}

/* The changer wakes main through a pipe when it is done. */
struct wakechanger {
	struct changer c;
	int wfd;
};

static void *
wake_changer_thread(void *arg)
{
	struct wakechanger *wc = arg;
	char b = 'x';

	changer_thread(&wc->c);
	ck_assert_int_eq(write(wc->wfd, &b, 1), 1);
	return NULL;
}

/* Nothing runnable at all: main waits in the netpoller, no timer is set, and
 * every stop-the-world the pthread makes parks the only M. */
static void
main_netpoll_only(void *arg)
{
	struct wakechanger wc = { .c = { .n = TU_SANITIZED ? 50 : 200,
				      .seed = 99,
				      .maxp = 8,
				      .check_chain = true,
				      .first = 2 } };
	int fds[2];
	pthread_t th;
	char b;

	(void)arg;
	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(gs_fd_open(fds[0]), 0);
	wc.wfd = fds[1];
	ck_assert_int_eq(pthread_create(&th, NULL, wake_changer_thread, &wc), 0);
	ck_assert_int_eq(gs_fd_read(fds[0], &b, 1), 1);
	ck_assert_int_eq(pthread_join(th, NULL), 0);
	ck_assert_int_eq(wc.c.errors, 0);
	ck_assert_int_eq(wc.c.bad_return, 0);
	gs_fd_close(fds[0]);
	close(fds[1]);
}

START_TEST(test_resize_from_pthread_no_timers)
{
	tu_run(_i == 0 ? main_notimer : main_netpoll_only, NULL, 2);
}
END_TEST

/* Several changers at once, goroutines and a pthread: every call returns a valid
 * previous value and the runtime ends up consistent. */
static gs_waitgroup cc_wg;

static void
changer_goroutine(void *arg)
{
	struct changer *c = arg;

	for (int i = 0; i < c->n; i++) {
		int v = 1 + (int)(rnd(&c->seed) % (uint32_t)c->maxp);
		int r = gs_set_gomaxprocs(v);
		if (r < 1 || r > c->maxp)
			c->errors++;
		gs_yield();
	}
	TU_WG_DONE(&cc_wg);
}

GS_MAIN_TEST(test_concurrent_changers, 3)
{
	static struct changer gc[4];
	struct changer tc = { .n = TU_SANITIZED ? 20 : 100, .seed = 99, .maxp = 8 };
	pthread_t th;
	int v;

	start_load();
	ck_assert_int_eq(pthread_create(&th, NULL, changer_thread, &tc), 0);
	TU_WG_ADD(&cc_wg, 4);
	for (int i = 0; i < 4; i++) {
		gc[i] = (struct changer){ .n = TU_SANITIZED ? 20 : 100,
			.seed = 1000 + (uint64_t)i,
			.maxp = 8 };
		TU_GO(changer_goroutine, &gc[i]);
	}
	gs_wg_wait(&cc_wg);
	ck_assert(tu_yield_until(changer_done, &tc, TU_SEC(60)));
	ck_assert_int_eq(pthread_join(th, NULL), 0);
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(gc[i].errors, 0);
	ck_assert_int_eq(tc.errors, 0);
	finish_load();
	v = gs_gomaxprocs();
	ck_assert_int_ge(v, 1);
	ck_assert_int_le(v, 8);
	ck_assert_int_eq(gs_set_gomaxprocs(5), v);
}

/* ---- the new value takes effect --------------------------------------------------------------- */

static _Atomic int running_now, running_max, conc_want;
static gs_waitgroup conc_wg;

/* Holds its P (no scheduling point) for 60 ms, and longer (up to 10 s) until
 * conc_want goroutines have run at once: on a loaded machine the other Ps'
 * threads may take a while to be scheduled by the kernel, which says nothing
 * about GOMAXPROCS. */
static void
conc_spinner(void *arg)
{
	(void)arg;
	int n = atomic_fetch_add(&running_now, 1) + 1;
	int m = atomic_load(&running_max);
	while (n > m && !atomic_compare_exchange_weak(&running_max, &m, n))
		;
	uint64_t end = tu_now_ns() + TU_SEC(10);
	tu_spin_ns(60 * 1000 * 1000);
	while (atomic_load(&running_max) < atomic_load(&conc_want) && tu_now_ns() < end)
		tu_spin_ns(1000 * 1000);
	atomic_fetch_sub(&running_now, 1);
	TU_WG_DONE(&conc_wg);
}

static int
max_concurrency(int g, int want)
{
	atomic_store(&running_max, 0);
	atomic_store(&conc_want, want);
	TU_WG_ADD(&conc_wg, g);
	for (int i = 0; i < g; i++)
		TU_GO(conc_spinner, NULL);
	gs_wg_wait(&conc_wg);
	return atomic_load(&running_max);
}

GS_MAIN_TEST(test_gomaxprocs_takes_effect, 4)
{
	int m;

	ck_assert_int_eq(gs_set_gomaxprocs(1), 4);
	ck_assert_int_eq(gs_gomaxprocs(), 1);
	/* main parks in gs_wg_wait, so up to 1 spinner runs at a time. */
	m = max_concurrency(4, 1);
	ck_assert_msg(m == 1, "GOMAXPROCS=1 but %d goroutines ran at once", m);

	ck_assert_int_eq(gs_set_gomaxprocs(3), 1);
	m = max_concurrency(6, 2);
	ck_assert_msg(m >= 2 && m <= 3, "GOMAXPROCS=3: %d goroutines ran at once", m);

	ck_assert_int_eq(gs_set_gomaxprocs(2), 3);
	m = max_concurrency(6, 2);
	ck_assert_msg(m >= 1 && m <= 2, "GOMAXPROCS=2: %d goroutines ran at once", m);
}

/* ---- the caller of GOMAXPROCS carries on ------------------------------------------------------ */

#define CALLER_BUSY 4
#define CALLER_CHANGES 50

static atomic_int busy_stop;
static gs_waitgroup busy_wg;

/* CPU-bound, preemptible in 100 us pieces (and at each piece's end, which is
 * all a TSan build has). */
static void
busy_goroutine(void *arg)
{
	(void)arg;
	while (!atomic_load(&busy_stop)) {
		gs_preemptible_begin();
		tu_spin_ns(100 * 1000);
		gs_preemptible_end();
	}
	TU_WG_DONE(&busy_wg);
}

/* The number of times the calling goroutine has started running (accounting). */
static uint64_t
self_runs(void)
{
	static gs_snap_ginfo gi[CALLER_BUSY + 8];
	int64_t me = gs_self();
	int n = gs_goroutines(gi, CALLER_BUSY + 8);

	ck_assert_int_gt(n, 0);
	for (int i = 0; i < n && i < CALLER_BUSY + 8; i++)
		if (gi[i].id == me)
			return gi[i].runs;
	ck_abort_msg("goroutine %" PRId64 " not listed", me);
	return 0;
}

/*
 * As in Go (preemptone skips the caller's M, procresize keeps its P), a
 * goroutine that changes GOMAXPROCS is not asked to yield by its own stop of
 * the world and keeps running on its P afterwards: it does not start running
 * again (a trip through a run queue behind CPU-bound goroutines), whatever the
 * four busy goroutines do meanwhile.
 */
GS_MAIN_TEST(test_caller_keeps_running, 2)
{
	uint64_t before, after;

	ck_assert_int_eq(gs_set_accounting(true), 0);
	atomic_store(&busy_stop, 0);
	TU_WG_ADD(&busy_wg, CALLER_BUSY);
	for (int i = 0; i < CALLER_BUSY; i++)
		TU_GO(busy_goroutine, NULL);
	for (int i = 0; i < CALLER_CHANGES; i++) {
		int want = 2 + i % 2, old;
		gs_yield(); /* a fresh time slice: sysmon has no reason to ask */
		before = self_runs();
		old = gs_set_gomaxprocs(want);
		after = self_runs();
		if (old != 3 - i % 2 && !(i == 0 && old == 2))
			ck_abort_msg("change %d: gs_set_gomaxprocs(%d) returned %d", i, want, old);
		if (after != before)
			ck_abort_msg("change %d: the caller ran %" PRIu64 " times more inside "
				     "gs_set_gomaxprocs(%d)",
			    i, after - before, want);
	}
	atomic_store(&busy_stop, 1);
	gs_wg_wait(&busy_wg);
	ck_assert_int_eq(gs_set_accounting(false), 0);
}

/* ---- main returns while a goroutine stops the world ------------------------------------------- */

#define EXIT_RUNS 300

static atomic_int exit_changes;

/* Changes GOMAXPROCS until the program ends (returns GS_ENOTRUN then). */
static void
exit_changer(void *arg)
{
	(void)arg;
	for (int i = 0;; i++) {
		int r = gs_set_gomaxprocs(1 + i % 3);
		if (r == GS_ENOTRUN)
			return;
		atomic_fetch_add(&exit_changes, 1);
		gs_yield();
	}
}

static void
exit_spinner(void *arg)
{
	(void)arg;
	for (;;) {
		tu_spin_ns(20 * 1000);
		gs_yield();
	}
}

static void
main_exit_during_stw(void *arg)
{
	(void)arg;
	atomic_store(&exit_changes, 0);
	TU_GO(exit_spinner, NULL);
	TU_GO(exit_spinner, NULL);
	TU_GO(exit_changer, NULL);
	while (atomic_load(&exit_changes) < 2)
		gs_yield();
	/* No scheduling point for a while: the changer's next stop of the world
	 * waits for this P, and main returns during it. */
	tu_spin_ns(1000 * 1000);
}

/* Returning from main ends a stop-the-world in progress (Go exits then):
 * gs_run returns every time.  A hang is the test's timeout. */
START_TEST(test_exit_during_stw)
{
	int runs = TU_SANITIZED ? EXIT_RUNS / 5 : EXIT_RUNS;

	for (int i = 0; i < runs; i++)
		tu_run(main_exit_during_stw, NULL, 3);
}
END_TEST

static Suite *
procresize_suite(void)
{
	Suite *s = suite_create("procresize");
	TCase *tc;

	tc = tu_tcase("api", 30);
	tcase_add_test(tc, test_set_outside);
	tcase_add_loop_test(tc, test_resize_from_pthread_no_timers, 0, 2);
	tcase_add_test(tc, test_set_returns_previous);
	tcase_add_test(tc, test_gomaxprocs_takes_effect);
	suite_add_tcase(s, tc);

	tc = tu_tcase("load", 90);
	tcase_add_test(tc, test_resize_under_load);
	tcase_add_loop_test(tc, test_resize_from_pthread, 0, 2);
	tcase_add_test(tc, test_concurrent_changers);
	tcase_add_test(tc, test_caller_keeps_running);
	suite_add_tcase(s, tc);

	tc = tu_tcase("exit", 60);
	tcase_add_test(tc, test_exit_during_stw);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run_suite(procresize_suite());
}
