/*
 * godebug.h - a real Go program's GODEBUG=schedtrace=MS (and scheddetail=1)
 * output read as ticks (tick.h), so that the batch printer, the recorder and
 * the visualizer show a Go program as they show gsched's own runtime.
 *
 * The format is Go's runtime/proc.go schedtrace(), Go 1.19 to the newest
 * release: a "SCHED Nms: ..." line, and with scheddetail a P line per P, an
 * M line per M and a G line per goroutine.  Fields Go added, renamed or
 * dropped over the releases are all accepted; a field the parser does not
 * know is kept as text (tick_extra.unknown), not an error.
 *
 * What schedtrace cannot say is not invented: the tick_info's lacks bits
 * (TICK_LACKS_*) name it, and the figures it names are 0.  Events are only
 * those that two successive ticks prove (TICK_EVENTS_INFERRED): a P whose M
 * changed while that M's goroutine sat in a system call is a GS_EV_HANDOFF
 * from the old M to the new one, timed at the later tick.
 *
 * Times: Go prints milliseconds since its first trace; a tick's snapshot
 * time_ns is GODEBUG_START_NS plus those milliseconds, and tick_info.start_ns
 * is GODEBUG_START_NS, so "SCHED 0ms" is start_ns.  interval_ns and ncpu are
 * 0 (not said; the caller that ran the program may set them).
 *
 * How Go's figures land in the snapshot (what the view reads):
 *  - stats.threads is Go's threads= minus one (Go's mcount counts m0;
 *    gsched's count does not count the thread that started it, and
 *    gs_schedtrace_print adds it back); nm_total is Go's threads=, nm the
 *    M lines (at most GODEBUG_MAX_M);
 *    os_threads is 0 (Go does not count threads it did not make).
 *  - P lines: status (Go's _Pidle.._Pdead are gs_pstate's numbers; a
 *    _Prunning P whose M's goroutine is in a system call is shown
 *    GS_PSTATE_SYSCALL, as older releases printed it with _Psyscall, which
 *    the newest leaves unused), m, runq_len,
 *    schedtick, syscalltick, gfreecnt, timers; curg is the goroutine of the
 *    M holding it.  runnext and the queued goroutines are not printed by Go
 *    (runq_listed 0).  Plain schedtrace: runq_len (and schedtick where Go
 *    prints schedticks=) only, status -1 and m -1 (TICK_LACKS_PSTATUS,
 *    TICK_LACKS_MS).
 *  - M lines: p, curg, spinning, lockedg; state from them: spinning;
 *    syscall (its goroutine's status is 3); with a P running (a goroutine)
 *    or sched (none, or asleep: the M stopping the world); idle when
 *    blocked (asleep on its note) or waiting for its locked goroutine;
 *    else sched without a P (Go does not say whether it is in the
 *    scheduler, the netpoller or sysmon).
 *  - G lines: gl lists every G line, newest (last printed) first, dead ones
 *    included (status GS_G_DEAD), so that gs_schedtrace_print gives them
 *    back in Go's order; ng_total also counts the G lines past
 *    TICK_GLIST_MAX, which are not listed.  stats.goroutines, by_status,
 *    by_waitreason and in_syscall count them.  Go's status and wait reason
 *    text are in tick_extra (gstatus_go, gwait).  lockedm 0 is none, so a
 *    goroutine wired to Go's m0 shows none.
 *  - Events: only GS_EV_HANDOFF, inferred (above): p, m (from), m2 (to, -1
 *    for the idle list), g (the goroutine in the system call), p2 -1, arg 0;
 *    stats.handoffs counts those inferred so far.  The batch JSON prints
 *    null for the counters a lacks bit names, and "lacks" and "source".
 */
#ifndef GSCHED_FORMAT_GODEBUG_H
#define GSCHED_FORMAT_GODEBUG_H

#include <stddef.h>

#include "format/tick.h"

/* The clock origin of a Go trace's times (see above): not 0, which the
 * printers take for "no start yet". */
#define GODEBUG_START_NS UINT64_C(1000000000)

/* The Ms a tick lists at most, tick_info.max_m (a recording's snapshot
 * capacity): Go's own default limit of threads (debug.SetMaxThreads).  A
 * program with more has the rest counted in nm_total only. */
#define GODEBUG_MAX_M 10000

/* The longest line the reader takes whole (bytes, newline excluded); a longer
 * one is not Go's and is passed on as the program's own. */
#define GODEBUG_LINE_MAX 65536

/* godebug_feed's and godebug_finish's results. */
enum {
	GODEBUG_NONE = 0,  /* godebug_finish, godebug_pause: no tick given */
	GODEBUG_SCHED = 1, /* the line is part of a trace block */
	GODEBUG_OTHER = 2, /* not Go's trace: the program's own line (show it) */
	GODEBUG_TICK = 3   /* a block is complete: godebug_tick has it (the
	                      SCHED line fed starts the next one) */
};

typedef struct godebug_parser godebug_parser;

/* A parser.  NULL if out of memory. */
godebug_parser *godebug_new(void);
void godebug_free(godebug_parser *gp);

/*
 * One line of the program's standard error, without its newline (a CR before
 * it is dropped).  A block ends at the next SCHED line or at godebug_finish,
 * so GODEBUG_TICK (for a SCHED line) reports the block before it.  A line
 * that is not Go's trace (GODEBUG_OTHER) changes nothing: the program's own
 * writes may fall between a block's lines.  A block cut short (fewer P lines
 * than its gomaxprocs, or no G line) is dropped, not given: godebug_cut
 * then says so.
 */
int godebug_feed(godebug_parser *gp, const char *line, size_t len);
/*
 * The end of input: GODEBUG_TICK when a block was pending and whole (all its
 * P lines, and G lines: Go lists G1 at least), else GODEBUG_NONE, with
 * godebug_cut set when one was pending but cut short (it is dropped).
 */
int godebug_finish(godebug_parser *gp);
/*
 * A pause in the input (the live reader saw no more bytes for a while: Go
 * prints a block at once, under its sched.lock, so a pause of a fraction of
 * the interval ends one): GODEBUG_TICK when the pending block is whole, as
 * godebug_finish; a block not whole yet (no G line yet, or a line cut by
 * godebug_feed_bytes' last chunk) stays pending for the lines to come.
 * After a block was given at a pause, a G line still coming for it is
 * counted and dropped (godebug_feed returns GODEBUG_SCHED).
 */
int godebug_pause(godebug_parser *gp);
/*
 * The same from a pipe's chunks (what read() gave, lines cut anywhere): each
 * whole line is fed as godebug_feed feeds it and handed to fn (may be NULL)
 * with the result, so fn shows the GODEBUG_OTHER lines and takes the tick
 * of a GODEBUG_TICK (godebug_tick, during the call).  A line the chunk cut
 * is kept for the next chunk (and godebug_pause gives nothing meanwhile: a
 * pause inside a line is a block still being written); one longer than
 * GODEBUG_LINE_MAX is handed on as its first GODEBUG_LINE_MAX + 1 bytes, an
 * OTHER line.  0, or -1 when out of memory.
 */
typedef void (*godebug_line_fn)(void *ctx, int result, const char *line, size_t len);
int godebug_feed_bytes(godebug_parser *gp, const char *buf, size_t n, godebug_line_fn fn,
    void *ctx);
/* The end of the pipe: the last line if it had no newline, then
 * godebug_finish's result. */
int godebug_end_bytes(godebug_parser *gp, godebug_line_fn fn, void *ctx);

/* Why the block the last feed or finish ended was dropped ("SCHED 300ms
 * (line 12): 2 of 4 P lines"; the line is the SCHED line's number among the
 * lines fed), or "" when none was. */
const char *godebug_cut(const godebug_parser *gp);

/* What the run is about (lacks, created_by: the format recognised), valid
 * from the first tick on; ticks counts the ticks given so far. */
const tick_info *godebug_info(const godebug_parser *gp);
/* The tick the last GODEBUG_TICK completed (NULL before the first); valid
 * until the next feed, pause or finish.  Its index counts from 0;
 * t->extra is always set. */
const tick_data *godebug_tick(const godebug_parser *gp);
/* Which release's format the ticks given are in, e.g. "Go 1.22+ schedtrace
 * with scheddetail" or "Go 1.19-1.20 schedtrace, totals only"; "" before
 * the first tick. */
const char *godebug_format(const godebug_parser *gp);
/* tick_info.lacks of what was read so far (TICK_LACKS_*). */
unsigned godebug_lacks(const godebug_parser *gp);
/* Lines fed so far that were Go's trace, and that were not. */
long godebug_sched_lines(const godebug_parser *gp);
long godebug_other_lines(const godebug_parser *gp);

/* ---- a saved log ---------------------------------------------------------- */

typedef struct godebug_reader godebug_reader;

/*
 * Open a saved GODEBUG log (a regular file, a FIFO, "-" for standard input).
 * NULL with a message in err ("cannot open FILE: why").
 */
godebug_reader *godebug_open(const char *path, char *err, size_t errsize);
/*
 * The next tick: 1 and *t filled (valid until the next call); 0 at the end of
 * the log; -1 on an error (godebug_error: "FILE:LINE: ...": a read error, a
 * log with no SCHED line at all, a last block cut in the middle; the ticks
 * before it were given).  Lines that are not Go's trace are skipped (counted
 * in godebug_reader_parser's godebug_other_lines).
 */
int godebug_next(godebug_reader *r, tick_data *t);
/* The info of the ticks read (valid after the first godebug_next). */
const tick_info *godebug_reader_info(const godebug_reader *r);
const godebug_parser *godebug_reader_parser(const godebug_reader *r);
const char *godebug_error(const godebug_reader *r);
void godebug_close(godebug_reader *r);

/*
 * Play the log at path through the sinks, as record_replay plays a recording:
 * every sink's begin at the first tick, each tick, until the end, a stop
 * signal (tick.h) or a sink's TICK_SINK_DONE, then every sink's end.
 * Returns 0; 2 if the file cannot be read or is bad (the message, prefixed
 * "gsched: ", on stderr; the whole ticks before the fault are played and
 * the sinks' end is called); or the first non-zero value a sink returned.
 */
int godebug_replay(const char *path, const tick_sink *sinks, int nsinks);

#endif /* GSCHED_FORMAT_GODEBUG_H */
