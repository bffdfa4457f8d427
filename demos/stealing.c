/*
 * stealing.c - the seed's demonstrateWorkStealing (section 6) on libgsched:
 * GOMAXPROCS(4), 1000 goroutines started from one goroutine, the first 100
 * heavy (a 1e8-step loop), the other 900 light (a 1ms sleep).
 *
 * All 1000 start on one P: the new goroutine goes to runnext, the one there
 * into the P's 256-slot local queue, and when that is full half of it goes to
 * the global queue.  The other Ps find work there or steal half of a victim's
 * queue.  The Go code prints nothing (and does not even wait); this waits for
 * all of them and prints the evidence: how many steals moved how many
 * goroutines (gs_read_stats), how many went through the global queue, and on
 * how many distinct OS threads the heavy goroutines ran.
 *
 * usage: stealing [-p PROCS] [-n HEAVY_ITERATIONS] [-d LIGHT_SLEEP]
 */
#define _GNU_SOURCE /* gettid */
#include "demo.h"

#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

#define TOTAL 1000
#define HEAVY 100

static int64_t procs = 4;
static int64_t iterations = 100000000;
static int64_t light_sleep = 1000000;

static gs_waitgroup wg = GS_WAITGROUP_INIT;
static pid_t heavy_tid[HEAVY]; /* the thread each heavy goroutine started on */
static atomic_int done;
static volatile uint64_t sink;

static void
task_g(void *arg)
{
	int id = (int)(intptr_t)arg;
	uint64_t sum;

	if (id < HEAVY) {
		heavy_tid[id] = gettid();
		gs_preemptible_begin();
		sum = demo_spin((uint64_t)id, iterations);
		gs_preemptible_end();
		sink = sum;
	} else {
		gs_sleep(light_sleep);
	}
	atomic_fetch_add(&done, 1);
	gs_wg_done(&wg);
}

static void
main_g(void *arg)
{
	gs_stats st0, st1;
	int64_t start;
	char d[32];
	int i, k, ntids = 0;

	(void)arg;
	if (gs_set_gomaxprocs((int)procs) < 0) {
		demo_fail("gs_set_gomaxprocs(%lld)", (long long)procs);
		return;
	}
	gs_read_stats(&st0);
	start = demo_now();
	gs_wg_add(&wg, TOTAL);
	for (i = 0; i < TOTAL; i++)
		if (gs_go(task_g, (void *)(intptr_t)i) < 0) {
			demo_fail("gs_go");
			gs_wg_done(&wg);
		}
	gs_wg_wait(&wg);
	gs_read_stats(&st1);

	for (i = 0; i < HEAVY; i++) {
		for (k = 0; k < i; k++)
			if (heavy_tid[k] == heavy_tid[i])
				break;
		ntids += k == i;
	}
	printf("GOMAXPROCS=%d: %d goroutines started from one goroutine (%d heavy, %d light)\n",
	    gs_gomaxprocs(), TOTAL, HEAVY, TOTAL - HEAVY);
	printf("all %d done in %s\n", atomic_load(&done),
	    demo_dur(d, sizeof(d), demo_now() - start));
	printf("work stealing: %llu steals moved %llu goroutines between Ps; %llu went "
	       "through the global queue\n",
	    (unsigned long long)(st1.steals - st0.steals),
	    (unsigned long long)(st1.stolen - st0.stolen),
	    (unsigned long long)(st1.global_puts - st0.global_puts));
	printf("the %d heavy goroutines started on %d different OS threads\n", HEAVY, ntids);
	if (atomic_load(&done) != TOTAL)
		demo_fail("%d of %d goroutines finished", atomic_load(&done), TOTAL);
}

int
main(int argc, char **argv)
{
	struct demo_flag flags[] = {
		{ 'p', "GOMAXPROCS", false, 1, 256, &procs },
		{ 'n', "loop iterations of each heavy goroutine", false, 1, 10000000000LL,
		    &iterations },
		{ 'd', "sleep of each light goroutine", true, 1, 60000000000LL, &light_sleep },
	};

	demo_flags(argc, argv,
	    "The seed's demonstrateWorkStealing: uneven work from one "
	    "goroutine, balanced by stealing.",
	    flags, 3);
	return demo_run(main_g, NULL, 0);
}
