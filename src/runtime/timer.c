/*
 * timer.c - per-P timer heaps, gs_sleep, and channel timers (Go's time.go).
 *
 * Each P keeps its timers in a 4-ary min-heap under its own timerslock.  A
 * goroutine that sleeps adds its timer to its P's heap from gopark's unlock
 * callback, on g0, so the timer cannot fire (and ready it) while it is still
 * on its stack.  Timers run in findrunnable (the P's own), in the last steal
 * round (another P's, by a thief), and after the netpoller wakes for the
 * earliest of them.  No thread ever sleeps for a goroutine's timer.
 *
 * A timer knows which heap it is in (pp, changed only under that heap's lock),
 * so gs__deltimer can find it after GOMAXPROCS changes moved it.  While f runs
 * the timer is in no heap and `running` is set; deleting waits for f to finish
 * so the caller may free the timer afterwards.
 */
#include <stdlib.h>
#include <string.h>

#include "runtime/internal.h"

/* A heap slot keeps its timer's when next to the pointer, as Go's timerWhen
 * does: sifting compares only the array, not timers scattered over the
 * sleepers' stacks. */
struct gs__theap {
	int64_t when;
	gs__timer *t;
};

static inline void
heap_set(gs_p *pp, int32_t i, struct gs__theap e)
{
	pp->timers[i] = e;
	e.t->idx = i;
}

static void
siftup(gs_p *pp, int32_t i)
{
	struct gs__theap e = pp->timers[i];

	while (i > 0) {
		int32_t parent = (i - 1) / 4;
		if (pp->timers[parent].when <= e.when)
			break;
		heap_set(pp, i, pp->timers[parent]);
		i = parent;
	}
	heap_set(pp, i, e);
}

static void
siftdown(gs_p *pp, int32_t i)
{
	struct gs__theap e = pp->timers[i];
	int32_t n = pp->ntimers;

	for (;;) {
		int32_t c = 4 * i + 1, best = -1;
		int64_t bestwhen = e.when;
		for (int32_t k = c; k < c + 4 && k < n; k++) {
			if (pp->timers[k].when < bestwhen) {
				bestwhen = pp->timers[k].when;
				best = k;
			}
		}
		if (best < 0)
			break;
		heap_set(pp, i, pp->timers[best]);
		i = best;
	}
	heap_set(pp, i, e);
}

static void
update_timer0(gs_p *pp)
{
	atomic_store_explicit(&pp->timer0when, pp->ntimers ? pp->timers[0].when : 0,
	    memory_order_release);
}

/* pp->timerslock held. */
static bool
heap_add(gs_p *pp, gs__timer *t)
{
	if (pp->ntimers == pp->captimers) {
		int32_t cap = pp->captimers ? pp->captimers * 2 : 64;
		struct gs__theap *nt = realloc(pp->timers, (size_t)cap * sizeof *nt);
		if (nt == NULL)
			return false;
		pp->timers = nt;
		pp->captimers = cap;
	}
	int32_t i = pp->ntimers++;
	heap_set(pp, i, (struct gs__theap){ t->when, t });
	siftup(pp, i);
	atomic_store_explicit(&t->pp, pp, memory_order_release);
	update_timer0(pp);
	return true;
}

/* pp->timerslock held; t is in pp's heap. */
static void
heap_del(gs_p *pp, gs__timer *t)
{
	int32_t i = t->idx, last = --pp->ntimers;

	if (i != last) {
		heap_set(pp, i, pp->timers[last]);
		if (i > 0 && pp->timers[(i - 1) / 4].when > pp->timers[i].when)
			siftup(pp, i);
		else
			siftdown(pp, i);
	}
	atomic_store_explicit(&t->pp, NULL, memory_order_release);
	update_timer0(pp);
}

void
gs__addtimer_p(gs_p *pp, gs__timer *t)
{
	/* Read when now: once the lock is dropped the timer may fire on another
	 * P and (a sleep's timer lives on its goroutine's stack) be gone. */
	int64_t when = t->when;
	gs__lockx(&pp->timerslock);
	bool ok = heap_add(pp, t);
	bool earliest = ok && pp->timers[0].t == t;
	gs__unlockx(&pp->timerslock);
	if (!ok)
		gs__fatal("out of memory growing a timer heap");
	/* A new earliest timer must not wait behind a netpoller that sleeps until
	 * a later one (Go's wakeNetPoller).  A later one changes nothing: whoever
	 * waits for the earliest will look again when it fires. */
	if (earliest)
		gs__wakenetpoller(when);
}

void
gs__addtimer(gs__timer *t)
{
	gs__addtimer_p(gs__getm()->p, t);
}

bool
gs__deltimer(gs__timer *t)
{
	for (;;) {
		gs_p *pp = atomic_load_explicit(&t->pp, memory_order_acquire);
		if (pp == NULL) {
			/* Not in a heap: fired, firing, or never added.  Wait out a
			 * running f so the caller can free t. */
			while (atomic_load_explicit(&t->running, memory_order_acquire))
				gs__osyield();
			return false;
		}
		gs__lockx(&pp->timerslock);
		if (atomic_load_explicit(&t->pp, memory_order_relaxed) == pp) {
			heap_del(pp, t);
			gs__unlockx(&pp->timerslock);
			/* A periodic timer stays in its heap while f runs. */
			while (atomic_load_explicit(&t->running, memory_order_acquire))
				gs__osyield();
			return true;
		}
		gs__unlockx(&pp->timerslock); /* moved meanwhile: look again */
	}
}

int64_t
gs__runtimers(gs_p *pp, int64_t now)
{
	int64_t next = atomic_load_explicit(&pp->timer0when, memory_order_acquire);

	if (next == 0 || next > now)
		return next;
	gs__lockx(&pp->timerslock);
	while (pp->ntimers > 0 && pp->timers[0].when <= now) {
		gs__timer *t = pp->timers[0].t;
		int64_t late = now - pp->timers[0].when;
		heap_del(pp, t);
		/* A sleeper's timer lives on its stack and nobody deletes it: once
		 * f readies the sleeper, t may be gone, so it is not touched after
		 * f.  Every other timer is marked running so gs__deltimer can wait
		 * for f before its owner frees it. */
		bool track = !t->ephemeral;
		if (track)
			atomic_store_explicit(&t->running, 1, memory_order_relaxed);
		if (t->period > 0) {
			t->when = gs__whenadd(t->when, t->period);
			if (t->when <= now)
				t->when = gs__whenadd(now, t->period);
			heap_add(pp, t);
		}
		void (*f)(void *, int64_t) = t->f;
		void *arg = t->arg;
		gs__unlockx(&pp->timerslock);
		GS_EV(GS_EV_TIMER_FIRE, pp->id, -1, GS_MID(gs__getm()), -1, 0, 0);
		f(arg, now);
		if (track)
			atomic_store_explicit(&t->running, 0, memory_order_release);
		gs_m *mp = gs__getm();
		if (mp->p) {
			gs__stat_inc(&mp->p->timers_fired);
			gs__peak_note(&mp->p->peak_timerlate, (uint64_t)late);
		}
		gs__lockx(&pp->timerslock);
	}
	next = pp->ntimers ? pp->timers[0].when : 0;
	gs__unlockx(&pp->timerslock);
	return next;
}

int64_t
gs__nexttimer_all(void)
{
	int64_t next = 0;

	for (int i = 0; i < GS_MAX_PROCS; i++) {
		/* no lock held by every caller: read as procresize stores */
		gs_p *pp = __atomic_load_n(&gs__sched.allp[i], __ATOMIC_ACQUIRE);
		if (pp == NULL)
			break;
		int64_t w = atomic_load_explicit(&pp->timer0when, memory_order_acquire);
		if (w != 0 && (next == 0 || w < next))
			next = w;
	}
	return next;
}

/* World stopped: give every timer of from to to. */
void
gs__movetimers(gs_p *from, gs_p *to)
{
	gs__lockx(&from->timerslock);
	gs__lockx(&to->timerslock);
	while (from->ntimers > 0) {
		gs__timer *t = from->timers[from->ntimers - 1].t;
		heap_del(from, t);
		if (!heap_add(to, t))
			gs__fatal("out of memory growing a timer heap");
	}
	gs__unlockx(&to->timerslock);
	gs__unlockx(&from->timerslock);
}

void
gs__timers_free(gs_p *pp)
{
	free(pp->timers);
	pp->timers = NULL;
	pp->ntimers = pp->captimers = 0;
}

/* ---- sleep ---------------------------------------------------------------- */

static void
sleep_fire(void *arg, int64_t now)
{
	(void)now;
	gs__goready(arg);
}

/* gopark callback: arm the timer only once gp is off its stack. */
static bool
sleep_commit(gs_g *gp, void *arg)
{
	(void)gp;
	gs__addtimer(arg);
	return true;
}

int64_t
gs_nanotime(void)
{
	return (int64_t)gs__nanotime();
}

int
gs_sleep(int64_t ns)
{
	gs_g *gp = gs__getg();

	if (gp == NULL)
		return GS_ENOTRUN;
	if (ns <= 0) {
		gs_yield();
		return 0;
	}
	gs__timer t;
	memset(&t, 0, sizeof t);
	t.when = gs__whenadd((int64_t)gs__nanotime(), ns);
	t.f = sleep_fire;
	t.arg = gp;
	t.ephemeral = true;
	gs__gopark(sleep_commit, &t, GS_WAIT_SLEEP);
	return 0;
}

/* ---- channel timers (Go's time.Timer / time.After) ---------------------- */

struct gs_timer {
	gs__timer t;
	gs_chan *c;         /* capacity 1: a fire never blocks the timer's runner; NULL
	               for gs_after_func */
	void (*fn)(void *); /* gs_after_func's function and argument */
	void *fnarg;
};

/* Runs on an M with a P: a non-blocking send of the fire time.  A full
 * channel (nobody took the last one) drops this tick, as Go's does. */
static void
chan_fire(void *arg, int64_t now)
{
	struct gs_timer *tm = arg;

	gs__chan_send_nb(tm->c, &now);
}

/* A channel timer first due ns from now, then every period (0: once). */
static gs_timer *
newtimer(int64_t ns, int64_t period)
{
	if (!gs_in_goroutine())
		return NULL;
	struct gs_timer *tm = calloc(1, sizeof *tm);
	if (tm == NULL)
		return NULL;
	tm->c = gs_chan_make(sizeof(int64_t), 1);
	if (tm->c == NULL) {
		free(tm);
		return NULL;
	}
	tm->t.when = gs__whenadd((int64_t)gs__nanotime(), ns);
	tm->t.period = period;
	tm->t.f = chan_fire;
	tm->t.arg = tm;
	gs__addtimer(&tm->t);
	return tm;
}

gs_timer *
gs_timer_new(int64_t ns)
{
	return newtimer(ns, 0);
}

gs_timer *
gs_ticker_new(int64_t ns, int64_t period)
{
	/* Go's NewTicker panics on a period of 0 or less: it would fire
	 * without end. */
	if (period <= 0)
		return NULL;
	return newtimer(ns, period);
}

gs_chan *
gs_timer_chan(gs_timer *tm)
{
	return tm ? tm->c : NULL;
}

bool
gs_timer_stop(gs_timer *tm)
{
	return tm ? gs__deltimer(&tm->t) : false;
}

int
gs_timer_reset(gs_timer *tm, int64_t ns)
{
	if (tm == NULL)
		return GS_EINVAL;
	if (!gs_in_goroutine())
		return GS_ENOTRUN;
	bool was = gs__deltimer(&tm->t);
	tm->t.when = gs__whenadd((int64_t)gs__nanotime(), ns);
	gs__addtimer(&tm->t);
	return was ? 1 : 0;
}

void
gs_timer_free(gs_timer *tm)
{
	if (tm == NULL)
		return;
	gs__deltimer(&tm->t);
	gs_chan_free(tm->c);
	free(tm);
}

/* ---- AfterFunc ------------------------------------------------------------ */

/* Runs on an M with a P: start fn in a goroutine of its own, as Go's goFunc,
 * so a slow fn delays no other timer. */
static void
func_fire(void *arg, int64_t now)
{
	struct gs_timer *tm = arg;
	int err = 0;

	(void)now;
	if (gs__newproc_runtime(tm->fn, tm->fnarg, &err) < 0)
		gs__fatal("cannot start an AfterFunc goroutine: %s", gs_strerror(err));
}

gs_timer *
gs_after_func(int64_t ns, void (*fn)(void *), void *arg)
{
	if (!gs_in_goroutine() || fn == NULL)
		return NULL;
	struct gs_timer *tm = calloc(1, sizeof *tm);
	if (tm == NULL)
		return NULL;
	tm->t.f = func_fire;
	tm->t.arg = tm;
	tm->fn = fn;
	tm->fnarg = arg;
	/* Armed as a reset of a stopped timer is, duration rules included. */
	if (gs_timer_reset(tm, ns) < 0) {
		free(tm);
		return NULL;
	}
	return tm;
}
