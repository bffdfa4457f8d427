/*
 * netpoll_epoll.c - the netpoller on Linux epoll, edge-triggered as Go's is:
 * each descriptor is registered once for reading and writing, and the portable
 * half (netpoll.c) remembers an edge that arrived with nobody waiting.  An
 * eventfd in the same set lets gs__netpollbreak wake a blocked poller.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "runtime/internal.h"

static int epfd = -1;
static int breakfd = -1;
static _Atomic uint32_t breakpending; /* a break is written and not yet drained */
static char breakmark;                /* its epoll data.ptr */

int
gs__netpoll_backend_init(void)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &breakmark };

	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (epfd < 0)
		return -errno;
	breakfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (breakfd < 0 || epoll_ctl(epfd, EPOLL_CTL_ADD, breakfd, &ev) != 0) {
		int err = -errno;
		if (breakfd >= 0)
			close(breakfd);
		close(epfd);
		epfd = breakfd = -1;
		return err;
	}
	atomic_store(&breakpending, 0);
	return 0;
}

void
gs__netpoll_backend_fini(void)
{
	if (epfd >= 0)
		close(epfd);
	if (breakfd >= 0)
		close(breakfd);
	epfd = breakfd = -1;
}

int
gs__netpoll_backend_open(int fd, gs__polldesc *pd)
{
	struct epoll_event ev = {
		.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET,
		.data.ptr = pd,
	};

	return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) == 0 ? 0 : -errno;
}

void
gs__netpoll_backend_close(int fd)
{
	struct epoll_event ev = { 0 };

	epoll_ctl(epfd, EPOLL_CTL_DEL, fd, &ev);
}

void
gs__netpoll_backend_arm(int fd, gs__polldesc *pd, int mode)
{
	/* Edge-triggered registration covers every wait. */
	(void)fd;
	(void)pd;
	(void)mode;
}

void
gs__netpoll_backend_break(void)
{
	uint32_t zero = 0;
	uint64_t one = 1;

	/* One pending break is enough; more would only be drained again. */
	if (!atomic_compare_exchange_strong(&breakpending, &zero, 1))
		return;
	while (write(breakfd, &one, sizeof one) < 0 && errno == EINTR)
		;
}

static int
epwait(struct epoll_event *evs, int n, int64_t delay)
{
#ifdef SYS_epoll_pwait2
	static _Atomic int no_pwait2;
	if (delay > 0 && !atomic_load_explicit(&no_pwait2, memory_order_relaxed)) {
		/* Nanosecond timeouts: a sleeping goroutine wakes on time, not at
		 * the next millisecond. */
		struct timespec ts = { delay / 1000000000, delay % 1000000000 };
		int r = (int)syscall(SYS_epoll_pwait2, epfd, evs, n, &ts, NULL, 0);
		if (r >= 0 || errno != ENOSYS)
			return r;
		atomic_store(&no_pwait2, 1);
	}
#endif
	int ms;
	if (delay < 0)
		ms = -1;
	else if (delay == 0)
		ms = 0;
	else if (delay >= (int64_t)1e12)
		ms = (int)1e6;
	else
		ms = (int)((delay + 999999) / 1000000); /* round up: never wake early */
	return epoll_wait(epfd, evs, n, ms);
}

int
gs__netpoll_backend_wait(int64_t delay, gs_g **list, int *count)
{
	struct epoll_event evs[128];
	int n = epwait(evs, 128, delay);

	if (n < 0)
		return 0; /* EINTR: the caller looks again */
	for (int i = 0; i < n; i++) {
		if (evs[i].data.ptr == &breakmark) {
			uint64_t v;
			while (read(breakfd, &v, sizeof v) < 0 && errno == EINTR)
				;
			atomic_store(&breakpending, 0);
			continue;
		}
		int mode = 0;
		uint32_t e = evs[i].events;
		if (e & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
			mode |= GS__POLL_READ;
		if (e & (EPOLLOUT | EPOLLHUP | EPOLLERR))
			mode |= GS__POLL_WRITE;
		if (mode)
			gs__netpoll_ready(evs[i].data.ptr, mode, list, count);
	}
	return n;
}
