/*
 * workload.h - live workloads for the observation tools (--batch, --record,
 * --trace) and, later, the visualizer and the lessons: a small table of named
 * goroutine kinds, each goroutine spawned with gs_go_attr and a label.
 *
 *   cpu      a CPU-bound loop inside gs_preemptible_begin/end (preempted by sysmon)
 *   sleep    gs_sleep loops (timers; the thread runs other goroutines)
 *   syscall  gs_nanosleep: a real blocking system call (threads climb, Ps hand off)
 *   netwait  a goroutine blocked in gs_fd_read on a socketpair that a writer
 *            goroutine feeds after a delay (the netpoller)
 *   mixed    some of each
 *
 * Uses the public <gsched.h> only.  Every goroutine runs until gsw_stop().
 */
#ifndef GSCHED_WORKLOAD_H
#define GSCHED_WORKLOAD_H

#include <gsched.h>

#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>

/* One run of workloads: they all stop together. */
typedef struct gsw_run {
	atomic_bool stop;
	gs_waitgroup wg;
	atomic_uint seed;
	const char *label; /* NULL: each kind labels its goroutines; else this
	                      label for all of them (not copied: must outlive the run) */
} gsw_run;

typedef struct gsw_workload {
	const char *name;
	const char *label; /* the goroutines' label (mixed: "") */
	const char *what;  /* one line for --help */
	int default_count; /* goroutines (netwait: reader/writer pairs) */
	/* Spawn count of them.  Goroutine only.  0 or a negative GS_E* code. */
	int (*spawn)(gsw_run *run, int count);
} gsw_workload;

/* The table and its size. */
const gsw_workload *gsw_table(int *n);
/* By name, or NULL. */
const gsw_workload *gsw_find(const char *name);
/* Print one indented line per workload to f. */
void gsw_list(FILE *f);

void gsw_run_init(gsw_run *run);
/* Spawn count goroutines of w (count <= 0: its default).  Goroutine only. */
int gsw_spawn(gsw_run *run, const gsw_workload *w, int count);
/* The default scenario of `gsched --batch`: a few goroutines of every kind
 * for procs Ps, arriving one kind every 100 ms (procs-1 cpu at once, then 6
 * sleep, 3 syscall, 2 netwait pairs, spawned by a goroutine labelled "ramp").
 * One default scenario at a time.  Goroutine only. */
int gsw_spawn_default(gsw_run *run, int procs);
/* Ask every goroutine of the run to stop and wait for them (each notices
 * within about 100 ms).  Goroutine only. */
void gsw_stop(gsw_run *run);

#endif /* GSCHED_WORKLOAD_H */
