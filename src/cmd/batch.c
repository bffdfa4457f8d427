/*
 * batch.c - parsing and running the observation options (batch.h).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "format/schedtrace.h"
#include "cmd/batch.h"
#include "format/cmdline.h"
#include "format/godebug.h"
#include "format/parse.h"
#include "live/ticker.h"
#include "format/record.h"
#include "format/chrometrace.h"
#include "live/workload.h"

#define TICKS_MAX 1000000
#define COUNT_MAX 10000
#define RUNQ_LISTED 32 /* queued goroutines listed per P in snapshots */

const cmdline_opt batch_options[] = {
	{ "batch", BATCH_OPT_BATCH, no_argument, NULL,
	    "run workloads live and print one line per tick in Go's\n"
	    "schedtrace format (SCHED <ms>ms: gomaxprocs=... [queues]);\n"
	    "with a LESSON: run the lesson headless" },
	{ NULL, 'n', required_argument, "TICKS", "ticks to run (1..1000000, default 50)" },
	{ "delay", 'd', required_argument, "DELAY",
	    "between ticks, as for the visualizer; with --replay:\n"
	    "a pause between ticks (default none)" },
	{ "procs", 'p', required_argument, "PROCS", "GOMAXPROCS for the live run (1..256)" },
	{ "workload", 'w', required_argument, "W[:COUNT]",
	    "run workload W (COUNT goroutines; repeatable) instead of\n"
	    "the default scenario (a few of every kind)" },
	{ NULL, 'v', no_argument, NULL,
	    "scheddetail: a P line per P, an M line per M and a G\n"
	    "line per goroutine as well" },
	{ "json", BATCH_OPT_JSON, no_argument, NULL,
	    "one JSON object per tick instead (docs/recording.md)" },
	{ "record", BATCH_OPT_RECORD, required_argument, "FILE",
	    "write snapshots and events as JSON Lines (schema:\n"
	    "docs/recording.md); runs the live scenario (printing only\n"
	    "with --batch).  With a terminal and none of --batch,\n"
	    "--trace, -n, -w, -v, --json: the visualizer (or LESSON)\n"
	    "records what it shows (R starts and stops it there)" },
	{ "trace", BATCH_OPT_TRACE, required_argument, "FILE",
	    "write a Chrome/Perfetto trace (load it in ui.perfetto.dev\n"
	    "or chrome://tracing): a track per P and per M" },
	{ "replay", BATCH_OPT_REPLAY, required_argument, "FILE",
	    "play a recording through the batch output (or, with\n"
	    "--trace and no --batch, only convert it); on a terminal\n"
	    "without --batch, --json, -v, --trace or --replay-step:\n"
	    "in the visualizer (see its keys above)" },
	{ "slow", CMDLINE_KEY_SLOW, required_argument, "N", CMDLINE_SLOW_HELP },
	{ "replay-step", BATCH_OPT_REPLAY_STEP, no_argument, NULL,
	    "with --replay: wait for Enter between ticks (when stdin is\n"
	    "a terminal)" },
};
const int batch_noptions = sizeof batch_options / sizeof batch_options[0];

void
batch_usage(FILE *f)
{
	fputs("Observation (no terminal needed):\n"
	      "  gsched --batch [-n TICKS] [-d DELAY] [-p PROCS] [-w WORKLOAD[:COUNT]]...\n"
	      "                 [-v] [--json] [--record FILE] [--trace FILE] [--slow N]\n"
	      "  gsched --replay FILE [--replay-step] [-d DELAY] [-v] [--json] [--batch]\n"
	      "                 [--trace FILE]\n"
	      "\n",
	    f);
	cmdline_help(f, batch_options, batch_noptions);
	fputs("\nWorkloads (default count):\n", f);
	workload_list(f);
}

void
batch_opts_init(batch_opts *o)
{
	memset(o, 0, sizeof *o);
	o->ticks = 50;
	o->tenths = 1;
}

/* -w W[:COUNT] */
static int
add_workload(batch_opts *o, const char *v)
{
	char *dst = o->spawnnames[o->nspawns];
	const char *colon = strchr(v, ':');
	size_t nl = colon ? (size_t)(colon - v) : strlen(v);
	int count = 0;

	if (o->nspawns == BATCH_SPAWNS_MAX)
		return cmdline_usage_error(NULL, "too many workloads (at most %d)",
		    BATCH_SPAWNS_MAX);
	if (nl >= sizeof o->spawnnames[0])
		return cmdline_usage_error(NULL, "unknown workload '%s'", v);
	memcpy(dst, v, nl);
	dst[nl] = '\0';
	if (workload_find(dst) == NULL)
		return cmdline_usage_error(NULL, "unknown workload '%s'", dst);
	if (colon && !parse_int(colon + 1, 1, COUNT_MAX, &count))
		return cmdline_usage_error(NULL, "workload count '%s' is not a number from 1 to %d",
		    colon + 1, COUNT_MAX);
	o->spawns[o->nspawns].name = dst;
	o->spawns[o->nspawns].count = count;
	o->nspawns++;
	return 0;
}

int
batch_option(batch_opts *o, int key, const char *v, const char *spelled)
{
	const char **file;

	switch (key) {
	case BATCH_OPT_BATCH:
		o->batch = true;
		return 0;
	case 'v':
		o->verbose = true;
		return 0;
	case BATCH_OPT_JSON:
		o->json = true;
		return 0;
	case BATCH_OPT_REPLAY_STEP:
		o->step = true;
		return 0;
	case 'n':
		if (!parse_int(v, 1, TICKS_MAX, &o->ticks))
			return cmdline_usage_error(NULL,
			    "%s: '%s' is not a number of ticks from 1 to %d", spelled, v,
			    TICKS_MAX);
		o->have_n = true;
		return 0;
	case 'w':
		return add_workload(o, v);
	case CMDLINE_KEY_SLOW:
		return cmdline_slow(v, spelled, &o->slow);
	case 'd':
		o->have_d = true;
		return cmdline_delay(v, spelled, &o->tenths);
	case 'p':
		o->have_p = true;
		return cmdline_procs(v, spelled, &o->procs);
	case BATCH_OPT_RECORD:
	case BATCH_OPT_TRACE:
	case BATCH_OPT_REPLAY:
		file = key == BATCH_OPT_RECORD ? &o->record
		    : key == BATCH_OPT_TRACE   ? &o->trace
					       : &o->replay;
		if (*v == '\0')
			return cmdline_usage_error(NULL, "option '%s' needs a file name", spelled);
		if (*file)
			return cmdline_usage_error(NULL, "option '%s' given twice", spelled);
		*file = v;
		return 0;
	}
	return cmdline_usage_error(NULL, "%s is not an observation option", spelled);
}

int
batch_check(const batch_opts *o)
{
	if (o->replay) {
		if (o->have_p || o->nspawns || o->have_n)
			return cmdline_usage_error(NULL, "%s cannot be used with --replay",
			    o->have_p        ? "-p"
				: o->nspawns ? "-w"
					     : "-n");
		if (o->slow)
			return cmdline_usage_error(NULL,
			    "--slow cannot be used with --replay (a recording keeps the speed "
			    "it was made at)");
		if (o->record)
			return cmdline_usage_error(NULL, "--record cannot be used with --replay");
	} else {
		if (o->step)
			return cmdline_usage_error(NULL, "--replay-step needs --replay");
		if (!o->batch && !o->record && !o->trace)
			return cmdline_usage_error(NULL,
			    "nothing to do: give --batch, --record, --trace or --replay");
	}
	const char *files[3] = { o->record, o->replay, o->trace };
	for (int x = 0; x < 3; x++)
		for (int y = x + 1; y < 3; y++)
			if (files[x] && files[y] && strcmp(files[x], files[y]) == 0)
				return cmdline_usage_error(NULL,
				    "'%s' is given as two files at once", files[x]);
	return 0;
}

/* Remove an output file left half written: only a regular file, never a
 * device, FIFO or link the user named as the output (/dev/full, /dev/stdout). */
static void
unlink_partial(const char *path)
{
	struct stat st;

	if (lstat(path, &st) == 0 && S_ISREG(st.st_mode))
		unlink(path);
}

int
batch_run(const batch_opts *op)
{
	/* static: the options are large and the stack may be small (ulimit -s
	 * 16); one run at a time */
	static batch_opts o;
	o = *op;
	record_writer rec;
	chrometrace_writer *tr = NULL;
	tick_sink sinks[3];
	int ns = 0, rc;
	char err[600];
	schedtrace_opts bo;

	/* asked, not opened: opening a FIFO would wait for its writer, and the
	 * writer, met once here, would be gone for record_open */
	if (o.replay && !(o.replay_godebug && strcmp(o.replay, "-") == 0) &&
	    access(o.replay, R_OK) != 0) {
		snprintf(err, sizeof err, "%s", strerror(errno));
		return cmdline_usage_error(NULL, "cannot open '%s': %s", o.replay, err);
	}
	if (o.record && record_writer_open(&rec, o.record, err, sizeof err) != 0)
		return cmdline_usage_error(NULL, "%s", err);
	if (o.trace && (tr = chrometrace_open(o.trace, err, sizeof err)) == NULL) {
		if (o.record) {
			record_writer_abort(&rec);
			unlink_partial(o.record);
		}
		return cmdline_usage_error(NULL, "%s", err);
	}

	memset(&bo, 0, sizeof bo);
	bo.out = stdout;
	bo.detail = o.verbose;
	bo.json = o.json;
	if (o.replay) {
		bo.step = o.step;
		bo.stepin = o.step && isatty(0) ? stdin : NULL;
		/* read a byte at a time: the wait for Enter polls the descriptor,
		 * which cannot see what a buffer holds (tick_wait_readable) */
		if (bo.stepin != NULL)
			setvbuf(stdin, NULL, _IONBF, 0);
		bo.replay_delay_ns = o.have_d ? (uint64_t)o.tenths * 100000000 : 0;
	}
	bool print = o.batch || (o.replay && !o.trace);
	if (print)
		sinks[ns++] = schedtrace_sink(&bo);
	if (o.record)
		sinks[ns++] = record_sink(&rec);
	if (tr)
		sinks[ns++] = chrometrace_sink(tr);

	/* SIGINT, SIGTERM and SIGHUP end the run after the tick in progress,
	 * with every file finished (tick.h) */
	tick_stop_catch(true);
	if (o.replay) {
		rc = o.replay_godebug ? godebug_replay(o.replay, sinks, ns)
				      : record_replay(o.replay, sinks, ns);
	} else {
		ticker_live live = {
			.ticks = o.ticks,
			.interval_ns = (uint64_t)o.tenths * 100000000,
			.procs = o.procs,
			.spawns = o.nspawns ? o.spawns : NULL,
			.nspawns = o.nspawns,
			.runq_max = RUNQ_LISTED,
			.max_m = 0,
			.events = o.record || o.trace || o.json,
			.goroutines = o.verbose, /* scheddetail's G lines */
			.timescale = o.slow,
		};
		/* Go's SCHED line has no room to say it: a note, once */
		if (print && !o.json && o.slow > 1)
			fprintf(stderr,
			    "gsched: slow motion x%d: every scheduler time below is %d times "
			    "that of real speed\n",
			    o.slow, o.slow);
		rc = ticker_run_live(&live, sinks, ns);
		if (o.record && rec.f) /* the end never came */
			record_writer_abort(&rec);
	}
	if (rc == TICK_SINK_DONE) /* --replay-step: end of input; stdout's reader gone */
		rc = 0;
	if (tr) {
		bool whole = chrometrace_finished(tr);
		chrometrace_free(tr);
		if (!whole)
			unlink_partial(o.trace); /* never leave half a JSON document */
	}
	return tick_stop_status(rc);
}

int
batch_main(int argc, char **argv)
{
	static batch_opts o; /* large: off a small stack (see batch_run) */
	const char *v;
	cmdline c;
	int key, rc;

	batch_opts_init(&o);
	cmdline_init(&c, batch_options, batch_noptions, NULL, argc, argv);
	while ((key = cmdline_next(&c, &v)) != CMDLINE_END) {
		if (key == CMDLINE_ERROR)
			return 2;
		if (key == CMDLINE_OPERAND)
			return cmdline_usage_error(NULL, "unexpected argument '%s'", v);
		if ((rc = batch_option(&o, key, v, cmdline_spelled(&c))) != 0)
			return rc;
	}
	if ((rc = batch_check(&o)) != 0)
		return rc;
	return batch_run(&o);
}
