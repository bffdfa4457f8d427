/*
 * goproc.h - a real Go program run under GODEBUG=schedtrace for `gsched go`:
 * started in a process group of its own, its standard error read by a
 * thread of this module and cut into lines, Go's trace lines parsed into
 * ticks (format/godebug.h) and the program's own lines kept apart.
 *
 * Threads: goproc_start and every other call belong to one caller thread
 * (the visualizer's UI thread, or a headless loop); the reader thread owns
 * the pipe and the parser.  They meet in a mailbox guarded by a mutex: one
 * tick at a time (the reader waits until the caller has taken it, which the
 * caller's goproc_poll does between keys, so a slow screen slows only the
 * pipe, never the caller) and a bounded queue of the program's own lines.
 * The caller never blocks on the program.
 *
 * The child: standard input /dev/null (the terminal is the visualizer's),
 * standard output to a file or /dev/null (so it cannot write over the
 * screen), standard error a pipe to the reader; it dies with the thread
 * that started it (PR_SET_PDEATHSIG) and goproc_free kills what is left of
 * its process group, so no program outlives gsched.
 */
#ifndef GSCHED_GOPROC_H
#define GSCHED_GOPROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "format/tick.h"

/* schedtrace's interval (-i MS): the default and the bounds. */
#define GOPROC_INTERVAL_MS 100
#define GOPROC_INTERVAL_MIN 1
#define GOPROC_INTERVAL_MAX 60000

/* The program's own lines the mailbox holds until the caller takes them;
 * more are counted (goproc_poll's dropped) and still go to the file. */
#define GOPROC_LINES 256
/* ... each cut to this many bytes for the log (the file gets them whole). */
#define GOPROC_LINE_SHOW 240

/*
 * The GODEBUG value the program gets: old (its environment's GODEBUG, NULL
 * or "" for none) without any schedtrace= or scheddetail= setting of its
 * own, then "schedtrace=MS,scheddetail=1" (or "schedtrace=MS" when detail
 * is false).  Into buf; the length, or -1 if it does not fit.  Pure.
 */
int goproc_godebug(const char *old, int ms, bool detail, char *buf, size_t size);

/* An exit status from waitpid in words: "exited with status 3", "killed by
 * signal 9 (SIGKILL)".  Pure. */
void goproc_status_text(int wstatus, char *buf, size_t size);

/* How long without a trace line before a viewer asks whether the program
 * is a Go program at all: a few intervals (GOPROC_QUIET_INTERVALS of
 * interval_ms), never under GOPROC_QUIET_MIN_NS (a loaded machine starts a
 * Go program slowly).  Pure. */
#define GOPROC_QUIET_INTERVALS 5
#define GOPROC_QUIET_MIN_NS 2000000000ULL
uint64_t goproc_quiet_ns(int interval_ms);

typedef struct goproc_opts {
	char *const *argv;       /* PROGRAM and its arguments (argv[0] is looked
	                            up in PATH when it has no '/') */
	int interval_ms;         /* schedtrace=MS */
	const char *stdout_path; /* its standard output, NULL: /dev/null */
	const char *stderr_path; /* its own standard error lines also go here
	                            (truncated at start), NULL: none */
} goproc_opts;

typedef struct goproc goproc;

/*
 * Start the program.  NULL with why in err (no "gsched: " prefix): a file
 * that cannot be written, or the program cannot be run ("./prog: No such
 * file or directory": exec's own error, reported before this returns).
 */
goproc *goproc_start(const goproc_opts *o, char *err, size_t errsize);

/* What goproc_poll hands the caller, on the caller's thread. */
typedef struct goproc_visit {
	/* A tick of the program (godebug_tick's, valid during the call), with
	 * the run's info as the parser knows it at that tick. */
	void (*tick)(void *ctx, const tick_info *info, const tick_data *t, const char *format);
	/* A line of the program's own (cut to GOPROC_LINE_SHOW bytes). */
	void (*line)(void *ctx, const char *text);
	void *ctx;
} goproc_visit;

/* Where the program is. */
typedef struct goproc_state {
	pid_t pid;
	bool exited;       /* reaped: wstatus says how */
	int wstatus;       /* waitpid's */
	bool eof;          /* its standard error is closed, every tick given */
	long sched_lines;  /* Go trace lines read so far */
	long other_lines;  /* its own lines read so far */
	long dropped;      /* own lines the mailbox had no room for */
	char cut[160];     /* a block dropped at the end, why (godebug_cut), or "" */
	char error[160];   /* a read or file error, or "" */
	unsigned lacks;    /* TICK_LACKS_* of what was read */
	uint64_t start_ns; /* gs_nanotime() when it started */
} goproc_state;

/* Hand over what the reader has (at most one tick, then the lines), and the
 * state into *st (may be NULL); v NULL: the state only, nothing taken (a
 * NULL callback in v drops what it would have had).  Never blocks on the
 * program. */
void goproc_poll(goproc *g, const goproc_visit *v, goproc_state *st);

/* Send sig to the program's process group (SIGINT for Ctrl-C).  0, or -1
 * when it has exited. */
int goproc_signal(goproc *g, int sig);

/* A descriptor that becomes readable when the reader has something for
 * goproc_poll (a tick, lines, the end), for a caller that polls. */
int goproc_fd(const goproc *g);

/* End: a program still running gets SIGTERM, then SIGKILL after a second,
 * its whole process group; the reader is joined; everything freed. */
void goproc_free(goproc *g);

#endif /* GSCHED_GOPROC_H */
