/*
 * netpoll.c - the netpoller's portable half (Go's netpoll.go) and the
 * goroutine-facing I/O calls on non-blocking descriptors.
 *
 * A goroutine that must wait for a descriptor parks: its M goes on running
 * other goroutines, so a thousand goroutines waiting on sockets cost no thread
 * at all.  Readiness is collected by gs__netpoll (epoll in netpoll_epoll.c, or
 * poll() in netpoll_poll.c): without blocking from findrunnable and sysmon,
 * and blocking from the one idle M that sleeps there until I/O or the next
 * timer.  gs__netpollbreak wakes that M early (a new earlier timer, shutdown).
 *
 * Every registered descriptor has a poll descriptor (pd), found by fd number
 * in a two-level table.  pds are never freed while the runtime runs, so an
 * event that arrives for a descriptor just closed touches valid memory; at
 * worst it wakes a goroutine spuriously, and every I/O call retries on EAGAIN.
 *
 * A waiter records itself in pd->waiter[mode] (a struct on its own stack) and
 * parks; whoever completes the wait (an event, its deadline timer, a close)
 * removes it under pd->lock and writes the result into it before readying it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "runtime/internal.h"

struct pollwaiter {
	gs_g *g;
	int result; /* 0 ready, GS_ETIMEDOUT, GS_EBADF (closed) */
};

/* The timer behind a descriptor's read or write deadline. */
struct pdtimer {
	gs__timer t;
	gs__polldesc *pd;
	int mode;
};

struct gs__polldesc {
	gs_lock lock; /* guards everything below but `open`'s reads */
	int fd;
	/* send(2) said ENOTSOCK once: written with write(2) from then on.  Sockets,
	 * the common case, are found out without a system call of their own. */
	_Atomic bool notsock;
	_Atomic bool open;
	bool ready[3];                /* an event came with nobody waiting (edge-triggered) */
	struct pollwaiter *waiter[3]; /* indexed by GS__POLL_READ / GS__POLL_WRITE */
	int64_t deadline[3];          /* absolute nanotime, 0: none, -1: passed */
	struct pdtimer dtimer[3];     /* armed while a future deadline is set */
};

#define FDTAB_PAGE 1024
#define FDTAB_PAGES 1024 /* up to 1M descriptors */

static _Atomic(gs__polldesc *) fdtab[FDTAB_PAGES];
static gs_lock fdtablock; /* guards page allocation */

static gs__polldesc *
pdlookup(int fd, bool create)
{
	if (fd < 0 || fd >= FDTAB_PAGE * FDTAB_PAGES)
		return NULL;
	gs__polldesc *page = atomic_load_explicit(&fdtab[fd / FDTAB_PAGE], memory_order_acquire);
	if (page == NULL) {
		if (!create)
			return NULL;
		gs__lockx(&fdtablock);
		page = atomic_load_explicit(&fdtab[fd / FDTAB_PAGE], memory_order_relaxed);
		if (page == NULL) {
			page = calloc(FDTAB_PAGE, sizeof *page);
			if (page != NULL)
				atomic_store_explicit(&fdtab[fd / FDTAB_PAGE], page,
				    memory_order_release);
		}
		gs__unlockx(&fdtablock);
		if (page == NULL)
			return NULL;
	}
	return &page[fd % FDTAB_PAGE];
}

/* The descriptor's pd if it is registered (gs_fd_open), else NULL. */
static gs__polldesc *
pdopen(int fd)
{
	gs__polldesc *pd = pdlookup(fd, false);

	return pd && atomic_load_explicit(&pd->open, memory_order_acquire) ? pd : NULL;
}

/* Take the waiter of mode off pd, if any, with result; returns its G.
 * pd->lock held. */
static gs_g *
pdunblock(gs__polldesc *pd, int mode, int result)
{
	struct pollwaiter *w = pd->waiter[mode];

	if (w == NULL)
		return NULL;
	pd->waiter[mode] = NULL;
	w->result = result;
	atomic_fetch_sub(&gs__sched.netpollwaiters, 1);
	return w->g;
}

int
gs__netpoll_init(void)
{
	int err = gs__netpoll_backend_init();

	if (err == 0) {
		gs__sched.netpollinited = true;
		atomic_store(&gs__sched.lastpoll, (int64_t)gs__nanotime());
	}
	return err;
}

void
gs__netpoll_fini(void)
{
	if (!gs__sched.netpollinited)
		return;
	gs__netpoll_backend_fini();
	for (int i = 0; i < FDTAB_PAGES; i++) {
		free(atomic_load(&fdtab[i]));
		atomic_store(&fdtab[i], NULL);
	}
	gs__sched.netpollinited = false;
}

bool
gs__netpoll_anywaiters(void)
{
	return atomic_load_explicit(&gs__sched.netpollwaiters, memory_order_relaxed) > 0;
}

void
gs__netpollbreak(void)
{
	if (gs__sched.netpollinited)
		gs__netpoll_backend_break();
}

/* Called by the backend for each event: hand the waiter (if any) over to the
 * list of goroutines to make runnable, or remember the event. */
void
gs__netpoll_ready(gs__polldesc *pd, int mode, gs_g **list, int *count)
{
	gs__lockx(&pd->lock);
	for (int m = GS__POLL_READ; m <= GS__POLL_WRITE; m++) {
		if (!(mode & m))
			continue;
		gs_g *gp = pdunblock(pd, m, 0);
		if (gp == NULL) {
			pd->ready[m] = true;
			continue;
		}
		gp->schedlink = *list;
		*list = gp;
		(*count)++;
	}
	gs__unlockx(&pd->lock);
}

gs_g *
gs__netpoll(int64_t delay, int *count)
{
	gs_g *list = NULL;

	*count = 0;
	if (!gs__sched.netpollinited)
		return NULL;
	/* A look that does not wait, with no goroutine waiting on a descriptor,
	 * would find nothing: no system call.  findrunnable makes such looks
	 * back to back while timers fall due every few microseconds on another
	 * P (each one due by the time it would block for it).  An edge that
	 * comes meanwhile stays in the kernel for the next poll. */
	if (delay == 0 && !gs__netpoll_anywaiters())
		return NULL;
	gs__netpoll_backend_wait(delay, &list, count);
	if (*count) {
		atomic_fetch_add_explicit(&gs__sched.netpoll_wakes, (uint64_t)*count,
		    memory_order_relaxed);
		gs_m *mp = gs__getm();
		GS_EV(GS_EV_NETPOLL_WAKE, mp ? GS_PID(mp->p) : -1, -1, GS_MID(mp), -1, 0, *count);
	}
	return list;
}

/* ---- waiting -------------------------------------------------------------- */

struct waitarg {
	gs__polldesc *pd;
	int mode;
	struct pollwaiter *w;
};

/* Deadline timer: if the waiter is still there, time it out. */
static void
deadline_fire(void *arg, int64_t now)
{
	struct waitarg *wa = arg;
	gs__polldesc *pd = wa->pd;
	gs_g *gp = NULL;

	(void)now;
	gs__lockx(&pd->lock);
	if (pd->waiter[wa->mode] == wa->w)
		gp = pdunblock(pd, wa->mode, GS_ETIMEDOUT);
	gs__unlockx(&pd->lock);
	if (gp)
		gs__goready(gp);
}

/* A descriptor's deadline passed: fail the waiter and every later wait. */
static void
pddeadline_fire(void *arg, int64_t now)
{
	struct pdtimer *dt = arg;
	gs__polldesc *pd = dt->pd;

	(void)now;
	gs__lockx(&pd->lock);
	pd->deadline[dt->mode] = -1;
	gs_g *gp = pdunblock(pd, dt->mode, GS_ETIMEDOUT);
	gs__unlockx(&pd->lock);
	if (gp)
		gs__goready(gp);
}

/* gopark callback: arm the backend (poll() needs to know) and unlock. */
static bool
wait_commit(gs_g *gp, void *arg)
{
	struct waitarg *wa = arg;

	(void)gp;
	gs__netpoll_backend_arm(wa->pd->fd, wa->pd, wa->mode);
	gs__unlockx(&wa->pd->lock);
	return true;
}

/* Wait until fd is ready for mode, the absolute deadline passes (0: none), or
 * fd is closed.  Goroutine only. */
static int
pdwait(gs__polldesc *pd, int mode, int64_t deadline)
{
	struct pollwaiter w = { gs__getg(), 0 };
	struct waitarg wa = { pd, mode, &w };
	gs__timer t;
	bool timed = false;

	gs__lockx(&pd->lock);
	if (!pd->open) {
		gs__unlockx(&pd->lock);
		return GS_EBADF;
	}
	if (pd->ready[mode]) {
		pd->ready[mode] = false;
		gs__unlockx(&pd->lock);
		return 0;
	}
	if (pd->deadline[mode] < 0) {
		gs__unlockx(&pd->lock);
		return GS_ETIMEDOUT;
	}
	/* The descriptor's own deadline has its own timer; this one is the
	 * caller's timeout (gs_fd_wait). */
	if (deadline) {
		if (deadline <= (int64_t)gs__nanotime()) {
			gs__unlockx(&pd->lock);
			return GS_ETIMEDOUT;
		}
		memset(&t, 0, sizeof t);
		t.when = deadline;
		t.f = deadline_fire;
		t.arg = &wa;
		gs__addtimer(&t);
		timed = true;
	}
	if (pd->waiter[mode] != NULL) {
		gs__unlockx(&pd->lock);
		if (timed)
			gs__deltimer(&t);
		return GS_EBUSY; /* another goroutine already waits on this fd and mode */
	}
	pd->waiter[mode] = &w;
	atomic_fetch_add(&gs__sched.netpollwaiters, 1);
	gs__gopark(wait_commit, &wa, GS_WAIT_IO);
	if (timed)
		gs__deltimer(&t); /* waits for a firing deadline_fire: t is on our stack */
	return w.result;
}

/* Register fd, already non-blocking, with the netpoller. */
static int
pdregister(int fd)
{
	gs__polldesc *pd = pdlookup(fd, true);

	if (pd == NULL)
		return fd >= FDTAB_PAGE * FDTAB_PAGES ? GS_ERANGE : GS_ENOMEM;
	gs__lockx(&pd->lock);
	if (pd->open) {
		gs__unlockx(&pd->lock);
		return GS_EBUSY;
	}
	memset(pd->ready, 0, sizeof pd->ready);
	memset(pd->waiter, 0, sizeof pd->waiter);
	memset(pd->deadline, 0, sizeof pd->deadline);
	for (int m = GS__POLL_READ; m <= GS__POLL_WRITE; m++) {
		memset(&pd->dtimer[m], 0, sizeof pd->dtimer[m]);
		pd->dtimer[m].pd = pd;
		pd->dtimer[m].mode = m;
		pd->dtimer[m].t.f = pddeadline_fire;
		pd->dtimer[m].t.arg = &pd->dtimer[m];
	}
	pd->fd = fd;
	atomic_store_explicit(&pd->notsock, false, memory_order_relaxed);
	atomic_store(&pd->open, true);
	gs__unlockx(&pd->lock);
	int err = gs__netpoll_backend_open(fd, pd);
	if (err) {
		gs__lockx(&pd->lock);
		pd->open = false;
		gs__unlockx(&pd->lock);
	}
	return err;
}

int
gs_fd_open(int fd)
{
	if (!gs_in_goroutine())
		return GS_ENOTRUN;
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0)
		return -errno;
	if (fd >= FDTAB_PAGE * FDTAB_PAGES)
		return GS_ERANGE;
	/* A descriptor created non-blocking (SOCK_NONBLOCK, O_NONBLOCK) costs
	 * no second call. */
	if (!(fl & O_NONBLOCK) && fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -errno;
	return pdregister(fd);
}

/* Unregister fd, wake its waiters with GS_EBADF, and close it. */
int
gs_fd_close(int fd)
{
	gs__polldesc *pd = pdlookup(fd, false);
	gs_g *wake[3] = { NULL, NULL, NULL };

	if (pd == NULL || !gs_in_goroutine())
		return pd == NULL ? GS_EBADF : GS_ENOTRUN;
	gs__lockx(&pd->lock);
	if (!pd->open) {
		gs__unlockx(&pd->lock);
		return GS_EBADF;
	}
	atomic_store(&pd->open, false);
	for (int m = GS__POLL_READ; m <= GS__POLL_WRITE; m++)
		wake[m] = pdunblock(pd, m, GS_EBADF);
	gs__unlockx(&pd->lock);
	for (int m = GS__POLL_READ; m <= GS__POLL_WRITE; m++)
		gs__deltimer(&pd->dtimer[m].t);
	gs__netpoll_backend_close(fd);
	for (int m = GS__POLL_READ; m <= GS__POLL_WRITE; m++)
		if (wake[m])
			gs__goready(wake[m]);
	return close(fd) == 0 ? 0 : -errno;
}

static int
events_mode(int events)
{
	int mode = 0;

	if (events & GS_POLLIN)
		mode |= GS__POLL_READ;
	if (events & GS_POLLOUT)
		mode |= GS__POLL_WRITE;
	return mode;
}

int
gs_fd_set_deadline(int fd, int events, int64_t deadline)
{
	gs__polldesc *pd = pdopen(fd);
	int mode = events_mode(events);

	if (!gs_in_goroutine())
		return GS_ENOTRUN;
	if (pd == NULL || mode == 0 || deadline < 0)
		return pd == NULL ? GS_EBADF : GS_EINVAL;
	for (int m = GS__POLL_READ; m <= GS__POLL_WRITE; m++) {
		if (!(mode & m))
			continue;
		/* Disarm first, outside pd->lock: the timer's function takes it. */
		gs__deltimer(&pd->dtimer[m].t);
		gs_g *gp = NULL;
		gs__lockx(&pd->lock);
		if (deadline == 0) {
			pd->deadline[m] = 0;
		} else if (deadline <= (int64_t)gs__nanotime()) {
			/* Already past: fail a parked waiter now, as Go does. */
			pd->deadline[m] = -1;
			gp = pdunblock(pd, m, GS_ETIMEDOUT);
		} else {
			pd->deadline[m] = deadline;
			pd->dtimer[m].t.when = deadline;
			gs__addtimer(&pd->dtimer[m].t);
		}
		gs__unlockx(&pd->lock);
		if (gp)
			gs__goready(gp);
	}
	return 0;
}

int
gs_fd_wait(int fd, int events, int64_t timeout_ns)
{
	gs__polldesc *pd = pdopen(fd);
	int mode = events_mode(events);

	if (!gs_in_goroutine())
		return GS_ENOTRUN;
	if (pd == NULL)
		return GS_EBADF;
	if (mode != GS__POLL_READ && mode != GS__POLL_WRITE)
		return GS_EINVAL;
	int64_t deadline = timeout_ns >= 0 ? gs__whenadd((int64_t)gs__nanotime(), timeout_ns) : 0;
	if (timeout_ns == 0)
		deadline = 1; /* already past: a poll */
	return pdwait(pd, mode, deadline);
}

ssize_t
gs_fd_read(int fd, void *buf, size_t n)
{
	gs__polldesc *pd = pdopen(fd);

	if (!gs_in_goroutine())
		return GS_ENOTRUN;
	if (pd == NULL)
		return GS_EBADF;
	for (;;) {
		ssize_t r = read(fd, buf, n);
		if (r >= 0)
			return r;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -errno;
		int err = pdwait(pd, GS__POLL_READ, 0);
		if (err)
			return err;
	}
}

ssize_t
gs_fd_write(int fd, const void *buf, size_t n)
{
	gs__polldesc *pd = pdopen(fd);
	size_t done = 0;

	if (!gs_in_goroutine())
		return GS_ENOTRUN;
	if (pd == NULL)
		return GS_EBADF;
	while (done < n) {
		/* A socket whose peer has gone fails with EPIPE, as in Go, instead
		 * of killing the whole program with SIGPIPE. */
		const char *p = (const char *)buf + done;
		ssize_t r;
		if (!atomic_load_explicit(&pd->notsock, memory_order_relaxed)) {
			r = send(fd, p, n - done, MSG_NOSIGNAL);
			if (r < 0 && errno == ENOTSOCK) {
				atomic_store_explicit(&pd->notsock, true, memory_order_relaxed);
				continue;
			}
		} else {
			r = write(fd, p, n - done);
		}
		if (r >= 0) {
			done += (size_t)r;
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return done ? (ssize_t)done : -errno;
		int err = pdwait(pd, GS__POLL_WRITE, 0);
		if (err)
			return done ? (ssize_t)done : err;
	}
	return (ssize_t)done;
}

int
gs_fd_accept(int fd, struct sockaddr *addr, socklen_t *addrlen)
{
	gs__polldesc *pd = pdopen(fd);

	if (!gs_in_goroutine())
		return GS_ENOTRUN;
	if (pd == NULL)
		return GS_EBADF;
	for (;;) {
		int nfd = accept4(fd, addr, addrlen, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (nfd >= 0) {
			/* Non-blocking from accept4 already: no fcntl. */
			int err = pdregister(nfd);
			if (err) {
				close(nfd);
				return err;
			}
			return nfd;
		}
		if (errno == EINTR || errno == ECONNABORTED)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -errno;
		int err = pdwait(pd, GS__POLL_READ, 0);
		if (err)
			return err;
	}
}

int
gs_fd_connect(int fd, const struct sockaddr *addr, socklen_t addrlen)
{
	gs__polldesc *pd = pdopen(fd);

	if (!gs_in_goroutine())
		return GS_ENOTRUN;
	if (pd == NULL)
		return GS_EBADF;
	if (connect(fd, addr, addrlen) == 0)
		return 0;
	if (errno != EINPROGRESS && errno != EINTR)
		return -errno;
	int err = pdwait(pd, GS__POLL_WRITE, 0);
	if (err)
		return err;
	int soerr = 0;
	socklen_t len = sizeof soerr;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0)
		return -errno;
	return soerr ? -soerr : 0;
}
