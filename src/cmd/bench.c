/*
 * bench.c - `gsched bench`: the table of workloads, the reports and the command
 * line (the workloads themselves are in bench_work.c and bench_load.c).
 *
 * Each workload is one entry of benchtab: a name, the unit of its headline value,
 * a default and a largest n, and two functions.  run() executes on the main
 * goroutine inside gs_run and only measures: it fills a struct benchround with
 * numbers.  report() runs on the calling thread after gs_run has returned and
 * prints the round's line.  Keeping stdio out of goroutines matters: `--stack
 * 2048` makes goroutines 2 KiB small-stack goroutines (the main one too, as
 * cfg.stack_size is the runtime's default), and vfprintf alone needs more than
 * that.  For the same reason run() keeps its frames small and reads
 * /proc/self/status into a static buffer.
 *
 * Adding a workload is a run function, perhaps a report function, and one entry.
 * tests/bench/peer.go implements the same table in Go; keep the two in step.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gsched.h>
#include <gsched/observe.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cmd/bench.h"
#include "cmd/bench_work.h"
#include "format/cmdline.h"
#include "format/parse.h"
#include "cmd/procstat.h"

/* ---- reports (on the calling thread, after gs_run) ------------------------ */

/* `<name> <ns> <unit> n=N procs=P`: spawn, yield, pingpong. */
static void
report_pertask(FILE *f, const struct benchworkload *w, const struct benchopts *o,
    const struct benchround *r)
{
	fprintf(f, "%s %.1f %s n=%" PRId64 " procs=%d\n", w->name, r->value, w->unit, o->n,
	    r->procs);
}

/* Lines end with " stack=SIZE" when --stack was given (Go has no such knob). */
static void
report_end(FILE *f, const struct benchopts *o)
{
	if (o->stack_size != 0)
		fprintf(f, " stack=%zu", o->stack_size);
	if (o->accounting)
		fputs(" accounting=on", f);
	/* --observe: what the observer did over all the rounds. */
	if (o->observe_hz != 0)
		fprintf(f,
		    " observe=%d snaps=%" PRIu64 " events=%" PRIu64 " dropped=%" PRIu64
		    " snap_us=%.1f",
		    o->observe_hz, bench__observer.snaps, bench__observer.events,
		    bench__observer.dropped,
		    bench__observer.snaps
			? (double)bench__observer.snap_ns / (double)bench__observer.snaps / 1e3
			: 0.0);
	fputc('\n', f);
}

/* In a -p sweep, lines that would not say procs= say it (the others always do). */
static void
report_sweep_procs(FILE *f, const struct benchopts *o, const struct benchround *r)
{
	if (o->sweep)
		fprintf(f, " procs=%d", r->procs);
}

static void
report_park(FILE *f, const struct benchworkload *w, const struct benchopts *o,
    const struct benchround *r)
{
	fprintf(f, "%s %lld %s n=%" PRId64 " start_s=%.3f total_s=%.3f threads=%lld", w->name,
	    (long long)r->value, w->unit, o->n, r->start_s, r->total_s, r->threads);
	report_sweep_procs(f, o, r);
	report_end(f, o);
}

/* A duration the way both bench programs print one: 1s, 100ms, 250us, 1500ns
 * (the largest unit that divides it; peer.go's fmtDuration is the same). */
static const char *
fmt_duration(char *buf, size_t size, int64_t ns)
{
	if (ns % 1000000000 == 0)
		snprintf(buf, size, "%" PRId64 "s", ns / 1000000000);
	else if (ns % 1000000 == 0)
		snprintf(buf, size, "%" PRId64 "ms", ns / 1000000);
	else if (ns % 1000 == 0)
		snprintf(buf, size, "%" PRId64 "us", ns / 1000);
	else
		snprintf(buf, size, "%" PRId64 "ns", ns);
	return buf;
}

static void
report_sleep(FILE *f, const struct benchworkload *w, const struct benchopts *o,
    const struct benchround *r)
{
	char d[32];

	fprintf(f, "%s %.3f %s n=%" PRId64 " sleep=%s overhead_ms=%.1f threads=%lld", w->name,
	    r->value, w->unit, o->n, fmt_duration(d, sizeof(d), o->duration_ns), r->overhead_ms,
	    r->threads);
	report_sweep_procs(f, o, r);
	report_end(f, o);
}

/* syscallblock (block=D) and netwait (wait=D). */
static void
report_blocking(FILE *f, const struct benchworkload *w, const struct benchopts *o,
    const struct benchround *r)
{
	char d[32];

	fprintf(f, "%s %.3f %s n=%" PRId64 " %s=%s peak_threads=%lld procs=%d", w->name, r->value,
	    w->unit, o->n, strcmp(w->name, "netwait") == 0 ? "wait" : "block",
	    fmt_duration(d, sizeof(d), o->duration_ns), r->threads, r->procs);
	report_end(f, o);
}

static void
report_cpu(FILE *f, const struct benchworkload *w, const struct benchopts *o,
    const struct benchround *r)
{
	fprintf(f, "%s %.3f %s workers=%d iters=%" PRId64 " procs=%d", w->name, r->value, w->unit,
	    CPU_WORKERS, o->n, r->procs);
	report_end(f, o);
}

static void
report_uneven(FILE *f, const struct benchworkload *w, const struct benchopts *o,
    const struct benchround *r)
{
	fprintf(f, "%s %.3f %s total=%d heavy=%d iters=%" PRId64 " procs=%d", w->name, r->value,
	    w->unit, UNEVEN_TOTAL, UNEVEN_HEAVY, o->n, r->procs);
	report_end(f, o);
}

static void
report_webserver(FILE *f, const struct benchworkload *w, const struct benchopts *o,
    const struct benchround *r)
{
	fprintf(f, "%s %.3f %s n=%" PRId64 " ideal_s=%.3f threads=%lld", w->name, r->value, w->unit,
	    o->n, bench__seconds(WEBSERVER_IDEAL_NS), r->threads);
	report_sweep_procs(f, o, r);
	report_end(f, o);
}

static void
report_snapshot(FILE *f, const struct benchworkload *w, const struct benchopts *o,
    const struct benchround *r)
{
	fprintf(f,
	    "%s %.1f %s procs=%d threads=%lld listed_m=%lld blocked=%" PRId64
	    " mean_us=%.1f tail_us=%.1f iters=%d max_m=%d runq_max=%d\n",
	    w->name, r->value, w->unit, r->procs, r->threads, r->nm, o->n, r->mean_us, r->p99_us,
	    SNAP_ITERS, SNAP_MAX_M, SNAP_RUNQ);
}

static void
report_setprocs(FILE *f, const struct benchworkload *w, const struct benchopts *o,
    const struct benchround *r)
{
	fprintf(f, "%s %.1f %s n=%" PRId64 " busy=%d tail_us=%.1f procs=%d", w->name, r->value,
	    w->unit, o->n, SETPROCS_BUSY, r->p90_us, r->procs);
	report_end(f, o);
}

static void
report_idle(FILE *f, const struct benchworkload *w, const struct benchopts *o,
    const struct benchround *r)
{
	char d[32];

	fprintf(f, "%s %.1f %s sleep=%s threads=%lld procs=%d", w->name, r->value, w->unit,
	    fmt_duration(d, sizeof(d), o->duration_ns), r->threads, r->procs);
	report_end(f, o);
}

/* ---- the table ---------------------------------------------------------- */

static const struct benchworkload benchtab[] = {
	{
	    .name = "spawn",
	    .unit = "ns/goroutine",
	    .what = "spawn N empty goroutines and wait for them",
	    .default_n = 1000000,
	    .max_n = 100000000,
	    .run = bench__spawn,
	    .report = report_pertask,
	},
	{
	    .name = "yield",
	    .unit = "ns/switch",
	    .what = "two goroutines gs_yield N times each, on one P",
	    .default_n = 10000000,
	    .max_n = BENCH_N_MAX,
	    .procs = 1,
	    .run = bench__yield,
	    .report = report_pertask,
	},
	{
	    .name = "pingpong",
	    .unit = "ns/roundtrip",
	    .what = "N round trips over two unbuffered channels",
	    .default_n = 1000000,
	    .max_n = BENCH_N_MAX,
	    .run = bench__pingpong,
	    .report = report_pertask,
	},
	{
	    .name = "park",
	    .unit = "bytes/goroutine",
	    .what = "N goroutines block on one channel: memory, start time",
	    .default_n = 1000000,
	    .max_n = 10000000,
	    .run = bench__park,
	    .report = report_park,
	},
	{
	    .name = "sleep",
	    .unit = "s_wall",
	    .what = "N goroutines gs_sleep for D at once (default 1s)",
	    .default_n = 100000,
	    .max_n = 10000000,
	    .default_duration_ns = 1000000000,
	    .run = bench__sleep,
	    .report = report_sleep,
	},
	{
	    .name = "syscallblock",
	    .unit = "s_wall",
	    .what = "N goroutines block in nanosleep(2) for D (default 100ms)",
	    .default_n = 1000,
	    .max_n = 5000,
	    .default_duration_ns = 100000000,
	    .run = bench__syscallblock,
	    .report = report_blocking,
	},
	{
	    .name = "netwait",
	    .unit = "s_wall",
	    .what = "N goroutines read TCP, answered after D (default 100ms)",
	    .default_n = 1000,
	    .max_n = 100000,
	    .default_duration_ns = 100000000,
	    .run = bench__netwait,
	    .report = report_blocking,
	},
	{
	    .name = "cpu",
	    .unit = "s_wall",
	    .what = "8 goroutines each sum 0..N in a preemptible loop",
	    .default_n = 100000000,
	    .max_n = BENCH_N_MAX,
	    .run = bench__cpu,
	    .report = report_cpu,
	},
	{
	    .name = "uneven",
	    .unit = "s_wall",
	    .what = "1000 goroutines from one: 100 sum 0..N, 900 sleep 1ms",
	    .default_n = 10000000,
	    .max_n = BENCH_N_MAX,
	    .run = bench__uneven,
	    .report = report_uneven,
	},
	{
	    .name = "webserver",
	    .unit = "s_wall",
	    .what = "N goroutines each sleep 10, 20 and 5 ms in turn",
	    .default_n = 10000,
	    .max_n = 10000000,
	    .run = bench__webserver,
	    .report = report_webserver,
	},
	{
	    .name = "setprocs",
	    .unit = "us/change",
	    .what = "change GOMAXPROCS N times from a goroutine, 4 busy beside",
	    .default_n = 200,
	    .max_n = SETPROCS_MAX_N,
	    .run = bench__setprocs,
	    .report = report_setprocs,
	},
	{
	    .name = "idle",
	    .unit = "wakeups/s",
	    .what = "main sleeps for D (default 2s): threads' wake-ups per second",
	    .default_n = 1,
	    .max_n = 1,
	    .default_duration_ns = 2000000000,
	    .run = bench__idle,
	    .report = report_idle,
	},
	{
	    .name = "snapshot",
	    .unit = "us/snapshot",
	    .what = "cost of gs_snapshot_take: 64 Ps, N threads blocked in read(2)",
	    .default_n = 2000,
	    .max_n = 5000,
	    .procs = 64,
	    .run = bench__snapshot,
	    .report = report_snapshot,
	},
};

#define NBENCH ((int)(sizeof(benchtab) / sizeof(benchtab[0])))

static const struct benchworkload *
benchlookup(const char *name)
{
	int i;

	for (i = 0; i < NBENCH; i++)
		if (strcmp(benchtab[i].name, name) == 0)
			return &benchtab[i];
	return NULL;
}

/* "spawn, yield, ... or webserver", for usage errors. */
static const char *
benchnames(void)
{
	static char buf[256];
	size_t len = 0;
	int i;

	for (i = 0; i < NBENCH && len < sizeof(buf); i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s",
		    i == 0                ? ""
			: i == NBENCH - 1 ? " or "
					  : ", ",
		    benchtab[i].name);
	return buf;
}

void
bench_list(FILE *f)
{
	int i;

	for (i = 0; i < NBENCH; i++)
		fprintf(f, "  %-12s %-56s n=%" PRId64 "\n", benchtab[i].name, benchtab[i].what,
		    benchtab[i].default_n);
}

/* ---- the command line ----------------------------------------------------- */

enum { OPT_STACK = CMDLINE_LONG, OPT_ROUNDS, OPT_OBSERVE, OPT_MAXTHREADS, OPT_ACCOUNTING };

static const cmdline_opt benchoptions[] = {
	{ NULL, 'n', required_argument, "N",
	    "goroutines, switches, round trips or loop iterations\n"
	    "(default: per workload)" },
	{ "procs", 'p', required_argument, "P",
	    "GOMAXPROCS, 1..256 (default: the runtime's; yield always 1);\n"
	    "a list such as 1,2,4,8 runs once per value" },
	{ "duration", 'd', required_argument, "D",
	    "sleep or wait of sleep, syscallblock, netwait (default: per\n"
	    "workload), a Go duration such as 250us, 100ms, 1s or 2m" },
	{ "stack", OPT_STACK, required_argument, "SIZE",
	    "goroutine stack size, 2K..8M, e.g. 2048 4k 64K 1M\n"
	    "(4K and less: the small-stack class)" },
	{ "rounds", OPT_ROUNDS, required_argument, "R",
	    "repeat R times, one line each (default 1)" },
	{ "observe", OPT_OBSERVE, required_argument, "HZ",
	    "meanwhile, a plain thread takes HZ snapshots a second\n"
	    "and drains the event stream (events on), 1..10000" },
	{ "accounting", OPT_ACCOUNTING, no_argument, NULL,
	    "per-goroutine, per-P and per-M accounting on\n"
	    "(gs_set_accounting), to measure what it costs" },
	{ "max-threads", OPT_MAXTHREADS, required_argument, "N",
	    "the thread limit, 1..1000000 (Go's debug.SetMaxThreads;\n"
	    "default 10000): one more thread ends the program with\n"
	    "\"program exceeds N-thread limit\" and exit status 1" },
	{ "help", 'h', no_argument, NULL, "show this help and exit" },
};

#define NBENCHOPT ((int)(sizeof(benchoptions) / sizeof(benchoptions[0])))

void
bench_options(FILE *f)
{
	cmdline_help(f, benchoptions, NBENCHOPT);
}

/* ---- the main goroutine ------------------------------------------------- */

static void
bench_main_g(void *arg)
{
	struct benchctx *ctx = arg;
	struct benchround *r;
	int i;

	if (ctx->o->observe_hz != 0)
		atomic_store_explicit(&bench__observer.up, 1, memory_order_release);
	if (ctx->o->accounting)
		gs_set_accounting(true);
	for (i = 0; i < ctx->o->rounds; i++) {
		r = &ctx->rounds[i];
		r->procs = gs_gomaxprocs();
		ctx->w->run(ctx->o, r);
		ctx->done = i + 1;
		if (r->err != 0)
			break;
	}
	if (ctx->o->observe_hz != 0)
		bench__observer_stop_g(&bench__observer);
}

/* A size in bytes: 2048, 4k, 64K, 1M, 64KiB; within the stack limits. */
static bool
parse_size(const char *s, size_t *out)
{
	static const struct {
		const char *suffix;
		unsigned long long mult;
	} units[] = {
		{ "", 1 },
		{ "k", 1 << 10 },
		{ "K", 1 << 10 },
		{ "KiB", 1 << 10 },
		{ "m", 1 << 20 },
		{ "M", 1 << 20 },
		{ "MiB", 1 << 20 },
	};
	unsigned long long v;
	char *end;
	size_t i;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0)
		return false;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(end, units[i].suffix) != 0)
			continue;
		if (v > BENCH_STACK_MAX / units[i].mult)
			return false;
		v *= units[i].mult;
		if (v < BENCH_STACK_MIN)
			return false;
		*out = (size_t)v;
		return true;
	}
	return false;
}

static void
bench_usage(void)
{
	printf("Usage: gsched bench WORKLOAD [-n N] [-p PROCS] [-d DURATION] "
	       "[--stack SIZE] [--rounds R] [--observe HZ] [--accounting]\n\n"
	       "Prints one line per round: <workload> <value> <unit> key=value ...\n\n"
	       "Workloads (default n):\n");
	bench_list(stdout);
	printf("\nOptions:\n");
	bench_options(stdout);
}

/*
 * -p's value: one GOMAXPROCS or a comma-separated list of up to
 * BENCH_SWEEP_MAX of them, each 1..BENCH_PROCS_MAX, into out[].  Returns how
 * many, or -1 if malformed.
 */
static int
parse_procs_list(const char *s, int *out)
{
	char item[16];
	const char *comma;
	long long v;
	size_t len;
	int n = 0;

	for (;;) {
		comma = strchr(s, ',');
		len = comma != NULL ? (size_t)(comma - s) : strlen(s);
		if (n == BENCH_SWEEP_MAX || len == 0 || len >= sizeof(item))
			return -1;
		memcpy(item, s, len);
		item[len] = '\0';
		if (!parse_ll(item, 1, BENCH_PROCS_MAX, &v))
			return -1;
		out[n++] = (int)v;
		if (comma == NULL)
			return n;
		s = comma + 1;
	}
}

static int bench_run(const struct benchworkload *w, const struct benchopts *o);

int
bench_main(int argc, char **argv)
{
	struct benchopts o = { .rounds = 1 };
	const struct benchworkload *w = NULL;
	int sweep[BENCH_SWEEP_MAX];
	const char *value, *spelled;
	long long v;
	int i, rc, key, nsweep = 0;
	cmdline c;

	cmdline_init(&c, benchoptions, NBENCHOPT, "bench", argc, argv);
	while ((key = cmdline_next(&c, &value)) != CMDLINE_END) {
		spelled = cmdline_spelled(&c);
		switch (key) {
		case CMDLINE_ERROR:
			return 2;
		case CMDLINE_OPERAND:
			if (w != NULL)
				return cmdline_usage_error("bench", "unexpected argument '%s'",
				    value);
			w = benchlookup(value);
			if (w == NULL)
				return cmdline_usage_error("bench", "unknown workload '%s' (%s)",
				    value, benchnames());
			break;
		case 'n':
			if (!parse_ll(value, 1, BENCH_N_MAX, &v))
				return cmdline_usage_error("bench",
				    "invalid count '%s' for %s: "
				    "expected an integer from 1 to %lld",
				    value, spelled, BENCH_N_MAX);
			o.n = v;
			break;
		case 'p':
			nsweep = parse_procs_list(value, sweep);
			if (nsweep < 0)
				return cmdline_usage_error("bench",
				    "invalid GOMAXPROCS '%s' for %s: "
				    "expected an integer from 1 to %d, or a list "
				    "of up to %d such as 1,2,4,8",
				    value, spelled, BENCH_PROCS_MAX, BENCH_SWEEP_MAX);
			o.procs = sweep[0];
			o.sweep = nsweep > 1;
			break;
		case 'd':
			if (!parse_duration(value, 1, BENCH_DURATION_MAX, &o.duration_ns))
				return cmdline_usage_error("bench",
				    "invalid duration '%s' for %s: "
				    "expected e.g. 250us, 100ms, 1s, 1m30s "
				    "or 2m (at most 24h)",
				    value, spelled);
			break;
		case OPT_STACK:
			if (!parse_size(value, &o.stack_size))
				return cmdline_usage_error("bench",
				    "invalid stack size '%s' for %s: "
				    "expected 2048..8M bytes, e.g. "
				    "2048, 4k, 64K or 1M",
				    value, spelled);
			break;
		case OPT_ROUNDS:
			if (!parse_ll(value, 1, BENCH_ROUNDS_MAX, &v))
				return cmdline_usage_error("bench",
				    "invalid round count '%s' for %s: "
				    "expected an integer from 1 to %d",
				    value, spelled, BENCH_ROUNDS_MAX);
			o.rounds = (int)v;
			break;
		case OPT_OBSERVE:
			if (!parse_ll(value, 1, 10000, &v))
				return cmdline_usage_error("bench",
				    "invalid rate '%s' for %s: "
				    "expected snapshots per second from 1 to 10000",
				    value, spelled);
			o.observe_hz = (int)v;
			break;
		case OPT_ACCOUNTING:
			o.accounting = true;
			break;
		case OPT_MAXTHREADS:
			if (!parse_ll(value, 1, 1000000, &v))
				return cmdline_usage_error("bench",
				    "invalid thread limit '%s' for %s: "
				    "expected an integer from 1 to 1000000",
				    value, spelled);
			o.max_threads = (int)v;
			break;
		case 'h':
			bench_usage();
			return 0; /* main() flushes and checks stdout */
		}
	}
	if (w == NULL)
		return cmdline_usage_error("bench", "bench needs a workload (%s)", benchnames());
	if (o.n == 0)
		o.n = w->default_n;
	if (o.duration_ns == 0)
		o.duration_ns = w->default_duration_ns;
	if (o.n > w->max_n)
		return cmdline_usage_error("bench",
		    "-n %" PRId64 " is too large for %s "
		    "(at most %" PRId64 ")",
		    o.n, w->name, w->max_n);
	if (o.sweep && w->procs != 0)
		return cmdline_usage_error("bench",
		    "%s always runs with GOMAXPROCS=%d: "
		    "a -p list does not apply",
		    w->name, w->procs);

	/* A -p list: one run per value, as Go's b.Run per GOMAXPROCS. */
	for (i = 0, rc = 0; i < (nsweep > 1 ? nsweep : 1) && rc == 0; i++) {
		if (nsweep > 1)
			o.procs = sweep[i];
		rc = bench_run(w, &o);
	}
	return rc;
}

/* One gs_run of o->rounds rounds of w, a line each; the exit status. */
static int
bench_run(const struct benchworkload *w, const struct benchopts *op)
{
	struct benchopts o = *op;
	struct benchctx ctx;
	gs_config cfg;
	int i, rc;

	memset(&cfg, 0, sizeof(cfg));
	cfg.procs = w->procs != 0 ? w->procs : o.procs;
	cfg.stack_size = o.stack_size;
	cfg.max_threads = o.max_threads;

	ctx.w = w;
	ctx.o = &o;
	ctx.done = 0;
	ctx.rounds = calloc((size_t)o.rounds, sizeof(*ctx.rounds));
	if (ctx.rounds == NULL) {
		fprintf(stderr, "gsched: bench: out of memory\n");
		return 1;
	}

	if (o.observe_hz != 0 && bench__observer_start(&bench__observer, o.observe_hz) != 0) {
		fprintf(stderr, "gsched: bench: cannot start the observer thread\n");
		free(ctx.rounds);
		return 1;
	}
	rc = gs_run(bench_main_g, &ctx, &cfg);
	if (o.observe_hz != 0)
		bench__observer_join(&bench__observer);
	if (rc == 0 && o.observe_hz != 0 && bench__observer.err != 0) {
		fprintf(stderr, "gsched: bench %s: observer: gs_snapshot_take: %s\n", w->name,
		    gs_strerror(bench__observer.err));
		rc = 1;
	}
	if (rc < 0) {
		fprintf(stderr, "gsched: bench %s: cannot start the runtime: gs_run: %s\n", w->name,
		    gs_strerror(rc));
		free(ctx.rounds);
		/* The options were checked: GS_EINVAL means a bad GOMAXPROCS or
		 * GSCHED_DEBUG (already reported), a usage error. */
		return rc == GS_EINVAL ? 2 : 1;
	}

	rc = 0;
	for (i = 0; i < ctx.done; i++) {
		const struct benchround *r = &ctx.rounds[i];

		if (r->err > 0) {
			fprintf(stderr, "gsched: bench %s: %s\n", w->name, r->failed);
			rc = 1;
			break;
		}
		if (r->err < 0) {
			fprintf(stderr, "gsched: bench %s: %s: %s\n", w->name, r->failed,
			    gs_strerror(r->err));
			rc = 1;
			break;
		}
		w->report(stdout, w, &o, r);
	}
	if (rc == 0 && ctx.done < o.rounds) {
		fprintf(stderr,
		    "gsched: bench %s: the main goroutine ended after %d of "
		    "%d rounds\n",
		    w->name, ctx.done, o.rounds);
		rc = 1;
	}
	free(ctx.rounds); /* main() flushes and checks stdout */
	return rc;
}
