/*
 * netpoll_poll.c - the portable netpoller on poll(2), for systems without
 * epoll (or chosen with configure --with-netpoll=poll).  poll() is
 * level-triggered and takes the whole set each call, so only descriptors with
 * a waiting goroutine are in the set: arming a wait adds its interest and
 * wakes a blocked poller (through a pipe) so the next poll() includes it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

#include "runtime/internal.h"

struct reg {
	int fd;
	gs__polldesc *pd;
	int interest; /* GS__POLL_READ | GS__POLL_WRITE armed by waiters */
};

static gs_lock reglock; /* guards regs, nregs */
static struct reg *regs;
static int nregs, capregs;
static int wakepipe[2] = { -1, -1 };
static _Atomic uint32_t breakpending;

int
gs__netpoll_backend_init(void)
{
	if (pipe2(wakepipe, O_NONBLOCK | O_CLOEXEC) != 0)
		return -errno;
	nregs = 0;
	atomic_store(&breakpending, 0);
	return 0;
}

void
gs__netpoll_backend_fini(void)
{
	close(wakepipe[0]);
	close(wakepipe[1]);
	wakepipe[0] = wakepipe[1] = -1;
	free(regs);
	regs = NULL;
	nregs = capregs = 0;
}

int
gs__netpoll_backend_open(int fd, gs__polldesc *pd)
{
	gs__lockx(&reglock);
	if (nregs == capregs) {
		int cap = capregs ? capregs * 2 : 64;
		struct reg *r = realloc(regs, (size_t)cap * sizeof *r);
		if (r == NULL) {
			gs__unlockx(&reglock);
			return GS_ENOMEM;
		}
		regs = r;
		capregs = cap;
	}
	regs[nregs++] = (struct reg){ fd, pd, 0 };
	gs__unlockx(&reglock);
	return 0;
}

void
gs__netpoll_backend_close(int fd)
{
	gs__lockx(&reglock);
	for (int i = 0; i < nregs; i++) {
		if (regs[i].fd == fd) {
			regs[i] = regs[--nregs];
			break;
		}
	}
	gs__unlockx(&reglock);
}

void
gs__netpoll_backend_arm(int fd, gs__polldesc *pd, int mode)
{
	(void)pd;
	gs__lockx(&reglock);
	for (int i = 0; i < nregs; i++)
		if (regs[i].fd == fd)
			regs[i].interest |= mode;
	gs__unlockx(&reglock);
	gs__netpoll_backend_break();
}

void
gs__netpoll_backend_break(void)
{
	uint32_t zero = 0;
	char c = 0;

	if (!atomic_compare_exchange_strong(&breakpending, &zero, 1))
		return;
	while (write(wakepipe[1], &c, 1) < 0 && errno == EINTR)
		;
}

int
gs__netpoll_backend_wait(int64_t delay, gs_g **list, int *count)
{
	struct pollfd *pfds;
	gs__polldesc **pds;
	int n = 0;

	gs__lockx(&reglock);
	pfds = malloc((size_t)(nregs + 1) * sizeof *pfds);
	pds = malloc((size_t)(nregs + 1) * sizeof *pds);
	if (pfds == NULL || pds == NULL) {
		gs__unlockx(&reglock);
		free(pfds);
		free(pds);
		return 0;
	}
	pfds[n++] = (struct pollfd){ wakepipe[0], POLLIN, 0 };
	for (int i = 0; i < nregs; i++) {
		short ev = 0;
		if (regs[i].interest & GS__POLL_READ)
			ev |= POLLIN;
		if (regs[i].interest & GS__POLL_WRITE)
			ev |= POLLOUT;
		if (ev) {
			pds[n] = regs[i].pd;
			pfds[n++] = (struct pollfd){ regs[i].fd, ev, 0 };
		}
	}
	gs__unlockx(&reglock);

	int ms = delay < 0 ? -1 : delay == 0 ? 0 : (int)((delay + 999999) / 1000000);
	int r = poll(pfds, (nfds_t)n, ms);
	if (r > 0) {
		if (pfds[0].revents) {
			char buf[64];
			while (read(wakepipe[0], buf, sizeof buf) > 0)
				;
			atomic_store(&breakpending, 0);
		}
		for (int i = 1; i < n; i++) {
			short re = pfds[i].revents;
			int mode = 0;
			if (re & (POLLIN | POLLHUP | POLLERR | POLLNVAL))
				mode |= GS__POLL_READ;
			if (re & (POLLOUT | POLLHUP | POLLERR | POLLNVAL))
				mode |= GS__POLL_WRITE;
			mode &= (pfds[i].events & POLLIN ? GS__POLL_READ : 0) |
			    (pfds[i].events & POLLOUT ? GS__POLL_WRITE : 0);
			if (!mode)
				continue;
			/* Level-triggered: drop the interest until a waiter arms again. */
			gs__lockx(&reglock);
			for (int k = 0; k < nregs; k++)
				if (regs[k].pd == pds[i])
					regs[k].interest &= ~mode;
			gs__unlockx(&reglock);
			gs__netpoll_ready(pds[i], mode, list, count);
		}
	}
	free(pfds);
	free(pds);
	return r > 0 ? r : 0;
}
