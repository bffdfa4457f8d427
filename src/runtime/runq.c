/*
 * runq.c - the per-P local run queues and the global run queue (Go's runqput,
 * runqget, runqgrab, runqsteal, globrunqput, globrunqget).
 *
 * A local queue is a 256-slot ring.  Only the P's owner writes slots and moves
 * runqtail (store-release); anyone may take from runqhead by CAS (the owner in
 * runqget, thieves in runqgrab).  Indices only grow; the slot is index % 256.
 * runnext is a single slot in front of the ring, set by the owner and taken by
 * CAS by the owner or, in the last steal round, by a thief.
 */
#include <stdlib.h>
#include <sys/mman.h>

#include "runtime/internal.h"

#define RUNQ_MASK (GS_RUNQ_SIZE - 1)

static inline uint32_t
load_acq(_Atomic uint32_t *p)
{
	return atomic_load_explicit(p, memory_order_acquire);
}

static inline bool
cas_rel(_Atomic uint32_t *p, uint32_t old, uint32_t new)
{
	return atomic_compare_exchange_strong_explicit(p, &old, new, memory_order_acq_rel,
	    memory_order_relaxed);
}

bool
gs__runqempty(gs_p *pp)
{
	/* Read head, tail, runnext, then tail again: a G moved from runnext to
	 * the ring between the reads would otherwise make both look empty. */
	for (;;) {
		uint32_t head = load_acq(&pp->runqhead);
		uint32_t tail = load_acq(&pp->runqtail);
		gs_g *next = atomic_load_explicit(&pp->runnext, memory_order_acquire);
		if (tail == load_acq(&pp->runqtail))
			return head == tail && next == NULL;
	}
}

uint32_t
gs__runqlen(gs_p *pp)
{
	uint32_t head = load_acq(&pp->runqhead);
	uint32_t tail = load_acq(&pp->runqtail);
	uint32_t n = tail - head;

	return n > GS_RUNQ_SIZE ? 0 : n; /* torn read while racing: report nothing */
}

/* The queue is full: move half of it plus gp to the global queue in one batch.
 * Fails (returns false) if a consumer moved head meanwhile; the caller retries. */
static bool
runqputslow(gs_p *pp, gs_g *gp, uint32_t head, uint32_t tail)
{
	gs_g *batch[GS_RUNQ_SIZE / 2 + 1];
	uint32_t n = (tail - head) / 2;

	if (n != GS_RUNQ_SIZE / 2)
		gs__throw("runqputslow: queue is not full");
	for (uint32_t i = 0; i < n; i++)
		batch[i] =
		    atomic_load_explicit(&pp->runq[(head + i) & RUNQ_MASK], memory_order_relaxed);
	if (!cas_rel(&pp->runqhead, head, head + n))
		return false;
	batch[n] = gp;

	/* The batch is ours until the put: its ids are read here, and its
	 * moves come before anything another M does with them. */
	if (GS_EVON()) {
		int64_t m = GS_MID(gs__getm());
		gs__event_emit(GS_EV_GLOBAL_PUT, pp->id, -1, m, GS_GPUT_OVERFLOW, 0, n + 1);
		for (uint32_t i = 0; i <= n; i++)
			gs__event_emit(GS_EV_MOVE, -1, pp->id, m, -1, batch[i]->goid,
			    GS_MOVE_OVERFLOW);
	}
	gs__lockx(&gs__sched.lock);
	gs__globrunqputarray(batch, (int32_t)(n + 1));
	gs__unlockx(&gs__sched.lock);
	gs__stat_add(&pp->global_puts, n + 1);
	return true;
}

/*
 * With GOMAXPROCS 1 there is no thief: stealing needs a second P, and a
 * GOMAXPROCS change stops the world first.  The owner may then update
 * runnext and the ring head with plain (release) stores instead of locked
 * read-modify-writes, which halves the atomics of a channel round trip.
 * Observers only load these fields.
 */
static inline bool
nothieves(void)
{
	return gs__sched.gomaxprocs == 1;
}

void
gs__runqput(gs_p *pp, gs_g *gp, bool next)
{
	if (next) {
		/* The new G takes runnext; the one it displaces goes to the ring. */
		gs_g *old;
		if (nothieves()) {
			old = atomic_load_explicit(&pp->runnext, memory_order_relaxed);
			atomic_store_explicit(&pp->runnext, gp, memory_order_release);
		} else {
			old = atomic_exchange_explicit(&pp->runnext, gp, memory_order_acq_rel);
		}
		if (old == NULL)
			return;
		gp = old;
	}
	for (;;) {
		uint32_t head = load_acq(&pp->runqhead);
		uint32_t tail = atomic_load_explicit(&pp->runqtail, memory_order_relaxed);
		if (tail - head < GS_RUNQ_SIZE) {
			atomic_store_explicit(&pp->runq[tail & RUNQ_MASK], gp,
			    memory_order_relaxed);
			atomic_store_explicit(&pp->runqtail, tail + 1, memory_order_release);
			return;
		}
		if (runqputslow(pp, gp, head, tail))
			return;
	}
}

/* How far behind the G being taken runqget prefetches the next (gs__prefetchg). */
#define RUNQ_PREFETCH 4

/* The owner took the G at head of [head, tail): start loading a later one. */
static inline void
prefetchnext(gs_p *pp, uint32_t head, uint32_t tail)
{
	if (tail - head > RUNQ_PREFETCH && tail - head <= GS_RUNQ_SIZE)
		gs__prefetchg(atomic_load_explicit(&pp->runq[(head + RUNQ_PREFETCH) & RUNQ_MASK],
		    memory_order_relaxed));
}

bool
gs__runqgetnext(gs_p *pp, gs_g *next)
{
	if (nothieves()) {
		atomic_store_explicit(&pp->runnext, NULL, memory_order_relaxed);
		return true;
	}
	/* Only the owner and last-round thieves clear runnext, so a CAS failure
	 * means a thief took it. */
	return atomic_compare_exchange_strong_explicit(&pp->runnext, &next, NULL,
	    memory_order_acq_rel, memory_order_relaxed);
}

gs_g *
gs__runqget(gs_p *pp, bool *inherit)
{
	gs_g *next = atomic_load_explicit(&pp->runnext, memory_order_relaxed);

	if (next != NULL && gs__runqgetnext(pp, next)) {
		*inherit = true;
		return next;
	}
	*inherit = false;
	if (nothieves()) {
		uint32_t head = atomic_load_explicit(&pp->runqhead, memory_order_relaxed);
		uint32_t tail = atomic_load_explicit(&pp->runqtail, memory_order_relaxed);
		if (tail == head)
			return NULL;
		gs_g *gp = atomic_load_explicit(&pp->runq[head & RUNQ_MASK], memory_order_relaxed);
		atomic_store_explicit(&pp->runqhead, head + 1, memory_order_release);
		prefetchnext(pp, head, tail);
		return gp;
	}
	for (;;) {
		uint32_t head = load_acq(&pp->runqhead);
		uint32_t tail = atomic_load_explicit(&pp->runqtail, memory_order_relaxed);
		if (tail == head)
			return NULL;
		gs_g *gp = atomic_load_explicit(&pp->runq[head & RUNQ_MASK], memory_order_relaxed);
		if (cas_rel(&pp->runqhead, head, head + 1)) {
			prefetchnext(pp, head, tail);
			return gp;
		}
	}
}

int
gs__runqdrain(gs_p *pp, gs_g **headp, gs_g **tailp)
{
	gs_g *head = NULL, *tail = NULL;
	int n = 0;
	bool inherit;
	gs_g *gp;

	while ((gp = gs__runqget(pp, &inherit)) != NULL) {
		gp->schedlink = NULL;
		if (tail)
			tail->schedlink = gp;
		else
			head = gp;
		tail = gp;
		n++;
	}
	*headp = head;
	*tailp = tail;
	return n;
}

/* Copy half of pp's queue (rounded up) into batch starting at batchhead, and
 * take the copies out of pp by CAS on its head.  Returns how many; *qlen is
 * the ring's length the grab committed on (head confirmed by the CAS, tail
 * as read before copying), 0 when it took runnext. */
static uint32_t
runqgrab(gs_p *pp, _Atomic(gs_g *) *batch, uint32_t batchhead, bool stealrunnext, uint32_t *qlen)
{
	for (;;) {
		uint32_t head = load_acq(&pp->runqhead);
		uint32_t tail = load_acq(&pp->runqtail);
		uint32_t n = tail - head;
		*qlen = n;
		n = n - n / 2;
		if (n == 0) {
			if (!stealrunnext)
				return 0;
			gs_g *next = atomic_load_explicit(&pp->runnext, memory_order_acquire);
			if (next == NULL)
				return 0;
			if (atomic_load_explicit(&pp->status, memory_order_relaxed) ==
			    GS_P_RUNNING) {
				/* pp's M is about to run runnext itself, most likely; give it a
				 * moment rather than bouncing the G between threads (Go sleeps
				 * 3 us here for the same reason).  The moment is the time
				 * its goroutine takes to block after readying runnext:
				 * stretched in slow motion like the goroutine's work. */
				gs__usleep((unsigned)gs__scaled(3));
			}
			if (!atomic_compare_exchange_strong_explicit(&pp->runnext, &next, NULL,
				memory_order_acq_rel, memory_order_relaxed))
				continue;
			atomic_store_explicit(&batch[batchhead & RUNQ_MASK], next,
			    memory_order_relaxed);
			return 1;
		}
		if (n > GS_RUNQ_SIZE / 2)
			continue; /* head and tail read at different times: retry */
		for (uint32_t i = 0; i < n; i++) {
			gs_g *gp = atomic_load_explicit(&pp->runq[(head + i) & RUNQ_MASK],
			    memory_order_relaxed);
			atomic_store_explicit(&batch[(batchhead + i) & RUNQ_MASK], gp,
			    memory_order_relaxed);
		}
		if (cas_rel(&pp->runqhead, head, head + n))
			return n;
	}
}

/*
 * Go's runqgrab takes n - n/2 of the n Gs it sees in the victim's ring, and
 * the victim's runnext only when the ring is empty (then exactly that one G).
 * Anything else is a miss: stealhalfmisses stays 0 in a correct scheduler.
 */
void
gs__steal_count(gs_p *pp, uint32_t qlen, uint32_t took)
{
	uint32_t want = qlen > 0 ? qlen - qlen / 2 : 1;

	if (took != want)
		gs__stat_inc(&pp->stealhalfmisses);
	gs__peak_note(&pp->peak_steal, took);
}

gs_g *
gs__runqsteal(gs_p *pp, gs_p *p2, bool stealrunnext)
{
	uint32_t tail = atomic_load_explicit(&pp->runqtail, memory_order_relaxed);
	uint32_t qlen;
	uint32_t n = runqgrab(p2, pp->runq, tail, stealrunnext, &qlen);

	if (n == 0)
		return NULL;
	atomic_fetch_add_explicit(&p2->stolen_from, n, memory_order_relaxed);
	gs__stat_inc(&pp->steals);
	gs__stat_add(&pp->stolen, n);
	gs__steal_count(pp, qlen, n);
	n--;
	gs_g *gp = atomic_load_explicit(&pp->runq[(tail + n) & RUNQ_MASK], memory_order_relaxed);
	/* The stolen ones sit past our tail, unpublished: ours to read. */
	if (GS_EVON()) {
		int64_t m = GS_MID(gs__getm());
		gs__event_emit(GS_EV_STEAL, pp->id, p2->id, m, qlen == 0, gp->goid, n + 1);
		for (uint32_t i = 0; i <= n; i++) {
			gs_g *g = atomic_load_explicit(&pp->runq[(tail + i) & RUNQ_MASK],
			    memory_order_relaxed);
			gs__event_emit(GS_EV_MOVE, pp->id, p2->id, m, -1, g->goid, GS_MOVE_STEAL);
		}
	}
	if (n == 0)
		return gp;
	uint32_t head = load_acq(&pp->runqhead);
	if (tail - head + n >= GS_RUNQ_SIZE)
		gs__throw("runqsteal: runq overflow");
	atomic_store_explicit(&pp->runqtail, tail + n, memory_order_release);
	return gp;
}

/* ---- global run queue: all callers hold sched.lock ---------------------- */

static inline int32_t
gqlen(void)
{
	return atomic_load_explicit(&gs__sched.runqsize, memory_order_relaxed);
}

static inline void
gqsetlen(int32_t n)
{
	atomic_store_explicit(&gs__sched.runqsize, n, memory_order_relaxed);
}

/* The ring's memory.  It grows on the stack of whichever goroutine overflows
 * its local queue, which may be a 2 KiB one (gs_attr.stack_size): malloc can
 * need more than that (malloc_consolidate), so the ring is mapped directly;
 * mmap and munmap are plain system calls.  NULL if out of memory. */
static gs_g **
gqmap(uint32_t cap)
{
	void *q = mmap(NULL, cap * sizeof(gs_g *), PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return q == MAP_FAILED ? NULL : q;
}

static void
gqunmap(void)
{
	if (gs__sched.gq != NULL)
		munmap(gs__sched.gq, gs__sched.gqcap * sizeof *gs__sched.gq);
}

/* Room for n more. */
static void
gqreserve(int32_t n)
{
	uint32_t len = (uint32_t)gqlen(), cap = gs__sched.gqcap;

	if (len + (uint32_t)n <= cap)
		return;
	uint32_t ncap = cap ? cap : 1024;
	while (ncap < len + (uint32_t)n)
		ncap *= 2;
	gs_g **nq = gqmap(ncap);
	if (nq == NULL)
		gs__fatal("out of memory growing the global run queue to %u", ncap);
	for (uint32_t i = 0; i < len; i++)
		nq[i] = gs__sched.gq[(gs__sched.gqhead + i) & (cap - 1)];
	gqunmap();
	gs__sched.gq = nq;
	gs__sched.gqcap = ncap;
	gs__sched.gqhead = 0;
}

void
gs__globrunqput(gs_g *gp)
{
	gqreserve(1);
	uint32_t len = (uint32_t)gqlen();
	gs__sched.gq[(gs__sched.gqhead + len) & (gs__sched.gqcap - 1)] = gp;
	gqsetlen((int32_t)len + 1);
}

void
gs__globrunqputhead(gs_g *gp)
{
	gqreserve(1);
	gs__sched.gqhead = (gs__sched.gqhead - 1) & (gs__sched.gqcap - 1);
	gs__sched.gq[gs__sched.gqhead] = gp;
	gqsetlen(gqlen() + 1);
}

void
gs__globrunqputarray(gs_g *const *gs, int32_t n)
{
	gqreserve(n);
	uint32_t len = (uint32_t)gqlen(), mask = gs__sched.gqcap - 1;
	for (int32_t i = 0; i < n; i++)
		gs__sched.gq[(gs__sched.gqhead + len + (uint32_t)i) & mask] = gs[i];
	gqsetlen((int32_t)len + n);
}

void
gs__globrunqputbatch(gs_g *head, gs_g *tail, int32_t n)
{
	gqreserve(n);
	for (gs_g *gp = head; n > 0; n--) {
		gs_g *next = gp->schedlink;
		gs__globrunqput(gp);
		if (gp == tail)
			break;
		gp = next;
	}
}

gs_g *
gs__globrunqpop(void)
{
	int32_t len = gqlen();

	if (len == 0)
		return NULL;
	gs_g *gp = gs__sched.gq[gs__sched.gqhead];
	gs__sched.gqhead = (gs__sched.gqhead + 1) & (gs__sched.gqcap - 1);
	gqsetlen(len - 1);
	return gp;
}

gs_g *
gs__globrunqrotate(gs_g *gp)
{
	int32_t len = gqlen();

	if (len == 0)
		return gp;
	uint32_t h = gs__sched.gqhead, mask = gs__sched.gqcap - 1;
	gs_g *next = gs__sched.gq[h];
	if (next->lockedm != NULL || next->stack_lo == 0)
		return NULL;
	/* The tail's slot is the head's when the ring is full: read, then write. */
	gs__sched.gq[(h + (uint32_t)len) & mask] = gp;
	gs__sched.gqhead = (h + 1) & mask;
	return next;
}

gs_g *
gs__globrunqat(int32_t i)
{
	if (i < 0 || i >= gqlen())
		return NULL;
	return gs__sched.gq[(gs__sched.gqhead + (uint32_t)i) & (gs__sched.gqcap - 1)];
}

/* The ring's first 1024 slots, mapped as the runtime starts (on the thread
 * that starts it) so the common case never grows on a goroutine's stack.
 * Returns 0, or GS_ENOMEM. */
int
gs__globrunq_init(void)
{
	gs__globrunq_free();
	gs_g **q = gqmap(1024);
	if (q == NULL)
		return GS_ENOMEM;
	gs__sched.gq = q;
	gs__sched.gqcap = 1024;
	return 0;
}

void
gs__globrunq_free(void)
{
	gqunmap();
	gs__sched.gq = NULL;
	gs__sched.gqcap = 0;
	gs__sched.gqhead = 0;
	gqsetlen(0);
}

static gs_g *
globrunqget(gs_p *pp, int32_t max, bool fair)
{
	int32_t size = atomic_load_explicit(&gs__sched.runqsize, memory_order_relaxed);

	if (size == 0)
		return NULL;
	/* max 1 (the 1-in-61 check) needs no division. */
	int32_t n = max == 1 ? 1 : size / gs__sched.gomaxprocs + 1;
	if (n > size)
		n = size;
	if (max > 0 && n > max)
		n = max;
	if (n > GS_RUNQ_SIZE / 2)
		n = GS_RUNQ_SIZE / 2;
	/* The first one runs now; the rest must fit in pp's free slots, so the
	 * local puts below can never overflow back into the queue we hold. */
	int32_t room = (int32_t)(GS_RUNQ_SIZE - gs__runqlen(pp));
	if (n - 1 > room)
		n = room + 1;
	gs_g *gp = gs__globrunqpop();
	if (GS_EVON()) {
		/* Each one's move is written before a thief can see it on pp. */
		int64_t m = GS_MID(gs__getm());
		gs__event_emit(GS_EV_GLOBAL_GET, pp->id, -1, m, fair, gp->goid, n);
		gs__event_emit(GS_EV_MOVE, pp->id, -1, m, -1, gp->goid, GS_MOVE_GLOBAL_GET);
		while (--n > 0) {
			gs_g *g = gs__globrunqpop();
			gs__event_emit(GS_EV_MOVE, pp->id, -1, m, -1, g->goid, GS_MOVE_GLOBAL_GET);
			gs__runqput(pp, g, false);
		}
		return gp;
	}
	while (--n > 0)
		gs__runqput(pp, gs__globrunqpop(), false);
	return gp;
}

gs_g *
gs__globrunqget(gs_p *pp, int32_t max)
{
	return globrunqget(pp, max, false);
}

gs_g *
gs__globrunqget_fair(gs_p *pp)
{
	return globrunqget(pp, 1, true);
}
