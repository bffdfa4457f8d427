/*
 * ticker.h - the one tick loop of the program.  Every observer of a live run
 * (--batch, --record and --trace; the visualizer; `gsched bench --observe`;
 * the headless lesson runner) ticks through it:
 *
 *   wait until the tick's deadline -> drain the event rings -> take the
 *   snapshot -> hand the tick (tick.h's tick_data) to every sink, in order
 *
 * A ticker owns the schedule (deadlines on an absolute grid, origin + k *
 * interval, so ticks do not drift; what a late tick does is ticker_late),
 * the snapshot and the event buffer (grown as the events of a tick need,
 * up to a cap), and the totals.  Waiting is the caller's choice: the
 * default sleeps until the deadline; the visualizer waits for keys instead
 * and says, when the deadline comes, whether to tick or only to drain
 * (paused).  Each tick reaches each sink exactly once, in the order taken,
 * so a sink added to the list sees the whole run (a history of every tick
 * is one more sink).
 *
 * A recording played back (record.h) feeds the same sinks, so live and
 * replayed output are made by the same code.
 *
 * Uses the public headers only.  A ticker belongs to the thread that ticks
 * it; the runtime's drain is one-drainer-at-a-time, so one ticker per run.
 */
#ifndef GSCHED_TICKER_H
#define GSCHED_TICKER_H

#include <gsched.h>
#include <gsched/observe.h>

#include "format/tick.h"

#include <stdbool.h>
#include <stdint.h>

/* ---- the tick loop ---------------------------------------------------------------- */

#define TICKER_EVENTS_FIRST 4096 /* the event buffer at first */
#define TICKER_GLIST_MAX                                                                           \
	1024                        /* goroutines a tick lists, the newest, while
                                       accounting is on (tick_data.gl) */
#define TICKER_EVENTS_MAX (1 << 20) /* and at the most: events one tick carries */

/* What a tick whose deadline has passed does to the ticks after it. */
typedef enum ticker_late {
	/* Take every tick of the grid: the missed ones come back to back until
	 * the schedule is on time again.  For a fixed count of ticks (--batch)
	 * and counted observation (bench --observe). */
	TICKER_CATCH_UP,
	/* Drop the missed ticks: the next deadline is the first grid point after
	 * now.  For the visualizer and the lessons, where a burst would show
	 * nothing new. */
	TICKER_SKIP
} ticker_late;

typedef struct ticker_opts {
	uint64_t origin_ns;   /* the first deadline (gs_nanotime's clock) */
	uint64_t interval_ns; /* > 0: deadlines at origin + k * interval */
	ticker_late late;
	int max_m; /* the snapshot's capacities (gs_snapshot_new) */
	int runq_max;
	bool goroutines;        /* list the goroutines with every tick even while
	                           accounting is off (their figures then 0) */
	int events_max;         /* events drained per tick at the most (the rest
	                          wait in the rings for the next tick); 0:
	                          TICKER_EVENTS_MAX */
	const tick_info *info;  /* what the sinks are told (copied, with the
	                          interval and capacities set from these
	                          options); NULL: all zero but those */
	const tick_sink *sinks; /* every tick goes to these, in order (the array
	                           is copied; the sinks' contexts are not) */
	int nsinks;
	uint64_t (*clock)(void); /* now, for the schedule; NULL: gs_nanotime.
	                            The suite gives its own to make lateness. */
} ticker_opts;

typedef struct ticker ticker;

/* A new ticker; NULL if out of memory.  The runtime need not run yet. */
ticker *ticker_new(const ticker_opts *o);
void ticker_free(ticker *tk);

/* The tick_info the sinks get. */
const tick_info *ticker_info(const ticker *tk);
/* What was delivered so far: ticks, events, events lost to full rings. */
const tick_end *ticker_totals(const ticker *tk);
/* Ticks of the grid that TICKER_SKIP dropped because they came late. */
uint64_t ticker_skipped(const ticker *tk);

/* The next tick's deadline, on the ticker's clock. */
uint64_t ticker_deadline(const ticker *tk);
/* A new grid: the next deadline is origin_ns, then every interval_ns
 * (a new tick rate; a tick asked for now).  A wait function may call it. */
void ticker_reschedule(ticker *tk, uint64_t origin_ns, uint64_t interval_ns);

/*
 * One tick, now: drain the rings into the event buffer, then take the
 * snapshot (so every event listed happened before it), fill *t (valid until
 * the next call) and move the schedule on.  It goes to no sink (ticker_tick
 * does that).  0, or gs_snapshot_take's GS_E* code (the runtime is gone:
 * the drained events are lost, the schedule has moved on).
 */
int ticker_take(ticker *tk, tick_data *t);
/* ticker_take, then every sink: 0, the first sink's non-zero result (no
 * later sink sees the tick), or ticker_take's GS_E* code. */
int ticker_tick(ticker *tk);
/*
 * Drain the rings until they are empty and forget what they held: the
 * events of a paused view, or the last ones of a run.  Returns how many;
 * *dropped (if not NULL) gets the ring losses.  No tick, no schedule move.
 */
uint64_t ticker_drain(ticker *tk, uint64_t *dropped);

/* What a wait function returns when it returns. */
enum {
	TICKER_TICK = 0,   /* the deadline has come: tick */
	TICKER_DRAIN = -1, /* the deadline has come, but deliver nothing: drain
	                      the rings (so they never overflow) and move on */
	TICKER_STOP = -2   /* end the run now, as after its last tick */
};
/* Wait until deadline (or as long as it likes); one of the above, or
 * another code that stops the run as a sink's would. */
typedef int (*ticker_wait_fn)(void *ctx, uint64_t deadline);

/*
 * The loop: every sink's begin; then until `ticks` ticks were delivered
 * (ticks <= 0: until stopped) wait and tick; then every sink's end with the
 * totals.  wait NULL sleeps until each deadline (tick_sleep_until).  A stop
 * signal (tick.h's tick_stop_catch) ends the loop as TICKER_STOP does, after
 * the tick in progress, whatever the wait.
 * Returns 0; a sink's (or the wait's own) non-zero result (the run stops
 * there and no end is called: the sink has reported why); or a GS_E* code
 * from the snapshot (the sinks' end is called first, so files are
 * completed).  A sink's results are > 0, GS_E* codes < 0.
 */
int ticker_run(ticker *tk, int ticks, ticker_wait_fn wait, void *ctx);

/* Sleep until gs_nanotime() reaches t (an absolute deadline, so a signal
 * that interrupts the sleep does not stretch it). */
void ticker_sleep_until(uint64_t t);

/* ---- a live run for --batch, --record and --trace ---------------------------------- */

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
	int runq_max;    /* queued ids listed per P (0..256) */
	int max_m;       /* Ms listed (0: 256) */
	bool events;     /* turn the event stream and the accounting on */
	bool goroutines; /* the goroutine list with every tick (ticker_opts) */
	int timescale;   /* slow motion: gs_set_timescale(n) before the runtime
	                  starts (0: leave it); the sinks' tick_info.timescale
	                  says what the run got */
} ticker_live;

/*
 * Run live: start the runtime, spawn the scenario, and from a plain thread
 * (not an M, so it disturbs no P) tick opts->ticks times on the grid
 * start + k * interval, k = 1, 2, ..., into the sinks; then stop the
 * workloads and the runtime.  Returns 0; 1 if the runtime or a workload
 * failed (reported on stderr with the prefix "gsched: "); or the first
 * non-zero value a sink returned.
 */
int ticker_run_live(const ticker_live *opts, const tick_sink *sinks, int nsinks);

#endif /* GSCHED_TICKER_H */
