/*
 * timeline.c - the view as a time machine (timeline.h): the view's own bytes
 * kept with each tick, and the scratch model rebuilt from them.
 *
 * The view's bytes go into the history's opaque note of the tick, as LEB128
 * varints (signed ones zigzagged), made and read only here:
 *
 *   note  = u log_total, origin, u flags (1: bar, 2: list, 4: its
 *           accounting figures were measured), [u len, bar bytes], u nnotes,
 *           nnotes x (u time_ns, u attr, u post, u len, bytes),
 *           [u ng, u ng_total, ng x g]
 *   origin = u t0, u dropped, u drop_unlogged, u drop_quiet (view_origin),
 *            VIEW_RT_N x window (u start_ns, s n, s shown, 4 x s how, u pmask),
 *            u log_total
 *   g     = fields_g (format/fields.h), each as its difference from the
 *           previous goroutine's (the first's from zeros): ids count down by
 *           one, and neighbours share states, Ps, stack sizes and creation
 *           times; but its durations (the *_ns but created_ns) as they are,
 *           since a neighbour's say nothing of them; then its label (with
 *           the tag)
 *   label = u k (k < 8: the k-th label of the list's table) or u 8+len, bytes,
 *           u tag
 *
 * The caption goes into the history's own caption field, which stores a
 * caption once per chunk while it stays the same.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>

#include "format/fields.h"
#include "format/varint.h"
#include "ui/timeline.h"

#define LABELS 8

/* A line noted since the last push. */
struct tl_note {
	uint64_t time_ns;
	uint8_t attr;
	bool post; /* noted after the tick was fed */
	char text[TIMELINE_NOTE_TEXT];
};

/* The view's bytes of one tick, decoded (strings point into the history's
 * storage or into tl->gl). */
struct tl_view {
	uint64_t log_total;
	view_origin before;
	const char *bar;
	size_t bar_len;
	const unsigned char *notes; /* the encoded notes, read again when fed */
	const unsigned char *end;
	int nnotes;
	bool have_gl, gl_timed;
	int ng, ng_total;
};

struct timeline {
	history *h;
	int hist_ticks, log_lines;
	int timescale;  /* given to every model rebuilt */
	unsigned lacks; /* ... and this (view_model_set_lacks) */
	bool have_origin;
	uint64_t t0; /* the time of the first tick ever pushed */

	struct tl_note *notes; /* noted since the last push */
	int nnotes, notes_cap;
	bool fed;

	unsigned char *buf; /* the note being encoded */
	size_t len, cap;
	bool oom;

	gs_snapshot *snap; /* history_get's buffers */
	gs_event *ev;
	int evcap;
	gs_snap_ginfo *gl; /* a decoded goroutine list */
	int glcap;

	view_model *m;           /* the scratch model, fed ticks m_first..m_last */
	int64_t m_first, m_last; /* -1: none fed */
	int fed_last;

	char *caption, *bar; /* timeline_view's copies */
	size_t caption_cap, bar_cap;
};

/* ---- writing the note ----------------------------------------------------------- */

/* What a goroutine's field f is stored against: the previous goroutine's
 * (prev), or nothing for a duration (a name in _ns but created_ns, a
 * moment), which a neighbour's does not make shorter. */
static const gs_snap_ginfo *
g_prev(const fields_field *f, const gs_snap_ginfo *prev)
{
	size_t n = strlen(f->name);
	bool dur =
	    n > 3 && strcmp(f->name + n - 3, "_ns") == 0 && strcmp(f->name, "created_ns") != 0;
	return dur ? NULL : prev;
}

static void
put_bytes(timeline *tl, const void *b, size_t n)
{
	if (tl->oom)
		return;
	if (tl->len + n > tl->cap) {
		size_t nc = tl->cap ? tl->cap : 256;
		while (nc < tl->len + n)
			nc *= 2;
		unsigned char *nb = realloc(tl->buf, nc);
		if (nb == NULL) {
			tl->oom = true;
			return;
		}
		tl->buf = nb;
		tl->cap = nc;
	}
	if (n)
		memcpy(tl->buf + tl->len, b, n);
	tl->len += n;
}

static void
put_u(timeline *tl, uint64_t v)
{
	unsigned char b[VARINT_MAX];

	put_bytes(tl, b, varint_encode(b, v));
}

static void
put_s(timeline *tl, int64_t v)
{
	put_u(tl, varint_zigzag(v));
}

static void
put_str(timeline *tl, const char *s, size_t n)
{
	put_u(tl, n);
	put_bytes(tl, s, n);
}

/* The labels a list has used so far; writer and reader build the same. */
struct labels {
	char s[LABELS][GS_LABEL_MAX];
	char tag[LABELS];
	int n, next;
};

static void
put_label(timeline *tl, struct labels *lt, const char *label, char tag)
{
	size_t n = strnlen(label, GS_LABEL_MAX - 1);

	for (int k = 0; k < lt->n; k++) {
		if (strncmp(lt->s[k], label, GS_LABEL_MAX) == 0 && strlen(lt->s[k]) == n &&
		    lt->tag[k] == tag) {
			put_u(tl, (uint64_t)k);
			return;
		}
	}
	put_u(tl, LABELS + n);
	put_bytes(tl, label, n);
	put_u(tl, (unsigned char)tag);
	memcpy(lt->s[lt->next], label, n);
	lt->s[lt->next][n] = '\0';
	lt->tag[lt->next] = tag;
	lt->next = (lt->next + 1) % LABELS;
	if (lt->n < LABELS)
		lt->n++;
}

/* ---- reading it ------------------------------------------------------------------- */

static const char *
get_str(varint_reader *r, size_t *n)
{
	uint64_t len = varint_get_u(r);
	const char *s = (const char *)r->p;

	if (r->bad || len > (uint64_t)(r->end - r->p)) {
		r->bad = true;
		*n = 0;
		return "";
	}
	r->p += len;
	*n = (size_t)len;
	return s;
}

static void
get_label(varint_reader *r, struct labels *lt, char *out, char *tag)
{
	uint64_t k = varint_get_u(r);

	if (k < LABELS) {
		if ((int)k < lt->n) {
			memcpy(out, lt->s[k], GS_LABEL_MAX);
			*tag = lt->tag[k];
		} else {
			r->bad = true;
		}
		return;
	}
	uint64_t n = k - LABELS;
	if (n >= GS_LABEL_MAX || n > (uint64_t)(r->end - r->p)) {
		r->bad = true;
		return;
	}
	memset(out, 0, GS_LABEL_MAX);
	memcpy(out, r->p, (size_t)n);
	r->p += n;
	*tag = (char)varint_get_u(r);
	memcpy(lt->s[lt->next], out, GS_LABEL_MAX);
	lt->tag[lt->next] = *tag;
	lt->next = (lt->next + 1) % LABELS;
	if (lt->n < LABELS)
		lt->n++;
}

/* A goroutine's fields_g, each the difference from prev's but its
 * durations (its label is read apart). */
static void
get_g(varint_reader *r, gs_snap_ginfo *g, const gs_snap_ginfo *prev)
{
	memset(g, 0, sizeof *g);
	for (int f = 0; f < fields_ng && !r->bad; f++)
		fields_set_varint(g, g_prev(&fields_g[f], prev), &fields_g[f], varint_get_u(r));
}

/* The view's bytes of a tick; the goroutine list (if any) into tl->gl.
 * False if they are not there (a tick pushed without them) or bad. */
static bool
read_view(timeline *tl, const history_extra *x, struct tl_view *v)
{
	varint_reader r = { x->note, (const unsigned char *)x->note + x->note_len, false };

	memset(v, 0, sizeof *v);
	if (x->note == NULL)
		return false;
	v->log_total = varint_get_u(&r);
	v->before.t0 = varint_get_u(&r);
	v->before.dropped = varint_get_u(&r);
	v->before.drop_unlogged = varint_get_u(&r);
	v->before.drop_quiet = (int)varint_get_u(&r);
	for (int k = 0; k < VIEW_RT_N; k++) {
		view_window *w = &v->before.win[k];
		w->start_ns = varint_get_u(&r);
		w->n = varint_get_s(&r);
		w->shown = varint_get_s(&r);
		for (int j = 0; j < 4; j++)
			w->how[j] = varint_get_s(&r);
		w->pmask = varint_get_u(&r);
	}
	v->before.log_total = varint_get_u(&r);
	uint64_t flags = varint_get_u(&r);
	if (flags & 1)
		v->bar = get_str(&r, &v->bar_len);
	v->nnotes = (int)varint_get_u(&r);
	v->notes = r.p;
	for (int i = 0; i < v->nnotes && !r.bad; i++) {
		size_t n;
		varint_get_u(&r);
		varint_get_u(&r);
		varint_get_u(&r);
		get_str(&r, &n);
	}
	v->end = r.p;
	if ((flags & 2) && !r.bad) {
		uint64_t ng = varint_get_u(&r), total = varint_get_u(&r);
		if (ng > TIMELINE_GLIST_MAX || ng > (uint64_t)(r.end - r.p)) {
			r.bad = true;
		} else if ((int)ng > tl->glcap) {
			gs_snap_ginfo *g = realloc(tl->gl, (size_t)ng * sizeof *g);
			if (g == NULL)
				return false;
			tl->gl = g;
			tl->glcap = (int)ng;
		}
		struct labels lt = { .n = 0 };
		static const gs_snap_ginfo zero;
		for (uint64_t i = 0; i < ng && !r.bad; i++) {
			gs_snap_ginfo *g = &tl->gl[i];
			get_g(&r, g, i ? g - 1 : &zero);
			get_label(&r, &lt, g->label, &g->tag);
		}
		v->have_gl = !r.bad;
		v->gl_timed = v->have_gl && (flags & 4);
		v->ng = (int)ng;
		v->ng_total = (int)total;
	}
	return !r.bad;
}

/* Feed the notes of v (post: those noted after the tick, else before). */
static void
feed_notes(timeline *tl, const struct tl_view *v, bool post)
{
	varint_reader r = { v->notes, v->end, false };

	for (int i = 0; i < v->nnotes && !r.bad; i++) {
		uint64_t time = varint_get_u(&r), attr = varint_get_u(&r), p = varint_get_u(&r);
		size_t n;
		const char *s = get_str(&r, &n);
		char text[TIMELINE_NOTE_TEXT];
		if (r.bad || (p != 0) != post)
			continue;
		if (n >= sizeof text)
			n = sizeof text - 1;
		memcpy(text, s, n);
		text[n] = '\0';
		view_model_note(tl->m, time, (view_attr)(attr < VA_NATTRS ? attr : VA_NORMAL),
		    text);
	}
}

/* The notes of v that came before its tick's events: the live model had
 * them in its log already when it took v's origin. */
static uint64_t
pre_notes(const struct tl_view *v)
{
	varint_reader r = { v->notes, v->end, false };
	uint64_t n = 0;

	for (int i = 0; i < v->nnotes && !r.bad; i++) {
		varint_get_u(&r);
		varint_get_u(&r);
		uint64_t post = varint_get_u(&r);
		size_t len;
		get_str(&r, &len);
		if (!r.bad && post == 0)
			n++;
	}
	return n;
}

/* ---- lifetime --------------------------------------------------------------------- */

timeline *
timeline_new(size_t budget, int hist_ticks, int log_lines)
{
	timeline *tl;

	if (hist_ticks < 1 || log_lines < 1)
		return NULL;
	tl = calloc(1, sizeof *tl);
	if (tl == NULL)
		return NULL;
	tl->hist_ticks = hist_ticks;
	tl->log_lines = log_lines;
	tl->m_first = tl->m_last = -1;
	tl->h = history_new(budget);
	tl->snap = gs_snapshot_new(0, 256);
	if (tl->h == NULL || tl->snap == NULL) {
		timeline_free(tl);
		return NULL;
	}
	return tl;
}

void
timeline_set_timescale(timeline *tl, int n)
{
	if (tl->timescale == n)
		return;
	tl->timescale = n;
	/* a model built at the old scale says its times wrongly */
	view_model_free(tl->m);
	tl->m = NULL;
	tl->m_first = tl->m_last = -1;
}

void
timeline_set_lacks(timeline *tl, unsigned lacks)
{
	if (tl->lacks == lacks)
		return;
	tl->lacks = lacks;
	view_model_free(tl->m); /* its log says what it read otherwise */
	tl->m = NULL;
	tl->m_first = tl->m_last = -1;
}

void
timeline_free(timeline *tl)
{
	if (tl == NULL)
		return;
	history_free(tl->h);
	gs_snapshot_free(tl->snap);
	view_model_free(tl->m);
	free(tl->ev);
	free(tl->gl);
	free(tl->notes);
	free(tl->buf);
	free(tl->caption);
	free(tl->bar);
	free(tl);
}

/* ---- pushing ------------------------------------------------------------------------ */

int
timeline_note(timeline *tl, uint64_t time_ns, view_attr attr, const char *text)
{
	if (tl->nnotes == tl->notes_cap) {
		int nc = tl->notes_cap ? tl->notes_cap * 2 : 8;
		struct tl_note *n = realloc(tl->notes, (size_t)nc * sizeof *n);
		if (n == NULL)
			return GS_ENOMEM;
		tl->notes = n;
		tl->notes_cap = nc;
	}
	struct tl_note *n = &tl->notes[tl->nnotes++];
	n->time_ns = time_ns;
	n->attr = (uint8_t)((unsigned)attr < VA_NATTRS ? attr : VA_NORMAL);
	n->post = tl->fed;
	/* the log keeps lines of this length too: the same text comes back */
	snprintf(n->text, sizeof n->text, "%s", text ? text : "");
	return 0;
}

void
timeline_fed(timeline *tl)
{
	tl->fed = true;
}

int
timeline_push(timeline *tl, const tick_data *t, const timeline_extra *x)
{
	static const timeline_extra none;
	int ng, rc;

	if (x == NULL)
		x = &none;
	ng = x->gl != NULL && x->ng > 0 ? x->ng : 0;
	if (ng > TIMELINE_GLIST_MAX)
		ng = TIMELINE_GLIST_MAX;
	tl->len = 0;
	tl->oom = false;
	put_u(tl, x->log_total);
	put_u(tl, x->before.t0);
	put_u(tl, x->before.dropped);
	put_u(tl, x->before.drop_unlogged);
	put_u(tl, (uint64_t)(x->before.drop_quiet > 0 ? x->before.drop_quiet : 0));
	for (int k = 0; k < VIEW_RT_N; k++) {
		const view_window *w = &x->before.win[k];
		put_u(tl, w->start_ns);
		put_s(tl, w->n);
		put_s(tl, w->shown);
		for (int j = 0; j < 4; j++)
			put_s(tl, w->how[j]);
		put_u(tl, w->pmask);
	}
	put_u(tl, x->before.log_total);
	put_u(tl, (x->lesson_bar ? 1u : 0u) | (ng ? 2u : 0u) | (ng && x->gl_timed ? 4u : 0u));
	if (x->lesson_bar)
		put_str(tl, x->lesson_bar, strlen(x->lesson_bar));
	put_u(tl, (uint64_t)tl->nnotes);
	for (int i = 0; i < tl->nnotes; i++) {
		const struct tl_note *n = &tl->notes[i];
		put_u(tl, n->time_ns);
		put_u(tl, n->attr);
		put_u(tl, n->post);
		put_str(tl, n->text, strlen(n->text));
	}
	if (ng) {
		struct labels lt = { .n = 0 };
		static const gs_snap_ginfo zero;
		put_u(tl, (uint64_t)ng);
		put_u(tl, (uint64_t)(x->ng_total > ng ? x->ng_total : ng));
		for (int i = 0; i < ng; i++) {
			const gs_snap_ginfo *g = &x->gl[i];
			for (int f = 0; f < fields_ng; f++)
				put_u(tl,
				    fields_varint(g, g_prev(&fields_g[f], i ? g - 1 : &zero),
					&fields_g[f]));
			put_label(tl, &lt, g->label, g->tag);
		}
	}
	if (tl->oom)
		return GS_ENOMEM;
	history_extra hx = { x->caption, tl->buf, tl->len };
	rc = history_push(tl->h, t, &hx);
	if (rc == GS_EINVAL && history_last(tl->h) >= 0 && t->index > history_last(tl->h) + 1) {
		/* A tick that could not be kept left a gap, and what is kept must
		 * follow on tick by tick: start over from this one. */
		history_clear(tl->h);
		rc = history_push(tl->h, t, &hx);
	}
	/* the notes were this tick's, kept or not */
	tl->nnotes = 0;
	tl->fed = false;
	if (rc != 0)
		return rc;
	if (!tl->have_origin) {
		tl->t0 = t->snap->time_ns;
		tl->have_origin = true;
	}
	return 0;
}

/* ---- where ------------------------------------------------------------------------- */

int64_t
timeline_first(const timeline *tl)
{
	return history_first(tl->h);
}

int64_t
timeline_last(const timeline *tl)
{
	return history_last(tl->h);
}

int64_t
timeline_count(const timeline *tl)
{
	return history_count(tl->h);
}

const history *
timeline_history(const timeline *tl)
{
	return tl->h;
}

int64_t
timeline_step(const timeline *tl, int64_t tick, int64_t delta)
{
	int64_t first = history_first(tl->h), last = history_last(tl->h);

	if (first < 0)
		return -1;
	if (delta < 0 && tick < first - delta)
		return first;
	if (delta > 0 && tick > last - delta)
		return last;
	tick += delta;
	return tick < first ? first : tick > last ? last : tick;
}

int
timeline_fed_last(const timeline *tl)
{
	return tl->fed_last;
}

/* ---- the scratch model ----------------------------------------------------------------- */

/* Tick k into tl's buffers (the snapshot grown when its Ms did not fit),
 * with its view bytes.  0 or a history_get error. */
static int
get_tick(timeline *tl, int64_t k, tick_data *t, history_extra *x, struct tl_view *v)
{
	for (;;) {
		int rc = history_get(tl->h, k, tl->snap, &tl->ev, &tl->evcap, t, x);
		if (rc < 0)
			return rc;
		if (!(rc & HISTORY_TRUNC_M))
			break;
		int want = tl->snap->max_m * 2;
		while (want < tl->snap->nm_total)
			want *= 2;
		gs_snapshot *s = gs_snapshot_new(want, 256);
		if (s == NULL)
			break; /* show the Ms that fit */
		gs_snapshot_free(tl->snap);
		tl->snap = s;
	}
	if (!read_view(tl, x, v))
		memset(v, 0, sizeof *v);
	return 0;
}

/* Feed tick k to the scratch model. */
static int
feed(timeline *tl, int64_t k)
{
	tick_data t;
	history_extra x;
	struct tl_view v;
	int rc = get_tick(tl, k, &t, &x, &v);

	if (rc < 0)
		return rc;
	feed_notes(tl, &v, false);
	rc = view_model_tick(tl->m, t.snap, t.ev, t.nev, t.dropped, v.have_gl ? tl->gl : NULL,
	    v.have_gl ? v.ng : 0, v.ng_total);
	if (rc < 0)
		return rc;
	if (v.gl_timed)
		view_model_glist_timed(tl->m);
	feed_notes(tl, &v, true);
	tl->m_last = k;
	tl->fed_last++;
	return 0;
}

/* The log-line count after tick k (0 if it was not kept with it). */
static uint64_t
log_total_at(timeline *tl, int64_t k)
{
	tick_data t;
	history_extra x;
	struct tl_view v;

	return get_tick(tl, k, &t, &x, &v) == 0 ? v.log_total : 0;
}

/*
 * Where a rebuild of tick k starts: early enough for the graphs (hist_ticks
 * ticks) and for the log (the ticks that wrote its last log_lines lines:
 * after the latest tick i whose count is at most k's minus log_lines), and
 * no earlier.
 */
static int64_t
rebuild_start(timeline *tl, int64_t k)
{
	int64_t first = history_first(tl->h);
	int64_t s = k - tl->hist_ticks + 1, floor = k - TIMELINE_REBUILD_MAX + 1;
	uint64_t total = log_total_at(tl, k);

	if (floor < first)
		floor = first;
	if (s > floor && total >= (uint64_t)tl->log_lines) {
		uint64_t want = total - (uint64_t)tl->log_lines;
		int64_t lo = floor, hi = s - 1; /* the latest i in [lo, hi] with count <= want */
		if (log_total_at(tl, lo) > want) {
			s = floor;
		} else {
			while (lo < hi) {
				int64_t mid = lo + (hi - lo + 1) / 2;
				if (log_total_at(tl, mid) <= want)
					lo = mid;
				else
					hi = mid - 1;
			}
			if (lo + 1 < s)
				s = lo + 1;
		}
	} else if (total < (uint64_t)tl->log_lines) {
		s = floor; /* the log never filled: every line since the start counts */
	}
	/* and one tick before: what the first tick shown is measured against
	 * (its deltas in the graphs, a preemption's time slice in the log) */
	return s - 1 < floor ? floor : s - 1;
}

static int
rebuild(timeline *tl, int64_t k)
{
	int64_t s = rebuild_start(tl, k);
	tick_data t;
	history_extra x;
	struct tl_view v;
	int rc;

	view_model_free(tl->m);
	tl->m_first = tl->m_last = -1;
	tl->m = view_model_new(tl->hist_ticks, tl->log_lines);
	if (tl->m == NULL)
		return GS_ENOMEM;
	view_model_set_timescale(tl->m, tl->timescale);
	view_model_set_lacks(tl->m, tl->lacks);
	if ((rc = get_tick(tl, s, &t, &x, &v)) < 0)
		return rc;
	/* the live model's state before s: where the run began, what it lost */
	if (v.before.t0 == 0)
		v.before.t0 = tl->t0;
	/* feeding s writes its notes again: number them as the live log did */
	uint64_t pre = pre_notes(&v);
	v.before.log_total = v.before.log_total >= pre ? v.before.log_total - pre : 0;
	view_model_origin_set(tl->m, &v.before);
	/* and the goroutine list it had: the latest kept before s (the live
	 * view takes one a second at least; a recording without lists is
	 * searched no further back than a rebuild feeds) */
	for (int64_t j = s - 1; j >= history_first(tl->h) && j >= s - tl->hist_ticks; j--) {
		struct tl_view g;
		if ((rc = get_tick(tl, j, &t, &x, &g)) < 0)
			return rc;
		if (g.have_gl) {
			if (view_model_glist_set(tl->m, tl->gl, g.ng, g.ng_total) != 0)
				return GS_ENOMEM;
			break;
		}
	}
	tl->m_first = s;
	for (int64_t i = s; i <= k; i++)
		if ((rc = feed(tl, i)) < 0)
			return rc;
	return 0;
}

static char *
keep_str(char **dst, size_t *cap, const char *s, size_t n)
{
	if (n + 1 > *cap) {
		char *d = realloc(*dst, n + 1);
		if (d == NULL)
			return NULL;
		*dst = d;
		*cap = n + 1;
	}
	memcpy(*dst, s, n);
	(*dst)[n] = '\0';
	return *dst;
}

int
timeline_view(timeline *tl, int64_t tick, const view_model **m, timeline_at *at)
{
	int64_t first = history_first(tl->h), last = history_last(tl->h);
	tick_data t;
	history_extra x;
	struct tl_view v;
	int rc;

	if (first < 0)
		return GS_ERANGE;
	tick = tick < first ? first : tick > last ? last : tick;
	tl->fed_last = 0;
	/* forward within reach of the cached model: feed the ticks between,
	 * if they are all still kept */
	if (tl->m != NULL && tl->m_last >= 0 && tick >= tl->m_last && tl->m_last + 1 >= first &&
	    tick - tl->m_last <= tl->hist_ticks) {
		for (int64_t i = tl->m_last + 1; i <= tick; i++)
			if ((rc = feed(tl, i)) < 0) {
				tl->m_last = -1;
				return rc;
			}
	} else if ((rc = rebuild(tl, tick)) < 0) {
		tl->m_last = -1;
		return rc;
	}
	*m = tl->m;
	if (at == NULL)
		return 0;
	if ((rc = get_tick(tl, tick, &t, &x, &v)) < 0)
		return rc;
	at->tick = tick;
	at->time_ns = t.snap->time_ns;
	at->caption = x.caption
	    ? keep_str(&tl->caption, &tl->caption_cap, x.caption, strlen(x.caption))
	    : NULL;
	at->lesson_bar = v.bar ? keep_str(&tl->bar, &tl->bar_cap, v.bar, v.bar_len) : NULL;
	at->behind_s = 0;
	if (tick < last && get_tick(tl, last, &t, &x, &v) == 0 && t.snap->time_ns > at->time_ns)
		at->behind_s = (double)(t.snap->time_ns - at->time_ns) / 1e9;
	return 0;
}
