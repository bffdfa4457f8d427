/*
 * view_log.c - the view model's event log: the plain sentences events are told
 * in, the log's lines, and what each tick writes to it.
 *
 * The event log is for people, who read perhaps five lines a second.  It
 * lists the events a class should notice one by one (steals, hand-offs,
 * sysmon retakes, preemptions, new threads, GOMAXPROCS changes, local-queue
 * overflows), and keeps what comes by the dozen to a line each:
 *  - the rare kinds: at most VIEW_LOG_PER_KIND a tick, then "+ N more";
 *  - steals: VIEW_LOG_STEALS a tick, else one line for the tick's steals;
 *  - the routine kinds (hand-offs, retakes, preemptions: every tick with
 *    blocking system calls or CPU-bound goroutines): the first after a quiet
 *    window is written out, and the rest of the window (VIEW_LOG_WINDOW_NS of
 *    snapshot time) summed up in one line per kind when it ends;
 *  - a retake, with the hand-off and thread start it causes, is one sentence.
 * The churn of a busy scheduler (run, stop, park, ready, timer fires, system
 * calls, M park and wake, global-queue batches) is only counted per tick
 * (ev_count) for the main view's activity line; spawns and exits, which
 * follow what the user did, get one line per kind per tick ("P0 spawned 512
 * goroutines (cpu)").  Every line carries classes (VIEW_LOGC_*) for the
 * filters, and a number (log_total) by which a view holds its place.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/view_model.h"

/* ---- sentences ---------------------------------------------------------------------- */

/* Whether an event is listed one by one (view_event_sentence's answer, cheaply). */
static bool
listable(const gs_event *e)
{
	switch (e->kind) {
	case GS_EV_STEAL:
	case GS_EV_HANDOFF:
	case GS_EV_RETAKE:
	case GS_EV_M_CREATE:
	case GS_EV_PREEMPT:
	case GS_EV_PROCRESIZE:
		return true;
	case GS_EV_GLOBAL_PUT:
		return e->m2 == GS_GPUT_OVERFLOW;
	default:
		return false;
	}
}

bool
view_event_sentence(const gs_event *e, char *buf, size_t size)
{
	char d[32];
	long long g = (long long)e->g, m = (long long)e->m, m2 = (long long)e->m2;
	long long arg = (long long)e->arg;
	int p = e->p, p2 = e->p2;
	if (buf == NULL || size == 0)
		return listable(e);
	switch (e->kind) {
	case GS_EV_NONE:
		snprintf(buf, size, "(no event)");
		break;
	case GS_EV_SPAWN: {
		char l[GS_LABEL_MAX];
		view__label_copy(l, e->label);
		if (l[0])
			snprintf(buf, size, "P%d spawned G%lld (%s)", p, g, l);
		else
			snprintf(buf, size, "P%d spawned G%lld", p, g);
		break;
	}
	case GS_EV_RUN:
		snprintf(buf, size, "G%lld started running on P%d (M%lld)", g, p, m);
		break;
	case GS_EV_STOP:
		snprintf(buf, size, "G%lld stopped running on P%d (now %s)", g, p,
		    gs_gstatus_name((int)arg));
		break;
	case GS_EV_EXIT:
		snprintf(buf, size, "G%lld finished on P%d", g, p);
		break;
	case GS_EV_PARK:
		snprintf(buf, size, "G%lld parked on P%d (%s)", g, p,
		    arg ? gs_waitreason_name((int)arg) : "waiting");
		break;
	case GS_EV_READY:
		snprintf(buf, size, "G%lld made runnable on P%d", g, p);
		break;
	case GS_EV_STEAL:
		snprintf(buf, size, "P%d stole %lld %s from P%d", p, arg,
		    view__plural(arg, "goroutine", "goroutines"), p2);
		break;
	case GS_EV_HANDOFF:
		if (m2 >= 0)
			snprintf(buf, size, "M%lld handed P%d to M%lld%s", m, p, m2,
			    arg == 1       ? " (to look for work)"
				: arg == 2 ? " (to poll the network)"
					   : " (work was waiting)");
		else
			snprintf(buf, size, "M%lld gave up P%d; nothing to run, so P%d went idle",
			    m, p, p);
		break;
	case GS_EV_RETAKE:
		snprintf(buf, size, "sysmon took P%d from M%lld (in a system call)", p, m);
		break;
	case GS_EV_M_CREATE:
		if (p >= 0)
			snprintf(buf, size, "M%lld created (a new thread) for P%d", m, p);
		else
			snprintf(buf, size, "M%lld created (a new thread)", m);
		break;
	case GS_EV_M_PARK:
		snprintf(buf, size, "M%lld parked (idle thread)", m);
		break;
	case GS_EV_M_WAKE:
		snprintf(buf, size, "idle M%lld woken for P%d%s", m, p, arg ? ", spinning" : "");
		break;
	case GS_EV_SYSCALL_ENTER:
		snprintf(buf, size, "M%lld entered a system call (G%lld), leaving P%d", m, g, p);
		break;
	case GS_EV_SYSCALL_EXIT:
		if (p >= 0)
			snprintf(buf, size,
			    "G%lld on M%lld returned from a system call and got P%d", g, m, p);
		else
			snprintf(buf, size,
			    "G%lld on M%lld returned from a system call, found no idle P: "
			    "queued globally, M%lld parked",
			    g, m, m);
		break;
	case GS_EV_PREEMPT:
		snprintf(buf, size, "G%lld on P%d preempted (%s)", g, p,
		    arg ? "signal" : "yielded at a check");
		break;
	case GS_EV_NETPOLL_WAKE:
		snprintf(buf, size, "the netpoller woke %lld %s", arg,
		    view__plural(arg, "goroutine", "goroutines"));
		break;
	case GS_EV_TIMER_FIRE:
		snprintf(buf, size, "a timer fired on P%d", p);
		break;
	case GS_EV_PROCRESIZE:
		view__fmt_dur((uint64_t)(arg > 0 ? arg : 0), d, sizeof d);
		snprintf(buf, size, "GOMAXPROCS %d -> %d (world stopped %s)", p2, p, d);
		break;
	case GS_EV_GLOBAL_PUT:
		if (e->m2 == GS_GPUT_OVERFLOW)
			snprintf(buf, size,
			    "P%d's local queue was full: %lld goroutines moved to the global queue",
			    p, arg);
		else if (e->m2 == GS_GPUT_YIELD)
			snprintf(buf, size, "G%lld yielded on P%d: put on the global queue", g, p);
		else if (p < 0)
			snprintf(buf, size,
			    "%lld %s woken with no P at hand: put on the global "
			    "queue",
			    arg, view__plural(arg, "goroutine", "goroutines"));
		else
			snprintf(buf, size, "%lld woken %s put on the global queue for idle Ps",
			    arg, view__plural(arg, "goroutine", "goroutines"));
		break;
	case GS_EV_GLOBAL_GET:
		snprintf(buf, size, "P%d took %lld %s from the global queue", p, arg,
		    view__plural(arg, "goroutine", "goroutines"));
		break;
	case GS_EV_MOVE: /* one of a batch, never listed by itself */
		if (p < 0)
			snprintf(buf, size, "G%lld moved to the global queue", g);
		else
			snprintf(buf, size, "G%lld moved to P%d", g, p);
		break;
	default:
		snprintf(buf, size, "unknown event %d", (int)e->kind);
		break;
	}
	return listable(e);
}

/* ---- the log ---------------------------------------------------------------------------- */

const view_logline *
view__log_line(const view_model *m, int i)
{
	int first = (m->log_head - m->log_len + m->log_cap) % m->log_cap;
	return &m->log[(first + i) % m->log_cap];
}

/* Append a line: text cut (if it must be) at a whole character with "...".
 * The line names nothing yet (no goroutine, P or M): the caller fills in
 * what its event named. */
view_logline *
view__log_add(view_model *m, uint64_t time_ns, view_attr attr, unsigned cls, const char *text)
{
	view_logline *l = &m->log[m->log_head];
	const char *t = text ? text : "";
	size_t n = strlen(t);

	memset(l, 0, offsetof(view_logline, text));
	l->time_ns = time_ns;
	l->m[0] = l->m[1] = -1;
	l->p[0] = l->p[1] = -1;
	l->gstate = -1;
	l->attr = (uint8_t)attr;
	l->cls = (uint8_t)cls;
	if (n < sizeof l->text) {
		n = view__utf8_whole(t, n);
		memcpy(l->text, t, n);
		l->text[n] = '\0';
	} else {
		n = view__utf8_whole(t, sizeof l->text - 4);
		memcpy(l->text, t, n);
		memcpy(l->text + n, "...", 4);
	}
	m->log_head = (m->log_head + 1) % m->log_cap;
	if (m->log_len < m->log_cap)
		m->log_len++;
	m->log_total++;
	return l;
}

void
view_model_note(view_model *m, uint64_t time_ns, view_attr attr, const char *text)
{
	if (m == NULL)
		return;
	if ((unsigned)attr >= VA_NATTRS)
		attr = VA_NORMAL;
	view__log_add(m, time_ns, attr, VIEW_LOGC_NOTE, text);
}

bool
view__log_shows(const view_logline *l, const view_gquery *q)
{
	return q == NULL || (q->n >= 0 && view__gquery_match_line(q, l));
}

const view_gquery *
view__log_query(const view_state *v, const char **err)
{
	/* the UI thread's: parsed once per query, not once per line */
	static char text[VIEW_GQ_TEXT * 2], perr[128];
	static view_gquery q;
	static bool have;

	if (err != NULL)
		*err = "";
	if (v->log_query == NULL || v->log_query[0] == '\0')
		return NULL;
	if (!have || strcmp(text, v->log_query) != 0) {
		snprintf(text, sizeof text, "%s", v->log_query);
		if (view_gquery_parse(text, &q, perr, sizeof perr) != 0)
			q.n = -1; /* shows nothing */
		have = true;
	}
	if (err != NULL && q.n < 0)
		*err = perr;
	return q.n == 0 ? NULL : &q;
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

bool
view__log_match(const char *text, const char *find, size_t from, size_t *at, size_t *n)
{
	size_t fl = find ? strlen(find) : 0, tl = strlen(text);

	if (fl == 0 || from > tl)
		return false;
	for (size_t i = from; i + fl <= tl; i++) {
		size_t k = 0;
		while (k < fl && lower((unsigned char)text[i + k]) == lower((unsigned char)find[k]))
			k++;
		if (k == fl) {
			*at = i;
			*n = fl;
			return true;
		}
	}
	return false;
}

/* The number of the i-th oldest kept line. */
static uint64_t
log_number(const view_model *m, int i)
{
	return m->log_total - (uint64_t)m->log_len + (uint64_t)i;
}

/* The newest line at or before index i that f shows, or the oldest after it
 * (a held line that f hides, or that the ring dropped); -1 if f shows none. */
static int
log_shown_near(const view_model *m, int i, const view_gquery *f)
{
	for (int k = i; k >= 0; k--)
		if (view__log_shows(view__log_line(m, k), f))
			return k;
	for (int k = i + 1; k < m->log_len; k++)
		if (view__log_shows(view__log_line(m, k), f))
			return k;
	return -1;
}

int
view__log_bottom(const view_model *m, const view_state *v)
{
	int i = m->log_len - 1;

	if (m->log_len == 0)
		return -1;
	if (v->log_at != 0) {
		uint64_t want = v->log_at - 1, oldest = log_number(m, 0);
		i = want < oldest                           ? 0
		    : want - oldest >= (uint64_t)m->log_len ? m->log_len - 1
							    : (int)(want - oldest);
	}
	return log_shown_near(m, i, view__log_query(v, NULL));
}

/* Hold the log with line i at the bottom. */
static void
log_hold(const view_model *m, view_state *v, int i)
{
	if (v->log_at == 0)
		v->log_seen = m->log_total;
	v->log_at = log_number(m, i) + 1;
}

void
view__log_hold(const view_model *m, view_state *v, int i)
{
	if (i < 0) {
		v->log_at = 0;
		v->log_seen = 0;
		return;
	}
	log_hold(m, v, i);
}

bool
view_log_find(const view_model *m, view_state *v, const char *query, int dir)
{
	view_gquery q;
	char err[128];
	int b, i, step = dir > 0 ? 1 : -1;

	if (m == NULL || v == NULL || m->log_len == 0 ||
	    view_gquery_parse(query, &q, err, sizeof err) != 0 || q.n == 0)
		return false;
	const view_gquery *f = view__log_query(v, NULL);
	b = view__log_bottom(m, v);
	if (dir == 0 || v->log_at == 0 || b < 0) {
		if (dir > 0)
			return false; /* following: nothing is newer */
		i = m->log_len - 1;
	} else {
		i = b + step;
	}
	for (; i >= 0 && i < m->log_len; i += step) {
		const view_logline *l = view__log_line(m, i);
		if (view__log_shows(l, f) && view__gquery_match_line(&q, l)) {
			log_hold(m, v, i);
			return true;
		}
	}
	return false;
}

uint64_t
view_log_new(const view_model *m, const view_state *v)
{
	uint64_t n = 0;
	const view_gquery *f;

	if (m == NULL || v == NULL || v->log_at == 0 || m->log_total <= v->log_seen)
		return 0;
	f = view__log_query(v, NULL);
	if (f == NULL)
		return m->log_total - v->log_seen;
	for (int i = m->log_len - 1; i >= 0 && log_number(m, i) >= v->log_seen; i--)
		n += view__log_shows(view__log_line(m, i), f);
	return n;
}

/* What a retake led to in its tick (retake_follow). */
enum { RT_WOKEN = 0, RT_NEW, RT_PARKED, RT_OTHER };

/*
 * The hand-off that follows retake ev[i] in the same tick, and the M woken or
 * made for it: both marked consumed (the retake's line tells them).  Returns
 * an RT_* outcome; *h: the hand-off's index, -1 none.
 */
static int
retake_follow(view_model *m, const gs_event *ev, int nev, int i, int *h)
{
	const gs_event *r = &ev[i];
	int c = -1;

	*h = -1;
	for (int k = i + 1; k < nev; k++) {
		if (ev[k].kind == GS_EV_HANDOFF && ev[k].p == r->p && ev[k].m == r->m &&
		    !m->consumed[k]) {
			*h = k;
			break;
		}
	}
	if (*h < 0)
		return RT_OTHER;
	m->consumed[*h] = 1;
	if (ev[*h].m2 < 0)
		return RT_PARKED;
	for (int k = i + 1; k < *h; k++) {
		if ((ev[k].kind == GS_EV_M_CREATE || ev[k].kind == GS_EV_M_WAKE) &&
		    ev[k].m == ev[*h].m2 && !m->consumed[k]) {
			c = k;
			break;
		}
	}
	if (c < 0)
		return RT_OTHER;
	m->consumed[c] = 1;
	return ev[c].kind == GS_EV_M_CREATE ? RT_NEW : RT_WOKEN;
}

/*
 * A retake and what follows from it in the same tick (retake_follow's h and
 * how), in one sentence: "M7 entered a system call; sysmon took P0 and handed
 * it to M9 (new thread)".
 */
static void
retake_sentence(const gs_event *ev, int i, int h, int how, char *buf, size_t size)
{
	const gs_event *r = &ev[i];

	if (h < 0) {
		view_event_sentence(r, buf, size);
		return;
	}
	if (how == RT_PARKED) {
		snprintf(buf, size,
		    "M%lld entered a system call; sysmon took P%d and parked it (nothing to run)",
		    (long long)r->m, r->p);
		return;
	}
	snprintf(buf, size, "M%lld entered a system call; sysmon took P%d and handed it to M%lld%s",
	    (long long)r->m, r->p, (long long)ev[h].m2,
	    how == RT_NEW         ? " (new thread)"
		: how == RT_WOKEN ? " (idle thread woken)"
				  : "");
}

/* Append " after running at least 8.2 ms" when the last snapshot saw g run on p. */
static void
preempt_detail(const view_model *m, const gs_event *e, char *buf, size_t size)
{
	if (e->p < 0 || e->p >= m->prev_np || m->prev_p[e->p].curg.id != e->g ||
	    m->prev_p[e->p].slice_ns == 0)
		return;
	char d[80];
	size_t n = strlen(buf);
	view__fmt_slow(m->prev_p[e->p].slice_ns, m->timescale, d, sizeof d);
	snprintf(buf + n, size - n, " after running at least %s", d);
}

static const char *
kind_plural(int kind)
{
	switch (kind) {
	case GS_EV_M_CREATE:
		return "new threads";
	case GS_EV_PROCRESIZE:
		return "GOMAXPROCS changes";
	case GS_EV_GLOBAL_PUT:
		return "local-queue overflows";
	default:
		return "events";
	}
}

static view_attr
kind_attr(int kind)
{
	switch (kind) {
	case GS_EV_STEAL:
		return VA_STEAL;
	case GS_EV_HANDOFF:
	case GS_EV_RETAKE:
		return VA_HANDOFF;
	case GS_EV_PREEMPT:
		return VA_PREEMPT;
	case GS_EV_PROCRESIZE:
		return VA_BOLD;
	default:
		return VA_NORMAL;
	}
}

/* The filter classes of an event's line. */
static unsigned
kind_class(int kind)
{
	switch (kind) {
	case GS_EV_STEAL:
		return VIEW_LOGC_STEAL;
	case GS_EV_HANDOFF:
	case GS_EV_RETAKE:
	case GS_EV_M_CREATE:
		return VIEW_LOGC_THREAD;
	case GS_EV_PREEMPT:
		return VIEW_LOGC_PREEMPT;
	default:
		return 0;
	}
}

/* Goroutine g as the goroutine list fed with the tick (gl, ng) has it, else
 * as the latest list the model has; NULL if neither lists it. */
static const gs_snap_ginfo *
ginfo_of(const view_model *m, const gs_snap_ginfo *gl, int ng, int64_t g)
{
	for (int i = 0; i < ng; i++)
		if (gl[i].id == g)
			return &gl[i];
	for (int i = 0; i < m->ng; i++)
		if (m->g[i].id == g)
			return &m->g[i];
	return NULL;
}

/* Line l is about goroutine g (0: none), in state st (-1: unknown): its
 * label and kind as a list has them. */
static void
about_g(const view_model *m, view_logline *l, int64_t g, int st, const gs_snap_ginfo *gl, int ng)
{
	const gs_snap_ginfo *gi = g != 0 ? ginfo_of(m, gl, ng, g) : NULL;

	l->g = g;
	l->gstate = (int8_t)st;
	if (gi != NULL) {
		view__label_copy(l->label[0], gi->label);
		view_g_kind(gi->tag, &l->kind, NULL);
	}
}

/* Fill in line l what event e (one listed one by one) names. */
static void
about_event(const view_model *m, view_logline *l, const gs_event *e, const gs_snap_ginfo *gl,
    int ng)
{
	l->ev = e->kind;
	if (e->kind != GS_EV_PROCRESIZE) /* its p and p2 are counts */
		l->p[0] = e->p;
	if (e->m >= 0)
		l->m[0] = e->m;
	switch (e->kind) {
	case GS_EV_STEAL: /* g: the goroutine the thief runs at once */
		l->p[1] = e->p2;
		about_g(m, l, e->g, GS_G_RUNNING, gl, ng);
		break;
	case GS_EV_PREEMPT:
		about_g(m, l, e->g, GS_G_RUNNABLE, gl, ng);
		break;
	case GS_EV_HANDOFF:
		l->m[1] = e->m2 >= 0 ? e->m2 : -1;
		break;
	default:
		break;
	}
}

/* The routine kind (enum view_routine) of an event kind, -1 for the others. */
static int
routine_of(int kind)
{
	switch (kind) {
	case GS_EV_HANDOFF:
		return VIEW_RT_HANDOFF;
	case GS_EV_RETAKE:
		return VIEW_RT_RETAKE;
	case GS_EV_PREEMPT:
		return VIEW_RT_PREEMPT;
	default:
		return -1;
	}
}

static const int routine_kind[VIEW_RT_N] = { GS_EV_HANDOFF, GS_EV_RETAKE, GS_EV_PREEMPT };

/* A hand-off's outcome for its window: to look for work, to poll the
 * network, work was waiting, the P went idle. */
static int
handoff_how(const gs_event *e)
{
	return e->m2 < 0 ? 3 : e->arg == 1 ? 0 : e->arg == 2 ? 1 : 2;
}

/* " (3 to idle threads, 1 to a new thread)": the outcomes of a window with
 * a count, from names[] (singular, plural). */
static void
window_parts(const view_window *w, const char *const (*names)[2], int nnames, char *buf,
    size_t size)
{
	size_t at = 0;

	buf[0] = '\0';
	for (int k = 0; k < nnames && at < size; k++) {
		if (w->how[k] == 0)
			continue;
		at += (size_t)snprintf(buf + at, size - at, "%s%" PRId64 " %s", at ? ", " : " (",
		    w->how[k], names[k][w->how[k] != 1]);
	}
	if (at > 0 && at < size)
		snprintf(buf + at, size - at, ")");
}

/* " on P0 P1 P3", or " on 12 Ps" when there are more than four. */
static void
window_ps(const view_window *w, char *buf, size_t size)
{
	int np = __builtin_popcountll(w->pmask);
	size_t at = 0;

	buf[0] = '\0';
	if (np == 0)
		return;
	if (np > 4) {
		snprintf(buf, size, " on %d Ps", np);
		return;
	}
	at = (size_t)snprintf(buf, size, " on");
	for (int p = 0; p < 64 && at < size; p++)
		if (w->pmask & (1ull << p))
			at += (size_t)snprintf(buf + at, size - at, " P%d", p);
}

/* The summary of a routine kind's window ending at now. */
static void
window_line(view_model *m, int rt, uint64_t now)
{
	static const char *const handoff[][2] = { { "to look for work", "to look for work" },
		{ "to poll the network", "to poll the network" },
		{ "with work waiting", "with work waiting" }, { "left idle", "left idle" } };
	static const char *const retake[][2] = { { "to an idle thread", "to idle threads" },
		{ "to a new thread", "to new threads" }, { "parked", "parked" },
		{ "to another thread", "to other threads" } };
	static const char *const preempt[][2] = { { "by signal", "by signal" },
		{ "at a check", "at a check" } };
	view_window *w = &m->win[rt];
	/* Room for any count; log_add cuts what a line cannot hold. */
	char d[32], parts[160], ps[48], buf[2 * VIEW_LOG_TEXT];
	int64_t n = w->n;

	snprintf(d, sizeof d, "%.1f s", (double)(now - w->start_ns) / 1e9);
	window_ps(w, ps, sizeof ps);
	switch (rt) {
	case VIEW_RT_HANDOFF:
		/* Read off two snapshots, a hand-off says where the P went but
		 * not why: no outcome is claimed for it. */
		if (m->lacks & TICK_EVENTS_INFERRED)
			snprintf(parts, sizeof parts, " (inferred)");
		else
			window_parts(w, handoff, 4, parts, sizeof parts);
		snprintf(buf, sizeof buf, "in the last %s: %" PRId64 " %s%s%s", d, n,
		    view__plural(n, "hand-off", "hand-offs"), ps, parts);
		break;
	case VIEW_RT_RETAKE:
		window_parts(w, retake, 4, parts, sizeof parts);
		snprintf(buf, sizeof buf,
		    "in the last %s: sysmon took %" PRId64 " %s from Ms in system calls%s", d, n,
		    view__plural(n, "P", "Ps"), parts);
		break;
	default:
		window_parts(w, preempt, 2, parts, sizeof parts);
		snprintf(buf, sizeof buf, "in the last %s: %" PRId64 " %s%s%s", d, n,
		    view__plural(n, "preemption", "preemptions"), ps, parts);
		break;
	}
	view_logline *l =
	    view__log_add(m, now, kind_attr(routine_kind[rt]), kind_class(routine_kind[rt]), buf);
	l->ev = (uint16_t)routine_kind[rt];
	l->pmask = w->pmask;
}

/* Count an event of routine kind rt (its outcome `how`) in its window;
 * false if it opened the window: then it is written out. */
static bool
window_count(view_model *m, int rt, const gs_event *e, int how, uint64_t now)
{
	view_window *w = &m->win[rt];
	bool opened = w->start_ns == 0;

	if (opened) {
		memset(w, 0, sizeof *w);
		w->start_ns = now ? now : 1;
		w->shown = 1;
	}
	w->n++;
	w->how[how & 3]++;
	if (e->p >= 0 && e->p < 64)
		w->pmask |= 1ull << e->p;
	return !opened;
}

/* Up to VIEW_LOG_LABELS labels and their counts, for a spawn summary. */
struct labelcount {
	char label[VIEW_LOG_LABELS][GS_LABEL_MAX];
	int64_t n[VIEW_LOG_LABELS];
	int k;
	bool more;
};

static void
labelcount_add(struct labelcount *lc, const char *label)
{
	for (int i = 0; i < lc->k; i++) {
		if (strncmp(lc->label[i], label, GS_LABEL_MAX) == 0) {
			lc->n[i]++;
			return;
		}
	}
	if (lc->k == VIEW_LOG_LABELS) {
		lc->more = true;
		return;
	}
	view__label_copy(lc->label[lc->k], label);
	lc->n[lc->k++] = 1;
}

static void
labelcount_fmt(const struct labelcount *lc, char *buf, size_t size)
{
	size_t at = 0;

	buf[0] = '\0';
	if (lc->k == 0 || (lc->k == 1 && lc->label[0][0] == '\0'))
		return;
	if (lc->k == 1 && !lc->more) {
		snprintf(buf, size, " (%s)", lc->label[0]);
		return;
	}
	for (int i = 0; i < lc->k && at < size; i++)
		at += (size_t)snprintf(buf + at, size - at, "%s%s %" PRId64, i ? ", " : " (",
		    lc->label[i][0] ? lc->label[i] : "unlabelled", lc->n[i]);
	if (at < size)
		snprintf(buf + at, size - at, "%s)", lc->more ? ", ..." : "");
}

/* A tick's steals in one line: "7 steals moved 212 goroutines: P1 from P0
 * x4, P2 from P0 x3" (three thief-victim pairs at the most, then "..."). */
static void
steals_line(view_model *m, const gs_event *ev, int nev, uint64_t now)
{
	struct steal_pair {
		int thief, victim;
		int64_t n;
	} pair[3];
	int npair = 0;
	bool more = false;
	int64_t steals = 0, moved = 0;
	char buf[VIEW_LOG_TEXT];
	size_t at;

	for (int i = 0; i < nev; i++) {
		if (ev[i].kind != GS_EV_STEAL)
			continue;
		steals++;
		moved += ev[i].arg;
		int k = 0;
		while (k < npair && (pair[k].thief != ev[i].p || pair[k].victim != ev[i].p2))
			k++;
		if (k < npair)
			pair[k].n++;
		else if (npair < 3)
			pair[npair++] = (struct steal_pair){ ev[i].p, ev[i].p2, 1 };
		else
			more = true;
	}
	at = (size_t)snprintf(buf, sizeof buf, "%" PRId64 " steals moved %" PRId64 " %s:", steals,
	    moved, view__plural(moved, "goroutine", "goroutines"));
	for (int k = 0; k < npair && at < sizeof buf; k++)
		at += (size_t)snprintf(buf + at, sizeof buf - at, "%s P%d from P%d x%" PRId64,
		    k ? "," : "", pair[k].thief, pair[k].victim, pair[k].n);
	if (more && at < sizeof buf)
		snprintf(buf + at, sizeof buf - at, ", ...");
	view_logline *l = view__log_add(m, now, VA_STEAL, VIEW_LOGC_STEAL, buf);
	l->ev = GS_EV_STEAL;
	for (int k = 0; k < npair; k++)
		for (int q = 0; q < 2; q++) {
			int p = q ? pair[k].victim : pair[k].thief;
			if (p >= 0 && p < 64)
				l->pmask |= 1ull << p;
		}
}

/* The log lines of one tick's events; now: the snapshot's time. */
void
view__log_events(view_model *m, const gs_event *ev, int nev, uint64_t now, const gs_snap_ginfo *gl,
    int ng)
{
	int listed[GS_EV_NKINDS] = { 0 };
	int64_t extra[GS_EV_NKINDS] = { 0 }, extra_arg[GS_EV_NKINDS] = { 0 };
	char buf[VIEW_LOG_TEXT];
	struct labelcount lc;
	int spawn_p = -2, exit_p = -2; /* -2 none yet, -1 several Ps */
	int64_t spawns = 0, exits = 0, spawn_g = 0, exit_g = 0;
	uint64_t spawn_t = now, exit_t = now;
	bool steals_summed = m->ev_count[GS_EV_STEAL] > VIEW_LOG_STEALS;

	memset(&lc, 0, sizeof lc);
	for (int i = 0; i < nev; i++) {
		const gs_event *e = &ev[i];
		int k = e->kind < GS_EV_NKINDS ? e->kind : GS_EV_NONE;
		int rt = routine_of(k);
		if (m->consumed[i])
			continue;
		if (k == GS_EV_SPAWN) {
			spawns++;
			spawn_p = spawn_p == -2 || spawn_p == e->p ? e->p : -1;
			spawn_t = e->time_ns;
			spawn_g = e->g;
			labelcount_add(&lc, e->label);
			continue;
		}
		if (k == GS_EV_EXIT) {
			exits++;
			exit_p = exit_p == -2 || exit_p == e->p ? e->p : -1;
			exit_t = e->time_ns;
			exit_g = e->g;
			continue;
		}
		if (!listable(e) || (k == GS_EV_STEAL && steals_summed))
			continue;
		int h = -1, how = 0;
		if (k == GS_EV_RETAKE)
			how = retake_follow(m, ev, nev, i, &h);
		else if (k == GS_EV_HANDOFF)
			how = handoff_how(e);
		else if (k == GS_EV_PREEMPT)
			how = e->arg ? 0 : 1;
		if (rt >= 0 && window_count(m, rt, e, how, now))
			continue;
		if (rt < 0 && k != GS_EV_STEAL && listed[k] >= VIEW_LOG_PER_KIND) {
			extra[k]++;
			extra_arg[k] += e->arg;
			continue;
		}
		listed[k]++;
		view_event_sentence(e, buf, sizeof buf);
		if (k == GS_EV_RETAKE)
			retake_sentence(ev, i, h, how, buf, sizeof buf);
		else if (k == GS_EV_PREEMPT)
			preempt_detail(m, e, buf, sizeof buf);
		if (m->lacks & TICK_EVENTS_INFERRED) {
			/* not seen happen: read off two successive snapshots,
			 * which say what moved but not why */
			if (k == GS_EV_HANDOFF) {
				char who[32] = "its goroutine";
				if (e->g != 0)
					snprintf(who, sizeof who, "G%" PRId64, e->g);
				if (e->m2 >= 0)
					snprintf(buf, sizeof buf,
					    "P%d went from M%" PRId64 " to M%" PRId64
					    " while %s sat in a system call",
					    e->p, e->m, e->m2, who);
				else
					snprintf(buf, sizeof buf,
					    "P%d left M%" PRId64
					    " for the idle list while %s sat in a system call",
					    e->p, e->m, who);
			}
			size_t n = strlen(buf);
			snprintf(buf + n, sizeof buf - n, " (inferred)");
		}
		view_logline *l = view__log_add(m, e->time_ns, kind_attr(k), kind_class(k), buf);
		about_event(m, l, e, gl, ng);
		if (h >= 0 && ev[h].m2 >= 0)
			l->m[1] = ev[h].m2; /* the retake's hand-off */
	}
	if (steals_summed)
		steals_line(m, ev, nev, now);
	for (int k = 0; k < GS_EV_NKINDS; k++) {
		if (extra[k] == 0)
			continue;
		if (k == GS_EV_GLOBAL_PUT)
			snprintf(buf, sizeof buf,
			    "+ %" PRId64 " more %s this tick (%" PRId64 " goroutines)", extra[k],
			    kind_plural(k), extra_arg[k]);
		else
			snprintf(buf, sizeof buf, "+ %" PRId64 " more %s this tick", extra[k],
			    kind_plural(k));
		view__log_add(m, now, kind_attr(k), kind_class(k), buf)->ev = (uint16_t)k;
	}
	if (spawns) {
		char l[160];
		labelcount_fmt(&lc, l, sizeof l);
		if (spawn_p >= 0)
			snprintf(buf, sizeof buf, "P%d spawned %" PRId64 " %s%s", spawn_p, spawns,
			    view__plural(spawns, "goroutine", "goroutines"), l);
		else
			snprintf(buf, sizeof buf, "%" PRId64 " %s spawned on several Ps%s", spawns,
			    view__plural(spawns, "goroutine", "goroutines"), l);
		view_logline *sl = view__log_add(m, spawn_t, VA_NORMAL, 0, buf);
		sl->ev = GS_EV_SPAWN;
		sl->p[0] = (int16_t)(spawn_p >= 0 ? spawn_p : -1);
		if (spawns == 1)
			about_g(m, sl, spawn_g, GS_G_RUNNABLE, gl, ng);
		for (int k = 0; k < lc.k && k < VIEW_LOG_LABELS; k++)
			view__label_copy(sl->label[k], lc.label[k]);
	}
	if (exits) {
		if (exit_p >= 0)
			snprintf(buf, sizeof buf, "%" PRId64 " %s finished on P%d", exits,
			    view__plural(exits, "goroutine", "goroutines"), exit_p);
		else
			snprintf(buf, sizeof buf, "%" PRId64 " %s finished", exits,
			    view__plural(exits, "goroutine", "goroutines"));
		view_logline *el = view__log_add(m, exit_t, VA_DIM, 0, buf);
		el->ev = GS_EV_EXIT;
		el->p[0] = (int16_t)(exit_p >= 0 ? exit_p : -1);
		if (exits == 1)
			about_g(m, el, exit_g, GS_G_DEAD, gl, ng);
	}
	/* Windows that have run their time: summed up if more came, else closed
	 * (the next event of the kind is written out again). */
	for (int rt = 0; rt < VIEW_RT_N; rt++) {
		view_window *w = &m->win[rt];
		/* Ticks come a little early or late: a twentieth of the window early
		 * is its end, so a 10 Hz window ends at its tenth tick. */
		if (w->start_ns == 0 || now < w->start_ns ||
		    now - w->start_ns < VIEW_LOG_WINDOW_NS - VIEW_LOG_WINDOW_NS / 20)
			continue;
		if (w->n > w->shown) {
			window_line(m, rt, now);
			memset(w, 0, sizeof *w);
			w->start_ns = now;
		} else {
			w->start_ns = 0;
		}
	}
}
