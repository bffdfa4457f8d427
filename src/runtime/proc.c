/*
 * proc.c - the scheduler: goroutine creation and exit, parking and readying,
 * schedule/findrunnable/execute, the spinning-M protocol (wakep, startm, stopm,
 * resetspinning), M creation, and the runtime's start and shutdown.
 *
 * Names follow Go's src/runtime/proc.go so a reader who knows it finds the same
 * function under the same name.  See internal.h for the G/M/P model.
 *
 * The spinning protocol, in short (proc.go's essay says it at length): a
 * goroutine readied while there is an idle P and no spinning M wakes one M
 * (wakep), which spins looking for work.  A spinning M that finds work stops
 * spinning and, if it was the last spinner, wakes another (resetspinning), so
 * a burst of readied goroutines fans out one M at a time.  A spinning M that
 * finds nothing must first drop its spinning state (decrement nmspinning) and
 * only then look at every run queue once more: a readier that saw
 * nmspinning > 0 did not wake anybody, and this re-check is what catches its
 * goroutine.  At most half of the busy Ps' worth of Ms spin at once.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/internal.h"

struct gs_sched gs__sched;

/* The M running on this thread; see gs__getm for why it is read through a call. */
static __thread gs_m *tls_m;

gs_m *
gs__getm(void)
{
	gs_m *mp;

	/* The asm barrier makes this function impure, so callers cannot merge two
	 * calls separated by a switch, and the TLS base is computed anew here. */
	__asm__ __volatile__("" ::: "memory");
	mp = tls_m;
	return mp;
}

void
gs__setm(gs_m *mp)
{
	tls_m = mp;
}

static void schedule(void) __attribute__((noreturn));
static void mexit(gs_m *mp) __attribute__((noreturn));

/* ---- failures ------------------------------------------------------------ */

/* An impossible state: print what broke and abort (Go's throw). */
void
gs__throw(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fatal error: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	abort();
}

/* A fatal condition of the program, not of the runtime (Go's fatal): print and
 * exit with status 2, as a Go program does. */
static void __attribute__((noreturn, format(printf, 1, 2)))
fatal(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fatal error: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	fflush(stderr);
	_exit(2);
}

/* ---- small helpers ------------------------------------------------------- */

/* wyrand: per-M, no shared state. */
uint32_t
gs__fastrand(void)
{
	gs_m *mp = gs__getm();
	uint64_t *s = mp ? &mp->fastrand : &(uint64_t){ (uint64_t)gs__nanotime() };

	*s += 0xa0761d6478bd642fULL;
	__uint128_t t = (__uint128_t)*s * (*s ^ 0xe7037ed1a0b428dbULL);
	return (uint32_t)((t >> 64) ^ t);
}

uint32_t
gs__fastrandn(uint32_t n)
{
	return (uint32_t)(((uint64_t)gs__fastrand() * n) >> 32);
}

static inline void
stat_inc(_Atomic uint64_t *c)
{
	/* Single writer (the P's owner): a plain load and store, no locked op. */
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + 1,
	    memory_order_relaxed);
}

static inline void
set_mstate(gs_m *mp, enum gs_mstate st)
{
	atomic_store_explicit(&mp->state, st, memory_order_relaxed);
}

/*
 * Status changes.  Each transition has one owner (the M that dequeued the G,
 * the G itself when it parks, the waker that took it off a wait list), so a
 * checked store suffices; the check catches a lost or doubled wake-up.
 */
bool
gs__casgstatus(gs_g *gp, uint32_t from, uint32_t to)
{
	uint32_t old = atomic_load_explicit(&gp->status, memory_order_relaxed);

	if (gs_unlikely(old != from))
		gs__throw("casgstatus: goroutine %lld is %s, expected %s (to %s)",
		    (long long)gp->goid, gs_gstatus_name((int)old),
		    gs_gstatus_name((int)from), gs_gstatus_name((int)to));
	atomic_store_explicit(&gp->status, to, memory_order_release);
	return true;
}

/* ---- Ps and Ms: acquire, release, idle lists ---------------------------- */

static void
acquirep(gs_m *mp, gs_p *pp)
{
	if (pp->m != NULL || atomic_load_explicit(&pp->status, memory_order_relaxed) != GS_P_IDLE)
		gs__throw("acquirep: P %d is already in use", pp->id);
	mp->p = pp;
	pp->m = mp;
	atomic_store_explicit(&pp->status, GS_P_RUNNING, memory_order_relaxed);
}

static gs_p *
releasep(gs_m *mp)
{
	gs_p *pp = mp->p;

	if (pp == NULL || pp->m != mp)
		gs__throw("releasep: M %lld does not hold its P", (long long)mp->id);
	pp->m = NULL;
	atomic_store_explicit(&pp->status, GS_P_IDLE, memory_order_relaxed);
	mp->p = NULL;
	return pp;
}

static void
idlepmask_set(int32_t id, bool idle)
{
	uint64_t bit = 1ULL << (id % 64);

	if (idle)
		atomic_fetch_or(&gs__sched.idlepmask[id / 64], bit);
	else
		atomic_fetch_and(&gs__sched.idlepmask[id / 64], ~bit);
}

static bool
idlepmask_read(int32_t id)
{
	return (atomic_load_explicit(&gs__sched.idlepmask[id / 64], memory_order_relaxed) >>
	    (id % 64)) & 1;
}

/* sched.lock held. */
static void
pidleput(gs_p *pp)
{
	if (!gs__runqempty(pp))
		gs__throw("pidleput: P %d has a non-empty run queue", pp->id);
	idlepmask_set(pp->id, true);
	pp->link = gs__sched.pidle;
	gs__sched.pidle = pp;
	atomic_fetch_add(&gs__sched.npidle, 1);
}

/* sched.lock held. */
static gs_p *
pidleget(void)
{
	gs_p *pp = gs__sched.pidle;

	if (pp) {
		idlepmask_set(pp->id, false);
		gs__sched.pidle = pp->link;
		pp->link = NULL;
		atomic_fetch_sub(&gs__sched.npidle, 1);
	}
	return pp;
}

/* Nothing can ever run again: every M is parked and main has not returned
 * (Go's checkdead).  sched.lock held. */
static void
checkdead(void)
{
	if (atomic_load(&gs__sched.shutdown))
		return;
	if (gs__sched.nmidle == gs__sched.mcount_live && gs__sched.runqsize == 0)
		fatal("all goroutines are asleep - deadlock!");
}

/* sched.lock held. */
static void
mput(gs_m *mp)
{
	mp->schedlink = gs__sched.midle;
	gs__sched.midle = mp;
	gs__sched.nmidle++;
	checkdead();
}

/* sched.lock held. */
static gs_m *
mget(void)
{
	gs_m *mp = gs__sched.midle;

	if (mp) {
		gs__sched.midle = mp->schedlink;
		mp->schedlink = NULL;
		gs__sched.nmidle--;
	}
	return mp;
}

/* ---- M creation and parking --------------------------------------------- */

static void *mstart(void *arg);

/* Make a new M that will start with pp (and spinning if asked).  Called with
 * the M already counted in mcount_live; sched.lock not held. */
static void
newm(gs_p *pp, bool spinning, int64_t id)
{
	gs_m *mp = calloc(1, sizeof *mp);
	pthread_attr_t attr;
	int err;

	if (mp == NULL)
		fatal("out of memory allocating an M");
	mp->id = id;
	mp->nextp = pp;
	mp->spinning = spinning;
	mp->fastrand = (uint64_t)id * 0x9e3779b97f4a7c15ULL ^ gs__nanotime();
	mp->created_ns = gs__nanotime();
	set_mstate(mp, spinning ? GS_M_SPINNING : GS_M_SCHED);

	gs__lockx(&gs__sched.lock);
	mp->alllink = gs__sched.allm;
	gs__sched.allm = mp;
	gs__unlockx(&gs__sched.lock);

	pthread_attr_init(&attr);
	/* g0 runs the scheduler, signal handlers use their own stack: 256 KiB is
	 * plenty, and keeps a thousand blocked threads cheap. */
	pthread_attr_setstacksize(&attr, 256 * 1024);
	err = pthread_create(&mp->thread, &attr, mstart, mp);
	pthread_attr_destroy(&attr);
	if (err != 0)
		fatal("runtime: failed to create new OS thread (have %d already; %s)",
		    gs__sched.mcount_live - 1, strerror(err));
	atomic_fetch_add_explicit(&gs__sched.threads_created, 1, memory_order_relaxed);
}

/* Park the current M until startm hands it a P (or shutdown). */
static void
stopm(gs_m *mp)
{
	if (mp->p)
		gs__throw("stopm: M holds a P");
	if (mp->spinning)
		gs__throw("stopm: M is spinning");
	gs__lockx(&gs__sched.lock);
	if (atomic_load(&gs__sched.shutdown)) {
		gs__unlockx(&gs__sched.lock);
		mexit(mp);
	}
	mput(mp);
	gs__unlockx(&gs__sched.lock);
	set_mstate(mp, GS_M_IDLE);
	gs__notesleep(&mp->park);
	gs__noteclear(&mp->park);
	if (mp->nextp == NULL)
		mexit(mp); /* woken for shutdown */
	acquirep(mp, mp->nextp);
	mp->nextp = NULL;
	set_mstate(mp, mp->spinning ? GS_M_SPINNING : GS_M_SCHED);
}

/*
 * Run some M on pp (any idle P if pp is NULL): wake an idle M or make a new one.
 * With spinning, the caller has already counted it in nmspinning, and the M
 * starts out spinning.
 */
static void
startm(gs_p *pp, bool spinning)
{
	gs__lockx(&gs__sched.lock);
	if (atomic_load(&gs__sched.shutdown)) {
		if (spinning)
			atomic_fetch_sub(&gs__sched.nmspinning, 1);
		gs__unlockx(&gs__sched.lock);
		return;
	}
	if (pp == NULL) {
		pp = pidleget();
		if (pp == NULL) {
			gs__unlockx(&gs__sched.lock);
			/* The caller counted a spinner that will never run: undo it. */
			if (spinning)
				atomic_fetch_sub(&gs__sched.nmspinning, 1);
			return;
		}
	}
	gs_m *nmp = mget();
	if (nmp == NULL) {
		int64_t id = gs__sched.mnext++;
		gs__sched.mcount_live++;
		if (gs__sched.mcount_live > gs__sched.maxmcount) {
			fprintf(stderr, "runtime: program exceeds %d-thread limit\n",
			    gs__sched.maxmcount);
			fatal("thread exhaustion");
		}
		gs__unlockx(&gs__sched.lock);
		newm(pp, spinning, id);
		return;
	}
	gs__unlockx(&gs__sched.lock);
	if (nmp->spinning || nmp->nextp)
		gs__throw("startm: idle M is spinning or has a P");
	nmp->spinning = spinning;
	nmp->nextp = pp;
	gs__notewakeup(&nmp->park);
}

/* Try to add one more spinning M, if there is an idle P and nobody spins. */
void
gs__wakep(void)
{
	if (atomic_load(&gs__sched.npidle) == 0)
		return;
	int32_t zero = 0;
	if (atomic_load(&gs__sched.nmspinning) != 0 ||
	    !atomic_compare_exchange_strong(&gs__sched.nmspinning, &zero, 1))
		return;
	startm(NULL, true);
}

static void
resetspinning(gs_m *mp)
{
	if (!mp->spinning)
		gs__throw("resetspinning: not a spinning M");
	mp->spinning = false;
	int32_t n = atomic_fetch_sub(&gs__sched.nmspinning, 1) - 1;
	if (n < 0)
		gs__throw("resetspinning: negative nmspinning");
	/* We found work and were the last spinner: there may be more work, so
	 * pass the baton (Go's conservative wake-up policy). */
	if (n == 0 && atomic_load(&gs__sched.npidle) > 0)
		gs__wakep();
}

/* ---- switching ----------------------------------------------------------- */

/* Switch from the current goroutine to g0 and call fn(gp) there.  Returns when
 * gp is resumed, possibly on another M. */
static void
mcall(void (*fn)(gs_g *), bool dying)
{
	gs_m *mp = gs__getm();
	gs_g *gp = mp->curg;

	gs__stackcheck(gp);
	gs__san_switch_to_g0(mp, gp, dying);
	gs__ctx_mcall(&gp->ctx, (void *)mp->g0_stack_bottom, mp->g0_stack_size,
	    (void (*)(void *))fn, gp);
	/* Resumed.  Do not use mp: this may be another thread now. */
	gs__san_finish_switch(gp);
}

static void __attribute__((noreturn))
gogo(gs_m *mp, gs_g *gp)
{
	gs__san_switch_to_g(mp, gp, NULL);
	gs__ctx_gogo(&gp->ctx);
}

/* Run gp on the current M.  inherit: gp came from runnext and shares the time
 * slice of the goroutine before it, so schedtick does not advance (this is what
 * keeps two goroutines ping-ponging through runnext from starving the queue). */
static void bindstack(gs_p *pp, gs_g *gp);

static void __attribute__((noreturn))
execute(gs_m *mp, gs_g *gp, bool inherit)
{
	if (gs_unlikely(gp->stack_base == NULL))
		bindstack(mp->p, gp);
	mp->curg = gp;
	gp->m = mp;
	gs__casgstatus(gp, GS_G_RUNNABLE, GS_G_RUNNING);
	if (!inherit)
		mp->p->schedtick++;
	set_mstate(mp, GS_M_RUNNING);
	gogo(mp, gp);
}

static void
dropg(gs_m *mp)
{
	if (mp->curg) {
		mp->curg->m = NULL;
		mp->curg = NULL;
	}
}

/* First code a new goroutine runs, on its own stack. */
static void __attribute__((noreturn))
goentry(void)
{
	gs_g *gp = gs__getg();

	gs__san_finish_switch(NULL);
	gp->fn(gp->arg);
	gs_exit();
}

/* ---- finding work -------------------------------------------------------- */

static void
update_coprimes(int32_t n)
{
	int32_t k = 0;

	for (int32_t i = 1; i <= n; i++) {
		int32_t a = i, b = n;
		while (b) {
			int32_t t = a % b;
			a = b;
			b = t;
		}
		if (a == 1)
			gs__sched.coprimes[k++] = i;
	}
	gs__sched.ncoprimes = k;
}

/* Steal from the other Ps, four rounds in random order, runnext only in the
 * last.  Idle Ps are skipped: their queues are empty. */
static gs_g *
stealwork(gs_m *mp)
{
	gs_p *pp = mp->p;
	int32_t n = gs__sched.gomaxprocs;

	for (int i = 0; i < GS_STEAL_TRIES; i++) {
		bool last = i == GS_STEAL_TRIES - 1;
		uint32_t r = gs__fastrand();
		uint32_t pos = r % (uint32_t)n;
		uint32_t inc = (uint32_t)gs__sched.coprimes[(r >> 16) % (uint32_t)gs__sched.ncoprimes];
		for (int32_t k = 0; k < n; k++, pos = (pos + inc) % (uint32_t)n) {
			if (atomic_load_explicit(&gs__sched.shutdown, memory_order_relaxed))
				return NULL;
			gs_p *p2 = gs__sched.allp[pos];
			if (p2 == pp || idlepmask_read((int32_t)pos))
				continue;
			gs_g *gp = gs__runqsteal(pp, p2, last);
			if (gp)
				return gp;
		}
	}
	return NULL;
}

/* Any P's queue non-empty?  Used after dropping the spinning state. */
static bool
anyrunq(void)
{
	for (int32_t i = 0; i < gs__sched.gomaxprocs; i++)
		if (!gs__runqempty(gs__sched.allp[i]))
			return true;
	return false;
}

/*
 * Find a runnable goroutine for mp, blocking until there is one.  On return mp
 * holds a P (maybe not the one it came with).  Go's findRunnable, without the
 * parts that belong to timers, the netpoller and GC.
 */
static gs_g *
findrunnable(gs_m *mp, bool *inherit)
{
	gs_g *gp;

top:
	if (atomic_load_explicit(&gs__sched.shutdown, memory_order_relaxed)) {
		if (mp->spinning) {
			mp->spinning = false;
			atomic_fetch_sub(&gs__sched.nmspinning, 1);
		}
		mexit(mp);
	}
	gs_p *pp = mp->p;
	*inherit = false;

	/* Fairness: every 61st tick look at the global queue first, so two
	 * goroutines re-readying each other locally cannot starve it. */
	if (pp->schedtick % GS_GLOBAL_EVERY == 0 &&
	    atomic_load_explicit(&gs__sched.runqsize, memory_order_relaxed) > 0) {
		gs__lockx(&gs__sched.lock);
		gp = gs__globrunqget(pp, 1);
		gs__unlockx(&gs__sched.lock);
		if (gp)
			return gp;
	}

	if ((gp = gs__runqget(pp, inherit)) != NULL)
		return gp;

	if (atomic_load_explicit(&gs__sched.runqsize, memory_order_relaxed) != 0) {
		gs__lockx(&gs__sched.lock);
		gp = gs__globrunqget(pp, 0);
		gs__unlockx(&gs__sched.lock);
		if (gp)
			return gp;
	}

	/* Spin and steal, unless half the busy Ps already have a spinner. */
	int32_t procs = gs__sched.gomaxprocs;
	if (mp->spinning ||
	    2 * atomic_load(&gs__sched.nmspinning) < procs - atomic_load(&gs__sched.npidle)) {
		if (!mp->spinning) {
			mp->spinning = true;
			atomic_fetch_add(&gs__sched.nmspinning, 1);
		}
		set_mstate(mp, GS_M_SPINNING);
		if ((gp = stealwork(mp)) != NULL)
			return gp;
	}

	/* Nothing: give the P back.  Check the global queue once more under the
	 * lock, since a producer that put there saw our P as busy. */
	gs__lockx(&gs__sched.lock);
	if (gs__sched.runqsize != 0) {
		gp = gs__globrunqget(pp, 0);
		gs__unlockx(&gs__sched.lock);
		return gp;
	}
	releasep(mp);
	pidleput(pp);
	gs__unlockx(&gs__sched.lock);

	if (mp->spinning) {
		/* Drop the spinning state first, then look again: see the essay at
		 * the top.  Reversing the two would lose a wake-up. */
		mp->spinning = false;
		if (atomic_fetch_sub(&gs__sched.nmspinning, 1) < 1)
			gs__throw("findrunnable: negative nmspinning");
		if (anyrunq()) {
			gs__lockx(&gs__sched.lock);
			pp = pidleget();
			gs__unlockx(&gs__sched.lock);
			if (pp) {
				acquirep(mp, pp);
				mp->spinning = true;
				atomic_fetch_add(&gs__sched.nmspinning, 1);
				goto top;
			}
		}
	}
	stopm(mp);
	goto top;
}

/* One round of scheduling: find a goroutine and run it.  Never returns. */
static void
schedule(void)
{
	gs_m *mp = gs__getm();
	bool inherit;

	if (mp->p == NULL)
		gs__throw("schedule: M %lld has no P", (long long)mp->id);
	if (!mp->spinning)
		set_mstate(mp, GS_M_SCHED);
	gs_g *gp = findrunnable(mp, &inherit);
	/* A spinner that found work lets another M take over the spinning, so the
	 * next readied goroutine is picked up without waiting for us. */
	if (mp->spinning)
		resetspinning(mp);
	execute(mp, gp, inherit);
}

/* ---- goroutine creation and exit ---------------------------------------- */

/* G structs come in chunks that live as long as the runtime, so an observer
 * walking allgs never reads freed memory. */
struct gs_gchunk {
	struct gs_gchunk *next;
	int used;
	gs_g g[256];
};

static gs_g *
malg(void)
{
	struct gs_gchunk *c;
	gs_g *gp;

	gs__lockx(&gs__sched.allglock);
	c = gs__sched.gchunks;
	if (c == NULL || c->used == (int)(sizeof c->g / sizeof c->g[0])) {
		c = calloc(1, sizeof *c);
		if (c == NULL) {
			gs__unlockx(&gs__sched.allglock);
			return NULL;
		}
		c->next = gs__sched.gchunks;
		gs__sched.gchunks = c;
	}
	gp = &c->g[c->used++];
	/* Publish on allgs only once the G is in a consistent (dead) state. */
	atomic_store_explicit(&gp->status, GS_G_DEAD, memory_order_relaxed);
	gp->alllink = atomic_load_explicit(&gs__sched.allgs, memory_order_relaxed);
	atomic_store_explicit(&gs__sched.allgs, gp, memory_order_release);
	gs__unlockx(&gs__sched.allglock);
	gs__san_g_create(gp);
	return gp;
}

/* Give a dead G to pp's free list (by its stack's class, or the stackless
 * list); spill half to the global list past 64. */
static void
gfput(gs_p *pp, gs_g *gp)
{
	int cls = gp->stack_base ? gp->stack_class : GS_GFREE_NOSTACK;

	gp->schedlink = pp->gfree[cls];
	pp->gfree[cls] = gp;
	if (++pp->gfreecnt[cls] < GS_GFREE_LOCAL_MAX)
		return;
	gs__lockx(&gs__sched.gflock);
	while (pp->gfreecnt[cls] > GS_GFREE_LOCAL_MAX / 2) {
		gs_g *g1 = pp->gfree[cls];
		pp->gfree[cls] = g1->schedlink;
		pp->gfreecnt[cls]--;
		/* Thousands of idle stacks would pin memory a burst once needed:
		 * past 1024 on the global list, give their pages back. */
		if (cls != GS_GFREE_NOSTACK && gs__sched.gfreecnt[cls] >= 1024 &&
		    !g1->stack_released && gs__stack_class_size(cls) > 2 * 4096) {
			gs__stack_release(g1);
			g1->stack_released = 1;
		}
		g1->schedlink = gs__sched.gfree[cls];
		gs__sched.gfree[cls] = g1;
		gs__sched.gfreecnt[cls]++;
	}
	gs__unlockx(&gs__sched.gflock);
}

static gs_g *
gfget(gs_p *pp, int cls)
{
	if (pp->gfree[cls] == NULL &&
	    atomic_load_explicit((_Atomic int32_t *)&gs__sched.gfreecnt[cls], memory_order_relaxed) > 0) {
		gs__lockx(&gs__sched.gflock);
		while (pp->gfreecnt[cls] < GS_GFREE_LOCAL_MAX / 2 && gs__sched.gfree[cls]) {
			gs_g *g1 = gs__sched.gfree[cls];
			gs__sched.gfree[cls] = g1->schedlink;
			gs__sched.gfreecnt[cls]--;
			g1->schedlink = pp->gfree[cls];
			pp->gfree[cls] = g1;
			pp->gfreecnt[cls]++;
		}
		gs__unlockx(&gs__sched.gflock);
	}
	gs_g *gp = pp->gfree[cls];
	if (gp) {
		pp->gfree[cls] = gp->schedlink;
		pp->gfreecnt[cls]--;
		gp->schedlink = NULL;
	}
	return gp;
}

/* Make gp's stack ready for a fresh start: canary back (if its pages were
 * given away), sanitizer state cleared, initial frame laid out. */
static void
stack_ready(gs_g *gp)
{
	if (gp->stack_released) {
		*(uint64_t *)gp->stack_lo = GS_STACK_CANARY;
		gp->stack_released = 0;
	}
	gs__san_stack_reuse(gp);
	gs__ctx_make(&gp->ctx, (void *)gp->stack_lo, gp->stack_hi - gp->stack_lo, goentry);
}

/* gp is about to run for the first time and has no stack: take one from a dead
 * G of the same class on pp's free list, or allocate one. */
static void
bindstack(gs_p *pp, gs_g *gp)
{
	int cls = gp->stack_class;
	gs_g *donor = gfget(pp, cls);

	if (donor) {
		gp->stack_lo = donor->stack_lo;
		gp->stack_hi = donor->stack_hi;
		gp->stack_base = donor->stack_base;
		gp->stack_guarded = donor->stack_guarded;
		gp->stack_released = donor->stack_released;
		donor->stack_base = NULL;
		donor->stack_lo = donor->stack_hi = 0;
		donor->stack_released = 0;
		gfput(pp, donor);
	} else if (gs__stackalloc(gp, cls) != 0) {
		fatal("out of memory allocating a %zu-byte stack for goroutine %lld",
		    gs__stack_class_size(cls), (long long)gp->goid);
	}
	stack_ready(gp);
}

static int64_t
newgoid(gs_p *pp)
{
	if (pp == NULL)
		return atomic_fetch_add(&gs__sched.goidgen, 1) + 1;
	if (pp->goidcache == pp->goidcacheend) {
		/* Batches of 16 keep the shared counter's cache line quiet. */
		pp->goidcache = atomic_fetch_add(&gs__sched.goidgen, 16) + 1;
		pp->goidcacheend = pp->goidcache + 16;
	}
	return pp->goidcache++;
}

/* Make a runnable G for fn(arg).  pp may be NULL (only for the main goroutine,
 * before any M runs). */
static gs_g *
newproc1(gs_p *pp, void (*fn)(void *), void *arg, const gs_attr *attr, int *err)
{
	size_t size = attr && attr->stack_size ? attr->stack_size : gs__sched.default_stack;
	int cls = gs__stack_class(size);
	gs_g *gp = NULL;

	if (cls < 0) {
		*err = GS_EINVAL;
		return NULL;
	}
	/* A dead G with a stack of the right class is cheapest; else a bare G
	 * struct, which gets its stack when it first runs (bindstack). */
	if (pp && (gp = gfget(pp, cls)) != NULL)
		stack_ready(gp);
	else if (pp == NULL || (gp = gfget(pp, GS_GFREE_NOSTACK)) == NULL)
		gp = malg();
	if (gp == NULL) {
		*err = GS_ENOMEM;
		return NULL;
	}
	gp->stack_class = (uint8_t)cls;
	gp->fn = fn;
	gp->arg = arg;
	gp->goid = newgoid(pp);
	gp->m = NULL;
	gp->param = NULL;
	gp->waiting = NULL;
	atomic_store_explicit(&gp->waitreason, GS_WAIT_NONE, memory_order_relaxed);
	if (attr && attr->label)
		strncpy(gp->label, attr->label, GS_LABEL_MAX - 1);
	else
		gp->label[0] = '\0';
	gp->label[GS_LABEL_MAX - 1] = '\0';
	gs__casgstatus(gp, GS_G_DEAD, GS_G_RUNNABLE);
	return gp;
}

int64_t
gs_go_attr(void (*fn)(void *), void *arg, const gs_attr *attr)
{
	gs_m *mp = gs__getm();
	int err = 0;

	if (mp == NULL || mp->curg == NULL)
		return GS_ENOTRUN;
	if (fn == NULL)
		return GS_EINVAL;
	gs_p *pp = mp->p;
	gs_g *gp = newproc1(pp, fn, arg, attr, &err);
	if (gp == NULL)
		return err;
	int64_t id = gp->goid;
	stat_inc(&pp->spawns);
	gs__runqput(pp, gp, true);
	gs__wakep();
	return id;
}

int64_t
gs_go(void (*fn)(void *), void *arg)
{
	return gs_go_attr(fn, arg, NULL);
}

/* On g0: the goroutine gp has finished. */
static void
goexit0(gs_g *gp)
{
	gs_m *mp = gs__getm();
	gs_p *pp = mp->p;

	gs__san_finish_switch(NULL);
	gs__casgstatus(gp, GS_G_RUNNING, GS_G_DEAD);
	dropg(mp);
	gp->fn = NULL;
	gp->arg = NULL;
	stat_inc(&pp->exits);
	if (gp == gs__sched.maing) {
		/* main returned: the program is over, as in Go.  Ms leave at their
		 * next trip through the scheduler; gs_run's caller collects them. */
		atomic_store(&gs__sched.shutdown, true);
		gs__notewakeup(&gs__sched.done);
	}
	gfput(pp, gp);
	schedule();
}

void
gs_exit(void)
{
	gs_m *mp = gs__getm();

	if (mp == NULL || mp->curg == NULL)
		gs__throw("gs_exit called outside a goroutine");
	mcall(goexit0, true);
	gs__throw("gs_exit: dead goroutine resumed");
}

/* ---- parking and readying ----------------------------------------------- */

/* On g0: finish parking gp (Go's park_m). */
static void
park_m(gs_g *gp)
{
	gs_m *mp = gs__getm();

	gs__san_finish_switch(NULL);
	gs__casgstatus(gp, GS_G_RUNNING, GS_G_WAITING);
	dropg(mp);
	bool (*unlockf)(gs_g *, void *) = gp->parkunlock;
	void *arg = gp->parkarg;
	/* Clear before unlocking: once the lock is released a waker may ready gp,
	 * and gp may run, and park again, on another M before this line. */
	gp->parkunlock = NULL;
	gp->parkarg = NULL;
	if (unlockf) {
		bool ok = unlockf(gp, arg);
		if (!ok) {
			/* The wait condition no longer holds: run gp again at once. */
			atomic_store_explicit(&gp->waitreason, GS_WAIT_NONE, memory_order_relaxed);
			gs__casgstatus(gp, GS_G_WAITING, GS_G_RUNNABLE);
			execute(mp, gp, true);
		}
	}
	schedule();
}

/*
 * Park the calling goroutine.  unlockf(gp, arg) runs on g0 after the switch, so
 * whatever lock protects the wait list can be released only once the stack is
 * no longer in use; if it returns false the goroutine resumes at once.
 */
void
gs__gopark(bool (*unlockf)(gs_g *, void *), void *arg, int reason)
{
	gs_m *mp = gs__getm();
	gs_g *gp = mp->curg;

	gp->parkunlock = unlockf;
	gp->parkarg = arg;
	atomic_store_explicit(&gp->waitreason, (uint8_t)reason, memory_order_relaxed);
	mcall(park_m, false);
}

bool
gs__unlock_park(gs_g *gp, void *lockp)
{
	(void)gp;
	gs__unlockx(lockp);
	return true;
}

/* Make a waiting goroutine runnable, next on the caller's P. */
void
gs__goready(gs_g *gp)
{
	gs_m *mp = gs__getm();

	atomic_store_explicit(&gp->waitreason, GS_WAIT_NONE, memory_order_relaxed);
	gs__casgstatus(gp, GS_G_WAITING, GS_G_RUNNABLE);
	gs__runqput(mp->p, gp, true);
	gs__wakep();
}

/* On g0: put gp on the global queue and schedule (Go's gosched_m). */
static void
gosched_m(gs_g *gp)
{
	gs_m *mp = gs__getm();

	gs__san_finish_switch(NULL);
	gs__casgstatus(gp, GS_G_RUNNING, GS_G_RUNNABLE);
	dropg(mp);
	gs__lockx(&gs__sched.lock);
	gs__globrunqput(gp);
	gs__unlockx(&gs__sched.lock);
	stat_inc(&mp->p->global_puts);
	schedule();
}

void
gs_yield(void)
{
	gs_m *mp = gs__getm();

	if (mp == NULL || mp->curg == NULL)
		return;
	mcall(gosched_m, false);
}

/* ---- queries ------------------------------------------------------------- */

bool
gs_in_goroutine(void)
{
	gs_m *mp = gs__getm();

	return mp != NULL && mp->curg != NULL;
}

int64_t
gs_self(void)
{
	gs_g *gp = gs__getg();

	return gp ? gp->goid : GS_ENOTRUN;
}

int
gs_gomaxprocs(void)
{
	if (!atomic_load(&gs__sched.running))
		return GS_ENOTRUN;
	return gs__sched.gomaxprocs;
}

int
gs_numcpu(void)
{
	return gs__os_ncpu();
}

/* ---- M start and exit ---------------------------------------------------- */

static void *
mstart(void *arg)
{
	gs_m *mp = arg;
	pthread_attr_t attr;
	void *stackaddr;
	size_t stacksize;

	gs__setm(mp);
	/* g0 is this thread's own stack.  gs__ctx_mcall restarts it from a point a
	 * little below this frame every time, so everything below is scratch. */
	if (pthread_getattr_np(pthread_self(), &attr) != 0 ||
	    pthread_attr_getstack(&attr, &stackaddr, &stacksize) != 0)
		gs__throw("mstart: cannot read the thread's stack");
	pthread_attr_destroy(&attr);
	uintptr_t top = ((uintptr_t)__builtin_frame_address(0) - 512) & ~(uintptr_t)15;
	mp->g0_stack_bottom = stackaddr;
	mp->g0_stack_size = top - (uintptr_t)stackaddr;
	gs__san_m_init(mp);
	gs__sigaltstack_setup();

	acquirep(mp, mp->nextp);
	mp->nextp = NULL;
	schedule();
}

static void
mexit(gs_m *mp)
{
	if (mp->p)
		releasep(mp);
	set_mstate(mp, GS_M_DEAD);
	gs__sigaltstack_teardown();
	gs__lockx(&gs__sched.lock);
	if (--gs__sched.mcount_live == 0)
		gs__notewakeup(&gs__sched.allmexited);
	gs__unlockx(&gs__sched.lock);
	gs__setm(NULL);
	pthread_exit(NULL);
}

/* ---- start and shutdown -------------------------------------------------- */

/* Default GOMAXPROCS: $GOMAXPROCS if set, else the CPUs we may run on. */
static int
default_procs(int ncpu, int *procs)
{
	const char *env = getenv("GOMAXPROCS");

	if (env && *env) {
		char *end;
		errno = 0;
		long v = strtol(env, &end, 10);
		if (errno || *end || v < 1 || v > GS_MAX_PROCS) {
			fprintf(stderr, "gsched: GOMAXPROCS=%s: want a whole number from 1 to %d\n",
			    env, GS_MAX_PROCS);
			return GS_EINVAL;
		}
		*procs = (int)v;
		return 0;
	}
	*procs = ncpu > GS_MAX_PROCS ? GS_MAX_PROCS : ncpu;
	return 0;
}

static gs_p *
newp(int32_t id)
{
	gs_p *pp = aligned_alloc(GS_CACHELINE, sizeof *pp);

	if (pp == NULL)
		return NULL;
	memset(pp, 0, sizeof *pp);
	pp->id = id;
	atomic_store(&pp->status, GS_P_IDLE);
	return pp;
}

static void
free_all(void)
{
	/* Goroutines that were still parked or runnable when main returned are
	 * discarded, as Go discards them at exit. */
	gs_g *gp = atomic_load(&gs__sched.allgs);
	while (gp) {
		gs__stackfree(gp);
		gs__san_g_destroy(gp);
		gp = gp->alllink;
	}
	gs__stack_fini();
	gs__lockx(&gs__sched.allglock);
	atomic_store(&gs__sched.allgs, NULL);
	while (gs__sched.gchunks) {
		struct gs_gchunk *next = gs__sched.gchunks->next;
		free(gs__sched.gchunks);
		gs__sched.gchunks = next;
	}
	gs__unlockx(&gs__sched.allglock);
	gs_m *mp = gs__sched.allm;
	while (mp) {
		gs_m *next = mp->alllink;
		free(mp);
		mp = next;
	}
	for (int i = 0; i < GS_MAX_PROCS; i++) {
		free(gs__sched.allp[i]);
		gs__sched.allp[i] = NULL;
	}
}

int
gs_run(void (*main_fn)(void *), void *arg, const gs_config *cfg)
{
	gs_config c = cfg ? *cfg : (gs_config){ 0, 0, 0 };
	int procs, err;

	if (main_fn == NULL || c.procs < 0 || c.procs > GS_MAX_PROCS || c.max_threads < 0)
		return GS_EINVAL;
	if (c.stack_size && gs__stack_class(c.stack_size) < 0)
		return GS_EINVAL;
	if (gs__getm() != NULL)
		return GS_EBUSY;
	bool expect = false;
	if (!atomic_compare_exchange_strong(&gs__sched.running, &expect, true))
		return GS_EBUSY;

	int ncpu = gs__os_ncpu();
	if (c.procs)
		procs = c.procs;
	else if ((err = default_procs(ncpu, &procs)) != 0) {
		atomic_store(&gs__sched.running, false);
		return err;
	}

	/* Start from a clean state: the runtime may have run before. */
	atomic_store(&gs__sched.shutdown, false);
	gs__sched.gomaxprocs = procs;
	gs__sched.ncpu = ncpu;
	gs__sched.default_stack = c.stack_size ? c.stack_size : GS_DEFAULT_STACK;
	gs__sched.maxmcount = c.max_threads ? c.max_threads : GS_DEFAULT_MAX_THREADS;
	memset(gs__sched.idlepmask, 0, sizeof gs__sched.idlepmask);
	gs__sched.midle = NULL;
	gs__sched.nmidle = 0;
	gs__sched.mnext = 0;
	gs__sched.mcount_live = 0;
	gs__sched.allm = NULL;
	gs__sched.pidle = NULL;
	atomic_store(&gs__sched.npidle, 0);
	atomic_store(&gs__sched.nmspinning, 0);
	gs__sched.runqhead = gs__sched.runqtail = NULL;
	atomic_store(&gs__sched.runqsize, 0);
	memset(gs__sched.gfree, 0, sizeof gs__sched.gfree);
	memset(gs__sched.gfreecnt, 0, sizeof gs__sched.gfreecnt);
	atomic_store(&gs__sched.allgs, NULL);
	atomic_store(&gs__sched.goidgen, 0);
	atomic_store(&gs__sched.threads_created, 0);
	gs__noteclear(&gs__sched.done);
	gs__noteclear(&gs__sched.allmexited);
	update_coprimes(procs);
	gs__stack_init();

	for (int32_t i = 0; i < procs; i++) {
		if ((gs__sched.allp[i] = newp(i)) == NULL) {
			err = GS_ENOMEM;
			goto fail;
		}
	}
	/* P0 will run main; the rest start idle. */
	gs__lockx(&gs__sched.lock);
	for (int32_t i = procs - 1; i >= 1; i--)
		pidleput(gs__sched.allp[i]);
	gs__unlockx(&gs__sched.lock);

	gs_attr mattr = { "main", 0 };
	gs_g *maing = newproc1(NULL, main_fn, arg, &mattr, &err);
	if (maing == NULL)
		goto fail;
	gs__sched.maing = maing;
	stat_inc(&gs__sched.allp[0]->spawns);
	atomic_store(&gs__sched.allp[0]->runnext, maing);

	if ((err = gs__sigsegv_install()) != 0)
		goto fail;

	gs__lockx(&gs__sched.lock);
	int64_t id = gs__sched.mnext++;
	gs__sched.mcount_live++;
	gs__unlockx(&gs__sched.lock);
	newm(gs__sched.allp[0], false, id);

	/* Wait for main to return, then for every M to leave. */
	gs__notesleep(&gs__sched.done);
	gs__lockx(&gs__sched.lock);
	gs_m *mp;
	while ((mp = mget()) != NULL) {
		mp->nextp = NULL;
		gs__notewakeup(&mp->park);
	}
	gs__unlockx(&gs__sched.lock);
	gs__notesleep(&gs__sched.allmexited);
	for (mp = gs__sched.allm; mp; mp = mp->alllink)
		pthread_join(mp->thread, NULL);
	gs__sigsegv_uninstall();
	err = 0;
fail:
	free_all();
	atomic_store(&gs__sched.running, false);
	return err;
}
