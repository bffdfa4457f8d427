/*
 * concurrency.c - section 1 of the seed ("Concurrency vs Parallelism") on
 * libgsched: four CPU-bound tasks started as four goroutines.
 *
 * With one P (GOMAXPROCS=1) the four take turns on one thread: concurrency, the
 * scheduler switching between them.  With more Ps they run at the same time on
 * several threads: parallelism, and the wall time drops, down to what the CPUs
 * allow.  Compare:
 *
 *	demos/concurrency 1
 *	demos/concurrency 4
 *
 * usage: concurrency [PROCS]    (default: $GOMAXPROCS, else the CPUs)
 */
#include <gsched.h>

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define NTASKS 4
#define ITERATIONS 300000000ULL /* about a third of a second per task */

struct task {
	int id; /* 1..NTASKS */
	gs_waitgroup *wg;
};

/* Where the tasks' sums go: a volatile store the compiler must keep, and with it
 * the loop that computes the value. */
static volatile uint64_t sink;

static int64_t start_ns; /* when the tasks were started */

static double
since_start(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)((int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec - start_ns) / 1e9;
}

/*
 * The seed's `sum += j` loop, made so the compiler cannot replace it with a
 * formula: each step depends on the previous sum.
 */
static uint64_t
cpu_intensive_task(uint64_t seed)
{
	uint64_t sum = seed, j;

	for (j = 0; j < ITERATIONS; j++)
		sum += j ^ (sum >> 7);
	return sum;
}

static void
task_g(void *arg)
{
	struct task *t = arg;
	double begin;

	begin = since_start();
	printf("task %d  goroutine %-3" PRId64 " start  +%.3fs\n", t->id, gs_self(), begin);
	sink = cpu_intensive_task((uint64_t)t->id);
	printf("task %d  goroutine %-3" PRId64 " end    +%.3fs  (%.3fs after its start)\n", t->id,
	    gs_self(), since_start(), since_start() - begin);
	gs_wg_done(t->wg);
}

static void
main_g(void *arg)
{
	struct task tasks[NTASKS];
	gs_waitgroup wg = GS_WAITGROUP_INIT;
	struct timespec ts;
	int i;

	(void)arg;
	printf("GOMAXPROCS=%d, CPUs=%d: %d CPU-bound tasks as %d goroutines\n", gs_gomaxprocs(),
	    gs_numcpu(), NTASKS, NTASKS);

	clock_gettime(CLOCK_MONOTONIC, &ts);
	start_ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
	gs_wg_add(&wg, NTASKS);
	for (i = 0; i < NTASKS; i++) {
		tasks[i].id = i + 1;
		tasks[i].wg = &wg;
		if (gs_go(task_g, &tasks[i]) < 0) {
			fprintf(stderr, "concurrency: cannot start task %d\n", i + 1);
			exit(1);
		}
	}
	gs_wg_wait(&wg);

	printf("all %d tasks done in %.3fs wall time with GOMAXPROCS=%d\n", NTASKS, since_start(),
	    gs_gomaxprocs());
}

int
main(int argc, char **argv)
{
	gs_config cfg = { 0 };
	char *end;
	long procs;
	int rc;

	if (argc > 2) {
		fprintf(stderr, "usage: concurrency [PROCS]\n");
		return 2;
	}
	if (argc == 2) {
		errno = 0;
		procs = strtol(argv[1], &end, 10);
		if (errno != 0 || end == argv[1] || *end != '\0' || procs < 1 || procs > 256) {
			fprintf(stderr, "concurrency: invalid PROCS '%s': expected 1..256\n",
			    argv[1]);
			return 2;
		}
		cfg.procs = (int)procs;
	}

	rc = gs_run(main_g, NULL, &cfg);
	if (rc < 0) {
		fprintf(stderr, "concurrency: gs_run: %s\n", gs_strerror(rc));
		return 1;
	}
	return 0;
}
