/*
 * view_render.c - the visualizer's view model, second half: view_render paints
 * a view_screen from the model (view.c) and the view's settings.  Pure: no
 * curses, no clock, no I/O; every cell goes through put(), which drops what
 * falls outside the screen, so no layout arithmetic can write past it.
 *
 * The main view, top to bottom: a title bar (PAUSED, WORLD STOPPED, tick rate,
 * slow motion, the lesson), header lines flowed to the width, one row per P
 * (two in projector mode; a grid of small cells when the Ps do not fit), the
 * Ms in order of interest with a summary line for the rest, the caption, the
 * event log (with the history graphs beside it when the terminal is wide, or
 * above it when it is tall), and a footer of keys.
 *
 * Allocation: none, except the goroutine list's sort keys, which grow (in the
 * model's scratch) only when the list grows.  Work is linear in Ps, listed
 * queue entries, Ms and the cells of the screen.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/view_model.h"

/* A P's local run queue has 256 slots (Go's and gsched's). */
#define VIEW_RUNQ_SLOTS 256

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

/* One frame's painting context. */
typedef struct rc {
	view_screen *s;
	const view_state *v;
	const view_model *m;
	bool ascii, mono;
	int w, h;
} rc;

static void
put(rc *r, int x, int y, uint32_t ch, int attr)
{
	if (x < 0 || y < 0 || x >= r->w || y >= r->h)
		return;
	if (r->ascii && ch >= 0x80)
		ch = '?';
	if (ch < 0x20 || ch == 0x7f)
		ch = '?';
	r->s->cells[(size_t)y * (size_t)r->w + (size_t)x] = (view_cell){ ch, (uint8_t)attr };
}

static void
fill(rc *r, int x, int y, int xend, uint32_t ch, int attr)
{
	for (; x < xend; x++)
		put(r, x, y, ch, attr);
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
static int
text(rc *r, int x, int y, int xend, int attr, const char *str)
{
	if (str == NULL)
		return x;
	if (xend > r->w)
		xend = r->w;
	while (*str && x < xend) {
		uint32_t cp = utf8_next(&str);
		put(r, x++, y, cp, attr);
	}
	return x;
}

static int __attribute__((format(printf, 6, 7)))
textf(rc *r, int x, int y, int xend, int attr, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return text(r, x, y, xend, attr, buf);
}

/* Code points of a UTF-8 string. */
static int
text_len(const char *str)
{
	int n = 0;
	while (str && *str) {
		utf8_next(&str);
		n++;
	}
	return n;
}

static int
digits(int64_t v)
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

static int
clampi(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* ---- glyphs ---------------------------------------------------------------------------- */

static uint32_t
g_hline(const rc *r)
{
	return r->ascii ? '-' : 0x2500;
}

static uint32_t
g_empty_slot(const rc *r)
{
	return r->ascii ? '.' : 0x00b7;
}

/* A sparkline level 0..8 (0: nothing). */
static uint32_t
g_spark(const rc *r, int level)
{
	static const char ascii[] = " __..--=#";
	if (level <= 0)
		return ' ';
	if (level > 8)
		level = 8;
	return r->ascii ? (uint32_t)ascii[level] : 0x2580 + (uint32_t)level;
}

/* ---- shared pieces ------------------------------------------------------------------- */

static void
section(rc *r, int y, int x0, int x1, const char *title)
{
	fill(r, x0, y, x1, g_hline(r), VA_DIM);
	int x = text(r, x0 + 1, y, x1, VA_DIM, " ");
	x = text(r, x, y, x1, VA_BOLD, title);
	text(r, x, y, x1, VA_DIM, " ");
}

static void
title_bar(rc *r, const char *what)
{
	const view_state *v = r->v;
	int x;

	fill(r, 0, 0, r->w, ' ', VA_TITLE);
	x = text(r, 1, 0, r->w, VA_TITLE, "gsched");
	if (what)
		x = textf(r, x, 0, r->w, VA_TITLE, " %s", what);
	x += 2;
	if (v->paused)
		x = text(r, x, 0, r->w, VA_PAUSED, " PAUSED ") + 1;
	if (v->world_stopped)
		x = text(r, x, 0, r->w, VA_PAUSED, " WORLD STOPPED ") + 1;
	if (v->tick_hz > 0)
		x = textf(r, x, 0, r->w, VA_TITLE, " %.3g Hz", v->tick_hz);
	if (r->m->ticks > 0)
		x = textf(r, x, 0, r->w, VA_TITLE, "  tick %d", r->m->ticks);
	if (v->time_scale != 1.0 && v->time_scale > 0)
		x = textf(r, x, 0, r->w, VA_TITLE, "  time x%.3g", v->time_scale);
	if (v->lesson)
		textf(r, x, 0, r->w, VA_TITLE, "  lesson: %s", v->lesson);
}

struct key {
	const char *key, *what;
};

static void
footer(rc *r, const struct key *keys, int nkeys)
{
	const view_state *v = r->v;
	int y = r->h - 1, x = 0;

	fill(r, 0, y, r->w, ' ', VA_NORMAL);
	if (v->prompt) {
		text(r, 0, y, r->w, VA_BOLD, v->prompt);
		return;
	}
	if (v->status) {
		x = text(r, 0, y, r->w, v->status_is_error ? VA_WARN : VA_OK, v->status) + 2;
	}
	for (int i = 0; i < nkeys; i++) {
		int need = text_len(keys[i].key) + 1 + text_len(keys[i].what);
		if (x + need > r->w)
			break;
		x = text(r, x, y, r->w, VA_KEY, keys[i].key);
		x = text(r, x + 1, y, r->w, VA_NORMAL, keys[i].what) + 2;
	}
}

static int
scroll_clamp(int scroll, int total, int visible)
{
	int max = total - visible;
	if (max < 0)
		max = 0;
	return clampi(scroll, 0, max);
}

/* One log line at row y: "  12.3 text". */
static void
log_row(rc *r, int y, int x0, int x1, const view_logline *l)
{
	double t = l->time_ns > r->m->t0 ? (double)(l->time_ns - r->m->t0) / 1e9 : 0;
	int x = textf(r, x0, y, x1, VA_DIM, "%7.1f ", t);
	text(r, x, y, x1, l->attr, l->text);
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

static void
size_notice(rc *r)
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
				put(r, x0 + j, y0 + i, (unsigned char)v[k][st[i] + j], VA_WARN);
		}
		return;
	}
}

/* ---- header ----------------------------------------------------------------------------- */

struct field {
	char text[200];
	int attr;
};

/* Flow fields into lines from y, at most maxl; returns the lines used. */
static int
flow(rc *r, int y, int maxl, const struct field *f, int nf)
{
	int line = 0, x = 0;

	if (maxl <= 0)
		return 0;
	for (int i = 0; i < nf; i++) {
		int n = text_len(f[i].text);
		if (n == 0)
			continue;
		int need = (x > 0 ? 2 : 0) + n;
		if (x + need > r->w && x > 0) {
			if (line + 1 >= maxl)
				continue; /* no room: try the smaller fields after it */
			line++;
			x = 0;
			need = n;
		}
		if (x > 0)
			x += 2;
		x = text(r, x, y + line, r->w, f[i].attr, f[i].text);
	}
	return x > 0 || line > 0 ? line + 1 : 0;
}

static int
header(rc *r, int y, int maxl)
{
	const view_model *m = r->m;
	const gs_stats *st = &m->snap.stats;
	struct field f[12];
	int nf = 0;
	view_threads t;

	view__threads(m, &t);
	snprintf(f[nf].text, sizeof f[nf].text, "GOMAXPROCS %d", st->gomaxprocs);
	f[nf++].attr = VA_BOLD;
	snprintf(f[nf].text, sizeof f[nf].text, "CPUs %d", st->ncpu);
	f[nf++].attr = VA_NORMAL;
	{
		char extra[64] = "";
		size_t n = 0;
		if (t.net)
			n += (size_t)snprintf(extra + n, sizeof extra - n, " net %d", t.net);
		if (t.mon && n < sizeof extra)
			snprintf(extra + n, sizeof extra - n, " sysmon %d", t.mon);
		snprintf(f[nf].text, sizeof f[nf].text,
		    "threads %d (busy %d: run %d spin %d sys %d%s, idle %d)", t.total, t.busy,
		    t.run, t.spin, t.sys, extra, t.idle);
		f[nf++].attr = VA_BOLD;
	}
	snprintf(f[nf].text, sizeof f[nf].text,
	    r->w >= 70 ? "goroutines %d: %d runnable, %d running, %d waiting, %d syscall"
		       : "goroutines %d: %d runnable %d running %d waiting %d sys",
	    st->goroutines, st->by_status[GS_G_RUNNABLE], st->by_status[GS_G_RUNNING],
	    st->by_status[GS_G_WAITING], st->by_status[GS_G_SYSCALL]);
	f[nf++].attr = VA_NORMAL;
	snprintf(f[nf].text, sizeof f[nf].text, "global queue %d", st->global_runq);
	f[nf++].attr = VA_NORMAL;
	snprintf(f[nf].text, sizeof f[nf].text, "steals +%" PRIu64 " (%" PRIu64 ")", m->d_steals,
	    st->steals);
	f[nf++].attr = m->d_steals ? VA_STEAL : VA_NORMAL;
	snprintf(f[nf].text, sizeof f[nf].text, "hand-offs +%" PRIu64 " (%" PRIu64 ")",
	    m->d_handoffs, st->handoffs);
	f[nf++].attr = m->d_handoffs ? VA_HANDOFF : VA_NORMAL;
	snprintf(f[nf].text, sizeof f[nf].text, "preemptions +%" PRIu64 " (%" PRIu64 ")",
	    m->d_preempts, st->preempt_async + st->preempt_coop);
	f[nf++].attr = m->d_preempts ? VA_PREEMPT : VA_NORMAL;
	if (m->dropped_total) {
		snprintf(f[nf].text, sizeof f[nf].text, "events lost %" PRIu64, m->dropped_total);
		f[nf++].attr = VA_WARN;
	}
	/* The churn the log leaves out (view.c), per tick. */
	const int64_t *c = m->ev_count;
	if (c[GS_EV_RUN] + c[GS_EV_PARK] + c[GS_EV_READY] + c[GS_EV_TIMER_FIRE] +
		c[GS_EV_SYSCALL_ENTER] + c[GS_EV_NETPOLL_WAKE] >
	    0) {
		snprintf(f[nf].text, sizeof f[nf].text,
		    "per tick: %" PRId64 " runs, %" PRId64 " parks, %" PRId64 " readies, %" PRId64
		    " timers, %" PRId64 " syscalls, %" PRId64 " net wakes",
		    c[GS_EV_RUN], c[GS_EV_PARK], c[GS_EV_READY], c[GS_EV_TIMER_FIRE],
		    c[GS_EV_SYSCALL_ENTER], m->ev_argsum[GS_EV_NETPOLL_WAKE]);
		f[nf++].attr = VA_DIM;
	}
	return flow(r, y, maxl, f, nf);
}

/* ---- Ps --------------------------------------------------------------------------------- */

struct pcols {
	int idw;       /* "P12" */
	int lw;        /* label */
	bool longnext; /* "next G9" rather than "+G9" */
	int nextw;
	int barw;
	int x_st, x_g, x_next, x_cnt, x_bar, x_tail, kindw;
};

static void
p_state(int status, char *letter, const char **word, int *attr)
{
	switch (status) {
	case GS_PSTATE_RUNNING:
		*letter = 'R', *word = "run", *attr = VA_P_RUNNING;
		break;
	case GS_PSTATE_IDLE:
		*letter = 'I', *word = "idle", *attr = VA_P_IDLE;
		break;
	case GS_PSTATE_SYSCALL:
		*letter = 'S', *word = "sys", *attr = VA_P_SYSCALL;
		break;
	case GS_PSTATE_GCSTOP:
		*letter = 'T', *word = "stop", *attr = VA_WARN;
		break;
	default:
		*letter = 'D', *word = "dead", *attr = VA_DIM;
		break;
	}
}

/* The attribute of the goroutine at queue position pos (by its label). */
static int
queue_kind_attr(const gs_snap_p *p, uint32_t pos, char *letter)
{
	view_attr a = VA_BOLD;
	char c = '#';

	if (p->runq_listed > 0) {
		if (pos >= p->runq_listed)
			pos = p->runq_listed - 1;
		c = view_label_kind(p->runq[pos].label, &a);
	}
	if (letter)
		*letter = c;
	return a;
}

/* The queue drawn to scale against its 256 slots in w cells from x. */
static void
queue_bar(rc *r, int x, int y, int w, const gs_snap_p *p)
{
	uint32_t len = p->runq_len > VIEW_RUNQ_SLOTS ? VIEW_RUNQ_SLOTS : p->runq_len;

	if (w <= 0)
		return;
	if (r->ascii || r->mono) {
		/* Whole cells, rounded up so one goroutine still shows.  Mono: the
		 * kind letters themselves, so the mix reads without colour. */
		int full =
		    (int)(((uint64_t)len * (uint64_t)w + VIEW_RUNQ_SLOTS - 1) / VIEW_RUNQ_SLOTS);
		for (int i = 0; i < w; i++) {
			if (i < full) {
				char letter;
				uint32_t pos = (uint32_t)((uint64_t)i * len / (uint64_t)full);
				int a = queue_kind_attr(p, pos, &letter);
				put(r, x + i, y, r->mono ? (uint32_t)letter : '#', a);
			} else {
				put(r, x + i, y, g_empty_slot(r), VA_DIM);
			}
		}
		return;
	}
	/* Eighths of a cell, rounded up. */
	uint64_t e = ((uint64_t)len * (uint64_t)w * 8 + VIEW_RUNQ_SLOTS - 1) / VIEW_RUNQ_SLOTS;
	int full = (int)(e / 8), part = (int)(e % 8);
	int used = full + (part ? 1 : 0);
	for (int i = 0; i < w; i++) {
		if (i < used) {
			uint32_t pos = (uint32_t)((uint64_t)i * len / (uint64_t)used);
			int a = queue_kind_attr(p, pos, NULL);
			put(r, x + i, y, i < full ? 0x2588 : 0x2590 - (uint32_t)part, a);
		} else {
			put(r, x + i, y, g_empty_slot(r), VA_DIM);
		}
	}
}

/* "C120 S8 B3" from the listed queue; returns the x after it. */
static int
queue_kinds(rc *r, int x, int y, int xend, const gs_snap_p *p)
{
	static const char letters[5] = { 'C', 'S', 'B', 'N', 'o' };
	static const int attrs[5] = { VA_KIND_CPU, VA_KIND_SLEEP, VA_KIND_SYSCALL, VA_KIND_NET,
		VA_KIND_OTHER };
	int n[5] = { 0 };

	for (uint32_t i = 0; i < p->runq_listed; i++) {
		switch (view_label_kind(p->runq[i].label, NULL)) {
		case 'C':
			n[0]++;
			break;
		case 'S':
			n[1]++;
			break;
		case 'B':
			n[2]++;
			break;
		case 'N':
			n[3]++;
			break;
		default:
			n[4]++;
			break;
		}
	}
	for (int k = 0; k < 5; k++) {
		if (n[k] == 0)
			continue;
		int need = 1 + digits(n[k]);
		if (x + need > xend)
			break;
		x = textf(r, x, y, xend, attrs[k], "%c%d", letters[k], n[k]) + 1;
	}
	return x;
}

/* The cells p_marks needs for all of a P's marks (0: none). */
static int
p_marks_width(const view_pmark *pm)
{
	int n = 0;
	if (pm->stole_n > 0)
		n += 6 + digits(pm->stole_from) + digits(pm->stole_n) + pm->stole_multi;
	if (pm->stolen_n > 0)
		n += 6 + digits(pm->stolen_by) + digits(pm->stolen_n) + pm->stolen_multi;
	if (pm->retakes > 0)
		n += 8;
	if (pm->handoffs > 0)
		n += 8;
	if (pm->preempts > 0)
		n += 8 + (pm->preempts > 1 ? 2 + digits(pm->preempts) : 0);
	return n;
}

/* This tick's marks of a P; returns the x after them. */
static int
p_marks(rc *r, int x, int y, int xend, const view_pmark *pm)
{
	char b[48];

	if (pm->stole_n > 0) {
		snprintf(b, sizeof b, "<-P%d%s x%" PRId64, pm->stole_from,
		    pm->stole_multi ? "+" : "", pm->stole_n);
		if (x + text_len(b) <= xend)
			x = text(r, x, y, xend, VA_STEAL, b) + 1;
	}
	if (pm->stolen_n > 0) {
		snprintf(b, sizeof b, "->P%d%s x%" PRId64, pm->stolen_by,
		    pm->stolen_multi ? "+" : "", pm->stolen_n);
		if (x + text_len(b) <= xend)
			x = text(r, x, y, xend, VA_STEAL, b) + 1;
	}
	if (pm->retakes > 0 && x + 7 <= xend)
		x = text(r, x, y, xend, VA_HANDOFF, "retaken") + 1;
	if (pm->handoffs > 0 && x + 7 <= xend)
		x = text(r, x, y, xend, VA_HANDOFF, "handoff") + 1;
	if (pm->preempts > 0) {
		if (pm->preempts > 1)
			snprintf(b, sizeof b, "preempt x%d", pm->preempts);
		else
			snprintf(b, sizeof b, "preempt");
		if (x + text_len(b) <= xend)
			x = text(r, x, y, xend, VA_PREEMPT, b) + 1;
	}
	return x;
}

static void
pcols_for(rc *r, int np, struct pcols *c)
{
	int w = r->w;

	c->idw = 1 + digits(np > 0 ? np - 1 : 0);
	c->lw = w >= 160 ? GS_LABEL_MAX - 1 : w >= 110 ? 10 : 7;
	c->longnext = w >= 100;
	c->nextw = c->longnext ? 13 : 8;
	c->x_st = c->idw + 1;
	c->x_g = c->x_st + 7;
	c->x_next = c->x_g + 8 + c->lw + 1 + 7;
	c->x_cnt = c->x_next + c->nextw;
	c->x_bar = c->x_cnt + 4;
	int rest = w - c->x_bar;
	int tail = clampi(rest / 2, 6, 40);
	c->barw = rest - tail;
	if (c->barw > 128)
		c->barw = 128;
	if (c->barw < 4)
		c->barw = 4;
	c->x_tail = c->x_bar + c->barw + 1;
	c->kindw = clampi((w - c->x_tail) / 2, 4, 16);
}

/* The running goroutine: "G812 cpu 3.2 ms"; returns the x after it. */
static int
p_curg(rc *r, int x, int y, const gs_snap_p *p, int lw)
{
	if (p->curg.id == 0) {
		text(r, x, y, r->w, VA_DIM, "-");
		return x + 8 + lw + 1 + 7;
	}
	view_attr a;
	view_label_kind(p->curg.label, &a);
	textf(r, x, y, x + 8, VA_BOLD, "G%" PRId64, p->curg.id);
	textf(r, x + 8, y, x + 8 + lw, a, "%s", p->curg.label);
	if (p->slice_ns) {
		char d[32];
		view__fmt_dur(p->slice_ns, d, sizeof d);
		textf(r, x + 8 + lw + 1, y, x + 8 + lw + 1 + 7, VA_NORMAL, "%s", d);
	}
	return x + 8 + lw + 1 + 7;
}

static void
p_row(rc *r, int y, const gs_snap_p *p, const view_pmark *pm, const struct pcols *c)
{
	char letter;
	const char *word;
	int attr;

	p_state(p->status, &letter, &word, &attr);
	textf(r, 0, y, c->x_st, VA_BOLD, "P%d", p->id);
	put(r, c->x_st, y, (uint32_t)letter, attr);
	text(r, c->x_st + 2, y, c->x_g, attr, word);
	p_curg(r, c->x_g, y, p, c->lw);
	if (p->runnext.id)
		textf(r, c->x_next, y, c->x_cnt, VA_NORMAL,
		    c->longnext ? "next G%" PRId64 : "+G%" PRId64, p->runnext.id);
	textf(r, c->x_cnt, y, c->x_bar, p->runq_len ? VA_BOLD : VA_DIM, "%3u", p->runq_len);
	queue_bar(r, c->x_bar, y, c->barw, p);
	/* This tick's marks matter more than the kinds: when both do not fit,
	 * the marks take the kinds' place. */
	int kx = c->x_tail + c->kindw;
	if (kx + p_marks_width(pm) > r->w) {
		p_marks(r, c->x_tail, y, r->w, pm);
		return;
	}
	queue_kinds(r, c->x_tail, y, kx, p);
	p_marks(r, kx, y, r->w, pm);
}

/* Projector: a text row and a bar row the width of the screen. */
static void
p_row_big(rc *r, int y, const gs_snap_p *p, const view_pmark *pm, int idw)
{
	char letter;
	const char *word;
	int attr;

	p_state(p->status, &letter, &word, &attr);
	int x = textf(r, 0, y, r->w, VA_BOLD, "P%d", p->id);
	x = idw + 1;
	put(r, x, y, (uint32_t)letter, attr);
	text(r, x + 2, y, r->w, attr, word);
	x = p_curg(r, x + 7, y, p, 8);
	if (p->runnext.id)
		x = textf(r, x, y, r->w, VA_NORMAL, "next G%" PRId64, p->runnext.id) + 2;
	x = textf(r, x, y, r->w, VA_BOLD, "%u/%d", p->runq_len, VIEW_RUNQ_SLOTS) + 1;
	x = queue_kinds(r, x, y, r->w, p);
	p_marks(r, x + 1, y, r->w, pm);
	queue_bar(r, idw + 1, y + 1, r->w - idw - 2, p);
}

/* A small cell of the P grid: "P12 R ####.. 128<". */
static int
p_cell_width(int idw)
{
	return idw + 1 + 2 + 6 + 1 + 3 + 1 + 2;
}

static void
p_cell(rc *r, int x, int y, const gs_snap_p *p, const view_pmark *pm, int idw)
{
	char letter;
	const char *word;
	int attr;

	p_state(p->status, &letter, &word, &attr);
	textf(r, x, y, x + idw, VA_BOLD, "P%d", p->id);
	put(r, x + idw + 1, y, (uint32_t)letter, attr);
	queue_bar(r, x + idw + 3, y, 6, p);
	textf(r, x + idw + 10, y, x + idw + 13, p->runq_len ? VA_BOLD : VA_DIM, "%3u", p->runq_len);
	if (pm->stole_n)
		put(r, x + idw + 13, y, '<', VA_STEAL);
	else if (pm->stolen_n)
		put(r, x + idw + 13, y, '>', VA_STEAL);
	else if (pm->handoffs || pm->retakes)
		put(r, x + idw + 13, y, 'H', VA_HANDOFF);
	else if (pm->preempts)
		put(r, x + idw + 13, y, '!', VA_PREEMPT);
}

/* ---- Ms ------------------------------------------------------------------------------ */

static void
m_state(const gs_snap_m *mm, char *letter, const char **word, int *attr)
{
	switch (mm->state) {
	case GS_MSTATE_RUNNING:
		*letter = 'R', *word = "running", *attr = VA_M_RUNNING;
		break;
	case GS_MSTATE_SPINNING:
		*letter = 'S', *word = "spinning", *attr = VA_M_SPINNING;
		break;
	case GS_MSTATE_IDLE:
		*letter = 'I', *word = "idle", *attr = VA_M_IDLE;
		break;
	case GS_MSTATE_SCHED:
		*letter = 'K', *word = "sched", *attr = VA_M_RUNNING;
		break;
	case GS_MSTATE_SYSCALL:
		*letter = 'B', *word = "syscall", *attr = VA_M_SYSCALL;
		break;
	case GS_MSTATE_NETPOLL:
		*letter = 'N', *word = "netpoll", *attr = VA_M_NETPOLL;
		break;
	case GS_MSTATE_SYSMON:
		*letter = 'M', *word = "sysmon", *attr = VA_M_SYSMON;
		break;
	default:
		*letter = 'D', *word = "dead", *attr = VA_DIM;
		break;
	}
}

static int
m_cell_width(int midw)
{
	return midw + 1 + 11 + 5 + 9 + 4 + 2;
}

static void
m_cell(rc *r, int x, int y, const gs_snap_m *mm, bool is_new, int midw)
{
	char letter;
	const char *word;
	int attr;
	int x1 = x + m_cell_width(midw) - 2;

	m_state(mm, &letter, &word, &attr);
	textf(r, x, y, x1, VA_BOLD, "M%" PRId64, mm->id);
	x += midw + 1;
	put(r, x, y, (uint32_t)letter, attr);
	text(r, x + 2, y, x1, attr, word);
	x += 11;
	if (mm->p >= 0)
		textf(r, x, y, x1, VA_NORMAL, "P%d", mm->p);
	else
		text(r, x, y, x1, VA_DIM, mm->state == GS_MSTATE_SYSCALL ? "noP" : "-");
	x += 5;
	if (mm->curg)
		textf(r, x, y, x1, VA_NORMAL, "G%" PRId64, mm->curg);
	x += 9;
	if (is_new)
		text(r, x, y, x1, VA_BOLD, "new");
}

/* The "+ 1930 idle Ms" line for the Ms from morder[shown] on. */
static void
m_summary(rc *r, int y, int shown)
{
	const view_model *m = r->m;
	const gs_snapshot *s = &m->snap;
	int hidden[VIEW_MCAT_N] = { 0 }, busy = 0;
	char b[256];
	size_t n = 0;

	for (int i = shown; i < s->nm; i++)
		hidden[m->mcat[m->morder[i]]]++;
	for (int k = 0; k < VIEW_MCAT_NEW_IDLE; k++)
		busy += hidden[k];
	int idle = hidden[VIEW_MCAT_NEW_IDLE] + hidden[VIEW_MCAT_IDLE];
	b[0] = '\0';
	if (busy) {
		static const char *const names[] = { "running", "spinning", "syscall", "netpoll",
			"sysmon" };
		n += (size_t)snprintf(b + n, sizeof b - n, "+ %d more busy Ms (", busy);
		bool first = true;
		for (int k = 0; k < VIEW_MCAT_NEW_IDLE && n < sizeof b; k++) {
			if (!hidden[k])
				continue;
			n += (size_t)snprintf(b + n, sizeof b - n, "%s%d %s", first ? "" : ", ",
			    hidden[k], names[k]);
			first = false;
		}
		if (n < sizeof b)
			n += (size_t)snprintf(b + n, sizeof b - n, ")%s", idle ? " and " : "");
	} else if (idle && n < sizeof b) {
		n += (size_t)snprintf(b + n, sizeof b - n, "+ ");
	}
	if (idle && n < sizeof b)
		n += (size_t)snprintf(b + n, sizeof b - n, "%d idle Ms", idle);
	if (s->nm_total > s->nm && n < sizeof b)
		snprintf(b + n, sizeof b - n, "%s%d Ms not in the snapshot", n ? "; " : "+ ",
		    s->nm_total - s->nm);
	if (text_len(b) > r->w - 1) {
		/* Narrow: the counts only. */
		n = (size_t)snprintf(b, sizeof b, "+ %d busy, %d idle Ms", busy, idle);
		if (s->nm_total > s->nm && n < sizeof b)
			snprintf(b + n, sizeof b - n, ", %d unlisted", s->nm_total - s->nm);
	}
	text(r, 1, y, r->w, VA_DIM, b);
}

/* Ms in rows [y, y+rows) and cols columns; the last row summarises what is left. */
static void
m_block(rc *r, int y, int rows, int midw)
{
	const view_model *m = r->m;
	const gs_snapshot *s = &m->snap;
	int cw = m_cell_width(midw);
	int cols = r->w / cw > 0 ? r->w / cw : 1;

	if (rows <= 0)
		return;
	int cap = rows * cols;
	int show = s->nm;
	bool summary = s->nm > cap || s->nm_total > s->nm;
	if (summary)
		show = (rows - 1) * cols < s->nm ? (rows - 1) * cols : s->nm;
	/* Column-major, so a category reads down a column. */
	int used_rows = summary ? rows - 1 : rows;
	if (used_rows > 0 && show > 0) {
		int per = (show + cols - 1) / cols;
		if (per > used_rows)
			per = used_rows;
		for (int i = 0; i < show; i++) {
			int k = m->morder[i];
			m_cell(r, (i / per) * cw, y + i % per, &s->m[k], m->mnew[k], midw);
		}
	}
	if (summary)
		m_summary(r, y + rows - 1, show);
}

/* Rows the Ms need at this width with every M shown (plus a summary line). */
static int
m_rows_needed(rc *r, int midw)
{
	const gs_snapshot *s = &r->m->snap;
	int cols = r->w / m_cell_width(midw) > 0 ? r->w / m_cell_width(midw) : 1;
	return (s->nm + cols - 1) / cols + (s->nm_total > s->nm ? 1 : 0);
}

/* ---- history graphs -------------------------------------------------------------------- */

/* A history graph rows tall in w cells at (x, y): each column is the largest
 * sample of its span of ticks, the newest at the right, scaled to the largest
 * sample shown (0 at the bottom), in eighths of a cell. */
static void
sparkline(rc *r, int x, int y, int w, int rows, const int32_t *ring)
{
	const view_model *m = r->m;
	int n = m->hist_len;

	if (w <= 0 || rows <= 0 || n == 0)
		return;
	int bucket = (n + w - 1) / w;
	int cells = (n + bucket - 1) / bucket;
	int32_t max = 1;
	for (int i = 0; i < n; i++) {
		int32_t v = view__hist(m, ring, i);
		if (v > max)
			max = v;
	}
	for (int c = 0; c < cells; c++) {
		int hi = n - (cells - 1 - c) * bucket;
		int lo = hi - bucket < 0 ? 0 : hi - bucket;
		int32_t v = 0;
		for (int i = lo; i < hi; i++) {
			int32_t s = view__hist(m, ring, i);
			if (s > v)
				v = s;
		}
		int level = (int)(((int64_t)v * 8 * rows + max - 1) / max);
		for (int k = 0; k < rows; k++) {
			int l = clampi(level - 8 * k, 0, 8);
			put(r, x + w - cells + c, y + rows - 1 - k, g_spark(r, l), VA_GRAPH);
		}
	}
}

static void
graphs(rc *r, int x, int y, int w, int h)
{
	const view_model *m = r->m;
	const struct {
		const char *name;
		const int32_t *ring;
	} g[4] = {
		{ "threads", m->h_threads },
		{ "busy threads", m->h_busy },
		{ "runnable Gs", m->h_runnable },
		{ "steals/tick", m->h_steals },
	};
	int per = h / 4;

	if (h <= 0 || w < 12 || m->hist_len == 0)
		return;
	double secs = r->v->tick_hz > 0 ? m->hist_len / r->v->tick_hz : 0;
	for (int i = 0; i < 4 && i < h; i++) {
		int32_t now = view__hist(m, g[i].ring, m->hist_len - 1), max = 0;
		for (int k = 0; k < m->hist_len; k++)
			if (view__hist(m, g[i].ring, k) > max)
				max = view__hist(m, g[i].ring, k);
		if (per >= 2) {
			int yy = y + i * per;
			int xx = textf(r, x, yy, x + w, VA_BOLD, "%s %d", g[i].name, now);
			if (secs > 0)
				textf(r, xx, yy, x + w, VA_DIM, " (max %d, last %.0f s)", max,
				    secs);
			else
				textf(r, xx, yy, x + w, VA_DIM, " (max %d)", max);
			sparkline(r, x, yy + 1, w, per - 1 < 4 ? per - 1 : 4, g[i].ring);
		} else {
			int yy = y + i;
			textf(r, x, yy, x + 12, VA_BOLD, "%.11s", g[i].name);
			textf(r, x + w - 6, yy, x + w, VA_NORMAL, "%6d", now);
			sparkline(r, x + 12, yy, w - 19, 1, g[i].ring);
		}
	}
}

/* ---- the main view ---------------------------------------------------------------------- */

static const struct key main_keys[] = {
	{ "?", "help" },
	{ "q", "quit" },
	{ "space", "pause" },
	{ "w", "world" },
	{ ".", "step" },
	{ "+/-", "procs" },
	{ "c s b n", "spawn" },
	{ "[ ]", "speed" },
	{ "g", "goroutines" },
	{ "l", "log" },
	{ "p m", "detail" },
};

/* In a lesson, n/N step the lesson (so they do not spawn network waiters).
 * The first three as in main_keys, so the footer starts the same way. */
static const struct key lesson_keys[] = {
	{ "?", "help" },
	{ "q", "quit" },
	{ "space", "pause" },
	{ "n N", "next/prev step" },
	{ "w", "world" },
	{ "+/-", "procs" },
	{ "c s b", "spawn" },
	{ "[ ]", "speed" },
	{ "g", "goroutines" },
	{ "l", "log" },
	{ "p m", "detail" },
};

/* The caption (one row per '\n'-separated line, as many as fit) and, in a
 * lesson, its bar above it, painted up to the row before `bottom`.  Leaves
 * the rows from `top` on at least 8 for Ps, Ms and the log.  Returns the rows
 * it took. */
static int
caption_block(rc *r, int top, int bottom)
{
	const view_state *v = r->v;
	int lines = 0, room = bottom - top - 8, rows;

	if (v->caption) {
		lines = 1;
		for (const char *c = v->caption; *c; c++)
			lines += *c == '\n';
	}
	if (lines > VIEW_CAPTION_ROWS)
		lines = VIEW_CAPTION_ROWS;
	if (lines > room - (v->lesson_bar != NULL))
		lines = room - (v->lesson_bar != NULL);
	if (lines < 1 && v->caption)
		lines = 1; /* a tiny terminal still shows the first line */
	bool bar = v->lesson_bar != NULL && lines + 1 <= (room > 1 ? room : 1);
	rows = lines + bar;
	int y = bottom - rows;
	if (bar) {
		fill(r, 0, y, r->w, ' ', VA_BOLD);
		text(r, 1, y++, r->w, VA_BOLD, v->lesson_bar);
	}
	const char *c = v->caption;
	for (int i = 0; i < lines; i++, y++) {
		char row[VIEW_LOG_TEXT * 4];
		size_t n = strcspn(c, "\n");
		snprintf(row, sizeof row, "%.*s", (int)(n < sizeof row ? n : sizeof row - 1), c);
		fill(r, 0, y, r->w, ' ', VA_CAPTION);
		text(r, 1, y, r->w, VA_CAPTION, row);
		c += n + (c[n] == '\n');
	}
	return rows;
}

static void
render_main(rc *r)
{
	const view_model *m = r->m;
	const view_state *v = r->v;
	const gs_snapshot *s = &m->snap;
	int w = r->w, h = r->h;

	title_bar(r, NULL);
	if (v->lesson)
		footer(r, lesson_keys, (int)(sizeof lesson_keys / sizeof lesson_keys[0]));
	else
		footer(r, main_keys, (int)(sizeof main_keys / sizeof main_keys[0]));
	if (!m->have_snap) {
		text(r, 1, 2, w, VA_DIM, "waiting for the first snapshot...");
		return;
	}
	int y = 1;
	int maxhdr = h >= 40 && !v->projector ? 4 : 3;
	y += header(r, y, maxhdr);
	int bottom = h - 1; /* the footer's row */
	bottom -= caption_block(r, y, bottom);
	int avail = bottom - y;
	int min_log = v->projector ? 3 : 2, min_m = 1;

	/* Ps: full rows, projector pairs, a grid, or as much of the grid as fits. */
	int np = s->np;
	struct pcols pc;
	pcols_for(r, np, &pc);
	int per_p = v->projector ? 2 : 1;
	int p_rows = np * per_p;
	int grid_cols = 0;
	int room_p = avail - min_m - min_log;
	if (p_rows > room_p) {
		grid_cols = w / p_cell_width(pc.idw) > 0 ? w / p_cell_width(pc.idw) : 1;
		p_rows = (np + grid_cols - 1) / grid_cols;
		if (p_rows > room_p)
			p_rows = room_p > 1 ? room_p : 1;
	}
	int midw = 1 + digits(s->nm > 0 ? s->m[0].id : 0);
	for (int i = 0; i < s->nm; i++)
		if (1 + digits(s->m[i].id) > midw)
			midw = 1 + digits(s->m[i].id);
	int m_need = m_rows_needed(r, midw);
	/* Section titles when there is room to spare. */
	bool titles = !v->projector && avail - p_rows - 2 >= min_m + min_log + 4;
	if (titles) {
		if (grid_cols == 0) {
			section(r, y, 0, w, "Ps");
			textf(r, pc.x_g, y, w, VA_DIM, " running ");
			text(r, pc.x_next, y, w, VA_DIM, " next ");
			textf(r, pc.x_bar, y, w, VA_DIM, " local run queue (%d slots) ",
			    VIEW_RUNQ_SLOTS);
		} else {
			section(r, y, 0, w, "Ps (P state, queue, count, mark)");
		}
		y++;
	}
	if (grid_cols == 0) {
		for (int i = 0; i < np && y < bottom; i++, y += per_p) {
			if (v->projector)
				p_row_big(r, y, &s->p[i], &m->pmark[i], pc.idw);
			else
				p_row(r, y, &s->p[i], &m->pmark[i], &pc);
		}
	} else {
		int cw = p_cell_width(pc.idw);
		int cells = p_rows * grid_cols;
		bool cut = cells < np;
		int shown = cut ? cells - 1 : np;
		for (int i = 0; i < shown; i++)
			p_cell(r, (i % grid_cols) * cw, y + i / grid_cols, &s->p[i], &m->pmark[i],
			    pc.idw);
		if (cut)
			textf(r, ((cells - 1) % grid_cols) * cw, y + p_rows - 1, w, VA_DIM,
			    "+%d more Ps", np - shown);
		y += p_rows;
	}

	/* Ms and the log share what is left. */
	avail = bottom - y - (titles ? 2 : 0);
	/* The busy Ms (and the new ones) may take all but four log lines; idle
	 * ones only fill up to 2/5 of the room. */
	int mcols = w / m_cell_width(midw) > 0 ? w / m_cell_width(midw) : 1;
	int busy = s->nm - m->mcat_count[VIEW_MCAT_IDLE];
	int m_busy_rows = (busy + mcols - 1) / mcols + (busy < s->nm_total ? 1 : 0);
	int log_need = clampi(m->log_len, min_log, 4);
	int m_max = avail * 2 / 5 > avail - log_need ? avail * 2 / 5 : avail - log_need;
	if (m->log_len >= 4 && m_busy_rows < m_max && avail * 2 / 5 < m_max)
		m_max = m_busy_rows > avail * 2 / 5 ? m_busy_rows : avail * 2 / 5;
	if (v->projector)
		m_max = 3;
	int m_rows = clampi(m_need, min_m, m_max > min_m ? m_max : min_m);
	if (m_rows > avail - min_log)
		m_rows = avail - min_log > 0 ? avail - min_log : (avail > 0 ? 1 : 0);
	if (titles && m_rows > 0) {
		char t[64];
		snprintf(t, sizeof t, "Ms (threads): %d", s->nm_total);
		section(r, y++, 0, w, t);
	}
	m_block(r, y, m_rows, midw);
	y += m_rows;

	/* Graphs beside the log when wide, above it when tall. */
	int log_rows = bottom - y - (titles ? 1 : 0);
	if (log_rows <= 0)
		return;
	int gx = w, gw = 0;
	if (!v->projector && w >= 110 && m->hist_len > 0) {
		gw = w >= 180 ? 60 : 40;
		gx = w - gw;
	} else if (!v->projector && log_rows >= 10 && m->hist_len > 0) {
		graphs(r, 0, y, w, 4);
		y += 4;
		log_rows -= 4;
	}
	if (titles) {
		section(r, y, 0, gx > 0 ? gx - 1 : 0, "events");
		if (gw)
			section(r, y, gx, w, "history");
		y++;
	}
	int n = m->log_len < log_rows ? m->log_len : log_rows;
	if (v->projector && n > 5)
		n = 5; /* a few lines, large type on a wall */
	for (int i = 0; i < n; i++)
		log_row(r, y + log_rows - n + i, 0, gx - 1, view__log_line(m, m->log_len - n + i));
	if (m->log_len == 0)
		text(r, 1, y, gx - 1, VA_DIM, "(no events yet)");
	if (gw)
		graphs(r, gx, y, gw, log_rows);
}

/* ---- help ---------------------------------------------------------------------------- */

static const struct key help_lines[] = {
	{ NULL, "Keys" }, /* a section */
	{ "? F1", "this help (Esc or ? closes it)" },
	{ "q F10 Ctrl-C", "quit" },
	{ "space", "pause the view (the scheduler keeps running)" },
	{ "w", "stop / start the world (no goroutine runs while stopped)" },
	{ ".", "step one tick while paused" },
	{ "+ -", "GOMAXPROCS one more / one fewer" },
	{ "1-9 0", "set GOMAXPROCS to 1..9, 0 for 10" },
	{ "=", "type any GOMAXPROCS value" },
	{ "c s b n", "spawn goroutines: CPU-bound, sleeping, syscall-blocking, network" },
	{ "C S B N", "the same, ten times as many" },
	{ "[ ]", "slower / faster ticks" },
	{ "p m", "detail of one P / one M (Tab and arrows move the focus)" },
	{ "g", "goroutine list (s cycles its sort: id, state, label)" },
	{ "l", "the whole event log" },
	{ "PgUp PgDn", "scroll lists, the log and this help" },
	{ "Ctrl-L", "redraw the screen" },
	{ "Esc", "close an overlay" },
	{ "n N", "in a lesson: next / previous step (also PgDn / PgUp)" },
	{ "", "" },
	{ NULL, "Header" }, /* a section */
	{ "threads", "Ms that exist; Go never ends idle threads, so watch busy" },
	{ "busy", "run: running Go code, spin: looking for work, sys: in a system call" },
	{ "+3 (120)", "this tick (and in total)" },
	{ "", "" },
	{ NULL, "Ps (processors)" }, /* a section */
	{ "R run", "running a goroutine; I idle; S sys (its M is in a system call);" },
	{ "", "T stopped (world stopped); D dead" },
	{ "G812 cpu 3.2 ms", "the running goroutine, its label, how long its slice has run" },
	{ "next G9 / +G9", "runnext: the goroutine that runs next on this P" },
	{ "128 ####....", "the local run queue, drawn to scale against its 256 slots" },
	{ "C S B N o", "kinds queued: C cpu, S sleep, B syscall (blocking), N network, o other" },
	{ "<-P0 x64", "this P stole 64 goroutines from P0 this tick" },
	{ "->P1 x64", "P1 stole 64 goroutines from this P this tick" },
	{ "handoff", "the P was handed to another M; retaken: sysmon took it from a syscall" },
	{ "preempt", "a goroutine on it was preempted this tick" },
	{ "< > H !", "the same marks in the small grid (steal, stolen, hand-off, preempt)" },
	{ "", "" },
	{ NULL, "Ms (threads)" }, /* a section */
	{ "R running", "running a goroutine on its P; K sched: in the scheduler with a P" },
	{ "S spinning", "holding a P, looking for work to steal" },
	{ "B syscall", "in a system call; noP: its P was taken (retake) or left" },
	{ "N netpoll", "blocked in the netpoller, holding no P" },
	{ "M sysmon", "the sysmon thread (retakes Ps, preempts long runners)" },
	{ "I idle", "parked, reusable; new: made in the last 2 s" },
	{ "+ 1930 idle Ms", "Ms that did not fit, by state" },
	{ "+5 more Ps", "Ps that did not fit in the small grid" },
	{ "", "" },
	{ NULL, "Event log" }, /* a section */
	{ "12.3", "seconds since the view started, then what happened" },
	{ "one by one", "steals, hand-offs, retakes, preemptions, new threads, GOMAXPROCS" },
	{ "", "changes and full local queues; at most 4 of a kind per tick (2 preemptions)," },
	{ "", "then + N more" },
	{ "per tick", "spawns and exits are summed per tick; runs, parks, readies, timers," },
	{ "", "system calls and netpoller wake-ups only in the header's per-tick line" },
	{ "events lost", "the event rings overflowed; the counters in the header stay exact" },
	{ "", "" },
	{ NULL, "Graphs" }, /* a section */
	{ "threads", "history of the thread count, busy threads, runnable goroutines" },
	{ "steals/tick", "and steals per tick; each column is the maximum of its time span" },
};

#define NHELP ((int)(sizeof help_lines / sizeof help_lines[0]))

static const struct key overlay_keys[] = {
	{ "Esc", "close" },
	{ "PgUp/PgDn", "scroll" },
	{ "q", "quit" },
};
static const struct key detail_keys[] = {
	{ "Tab/arrows", "next / previous" },
	{ "Esc", "close" },
	{ "PgUp/PgDn", "scroll" },
	{ "q", "quit" },
};

static void
render_help(rc *r)
{
	int rows = r->h - 2;
	int scroll = scroll_clamp(r->v->scroll, NHELP, rows);

	title_bar(r, "help");
	footer(r, overlay_keys, 3);
	int kw = r->w >= 100 ? 18 : 16;
	for (int i = 0; i < rows && scroll + i < NHELP; i++) {
		const struct key *k = &help_lines[scroll + i];
		int y = 1 + i;
		if (k->key == NULL) { /* a section; an empty key continues a line */
			section(r, y, 0, r->w, k->what);
			continue;
		}
		text(r, 1, y, kw, VA_KEY, k->key);
		text(r, kw + 1, y, r->w, VA_NORMAL, k->what);
	}
}

/* ---- P detail ------------------------------------------------------------------------ */

#define PD_FIELDS 12
#define PD_CELL 26

static int
pdetail_rows(rc *r, int listed, int *cols)
{
	*cols = r->w / PD_CELL > 0 ? r->w / PD_CELL : 1;
	(void)r;
	return (listed + *cols - 1) / *cols;
}

static int
pdetail_visible(rc *r)
{
	/* title, fields, bar, section, footer */
	int v = r->h - 1 - PD_FIELDS - 1 - 1 - 1;
	return v > 0 ? v : 0;
}

static void
render_pdetail(rc *r)
{
	const view_model *m = r->m;
	const gs_snapshot *s = &m->snap;
	int fp = r->v->focus_p;
	char t[32], d[32];
	int y = 1;

	snprintf(t, sizeof t, "P%d", fp);
	title_bar(r, t);
	footer(r, detail_keys, 4);
	if (!m->have_snap || fp < 0 || fp >= s->np) {
		textf(r, 1, 2, r->w, VA_WARN, "P%d does not exist (GOMAXPROCS %d)", fp,
		    m->have_snap ? s->np : 0);
		return;
	}
	const gs_snap_p *p = &s->p[fp];
	const view_pmark *pm = &m->pmark[fp];
	char letter;
	const char *word;
	int attr;
	int kx = 1, vx = 16;

	p_state(p->status, &letter, &word, &attr);
	text(r, kx, y, vx, VA_BOLD, "status");
	textf(r, vx, y++, r->w, attr, "%c %s (%s)", letter, word, gs_pstate_name(p->status));
	text(r, kx, y, vx, VA_BOLD, "M");
	if (p->m >= 0)
		textf(r, vx, y++, r->w, VA_NORMAL, "M%" PRId64, p->m);
	else
		text(r, vx, y++, r->w, VA_DIM, "none");
	text(r, kx, y, vx, VA_BOLD, "running");
	if (p->curg.id) {
		view__fmt_dur(p->slice_ns, d, sizeof d);
		textf(r, vx, y++, r->w, VA_NORMAL, "G%" PRId64 " %s (%s), slice %s", p->curg.id,
		    p->curg.label, gs_gstatus_name(p->curg_status), p->slice_ns ? d : "unknown");
	} else {
		text(r, vx, y++, r->w, VA_DIM, "nothing");
	}
	text(r, kx, y, vx, VA_BOLD, "runnext");
	if (p->runnext.id)
		textf(r, vx, y++, r->w, VA_NORMAL, "G%" PRId64 " %s", p->runnext.id,
		    p->runnext.label);
	else
		text(r, vx, y++, r->w, VA_DIM, "empty");
	text(r, kx, y, vx, VA_BOLD, "local queue");
	textf(r, vx, y++, r->w, VA_NORMAL, "%u of %d slots (%u listed below)", p->runq_len,
	    VIEW_RUNQ_SLOTS, p->runq_listed);
	text(r, kx, y, vx, VA_BOLD, "kinds");
	if (queue_kinds(r, vx, y, r->w, p) == vx)
		text(r, vx, y, r->w, VA_DIM, "-");
	y++;
	text(r, kx, y, vx, VA_BOLD, "schedtick");
	textf(r, vx, y++, r->w, VA_NORMAL, "%u   syscalltick %u", p->schedtick, p->syscalltick);
	text(r, kx, y, vx, VA_BOLD, "timers");
	textf(r, vx, y++, r->w, VA_NORMAL, "%d", p->timers);
	text(r, kx, y, vx, VA_BOLD, "steals");
	textf(r, vx, y++, r->w, VA_NORMAL,
	    "%" PRIu64 " (took %" PRIu64 " goroutines; others took %" PRIu64 " from it)", p->steals,
	    p->stolen, p->stolen_from);
	text(r, kx, y, vx, VA_BOLD, "spawns");
	textf(r, vx, y++, r->w, VA_NORMAL, "%" PRIu64 "   system calls %" PRIu64, p->spawns,
	    p->syscalls);
	text(r, kx, y, vx, VA_BOLD, "this tick");
	if (p_marks(r, vx, y, r->w, pm) == vx)
		text(r, vx, y, r->w, VA_DIM, "nothing notable");
	y++;
	y = 1 + PD_FIELDS; /* one spare line */
	queue_bar(r, 1, y++, r->w - 2, p);
	int cols, rows = pdetail_rows(r, (int)p->runq_listed, &cols);
	int vis = pdetail_visible(r);
	int scroll = scroll_clamp(r->v->scroll, rows, vis);
	snprintf(t, sizeof t, "queue, head first");
	section(r, y++, 0, r->w, t);
	for (int row = 0; row < vis && scroll + row < rows; row++) {
		for (int c = 0; c < cols; c++) {
			int i = (scroll + row) * cols + c;
			if (i >= (int)p->runq_listed)
				break;
			view_attr a;
			char k = view_label_kind(p->runq[i].label, &a);
			int x = c * PD_CELL;
			textf(r, x, y + row, x + 4, VA_DIM, "%3d", i + 1);
			put(r, x + 4, y + row, (uint32_t)k, a);
			textf(r, x + 6, y + row, x + PD_CELL - 1, VA_NORMAL, "G%" PRId64 " %s",
			    p->runq[i].id, p->runq[i].label);
		}
	}
	if (p->runq_listed == 0)
		text(r, 1, y, r->w, VA_DIM, p->runq_len ? "(the snapshot lists none)" : "(empty)");
}

/* ---- M detail ------------------------------------------------------------------------ */

/* Whether text mentions "M<id>" as a word. */
static bool
mentions_m(const char *t, int64_t id)
{
	char pat[24];
	int n = snprintf(pat, sizeof pat, "M%" PRId64, id);
	for (const char *p = strstr(t, pat); p; p = strstr(p + 1, pat)) {
		bool before = p == t ||
		    !((p[-1] >= 'A' && p[-1] <= 'Z') || (p[-1] >= 'a' && p[-1] <= 'z') ||
			(p[-1] >= '0' && p[-1] <= '9'));
		bool after = !(p[n] >= '0' && p[n] <= '9');
		if (before && after)
			return true;
	}
	return false;
}

static void
render_mdetail(rc *r)
{
	const view_model *m = r->m;
	const gs_snapshot *s = &m->snap;
	int64_t id = r->v->focus_m;
	char t[40], d[32];
	int y = 1, kx = 1, vx = 16;
	const gs_snap_m *mm = NULL;
	int k = -1;

	snprintf(t, sizeof t, "M%" PRId64, id);
	title_bar(r, t);
	footer(r, detail_keys, 4);
	for (int i = 0; m->have_snap && i < s->nm; i++)
		if (s->m[i].id == id) {
			mm = &s->m[i];
			k = i;
			break;
		}
	if (mm == NULL) {
		textf(r, 1, 2, r->w, VA_WARN,
		    "M%" PRId64 " is not in the snapshot (it may have exited, or the snapshot "
		    "lists fewer Ms than exist)",
		    id);
		return;
	}
	char letter;
	const char *word;
	int attr;
	m_state(mm, &letter, &word, &attr);
	text(r, kx, y, vx, VA_BOLD, "state");
	textf(r, vx, y++, r->w, attr, "%c %s (%s)%s", letter, word, gs_mstate_name(mm->state),
	    mm->spinning ? ", spinning" : "");
	text(r, kx, y, vx, VA_BOLD, "P");
	if (mm->p >= 0)
		textf(r, vx, y++, r->w, VA_NORMAL, "P%d", mm->p);
	else
		text(r, vx, y++, r->w, VA_DIM, "none");
	text(r, kx, y, vx, VA_BOLD, "goroutine");
	if (mm->curg) {
		const gs_snap_ginfo *gi = NULL;
		for (int i = 0; i < m->ng; i++)
			if (m->g[i].id == mm->curg) {
				gi = &m->g[i];
				break;
			}
		if (gi)
			textf(r, vx, y++, r->w, VA_NORMAL, "G%" PRId64 " %s (%s)", mm->curg,
			    gi->label, gs_gstatus_name(gi->status));
		else
			textf(r, vx, y++, r->w, VA_NORMAL, "G%" PRId64, mm->curg);
	} else {
		text(r, vx, y++, r->w, VA_DIM, "none");
	}
	text(r, kx, y, vx, VA_BOLD, "created");
	if (mm->created_ns && mm->created_ns <= s->time_ns) {
		view__fmt_dur(s->time_ns - mm->created_ns, d, sizeof d);
		textf(r, vx, y++, r->w, VA_NORMAL, "%s before this snapshot%s", d,
		    m->mnew[k] ? " (new)" : "");
	} else {
		text(r, vx, y++, r->w, VA_DIM, "unknown");
	}
	y++;
	textf(r, 0, y, r->w, VA_NORMAL, " ");
	snprintf(t, sizeof t, "log lines about M%" PRId64, id);
	section(r, y++, 0, r->w, t);
	int rows = r->h - 1 - y;
	/* The newest that fit, oldest first: count back, then paint forward. */
	int first = m->log_len, found = 0;
	while (first > 0 && found < rows) {
		first--;
		if (mentions_m(view__log_line(m, first)->text, id))
			found++;
	}
	for (int i = first; i < m->log_len && y < r->h - 1; i++) {
		const view_logline *l = view__log_line(m, i);
		if (mentions_m(l->text, id))
			log_row(r, y++, 0, r->w, l);
	}
	if (found == 0)
		text(r, 1, y, r->w, VA_DIM, "(none in the log)");
}

/* ---- goroutine list ------------------------------------------------------------------ */

static int
gkey_cmp_id(const void *a, const void *b)
{
	const view_gkey *x = a, *y = b;
	return (x->id > y->id) - (x->id < y->id);
}

static int
gkey_cmp_state(const void *a, const void *b)
{
	const view_gkey *x = a, *y = b;
	if (x->status != y->status)
		return x->status - y->status;
	return gkey_cmp_id(a, b);
}

static int
gkey_cmp_label(const void *a, const void *b)
{
	const view_gkey *x = a, *y = b;
	int c = strcmp(x->label, y->label);
	return c ? c : gkey_cmp_id(a, b);
}

/* The goroutine list in v->gsort order, sorted again only when it changed. */
static const view_gkey *
gsorted(const view_model *m, view_gsort how)
{
	view_scratch *sc = m->scratch;

	if (sc->gsorted_key == (int)how && sc->gsorted_gen == m->g_gen && sc->gkeys)
		return sc->gkeys;
	if (m->ng > sc->gkeys_cap) {
		view_gkey *k = realloc(sc->gkeys, (size_t)m->ng * sizeof *k);
		if (k == NULL)
			return NULL;
		sc->gkeys = k;
		sc->gkeys_cap = m->ng;
	}
	if (sc->gkeys == NULL)
		return NULL;
	for (int i = 0; i < m->ng; i++)
		sc->gkeys[i] = (view_gkey){ m->g[i].id, m->g[i].status, m->g[i].label, i };
	qsort(sc->gkeys, (size_t)m->ng, sizeof *sc->gkeys,
	    how == VIEW_GSORT_STATE       ? gkey_cmp_state
		: how == VIEW_GSORT_LABEL ? gkey_cmp_label
					  : gkey_cmp_id);
	sc->gsorted_key = (int)how;
	sc->gsorted_gen = m->g_gen;
	return sc->gkeys;
}

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

static const char *const gsort_names[] = { "id", "state", "label" };

static void
render_glist(rc *r)
{
	const view_model *m = r->m;
	int vis = r->h - 4 > 0 ? r->h - 4 : 0;
	int scroll = scroll_clamp(r->v->scroll, m->ng, vis);
	view_gsort how = (unsigned)r->v->gsort <= VIEW_GSORT_LABEL ? r->v->gsort : VIEW_GSORT_ID;
	char sortkey[32];
	struct key keys[4] = { { "s", sortkey }, { "Esc", "close" }, { "PgUp/PgDn", "scroll" },
		{ "q", "quit" } };

	snprintf(sortkey, sizeof sortkey, "sort (by %s)", gsort_names[how]);
	title_bar(r, "goroutines");
	footer(r, keys, 4);
	if (m->ng == 0) {
		text(r, 1, 1, r->w, VA_DIM, "no goroutine list yet");
		return;
	}
	int last = scroll + vis < m->ng ? scroll + vis : m->ng;
	if (m->ng_total > m->ng)
		textf(r, 1, 1, r->w, VA_NORMAL, "%d goroutines (%d listed), showing %d-%d, by %s",
		    m->ng_total, m->ng, vis ? scroll + 1 : 0, last, gsort_names[how]);
	else
		textf(r, 1, 1, r->w, VA_NORMAL, "%d goroutines, showing %d-%d, by %s", m->ng,
		    vis ? scroll + 1 : 0, last, gsort_names[how]);
	text(r, 0, 2, r->w, VA_BOLD, "        ID  STATE     WAIT REASON          M       K LABEL");
	const view_gkey *k = gsorted(m, how);
	if (k == NULL) {
		text(r, 1, 3, r->w, VA_WARN, "out of memory sorting the list");
		return;
	}
	for (int i = 0; i < vis && scroll + i < m->ng; i++) {
		const gs_snap_ginfo *g = &m->g[k[scroll + i].idx];
		int y = 3 + i;
		textf(r, 0, y, 10, VA_BOLD, "%10" PRId64, g->id);
		text(r, 12, y, 21, gstatus_attr(g->status), gs_gstatus_name(g->status));
		if (g->status == GS_G_WAITING && g->waitreason)
			text(r, 22, y, 42, VA_NORMAL, gs_waitreason_name(g->waitreason));
		if (g->m >= 0)
			textf(r, 42, y, 50, VA_NORMAL, "M%" PRId64, g->m);
		view_attr a;
		char kl = view_label_kind(g->label, &a);
		put(r, 50, y, (uint32_t)kl, a);
		text(r, 52, y, r->w, VA_NORMAL, g->label);
	}
}

/* ---- the whole log ------------------------------------------------------------------- */

static void
render_log(rc *r)
{
	const view_model *m = r->m;
	int vis = r->h - 2 > 0 ? r->h - 2 : 0;
	int scroll = scroll_clamp(r->v->scroll, m->log_len, vis);
	char t[64];

	snprintf(t, sizeof t, "event log: %d lines, showing %d-%d", m->log_len,
	    m->log_len ? scroll + 1 : 0, scroll + vis < m->log_len ? scroll + vis : m->log_len);
	title_bar(r, t);
	footer(r, overlay_keys, 3);
	for (int i = 0; i < vis && scroll + i < m->log_len; i++)
		log_row(r, 1 + i, 0, r->w, view__log_line(m, scroll + i));
	if (m->log_len == 0)
		text(r, 1, 1, r->w, VA_DIM, "(no events yet)");
}

/* ---- entry points -------------------------------------------------------------------- */

static bool
too_small(const view_state *v)
{
	return v->width < VIEW_MIN_WIDTH || v->height < VIEW_MIN_HEIGHT;
}

int
view_scroll_max(const view_model *m, const view_state *v)
{
	rc r = { .v = v, .m = m, .w = v->width, .h = v->height };
	int total = 0, vis = 0;

	if (m == NULL || v == NULL || too_small(v))
		return 0;
	switch (v->mode) {
	case VIEW_HELP:
		total = NHELP;
		vis = v->height - 2;
		break;
	case VIEW_LOG:
		total = m->log_len;
		vis = v->height - 2;
		break;
	case VIEW_GLIST:
		total = m->ng;
		vis = v->height - 4;
		break;
	case VIEW_PDETAIL:
		if (m->have_snap && v->focus_p >= 0 && v->focus_p < m->snap.np) {
			int cols;
			total = pdetail_rows(&r, (int)m->snap.p[v->focus_p].runq_listed, &cols);
			vis = pdetail_visible(&r);
		}
		break;
	default:
		break;
	}
	return total - vis > 0 ? total - vis : 0;
}

int
view_render(const view_model *m, const view_state *v, view_screen *out)
{
	if (m == NULL || v == NULL || out == NULL || v->width < 0 || v->height < 0)
		return GS_EINVAL;
	if (out->cells == NULL || out->width != v->width || out->height != v->height) {
		int err = view_screen_init(out, v->width, v->height);
		if (err)
			return err;
	}
	rc r = { .s = out,
		.v = v,
		.m = m,
		.ascii = v->ascii,
		.mono = v->mono,
		.w = v->width,
		.h = v->height };
	size_t n = (size_t)r.w * (size_t)r.h;
	for (size_t i = 0; i < n; i++)
		out->cells[i] = (view_cell){ ' ', VA_NORMAL };
	if (too_small(v)) {
		size_notice(&r);
		return 0;
	}
	switch (v->mode) {
	case VIEW_HELP:
		render_help(&r);
		break;
	case VIEW_PDETAIL:
		render_pdetail(&r);
		break;
	case VIEW_MDETAIL:
		render_mdetail(&r);
		break;
	case VIEW_GLIST:
		render_glist(&r);
		break;
	case VIEW_LOG:
		render_log(&r);
		break;
	default:
		render_main(&r);
		break;
	}
	return 0;
}
