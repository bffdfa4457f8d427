/*
 * main.c - the gsched command line: --help, --version, and dispatch to the
 * live visualizer (no arguments, or only its options: ui/tui.c), to `gsched
 * bench` (bench.c), `gsched status` (below) and the observation options
 * --batch, --record, --replay and --trace (cli.c).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gsched.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/bench.h"
#include "cmd/batch.h"
#include "cmd/compare.h"
#include "ui/tui.h"
#include "lesson/lesson.h" /* lessons: gsched LESSON, --batch LESSON, --list */

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
	fputs("Usage: gsched [-d TENTHS] [-p PROCS] [--no-color] [--ascii] "
	      "[--projector]\n"
	      "       gsched LESSON [--time-scale X] | --list\n"
	      "       gsched --help | --version | status\n"
	      "       gsched --batch | --record FILE | --trace FILE | --replay FILE "
	      "[options]\n"
	      "       gsched bench WORKLOAD [-n N] [-p PROCS] [-d DURATION] "
	      "[--stack SIZE] [--rounds R]\n"
	      "       gsched compare sleep|syscall|netwait|cpu [-n N] [-d DURATION]\n"
	      "\n"
	      "With no arguments, open the live visualizer on the introductory "
	      "lesson\n"
	      "(02-gmp); with only the options below, on a mixed workload.  "
	      "`gsched status`\nprints what this runtime would use on this machine.\n"
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
	bench_list(f);
	fputs("\nbench options:\n", f);
	bench_options(f);
	fputc('\n', f);
	tui_usage(f);
	fputc('\n', f);
	batch_usage(f);
	fputc('\n', f);
	lesson_usage(f); /* lessons (src/lesson/run.c) */
	fputs("\nEnvironment: GOMAXPROCS sets the default number of Ps, as in Go;\n"
	      "GSCHED_DEBUG the runtime's debug output; NO_COLOR (not empty) turns "
	      "colours\noff; TERM names the terminal.  The visualizer exits 0 on q "
	      "or Ctrl-C, 1 if\nthe runtime failed, 2 for a usage error or no "
	      "terminal, 128+N on signal N.\n",
	    f);
}

static int
usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "gsched: %s '%s'\nTry 'gsched --help'.\n", what, arg);
	return 2;
}

/* `gsched status`: one screen on what gsched is and would do here. */
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
	bench_list(stdout);
	printf("\nUsage: gsched bench WORKLOAD [-n N] [-p PROCS] [-d DURATION] "
	       "[--stack SIZE] [--rounds R]\n"
	       "       gsched --help | --version\n"
	       "\n"
	       "`gsched` alone opens the live visualizer (Ps, Ms, run queues, "
	       "steals).\n");
	/* gs_run(NULL config) fails with GS_EINVAL only for a bad GOMAXPROCS or
	 * GSCHED_DEBUG (reported on stderr): a usage error. */
	return rc == GS_EINVAL ? 2 : rc < 0 ? 1 : 0;
}

int
main(int argc, char **argv)
{
	const char *cmd;

	if (argc < 2)
		return tui_main(argc, argv);

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
		return bench_main(argc - 1, argv + 1);
	if (strcmp(cmd, "compare") == 0) /* goroutines vs threads: compare.c */
		return compare_main(argc - 1, argv + 1);
	if (strcmp(cmd, "status") == 0) {
		if (argc > 2)
			return usage_error("unexpected argument", argv[2]);
		return status();
	}
	if (lesson_main_handles(argc, argv)) /* lessons (src/lesson/run.c) */
		return lesson_main(argc, argv);
	/* -d and -p belong to both: any option only the observation modes know
	 * (--batch, -n, ...) makes it theirs, else it is the visualizer's */
	for (int i = 1; i < argc; i++)
		if (batch_handles(argv[i]) && !tui_handles(argv[i]))
			return batch_main(argc, argv);
	if (tui_handles(cmd))
		return tui_main(argc, argv);
	if (cmd[0] == '-' && cmd[1] != '\0')
		return usage_error("unknown option", cmd);
	return usage_error("unknown command", cmd);
}
