/*
 * record.h - recordings: snapshots and events as JSON Lines (--record), read
 * back strictly (--replay).  The schema, version 1, is in docs/recording.md.
 *
 * Reading is bounded (GSR_LINE_MAX bytes a line, json.h's limits) and never
 * trusts the file: a truncated or corrupt recording gives one message naming
 * the file and the line, "FILE:LINE: what is wrong".
 */
#ifndef GSCHED_RECORD_H
#define GSCHED_RECORD_H

#include <stdio.h>

#include "observer.h"

#define GSR_FORMAT "gsched-recording"
#define GSR_VERSION 1
#define GSR_LINE_MAX (8 << 20) /* bytes in one line, newline excluded */
#define GSR_MAX_M 100000       /* largest max_m a recording may declare */

/* ---- writing ---- */

typedef struct gsr_writer {
	FILE *f;
	const char *path; /* for messages */
	uint64_t events;
	uint64_t dropped;
	int ticks;
} gsr_writer;

/* Open path for writing (truncating).  0, or -1 with a message in err. */
int gsr_writer_open(gsr_writer *w, const char *path, char *err, size_t errsize);
/* The sink writing the recording; its end callback closes the file. */
gsf_sink gsr_sink(gsr_writer *w);
/* Close without an end line (a run that failed); the file stays truncated. */
void gsr_writer_abort(gsr_writer *w);

/* ---- reading ---- */

typedef struct gsr_reader gsr_reader;

/* Open a recording and read its header.  NULL with a message in err
 * ("FILE:LINE: ..." or "cannot open FILE: ..."). */
gsr_reader *gsr_open(const char *path, char *err, size_t errsize);
const gsf_info *gsr_info(const gsr_reader *r);
/* The next tick: 1 and *t filled (valid until the next call), 0 at the end
 * line (its counts checked, nothing after it), -1 on an error (gsr_error). */
int gsr_next(gsr_reader *r, gsf_tick *t);
const gsf_end *gsr_end(const gsr_reader *r);
const char *gsr_error(const gsr_reader *r);
void gsr_close(gsr_reader *r);

/*
 * Play the recording at path through the sinks.  Returns 0; 2 if the file
 * cannot be read or is bad (the message, prefixed "gsched: ", on stderr); or
 * the first non-zero value a sink returned.
 */
int gsr_replay(const char *path, const gsf_sink *sinks, int nsinks);

/* The event kind named name (gs_event_name), or -1. */
int gsr_event_kind(const char *name);

#endif /* GSCHED_RECORD_H */
