/*
 * stats.c - whole-runtime figures for gs_read_stats and gs_numgoroutine, read
 * without stopping the world.  Counters live per P (single writer, no shared
 * cache line on the hot path) and are summed here.
 */
#include <string.h>

#include "runtime/internal.h"

static int
numgoroutine_locked(void)
{
	uint64_t spawns = 0, exits = 0;

	for (int i = 0; i < GS_MAX_PROCS && gs__sched.allp[i]; i++) {
		gs_p *pp = gs__sched.allp[i];
		spawns += atomic_load_explicit(&pp->spawns, memory_order_relaxed);
		exits += atomic_load_explicit(&pp->exits, memory_order_relaxed);
	}
	return spawns > exits ? (int)(spawns - exits) : 0;
}

int
gs_numgoroutine(void)
{
	if (!gs__obs_enter())
		return 0;
	int n = numgoroutine_locked();
	gs__obs_exit();
	return n;
}

int
gs_read_stats(gs_stats *st)
{
	if (st == NULL)
		return GS_EINVAL;
	memset(st, 0, sizeof *st);
	if (!gs__obs_enter())
		return GS_ENOTRUN;

	st->gomaxprocs = gs__sched.gomaxprocs;
	st->ncpu = gs__sched.ncpu;
	st->idle_procs = atomic_load(&gs__sched.npidle);
	st->spinning_threads = atomic_load(&gs__sched.nmspinning);
	st->needspinning = atomic_load(&gs__sched.needspinning);
	st->global_runq = atomic_load(&gs__sched.runqsize);
	st->threads_created = atomic_load(&gs__sched.threads_created);
	st->in_syscall = atomic_load(&gs__sched.insyscall);
	st->handoffs = atomic_load(&gs__sched.handoffs);
	st->retakes = atomic_load(&gs__sched.retakes);
	st->preempt_async = atomic_load(&gs__sched.preempt_async);
	st->preempt_requests = atomic_load(&gs__sched.preempt_requests);
	st->netpoll_wakes = atomic_load(&gs__sched.netpoll_wakes);
	st->procresizes = atomic_load(&gs__sched.procresizes);
	st->last_stw_ns = gs__sched.last_stw_ns;
	st->gcwaiting = atomic_load(&gs__sched.gcwaiting);
	st->exitsyscall_global = atomic_load(&gs__sched.exitsyscall_global);
	uint64_t ep = gs__peak_epoch();
	st->peak_epoch = ep;

	gs__lockx(&gs__sched.lock);
	st->threads = gs__sched.mcount_live;
	st->max_threads = gs__sched.maxmcount;
	st->idle_threads = gs__sched.nmidle;
	st->stopwait = gs__sched.stopwait;
	st->nmidlelocked = gs__sched.nmidlelocked;
	st->sysmonwait = atomic_load(&gs__sched.sysmonwait);
	gs__unlockx(&gs__sched.lock);

	/* Ps beyond GOMAXPROCS are dead but keep their counts. */
	for (int i = 0; i < GS_MAX_PROCS && gs__sched.allp[i]; i++) {
		gs_p *pp = gs__sched.allp[i];
		st->syscalls += atomic_load_explicit(&pp->syscalls, memory_order_relaxed);
		st->preempt_coop += atomic_load_explicit(&pp->preempt_coop, memory_order_relaxed);
		st->timers_fired += atomic_load_explicit(&pp->timers_fired, memory_order_relaxed);
		st->spawns += atomic_load_explicit(&pp->spawns, memory_order_relaxed);
		st->exits += atomic_load_explicit(&pp->exits, memory_order_relaxed);
		st->steals += atomic_load_explicit(&pp->steals, memory_order_relaxed);
		st->stolen += atomic_load_explicit(&pp->stolen, memory_order_relaxed);
		st->global_puts += atomic_load_explicit(&pp->global_puts, memory_order_relaxed);
		st->runnext_hits += atomic_load_explicit(&pp->runnexthits, memory_order_relaxed);
		st->fair_takes += atomic_load_explicit(&pp->fairtakes, memory_order_relaxed);
		st->steal_half_misses +=
		    atomic_load_explicit(&pp->stealhalfmisses, memory_order_relaxed);
		st->exitsyscall_oldp +=
		    atomic_load_explicit(&pp->exitsyscall_oldp, memory_order_relaxed);
		st->exitsyscall_idlep +=
		    atomic_load_explicit(&pp->exitsyscall_idlep, memory_order_relaxed);
		uint64_t v =
		    gs__peak_value(atomic_load_explicit(&pp->peak_steal, memory_order_relaxed), ep);
		if (v > st->max_steal)
			st->max_steal = v;
		v = gs__peak_value(atomic_load_explicit(&pp->peak_timerlate, memory_order_relaxed),
		    ep);
		if (v > st->max_timer_late_ns)
			st->max_timer_late_ns = v;
	}
	st->goroutines = st->spawns > st->exits ? (int)(st->spawns - st->exits) : 0;

	/* Walk every G without a lock: Gs are pushed on allgs with a CAS and
	 * never freed while observers may be inside (gs__obs_enter). */
	for (gs_g *gp = atomic_load_explicit(&gs__sched.allgs, memory_order_acquire); gp;
	     gp = gp->alllink) {
		uint32_t s = atomic_load_explicit(&gp->status, memory_order_relaxed);
		if (s == GS_G_DEAD || s >= GS_G_NSTATUS)
			continue;
		st->by_status[s]++;
		if (s == GS_G_WAITING) {
			uint8_t r = atomic_load_explicit(&gp->waitreason, memory_order_relaxed);
			if (r < GS_WAIT_NREASONS)
				st->by_waitreason[r]++;
		}
	}
	gs__stack_counts(&st->stacks_guarded, &st->stacks_carved);
	gs__obs_exit();
	return 0;
}

int64_t
gs_reset_peaks(void)
{
	if (!gs__obs_enter())
		return GS_ENOTRUN;
	/* The epoch field is GS_PEAK_EPOCHBITS wide: skip 0 when it wraps, so a
	 * P's zeroed word never belongs to a later epoch. */
	uint32_t ep;
	do
		ep = atomic_fetch_add(&gs__sched.peakepoch, 1) + 1;
	while ((ep & ((UINT32_C(1) << GS_PEAK_EPOCHBITS) - 1)) == 0);
	gs__obs_exit();
	return (int64_t)(ep & ((UINT32_C(1) << GS_PEAK_EPOCHBITS) - 1));
}
