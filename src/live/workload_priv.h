/*
 * workload_priv.h - what the workload files share: the run's bookkeeping and
 * the spawning helpers of workload.c, used by workload_http.c.  Private to
 * src/live/workload*.c.
 */
#ifndef GSCHED_WORKLOAD_PRIV_H
#define GSCHED_WORKLOAD_PRIV_H

#include <gsched.h>

#include <stdbool.h>
#include <stdint.h>

#include "live/workload.h"

/* ---- shared by workload.c and workload_http.c ---- */

#define MS(x) ((int64_t)(x)*1000000)

/* Spawn fn(arg) labelled label (or the run's label) and tagged tag
 * (gsched/observe.h's GS_TAG_*), counted in the run.  0 or a GS_E* code. */
int workload__go(workload_run *run, void (*fn)(void *), void *arg, const char *label, char tag);
int workload__http_spawn(workload_run *run, int count);
int workload__httplimit_spawn(workload_run *run, int count);
int workload__httppool_spawn(workload_run *run, int count);
bool workload__iter_done(workload_run *run, int64_t *n);
void workload__run_add(workload_run *run, int n);
void workload__run_done(workload_run *run);
/* workload_counters' go_started and go_ended: run_add adds (a spawn that
 * failed takes back with a negative n), run_done counts an end. */
extern atomic_uint_fast64_t workload__go_started, workload__go_ended;
bool workload__stopped(workload_run *run);
int64_t workload__scaled(int64_t ns);
bool workload__sleep(workload_run *run, int64_t ns);

/* Whether the run was told to stop (its own flag or its halt flag). */
bool workload__halted(const workload_run *run);

/* ---- plain threads of a run (workload.c), used by workload_measure.c ---- */

/* Start count detached pthreads running fn(arg), each counted by the run
 * until fn returns workload__thread_end(arg); a reaper goroutine waits for the
 * last.  0 or a GS_E* code (those that started still run). */
int workload__threads_spawn(workload_run *run, int count, void *(*fn)(void *));
workload_run *workload__thread_run(void *arg);
void *workload__thread_end(void *arg);

/* Use STACK_TOUCH bytes of the calling goroutine's or thread's stack (nap and
 * thread do, before they wait), so resident memory counts a stack in use. */
#define STACK_TOUCH 1024
void workload__touch_stack(void);

/* ---- the measuring kinds (workload_measure.c) ---- */

int workload__pingpong_spawn(workload_run *run, int count);
int workload__gosched_spawn(workload_run *run, int count);
int workload__threadpingpong_spawn(workload_run *run, int count);
int workload__threadlimit_spawn(workload_run *run, int count);

#endif /* GSCHED_WORKLOAD_PRIV_H */
