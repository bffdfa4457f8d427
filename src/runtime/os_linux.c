/*
 * os_linux.c - what the scheduler needs from Linux: futexes for the runtime's
 * locks and notes, the CPU count from the affinity mask and its physical cores,
 * monotonic time, and vm.max_map_count.  Other platforms would supply their own file.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
		    atomic_compare_exchange_weak_explicit(&l->key, &zero, 1, memory_order_acquire,
			memory_order_relaxed))
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

/* A small /proc or /sys file into buf (NUL-terminated, cut to n - 1 bytes):
 * 0, or -1 if it cannot be read.  open/read, no stdio: any thread may call it,
 * the snapshot's observer too. */
static int
read_small(const char *path, char *buf, size_t n)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	ssize_t r = read(fd, buf, n - 1);
	close(fd);
	if (r < 0)
		return -1;
	buf[r] = '\0';
	return 0;
}

/* One number from a sysfs file, or -1. */
static long
read_long(const char *path)
{
	char buf[32], *end;

	if (read_small(path, buf, sizeof buf) != 0)
		return -1;
	long v = strtol(buf, &end, 10);
	return end == buf ? -1 : v;
}

int
gs_numcores(void)
{
	static struct {
		long pkg, core;
	} seen[CPU_SETSIZE];
	static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	cpu_set_t set;
	char path[96];
	int n = 0;

	if (sched_getaffinity(0, sizeof set, &set) != 0)
		return 0;
	pthread_mutex_lock(&mu); /* seen is too big for a goroutine's stack */
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, &set))
			continue;
		snprintf(path, sizeof path,
		    "/sys/devices/system/cpu/cpu%d/topology/physical_package_id", cpu);
		long pkg = read_long(path);
		snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%d/topology/core_id", cpu);
		long core = read_long(path);
		if (pkg < 0 || core < 0) {
			n = 0;
			break;
		}
		int k = 0;
		while (k < n && (seen[k].pkg != pkg || seen[k].core != core))
			k++;
		if (k == n) {
			seen[n].pkg = pkg;
			seen[n].core = core;
			n++;
		}
	}
	pthread_mutex_unlock(&mu);
	return n;
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
	long n = read_long("/proc/sys/vm/max_map_count");

	return n > 0 ? n : 65530; /* the kernel's default */
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

bool
gs__notetsleep(gs_note *n, int64_t ns)
{
	if (ns < 0) {
		gs__notesleep(n);
		return true;
	}
	uint64_t deadline = gs__nanotime() + (uint64_t)ns;
	while (atomic_load_explicit(&n->key, memory_order_acquire) == 0) {
		uint64_t now = gs__nanotime();
		if (now >= deadline)
			return false;
		uint64_t left = deadline - now;
		struct timespec ts = { (time_t)(left / 1000000000u), (long)(left % 1000000000u) };
		syscall(SYS_futex, (uint32_t *)&n->key, FUTEX_WAIT_PRIVATE, 0, &ts, NULL, 0);
	}
	return true;
}

/*
 * "QUOTA PERIOD" or "max PERIOD" (cgroup v2 cpu.max).  Returns 1 with the limit
 * in CPUs, 0 when there is none, -1 when the text is not understood.
 */
int
gs__parse_cpu_max(const char *text, double *limit)
{
	char quota[32];
	long long period;

	if (sscanf(text, "%31s %lld", quota, &period) != 2 || period <= 0)
		return -1;
	if (strcmp(quota, "max") == 0)
		return 0;
	char *end;
	long long q = strtoll(quota, &end, 10);
	if (*end || q <= 0)
		return -1;
	*limit = (double)q / (double)period;
	return 1;
}

int
gs__os_threads(void)
{
	char buf[4096]; /* the file is far smaller: one read has it all */

	if (read_small("/proc/self/status", buf, sizeof buf) != 0)
		return 0;
	const char *t = strstr(buf, "\nThreads:");
	return t ? atoi(t + 9) : 0;
}

/* The CPU time thread tid of this process has had, in nanoseconds: the first
 * field of its schedstat (the scheduler's sum_exec_runtime, exact where
 * /proc/.../stat counts clock ticks), or 0 if it cannot be read (the thread
 * has exited, or the kernel lacks schedstats). */
uint64_t
gs__os_thread_cpu_ns(int32_t tid)
{
	char path[64], buf[128];

	if (tid <= 0)
		return 0;
	snprintf(path, sizeof path, "/proc/self/task/%d/schedstat", (int)tid);
	if (read_small(path, buf, sizeof buf) != 0)
		return 0;
	return strtoull(buf, NULL, 10);
}

/*
 * The CPU bandwidth limit of this process's cgroup, the lowest along the path
 * to the root as Go 1.25 takes it (v2 cpu.max; v1 cpu.cfs_quota_us over
 * cpu.cfs_period_us).  Returns 1 and *limit, or 0 if there is none.
 * GSCHED_CGROUP_ROOT replaces /sys/fs/cgroup (for tests).
 */
int
gs__os_cgroup_cpu_limit(double *limit)
{
	const char *root = getenv("GSCHED_CGROUP_ROOT");
	/* Off the caller's stack: gs_run may be called on a small one (ulimit
	 * -s 16).  Without the memory the limit is unknown, as without the
	 * files. */
	struct {
		char cg[4096], path[8192];
	} *b = malloc(sizeof *b);
	char buf[256];
	int found = 0;

	if (b == NULL)
		return 0;
	char *cg = b->cg, *path = b->path;
	if (root == NULL)
		root = "/sys/fs/cgroup";
	if (read_small("/proc/self/cgroup", cg, sizeof b->cg) != 0) {
		free(b);
		return 0;
	}
	for (char *save = NULL, *line = strtok_r(cg, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (c2 == NULL)
			continue;
		*c2 = '\0';
		const char *ctrl = c1 + 1;
		char *rel = c2 + 1;
		bool v2 = strcmp(line, "0") == 0 && *ctrl == '\0';
		bool v1 = strstr(ctrl, "cpu") != NULL && strstr(ctrl, "cpuset") == NULL;
		if (!v2 && !v1)
			continue;
		/* Walk from the process's cgroup up to the root. */
		for (;;) {
			double l;
			int r;
			if (v2) {
				snprintf(path, sizeof b->path, "%s%s/cpu.max", root, rel);
				r = read_small(path, buf, sizeof buf) == 0
				    ? gs__parse_cpu_max(buf, &l)
				    : -1;
			} else {
				long long q = -1, p = 0;
				snprintf(path, sizeof b->path, "%s/%s%s/cpu.cfs_quota_us", root,
				    ctrl, rel);
				if (read_small(path, buf, sizeof buf) == 0)
					q = atoll(buf);
				snprintf(path, sizeof b->path, "%s/%s%s/cpu.cfs_period_us", root,
				    ctrl, rel);
				if (read_small(path, buf, sizeof buf) == 0)
					p = atoll(buf);
				r = q > 0 && p > 0 ? 1 : 0;
				l = r ? (double)q / (double)p : 0;
			}
			if (r == 1 && (!found || l < *limit)) {
				*limit = l;
				found = 1;
			}
			char *slash = strrchr(rel, '/');
			if (slash == NULL || (slash == rel && rel[1] == '\0'))
				break;
			if (slash == rel)
				rel[1] = '\0';
			else
				*slash = '\0';
		}
	}
	free(b);
	return found;
}
