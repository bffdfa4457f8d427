/*
 * check_record.c - the observation front end (src/libgsfront): record -> replay
 * round trip, the trace export, bad and truncated recordings, the batch format
 * against Go's schedtrace, the JSON reader, the option checks, and --slow N
 * reaching the runtime through the program layer.
 *
 * Public headers only (plus the front end's own), like the gsched program.
 * Every test runs in its own process (CK_FORK=yes), so live runs and stderr
 * redirections do not leak between tests.
 */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gsched.h>
#include <gsched/observe.h>

#include "format/schedtrace.h"
#include "cmd/batch.h"
#include "format/json.h"
#include "format/tick.h"
#include "live/ticker.h"
#include "format/record.h"
#include "format/chrometrace.h"
#include "live/workload.h"
#include "tu_child.h"

#define MS(x) ((uint64_t)(x)*1000000)

/* ---- helpers ------------------------------------------------------------------------ */

static char tmpdir[256];

static void
setup(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/check_record.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void
teardown(void)
{
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
}

static char *
tmppath(const char *name)
{
	static char buf[4][300];
	static int k;
	char *p = buf[k++ % 4];
	snprintf(p, 300, "%s/%s", tmpdir, name);
	return p;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *b = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(fread(b, 1, (size_t)n, f), (size_t)n);
	b[n] = '\0';
	fclose(f);
	if (len)
		*len = (size_t)n;
	return b;
}

static void
spew(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

/* A sink keeping deep copies of every tick, and the batch lines printed. */
struct capture {
	tick_info info;
	gs_snapshot *snap[64];
	gs_event *ev[64];
	int nev[64];
	uint64_t dropped[64];
	int n;
	char *text; /* every tick as text, -v text and JSON, concatenated */
	size_t textlen;
	FILE *textf;
	uint64_t starttime; /* Go's starttime for the schedtrace lines */
	tick_end end;
	bool ended;
	int with_gl;         /* ticks that had a goroutine list */
	uint64_t gl_run_sum; /* the run time of every goroutine listed, summed */
};

static void
snap_copy(gs_snapshot *d, const gs_snapshot *s)
{
	d->time_ns = s->time_ns;
	d->take_ns = s->take_ns;
	d->stats = s->stats;
	d->np = s->np;
	d->nm = s->nm;
	d->nm_total = s->nm_total;
	for (int i = 0; i < s->np; i++) {
		d->p[i] = s->p[i];
		d->p[i].runq =
		    d->runq_store ? &d->runq_store[(size_t)i * (size_t)d->runq_max] : NULL;
		for (uint32_t k = 0; k < s->p[i].runq_listed; k++)
			d->p[i].runq[k] = s->p[i].runq[k];
	}
	for (int i = 0; i < s->nm; i++)
		d->m[i] = s->m[i];
	d->glob_len = s->glob_len;
	d->glob_head = s->glob ? s->glob_head : 0;
	d->glob_tail = s->glob ? s->glob_tail : 0;
	d->glob = d->glob_store;
	for (uint32_t k = 0; k < d->glob_head + d->glob_tail; k++)
		d->glob[k] = s->glob[k];
}

static int
cap_begin(void *ctx, const tick_info *info)
{
	struct capture *c = ctx;
	c->info = *info;
	c->textf = open_memstream(&c->text, &c->textlen);
	ck_assert_ptr_nonnull(c->textf);
	return 0;
}

static int
cap_tick(void *ctx, const tick_info *info, const tick_data *t)
{
	struct capture *c = ctx;
	ck_assert_int_lt(c->n, 64);
	ck_assert_int_eq(t->index, c->n);
	gs_snapshot *s = gs_snapshot_new(t->snap->max_m, t->snap->runq_max);
	ck_assert_ptr_nonnull(s);
	snap_copy(s, t->snap);
	c->snap[c->n] = s;
	c->ev[c->n] = malloc(sizeof(gs_event) * (size_t)(t->nev + 1));
	ck_assert_ptr_nonnull(c->ev[c->n]);
	memcpy(c->ev[c->n], t->ev, sizeof(gs_event) * (size_t)t->nev);
	c->nev[c->n] = t->nev;
	c->dropped[c->n] = t->dropped;
	if (t->gl) {
		c->with_gl++;
		for (int i = 0; i < t->ng; i++)
			c->gl_run_sum += t->gl[i].run_ns;
	}
	c->n++;
	(void)info;
	schedtrace_print(c->textf, t, &c->starttime, false);
	schedtrace_print(c->textf, t, &c->starttime, true);
	schedtrace_print_json(c->textf, info, t, true);
	return 0;
}

static int
cap_end(void *ctx, const tick_info *info, const tick_end *e)
{
	struct capture *c = ctx;
	(void)info;
	c->end = *e;
	c->ended = true;
	fclose(c->textf);
	c->textf = NULL;
	return 0;
}

static tick_sink
cap_sink(struct capture *c)
{
	memset(c, 0, sizeof *c);
	tick_sink s = { cap_begin, cap_tick, cap_end, c };
	return s;
}

static void
cap_free(struct capture *c)
{
	for (int i = 0; i < c->n; i++) {
		gs_snapshot_free(c->snap[i]);
		free(c->ev[i]);
	}
	free(c->text);
}

/* A live run of the default scenario (or the given workloads) into sinks. */
static void
live(int ticks, uint64_t interval, int procs, bool events, const ticker_spawn *sp, int nsp,
    const tick_sink *sinks, int ns)
{
	ticker_live o = {
		.ticks = ticks,
		.interval_ns = interval,
		.procs = procs,
		.spawns = sp,
		.nspawns = nsp,
		.runq_max = 16,
		.max_m = 0,
		.events = events,
	};
	ck_assert_int_eq(ticker_run_live(&o, sinks, ns), 0);
}

static void
g_eq(const gs_snap_g *a, const gs_snap_g *b)
{
	ck_assert_int_eq(a->id, b->id);
	ck_assert_str_eq(a->label, b->label);
	ck_assert_int_eq(a->tag, b->tag);
}

static void
snap_eq(const gs_snapshot *a, const gs_snapshot *b)
{
	ck_assert_uint_eq(a->time_ns, b->time_ns);
	ck_assert_uint_eq(a->take_ns, b->take_ns);
	const gs_stats *x = &a->stats, *y = &b->stats;
#define SI(f) ck_assert_int_eq(x->f, y->f)
#define SU(f) ck_assert_uint_eq(x->f, y->f)
	SI(gomaxprocs);
	SI(ncpu);
	SI(threads);
	SI(idle_threads);
	SI(spinning_threads);
	SI(idle_procs);
	SI(global_runq);
	SI(goroutines);
	SI(in_syscall);
	SU(spawns);
	SU(exits);
	SU(steals);
	SU(stolen);
	SU(threads_created);
	SU(global_puts);
	SU(stacks_guarded);
	SU(stacks_carved);
	SU(syscalls);
	SU(handoffs);
	SU(retakes);
	SU(preempt_requests);
	SU(preempt_async);
	SU(preempt_coop);
	SU(netpoll_wakes);
	SU(timers_fired);
	SU(procresizes);
	SU(last_stw_ns);
	SU(runnext_hits);
	SU(fair_takes);
	SU(steal_half_misses);
	SU(exitsyscall_oldp);
	SU(exitsyscall_idlep);
	SU(exitsyscall_global);
	SU(max_steal);
	SU(max_timer_late_ns);
	SU(peak_epoch);
	for (int i = 0; i < GS_G_NSTATUS; i++)
		SI(by_status[i]);
	for (int i = 0; i < GS_WAIT_NREASONS; i++)
		SI(by_waitreason[i]);
#undef SI
#undef SU
	ck_assert_int_eq(a->np, b->np);
	ck_assert_int_eq(a->nm, b->nm);
	ck_assert_int_eq(a->nm_total, b->nm_total);
	for (int i = 0; i < a->np; i++) {
		const gs_snap_p *p = &a->p[i], *q = &b->p[i];
		ck_assert_int_eq(p->id, q->id);
		ck_assert_int_eq(p->status, q->status);
		ck_assert_int_eq(p->m, q->m);
		g_eq(&p->curg, &q->curg);
		ck_assert_int_eq(p->curg_status, q->curg_status);
		ck_assert_uint_eq(p->slice_ns, q->slice_ns);
		g_eq(&p->runnext, &q->runnext);
		ck_assert_uint_eq(p->runq_len, q->runq_len);
		ck_assert_uint_eq(p->runq_listed, q->runq_listed);
		for (uint32_t k = 0; k < p->runq_listed; k++)
			g_eq(&p->runq[k], &q->runq[k]);
		ck_assert_uint_eq(p->schedtick, q->schedtick);
		ck_assert_uint_eq(p->syscalltick, q->syscalltick);
		ck_assert_int_eq(p->timers, q->timers);
		ck_assert_uint_eq(p->steals, q->steals);
		ck_assert_uint_eq(p->stolen, q->stolen);
		ck_assert_uint_eq(p->stolen_from, q->stolen_from);
		ck_assert_uint_eq(p->spawns, q->spawns);
		ck_assert_uint_eq(p->syscalls, q->syscalls);
	}
	ck_assert_uint_eq(a->glob_len, b->glob_len);
	ck_assert_uint_eq(a->glob ? a->glob_head : 0, b->glob_head);
	ck_assert_uint_eq(a->glob ? a->glob_tail : 0, b->glob_tail);
	for (uint32_t k = 0; k < b->glob_head + b->glob_tail; k++)
		g_eq(&a->glob[k], &b->glob[k]);
	for (int i = 0; i < a->nm; i++) {
		const gs_snap_m *m = &a->m[i], *n = &b->m[i];
		ck_assert_int_eq(m->id, n->id);
		ck_assert_int_eq(m->state, n->state);
		ck_assert_int_eq(m->p, n->p);
		ck_assert_int_eq(m->curg, n->curg);
		ck_assert_int_eq(m->spinning, n->spinning);
		ck_assert_uint_eq(m->created_ns, n->created_ns);
	}
}

static void
ev_eq(const gs_event *a, const gs_event *b)
{
	ck_assert_uint_eq(a->time_ns, b->time_ns);
	ck_assert_uint_eq(a->kind, b->kind);
	ck_assert_int_eq(a->p, b->p);
	ck_assert_int_eq(a->p2, b->p2);
	ck_assert_int_eq(a->m, b->m);
	ck_assert_int_eq(a->m2, b->m2);
	ck_assert_int_eq(a->g, b->g);
	ck_assert_int_eq(a->arg, b->arg);
}

/* Record a live run to path, capturing it too. */
static void
record_live(const char *path, struct capture *c, int ticks, bool events)
{
	record_writer w;
	char err[300];
	tick_sink s[2];

	s[0] = cap_sink(c);
	ck_assert_int_eq(record_writer_open(&w, path, err, sizeof err), 0);
	s[1] = record_sink(&w);
	live(ticks, MS(20), 2, events, NULL, 0, s, 2);
	ck_assert(c->ended);
	ck_assert_int_eq(c->n, ticks);
}

/* ---- round trip ----------------------------------------------------------------------- */

START_TEST(test_roundtrip)
{
	struct capture orig, back;
	const char *path = tmppath("rt.jsonl");
	tick_sink s;

	record_live(path, &orig, 10, true);
	uint64_t total = 0;
	for (int i = 0; i < orig.n; i++)
		total += (uint64_t)orig.nev[i];
	ck_assert_uint_gt(total, 0); /* the default scenario does things */

	s = cap_sink(&back);
	ck_assert_int_eq(record_replay(path, &s, 1), 0);
	ck_assert_int_eq(back.n, orig.n);
	ck_assert_uint_eq(back.info.start_ns, orig.info.start_ns);
	ck_assert_uint_eq(back.info.interval_ns, orig.info.interval_ns);
	ck_assert_int_eq(back.info.ticks, orig.info.ticks);
	ck_assert_int_eq(back.info.procs, orig.info.procs);
	ck_assert_int_eq(back.info.max_m, orig.info.max_m);
	ck_assert_int_eq(back.info.runq_max, orig.info.runq_max);
	ck_assert_str_eq(back.info.scenario, orig.info.scenario);
	ck_assert_str_eq(back.info.created_by, orig.info.created_by);
	for (int i = 0; i < orig.n; i++) {
		snap_eq(orig.snap[i], back.snap[i]);
		ck_assert_int_eq(orig.nev[i], back.nev[i]);
		ck_assert_uint_eq(orig.dropped[i], back.dropped[i]);
		for (int k = 0; k < orig.nev[i]; k++)
			ev_eq(&orig.ev[i][k], &back.ev[i][k]);
	}
	ck_assert_int_eq(back.end.ticks, orig.end.ticks);
	ck_assert_uint_eq(back.end.events, orig.end.events);
	ck_assert_uint_eq(back.end.dropped, orig.end.dropped);
	/* events on: the accounting too, a goroutine list with every tick, and
	 * the default scenario's goroutines ran */
	ck_assert_int_eq(orig.with_gl, orig.n);
	ck_assert_int_eq(back.with_gl, back.n);
	ck_assert_uint_gt(orig.gl_run_sum, 0);
	ck_assert_uint_eq(back.gl_run_sum, orig.gl_run_sum);
	/* the batch output of the replay is the live one, byte for byte (-v
	 * JSON with every goroutine's figures and the Ps' and Ms' totals) */
	ck_assert_uint_eq(back.textlen, orig.textlen);
	ck_assert(memcmp(back.text, orig.text, orig.textlen) == 0);
	cap_free(&orig);
	cap_free(&back);
}
END_TEST

/* Labels with quotes, backslashes, control and high bytes survive. */
/* ---- a recording as lines, and variants of it ------------------------------------------ */

struct lines {
	char *buf;
	char *l[20000];
	int n;
};

/* Split a recording into lines (without their newlines). */
static void
split(const char *path, struct lines *ls)
{
	size_t len;
	ls->buf = slurp(path, &len);
	ls->n = 0;
	for (char *p = ls->buf; *p;) {
		char *nl = strchr(p, '\n');
		ck_assert_ptr_nonnull(nl);
		*nl = '\0';
		ck_assert_int_lt(ls->n, 20000);
		ls->l[ls->n++] = p;
		p = nl + 1;
	}
}

/* Write lines[0..n) with line `which` (0-based) replaced by repl (NULL: kept;
 * "" with drop: removed), then an optional raw tail. */
static void
write_variant(const char *path, const struct lines *ls, int n, int which, const char *repl,
    const char *tail)
{
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	for (int i = 0; i < n; i++) {
		if (i == which && repl == NULL)
			continue; /* dropped */
		fprintf(f, "%s\n", i == which ? repl : ls->l[i]);
	}
	if (tail)
		fputs(tail, f);
	ck_assert_int_eq(fclose(f), 0);
}

/* Reading path must fail with "path:line:" and want in the message. */
static void
expect_bad(const char *path, long line, const char *want)
{
	char err[700], prefix[400];
	record_reader *r = record_open(path, err, sizeof err);
	const char *msg = err;
	tick_data t;
	int rc = -1;

	if (r) {
		while ((rc = record_next(r, &t)) > 0)
			;
		msg = record_error(r);
	}
	ck_assert_msg(rc < 0, "%s was accepted (expected line %ld: %s)", path, line, want);
	snprintf(prefix, sizeof prefix, "%s:%ld: ", path, line);
	ck_assert_msg(strncmp(msg, prefix, strlen(prefix)) == 0, "'%s' does not start '%s'", msg,
	    prefix);
	ck_assert_msg(strstr(msg, want) != NULL, "'%s' does not say '%s'", msg, want);
	record_close(r);
}

/* Replace the first occurrence of from in s by to (into a static buffer). */
static const char *
subst(const char *s, const char *from, const char *to)
{
	static char buf[1 << 20];
	const char *p = strstr(s, from);
	ck_assert_msg(p != NULL, "'%s' not in the line", from);
	snprintf(buf, sizeof buf, "%.*s%s%s", (int)(p - s), s, to, p + strlen(from));
	return buf;
}

/* A snapshot line with its "glob" member's value replaced by glob (into a
 * static buffer). */
static const char *
with_glob(const char *line, const char *glob)
{
	static char buf[1 << 20];
	const char *a = strstr(line, "\"glob\":"), *b = strstr(line, ",\"p\":[");
	ck_assert(a && b && a < b);
	snprintf(buf, sizeof buf, "%.*s\"glob\":%s%s", (int)(a - line), line, glob, b);
	return buf;
}

/* A recording made before the accounting (no goroutine list, no P or M
 * totals) still loads, its figures zero. */
START_TEST(test_recording_without_accounting)
{
	const char *path = tmppath("acct.jsonl"), *old = tmppath("noacct.jsonl");
	struct capture orig, back;
	struct lines *ls = malloc(sizeof *ls);
	static const char *const keys[] = { ",\"run_ns\":", ",\"idle_ns\":", ",\"spin_ns\":",
		",\"running_ns\":", ",\"spinning_ns\":", ",\"syscall_ns\":" };

	ck_assert_ptr_nonnull(ls);
	record_live(path, &orig, 3, true);
	split(path, ls);
	FILE *f = fopen(old, "w");
	ck_assert_ptr_nonnull(f);
	for (int i = 0; i < ls->n; i++) {
		char *l = ls->l[i], *g = strstr(l, ",\"g_total\":");
		if (g)
			strcpy(g, "}");
		/* drop every "key":number of the accounting */
		for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
			for (char *p; (p = strstr(l, keys[k])) != NULL;) {
				char *e = p + strlen(keys[k]);
				e += strspn(e, "0123456789");
				memmove(p, e, strlen(e) + 1);
			}
		fprintf(f, "%s\n", l);
	}
	ck_assert_int_eq(fclose(f), 0);
	tick_sink s = cap_sink(&back);
	ck_assert_int_eq(record_replay(old, &s, 1), 0);
	ck_assert_int_eq(back.n, orig.n);
	ck_assert_int_eq(back.with_gl, 0);
	for (int i = 0; i < back.n; i++)
		for (int k = 0; k < back.snap[i]->np; k++)
			ck_assert_uint_eq(back.snap[i]->p[k].run_ns + back.snap[i]->p[k].idle_ns,
			    0);
	free(ls->buf);
	free(ls);
	cap_free(&orig);
	cap_free(&back);
}
END_TEST

/* A recording made before the newer wait reasons (the first twelve, up to
 * GS_WAIT_FOREVER) still loads, the newer counts zero; more than there are
 * is refused. */
START_TEST(test_recording_with_fewer_waitreasons)
{
	const char *path = tmppath("wr.jsonl"), *old = tmppath("wr-old.jsonl"),
		   *over = tmppath("wr-over.jsonl");
	struct capture orig, back;
	struct lines *ls = malloc(sizeof *ls);
	static const char key[] = "\"by_waitreason\":[";
	int nold = GS_WAIT_FOREVER + 1;

	ck_assert_ptr_nonnull(ls);
	record_live(path, &orig, 3, true);
	split(path, ls);
	FILE *f = fopen(old, "w"), *g = fopen(over, "w");
	ck_assert(f && g);
	for (int i = 0; i < ls->n; i++) {
		char *l = ls->l[i], *a = strstr(l, key);
		if (a == NULL) {
			fprintf(f, "%s\n", l);
			fprintf(g, "%s\n", l);
			continue;
		}
		/* keep the first nold entries */
		char *e = a + strlen(key);
		for (int k = 0; k < nold; k++)
			e = k ? e + 1 + strspn(e + 1, "0123456789") : e + strspn(e, "0123456789");
		char *end = strchr(e, ']');
		ck_assert_ptr_nonnull(end);
		fprintf(g, "%.*s,0%s\n", (int)(end - l), l, end);
		fprintf(f, "%.*s%s\n", (int)(e - l), l, end);
	}
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(fclose(g), 0);
	tick_sink s = cap_sink(&back);
	ck_assert_int_eq(record_replay(old, &s, 1), 0);
	ck_assert_int_eq(back.n, orig.n);
	for (int i = 0; i < back.n; i++)
		for (int k = 0; k < GS_WAIT_NREASONS; k++) {
			int want = k < nold ? orig.snap[i]->stats.by_waitreason[k] : 0;
			if (back.snap[i]->stats.by_waitreason[k] != want)
				ck_abort_msg("tick %d reason %d: %d, want %d", i, k,
				    back.snap[i]->stats.by_waitreason[k], want);
		}
	expect_bad(over, 2, "\"by_waitreason\" has");
	free(ls->buf);
	free(ls);
	cap_free(&orig);
	cap_free(&back);
}
END_TEST

START_TEST(test_roundtrip_labels)
{
	const char *path = tmppath("labels.jsonl");
	gs_snapshot *s = gs_snapshot_new(4, 4);
	record_writer w;
	char err[300];
	struct capture back;

	ck_assert_ptr_nonnull(s);
	s->np = 1;
	s->p[0].id = 0;
	s->p[0].m = -1;
	s->p[0].curg.id = 7;
	strcpy(s->p[0].curg.label, "a\"b\\c\t\x01\xff");
	s->p[0].runq = s->runq_store;
	s->p[0].runq_len = 5;
	s->p[0].runq_listed = 2;
	s->runq_store[0].id = 8;
	strcpy(s->runq_store[0].label, "\xc3\xa9t\xc3\xa9");
	s->p[0].curg.tag = GS_TAG_CPU;
	s->runq_store[0].tag = (char)0xff; /* any byte */
	s->runq_store[1].id = 9;
	strcpy(s->runq_store[1].label, "cpu"); /* no tag: none, whatever its label */
	s->nm = 1;
	s->m[0].id = 3;
	s->m[0].p = -1;
	s->m[0].spinning = true;
	s->stats.gomaxprocs = 1;
	/* a global queue of 100: its first four and its last three listed */
	s->stats.global_runq = 100;
	s->glob = s->glob_store;
	s->glob_len = 100;
	s->glob_head = 4;
	s->glob_tail = 3;
	for (int k = 0; k < 7; k++) {
		s->glob[k].id = 100 + k;
		snprintf(s->glob[k].label, sizeof s->glob[k].label, "g\"%d", k);
		s->glob[k].tag = (char)('a' + k);
	}
	gs_event ev = { .time_ns = 123,
		.kind = GS_EV_STEAL,
		.p = 0,
		.p2 = -1,
		.m = INT64_MIN,
		.m2 = INT64_MAX,
		.g = 5,
		.arg = -7 };
	s->time_ns = 200; /* after start_ns: a time of the run */
	tick_info info = { .start_ns = 1,
		.interval_ns = 2,
		.ticks = 1,
		.procs = 1,
		.max_m = 4,
		.runq_max = 4 };
	strcpy(info.scenario, "x\"y");
	ck_assert_int_eq(record_writer_open(&w, path, err, sizeof err), 0);
	tick_sink ws = record_sink(&w);
	tick_data t = { 0, s, &ev, 1, 3, NULL, 0, 0, NULL };
	ck_assert_int_eq(ws.begin(ws.ctx, &info), 0);
	ck_assert_int_eq(ws.tick(ws.ctx, &info, &t), 0);
	tick_end e = { 1, 1, 3 };
	ck_assert_int_eq(ws.end(ws.ctx, &info, &e), 0);

	tick_sink rs = cap_sink(&back);
	ck_assert_int_eq(record_replay(path, &rs, 1), 0);
	ck_assert_int_eq(back.n, 1);
	ck_assert_str_eq(back.info.scenario, "x\"y");
	snap_eq(s, back.snap[0]);
	ev_eq(&ev, &back.ev[0][0]);
	ck_assert_uint_eq(back.dropped[0], 3);
	cap_free(&back);

	/* A recording made before tags (no "tags" in its header): a goroutine
	 * without one gets the letter its workload's label meant then; one
	 * with a tag keeps it. */
	struct lines ls;
	const char *old = tmppath("oldtags.jsonl");
	split(path, &ls);
	struct capture oldback;
	write_variant(old, &ls, ls.n, 0, subst(ls.l[0], "\"tags\":true,", ""), NULL);
	rs = cap_sink(&oldback);
	ck_assert_int_eq(record_replay(old, &rs, 1), 0);
	ck_assert_int_eq(oldback.n, 1);
	ck_assert_int_eq(oldback.snap[0]->p[0].runq[1].tag, GS_TAG_CPU);
	ck_assert_int_eq(oldback.snap[0]->p[0].runq[0].tag, (char)0xff);
	ck_assert_int_eq(oldback.snap[0]->p[0].curg.tag, GS_TAG_CPU);
	cap_free(&oldback);

	/* A recording made before the global queue was listed: its length is
	 * the stats' global_runq, nothing listed. */
	struct capture noglob;
	const char *g = strstr(ls.l[1], ",\"glob\":"), *p = strstr(ls.l[1], ",\"p\":[");
	ck_assert(g && p && g < p);
	char line[4096];
	ck_assert_int_lt(snprintf(line, sizeof line, "%.*s%s", (int)(g - ls.l[1]), ls.l[1], p),
	    (int)sizeof line);
	write_variant(old, &ls, ls.n, 1, line, NULL);
	rs = cap_sink(&noglob);
	ck_assert_int_eq(record_replay(old, &rs, 1), 0);
	ck_assert_int_eq(noglob.n, 1);
	ck_assert_uint_eq(noglob.snap[0]->glob_len, 100);
	ck_assert_uint_eq(noglob.snap[0]->glob_head + noglob.snap[0]->glob_tail, 0);
	ck_assert_int_eq(noglob.snap[0]->p[0].runq[0].id, 8);
	cap_free(&noglob);
	free(ls.buf);
	gs_snapshot_free(s);
}
END_TEST

/* ---- trace export ------------------------------------------------------------------- */

/* A track's slices as a viewer reads them: the numbers parsed as doubles, an
 * "X" ending at ts + dur added as doubles. */
struct trk {
	int64_t pid, tid;
	bool open;
	double b, end;    /* the open slice's begin; where the last one ended */
	const char *name; /* the open slice's */
};

static struct trk *
trk_of(struct trk *t, int *n, int max, int64_t pid, int64_t tid)
{
	for (int i = 0; i < *n; i++)
		if (t[i].pid == pid && t[i].tid == tid)
			return &t[i];
	ck_assert_int_lt(*n, max);
	t[*n] = (struct trk){ pid, tid, false, 0, 0, NULL };
	return &t[(*n)++];
}

static void
trk_begin(struct trk *t, double ts, const char *name)
{
	ck_assert_msg(!t->open, "track %" PRId64 "/%" PRId64 ": B at %.17g inside a slice", t->pid,
	    t->tid, ts);
	ck_assert_msg(ts >= t->end,
	    "track %" PRId64 "/%" PRId64 ": a slice begins at %.17g before the last ended (%.17g)",
	    t->pid, t->tid, ts, t->end);
	t->open = true;
	t->b = ts;
	t->name = name;
}

/* name: the E's, which must be its B's (speedscope ends a slice only at an E
 * named as its B); an X ends itself */
static void
trk_end(struct trk *t, double ts, const char *name)
{
	ck_assert_msg(t->open, "track %" PRId64 "/%" PRId64 ": E at %.17g without its B", t->pid,
	    t->tid, ts);
	ck_assert_msg(name != NULL && strcmp(name, t->name) == 0,
	    "track %" PRId64 "/%" PRId64 ": E at %.17g named '%s', its B '%s'", t->pid, t->tid, ts,
	    name ? name : "(none)", t->name);
	ck_assert_msg(ts >= t->b, "track %" PRId64 "/%" PRId64 ": E at %.17g before its B %.17g",
	    t->pid, t->tid, ts, t->b);
	t->open = false;
	t->end = ts;
}

/* Parse a trace file with our reader and check its tracks: every slice's B has
 * its E, named as the B, a track's slices are in order and disjoint, every number is finite
 * and no time negative. */
static void
check_trace(const char *path, int procs)
{
	size_t len;
	char *text = slurp(path, &len);
	json_doc d;
	bool pnamed[256] = { false };
	int mtracks = 0, runslices = 0, counters = 0, procsnamed = 0;
	enum { TRKS = 1024 };
	struct trk *trk = calloc(TRKS, sizeof *trk);
	int ntrk = 0;

	ck_assert_ptr_nonnull(trk);
	json_init(&d);
	if (json_parse(&d, text, len) != 0)
		ck_abort_msg("%s: bad JSON at %zu: %s", path, d.errpos, d.err);
	for (int i = 0; i < d.count; i++) {
		double v;
		ck_assert(!json_double(&d, i, &v) || isfinite(v));
	}
	ck_assert_str_eq(json_str(&d, json_get(&d, 0, "displayTimeUnit")), "ns");
	int evs = json_get(&d, 0, "traceEvents");
	ck_assert_int_ge(evs, 0);
	ck_assert_int_eq(d.n[evs].type, JSON_ARR);
	for (int e = d.n[evs].first; e >= 0; e = d.n[e].next) {
		const char *ph = json_str(&d, json_get(&d, e, "ph"));
		const char *name = json_str(&d, json_get(&d, e, "name"));
		int64_t pid = -1, tid = -1;
		ck_assert_ptr_nonnull(ph);
		ck_assert_ptr_nonnull(name);
		ck_assert(json_i64(&d, json_get(&d, e, "pid"), &pid));
		ck_assert(pid == 1 || pid == 2);
		json_i64(&d, json_get(&d, e, "tid"), &tid);
		int args = json_get(&d, e, "args");
		if (strcmp(ph, "M") == 0) {
			const char *v = json_str(&d, json_get(&d, args, "name"));
			if (strcmp(name, "process_name") == 0) {
				ck_assert_str_eq(v, pid == 1 ? "Ps" : "Ms");
				procsnamed++;
			} else if (strcmp(name, "thread_name") == 0) {
				char want[32];
				snprintf(want, sizeof want, "%c%" PRId64, pid == 1 ? 'P' : 'M',
				    tid);
				ck_assert_str_eq(v, want);
				if (pid == 1 && tid >= 0 && tid < 256)
					pnamed[tid] = true;
				else
					mtracks++;
			}
			continue;
		}
		/* every other event has a numeric ts */
		double ts, dur;
		ck_assert(json_double(&d, json_get(&d, e, "ts"), &ts));
		ck_assert(ts >= 0);
		if (strcmp(ph, "X") == 0 || strcmp(ph, "B") == 0) {
			struct trk *t = trk_of(trk, &ntrk, TRKS, pid, tid);
			trk_begin(t, ts, name);
			if (ph[0] == 'X') {
				ck_assert(json_double(&d, json_get(&d, e, "dur"), &dur));
				ck_assert(dur >= 0);
				trk_end(t, ts + dur, name);
			}
			if (pid == 1) {
				ck_assert(pnamed[tid]);
				runslices++;
			}
		} else if (strcmp(ph, "E") == 0) {
			trk_end(trk_of(trk, &ntrk, TRKS, pid, tid), ts, name);
		} else if (strcmp(ph, "C") == 0) {
			counters++;
		} else {
			ck_assert(strchr("isf", ph[0]) != NULL && ph[1] == '\0');
		}
	}
	ck_assert_int_eq(procsnamed, 2);
	for (int p = 0; p < procs; p++)
		ck_assert_msg(pnamed[p], "no track for P%d", p);
	ck_assert_int_gt(mtracks, 0);
	ck_assert_int_gt(runslices, 0);
	ck_assert_int_gt(counters, 0);
	for (int i = 0; i < ntrk; i++)
		ck_assert_msg(!trk[i].open, "track %" PRId64 "/%" PRId64 ": a B without its E",
		    trk[i].pid, trk[i].tid);
	free(trk);
	json_free(&d);
	free(text);

	/* and a real parser, where there is one */
	if (system("command -v python3 >/dev/null 2>&1") == 0) {
		char cmd[600];
		snprintf(cmd, sizeof cmd, "python3 -m json.tool '%s' >/dev/null", path);
		ck_assert_int_eq(system(cmd), 0);
	}
}

START_TEST(test_trace_live)
{
	const char *path = tmppath("live.json");
	char err[300];
	chrometrace_writer *w = chrometrace_open(path, err, sizeof err);
	ck_assert_ptr_nonnull(w);
	tick_sink s = chrometrace_sink(w);
	live(8, MS(20), 2, true, NULL, 0, &s, 1);
	chrometrace_free(w);
	check_trace(path, 2);
}
END_TEST

/* Convert the recording rec to the trace path and check it. */
static void
trace_of_recording(const char *rec, const char *path, int procs)
{
	char err[300];
	chrometrace_writer *w = chrometrace_open(path, err, sizeof err);

	ck_assert_ptr_nonnull(w);
	tick_sink s = chrometrace_sink(w);
	ck_assert_int_eq(record_replay(rec, &s, 1), 0);
	chrometrace_free(w);
	check_trace(path, procs);
}

START_TEST(test_trace_from_recording)
{
	struct capture c;
	const char *rec = tmppath("tr.jsonl"), *path = tmppath("tr.json");

	record_live(rec, &c, 6, true);
	cap_free(&c);
	trace_of_recording(rec, path, 2);
}
END_TEST

static int cli(char **msg, const char *a1, const char *a2, const char *a3, const char *a4);

/* Write a recording of one P (0) and one M (3) starting at start: tick k's
 * snapshot at snapt[k], then its events. */
static void
write_rec(const char *path, uint64_t start, int nticks, const uint64_t *snapt, gs_event *const *ev,
    const int *nev)
{
	gs_snapshot *s = gs_snapshot_new(4, 4);
	record_writer w;
	char err[300];
	tick_info info = { .start_ns = start,
		.interval_ns = 1000,
		.ticks = nticks,
		.procs = 1,
		.max_m = 4,
		.runq_max = 4 };
	tick_end e = { nticks, 0, 0 };

	ck_assert_ptr_nonnull(s);
	s->np = 1;
	s->p[0].m = -1;
	s->nm = 1;
	s->nm_total = 1;
	s->m[0].id = 3;
	s->m[0].p = -1;
	s->stats.gomaxprocs = 1;
	ck_assert_int_eq(record_writer_open(&w, path, err, sizeof err), 0);
	tick_sink ws = record_sink(&w);
	ck_assert_int_eq(ws.begin(ws.ctx, &info), 0);
	for (int k = 0; k < nticks; k++) {
		tick_data t = { k, s, ev[k], nev[k], 0, NULL, 0, 0, NULL };
		s->time_ns = snapt[k];
		ck_assert_int_eq(ws.tick(ws.ctx, &info, &t), 0);
		e.events += (uint64_t)nev[k];
	}
	ck_assert_int_eq(ws.end(ws.ctx, &info, &e), 0);
	gs_snapshot_free(s);
}

#define EV(kind_, t, p_, m_, g_, arg_)                                                             \
	{                                                                                          \
		.time_ns = (t), .kind = (kind_), .p = (p_), .p2 = -1, .m = (m_), .m2 = -1,         \
		.g = (g_), .arg = (arg_)                                                           \
	}

/* Slices whose times, as microseconds read into doubles, overlap when a
 * viewer adds ts and dur (0.1 + 0.2 > 0.3), and events drained out of clock
 * order (a stop before its run, a run before the previous stop): the trace's
 * slices stay ordered and disjoint. */
START_TEST(test_trace_exact_times)
{
	const uint64_t S = 1000000000;
	const char *rec = tmppath("exact.jsonl"), *path = tmppath("exact.json");
	gs_event t0[] = {
		EV(GS_EV_RUN, S + 100, 0, 3, 5, 0),
		EV(GS_EV_STOP, S + 300, 0, 3, 5, GS_G_RUNNABLE),
		EV(GS_EV_RUN, S + 300, 0, 3, 6, 0),
		EV(GS_EV_SYSCALL_ENTER, S + 400, 0, 3, 6, 0),
		EV(GS_EV_SYSCALL_EXIT, S + 700, 0, 3, 6, 0),
		EV(GS_EV_SYSCALL_ENTER, S + 700, 0, 3, 6, 0),
		EV(GS_EV_SYSCALL_EXIT, S + 800, 0, 3, 6, 0),
		EV(GS_EV_STOP, S + 900, 0, 3, 6, GS_G_WAITING),
		EV(GS_EV_RUN, S + 900, 0, 3, 7, 0),
	};
	gs_event t1[] = {
		EV(GS_EV_STOP, S + 850, 0, 3, 7, GS_G_RUNNABLE), /* before its run */
		EV(GS_EV_RUN, S + 880, 0, 3, 8, 0),              /* before that stop */
		EV(GS_EV_STOP, S + 1900, 0, 3, 8, GS_G_RUNNABLE),
		EV(GS_EV_RUN, S + 1900, 0, 3, 5, 0),
	};
	gs_event *evs[] = { t0, t1 };
	int nev[] = { (int)(sizeof t0 / sizeof t0[0]), (int)(sizeof t1 / sizeof t1[0]) };
	uint64_t snapt[] = { S + 1000, S + 2000 };

	write_rec(rec, S, 2, snapt, evs, nev);
	trace_of_recording(rec, path, 1);
	/* the times exactly: B and E of one instant print alike */
	char *text = slurp(path, NULL);
	ck_assert_ptr_nonnull(
	    strstr(text, "\"ph\":\"E\",\"pid\":1,\"tid\":0,\"name\":\"G5\",\"ts\":0.300}"));
	ck_assert_ptr_nonnull(strstr(text, "\"ts\":0.300,\"args\":{\"g\":6,"));
	free(text);
}
END_TEST

/* A recording with a time that is not its run's (2^64 - 1000 ns, which
 * printed "ts":-0.-1 and the like, or more than 10^15 ns before its start) is
 * refused as a bad recording, with no trace left; the writer itself never
 * prints one either.  A time a little before the start is written as 0. */
START_TEST(test_trace_absurd_times)
{
	const uint64_t S = 3 * TICK_SPAN_NS;
	char rec[300], out[300], err[300], *msg;
	struct {
		uint64_t t;
		const char *says;
	} bad[] = {
		{ UINT64_MAX - 1000, "more than 10^15 ns after the header's start_ns" },
		{ S + TICK_SPAN_NS + 1, "more than 10^15 ns after the header's start_ns" },
		{ S - TICK_SPAN_NS - 1, "more than 10^15 ns before the header's start_ns" },
	};

	snprintf(rec, sizeof rec, "%s", tmppath("absurd.jsonl"));
	snprintf(out, sizeof out, "%s", tmppath("absurd.json"));
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		gs_event t0[] = { EV(GS_EV_RUN, S + 100, 0, 3, 5, 0),
			EV(GS_EV_STOP, bad[i].t, 0, 3, 5, GS_G_RUNNABLE) };
		gs_event *evs[] = { t0 };
		int nev[] = { 2 };
		uint64_t snapt[] = { S + 1000 };

		write_rec(rec, S, 1, snapt, evs, nev);
		ck_assert_int_eq(cli(&msg, "--replay", rec, "--trace", out), 2);
		ck_assert_msg(strstr(msg, "absurd.jsonl:4: event: time_ns") != NULL &&
			strstr(msg, bad[i].says) != NULL,
		    "'%s' does not say '%s'", msg, bad[i].says);
		free(msg);
		ck_assert_int_ne(access(out, F_OK), 0);
		/* the same for a snapshot */
		snapt[0] = bad[i].t;
		nev[0] = 0;
		write_rec(rec, S, 1, snapt, evs, nev);
		ck_assert_int_eq(cli(&msg, "--replay", rec, NULL, NULL), 2);
		ck_assert_msg(strstr(msg, "absurd.jsonl:2: snapshot: time_ns") != NULL, "'%s'",
		    msg);
		free(msg);
	}
	/* the span's ends are still times of the run */
	gs_event ok[] = { EV(GS_EV_RUN, S - TICK_SPAN_NS, 0, 3, 5, 0),
		EV(GS_EV_STOP, S + TICK_SPAN_NS, 0, 3, 5, GS_G_RUNNABLE) };
	gs_event *okevs[] = { ok };
	int oknev[] = { 2 };
	uint64_t oksnapt[] = { S + TICK_SPAN_NS };
	write_rec(rec, S, 1, oksnapt, okevs, oknev);
	ck_assert_int_eq(cli(&msg, "--replay", rec, "--trace", out), 0);
	free(msg);
	check_trace(out, 1);
	char *text = slurp(out, NULL);
	ck_assert_ptr_nonnull(strstr(text, "\"ts\":0.000,\"args\":{\"g\":5,"));
	ck_assert_ptr_nonnull(strstr(text, "\"ts\":1000000000000.000}"));
	free(text);

	/* the writer, fed a live run's tick with such a time, stops */
	gs_snapshot *s = gs_snapshot_new(4, 4);
	ck_assert_ptr_nonnull(s);
	s->time_ns = S + 1000;
	gs_event ev = EV(GS_EV_RUN, UINT64_MAX - 1000, 0, 3, 5, 0);
	tick_info info = { .start_ns = S, .interval_ns = 1000, .ticks = 1, .procs = 1 };
	tick_data t = { 0, s, &ev, 1, 0, NULL, 0, 0, NULL };
	chrometrace_writer *w = chrometrace_open(out, err, sizeof err);
	ck_assert_ptr_nonnull(w);
	tick_sink ts = chrometrace_sink(w);
	ck_assert_int_eq(ts.begin(ts.ctx, &info), 0);
	ck_assert_int_ne(ts.tick(ts.ctx, &info, &t), 0);
	chrometrace_free(w);
	gs_snapshot_free(s);
	text = slurp(out, NULL);
	ck_assert_ptr_null(strstr(text, "\"ts\""));
	free(text);
}
END_TEST

/* The batch printer prints the snapshot's needspinning (Go's sched.needspinning),
 * in the plain and the detailed header, as it is. */
START_TEST(test_batch_needspinning)
{
	gs_snapshot *s = gs_snapshot_new(4, 4);
	tick_data t = { 0, s, NULL, 0, 0, NULL, 0, 0, NULL };

	ck_assert_ptr_nonnull(s);
	s->time_ns = 2;
	for (int v = 0; v <= 1; v++) {
		char *text = NULL, want[32];
		size_t len = 0;
		FILE *f = open_memstream(&text, &len);
		ck_assert_ptr_nonnull(f);
		uint64_t start = 0;
		s->stats.needspinning = v;
		schedtrace_print(f, &t, &start, false);
		schedtrace_print(f, &t, &start, true);
		fclose(f);
		snprintf(want, sizeof want, " needspinning=%d ", v);
		const char *first = strstr(text, want);
		ck_assert_msg(first && strstr(first + 1, want), "want '%s' twice in:\n%s", want,
		    text);
		free(text);
	}
	gs_snapshot_free(s);
}
END_TEST

/* ---- bad recordings ------------------------------------------------------------------ */

/* ---- hostile recordings: memory grows with what was read ------------------------------ */

/* Address space a hostile recording may take on top of what the process has:
 * the largest line (8 MiB, twice over as its buffer doubles) and the JSON
 * reader's cap of 2^21 values at 24 bytes each fit; what the reader needed
 * before (64 bytes a value: 268 MB for a line of zeros; 1 GiB for a snapshot
 * claiming 2^24 events) does not. */
#define HOSTILE_BUDGET (128u << 20)

struct hostile {
	const char *path;
};

/* In a forked child: cap the address space, read the recording to its end or
 * its error, and print the error on stderr. */
static int
read_capped(void *arg)
{
	const struct hostile *h = arg;
	FILE *st = fopen("/proc/self/status", "r");
	char line[256], err[700];
	unsigned long vm_kb = 0;

	if (st == NULL)
		return 3;
	while (fgets(line, sizeof line, st))
		if (sscanf(line, "VmSize: %lu kB", &vm_kb) == 1)
			break;
	fclose(st);
	if (vm_kb == 0)
		return 3;
	struct rlimit rl = { vm_kb * 1024 + HOSTILE_BUDGET, vm_kb * 1024 + HOSTILE_BUDGET };
	if (setrlimit(RLIMIT_AS, &rl) != 0)
		return 3;
	record_reader *r = record_open(h->path, err, sizeof err);
	tick_data t;
	int rc;
	if (r == NULL) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	while ((rc = record_next(r, &t)) > 0)
		;
	fprintf(stderr, "%s\n", rc < 0 ? record_error(r) : "");
	record_close(r);
	return rc < 0 ? 2 : 0;
}

/* Reading path under the budget must fail at line with want in the message. */
static void
expect_bad_capped(const char *path, long line, const char *want)
{
	static struct tu_child c;
	struct hostile h = { path };
	char prefix[400];

	tu_child_run(&c, read_capped, &h, 60 * (uint64_t)1000000000);
	ck_assert_msg(WIFEXITED(c.status) && WEXITSTATUS(c.status) == 2,
	    "%s: status %d, want a bad recording; stderr: %s", path, c.status, c.out);
	snprintf(prefix, sizeof prefix, "%s:%ld: ", path, line);
	ck_assert_msg(strncmp(c.out, prefix, strlen(prefix)) == 0, "'%s' does not start '%s'",
	    c.out, prefix);
	ck_assert_msg(strstr(c.out, want) != NULL, "'%s' does not say '%s'", c.out, want);
}

/* A recording: header, then one line of `unit`s in arrays of 60000 (an array
 * holds at most JSON_MAX_MEMBERS) filling RECORD_LINE_MAX, then the end. */
static void
write_filled(const char *path, const char *header, const char *unit)
{
	FILE *f = fopen(path, "w");
	size_t n = 0, ulen = strlen(unit), inner = 0;

	ck_assert_ptr_nonnull(f);
	fprintf(f, "%s\n{\"type\":\"snapshot\",\"x\":[[", header);
	while (n + ulen + 8 < RECORD_LINE_MAX - 64) {
		if (inner == 60000) {
			fputs("],[", f);
			n += 3;
			inner = 0;
		} else if (inner) {
			fputc(',', f);
			n++;
		}
		fputs(unit, f);
		n += ulen;
		inner++;
	}
	fputs("]]}\n{\"type\":\"end\",\"ticks\":1,\"events\":0,\"dropped\":0}\n", f);
	ck_assert_int_eq(fclose(f), 0);
}

/* Memory grows with the bytes read, never with what a line claims: an 8 MiB
 * line of tiny values stops at the reader's cap of values, a snapshot
 * claiming 2^24 events reserves nothing for the ones never read. */
START_TEST(test_hostile_recordings_bounded)
{
	struct capture c;
	struct lines ls;
	const char *good = tmppath("good.jsonl"), *bad = tmppath("bad.jsonl");
	char want[64];

	if (TU_SANITIZED) {
		TU_SKIP("a sanitizer's shadow memory does not fit an address-space limit");
		return;
	}
	record_live(good, &c, 2, false);
	cap_free(&c);
	split(good, &ls);
	snprintf(want, sizeof want, "more than %d values", JSON_MAX_NODES);
	write_filled(bad, ls.l[0], "0");
	expect_bad_capped(bad, 2, want);
	write_filled(bad, ls.l[0], "{}");
	expect_bad_capped(bad, 2, want);
	write_filled(bad, ls.l[0], "\"\"");
	expect_bad_capped(bad, 2, want);
	/* the events the snapshot claims are not there: the end line comes
	 * first, and that is what the reader says */
	FILE *f = fopen(bad, "w");
	ck_assert_ptr_nonnull(f);
	const char *snap = ls.l[1];
	const char *ev = strstr(snap, "\"events\":");
	ck_assert_ptr_nonnull(ev);
	fprintf(f, "%s\n%.*s\"events\":16777216%s\n", ls.l[0], (int)(ev - snap), snap,
	    strchr(ev, ','));
	fputs("{\"type\":\"end\",\"ticks\":1,\"events\":16777216,\"dropped\":0}\n", f);
	ck_assert_int_eq(fclose(f), 0);
	expect_bad_capped(bad, 3,
	    "an end line where event 1 of 16777216 of the snapshot on line 2");
	free(ls.buf);
}
END_TEST

START_TEST(test_bad_recordings)
{
	struct capture c;
	struct lines ls;
	const char *good = tmppath("good.jsonl"), *bad = tmppath("bad.jsonl");

	record_live(good, &c, 4, true);
	cap_free(&c);
	split(good, &ls);
	ck_assert_int_ge(ls.n, 6);
	int n = ls.n;
	int ev1 = 2; /* the first event line, if tick 0 has events */
	bool tick0_events = strstr(ls.l[2], "\"type\":\"event\"") != NULL;

	/* the good one reads, and record_replay says 0 */
	ck_assert_int_eq(record_replay(good, NULL, 0), 0);

	/* empty file */
	spew(bad, "", 0);
	expect_bad(bad, 1, "empty file");
	/* no header: starts at the first snapshot */
	write_variant(bad, &ls, n, 0, NULL, NULL);
	expect_bad(bad, 1, "not a gsched recording");
	/* wrong format and version */
	write_variant(bad, &ls, n, 0, subst(ls.l[0], "gsched-recording", "other"), NULL);
	expect_bad(bad, 1, "not a gsched recording");
	write_variant(bad, &ls, n, 0, subst(ls.l[0], "\"version\":1", "\"version\":2"), NULL);
	expect_bad(bad, 1, "unsupported recording version 2");
	/* header member missing, or of the wrong type */
	write_variant(bad, &ls, n, 0, subst(ls.l[0], "\"runq_max\"", "\"runq_mux\""), NULL);
	expect_bad(bad, 1, "missing field \"runq_max\"");
	write_variant(bad, &ls, n, 0, subst(ls.l[0], "\"max_m\":256", "\"max_m\":\"256\""), NULL);
	expect_bad(bad, 1, "\"max_m\" is not an integer");
	/* the global queue: more listed than it holds, or not an object */
	write_variant(bad, &ls, n, 1,
	    with_glob(ls.l[1], "{\"len\":0,\"head\":[{\"id\":1,\"label\":\"x\"}],\"tail\":[]}"),
	    NULL);
	expect_bad(bad, 2, "glob: 1 + 0 goroutines listed of 0");
	write_variant(bad, &ls, n, 1, with_glob(ls.l[1], "5"), NULL);
	expect_bad(bad, 2, "field \"glob\" is not an object");
	/* bad JSON in the first snapshot */
	write_variant(bad, &ls, n, 1, subst(ls.l[1], "\"stats\":{", "\"stats\":{,"), NULL);
	expect_bad(bad, 2, "bad JSON");
	write_variant(bad, &ls, n, 1, subst(ls.l[1], "\"tick\":0", "\"tick\":00"), NULL);
	expect_bad(bad, 2, "leading zero");
	write_variant(bad, &ls, n, 1, subst(ls.l[1], "\"tick\":0", "\"tick\":0,\"tick\":0"), NULL);
	expect_bad(bad, 2, "duplicate key");
	/* a snapshot member missing, a nested one missing, a wrong type */
	write_variant(bad, &ls, n, 1, subst(ls.l[1], "\"take_ns\"", "\"tak_ns\""), NULL);
	expect_bad(bad, 2, "missing field \"take_ns\"");
	write_variant(bad, &ls, n, 1, subst(ls.l[1], "\"schedtick\"", "\"schedtik\""), NULL);
	expect_bad(bad, 2, "p[0]: missing field \"schedtick\"");
	/* a stats field added within version 1 may be missing: older files load */
	write_variant(bad, &ls, n, 1, subst(ls.l[1], "\"runnext_hits\"", "\"runnext_hitz\""), NULL);
	ck_assert_int_eq(record_replay(bad, NULL, 0), 0);
	write_variant(bad, &ls, n, 1, subst(ls.l[1], "\"spinning\":", "\"spinning\":1,\"x\":"),
	    NULL);
	expect_bad(bad, 2, "\"spinning\" is not true or false");
	write_variant(bad, &ls, n, 1, subst(ls.l[1], "\"tick\":0", "\"tick\":1"), NULL);
	expect_bad(bad, 2, "tick 1 where tick 0 was expected");
	/* unknown line type */
	write_variant(bad, &ls, n, 1, subst(ls.l[1], "\"snapshot\"", "\"snapshop\""), NULL);
	expect_bad(bad, 2, "unknown line type \"snapshop\"");
	/* not an object */
	write_variant(bad, &ls, n, 1, "[1,2,3]", NULL);
	expect_bad(bad, 2, "not a JSON object");
	if (tick0_events) {
		/* an unknown event kind; a missing event field */
		const char *l = ls.l[ev1];
		const char *kind = strstr(l, "\"kind\":\"");
		ck_assert_ptr_nonnull(kind);
		char from[40];
		snprintf(from, sizeof from, "%.*s", (int)(strchr(kind + 8, '"') - kind + 1), kind);
		write_variant(bad, &ls, n, ev1, subst(l, from, "\"kind\":\"teleport\""), NULL);
		expect_bad(bad, ev1 + 1, "unknown kind \"teleport\"");
		write_variant(bad, &ls, n, ev1, subst(l, "\"m2\"", "\"m3\""), NULL);
		expect_bad(bad, ev1 + 1, "missing field \"m2\"");
		write_variant(bad, &ls, n, ev1, subst(l, "\"p\":", "\"p\":99999,\"q\":"), NULL);
		expect_bad(bad, ev1 + 1, "\"p\" is not an integer in");
		/* an event line dropped: the next snapshot comes too early (it moves up
		 * one line in the shorter file) */
		int k = 2;
		while (k < n && strstr(ls.l[k], "\"type\":\"snapshot\"") == NULL)
			k++;
		if (k < n) {
			write_variant(bad, &ls, n, ev1, NULL, NULL);
			expect_bad(bad, k, "a snapshot line where event");
		}
	}
	/* cut at a line boundary in the middle: line n+1 of the short file is EOF */
	write_variant(bad, &ls, 3, -1, NULL, NULL);
	expect_bad(bad, 4, "truncated?");
	/* no end line */
	write_variant(bad, &ls, n - 1, -1, NULL, NULL);
	expect_bad(bad, n, "without an end line");
	/* cut inside the last line */
	write_variant(bad, &ls, n - 1, -1, NULL, "{\"type\":\"end\",\"tic");
	expect_bad(bad, n, "no newline");
	/* end counts that disagree */
	write_variant(bad, &ls, n, n - 1, subst(ls.l[n - 1], "\"ticks\":4", "\"ticks\":5"), NULL);
	expect_bad(bad, n, "disagree");
	/* text after the end line */
	write_variant(bad, &ls, n, -1, NULL, "{}\n");
	expect_bad(bad, n + 1, "after the end line");
	/* an empty line */
	write_variant(bad, &ls, n, -1, NULL, "\n");
	expect_bad(bad, n + 1, "empty line");
	/* a line too long (on line 2) */
	{
		size_t big = (size_t)RECORD_LINE_MAX + 10;
		char *huge = malloc(big + 1);
		ck_assert_ptr_nonnull(huge);
		memset(huge, ' ', big);
		huge[big] = '\0';
		write_variant(bad, &ls, n, 1, huge, NULL);
		free(huge);
		expect_bad(bad, 2, "longer than");
	}
	/* nesting too deep */
	{
		char deep[200];
		memset(deep, '[', 100);
		deep[100] = '\0';
		write_variant(bad, &ls, n, 1, deep, NULL);
		expect_bad(bad, 2, "deep");
	}
	/* a binary file */
	spew(bad,
	    "\x7f"
	    "ELF\x02\x01\x01\n",
	    8);
	expect_bad(bad, 1, "bad JSON");

	/* record_replay says 2 and names the line on stderr */
	write_variant(bad, &ls, n, 1, subst(ls.l[1], "\"p\":[", "\"p\":{"), NULL);
	fflush(stderr);
	int saved = dup(2);
	int fd = open(tmppath("stderr"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(fd, 2);
	int rc = record_replay(bad, NULL, 0);
	fflush(stderr);
	dup2(saved, 2);
	close(fd);
	close(saved);
	ck_assert_int_eq(rc, 2);
	char *msg = slurp(tmppath("stderr"), NULL);
	char want[400];
	snprintf(want, sizeof want, "gsched: %s:2: ", bad);
	ck_assert_msg(strncmp(msg, want, strlen(want)) == 0, "stderr: %s", msg);
	free(msg);
	free(ls.buf);
}
END_TEST

/* Every truncation of a small recording is rejected (never a crash), and only
 * the whole file is accepted. */
START_TEST(test_truncated_everywhere)
{
	struct capture c;
	const char *good = tmppath("small.jsonl"), *bad = tmppath("cut.jsonl");
	size_t len;

	record_live(good, &c, 3, false);
	cap_free(&c);
	char *text = slurp(good, &len);
	ck_assert_uint_lt(len, 200000);
	size_t step = len / 1500 + 1;
	for (size_t cut = 0; cut < len; cut += step) {
		spew(bad, text, cut);
		char err[700];
		tick_data t;
		record_reader *r = record_open(bad, err, sizeof err);
		int rc = -1;
		if (r) {
			while ((rc = record_next(r, &t)) > 0)
				;
			record_close(r);
		}
		ck_assert_msg(rc < 0, "a recording cut at %zu of %zu bytes was accepted", cut, len);
	}
	/* flipping bytes never crashes either (some flips are harmless) */
	for (size_t at = 0; at < len; at += step) {
		char keep = text[at];
		text[at] = (char)(keep ^ 0x5a);
		spew(bad, text, len);
		text[at] = keep;
		char err[700];
		tick_data t;
		record_reader *r = record_open(bad, err, sizeof err);
		if (r) {
			while (record_next(r, &t) > 0)
				;
			record_close(r);
		}
	}
	free(text);
}
END_TEST

/* ---- batch format -------------------------------------------------------------------- */

static regex_t re_sched, re_detail, re_p, re_m, re_g;

static void
compile_res(void)
{
	/* Go's schedtrace and scheddetail lines (runtime/proc.go, schedtrace) */
	ck_assert_int_eq(regcomp(&re_sched,
			     "^SCHED [0-9]+ms: gomaxprocs=[0-9]+ idleprocs=[0-9]+ "
			     "threads=[0-9]+ "
			     "spinningthreads=[0-9]+ needspinning=[0-9]+ idlethreads=[0-9]+ "
			     "runqueue=[0-9]+ \\[[0-9]+( [0-9]+)*\\]$",
			     REG_EXTENDED | REG_NOSUB),
	    0);
	ck_assert_int_eq(regcomp(&re_detail,
			     "^SCHED [0-9]+ms: gomaxprocs=[0-9]+ idleprocs=[0-9]+ "
			     "threads=[0-9]+ "
			     "spinningthreads=[0-9]+ needspinning=[0-9]+ idlethreads=[0-9]+ "
			     "runqueue=[0-9]+ gcwaiting=(true|false) nmidlelocked=[0-9]+ "
			     "stopwait=[0-9]+ sysmonwait=(true|false)$",
			     REG_EXTENDED | REG_NOSUB),
	    0);
	ck_assert_int_eq(regcomp(&re_p,
			     "^  P[0-9]+: status=[0-9]+ schedtick=[0-9]+ syscalltick=[0-9]+ "
			     "m=([0-9]+|nil) runqsize=[0-9]+ gfreecnt=[0-9]+ "
			     "timerslen=[0-9]+$",
			     REG_EXTENDED | REG_NOSUB),
	    0);
	ck_assert_int_eq(regcomp(&re_m,
			     "^  M[0-9]+: p=([0-9]+|nil) curg=([0-9]+|nil) mallocing=[0-9]+ "
			     "throwing=[0-9]+ preemptoff=[^ ]* locks=[0-9]+ dying=[0-9]+ "
			     "spinning=(true|false) blocked=(true|false) lockedg=nil$",
			     REG_EXTENDED | REG_NOSUB),
	    0);
	ck_assert_int_eq(regcomp(&re_g,
			     "^  G[0-9]+: status=[0-9]+\\([^)]*\\) m=([0-9]+|nil) lockedm=nil$",
			     REG_EXTENDED | REG_NOSUB),
	    0);
}

START_TEST(test_batch_format)
{
	struct capture c;
	tick_sink s = cap_sink(&c);
	ticker_spawn sp[] = { { "cpu", 2 }, { "syscall", 2 }, { "netwait", 1 } };

	compile_res();
	live(6, MS(20), 3, true, sp, 3, &s, 1);
	ck_assert_int_eq(c.n, 6);
	ck_assert_str_eq(c.info.scenario, "cpu:2,syscall:2,netwait:1");
	/* per tick: one plain line, the detailed block, one JSON line */
	char *save = NULL;
	int plain = 0, detail = 0, plines = 0, mlines = 0, glines = 0, json = 0;
	long lastms = -1;
	for (char *l = strtok_r(c.text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (regexec(&re_sched, l, 0, NULL, 0) == 0) {
			long ms = strtol(l + 6, NULL, 10);
			ck_assert_int_ge(ms, lastms);
			lastms = ms;
			/* as many queue lengths as Ps */
			const char *b = strchr(l, '[');
			int k = 1;
			for (; *b; b++)
				k += *b == ' ';
			ck_assert_int_eq(k, 3);
			ck_assert_ptr_nonnull(strstr(l, "gomaxprocs=3 "));
			plain++;
		} else if (regexec(&re_detail, l, 0, NULL, 0) == 0) {
			detail++;
		} else if (regexec(&re_p, l, 0, NULL, 0) == 0) {
			plines++;
		} else if (regexec(&re_m, l, 0, NULL, 0) == 0) {
			mlines++;
		} else if (regexec(&re_g, l, 0, NULL, 0) == 0) {
			glines++;
		} else if (l[0] == '{') {
			json_doc d;
			int64_t v;
			json_init(&d);
			ck_assert_int_eq(json_parse(&d, l, strlen(l)), 0);
			ck_assert(json_i64(&d, json_get(&d, 0, "tick"), &v));
			ck_assert_int_eq(v, json);
			ck_assert(json_i64(&d, json_get(&d, 0, "gomaxprocs"), &v));
			ck_assert_int_eq(v, 3);
			int rq = json_get(&d, 0, "runqsize");
			ck_assert_int_ge(rq, 0);
			ck_assert_int_eq(d.n[rq].nkids, 3);
			ck_assert_int_ge(json_get(&d, 0, "p"), 0);
			ck_assert_int_ge(json_get(&d, 0, "m"), 0);
			ck_assert_int_ge(json_get(&d, json_get(&d, 0, "by_status"), "waiting"), 0);
			json_free(&d);
			json++;
		} else {
			ck_abort_msg("line does not match Go's format: '%s'", l);
		}
	}
	ck_assert_int_eq(plain, 6);
	ck_assert_int_eq(detail, 6);
	ck_assert_int_eq(plines, 18);
	ck_assert_int_ge(mlines, 6 * 3);
	ck_assert_int_ge(glines, 6 * 6); /* main and the five goroutines, each tick */
	ck_assert_int_eq(json, 6);
	cap_free(&c);
}
END_TEST

/* ---- workloads ---------------------------------------------------------------------- */

/* Each workload runs, labels its goroutines and does what it says. */
/* What workload w must have shown by the last snapshot of a run, or NULL;
 * else what it has not shown yet. */
static const char *
workload_missing(const workload *w, const struct capture *c)
{
	const gs_stats *st = &c->snap[c->n - 1]->stats;
	bool labelled = false;

	for (int t = 0; t < c->n; t++)
		for (int p = 0; p < c->snap[t]->np; p++)
			if (strcmp(c->snap[t]->p[p].curg.label, w->label) == 0 ||
			    strcmp(c->snap[t]->p[p].runnext.label, w->label) == 0)
				labelled = true;
	if (strcmp(w->name, "cpu") == 0) {
		if (st->goroutines < 3) /* main + 2 */
			return "goroutines >= 3";
		if (!labelled)
			return "a P running a goroutine labelled cpu";
		if (st->preempt_async + st->preempt_coop == 0)
			return "a preemption";
	} else if (strcmp(w->name, "sleep") == 0) {
		if (st->timers_fired == 0 || st->by_waitreason[GS_WAIT_SLEEP] < 1)
			return "a timer fired and a goroutine asleep";
	} else if (strcmp(w->name, "syscall") == 0) {
		if (st->syscalls == 0)
			return "a system call";
	} else if (strcmp(w->name, "netwait") == 0) {
		if (st->by_waitreason[GS_WAIT_IO] < 2 || st->netpoll_wakes == 0)
			return "two goroutines in IO wait and a netpoll wake";
	} else if (strcmp(w->name, "mixed") == 0) {
		if (st->syscalls == 0 || st->timers_fired == 0 || st->goroutines < 1 + 2 * 7)
			return "a system call, a timer and 15 goroutines";
	}
	return NULL;
}

START_TEST(test_workloads)
{
	int n;
	const workload *tab = workload_table(&n);

	ck_assert_int_ge(n, 5);
	for (int i = 0; i < n; i++) {
		ticker_spawn sp = { tab[i].name, 2 };
		const char *missing = NULL;

		ck_assert_ptr_eq(workload_find(tab[i].name), &tab[i]);
		/* Half a second shows what each workload does (netwait's writer
		 * writes every 20-100 ms); a loaded machine may need longer, so a
		 * run that has not shown it yet is followed by a longer one.
		 * What is asserted is what the workload does, not how soon. */
		for (int ticks = 10; ticks <= 640; ticks *= 4) {
			struct capture c;
			tick_sink s = cap_sink(&c);

			live(ticks, MS(50), 2, true, &sp, 1, &s, 1);
			ck_assert_int_eq(c.n, ticks);
			missing = workload_missing(&tab[i], &c);
			cap_free(&c);
			if (missing == NULL)
				break;
		}
		ck_assert_msg(missing == NULL, "workload %s never showed %s", tab[i].name, missing);
	}
}
END_TEST

/* ---- the JSON reader ----------------------------------------------------------------- */

START_TEST(test_json_reader)
{
	static const char *const good[] = {
		"{}",
		"[]",
		" {\"a\" : [1, -2, 3.5e2, true, false, null, \"x\"]} ",
		"\"\\u00e9\\ud83d\\ude00\\n\"",
		"0",
		"-0",
		"9223372036854775807",
		"18446744073709551615",
		"1.5E-3",
		"[[[[]]]]",
	};
	static const char *const bad[] = {
		"",
		"{",
		"[1,]",
		"{\"a\":1,}",
		"01",
		"1.",
		".5",
		"-",
		"+1",
		"1e",
		"[1 2]",
		"{\"a\" 1}",
		"{a:1}",
		"\"abc",
		"\"\\x\"",
		"\"\\u12\"",
		"\"\\ud800\"",
		"\"\\u0000\"",
		"\"a\tb\"",
		"tru",
		"nul",
		"{} {}",
		"{\"a\":1,\"a\":2}",
		"'a'",
		"[1]x",
	};
	json_doc d;
	int64_t i;
	uint64_t u;

	json_init(&d);
	for (size_t k = 0; k < sizeof good / sizeof good[0]; k++)
		ck_assert_msg(json_parse(&d, good[k], strlen(good[k])) == 0, "rejected %s: %s",
		    good[k], d.err);
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
		ck_assert_msg(json_parse(&d, bad[k], strlen(bad[k])) != 0, "accepted %s", bad[k]);
	ck_assert_int_eq(json_parse(&d, "\"\\u00e9\\ud83d\\ude00\"", 20), 0);
	ck_assert_str_eq(json_str(&d, 0), "\xe9\xf0\x9f\x98\x80");
	const char *nums = "[9223372036854775807,-9223372036854775808,18446744073709551615,"
			   "18446744073709551616,-1,1.0]";
	ck_assert_int_eq(json_parse(&d, nums, strlen(nums)), 0);
	int c = d.n[0].first;
	ck_assert(json_i64(&d, c, &i) && i == INT64_MAX);
	c = d.n[c].next;
	ck_assert(json_i64(&d, c, &i) && i == INT64_MIN);
	ck_assert(!json_u64(&d, c, &u));
	c = d.n[c].next;
	ck_assert(json_u64(&d, c, &u) && u == UINT64_MAX);
	ck_assert(!json_i64(&d, c, &i));
	c = d.n[c].next;
	ck_assert(!json_u64(&d, c, &u)); /* too big: a double only */
	c = d.n[c].next;
	ck_assert(json_i64(&d, c, &i) && i == -1);
	ck_assert(!json_u64(&d, c, &u));
	c = d.n[c].next;
	ck_assert(!json_i64(&d, c, &i)); /* 1.0 is not an integer literal */
	/* depth limit */
	char deep[JSON_MAX_DEPTH + 3];
	memset(deep, '[', sizeof deep - 1);
	deep[sizeof deep - 1] = '\0';
	ck_assert_int_ne(json_parse(&d, deep, strlen(deep)), 0);
	ck_assert_ptr_nonnull(strstr(d.err, "deep"));
	json_free(&d);
}
END_TEST

/* ---- the options ---------------------------------------------------------------------- */

/* Run batch_main with stderr captured; returns its status, *msg what it said. */
static int
cli(char **msg, const char *a1, const char *a2, const char *a3, const char *a4)
{
	char *argv[6] = { (char *)"gsched", (char *)a1, (char *)a2, (char *)a3, (char *)a4, NULL };
	int argc = 1;
	while (argc < 5 && argv[argc])
		argc++;
	fflush(stderr);
	fflush(stdout);
	int saved = dup(2), savedout = dup(1);
	int fd = open(tmppath("cli.err"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
	int nul = open("/dev/null", O_WRONLY);
	dup2(fd, 2);
	dup2(nul, 1);
	int rc = batch_main(argc, argv);
	fflush(stderr);
	fflush(stdout);
	dup2(saved, 2);
	dup2(savedout, 1);
	close(fd);
	close(nul);
	close(saved);
	close(savedout);
	*msg = slurp(tmppath("cli.err"), NULL);
	return rc;
}

static void
cli_bad(const char *want, const char *a1, const char *a2, const char *a3, const char *a4)
{
	char *msg;
	int rc = cli(&msg, a1, a2, a3, a4);
	ck_assert_msg(rc == 2, "%s %s: status %d", a1, a2 ? a2 : "", rc);
	ck_assert_msg(strstr(msg, want) != NULL, "'%s' does not say '%s'", msg, want);
	ck_assert_msg(strstr(msg, "Try 'gsched --help'.\n") != NULL, "no hint in '%s'", msg);
	/* one line of message, one of hint */
	int lines = 0;
	for (char *p = msg; *p; p++)
		lines += *p == '\n';
	ck_assert_int_eq(lines, 2);
	free(msg);
}

/* A reader of stdout that went away while stdio itself wrote (printf of a
 * long text, such as --help) loses the write's errno before any flush sees
 * it: the end of the run must still know it for a closed pipe and stay
 * quiet, not report an input/output error. */
START_TEST(test_stdout_reader_gone)
{
	int fd[2];
	char big[8192];

	ck_assert_int_eq(pipe(fd), 0);
	close(fd[0]);
	ck_assert_int_eq(dup2(fd[1], STDOUT_FILENO), STDOUT_FILENO);
	close(fd[1]);
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IONBF, 0);
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	ck_assert_int_eq(fputs(big, stdout), EOF);
	ck_assert(ferror(stdout));
	errno = 0;
	ck_assert_int_eq(tick_fflush(stdout), 1);
	ck_assert_int_eq(errno, EPIPE);
	ck_assert_int_eq(tick_stdout_finish(0), 0);
}
END_TEST

START_TEST(test_options)
{
	char *msg;

	cli_bad("-n: 'abc'", "--batch", "-n", "abc", NULL);
	cli_bad("-n: '0'", "--batch", "-n", "0", NULL);
	cli_bad("-n: '5x'", "--batch", "-n5x", NULL, NULL);
	cli_bad("-d: '601'", "--batch", "-d", "601", NULL);
	cli_bad("-p: '257'", "--batch", "-p", "257", NULL);
	cli_bad("-p: '-1'", "--batch", "-p", "-1", NULL);
	cli_bad("needs a value", "--batch", "-n", NULL, NULL);
	cli_bad("unknown option '--frob'", "--batch", "--frob", NULL, NULL);
	cli_bad("unknown workload 'nope'", "--batch", "-w", "nope", NULL);
	cli_bad("nothing to do", "-n", "5", NULL, NULL);
	cli_bad("cannot open", "--replay", tmppath("missing.jsonl"), NULL, NULL);
	cli_bad("cannot write", "--batch", "--record", "/nonexistent/dir/x.jsonl", NULL);
	cli_bad("cannot write", "--batch", "--trace", "/nonexistent/dir/x.json", NULL);
	cli_bad("needs --replay", "--batch", "--replay-step", NULL, NULL);
	cli_bad("given as two files", "--record", "a", "--trace", "a");

	/* a run that works: record with -n 2, then replay it */
	char rec[300];
	snprintf(rec, sizeof rec, "%s", tmppath("cli.jsonl"));
	ck_assert_int_eq(cli(&msg, "--record", rec, "-n2", "-d1"), 0);
	ck_assert_str_eq(msg, "");
	free(msg);
	cli_bad("-p cannot be used with --replay", "--replay", rec, "-p", "2");
	ck_assert_int_eq(cli(&msg, "--replay", rec, "--json", NULL), 0);
	ck_assert_str_eq(msg, "");
	free(msg);
	/* a bad recording: status 2, the line named */
	char badrec[300], out[300];
	snprintf(badrec, sizeof badrec, "%s", tmppath("bad.jsonl"));
	snprintf(out, sizeof out, "%s", tmppath("out.json"));
	spew(badrec, "{\"format\":\"gsched-recording\",\"version\":1}\n", 42);
	ck_assert_int_eq(cli(&msg, "--replay", badrec, NULL, NULL), 2);
	ck_assert_ptr_nonnull(strstr(msg, "bad.jsonl:1: header: missing field"));
	free(msg);
	/* a failed conversion leaves no half-written trace */
	ck_assert_int_eq(cli(&msg, "--replay", badrec, "--trace", out), 2);
	free(msg);
	ck_assert_int_ne(access(out, F_OK), 0);
}
END_TEST

/* Run batch_main with stdout into a file of tmpdir and stderr captured;
 * returns its status, *out and *msg what it wrote. */
static int
cli_out(char **out, char **msg, const char *a1, const char *a2, const char *a3, const char *a4,
    const char *a5, const char *a6)
{
	char *argv[8] = { (char *)"gsched", (char *)a1, (char *)a2, (char *)a3, (char *)a4,
		(char *)a5, (char *)a6, NULL };
	int argc = 1;
	while (argc < 7 && argv[argc])
		argc++;
	fflush(stderr);
	fflush(stdout);
	int saved = dup(2), savedout = dup(1);
	int fd = open(tmppath("cli.err"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
	int fo = open(tmppath("cli.out"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(fd, 2);
	dup2(fo, 1);
	int rc = batch_main(argc, argv);
	fflush(stderr);
	fflush(stdout);
	dup2(saved, 2);
	dup2(savedout, 1);
	close(fd);
	close(fo);
	close(saved);
	close(savedout);
	*msg = slurp(tmppath("cli.err"), NULL);
	*out = slurp(tmppath("cli.out"), NULL);
	return rc;
}

/* --slow N reaches the runtime through the program layer: a --batch --json
 * run says timescale 5 on every line (read by gs_timescale() while the
 * runtime ran), a recording's header says it and --replay gives it back, Go's
 * SCHED lines get a note on stderr; a bad N and --slow with --replay are
 * usage errors. */
START_TEST(test_slow_reaches_runtime)
{
	char *out, *msg;
	int lines = 0;

	/* the default is real speed, and says so (first: a scale set holds for
	 * every later run of the process) */
	ck_assert_int_eq(cli_out(&out, &msg, "--batch", "--json", "-n", "1", NULL, NULL), 0);
	ck_assert_ptr_nonnull(strstr(out, "\"timescale\":1}"));
	free(out);
	free(msg);

	ck_assert_int_eq(cli_out(&out, &msg, "--batch", "--json", "--slow", "5", "-n", "3"), 0);
	ck_assert_str_eq(msg, "");
	for (char *l = out; *l; l = strchr(l, '\n') + 1, lines++)
		ck_assert_msg(strstr(l, "\"timescale\":5}") != NULL &&
			strstr(l, "\"timescale\":5}") < strchr(l, '\n'),
		    "no timescale 5 in %.200s", l);
	ck_assert_int_eq(lines, 3);
	free(out);
	free(msg);

	char rec[300];
	snprintf(rec, sizeof rec, "%s", tmppath("slow.jsonl"));
	ck_assert_int_eq(cli_out(&out, &msg, "--record", rec, "--slow", "5", "-n", "2"), 0);
	free(out);
	free(msg);
	char err[600];
	record_reader *r = record_open(rec, err, sizeof err);
	ck_assert_msg(r != NULL, "%s", err);
	ck_assert_int_eq(record_info(r)->timescale, 5);
	record_close(r);
	ck_assert_int_eq(cli_out(&out, &msg, "--replay", rec, "--json", NULL, NULL, NULL), 0);
	ck_assert_ptr_nonnull(strstr(out, "\"timescale\":5}"));
	free(out);
	free(msg);

	ck_assert_int_eq(cli_out(&out, &msg, "--batch", "--slow", "5", "-n", "1", NULL), 0);
	ck_assert_ptr_nonnull(strstr(msg, "slow motion x5"));
	ck_assert_ptr_nonnull(strstr(out, "SCHED "));
	free(out);
	free(msg);

	cli_bad("--slow: '0' is not a slow-motion factor from 1 to 1000", "--batch", "--slow", "0",
	    NULL);
	cli_bad("--slow: '1001'", "--batch", "--slow", "1001", NULL);
	cli_bad("--slow cannot be used with --replay", "--replay", rec, "--slow", "2");
}
END_TEST

/* gsched --batch -v prints Go's scheddetail whole: after each SCHED line its
 * P lines, M lines and a G line per goroutine (the scenario's goroutines are
 * listed without --record or --json too); the first line says SCHED 0ms, as
 * Go's first trace does. */
START_TEST(test_batch_detail_goroutines)
{
	char *out, *msg;

	compile_res();
	ck_assert_int_eq(cli_out(&out, &msg, "--batch", "-v", "-n", "3", "-p", "2"), 0);
	ck_assert_msg(strncmp(out, "SCHED 0ms: ", 11) == 0, "first line: %.200s", out);
	int sched = 0, plines = 0, glines = 0, gnow = 0;
	char *save = NULL;
	for (char *l = strtok_r(out, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (regexec(&re_detail, l, 0, NULL, 0) == 0) {
			if (sched > 0 && gnow < 2)
				ck_abort_msg("trace %d lists %d goroutines", sched, gnow);
			sched++;
			gnow = 0;
		} else if (regexec(&re_p, l, 0, NULL, 0) == 0) {
			plines++;
		} else if (regexec(&re_g, l, 0, NULL, 0) == 0) {
			glines++;
			gnow++;
		} else if (regexec(&re_m, l, 0, NULL, 0) != 0) {
			ck_abort_msg("line does not match Go's format: '%s'", l);
		}
	}
	ck_assert_int_eq(sched, 3);
	ck_assert_int_eq(plines, 3 * 2);
	ck_assert_msg(gnow >= 2 && glines >= 3 * 2, "%d G lines, %d in the last trace", glines,
	    gnow);
	free(out);
	free(msg);
}
END_TEST

/* A recording made from the middle of a run (the visualizer's R) counts its
 * own ticks from 0, and a header without timescale (older recordings) reads
 * as real speed. */
START_TEST(test_record_from_the_middle)
{
	char path[300], err[600];
	record_writer w;
	tick_info info = { .interval_ns = MS(100), .procs = 1, .ncpu = 1, .max_m = 4 };
	gs_snapshot *s = gs_snapshot_new(4, 0);
	gs_snap_p p = { .id = 0 };
	tick_data t = { .index = 537, .snap = s };

	ck_assert_ptr_nonnull(s);
	snprintf(path, sizeof path, "%s", tmppath("middle.jsonl"));
	s->np = 1;
	s->p[0] = p;
	ck_assert_int_eq(record_writer_open(&w, path, err, sizeof err), 0);
	tick_sink k = record_sink(&w);
	ck_assert_int_eq(k.begin(k.ctx, &info), 0);
	for (int i = 0; i < 3; i++, t.index++)
		ck_assert_int_eq(k.tick(k.ctx, &info, &t), 0);
	tick_end e = { 0 };
	ck_assert_int_eq(k.end(k.ctx, &info, &e), 0);
	record_reader *r = record_open(path, err, sizeof err);
	ck_assert_msg(r != NULL, "%s", err);
	ck_assert_int_eq(record_info(r)->timescale, 1);
	tick_data d;
	int n = 0, rc;
	while ((rc = record_next(r, &d)) > 0)
		ck_assert_int_eq(d.index, n++);
	ck_assert_msg(rc == 0, "%s", record_error(r));
	ck_assert_int_eq(n, 3);
	record_close(r);
	gs_snapshot_free(s);

	/* no timescale member: 1 */
	char *txt = slurp(path, NULL), *ts = strstr(txt, "\"timescale\":1,");
	ck_assert_ptr_nonnull(ts);
	memmove(ts, ts + strlen("\"timescale\":1,"), strlen(ts + strlen("\"timescale\":1,")) + 1);
	spew(path, txt, strlen(txt));
	free(txt);
	r = record_open(path, err, sizeof err);
	ck_assert_msg(r != NULL, "%s", err);
	ck_assert_int_eq(record_info(r)->timescale, 1);
	record_close(r);
}
END_TEST

static Suite *
record_suite(void)
{
	Suite *s = suite_create("record");
	TCase *tc = tcase_create("front");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_json_reader);
	tcase_add_test(tc, test_roundtrip);
	tcase_add_test(tc, test_recording_without_accounting);
	tcase_add_test(tc, test_recording_with_fewer_waitreasons);
	tcase_add_test(tc, test_roundtrip_labels);
	tcase_add_test(tc, test_trace_live);
	tcase_add_test(tc, test_trace_from_recording);
	tcase_add_test(tc, test_trace_exact_times);
	tcase_add_test(tc, test_trace_absurd_times);
	tcase_add_test(tc, test_bad_recordings);
	tcase_add_test(tc, test_hostile_recordings_bounded);
	tcase_add_test(tc, test_truncated_everywhere);
	tcase_add_test(tc, test_batch_format);
	tcase_add_test(tc, test_batch_needspinning);
	tcase_add_test(tc, test_workloads);
	tcase_add_test(tc, test_options);
	tcase_add_test(tc, test_stdout_reader_gone);
	tcase_add_test(tc, test_slow_reaches_runtime);
	tcase_add_test(tc, test_batch_detail_goroutines);
	tcase_add_test(tc, test_record_from_the_middle);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(record_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
