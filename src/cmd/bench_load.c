/*
 * bench_load.c - the workloads of `gsched bench` that load the scheduler: cpu
 * and uneven (pure arithmetic), webserver, the cost of a snapshot, and the cost
 * of observing a run (--observe).
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
#include "live/ticker.h"

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

void
bench__cpu(const struct benchopts *o, struct benchround *r)
{
	struct cpuarg ca = { .iters = o->n, .wg = GS_WAITGROUP_INIT };
	int64_t t0;

	atomic_init(&ca.wrong, 0);
	t0 = gs_nanotime();
	bench__spawn_n(CPU_WORKERS, cpu_g, &ca, &ca.wg, r);
	gs_wg_wait(&ca.wg);
	r->value = bench__seconds(gs_nanotime() - t0);
	if (atomic_load(&ca.wrong) != 0)
		bench__benchfail(r, "cpu: a worker's sum came out wrong", 1);
}

/* The main goroutine spawns all 1000: the first 100 heavy, the rest light. */
void
bench__uneven(const struct benchopts *o, struct benchround *r)
{
	struct cpuarg ca = { .iters = o->n, .wg = GS_WAITGROUP_INIT };
	int64_t t0;

	atomic_init(&ca.wrong, 0);
	t0 = gs_nanotime();
	if (bench__spawn_n(UNEVEN_HEAVY, cpu_g, &ca, &ca.wg, r) == UNEVEN_HEAVY)
		bench__spawn_n(UNEVEN_TOTAL - UNEVEN_HEAVY, light_g, &ca, &ca.wg, r);
	gs_wg_wait(&ca.wg);
	r->value = bench__seconds(gs_nanotime() - t0);
	if (atomic_load(&ca.wrong) != 0)
		bench__benchfail(r, "uneven: a heavy goroutine's sum came out wrong", 1);
}

/* ---- setprocs: GOMAXPROCS changed from a goroutine beside busy ones -------- */

struct busyarg {
	atomic_int stop;
	gs_waitgroup wg;
};

/* CPU-bound until told to stop: preemptible, in pieces that each end with a
 * scheduling point (the stop flag is read between them). */
static void
busy_g(void *arg)
{
	struct busyarg *ba = arg;

	while (!atomic_load_explicit(&ba->stop, memory_order_relaxed))
		sum_to(100000);
	gs_wg_done(&ba->wg);
}

static int64_t setprocs_samples[SETPROCS_MAX_N];

/*
 * SETPROCS_BUSY goroutines spin while the main goroutine, N times, sleeps 1 ms
 * and then changes GOMAXPROCS between P and P+1 (P = -p, or the default; P-1
 * at 256).  The
 * value is the median time gs_set_gomaxprocs takes to return to its caller:
 * the stop of the world plus whatever wait the caller has before it runs on.
 */
void
bench__setprocs(const struct benchopts *o, struct benchround *r)
{
	struct busyarg ba = { .wg = GS_WAITGROUP_INIT };
	int base = gs_gomaxprocs(), n = (int)o->n;
	int other = base < BENCH_PROCS_MAX ? base + 1 : base - 1;

	atomic_init(&ba.stop, 0);
	bench__spawn_n(SETPROCS_BUSY, busy_g, &ba, &ba.wg, r);
	for (int i = 0; i < n && r->err == 0; i++) {
		gs_sleep(1000000);
		int64_t t0 = gs_nanotime();
		int old = gs_set_gomaxprocs(i % 2 == 0 ? other : base);
		setprocs_samples[i] = gs_nanotime() - t0;
		if (old < 0)
			bench__benchfail(r, "gs_set_gomaxprocs", old);
	}
	atomic_store(&ba.stop, 1);
	gs_wg_wait(&ba.wg);
	if (r->err != 0)
		return;
	bench__sort(setprocs_samples, n);
	r->value = (double)setprocs_samples[n / 2] / 1e3;
	r->p90_us = (double)setprocs_samples[n * 9 / 10] / 1e3;
}

/* ---- webserver: N requests, each sleeps 10, 20 and 5 ms in turn ------------ */

static void
webserver_g(void *arg)
{
	gs_waitgroup *wg = arg;

	gs_sleep(10000000);
	gs_sleep(20000000);
	gs_sleep(5000000);
	gs_wg_done(wg);
}

void
bench__webserver(const struct benchopts *o, struct benchround *r)
{
	gs_waitgroup wg = GS_WAITGROUP_INIT;
	struct threadsampler ts;
	int64_t t0;

	bench__sampler_start(&ts, r);
	t0 = gs_nanotime();
	bench__spawn_n(o->n, webserver_g, &wg, &wg, r);
	gs_wg_wait(&wg);
	r->value = bench__seconds(gs_nanotime() - t0);
	r->threads = bench__sampler_stop(&ts, r);
}

/* ---- snapshot: the cost of gs_snapshot_take with 64 Ps and N threads ------- */

/*
 * N goroutines block in read(2) on a pipe through gs_syscall_block, so each
 * holds its own thread (N Ms); GOMAXPROCS is 64.  Then the main goroutine
 * times SNAP_ITERS snapshots of up to 4096 Ms listing up to 64 queued
 * goroutines per P, and reports the median.  Writing N bytes releases them.
 */

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

void
bench__snapshot(const struct benchopts *o, struct benchround *r)
{
	struct snapblock sb = { .wg = GS_WAITGROUP_INIT };
	gs_snapshot *s = NULL;
	gs_stats st;
	int fds[2] = { -1, -1 };
	int64_t t0, started, sum = 0;
	int i, rc;

	atomic_init(&sb.err, 0);
	if (pipe(fds) != 0) {
		bench__benchfail(r, "snapshot: pipe() failed", 1);
		return;
	}
	sb.rfd = fds[0];
	s = gs_snapshot_new(SNAP_MAX_M, SNAP_RUNQ);
	if (s == NULL) {
		bench__benchfail(r, "gs_snapshot_new", GS_ENOMEM);
		goto out;
	}
	started = bench__spawn_n(o->n, snapblock_g, &sb, &sb.wg, r);
	/* Until every one is in its read(2), each on a thread of its own. */
	t0 = gs_nanotime();
	for (;;) {
		rc = gs_read_stats(&st);
		if (rc < 0) {
			bench__benchfail(r, "gs_read_stats", rc);
			break;
		}
		if (st.in_syscall >= started)
			break;
		if (gs_nanotime() - t0 > 60LL * 1000000000) {
			bench__benchfail(r, "snapshot: the goroutines did not all block within 60s",
			    1);
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
				bench__benchfail(r, "gs_snapshot_take", rc);
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
			bench__benchfail(r, "snapshot: write to the pipe failed", 1);
			close(fds[1]); /* EOF releases the rest */
			fds[1] = -1;
			break;
		}
		left -= put;
	}
	gs_wg_wait(&sb.wg);
	if (r->err == 0 && atomic_load(&sb.err) != 0)
		bench__benchfail(r, "snapshot: a blocked read(2) failed", 1);
	if (r->err == 0) {
		bench__sort(snap_samples, SNAP_ITERS);
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
 * would, through the same ticker.  It starts before gs_run, waits for the
 * main goroutine to say the runtime is up, switches events on, and stops
 * (events off, a last drain) when the main goroutine asks, before gs_run
 * returns.
 */
#define OBSERVE_STEP_NS 10000000 /* the longest sleep: how soon a stop is seen */

struct observer bench__observer;

/* The ticker's sink: the totals bench.c reports. */
static int
observer_tick(void *ctx, const tick_info *info, const tick_data *t)
{
	struct observer *ob = ctx;

	(void)info;
	ob->snaps++;
	ob->snap_ns += t->snap->take_ns;
	ob->events += (uint64_t)t->nev;
	ob->dropped += t->dropped;
	return 0;
}

/* Sleep to the deadline in steps, to stop soon when asked. */
static int
observer_wait(void *ctx, uint64_t deadline)
{
	struct observer *ob = ctx;
	uint64_t now;

	while ((now = (uint64_t)gs_nanotime()) < deadline &&
	    !atomic_load_explicit(&ob->stop, memory_order_acquire))
		ticker_sleep_until(
		    deadline - now > OBSERVE_STEP_NS ? now + OBSERVE_STEP_NS : deadline);
	return atomic_load_explicit(&ob->stop, memory_order_acquire) ? TICKER_STOP : TICKER_TICK;
}

static void *
observer_main(void *arg)
{
	struct observer *ob = arg;
	uint64_t dropped;
	int rc;

	while (!atomic_load(&ob->up) && !atomic_load(&ob->stop))
		ticker_sleep_until((uint64_t)gs_nanotime() + 100000);
	if (atomic_load(&ob->stop))
		goto out;
	gs_events_enable(true);
	gs_set_accounting(true);
	ticker_reschedule(ob->tk, (uint64_t)gs_nanotime(), 1000000000ULL / (uint64_t)ob->hz);
	if ((rc = ticker_run(ob->tk, 0, observer_wait, ob)) < 0)
		ob->err = rc;
	gs_events_enable(false);
	gs_set_accounting(false);
	ob->events += ticker_drain(ob->tk, &dropped);
	ob->dropped += dropped;
out:
	atomic_store_explicit(&ob->stopped, 1, memory_order_release);
	return NULL;
}

int
bench__observer_start(struct observer *ob, int hz)
{
	memset(ob, 0, sizeof(*ob));
	ob->hz = hz;
	tick_sink sink = { NULL, observer_tick, NULL, ob };
	/* the schedule is set when the runtime is up */
	ticker_opts to = { .interval_ns = 1000000000ULL / (uint64_t)hz,
		.late = TICKER_CATCH_UP,
		.max_m = 4096,
		.runq_max = 256,
		.sinks = &sink,
		.nsinks = 1 };
	if ((ob->tk = ticker_new(&to)) == NULL)
		return -1;
	if (pthread_create(&ob->thread, NULL, observer_main, ob) != 0) {
		ticker_free(ob->tk);
		ob->tk = NULL;
		return -1;
	}
	return 0;
}

/* On the main goroutine, after the rounds: wait until the observer is done
 * with the runtime (it sleeps at most OBSERVE_STEP_NS at a time). */
void
bench__observer_stop_g(struct observer *ob)
{
	atomic_store_explicit(&ob->stop, 1, memory_order_release);
	while (!atomic_load_explicit(&ob->stopped, memory_order_acquire))
		gs_sleep(1000000);
}

void
bench__observer_join(struct observer *ob)
{
	atomic_store(&ob->stop, 1);
	pthread_join(ob->thread, NULL);
	ticker_free(ob->tk);
	ob->tk = NULL;
}
