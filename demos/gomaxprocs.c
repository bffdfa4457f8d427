/*
 * gomaxprocs.c - the seed's demonstrateGOMAXPROCS (section 3) on libgsched: eight
 * CPU-bound goroutines timed with GOMAXPROCS set to 1, half the CPUs, all of
 * them and twice as many, changed live with gs_set_gomaxprocs as
 * runtime.GOMAXPROCS(n) does.  Prints what the Go program prints, with the
 * times measured here:
 *
 *	Available CPU cores: 2
 *	Current GOMAXPROCS: 2
 *	Single Core (GOMAXPROCS=1): 812.3ms
 *	...
 *
 * More Ps than CPUs buys nothing for CPU-bound work: the last line is no faster
 * than "All Cores".  The loop runs in a preemptible region, so sysmon's signal
 * time-slices the eight goroutines as Go's async preemption does.
 *
 * usage: gomaxprocs [-n ITERATIONS]   (per goroutine; the seed's 1e8)
 */
#include "demo.h"

#include <stdio.h>

#define WORKERS 8

static int64_t iterations = 100000000;
static volatile uint64_t sink;

struct worker {
	int id;
	gs_waitgroup *wg;
};

static void
worker_g(void *arg)
{
	struct worker *w = arg;
	uint64_t sum;

	gs_preemptible_begin();
	sum = demo_spin((uint64_t)w->id, iterations);
	gs_preemptible_end();
	sink = sum;
	gs_wg_done(w->wg);
}

/* The seed's testParallelism: GOMAXPROCS(maxprocs), then 8 workers, timed. */
static void
test_parallelism(int maxprocs, const char *label)
{
	struct worker w[WORKERS];
	gs_waitgroup wg = GS_WAITGROUP_INIT;
	char d[32];
	int64_t start;
	int i;

	/* As in Go, n < 1 leaves GOMAXPROCS as it is (cores/2 on one CPU). */
	if (maxprocs >= 1) {
		int rc = gs_set_gomaxprocs(maxprocs);

		if (rc < 0 || gs_gomaxprocs() != maxprocs) {
			demo_fail("gs_set_gomaxprocs(%d): %s", maxprocs,
			    rc < 0 ? gs_strerror(rc) : "did not take effect");
			return;
		}
	}
	start = demo_now();
	gs_wg_add(&wg, WORKERS);
	for (i = 0; i < WORKERS; i++) {
		w[i].id = i;
		w[i].wg = &wg;
		if (gs_go(worker_g, &w[i]) < 0) {
			demo_fail("gs_go");
			gs_wg_done(&wg);
		}
	}
	gs_wg_wait(&wg);
	printf("%s (GOMAXPROCS=%d): %s\n", label, maxprocs,
	    demo_dur(d, sizeof(d), demo_now() - start));
}

static void
main_g(void *arg)
{
	int cores = gs_numcpu();

	(void)arg;
	printf("Available CPU cores: %d\n", cores);
	printf("Current GOMAXPROCS: %d\n", gs_gomaxprocs());

	test_parallelism(1, "Single Core");
	test_parallelism(cores / 2, "Half Cores");
	test_parallelism(cores, "All Cores");
	test_parallelism(cores * 2, "2x Cores");
}

int
main(int argc, char **argv)
{
	struct demo_flag flags[] = {
		{ 'n', "loop iterations per goroutine", false, 1, 10000000000LL, &iterations },
	};

	demo_flags(argc, argv,
	    "The seed's demonstrateGOMAXPROCS: 8 CPU-bound goroutines "
	    "at GOMAXPROCS 1, CPUs/2, CPUs and 2xCPUs.",
	    flags, 1);
	return demo_run(main_g, NULL, 0);
}
