/*
 * workload_measure.c - the workloads that measure something for a lesson and
 * leave the figure in workload_measures (workload.h): a switch between
 * goroutines over a channel (pingpong) and by yielding (gosched), a switch
 * between two plain threads (threadpingpong), and a child gsched process that
 * blocks goroutines in system calls under a thread limit (threadlimit).
 *
 * Each figure is an average over the whole run of its batch, measured on the
 * wall clock, so a loaded machine shows in it as it would in a program.
 */
#define _GNU_SOURCE /* pipe2, sched_getcpu, CPU_SET, pthread_setaffinity_np */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gsched.h>
#include <gsched/observe.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "live/workload.h"
#include "live/workload_priv.h"

/* Round trips between two looks at the run's limits; the figure is updated
 * after each such chunk, so it is live while an unlimited batch runs. */
#define SWITCH_CHUNK 10000

/* ---- the figures ---------------------------------------------------------------- */

static atomic_int_fast64_t chan_switch_ns = -1, yield_ns = -1, thread_switch_ns = -1;
static atomic_int_fast64_t child_runs, child_exit = -1, child_limit = -1;
static pthread_mutex_t child_mu = PTHREAD_MUTEX_INITIALIZER;
static char child_out[WORKLOAD_CHILDOUT_MAX]; /* child_mu */

void
workload_measures_read(workload_measures *m)
{
	m->chan_switch_ns = atomic_load(&chan_switch_ns);
	m->yield_ns = atomic_load(&yield_ns);
	m->thread_switch_ns = atomic_load(&thread_switch_ns);
	m->child_runs = atomic_load(&child_runs);
	m->child_exit = atomic_load(&child_exit);
	m->child_limit = atomic_load(&child_limit);
	pthread_mutex_lock(&child_mu);
	memcpy(m->child_out, child_out, sizeof m->child_out);
	pthread_mutex_unlock(&child_mu);
}

/* ns per switch: a round trip is two switches. */
static int64_t
per_switch(int64_t ns, int64_t switches)
{
	return switches > 0 ? ns / switches : -1;
}

/* A measuring goroutine's next chunk: how many round trips (or yields), 0 when
 * its run is over. */
static int64_t
next_chunk(workload_run *run, int64_t done)
{
	if (workload__stopped(run))
		return 0;
	if (run->iters == 0)
		return SWITCH_CHUNK;
	return run->iters - done < SWITCH_CHUNK ? run->iters - done : SWITCH_CHUNK;
}

/* ---- pingpong: two goroutines, two unbuffered channels ----------------------------- */

/* Owned by its two goroutines: the second to end frees it. */
struct pingpair {
	workload_run *run;
	gs_chan *ping, *pong;
	atomic_int refs;
};

static void
pingpair_put(struct pingpair *pp)
{
	if (atomic_fetch_sub(&pp->refs, 1) != 1)
		return;
	gs_chan_free(pp->ping);
	gs_chan_free(pp->pong);
	free(pp);
}

static void
pong_g(void *arg)
{
	struct pingpair *pp = arg;
	workload_run *run = pp->run;
	int v;

	while (gs_chan_recv(pp->ping, &v) == 1)
		gs_chan_send(pp->pong, &v);
	pingpair_put(pp);
	workload__run_done(run);
}

static void
ping_g(void *arg)
{
	struct pingpair *pp = arg;
	workload_run *run = pp->run;
	int64_t t0 = gs_nanotime(), done = 0, n;
	int v = 0;

	while ((n = next_chunk(run, done)) > 0) {
		for (int64_t i = 0; i < n; i++) {
			gs_chan_send(pp->ping, &v);
			gs_chan_recv(pp->pong, &v);
		}
		done += n;
		atomic_store(&chan_switch_ns, per_switch(gs_nanotime() - t0, 2 * done));
	}
	gs_chan_close(pp->ping); /* ends pong_g */
	pingpair_put(pp);
	workload__run_done(run);
}

int
workload__pingpong_spawn(workload_run *run, int count)
{
	for (int i = 0; i < count; i++) {
		struct pingpair *pp = malloc(sizeof *pp);
		if (pp == NULL)
			return GS_ENOMEM;
		pp->run = run;
		pp->ping = gs_chan_make(sizeof(int), 0);
		pp->pong = gs_chan_make(sizeof(int), 0);
		atomic_init(&pp->refs, 2);
		if (pp->ping == NULL || pp->pong == NULL) {
			pingpair_put(pp);
			pingpair_put(pp);
			return GS_ENOMEM;
		}
		int rc = workload__go(run, pong_g, pp, "pong", GS_TAG_SWITCH);
		if (rc != 0) {
			pingpair_put(pp);
			pingpair_put(pp);
			return rc;
		}
		if ((rc = workload__go(run, ping_g, pp, "ping", GS_TAG_SWITCH)) != 0) {
			gs_chan_close(pp->ping); /* ends pong_g, which puts its share */
			pingpair_put(pp);
			return rc;
		}
	}
	return 0;
}

/* ---- gosched: goroutines that only yield ------------------------------------------ */

/* One batch's yields: the figure is its wall time over all its yields, from
 * the first goroutine's start to now, so on one P it is the cost of one
 * switch from a goroutine to the next. */
struct yieldset {
	workload_run *run;
	atomic_int_fast64_t t0, yields;
	atomic_int left;
};

static void
yield_g(void *arg)
{
	struct yieldset *ys = arg;
	workload_run *run = ys->run;
	int64_t done = 0, n, zero = 0;

	atomic_compare_exchange_strong(&ys->t0, &zero, gs_nanotime());
	while ((n = next_chunk(run, done)) > 0) {
		for (int64_t i = 0; i < n; i++)
			gs_yield();
		done += n;
		int64_t all = atomic_fetch_add(&ys->yields, n) + n;
		atomic_store(&yield_ns, per_switch(gs_nanotime() - atomic_load(&ys->t0), all));
	}
	if (atomic_fetch_sub(&ys->left, 1) == 1)
		free(ys);
	workload__run_done(run);
}

int
workload__gosched_spawn(workload_run *run, int count)
{
	struct yieldset *ys = malloc(sizeof *ys);

	if (ys == NULL)
		return GS_ENOMEM;
	ys->run = run;
	atomic_init(&ys->t0, 0);
	atomic_init(&ys->yields, 0);
	atomic_init(&ys->left, count);
	for (int i = 0; i < count; i++) {
		int rc = workload__go(run, yield_g, ys, "gosched", GS_TAG_SWITCH);
		if (rc != 0) {
			if (atomic_fetch_sub(&ys->left, count - i) == count - i)
				free(ys);
			return rc;
		}
	}
	return 0;
}

/* ---- threadpingpong: two plain threads on one CPU, a futex between them ------------ */

static void
futex_wait(atomic_int *addr, int val)
{
	syscall(SYS_futex, addr, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0);
}

static void
futex_wake(atomic_int *addr)
{
	syscall(SYS_futex, addr, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

/* turn: 0 the pinger's, 1 the ponger's, 2 over. */
struct threadpair {
	atomic_int turn;
};

static void *
ponger_main(void *arg)
{
	struct threadpair *tp = arg;

	for (;;) {
		int t;
		while ((t = atomic_load(&tp->turn)) == 0)
			futex_wait(&tp->turn, 0);
		if (t == 2)
			return NULL;
		atomic_store(&tp->turn, 0);
		futex_wake(&tp->turn);
	}
}

/* A plain thread of the run (workload__threads_spawn): pins itself to the CPU
 * it is on, starts its partner there and plays the pinger.  On one CPU each
 * switch is the kernel's: one thread sleeps in futex(2), the other wakes. */
static void *
pinger_main(void *arg)
{
	workload_run *run = workload__thread_run(arg);
	struct threadpair tp;
	pthread_attr_t a;
	pthread_t partner;
	cpu_set_t cpus;
	int cpu = sched_getcpu();

	atomic_init(&tp.turn, 0);
	CPU_ZERO(&cpus);
	CPU_SET(cpu < 0 ? 0 : cpu, &cpus);
	pthread_setaffinity_np(pthread_self(), sizeof cpus, &cpus);
	if (pthread_attr_init(&a) != 0)
		return workload__thread_end(arg);
	pthread_attr_setaffinity_np(&a, sizeof cpus, &cpus);
	pthread_attr_setstacksize(&a, 64 * 1024);
	int rc = pthread_create(&partner, &a, ponger_main, &tp);
	pthread_attr_destroy(&a);
	if (rc != 0)
		return workload__thread_end(arg);
	int64_t t0 = gs_nanotime(), done = 0, n;
	while ((n = next_chunk(run, done)) > 0) {
		for (int64_t i = 0; i < n; i++) {
			atomic_store(&tp.turn, 1);
			futex_wake(&tp.turn);
			while (atomic_load(&tp.turn) == 1)
				futex_wait(&tp.turn, 1);
		}
		done += n;
		atomic_store(&thread_switch_ns, per_switch(gs_nanotime() - t0, 2 * done));
	}
	atomic_store(&tp.turn, 2);
	futex_wake(&tp.turn);
	pthread_join(partner, NULL);
	return workload__thread_end(arg);
}

int
workload__threadpingpong_spawn(workload_run *run, int count)
{
	return workload__threads_spawn(run, count, pinger_main);
}

/* ---- threadlimit: a child gsched over (or under) a thread limit --------------------- */

static const char *self_exe = "/proc/self/exe";

void
workload_set_exe(const char *path)
{
	self_exe = path;
}

#define CHILD_BLOCK "500ms"       /* each blocking call in the child */
#define CHILD_LIMIT_DEFAULT 10000 /* Go's default thread limit */
#define CHILD_OUT_MAX 4096        /* of the child's output kept */

struct childjob {
	workload_run *run;
	int count;
};

/* The child's last two non-empty lines of output into child_out (one line each), and
 * N from "program exceeds N-thread limit", or 0. */
static void
child_record(const char *out, int status)
{
	const char *at = strstr(out, "program exceeds ");
	int limit = 0;
	char lines[2][WORKLOAD_CHILDOUT_MAX / 2];
	int nl = 0;

	if (at != NULL && sscanf(at, "program exceeds %d-thread limit", &limit) != 1)
		limit = 0;
	lines[0][0] = lines[1][0] = '\0';
	for (const char *l = out; *l;) {
		size_t len = strcspn(l, "\n");
		if (len > 0) {
			char *dst = lines[nl % 2];
			size_t n = len < sizeof lines[0] - 1 ? len : sizeof lines[0] - 1;
			memcpy(dst, l, n);
			dst[n] = '\0';
			nl++;
		}
		l += len + (l[len] == '\n');
	}
	pthread_mutex_lock(&child_mu);
	if (nl == 0)
		snprintf(child_out, sizeof child_out, "(nothing)");
	else if (nl == 1)
		snprintf(child_out, sizeof child_out, "%s", lines[0]);
	else
		snprintf(child_out, sizeof child_out, "%s\n%s", lines[nl % 2], lines[(nl + 1) % 2]);
	pthread_mutex_unlock(&child_mu);
	atomic_store(&child_limit, limit);
	atomic_store(&child_exit,
	    WIFEXITED(status)         ? WEXITSTATUS(status)
		: WIFSIGNALED(status) ? 128 + WTERMSIG(status)
				      : -1);
	atomic_fetch_add(&child_runs, 1);
}

static long
waitpid_call(void *arg)
{
	int *st = arg;
	pid_t pid = (pid_t)st[0];

	while (waitpid(pid, &st[1], 0) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

static void
threadlimit_g(void *arg)
{
	struct childjob *cj = arg;
	workload_run *run = cj->run;
	long limit =
	    run->iters > 0 && run->iters <= 1000000 ? (long)run->iters : CHILD_LIMIT_DEFAULT;
	char n[24], lim[24];
	char *argv[] = { "gsched", "bench", "syscallblock", "-n", n, "-d", CHILD_BLOCK,
		"--max-threads", lim, NULL };
	posix_spawn_file_actions_t fa;
	int fds[2], st[2] = { 0, 0 };
	pid_t pid;
	char *out = malloc(CHILD_OUT_MAX);
	size_t used = 0;

	snprintf(n, sizeof n, "%d", cj->count);
	snprintf(lim, sizeof lim, "%ld", limit);
	free(cj);
	if (out == NULL || pipe2(fds, O_CLOEXEC) != 0)
		goto out;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
	/* a new program starts with no signal blocked, whatever the M it is
	 * spawned from blocks (a live run's stop signals: ticker.c) */
	posix_spawnattr_t sa;
	sigset_t none;
	sigemptyset(&none);
	posix_spawnattr_init(&sa);
	posix_spawnattr_setsigmask(&sa, &none);
	posix_spawnattr_setflags(&sa, POSIX_SPAWN_SETSIGMASK);
	extern char **environ;
	int rc = posix_spawn(&pid, self_exe, &fa, &sa, argv, environ);
	posix_spawnattr_destroy(&sa);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	if (rc != 0 || gs_fd_open(fds[0]) != 0) {
		close(fds[0]);
		if (rc == 0)
			kill(pid, SIGKILL), st[0] = (int)pid, gs_syscall(waitpid_call, st);
		goto out;
	}
	for (;;) {
		ssize_t got = read(fds[0], out + used, CHILD_OUT_MAX - 1 - used);
		if (got > 0) {
			used += (size_t)got;
			if (used == CHILD_OUT_MAX - 1)
				used = 0; /* keep the end: the fatal lines come last */
			continue;
		}
		if (got == 0 || (errno != EAGAIN && errno != EINTR))
			break;
		if (workload__halted(run))
			kill(pid, SIGKILL);
		gs_fd_wait(fds[0], GS_POLLIN, MS(100));
	}
	out[used] = '\0';
	gs_fd_close(fds[0]);
	st[0] = (int)pid;
	gs_syscall(waitpid_call, st);
	child_record(out, st[1]);
out:
	free(out);
	workload__run_done(run);
}

int
workload__threadlimit_spawn(workload_run *run, int count)
{
	struct childjob *cj = malloc(sizeof *cj);

	if (cj == NULL)
		return GS_ENOMEM;
	cj->run = run;
	cj->count = count;
	int rc = workload__go(run, threadlimit_g, cj, "threadlimit", GS_TAG_SYSCALL);
	if (rc != 0)
		free(cj);
	return rc;
}
