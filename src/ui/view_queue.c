/*
 * view_queue.c - the moves the view highlights on goroutine tokens: which
 * goroutine went where, and how, read from each tick's events alone.
 *
 * The runtime's events name every goroutine that moves between queues (a
 * steal's or an overflow's batch one GS_EV_MOVE per goroutine, a preemption,
 * a yield, a system call back with no P, a spawn, the one-in-61 take each on
 * its own event).  The model keeps the latest move of each goroutine in a
 * ring, with the snapshot time and tick it was seen in, and an index by
 * goroutine id kept with it (an entry leaves as its move leaves the ring):
 * painting asks view_g_move for each token it draws.  A move is held VIEW_MARK_HOLD_NS of snapshot time and at least
 * VIEW_MARK_MIN_TICKS ticks, so it stays long enough to see at any tick rate,
 * and the same ticks fed again (the rewind) show the same highlights.
 *
 * Ownership: the ring and the index belong to the model (view_model.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/view_model.h"

const char *
view_move_name(view_move mv)
{
	static const char *const n[VIEW_MOVE_N] = {
		[VIEW_MOVE_NONE] = "",
		[VIEW_MOVE_SPAWN] = "new",
		[VIEW_MOVE_STEAL] = "stolen",
		[VIEW_MOVE_PREEMPT] = "preempted",
		[VIEW_MOVE_YIELD] = "yielded",
		[VIEW_MOVE_OVERFLOW] = "overflow",
		[VIEW_MOVE_SYSCALL] = "back from a system call",
		[VIEW_MOVE_INJECT] = "woken",
		[VIEW_MOVE_FAIR] = "fair take",
		[VIEW_MOVE_TAKEN] = "",
	};
	return (unsigned)mv < VIEW_MOVE_N ? n[mv] : "";
}

/* Whether a move made at t in tick `tick` is still shown once `ticks`
 * ticks are fed and the latest snapshot is of `now` (never when time went
 * back: a model fed older snapshots than it has seen). */
bool
view__held_at(uint64_t t, int tick, uint64_t now, int ticks)
{
	if (tick >= ticks || now < t)
		return false;
	return now - t < VIEW_MARK_HOLD_NS || ticks - tick <= VIEW_MARK_MIN_TICKS;
}

bool
view__held(const view_model *m, uint64_t t, int tick)
{
	return view__held_at(t, tick, m->snap.time_ns, m->ticks);
}

static int
home_of(const view_model *m, int64_t g)
{
	uint64_t h = (uint64_t)g * 0x9e3779b97f4a7c15ull;
	return (int)(h >> 40) & (m->mv_icap - 1);
}

/* The index slot of g: where it is, or the empty slot it would take
 * (linear probing; at most half the slots are used). */
static int
slot_of(const view_model *m, int64_t g)
{
	int mask = m->mv_icap - 1;
	int i = home_of(m, g);

	while (m->mv_index[i] != 0 && m->mv[m->mv_index[i] - 1].g != g)
		i = (i + 1) & mask;
	return i;
}

/* Take slot i out of the index, moving later entries of its probe run
 * back so every entry stays reachable from its home slot. */
static void
index_del(view_model *m, int i)
{
	int mask = m->mv_icap - 1;

	for (int j = (i + 1) & mask; m->mv_index[j] != 0; j = (j + 1) & mask) {
		int h = home_of(m, m->mv[m->mv_index[j] - 1].g);
		/* j's entry may fill i if its home is not in (i, j] cyclically */
		bool between = i <= j ? (h > i && h <= j) : (h > i || h <= j);
		if (!between) {
			m->mv_index[i] = m->mv_index[j];
			i = j;
		}
	}
	m->mv_index[i] = 0;
}

view_move
view_g_move(const view_model *m, int64_t g, int *from)
{
	if (from)
		*from = -1;
	if (m == NULL || g <= 0 || m->mv_icap == 0)
		return VIEW_MOVE_NONE;
	int k = m->mv_index[slot_of(m, g)];
	if (k == 0)
		return VIEW_MOVE_NONE;
	const view_gmove *mv = &m->mv[k - 1];
	if (mv->how == VIEW_MOVE_TAKEN || !view__held(m, mv->t, mv->tick))
		return VIEW_MOVE_NONE;
	if (from)
		*from = mv->from;
	return (view_move)mv->how;
}

/* The move of g the index holds (of any tick), or NULL. */
static view_gmove *
latest(view_model *m, int64_t g)
{
	int k = m->mv_index[slot_of(m, g)];
	return k != 0 ? &m->mv[k - 1] : NULL;
}

static void
note(view_model *m, int64_t g, view_move how, int from)
{
	if (g <= 0)
		return;
	view_gmove *o = latest(m, g);
	if (o != NULL) {
		/* The second event of one move (a drain may fall between the
		 * two): a preemption's own event, then the put on the global
		 * queue that carries it out; a fair take's, then its move. */
		if (o->how == VIEW_MOVE_PREEMPT && how == VIEW_MOVE_YIELD &&
		    o->tick + 1 >= m->ticks)
			return;
		if (o->how == VIEW_MOVE_FAIR && how == VIEW_MOVE_TAKEN &&
		    view__held_at(o->t, o->tick, m->snap.time_ns, m->ticks + 1))
			return;
		if (o->tick == m->ticks) {
			o->how = (uint8_t)how;
			o->from = (int16_t)from;
			return;
		}
	}
	view_gmove *e = &m->mv[m->mv_head];
	if (m->mv_len == m->mv_cap) {
		/* the oldest move leaves the ring, and the index if it is there */
		int i = slot_of(m, e->g);
		if (m->mv_index[i] == m->mv_head + 1)
			index_del(m, i);
		m->mv_evicted++;
	}
	int i = slot_of(m, g);
	if (m->mv_index[i] != 0)
		index_del(m, i); /* g's older move; the new one is inserted below */
	e->g = g;
	e->how = (uint8_t)how;
	e->from = (int16_t)from;
	e->t = m->snap.time_ns;
	e->tick = m->ticks;
	m->mv_head = (m->mv_head + 1) % m->mv_cap;
	if (m->mv_len < m->mv_cap)
		m->mv_len++;
	m->mv_index[slot_of(m, g)] = (int)(e - m->mv) + 1;
}

/* Which move the global row's text names when a tick has several kinds:
 * an overflow's batch, then a preemption, then the rest. */
static int
gmark_rank(view_move how)
{
	switch (how) {
	case VIEW_MOVE_OVERFLOW:
		return 5;
	case VIEW_MOVE_PREEMPT:
		return 4;
	case VIEW_MOVE_SYSCALL:
		return 3;
	case VIEW_MOVE_YIELD:
		return 2;
	default:
		return 1;
	}
}

/* The global row's text mark: the most telling move into the global queue
 * this tick, counted, held like the highlights. */
static void
gmark_note(view_model *m, view_move how, int from, int64_t g)
{
	view_gmark *gm = &m->gmark;

	if (gm->tick == m->ticks && gm->n > 0) {
		if (gmark_rank(how) < gmark_rank(gm->how))
			return;
		if (how == gm->how) {
			gm->multi |= gm->from != from;
			gm->n++;
			return;
		}
	}
	gm->how = how;
	gm->from = from;
	gm->g = g;
	gm->n = 1;
	gm->multi = false;
	gm->t = m->snap.time_ns;
	gm->tick = m->ticks;
}

int
view__moves_tick(view_model *m, const gs_event *ev, int nev, uint64_t dropped)
{
	if (m->mv == NULL) {
		m->mv_cap = VIEW_MOVES;
		m->mv_icap = 2 * VIEW_MOVES;
		m->mv = calloc((size_t)m->mv_cap, sizeof *m->mv);
		m->mv_index = calloc((size_t)m->mv_icap, sizeof *m->mv_index);
		if (m->mv == NULL || m->mv_index == NULL)
			return GS_ENOMEM;
	}
	for (int i = 0; i < nev; i++) {
		const gs_event *e = &ev[i];
		switch (e->kind) {
		case GS_EV_SPAWN:
			note(m, e->g, VIEW_MOVE_SPAWN, e->p);
			break;
		case GS_EV_MOVE:
			switch (e->arg) {
			case GS_MOVE_STEAL:
				note(m, e->g, VIEW_MOVE_STEAL, e->p2);
				break;
			case GS_MOVE_OVERFLOW:
				note(m, e->g, VIEW_MOVE_OVERFLOW, e->p2);
				gmark_note(m, VIEW_MOVE_OVERFLOW, e->p2, e->g);
				break;
			case GS_MOVE_GLOBAL_GET:
				note(m, e->g, VIEW_MOVE_TAKEN, -1);
				break;
			case GS_MOVE_INJECT:
				note(m, e->g, VIEW_MOVE_INJECT, -1);
				gmark_note(m, VIEW_MOVE_INJECT, -1, e->g);
				break;
			default:
				break;
			}
			break;
		case GS_EV_PREEMPT:
			note(m, e->g, VIEW_MOVE_PREEMPT, e->p);
			gmark_note(m, VIEW_MOVE_PREEMPT, e->p, e->g);
			break;
		case GS_EV_GLOBAL_PUT:
			if (e->m2 == GS_GPUT_YIELD && e->g > 0) {
				note(m, e->g, VIEW_MOVE_YIELD, e->p);
				view_gmove *o = latest(m, e->g);
				if (o && o->how == VIEW_MOVE_YIELD)
					gmark_note(m, VIEW_MOVE_YIELD, e->p, e->g);
			}
			break;
		case GS_EV_SYSCALL_EXIT:
			if (e->p < 0) {
				note(m, e->g, VIEW_MOVE_SYSCALL, -1);
				gmark_note(m, VIEW_MOVE_SYSCALL, -1, e->g);
			}
			break;
		case GS_EV_GLOBAL_GET:
			if (e->m2 == 1 && e->g > 0) {
				note(m, e->g, VIEW_MOVE_FAIR, -1);
				view_gmark *f = &m->fmark;
				f->how = VIEW_MOVE_FAIR;
				f->from = e->p; /* the P that took it */
				f->g = e->g;
				f->n = f->tick == m->ticks ? f->n + 1 : 1;
				f->t = m->snap.time_ns;
				f->tick = m->ticks;
			}
			break;
		default:
			break;
		}
	}
	if (dropped > 0) {
		m->drop_mv_t = m->snap.time_ns;
		m->drop_mv_tick = m->ticks;
		m->drop_mv_n = dropped;
	}

	return 0;
}
