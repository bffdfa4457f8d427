/*
 * check_sync.c - gs_mutex and gs_waitgroup (sync.c) through the public API.
 */
#include <stdlib.h>
#include <time.h>
#include <string.h>
#include <pthread.h>

#include "testutil.h"

/* ---- mutex ------------------------------------------------------------------------ */

#define MU_G 100
#define MU_ITERS 1000

struct mu_test {
	gs_mutex mu;
	uint64_t counter;    /* guarded by mu; deliberately not atomic */
	_Atomic int inside;  /* goroutines inside the critical section */
	_Atomic int overlap; /* times two were inside at once */
	gs_waitgroup wg;
	int iters;
};

static void
mu_worker(void *arg)
{
	struct mu_test *t = arg;

	for (int i = 0; i < t->iters; i++) {
		gs_mutex_lock(&t->mu);
		if (atomic_fetch_add(&t->inside, 1) != 0)
			atomic_fetch_add(&t->overlap, 1);
		uint64_t c = t->counter;
		/* Widen the window for a broken lock; sometimes switch while holding it. */
		__asm__ volatile("" ::: "memory");
		if (i % 97 == 0)
			gs_yield();
		t->counter = c + 1;
		atomic_fetch_sub(&t->inside, 1);
		ck_assert_int_eq(gs_mutex_unlock(&t->mu), 0);
	}
	TU_WG_DONE(&t->wg);
}

static void
main_mutex_contention(void *arg)
{
	struct mu_test *t = arg;

	TU_WG_ADD(&t->wg, MU_G);
	for (int i = 0; i < MU_G; i++)
		TU_GO(mu_worker, t);
	gs_wg_wait(&t->wg);
	ck_assert_int_eq(atomic_load(&t->overlap), 0);
	ck_assert_uint_eq(t->counter, (uint64_t)MU_G * (uint64_t)t->iters);
	/* Unlocked at the end: trylock succeeds. */
	ck_assert(gs_mutex_trylock(&t->mu));
	ck_assert_int_eq(gs_mutex_unlock(&t->mu), 0);
}

static const int mu_procs[] = { 2, 8 };

START_TEST(test_mutex_contention)
{
	static struct mu_test t; /* zero-initialized: a valid unlocked mutex */

	t.iters = TU_SANITIZED ? MU_ITERS / 4 : MU_ITERS;
	tu_run(main_mutex_contention, &t, mu_procs[_i]);
}
END_TEST

struct tl {
	gs_mutex *mu;
	_Atomic int result;
	gs_waitgroup wg;
};

static void
try_from_other(void *arg)
{
	struct tl *t = arg;

	atomic_store(&t->result, gs_mutex_trylock(t->mu) ? 1 : 0);
	TU_WG_DONE(&t->wg);
}

GS_MAIN_TEST(test_mutex_trylock_unlock, 2)
{
	gs_mutex mu = GS_MUTEX_INIT;
	struct tl t = { .mu = &mu, .result = -1 };

	/* Unlocking an unlocked mutex is refused, and changes nothing. */
	ck_assert_int_eq(gs_mutex_unlock(&mu), GS_EPERM);
	ck_assert(gs_mutex_trylock(&mu));
	ck_assert(!gs_mutex_trylock(&mu));

	/* Held: another goroutine cannot take it either. */
	TU_WG_ADD(&t.wg, 1);
	TU_GO(try_from_other, &t);
	gs_wg_wait(&t.wg);
	ck_assert_int_eq(atomic_load(&t.result), 0);

	ck_assert_int_eq(gs_mutex_unlock(&mu), 0);
	ck_assert_int_eq(gs_mutex_unlock(&mu), GS_EPERM);
	ck_assert_int_eq(gs_mutex_unlock(&mu), GS_EPERM);

	/* Free again: the other goroutine gets it (and we unlock on its behalf, as Go
	 * allows: a mutex is not tied to a goroutine). */
	TU_WG_ADD(&t.wg, 1);
	TU_GO(try_from_other, &t);
	gs_wg_wait(&t.wg);
	ck_assert_int_eq(atomic_load(&t.result), 1);
	ck_assert(!gs_mutex_trylock(&mu));
	ck_assert_int_eq(gs_mutex_unlock(&mu), 0);
	gs_mutex_lock(&mu);
	ck_assert_int_eq(gs_mutex_unlock(&mu), 0);
}

/* trylock and unlock are not goroutine-only: usable from a plain thread. */
START_TEST(test_mutex_outside)
{
	static gs_mutex mu = GS_MUTEX_INIT;

	ck_assert_int_eq(gs_mutex_unlock(&mu), GS_EPERM);
	ck_assert(gs_mutex_trylock(&mu));
	ck_assert(!gs_mutex_trylock(&mu));
	ck_assert_int_eq(gs_mutex_unlock(&mu), 0);
	ck_assert_int_eq(gs_mutex_unlock(&mu), GS_EPERM);
}
END_TEST

/* A plain thread that locks a held mutex blocks until it is unlocked; one
 * that waits on a wait group blocks until the counter is 0.  Without a
 * runtime (threads among themselves) and beside one (goroutines unlock and
 * count down). */
struct plain {
	gs_mutex mu;
	gs_waitgroup wg;
	_Atomic int stage; /* 1: the thread is about to lock, 2: it got the lock,
	                      3: about to wait, 4: its wait returned */
	_Atomic int counted_down;
};

static void *
plain_thread(void *arg)
{
	struct plain *p = arg;

	atomic_store(&p->stage, 1);
	gs_mutex_lock(&p->mu);
	atomic_store(&p->stage, 2);
	ck_assert_int_eq(gs_mutex_unlock(&p->mu), 0);
	atomic_store(&p->stage, 3);
	gs_wg_wait(&p->wg);
	/* the counter is 0 only after the count-down said so */
	ck_assert_int_eq(atomic_load(&p->counted_down), 1);
	atomic_store(&p->stage, 4);
	return NULL;
}

/* Wait until p->stage reaches want or stays below it while the other side
 * holds what it waits for: the thread must not get past a held lock. */
static void
plain_check_blocked(struct plain *p, int below)
{
	for (int i = 0; i < 50; i++) {
		ck_assert_int_lt(atomic_load(&p->stage), below);
		struct timespec ts = { 0, 1000000 };
		nanosleep(&ts, NULL);
	}
}

static void
plain_wait_stage(struct plain *p, int want)
{
	while (atomic_load(&p->stage) < want) {
		struct timespec ts = { 0, 1000000 };
		nanosleep(&ts, NULL);
	}
}

START_TEST(test_plain_thread_waits)
{
	static struct plain p;
	pthread_t t;

	memset(&p, 0, sizeof p);
	ck_assert(gs_mutex_trylock(&p.mu));
	ck_assert_int_eq(gs_wg_add(&p.wg, 1), 0);
	ck_assert_int_eq(pthread_create(&t, NULL, plain_thread, &p), 0);
	plain_wait_stage(&p, 1);
	plain_check_blocked(&p, 2); /* it waits for the lock */
	ck_assert_int_eq(gs_mutex_unlock(&p.mu), 0);
	plain_wait_stage(&p, 3);
	plain_check_blocked(&p, 4); /* it waits for the count */
	atomic_store(&p.counted_down, 1);
	ck_assert_int_eq(gs_wg_done(&p.wg), 0);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_int_eq(atomic_load(&p.stage), 4);
}
END_TEST

/* pthread_join as a blocking call of a goroutine */
static long
join_thread(void *arg)
{
	return pthread_join(*(pthread_t *)arg, NULL);
}

GS_MAIN_TEST(test_plain_thread_waits_beside_goroutines, 2)
{
	static struct plain p;
	pthread_t t;

	memset(&p, 0, sizeof p);
	gs_mutex_lock(&p.mu); /* held by this goroutine */
	ck_assert_int_eq(gs_wg_add(&p.wg, 1), 0);
	ck_assert_int_eq(pthread_create(&t, NULL, plain_thread, &p), 0);
	while (atomic_load(&p.stage) < 1)
		gs_sleep(1000000);
	for (int i = 0; i < 50; i++) {
		ck_assert_int_lt(atomic_load(&p.stage), 2);
		gs_sleep(1000000);
	}
	ck_assert_int_eq(gs_mutex_unlock(&p.mu), 0);
	while (atomic_load(&p.stage) < 3)
		gs_sleep(1000000);
	for (int i = 0; i < 50; i++) {
		ck_assert_int_lt(atomic_load(&p.stage), 4);
		gs_sleep(1000000);
	}
	atomic_store(&p.counted_down, 1);
	ck_assert_int_eq(gs_wg_done(&p.wg), 0);
	ck_assert_int_eq(gs_syscall_block(join_thread, &t), 0);
	ck_assert_int_eq(atomic_load(&p.stage), 4);
}

#define NLOCKERS 10

struct handoff {
	gs_mutex mu;
	_Atomic int got;
	gs_waitgroup wg;
};

static void
locker(void *arg)
{
	struct handoff *h = arg;

	gs_mutex_lock(&h->mu);
	atomic_fetch_add(&h->got, 1);
	ck_assert_int_eq(gs_mutex_unlock(&h->mu), 0);
	TU_WG_DONE(&h->wg);
}

/* Goroutines parked on a held mutex are all let in, one by one, after unlock. */
GS_MAIN_TEST(test_mutex_waiters, 2)
{
	static struct handoff h;
	gs_stats st;

	gs_mutex_lock(&h.mu);
	TU_WG_ADD(&h.wg, NLOCKERS);
	for (int i = 0; i < NLOCKERS; i++)
		TU_GO(locker, &h);
	ck_assert_int_eq(tu_wait_waiting(GS_WAIT_MUTEX, NLOCKERS, TU_SEC(10)), NLOCKERS);
	ck_assert_int_eq(atomic_load(&h.got), 0);
	ck_assert_int_eq(gs_mutex_unlock(&h.mu), 0);
	gs_wg_wait(&h.wg);
	ck_assert_int_eq(atomic_load(&h.got), NLOCKERS);
	ck_assert(gs_mutex_trylock(&h.mu));
	ck_assert_int_eq(gs_mutex_unlock(&h.mu), 0);
	ck_assert_int_eq(tu_wait_numgoroutine(1, TU_SEC(10)), 1);
	ck_assert_int_eq(gs_read_stats(&st), 0);
	ck_assert_int_eq(st.by_waitreason[GS_WAIT_MUTEX], 0);
}

/* ---- waitgroup --------------------------------------------------------------------- */

GS_MAIN_TEST(test_wg_zero_and_range, 1)
{
	gs_waitgroup wg = GS_WAITGROUP_INIT;

	/* Counter 0: returns at once (a hang here is a failure by timeout). */
	gs_wg_wait(&wg);
	gs_wg_wait(&wg);

	/* Going below zero is refused and changes nothing. */
	ck_assert_int_eq(gs_wg_done(&wg), GS_ERANGE);
	ck_assert_int_eq(gs_wg_add(&wg, -1), GS_ERANGE);
	ck_assert_int_eq(gs_wg_add(&wg, 2), 0);
	ck_assert_int_eq(gs_wg_add(&wg, -3), GS_ERANGE);
	ck_assert_int_eq(gs_wg_add(&wg, 0), 0);
	ck_assert_int_eq(gs_wg_done(&wg), 0);
	ck_assert_int_eq(gs_wg_done(&wg), 0); /* still 2 before: now 0 */
	gs_wg_wait(&wg);
	ck_assert_int_eq(gs_wg_done(&wg), GS_ERANGE);
	ck_assert_int_eq(gs_wg_add(&wg, 5), 0);
	ck_assert_int_eq(gs_wg_add(&wg, -5), 0);
	gs_wg_wait(&wg);
}

#define NWAITERS 20

struct waiters {
	gs_waitgroup gate; /* the one everybody waits on */
	gs_waitgroup done;
	_Atomic int released;
};

static void
waiter(void *arg)
{
	struct waiters *w = arg;

	gs_wg_wait(&w->gate);
	atomic_fetch_add(&w->released, 1);
	TU_WG_DONE(&w->done);
}

GS_MAIN_TEST(test_wg_many_waiters, 2)
{
	static struct waiters w;

	TU_WG_ADD(&w.gate, 3);
	TU_WG_ADD(&w.done, NWAITERS);
	for (int i = 0; i < NWAITERS; i++)
		TU_GO(waiter, &w);
	ck_assert_int_eq(tu_wait_waiting(GS_WAIT_WAITGROUP, NWAITERS, TU_SEC(10)), NWAITERS);
	TU_WG_DONE(&w.gate);
	TU_WG_DONE(&w.gate);
	for (int i = 0; i < 50; i++)
		gs_yield();
	ck_assert_int_eq(atomic_load(&w.released), 0); /* counter is 1: nobody out */
	TU_WG_DONE(&w.gate);
	gs_wg_wait(&w.done);
	ck_assert_int_eq(atomic_load(&w.released), NWAITERS);
}

struct reuse {
	gs_waitgroup wg;
	gs_waitgroup out;
	_Atomic int ran;
	_Atomic int released;
};

static void
reuse_child(void *arg)
{
	struct reuse *r = arg;

	atomic_fetch_add(&r->ran, 1);
	TU_WG_DONE(&r->wg);
}

static void
reuse_waiter(void *arg)
{
	struct reuse *r = arg;

	gs_wg_wait(&r->wg);
	/* Released only when all ten children of this round have run. */
	ck_assert_int_eq(atomic_load(&r->ran), 10);
	atomic_fetch_add(&r->released, 1);
	TU_WG_DONE(&r->out);
}

static void
wg_done_child(void *arg)
{
	TU_WG_DONE(arg);
}

/* The same wait group for many rounds, with extra waiters in each round. */
GS_MAIN_TEST(test_wg_reuse, 4)
{
	static struct reuse r;
	int rounds = TU_SCALE(500);

	for (int round = 0; round < rounds; round++) {
		atomic_store(&r.ran, 0);
		atomic_store(&r.released, 0);
		TU_WG_ADD(&r.wg, 10);
		TU_WG_ADD(&r.out, 2);
		TU_GO(reuse_waiter, &r);
		TU_GO(reuse_waiter, &r);
		for (int i = 0; i < 10; i++)
			TU_GO(reuse_child, &r);
		gs_wg_wait(&r.wg);
		ck_assert_int_eq(atomic_load(&r.ran), 10);
		/* Every waiter of this round gets out before the next Add. */
		gs_wg_wait(&r.out);
		ck_assert_int_eq(atomic_load(&r.released), 2);
	}

	/* A wait group on this stack, discarded as soon as Wait returns (as Go code
	 * does with a WaitGroup local to a function): Done callers must not touch it
	 * after releasing the waiter.  Scribbling over it makes such a touch show. */
	for (int round = 0; round < rounds; round++) {
		gs_waitgroup wg = GS_WAITGROUP_INIT;

		TU_WG_ADD(&wg, 4);
		for (int i = 0; i < 4; i++)
			TU_GO(wg_done_child, &wg);
		gs_wg_wait(&wg);
		memset(&wg, 0xff, sizeof(wg));
	}
	ck_assert_int_eq(tu_wait_numgoroutine(1, TU_SEC(10)), 1);
}

static Suite *
sync_suite(void)
{
	Suite *s = suite_create("sync");
	TCase *tc;

	tc = tu_tcase("mutex", 120);
	tcase_add_loop_test(tc, test_mutex_contention, 0, 2);
	tcase_add_test(tc, test_mutex_trylock_unlock);
	tcase_add_test(tc, test_mutex_outside);
	tcase_add_test(tc, test_plain_thread_waits);
	tcase_add_test(tc, test_plain_thread_waits_beside_goroutines);
	tcase_add_test(tc, test_mutex_waiters);
	suite_add_tcase(s, tc);

	tc = tu_tcase("waitgroup", 60);
	tcase_add_test(tc, test_wg_zero_and_range);
	tcase_add_test(tc, test_wg_many_waiters);
	tcase_add_test(tc, test_wg_reuse);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run_suite(sync_suite());
}
