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
#include <unistd.h>

#include "format/schedtrace.h"
#include "cmd/batch.h"
#include "format/parse.h"
#include "live/ticker.h"
#include "format/record.h"
#include "format/chrometrace.h"
#include "live/workload.h"

#define TICKS_MAX 1000000
#define TENTHS_MAX 600
#define PROCS_MAX 256
#define SPAWNS_MAX 32
#define COUNT_MAX 10000
#define RUNQ_LISTED 32 /* queued goroutines listed per P in snapshots */

struct cliopts {
	bool batch, verbose, json, step;
	bool have_n, have_d, have_p;
	int ticks, tenths, procs;
	const char *record, *replay, *trace;
	ticker_spawn spawns[SPAWNS_MAX];
	char spawnnames[SPAWNS_MAX][32];
	int nspawns;
};

void
batch_usage(FILE *f)
{
	fputs("Observation (no terminal needed):\n"
	      "  gsched --batch [-n TICKS] [-d TENTHS] [-p PROCS] [-w "
	      "WORKLOAD[:COUNT]]...\n"
	      "                 [-v] [--json] [--record FILE] [--trace FILE]\n"
	      "  gsched --replay FILE [--replay-step] [-d TENTHS] [-v] [--json] "
	      "[--batch]\n"
	      "                 [--trace FILE]\n"
	      "\n"
	      "      --batch        run workloads live and print one line per tick in "
	      "Go's\n"
	      "                     schedtrace format (SCHED <ms>ms: gomaxprocs=... "
	      "[queues])\n"
	      "  -n TICKS           ticks to run (1..1000000, default 50)\n"
	      "  -d, --delay TENTHS tenths of a second between ticks (1..600, default "
	      "1);\n"
	      "                     with --replay: pause that long between ticks "
	      "(default none)\n"
	      "  -p, --procs PROCS  GOMAXPROCS for the live run (1..256, default: the "
	      "runtime's)\n"
	      "  -w, --workload W[:COUNT]\n"
	      "                     run workload W (COUNT goroutines; repeatable) "
	      "instead of\n"
	      "                     the default scenario (a few of every kind)\n"
	      "  -v                 scheddetail: a P line per P and an M line per M as "
	      "well\n"
	      "      --json         one JSON object per tick instead "
	      "(docs/recording.md)\n"
	      "      --record FILE  write snapshots and events as JSON Lines (schema:\n"
	      "                     docs/recording.md); runs the live scenario (printing "
	      "only\n"
	      "                     with --batch)\n"
	      "      --trace FILE   write a Chrome/Perfetto trace (load it in "
	      "ui.perfetto.dev\n"
	      "                     or chrome://tracing): a track per P and per M\n"
	      "      --replay FILE  play a recording through the batch output (or, with\n"
	      "                     --trace and no --batch, only convert it)\n"
	      "      --replay-step  with --replay: wait for Enter between ticks (when "
	      "stdin is\n"
	      "                     a terminal)\n"
	      "\n"
	      "Workloads (default count):\n",
	    f);
	workload_list(f);
	fputs("\nExit status: 0 ok, 1 the runtime or writing failed, 2 a usage error or "
	      "a bad\nrecording.\n",
	    f);
}

bool
batch_handles(const char *a)
{
	static const char *const opts[] = { "--batch", "--record", "--replay", "--trace", "--json",
		"--replay-step", "--workload" };
	for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++) {
		size_t n = strlen(opts[i]);
		if (strncmp(a, opts[i], n) == 0 && (a[n] == '\0' || a[n] == '='))
			return true;
	}
	return (a[0] == '-' && strchr("ndpvw", a[1]) && a[1] != '\0');
}

static int
uerr(const char *fmt, const char *a, const char *b)
{
	fputs("gsched: ", stderr);
	fprintf(stderr, fmt, a, b);
	fputs("\nTry 'gsched --help'.\n", stderr);
	return 2;
}

/* The value of option argv[*i] (attached "-n5"/"--x=v" or the next word). */
static const char *
optval(int argc, char **argv, int *i, size_t namelen)
{
	const char *a = argv[*i];

	if (a[1] != '-' && a[2] != '\0')
		return a + 2;
	if (a[1] == '-' && a[namelen] == '=')
		return a + namelen + 1;
	if (*i + 1 >= argc)
		return NULL;
	return argv[++*i];
}

static int
parse(int argc, char **argv, struct cliopts *o)
{
	memset(o, 0, sizeof *o);
	o->ticks = 50;
	o->tenths = 1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v;
		size_t ln = strcspn(a, "=");
		char name[32];
		snprintf(name, sizeof name, "%.*s", (int)(ln < 31 ? ln : 31), a);

#define IS(s) (strcmp(name, s) == 0)
#define FLAG(s) (strcmp(a, s) == 0)
		if (FLAG("--batch")) {
			o->batch = true;
		} else if (FLAG("-v")) {
			o->verbose = true;
		} else if (FLAG("--json")) {
			o->json = true;
		} else if (FLAG("--replay-step")) {
			o->step = true;
		} else if (IS("--delay") || IS("--procs") ||
		    (a[0] == '-' && a[1] != '-' && strchr("ndpw", a[1]) && a[1])) {
			/* --delay and --procs: the visualizer's spellings of -d, -p */
			char sh = a[1] == '-' ? a[2] : a[1];
			char opt[3] = { '-', sh, '\0' };
			if ((v = optval(argc, argv, &i, a[1] == '-' ? ln : 2)) == NULL)
				return uerr("option '%s' needs a value%s", opt, "");
			if (sh == 'n') {
				if (!parse_int(v, 1, TICKS_MAX, &o->ticks))
					return uerr("-n: '%s' is not a number of ticks "
						    "from 1 "
						    "to 1000000%s",
					    v, "");
				o->have_n = true;
			} else if (sh == 'd') {
				if (!parse_int(v, 1, TENTHS_MAX, &o->tenths))
					return uerr("-d: '%s' is not a number of tenths of a "
						    "second from 1 to 600%s",
					    v, "");
				o->have_d = true;
			} else if (sh == 'p') {
				if (!parse_int(v, 1, PROCS_MAX, &o->procs))
					return uerr("-p: '%s' is not a number of Ps from "
						    "1 to "
						    "256%s",
					    v, "");
				o->have_p = true;
			} else {
				goto workload;
			}
		} else if (IS("--workload")) {
			if ((v = optval(argc, argv, &i, ln)) == NULL)
				return uerr("option '%s' needs a value%s", "--workload", "");
		workload:
			if (o->nspawns == SPAWNS_MAX)
				return uerr("too many workloads (at most 32)%s%s", "", "");
			{
				char *dst = o->spawnnames[o->nspawns];
				const char *colon = strchr(v, ':');
				size_t nl = colon ? (size_t)(colon - v) : strlen(v);
				int count = 0;
				if (nl >= sizeof o->spawnnames[0])
					return uerr("unknown workload '%s'%s", v, "");
				memcpy(dst, v, nl);
				dst[nl] = '\0';
				if (workload_find(dst) == NULL)
					return uerr("unknown workload '%s'%s", dst, "");
				if (colon && !parse_int(colon + 1, 1, COUNT_MAX, &count))
					return uerr("workload count '%s' is not a number "
						    "from 1 "
						    "to 10000%s",
					    colon + 1, "");
				o->spawns[o->nspawns].name = dst;
				o->spawns[o->nspawns].count = count;
				o->nspawns++;
			}
		} else if (IS("--record") || IS("--replay") || IS("--trace")) {
			const char **dst = IS("--record") ? &o->record
			    : IS("--replay")              ? &o->replay
							  : &o->trace;
			char opt[32];
			snprintf(opt, sizeof opt, "%s", name);
			if ((v = optval(argc, argv, &i, ln)) == NULL || *v == '\0')
				return uerr("option '%s' needs a file name%s", opt, "");
			if (*dst)
				return uerr("option '%s' given twice%s", opt, "");
			*dst = v;
		} else if (FLAG("-h") || FLAG("--help")) {
			return uerr("--help takes no other options%s%s", "", "");
		} else if (a[0] == '-') {
			return uerr("unknown option '%s'%s", a, "");
		} else {
			return uerr("unexpected argument '%s'%s", a, "");
		}
#undef IS
#undef FLAG
	}
	if (o->replay) {
		if (o->have_p || o->nspawns || o->have_n)
			return uerr("%s cannot be used with --replay%s",
			    o->have_p        ? "-p"
				: o->nspawns ? "-w"
					     : "-n",
			    "");
		if (o->record)
			return uerr("--record cannot be used with --replay%s%s", "", "");
	} else {
		if (o->step)
			return uerr("--replay-step needs --replay%s%s", "", "");
		if (!o->batch && !o->record && !o->trace)
			return uerr("nothing to do: give --batch, --record, --trace or "
				    "--replay%s%s",
			    "", "");
	}
	const char *files[3] = { o->record, o->replay, o->trace };
	for (int x = 0; x < 3; x++)
		for (int y = x + 1; y < 3; y++)
			if (files[x] && files[y] && strcmp(files[x], files[y]) == 0)
				return uerr("'%s' is given as two files at once%s", files[x], "");
	return 0;
}

int
batch_main(int argc, char **argv)
{
	struct cliopts o;
	record_writer rec;
	chrometrace_writer *tr = NULL;
	tick_sink sinks[3];
	int ns = 0, rc;
	char err[600];
	schedtrace_opts bo;

	if ((rc = parse(argc, argv, &o)) != 0)
		return rc;

	if (o.replay) {
		FILE *f = fopen(o.replay, "r");
		if (f == NULL) {
			snprintf(err, sizeof err, "%s", strerror(errno));
			return uerr("cannot open '%s': %s", o.replay, err);
		}
		fclose(f);
	}
	if (o.record && record_writer_open(&rec, o.record, err, sizeof err) != 0)
		return uerr("%s%s", err, "");
	if (o.trace && (tr = chrometrace_open(o.trace, err, sizeof err)) == NULL) {
		if (o.record) {
			record_writer_abort(&rec);
			unlink(o.record);
		}
		return uerr("%s%s", err, "");
	}

	memset(&bo, 0, sizeof bo);
	bo.out = stdout;
	bo.detail = o.verbose;
	bo.json = o.json;
	if (o.replay) {
		bo.step = o.step;
		bo.stepin = o.step && isatty(0) ? stdin : NULL;
		bo.replay_delay_ns = o.have_d ? (uint64_t)o.tenths * 100000000 : 0;
	}
	bool print = o.batch || (o.replay && !o.trace);
	if (print)
		sinks[ns++] = schedtrace_sink(&bo);
	if (o.record)
		sinks[ns++] = record_sink(&rec);
	if (tr)
		sinks[ns++] = chrometrace_sink(tr);

	if (o.replay) {
		rc = record_replay(o.replay, sinks, ns);
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
		};
		rc = ticker_run_live(&live, sinks, ns);
		if (o.record && rec.f) /* the end never came */
			record_writer_abort(&rec);
	}
	bool incomplete = rc != 0;
	if (rc == 3) /* --replay-step: end of input */
		rc = 0;
	if (tr) {
		chrometrace_free(tr);
		if (incomplete)
			unlink(o.trace); /* never leave half a JSON document */
	}
	return rc;
}

/* A usage error in the same shape for the visualizer's options (ui/tui.c). */
int
batch_usage_error(const char *msg)
{
	return uerr("%s%s", msg, "");
}
