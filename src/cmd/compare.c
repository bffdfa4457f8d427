/*
 * compare.c - `gsched compare KIND [-n N] [-d DURATION]`: goroutines against one
 * OS thread per task, measured, not estimated.
 *
 * The seed's table ("OS threads: 1-2 MB stack, ~1 ms creation, ~1-2 us switch;
 * goroutines: 2 KB, ~1 us, ~200 ns") is a set of claims; this command measures
 * them on this machine.  The same N tasks run twice:
 *
 *   goroutines  N goroutines on gsched (default GOMAXPROCS): gs_sleep, a
 *               blocking read(2) inside gs_sys_read (entersyscall: each one
 *               holds an M), gs_fd_read through the netpoller, or a CPU loop;
 *   threads     N pthreads with default attributes doing the same with
 *               nanosleep(2), read(2) on a socketpair, or the same CPU loop.
 *
 * Each side runs in its own forked child so that its peak resident memory
 * (VmHWM) and its peak thread count are its own.  A sampler thread in each child
 * reads Threads: from /proc/self/status every millisecond (it does not count
 * itself).  After the workload each child measures a switch: a ping-pong over two
 * unbuffered channels with GOMAXPROCS=1, against a ping-pong over two pipes
 * between two threads pinned to one CPU.  The children send their figures back
 * through a pipe; the parent prints the table.
 *
 * When pthread_create fails (EAGAIN from RLIMIT_NPROC, threads-max or an address
 * space limit), the thread side stops there, finishes the threads it has, and
 * reports after how many it stopped and why: a finding, so the exit status stays
 * 0.  tests/compare.sh forces that with `ulimit -v`.
 */
/* sched_getcpu, CPU_SET, pthread_attr_setaffinity_np, pthread_getattr_default_np */
#define _GNU_SOURCE
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gsched.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cmd/compare.h"
#include "format/cmdline.h"
#include "format/parse.h"
#include "cmd/procstat.h"

#define CMP_N_DEFAULT 1000
#define CMP_N_MAX 1000000
#define CMP_D_DEFAULT 100000000LL     /* 100ms */
#define CMP_D_MAX (60LL * 1000000000) /* 1 minute */
#define CMP_CPU_ITERS 1000000         /* per task: about a millisecond */
#define CMP_SWITCH_RTTS 20000         /* ping-pong round trips */
#define CMP_SAMPLE_NS 1000000         /* thread sampler period */

enum cmpkind { CMP_SLEEP, CMP_SYSCALL, CMP_NETWAIT, CMP_CPU, CMP_NKIND };

static const char *const kindname[CMP_NKIND] = { "sleep", "syscall", "netwait", "cpu" };

/* What each task does, per side, for the table's title. */
static const char *const kindwhat[CMP_NKIND][2] = {
	{ "gs_sleep(D)", "nanosleep(D)" },
	{ "gs_sys_read: read(2) blocks, P handed off", "read(2) on a socketpair" },
	{ "gs_fd_read: parks in the netpoller", "read(2) on a socketpair" },
	{ "a CPU loop", "the same CPU loop" },
};

struct cmpopts {
	enum cmpkind kind;
	long n;
	int64_t d_ns; /* sleep or wait before the answer; unused by cpu */
};

/* What one child measured; written to the parent through a pipe. */
struct sideresult {
	int started_ok;     /* 1 once the child got as far as sending */
	int create_err;     /* threads: errno of the pthread_create that failed */
	long started;       /* tasks started (all N unless create_err) */
	long finished;      /* tasks that ran to the end */
	double wall_s;      /* first creation to last task done */
	double create_ns;   /* creation calls only, per task */
	long peak_threads;  /* most threads seen, the sampler excluded */
	long peak_inflight; /* most tasks inside their wait at one time */
	long base_kb;       /* VmRSS when the child started */
	long hwm_kb;        /* VmHWM at the end of the workload */
	double switch_ns;   /* one switch (half a ping-pong round trip); <0: n/a */
	char fail[160];     /* goroutines: what failed; "" when nothing did */
};

/* ---- shared measuring ------------------------------------------------------ */

/* The number after `key` in /proc/self/status (kB for Vm*), or -1. */
static long
status_field(const char *key)
{
	char buf[4096];

	return (long)procstat_read(key, buf, sizeof buf);
}

/* The sampler: a plain thread keeping the peak of Threads: until told to stop. */
struct sampler {
	pthread_t tid;
	atomic_int stop;
	atomic_long peak;
};

static void *
sampler_main(void *arg)
{
	struct sampler *s = arg;
	struct timespec ts = { 0, CMP_SAMPLE_NS };
	long n;

	while (!atomic_load(&s->stop)) {
		n = status_field("Threads:") - 1; /* not counting the sampler */
		if (n > atomic_load(&s->peak))
			atomic_store(&s->peak, n);
		nanosleep(&ts, NULL);
	}
	return NULL;
}

static int
sampler_start(struct sampler *s)
{
	atomic_init(&s->stop, 0);
	atomic_init(&s->peak, 0);
	return pthread_create(&s->tid, NULL, sampler_main, s);
}

static long
sampler_stop(struct sampler *s)
{
	atomic_store(&s->stop, 1);
	pthread_join(s->tid, NULL);
	return atomic_load(&s->peak);
}

/*
 * Tasks waiting at once: counted around the wait itself (the sleep, the
 * read(2), the netpoll wait; for syscall just the kernel call, inside
 * entersyscall/exitsyscall).  With threads every task waits at once; with
 * goroutines in read(2) only as many as there are Ms to block, so a runtime
 * slow to start Ms shows it here.  Not counted for cpu.
 */
static atomic_long inflight, inflight_peak;

static void
inflight_enter(void)
{
	long now = atomic_fetch_add(&inflight, 1) + 1;
	long peak = atomic_load(&inflight_peak);

	while (now > peak && !atomic_compare_exchange_weak(&inflight_peak, &peak, now))
		;
}

static void
inflight_leave(void)
{
	atomic_fetch_sub(&inflight, 1);
}

/* The loop every cpu task runs; each step depends on the last, so it stays. */
static volatile uint64_t cpu_sink;

static void
cpu_loop(uint64_t seed)
{
	uint64_t sum = seed, j;

	for (j = 0; j < CMP_CPU_ITERS; j++)
		sum += j ^ (sum >> 7);
	cpu_sink = sum;
}

/*
 * The socketpairs of the blocking kinds.  Both ends of a socketpair are
 * readers: task 2j reads fd[2j], task 2j+1 reads fd[2j+1], and a byte written to
 * one end answers the task on the other, so N tasks need N descriptors (N+1 when
 * N is odd), not 2N.
 */
struct pairs {
	int *fd;
	long n; /* descriptors open */
};

static int
pairs_make(struct pairs *p, long n)
{
	int sv[2];
	long i;

	p->n = 0;
	p->fd = calloc((size_t)(n + 1), sizeof(int));
	if (p->fd == NULL)
		return -ENOMEM;
	for (i = 0; i < n; i += 2) {
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
			return -errno;
		p->fd[i] = sv[0];
		p->fd[i + 1] = sv[1];
		p->n = i + 2;
	}
	return 0;
}

/* Answer the first n readers: one byte each, written on the other end. */
static int
pairs_answer(const struct pairs *p, long n)
{
	char b = 'x';
	long i;

	for (i = 0; i < n; i++)
		if (write(p->fd[i ^ 1], &b, 1) != 1)
			return -errno;
	return 0;
}

static bool
kind_blocks_on_fd(enum cmpkind k)
{
	return k == CMP_SYSCALL || k == CMP_NETWAIT;
}

/* ---- the goroutine side ------------------------------------------------------ */

/* Shared by the child's main goroutine and its tasks. */
static struct {
	const struct cmpopts *o;
	struct pairs pairs;
	gs_waitgroup wg;
	atomic_long finished;
	atomic_int err; /* first failure in a task, a GS_E or -errno code */
} gside;

static void
gtask(void *arg)
{
	long i = (long)(intptr_t)arg;
	char b;
	ssize_t got = 1;
	int rc;

	switch (gside.o->kind) {
	case CMP_SLEEP:
		inflight_enter();
		gs_sleep(gside.o->d_ns);
		inflight_leave();
		break;
	case CMP_SYSCALL:
		/* What gs_sys_read does, opened up to count just the kernel call. */
		gs_entersyscall();
		inflight_enter();
		got = read(gside.pairs.fd[i], &b, 1);
		if (got < 0)
			got = -errno;
		inflight_leave();
		gs_exitsyscall();
		break;
	case CMP_NETWAIT:
		rc = gs_fd_open(gside.pairs.fd[i]);
		inflight_enter();
		got = rc < 0 ? rc : gs_fd_read(gside.pairs.fd[i], &b, 1);
		inflight_leave();
		break;
	case CMP_CPU:
	case CMP_NKIND:
		cpu_loop((uint64_t)i);
		break;
	}
	if (got == 1)
		atomic_fetch_add(&gside.finished, 1);
	else {
		int zero = 0;

		atomic_compare_exchange_strong(&gside.err, &zero, got < 0 ? (int)got : GS_EINVAL);
	}
	gs_wg_done(&gside.wg);
}

static void
gmain(void *arg)
{
	struct sideresult *r = arg;
	int64_t t0, t1;
	long i;
	int rc;

	gs_wg_add(&gside.wg, gside.o->n);
	t0 = gs_nanotime();
	for (i = 0; i < gside.o->n; i++) {
		if (gs_go(gtask, (void *)(intptr_t)i) < 0) {
			snprintf(r->fail, sizeof(r->fail), "gs_go failed after %ld goroutines", i);
			gs_wg_add(&gside.wg, -(gside.o->n - i));
			break;
		}
		r->started = i + 1;
	}
	t1 = gs_nanotime();
	if (kind_blocks_on_fd(gside.o->kind)) {
		gs_sleep(gside.o->d_ns);
		rc = pairs_answer(&gside.pairs, r->started);
		if (rc < 0)
			snprintf(r->fail, sizeof(r->fail), "write: %s", strerror(-rc));
	}
	gs_wg_wait(&gside.wg);
	r->wall_s = (double)(gs_nanotime() - t0) / 1e9;
	r->create_ns = r->started > 0 ? (double)(t1 - t0) / (double)r->started : 0;
	r->finished = atomic_load(&gside.finished);
	r->peak_inflight = atomic_load(&inflight_peak);
	if (r->fail[0] == '\0' && atomic_load(&gside.err) != 0)
		snprintf(r->fail, sizeof(r->fail), "a task failed: %s",
		    gs_strerror(atomic_load(&gside.err)));
}

/* The goroutine ping-pong: two goroutines, two unbuffered channels, one P. */
struct gpingpong {
	gs_chan *ping, *pong;
	double switch_ns;
};

static void
gpong(void *arg)
{
	struct gpingpong *pp = arg;
	int v;

	while (gs_chan_recv(pp->ping, &v) == 1)
		gs_chan_send(pp->pong, &v);
}

static void
gping(void *arg)
{
	struct gpingpong *pp = arg;
	int64_t t0;
	int i, v = 0;

	pp->switch_ns = -1;
	pp->ping = gs_chan_make(sizeof(int), 0);
	pp->pong = gs_chan_make(sizeof(int), 0);
	if (pp->ping == NULL || pp->pong == NULL || gs_go(gpong, pp) < 0)
		return;
	t0 = gs_nanotime();
	for (i = 0; i < CMP_SWITCH_RTTS; i++) {
		gs_chan_send(pp->ping, &i);
		gs_chan_recv(pp->pong, &v);
	}
	pp->switch_ns = (double)(gs_nanotime() - t0) / (2.0 * CMP_SWITCH_RTTS);
	gs_chan_close(pp->ping);
}

static void
run_goroutines(const struct cmpopts *o, struct sideresult *r)
{
	struct gpingpong pp;
	struct sampler s;
	gs_config cfg = { 0 };
	gs_config one = { .procs = 1 };
	int rc;

	gside.o = o;
	if (kind_blocks_on_fd(o->kind) && (rc = pairs_make(&gside.pairs, o->n)) < 0) {
		snprintf(r->fail, sizeof(r->fail), "socketpair: %s", strerror(-rc));
		return;
	}
	/* Each goroutine blocked in read(2) holds an M, as in Go: N of them need
	 * N threads, past Go's default limit of 10000 when N is large. */
	if (o->kind == CMP_SYSCALL && o->n + 64 > 10000)
		cfg.max_threads = (int)(o->n + 64);
	if (sampler_start(&s) != 0) {
		snprintf(r->fail, sizeof(r->fail), "cannot start the sampler thread");
		return;
	}
	rc = gs_run(gmain, r, &cfg);
	r->peak_threads = sampler_stop(&s);
	r->hwm_kb = status_field("VmHWM:");
	if (rc < 0) {
		snprintf(r->fail, sizeof(r->fail), "gs_run: %s", gs_strerror(rc));
		return;
	}
	rc = gs_run(gping, &pp, &one);
	r->switch_ns = rc < 0 ? -1 : pp.switch_ns;
}

/* ---- the thread side ---------------------------------------------------------- */

static struct {
	const struct cmpopts *o;
	struct pairs pairs;
	atomic_long finished;
} tside;

static void *
ttask(void *arg)
{
	long i = (long)(intptr_t)arg;
	struct timespec ts;
	char b;
	ssize_t got = 1;

	switch (tside.o->kind) {
	case CMP_SLEEP:
		ts.tv_sec = tside.o->d_ns / 1000000000;
		ts.tv_nsec = tside.o->d_ns % 1000000000;
		inflight_enter();
		while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
			;
		inflight_leave();
		break;
	case CMP_SYSCALL:
	case CMP_NETWAIT:
		inflight_enter();
		got = read(tside.pairs.fd[i], &b, 1);
		inflight_leave();
		break;
	case CMP_CPU:
	case CMP_NKIND:
		cpu_loop((uint64_t)i);
		break;
	}
	if (got == 1)
		atomic_fetch_add(&tside.finished, 1);
	return NULL;
}

/* The thread ping-pong: two pipes, two threads pinned to the caller's CPU. */
struct tpingpong {
	int ping[2], pong[2];
};

static void *
tpong(void *arg)
{
	struct tpingpong *pp = arg;
	char b;

	while (read(pp->ping[0], &b, 1) == 1)
		if (write(pp->pong[1], &b, 1) != 1)
			break;
	return NULL;
}

static double
thread_switch_ns(void)
{
	struct tpingpong pp;
	pthread_attr_t attr;
	pthread_t tid;
	cpu_set_t cpus;
	int64_t t0;
	double ns = -1;
	char b = 'p';
	int i, cpu = sched_getcpu();

	if (pipe(pp.ping) != 0)
		return -1;
	if (pipe(pp.pong) != 0)
		goto out1;
	CPU_ZERO(&cpus);
	CPU_SET(cpu < 0 ? 0 : cpu, &cpus);
	pthread_attr_init(&attr);
	pthread_attr_setaffinity_np(&attr, sizeof(cpus), &cpus);
	sched_setaffinity(0, sizeof(cpus), &cpus);
	if (pthread_create(&tid, &attr, tpong, &pp) != 0)
		goto out2;
	t0 = gs_nanotime();
	for (i = 0; i < CMP_SWITCH_RTTS; i++)
		if (write(pp.ping[1], &b, 1) != 1 || read(pp.pong[0], &b, 1) != 1)
			break;
	if (i == CMP_SWITCH_RTTS)
		ns = (double)(gs_nanotime() - t0) / (2.0 * CMP_SWITCH_RTTS);
	close(pp.ping[1]);
	pthread_join(tid, NULL);
	pp.ping[1] = -1;
out2:
	pthread_attr_destroy(&attr);
	close(pp.pong[0]);
	close(pp.pong[1]);
out1:
	close(pp.ping[0]);
	if (pp.ping[1] >= 0)
		close(pp.ping[1]);
	return ns;
}

static void
run_threads(const struct cmpopts *o, struct sideresult *r)
{
	struct timespec ts = { o->d_ns / 1000000000, o->d_ns % 1000000000 };
	struct sampler s;
	pthread_t *tids;
	int64_t t0, tcreate = 0, t;
	long i;
	int rc;

	tside.o = o;
	tids = calloc((size_t)o->n, sizeof(*tids));
	if (tids == NULL) {
		snprintf(r->fail, sizeof(r->fail), "out of memory");
		return;
	}
	if (kind_blocks_on_fd(o->kind) && (rc = pairs_make(&tside.pairs, o->n)) < 0) {
		snprintf(r->fail, sizeof(r->fail), "socketpair: %s", strerror(-rc));
		return;
	}
	if (sampler_start(&s) != 0) {
		snprintf(r->fail, sizeof(r->fail), "cannot start the sampler thread");
		return;
	}
	t0 = gs_nanotime();
	for (i = 0; i < o->n; i++) {
		t = gs_nanotime();
		rc = pthread_create(&tids[i], NULL, ttask, (void *)(intptr_t)i);
		tcreate += gs_nanotime() - t;
		if (rc != 0) {
			r->create_err = rc;
			break;
		}
		r->started = i + 1;
	}
	if (kind_blocks_on_fd(o->kind)) {
		while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
			;
		rc = pairs_answer(&tside.pairs, r->started);
		if (rc < 0)
			snprintf(r->fail, sizeof(r->fail), "write: %s", strerror(-rc));
	}
	for (i = 0; i < r->started; i++)
		pthread_join(tids[i], NULL);
	r->wall_s = (double)(gs_nanotime() - t0) / 1e9;
	r->create_ns = r->started > 0 ? (double)tcreate / (double)r->started : 0;
	r->finished = atomic_load(&tside.finished);
	r->peak_inflight = atomic_load(&inflight_peak);
	r->peak_threads = sampler_stop(&s);
	r->hwm_kb = status_field("VmHWM:");
	r->switch_ns = thread_switch_ns();
	free(tids);
}

/* ---- the parent ------------------------------------------------------------------ */

/* Run one side in a forked child; *r is what it sent back.  0, or -1 with why
 * (the child died, or sent nothing) in r->fail. */
static int
run_side(const struct cmpopts *o, bool threads, struct sideresult *r)
{
	int fds[2], status;
	ssize_t got;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	fflush(stdout);
	if (pipe(fds) != 0) {
		snprintf(r->fail, sizeof(r->fail), "pipe: %s", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		snprintf(r->fail, sizeof(r->fail), "fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		struct sideresult cr;

		close(fds[0]);
		memset(&cr, 0, sizeof(cr));
		cr.base_kb = status_field("VmRSS:");
		if (threads)
			run_threads(o, &cr);
		else
			run_goroutines(o, &cr);
		cr.started_ok = 1;
		_exit(write(fds[1], &cr, sizeof(cr)) == (ssize_t)sizeof(cr) ? 0 : 1);
	}
	close(fds[1]);
	got = read(fds[0], r, sizeof(*r));
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (got == (ssize_t)sizeof(*r) && r->started_ok)
		return 0;
	memset(r, 0, sizeof(*r));
	if (WIFSIGNALED(status))
		snprintf(r->fail, sizeof(r->fail), "the child died of signal %d (%s)",
		    WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		snprintf(r->fail, sizeof(r->fail),
		    "the child exited with status %d and no result (its message, if any, is above)",
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return -1;
}

/* "8 MiB", "64 KiB", "unlimited" */
static const char *
fmt_bytes(char *buf, size_t size, double bytes)
{
	if (bytes >= 1024.0 * 1024 * 1024)
		snprintf(buf, size, "%.2f GiB", bytes / (1024.0 * 1024 * 1024));
	else if (bytes >= 1024.0 * 1024)
		snprintf(buf, size, "%.1f MiB", bytes / (1024.0 * 1024));
	else
		snprintf(buf, size, "%.1f KiB", bytes / 1024.0);
	return buf;
}

static const char *
fmt_limit(char *buf, size_t size, int resource, bool bytes)
{
	struct rlimit rl;

	if (getrlimit(resource, &rl) != 0)
		snprintf(buf, size, "?");
	else if (rl.rlim_cur == RLIM_INFINITY)
		snprintf(buf, size, "unlimited");
	else if (bytes)
		fmt_bytes(buf, size, (double)rl.rlim_cur);
	else
		snprintf(buf, size, "%llu", (unsigned long long)rl.rlim_cur);
	return buf;
}

static const char *
fmt_time(char *buf, size_t size, double ns)
{
	if (ns < 0)
		snprintf(buf, size, "n/a");
	else if (ns < 1e3)
		snprintf(buf, size, "%.0f ns", ns);
	else if (ns < 1e6)
		snprintf(buf, size, "%.1f us", ns / 1e3);
	else if (ns < 1e9)
		snprintf(buf, size, "%.1f ms", ns / 1e6);
	else
		snprintf(buf, size, "%.3f s", ns / 1e9);
	return buf;
}

/* threads/goroutines, or "n/a" when either side has no figure. */
static const char *
fmt_ratio(char *buf, size_t size, double thr, double gor, bool ok)
{
	if (!ok || thr < 0 || gor <= 0)
		snprintf(buf, size, "n/a");
	else
		snprintf(buf, size, "%.1fx", thr / gor);
	return buf;
}

static void
row(const char *name, const char *g, const char *t, const char *ratio)
{
	printf("%-24s %-18s %-18s %s\n", name, g, t, ratio);
}

/* /proc/sys/kernel/threads-max, or -1. */
static long
threads_max(void)
{
	FILE *f = fopen("/proc/sys/kernel/threads-max", "r");
	long v = -1;

	if (f != NULL) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

static void
print_table(const struct cmpopts *o, const struct sideresult *g, bool gok,
    const struct sideresult *t, bool tok)
{
	char a[48], b[48], c[48], d[48];
	size_t stack = 0;
	pthread_attr_t attr;
	bool full = tok && t->create_err == 0 && t->fail[0] == '\0';
	double gtask, ttask;

	if (pthread_getattr_default_np(&attr) == 0) {
		pthread_attr_getstacksize(&attr, &stack);
		pthread_attr_destroy(&attr);
	}
	if (o->kind == CMP_CPU)
		printf("gsched compare cpu: %ld tasks, each a %d-iteration CPU loop\n", o->n,
		    CMP_CPU_ITERS);
	else
		printf("gsched compare %s: %ld tasks, each waits %s\n", kindname[o->kind], o->n,
		    fmt_time(a, sizeof(a), (double)o->d_ns));
	printf("  goroutines: %s; GOMAXPROCS default (%d CPUs)\n", kindwhat[o->kind][0],
	    gs_numcpu());
	printf("  threads:    %s; one pthread per task, default stack %s (virtual)\n\n",
	    kindwhat[o->kind][1], fmt_bytes(a, sizeof(a), (double)stack));
	row("", "goroutines", "threads", "threads/goroutines");

	snprintf(a, sizeof(a), "%ld/%ld", gok ? g->finished : 0, o->n);
	snprintf(b, sizeof(b), "%ld/%ld", tok ? t->finished : 0, o->n);
	row("tasks done", a, b, "");
	snprintf(a, sizeof(a), "%ld", g->peak_inflight);
	snprintf(b, sizeof(b), "%ld", t->peak_inflight);
	if (o->kind != CMP_CPU)
		row("peak tasks waiting", gok ? a : "n/a", tok ? b : "n/a", "");
	snprintf(a, sizeof(a), "%.3f s", g->wall_s);
	snprintf(b, sizeof(b), "%.3f s", t->wall_s);
	row("wall time", gok ? a : "n/a", tok ? b : "n/a",
	    fmt_ratio(c, sizeof(c), t->wall_s, g->wall_s, gok && full));
	snprintf(a, sizeof(a), "%ld", g->peak_threads);
	snprintf(b, sizeof(b), "%ld", t->peak_threads);
	row("peak OS threads", gok ? a : "n/a", tok ? b : "n/a",
	    fmt_ratio(c, sizeof(c), (double)t->peak_threads, (double)g->peak_threads, gok && full));
	fmt_bytes(a, sizeof(a), (double)g->hwm_kb * 1024);
	fmt_bytes(b, sizeof(b), (double)t->hwm_kb * 1024);
	row("peak resident (VmHWM)", gok ? a : "n/a", tok ? b : "n/a",
	    fmt_ratio(c, sizeof(c), (double)t->hwm_kb, (double)g->hwm_kb, gok && full));
	gtask = g->started > 0 ? (double)(g->hwm_kb - g->base_kb) * 1024 / (double)g->started : 0;
	ttask = t->started > 0 ? (double)(t->hwm_kb - t->base_kb) * 1024 / (double)t->started : 0;
	row("  growth per task", gok ? fmt_bytes(a, sizeof(a), gtask) : "n/a",
	    tok ? fmt_bytes(b, sizeof(b), ttask) : "n/a",
	    fmt_ratio(c, sizeof(c), ttask, gtask, gok && full));
	row("creation per task", gok ? fmt_time(a, sizeof(a), g->create_ns) : "n/a",
	    tok ? fmt_time(b, sizeof(b), t->create_ns) : "n/a",
	    fmt_ratio(c, sizeof(c), t->create_ns, g->create_ns, gok && tok));
	row("switch (1 CPU)", gok ? fmt_time(a, sizeof(a), g->switch_ns) : "n/a",
	    tok ? fmt_time(b, sizeof(b), t->switch_ns) : "n/a",
	    fmt_ratio(c, sizeof(c), t->switch_ns, g->switch_ns, gok && tok));

	if (!gok || g->fail[0] != '\0')
		printf("\ngoroutines: FAILED: %s\n", g->fail);
	if (!tok) {
		printf("\nthreads: FAILED: %s\n", t->fail);
	} else if (t->create_err != 0) {
		printf("\nthreads: stopped after %ld of %ld threads: pthread_create: %s (%s)\n",
		    t->started, o->n, strerror(t->create_err),
		    t->create_err == EAGAIN ? "EAGAIN" : "error");
		printf("  limits: RLIMIT_NPROC %s, RLIMIT_AS %s, threads-max %ld, "
		       "stack %s per thread\n",
		    fmt_limit(a, sizeof(a), RLIMIT_NPROC, false),
		    fmt_limit(b, sizeof(b), RLIMIT_AS, true), threads_max(),
		    fmt_bytes(d, sizeof(d), (double)stack));
		printf("  (the thread columns measure the %ld threads that ran)\n", t->started);
	} else if (t->fail[0] != '\0') {
		printf("\nthreads: FAILED: %s\n", t->fail);
	}
	(void)c;
}

/* ---- the command line ------------------------------------------------------------- */

enum { OPT_N = 'n', OPT_D = 'd', OPT_HELP = 'h' };

static const cmdline_opt compareoptions[] = {
	{ NULL, OPT_N, required_argument, "N", "tasks, 1..1000000 (default 1000)" },
	{ NULL, OPT_D, required_argument, "DURATION",
	    "the sleep, or the wait before each read is answered: a Go\n"
	    "duration such as 500us, 100ms or 1.5s, at most 1m\n"
	    "(default 100ms; not for cpu)" },
	{ "help", OPT_HELP, no_argument, NULL, "show this help and exit" },
};

void
compare_usage(FILE *f)
{
	fputs("Usage: gsched compare KIND [-n N] [-d DURATION]\n"
	      "  Run N tasks as goroutines and as one pthread per task, each side in its\n"
	      "  own child process, and print wall time, peak threads, peak resident\n"
	      "  memory, creation and switch cost, and the ratios.\n"
	      "  KIND: sleep (gs_sleep vs nanosleep), syscall (read(2) blocking in both),\n"
	      "        netwait (netpoller vs blocking read), cpu (a CPU loop in both)\n"
	      "\n",
	    f);
	cmdline_help(f, compareoptions, (int)(sizeof compareoptions / sizeof compareoptions[0]));
}

/* Room for the socketpairs of one side's child (the sides run one at a time). */
static int
raise_nofile(long n)
{
	struct rlimit rl;
	rlim_t need = (rlim_t)(n + 64);

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return -1;
	if (rl.rlim_cur >= need)
		return 0;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < need)
		return -1;
	rl.rlim_cur = need;
	return setrlimit(RLIMIT_NOFILE, &rl);
}

int
compare_main(int argc, char **argv)
{
	struct cmpopts o = { .kind = CMP_NKIND, .n = CMP_N_DEFAULT, .d_ns = 0 };
	struct sideresult g, t;
	const char *arg;
	long long n;
	bool gok, tok;
	int key, k;
	cmdline c;

	cmdline_init(&c, compareoptions, (int)(sizeof compareoptions / sizeof compareoptions[0]),
	    "compare", argc, argv);
	while ((key = cmdline_next(&c, &arg)) != CMDLINE_END) {
		switch (key) {
		case CMDLINE_ERROR:
			return 2;
		case OPT_HELP:
			compare_usage(stdout);
			return fflush(stdout) == 0 ? 0 : 1;
		case OPT_N:
			if (!parse_ll(arg, 1, CMP_N_MAX, &n))
				return cmdline_usage_error("compare",
				    "invalid task count '%s' for -n: expected 1..1000000", arg);
			o.n = (long)n;
			break;
		case OPT_D:
			if (!parse_duration(arg, 1, CMP_D_MAX, &o.d_ns))
				return cmdline_usage_error("compare",
				    "invalid duration '%s' for -d: expected e.g. 500us, 100ms, "
				    "2s; at most 1m",
				    arg);
			break;
		case CMDLINE_OPERAND:
			if (o.kind != CMP_NKIND)
				return cmdline_usage_error("compare", "unexpected argument '%s'",
				    arg);
			for (k = 0; k < CMP_NKIND; k++)
				if (strcmp(arg, kindname[k]) == 0)
					o.kind = (enum cmpkind)k;
			if (o.kind == CMP_NKIND)
				return cmdline_usage_error("compare",
				    "unknown kind '%s' (expected sleep, syscall, netwait or cpu)",
				    arg);
			break;
		}
	}
	if (o.kind == CMP_NKIND)
		return cmdline_usage_error("compare", "which KIND? sleep, syscall, netwait or cpu");
	if (o.kind == CMP_CPU && o.d_ns != 0)
		return cmdline_usage_error("compare",
		    "cpu takes no -d (each task is a fixed %d-iteration loop)", CMP_CPU_ITERS);
	if (o.d_ns == 0)
		o.d_ns = CMP_D_DEFAULT;
	if (kind_blocks_on_fd(o.kind) && raise_nofile(o.n) != 0) {
		fprintf(stderr,
		    "gsched compare: %s needs %ld descriptors (one per task) and "
		    "RLIMIT_NOFILE does not allow it; try a smaller -n\n",
		    kindname[o.kind], o.n + 64);
		return 1;
	}

	gok = run_side(&o, false, &g) == 0;
	tok = run_side(&o, true, &t) == 0;
	print_table(&o, &g, gok, &t, tok);
	if (fflush(stdout) != 0)
		return 1;
	if (!gok || g.fail[0] != '\0' || g.finished != o.n)
		return 1;
	/* The thread side running out of threads is a finding; anything else is not. */
	if (!tok || t.fail[0] != '\0' || (t.create_err == 0 && t.finished != o.n))
		return 1;
	return 0;
}
