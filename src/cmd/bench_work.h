/*
 * bench_work.h - the inside of `gsched bench`, shared by bench.c (the table,
 * the reports and the command line) and the workload files bench_work.c (hot
 * paths and blocking) and bench_load.c (CPU loads, the web server, the cost of
 * snapshots and of observing).  Private to src/cmd/bench*.c.
 */
#ifndef GSCHED_BENCH_WORK_H
#define GSCHED_BENCH_WORK_H

#include <gsched.h>
#include <gsched/observe.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "live/ticker.h"

/* Sizes of the load workloads (bench_load.c), which bench.c's reports print. */
#define CPU_WORKERS 8
#define UNEVEN_TOTAL 1000
#define UNEVEN_HEAVY 100
#define WEBSERVER_IDEAL_NS 35000000LL /* the sleeps of one request, 10 + 20 + 5 ms */
#define SNAP_ITERS 1000
#define SNAP_MAX_M 4096
#define SNAP_RUNQ 64
#define SETPROCS_BUSY 4 /* busy goroutines beside the one that changes GOMAXPROCS */
#define SETPROCS_MAX_N 100000

/* The peak-thread sampler (bench_work.c). */
struct threadsampler {
	atomic_int stop;
	atomic_llong peak; /* the most Threads: seen; -1 if never read */
	gs_waitgroup wg;
};

/* The --observe thread (bench_load.c); its totals are reported by bench.c. */
struct observer {
	int hz;
	pthread_t thread;
	atomic_int up;      /* set by the main goroutine: the runtime runs */
	atomic_int stop;    /* set by the main goroutine: rounds are over */
	atomic_int stopped; /* set by the observer: it touches the runtime no more */
	ticker *tk;         /* live/ticker.h: its schedule and buffers */
	uint64_t snaps, events, dropped, snap_ns; /* written by the observer only */
	int err;                                  /* first failed gs_snapshot_take */
};

extern struct observer bench__observer;

/* ---- shared by bench.c, bench_work.c and bench_load.c ---- */

#define BENCH_N_MAX 1000000000LL /* -n, before the workload's own limit */
#define BENCH_PROCS_MAX 256
#define BENCH_ROUNDS_MAX 1000
#define BENCH_STACK_MIN 2048
#define BENCH_STACK_MAX (8 << 20)
#define BENCH_DURATION_MAX (24LL * 3600 * 1000000000) /* 24h in ns */

/* The command line of one `gsched bench` run. */
struct benchopts {
	int64_t n;           /* -n: goroutines, switches, round trips or iterations */
	int procs;           /* -p: GOMAXPROCS; 0 = the runtime's default */
	int64_t duration_ns; /* -d: for timed workloads; the workload's default if
	                        not given */
	size_t stack_size;   /* --stack: goroutine stack size; 0 = runtime default */
	int rounds;          /* --rounds: rounds run, one line each */
	int observe_hz;      /* --observe: snapshots (and event drains) per second
	                        from a plain thread while the rounds run; 0: off */
	bool sweep;          /* -p 1,2,4,8: one run per value; every line then
	                        says procs= (Go's BenchmarkWithDifferentGOMAXPROCS) */
	bool accounting;     /* --accounting: gs_set_accounting on for every round */
	int max_threads;     /* --max-threads: the thread limit (Go's
	                        debug.SetMaxThreads); 0 = the runtime's 10000 */
};

#define BENCH_SWEEP_MAX 16 /* values in a -p list */

/* What one round measured.  Written on the main goroutine, read after gs_run. */
struct benchround {
	int err;            /* 0; a GS_E* code from `failed`; 1: `failed` says it all */
	const char *failed; /* the call (or check) that went wrong */
	int procs;          /* gs_gomaxprocs() seen inside the runtime */
	double value;       /* the headline figure, in the workload's unit */
	double start_s;     /* park: spawning until every goroutine is parked */
	double total_s;     /* park: spawn, park, wake and exit */
	long long threads;  /* park: OS threads while all goroutines are parked;
	                       sleep, syscallblock, netwait, webserver: the most
	                       threads the sampler saw during the round */
	double overhead_ms; /* sleep: wall time past the sleep, in ms */
	double mean_us;     /* snapshot: mean cost, besides the median in value */
	double p99_us;      /* snapshot: 99th percentile (tail_us=) */
	double p90_us;      /* setprocs: 90th percentile (tail_us=) */
	long long nm;       /* snapshot: Ms the snapshot listed */
};

struct benchworkload {
	const char *name;
	const char *unit; /* of benchround.value */
	const char *what; /* one line for the status screen and --help */
	int64_t default_n;
	int64_t max_n;
	int64_t default_duration_ns; /* -d when not given; 0: takes no -d */
	int procs;                   /* GOMAXPROCS forced for this workload; 0 = -p */
	void (*run)(const struct benchopts *o, struct benchround *r);
	void (*report)(FILE *f, const struct benchworkload *w, const struct benchopts *o,
	    const struct benchround *r);
};

/* Shared by the main goroutine of a bench run and the thread that started it. */
struct benchctx {
	const struct benchworkload *w;
	const struct benchopts *o;
	struct benchround *rounds; /* o->rounds of them */
	int done;                  /* rounds run, a failed one included */
};

void bench__cpu(const struct benchopts *o, struct benchround *r);
void bench__idle(const struct benchopts *o, struct benchround *r);
void bench__netwait(const struct benchopts *o, struct benchround *r);
void bench__park(const struct benchopts *o, struct benchround *r);
void bench__pingpong(const struct benchopts *o, struct benchround *r);
void bench__setprocs(const struct benchopts *o, struct benchround *r);
void bench__sleep(const struct benchopts *o, struct benchround *r);
void bench__snapshot(const struct benchopts *o, struct benchround *r);
void bench__spawn(const struct benchopts *o, struct benchround *r);
void bench__syscallblock(const struct benchopts *o, struct benchround *r);
void bench__uneven(const struct benchopts *o, struct benchround *r);
void bench__webserver(const struct benchopts *o, struct benchround *r);
void bench__yield(const struct benchopts *o, struct benchround *r);
void bench__benchfail(struct benchround *r, const char *what, int err);
void bench__sort(int64_t *v, int n);
void bench__observer_join(struct observer *ob);
int bench__observer_start(struct observer *ob, int hz);
void bench__observer_stop_g(struct observer *ob);
void bench__sampler_start(struct threadsampler *ts, struct benchround *r);
long long bench__sampler_stop(struct threadsampler *ts, struct benchround *r);
double bench__seconds(int64_t ns);
int64_t bench__spawn_n(int64_t n, void (*fn)(void *), void *arg, gs_waitgroup *wg,
    struct benchround *r);

#endif /* GSCHED_BENCH_WORK_H */
