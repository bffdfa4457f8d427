/*
 * check_runq.c - data-structure tests of the local and global run queues
 * (runq.c), without a running scheduler: fake Ps and Gs, the global queue reached
 * through gs__sched under its lock, as findrunnable and schedule use them.
 *
 * The rules checked are Go's (proc.go: runqput, runqputslow, runqget, runqgrab,
 * runqsteal, globrunqget):
 *   - the local queue is FIFO; runnext runs first and inherits the time slice;
 *     putting with next kicks the old runnext to the tail of the queue;
 *   - putting into a full queue moves half of it plus the new G to the global queue;
 *   - a global batch is min(size/gomaxprocs+1, max, 128, free slots);
 *   - a steal takes half the victim's queue (rounded up), and its runnext only when
 *     asked and the victim's queue is empty.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/internal.h"
#include "testutil.h"

/* ---- fakes ------------------------------------------------------------------------ */

static gs_p *
fake_p(int32_t id)
{
	gs_p *pp = aligned_alloc(GS_CACHELINE, sizeof(gs_p));

	ck_assert_ptr_nonnull(pp);
	memset(pp, 0, sizeof(*pp));
	pp->id = id;
	atomic_store(&pp->status, GS_P_RUNNING);
	return pp;
}

static gs_g *
fake_gs(size_t n)
{
	gs_g *gs = calloc(n, sizeof(gs_g));

	ck_assert_ptr_nonnull(gs);
	for (size_t i = 0; i < n; i++) {
		gs[i].goid = (int64_t)i + 1;
		atomic_store(&gs[i].status, GS_G_RUNNABLE);
	}
	return gs;
}

static void
sched_reset(int32_t gomaxprocs)
{
	gs__lockx(&gs__sched.lock);
	gs__sched.gomaxprocs = gomaxprocs;
	gs__globrunq_free();
	gs__unlockx(&gs__sched.lock);
}

static int32_t
glob_size(void)
{
	int32_t n;

	gs__lockx(&gs__sched.lock);
	n = atomic_load(&gs__sched.runqsize);
	gs__unlockx(&gs__sched.lock);
	return n;
}

/* Count the global queue entry by entry, and check it agrees with runqsize. */
static int32_t
glob_walk(int *seen, gs_g *base, size_t nbase)
{
	int32_t n = 0;
	gs_g *gp;

	gs__lockx(&gs__sched.lock);
	while ((gp = gs__globrunqat(n)) != NULL) {
		if (seen != NULL) {
			ck_assert(gp >= base && gp < base + nbase);
			seen[gp - base]++;
		}
		n++;
		ck_assert_int_le(n, 1 << 22);
	}
	ck_assert_int_eq(n, atomic_load(&gs__sched.runqsize));
	gs__unlockx(&gs__sched.lock);
	return n;
}

/* ---- FIFO ------------------------------------------------------------------------- */

START_TEST(test_runq_fifo)
{
	gs_p *pp = fake_p(0);
	gs_g *gs = fake_gs(300);
	bool inherit;

	sched_reset(1);
	ck_assert(gs__runqempty(pp));
	ck_assert_uint_eq(gs__runqlen(pp), 0);
	ck_assert_ptr_null(gs__runqget(pp, &inherit));

	/* Several rounds so head and tail wrap around the 256 slots many times. */
	for (int round = 0; round < 40; round++) {
		int n = 1 + (round * 37) % 256;

		for (int i = 0; i < n; i++)
			gs__runqput(pp, &gs[i], false);
		ck_assert_uint_eq(gs__runqlen(pp), (uint32_t)n);
		ck_assert(!gs__runqempty(pp));
		for (int i = 0; i < n; i++) {
			inherit = true;
			gs_g *gp = gs__runqget(pp, &inherit);
			ck_assert_msg(gp == &gs[i], "round %d: got goid %" PRId64 " want %d", round,
			    gp ? gp->goid : -1, i + 1);
			ck_assert(!inherit);
		}
		ck_assert(gs__runqempty(pp));
		ck_assert_ptr_null(gs__runqget(pp, &inherit));
	}

	/* Exactly 256 fit without touching the global queue. */
	for (int i = 0; i < GS_RUNQ_SIZE; i++)
		gs__runqput(pp, &gs[i], false);
	ck_assert_uint_eq(gs__runqlen(pp), GS_RUNQ_SIZE);
	ck_assert_int_eq(glob_size(), 0);
	for (int i = 0; i < GS_RUNQ_SIZE; i++)
		ck_assert_ptr_eq(gs__runqget(pp, &inherit), &gs[i]);
	ck_assert(gs__runqempty(pp));
	free(gs);
	free(pp);
}
END_TEST

/* ---- runnext ------------------------------------------------------------------------ */

START_TEST(test_runq_runnext)
{
	gs_p *pp = fake_p(0);
	gs_g *gs = fake_gs(8);
	bool inherit;

	sched_reset(1);

	/* runnext alone makes the queue non-empty and comes out with inherit set. */
	gs__runqput(pp, &gs[0], true);
	ck_assert(!gs__runqempty(pp));
	inherit = false;
	ck_assert_ptr_eq(gs__runqget(pp, &inherit), &gs[0]);
	ck_assert(inherit);
	ck_assert(gs__runqempty(pp));

	/* runnext runs before older queued Gs. */
	gs__runqput(pp, &gs[1], false);
	gs__runqput(pp, &gs[2], false);
	gs__runqput(pp, &gs[3], true);
	ck_assert_ptr_eq(gs__runqget(pp, &inherit), &gs[3]);
	ck_assert(inherit);
	ck_assert_ptr_eq(gs__runqget(pp, &inherit), &gs[1]);
	ck_assert(!inherit);
	ck_assert_ptr_eq(gs__runqget(pp, &inherit), &gs[2]);
	ck_assert(!inherit);
	ck_assert(gs__runqempty(pp));

	/* A new runnext kicks the old one to the tail of the queue. */
	gs__runqput(pp, &gs[1], false);
	gs__runqput(pp, &gs[2], false);
	gs__runqput(pp, &gs[4], true);
	gs__runqput(pp, &gs[5], true);
	ck_assert_ptr_eq(atomic_load(&pp->runnext), &gs[5]);
	gs__runqput(pp, &gs[6], false);
	ck_assert_ptr_eq(gs__runqget(pp, &inherit), &gs[5]);
	ck_assert(inherit);
	ck_assert_ptr_eq(gs__runqget(pp, &inherit), &gs[1]);
	ck_assert_ptr_eq(gs__runqget(pp, &inherit), &gs[2]);
	ck_assert_ptr_eq(gs__runqget(pp, &inherit), &gs[4]);
	ck_assert(!inherit);
	ck_assert_ptr_eq(gs__runqget(pp, &inherit), &gs[6]);
	ck_assert_ptr_null(gs__runqget(pp, &inherit));
	ck_assert_int_eq(glob_size(), 0);
	free(gs);
	free(pp);
}
END_TEST

/* ---- overflow ----------------------------------------------------------------------- */

START_TEST(test_runq_overflow)
{
	enum { N = GS_RUNQ_SIZE + 1 };
	gs_p *pp = fake_p(0);
	gs_g *gs = fake_gs(N + 1);
	int seen[N + 1];
	bool inherit;

	sched_reset(1);
	for (int i = 0; i < GS_RUNQ_SIZE; i++)
		gs__runqput(pp, &gs[i], false);
	ck_assert_int_eq(glob_size(), 0);

	/* The 257th: half the queue (the oldest 128) plus it go global. */
	gs__runqput(pp, &gs[GS_RUNQ_SIZE], false);
	ck_assert_uint_eq(gs__runqlen(pp), GS_RUNQ_SIZE / 2);
	memset(seen, 0, sizeof(seen));
	ck_assert_int_eq(glob_walk(seen, gs, N + 1), GS_RUNQ_SIZE / 2 + 1);
	for (int i = 0; i < GS_RUNQ_SIZE / 2; i++)
		ck_assert_msg(seen[i] == 1, "old G %d not moved to the global queue once", i);
	ck_assert_int_eq(seen[GS_RUNQ_SIZE], 1);
	for (int i = GS_RUNQ_SIZE / 2; i < GS_RUNQ_SIZE; i++)
		ck_assert_int_eq(seen[i], 0);
	/* The newer half stays local, in order. */
	for (int i = GS_RUNQ_SIZE / 2; i < GS_RUNQ_SIZE; i++)
		ck_assert_ptr_eq(gs__runqget(pp, &inherit), &gs[i]);
	ck_assert(gs__runqempty(pp));
	free(gs);
	free(pp);
}
END_TEST

/* A full queue with a runnext: putting another runnext kicks the old one into the full
 * queue, which overflows.  Nothing may be lost or duplicated. */
START_TEST(test_runq_overflow_runnext)
{
	enum { N = GS_RUNQ_SIZE + 2 };
	gs_p *pp = fake_p(0);
	gs_g *gs = fake_gs(N);
	int seen[N];
	gs_g *gp;
	bool inherit;
	int local = 0;

	sched_reset(1);
	for (int i = 0; i < GS_RUNQ_SIZE; i++)
		gs__runqput(pp, &gs[i], false);
	gs__runqput(pp, &gs[GS_RUNQ_SIZE], true);
	ck_assert_int_eq(glob_size(), 0);
	gs__runqput(pp, &gs[GS_RUNQ_SIZE + 1], true);

	memset(seen, 0, sizeof(seen));
	int nglob = glob_walk(seen, gs, N);
	ck_assert_int_eq(nglob, GS_RUNQ_SIZE / 2 + 1);
	ck_assert_int_eq(seen[GS_RUNQ_SIZE], 1); /* the kicked runnext went global */
	gp = gs__runqget(pp, &inherit);
	ck_assert_ptr_eq(gp, &gs[GS_RUNQ_SIZE + 1]);
	ck_assert(inherit);
	seen[GS_RUNQ_SIZE + 1]++;
	while ((gp = gs__runqget(pp, &inherit)) != NULL) {
		seen[gp - gs]++;
		local++;
	}
	ck_assert_int_eq(local, GS_RUNQ_SIZE / 2);
	for (int i = 0; i < N; i++)
		ck_assert_msg(seen[i] == 1, "G %d seen %d times", i, seen[i]);
	free(gs);
	free(pp);
}
END_TEST

/* ---- global queue --------------------------------------------------------------------- */

static void
glob_put_range(gs_g *gs, int from, int to)
{
	gs__lockx(&gs__sched.lock);
	for (int i = from; i < to; i++)
		gs__globrunqput(&gs[i]);
	gs__unlockx(&gs__sched.lock);
}

static gs_g *
glob_get(gs_p *pp, int32_t max)
{
	gs_g *gp;

	gs__lockx(&gs__sched.lock);
	gp = gs__globrunqget(pp, max);
	gs__unlockx(&gs__sched.lock);
	return gp;
}

static void
drain_local(gs_p *pp)
{
	bool inherit;

	while (gs__runqget(pp, &inherit) != NULL)
		;
}

START_TEST(test_globrunq_batch)
{
	gs_p *pp = fake_p(0);
	gs_g *gs = fake_gs(600);
	bool inherit;
	gs_g *gp;

	/* Empty global queue: nothing. */
	sched_reset(4);
	ck_assert_ptr_null(glob_get(pp, 0));

	/* 100 Gs, 4 Ps: 100/4+1 = 26: the first returned, 25 queued locally in order. */
	glob_put_range(gs, 0, 100);
	ck_assert_int_eq(glob_size(), 100);
	gp = glob_get(pp, 0);
	ck_assert_ptr_eq(gp, &gs[0]);
	ck_assert_uint_eq(gs__runqlen(pp), 25);
	ck_assert_int_eq(glob_size(), 74);
	for (int i = 1; i <= 25; i++)
		ck_assert_ptr_eq(gs__runqget(pp, &inherit), &gs[i]);
	ck_assert(gs__runqempty(pp));

	/* max caps the batch: 74/4+1 = 19 > 5. */
	gp = glob_get(pp, 5);
	ck_assert_ptr_eq(gp, &gs[26]);
	ck_assert_uint_eq(gs__runqlen(pp), 4);
	ck_assert_int_eq(glob_size(), 69);
	drain_local(pp);

	/* max 1: exactly one, nothing queued locally (schedule's 1-in-61 check). */
	gp = glob_get(pp, 1);
	ck_assert_ptr_eq(gp, &gs[31]);
	ck_assert(gs__runqempty(pp));
	ck_assert_int_eq(glob_size(), 68);

	/* Fewer than gomaxprocs left: 3/4+1 = 1. */
	sched_reset(4);
	glob_put_range(gs, 100, 103);
	ck_assert_ptr_eq(glob_get(pp, 0), &gs[100]);
	ck_assert(gs__runqempty(pp));
	ck_assert_int_eq(glob_size(), 2);

	/* One P, 400 Gs: the batch stops at 128 (one returned, 127 queued). */
	sched_reset(1);
	glob_put_range(gs, 100, 500);
	gp = glob_get(pp, 0);
	ck_assert_ptr_eq(gp, &gs[100]);
	ck_assert_uint_eq(gs__runqlen(pp), 127);
	ck_assert_int_eq(glob_size(), 400 - 128);
	drain_local(pp);

	/* One P, 3 Gs: all of them (3/1+1 = 4 is more than there are). */
	sched_reset(1);
	glob_put_range(gs, 0, 3);
	ck_assert_ptr_eq(glob_get(pp, 0), &gs[0]);
	ck_assert_uint_eq(gs__runqlen(pp), 2);
	ck_assert_int_eq(glob_size(), 0);
	ck_assert_ptr_null(glob_get(pp, 0));
	drain_local(pp);
	free(gs);
	free(pp);
}
END_TEST

/* A batch never overflows the local queue: it is limited by the free slots.  (An
 * overflow here would call runqputslow, which takes sched.lock, already held.) */
START_TEST(test_globrunq_batch_free_slots)
{
	gs_p *pp = fake_p(0);
	gs_g *gs = fake_gs(400);
	int seen[400];
	gs_g *gp;
	bool inherit;

	sched_reset(1);
	for (int i = 0; i < 250; i++)
		gs__runqput(pp, &gs[i], false);
	glob_put_range(gs, 250, 350);
	gp = glob_get(pp, 0);
	ck_assert_ptr_nonnull(gp);
	uint32_t len = gs__runqlen(pp);
	int taken = 100 - glob_size();
	ck_assert_uint_le(len, GS_RUNQ_SIZE);
	ck_assert_int_ge(taken, 1);
	ck_assert_msg(taken <= GS_RUNQ_SIZE - 250 + 1,
	    "took %d from the global queue into a queue with %d free slots", taken,
	    GS_RUNQ_SIZE - 250);
	ck_assert_uint_eq(len, 250 + (uint32_t)taken - 1);

	/* Everything is still somewhere exactly once. */
	memset(seen, 0, sizeof(seen));
	seen[gp - gs]++;
	glob_walk(seen, gs, 400);
	while ((gp = gs__runqget(pp, &inherit)) != NULL)
		seen[gp - gs]++;
	for (int i = 0; i < 350; i++)
		ck_assert_msg(seen[i] == 1, "G %d seen %d times", i, seen[i]);

	/* A full local queue: schedule's fairness check (max 1) still gets one G. */
	sched_reset(1);
	for (int i = 0; i < GS_RUNQ_SIZE; i++)
		gs__runqput(pp, &gs[i], false);
	glob_put_range(gs, 300, 310);
	gp = glob_get(pp, 1);
	ck_assert_ptr_eq(gp, &gs[300]);
	ck_assert_uint_eq(gs__runqlen(pp), GS_RUNQ_SIZE);
	ck_assert_int_eq(glob_size(), 9);
	free(gs);
	free(pp);
}
END_TEST

START_TEST(test_globrunq_head_batch)
{
	gs_p *pp = fake_p(0);
	gs_g *gs = fake_gs(10);
	bool inherit;

	sched_reset(1);
	/* putbatch appends a schedlink list: 3,4,5. */
	gs[3].schedlink = &gs[4];
	gs[4].schedlink = &gs[5];
	gs[5].schedlink = NULL;
	gs__lockx(&gs__sched.lock);
	gs__globrunqput(&gs[0]);
	gs__globrunqputbatch(&gs[3], &gs[5], 3);
	gs__globrunqputhead(&gs[1]);
	gs__globrunqput(&gs[2]);
	gs__unlockx(&gs__sched.lock);
	ck_assert_int_eq(glob_walk(NULL, NULL, 0), 6);

	/* Order: 1 (head), 0, 3, 4, 5, 2. */
	static const int want[] = { 1, 0, 3, 4, 5, 2 };
	gs_g *gp = glob_get(pp, 0); /* 6/1+1: all of them */
	ck_assert_ptr_eq(gp, &gs[want[0]]);
	for (int i = 1; i < 6; i++)
		ck_assert_ptr_eq(gs__runqget(pp, &inherit), &gs[want[i]]);
	ck_assert_ptr_null(gs__runqget(pp, &inherit));
	ck_assert_int_eq(glob_size(), 0);
	free(gs);
	free(pp);
}
END_TEST

/* A yield's rotate: the yielder to the tail, the head out, the length the same,
 * on a full ring too (the tail's slot is the head's), the yielder itself from
 * an empty queue; a head that cannot run here (locked to an M, no stack yet)
 * leaves the queue as it was. */
START_TEST(test_globrunq_rotate)
{
	enum { N = 1024 }; /* the ring's first size: full */
	gs_g *gs = fake_gs(N + 1);
	static char stack;
	gs_m m;

	sched_reset(1);
	for (int i = 0; i <= N; i++)
		gs[i].stack_lo = (uintptr_t)&stack;
	gs__lockx(&gs__sched.lock);
	ck_assert_ptr_eq(gs__globrunqrotate(&gs[N]), &gs[N]); /* alone: put, then taken */
	ck_assert_int_eq(atomic_load(&gs__sched.runqsize), 0);
	for (int i = 0; i < N; i++)
		gs__globrunqput(&gs[i]);
	ck_assert_uint_eq(gs__sched.gqcap, N);
	ck_assert_ptr_eq(gs__globrunqrotate(&gs[N]), &gs[0]);
	ck_assert_int_eq(atomic_load(&gs__sched.runqsize), N);
	ck_assert_ptr_eq(gs__globrunqat(0), &gs[1]);
	ck_assert_ptr_eq(gs__globrunqat(N - 1), &gs[N]);
	gs[1].lockedm = &m;
	ck_assert_ptr_null(gs__globrunqrotate(&gs[0]));
	gs[1].lockedm = NULL;
	gs[1].stack_lo = 0;
	ck_assert_ptr_null(gs__globrunqrotate(&gs[0]));
	gs__unlockx(&gs__sched.lock);
	ck_assert_int_eq(glob_walk(NULL, NULL, 0), N);
	gs__lockx(&gs__sched.lock);
	for (int i = 1; i <= N; i++) {
		gs_g *gp = gs__globrunqpop();
		if (gp != &gs[i])
			ck_abort_msg("slot %d holds G %td, not %d", i - 1, gp - gs, i);
	}
	gs__unlockx(&gs__sched.lock);
	free(gs);
}
END_TEST

/* ---- steal ---------------------------------------------------------------------------- */

/* Victim with n queued Gs: the thief takes ceil(n/2) of the oldest, returns one of
 * them and queues the rest; the victim keeps the newest, in order. */
static void
check_steal_n(int n)
{
	gs_p *thief = fake_p(0), *victim = fake_p(1);
	gs_g *gs = fake_gs((size_t)n);
	int *seen = calloc((size_t)n, sizeof(int));
	int want = n - n / 2;
	bool inherit;
	gs_g *gp;

	for (int i = 0; i < n; i++)
		gs__runqput(victim, &gs[i], false);
	gp = gs__runqsteal(thief, victim, false);
	ck_assert_ptr_nonnull(gp);
	ck_assert_msg(gp >= gs && gp < gs + want, "n=%d: stole a G outside the oldest half", n);
	seen[gp - gs]++;
	ck_assert_uint_eq(gs__runqlen(thief), (uint32_t)want - 1);
	ck_assert_uint_eq(gs__runqlen(victim), (uint32_t)(n - want));
	/* the steal counted itself: Go's share, and the peak */
	ck_assert_uint_eq(atomic_load(&thief->steals), 1);
	ck_assert_uint_eq(atomic_load(&thief->stealhalfmisses), 0);
	ck_assert_uint_eq(gs__peak_value(atomic_load(&thief->peak_steal), gs__peak_epoch()),
	    (uint64_t)want);
	while ((gp = gs__runqget(thief, &inherit)) != NULL) {
		ck_assert(gp >= gs && gp < gs + want);
		seen[gp - gs]++;
	}
	for (int i = want; i < n; i++)
		ck_assert_ptr_eq(gs__runqget(victim, &inherit), &gs[i]);
	ck_assert(gs__runqempty(victim));
	for (int i = 0; i < want; i++)
		ck_assert_msg(seen[i] == 1, "n=%d: G %d seen %d times", n, i, seen[i]);
	free(seen);
	free(gs);
	free(thief);
	free(victim);
}

START_TEST(test_runq_steal_half)
{
	static const int ns[] = { 1, 2, 3, 7, 10, 64, 129, 255, 256 };

	sched_reset(2);
	for (size_t i = 0; i < sizeof(ns) / sizeof(ns[0]); i++)
		check_steal_n(ns[i]);
}
END_TEST

START_TEST(test_runq_steal_runnext)
{
	gs_p *thief = fake_p(0), *victim = fake_p(1);
	gs_g *gs = fake_gs(8);
	bool inherit;

	sched_reset(2);
	/* Empty victim: nothing. */
	ck_assert_ptr_null(gs__runqsteal(thief, victim, false));
	ck_assert_ptr_null(gs__runqsteal(thief, victim, true));

	/* Only a runnext: taken only when asked. */
	gs__runqput(victim, &gs[0], true);
	ck_assert_ptr_null(gs__runqsteal(thief, victim, false));
	ck_assert_ptr_eq(atomic_load(&victim->runnext), &gs[0]);
	ck_assert(!gs__runqempty(victim));
	ck_assert_ptr_eq(gs__runqsteal(thief, victim, true), &gs[0]);
	ck_assert_uint_eq(atomic_load(&thief->stealhalfmisses), 0); /* runnext alone: 1 */
	ck_assert_ptr_null(atomic_load(&victim->runnext));
	ck_assert(gs__runqempty(victim));
	ck_assert(gs__runqempty(thief));

	/* A queue and a runnext: the queue is stolen, runnext stays even when asked. */
	gs__runqput(victim, &gs[1], false);
	gs__runqput(victim, &gs[2], false);
	gs__runqput(victim, &gs[3], true);
	ck_assert_ptr_eq(gs__runqsteal(thief, victim, true), &gs[1]);
	ck_assert(gs__runqempty(thief));
	ck_assert_ptr_eq(atomic_load(&victim->runnext), &gs[3]);
	ck_assert_ptr_eq(gs__runqget(victim, &inherit), &gs[3]);
	ck_assert(inherit);
	ck_assert_ptr_eq(gs__runqget(victim, &inherit), &gs[2]);
	ck_assert(gs__runqempty(victim));
	ck_assert_uint_eq(atomic_load(&thief->steals), 2);
	ck_assert_uint_eq(atomic_load(&thief->stealhalfmisses), 0);
	free(gs);
	free(thief);
	free(victim);
}
END_TEST

/* The steal counter itself: Go's share (half rounded up; from an empty ring,
 * the runnext G alone) is no miss, anything else is one, so a grab that took
 * the wrong number would show in stealhalfmisses. */
START_TEST(test_steal_count)
{
	static const struct {
		uint32_t qlen, took;
		bool miss;
	} cases[] = {
		{ 1, 1, false }, { 2, 1, false }, { 3, 2, false }, { 10, 5, false },
		{ 255, 128, false }, { 256, 128, false }, { 0, 1, false }, /* runnext */
		{ 10, 4, true },                                           /* n/2 rounded down */
		{ 10, 6, true }, { 3, 1, true }, { 256, 256, true },       /* everything */
		{ 0, 2, true },                                            /* runnext and more */
	};
	gs_p *pp = fake_p(0);
	uint64_t misses = 0, peak = 0;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		gs__steal_count(pp, cases[i].qlen, cases[i].took);
		misses += cases[i].miss;
		if (cases[i].took > peak)
			peak = cases[i].took;
		ck_assert_msg(atomic_load(&pp->stealhalfmisses) == misses,
		    "qlen %u took %u: %" PRIu64 " misses, want %" PRIu64, cases[i].qlen,
		    cases[i].took, atomic_load(&pp->stealhalfmisses), misses);
		ck_assert_uint_eq(gs__peak_value(atomic_load(&pp->peak_steal), gs__peak_epoch()),
		    peak);
	}

	/* A new epoch (gs_reset_peaks) leaves the old peak unread, and the next
	 * steal starts the peak afresh, even when it is smaller. */
	uint64_t old = atomic_load(&pp->peak_steal);
	atomic_fetch_add(&gs__sched.peakepoch, 1);
	ck_assert_uint_eq(gs__peak_value(old, gs__peak_epoch()), 0);
	gs__steal_count(pp, 6, 3);
	ck_assert_uint_eq(gs__peak_value(atomic_load(&pp->peak_steal), gs__peak_epoch()), 3);
	/* a word of the old epoch stored late is still not the new one's */
	ck_assert_uint_eq(gs__peak_value(old, gs__peak_epoch()), 0);
	atomic_store(&gs__sched.peakepoch, 0);
	free(pp);
}
END_TEST

/* ---- drain ------------------------------------------------------------------------------ */

START_TEST(test_runq_drain)
{
	gs_p *pp = fake_p(0);
	gs_g *gs = fake_gs(300);
	int seen[300];
	gs_g *head = NULL, *tail = NULL;
	int n;

	sched_reset(1);
	/* Empty: 0, nothing returned. */
	ck_assert_int_eq(gs__runqdrain(pp, &head, &tail), 0);
	ck_assert_ptr_null(head);

	/* Wrap the indices first, then queue 200 plus a runnext. */
	for (int i = 0; i < 200; i++)
		gs__runqput(pp, &gs[i], false);
	drain_local(pp);
	for (int i = 0; i < 200; i++)
		gs__runqput(pp, &gs[i], false);
	gs__runqput(pp, &gs[250], true);
	n = gs__runqdrain(pp, &head, &tail);
	ck_assert_int_eq(n, 201);
	ck_assert(gs__runqempty(pp));
	ck_assert_ptr_null(atomic_load(&pp->runnext));

	memset(seen, 0, sizeof(seen));
	int count = 0;
	gs_g *last = NULL;
	for (gs_g *gp = head; gp != NULL && count <= n; gp = gp->schedlink) {
		seen[gp - gs]++;
		last = gp;
		count++;
		if (gp == tail)
			break;
	}
	ck_assert_int_eq(count, n);
	ck_assert_ptr_eq(last, tail);
	for (int i = 0; i < 200; i++)
		ck_assert_int_eq(seen[i], 1);
	ck_assert_int_eq(seen[250], 1);
	/* The queued ones come out in FIFO order. */
	int prev = -1;
	for (gs_g *gp = head; gp != NULL; gp = gp->schedlink) {
		int idx = (int)(gp - gs);
		if (idx < 200) {
			ck_assert_int_gt(idx, prev);
			prev = idx;
		}
		if (gp == tail)
			break;
	}
	free(gs);
	free(pp);
}
END_TEST

/* ---- concurrency ---------------------------------------------------------------------------
 *
 * One owner thread puts (and sometimes gets) CONC_N logical goroutines on its P while
 * three thief threads steal into their own Ps and drain them.  G structs are recycled
 * through a pool; each put carries a sequence number in g->arg, and whoever takes a G
 * counts its number.  At the end every number must have been taken exactly once.
 */

#define CONC_N 1000000
#define CONC_THIEVES 3
#define CONC_POOL 8192

static struct {
	gs_p *owner;
	gs_p *thiefp[CONC_THIEVES];
	_Atomic uint8_t *counts;
	_Atomic uint64_t taken;
	_Atomic uint64_t stolen_ops;
	_Atomic bool done;

	pthread_mutex_t poollock;
	gs_g *pool; /* free Gs, linked by schedlink */
	gs_g *gs;
} conc;

static void
conc_release(gs_g *gp)
{
	pthread_mutex_lock(&conc.poollock);
	gp->schedlink = conc.pool;
	conc.pool = gp;
	pthread_mutex_unlock(&conc.poollock);
}

static gs_g *
conc_acquire(void)
{
	gs_g *gp;

	pthread_mutex_lock(&conc.poollock);
	gp = conc.pool;
	if (gp != NULL)
		conc.pool = gp->schedlink;
	pthread_mutex_unlock(&conc.poollock);
	if (gp != NULL)
		gp->schedlink = NULL;
	return gp;
}

static void
conc_take(gs_g *gp)
{
	uintptr_t seq = (uintptr_t)gp->arg;

	ck_assert_uint_lt(seq, CONC_N);
	atomic_fetch_add_explicit(&conc.counts[seq], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&conc.taken, 1, memory_order_relaxed);
	conc_release(gp);
}

static void *
conc_thief(void *arg)
{
	gs_p *mine = arg;
	unsigned iter = 0;
	bool inherit;
	gs_g *gp;

	while (!atomic_load(&conc.done)) {
		gp = gs__runqsteal(mine, conc.owner, (iter++ & 1) != 0);
		if (gp == NULL) {
			sched_yield();
			continue;
		}
		atomic_fetch_add(&conc.stolen_ops, 1);
		conc_take(gp);
		while ((gp = gs__runqget(mine, &inherit)) != NULL)
			conc_take(gp);
	}
	return NULL;
}

/* Owner side: take one G from the owner's queue, or a global batch. */
static bool
conc_owner_get(void)
{
	bool inherit;
	gs_g *gp = gs__runqget(conc.owner, &inherit);

	if (gp == NULL && glob_size() > 0)
		gp = glob_get(conc.owner, 0);
	if (gp == NULL)
		return false;
	conc_take(gp);
	return true;
}

START_TEST(test_runq_concurrent_steal)
{
	pthread_t th[CONC_THIEVES];
	uint64_t rnd = 88172645463325252ULL;

	sched_reset(CONC_THIEVES + 1);
	memset(&conc, 0, sizeof(conc));
	pthread_mutex_init(&conc.poollock, NULL);
	conc.counts = calloc(CONC_N, sizeof(*conc.counts));
	conc.gs = fake_gs(CONC_POOL);
	ck_assert_ptr_nonnull(conc.counts);
	for (int i = CONC_POOL - 1; i >= 0; i--)
		conc_release(&conc.gs[i]);
	conc.owner = fake_p(0);
	for (int i = 0; i < CONC_THIEVES; i++) {
		conc.thiefp[i] = fake_p(i + 1);
		ck_assert_int_eq(pthread_create(&th[i], NULL, conc_thief, conc.thiefp[i]), 0);
	}

	for (uintptr_t seq = 0; seq < CONC_N; seq++) {
		gs_g *gp;

		while ((gp = conc_acquire()) == NULL) {
			/* Every G is queued somewhere: consume one to free one. */
			if (!conc_owner_get())
				sched_yield();
		}
		gp->arg = (void *)seq;
		rnd ^= rnd << 13;
		rnd ^= rnd >> 7;
		rnd ^= rnd << 17;
		/* Mostly plain puts, some runnext puts; every so often let the queue fill
		 * up so that puts overflow into the global queue under the thieves' feet. */
		bool burst = (seq / 4096) % 8 == 7;
		gs__runqput(conc.owner, gp, (rnd % 5) == 0);
		if (!burst && (rnd >> 8) % 3 == 0)
			conc_owner_get();
		if (!burst && gs__runqlen(conc.owner) > 200)
			conc_owner_get();
	}
	atomic_store(&conc.done, true);
	for (int i = 0; i < CONC_THIEVES; i++)
		ck_assert_int_eq(pthread_join(th[i], NULL), 0);

	/* Drain what is left: local, runnext and global. */
	while (conc_owner_get())
		;
	ck_assert(gs__runqempty(conc.owner));
	ck_assert_int_eq(glob_size(), 0);
	for (int i = 0; i < CONC_THIEVES; i++)
		ck_assert(gs__runqempty(conc.thiefp[i]));

	uint64_t bad = 0, first_bad = 0;
	for (uint64_t i = 0; i < CONC_N; i++) {
		if (atomic_load(&conc.counts[i]) != 1) {
			if (bad++ == 0)
				first_bad = i;
		}
	}
	ck_assert_msg(bad == 0,
	    "%" PRIu64 " Gs not taken exactly once (first: #%" PRIu64 " taken %d times)", bad,
	    first_bad, (int)atomic_load(&conc.counts[first_bad]));
	ck_assert_uint_eq(atomic_load(&conc.taken), CONC_N);
	/* The thieves did work, or this tested nothing concurrent. */
	ck_assert_uint_gt(atomic_load(&conc.stolen_ops), 0);

	free(conc.counts);
	free(conc.gs);
	free(conc.owner);
	for (int i = 0; i < CONC_THIEVES; i++)
		free(conc.thiefp[i]);
}
END_TEST

static Suite *
runq_suite(void)
{
	Suite *s = suite_create("runq");
	TCase *tc;

	tc = tu_tcase("local", 60);
	tcase_add_test(tc, test_runq_fifo);
	tcase_add_test(tc, test_runq_runnext);
	tcase_add_test(tc, test_runq_overflow);
	tcase_add_test(tc, test_runq_overflow_runnext);
	tcase_add_test(tc, test_runq_drain);
	suite_add_tcase(s, tc);

	tc = tu_tcase("global", 60);
	tcase_add_test(tc, test_globrunq_batch);
	tcase_add_test(tc, test_globrunq_batch_free_slots);
	tcase_add_test(tc, test_globrunq_head_batch);
	tcase_add_test(tc, test_globrunq_rotate);
	suite_add_tcase(s, tc);

	tc = tu_tcase("steal", 60);
	tcase_add_test(tc, test_runq_steal_half);
	tcase_add_test(tc, test_runq_steal_runnext);
	tcase_add_test(tc, test_steal_count);
	suite_add_tcase(s, tc);

	tc = tu_tcase("concurrent", 120);
	tcase_add_test(tc, test_runq_concurrent_steal);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run_suite(runq_suite());
}
