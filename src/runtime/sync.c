/*
 * sync.c - Go's sync.Mutex and sync.WaitGroup for goroutines.
 *
 * Both keep their waiters as sudogs on the waiters' own stacks, in a FIFO
 * guarded by a small runtime lock, and park through gopark so the lock is
 * released only after the waiter has left its stack.
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

_Static_assert(sizeof(struct mutex_impl) <= sizeof(gs_mutex), "gs_mutex too small");
_Static_assert(sizeof(struct wg_impl) <= sizeof(gs_waitgroup), "gs_waitgroup too small");

/* Queue sg, release l, and sleep until woken: a goroutine parks, a plain
 * thread sleeps on its note. */
static void
wait_queued(gs_sudog *sg, gs_lock *l, int reason)
{
	if (sg->g != NULL) {
		gs__gopark(gs__unlock_park, l, reason);
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
	gs_g *gp = gs__getg();

	if (gp)
		gs__preempt_check(gp);
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
	memset(&sg, 0, sizeof sg);
	sg.g = gs__getg();
	if (sg.g == NULL) {
		gs__noteclear(&note);
		sg.note = &note;
	}
	push(&m->head, &m->tail, &sg);
	wait_queued(&sg, &m->lock, GS_WAIT_MUTEX);
	/* Woken by unlock, which handed the mutex to us still locked.  The
	 * acquire pairs with the unlocker's release on the queue lock. */
	atomic_thread_fence(memory_order_acquire);
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
	uint64_t st = atomic_load_explicit(&wg->state, memory_order_relaxed), nst;
	int64_t v;

	do {
		v = (int64_t)(int32_t)(st >> 32) + delta;
		if (v < 0 || v > INT32_MAX)
			return GS_ERANGE;
		nst = ((uint64_t)(uint32_t)v << 32) | (st & 0xffffffffu);
	} while (!atomic_compare_exchange_weak_explicit(&wg->state, &st, nst, memory_order_acq_rel,
	    memory_order_relaxed));
	uint32_t waiters = (uint32_t)nst;
	/* Not zero, or zero with nobody registered to wait: touch nothing more.
	 * A waiter that saw the counter at zero has already returned and may
	 * have freed the wait group. */
	if (v > 0 || waiters == 0 || delta == 0)
		return 0;
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
	while (list) {
		gs_sudog *sg = list;
		list = sg->next; /* read before waking: sg dies with the waiter's frame */
		wake(sg);
	}
	return 0;
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
	memset(&sg, 0, sizeof sg);
	sg.g = gs__getg();
	if (sg.g == NULL) {
		gs__noteclear(&note);
		sg.note = &note;
	}
	push(&wg->head, &wg->tail, &sg);
	wait_queued(&sg, &wg->lock, GS_WAIT_WAITGROUP);
	atomic_thread_fence(memory_order_acquire);
}
