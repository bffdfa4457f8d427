/*
 * check_history.c - the rewind's bounded history (src/live/history.c): round
 * trips of random ticks, eviction and the budget, tick numbering, refused and
 * truncated ticks, and the bytes a tick costs at the visualizer's sizes.
 *
 * Public headers only (plus the front end's own), like the gsched program.
 * Ticks are generated from their tick number, so a test can make the same
 * tick again to compare with what the history gives back, and every rebuilt
 * tick is also compared with the original through the recording writer's JSON
 * (record.c), which names every field a snapshot and an event have.
 */
#define _GNU_SOURCE
#include <check.h>
#include <inttypes.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsched.h>
#include <gsched/observe.h>

#include "format/fields.h"
#include "format/record.h"
#include "format/tick.h"
#include "live/history.h"

/* ---- generated ticks ----------------------------------------------------------- */

static uint64_t rng;

static void
seed(uint64_t s)
{
	rng = s * 0x9E3779B97F4A7C15ull + 0x2545F4914F6CDD1Dull;
	if (rng == 0)
		rng = 1;
}

static uint64_t
rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545F4914F6CDD1Dull;
}

static uint64_t
rndn(uint64_t n)
{
	return n ? rnd() % n : 0;
}

static void
rnd_bytes(void *p, size_t n)
{
	unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		b[i] = (unsigned char)rnd();
}

/* A label from a pool of 24 (more than the encoder's table of 16) or, one time
 * in four, made up: any length up to GS_LABEL_MAX - 1. */
static void
rnd_label(char *out)
{
	memset(out, 0, GS_LABEL_MAX);
	if (rndn(4)) {
		snprintf(out, GS_LABEL_MAX, "w%d", (int)rndn(24));
		return;
	}
	size_t len = rndn(GS_LABEL_MAX);
	for (size_t i = 0; i < len; i++)
		out[i] = (char)('a' + rndn(26));
}

/* A goroutine's tag: none, one of a few letters (so a label meets it with
 * another tag too), or any byte. */
static char
rnd_tag(void)
{
	uint64_t k = rndn(8);
	return k < 2 ? 0 : k < 7 ? "CSBNL"[k - 2] : (char)rndn(256);
}

/* One tick's extras and their storage. */
struct extras {
	history_extra x;
	char caption[256];
	unsigned char note[40];
};

/* Extras that stay the same for a few ticks (as a lesson's caption does) and
 * are sometimes absent or empty. */
static void
gen_extras(int64_t tick, struct extras *e)
{
	uint64_t saved = rng;

	memset(&e->x, 0, sizeof e->x);
	seed((uint64_t)(tick / 7) + 77);
	switch (rndn(4)) {
	case 0:
		break;
	case 1:
		e->caption[0] = '\0';
		e->x.caption = e->caption;
		break;
	default: {
		size_t len = rndn(sizeof e->caption);
		for (size_t i = 0; i < len; i++)
			e->caption[i] = (char)(' ' + rndn(90));
		e->caption[len] = '\0';
		e->x.caption = e->caption;
	}
	}
	seed((uint64_t)(tick / 3) + 99);
	if (rndn(3)) {
		e->x.note_len = rndn(sizeof e->note + 1);
		rnd_bytes(e->note, e->x.note_len);
		e->x.note = e->note;
	}
	rng = saved;
}

struct shape {
	int maxp, maxm, maxq, maxev; /* upper bounds of np, nm, listed, nev */
};

/* A tick with random values everywhere (full ranges, negative ids, events out
 * of time order), its sizes drawn within sh. */
static void
gen_random(int64_t tick, const struct shape *sh, gs_snapshot *s, gs_event *ev, tick_data *t)
{
	seed((uint64_t)tick);
	s->time_ns = rnd();
	s->take_ns = rndn(100000);
	rnd_bytes(&s->stats, sizeof s->stats);
	/* a bool holds 0 or 1: any other byte is not a value of the type */
	for (int i = 0; i < fields_nstats; i++)
		if (fields_stats[i].type == FT_BOOL)
			*(bool *)((char *)&s->stats + fields_stats[i].off) = rndn(2) != 0;
	s->np = (int)rndn((uint64_t)sh->maxp + 1);
	s->nm = (int)rndn((uint64_t)sh->maxm + 1);
	s->nm_total = s->nm + (int)rndn(3);
	s->os_threads = s->nm_total + (int)rndn(1000);
	for (int i = 0; i < s->np; i++) {
		gs_snap_p *p = &s->p[i];
		rnd_bytes(p, sizeof *p);
		rnd_label(p->curg.label);
		p->curg.tag = rnd_tag();
		rnd_label(p->runnext.label);
		p->runnext.tag = rnd_tag();
		p->runq = &s->runq_store[(size_t)i * (size_t)s->runq_max];
		p->runq_listed = (uint32_t)rndn((uint64_t)sh->maxq + 1);
		for (uint32_t k = 0; k < p->runq_listed; k++) {
			p->runq[k].id = rndn(2) ? (int64_t)rnd() : (int64_t)rndn(5000);
			rnd_label(p->runq[k].label);
			p->runq[k].tag = rnd_tag();
		}
	}
	for (int i = 0; i < s->nm; i++) {
		gs_snap_m *m = &s->m[i];
		rnd_bytes(m, sizeof *m);
		m->spinning = rndn(2);
	}
	t->index = (int)tick;
	t->snap = s;
	t->ev = ev;
	t->nev = (int)rndn((uint64_t)sh->maxev + 1);
	t->dropped = rndn(3) ? 0 : rnd();
	t->gl = NULL;
	t->ng = t->ng_total = 0;
	for (int i = 0; i < t->nev; i++) {
		rnd_bytes(&ev[i], sizeof ev[i]);
		if (rndn(2))
			ev[i].time_ns = s->time_ns - rndn(100000000);
		rnd_label(ev[i].label);
		if (rndn(3))
			ev[i].label[0] = '\0';
	}
	/* the global queue's ends, drawn last so the draws above stay as they were */
	uint32_t gq = (uint32_t)(sh->maxq < s->runq_max ? sh->maxq : s->runq_max);
	s->glob = s->glob_store;
	s->glob_head = (uint32_t)rndn((uint64_t)gq + 1);
	s->glob_tail = (uint32_t)rndn((uint64_t)gq + 1);
	s->glob_len = s->glob_head + s->glob_tail + (uint32_t)(rndn(2) ? rndn(100000) : 0);
	for (uint32_t k = 0; k < s->glob_head + s->glob_tail; k++) {
		s->glob[k].id = rndn(2) ? (int64_t)rnd() : (int64_t)rndn(5000);
		rnd_label(s->glob[k].label);
		s->glob[k].tag = rnd_tag();
	}
}

/* A run as the visualizer sees it: np Ps with listed goroutines queued on each
 * (ids drawn once from a pool spread over a million, so queue neighbours are
 * far apart), nm Ms, nev events in the 100 ms before the snapshot, workload
 * labels, growing counters, a caption that changes every 50 ticks. */
struct run {
	int np, nm, listed, nev;
	int ngs;
	int64_t *gid;
	char (*glabel)[GS_LABEL_MAX];
};

static void
run_init(struct run *r, int np, int nm, int listed, int nev)
{
	static const char *const kinds[] = { "cpu", "sleep", "syscall", "net" };

	r->np = np;
	r->nm = nm;
	r->listed = listed;
	r->nev = nev;
	r->ngs = np * listed + 2 * np;
	r->gid = calloc((size_t)r->ngs, sizeof *r->gid);
	r->glabel = calloc((size_t)r->ngs, sizeof *r->glabel);
	ck_assert(r->gid && r->glabel);
	seed(12345);
	for (int i = 0; i < r->ngs; i++) {
		r->gid[i] = 1 + (int64_t)rndn(1000000);
		snprintf(r->glabel[i], GS_LABEL_MAX, "%s", kinds[rndn(4)]);
	}
}

static void
run_done(struct run *r)
{
	free(r->gid);
	free(r->glabel);
}

static void
gen_run(const struct run *r, int64_t tick, gs_snapshot *s, gs_event *ev, tick_data *t,
    struct extras *x)
{
	uint64_t now = 1000000000000000ull + (uint64_t)tick * 100000000ull;

	seed((uint64_t)tick + 5);
	memset(&s->stats, 0, sizeof s->stats);
	s->time_ns = now;
	s->take_ns = 20000 + rndn(20000);
	s->stats.gomaxprocs = r->np;
	s->stats.ncpu = 8;
	s->stats.threads = r->nm;
	s->stats.idle_threads = (int)rndn((uint64_t)r->nm);
	s->stats.goroutines = r->ngs;
	s->stats.global_runq = (int)rndn(100);
	for (int i = 0; i < GS_G_NSTATUS; i++)
		s->stats.by_status[i] = (int)rndn((uint64_t)r->ngs);
	s->stats.spawns = 1000000 + (uint64_t)tick * 137;
	s->stats.exits = s->stats.spawns - (uint64_t)r->ngs;
	s->stats.steals = 50000 + (uint64_t)tick * 11;
	s->stats.stolen = s->stats.steals * 3;
	s->stats.syscalls = 200000 + (uint64_t)tick * 40;
	s->stats.timers_fired = 300000 + (uint64_t)tick * 90;
	s->stats.netpoll_wakes = 100000 + (uint64_t)tick * 20;
	s->np = r->np;
	s->nm = r->nm;
	s->nm_total = r->nm;
	for (int i = 0; i < r->np; i++) {
		gs_snap_p *p = &s->p[i];
		memset(p, 0, sizeof *p);
		p->id = i;
		p->status = GS_PSTATE_RUNNING;
		p->m = 1 + (int64_t)rndn((uint64_t)r->nm);
		int c = (int)rndn((uint64_t)r->ngs);
		p->curg.id = r->gid[c];
		memcpy(p->curg.label, r->glabel[c], GS_LABEL_MAX);
		p->slice_ns = rndn(10000000);
		p->runq = &s->runq_store[(size_t)i * (size_t)s->runq_max];
		p->runq_len = p->runq_listed = (uint32_t)r->listed;
		for (int k = 0; k < r->listed; k++) {
			int g = (int)rndn((uint64_t)r->ngs);
			p->runq[k].id = r->gid[g];
			memcpy(p->runq[k].label, r->glabel[g], GS_LABEL_MAX);
		}
		p->schedtick = (uint32_t)(tick * 1000 + (int64_t)rndn(1000));
		p->syscalltick = (uint32_t)(tick * 10);
		p->timers = (int)rndn(50);
		p->steals = 10000 + (uint64_t)tick;
		p->stolen = p->steals * 3;
		p->stolen_from = p->stolen / 2;
		p->spawns = 200000 + (uint64_t)tick * 30;
		p->syscalls = 40000 + (uint64_t)tick * 9;
	}
	for (int i = 0; i < r->nm; i++) {
		gs_snap_m *m = &s->m[i];
		memset(m, 0, sizeof *m);
		m->id = i + 1;
		m->state = (int)rndn(6);
		m->p = m->state <= GS_MSTATE_SPINNING ? (int)rndn((uint64_t)r->np) : -1;
		m->curg = m->state == GS_MSTATE_RUNNING ? r->gid[rndn((uint64_t)r->ngs)] : 0;
		m->spinning = m->state == GS_MSTATE_SPINNING;
		m->created_ns = 1000000000000000ull - 60000000000ull + (uint64_t)i * 3000000ull;
	}
	uint64_t et = now - 100000000ull;
	for (int i = 0; i < r->nev; i++) {
		gs_event *e = &ev[i];
		memset(e, 0, sizeof *e);
		et += rndn(2000000);
		e->time_ns = et;
		e->kind = (uint16_t)(1 + rndn(GS_EV_NKINDS - 1));
		e->p = (int16_t)rndn((uint64_t)r->np);
		e->p2 = e->kind == GS_EV_STEAL ? (int16_t)rndn((uint64_t)r->np) : -1;
		e->m = 1 + (int64_t)rndn((uint64_t)r->nm);
		e->m2 = -1;
		int g = (int)rndn((uint64_t)r->ngs);
		e->g = r->gid[g];
		e->arg = (int64_t)rndn(4);
		if (e->kind == GS_EV_SPAWN)
			memcpy(e->label, r->glabel[g], GS_LABEL_MAX);
	}
	t->index = (int)tick;
	t->snap = s;
	t->ev = ev;
	t->nev = r->nev;
	t->dropped = 0;
	t->gl = NULL;
	t->ng = t->ng_total = 0;
	if (x) {
		memset(&x->x, 0, sizeof x->x);
		snprintf(x->caption, sizeof x->caption,
		    "Step %d: four Ps share the work; watch the queues even out as idle Ps steal.",
		    (int)(tick / 50));
		x->x.caption = x->caption;
		memset(x->note, (int)(tick / 20), 8);
		x->x.note = x->note;
		x->x.note_len = 8;
	}
}

/* ---- comparing ---------------------------------------------------------------- */

/* The recording writer's JSON of a tick: every field record.c knows. */
static char *
tick_json(const tick_data *t)
{
	record_writer w;
	tick_info info;
	char *buf = NULL;
	size_t len = 0;

	memset(&w, 0, sizeof w);
	memset(&info, 0, sizeof info);
	w.path = "memory";
	w.f = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(w.f);
	tick_sink s = record_sink(&w);
	ck_assert_int_eq(s.tick(s.ctx, &info, t), 0);
	ck_assert_int_eq(fclose(w.f), 0);
	return buf;
}

static void
same_g(const gs_snap_g *a, const gs_snap_g *b)
{
	/* Called for every listed goroutine of every tick: one check, and
	 * Check's bookkeeping (a message to the parent per passing assertion)
	 * only when it fails, or a sanitizer build under load runs past the
	 * timeout. */
	if (a->id != b->id || strncmp(a->label, b->label, GS_LABEL_MAX - 1) != 0 ||
	    b->label[GS_LABEL_MAX - 1] != 0 || a->tag != b->tag)
		ck_abort_msg("goroutine G%" PRId64 " '%.15s' %d came back as G%" PRId64
			     " '%.15s' %d",
		    a->id, a->label, a->tag, b->id, b->label, b->tag);
}

/* The original a (np, nm and runq_listed at most b's capacities) equals the
 * rebuilt b, field by field and as JSON. */
static void
same_tick(const tick_data *a, const tick_data *b)
{
	const gs_snapshot *s = a->snap, *o = b->snap;

	ck_assert_int_eq(a->index, b->index);
	ck_assert_int_eq(a->nev, b->nev);
	ck_assert_uint_eq(a->dropped, b->dropped);
	ck_assert_uint_eq(s->time_ns, o->time_ns);
	ck_assert_uint_eq(s->take_ns, o->take_ns);
	ck_assert_int_eq(s->np, o->np);
	ck_assert_int_eq(s->nm, o->nm);
	ck_assert_int_eq(s->nm_total, o->nm_total);
	ck_assert_int_eq(s->os_threads, o->os_threads);
	ck_assert_int_eq(s->stats.goroutines, o->stats.goroutines);
	ck_assert_uint_eq(s->stats.last_stw_ns, o->stats.last_stw_ns);
	ck_assert_mem_eq(s->stats.by_status, o->stats.by_status, sizeof s->stats.by_status);
	ck_assert_mem_eq(s->stats.by_waitreason, o->stats.by_waitreason,
	    sizeof s->stats.by_waitreason);
	for (int i = 0; i < s->np; i++) {
		const gs_snap_p *p = &s->p[i], *q = &o->p[i];
		ck_assert_int_eq(p->id, q->id);
		ck_assert_int_eq(p->status, q->status);
		ck_assert_int_eq(p->m, q->m);
		same_g(&p->curg, &q->curg);
		ck_assert_int_eq(p->curg_status, q->curg_status);
		ck_assert_uint_eq(p->slice_ns, q->slice_ns);
		same_g(&p->runnext, &q->runnext);
		ck_assert_uint_eq(p->runq_len, q->runq_len);
		ck_assert_uint_eq(p->runq_listed, q->runq_listed);
		for (uint32_t k = 0; k < p->runq_listed; k++)
			same_g(&p->runq[k], &q->runq[k]);
		ck_assert_uint_eq(p->schedtick, q->schedtick);
		ck_assert_uint_eq(p->syscalltick, q->syscalltick);
		ck_assert_int_eq(p->timers, q->timers);
		ck_assert_uint_eq(p->steals, q->steals);
		ck_assert_uint_eq(p->stolen, q->stolen);
		ck_assert_uint_eq(p->stolen_from, q->stolen_from);
		ck_assert_uint_eq(p->spawns, q->spawns);
		ck_assert_uint_eq(p->syscalls, q->syscalls);
	}
	ck_assert_uint_eq(s->glob_len, o->glob_len);
	ck_assert_uint_eq(s->glob ? s->glob_head : 0, o->glob_head);
	ck_assert_uint_eq(s->glob ? s->glob_tail : 0, o->glob_tail);
	for (uint32_t k = 0; k < o->glob_head + o->glob_tail; k++)
		same_g(&s->glob[k], &o->glob[k]);
	/* per M and per event: one check each, asserting only on a difference
	 * (see same_g) */
	for (int i = 0; i < s->nm; i++) {
		const gs_snap_m *m = &s->m[i], *n = &o->m[i];
		if (m->id != n->id || m->state != n->state || m->p != n->p || m->curg != n->curg ||
		    m->spinning != n->spinning || m->created_ns != n->created_ns)
			ck_abort_msg("M %d (M%" PRId64 ") came back different", i, m->id);
	}
	for (int i = 0; i < a->nev; i++) {
		const gs_event *e = &a->ev[i], *f = &b->ev[i];
		if (e->time_ns != f->time_ns || e->kind != f->kind || e->p != f->p ||
		    e->p2 != f->p2 || e->m != f->m || e->m2 != f->m2 || e->g != f->g ||
		    e->arg != f->arg || strncmp(e->label, f->label, GS_LABEL_MAX - 1) != 0)
			ck_abort_msg("event %d (%s) came back different", i,
			    gs_event_name(e->kind));
	}
	char *ja = tick_json(a), *jb = tick_json(b);
	ck_assert_str_eq(ja, jb);
	free(ja);
	free(jb);
}

static void
same_extras(const history_extra *a, const history_extra *b)
{
	if (a->caption == NULL)
		ck_assert_ptr_null(b->caption);
	else
		ck_assert_str_eq(a->caption, b->caption);
	ck_assert_uint_eq(a->note_len, b->note_len);
	if (a->note == NULL)
		ck_assert_ptr_null(b->note);
	else
		ck_assert_mem_eq(a->note, b->note, a->note_len);
}

/* Buffers for one generated tick and one rebuilt tick. */
struct bufs {
	gs_snapshot *in, *out;
	gs_event *ev;
	gs_event *got; /* grown by history_get */
	int gotcap;
	struct extras x;
};

static void
bufs_init(struct bufs *b, int max_m, int runq_max, int maxev)
{
	memset(b, 0, sizeof *b);
	b->in = gs_snapshot_new(max_m, runq_max);
	b->out = gs_snapshot_new(max_m, runq_max);
	b->ev = calloc((size_t)maxev + 1, sizeof *b->ev);
	ck_assert(b->in && b->out && b->ev);
}

static void
bufs_done(struct bufs *b)
{
	gs_snapshot_free(b->in);
	gs_snapshot_free(b->out);
	free(b->ev);
	free(b->got);
}

/* Get tick and compare it with the random tick generated from its number. */
static void
check_random(history *h, int64_t tick, const struct shape *sh, struct bufs *b)
{
	tick_data want, got;
	history_extra gx;

	gen_random(tick, sh, b->in, b->ev, &want);
	gen_extras(tick, &b->x);
	ck_assert_int_eq(history_get(h, tick, b->out, &b->got, &b->gotcap, &got, &gx), 0);
	same_tick(&want, &got);
	same_extras(&b->x.x, &gx);
}

static int
push_random(history *h, int64_t tick, const struct shape *sh, struct bufs *b)
{
	tick_data t;

	gen_random(tick, sh, b->in, b->ev, &t);
	gen_extras(tick, &b->x);
	return history_push(h, &t, &b->x.x);
}

/* ---- tests ---------------------------------------------------------------------- */

START_TEST(test_empty)
{
	history *h = history_new(HISTORY_MIN_BUDGET);
	gs_snapshot *s = gs_snapshot_new(0, 8);
	gs_event *ev = NULL;
	int evcap = 0;

	ck_assert_ptr_null(history_new(HISTORY_MIN_BUDGET - 1));
	ck_assert_ptr_null(history_new(0));
	ck_assert_ptr_nonnull(h);
	ck_assert_int_eq(history_count(h), 0);
	ck_assert_int_eq(history_first(h), -1);
	ck_assert_int_eq(history_last(h), -1);
	ck_assert_uint_le(history_bytes(h), history_budget(h));
	ck_assert_uint_eq(history_payload(h), 0);
	ck_assert_int_eq(history_get(h, 0, s, &ev, &evcap, NULL, NULL), GS_ERANGE);
	ck_assert_int_eq(history_get(h, -1, s, &ev, &evcap, NULL, NULL), GS_ERANGE);
	ck_assert_int_eq(history_get(h, 0, NULL, &ev, &evcap, NULL, NULL), GS_EINVAL);
	ck_assert_int_eq(history_push(h, NULL, NULL), GS_EINVAL);
	history_clear(h);
	ck_assert_int_eq(history_count(h), 0);
	history_free(h);
	history_free(NULL);
	gs_snapshot_free(s);
	free(ev);
}
END_TEST

/* Random ticks of every size, with nothing evicted: every field comes back. */
START_TEST(test_roundtrip)
{
	const struct shape sh = { 48, 300, 64, 150 };
	struct bufs b;
	history *h = history_new((size_t)256 << 20);

	bufs_init(&b, 300, 64, sh.maxev);
	ck_assert_ptr_nonnull(h);
	for (int64_t i = 0; i < 300; i++) {
		ck_assert_int_eq(push_random(h, 100 + i, &sh, &b), 0);
		ck_assert_int_eq(history_count(h), i + 1);
		ck_assert_int_eq(history_last(h), 100 + i);
	}
	ck_assert_int_eq(history_first(h), 100);
	/* In order, backwards, and in a random order. */
	for (int64_t i = 100; i < 400; i++)
		check_random(h, i, &sh, &b);
	for (int64_t i = 399; i >= 100; i--)
		check_random(h, i, &sh, &b);
	seed(4242);
	uint64_t saved;
	for (int k = 0; k < 200; k++) {
		int64_t i = 100 + (int64_t)rndn(300);
		saved = rng;
		check_random(h, i, &sh, &b);
		rng = saved;
	}
	ck_assert_uint_le(history_bytes(h), history_budget(h));
	history_free(h);
	bufs_done(&b);
}
END_TEST

/* The encoding is never much bigger than the used entries in memory, whatever
 * the values: each field's varint is at most 1.25 times its width. */
START_TEST(test_size_bound)
{
	const struct shape sh = { 32, 200, 64, 100 };
	struct bufs b;

	bufs_init(&b, 200, 64, sh.maxev);
	for (int64_t i = 0; i < 200; i++) {
		history *h = history_new((size_t)64 << 20);
		tick_data t;
		gen_random(i, &sh, b.in, b.ev, &t);
		size_t raw = sizeof(gs_stats) + (size_t)t.snap->np * sizeof(gs_snap_p) +
		    (size_t)t.snap->nm * sizeof(gs_snap_m) + (size_t)t.nev * sizeof(gs_event);
		for (int p = 0; p < t.snap->np; p++)
			raw += t.snap->p[p].runq_listed * sizeof(gs_snap_g);
		if (t.snap->glob)
			raw += (t.snap->glob_head + t.snap->glob_tail) * sizeof(gs_snap_g);
		ck_assert_int_eq(history_push(h, &t, NULL), 0);
		ck_assert_uint_le(history_payload(h), raw + raw / 4 + 64);
		history_free(h);
	}
	bufs_done(&b);
}
END_TEST

/* A small budget: the oldest go first, the budget holds after every push,
 * numbers stay absolute, evicted and future ticks fail cleanly. */
START_TEST(test_eviction)
{
	const struct shape sh = { 8, 40, 48, 60 };
	const size_t budget = (size_t)256 << 10;
	struct bufs b;
	history *h = history_new(budget);
	gs_event *ev = NULL;
	int evcap = 0;
	int64_t first = 1000, start = 1000;

	bufs_init(&b, 40, 48, sh.maxev);
	ck_assert_ptr_nonnull(h);
	for (int64_t i = start; i < start + 3000; i++) {
		ck_assert_int_eq(push_random(h, i, &sh, &b), 0);
		ck_assert_uint_le(history_bytes(h), budget);
		ck_assert_uint_le(history_payload(h), history_bytes(h));
		ck_assert_int_eq(history_last(h), i);
		ck_assert_int_ge(history_first(h), first);
		first = history_first(h);
		ck_assert_int_eq(history_count(h), i - first + 1);
		ck_assert_int_eq(history_get(h, i + 1, b.out, &ev, &evcap, NULL, NULL), GS_ERANGE);
		if (first > start)
			ck_assert_int_eq(history_get(h, first - 1, b.out, &ev, &evcap, NULL, NULL),
			    GS_ERANGE);
		if (i % 250 == 0)
			for (int64_t k = first; k <= i; k++)
				check_random(h, k, &sh, &b);
	}
	ck_assert_int_gt(first, start);
	ck_assert_int_gt(history_count(h), 10);
	for (int64_t k = history_first(h); k <= history_last(h); k++)
		check_random(h, k, &sh, &b);
	ck_assert_int_eq(history_get(h, start, b.out, &ev, &evcap, NULL, NULL), GS_ERANGE);
	ck_assert_int_eq(history_get(h, INT64_MAX, b.out, &ev, &evcap, NULL, NULL), GS_ERANGE);
	ck_assert_int_eq(history_get(h, INT64_MIN, b.out, &ev, &evcap, NULL, NULL), GS_ERANGE);

	/* A new run numbers from 0 again after a clear. */
	history_clear(h);
	ck_assert_int_eq(history_count(h), 0);
	ck_assert_uint_eq(history_payload(h), 0);
	ck_assert_int_eq(push_random(h, 0, &sh, &b), 0);
	ck_assert_int_eq(history_first(h), 0);
	check_random(h, 0, &sh, &b);
	history_free(h);
	bufs_done(&b);
	free(ev);
}
END_TEST

/* Ticks that are not pushed: a gap or a step back in numbering, malformed
 * ticks, and one tick bigger than the whole budget. */
START_TEST(test_refused)
{
	const struct shape small = { 2, 4, 4, 4 }, big = { 48, 300, 64, 150 };
	struct bufs b;
	history *h = history_new(HISTORY_MIN_BUDGET);
	tick_data t;

	bufs_init(&b, 300, 64, big.maxev);
	for (int64_t i = 5; i < 10; i++)
		ck_assert_int_eq(push_random(h, i, &small, &b), 0);
	ck_assert_int_eq(push_random(h, 11, &small, &b), GS_EINVAL);
	ck_assert_int_eq(push_random(h, 9, &small, &b), GS_EINVAL);

	gen_random(10, &small, b.in, b.ev, &t);
	t.index = -1;
	ck_assert_int_eq(history_push(h, &t, NULL), GS_EINVAL);
	gen_random(10, &small, b.in, b.ev, &t);
	t.nev = -1;
	ck_assert_int_eq(history_push(h, &t, NULL), GS_EINVAL);
	gen_random(10, &small, b.in, b.ev, &t);
	t.snap = NULL;
	ck_assert_int_eq(history_push(h, &t, NULL), GS_EINVAL);
	gen_random(10, &small, b.in, b.ev, &t);
	b.in->nm = b.in->max_m + 1;
	ck_assert_int_eq(history_push(h, &t, NULL), GS_EINVAL);
	gen_random(10, &small, b.in, b.ev, &t);
	b.in->np = 1;
	b.in->p[0].runq_listed = (uint32_t)b.in->runq_max + 1;
	ck_assert_int_eq(history_push(h, &t, NULL), GS_EINVAL);
	history_extra bad = { NULL, NULL, 3 };
	gen_random(10, &small, b.in, b.ev, &t);
	ck_assert_int_eq(history_push(h, &t, &bad), GS_EINVAL);

	/* Far bigger than 16 KiB: refused, and nothing held is lost. */
	int64_t n = history_count(h), first = history_first(h);
	size_t bytes = history_bytes(h), payload = history_payload(h);
	for (int64_t seedt = 10;; seedt++) {
		gen_random(seedt, &big, b.in, b.ev, &t);
		if (b.in->np > 40)
			break;
	}
	t.index = 10;
	ck_assert_int_eq(history_push(h, &t, NULL), GS_ERANGE);
	ck_assert_int_eq(history_count(h), n);
	ck_assert_int_eq(history_first(h), first);
	ck_assert_int_eq(history_last(h), 9);
	ck_assert_uint_eq(history_bytes(h), bytes);
	ck_assert_uint_eq(history_payload(h), payload);
	for (int64_t i = first; i < 10; i++)
		check_random(h, i, &small, &b);
	ck_assert_int_eq(push_random(h, 10, &small, &b), 0);
	check_random(h, 10, &small, &b);
	history_free(h);
	bufs_done(&b);
}
END_TEST

/* A snapshot smaller than the stored tick: the counts are lowered, the bits
 * say what was cut, the entries that fit are right, nothing overflows. */
START_TEST(test_truncation)
{
	const struct shape sh = { 8, 100, 50, 20 };
	struct bufs b;
	history *h = history_new((size_t)1 << 20);
	tick_data want, got;
	int64_t tick;

	bufs_init(&b, 100, 64, sh.maxev);
	for (tick = 0;; tick++) {
		gen_random(tick, &sh, b.in, b.ev, &want);
		int full = 0;
		for (int i = 0; i < b.in->np && i < 4; i++)
			full += b.in->p[i].runq_listed > 4;
		if (b.in->np > 5 && b.in->nm > 20 && full && b.in->glob_head > 4 &&
		    b.in->glob_tail > 4)
			break;
	}
	want.index = 0;
	ck_assert_int_eq(history_push(h, &want, NULL), 0);

	gs_snapshot *small = gs_snapshot_new(10, 4);
	ck_assert_ptr_nonnull(small);
	small->max_p = 4; /* smaller than any gs_snapshot_new gives */
	int r = history_get(h, 0, small, &b.got, &b.gotcap, &got, NULL);
	ck_assert_int_eq(r, HISTORY_TRUNC_P | HISTORY_TRUNC_M | HISTORY_TRUNC_RUNQ);
	ck_assert_int_eq(small->np, 4);
	ck_assert_int_eq(small->nm, 10);
	ck_assert_int_eq(small->nm_total, b.in->nm_total);
	for (int i = 0; i < 4; i++) {
		const gs_snap_p *p = &b.in->p[i], *q = &small->p[i];
		ck_assert_uint_eq(q->runq_len, p->runq_len);
		ck_assert_uint_eq(q->runq_listed, p->runq_listed < 4 ? p->runq_listed : 4);
		ck_assert_ptr_eq(q->runq, &small->runq_store[i * 4]);
		for (uint32_t k = 0; k < q->runq_listed; k++)
			same_g(&p->runq[k], &q->runq[k]);
		same_g(&p->curg, &q->curg);
		ck_assert_uint_eq(q->syscalls, p->syscalls);
	}
	for (int i = 0; i < 10; i++)
		ck_assert_int_eq(small->m[i].id, b.in->m[i].id);
	/* the global queue: its first four and its last four */
	ck_assert_uint_eq(small->glob_len, b.in->glob_len);
	ck_assert_uint_eq(small->glob_head, 4);
	ck_assert_uint_eq(small->glob_tail, 4);
	ck_assert_ptr_eq(small->glob, small->glob_store);
	for (uint32_t k = 0; k < 4; k++) {
		same_g(&b.in->glob[k], &small->glob[k]);
		same_g(&b.in->glob[b.in->glob_head + b.in->glob_tail - 4 + k], &small->glob[4 + k]);
	}
	ck_assert_int_eq(got.nev, want.nev);
	gs_snapshot_free(small);

	/* No run-queue storage at all. */
	gs_snapshot *noq = gs_snapshot_new(100, 0);
	r = history_get(h, 0, noq, &b.got, &b.gotcap, NULL, NULL);
	ck_assert_int_eq(r, HISTORY_TRUNC_RUNQ);
	for (int i = 0; i < noq->np; i++) {
		ck_assert_ptr_null(noq->p[i].runq);
		ck_assert_uint_eq(noq->p[i].runq_listed, 0);
	}
	ck_assert_ptr_null(noq->glob);
	ck_assert_uint_eq(noq->glob_head + noq->glob_tail, 0);
	ck_assert_uint_eq(noq->glob_len, b.in->glob_len);
	gs_snapshot_free(noq);

	/* Big enough: whole. */
	ck_assert_int_eq(history_get(h, 0, b.out, &b.got, &b.gotcap, &got, NULL), 0);
	same_tick(&want, &got);
	history_free(h);
	bufs_done(&b);
}
END_TEST

/* The caller's event buffer grows when a tick has more events than it holds,
 * and the extras come back with NULL, empty and repeated captions apart. */
START_TEST(test_events_and_extras)
{
	struct bufs b;
	history *h = history_new((size_t)1 << 20);
	struct run r;
	tick_data t, got;
	history_extra gx;

	bufs_init(&b, 50, 256, 300);
	run_init(&r, 4, 50, 10, 0);
	for (int i = 0; i < 6; i++) {
		r.nev = i * 50;
		gen_run(&r, i, b.in, b.ev, &t, &b.x);
		history_extra x = b.x.x;
		if (i == 1)
			x.caption = NULL;
		if (i == 2)
			x.caption = "";
		ck_assert_int_eq(history_push(h, &t, &x), 0);
	}
	ck_assert_ptr_null(b.got);
	ck_assert_int_eq(history_get(h, 5, b.out, &b.got, &b.gotcap, &got, &gx), 0);
	ck_assert_int_eq(b.gotcap, 250);
	ck_assert_int_eq(got.nev, 250);
	ck_assert_ptr_eq(got.ev, b.got);
	gs_event *kept = b.got;
	ck_assert_int_eq(history_get(h, 2, b.out, &b.got, &b.gotcap, &got, &gx), 0);
	ck_assert_ptr_eq(b.got, kept);
	ck_assert_int_eq(got.nev, 100);
	ck_assert_str_eq(gx.caption, "");
	ck_assert_int_eq(history_get(h, 1, b.out, &b.got, &b.gotcap, &got, &gx), 0);
	ck_assert_ptr_null(gx.caption);
	for (int i = 0; i < 6; i++) {
		r.nev = i * 50;
		gen_run(&r, i, b.in, b.ev, &t, &b.x);
		ck_assert_int_eq(history_get(h, i, b.out, &b.got, &b.gotcap, &got, &gx), 0);
		same_tick(&t, &got);
		if (i > 2)
			same_extras(&b.x.x, &gx);
	}
	run_done(&r);
	history_free(h);
	bufs_done(&b);
}
END_TEST

/* Push n ticks of run r into h; return the payload bytes a tick takes. */
static double
measure(const struct run *r, int n, size_t *json)
{
	struct bufs b;
	history *h = history_new((size_t)512 << 20);
	tick_data t;

	bufs_init(&b, r->nm, 256, r->nev);
	*json = 0;
	for (int i = 0; i < n; i++) {
		gen_run(r, i, b.in, b.ev, &t, &b.x);
		ck_assert_int_eq(history_push(h, &t, &b.x.x), 0);
		if (i == 0) {
			char *j = tick_json(&t);
			*json = strlen(j);
			free(j);
		}
	}
	double per = (double)history_payload(h) / (double)history_count(h);
	gen_run(r, n / 2, b.in, b.ev, &t, &b.x);
	tick_data got;
	ck_assert_int_eq(history_get(h, n / 2, b.out, &b.got, &b.gotcap, &got, NULL), 0);
	same_tick(&t, &got);
	history_free(h);
	bufs_done(&b);
	return per;
}

/* The bytes a tick costs at the visualizer's sizes (printed, not bounded). */
START_TEST(test_bytes_per_tick)
{
	static const struct {
		int np, nm, listed, nev;
		const char *what;
	} cases[] = {
		{ 4, 50, 249, 100, "4 Ps, 50 Ms, 1,000 goroutines queued, 100 events" },
		{ 64, 2000, 156, 100, "64 Ps, 2,000 Ms, 10,000 goroutines queued, 100 events" },
		{ 64, 2000, 256, 1000, "64 Ps, 2,000 Ms, every queue full (16,384), 1,000 events" },
	};
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		struct run r;
		size_t json;
		run_init(&r, cases[c].np, cases[c].nm, cases[c].listed, cases[c].nev);
		double per = measure(&r, 60, &json);
		size_t raw = sizeof(gs_stats) + (size_t)r.np * sizeof(gs_snap_p) +
		    (size_t)r.nm * sizeof(gs_snap_m) +
		    (size_t)(r.np * r.listed) * sizeof(gs_snap_g) +
		    (size_t)r.nev * sizeof(gs_event);
		printf("history: %s: %.0f bytes a tick (structs %zu, JSON recording %zu)\n",
		    cases[c].what, per, raw, json);
		ck_assert(per > 0 && per <= (double)raw);
		run_done(&r);
	}
}
END_TEST

static size_t
heap_in_use(void)
{
	struct mallinfo2 mi = mallinfo2();
	return mi.uordblks + mi.hblkhd;
}

/* Fill the default budget with a typical run: it holds ten minutes at 10 Hz,
 * stays within its budget after every push, and what malloc handed out agrees
 * with what the history counts. */
START_TEST(test_fill_default)
{
	struct bufs b;
	struct run r;
	tick_data t, got;
	const size_t budget = HISTORY_DEFAULT_BUDGET;
	const char *san = getenv("GS_SANITIZED");
	bool sanitized = san && strcmp(san, "yes") == 0;

	bufs_init(&b, 50, 256, 100);
	run_init(&r, 4, 50, 249, 100);
	size_t heap0 = heap_in_use();
	history *h = history_new(budget);
	ck_assert_ptr_nonnull(h);
	int64_t i, evicted_at = -1, least = INT64_MAX;
	for (i = 0; evicted_at < 0 || i < evicted_at + 3000; i++) {
		gen_run(&r, i, b.in, b.ev, &t, &b.x);
		ck_assert_int_eq(history_push(h, &t, &b.x.x), 0);
		ck_assert_uint_le(history_bytes(h), budget);
		if (history_first(h) > 0 && evicted_at < 0)
			evicted_at = i;
		if (evicted_at >= 0 && history_count(h) < least)
			least = history_count(h);
	}
	size_t heap = heap_in_use() - heap0;
	double per = (double)history_payload(h) / (double)history_count(h);
	printf("history: %zu MiB holds %" PRId64 " to %" PRId64
	       " typical ticks (%.1f minutes at 10 Hz), %.0f bytes a tick; "
	       "counted %zu bytes, malloc'ed %zu\n",
	    budget >> 20, least, evicted_at, (double)least / 600.0, per, history_bytes(h), heap);
	ck_assert_int_ge(least, 10 * 60 * 10);
	/* Nearly all of the budget in use once full: the accounting is not loose. */
	ck_assert_uint_ge(history_bytes(h), budget - budget / 32);
	ck_assert_uint_le(history_payload(h), history_bytes(h));
	if (!sanitized)
		ck_assert_uint_le(heap, budget + budget / 100);
	for (int64_t k = history_last(h); k > history_last(h) - 20; k--) {
		gen_run(&r, k, b.in, b.ev, &t, &b.x);
		ck_assert_int_eq(history_get(h, k, b.out, &b.got, &b.gotcap, &got, NULL), 0);
		same_tick(&t, &got);
	}
	gen_run(&r, history_first(h), b.in, b.ev, &t, &b.x);
	ck_assert_int_eq(history_get(h, history_first(h), b.out, &b.got, &b.gotcap, &got, NULL), 0);
	same_tick(&t, &got);
	history_free(h);
	run_done(&r);
	bufs_done(&b);
}
END_TEST

static Suite *
history_suite(void)
{
	Suite *s = suite_create("history");
	TCase *tc = tcase_create("core");
	TCase *sz = tcase_create("sizes");

	/* a backstop against hangs only: a sanitizer build beside two busy
	 * processes takes minutes where a plain one takes seconds */
	tcase_set_timeout(tc, 240);
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_roundtrip);
	tcase_add_test(tc, test_size_bound);
	tcase_add_test(tc, test_eviction);
	tcase_add_test(tc, test_refused);
	tcase_add_test(tc, test_truncation);
	tcase_add_test(tc, test_events_and_extras);
	suite_add_tcase(s, tc);
	/* Real-sized runs: tens of thousands of ticks of a thousand goroutines. */
	tcase_set_timeout(sz, 360);
	tcase_add_test(sz, test_bytes_per_tick);
	tcase_add_test(sz, test_fill_default);
	suite_add_tcase(s, sz);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(history_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
