/*
 * tick.h - the tick record every output format reads and writes: what a run is
 * about (tick_info), one tick's snapshot and events (tick_data), the totals at
 * the end (tick_end), and the sink interface through which a live run or a
 * replayed recording hands them to the schedtrace printer, the recorder and the
 * trace writer.  Live and replayed output are therefore made by the same code.
 *
 * Uses the public headers only.
 */
#ifndef GSCHED_FORMAT_TICK_H
#define GSCHED_FORMAT_TICK_H

#include <gsched.h>
#include <gsched/observe.h>

#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* How far, in ns, a tick record's times may lie from the run's start_ns
 * (about 11.6 days).  A snapshot or event time further away is not one the
 * runtime's clock gave that run: a recording with one is refused, and the
 * trace writer stops at one.  Times a little before start_ns are real: the
 * visualizer's recordings take the start it noted, after the runtime's first
 * events. */
#define TICK_SPAN_NS UINT64_C(1000000000000000)

/* The most goroutines a tick lists (tick_data.gl): a recording with more in
 * one tick is refused. */
#define TICK_GLIST_MAX 65536

/* What a run (or a recording) is about: the recording's header. */
typedef struct tick_info {
	uint64_t start_ns;    /* gs_nanotime() when the runtime started */
	uint64_t interval_ns; /* between ticks */
	int ticks;            /* ticks asked for */
	int procs;            /* GOMAXPROCS at start */
	int ncpu;
	int max_m; /* snapshot capacities */
	int runq_max;
	int timescale;       /* the runtime's slow motion (gs_timescale: every
	                        scheduler time N times longer); 0 counts as 1 */
	char scenario[128];  /* "default" or the workloads, e.g. "cpu:4,sleep" */
	char created_by[64]; /* "gsched 0.1.0"; for a Go program's trace, the
	                        format recognised (godebug_format) */
	/* What the run's ticks cannot say (TICK_LACKS_*): 0 for gsched's own
	 * runtime, which reports everything.  A figure a bit names is 0 in the
	 * ticks because nobody measured it: a view says "not reported" for it,
	 * never 0. */
	unsigned lacks;
} tick_info;

/* tick_info.lacks bits.  A Go program's GODEBUG=schedtrace (format/godebug.h)
 * always lacks TICK_LACKS_STEALS, TICK_LACKS_EVENTS and TICK_LACKS_ACCOUNTING;
 * plain schedtrace (without scheddetail) also the rest: totals only. */
/* steal counts (gs_snap_p.steals, stolen, stolen_from; stats.steals, stolen) */
#define TICK_LACKS_STEALS 0x01
/* recorded events: a tick's events, if any, were inferred by comparing it
 * with the tick before (TICK_EVENTS_INFERRED), never seen */
#define TICK_LACKS_EVENTS 0x02
/* time by state, counts of spawns, syscalls, preemptions and the like */
#define TICK_LACKS_ACCOUNTING 0x04
/* the M list (gs_snapshot.nm is 0) and each P's m (-1), schedtick,
 * syscalltick, gfreecnt and timers */
#define TICK_LACKS_MS 0x08
/* the goroutine list and the totals by state (stats.goroutines, by_status,
 * by_waitreason, in_syscall) */
#define TICK_LACKS_GOROUTINES 0x10
/* each P's status: only the count of idle ones (stats.idle_procs) */
#define TICK_LACKS_PSTATUS 0x20
/* Every event of the run was inferred from two successive snapshots, not
 * recorded where it happened: its time_ns is the later snapshot's. */
#define TICK_EVENTS_INFERRED 0x40
#define TICK_LACKS_ALL 0x7f

/* One tick: a snapshot and the events drained with it (those recorded since
 * the previous tick, oldest first). */
typedef struct tick_data {
	int index; /* 0, 1, ... */
	const gs_snapshot *snap;
	const gs_event *ev;
	int nev;
	uint64_t dropped; /* events lost to full rings since the previous tick */
	/* The goroutine list taken with the snapshot (gs_goroutines, newest
	 * first) while accounting is on, with each one's figures, or when the
	 * run asked for it (gsched --batch -v's G lines): gl[0..ng) of
	 * ng_total live ones.  NULL and 0 when none was taken. */
	const gs_snap_ginfo *gl;
	int ng, ng_total;
	/* What a foreign trace said that the fields above cannot hold; NULL for
	 * gsched's own runtime. */
	const struct tick_extra *extra;
} tick_data;

/* A Go program's tick, beyond the snapshot (format/godebug.h). */
typedef struct tick_extra {
	/* Fields the parser does not know, as Go printed them, one line per
	 * line they came from: "SCHED newfield=1\nP0 other=x" ("" none). */
	const char *unknown;
	/* Go's wait reason text of gl[i] for i < ng ("" when it had none),
	 * whether or not it maps to a gs_waitreason (gl[i].waitreason is
	 * GS_WAIT_NONE when it does not). */
	const char *const *gwait;
	/* Go's goroutine status numbers of gl[i] as printed (gl[i].status is
	 * the gs_gstatus it maps to; _Gscan bits and _Gpreempted etc. are only
	 * here). */
	const int *gstatus_go;
} tick_extra;

typedef struct tick_end {
	int ticks;        /* snapshots delivered */
	uint64_t events;  /* events delivered */
	uint64_t dropped; /* events lost */
} tick_end;

/* A consumer.  Each callback returns 0, TICK_SINK_DONE, or another non-zero
 * value to stop the run (an error it has reported itself).  Any of them may
 * be NULL. */
typedef struct tick_sink {
	int (*begin)(void *ctx, const tick_info *info);
	int (*tick)(void *ctx, const tick_info *info, const tick_data *t);
	int (*end)(void *ctx, const tick_info *info, const tick_end *e);
	void *ctx;
} tick_sink;

/* A sink that has had enough (its reader went away, --replay-step's input
 * ended) without an error: the other sinks still get the tick, and a live run
 * then ends as at its last tick, its files finished. */
#define TICK_SINK_DONE 3

/* Helpers for sinks: call every sink's begin/tick/end in order; stop at the
 * first non-zero result and return it (TICK_SINK_DONE from a tick only once
 * every sink had it). */
int tick_sinks_begin(const tick_sink *s, int n, const tick_info *info);
int tick_sinks_tick(const tick_sink *s, int n, const tick_info *info, const tick_data *t);
int tick_sinks_end(const tick_sink *s, int n, const tick_info *info, const tick_end *e);

/* "PATH:LINE: message" into err (size bytes): how a reader of a file
 * (a recording, a GODEBUG log) says where the file is wrong. */
void tick_file_error(char *err, size_t size, const char *path, long line, const char *fmt,
    va_list ap) __attribute__((format(printf, 5, 0)));

/* Flush and close *f (set to NULL); 0, or -1 with errno telling why the data
 * may not have reached the file. */
int tick_fclose(FILE **f);

/*
 * Standard output, owned by these two: whatever writes to stdout flushes it
 * with tick_fflush() and stops when that is not 0; main() ends with
 * tick_stdout_finish(), which reports the first failed write once
 * ("gsched: writing standard output: why").  A reader that went away (a
 * closed pipe; SIGPIPE is ignored when stdout is not a terminal) is not a
 * failure: the run stops quietly at its next flush, with the status it had.
 */
/* Flush f: 0; 1 when its reader went away (EPIPE); -1 when a write failed,
 * errno telling why (for stdout also remembered for tick_stdout_finish). */
int tick_fflush(FILE *f);
/* Flush stdout and report its first failed write once; the exit status: rc,
 * or 1 when rc is 0 and a write failed. */
int tick_stdout_finish(int rc);

/*
 * Stop signals: SIGINT, SIGTERM and SIGHUP end a run without cutting what it
 * writes.  The handler (tick_stop_catch installs it; async-signal-safe) only
 * notes the signal and writes a byte to a pipe of its own; the tick loops
 * (ticker_run, record_replay) see it between ticks, so the tick in progress
 * is completed, every sink's end runs (the recording's end line, the trace's
 * closing), and main() then ends as the signal would have (tick_stop_exit).
 * The visualizer reads the same note from its key loop.  A signal the
 * program was started with ignored (nohup, a background job of a script)
 * stays ignored.  SIGKILL cannot be caught: it leaves the files cut.
 */
/* Install the handlers (once).  again_ends: a second stop signal ends the
 * program at once, as the signal's default action (a run blocked in a read,
 * of a FIFO whose writer stalls, never gets to its next tick); the
 * visualizer's loop never blocks and must restore the terminal itself. */
void tick_stop_catch(bool again_ends);
/* pthread_sigmask(how) of the stop signals for the calling thread (and the
 * threads it starts later): a program with threads of its own blocks them
 * where a signal must not interrupt (the runtime's Ms) and leaves them to the
 * thread that ticks. */
void tick_stop_mask(int how, sigset_t *old);
/* The stop signal caught (the first one), or 0. */
int tick_stop_signal(void);
/* Sleep until CLOCK_MONOTONIC (gs_nanotime's clock) reaches t, or until a
 * stop signal is caught (from any thread; at once if one was): 0 at t, else
 * the signal.  A signal that interrupts the sleep does not stretch it. */
int tick_sleep_until(uint64_t t);
/* Wait until fd can be read (or is at its end) or a stop signal is caught:
 * 0 or the signal.  For an unbuffered stream's descriptor: what a stdio
 * buffer holds, poll cannot see. */
int tick_wait_readable(int fd);
/* The exit status of a run a stop signal ended: 128 + the signal when rc is
 * 0 and one was caught, else rc. */
int tick_stop_status(int rc);
/* The end of main(): with rc 128 + the caught signal, die of that signal
 * (its default action restored), so that a shell running gsched sees it
 * killed by the signal; otherwise (and if still alive) return rc. */
int tick_stop_exit(int rc);

#endif /* GSCHED_FORMAT_TICK_H */
