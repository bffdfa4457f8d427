/*
 * preempt.c - preemption (Go's preemptone, asyncPreempt, gopreempt_m).
 *
 * sysmon asks a goroutine that has held its P for 10 ms to yield by setting
 * gp->preempt.  Cooperatively, the goroutine sees the flag at its next
 * scheduling point (any gsched call, or gs_preempt_check) and yields to the
 * global queue.  Asynchronously, sysmon also sends SIGURG to the M, as Go
 * does; the handler switches the goroutine out only at a safe point: inside a
 * gs_preemptible_begin/end region, which promises to hold no libc or runtime
 * lock (the CPU-bound workloads' loops).  There the handler rewrites the
 * interrupted context so that, on return from the signal, the goroutine calls
 * gs__asyncpreempt (arch/preempt_*.c), which saves every register, yields,
 * and restores them.  Elsewhere the signal does nothing and sysmon asks again
 * on its next tick.  GSCHED_DEBUG=asyncpreemptoff=1 turns the signal off at
 * start, gs_set_asyncpreemptoff at any time.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>

#include "runtime/internal.h"

static struct sigaction old_sigurg;
static bool sigurg_installed;

bool
gs__preemptone(gs_p *pp)
{
	gs_m *mp = GS_LOAD(pp->m);

	/* Not the caller's own M, as in Go: a goroutine stopping the world (or
	 * sysmon, which has no P) does not ask itself to yield. */
	if (mp == NULL || mp == gs__getm())
		return false;
	gs_g *gp = GS_LOAD(mp->curg);
	if (gp == NULL)
		return false;
	atomic_store_explicit(&gp->preempt, true, memory_order_relaxed);
	atomic_fetch_add_explicit(&gs__sched.preempt_requests, 1, memory_order_relaxed);
	if (!atomic_load_explicit(&gs__sched.asyncpreemptoff, memory_order_relaxed) &&
	    atomic_load_explicit(&gp->asyncsafe, memory_order_relaxed))
		pthread_kill(mp->thread, SIGURG);
	return true;
}

int
gs_set_asyncpreemptoff(int off)
{
	if (!atomic_load(&gs__sched.running))
		return GS_ENOTRUN;
	return atomic_exchange(&gs__sched.asyncpreemptoff, off != 0) ? 1 : 0;
}

/* Ask every running goroutine to stop (stop-the-world).  sched.lock may be held. */
void
gs__preemptall(void)
{
	for (int32_t i = 0; i < gs__sched.gomaxprocs; i++) {
		gs_p *pp = gs__sched.allp[i];
		if (atomic_load(&pp->status) == GS_P_RUNNING)
			gs__preemptone(pp);
	}
}

static void
on_sigurg(int sig, siginfo_t *si, void *uctx)
{
	int saved = errno;
	gs_m *mp = gs__getm();

	if (mp == NULL) {
		/* Not one of our threads: SIGURG is the application's (out-of-band
		 * data), hand it on. */
		if ((old_sigurg.sa_flags & SA_SIGINFO) && old_sigurg.sa_sigaction)
			old_sigurg.sa_sigaction(sig, si, uctx);
		else if (!(old_sigurg.sa_flags & SA_SIGINFO) && old_sigurg.sa_handler != SIG_DFL &&
		    old_sigurg.sa_handler != SIG_IGN)
			old_sigurg.sa_handler(sig);
		errno = saved;
		return;
	}
	gs_g *gp = GS_LOAD(mp->curg);
	if (gp && gs__arch_preempt_restore(uctx, gp)) {
		errno = saved;
		return;
	}
#ifdef GS_TSAN_BUILD
	/* ThreadSanitizer runs a handler late, at the thread's next intercepted
	 * call, with a copy of the context the signal interrupted: redirecting
	 * that copy changes nothing, and pushing a return address below its
	 * stack pointer would scribble on the frames that run now.  Under TSan
	 * preemption is cooperative only (the preempt flag stays set). */
	errno = saved;
	return;
#endif
	if (gp && atomic_load_explicit(&gp->preempt, memory_order_relaxed) &&
	    atomic_load_explicit(&gp->asyncsafe, memory_order_relaxed) &&
	    gs__arch_inject_preempt(uctx, gp)) {
		/* Until it is back in its region, the goroutine is in the runtime. */
		atomic_store_explicit(&gp->asyncsafe, false, memory_order_relaxed);
	}
	errno = saved;
}

int
gs__preempt_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_sigurg;
	/* On the M's alternate stack: a 2 KiB goroutine stack has no room for a
	 * signal frame. */
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGURG, &sa, &old_sigurg) != 0)
		return GS_EINVAL;
	sigurg_installed = true;
	return 0;
}

void
gs__preempt_uninstall(void)
{
	if (sigurg_installed)
		sigaction(SIGURG, &old_sigurg, NULL);
	sigurg_installed = false;
}

/* The goroutine saw its preempt flag: yield (counted as cooperative). */
void
gs__gopreempt(void)
{
	gs_m *mp = gs__getm();
	gs_p *pp = mp->p;

	GS_EV(GS_EV_PREEMPT, GS_PID(pp), -1, mp->id, -1, GS_LOAD(mp->curg)->goid, 0);
	if (pp)
		gs__stat_inc(&pp->preempt_coop);
	gs_yield();
}

/* Called by gs__asyncpreempt with every register saved on the goroutine's stack. */
void
gs__asyncpreempt2(void)
{
	gs_g *gp = gs__getg();

	atomic_fetch_add_explicit(&gs__sched.preempt_async, 1, memory_order_relaxed);
	GS_EV(GS_EV_PREEMPT, GS_PID(gs__getm()->p), -1, gs__getm()->id, -1, gp->goid, 1);
	gs_yield();
	/* Back where the signal interrupted it: a preemptible region again. */
	atomic_store_explicit(&gp->asyncsafe, true, memory_order_relaxed);
}

void
gs_preempt_check(void)
{
	gs_g *gp = gs__getg();

	if (gp)
		gs__preempt_check(gp);
}

void
gs_preemptible_begin(void)
{
	gs_g *gp = gs__getg();

	if (gp == NULL)
		return;
	gs__preempt_check(gp);
	if (gs_unlikely(gp->asyncsave == NULL))
		gs__arch_preempt_prepare(gp);
	atomic_store_explicit(&gp->asyncsafe, true, memory_order_relaxed);
}

void
gs_preemptible_end(void)
{
	gs_g *gp = gs__getg();

	if (gp == NULL)
		return;
	atomic_store_explicit(&gp->asyncsafe, false, memory_order_relaxed);
	gs__preempt_check(gp);
}
