/*
 * workerpool.c - the seed's workerPoolServer ("Pattern 3: Worker Pool") on
 * libgsched, with a real loopback server and an in-process client so that it
 * ends by itself.
 *
 * A fixed number of worker goroutines (100) take connections from a buffered
 * jobs channel (10000).  Each accepted connection's goroutine reads the request
 * and queues it with Go's
 *
 *	select { case jobs <- r: ... case <-time.After(5 * time.Second): 408 }
 *
 * (gs_select over the channel and a gs_timer).  A worker does the CPU-bound
 * processJob loop and answers "Done".  The client sends N requests at once, each
 * on its own goroutine, and counts the answers.  The Go code prints nothing;
 * this prints how many requests the workers answered, how many timed out in the
 * queue (408), the most requests queued at once, and the goroutines and threads
 * it took.  It exits 1 if a request failed or went unanswered.
 *
 * usage: workerpool [-n REQUESTS] [-w WORKERS] [-q QUEUE] [-i ITERATIONS] [-t TIMEOUT]
 */
#include "demo.h"

#include <stdatomic.h>
#include <stdio.h>

static int64_t nrequests = 2000;
static int64_t nworkers = 100;
static int64_t queue_cap = 10000;
static int64_t iterations = 1000000; /* processJob: about a millisecond */
static int64_t timeout_ns = 5000000000LL;

static gs_chan *jobs; /* of int: accepted connections with a request read */
static gs_waitgroup workers = GS_WAITGROUP_INIT;
static atomic_long queued_peak;
static volatile uint64_t sink;

static void
worker_g(void *arg)
{
	int fd;
	uint64_t sum;

	(void)arg;
	while (gs_chan_recv(jobs, &fd) == 1) {
		gs_preemptible_begin();
		sum = demo_spin((uint64_t)fd, iterations);
		gs_preemptible_end();
		sink = sum;
		demo_reply(fd, "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nDone");
	}
	gs_wg_done(&workers);
}

/* The seed's http.HandleFunc body, once the request is read: queue it or time out. */
static void
handle(int fd)
{
	gs_timer *t = gs_timer_new(timeout_ns);
	gs_select_case cases[2];
	int64_t fired;

	if (t == NULL) {
		demo_fail("gs_timer_new");
		gs_fd_close(fd);
		return;
	}
	cases[0] = (gs_select_case){ .chan = jobs, .dir = GS_SELECT_SEND, .elem = &fd };
	cases[1] =
	    (gs_select_case){ .chan = gs_timer_chan(t), .dir = GS_SELECT_RECV, .elem = &fired };
	if (gs_select(cases, 2, false, NULL) == 0)
		demo_note_peak(&queued_peak, (long)gs_chan_len(jobs)); /* a worker owns fd */
	else
		demo_reply(fd,
		    "HTTP/1.1 408 Request Timeout\r\nContent-Length: 8\r\n\r\n"
		    "Timeout\n");
	gs_timer_free(t);
}

static struct demo_server srv = {
	.handle = handle,
	.request = "POST /api HTTP/1.1\r\nHost: localhost\r\n\r\n",
};

static void
main_g(void *arg)
{
	char a[32], b[32];
	int64_t start, i;
	long answered, timedout, failed;
	int rc;

	(void)arg;
	srv.n = nrequests;
	jobs = gs_chan_make(sizeof(int), (size_t)queue_cap);
	if (jobs == NULL || (rc = demo_server_start(&srv)) < 0) {
		demo_fail("server setup: %s", jobs == NULL ? "chan" : gs_strerror(rc));
		return;
	}
	printf("worker-pool server on 127.0.0.1:%d: %lld workers, a queue of %lld, %s "
	       "timeout\n",
	    srv.port, (long long)nworkers, (long long)queue_cap,
	    demo_dur(a, sizeof(a), timeout_ns));
	for (i = 0; i < nworkers; i++) {
		gs_wg_add(&workers, 1);
		if (gs_go(worker_g, NULL) < 0) {
			demo_fail("gs_go");
			gs_wg_done(&workers);
		}
	}
	start = demo_now();
	demo_server_run(&srv);
	gs_chan_close(jobs);
	gs_wg_wait(&workers);
	answered = atomic_load(&srv.answers[2]);
	timedout = atomic_load(&srv.answers[4]);
	failed = (long)nrequests - answered - timedout;
	printf("%lld requests: %ld answered by a worker (200 Done), %ld timed out in the "
	       "queue (408), %ld failed, in %s\n",
	    (long long)nrequests, answered, timedout, failed,
	    demo_dur(b, sizeof(b), demo_now() - start));
	printf("most requests waiting in the queue: %ld; %lld worker goroutines out of at "
	       "most %ld; OS threads %ld\n",
	    atomic_load(&queued_peak), (long long)nworkers, atomic_load(&srv.goroutines_peak),
	    demo_status("Threads:"));
	if (failed != 0)
		demo_fail("%ld requests failed", failed);
	demo_server_stop(&srv);
	gs_chan_free(jobs);
}

int
main(int argc, char **argv)
{
	struct demo_flag flags[] = {
		{ 'n', "requests the client sends at once", false, 1, 100000, &nrequests },
		{ 'w', "worker goroutines", false, 1, 100000, &nworkers },
		{ 'q', "capacity of the jobs queue", false, 1, 10000000, &queue_cap },
		{ 'i', "loop iterations per job (processJob)", false, 0, 10000000000LL,
		    &iterations },
		{ 't', "how long a request may wait to be queued", true, 1, 600000000000LL,
		    &timeout_ns },
	};

	demo_flags(argc, argv,
	    "The seed's workerPoolServer over loopback TCP, with its "
	    "own client.",
	    flags, 5);
	if (demo_nofile(2 * nrequests + 64) != 0) {
		fprintf(stderr,
		    "workerpool: %lld requests need %lld descriptors, more than "
		    "RLIMIT_NOFILE allows\n",
		    (long long)nrequests, (long long)(2 * nrequests + 64));
		return 1;
	}
	return demo_run(main_g, NULL, 0);
}
