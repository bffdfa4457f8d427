/*
 * mn.c - the seed's demonstrateMNScheduling (section "The M:N Scheduler Magic")
 * on libgsched: GOMAXPROCS(4), 100,000 goroutines that each sleep 100ms, then a
 * second's wait and the line
 *
 *	100,000 goroutines running on 4 threads
 *
 * The Go program prints GOMAXPROCS there and calls it threads.  This prints the
 * same line, then what was measured while the goroutines slept: how many existed
 * and slept on timers (gs_read_stats), and how many OS threads the process had,
 * by the runtime's count (Ms) and by /proc/self/status.  There are a few more
 * threads than Ps (sysmon, the thread waiting in gs_run, idle Ms), never one per
 * goroutine.
 *
 * usage: mn [-p PROCS] [-n GOROUTINES] [-d SLEEP] [-w WAIT]
 */
#include "demo.h"

#include <stdio.h>

static int64_t procs = 4;
static int64_t ngoroutines = 100000;
static int64_t sleep_ns = 100000000; /* 100ms */
static int64_t wait_ns = 1000000000; /* the seed's time.Sleep(1 * time.Second) */

static void
sleeper_g(void *arg)
{
	(void)arg;
	/* May run on any of the Ps' threads; while it sleeps, its thread runs
	 * other goroutines. */
	gs_sleep(sleep_ns);
}

static void
main_g(void *arg)
{
	char n[32], d[32];
	gs_stats st;
	long i, proc_threads;
	int64_t start, spawn_ns;
	int rc;

	(void)arg;
	rc = gs_set_gomaxprocs((int)procs);
	if (rc < 0) {
		demo_fail("gs_set_gomaxprocs(%lld): %s", (long long)procs, gs_strerror(rc));
		return;
	}
	start = demo_now();
	for (i = 0; i < ngoroutines; i++)
		if (gs_go(sleeper_g, NULL) < 0) {
			demo_fail("gs_go failed after %ld goroutines", i);
			return;
		}
	spawn_ns = demo_now() - start;

	/* Measure now, while they sleep (those spawned more than a sleep ago are
	 * gone already). */
	rc = gs_read_stats(&st);
	proc_threads = demo_status("Threads:");

	gs_sleep(wait_ns - spawn_ns);
	printf("%s goroutines running on %d threads\n", demo_commas(n, sizeof(n), ngoroutines),
	    gs_gomaxprocs());
	if (rc < 0) {
		demo_fail("gs_read_stats: %s", gs_strerror(rc));
		return;
	}
	printf("  measured when the spawn loop ended (it took %s): %d goroutines, %d asleep "
	       "on timers; GOMAXPROCS=%d; OS threads: %d Ms (%d idle), %ld in "
	       "/proc/self/status\n",
	    demo_dur(d, sizeof(d), spawn_ns), st.goroutines, st.by_waitreason[GS_WAIT_SLEEP],
	    st.gomaxprocs, st.threads, st.idle_threads, proc_threads);
	printf("  after the wait: %d goroutine(s) left\n", gs_numgoroutine());
	if (st.threads >= ngoroutines && ngoroutines > procs + 8)
		demo_fail("one thread per goroutine: this is not M:N");
}

int
main(int argc, char **argv)
{
	struct demo_flag flags[] = {
		{ 'p', "GOMAXPROCS", false, 1, 256, &procs },
		{ 'n', "goroutines", false, 1, 10000000, &ngoroutines },
		{ 'd', "how long each sleeps", true, 2, 600000000000LL, &sleep_ns },
		{ 'w', "how long main waits (at least the sleep)", true, 2, 600000000000LL,
		    &wait_ns },
	};

	demo_flags(argc, argv,
	    "The seed's demonstrateMNScheduling: many goroutines on "
	    "GOMAXPROCS Ps and a few threads.",
	    flags, 4);
	if (wait_ns < sleep_ns) {
		fprintf(stderr, "mn: -w must be at least -d\n");
		return 2;
	}
	return demo_run(main_g, NULL, 0);
}
