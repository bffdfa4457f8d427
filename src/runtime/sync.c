/*
 * sync.c - Go's sync package for goroutines: Mutex, WaitGroup, RWMutex, Once,
 * Cond, and a weighted semaphore (golang.org/x/sync/semaphore.Weighted).
 *
 * All keep their waiters as sudogs on the waiters' own stacks, in a FIFO
 * guarded by a small runtime lock, and park through gopark so the lock is
 * released only after the waiter has left its stack.  A waker takes waiters
 * off the queue and changes the state for them under that lock (ownership is
 * handed over, never raced for), and readies them after dropping it.
 *
 * The mutex hands ownership directly to the longest waiter on unlock (Go's
 * starvation mode, always): no waiter can starve, and an unlocker that
 * immediately locks again queues behind the waiters.  The uncontended lock
 * and unlock are one CAS each.
 *
 * A plain thread (not a goroutine) may lock and wait too: it queues the same
 * way, with no goroutine, and sleeps on a note of its own until the waker
 * wakes it, blocking its thread (and only that thread).
 */
#include <string.h>

#include "runtime/internal.h"

enum {
	MUTEX_LOCKED = 1,
	MUTEX_WAITERS = 2, /* the queue is non-empty: unlock takes the slow path */
};

struct mutex_impl {
	_Atomic uint32_t state;
	gs_lock lock; /* guards the queue */
	gs_sudog *head, *tail;
};

/* Go's WaitGroup: the counter (high 32 bits) and the number of registered
 * waiters (low 32 bits) in one word, so the Add that brings the counter to
 * zero knows from that same word whether anyone waits. */
struct wg_impl {
	_Atomic uint64_t state;
	gs_lock lock;     /* guards pending and the queue */
	uint32_t pending; /* wake-ups owed to waiters not yet queued */
	gs_sudog *head, *tail;
};

/* Go's RWMutex, with the reader count and the writer flag under the queue
 * lock rather than in one atomic word: whoever changes them also decides who
 * to wake. */
struct rw_impl {
	gs_lock lock;
	int32_t readers;         /* holding a read lock */
	bool writer;             /* a writer holds it */
	gs_sudog *rhead, *rtail; /* readers waiting */
	gs_sudog *whead, *wtail; /* writers waiting */
};

struct once_impl {
	_Atomic uint32_t done; /* set once fn has returned: the fast path */
	gs_mutex m;            /* held while fn runs: later callers wait on it */
};

/* Go's notifyList: wait is the next ticket to hand a waiter, notify the next
 * to wake.  A waiter takes its ticket before it unlocks the user's mutex and
 * queues after, so a signal may come in between: it then finds its ticket
 * already notified and does not sleep. */
struct cond_impl {
	gs_lock lock; /* guards notify and the queue */
	_Atomic uint32_t wait, notify;
	gs_sudog *head, *tail;
};

struct sema_impl {
	gs_lock lock;
	int64_t size, cur;
	gs_sudog *head, *tail; /* waiting, each for its weight */
};

_Static_assert(sizeof(struct mutex_impl) <= sizeof(gs_mutex), "gs_mutex too small");
_Static_assert(sizeof(struct wg_impl) <= sizeof(gs_waitgroup), "gs_waitgroup too small");
_Static_assert(sizeof(struct rw_impl) <= sizeof(gs_rwmutex), "gs_rwmutex too small");
_Static_assert(sizeof(struct once_impl) <= sizeof(gs_once), "gs_once too small");
_Static_assert(sizeof(struct cond_impl) <= sizeof(gs_cond), "gs_cond too small");
_Static_assert(sizeof(struct sema_impl) <= sizeof(gs_sema), "gs_sema too small");

/* Queue sg, release l, and sleep until woken: a goroutine parks, a plain
 * thread sleeps on its note. */
static void
wait_queued(gs_sudog *sg, gs_lock *l, int reason)
{
	if (sg->g != NULL) {
		gs__gopark_nofail(gs__unlock_park, l, reason);
		return;
	}
	gs__unlockx(l);
	gs__notesleep(sg->note);
}

/* Wake a waiter wait_queued queued (the caller holds no lock: sg lives on
 * the waiter's stack and dies when it returns). */
static void
wake(gs_sudog *sg)
{
	gs_g *gp = sg->g;

	if (gp != NULL)
		gs__goready(gp);
	else
		gs__notewakeup(sg->note);
}

static void
push(gs_sudog **head, gs_sudog **tail, gs_sudog *sg)
{
	sg->next = NULL;
	if (*tail)
		(*tail)->next = sg;
	else
		*head = sg;
	*tail = sg;
}

static gs_sudog *
pop(gs_sudog **head, gs_sudog **tail)
{
	gs_sudog *sg = *head;

	if (sg) {
		*head = sg->next;
		if (*head == NULL)
			*tail = NULL;
		sg->next = NULL;
	}
	return sg;
}

/* A sudog for the caller: its goroutine, or for a plain thread a note. */
static void
sudog_init(gs_sudog *sg, gs_note *note)
{
	memset(sg, 0, sizeof *sg);
	sg->g = gs__getg();
	if (sg->g == NULL) {
		gs__noteclear(note);
		sg->note = note;
	}
}

/* l held: queue sg at the tail, release l and sleep until a waker took sg
 * off the queue and woke it. */
static void
enqueue_wait(gs_sudog *sg, gs_sudog **head, gs_sudog **tail, gs_lock *l, int reason)
{
	push(head, tail, sg);
	wait_queued(sg, l, reason);
	/* The acquire pairs with the waker's release on the queue lock. */
	atomic_thread_fence(memory_order_acquire);
}

/* Wake every waiter of a list taken off a queue (no lock held). */
static void
wake_list(gs_sudog *list)
{
	while (list) {
		gs_sudog *sg = list;
		list = sg->next; /* read before waking: sg dies with the waiter's frame */
		wake(sg);
	}
}

/* A blocking call is a scheduling point, as every gsched call. */
static void
preempt_point(void)
{
	gs_g *gp = gs__getg();

	if (gp)
		gs__preempt_check(gp);
}

bool
gs_mutex_trylock(gs_mutex *mu)
{
	struct mutex_impl *m = (struct mutex_impl *)mu;
	uint32_t zero = 0;

	return atomic_compare_exchange_strong_explicit(&m->state, &zero, MUTEX_LOCKED,
	    memory_order_acquire, memory_order_relaxed);
}

void
gs_mutex_lock(gs_mutex *mu)
{
	struct mutex_impl *m = (struct mutex_impl *)mu;
	preempt_point();
	if (gs_mutex_trylock(mu))
		return;
	/* Spin briefly: a holder on another M may be about to unlock. */
	for (int i = 0; i < 4; i++) {
		for (int k = 0; k < 30; k++)
			__asm__ __volatile__("" ::: "memory");
		if (gs_mutex_trylock(mu))
			return;
	}
	gs__lockx(&m->lock);
	for (;;) {
		uint32_t s = atomic_load_explicit(&m->state, memory_order_relaxed);
		if (!(s & MUTEX_LOCKED)) {
			if (atomic_compare_exchange_weak_explicit(&m->state, &s, s | MUTEX_LOCKED,
				memory_order_acquire, memory_order_relaxed)) {
				gs__unlockx(&m->lock);
				return;
			}
			continue;
		}
		if (atomic_compare_exchange_weak_explicit(&m->state, &s, s | MUTEX_WAITERS,
			memory_order_relaxed, memory_order_relaxed))
			break;
	}
	gs_sudog sg;
	gs_note note;
	sudog_init(&sg, &note);
	/* Woken by unlock, which handed the mutex to us still locked. */
	enqueue_wait(&sg, &m->head, &m->tail, &m->lock, GS_WAIT_MUTEX);
}

int
gs_mutex_unlock(gs_mutex *mu)
{
	struct mutex_impl *m = (struct mutex_impl *)mu;
	uint32_t locked = MUTEX_LOCKED;

	if (atomic_compare_exchange_strong_explicit(&m->state, &locked, 0, memory_order_release,
		memory_order_relaxed))
		return 0;
	if (!(locked & MUTEX_LOCKED))
		return GS_EPERM;
	gs__lockx(&m->lock);
	gs_sudog *sg = pop(&m->head, &m->tail);
	if (sg == NULL) {
		/* WAITERS without waiters cannot happen: it is set and the waiter
		 * queued under the same lock hold. */
		gs__unlockx(&m->lock);
		gs__throw("gs_mutex_unlock: waiter flag with an empty queue");
	}
	/* Hand over: stays LOCKED; WAITERS only while someone else still waits. */
	atomic_store_explicit(&m->state, m->head ? MUTEX_LOCKED | MUTEX_WAITERS : MUTEX_LOCKED,
	    memory_order_release);
	gs__unlockx(&m->lock);
	wake(sg);
	return 0;
}

int
gs_wg_add(gs_waitgroup *wgp, int64_t delta)
{
	struct wg_impl *wg = (struct wg_impl *)wgp;
	int rc = 0;

	if (delta < INT32_MIN || delta > INT32_MAX)
		return GS_ERANGE;
	/* One atomic add, as Go's Add: a compare-and-swap loop retries while
	 * goroutines on every P call Done at once (4 % of `bench spawn -p 2`). */
	uint64_t add = (uint64_t)delta << 32;
	uint64_t nst = atomic_fetch_add_explicit(&wg->state, add, memory_order_acq_rel) + add;
	int64_t v = (int64_t)(int32_t)((nst - add) >> 32) + delta;
	if (gs_unlikely(v < 0 || v > INT32_MAX)) {
		/* Out of range (Go panics): take it back.  A call racing with
		 * this one may see the bad value meanwhile; a waiter that
		 * registered on it is served below if the counter is back at 0. */
		nst = atomic_fetch_sub_explicit(&wg->state, add, memory_order_acq_rel) - add;
		v = (int64_t)(int32_t)(nst >> 32);
		rc = GS_ERANGE;
	}
	uint32_t waiters = (uint32_t)nst;
	/* Not zero, or zero with nobody registered to wait: touch nothing more.
	 * A waiter that saw the counter at zero has already returned and may
	 * have freed the wait group. */
	if (v != 0 || waiters == 0 || delta == 0)
		return rc;
	/* Zero with waiters: they were counted in the same word, so none of them
	 * can return before we serve it.  Reset for reuse, then wake each one
	 * queued and leave a pending wake-up for each still on its way to the
	 * queue. */
	atomic_store_explicit(&wg->state, 0, memory_order_relaxed);
	gs__lockx(&wg->lock);
	gs_sudog *list = NULL;
	while (waiters > 0 && wg->head) {
		gs_sudog *sg = pop(&wg->head, &wg->tail);
		sg->next = list;
		list = sg;
		waiters--;
	}
	wg->pending += waiters;
	gs__unlockx(&wg->lock);
	wake_list(list);
	return rc;
}

int
gs_wg_done(gs_waitgroup *wg)
{
	return gs_wg_add(wg, -1);
}

void
gs_wg_wait(gs_waitgroup *wgp)
{
	struct wg_impl *wg = (struct wg_impl *)wgp;
	uint64_t st = atomic_load_explicit(&wg->state, memory_order_acquire);

	/* Register as a waiter in the same word as the counter, or see it zero. */
	do {
		if ((st >> 32) == 0)
			return;
	} while (!atomic_compare_exchange_weak_explicit(&wg->state, &st, st + 1,
	    memory_order_acq_rel, memory_order_acquire));
	gs__lockx(&wg->lock);
	if (wg->pending > 0) {
		/* The counter reached zero before we got here. */
		wg->pending--;
		gs__unlockx(&wg->lock);
		return;
	}
	gs_sudog sg;
	gs_note note;
	sudog_init(&sg, &note);
	enqueue_wait(&sg, &wg->head, &wg->tail, &wg->lock, GS_WAIT_WAITGROUP);
}

/* ---- RWMutex ---------------------------------------------------------------- */

void
gs_rwmutex_rlock(gs_rwmutex *rwp)
{
	struct rw_impl *rw = (struct rw_impl *)rwp;

	preempt_point();
	gs__lockx(&rw->lock);
	/* A waiting writer keeps new readers out (Go's readerCount gone
	 * negative), so readers cannot starve it. */
	if (!rw->writer && rw->whead == NULL) {
		rw->readers++;
		gs__unlockx(&rw->lock);
		return;
	}
	gs_sudog sg;
	gs_note note;
	sudog_init(&sg, &note);
	/* Woken by the writer's unlock, which counted us in readers. */
	enqueue_wait(&sg, &rw->rhead, &rw->rtail, &rw->lock, GS_WAIT_RWMUTEX_RLOCK);
}

int
gs_rwmutex_runlock(gs_rwmutex *rwp)
{
	struct rw_impl *rw = (struct rw_impl *)rwp;
	gs_sudog *w = NULL;

	gs__lockx(&rw->lock);
	if (rw->readers == 0) {
		gs__unlockx(&rw->lock);
		return GS_EPERM;
	}
	/* The last reader out lets the waiting writer in. */
	if (--rw->readers == 0 && (w = pop(&rw->whead, &rw->wtail)) != NULL)
		rw->writer = true;
	gs__unlockx(&rw->lock);
	if (w)
		wake(w);
	return 0;
}

void
gs_rwmutex_lock(gs_rwmutex *rwp)
{
	struct rw_impl *rw = (struct rw_impl *)rwp;

	preempt_point();
	gs__lockx(&rw->lock);
	if (!rw->writer && rw->readers == 0 && rw->whead == NULL) {
		rw->writer = true;
		gs__unlockx(&rw->lock);
		return;
	}
	gs_sudog sg;
	gs_note note;
	sudog_init(&sg, &note);
	/* Woken by the last reader's runlock or a writer's unlock, which made
	 * us the writer. */
	enqueue_wait(&sg, &rw->whead, &rw->wtail, &rw->lock, GS_WAIT_RWMUTEX_LOCK);
}

int
gs_rwmutex_unlock(gs_rwmutex *rwp)
{
	struct rw_impl *rw = (struct rw_impl *)rwp;
	gs_sudog *list = NULL;

	gs__lockx(&rw->lock);
	if (!rw->writer) {
		gs__unlockx(&rw->lock);
		return GS_EPERM;
	}
	rw->writer = false;
	if (rw->rhead) {
		/* As Go's Unlock: every reader that queued during the write gets
		 * in; a waiting writer waits for them to leave. */
		list = rw->rhead;
		for (gs_sudog *sg = list; sg; sg = sg->next)
			rw->readers++;
		rw->rhead = rw->rtail = NULL;
	} else if ((list = pop(&rw->whead, &rw->wtail)) != NULL) {
		rw->writer = true;
	}
	gs__unlockx(&rw->lock);
	wake_list(list);
	return 0;
}

/* ---- Once ------------------------------------------------------------------- */

void
gs_once_do(gs_once *op, void (*fn)(void *), void *arg)
{
	struct once_impl *o = (struct once_impl *)op;

	/* As Go's Once.Do: done is set only after fn returned, so a caller that
	 * sees it also sees fn's effects; the rest serialize on the mutex. */
	if (atomic_load_explicit(&o->done, memory_order_acquire))
		return;
	gs_mutex_lock(&o->m);
	if (!atomic_load_explicit(&o->done, memory_order_relaxed)) {
		fn(arg);
		atomic_store_explicit(&o->done, 1, memory_order_release);
	}
	gs_mutex_unlock(&o->m);
}

/* ---- Cond ------------------------------------------------------------------- */

/* a < b for tickets that wrap (Go's less in notifyList) */
static bool
ticket_less(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

int
gs_cond_wait(gs_cond *cp, gs_mutex *mu)
{
	struct cond_impl *c = (struct cond_impl *)cp;
	struct mutex_impl *m = (struct mutex_impl *)mu;

	/* Refuse before taking a ticket: a ticket never waited for would eat a
	 * signal.  The caller holds mu, so it stays locked until we unlock it. */
	if (!(atomic_load_explicit(&m->state, memory_order_relaxed) & MUTEX_LOCKED))
		return GS_EPERM;
	preempt_point();
	uint32_t t = atomic_fetch_add_explicit(&c->wait, 1, memory_order_acq_rel);
	gs_mutex_unlock(mu);
	gs__lockx(&c->lock);
	if (ticket_less(t, atomic_load_explicit(&c->notify, memory_order_relaxed))) {
		gs__unlockx(&c->lock); /* signalled between the unlock and here */
	} else {
		gs_sudog sg;
		gs_note note;
		sudog_init(&sg, &note);
		sg.ticket = t;
		enqueue_wait(&sg, &c->head, &c->tail, &c->lock, GS_WAIT_COND);
	}
	gs_mutex_lock(mu);
	return 0;
}

void
gs_cond_signal(gs_cond *cp)
{
	struct cond_impl *c = (struct cond_impl *)cp;

	/* Nobody has waited since the last signal: nothing to do (no lock). */
	if (atomic_load_explicit(&c->wait, memory_order_acquire) ==
	    atomic_load_explicit(&c->notify, memory_order_acquire))
		return;
	gs__lockx(&c->lock);
	uint32_t t = atomic_load_explicit(&c->notify, memory_order_relaxed);
	if (t == atomic_load_explicit(&c->wait, memory_order_acquire)) {
		gs__unlockx(&c->lock);
		return;
	}
	atomic_store_explicit(&c->notify, t + 1, memory_order_relaxed);
	/* The holder of ticket t waited longest.  It may not have queued yet:
	 * then it finds t notified and does not sleep. */
	gs_sudog *prev = NULL, *sg = c->head;
	for (; sg && sg->ticket != t; prev = sg, sg = sg->next)
		;
	if (sg) {
		if (prev)
			prev->next = sg->next;
		else
			c->head = sg->next;
		if (c->tail == sg)
			c->tail = prev;
		sg->next = NULL;
	}
	gs__unlockx(&c->lock);
	if (sg)
		wake(sg);
}

void
gs_cond_broadcast(gs_cond *cp)
{
	struct cond_impl *c = (struct cond_impl *)cp;

	if (atomic_load_explicit(&c->wait, memory_order_acquire) ==
	    atomic_load_explicit(&c->notify, memory_order_acquire))
		return;
	gs__lockx(&c->lock);
	atomic_store_explicit(&c->notify, atomic_load_explicit(&c->wait, memory_order_acquire),
	    memory_order_relaxed);
	gs_sudog *list = c->head;
	c->head = c->tail = NULL;
	gs__unlockx(&c->lock);
	wake_list(list);
}

/* ---- weighted semaphore ----------------------------------------------------- */

int
gs_sema_init(gs_sema *sp, int64_t size)
{
	struct sema_impl *s = (struct sema_impl *)sp;

	if (size < 0)
		return GS_EINVAL;
	memset(s, 0, sizeof *s);
	s->size = size;
	return 0;
}

/* s->lock held: n units are free and nobody is ahead of the caller. */
static bool
sema_fits(struct sema_impl *s, int64_t n)
{
	return s->size - s->cur >= n && s->head == NULL;
}

int
gs_sema_acquire(gs_sema *sp, int64_t n)
{
	struct sema_impl *s = (struct sema_impl *)sp;

	preempt_point();
	gs__lockx(&s->lock);
	if (n < 0 || n > s->size) {
		gs__unlockx(&s->lock);
		return GS_EINVAL;
	}
	if (sema_fits(s, n)) {
		s->cur += n;
		gs__unlockx(&s->lock);
		return 0;
	}
	gs_sudog sg;
	gs_note note;
	sudog_init(&sg, &note);
	sg.weight = n;
	/* Woken by a release that counted our units in cur. */
	enqueue_wait(&sg, &s->head, &s->tail, &s->lock, GS_WAIT_SEMACQUIRE);
	return 0;
}

bool
gs_sema_tryacquire(gs_sema *sp, int64_t n)
{
	struct sema_impl *s = (struct sema_impl *)sp;
	bool ok;

	gs__lockx(&s->lock);
	ok = n >= 0 && sema_fits(s, n);
	if (ok)
		s->cur += n;
	gs__unlockx(&s->lock);
	return ok;
}

int
gs_sema_release(gs_sema *sp, int64_t n)
{
	struct sema_impl *s = (struct sema_impl *)sp;
	gs_sudog *list = NULL, **lt = &list;

	gs__lockx(&s->lock);
	if (n < 0 || n > s->cur) {
		gs__unlockx(&s->lock);
		return GS_ERANGE;
	}
	s->cur -= n;
	/* Serve the queue in order and stop at the first request that does not
	 * fit, as Weighted's notifyWaiters: letting smaller ones past it could
	 * starve it. */
	while (s->head && s->size - s->cur >= s->head->weight) {
		gs_sudog *sg = pop(&s->head, &s->tail);
		s->cur += sg->weight;
		*lt = sg;
		lt = &sg->next;
	}
	gs__unlockx(&s->lock);
	wake_list(list);
	return 0;
}
