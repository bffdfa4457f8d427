/*
 * batch.h - the batch output of `gsched --batch` and `--replay`: one line per
 * tick in Go's schedtrace format (GODEBUG=schedtrace=X), with the scheddetail
 * P and M lines under -v, or one JSON object per tick with --json (fields in
 * docs/recording.md, "Batch JSON").  Built from snapshots only, so live runs and
 * replayed recordings print the same lines.
 */
#ifndef GSCHED_BATCH_H
#define GSCHED_BATCH_H

#include <stdbool.h>
#include <stdio.h>

#include "observer.h"

typedef struct gsb_opts {
	FILE *out;
	bool detail;              /* -v: scheddetail */
	bool json;                /* --json */
	bool step;                /* --replay-step: wait for Enter between ticks */
	FILE *stepin;             /* where Enter is read (a terminal), NULL: no pausing */
	uint64_t replay_delay_ns; /* replay: sleep between ticks (0: none) */
} gsb_opts;

/* The sink printing ticks as opts says; ctx is a gsb_opts. */
gsf_sink gsb_sink(gsb_opts *opts);

/* One tick as text (the SCHED line, and with detail the P and M lines). */
void gsb_print_text(FILE *f, const gsf_info *info, const gsf_tick *t, bool detail);
/* One tick as one JSON object on one line. */
void gsb_print_json(FILE *f, const gsf_info *info, const gsf_tick *t, bool detail);

/* Write s as a JSON string (quotes included): bytes >= 0x80 and control
 * characters as \u00XX, so a label round-trips byte for byte. */
void gsb_json_string(FILE *f, const char *s);

/* Flush and close *f (set to NULL); 0, or -1 with errno telling why the data
 * may not have reached the file. */
int gsb_fclose(FILE **f);

#endif /* GSCHED_BATCH_H */
