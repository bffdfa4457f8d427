/*
 * bench.c - the workloads behind `gsched bench`.
 *
 * Each workload is one entry of benchtab: a name, the unit of its headline value,
 * a default and a largest n, and two functions.  run() executes on the main
 * goroutine inside gs_run and only measures: it fills a struct benchround with
 * numbers.  report() runs on the calling thread after gs_run has returned and
 * prints the round's line.  Keeping stdio out of goroutines matters: `--stack
 * 2048` makes goroutines 2 KiB small-stack goroutines (the main one too, as
 * cfg.stack_size is the runtime's default), and vfprintf alone needs more than
 * that.  For the same reason run() keeps its frames small and reads
 * /proc/self/status into a static buffer.
 *
 * Adding a workload is a run function, perhaps a report function, and one entry.
 * tests/bench/peer.go implements the same table in Go; keep the two in step.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gsched.h>
#include <gsched/observe.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cmd/bench.h"
#include "format/parse.h"
#include "cmd/procstat.h"

#define BENCH_N_MAX 1000000000LL /* -n, before the workload's own limit */
#define BENCH_PROCS_MAX 256
#define BENCH_ROUNDS_MAX 1000
#define BENCH_STACK_MIN 2048
#define BENCH_STACK_MAX (8 << 20)
#define BENCH_DURATION_MAX (24LL * 3600 * 1000000000) /* 24h in ns */

/* The command line of one `gsched bench` run. */
struct benchopts {
	int64_t n;           /* -n: goroutines, switches, round trips or iterations */
	int procs;           /* -p: GOMAXPROCS; 0 = the runtime's default */
	int64_t duration_ns; /* -d: for timed workloads; the workload's default if
	                        not given */
	size_t stack_size;   /* --stack: goroutine stack size; 0 = runtime default */
	int rounds;          /* --rounds: rounds run, one line each */
	int observe_hz;      /* --observe: snapshots (and event drains) per second
	                        from a plain thread while the rounds run; 0: off */
	bool sweep;          /* -p 1,2,4,8: one run per value; every line then
	                        says procs= (Go's BenchmarkWithDifferentGOMAXPROCS) */
};

#define BENCH_SWEEP_MAX 16 /* values in a -p list */

/* What one round measured.  Written on the main goroutine, read after gs_run. */
struct benchround {
	int err;            /* 0; a GS_E* code from `failed`; 1: `failed` says it all */
	const char *failed; /* the call (or check) that went wrong */
	int procs;          /* gs_gomaxprocs() seen inside the runtime */
	double value;       /* the headline figure, in the workload's unit */
	double start_s;     /* park: spawning until every goroutine is parked */
	double total_s;     /* park: spawn, park, wake and exit */
	long long threads;  /* park: OS threads while all goroutines are parked;
	                       sleep, syscallblock, netwait, webserver: the most
	                       threads the sampler saw during the round */
	double overhead_ms; /* sleep: wall time past the sleep, in ms */
	double mean_us;     /* snapshot: mean cost, besides the median in value */
	double p99_us;      /* snapshot: 99th percentile (tail_us=) */
	long long nm;       /* snapshot: Ms the snapshot listed */
};

struct benchworkload {
	const char *name;
	const char *unit; /* of benchround.value */
	const char *what; /* one line for the status screen and --help */
	int64_t default_n;
	int64_t max_n;
	int64_t default_duration_ns; /* -d when not given; 0: takes no -d */
	int procs;                   /* GOMAXPROCS forced for this workload; 0 = -p */
	void (*run)(const struct benchopts *o, struct benchround *r);
	void (*report)(FILE *f, const struct benchworkload *w, const struct benchopts *o,
	    const struct benchround *r);
};

/* Shared by the main goroutine of a bench run and the thread that started it. */
struct benchctx {
	const struct benchworkload *w;
	const struct benchopts *o;
	struct benchround *rounds; /* o->rounds of them */
	int done;                  /* rounds run, a failed one included */
};

/* ---- measuring helpers --------------------------------------------------- */

static double
seconds(int64_t ns)
{
	return (double)ns / 1e9;
}

/* Only the main goroutine reads it, and a small-stack goroutine has no room. */
static char procstatus_buf[8192];

/* /proc/self/status's `key` field (procstat.h), or -1. */
static long long
procstatus(const char *key)
{
	return procstat_read(key, procstatus_buf, sizeof procstatus_buf);
}

/* Record the first failure of a round. */
static void
benchfail(struct benchround *r, const char *what, int err)
{
	if (r->err == 0) {
		r->err = err;
		r->failed = what;
	}
}

/* ---- spawn: go func() { wg.Done() }() N times, then wg.Wait() ------------ */

static void
spawn_g(void *arg)
{
	gs_wg_done(arg);
}

static void
bench_spawn(const struct benchopts *o, struct benchround *r)
{
	gs_waitgroup wg = GS_WAITGROUP_INIT;
	int64_t t0, i, id;

	t0 = gs_nanotime();
	gs_wg_add(&wg, o->n);
	for (i = 0; i < o->n; i++) {
		id = gs_go(spawn_g, &wg);
		if (id < 0) {
			benchfail(r, "gs_go", (int)id);
			gs_wg_add(&wg, -(o->n - i));
			break;
		}
	}
	gs_wg_wait(&wg);
	r->value = (double)(gs_nanotime() - t0) / (double)o->n;
}

/* ---- yield: two goroutines call gs_yield N times each, on one P ---------- */

struct yieldarg {
	int64_t n;
	gs_waitgroup wg;
};

static void
yield_g(void *arg)
{
	struct yieldarg *ya = arg;
	int64_t i;

	for (i = 0; i < ya->n; i++)
		gs_yield();
	gs_wg_done(&ya->wg);
}

static void
bench_yield(const struct benchopts *o, struct benchround *r)
{
	struct yieldarg ya = { .n = o->n, .wg = GS_WAITGROUP_INIT };
	int64_t t0, id;
	int k;

	t0 = gs_nanotime();
	gs_wg_add(&ya.wg, 2);
	for (k = 0; k < 2; k++) {
		id = gs_go(yield_g, &ya);
		if (id < 0) {
			benchfail(r, "gs_go", (int)id);
			gs_wg_add(&ya.wg, -(2 - k));
			break;
		}
	}
	gs_wg_wait(&ya.wg);
	r->value = (double)(gs_nanotime() - t0) / (2.0 * (double)o->n);
}

/* ---- pingpong: N round trips over two unbuffered channels --------------- */

struct pingpongarg {
	int64_t n;
	gs_chan *ping; /* pinger -> ponger; closed by the pinger at the end */
	gs_chan *pong; /* ponger -> pinger, each value one more than sent */
	gs_waitgroup wg;
	int64_t sum; /* of the values that came back: checks every hand-off */
	struct benchround *r;
};

static void
ping_g(void *arg)
{
	struct pingpongarg *pp = arg;
	int64_t i, v, sum = 0;
	int rc;

	for (i = 0; i < pp->n; i++) {
		v = i;
		rc = gs_chan_send(pp->ping, &v);
		if (rc < 0) {
			benchfail(pp->r, "gs_chan_send", rc);
			break;
		}
		rc = gs_chan_recv(pp->pong, &v);
		if (rc != 1) {
			benchfail(pp->r, "gs_chan_recv", rc < 0 ? rc : GS_ECLOSED);
			break;
		}
		sum += v;
	}
	pp->sum = sum;
	gs_chan_close(pp->ping);
	gs_wg_done(&pp->wg);
}

static void
pong_g(void *arg)
{
	struct pingpongarg *pp = arg;
	int64_t v;
	int rc;

	while (gs_chan_recv(pp->ping, &v) == 1) {
		v++;
		rc = gs_chan_send(pp->pong, &v);
		if (rc < 0) {
			benchfail(pp->r, "gs_chan_send", rc);
			break;
		}
	}
	gs_wg_done(&pp->wg);
}

static void
bench_pingpong(const struct benchopts *o, struct benchround *r)
{
	struct pingpongarg pp = { .n = o->n, .wg = GS_WAITGROUP_INIT, .r = r };
	int64_t t0, id;

	pp.ping = gs_chan_make(sizeof(int64_t), 0);
	pp.pong = gs_chan_make(sizeof(int64_t), 0);
	if (pp.ping == NULL || pp.pong == NULL) {
		benchfail(r, "gs_chan_make", GS_ENOMEM);
		goto out;
	}

	t0 = gs_nanotime();
	gs_wg_add(&pp.wg, 2);
	id = gs_go(pong_g, &pp);
	if (id < 0) {
		benchfail(r, "gs_go", (int)id);
		gs_wg_add(&pp.wg, -2);
		goto out;
	}
	id = gs_go(ping_g, &pp);
	if (id < 0) {
		benchfail(r, "gs_go", (int)id);
		gs_chan_close(pp.ping); /* let the ponger go */
		gs_wg_add(&pp.wg, -1);
	}
	gs_wg_wait(&pp.wg);
	r->value = (double)(gs_nanotime() - t0) / (double)o->n;

	/* sum over i < n of i+1; n <= 1e9 keeps it inside int64. */
	if (r->err == 0 && pp.sum != o->n * (o->n + 1) / 2)
		benchfail(r, "pingpong: the values that came back do not add up", 1);
out:
	if (pp.pong != NULL)
		gs_chan_free(pp.pong);
	if (pp.ping != NULL)
		gs_chan_free(pp.ping);
}

/* ---- park: N goroutines block receiving on one channel, then all wake ---- */

struct parkarg {
	gs_chan *wake; /* unbuffered, never sent on: closing it wakes all */
	gs_waitgroup wg;
	atomic_llong parked; /* goroutines that reached the receive */
};

static void
park_g(void *arg)
{
	struct parkarg *pa = arg;

	atomic_fetch_add_explicit(&pa->parked, 1, memory_order_relaxed);
	gs_chan_recv(pa->wake, NULL);
	gs_wg_done(&pa->wg);
}

/* Give up waiting for the runtime to count every goroutine as parked after this. */
#define PARK_STATS_TIMEOUT_NS (30LL * 1000000000)

static void
bench_park(const struct benchopts *o, struct benchround *r)
{
	struct parkarg pa = { .wg = GS_WAITGROUP_INIT };
	gs_attr attr = { .label = NULL, .stack_size = o->stack_size };
	gs_stats st;
	int64_t t0, tparked, tcounted, i, id, spawned;
	long long rss0, rss1;
	int rc;

	atomic_init(&pa.parked, 0);
	pa.wake = gs_chan_make(0, 0);
	if (pa.wake == NULL) {
		benchfail(r, "gs_chan_make", GS_ENOMEM);
		return;
	}

	rss0 = procstatus("VmRSS:");
	t0 = gs_nanotime();
	gs_wg_add(&pa.wg, o->n);
	for (i = 0; i < o->n; i++) {
		id = gs_go_attr(park_g, &pa, &attr);
		if (id < 0) {
			benchfail(r, "gs_go_attr", (int)id);
			gs_wg_add(&pa.wg, -(o->n - i));
			break;
		}
	}
	spawned = i;

	/*
	 * Wait until all are parked: first the cheap counter (each goroutine bumps it
	 * just before its receive), then the runtime's own count of goroutines
	 * waiting on a channel receive, so none is still on its way to blocking.
	 */
	while (atomic_load_explicit(&pa.parked, memory_order_relaxed) < spawned)
		gs_yield();
	tcounted = gs_nanotime();
	for (;;) {
		rc = gs_read_stats(&st);
		if (rc < 0) {
			benchfail(r, "gs_read_stats", rc);
			break;
		}
		if (st.by_waitreason[GS_WAIT_CHAN_RECV] >= spawned)
			break;
		if (gs_nanotime() - tcounted > PARK_STATS_TIMEOUT_NS) {
			benchfail(r,
			    "gs_read_stats: by_waitreason[GS_WAIT_CHAN_RECV] "
			    "stayed below the number of parked goroutines for 30s",
			    1);
			break;
		}
		gs_yield();
	}
	tparked = gs_nanotime();
	rss1 = procstatus("VmRSS:");
	r->threads = procstatus("Threads:");

	gs_chan_close(pa.wake);
	gs_wg_wait(&pa.wg);
	r->total_s = seconds(gs_nanotime() - t0);
	r->start_s = seconds(tparked - t0);
	if (rss0 < 0 || rss1 < 0)
		benchfail(r, "park: cannot read VmRSS from /proc/self/status", 1);
	else
		r->value = (double)((rss1 - rss0) * 1024 / o->n);
	gs_chan_free(pa.wake);
}

/* ---- peak threads: a goroutine samples /proc/self/status every ~1 ms ------ */

#define SAMPLE_EVERY_NS 1000000LL

struct threadsampler {
	atomic_int stop;
	atomic_llong peak; /* the most Threads: seen; -1 if never read */
	gs_waitgroup wg;
};

static void
sample_threads(struct threadsampler *ts)
{
	long long n = procstatus("Threads:");

	if (n > atomic_load_explicit(&ts->peak, memory_order_relaxed))
		atomic_store_explicit(&ts->peak, n, memory_order_relaxed);
}

/* The sampler's frames are procstatus's (a few words: the buffer is static), so
 * it fits a 2 KiB stack.  While it runs, nobody else calls procstatus. */
static void
sampler_g(void *arg)
{
	struct threadsampler *ts = arg;

	while (!atomic_load_explicit(&ts->stop, memory_order_acquire)) {
		sample_threads(ts);
		gs_sleep(SAMPLE_EVERY_NS);
	}
	sample_threads(ts);
	gs_wg_done(&ts->wg);
}

static void
sampler_start(struct threadsampler *ts, struct benchround *r)
{
	int64_t id;

	atomic_init(&ts->stop, 0);
	atomic_init(&ts->peak, -1);
	memset(&ts->wg, 0, sizeof(ts->wg));
	sample_threads(ts);
	gs_wg_add(&ts->wg, 1);
	id = gs_go(sampler_g, ts);
	if (id < 0) {
		benchfail(r, "gs_go (thread sampler)", (int)id);
		gs_wg_add(&ts->wg, -1);
	}
}

/* Stop the sampler and wait for it; returns the peak thread count. */
static long long
sampler_stop(struct threadsampler *ts, struct benchround *r)
{
	long long peak;

	atomic_store_explicit(&ts->stop, 1, memory_order_release);
	gs_wg_wait(&ts->wg);
	peak = atomic_load_explicit(&ts->peak, memory_order_relaxed);
	if (peak < 0)
		benchfail(r, "cannot read Threads: from /proc/self/status", 1);
	return peak;
}

/*
 * Start n goroutines fn(arg), each counted in wg beforehand.  On a failure the
 * ones not started are taken off wg again and the round is marked failed.
 * Returns how many started.
 */
static int64_t
spawn_n(int64_t n, void (*fn)(void *), void *arg, gs_waitgroup *wg, struct benchround *r)
{
	int64_t i, id;

	gs_wg_add(wg, n);
	for (i = 0; i < n; i++) {
		id = gs_go(fn, arg);
		if (id < 0) {
			benchfail(r, "gs_go", (int)id);
			gs_wg_add(wg, -(n - i));
			break;
		}
	}
	return i;
}

/* ---- sleep: N goroutines gs_sleep(D) at once ------------------------------ */

struct sleeparg {
	int64_t ns;
	gs_waitgroup wg;
};

static void
sleep_g(void *arg)
{
	struct sleeparg *sa = arg;

	gs_sleep(sa->ns);
	gs_wg_done(&sa->wg);
}

static void
bench_sleep(const struct benchopts *o, struct benchround *r)
{
	struct sleeparg sa = { .ns = o->duration_ns, .wg = GS_WAITGROUP_INIT };
	struct threadsampler ts;
	int64_t t0, wall;

	sampler_start(&ts, r);
	t0 = gs_nanotime();
	spawn_n(o->n, sleep_g, &sa, &sa.wg, r);
	gs_wg_wait(&sa.wg);
	wall = gs_nanotime() - t0;
	r->threads = sampler_stop(&ts, r);
	r->value = seconds(wall);
	r->overhead_ms = (double)(wall - o->duration_ns) / 1e6;
}

/* ---- syscallblock: N goroutines block in nanosleep(2) for D ---------------- */

struct sysblockarg {
	int64_t ns;
	gs_waitgroup wg;
	atomic_int err; /* first gs_nanosleep error */
};

static void
sysblock_g(void *arg)
{
	struct sysblockarg *sb = arg;
	int rc, zero = 0;

	rc = gs_nanosleep(sb->ns);
	if (rc < 0)
		atomic_compare_exchange_strong(&sb->err, &zero, rc);
	gs_wg_done(&sb->wg);
}

static void
bench_syscallblock(const struct benchopts *o, struct benchround *r)
{
	struct sysblockarg sb = { .ns = o->duration_ns, .wg = GS_WAITGROUP_INIT };
	struct threadsampler ts;
	int64_t t0;
	int err;

	atomic_init(&sb.err, 0);
	sampler_start(&ts, r);
	t0 = gs_nanotime();
	spawn_n(o->n, sysblock_g, &sb, &sb.wg, r);
	gs_wg_wait(&sb.wg);
	r->value = seconds(gs_nanotime() - t0);
	r->threads = sampler_stop(&ts, r);
	err = atomic_load(&sb.err);
	if (err != 0)
		benchfail(r, "gs_nanosleep", err);
}

/* ---- netwait: N goroutines read loopback TCP; one writer answers after D --- */

struct netwait {
	int64_t n;
	int64_t wait_ns;
	int *cfd; /* client sides: the readers' */
	int *afd; /* accepted sides: the writer's */
	gs_waitgroup readers;
	gs_waitgroup writer;
	atomic_int err;
	const char *_Atomic failed;
};

struct netreader {
	struct netwait *nw;
	int fd;
};

static void
netwait_fail(struct netwait *nw, const char *what, int err)
{
	int zero = 0;

	if (atomic_compare_exchange_strong(&nw->err, &zero, err))
		atomic_store(&nw->failed, what);
}

static void
netreader_g(void *arg)
{
	struct netreader *rd = arg;
	char b;
	ssize_t got;

	got = gs_fd_read(rd->fd, &b, 1);
	if (got != 1)
		netwait_fail(rd->nw, got < 0 ? "gs_fd_read" : "gs_fd_read: early EOF",
		    got < 0 ? (int)got : 1);
	gs_wg_done(&rd->nw->readers);
}

static void
netwriter_g(void *arg)
{
	struct netwait *nw = arg;
	int64_t i;
	ssize_t put;

	gs_sleep(nw->wait_ns);
	for (i = 0; i < nw->n; i++) {
		put = gs_fd_write(nw->afd[i], "x", 1);
		if (put != 1) {
			/* Close the rest, so that no reader waits for ever. */
			netwait_fail(nw, "gs_fd_write", put < 0 ? (int)put : 1);
			for (; i < nw->n; i++)
				shutdown(nw->afd[i], SHUT_WR);
			break;
		}
	}
	gs_wg_done(&nw->writer);
}

/* Make room for `need` descriptors: raise the soft limit up to the hard one. */
static int
nofile_atleast(rlim_t need)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return GS_EINVAL;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need) {
		if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < need)
			return GS_ERANGE;
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			return GS_EPERM;
	}
	return 0;
}

static void
tcp_nodelay(int fd)
{
	int one = 1;

	/* As Go sets on every TCP connection; the bytes go out at once anyway. */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

static void
bench_netwait(const struct benchopts *o, struct benchround *r)
{
	struct netwait nw = { .n = o->n, .wait_ns = o->duration_ns };
	struct netreader *rds = NULL;
	struct threadsampler ts;
	struct sockaddr_in sin;
	socklen_t sinlen = sizeof(sin);
	int64_t i, nc = 0, na = 0, t0;
	int lfd = -1, fd, rc;

	atomic_init(&nw.err, 0);
	atomic_init(&nw.failed, NULL);
	rc = nofile_atleast((rlim_t)(2 * o->n + 64));
	if (rc < 0) {
		benchfail(r, "netwait: RLIMIT_NOFILE is too low for 2N descriptors", rc);
		return;
	}
	nw.cfd = malloc((size_t)o->n * sizeof(int));
	nw.afd = malloc((size_t)o->n * sizeof(int));
	rds = malloc((size_t)o->n * sizeof(*rds));
	if (nw.cfd == NULL || nw.afd == NULL || rds == NULL) {
		benchfail(r, "malloc", GS_ENOMEM);
		goto out;
	}

	/* Setup, not timed: a listener on 127.0.0.1:0 and N connections to it. */
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0) {
		benchfail(r, "netwait: socket() for the listener failed", 1);
		goto out;
	}
	if (bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) != 0 || listen(lfd, SOMAXCONN) != 0 ||
	    getsockname(lfd, (struct sockaddr *)&sin, &sinlen) != 0) {
		benchfail(r, "netwait: cannot listen on 127.0.0.1:0", 1);
		close(lfd);
		lfd = -1;
		goto out;
	}
	rc = gs_fd_open(lfd);
	if (rc < 0) {
		benchfail(r, "gs_fd_open", rc);
		close(lfd);
		lfd = -1;
		goto out;
	}
	for (i = 0; i < o->n; i++) {
		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			benchfail(r, "netwait: socket() failed (too many open files?)", 1);
			goto out;
		}
		rc = gs_fd_open(fd);
		if (rc < 0) {
			benchfail(r, "gs_fd_open", rc);
			close(fd);
			goto out;
		}
		nw.cfd[nc++] = fd;
		tcp_nodelay(fd);
		rc = gs_fd_connect(fd, (struct sockaddr *)&sin, sizeof(sin));
		if (rc < 0) {
			benchfail(r, "gs_fd_connect", rc);
			goto out;
		}
		rc = gs_fd_accept(lfd, NULL, NULL);
		if (rc < 0) {
			benchfail(r, "gs_fd_accept", rc);
			goto out;
		}
		nw.afd[na++] = rc;
		tcp_nodelay(rc);
	}
	for (i = 0; i < o->n; i++)
		rds[i] = (struct netreader){ .nw = &nw, .fd = nw.cfd[i] };

	/* Timed: from spawning the readers until every one has its byte. */
	sampler_start(&ts, r);
	t0 = gs_nanotime();
	gs_wg_add(&nw.readers, o->n);
	for (i = 0; i < o->n; i++) {
		int64_t id = gs_go(netreader_g, &rds[i]);

		if (id < 0) {
			benchfail(r, "gs_go", (int)id);
			gs_wg_add(&nw.readers, -(o->n - i));
			break;
		}
	}
	spawn_n(1, netwriter_g, &nw, &nw.writer, r);
	if (r->err != 0) {
		/* A reader may be waiting on a byte that will not come. */
		for (i = 0; i < na; i++)
			shutdown(nw.afd[i], SHUT_WR);
	}
	gs_wg_wait(&nw.readers);
	r->value = seconds(gs_nanotime() - t0);
	gs_wg_wait(&nw.writer);
	r->threads = sampler_stop(&ts, r);
	if (atomic_load(&nw.err) != 0)
		benchfail(r, atomic_load(&nw.failed), atomic_load(&nw.err));
out:
	for (i = 0; i < na; i++)
		gs_fd_close(nw.afd[i]);
	for (i = 0; i < nc; i++)
		gs_fd_close(nw.cfd[i]);
	if (lfd >= 0)
		gs_fd_close(lfd);
	free(rds);
	free(nw.afd);
	free(nw.cfd);
}

/* ---- cpu and uneven: loops of pure arithmetic ------------------------------ */

/*
 * The sum of 0..n-1, one addition at a time: the empty asm makes the compiler
 * keep s in a register each iteration, so it can neither fold the loop into
 * n*(n-1)/2 nor vectorize it (Go's compiler does neither either).  The loop calls
 * nothing, so it runs as an asynchronously preemptible region.
 */
static int64_t
sum_to(int64_t n)
{
	int64_t i, s = 0;

	gs_preemptible_begin();
	for (i = 0; i < n; i++) {
		s += i;
#if defined(__GNUC__)
		__asm__ volatile("" : "+r"(s));
#endif
	}
	gs_preemptible_end();
	return s;
}

struct cpuarg {
	int64_t iters;
	gs_waitgroup wg;
	atomic_int wrong; /* sums that came out wrong */
};

static void
cpu_g(void *arg)
{
	struct cpuarg *ca = arg;

	if (sum_to(ca->iters) != ca->iters * (ca->iters - 1) / 2)
		atomic_fetch_add(&ca->wrong, 1);
	gs_wg_done(&ca->wg);
}

static void
light_g(void *arg)
{
	struct cpuarg *ca = arg;

	gs_sleep(1000000);
	gs_wg_done(&ca->wg);
}

#define CPU_WORKERS 8
#define UNEVEN_TOTAL 1000
#define UNEVEN_HEAVY 100

static void
bench_cpu(const struct benchopts *o, struct benchround *r)
{
	struct cpuarg ca = { .iters = o->n, .wg = GS_WAITGROUP_INIT };
	int64_t t0;

	atomic_init(&ca.wrong, 0);
	t0 = gs_nanotime();
	spawn_n(CPU_WORKERS, cpu_g, &ca, &ca.wg, r);
	gs_wg_wait(&ca.wg);
	r->value = seconds(gs_nanotime() - t0);
	if (atomic_load(&ca.wrong) != 0)
		benchfail(r, "cpu: a worker's sum came out wrong", 1);
}

/* The main goroutine spawns all 1000: the first 100 heavy, the rest light. */
static void
bench_uneven(const struct benchopts *o, struct benchround *r)
{
	struct cpuarg ca = { .iters = o->n, .wg = GS_WAITGROUP_INIT };
	int64_t t0;

	atomic_init(&ca.wrong, 0);
	t0 = gs_nanotime();
	if (spawn_n(UNEVEN_HEAVY, cpu_g, &ca, &ca.wg, r) == UNEVEN_HEAVY)
		spawn_n(UNEVEN_TOTAL - UNEVEN_HEAVY, light_g, &ca, &ca.wg, r);
	gs_wg_wait(&ca.wg);
	r->value = seconds(gs_nanotime() - t0);
	if (atomic_load(&ca.wrong) != 0)
		benchfail(r, "uneven: a heavy goroutine's sum came out wrong", 1);
}

/* ---- webserver: N requests, each sleeps 10, 20 and 5 ms in turn ------------ */

#define WEBSERVER_IDEAL_NS 35000000LL

static void
webserver_g(void *arg)
{
	gs_waitgroup *wg = arg;

	gs_sleep(10000000);
	gs_sleep(20000000);
	gs_sleep(5000000);
	gs_wg_done(wg);
}

static void
bench_webserver(const struct benchopts *o, struct benchround *r)
{
	gs_waitgroup wg = GS_WAITGROUP_INIT;
	struct threadsampler ts;
	int64_t t0;

	sampler_start(&ts, r);
	t0 = gs_nanotime();
	spawn_n(o->n, webserver_g, &wg, &wg, r);
	gs_wg_wait(&wg);
	r->value = seconds(gs_nanotime() - t0);
	r->threads = sampler_stop(&ts, r);
}

/* ---- snapshot: the cost of gs_snapshot_take with 64 Ps and N threads ------- */

/*
 * N goroutines block in read(2) on a pipe through gs_syscall_block, so each
 * holds its own thread (N Ms); GOMAXPROCS is 64.  Then the main goroutine
 * times SNAP_ITERS snapshots of up to 4096 Ms listing up to 64 queued
 * goroutines per P, and reports the median.  Writing N bytes releases them.
 */
#define SNAP_ITERS 1000
#define SNAP_MAX_M 4096
#define SNAP_RUNQ 64

struct snapblock {
	int rfd;
	gs_waitgroup wg;
	atomic_int err;
};

static long
snap_read1(void *arg)
{
	struct snapblock *sb = arg;
	char c;

	return read(sb->rfd, &c, 1);
}

static void
snapblock_g(void *arg)
{
	struct snapblock *sb = arg;
	long got = gs_syscall_block(snap_read1, sb);
	int zero = 0;

	if (got != 1)
		atomic_compare_exchange_strong(&sb->err, &zero, 1);
	gs_wg_done(&sb->wg);
}

static int64_t snap_samples[SNAP_ITERS];
static char snap_bytes[5000];

static void
bench_snapshot(const struct benchopts *o, struct benchround *r)
{
	struct snapblock sb = { .wg = GS_WAITGROUP_INIT };
	gs_snapshot *s = NULL;
	gs_stats st;
	int fds[2] = { -1, -1 };
	int64_t t0, started, sum = 0;
	int i, j, rc;

	atomic_init(&sb.err, 0);
	if (pipe(fds) != 0) {
		benchfail(r, "snapshot: pipe() failed", 1);
		return;
	}
	sb.rfd = fds[0];
	s = gs_snapshot_new(SNAP_MAX_M, SNAP_RUNQ);
	if (s == NULL) {
		benchfail(r, "gs_snapshot_new", GS_ENOMEM);
		goto out;
	}
	started = spawn_n(o->n, snapblock_g, &sb, &sb.wg, r);
	/* Until every one is in its read(2), each on a thread of its own. */
	t0 = gs_nanotime();
	for (;;) {
		rc = gs_read_stats(&st);
		if (rc < 0) {
			benchfail(r, "gs_read_stats", rc);
			break;
		}
		if (st.in_syscall >= started)
			break;
		if (gs_nanotime() - t0 > 60LL * 1000000000) {
			benchfail(r, "snapshot: the goroutines did not all block within 60s", 1);
			break;
		}
		gs_sleep(1000000);
	}
	if (r->err == 0) {
		for (i = 0; i < SNAP_ITERS; i++) {
			t0 = gs_nanotime();
			rc = gs_snapshot_take(s);
			snap_samples[i] = gs_nanotime() - t0;
			if (rc < 0) {
				benchfail(r, "gs_snapshot_take", rc);
				break;
			}
			sum += snap_samples[i];
		}
		r->threads = s->nm_total;
		r->nm = s->nm;
	}
	/* Release them: one byte each. */
	for (int64_t left = started; left > 0;) {
		ssize_t put = gs_sys_write(fds[1], snap_bytes,
		    (size_t)(left < (int64_t)sizeof(snap_bytes) ? left
								: (int64_t)sizeof(snap_bytes)));
		if (put <= 0) {
			benchfail(r, "snapshot: write to the pipe failed", 1);
			close(fds[1]); /* EOF releases the rest */
			fds[1] = -1;
			break;
		}
		left -= put;
	}
	gs_wg_wait(&sb.wg);
	if (r->err == 0 && atomic_load(&sb.err) != 0)
		benchfail(r, "snapshot: a blocked read(2) failed", 1);
	if (r->err == 0) {
		/* Insertion sort: small frames, no qsort on a goroutine stack. */
		for (i = 1; i < SNAP_ITERS; i++) {
			int64_t v = snap_samples[i];
			for (j = i; j > 0 && snap_samples[j - 1] > v; j--)
				snap_samples[j] = snap_samples[j - 1];
			snap_samples[j] = v;
		}
		r->value =
		    (double)(snap_samples[SNAP_ITERS / 2 - 1] + snap_samples[SNAP_ITERS / 2]) / 2e3;
		r->mean_us = (double)sum / SNAP_ITERS / 1e3;
		r->p99_us = (double)snap_samples[SNAP_ITERS * 99 / 100] / 1e3;
	}
out:
	gs_snapshot_free(s);
	close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
}

/* ---- --observe: a plain thread snapshots and drains events HZ times a second -- */

/*
 * Not a goroutine, so it takes no P and changes nothing in how the workload's
 * goroutines are scheduled: it only reads, as the visualizer or --record
 * would.  It starts before gs_run, waits for the main goroutine to say the
 * runtime is up, switches events on, and stops (events off, a last drain)
 * when the main goroutine asks, before gs_run returns.
 */
#define OBSERVE_EVBUF 16384

struct observer {
	int hz;
	pthread_t thread;
	atomic_int up;      /* set by the main goroutine: the runtime runs */
	atomic_int stop;    /* set by the main goroutine: rounds are over */
	atomic_int stopped; /* set by the observer: it touches the runtime no more */
	gs_snapshot *snap;
	gs_event *ev;
	uint64_t snaps, events, dropped, snap_ns;
	int err; /* first failed gs_snapshot_take */
};

static struct observer observer;

static void
observer_sleep_until(int64_t when)
{
	struct timespec ts = { (time_t)(when / 1000000000), (long)(when % 1000000000) };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

static void
observer_drain(struct observer *ob)
{
	uint64_t dropped;
	int n;

	do {
		n = gs_events_drain(ob->ev, OBSERVE_EVBUF, &dropped);
		ob->events += (uint64_t)n;
		ob->dropped += dropped;
	} while (n == OBSERVE_EVBUF);
}

static void *
observer_main(void *arg)
{
	struct observer *ob = arg;
	int64_t period = 1000000000LL / ob->hz, next, now;

	while (!atomic_load(&ob->up) && !atomic_load(&ob->stop))
		observer_sleep_until(gs_nanotime() + 100000);
	if (atomic_load(&ob->stop))
		goto out;
	gs_events_enable(true);
	next = gs_nanotime();
	while (!atomic_load_explicit(&ob->stop, memory_order_acquire)) {
		int rc = gs_snapshot_take(ob->snap);

		if (rc < 0 && ob->err == 0)
			ob->err = rc;
		if (rc == 0) {
			ob->snaps++;
			ob->snap_ns += ob->snap->take_ns;
		}
		observer_drain(ob);
		/* Sleep to the next tick in steps of at most 10 ms, to stop soon. */
		next += period;
		while ((now = gs_nanotime()) < next &&
		    !atomic_load_explicit(&ob->stop, memory_order_acquire))
			observer_sleep_until(next - now > 10000000 ? now + 10000000 : next);
	}
	gs_events_enable(false);
	observer_drain(ob);
out:
	atomic_store_explicit(&ob->stopped, 1, memory_order_release);
	return NULL;
}

static int
observer_start(struct observer *ob, int hz)
{
	memset(ob, 0, sizeof(*ob));
	ob->hz = hz;
	ob->snap = gs_snapshot_new(4096, 256);
	ob->ev = malloc(OBSERVE_EVBUF * sizeof(*ob->ev));
	if (ob->snap == NULL || ob->ev == NULL ||
	    pthread_create(&ob->thread, NULL, observer_main, ob) != 0) {
		gs_snapshot_free(ob->snap);
		free(ob->ev);
		return -1;
	}
	return 0;
}

/* On the main goroutine, after the rounds: wait until the observer is done
 * with the runtime (it sleeps at most 10 ms at a time). */
static void
observer_stop_g(struct observer *ob)
{
	atomic_store_explicit(&ob->stop, 1, memory_order_release);
	while (!atomic_load_explicit(&ob->stopped, memory_order_acquire))
		gs_sleep(1000000);
}

static void
observer_join(struct observer *ob)
{
	atomic_store(&ob->stop, 1);
	pthread_join(ob->thread, NULL);
	gs_snapshot_free(ob->snap);
	free(ob->ev);
}

/* ---- reports (on the calling thread, after gs_run) ------------------------ */

/* `<name> <ns> <unit> n=N procs=P`: spawn, yield, pingpong. */
static void
report_pertask(FILE *f, const struct benchworkload *w, const struct benchopts *o,
    const struct benchround *r)
{
	fprintf(f, "%s %.1f %s n=%" PRId64 " procs=%d\n", w->name, r->value, w->unit, o->n,
	    r->procs);
}

/* Lines end with " stack=SIZE" when --stack was given (Go has no such knob). */
static void
report_end(FILE *f, const struct benchopts *o)
{
	if (o->stack_size != 0)
		fprintf(f, " stack=%zu", o->stack_size);
	/* --observe: what the observer did over all the rounds. */
	if (o->observe_hz != 0)
		fprintf(f,
		    " observe=%d snaps=%" PRIu64 " events=%" PRIu64 " dropped=%" PRIu64
		    " snap_us=%.1f",
		    o->observe_hz, observer.snaps, observer.events, observer.dropped,
		    observer.snaps ? (double)observer.snap_ns / (double)observer.snaps / 1e3 : 0.0);
	fputc('\n', f);
}

/* In a -p sweep, lines that would not say procs= say it (the others always do). */
static void
report_sweep_procs(FILE *f, const struct benchopts *o, const struct benchround *r)
{
	if (o->sweep)
		fprintf(f, " procs=%d", r->procs);
}

static void
report_park(FILE *f, const struct benchworkload *w, const struct benchopts *o,
    const struct benchround *r)
{
	fprintf(f, "%s %lld %s n=%" PRId64 " start_s=%.3f total_s=%.3f threads=%lld", w->name,
	    (long long)r->value, w->unit, o->n, r->start_s, r->total_s, r->threads);
	report_sweep_procs(f, o, r);
	report_end(f, o);
}

/* A duration the way both bench programs print one: 1s, 100ms, 250us, 1500ns
 * (the largest unit that divides it; peer.go's fmtDuration is the same). */
static const char *
fmt_duration(char *buf, size_t size, int64_t ns)
{
	if (ns % 1000000000 == 0)
		snprintf(buf, size, "%" PRId64 "s", ns / 1000000000);
	else if (ns % 1000000 == 0)
		snprintf(buf, size, "%" PRId64 "ms", ns / 1000000);
	else if (ns % 1000 == 0)
		snprintf(buf, size, "%" PRId64 "us", ns / 1000);
	else
		snprintf(buf, size, "%" PRId64 "ns", ns);
	return buf;
}

static void
report_sleep(FILE *f, const struct benchworkload *w, const struct benchopts *o,
    const struct benchround *r)
{
	char d[32];

	fprintf(f, "%s %.3f %s n=%" PRId64 " sleep=%s overhead_ms=%.1f threads=%lld", w->name,
	    r->value, w->unit, o->n, fmt_duration(d, sizeof(d), o->duration_ns), r->overhead_ms,
	    r->threads);
	report_sweep_procs(f, o, r);
	report_end(f, o);
}

/* syscallblock (block=D) and netwait (wait=D). */
static void
report_blocking(FILE *f, const struct benchworkload *w, const struct benchopts *o,
    const struct benchround *r)
{
	char d[32];

	fprintf(f, "%s %.3f %s n=%" PRId64 " %s=%s peak_threads=%lld procs=%d", w->name, r->value,
	    w->unit, o->n, strcmp(w->name, "netwait") == 0 ? "wait" : "block",
	    fmt_duration(d, sizeof(d), o->duration_ns), r->threads, r->procs);
	report_end(f, o);
}

static void
report_cpu(FILE *f, const struct benchworkload *w, const struct benchopts *o,
    const struct benchround *r)
{
	fprintf(f, "%s %.3f %s workers=%d iters=%" PRId64 " procs=%d", w->name, r->value, w->unit,
	    CPU_WORKERS, o->n, r->procs);
	report_end(f, o);
}

static void
report_uneven(FILE *f, const struct benchworkload *w, const struct benchopts *o,
    const struct benchround *r)
{
	fprintf(f, "%s %.3f %s total=%d heavy=%d iters=%" PRId64 " procs=%d", w->name, r->value,
	    w->unit, UNEVEN_TOTAL, UNEVEN_HEAVY, o->n, r->procs);
	report_end(f, o);
}

static void
report_webserver(FILE *f, const struct benchworkload *w, const struct benchopts *o,
    const struct benchround *r)
{
	fprintf(f, "%s %.3f %s n=%" PRId64 " ideal_s=%.3f threads=%lld", w->name, r->value, w->unit,
	    o->n, seconds(WEBSERVER_IDEAL_NS), r->threads);
	report_sweep_procs(f, o, r);
	report_end(f, o);
}

static void
report_snapshot(FILE *f, const struct benchworkload *w, const struct benchopts *o,
    const struct benchround *r)
{
	fprintf(f,
	    "%s %.1f %s procs=%d threads=%lld listed_m=%lld blocked=%" PRId64
	    " mean_us=%.1f tail_us=%.1f iters=%d max_m=%d runq_max=%d\n",
	    w->name, r->value, w->unit, r->procs, r->threads, r->nm, o->n, r->mean_us, r->p99_us,
	    SNAP_ITERS, SNAP_MAX_M, SNAP_RUNQ);
}

/* ---- the table ---------------------------------------------------------- */

static const struct benchworkload benchtab[] = {
	{
	    .name = "spawn",
	    .unit = "ns/goroutine",
	    .what = "spawn N empty goroutines and wait for them",
	    .default_n = 1000000,
	    .max_n = 100000000,
	    .run = bench_spawn,
	    .report = report_pertask,
	},
	{
	    .name = "yield",
	    .unit = "ns/switch",
	    .what = "two goroutines gs_yield N times each, on one P",
	    .default_n = 10000000,
	    .max_n = BENCH_N_MAX,
	    .procs = 1,
	    .run = bench_yield,
	    .report = report_pertask,
	},
	{
	    .name = "pingpong",
	    .unit = "ns/roundtrip",
	    .what = "N round trips over two unbuffered channels",
	    .default_n = 1000000,
	    .max_n = BENCH_N_MAX,
	    .run = bench_pingpong,
	    .report = report_pertask,
	},
	{
	    .name = "park",
	    .unit = "bytes/goroutine",
	    .what = "N goroutines block on one channel: memory, start time",
	    .default_n = 1000000,
	    .max_n = 10000000,
	    .run = bench_park,
	    .report = report_park,
	},
	{
	    .name = "sleep",
	    .unit = "s_wall",
	    .what = "N goroutines gs_sleep for D at once (default 1s)",
	    .default_n = 100000,
	    .max_n = 10000000,
	    .default_duration_ns = 1000000000,
	    .run = bench_sleep,
	    .report = report_sleep,
	},
	{
	    .name = "syscallblock",
	    .unit = "s_wall",
	    .what = "N goroutines block in nanosleep(2) for D (default 100ms)",
	    .default_n = 1000,
	    .max_n = 5000,
	    .default_duration_ns = 100000000,
	    .run = bench_syscallblock,
	    .report = report_blocking,
	},
	{
	    .name = "netwait",
	    .unit = "s_wall",
	    .what = "N goroutines read TCP, answered after D (default 100ms)",
	    .default_n = 1000,
	    .max_n = 100000,
	    .default_duration_ns = 100000000,
	    .run = bench_netwait,
	    .report = report_blocking,
	},
	{
	    .name = "cpu",
	    .unit = "s_wall",
	    .what = "8 goroutines each sum 0..N in a preemptible loop",
	    .default_n = 100000000,
	    .max_n = BENCH_N_MAX,
	    .run = bench_cpu,
	    .report = report_cpu,
	},
	{
	    .name = "uneven",
	    .unit = "s_wall",
	    .what = "1000 goroutines from one: 100 sum 0..N, 900 sleep 1ms",
	    .default_n = 10000000,
	    .max_n = BENCH_N_MAX,
	    .run = bench_uneven,
	    .report = report_uneven,
	},
	{
	    .name = "webserver",
	    .unit = "s_wall",
	    .what = "N goroutines each sleep 10, 20 and 5 ms in turn",
	    .default_n = 10000,
	    .max_n = 10000000,
	    .run = bench_webserver,
	    .report = report_webserver,
	},
	{
	    .name = "snapshot",
	    .unit = "us/snapshot",
	    .what = "cost of gs_snapshot_take: 64 Ps, N threads blocked in read(2)",
	    .default_n = 2000,
	    .max_n = 5000,
	    .procs = 64,
	    .run = bench_snapshot,
	    .report = report_snapshot,
	},
};

#define NBENCH ((int)(sizeof(benchtab) / sizeof(benchtab[0])))

static const struct benchworkload *
benchlookup(const char *name)
{
	int i;

	for (i = 0; i < NBENCH; i++)
		if (strcmp(benchtab[i].name, name) == 0)
			return &benchtab[i];
	return NULL;
}

/* "spawn, yield, ... or webserver", for usage errors. */
static const char *
benchnames(void)
{
	static char buf[256];
	size_t len = 0;
	int i;

	for (i = 0; i < NBENCH && len < sizeof(buf); i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s",
		    i == 0                ? ""
			: i == NBENCH - 1 ? " or "
					  : ", ",
		    benchtab[i].name);
	return buf;
}

void
bench_list(FILE *f)
{
	int i;

	for (i = 0; i < NBENCH; i++)
		fprintf(f, "  %-12s %-56s n=%" PRId64 "\n", benchtab[i].name, benchtab[i].what,
		    benchtab[i].default_n);
}

void
bench_options(FILE *f)
{
	fputs("  -n N               goroutines, switches, round trips or loop "
	      "iterations\n"
	      "                     (default: per workload)\n"
	      "  -p, --procs P      GOMAXPROCS, 1..256 (default: the runtime's; "
	      "yield always 1);\n"
	      "                     a list such as 1,2,4,8 runs once per value\n"
	      "  -d, --duration D   sleep or wait of sleep, syscallblock, netwait "
	      "(default: per\n"
	      "                     workload), e.g. 250us 100ms 1s 2m\n"
	      "  --stack SIZE       goroutine stack size, 2K..8M, e.g. 2048 4k 64K 1M\n"
	      "                     (4K and less: the small-stack class)\n"
	      "  --rounds R         repeat R times, one line each (default 1)\n"
	      "  --observe HZ       meanwhile, a plain thread takes HZ snapshots a second\n"
	      "                     and drains the event stream (events on), 1..10000\n",
	    f);
}

/* ---- the main goroutine ------------------------------------------------- */

static void
bench_main_g(void *arg)
{
	struct benchctx *ctx = arg;
	struct benchround *r;
	int i;

	if (ctx->o->observe_hz != 0)
		atomic_store_explicit(&observer.up, 1, memory_order_release);
	for (i = 0; i < ctx->o->rounds; i++) {
		r = &ctx->rounds[i];
		r->procs = gs_gomaxprocs();
		ctx->w->run(ctx->o, r);
		ctx->done = i + 1;
		if (r->err != 0)
			break;
	}
	if (ctx->o->observe_hz != 0)
		observer_stop_g(&observer);
}

/* ---- the command line ----------------------------------------------------- */

/* One line naming the bad input, then the hint; returns exit status 2. */
static int
benchusage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("gsched: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'gsched --help'.\n", stderr);
	return 2;
}

/* A size in bytes: 2048, 4k, 64K, 1M, 64KiB; within the stack limits. */
static bool
parse_size(const char *s, size_t *out)
{
	static const struct {
		const char *suffix;
		unsigned long long mult;
	} units[] = {
		{ "", 1 },
		{ "k", 1 << 10 },
		{ "K", 1 << 10 },
		{ "KiB", 1 << 10 },
		{ "m", 1 << 20 },
		{ "M", 1 << 20 },
		{ "MiB", 1 << 20 },
	};
	unsigned long long v;
	char *end;
	size_t i;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0)
		return false;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(end, units[i].suffix) != 0)
			continue;
		if (v > BENCH_STACK_MAX / units[i].mult)
			return false;
		v *= units[i].mult;
		if (v < BENCH_STACK_MIN)
			return false;
		*out = (size_t)v;
		return true;
	}
	return false;
}

static void
bench_usage(void)
{
	printf("Usage: gsched bench WORKLOAD [-n N] [-p PROCS] [-d DURATION] "
	       "[--stack SIZE] [--rounds R] [--observe HZ]\n\n"
	       "Prints one line per round: <workload> <value> <unit> key=value ...\n\n"
	       "Workloads (default n):\n");
	bench_list(stdout);
	printf("\nOptions:\n");
	bench_options(stdout);
}

enum benchoptid { OPT_N, OPT_PROCS, OPT_DURATION, OPT_STACK, OPT_ROUNDS, OPT_OBSERVE, OPT_HELP };

static const struct benchoption {
	char shortname;       /* 0: long only */
	const char *longname; /* NULL: short only */
	bool hasarg;
	enum benchoptid id;
} benchoptions[] = {
	{ 'n', NULL, true, OPT_N },
	{ 'p', "procs", true, OPT_PROCS },
	{ 'd', "duration", true, OPT_DURATION },
	{ 0, "stack", true, OPT_STACK },
	{ 0, "rounds", true, OPT_ROUNDS },
	{ 0, "observe", true, OPT_OBSERVE },
	{ 'h', "help", false, OPT_HELP },
};

#define NBENCHOPT ((int)(sizeof(benchoptions) / sizeof(benchoptions[0])))

/*
 * Find the option argv[*ip] spells and its value (taken from "--opt=V", "-oV" or
 * the next argument, advancing *ip).  Returns the option, or NULL after printing
 * the usage error (*status = 2).  `spelled` receives the option as written.
 */
static const struct benchoption *
benchoption(int argc, char **argv, int *ip, char *spelled, size_t spelledsz, const char **value)
{
	const char *arg = argv[*ip];
	const char *eq = NULL, *inlinevalue = NULL;
	const struct benchoption *opt = NULL;
	size_t namelen;
	int k;

	if (arg[1] == '-') {
		eq = strchr(arg, '=');
		namelen = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
		for (k = 0; k < NBENCHOPT; k++) {
			const char *ln = benchoptions[k].longname;

			if (ln != NULL && strlen(ln) == namelen - 2 &&
			    strncmp(arg + 2, ln, namelen - 2) == 0)
				opt = &benchoptions[k];
		}
		if (eq != NULL)
			inlinevalue = eq + 1;
	} else {
		namelen = 2;
		for (k = 0; k < NBENCHOPT; k++)
			if (benchoptions[k].shortname == arg[1])
				opt = &benchoptions[k];
		if (arg[2] != '\0')
			inlinevalue = arg + 2;
	}
	snprintf(spelled, spelledsz, "%.*s", (int)namelen, arg);

	if (opt == NULL) {
		benchusage_error("unknown option '%s'", spelled);
		return NULL;
	}
	if (!opt->hasarg) {
		if (inlinevalue != NULL) {
			benchusage_error("option '%s' takes no value", spelled);
			return NULL;
		}
		*value = NULL;
		return opt;
	}
	if (inlinevalue != NULL) {
		*value = inlinevalue;
	} else if (*ip + 1 < argc) {
		*value = argv[++*ip];
	} else {
		benchusage_error("option '%s' needs a value", spelled);
		return NULL;
	}
	return opt;
}

/*
 * -p's value: one GOMAXPROCS or a comma-separated list of up to
 * BENCH_SWEEP_MAX of them, each 1..BENCH_PROCS_MAX, into out[].  Returns how
 * many, or -1 if malformed.
 */
static int
parse_procs_list(const char *s, int *out)
{
	char item[16];
	const char *comma;
	long long v;
	size_t len;
	int n = 0;

	for (;;) {
		comma = strchr(s, ',');
		len = comma != NULL ? (size_t)(comma - s) : strlen(s);
		if (n == BENCH_SWEEP_MAX || len == 0 || len >= sizeof(item))
			return -1;
		memcpy(item, s, len);
		item[len] = '\0';
		if (!parse_ll(item, 1, BENCH_PROCS_MAX, &v))
			return -1;
		out[n++] = (int)v;
		if (comma == NULL)
			return n;
		s = comma + 1;
	}
}

static int bench_run(const struct benchworkload *w, const struct benchopts *o);

int
bench_main(int argc, char **argv)
{
	struct benchopts o = { .rounds = 1 };
	const struct benchworkload *w = NULL;
	const struct benchoption *opt;
	int sweep[BENCH_SWEEP_MAX];
	char spelled[64];
	const char *value;
	long long v;
	bool optsdone = false;
	int i, rc, nsweep = 0;

	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (!optsdone && strcmp(arg, "--") == 0) {
			optsdone = true;
			continue;
		}
		if (optsdone || arg[0] != '-' || arg[1] == '\0') {
			if (w != NULL)
				return benchusage_error("unexpected argument '%s'", arg);
			w = benchlookup(arg);
			if (w == NULL)
				return benchusage_error("unknown workload '%s' (%s)", arg,
				    benchnames());
			continue;
		}

		opt = benchoption(argc, argv, &i, spelled, sizeof(spelled), &value);
		if (opt == NULL)
			return 2;
		switch (opt->id) {
		case OPT_N:
			if (!parse_ll(value, 1, BENCH_N_MAX, &v))
				return benchusage_error("invalid count '%s' for %s: "
							"expected an integer from 1 to %lld",
				    value, spelled, BENCH_N_MAX);
			o.n = v;
			break;
		case OPT_PROCS:
			nsweep = parse_procs_list(value, sweep);
			if (nsweep < 0)
				return benchusage_error(
				    "invalid GOMAXPROCS '%s' for %s: "
				    "expected an integer from 1 to %d, or a list "
				    "of up to %d such as 1,2,4,8",
				    value, spelled, BENCH_PROCS_MAX, BENCH_SWEEP_MAX);
			o.procs = sweep[0];
			o.sweep = nsweep > 1;
			break;
		case OPT_DURATION:
			if (!parse_duration(value, 1, BENCH_DURATION_MAX, &o.duration_ns))
				return benchusage_error("invalid duration '%s' for %s: "
							"expected e.g. 250us, 100ms, 1s "
							"or 2m (at most 24h)",
				    value, spelled);
			break;
		case OPT_STACK:
			if (!parse_size(value, &o.stack_size))
				return benchusage_error("invalid stack size '%s' for %s: "
							"expected 2048..8M bytes, e.g. "
							"2048, 4k, 64K or 1M",
				    value, spelled);
			break;
		case OPT_ROUNDS:
			if (!parse_ll(value, 1, BENCH_ROUNDS_MAX, &v))
				return benchusage_error("invalid round count '%s' for %s: "
							"expected an integer from 1 to %d",
				    value, spelled, BENCH_ROUNDS_MAX);
			o.rounds = (int)v;
			break;
		case OPT_OBSERVE:
			if (!parse_ll(value, 1, 10000, &v))
				return benchusage_error(
				    "invalid rate '%s' for %s: "
				    "expected snapshots per second from 1 to 10000",
				    value, spelled);
			o.observe_hz = (int)v;
			break;
		case OPT_HELP:
			bench_usage();
			return 0;
		}
	}
	if (w == NULL)
		return benchusage_error("bench needs a workload (%s)", benchnames());
	if (o.n == 0)
		o.n = w->default_n;
	if (o.duration_ns == 0)
		o.duration_ns = w->default_duration_ns;
	if (o.n > w->max_n)
		return benchusage_error("-n %" PRId64 " is too large for %s "
					"(at most %" PRId64 ")",
		    o.n, w->name, w->max_n);
	if (o.sweep && w->procs != 0)
		return benchusage_error("%s always runs with GOMAXPROCS=%d: "
					"a -p list does not apply",
		    w->name, w->procs);

	/* A -p list: one run per value, as Go's b.Run per GOMAXPROCS. */
	for (i = 0, rc = 0; i < (nsweep > 1 ? nsweep : 1) && rc == 0; i++) {
		if (nsweep > 1)
			o.procs = sweep[i];
		rc = bench_run(w, &o);
	}
	return rc;
}

/* One gs_run of o->rounds rounds of w, a line each; the exit status. */
static int
bench_run(const struct benchworkload *w, const struct benchopts *op)
{
	struct benchopts o = *op;
	struct benchctx ctx;
	gs_config cfg;
	int i, rc;

	memset(&cfg, 0, sizeof(cfg));
	cfg.procs = w->procs != 0 ? w->procs : o.procs;
	cfg.stack_size = o.stack_size;

	ctx.w = w;
	ctx.o = &o;
	ctx.done = 0;
	ctx.rounds = calloc((size_t)o.rounds, sizeof(*ctx.rounds));
	if (ctx.rounds == NULL) {
		fprintf(stderr, "gsched: bench: out of memory\n");
		return 1;
	}

	if (o.observe_hz != 0 && observer_start(&observer, o.observe_hz) != 0) {
		fprintf(stderr, "gsched: bench: cannot start the observer thread\n");
		free(ctx.rounds);
		return 1;
	}
	rc = gs_run(bench_main_g, &ctx, &cfg);
	if (o.observe_hz != 0)
		observer_join(&observer);
	if (rc == 0 && o.observe_hz != 0 && observer.err != 0) {
		fprintf(stderr, "gsched: bench %s: observer: gs_snapshot_take: %s\n", w->name,
		    gs_strerror(observer.err));
		rc = 1;
	}
	if (rc < 0) {
		fprintf(stderr, "gsched: bench %s: cannot start the runtime: gs_run: %s\n", w->name,
		    gs_strerror(rc));
		free(ctx.rounds);
		/* The options were checked: GS_EINVAL means a bad GOMAXPROCS or
		 * GSCHED_DEBUG (already reported), a usage error. */
		return rc == GS_EINVAL ? 2 : 1;
	}

	rc = 0;
	for (i = 0; i < ctx.done; i++) {
		const struct benchround *r = &ctx.rounds[i];

		if (r->err > 0) {
			fprintf(stderr, "gsched: bench %s: %s\n", w->name, r->failed);
			rc = 1;
			break;
		}
		if (r->err < 0) {
			fprintf(stderr, "gsched: bench %s: %s: %s\n", w->name, r->failed,
			    gs_strerror(r->err));
			rc = 1;
			break;
		}
		w->report(stdout, w, &o, r);
	}
	if (rc == 0 && ctx.done < o.rounds) {
		fprintf(stderr,
		    "gsched: bench %s: the main goroutine ended after %d of "
		    "%d rounds\n",
		    w->name, ctx.done, o.rounds);
		rc = 1;
	}
	if (fflush(stdout) != 0)
		rc = 1;
	free(ctx.rounds);
	return rc;
}
