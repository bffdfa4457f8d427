/*
 * workload.h - live workloads for the observation tools (--batch, --record,
 * --trace) and, later, the visualizer and the lessons: a small table of named
 * goroutine kinds, each goroutine spawned with gs_go_attr, a label and its
 * kind's tag (gsched/observe.h's GS_TAG_*: C cpu, L loop, S sleep and nap, B
 * syscall, N netwait, H http*, T thread's reaper), which a run's own label
 * replaces only the label of.
 *
 *   cpu      a CPU-bound loop inside gs_preemptible_begin/end (preempted by sysmon)
 *   sleep    gs_sleep loops (timers; the thread runs other goroutines)
 *   syscall  gs_nanosleep: a real blocking system call (threads climb, Ps hand off)
 *   shortcall  the same, 50-100 us: back before sysmon takes the P
 *   netwait  a goroutine blocked in gs_fd_read on a socketpair that a writer
 *            goroutine feeds after a delay (the netpoller)
 *   mixed    some of each
 *   nap      gs_sleep(1 s) and nothing else, the seed's time.Sleep(time.Second):
 *            cheap enough for tens of thousands
 *   loop     a call-free loop outside any preemptible region: only its end
 *            gives the P back (Go before 1.14, or asyncpreemptoff=1); without
 *            a limit (workload_run.iters or .deadline) it runs in 100 ms bursts
 *   tight    the same loop inside a preemptible region: no cooperative check,
 *            so only the signal (asynchronous preemption) switches it out
 *   pool     COUNT jobs sent through a channel to GOMAXPROCS worker goroutines
 *            (the seed's optimizeCPUBound), each job 1M cpu steps (or iters)
 *   http     a web server on a loopback TCP socket, one goroutine per
 *            connection, and COUNT clients sending requests (gs_fd_*)
 *   httplimit  the same behind a semaphore of HTTP_LIMIT handlers: a request
 *            that finds it full is answered 503 at once
 *   httppool the same served by a pool of HTTP_POOL worker goroutines fed
 *            through a channel (the accept loop waits when they are busy)
 *   thread   thread per task, no goroutines: COUNT plain pthreads, each
 *            sleeping in nanosleep (what a goroutine-less design pays)
 *
 * and the kinds that measure (workload_measure.c; their figures are in
 * workload_measures):
 *
 *   pingpong COUNT pairs of goroutines sending a value back and forth over two
 *            unbuffered channels: ns per switch
 *   gosched  COUNT goroutines that only yield: ns per yield
 *   threadpingpong  COUNT pairs of plain threads pinned to one CPU waking each
 *            other through a futex: ns per switch between threads
 *   threadlimit  a child gsched process (`gsched bench syscallblock -n COUNT
 *            --max-threads ITERS`): its exit status and its last lines of output
 *
 * Uses the public <gsched.h> only.  Every goroutine runs until workload_stop(), or
 * until the run's limits (iterations, deadline) end it on its own.
 *
 * In slow motion (gs_set_timescale, GSCHED_DEBUG=timescale: N > 1) every
 * duration above and every step of CPU work is N times longer, read from
 * gs_timescale() when a goroutine starts, so the scheduler, whose constants
 * stretch by the same N, decides as at full speed.  A run's deadline is the
 * caller's and is not stretched.
 */
#ifndef GSCHED_WORKLOAD_H
#define GSCHED_WORKLOAD_H

#include <gsched.h>

#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>

/* One run of workloads: they all stop together. */
typedef struct workload_run {
	atomic_bool stop;
	gs_waitgroup wg;
	atomic_uint seed;
	/* Limits, set before spawning (workload_run_limit); 0: none.  iters counts
	 * each kind's own unit of work per goroutine: cpu, loop and tight, multiply-add
	 * steps (as the seed's `for j := 0; j < 1e8; j++ { sum += j }`; in slow
	 * motion a step is N of them); sleep,
	 * sleeps; nap, 1 s naps; syscall, blocking calls; netwait, messages; http*, requests per
	 * client; thread, 20 ms sleeps; pool, steps per job. */
	int64_t iters;
	int64_t deadline;  /* gs_nanotime() at which every goroutine ends */
	atomic_int live;   /* goroutines (and threads) not yet ended */
	const char *label; /* NULL: each kind labels its goroutines; else this
	                      label for all of them (not copied: must outlive the run) */
	/* A flag outside the run that stops it too, or NULL: a session sets it
	 * for all its runs at once from the caller's thread, so its end does
	 * not wait for goroutines that are queued behind CPU-bound ones (in
	 * slow motion a time slice is N times longer). */
	const atomic_bool *halt;
} workload_run;

/* Counters every workload of the process adds to (any thread reads them). */
typedef struct workload_counters {
	uint64_t http_ok;       /* requests answered 200 */
	uint64_t http_rejected; /* requests answered 503 */
	/* Goroutines of workloads started, and ended (counted as each one ends
	 * its share of its run, just before it returns).  The session's own
	 * goroutines (the controller, a batch's keeper) are not among them. */
	uint64_t go_started, go_ended;
} workload_counters;
void workload_counters_read(workload_counters *c);

/* What the measuring kinds measured last (any thread reads them); -1 where
 * nothing was measured yet.  A switch figure is its batch's wall time over
 * its switches, updated every 10,000 round trips (or yields). */
#define WORKLOAD_CHILDOUT_MAX 160
typedef struct workload_measures {
	int64_t chan_switch_ns;   /* pingpong: a switch between goroutines */
	int64_t yield_ns;         /* gosched: a yield, to the next goroutine */
	int64_t thread_switch_ns; /* threadpingpong: a switch between threads */
	int64_t child_runs;       /* threadlimit: children that ended (from 0) */
	int64_t child_exit;       /* the last one's exit status (128 + N: signal N) */
	int64_t child_limit;      /* N of its "program exceeds N-thread limit", 0 none */
	char
	    child_out[WORKLOAD_CHILDOUT_MAX]; /* its last two lines of output (stdout and stderr) */
} workload_measures;
void workload_measures_read(workload_measures *m);

/* The gsched program threadlimit starts (default /proc/self/exe: this one;
 * a test linking the workloads names the built program).  Not copied. */
void workload_set_exe(const char *path);

/* Plain threads (the thread kind) past their stack touch, waiting. */
int workload_threads_waiting(void);

#define HTTP_LIMIT 8         /* httplimit: handlers at once */
#define HTTP_POOL 8          /* httppool: workers */
#define HTTP_WORK_NS 5000000 /* each request waits 5 ms (a database call) */

typedef struct workload {
	const char *name;
	const char *label; /* the goroutines' label (mixed: "") */
	const char *what;  /* one line for --help */
	int default_count; /* goroutines (netwait: reader/writer pairs) */
	/* Spawn count of them.  Goroutine only.  0 or a negative GS_E* code. */
	int (*spawn)(workload_run *run, int count);
} workload;

/* The table and its size. */
const workload *workload_table(int *n);
/* By name, or NULL. */
const workload *workload_find(const char *name);
/* Print one indented line per workload to f. */
void workload_list(FILE *f);

void workload_run_init(workload_run *run);
/* Set run's limits: iters per goroutine, and a lifetime from now (0: none). */
void workload_run_limit(workload_run *run, int64_t iters, int64_t life_ns);
/* Goroutines (and threads) of the run that have not ended: 0 once a limited
 * run has finished on its own.  Any thread. */
int workload_live(workload_run *run);
/* Raise the soft RLIMIT_NOFILE to at least need (up to the hard limit):
 * 0, -EMFILE if the hard limit is lower, GS_EPERM/GS_EINVAL on failure. */
int workload_nofile_atleast(long need);
/* Raise the soft RLIMIT_NOFILE to the hard limit, as Go programs do at start
 * since Go 1.19 (the program's main calls it first thing). */
void workload_nofile_max(void);
/* A workload error in words, into buf: for too many open files, which limit
 * was hit and how to raise it; else gs_strerror's.  Returns buf. */
const char *workload_strerror(int rc, char *buf, size_t size);
/* Spawn count goroutines of w (count <= 0: its default).  Goroutine only. */
int workload_spawn(workload_run *run, const workload *w, int count);
/* The default scenario of `gsched --batch`: a few goroutines of every kind
 * for procs Ps, arriving one kind every 100 ms (procs-1 cpu at once, then 6
 * sleep, 3 syscall, 2 netwait pairs, spawned by a goroutine labelled "ramp").
 * One default scenario at a time.  Goroutine only. */
int workload_spawn_default(workload_run *run, int procs);
/* Ask every goroutine of the run to stop and wait for them (each notices
 * within about 100 ms, or about 1 s in slow motion).  Goroutine only. */
void workload_stop(workload_run *run);

#endif /* GSCHED_WORKLOAD_H */
