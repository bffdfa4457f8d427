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
#include <string.h>

static int64_t nrequests = 2000;
static int64_t nworkers = 100;
static int64_t queue_cap = 10000;
static int64_t iterations = 1000000; /* processJob: about a millisecond */
static int64_t timeout_ns = 5000000000LL;

static gs_chan *jobs; /* of int: accepted connections with a request read */
static int listen_fd, port;
static gs_waitgroup workers = GS_WAITGROUP_INIT;
static gs_waitgroup conns = GS_WAITGROUP_INIT;
static gs_waitgroup clients = GS_WAITGROUP_INIT;
static atomic_long answered, timedout, failed, queued_peak, goroutines_peak;
static volatile uint64_t sink;

static void
note_peak(atomic_long *peak, long v)
{
	long p = atomic_load(peak);

	while (v > p && !atomic_compare_exchange_weak(peak, &p, v))
		;
}

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

/* The seed's http.HandleFunc body: queue the request, or time out. */
static void
conn_g(void *arg)
{
	int fd = (int)(intptr_t)arg;
	gs_timer *t = NULL;
	gs_select_case cases[2];
	char req[512];
	int64_t fired;

	if (demo_read_request(fd, req, sizeof(req)) < 0) {
		gs_fd_close(fd);
		atomic_fetch_add(&failed, 1);
		goto out;
	}
	t = gs_timer_new(timeout_ns);
	if (t == NULL) {
		demo_fail("gs_timer_new");
		gs_fd_close(fd);
		goto out;
	}
	cases[0] = (gs_select_case){.chan = jobs, .dir = GS_SELECT_SEND, .elem = &fd};
	cases[1] = (gs_select_case){.chan = gs_timer_chan(t), .dir = GS_SELECT_RECV,
				    .elem = &fired};
	if (gs_select(cases, 2, false, NULL) == 0) {
		note_peak(&queued_peak, (long)gs_chan_len(jobs)); /* the worker has it now */
	} else {
		demo_reply(fd, "HTTP/1.1 408 Request Timeout\r\nContent-Length: 8\r\n\r\n"
			       "Timeout\n");
	}
	gs_timer_free(t);
out:
	gs_wg_done(&conns);
}

static void
accept_loop_g(void *arg)
{
	int64_t i;
	int fd;

	(void)arg;
	for (i = 0; i < nrequests; i++) {
		fd = gs_fd_accept(listen_fd, NULL, NULL);
		if (fd < 0) {
			demo_fail("accept: %s", gs_strerror(fd));
			break;
		}
		gs_wg_add(&conns, 1);
		if (gs_go(conn_g, (void *)(intptr_t)fd) < 0) {
			demo_fail("gs_go");
			gs_fd_close(fd);
			gs_wg_done(&conns);
		}
		note_peak(&goroutines_peak, gs_numgoroutine());
	}
	gs_wg_done(&conns);
}

static void
client_g(void *arg)
{
	char resp[512];
	ssize_t n;

	(void)arg;
	n = demo_http_get(port, "POST /api HTTP/1.1\r\nHost: localhost\r\n\r\n", resp,
			  sizeof(resp));
	if (n > 0 && strncmp(resp, "HTTP/1.1 200 ", 13) == 0 && strstr(resp, "Done") != NULL)
		atomic_fetch_add(&answered, 1);
	else if (n > 0 && strncmp(resp, "HTTP/1.1 408 ", 13) == 0)
		atomic_fetch_add(&timedout, 1);
	else
		atomic_fetch_add(&failed, 1);
	gs_wg_done(&clients);
}

static void
main_g(void *arg)
{
	char a[32], b[32];
	int64_t start, i;

	(void)arg;
	jobs = gs_chan_make(sizeof(int), (size_t)queue_cap);
	listen_fd = demo_listen(&port);
	if (jobs == NULL || listen_fd < 0) {
		demo_fail("server setup: %s", listen_fd < 0 ? gs_strerror(listen_fd) : "chan");
		return;
	}
	printf("worker-pool server on 127.0.0.1:%d: %lld workers, a queue of %lld, %s "
	       "timeout\n",
	       port, (long long)nworkers, (long long)queue_cap,
	       demo_dur(a, sizeof(a), timeout_ns));
	for (i = 0; i < nworkers; i++) {
		gs_wg_add(&workers, 1);
		if (gs_go(worker_g, NULL) < 0) {
			demo_fail("gs_go");
			gs_wg_done(&workers);
		}
	}
	gs_wg_add(&conns, 1);
	gs_go(accept_loop_g, NULL);

	start = demo_now();
	for (i = 0; i < nrequests; i++) {
		gs_wg_add(&clients, 1);
		if (gs_go(client_g, NULL) < 0) {
			demo_fail("gs_go");
			gs_wg_done(&clients);
		}
	}
	gs_wg_wait(&clients);
	gs_wg_wait(&conns);
	gs_chan_close(jobs);
	gs_wg_wait(&workers);
	printf("%lld requests: %ld answered by a worker (200 Done), %ld timed out in the "
	       "queue (408), %ld failed, in %s\n",
	       (long long)nrequests, atomic_load(&answered), atomic_load(&timedout),
	       atomic_load(&failed), demo_dur(b, sizeof(b), demo_now() - start));
	printf("most requests waiting in the queue: %ld; %lld worker goroutines out of at "
	       "most %ld; OS threads %ld\n",
	       atomic_load(&queued_peak), (long long)nworkers, atomic_load(&goroutines_peak),
	       demo_status("Threads:"));
	if (atomic_load(&failed) != 0 ||
	    atomic_load(&answered) + atomic_load(&timedout) != nrequests)
		demo_fail("%ld requests failed", atomic_load(&failed));
	gs_fd_close(listen_fd);
	gs_chan_free(jobs);
}

int
main(int argc, char **argv)
{
	struct demo_flag flags[] = {
		{'n', "requests the client sends at once", false, 1, 100000, &nrequests},
		{'w', "worker goroutines", false, 1, 100000, &nworkers},
		{'q', "capacity of the jobs queue", false, 1, 10000000, &queue_cap},
		{'i', "loop iterations per job (processJob)", false, 0, 10000000000LL,
		 &iterations},
		{'t', "how long a request may wait to be queued", true, 1, 600000000000LL,
		 &timeout_ns},
	};

	demo_flags(argc, argv, "The seed's workerPoolServer over loopback TCP, with its "
			       "own client.",
		   flags, 5);
	if (demo_nofile(2 * nrequests + 64) != 0) {
		fprintf(stderr, "workerpool: %lld requests need %lld descriptors, more than "
				"RLIMIT_NOFILE allows\n",
			(long long)nrequests, (long long)(2 * nrequests + 64));
		return 1;
	}
	return demo_run(main_g, NULL, 0);
}
