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
 * For syscall and netwait the answers go out only once every task is seen
 * waiting: a thread (the goroutine's M, or the task's own) inside read(2) on
 * its descriptor, read from /proc/self/task/TID/syscall, or a goroutine parked
 * in the netpoller; the table says how many were.
 *
 * When pthread_create fails (EAGAIN from RLIMIT_NPROC, threads-max or an address
 * space limit), the thread side stops there, finishes the threads it has, and
 * reports after how many it stopped and why: a finding, so the exit status stays
 * 0.  tests/compare.sh forces that with `ulimit -v`.
 *
 * `gsched compare io` answers the seed's closing question (is a goroutine
 * blocked on I/O any better than a thread?) in one table of three rows, each a
 * forked child of its own: goroutines waiting through the netpoller,
 * goroutines in a blocking read(2), a thread per task in read(2).  Once all N
 * wait, a CPU job runs beside them and must end before the answers; then a
 * second wave of N shows which design reuses its threads.  There every row
 * must run whole: a row that cannot is a failure (exit 1).
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
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cmd/compare.h"
#include "format/cmdline.h"
#include "format/parse.h"
#include "format/tick.h"
#include "cmd/procstat.h"

#define CMP_N_DEFAULT 1000
#define CMP_N_MAX 1000000
#define CMP_D_DEFAULT 100000000LL     /* 100ms */
#define CMP_D_MAX (60LL * 1000000000) /* 1 minute */
#define CMP_CPU_ITERS 1000000         /* per task: about a millisecond */
#define CMP_SWITCH_RTTS 20000         /* ping-pong round trips */
#define CMP_SAMPLE_NS 1000000         /* thread sampler period */
#define CMP_IO_N_DEFAULT 2000
#define CMP_BLOCK_TIMEOUT_NS (30LL * 1000000000) /* for every task to block */
#define CMP_POLL_NS 1000000                      /* between looks at the tasks */
#define CMP_JOB_CHUNKS 50 /* CPU job: CMP_CPU_ITERS steps this many times per worker */

enum cmpkind { CMP_SLEEP, CMP_SYSCALL, CMP_NETWAIT, CMP_CPU, CMP_IO, CMP_NKIND };

static const char *const kindname[CMP_NKIND] = { "sleep", "syscall", "netwait", "cpu", "io" };

/* What each task does, per side, for the table's title. */
static const char *const kindwhat[CMP_NKIND][2] = {
	{ "gs_sleep(D)", "nanosleep(D)" },
	{ "gs_sys_read: read(2) blocks, P handed off", "read(2) on a socketpair" },
	{ "gs_fd_read: parks in the netpoller", "read(2) on a socketpair" },
	{ "a CPU loop", "the same CPU loop" }, { "", "" }, /* io has a table of its own */
};

struct cmpopts {
	enum cmpkind kind; /* what each task does: io runs netwait and syscall */
	long n;
	int64_t d_ns; /* sleep or wait before the answer; unused by cpu and io */
	bool io;      /* the io protocol: a CPU job beside the waits, a second wave */
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
	long seen_blocked;  /* syscall, netwait: tasks seen blocked before the answers */
	double ready_ns;    /* io: first creation until every task was seen waiting */
	double job_s;       /* io: the CPU job beside the waits */
	long job_waiting;   /* io: tasks still waiting when the CPU job ended */
	long wave2_new;     /* io: threads created by the second wave */
	int job_workers;    /* io: threads or goroutines running the CPU job */
	char fail[160];     /* what failed; "" when nothing did */
};

/* ---- shared measuring ------------------------------------------------------ */

/* The number after `key` in /proc/self/status (kB for Vm*), or -1. */
static long
status_field(const char *key)
{
	enum { SIZE = 4096 };
	char *buf = malloc(SIZE); /* off the stack, which may be small (ulimit -s 16) */
	long v = buf ? (long)procstat_read(key, buf, SIZE) : -1;

	free(buf);
	return v;
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
	atomic_int *tid; /* the thread of the task reading fd[i], set just before its
	                    read(2); 0 before (and between two waves) */
	long n;          /* descriptors open */
};

static int
pairs_make(struct pairs *p, long n)
{
	int sv[2];
	long i;

	p->n = 0;
	p->fd = calloc((size_t)(n + 1), sizeof(int));
	p->tid = calloc((size_t)(n + 1), sizeof(atomic_int));
	if (p->fd == NULL || p->tid == NULL)
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

/*
 * Is thread tid blocked in read(2) on fd?  /proc/self/task/TID/syscall names
 * the system call a thread that is off its CPU is in, with its arguments, and
 * says "running" for a thread on a CPU.  A reader found inside read(2) on its
 * own descriptor before any byte was written to it sleeps there until the
 * answer: it really blocked.
 */
static bool
blocked_in_read(int tid, int fd)
{
	char path[64], buf[256];
	long long nr;
	unsigned long long a0;
	ssize_t got;
	int f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", tid);
	f = open(path, O_RDONLY | O_CLOEXEC);
	if (f < 0)
		return false;
	got = read(f, buf, sizeof(buf) - 1);
	close(f);
	if (got <= 0)
		return false;
	buf[got] = '\0';
	return sscanf(buf, "%lld %llx", &nr, &a0) == 2 && nr == SYS_read &&
	    a0 == (unsigned long long)fd;
}

/* Goroutines parked in the netpoller now. */
static long
netpoll_waiting(void)
{
	gs_stats st;

	return gs_read_stats(&st) == 0 ? st.by_waitreason[GS_WAIT_IO] : 0;
}

/*
 * Wait until each of the first n tasks waits for its answer: blocked in
 * read(2) (seen through /proc), or for netpoll parked in the netpoller; at
 * most CMP_BLOCK_TIMEOUT_NS.  Returns how many were seen waiting: n, or fewer
 * after the timeout.  From a goroutine (the main one) or a plain thread.
 */
static long
wait_waiting(const struct pairs *p, long n, bool netpoll)
{
	struct timespec ts = { 0, CMP_POLL_NS };
	int64_t deadline = gs_nanotime() + CMP_BLOCK_TIMEOUT_NS;
	bool *seen = calloc((size_t)n + 1, sizeof(bool));
	long count = 0, i;
	int tid;

	if (seen == NULL)
		return 0;
	for (;;) {
		if (netpoll)
			count = netpoll_waiting();
		for (i = 0; !netpoll && i < n; i++) {
			tid = atomic_load(&p->tid[i]);
			if (!seen[i] && tid != 0 && blocked_in_read(tid, p->fd[i])) {
				seen[i] = true;
				count++;
			}
		}
		if (count >= n || gs_nanotime() >= deadline)
			break;
		if (gs_in_goroutine())
			gs_sleep(CMP_POLL_NS);
		else
			nanosleep(&ts, NULL);
	}
	free(seen);
	return count < n ? count : n;
}

/*
 * Once a wave's tasks wait (since t0): with a job (io's first wave), the time
 * that took per task, and the CPU job run beside the waits; then every task
 * answered.
 */
static void
answer_wave(struct sideresult *r, const struct pairs *p, long started, int64_t t0,
    void (*job)(struct sideresult *))
{
	int rc;

	if (job != NULL) {
		r->ready_ns = started > 0 ? (double)(gs_nanotime() - t0) / (double)started : 0;
		job(r);
	}
	rc = pairs_answer(p, started);
	if (rc < 0)
		snprintf(r->fail, sizeof(r->fail), "write: %s", strerror(-rc));
}

/* A worker of the CPU job that io runs beside the waits. */
static void
job_work(long w)
{
	long c;

	for (c = 0; c < CMP_JOB_CHUNKS; c++)
		cpu_loop((uint64_t)(w * CMP_JOB_CHUNKS + c));
}

/* ---- the goroutine side ------------------------------------------------------ */

/* Shared by the child's main goroutine and its tasks. */
static struct {
	const struct cmpopts *o;
	struct pairs pairs;
	gs_waitgroup wg;
	gs_waitgroup jobwg; /* io: the CPU job's workers */
	atomic_long finished;
	atomic_int err;  /* first failure in a task, a GS_E or -errno code */
	bool registered; /* netwait: the descriptors are gs_fd_open'ed (io's second wave) */
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
		atomic_store(&gside.pairs.tid[i], (int)gettid());
		got = read(gside.pairs.fd[i], &b, 1);
		if (got < 0)
			got = -errno;
		inflight_leave();
		gs_exitsyscall();
		break;
	case CMP_NETWAIT:
		rc = gside.registered ? 0 : gs_fd_open(gside.pairs.fd[i]);
		inflight_enter();
		got = rc < 0 ? rc : gs_fd_read(gside.pairs.fd[i], &b, 1);
		inflight_leave();
		break;
	case CMP_CPU:
	case CMP_IO:
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
gjob(void *arg)
{
	job_work((long)(intptr_t)arg);
	gs_wg_done(&gside.jobwg);
}

/* io: the CPU job on every P while the tasks wait; each P's M runs it. */
static void
gjob_run(struct sideresult *r)
{
	int64_t t0 = gs_nanotime();
	int w, workers = gs_gomaxprocs();

	r->job_workers = workers;
	gs_wg_add(&gside.jobwg, workers);
	for (w = 0; w < workers; w++)
		if (gs_go(gjob, (void *)(intptr_t)w) < 0) {
			snprintf(r->fail, sizeof(r->fail), "gs_go failed for the CPU job");
			gs_wg_add(&gside.jobwg, -(workers - w));
			break;
		}
	gs_wg_wait(&gside.jobwg);
	r->job_s = (double)(gs_nanotime() - t0) / 1e9;
	r->job_waiting = atomic_load(&inflight);
}

/* One wave of n tasks: started, waited for, answered, done.  Returns the tasks
 * started; *seen those seen waiting before the answers. */
static long
gwave(struct sideresult *r, bool first, int64_t *tcreated, long *seen)
{
	long i, started = 0;
	int64_t t0 = gs_nanotime();

	gs_wg_add(&gside.wg, gside.o->n);
	for (i = 0; i < gside.o->n; i++) {
		if (gs_go(gtask, (void *)(intptr_t)i) < 0) {
			snprintf(r->fail, sizeof(r->fail), "gs_go failed after %ld goroutines", i);
			gs_wg_add(&gside.wg, -(gside.o->n - i));
			break;
		}
		started = i + 1;
	}
	*tcreated = gs_nanotime() - t0;
	*seen = 0;
	if (kind_blocks_on_fd(gside.o->kind)) {
		if (!gside.o->io)
			gs_sleep(gside.o->d_ns);
		*seen = wait_waiting(&gside.pairs, started, gside.o->kind == CMP_NETWAIT);
		answer_wave(r, &gside.pairs, started, t0, gside.o->io && first ? gjob_run : NULL);
	}
	gs_wg_wait(&gside.wg);
	return started;
}

static void
gmain(void *arg)
{
	struct sideresult *r = arg;
	int64_t t0 = gs_nanotime(), tcreate;
	gs_stats st;
	uint64_t made;
	long i, seen;

	r->started = gwave(r, true, &tcreate, &r->seen_blocked);
	r->wall_s = (double)(gs_nanotime() - t0) / 1e9;
	r->create_ns = r->started > 0 ? (double)tcreate / (double)r->started : 0;
	r->finished = atomic_load(&gside.finished);
	r->peak_inflight = atomic_load(&inflight_peak);
	if (gside.o->io && r->fail[0] == '\0') {
		/* The second wave: the same tasks again, on the threads the first left. */
		gs_read_stats(&st);
		made = st.threads_created;
		for (i = 0; i < gside.o->n; i++)
			atomic_store(&gside.pairs.tid[i], 0);
		gside.registered = true;
		if (gwave(r, false, &tcreate, &seen) != r->started || seen != r->started)
			snprintf(r->fail, sizeof(r->fail),
			    "second wave: %ld of %ld tasks seen waiting", seen, r->started);
		gs_read_stats(&st);
		r->wave2_new = (long)(st.threads_created - made);
	}
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
	if (o->io) {
		r->switch_ns = -1;
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
		atomic_store(&tside.pairs.tid[i], (int)gettid());
		got = read(tside.pairs.fd[i], &b, 1);
		inflight_leave();
		break;
	case CMP_CPU:
	case CMP_IO:
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

static void *
tjob(void *arg)
{
	job_work((long)(intptr_t)arg);
	return NULL;
}

/* io: the CPU job beside the waits, as one plain thread per CPU. */
static void
tjob_run(struct sideresult *r)
{
	int64_t t0 = gs_nanotime();
	int w, made, workers = gs_numcpu();
	pthread_t tid[64];

	if (workers > 64)
		workers = 64;
	r->job_workers = workers;
	for (made = 0; made < workers; made++)
		if (pthread_create(&tid[made], NULL, tjob, (void *)(intptr_t)made) != 0) {
			snprintf(r->fail, sizeof(r->fail), "pthread_create failed for the CPU job");
			break;
		}
	for (w = 0; w < made; w++)
		pthread_join(tid[w], NULL);
	r->job_s = (double)(gs_nanotime() - t0) / 1e9;
	r->job_waiting = atomic_load(&inflight);
}

/* One wave of n threads: created, waited for, answered, joined.  Returns the
 * threads created (r->create_err says why it stopped short); *seen those seen
 * blocked before the answers. */
static long
twave(struct sideresult *r, bool first, pthread_t *tids, int64_t *tcreated, long *seen)
{
	const struct cmpopts *o = tside.o;
	struct timespec ts = { o->d_ns / 1000000000, o->d_ns % 1000000000 };
	int64_t t0 = gs_nanotime(), t;
	long i, started = 0;
	int rc;

	*tcreated = 0;
	for (i = 0; i < o->n; i++) {
		t = gs_nanotime();
		rc = pthread_create(&tids[i], NULL, ttask, (void *)(intptr_t)i);
		*tcreated += gs_nanotime() - t;
		if (rc != 0) {
			r->create_err = rc;
			break;
		}
		started = i + 1;
	}
	*seen = 0;
	if (kind_blocks_on_fd(o->kind)) {
		while (!o->io && nanosleep(&ts, &ts) != 0 && errno == EINTR)
			;
		*seen = wait_waiting(&tside.pairs, started, false);
		answer_wave(r, &tside.pairs, started, t0, o->io && first ? tjob_run : NULL);
	}
	for (i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	return started;
}

static void
run_threads(const struct cmpopts *o, struct sideresult *r)
{
	struct sampler s;
	pthread_t *tids;
	int64_t t0, tcreate;
	long i, seen;
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
	r->started = twave(r, true, tids, &tcreate, &r->seen_blocked);
	r->wall_s = (double)(gs_nanotime() - t0) / 1e9;
	r->create_ns = r->started > 0 ? (double)tcreate / (double)r->started : 0;
	r->finished = atomic_load(&tside.finished);
	r->peak_inflight = atomic_load(&inflight_peak);
	if (o->io && r->fail[0] == '\0' && r->create_err == 0) {
		/* The second wave: a thread per task again, each one new. */
		for (i = 0; i < o->n; i++)
			atomic_store(&tside.pairs.tid[i], 0);
		r->wave2_new = twave(r, false, tids, &tcreate, &seen);
		if (r->create_err != 0 || seen != r->started)
			snprintf(r->fail, sizeof(r->fail),
			    "second wave: %ld of %ld tasks seen waiting", seen, r->started);
	}
	r->peak_threads = sampler_stop(&s);
	r->hwm_kb = status_field("VmHWM:");
	r->switch_ns = o->io ? -1 : thread_switch_ns();
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
	tick_fflush(stdout); /* not twice, from the child too; a failure stays for main() */
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
		    "the child exited with status %d, no result (its message is above)",
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

/* The number in a /proc file such as /proc/sys/kernel/threads-max, or -1. */
static long
proc_long(const char *path)
{
	FILE *f = fopen(path, "r");
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
	snprintf(a, sizeof(a), "%ld/%ld", g->seen_blocked, g->started);
	snprintf(b, sizeof(b), "%ld/%ld", t->seen_blocked, t->started);
	if (kind_blocks_on_fd(o->kind))
		row("waiting when answered", gok ? a : "n/a", tok ? b : "n/a", "");
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

	if (kind_blocks_on_fd(o->kind))
		printf(o->kind == CMP_NETWAIT
			? "\nwaiting when answered: goroutines seen in the netpoller, threads "
			  "seen\n"
			  "in read(2), before the answers went out (which wait for all, at most "
			  "%lld s)\n"
			: "\nwaiting when answered: tasks seen blocked in read(2) before the\n"
			  "answers went out (which wait for all, at most %lld s)\n",
		    CMP_BLOCK_TIMEOUT_NS / 1000000000);
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
		    fmt_limit(b, sizeof(b), RLIMIT_AS, true),
		    proc_long("/proc/sys/kernel/threads-max"),
		    fmt_bytes(d, sizeof(d), (double)stack));
		printf("  (the thread columns measure the %ld threads that ran)\n", t->started);
	} else if (t->fail[0] != '\0') {
		printf("\nthreads: FAILED: %s\n", t->fail);
	}
	(void)c;
}

/* ---- io: the learner's question in one table --------------------------------------- */

/* The three rows of `gsched compare io`: each a fresh child process. */
enum { IO_NET, IO_BLOCK, IO_THREAD, IO_NROWS };

static const char *const ioname[IO_NROWS] = { "netpoller wait", "blocking read(2)",
	"thread per task" };

static const char *const iowhat[IO_NROWS] = {
	"goroutines read sockets; one thread waits in epoll for all",
	"goroutines in a read(2) system call that blocks its thread",
	"one plain thread per task, blocked in read(2)",
};

/* "1234" or "n/a" */
static const char *
fmt_count(char *buf, size_t size, long v, bool ok)
{
	if (ok)
		snprintf(buf, size, "%ld", v);
	else
		snprintf(buf, size, "n/a");
	return buf;
}

/*
 * The verdict under the table, from the figures: how many threads the
 * netpoller needed for N waits, whether blocking calls took a thread each as
 * plain threads do, what the second wave cost, and whether the CPU job ran
 * while every task waited.  One sentence, broken at spaces to fit 80 columns.
 */
static void
print_verdict(long n, const struct sideresult *r)
{
	const struct sideresult *net = &r[IO_NET], *blk = &r[IO_BLOCK], *thr = &r[IO_THREAD];
	char v[640], *p, *brk;
	int len = 0, indent = 0;

	if (net->peak_threads * 4 < n)
		len += snprintf(v + len, sizeof(v) - (size_t)len,
		    "Verdict: the netpoller held %ld waits on %ld threads; ", n, net->peak_threads);
	else
		len += snprintf(v + len, sizeof(v) - (size_t)len,
		    "Verdict: the netpoller needed %ld threads for %ld waits; ", net->peak_threads,
		    n);
	if (blk->peak_threads >= n)
		len += snprintf(v + len, sizeof(v) - (size_t)len,
		    "blocking read(2) took a thread per wait (%ld) as plain threads do (%ld) and ",
		    blk->peak_threads, thr->peak_threads);
	else
		len += snprintf(v + len, sizeof(v) - (size_t)len,
		    "blocking read(2) took %ld threads for %ld waits, plain threads %ld, and ",
		    blk->peak_threads, n, thr->peak_threads);
	/* memory: a blocked goroutine holds its stack and its M's thread */
	len += snprintf(v + len, sizeof(v) - (size_t)len,
	    "%s memory than plain threads (%.1f against %.1f MiB); ",
	    blk->hwm_kb > thr->hwm_kb ? "more" : "no more", blk->hwm_kb / 1024.0,
	    thr->hwm_kb / 1024.0);
	if (blk->wave2_new * 2 < thr->wave2_new)
		len += snprintf(v + len, sizeof(v) - (size_t)len,
		    "a second wave reused its threads (%ld new, against %ld for plain threads); ",
		    blk->wave2_new, thr->wave2_new);
	else
		len += snprintf(v + len, sizeof(v) - (size_t)len,
		    "a second wave made %ld new threads (plain threads %ld); ", blk->wave2_new,
		    thr->wave2_new);
	if (net->job_waiting == n && blk->job_waiting == n && thr->job_waiting == n)
		snprintf(v + len, sizeof(v) - (size_t)len,
		    "in all three the CPU job ran while all %ld waited.", n);
	else
		snprintf(v + len, sizeof(v) - (size_t)len,
		    "when the CPU job ended, %ld, %ld and %ld of %ld still waited.",
		    net->job_waiting, blk->job_waiting, thr->job_waiting, n);
	for (p = v; (int)strlen(p) + indent > 80; p = brk + 1) {
		for (brk = p + 80 - indent; brk > p && *brk != ' '; brk--)
			;
		if (brk == p)
			break;
		printf("%*s%.*s\n", indent, "", (int)(brk - p), p);
		indent = 2;
	}
	printf("%*s%s\n", indent, "", p);
}

static void
print_io_table(long n, const struct sideresult *r, const bool *ok)
{
	char c[6][24];
	int i;

	printf("gsched compare io: %ld tasks wait for data, three ways, each in a fresh\n"
	       "process on %d CPUs (one byte answers each task once all %ld wait)\n",
	    n, gs_numcpu(), n);
	for (i = 0; i < IO_NROWS; i++)
		printf("  %-17s %s\n", ioname[i], iowhat[i]);
	printf("\n%-17s %8s %10s %9s %8s %8s %8s\n", "", "peak OS", "peak", "start", "wall",
	    "wave 2", "CPU job");
	printf("%-17s %8s %10s %9s %8s %8s %8s\n", "", "threads", "memory", "per task", "time",
	    "new thr.", "beside");
	for (i = 0; i < IO_NROWS; i++) {
		if (!ok[i]) {
			printf("%-17s failed (below)\n", ioname[i]);
			continue;
		}
		fmt_count(c[0], sizeof(c[0]), r[i].peak_threads, true);
		fmt_bytes(c[1], sizeof(c[1]), (double)r[i].hwm_kb * 1024);
		fmt_time(c[2], sizeof(c[2]), r[i].ready_ns);
		snprintf(c[3], sizeof(c[3]), "%.3f s", r[i].wall_s);
		fmt_count(c[4], sizeof(c[4]), r[i].wave2_new, true);
		snprintf(c[5], sizeof(c[5]), "%.3f s", r[i].job_s);
		printf("%-17s %8s %10s %9s %8s %8s %8s\n", ioname[i], c[0], c[1], c[2], c[3], c[4],
		    c[5]);
	}
	printf("\npeak memory: the most resident memory of the process\n"
	       "start per task: from the first start until all %ld wait, over %ld\n"
	       "wave 2: %ld more tasks once the first finished; threads made for them\n"
	       "CPU job: %d workers x %dM loop steps, run while all %ld tasks waited\n\n",
	    n, n, n, r[IO_NET].job_workers, CMP_JOB_CHUNKS * CMP_CPU_ITERS / 1000000, n);
	for (i = 0; i < IO_NROWS; i++)
		if (!ok[i])
			printf("%s: FAILED: %s\n", ioname[i], r[i].fail);
	for (i = 0; i < IO_NROWS; i++)
		if (!ok[i])
			return;
	print_verdict(n, r);
}

/* ---- the command line ------------------------------------------------------------- */

enum { OPT_N = 'n', OPT_D = 'd', OPT_HELP = 'h' };

static const cmdline_opt compareoptions[] = {
	{ NULL, OPT_N, required_argument, "N",
	    "tasks, 1..1000000 (default 1000; io 2000, at most what\n"
	    "the thread limits allow)" },
	{ NULL, OPT_D, required_argument, "DURATION",
	    "the sleep, or the wait before each read is answered: a Go\n"
	    "duration such as 500us, 100ms or 1.5s, at most 1m\n"
	    "(default 100ms; not for cpu or io)" },
	{ "help", OPT_HELP, no_argument, NULL, "show this help and exit" },
};

void
compare_usage(FILE *f)
{
	fputs("Usage: gsched compare KIND [-n N] [-d DURATION]\n"
	      "       gsched compare io [-n N]\n"
	      "  Run N tasks as goroutines and as one pthread per task, each side in its\n"
	      "  own child process, and print wall time, peak threads, peak resident\n"
	      "  memory, creation and switch cost, and the ratios.\n"
	      "  KIND: sleep (gs_sleep vs nanosleep), syscall (read(2) blocking in both),\n"
	      "        netwait (netpoller vs blocking read), cpu (a CPU loop in both)\n"
	      "  io: N tasks waiting for data three ways (goroutines in the netpoller,\n"
	      "  goroutines in a blocking read(2), a thread per task), each in a fresh\n"
	      "  process, in one table with a verdict.\n"
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

/*
 * Can this process have need threads at once?  0, or -1 after saying which
 * limit forbids it: threads-max and pid_max for the whole machine (a thread
 * takes a pid), RLIMIT_NPROC (ulimit -u) for this user unless root, whom the
 * kernel does not hold to it.
 */
static int
thread_room(const char *what, long n, long need)
{
	long tmax = proc_long("/proc/sys/kernel/threads-max");
	long pmax = proc_long("/proc/sys/kernel/pid_max");
	struct rlimit rl;
	const char *limit = NULL;
	long have = 0;

	if (tmax > 0 && tmax < need) {
		limit = "threads-max (/proc/sys/kernel/threads-max)";
		have = tmax;
	} else if (pmax > 0 && pmax < need) {
		limit = "pid_max (/proc/sys/kernel/pid_max)";
		have = pmax;
	} else if (geteuid() != 0 && getrlimit(RLIMIT_NPROC, &rl) == 0 &&
	    rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < (rlim_t)need) {
		limit = "RLIMIT_NPROC (ulimit -u)";
		have = (long)rl.rlim_cur;
	}
	if (limit == NULL)
		return 0;
	fprintf(stderr,
	    "gsched compare: %s with %ld tasks needs about %ld threads at once and\n"
	    "%s is %ld; try -n %ld or less\n",
	    what, n, need, limit, have, have - (need - n) > 1 ? have - (need - n) : 1);
	return -1;
}

/* `gsched compare io`: the three rows, each a fresh child, and the table. */
static int
compare_io(long n)
{
	static const enum cmpkind rowkind[IO_NROWS] = { CMP_NETWAIT, CMP_SYSCALL, CMP_SYSCALL };
	struct sideresult r[IO_NROWS];
	struct cmpopts o;
	bool ok[IO_NROWS], all = true;
	int i;

	/* The blocking rows hold a thread per task, and the sampler, the CPU job,
	 * the Ps' threads and sysmon come on top. */
	if (raise_nofile(n) != 0) {
		fprintf(stderr,
		    "gsched compare: io needs %ld descriptors (one per task) and "
		    "RLIMIT_NOFILE does not allow it; try a smaller -n\n",
		    n + 64);
		return 1;
	}
	if (thread_room("io", n, n + 64) != 0)
		return 1;
	for (i = 0; i < IO_NROWS; i++) {
		o = (struct cmpopts){ .kind = rowkind[i], .n = n, .io = true };
		ok[i] = run_side(&o, i == IO_THREAD, &r[i]) == 0;
		if (ok[i] && r[i].create_err != 0)
			snprintf(r[i].fail, sizeof(r[i].fail),
			    "pthread_create: %s after %ld of %ld threads (limits: ulimit -u, "
			    "ulimit -v, threads-max)",
			    strerror(r[i].create_err), r[i].started, n);
		if (ok[i] && r[i].fail[0] == '\0' && (r[i].finished != n || r[i].seen_blocked != n))
			snprintf(r[i].fail, sizeof(r[i].fail),
			    "%ld of %ld tasks seen waiting, %ld answered", r[i].seen_blocked, n,
			    r[i].finished);
		ok[i] = ok[i] && r[i].fail[0] == '\0';
		all = all && ok[i];
	}
	print_io_table(n, r, ok);
	return all ? 0 : 1;
}

int
compare_main(int argc, char **argv)
{
	struct cmpopts o = { .kind = CMP_NKIND, .n = 0, .d_ns = 0 };
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
			return 0; /* main() flushes and checks stdout */
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
				    "unknown kind '%s' (expected sleep, syscall, netwait, cpu or "
				    "io)",
				    arg);
			break;
		}
	}
	if (o.kind == CMP_NKIND)
		return cmdline_usage_error("compare",
		    "which KIND? sleep, syscall, netwait, cpu or io");
	if (o.kind == CMP_IO && o.d_ns != 0)
		return cmdline_usage_error("compare",
		    "io takes no -d (each task waits until all %s wait, and a CPU job ran)",
		    "of them");
	if (o.kind == CMP_IO)
		return compare_io(o.n ? o.n : CMP_IO_N_DEFAULT);
	if (o.n == 0)
		o.n = CMP_N_DEFAULT;
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
	if (!gok || g.fail[0] != '\0' || g.finished != o.n)
		return 1;
	/* The thread side running out of threads is a finding; anything else is not. */
	if (!tok || t.fail[0] != '\0' || (t.create_err == 0 && t.finished != o.n))
		return 1;
	return 0;
}
