/*
 * go.c - `gsched go`: the visualizer over a real Go program.
 *
 *   gsched go [-i MS] [--stdout FILE] [--stderr FILE] [--] PROGRAM [ARGS...]
 *   gsched go --from FILE [-d DELAY]
 *   gsched go [--batch | --json] [-v] (--from FILE | [--] PROGRAM [ARGS...])
 *
 * PROGRAM runs with GODEBUG=schedtrace=MS,scheddetail=1 (live/goproc.h);
 * its trace becomes ticks (format/godebug.h) that the visualizer shows as it
 * shows gsched's own runtime (ui/tui_go.c), or that --batch and --json print
 * as gsched --batch prints its own.  --from FILE reads a saved log instead:
 * in the visualizer with the replay's controls, or printed.
 *
 * The command line ends at PROGRAM: what follows is the program's, options
 * and all.  The visualizer's looks (--no-color, --ascii, --projector,
 * --no-mouse, --history) come from its own table; -p and --slow do not
 * apply (the program's GOMAXPROCS is its own: GOMAXPROCS=N gsched go ...).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gsched.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/batch.h"
#include "cmd/go.h"
#include "format/cmdline.h"
#include "format/parse.h"
#include "format/schedtrace.h"
#include "live/goproc.h"
#include "ui/tui.h"

enum {
	GO_OPT_FROM = CMDLINE_LONG + 96,
	GO_OPT_BATCH,
	GO_OPT_JSON,
	GO_OPT_STDOUT,
	GO_OPT_STDERR,
};

static const cmdline_opt go_own[] = {
	{ "help", 'h', no_argument, NULL, "show this help and exit" },
	{ "interval", 'i', required_argument, "MS",
	    "Go prints a trace block every MS milliseconds\n"
	    "(GODEBUG=schedtrace=MS; 1..60000, default 100)" },
	{ "from", GO_OPT_FROM, required_argument, "FILE",
	    "show a saved GODEBUG log (schedtrace, with or\n"
	    "without scheddetail) with the replay's controls,\n"
	    "instead of running a program (- reads standard\n"
	    "input, with --batch or --json)" },
	{ "batch", GO_OPT_BATCH, no_argument, NULL,
	    "no visualizer: print each tick as gsched --batch\n"
	    "prints its own (Go's schedtrace lines; -v: detail)" },
	{ "json", GO_OPT_JSON, no_argument, NULL,
	    "no visualizer: each tick as a line of JSON, as\n"
	    "gsched --batch --json prints its own" },
	{ "verbose", 'v', no_argument, NULL, "with --batch: the P, M and G lines too" },
	{ "stdout", GO_OPT_STDOUT, required_argument, "FILE",
	    "the program's standard output into FILE (default\n"
	    "/dev/null: it would write over the visualizer's screen,\n"
	    "or into --batch's lines)" },
	{ "stderr", GO_OPT_STDERR, required_argument, "FILE",
	    "the program's own standard error lines (not Go's\n"
	    "trace) into FILE as well, whole (the event log shows\n"
	    "them cut to a line)" },
};

#define NOWN ((int)(sizeof go_own / sizeof go_own[0]))

/* go_own and the visualizer's looks: the one table of `gsched go`; and
 * the rows --help lists (not -p and --slow, which are only refused). */
static cmdline_opt go_options[CMDLINE_OPTS_MAX], go_help_opts[CMDLINE_OPTS_MAX];
static int ngo, ngo_help;

static void
go_options_init(void)
{
	if (ngo > 0)
		return;
	for (int i = 0; i < NOWN; i++)
		go_options[ngo++] = go_own[i];
	/* -p and --slow are in the table only to be refused by name: they act
	 * on gsched's own scheduler (go_parse) */
	for (int i = 0; i < tui_noptions && ngo < CMDLINE_OPTS_MAX; i++)
		go_options[ngo++] = tui_options[i];
	for (int i = 0; i < ngo; i++)
		if (go_options[i].key != 'p' && go_options[i].key != CMDLINE_KEY_SLOW)
			go_help_opts[ngo_help++] = go_options[i];
}

static void
go_usage(FILE *f)
{
	fputs("Usage: gsched go [-i MS] [--stdout FILE] [--stderr FILE] [options] [--] PROGRAM "
	      "[ARGS...]\n"
	      "       gsched go --from FILE [-d DELAY] [options]\n"
	      "       gsched go --batch|--json [-v] (--from FILE | [--] PROGRAM [ARGS...])\n"
	      "\n"
	      "Show a real Go program's scheduler live: its Ps with their status, M and run\n"
	      "queue, the global queue, its Ms (their P, goroutine, spinning or blocked),\n"
	      "the thread count and its goroutines with their states and wait reasons,\n"
	      "read from Go's own GODEBUG=schedtrace=MS,scheddetail=1 (added to any GODEBUG\n"
	      "the environment has), with the same panels, pause and rewind as gsched's\n"
	      "own runtime.  Options end at PROGRAM: the rest is the program's.\n"
	      "\n",
	    f);
	cmdline_help(f, go_help_opts, ngo_help);
	fputs("\n"
	      "What Go's trace cannot show is not invented: it has no steal counts, no\n"
	      "preemptions, spawns or time by state (those panels say \"not reported by\n"
	      "Go\"), and no events: a hand-off (a P that moved to another M while its\n"
	      "goroutine sat in a system call) is inferred from two blocks in a row and\n"
	      "marked so.  Plain schedtrace (a log without scheddetail) has totals only.\n"
	      "The title names the Go release whose format was recognised.\n"
	      "\n"
	      "Keys that change the scheduler (GOMAXPROCS, spawning, stopping the world)\n"
	      "act on gsched's own runtime and do nothing here.  Ctrl-C sends SIGINT to\n"
	      "the program (its process group); a second Ctrl-C, or q, leaves.  When the\n"
	      "program ends, its last tick stays shown with its exit status until q.  On\n"
	      "leaving, a program still running gets SIGTERM, then SIGKILL after 1 s.\n"
	      "Its standard input is /dev/null.\n"
	      "\n"
	      "Exit status: 0 after q (whatever the program's); 1 when the program gave\n"
	      "no trace line at all (not a Go program, or it ended within the first\n"
	      "interval); 2 for a usage error, a program that cannot be run, a file\n"
	      "that cannot be read or written, or a bad log; 128+N after signal N\n"
	      "(--batch: SIGINT is sent on to the program first, and the run ends when\n"
	      "it does).\n",
	    f);
}

/* What the command line asked for. */
struct go_args {
	tui_opts tui;
	goproc_opts proc;
	const char *from;
	bool batch, json, verbose, have_i, have_d;
	char *const *argv; /* PROGRAM ARGS..., NULL: none */
	char spelled_d[16];
};

static int
go_parse(int argc, char **argv, struct go_args *a)
{
	cmdline c;
	const char *v;
	int key, rc;

	go_options_init();
	tui_opts_init(&a->tui);
	a->proc.interval_ms = GOPROC_INTERVAL_MS;
	cmdline_init(&c, go_options, ngo, "go", argc, argv);
	while ((key = cmdline_next(&c, &v)) != CMDLINE_END) {
		switch (key) {
		case CMDLINE_ERROR:
			return 2;
		case CMDLINE_OPERAND:
			/* PROGRAM: it and all after it are the program's */
			a->argv = argv + cmdline_index(&c) - 1;
			return 0;
		case 'h':
			go_usage(stdout);
			return -1;
		case 'i':
			if (!parse_int(v, GOPROC_INTERVAL_MIN, GOPROC_INTERVAL_MAX,
				&a->proc.interval_ms))
				return cmdline_usage_error("go",
				    "%s: '%s' is not a number of milliseconds from 1 to 60000",
				    cmdline_spelled(&c), v);
			a->have_i = true;
			break;
		case GO_OPT_FROM:
			a->from = v;
			break;
		case GO_OPT_BATCH:
			a->batch = true;
			break;
		case GO_OPT_JSON:
			a->json = true;
			break;
		case 'v':
			a->verbose = true;
			break;
		case GO_OPT_STDOUT:
			a->proc.stdout_path = v;
			break;
		case GO_OPT_STDERR:
			a->proc.stderr_path = v;
			break;
		case 'p':
		case CMDLINE_KEY_SLOW:
			return cmdline_usage_error("go",
			    "%s acts on gsched's own scheduler; a Go program's GOMAXPROCS is its "
			    "own (GOMAXPROCS=N gsched go PROGRAM)",
			    cmdline_spelled(&c));
		default:
			if (key == 'd') {
				a->have_d = true;
				snprintf(a->spelled_d, sizeof a->spelled_d, "%s",
				    cmdline_spelled(&c));
			}
			if ((rc = tui_option(&a->tui, key, v, cmdline_spelled(&c))) != 0)
				return rc;
			break;
		}
	}
	return 0;
}

/* ---- without the visualizer ----------------------------------------------------------- */

/* After a stop signal went on to the program: how long it may take to end
 * before gsched ends it (SIGTERM, then SIGKILL, its whole process group). */
#define GO_STOP_GRACE_NS 3000000000ULL

/* The printer, fed as goproc_poll hands ticks over. */
struct headless {
	tick_sink sink;
	tick_info info;
	bool begun;
	int ticks;
	int rc;
};

static void
headless_tick(void *ctx, const tick_info *info, const tick_data *t, const char *format)
{
	struct headless *h = ctx;

	(void)format;
	if (h->rc != 0)
		return;
	if (!h->begun) {
		h->info = *info;
		h->begun = true;
		h->rc = tick_sinks_begin(&h->sink, 1, &h->info);
		if (h->rc != 0)
			return;
	}
	h->rc = tick_sinks_tick(&h->sink, 1, info, t);
	h->ticks++;
}

/* The program's own lines go where they would have gone: standard error. */
static void
headless_line(void *ctx, const char *text)
{
	(void)ctx;
	fprintf(stderr, "%s\n", text);
}

static int
go_headless(const struct go_args *a)
{
	schedtrace_opts bo = { .out = stdout, .detail = a->verbose, .json = a->json };
	struct headless h = { .sink = schedtrace_sink(&bo) };
	goproc_visit visit = { headless_tick, headless_line, &h };
	goproc_state st;
	char err[512];
	bool warned = false;
	uint64_t sent_ns = 0; /* when a stop signal went on to the program */

	/* not again_ends: gsched must outlive the program to end its group */
	tick_stop_catch(false);
	goproc *g = goproc_start(&a->proc, err, sizeof err);
	if (g == NULL) {
		fprintf(stderr, "gsched: %s\n", err);
		return 2;
	}
	for (;;) {
		struct pollfd pfd = { goproc_fd(g), POLLIN, 0 };
		poll(&pfd, 1, 100); /* a signal interrupts it */
		goproc_poll(g, &visit, &st);
		uint64_t now = (uint64_t)gs_nanotime();
		if (tick_stop_signal() != 0 && sent_ns == 0) {
			/* the program first: its last ticks still print */
			goproc_signal(g, tick_stop_signal());
			sent_ns = now;
		}
		/* one that outlives it by GO_STOP_GRACE_NS is ended (goproc_free) */
		if (sent_ns != 0 && now - sent_ns >= GO_STOP_GRACE_NS)
			break;
		if (!warned && st.sched_lines == 0 && !st.eof &&
		    now - st.start_ns >= goproc_quiet_ns(a->proc.interval_ms)) {
			warned = true;
			fprintf(stderr,
			    "gsched: %s has written no GODEBUG schedtrace line in %.0f s: is it a "
			    "Go program?  Waiting on (Ctrl-C ends it)\n",
			    a->argv[0], (double)(now - st.start_ns) / 1e9);
		}
		if (h.rc == TICK_SINK_DONE || (h.rc != 0) || (st.exited && st.eof))
			break;
	}
	goproc_poll(g, &visit, &st);
	goproc_free(g);
	if (h.begun) {
		tick_end e = { .ticks = h.ticks };
		int rc = tick_sinks_end(&h.sink, 1, &h.info, &e);
		if (h.rc == 0)
			h.rc = rc;
	}
	if (h.rc == TICK_SINK_DONE)
		h.rc = 0;
	if (h.rc == 0 && h.ticks == 0 && st.exited) {
		char how[64];
		goproc_status_text(st.wstatus, how, sizeof how);
		fprintf(stderr,
		    "gsched: %s %s before its first GODEBUG schedtrace line: not a Go program, "
		    "or it ran shorter than the trace interval (-i %d)\n",
		    a->argv[0], how, a->proc.interval_ms);
		h.rc = 1;
	}
	return tick_stop_status(h.rc);
}

/* ---- the command ----------------------------------------------------------------------- */

int
go_main(int argc, char **argv)
{
	static struct go_args a; /* large: off a small stack */
	int rc;

	memset(&a, 0, sizeof a);
	if ((rc = go_parse(argc, argv, &a)) != 0)
		return rc < 0 ? 0 : rc;
	if (a.from != NULL && a.argv != NULL)
		return cmdline_usage_error("go",
		    "--from reads a saved log: no PROGRAM to run with it (got '%s')", a.argv[0]);
	if (a.from == NULL && a.argv == NULL)
		return cmdline_usage_error("go", "which PROGRAM? (or --from FILE for a saved log)");
	if (a.from != NULL && (a.have_i || a.proc.stdout_path || a.proc.stderr_path))
		return cmdline_usage_error("go",
		    "-i, --stdout and --stderr are for a PROGRAM run, not --from FILE");
	if (a.argv != NULL && a.have_d)
		return cmdline_usage_error("go",
		    "%s sets a replay's pace (--from FILE); a program's ticks come every -i MS",
		    a.spelled_d);
	if (a.verbose && !a.batch && !a.json)
		return cmdline_usage_error("go", "-v goes with --batch (or --json)");
	if (a.batch || a.json) {
		if (a.argv == NULL) {
			/* a saved log printed: the --replay path, read by godebug.h */
			batch_opts b;
			batch_opts_init(&b);
			b.batch = a.batch;
			b.json = a.json;
			b.verbose = a.verbose;
			b.replay = a.from;
			b.replay_godebug = true;
			return batch_run(&b);
		}
		a.proc.argv = a.argv;
		return go_headless(&a);
	}
	tui_opts_finish(&a.tui);
	if (a.from != NULL) {
		a.tui.replay = a.from;
		a.tui.replay_godebug = true;
	} else {
		a.proc.argv = a.argv;
		a.tui.go = &a.proc;
	}
	return tui_main(&a.tui);
}
