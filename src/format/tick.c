/*
 * tick.c - calling every sink of a list in order, finishing the files and
 * standard output they write to, and the stop signals that end a run
 * between two ticks (tick.h).
 */
#define _GNU_SOURCE /* pipe2, ppoll */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "format/tick.h"

int
tick_sinks_begin(const tick_sink *s, int n, const tick_info *info)
{
	for (int i = 0; i < n; i++)
		if (s[i].begin) {
			int rc = s[i].begin(s[i].ctx, info);
			if (rc)
				return rc;
		}
	return 0;
}

int
tick_sinks_tick(const tick_sink *s, int n, const tick_info *info, const tick_data *t)
{
	int done = 0;

	for (int i = 0; i < n; i++)
		if (s[i].tick) {
			int rc = s[i].tick(s[i].ctx, info, t);
			if (rc == TICK_SINK_DONE)
				done = rc;
			else if (rc)
				return rc;
		}
	return done;
}

int
tick_sinks_end(const tick_sink *s, int n, const tick_info *info, const tick_end *e)
{
	for (int i = 0; i < n; i++)
		if (s[i].end) {
			int rc = s[i].end(s[i].ctx, info, e);
			if (rc)
				return rc;
		}
	return 0;
}

int
tick_fclose(FILE **f)
{
	int bad = ferror(*f) || fflush(*f) != 0;
	int saved = errno;

	if (fclose(*f) != 0)
		bad = 1;
	else
		errno = saved;
	*f = NULL;
	return bad ? -1 : 0;
}

/* Whether fd is a pipe or socket whose reader has gone: a write that
 * failed inside stdio (printf of a long text) loses its errno before any
 * flush can see it, and the reader of gsched --help | head -n 1 is gone
 * by then more often than not.  Linux reports a pipe without readers as
 * POLLERR, a socket shut for writing as POLLHUP. */
static bool
reader_gone(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };

	return fd >= 0 && poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP)) != 0;
}

/* errno of the first failed write to stdout, 0 while none failed: the
 * stream's own error flag keeps no reason, and a failed flush drops the
 * buffer, so a later flush cannot tell it again. */
static int stdout_errno;

int
tick_fflush(FILE *f)
{
	errno = 0;
	if (fflush(f) == 0 && !ferror(f))
		return 0;
	if (errno == 0) /* a write failed earlier, its reason kept only for stdout */
		errno = f == stdout && stdout_errno != 0 ? stdout_errno
		    : reader_gone(fileno(f))             ? EPIPE
							 : EIO;
	if (f == stdout && stdout_errno == 0)
		stdout_errno = errno;
	return errno == EPIPE ? 1 : -1;
}

int
tick_stdout_finish(int rc)
{
	tick_fflush(stdout);
	if (stdout_errno == 0 || stdout_errno == EPIPE)
		return rc;
	fprintf(stderr, "gsched: writing standard output: %s\n", strerror(stdout_errno));
	return rc != 0 ? rc : 1;
}

/* ---- stop signals ---------------------------------------------------------- */

static const int stop_sigs[] = { SIGINT, SIGTERM, SIGHUP };
static volatile sig_atomic_t stop_sig;        /* the first stop signal caught, or 0 */
static volatile sig_atomic_t stop_again_ends; /* tick_stop_catch(true) */
/* written to by the handler: a sleeping tick loop on any thread wakes (the
 * byte stays unread, so every later wait ends at once too) */
static int stop_pipe[2] = { -1, -1 };

static void
on_stop(int sig)
{
	int saved_errno = errno;

	/* the second: whatever the run is blocked in (a read of a FIFO whose
	 * writer stalls) does not wait for it; dies as the signal would have
	 * (delivered when this handler returns) */
	if (stop_sig != 0 && stop_again_ends) {
		signal(sig, SIG_DFL);
		raise(sig);
	}
	if (stop_sig == 0)
		stop_sig = sig;
	if (stop_pipe[1] >= 0) {
		ssize_t r = write(stop_pipe[1], "", 1); /* non-blocking: a full pipe is enough */
		(void)r;
	}
	errno = saved_errno;
}

void
tick_stop_catch(bool again_ends)
{
	static bool installed; /* main's thread, before any other starts */
	struct sigaction sa, old;

	stop_again_ends = again_ends;
	if (installed)
		return;
	installed = true;
	if (pipe2(stop_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
		stop_pipe[0] = stop_pipe[1] = -1; /* then a sleep ends at its time */
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	/* SA_RESTART: a write the signal comes in (to a full pipe, a terminal)
	 * goes on, so the tick in progress is written whole; the waits (ppoll,
	 * a key's) are never restarted and end early */
	sa.sa_flags = SA_RESTART;
	sa.sa_handler = on_stop;
	for (size_t i = 0; i < sizeof stop_sigs / sizeof stop_sigs[0]; i++)
		if (sigaction(stop_sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
			sigaction(stop_sigs[i], &sa, NULL);
}

void
tick_stop_mask(int how, sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < sizeof stop_sigs / sizeof stop_sigs[0]; i++)
		sigaddset(&set, stop_sigs[i]);
	pthread_sigmask(how, &set, old);
}

int
tick_stop_signal(void)
{
	return stop_sig;
}

int
tick_sleep_until(uint64_t t)
{
	for (;;) {
		struct timespec now;

		if (stop_sig != 0)
			return stop_sig;
		clock_gettime(CLOCK_MONOTONIC, &now);
		uint64_t n = (uint64_t)now.tv_sec * 1000000000 + (uint64_t)now.tv_nsec;
		if (n >= t)
			return 0;
		if (stop_pipe[0] >= 0) {
			struct pollfd pfd = { stop_pipe[0], POLLIN, 0 };
			struct timespec left = { (time_t)((t - n) / 1000000000),
				(long)((t - n) % 1000000000) };
			(void)ppoll(&pfd, 1, &left, NULL);
		} else {
			struct timespec at = { (time_t)(t / 1000000000), (long)(t % 1000000000) };
			(void)clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, NULL);
		}
	}
}

int
tick_wait_readable(int fd)
{
	struct pollfd pfd[2] = { { fd, POLLIN, 0 }, { stop_pipe[0], POLLIN, 0 } };

	while (stop_sig == 0) {
		if (poll(pfd, stop_pipe[0] >= 0 ? 2 : 1, -1) < 0 && errno != EINTR)
			return 0; /* let the read say what is wrong */
		if (stop_sig == 0 && pfd[0].revents != 0)
			return 0;
	}
	return stop_sig;
}

int
tick_stop_status(int rc)
{
	return rc == 0 && stop_sig != 0 ? 128 + stop_sig : rc;
}

int
tick_stop_exit(int rc)
{
	int sig = stop_sig;
	sigset_t set;

	if (sig == 0 || rc != 128 + sig)
		return rc;
	/* as the signal's default action would have ended it, only later: a
	 * shell sees the program killed by it (and a script stops on Ctrl-C) */
	signal(sig, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	return rc;
}

void
tick_file_error(char *err, size_t size, const char *path, long line, const char *fmt, va_list ap)
{
	char msg[400];

	vsnprintf(msg, sizeof msg, fmt, ap);
	snprintf(err, size, "%s:%ld: %s", path, line, msg);
}
