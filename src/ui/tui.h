/*
 * tui.h - the live visualizer: `gsched` with only the options below opens it
 * on the default mixed workload; `gsched` with no arguments at all opens it
 * on the introductory lesson (TUI_INTRO_LESSON) when that lesson is found,
 * and `gsched LESSON` on any lesson.  cmd/main.c parses the command line
 * (with tui_options among its tables), loads the lesson and calls tui_main:
 * the visualizer knows lessons only as a loaded lesson_program.
 *
 * Architecture: the calling thread is the UI thread.  It starts a live
 * session (live/session.h: gs_run in a thread of its own), and every tick drains
 * the event stream, takes a snapshot (and, when it is shown or once a second,
 * the goroutine list), feeds the view model (view.h), renders it into a
 * view_screen and paints that with ncursesw (paint.h).  Keys become session
 * calls (spawn a batch, change GOMAXPROCS, stop the world) from the same
 * thread; the UI never runs on, or waits for, a scheduler thread.
 *
 * Exit statuses: 0 after q, F10 or Ctrl-C (SIGINT counts as quitting); 1 if
 * the runtime failed or, in a lesson, an expectation failed (so far); 2 for a usage error or no usable terminal (reported on
 * stderr before the runtime starts); 128+N after signal N (SIGTERM: 143,
 * SIGHUP: 129).  The terminal is restored on every one of these paths, after
 * Ctrl-Z/fg, and (best effort, from a signal handler) when the program dies
 * of SIGSEGV, SIGBUS, SIGFPE or SIGABRT.
 */
#ifndef GSCHED_TUI_H
#define GSCHED_TUI_H

#include <stdbool.h>
#include <stdio.h>

#include "format/cmdline.h"

typedef struct tui_opts {
	int tenths;      /* -d/--delay: tenths of a second between ticks (1..600) */
	bool have_delay; /* -d given (a replay plays at the recording's rate without it) */
	int procs;       /* -p/--procs: GOMAXPROCS at start (1..256; 0: default) */
	bool no_color;   /* --no-color, or NO_COLOR set to anything non-empty */
	bool ascii;      /* --ascii, or the locale's codeset is not UTF-8 */
	bool projector;  /* --projector: fewer panels, big blocks, high contrast */
	bool no_mouse;   /* --no-mouse: the mouse stays the terminal's */
	int slow;        /* --slow: slow motion 1..1000 (0: none asked for) */
	/* --no-color and --ascii as asked for (command line, config file),
	 * before NO_COLOR and the locale add theirs: what W saves */
	bool asked_no_color, asked_ascii;
	/* The config file W writes (not an option of this table: cmd/main.c
	 * sets it from --config FILE), NULL: the default path. */
	const char *config;
	/* Record what is shown from the first tick into this file (not an
	 * option of this table: cmd/main.c sets it from --record when the
	 * visualizer opens), or NULL. */
	const char *record;
	/* A lesson to play instead of the default mixed workload (not an
	 * option: cmd/main.c sets them for `gsched LESSON` and the intro). */
	const struct lesson_program *lesson;
	double time_scale; /* the lesson's slow motion (0 counts as 1) */
	int history_mib;   /* --history: the rewind's memory budget, MiB (1..65536) */
	/* A recording to play instead of a live run (not an option of this
	 * table: cmd/main.c sets it for `gsched --replay FILE` on a terminal). */
	const char *replay;
	/* The replay is a Go program's saved GODEBUG=schedtrace log (gsched go
	 * --from FILE), read by format/godebug.h, not a recording. */
	bool replay_godebug;
	/* A Go program to run and show instead of a live run (gsched go; not
	 * an option of this table: cmd/main.c sets it). */
	const struct goproc_opts *go;
} tui_opts;

/* --history: the rewind's budget (live/history.h's default), in MiB. */
#define TUI_HISTORY_MIB 64
#define TUI_HISTORY_MAX_MIB 65536

/* The lesson `gsched` with no arguments opens (looked up as lessons are by
 * name, lesson.h's lesson_resolve); without it, the default mixed workload. */
#define TUI_INTRO_LESSON "02-gmp"

/* Where tui_run draws.  tui_main uses the real terminal; the render
 * benchmark an off-screen one. */
typedef struct tui_term {
	FILE *in, *out;           /* newterm's */
	const char *type;         /* terminal type, NULL: $TERM */
	int rows, cols;           /* > 0: resize curses' screen to this (off-screen) */
	double seconds;           /* > 0: quit after this long (benchmarks) */
	bool interactive;         /* install the signal handlers, save/restore termios */
	struct view_screen *last; /* not NULL: a zeroed (or allocated) view_screen
	                           that gets a copy of the last screen drawn
	                           (tests read it; the caller frees it) */
} tui_term;

/* The visualizer's options (-d, -p, --no-color, --ascii, --projector,
 * --no-mouse, --slow, --history): the rows of the command line's table that tui_option
 * sets.  Keys besides 'd', 'p' and CMDLINE_KEY_SLOW (format/cmdline.h): */
enum {
	TUI_OPT_NO_COLOR = CMDLINE_LONG,
	TUI_OPT_ASCII,
	TUI_OPT_PROJECTOR,
	TUI_OPT_HISTORY,
	TUI_OPT_NO_MOUSE
};
extern const cmdline_opt tui_options[];
extern const int tui_noptions;

/* Defaults before the options, and what the environment adds after them
 * (NO_COLOR, a locale that is not UTF-8). */
void tui_opts_init(tui_opts *o);
void tui_opts_finish(tui_opts *o);
/* Set the option with this key (a tui_options row) from value v; spelled
 * is the option as written.  0, or 2 after reporting a usage error. */
int tui_option(tui_opts *o, int key, const char *v, const char *spelled);
/* The options and keys, for gsched --help. */
void tui_usage(FILE *f);
/* Parse argv[1..] holding visualizer options only (init, options, finish).
 * 0, or 2 after reporting a usage error on stderr. */
int tui_parse(int argc, char **argv, tui_opts *o);

/* Show o (a lesson when o->lesson is set) on the terminal until quit.  The
 * exit status; 2 without a usable terminal. */
int tui_main(const tui_opts *o);

/* Run the visualizer on t until quit (or t->seconds).  The exit status. */
int tui_run(const tui_opts *o, const tui_term *t);

#endif /* GSCHED_TUI_H */
