/*
 * tu_child.h - run a function in a forked child and collect its stderr and exit
 * status (the hardening suites: check_stress, check_fault).  Used for behaviour
 * that ends the process on purpose (Go's fatal errors: thread exhaustion, a new M
 * that cannot start, a stack that cannot be mapped).  The child gets its own
 * process group so a kill after the timeout takes its threads too.
 */
#ifndef GS_TU_CHILD_H
#define GS_TU_CHILD_H

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

struct tu_child {
	int status;        /* waitpid status */
	bool killed;       /* still running at the timeout: SIGKILLed */
	char out[1 << 20]; /* its stderr (truncated); keep the struct static */
};

/* Fork; the child runs fn(arg) with stderr into a pipe and exits with its
 * return value; the parent collects stderr and the status, killing the child
 * after timeout_ns. */
static inline void TU_UNUSED
tu_child_run(struct tu_child *c, int (*fn)(void *), void *arg, uint64_t timeout_ns)
{
	int pfd[2];
	size_t got = 0;

	ck_assert_int_eq(pipe(pfd), 0);
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		tu_forked();
		setpgid(0, 0);
		close(pfd[0]);
		dup2(pfd[1], 2);
		close(pfd[1]);
		int rc = fn(arg);
		fflush(stdout);
		fflush(stderr);
		_exit(rc);
	}
	close(pfd[1]);
	c->killed = false;
	uint64_t end = tu_now_ns() + timeout_ns;
	for (;;) {
		struct pollfd p = { pfd[0], POLLIN, 0 };
		uint64_t now = tu_now_ns();
		int r = poll(&p, 1, (int)((end > now ? end - now : 0) / 1000000));
		if (r == 0) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			c->killed = true;
			break;
		}
		if (r < 0 && errno == EINTR)
			continue;
		char tmp[4096];
		ssize_t k = read(pfd[0], tmp, sizeof tmp);
		if (k <= 0)
			break;
		size_t room = sizeof c->out - 1 - got;
		size_t take = (size_t)k < room ? (size_t)k : room;
		memcpy(c->out + got, tmp, take);
		got += take;
	}
	c->out[got] = '\0';
	close(pfd[0]);
	ck_assert_int_eq(waitpid(pid, &c->status, 0), pid);
	ck_assert_msg(!c->killed, "child still running after %llu s (a hang); stderr: %.2000s",
	    (unsigned long long)(timeout_ns / 1000000000u), c->out);
}

/* Assert the child exited (not killed by a signal) with status want and that
 * its stderr contains each of the NULL-terminated strings. */
static inline void TU_UNUSED
tu_child_expect(const struct tu_child *c, int want, const char *const *needles)
{
	ck_assert_msg(WIFEXITED(c->status), "child died of signal %d; stderr: %.2000s",
	    WIFSIGNALED(c->status) ? WTERMSIG(c->status) : -1, c->out);
	ck_assert_msg(WEXITSTATUS(c->status) == want,
	    "child exit status %d, want %d; stderr: %.2000s", WEXITSTATUS(c->status), want, c->out);
	for (; *needles; needles++)
		ck_assert_msg(strstr(c->out, *needles) != NULL,
		    "child's stderr lacks \"%s\": %.2000s", *needles, c->out);
}

#endif /* GS_TU_CHILD_H */
