/*
 * record.h - recordings: snapshots and events as JSON Lines (--record), read
 * back strictly (--replay).  The schema, version 1, is in docs/recording.md.
 *
 * Reading is bounded (RECORD_LINE_MAX bytes a line, json.h's limits) and never
 * trusts the file: a truncated or corrupt recording gives one message naming
 * the file and the line, "FILE:LINE: what is wrong".
 */
#ifndef GSCHED_RECORD_H
#define GSCHED_RECORD_H

#include <stdbool.h>
#include <stdio.h>

#include "format/tick.h"

#define RECORD_FORMAT "gsched-recording"
#define RECORD_VERSION 1
#define RECORD_LINE_MAX (8 << 20) /* bytes in one line, newline excluded */
#define RECORD_MAX_M 100000       /* largest max_m a recording may declare */

/* ---- writing ---- */

typedef struct record_writer {
	FILE *f;
	const char *path; /* for messages */
	uint64_t events;
	uint64_t dropped;
	int ticks;     /* written so far: a recording's ticks count from 0 even
	                when it starts in the middle of a run (the visualizer's) */
	bool quiet;    /* a write error goes to err only, not to stderr (a
	                full-screen program reports it itself) */
	char err[300]; /* the last write error ("writing 'F': why"), or "" */
} record_writer;

/* Open path for writing (truncating).  0, or -1 with a message in err. */
int record_writer_open(record_writer *w, const char *path, char *err, size_t errsize);
/* The sink writing the recording; its end callback closes the file. */
tick_sink record_sink(record_writer *w);
/* Close without an end line (a run that failed); the file stays truncated. */
void record_writer_abort(record_writer *w);

/* ---- reading ---- */

typedef struct record_reader record_reader;

/* Open a recording and read its header.  NULL with a message in err
 * ("FILE:LINE: ..." or "cannot open FILE: ..."). */
record_reader *record_open(const char *path, char *err, size_t errsize);
const tick_info *record_info(const record_reader *r);
/* The next tick: 1 and *t filled (valid until the next call), 0 at the end
 * line (its counts checked, nothing after it), -1 on an error (record_error). */
int record_next(record_reader *r, tick_data *t);
const tick_end *record_end(const record_reader *r);
const char *record_error(const record_reader *r);
void record_close(record_reader *r);

/*
 * Play the recording at path through the sinks, until its end line, a stop
 * signal (tick.h) or a sink's TICK_SINK_DONE; then every sink's end.
 * Returns 0; 2 if the file cannot be read or is bad (the message, prefixed
 * "gsched: ", on stderr); or the first non-zero value a sink returned.  A
 * recording cut short (no end line, a last line without its newline: its
 * writer was killed) is bad too, but its whole ticks are played and the
 * sinks' end is called, so a trace made from it is finished.
 */
int record_replay(const char *path, const tick_sink *sinks, int nsinks);

/* The event kind named name (gs_event_name), or -1. */
int record_event_kind(const char *name);

#endif /* GSCHED_RECORD_H */
