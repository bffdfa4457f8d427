/*
 * threads.c - the seed's demonstrateThreadCreation and monitorThreads (section
 * "Thread Count vs CPU Cores") on libgsched, with the thread count the Go code
 * says it cannot get ("No direct way to get thread count in Go"): gs_read_stats
 * counts the Ms, /proc/self/status counts the process's threads.
 *
 * The seed's demonstrateThreadCreation prints "Initial threads:" with
 * runtime.NumGoroutine() (not a thread count) and has 100 goroutines do an
 * http.Get, claiming each blocks its thread.  In Go, as here, network I/O does
 * not: a goroutine waiting on a socket parks in the netpoller and its thread
 * runs other goroutines.  So this runs the two cases the seed mixes up, with the
 * monitor's ticker printing each tick:
 *
 *   1. N goroutines wait on sockets (gs_fd_read): the threads stay ~GOMAXPROCS;
 *   2. N goroutines block in read(2) (gs_sys_read, a system call): each holds
 *      its M, sysmon hands its P to another M, and the threads grow to
 *      GOMAXPROCS + N blocked + a few ("Total Threads = GOMAXPROCS + Blocked").
 *
 * Each phase ticks until all N are waiting as they should (it fails, exit 1, if
 * they are not within 20 s), then answers them.
 *
 * usage: threads [-p PROCS] [-n GOROUTINES] [-i TICK]
 */
#include "demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#define PHASE_LIMIT_NS 20000000000LL

static int64_t procs = 4;
static int64_t nblock = 100;
static int64_t tick_ns = 250000000; /* the seed's ticker is 1s */

/* A socketpair per goroutine and phase: it reads [0], main writes [1].  The
 * phases need their own: gs_fd_open makes phase 1's non-blocking. */
static int (*fds)[2];
static gs_waitgroup wg = GS_WAITGROUP_INIT;

static void
netwait_g(void *arg)
{
	int *sv = arg;
	char b;

	if (gs_fd_open(sv[0]) < 0 || gs_fd_read(sv[0], &b, 1) != 1)
		demo_fail("netpoll read");
	gs_wg_done(&wg);
}

static void
sysread_g(void *arg)
{
	int *sv = arg;
	char b;

	if (gs_sys_read(sv[0], &b, 1) != 1) /* blocks this goroutine's M in the kernel */
		demo_fail("read(2)");
	gs_wg_done(&wg);
}

/* The seed's monitorThreads tick, with the thread counts it could not print. */
static void
monitor_line(const gs_stats *st)
{
	printf("GOMAXPROCS: %d  NumGoroutine: %d  threads: %d Ms, %ld in /proc/self/status  "
	       "(in syscall: %d, waiting on I/O: %d)\n",
	    st->gomaxprocs, st->goroutines, st->threads, demo_status("Threads:"), st->in_syscall,
	    st->by_waitreason[GS_WAIT_IO]);
}

/* Start nblock goroutines running fn, tick until all wait as they should, answer
 * them, and return the stats of the last tick. */
static gs_stats
phase(const char *title, void (*fn)(void *), bool in_syscall, int (*pairs)[2])
{
	gs_timer *ticker = gs_ticker_new(tick_ns, tick_ns);
	int64_t start = demo_now(), when;
	gs_stats st = { 0 };
	long i;
	int waiting;

	printf("-- %lld goroutines %s --\n", (long long)nblock, title);
	for (i = 0; i < nblock; i++) {
		gs_wg_add(&wg, 1);
		if (gs_go(fn, pairs[i]) < 0) {
			demo_fail("gs_go");
			gs_wg_done(&wg);
		}
	}
	for (;;) {
		gs_chan_recv(gs_timer_chan(ticker), &when);
		gs_read_stats(&st);
		monitor_line(&st);
		waiting = in_syscall ? st.in_syscall : st.by_waitreason[GS_WAIT_IO];
		if (waiting >= nblock)
			break;
		if (demo_now() - start > PHASE_LIMIT_NS) {
			demo_fail("only %d of %lld goroutines waiting after 20s", waiting,
			    (long long)nblock);
			break;
		}
	}
	gs_timer_free(ticker);
	for (i = 0; i < nblock; i++)
		if (write(pairs[i][1], "x", 1) != 1)
			demo_fail("write");
	gs_wg_wait(&wg);
	return st;
}

static void
main_g(void *arg)
{
	gs_stats st, net, sys;

	(void)arg;
	if (gs_set_gomaxprocs((int)procs) < 0) {
		demo_fail("gs_set_gomaxprocs(%lld)", (long long)procs);
		return;
	}
	gs_read_stats(&st);
	printf("GOMAXPROCS: %d\n", gs_gomaxprocs());
	printf("NumCPU: %d\n", gs_numcpu());
	printf("NumGoroutine: %d\n", gs_numgoroutine());
	printf("Initial threads: %d Ms, %ld in /proc/self/status (the seed prints "
	       "NumGoroutine here)\n",
	    st.threads, demo_status("Threads:"));

	net = phase("wait on sockets (netpoller; the seed's http.Get)", netwait_g, false, fds);
	sys = phase("block in read(2) (system calls)", sysread_g, true, fds + nblock);
	gs_read_stats(&st);

	printf("While %lld goroutines waited on the network: %d threads (GOMAXPROCS %d)\n",
	    (long long)nblock, net.threads, net.gomaxprocs);
	printf("After I/O operations, threads in use: %d Ms = %d blocked in system calls + "
	       "%d others (Ms with Ps, idle Ms, sysmon); the seed's formula GOMAXPROCS + "
	       "blocked says %d\n",
	    sys.threads, sys.in_syscall, sys.threads - sys.in_syscall,
	    sys.gomaxprocs + sys.in_syscall);
	printf("After they all returned: %d threads, %d of them idle and kept for reuse\n",
	    st.threads, st.idle_threads);
	if (net.threads >= nblock && nblock > procs + 8)
		demo_fail("network waits took a thread each");
}

int
main(int argc, char **argv)
{
	struct demo_flag flags[] = {
		{ 'p', "GOMAXPROCS", false, 1, 256, &procs },
		{ 'n', "goroutines that wait", false, 1, 5000, &nblock },
		{ 'i', "the monitor's tick", true, 1000000, 10000000000LL, &tick_ns },
	};
	long i;
	int rc;

	demo_flags(argc, argv,
	    "The seed's demonstrateThreadCreation and monitorThreads: "
	    "threads under network waits vs blocking system calls.",
	    flags, 3);
	if (demo_nofile(4 * nblock + 64) != 0) {
		fprintf(stderr, "threads: not enough descriptors for -n %lld\n", (long long)nblock);
		return 1;
	}
	fds = calloc(2 * (size_t)nblock, sizeof(*fds));
	if (fds == NULL)
		return 1;
	for (i = 0; i < 2 * nblock; i++)
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds[i]) != 0) {
			perror("threads: socketpair");
			return 1;
		}
	rc = demo_run(main_g, NULL, 0);
	for (i = 0; i < 2 * nblock; i++) {
		close(fds[i][0]);
		close(fds[i][1]);
	}
	free(fds);
	return rc;
}
