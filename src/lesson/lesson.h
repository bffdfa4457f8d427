/*
 * lesson.h - lesson scripts: the parser (parse.c), the player (play.c) and
 * the headless runner behind `gsched --batch LESSON` (run.c).
 *
 * A lesson is a line-based text script (the format is described in
 * demos/README) that drives a live session (live/session.h) the way the keys of
 * the visualizer do: set GOMAXPROCS, spawn workloads, say captions, wait, wait
 * for a condition, pause for a key, and check expectations against the live
 * snapshot.  Everything is parsed and checked before anything runs, so a bad
 * lesson never starts a runtime.
 *
 * The player is a step machine with no I/O of its own: the caller (the
 * visualizer's UI thread, or the batch runner) takes a snapshot every tick,
 * hands it to lesson_player_tick and shows what comes back.  Keys go in through
 * lesson_player_key.  One player per session; the caller owns both.
 *
 * Uses the public headers and the front end's session only.
 */
#ifndef GSCHED_LESSON_H
#define GSCHED_LESSON_H

#include <gsched.h>
#include <gsched/observe.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "live/session.h"

/* ---- limits (checked by the parser) ------------------------------------------ */

#define LESSON_FILE_MAX (256 * 1024) /* bytes in a lesson file */
#define LESSON_LINE_MAX 1024         /* bytes in a line, without its newline */
#define LESSON_STEPS_MAX 4096
#define LESSON_TEXT_MAX 512          /* bytes in a caption, title or mark */
#define LESSON_GOROUTINES_MAX 100000 /* goroutines over all spawns of a lesson */
#define LESSON_THREADS_MAX                                                                         \
	2000                                      /* goroutines in blocking system calls: each
                                         takes a thread of its own */
#define LESSON_DURATION_MAX (3600LL * 1000000000) /* 1 hour */
#define LESSON_ITERS_MAX (1000LL * 1000000000)    /* 1e12 */
#define LESSON_TERMS_MAX 4                        /* terms on a condition's right side */

/* ---- quantities a condition or a caption can name ------------------------------- */

typedef enum lesson_qty {
	/* the snapshot, now */
	LQ_THREADS = 0, /* Ms that exist (gs_stats.threads) */
	LQ_BUSYTHREADS, /* threads - idle threads */
	LQ_IDLETHREADS,
	LQ_SPINNING, /* spinning Ms */
	LQ_PROCS,    /* GOMAXPROCS */
	LQ_IDLEPROCS,
	LQ_RUNQUEUE,  /* the global run queue */
	LQ_LOCALRUNQ, /* sum of the local run queues (runnext not counted) */
	LQ_GOROUTINES,
	LQ_RUNNABLE,
	LQ_RUNNING,
	LQ_WAITING,
	LQ_INSYSCALL,
	LQ_NETWAITING, /* waiting in the netpoller (IO wait) */
	LQ_SLEEPING,   /* waiting on a timer */
	LQ_BATCHES,    /* spawned batches not yet finished (requests the
	                     session has not started yet included) */
	LQ_OSTHREADS,  /* threads of the whole process (gs_snapshot.os_threads):
	                     Ms, sysmon, the observer, plain pthreads */
	LQ_RSSKB,      /* the process's resident memory (VmRSS, KiB) */
	/* peaks since the lesson started (or the last reset) */
	LQ_MAXTHREADS,
	LQ_MAXRUNQUEUE,
	LQ_MAXLOCALRUNQ, /* the longest single local queue seen */
	LQ_MAXGOROUTINES,
	LQ_MAXSPINNING,  /* spinning Ms, sampled every tick */
	LQ_MAXSTEAL,     /* the most goroutines one steal moved (exact) */
	LQ_MAXTIMERLATE, /* the latest a timer ran after its time, ms (exact) */
	LQ_MAXRSSKB,     /* the process's peak resident memory (VmHWM, KiB) */
	LQ_CPUPCT,       /* process CPU time over wall time, percent */
	/* counters since the lesson started (or the last reset) */
	LQ_STEALS,
	LQ_STOLEN,
	LQ_HANDOFFS,
	LQ_RETAKES,
	LQ_PREEMPTIONS, /* async + cooperative */
	LQ_ASYNCPREEMPTIONS,
	LQ_PREEMPTREQUESTS,
	LQ_SPAWNS,     /* goroutines of the lesson's workloads (workload_counters), */
	LQ_EXITS,      /* not the session's own: a batch's keeper is not counted */
	LQ_GLOBALPUTS, /* goroutines put on the global queue (overflow, yield) */
	LQ_THREADSCREATED,
	LQ_SYSCALLS,
	LQ_NETPOLLWAKES,
	LQ_RUNNEXTHITS,       /* run from a P's runnext slot */
	LQ_FAIRTAKES,         /* taken from the global queue by the 1-in-61 check */
	LQ_STEALHALFMISSES,   /* steals that took other than half: 0 */
	LQ_COOPREEMPTIONS,    /* preemptions at a cooperative check */
	LQ_EXITSYSCALLOLDP,   /* system call returns that got their own P back */
	LQ_EXITSYSCALLIDLEP,  /* ... that took an idle P */
	LQ_EXITSYSCALLGLOBAL, /* ... that found none: global queue, M parked */
	LQ_SERVED,            /* http requests answered 200 (live/workload.h counters) */
	LQ_REJECTED,          /* http requests answered 503 */
	/* the machine and the runtime's choice */
	LQ_NCPU,          /* CPUs in the affinity mask (gs_numcpu) */
	LQ_PHYSCORES,     /* physical cores among them (gs_numcores), 0 unknown */
	LQ_STARTPROCS,    /* GOMAXPROCS the runtime chose when the lesson began */
	LQ_ENVPROCS,      /* the GOMAXPROCS environment variable, 0 if unset */
	LQ_CGROUPCPUS,    /* the cgroup CPU limit rounded up, 0 if none */
	LQ_CGROUPPCT,     /* the cgroup CPU limit in percent of a CPU (150: 1.5
	                     CPUs), 0 if none */
	LQ_EXPECTEDPROCS, /* the default GOMAXPROCS by the documented rule: envprocs
	                     if set, else ncpu lowered to max(cgroupcpus, 2) */
	LQ_ELAPSED_MS,    /* milliseconds since the lesson started */
	/* measured by the measuring workloads (live/workload.h), the last
	   figure, -1 before any */
	LQ_SWITCHNS,         /* pingpong: ns per switch between goroutines */
	LQ_YIELDNS,          /* gosched: ns per yield */
	LQ_THREADSWITCHNS,   /* threadpingpong: ns per switch between threads */
	LQ_CHILDRUNS,        /* threadlimit children that ended since the reset */
	LQ_CHILDEXIT,        /* the last one's exit status, -1 none since the reset */
	LQ_CHILDTHREADLIMIT, /* N of its "program exceeds N-thread limit", 0 if it
	                        said no such thing, -1 none since the reset */
	LQ_MAXRUNNING,       /* peak goroutines running at once */
	LQ_RSSGROWKB,        /* resident memory (VmRSS) now minus at the reset, kB */
	LQ_RSSPERTASK,       /* rssgrowkb in bytes over the tasks (goroutines and
	                      plain threads) the spawns since the reset asked for */
	LQ_THREADSWAITING,   /* plain threads (kind thread) started and waiting */
	LQ_LASTRSSPERTASK,   /* rsspertask as the lesson last read it before the
	                        last reset (the previous chapter's figure), 0 none */
	LQ_NQTY
} lesson_qty;

/* Texts a caption can show ({childout}), never compared: the machine's and
 * the measuring workloads' words. */
typedef enum lesson_text {
	LT_CHILDOUT = 0, /* the last threadlimit child's last two lines of output */
	LT_CPUSIBLINGS,  /* the CPUs that share a core, a group per core: "[0,4] [1,5]" */
	LT_NTEXT
} lesson_text;

const char *lesson_text_name(int t);
int lesson_text_find(const char *name, size_t len);

/* The quantity's name in scripts ("threads"), and back (-1 if unknown);
 * the table is qty.c's. */
const char *lesson_qty_name(int q);
int lesson_qty_find(const char *name, size_t len);

typedef enum lesson_op {
	LESSON_LT,
	LESSON_LE,
	LESSON_EQ,
	LESSON_NE,
	LESSON_GE,
	LESSON_GT
} lesson_op;

/* QTY OP TERM [+|- TERM]...; a TERM is a number or a quantity. */
typedef struct lesson_cond {
	int qty;
	int op;
	int nterms;
	struct {
		int sign; /* +1 or -1 */
		int qty;  /* a quantity, or -1 for the number */
		int64_t num;
	} term[LESSON_TERMS_MAX];
	char text[128]; /* as written, normalised ("threads >= procs + 4") */
} lesson_cond;

/* ---- a parsed lesson ---------------------------------------------------------- */

typedef enum lesson_cmd {
	LESSON_PROCS = 0,       /* procs N | procs cpus[*N|/N] */
	LESSON_SPAWN,           /* spawn COUNT KIND [DURATION|ITERS] [as LABEL] */
	LESSON_SAY,             /* say "caption" */
	LESSON_WAIT,            /* wait DURATION */
	LESSON_WAIT_UNTIL,      /* wait until COND [timeout DURATION] */
	LESSON_PAUSE,           /* pause */
	LESSON_EXPECT,          /* expect COND */
	LESSON_MARK,            /* mark "chapter" */
	LESSON_MEASURE,         /* measure "label" [timeout DURATION] */
	LESSON_RESET,           /* reset: counters and peaks count from here */
	LESSON_ASYNCPREEMPTOFF, /* asyncpreemptoff 0|1: the preemption signal off */
	LESSON_NCMDS
} lesson_cmd;

typedef struct lesson_step {
	int cmd;
	int line;   /* 1-based source line */
	char *text; /* say, mark, measure: owned */
	int64_t ns; /* wait: duration; wait until, measure: timeout */
	/* procs; asyncpreemptoff: 0 or 1 */
	int procs;     /* a number, or the multiplier/divisor of cpus */
	int procs_rel; /* 0: absolute; '*' or '/': relative to the CPUs */
	/* spawn */
	int count;
	char kind[16];
	int64_t life_ns; /* 0: none */
	int64_t iters;   /* 0: none */
	char label[GS_LABEL_MAX];
	lesson_cond cond; /* wait until, expect */
} lesson_step;

typedef struct lesson_program {
	char *name;  /* as given on the command line or the file's name */
	char *title; /* from `title`, or NULL */
	int slow;    /* from `slow N`: the slow motion the lesson asks for
	                (--slow overrides it), 0 none */
	lesson_step *steps;
	int nsteps;
} lesson_program;

/*
 * Parse len bytes of buf as a lesson called name (used in messages).  On
 * success returns 0 and *out; otherwise -1 and one message in err,
 * "NAME:LINE:COL: what was expected, got what" (no trailing newline).
 */
int lesson_parse(const char *name, const char *buf, size_t len, lesson_program **out, char *err,
    size_t errsz);
/* Read and parse the file at path (messages name it as given). */
int lesson_load(const char *path, lesson_program **out, char *err, size_t errsz);
void lesson_program_free(lesson_program *p);

/* The scaled value of a duration (time_scale >= 1 is slow motion). */
int64_t lesson_scale(int64_t ns, double time_scale);

/* ---- finding lessons ------------------------------------------------------------ */

/*
 * Where lessons are looked up by name: the source tree's demos/ when the
 * program runs uninstalled (GSCHED_LESSONDIR_SRC), then the installed
 * $(pkgdatadir)/lessons (GSCHED_LESSONDIR); GSCHED_LESSONS in the environment
 * overrides both.  Fills dirs (up to max), returns how many.
 */
int lesson_dirs(const char **dirs, int max);
/*
 * Resolve a name ("gmp", "gmp.lesson") or a path (anything with a '/') to a
 * file path in buf.  0, or -1 with a message in err.
 */
int lesson_resolve(const char *arg, char *buf, size_t size, char *err, size_t errsz);
/* Print one line per lesson found, "name  title", sorted by name.  Returns 0,
 * or 2 if none was found (message on stderr). */
int lesson_list(FILE *out);

/* ---- the player --------------------------------------------------------------- */

typedef enum lesson_line_kind {
	LL_SAY = 0,     /* a caption */
	LL_MARK,        /* a chapter begins */
	LL_EXPECT_OK,   /* an expectation met (text: the condition and the values) */
	LL_EXPECT_FAIL, /* an expectation failed, or a wait until / measure timed out */
	LL_MEASURE,     /* a measured time */
	LL_INFO,        /* procs and spawns, as they happen */
	LL_ERROR        /* the session failed to do something (spawn failed, ...) */
} lesson_line_kind;

typedef struct lesson_line {
	int kind; /* lesson_line_kind */
	int step; /* index of the step that made it */
	int line; /* its source line */
	char text[640];
} lesson_line;

typedef enum lesson_state {
	LESSON_RUNNING = 0, /* steps are running (or a wait is counting down) */
	LESSON_WAITING_KEY, /* at a pause: lesson_player_key(LESSON_KEY_CONTINUE) goes on */
	LESSON_DONE         /* every step has run */
} lesson_state;

#define LESSON_LINES_MAX 64

/* What one tick produced.  Valid until the next call on the player. */
typedef struct lesson_output {
	int state;           /* lesson_state */
	const char *caption; /* the current caption (the last say/measure), or NULL */
	const char *chapter; /* the current mark, or NULL */
	int step, nsteps;    /* the next step to run, of all */
	int nlines;          /* lines made since the previous tick, in order */
	lesson_line lines[LESSON_LINES_MAX];
	int passed, failed;      /* expectations so far (waits and measures that
	                             time out count as failed) */
	const char *waiting_for; /* "wait until threads >= 4 (now 3)", "wait 1.5 s",
	                             "press a key", or NULL */
	int64_t hold_ns;         /* > 0: the lesson waits for the room to read the
	                             caption, this long yet (or a CONTINUE key) */
} lesson_output;

/*
 * Reading time.  In the visualizer (lesson_player_opts.batch false) a caption
 * (a say, or a measure's result) is held: the next step that would replace it
 * (say, measure), begin a chapter (mark) or change the runtime (procs, spawn,
 * reset) waits until the caption has been on screen for
 * lesson_hold_ns(caption), or until LESSON_KEY_CONTINUE.  So a caption that
 * introduces a spawn is read before the spawn, and one after a wait until
 * shows the moment the condition held, not a later one.  The steps between
 * (waits, conditions, expectations) run meanwhile, a wait counting towards
 * the reading time, and the scheduler never waits.  The time is the reader's, on the caller's clock: not
 * stretched by --time-scale or --slow (a room reads no slower when the
 * scheduler is slowed), and standing still with a clock that stands still
 * while the view is paused.  --batch holds nothing.
 */
#define LESSON_HOLD_BASE_NS 3000000000LL /* every caption: 3 s ... */
#define LESSON_HOLD_CHARS_PER_S 12       /* ... plus 1 s per 12 characters ... */
#define LESSON_HOLD_MAX_NS 20000000000LL /* ... at most 20 s */
int64_t lesson_hold_ns(const char *caption);

typedef struct lesson_player_opts {
	double time_scale; /* >= 0.01; 1: real time; 4: four times slower */
	bool batch;        /* pause continues at once */
	int slow;          /* the runtime's slow motion, gs_timescale() (0 or 1:
	                      none).  The workloads then take N times longer, so
	                      waits, timeouts and lifetimes stretch N times more
	                      (times time_scale), and measured times are shown
	                      both as measured and as at real speed. */
} lesson_player_opts;

typedef struct lesson_player lesson_player;

/* A player for prog on session s (both outlive the player).  NULL if out of
 * memory. */
lesson_player *lesson_player_new(const lesson_program *prog, session *s,
    const lesson_player_opts *o);
void lesson_player_free(lesson_player *p);

/*
 * Run the steps due at now_ns with snap as the live state (taken by the
 * caller just before).  Runs steps until one has to wait (a wait, a wait
 * until that does not hold yet, a measure still running, a pause) and fills
 * *out.  Returns out->state.
 *
 * now_ns is any monotonic nanosecond clock (gs_nanotime in --batch); a UI
 * that pauses may pass one that stands still meanwhile, so waits do not run
 * out behind a paused screen.  A procs step finding the world stopped
 * (GS_EBUSY) and a spawn finding the session busy (GS_EAGAIN) are retried at
 * the next tick.  Measured times use now_ns too.
 */
int lesson_player_tick(lesson_player *p, const gs_snapshot *snap, uint64_t now_ns,
    lesson_output *out);

typedef enum lesson_key {
	LESSON_KEY_CONTINUE = 0, /* leave a pause (or skip the wait running now) */
	LESSON_KEY_NEXT,         /* jump to the next mark */
	LESSON_KEY_PREV          /* jump back to the start of this chapter, or to the
	                        previous one when it has just begun */
} lesson_key;

/* A key from the presenter; it acts at the next tick.  Jumps skip steps
 * without running them; what already runs keeps running.  Any key ends the
 * hold of the caption shown (the presenter has gone on); CONTINUE while the
 * lesson waits only for that does nothing else.  A step run again (after a
 * jump back) counts its expectation once: its latest result. */
void lesson_player_key(lesson_player *p, int key);

/* Quantity q's value now (after the tick that took snap). */
int64_t lesson_player_value(lesson_player *p, const gs_snapshot *snap, int q);

/* ---- the headless runner ---------------------------------------------------------- */

typedef struct lesson_run_opts {
	double time_scale;
	int slow;         /* --slow: the runtime's slow motion (0: none asked for) */
	FILE *out;        /* captions, expects, schedtrace lines */
	uint64_t tick_ns; /* between schedtrace lines (0: 100 ms) */
	bool detail;      /* -v: scheddetail lines */
	bool quiet;       /* no schedtrace lines, only the lesson's lines */
} lesson_run_opts;

/* Run prog to its end without a terminal.  Exit status: 0 every expectation
 * met, 1 one failed (or the runtime failed). */
int lesson_run_batch(const lesson_program *prog, const lesson_run_opts *o);

#endif /* GSCHED_LESSON_H */
