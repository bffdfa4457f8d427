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
bool workload__stopped(workload_run *run);
int64_t workload__scaled(int64_t ns);
bool workload__sleep(workload_run *run, int64_t ns);

/* Whether the run was told to stop (its own flag or its halt flag). */
bool workload__halted(const workload_run *run);

#endif /* GSCHED_WORKLOAD_PRIV_H */
