/*
 * history.h - the ticks a view has shown, kept in a bounded memory budget so a
 * paused view can step back and forth through the last minutes (the rewind).
 *
 * The history copies what it keeps: a push encodes the used parts of the
 * caller's snapshot (np Ps with their listed run-queue goroutines, the global
 * queue's listed ends, nm Ms, the stats), its events and the tick's extras
 * into its own storage, and a get rebuilds them into the caller's buffers.
 * Nothing points back into the caller's memory after a push returns.
 *
 * Tick numbers are the caller's tick_data.index, absolute and consecutive:
 * "tick 482" stays tick 482 however many older ticks were evicted since.
 *
 * Memory: everything the history allocates (its struct, its ring of chunks and
 * the chunks) stays within the budget given to history_new; history_bytes says
 * how much is allocated now.  Ticks are stored in large chunks, oldest first,
 * and the oldest chunk goes, with all its ticks, when a new one is needed and
 * the budget is full.  Push is O(1) (amortised: one encode of the tick), get is
 * O(log chunks) to find the chunk and O(1) inside it.
 *
 * Not thread safe: one owner (the view) pushes and gets.
 */
#ifndef GSCHED_LIVE_HISTORY_H
#define GSCHED_LIVE_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#include <gsched.h>
#include <gsched/observe.h>

#include "format/tick.h"

/* What the visualizer's default budget is meant to hold: at least 10 minutes
 * at 10 Hz of a typical run (4 Ps, 50 Ms, 1,000 goroutines, 100 events a
 * tick), which tests/check_history measures. */
#define HISTORY_DEFAULT_BUDGET ((size_t)64 << 20)
/* The smallest budget history_new accepts. */
#define HISTORY_MIN_BUDGET ((size_t)16 << 10)

/* history_get's positive results: what did not fit the caller's snapshot.
 * The counts (np, nm, runq_listed, glob_head, glob_tail) are lowered to what
 * was written; nm_total, runq_len and glob_len keep the true figures. */
#define HISTORY_TRUNC_P 0x1 /* more Ps than snap->max_p */
#define HISTORY_TRUNC_M 0x2 /* more Ms than snap->max_m */
/* a P, or an end of the global queue, listed more than snap->runq_max */
#define HISTORY_TRUNC_RUNQ 0x4

typedef struct history history;

/* A tick's small extras, kept with it.  On push the history copies them; on
 * get the pointers point into the history's storage and stay valid until the
 * next history_push, history_clear or history_free. */
typedef struct history_extra {
	const char *caption; /* lesson caption shown with the tick; NULL: none */
	const void *note;    /* the view's own bytes (marks, mode), opaque here */
	size_t note_len;     /* NULL note: 0 */
} history_extra;

/* A history that allocates at most budget bytes (at least HISTORY_MIN_BUDGET).
 * NULL if the budget is too small or memory is short. */
history *history_new(size_t budget);
void history_free(history *h);
/* Drop every tick (a new run starts its own numbering); the budget stays. */
void history_clear(history *h);

/*
 * Append t (t->snap and t->ev are read, not kept) with its extras x (may be
 * NULL), evicting the oldest ticks if the budget would be exceeded.  Returns 0;
 * GS_EINVAL if t is malformed (no snapshot, counts beyond the snapshot's
 * capacities, nev < 0) or t->index is not the last tick + 1 (any index >= 0 is
 * fine for the first tick); GS_ERANGE if this one tick would not fit the whole
 * budget (the history is then unchanged); GS_ENOMEM if a chunk could not be
 * allocated (older ticks may have been evicted to make room).
 */
int history_push(history *h, const tick_data *t, const history_extra *x);

/* Ticks held; the first and last tick numbers held (-1 when empty). */
int64_t history_count(const history *h);
int64_t history_first(const history *h);
int64_t history_last(const history *h);
/* Bytes allocated now, the struct, the chunk ring and the chunks included
 * (malloc's own overhead excluded).  Never more than the budget. */
size_t history_bytes(const history *h);
size_t history_budget(const history *h);
/* Bytes the encoded ticks take in the chunks, record offsets included: the
 * figure to divide by history_count for the bytes a tick costs. */
size_t history_payload(const history *h);

/*
 * Rebuild tick number tick into snap (from gs_snapshot_new: its capacities
 * bound what is written, see HISTORY_TRUNC_*) and its events into *ev, a
 * malloc'ed buffer of *evcap events that the caller owns and this grows with
 * realloc when needed (start with NULL and 0).  If t is not NULL it gets the
 * tick as a tick_data (index, snap, *ev, nev, dropped); if x is not NULL, the
 * extras.  Returns 0, or a mask of HISTORY_TRUNC_* bits if snap was too small
 * (never an overflow); GS_ERANGE if the tick is not held (evicted, future, or
 * the history is empty); GS_EINVAL for a NULL argument; GS_ENOMEM if *ev could
 * not grow (*ev and *evcap are then unchanged).
 */
int history_get(const history *h, int64_t tick, gs_snapshot *snap, gs_event **ev, int *evcap,
    tick_data *t, history_extra *x);

#endif /* GSCHED_LIVE_HISTORY_H */
