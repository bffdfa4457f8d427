/*
 * view_glist.c - the goroutine list and the goroutine page: the list's
 * columns (one table: title, width, format, order), its sorting, its filter
 * (the query words of view.h), its cursor, and what the page says about one
 * goroutine, with the events that named it.
 *
 * Allocation: the rows and the snapshot's goroutine-to-P pairs live in the
 * model's scratch and grow only when the list does; the events ring is the
 * model's, made with it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ui/keys.h"
#include "ui/view_model.h"

/* ---- the columns ---------------------------------------------------------------------- */

static int
cmp_i64(int64_t a, int64_t b)
{
	return (a > b) - (a < b);
}

static int
cmp_u64(uint64_t a, uint64_t b)
{
	return (a > b) - (a < b);
}

static int
cmp_id(const view_grow *a, const view_grow *b)
{
	return cmp_i64(a->g->id, b->g->id);
}

static int
cmp_state(const view_grow *a, const view_grow *b)
{
	int c = cmp_i64(a->g->status, b->g->status);
	return c ? c : cmp_i64(a->g->waitreason, b->g->waitreason);
}

static int
cmp_p(const view_grow *a, const view_grow *b)
{
	return cmp_i64(a->p, b->p);
}

static int
cmp_m(const view_grow *a, const view_grow *b)
{
	return cmp_i64(a->g->m, b->g->m);
}

static int
cmp_kind(const view_grow *a, const view_grow *b)
{
	return cmp_i64(view_g_kind(a->g->tag, NULL, NULL), view_g_kind(b->g->tag, NULL, NULL));
}

static int
cmp_label(const view_grow *a, const view_grow *b)
{
	return strcmp(a->g->label, b->g->label);
}

/* Accounting figures: equal (ties go by id) where they are not known. */
#define CMP_ACCT(name, field)                                                                      \
	static int name(const view_grow *a, const view_grow *b)                                    \
	{                                                                                          \
		return a->timed && b->timed ? cmp_u64(a->g->field, b->g->field) : 0;               \
	}

CMP_ACCT(cmp_run, run_ns)
CMP_ACCT(cmp_runs, runs)
CMP_ACCT(cmp_lat, latency_ns)
CMP_ACCT(cmp_sys, syscall_ns)
CMP_ACCT(cmp_moves, moves)

static int
gstatus_attr(int status)
{
	switch (status) {
	case GS_G_RUNNING:
		return VA_M_RUNNING;
	case GS_G_RUNNABLE:
		return VA_BOLD;
	case GS_G_SYSCALL:
		return VA_M_SYSCALL;
	case GS_G_WAITING:
		return VA_DIM;
	default:
		return VA_NORMAL;
	}
}

/* A cell's text into buf; returns its attribute. */
static int
fmt_id(const view_grow *r, char *buf, size_t size)
{
	snprintf(buf, size, "%" PRId64, r->g->id);
	return VA_BOLD;
}

static int
fmt_state(const view_grow *r, char *buf, size_t size)
{
	if (r->g->status == GS_G_WAITING && r->g->waitreason)
		snprintf(buf, size, "%-9s%s", gs_gstatus_name(r->g->status),
		    gs_waitreason_name(r->g->waitreason));
	else
		snprintf(buf, size, "%s", gs_gstatus_name(r->g->status));
	return gstatus_attr(r->g->status);
}

static int
fmt_p(const view_grow *r, char *buf, size_t size)
{
	if (r->p >= 0)
		snprintf(buf, size, "P%d", r->p);
	else
		snprintf(buf, size, r->p == VIEW_GP_GLOBAL ? "glob" : "-");
	return r->p >= 0 ? VA_NORMAL : VA_DIM;
}

static int
fmt_m(const view_grow *r, char *buf, size_t size)
{
	if (r->g->m >= 0)
		snprintf(buf, size, "M%" PRId64, r->g->m);
	else
		snprintf(buf, size, "-");
	return r->g->m >= 0 ? VA_NORMAL : VA_DIM;
}

static int
fmt_kind(const view_grow *r, char *buf, size_t size)
{
	view_attr a;
	char k;

	view_g_kind(r->g->tag, &k, &a);
	snprintf(buf, size, "%c", k);
	return a;
}

static int
fmt_label(const view_grow *r, char *buf, size_t size)
{
	snprintf(buf, size, "%s", r->g->label);
	return VA_NORMAL;
}

/* An accounting figure: "-" where it is not known (a list taken with
 * accounting off, or read from a recording made without it), never a 0. */
static int
fmt_acct(const view_grow *r, uint64_t v, bool dur, char *buf, size_t size)
{
	if (!r->timed) {
		snprintf(buf, size, "-");
		return VA_DIM;
	}
	if (dur)
		view__fmt_dur(v, buf, size);
	else
		snprintf(buf, size, "%" PRIu64, v);
	return v ? VA_NORMAL : VA_DIM;
}

#define FMT_ACCT(name, field, dur)                                                                 \
	static int name(const view_grow *r, char *buf, size_t size)                                \
	{                                                                                          \
		return fmt_acct(r, r->g->field, dur, buf, size);                                   \
	}

FMT_ACCT(fmt_run, run_ns, true)
FMT_ACCT(fmt_runs, runs, false)
FMT_ACCT(fmt_lat, latency_ns, true)
FMT_ACCT(fmt_sys, syscall_ns, true)
FMT_ACCT(fmt_moves, moves, false)

/*
 * The list's columns, in view_gcol order.  width 0: the rest of the row.
 * minw: the narrowest screen that shows the column, so that the label keeps
 * about a dozen cells: at 80 the run time joins the first five, at 100 the
 * runs and the latency, at 120 the system-call time and the moves.  A column
 * not shown still sorts the list (the title line says by what).
 */
static const struct gcol {
	const char *title;
	const char *name; /* in "by state" */
	int width, minw;
	bool right; /* numbers are aligned right */
	int (*fmt)(const view_grow *r, char *buf, size_t size);
	int (*cmp)(const view_grow *a, const view_grow *b);
} gcols[VIEW_GCOL_N] = {
	[VIEW_GCOL_ID] = { "ID", "id", 10, 0, true, fmt_id, cmp_id },
	[VIEW_GCOL_STATE] = { "STATE", "state", 28, 0, false, fmt_state, cmp_state },
	[VIEW_GCOL_P] = { "P", "P", 4, 0, false, fmt_p, cmp_p },
	[VIEW_GCOL_M] = { "M", "M", 6, 0, false, fmt_m, cmp_m },
	[VIEW_GCOL_KIND] = { "K", "kind", 1, 0, false, fmt_kind, cmp_kind },
	[VIEW_GCOL_RUN] = { "RUN", "run time", 8, 80, true, fmt_run, cmp_run },
	[VIEW_GCOL_RUNS] = { "RUNS", "runs", 6, 100, true, fmt_runs, cmp_runs },
	[VIEW_GCOL_LAT] = { "LAT", "latency", 8, 100, true, fmt_lat, cmp_lat },
	[VIEW_GCOL_SYS] = { "SYS", "syscall time", 8, 120, true, fmt_sys, cmp_sys },
	[VIEW_GCOL_MOVES] = { "MOVES", "moves", 5, 120, true, fmt_moves, cmp_moves },
	[VIEW_GCOL_LABEL] = { "LABEL", "label", 0, 0, false, fmt_label, cmp_label },
};

const char *
view_gcol_name(view_gcol c)
{
	return (unsigned)c < VIEW_GCOL_N ? gcols[c].title : "?";
}

/* ---- the query ------------------------------------------------------------------------ */

static const struct {
	const char *name;
	char field;
} qfields[] = {
	{ "state", 's' },
	{ "kind", 'k' },
	{ "label", 'l' },
	{ "p", 'p' },
	{ "m", 'm' },
	{ "id", 'i' },
	{ "is", 'e' },
};

/* What is: takes (a name, or the start of one) and the log-line classes
 * each picks. */
static const struct {
	const char *name;
	unsigned cls;
} qclasses[] = {
	{ "steals", VIEW_LOGC_STEAL },
	{ "threads", VIEW_LOGC_THREAD },
	{ "preemptions", VIEW_LOGC_PREEMPT },
	{ "notes", VIEW_LOGC_NOTE },
	{ "warnings", VIEW_LOGC_WARN },
};

/* Whether text starts with pre, ASCII letters without case. */
static bool
prefix_nocase(const char *text, const char *pre)
{
	size_t at, n;
	return *pre == '\0' || (view__log_match(text, pre, 0, &at, &n) && at == 0);
}

int
view_gquery_parse(const char *text, view_gquery *q, char *err, size_t errsize)
{
	const char *s = text != NULL ? text : "";

	memset(q, 0, sizeof *q);
	if (errsize > 0)
		err[0] = '\0';
	for (;;) {
		s += strspn(s, " \t");
		if (*s == '\0')
			return 0;
		size_t len = strcspn(s, " \t");
		if (q->n == VIEW_GQ_TERMS) {
			snprintf(err, errsize, "more than %d words", VIEW_GQ_TERMS);
			return -1;
		}
		struct view_gterm *t = &q->t[q->n];
		const char *colon = memchr(s, ':', len), *val = s;
		size_t vlen = len;
		t->field = 't';
		if (colon != NULL) {
			size_t flen = (size_t)(colon - s);
			t->field = 0;
			for (size_t i = 0; i < sizeof qfields / sizeof qfields[0]; i++)
				if (strlen(qfields[i].name) == flen &&
				    strncasecmp(qfields[i].name, s, flen) == 0)
					t->field = qfields[i].field;
			if (t->field == 0) {
				snprintf(err, errsize,
				    "'%.*s:' is no field (state: kind: label: p: m: id: is:)",
				    (int)flen, s);
				return -1;
			}
			val = colon + 1;
			vlen = len - flen - 1;
		}
		if (vlen == 0 || vlen >= VIEW_GQ_TEXT) {
			snprintf(err, errsize, "'%.*s' needs a value%s", (int)len, s,
			    vlen ? " shorter than 64 bytes" : "");
			return -1;
		}
		memcpy(t->text, val, vlen);
		t->text[vlen] = '\0';
		if (t->field == 'p' || t->field == 'm' || t->field == 'i') {
			char *end;
			long long v = strtoll(t->text, &end, 10);
			if (*end != '\0' || v < 0 || t->text[0] < '0' || t->text[0] > '9') {
				snprintf(err, errsize, "'%.*s': %s", (int)len, s,
				    "a number from 0 on");
				return -1;
			}
			t->num = v;
		} else if (t->field == 'k' && vlen != 1) {
			snprintf(err, errsize, "'%.*s': a kind is one letter (C L S B N H T W o)",
			    (int)len, s);
			return -1;
		} else if (t->field == 'e') {
			for (size_t i = 0; i < sizeof qclasses / sizeof qclasses[0]; i++)
				if (prefix_nocase(qclasses[i].name, t->text))
					t->num |= qclasses[i].cls;
			if (t->num == 0) {
				snprintf(err, errsize,
				    "'%.*s': is: takes steal thread preempt note warn", (int)len,
				    s);
				return -1;
			}
		} else if (t->field == 's') {
			int st = 0;
			for (int i = GS_G_RUNNABLE; i < GS_G_NSTATUS && !st; i++)
				st = prefix_nocase(gs_gstatus_name(i), t->text);
			if (!st) {
				snprintf(err, errsize,
				    "'%.*s': no state starts so (runnable running syscall "
				    "waiting)",
				    (int)len, s);
				return -1;
			}
		}
		q->n++;
		s += len;
	}
}

bool
view_gquery_match(const view_gquery *q, const gs_snap_ginfo *g, int p)
{
	char id[24];
	size_t at, n;

	for (int i = 0; i < q->n; i++) {
		const struct view_gterm *t = &q->t[i];
		char k;
		bool ok = false;
		switch (t->field) {
		case 's':
			ok = prefix_nocase(gs_gstatus_name(g->status), t->text);
			break;
		case 'k':
			view_g_kind(g->tag, &k, NULL);
			ok = k == t->text[0];
			break;
		case 'l':
			ok = view__log_match(g->label, t->text, 0, &at, &n);
			break;
		case 'p':
			ok = p >= 0 && p == t->num;
			break;
		case 'm':
			ok = g->m >= 0 && g->m == t->num;
			break;
		case 'i':
			ok = g->id == t->num;
			break;
		case 'e': /* log lines' classes */
			break;
		default:
			snprintf(id, sizeof id, "%" PRId64, g->id);
			ok = view__log_match(g->label, t->text, 0, &at, &n) ||
			    view__log_match(id, t->text, 0, &at, &n);
			break;
		}
		if (!ok)
			return false;
	}
	return true;
}

bool
view__gquery_match_line(const view_gquery *q, const view_logline *l)
{
	size_t at, n;

	for (int i = 0; i < q->n; i++) {
		const struct view_gterm *t = &q->t[i];
		bool ok = false;
		switch (t->field) {
		case 's':
			ok = l->gstate >= 0 && prefix_nocase(gs_gstatus_name(l->gstate), t->text);
			break;
		case 'k':
			ok = l->kind != 0 && l->kind == t->text[0];
			break;
		case 'l':
			for (int k = 0; k < VIEW_LOG_LABELS && !ok; k++)
				ok = view__log_match(l->label[k], t->text, 0, &at, &n);
			break;
		case 'p':
			ok = l->p[0] == t->num || l->p[1] == t->num ||
			    (t->num < 64 && (l->pmask >> t->num) & 1);
			break;
		case 'm':
			ok = l->m[0] == t->num || l->m[1] == t->num;
			break;
		case 'i':
			ok = l->g != 0 && l->g == t->num;
			break;
		case 'e':
			ok = (l->cls & t->num) != 0;
			break;
		default:
			ok = view__log_match(l->text, t->text, 0, &at, &n);
			break;
		}
		if (!ok)
			return false;
	}
	return true;
}

/* ---- the rows ------------------------------------------------------------------------- */

static int
cmp_pair(const void *a, const void *b)
{
	const int64_t *x = a, *y = b;
	return cmp_i64(x[0], y[0]);
}

/* The (goroutine, P) pairs of the snapshot, sorted by goroutine: the ones
 * that run on a P, are its runnext, or are listed in its local queue, and
 * (P VIEW_GP_GLOBAL) the ones listed in the global queue.  Returns how
 * many, -1 out of memory. */
static int
p_pairs(const view_model *m)
{
	view_scratch *sc = m->scratch;
	const gs_snapshot *s = &m->snap;
	int n = 0, need = 0;

	if (!m->have_snap)
		return 0;
	for (int i = 0; i < s->np; i++)
		need += 2 + (int)s->p[i].runq_listed;
	if (s->glob != NULL)
		need += (int)(s->glob_head + s->glob_tail);
	if (need > sc->gp_cap) {
		int64_t(*gp)[2] = realloc(sc->gp, (size_t)need * sizeof *gp);
		if (gp == NULL)
			return -1;
		sc->gp = gp;
		sc->gp_cap = need;
	}
	for (int i = 0; i < s->np; i++) {
		const gs_snap_p *p = &s->p[i];
		if (p->curg.id) {
			sc->gp[n][0] = p->curg.id;
			sc->gp[n++][1] = i;
		}
		if (p->runnext.id) {
			sc->gp[n][0] = p->runnext.id;
			sc->gp[n++][1] = i;
		}
		for (uint32_t k = 0; k < p->runq_listed; k++) {
			sc->gp[n][0] = p->runq[k].id;
			sc->gp[n++][1] = i;
		}
	}
	for (uint32_t k = 0; s->glob != NULL && k < s->glob_head + s->glob_tail; k++) {
		sc->gp[n][0] = s->glob[k].id;
		sc->gp[n++][1] = VIEW_GP_GLOBAL;
	}
	if (n > 0)
		qsort(sc->gp, (size_t)n, sizeof *sc->gp, cmp_pair);
	return n;
}

static int
p_of(const view_model *m, int npairs, int64_t g)
{
	int64_t key[2] = { g, 0 };
	const int64_t(*f)[2] =
	    npairs > 0 ? bsearch(key, m->scratch->gp, (size_t)npairs, sizeof key, cmp_pair) : NULL;
	return f != NULL ? (int)(*f)[1] : -1;
}

/* The column qsort sorts by (the render thread's only: view_render is not
 * called from two threads at once on one model, nor these on two). */
static view_gcol sort_col;

static int
cmp_row(const void *a, const void *b)
{
	int c = gcols[sort_col].cmp(a, b);
	return c ? c : cmp_id(a, b);
}

const view_grow *
view__glist(const view_model *m, const view_state *v, int *n, const char **err)
{
	view_scratch *sc = m->scratch;
	view_gcol col = (unsigned)v->gsort < VIEW_GCOL_N ? v->gsort : VIEW_GCOL_ID;
	int key = v->grev ? -1 - (int)col : 1 + (int)col;
	const char *filter = v->gfilter != NULL ? v->gfilter : "";
	static char perr[128];
	view_gquery q;

	*n = 0;
	if (err != NULL)
		*err = "";
	if (view_gquery_parse(filter, &q, perr, sizeof perr) != 0) {
		if (err != NULL)
			*err = perr;
		return sc->grows;
	}
	if (sc->gsorted_key == key && sc->gsorted_gen == m->g_gen &&
	    sc->gsorted_ticks == m->ticks && strcmp(sc->gsorted_filter, filter) == 0) {
		*n = sc->ngrows;
		return sc->grows;
	}
	if (m->ng > sc->grows_cap) {
		view_grow *g = realloc(sc->grows, (size_t)m->ng * sizeof *g);
		if (g == NULL)
			return NULL;
		sc->grows = g;
		sc->grows_cap = m->ng;
	}
	int npairs = p_pairs(m);
	if (npairs < 0)
		return NULL;
	bool timed = m->g_timed != 0 && m->g_timed == m->g_gen;
	sc->ngrows = 0;
	for (int i = 0; i < m->ng; i++) {
		view_grow r = { &m->g[i], p_of(m, npairs, m->g[i].id), timed };
		if (view_gquery_match(&q, r.g, r.p))
			sc->grows[sc->ngrows++] = r;
	}
	sort_col = col;
	if (sc->ngrows > 0)
		qsort(sc->grows, (size_t)sc->ngrows, sizeof *sc->grows, cmp_row);
	if (v->grev) {
		/* reversed by the column, but ties stay by id */
		for (int i = 0, j = sc->ngrows - 1; i < j; i++, j--) {
			view_grow t = sc->grows[i];
			sc->grows[i] = sc->grows[j];
			sc->grows[j] = t;
		}
		for (int i = 0; i < sc->ngrows;) {
			int j = i + 1;
			while (j < sc->ngrows && gcols[col].cmp(&sc->grows[i], &sc->grows[j]) == 0)
				j++;
			for (int a = i, b = j - 1; a < b; a++, b--) {
				view_grow t = sc->grows[a];
				sc->grows[a] = sc->grows[b];
				sc->grows[b] = t;
			}
			i = j;
		}
	}
	sc->gsorted_key = key;
	sc->gsorted_gen = m->g_gen;
	sc->gsorted_ticks = m->ticks;
	snprintf(sc->gsorted_filter, sizeof sc->gsorted_filter, "%s", filter);
	*n = sc->ngrows;
	return sc->grows;
}

int
view_glist_rows(const view_model *m, const view_state *v, int64_t *ids, int max)
{
	int n;
	const view_grow *r = view__glist(m, v, &n, NULL);

	if (r == NULL)
		return 0;
	for (int i = 0; i < n && i < max; i++)
		ids[i] = r[i].g->id;
	return n;
}

/* Rows of the list on a screen of v's size. */
static int
glist_visible(const view_state *v)
{
	return v->height - 4 > 0 ? v->height - 4 : 0;
}

/* The cursor's row: where v->gcur is, else where it was (clamped). */
static int
cursor_row(const view_grow *r, int n, const view_state *v)
{
	for (int i = 0; v->gcur != 0 && i < n; i++)
		if (r[i].g->id == v->gcur)
			return i;
	return view__clampi(v->gcur_row, 0, n > 0 ? n - 1 : 0);
}

/* Put the cursor on row i of r[n], scrolled into view. */
static void
cursor_to(const view_grow *r, int n, view_state *v, int i)
{
	int vis = glist_visible(v);

	if (n == 0) {
		v->gcur_row = 0;
		v->scroll = 0;
		return;
	}
	i = view__clampi(i, 0, n - 1);
	v->gcur = r[i].g->id;
	v->gcur_row = i;
	if (i < v->scroll)
		v->scroll = i;
	if (vis > 0 && i >= v->scroll + vis)
		v->scroll = i - vis + 1;
	v->scroll = view__scroll_clamp(v->scroll, n, vis);
}

void
view_glist_sync(const view_model *m, view_state *v)
{
	int n;
	const view_grow *r = view__glist(m, v, &n, NULL);

	if (r != NULL)
		cursor_to(r, n, v, cursor_row(r, n, v));
}

void
view_glist_move(const view_model *m, view_state *v, int delta)
{
	int n;
	const view_grow *r = view__glist(m, v, &n, NULL);

	if (r == NULL || n == 0)
		return;
	long i = (long)cursor_row(r, n, v) + delta;
	cursor_to(r, n, v, i < 0 ? 0 : i >= n ? n - 1 : (int)i);
}

bool
view_glist_find(const view_model *m, view_state *v, const char *query, int dir)
{
	view_gquery q;
	char err[128];
	int n;
	const view_grow *r = view__glist(m, v, &n, NULL);

	if (r == NULL || n == 0 || view_gquery_parse(query, &q, err, sizeof err) != 0 || q.n == 0)
		return false;
	int at = cursor_row(r, n, v), step = dir < 0 ? -1 : 1;
	for (int k = dir == 0 ? 0 : 1; k <= n; k++) {
		int i = ((at + step * k) % n + n) % n;
		if (view_gquery_match(&q, r[i].g, r[i].p)) {
			cursor_to(r, n, v, i);
			return true;
		}
	}
	return false;
}

/* ---- the list on screen --------------------------------------------------------------- */

/*
 * Where column gc goes on a row of r, for the header and every row alike:
 * false if the screen is too narrow to show it.  *x is where the column
 * starts and moves past it and its gap; *end is where it ends (the row's
 * end for the last, which takes the rest); *tx is where text (its title, or
 * a cell) starts, aligned right for numbers but never before the column.
 */
static bool
gcol_span(const rc *r, const struct gcol *gc, const char *text, int *x, int *end, int *tx)
{
	if (r->w < gc->minw)
		return false;
	int at = *x, w = gc->width ? gc->width : r->w - at;
	*end = at + w;
	*tx = gc->right ? *end - view__text_len(text) : at;
	if (*tx < at)
		*tx = at;
	*x = *end + 2;
	return true;
}

void
view__render_glist(rc *r)
{
	const view_model *m = r->m;
	const view_state *v = r->v;
	int vis = glist_visible(v), n;
	const char *err;
	const view_grow *rows = view__glist(m, v, &n, &err);
	int scroll = view__scroll_clamp(v->scroll, n, vis);
	view_gcol col = (unsigned)v->gsort < VIEW_GCOL_N ? v->gsort : VIEW_GCOL_ID;
	char t[160];

	if (v->gfilter != NULL && v->gfilter[0])
		snprintf(t, sizeof t, "goroutines %d of %d matching \"%s\"", n, m->ng, v->gfilter);
	else
		snprintf(t, sizeof t, "goroutines");
	view__title_bar(r, t);
	view__scroll_footer(r, scroll, vis, n);
	if (m->ng == 0) {
		view__text(r, 1, 1, r->w, VA_DIM, "no goroutine list yet");
		return;
	}
	if (err[0]) {
		view__textf(r, 1, 1, r->w, VA_WARN, "filter: %s (Esc clears it)", err);
		return;
	}
	if (rows == NULL) {
		view__text(r, 1, 1, r->w, VA_WARN, "out of memory sorting the list");
		return;
	}
	int last = scroll + vis < n ? scroll + vis : n;
	int x = 1;
	if (m->ng_total > m->ng)
		x = view__textf(r, x, 1, r->w, VA_NORMAL, "%d goroutines (%d listed), ",
		    m->ng_total, m->ng);
	else
		x = view__textf(r, x, 1, r->w, VA_NORMAL, "%d goroutines, ", m->ng);
	view__textf(r, x, 1, r->w, VA_NORMAL, "showing %d-%d, by %s%s", n && vis ? scroll + 1 : 0,
	    last, gcols[col].name, v->grev ? " reversed" : "");
	/* the header: the sort column marked with its direction */
	x = 0;
	for (int c = 0, end, tx; c < VIEW_GCOL_N; c++) {
		const struct gcol *gc = &gcols[c];
		if (!gcol_span(r, gc, gc->title, &x, &end, &tx))
			continue;
		if (c == (int)col) {
			uint32_t mark =
			    v->grev ? (r->ascii ? 'v' : 0x25bc) : (r->ascii ? '^' : 0x25b2);
			if (gc->right)
				tx--;
			view__text(r, tx, 2, r->w, VA_SELECTED, gc->title);
			view__put(r, tx + view__text_len(gc->title), 2, mark, VA_SELECTED);
		} else {
			view__text(r, tx, 2, r->w, VA_BOLD, gc->title);
		}
	}
	if (n == 0)
		view__text(r, 1, 3, r->w, VA_DIM,
		    "(no goroutine matches the filter; Esc clears it)");
	int cur = cursor_row(rows, n, v);
	for (int i = 0; i < vis && scroll + i < n; i++) {
		const view_grow *g = &rows[scroll + i];
		int y = 3 + i;
		bool sel = scroll + i == cur;
		view__hit(r, y, 0, r->w, VIEW_HIT_G, g->g->id);
		if (sel)
			view__fill(r, 0, y, r->w, ' ', VA_SELECTED);
		x = 0;
		for (int c = 0, end, tx; c < VIEW_GCOL_N; c++) {
			const struct gcol *gc = &gcols[c];
			char cell[64];
			int a = gc->fmt(g, cell, sizeof cell);
			if (gcol_span(r, gc, cell, &x, &end, &tx))
				view__text(r, tx, y, end, sel ? VA_SELECTED : a, cell);
		}
		if (sel) /* not by colour alone */
			view__put(r, 0, y, '>', VA_SELECTED);
	}
}

/* ---- the goroutine's events ----------------------------------------------------------- */

/* Whether the page lists an event of this kind (they name one goroutine). */
static bool
gev_kept(const gs_event *e)
{
	switch (e->kind) {
	case GS_EV_SPAWN:
	case GS_EV_RUN:
	case GS_EV_STOP:
	case GS_EV_EXIT:
	case GS_EV_PARK:
	case GS_EV_READY:
	case GS_EV_SYSCALL_ENTER:
	case GS_EV_SYSCALL_EXIT:
	case GS_EV_PREEMPT:
	case GS_EV_MOVE:
		return e->g != 0;
	case GS_EV_GLOBAL_PUT:
		return e->g != 0 && e->m2 == GS_GPUT_YIELD; /* a yield names its goroutine */
	default:
		return false;
	}
}

void
view__gevents_tick(view_model *m, const gs_event *ev, int nev)
{
	for (int i = 0; i < nev; i++) {
		if (!gev_kept(&ev[i]))
			continue;
		m->gev[m->gev_head] = (view_gev){ ev[i].time_ns, ev[i].g, ev[i].m, ev[i].m2,
			ev[i].arg, ev[i].p, ev[i].p2, ev[i].kind };
		m->gev_head = (m->gev_head + 1) % VIEW_GEVENTS;
		if (m->gev_len < VIEW_GEVENTS)
			m->gev_len++;
	}
}

/* The i-th oldest kept goroutine event. */
static const view_gev *
gev_at(const view_model *m, int i)
{
	return &m->gev[(m->gev_head - m->gev_len + i + VIEW_GEVENTS) % VIEW_GEVENTS];
}

/* What an event did to its goroutine, as the page says it. */
static void
gev_sentence(const view_gev *e, char *buf, size_t size)
{
	switch (e->kind) {
	case GS_EV_SPAWN:
		if (e->arg)
			snprintf(buf, size, "created on P%d by G%" PRId64, e->p, e->arg);
		else
			snprintf(buf, size, "created on P%d", e->p);
		break;
	case GS_EV_RUN:
		snprintf(buf, size, "ran on P%d (M%" PRId64 ")", e->p, e->m);
		break;
	case GS_EV_STOP:
		if (e->p >= 0)
			snprintf(buf, size, "stopped on P%d: %s", e->p,
			    gs_gstatus_name((int)e->arg));
		else /* leaving a system call that found no P */
			snprintf(buf, size, "stopped: %s", gs_gstatus_name((int)e->arg));
		break;
	case GS_EV_EXIT:
		snprintf(buf, size, "exited");
		break;
	case GS_EV_PARK:
		snprintf(buf, size, "parked: %s", gs_waitreason_name((int)e->arg));
		break;
	case GS_EV_READY:
		snprintf(buf, size, "woken: made runnable on P%d", e->p);
		break;
	case GS_EV_SYSCALL_ENTER:
		snprintf(buf, size, "entered a system call on M%" PRId64 ", leaving P%d", e->m,
		    e->p);
		break;
	case GS_EV_SYSCALL_EXIT:
		if (e->p >= 0)
			snprintf(buf, size, "back from its system call on M%" PRId64 ", with P%d",
			    e->m, e->p);
		else
			snprintf(buf, size,
			    "back from its system call on M%" PRId64 " with no P: to the global "
			    "queue",
			    e->m);
		break;
	case GS_EV_PREEMPT:
		snprintf(buf, size, "preempted on P%d (%s)", e->p,
		    e->arg ? "by a signal" : "at a function call");
		break;
	case GS_EV_GLOBAL_PUT:
		snprintf(buf, size, "yielded on P%d: to the global queue", e->p);
		break;
	case GS_EV_MOVE:
		switch (e->arg) {
		case GS_MOVE_STEAL:
			snprintf(buf, size, "stolen by P%d from P%d", e->p, e->p2);
			break;
		case GS_MOVE_OVERFLOW:
			snprintf(buf, size, "moved to the global queue: P%d's local queue was full",
			    e->p2);
			break;
		case GS_MOVE_GLOBAL_GET:
			snprintf(buf, size, "taken from the global queue by P%d", e->p);
			break;
		default:
			snprintf(buf, size,
			    "woken by the netpoller or a timer: into the global queue");
			break;
		}
		break;
	default:
		snprintf(buf, size, "%s", gs_event_name(e->kind));
		break;
	}
}

/* What the kept events of goroutine g add up to, into buf ("ran 312 times
 * (P0 200, P1 112), preempted 3, stolen 2, ..."); false if none are kept. */
static bool
gev_summary(const view_model *m, int64_t g, char *buf, size_t size)
{
	int64_t runs = 0, pre = 0, stolen = 0, parks = 0, sys = 0, glob = 0, n = 0;
	int64_t onp[64] = { 0 };
	size_t k = 0;

	for (int i = 0; i < m->gev_len; i++) {
		const view_gev *e = gev_at(m, i);
		if (e->g != g)
			continue;
		n++;
		switch (e->kind) {
		case GS_EV_RUN:
			runs++;
			if (e->p >= 0 && e->p < 64)
				onp[e->p]++;
			break;
		case GS_EV_PREEMPT:
			pre++;
			break;
		case GS_EV_PARK:
			parks++;
			break;
		case GS_EV_SYSCALL_ENTER:
			sys++;
			break;
		case GS_EV_GLOBAL_PUT:
			glob++;
			break;
		case GS_EV_MOVE:
			stolen += e->arg == GS_MOVE_STEAL;
			glob += e->arg == GS_MOVE_OVERFLOW || e->arg == GS_MOVE_INJECT;
			break;
		case GS_EV_SYSCALL_EXIT:
			glob += e->p < 0;
			break;
		default:
			break;
		}
	}
	if (n == 0)
		return false;
	int nps = 0;
	for (int p = 0; p < 64; p++)
		nps += onp[p] > 0;
	k += (size_t)snprintf(buf, size, "ran %" PRId64 " %s", runs,
	    view__plural(runs, "time", "times"));
	for (int p = 0, i = 0; p < 64 && k < size; p++) {
		if (onp[p] == 0)
			continue;
		if (nps == 1)
			k += (size_t)snprintf(buf + k, size - k, " on P%d", p);
		else
			k += (size_t)snprintf(buf + k, size - k, "%sP%d %" PRId64,
			    i++ == 0 ? " (" : ", ", p, onp[p]);
	}
	if (nps > 1 && k < size)
		k += (size_t)snprintf(buf + k, size - k, ")");
	if (k < size)
		snprintf(buf + k, size - k,
		    ", preempted %" PRId64 ", stolen %" PRId64 ", parked %" PRId64 ", %" PRId64
		    " system %s, %" PRId64 " through the global queue",
		    pre, stolen, parks, sys, view__plural(sys, "call", "calls"), glob);
	return true;
}

/* The state an event leaves its goroutine in (enum gs_gstatus), or -1 for
 * one that says none (a preemption: its STOP follows). */
static int
gev_state(const view_gev *e)
{
	switch (e->kind) {
	case GS_EV_RUN:
		return GS_G_RUNNING;
	case GS_EV_STOP:
		return e->arg > GS_G_IDLE && e->arg < GS_G_NSTATUS ? (int)e->arg : -1;
	case GS_EV_EXIT:
		return GS_G_DEAD;
	case GS_EV_PARK:
		return GS_G_WAITING;
	case GS_EV_SYSCALL_ENTER:
		return GS_G_SYSCALL;
	case GS_EV_SYSCALL_EXIT:
		return e->p >= 0 ? GS_G_RUNNING : GS_G_RUNNABLE;
	case GS_EV_PREEMPT:
		return -1;
	default: /* created, woken, moved between queues */
		return GS_G_RUNNABLE;
	}
}

/* The columns of the state strip at the most. */
#define GSTRIP_MAX 256

/*
 * The goroutine's state tick by tick, from its kept events: strip[i] for
 * the i-th of n spans of `span` ns ending at the latest snapshot, the state
 * it spent the most of that span in, -1 where no kept event says (before
 * the oldest).
 */
static void
gev_strip(const view_model *m, int64_t g, uint64_t span, int n, int *strip)
{
	static uint64_t dur[GSTRIP_MAX][GS_G_NSTATUS];
	uint64_t end = m->snap.time_ns, start = end - span * (uint64_t)n;
	uint64_t at = 0;
	int st = -1;

	memset(dur, 0, sizeof dur);
	for (int i = 0; i <= m->gev_len; i++) {
		const view_gev *e = i < m->gev_len ? gev_at(m, i) : NULL;
		if (e != NULL && e->g != g)
			continue;
		uint64_t t = e != NULL ? e->t : end;
		if (st >= 0 && t > start && at < end) {
			/* [at, t) in state st, over the spans it covers */
			uint64_t a = at > start ? at : start, b = t < end ? t : end;
			for (uint64_t k = (a - start) / span; a < b && k < (uint64_t)n; k++) {
				uint64_t kend = start + (k + 1) * span, to = b < kend ? b : kend;
				dur[k][st] += to - a;
				a = to;
			}
		}
		if (e != NULL && gev_state(e) >= 0) {
			st = gev_state(e);
			at = e->t;
		}
	}
	for (int k = 0; k < n; k++) {
		strip[k] = -1;
		for (int s = 0; s < GS_G_NSTATUS; s++)
			if (dur[k][s] > 0 && (strip[k] < 0 || dur[k][s] > dur[k][strip[k]]))
				strip[k] = s;
	}
}

/* ---- the goroutine page --------------------------------------------------------------- */

/* Where goroutine g is in the snapshot, in words, into buf; false if on no
 * queue the snapshot lists. */
static bool
g_place(const view_model *m, int64_t g, char *buf, size_t size)
{
	const gs_snapshot *s = &m->snap;

	for (int i = 0; m->have_snap && i < s->np; i++) {
		const gs_snap_p *p = &s->p[i];
		if (p->curg.id == g) {
			snprintf(buf, size, "running on P%d", i);
			return true;
		}
		if (p->runnext.id == g) {
			snprintf(buf, size, "P%d's runnext (runs next there)", i);
			return true;
		}
		for (uint32_t k = 0; k < p->runq_listed; k++)
			if (p->runq[k].id == g) {
				snprintf(buf, size, "in P%d's local queue, %u of %u", i, k + 1,
				    p->runq_len);
				return true;
			}
	}
	for (uint32_t k = 0; m->have_snap && s->glob && k < s->glob_head + s->glob_tail; k++)
		if (s->glob[k].id == g) {
			snprintf(buf, size, "in the global queue (%u %s)", s->glob_len,
			    view__plural(s->glob_len, "goroutine", "goroutines"));
			return true;
		}
	return false;
}

/* The goroutine's accounting, from row y; returns the row after it. */
static int
g_timings(rc *r, const gs_snap_ginfo *g, int y)
{
	const view_model *m = r->m;
	int kx = VIEW_FIELD_X0, vx = VIEW_FIELD_X;
	char a[32], b[32], c[32], line[160];

	if (m->g_timed == 0 || m->g_timed != m->g_gen) {
		view__text(r, kx, y, vx, VA_BOLD, "timings");
		view__text(r, vx, y++, r->w, VA_DIM, "not recorded for this tick");
		return y;
	}
	view__fmt_dur(g->run_ns, a, sizeof a);
	view__text(r, kx, y, vx, VA_BOLD, "run time");
	view__textf(r, vx, y++, r->w, VA_NORMAL, "%s in %" PRIu64 " %s", a, g->runs,
	    view__plural((int64_t)g->runs, "run", "runs"));
	view__fmt_dur(g->latency_ns, a, sizeof a);
	view__fmt_dur(g->latency_max_ns, b, sizeof b);
	view__text(r, kx, y, vx, VA_BOLD, "latency");
	if (g->runs > 0) {
		view__fmt_dur(g->latency_ns / g->runs, c, sizeof c);
		view__textf(r, vx, y++, r->w, VA_NORMAL, "%s in all, worst %s, mean %s", a, b, c);
	} else {
		view__textf(r, vx, y++, r->w, VA_NORMAL, "%s in all, worst %s", a, b);
	}
	view__fmt_dur(g->syscall_ns, a, sizeof a);
	view__text(r, kx, y, vx, VA_BOLD, "system calls");
	view__text(r, vx, y++, r->w, VA_NORMAL, a);
	size_t k = 0;
	line[0] = '\0';
	for (int i = 0; i < GS_BLOCK_NKINDS && k < sizeof line; i++) {
		if (g->blocked_ns[i] == 0)
			continue;
		view__fmt_dur(g->blocked_ns[i], a, sizeof a);
		k += (size_t)snprintf(line + k, sizeof line - k, "%s%s %s", k ? ", " : "",
		    gs_block_kind_name(i), a);
	}
	view__text(r, kx, y, vx, VA_BOLD, "blocked");
	view__text(r, vx, y++, r->w, k ? VA_NORMAL : VA_DIM, k ? line : "never");
	view__text(r, kx, y, vx, VA_BOLD, "moves");
	if (g->lastp >= 0)
		view__textf(r, vx, y++, r->w, VA_NORMAL, "%" PRIu64 " between Ps, last on P%d",
		    g->moves, g->lastp);
	else
		view__textf(r, vx, y++, r->w, VA_NORMAL, "%" PRIu64 " between Ps, not run yet",
		    g->moves);
	view__text(r, kx, y, vx, VA_BOLD, "age");
	if (g->created_ns != 0 && m->have_snap && m->snap.time_ns >= g->created_ns) {
		view__fmt_dur(m->snap.time_ns - g->created_ns, a, sizeof a);
		view__text(r, vx, y++, r->w, VA_NORMAL, a);
	} else {
		view__text(r, vx, y++, r->w, VA_DIM, "unknown (made before accounting went on)");
	}
	view__text(r, kx, y, vx, VA_BOLD, "stack");
	if (g->stack_size > 0)
		view__textf(r, vx, y++, r->w, VA_NORMAL, "%.1f KiB used at most, of %.1f KiB",
		    (double)g->stack_used_max / 1024, (double)g->stack_size / 1024);
	else
		view__text(r, vx, y++, r->w, VA_DIM, "none yet (it has not run)");
	return y;
}

void
view__render_gdetail(rc *r)
{
	const view_model *m = r->m;
	int64_t id = r->v->focus_g;
	const gs_snap_ginfo *g = NULL;
	char t[192], d[96];
	int y = 1, kx = VIEW_FIELD_X0, vx = VIEW_FIELD_X;

	for (int i = 0; i < m->ng; i++)
		if (m->g[i].id == id) {
			g = &m->g[i];
			break;
		}
	if (g != NULL)
		snprintf(t, sizeof t, "G%" PRId64 " %s", id, g->label);
	else
		snprintf(t, sizeof t, "G%" PRId64, id);
	view__title_bar(r, t);
	view__footer(r);
	if (g == NULL) {
		view__textf(r, kx, y++, r->w, VA_WARN,
		    "G%" PRId64 " is not in the goroutine list: it has exited, or the list "
		    "holds fewer goroutines than exist",
		    id);
	} else {
		char k;
		view_attr a;
		view_g_kind(g->tag, &k, &a);
		view__text(r, kx, y, vx, VA_BOLD, "label");
		view__text(r, vx, y++, r->w, VA_NORMAL, g->label[0] ? g->label : "(none)");
		view__text(r, kx, y, vx, VA_BOLD, "kind");
		if (g->tag >= 0x20 && g->tag < 0x7f)
			view__textf(r, vx, y++, r->w, a, "%c (tag '%c')", k, g->tag);
		else
			view__textf(r, vx, y++, r->w, a, "%c", k);
		view__text(r, kx, y, vx, VA_BOLD, "state");
		if (g->status == GS_G_WAITING && g->waitreason)
			view__textf(r, vx, y++, r->w, gstatus_attr(g->status), "%s: %s",
			    gs_gstatus_name(g->status), gs_waitreason_name(g->waitreason));
		else
			view__text(r, vx, y++, r->w, gstatus_attr(g->status),
			    gs_gstatus_name(g->status));
		view__field_ref(r, y++, "M", 'M', g->m);
		view__text(r, kx, y, vx, VA_BOLD, "P");
		if (g_place(m, id, d, sizeof d))
			view__text(r, vx, y++, r->w, VA_NORMAL, d);
		else
			view__text(r, vx, y++, r->w, VA_DIM,
			    "none (on no run queue the snapshot lists)");
		y = g_timings(r, g, y);
	}
	char sum[VIEW_LOG_TEXT];
	if (gev_summary(m, id, sum, sizeof sum)) {
		view__text(r, kx, y, vx, VA_BOLD, "in its events");
		for (const char *at = sum, *next; *at && y < r->h - 3; at = next) {
			size_t len = view__wrap_row(at, r->w - vx, &next);
			view__textf(r, vx, y++, r->w, VA_NORMAL, "%.*s", (int)len, at);
		}
	}
	/* its state tick by tick, newest at the right */
	int n = view__clampi(r->w - vx - 1, 0, GSTRIP_MAX), strip[GSTRIP_MAX];
	uint64_t span = r->v->tick_hz > 0 ? (uint64_t)(1e9 / r->v->tick_hz) : 100000000u;
	if (m->have_snap && m->snap.time_ns / span < (uint64_t)n)
		n = (int)(m->snap.time_ns / span); /* no span before the clock's 0 */
	if (m->have_snap && n > 0 && y < r->h - 4) {
		static const char letter[GS_G_NSTATUS] = { '?', 'r', 'R', 's', 'w', 'x' };
		gev_strip(m, id, span, n, strip);
		view__text(r, kx, y, vx, VA_BOLD, "by tick");
		for (int k = 0; k < n; k++)
			view__put(r, vx + k, y, strip[k] < 0 ? ' ' : (uint32_t)letter[strip[k]],
			    strip[k] < 0 ? VA_DIM : gstatus_attr(strip[k]));
		view__text(r, vx, ++y, r->w, VA_DIM,
		    "newest right: R run r runnable s syscall w wait x exit");
		y++;
	}
	y++;
	/* The newest events that fit, oldest first: count back, then paint. */
	int rows = r->h - 1 - (y + 1), first = m->gev_len, found = 0, total = 0;
	for (int i = 0; i < m->gev_len; i++)
		total += gev_at(m, i)->g == id;
	while (first > 0 && found < rows) {
		first--;
		found += gev_at(m, first)->g == id;
	}
	if (m->gev_len > 0 && m->have_snap && m->snap.time_ns >= gev_at(m, 0)->t) {
		view__fmt_dur(m->snap.time_ns - gev_at(m, 0)->t, d, sizeof d);
		snprintf(t, sizeof t, "events of G%" PRId64 ": %d in the last %s", id, total, d);
	} else {
		snprintf(t, sizeof t, "events of G%" PRId64, id);
	}
	view__section(r, y++, 0, r->w, t);
	for (int i = first; i < m->gev_len && y < r->h - 1; i++) {
		const view_gev *e = gev_at(m, i);
		if (e->g != id)
			continue;
		char line[VIEW_LOG_TEXT];
		/* to the ms: a goroutine's events come many to a tenth */
		double at = e->t > m->t0 ? (double)(e->t - m->t0) / 1e9 : 0;
		int x = view__textf(r, 0, y, r->w, VA_DIM, "%9.3f ", at);
		gev_sentence(e, line, sizeof line);
		view__text(r, x, y++, r->w, VA_NORMAL, line);
	}
	if (found == 0)
		view__text(r, 1, y, r->w, VA_DIM,
		    "(none kept: the events seen while the view runs; older ones make room for "
		    "newer)");
}
