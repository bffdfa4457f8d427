/*
 * syscall.c - system calls without losing a processor (Go's entersyscall,
 * exitsyscall, entersyscallblock).
 *
 * A goroutine about to block in the kernel calls gs_entersyscall: its M keeps
 * running it, but the P is detached and marked GS_P_SYSCALL.  If the call is
 * quick, gs_exitsyscall takes the same P straight back (one CAS).  If it stays
 * in the kernel across a sysmon tick, sysmon takes the P (retake) and hands it
 * to another M (handoffp), an idle one or a new thread, so the other goroutines
 * keep running.  That is why a Go program has GOMAXPROCS threads plus one per
 * goroutine blocked in a system call.  On return without a P, the goroutine
 * goes to the global run queue and its M parks, to be reused.
 *
 * gs_entersyscallblock hands the P off at once, for calls known to block.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <time.h>
#include <unistd.h>

#include "runtime/internal.h"

void
gs_entersyscall(void)
{
	gs_m *mp = gs__getm();
	gs_g *gp = mp ? GS_LOAD(mp->curg) : NULL;

	if (gp == NULL || mp->p == NULL)
		return;
	gs_p *pp = mp->p;
	gp->syscallstart = gs__nanotime();
	gs__casgstatus(gp, GS_G_RUNNING, GS_G_SYSCALL);
	gs__stat_inc(&pp->syscalls);
	GS_INC(pp->syscalltick);
	mp->syscalltick = GS_LOAD(pp->syscalltick);
	mp->oldp = pp;
	GS_STORE(pp->syscallm, mp->id);
	GS_EV(GS_EV_SYSCALL_ENTER, pp->id, -1, mp->id, -1, gp->goid, 0);
	/* While it still holds pp: the accounting ends pp's running time too. */
	gs__set_mstate(mp, GS_M_SYSCALL);
	GS_STORE(pp->m, NULL);
	mp->p = NULL;
	atomic_fetch_add_explicit(&gs__sched.insyscall, 1, memory_order_relaxed);
	/* From here on sysmon (or a stop-the-world) may take the P. */
	atomic_store_explicit(&pp->status, GS_P_SYSCALL, memory_order_release);
	if (atomic_load(&gs__sched.gcwaiting))
		gs__entersyscall_gcwait(pp);
	/* Go's entersyscall_sysmon: only sysmon retakes a P from a system call. */
	if (gs_unlikely(atomic_load_explicit(&gs__sched.sysmonwait, memory_order_relaxed))) {
		gs__lockx(&gs__sched.lock);
		gs__sysmon_wake_locked(true);
		gs__unlockx(&gs__sched.lock);
	}
}

/* A stop-the-world is waiting for every P: ours stops here rather than make it
 * wait for the call to return. */
void
gs__entersyscall_gcwait(gs_p *pp)
{
	gs__lockx(&gs__sched.lock);
	uint32_t s = GS_P_SYSCALL;
	if (gs__sched.stopwait > 0 &&
	    atomic_compare_exchange_strong(&pp->status, &s, GS_P_GCSTOP)) {
		GS_INC(pp->syscalltick);
		if (--gs__sched.stopwait == 0)
			gs__notewakeup(&gs__sched.stopnote);
	}
	gs__unlockx(&gs__sched.lock);
}

void
gs_entersyscallblock(void)
{
	gs_m *mp = gs__getm();

	gs_entersyscall();
	if (mp == NULL || mp->oldp == NULL)
		return;
	gs_p *pp = mp->oldp;
	uint32_t s = GS_P_SYSCALL;
	if (atomic_compare_exchange_strong(&pp->status, &s, GS_P_IDLE)) {
		GS_INC(pp->syscalltick);
		gs__handoffp(pp);
	}
}

/* Reacquire the P we had, else any idle P. */
static bool
exitsyscallfast(gs_m *mp, gs_p *oldp)
{
	uint32_t s = GS_P_SYSCALL;

	if (oldp && atomic_compare_exchange_strong(&oldp->status, &s, GS_P_IDLE)) {
		gs__acquirep(mp, oldp);
		gs__stat_inc(&oldp->exitsyscall_oldp);
		return true;
	}
	if (atomic_load(&gs__sched.npidle) > 0 && !atomic_load(&gs__sched.gcwaiting)) {
		gs__lockx(&gs__sched.lock);
		gs__sysmon_wake_locked(true);
		gs_p *pp = gs__pidleget();
		gs__unlockx(&gs__sched.lock);
		if (pp) {
			gs__acquirep(mp, pp);
			gs__stat_inc(&pp->exitsyscall_idlep);
			return true;
		}
	}
	return false;
}

/* On g0: no P to be had.  Queue gp globally and park this M. */
static void
exitsyscall0(gs_g *gp)
{
	gs_m *mp = gs__getm();
	gs_p *pp = NULL;

	gs__san_finish_switch(NULL);
	gs__casgstatus(gp, GS_G_SYSCALL, GS_G_RUNNABLE);
	gs__dropg(mp);
	gs__lockx(&gs__sched.lock);
	if (!atomic_load(&gs__sched.gcwaiting)) {
		gs__sysmon_wake_locked(true);
		pp = gs__pidleget();
	}
	/* Said once it is known where gp goes (p -1: the global queue), and
	 * under the lock, so before any M can take it from there. */
	GS_EV(GS_EV_SYSCALL_EXIT, GS_PID(pp), -1, mp->id, -1, gp->goid, 0);
	if (pp == NULL) {
		gs__globrunqput(gp);
		gs__stat_inc(&gs__sched.exitsyscall_global); /* one writer: the lock */
	}
	gs__unlockx(&gs__sched.lock);
	if (pp) {
		gs__acquirep(mp, pp);
		gs__stat_inc(&pp->exitsyscall_idlep);
		gs__execute(mp, gp, false);
	}
	/* A locked M waits for its G in the scheduler (stoplockedm), not on
	 * the idle list. */
	if (mp->lockedg == NULL)
		gs__stopm(mp);
	gs__schedule();
}

void
gs_exitsyscall(void)
{
	gs_m *mp = gs__getm();
	gs_g *gp = mp ? GS_LOAD(mp->curg) : NULL;

	if (gp == NULL || atomic_load_explicit(&gp->status, memory_order_relaxed) != GS_G_SYSCALL)
		return;
	gs_p *oldp = mp->oldp;
	mp->oldp = NULL;
	atomic_fetch_sub_explicit(&gs__sched.insyscall, 1, memory_order_relaxed);
	if (exitsyscallfast(mp, oldp)) {
		GS_EV(GS_EV_SYSCALL_EXIT, mp->p->id, GS_PID(oldp), mp->id, -1, gp->goid, 0);
		gs__casgstatus(gp, GS_G_SYSCALL, GS_G_RUNNING);
		gs__set_mstate(mp, GS_M_RUNNING);
		gs__preempt_check(gp);
		return;
	}
	gs__mcall(exitsyscall0);
}

long
gs_syscall(long (*fn)(void *), void *arg)
{
	gs_entersyscall();
	long r = fn(arg);
	gs_exitsyscall();
	return r;
}

long
gs_syscall_block(long (*fn)(void *), void *arg)
{
	gs_entersyscallblock();
	long r = fn(arg);
	gs_exitsyscall();
	return r;
}

/* ---- ready-made blocking calls: -errno on failure ------------------------- */

/* Run call between enter and exit, again on EINTR; errno is read before
 * gs_exitsyscall, which may move the goroutine to another thread. */
#define SYSCALL_RETRY(call)                                                                        \
	do {                                                                                       \
		ssize_t r_;                                                                        \
		gs_entersyscall();                                                                 \
		do                                                                                 \
			r_ = (call);                                                               \
		while (r_ < 0 && errno == EINTR);                                                  \
		if (r_ < 0)                                                                        \
			r_ = -errno;                                                               \
		gs_exitsyscall();                                                                  \
		return r_;                                                                         \
	} while (0)

int
gs_nanosleep(int64_t ns)
{
	struct timespec ts = { ns / 1000000000, ns % 1000000000 };
	int r, err = 0;

	if (ns < 0)
		return GS_EINVAL;
	gs_entersyscall();
	while ((r = nanosleep(&ts, &ts)) != 0 && errno == EINTR)
		;
	if (r != 0)
		err = -errno;
	gs_exitsyscall();
	return err;
}

ssize_t
gs_sys_read(int fd, void *buf, size_t n)
{
	SYSCALL_RETRY(read(fd, buf, n));
}

ssize_t
gs_sys_write(int fd, const void *buf, size_t n)
{
	SYSCALL_RETRY(write(fd, buf, n));
}

ssize_t
gs_sys_pread(int fd, void *buf, size_t n, off_t off)
{
	SYSCALL_RETRY(pread(fd, buf, n, off));
}

int
gs_sys_fsync(int fd)
{
	int r;

	gs_entersyscallblock();
	r = fsync(fd) == 0 ? 0 : -errno;
	gs_exitsyscall();
	return r;
}
