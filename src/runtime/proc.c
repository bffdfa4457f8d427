/*
 * proc.c - the scheduler: goroutine creation and exit, parking and readying,
 * schedule/findrunnable/execute, the spinning-M protocol (wakep, startm, stopm,
 * resetspinning), M creation, and the runtime's start and shutdown.
 *
 * Names follow Go's src/runtime/proc.go, so a reader who knows it finds the
 * same function under the same name.
 *
 * Goroutine scheduler
 *
 * The scheduler's job is to run ready goroutines on a few OS threads.  The
 * main concepts are Go's:
 *
 *   G  a goroutine (struct gs_g): a function, its own stack and a saved
 *      context.  G structs come in chunks that are never freed while the
 *      runtime lives, so an observer that found a G on allgs may always read
 *      it.  A dead G waits on a free list with its stack for the next spawn.
 *   M  an OS thread (struct gs_m).  Its own thread stack is its g0: every
 *      scheduler decision runs there, never on a goroutine's stack.
 *   P  a processor (struct gs_p): the right to run goroutines.  There are
 *      exactly GOMAXPROCS of them.  Each has a local run queue (a 256-slot
 *      ring plus the runnext slot), a free list of dead Gs, a timer heap and a
 *      batch of goroutine ids.  An M runs goroutines only while it holds a P;
 *      it may be blocked in a system call, parked or polling without one.
 *
 * Who owns what
 *
 * internal.h says for every field who writes it and which lock guards it;
 * in short:
 *
 *  - A G belongs to whoever holds it: the M running it (m->curg), the run
 *    queue it sits on and then whoever takes it off (the CAS on runqhead or
 *    runnext, or sched.lock for the global queue), the wait queue it is
 *    parked on (that object's lock), or the free list it is on.  Only the
 *    holder changes its status (gs__casgstatus), and the states in gsched.h
 *    say who owns its stack in each.  A G is published to a queue or a wait
 *    list only after its M has switched off its stack to g0 (mcall, and the
 *    gopark callback that runs there), so no other M resumes a goroutine
 *    whose stack is still in use.
 *  - A P belongs to the M whose p points to it (and pp->m points back).  Only
 *    that M puts on its run queue, uses its free Gs and its goid batch.  Other
 *    Ms take from its queue (runqsteal), run its due timers under timerslock,
 *    and read its counters.  An idle P is on sched.pidle under sched.lock.  A
 *    P in GS_P_SYSCALL belongs to nobody: the first to CAS its status away
 *    (its M coming back in exitsyscallfast, sysmon's retake, a stop-the-world)
 *    takes it.
 *  - An M writes its own fields, except that startm sets nextp and spinning
 *    on a parked M before waking it; the note (futex) between them orders
 *    those writes before the M reads them.  sysmon, signal handlers and
 *    observers only read an M's curg and state.
 *  - sched.lock guards the global run queue, the idle P and idle M lists and
 *    the M count.  npidle and nmspinning are atomics, read without the lock
 *    on the fast paths below.
 *
 * One round of scheduling is schedule -> findrunnable -> execute, on g0.
 * findrunnable looks at its own timers, the global queue (first on every 61st
 * schedtick), its local queue, the global queue, the network without waiting,
 * and then steals from other Ps; finding nothing it gives up its P and either
 * blocks in the netpoller until I/O or the earliest timer, or parks on its
 * note until startm hands it a P.
 *
 * Worker thread parking and unparking
 *
 * Enough Ms must run to use every P, and no more, or they burn CPU looking
 * for work that is not there.  Run queues are per P, so no fast path can see
 * the whole picture; a thread woken now may find nothing, and a thread parked
 * now may be needed a microsecond later.
 *
 * An M is "spinning" while it holds a P and looks for work without having
 * found any: mp->spinning, counted in sched.nmspinning.  An M woken to look
 * for work starts out spinning (wakep counts it before startm wakes it); an M
 * out of local and global work becomes spinning before it steals
 * (becomespinning), but only while fewer than half of the busy Ps have a
 * spinner (2 * nmspinning < GOMAXPROCS - npidle), so a burst of idle Ms does
 * not hammer every queue at once.
 *
 * The rule for submitting work (wakep): after making a goroutine runnable on
 * a run queue (gs__goready, gs_go, a new earliest timer), start one more M
 * if there is an idle P and nobody spins; the CAS of nmspinning from 0 to 1
 * makes sure that only one of many concurrent readiers does it.  If an M
 * already spins, nobody else is woken.  To make up for that, a spinning M
 * that finds work and was the last spinner wakes another (resetspinning), so
 * a burst of readied goroutines fans out one M at a time, and parallelism is
 * reached in the end without a thundering herd.
 *
 * The hard part is the transition from spinning to not spinning, which races
 * with submission: either the submitter or the M that stops spinning must see
 * the work, or it sits in a queue while Ms sleep.  The two sides are:
 *
 *   submitting (gs__goready, gs_go_attr, ...)  dropping the spin (findrunnable)
 *   1. put the G on a run queue (runqput)      1. decrement nmspinning
 *   2. StoreLoad barrier                       2. StoreLoad barrier
 *   3. read npidle and nmspinning (wakep)      3. read every P's run queue
 *                                                 (anyrunq), and if one has
 *                                                 work take an idle P back and
 *                                                 spin again
 *
 * This is Dekker's pattern: each side stores one variable and then loads the
 * other, and at least one of them must see the other's store.  Store-release
 * followed by load-acquire does not give that in C11, and x86-64 really does
 * let a load pass an earlier store still in the store buffer: runqput
 * publishes with a store-release of runqtail (a plain mov), and wakep's
 * seq_cst loads are plain movs too.  So both sides have an explicit
 * atomic_thread_fence(memory_order_seq_cst): at the top of gs__wakep, and in
 * findrunnable right after the nmspinning decrement.  All seq_cst fences sit
 * in one total order; if the submitter's fence comes first, the spinning M's
 * reads of the run queues see the G, and if the spinning M's fence comes
 * first, wakep sees the decremented nmspinning (or a later value, which means
 * another spinner who will look again) and the idle P, and starts an M.  The
 * same holds for a timer: gs__addtimer_p publishes timer0when before wakep,
 * and the M that stops spinning reads timer0when (gs__nexttimer_all) after
 * its fence, to block in the netpoller until it is due.
 *
 * Neither side may lean on the atomics that happen to be next to it.
 * runqput's exchange on runnext and the decrement's lock xadd are full
 * barriers on x86-64, but C11 promises nothing for an acq_rel exchange or a
 * seq_cst read-modify-write followed by loads of other variables, and AArch64
 * lets an RCpc load-acquire (LDAPR) pass an earlier store-release, such as
 * the store-exclusive that ends a read-modify-write loop.  Each fence costs a
 * lock-prefixed or on x86-64 (GCC) and a dmb ish on AArch64.  With
 * GOMAXPROCS 1, gs__goready and gs_go_attr skip wakep, fence and all: their
 * caller holds the only P, so there is no idle P to start an M for.
 *
 * The global run queue needs none of this.  Goroutines are put there under
 * sched.lock, and an M about to give up its P looks at the global queue and
 * puts the P on the idle list in one critical section of the same lock:
 * either it sees the goroutine, or the submitter, reading npidle after its
 * put (injectglist), sees the idle P.
 *
 * An M that was not spinning gives up its P without looking at other Ps'
 * queues, and an M that stopped spinning, saw work, but found no idle P
 * parks as well (every P had an M at that moment).  A goroutine on a busy
 * P's queue then waits for that P's M, at the latest until its current
 * goroutine yields or is preempted: parallelism is lost for a while, never
 * the goroutine.  As in Go 1.21+, sched.needspinning closes this window:
 * wakep (through startm) and the M that stopped spinning set it when they
 * find no idle P, and the next M about to give up its P becomes a spinner
 * and looks again instead (findrunnable), all under sched.lock.
 *
 * Rejected designs
 *
 *  - One locked run queue for all Ps: every spawn and wake-up would contend
 *    on one lock.  Per-P lock-free rings (the owner puts, anyone takes by
 *    CAS on head) with the global queue for overflow and fairness instead.
 *  - Handing the readied goroutine to the M that wakep wakes: the readier
 *    may be out of work a moment later and park, and dependent goroutines
 *    lose their cache.  The readied G goes to runnext on the readier's P and
 *    inherits its time slice; the woken M must find work for itself.
 *  - Waking an M for every readied goroutine while there is an idle P: most
 *    would find nothing and park again at once.  At most one M is woken
 *    while nobody spins.
 *  - glibc's swapcontext for the switch: it makes a sigprocmask system call
 *    on every switch.  arch/ctx_x86_64.S and arch/ctx_aarch64.S save only the
 *    callee-saved registers and the floating-point control words; the
 *    ucontext backend is there for CPUs without one (or --with-ctx=ucontext).
 *  - Guarding only some stacks (a budget of large ones) and catching the
 *    rest's overflows with a canary word checked at every switch: an
 *    overflow wrote into a neighbour's live frames before any switch, and a
 *    large frame stepped over the canary.  Every stack has a guard page
 *    (stack.c); with the kernel's guard markers it costs no extra mapping.
 *  - A stack allocated at spawn: a runnable goroutine that has not started
 *    needs only fn and arg, so it gets a stack when it first runs, usually
 *    the one a goroutine that just died left on the free list (bindstack).
 *  - Asynchronous preemption at any instruction: C has no stack maps or
 *    safe-point tables, and the interrupted code may hold a libc or runtime
 *    lock (malloc's, say).  The SIGURG handler switches a goroutine out only
 *    inside a gs_preemptible_begin/end region; elsewhere the goroutine yields
 *    at its next scheduling point, when it sees gp->preempt (preempt.c).
 *  - Freeing G structs: observers walk allgs without a lock, and a freed G
 *    would be a use-after-free.  Gs are recycled instead.
 *  - Caching the current M in a thread-local pointer across a switch: a
 *    goroutine may resume on another thread, and compilers reuse the TLS
 *    base within a function.  gs__getm is a non-inlined call with a compiler
 *    barrier.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/internal.h"

struct gs_sched gs__sched;

/* The M running on this thread; see gs__getm for why it is read through a call. */
static __thread gs_m *tls_m __attribute__((tls_model("initial-exec")));

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

static void mexit(gs_m *mp) __attribute__((noreturn));

/* Sleep on mp->park until a waker hands mp a P in nextp (stopm, stoplockedm);
 * woken without one, the runtime is shutting down and the thread ends. */
static void
mpark(gs_m *mp)
{
	gs__set_mstate(mp, GS_M_IDLE);
	GS_EV(GS_EV_M_PARK, -1, -1, mp->id, -1, 0, 0);
	gs__notesleep(&mp->park);
	gs__noteclear(&mp->park);
	if (mp->nextp == NULL)
		mexit(mp); /* woken for shutdown */
}

/* ---- failures ------------------------------------------------------------ */

static void
print_fatal(const char *fmt, va_list ap)
{
	fprintf(stderr, "fatal error: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	fflush(stderr);
}

static _Atomic(gs_fatal_hook) fatal_hook;

gs_fatal_hook
gs_set_fatal_hook(gs_fatal_hook fn)
{
	return atomic_exchange(&fatal_hook, fn);
}

void
gs__run_fatal_hook(void)
{
	/* taken, so that a fault inside the hook does not run it again */
	gs_fatal_hook fn = atomic_exchange(&fatal_hook, NULL);
	if (fn)
		fn();
}

/* An impossible state: print what broke and abort (Go's throw). */
void
gs__throw(const char *fmt, ...)
{
	va_list ap;

	gs__run_fatal_hook();
	va_start(ap, fmt);
	print_fatal(fmt, ap);
	va_end(ap);
	abort();
}

static _Atomic int fatal_status = GS_FATAL_STATUS;

int
gs_set_fatal_status(int status)
{
	if (status < 1 || status > 125)
		return GS_ERANGE;
	return atomic_exchange(&fatal_status, status);
}

/* A fatal condition of the program, not of the runtime (Go's fatal): print and
 * exit with gs_set_fatal_status's status, 2 unless set, as a Go program
 * does. */
void
gs__fatal(const char *fmt, ...)
{
	va_list ap;

	gs__run_fatal_hook();
	va_start(ap, fmt);
	print_fatal(fmt, ap);
	va_end(ap);
	_exit(atomic_load(&fatal_status));
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

void
gs__badgstatus(gs_g *gp, uint32_t from, uint32_t to)
{
	uint32_t old = atomic_load_explicit(&gp->status, memory_order_relaxed);

	gs__throw("casgstatus: goroutine %lld is %s, expected %s (to %s)", (long long)gp->goid,
	    gs_gstatus_name((int)old), gs_gstatus_name((int)from), gs_gstatus_name((int)to));
}

/* ---- Ps and Ms: acquire, release, idle lists ---------------------------- */

void
gs__acquirep(gs_m *mp, gs_p *pp)
{
	if (GS_LOAD(pp->m) != NULL ||
	    atomic_load_explicit(&pp->status, memory_order_relaxed) != GS_P_IDLE)
		gs__throw("acquirep: P %d is already in use", pp->id);
	mp->p = pp;
	GS_STORE(pp->m, mp);
	atomic_store_explicit(&pp->status, GS_P_RUNNING, memory_order_relaxed);
}

gs_p *
gs__releasep(gs_m *mp)
{
	gs_p *pp = mp->p;

	if (pp == NULL || GS_LOAD(pp->m) != mp)
		gs__throw("releasep: M %lld does not hold its P", (long long)mp->id);
	/* a spinning M stopping for the world leaves its P in no state */
	uint32_t gen = GS_ACCTGEN();
	if (gs_unlikely(gen != 0))
		gs__acct_pidle(pp, false, gen);
	GS_STORE(pp->m, NULL);
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
		   (id % 64)) &
	    1;
}

/* sched.lock held. */
void
gs__pidleput(gs_p *pp)
{
	if (!gs__runqempty(pp))
		gs__throw("pidleput: P %d has a non-empty run queue", pp->id);
	idlepmask_set(pp->id, true);
	pp->link = gs__sched.pidle;
	gs__sched.pidle = pp;
	atomic_fetch_add(&gs__sched.npidle, 1);
	uint32_t gen = GS_ACCTGEN();
	if (gs_unlikely(gen != 0))
		gs__acct_pidle(pp, true, gen);
}

/* sched.lock held. */
gs_p *
gs__pidleget(void)
{
	gs_p *pp = gs__sched.pidle;

	if (pp) {
		idlepmask_set(pp->id, false);
		gs__sched.pidle = pp->link;
		pp->link = NULL;
		atomic_fetch_sub(&gs__sched.npidle, 1);
		uint32_t gen = GS_ACCTGEN();
		if (gs_unlikely(gen != 0))
			gs__acct_pidle(pp, false, gen);
		/* A P goes to work: sysmon may be asleep because none did. */
		if (gs_unlikely(atomic_load_explicit(&gs__sched.sysmonwait, memory_order_relaxed)))
			gs__sysmon_wake_locked(false);
	}
	return pp;
}

/* Nothing can ever run again: every M is parked and main has not returned
 * (Go's checkdead).  sched.lock held. */
static void
checkdead(void)
{
	/* A stop-the-world parks every M on purpose: one started by a thread
	 * outside the runtime (a GOMAXPROCS change from the UI, an observer's
	 * gs_stop_world) leaves no M running, and the stopper restarts them. */
	if (atomic_load(&gs__sched.shutdown) || atomic_load(&gs__sched.obs_stopped) ||
	    atomic_load(&gs__sched.gcwaiting) || atomic_load(&gs__sched.stwactive))
		return;
	/* Ms running, in a system call or blocked in the netpoller can still
	 * make something runnable; sysmon cannot. */
	int32_t run = gs__sched.mcount_live - gs__sched.nmidle - gs__sched.nmidlelocked -
	    (gs__sched.sysmon ? 1 : 0);
	if (run > 0 || gs__sched.runqsize != 0)
		return;
	/* No goroutine left at all: main ended by gs_exit and the others have
	 * finished (Go's grunning == 0; a return from main shuts down instead). */
	int waiting = 0;
	for (gs_g *gp = atomic_load(&gs__sched.allgs); gp; gp = gp->alllink) {
		uint32_t st = atomic_load_explicit(&gp->status, memory_order_acquire);
		if (st != GS_G_DEAD && st != GS_G_IDLE)
			waiting++;
	}
	if (waiting == 0)
		gs__fatal("no goroutines (main called runtime.Goexit) - deadlock!");
	/* A pending timer will wake someone (the last M to park polls for it). */
	if (gs__nexttimer_all() != 0)
		return;
	gs__fatal("all goroutines are asleep - deadlock!");
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
gs_m *
gs__mget(void)
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

/* Start the thread of a new M that will begin with pp.  Called with the M
 * already counted in mcount_live; sched.lock not held.  Returns 0, GS_ENOMEM,
 * or the pthread_create error (the M then unlinked from allm and freed: nobody
 * else saw it). */
static int
newm_start(gs_p *pp, bool spinning, int64_t id)
{
	/* Cache-line aligned: a snapshot reads the first two lines of each M. */
	gs_m *mp = aligned_alloc(GS_CACHELINE, sizeof *mp);
	pthread_attr_t attr;
	int err;

	if (mp == NULL)
		return GS_ENOMEM;
	memset(mp, 0, sizeof *mp);
	mp->id = id;
	mp->nextp = pp;
	mp->spinning = spinning;
	mp->fastrand = (uint64_t)id * 0x9e3779b97f4a7c15ULL ^ gs__nanotime();
	mp->created_ns = gs__nanotime();
	gs__set_mstate(mp, spinning ? GS_M_SPINNING : GS_M_SCHED);

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
	if (err != 0) {
		gs__lockx(&gs__sched.lock);
		for (gs_m **pm = &gs__sched.allm; *pm; pm = &(*pm)->alllink)
			if (*pm == mp) {
				*pm = mp->alllink;
				break;
			}
		gs__unlockx(&gs__sched.lock);
		free(mp);
		return err;
	}
	GS_EV(GS_EV_M_CREATE, GS_PID(pp), -1, id, GS_MID(gs__getm()), 0, spinning);
	atomic_fetch_add_explicit(&gs__sched.threads_created, 1, memory_order_relaxed);
	return 0;
}

/* Make a new M that will start with pp (and spinning if asked); a failure
 * ends the program, as in Go (Ps need the thread).  Called with the M already
 * counted in mcount_live; sched.lock not held. */
void
gs__newm(gs_p *pp, bool spinning, int64_t id)
{
	int err = newm_start(pp, spinning, id);

	if (err == GS_ENOMEM)
		gs__fatal("out of memory allocating an M");
	if (err != 0)
		gs__fatal("runtime: failed to create new OS thread (have %d already; %s)",
		    gs__sched.mcount_live - 1, strerror(err));
}

/* Park the current M until startm hands it a P (or shutdown). */
void
gs__stopm(gs_m *mp)
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
	mpark(mp);
	gs__acquirep(mp, mp->nextp);
	mp->nextp = NULL;
	gs__set_mstate(mp, mp->spinning ? GS_M_SPINNING : GS_M_SCHED);
}

/*
 * Run some M on pp (any idle P if pp is NULL): wake an idle M or make a new one.
 * With spinning, the caller has already counted it in nmspinning, and the M
 * starts out spinning.
 */
int64_t
gs__startm(gs_p *pp, bool spinning)
{
	gs__lockx(&gs__sched.lock);
	if (atomic_load(&gs__sched.shutdown)) {
		if (spinning)
			atomic_fetch_sub(&gs__sched.nmspinning, 1);
		gs__unlockx(&gs__sched.lock);
		return -1;
	}
	if (pp == NULL) {
		pp = gs__pidleget();
		if (pp == NULL) {
			/* Work for a spinner but no P for it (Go's pidlegetSpinning):
			 * an M about to give up its P spins instead. */
			if (spinning)
				atomic_store(&gs__sched.needspinning, 1);
			gs__unlockx(&gs__sched.lock);
			/* The caller counted a spinner that will never run: undo it. */
			if (spinning)
				atomic_fetch_sub(&gs__sched.nmspinning, 1);
			return -1;
		}
	}
	gs_m *nmp = gs__mget();
	if (nmp == NULL) {
		int64_t id = gs__mreserve();
		gs__unlockx(&gs__sched.lock);
		gs__newm(pp, spinning, id);
		return id;
	}
	gs__unlockx(&gs__sched.lock);
	if (nmp->spinning || nmp->nextp)
		gs__throw("startm: idle M is spinning or has a P");
	nmp->spinning = spinning;
	nmp->nextp = pp;
	int64_t id = nmp->id;
	GS_EV(GS_EV_M_WAKE, pp->id, -1, id, GS_MID(gs__getm()), 0, spinning);
	gs__notewakeup(&nmp->park);
	return id;
}

/* A new M's id, counted as live from now on; past the thread limit the
 * program ends, as a Go program does.  sched.lock held. */
int64_t
gs__mreserve(void)
{
	int64_t id = gs__sched.mnext++;

	if (++gs__sched.mcount_live > gs__sched.maxmcount) {
		fprintf(stderr, "runtime: program exceeds %d-thread limit\n", gs__sched.maxmcount);
		gs__fatal("thread exhaustion");
	}
	return id;
}

/*
 * Hand off pp from an M that cannot use it (in a system call, or retaken by
 * sysmon): start an M on it if there is anything to do, else park it idle
 * (Go's handoffp).
 */
void
gs__handoffp(gs_p *pp)
{
	int64_t from = GS_LOAD(pp->syscallm);

	/* Local or global work: start it straight away. */
	if (!gs__runqempty(pp) || atomic_load(&gs__sched.runqsize) != 0) {
		atomic_fetch_add_explicit(&gs__sched.handoffs, 1, memory_order_relaxed);
		int64_t to = gs__startm(pp, false);
		GS_EV(GS_EV_HANDOFF, pp->id, -1, from, to, 0, 0);
		return;
	}
	/* No spinning or idle M to pick up future work: become the spinner. */
	int32_t zero = 0;
	if (atomic_load(&gs__sched.nmspinning) + atomic_load(&gs__sched.npidle) == 0 &&
	    atomic_compare_exchange_strong(&gs__sched.nmspinning, &zero, 1)) {
		atomic_fetch_add_explicit(&gs__sched.handoffs, 1, memory_order_relaxed);
		int64_t to = gs__startm(pp, true);
		GS_EV(GS_EV_HANDOFF, pp->id, -1, from, to, 0, 1);
		return;
	}
	gs__lockx(&gs__sched.lock);
	if (atomic_load(&gs__sched.gcwaiting)) {
		atomic_store(&pp->status, GS_P_GCSTOP);
		if (--gs__sched.stopwait == 0)
			gs__notewakeup(&gs__sched.stopnote);
		gs__unlockx(&gs__sched.lock);
		return;
	}
	if (gs__sched.runqsize != 0) {
		gs__unlockx(&gs__sched.lock);
		atomic_fetch_add_explicit(&gs__sched.handoffs, 1, memory_order_relaxed);
		int64_t to = gs__startm(pp, false);
		GS_EV(GS_EV_HANDOFF, pp->id, -1, from, to, 0, 0);
		return;
	}
	/* The last running P, and nobody polls the network: someone must. */
	if (atomic_load(&gs__sched.npidle) == gs__sched.gomaxprocs - 1 &&
	    atomic_load(&gs__sched.lastpoll) != 0 && gs__netpoll_anywaiters()) {
		gs__unlockx(&gs__sched.lock);
		atomic_fetch_add_explicit(&gs__sched.handoffs, 1, memory_order_relaxed);
		int64_t to = gs__startm(pp, false);
		GS_EV(GS_EV_HANDOFF, pp->id, -1, from, to, 0, 2);
		return;
	}
	int64_t when = atomic_load(&pp->timer0when);
	gs__pidleput(pp);
	gs__unlockx(&gs__sched.lock);
	GS_EV(GS_EV_HANDOFF, pp->id, -1, from, -1, 0, 3);
	if (when != 0)
		gs__wakenetpoller(when);
}

/* Make a list of goroutines (linked by schedlink, status waiting) runnable:
 * as many as there are idle Ps go to the global queue with an M started for
 * each, the rest to the current P (Go's injectglist). */
void
gs__injectglist(gs_g *list)
{
	gs_g *tail = NULL;
	int n = 0;

	if (list == NULL)
		return;
	for (gs_g *gp = list; gp; gp = gp->schedlink) {
		atomic_store_explicit(&gp->waitreason, GS_WAIT_NONE, memory_order_relaxed);
		gs__casgstatus(gp, GS_G_WAITING, GS_G_RUNNABLE);
		tail = gp;
		n++;
	}
	gs_m *mp = gs__getm();
	gs_p *pp = mp ? mp->p : NULL;
	int idle = atomic_load(&gs__sched.npidle);
	int k = pp == NULL ? n : (idle < n ? idle : n);
	if (k > 0) {
		gs_g *head = list, *last = list;
		for (int i = 1; i < k; i++)
			last = last->schedlink;
		list = last->schedlink;
		/* Written while the k are still ours, as runqputslow does. */
		if (GS_EVON()) {
			gs__event_emit(GS_EV_GLOBAL_PUT, GS_PID(pp), -1, GS_MID(mp), GS_GPUT_INJECT,
			    0, k);
			gs_g *gp = head;
			for (int i = 0; i < k; i++, gp = gp->schedlink)
				gs__event_emit(GS_EV_MOVE, -1, -1, GS_MID(mp), -1, gp->goid,
				    GS_MOVE_INJECT);
		}
		gs__lockx(&gs__sched.lock);
		gs__globrunqputbatch(head, last, k);
		gs__unlockx(&gs__sched.lock);
		for (int i = 0; i < k && atomic_load(&gs__sched.npidle) > 0; i++)
			gs__startm(NULL, false);
	}
	(void)tail;
	while (list) {
		gs_g *gp = list;
		list = gp->schedlink;
		gs__runqput(pp, gp, false);
	}
}

/* A timer at when was added: make sure someone wakes for it (Go's
 * wakeNetPoller). */
void
gs__wakenetpoller(int64_t when)
{
	if (atomic_load(&gs__sched.lastpoll) == 0) {
		int64_t until = atomic_load(&gs__sched.pollUntil);
		if (until == 0 || until > when)
			gs__netpollbreak();
	} else {
		gs__wakep();
	}
}

/* Try to add one more spinning M, if there is an idle P and nobody spins.
 * Called after publishing work: a runnable G, an earlier timer. */
void
gs__wakep(void)
{
	/* StoreLoad: the caller's run queue or timer store must be visible
	 * before npidle and nmspinning are read.  Pairs with the fence after the
	 * nmspinning decrement in findrunnable (see the essay at the top). */
	atomic_thread_fence(memory_order_seq_cst);
	/* No idle P and an M already asked to spin before it gives up its P:
	 * nothing more to do (Go goes on to find no idle P and ask again). */
	if (atomic_load(&gs__sched.npidle) == 0 && atomic_load(&gs__sched.needspinning))
		return;
	int32_t zero = 0;
	if (atomic_load(&gs__sched.nmspinning) != 0 ||
	    !atomic_compare_exchange_strong(&gs__sched.nmspinning, &zero, 1))
		return;
	gs__startm(NULL, true);
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

	gs__mcall_g(mp, GS_LOAD(mp->curg), fn, dying);
}

void
gs__mcall(void (*fn)(gs_g *))
{
	mcall(fn, false);
}

static _Noreturn void
gogo(gs_m *mp, gs_g *gp)
{
	gs__san_switch_to_g(mp, gp);
	gs__ctx_gogo(&gp->ctx);
}

/* Run gp on the current M.  inherit: gp came from runnext and shares the time
 * slice of the goroutine before it, so schedtick does not advance (this is what
 * keeps two goroutines ping-ponging through runnext from starving the queue). */
static void bindstack(gs_p *pp, gs_g *gp);

/* All of gs__execute but the switch: gp is mp's current goroutine from here. */
static inline void
execute_prepare(gs_m *mp, gs_g *gp, bool inherit)
{
	GS_STORE(mp->curg, gp);
	gp->m = mp;
	GS_EV(GS_EV_RUN, mp->p->id, -1, mp->id, -1, gp->goid, inherit);
	/* A request aimed at its last run is void: this is a new time slice. */
	atomic_store_explicit(&gp->preempt, false, memory_order_relaxed);
	/* On every switch: one branch for the accounting of gp, mp and its P. */
	uint32_t gen = GS_ACCTGEN();
	if (gs_unlikely(gen != 0))
		gs__acct_execute(mp, gp, gen);
	gs__casgstatus_noacct(gp, GS_G_RUNNABLE, GS_G_RUNNING);
	if (!inherit)
		GS_INC(mp->p->schedtick);
	else
		gs__stat_inc(&mp->p->runnexthits);
	atomic_store_explicit(&mp->state, GS_M_RUNNING, memory_order_relaxed);
}

_Noreturn void
gs__execute(gs_m *mp, gs_g *gp, bool inherit)
{
	if (gs_unlikely(gp->stack_lo == 0))
		bindstack(mp->p, gp);
	execute_prepare(mp, gp, inherit);
	gogo(mp, gp);
}

static inline void
dropg(gs_m *mp)
{
	gs_g *gp = GS_LOAD(mp->curg);

	if (gp) {
		GS_EV(GS_EV_STOP, GS_PID(mp->p), -1, mp->id, -1, gp->goid,
		    atomic_load_explicit(&gp->status, memory_order_relaxed));
		gp->m = NULL;
		GS_STORE(mp->curg, NULL);
	}
}

void
gs__dropg(gs_m *mp)
{
	dropg(mp);
}

/* First code a new goroutine runs, on its own stack. */
static _Noreturn void
goentry(void)
{
	gs_g *gp = gs__getg();

	gs__san_finish_switch(NULL);
	gp->fn(gp->arg);
	if (gp == atomic_load_explicit(&gs__sched.maing, memory_order_relaxed))
		atomic_store(&gs__sched.mainreturned, true);
	gs_exit();
}

/* ---- finding work -------------------------------------------------------- */

void
gs__update_coprimes(int32_t n)
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

/* Steal from the other Ps, four rounds in random order, runnext and due
 * timers only in the last.  Idle Ps are skipped: their queues are empty.
 * *pollUntil learns the other Ps' next timers. */
static gs_g *
stealwork(gs_m *mp, int64_t *now, int64_t *pollUntil)
{
	gs_p *pp = mp->p;
	int32_t n = gs__sched.gomaxprocs;
	bool inherit;

	for (int i = 0; i < GS_STEAL_TRIES; i++) {
		bool last = i == GS_STEAL_TRIES - 1;
		uint32_t r = gs__fastrand();
		uint32_t pos = r % (uint32_t)n;
		uint32_t inc =
		    (uint32_t)gs__sched.coprimes[(r >> 16) % (uint32_t)gs__sched.ncoprimes];
		for (int32_t k = 0; k < n; k++, pos = (pos + inc) % (uint32_t)n) {
			if (atomic_load_explicit(&gs__sched.shutdown, memory_order_relaxed) ||
			    atomic_load_explicit(&gs__sched.gcwaiting, memory_order_relaxed))
				return NULL;
			gs_p *p2 = gs__sched.allp[pos];
			if (p2 == pp)
				continue;
			if (last) {
				/* Run p2's due timers for it: its M may be busy with one
				 * goroutine for a long time. */
				int64_t w =
				    atomic_load_explicit(&p2->timer0when, memory_order_acquire);
				if (w != 0) {
					if (*now == 0)
						*now = (int64_t)gs__nanotime();
					if (w <= *now) {
						w = gs__runtimers(p2, *now);
						gs_g *gp = gs__runqget(pp, &inherit);
						if (gp)
							return gp;
					}
					if (w != 0 && (*pollUntil == 0 || w < *pollUntil))
						*pollUntil = w;
				}
			}
			if (idlepmask_read((int32_t)pos))
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
	int32_t n = __atomic_load_n(&gs__sched.gomaxprocs, __ATOMIC_RELAXED);

	/* Without a P and without sched.lock: a resize may be under way, so read
	 * as procresize stores (Ps are never freed, slots never cleared). */
	for (int32_t i = 0; i < n; i++) {
		gs_p *pp = __atomic_load_n(&gs__sched.allp[i], __ATOMIC_ACQUIRE);
		if (pp != NULL && !gs__runqempty(pp))
			return true;
	}
	return false;
}

static void
becomespinning(gs_m *mp)
{
	mp->spinning = true;
	atomic_fetch_add(&gs__sched.nmspinning, 1);
	atomic_store(&gs__sched.needspinning, 0);
	gs__set_mstate(mp, GS_M_SPINNING);
}

/* Take the first of a netpoll list to run and make the rest runnable. */
static gs_g *
takepolled(gs_g *list)
{
	gs_g *gp = list;

	gs__injectglist(list->schedlink);
	gp->schedlink = NULL;
	atomic_store_explicit(&gp->waitreason, GS_WAIT_NONE, memory_order_relaxed);
	gs__casgstatus(gp, GS_G_WAITING, GS_G_RUNNABLE);
	return gp;
}

/* runnext loses its place: to the tail of the local queue. */
static void
runnext_to_tail(gs_p *pp)
{
	gs_g *next = atomic_exchange(&pp->runnext, NULL);

	if (next)
		gs__runqput(pp, next, false);
}

/*
 * Find a runnable goroutine for mp, blocking until there is one.  On return mp
 * holds a P (maybe not the one it came with).  Go's findRunnable: own timers,
 * global queue (1 in 61), local queue, global queue, network (no wait),
 * stealing (with other Ps' timers in the last round); then give up the P, and
 * either block in the netpoller until I/O or the earliest timer, or park.
 */
static gs_g *
findrunnable(gs_m *mp, bool *inherit)
{
	gs_g *gp;
	int n;

top:
	if (atomic_load_explicit(&gs__sched.shutdown, memory_order_relaxed)) {
		if (mp->spinning) {
			mp->spinning = false;
			atomic_fetch_sub(&gs__sched.nmspinning, 1);
		}
		mexit(mp);
	}
	if (atomic_load_explicit(&gs__sched.gcwaiting, memory_order_relaxed)) {
		gs__gcstopm(mp);
		goto top;
	}
	gs_p *pp = mp->p;
	int64_t now = 0, pollUntil = 0;
	*inherit = false;

	if (atomic_load_explicit(&pp->timer0when, memory_order_relaxed) != 0) {
		now = (int64_t)gs__nanotime();
		pollUntil = gs__runtimers(pp, now);
	}

	/* sysmon found this P's time slice used up (the same schedtick for 10 ms):
	 * goroutines handing the slice on through runnext must not starve the
	 * rest, so this round looks at the global queue first and runnext loses
	 * its place, going to the tail of the local queue. */
	bool expired = gs_unlikely(atomic_load_explicit(&pp->sliceexpired, memory_order_relaxed));
	if (expired)
		atomic_store_explicit(&pp->sliceexpired, false, memory_order_relaxed);

	if (expired)
		runnext_to_tail(pp);

	/* Fairness: every 61st tick look at the global queue first, so goroutines
	 * re-readying each other locally cannot starve it.  (Only then, as in Go:
	 * preempted goroutines go to the global queue, so preferring it after
	 * every expired slice would starve this P's local queue for as long as
	 * CPU-bound goroutines keep using up their slices.) */
	int32_t gsize = atomic_load_explicit(&gs__sched.runqsize, memory_order_relaxed);
	if (GS_LOAD(pp->schedtick) % GS_GLOBAL_EVERY == 0 && gsize > 0) {
		gs__lockx(&gs__sched.lock);
		gp = gs__globrunqget_fair(pp);
		gs__unlockx(&gs__sched.lock);
		if (gp) {
			gs__stat_inc(&pp->fairtakes);
			return gp;
		}
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

	/* The network, without waiting, unless an M is already blocked on it. */
	if (gs__sched.netpollinited && gs__netpoll_anywaiters() &&
	    atomic_load(&gs__sched.lastpoll) != 0) {
		gs_g *list = gs__netpoll(0, &n);
		if (list)
			return takepolled(list);
	}

	/* Spin and steal, unless half the busy Ps already have a spinner. */
	int32_t procs = gs__sched.gomaxprocs;
	if (mp->spinning ||
	    2 * atomic_load(&gs__sched.nmspinning) < procs - atomic_load(&gs__sched.npidle)) {
		if (!mp->spinning)
			becomespinning(mp);
		if ((gp = stealwork(mp, &now, &pollUntil)) != NULL)
			return gp;
	}

	/* Nothing: give the P back.  Check the global queue once more under the
	 * lock, since a producer that put there saw our P as busy. */
	gs__lockx(&gs__sched.lock);
	if (atomic_load(&gs__sched.gcwaiting)) {
		gs__unlockx(&gs__sched.lock);
		gs__gcstopm(mp);
		goto top;
	}
	if (gs__sched.runqsize != 0) {
		gp = gs__globrunqget(pp, 0);
		gs__unlockx(&gs__sched.lock);
		return gp;
	}
	/* Work was readied while no P was idle for a spinner to take (wakep):
	 * look once more, spinning, before giving this P up (Go 1.21+). */
	if (!mp->spinning && atomic_load(&gs__sched.needspinning)) {
		becomespinning(mp);
		gs__unlockx(&gs__sched.lock);
		goto top;
	}
	gs__releasep(mp);
	gs__pidleput(pp);
	gs__unlockx(&gs__sched.lock);

	bool wasspinning = mp->spinning;
	if (mp->spinning) {
		/* Drop the spinning state first, then look again: see the essay at
		 * the top.  Reversing the two would lose a wake-up. */
		mp->spinning = false;
		if (atomic_fetch_sub(&gs__sched.nmspinning, 1) < 1)
			gs__throw("findrunnable: negative nmspinning");
		/* StoreLoad: the decrement must be visible before the run queues
		 * are read.  Pairs with the fence at the top of gs__wakep. */
		atomic_thread_fence(memory_order_seq_cst);
		if (anyrunq()) {
			gs__lockx(&gs__sched.lock);
			pp = gs__pidleget();
			if (pp == NULL) /* Go's pidlegetSpinning */
				atomic_store(&gs__sched.needspinning, 1);
			gs__unlockx(&gs__sched.lock);
			if (pp) {
				gs__acquirep(mp, pp);
				becomespinning(mp);
				goto top;
			}
		}
	}

	/* Block in the netpoller until I/O or the earliest timer of any P, if
	 * nobody else does. */
	pollUntil = gs__nexttimer_all();
	if (gs__sched.netpollinited && (gs__netpoll_anywaiters() || pollUntil != 0) &&
	    atomic_exchange(&gs__sched.lastpoll, 0) != 0) {
		atomic_store(&gs__sched.pollUntil, pollUntil);
		int64_t delay = -1;
		if (pollUntil != 0) {
			delay = pollUntil - (int64_t)gs__nanotime();
			if (delay < 0)
				delay = 0;
		}
		gs__set_mstate(mp, GS_M_NETPOLL);
		gs_g *list = gs__netpoll(delay, &n);
		atomic_store(&gs__sched.pollUntil, 0);
		atomic_store(&gs__sched.lastpoll, (int64_t)gs__nanotime());
		if (atomic_load(&gs__sched.shutdown))
			mexit(mp);
		gs__lockx(&gs__sched.lock);
		pp = atomic_load(&gs__sched.gcwaiting) ? NULL : gs__pidleget();
		gs__unlockx(&gs__sched.lock);
		if (pp == NULL) {
			gs__injectglist(list);
		} else {
			gs__acquirep(mp, pp);
			if (list) {
				gp = takepolled(list);
				if (wasspinning)
					becomespinning(mp);
				return gp;
			}
			if (wasspinning)
				becomespinning(mp);
			goto top;
		}
	} else if (pollUntil != 0 && gs__sched.netpollinited) {
		/* Someone else is in the netpoller: make sure it wakes in time
		 * for our timer. */
		int64_t until = atomic_load(&gs__sched.pollUntil);
		if (until == 0 || until > pollUntil)
			gs__netpollbreak();
	}
	gs__stopm(mp);
	goto top;
}

/* ---- locked goroutines (gs_lock_os_thread) ----------------------------- */

/*
 * An M whose G is locked to it runs that G and nothing else (Go's lockedg).
 * When the G blocks or yields, the M gives its P to someone else and sleeps
 * here until an M that found the G runnable hands it a P (startlockedm); then
 * it runs the G again.  Go's stoplockedm.
 */
static void
stoplockedm(gs_m *mp)
{
	if (mp->lockedg == NULL || mp->lockedg->lockedm != mp)
		gs__throw("stoplockedm: M %lld has no locked G", (long long)mp->id);
	if (mp->p)
		gs__handoffp(gs__releasep(mp));
	gs__lockx(&gs__sched.lock);
	if (atomic_load(&gs__sched.shutdown)) {
		gs__unlockx(&gs__sched.lock);
		mexit(mp);
	}
	/* Not when startlockedm already handed a P over: the wake-up is there. */
	if (mp->nextp == NULL) {
		mp->lockedpark = true;
		gs__sched.nmidlelocked++;
		checkdead();
	}
	gs__unlockx(&gs__sched.lock);
	mpark(mp);
	uint32_t st = atomic_load_explicit(&mp->lockedg->status, memory_order_acquire);
	if (st != GS_G_RUNNABLE)
		gs__throw("stoplockedm: locked G %lld is %s, not runnable",
		    (long long)mp->lockedg->goid, gs_gstatus_name((int)st));
	gs__acquirep(mp, mp->nextp);
	mp->nextp = NULL;
	gs__set_mstate(mp, GS_M_SCHED);
}

/* gp, taken off a run queue by mp, is locked to another M: give that M our
 * P, wake it to run gp, and park (Go's startlockedm). */
static void
startlockedm(gs_m *mp, gs_g *gp)
{
	gs_m *lm = gp->lockedm;

	if (lm == mp)
		gs__throw("startlockedm: G %lld is locked to this M", (long long)gp->goid);
	gs_p *pp = gs__releasep(mp);
	gs__lockx(&gs__sched.lock);
	if (lm->nextp != NULL)
		gs__throw("startlockedm: M %lld already has a P", (long long)lm->id);
	if (lm->lockedpark) {
		lm->lockedpark = false;
		gs__sched.nmidlelocked--;
	}
	lm->nextp = pp;
	gs__unlockx(&gs__sched.lock);
	GS_EV(GS_EV_M_WAKE, pp->id, -1, lm->id, mp->id, 0, 0);
	gs__notewakeup(&lm->park);
	gs__stopm(mp);
}

/* One step of the lock count (Go's dolockOSThread, dounlockOSThread): the
 * wiring holds while it is above zero. */
static int
lockosthread(bool lock)
{
	gs_m *mp = gs__getm();
	gs_g *gp = mp ? GS_LOAD(mp->curg) : NULL;

	if (gp == NULL)
		return GS_ENOTRUN;
	if (lock && gp->lockedext == UINT32_MAX)
		return GS_ERANGE; /* Go throws "LockOSThread nesting overflow" */
	if (!lock && gp->lockedext == 0)
		return 0; /* not locked: nothing to undo, as in Go */
	gp->lockedext += lock ? 1 : -1;
	gp->lockedm = gp->lockedext > 0 ? mp : NULL;
	mp->lockedg = gp->lockedext > 0 ? gp : NULL;
	return 0;
}

int
gs_lock_os_thread(void)
{
	return lockosthread(true);
}

int
gs_unlock_os_thread(void)
{
	return lockosthread(false);
}

/* One round of scheduling: find a goroutine and run it.  Never returns. */
void
gs__schedule(void)
{
	gs_m *mp = gs__getm();
	bool inherit;

	/* Wired to a G that cannot run now: wait for it, run nothing else. */
	if (mp->lockedg) {
		stoplockedm(mp);
		gs__execute(mp, mp->lockedg, false);
	}
top:
	if (mp->p == NULL)
		gs__throw("schedule: M %lld has no P", (long long)mp->id);
	if (!mp->spinning)
		gs__set_mstate(mp, GS_M_SCHED);
	gs_g *gp = findrunnable(mp, &inherit);
	/* A spinner that found work lets another M take over the spinning, so the
	 * next readied goroutine is picked up without waiting for us. */
	if (mp->spinning)
		resetspinning(mp);
	if (gs_unlikely(gp->lockedm != NULL)) {
		/* Only its own M may run it: hand that M our P and wait. */
		startlockedm(mp, gp);
		goto top;
	}
	gs__execute(mp, gp, inherit);
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
		/* Cache-line aligned, so each G's hot fields are one line. */
		c = aligned_alloc(GS_CACHELINE, sizeof *c);
		if (c != NULL)
			memset(c, 0, sizeof *c);
		if (c == NULL) {
			gs__unlockx(&gs__sched.allglock);
			return NULL;
		}
		c->next = gs__sched.gchunks;
		gs__sched.gchunks = c;
	}
	gp = &c->g[c->used++];
	gs__unlockx(&gs__sched.allglock);
	/* Publish on allgs only once the G is in a consistent (dead) state; a
	 * CAS push, so observers walk the list without any lock and never hold
	 * up goroutine creation. */
	atomic_store_explicit(&gp->status, GS_G_DEAD, memory_order_relaxed);
	gs_g *head = atomic_load_explicit(&gs__sched.allgs, memory_order_relaxed);
	do
		gp->alllink = head;
	while (!atomic_compare_exchange_weak_explicit(&gs__sched.allgs, &head, gp,
	    memory_order_release, memory_order_relaxed));
	gs__san_g_create(gp);
	return gp;
}

/* Room for n more Gs on the global free list of class cls.  gflock held. */
static void
gfreserve(int cls, int32_t n)
{
	int32_t cnt = atomic_load_explicit(&gs__sched.gfreecnt[cls], memory_order_relaxed);

	if (cnt + n <= gs__sched.gfreecap[cls])
		return;
	int32_t cap = gs__sched.gfreecap[cls] ? gs__sched.gfreecap[cls] : 1024;
	while (cap < cnt + n)
		cap *= 2;
	gs_g **v = realloc(gs__sched.gfree[cls], (size_t)cap * sizeof *v);
	if (v == NULL)
		gs__fatal("out of memory growing a free goroutine list to %d", cap);
	gs__sched.gfree[cls] = v;
	gs__sched.gfreecap[cls] = cap;
}

/* Move n Gs from pp's list of class cls to the global one.  gflock held. */
static void
gfspill(gs_p *pp, int cls, int32_t n)
{
	gfreserve(cls, n);
	int32_t cnt = atomic_load_explicit(&gs__sched.gfreecnt[cls], memory_order_relaxed);
	pp->gfreecnt[cls] -= n;
	memcpy(&gs__sched.gfree[cls][cnt], &pp->gfree[cls][pp->gfreecnt[cls]],
	    (size_t)n * sizeof(gs_g *));
	atomic_store_explicit(&gs__sched.gfreecnt[cls], cnt + n, memory_order_relaxed);
}

/* Give a dead G to pp's free list (by its stack's class, or the stackless
 * list); when it is full, half of it goes to the global list. */
static __attribute__((noinline, cold)) void
gfputslow(gs_p *pp, int cls, gs_g *gp)
{
	gs__lockx(&gs__sched.gflock);
	gfspill(pp, cls, GS_GFREE_LOCAL_MAX / 2);
	gs__unlockx(&gs__sched.gflock);
	pp->gfree[cls][pp->gfreecnt[cls]++] = gp;
}

static void
gfput(gs_p *pp, gs_g *gp)
{
	int cls = gp->stack_lo ? gp->stack_class : GS_GFREE_NOSTACK;
	int32_t n = pp->gfreecnt[cls];

	/* The spill is a tail call out of line, so the common case is a leaf. */
	if (gs_unlikely(n == GS_GFREE_LOCAL_MAX)) {
		gfputslow(pp, cls, gp);
		return;
	}
	pp->gfree[cls][n] = gp;
	pp->gfreecnt[cls] = n + 1;
}

/* How far ahead on a free list gflocal prefetches (gs__prefetchg). */
#define GFREE_PREFETCH 8

/* A dead G from pp's own list of class cls, or NULL: no shared state. */
static inline gs_g *
gflocal(gs_p *pp, int cls)
{
	int32_t n = pp->gfreecnt[cls];

	if (n == 0)
		return NULL;
	if (n > GFREE_PREFETCH)
		gs__prefetchg(pp->gfree[cls][n - 1 - GFREE_PREFETCH]);
	pp->gfreecnt[cls] = n - 1;
	return pp->gfree[cls][n - 1];
}

/* Refill pp's empty list of class cls from the global one: up to half a
 * local list, under gflock.  Whether any came. */
static bool
gfrefill(gs_p *pp, int cls)
{
	if (atomic_load_explicit(&gs__sched.gfreecnt[cls], memory_order_relaxed) == 0)
		return false;
	gs__lockx(&gs__sched.gflock);
	int32_t cnt = atomic_load_explicit(&gs__sched.gfreecnt[cls], memory_order_relaxed);
	int32_t n = cnt < GS_GFREE_LOCAL_MAX / 2 ? cnt : GS_GFREE_LOCAL_MAX / 2;
	memcpy(pp->gfree[cls], &gs__sched.gfree[cls][cnt - n], (size_t)n * sizeof(gs_g *));
	pp->gfreecnt[cls] = n;
	atomic_store_explicit(&gs__sched.gfreecnt[cls], cnt - n, memory_order_relaxed);
	gs__unlockx(&gs__sched.gflock);
	return n > 0;
}

/* A dead G of class cls: pp's own list first, else a batch from the global. */
static gs_g *
gfget(gs_p *pp, int cls)
{
	gs_g *gp = gflocal(pp, cls);

	if (gp == NULL && gfrefill(pp, cls))
		gp = gflocal(pp, cls);
	return gp;
}

/* A dead G for a spawn of class cls.  One with a stack of that class is
 * cheapest; else a bare G struct, which gets its stack when it first runs
 * (bindstack).  pp's own lists before the global ones: in a burst the
 * spawning P holds mostly bare Gs (the P running them keeps the stacks, see
 * bindstack), and the global counts are a line that other Ps write. */
static gs_g *
gfnew(gs_p *pp, int cls)
{
	gs_g *gp;

	if ((gp = gflocal(pp, cls)) != NULL || (gp = gflocal(pp, GS_GFREE_NOSTACK)) != NULL)
		return gp;
	if ((gp = gfget(pp, cls)) != NULL)
		return gp;
	return gfget(pp, GS_GFREE_NOSTACK);
}

/*
 * Give back the memory of stacks idling on the global free lists beyond the
 * first GS_GFREE_KEEP per class (sysmon, about once a second): a burst of a
 * hundred thousand goroutines would otherwise pin their stacks' pages for
 * good.  The mappings stay, so reuse costs page faults, not system calls.
 * The Gs are taken off the list while their pages go, so nobody starts on a
 * stack being released.  Returns how many stacks were released.
 */
int
gs__gfree_trim(void)
{
	int released = 0;

	for (int cls = 0; cls < GS_NSTACKCLASS; cls++) {
		if (gs__stack_class_size(cls) <= 2 * 4096)
			continue; /* a page or two: not worth a system call each */
		/* Take everything past the first GS_GFREE_KEEP (the bottom of the
		 * stack, the least recently freed) in one go. */
		gs__lockx(&gs__sched.gflock);
		int32_t cnt = atomic_load_explicit(&gs__sched.gfreecnt[cls], memory_order_relaxed);
		int32_t n = cnt - GS_GFREE_KEEP;
		gs_g **batch = NULL;
		if (n > 0 && (batch = malloc((size_t)n * sizeof *batch)) != NULL) {
			memcpy(batch, gs__sched.gfree[cls], (size_t)n * sizeof *batch);
			memmove(gs__sched.gfree[cls], &gs__sched.gfree[cls][n],
			    (size_t)GS_GFREE_KEEP * sizeof *batch);
			atomic_store_explicit(&gs__sched.gfreecnt[cls], GS_GFREE_KEEP,
			    memory_order_relaxed);
		}
		gs__unlockx(&gs__sched.gflock);
		if (batch == NULL)
			continue;
		for (int32_t i = 0; i < n; i++) {
			if (!batch[i]->stack_released) {
				gs__stack_release(batch[i]);
				batch[i]->stack_released = 1;
				released++;
			}
		}
		gs__lockx(&gs__sched.gflock);
		gfreserve(cls, n);
		cnt = atomic_load_explicit(&gs__sched.gfreecnt[cls], memory_order_relaxed);
		/* Back underneath: the committed ones stay on top, used first. */
		memmove(&gs__sched.gfree[cls][n], gs__sched.gfree[cls],
		    (size_t)cnt * sizeof *batch);
		memcpy(gs__sched.gfree[cls], batch, (size_t)n * sizeof *batch);
		atomic_store_explicit(&gs__sched.gfreecnt[cls], cnt + n, memory_order_relaxed);
		gs__unlockx(&gs__sched.gflock);
		free(batch);
	}
	return released;
}

/* World stopped: pp goes away; its free Gs join the global lists. */
void
gs__gfmove_global(gs_p *pp)
{
	gs__lockx(&gs__sched.gflock);
	for (int c = 0; c <= GS_GFREE_NOSTACK; c++)
		if (pp->gfreecnt[c] > 0)
			gfspill(pp, c, pp->gfreecnt[c]);
	gs__unlockx(&gs__sched.gflock);
}

static void
gfree_fini(void)
{
	for (int c = 0; c <= GS_GFREE_NOSTACK; c++) {
		free(gs__sched.gfree[c]);
		gs__sched.gfree[c] = NULL;
		gs__sched.gfreecap[c] = 0;
		atomic_store(&gs__sched.gfreecnt[c], 0);
	}
}

/* Make gp's stack ready for a fresh start: canary back (if its pages were
 * given away), sanitizer state cleared, initial frame laid out. */
static void
stack_ready(gs_g *gp)
{
	if (gp->stack_released) {
		if (gs__stack_canary(gp->stack_hi - gp->stack_lo))
			*(uint64_t *)gp->stack_lo = gs__stack_canary(gp->stack_hi - gp->stack_lo);
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
		gp->stack_released = donor->stack_released;
		donor->stack_lo = donor->stack_hi = 0;
		donor->stack_released = 0;
		gfput(pp, donor);
	} else if (gs__stackalloc(gp, cls) != 0) {
		if (gs__stack_exhausted())
			gs__fatal("no guard page left for a %zu-byte stack for goroutine %lld: "
				  "vm.max_map_count is spent on the stacks of goroutines already "
				  "dead (other sizes); raise it (sysctl -w vm.max_map_count=N)",
			    gs__stack_class_size(cls), (long long)gp->goid);
		gs__fatal("out of memory allocating a %zu-byte stack for goroutine %lld",
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
	int cls = attr && attr->stack_size ? gs__stack_class(attr->stack_size)
					   : gs__sched.default_stack_class;
	gs_g *gp = NULL;

	if (cls < 0) {
		*err = GS_EINVAL;
		return NULL;
	}
	if (!gs__stack_claim()) {
		*err = GS_ENOMEM;
		return NULL;
	}
	if (pp)
		gp = gfnew(pp, cls);
	if (gp == NULL)
		gp = malg();
	else if (gp->stack_lo != 0)
		stack_ready(gp);
	if (gp == NULL) {
		gs__stack_unclaim();
		*err = GS_ENOMEM;
		return NULL;
	}
	gp->stack_class = (uint8_t)cls;
	gp->fn = fn;
	gp->arg = arg;
	gp->goid = newgoid(pp);
	gp->m = NULL;
	atomic_store_explicit(&gp->waitreason, GS_WAIT_NONE, memory_order_relaxed);
	/* A dead G's label is empty (goexit0), so an unnamed spawn leaves the
	 * label's line alone (struct gs_g). */
	if (attr && attr->label) {
		strncpy(gp->label, attr->label, GS_LABEL_MAX - 1);
		gp->label[GS_LABEL_MAX - 1] = '\0';
	}
	gp->tag = attr ? attr->tag : 0;
	gs__casgstatus(gp, GS_G_DEAD, GS_G_RUNNABLE);
	return gp;
}

/* Start fn(arg) runnable next on mp's P (Go's newproc); parent is the
 * spawning goroutine's id, 0 for none.  Its id, or -1 with *err set. */
static int64_t
newproc(gs_m *mp, void (*fn)(void *), void *arg, const gs_attr *attr, int64_t parent, int *err)
{
	gs_p *pp = mp->p;
	gs_g *gp = newproc1(pp, fn, arg, attr, err);
	if (gp == NULL)
		return -1;
	int64_t id = gp->goid;
	gs__stat_inc(&pp->spawns);
	if (gs_unlikely(atomic_load_explicit(&gs__events_on, memory_order_relaxed)))
		gs__event_emit_spawn(pp->id, mp->id, id, parent, gp->label);
	gs__runqput(pp, gp, true);
	/* With one P we hold it: no idle P to start an M for. */
	if (gs__sched.gomaxprocs > 1)
		gs__wakep();
	return id;
}

int64_t
gs_go_attr(void (*fn)(void *), void *arg, const gs_attr *attr)
{
	gs_m *mp = gs__getm();
	int err = 0;

	if (mp == NULL || GS_LOAD(mp->curg) == NULL)
		return GS_ENOTRUN;
	if (fn == NULL)
		return GS_EINVAL;
	int64_t id = newproc(mp, fn, arg, attr, GS_LOAD(mp->curg)->goid, &err);
	if (id < 0)
		return err;
	gs__preempt_check(GS_LOAD(mp->curg));
	return id;
}

int64_t
gs__newproc_runtime(void (*fn)(void *), void *arg, int *err)
{
	return newproc(gs__getm(), fn, arg, NULL, 0, err);
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
	GS_EV(GS_EV_EXIT, pp->id, -1, mp->id, -1, gp->goid, 0);
	gs__dropg(mp);
	gp->fn = NULL;
	gp->arg = NULL;
	if (gp->label[0])
		gp->label[0] = '\0';
	gs__stack_unclaim();
	gs__stat_inc(&pp->exits);
	/* Locked to this thread when it ended: the thread ends with it, as in
	 * Go (whatever the goroutine changed in the thread dies with it). */
	bool locked = gp->lockedm != NULL;
	gp->lockedm = NULL;
	gp->lockedext = 0;
	mp->lockedg = NULL;
	if (gp == atomic_load_explicit(&gs__sched.maing, memory_order_relaxed)) {
		atomic_store(&gs__sched.maing, NULL);
		/* main returned: the program is over, as in Go.  Ms leave at their
		 * next trip through the scheduler; gs_run's caller collects them.
		 * main called gs_exit: only main is over, as after Go's Goexit in
		 * main; the others run on, and checkdead ends the program when
		 * none is left. */
		if (atomic_load(&gs__sched.mainreturned)) {
			atomic_store(&gs__sched.shutdown, true);
			gs__notewakeup(&gs__sched.done);
		}
	}
	gfput(pp, gp);
	if (gs_unlikely(locked)) {
		if (!atomic_load(&gs__sched.shutdown))
			gs__handoffp(gs__releasep(mp));
		mexit(mp);
	}
	gs__schedule();
}

void
gs_exit(void)
{
	gs_m *mp = gs__getm();

	if (mp == NULL || GS_LOAD(mp->curg) == NULL)
		gs__throw("gs_exit called outside a goroutine");
	mcall(goexit0, true);
	gs__throw("gs_exit: dead goroutine resumed");
}

/* ---- parking and readying ----------------------------------------------- */

/* gp, mp's current goroutine, stops running to wait. */
static inline void
park_drop(gs_m *mp, gs_g *gp)
{
	gs__casgstatus(gp, GS_G_RUNNING, GS_G_WAITING);
	GS_EV(GS_EV_PARK, GS_PID(mp->p), -1, mp->id, -1, gp->goid,
	    atomic_load_explicit(&gp->waitreason, memory_order_relaxed));
	gs__dropg(mp);
}

/* On g0: finish parking gp (Go's park_m). */
void
gs__park_m(gs_g *gp)
{
	gs_m *mp = gs__getm();

	gs__san_finish_switch(NULL);
	park_drop(mp, gp);
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
			gs__execute(mp, gp, true);
		}
	}
	gs__schedule();
}

bool
gs__unlock_park(gs_g *gp, void *lockp)
{
	(void)gp;
	gs__unlockx(lockp);
	return true;
}

/*
 * The goroutine that schedule would run right after a park, if it is runnext
 * and can run here at once (no locked M either side, a stack already): with
 * nothing due on this P (timers, an expired slice, the one-in-61 look at the
 * global queue) and no stop pending, findrunnable takes runnext first and it
 * inherits the time slice.  Taken off runnext; NULL if anything else applies.
 */
static inline gs_g *
park_runnext(gs_m *mp, gs_p *pp)
{
	if (mp->lockedg != NULL ||
	    atomic_load_explicit(&pp->timer0when, memory_order_relaxed) != 0 ||
	    atomic_load_explicit(&pp->sliceexpired, memory_order_relaxed) ||
	    atomic_load_explicit(&gs__sched.shutdown, memory_order_relaxed) ||
	    atomic_load_explicit(&gs__sched.gcwaiting, memory_order_relaxed))
		return NULL;
	if (GS_LOAD(pp->schedtick) % GS_GLOBAL_EVERY == 0 &&
	    atomic_load_explicit(&gs__sched.runqsize, memory_order_relaxed) > 0)
		return NULL;
	gs_g *next = atomic_load_explicit(&pp->runnext, memory_order_relaxed);
	if (next == NULL || !gs__runqgetnext(pp, next))
		return NULL;
	/* Read only now: until it is ours a thief may take it and run it. */
	if (gs_unlikely(next->lockedm != NULL || next->stack_lo == 0)) {
		/* Back where it was, for schedule: only this P's owner puts in
		 * runnext, and thieves take only what is there. */
		atomic_store_explicit(&pp->runnext, next, memory_order_release);
		return NULL;
	}
	return next;
}

/* Switch from the running gp straight to next (prepared by execute_prepare),
 * arrive(arg) running once gp's context is saved; returns when gp is resumed,
 * possibly on another M.  The one place a direct switch is annotated for the
 * sanitizers. */
static inline __attribute__((always_inline)) void
switch_direct(gs_g *gp, gs_g *next, void (*arrive)(void *), void *arg)
{
	gs__san_switch_g_to_g(gp, next);
	gs__ctx_switch(&gp->ctx, &next->ctx, arrive, arg);
	gs__san_finish_switch(gp);
}

/* gs__ctx_switch's arrival step for a direct park: gp's context is saved, so
 * its wait may be committed (park_m's unlock, on the next goroutine's stack). */
static void
park_arrive(void *arg)
{
	gs_g *gp = arg;
	bool (*unlockf)(gs_g *, void *) = gp->parkunlock;
	void *uarg = gp->parkarg;

	/* Cleared before unlocking, as in park_m. */
	gp->parkunlock = NULL;
	gp->parkarg = NULL;
	(void)unlockf(gp, uarg);
}

/*
 * gs__gopark for an unlockf that always returns true (it only releases the
 * locks that guard the wait list).  When schedule would run runnext next
 * (park_runnext), switch straight to it, as Go's park_m then schedule would,
 * without the stop on g0: the same status changes, events and accounting in
 * the same order, and the wait list's locks released on arrival, once gp's
 * context is saved.  Otherwise it is gs__gopark.
 */
void
gs__gopark_nofail(bool (*unlockf)(gs_g *, void *), void *arg, int reason)
{
	gs_m *mp = gs__getm();
	gs_g *gp = GS_LOAD(mp->curg);
	gs_p *pp = mp->p;

	gp->parkunlock = unlockf;
	gp->parkarg = arg;
	atomic_store_explicit(&gp->waitreason, (uint8_t)reason, memory_order_relaxed);
	gs_g *next = park_runnext(mp, pp);
	if (next == NULL) {
		gs__mcall_g(mp, gp, gs__park_m, false);
		return;
	}
	gs__stackcheck(gp, (uintptr_t)__builtin_frame_address(0));
	park_drop(mp, gp);
	gs__set_mstate(mp, GS_M_SCHED);
	execute_prepare(mp, next, true);
	switch_direct(gp, next, park_arrive, gp);
}

/* Make a waiting goroutine runnable, next on the caller's P. */
void
gs__goready(gs_g *gp)
{
	gs_m *mp = gs__getm();

	atomic_store_explicit(&gp->waitreason, GS_WAIT_NONE, memory_order_relaxed);
	gs__casgstatus(gp, GS_G_WAITING, GS_G_RUNNABLE);
	GS_EV(GS_EV_READY, mp->p->id, -1, mp->id, -1, gp->goid, 0);
	gs__runqput(mp->p, gp, true);
	/* With one P we hold it: no idle P to start an M for. */
	if (gs__sched.gomaxprocs > 1)
		gs__wakep();
}

/*
 * Whether a yield may skip findrunnable and take the global queue's head at
 * once: with nothing local (as the owner sees it: others only ever take from
 * this queue), no timers, no locked M and no stop-the-world or shutdown
 * pending, findrunnable would go straight to that same global queue (its
 * one-in-61 check included), where the yielder has just gone to the tail.
 */
static inline bool
gosched_fast(gs_m *mp, gs_p *pp)
{
	bool local = atomic_load_explicit(&pp->runqhead, memory_order_relaxed) !=
		atomic_load_explicit(&pp->runqtail, memory_order_relaxed) ||
	    atomic_load_explicit(&pp->runnext, memory_order_relaxed) != NULL;
	return !local && mp->lockedg == NULL &&
	    atomic_load_explicit(&pp->timer0when, memory_order_relaxed) == 0 &&
	    !atomic_load_explicit(&gs__sched.shutdown, memory_order_relaxed) &&
	    !atomic_load_explicit(&gs__sched.gcwaiting, memory_order_relaxed);
}

/* gp stops running; it is not on any queue yet. */
static inline void
gosched_drop(gs_m *mp, gs_p *pp, gs_g *gp)
{
	gs__casgstatus(gp, GS_G_RUNNING, GS_G_RUNNABLE);
	dropg(mp);
	gs__stat_inc(&pp->global_puts);
}

/* The events of a yield's put (and of the take that follows, if next). */
static inline void
gosched_say(gs_m *mp, gs_p *pp, gs_g *gp, gs_g *next)
{
	if (GS_EVON()) {
		gs__event_emit(GS_EV_GLOBAL_PUT, pp->id, -1, mp->id, GS_GPUT_YIELD, gp->goid, 1);
		/* The fast path's take is a global-queue get like any other. */
		if (next) {
			gs__event_emit(GS_EV_GLOBAL_GET, pp->id, -1, mp->id, 0, next->goid, 1);
			gs__event_emit(GS_EV_MOVE, pp->id, -1, mp->id, -1, next->goid,
			    GS_MOVE_GLOBAL_GET);
		}
	}
}

/* Put gp at the global queue's tail; fast: take the head, which is gp itself
 * when the queue was empty.  Under sched.lock: the events are said before any
 * other M can take gp. */
static gs_g *
gosched_put(gs_m *mp, gs_p *pp, gs_g *gp, bool fast)
{
	gs_g *next = NULL;

	gs__globrunqput(gp);
	if (fast) {
		next = gs__globrunqpop();
		/* Locked to another M: leave it to findrunnable's hand-over. */
		if (next != NULL && next->lockedm != NULL) {
			gs__globrunqputhead(next);
			next = NULL;
		}
	}
	gosched_say(mp, pp, gp, next);
	return next;
}

/* On g0, sched.lock held: the rest of a yield that gs_yield began. */
static _Noreturn void
gosched_finish(gs_m *mp, gs_p *pp, gs_g *gp, bool fast)
{
	gs_g *next = gosched_put(mp, pp, gp, fast);

	gs__unlockx(&gs__sched.lock);
	if (next)
		gs__execute(mp, next, false);
	gs__schedule();
}

/* On g0: put gp on the global queue and schedule (Go's gosched_m). */
static void
gosched_m(gs_g *gp)
{
	gs_m *mp = gs__getm();
	gs_p *pp = mp->p;

	gs__san_finish_switch(NULL);
	gosched_drop(mp, pp, gp);
	bool fast = gosched_fast(mp, pp);
	gs__lockx(&gs__sched.lock);
	gosched_finish(mp, pp, gp, fast);
}

/* On g0, after gs_yield dropped gp and took sched.lock on its stack. */
static void
gosched_locked_m(gs_g *gp)
{
	gs_m *mp = gs__getm();

	gs__san_finish_switch(NULL);
	gosched_finish(mp, mp->p, gp, true);
}

/* gs__ctx_switch's arrival step: the yielder's context is saved. */
static void
unlock_sched(void *arg)
{
	(void)arg;
	gs__unlockx(&gs__sched.lock);
}

/*
 * A yield that goes straight from the yielder to the global queue's head, the
 * goroutine gosched_m's fast path would pick, without the stop on g0.  The
 * same steps in the same order (gp to the tail, the head taken, the same
 * events), with sched.lock held from the put across the switch, so no other M
 * takes gp before its context is saved; from an empty queue gp takes itself
 * and no switch is needed.  When the head cannot run here (locked to an M, no
 * stack yet), the rest is gosched_m's, on g0.
 */
static void
yield_direct(gs_m *mp, gs_p *pp, gs_g *gp)
{
	gs__stackcheck(gp, (uintptr_t)__builtin_frame_address(0));
	gosched_drop(mp, pp, gp);
	gs__lockx(&gs__sched.lock);
	gs_g *next = gs__globrunqrotate(gp);
	if (next == NULL) {
		gs__mcall_g(mp, gp, gosched_locked_m, false);
		return;
	}
	gosched_say(mp, pp, gp, next);
	execute_prepare(mp, next, false);
	if (next == gp) {
		/* Alone: gp was the whole queue, and runs on with a new time slice. */
		gs__unlockx(&gs__sched.lock);
		return;
	}
	switch_direct(gp, next, unlock_sched, NULL);
}

void
gs_yield(void)
{
	gs_m *mp = gs__getm();
	gs_g *gp;

	if (mp == NULL || (gp = GS_LOAD(mp->curg)) == NULL)
		return;
	if (gosched_fast(mp, mp->p))
		yield_direct(mp, mp->p, gp);
	else
		mcall(gosched_m, false);
}

/* ---- queries ------------------------------------------------------------- */

bool
gs_in_goroutine(void)
{
	gs_m *mp = gs__getm();

	return mp != NULL && GS_LOAD(mp->curg) != NULL;
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
	return __atomic_load_n(&gs__sched.gomaxprocs, __ATOMIC_RELAXED);
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
	atomic_store_explicit(&mp->procid, (int32_t)gettid(), memory_order_relaxed);
	/* g0 is this thread's own stack.  gs__ctx_mcall restarts it from a point a
	 * little below this frame every time, so everything below is scratch. */
	if (pthread_getattr_np(pthread_self(), &attr) != 0 ||
	    pthread_attr_getstack(&attr, &stackaddr, &stacksize) != 0)
		gs__throw("mstart: cannot read the thread's stack");
	pthread_attr_destroy(&attr);
	uintptr_t top = ((uintptr_t)__builtin_frame_address(0) - 1024) & ~(uintptr_t)15;
	mp->g0_stack_bottom = stackaddr;
	mp->g0_stack_size = top - (uintptr_t)stackaddr;
	gs__san_m_init(mp);
	gs__sigaltstack_setup();

	/* mexit comes back here to end the thread by returning: pthread_exit
	 * would unwind through goroutine frames that are not on this stack. */
	if (sigsetjmp(mp->exitbuf, 0) != 0)
		return NULL;
	gs__acquirep(mp, mp->nextp);
	mp->nextp = NULL;
	gs__schedule();
}

static void
mexit(gs_m *mp)
{
	if (mp->p)
		gs__releasep(mp);
	gs__set_mstate(mp, GS_M_DEAD);
	gs__sigaltstack_teardown();
	gs__lockx(&gs__sched.lock);
	if (--gs__sched.mcount_live == 0)
		gs__notewakeup(&gs__sched.allmexited);
	gs__unlockx(&gs__sched.lock);
	gs__san_m_exit(mp);
	gs__setm(NULL);
	siglongjmp(mp->exitbuf, 1);
}

/* ---- start and shutdown -------------------------------------------------- */

/*
 * Go's defaultGOMAXPROCS: the CPUs in the affinity mask (ncpu, or read now if
 * 0), lowered to the cgroup's CPU limit rounded up, but not below 2 (Go's
 * adjustCgroupGOMAXPROCS), unless GSCHED_DEBUG=containermaxprocs=0 or there
 * is no CPU cgroup (gs__sched.cgroup closed).  At most GS_MAX_PROCS.
 */
static int
default_gomaxprocs(int ncpu)
{
	int n = ncpu > 0 ? ncpu : gs__os_ncpu();
	double limit;

	if (gs__sched.cgroup.version != 0 && gs__cgroup_read(&gs__sched.cgroup, &limit) == 1 &&
	    limit < n) {
		/* ceil, then at least 2 */
		double l = (double)(int64_t)limit;
		if (l < limit)
			l++;
		if (l < 2)
			l = 2;
		if (l < n)
			n = (int)l;
	}
	return n > GS_MAX_PROCS ? GS_MAX_PROCS : n;
}

/* Default GOMAXPROCS: $GOMAXPROCS if set (*custom then), else Go's default. */
static int
default_procs(int ncpu, int *procs, bool *custom)
{
	const char *env = getenv("GOMAXPROCS");

	*custom = false;
	if (env && *env) {
		char *end;
		errno = 0;
		long v = strtol(env, &end, 10);
		/* Digits only, as Go reads it: strtol alone would take " 4" and "+4". */
		if (errno || *end || v < 1 || v > GS_MAX_PROCS || *env < '0' || *env > '9') {
			fprintf(stderr, "gsched: GOMAXPROCS=%s: want a whole number from 1 to %d\n",
			    env, GS_MAX_PROCS);
			return GS_EINVAL;
		}
		*procs = (int)v;
		*custom = true;
		return 0;
	}
	*procs = default_gomaxprocs(ncpu);
	return 0;
}

/*
 * Go's sysmonUpdateGOMAXPROCS, called by sysmon on every pass: once a second
 * (wall time, not scaled: the limit changes outside the program), unless
 * GOMAXPROCS was set or GSCHED_DEBUG=updatemaxprocs=0, read the default again
 * and change GOMAXPROCS to it if it differs.  sysmon stops the world itself,
 * as a thread outside the goroutines may (Go hands that to a goroutine
 * because its sysmon cannot); gs__update_gomaxprocs gives way to a setting
 * made meanwhile.
 */
void
gs__sysmon_updatemaxprocs(int64_t now)
{
	if (!gs__sched.updatemaxprocs || atomic_load(&gs__sched.customprocs) ||
	    now - gs__sched.lastmaxprocs < 1000 * 1000 * 1000)
		return;
	gs__sched.lastmaxprocs = now;
	int n = default_gomaxprocs(0);
	if (n != __atomic_load_n(&gs__sched.gomaxprocs, __ATOMIC_RELAXED) &&
	    !atomic_load(&gs__sched.shutdown))
		gs__update_gomaxprocs(n);
}

/* gs_set_timescale's setting, 0 if none. */
static _Atomic int timescale_set;

int
gs_set_timescale(int n)
{
	if (n < 0 || n > GS_TIMESCALE_MAX)
		return GS_ERANGE;
	if (atomic_load(&gs__sched.running))
		return GS_EBUSY;
	atomic_store(&timescale_set, n);
	return 0;
}

int
gs_timescale(void)
{
	int n = atomic_load_explicit(&gs__sched.timescale, memory_order_relaxed);

	if (n == 0)
		n = atomic_load(&timescale_set);
	return n > 0 ? n : 1;
}

struct debugopts {
	int32_t schedtrace_ms;
	bool scheddetail, asyncpreemptoff, stackmprotect;
	bool containermaxprocs, updatemaxprocs; /* Go 1.25's defaults: 1 */
	int timescale;                          /* 0: not set */
};

/* Say what is wrong with GSCHED_DEBUG, unless asked to keep quiet. */
#define DEBUG_SAY(...)                                                                             \
	do {                                                                                       \
		if (!quiet)                                                                        \
			fprintf(stderr, __VA_ARGS__);                                              \
	} while (0)

/* GSCHED_DEBUG=name=value,...: Go's GODEBUG knobs for the scheduler, into *o.
 * A bad value is an error; an unknown name is reported and skipped. */
static int
debug_parse(struct debugopts *o, bool quiet)
{
	const char *env = getenv("GSCHED_DEBUG");
	char buf[256];

	memset(o, 0, sizeof *o);
	o->containermaxprocs = o->updatemaxprocs = true;
	if (env == NULL || *env == '\0')
		return 0;
	if (strlen(env) >= sizeof buf) {
		DEBUG_SAY("gsched: GSCHED_DEBUG is too long\n");
		return GS_EINVAL;
	}
	strcpy(buf, env);
	for (char *save = NULL, *kv = strtok_r(buf, ",", &save); kv;
	     kv = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(kv, '=');
		if (eq == NULL) {
			DEBUG_SAY("gsched: GSCHED_DEBUG: '%s' is not name=value\n", kv);
			return GS_EINVAL;
		}
		*eq = '\0';
		const char *val = eq + 1;
		char *end;
		errno = 0;
		long v = strtol(val, &end, 10);
		bool num = *val && !*end && !errno && v >= 0 && v <= 3600 * 1000;
		if (strcmp(kv, "schedtrace") == 0) {
			if (!num) {
				DEBUG_SAY("gsched: GSCHED_DEBUG: schedtrace=%s: want milliseconds "
					  "(0 to 3600000)\n",
				    val);
				return GS_EINVAL;
			}
			o->schedtrace_ms = (int32_t)v;
		} else if (strcmp(kv, "timescale") == 0) {
			if (!num || v < 1 || v > GS_TIMESCALE_MAX) {
				DEBUG_SAY("gsched: GSCHED_DEBUG: timescale=%s: want a whole factor "
					  "from 1 to %d\n",
				    val, GS_TIMESCALE_MAX);
				return GS_EINVAL;
			}
			o->timescale = (int)v;
		} else if (strcmp(kv, "scheddetail") == 0 || strcmp(kv, "asyncpreemptoff") == 0 ||
		    strcmp(kv, "stackmprotect") == 0 || strcmp(kv, "containermaxprocs") == 0 ||
		    strcmp(kv, "updatemaxprocs") == 0) {
			if (!num || v > 1) {
				DEBUG_SAY("gsched: GSCHED_DEBUG: %s=%s: want 0 or 1\n", kv, val);
				return GS_EINVAL;
			}
			if (strcmp(kv, "scheddetail") == 0)
				o->scheddetail = v == 1;
			else if (strcmp(kv, "stackmprotect") == 0)
				o->stackmprotect = v == 1;
			else if (strcmp(kv, "containermaxprocs") == 0)
				o->containermaxprocs = v == 1;
			else if (strcmp(kv, "updatemaxprocs") == 0)
				o->updatemaxprocs = v == 1;
			else
				o->asyncpreemptoff = v == 1;
		} else {
			DEBUG_SAY("gsched: GSCHED_DEBUG: unknown setting '%s' ignored "
				  "(known: schedtrace, scheddetail, asyncpreemptoff, timescale, "
				  "stackmprotect, containermaxprocs, updatemaxprocs)\n",
			    kv);
		}
	}
	return 0;
}

/* GSCHED_DEBUG into the scheduler's settings; *timescale gets timescale=N, or 0. */
static int
parse_debug(int *timescale)
{
	struct debugopts o;
	int err = debug_parse(&o, false);

	gs__sched.schedtrace_ms = o.schedtrace_ms;
	gs__sched.scheddetail = o.scheddetail;
	gs__sched.asyncpreemptoff = o.asyncpreemptoff;
	gs__sched.stackmprotect = o.stackmprotect;
	gs__sched.containermaxprocs = o.containermaxprocs;
	gs__sched.updatemaxprocs = o.updatemaxprocs;
	*timescale = o.timescale;
	return err;
}

bool
gs__debug_stackmprotect(void)
{
	struct debugopts o;

	return debug_parse(&o, true) == 0 && o.stackmprotect;
}

gs_p *
gs__newp(int32_t id)
{
	gs_p *pp = aligned_alloc(GS_CACHELINE, sizeof *pp);

	if (pp == NULL)
		return NULL;
	memset(pp, 0, sizeof *pp);
	pp->id = id;
	atomic_store(&pp->status, GS_P_IDLE);
	gs__sysmontick_reset(pp, (int64_t)gs__nanotime());
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
		free(gp->asyncsave);
		gp->asyncsave = NULL;
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
		free(mp->evring);
		free(mp);
		mp = next;
	}
	for (int i = 0; i < GS_MAX_PROCS; i++) {
		if (gs__sched.allp[i])
			gs__timers_free(gs__sched.allp[i]);
		free(gs__sched.allp[i]);
		gs__sched.allp[i] = NULL;
	}
	gs__sched.sysmon = NULL;
}

int
gs_run(void (*main_fn)(void *), void *arg, const gs_config *cfg)
{
	gs_config c = cfg ? *cfg : (gs_config){ 0, 0, 0 };
	int procs, err;
	gs_m *mp;

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
	int timescale;
	if ((err = parse_debug(&timescale)) != 0) {
		atomic_store(&gs__sched.running, false);
		return err;
	}
	/* Go's defaultGOMAXPROCSInit: find the cgroup once; its limit files stay
	 * open for the run, to be read again by every update. */
	if (gs__sched.containermaxprocs)
		gs__cgroup_open(&gs__sched.cgroup);
	bool custom = c.procs != 0;
	if (c.procs)
		procs = c.procs;
	else if ((err = default_procs(ncpu, &procs, &custom)) != 0) {
		gs__cgroup_close(&gs__sched.cgroup);
		atomic_store(&gs__sched.running, false);
		return err;
	}
	atomic_store(&gs__sched.customprocs, custom);
	gs__sched.lastmaxprocs = (int64_t)gs__nanotime();
	/* The program's setting wins over the environment's, as cfg->procs
	 * over GOMAXPROCS. */
	if (atomic_load(&timescale_set) != 0)
		timescale = atomic_load(&timescale_set);
	atomic_store(&gs__sched.timescale, timescale > 0 ? timescale : 1);

	atomic_store(&gs__sched.obsstate, GS_OBS_OFF);
	/* Start from a clean state: the runtime may have run before. */
	atomic_store(&gs__sched.shutdown, false);
	gs__sched.gomaxprocs = procs;
	gs__sched.ncpu = ncpu;
	gs__sched.default_stack = c.stack_size ? c.stack_size : GS_DEFAULT_STACK;
	gs__sched.default_stack_class = gs__stack_class(gs__sched.default_stack);
	gs__sched.maxmcount = c.max_threads ? c.max_threads : GS_DEFAULT_MAX_THREADS;
	memset(gs__sched.idlepmask, 0, sizeof gs__sched.idlepmask);
	gs__sched.midle = NULL;
	gs__sched.nmidle = 0;
	gs__sched.nmidlelocked = 0;
	gs__sched.mnext = 0;
	gs__sched.mcount_live = 0;
	gs__sched.allm = NULL;
	gs__sched.pidle = NULL;
	atomic_store(&gs__sched.npidle, 0);
	atomic_store(&gs__sched.needspinning, 0);
	atomic_store(&gs__sched.nmspinning, 0);
	if (gs__globrunq_init() != 0) {
		atomic_store(&gs__sched.running, false);
		return GS_ENOMEM;
	}
	gfree_fini();
	atomic_store(&gs__sched.allgs, NULL);
	atomic_store(&gs__sched.goidgen, 0);
	atomic_store(&gs__sched.threads_created, 0);
	atomic_store(&gs__sched.gcwaiting, false);
	atomic_store(&gs__sched.obs_stopped, false);
	atomic_store(&gs__sched.stwactive, 0);
	gs__sched.stopwait = 0;
	pthread_mutex_init(&gs__sched.stwlock, NULL);
	atomic_store(&gs__sched.netpollwaiters, 0);
	atomic_store(&gs__sched.pollUntil, 0);
	atomic_store(&gs__sched.insyscall, 0);
	atomic_store(&gs__sched.handoffs, 0);
	atomic_store(&gs__sched.retakes, 0);
	atomic_store(&gs__sched.preempt_async, 0);
	atomic_store(&gs__sched.preempt_requests, 0);
	atomic_store(&gs__sched.netpoll_wakes, 0);
	atomic_store(&gs__sched.procresizes, 0);
	atomic_store(&gs__sched.exitsyscall_global, 0);
	atomic_store(&gs__sched.peakepoch, 0);
	gs__sched.last_stw_ns = 0;
	gs__sched.sysmon = NULL;
	gs__sched.starttime = gs__nanotime();
	gs__noteclear(&gs__sched.sysmonwake);
	gs__noteclear(&gs__sched.sysmonnote);
	atomic_store(&gs__sched.sysmonwait, false);
	atomic_store(&gs__sched.sysmonsyscall, false);
	gs__noteclear(&gs__sched.done);
	gs__noteclear(&gs__sched.allmexited);
	gs__update_coprimes(procs);
	gs__stack_init(gs__sched.stackmprotect);

	for (int32_t i = 0; i < procs; i++) {
		if ((gs__sched.allp[i] = gs__newp(i)) == NULL) {
			err = GS_ENOMEM;
			goto fail;
		}
	}
	/* P0 will run main; the rest start idle. */
	gs__lockx(&gs__sched.lock);
	for (int32_t i = procs - 1; i >= 1; i--)
		gs__pidleput(gs__sched.allp[i]);
	gs__unlockx(&gs__sched.lock);

	gs_attr mattr = { .label = "main" };
	gs_g *maing = newproc1(NULL, main_fn, arg, &mattr, &err);
	if (maing == NULL)
		goto fail;
	atomic_store(&gs__sched.mainreturned, false);
	atomic_store(&gs__sched.maing, maing);
	gs__stat_inc(&gs__sched.allp[0]->spawns);
	atomic_store(&gs__sched.allp[0]->runnext, maing);

	if ((err = gs__netpoll_init()) != 0)
		goto fail;
	if ((err = gs__sigsegv_install()) != 0)
		goto fail;
	if ((err = gs__preempt_install()) != 0)
		goto fail;

	/* Observers may look from now on: every P exists. */
	atomic_store(&gs__sched.obsstate, GS_OBS_ON);
	/* sysmon first: it counts among the live Ms, and main may return (and
	 * the last M leave) before a later start would have counted it. */
	if ((err = gs__sysmon_start()) != 0)
		goto fail;
	gs__lockx(&gs__sched.lock);
	int64_t id = gs__mreserve();
	gs__unlockx(&gs__sched.lock);
	if ((err = newm_start(gs__sched.allp[0], false, id)) != 0) {
		/* No goroutine has run: gs_run fails instead of the program.
		 * Stop sysmon, the only thread, as a shutdown does. */
		gs__lockx(&gs__sched.lock);
		gs__sched.mcount_live--;
		atomic_store(&gs__sched.shutdown, true);
		gs__sysmon_wake_locked(false);
		gs__unlockx(&gs__sched.lock);
		gs__notewakeup(&gs__sched.sysmonwake);
		gs__notesleep(&gs__sched.allmexited);
		for (mp = gs__sched.allm; mp; mp = mp->alllink)
			pthread_join(mp->thread, NULL);
		err = err == GS_ENOMEM ? GS_ENOMEM : GS_EAGAIN;
		goto fail;
	}

	/* Wait for main to return, then for every M to leave. */
	gs__notesleep(&gs__sched.done);
	gs__lockx(&gs__sched.lock);
	while ((mp = gs__mget()) != NULL) {
		mp->nextp = NULL;
		gs__notewakeup(&mp->park);
	}
	/* And those waiting for their locked G (stoplockedm). */
	for (mp = gs__sched.allm; mp; mp = mp->alllink) {
		if (mp->lockedpark) {
			mp->lockedpark = false;
			gs__sched.nmidlelocked--;
			mp->nextp = NULL;
			gs__notewakeup(&mp->park);
		}
	}
	gs__sysmon_wake_locked(false);
	gs__unlockx(&gs__sched.lock);
	gs__notewakeup(&gs__sched.sysmonwake);
	gs__netpollbreak(); /* the M blocked in the netpoller, if any */
	gs__notesleep(&gs__sched.allmexited);
	for (mp = gs__sched.allm; mp; mp = mp->alllink)
		pthread_join(mp->thread, NULL);
	err = 0;
fail:
	/* Let observers in flight finish, and keep new ones out, before the Ps,
	 * Ms and Gs they read are freed. */
	atomic_store(&gs__sched.obsstate, GS_OBS_OFF);
	while (atomic_load(&gs__sched.observers) > 0)
		gs__osyield();
	gs__events_reset();
	gs__acct_reset();
	gs__globrunq_free();
	gfree_fini();
	gs__preempt_uninstall();
	gs__sigsegv_uninstall();
	gs__netpoll_fini();
	free_all();
	gs__cgroup_close(&gs__sched.cgroup);
	pthread_mutex_destroy(&gs__sched.stwlock);
	atomic_store(&gs__sched.timescale, 0);
	atomic_store(&gs__sched.running, false);
	return err;
}
