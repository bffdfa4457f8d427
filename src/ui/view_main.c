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

struct field {
	char text[200];
	char narrow[200]; /* a shorter form for a narrow screen, or "" */
	int attr;
	bool vital; /* must not be dropped while a shorter form could keep it */
};

/* Flow fields into lines from y, at most maxl; returns the lines used.
 * narrow: each field in its shorter form, where it has one.  dropped NULL:
 * draw them; else only say whether a vital field would have no room. */
static int
flow(rc *r, int y, int maxl, const struct field *f, int nf, bool narrow, bool *dropped)
{
	int line = 0, x = 0;

	if (dropped)
		*dropped = false;
	if (maxl <= 0)
		return 0;
	for (int i = 0; i < nf; i++) {
		const char *text = narrow && f[i].narrow[0] ? f[i].narrow : f[i].text;
		int n = view__text_len(text);
		if (n == 0)
			continue;
		int need = (x > 0 ? 2 : 0) + n;
		if (x + need > r->w && x > 0) {
			if (line + 1 >= maxl) {
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
 * the counters.  When a vital field would not fit the lines, the fields
 * take their shorter forms: the busy Ms' breakdown moves behind the
 * counters and keeps only what is not 0. */
int
view__header(rc *r, int y, int maxl)
{
	const view_model *m = r->m;
	const gs_stats *st = &m->snap.stats;
	struct field f[13];
	int nf = 0;
	view_threads t;
	char parts[96];

	memset(f, 0, sizeof f);
	view__threads(m, &t);
	snprintf(f[nf].text, sizeof f[nf].text, "GOMAXPROCS %d", st->gomaxprocs);
	f[nf].vital = true;
	f[nf++].attr = VA_BOLD;
	snprintf(f[nf].text, sizeof f[nf].text, "CPUs %d", st->ncpu);
	f[nf].vital = true;
	f[nf++].attr = VA_NORMAL;
	if (m->snap.os_threads > 0) {
		snprintf(f[nf].text, sizeof f[nf].text, "OS threads %d", m->snap.os_threads);
		f[nf].vital = true;
		f[nf++].attr = VA_BOLD;
	}
	busy_parts(&t, true, parts, sizeof parts);
	snprintf(f[nf].text, sizeof f[nf].text, "Ms %d (busy %d: %s, idle %d)", t.total, t.busy,
	    parts, t.idle);
	snprintf(f[nf].narrow, sizeof f[nf].narrow, "Ms %d: busy %d, idle %d", t.total, t.busy,
	    t.idle);
	f[nf].vital = true;
	f[nf++].attr = VA_BOLD;
	snprintf(f[nf].text, sizeof f[nf].text,
	    "goroutines %d: %d runnable, %d running, %d waiting, %d syscall", st->goroutines,
	    st->by_status[GS_G_RUNNABLE], st->by_status[GS_G_RUNNING], st->by_status[GS_G_WAITING],
	    st->by_status[GS_G_SYSCALL]);
	snprintf(f[nf].narrow, sizeof f[nf].narrow,
	    "goroutines %d: %d runnable %d running %d waiting %d sys", st->goroutines,
	    st->by_status[GS_G_RUNNABLE], st->by_status[GS_G_RUNNING], st->by_status[GS_G_WAITING],
	    st->by_status[GS_G_SYSCALL]);
	f[nf].vital = true;
	f[nf++].attr = VA_NORMAL;
	snprintf(f[nf].text, sizeof f[nf].text, "global queue %d", st->global_runq);
	f[nf].vital = true;
	f[nf++].attr = VA_NORMAL;
	snprintf(f[nf].text, sizeof f[nf].text, "steals +%" PRIu64 " (%" PRIu64 ")", m->d_steals,
	    st->steals);
	f[nf].vital = true;
	f[nf++].attr = m->d_steals ? VA_STEAL : VA_NORMAL;
	snprintf(f[nf].text, sizeof f[nf].text, "hand-offs +%" PRIu64 " (%" PRIu64 ")",
	    m->d_handoffs, st->handoffs);
	f[nf].vital = true;
	f[nf++].attr = m->d_handoffs ? VA_HANDOFF : VA_NORMAL;
	snprintf(f[nf].text, sizeof f[nf].text, "preemptions +%" PRIu64 " (%" PRIu64 ")",
	    m->d_preempts, st->preempt_async + st->preempt_coop);
	f[nf].vital = true;
	f[nf++].attr = m->d_preempts ? VA_PREEMPT : VA_NORMAL;
	if (m->dropped_total) {
		snprintf(f[nf].text, sizeof f[nf].text, "events lost %" PRIu64, m->dropped_total);
		f[nf].vital = true;
		f[nf++].attr = VA_WARN;
	}
	/* narrow: the busy Ms' breakdown, where it has room */
	busy_parts(&t, false, parts, sizeof parts);
	if (parts[0]) {
		f[nf].text[0] = '\0';
		snprintf(f[nf].narrow, sizeof f[nf].narrow, "busy Ms: %s", parts);
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
		snprintf(f[nf].text, sizeof f[nf].text,
		    "%s: %" PRId64 " goroutines ran, %" PRId64 " blocked, %" PRId64
		    " woken; %" PRId64 " timers, %" PRId64 " syscalls, %" PRId64
		    " network wake-ups",
		    span, c[GS_EV_RUN], c[GS_EV_PARK], c[GS_EV_READY], c[GS_EV_TIMER_FIRE],
		    c[GS_EV_SYSCALL_ENTER], m->ev_argsum[GS_EV_NETPOLL_WAKE]);
		f[nf++].attr = VA_DIM;
	}
	bool dropped;
	flow(r, y, maxl, f, nf, false, &dropped);
	return flow(r, y, maxl, f, nf, dropped, NULL);
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

void
view__p_state(int status, char *letter, const char **word, int *attr)
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

/* "C120 S8 B3 +2 other" from the listed queue (goroutines of no kind of
 * gsched's are "other": a letter would say nothing); returns the x after
 * it. */
int
view__queue_kinds(rc *r, int x, int y, int xend, const gs_snap_p *p)
{
	int n[VIEW_KINDS] = { 0 };
	char letter[VIEW_KINDS];
	view_attr attr[VIEW_KINDS];

	for (uint32_t i = 0; i < p->runq_listed; i++) {
		int k = view_g_kind(p->runq[i].tag, NULL, NULL);
		if (n[k]++ == 0)
			view_g_kind(p->runq[i].tag, &letter[k], &attr[k]);
	}
	for (int k = 0; k < VIEW_KINDS; k++) {
		if (n[k] == 0)
			continue;
		bool other = k == VIEW_KINDS - 1;
		int need = view__digits(n[k]) + (other ? 7 : 1);
		if (x + need > xend)
			break;
		x = (other ? view__textf(r, x, y, xend, attr[k], "+%d other", n[k])
			   : view__textf(r, x, y, xend, attr[k], "%c%d", letter[k], n[k])) +
		    1;
	}
	return x;
}

/* The cells p_marks needs for all of a P's marks (0: none). */
static int
p_marks_width(const view_pmark *pm)
{
	int n = 0;
	if (pm->stole_n > 0)
		n += 6 + view__digits(pm->stole_from) + view__digits(pm->stole_n) + pm->stole_multi;
	if (pm->stolen_n > 0)
		n +=
		    6 + view__digits(pm->stolen_by) + view__digits(pm->stolen_n) + pm->stolen_multi;
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
		snprintf(b, sizeof b, "<-P%d%s x%" PRId64, pm->stole_from,
		    pm->stole_multi ? "+" : "", pm->stole_n);
		if (x + view__text_len(b) <= xend)
			x = view__text(r, x, y, xend, mark_attr(r, pm->steal_t, VA_STEAL), b) + 1;
	}
	if (pm->stolen_n > 0) {
		snprintf(b, sizeof b, "->P%d%s x%" PRId64, pm->stolen_by,
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

static void
pcols_for(rc *r, int np, struct pcols *c)
{
	int w = r->w;

	c->idw = 1 + view__digits(np > 0 ? np - 1 : 0);
	c->lw = w >= 160 ? GS_LABEL_MAX - 1 : w >= 110 ? 10 : 7;
	c->longnext = w >= 100;
	c->nextw = c->longnext ? 13 : 8;
	c->x_st = c->idw + 1;
	c->x_g = c->x_st + 7;
	c->x_next = c->x_g + 8 + c->lw + 1 + 8; /* the slice: 7 columns and a gap */
	c->x_cnt = c->x_next + c->nextw;
	c->x_bar = c->x_cnt + 4;
	int rest = w - c->x_bar;
	int tail = view__clampi(rest / 2, 6, 40);
	c->barw = rest - tail;
	if (c->barw > 128)
		c->barw = 128;
	if (c->barw < 4)
		c->barw = 4;
	c->x_tail = c->x_bar + c->barw + 1;
	c->kindw = view__clampi((w - c->x_tail) / 2, 4, 16);
}

/* The running goroutine: "G812 cpu 3.2 ms"; returns the x after it. */
static int
p_curg(rc *r, int x, int y, const gs_snap_p *p, int lw)
{
	if (p->curg.id == 0) {
		view__text(r, x, y, r->w, VA_DIM, "-");
		return x + 8 + lw + 1 + 8;
	}
	view_attr a;
	view_g_kind(p->curg.tag, NULL, &a);
	view__textf(r, x, y, x + 8, VA_BOLD, "G%" PRId64, p->curg.id);
	view__textf(r, x + 8, y, x + 8 + lw, a, "%s", p->curg.label);
	if (p->slice_ns) {
		char d[32];
		/* slowed, the column has no room for both figures: the slice as
		 * at real speed, "~" saying so (P detail has both) */
		int n = r->v->slow > 1 ? r->v->slow : 1;
		view__fmt_dur(p->slice_ns / (uint64_t)n, d, sizeof d);
		view__textf(r, x + 8 + lw + 1, y, x + 8 + lw + 1 + 7, VA_NORMAL, "%s%s",
		    n > 1 ? "~" : "", d);
	}
	return x + 8 + lw + 1 + 8;
}

static void
p_row(rc *r, int y, const gs_snap_p *p, const view_pmark *pm, const struct pcols *c)
{
	char letter;
	const char *word;
	int attr;

	view__p_state(p->status, &letter, &word, &attr);
	view__textf(r, 0, y, c->x_st, VA_BOLD, "P%d", p->id);
	view__put(r, c->x_st, y, (uint32_t)letter, attr);
	view__text(r, c->x_st + 2, y, c->x_g, attr, word);
	p_curg(r, c->x_g, y, p, c->lw);
	if (p->runnext.id)
		view__textf(r, c->x_next, y, c->x_cnt, VA_NORMAL,
		    c->longnext ? "next G%" PRId64 : "+G%" PRId64, p->runnext.id);
	view__textf(r, c->x_cnt, y, c->x_bar, p->runq_len ? VA_BOLD : VA_DIM, "%3u", p->runq_len);
	view__queue_bar(r, c->x_bar, y, c->barw, p);
	/* This tick's marks matter more than the kinds: when both do not fit,
	 * the marks take the kinds' place. */
	int kx = c->x_tail + c->kindw;
	if (kx + p_marks_width(pm) > r->w) {
		view__p_marks(r, c->x_tail, y, r->w, pm);
		return;
	}
	view__queue_kinds(r, c->x_tail, y, kx, p);
	view__p_marks(r, kx, y, r->w, pm);
}

/* Projector: a text row and a bar row the width of the screen. */
static void
p_row_big(rc *r, int y, const gs_snap_p *p, const view_pmark *pm, int idw)
{
	char letter;
	const char *word;
	int attr;

	view__p_state(p->status, &letter, &word, &attr);
	int x = view__textf(r, 0, y, r->w, VA_BOLD, "P%d", p->id);
	x = idw + 1;
	view__put(r, x, y, (uint32_t)letter, attr);
	view__text(r, x + 2, y, r->w, attr, word);
	x = p_curg(r, x + 7, y, p, 8);
	if (p->runnext.id)
		x = view__textf(r, x, y, r->w, VA_NORMAL, "next G%" PRId64, p->runnext.id) + 2;
	x = view__textf(r, x, y, r->w, VA_BOLD, "%u/%d", p->runq_len, VIEW_RUNQ_SLOTS) + 1;
	x = view__queue_kinds(r, x, y, r->w, p);
	view__p_marks(r, x + 1, y, r->w, pm);
	view__queue_bar(r, idw + 1, y + 1, r->w - idw - 2, p);
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

	view__p_state(p->status, &letter, &word, &attr);
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

	view__m_state(mm, &letter, &word, &attr);
	view__textf(r, x, y, x1, VA_BOLD, "M%" PRId64, mm->id);
	x += midw + 1;
	view__put(r, x, y, (uint32_t)letter, attr);
	view__text(r, x + 2, y, x1, attr, word);
	x += 11;
	if (mm->p >= 0)
		view__textf(r, x, y, x1, VA_NORMAL, "P%d", mm->p);
	else
		view__text(r, x, y, x1, VA_DIM, mm->state == GS_MSTATE_SYSCALL ? "no P" : "-");
	x += 5;
	if (mm->curg)
		view__textf(r, x, y, x1, VA_NORMAL, "G%" PRId64, mm->curg);
	x += 9;
	if (is_new)
		view__text(r, x, y, x1, VA_BOLD, "new");
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
	if (view__text_len(b) > r->w - 1) {
		/* Narrow: the counts only. */
		n = (size_t)snprintf(b, sizeof b, "+ %d busy, %d idle Ms", busy, idle);
		if (s->nm_total > s->nm && n < sizeof b)
			snprintf(b + n, sizeof b - n, ", %d unlisted", s->nm_total - s->nm);
	}
	view__text(r, 1, y, r->w, VA_DIM, b);
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

void
view__render_main(rc *r)
{
	const view_model *m = r->m;
	const view_state *v = r->v;
	const gs_snapshot *s = &m->snap;
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
	int midw = 1 + view__digits(s->nm > 0 ? s->m[0].id : 0);
	for (int i = 0; i < s->nm; i++)
		if (1 + view__digits(s->m[i].id) > midw)
			midw = 1 + view__digits(s->m[i].id);
	int m_need = m_rows_needed(r, midw);
	/* Section titles when there is room to spare. */
	bool titles = !v->projector && avail - p_rows - 2 >= min_m + min_log + 4;
	if (titles) {
		if (grid_cols == 0) {
			view__section(r, y, 0, w, "Ps");
			view__textf(r, pc.x_g, y, w, VA_DIM, " running ");
			view__text(r, pc.x_next, y, w, VA_DIM, " next ");
			view__textf(r, pc.x_bar, y, w, VA_DIM, " local run queue (%d slots) ",
			    VIEW_RUNQ_SLOTS);
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

	/* Ms and the log share what is left. */
	avail = bottom - y - (titles ? 2 : 0);
	/* The busy Ms (and the new ones) may take all but four log lines; idle
	 * ones only fill up to 2/5 of the room. */
	int mcols = w / m_cell_width(midw) > 0 ? w / m_cell_width(midw) : 1;
	int busy = s->nm - m->mcat_count[VIEW_MCAT_IDLE];
	int m_busy_rows = (busy + mcols - 1) / mcols + (busy < s->nm_total ? 1 : 0);
	int log_need = view__clampi(m->log_len, min_log, 4);
	int m_max = avail * 2 / 5 > avail - log_need ? avail * 2 / 5 : avail - log_need;
	if (m->log_len >= 4 && m_busy_rows < m_max && avail * 2 / 5 < m_max)
		m_max = m_busy_rows > avail * 2 / 5 ? m_busy_rows : avail * 2 / 5;
	if (v->projector)
		m_max = 3;
	int m_rows = view__clampi(m_need, min_m, m_max > min_m ? m_max : min_m);
	if (m_rows > avail - min_log)
		m_rows = avail - min_log > 0 ? avail - min_log : (avail > 0 ? 1 : 0);
	if (titles && m_rows > 0) {
		char t[64];
		snprintf(t, sizeof t, "Ms (threads): %d", s->nm_total);
		view__section(r, y++, 0, w, t);
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
	/* The title says what the log shows when it is not simply the newest of
	 * everything: without section titles it takes the log's first row. */
	char t[160];
	bool note = v->log_filter != VIEW_LOGF_ALL || v->log_at != 0;
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
	if (v->projector && rows > 5)
		rows = 5; /* a few lines, large type on a wall */
	int first;
	view__log_paint(r, y + log_rows - rows, rows, 0, gx - 1, false, &first, NULL);
	if (m->log_len == 0)
		view__text(r, 1, y, gx - 1, VA_DIM, "(no events yet)");
	else if (first < 0)
		view__text(r, 1, y, gx - 1, VA_DIM, "(no lines of this kind yet)");
	if (gw)
		graphs(r, gx, y, gw, log_rows);
}
