/*
 * chrometrace.c - the Chrome/Perfetto trace writer of chrometrace.h.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/json.h"
#include "format/chrometrace.h"

#define PID_P 1
#define PID_M 2
#define MAX_P 256
#define MAX_M_TRACKED (1 << 20) /* M ids above this get no syscall slices */
#define LABELS 4096             /* goroutine labels remembered (direct-mapped) */

struct open_slice {
	bool open;
	int64_t g;
	int64_t m; /* run: the M; syscall: the P it left */
	uint64_t t;
};

/* A track's slices: the one open, and where the last one ended.  Events from
 * different Ms can reach a tick's drain out of clock order, so a slice never
 * begins before the previous one on its track ended, nor ends before it
 * began: each E and the next B are then the same or ordered integers, and
 * print as the same or ordered decimals. */
struct track {
	struct open_slice s;
	uint64_t end;
};

/* A finished slice, written at the end when every snapshot has been seen, so
 * that it is named with its goroutine's label even if the label turned up only
 * in a later snapshot.  It is written as a "B" and an "E" event rather than one
 * "X": a viewer adds ts and dur as doubles, which can end a slice after its
 * neighbour's ts; the E and the next B print the same number instead. */
struct slice {
	bool sys;    /* a syscall slice on an M track (else a run slice on a P) */
	int64_t tid; /* P or M id */
	int64_t g;
	int64_t aux; /* run: the M; syscall: the P it left */
	uint64_t t0, t1;
	int then;  /* run: the goroutine's new status (-1 unknown);
	                    syscall: the P it got back (-1 none) */
	bool acct; /* run: the goroutine's accounting is known (below) */
	uint64_t run_ns, runs, latency_ns, latency_max_ns;
};

/* A goroutine's accounting as the last goroutine list gave it. */
struct gacct {
	int64_t id;
	uint64_t run_ns, runs, latency_ns, latency_max_ns;
};

#define SLICES_KEPT (1 << 21) /* then the kept ones are written, in order */

/* An M's track, in a table of the Ms seen (open addressing by id): it grows
 * with the Ms a run or a recording has, not with how large their ids are. */
struct mtrack {
	int64_t id; /* -1: a free slot */
	struct track sys;
};

struct chrometrace_writer {
	FILE *f;
	char *path;
	bool first;
	bool ended; /* the end written and the file closed without an error */
	uint64_t start_ns;
	uint64_t last_ns;
	uint64_t flow_id;
	bool pnamed[MAX_P];
	struct track run[MAX_P];
	struct mtrack *m;
	size_t mcap, mused; /* slots (a power of two, or 0), Ms in them */
	struct slice *sl;
	size_t nsl, slcap;
	struct {
		int64_t id;
		char label[GS_LABEL_MAX];
	} labels[LABELS];
	struct gacct acct[LABELS]; /* direct-mapped as labels */
};

chrometrace_writer *
chrometrace_open(const char *path, char *err, size_t errsize)
{
	chrometrace_writer *w = calloc(1, sizeof *w);

	if (w == NULL || (w->path = strdup(path)) == NULL) {
		free(w);
		snprintf(err, errsize, "out of memory");
		return NULL;
	}
	w->f = fopen(path, "w");
	if (w->f == NULL) {
		snprintf(err, errsize, "cannot write '%s': %s", path, strerror(errno));
		free(w->path);
		free(w);
		return NULL;
	}
	w->first = true;
	return w;
}

bool
chrometrace_finished(const chrometrace_writer *w)
{
	return w->ended;
}

void
chrometrace_free(chrometrace_writer *w)
{
	if (w == NULL)
		return;
	if (w->f)
		fclose(w->f);
	free(w->m);
	free(w->sl);
	free(w->path);
	free(w);
}

/* Start one trace event: the separator, then the caller's text. */
static FILE *
ev(chrometrace_writer *w)
{
	if (!w->first)
		fputs(",\n", w->f);
	w->first = false;
	return w->f;
}

/* Microseconds since the start, exactly: t was checked by time_ok, so the
 * difference is at most TICK_SPAN_NS and its digits are exact.  A time
 * before the start (the visualizer's start comes after the first events) is
 * the start: never a negative timestamp, and still in order. */
static void
ts(chrometrace_writer *w, uint64_t t)
{
	uint64_t d = t > w->start_ns ? t - w->start_ns : 0;

	fprintf(w->f, "%" PRIu64 ".%03u", d / 1000, (unsigned)(d % 1000));
}

/* Whether t is a time of this run; if not, say so (what names it). */
static bool
time_ok(chrometrace_writer *w, uint64_t t, const char *what)
{
	uint64_t off = t > w->start_ns ? t - w->start_ns : w->start_ns - t;

	if (off <= TICK_SPAN_NS)
		return true;
	fprintf(stderr,
	    "gsched: '%s': %s at time_ns %" PRIu64
	    " is more than 10^15 ns %s the run's start (%" PRIu64
	    "): not a time of this run; the trace is not written\n",
	    w->path, what, t, t < w->start_ns ? "before" : "after", w->start_ns);
	return false;
}

static const char *
label_of(chrometrace_writer *w, int64_t g)
{
	unsigned h = (unsigned)((uint64_t)g % LABELS);
	return w->labels[h].id == g ? w->labels[h].label : "";
}

static void
learn_label(chrometrace_writer *w, const gs_snap_g *g)
{
	if (g->id <= 0 || g->label[0] == '\0')
		return;
	unsigned h = (unsigned)((uint64_t)g->id % LABELS);
	w->labels[h].id = g->id;
	memcpy(w->labels[h].label, g->label, GS_LABEL_MAX);
}

/* The goroutine list's figures, so that a run slice ending in this tick
 * carries its goroutine's totals at the snapshot after it. */
static void
learn_acct(chrometrace_writer *w, const gs_snap_ginfo *g)
{
	struct gacct *a = &w->acct[(uint64_t)g->id % LABELS];

	*a = (struct gacct){ g->id, g->run_ns, g->runs, g->latency_ns, g->latency_max_ns };
}

static void
name_p(chrometrace_writer *w, int p)
{
	if (p < 0 || p >= MAX_P || w->pnamed[p])
		return;
	w->pnamed[p] = true;
	fprintf(ev(w),
	    "{\"ph\":\"M\",\"pid\":%d,\"tid\":%d,\"name\":\"thread_name\","
	    "\"args\":{\"name\":\"P%d\"}},\n"
	    "{\"ph\":\"M\",\"pid\":%d,\"tid\":%d,\"name\":\"thread_sort_index\","
	    "\"args\":{\"sort_index\":%d}}",
	    PID_P, p, p, PID_P, p, p);
}

static struct mtrack *
mslot(struct mtrack *tab, size_t cap, int64_t m)
{
	size_t i = (size_t)(((uint64_t)m * 0x9E3779B97F4A7C15u) >> 32) & (cap - 1);

	while (tab[i].id != -1 && tab[i].id != m)
		i = (i + 1) & (cap - 1);
	return &tab[i];
}

/* M m's track; NULL for an id out of range or no memory.
 * The table moves when it grows: hold no track across a call. */
static struct mtrack *
mtrack(chrometrace_writer *w, int64_t m)
{
	if (m < 0 || m >= MAX_M_TRACKED)
		return NULL;
	if ((w->mused + 1) * 2 > w->mcap) {
		size_t nc = w->mcap ? w->mcap * 2 : 64;
		struct mtrack *nm = malloc(nc * sizeof *nm);
		if (nm == NULL)
			return NULL;
		for (size_t i = 0; i < nc; i++)
			nm[i].id = -1;
		for (size_t i = 0; i < w->mcap; i++)
			if (w->m[i].id != -1)
				*mslot(nm, nc, w->m[i].id) = w->m[i];
		free(w->m);
		w->m = nm;
		w->mcap = nc;
	}
	struct mtrack *t = mslot(w->m, w->mcap, m);
	if (t->id == -1) { /* first seen: its track is named */
		memset(t, 0, sizeof *t);
		t->id = m;
		w->mused++;
		fprintf(ev(w),
		    "{\"ph\":\"M\",\"pid\":%d,\"tid\":%" PRId64 ",\"name\":\"thread_name\","
		    "\"args\":{\"name\":\"M%" PRId64 "\"}},\n"
		    "{\"ph\":\"M\",\"pid\":%d,\"tid\":%" PRId64
		    ",\"name\":\"thread_sort_index\",\"args\":{\"sort_index\":"
		    "%" PRId64 "}}",
		    PID_M, m, m, PID_M, m, m);
	}
	return t;
}

static int
trace_begin(void *ctx, const tick_info *info)
{
	chrometrace_writer *w = ctx;

	w->start_ns = info->start_ns;
	w->last_ns = info->start_ns;
	fputs("{\"traceEvents\":[\n", w->f);
	fprintf(ev(w),
	    "{\"ph\":\"M\",\"pid\":%d,\"name\":\"process_name\",\"args\":{\"name\":"
	    "\"Ps\"}},\n"
	    "{\"ph\":\"M\",\"pid\":%d,\"name\":\"process_sort_index\","
	    "\"args\":{\"sort_index\":1}},\n"
	    "{\"ph\":\"M\",\"pid\":%d,\"name\":\"process_name\",\"args\":{\"name\":"
	    "\"Ms\"}},\n"
	    "{\"ph\":\"M\",\"pid\":%d,\"name\":\"process_sort_index\","
	    "\"args\":{\"sort_index\":2}}",
	    PID_P, PID_P, PID_M, PID_M);
	for (int p = 0; p < info->procs && p < MAX_P; p++)
		name_p(w, p);
	return 0;
}

/* "name":"..." of a slice, on its B and on its E: speedscope ends a slice
 * only at an E named as its B (Perfetto and chrome://tracing need no name). */
static void
slice_name(FILE *f, const struct slice *sl, const char *label)
{
	fprintf(f, "\"name\":\"%sG%" PRId64, sl->sys ? "syscall " : "", sl->g);
	if (label[0]) {
		fputc(' ', f);
		json_put_escaped(f, label); /* inside the quoted name */
	}
	fputc('"', f);
}

static void
write_slice(chrometrace_writer *w, const struct slice *sl)
{
	FILE *f = ev(w);
	const char *label = label_of(w, sl->g);

	fprintf(f, "{\"ph\":\"B\",\"pid\":%d,\"tid\":%" PRId64 ",\"cat\":\"%s\",",
	    sl->sys ? PID_M : PID_P, sl->tid, sl->sys ? "syscall" : "run");
	slice_name(f, sl, label);
	fputs(",\"ts\":", f);
	ts(w, sl->t0);
	fprintf(f, ",\"args\":{\"g\":%" PRId64 ",\"label\":", sl->g);
	json_put_string(f, label);
	if (sl->acct)
		fprintf(f,
		    ",\"run_ns\":%" PRIu64 ",\"runs\":%" PRIu64 ",\"latency_ns\":%" PRIu64
		    ",\"latency_max_ns\":%" PRIu64,
		    sl->run_ns, sl->runs, sl->latency_ns, sl->latency_max_ns);
	if (sl->sys)
		fprintf(f, ",\"p_before\":%" PRId64 ",\"p_after\":%d}}", sl->aux, sl->then);
	else if (sl->then >= 0)
		fprintf(f, ",\"m\":%" PRId64 ",\"then\":\"%s\"}}", sl->aux,
		    gs_gstatus_name(sl->then));
	else
		fprintf(f, ",\"m\":%" PRId64 "}}", sl->aux);
	f = ev(w);
	fprintf(f, "{\"ph\":\"E\",\"pid\":%d,\"tid\":%" PRId64 ",", sl->sys ? PID_M : PID_P,
	    sl->tid);
	slice_name(f, sl, label);
	fputs(",\"ts\":", f);
	ts(w, sl->t1);
	fputc('}', f);
}

static void
flush_slices(chrometrace_writer *w)
{
	for (size_t i = 0; i < w->nsl; i++)
		write_slice(w, &w->sl[i]);
	w->nsl = 0;
}

/* Keep sl for the end; when no more can be kept, the kept ones are written
 * first, so that each track's slices stay in time order in the file (a viewer
 * sorting by ts keeps an E before the next B it equals). */
static void
add_slice(chrometrace_writer *w, const struct slice *sl)
{
	if (w->nsl == w->slcap && w->slcap < SLICES_KEPT) {
		size_t nc = w->slcap ? w->slcap * 2 : 1024;
		struct slice *ns = realloc(w->sl, nc * sizeof *ns);
		if (ns) {
			w->sl = ns;
			w->slcap = nc;
		}
	}
	if (w->nsl == w->slcap)
		flush_slices(w);
	if (w->nsl < w->slcap)
		w->sl[w->nsl++] = *sl;
	else
		write_slice(w, sl);
}

/* Open a slice on track tr at t (not before its last slice ended). */
static void
open_slice(struct track *tr, int64_t g, int64_t aux, uint64_t t)
{
	tr->s = (struct open_slice){ true, g, aux, t > tr->end ? t : tr->end };
}

/* Close track tr's open slice at t (not before it began) into *sl; false if
 * none was open. */
static bool
close_slice(struct track *tr, uint64_t t, struct slice *sl)
{
	struct open_slice *s = &tr->s;

	if (!s->open)
		return false;
	s->open = false;
	tr->end = t > s->t ? t : s->t;
	sl->g = s->g;
	sl->aux = s->m;
	sl->t0 = s->t;
	sl->t1 = tr->end;
	return true;
}

static void
close_run(chrometrace_writer *w, int p, uint64_t t, int status)
{
	struct slice sl = { .sys = false, .tid = p, .then = status };

	if (!close_slice(&w->run[p], t, &sl))
		return;
	const struct gacct *a = &w->acct[(uint64_t)sl.g % LABELS];
	if (sl.g > 0 && a->id == sl.g) {
		sl.acct = true;
		sl.run_ns = a->run_ns;
		sl.runs = a->runs;
		sl.latency_ns = a->latency_ns;
		sl.latency_max_ns = a->latency_max_ns;
	}
	add_slice(w, &sl);
}

static void
close_sys(chrometrace_writer *w, int64_t m, struct mtrack *mt, uint64_t t, int p_after)
{
	struct slice sl = { .sys = true, .tid = m, .then = p_after };

	if (close_slice(&mt->sys, t, &sl))
		add_slice(w, &sl);
}

/* An instant on P p's track (p < 0: a global instant). */
static FILE *
instant_p(chrometrace_writer *w, int p, const char *name, uint64_t t)
{
	bool track = p >= 0 && p < MAX_P;
	FILE *f;

	if (track)
		name_p(w, p);
	f = ev(w);
	if (track)
		fprintf(f, "{\"ph\":\"i\",\"s\":\"t\",\"pid\":%d,\"tid\":%d", PID_P, p);
	else
		fprintf(f, "{\"ph\":\"i\",\"s\":\"g\",\"pid\":%d,\"tid\":0", PID_P);
	fprintf(f, ",\"cat\":\"sched\",\"name\":\"%s\",\"ts\":", name);
	ts(w, t);
	return f;
}

static FILE *
instant_m(chrometrace_writer *w, int64_t m, const char *name, uint64_t t)
{
	FILE *f = ev(w);

	fprintf(f,
	    "{\"ph\":\"i\",\"s\":\"t\",\"pid\":%d,\"tid\":%" PRId64
	    ",\"cat\":\"thread\",\"name\":\"%s\",\"ts\":",
	    PID_M, m, name);
	ts(w, t);
	return f;
}

static void
flow(chrometrace_writer *w, int pid1, int64_t tid1, int pid2, int64_t tid2, const char *name,
    uint64_t t)
{
	uint64_t id = ++w->flow_id;
	FILE *f = ev(w);

	fprintf(f,
	    "{\"ph\":\"s\",\"pid\":%d,\"tid\":%" PRId64
	    ",\"cat\":\"flow\",\"name\":\"%s\",\"id\":%" PRIu64 ",\"ts\":",
	    pid1, tid1, name, id);
	ts(w, t);
	fputc('}', f);
	f = ev(w);
	fprintf(f,
	    "{\"ph\":\"f\",\"bp\":\"e\",\"pid\":%d,\"tid\":%" PRId64
	    ",\"cat\":\"flow\",\"name\":\"%s\",\"id\":%" PRIu64 ",\"ts\":",
	    pid2, tid2, name, id);
	ts(w, t);
	fputc('}', f);
}

static void
one_event(chrometrace_writer *w, const gs_event *e)
{
	FILE *f;
	struct mtrack *mt;
	int p = e->p;
	bool pok = p >= 0 && p < MAX_P;

	if (e->time_ns > w->last_ns)
		w->last_ns = e->time_ns;
	switch (e->kind) {
	case GS_EV_SPAWN:
		if (e->label[0]) {
			gs_snap_g sg = { .id = e->g };
			memcpy(sg.label, e->label, GS_LABEL_MAX);
			learn_label(w, &sg);
		}
		break;
	case GS_EV_RUN:
		if (!pok)
			break;
		name_p(w, p);
		close_run(w, p, e->time_ns, -1);
		open_slice(&w->run[p], e->g, e->m, e->time_ns);
		break;
	case GS_EV_STOP:
		if (pok)
			close_run(w, p, e->time_ns, (int)e->arg);
		break;
	case GS_EV_SYSCALL_ENTER:
		if ((mt = mtrack(w, e->m)) != NULL) {
			close_sys(w, e->m, mt, e->time_ns, -1);
			open_slice(&mt->sys, e->g, e->p, e->time_ns);
		}
		break;
	case GS_EV_SYSCALL_EXIT:
		if ((mt = mtrack(w, e->m)) != NULL)
			close_sys(w, e->m, mt, e->time_ns, e->p);
		break;
	case GS_EV_STEAL:
		f = instant_p(w, p, "steal", e->time_ns);
		fprintf(f, ",\"args\":{\"victim\":%d,\"count\":%" PRId64 ",\"runnext\":%s}}", e->p2,
		    e->arg, e->m2 == 1 ? "true" : "false");
		if (pok && e->p2 >= 0 && e->p2 < MAX_P) {
			name_p(w, e->p2);
			flow(w, PID_P, e->p2, PID_P, p, "steal", e->time_ns);
		}
		break;
	case GS_EV_HANDOFF:
		f = instant_p(w, p, "handoff", e->time_ns);
		fprintf(f, ",\"args\":{\"from_m\":%" PRId64 ",\"to_m\":%" PRId64 "}}", e->m, e->m2);
		if (e->m >= 0 && mtrack(w, e->m)) {
			f = instant_m(w, e->m, "handoff", e->time_ns);
			fprintf(f, ",\"args\":{\"p\":%d,\"to_m\":%" PRId64 "}}", p, e->m2);
			if (e->m2 >= 0 && mtrack(w, e->m2))
				flow(w, PID_M, e->m, PID_M, e->m2, "handoff", e->time_ns);
		}
		break;
	case GS_EV_RETAKE:
		f = instant_p(w, p, "retake", e->time_ns);
		fprintf(f, ",\"args\":{\"m\":%" PRId64 "}}", e->m);
		break;
	case GS_EV_PREEMPT:
		f = instant_p(w, p, "preempt", e->time_ns);
		fprintf(f, ",\"args\":{\"g\":%" PRId64 ",\"kind\":\"%s\"}}", e->g,
		    e->arg ? "async" : "cooperative");
		break;
	case GS_EV_PROCRESIZE:
		f = instant_p(w, -1, "procresize", e->time_ns);
		fprintf(f, ",\"args\":{\"old\":%d,\"new\":%d,\"stw_ns\":%" PRId64 "}}", e->p2, e->p,
		    e->arg);
		for (int i = 0; i < e->p && i < MAX_P; i++)
			name_p(w, i);
		break;
	case GS_EV_TIMER_FIRE:
		if (!pok)
			break;
		f = instant_p(w, p, "timer_fire", e->time_ns);
		fprintf(f, ",\"args\":{\"g\":%" PRId64 "}}", e->g);
		break;
	case GS_EV_NETPOLL_WAKE:
		if (!pok && e->m >= 0 && mtrack(w, e->m))
			f = instant_m(w, e->m, "netpoll_wake", e->time_ns);
		else
			f = instant_p(w, p, "netpoll_wake", e->time_ns);
		fprintf(f, ",\"args\":{\"woken\":%" PRId64 "}}", e->arg);
		break;
	case GS_EV_M_CREATE:
	case GS_EV_M_PARK:
	case GS_EV_M_WAKE:
		if (e->m >= 0 && mtrack(w, e->m)) {
			f = instant_m(w, e->m, gs_event_name(e->kind), e->time_ns);
			fprintf(f, ",\"args\":{\"p\":%d}}", p);
		}
		break;
	default:
		break; /* spawn, exit, park, ready, global put/get, move: not drawn */
	}
}

static void
counter(chrometrace_writer *w, const char *name, uint64_t t)
{
	FILE *f = ev(w);

	fprintf(f, "{\"ph\":\"C\",\"pid\":%d,\"name\":\"%s\",\"ts\":", PID_P, name);
	ts(w, t);
	fputs(",\"args\":{", f);
}

static int
trace_tick(void *ctx, const tick_info *info, const tick_data *t)
{
	chrometrace_writer *w = ctx;
	const gs_snapshot *s = t->snap;
	const gs_stats *st = &s->stats;
	FILE *f = w->f;

	(void)info;
	/* every time first, so that nothing of a tick with a bad one is written */
	if (!time_ok(w, s->time_ns, "the snapshot"))
		return 1;
	for (int i = 0; i < t->nev; i++)
		if (!time_ok(w, t->ev[i].time_ns, gs_event_name(t->ev[i].kind)))
			return 1;
	/* labels first, so the slices closed by these events are named */
	for (int i = 0; i < s->np; i++) {
		learn_label(w, &s->p[i].curg);
		learn_label(w, &s->p[i].runnext);
		for (uint32_t k = 0; k < s->p[i].runq_listed && s->p[i].runq; k++)
			learn_label(w, &s->p[i].runq[k]);
	}
	for (int i = 0; i < t->ng && t->gl; i++)
		learn_acct(w, &t->gl[i]);
	for (int i = 0; i < t->nev; i++)
		one_event(w, &t->ev[i]);
	if (s->time_ns > w->last_ns)
		w->last_ns = s->time_ns;
	for (int i = 0; i < s->np; i++)
		name_p(w, i);
	for (int i = 0; i < s->nm; i++)
		mtrack(w, s->m[i].id);
	counter(w, "threads", s->time_ns);
	fprintf(f, "\"threads\":%d,\"idle\":%d,\"spinning\":%d,\"in_syscall\":%d}}", st->threads,
	    st->idle_threads, st->spinning_threads, st->in_syscall);
	counter(w, "runqueue", s->time_ns);
	fprintf(f, "\"global\":%d}}", st->global_runq);
	counter(w, "runq", s->time_ns);
	for (int i = 0; i < s->np; i++)
		fprintf(f, "%s\"P%d\":%" PRIu32, i ? "," : "", i, s->p[i].runq_len);
	fputs("}}", f);
	counter(w, "goroutines", s->time_ns);
	fprintf(f, "\"running\":%d,\"runnable\":%d,\"syscall\":%d,\"waiting\":%d}}",
	    st->by_status[GS_G_RUNNING], st->by_status[GS_G_RUNNABLE], st->by_status[GS_G_SYSCALL],
	    st->by_status[GS_G_WAITING]);
	if (ferror(f)) {
		fprintf(stderr, "gsched: writing '%s': %s\n", w->path, strerror(errno));
		return 1;
	}
	return 0;
}

static int
trace_end(void *ctx, const tick_info *info, const tick_end *e)
{
	chrometrace_writer *w = ctx;

	for (int p = 0; p < MAX_P; p++)
		close_run(w, p, w->last_ns, -1);
	for (size_t i = 0; i < w->mcap; i++)
		if (w->m[i].id != -1)
			close_sys(w, w->m[i].id, &w->m[i], w->last_ns, -1);
	flush_slices(w);
	fputs("\n],\"displayTimeUnit\":\"ns\",\"otherData\":{\"generator\":", w->f);
	json_put_string(w->f, info->created_by);
	fputs(",\"scenario\":", w->f);
	json_put_string(w->f, info->scenario);
	fprintf(w->f, ",\"ticks\":%d,\"events\":%" PRIu64 ",\"dropped\":%" PRIu64 "}}\n", e->ticks,
	    e->events, e->dropped);
	int bad = tick_fclose(&w->f) != 0;
	w->ended = !bad;
	if (bad) {
		fprintf(stderr, "gsched: writing '%s': %s\n", w->path, strerror(errno));
		return 1;
	}
	return 0;
}

tick_sink
chrometrace_sink(chrometrace_writer *w)
{
	tick_sink s = { trace_begin, trace_tick, trace_end, w };
	return s;
}
