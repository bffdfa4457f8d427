/*
 * goproc.c - a Go program under GODEBUG=schedtrace (goproc.h): the child,
 * the thread that reads its standard error, and the mailbox between that
 * thread and the caller.
 */
#define _GNU_SOURCE /* execvpe, pipe2 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gsched.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "format/godebug.h"
#include "live/goproc.h"

extern char **environ;

/* Quiet on the pipe this long after trace lines: their block is whole. */
#define GOPROC_PAUSE_MS 20

/* ---- pure helpers ------------------------------------------------------------------ */

/* Whether the GODEBUG setting s (len bytes, "name=value") is one of those
 * the trace sets: the program's own is replaced, not added to. */
static bool
traced_setting(const char *s, size_t len)
{
	static const char *const names[] = { "schedtrace=", "scheddetail=" };

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		size_t n = strlen(names[i]);
		if (len >= n && strncmp(s, names[i], n) == 0)
			return true;
	}
	return false;
}

int
goproc_godebug(const char *old, int ms, bool detail, char *buf, size_t size)
{
	size_t out = 0;
	int n;

	if (size == 0)
		return -1;
	buf[0] = '\0';
	for (const char *s = old; s != NULL && *s != '\0';) {
		size_t len = strcspn(s, ",");
		if (len > 0 && !traced_setting(s, len)) {
			if (out + len + 2 > size)
				return -1;
			memcpy(buf + out, s, len);
			out += len;
			buf[out++] = ',';
			buf[out] = '\0';
		}
		s += len;
		if (*s == ',')
			s++;
	}
	n = snprintf(buf + out, size - out, "schedtrace=%d%s", ms, detail ? ",scheddetail=1" : "");
	if (n < 0 || (size_t)n >= size - out)
		return -1;
	return (int)(out + (size_t)n);
}

uint64_t
goproc_quiet_ns(int interval_ms)
{
	uint64_t q =
	    (uint64_t)(interval_ms > 0 ? interval_ms : 0) * 1000000ULL * GOPROC_QUIET_INTERVALS;

	return q > GOPROC_QUIET_MIN_NS ? q : GOPROC_QUIET_MIN_NS;
}

void
goproc_status_text(int ws, char *buf, size_t size)
{
	if (WIFEXITED(ws))
		snprintf(buf, size, "exited with status %d", WEXITSTATUS(ws));
	else if (WIFSIGNALED(ws))
		snprintf(buf, size, "killed by signal %d (SIG%s)", WTERMSIG(ws),
		    sigabbrev_np(WTERMSIG(ws)) ? sigabbrev_np(WTERMSIG(ws)) : "?");
	else
		snprintf(buf, size, "ended (wait status %#x)", ws);
}

/* ---- the mailbox --------------------------------------------------------------------- */

struct goproc {
	pid_t pid;
	int errfd;   /* the read end of its standard error: the reader's */
	int note[2]; /* the reader writes a byte when there is something */
	FILE *errfile;
	pthread_t reader;
	bool reader_started;
	godebug_parser *gp; /* the reader's; the caller reads it while a tick
	                       waits in the mailbox (the reader is waiting then) */
	bool pending;       /* the reader's: trace lines fed since the last
	                       godebug_finish */

	pthread_mutex_t mu; /* guards what follows */
	pthread_cond_t cv;  /* the caller took the tick, or stop */
	bool tick_ready;
	bool stop;
	char lines[GOPROC_LINES][GOPROC_LINE_SHOW + 1];
	int lhead, lcount;
	goproc_state st;
};

static void
notify(goproc *g)
{
	ssize_t r = write(g->note[1], "", 1); /* non-blocking: a full pipe says it already */
	(void)r;
}

/* The reader's counters into the shared state (mu held). */
static void
share_counts(goproc *g)
{
	g->st.sched_lines = godebug_sched_lines(g->gp);
	g->st.other_lines = godebug_other_lines(g->gp);
	g->st.lacks = godebug_lacks(g->gp);
}

/* A tick completed: into the mailbox, and wait until the caller took it. */
static void
give_tick(goproc *g)
{
	pthread_mutex_lock(&g->mu);
	share_counts(g);
	g->tick_ready = true;
	notify(g);
	while (g->tick_ready && !g->stop)
		pthread_cond_wait(&g->cv, &g->mu);
	pthread_mutex_unlock(&g->mu);
}

/* A line of the program's own: to the file whole, to the mailbox cut. */
static void
give_line(goproc *g, const char *line, size_t len)
{
	if (g->errfile != NULL) {
		fwrite(line, 1, len, g->errfile);
		fputc('\n', g->errfile);
		fflush(g->errfile);
	}
	pthread_mutex_lock(&g->mu);
	share_counts(g);
	if (g->lcount == GOPROC_LINES) {
		g->st.dropped++;
	} else {
		char *d = g->lines[(g->lhead + g->lcount++) % GOPROC_LINES];
		size_t n = len < GOPROC_LINE_SHOW ? len : GOPROC_LINE_SHOW;
		memcpy(d, line, n);
		d[n] = '\0';
		/* a control character would move the cursor on the screen */
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)d[i] < ' ' || d[i] == 0x7f)
				d[i] = ' ';
	}
	notify(g);
	pthread_mutex_unlock(&g->mu);
}

/* A line of its standard error, as godebug_feed_bytes classed it. */
static void
on_line(void *ctx, int result, const char *line, size_t len)
{
	goproc *g = ctx;

	if (result == GODEBUG_TICK)
		give_tick(g);
	else if (result == GODEBUG_OTHER)
		give_line(g, line, len);
	if (result == GODEBUG_SCHED || result == GODEBUG_TICK)
		g->pending = true;
}

/* No more bytes for a while: Go prints a block at once, so the one pending
 * is whole; given now, not at the next block's SCHED line an interval on. */
static void
pause_seen(goproc *g)
{
	if (!g->pending)
		return;
	g->pending = false;
	if (godebug_pause(g->gp) == GODEBUG_TICK)
		give_tick(g);
}

static bool
stopping(goproc *g)
{
	pthread_mutex_lock(&g->mu);
	bool s = g->stop;
	pthread_mutex_unlock(&g->mu);
	return s;
}

static void *
reader_main(void *arg)
{
	goproc *g = arg;
	char buf[16384];
	int ws = 0;

	for (;;) {
		struct pollfd pfd = { g->errfd, POLLIN, 0 };
		if (stopping(g))
			break;
		/* a stop is seen within 100 ms; a block's end within GOPROC_PAUSE_MS */
		int pr = poll(&pfd, 1, g->pending ? GOPROC_PAUSE_MS : 100);
		if (pr < 0 && errno != EINTR)
			break;
		if (pr == 0)
			pause_seen(g);
		if (pr <= 0)
			continue;
		ssize_t n = read(g->errfd, buf, sizeof buf);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0) {
			if (n < 0) {
				pthread_mutex_lock(&g->mu);
				snprintf(g->st.error, sizeof g->st.error,
				    "reading the program's standard error: %s", strerror(errno));
				pthread_mutex_unlock(&g->mu);
			}
			break;
		}
		if (godebug_feed_bytes(g->gp, buf, (size_t)n, on_line, g) != 0) {
			pthread_mutex_lock(&g->mu);
			snprintf(g->st.error, sizeof g->st.error,
			    "out of memory reading the program's trace");
			pthread_mutex_unlock(&g->mu);
			break;
		}
	}
	/* the last line, and the last block if it is whole */
	if (!stopping(g) && godebug_end_bytes(g->gp, on_line, g) == GODEBUG_TICK)
		give_tick(g);
	pthread_mutex_lock(&g->mu);
	share_counts(g);
	snprintf(g->st.cut, sizeof g->st.cut, "%s", godebug_cut(g->gp));
	g->st.eof = true;
	notify(g);
	pthread_mutex_unlock(&g->mu);
	/* its standard error is closed; it ends now, or when killed */
	while (waitpid(g->pid, &ws, 0) < 0 && errno == EINTR)
		;
	pthread_mutex_lock(&g->mu);
	g->st.exited = true;
	g->st.wstatus = ws;
	notify(g);
	pthread_mutex_unlock(&g->mu);
	return NULL;
}

/* ---- the child ------------------------------------------------------------------------- */

/* The environment with GODEBUG replaced: a new array of the old strings
 * and one new one (godebug, which the caller keeps). */
static char **
child_env(char *godebug)
{
	size_t n = 0, k = 0;

	while (environ[n] != NULL)
		n++;
	char **env = malloc((n + 2) * sizeof *env);
	if (env == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "GODEBUG=", 8) != 0)
			env[k++] = environ[i];
	env[k++] = godebug;
	env[k] = NULL;
	return env;
}

goproc *
goproc_start(const goproc_opts *o, char *err, size_t errsize)
{
	char godebug[4096 + 8] = "GODEBUG=";
	int errpipe[2] = { -1, -1 }, xpipe[2] = { -1, -1 }, outfd = -1, infd = -1;
	char **env = NULL;
	goproc *g = calloc(1, sizeof *g);

	if (g == NULL) {
		snprintf(err, errsize, "out of memory");
		return NULL;
	}
	g->note[0] = g->note[1] = g->errfd = -1;
	pthread_mutex_init(&g->mu, NULL);
	pthread_cond_init(&g->cv, NULL);
	if (goproc_godebug(getenv("GODEBUG"), o->interval_ms, true, godebug + 8,
		sizeof godebug - 8) < 0) {
		snprintf(err, errsize, "GODEBUG is too long to add schedtrace to");
		goto fail;
	}
	if ((g->gp = godebug_new()) == NULL || (env = child_env(godebug)) == NULL) {
		snprintf(err, errsize, "out of memory");
		goto fail;
	}
	const char *out = o->stdout_path != NULL ? o->stdout_path : "/dev/null";
	outfd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (outfd < 0) {
		snprintf(err, errsize, "cannot write '%s': %s", out, strerror(errno));
		goto fail;
	}
	if (o->stderr_path != NULL && (g->errfile = fopen(o->stderr_path, "we")) == NULL) {
		snprintf(err, errsize, "cannot write '%s': %s", o->stderr_path, strerror(errno));
		goto fail;
	}
	if ((infd = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0 ||
	    pipe2(errpipe, O_CLOEXEC) != 0 || pipe2(xpipe, O_CLOEXEC) != 0 ||
	    pipe2(g->note, O_CLOEXEC | O_NONBLOCK) != 0) {
		snprintf(err, errsize, "cannot make a pipe: %s", strerror(errno));
		goto fail;
	}
	pid_t parent = getpid();
	g->st.start_ns = (uint64_t)gs_nanotime();
	g->pid = fork();
	if (g->pid < 0) {
		snprintf(err, errsize, "cannot start '%s': %s", o->argv[0], strerror(errno));
		goto fail;
	}
	if (g->pid == 0) {
		/* the child: async-signal-safe calls only, up to exec */
		sigset_t all;
		int e;
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127); /* gsched is gone already */
		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		signal(SIGPIPE, SIG_DFL);
		if (dup2(infd, 0) < 0 || dup2(outfd, 1) < 0 || dup2(errpipe[1], 2) < 0)
			e = errno;
		else {
			execvpe(o->argv[0], o->argv, env);
			e = errno;
		}
		ssize_t w = write(xpipe[1], &e, sizeof e);
		(void)w;
		_exit(127);
	}
	setpgid(g->pid, g->pid); /* the child does it too: whoever is first */
	g->st.pid = g->pid;
	close(xpipe[1]);
	close(errpipe[1]);
	close(outfd);
	close(infd);
	xpipe[1] = errpipe[1] = outfd = infd = -1;
	g->errfd = errpipe[0];
	errpipe[0] = -1;
	{
		int e = 0;
		ssize_t r;
		while ((r = read(xpipe[0], &e, sizeof e)) < 0 && errno == EINTR)
			;
		close(xpipe[0]);
		xpipe[0] = -1;
		if (r == (ssize_t)sizeof e) {
			/* exec failed: the child has exited already */
			while (waitpid(g->pid, NULL, 0) < 0 && errno == EINTR)
				;
			g->pid = 0;
			snprintf(err, errsize, "%s: %s", o->argv[0], strerror(e));
			goto fail;
		}
	}
	free(env);
	env = NULL;
	if (pthread_create(&g->reader, NULL, reader_main, g) != 0) {
		snprintf(err, errsize, "cannot start a thread");
		goto fail;
	}
	g->reader_started = true;
	return g;
fail:
	if (outfd >= 0)
		close(outfd);
	if (infd >= 0)
		close(infd);
	for (int i = 0; i < 2; i++) {
		if (errpipe[i] >= 0)
			close(errpipe[i]);
		if (xpipe[i] >= 0)
			close(xpipe[i]);
	}
	free(env);
	goproc_free(g);
	return NULL;
}

/* ---- the caller's side ------------------------------------------------------------------- */

void
goproc_poll(goproc *g, const goproc_visit *v, goproc_state *st)
{
	char drain[64];

	while (read(g->note[0], drain, sizeof drain) > 0)
		;
	pthread_mutex_lock(&g->mu);
	if (g->tick_ready && v != NULL) {
		if (v->tick != NULL)
			v->tick(v->ctx, godebug_info(g->gp), godebug_tick(g->gp),
			    godebug_format(g->gp));
		g->tick_ready = false;
		pthread_cond_signal(&g->cv);
	}
	while (g->lcount > 0 && v != NULL) {
		if (v->line != NULL)
			v->line(v->ctx, g->lines[g->lhead]);
		g->lhead = (g->lhead + 1) % GOPROC_LINES;
		g->lcount--;
	}
	if (st != NULL)
		*st = g->st;
	pthread_mutex_unlock(&g->mu);
}

int
goproc_signal(goproc *g, int sig)
{
	pthread_mutex_lock(&g->mu);
	bool gone = g->st.exited;
	pthread_mutex_unlock(&g->mu);
	if (gone || g->pid <= 0)
		return -1;
	return kill(-g->pid, sig) == 0 ? 0 : -1;
}

int
goproc_fd(const goproc *g)
{
	return g->note[0];
}

void
goproc_free(goproc *g)
{
	if (g == NULL)
		return;
	if (g->reader_started) {
		/* the program first, while its process group is known to be its */
		if (goproc_signal(g, SIGTERM) == 0) {
			uint64_t until = (uint64_t)gs_nanotime() + 1000000000ULL;
			goproc_visit none = { NULL, NULL, NULL };
			for (;;) {
				goproc_poll(g, &none, NULL); /* let the reader go on */
				pthread_mutex_lock(&g->mu);
				bool gone = g->st.exited;
				pthread_mutex_unlock(&g->mu);
				if (gone)
					break;
				if ((uint64_t)gs_nanotime() >= until) {
					goproc_signal(g, SIGKILL);
					until = UINT64_MAX;
				}
				struct pollfd pfd = { g->note[0], POLLIN, 0 };
				poll(&pfd, 1, 20);
			}
		} else if (g->pid > 0) {
			kill(-g->pid, SIGKILL); /* what it left running in its group */
		}
		pthread_mutex_lock(&g->mu);
		g->stop = true;
		pthread_cond_broadcast(&g->cv);
		pthread_mutex_unlock(&g->mu);
		pthread_join(g->reader, NULL);
	} else if (g->pid > 0) {
		kill(-g->pid, SIGKILL);
		waitpid(g->pid, NULL, 0);
	}
	if (g->errfd >= 0)
		close(g->errfd);
	for (int i = 0; i < 2; i++)
		if (g->note[i] >= 0)
			close(g->note[i]);
	if (g->errfile != NULL)
		fclose(g->errfile);
	godebug_free(g->gp);
	pthread_mutex_destroy(&g->mu);
	pthread_cond_destroy(&g->cv);
	free(g);
}
