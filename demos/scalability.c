/*
 * scalability.c - the seed's demonstrateScalability (section "Goroutines vs
 * Threads"): 100,000 goroutines that each sleep a second, on libgsched.
 *
 * The Go program prints the creation time and "Memory used: ~N MB" computed as
 * NumGoroutine()*2/1024, an estimate from the 2 KB initial stack.  This prints
 * the same two lines, but the memory figure is measured: how much the resident
 * set (VmRSS) grew while all the goroutines exist, and what that is per
 * goroutine; the seed's estimate follows for comparison.  Then it waits for them
 * all, as wg.Wait() does, and counts that every one finished.
 *
 * usage: scalability [-n GOROUTINES] [-d SLEEP]
 */
#include "demo.h"

#include <stdatomic.h>
#include <stdio.h>

static int64_t ngoroutines = 100000;
static int64_t sleep_ns = 1000000000;

static gs_waitgroup wg = GS_WAITGROUP_INIT;
static atomic_long finished;

static void
sleeper_g(void *arg)
{
	(void)arg;
	gs_sleep(sleep_ns);
	atomic_fetch_add(&finished, 1);
	gs_wg_done(&wg);
}

static void
main_g(void *arg)
{
	char n[32], d[32];
	long rss0, rss1, threads;
	int64_t start, created;
	int ng;
	long i;

	(void)arg;
	rss0 = demo_status("VmRSS:");
	start = demo_now();
	for (i = 0; i < ngoroutines; i++) {
		gs_wg_add(&wg, 1);
		if (gs_go(sleeper_g, NULL) < 0) {
			demo_fail("gs_go failed after %ld goroutines", i);
			gs_wg_done(&wg);
			break;
		}
	}
	created = demo_now() - start;
	ng = gs_numgoroutine();
	rss1 = demo_status("VmRSS:");
	threads = demo_status("Threads:");

	printf("Created %s goroutines in %s\n", demo_commas(n, sizeof(n), ngoroutines),
	    demo_dur(d, sizeof(d), created));
	printf("Memory used: ~%ld MB\n", (rss1 - rss0) / 1024);
	printf("  (measured: VmRSS grew %ld kB for %d goroutines, %.0f bytes each, on %ld "
	       "OS threads; the seed's estimate NumGoroutine()*2/1024 says ~%d MB)\n",
	    rss1 - rss0, ng, (double)(rss1 - rss0) * 1024 / (double)ngoroutines, threads,
	    ng * 2 / 1024);

	/* Once every goroutine has run up to its sleep, its stack is touched. */
	if (created < sleep_ns / 2) {
		gs_sleep(sleep_ns / 2 - created);
		printf("  (%s later, with every goroutine asleep: VmRSS %ld kB above the start, "
		       "%.0f bytes per goroutine)\n",
		    demo_dur(d, sizeof(d), sleep_ns / 2 - created), demo_status("VmRSS:") - rss0,
		    (double)(demo_status("VmRSS:") - rss0) * 1024 / (double)ngoroutines);
	}

	gs_wg_wait(&wg);
	printf("All %s goroutines finished %s after the first started\n",
	    demo_commas(n, sizeof(n), atomic_load(&finished)),
	    demo_dur(d, sizeof(d), demo_now() - start));
	if (atomic_load(&finished) != ngoroutines)
		demo_fail("%ld of %lld goroutines finished", atomic_load(&finished),
		    (long long)ngoroutines);
}

int
main(int argc, char **argv)
{
	struct demo_flag flags[] = {
		{ 'n', "goroutines", false, 1, 10000000, &ngoroutines },
		{ 'd', "how long each sleeps", true, 1, 600000000000LL, &sleep_ns },
	};

	demo_flags(argc, argv,
	    "The seed's demonstrateScalability: N sleeping goroutines, "
	    "creation time and measured memory.",
	    flags, 2);
	return demo_run(main_g, NULL, 0);
}
