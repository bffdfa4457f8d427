/*
 * sysmon.c - the system monitor (Go's sysmon): a thread of its own, with no P,
 * that wakes every 20 us (backing off to 10 ms while nothing happens; both,
 * and every other period below, times GSCHED_DEBUG=timescale), sleeps while
 * every P is idle until one goes to work or a timer is due, and
 *
 *  - retakes Ps from Ms stuck in a system call for more than a tick and hands
 *    them to other Ms (retake, handoffp), so blocked syscalls cost threads,
 *    not processors;
 *  - asks a goroutine that has run for 10 ms without a scheduling point to
 *    yield (preemptone: a flag, and a signal for asynchronous preemption);
 *  - polls the network when nobody has for 10 ms;
 *  - starts an M when a timer is overdue and nobody runs it;
 *  - once a second, changes GOMAXPROCS to its default again if the cgroup's
 *    CPU limit or the affinity mask changed it (gs__sysmon_updatemaxprocs);
 *  - prints GSCHED_DEBUG=schedtrace lines (schedtrace.c).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/internal.h"

/*
 * sysmon's time constants at full speed.  Each is multiplied by the run's time
 * scale (GSCHED_DEBUG=timescale) once, when sysmon starts, into struct
 * sysmon_times: in slow motion the decisions they time (a preemption, a
 * retake, a forced poll) come in the same order relative to the goroutines'
 * own work, which the program stretches by the same factor.
 */
#define FORCE_PREEMPT_NS GS_TIME_SLICE_NS /* Go's forcePreemptNS */
#define SYSMON_DELAY_MIN_NS (20 * 1000)   /* the tick while busy */
#define SYSMON_DELAY_MAX_NS (10 * 1000 * 1000)
#define SYSCALL_IDLE_KEEP_NS (10 * 1000 * 1000) /* a syscall's P nobody else wants */
#define NETPOLL_STALE_NS (10 * 1000 * 1000)     /* nobody polled the network */
#define TIMER_OVERDUE_NS (1000 * 1000)          /* a due timer nobody runs */
#define GFREE_TRIM_NS (1000 * 1000 * 1000)      /* free stacks given back */

struct sysmon_times {
	int64_t forcepreempt, delaymin, delaymax, syscallkeep, netpollstale, timeroverdue,
	    gfreetrim;
};

/* Go's retake: one pass over the Ps. */
static uint32_t
retake(int64_t now, const struct sysmon_times *tm)
{
	uint32_t n = 0;

	for (int32_t i = 0; i < gs__sched.gomaxprocs; i++) {
		gs_p *pp = gs__sched.allp[i];
		uint32_t s = atomic_load_explicit(&pp->status, memory_order_acquire);
		bool sysretake = false;

		if (s == GS_P_RUNNING || s == GS_P_SYSCALL) {
			/* The same schedtick for 10 ms: one goroutine has the P. */
			uint32_t t = GS_LOAD(pp->schedtick);
			if (pp->sm_schedtick != t) {
				pp->sm_schedtick = t;
				pp->sm_schedwhen = now;
			} else if (pp->sm_schedwhen + tm->forcepreempt <= now) {
				atomic_store_explicit(&pp->sliceexpired, true,
				    memory_order_relaxed);
				gs__preemptone(pp);
				/* A P in a syscall has no G to preempt: take it instead. */
				sysretake = true;
			}
		}
		if (s != GS_P_SYSCALL)
			continue;
		uint32_t t = GS_LOAD(pp->syscalltick);
		if (!sysretake && pp->sm_syscalltick != t) {
			/* First time we see this syscall: give it one tick. */
			pp->sm_syscalltick = t;
			pp->sm_syscallwhen = now;
			continue;
		}
		/* Nothing else to run and others idle or spinning: leave it, but not
		 * for more than 10 ms. */
		if (gs__runqempty(pp) &&
		    atomic_load(&gs__sched.nmspinning) + atomic_load(&gs__sched.npidle) > 0 &&
		    pp->sm_syscallwhen + tm->syscallkeep > now)
			continue;
		if (atomic_compare_exchange_strong(&pp->status, &s, GS_P_IDLE)) {
			n++;
			GS_INC(pp->syscalltick);
			atomic_fetch_add_explicit(&gs__sched.retakes, 1, memory_order_relaxed);
			GS_EV(GS_EV_RETAKE, pp->id, -1, GS_LOAD(pp->syscallm), -1, 0, 0);
			gs__handoffp(pp);
		}
	}
	return n;
}

static bool
sysmon_allidle(void)
{
	return atomic_load(&gs__sched.gcwaiting) ||
	    atomic_load(&gs__sched.npidle) ==
	    __atomic_load_n(&gs__sched.gomaxprocs, __ATOMIC_RELAXED);
}

/* Park while every P stays idle (Go's sysmonwait).  True if a system call's
 * path woke sysmon: then it starts again at its shortest tick, as Go's does. */
static bool
sysmon_park(int64_t now, const struct sysmon_times *tm)
{
	bool syscall = false;

	gs__lockx(&gs__sched.lock);
	if (!atomic_load(&gs__sched.shutdown) && sysmon_allidle()) {
		int64_t next = gs__nexttimer_all();
		if (next == 0 || next > now) {
			int64_t sleep = tm->gfreetrim;
			if (next != 0 && next - now < sleep)
				sleep = next - now;
			atomic_store(&gs__sched.sysmonwait, true);
			gs__unlockx(&gs__sched.lock);
			gs__notetsleep(&gs__sched.sysmonnote, sleep);
			gs__lockx(&gs__sched.lock);
			atomic_store(&gs__sched.sysmonwait, false);
			gs__noteclear(&gs__sched.sysmonnote);
			syscall = atomic_exchange(&gs__sched.sysmonsyscall, false);
		}
	}
	gs__unlockx(&gs__sched.lock);
	return syscall;
}

/* Wake sysmon from its deep sleep, if it is in one.  sched.lock held. */
void
gs__sysmon_wake_locked(bool syscall)
{
	if (!atomic_load_explicit(&gs__sched.sysmonwait, memory_order_relaxed))
		return;
	atomic_store(&gs__sched.sysmonwait, false);
	if (syscall)
		atomic_store(&gs__sched.sysmonsyscall, true);
	gs__notewakeup(&gs__sched.sysmonnote);
}

static void *
sysmon_main(void *arg)
{
	gs_m *mp = arg;
	const struct sysmon_times tm = {
		.forcepreempt = gs__scaled(FORCE_PREEMPT_NS),
		.delaymin = gs__scaled(SYSMON_DELAY_MIN_NS),
		.delaymax = gs__scaled(SYSMON_DELAY_MAX_NS),
		.syscallkeep = gs__scaled(SYSCALL_IDLE_KEEP_NS),
		.netpollstale = gs__scaled(NETPOLL_STALE_NS),
		.timeroverdue = gs__scaled(TIMER_OVERDUE_NS),
		.gfreetrim = gs__scaled(GFREE_TRIM_NS),
	};
	int64_t delay = tm.delaymin;
	uint32_t idle = 0;
	uint64_t lasttrace = 0;
	int64_t lasttrim = 0;

	gs__setm(mp);
	atomic_store(&mp->state, GS_M_SYSMON);
	for (;;) {
		if (idle == 0)
			delay = tm.delaymin;
		else if (idle > 50)
			delay *= 2;
		if (delay > tm.delaymax)
			delay = tm.delaymax;
		/* schedtrace's period is the reader's, not the scheduler's: not
		 * scaled. */
		if (gs__sched.schedtrace_ms > 0 &&
		    delay > (int64_t)gs__sched.schedtrace_ms * 1000000)
			delay = (int64_t)gs__sched.schedtrace_ms * 1000000;
		if (gs__notetsleep(&gs__sched.sysmonwake, delay))
			gs__noteclear(&gs__sched.sysmonwake);
		if (atomic_load(&gs__sched.shutdown))
			break;

		int64_t now = (int64_t)gs__nanotime();
		/* Go's deep sleep: with every P idle (or the world stopped) there is
		 * nothing to retake or preempt, so sleep until the next timer is due
		 * (at most until the next trim of free stacks), or until a P goes
		 * to work (gs__sysmon_wake_locked).  Not while printing schedtrace,
		 * which must come on time. */
		if (gs__sched.schedtrace_ms <= 0 && sysmon_allidle()) {
			if (sysmon_park(now, &tm)) {
				idle = 0;
				delay = tm.delaymin;
			}
			if (atomic_load(&gs__sched.shutdown))
				break;
			now = (int64_t)gs__nanotime();
		}
		gs__lockx(&gs__sched.sysmonlock);
		if (atomic_load(&gs__sched.gcwaiting)) {
			gs__unlockx(&gs__sched.sysmonlock);
			continue;
		}
		/* Poll the network if nobody has for 10 ms. */
		int64_t lastpoll = atomic_load(&gs__sched.lastpoll);
		if (gs__sched.netpollinited && gs__netpoll_anywaiters() && lastpoll != 0 &&
		    lastpoll + tm.netpollstale < now &&
		    atomic_compare_exchange_strong(&gs__sched.lastpoll, &lastpoll, now)) {
			int n;
			gs_g *list = gs__netpoll(0, &n);
			if (list) {
				gs__injectglist(list);
				idle = 0;
			}
		}
		/* A timer is overdue and every P is busy elsewhere or idle without
		 * an M to notice: get one going. */
		int64_t next = gs__nexttimer_all();
		if (next != 0 && now - next > tm.timeroverdue &&
		    atomic_load(&gs__sched.npidle) > 0 && atomic_load(&gs__sched.nmspinning) == 0)
			gs__wakep();
		if (retake(now, &tm) != 0)
			idle = 0;
		else
			idle++;
		gs__unlockx(&gs__sched.sysmonlock);

		if (now - lasttrim > tm.gfreetrim) {
			lasttrim = now;
			gs__gfree_trim();
		}
		gs__sysmon_updatemaxprocs(now);

		if (gs__sched.schedtrace_ms > 0 &&
		    lasttrace + (uint64_t)gs__sched.schedtrace_ms * 1000000 <= (uint64_t)now) {
			lasttrace = (uint64_t)now;
			gs__schedtrace(gs__sched.scheddetail);
		}
	}
	gs__lockx(&gs__sched.lock);
	if (--gs__sched.mcount_live == 0)
		gs__notewakeup(&gs__sched.allmexited);
	gs__unlockx(&gs__sched.lock);
	atomic_store(&mp->state, GS_M_DEAD);
	return NULL;
}

int
gs__sysmon_start(void)
{
	gs_m *mp = aligned_alloc(GS_CACHELINE, sizeof *mp);

	if (mp == NULL)
		return GS_ENOMEM;
	memset(mp, 0, sizeof *mp);
	gs__lockx(&gs__sched.lock);
	mp->id = gs__mreserve();
	mp->alllink = gs__sched.allm;
	gs__sched.allm = mp;
	gs__sched.sysmon = mp;
	gs__unlockx(&gs__sched.lock);
	mp->created_ns = gs__nanotime();
	atomic_store(&mp->state, GS_M_SYSMON);
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	int err = pthread_create(&mp->thread, &attr, sysmon_main, mp);
	pthread_attr_destroy(&attr);
	if (err != 0) {
		/* The first thread of gs_run: nothing runs yet, so gs_run fails
		 * (GS_EAGAIN) instead of the program. */
		gs__lockx(&gs__sched.lock);
		gs__sched.allm = mp->alllink;
		gs__sched.sysmon = NULL;
		gs__sched.mcount_live--;
		gs__unlockx(&gs__sched.lock);
		free(mp);
		return GS_EAGAIN;
	}
	atomic_fetch_add(&gs__sched.threads_created, 1);
	return 0;
}
