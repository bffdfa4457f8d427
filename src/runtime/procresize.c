/*
 * procresize.c - stop the world and change GOMAXPROCS while goroutines run
 * (Go's stopTheWorld, procresize, startTheWorld).
 *
 * Stopping: set gcwaiting, ask every running goroutine to yield, take the idle
 * Ps and those in system calls directly, and wait for each running P to stop at
 * its next trip through the scheduler (gs__gcstopm).  Then resize: Ps that go
 * away give their run queues to the global queue (in order), their timers to
 * P0 and their free goroutines to the global free lists, and become DEAD (the
 * structs stay, so observers never read freed memory, and a later increase
 * reuses them).  New Ps start empty.  Starting: every P with work gets an M,
 * the rest go idle.  No goroutine is lost or duplicated: the world is stopped
 * while queues move.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>

#include "runtime/internal.h"

/*
 * Before sysmon first looks at a new P, or at one a GOMAXPROCS change brings
 * back: its time slice begins now, at the P's current schedtick.  A zero record
 * would match a P that has not scheduled yet (schedtick 0, as the main goroutine
 * runs from runnext and inherits the slice) and read as a slice that began at
 * time 0, already used up.
 * The syscall record stays as Go has it.  Called before sysmon starts or with
 * sysmonlock held.
 */
void
gs__sysmontick_reset(gs_p *pp, int64_t now)
{
	pp->sm_schedtick = GS_LOAD(pp->schedtick);
	pp->sm_schedwhen = now;
}

/* Stop at the next scheduling point because the world is stopping. */
void
gs__gcstopm(gs_m *mp)
{
	if (mp->spinning) {
		mp->spinning = false;
		atomic_fetch_sub(&gs__sched.nmspinning, 1);
	}
	gs_p *pp = gs__releasep(mp);
	gs__lockx(&gs__sched.lock);
	atomic_store(&pp->status, GS_P_GCSTOP);
	if (--gs__sched.stopwait == 0)
		gs__notewakeup(&gs__sched.stopnote);
	gs__unlockx(&gs__sched.lock);
	gs__stopm(mp);
}

/*
 * Stop every P but the caller's (Go's stopTheWorldWithSema).  The caller's own
 * P is marked stopped first and gs__preemptone skips its M, so the caller is
 * never asked to yield by its own stop.  False if the program ended meanwhile
 * (main returned): Ms that leave then never stop their Ps, so the stop gives up
 * and the caller leaves the world as it is; the runtime is going down.
 */
static bool
stoptheworld(gs_m *mp)
{
	bool wait;

	gs__noteclear(&gs__sched.stopnote);
	gs__lockx(&gs__sched.lock);
	gs__sched.stopwait = gs__sched.gomaxprocs;
	atomic_store(&gs__sched.gcwaiting, true);
	if (mp && mp->p) {
		atomic_store(&mp->p->status, GS_P_GCSTOP);
		gs__sched.stopwait--;
	}
	gs__preemptall();
	for (int32_t i = 0; i < gs__sched.gomaxprocs; i++) {
		gs_p *pp = gs__sched.allp[i];
		uint32_t s = GS_P_SYSCALL;
		if (atomic_compare_exchange_strong(&pp->status, &s, GS_P_GCSTOP)) {
			GS_INC(pp->syscalltick);
			gs__sched.stopwait--;
		}
	}
	gs_p *pp;
	while ((pp = gs__pidleget()) != NULL) {
		atomic_store(&pp->status, GS_P_GCSTOP);
		gs__sched.stopwait--;
	}
	wait = gs__sched.stopwait > 0;
	gs__unlockx(&gs__sched.lock);
	/* Ask again every 100 us (times the time scale, like sysmon's requests):
	 * a goroutine may have started after the request. */
	int64_t again = gs__scaled(100 * 1000);
	while (wait && !gs__notetsleep(&gs__sched.stopnote, again)) {
		if (atomic_load(&gs__sched.shutdown)) {
			if (mp && mp->p)
				atomic_store(&mp->p->status, GS_P_RUNNING);
			return false;
		}
		gs__preemptall();
	}
	for (int32_t i = 0; i < gs__sched.gomaxprocs; i++)
		if (atomic_load(&gs__sched.allp[i]->status) != GS_P_GCSTOP)
			gs__throw("stoptheworld: P %d not stopped", i);
	return true;
}

/* World stopped, sched.lock held: give pp's goroutines, timers and free Gs away. */
static void
destroyp(gs_p *pp)
{
	gs_g *gp = atomic_exchange(&pp->runnext, NULL);
	uint32_t head = atomic_load(&pp->runqhead), tail = atomic_load(&pp->runqtail);

	/* Tail first onto the head of the global queue keeps their order, with
	 * runnext (which would have run first) in front. */
	while (tail != head) {
		tail--;
		gs__globrunqputhead(atomic_load(&pp->runq[tail % GS_RUNQ_SIZE]));
	}
	atomic_store(&pp->runqtail, tail);
	if (gp)
		gs__globrunqputhead(gp);
	gs__movetimers(pp, gs__sched.allp[0]);
	gs__gfmove_global(pp);
	atomic_store(&pp->status, GS_P_DEAD);
}

/* World stopped, sched.lock held.  Returns the Ps that have work, linked by
 * link, each with an idle M in ->m (or NULL: make one). */
static gs_p *
procresize(gs_m *mp, int32_t nprocs)
{
	int32_t old = gs__sched.gomaxprocs;
	gs_p *runnable = NULL;

	/* allp slots and gomaxprocs are stored atomically: Ms that have just
	 * given up their P (anyrunq, gs__nexttimer_all) and gs_gomaxprocs read
	 * them without sched.lock, as Go reads allp through allpSnapshot. */
	for (int32_t i = old; i < nprocs; i++) {
		if (gs__sched.allp[i] == NULL) {
			gs_p *np = gs__newp(i);
			if (np == NULL)
				gs__fatal("out of memory allocating P %d", i);
			__atomic_store_n(&gs__sched.allp[i], np, __ATOMIC_RELEASE);
		}
		atomic_store(&gs__sched.allp[i]->status, GS_P_GCSTOP);
		gs__sysmontick_reset(gs__sched.allp[i], (int64_t)gs__nanotime());
	}
	for (int32_t i = nprocs; i < old; i++)
		destroyp(gs__sched.allp[i]);
	__atomic_store_n(&gs__sched.gomaxprocs, nprocs, __ATOMIC_RELAXED);
	gs__update_coprimes(nprocs);

	if (mp && mp->p) {
		if (mp->p->id < nprocs) {
			atomic_store(&mp->p->status, GS_P_RUNNING);
		} else {
			/* Our own P went away: continue on P0. */
			GS_STORE(mp->p->m, NULL);
			mp->p = NULL;
			atomic_store(&gs__sched.allp[0]->status, GS_P_IDLE);
			gs__acquirep(mp, gs__sched.allp[0]);
		}
	}
	for (int32_t i = nprocs - 1; i >= 0; i--) {
		gs_p *pp = gs__sched.allp[i];
		if (mp && mp->p == pp)
			continue;
		atomic_store(&pp->status, GS_P_IDLE);
		if (gs__runqempty(pp) && atomic_load(&pp->timer0when) == 0) {
			gs__pidleput(pp);
		} else {
			GS_STORE(pp->m, gs__mget());
			pp->link = runnable;
			runnable = pp;
		}
	}
	return runnable;
}

static void
starttheworld(gs_p *runnable)
{
	while (runnable) {
		gs_p *pp = runnable;
		gs_m *nmp = GS_LOAD(pp->m);
		runnable = pp->link;
		pp->link = NULL;
		GS_STORE(pp->m, NULL);
		if (nmp) {
			if (nmp->nextp)
				gs__throw("starttheworld: idle M already has a P");
			nmp->nextp = pp;
			gs__notewakeup(&nmp->park);
		} else {
			gs__lockx(&gs__sched.lock);
			int64_t id = gs__mreserve();
			gs__unlockx(&gs__sched.lock);
			gs__newm(pp, false, id);
		}
	}
	gs__wakep();
}

/* update: sysmon's change to the default, which gives way to a setting. */
static int
setprocs(int n, bool update)
{
	if (!atomic_load(&gs__sched.running) || atomic_load(&gs__sched.shutdown))
		return GS_ENOTRUN;
	if (n < 1 || n > GS_MAX_PROCS)
		return GS_ERANGE;
	/* Before stwlock, as Go sets customGOMAXPROCS before computeMaxProcsLock:
	 * an update that takes the lock later sees it and leaves the setting be. */
	if (!update)
		atomic_store(&gs__sched.customprocs, true);
	gs_m *mp = gs__getm();
	bool ingoroutine = mp && GS_LOAD(mp->curg);
	/* A goroutine must not block its P on the mutex: another stop-the-world
	 * may be waiting for that very P.  Yield instead, which lets it stop. */
	while (pthread_mutex_trylock(&gs__sched.stwlock) != 0) {
		if (!ingoroutine && atomic_load(&gs__sched.obs_stopped))
			return GS_EBUSY;
		if (ingoroutine)
			gs_yield();
		else
			sched_yield();
		mp = gs__getm();
	}
	if (atomic_load(&gs__sched.obs_stopped)) {
		/* An observer holds the world stopped (and stwlock, which a
		 * goroutine could not get anyway: none runs). */
		pthread_mutex_unlock(&gs__sched.stwlock);
		return GS_EBUSY;
	}
	int old = gs__sched.gomaxprocs;
	if (n == old || (update && atomic_load(&gs__sched.customprocs))) {
		pthread_mutex_unlock(&gs__sched.stwlock);
		return old;
	}
	uint64_t t0 = gs__nanotime();
	/* From here until the restart has woken or made every M it needs, Ms may
	 * all be parked (a plain thread asked: no M of its own runs), and the
	 * goroutines sit in local queues the deadlock check cannot see. */
	atomic_fetch_add(&gs__sched.stwactive, 1);
	if (!stoptheworld(mp)) {
		atomic_store(&gs__sched.gcwaiting, false);
		atomic_fetch_sub(&gs__sched.stwactive, 1);
		pthread_mutex_unlock(&gs__sched.stwlock);
		return GS_ENOTRUN;
	}
	gs__lockx(&gs__sched.sysmonlock);
	gs__lockx(&gs__sched.lock);
	gs_p *runnable = procresize(mp, n);
	atomic_store(&gs__sched.gcwaiting, false);
	gs__sysmon_wake_locked(false); /* Go's startTheWorldWithSema */
	gs__unlockx(&gs__sched.lock);
	gs__unlockx(&gs__sched.sysmonlock);
	starttheworld(runnable);
	atomic_fetch_sub(&gs__sched.stwactive, 1);
	gs__sched.last_stw_ns = gs__nanotime() - t0;
	GS_EV(GS_EV_PROCRESIZE, n, old, GS_MID(gs__getm()), -1, 0, (int64_t)gs__sched.last_stw_ns);
	atomic_fetch_add(&gs__sched.procresizes, 1);
	/* The caller keeps its P and carries on, as Go's does: no trip to the
	 * back of the global queue behind the goroutines it just restarted. */
	pthread_mutex_unlock(&gs__sched.stwlock);
	return old;
}

int
gs_set_gomaxprocs(int n)
{
	return setprocs(n, false);
}

int
gs__update_gomaxprocs(int n)
{
	return setprocs(n, true);
}

/*
 * The observer's stop-the-world (gs_stop_world): the same stop as a GOMAXPROCS
 * change, held until gs_start_world.  The stopping thread keeps stwlock, so no
 * GOMAXPROCS change or second stop can start meanwhile; it must be a thread
 * outside the runtime, which is why it may block on the lock.
 */
int
gs_stop_world(void)
{
	if (!atomic_load(&gs__sched.running) || atomic_load(&gs__sched.shutdown))
		return GS_ENOTRUN;
	if (gs__getm() != NULL)
		return GS_EINVAL;
	if (atomic_load(&gs__sched.obs_stopped))
		return GS_EBUSY;
	pthread_mutex_lock(&gs__sched.stwlock);
	if (atomic_load(&gs__sched.obs_stopped)) {
		pthread_mutex_unlock(&gs__sched.stwlock);
		return GS_EBUSY;
	}
	atomic_store(&gs__sched.obs_stopped, true);
	atomic_fetch_add(&gs__sched.stwactive, 1);
	if (!stoptheworld(NULL)) {
		atomic_store(&gs__sched.gcwaiting, false);
		atomic_fetch_sub(&gs__sched.stwactive, 1);
		atomic_store(&gs__sched.obs_stopped, false);
		pthread_mutex_unlock(&gs__sched.stwlock);
		return GS_ENOTRUN;
	}
	return 0;
}

int
gs_start_world(void)
{
	if (gs__getm() != NULL || !atomic_load(&gs__sched.obs_stopped))
		return GS_EINVAL;
	gs__lockx(&gs__sched.sysmonlock);
	gs__lockx(&gs__sched.lock);
	gs_p *runnable = procresize(NULL, gs__sched.gomaxprocs);
	atomic_store(&gs__sched.gcwaiting, false);
	gs__sysmon_wake_locked(false); /* Go's startTheWorldWithSema */
	gs__unlockx(&gs__sched.lock);
	gs__unlockx(&gs__sched.sysmonlock);
	starttheworld(runnable);
	atomic_fetch_sub(&gs__sched.stwactive, 1);
	atomic_store(&gs__sched.obs_stopped, false);
	pthread_mutex_unlock(&gs__sched.stwlock);
	return 0;
}

bool
gs_world_stopped(void)
{
	return atomic_load(&gs__sched.obs_stopped);
}
