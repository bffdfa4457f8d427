/*
 * view.c - the visualizer's view model, first half: what it keeps from each
 * tick (a deep copy of the snapshot, the per-tick deltas, the per-P marks from
 * the tick's events, the Ms in display order, the history rings and the
 * goroutine list).  The event log and its sentences are in view_log.c;
 * view_render.c paints all of it into a view_screen.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/view_model.h"

/* ---- small helpers ----------------------------------------------------------------- */

/* Grow *pp to hold at least n elements of size sz (doubling).  0 or GS_ENOMEM. */
static int
grow(void *pp, int *cap, int n, size_t sz)
{
	if (n <= *cap)
		return 0;
	int nc = *cap ? *cap : 16;
	while (nc < n)
		nc *= 2;
	void *np = realloc(*(void **)pp, (size_t)nc * sz);
	if (np == NULL)
		return GS_ENOMEM;
	*(void **)pp = np;
	*cap = nc;
	return 0;
}

void
view__fmt_dur(uint64_t ns, char *buf, size_t size)
{
	if (ns < 1000)
		snprintf(buf, size, "%" PRIu64 " ns", ns);
	else if (ns < 1000000)
		snprintf(buf, size, "%" PRIu64 " us", ns / 1000);
	else if (ns < 10000000)
		snprintf(buf, size, "%.1f ms", (double)ns / 1e6);
	else if (ns < 1000000000)
		snprintf(buf, size, "%" PRIu64 " ms", ns / 1000000);
	else
		snprintf(buf, size, "%.2f s", (double)ns / 1e9);
}

void
view__fmt_slow(uint64_t ns, int n, char *buf, size_t size)
{
	char real[32];

	view__fmt_dur(ns, buf, size);
	if (n <= 1)
		return;
	size_t len = strlen(buf);
	view__fmt_dur(ns / (uint64_t)n, real, sizeof real);
	snprintf(buf + len, size > len ? size - len : 0, " (x%d slow: %s real-speed)", n, real);
}

const char *
view__plural(int64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* The bytes of s that hold whole UTF-8 characters, at most max: a cut
 * never splits a character, and a character cut short already (a label
 * truncated by the runtime) is left out. */
size_t
view__utf8_whole(const char *s, size_t max)
{
	size_t i = 0, ok = 0;

	while (i < max && s[i]) {
		unsigned char c = (unsigned char)s[i];
		size_t n = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : 4;
		if (i + n > max)
			break;
		size_t k = 1;
		while (k < n && ((unsigned char)s[i + k] & 0xc0) == 0x80)
			k++;
		i += k;
		if (k == n)
			ok = i;
	}
	return ok;
}

/* A goroutine label as whole characters (at most GS_LABEL_MAX - 1 bytes). */
void
view__label_copy(char out[GS_LABEL_MAX], const char *label)
{
	size_t n = view__utf8_whole(label, GS_LABEL_MAX - 1);
	memcpy(out, label, n);
	out[n] = '\0';
}

/* The kinds the queues count, in their order (VIEW_KINDS with 'o'). */
static const struct {
	char tag;
	view_attr attr;
} g_kinds[VIEW_KINDS - 1] = {
	{ GS_TAG_CPU, VA_KIND_CPU },
	{ GS_TAG_LOOP, VA_KIND_CPU },
	{ GS_TAG_SLEEP, VA_KIND_SLEEP },
	{ GS_TAG_SYSCALL, VA_KIND_SYSCALL },
	{ GS_TAG_NET, VA_KIND_NET },
	{ GS_TAG_HTTP, VA_KIND_NET },
	{ GS_TAG_THREAD, VA_KIND_SYSCALL },
	{ GS_TAG_SWITCH, VA_KIND_CPU },
};

int
view_g_kind(char tag, char *letter, view_attr *attr)
{
	int k = 0;

	while (k < VIEW_KINDS - 1 && (tag == GS_TAG_NONE || g_kinds[k].tag != tag))
		k++;
	if (letter != NULL)
		*letter = k < VIEW_KINDS - 1 ? tag : 'o';
	if (attr != NULL)
		*attr = k < VIEW_KINDS - 1 ? g_kinds[k].attr : VA_KIND_OTHER;
	return k;
}

/* ---- model lifetime ------------------------------------------------------------------ */

view_model *
view_model_new(int history_ticks, int log_lines)
{
	if (history_ticks < 1 || log_lines < 1)
		return NULL;
	view_model *m = calloc(1, sizeof *m);
	if (m == NULL)
		return NULL;
	m->hist_cap = history_ticks;
	m->log_cap = log_lines;
	m->timescale = 1;
	m->drop_logged_tick = -VIEW_DROP_LOG_TICKS;
	m->h_threads = calloc((size_t)history_ticks, sizeof(int32_t));
	m->h_busy = calloc((size_t)history_ticks, sizeof(int32_t));
	m->h_runnable = calloc((size_t)history_ticks, sizeof(int32_t));
	m->h_steals = calloc((size_t)history_ticks, sizeof(int32_t));
	m->log = calloc((size_t)log_lines, sizeof(view_logline));
	m->scratch = calloc(1, sizeof *m->scratch);
	m->gev = calloc(VIEW_GEVENTS, sizeof *m->gev);
	if (!m->h_threads || !m->h_busy || !m->h_runnable || !m->h_steals || !m->log ||
	    !m->scratch || !m->gev) {
		view_model_free(m);
		return NULL;
	}
	return m;
}

void
view_model_free(view_model *m)
{
	if (m == NULL)
		return;
	free(m->p);
	free(m->m);
	free(m->runq);
	free(m->prev_p);
	free(m->prev_m);
	free(m->pmark);
	free(m->tmark);
	free(m->consumed);
	free(m->morder);
	free(m->mcat);
	free(m->mnew);
	free(m->h_threads);
	free(m->h_busy);
	free(m->h_runnable);
	free(m->h_steals);
	free(m->log);
	free(m->g);
	free(m->mv);
	free(m->mv_index);
	free(m->wait_ticks);
	free(m->idle_ticks);
	free(m->slices);
	if (m->scratch) {
		free(m->scratch->grows);
		free(m->scratch->gp);
	}
	free(m->scratch);
	free(m->gev);
	free(m);
}

void
view_model_origin_get(const view_model *m, view_origin *o)
{
	int quiet = m->ticks - m->drop_logged_tick;

	o->t0 = m->have_t0 ? m->t0 : 0;
	o->dropped = m->dropped_total;
	o->drop_unlogged = m->dropped_unlogged;
	o->drop_quiet = quiet < VIEW_DROP_LOG_TICKS ? quiet : VIEW_DROP_LOG_TICKS;
	memcpy(o->win, m->win, sizeof o->win);
	o->log_total = m->log_total;
}

void
view_model_origin_set(view_model *m, const view_origin *o)
{
	if (m == NULL || m->ticks > 0)
		return;
	if (o->t0 != 0) {
		m->t0 = o->t0;
		m->have_t0 = true;
	}
	m->dropped_total = o->dropped;
	m->dropped_unlogged = o->drop_unlogged;
	m->drop_logged_tick =
	    -(o->drop_quiet < VIEW_DROP_LOG_TICKS ? o->drop_quiet : VIEW_DROP_LOG_TICKS);
	memcpy(m->win, o->win, sizeof m->win);
	m->log_total = o->log_total;
}

uint64_t
view_model_log_total(const view_model *m)
{
	return m ? m->log_total : 0;
}

int
view_model_ticks(const view_model *m)
{
	return m ? m->ticks : 0;
}

const gs_snapshot *
view_model_snapshot(const view_model *m)
{
	return m && m->have_snap ? &m->snap : NULL;
}

const gs_snap_ginfo *
view_model_glist(const view_model *m, int *ng, bool *timed)
{
	*ng = m->ng;
	*timed = m->g_timed != 0 && m->g_timed == m->g_gen;
	return m->ng > 0 ? m->g : NULL;
}

void
view_model_set_timescale(view_model *m, int n)
{
	m->timescale = n > 1 ? n : 1;
}

void
view_model_set_lacks(view_model *m, unsigned lacks)
{
	m->lacks = lacks;
}

bool
view__mark_recent(const view_model *m, uint64_t t)
{
	return t != m->snap.time_ns;
}

/* ---- history ---------------------------------------------------------------------------- */

int32_t
view__hist(const view_model *m, const int32_t *ring, int i)
{
	int first = (m->hist_head - m->hist_len + m->hist_cap) % m->hist_cap;
	return ring[(first + i) % m->hist_cap];
}

static int32_t
clamp32(int64_t v)
{
	return v > INT32_MAX ? INT32_MAX : v < 0 ? 0 : (int32_t)v;
}

/* ---- threads and Ms --------------------------------------------------------------------- */

int
view__mcat_of(const gs_snap_m *m, bool is_new)
{
	switch (m->state) {
	case GS_MSTATE_RUNNING:
	case GS_MSTATE_SCHED:
		return VIEW_MCAT_RUNNING;
	case GS_MSTATE_SPINNING:
		return VIEW_MCAT_SPINNING;
	case GS_MSTATE_SYSCALL:
		return VIEW_MCAT_SYSCALL;
	case GS_MSTATE_NETPOLL:
		return VIEW_MCAT_NETPOLL;
	case GS_MSTATE_SYSMON:
		return VIEW_MCAT_SYSMON;
	default:
		return is_new ? VIEW_MCAT_NEW_IDLE : VIEW_MCAT_IDLE;
	}
}

/*
 * Threads by what they do.  When the snapshot lists every M, the Ms' own states
 * say it (so the parts add up to the total); when it lists only some, the
 * runtime's counters do, and "run" is what is left after the others.
 */
void
view__threads(const view_model *m, view_threads *t)
{
	const gs_snapshot *s = &m->snap;

	memset(t, 0, sizeof *t);
	/* the same count for gsched's runtime; a Go program's trace counts its
	 * m0 in nm_total (Go's threads=), not in stats.threads */
	t->total = s->nm_total > 0 ? s->nm_total : s->stats.threads;
	if (s->nm > 0 && s->nm >= s->nm_total) {
		for (int i = 0; i < s->nm; i++) {
			switch (s->m[i].state) {
			case GS_MSTATE_RUNNING:
			case GS_MSTATE_SCHED:
				t->run++;
				break;
			case GS_MSTATE_SPINNING:
				t->spin++;
				break;
			case GS_MSTATE_SYSCALL:
				t->sys++;
				break;
			case GS_MSTATE_NETPOLL:
				t->net++;
				break;
			case GS_MSTATE_SYSMON:
				t->mon++;
				break;
			case GS_MSTATE_IDLE:
				t->idle++;
				break;
			default:
				break;
			}
		}
		t->total = t->run + t->spin + t->sys + t->net + t->mon + t->idle;
	} else {
		t->idle = s->stats.idle_threads;
		t->spin = s->stats.spinning_threads;
		t->sys = s->stats.in_syscall;
		for (int i = 0; i < s->nm; i++) {
			if (s->m[i].state == GS_MSTATE_NETPOLL)
				t->net++;
			else if (s->m[i].state == GS_MSTATE_SYSMON)
				t->mon++;
		}
		t->run = t->total - t->idle - t->spin - t->sys - t->net - t->mon;
		if (t->run < 0)
			t->run = 0;
	}
	t->busy = t->total - t->idle;
	if (t->busy < 0)
		t->busy = 0;
}

/* Order the listed Ms for display: by category (enum view_mcat), stable within one. */
static int
order_ms(view_model *m)
{
	const gs_snapshot *s = &m->snap;
	int cap;

	if (grow(&m->morder, &m->morder_cap, s->nm, sizeof(int)) != 0)
		return GS_ENOMEM;
	cap = m->morder_cap;
	/* mcat and mnew follow morder's capacity (at least 1: realloc(p, 0) may
	 * answer NULL). */
	if (cap < 1)
		cap = 1;
	uint8_t *c = realloc(m->mcat, (size_t)cap);
	if (c == NULL)
		return GS_ENOMEM;
	m->mcat = c;
	bool *nw = realloc(m->mnew, (size_t)cap * sizeof(bool));
	if (nw == NULL)
		return GS_ENOMEM;
	m->mnew = nw;

	int start[VIEW_MCAT_N];
	memset(m->mcat_count, 0, sizeof m->mcat_count);
	for (int i = 0; i < s->nm; i++) {
		const gs_snap_m *mm = &s->m[i];
		m->mnew[i] = mm->created_ns != 0 && mm->created_ns <= s->time_ns &&
		    s->time_ns - mm->created_ns < VIEW_NEW_M_NS;
		m->mcat[i] = (uint8_t)view__mcat_of(mm, m->mnew[i]);
		m->mcat_count[m->mcat[i]]++;
	}
	int at = 0;
	for (int k = 0; k < VIEW_MCAT_N; k++) {
		start[k] = at;
		at += m->mcat_count[k];
	}
	for (int i = 0; i < s->nm; i++)
		m->morder[start[m->mcat[i]]++] = i;
	return 0;
}

/* ---- one tick ------------------------------------------------------------------------------ */

/* Deep-copy s into the model (arrays reused from tick to tick). */
static int
copy_snapshot(view_model *m, const gs_snapshot *s)
{
	int np = s->np > 0 && s->p ? s->np : 0;
	int nm = s->nm > 0 && s->m ? s->nm : 0;
	size_t nq = 0;

	for (int i = 0; i < np; i++)
		if (s->p[i].runq != NULL)
			nq += s->p[i].runq_listed;
	uint32_t ng = s->glob ? s->glob_head + s->glob_tail : 0;
	nq += ng;
	if (grow(&m->p, &m->p_cap, np, sizeof *m->p) != 0 ||
	    grow(&m->m, &m->m_cap, nm, sizeof *m->m) != 0)
		return GS_ENOMEM;
	if (nq > m->runq_cap) {
		size_t nc = m->runq_cap ? m->runq_cap : 256;
		while (nc < nq)
			nc *= 2;
		gs_snap_g *r = realloc(m->runq, nc * sizeof *r);
		if (r == NULL)
			return GS_ENOMEM;
		m->runq = r;
		m->runq_cap = nc;
	}
	m->snap = *s;
	m->snap.np = np;
	m->snap.nm = nm;
	m->snap.p = m->p;
	m->snap.m = m->m;
	m->snap.runq_store = m->runq;
	m->snap.max_p = m->p_cap;
	m->snap.max_m = m->m_cap;
	size_t at = 0;
	for (int i = 0; i < np; i++) {
		m->p[i] = s->p[i];
		uint32_t listed = s->p[i].runq ? s->p[i].runq_listed : 0;
		m->p[i].runq_listed = listed;
		m->p[i].runq = m->runq + at;
		if (listed)
			memcpy(m->runq + at, s->p[i].runq, listed * sizeof *m->runq);
		for (uint32_t k = 0; k < listed; k++)
			m->runq[at + k].label[GS_LABEL_MAX - 1] = '\0';
		m->p[i].curg.label[GS_LABEL_MAX - 1] = '\0';
		m->p[i].runnext.label[GS_LABEL_MAX - 1] = '\0';
		at += listed;
	}
	/* the global queue's listed goroutines after the Ps' */
	m->snap.glob = ng ? m->runq + at : NULL;
	m->snap.glob_head = ng ? s->glob_head : 0;
	m->snap.glob_tail = ng ? s->glob_tail : 0;
	if (ng)
		memcpy(m->runq + at, s->glob, ng * sizeof *m->runq);
	for (uint32_t k = 0; k < ng; k++)
		m->runq[at + k].label[GS_LABEL_MAX - 1] = '\0';
	if (nm)
		memcpy(m->m, s->m, (size_t)nm * sizeof *m->m);
	return 0;
}

static void
note_steal(view_pmark *pm, int np, const gs_event *e)
{
	if (e->p >= 0 && e->p < np) {
		view_pmark *a = &pm[e->p];
		if (a->stole_from < 0)
			a->stole_from = e->p2;
		else if (a->stole_from != e->p2)
			a->stole_multi = true;
		a->stole_n += e->arg;
	}
	if (e->p2 >= 0 && e->p2 < np) {
		view_pmark *b = &pm[e->p2];
		if (b->stolen_by < 0)
			b->stolen_by = e->p;
		else if (b->stolen_by != e->p)
			b->stolen_multi = true;
		b->stolen_n += e->arg;
	}
}

static void
pmark_clear(view_pmark *pm)
{
	memset(pm, 0, sizeof *pm);
	pm->stole_from = pm->stolen_by = -1;
}

/* The P marks: this tick's events into tmark, then each kind of mark into
 * pmark, this tick's replacing the one held, a held one dropped once
 * VIEW_MARK_HOLD_NS has passed since its tick. */
static void
mark_ps(view_model *m, const gs_event *ev, int nev)
{
	int np = m->snap.np;
	uint64_t now = m->snap.time_ns;
	view_pmark *tm = m->tmark;

	for (int i = 0; i < np; i++)
		pmark_clear(&tm[i]);
	for (int i = 0; i < nev; i++) {
		const gs_event *e = &ev[i];
		switch (e->kind) {
		case GS_EV_STEAL:
			note_steal(tm, np, e);
			break;
		case GS_EV_HANDOFF:
			if (e->p >= 0 && e->p < np)
				tm[e->p].handoffs++;
			break;
		case GS_EV_RETAKE:
			if (e->p >= 0 && e->p < np)
				tm[e->p].retakes++;
			break;
		case GS_EV_PREEMPT:
			if (e->p >= 0 && e->p < np)
				tm[e->p].preempts++;
			break;
		default:
			break;
		}
	}
	for (int i = 0; i < np; i++) {
		view_pmark *h = &m->pmark[i], *t = &tm[i];
		if (i >= m->pmark_n)
			pmark_clear(h);
		if (t->stole_n > 0) {
			h->stole_from = t->stole_from;
			h->stole_multi = t->stole_multi;
			h->stole_n = t->stole_n;
			h->steal_t = now;
			h->steal_k = m->ticks;
		} else if (h->stole_n > 0 &&
		    !view__held_at(h->steal_t, h->steal_k, now, m->ticks + 1)) {
			h->stole_from = -1;
			h->stole_multi = false;
			h->stole_n = 0;
		}
		if (t->stolen_n > 0) {
			h->stolen_by = t->stolen_by;
			h->stolen_multi = t->stolen_multi;
			h->stolen_n = t->stolen_n;
			h->stolen_t = now;
			h->stolen_k = m->ticks;
		} else if (h->stolen_n > 0 &&
		    !view__held_at(h->stolen_t, h->stolen_k, now, m->ticks + 1)) {
			h->stolen_by = -1;
			h->stolen_multi = false;
			h->stolen_n = 0;
		}
		if (t->handoffs > 0) {
			h->handoffs = t->handoffs;
			h->handoff_t = now;
			h->handoff_k = m->ticks;
		} else if (h->handoffs > 0 &&
		    !view__held_at(h->handoff_t, h->handoff_k, now, m->ticks + 1)) {
			h->handoffs = 0;
		}
		if (t->retakes > 0) {
			h->retakes = t->retakes;
			h->retake_t = now;
			h->retake_k = m->ticks;
		} else if (h->retakes > 0 &&
		    !view__held_at(h->retake_t, h->retake_k, now, m->ticks + 1)) {
			h->retakes = 0;
		}
		if (t->preempts > 0) {
			h->preempts = t->preempts;
			h->preempt_t = now;
			h->preempt_k = m->ticks;
		} else if (h->preempts > 0 &&
		    !view__held_at(h->preempt_t, h->preempt_k, now, m->ticks + 1)) {
			h->preempts = 0;
		}
	}
	m->pmark_n = np;
}

int
view_model_tick(view_model *m, const gs_snapshot *s, const gs_event *ev, int nev, uint64_t dropped,
    const gs_snap_ginfo *gl, int ng, int ng_total)
{
	if (m == NULL || s == NULL || nev < 0 || (nev > 0 && ev == NULL))
		return GS_EINVAL;

	/* Remember the previous snapshot's Ps and Ms: what each P ran, for
	 * preemption lines, and the times the detail pages show a tick of. */
	if (m->have_snap) {
		if (grow(&m->prev_p, &m->prev_cap, m->snap.np, sizeof *m->prev_p) != 0 ||
		    grow(&m->prev_m, &m->prev_m_cap, m->snap.nm, sizeof *m->prev_m) != 0)
			return GS_ENOMEM;
		if (m->snap.np > 0)
			memcpy(m->prev_p, m->p, (size_t)m->snap.np * sizeof *m->prev_p);
		if (m->snap.nm > 0)
			memcpy(m->prev_m, m->m, (size_t)m->snap.nm * sizeof *m->prev_m);
		m->prev_np = m->snap.np;
		m->prev_nm = m->snap.nm;
		m->prev_time_ns = m->snap.time_ns;
		m->prev = m->snap.stats;
		m->have_prev = true;
	}
	int err = copy_snapshot(m, s);
	if (err)
		return err;
	if (!m->have_t0)
		m->t0 = s->time_ns;
	m->have_t0 = true;
	m->have_snap = true;
	if (grow(&m->pmark, &m->pmark_cap, m->snap.np, sizeof *m->pmark) != 0 ||
	    grow(&m->tmark, &m->tmark_cap, m->snap.np, sizeof *m->tmark) != 0 ||
	    grow(&m->consumed, &m->consumed_cap, nev, 1) != 0)
		return GS_ENOMEM;
	if (order_ms(m) != 0)
		return GS_ENOMEM;

	/* Deltas against the previous tick (none on the first). */
	const gs_stats *st = &m->snap.stats, *pv = m->have_prev ? &m->prev : st;
#define DELTA(f) (st->f >= pv->f ? st->f - pv->f : 0)
	m->d_steals = DELTA(steals);
	m->d_stolen = DELTA(stolen);
	m->d_handoffs = DELTA(handoffs);
	m->d_retakes = DELTA(retakes);
	m->d_preempts = DELTA(preempt_async) + DELTA(preempt_coop);
	m->d_spawns = DELTA(spawns);
	m->d_exits = DELTA(exits);
	m->d_threads_created = DELTA(threads_created);
#undef DELTA

	memset(m->ev_count, 0, sizeof m->ev_count);
	memset(m->ev_argsum, 0, sizeof m->ev_argsum);
	for (int i = 0; i < nev; i++) {
		int k = ev[i].kind < GS_EV_NKINDS ? ev[i].kind : GS_EV_NONE;
		m->ev_count[k]++;
		m->ev_argsum[k] += ev[i].arg;
	}
	if (nev)
		memset(m->consumed, 0, (size_t)nev);
	mark_ps(m, ev, nev);
	view__gevents_tick(m, ev, nev);
	if (view__moves_tick(m, ev, nev, dropped) != 0)
		return GS_ENOMEM;
	view__log_events(m, ev, nev, s->time_ns, gl, gl != NULL ? ng : 0);

	m->dropped_total += dropped;
	m->dropped_unlogged += dropped;
	if (m->dropped_unlogged && m->ticks - m->drop_logged_tick >= VIEW_DROP_LOG_TICKS) {
		char buf[VIEW_LOG_TEXT];
		snprintf(buf, sizeof buf,
		    "%" PRIu64 " events lost (event rings full); the counts above are exact",
		    m->dropped_unlogged);
		view__log_add(m, s->time_ns, VA_WARN, VIEW_LOGC_WARN, buf);
		m->dropped_unlogged = 0;
		m->drop_logged_tick = m->ticks;
	}

	/* History. */
	view_threads t;
	view__threads(m, &t);
	int h = m->hist_head;
	m->h_threads[h] = clamp32(t.total);
	m->h_busy[h] = clamp32(t.busy);
	m->h_runnable[h] = clamp32(st->by_status[GS_G_RUNNABLE]);
	m->h_steals[h] = clamp32((int64_t)m->d_steals);
	m->hist_head = (h + 1) % m->hist_cap;
	if (m->hist_len < m->hist_cap)
		m->hist_len++;

	/* The goroutine list, when given. */
	if (gl != NULL && ng > 0 && view_model_glist_set(m, gl, ng, ng_total) != 0)
		return GS_ENOMEM;
	if (view__warn_tick(m, dropped) != 0)
		return GS_ENOMEM;
	m->ticks++;
	return 0;
}

int
view_model_glist_set(view_model *m, const gs_snap_ginfo *gl, int ng, int ng_total)
{
	if (m == NULL || gl == NULL || ng <= 0)
		return 0;
	if (grow(&m->g, &m->g_cap, ng, sizeof *m->g) != 0)
		return GS_ENOMEM;
	memcpy(m->g, gl, (size_t)ng * sizeof *m->g);
	for (int i = 0; i < ng; i++)
		m->g[i].label[GS_LABEL_MAX - 1] = '\0';
	m->ng = ng;
	m->ng_total = ng_total > ng ? ng_total : ng;
	m->g_gen++;
	return 0;
}

void
view_model_glist_timed(view_model *m)
{
	if (m->ng > 0)
		m->g_timed = m->g_gen;
}
