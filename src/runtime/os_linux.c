/*
 * os_linux.c - what the scheduler needs from Linux: futexes for the runtime's
 * locks and notes, the CPU count from the affinity mask and its physical cores,
 * the CPU limit of the process's cgroup, monotonic time, and
 * vm.max_map_count.  Other platforms would supply their own file.
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

/* ---- the CPU limit of our cgroup, as Go 1.25 reads it --------------------- */

/*
 * Go 1.25's internal/runtime/cgroup.  The process's CPU cgroup is the cgroup v1
 * hierarchy whose controllers include "cpu" if there is one, else the v2
 * hierarchy ("0::" in /proc/self/cgroup); its directory is the mount point of
 * that hierarchy's file system (from /proc/self/mountinfo) followed by the
 * path /proc/self/cgroup gives.  Only that leaf's files are read: a tighter
 * limit on a parent is not seen, as Go does not see it (container runtimes
 * hide the parents anyway).  GSCHED_CGROUP_ROOT names a directory that stands
 * for / in every one of these reads, so tests can lay out any tree.
 */

#define CGROUP_PATH_MAX 4096 /* Go's _PATH_MAX */

/* GSCHED_CGROUP_ROOT, then the parts, into out: false if it does not fit. */
static bool
cgroup_path(char *out, size_t n, const char *a, const char *b)
{
	const char *root = getenv("GSCHED_CGROUP_ROOT");
	int len = snprintf(out, n, "%s%s%s", root ? root : "", a, b);

	return len >= 0 && (size_t)len < n;
}

/* A whole /proc file, NUL-terminated, in a malloc'd buffer; NULL if it cannot
 * be read. */
static char *
read_all(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t cap = 4096, n = 0;
	char *buf = fd < 0 ? NULL : malloc(cap);

	while (buf) {
		if (n + 1 == cap) {
			char *nb = realloc(buf, cap * 2);
			if (nb == NULL) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		ssize_t r = read(fd, buf + n, cap - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			buf = NULL;
		} else if (r == 0) {
			buf[n] = '\0';
			break;
		} else {
			n += (size_t)r;
		}
	}
	if (fd >= 0)
		close(fd);
	return buf;
}

/* Go's containsCPU: "cpu" is one of the comma-separated names in b[0..n). */
static bool
contains_cpu(const char *b, size_t n)
{
	while (n > 0) {
		const char *comma = memchr(b, ',', n);
		size_t len = comma ? (size_t)(comma - b) : n;
		if (len == 3 && memcmp(b, "cpu", 3) == 0)
			return true;
		if (comma == NULL)
			break;
		n -= len + 1;
		b = comma + 1;
	}
	return false;
}

/* Go's strconv.Atoi64: an optional '-', then digits only, within int64. */
static bool
parse_int64(const char *s, size_t n, int64_t *v)
{
	bool neg = n > 0 && s[0] == '-';
	uint64_t u = 0;

	if (n == 0)
		return false;
	for (size_t i = neg; i < n; i++) {
		if (s[i] < '0' || s[i] > '9' || u > UINT64_MAX / 10 ||
		    u * 10 > UINT64_MAX - (uint64_t)(s[i] - '0'))
			return false;
		u = u * 10 + (uint64_t)(s[i] - '0');
	}
	if (u > (uint64_t)INT64_MAX + neg)
		return false;
	*v = neg ? (int64_t)(0 - u) : (int64_t)u;
	return true;
}

/* Go's unescapePath: mountinfo writes ' ', '\t', '\n' and '\\' as \ and three
 * digits.  0, or -1 if an escape is broken or out is too small. */
static int
unescape_path(char *out, size_t outsz, const char *in, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n; o++) {
		if (o + 1 >= outsz)
			return -1;
		if (in[i] != '\\') {
			out[o] = in[i++];
			continue;
		}
		if (i + 3 >= n)
			return -1;
		unsigned c = 0;
		for (int k = 1; k <= 3; k++) {
			if (in[i + k] < '0' || in[i + k] > '9')
				return -1;
			c = c * 8 + (unsigned)(in[i + k] - '0');
		}
		out[o] = (char)c;
		i += 4;
	}
	out[o] = '\0';
	return 0;
}

/*
 * Go's parseCPURelativePath, on the text of /proc/self/cgroup: the CPU
 * cgroup's path into out.  Returns its version (1 or 2), 0 if there is none,
 * -1 if the text is malformed (a line without two colons, or without its
 * newline: Go reads lines whole or not at all).
 */
int
gs__cgroup_parse_self(char *text, char *out, size_t outsz)
{
	bool v2 = false;

	for (char *line = text; *line;) {
		char *nl = strchr(line, '\n');
		if (nl == NULL)
			return -1;
		*nl = '\0';
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (c2 == NULL)
			return -1;
		size_t len = strlen(c2 + 1);
		if (c1 - line == 1 && line[0] == '0') {
			/* v2; a v1 hierarchy with the cpu controller, later, wins */
			if (len + 1 > outsz)
				return -1;
			memcpy(out, c2 + 1, len + 1);
			v2 = len > 0;
		} else if (contains_cpu(c1 + 1, (size_t)(c2 - c1 - 1))) {
			if (len + 1 > outsz)
				return -1;
			memcpy(out, c2 + 1, len + 1);
			return 1;
		}
		line = nl + 1;
	}
	return v2 ? 2 : 0;
}

/*
 * Go's parseCPUMount, on the text of /proc/self/mountinfo: the mount point of
 * a cgroup file system with the cpu controller (v1) or else of the cgroup2
 * one, unescaped, into out.  Returns 1 or 2 for the file system found, 0 if
 * none, -1 if a line is malformed.  A last line without its newline still
 * counts, as in Go (only the fields before the super options matter).
 */
int
gs__cgroup_parse_mounts(char *text, char *out, size_t outsz)
{
	bool v2 = false;

	for (char *line = text; *line;) {
		char *nl = strchr(line, '\n');
		char *next = nl ? nl + 1 : line + strlen(line);
		if (nl)
			*nl = '\0';
		/* "36 35 98:0 /root /mountpoint options optional... - type source superoptions" */
		char *f = line, *sp;
		for (int i = 0; i < 4; i++) {
			if ((sp = strchr(f, ' ')) == NULL)
				return -1;
			f = sp + 1;
		}
		if ((sp = strchr(f, ' ')) == NULL)
			return -1;
		const char *mnt = f;
		size_t mntlen = (size_t)(sp - f);
		f = sp + 1;
		for (;;) {
			if ((sp = strchr(f, ' ')) == NULL || strlen(sp) <= 3)
				return -1;
			if (strncmp(sp, " - ", 3) == 0) {
				f = sp + 3;
				break;
			}
			f = sp + 1;
		}
		if ((sp = strchr(f, ' ')) == NULL)
			return -1;
		size_t typelen = (size_t)(sp - f);
		if (typelen == 7 && memcmp(f, "cgroup2", 7) == 0) {
			if (unescape_path(out, outsz, mnt, mntlen) != 0)
				return -1;
			v2 = true;
		} else if (typelen == 6 && memcmp(f, "cgroup", 6) == 0) {
			f = sp + 1;
			if ((sp = strchr(f, ' ')) == NULL)
				return -1;
			f = sp + 1; /* the super options: "rw,cpu,cpuacct" */
			if (contains_cpu(f, strlen(f)))
				return unescape_path(out, outsz, mnt, mntlen) == 0 ? 1 : -1;
		}
		line = next;
	}
	return v2 ? 2 : 0;
}

int
gs__cgroup_find(char *dir, size_t n)
{
	char path[CGROUP_PATH_MAX + 64], *text;
	char *rel = malloc(CGROUP_PATH_MAX);
	int version = -1;

	if (rel == NULL)
		return -1;
	if (cgroup_path(path, sizeof path, "/proc/self/mountinfo", "") &&
	    (text = read_all(path)) != NULL) {
		version = gs__cgroup_parse_mounts(text, dir, n);
		free(text);
	}
	if (version > 0) {
		version = -1;
		if (cgroup_path(path, sizeof path, "/proc/self/cgroup", "") &&
		    (text = read_all(path)) != NULL) {
			version = gs__cgroup_parse_self(text, rel, CGROUP_PATH_MAX);
			free(text);
		}
	}
	/* The path in the hierarchy starts with '/': it follows the mount point. */
	if (version > 0) {
		size_t len = strlen(dir);
		if (len + strlen(rel) + 1 > n)
			version = -1;
		else
			strcpy(dir + len, rel);
	}
	free(rel);
	return version;
}

int
gs__cgroup_open(gs__cgroup_cpu *c)
{
	char *dir = malloc(2 * CGROUP_PATH_MAX), *path = malloc(3 * CGROUP_PATH_MAX);
	int version = dir && path ? gs__cgroup_find(dir, 2 * CGROUP_PATH_MAX) : -1;

	c->version = 0;
	c->quotafd = c->periodfd = -1;
	if (version == 1) {
		if (cgroup_path(path, 3 * CGROUP_PATH_MAX, dir, "/cpu.cfs_quota_us"))
			c->quotafd = open(path, O_RDONLY | O_CLOEXEC);
		if (cgroup_path(path, 3 * CGROUP_PATH_MAX, dir, "/cpu.cfs_period_us"))
			c->periodfd = open(path, O_RDONLY | O_CLOEXEC);
	} else if (version == 2 && cgroup_path(path, 3 * CGROUP_PATH_MAX, dir, "/cpu.max")) {
		c->quotafd = open(path, O_RDONLY | O_CLOEXEC);
	}
	free(dir);
	free(path);
	c->version = version;
	if (c->quotafd < 0 || (version == 1 && c->periodfd < 0)) {
		gs__cgroup_close(c);
		return -1;
	}
	return 0;
}

/* Closed is version 0, whatever the descriptors say: a zeroed one is closed. */
void
gs__cgroup_close(gs__cgroup_cpu *c)
{
	if (c->version != 0) {
		if (c->quotafd >= 0)
			close(c->quotafd);
		if (c->periodfd >= 0)
			close(c->periodfd);
	}
	c->quotafd = c->periodfd = -1;
	c->version = 0;
}

/* A cgroup file from its start into b (Go's 64 bytes: a full buffer is
 * malformed): its length, or -1. */
static ssize_t
pread_small(int fd, char *b, size_t n)
{
	ssize_t r;

	while ((r = pread(fd, b, n, 0)) < 0 && errno == EINTR)
		;
	return r < 0 || (size_t)r == n ? -1 : r;
}

/* Go's parseV1Number: "<value>\n". */
static int
read_v1_number(int fd, int64_t *v)
{
	char b[64];
	ssize_t n = pread_small(fd, b, sizeof b);
	const char *nl = n < 0 ? NULL : memchr(b, '\n', (size_t)n);

	return nl && parse_int64(b, (size_t)(nl - b), v) ? 0 : -1;
}

/*
 * Go's parseV2Limit, on cpu.max's text: "QUOTA PERIOD\n" or "max PERIOD\n".
 * Returns 1 with the limit in CPUs (QUOTA / PERIOD), 0 when there is none,
 * -1 when the text is malformed.  A period of 0 or less, which the kernel
 * never writes, is malformed here (Go would divide by it).
 */
int
gs__parse_cpu_max(const char *text, double *limit)
{
	const char *sp = strchr(text, ' ');
	int64_t q, p;

	if (sp == NULL)
		return -1;
	if (sp - text == 3 && memcmp(text, "max", 3) == 0)
		return 0;
	const char *nl = strchr(sp + 1, '\n');
	if (nl == NULL || !parse_int64(text, (size_t)(sp - text), &q) ||
	    !parse_int64(sp + 1, (size_t)(nl - sp - 1), &p) || p <= 0)
		return -1;
	*limit = (double)q / (double)p;
	return 1;
}

int
gs__cgroup_read(const gs__cgroup_cpu *c, double *limit)
{
	char b[64];
	int64_t q, p;

	switch (c->version) {
	case 1:
		if (read_v1_number(c->quotafd, &q) != 0)
			return -1;
		if (q < 0)
			return 0; /* -1: no limit */
		if (read_v1_number(c->periodfd, &p) != 0 || p <= 0)
			return -1;
		*limit = (double)q / (double)p;
		return 1;
	case 2: {
		ssize_t n = pread_small(c->quotafd, b, sizeof b);
		if (n < 0)
			return -1;
		b[n] = '\0';
		return gs__parse_cpu_max(b, limit);
	}
	default:
		return -1;
	}
}

int
gs__os_cgroup_cpu_limit(double *limit)
{
	gs__cgroup_cpu c;

	if (gs__cgroup_open(&c) != 0)
		return 0;
	int r = gs__cgroup_read(&c, limit);
	gs__cgroup_close(&c);
	return r;
}

int
gs_cgroup_cpu_limit(double *limit)
{
	double l;

	if (limit == NULL)
		return GS_EINVAL;
	int r = gs__os_cgroup_cpu_limit(&l);
	if (r == 1)
		*limit = l;
	return r < 0 ? GS_EINVAL : r;
}
