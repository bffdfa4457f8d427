/*
 * session.c - a live, steerable run of the runtime (session.h).
 *
 * Threads: the caller's thread (the UI) owns the session and makes every
 * call here; a session thread runs gs_run and nothing else.  The runtime's
 * main goroutine is the controller: it starts the scenario, then reads
 * fixed-size requests from a pipe (parked in the netpoller, so it holds no
 * thread while idle) and spawns batches.  Each batch has a keeper goroutine
 * that stops it when its life is over or the session ends, then frees it.
 * Asynchronous errors travel back through a small mutex-guarded ring.
 */
#define _GNU_SOURCE /* pipe2 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gsched/observe.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "live/session.h"
#include "live/workload.h"

#define ERR_RING 8
#define ERR_LEN 160
#define PENDING_MAX 64                /* requests queued and not yet read */
#define COUNT_MAX 100000              /* goroutines per batch */
#define KEEPER_STEP (100 * 1000000LL) /* a keeper checks for the end this often */
#define KEEPER_STEP_LIMITED                                                                        \
	(5 * 1000000LL) /* ... and for a batch with an iteration
                                               limit, which may end on its own (the
                                               lessons' measure times it) */

enum { REQ_SPAWN = 1, REQ_QUIT };

/* One request; far below PIPE_BUF, so each write is atomic. */
struct req {
	int op;
	int count;
	int64_t life_ns;
	int64_t iters;
	char kind[16];
	char label[GS_LABEL_MAX];
};

struct batch {
	workload_run run;
	session *s;
	const workload *w;
	int count;
	int64_t life_ns;
	char label[GS_LABEL_MAX];
};

struct session {
	session_opts o;
	pthread_t th;
	int pipefd[2];      /* [0]: the controller's, [1]: the caller's */
	atomic_int started; /* 0 not yet, 1 running, -1 failed */
	int run_rc;         /* gs_run's result (session thread) */
	char start_err[ERR_LEN];

	workload_run scenario; /* the controller's */
	gs_waitgroup keepers;  /* one per live batch */
	atomic_bool ending;    /* set by the controller on REQ_QUIT */
	atomic_bool halt;      /* set by session_end: every run stops at once */
	atomic_int pending;    /* requests written and not yet read */
	atomic_int batches;    /* batches spawned and not yet finished */
	atomic_int spawning;   /* spawn requests not yet spawned (for
	                           session_unfinished) */
	bool world_stopped;    /* caller's thread only */

	pthread_mutex_t errmu; /* guards the ring below */
	char errs[ERR_RING][ERR_LEN];
	int ehead, ecount;
};

static void
report(session *s, const char *fmt, const char *a, const char *b)
{
	pthread_mutex_lock(&s->errmu);
	int slot = (s->ehead + s->ecount) % ERR_RING;
	if (s->ecount == ERR_RING) /* full: the oldest goes */
		s->ehead = (s->ehead + 1) % ERR_RING;
	else
		s->ecount++;
	snprintf(s->errs[slot], ERR_LEN, fmt, a, b);
	pthread_mutex_unlock(&s->errmu);
}

/* ---- goroutines ------------------------------------------------------------------ */

/* Keeps one batch: waits out its life (or the session's end), stops it, frees it. */
static void
keeper_g(void *arg)
{
	struct batch *b = arg;
	session *s = b->s;
	int64_t end = b->life_ns > 0 ? gs_nanotime() + b->life_ns : INT64_MAX;

	int64_t step = b->run.iters ? KEEPER_STEP_LIMITED : KEEPER_STEP;

	for (;;) {
		int64_t now = gs_nanotime();
		if (atomic_load(&s->ending) || now >= end ||
		    (b->run.iters && workload_live(&b->run) == 0))
			break;
		gs_sleep(end - now < step ? end - now : step);
	}
	workload_stop(&b->run);
	atomic_fetch_sub(&s->batches, 1);
	free(b);
	gs_wg_done(&s->keepers);
}

static void
spawn_batch(session *s, const struct req *r)
{
	const workload *w = workload_find(r->kind);
	struct batch *b;
	int rc;

	if (w == NULL) { /* session_spawn checked; a torn request is a bug */
		report(s, "spawn: unknown workload '%s'%s", r->kind, "");
		return;
	}
	if ((b = calloc(1, sizeof *b)) == NULL) {
		report(s, "spawn %s: %s", r->kind, "out of memory");
		return;
	}
	workload_run_init(&b->run);
	b->run.halt = &s->halt;
	b->s = s;
	b->w = w;
	b->count = r->count;
	b->life_ns = r->life_ns;
	memcpy(b->label, r->label, sizeof b->label);
	b->label[sizeof b->label - 1] = '\0';
	if (b->label[0] != '\0')
		b->run.label = b->label;
	/* The goroutines see the limits themselves too: a call-free loop on
	 * the only P leaves its keeper no chance to run. */
	workload_run_limit(&b->run, r->iters, r->life_ns);
	rc = workload_spawn(&b->run, w, r->count);
	if (rc != 0) {
		/* Some may have started: the keeper stops those as usual. */
		char why[256];
		report(s, "spawn %s: %s", r->kind, workload_strerror(rc, why, sizeof why));
	}
	atomic_fetch_add(&s->batches, 1);
	gs_wg_add(&s->keepers, 1);
	gs_attr ka = { .label = "batch timer" };
	if (gs_go_attr(keeper_g, b, &ka) < 0) {
		/* No keeper: stop the batch here and now. */
		report(s, "spawn %s: %s", r->kind, "no memory for its keeper; stopped");
		workload_stop(&b->run);
		atomic_fetch_sub(&s->batches, 1);
		free(b);
		gs_wg_done(&s->keepers);
	}
}

/* Read one whole request.  0, or a GS_E* code (the pipe failed). */
static int
read_req(int fd, struct req *r)
{
	size_t n = 0;

	while (n < sizeof *r) {
		ssize_t k = gs_fd_read(fd, (char *)r + n, sizeof *r - n);
		if (k > 0)
			n += (size_t)k;
		else if (k == 0)
			return GS_ECLOSED;
		else if (k != GS_ETIMEDOUT && gs_fd_wait(fd, GS_POLLIN, -1) < 0)
			return (int)k;
	}
	return 0;
}

static void
controller_g(void *arg)
{
	session *s = arg;
	int rc = 0;
	struct req r;

	gs_events_enable(s->o.events);
	gs_set_accounting(s->o.events);
	if (s->o.scenario && (rc = workload_spawn_default(&s->scenario, gs_gomaxprocs())) != 0)
		snprintf(s->start_err, sizeof s->start_err, "starting the default workload: %s",
		    gs_strerror(rc));
	else if ((rc = gs_fd_open(s->pipefd[0])) != 0)
		snprintf(s->start_err, sizeof s->start_err, "the session's pipe: %s",
		    gs_strerror(rc));
	if (rc != 0) {
		atomic_store(&s->started, -1);
		workload_stop(&s->scenario);
		return;
	}
	atomic_store(&s->started, 1);
	for (;;) {
		if ((rc = read_req(s->pipefd[0], &r)) != 0) {
			report(s, "the session's pipe failed: %s%s", gs_strerror(rc), "");
			break;
		}
		atomic_fetch_sub(&s->pending, 1);
		if (r.op == REQ_QUIT)
			break;
		if (r.op == REQ_SPAWN) {
			spawn_batch(s, &r);
			atomic_fetch_sub(&s->spawning, 1);
		}
	}
	atomic_store(&s->ending, true);
	gs_wg_wait(&s->keepers);
	workload_stop(&s->scenario);
	gs_events_enable(false);
	gs_set_accounting(false);
	gs_fd_close(s->pipefd[0]);
	s->pipefd[0] = -1;
}

/* ---- the session thread ------------------------------------------------------------ */

static void *
session_thread(void *arg)
{
	session *s = arg;
	gs_config cfg = { .procs = s->o.procs, .stack_size = 0, .max_threads = 0 };

	s->run_rc = gs_run(controller_g, s, &cfg);
	if (s->run_rc < 0) {
		snprintf(s->start_err, sizeof s->start_err, "the runtime did not start: %s",
		    gs_strerror(s->run_rc));
		atomic_store(&s->started, -1);
	}
	return NULL;
}

/* ---- the caller's side ------------------------------------------------------------- */

static int
send_req(session *s, const struct req *r)
{
	ssize_t n;

	while ((n = write(s->pipefd[1], r, sizeof *r)) < 0 && errno == EINTR)
		;
	return n == (ssize_t)sizeof *r ? 0 : GS_EAGAIN;
}

session *
session_start(const session_opts *o, char *err, size_t errsz)
{
	session *s = calloc(1, sizeof *s);
	int rc;

	if (s == NULL) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	s->o = *o;
	/* before gs_run: the scale is fixed for a run */
	if (o->timescale != 0 && (rc = gs_set_timescale(o->timescale)) != 0) {
		snprintf(err, errsz, "slow motion x%d: %s", o->timescale, gs_strerror(rc));
		free(s);
		return NULL;
	}
	workload_run_init(&s->scenario);
	s->scenario.halt = &s->halt;
	gs_waitgroup wg0 = GS_WAITGROUP_INIT;
	s->keepers = wg0;
	pthread_mutex_init(&s->errmu, NULL);
	if (pipe2(s->pipefd, O_CLOEXEC) != 0) {
		snprintf(err, errsz, "pipe: %s", strerror(errno));
		free(s);
		return NULL;
	}
	if ((rc = pthread_create(&s->th, NULL, session_thread, s)) != 0) {
		snprintf(err, errsz, "pthread_create: %s", strerror(rc));
		close(s->pipefd[0]);
		close(s->pipefd[1]);
		free(s);
		return NULL;
	}
	/* Wait (briefly: the runtime starts in about a millisecond) until the
	 * controller runs or the start failed. */
	while (atomic_load(&s->started) == 0) {
		struct timespec ts = { 0, 500000 };
		nanosleep(&ts, NULL);
	}
	if (atomic_load(&s->started) < 0) {
		pthread_join(s->th, NULL);
		snprintf(err, errsz, "%s", s->start_err);
		if (s->pipefd[0] >= 0)
			close(s->pipefd[0]);
		close(s->pipefd[1]);
		pthread_mutex_destroy(&s->errmu);
		free(s);
		return NULL;
	}
	return s;
}

int
session_spawn(session *s, const session_batch *b)
{
	struct req r;

	if (b == NULL || b->kind == NULL || workload_find(b->kind) == NULL || b->count <= 0 ||
	    b->count > COUNT_MAX || b->life_ns < 0 || b->iters < 0 ||
	    strlen(b->kind) >= sizeof r.kind)
		return GS_EINVAL;
	if (atomic_fetch_add(&s->pending, 1) >= PENDING_MAX) {
		atomic_fetch_sub(&s->pending, 1);
		return GS_EAGAIN;
	}
	memset(&r, 0, sizeof r);
	r.op = REQ_SPAWN;
	r.count = b->count;
	r.life_ns = b->life_ns;
	r.iters = b->iters;
	snprintf(r.kind, sizeof r.kind, "%s", b->kind);
	if (b->label)
		snprintf(r.label, sizeof r.label, "%s", b->label);
	atomic_fetch_add(&s->spawning, 1);
	if (send_req(s, &r) != 0) {
		atomic_fetch_sub(&s->spawning, 1);
		atomic_fetch_sub(&s->pending, 1);
		return GS_EAGAIN;
	}
	return 0;
}

int
session_set_procs(session *s, int n)
{
	(void)s;
	return gs_set_gomaxprocs(n);
}

int
session_stop_world(session *s)
{
	int rc = gs_stop_world();

	if (rc == 0)
		s->world_stopped = true;
	return rc;
}

int
session_start_world(session *s)
{
	int rc = gs_start_world();

	if (rc == 0)
		s->world_stopped = false;
	return rc;
}

int
session_batches(session *s)
{
	return atomic_load(&s->batches);
}

int
session_unfinished(session *s)
{
	/* spawning first: a request moves from it to batches, never the
	 * other way, so reading in this order cannot miss one in flight */
	int spawning = atomic_load(&s->spawning);
	return atomic_load(&s->batches) + spawning;
}

bool
session_error(session *s, char *buf, size_t size)
{
	bool any;

	pthread_mutex_lock(&s->errmu);
	any = s->ecount > 0;
	if (any) {
		snprintf(buf, size, "%s", s->errs[s->ehead]);
		s->ehead = (s->ehead + 1) % ERR_RING;
		s->ecount--;
	}
	pthread_mutex_unlock(&s->errmu);
	return any;
}

int
session_end(session *s, char *err, size_t errsz)
{
	struct req r;
	int result = 0;

	if (s == NULL)
		return 0;
	if (s->world_stopped)
		session_start_world(s);
	memset(&r, 0, sizeof r);
	r.op = REQ_QUIT;
	/* the workloads stop now: the controller and the keepers that stop them
	 * one by one may wait behind CPU-bound goroutines for their P */
	atomic_store(&s->halt, true);
	atomic_fetch_add(&s->pending, 1);
	if (send_req(s, &r) != 0) {
		/* Cannot happen with a pipe we own; closing it ends the
		 * controller's read with EOF all the same. */
		close(s->pipefd[1]);
		s->pipefd[1] = -1;
	}
	pthread_join(s->th, NULL);
	if (s->run_rc < 0) {
		snprintf(err, errsz, "the runtime failed: %s", gs_strerror(s->run_rc));
		result = 1;
	}
	if (s->pipefd[0] >= 0)
		close(s->pipefd[0]);
	if (s->pipefd[1] >= 0)
		close(s->pipefd[1]);
	pthread_mutex_destroy(&s->errmu);
	free(s);
	return result;
}
