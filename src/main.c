/*
 * main.c - the gsched command line: the status screen, --help, --version, and
 * dispatch to `gsched bench` (bench.c) and to the observation options --batch,
 * --record, --replay and --trace (cli.c).  The live visualizer comes later.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gsched.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "cli.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0.1.0"
#endif

/* What the status screen reads from a briefly started runtime. */
struct statusprobe {
	int gomaxprocs;
	int statsrc; /* gs_read_stats() result */
	gs_stats st;
};

/* The main goroutine of the probe: read, no stdio (the caller prints). */
static void
statusprobe_g(void *arg)
{
	struct statusprobe *sp = arg;

	sp->gomaxprocs = gs_gomaxprocs();
	sp->statsrc = gs_read_stats(&sp->st);
}

static void
usage(FILE *f)
{
	fputs("Usage: gsched [--help | --version]\n"
	      "       gsched --batch | --record FILE | --trace FILE | --replay FILE "
	      "[options]\n"
	      "       gsched bench WORKLOAD [-n N] [-p PROCS] [-d DURATION] "
	      "[--stack SIZE] [--rounds R]\n"
	      "\n"
	      "With no arguments, print what this runtime would use on this machine.\n"
	      "\n"
	      "  -h, --help         show this help and exit\n"
	      "      --version      show the version and exit\n"
	      "\n"
	      "bench: run a scheduler micro-benchmark and print one line per round,\n"
	      "  <workload> <value> <unit> key=value ...\n"
	      "(the same lines as tests/bench/peer.go prints for Go).\n"
	      "\n"
	      "Workloads (default n):\n",
	      f);
	gs_bench_list(f);
	fputs("\nbench options:\n", f);
	gs_bench_options(f);
	fputc('\n', f);
	gsf_cli_usage(f);
	fputs("\nEnvironment: GOMAXPROCS sets the default number of Ps, as in Go.\n", f);
}

static int
usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "gsched: %s '%s'\nTry 'gsched --help'.\n", what, arg);
	return 2;
}

/* `gsched` with no arguments: one screen on what gsched is and would do here. */
static int
status(void)
{
	struct statusprobe sp;
	const char *envprocs = getenv("GOMAXPROCS");
	int rc;

	memset(&sp, 0, sizeof(sp));
	rc = gs_run(statusprobe_g, &sp, NULL);

	printf("gsched %s - an M:N goroutine scheduler built the way Go's runtime is:\n"
	       "goroutines (G) run on OS threads (M) that hold processors (P); each P "
	       "has\n"
	       "a 256-slot local run queue, idle Ps steal, and GOMAXPROCS Ps exist.\n"
	       "\n",
	       PACKAGE_VERSION);
	printf("  CPUs (affinity mask)   %d\n", gs_numcpu());
	if (rc < 0) {
		printf("  default GOMAXPROCS     unknown: the runtime did not start "
		       "(gs_run: %s)\n",
		       gs_strerror(rc));
	} else {
		printf("  default GOMAXPROCS     %d   (%s)\n", sp.gomaxprocs,
		       envprocs != NULL && *envprocs != '\0'
		               ? "from the GOMAXPROCS environment variable"
		               : "the CPUs, lowered to any cgroup CPU quota");
		if (sp.statsrc == 0)
			printf("  threads at start       %d   (Ms, %d of them idle)\n",
			       sp.st.threads, sp.st.idle_threads);
	}
	printf("\nBench workloads (default n):\n");
	gs_bench_list(stdout);
	printf("\nUsage: gsched bench WORKLOAD [-n N] [-p PROCS] [-d DURATION] "
	       "[--stack SIZE] [--rounds R]\n"
	       "       gsched --help | --version\n"
	       "\n"
	       "The live visualizer (Ps, Ms, run queues, steals) comes in a later "
	       "release.\n");
	/* gs_run(NULL config) fails with GS_EINVAL only for a bad GOMAXPROCS or
	 * GSCHED_DEBUG (reported on stderr): a usage error. */
	return rc == GS_EINVAL ? 2 : rc < 0 ? 1 : 0;
}

int
main(int argc, char **argv)
{
	const char *cmd;

	if (argc < 2)
		return status();

	cmd = argv[1];
	if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0) {
		if (argc > 2)
			return usage_error("unexpected argument", argv[2]);
		usage(stdout);
		return fflush(stdout) == 0 ? 0 : 1;
	}
	if (strcmp(cmd, "--version") == 0) {
		if (argc > 2)
			return usage_error("unexpected argument", argv[2]);
		printf("gsched %s\n", PACKAGE_VERSION);
		return fflush(stdout) == 0 ? 0 : 1;
	}
	if (strcmp(cmd, "bench") == 0)
		return gs_bench_main(argc - 1, argv + 1);
	if (gsf_cli_handles(cmd))
		return gsf_cli_main(argc, argv);
	if (cmd[0] == '-' && cmd[1] != '\0')
		return usage_error("unknown option", cmd);
	return usage_error("unknown command", cmd);
}
