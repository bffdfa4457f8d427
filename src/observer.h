/*
 * observer.h - the tick loop behind --batch, --record and --trace: run a
 * scenario of workloads under gs_run while a separate observer thread, every
 * tick, takes a snapshot and drains the event stream, and hands both to a list
 * of sinks (the batch printer, the recorder, the trace writer).  A recording
 * played back (record.h) feeds the same sinks, so live and replayed output are
 * made by the same code.
 *
 * Uses the public headers only.
 */
#ifndef GSCHED_OBSERVER_H
#define GSCHED_OBSERVER_H

#include <gsched.h>
#include <gsched/observe.h>

#include <stdint.h>

/* What a run (or a recording) is about: the recording's header. */
typedef struct gsf_info {
	uint64_t start_ns;    /* gs_nanotime() when the runtime started */
	uint64_t interval_ns; /* between ticks */
	int ticks;            /* ticks asked for */
	int procs;            /* GOMAXPROCS at start */
	int ncpu;
	int max_m; /* snapshot capacities */
	int runq_max;
	char scenario[128];  /* "default" or the workloads, e.g. "cpu:4,sleep" */
	char created_by[64]; /* "gsched 0.1.0" */
} gsf_info;

/* One tick: a snapshot and the events drained with it (those recorded since
 * the previous tick, oldest first). */
typedef struct gsf_tick {
	int index; /* 0, 1, ... */
	const gs_snapshot *snap;
	const gs_event *ev;
	int nev;
	uint64_t dropped; /* events lost to full rings since the previous tick */
} gsf_tick;

typedef struct gsf_end {
	int ticks;        /* snapshots delivered */
	uint64_t events;  /* events delivered */
	uint64_t dropped; /* events lost */
} gsf_end;

/* A consumer.  Each callback returns 0, or non-zero to stop the run (an error
 * it has reported itself).  Any of them may be NULL. */
typedef struct gsf_sink {
	int (*begin)(void *ctx, const gsf_info *info);
	int (*tick)(void *ctx, const gsf_info *info, const gsf_tick *t);
	int (*end)(void *ctx, const gsf_info *info, const gsf_end *e);
	void *ctx;
} gsf_sink;

/* One workload of a scenario. */
typedef struct gsf_spawn {
	const char *name; /* a workload.h name */
	int count;        /* 0: its default */
} gsf_spawn;

typedef struct gsf_live {
	int ticks;               /* > 0 */
	uint64_t interval_ns;    /* > 0 */
	int procs;               /* 0: the runtime's default */
	const gsf_spawn *spawns; /* NULL: the default scenario */
	int nspawns;
	int runq_max; /* queued ids listed per P (0..256) */
	int max_m;    /* Ms listed (0: 256) */
	bool events;  /* turn the event stream on */
} gsf_live;

/*
 * Run live: start the runtime, spawn the scenario, tick opts->ticks times
 * (snapshot + drain, then every sink), stop the workloads and the runtime.
 * Returns 0; 1 if the runtime or a workload failed (reported on stderr with
 * the prefix "gsched: "); or the first non-zero value a sink returned.
 */
int gsf_run_live(const gsf_live *opts, const gsf_sink *sinks, int nsinks);

/* Helpers for sinks: call every sink's begin/tick/end in order; stop at the
 * first non-zero result and return it. */
int gsf_sinks_begin(const gsf_sink *s, int n, const gsf_info *info);
int gsf_sinks_tick(const gsf_sink *s, int n, const gsf_info *info, const gsf_tick *t);
int gsf_sinks_end(const gsf_sink *s, int n, const gsf_info *info, const gsf_end *e);

#endif /* GSCHED_OBSERVER_H */
