/*
 * schedtrace.h - the batch output of `gsched --batch` and `--replay`: one line per
 * tick in Go's schedtrace format (GODEBUG=schedtrace=X), with the scheddetail
 * P, M and G lines under -v, or one JSON object per tick with --json (fields in
 * docs/recording.md, "Batch JSON").  Built from snapshots only, so live runs and
 * replayed recordings print the same lines.
 */
#ifndef GSCHED_BATCH_H
#define GSCHED_BATCH_H

#include <stdbool.h>
#include <stdio.h>

#include "format/tick.h"

typedef struct schedtrace_opts {
	FILE *out;
	bool detail;              /* -v: scheddetail */
	bool json;                /* --json */
	bool step;                /* --replay-step: wait for Enter between ticks */
	FILE *stepin;             /* where Enter is read (a terminal), NULL: no pausing */
	uint64_t replay_delay_ns; /* replay: sleep between ticks (0: none) */
	uint64_t starttime;       /* Go's starttime: the first line's time, 0 before it */
} schedtrace_opts;

/* The sink printing ticks as opts says; ctx is a schedtrace_opts. */
tick_sink schedtrace_sink(schedtrace_opts *opts);

/* One tick as text, Go's lines (gs_schedtrace_print): the SCHED line, and
 * with detail the P and M lines and a G line per goroutine of the tick's list
 * when it has one.  *starttime: Go's starttime (0 before the first line). */
void schedtrace_print(FILE *f, const tick_data *t, uint64_t *starttime, bool detail);
/* One tick as one JSON object on one line. */
void schedtrace_print_json(FILE *f, const tick_info *info, const tick_data *t, bool detail);

#endif /* GSCHED_BATCH_H */
