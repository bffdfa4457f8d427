/*
 * workload_http.c - the http workload: a web server on loopback TCP and its
 * clients, as the seed's example has it.
 */
#define _GNU_SOURCE /* pipe2 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gsched.h>
#include <gsched/observe.h>

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "live/workload.h"
#include "live/workload_priv.h"

/* ---- http: a web server on loopback TCP and its clients ------------------------------ */

/*
 * One server per spawn: a listener on 127.0.0.1:0, an accept loop ("httpd"),
 * and COUNT clients ("client") each sending requests one at a time, a new
 * connection per request (HTTP/1.0).  A handler reads the request, waits
 * HTTP_WORK_NS on a timer (a database call: no thread is held), answers and
 * closes.  The three kinds differ only in who handles a connection:
 *   http       a new goroutine per connection ("handler"), without limit;
 *   httplimit  the same, but a handler that finds HTTP_LIMIT others busy
 *              (a buffered channel used as a semaphore, as in Go) answers
 *              503 Service Unavailable at once;
 *   httppool   HTTP_POOL "worker" goroutines take connections from a channel;
 *              the accept loop waits while all are busy (backpressure).
 * The last client to finish closes the listener, which ends the accept loop
 * (and, for the pool, the workers); whoever drops the last reference frees
 * the server.
 */

enum { HTTP_UNLIMITED, HTTP_SEMAPHORE, HTTP_POOLED };

struct httpsrv {
	workload_run *run;
	int mode;
	int lfd;
	struct sockaddr_in addr;
	gs_chan *ch;        /* semaphore (cap HTTP_LIMIT) or the pool's queue */
	atomic_int clients; /* still running */
	atomic_int refs;
};

static atomic_uint_fast64_t http_ok, http_rejected;

void
workload_counters_read(workload_counters *c)
{
	c->http_ok = atomic_load(&http_ok);
	c->http_rejected = atomic_load(&http_rejected);
	c->go_started = atomic_load(&workload__go_started);
	c->go_ended = atomic_load(&workload__go_ended);
}

static void
httpsrv_unref(struct httpsrv *h)
{
	if (atomic_fetch_sub(&h->refs, 1) == 1) {
		gs_chan_free(h->ch);
		free(h);
	}
}

/* Read a request up to its blank line (or EOF, or 1 KiB). */
static void
http_read_request(int fd)
{
	char buf[1024];
	size_t have = 0;

	while (have < sizeof buf - 1) {
		ssize_t n = gs_fd_read(fd, buf + have, sizeof buf - 1 - have);
		if (n <= 0)
			return;
		have += (size_t)n;
		buf[have] = '\0';
		if (strstr(buf, "\r\n\r\n") != NULL)
			return;
	}
}

static void
http_answer(int fd, bool ok)
{
	static const char r200[] = "HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nok\n";
	static const char r503[] =
	    "HTTP/1.0 503 Service Unavailable\r\nContent-Length: 5\r\n\r\nbusy\n";

	if (ok)
		gs_fd_write(fd, r200, sizeof r200 - 1);
	else
		gs_fd_write(fd, r503, sizeof r503 - 1);
	atomic_fetch_add(ok ? &http_ok : &http_rejected, 1);
}

/* Serve one connection and close it. */
static void
http_serve(struct httpsrv *h, int fd)
{
	http_read_request(fd);
	if (h->mode == HTTP_SEMAPHORE) {
		char token = 1;
		if (gs_chan_trysend(h->ch, &token) != 1) {
			http_answer(fd, false);
			gs_fd_close(fd);
			return;
		}
		workload__sleep(h->run, workload__scaled(HTTP_WORK_NS));
		http_answer(fd, true);
		gs_chan_recv(h->ch, NULL);
	} else {
		workload__sleep(h->run, workload__scaled(HTTP_WORK_NS));
		http_answer(fd, true);
	}
	gs_fd_close(fd);
}

struct httpconn {
	struct httpsrv *h;
	int fd;
};

static void
http_handler_g(void *arg)
{
	struct httpconn *c = arg;
	struct httpsrv *h = c->h;

	http_serve(h, c->fd);
	free(c);
	workload__run_done(h->run);
	httpsrv_unref(h);
}

static void
http_worker_g(void *arg)
{
	struct httpsrv *h = arg;
	int fd;

	while (gs_chan_recv(h->ch, &fd) == 1)
		http_serve(h, fd);
	workload__run_done(h->run);
	httpsrv_unref(h);
}

static void
httpd_g(void *arg)
{
	struct httpsrv *h = arg;
	workload_run *run = h->run;

	for (;;) {
		int fd = gs_fd_accept(h->lfd, NULL, NULL);
		if (fd < 0) {
			if (fd == GS_EBADF)
				break; /* the listener was closed: every client is done */
			/* EMFILE and the like: try again later */
			workload__sleep(run, workload__scaled(MS(1)));
			continue;
		}
		if (h->mode == HTTP_POOLED) {
			gs_chan_send(h->ch, &fd);
			continue;
		}
		struct httpconn *c = malloc(sizeof *c);
		gs_attr a = { .label = "handler", .tag = GS_TAG_HTTP };
		if (c == NULL) {
			gs_fd_close(fd);
			continue;
		}
		c->h = h;
		c->fd = fd;
		atomic_fetch_add(&h->refs, 1);
		workload__run_add(run, 1);
		if (gs_go_attr(http_handler_g, c, &a) < 0) {
			workload__run_add(run, -1);
			atomic_fetch_sub(&h->refs, 1);
			gs_fd_close(fd);
			free(c);
		}
	}
	if (h->mode == HTTP_POOLED)
		gs_chan_close(h->ch);
	workload__run_done(run);
	httpsrv_unref(h);
}

/* One request on a new connection: true if it got an answer. */
static bool
http_request(struct httpsrv *h)
{
	static const char req[] = "GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
	char buf[256];
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	bool ok = false;

	if (fd < 0)
		return false;
	if (gs_fd_open(fd) != 0) {
		close(fd);
		return false;
	}
	int one = 1;
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (gs_fd_connect(fd, (struct sockaddr *)&h->addr, sizeof h->addr) == 0 &&
	    gs_fd_write(fd, req, sizeof req - 1) == (ssize_t)(sizeof req - 1)) {
		while (gs_fd_read(fd, buf, sizeof buf) > 0)
			ok = true;
	}
	gs_fd_close(fd);
	return ok;
}

static void
http_client_g(void *arg)
{
	struct httpsrv *h = arg;
	workload_run *run = h->run;
	int64_t n = 0;

	while (!workload__stopped(run)) {
		if (!http_request(h))
			/* refused or reset: back off */
			workload__sleep(run, workload__scaled(MS(10)));
		if (workload__iter_done(run, &n))
			break;
		workload__sleep(run, workload__scaled(MS(1))); /* think time */
	}
	if (atomic_fetch_sub(&h->clients, 1) == 1)
		gs_fd_close(h->lfd); /* the last client: the accept loop ends */
	workload__run_done(run);
	httpsrv_unref(h);
}

static int
http_listen(struct httpsrv *h)
{
	socklen_t len = sizeof h->addr;

	memset(&h->addr, 0, sizeof h->addr);
	h->addr.sin_family = AF_INET;
	h->addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	h->lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (h->lfd < 0)
		return GS_EAGAIN;
	if (bind(h->lfd, (struct sockaddr *)&h->addr, sizeof h->addr) != 0 ||
	    listen(h->lfd, SOMAXCONN) != 0 ||
	    getsockname(h->lfd, (struct sockaddr *)&h->addr, &len) != 0) {
		close(h->lfd);
		return GS_EAGAIN;
	}
	int rc = gs_fd_open(h->lfd);
	if (rc != 0)
		close(h->lfd);
	return rc;
}

static int
http_spawn_mode(workload_run *run, int count, int mode)
{
	struct httpsrv *h = calloc(1, sizeof *h);
	int rc;

	if (h == NULL)
		return GS_ENOMEM;
	if ((rc = workload_nofile_atleast(2L * count + 64)) != 0) {
		free(h);
		return rc;
	}
	h->run = run;
	h->mode = mode;
	if (mode == HTTP_SEMAPHORE)
		h->ch = gs_chan_make(1, HTTP_LIMIT);
	else if (mode == HTTP_POOLED)
		h->ch = gs_chan_make(sizeof(int), 64);
	if (mode != HTTP_UNLIMITED && h->ch == NULL) {
		free(h);
		return GS_ENOMEM;
	}
	if ((rc = http_listen(h)) != 0) {
		gs_chan_free(h->ch);
		free(h);
		return rc;
	}
	/* one reference for each goroutine below, one for this function */
	int nworkers = mode == HTTP_POOLED ? HTTP_POOL : 0;
	atomic_init(&h->refs, 1);
	atomic_init(&h->clients, count);
	rc = 0;
	atomic_fetch_add(&h->refs, 1);
	if ((rc = workload__go(run, httpd_g, h, "httpd", GS_TAG_HTTP)) != 0) {
		atomic_fetch_sub(&h->refs, 1);
		gs_fd_close(h->lfd);
		goto out;
	}
	for (int i = 0; i < nworkers && rc == 0; i++) {
		atomic_fetch_add(&h->refs, 1);
		if ((rc = workload__go(run, http_worker_g, h, "worker", GS_TAG_HTTP)) != 0)
			atomic_fetch_sub(&h->refs, 1);
	}
	for (int i = 0; i < count; i++) {
		if (rc == 0) {
			atomic_fetch_add(&h->refs, 1);
			if ((rc = workload__go(run, http_client_g, h, "client", GS_TAG_HTTP)) == 0)
				continue;
			atomic_fetch_sub(&h->refs, 1);
		}
		/* a client that never started is done already */
		if (atomic_fetch_sub(&h->clients, 1) == 1)
			gs_fd_close(h->lfd);
	}
out:
	httpsrv_unref(h);
	return rc;
}

int
workload__http_spawn(workload_run *run, int count)
{
	return http_spawn_mode(run, count, HTTP_UNLIMITED);
}

int
workload__httplimit_spawn(workload_run *run, int count)
{
	return http_spawn_mode(run, count, HTTP_SEMAPHORE);
}

int
workload__httppool_spawn(workload_run *run, int count)
{
	return http_spawn_mode(run, count, HTTP_POOLED);
}
