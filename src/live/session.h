/*
 * session.h - a live, steerable run of the runtime for the visualizer and the
 * lessons: gs_run in a thread of its own, a controller goroutine that spawns
 * batches of workloads on request, and GOMAXPROCS changes and world stops from
 * the caller's thread.  The caller (the UI thread) takes snapshots and drains
 * events itself through <gsched/observe.h>; nothing here calls back.
 *
 * Uses the public headers only.  One session at a time (one runtime).
 */
#ifndef GSCHED_SESSION_H
#define GSCHED_SESSION_H

#include <gsched.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct session session;

typedef struct session_opts {
	int procs;     /* GOMAXPROCS at start, 0: the runtime's default */
	bool scenario; /* start workload_spawn_default's mixed workload */
	bool events;   /* turn the event stream and the accounting on */
	int timescale; /* slow motion (--slow): gs_set_timescale(n) before the
	                  runtime starts, 1..GS_TIMESCALE_MAX; 0 leaves it
	                  (GSCHED_DEBUG=timescale may set it).  gs_timescale()
	                  says what the run got. */
} session_opts;

/* A batch of goroutines of one workload kind (workload.h names). */
typedef struct session_batch {
	const char *kind;  /* "cpu", "sleep", "syscall", "netwait", "mixed" */
	int count;         /* > 0 */
	int64_t life_ns;   /* they stop after this long; 0: at session end */
	const char *label; /* NULL: the kind's own label */
	int64_t iters;     /* per goroutine, in the kind's unit (workload.h's
	                       workload_run.iters); 0: no limit.  A batch whose
	                       goroutines all end on their own is finished.
	                       (The lesson player ends batches this way.) */
} session_batch;

/*
 * Start: gs_run in a new thread, then the scenario.  Waits until the runtime
 * runs (snapshots work when this returns).  NULL on failure, with a message
 * (no "gsched: " prefix) in err.
 */
session *session_start(const session_opts *o, char *err, size_t errsz);

/*
 * Ask the controller goroutine to spawn a batch.  Returns at once: 0 if the
 * request was queued, GS_EINVAL for an unknown kind or bad count, GS_EAGAIN if
 * too many requests are pending.  A spawn that fails later (out of threads or
 * memory) is reported by session_error.
 */
int session_spawn(session *s, const session_batch *b);

/* GOMAXPROCS now: gs_set_gomaxprocs from this thread.  The old value or GS_E*. */
int session_set_procs(session *s, int n);

/* Stop or restart the world (gs_stop_world / gs_start_world). 0 or GS_E*. */
int session_stop_world(session *s);
int session_start_world(session *s);

/* Batches spawned and not yet finished. */
int session_batches(session *s);
/* The same, counting also the requests the controller has not yet spawned:
 * 0 means everything asked for so far has ended (a lesson's measure waits
 * for that). */
int session_unfinished(session *s);

/* The oldest unread asynchronous error (copied into buf), and true; or false. */
bool session_error(session *s, char *buf, size_t size);

/*
 * Stop every workload, end the runtime and free s (restarting a stopped world
 * first).  Returns 0, or 1 if the runtime failed (message in err).
 */
int session_end(session *s, char *err, size_t errsz);

#endif /* GSCHED_SESSION_H */
