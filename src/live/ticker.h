/*
 * ticker.h - the tick loop behind --batch, --record and --trace: run a
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

#include "format/tick.h"

#include <stdint.h>

/* One workload of a scenario. */
typedef struct ticker_spawn {
	const char *name; /* a workload.h name */
	int count;        /* 0: its default */
} ticker_spawn;

typedef struct ticker_live {
	int ticks;                  /* > 0 */
	uint64_t interval_ns;       /* > 0 */
	int procs;                  /* 0: the runtime's default */
	const ticker_spawn *spawns; /* NULL: the default scenario */
	int nspawns;
	int runq_max; /* queued ids listed per P (0..256) */
	int max_m;    /* Ms listed (0: 256) */
	bool events;  /* turn the event stream on */
} ticker_live;

/*
 * Run live: start the runtime, spawn the scenario, tick opts->ticks times
 * (snapshot + drain, then every sink), stop the workloads and the runtime.
 * Returns 0; 1 if the runtime or a workload failed (reported on stderr with
 * the prefix "gsched: "); or the first non-zero value a sink returned.
 */
int ticker_run_live(const ticker_live *opts, const tick_sink *sinks, int nsinks);

#endif /* GSCHED_OBSERVER_H */
