/*
 * check_netpoll.c - the netpoller: thousands of goroutines parked on
 * descriptors without a thread each, every one woken exactly once; timeouts
 * (gs_fd_wait), deadlines (gs_fd_set_deadline), gs_fd_close waking waiters,
 * a loopback TCP echo through gs_fd_accept/gs_fd_connect, and GS_EBADF for
 * descriptors that are not registered.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gsched/observe.h"
#include "runtime/internal.h" /* gs__netpoll, gs__injectglist */
#include "testutil.h"

/* Times are bounded from below only (a loaded machine can hold any goroutine
 * up for any time): that a call returned at once is checked by its not having
 * parked, that data woke a waiter by the result it got. */
#define MS(x) ((int64_t)(x)*1000000)

static void
mkpair(int sv[2])
{
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
}

/* Start recording events, with nothing recorded yet. */
static void
parks_begin(void)
{
	static gs_event ev[256];

	gs_events_enable(true);
	while (gs_events_drain(ev, 256, NULL) > 0)
		;
}

/* Stop recording and return how often the calling goroutine parked since
 * parks_begin. */
static int
parks_end(void)
{
	static gs_event ev[256];
	int64_t self = gs_self();
	uint64_t dropped = 0, d;
	int n, parks = 0;

	gs_events_enable(false);
	while ((n = gs_events_drain(ev, 256, &d)) > 0) {
		dropped += d;
		for (int i = 0; i < n; i++)
			parks += ev[i].kind == GS_EV_PARK && ev[i].g == self;
	}
	ck_assert_uint_eq(dropped, 0);
	return parks;
}

/* ---- thousands of waiters ------------------------------------------------------------- */

#define MAX_WAITERS 2000

static int wfds[MAX_WAITERS][2];
static _Atomic int wcount[MAX_WAITERS];
static unsigned char wbyte[MAX_WAITERS];
static _Atomic int werr;
static gs_waitgroup wwg;

static void
fd_waiter(void *arg)
{
	intptr_t i = (intptr_t)arg;
	unsigned char b = 0;
	ssize_t r = gs_fd_read(wfds[i][0], &b, 1);

	if (r != 1)
		atomic_store(&werr, r == 0 ? -1000 : (int)r);
	wbyte[i] = b;
	atomic_fetch_add(&wcount[i], 1);
	TU_WG_DONE(&wwg);
}

/* How many waiters the descriptor limit allows (each needs two descriptors). */
static int
waiters_allowed(void)
{
	struct rlimit rl;

	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
		ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	}
	long room = rl.rlim_cur == RLIM_INFINITY ? 1L << 20 : (long)rl.rlim_cur;
	long n = (room - 64) / 2;
	if (n > MAX_WAITERS)
		n = MAX_WAITERS;
	return n < 1 ? 0 : (int)n;
}

GS_MAIN_TEST(test_many_fd_waiters, 2)
{
	int n = waiters_allowed();
	gs_stats st0, st;

	if (TU_SANITIZED && n > 500)
		n = 500;
	ck_assert_msg(n >= 100, "RLIMIT_NOFILE allows only %d waiters", n);
	if (n < MAX_WAITERS)
		fprintf(stderr, "note: descriptor limit: %d waiters instead of %d\n", n,
		    MAX_WAITERS);
	for (int i = 0; i < n; i++) {
		mkpair(wfds[i]);
		ck_assert_int_eq(gs_fd_open(wfds[i][0]), 0);
	}
	ck_assert_int_eq(gs_read_stats(&st0), 0);
	TU_WG_ADD(&wwg, n);
	for (intptr_t i = 0; i < n; i++)
		TU_GO_STACK(fd_waiter, (void *)i, 16384);
	ck_assert_int_eq(tu_wait_waiting(GS_WAIT_IO, n, TU_SEC(10)), n);
	/* All parked in the netpoller: no thread each.  Look a few times. */
	for (int k = 0; k < 5; k++) {
		ck_assert_int_eq(gs_read_stats(&st), 0);
		ck_assert_msg(st.threads <= st.gomaxprocs + 3,
		    "%d threads with %d Ps, %d in I/O wait", st.threads, st.gomaxprocs,
		    st.by_waitreason[GS_WAIT_IO]);
		ck_assert_int_eq(st.by_waitreason[GS_WAIT_IO], n);
		gs_sleep(MS(5));
	}
	for (int i = 0; i < n; i++)
		ck_assert_int_eq(atomic_load(&wcount[i]), 0);
	/* One byte each, from this goroutine with plain writes. */
	for (int i = 0; i < n; i++) {
		unsigned char b = (unsigned char)(i * 7 + 1);
		ck_assert_int_eq(write(wfds[i][1], &b, 1), 1);
	}
	gs_wg_wait(&wwg);
	ck_assert_int_eq(atomic_load(&werr), 0);
	for (int i = 0; i < n; i++) {
		ck_assert_msg(atomic_load(&wcount[i]) == 1, "waiter %d woke %d times", i,
		    atomic_load(&wcount[i]));
		ck_assert_int_eq(wbyte[i], (unsigned char)(i * 7 + 1));
	}
	ck_assert_int_eq(gs_read_stats(&st), 0);
	ck_assert_msg(st.netpoll_wakes - st0.netpoll_wakes == (uint64_t)n,
	    "netpoll woke %" PRIu64 " goroutines for %d waiters",
	    st.netpoll_wakes - st0.netpoll_wakes, n);
	ck_assert_int_eq(tu_wait_numgoroutine(1, TU_SEC(10)), 1);
	for (int i = 0; i < n; i++) {
		ck_assert_int_eq(gs_fd_close(wfds[i][0]), 0);
		close(wfds[i][1]);
	}
}

/* ---- timeouts ------------------------------------------------------------------------------ */

struct late_writer {
	int fd;
	int64_t after;
};

static void
late_write(void *arg)
{
	struct late_writer *lw = arg;

	gs_sleep(lw->after);
	ck_assert_int_eq(write(lw->fd, "x", 1), 1);
}

GS_MAIN_TEST(test_fd_wait_timeout, 2)
{
	int sv[2];
	int64_t t0, el;
	char c;

	mkpair(sv);
	ck_assert_int_eq(gs_fd_open(sv[0]), 0);
	ck_assert_int_eq(gs_fd_wait(sv[0], 0, MS(1)), GS_EINVAL);
	ck_assert_int_eq(gs_fd_wait(sv[0], GS_POLLIN | GS_POLLOUT, MS(1)), GS_EINVAL);

	/* Nothing to read: times out, not before the timeout. */
	for (int k = 0; k < 3; k++) {
		t0 = gs_nanotime();
		ck_assert_int_eq(gs_fd_wait(sv[0], GS_POLLIN, MS(30)), GS_ETIMEDOUT);
		el = gs_nanotime() - t0;
		ck_assert_msg(el >= MS(30), "gs_fd_wait(30 ms) timed out after %lld ms",
		    (long long)(el / MS(1)));
	}
	/* timeout 0 only looks: it never parks. */
	parks_begin();
	ck_assert_int_eq(gs_fd_wait(sv[0], GS_POLLIN, 0), GS_ETIMEDOUT);
	ck_assert_int_eq(parks_end(), 0);
	/* A socket is writable. */
	ck_assert_int_eq(gs_fd_wait(sv[0], GS_POLLOUT, TU_SEC(5)), 0);

	/* Data arriving before the timeout wakes it early: 0, not GS_ETIMEDOUT. */
	struct late_writer lw = { sv[1], MS(20) };
	TU_GO(late_write, &lw);
	ck_assert_int_eq(gs_fd_wait(sv[0], GS_POLLIN, TU_SEC(60)), 0);
	ck_assert_int_eq(gs_fd_read(sv[0], &c, 1), 1);
	ck_assert_int_eq(c, 'x');
	/* No timeout at all (< 0). */
	lw.after = MS(10);
	TU_GO(late_write, &lw);
	ck_assert_int_eq(gs_fd_wait(sv[0], GS_POLLIN, -1), 0);
	ck_assert_int_eq(gs_fd_read(sv[0], &c, 1), 1);
	ck_assert_int_eq(gs_fd_close(sv[0]), 0);
	close(sv[1]);
}

/* ---- deadlines ---------------------------------------------------------------------------- */

GS_MAIN_TEST(test_fd_deadline, 2)
{
	int sv[2];
	int64_t t0, el;
	char c;

	mkpair(sv);
	ck_assert_int_eq(gs_fd_open(sv[0]), 0);
	ck_assert_int_eq(gs_fd_set_deadline(sv[0], 0, gs_nanotime() + MS(10)), GS_EINVAL);
	ck_assert_int_eq(gs_fd_set_deadline(sv[0], GS_POLLIN, -5), GS_EINVAL);

	/* A read that would block fails at the deadline. */
	t0 = gs_nanotime();
	ck_assert_int_eq(gs_fd_set_deadline(sv[0], GS_POLLIN, t0 + MS(40)), 0);
	ck_assert_int_eq(gs_fd_read(sv[0], &c, 1), GS_ETIMEDOUT);
	el = gs_nanotime() - t0;
	ck_assert_msg(el >= MS(40), "read deadline hit after %lld ms", (long long)(el / MS(1)));
	/* Past: fails at once, every time, without parking (with no timeout of
	 * its own, the wait could only end through the deadline anyway). */
	parks_begin();
	ck_assert_int_eq(gs_fd_read(sv[0], &c, 1), GS_ETIMEDOUT);
	ck_assert_int_eq(gs_fd_wait(sv[0], GS_POLLIN, -1), GS_ETIMEDOUT);
	ck_assert_int_eq(parks_end(), 0);
	/* Data already there is still read (the deadline only bounds waiting). */
	ck_assert_int_eq(write(sv[1], "a", 1), 1);
	ck_assert_int_eq(gs_fd_read(sv[0], &c, 1), 1);
	ck_assert_int_eq(c, 'a');
	/* Cleared: reads wait for data again. */
	ck_assert_int_eq(gs_fd_set_deadline(sv[0], GS_POLLIN, 0), 0);
	struct late_writer lw = { sv[1], MS(60) };
	TU_GO(late_write, &lw);
	ck_assert_int_eq(gs_fd_read(sv[0], &c, 1), 1);
	ck_assert_int_eq(c, 'x');
	/* A write deadline does not touch reads. */
	ck_assert_int_eq(gs_fd_set_deadline(sv[0], GS_POLLOUT, gs_nanotime() + MS(1)), 0);
	lw.after = MS(20);
	TU_GO(late_write, &lw);
	ck_assert_int_eq(gs_fd_read(sv[0], &c, 1), 1);
	ck_assert_int_eq(gs_fd_close(sv[0]), 0);
	close(sv[1]);
}

/* Go's SetDeadline "applies to all future and pending I/O": a deadline set
 * while a reader is already parked must wake it with GS_ETIMEDOUT. */
struct pending_reader {
	int fd;
	_Atomic int done;
	_Atomic ssize_t r;
};

static void
pending_read(void *arg)
{
	struct pending_reader *pr = arg;
	char c;

	atomic_store(&pr->r, gs_fd_read(pr->fd, &c, 1));
	atomic_store(&pr->done, 1);
}

static bool
pending_done(void *arg)
{
	return atomic_load(&((struct pending_reader *)arg)->done) != 0;
}

GS_MAIN_TEST(test_fd_deadline_pending, 2)
{
	int sv[2];
	struct pending_reader pr = { 0 };

	mkpair(sv);
	ck_assert_int_eq(gs_fd_open(sv[0]), 0);
	pr.fd = sv[0];
	TU_GO(pending_read, &pr);
	ck_assert_int_eq(tu_wait_waiting(GS_WAIT_IO, 1, TU_SEC(5)), 1);
	ck_assert_int_eq(gs_fd_set_deadline(sv[0], GS_POLLIN, gs_nanotime() + MS(30)), 0);
	/* No data ever comes: only the deadline can end the read.  If it does
	 * not, this waits until the test's timeout fails it. */
	while (!pending_done(&pr))
		gs_sleep(MS(1));
	ck_assert_int_eq(atomic_load(&pr.r), GS_ETIMEDOUT);
	ck_assert_int_eq(gs_fd_close(sv[0]), 0);
	close(sv[1]);
}

/* ---- gs_fd_close wakes waiters ------------------------------------------------------------ */

struct closer_arg {
	int fd;
	int write;
	_Atomic ssize_t r;
	gs_waitgroup *wg;
};

static void
blocked_io(void *arg)
{
	struct closer_arg *a = arg;
	char c = 'w';

	if (a->write)
		atomic_store(&a->r, gs_fd_write(a->fd, &c, 1));
	else
		atomic_store(&a->r, gs_fd_read(a->fd, &c, 1));
	TU_WG_DONE(a->wg);
}

GS_MAIN_TEST(test_fd_close_wakes, 2)
{
	int sv[2], sw[2];
	gs_waitgroup wg = GS_WAITGROUP_INIT;
	struct closer_arg rd = { 0 }, wr = { 0 };
	static char fill[65536];

	mkpair(sv);
	mkpair(sw);
	ck_assert_int_eq(gs_fd_open(sv[0]), 0);
	ck_assert_int_eq(gs_fd_open(sw[0]), 0);
	/* Fill sw[0]'s send buffer so a write must wait (sw[0] is non-blocking now). */
	for (;;) {
		ssize_t r = write(sw[0], fill, sizeof fill);
		if (r < 0) {
			ck_assert_int_eq(errno, EAGAIN);
			break;
		}
	}
	rd = (struct closer_arg){ .fd = sv[0], .write = 0, .r = 12345, .wg = &wg };
	wr = (struct closer_arg){ .fd = sw[0], .write = 1, .r = 12345, .wg = &wg };
	TU_WG_ADD(&wg, 2);
	TU_GO(blocked_io, &rd);
	TU_GO(blocked_io, &wr);
	ck_assert_int_eq(tu_wait_waiting(GS_WAIT_IO, 2, TU_SEC(5)), 2);
	ck_assert_int_eq(atomic_load(&rd.r), 12345);
	ck_assert_int_eq(atomic_load(&wr.r), 12345);
	ck_assert_int_eq(gs_fd_close(sv[0]), 0);
	ck_assert_int_eq(gs_fd_close(sw[0]), 0);
	gs_wg_wait(&wg);
	ck_assert_int_eq(atomic_load(&rd.r), GS_EBADF);
	ck_assert_int_eq(atomic_load(&wr.r), GS_EBADF);
	/* Closed: a second close and further use fail. */
	ck_assert_int_eq(gs_fd_close(sv[0]), GS_EBADF);
	ck_assert_int_eq(gs_fd_wait(sv[0], GS_POLLIN, MS(1)), GS_EBADF);
	close(sv[1]);
	close(sw[1]);
}

/* ---- TCP echo over loopback ---------------------------------------------------------------- */

#define ECHO_BYTES (1 << 20)
#define ECHO_CLIENTS 8

static unsigned char
pattern(int client, size_t i)
{
	return (unsigned char)(i * 131 + (size_t)client * 17 + (i >> 9));
}

struct echo_server {
	int lfd;
	int nconn;
	gs_waitgroup *wg;
};

static void
echo_conn(void *arg)
{
	intptr_t fd = (intptr_t)arg;
	char buf[4096];

	for (;;) {
		ssize_t r = gs_fd_read((int)fd, buf, sizeof buf);
		ck_assert_msg(r >= 0, "server read: %zd", r);
		if (r == 0)
			break;
		ck_assert_int_eq(gs_fd_write((int)fd, buf, (size_t)r), r);
	}
	ck_assert_int_eq(gs_fd_close((int)fd), 0);
}

static void
echo_server(void *arg)
{
	struct echo_server *sv = arg;

	for (int i = 0; i < sv->nconn; i++) {
		struct sockaddr_in peer;
		socklen_t len = sizeof peer;
		int fd = gs_fd_accept(sv->lfd, (struct sockaddr *)&peer, &len);
		ck_assert_msg(fd >= 0, "gs_fd_accept: %d (%s)", fd, gs_strerror(fd));
		ck_assert_int_eq(peer.sin_family, AF_INET);
		ck_assert_uint_eq(ntohl(peer.sin_addr.s_addr), INADDR_LOOPBACK);
		TU_GO_STACK(echo_conn, (void *)(intptr_t)fd, 65536);
	}
	TU_WG_DONE(sv->wg);
}

struct echo_client {
	int id;
	int fd;
	size_t nbytes;
	struct sockaddr_in addr;
	gs_waitgroup *wg;
	gs_waitgroup inner;
};

static void
client_writer(void *arg)
{
	struct echo_client *c = arg;
	unsigned char buf[8192];

	for (size_t off = 0; off < c->nbytes;) {
		size_t k = c->nbytes - off < sizeof buf ? c->nbytes - off : sizeof buf;
		for (size_t j = 0; j < k; j++)
			buf[j] = pattern(c->id, off + j);
		ck_assert_int_eq(gs_fd_write(c->fd, buf, k), (ssize_t)k);
		off += k;
	}
	ck_assert_int_eq(shutdown(c->fd, SHUT_WR), 0);
	TU_WG_DONE(&c->inner);
}

static void
echo_client(void *arg)
{
	struct echo_client *c = arg;
	unsigned char buf[8192];
	size_t got = 0;

	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(c->fd, 0);
	ck_assert_int_eq(gs_fd_open(c->fd), 0);
	int rc = gs_fd_connect(c->fd, (struct sockaddr *)&c->addr, sizeof c->addr);
	ck_assert_msg(rc == 0, "gs_fd_connect: %d (%s)", rc, gs_strerror(rc));
	TU_WG_ADD(&c->inner, 1);
	TU_GO_STACK(client_writer, c, 65536);
	for (;;) {
		ssize_t r = gs_fd_read(c->fd, buf, sizeof buf);
		ck_assert_msg(r >= 0, "client read: %zd", r);
		if (r == 0)
			break;
		for (ssize_t j = 0; j < r; j++)
			if (buf[j] != pattern(c->id, got + (size_t)j))
				ck_abort_msg("client %d: byte %zu is %u, want %u", c->id,
				    got + (size_t)j, buf[j], pattern(c->id, got + (size_t)j));
		got += (size_t)r;
	}
	ck_assert_uint_eq(got, c->nbytes);
	gs_wg_wait(&c->inner);
	ck_assert_int_eq(gs_fd_close(c->fd), 0);
	TU_WG_DONE(c->wg);
}

GS_MAIN_TEST(test_tcp_echo, 2)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	socklen_t len = sizeof addr;
	gs_waitgroup wg = GS_WAITGROUP_INIT;
	static struct echo_client clients[ECHO_CLIENTS];
	int nclients = TU_SANITIZED ? 2 : ECHO_CLIENTS;
	int lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(lfd, 0);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(lfd, (struct sockaddr *)&addr, sizeof addr), 0);
	ck_assert_int_eq(listen(lfd, 64), 0);
	ck_assert_int_eq(getsockname(lfd, (struct sockaddr *)&addr, &len), 0);
	ck_assert_int_ne(addr.sin_port, 0);
	ck_assert_int_eq(gs_fd_open(lfd), 0);

	struct echo_server sv = { lfd, nclients, &wg };
	TU_WG_ADD(&wg, 1 + nclients);
	TU_GO_STACK(echo_server, &sv, 65536);
	for (int i = 0; i < nclients; i++) {
		clients[i] = (struct echo_client){ .id = i,
			.fd = -1,
			.nbytes = TU_SANITIZED ? ECHO_BYTES / 8 : ECHO_BYTES,
			.addr = addr,
			.wg = &wg };
		TU_GO_STACK(echo_client, &clients[i], 65536);
	}
	gs_wg_wait(&wg);
	ck_assert_int_eq(tu_wait_numgoroutine(1, TU_SEC(10)), 1);
	ck_assert_int_eq(gs_fd_close(lfd), 0);
}

/* Connecting to a closed port fails with -ECONNREFUSED. */
GS_MAIN_TEST(test_tcp_refused, 1)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	socklen_t len = sizeof addr;
	int lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	/* A port that was just free: bind, learn it, close. */
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(lfd, (struct sockaddr *)&addr, sizeof addr), 0);
	ck_assert_int_eq(getsockname(lfd, (struct sockaddr *)&addr, &len), 0);
	close(lfd);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_eq(gs_fd_open(fd), 0);
	ck_assert_int_eq(gs_fd_connect(fd, (struct sockaddr *)&addr, sizeof addr), -ECONNREFUSED);
	ck_assert_int_eq(gs_fd_close(fd), 0);
}

/* A write to a socket whose peer has gone: -EPIPE, as in Go, and the program
 * lives on (SIGPIPE left at its default, which would kill it). */
GS_MAIN_TEST(test_fd_write_peer_gone, 1)
{
	int sv[2];
	char buf[4096];
	ssize_t r = 0;

	signal(SIGPIPE, SIG_DFL);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	ck_assert_int_eq(gs_fd_open(sv[0]), 0);
	close(sv[1]);
	memset(buf, 'x', sizeof buf);
	for (int i = 0; i < 4 && r >= 0; i++)
		r = gs_fd_write(sv[0], buf, sizeof buf);
	ck_assert_int_eq(r, -EPIPE);
	ck_assert_int_eq(gs_fd_close(sv[0]), 0);
}

/* ---- system calls per descriptor ------------------------------------------------------ */

/* The test binary is linked with -Wl,--wrap=fcntl (Makefile.am), so the runtime's
 * fcntl calls come here and are counted. */
int __real_fcntl(int fd, int cmd, ...);
int __wrap_fcntl(int fd, int cmd, ...);
static atomic_long fcntl_calls;

int
__wrap_fcntl(int fd, int cmd, ...)
{
	va_list ap;

	va_start(ap, cmd);
	long arg = va_arg(ap, long);
	va_end(ap);
	atomic_fetch_add(&fcntl_calls, 1);
	return __real_fcntl(fd, cmd, arg);
}

/* Registering costs no fcntl beyond what is needed: an accepted connection
 * (non-blocking from accept4) none, a descriptor created non-blocking one (the
 * F_GETFL that also checks it), a blocking one two; every one ends up
 * non-blocking. */
GS_MAIN_TEST(test_fd_open_fcntls, 1)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	socklen_t len = sizeof addr;
	long before;

	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(lfd, 0);
	ck_assert_int_eq(bind(lfd, (struct sockaddr *)&addr, len), 0);
	ck_assert_int_eq(getsockname(lfd, (struct sockaddr *)&addr, &len), 0);
	ck_assert_int_eq(listen(lfd, 4), 0);
	before = atomic_load(&fcntl_calls);
	ck_assert_int_eq(gs_fd_open(lfd), 0);
	ck_assert_msg(atomic_load(&fcntl_calls) - before == 1,
	    "gs_fd_open of a SOCK_NONBLOCK listener: %ld fcntl calls, want 1",
	    atomic_load(&fcntl_calls) - before);

	int cfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(cfd, 0);
	before = atomic_load(&fcntl_calls);
	ck_assert_int_eq(gs_fd_open(cfd), 0);
	ck_assert_msg(atomic_load(&fcntl_calls) - before == 2,
	    "gs_fd_open of a blocking socket: %ld fcntl calls, want 2",
	    atomic_load(&fcntl_calls) - before);
	ck_assert_int_ne(__real_fcntl(cfd, F_GETFL) & O_NONBLOCK, 0);
	int rc = gs_fd_connect(cfd, (struct sockaddr *)&addr, len);
	ck_assert_msg(rc == 0, "gs_fd_connect: %d (%s)", rc, gs_strerror(rc));

	before = atomic_load(&fcntl_calls);
	int afd = gs_fd_accept(lfd, NULL, NULL);
	ck_assert_int_ge(afd, 0);
	ck_assert_msg(atomic_load(&fcntl_calls) - before == 0,
	    "gs_fd_accept: %ld fcntl calls, want 0", atomic_load(&fcntl_calls) - before);
	ck_assert_int_ne(__real_fcntl(afd, F_GETFL) & O_NONBLOCK, 0);
	/* Registered: the connection works through the netpoller. */
	char c = 0;
	ck_assert_int_eq(gs_fd_write(cfd, "a", 1), 1);
	ck_assert_int_eq(gs_fd_read(afd, &c, 1), 1);
	ck_assert_int_eq(c, 'a');
	ck_assert_int_eq(gs_fd_close(afd), 0);
	ck_assert_int_eq(gs_fd_close(cfd), 0);
	ck_assert_int_eq(gs_fd_close(lfd), 0);
}

struct pipefill {
	int fd;
	size_t n;
	gs_waitgroup wg;
};

static void
pipe_writer(void *arg)
{
	struct pipefill *pf = arg;
	static unsigned char buf[256 * 1024];

	for (size_t i = 0; i < pf->n; i++)
		buf[i] = pattern(7, i);
	ssize_t r = gs_fd_write(pf->fd, buf, pf->n);
	ck_assert_msg(r == (ssize_t)pf->n, "gs_fd_write to a pipe: %zd, want %zu", r, pf->n);
	TU_WG_DONE(&pf->wg);
}

/* gs_fd_write to a pipe (not a socket) writes everything, parking while the pipe
 * is full, whether the first write finds it empty or full. */
GS_MAIN_TEST(test_fd_write_pipe, 2)
{
	struct pipefill pf = { .n = 256 * 1024, .wg = GS_WAITGROUP_INIT };
	unsigned char buf[4096];
	size_t got = 0;
	int p[2];

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	ck_assert_int_eq(gs_fd_open(p[0]), 0);
	ck_assert_int_eq(gs_fd_open(p[1]), 0);
	pf.fd = p[1];
	TU_WG_ADD(&pf.wg, 1);
	TU_GO(pipe_writer, &pf);
	while (got < pf.n) {
		ssize_t r = gs_fd_read(p[0], buf, sizeof buf);
		ck_assert_msg(r > 0, "gs_fd_read from a pipe: %zd", r);
		for (ssize_t j = 0; j < r; j++)
			if (buf[j] != pattern(7, got + (size_t)j))
				ck_abort_msg("byte %zu is %u, want %u", got + (size_t)j, buf[j],
				    pattern(7, got + (size_t)j));
		got += (size_t)r;
	}
	gs_wg_wait(&pf.wg);
	ck_assert_uint_eq(got, pf.n);
	ck_assert_int_eq(gs_fd_write(p[1], "z", 1), 1);
	ck_assert_int_eq(gs_fd_close(p[1]), 0);
	ck_assert_int_eq(gs_fd_read(p[0], buf, sizeof buf), 1);
	ck_assert_int_eq(gs_fd_read(p[0], buf, sizeof buf), 0);
	ck_assert_int_eq(gs_fd_close(p[0]), 0);
}

/* The netpoller's looks that do not wait: epoll_wait and poll with timeout 0
 * (-Wl,--wrap=epoll_wait,--wrap=poll), from any thread. */
int __real_epoll_wait(int epfd, struct epoll_event *ev, int n, int ms);
int __wrap_epoll_wait(int epfd, struct epoll_event *ev, int n, int ms);
int __real_poll(struct pollfd *fds, nfds_t n, int ms);
int __wrap_poll(struct pollfd *fds, nfds_t n, int ms);
static atomic_long zero_looks;

int
__wrap_epoll_wait(int epfd, struct epoll_event *ev, int n, int ms)
{
	if (ms == 0)
		atomic_fetch_add(&zero_looks, 1);
	return __real_epoll_wait(epfd, ev, n, ms);
}

int
__wrap_poll(struct pollfd *fds, nfds_t n, int ms)
{
	if (ms == 0)
		atomic_fetch_add(&zero_looks, 1);
	return __real_poll(fds, n, ms);
}

struct lookreader {
	int fd[2];
	gs_waitgroup wg;
};

static void
look_reader(void *arg)
{
	struct lookreader *r = arg;
	char c;

	ck_assert_int_eq(gs_fd_read(r->fd[0], &c, 1), 1);
	TU_WG_DONE(&r->wg);
}

/* A look at the network that does not wait (findrunnable's, sysmon's, the
 * blocking path's when a timer is already due) makes no system call while no
 * goroutine waits on a descriptor, and makes one as soon as one does. */
GS_MAIN_TEST(test_netpoll_look_without_waiters, 1)
{
	struct lookreader r = { .wg = GS_WAITGROUP_INIT };
	int n;

	ck_assert(!gs__netpoll_anywaiters());
	long before = atomic_load(&zero_looks);
	for (int i = 0; i < 100; i++) {
		gs_g *list = gs__netpoll(0, &n);
		if (list != NULL || n != 0)
			ck_abort_msg("look %d without waiters returned %d goroutines", i, n);
	}
	ck_assert_msg(atomic_load(&zero_looks) == before,
	    "100 looks without waiters made %ld system calls, want 0",
	    atomic_load(&zero_looks) - before);

	mkpair(r.fd);
	ck_assert_int_eq(gs_fd_open(r.fd[0]), 0);
	TU_WG_ADD(&r.wg, 1);
	TU_GO(look_reader, &r);
	ck_assert_int_eq(tu_wait_waiting(GS_WAIT_IO, 1, TU_SEC(10)), 1);
	ck_assert(gs__netpoll_anywaiters());
	before = atomic_load(&zero_looks);
	gs_g *list = gs__netpoll(0, &n);
	ck_assert_int_eq(list == NULL, n == 0);
	gs__injectglist(list); /* as findrunnable would: the reader must not be lost */
	ck_assert_msg(atomic_load(&zero_looks) > before,
	    "a look with a waiter made no system call");
	ck_assert_int_eq(write(r.fd[1], "x", 1), 1);
	gs_wg_wait(&r.wg);
	ck_assert_int_eq(gs_fd_close(r.fd[0]), 0);
	close(r.fd[1]);
}

/* ---- unregistered descriptors --------------------------------------------------------- */

START_TEST(test_fd_outside)
{
	char c;

	ck_assert_int_eq(gs_fd_open(0), GS_ENOTRUN);
	ck_assert_int_eq(gs_fd_read(0, &c, 1), GS_ENOTRUN);
	ck_assert_int_eq(gs_fd_write(1, &c, 1), GS_ENOTRUN);
	ck_assert_int_eq(gs_fd_wait(0, GS_POLLIN, 0), GS_ENOTRUN);
}
END_TEST

GS_MAIN_TEST(test_fd_unregistered, 2)
{
	int sv[2];
	char c = 'q';
	struct sockaddr_in addr = { .sin_family = AF_INET };
	socklen_t len = sizeof addr;

	mkpair(sv);
	/* Data waiting, so a (wrong) plain read would not block. */
	ck_assert_int_eq(write(sv[1], "d", 1), 1);
	ck_assert_int_eq(gs_fd_read(sv[0], &c, 1), GS_EBADF);
	ck_assert_int_eq(gs_fd_write(sv[0], &c, 1), GS_EBADF);
	ck_assert_int_eq(gs_fd_wait(sv[0], GS_POLLIN, MS(1)), GS_EBADF);
	ck_assert_int_eq(gs_fd_set_deadline(sv[0], GS_POLLIN, gs_nanotime()), GS_EBADF);
	ck_assert_int_eq(gs_fd_accept(sv[0], (struct sockaddr *)&addr, &len), GS_EBADF);
	ck_assert_int_eq(gs_fd_connect(sv[0], (struct sockaddr *)&addr, len), GS_EBADF);
	ck_assert_int_eq(gs_fd_close(sv[0]), GS_EBADF);
	for (int bad = -1; bad >= -3; bad -= 2) {
		ck_assert_int_eq(gs_fd_open(bad), GS_EBADF);
		ck_assert_int_eq(gs_fd_read(bad, &c, 1), GS_EBADF);
		ck_assert_int_eq(gs_fd_close(bad), GS_EBADF);
	}
	/* Still unregistered, still blocking, data untouched. */
	ck_assert_int_eq(fcntl(sv[0], F_GETFL) & O_NONBLOCK, 0);
	ck_assert_int_eq(read(sv[0], &c, 1), 1);
	ck_assert_int_eq(c, 'd');
	close(sv[0]);
	close(sv[1]);
}

/* A descriptor number registered once, closed with gs_fd_close, and reused by
 * the kernel for a new, unregistered descriptor: the gs_fd_* calls must treat
 * it as unregistered (GS_EBADF), not read or write the new descriptor. */
GS_MAIN_TEST(test_fd_reused_number, 2)
{
	int a[2], b[2];
	char c = 'q';

	mkpair(a);
	ck_assert_int_eq(gs_fd_open(a[0]), 0);
	int num = a[0];
	ck_assert_int_eq(gs_fd_close(a[0]), 0);
	mkpair(b); /* the lowest free numbers: b[0] takes a[0]'s */
	if (b[0] != num && b[1] != num) {
		TU_SKIP("fd %d not reused by the kernel (got %d, %d)", num, b[0], b[1]);
		return;
	}
	int fd = b[0] == num ? b[0] : b[1];
	int peer = b[0] == num ? b[1] : b[0];
	ck_assert_int_eq(write(peer, "d", 1), 1);
	ssize_t r = gs_fd_read(fd, &c, 1);
	ck_assert_msg(r == GS_EBADF,
	    "gs_fd_read on fd %d (closed by gs_fd_close, number reused, not registered) "
	    "returned %zd, want GS_EBADF",
	    fd, r);
	r = gs_fd_write(fd, "w", 1);
	ck_assert_msg(r == GS_EBADF, "gs_fd_write on the reused fd returned %zd", r);
	ck_assert_int_eq(gs_fd_set_deadline(fd, GS_POLLIN, gs_nanotime()), GS_EBADF);
	close(a[1]);
	close(b[0]);
	close(b[1]);
}

/* A number that is no open descriptor (and beyond the runtime's descriptor
 * table): GS_EBADF like any other bad descriptor, not GS_ENOMEM. */
GS_MAIN_TEST(test_fd_open_huge, 1)
{
	int r = gs_fd_open(1 << 30);

	ck_assert_msg(r == GS_EBADF, "gs_fd_open(1 << 30) returned %d (%s), want GS_EBADF", r,
	    gs_strerror(r));
	ck_assert_int_eq(gs_fd_open(1000000), GS_EBADF); /* in the table, not open */
}

/* An unregistered descriptor whose neighbour (same table page) is registered. */
GS_MAIN_TEST(test_fd_unregistered_neighbor, 2)
{
	int a[2], b[2];
	char c = 'q';

	mkpair(a);
	mkpair(b);
	ck_assert_int_eq(gs_fd_open(a[0]), 0);
	ck_assert_int_eq(write(b[1], "d", 1), 1);
	ssize_t r = gs_fd_read(b[0], &c, 1);
	ck_assert_msg(r == GS_EBADF,
	    "gs_fd_read on unregistered fd %d (fd %d registered) "
	    "returned %zd, want GS_EBADF",
	    b[0], a[0], r);
	ck_assert_int_eq(gs_fd_close(a[0]), 0);
	close(a[1]);
	close(b[0]);
	close(b[1]);
}

static Suite *
netpoll_suite(void)
{
	Suite *s = suite_create("netpoll");
	TCase *tc;

	tc = tu_tcase("waiters", 60);
	tcase_add_test(tc, test_many_fd_waiters);
	tcase_add_test(tc, test_netpoll_look_without_waiters);
	tcase_add_test(tc, test_fd_close_wakes);
	suite_add_tcase(s, tc);

	tc = tu_tcase("time", 30);
	tcase_add_test(tc, test_fd_wait_timeout);
	tcase_add_test(tc, test_fd_deadline);
	tcase_add_test(tc, test_fd_deadline_pending);
	suite_add_tcase(s, tc);

	tc = tu_tcase("tcp", 60);
	tcase_add_test(tc, test_tcp_echo);
	tcase_add_test(tc, test_tcp_refused);
	tcase_add_test(tc, test_fd_write_peer_gone);
	tcase_add_test(tc, test_fd_open_fcntls);
	tcase_add_test(tc, test_fd_write_pipe);
	suite_add_tcase(s, tc);

	tc = tu_tcase("badf", 30);
	tcase_add_test(tc, test_fd_outside);
	tcase_add_test(tc, test_fd_unregistered);
	tcase_add_test(tc, test_fd_open_huge);
	tcase_add_test(tc, test_fd_unregistered_neighbor);
	tcase_add_test(tc, test_fd_reused_number);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run_suite(netpoll_suite());
}
