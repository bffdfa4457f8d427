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

/* A refused Done (the counter at 0) changes the counter for a moment before
 * taking it back; a Wait that registered on that moment must still return. */
#define REFUSED_ROUNDS 200000

struct refused {
	gs_waitgroup wg; /* stays at 0: every Done on it is refused */
	gs_waitgroup done;
	_Atomic int64_t refusals, waits;
};

static void
refused_doner(void *arg)
{
	struct refused *r = arg;

	for (int i = 0; i < REFUSED_ROUNDS; i++)
		if (gs_wg_done(&r->wg) == GS_ERANGE)
			atomic_fetch_add(&r->refusals, 1);
	TU_WG_DONE(&r->done);
}

static void
refused_waiter(void *arg)
{
	struct refused *r = arg;

	for (int i = 0; i < REFUSED_ROUNDS; i++) {
		gs_wg_wait(&r->wg);
		atomic_fetch_add(&r->waits, 1);
	}
	TU_WG_DONE(&r->done);
}

GS_MAIN_TEST(test_wg_refused_beside_waiters, 2)
{
	static struct refused r;

	TU_WG_ADD(&r.done, 3);
	TU_GO(refused_doner, &r);
	TU_GO(refused_waiter, &r);
	TU_GO(refused_waiter, &r);
	gs_wg_wait(&r.done); /* a lost waiter hangs here: a failure by timeout */
	ck_assert_int_eq(atomic_load(&r.refusals), REFUSED_ROUNDS);
	ck_assert_int_eq(atomic_load(&r.waits), 2 * REFUSED_ROUNDS);
	/* Nothing left behind: the counter is 0 and no waiter is counted. */
	ck_assert_int_eq(gs_wg_add(&r.wg, 1), 0);
	ck_assert_int_eq(gs_wg_done(&r.wg), 0);
	gs_wg_wait(&r.wg);
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

/* ---- RWMutex (Go's rwmutex_test.go) -------------------------------------------------- */

/* A loop test running main_fn at GOMAXPROCS 1, then 4 (as Go's tests vary it). */
static const int procs_1_4[] = { 1, 4 };
#define PROCS_1_4_TEST(name, main_fn)                                                              \
	START_TEST(name)                                                                           \
	{                                                                                          \
		tu_run(main_fn, NULL, procs_1_4[_i]);                                              \
	}                                                                                          \
	END_TEST

/* *max = max(*max, v) */
static void
note_max(_Atomic int64_t *max, int64_t v)
{
	for (int64_t m = atomic_load(max); v > m;)
		if (atomic_compare_exchange_weak(max, &m, v))
			break;
}

/* TestParallelReaders: every reader holds the read lock at once; none lets go
 * before all of them have it (a lock that admits one reader at a time
 * deadlocks here and the test times out). */
struct par_readers {
	gs_rwmutex rw;
	gs_waitgroup locked; /* each reader counts down once it holds the lock */
	gs_waitgroup gate;   /* main counts it down once all hold it */
	gs_waitgroup done;
	_Atomic int holding;
	_Atomic int64_t max_holding;
};

static void
par_reader(void *arg)
{
	struct par_readers *t = arg;

	gs_rwmutex_rlock(&t->rw);
	note_max(&t->max_holding, atomic_fetch_add(&t->holding, 1) + 1);
	TU_WG_DONE(&t->locked);
	gs_wg_wait(&t->gate);
	atomic_fetch_sub(&t->holding, 1);
	ck_assert_int_eq(gs_rwmutex_runlock(&t->rw), 0);
	TU_WG_DONE(&t->done);
}

static void
main_parallel_readers(void *arg)
{
	int n = *(int *)arg;
	static struct par_readers t;

	memset(&t, 0, sizeof t);
	TU_WG_ADD(&t.locked, n);
	TU_WG_ADD(&t.gate, 1);
	TU_WG_ADD(&t.done, n);
	for (int i = 0; i < n; i++)
		TU_GO(par_reader, &t);
	gs_wg_wait(&t.locked);
	ck_assert_int_eq(atomic_load(&t.max_holding), n);
	TU_WG_DONE(&t.gate);
	gs_wg_wait(&t.done);
	/* all gone: a writer gets it at once */
	gs_rwmutex_lock(&t.rw);
	ck_assert_int_eq(gs_rwmutex_unlock(&t.rw), 0);
}

START_TEST(test_rw_parallel_readers)
{
	static const int cases[][2] = { { 1, 4 }, { 3, 4 }, { 4, 2 } }; /* procs, readers */
	int n = cases[_i][1];

	tu_run(main_parallel_readers, &n, cases[_i][0]);
}
END_TEST

/* TestRWMutex (HammerRWMutex): readers and writers share an activity counter,
 * readers adding 1 and writers 10000 while they hold the lock: a reader must
 * never see a writer inside, a writer never anyone. */
#define RW_WRITER 10000

struct hammer {
	gs_rwmutex rw;
	_Atomic int32_t activity;
	_Atomic int bad_r, bad_w;
	uint64_t shared; /* written only under the write lock; not atomic */
	gs_waitgroup wg;
	int iters;
};

static void
hammer_reader(void *arg)
{
	struct hammer *h = arg;

	for (int i = 0; i < h->iters; i++) {
		gs_rwmutex_rlock(&h->rw);
		int32_t n = atomic_fetch_add(&h->activity, 1) + 1;
		if (n < 1 || n >= RW_WRITER)
			atomic_fetch_add(&h->bad_r, 1);
		volatile uint64_t seen = h->shared; /* a race TSan would see */
		(void)seen;
		if (i % 7 == 0)
			gs_yield();
		atomic_fetch_sub(&h->activity, 1);
		ck_assert_int_eq(gs_rwmutex_runlock(&h->rw), 0);
	}
	TU_WG_DONE(&h->wg);
}

static void
hammer_writer(void *arg)
{
	struct hammer *h = arg;

	for (int i = 0; i < h->iters; i++) {
		gs_rwmutex_lock(&h->rw);
		int32_t n = atomic_fetch_add(&h->activity, RW_WRITER) + RW_WRITER;
		if (n != RW_WRITER)
			atomic_fetch_add(&h->bad_w, 1);
		uint64_t v = h->shared;
		if (i % 5 == 0)
			gs_yield();
		h->shared = v + 1;
		atomic_fetch_sub(&h->activity, RW_WRITER);
		ck_assert_int_eq(gs_rwmutex_unlock(&h->rw), 0);
	}
	TU_WG_DONE(&h->wg);
}

static void
main_hammer_rw(void *arg)
{
	int readers = *(int *)arg;
	static struct hammer h;

	memset(&h, 0, sizeof h);
	h.iters = TU_SANITIZED ? 200 : 1000;
	/* Go's order: a writer, half the readers, a writer, the other half. */
	TU_WG_ADD(&h.wg, 2 + readers);
	TU_GO(hammer_writer, &h);
	for (int i = 0; i < readers / 2; i++)
		TU_GO(hammer_reader, &h);
	TU_GO(hammer_writer, &h);
	for (int i = readers / 2; i < readers; i++)
		TU_GO(hammer_reader, &h);
	gs_wg_wait(&h.wg);
	ck_assert_int_eq(atomic_load(&h.bad_r), 0);
	ck_assert_int_eq(atomic_load(&h.bad_w), 0);
	ck_assert_int_eq(atomic_load(&h.activity), 0);
	ck_assert_uint_eq(h.shared, 2 * (uint64_t)h.iters);
}

START_TEST(test_rw_hammer)
{
	static const int cases[][2] = { { 1, 1 }, { 1, 3 }, { 1, 10 }, { 4, 1 }, { 4, 3 },
		{ 4, 10 } }; /* procs, readers */
	int readers = cases[_i][1];

	tu_run(main_hammer_rw, &readers, cases[_i][0]);
}
END_TEST

/* Writer preference, as Go's: with a reader inside and a writer waiting, a
 * new reader waits too; the writer goes first when the reader leaves, and the
 * readers that queued behind it all get in when it unlocks, before the next
 * writer. */
struct rwpref {
	gs_rwmutex rw;
	gs_waitgroup wg;
	_Atomic int seq;      /* order of entering */
	_Atomic int order[8]; /* by role: the seq at which it got the lock */
	_Atomic int inside_r; /* readers in now */
	_Atomic int w2_saw_r; /* readers inside when the second writer got in */
};

enum { RP_W1, RP_R2, RP_R3, RP_W2 };

static void
rp_writer(void *arg)
{
	struct rwpref *t = ((void **)arg)[0];
	int role = (int)(intptr_t)((void **)arg)[1];

	gs_rwmutex_lock(&t->rw);
	atomic_store(&t->order[role], atomic_fetch_add(&t->seq, 1) + 1);
	if (role == RP_W2)
		atomic_store(&t->w2_saw_r, atomic_load(&t->inside_r));
	ck_assert_int_eq(gs_rwmutex_unlock(&t->rw), 0);
	TU_WG_DONE(&t->wg);
}

static void
rp_reader(void *arg)
{
	struct rwpref *t = ((void **)arg)[0];
	int role = (int)(intptr_t)((void **)arg)[1];

	gs_rwmutex_rlock(&t->rw);
	atomic_fetch_add(&t->inside_r, 1);
	atomic_store(&t->order[role], atomic_fetch_add(&t->seq, 1) + 1);
	/* stay inside until both queued readers are in: they entered together */
	while (atomic_load(&t->order[RP_R2]) == 0 || atomic_load(&t->order[RP_R3]) == 0)
		gs_yield();
	atomic_fetch_sub(&t->inside_r, 1);
	ck_assert_int_eq(gs_rwmutex_runlock(&t->rw), 0);
	TU_WG_DONE(&t->wg);
}

GS_MAIN_TEST(test_rw_writer_preference, 2)
{
	static struct rwpref t;
	static void *args[4][2];
	gs_stats st;

	for (int i = 0; i < 4; i++) {
		args[i][0] = &t;
		args[i][1] = (void *)(intptr_t)i;
	}
	ck_assert_int_eq(gs_rwmutex_runlock(&t.rw), GS_EPERM);
	ck_assert_int_eq(gs_rwmutex_unlock(&t.rw), GS_EPERM);
	gs_rwmutex_rlock(&t.rw); /* the first reader: main */
	TU_WG_ADD(&t.wg, 4);
	TU_GO(rp_writer, args[RP_W1]);
	ck_assert_int_eq(tu_wait_waiting(GS_WAIT_RWMUTEX_LOCK, 1, TU_SEC(10)), 1);
	/* Only a reader holds it, yet new readers wait behind the writer. */
	TU_GO(rp_reader, args[RP_R2]);
	TU_GO(rp_reader, args[RP_R3]);
	ck_assert_int_eq(tu_wait_waiting(GS_WAIT_RWMUTEX_RLOCK, 2, TU_SEC(10)), 2);
	TU_GO(rp_writer, args[RP_W2]);
	ck_assert_int_eq(tu_wait_waiting(GS_WAIT_RWMUTEX_LOCK, 2, TU_SEC(10)), 2);
	ck_assert_int_eq(atomic_load(&t.seq), 0);
	ck_assert_int_eq(gs_read_stats(&st), 0);
	ck_assert_int_eq(st.by_waitreason[GS_WAIT_RWMUTEX_RLOCK], 2);
	ck_assert_int_eq(gs_rwmutex_runlock(&t.rw), 0);
	gs_wg_wait(&t.wg);
	ck_assert_int_eq(atomic_load(&t.order[RP_W1]), 1);
	ck_assert_int_ge(atomic_load(&t.order[RP_R2]), 2);
	ck_assert_int_le(atomic_load(&t.order[RP_R2]), 3);
	ck_assert_int_ge(atomic_load(&t.order[RP_R3]), 2);
	ck_assert_int_le(atomic_load(&t.order[RP_R3]), 3);
	ck_assert_int_eq(atomic_load(&t.order[RP_W2]), 4);
	ck_assert_int_eq(atomic_load(&t.w2_saw_r), 0);
	ck_assert_str_eq(gs_waitreason_name(GS_WAIT_RWMUTEX_RLOCK), "sync.RWMutex.RLock");
	ck_assert_str_eq(gs_waitreason_name(GS_WAIT_RWMUTEX_LOCK), "sync.RWMutex.Lock");
}

/* ---- Once (Go's once_test.go) --------------------------------------------------------- */

#define ONCE_G 10

struct once_test {
	gs_once once;
	_Atomic int calls;    /* times fn ran */
	_Atomic int returned; /* gs_once_do calls that returned */
	_Atomic int bad;      /* callers that returned before fn's effect */
	gs_waitgroup gate;    /* fn waits on it: the others must wait for fn */
	gs_waitgroup wg;
	int value; /* fn's effect; plain memory */
};

static void
once_fn(void *arg)
{
	struct once_test *t = arg;

	atomic_fetch_add(&t->calls, 1);
	gs_wg_wait(&t->gate);
	t->value = 42;
}

static void
once_caller(void *arg)
{
	struct once_test *t = arg;

	gs_once_do(&t->once, once_fn, t);
	if (t->value != 42)
		atomic_fetch_add(&t->bad, 1);
	atomic_fetch_add(&t->returned, 1);
	TU_WG_DONE(&t->wg);
}

static void
main_once(void *arg)
{
	(void)arg;
	static struct once_test t;

	memset(&t, 0, sizeof t);
	TU_WG_ADD(&t.gate, 1);
	TU_WG_ADD(&t.wg, ONCE_G);
	for (int i = 0; i < ONCE_G; i++)
		TU_GO(once_caller, &t);
	/* One runs fn (held at the gate); every other caller waits for it. */
	ck_assert_int_eq(tu_wait_waiting(GS_WAIT_MUTEX, ONCE_G - 1, TU_SEC(10)), ONCE_G - 1);
	ck_assert_int_eq(atomic_load(&t.calls), 1);
	ck_assert_int_eq(atomic_load(&t.returned), 0);
	TU_WG_DONE(&t.gate);
	gs_wg_wait(&t.wg);
	ck_assert_int_eq(atomic_load(&t.calls), 1);
	ck_assert_int_eq(atomic_load(&t.bad), 0);
	/* and never again */
	gs_once_do(&t.once, once_fn, &t);
	ck_assert_int_eq(atomic_load(&t.calls), 1);
}

PROCS_1_4_TEST(test_once, main_once)

/* ---- Cond (Go's cond_test.go) ---------------------------------------------------------- */

struct cond_test {
	gs_mutex m;
	gs_cond c;
	gs_chan *running, *awake;
	bool exit;
	int n;
};

static void
chan_put(gs_chan *c, int v)
{
	ck_assert_int_eq(gs_chan_send(c, &v), 0);
}

static int
chan_get(gs_chan *c)
{
	int v = -1;

	ck_assert_int_eq(gs_chan_recv(c, &v), 1);
	return v;
}

/* nothing waiting in c */
static void
assert_empty(gs_chan *c, const char *what)
{
	int v;

	ck_assert_msg(gs_chan_tryrecv(c, &v) == 0, "%s", what);
}

/* Waits once on t->c, saying its number (arg: {t, number}) on running
 * before and on awake after. */
static void
cond_waiter(void *arg)
{
	struct cond_test *t = ((void **)arg)[0];
	int i = (int)(intptr_t)((void **)arg)[1];

	gs_mutex_lock(&t->m);
	chan_put(t->running, i);
	ck_assert_int_eq(gs_cond_wait(&t->c, &t->m), 0);
	chan_put(t->awake, i);
	ck_assert_int_eq(gs_mutex_unlock(&t->m), 0);
}

/* TestCondSignal */
GS_MAIN_TEST(test_cond_signal, 4)
{
	static struct cond_test t;
	int n = 2;
	gs_stats st;

	t.running = gs_chan_make(sizeof(int), (size_t)n);
	t.awake = gs_chan_make(sizeof(int), (size_t)n);
	static void *args[2][2];
	for (int i = 0; i < n; i++) {
		args[i][0] = &t;
		args[i][1] = (void *)(intptr_t)i;
		TU_GO(cond_waiter, args[i]);
	}
	for (int i = 0; i < n; i++)
		chan_get(t.running); /* wait for everyone to run */
	ck_assert_int_eq(tu_wait_waiting(GS_WAIT_COND, n, TU_SEC(10)), n);
	while (n > 0) {
		assert_empty(t.awake, "goroutine not asleep");
		gs_mutex_lock(&t.m);
		gs_cond_signal(&t.c);
		ck_assert_int_eq(gs_mutex_unlock(&t.m), 0);
		chan_get(t.awake); /* deadlocks if no goroutine wakes up */
		assert_empty(t.awake, "too many goroutines awake");
		n--;
	}
	gs_cond_signal(&t.c);
	ck_assert_int_eq(tu_wait_numgoroutine(1, TU_SEC(10)), 1);
	ck_assert_int_eq(gs_read_stats(&st), 0);
	ck_assert_int_eq(st.by_waitreason[GS_WAIT_COND], 0);
	ck_assert_str_eq(gs_waitreason_name(GS_WAIT_COND), "sync.Cond.Wait");
	/* waiting on a mutex the caller does not hold is refused */
	gs_mutex mu = GS_MUTEX_INIT;
	ck_assert_int_eq(gs_cond_wait(&t.c, &mu), GS_EPERM);
	gs_chan_free(t.running);
	gs_chan_free(t.awake);
}

/* TestCondSignalGenerations: Signal wakes the goroutine that waited longest. */
#define GEN_N 100

GS_MAIN_TEST(test_cond_signal_generations, 4)
{
	static struct cond_test t;
	static void *args[GEN_N][2];

	t.running = gs_chan_make(sizeof(int), 0);
	t.awake = gs_chan_make(sizeof(int), 0);
	for (int i = 0; i < GEN_N; i++) {
		args[i][0] = &t;
		args[i][1] = (void *)(intptr_t)i;
		TU_GO(cond_waiter, args[i]);
		int g = chan_get(t.running);
		if (g != i)
			ck_abort_msg("running %d, want %d", g, i);
	}
	for (int i = 0; i < GEN_N; i++) {
		gs_cond_signal(&t.c);
		int g = chan_get(t.awake);
		if (g != i)
			ck_abort_msg("goroutine %d woke, want %d", g, i);
	}
	gs_chan_free(t.running);
	gs_chan_free(t.awake);
}

/* TestCondBroadcast */
static void
bcast_waiter(void *arg)
{
	struct cond_test *t = ((void **)arg)[0];
	int g = (int)(intptr_t)((void **)arg)[1];

	gs_mutex_lock(&t->m);
	for (int i = 0; i < t->n; i++) {
		chan_put(t->running, g);
		ck_assert_int_eq(gs_cond_wait(&t->c, &t->m), 0);
		chan_put(t->awake, g);
		if (t->exit)
			break;
	}
	ck_assert_int_eq(gs_mutex_unlock(&t->m), 0);
}

#define BCAST_N 100

static void
main_cond_broadcast(void *arg)
{
	(void)arg;
	static struct cond_test t;
	static void *args[BCAST_N][2];
	int n = TU_SANITIZED ? 20 : BCAST_N;
	bool seen[BCAST_N];

	memset(&t, 0, sizeof t);
	t.n = n;
	t.running = gs_chan_make(sizeof(int), (size_t)n);
	t.awake = gs_chan_make(sizeof(int), (size_t)n);
	for (int i = 0; i < n; i++) {
		args[i][0] = &t;
		args[i][1] = (void *)(intptr_t)i;
		TU_GO(bcast_waiter, args[i]);
	}
	for (int r = 0; r < n; r++) {
		for (int i = 0; i < n; i++)
			chan_get(t.running); /* deadlocks unless n are running */
		if (r == n - 1) {
			gs_mutex_lock(&t.m);
			t.exit = true;
			ck_assert_int_eq(gs_mutex_unlock(&t.m), 0);
		}
		assert_empty(t.awake, "goroutine not asleep");
		gs_mutex_lock(&t.m);
		gs_cond_broadcast(&t.c);
		ck_assert_int_eq(gs_mutex_unlock(&t.m), 0);
		memset(seen, 0, sizeof seen);
		for (int i = 0; i < n; i++) {
			int g = chan_get(t.awake);
			if (seen[g])
				ck_abort_msg("goroutine %d woke up twice", g);
			seen[g] = true;
		}
	}
	assert_empty(t.running, "goroutine did not exit");
	ck_assert_int_eq(tu_wait_numgoroutine(1, TU_SEC(10)), 1);
	gs_chan_free(t.running);
	gs_chan_free(t.awake);
}

PROCS_1_4_TEST(test_cond_broadcast, main_cond_broadcast)

/* TestCondSignalStealing: a broadcast racing a new waiter still wakes the
 * waiter that was there before it. */
struct steal {
	gs_mutex m;
	gs_cond c;
	gs_chan *ch;
	bool done;
};

static void
steal_first(void *arg)
{
	struct steal *s = arg;

	gs_mutex_lock(&s->m);
	chan_put(s->ch, 1);
	ck_assert_int_eq(gs_cond_wait(&s->c, &s->m), 0);
	ck_assert_int_eq(gs_mutex_unlock(&s->m), 0);
	chan_put(s->ch, 2);
}

static void
steal_bcast(void *arg)
{
	gs_cond_broadcast(&((struct steal *)arg)->c);
}

static void
steal_second(void *arg)
{
	struct steal *s = arg;

	gs_mutex_lock(&s->m);
	while (!s->done)
		ck_assert_int_eq(gs_cond_wait(&s->c, &s->m), 0);
	ck_assert_int_eq(gs_mutex_unlock(&s->m), 0);
}

GS_MAIN_TEST(test_cond_signal_stealing, 4)
{
	int iters = TU_SANITIZED ? 100 : 1000;

	for (int it = 0; it < iters; it++) {
		static struct steal s;
		memset(&s, 0, sizeof s);
		s.ch = gs_chan_make(sizeof(int), 0);
		TU_GO(steal_first, &s);
		chan_get(s.ch);
		/* it holds the mutex until it waits: now it does */
		gs_mutex_lock(&s.m);
		ck_assert_int_eq(gs_mutex_unlock(&s.m), 0);
		TU_GO(steal_bcast, &s);
		TU_GO(steal_second, &s);
		/* the first waiter gets the broadcast (a hang here fails by timeout) */
		int v = chan_get(s.ch);
		if (v != 2)
			ck_abort_msg("got %d", v);
		gs_mutex_lock(&s.m);
		s.done = true;
		ck_assert_int_eq(gs_mutex_unlock(&s.m), 0);
		gs_cond_broadcast(&s.c);
		ck_assert_int_eq(tu_wait_numgoroutine(1, TU_SEC(10)), 1);
		gs_chan_free(s.ch);
	}
}

/* ---- weighted semaphore (x/sync/semaphore's tests) ---------------------------------------- */

#define SEMA_G 8

struct hsema {
	gs_sema s;
	int64_t size;
	_Atomic int64_t inuse, max_inuse;
	_Atomic int bad;
	gs_waitgroup wg;
	int iters;
};

static void
hsema_worker(void *arg)
{
	struct hsema *h = arg;
	unsigned seed = (unsigned)(uintptr_t)&seed;

	for (int i = 0; i < h->iters; i++) {
		int64_t n = 1 + rand_r(&seed) % h->size;
		ck_assert_int_eq(gs_sema_acquire(&h->s, n), 0);
		int64_t u = atomic_fetch_add(&h->inuse, n) + n;
		if (u > h->size)
			atomic_fetch_add(&h->bad, 1);
		note_max(&h->max_inuse, u);
		if (i % 3 == 0)
			gs_yield();
		atomic_fetch_sub(&h->inuse, n);
		ck_assert_int_eq(gs_sema_release(&h->s, n), 0);
	}
	TU_WG_DONE(&h->wg);
}

/* TestWeighted (HammerWeighted): never more units out than the size. */
static void
main_sema_hammer(void *arg)
{
	(void)arg;
	static struct hsema h;

	memset(&h, 0, sizeof h);
	h.size = gs_gomaxprocs() + 1;
	h.iters = TU_SANITIZED ? 200 : 1000;
	ck_assert_int_eq(gs_sema_init(&h.s, h.size), 0);
	TU_WG_ADD(&h.wg, SEMA_G);
	for (int i = 0; i < SEMA_G; i++)
		TU_GO(hsema_worker, &h);
	gs_wg_wait(&h.wg);
	ck_assert_int_eq(atomic_load(&h.bad), 0);
	ck_assert_int_le(atomic_load(&h.max_inuse), h.size);
	/* all back: the whole size at once, without waiting */
	ck_assert(gs_sema_tryacquire(&h.s, h.size));
	ck_assert_int_eq(gs_sema_release(&h.s, h.size), 0);
}

PROCS_1_4_TEST(test_sema_hammer, main_sema_hammer)

/* TestWeightedTryAcquire and TestWeightedPanic (a refusal here) */
GS_MAIN_TEST(test_sema_tryacquire, 2)
{
	gs_sema s;

	ck_assert_int_eq(gs_sema_init(&s, -1), GS_EINVAL);
	ck_assert_int_eq(gs_sema_init(&s, 2), 0);
	ck_assert_int_eq(gs_sema_acquire(&s, 1), 0);
	ck_assert(gs_sema_tryacquire(&s, 1));
	ck_assert(!gs_sema_tryacquire(&s, 1));
	ck_assert_int_eq(gs_sema_release(&s, 2), 0);
	ck_assert(gs_sema_tryacquire(&s, 1));
	ck_assert_int_eq(gs_sema_acquire(&s, 1), 0);
	ck_assert(!gs_sema_tryacquire(&s, 1));
	/* releasing more than held, or a negative count, changes nothing */
	ck_assert_int_eq(gs_sema_release(&s, 3), GS_ERANGE);
	ck_assert_int_eq(gs_sema_release(&s, -1), GS_ERANGE);
	ck_assert_int_eq(gs_sema_release(&s, 2), 0);
	ck_assert_int_eq(gs_sema_release(&s, 1), GS_ERANGE);
	/* a request that could never be served */
	ck_assert_int_eq(gs_sema_acquire(&s, 3), GS_EINVAL);
	ck_assert_int_eq(gs_sema_acquire(&s, -1), GS_EINVAL);
	ck_assert(!gs_sema_tryacquire(&s, 3));
	ck_assert(gs_sema_tryacquire(&s, 0));
	ck_assert(gs_sema_tryacquire(&s, 2));
	ck_assert_int_eq(gs_sema_release(&s, 2), 0);
}

/* FIFO: a large request waiting at the head keeps a smaller one behind it
 * waiting even when the small one would fit (Weighted's notifyWaiters), so
 * the large one is not starved; they are then served in order. */
struct sfifo {
	gs_sema s;
	_Atomic int seq;
	_Atomic int big_at, small_at;
	gs_waitgroup wg;
};

static void
sfifo_big(void *arg)
{
	struct sfifo *f = arg;

	ck_assert_int_eq(gs_sema_acquire(&f->s, 4), 0);
	atomic_store(&f->big_at, atomic_fetch_add(&f->seq, 1) + 1);
	ck_assert_int_eq(gs_sema_release(&f->s, 4), 0);
	TU_WG_DONE(&f->wg);
}

static void
sfifo_small(void *arg)
{
	struct sfifo *f = arg;

	ck_assert_int_eq(gs_sema_acquire(&f->s, 1), 0);
	atomic_store(&f->small_at, atomic_fetch_add(&f->seq, 1) + 1);
	ck_assert_int_eq(gs_sema_release(&f->s, 1), 0);
	TU_WG_DONE(&f->wg);
}

GS_MAIN_TEST(test_sema_fifo, 2)
{
	static struct sfifo f;
	gs_stats st;

	ck_assert_int_eq(gs_sema_init(&f.s, 4), 0);
	ck_assert_int_eq(gs_sema_acquire(&f.s, 4), 0);
	TU_WG_ADD(&f.wg, 2);
	TU_GO(sfifo_big, &f);
	ck_assert_int_eq(tu_wait_waiting(GS_WAIT_SEMACQUIRE, 1, TU_SEC(10)), 1);
	TU_GO(sfifo_small, &f);
	ck_assert_int_eq(tu_wait_waiting(GS_WAIT_SEMACQUIRE, 2, TU_SEC(10)), 2);
	/* one unit free, and the small request still waits behind the big one */
	ck_assert_int_eq(gs_sema_release(&f.s, 1), 0);
	ck_assert(!gs_sema_tryacquire(&f.s, 1));
	ck_assert_int_eq(gs_read_stats(&st), 0);
	ck_assert_int_eq(st.by_waitreason[GS_WAIT_SEMACQUIRE], 2);
	ck_assert_int_eq(atomic_load(&f.seq), 0);
	ck_assert_int_eq(gs_sema_release(&f.s, 3), 0);
	gs_wg_wait(&f.wg);
	ck_assert_int_eq(atomic_load(&f.big_at), 1);
	ck_assert_int_eq(atomic_load(&f.small_at), 2);
	ck_assert(gs_sema_tryacquire(&f.s, 4));
}

/* TestLargeAcquireDoesntStarve: n holders keep releasing and re-acquiring one
 * unit each; a request for all n still gets served (a hang fails by timeout). */
struct starve {
	gs_sema s;
	_Atomic bool running;
	gs_waitgroup wg;
};

static void
starve_worker(void *arg)
{
	struct starve *t = arg;

	while (atomic_load(&t->running)) {
		gs_sleep(1000000);
		ck_assert_int_eq(gs_sema_release(&t->s, 1), 0);
		ck_assert_int_eq(gs_sema_acquire(&t->s, 1), 0);
	}
	ck_assert_int_eq(gs_sema_release(&t->s, 1), 0);
	TU_WG_DONE(&t->wg);
}

static void
main_sema_starve(void *arg)
{
	(void)arg;
	static struct starve t;
	int64_t n = gs_gomaxprocs();

	memset(&t, 0, sizeof t);
	atomic_store(&t.running, true);
	ck_assert_int_eq(gs_sema_init(&t.s, n), 0);
	TU_WG_ADD(&t.wg, (int)n);
	for (int64_t i = 0; i < n; i++) {
		ck_assert_int_eq(gs_sema_acquire(&t.s, 1), 0);
		TU_GO(starve_worker, &t);
	}
	ck_assert_int_eq(gs_sema_acquire(&t.s, n), 0);
	atomic_store(&t.running, false);
	ck_assert_int_eq(gs_sema_release(&t.s, n), 0);
	gs_wg_wait(&t.wg);
}

PROCS_1_4_TEST(test_sema_large_not_starved, main_sema_starve)

/* ---- every waiter kind from a plain thread, and blocked time by kind ------------------------ */

/* ---- plain threads wait on each of them too ------------------------------------------ */

struct plain2 {
	gs_rwmutex rw;
	gs_sema sema;
	gs_mutex mu;
	gs_cond cond;
	bool go;           /* under mu */
	_Atomic int stage; /* 2k+1: about to wait on the k-th, 2k+2: it got through */
};

static void *
plain2_thread(void *arg)
{
	struct plain2 *p = arg;

	atomic_store(&p->stage, 1);
	gs_rwmutex_rlock(&p->rw);
	atomic_store(&p->stage, 2);
	ck_assert_int_eq(gs_rwmutex_runlock(&p->rw), 0);
	atomic_store(&p->stage, 3);
	ck_assert_int_eq(gs_sema_acquire(&p->sema, 1), 0);
	atomic_store(&p->stage, 4);
	ck_assert_int_eq(gs_sema_release(&p->sema, 1), 0);
	gs_mutex_lock(&p->mu);
	atomic_store(&p->stage, 5);
	while (!p->go)
		ck_assert_int_eq(gs_cond_wait(&p->cond, &p->mu), 0);
	atomic_store(&p->stage, 6);
	ck_assert_int_eq(gs_mutex_unlock(&p->mu), 0);
	return NULL;
}

/* Wait for the thread to reach stage, then see it stay there a while. */
static void
plain2_stuck_at(struct plain2 *p, int stage)
{
	while (atomic_load(&p->stage) < stage)
		gs_sleep(1000000);
	for (int i = 0; i < 20; i++) {
		ck_assert_int_eq(atomic_load(&p->stage), stage);
		gs_sleep(1000000);
	}
}

GS_MAIN_TEST(test_plain_thread_waits_new_kinds, 2)
{
	static struct plain2 p;
	pthread_t t;

	ck_assert_int_eq(gs_sema_init(&p.sema, 1), 0);
	gs_rwmutex_lock(&p.rw);
	ck_assert_int_eq(gs_sema_acquire(&p.sema, 1), 0);
	ck_assert_int_eq(pthread_create(&t, NULL, plain2_thread, &p), 0);
	plain2_stuck_at(&p, 1);
	ck_assert_int_eq(gs_rwmutex_unlock(&p.rw), 0);
	plain2_stuck_at(&p, 3);
	ck_assert_int_eq(gs_sema_release(&p.sema, 1), 0);
	plain2_stuck_at(&p, 5);
	gs_mutex_lock(&p.mu); /* it waits on the cond, so the mutex is free */
	p.go = true;
	gs_cond_signal(&p.cond);
	ck_assert_int_eq(gs_mutex_unlock(&p.mu), 0);
	ck_assert_int_eq(gs_syscall_block(join_thread, &t), 0);
	ck_assert_int_eq(atomic_load(&p.stage), 6);
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
	tcase_add_test(tc, test_wg_refused_beside_waiters);
	tcase_add_test(tc, test_wg_many_waiters);
	tcase_add_test(tc, test_wg_reuse);
	suite_add_tcase(s, tc);

	tc = tu_tcase("rwmutex", 120);
	tcase_add_loop_test(tc, test_rw_parallel_readers, 0, 3);
	tcase_add_loop_test(tc, test_rw_hammer, 0, 6);
	tcase_add_test(tc, test_rw_writer_preference);
	suite_add_tcase(s, tc);

	tc = tu_tcase("once", 60);
	tcase_add_loop_test(tc, test_once, 0, 2);
	suite_add_tcase(s, tc);

	tc = tu_tcase("cond", 120);
	tcase_add_test(tc, test_cond_signal);
	tcase_add_test(tc, test_cond_signal_generations);
	tcase_add_loop_test(tc, test_cond_broadcast, 0, 2);
	tcase_add_test(tc, test_cond_signal_stealing);
	suite_add_tcase(s, tc);

	tc = tu_tcase("sema", 120);
	tcase_add_loop_test(tc, test_sema_hammer, 0, 2);
	tcase_add_test(tc, test_sema_tryacquire);
	tcase_add_test(tc, test_sema_fifo);
	tcase_add_test(tc, test_plain_thread_waits_new_kinds);
	tcase_add_loop_test(tc, test_sema_large_not_starved, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run_suite(sync_suite());
}
