/*
 * check_observe.c - the observation window (include/gsched/observe.h):
 * snapshots (exact figures in a quiet setup, consistency under load, taken from
 * a goroutine and from a plain pthread, run queues listed in order with their
 * labels, bounded detail) and the event stream (off by default and reset by
 * gs_run, nothing recorded while off, forced steal, hand-off after a retake,
 * asynchronous and cooperative preemption, GOMAXPROCS changes from a goroutine
 * and from a plain thread, spawn/exit counts, time order within a drain, a full
 * ring counting what it drops and recovering), the global queue listed by its
 * ends with the moves of an overflow, a steal and the global-queue takes
 * naming each goroutine (and nothing while events are off), the name
 * functions, and what a snapshot reads of each M kept to its first two cache
 * lines.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <unistd.h>

#include "testutil.h"
#include "gsched/observe.h"
#include "runtime/internal.h"

#define MS(x) ((int64_t)(x)*1000000)

/* Asynchronous preemption needs the x86-64 backend, and TSan defers the
 * SIGURG handler until the call-free loop ends (see check_preempt.c). */
#if defined(__SANITIZE_THREAD__)
#define OBS_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define OBS_TSAN 1
#endif
#endif
#ifndef OBS_TSAN
#define OBS_TSAN 0
#endif
#if defined(__x86_64__) && !OBS_TSAN
#define ASYNC_WORKS 1
#else
#define ASYNC_WORKS 0
#endif

#define EVBUF_MAX (1 << 17)

/* One large event buffer per test process (tests fork). */
static gs_event *
evbuf(void)
{
	static gs_event *buf;

	if (buf == NULL) {
		buf = calloc(EVBUF_MAX, sizeof *buf);
		ck_assert_ptr_nonnull(buf);
	}
	return buf;
}

/* Drain everything into evbuf() with one call (so the whole batch is merged in
 * time order), assert the order, and return how many. */
static int
drain_ordered(uint64_t *dropped)
{
	gs_event *ev = evbuf();
	int n = gs_events_drain(ev, EVBUF_MAX, dropped);

	ck_assert_int_ge(n, 0);
	ck_assert_int_lt(n, EVBUF_MAX);
	for (int i = 1; i < n; i++)
		ck_assert_msg(ev[i].time_ns >= ev[i - 1].time_ns,
		    "event %d (%s at %" PRIu64 ") before event %d (%s at %" PRIu64 ")", i,
		    gs_event_name(ev[i].kind), ev[i].time_ns, i - 1, gs_event_name(ev[i - 1].kind),
		    ev[i - 1].time_ns);
	for (int i = 0; i < n; i++)
		ck_assert_msg(ev[i].kind > GS_EV_NONE && ev[i].kind < GS_EV_NKINDS,
		    "event %d has kind %u", i, ev[i].kind);
	return n;
}

static int
count_kind(const gs_event *ev, int n, int kind)
{
	int c = 0;

	for (int i = 0; i < n; i++)
		c += ev[i].kind == kind;
	return c;
}

/* Wait (up to 10 s) until at most want goroutines exist.  Unlike
 * tu_wait_numgoroutine it sleeps instead of yielding: a yield loop records
 * three events per turn and can fill a ring while a goroutine on its way out
 * waits for a CPU. */
static int
obs_wait_numgoroutine(int want)
{
	uint64_t end = tu_now_ns() + TU_SEC(10);
	int n;

	while ((n = gs_numgoroutine()) > want && tu_now_ns() < end)
		gs_sleep(100000);
	return n;
}

/* ---- snapshot consistency ---------------------------------------------------------- */

/*
 * What must hold in every snapshot, however busy the scheduler.  With
 * fixed_pop, no goroutine is spawned or exits while it is taken, so the
 * totals by state must add up to the goroutine count exactly.  Ids are at most
 * maxid.  Returns NULL, or what failed (in msg).  Usable from any thread: it
 * does not assert.
 */
static const char *
snap_check(const gs_snapshot *s, int64_t maxid, bool fixed_pop, char *msg, size_t msgsz)
{
	const gs_stats *st = &s->stats;
	int sum = 0, wsum = 0;

#define BAD(...)                                                                                   \
	do {                                                                                       \
		snprintf(msg, msgsz, __VA_ARGS__);                                                 \
		return msg;                                                                        \
	} while (0)
	for (int k = 0; k < GS_G_NSTATUS; k++) {
		if (st->by_status[k] < 0)
			BAD("by_status[%d] = %d", k, st->by_status[k]);
		if (k != GS_G_DEAD)
			sum += st->by_status[k];
	}
	if (st->by_status[GS_G_DEAD] != 0)
		BAD("by_status[dead] = %d", st->by_status[GS_G_DEAD]);
	for (int k = 0; k < GS_WAIT_NREASONS; k++)
		wsum += st->by_waitreason[k];
	if (wsum != st->by_status[GS_G_WAITING])
		BAD("waiting by reason sum to %d, by_status[waiting] = %d", wsum,
		    st->by_status[GS_G_WAITING]);
	if (fixed_pop && sum != st->goroutines)
		BAD("goroutines by state sum to %d, stats.goroutines = %d", sum, st->goroutines);
	if (fixed_pop && st->by_status[GS_G_IDLE] != 0)
		BAD("by_status[idle] = %d with no spawn going on", st->by_status[GS_G_IDLE]);
	if (s->np < 1 || s->np > s->max_p || s->np > 256)
		BAD("np = %d", s->np);
	if (st->gomaxprocs != s->np)
		BAD("np %d but stats.gomaxprocs %d", s->np, st->gomaxprocs);
	if (st->idle_procs < 0 || st->idle_procs > s->np)
		BAD("idle_procs %d of %d", st->idle_procs, s->np);
	if (st->global_runq < 0)
		BAD("global_runq %d", st->global_runq);
	/* The global queue's list: same moment as its length, both ends. */
	uint32_t gmax = (uint32_t)s->runq_max;
	if ((uint32_t)st->global_runq != s->glob_len)
		BAD("global_runq %d but glob_len %u", st->global_runq, s->glob_len);
	if (s->glob_head != (s->glob_len < gmax ? s->glob_len : gmax))
		BAD("glob_head %u of %u (runq_max %u)", s->glob_head, s->glob_len, gmax);
	if (s->glob_tail > gmax || s->glob_head + s->glob_tail > s->glob_len)
		BAD("glob_tail %u, glob_head %u of %u", s->glob_tail, s->glob_head, s->glob_len);
	if (s->glob_len <= 2 * gmax && s->glob_head + s->glob_tail != s->glob_len)
		BAD("%u + %u of %u listed (runq_max %u)", s->glob_head, s->glob_tail, s->glob_len,
		    gmax);
	if (s->glob_len > 2 * gmax && s->glob_tail != gmax)
		BAD("glob_tail %u of %u (runq_max %u)", s->glob_tail, s->glob_len, gmax);
	if ((gmax == 0) != (s->glob == NULL))
		BAD("glob %p with runq_max %u", (void *)s->glob, gmax);
	for (uint32_t k = 0; k < s->glob_head + s->glob_tail; k++)
		if (s->glob[k].id <= 0 || s->glob[k].id > maxid)
			BAD("glob[%u].id = %" PRId64 " (max id %" PRId64 ")", k, s->glob[k].id,
			    maxid);
	if (s->time_ns == 0)
		BAD("time_ns 0");
	for (int i = 0; i < s->np; i++) {
		const gs_snap_p *p = &s->p[i];
		if (p->id != i)
			BAD("P[%d].id = %d", i, p->id);
		if (p->status < GS_PSTATE_IDLE || p->status > GS_PSTATE_DEAD)
			BAD("P%d status %d", i, p->status);
		if (p->runq_len > 256)
			BAD("P%d runq_len %u > 256", i, p->runq_len);
		if (p->runq_listed > p->runq_len)
			BAD("P%d runq_listed %u > runq_len %u", i, p->runq_listed, p->runq_len);
		if (p->runq_listed > (uint32_t)s->runq_max)
			BAD("P%d runq_listed %u > runq_max %d", i, p->runq_listed, s->runq_max);
		if (p->runq_listed !=
		    (p->runq_len < (uint32_t)s->runq_max ? p->runq_len : (uint32_t)s->runq_max))
			BAD("P%d lists %u of %u (runq_max %d)", i, p->runq_listed, p->runq_len,
			    s->runq_max);
		for (uint32_t k = 0; k < p->runq_listed; k++)
			if (p->runq[k].id <= 0 || p->runq[k].id > maxid)
				BAD("P%d runq[%u].id = %" PRId64 " (max id %" PRId64 ")", i, k,
				    p->runq[k].id, maxid);
		if (p->runnext.id < 0 || p->runnext.id > maxid)
			BAD("P%d runnext %" PRId64, i, p->runnext.id);
		if (p->curg.id < 0 || p->curg.id > maxid)
			BAD("P%d curg %" PRId64, i, p->curg.id);
		if (p->m < -1)
			BAD("P%d m %" PRId64, i, p->m);
		if (p->timers < 0)
			BAD("P%d timers %d", i, p->timers);
	}
	if (s->nm < 1 || s->nm > s->max_m)
		BAD("nm %d (max_m %d)", s->nm, s->max_m);
	if (s->nm_total < 1)
		BAD("nm_total %d", s->nm_total);
	if (s->nm_total <= s->max_m && s->nm > s->nm_total)
		BAD("nm %d > nm_total %d", s->nm, s->nm_total);
	if (s->nm_total > s->max_m && s->nm != s->max_m)
		BAD("nm %d, nm_total %d > max_m %d", s->nm, s->nm_total, s->max_m);
	int nsysmon = 0;
	for (int i = 0; i < s->nm; i++) {
		const gs_snap_m *m = &s->m[i];
		if (m->state < GS_MSTATE_RUNNING || m->state >= GS_MSTATE_DEAD)
			BAD("M%" PRId64 " state %d", m->id, m->state);
		if (m->p < -1 || m->p >= 256)
			BAD("M%" PRId64 " p %d", m->id, m->p);
		if (m->curg < 0 || m->curg > maxid)
			BAD("M%" PRId64 " curg %" PRId64, m->id, m->curg);
		if (m->created_ns == 0 || m->created_ns > s->time_ns + (uint64_t)MS(1000))
			BAD("M%" PRId64 " created_ns %" PRIu64 " (snapshot at %" PRIu64 ")", m->id,
			    m->created_ns, s->time_ns);
		for (int j = 0; j < i; j++)
			if (s->m[j].id == m->id)
				BAD("M%" PRId64 " listed twice", m->id);
		nsysmon += m->state == GS_MSTATE_SYSMON;
	}
	if (s->nm == s->nm_total && nsysmon != 1)
		BAD("%d sysmon Ms", nsysmon);
#undef BAD
	return NULL;
}

#define SNAP_OK(s, maxid, fixed)                                                                   \
	do {                                                                                       \
		char msg_[256];                                                                    \
		const char *e_ = snap_check((s), (maxid), (fixed), msg_, sizeof msg_);             \
		ck_assert_msg(e_ == NULL, "snapshot: %s", e_);                                     \
	} while (0)

/* ---- names and arguments ------------------------------------------------------------- */

START_TEST(test_names)
{
	const char *seen[64];
	int nseen = 0;

	for (int k = GS_PSTATE_IDLE; k <= GS_PSTATE_DEAD; k++) {
		ck_assert_ptr_nonnull(gs_pstate_name(k));
		ck_assert_str_ne(gs_pstate_name(k), "?");
		for (int j = GS_PSTATE_IDLE; j < k; j++)
			ck_assert_str_ne(gs_pstate_name(k), gs_pstate_name(j));
	}
	ck_assert_str_eq(gs_pstate_name(-1), "?");
	ck_assert_str_eq(gs_pstate_name(GS_PSTATE_DEAD + 1), "?");
	ck_assert_str_eq(gs_pstate_name(GS_PSTATE_RUNNING), "running");

	for (int k = GS_MSTATE_RUNNING; k <= GS_MSTATE_DEAD; k++) {
		ck_assert_ptr_nonnull(gs_mstate_name(k));
		ck_assert_str_ne(gs_mstate_name(k), "?");
		for (int j = GS_MSTATE_RUNNING; j < k; j++)
			ck_assert_str_ne(gs_mstate_name(k), gs_mstate_name(j));
	}
	ck_assert_str_eq(gs_mstate_name(-1), "?");
	ck_assert_str_eq(gs_mstate_name(GS_MSTATE_DEAD + 1), "?");
	ck_assert_str_eq(gs_mstate_name(GS_MSTATE_SYSMON), "sysmon");

	for (int k = GS_EV_NONE + 1; k < GS_EV_NKINDS; k++) {
		const char *n = gs_event_name(k);
		ck_assert_ptr_nonnull(n);
		ck_assert_msg(strcmp(n, "?") != 0 && n[0] != '\0', "gs_event_name(%d) = '%s'", k,
		    n);
		for (int j = 0; j < nseen; j++)
			ck_assert_msg(strcmp(seen[j], n) != 0, "two event kinds named '%s'", n);
		seen[nseen++] = n;
	}
	ck_assert_str_eq(gs_event_name(GS_EV_NKINDS), "?");
	ck_assert_str_eq(gs_event_name(-1), "?");
	ck_assert_str_eq(gs_event_name(GS_EV_STEAL), "steal");
	ck_assert_str_eq(gs_event_name(GS_EV_PROCRESIZE), "procresize");
}
END_TEST

/* A P's time slice as a snapshot shows it (gs__slice_since): sysmon may note
 * a new slice after the observer read its clock, and that slice has run 0
 * (unknown), never the unsigned difference (2^64 - a few ns: "1844674" ms on
 * screen). */
START_TEST(test_slice_since)
{
	uint64_t now = 5000000000ULL;

	ck_assert_uint_eq(gs__slice_since(now, (int64_t)now - MS(3)), (uint64_t)MS(3));
	ck_assert_uint_eq(gs__slice_since(now, (int64_t)now), 0);
	ck_assert_uint_eq(gs__slice_since(now, (int64_t)now + 1), 0);
	ck_assert_uint_eq(gs__slice_since(now, (int64_t)now + MS(10)), 0);
	ck_assert_uint_eq(gs__slice_since(now, INT64_MAX), 0);
	ck_assert_uint_eq(gs__slice_since(now, 0), 0); /* not seen by sysmon yet */
	ck_assert_uint_eq(gs__slice_since(now, -1), 0);
	ck_assert_uint_eq(gs__slice_since(0, 1), 0);
}
END_TEST

START_TEST(test_outside_runtime)
{
	gs_snapshot *s = gs_snapshot_new(0, 0);
	gs_event ev[4];
	uint64_t dropped = 99;

	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(s->max_m, 256);
	ck_assert_int_ge(s->max_p, 256);
	ck_assert_int_eq(s->runq_max, 0);
	ck_assert_int_eq(gs_snapshot_take(s), GS_ENOTRUN);
	ck_assert_int_eq(gs_snapshot_take(NULL), GS_EINVAL);
	gs_snapshot_free(s);
	gs_snapshot_free(NULL);
	ck_assert_ptr_null(gs_snapshot_new(16, 257));
	ck_assert_ptr_null(gs_snapshot_new(16, -1));
	s = gs_snapshot_new(16, 256);
	ck_assert_ptr_nonnull(s);
	gs_snapshot_free(s);

	ck_assert(!gs_events_enabled());
	ck_assert_int_eq(gs_events_drain(ev, 4, &dropped), 0);
	ck_assert_uint_eq(dropped, 0);
	ck_assert_int_eq(gs_events_drain(NULL, 4, NULL), 0);
}
END_TEST

/* ---- snapshots: a quiet setup with exact figures ---------------------------------------- */

#define QUIET_N 500

static void
recv_forever(void *arg)
{
	gs_chan_recv(arg, NULL);
}

struct quiet_pred {
	gs_snapshot *s;
	int64_t self;
};

/* Both Ps settled: main running on one, the other idle, nobody spinning, every
 * M but main's idle (or sysmon).  A snapshot reads the Ps' states and the idle
 * count one after the other, without the scheduler's lock, so an M between
 * releasep and pidleput (or pidleget and acquirep) shows an idle P that the
 * count does not have yet: both must agree. */
static bool
quiet_settled(void *arg)
{
	struct quiet_pred *q = arg;
	gs_snapshot *s = q->s;
	int idle = 0;

	ck_assert_int_eq(gs_snapshot_take(s), 0);
	for (int i = 0; i < s->np; i++)
		idle += s->p[i].status == GS_PSTATE_IDLE;
	if (idle != s->np - 1 || s->stats.idle_procs != s->np - 1 || s->stats.spinning_threads != 0)
		return false;
	for (int i = 0; i < s->nm; i++)
		if (s->m[i].state != GS_MSTATE_IDLE && s->m[i].state != GS_MSTATE_SYSMON &&
		    s->m[i].curg != q->self)
			return false;
	return true;
}

GS_MAIN_TEST(test_snapshot_quiet, 2)
{
	gs_chan *c = gs_chan_make(0, 0);
	gs_snapshot *s = gs_snapshot_new(256, 16);
	int64_t self = gs_self(), maxid = self;
	struct quiet_pred q = { s, self };

	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_nonnull(s);
	for (int i = 0; i < QUIET_N; i++) {
		int64_t id = gs_go(recv_forever, c);
		ck_assert_int_gt(id, 0);
		if (id > maxid)
			maxid = id;
	}
	ck_assert_int_eq(tu_wait_waiting(GS_WAIT_CHAN_RECV, QUIET_N, TU_SEC(10)), QUIET_N);
	/* The other P's M may still be spinning a moment. */
	ck_assert_msg(tu_yield_until(quiet_settled, &q, TU_SEC(5)),
	    "the scheduler did not settle in 5 s");
	SNAP_OK(s, maxid, true);

	const gs_stats *st = &s->stats;
	ck_assert_int_eq(st->goroutines, QUIET_N + 1);
	ck_assert_int_eq(st->by_status[GS_G_WAITING], QUIET_N);
	ck_assert_int_eq(st->by_waitreason[GS_WAIT_CHAN_RECV], QUIET_N);
	ck_assert_int_eq(st->by_status[GS_G_RUNNING], 1);
	ck_assert_int_eq(st->by_status[GS_G_RUNNABLE], 0);
	ck_assert_int_eq(st->by_status[GS_G_SYSCALL], 0);
	ck_assert_int_eq(st->global_runq, 0);
	ck_assert_int_eq(st->idle_procs, 1);
	ck_assert_int_eq(st->in_syscall, 0);
	ck_assert_int_eq(s->np, 2);

	/* Main runs on exactly one P; nothing is queued anywhere. */
	int mainp = -1;
	for (int i = 0; i < s->np; i++) {
		ck_assert_uint_eq(s->p[i].runq_len, 0);
		ck_assert_uint_eq(s->p[i].runq_listed, 0);
		ck_assert_int_eq(s->p[i].runnext.id, 0);
		if (s->p[i].curg.id == self) {
			ck_assert_int_eq(mainp, -1);
			mainp = i;
			ck_assert_int_eq(s->p[i].status, GS_PSTATE_RUNNING);
			ck_assert_int_eq(s->p[i].curg_status, GS_G_RUNNING);
			ck_assert_int_ge(s->p[i].m, 0);
		} else {
			ck_assert_int_eq(s->p[i].curg.id, 0);
			ck_assert_int_eq(s->p[i].status, GS_PSTATE_IDLE);
			ck_assert_int_eq(s->p[i].m, -1);
		}
	}
	ck_assert_int_ge(mainp, 0);
	ck_assert_int_eq(gs_snapshot_take(s), 0);
	/* The spawns all went through main's P (or the P it ran on at the time). */
	uint64_t spawns = 0;
	for (int i = 0; i < s->np; i++)
		spawns += s->p[i].spawns;
	ck_assert_uint_eq(spawns, s->stats.spawns);
	ck_assert_uint_ge(spawns, QUIET_N);

	/* Ms: every one listed, one is main's, one sysmon, the rest idle. */
	ck_assert_int_eq(s->nm_total, s->stats.threads);
	ck_assert_int_eq(s->nm, s->nm_total);
	int nmain = 0, nsysmon = 0, nidle = 0;
	for (int i = 0; i < s->nm; i++) {
		const gs_snap_m *m = &s->m[i];
		if (m->curg == self) {
			nmain++;
			ck_assert_int_eq(m->state, GS_MSTATE_RUNNING);
			ck_assert_int_eq(m->p, mainp);
			ck_assert_int_eq(m->id, s->p[mainp].m);
		} else if (m->state == GS_MSTATE_SYSMON) {
			nsysmon++;
			ck_assert_int_eq(m->p, -1);
		} else {
			ck_assert_int_eq(m->state, GS_MSTATE_IDLE);
			ck_assert_int_eq(m->curg, 0);
			ck_assert_int_eq(m->p, -1);
			nidle++;
		}
		ck_assert_uint_le(m->created_ns, s->time_ns);
	}
	ck_assert_int_eq(nmain, 1);
	ck_assert_int_eq(nsysmon, 1);
	ck_assert_int_eq(nidle, s->stats.idle_threads);
	ck_assert_uint_lt(s->take_ns, (uint64_t)MS(100));

	/* max_m smaller than the Ms: nm is capped, nm_total is not. */
	gs_snapshot *small = gs_snapshot_new(1, 0);
	ck_assert_ptr_nonnull(small);
	ck_assert_int_eq(gs_snapshot_take(small), 0);
	ck_assert_int_eq(small->nm, 1);
	ck_assert_int_eq(small->nm_total, s->nm_total);
	ck_assert_int_eq(small->p[mainp].runq_listed, 0);
	gs_snapshot_free(small);

	/* A pending timer shows on main's P. */
	gs_timer *t = gs_timer_new(TU_SEC(100));
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(gs_snapshot_take(s), 0);
	int timers = 0;
	for (int i = 0; i < s->np; i++)
		timers += s->p[i].timers;
	ck_assert_int_eq(timers, 1);
	gs_timer_free(t);

	gs_chan_close(c);
	ck_assert_int_eq(tu_wait_numgoroutine(1, TU_SEC(10)), 1);
	ck_assert_int_eq(gs_snapshot_take(s), 0);
	SNAP_OK(s, maxid, true);
	ck_assert_int_eq(s->stats.goroutines, 1);
	ck_assert_int_eq(s->stats.by_status[GS_G_WAITING], 0);
	gs_snapshot_free(s);
	gs_chan_free(c);
}

/* ---- snapshots: a local run queue listed in order, with labels --------------------------- */

#define RUNQ_K 120

static void
nop_done(void *arg)
{
	gs_wg_done(arg);
}

struct runqgate {
	gs_chan *gate;
	gs_waitgroup wg;
};

static void
gated_done(void *arg)
{
	struct runqgate *rg = arg;

	ck_assert_int_eq(gs_chan_recv(rg->gate, NULL), 0); /* closed */
	gs_wg_done(&rg->wg);
}

/* ---- a reused G keeps nothing of its last life's label or tag ---------------------------- */

#define REUSE_K 50

/*
 * One P: REUSE_K labelled goroutines exit, leaving their Gs on the P's free
 * list, and REUSE_K unnamed ones spawned after them take those Gs.  A spawn
 * without a label does not write the label (struct gs_g): goexit0 must have
 * cleared it.
 */
GS_MAIN_TEST(test_label_not_inherited, 1)
{
	static int64_t ids[REUSE_K];
	static struct runqgate rg;
	static gs_snap_ginfo gl[REUSE_K + 16];
	char label[GS_LABEL_MAX];

	TU_WG_ADD(&rg.wg, REUSE_K);
	for (int i = 0; i < REUSE_K; i++) {
		snprintf(label, sizeof label, "old%d", i);
		gs_attr a = { .label = label, .tag = 'X' };
		ck_assert_int_gt(gs_go_attr(nop_done, &rg.wg, &a), 0);
	}
	gs_wg_wait(&rg.wg);
	rg.gate = gs_chan_make(0, 0);
	ck_assert_ptr_nonnull(rg.gate);
	TU_WG_ADD(&rg.wg, REUSE_K);
	for (int i = 0; i < REUSE_K; i++)
		ck_assert_int_gt(ids[i] = gs_go(gated_done, &rg), 0);
	ck_assert_int_eq(tu_wait_waiting(GS_WAIT_CHAN_RECV, REUSE_K, TU_SEC(30)), REUSE_K);
	int ng = gs_goroutines(gl, REUSE_K + 16), seen = 0;
	for (int i = 0; i < ng; i++)
		for (int j = 0; j < REUSE_K; j++)
			if (gl[i].id == ids[j]) {
				ck_assert_msg(gl[i].label[0] == '\0',
				    "goroutine %lld has label '%s'", (long long)gl[i].id,
				    gl[i].label);
				ck_assert_int_eq(gl[i].tag, 0);
				seen++;
			}
	ck_assert_int_eq(seen, REUSE_K);
	ck_assert_int_eq(gs_chan_close(rg.gate), 0);
	gs_wg_wait(&rg.wg);
}

/*
 * One P.  RUNQ_K goroutines park on a gate; closing it readies them all into
 * the P (each readied one takes runnext and pushes the one before it to the
 * tail of the local queue) without a scheduling point, so main keeps the P and
 * the queue stays as it was made while the snapshots are taken.  The order
 * they were readied in is read from the READY events.
 */
GS_MAIN_TEST(test_snapshot_runq_order, 1)
{
	static int64_t ids[RUNQ_K], ready[RUNQ_K];
	static struct runqgate rg;
	gs_snapshot *s = gs_snapshot_new(64, 256), *s10 = gs_snapshot_new(64, 10);
	gs_snapshot *s0 = gs_snapshot_new(64, 0);
	char label[GS_LABEL_MAX];
	int64_t self = gs_self();
	uint64_t dropped;
	int nready = 0;

	ck_assert_ptr_nonnull(s);
	ck_assert_ptr_nonnull(s10);
	ck_assert_ptr_nonnull(s0);
	rg.gate = gs_chan_make(0, 0);
	ck_assert_ptr_nonnull(rg.gate);
	TU_WG_ADD(&rg.wg, RUNQ_K);
	for (int i = 0; i < RUNQ_K; i++) {
		snprintf(label, sizeof label, "q%d", i);
		gs_attr a = { .label = label, .tag = (char)('A' + i % 26) };
		ids[i] = gs_go_attr(gated_done, &rg, &a);
		ck_assert_int_gt(ids[i], 0);
	}
	ck_assert_int_eq(tu_wait_waiting(GS_WAIT_CHAN_RECV, RUNQ_K, TU_SEC(30)), RUNQ_K);
	gs_events_enable(true);
	ck_assert_int_eq(gs_chan_close(rg.gate), 0);
	ck_assert_int_eq(gs_snapshot_take(s), 0);
	ck_assert_int_eq(gs_snapshot_take(s10), 0);
	ck_assert_int_eq(gs_snapshot_take(s0), 0);
	gs_events_enable(false);
	/* the goroutine list has their tags too */
	static gs_snap_ginfo gl[RUNQ_K + 16];
	int ng = gs_goroutines(gl, RUNQ_K + 16);
	ck_assert_int_eq(ng, RUNQ_K + 1);
	for (int i = 0; i < ng; i++)
		for (int j = 0; j < RUNQ_K; j++)
			if (gl[i].id == ids[j])
				ck_assert_int_eq(gl[i].tag, 'A' + j % 26);

	int n = drain_ordered(&dropped);
	const gs_event *ev = evbuf();
	ck_assert_uint_eq(dropped, 0);
	for (int i = 0; i < n; i++)
		if (ev[i].kind == GS_EV_READY) {
			ck_assert_int_lt(nready, RUNQ_K);
			ready[nready++] = ev[i].g;
		}
	ck_assert_int_eq(nready, RUNQ_K);
	/* The spawn index of each readied goroutine, for its label. */
	int readyidx[RUNQ_K];
	for (int i = 0; i < RUNQ_K; i++) {
		readyidx[i] = -1;
		for (int j = 0; j < RUNQ_K; j++)
			if (ids[j] == ready[i])
				readyidx[i] = j;
		ck_assert_msg(readyidx[i] >= 0, "readied g%" PRId64 " was not spawned here",
		    ready[i]);
	}
	SNAP_OK(s, ids[RUNQ_K - 1], true);
	SNAP_OK(s10, ids[RUNQ_K - 1], true);
	SNAP_OK(s0, ids[RUNQ_K - 1], true);

	const gs_snap_p *p = &s->p[0];
	ck_assert_int_eq(s->np, 1);
	ck_assert_int_eq(p->curg.id, self);
	ck_assert_int_eq(p->status, GS_PSTATE_RUNNING);
	/* The last readied in runnext, the others in the queue as readied. */
	ck_assert_int_eq(p->runnext.id, ready[RUNQ_K - 1]);
	snprintf(label, sizeof label, "q%d", readyidx[RUNQ_K - 1]);
	ck_assert_str_eq(p->runnext.label, label);
	ck_assert_int_eq(p->runnext.tag, 'A' + readyidx[RUNQ_K - 1] % 26);
	ck_assert_int_eq(p->curg.tag, GS_TAG_NONE); /* spawned with none */
	ck_assert_uint_eq(p->runq_len, RUNQ_K - 1);
	ck_assert_uint_eq(p->runq_listed, RUNQ_K - 1);
	for (int i = 0; i < RUNQ_K - 1; i++) {
		ck_assert_msg(p->runq[i].id == ready[i], "runq[%d] = %" PRId64 ", readied %" PRId64,
		    i, p->runq[i].id, ready[i]);
		snprintf(label, sizeof label, "q%d", readyidx[i]);
		ck_assert_str_eq(p->runq[i].label, label);
		ck_assert_int_eq(p->runq[i].tag, 'A' + readyidx[i] % 26);
	}
	ck_assert_int_eq(s->stats.by_status[GS_G_RUNNABLE], RUNQ_K);
	ck_assert_int_eq(s->stats.goroutines, RUNQ_K + 1);

	/* Bounded detail: the length is whole, the list cut at runq_max. */
	ck_assert_uint_eq(s10->p[0].runq_len, RUNQ_K - 1);
	ck_assert_uint_eq(s10->p[0].runq_listed, 10);
	for (int i = 0; i < 10; i++)
		ck_assert_int_eq(s10->p[0].runq[i].id, ready[i]);
	ck_assert_uint_eq(s0->p[0].runq_len, RUNQ_K - 1);
	ck_assert_uint_eq(s0->p[0].runq_listed, 0);

	gs_wg_wait(&rg.wg);
	ck_assert_int_eq(tu_wait_numgoroutine(1, TU_SEC(10)), 1);
	ck_assert_int_eq(gs_snapshot_take(s), 0);
	ck_assert_uint_eq(s->p[0].runq_len, 0);
	ck_assert_int_eq(s->p[0].runnext.id, 0);
	gs_chan_free(rg.gate);
	gs_snapshot_free(s);
	gs_snapshot_free(s10);
	gs_snapshot_free(s0);
}

/* ---- snapshots under load, from a goroutine and from a plain pthread ---------------------- */

struct load {
	_Atomic int stop;
	gs_waitgroup wg;
	gs_chan *ping, *pong;
	int64_t maxid;
	_Atomic int64_t work;
};

static void
load_yielder(void *arg)
{
	struct load *l = arg;

	while (!atomic_load_explicit(&l->stop, memory_order_relaxed)) {
		tu_spin_ns(2000);
		gs_yield();
		atomic_fetch_add_explicit(&l->work, 1, memory_order_relaxed);
	}
	gs_wg_done(&l->wg);
}

static void
load_sleeper(void *arg)
{
	struct load *l = arg;

	while (!atomic_load_explicit(&l->stop, memory_order_relaxed))
		gs_sleep(200000);
	gs_wg_done(&l->wg);
}

static void
load_syscaller(void *arg)
{
	struct load *l = arg;

	while (!atomic_load_explicit(&l->stop, memory_order_relaxed))
		gs_nanosleep(100000);
	gs_wg_done(&l->wg);
}

static void
load_pinger(void *arg)
{
	struct load *l = arg;
	int v = 0;

	while (!atomic_load_explicit(&l->stop, memory_order_relaxed)) {
		if (gs_chan_send(l->ping, &v) != 0 || gs_chan_recv(l->pong, &v) != 1)
			break;
	}
	gs_chan_close(l->ping);
	gs_wg_done(&l->wg);
}

static void
load_ponger(void *arg)
{
	struct load *l = arg;
	int v;

	while (gs_chan_recv(l->ping, &v) == 1)
		if (gs_chan_send(l->pong, &v) != 0)
			break;
	gs_wg_done(&l->wg);
}

#define LOAD_G (8 + 200 + 4 + 2)

/* A fixed population: nothing is spawned or exits until load_stop. */
static void
load_start(struct load *l)
{
	void (*fns[])(void *) = { load_yielder, load_sleeper, load_syscaller };
	int counts[] = { 8, 200, 4 };

	memset(l, 0, sizeof *l);
	l->ping = gs_chan_make(sizeof(int), 0);
	l->pong = gs_chan_make(sizeof(int), 0);
	ck_assert_ptr_nonnull(l->ping);
	ck_assert_ptr_nonnull(l->pong);
	l->maxid = gs_self();
	TU_WG_ADD(&l->wg, LOAD_G);
	for (int k = 0; k < 3; k++)
		for (int i = 0; i < counts[k]; i++) {
			int64_t id = gs_go(fns[k], l);
			ck_assert_int_gt(id, 0);
			if (id > l->maxid)
				l->maxid = id;
		}
	int64_t a = gs_go(load_ponger, l), b = gs_go(load_pinger, l);
	ck_assert_int_gt(a, 0);
	ck_assert_int_gt(b, 0);
	l->maxid = a > l->maxid ? a : l->maxid;
	l->maxid = b > l->maxid ? b : l->maxid;
	/* gs_go returned for all: spawn counts are final. */
	ck_assert_int_eq(gs_numgoroutine(), LOAD_G + 1);
}

static void
load_stop(struct load *l)
{
	atomic_store(&l->stop, 1);
	gs_wg_wait(&l->wg);
	ck_assert_int_eq(tu_wait_numgoroutine(1, TU_SEC(10)), 1);
	gs_chan_free(l->ping);
	gs_chan_free(l->pong);
}

#define LOAD_SNAPS (TU_SANITIZED ? 200 : 2000)

GS_MAIN_TEST(test_snapshot_under_load, 4)
{
	static struct load l;
	gs_snapshot *s = gs_snapshot_new(256, 256);
	uint64_t maxtake = 0;
	int sawqueued = 0, sawsyscall = 0;

	ck_assert_ptr_nonnull(s);
	load_start(&l);
	for (int i = 0; i < LOAD_SNAPS; i++) {
		ck_assert_int_eq(gs_snapshot_take(s), 0);
		SNAP_OK(s, l.maxid, true);
		ck_assert_int_eq(s->stats.goroutines, LOAD_G + 1);
		/* Main is running while it takes the snapshot. */
		ck_assert_int_ge(s->stats.by_status[GS_G_RUNNING], 1);
		for (int k = 0; k < s->np; k++)
			sawqueued += s->p[k].runq_listed > 0;
		sawsyscall += s->stats.by_status[GS_G_SYSCALL] > 0;
		if (s->take_ns > maxtake)
			maxtake = s->take_ns;
		if (i % 16 == 0)
			gs_yield();
	}
	ck_assert_int_gt(sawqueued, 0);
	/* The load runs beside the snapshots: a yielder has come back from the
	 * global queue at least once.  On a loaded machine the snapshots may
	 * all be taken first, so wait for it (Check's timeout catches a hang)
	 * rather than assume it happened within them. */
	while (atomic_load(&l.work) == 0)
		gs_yield();
	(void)sawsyscall;
	load_stop(&l);
	gs_snapshot_free(s);
}

struct snapper {
	int64_t maxid;
	int n;
	_Atomic int done;
	int taken;
	int errors;
	int notrun;
	char first[256];
};

static void *
snapper_thread(void *arg)
{
	struct snapper *sn = arg;
	gs_snapshot *s = gs_snapshot_new(256, 64);
	char msg[256];

	if (s == NULL) {
		snprintf(sn->first, sizeof sn->first, "gs_snapshot_new failed");
		sn->errors++;
		atomic_store(&sn->done, 1);
		return NULL;
	}
	for (int i = 0; i < sn->n; i++) {
		int rc = gs_snapshot_take(s);
		if (rc != 0) {
			sn->notrun++;
			continue;
		}
		sn->taken++;
		const char *e = snap_check(s, sn->maxid, true, msg, sizeof msg);
		if (e == NULL && s->stats.goroutines != LOAD_G + 1) {
			snprintf(msg, sizeof msg, "goroutines %d, want %d", s->stats.goroutines,
			    LOAD_G + 1);
			e = msg;
		}
		if (e != NULL && sn->errors++ == 0)
			snprintf(sn->first, sizeof sn->first, "%s", e);
	}
	gs_snapshot_free(s);
	atomic_store(&sn->done, 1);
	return NULL;
}

static bool
snapper_done(void *arg)
{
	return atomic_load(&((struct snapper *)arg)->done) != 0;
}

GS_MAIN_TEST(test_snapshot_from_pthread, 3)
{
	static struct load l;
	static struct snapper sn;
	pthread_t th;

	load_start(&l);
	sn.maxid = l.maxid;
	sn.n = LOAD_SNAPS;
	ck_assert_int_eq(pthread_create(&th, NULL, snapper_thread, &sn), 0);
	/* Keep scheduling (and spawning nothing) while the thread looks. */
	ck_assert(tu_yield_until(snapper_done, &sn, TU_SEC(60)));
	ck_assert_int_eq(pthread_join(th, NULL), 0);
	ck_assert_msg(sn.errors == 0, "%d bad snapshots from a pthread, the first: %s", sn.errors,
	    sn.first);
	ck_assert_int_eq(sn.notrun, 0);
	ck_assert_int_eq(sn.taken, LOAD_SNAPS);
	load_stop(&l);
}

/* Churn: goroutines spawned and exiting all the time.  The totals by state
 * still come from one pass (waiting by reason adds up exactly); against the
 * spawn-exit count they may differ by the goroutines being born or dying. */
struct churn {
	_Atomic int stop;
	gs_waitgroup wg;
};

static void
churn_leaf(void *arg)
{
	(void)arg;
	tu_spin_ns(1000);
}

static void
churn_spawner(void *arg)
{
	struct churn *c = arg;

	while (!atomic_load_explicit(&c->stop, memory_order_relaxed)) {
		for (int i = 0; i < 16; i++)
			gs_go(churn_leaf, NULL);
		gs_yield();
	}
	gs_wg_done(&c->wg);
}

GS_MAIN_TEST(test_snapshot_churn, 4)
{
	static struct churn c;
	gs_snapshot *s = gs_snapshot_new(256, 256);
	int worst = 0;

	ck_assert_ptr_nonnull(s);
	TU_WG_ADD(&c.wg, 3);
	for (int i = 0; i < 3; i++)
		TU_GO(churn_spawner, &c);
	for (int i = 0; i < LOAD_SNAPS / 2; i++) {
		ck_assert_int_eq(gs_snapshot_take(s), 0);
		SNAP_OK(s, INT64_MAX, false);
		int sum = 0;
		for (int k = 0; k < GS_G_DEAD; k++)
			sum += s->stats.by_status[k];
		int d = abs(sum - s->stats.goroutines);
		if (d > worst)
			worst = d;
		if (i % 8 == 0)
			gs_yield();
	}
	atomic_store(&c.stop, 1);
	gs_wg_wait(&c.wg);
	ck_assert_int_eq(tu_wait_numgoroutine(1, TU_SEC(10)), 1);
	ck_assert_int_eq(gs_snapshot_take(s), 0);
	SNAP_OK(s, INT64_MAX, true);
	ck_assert_int_eq(s->stats.goroutines, 1);
	gs_snapshot_free(s);
	/* Informational: how far apart the two counts were under churn. */
	(void)worst;
}

/* ---- the Ms' layout: what a snapshot reads of each M, in two lines ---------------------- */

/* The end of field f of gs_m. */
#define M_END(f) (offsetof(gs_m, f) + sizeof(((gs_m *)0)->f))

#define MLINES_BLOCKED 8

/* Goroutines blocked in read(2) on a pipe, each holding an M of its own
 * until a byte comes. */
static int mlines_fd;
static gs_waitgroup mlines_wg = GS_WAITGROUP_INIT;
static atomic_int mlines_bad; /* reads that did not return one byte */

static long
mlines_read(void *arg TU_UNUSED)
{
	char c;

	return read(mlines_fd, &c, 1);
}

static void
mlines_blocker(void *arg TU_UNUSED)
{
	if (gs_syscall_block(mlines_read, NULL) != 1)
		atomic_fetch_add(&mlines_bad, 1);
	gs_wg_done(&mlines_wg);
}

/* gs_snapshot_take walks every M (thousands, with goroutines blocked in
 * system calls): each field it reads of an M lies in the M's first two cache
 * lines, and every M starts a line, so the walk costs two lines per M
 * (internal.h orders gs_m for that). */
GS_MAIN_TEST(test_snapshot_m_lines, 2)
{
	const struct {
		const char *name;
		size_t end;
	} f[] = {
		{ "id", M_END(id) },
		{ "curg", M_END(curg) },
		{ "p", M_END(p) },
		{ "state", M_END(state) },
		{ "spinning", M_END(spinning) },
		{ "lockedg", M_END(lockedg) },
		{ "alllink", M_END(alllink) },
		{ "created_ns", M_END(created_ns) },
		{ "acct", M_END(acct) },
		{ "acct_ns", M_END(acct_ns) },
	};
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
		if (f[i].end > 2 * GS_CACHELINE)
			ck_assert_msg(0, "gs_m.%s ends at byte %zu, past the first two lines",
			    f[i].name, f[i].end);

	int fds[2];
	gs_stats st;
	ck_assert_int_eq(pipe(fds), 0);
	mlines_fd = fds[0];
	TU_WG_ADD(&mlines_wg, MLINES_BLOCKED);
	for (int i = 0; i < MLINES_BLOCKED; i++)
		TU_GO(mlines_blocker, NULL);
	for (uint64_t t0 = tu_now_ns();; gs_sleep(MS(1))) {
		int rc = gs_read_stats(&st);
		if (rc != 0)
			ck_assert_msg(0, "gs_read_stats: %s", gs_strerror(rc));
		if (st.in_syscall >= MLINES_BLOCKED)
			break;
		if (tu_now_ns() - t0 > TU_SEC(10))
			ck_assert_msg(0, "%d of %d blocked in read(2) after 10 s", st.in_syscall,
			    MLINES_BLOCKED);
	}

	gs__lockx(&gs__sched.lock);
	int nm = 0, misaligned = 0;
	for (gs_m *mp = gs__sched.allm; mp; mp = mp->alllink, nm++)
		if ((uintptr_t)mp % GS_CACHELINE != 0)
			misaligned++;
	gs__unlockx(&gs__sched.lock);
	/* one M per blocked goroutine, main's, sysmon */
	ck_assert_int_ge(nm, MLINES_BLOCKED + 2);
	ck_assert_msg(misaligned == 0, "%d of %d Ms do not start a cache line", misaligned, nm);

	char bytes[MLINES_BLOCKED] = { 0 };
	ck_assert_int_eq(gs_sys_write(fds[1], bytes, sizeof bytes), MLINES_BLOCKED);
	gs_wg_wait(&mlines_wg);
	ck_assert_int_eq(atomic_load(&mlines_bad), 0);
	close(fds[0]);
	close(fds[1]);
}

/* ---- events: off by default, off means nothing recorded ------------------------------------- */

static void
spawn_n_wait(int n)
{
	gs_waitgroup wg = GS_WAITGROUP_INIT;

	TU_WG_ADD(&wg, n);
	for (int i = 0; i < n; i++)
		TU_GO(nop_done, &wg);
	gs_wg_wait(&wg);
	ck_assert_int_eq(obs_wait_numgoroutine(1), 1);
}

static void
main_events_off(void *arg)
{
	int round = *(int *)arg;
	uint64_t dropped = 7;

	/* Off at the start of every run, even if the last run left them on. */
	ck_assert(!gs_events_enabled());
	spawn_n_wait(200);
	gs_yield();
	ck_assert_int_eq(gs_set_gomaxprocs(3), 2);
	ck_assert_int_eq(gs_set_gomaxprocs(2), 3);
	ck_assert_int_eq(drain_ordered(&dropped), 0);
	ck_assert_uint_eq(dropped, 0);

	/* On, then off again: only what happened while on is recorded. */
	gs_events_enable(true);
	ck_assert(gs_events_enabled());
	spawn_n_wait(10);
	gs_events_enable(false);
	ck_assert(!gs_events_enabled());
	int n = drain_ordered(&dropped);
	ck_assert_int_ge(count_kind(evbuf(), n, GS_EV_SPAWN), 10);
	ck_assert_uint_eq(dropped, 0);
	/* A site that saw the switch on just before it went off may still be
	 * writing its event: give it time, and drain that too. */
	gs_sleep(MS(20));
	(void)drain_ordered(&dropped);
	spawn_n_wait(200);
	ck_assert_int_eq(gs_set_gomaxprocs(3), 2);
	ck_assert_int_eq(gs_set_gomaxprocs(2), 3);
	n = drain_ordered(&dropped);
	ck_assert_msg(n == 0,
	    "%d events recorded while off, the first: %s p%d m%" PRId64 " g%" PRId64, n,
	    gs_event_name(evbuf()[0].kind), evbuf()[0].p, evbuf()[0].m, evbuf()[0].g);
	ck_assert_uint_eq(dropped, 0);

	if (round == 0)
		gs_events_enable(true); /* left on: the next gs_run resets it */
}

START_TEST(test_events_off)
{
	for (int round = 0; round < 2; round++) {
		gs_config cfg = { .procs = 2 };
		tu_run_cfg(main_events_off, &round, &cfg);
	}
}
END_TEST

/* ---- events: spawn and exit counts, time order ---------------------------------------------- */

static bool
has_id(const int64_t *sorted, int n, int64_t id)
{
	return bsearch(&id, sorted, (size_t)n, sizeof *sorted, tu_cmp_i64) != NULL;
}

#define SE_BATCH 200
#define SE_BATCHES (TU_SANITIZED ? 3 : 10)

GS_MAIN_TEST(test_events_spawn_exit, 2)
{
	static int64_t ids[SE_BATCH * SE_BATCHES];
	static gs_event all[EVBUF_MAX];
	int nall = 0, nids = 0;
	int64_t self = gs_self();
	uint64_t dropped;
	gs_stats st0, st1;

	ck_assert(!gs_events_enabled());
	ck_assert_int_eq(gs_read_stats(&st0), 0);
	gs_events_enable(true);
	for (int b = 0; b < SE_BATCHES; b++) {
		gs_waitgroup wg = GS_WAITGROUP_INIT;
		TU_WG_ADD(&wg, SE_BATCH);
		for (int i = 0; i < SE_BATCH; i++) {
			ids[nids] = gs_go(nop_done, &wg);
			ck_assert_int_gt(ids[nids], 0);
			nids++;
		}
		gs_wg_wait(&wg);
		ck_assert_int_eq(obs_wait_numgoroutine(1), 1);
		int n = drain_ordered(&dropped);
		ck_assert_uint_eq(dropped, 0);
		ck_assert_int_lt(nall + n, EVBUF_MAX);
		memcpy(all + nall, evbuf(), (size_t)n * sizeof *all);
		nall += n;
	}
	gs_events_enable(false);
	ck_assert_int_eq(gs_read_stats(&st1), 0);
	(void)drain_ordered(&dropped); /* anything late is not counted */

	qsort(ids, (size_t)nids, sizeof *ids, tu_cmp_i64);
	int spawns = 0, exits = 0, runs = 0;
	for (int i = 0; i < nall; i++) {
		const gs_event *e = &all[i];
		switch (e->kind) {
		case GS_EV_SPAWN:
			ck_assert_msg(has_id(ids, nids, e->g), "spawn of unknown g%" PRId64, e->g);
			ck_assert_int_eq(e->arg, self);
			ck_assert(e->p >= 0 && e->p < 2);
			ck_assert_int_ge(e->m, 0);
			spawns++;
			break;
		case GS_EV_EXIT:
			ck_assert_msg(has_id(ids, nids, e->g), "exit of unknown g%" PRId64, e->g);
			ck_assert(e->p >= 0 && e->p < 2);
			exits++;
			break;
		case GS_EV_RUN:
			runs += has_id(ids, nids, e->g);
			break;
		}
	}
	ck_assert_int_eq(spawns, nids);
	ck_assert_int_eq(exits, nids);
	ck_assert_int_ge(runs, nids);
	ck_assert_uint_eq(st1.spawns - st0.spawns, (uint64_t)nids);
	ck_assert_uint_eq(st1.exits - st0.exits, (uint64_t)nids);

	/* Per goroutine: spawn, then run, then exit, in that order. */
	for (int k = 0; k < nids; k += nids / 50) {
		int64_t g = ids[k];
		int sp = -1, rn = -1, ex = -1;
		for (int i = 0; i < nall; i++) {
			if (all[i].g != g)
				continue;
			if (all[i].kind == GS_EV_SPAWN)
				sp = i;
			else if (all[i].kind == GS_EV_RUN && rn < 0)
				rn = i;
			else if (all[i].kind == GS_EV_EXIT)
				ex = i;
		}
		ck_assert_msg(sp >= 0 && rn > sp && ex > rn,
		    "g%" PRId64 ": spawn at %d, first run at %d, exit at %d", g, sp, rn, ex);
	}
}

/* ---- events: every goroutine a batch moves -------------------------------------------------- */

/*
 * The GS_EV_MOVE events that follow batch event ev[i] on its M: assert there
 * are arg of them, each with reason why from queue p2 to queue p, distinct
 * goroutines; their ids go to ids (room for 256), in order.
 */
static void
batch_moves(const gs_event *ev, int n, int i, int why, int p, int p2, int64_t *ids)
{
	const gs_event *b = &ev[i];
	int k = 0;

	ck_assert_int_ge(b->arg, 1);
	ck_assert_int_le(b->arg, 256);
	for (int j = i + 1; j < n && k < b->arg; j++) {
		const gs_event *e = &ev[j];
		if (e->m != b->m)
			continue;
		ck_assert_msg(e->kind == GS_EV_MOVE,
		    "%s (arg %" PRId64 ") followed by %s after %d moves", gs_event_name(b->kind),
		    b->arg, gs_event_name(e->kind), k);
		ck_assert_int_eq(e->arg, why);
		ck_assert_int_eq(e->p, p);
		ck_assert_int_eq(e->p2, p2);
		ck_assert_int_eq(e->m2, -1);
		ck_assert_int_gt(e->g, 0);
		for (int q = 0; q < k; q++)
			ck_assert_msg(ids[q] != e->g, "g%" PRId64 " moved twice in one batch",
			    e->g);
		ids[k++] = e->g;
	}
	ck_assert_msg(k == b->arg, "%s of %" PRId64 " followed by %d moves", gs_event_name(b->kind),
	    b->arg, k);
}

/* Every batch event in ev[0..n) followed by its moves, and no move outside a
 * batch.  Returns how many moves there are. */
static int
check_batches(const gs_event *ev, int n)
{
	int64_t ids[256];
	int64_t moves = 0, batched = 0;

	for (int i = 0; i < n; i++) {
		const gs_event *e = &ev[i];
		switch (e->kind) {
		case GS_EV_STEAL:
			batch_moves(ev, n, i, GS_MOVE_STEAL, e->p, e->p2, ids);
			ck_assert_int_eq(e->g, ids[e->arg - 1]); /* the thief runs the last */
			break;
		case GS_EV_GLOBAL_PUT:
			if (e->m2 == GS_GPUT_YIELD) {
				ck_assert_int_eq(e->arg, 1);
				ck_assert_int_gt(e->g, 0);
				continue;
			}
			ck_assert_msg(e->m2 == GS_GPUT_OVERFLOW || e->m2 == GS_GPUT_INJECT,
			    "global put for reason %" PRId64, e->m2);
			if (e->m2 == GS_GPUT_OVERFLOW)
				batch_moves(ev, n, i, GS_MOVE_OVERFLOW, -1, e->p, ids);
			else
				batch_moves(ev, n, i, GS_MOVE_INJECT, -1, -1, ids);
			break;
		case GS_EV_GLOBAL_GET:
			batch_moves(ev, n, i, GS_MOVE_GLOBAL_GET, e->p, -1, ids);
			ck_assert_int_eq(e->g, ids[0]); /* the taker runs the first */
			ck_assert_msg(e->m2 == 0 || (e->m2 == 1 && e->arg == 1),
			    "global get of %" PRId64 ", m2 %" PRId64, e->arg, e->m2);
			break;
		case GS_EV_MOVE:
			moves++;
			continue;
		default:
			continue;
		}
		batched += e->arg;
	}
	ck_assert_int_eq(moves, batched);
	return (int)moves;
}

/* ---- events: a forced steal ------------------------------------------------------------------ */

/*
 * STEAL_N goroutines park on a gate; main closes it, which readies them all
 * into main's own P (runnext and the local queue) without a scheduling point,
 * and then spins without calling into the runtime until all of them have run.
 * Main's P never schedules meanwhile, so each of them can only run on the
 * other P, and only by being stolen: the steal events must account for all
 * STEAL_N, and the counters for exactly the same steals.
 */
#define STEAL_N 200

struct stealgate {
	gs_chan *gate;
	_Atomic int ran;
};

static void
gated_cpu(void *arg)
{
	struct stealgate *sg = arg;

	ck_assert_int_eq(gs_chan_recv(sg->gate, NULL), 0); /* closed */
	tu_spin_ns(100000);
	atomic_fetch_add(&sg->ran, 1);
}

GS_MAIN_TEST(test_event_steal, 2)
{
	static struct stealgate sg;
	gs_stats st0, st1;
	uint64_t dropped;
	int steals = 0, n;
	int64_t stolen = 0;

	static int64_t ids[STEAL_N];
	int nmoved = 0;

	sg.gate = gs_chan_make(0, 0);
	ck_assert_ptr_nonnull(sg.gate);
	for (int i = 0; i < STEAL_N; i++) {
		ids[i] = gs_go(gated_cpu, &sg);
		ck_assert_int_gt(ids[i], 0);
	}
	ck_assert_int_eq(tu_wait_waiting(GS_WAIT_CHAN_RECV, STEAL_N, TU_SEC(30)), STEAL_N);

	/* Quiet now: the events and counters from here on cover the same steals. */
	gs_events_enable(true);
	ck_assert_int_eq(gs_read_stats(&st0), 0);
	ck_assert_int_eq(gs_chan_close(sg.gate), 0);
	while (atomic_load(&sg.ran) < STEAL_N)
		tu_spin_ns(10000);
	ck_assert_int_eq(obs_wait_numgoroutine(1), 1);
	ck_assert_int_eq(gs_read_stats(&st1), 0);
	gs_events_enable(false);

	n = drain_ordered(&dropped);
	const gs_event *ev = evbuf();
	ck_assert_uint_eq(dropped, 0);
	for (int i = 0; i < n; i++) {
		if (ev[i].kind != GS_EV_STEAL)
			continue;
		ck_assert_msg(ev[i].p != ev[i].p2, "steal from itself: p%d p2%d", ev[i].p,
		    ev[i].p2);
		ck_assert(ev[i].p >= 0 && ev[i].p < 2);
		ck_assert(ev[i].p2 >= 0 && ev[i].p2 < 2);
		ck_assert_int_ge(ev[i].arg, 1);
		ck_assert_int_le(ev[i].arg, 129);
		ck_assert_int_ge(ev[i].m, 0);
		/* a victim's runnext is taken alone */
		ck_assert(ev[i].m2 == 0 || ev[i].m2 == 1);
		ck_assert(ev[i].m2 == 0 || ev[i].arg == 1);
		steals++;
		stolen += ev[i].arg;
	}
	/* Each steal names the goroutines it took, one move each: gated ones,
	 * or this goroutine itself (preempted while it waits, it may be queued
	 * and stolen too; so may a gated one twice, taken back by the other P:
	 * scheduling, not a rule). */
	ck_assert_int_eq(check_batches(ev, n), count_kind(ev, n, GS_EV_MOVE));
	qsort(ids, STEAL_N, sizeof *ids, tu_cmp_i64);
	for (int i = 0; i < n; i++) {
		if (ev[i].kind != GS_EV_MOVE || ev[i].arg != GS_MOVE_STEAL)
			continue;
		ck_assert_msg(has_id(ids, STEAL_N, ev[i].g) || ev[i].g == gs_self(),
		    "stole unknown g%" PRId64, ev[i].g);
		nmoved++;
	}
	ck_assert_msg(steals > 0, "no steal event among %d events", n);
	ck_assert_int_eq(nmoved, stolen);
	ck_assert_int_eq(atomic_load(&sg.ran), STEAL_N);
	/* Every counted steal has its event and vice versa. */
	ck_assert_uint_eq((uint64_t)steals, st1.steals - st0.steals);
	ck_assert_uint_eq((uint64_t)stolen, st1.stolen - st0.stolen);
	gs_chan_free(sg.gate);
}

/* ---- events: a forced hand-off -------------------------------------------------------------- */

struct sysg {
	_Atomic int64_t id;
	_Atomic int entered;
	gs_waitgroup wg;
};

static void
sys_sleeper(void *arg)
{
	struct sysg *sg = arg;

	atomic_store(&sg->id, gs_self());
	atomic_store(&sg->entered, 1);
	/* Long enough that main, which runs only once sysmon has retaken the
	 * P, still finds it in the system call on a loaded machine. */
	ck_assert_int_eq(gs_nanosleep(MS(500)), 0);
	gs_wg_done(&sg->wg);
}

static bool
sys_entered(void *arg)
{
	return atomic_load(&((struct sysg *)arg)->entered) != 0;
}

GS_MAIN_TEST(test_event_handoff, 1)
{
	static struct sysg sg;
	gs_snapshot *s = gs_snapshot_new(64, 16);
	gs_stats st0, st1;
	uint64_t dropped;

	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(gs_read_stats(&st0), 0);
	gs_events_enable(true);
	TU_WG_ADD(&sg.wg, 1);
	TU_GO(sys_sleeper, &sg);
	/* One P: the sleeper runs, enters nanosleep(2) holding its thread; main
	 * runs again only once sysmon has retaken the P and handed it off. */
	ck_assert(tu_yield_until(sys_entered, &sg, TU_SEC(10)));
	int64_t gid = atomic_load(&sg.id);

	/* While it sleeps: its M is in a system call without a P. */
	ck_assert_int_eq(gs_snapshot_take(s), 0);
	SNAP_OK(s, gid > gs_self() ? gid : gs_self(), true);
	ck_assert_int_eq(s->stats.by_status[GS_G_SYSCALL], 1);
	ck_assert_int_eq(s->stats.in_syscall, 1);
	int found = 0;
	for (int i = 0; i < s->nm; i++)
		if (s->m[i].curg == gid) {
			found++;
			ck_assert_int_eq(s->m[i].state, GS_MSTATE_SYSCALL);
			ck_assert_int_eq(s->m[i].p, -1);
		}
	ck_assert_int_eq(found, 1);
	ck_assert_int_eq(s->p[0].curg.id, gs_self());
	ck_assert_int_eq(s->p[0].status, GS_PSTATE_RUNNING);

	tu_spin_ns((uint64_t)MS(5)); /* main runs meanwhile */
	gs_wg_wait(&sg.wg);
	ck_assert_int_eq(gs_read_stats(&st1), 0);
	gs_events_enable(false);
	ck_assert_uint_ge(st1.retakes - st0.retakes, 1);
	ck_assert_uint_ge(st1.handoffs - st0.handoffs, 1);

	int n = drain_ordered(&dropped);
	const gs_event *ev = evbuf();
	int ienter = -1, iretake = -1, ihandoff = -1, iexit = -1;
	int64_t sysm = -1;
	ck_assert_uint_eq(dropped, 0);
	for (int i = 0; i < n; i++) {
		const gs_event *e = &ev[i];
		if (e->kind == GS_EV_SYSCALL_ENTER && e->g == gid && ienter < 0) {
			ienter = i;
			sysm = e->m;
			ck_assert_int_eq(e->p, 0);
			ck_assert_int_ge(e->m, 0);
		} else if (e->kind == GS_EV_RETAKE && ienter >= 0 && iretake < 0) {
			iretake = i;
			ck_assert_int_eq(e->p, 0);
			ck_assert_int_eq(e->m, sysm);
		} else if (e->kind == GS_EV_HANDOFF && iretake >= 0 && ihandoff < 0) {
			ihandoff = i;
			ck_assert_int_eq(e->p, 0);
			ck_assert_int_eq(e->m, sysm);
			/* main waits in the global queue: the P goes to another M. */
			ck_assert_int_ge(e->m2, 0);
			ck_assert_int_ne(e->m2, sysm);
		} else if (e->kind == GS_EV_SYSCALL_EXIT && e->g == gid && ienter >= 0) {
			iexit = i;
			ck_assert_int_eq(e->m, sysm);
		}
	}
	ck_assert_msg(ienter >= 0, "no syscall_enter for g%" PRId64 " among %d events", gid, n);
	ck_assert_msg(iretake > ienter, "no retake after the syscall_enter");
	ck_assert_msg(ihandoff > iretake, "no handoff after the retake");
	ck_assert_msg(iexit > ihandoff, "no syscall_exit after the handoff");
	ck_assert_uint_ge(ev[iexit].time_ns - ev[ienter].time_ns, (uint64_t)MS(45));
	gs_snapshot_free(s);
}

/* Every system call's return says where its goroutine went: the P it got
 * (its own, or an idle one), or p -1 for the global queue; counted, the
 * events are the runtime's own counts of the three outcomes. */
static void
short_caller(void *arg)
{
	gs_waitgroup *wg = arg;
	for (int i = 0; i < 20; i++)
		ck_assert_int_eq(gs_nanosleep(MS(1)), 0);
	gs_wg_done(wg);
}

GS_MAIN_TEST(test_event_syscall_exit_where, 1)
{
	static gs_waitgroup wg;
	gs_stats st0, st1;
	uint64_t dropped;

	ck_assert_int_eq(gs_read_stats(&st0), 0);
	gs_events_enable(true);
	TU_WG_ADD(&wg, 8);
	for (int i = 0; i < 8; i++)
		TU_GO(short_caller, &wg);
	/* main keeps the one P busy, so calls that sysmon retook find none */
	for (int i = 0; i < 40; i++) {
		tu_spin_ns((uint64_t)MS(2));
		gs_preempt_check();
	}
	gs_wg_wait(&wg);
	ck_assert_int_eq(gs_read_stats(&st1), 0);
	gs_events_enable(false);

	int n = drain_ordered(&dropped);
	const gs_event *ev = evbuf();
	ck_assert_uint_eq(dropped, 0);
	int64_t got = 0, none = 0;
	for (int i = 0; i < n; i++) {
		if (ev[i].kind != GS_EV_SYSCALL_EXIT)
			continue;
		ck_assert(ev[i].p >= -1 && ev[i].p < 1);
		if (ev[i].p < 0)
			none++;
		else
			got++;
	}
	ck_assert_int_eq(got + none, 8 * 20);
	ck_assert_int_eq(none, (int64_t)(st1.exitsyscall_global - st0.exitsyscall_global));
	ck_assert_int_eq(got,
	    (int64_t)(st1.exitsyscall_oldp - st0.exitsyscall_oldp + st1.exitsyscall_idlep -
		st0.exitsyscall_idlep));
}

/* ---- events: preemption --------------------------------------------------------------------- */

struct spin {
	_Atomic int flag;
	_Atomic int started;
	_Atomic int64_t id;
	uint64_t iters;
	gs_waitgroup wg;
};

static void
spinner_async(void *arg)
{
	struct spin *s = arg;
	uint64_t i = 0, cap = TU_SANITIZED ? 1500000000ULL : 4000000000ULL;

	atomic_store(&s->id, gs_self());
	atomic_store_explicit(&s->started, 1, memory_order_relaxed);
	gs_preemptible_begin();
	while (!atomic_load_explicit(&s->flag, memory_order_relaxed) && i < cap)
		i++;
	gs_preemptible_end();
	s->iters = i;
	gs_wg_done(&s->wg);
}

static void
spinner_coop(void *arg)
{
	struct spin *s = arg;
	uint64_t i = 0, end = tu_now_ns() + TU_SEC(20);

	atomic_store(&s->id, gs_self());
	atomic_store_explicit(&s->started, 1, memory_order_relaxed);
	/* Bounded by time, not iterations: a loaded machine (CI's sanitizer
	 * stage) may run this loop slowly, but sysmon asks within ~10 ms. */
	while (!atomic_load_explicit(&s->flag, memory_order_relaxed)) {
		i++;
		gs_preempt_check();
		if ((i & 0xffff) == 0 && tu_now_ns() > end)
			break;
	}
	s->iters = i;
	gs_wg_done(&s->wg);
}

static void
flag_setter(void *arg)
{
	struct spin *s = arg;
	uint64_t end = tu_now_ns() + TU_SEC(10);

	while (!atomic_load(&s->started) && tu_now_ns() < end)
		gs_yield();
	atomic_store(&s->flag, 1);
	gs_wg_done(&s->wg);
}

static void
preempt_events(void (*spinner)(void *), int want_arg)
{
	static struct spin s;
	uint64_t dropped;

	ck_assert_int_eq(gs_gomaxprocs(), 1);
	gs_events_enable(true);
	TU_WG_ADD(&s.wg, 2);
	TU_GO(flag_setter, &s);
	TU_GO(spinner, &s);
	gs_wg_wait(&s.wg);
	gs_events_enable(false);

	int n = drain_ordered(&dropped);
	const gs_event *ev = evbuf();
	int64_t gid = atomic_load(&s.id);
	int mine = 0, other = 0;
	for (int i = 0; i < n; i++) {
		if (ev[i].kind != GS_EV_PREEMPT)
			continue;
		if (ev[i].g == gid && ev[i].arg == want_arg) {
			mine++;
			ck_assert_int_eq(ev[i].p, 0);
			ck_assert_int_ge(ev[i].m, 0);
		} else {
			other++;
		}
	}
	ck_assert_msg(mine >= 1,
	    "no preempt event (arg %d) for the spinner g%" PRId64
	    " among %d events (%d other preempt events, %" PRIu64 " iterations)",
	    want_arg, gid, n, other, s.iters);
}

GS_MAIN_TEST(test_event_preempt_async, 1)
{
	if (!ASYNC_WORKS) {
		TU_SKIP("asynchronous preemption needs x86-64 and no TSan");
		return;
	}
	preempt_events(spinner_async, 1);
}

GS_MAIN_TEST(test_event_preempt_coop, 1)
{
	preempt_events(spinner_coop, 0);
}

/* ---- a slice that will not end: its thread's CPU time ------------------------------------- */

struct hog {
	_Atomic int64_t id;
	_Atomic int stop;
	gs_waitgroup wg;
};

/* A call-free loop outside any preemptible region: sysmon's request to
 * yield goes unanswered until stop is set. */
static void
hog_loop(void *arg)
{
	struct hog *h = arg;

	atomic_store(&h->id, gs_self());
	while (!atomic_load_explicit(&h->stop, memory_order_relaxed))
		;
	gs_wg_done(&h->wg);
}

/* The M whose goroutine is id in s, or NULL. */
static const gs_snap_m *
m_running(const gs_snapshot *s, int64_t id)
{
	for (int i = 0; i < s->nm; i++)
		if (s->m[i].curg == id)
			return &s->m[i];
	return NULL;
}

/* cpu_ns is read for the M of a slice sysmon found used up, and grows while
 * that goroutine keeps its thread.  (That it is 0 for other Ms cannot be
 * asserted here: on a loaded machine any slice may be seen used up.) */
GS_MAIN_TEST(test_snapshot_cpu_of_used_up_slice, 2)
{
	static struct hog h;
	gs_snapshot *s = gs_snapshot_new(16, 64);
	uint64_t first = 0;

	ck_assert_ptr_nonnull(s);
	gs_wg_add(&h.wg, 1);
	ck_assert_int_gt(gs_go(hog_loop, &h), 0);
	while (atomic_load(&h.id) == 0)
		gs_yield();
	for (;;) {
		ck_assert_int_eq(gs_snapshot_take(s), 0);
		const gs_snap_m *hm = m_running(s, atomic_load(&h.id));
		if (hm != NULL && hm->cpu_ns != 0) {
			if (first == 0)
				first = hm->cpu_ns;
			else if (hm->cpu_ns > first)
				break;
		}
		gs_yield();
	}
	atomic_store(&h.stop, 1);
	gs_wg_wait(&h.wg);
	gs_snapshot_free(s);
}

/* ---- events: GOMAXPROCS changes --------------------------------------------------------------- */

static void *
resize_thread(void *arg)
{
	int *ret = arg;

	ret[0] = gs_set_gomaxprocs(4);
	ret[1] = gs_set_gomaxprocs(2);
	return NULL;
}

static long
join_fn(void *arg)
{
	return pthread_join(*(pthread_t *)arg, NULL);
}

GS_MAIN_TEST(test_event_procresize, 2)
{
	gs_snapshot *s = gs_snapshot_new(64, 0);
	uint64_t dropped;
	gs_stats st;
	int ret[2] = { 0, 0 };
	pthread_t th;

	ck_assert_ptr_nonnull(s);
	gs_events_enable(true);
	ck_assert_int_eq(gs_set_gomaxprocs(3), 2);
	ck_assert_int_eq(gs_set_gomaxprocs(1), 3);
	ck_assert_int_eq(gs_read_stats(&st), 0);
	ck_assert_int_eq(gs_snapshot_take(s), 0);
	ck_assert_int_eq(s->np, 1);
	/* From a thread that is no M: those events go to the shared ring. */
	ck_assert_int_eq(pthread_create(&th, NULL, resize_thread, ret), 0);
	ck_assert_int_eq(gs_syscall_block(join_fn, &th), 0);
	ck_assert_int_eq(ret[0], 1);
	ck_assert_int_eq(ret[1], 4);
	gs_events_enable(false);

	int n = drain_ordered(&dropped);
	const gs_event *ev = evbuf();
	static const int want[][2] = { { 3, 2 }, { 1, 3 }, { 4, 1 }, { 2, 4 } };
	int k = 0;
	ck_assert_uint_eq(dropped, 0);
	for (int i = 0; i < n; i++) {
		if (ev[i].kind != GS_EV_PROCRESIZE)
			continue;
		ck_assert_int_lt(k, 4);
		ck_assert_msg(ev[i].p == want[k][0] && ev[i].p2 == want[k][1],
		    "procresize %d: p %d p2 %d, want p %d p2 %d", k, ev[i].p, ev[i].p2, want[k][0],
		    want[k][1]);
		ck_assert_int_ge(ev[i].arg, 0);
		if (k == 1)
			ck_assert_int_eq(ev[i].arg, (int64_t)st.last_stw_ns);
		k++;
	}
	ck_assert_int_eq(k, 4);
	gs_snapshot_free(s);
}

/* ---- events: a full ring drops and counts -------------------------------------------------- */

#define OVF_N 10000
#define RING 4096

GS_MAIN_TEST(test_event_ring_overflow, 1)
{
	static int64_t ids[OVF_N];
	gs_waitgroup wg = GS_WAITGROUP_INIT;
	uint64_t dropped = 0, dropped2 = 99;
	gs_stats st0, st1;

	ck_assert_int_eq(gs_read_stats(&st0), 0);
	gs_events_enable(true);
	/* Far more than a ring holds, nothing drained meanwhile.  In batches, so
	 * the run queue never overflows. */
	for (int b = 0; b < OVF_N; b += 100) {
		TU_WG_ADD(&wg, 100);
		for (int i = b; i < b + 100; i++) {
			ids[i] = gs_go(nop_done, &wg);
			ck_assert_int_gt(ids[i], 0);
		}
		gs_wg_wait(&wg);
	}
	ck_assert_int_eq(obs_wait_numgoroutine(1), 1);
	ck_assert_int_eq(gs_read_stats(&st1), 0);
	gs_events_enable(false);

	int n = drain_ordered(&dropped);
	const gs_event *ev = evbuf();
	int spawns = count_kind(ev, n, GS_EV_SPAWN), exits = count_kind(ev, n, GS_EV_EXIT);
	ck_assert_uint_eq(st1.spawns - st0.spawns, OVF_N);
	ck_assert_msg(dropped > 0, "no drops after %d spawns (%d events drained)", OVF_N, n);
	/* One P: main's M generated nearly everything, and its ring is full. */
	ck_assert_int_ge(n, RING);
	/* At least a spawn and an exit per goroutine were generated. */
	ck_assert_msg((uint64_t)n + dropped >= 2 * (uint64_t)OVF_N,
	    "drained %d + dropped %" PRIu64 " < %d spawns + exits", n, dropped, 2 * OVF_N);
	ck_assert_int_lt(spawns, OVF_N);
	ck_assert_int_lt(exits, OVF_N);
	/* A full ring keeps the oldest: the first spawns are all there, in order. */
	int k = 0;
	for (int i = 0; i < n && k < spawns; i++)
		if (ev[i].kind == GS_EV_SPAWN) {
			ck_assert_int_eq(ev[i].g, ids[k]);
			k++;
		}
	ck_assert_int_eq(k, spawns);
	ck_assert_int_gt(spawns, 100);

	/* The drop count was reset by the drain, and the ring works again. */
	ck_assert_int_eq(drain_ordered(&dropped2), 0);
	ck_assert_uint_eq(dropped2, 0);
	gs_events_enable(true);
	spawn_n_wait(300);
	gs_events_enable(false);
	n = drain_ordered(&dropped2);
	ck_assert_uint_eq(dropped2, 0);
	ck_assert_int_eq(count_kind(evbuf(), n, GS_EV_SPAWN), 300);
	ck_assert_int_eq(count_kind(evbuf(), n, GS_EV_EXIT), 300);
}

/* Draining a little at a time returns everything once, still in order. */
GS_MAIN_TEST(test_events_partial_drain, 2)
{
	static gs_event part[64];
	uint64_t dropped, lastt = 0;
	int total = 0, spawns = 0;

	gs_events_enable(true);
	spawn_n_wait(500);
	gs_events_enable(false);
	for (;;) {
		int n = gs_events_drain(part, 64, &dropped);
		ck_assert_uint_eq(dropped, 0);
		if (n == 0)
			break;
		ck_assert_int_le(n, 64);
		for (int i = 0; i < n; i++) {
			/* Everything was written before the first drain: order holds
			 * across drains too. */
			ck_assert_uint_ge(part[i].time_ns, lastt);
			lastt = part[i].time_ns;
			spawns += part[i].kind == GS_EV_SPAWN;
		}
		total += n;
	}
	ck_assert_int_eq(spawns, 500);
	ck_assert_int_ge(total, 1000);
}

/* ---- events: the global queue listed, its moves ------------------------------------------- */

#define GQ_N 300    /* spawned without a scheduling point: overflows one local queue */
#define GQ_RING 256 /* a local queue's slots */
#define GQ_PUT (GQ_RING / 2 + 1)
#define GQ_EXTRA 64 /* preempted goroutines put on the global queue too */

static gs_waitgroup gq_wg;

static void
gq_exiter(void *arg)
{
	(void)arg;
	gs_wg_done(&gq_wg);
}

/* s lists exactly want[0 .. GQ_PUT) as its global queue (bounded by its runq_max). */
static void
gq_listed(const gs_snapshot *s, const int64_t *want, const int64_t *spawned)
{
	uint32_t max = (uint32_t)s->runq_max;
	uint32_t head = GQ_PUT < max ? GQ_PUT : max;
	uint32_t tail = GQ_PUT - head < max ? GQ_PUT - head : max;

	ck_assert_uint_eq(s->glob_len, GQ_PUT);
	ck_assert_int_eq(s->stats.global_runq, GQ_PUT);
	ck_assert_uint_eq(s->glob_head, head);
	ck_assert_uint_eq(s->glob_tail, tail);
	for (uint32_t k = 0; k < head + tail; k++) {
		uint32_t at = k < head ? k : GQ_PUT - tail + (k - head);
		ck_assert_msg(s->glob[k].id == want[at],
		    "runq_max %u: glob[%u] g%" PRId64 ", want g%" PRId64, max, k, s->glob[k].id,
		    want[at]);
		int idx = -1;
		for (int j = 0; j < GQ_N; j++)
			if (spawned[j] == want[at])
				idx = j;
		char label[GS_LABEL_MAX];
		snprintf(label, sizeof label, "gq%d", idx);
		ck_assert_str_eq(s->glob[k].label, label);
		ck_assert_int_eq(s->glob[k].tag, 'a' + idx % 26);
	}
}

/*
 * One P, and main keeps it while it spawns GQ_N goroutines (tu_run_long_slice):
 * each new one takes runnext and pushes the one before it onto the local
 * queue, which overflows once: its first half and the one being pushed go to
 * the global queue, in that order, in one batch.  Snapshots taken then list
 * that queue whole or by its ends; the overflow's moves name the same
 * goroutines in the same order.  Once main waits, the P runs its local
 * queue, taking from the global queue every 61st schedule (the fairness
 * check), then the rest of it in batches: every goroutine the overflow moved
 * is taken exactly once.
 */
static void
globrunq_main(void *arg)
{
	static int64_t ids[GQ_N], moved[GQ_PUT], want[GQ_PUT + GQ_EXTRA], taken[GQ_PUT + GQ_EXTRA];
	gs_snapshot *s[4] = { gs_snapshot_new(64, 256), gs_snapshot_new(64, 64),
		gs_snapshot_new(64, 4), gs_snapshot_new(64, 0) };
	uint64_t dropped;
	int64_t self = gs_self();

	(void)arg;
	for (int i = 0; i < 4; i++)
		ck_assert_ptr_nonnull(s[i]);
	TU_WG_ADD(&gq_wg, GQ_N);
	gs_events_enable(true);
	for (int i = 0; i < GQ_N; i++) {
		char label[GS_LABEL_MAX];
		snprintf(label, sizeof label, "gq%d", i);
		gs_attr a = { .label = label, .tag = (char)('a' + i % 26) };
		ids[i] = gs_go_attr(gq_exiter, NULL, &a);
		ck_assert_int_gt(ids[i], 0);
	}
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(gs_snapshot_take(s[i]), 0);
	gs_wg_wait(&gq_wg);
	ck_assert_int_eq(obs_wait_numgoroutine(1), 1);
	gs_events_enable(false);

	/* The first half of the full ring (ids[0..127], pushed out of runnext
	 * in spawn order), then the one being pushed when it was full. */
	for (int i = 0; i < GQ_PUT - 1; i++)
		want[i] = ids[i];
	want[GQ_PUT - 1] = ids[GQ_RING];
	for (int i = 0; i < 4; i++) {
		SNAP_OK(s[i], ids[GQ_N - 1], true);
		ck_assert_int_eq(s[i]->p[0].curg.id, self);
		ck_assert_int_eq(s[i]->p[0].runnext.id, ids[GQ_N - 1]);
		ck_assert_uint_eq(s[i]->p[0].runq_len, GQ_N - 1 - GQ_PUT);
		gq_listed(s[i], want, ids);
	}
	ck_assert_ptr_null(s[3]->glob);
	ck_assert_uint_eq(s[2]->glob_head + s[2]->glob_tail, 8); /* the ends of 129 */

	int n = drain_ordered(&dropped);
	const gs_event *ev = evbuf();
	ck_assert_uint_eq(dropped, 0);
	check_batches(ev, n);
	/* A goroutine preempted meanwhile (a slow, sanitized run) goes to the
	 * global queue too, by itself: taken back like the others. */
	int puts = 0, fair = 0, ntaken = 0, moves = 0, nyield = 0;
	for (int i = 0; i < n; i++) {
		const gs_event *e = &ev[i];
		if (e->kind == GS_EV_GLOBAL_PUT && e->m2 == GS_GPUT_YIELD) {
			ck_assert_int_lt(nyield, GQ_EXTRA);
			want[GQ_PUT + nyield++] = e->g;
		} else if (e->kind == GS_EV_GLOBAL_PUT) {
			ck_assert_int_eq(e->m2, GS_GPUT_OVERFLOW);
			ck_assert_int_eq(e->arg, GQ_PUT);
			ck_assert_int_eq(e->p, 0);
			batch_moves(ev, n, i, GS_MOVE_OVERFLOW, -1, 0, moved);
			puts++;
		} else if (e->kind == GS_EV_GLOBAL_GET) {
			fair += e->m2 == 1;
			ntaken += (int)e->arg;
		} else if (e->kind == GS_EV_MOVE && e->arg == GS_MOVE_GLOBAL_GET) {
			ck_assert_int_lt(moves, GQ_PUT + GQ_EXTRA);
			taken[moves++] = e->g;
		}
	}
	ck_assert_int_eq(puts, 1);
	for (int i = 0; i < GQ_PUT; i++)
		ck_assert_msg(moved[i] == want[i], "move %d: g%" PRId64 ", want g%" PRId64, i,
		    moved[i], want[i]);
	/* 170 local ones and runnext ran with all of the global queue waiting:
	 * two fairness checks at least. */
	ck_assert_msg(fair >= 2, "%d fairness takes", fair);
	/* Everything put there was taken, each once. */
	ck_assert_int_eq(ntaken, GQ_PUT + nyield);
	ck_assert_int_eq(moves, GQ_PUT + nyield);
	qsort(taken, (size_t)moves, sizeof *taken, tu_cmp_i64);
	qsort(want, (size_t)moves, sizeof *want, tu_cmp_i64);
	for (int i = 0; i < moves; i++)
		ck_assert_int_eq(taken[i], want[i]);
	for (int i = 0; i < 4; i++)
		gs_snapshot_free(s[i]);
}

START_TEST(test_snapshot_globrunq)
{
	tu_run_long_slice(globrunq_main, NULL, 1);
}
END_TEST

/* The same overflow and takes with events off: nothing recorded. */
static void
moves_off_main(void *arg)
{
	gs_stats st0, st1;
	uint64_t dropped;

	(void)arg;
	ck_assert_int_eq(gs_read_stats(&st0), 0);
	TU_WG_ADD(&gq_wg, GQ_N);
	for (int i = 0; i < GQ_N; i++)
		TU_GO(gq_exiter, NULL);
	gs_wg_wait(&gq_wg);
	ck_assert_int_eq(obs_wait_numgoroutine(1), 1);
	ck_assert_int_eq(gs_read_stats(&st1), 0);
	ck_assert_uint_ge(st1.global_puts - st0.global_puts, GQ_PUT);
	ck_assert_uint_ge(st1.fair_takes - st0.fair_takes, 1);
	ck_assert_int_eq(drain_ordered(&dropped), 0);
	ck_assert_uint_eq(dropped, 0);
}

START_TEST(test_moves_off)
{
	tu_run_long_slice(moves_off_main, NULL, 1);
}
END_TEST

/* ---- the suite ------------------------------------------------------------------------------- */

static Suite *
observe_suite(void)
{
	Suite *s = suite_create("observe");
	TCase *tc;

	tc = tu_tcase("api", 30);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_outside_runtime);
	tcase_add_test(tc, test_slice_since);
	suite_add_tcase(s, tc);

	tc = tu_tcase("snapshot", 60);
	tcase_add_test(tc, test_snapshot_quiet);
	tcase_add_test(tc, test_snapshot_runq_order);
	tcase_add_test(tc, test_label_not_inherited);
	tcase_add_test(tc, test_snapshot_under_load);
	tcase_add_test(tc, test_snapshot_from_pthread);
	tcase_add_test(tc, test_snapshot_churn);
	tcase_add_test(tc, test_snapshot_m_lines);
	suite_add_tcase(s, tc);

	tc = tu_tcase("events", 60);
	tcase_add_test(tc, test_events_off);
	tcase_add_test(tc, test_events_spawn_exit);
	tcase_add_test(tc, test_event_steal);
	tcase_add_test(tc, test_event_handoff);
	tcase_add_test(tc, test_event_syscall_exit_where);
	tcase_add_test(tc, test_event_preempt_async);
	tcase_add_test(tc, test_event_preempt_coop);
	tcase_add_test(tc, test_event_procresize);
	tcase_add_test(tc, test_event_ring_overflow);
	tcase_add_test(tc, test_events_partial_drain);
	tcase_add_test(tc, test_snapshot_globrunq);
	tcase_add_test(tc, test_snapshot_cpu_of_used_up_slice);
	tcase_add_test(tc, test_moves_off);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run_suite(observe_suite());
}
