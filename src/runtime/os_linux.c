/*
 * os_linux.c - what the scheduler needs from Linux: futexes for the runtime's
 * locks and notes, the CPU count from the affinity mask, monotonic time, and
 * vm.max_map_count.  Other platforms would supply their own file.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <sched.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "runtime/internal.h"

static void
futexsleep(_Atomic uint32_t *addr, uint32_t val)
{
	/* Spurious returns (EINTR, EAGAIN when *addr != val) are fine: every caller
	 * re-checks its condition in a loop. */
	syscall(SYS_futex, (uint32_t *)addr, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0);
}

static void
futexwakeup(_Atomic uint32_t *addr, int n)
{
	syscall(SYS_futex, (uint32_t *)addr, FUTEX_WAKE_PRIVATE, n, NULL, NULL, 0);
}

static inline void
cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield");
#endif
}

void
gs__lock_slow(gs_lock *l)
{
	/* Spin a little first: the holders of runtime locks hold them briefly. */
	for (int i = 0; i < 64; i++) {
		uint32_t zero = 0;
		cpu_relax();
		if (atomic_load_explicit(&l->key, memory_order_relaxed) == 0 &&
		    atomic_compare_exchange_weak_explicit(&l->key, &zero, 1,
		    memory_order_acquire, memory_order_relaxed))
			return;
	}
	/* 2 = locked with (possible) sleepers: the unlocker must wake one. */
	while (atomic_exchange_explicit(&l->key, 2, memory_order_acquire) != 0)
		futexsleep(&l->key, 2);
}

void
gs__unlock_slow(gs_lock *l)
{
	futexwakeup(&l->key, 1);
}

void
gs__notesleep(gs_note *n)
{
	while (atomic_load_explicit(&n->key, memory_order_acquire) == 0)
		futexsleep(&n->key, 0);
}

void
gs__notewakeup(gs_note *n)
{
	if (atomic_exchange_explicit(&n->key, 1, memory_order_release) != 0)
		gs__throw("notewakeup - double wakeup");
	futexwakeup(&n->key, 1);
}

int
gs__os_ncpu(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof set, &set) == 0) {
		int n = CPU_COUNT(&set);
		if (n > 0)
			return n;
	}
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (int)n : 1;
}

uint64_t
gs__nanotime(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

long
gs__os_max_map_count(void)
{
	long n = 65530; /* the kernel's default */
	FILE *f = fopen("/proc/sys/vm/max_map_count", "r");

	if (f) {
		if (fscanf(f, "%ld", &n) != 1 || n <= 0)
			n = 65530;
		fclose(f);
	}
	return n;
}

void
gs__osyield(void)
{
	sched_yield();
}

void
gs__usleep(unsigned usec)
{
	struct timespec ts = { usec / 1000000, (long)(usec % 1000000) * 1000 };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}
