/*
 * threadsvsgoroutines.c - the seed's compareThreadsVsGoroutines (section 8),
 * measured instead of estimated.
 *
 * The Go program prints, for 10,000 requests, "Memory: 10000 threads x 2MB =
 * 19GB", "Context switches: Kernel-level, ~1-2 microseconds each", "Result:
 * System would likely crash or thrash", and for goroutines "x 2KB = 19MB",
 * "~200 nanoseconds", then runs the requests as goroutines (sleeps of 10, 20 and
 * 5 ms) and prints the time and "Running on only GOMAXPROCS OS threads!".
 *
 * Here both halves really run.  The thread half starts one pthread per request
 * (default attributes); each waits at a gate until all are created, so all
 * 10,000 exist at once as in the seed's scenario, then does the three sleeps.
 * The goroutine half does the same with goroutines.  Every figure printed is
 * measured on this machine: the stack each thread reserves (virtual) and the
 * resident memory each really costs (VmRSS growth with all of them alive; for
 * goroutines once every one has run and parked at the gate), the
 * creation cost, a context switch (two threads ping-ponging over a condition
 * variable on one CPU, against two goroutines over unbuffered channels with
 * GOMAXPROCS=1), the time to handle the requests, and the OS threads the
 * goroutines ran on.  If pthread_create fails, the result line says after how
 * many threads and why; the goroutine half still runs.
 *
 * usage: threadsvsgoroutines [-n REQUESTS] [-r ROUNDTRIPS]
 */
#define _GNU_SOURCE /* pthread_getattr_default_np, CPU_SET, sched_getcpu */
#include "demo.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int64_t requests = 10000;
static int64_t roundtrips = 20000;

/* The seed's handler: a database query, an API call, a response write. */
static const int64_t phases_ns[3] = { 10000000, 20000000, 5000000 };

static atomic_long handled;

/* ---- threads ------------------------------------------------------------- */

static pthread_mutex_t gate_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cv = PTHREAD_COND_INITIALIZER;
static bool gate_open;

static void *
request_thread(void *arg)
{
	struct timespec ts;
	int i;

	(void)arg;
	pthread_mutex_lock(&gate_mu);
	while (!gate_open)
		pthread_cond_wait(&gate_cv, &gate_mu);
	pthread_mutex_unlock(&gate_mu);
	for (i = 0; i < 3; i++) {
		ts.tv_sec = 0;
		ts.tv_nsec = phases_ns[i];
		while (nanosleep(&ts, &ts) != 0)
			;
	}
	atomic_fetch_add(&handled, 1);
	return NULL;
}

/* A condition-variable ping-pong between two threads on one CPU. */
static struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int turn; /* 0: the pinger's, 1: the ponger's, 2: stop */
} pp = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0 };

static void *
ponger(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&pp.mu);
	for (;;) {
		while (pp.turn == 0)
			pthread_cond_wait(&pp.cv, &pp.mu);
		if (pp.turn == 2)
			break;
		pp.turn = 0;
		pthread_cond_signal(&pp.cv);
	}
	pthread_mutex_unlock(&pp.mu);
	return NULL;
}

/* ns per switch (half a round trip), or -1 if the threads could not start. */
static double
thread_switch_ns(void)
{
	pthread_attr_t attr;
	pthread_t tid;
	cpu_set_t one;
	int64_t start;
	long i;

	CPU_ZERO(&one);
	CPU_SET(sched_getcpu() < 0 ? 0 : sched_getcpu(), &one);
	sched_setaffinity(0, sizeof(one), &one);
	pthread_attr_init(&attr);
	pthread_attr_setaffinity_np(&attr, sizeof(one), &one);
	if (pthread_create(&tid, &attr, ponger, NULL) != 0) {
		pthread_attr_destroy(&attr);
		return -1;
	}
	pthread_attr_destroy(&attr);
	start = demo_now();
	pthread_mutex_lock(&pp.mu);
	for (i = 0; i < roundtrips; i++) {
		pp.turn = 1;
		pthread_cond_signal(&pp.cv);
		while (pp.turn == 1)
			pthread_cond_wait(&pp.cv, &pp.mu);
	}
	pp.turn = 2;
	pthread_cond_signal(&pp.cv);
	pthread_mutex_unlock(&pp.mu);
	pthread_join(tid, NULL);
	return (double)(demo_now() - start) / (2.0 * (double)roundtrips);
}

static void
threads_half(void)
{
	pthread_t *tids = calloc((size_t)requests, sizeof(*tids));
	pthread_attr_t attr;
	size_t stack = 0;
	char a[32], b[32], c[32];
	long rss0, rss1, created = 0;
	int64_t t0, tcreate, tdone;
	double sw;
	int err = 0;

	if (tids == NULL) {
		demo_fail("out of memory");
		return;
	}
	if (pthread_getattr_default_np(&attr) == 0) {
		pthread_attr_getstacksize(&attr, &stack);
		pthread_attr_destroy(&attr);
	}
	rss0 = demo_status("VmRSS:");
	t0 = demo_now();
	for (created = 0; created < requests; created++) {
		err = pthread_create(&tids[created], NULL, request_thread, NULL);
		if (err != 0)
			break;
	}
	tcreate = demo_now() - t0;
	rss1 = demo_status("VmRSS:");
	pthread_mutex_lock(&gate_mu);
	gate_open = true;
	pthread_cond_broadcast(&gate_cv);
	pthread_mutex_unlock(&gate_mu);
	t0 = demo_now();
	for (long i = 0; i < created; i++)
		pthread_join(tids[i], NULL);
	tdone = demo_now() - t0;
	free(tids);
	sw = thread_switch_ns();

	printf("=== If we used OS Threads ===\n");
	printf("Memory: %lld threads × %zu MB stack = %.1f GB of address space reserved; "
	       "resident, measured: %.1f kB per thread (%ld MB for %ld threads)\n",
	    (long long)requests, stack >> 20, (double)stack * (double)requests / (1 << 30),
	    created > 0 ? (double)(rss1 - rss0) / (double)created : 0.0, (rss1 - rss0) / 1024,
	    created);
	printf("Context switches: Kernel-level, %s each (measured: condvar ping-pong, "
	       "2 threads on 1 CPU)\n",
	    sw < 0 ? "n/a" : demo_dur(a, sizeof(a), (int64_t)(sw + 0.5)));
	if (err != 0)
		printf("Result: pthread_create failed after %ld of %lld threads: %s; those "
		       "handled their requests in %s\n",
		    created, (long long)requests, strerror(err), demo_dur(a, sizeof(a), tdone));
	else
		printf("Result: no crash: %ld threads, all alive at once, handled %ld requests "
		       "in %s; creating them took %s (%s per thread)\n",
		    created, atomic_load(&handled), demo_dur(a, sizeof(a), tdone),
		    demo_dur(b, sizeof(b), tcreate),
		    demo_dur(c, sizeof(c), created ? tcreate / created : 0));
	printf("(the seed's figures: 2 MB per thread, ~1-2 µs per switch, \"System would "
	       "likely crash or thrash\")\n");
}

/* ---- goroutines ---------------------------------------------------------- */

static gs_chan *gate;
static gs_waitgroup wg = GS_WAITGROUP_INIT;
static atomic_long arrived; /* goroutines that have run up to the gate */

static void
request_g(void *arg)
{
	int i;

	(void)arg;
	atomic_fetch_add(&arrived, 1);
	gs_chan_recv(gate, NULL); /* returns when the gate is closed */
	for (i = 0; i < 3; i++)
		gs_sleep(phases_ns[i]); /* its thread runs other goroutines meanwhile */
	atomic_fetch_add(&handled, 1);
	gs_wg_done(&wg);
}

struct chanpp {
	gs_chan *ping, *pong;
	gs_waitgroup done;
};

static void
pong_g(void *arg)
{
	struct chanpp *c = arg;
	int v;

	while (gs_chan_recv(c->ping, &v) == 1)
		gs_chan_send(c->pong, &v);
	gs_wg_done(&c->done);
}

static double
goroutine_switch_ns(void)
{
	struct chanpp c = { gs_chan_make(sizeof(int), 0), gs_chan_make(sizeof(int), 0),
		GS_WAITGROUP_INIT };
	int64_t start;
	int prev, v = 0;
	long i;
	double ns;

	if (c.ping == NULL || c.pong == NULL)
		return -1;
	prev = gs_set_gomaxprocs(1);
	gs_wg_add(&c.done, 1);
	if (gs_go(pong_g, &c) < 0)
		return -1;
	start = demo_now();
	for (i = 0; i < roundtrips; i++) {
		gs_chan_send(c.ping, &v);
		gs_chan_recv(c.pong, &v);
	}
	ns = (double)(demo_now() - start) / (2.0 * (double)roundtrips);
	gs_chan_close(c.ping);
	gs_wg_wait(&c.done);
	gs_chan_free(c.ping);
	gs_chan_free(c.pong);
	if (prev > 0)
		gs_set_gomaxprocs(prev);
	return ns;
}

static void
goroutines_g(void *arg)
{
	char a[32], b[32];
	long rss0, rss1, i;
	int64_t t0, tcreate, tdone;
	gs_stats st;
	int peak_threads = 0;
	double sw;

	(void)arg;
	atomic_store(&handled, 0);
	gate = gs_chan_make(0, 0);
	if (gate == NULL) {
		demo_fail("gs_chan_make");
		return;
	}
	rss0 = demo_status("VmRSS:");
	t0 = demo_now();
	for (i = 0; i < requests; i++) {
		gs_wg_add(&wg, 1);
		if (gs_go(request_g, NULL) < 0) {
			demo_fail("gs_go failed after %ld goroutines", i);
			gs_wg_done(&wg);
			break;
		}
	}
	tcreate = demo_now() - t0;
	/* Measure only once every goroutine has run and parked at the gate: then
	 * each has touched its stack as far as a parked goroutine does. */
	while (atomic_load(&arrived) < i ||
	    (gs_read_stats(&st) == 0 && st.by_waitreason[GS_WAIT_CHAN_RECV] < i))
		gs_sleep(1000000);
	rss1 = demo_status("VmRSS:");
	t0 = demo_now();
	gs_chan_close(gate);
	/* The peak thread count, sampled while the requests are handled. */
	while (atomic_load(&handled) < requests) {
		if (gs_read_stats(&st) == 0 && st.threads > peak_threads)
			peak_threads = st.threads;
		gs_sleep(1000000);
	}
	gs_wg_wait(&wg);
	tdone = demo_now() - t0;
	sw = goroutine_switch_ns();

	printf("\n=== With Goroutines ===\n");
	printf("Memory: %lld goroutines × 64 KB stack = %lld MB of address space reserved "
	       "(gsched's default; Go's start at 2 KB); resident, measured with every one "
	       "run and parked: %.1f kB per goroutine (%ld MB)\n",
	    (long long)requests, (long long)requests * 64 / 1024,
	    (double)(rss1 - rss0) / (double)requests, (rss1 - rss0) / 1024);
	printf("Context switches: User-level, %s (measured: channel ping-pong, "
	       "GOMAXPROCS=1)\n",
	    sw < 0 ? "n/a" : demo_dur(a, sizeof(a), (int64_t)(sw + 0.5)));
	printf("Handled %ld requests in %s (creating the goroutines took %s)\n",
	    atomic_load(&handled), demo_dur(a, sizeof(a), tdone), demo_dur(b, sizeof(b), tcreate));
	printf("Running on only %d OS threads! (the most Ms seen while handling; "
	       "GOMAXPROCS=%d)\n",
	    peak_threads, gs_gomaxprocs());
	if (atomic_load(&handled) != requests)
		demo_fail("%ld of %lld requests handled", atomic_load(&handled),
		    (long long)requests);
	gs_chan_free(gate);
}

int
main(int argc, char **argv)
{
	struct demo_flag flags[] = {
		{ 'n', "requests", false, 1, 1000000, &requests },
		{ 'r', "ping-pong round trips per switch measurement", false, 1, 100000000,
		    &roundtrips },
	};
	cpu_set_t all;
	int rc;

	demo_flags(argc, argv,
	    "The seed's compareThreadsVsGoroutines, with both halves "
	    "run and measured.",
	    flags, 2);
	/* The thread half pins itself to one CPU for the switch; the runtime must
	 * have them all, so keep the mask and give it back. */
	sched_getaffinity(0, sizeof(all), &all);
	threads_half();
	sched_setaffinity(0, sizeof(all), &all);
	fflush(stdout);
	rc = demo_run(goroutines_g, NULL, 0);
	return rc;
}
