/*
 * bench_work.c - the workloads of `gsched bench` that measure the scheduler's hot
 * paths and blocking: spawn, yield, pingpong, park, sleep, syscallblock and
 * netwait, and the peak-thread sampler they share.
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
#include "cmd/bench_work.h"
#include "format/parse.h"
#include "cmd/procstat.h"

/* ---- measuring helpers --------------------------------------------------- */

double
bench__seconds(int64_t ns)
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

/* Sort v[0..n) in place: an insertion sort, with small frames and no qsort on
 * a goroutine stack. */
void
bench__sort(int64_t *v, int n)
{
	for (int i = 1; i < n; i++) {
		int64_t x = v[i];
		int j;
		for (j = i; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/* Record the first failure of a round. */
void
bench__benchfail(struct benchround *r, const char *what, int err)
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

void
bench__spawn(const struct benchopts *o, struct benchround *r)
{
	/* A line of its own: on the stack it would share one with gs_go's
	 * frames, which the spawning loop writes while every goroutine's Done
	 * writes the counter (Go's escapes to the heap). */
	static _Alignas(64) struct {
		gs_waitgroup wg;
		char pad[64 - sizeof(gs_waitgroup) % 64];
	} line;
	gs_waitgroup *wgp = &line.wg;
	int64_t t0, i, id;

	*wgp = (gs_waitgroup)GS_WAITGROUP_INIT;
	t0 = gs_nanotime();
	gs_wg_add(wgp, o->n);
	for (i = 0; i < o->n; i++) {
		id = gs_go(spawn_g, wgp);
		if (id < 0) {
			bench__benchfail(r, "gs_go", (int)id);
			gs_wg_add(wgp, -(o->n - i));
			break;
		}
	}
	gs_wg_wait(wgp);
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

void
bench__yield(const struct benchopts *o, struct benchround *r)
{
	struct yieldarg ya = { .n = o->n, .wg = GS_WAITGROUP_INIT };
	int64_t t0, id;
	int k;

	t0 = gs_nanotime();
	gs_wg_add(&ya.wg, 2);
	for (k = 0; k < 2; k++) {
		id = gs_go(yield_g, &ya);
		if (id < 0) {
			bench__benchfail(r, "gs_go", (int)id);
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
			bench__benchfail(pp->r, "gs_chan_send", rc);
			break;
		}
		rc = gs_chan_recv(pp->pong, &v);
		if (rc != 1) {
			bench__benchfail(pp->r, "gs_chan_recv", rc < 0 ? rc : GS_ECLOSED);
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
			bench__benchfail(pp->r, "gs_chan_send", rc);
			break;
		}
	}
	gs_wg_done(&pp->wg);
}

void
bench__pingpong(const struct benchopts *o, struct benchround *r)
{
	struct pingpongarg pp = { .n = o->n, .wg = GS_WAITGROUP_INIT, .r = r };
	int64_t t0, id;

	pp.ping = gs_chan_make(sizeof(int64_t), 0);
	pp.pong = gs_chan_make(sizeof(int64_t), 0);
	if (pp.ping == NULL || pp.pong == NULL) {
		bench__benchfail(r, "gs_chan_make", GS_ENOMEM);
		goto out;
	}

	t0 = gs_nanotime();
	gs_wg_add(&pp.wg, 2);
	id = gs_go(pong_g, &pp);
	if (id < 0) {
		bench__benchfail(r, "gs_go", (int)id);
		gs_wg_add(&pp.wg, -2);
		goto out;
	}
	id = gs_go(ping_g, &pp);
	if (id < 0) {
		bench__benchfail(r, "gs_go", (int)id);
		gs_chan_close(pp.ping); /* let the ponger go */
		gs_wg_add(&pp.wg, -1);
	}
	gs_wg_wait(&pp.wg);
	r->value = (double)(gs_nanotime() - t0) / (double)o->n;

	/* sum over i < n of i+1; n <= 1e9 keeps it inside int64. */
	if (r->err == 0 && pp.sum != o->n * (o->n + 1) / 2)
		bench__benchfail(r, "pingpong: the values that came back do not add up", 1);
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

void
bench__park(const struct benchopts *o, struct benchround *r)
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
		bench__benchfail(r, "gs_chan_make", GS_ENOMEM);
		return;
	}

	rss0 = procstatus("VmRSS:");
	t0 = gs_nanotime();
	gs_wg_add(&pa.wg, o->n);
	for (i = 0; i < o->n; i++) {
		id = gs_go_attr(park_g, &pa, &attr);
		if (id < 0) {
			bench__benchfail(r, "gs_go_attr", (int)id);
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
			bench__benchfail(r, "gs_read_stats", rc);
			break;
		}
		if (st.by_waitreason[GS_WAIT_CHAN_RECV] >= spawned)
			break;
		if (gs_nanotime() - tcounted > PARK_STATS_TIMEOUT_NS) {
			bench__benchfail(r,
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
	r->total_s = bench__seconds(gs_nanotime() - t0);
	r->start_s = bench__seconds(tparked - t0);
	if (rss0 < 0 || rss1 < 0)
		bench__benchfail(r, "park: cannot read VmRSS from /proc/self/status", 1);
	else
		r->value = (double)((rss1 - rss0) * 1024 / o->n);
	gs_chan_free(pa.wake);
}

/* ---- peak threads: a goroutine samples /proc/self/status every ~1 ms ------ */

#define SAMPLE_EVERY_NS 1000000LL

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

void
bench__sampler_start(struct threadsampler *ts, struct benchround *r)
{
	int64_t id;

	atomic_init(&ts->stop, 0);
	atomic_init(&ts->peak, -1);
	memset(&ts->wg, 0, sizeof(ts->wg));
	sample_threads(ts);
	gs_wg_add(&ts->wg, 1);
	id = gs_go(sampler_g, ts);
	if (id < 0) {
		bench__benchfail(r, "gs_go (thread sampler)", (int)id);
		gs_wg_add(&ts->wg, -1);
	}
}

/* Stop the sampler and wait for it; returns the peak thread count. */
long long
bench__sampler_stop(struct threadsampler *ts, struct benchround *r)
{
	long long peak;

	atomic_store_explicit(&ts->stop, 1, memory_order_release);
	gs_wg_wait(&ts->wg);
	peak = atomic_load_explicit(&ts->peak, memory_order_relaxed);
	if (peak < 0)
		bench__benchfail(r, "cannot read Threads: from /proc/self/status", 1);
	return peak;
}

/*
 * Start n goroutines fn(arg), each counted in wg beforehand.  On a failure the
 * ones not started are taken off wg again and the round is marked failed.
 * Returns how many started.
 */
int64_t
bench__spawn_n(int64_t n, void (*fn)(void *), void *arg, gs_waitgroup *wg, struct benchround *r)
{
	int64_t i, id;

	gs_wg_add(wg, n);
	for (i = 0; i < n; i++) {
		id = gs_go(fn, arg);
		if (id < 0) {
			bench__benchfail(r, "gs_go", (int)id);
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

void
bench__sleep(const struct benchopts *o, struct benchround *r)
{
	struct sleeparg sa = { .ns = o->duration_ns, .wg = GS_WAITGROUP_INIT };
	struct threadsampler ts;
	int64_t t0, wall;

	bench__sampler_start(&ts, r);
	t0 = gs_nanotime();
	bench__spawn_n(o->n, sleep_g, &sa, &sa.wg, r);
	gs_wg_wait(&sa.wg);
	wall = gs_nanotime() - t0;
	r->threads = bench__sampler_stop(&ts, r);
	r->value = bench__seconds(wall);
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

void
bench__syscallblock(const struct benchopts *o, struct benchround *r)
{
	struct sysblockarg sb = { .ns = o->duration_ns, .wg = GS_WAITGROUP_INIT };
	struct threadsampler ts;
	int64_t t0;
	int err;

	atomic_init(&sb.err, 0);
	bench__sampler_start(&ts, r);
	t0 = gs_nanotime();
	bench__spawn_n(o->n, sysblock_g, &sb, &sb.wg, r);
	gs_wg_wait(&sb.wg);
	r->value = bench__seconds(gs_nanotime() - t0);
	r->threads = bench__sampler_stop(&ts, r);
	err = atomic_load(&sb.err);
	if (err != 0)
		bench__benchfail(r, "gs_nanosleep", err);
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

void
bench__netwait(const struct benchopts *o, struct benchround *r)
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
		bench__benchfail(r, "netwait: RLIMIT_NOFILE is too low for 2N descriptors", rc);
		return;
	}
	nw.cfd = malloc((size_t)o->n * sizeof(int));
	nw.afd = malloc((size_t)o->n * sizeof(int));
	rds = malloc((size_t)o->n * sizeof(*rds));
	if (nw.cfd == NULL || nw.afd == NULL || rds == NULL) {
		bench__benchfail(r, "malloc", GS_ENOMEM);
		goto out;
	}

	/* Setup, not timed: a listener on 127.0.0.1:0 and N connections to it. */
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (lfd < 0) {
		bench__benchfail(r, "netwait: socket() for the listener failed", 1);
		goto out;
	}
	if (bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) != 0 || listen(lfd, SOMAXCONN) != 0 ||
	    getsockname(lfd, (struct sockaddr *)&sin, &sinlen) != 0) {
		bench__benchfail(r, "netwait: cannot listen on 127.0.0.1:0", 1);
		close(lfd);
		lfd = -1;
		goto out;
	}
	rc = gs_fd_open(lfd);
	if (rc < 0) {
		bench__benchfail(r, "gs_fd_open", rc);
		close(lfd);
		lfd = -1;
		goto out;
	}
	for (i = 0; i < o->n; i++) {
		fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			bench__benchfail(r, "netwait: socket() failed (too many open files?)", 1);
			goto out;
		}
		rc = gs_fd_open(fd);
		if (rc < 0) {
			bench__benchfail(r, "gs_fd_open", rc);
			close(fd);
			goto out;
		}
		nw.cfd[nc++] = fd;
		tcp_nodelay(fd);
		rc = gs_fd_connect(fd, (struct sockaddr *)&sin, sizeof(sin));
		if (rc < 0) {
			bench__benchfail(r, "gs_fd_connect", rc);
			goto out;
		}
		rc = gs_fd_accept(lfd, NULL, NULL);
		if (rc < 0) {
			bench__benchfail(r, "gs_fd_accept", rc);
			goto out;
		}
		nw.afd[na++] = rc;
		tcp_nodelay(rc);
	}
	for (i = 0; i < o->n; i++)
		rds[i] = (struct netreader){ .nw = &nw, .fd = nw.cfd[i] };

	/* Timed: from spawning the readers until every one has its byte. */
	bench__sampler_start(&ts, r);
	t0 = gs_nanotime();
	gs_wg_add(&nw.readers, o->n);
	for (i = 0; i < o->n; i++) {
		int64_t id = gs_go(netreader_g, &rds[i]);

		if (id < 0) {
			bench__benchfail(r, "gs_go", (int)id);
			gs_wg_add(&nw.readers, -(o->n - i));
			break;
		}
	}
	bench__spawn_n(1, netwriter_g, &nw, &nw.writer, r);
	if (r->err != 0) {
		/* A reader may be waiting on a byte that will not come. */
		for (i = 0; i < na; i++)
			shutdown(nw.afd[i], SHUT_WR);
	}
	gs_wg_wait(&nw.readers);
	r->value = bench__seconds(gs_nanotime() - t0);
	gs_wg_wait(&nw.writer);
	r->threads = bench__sampler_stop(&ts, r);
	if (atomic_load(&nw.err) != 0)
		bench__benchfail(r, atomic_load(&nw.failed), atomic_load(&nw.err));
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

/* ---- idle: the wake-ups of a program that does nothing ---------------------- */

#define IDLE_SETTLE_NS 200000000LL /* before counting: start-up is over */

/*
 * The main goroutine sleeps for D and nothing else runs.  Every thread that
 * wakes from a sleep or a wait switches in voluntarily, so the wake-ups are the
 * voluntary_ctxt_switches of all threads (/proc/self/task/<tid>/status) over
 * D, per second.  The main goroutine's own wake at the end counts too, on both
 * sides.
 */
void
bench__idle(const struct benchopts *o, struct benchround *r)
{
	static char buf[4096];
	long long c0, c1;
	int64_t t0;

	gs_sleep(IDLE_SETTLE_NS);
	c0 = procstat_sum_tasks("voluntary_ctxt_switches:", buf, sizeof buf);
	t0 = gs_nanotime();
	gs_sleep(o->duration_ns);
	c1 = procstat_sum_tasks("voluntary_ctxt_switches:", buf, sizeof buf);
	r->threads = procstatus("Threads:");
	if (c0 < 0 || c1 < 0) {
		bench__benchfail(r, "idle: cannot read /proc/self/task", 1);
		return;
	}
	r->value = (double)(c1 - c0) / bench__seconds(gs_nanotime() - t0);
}
