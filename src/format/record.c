/*
 * record.c - the JSON Lines recording writer and its strict reader (record.h,
 * docs/recording.md).  The writer and the reader walk the same field tables
 * (fields.h), so the two cannot drift apart.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/fields.h"
#include "format/json.h"
#include "format/record.h"

int
record_event_kind(const char *name)
{
	for (int k = 1; k < GS_EV_NKINDS; k++)
		if (strcmp(gs_event_name(k), name) == 0)
			return k;
	return -1;
}

/* ---- writing ------------------------------------------------------------------- */

int
record_writer_open(record_writer *w, const char *path, char *err, size_t errsize)
{
	memset(w, 0, sizeof *w);
	w->path = path;
	w->f = fopen(path, "w");
	if (w->f == NULL) {
		snprintf(err, errsize, "cannot write '%s': %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

void
record_writer_abort(record_writer *w)
{
	if (w->f)
		fclose(w->f);
	w->f = NULL;
}

static int
write_failed(record_writer *w)
{
	snprintf(w->err, sizeof w->err, "writing '%s': %s", w->path, strerror(errno));
	if (!w->quiet)
		fprintf(stderr, "gsched: %s\n", w->err);
	return 1;
}

static int
rec_begin(void *ctx, const tick_info *info)
{
	record_writer *w = ctx;
	FILE *f = w->f;

	fprintf(f, "{\"format\":\"%s\",\"version\":%d,\"created_by\":", RECORD_FORMAT,
	    RECORD_VERSION);
	json_put_string(f, info->created_by);
	fprintf(f,
	    ",\"start_ns\":%" PRIu64 ",\"interval_ns\":%" PRIu64
	    ",\"ticks\":%d,\"gomaxprocs\":%d,\"ncpu\":%d,\"max_m\":%d,\"runq_max\":%"
	    "d,\"timescale\":%d,\"tags\":true,"
	    "\"scenario\":",
	    info->start_ns, info->interval_ns, info->ticks, info->procs, info->ncpu, info->max_m,
	    info->runq_max, info->timescale > 0 ? info->timescale : 1);
	json_put_string(f, info->scenario);
	/* a foreign program's trace: what its ticks do not say (tick.h) */
	if (info->lacks)
		fprintf(f, ",\"lacks\":%u", info->lacks);
	fputs("}\n", f);
	return ferror(f) ? write_failed(w) : 0;
}

/* n goroutines, comma-separated (the brackets are the caller's). */
static void
put_glist(FILE *f, const gs_snap_g *g, uint32_t n)
{
	for (uint32_t k = 0; k < n; k++) {
		if (k)
			fputc(',', f);
		json_put_g(f, &g[k]);
	}
}

static int
rec_tick(void *ctx, const tick_info *info, const tick_data *t)
{
	record_writer *w = ctx;
	FILE *f = w->f;
	const gs_snapshot *s = t->snap;

	(void)info;
	/* w->ticks, not t->index: a recording begun in the middle of a run
	 * still counts its ticks from 0, as the reader wants */
	fprintf(f,
	    "{\"type\":\"snapshot\",\"tick\":%d,\"time_ns\":%" PRIu64 ",\"take_ns\":%" PRIu64
	    ",\"events\":%d,\"dropped\":%" PRIu64 ",\"stats\":{",
	    w->ticks, s->time_ns, s->take_ns, t->nev, t->dropped);
	fields_put_json(f, &s->stats, fields_stats, fields_nstats);
	fputs(",\"by_status\":[", f);
	for (int i = 0; i < GS_G_NSTATUS; i++)
		fprintf(f, "%s%d", i ? "," : "", s->stats.by_status[i]);
	fputs("],\"by_waitreason\":[", f);
	for (int i = 0; i < GS_WAIT_NREASONS; i++)
		fprintf(f, "%s%d", i ? "," : "", s->stats.by_waitreason[i]);
	fprintf(f, "]},\"nm_total\":%d,\"os_threads\":%d,\"glob\":{\"len\":%" PRIu32 ",\"head\":[",
	    s->nm_total, s->os_threads, s->glob_len);
	uint32_t ghead = s->glob ? s->glob_head : 0, gtail = s->glob ? s->glob_tail : 0;
	put_glist(f, s->glob, ghead);
	fputs("],\"tail\":[", f);
	put_glist(f, s->glob + ghead, gtail);
	fputs("]},\"p\":[", f);
	for (int i = 0; i < s->np; i++) {
		const gs_snap_p *p = &s->p[i];
		fputs(i ? ",{" : "{", f);
		fields_put_json(f, p, fields_p, fields_np);
		fputc(',', f);
		fields_put_json(f, p, fields_p_acct, fields_np_acct);
		fputs(",\"curg\":", f);
		json_put_g(f, &p->curg);
		fputs(",\"runnext\":", f);
		json_put_g(f, &p->runnext);
		fputs(",\"runq\":[", f);
		put_glist(f, p->runq, p->runq ? p->runq_listed : 0);
		fputs("]}", f);
	}
	fputs("],\"m\":[", f);
	for (int i = 0; i < s->nm; i++) {
		fputs(i ? ",{" : "{", f);
		fields_put_json(f, &s->m[i], fields_m, fields_nm);
		fputc(',', f);
		fields_put_json(f, &s->m[i], fields_m_acct, fields_nm_acct);
		fputc('}', f);
	}
	fputc(']', f);
	if (t->gl) {
		fields_put_glist(f, t->gl, t->ng, t->ng_total);
	}
	fputs("}\n", f);
	for (int i = 0; i < t->nev; i++) {
		const gs_event *e = &t->ev[i];
		fprintf(f,
		    "{\"type\":\"event\",\"tick\":%d,\"kind\":\"%s\",\"time_ns\":"
		    "%" PRIu64 ",\"p\":%d,\"p2\":%d,\"m\":%" PRId64 ",\"m2\":%" PRId64
		    ",\"g\":%" PRId64 ",\"arg\":%" PRId64,
		    w->ticks, gs_event_name(e->kind), e->time_ns, e->p, e->p2, e->m, e->m2, e->g,
		    e->arg);
		if (e->label[0]) {
			fputs(",\"label\":", f);
			json_put_string(f, e->label);
		}
		fputs("}\n", f);
	}
	w->ticks++;
	w->events += (uint64_t)t->nev;
	w->dropped += t->dropped;
	return ferror(f) ? write_failed(w) : 0;
}

static int
rec_end(void *ctx, const tick_info *info, const tick_end *e)
{
	record_writer *w = ctx;

	(void)info;
	(void)e;
	fprintf(w->f,
	    "{\"type\":\"end\",\"ticks\":%d,\"events\":%" PRIu64 ",\"dropped\":%" PRIu64 "}\n",
	    w->ticks, w->events, w->dropped);
	return tick_fclose(&w->f) != 0 ? write_failed(w) : 0;
}

tick_sink
record_sink(record_writer *w)
{
	tick_sink s = { rec_begin, rec_tick, rec_end, w };
	return s;
}

/* ---- reading ------------------------------------------------------------------- */

struct record_reader {
	FILE *f;
	char *path;
	long line; /* number of the line last read */
	char *buf; /* the line */
	size_t cap;
	json_doc doc;
	tick_info info;
	tick_end end; /* counts seen so far, checked against the end line */
	gs_snapshot *snap;
	gs_event *ev;
	int evcap;
	gs_snap_ginfo *gl; /* the last snapshot's goroutine list */
	int glcap;
	bool at_end;
	bool cut;         /* the error is the file's end coming too soon (a killed writer) */
	bool legacy_tags; /* made before tags: goroutines' tags from their labels */
	char err[512];
};

static int rerr(record_reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
rerr(record_reader *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tick_file_error(r->err, sizeof r->err, r->path, r->line, fmt, ap);
	va_end(ap);
	return -1;
}

/* Read one line into r->buf: 1, 0 at EOF (nothing read), -1 on an error. */
static int
read_line(record_reader *r, size_t *len)
{
	size_t n = 0;
	int c;

	r->line++;
	while ((c = getc(r->f)) != EOF && c != '\n') {
		if (n >= RECORD_LINE_MAX)
			return rerr(r, "line longer than %d bytes", RECORD_LINE_MAX);
		if (n + 1 >= r->cap) {
			size_t nc = r->cap ? r->cap * 2 : 4096;
			char *nb = realloc(r->buf, nc);
			if (nb == NULL)
				return rerr(r, "out of memory");
			r->buf = nb;
			r->cap = nc;
		}
		r->buf[n++] = (char)c;
	}
	if (ferror(r->f))
		return rerr(r, "read error: %s", strerror(errno));
	if (c == EOF && n == 0)
		return 0;
	if (c == EOF) {
		r->cut = true;
		return rerr(r, "the last line has no newline (truncated recording?)");
	}
	if (n == 0)
		return rerr(r, "empty line");
	*len = n;
	return 1;
}

static int
parse_line(record_reader *r, size_t len)
{
	if (json_parse(&r->doc, r->buf, len) != 0)
		return rerr(r, "bad JSON at column %zu: %s", r->doc.errpos + 1, r->doc.err);
	if (r->doc.n[0].type != JSON_OBJ)
		return rerr(r, "not a JSON object");
	return 0;
}

/* Read member name of obj as the field's type into base. */
static int
get_field(record_reader *r, int obj, const char *where, const fields_field *fl, void *base)
{
	int i = json_get(&r->doc, obj, fl->name);
	char *p = (char *)base + fl->off;
	int64_t v;
	uint64_t u;

	if (i < 0 && fl->optional)
		return 0; /* the caller zeroed the struct */
	if (i < 0)
		return rerr(r, "%s: missing field \"%s\"", where, fl->name);
	switch (fl->type) {
	case FT_INT:
		if (!json_i64(&r->doc, i, &v) || v < INT32_MIN || v > INT32_MAX)
			break;
		*(int *)p = (int)v;
		return 0;
	case FT_U32:
		if (!json_u64(&r->doc, i, &u) || u > UINT32_MAX)
			break;
		*(uint32_t *)p = (uint32_t)u;
		return 0;
	case FT_U64:
		if (!json_u64(&r->doc, i, &u))
			break;
		*(uint64_t *)p = u;
		return 0;
	case FT_I64:
		if (!json_i64(&r->doc, i, &v))
			break;
		*(int64_t *)p = v;
		return 0;
	case FT_BOOL:
		if (!json_bool(&r->doc, i, (bool *)p))
			break;
		return 0;
	}
	return rerr(r, "%s: field \"%s\" is not %s", where, fl->name,
	    fl->type == FT_BOOL                            ? "true or false"
		: fl->type == FT_U32 || fl->type == FT_U64 ? "a non-negative integer"
							   : "an integer in range");
}

static int
get_fields(record_reader *r, int obj, const char *where, const fields_field *fl, int n, void *base)
{
	for (int i = 0; i < n; i++)
		if (get_field(r, obj, where, &fl[i], base))
			return -1;
	return 0;
}

static int
get_int(record_reader *r, int obj, const char *where, const char *name, int64_t lo, int64_t hi,
    int64_t *out)
{
	int i = json_get(&r->doc, obj, name);

	if (i < 0)
		return rerr(r, "%s: missing field \"%s\"", where, name);
	if (!json_i64(&r->doc, i, out) || *out < lo || *out > hi)
		return rerr(r, "%s: field \"%s\" is not an integer in %" PRId64 "..%" PRId64, where,
		    name, lo, hi);
	return 0;
}

static int
get_u64(record_reader *r, int obj, const char *where, const char *name, uint64_t *out)
{
	int i = json_get(&r->doc, obj, name);

	if (i < 0)
		return rerr(r, "%s: missing field \"%s\"", where, name);
	if (!json_u64(&r->doc, i, out))
		return rerr(r, "%s: field \"%s\" is not a non-negative integer", where, name);
	return 0;
}

/* A snapshot's or event's time: one of the run's (tick.h's TICK_SPAN_NS). */
static int
get_time(record_reader *r, const char *where, uint64_t *out)
{
	uint64_t start = r->info.start_ns;

	if (get_u64(r, 0, where, "time_ns", out))
		return -1;
	if (*out < start && start - *out > TICK_SPAN_NS)
		return rerr(r,
		    "%s: time_ns %" PRIu64 " is more than 10^15 ns before the header's start_ns "
		    "%" PRIu64,
		    where, *out, start);
	if (*out > start && *out - start > TICK_SPAN_NS)
		return rerr(r,
		    "%s: time_ns %" PRIu64 " is more than 10^15 ns after the header's start_ns "
		    "%" PRIu64,
		    where, *out, start);
	return 0;
}

static int
get_string(record_reader *r, int obj, const char *where, const char *name, char *out, size_t size)
{
	int i = json_get(&r->doc, obj, name);
	const char *s = json_str(&r->doc, i);

	if (i < 0)
		return rerr(r, "%s: missing field \"%s\"", where, name);
	if (s == NULL)
		return rerr(r, "%s: field \"%s\" is not a string", where, name);
	if (strlen(s) >= size)
		return rerr(r, "%s: field \"%s\" is longer than %zu bytes", where, name, size - 1);
	memcpy(out, s, strlen(s) + 1);
	return 0;
}

static int
get_array(record_reader *r, int obj, const char *where, const char *name, int *out)
{
	int i = json_get(&r->doc, obj, name);

	if (i < 0)
		return rerr(r, "%s: missing field \"%s\"", where, name);
	if (r->doc.n[i].type != JSON_ARR)
		return rerr(r, "%s: field \"%s\" is not an array", where, name);
	*out = i;
	return 0;
}

/* The tag of a goroutine in a recording made before tags: the workloads'
 * labels of then stood for their kinds. */
static char
legacy_tag(const char *label)
{
	static const struct {
		const char *label;
		char tag;
	} old[] = { { "cpu", 'C' }, { "sleep", 'S' }, { "syscall", 'B' }, { "netwait", 'N' },
		{ "netwrite", 'N' } };

	for (size_t i = 0; i < sizeof old / sizeof old[0]; i++)
		if (strcmp(label, old[i].label) == 0)
			return old[i].tag;
	return 0;
}

/* A goroutine's "label" and optional "tag" members, into label
 * (GS_LABEL_MAX) and *tag. */
static int
get_label_tag(record_reader *r, int node, const char *where, char *label, char *tag)
{
	char t[2];

	if (get_string(r, node, where, "label", label, GS_LABEL_MAX))
		return -1;
	if (json_get(&r->doc, node, "tag") < 0) {
		*tag = r->legacy_tags ? legacy_tag(label) : 0;
		return 0;
	}
	if (get_string(r, node, where, "tag", t, sizeof t))
		return -1;
	if (t[0] == '\0')
		return rerr(r, "%s: field \"tag\" is empty (a tag is one byte)", where);
	*tag = t[0];
	return 0;
}

/* A goroutine: null or {"id":N,"label":"..."[,"tag":"C"]}. */
static int
get_g(record_reader *r, int node, const char *where, gs_snap_g *g)
{
	int64_t id;

	memset(g, 0, sizeof *g);
	if (r->doc.n[node].type == JSON_NULL)
		return 0;
	if (r->doc.n[node].type != JSON_OBJ)
		return rerr(r, "%s: a goroutine is null or an object", where);
	if (get_int(r, node, where, "id", 0, INT64_MAX, &id))
		return -1;
	g->id = id;
	return get_label_tag(r, node, where, g->label, &g->tag);
}

static int
get_g_member(record_reader *r, int obj, const char *where, const char *name, gs_snap_g *g)
{
	int i = json_get(&r->doc, obj, name);

	if (i < 0)
		return rerr(r, "%s: missing field \"%s\"", where, name);
	return get_g(r, i, where, g);
}

static int
read_header(record_reader *r)
{
	size_t len;
	int rc = read_line(r, &len);
	char fmt[64];
	int64_t v;
	const char *w = "header";

	if (rc < 0)
		return -1;
	if (rc == 0)
		return rerr(r, "empty file: no recording header");
	if (parse_line(r, len))
		return -1;
	if (json_get(&r->doc, 0, "format") < 0)
		return rerr(r, "not a gsched recording: the header has no \"format\"");
	if (get_string(r, 0, w, "format", fmt, sizeof fmt))
		return -1;
	if (strcmp(fmt, RECORD_FORMAT) != 0)
		return rerr(r, "not a gsched recording: format \"%s\"", fmt);
	if (get_int(r, 0, w, "version", 0, INT32_MAX, &v))
		return -1;
	if (v != RECORD_VERSION)
		return rerr(r,
		    "unsupported recording version %" PRId64 " (this gsched reads version %d)", v,
		    RECORD_VERSION);
	tick_info *in = &r->info;
	if (get_string(r, 0, w, "created_by", in->created_by, sizeof in->created_by) ||
	    get_u64(r, 0, w, "start_ns", &in->start_ns) ||
	    get_u64(r, 0, w, "interval_ns", &in->interval_ns) ||
	    get_string(r, 0, w, "scenario", in->scenario, sizeof in->scenario))
		return -1;
	if (get_int(r, 0, w, "ticks", 0, INT32_MAX, &v))
		return -1;
	in->ticks = (int)v;
	if (get_int(r, 0, w, "gomaxprocs", 1, 256, &v))
		return -1;
	in->procs = (int)v;
	if (get_int(r, 0, w, "ncpu", 0, INT32_MAX, &v))
		return -1;
	in->ncpu = (int)v;
	if (get_int(r, 0, w, "max_m", 1, RECORD_MAX_M, &v))
		return -1;
	in->max_m = (int)v;
	if (get_int(r, 0, w, "runq_max", 0, 256, &v))
		return -1;
	in->runq_max = (int)v;
	/* optional (recordings made before slow motion have none): 1 */
	in->timescale = 1;
	if (json_get(&r->doc, 0, "timescale") >= 0) {
		if (get_int(r, 0, w, "timescale", 1, GS_TIMESCALE_MAX, &v))
			return -1;
		in->timescale = (int)v;
	}
	/* optional: gsched's own runs report everything */
	if (json_get(&r->doc, 0, "lacks") >= 0) {
		if (get_int(r, 0, w, "lacks", 0, TICK_LACKS_ALL, &v))
			return -1;
		in->lacks = (unsigned)v;
	}
	/* optional: recordings made before tags say nothing of them */
	r->legacy_tags = json_get(&r->doc, 0, "tags") < 0;
	r->snap = gs_snapshot_new(in->max_m, in->runq_max);
	if (r->snap == NULL)
		return rerr(r, "out of memory for snapshots");
	return 0;
}

record_reader *
record_open(const char *path, char *err, size_t errsize)
{
	record_reader *r = calloc(1, sizeof *r);

	if (r == NULL || (r->path = strdup(path)) == NULL) {
		snprintf(err, errsize, "out of memory");
		free(r);
		return NULL;
	}
	json_init(&r->doc);
	r->f = fopen(path, "r");
	if (r->f == NULL) {
		snprintf(err, errsize, "cannot open '%s': %s", path, strerror(errno));
		record_close(r);
		return NULL;
	}
	if (read_header(r)) {
		snprintf(err, errsize, "%s", r->err);
		record_close(r);
		return NULL;
	}
	return r;
}

const tick_info *
record_info(const record_reader *r)
{
	return &r->info;
}

const tick_end *
record_end(const record_reader *r)
{
	return &r->end;
}

const char *
record_error(const record_reader *r)
{
	return r->err;
}

void
record_close(record_reader *r)
{
	if (r == NULL)
		return;
	if (r->f)
		fclose(r->f);
	json_free(&r->doc);
	gs_snapshot_free(r->snap);
	free(r->ev);
	free(r->gl);
	free(r->buf);
	free(r->path);
	free(r);
}

/* The type of the parsed line, checked against the known ones. */
static int
line_type(record_reader *r, const char **type)
{
	int i = json_get(&r->doc, 0, "type");

	if (i < 0)
		return rerr(r, "missing field \"type\"");
	*type = json_str(&r->doc, i);
	if (*type == NULL)
		return rerr(r, "field \"type\" is not a string");
	if (strcmp(*type, "snapshot") && strcmp(*type, "event") && strcmp(*type, "end"))
		return rerr(r, "unknown line type \"%.40s\"", *type);
	return 0;
}

/* Array member name of obj: at most max goroutines, into out.  Returns how
 * many, or -1. */
static int
get_glist(record_reader *r, int obj, const char *where, const char *name, gs_snap_g *out, int max)
{
	int arr, k = 0;

	if (get_array(r, obj, where, name, &arr))
		return -1;
	if (r->doc.n[arr].nkids > max)
		return rerr(r, "%s: %d goroutines in \"%s\", more than runq_max %d", where,
		    r->doc.n[arr].nkids, name, max);
	for (int e = r->doc.n[arr].first; e >= 0; e = r->doc.n[e].next, k++)
		if (get_g(r, e, where, &out[k]))
			return -1;
	return k;
}

/* The global queue's listed ends.  Optional: a recording made before them
 * lists none, its length is the stats' global_runq. */
static int
read_glob(record_reader *r, gs_snapshot *s)
{
	const char *w = "glob";
	int o = json_get(&r->doc, 0, w), head, tail;
	int64_t v;

	s->glob = s->glob_store;
	s->glob_head = s->glob_tail = 0;
	s->glob_len = (uint32_t)(s->stats.global_runq > 0 ? s->stats.global_runq : 0);
	if (o < 0)
		return 0;
	if (r->doc.n[o].type != JSON_OBJ)
		return rerr(r, "snapshot: field \"glob\" is not an object");
	if (get_int(r, o, w, "len", 0, UINT32_MAX, &v))
		return -1;
	if ((head = get_glist(r, o, w, "head", s->glob_store, s->runq_max)) < 0 ||
	    (tail = get_glist(r, o, w, "tail", s->glob_store ? s->glob_store + head : NULL,
		 s->runq_max)) < 0)
		return -1;
	if ((uint64_t)head + (uint64_t)tail > (uint64_t)v)
		return rerr(r, "glob: %d + %d goroutines listed of %" PRId64, head, tail, v);
	s->glob_len = (uint32_t)v;
	s->glob_head = (uint32_t)head;
	s->glob_tail = (uint32_t)tail;
	return 0;
}

static int
read_snapshot(record_reader *r, int64_t *nev, uint64_t *dropped)
{
	gs_snapshot *s = r->snap;
	const char *w = "snapshot";
	int64_t v;
	int arr;

	if (get_int(r, 0, w, "tick", 0, INT32_MAX, &v))
		return -1;
	if (v != r->end.ticks)
		return rerr(r, "snapshot: tick %" PRId64 " where tick %d was expected", v,
		    r->end.ticks);
	if (get_time(r, w, &s->time_ns) || get_u64(r, 0, w, "take_ns", &s->take_ns) ||
	    get_int(r, 0, w, "events", 0, 1 << 24, nev) || get_u64(r, 0, w, "dropped", dropped))
		return -1;
	int st = json_get(&r->doc, 0, "stats");
	if (st < 0)
		return rerr(r, "snapshot: missing field \"stats\"");
	if (r->doc.n[st].type != JSON_OBJ)
		return rerr(r, "snapshot: field \"stats\" is not an object");
	memset(&s->stats, 0, sizeof s->stats);
	if (get_fields(r, st, "stats", fields_stats, fields_nstats, &s->stats))
		return -1;
	struct {
		const char *name;
		int *out;
		int n;
	} arrays[] = { { "by_status", s->stats.by_status, GS_G_NSTATUS },
		{ "by_waitreason", s->stats.by_waitreason, GS_WAIT_NREASONS } };
	for (int a = 0; a < 2; a++) {
		if (get_array(r, st, "stats", arrays[a].name, &arr))
			return -1;
		/* Wait reasons are appended over time: a recording made before the
		 * newer ones has fewer, and reads them as 0. */
		int min = a == 1 ? GS_WAIT_FOREVER + 1 : arrays[a].n;
		if (r->doc.n[arr].nkids < min || r->doc.n[arr].nkids > arrays[a].n)
			return rerr(r, "stats: \"%s\" has %d entries, not %d", arrays[a].name,
			    r->doc.n[arr].nkids, arrays[a].n);
		int k = 0;
		for (int c = r->doc.n[arr].first; c >= 0; c = r->doc.n[c].next, k++) {
			if (!json_i64(&r->doc, c, &v) || v < 0 || v > INT32_MAX)
				return rerr(r, "stats: \"%s\"[%d] is not a count", arrays[a].name,
				    k);
			arrays[a].out[k] = (int)v;
		}
	}
	if (get_int(r, 0, w, "nm_total", 0, INT32_MAX, &v))
		return -1;
	s->nm_total = (int)v;
	/* optional (recordings made before it have none): 0, unknown */
	s->os_threads = 0;
	if (json_get(&r->doc, 0, "os_threads") >= 0) {
		if (get_int(r, 0, w, "os_threads", 0, INT32_MAX, &v))
			return -1;
		s->os_threads = (int)v;
	}

	if (read_glob(r, s))
		return -1;

	if (get_array(r, 0, w, "p", &arr))
		return -1;
	if (r->doc.n[arr].nkids > s->max_p)
		return rerr(r, "snapshot: %d Ps, more than %d", r->doc.n[arr].nkids, s->max_p);
	int i = 0;
	for (int c = r->doc.n[arr].first; c >= 0; c = r->doc.n[c].next, i++) {
		gs_snap_p *p = &s->p[i];
		char where[32];
		snprintf(where, sizeof where, "p[%d]", i);
		if (r->doc.n[c].type != JSON_OBJ)
			return rerr(r, "%s is not an object", where);
		memset(p, 0, sizeof *p);
		if (get_fields(r, c, where, fields_p, fields_np, p) ||
		    get_fields(r, c, where, fields_p_acct, fields_np_acct, p) ||
		    get_g_member(r, c, where, "curg", &p->curg) ||
		    get_g_member(r, c, where, "runnext", &p->runnext))
			return -1;
		if (p->id != i)
			return rerr(r, "%s: id %d where %d was expected", where, p->id, i);
		p->runq = s->runq_store ? &s->runq_store[(size_t)i * (size_t)s->runq_max] : NULL;
		int k = get_glist(r, c, where, "runq", p->runq, s->runq_max);
		if (k < 0)
			return -1;
		p->runq_listed = (uint32_t)k;
	}
	s->np = i;
	if (get_array(r, 0, w, "m", &arr))
		return -1;
	if (r->doc.n[arr].nkids > s->max_m)
		return rerr(r, "snapshot: %d Ms, more than max_m %d", r->doc.n[arr].nkids,
		    s->max_m);
	i = 0;
	for (int c = r->doc.n[arr].first; c >= 0; c = r->doc.n[c].next, i++) {
		char where[32];
		snprintf(where, sizeof where, "m[%d]", i);
		if (r->doc.n[c].type != JSON_OBJ)
			return rerr(r, "%s is not an object", where);
		memset(&s->m[i], 0, sizeof s->m[i]);
		if (get_fields(r, c, where, fields_m, fields_nm, &s->m[i]) ||
		    get_fields(r, c, where, fields_m_acct, fields_nm_acct, &s->m[i]))
			return -1;
	}
	s->nm = i;
	return 0;
}

/* The snapshot line's goroutine list, optional (recordings made without
 * accounting, or before it, have none): *ng -1 if none, else how many of
 * *total. */
static int
read_glist(record_reader *r, int *ng, int *total)
{
	int64_t v;
	int arr;

	*ng = -1;
	*total = 0;
	if (json_get(&r->doc, 0, "g") < 0)
		return 0;
	if (get_array(r, 0, "snapshot", "g", &arr) ||
	    get_int(r, 0, "snapshot", "g_total", 0, INT32_MAX, &v))
		return -1;
	int n = r->doc.n[arr].nkids;
	if (n > TICK_GLIST_MAX || n > v)
		return rerr(r, "snapshot: %d goroutines listed of g_total %" PRId64 " (at most %d)",
		    n, v, TICK_GLIST_MAX);
	if (n > r->glcap) {
		gs_snap_ginfo *g = realloc(r->gl, (size_t)n * sizeof *g);
		if (g == NULL)
			return rerr(r, "out of memory for %d goroutines", n);
		r->gl = g;
		r->glcap = n;
	}
	int i = 0;
	for (int c = r->doc.n[arr].first; c >= 0; c = r->doc.n[c].next, i++) {
		char where[32];
		snprintf(where, sizeof where, "g[%d]", i);
		if (r->doc.n[c].type != JSON_OBJ)
			return rerr(r, "%s is not an object", where);
		memset(&r->gl[i], 0, sizeof r->gl[i]);
		if (get_fields(r, c, where, fields_g, fields_ng, &r->gl[i]) ||
		    get_label_tag(r, c, where, r->gl[i].label, &r->gl[i].tag))
			return -1;
		/* a recording without the accounting says none */
		if (json_get(&r->doc, c, "lastp") < 0)
			r->gl[i].lastp = -1;
	}
	*ng = n;
	*total = (int)v;
	return 0;
}

static int
read_event(record_reader *r, int tick, gs_event *e)
{
	const char *w = "event";
	int64_t v;
	char kind[32];

	if (get_int(r, 0, w, "tick", 0, INT32_MAX, &v))
		return -1;
	if (v != tick)
		return rerr(r, "event: tick %" PRId64 " in the events of tick %d", v, tick);
	if (get_string(r, 0, w, "kind", kind, sizeof kind))
		return -1;
	int k = record_event_kind(kind);
	if (k < 0)
		return rerr(r, "event: unknown kind \"%s\"", kind);
	memset(e, 0, sizeof *e);
	e->kind = (uint16_t)k;
	if (get_time(r, w, &e->time_ns))
		return -1;
	if (get_int(r, 0, w, "p", INT16_MIN, INT16_MAX, &v))
		return -1;
	e->p = (int16_t)v;
	if (get_int(r, 0, w, "p2", INT16_MIN, INT16_MAX, &v))
		return -1;
	e->p2 = (int16_t)v;
	if (get_int(r, 0, w, "m", INT64_MIN, INT64_MAX, &e->m) ||
	    get_int(r, 0, w, "m2", INT64_MIN, INT64_MAX, &e->m2) ||
	    get_int(r, 0, w, "g", INT64_MIN, INT64_MAX, &e->g) ||
	    get_int(r, 0, w, "arg", INT64_MIN, INT64_MAX, &e->arg))
		return -1;
	/* Optional (spawn events): the new goroutine's label. */
	if (json_get(&r->doc, 0, "label") >= 0 &&
	    get_string(r, 0, w, "label", e->label, sizeof e->label))
		return -1;
	return 0;
}

static int
read_end(record_reader *r)
{
	const char *w = "end";
	int64_t ticks;
	uint64_t events, dropped;
	size_t len;

	if (get_int(r, 0, w, "ticks", 0, INT32_MAX, &ticks) ||
	    get_u64(r, 0, w, "events", &events) || get_u64(r, 0, w, "dropped", &dropped))
		return -1;
	if (ticks != r->end.ticks || events != r->end.events || dropped != r->end.dropped)
		return rerr(r,
		    "end: counts (ticks %" PRId64 ", events %" PRIu64 ", dropped %" PRIu64
		    ") disagree with the recording (%d, %" PRIu64 ", %" PRIu64 ")",
		    ticks, events, dropped, r->end.ticks, r->end.events, r->end.dropped);
	int rc = read_line(r, &len);
	if (rc < 0)
		return -1;
	if (rc > 0)
		return rerr(r, "text after the end line");
	r->at_end = true;
	return 0;
}

int
record_next(record_reader *r, tick_data *t)
{
	size_t len;
	const char *type;
	int64_t nev;
	uint64_t dropped;

	if (r->at_end)
		return 0;
	int rc = read_line(r, &len);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		r->cut = true;
		return rerr(r, "the recording ends without an end line (truncated?)");
	}
	if (parse_line(r, len) || line_type(r, &type))
		return -1;
	if (strcmp(type, "end") == 0)
		return read_end(r) ? -1 : 0;
	if (strcmp(type, "snapshot") != 0)
		return rerr(r, "an event line where a snapshot or the end was expected");
	if (read_snapshot(r, &nev, &dropped))
		return -1;
	int ng, ng_total;
	if (read_glist(r, &ng, &ng_total))
		return -1;
	int tick = r->end.ticks;
	long snapline = r->line;
	for (int i = 0; i < (int)nev; i++) {
		rc = read_line(r, &len);
		if (rc < 0)
			return -1;
		if (rc == 0) {
			r->cut = true;
			return rerr(r,
			    "the recording ends inside the events of the snapshot on "
			    "line %ld (truncated?)",
			    snapline);
		}
		if (parse_line(r, len) || line_type(r, &type))
			return -1;
		if (strcmp(type, "event") != 0)
			return rerr(r,
			    "%s %s line where event %d of %" PRId64
			    " of the snapshot on line %ld was expected",
			    type[0] == 'e' ? "an" : "a", type, i + 1, nev, snapline);
		/* The snapshot's count is a claim: room grows with the events
		 * actually read, not with what it says. */
		if (i == r->evcap) {
			int nc = r->evcap ? r->evcap * 2 : 256;
			if (nc > nev)
				nc = (int)nev;
			gs_event *ne = realloc(r->ev, (size_t)nc * sizeof *ne);
			if (ne == NULL)
				return rerr(r, "out of memory for %d events", nc);
			r->ev = ne;
			r->evcap = nc;
		}
		if (read_event(r, tick, &r->ev[i]))
			return -1;
	}
	t->index = tick;
	t->snap = r->snap;
	t->ev = r->ev;
	t->nev = (int)nev;
	t->dropped = dropped;
	t->gl = ng >= 0 ? r->gl : NULL;
	t->ng = ng >= 0 ? ng : 0;
	t->ng_total = ng >= 0 ? ng_total : 0;
	t->extra = NULL; /* gsched's own: nothing beyond the snapshot */
	r->end.ticks++;
	r->end.events += (uint64_t)nev;
	r->end.dropped += dropped;
	return 1;
}

int
record_replay(const char *path, const tick_sink *sinks, int nsinks)
{
	char err[600];
	record_reader *r = record_open(path, err, sizeof err);
	tick_data t;
	int rc;

	if (r == NULL) {
		fprintf(stderr, "gsched: %s\n", err);
		return 2;
	}
	if ((rc = tick_sinks_begin(sinks, nsinks, &r->info)) != 0)
		goto out;
	/* a stop signal or a sink that had enough ends the sinks after the
	 * tick in progress, as at the end line */
	while (tick_stop_signal() == 0 && (rc = record_next(r, &t)) > 0) {
		rc = tick_sinks_tick(sinks, nsinks, &r->info, &t);
		if (rc == TICK_SINK_DONE) {
			rc = 0;
			break;
		}
		if (rc != 0)
			goto out; /* a sink failed and has said why */
	}
	if (rc < 0 && !r->cut) {
		fprintf(stderr, "gsched: %s\n", r->err);
		rc = 2;
		goto out;
	}
	/* Cut (its writer killed, the disk full): the ticks before the cut are
	 * whole and the sinks' files are finished with them, but the recording
	 * is still a bad one. */
	if (rc < 0)
		fprintf(stderr, "gsched: %s; the %d whole ticks before it were read\n", r->err,
		    r->end.ticks);
	int end = tick_sinks_end(sinks, nsinks, &r->info, &r->end);
	rc = end != 0 ? end : rc < 0 ? 2 : 0;
out:
	record_close(r);
	return rc;
}
