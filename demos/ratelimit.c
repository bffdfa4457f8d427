/*
 * ratelimit.c - the seed's rateLimitedServer ("Pattern 2: Rate Limiting") on
 * libgsched, with a real loopback server and an in-process client so that it
 * ends by itself.
 *
 * The server accepts on 127.0.0.1 and serves each connection on a goroutine.
 * A buffered channel of capacity LIMIT is the limiter: a handler that can put a
 * token in (gs_chan_trysend, Go's select with default) handles the request
 * (sleeps D, answers "Done") and takes its token back; one that cannot answers
 * "503 Server busy" at once.  The client starts N requests at the same time,
 * each on its own goroutine, over real sockets through the netpoller, and counts
 * the answers.  The Go code prints nothing; this prints what happened:
 *
 *	rate-limited server on 127.0.0.1:PORT: at most 1000 requests at once, each takes 100ms
 *	2000 requests: 1000 served (200 Done), 1000 rejected at once (503 Server busy), 0 failed, in 103ms
 *	most handlers busy at once: 1000 (limit 1000); goroutines at most 4003; OS threads 5
 *
 * It exits 1 if a request failed, an answer was neither, or more than LIMIT
 * handlers were ever busy at once.
 *
 * usage: ratelimit [-n REQUESTS] [-c LIMIT] [-d HANDLE_TIME]
 */
#include "demo.h"

#include <stdatomic.h>
#include <stdio.h>

static int64_t nrequests = 2000;
static int64_t limit = 1000;
static int64_t handle_ns = 100000000; /* 100ms, the seed's unlimitedHandler work */

static gs_chan *limiter; /* tokens: a full channel means LIMIT requests in progress */
static atomic_long busy, busy_peak;

/* The seed's http.HandleFunc body, once the request is read. */
static void
handle(int fd)
{
	if (gs_chan_trysend(limiter, NULL) == 1) { /* acquired a slot */
		demo_note_peak(&busy_peak, atomic_fetch_add(&busy, 1) + 1);
		gs_sleep(handle_ns); /* process the request */
		atomic_fetch_sub(&busy, 1);
		demo_reply(fd, "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nDone");
		gs_chan_recv(limiter, NULL); /* release the slot */
	} else {                             /* no slot: reject at once */
		demo_reply(fd,
		    "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 12\r\n\r\n"
		    "Server busy\n");
	}
}

static struct demo_server srv = {
	.handle = handle,
	.request = "GET /api HTTP/1.1\r\nHost: localhost\r\n\r\n",
};

static void
main_g(void *arg)
{
	char a[32], b[32];
	int64_t start;
	long served, rejected, failed;
	int rc;

	(void)arg;
	srv.n = nrequests;
	limiter = gs_chan_make(0, (size_t)limit);
	if (limiter == NULL || (rc = demo_server_start(&srv)) < 0) {
		demo_fail("server setup: %s", limiter == NULL ? "chan" : gs_strerror(rc));
		return;
	}
	printf("rate-limited server on 127.0.0.1:%d: at most %lld requests at once, each "
	       "takes %s\n",
	    srv.port, (long long)limit, demo_dur(a, sizeof(a), handle_ns));
	start = demo_now();
	demo_server_run(&srv);
	served = atomic_load(&srv.answers[2]);
	rejected = atomic_load(&srv.answers[5]);
	failed = (long)nrequests - served - rejected;
	printf("%lld requests: %ld served (200 Done), %ld rejected at once (503 Server busy), "
	       "%ld failed, in %s\n",
	    (long long)nrequests, served, rejected, failed,
	    demo_dur(b, sizeof(b), demo_now() - start));
	printf("most handlers busy at once: %ld (limit %lld); goroutines at most %ld; OS "
	       "threads %ld\n",
	    atomic_load(&busy_peak), (long long)limit, atomic_load(&srv.goroutines_peak),
	    demo_status("Threads:"));
	if (failed != 0)
		demo_fail("%ld requests failed", failed);
	if (atomic_load(&busy_peak) > limit)
		demo_fail("the limiter let %ld handlers in at once", atomic_load(&busy_peak));
	demo_server_stop(&srv);
	gs_chan_free(limiter);
}

int
main(int argc, char **argv)
{
	struct demo_flag flags[] = {
		{ 'n', "requests the client sends at once", false, 1, 100000, &nrequests },
		{ 'c', "requests handled at once (the limiter's capacity)", false, 1, 100000,
		    &limit },
		{ 'd', "how long handling a request takes", true, 1, 60000000000LL, &handle_ns },
	};

	demo_flags(argc, argv,
	    "The seed's rateLimitedServer over loopback TCP, with its "
	    "own client.",
	    flags, 3);
	if (demo_nofile(2 * nrequests + 64) != 0) {
		fprintf(stderr,
		    "ratelimit: %lld requests need %lld descriptors, more than "
		    "RLIMIT_NOFILE allows\n",
		    (long long)nrequests, (long long)(2 * nrequests + 64));
		return 1;
	}
	return demo_run(main_g, NULL, 0);
}
