/*
 * view_main.c - the main view, top to bottom: a title bar (PAUSED, WORLD
 * STOPPED, tick rate, slow motion, the lesson), header lines flowed to the
 * width, one row per P (two in projector mode; a grid of small cells when the
 * Ps do not fit), the Ms in order of interest with a summary line for the rest,
 * the caption, the event log (with the history graphs beside it when the
 * terminal is wide, or above it when it is tall), and a footer of keys.
 *
 * Work is linear in Ps, listed queue entries, Ms and the cells of the screen.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/view_model.h"

/* ---- header ----------------------------------------------------------------------------- */

/* The header's forms, longest first: every figure in every form, only the
 * words get shorter (HDR_FORMS - 1 is the compact form). */
#define HDR_FORMS 4

struct field {
	char form[HDR_FORMS][200]; /* "" in a form: the field is not shown in it */
	int attr;
	bool vital; /* a figure: never dropped, the layout takes a shorter form */
};

/* Sets f's text in the forms from `from` on (a later call for a later form
 * overrides it there). */
static void __attribute__((format(printf, 3, 4)))
form(struct field *f, int from, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->form[from], sizeof f->form[from], fmt, ap);
	va_end(ap);
	for (int k = from + 1; k < HDR_FORMS; k++)
		memcpy(f->form[k], f->form[from], sizeof f->form[k]);
}

/* Flow the fields, each in form k, into lines from y, at most maxl; returns
 * the lines used.  A field that does not fit the line it would start gives
 * way to the smaller ones after it.  dropped NULL: draw them; else only say
 * whether a vital field would have no room. */
static int
flow(rc *r, int y, int maxl, const struct field *f, int nf, int k, bool *dropped)
{
	int line = 0, x = 0;

	if (dropped)
		*dropped = false;
	if (maxl <= 0)
		return 0;
	for (int i = 0; i < nf; i++) {
		const char *text = f[i].form[k];
		int n = view__text_len(text);
		if (n == 0)
			continue;
		int need = (x > 0 ? 2 : 0) + n;
		if (x + need > r->w && (x > 0 || n > r->w)) {
			if (line + 1 >= maxl || n > r->w) {
				/* no room: try the smaller fields after it */
				if (dropped && f[i].vital)
					*dropped = true;
				continue;
			}
			line++;
			x = 0;
			need = n;
		}
		if (x > 0)
			x += 2;
		if (dropped)
			x += n;
		else
			x = view__text(r, x, y + line, r->w, f[i].attr, text);
	}
	return x > 0 || line > 0 ? line + 1 : 0;
}

/* The header's layout for the width: the longest form whose figures all fit
 * maxl lines; when not even the compact form does, as many more lines as it
 * needs (a figure is never left out or cut).  Returns the lines used. */
static int
header_layout(rc *r, int y, int maxl, const struct field *f, int nf)
{
	bool dropped = true;
	int k = 0, lines = maxl;

	for (; lines < maxl + nf && dropped; lines++)
		for (k = 0; k < HDR_FORMS; k++) {
			flow(r, y, lines, f, nf, k, &dropped);
			if (!dropped)
				break;
		}
	return flow(r, y, lines - 1, f, nf, k < HDR_FORMS ? k : HDR_FORMS - 1, NULL);
}

/* "run 2 spin 0 sys 200": the busy Ms by what they do; all: the categories
 * at 0 too. */
static void
busy_parts(const view_threads *t, bool all, char *b, size_t size)
{
	const struct {
		const char *name;
		int n;
		bool always; /* listed at 0 too, when all */
	} part[] = { { "run", t->run, true }, { "spin", t->spin, true }, { "sys", t->sys, true },
		{ "net", t->net, false }, { "sysmon", t->mon, false } };
	size_t n = 0;

	b[0] = '\0';
	for (size_t k = 0; k < sizeof part / sizeof part[0] && n < size; k++)
		if (part[k].n > 0 || (all && part[k].always))
			n += (size_t)snprintf(b + n, size - n, "%s%s %d", n ? " " : "",
			    part[k].name, part[k].n);
}

/* The header: GOMAXPROCS, the CPUs, the threads (the whole process's, as the
 * kernel counts them, and the Ms among them), the goroutines, the queues,
 * the counters.  Every figure is always there; when they do not all fit, the
 * words get shorter, form by form (header_layout): first the busy Ms'
 * breakdown moves behind the counters and keeps only what is not 0, then
 * "threads", "Gs", "preempts", then "run", "wait" and "global". */
int
view__header(rc *r, int y, int maxl)
{
	const view_model *m = r->m;
	const gs_stats *st = &m->snap.stats;
	const int *bs = st->by_status;
	struct field f[13];
	int nf = 0;
	view_threads t;
	char parts[96];

	memset(f, 0, sizeof f);
	view__threads(m, &t);
	form(&f[nf], 0, "GOMAXPROCS %d", st->gomaxprocs);
	f[nf].vital = true;
	f[nf++].attr = VA_BOLD;
	if (st->ncpu > 0) { /* a foreign program's trace does not say */
		form(&f[nf], 0, "CPUs %d", st->ncpu);
		f[nf].vital = true;
		f[nf++].attr = VA_NORMAL;
	}
	if (m->snap.os_threads > 0) {
		form(&f[nf], 0, "OS threads %d", m->snap.os_threads);
		form(&f[nf], 2, "threads %d", m->snap.os_threads);
		f[nf].vital = true;
		f[nf++].attr = VA_BOLD;
	}
	if (r->v->lacks & TICK_LACKS_MS) {
		/* plain schedtrace: the totals it prints, no M list to sort */
		form(&f[nf], 0, "Ms %d (idle %d, spinning %d; no M list)", m->snap.nm_total,
		    st->idle_threads, st->spinning_threads);
		form(&f[nf], 1, "Ms %d: idle %d", m->snap.nm_total, st->idle_threads);
	} else {
		busy_parts(&t, true, parts, sizeof parts);
		form(&f[nf], 0, "Ms %d (busy %d: %s, idle %d)", t.total, t.busy, parts, t.idle);
		form(&f[nf], 1, "Ms %d: busy %d, idle %d", t.total, t.busy, t.idle);
	}
	f[nf].vital = true;
	f[nf++].attr = VA_BOLD;
	if (r->v->lacks & TICK_LACKS_GOROUTINES) {
		form(&f[nf], 0, "goroutines: not in plain schedtrace");
		form(&f[nf], 2, "Gs: n/a");
		f[nf].vital = true;
		f[nf++].attr = VA_DIM;
	} else {
		form(&f[nf], 0, "goroutines %d: %d runnable, %d running, %d waiting, %d syscall",
		    st->goroutines, bs[GS_G_RUNNABLE], bs[GS_G_RUNNING], bs[GS_G_WAITING],
		    bs[GS_G_SYSCALL]);
		form(&f[nf], 1, "goroutines %d: %d runnable %d running %d waiting %d sys",
		    st->goroutines, bs[GS_G_RUNNABLE], bs[GS_G_RUNNING], bs[GS_G_WAITING],
		    bs[GS_G_SYSCALL]);
		form(&f[nf], 2, "Gs %d: %d runnable %d running %d waiting %d sys", st->goroutines,
		    bs[GS_G_RUNNABLE], bs[GS_G_RUNNING], bs[GS_G_WAITING], bs[GS_G_SYSCALL]);
		form(&f[nf], 3, "Gs %d: %d runnable %d run %d wait %d sys", st->goroutines,
		    bs[GS_G_RUNNABLE], bs[GS_G_RUNNING], bs[GS_G_WAITING], bs[GS_G_SYSCALL]);
		f[nf].vital = true;
		f[nf++].attr = VA_NORMAL;
	}
	form(&f[nf], 0, "global queue %d", st->global_runq);
	form(&f[nf], 3, "global %d", st->global_runq);
	f[nf].vital = true;
	f[nf++].attr = VA_NORMAL;
	/* a foreign program's trace (gsched go) may not say these: never 0 */
	if (r->v->lacks & TICK_LACKS_STEALS) {
		form(&f[nf], 0, "steals: not reported by Go");
		form(&f[nf], 2, "steals: n/a in Go");
		f[nf].vital = true;
		f[nf++].attr = VA_DIM;
	} else {
		form(&f[nf], 0, "steals +%" PRIu64 " (%" PRIu64 ")", m->d_steals, st->steals);
		f[nf].vital = true;
		f[nf++].attr = m->d_steals ? VA_STEAL : VA_NORMAL;
	}
	if (r->v->lacks & TICK_LACKS_MS) {
		/* no M list: not even an inferred hand-off can be seen */
		form(&f[nf], 0, "hand-offs: not in plain schedtrace");
		form(&f[nf], 2, "hand-offs n/a");
		f[nf].vital = true;
		f[nf++].attr = VA_DIM;
	} else if (r->v->lacks & TICK_EVENTS_INFERRED) {
		/* no counter: the hand-offs two blocks in a row prove, this tick */
		int64_t n = m->ev_count[GS_EV_HANDOFF];
		form(&f[nf], 0, "hand-offs inferred +%" PRId64, n);
		form(&f[nf], 2, "hand-offs~ +%" PRId64, n);
		f[nf].vital = true;
		f[nf++].attr = n ? VA_HANDOFF : VA_NORMAL;
	} else {
		form(&f[nf], 0, "hand-offs +%" PRIu64 " (%" PRIu64 ")", m->d_handoffs,
		    st->handoffs);
		f[nf].vital = true;
		f[nf++].attr = m->d_handoffs ? VA_HANDOFF : VA_NORMAL;
	}
	if (r->v->lacks & TICK_LACKS_ACCOUNTING) {
		form(&f[nf], 0, "preemptions: not reported by Go");
		form(&f[nf], 2, "preempts: n/a in Go");
		f[nf++].attr = VA_DIM;
	} else {
		form(&f[nf], 0, "preemptions +%" PRIu64 " (%" PRIu64 ")", m->d_preempts,
		    st->preempt_async + st->preempt_coop);
		form(&f[nf], 2, "preempts +%" PRIu64 " (%" PRIu64 ")", m->d_preempts,
		    st->preempt_async + st->preempt_coop);
		f[nf].vital = true;
		f[nf++].attr = m->d_preempts ? VA_PREEMPT : VA_NORMAL;
	}
	if (m->dropped_total) {
		form(&f[nf], 0, "events lost %" PRIu64, m->dropped_total);
		f[nf].vital = true;
		f[nf++].attr = VA_WARN;
	}
	/* shorter forms: the busy Ms' breakdown, where it has room */
	busy_parts(&t, false, parts, sizeof parts);
	if (parts[0]) {
		form(&f[nf], 1, "busy Ms: %s", parts);
		f[nf++].attr = VA_BOLD;
	}
	/* The churn the log leaves out (view.c), in the last tick, in words a
	 * class knows: a run is a goroutine switched onto a P, a park one
	 * that blocked, a ready one woken to be run. */
	const int64_t *c = m->ev_count;
	if (c[GS_EV_RUN] + c[GS_EV_PARK] + c[GS_EV_READY] + c[GS_EV_TIMER_FIRE] +
		c[GS_EV_SYSCALL_ENTER] + c[GS_EV_NETPOLL_WAKE] >
	    0) {
		char span[32] = "last tick";
		if (r->v->tick_hz > 0)
			snprintf(span, sizeof span, "last %.2g s", 1 / r->v->tick_hz);
		form(&f[nf], 0,
		    "%s: %" PRId64 " goroutines ran, %" PRId64 " blocked, %" PRId64
		    " woken; %" PRId64 " timers, %" PRId64 " syscalls, %" PRId64
		    " network wake-ups",
		    span, c[GS_EV_RUN], c[GS_EV_PARK], c[GS_EV_READY], c[GS_EV_TIMER_FIRE],
		    c[GS_EV_SYSCALL_ENTER], m->ev_argsum[GS_EV_NETPOLL_WAKE]);
		form(&f[nf], 1,
		    "%s: %" PRId64 " ran, %" PRId64 " blocked, %" PRId64 " woken, %" PRId64
		    " timers, %" PRId64 " syscalls, %" PRId64 " net wake-ups",
		    span, c[GS_EV_RUN], c[GS_EV_PARK], c[GS_EV_READY], c[GS_EV_TIMER_FIRE],
		    c[GS_EV_SYSCALL_ENTER], m->ev_argsum[GS_EV_NETPOLL_WAKE]);
		f[nf++].attr = VA_DIM;
	}
	return header_layout(r, y, maxl, f, nf);
}

/* ---- Ps --------------------------------------------------------------------------------- */

void
view__p_state(int status, unsigned lacks, char *letter, const char **word, int *attr)
{
	if (lacks & TICK_LACKS_PSTATUS) {
		*letter = '?', *word = "n/a", *attr = VA_DIM;
		return;
	}
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

/* The attribute of the goroutine at queue position pos (by its kind). */
static int
queue_kind_attr(const gs_snap_p *p, uint32_t pos, char *letter)
{
	view_attr a = VA_BOLD;
	char c = '#';

	if (p->runq_listed > 0) {
		if (pos >= p->runq_listed)
			pos = p->runq_listed - 1;
		view_g_kind(p->runq[pos].tag, &c, &a);
	}
	if (letter)
		*letter = c;
	return a;
}

/* The queue drawn to scale against its 256 slots in w cells from x. */
void
view__queue_bar(rc *r, int x, int y, int w, const gs_snap_p *p)
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
				view__put(r, x + i, y, r->mono ? (uint32_t)letter : '#', a);
			} else {
				view__put(r, x + i, y, view__g_empty_slot(r), VA_DIM);
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
			view__put(r, x + i, y, i < full ? 0x2588 : 0x2590 - (uint32_t)part, a);
		} else {
			view__put(r, x + i, y, view__g_empty_slot(r), VA_DIM);
		}
	}
}

/* The goroutines of g[0..n) by kind (view_g_kind's order) into cnt, and
 * each kind's letter and attribute where given. */
static void
kinds_count(const gs_snap_g *g, uint32_t n, int *cnt, char *letter, view_attr *attr)
{
	memset(cnt, 0, VIEW_KINDS * sizeof *cnt);
	for (uint32_t i = 0; i < n; i++) {
		int k = view_g_kind(g[i].tag, NULL, NULL);
		if (cnt[k]++ == 0 && letter)
			view_g_kind(g[i].tag, &letter[k], &attr[k]);
	}
}

/* The cells of kind k's item, "C120" (or "+2 other"; tokens: "o2", as
 * their tokens read), with its gap. */
static int
kind_width(int k, int n, bool tokens)
{
	return view__digits(n) + (k == VIEW_KINDS - 1 && !tokens ? 7 : 1) + 1;
}

/* "C120 S8 B3 +2 other" (goroutines of no kind of gsched's are "other": a
 * letter would say nothing, except beside tokens that use it). */
static int
kinds(rc *r, int x, int y, int xend, const gs_snap_g *g, uint32_t n, bool tokens)
{
	int cnt[VIEW_KINDS];
	char letter[VIEW_KINDS];
	view_attr attr[VIEW_KINDS];

	kinds_count(g, n, cnt, letter, attr);
	for (int k = 0; k < VIEW_KINDS; k++) {
		if (cnt[k] == 0 || x + kind_width(k, cnt[k], tokens) - 1 > xend)
			continue;
		x = (k == VIEW_KINDS - 1 && !tokens
			    ? view__textf(r, x, y, xend, attr[k], "+%d other", cnt[k])
			    : view__textf(r, x, y, xend, attr[k], "%c%d", letter[k], cnt[k])) +
		    1;
	}
	return x;
}

int
view__queue_kinds(rc *r, int x, int y, int xend, const gs_snap_g *g, uint32_t n)
{
	return kinds(r, x, y, xend, g, n, false);
}

/* The cells p_marks needs for all of a P's marks (0: none). */
static int
p_marks_width(const view_pmark *pm)
{
	int n = 0;
	if (pm->stole_n > 0)
		n += 9 + view__digits(pm->stole_from) + view__digits(pm->stole_n) + pm->stole_multi;
	if (pm->stolen_n > 0)
		n +=
		    7 + view__digits(pm->stolen_by) + view__digits(pm->stolen_n) + pm->stolen_multi;
	if (pm->retakes > 0)
		n += 12;
	if (pm->handoffs > 0)
		n += 8;
	if (pm->preempts > 0)
		n += 8 + (pm->preempts > 1 ? 2 + view__digits(pm->preempts) : 0);
	return n;
}

/* A mark's attribute: its kind's in the tick that had it, dim while it is
 * held after that. */
static int
mark_attr(const rc *r, uint64_t t, int attr)
{
	return view__mark_recent(r->m, t) ? VA_DIM : attr;
}

/* A P's marks (this tick's, and those held from the last VIEW_MARK_HOLD_NS);
 * returns the x after them. */
int
view__p_marks(rc *r, int x, int y, int xend, const view_pmark *pm)
{
	char b[48];

	if (pm->stole_n > 0) {
		snprintf(b, sizeof b, "from P%d%s x%" PRId64, pm->stole_from,
		    pm->stole_multi ? "+" : "", pm->stole_n);
		if (x + view__text_len(b) <= xend)
			x = view__text(r, x, y, xend, mark_attr(r, pm->steal_t, VA_STEAL), b) + 1;
	}
	if (pm->stolen_n > 0) {
		snprintf(b, sizeof b, "to P%d%s x%" PRId64, pm->stolen_by,
		    pm->stolen_multi ? "+" : "", pm->stolen_n);
		if (x + view__text_len(b) <= xend)
			x = view__text(r, x, y, xend, mark_attr(r, pm->stolen_t, VA_STEAL), b) + 1;
	}
	if (pm->retakes > 0 && x + 11 <= xend)
		x = view__text(r, x, y, xend, mark_attr(r, pm->retake_t, VA_HANDOFF),
			"sysmon took") +
		    1;
	if (pm->handoffs > 0 && x + 7 <= xend)
		x = view__text(r, x, y, xend, mark_attr(r, pm->handoff_t, VA_HANDOFF), "handoff") +
		    1;
	if (pm->preempts > 0) {
		if (pm->preempts > 1)
			snprintf(b, sizeof b, "preempt x%d", pm->preempts);
		else
			snprintf(b, sizeof b, "preempt");
		if (x + view__text_len(b) <= xend)
			x = view__text(r, x, y, xend, mark_attr(r, pm->preempt_t, VA_PREEMPT), b) +
			    1;
	}
	return x;
}

/* The columns of the P rows, shared by every row so they line up. */
struct pcols {
	int idw;    /* "P12" */
	int midw;   /* "M123" */
	int gw;     /* a token with its id: "C1234" */
	bool slice; /* the running goroutine's slice, "10 ms", has room */
	bool label; /* ... and its label */
	int lw;
	int cntw; /* the longest queue's count */
	int x_st, x_m, x_g, x_next, x_cnt, x_tok;
	bool ids; /* queued tokens with their ids (all fit); else one cell each */
};

/* A token's width: "C42" with its id, else the letter alone. */
static int
token_width(const gs_snap_g *g, bool ids)
{
	return ids ? 1 + view__digits(g->id) : 1;
}

/* The attribute of goroutine g's token: its move's while one is held,
 * else its kind's. */
int
view__token_attr(const rc *r, const gs_snap_g *g, char *letter)
{
	view_attr a;
	view_g_kind(g->tag, letter, &a);
	switch (view_g_move(r->m, g->id, NULL)) {
	case VIEW_MOVE_STEAL:
		return VA_HL_STEAL;
	case VIEW_MOVE_PREEMPT:
	case VIEW_MOVE_YIELD:
	case VIEW_MOVE_OVERFLOW:
	case VIEW_MOVE_SYSCALL:
	case VIEW_MOVE_INJECT:
		return VA_HL_GLOBAL;
	case VIEW_MOVE_SPAWN:
		return VA_HL_NEW;
	case VIEW_MOVE_FAIR:
		return VA_HL_FAIR;
	default:
		return a;
	}
}

/* One token at x: "C42" (ids) or "C"; big: "[C42]".  Returns the x after. */
static int
token(rc *r, int x, int y, int xend, const gs_snap_g *g, bool ids, bool big)
{
	char letter;
	int a = view__token_attr(r, g, &letter), x1;

	if (big) {
		x1 = view__textf(r, x, y, xend, a, "[%c%" PRId64 "]", letter, g->id);
	} else if (!ids) {
		if (x < xend)
			view__put(r, x, y, (uint32_t)letter, a);
		x1 = x + 1;
	} else {
		x1 = view__textf(r, x, y, xend, a, "%c%" PRId64, letter, g->id);
	}
	view__hit(r, y, x, x1 < xend ? x1 : xend, VIEW_HIT_G, g->id);
	return x1;
}

/* Cells n tokens of g take with their separators. */
static int
tokens_width(const gs_snap_g *g, uint32_t n, bool ids, bool big)
{
	int w = 0;
	for (uint32_t i = 0; i < n; i++)
		w += big ? token_width(g + i, true) + 3 : token_width(g + i, ids) + (ids ? 1 : 0);
	return w;
}

/* How many of n tokens fit in w cells, leaving room for "+N" when some do
 * not (of total, the queue's length). */
static uint32_t
tokens_fit(const gs_snap_g *g, uint32_t n, uint32_t total, bool ids, bool big, int w)
{
	uint32_t k = 0;
	int used = 0;

	if (tokens_width(g, n, ids, big) <= w && n == total)
		return n;
	for (; k < n; k++) {
		int tw =
		    big ? token_width(g + k, true) + 3 : token_width(g + k, ids) + (ids ? 1 : 0);
		int more = 2 + view__digits((int64_t)(total - k - 1));
		if (used + tw + more > w)
			break;
		used += tw;
	}
	return k;
}

/* The cells of "+N C3 S2": the rest of a queue, and the kinds of its listed
 * goroutines counted in cnt. */
static int
rest_width(uint32_t rest, const int *cnt)
{
	int w = 2 + view__digits(rest);
	for (int k = 0; k < VIEW_KINDS; k++)
		if (cnt[k] > 0)
			w += kind_width(k, cnt[k], true);
	return w;
}

/* As tokens_fit, leaving room for the kinds of the goroutines that do not
 * fit after "+N" as well: the tokens give way to the kinds, to none when
 * not all the kinds of the whole queue fit (then as many as do). */
static uint32_t
tokens_fit_kinds(const gs_snap_g *g, uint32_t n, uint32_t total, bool ids, bool big, int w)
{
	int cnt[VIEW_KINDS], used = 0;
	uint32_t k = 0;

	if (tokens_width(g, n, ids, big) <= w && n == total)
		return n;
	kinds_count(g, n, cnt, NULL, NULL);
	if (rest_width(total, cnt) > w)
		return 0;
	for (; k < n; k++) {
		int tw =
		    big ? token_width(g + k, true) + 3 : token_width(g + k, ids) + (ids ? 1 : 0);
		int kk = view_g_kind(g[k].tag, NULL, NULL);
		cnt[kk]--;
		if (used + tw + rest_width(total - k - 1, cnt) > w) {
			cnt[kk]++;
			break;
		}
		used += tw;
	}
	return k;
}

/* The tokens g[0..n) in queue order from x, then "+N" for the rest of a
 * queue of total goroutines; named: and after it the kinds of the listed
 * goroutines in that rest ("+120 C100 S20"), where they fit, the tokens
 * giving way to them.  Returns the x after. */
static int
tokens(rc *r, int x, int y, int xend, const gs_snap_g *g, uint32_t n, uint32_t total, bool ids,
    bool big, bool named)
{
	uint32_t k = named ? tokens_fit_kinds(g, n, total, ids, big, xend - x)
			   : tokens_fit(g, n, total, ids, big, xend - x);

	for (uint32_t i = 0; i < k; i++)
		x = token(r, x, y, xend, g + i, ids, big) + (ids || big ? 1 : 0);
	if (k < total) {
		x = view__textf(r, x, y, xend, VA_BOLD, "+%" PRIu32, total - k) + 1;
		if (named && k < n)
			x = kinds(r, x, y, xend, g + k, n - k, true);
	}
	return x;
}

/* The cells a row's marks (mw wide in all) get of its room after the
 * fixed columns: all they need when the tokens (need cells) leave it,
 * else at least 2/5 of the room; the marks that do not fit are left out. */
static int
marks_room(int room, int need, int mw)
{
	int cap = room * 2 / 5;
	if (room - need - 1 > cap)
		cap = room - need - 1;
	return mw < cap ? mw : cap;
}

/* The cells holes left by a steal take on the victim's row (head first, as
 * runqgrab takes them), at most a quarter of the room. */
static int
gap_cells(const view_pmark *pm, int room)
{
	if (pm->stolen_n <= 0)
		return 0;
	int cap = room / 4 > 1 ? room / 4 : 1;
	return pm->stolen_n < cap ? (int)pm->stolen_n : cap;
}

/* Whether n tokens of g fit in w cells (stops counting once they do not). */
static bool
tokens_within(const gs_snap_g *g, uint32_t n, bool ids, int w)
{
	int used = 0;
	for (uint32_t i = 0; i < n && used <= w; i++)
		used += token_width(g + i, ids) + (ids ? 1 : 0);
	return used <= w;
}

/* Whether every P's queue fits its row with ids (else all are one cell a
 * goroutine, so the rows compare). */
static bool
queues_fit_ids(rc *r, const struct pcols *c)
{
	const gs_snapshot *s = &r->m->snap;
	for (int i = 0; i < s->np; i++) {
		const gs_snap_p *p = &s->p[i];
		int room = r->w - c->x_tok -
		    marks_room(r->w - c->x_tok, r->w, p_marks_width(&r->m->pmark[i])) - 1;
		room -= gap_cells(&r->m->pmark[i], room);
		if (p->runq_listed < p->runq_len ||
		    !tokens_within(p->runq, p->runq_listed, true, room))
			return false;
	}
	return true;
}

static void
pcols_for(rc *r, int np, struct pcols *c)
{
	const gs_snapshot *s = &r->m->snap;
	int64_t maxg = 9, maxm = 0, maxq = s->glob_len;

	for (int i = 0; i < np; i++) {
		if (s->p[i].curg.id > maxg)
			maxg = s->p[i].curg.id;
		if (s->p[i].runnext.id > maxg)
			maxg = s->p[i].runnext.id;
		if (s->p[i].m > maxm)
			maxm = s->p[i].m;
		if (s->p[i].runq_len > maxq)
			maxq = s->p[i].runq_len;
	}
	c->cntw = view__digits(maxq) > 3 ? view__digits(maxq) : 3;
	c->idw = 1 + view__digits(np > 0 ? np - 1 : 0);
	c->midw = 1 + view__digits(maxm);
	c->gw = 1 + view__digits(maxg);
	c->slice = r->w >= 78;
	c->label = r->w >= 130;
	c->lw = c->label ? (r->w >= 160 ? GS_LABEL_MAX - 1 : 8) : 0;
	c->x_st = c->idw + 1;
	c->x_m = c->x_st + 7;
	c->x_g = c->x_m + c->midw + 1;
	c->x_next = c->x_g + c->gw + 1 + (c->slice ? 8 : 0) + (c->label ? c->lw + 1 : 0);
	c->x_cnt = c->x_next + c->gw + 2;
	c->x_tok = c->x_cnt + c->cntw + 1 + 3 + 1; /* the count, the gauge and a gap */
	c->ids = queues_fit_ids(r, c);
}

/* The running goroutine's token, slice and label from x. */
static void
p_curg(rc *r, int x, int y, const gs_snap_p *p, const struct pcols *c)
{
	if (p->curg.id == 0) {
		view__put(r, x, y, '-', VA_DIM);
		return;
	}
	token(r, x, y, x + c->gw, &p->curg, true, false);
	if (c->slice && p->slice_ns) {
		char d[32];
		/* slowed, the column has no room for both figures: the slice as
		 * at real speed, "~" saying so (P detail has both) */
		int n = r->v->slow > 1 ? r->v->slow : 1;
		view__fmt_dur(p->slice_ns / (uint64_t)n, d, sizeof d);
		view__textf(r, x + c->gw + 1, y, x + c->gw + 8, VA_NORMAL, "%s%s", n > 1 ? "~" : "",
		    d);
	}
	if (c->label)
		view__text(r, x + c->gw + 1 + (c->slice ? 8 : 0), y, x + c->gw + 1 + 8 + c->lw,
		    VA_DIM, p->curg.label);
}

/* The M holding the P: highlighted while a hand-off or retake is held. */
static void
p_m(rc *r, int x, int y, int xend, const gs_snap_p *p, const view_pmark *pm)
{
	int a = VA_NORMAL;
	if (pm->handoffs > 0 || pm->retakes > 0)
		a = mark_attr(r, pm->handoffs > 0 ? pm->handoff_t : pm->retake_t, VA_HANDOFF);
	if (p->m >= 0)
		view__hit(r, y, x, view__textf(r, x, y, xend, a, "M%" PRId64, p->m), VIEW_HIT_M,
		    p->m);
	else
		view__put(r, x, y, '-', VA_DIM);
}

/* The gap a steal left at the head of the victim's queue; returns x after. */
static int
p_gap(rc *r, int x, int y, int cells)
{
	for (int i = 0; i < cells; i++)
		view__put(r, x + i, y, r->ascii ? ':' : 0x2591, VA_GAP);
	return cells ? x + cells + 1 : x;
}

static void
p_row(rc *r, int y, const gs_snap_p *p, const view_pmark *pm, const struct pcols *c)
{
	char letter;
	const char *word;
	int attr;

	view__p_state(p->status, r->v->lacks, &letter, &word, &attr);
	view__hit(r, y, 0, r->w, VIEW_HIT_P, p->id);
	view__textf(r, 0, y, c->x_st, VA_BOLD, "P%d", p->id);
	view__put(r, c->x_st, y, (uint32_t)letter, attr);
	view__text(r, c->x_st + 2, y, c->x_m, attr, word);
	p_m(r, c->x_m, y, c->x_g, p, pm);
	p_curg(r, c->x_g, y, p, c);
	if (p->runnext.id) {
		view__put(r, c->x_next, y, r->ascii ? '>' : 0x25b8, VA_DIM);
		token(r, c->x_next + 1, y, c->x_cnt, &p->runnext, true, false);
	}
	view__textf(r, c->x_cnt, y, c->x_cnt + c->cntw, p->runq_len ? VA_BOLD : VA_DIM, "%*u",
	    c->cntw, p->runq_len);
	view__queue_bar(r, c->x_cnt + c->cntw + 1, y, 3, p);
	/* The marks say the moves in words: they keep their room, the tokens
	 * take the rest. */
	int mw = marks_room(r->w - c->x_tok,
	    p->runq_listed == p->runq_len ? tokens_width(p->runq, p->runq_listed, c->ids, false) +
		    gap_cells(pm, r->w - c->x_tok) + 1
					  : r->w,
	    p_marks_width(pm));
	int xend = r->w - mw;
	int x = p_gap(r, c->x_tok, y, gap_cells(pm, xend - c->x_tok));
	x = tokens(r, x, y, xend, p->runq, p->runq_listed, p->runq_len, c->ids, false, true);
	if (mw)
		view__p_marks(r, xend + 1 > x ? xend + 1 : x, y, r->w, pm);
}

/* Projector: a text row, and a row of large tokens under it. */
static void
p_row_big(rc *r, int y, const gs_snap_p *p, const view_pmark *pm, int idw)
{
	char letter;
	const char *word;
	int attr;

	view__p_state(p->status, r->v->lacks, &letter, &word, &attr);
	view__hit(r, y, 0, r->w, VIEW_HIT_P, p->id);
	view__hit(r, y + 1, 0, r->w, VIEW_HIT_P, p->id);
	view__textf(r, 0, y, r->w, VA_BOLD, "P%d", p->id);
	int x = idw + 1;
	view__put(r, x, y, (uint32_t)letter, attr);
	view__text(r, x + 2, y, r->w, attr, word);
	x += 7;
	p_m(r, x, y, r->w, p, pm);
	x += 6;
	if (p->curg.id) {
		x = view__text(r, x, y, r->w, VA_DIM, "runs ");
		x = token(r, x, y, r->w, &p->curg, true, false) + 2;
	}
	if (p->runnext.id) {
		x = view__text(r, x, y, r->w, VA_DIM, "next ");
		x = token(r, x, y, r->w, &p->runnext, true, false) + 2;
	}
	x = view__textf(r, x, y, r->w, VA_BOLD, "%u queued ", p->runq_len);
	view__queue_bar(r, x, y, 4, p);
	view__p_marks(r, x + 6, y, r->w, pm);
	x = p_gap(r, idw + 1, y + 1, gap_cells(pm, r->w - idw - 1));
	if (p->runq_len == 0)
		view__text(r, x, y + 1, r->w, VA_DIM, "(local queue empty)");
	tokens(r, x, y + 1, r->w, p->runq, p->runq_listed, p->runq_len, true, true, true);
}

/* The global queue's text marks: what went in lately, what the one-in-61
 * check took out, and lost events (moves may be missing then).  Up to 3
 * into b with their attributes; returns how many. */
static int
glob_marks(const rc *r, char b[3][96], int *attr)
{
	const view_model *m = r->m;
	const view_gmark *g = &m->gmark, *f = &m->fmark;
	int n = 0;

	if (m->drop_mv_n > 0 && view__held(m, m->drop_mv_t, m->drop_mv_tick)) {
		snprintf(b[n], 96, "%" PRIu64 " events lost: moves not all shown", m->drop_mv_n);
		attr[n++] = VA_WARN;
	}
	if (g->n > 0 && view__held(m, g->t, g->tick)) {
		const char *w = view_move_name((view_move)g->how);
		const char *at = g->how == VIEW_MOVE_OVERFLOW ? "from" : "on";
		if (g->from >= 0 && g->n > 1 && g->multi)
			snprintf(b[n], 96, "%" PRId64 " %s %s several Ps", g->n, w, at);
		else if (g->from >= 0 && g->n > 1)
			snprintf(b[n], 96, "%" PRId64 " %s %s P%d", g->n, w, at, g->from);
		else if (g->from >= 0)
			snprintf(b[n], 96, "G%" PRId64 " %s on P%d", g->g, w, g->from);
		else if (g->n > 1)
			snprintf(b[n], 96, "%" PRId64 " %s", g->n, w);
		else
			snprintf(b[n], 96, "G%" PRId64 " %s", g->g, w);
		attr[n++] = mark_attr(r, g->t, VA_PREEMPT);
	}
	if (f->n > 0 && view__held(m, f->t, f->tick)) {
		snprintf(b[n], 96, "1-in-61 took G%" PRId64 " to P%d", f->g, f->from);
		attr[n++] = mark_attr(r, f->t, VA_BOLD);
	}
	return n;
}

/* The marks from x, as many as fit before xend; returns x after. */
static int
glob_marks_paint(rc *r, int x, int y, int xend)
{
	char b[3][96];
	int attr[3];
	int n = glob_marks(r, b, attr);

	for (int i = 0; i < n; i++) {
		if (x + view__text_len(b[i]) > xend && attr[i] == VA_WARN)
			snprintf(b[i], sizeof b[i], "events lost"); /* its short form */
		if (x + view__text_len(b[i]) <= xend)
			x = view__text(r, x, y, xend, attr[i], b[i]) + 1;
	}
	return x;
}

static int
glob_marks_width(const rc *r)
{
	char b[3][96];
	int attr[3], w = 0;
	int n = glob_marks(r, b, attr);

	for (int i = 0; i < n; i++)
		w += view__text_len(b[i]) + 1;
	return w;
}

/* The global queue's tokens from x to xend: its head, and when it is
 * longer than what fits, "+N" and its tail (where preemptions and
 * overflows arrive), the newest at the right. */
static void
glob_tokens(rc *r, int x, int y, int xend, bool ids, bool big)
{
	const gs_snapshot *s = &r->m->snap;
	uint32_t len = s->glob_len;
	uint32_t nh = s->glob ? s->glob_head : 0, nt = s->glob ? s->glob_tail : 0;
	uint32_t n = nh + nt; /* listed: glob[] is the head, then the tail */
	const gs_snap_g *g = s->glob;

	if (len == 0)
		return;
	if (n == len && tokens_width(g, n, ids, big) <= xend - x) {
		tokens(r, x, y, xend, g, n, len, ids, big, false);
		return;
	}
	int room = xend - x, tw = 0;
	uint32_t tmax = nt ? nt : n, kt = 0;
	while (kt < tmax) {
		const gs_snap_g *e = &g[n - 1 - kt];
		int w1 = big ? token_width(e, true) + 3 : token_width(e, ids) + (ids ? 1 : 0);
		if (tw + w1 > room / 3)
			break;
		tw += w1;
		kt++;
	}
	uint32_t kh = tokens_fit(g, nt ? nh : n - kt, len - kt, ids, big, room - tw - 1);
	for (uint32_t i = 0; i < kh; i++)
		x = token(r, x, y, xend, g + i, ids, big) + (ids || big ? 1 : 0);
	x = view__textf(r, x, y, xend, VA_BOLD, "+%" PRIu32, len - kh - kt) + 1;
	for (uint32_t i = n - kt; i < n; i++)
		x = token(r, x, y, xend, g + i, ids, big) + (ids || big ? 1 : 0);
}

static void
glob_row(rc *r, int y, const struct pcols *c)
{
	const gs_snapshot *s = &r->m->snap;

	view__text(r, 0, y, c->x_cnt, VA_BOLD, "global queue");
	view__textf(r, c->x_cnt, y, c->x_cnt + c->cntw, s->glob_len ? VA_BOLD : VA_DIM, "%*u",
	    c->cntw, s->glob_len);
	const gs_snapshot *sn = &r->m->snap;
	int need = sn->glob_len == 0 ? 0
	    : sn->glob_head + sn->glob_tail == sn->glob_len && sn->glob
	    ? tokens_width(sn->glob, sn->glob_len, c->ids, false)
	    : r->w;
	int xend = r->w - marks_room(r->w - c->x_tok, need, glob_marks_width(r));
	glob_tokens(r, c->x_tok, y, xend - 1, c->ids, false);
	if (xend < r->w)
		glob_marks_paint(r, xend, y, r->w);
}

static void
glob_row_big(rc *r, int y, int idw)
{
	const gs_snapshot *s = &r->m->snap;

	int x = view__text(r, 0, y, r->w, VA_BOLD, "global queue") + 1;
	x = view__textf(r, x, y, r->w, VA_BOLD, "%u queued", s->glob_len) + 2;
	glob_marks_paint(r, x, y, r->w);
	if (s->glob_len == 0)
		view__text(r, idw + 1, y + 1, r->w, VA_DIM, "(empty)");
	glob_tokens(r, idw + 1, y + 1, r->w, true, true);
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

	view__p_state(p->status, r->v->lacks, &letter, &word, &attr);
	view__hit(r, y, x, x + p_cell_width(idw), VIEW_HIT_P, p->id);
	view__textf(r, x, y, x + idw, VA_BOLD, "P%d", p->id);
	view__put(r, x + idw + 1, y, (uint32_t)letter, attr);
	view__queue_bar(r, x + idw + 3, y, 6, p);
	view__textf(r, x + idw + 10, y, x + idw + 13, p->runq_len ? VA_BOLD : VA_DIM, "%3u",
	    p->runq_len);
	if (pm->stole_n)
		view__put(r, x + idw + 13, y, '<', mark_attr(r, pm->steal_t, VA_STEAL));
	else if (pm->stolen_n)
		view__put(r, x + idw + 13, y, '>', mark_attr(r, pm->stolen_t, VA_STEAL));
	else if (pm->handoffs || pm->retakes)
		view__put(r, x + idw + 13, y, 'H',
		    mark_attr(r, pm->handoffs ? pm->handoff_t : pm->retake_t, VA_HANDOFF));
	else if (pm->preempts)
		view__put(r, x + idw + 13, y, '!', mark_attr(r, pm->preempt_t, VA_PREEMPT));
}

/* ---- Ms ------------------------------------------------------------------------------ */

void
view__m_state(const gs_snap_m *mm, char *letter, const char **word, int *attr)
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

/* Ms without a P, a group per state, in order of interest (the Ms holding
 * a P are on the P rows). */
static const struct {
	int cat;
	const char *name;
	int attr;
} mgroups[] = {
	{ VIEW_MCAT_SYSCALL, "in syscall", VA_M_SYSCALL },
	{ VIEW_MCAT_SPINNING, "spinning", VA_M_SPINNING },
	{ VIEW_MCAT_NETPOLL, "netpoller", VA_M_NETPOLL },
	{ VIEW_MCAT_RUNNING, "no P", VA_M_RUNNING },
	{ VIEW_MCAT_IDLE, "idle", VA_M_IDLE },
	{ VIEW_MCAT_SYSMON, "sysmon", VA_M_SYSMON },
};
#define MGROUPS ((int)(sizeof mgroups / sizeof mgroups[0]))

/* The group of each M category (enum view_mcat). */
static int
mgroup_of(const view_model *m, int i)
{
	static int group[VIEW_MCAT_N];
	static bool made;
	if (!made) {
		for (int c = 0; c < VIEW_MCAT_N; c++) {
			int k = MGROUPS - 1;
			int cc = c == VIEW_MCAT_NEW_IDLE ? VIEW_MCAT_IDLE : c;
			for (int j = 0; j < MGROUPS; j++)
				if (mgroups[j].cat == cc)
					k = j;
			group[c] = k;
		}
		made = true;
	}
	return group[m->mcat[i]];
}

/* One M of a group: "M7" and, in a system call, its goroutine "M7:G12". */
static int
m_item_width(const gs_snap_m *mm)
{
	return 1 + view__digits(mm->id) +
	    (mm->state == GS_MSTATE_SYSCALL && mm->curg ? 2 + view__digits(mm->curg) : 0);
}

/* The groups flowed into rows from y (at most rows; 0: only count them).
 * Each group is "idle 3: M4 M5 M6", cut with "+N" when the row is full.
 * Returns the rows used. */
static int
m_groups(rc *r, int y, int rows, bool paint)
{
	const view_model *m = r->m;
	const gs_snapshot *s = &m->snap;
	/* One pass: each group's count and its first members, as many as a
	 * row could show. */
	enum { FIRST = 64 };
	int n[MGROUPS] = { 0 }, first[MGROUPS][FIRST];
	int x = 1, row = 0;

	for (int i = 0; i < s->nm; i++) {
		if (s->m[i].p >= 0)
			continue;
		int k = mgroup_of(m, i);
		if (n[k] < FIRST)
			first[k][n[k]] = i;
		n[k]++;
	}
	for (int k = 0; k < MGROUPS; k++) {
		if (n[k] == 0)
			continue;
		char head[48];
		snprintf(head, sizeof head, "%s %d:", mgroups[k].name, n[k]);
		int hw = view__text_len(head);
		int need = hw + 1 + 2 + view__digits(n[k]); /* the head and "+N" at least */
		if (x > 1 && x + need > r->w) {
			row++;
			x = 1;
		}
		if (paint && (row >= rows || x + hw > r->w))
			break;
		if (paint)
			view__text(r, x, y + row, r->w, mgroups[k].attr, head);
		x += hw;
		int shown = 0;
		while (shown < n[k] && shown < FIRST) {
			int i = first[k][shown];
			const gs_snap_m *mm = &s->m[i];
			int left = n[k] - shown - 1;
			int iw = 1 + m_item_width(mm);
			if (x + iw + (left ? 2 + view__digits(left) : 0) > r->w)
				break;
			if (paint) {
				int xx = view__textf(r, x + 1, y + row, r->w,
				    m->mnew[i] ? VA_BOLD : VA_NORMAL, "M%" PRId64, mm->id);
				if (mm->state == GS_MSTATE_SYSCALL && mm->curg)
					xx = view__textf(r, xx, y + row, r->w, VA_DIM, ":G%" PRId64,
					    mm->curg);
				view__hit(r, y + row, x + 1, xx, VIEW_HIT_M, mm->id);
			}
			x += iw;
			shown++;
		}
		if (shown < n[k]) {
			if (paint)
				view__textf(r, x + 1, y + row, r->w, VA_DIM, "+%d", n[k] - shown);
			x += 2 + view__digits(n[k] - shown);
		}
		x += 2;
	}
	if (s->nm_total > s->nm) {
		char b[48];
		snprintf(b, sizeof b, "+%d Ms not listed", s->nm_total - s->nm);
		if (x > 1 && x + view__text_len(b) > r->w) {
			row++;
			x = 1;
		}
		if (paint && row < rows)
			view__text(r, x, y + row, r->w, VA_DIM, b);
	}
	return x > 1 ? row + 1 : row;
}

/* ---- history graphs -------------------------------------------------------------------- */

/* A history graph rows tall in w cells at (x, y): each column is the largest
 * sample of its span of ticks, the newest at the right, scaled to the largest
 * sample shown (0 at the bottom), in eighths of a cell. */
void
view__sparkline(rc *r, int x, int y, int w, int rows, const int32_t *ring)
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
			int l = view__clampi(level - 8 * k, 0, 8);
			view__put(r, x + w - cells + c, y + rows - 1 - k, view__g_spark(r, l),
			    VA_GRAPH);
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
		/* what a foreign trace does not say: unknown, not none */
		const char *na = g[i].ring == m->h_steals && (r->v->lacks & TICK_LACKS_STEALS)
		    ? "steals/tick: not reported by Go"
		    : g[i].ring == m->h_busy && (r->v->lacks & TICK_LACKS_MS)
		    ? "busy threads: no M list in plain schedtrace"
		    : g[i].ring == m->h_runnable && (r->v->lacks & TICK_LACKS_GOROUTINES)
		    ? "runnable Gs: not in plain schedtrace"
		    : NULL;
		if (na != NULL) {
			view__text(r, x, per >= 2 ? y + i * per : y + i, x + w, VA_DIM, na);
			continue;
		}
		int32_t now = view__hist(m, g[i].ring, m->hist_len - 1), max = 0;
		for (int k = 0; k < m->hist_len; k++)
			if (view__hist(m, g[i].ring, k) > max)
				max = view__hist(m, g[i].ring, k);
		if (per >= 2) {
			int yy = y + i * per;
			int xx = view__textf(r, x, yy, x + w, VA_BOLD, "%s %d", g[i].name, now);
			if (secs > 0)
				view__textf(r, xx, yy, x + w, VA_DIM, " (max %d, last %.0f s)", max,
				    secs);
			else
				view__textf(r, xx, yy, x + w, VA_DIM, " (max %d)", max);
			view__sparkline(r, x, yy + 1, w, per - 1 < 4 ? per - 1 : 4, g[i].ring);
		} else {
			int yy = y + i;
			view__textf(r, x, yy, x + 12, VA_BOLD, "%.11s", g[i].name);
			view__textf(r, x + w - 6, yy, x + w, VA_NORMAL, "%6d", now);
			view__sparkline(r, x + 12, yy, w - 19, 1, g[i].ring);
		}
	}
}

/* ---- the main view ---------------------------------------------------------------------- */

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
		view__fill(r, 0, y, r->w, ' ', VA_BOLD);
		view__text(r, 1, y++, r->w, VA_BOLD, v->lesson_bar);
	}
	const char *c = v->caption;
	for (int i = 0; i < lines; i++, y++) {
		char row[VIEW_LOG_TEXT * 4];
		size_t n = strcspn(c, "\n");
		snprintf(row, sizeof row, "%.*s", (int)(n < sizeof row ? n : sizeof row - 1), c);
		view__fill(r, 0, y, r->w, ' ', VA_CAPTION);
		view__text(r, 1, y, r->w, VA_CAPTION, row);
		c += n + (c[n] == '\n');
	}
	return rows;
}

/* The warnings (view_warn), when there are any, on one row: "⚠ 2 warnings:
 * G17 ran 45 ms without preemption; P1 queue 12 while P0 idle 8 ticks",
 * those that do not fit counted ("(+3 more)").  Returns the rows used. */
static int
warnings_line(rc *r, int y)
{
	view_warn wv[VIEW_WARN_MAX];
	int n = view_model_warnings(r->m, wv, VIEW_WARN_MAX);
	int shown = n < VIEW_WARN_MAX ? n : VIEW_WARN_MAX;
	char more[32], text[VIEW_LOG_TEXT];

	if (n == 0)
		return 0;
	view__fill(r, 0, y, r->w, ' ', VA_NORMAL);
	int x = view__textf(r, 0, y, r->w, VA_WARN, "%s %d %s:", r->ascii ? "!" : "\u26a0", n,
	    view__plural(n, "warning", "warnings"));
	for (int i = 0; i < n; i++) {
		/* room for this one, and for the count of those after it */
		int left = n - i - 1;
		snprintf(more, sizeof more, " (+%d more)", left);
		int tail = left ? view__text_len(more) + 1 : 0;
		if (i < shown)
			view_warn_text(&wv[i], r->m->timescale, text, sizeof text);
		if (i >= shown || (i > 0 && x + 1 + view__text_len(text) + tail > r->w)) {
			snprintf(more, sizeof more, " (+%d more)", n - i);
			view__text(r, x, y, r->w, VA_WARN, more);
			break;
		}
		/* the first is cut where it does not fit whole */
		x = view__text(r, x + 1, y, r->w - tail, VA_WARN, text);
		if (left)
			x = view__text(r, x, y, r->w, VA_WARN, ";");
	}
	return 1;
}

void
view__render_main(rc *r)
{
	const view_model *m = r->m;
	const view_state *v = r->v;
	const gs_snapshot *s = &m->snap;

	/* the function-key bar under everything, where there is room: the rest
	 * is laid out above it */
	if (view__fbar_shown(v)) {
		view__fbar(r, r->h - 1);
		r->h--;
	}
	int w = r->w, h = r->h;

	view__title_bar(r, NULL);
	view__footer(r);
	if (!m->have_snap) {
		view__text(r, 1, 2, w, VA_DIM, "waiting for the first snapshot...");
		return;
	}
	int y = 1;
	int maxhdr = h >= 40 && !v->projector ? 4 : 3;
	y += view__header(r, y, maxhdr);
	y += warnings_line(r, y);
	int bottom = h - 1; /* the footer's row */
	bottom -= caption_block(r, y, bottom);
	int avail = bottom - y;
	int min_log = v->projector ? 3 : 2;

	/* Ps: token rows (pairs in projector mode) with the global queue under
	 * them; a grid of small cells when the rows do not fit, saying so. */
	int np = s->np;
	struct pcols pc;
	pcols_for(r, np, &pc);
	int per_p = v->projector ? 2 : 1;
	int p_rows = np * per_p;
	int grid_cols = 0;
	int m_need = m_groups(r, 0, 0, false);
	int m_min = m_need > 0 ? 1 : 0;
	int room_p = avail - per_p - m_min - min_log;
	if (p_rows > room_p) {
		grid_cols = w / p_cell_width(pc.idw) > 0 ? w / p_cell_width(pc.idw) : 1;
		p_rows = (np + grid_cols - 1) / grid_cols;
		if (p_rows > room_p)
			p_rows = room_p > 1 ? room_p : 1;
	}
	int m_rows = m_need;
	if (v->projector && m_rows > 2)
		m_rows = 2;
	if (m_rows > avail - p_rows - per_p - min_log)
		m_rows = view__clampi(avail - p_rows - per_p - min_log, m_min, m_need);
	/* Section titles when there is room to spare. */
	bool titles = !v->projector && avail - p_rows - per_p - m_rows - 3 >= min_log + 2;
	if (titles) {
		if (grid_cols == 0) {
			view__section(r, y, 0, w, "Ps");
			view__text(r, pc.x_m - 1, y, w, VA_DIM, " M ");
			view__text(r, pc.x_g, y, w, VA_DIM, pc.slice ? " runs " : " run ");
			view__text(r, pc.x_next, y, w, VA_DIM, " next ");
			view__text(r, pc.x_tok - 1, y, w, VA_DIM, " local queue, head first ");
		} else {
			view__section(r, y, 0, w, "Ps (P state, queue, count, mark)");
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
			view__textf(r, ((cells - 1) % grid_cols) * cw, y + p_rows - 1, w, VA_DIM,
			    "+%d more Ps", np - shown);
		y += p_rows;
	}
	if (y + per_p <= bottom) {
		if (v->projector)
			glob_row_big(r, y, pc.idw);
		else
			glob_row(r, y, &pc);
		y += per_p;
	}

	/* Ms without a P, by state. */
	if (titles && m_rows > 0) {
		char t[96];
		int onp = 0;
		for (int i = 0; i < s->nm; i++)
			onp += s->m[i].p >= 0;
		snprintf(t, sizeof t, "Ms (threads): %d, %d holding a P (above)", s->nm_total, onp);
		view__section(r, y++, 0, w, t);
	}
	if (m_rows > 0 && y + m_rows <= bottom) {
		m_groups(r, y, m_rows, true);
		y += m_rows;
	}

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
	/* The title says what the log shows when it is not simply the newest of
	 * everything: without section titles it takes the log's first row. */
	char t[160];
	bool note = view__log_query(v, NULL) != NULL || v->log_at != 0;
	view__log_title(r, "Events", "Down to follow", t, sizeof t);
	if (titles || (note && log_rows > 1)) {
		view__section(r, y, 0, gx > 0 ? gx - 1 : 0, t);
		if (gw && titles)
			view__section(r, y, gx, w, "history");
		y++;
		if (!titles)
			log_rows--;
	}
	int rows = log_rows;
	int first;
	view__log_paint(r, y + log_rows - rows, rows, 0, gx - 1, true, &first, NULL);
	if (m->log_len == 0)
		view__text(r, 1, y, gx - 1, VA_DIM, "(no events yet)");
	else if (first < 0)
		view__text(r, 1, y, gx - 1, VA_DIM, "(no lines of this kind yet)");
	if (gw)
		graphs(r, gx, y, gw, log_rows);
}
