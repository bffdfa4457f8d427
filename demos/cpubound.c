/*
 * cpubound.c - the seed's optimizeCPUBound and optimizeIOBound (section 4) on
 * libgsched.
 *
 * optimizeCPUBound sets GOMAXPROCS to "physical cores", guessed as NumCPU()/2,
 * and runs a worker pool of GOMAXPROCS goroutines over 1000 jobs sent on a
 * channel of 100.  The Go code prints nothing; this prints what it would be
 * worth knowing: the real number of physical cores (gs_numcores: /sys
 * topology, for the CPUs this process may use; 0 if unknown) next to the
 * seed's guess, and the pool's time at GOMAXPROCS = physical cores and = NumCPU, so the guess can be judged by a
 * measurement ("always benchmark").  optimizeIOBound then runs 100 goroutines,
 * far more than GOMAXPROCS, that each wait (gs_sleep, for the seed's I/O) and
 * shows they all wait at once on a handful of threads.
 *
 * usage: cpubound [-n JOBS] [-i ITERATIONS] [-w IO_WORKERS] [-d IO_WAIT]
 */
#include "demo.h"

#include <stdio.h>

static int64_t njobs = 1000;
static int64_t iterations = 10000000; /* the seed's processJob: 1e7 */
static int64_t io_workers = 100;
static int64_t io_wait = 10000000; /* 10ms */
static volatile uint64_t sink;

struct pool {
	gs_chan *jobs;
	gs_waitgroup wg;
	int64_t done;
	gs_mutex mu;
};

static void
pool_worker_g(void *arg)
{
	struct pool *p = arg;
	int job;
	uint64_t sum;

	while (gs_chan_recv(p->jobs, &job) == 1) {
		/* processJob: CPU work, preemptible by sysmon's signal */
		gs_preemptible_begin();
		sum = demo_spin((uint64_t)job, iterations);
		gs_preemptible_end();
		sink = sum;
		gs_mutex_lock(&p->mu);
		p->done++;
		gs_mutex_unlock(&p->mu);
	}
	gs_wg_done(&p->wg);
}

/* The seed's optimizeCPUBound body at GOMAXPROCS procs: workers = GOMAXPROCS. */
static void
cpu_pool(int procs, const char *why)
{
	struct pool p = { .wg = GS_WAITGROUP_INIT, .mu = GS_MUTEX_INIT };
	int64_t start;
	char d[32];
	int i, workers;

	if (procs >= 1 && gs_set_gomaxprocs(procs) < 0) {
		demo_fail("gs_set_gomaxprocs(%d)", procs);
		return;
	}
	workers = gs_gomaxprocs();
	p.jobs = gs_chan_make(sizeof(int), 100);
	if (p.jobs == NULL) {
		demo_fail("gs_chan_make");
		return;
	}
	start = demo_now();
	for (i = 0; i < workers; i++) {
		gs_wg_add(&p.wg, 1);
		if (gs_go(pool_worker_g, &p) < 0) {
			demo_fail("gs_go");
			gs_wg_done(&p.wg);
		}
	}
	for (i = 0; i < njobs; i++)
		gs_chan_send(p.jobs, &i);
	gs_chan_close(p.jobs);
	gs_wg_wait(&p.wg);
	printf("CPU-bound pool, GOMAXPROCS=%d (%s): %d workers did %lld jobs in %s\n", workers, why,
	    workers, (long long)p.done, demo_dur(d, sizeof(d), demo_now() - start));
	if (p.done != njobs)
		demo_fail("%lld of %lld jobs done", (long long)p.done, (long long)njobs);
	gs_chan_free(p.jobs);
}

static gs_waitgroup io_wg = GS_WAITGROUP_INIT;

static void
io_worker_g(void *arg)
{
	(void)arg;
	gs_sleep(io_wait); /* the seed's "I/O operations (network, disk)" */
	gs_wg_done(&io_wg);
}

/* The seed's optimizeIOBound: many more goroutines than GOMAXPROCS. */
static void
io_pool(void)
{
	int64_t start = demo_now();
	int64_t elapsed;
	gs_stats st;
	char d[32], w[32];
	int i, waiting = 0;

	gs_set_gomaxprocs(gs_numcpu());
	for (i = 0; i < io_workers; i++) {
		gs_wg_add(&io_wg, 1);
		if (gs_go(io_worker_g, NULL) < 0) {
			demo_fail("gs_go");
			gs_wg_done(&io_wg);
		}
	}
	gs_sleep(io_wait / 2); /* mid-wait: count the sleepers */
	if (gs_read_stats(&st) == 0)
		waiting = st.by_waitreason[GS_WAIT_SLEEP];
	gs_wg_wait(&io_wg);
	elapsed = demo_now() - start;
	printf("I/O-bound: %lld goroutines on GOMAXPROCS=%d, each waiting %s: all done in %s "
	       "(%d were waiting at once; %ld OS threads)\n",
	    (long long)io_workers, gs_gomaxprocs(), demo_dur(w, sizeof(w), io_wait),
	    demo_dur(d, sizeof(d), elapsed), waiting, demo_status("Threads:"));
}

static void
main_g(void *arg)
{
	int ncpu = gs_numcpu(), phys = gs_numcores();

	(void)arg;
	printf("NumCPU: %d; the seed's physicalCores = NumCPU()/2 = %d; physical cores "
	       "measured from /sys topology: %d\n",
	    ncpu, ncpu / 2, phys);
	cpu_pool(ncpu / 2, "the seed's NumCPU()/2");
	if (phys >= 1 && phys != ncpu / 2)
		cpu_pool(phys, "physical cores, measured");
	cpu_pool(ncpu, "NumCPU, the default");
	io_pool();
}

int
main(int argc, char **argv)
{
	struct demo_flag flags[] = {
		{ 'n', "jobs for the CPU-bound pool", false, 1, 10000000, &njobs },
		{ 'i', "loop iterations per job", false, 1, 10000000000LL, &iterations },
		{ 'w', "goroutines of the I/O-bound part", false, 1, 1000000, &io_workers },
		{ 'd', "what each I/O goroutine waits", true, 1, 60000000000LL, &io_wait },
	};

	demo_flags(argc, argv, "The seed's optimizeCPUBound and optimizeIOBound, measured.", flags,
	    4);
	return demo_run(main_g, NULL, 0);
}
