/*
 * chan.c - channels and select, after Go's chan.go and select.go.
 *
 * A channel is a lock, a ring buffer of dataqsiz elements, and two wait queues
 * of sudogs (blocked receivers and senders).  A sudog lives on its goroutine's
 * own stack: the goroutine is parked while the sudog is queued, so the stack
 * cannot go away.  A blocked goroutine releases the channel lock only after it
 * has switched off its stack (gopark's unlock callback, on g0 or on arrival at
 * the goroutine it hands the P to), so a waker that takes the lock and dequeues
 * it can never ready a goroutine still running on its stack.
 *
 * Data moves directly between the two goroutines' buffers when one is waiting
 * (Go's direct send/receive), so an unbuffered hand-off copies once.
 *
 * A select queues one sudog per case and parks once.  The first waker to win
 * the CAS on the goroutine's selectdone completes its case; the others skip
 * that sudog.  On waking, the select locks all its channels again and removes
 * the losing sudogs.
 */
#include <stdlib.h>
#include <string.h>

#include "runtime/internal.h"

#define MAX_ELEM_SIZE (64 * 1024)
#define MAX_SELECT_CASES 64

typedef struct waitq {
	gs_sudog *first, *last;
} waitq;

struct gs_chan {
	gs_lock lock; /* guards everything below */
	bool closed;
	size_t elemsize;
	size_t dataqsiz;     /* buffer capacity */
	size_t qcount;       /* elements in the buffer */
	size_t sendx, recvx; /* ring indices */
	waitq recvq, sendq;
	char *buf;
};

gs_chan *
gs_chan_make(size_t elem_size, size_t cap)
{
	if (elem_size > MAX_ELEM_SIZE || (elem_size && cap > ((size_t)1 << 40) / elem_size))
		return NULL;
	gs_chan *c = calloc(1, sizeof *c);
	if (c == NULL)
		return NULL;
	if (cap && elem_size) {
		c->buf = calloc(cap, elem_size);
		if (c->buf == NULL) {
			free(c);
			return NULL;
		}
	}
	c->elemsize = elem_size;
	c->dataqsiz = cap;
	return c;
}

void
gs_chan_free(gs_chan *c)
{
	if (c == NULL)
		return;
	free(c->buf);
	free(c);
}

static inline char *
chanbuf(gs_chan *c, size_t i)
{
	return c->buf + i * c->elemsize;
}

static inline void
copyelem(gs_chan *c, void *dst, const void *src)
{
	if (dst == NULL)
		return;
	/* Word-sized elements are the common case: no library call for them. */
	switch (c->elemsize) {
	case 0:
		return;
	case 4:
		memcpy(dst, src, 4);
		return;
	case 8:
		memcpy(dst, src, 8);
		return;
	default:
		memcpy(dst, src, c->elemsize);
		return;
	}
}

static inline void
zeroelem(gs_chan *c, void *dst)
{
	if (c->elemsize && dst)
		memset(dst, 0, c->elemsize);
}

static void
enqueue(waitq *q, gs_sudog *sg)
{
	sg->next = NULL;
	sg->prev = q->last;
	if (q->last)
		q->last->next = sg;
	else
		q->first = sg;
	q->last = sg;
}

static void
unlink_sudog(waitq *q, gs_sudog *sg)
{
	if (sg->prev)
		sg->prev->next = sg->next;
	else if (q->first == sg)
		q->first = sg->next;
	else
		return; /* not queued (already dequeued by a waker) */
	if (sg->next)
		sg->next->prev = sg->prev;
	else
		q->last = sg->prev;
	sg->next = sg->prev = NULL;
}

/* Take the first waiter that can still be completed: a select whose other case
 * already won is skipped (and dropped from this queue). */
static gs_sudog *
dequeue(waitq *q)
{
	for (;;) {
		gs_sudog *sg = q->first;
		if (sg == NULL)
			return NULL;
		q->first = sg->next;
		if (q->first)
			q->first->prev = NULL;
		else
			q->last = NULL;
		sg->next = sg->prev = NULL;
		if (sg->isselect) {
			uint32_t zero = 0;
			if (!atomic_compare_exchange_strong(&sg->g->selectdone, &zero, 1))
				continue;
		}
		return sg;
	}
}

/* Complete a send to a waiting receiver sg: copy, mark, and ready it.
 * Called with c locked; unlocks it. */
static void
send_direct(gs_chan *c, gs_sudog *sg, const void *ep)
{
	if (sg->elem)
		copyelem(c, sg->elem, ep);
	sg->success = true;
	sg->g->param = sg;
	gs__unlockx(&c->lock);
	gs__goready(sg->g);
}

/* Complete a receive from a waiting sender sg.  Unbuffered: copy straight from
 * the sender.  Buffered (so the buffer is full): take the head of the buffer and
 * put the sender's value at its tail.  Called with c locked; unlocks it. */
static void
recv_direct(gs_chan *c, gs_sudog *sg, void *ep)
{
	if (c->dataqsiz == 0) {
		copyelem(c, ep, sg->elem);
	} else {
		char *slot = chanbuf(c, c->recvx);
		copyelem(c, ep, slot);
		copyelem(c, slot, sg->elem);
		if (++c->recvx == c->dataqsiz)
			c->recvx = 0;
		c->sendx = c->recvx;
	}
	sg->success = true;
	sg->g->param = sg;
	gs__unlockx(&c->lock);
	gs__goready(sg->g);
}

/* Returns 1 sent, 0 would block (only when !block), GS_ECLOSED.  Inlined into
 * the public calls: a resumed sender returns through one frame less, and each
 * return after a switch may be one the CPU mispredicts (see gs__gopark). */
static inline __attribute__((always_inline)) int
chansend(gs_chan *c, const void *ep, bool block, gs_g *gp)
{
	gs_sudog *sg;

	gs__lockx(&c->lock);
	if (c->closed) {
		gs__unlockx(&c->lock);
		return GS_ECLOSED;
	}
	if ((sg = dequeue(&c->recvq)) != NULL) {
		send_direct(c, sg, ep);
		return 1;
	}
	if (c->qcount < c->dataqsiz) {
		copyelem(c, chanbuf(c, c->sendx), ep);
		if (++c->sendx == c->dataqsiz)
			c->sendx = 0;
		c->qcount++;
		gs__unlockx(&c->lock);
		return 1;
	}
	if (!block) {
		gs__unlockx(&c->lock);
		return 0;
	}
	gs_sudog mysg = { .g = gp, .elem = (void *)ep, .c = c };
	gp->param = NULL;
	enqueue(&c->sendq, &mysg);
	gs__gopark_nofail(gs__unlock_park, &c->lock, GS_WAIT_CHAN_SEND);
	/* Woken by a receiver (success) or by close. */
	return mysg.success ? 1 : GS_ECLOSED;
}

/* Returns 1 received, 0 closed and drained (elem zeroed), GS_EAGAIN would block
 * (only when !block).  Inlined like chansend. */
static inline __attribute__((always_inline)) int
chanrecv(gs_chan *c, void *ep, bool block, gs_g *gp)
{
	gs_sudog *sg;

	gs__lockx(&c->lock);
	if (c->closed && c->qcount == 0) {
		gs__unlockx(&c->lock);
		zeroelem(c, ep);
		return 0;
	}
	if ((sg = dequeue(&c->sendq)) != NULL) {
		recv_direct(c, sg, ep);
		return 1;
	}
	if (c->qcount > 0) {
		char *slot = chanbuf(c, c->recvx);
		copyelem(c, ep, slot);
		zeroelem(c, slot);
		if (++c->recvx == c->dataqsiz)
			c->recvx = 0;
		c->qcount--;
		gs__unlockx(&c->lock);
		return 1;
	}
	if (!block) {
		gs__unlockx(&c->lock);
		return GS_EAGAIN;
	}
	gs_sudog mysg = { .g = gp, .elem = ep, .c = c };
	gp->param = NULL;
	enqueue(&c->recvq, &mysg);
	gs__gopark_nofail(gs__unlock_park, &c->lock, GS_WAIT_CHAN_RECV);
	return mysg.success ? 1 : 0;
}

int
gs__chan_send_nb(gs_chan *c, const void *ep)
{
	return chansend(c, ep, false, NULL);
}

int
gs_chan_send(gs_chan *c, const void *elem)
{
	if (c == NULL)
		return GS_EINVAL;
	gs_g *gp = gs__getg();
	if (gp == NULL)
		return GS_ENOTRUN;
	gs__preempt_check(gp);
	int r = chansend(c, elem, true, gp);
	return r == 1 ? 0 : r;
}

int
gs_chan_recv(gs_chan *c, void *elem)
{
	if (c == NULL)
		return GS_EINVAL;
	gs_g *gp = gs__getg();
	if (gp == NULL)
		return GS_ENOTRUN;
	gs__preempt_check(gp);
	return chanrecv(c, elem, true, gp);
}

int
gs_chan_trysend(gs_chan *c, const void *elem)
{
	if (c == NULL)
		return GS_EINVAL;
	if (!gs_in_goroutine())
		return GS_ENOTRUN;
	return chansend(c, elem, false, NULL);
}

int
gs_chan_tryrecv(gs_chan *c, void *elem)
{
	if (c == NULL)
		return GS_EINVAL;
	if (!gs_in_goroutine())
		return GS_ENOTRUN;
	int r = chanrecv(c, elem, false, NULL);
	if (r == GS_EAGAIN)
		return 0;
	return r == 0 ? GS_ECLOSED : r;
}

int
gs_chan_close(gs_chan *c)
{
	gs_sudog *sg, *wake = NULL;

	if (c == NULL)
		return GS_EINVAL;
	gs__lockx(&c->lock);
	if (c->closed) {
		gs__unlockx(&c->lock);
		return GS_ECLOSED;
	}
	c->closed = true;
	/* Collect everyone first, ready them after unlocking. */
	while ((sg = dequeue(&c->recvq)) != NULL) {
		zeroelem(c, sg->elem);
		sg->success = false;
		sg->g->param = sg;
		sg->waitlink = wake;
		wake = sg;
	}
	while ((sg = dequeue(&c->sendq)) != NULL) {
		sg->success = false;
		sg->g->param = sg;
		sg->waitlink = wake;
		wake = sg;
	}
	gs__unlockx(&c->lock);
	while (wake) {
		/* Read the link before readying: the sudog dies with its G's frame. */
		sg = wake;
		wake = sg->waitlink;
		if (gs_in_goroutine())
			gs__goready(sg->g);
		else
			gs__throw("gs_chan_close: waking goroutines from outside the runtime");
	}
	return 0;
}

size_t
gs_chan_len(gs_chan *c)
{
	if (c == NULL)
		return 0;
	gs__lockx(&c->lock);
	size_t n = c->qcount;
	gs__unlockx(&c->lock);
	return n;
}

size_t
gs_chan_cap(gs_chan *c)
{
	return c ? c->dataqsiz : 0;
}

/* ---- select -------------------------------------------------------------- */

/* Lock the distinct channels of a select in address order (lockorder is sorted),
 * which is how every select agrees on an order and none deadlocks. */
static void
sellock(gs_select_case *cases, const int *lockorder, int n)
{
	gs_chan *prev = NULL;

	for (int i = 0; i < n; i++) {
		gs_chan *c = cases[lockorder[i]].chan;
		if (c != prev)
			gs__lockx(&c->lock);
		prev = c;
	}
}

static void
selunlock(gs_select_case *cases, const int *lockorder, int n)
{
	/* In reverse, each distinct channel once. */
	for (int i = n - 1; i >= 0; i--) {
		gs_chan *c = cases[lockorder[i]].chan;
		if (i > 0 && cases[lockorder[i - 1]].chan == c)
			continue;
		gs__unlockx(&c->lock);
	}
}

/* Unlock every channel but c, whose lock the caller hands on. */
static void
selunlock_except(gs_select_case *cases, const int *lockorder, int n, gs_chan *c)
{
	gs_chan *prev = NULL;

	for (int i = 0; i < n; i++) {
		gs_chan *ci = cases[lockorder[i]].chan;
		if (ci != prev && ci != c)
			gs__unlockx(&ci->lock);
		prev = ci;
	}
}

struct selpark {
	gs_select_case *cases;
	const int *lockorder;
	int n;
};

/* gopark callback: unlock every channel once, off the selecting goroutine's
 * stack. */
static bool
selparkcommit(gs_g *gp, void *arg)
{
	struct selpark *sp = arg;

	(void)gp;
	selunlock(sp->cases, sp->lockorder, sp->n);
	return true;
}

static void
block_forever(void)
{
	gs__gopark(NULL, NULL, GS_WAIT_SELECT_NOCASES);
	gs__throw("select with no cases resumed");
}

int
gs_select(gs_select_case *cases, int n, bool has_default, int *send_err)
{
	int pollorder[MAX_SELECT_CASES], lockorder[MAX_SELECT_CASES];
	gs_sudog sgs[MAX_SELECT_CASES];
	int npoll = 0;

	if (n < 0 || n > MAX_SELECT_CASES || (n > 0 && cases == NULL))
		return GS_EINVAL;
	gs_g *self = gs__getg();
	if (self == NULL)
		return GS_ENOTRUN;
	gs__preempt_check(self);
	if (send_err)
		*send_err = 0;

	/* Random poll order over the non-nil cases (Fisher-Yates as we go). */
	for (int i = 0; i < n; i++) {
		if (cases[i].dir != GS_SELECT_RECV && cases[i].dir != GS_SELECT_SEND)
			return GS_EINVAL;
		cases[i].ok = false;
		if (cases[i].chan == NULL)
			continue;
		int j = (int)gs__fastrandn((uint32_t)npoll + 1);
		pollorder[npoll] = pollorder[j];
		pollorder[j] = i;
		npoll++;
	}
	if (npoll == 0) {
		if (has_default)
			return -1;
		block_forever();
	}
	/* Lock order: by channel address (insertion sort: n is small). */
	for (int i = 0; i < npoll; i++) {
		int k = pollorder[i], j = i;
		while (
		    j > 0 && (uintptr_t)cases[lockorder[j - 1]].chan > (uintptr_t)cases[k].chan) {
			lockorder[j] = lockorder[j - 1];
			j--;
		}
		lockorder[j] = k;
	}

	sellock(cases, lockorder, npoll);

	/* Pass 1: is any case ready now? */
	for (int i = 0; i < npoll; i++) {
		int k = pollorder[i];
		gs_select_case *cs = &cases[k];
		gs_chan *c = cs->chan;
		gs_sudog *sg;
		if (cs->dir == GS_SELECT_RECV) {
			if ((sg = dequeue(&c->sendq)) != NULL) {
				/* recv_direct unlocks c itself; release the others. */
				cs->ok = true;
				selunlock_except(cases, lockorder, npoll, c);
				recv_direct(c, sg, cs->elem);
				return k;
			}
			if (c->qcount > 0) {
				char *slot = chanbuf(c, c->recvx);
				copyelem(c, cs->elem, slot);
				zeroelem(c, slot);
				if (++c->recvx == c->dataqsiz)
					c->recvx = 0;
				c->qcount--;
				cs->ok = true;
				selunlock(cases, lockorder, npoll);
				return k;
			}
			if (c->closed) {
				zeroelem(c, cs->elem);
				cs->ok = false;
				selunlock(cases, lockorder, npoll);
				return k;
			}
		} else {
			if (c->closed) {
				selunlock(cases, lockorder, npoll);
				if (send_err)
					*send_err = GS_ECLOSED;
				return k;
			}
			if ((sg = dequeue(&c->recvq)) != NULL) {
				selunlock_except(cases, lockorder, npoll, c);
				send_direct(c, sg, cs->elem);
				return k;
			}
			if (c->qcount < c->dataqsiz) {
				copyelem(c, chanbuf(c, c->sendx), cs->elem);
				if (++c->sendx == c->dataqsiz)
					c->sendx = 0;
				c->qcount++;
				selunlock(cases, lockorder, npoll);
				return k;
			}
		}
	}

	if (has_default) {
		selunlock(cases, lockorder, npoll);
		return -1;
	}

	/* Pass 2: queue on every channel, in lock order, and park. */
	gs_g *gp = gs__getg();
	atomic_store(&gp->selectdone, 0);
	gp->param = NULL;
	for (int i = 0; i < npoll; i++) {
		int k = lockorder[i];
		gs_sudog *sg = &sgs[k];
		memset(sg, 0, sizeof *sg);
		sg->g = gp;
		sg->c = cases[k].chan;
		sg->elem = cases[k].elem;
		sg->isselect = true;
		sg->caseidx = k;
		enqueue(cases[k].dir == GS_SELECT_RECV ? &sg->c->recvq : &sg->c->sendq, sg);
	}
	struct selpark sp = { cases, lockorder, npoll };
	gs__gopark_nofail(selparkcommit, &sp, GS_WAIT_SELECT);

	/* Pass 3: the winner is in param; take the losers off their queues. */
	gs_sudog *won = gp->param;
	gp->param = NULL;
	sellock(cases, lockorder, npoll);
	for (int i = 0; i < npoll; i++) {
		int k = lockorder[i];
		gs_sudog *sg = &sgs[k];
		if (sg == won)
			continue;
		unlink_sudog(cases[k].dir == GS_SELECT_RECV ? &sg->c->recvq : &sg->c->sendq, sg);
	}
	selunlock(cases, lockorder, npoll);
	if (won == NULL)
		gs__throw("select: woken without a winning case");
	int k = won->caseidx;
	if (cases[k].dir == GS_SELECT_RECV) {
		cases[k].ok = won->success;
	} else if (!won->success && send_err) {
		*send_err = GS_ECLOSED;
	}
	return k;
}
