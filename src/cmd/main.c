/*
 * main.c - the gsched command line, parsed once: the sub-commands bench
 * (bench.c), compare (compare.c) and status (below) have tables of their
 * own; everything else is one getopt_long pass over one table made of the
 * visualizer's options (ui/tui_options.c), the observation options
 * (batch.c) and the lesson and general options (below).  What was given
 * then decides the mode: --help, --version, --list, a LESSON (headless
 * with --batch or without a terminal), --replay (in the visualizer on a
 * terminal, else as text), --batch/--record/--trace, or the visualizer.  This file ties lessons and the visualizer together:
 * neither knows the other's entry points.
 */
#define _GNU_SOURCE /* pthread_setattr_default_np */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gsched.h>

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/bench.h"
#include "cmd/batch.h"
#include "cmd/compare.h"
#include "cmd/go.h"
#include "ui/tui.h"
#include "format/cmdline.h"
#include "format/configfile.h"
#include "format/tick.h"
#include "lesson/lesson.h"
#include "live/workload.h"

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

/* ---- the one table ----------------------------------------------------------- */

enum {
	MAIN_OPT_VERSION = CMDLINE_LONG + 32,
	MAIN_OPT_LIST,
	MAIN_OPT_TIME_SCALE,
	MAIN_OPT_CONFIG,
	MAIN_OPT_NO_CONFIG,
};

static const cmdline_opt main_options[] = {
	{ "help", 'h', no_argument, NULL, "show this help and exit" },
	{ "version", MAIN_OPT_VERSION, no_argument, NULL, "show the version and exit" },
	{ "config", MAIN_OPT_CONFIG, required_argument, "FILE",
	    "read the visualizer's settings from FILE instead of\n"
	    "$XDG_CONFIG_HOME/gsched/config (Config file, below)" },
	{ "no-config", MAIN_OPT_NO_CONFIG, no_argument, NULL, "read no config file" },
};

static const cmdline_opt lesson_options[] = {
	{ "list", MAIN_OPT_LIST, no_argument, NULL, "one line per lesson: name, title" },
	{ "time-scale", MAIN_OPT_TIME_SCALE, required_argument, "X",
	    "stretch the lesson's own waits and lifetimes by X, a\n"
	    "number from 0.1 to 100 (2 is half speed); the scheduler\n"
	    "keeps its speed (--slow N slows the scheduler and the\n"
	    "lesson's waits with it)" },
	{ "quiet", 'q', no_argument, NULL,
	    "with --batch LESSON: no schedtrace lines, only the\n"
	    "lesson's own (captions, expectations)" },
};

#define NOPTS(t) ((int)(sizeof(t) / sizeof((t)[0])))

/* main_options, tui_options, batch_options and lesson_options in one. */
static cmdline_opt all_options[CMDLINE_OPTS_MAX];
static int nall;

static bool
in_table(const cmdline_opt *t, int n, int key)
{
	for (int i = 0; i < n; i++)
		if (t[i].key == key)
			return true;
	return false;
}

static void
add_options(const cmdline_opt *t, int n)
{
	/* -d and -p are in two tables: the first row stands */
	for (int i = 0; i < n && nall < CMDLINE_OPTS_MAX; i++)
		if (!in_table(all_options, nall, t[i].key))
			all_options[nall++] = t[i];
}

static void
all_options_init(void)
{
	if (nall > 0)
		return;
	add_options(main_options, NOPTS(main_options));
	add_options(tui_options, tui_noptions);
	add_options(batch_options, batch_noptions);
	add_options(lesson_options, NOPTS(lesson_options));
}

/* ---- --help ---------------------------------------------------------------- */

static void
usage(FILE *f)
{
	fputs("Usage: gsched [-d DELAY] [-p PROCS] [--no-color] [--ascii] [--projector]\n"
	      "              [--no-mouse] [--slow N] [--record FILE] [--history MIB]\n"
	      "              [--config FILE | --no-config]\n"
	      "       gsched --replay FILE [-d DELAY] [--no-color] [--ascii] [--projector]\n"
	      "              [--no-mouse] [--history MIB]  (on a terminal: in the visualizer)\n"
	      "       gsched LESSON [--time-scale X] [--slow N] [--record FILE] [-d DELAY]\n"
	      "              [--no-color] [--ascii] [--projector] [--no-mouse] [--history MIB]\n"
	      "       gsched --batch LESSON [--time-scale X] [--slow N] [-q] [-v]\n"
	      "       gsched --list | --help | --version\n"
	      "       gsched --batch | --record FILE | --trace FILE | --replay FILE "
	      "[options]\n"
	      "       gsched bench WORKLOAD [-n N] [-p PROCS] [-d DURATION] "
	      "[--stack SIZE] [--rounds R]\n"
	      "                    [--observe HZ] [--max-threads N]\n"
	      "       gsched compare sleep|syscall|netwait|cpu [-n N] [-d DURATION]\n"
	      "       gsched compare io [-n N]\n"
	      "       gsched status\n"
	      "       gsched go [-i MS] [--] PROGRAM [ARGS...] | gsched go --from FILE\n"
	      "\n"
	      "With no arguments, open the live visualizer on the introductory "
	      "lesson\n"
	      "(02-gmp); with only the options below, on a mixed workload.  "
	      "`gsched status`\nprints what this runtime would use on this machine.  "
	      "Options and operands\ncome in any order; `--` ends the options; a long "
	      "option may be abbreviated\nwhile that is unambiguous (--proj).  "
	      "Durations are Go's: 300us, 1.5ms, 2s, 1m30s.\n"
	      "\n",
	    f);
	cmdline_help(f, main_options, NOPTS(main_options));
	fputc('\n', f);
	tui_usage(f);
	fputc('\n', f);
	batch_usage(f);
	fputs("\nLessons (scripts in demos/*.lesson; the format is in demos/README):\n"
	      "  gsched LESSON shows a lesson in the visualizer (without a terminal on\n"
	      "  stdout: as --batch); gsched --batch LESSON runs it headless: captions,\n"
	      "  a schedtrace line every 100 ms (-q: none, -v: detail) and each\n"
	      "  expectation's result.  LESSON is a name (from --list) or a path;\n"
	      "  a bad one is reported as FILE:LINE:COL: why.\n"
	      "  Two kinds of slow motion: --time-scale X stretches only the lesson's\n"
	      "  own waits, timeouts and lifetimes (the scheduler runs at full speed,\n"
	      "  measured times are real); --slow N slows the scheduler down N times\n"
	      "  (its 10 ms slice, sysmon, hand-offs, the workloads' work and waits)\n"
	      "  and stretches the lesson's waits with it, so the same steals and\n"
	      "  preemptions happen at human speed; measured times are then shown both\n"
	      "  ways (61.5 s (x20 slow: 3.08 s real-speed)).  They multiply.\n"
	      "\n",
	    f);
	cmdline_help(f, lesson_options, NOPTS(lesson_options));
	fputs("\nbench: run a scheduler micro-benchmark and print one line per round,\n"
	      "  <workload> <value> <unit> key=value ...\n"
	      "(the same lines as tests/bench/peer.go prints for Go; gsched bench --help).\n"
	      "\n"
	      "compare: goroutines against threads, side by side (gsched compare --help).\n"
	      "\n"
	      "go: the same view over a real Go program, read from its\n"
	      "  GODEBUG=schedtrace=MS,scheddetail=1, live or from a saved log; what Go's\n"
	      "  trace cannot show (steals, preemptions) is said, not shown as 0\n"
	      "  (gsched go --help).\n"
	      "\n"
	      "Config file: $XDG_CONFIG_HOME/gsched/config (else ~/.config/gsched/config),\n"
	      "one `name = value` a line, # comments; the names are the visualizer's long\n"
	      "options above (procs = 4, projector = true, delay = 5; flags take true/false,\n"
	      "yes/no, on/off, 1/0).  The command line wins; lessons take all but procs;\n"
	      "headless runs read none.  --config FILE reads another, --no-config none.\n"
	      "A bad line is a usage error (FILE:LINE: why, exit 2).\n"
	      "\n"
	      "Environment: GOMAXPROCS sets the default number of Ps, as in Go;\n"
	      "GSCHED_DEBUG the runtime's debug output; NO_COLOR (not empty) turns colours\n"
	      "off; TERM names the terminal.\n"
	      "\n"
	      "Exit status, of every command:\n"
	      "  0      success; the visualizer quit with q, F10 or Ctrl-C (SIGINT)\n"
	      "  1      the runtime failed (a fatal error such as thread exhaustion, or\n"
	      "         it did not start); writing an output failed (the message names\n"
	      "         the file or standard output); a lesson's expectation failed; a\n"
	      "         compare row did not run whole\n"
	      "  2      a usage error (an option, a value, an environment setting, an\n"
	      "         output file that cannot be created); a bad lesson; a bad\n"
	      "         recording, or a cut one (its whole ticks are still printed or\n"
	      "         converted, and the trace finished); no terminal for the\n"
	      "         visualizer\n"
	      "  128+N  ended by signal N: SIGHUP 129, SIGINT 130 and SIGTERM 143 after\n"
	      "         finishing the tick in progress and every file (--record ends\n"
	      "         with its end line, --trace is whole JSON, --json whole lines;\n"
	      "         a second one ends a headless run at once); the others at once\n"
	      "         (SIGABRT 134: a goroutine's stack overflow or an internal error).\n"
	      "         SIGKILL (137) cannot be caught: it leaves a recording cut\n"
	      "         (--replay then reads the ticks before the cut).\n"
	      "A reader of a pipe that goes away (gsched --batch --json | head -n 1) is\n"
	      "no failure: the run ends quietly, with whole lines and the status it had.\n",
	    f);
}

/* ---- `gsched status` ---------------------------------------------------------- */

/* `gsched status`: one screen on what gsched is and would do here. */
static int
status_run(void)
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

static int
status_main(int argc, char **argv)
{
	static const cmdline_opt opts[] = {
		{ "help", 'h', no_argument, NULL, "show this help and exit" },
	};
	cmdline c;
	const char *v;
	int key;

	cmdline_init(&c, opts, NOPTS(opts), "status", argc, argv);
	while ((key = cmdline_next(&c, &v)) != CMDLINE_END) {
		if (key == CMDLINE_ERROR)
			return 2;
		if (key == CMDLINE_OPERAND)
			return cmdline_usage_error("status", "unexpected argument '%s'", v);
		printf("Usage: gsched status\n\nWhat gsched is, and what its runtime would use "
		       "on this machine.\n\n");
		cmdline_help(stdout, opts, NOPTS(opts));
		return 0;
	}
	return status_run();
}

/* ---- everything else: one pass over the one table ----------------------------- */

/* What the command line asked for. */
struct args {
	tui_opts tui;
	batch_opts batch;
	lesson_run_opts lesson;
	const char *name;   /* a LESSON */
	const char *extra;  /* an operand after it */
	const char *config; /* --config FILE */
	bool help, version, list, have_scale, no_config;
	/* each option given, as first spelled, for messages about combinations */
	char seen[CMDLINE_OPTS_MAX][40];
	int seenkey[CMDLINE_OPTS_MAX];
	int nseen;
};

static const char *
seen(const struct args *a, int key)
{
	for (int i = 0; i < a->nseen; i++)
		if (a->seenkey[i] == key)
			return a->seen[i];
	return NULL;
}

/* The first option given that the mode does not take (allowed: a key list
 * ending in 0), or NULL.  --config and --no-config go with every mode that
 * shows the visualizer and are ignored by the others. */
static const char *
first_other(const struct args *a, const int *allowed)
{
	for (int i = 0; i < a->nseen; i++) {
		const int *k = allowed;
		if (a->seenkey[i] == MAIN_OPT_CONFIG || a->seenkey[i] == MAIN_OPT_NO_CONFIG)
			continue;
		while (*k != 0 && *k != a->seenkey[i])
			k++;
		if (*k == 0)
			return a->seen[i];
	}
	return NULL;
}

static int
parse_time_scale(struct args *a, const char *v, const char *spelled)
{
	char *end;

	errno = 0;
	a->lesson.time_scale = strtod(v, &end);
	if (errno || end == v || *end || !(a->lesson.time_scale >= 0.1) ||
	    !(a->lesson.time_scale <= 100))
		return cmdline_usage_error(NULL, "%s: '%s' is not a number from 0.1 to 100",
		    spelled, v);
	a->have_scale = true;
	return 0;
}

static int
parse_args(int argc, char **argv, struct args *a)
{
	cmdline c;
	const char *v;
	int key, rc;

	memset(a, 0, sizeof *a);
	tui_opts_init(&a->tui);
	batch_opts_init(&a->batch);
	a->lesson.time_scale = 1;
	a->lesson.out = stdout;
	all_options_init();
	cmdline_init(&c, all_options, nall, NULL, argc, argv);
	while ((key = cmdline_next(&c, &v)) != CMDLINE_END) {
		if (key == CMDLINE_ERROR)
			return 2;
		if (key == CMDLINE_OPERAND) {
			if (a->name == NULL)
				a->name = v;
			else if (a->extra == NULL)
				a->extra = v;
			continue;
		}
		if (!seen(a, key) && a->nseen < CMDLINE_OPTS_MAX) {
			snprintf(a->seen[a->nseen], sizeof a->seen[0], "%s", cmdline_spelled(&c));
			a->seenkey[a->nseen++] = key;
		}
		rc = 0;
		if (in_table(tui_options, tui_noptions, key))
			rc = tui_option(&a->tui, key, v, cmdline_spelled(&c));
		if (rc == 0 && in_table(batch_options, batch_noptions, key))
			rc = batch_option(&a->batch, key, v, cmdline_spelled(&c));
		else if (key == 'h')
			a->help = true;
		else if (key == MAIN_OPT_VERSION)
			a->version = true;
		else if (key == MAIN_OPT_LIST)
			a->list = true;
		else if (key == 'q')
			a->lesson.quiet = true;
		else if (key == MAIN_OPT_TIME_SCALE)
			rc = parse_time_scale(a, v, cmdline_spelled(&c));
		else if (key == MAIN_OPT_CONFIG)
			a->config = v;
		else if (key == MAIN_OPT_NO_CONFIG)
			a->no_config = true;
		if (rc != 0)
			return rc;
	}
	a->lesson.detail = a->batch.verbose;
	a->lesson.slow = a->batch.slow;
	return 0;
}

/* ---- the config file ------------------------------------------------------------ */

/* What config_set applies a setting to. */
struct config_ctx {
	struct args *a;
	const int *mode; /* the keys the mode takes, ending in 0 */
};

/* A setting of the config file: into the visualizer's options unless the
 * command line gave it (the command line wins) or the mode does not take
 * it (a lesson sets its own procs); checked either way. */
static int
config_set(void *ctx, int key, const char *v, const char *name)
{
	struct config_ctx *c = ctx;
	const int *k = c->mode;
	tui_opts unused;

	while (*k != 0 && *k != key)
		k++;
	tui_opts_init(&unused);
	return tui_option(*k != 0 && !seen(c->a, key) ? &c->a->tui : &unused, key, v, name);
}

/*
 * Read the config file (--config FILE, else the default path when there is
 * one; --no-config none) into a->tui for a mode that shows the visualizer
 * and takes the options mode lists.  Its settings are the visualizer's
 * options (tui_options); the rest of the command line's are refused by name.
 * 0, or 2 after reporting.
 */
static int
load_config(struct args *a, const int *mode)
{
	char path[PATH_MAX];
	struct config_ctx c = { a, mode };
	config_spec spec = { tui_options, tui_noptions, all_options, nall, config_set, &c };

	if (a->config != NULL && a->no_config)
		return cmdline_usage_error(NULL, "%s and %s cannot be used together",
		    seen(a, MAIN_OPT_CONFIG), seen(a, MAIN_OPT_NO_CONFIG));
	a->tui.config = a->config; /* where W writes */
	if (a->no_config)
		return 0;
	if (a->config != NULL)
		return config_load(a->config, false, &spec);
	if (config_default_path(path, sizeof path) != 0)
		return 0;
	return config_load(path, true, &spec);
}

/* --help, --version and --list (key) stand alone. */
static int
check_alone(const struct args *a, int key)
{
	if (a->name != NULL)
		return cmdline_usage_error(NULL, "unexpected argument '%s'", a->name);
	for (int i = 0; i < a->nseen; i++)
		if (a->seenkey[i] != key)
			return cmdline_usage_error(NULL, "%s takes no other options, got '%s'",
			    seen(a, key), a->seen[i]);
	return 0;
}

static int
run_lesson(struct args *a)
{
	static const int headless[] = { BATCH_OPT_BATCH, 'v', 'q', MAIN_OPT_TIME_SCALE,
		CMDLINE_KEY_SLOW, 0 };
	static const int shown[] = { BATCH_OPT_BATCH, 'v', 'q', MAIN_OPT_TIME_SCALE, 'd',
		TUI_OPT_NO_COLOR, TUI_OPT_ASCII, TUI_OPT_PROJECTOR, CMDLINE_KEY_SLOW,
		BATCH_OPT_RECORD, TUI_OPT_HISTORY, TUI_OPT_NO_MOUSE, 0 };
	char path[PATH_MAX + 32], err[1024];
	const char *o;
	lesson_program *g;
	int rc;

	if (a->extra != NULL)
		return cmdline_usage_error(NULL, "one lesson at a time (also got '%s')", a->extra);
	if (a->batch.batch && (o = first_other(a, headless)) != NULL)
		return cmdline_usage_error(NULL,
		    "option '%s' cannot be used with --batch LESSON (it takes --time-scale X, "
		    "--slow N, -q and -v)",
		    o);
	if ((o = first_other(a, shown)) != NULL)
		return cmdline_usage_error(NULL,
		    "option '%s' cannot be used with a lesson (a lesson takes --batch, "
		    "--time-scale X, --slow N, --record FILE, -q, -v, -d, --no-color, --ascii, "
		    "--projector, --no-mouse and --history)",
		    o);
	/* a lesson's recording is the visualizer's, of what it shows */
	if (a->batch.record != NULL && !isatty(STDOUT_FILENO))
		return cmdline_usage_error(NULL,
		    "--record with a LESSON records the visualizer, which needs a terminal "
		    "(headless: gsched --batch --record FILE)");
	if (lesson_resolve(a->name, path, sizeof path, err, sizeof err) != 0 ||
	    lesson_load(path, &g, err, sizeof err) != 0) {
		fprintf(stderr, "gsched: %s\n", err);
		return 2;
	}
	/* the config's settings first: the lesson's own slow N wins over them */
	if (!a->batch.batch && isatty(STDOUT_FILENO) && (rc = load_config(a, shown)) != 0) {
		lesson_program_free(g);
		return rc;
	}
	/* the lesson's own `slow N`, unless --slow says otherwise */
	if (a->batch.slow == 0 && g->slow > 0)
		a->lesson.slow = a->tui.slow = g->slow;
	if (a->batch.batch || !isatty(STDOUT_FILENO)) {
		rc = lesson_run_batch(g, &a->lesson);
	} else {
		tui_opts_finish(&a->tui);
		a->tui.lesson = g;
		a->tui.time_scale = a->lesson.time_scale;
		a->tui.record = a->batch.record;
		rc = tui_main(&a->tui);
	}
	lesson_program_free(g);
	return rc;
}

/*
 * --replay FILE in the visualizer, or as text?  The visualizer when none of
 * the text's own options is given and either one of the visualizer's is, or
 * stdout is a terminal; the text otherwise, as before there was a choice
 * (pipes and tests read it).
 */
static bool
replay_shown(const struct args *a)
{
	static const int visual_only[] = { TUI_OPT_NO_COLOR, TUI_OPT_ASCII, TUI_OPT_PROJECTOR,
		TUI_OPT_HISTORY, TUI_OPT_NO_MOUSE };

	if (a->batch.batch || a->batch.trace || a->batch.json || a->batch.verbose || a->batch.step)
		return false;
	for (size_t i = 0; i < sizeof visual_only / sizeof visual_only[0]; i++)
		if (seen(a, visual_only[i]))
			return true;
	return isatty(STDOUT_FILENO);
}

/* A recording played in the visualizer: the same panels and keys as live,
 * with play, speed and seeking (ui/tui_rewind.c). */
static int
run_replay(struct args *a)
{
	static const int allowed[] = { BATCH_OPT_REPLAY, 'd', TUI_OPT_NO_COLOR, TUI_OPT_ASCII,
		TUI_OPT_PROJECTOR, TUI_OPT_HISTORY, TUI_OPT_NO_MOUSE, 0 };
	const char *o;
	int rc;

	/* a recording keeps its own time between ticks, unless -d says otherwise */
	static const int configured[] = { TUI_OPT_NO_COLOR, TUI_OPT_ASCII, TUI_OPT_PROJECTOR,
		TUI_OPT_HISTORY, TUI_OPT_NO_MOUSE, 0 };
	if ((rc = batch_check(&a->batch)) != 0)
		return rc;
	if ((o = first_other(a, allowed)) != NULL)
		return cmdline_usage_error(NULL,
		    "option '%s' cannot be used with --replay in the visualizer (it takes -d, "
		    "--no-color, --ascii, --projector, --no-mouse and --history)",
		    o);
	if ((rc = load_config(a, configured)) != 0)
		return rc;
	tui_opts_finish(&a->tui);
	a->tui.replay = a->batch.replay;
	return tui_main(&a->tui);
}

/* The options of the live visualizer alone. */
static const int visual[] = { 'd', 'p', TUI_OPT_NO_COLOR, TUI_OPT_ASCII, TUI_OPT_PROJECTOR,
	CMDLINE_KEY_SLOW, TUI_OPT_HISTORY, TUI_OPT_NO_MOUSE, 0 };

/* The visualizer: on the introductory lesson when there were no arguments. */
static int
run_visualizer(struct args *a, int argc)
{
	static const int lesson[] = { 'd', TUI_OPT_NO_COLOR, TUI_OPT_ASCII, TUI_OPT_PROJECTOR,
		CMDLINE_KEY_SLOW, TUI_OPT_HISTORY, TUI_OPT_NO_MOUSE, 0 };
	char path[PATH_MAX + 32], err[1024];
	lesson_program *intro = NULL;
	int rc;

	/* the introductory lesson sets its own procs, as any lesson */
	if ((rc = load_config(a, argc < 2 ? lesson : visual)) != 0)
		return rc;
	tui_opts_finish(&a->tui);
	/* without the intro (not installed, broken) the default workload */
	if (argc < 2 && lesson_resolve(TUI_INTRO_LESSON, path, sizeof path, err, sizeof err) == 0 &&
	    lesson_load(path, &intro, err, sizeof err) == 0)
		a->tui.lesson = intro;
	rc = tui_main(&a->tui);
	lesson_program_free(intro);
	return rc;
}

/*
 * --record FILE alone (or with the visualizer's options) and a terminal on
 * stdout: the visualizer, recording what it shows.  With --batch, --trace,
 * --replay or an observation-only option (-n, -w, -v, --json), or without a
 * terminal, it stays the headless run it always was.
 */
static bool
records_visualizer(const struct args *a)
{
	static const int visual_rec[] = { 'd', 'p', TUI_OPT_NO_COLOR, TUI_OPT_ASCII,
		TUI_OPT_PROJECTOR, CMDLINE_KEY_SLOW, BATCH_OPT_RECORD, TUI_OPT_HISTORY,
		TUI_OPT_NO_MOUSE, 0 };

	return a->batch.record != NULL && !a->batch.batch && a->batch.trace == NULL &&
	    a->batch.replay == NULL && first_other(a, visual_rec) == NULL && isatty(STDOUT_FILENO);
}

static int
run(int argc, char **argv)
{
	static const int observing[] = { 'd', 'p', BATCH_OPT_BATCH, 'n', 'w', 'v', BATCH_OPT_JSON,
		BATCH_OPT_RECORD, BATCH_OPT_TRACE, BATCH_OPT_REPLAY, BATCH_OPT_REPLAY_STEP,
		CMDLINE_KEY_SLOW, 0 };
	static struct args a; /* large (every option seen): off a small stack */
	const char *o, *mode;
	int rc;

	if (argc >= 2 && strcmp(argv[1], "bench") == 0)
		return bench_main(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "compare") == 0)
		return compare_main(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "status") == 0)
		return status_main(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "go") == 0)
		return go_main(argc - 1, argv + 1);

	if ((rc = parse_args(argc, argv, &a)) != 0)
		return rc;
	if (a.help) {
		if ((rc = check_alone(&a, 'h')) != 0)
			return rc;
		usage(stdout);
		return 0;
	}
	if (a.version) {
		if ((rc = check_alone(&a, MAIN_OPT_VERSION)) != 0)
			return rc;
		printf("gsched %s\n", PACKAGE_VERSION);
		return 0;
	}
	if (a.list) {
		if ((rc = check_alone(&a, MAIN_OPT_LIST)) != 0)
			return rc;
		return lesson_list(stdout);
	}
	if (a.name != NULL)
		return run_lesson(&a);
	if ((o = seen(&a, MAIN_OPT_TIME_SCALE)) != NULL || (o = seen(&a, 'q')) != NULL)
		return cmdline_usage_error(NULL, "%s needs a LESSON ('gsched --list' lists them)",
		    o);
	if (records_visualizer(&a)) {
		a.tui.record = a.batch.record;
		return run_visualizer(&a, argc);
	}
	mode = a.batch.replay ? "--replay"
	    : a.batch.batch   ? "--batch"
	    : a.batch.record  ? "--record"
	    : a.batch.trace   ? "--trace"
			      : NULL;
	if (a.batch.replay && replay_shown(&a))
		return run_replay(&a);
	if (mode != NULL) {
		if ((o = first_other(&a, observing)) != NULL)
			return cmdline_usage_error(NULL,
			    "option '%s' cannot be used with %s (it is the visualizer's)", o, mode);
		if ((rc = batch_check(&a.batch)) != 0)
			return rc;
		return batch_run(&a.batch);
	}
	if (first_other(&a, visual) != NULL)
		return batch_check(&a.batch); /* -n, -w, -v, --json: observation only */
	return run_visualizer(&a, argc);
}

/* glibc gives a thread made without attributes a stack of RLIMIT_STACK: a
 * small ulimit -s (16 KiB) would make the program's own threads (the
 * session, the observer) as small.  Keep them at 256 KiB at least, as the
 * runtime's Ms are; a usual limit (8 MiB) is left as it is. */
static void
thread_stack_min(void)
{
	enum { MIN = 256 * 1024 };
	pthread_attr_t a;
	size_t sz;

	if (pthread_getattr_default_np(&a) != 0)
		return;
	if (pthread_attr_getstacksize(&a, &sz) == 0 && sz < MIN &&
	    pthread_attr_setstacksize(&a, MIN) == 0)
		(void)pthread_setattr_default_np(&a);
	pthread_attr_destroy(&a);
}

/* The main thread's stack is RLIMIT_STACK (ulimit -s): a small one (16 KiB)
 * cannot hold the program's deeper paths (a lesson's tick with its
 * formatting, the dynamic linker's lazy binding).  Then the program runs on
 * a thread of its own with a stack of the usual size, and main waits. */
#define MAIN_STACK (8 * 1024 * 1024)

struct program_call {
	int argc;
	char **argv;
	int rc;
};

static void *
program_thread(void *arg)
{
	struct program_call *c = arg;
	c->rc = tick_stdout_finish(run(c->argc, c->argv));
	return NULL;
}

int
main(int argc, char **argv)
{
	struct rlimit rl;
	pthread_attr_t a;
	pthread_t t;

	/* A reader of stdout that goes away (gsched --batch --json | head -1)
	 * ends the run quietly at its next flush (tick_fflush), with complete
	 * lines and the files finished, instead of killing it mid-write.  On a
	 * terminal stdout never sees EPIPE; SIGPIPE keeps its default there, for
	 * the visualizer's own handling of signals. */
	if (!isatty(STDOUT_FILENO))
		signal(SIGPIPE, SIG_IGN);
	/* the runtime's fatal errors (thread exhaustion and the like) exit 1,
	 * "the runtime failed": 2 is a usage error here (usage()'s table) */
	gs_set_fatal_status(1);
	workload_nofile_max();
	thread_stack_min();
	if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur < 1024 * 1024 && pthread_attr_init(&a) == 0) {
		struct program_call c = { argc, argv, 1 };
		int err = pthread_attr_setstacksize(&a, MAIN_STACK);
		if (err == 0)
			err = pthread_create(&t, &a, program_thread, &c);
		pthread_attr_destroy(&a);
		if (err == 0 && pthread_join(t, NULL) == 0)
			return tick_stop_exit(c.rc);
	}
	return tick_stop_exit(tick_stdout_finish(run(argc, argv)));
}
