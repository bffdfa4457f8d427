/*
 * view_warn.c - the view model's warnings (view.h's view_warn): judged once a
 * tick from the snapshot and the events lost, kept in the model for the main
 * view's warnings line, and written into the event log once when each
 * appears.  Pure like the rest of the model: ticks fed, never the clock.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/view_model.h"

/* Whether warning a is the same as b (the same thing warned about). */
static bool
same(const view_warn *a, const view_warn *b)
{
	return a->kind == b->kind && a->id == b->id;
}

static void
add(view_model *m, view_warn w)
{
	if (m->nwarn < VIEW_WARN_MAX)
		m->warn[m->nwarn] = w;
	m->nwarn++;
}

/* The per-P streaks, as long as the snapshot's Ps; a GOMAXPROCS change
 * starts them again. */
static int
streaks(view_model *m)
{
	int np = m->snap.np;

	if (np > m->warn_cap) {
		int *w = realloc(m->wait_ticks, (size_t)np * sizeof *w);
		if (w == NULL)
			return GS_ENOMEM;
		m->wait_ticks = w;
		int *i = realloc(m->idle_ticks, (size_t)np * sizeof *i);
		if (i == NULL)
			return GS_ENOMEM;
		m->idle_ticks = i;
		struct view_slice *sl = realloc(m->slices, (size_t)np * sizeof *sl);
		if (sl == NULL)
			return GS_ENOMEM;
		m->slices = sl;
		m->warn_cap = np;
	}
	if (np != m->warn_np) {
		memset(m->wait_ticks, 0, (size_t)np * sizeof *m->wait_ticks);
		memset(m->idle_ticks, 0, (size_t)np * sizeof *m->idle_ticks);
		memset(m->slices, 0, (size_t)np * sizeof *m->slices);
		m->warn_np = np;
	}
	return 0;
}

int
view__warn_tick(view_model *m, uint64_t dropped)
{
	const gs_snapshot *s = &m->snap;
	view_warn old[VIEW_WARN_MAX];
	int nold = m->nwarn < VIEW_WARN_MAX ? m->nwarn : VIEW_WARN_MAX;

	if (streaks(m) != 0)
		return GS_ENOMEM;
	memcpy(old, m->warn, (size_t)nold * sizeof *old);
	m->nwarn = 0;

	/* A goroutine whose slice outlasted VIEW_WARN_SLICES of them: sysmon
	 * asked it to yield after one, and it did not (a call-free loop outside
	 * any preemptible region, or preemption off).  The slice is wall time,
	 * and on a loaded machine the OS may not have run the thread at all
	 * since the request: so the thread must also have had a whole slice of
	 * CPU since the slice was first seen used up (its M's cpu_ns, which the
	 * snapshot reads only then), or the claim is not made. */
	uint64_t slice = GS_TIME_SLICE_NS * (uint64_t)m->timescale;
	uint64_t limit = (uint64_t)VIEW_WARN_SLICES * slice;
	for (int i = 0; i < s->np; i++) {
		const gs_snap_p *p = &s->p[i];
		struct view_slice *sl = &m->slices[i];
		uint64_t cpu = 0;
		for (int k = 0; k < s->nm; k++)
			if (s->m[k].id == p->m)
				cpu = s->m[k].cpu_ns;
		if (p->curg.id != sl->g || p->schedtick != sl->schedtick || cpu < sl->cpu0)
			*sl = (struct view_slice){ p->curg.id, p->schedtick, 0 };
		if (sl->cpu0 == 0)
			sl->cpu0 = cpu;
		if (p->curg.id != 0 && p->slice_ns > limit && cpu != 0 && cpu - sl->cpu0 >= slice)
			add(m,
			    (view_warn){ VIEW_WARN_LONG_RUN, p->curg.id, p->id,
				(int64_t)p->slice_ns, (int64_t)(cpu - sl->cpu0) });
	}

	/* A queue that waits while a P is idle: the idle P's M should have
	 * stolen from it.  The streaks count ticks in a row. */
	int idle = -1;
	for (int i = 0; i < s->np; i++) {
		bool is_idle = s->p[i].status == GS_PSTATE_IDLE;
		m->idle_ticks[i] = is_idle ? m->idle_ticks[i] + 1 : 0;
		if (is_idle && (idle < 0 || m->idle_ticks[i] > m->idle_ticks[idle]))
			idle = i;
	}
	for (int i = 0; i < s->np; i++) {
		const gs_snap_p *p = &s->p[i];
		/* the longest-idle P other than this one */
		int other = idle;
		if (other == i) {
			other = -1;
			for (int j = 0; j < s->np; j++)
				if (j != i && m->idle_ticks[j] > 0 &&
				    (other < 0 || m->idle_ticks[j] > m->idle_ticks[other]))
					other = j;
		}
		bool waits = p->runq_len > 0 && other >= 0;
		m->wait_ticks[i] = waits ? m->wait_ticks[i] + 1 : 0;
		if (waits && m->wait_ticks[i] >= VIEW_WARN_TICKS)
			add(m,
			    (view_warn){ VIEW_WARN_IDLE_P, p->id, other, (int64_t)p->runq_len,
				m->wait_ticks[i] < m->idle_ticks[other] ? m->wait_ticks[i]
									: m->idle_ticks[other] });
	}

	/* Threads near the limit (0: a recording without it). */
	const gs_stats *st = &s->stats;
	if (st->max_threads > 0 &&
	    (int64_t)st->threads * 100 >= (int64_t)st->max_threads * VIEW_WARN_THREADS_PCT)
		add(m, (view_warn){ VIEW_WARN_THREADS, 0, -1, st->threads, st->max_threads });

	/* Events lost in the last VIEW_WARN_TICKS ticks. */
	uint64_t lost = 0;
	m->drop_ring[m->ticks % VIEW_WARN_TICKS] = dropped;
	for (int i = 0; i < VIEW_WARN_TICKS; i++)
		lost += m->drop_ring[i];
	if (lost > 0)
		add(m, (view_warn){ VIEW_WARN_DROPS, 0, -1, (int64_t)lost, VIEW_WARN_TICKS });

	/* Into the log once, when each appears. */
	int n = m->nwarn < VIEW_WARN_MAX ? m->nwarn : VIEW_WARN_MAX;
	for (int i = 0; i < n; i++) {
		bool known = false;
		for (int k = 0; k < nold && !known; k++)
			known = same(&m->warn[i], &old[k]);
		if (known)
			continue;
		char text[VIEW_LOG_TEXT];
		int len = snprintf(text, sizeof text, "warning: ");
		view_warn_text(&m->warn[i], m->timescale, text + len, sizeof text - (size_t)len);
		const view_warn *w = &m->warn[i];
		view_logline *l = view__log_add(m, s->time_ns, VA_WARN, VIEW_LOGC_WARN, text);
		if (w->kind == VIEW_WARN_LONG_RUN) {
			l->g = w->id;
			l->gstate = GS_G_RUNNING;
			l->p[0] = (int16_t)w->p;
		} else if (w->kind == VIEW_WARN_IDLE_P) {
			l->p[0] = (int16_t)w->id;
			l->p[1] = (int16_t)w->p;
		}
	}
	return 0;
}

int
view_model_warnings(const view_model *m, view_warn *out, int max)
{
	int n = m->nwarn < VIEW_WARN_MAX ? m->nwarn : VIEW_WARN_MAX;

	for (int i = 0; i < n && i < max; i++)
		out[i] = m->warn[i];
	return m->nwarn;
}

size_t
view_warn_text(const view_warn *w, int timescale, char *buf, size_t size)
{
	char d[32];
	int n = 0;

	switch (w->kind) {
	case VIEW_WARN_LONG_RUN:
		/* as the P row says it: slowed, the slice as at real speed */
		view__fmt_dur((uint64_t)w->n / (uint64_t)(timescale > 1 ? timescale : 1), d,
		    sizeof d);
		n = snprintf(buf, size, "G%" PRId64 " ran %s%s without preemption", w->id,
		    timescale > 1 ? "~" : "", d);
		break;
	case VIEW_WARN_IDLE_P:
		n = snprintf(buf, size,
		    "P%" PRId64 " queue %" PRId64 " while P%d idle %" PRId64 " %s", w->id, w->n,
		    w->p, w->of, view__plural(w->of, "tick", "ticks"));
		break;
	case VIEW_WARN_THREADS:
		n = snprintf(buf, size, "%" PRId64 " threads of the limit %" PRId64, w->n, w->of);
		break;
	case VIEW_WARN_DROPS:
		n = snprintf(buf, size, "%" PRId64 " events lost (event rings full)", w->n);
		break;
	default:
		n = snprintf(buf, size, "?");
		break;
	}
	return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size ? size - 1 : 0;
}
