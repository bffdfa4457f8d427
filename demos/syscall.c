/*
 * syscall.c - the seed's blockingSystemCall (section 7) on libgsched:
 * GOMAXPROCS(2), one goroutine blocked in a system call, 100 CPU-bound
 * goroutines that must keep running meanwhile, and the line
 *
 *	Despite blocking I/O, all goroutines made progress!
 *
 * The Go program prints that after a fixed second, whatever happened.  Here the
 * blocked goroutine reads a pipe nobody writes to yet (read(2) inside
 * gs_syscall_block, Go's entersyscallblock: the P is handed to another M at
 * once), and the main goroutine prints the line only after checking it is true:
 * all 100 CPU goroutines finished while the reader was still blocked in the
 * kernel.  Then it writes the pipe, the reader returns, and the counters of the
 * hand-off are printed.  If the CPU goroutines could not run, it says so and
 * exits 1.
 *
 * usage: syscall [-p PROCS] [-n CPU_GOROUTINES] [-i ITERATIONS]
 */
#include "demo.h"

#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

static int64_t procs = 2;
static int64_t ncpu_g = 100;
static int64_t iterations = 10000000; /* the seed's 1e7 */

static int pipefd[2];
static atomic_int reader_blocked; /* 1 while the reader is in read(2) */
static atomic_long cpu_done;
static gs_waitgroup cpu_wg = GS_WAITGROUP_INIT;
static gs_waitgroup reader_wg = GS_WAITGROUP_INIT;
static volatile uint64_t sink;

static long
blocking_read(void *arg)
{
	char b;
	ssize_t n;

	(void)arg;
	atomic_store(&reader_blocked, 1);
	n = read(pipefd[0], &b, 1); /* blocks this M, not the other goroutines */
	atomic_store(&reader_blocked, 0);
	return (long)n;
}

static void
reader_g(void *arg)
{
	long n;

	(void)arg;
	n = gs_syscall_block(blocking_read, NULL);
	if (n != 1)
		demo_fail("the blocked read returned %ld", n);
	gs_wg_done(&reader_wg);
}

static void
cpu_g(void *arg)
{
	uint64_t sum;

	gs_preemptible_begin();
	sum = demo_spin((uint64_t)(intptr_t)arg, iterations);
	gs_preemptible_end();
	sink = sum;
	atomic_fetch_add(&cpu_done, 1);
	gs_wg_done(&cpu_wg);
}

static void
main_g(void *arg)
{
	gs_stats st0, st1;
	int64_t start;
	char d[32];
	int still_blocked;
	long i;

	(void)arg;
	if (gs_set_gomaxprocs((int)procs) < 0) {
		demo_fail("gs_set_gomaxprocs(%lld)", (long long)procs);
		return;
	}
	gs_read_stats(&st0);
	printf("GOMAXPROCS: %d; one goroutine blocks in read(2) on an empty pipe\n",
	    gs_gomaxprocs());
	gs_wg_add(&reader_wg, 1);
	if (gs_go(reader_g, NULL) < 0) {
		demo_fail("gs_go");
		return;
	}
	while (!atomic_load(&reader_blocked))
		gs_yield();

	start = demo_now();
	for (i = 0; i < ncpu_g; i++) {
		gs_wg_add(&cpu_wg, 1);
		if (gs_go(cpu_g, (void *)(intptr_t)i) < 0) {
			demo_fail("gs_go");
			gs_wg_done(&cpu_wg);
		}
	}
	gs_wg_wait(&cpu_wg);
	still_blocked = atomic_load(&reader_blocked);
	gs_read_stats(&st1);

	if (still_blocked && atomic_load(&cpu_done) == ncpu_g)
		printf("Despite blocking I/O, all goroutines made progress!\n");
	else
		demo_fail("the CPU goroutines did not all finish while the reader was blocked");
	printf("  %ld/%lld CPU goroutines finished in %s while the reader was still in read(2)\n",
	    atomic_load(&cpu_done), (long long)ncpu_g, demo_dur(d, sizeof(d), demo_now() - start));
	printf("  meanwhile: %d goroutine(s) in a system call, %llu P hand-off(s), %d OS "
	       "threads (Ms), %ld in /proc/self/status\n",
	    st1.in_syscall, (unsigned long long)(st1.handoffs - st0.handoffs), st1.threads,
	    demo_status("Threads:"));

	if (write(pipefd[1], "x", 1) != 1)
		demo_fail("write to the pipe");
	gs_wg_wait(&reader_wg);
	printf("  the reader returned once the pipe was written, and got a P back\n");
}

int
main(int argc, char **argv)
{
	struct demo_flag flags[] = {
		{ 'p', "GOMAXPROCS", false, 1, 256, &procs },
		{ 'n', "CPU-bound goroutines", false, 1, 1000000, &ncpu_g },
		{ 'i', "loop iterations of each", false, 1, 10000000000LL, &iterations },
	};
	int rc;

	demo_flags(argc, argv,
	    "The seed's blockingSystemCall: a goroutine blocked in "
	    "read(2) does not stop the others.",
	    flags, 3);
	if (pipe(pipefd) != 0) {
		perror("syscall: pipe");
		return 1;
	}
	rc = demo_run(main_g, NULL, 0);
	close(pipefd[0]);
	close(pipefd[1]);
	return rc;
}
