/*
 * view_screen.c - the screen the view model paints: cells and their rows as UTF-8
 * (view_screen_*), and the painting primitives every panel uses: put(), which
 * drops what falls outside the screen so no layout arithmetic can write past it,
 * text, glyphs, the title bar, the footer, wrapping and the size notice.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/keys.h"
#include "ui/view_model.h"

/* ---- cells ------------------------------------------------------------------------------ */

int
view_screen_init(view_screen *s, int width, int height)
{
	if (s == NULL || width < 0 || height < 0)
		return GS_EINVAL;
	size_t n = (size_t)width * (size_t)height;
	view_cell *c = realloc(s->cells, n ? n * sizeof *c : sizeof *c);
	if (c == NULL)
		return GS_ENOMEM;
	s->cells = c;
	s->width = width;
	s->height = height;
	for (size_t i = 0; i < n; i++)
		c[i] = (view_cell){ ' ', VA_NORMAL };
	return 0;
}

void
view_screen_free(view_screen *s)
{
	if (s == NULL)
		return;
	free(s->cells);
	s->cells = NULL;
	s->width = s->height = 0;
}

bool
view_hit_at(const view_screen *s, int y, int x, view_hit *out)
{
	int n = s->nhits < VIEW_HITS ? s->nhits : VIEW_HITS;

	for (int i = n - 1; i >= 0; i--) {
		const view_hit *h = &s->hits[i];
		if (h->y == y && x >= h->x0 && x < h->x1) {
			*out = *h;
			return true;
		}
	}
	return false;
}

void
view__hit(rc *r, int y, int x0, int x1, int kind, int64_t id)
{
	view_screen *s = r->s;

	if (x0 < 0)
		x0 = 0;
	if (x1 > r->w)
		x1 = r->w;
	if (y < 0 || y >= r->h || x0 >= x1 || s->nhits >= VIEW_HITS)
		return;
	s->hits[s->nhits++] = (view_hit){ y, x0, x1, kind, id };
}

static size_t
utf8_put(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

size_t
view_screen_row(const view_screen *s, int y, char *buf, size_t size)
{
	size_t at = 0;

	if (buf == NULL || size == 0)
		return 0;
	if (s != NULL && s->cells != NULL && y >= 0 && y < s->height) {
		for (int x = 0; x < s->width; x++) {
			char u[4];
			size_t n =
			    utf8_put(s->cells[(size_t)y * (size_t)s->width + (size_t)x].ch, u);
			if (at + n + 1 > size)
				break;
			memcpy(buf + at, u, n);
			at += n;
		}
	}
	buf[at] = '\0';
	return at;
}

void
view__put(rc *r, int x, int y, uint32_t ch, int attr)
{
	if (x < 0 || y < 0 || x >= r->w || y >= r->h)
		return;
	if (r->ascii && ch >= 0x80)
		ch = '?';
	if (ch < 0x20 || ch == 0x7f)
		ch = '?';
	r->s->cells[(size_t)y * (size_t)r->w + (size_t)x] = (view_cell){ ch, (uint8_t)attr };
}

void
view__fill(rc *r, int x, int y, int xend, uint32_t ch, int attr)
{
	for (; x < xend; x++)
		view__put(r, x, y, ch, attr);
}

/* Decode one UTF-8 sequence from *p (invalid bytes give U+FFFD, one byte each). */
static uint32_t
utf8_next(const char **p)
{
	const unsigned char *s = (const unsigned char *)*p;
	uint32_t cp;
	int n;

	if (s[0] < 0x80) {
		*p += 1;
		return s[0];
	} else if ((s[0] & 0xe0) == 0xc0) {
		cp = s[0] & 0x1f;
		n = 1;
	} else if ((s[0] & 0xf0) == 0xe0) {
		cp = s[0] & 0x0f;
		n = 2;
	} else if ((s[0] & 0xf8) == 0xf0) {
		cp = s[0] & 0x07;
		n = 3;
	} else {
		*p += 1;
		return 0xfffd;
	}
	for (int i = 1; i <= n; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*p += 1;
			return 0xfffd;
		}
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	*p += n + 1;
	return cp;
}

/* Text from x up to (not including) xend; returns the x after it. */
int
view__text(rc *r, int x, int y, int xend, int attr, const char *str)
{
	if (str == NULL)
		return x;
	if (xend > r->w)
		xend = r->w;
	while (*str && x < xend) {
		uint32_t cp = utf8_next(&str);
		view__put(r, x++, y, cp, attr);
	}
	return x;
}

int __attribute__((format(printf, 6, 7)))
view__textf(rc *r, int x, int y, int xend, int attr, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return view__text(r, x, y, xend, attr, buf);
}

/* Code points of a UTF-8 string. */
int
view__text_len(const char *str)
{
	int n = 0;
	while (str && *str) {
		utf8_next(&str);
		n++;
	}
	return n;
}

int
view__digits(int64_t v)
{
	int n = 1;
	if (v < 0) {
		n++;
		v = -v;
	}
	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

int
view__clampi(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* ---- glyphs ---------------------------------------------------------------------------- */

static uint32_t
g_hline(const rc *r)
{
	return r->ascii ? '-' : 0x2500;
}

uint32_t
view__g_empty_slot(const rc *r)
{
	return r->ascii ? '.' : 0x00b7;
}

/* A sparkline level 0..8 (0: nothing). */
uint32_t
view__g_spark(const rc *r, int level)
{
	static const char ascii[] = " __..--=#";
	if (level <= 0)
		return ' ';
	if (level > 8)
		level = 8;
	return r->ascii ? (uint32_t)ascii[level] : 0x2580 + (uint32_t)level;
}

/* ---- shared pieces ------------------------------------------------------------------- */

void
view__section(rc *r, int y, int x0, int x1, const char *title)
{
	view__fill(r, x0, y, x1, g_hline(r), VA_DIM);
	int x = view__text(r, x0 + 1, y, x1, VA_DIM, " ");
	x = view__text(r, x, y, x1, VA_BOLD, title);
	view__text(r, x, y, x1, VA_DIM, " ");
}

/*
 * Where the view is in time: "  tick 502 LIVE" on the newest tick of a live
 * run, "  tick 482 (-3.4 s)" on an older one (the rewind), and in a replay
 * "  tick 12 (-1.7 s)  replay x2" (behind the recording's last tick).  The
 * number is always the tick_data index of the tick shown.
 */
int
view__title_tick(rc *r, int x)
{
	const view_state *v = r->v;
	int64_t tick = v->have_tick ? v->tick : (int64_t)r->m->ticks - 1;

	if (tick < 0)
		return x;
	x = view__textf(r, x, 0, r->w, VA_TITLE, "  tick %lld", (long long)tick);
	if (v->past)
		x = view__textf(r, x, 0, r->w, VA_TITLE, " (-%.1f s)", v->behind_s);
	else if (v->have_tick && !v->replay)
		x = view__text(r, x, 0, r->w, VA_TITLE, " LIVE");
	if (v->replay)
		x = view__textf(r, x, 0, r->w, VA_TITLE, "  replay x%g",
		    v->speed > 0 ? v->speed : 1);
	return x;
}

void
view__title_bar(rc *r, const char *what)
{
	const view_state *v = r->v;
	int x;

	view__fill(r, 0, 0, r->w, ' ', VA_TITLE);
	x = view__text(r, 1, 0, r->w, VA_TITLE, "gsched");
	if (what)
		x = view__textf(r, x, 0, r->w, VA_TITLE, " %s", what);
	x += 2;
	if (v->paused)
		x = view__text(r, x, 0, r->w, VA_PAUSED, " PAUSED ") + 1;
	if (v->world_stopped)
		x = view__text(r, x, 0, r->w, VA_PAUSED, " WORLD STOPPED ") + 1;
	if (v->recording)
		x = view__text(r, x, 0, r->w, VA_PAUSED, " REC ") + 1;
	if (v->slow > 1)
		x = view__textf(r, x, 0, r->w, VA_PAUSED, " SLOW x%d ", v->slow) + 1;
	if (v->tick_hz > 0)
		x = view__textf(r, x, 0, r->w, VA_TITLE, " %.3g Hz", v->tick_hz);
	x = view__title_tick(r, x);
	if (v->time_scale != 1.0 && v->time_scale > 0)
		x = view__textf(r, x, 0, r->w, VA_TITLE, "  time x%.3g", v->time_scale);
	if (v->lesson)
		x = view__textf(r, x, 0, r->w, VA_TITLE, "  lesson: %s", v->lesson);
	if (v->foreign)
		view__textf(r, x, 0, r->w, VA_TITLE, "  %s", v->foreign);
}

/* The bottom row: the prompt, or the status message and then the keys the
 * key table shows in this view's footer, as many as fit.  An entry is named
 * by its one-character keys if it has any ("q", not "q F10 Ctrl-C": the help
 * lists the others), else by all its keys ("PgUp PgDn").  Returns the x
 * after what it wrote. */
int
view__footer(rc *r)
{
	const view_state *v = r->v;
	unsigned ctx = keys_view_ctx(v);
	int y = r->h - 1, x = 0;

	view__fill(r, 0, y, r->w, ' ', VA_NORMAL);
	if (v->prompt)
		return view__text(r, 0, y, r->w, VA_BOLD, v->prompt);
	if (v->status) {
		x = view__text(r, 0, y, r->w, v->status_is_error ? VA_WARN : VA_OK, v->status) + 2;
	}
	for (int i = 0; i < keys_count; i++) {
		const keys_entry *e = &keys_table[i];
		char names[64];

		if (!(e->footer & ctx) || e->label == NULL || !keys_applies(e, ctx) ||
		    keys_live_names(e, ctx, true, names, sizeof names) == 0)
			continue;
		int need = view__text_len(names) + 1 + view__text_len(e->label);
		if (x + need > r->w)
			break;
		/* a click on the hint is its first key */
		int code;
		int x0 = x;
		x = view__text(r, x, y, r->w, VA_KEY, names);
		x = view__text(r, x + 1, y, r->w, VA_NORMAL, e->label);
		if (keys_name_codes(names, strcspn(names, " "), &code, 1) >= 1)
			view__hit(r, y, x0, x, VIEW_HIT_KEY, code);
		x += 2;
	}
	return x;
}

bool
view__fbar_shown(const view_state *v)
{
	return v->width >= VIEW_FBAR_WIDTH && v->height >= VIEW_FBAR_HEIGHT;
}

/* The bar's word for function key f, bound to e (which: the index of its
 * name in e->keys): the entry's footer label, but for the pairs of
 * directions whose label names both. */
static const char *
fbar_label(const keys_entry *e, int which)
{
	if (e->action == KEYS_DO_RATE || e->action == KEYS_DO_SPEED)
		return which % 2 ? "faster" : "slower";
	return e->label;
}

void
view__fbar(rc *r, int y)
{
	const view_state *v = r->v;
	unsigned ctx = keys_view_ctx(v);
	int x = 0;

	view__fill(r, 0, y, r->w, ' ', VA_SELECTED);
	for (int f = 1; f <= 12; f++) {
		int which;
		const keys_entry *e = keys_lookup(KEYS_F(f), ctx, &which);
		const char *label = e != NULL ? fbar_label(e, which) : NULL;
		if (label == NULL || e->help == NULL)
			continue;
		int need = (f >= 10 ? 3 : 2) + view__text_len(label) + 1;
		if (x + need > r->w)
			break;
		int x0 = x;
		x = view__textf(r, x, y, r->w, VA_KEY, "F%d", f);
		x = view__text(r, x, y, r->w, VA_SELECTED, label);
		view__hit(r, y, x0, x, VIEW_HIT_KEY, KEYS_F(f));
		x++;
	}
}

void
view__scroll_footer(rc *r, int scroll, int rows, int total)
{
	bool above = scroll > 0, below = scroll + rows < total;
	int x = view__footer(r);
	const char *b = above && below ? "more above and below"
	    : below                    ? "more below"
				       : "more above";
	int n = 2 + view__text_len(b);

	if ((!above && !below) || x + n > r->w)
		return;
	view__put(r, r->w - n, r->h - 1,
	    below ? (r->ascii ? 'v' : 0x25bc) : (r->ascii ? '^' : 0x25b2), VA_BOLD);
	view__text(r, r->w - n + 2, r->h - 1, r->w, VA_BOLD, b);
}

int
view__scroll_clamp(int scroll, int total, int visible)
{
	int max = total - visible;
	if (max < 0)
		max = 0;
	return view__clampi(scroll, 0, max);
}

/* ---- wrapping and the event log ----------------------------------------------------- */

size_t
view__wrap_row(const char *text, int w, const char **next)
{
	size_t n = strlen(text), end = 0, brk = 0;
	int c = 0;

	if (w < 1)
		w = 1;
	while (end < n) {
		size_t k = end + 1;
		while (k < n && ((unsigned char)text[k] & 0xc0) == 0x80)
			k++;
		if (c + 1 > w)
			break;
		if (text[end] == ' ')
			brk = end;
		c++;
		end = k;
	}
	if (end < n && text[end] != ' ' && brk > 0)
		end = brk;
	*next = text + end;
	*next += strspn(*next, " ");
	while (end > 0 && text[end - 1] == ' ')
		end--;
	return end;
}

int
view_log_wrap(const char *text, int cols, int *st, int *len, int max)
{
	const char *t = text ? text : "", *next;
	int rows = 0;

	do {
		int w = rows == 0 ? cols : cols - VIEW_LOG_INDENT;
		size_t n = view__wrap_row(t, w, &next);
		if (rows < max) {
			st[rows] = (int)(t - text);
			len[rows] = (int)n;
		}
		rows++;
		t = next;
	} while (*t);
	return rows;
}

/* Columns of a log row before its text: the time, "  12.3 ". */
#define LOG_TIME_COLS 8

/* The text columns of a log line's first row between x0 and x1. */
static int
log_cols(int x0, int x1)
{
	int c = x1 - x0 - LOG_TIME_COLS;
	return c > VIEW_LOG_INDENT + 1 ? c : VIEW_LOG_INDENT + 1;
}

int
view__log_rows(const view_logline *l, int x0, int x1)
{
	int st[1], len[1];
	return view_log_wrap(l->text, log_cols(x0, x1), st, len, 0);
}

/* One log line at row y, cut at x1: "  12.3 text". */
void
view__log_row(rc *r, int y, int x0, int x1, const view_logline *l)
{
	double t = l->time_ns > r->m->t0 ? (double)(l->time_ns - r->m->t0) / 1e9 : 0;
	int x = view__textf(r, x0, y, x1, VA_DIM, "%7.1f ", t);
	view__text(r, x, y, x1, l->attr, l->text);
}

/* Rows [from, from + n) of log line l, from screen row y on, wrapped between
 * x0 and x1, with the text words of the query found (v->log_find) in
 * VA_SELECTED. */
static void
log_line_paint(rc *r, const view_logline *l, int x0, int x1, int y, int from, int n)
{
	int st[VIEW_LOG_TEXT], len[VIEW_LOG_TEXT];
	bool hit[VIEW_LOG_TEXT] = { false };
	int rows = view_log_wrap(l->text, log_cols(x0, x1), st, len, VIEW_LOG_TEXT);
	view_gquery q;
	char err[128];

	if (view_gquery_parse(r->v->log_find, &q, err, sizeof err) != 0)
		q.n = 0;
	for (int w = 0; w < q.n; w++) {
		size_t at = 0, mn;
		if (q.t[w].field != 't')
			continue;
		while (view__log_match(l->text, q.t[w].text, at, &at, &mn)) {
			for (size_t k = 0; k < mn && at + k < VIEW_LOG_TEXT; k++)
				hit[at + k] = true;
			at += mn;
		}
	}
	for (int i = from; i < rows && i < from + n && i < VIEW_LOG_TEXT; i++, y++) {
		int x = x0 + LOG_TIME_COLS + (i ? VIEW_LOG_INDENT : 0);
		if (i == 0) {
			double t =
			    l->time_ns > r->m->t0 ? (double)(l->time_ns - r->m->t0) / 1e9 : 0;
			view__textf(r, x0, y, x1, VA_DIM, "%7.1f ", t);
		}
		const char *p = l->text + st[i], *end = p + len[i];
		while (p < end && x < x1) {
			bool on = hit[p - l->text];
			uint32_t cp = utf8_next(&p);
			view__put(r, x++, y, cp, on ? VA_SELECTED : l->attr);
		}
	}
}

/* The shown line before (dir -1) or after (+1) index i, -1 if none. */
static int
log_step(const view_model *m, const view_gquery *f, int i, int dir)
{
	for (i += dir; i >= 0 && i < m->log_len; i += dir)
		if (view__log_shows(view__log_line(m, i), f))
			return i;
	return -1;
}

/* Mark row y's text (between x0 and x1) as cut short: "..." after its last
 * character, over the last ones when the row is full. */
static void
cut_mark(rc *r, int y, int x0, int x1)
{
	const view_cell *row = &r->s->cells[(size_t)y * (size_t)r->w];
	int end = x1 > r->w ? r->w : x1, x = end - 1, n = r->ascii ? 3 : 1;

	while (x >= x0 && row[x].ch == ' ')
		x--;
	x = x + 1 + n <= end ? x + 1 : end - n;
	for (int k = 0; k < n && x + k >= x0; k++)
		view__put(r, x + k, y, r->ascii ? '.' : 0x2026, VA_DIM);
}

void
view__log_paint(rc *r, int y0, int rows, int x0, int x1, bool top, int *first, int *last)
{
	const view_model *m = r->m;
	const view_gquery *f = view__log_query(r->v, NULL);
	int b = view__log_bottom(m, r->v), used = 0, i = b, fi = -1, li = -1, yb = -1;

	if (first)
		*first = -1;
	if (last)
		*last = -1;
	if (b < 0 || rows <= 0)
		return;
	/* Up from the bottom line until the rows are full. */
	for (; i >= 0 && used < rows; i = log_step(m, f, i, -1)) {
		used += view__log_rows(view__log_line(m, i), x0, x1);
		fi = i;
	}
	if (top && used < rows) {
		/* All of them fit: from the top, down to the bottom line (nothing
		 * newer: a held log shows no new line). */
		int y = y0;
		for (i = fi; i >= 0 && i <= b && y < y0 + rows; i = log_step(m, f, i, 1)) {
			const view_logline *l = view__log_line(m, i);
			log_line_paint(r, l, x0, x1, y, 0, y0 + rows - y);
			if (i == b)
				yb = y;
			y += view__log_rows(l, x0, x1);
			li = i;
		}
	} else {
		/* A line that does not fit whole above the others shows its first
		 * rows (a sentence's start reads; rows from its middle would not),
		 * so no blank rows are left above the log; the bottom line, when
		 * it does not fit alone, shows its last rows. */
		int y = y0 + rows;
		li = b;
		for (i = b; i >= 0 && y > y0; i = log_step(m, f, i, -1)) {
			const view_logline *l = view__log_line(m, i);
			int n = view__log_rows(l, x0, x1), from = 0;
			if (y - n < y0 && i != b) {
				if (y > y0) {
					log_line_paint(r, l, x0, x1, y0, 0, y - y0);
					cut_mark(r, y - 1, x0, x1);
					fi = i;
				}
				break;
			}
			y -= n;
			if (y < y0) {
				from = y0 - y;
				y = y0;
			}
			log_line_paint(r, l, x0, x1, y, from, n - from);
			if (i == b && from == 0)
				yb = y;
			fi = i;
		}
	}
	/* The held line (a match found, or where Up stopped) is marked, as it
	 * need not be the bottom one when the lines all fit. */
	if (r->v->log_at != 0 && yb >= 0)
		view__put(r, x0, yb, '>', VA_BOLD);
	if (first)
		*first = fi;
	if (last)
		*last = li;
}

void
view__log_title(rc *r, const char *name, const char *follow, char *buf, size_t size)
{
	const view_state *v = r->v;
	const char *err;
	bool f = view__log_query(v, &err) != NULL;
	size_t n;

	if (f && err[0])
		n = (size_t)snprintf(buf, size, "%s: filter: %s (Esc clears it)", name, err);
	else if (f)
		n = (size_t)snprintf(buf, size, "%s %d of %d matching \"%s\"", name,
		    view__log_place(r->m, v, r->m->log_len - 1), r->m->log_len, v->log_query);
	else
		n = (size_t)snprintf(buf, size, "%s", name);
	if (v->log_at != 0 && n < size)
		snprintf(buf + n, size - n, " (%" PRIu64 " new, %s)", view_log_new(r->m, v),
		    follow);
}

/* ---- the size notice ------------------------------------------------------------------- */

/* Word-wrap str into at most maxl lines of width w; the lines' starts and
 * lengths (in bytes, ASCII only) go into st/len.  Returns the lines, or -1 if
 * it does not fit. */
static int
wrap(const char *str, int w, int maxl, int *st, int *len)
{
	int n = 0, i = 0, slen = (int)strlen(str);

	while (i < slen) {
		while (str[i] == ' ')
			i++;
		if (i >= slen)
			break;
		if (n == maxl)
			return -1;
		int end = i, last_sp = -1;
		while (end < slen && end - i < w) {
			if (str[end] == ' ')
				last_sp = end;
			end++;
		}
		if (end < slen && str[end] != ' ' && last_sp > i)
			end = last_sp; /* break at the last space */
		else if (end < slen && str[end] != ' ' && last_sp < 0)
			return -1; /* a word longer than the line */
		st[n] = i;
		len[n] = end - i;
		while (len[n] > 0 && str[i + len[n] - 1] == ' ')
			len[n]--;
		n++;
		i = end;
	}
	return n;
}

void
view__size_notice(rc *r)
{
	char v[4][96];
	int st[64], len[64];

	snprintf(v[0], sizeof v[0], "gsched needs at least %dx%d; this terminal is %dx%d",
	    VIEW_MIN_WIDTH, VIEW_MIN_HEIGHT, r->w, r->h);
	snprintf(v[1], sizeof v[1], "need %dx%d, have %dx%d", VIEW_MIN_WIDTH, VIEW_MIN_HEIGHT, r->w,
	    r->h);
	snprintf(v[2], sizeof v[2], "%dx%d?", VIEW_MIN_WIDTH, VIEW_MIN_HEIGHT);
	snprintf(v[3], sizeof v[3], "!");
	for (int k = 0; k < 4; k++) {
		int n = wrap(v[k], r->w, r->h < 64 ? r->h : 64, st, len);
		if (n <= 0)
			continue;
		int y0 = (r->h - n) / 2;
		for (int i = 0; i < n; i++) {
			int x0 = (r->w - len[i]) / 2;
			for (int j = 0; j < len[i]; j++)
				view__put(r, x0 + j, y0 + i, (unsigned char)v[k][st[i] + j],
				    VA_WARN);
		}
		return;
	}
}
