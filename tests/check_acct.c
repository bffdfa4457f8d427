/*
 * check_acct.c - the accounting (gs_set_accounting in gsched/observe.h):
 * off by default and reset by gs_run, zeros while off; a goroutine that
 * sleeps then burns CPU shows both; latency when three CPU-bound goroutines
 * share one P; runs and moves equal to what the event stream says each
 * goroutine did; per-P and per-M totals within the time they could cover;
 * figures that never go backwards or underflow while a plain thread reads
 * them under a mixed load.  Times are asserted only from below, or against
 * the wall time that bounds them by construction, never as a time limit.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>

#include "testutil.h"
#include "gsched/observe.h"

#define MS(x) ((uint64_t)(x)*1000000u)
#define GMAX 4096

/* The listing of one goroutine, by id; false if it is not live. */
static bool
ginfo(int64_t id, gs_snap_ginfo *out)
{
	static gs_snap_ginfo buf[GMAX];
	int n = gs_goroutines(buf, GMAX);

	ck_assert_int_ge(n, 0);
	for (int i = 0; i < n && i < GMAX; i++)
		if (buf[i].id == id) {
			*out = buf[i];
			return true;
		}
	return false;
}

static uint64_t
gtotal(const gs_snap_ginfo *g)
{
	uint64_t t = g->run_ns + g->latency_ns + g->syscall_ns;
	for (int k = 0; k < GS_BLOCK_NKINDS; k++)
		t += g->blocked_ns[k];
	return t;
}

/* Close c, wait for its waiters (every goroutine but main) to be gone, free it. */
static void
release(gs_chan *c)
{
	ck_assert_int_eq(gs_chan_close(c), 0);
	while (gs_numgoroutine() > 1)
		gs_sleep((int64_t)MS(1));
	gs_chan_free(c);
}

/* ---- api ------------------------------------------------------------------------------------- */

START_TEST(test_block_kinds)
{
	ck_assert_int_eq(gs_block_kind_of(GS_WAIT_CHAN_RECV), GS_BLOCK_CHAN);
	ck_assert_int_eq(gs_block_kind_of(GS_WAIT_SELECT), GS_BLOCK_CHAN);
	ck_assert_int_eq(gs_block_kind_of(GS_WAIT_SLEEP), GS_BLOCK_TIMER);
	ck_assert_int_eq(gs_block_kind_of(GS_WAIT_IO), GS_BLOCK_NET);
	ck_assert_int_eq(gs_block_kind_of(GS_WAIT_MUTEX), GS_BLOCK_MUTEX);
	ck_assert_int_eq(gs_block_kind_of(GS_WAIT_SEMACQUIRE), GS_BLOCK_MUTEX);
	ck_assert_int_eq(gs_block_kind_of(GS_WAIT_WAITGROUP), GS_BLOCK_WAITGROUP);
	ck_assert_int_eq(gs_block_kind_of(GS_WAIT_FOREVER), GS_BLOCK_OTHER);
	ck_assert_int_eq(gs_block_kind_of(GS_WAIT_RWMUTEX_RLOCK), GS_BLOCK_MUTEX);
	ck_assert_int_eq(gs_block_kind_of(GS_WAIT_RWMUTEX_LOCK), GS_BLOCK_MUTEX);
	ck_assert_int_eq(gs_block_kind_of(GS_WAIT_COND), GS_BLOCK_MUTEX);
	ck_assert_str_eq(gs_block_kind_name(GS_BLOCK_TIMER), "timer");
	ck_assert_str_eq(gs_block_kind_name(GS_BLOCK_WAITGROUP), "waitgroup");
	ck_assert_str_eq(gs_block_kind_name(GS_BLOCK_NKINDS), "?");
}
END_TEST

/* ---- off: zeros, and gs_run resets it ------------------------------------------------------ */

static void
sleeper(void *arg)
{
	gs_chan *c = arg;
	gs_sleep((int64_t)MS(5));
	gs_chan_recv(c, NULL); /* until closed */
}

static void
run_off(void *arg)
{
	(void)arg;
	ck_assert(!gs_accounting_enabled());
	gs_chan *c = gs_chan_make(0, 0);
	int64_t id = gs_go(sleeper, c);
	ck_assert_int_eq(tu_wait_waiting(GS_WAIT_CHAN_RECV, 1, TU_SEC(30)), 1);
	gs_snap_ginfo g;
	ck_assert(ginfo(id, &g));
	ck_assert_uint_eq(gtotal(&g), 0);
	ck_assert_uint_eq(g.runs, 0);
	ck_assert_int_eq(g.lastp, -1);
	ck_assert_uint_eq(g.created_ns, 0);
	ck_assert_uint_eq(g.stack_used_max, 0);
	ck_assert_uint_gt(g.stack_size, 0); /* a fact, not accounting */
	gs_snapshot *s = gs_snapshot_new(0, 0);
	ck_assert_int_eq(gs_snapshot_take(s), 0);
	for (int i = 0; i < s->np; i++)
		ck_assert_uint_eq(s->p[i].run_ns + s->p[i].idle_ns + s->p[i].spin_ns, 0);
	for (int i = 0; i < s->nm; i++)
		ck_assert_uint_eq(s->m[i].running_ns + s->m[i].idle_ns, 0);
	gs_snapshot_free(s);
	release(c);
	ck_assert_int_eq(gs_set_accounting(true), 0); /* left on: the next gs_run resets it */
	ck_assert(gs_accounting_enabled());
}

START_TEST(test_off_and_reset)
{
	tu_run(run_off, NULL, 2);
	tu_run(run_off, NULL, 2);
}
END_TEST

/* ---- sleep 100 ms, then 50 ms of CPU ------------------------------------------------------ */

struct sc {
	_Atomic int done;
	gs_chan *hold;
};

static void
sleep_then_cpu(void *arg)
{
	struct sc *sc = arg;

	ck_assert_int_eq(gs_sleep((int64_t)MS(100)), 0);
	/* 50 ms of CPU, measured by the goroutine itself on the same clock */
	tu_spin_ns(MS(50));
	atomic_store(&sc->done, 1);
	gs_chan_recv(sc->hold, NULL); /* stay listed until main has looked */
}

GS_MAIN_TEST(test_sleep_then_cpu, 2)
{
	static struct sc sc;
	gs_snap_ginfo g;

	gs_set_accounting(true);
	sc.hold = gs_chan_make(0, 0);
	int64_t id = gs_go(sleep_then_cpu, &sc);
	ck_assert_int_gt(id, 0);
	while (!atomic_load(&sc.done))
		gs_sleep((int64_t)MS(1));
	ck_assert_int_eq(tu_wait_waiting(GS_WAIT_CHAN_RECV, 1, TU_SEC(30)), 1);
	ck_assert(ginfo(id, &g));
	uint64_t now = (uint64_t)gs_nanotime();
	ck_assert_msg(g.run_ns >= MS(40), "run %" PRIu64 " ns", g.run_ns);
	/* From the sleep's deadline being set (running) to the end of the spin,
	 * it was running, asleep or runnable: 150 ms at least, however they
	 * split on a loaded machine (a thread the kernel took away between the
	 * deadline and the park still counts as running). */
	ck_assert_msg(g.run_ns + g.blocked_ns[GS_BLOCK_TIMER] + g.latency_ns >= MS(150) - 1000,
	    "run %" PRIu64 " timer %" PRIu64 " latency %" PRIu64, g.run_ns,
	    g.blocked_ns[GS_BLOCK_TIMER], g.latency_ns);
	ck_assert_msg(g.blocked_ns[GS_BLOCK_TIMER] >= MS(50), "timer %" PRIu64 " ns",
	    g.blocked_ns[GS_BLOCK_TIMER]);
	ck_assert_uint_gt(g.blocked_ns[GS_BLOCK_CHAN], 0); /* waiting now, counted so far */
	ck_assert_uint_ge(g.runs, 2);                      /* before the sleep and after */
	ck_assert_uint_le(g.latency_max_ns, g.latency_ns);
	ck_assert_uint_eq(g.syscall_ns, 0);
	ck_assert(g.lastp == 0 || g.lastp == 1);
	ck_assert_uint_le(g.moves, g.runs - 1);
	ck_assert_uint_gt(g.created_ns, 0);
	/* its states are disjoint intervals since its spawn */
	ck_assert_uint_le(gtotal(&g), now - g.created_ns);
	ck_assert_uint_gt(g.stack_size, 0);
	ck_assert_uint_gt(g.stack_used_max, 0);
	ck_assert_uint_le(g.stack_used_max, g.stack_size);
	release(sc.hold);
}

/* ---- latency: three CPU-bound goroutines on one P ----------------------------------------- */

#define LAT_N 3

struct lat {
	gs_waitgroup wg;
	gs_chan *hold;
	_Atomic uint64_t first_done;
};

static void
cpu_yielder(void *arg)
{
	struct lat *l = arg;

	for (int i = 0; i < 40; i++) {
		tu_spin_ns(MS(2));
		gs_yield();
	}
	uint64_t now = (uint64_t)gs_nanotime(), zero = 0;
	atomic_compare_exchange_strong(&l->first_done, &zero, now);
	TU_WG_DONE(&l->wg);
	gs_chan_recv(l->hold, NULL);
}

GS_MAIN_TEST(test_latency_one_p, 1)
{
	static struct lat l = { .wg = GS_WAITGROUP_INIT };
	int64_t ids[LAT_N];
	gs_snap_ginfo g;
	uint64_t sum = 0;

	gs_set_accounting(true);
	l.hold = gs_chan_make(0, 0);
	TU_WG_ADD(&l.wg, LAT_N);
	uint64_t t0 = (uint64_t)gs_nanotime();
	for (int i = 0; i < LAT_N; i++)
		ck_assert_int_gt(ids[i] = gs_go(cpu_yielder, &l), 0);
	gs_wg_wait(&l.wg);
	uint64_t t1 = atomic_load(&l.first_done);
	ck_assert_uint_gt(t1, t0);
	for (int i = 0; i < LAT_N; i++) {
		ck_assert(ginfo(ids[i], &g));
		ck_assert_uint_gt(g.latency_max_ns, 0);
		ck_assert_uint_le(g.latency_max_ns, g.latency_ns);
		ck_assert_uint_ge(g.runs, 41);
		ck_assert_uint_ge(g.run_ns, MS(60)); /* 80 ms of spinning, less its preemptions */
		ck_assert_int_eq(g.lastp, 0);
		ck_assert_uint_eq(g.moves, 0); /* one P: nowhere to move */
		sum += g.latency_ns;
	}
	/* Until the first finished, one ran and two waited, save the moments
	 * spent in the scheduler: the three waited close to twice that long. */
	ck_assert_msg(sum >= (t1 - t0) / 2, "latency %" PRIu64 " ns over %" PRIu64 " ns", sum,
	    t1 - t0);
	release(l.hold);
}

/* ---- runs and moves, as the event stream tells them ------------------------------------------ */

#define EVMAX (1 << 18)
#define STEAL_N 200

struct gated {
	gs_chan *gate, *hold;
	_Atomic int ran;
};

static void
gated_cpu(void *arg)
{
	struct gated *gt = arg;

	gs_chan_recv(gt->gate, NULL); /* closed */
	tu_spin_ns(10000);            /* all of them well within one time slice of main's */
	atomic_fetch_add(&gt->ran, 1);
	gs_chan_recv(gt->hold, NULL);
}

static int
cmp_ev_g(const void *a, const void *b)
{
	const gs_event *x = a, *y = b;
	if (x->g != y->g)
		return x->g < y->g ? -1 : 1;
	return x->time_ns < y->time_ns ? -1 : x->time_ns > y->time_ns;
}

/*
 * The forced steal of check_observe.c: goroutines parked on a gate are
 * readied into main's P while main spins there, so only the other P can run
 * them.  Each one's runs are its GS_EV_RUN events, and its moves the runs on
 * a P other than its run before.
 */
/* Sleep until n goroutines wait on a channel: yields would fill the event
 * rings with main's own switches. */
static void
wait_recv(int n)
{
	gs_stats st;

	for (uint64_t end = tu_now_ns() + TU_SEC(30); tu_now_ns() < end; gs_sleep((int64_t)MS(1))) {
		ck_assert_int_eq(gs_read_stats(&st), 0);
		if (st.by_waitreason[GS_WAIT_CHAN_RECV] >= n)
			return;
	}
	ck_abort_msg("%d goroutines never waited", n);
}

/* One round of it: asserts each goroutine's runs, moves and lastp against
 * its events, returns the moves of all. */
static uint64_t
moves_round(gs_event *ev)
{
	static struct gated gt;
	static int64_t ids[STEAL_N];
	uint64_t dropped, moves = 0;
	int n = 0, k;

	atomic_store(&gt.ran, 0);
	gt.gate = gs_chan_make(0, 0);
	gt.hold = gs_chan_make(0, 0);
	/* All first run on P0, the only P; then the other P appears, and main,
	 * keeping P0 across the change, readies them all there. */
	ck_assert_int_eq(gs_set_gomaxprocs(1), 2);
	for (int i = 0; i < STEAL_N; i++)
		ck_assert_int_gt(ids[i] = gs_go(gated_cpu, &gt), 0);
	wait_recv(STEAL_N);
	ck_assert_int_eq(gs_set_gomaxprocs(2), 1);
	ck_assert_int_eq(gs_chan_close(gt.gate), 0);
	while (atomic_load(&gt.ran) < STEAL_N)
		tu_spin_ns(10000);
	wait_recv(STEAL_N);
	while ((k = gs_events_drain(ev + n, EVMAX - n, &dropped)) > 0) {
		ck_assert_uint_eq(dropped, 0);
		n += k;
	}
	ck_assert_uint_eq(dropped, 0);
	qsort(ev, (size_t)n, sizeof *ev, cmp_ev_g);
	for (int i = 0; i < STEAL_N; i++) {
		gs_snap_ginfo g;
		uint64_t runs = 0, mv = 0;
		int lastp = -1;
		ck_assert(ginfo(ids[i], &g));
		for (int e = 0; e < n; e++) {
			if (ev[e].g != ids[i] || ev[e].kind != GS_EV_RUN)
				continue;
			if (lastp >= 0 && ev[e].p != lastp)
				mv++;
			lastp = ev[e].p;
			runs++;
		}
		ck_assert_uint_eq(g.runs, runs);
		ck_assert_uint_eq(g.moves, mv);
		ck_assert_int_eq(g.lastp, lastp);
		moves += g.moves;
	}
	release(gt.hold);
	gs_chan_free(gt.gate);
	return moves;
}

GS_MAIN_TEST(test_runs_moves_match_events, 2)
{
	gs_event *ev = calloc(EVMAX, sizeof *ev);
	uint64_t moves = 0;

	ck_assert_ptr_nonnull(ev);
	gs_events_enable(true);
	gs_set_accounting(true);
	/* Each of them moves to P1, unless main lost P0 meanwhile (preempted or
	 * moved), which another round makes unlikely. */
	for (int round = 0; round < 5 && moves == 0; round++)
		moves = moves_round(ev);
	ck_assert_uint_gt(moves, 0);
	gs_events_enable(false);
	free(ev);
}

/* ---- per-P and per-M totals --------------------------------------------------------------- */

static void
busy_then_sleep(void *arg)
{
	gs_waitgroup *wg = arg;

	tu_spin_ns(MS(30));
	gs_sleep((int64_t)MS(30));
	ck_assert_int_eq(gs_nanosleep((int64_t)MS(10)), 0);
	tu_spin_ns(MS(10));
	TU_WG_DONE(wg);
}

GS_MAIN_TEST(test_p_m_totals, 2)
{
	static gs_waitgroup wg = GS_WAITGROUP_INIT;
	gs_snapshot *s = gs_snapshot_new(0, 0);

	ck_assert_ptr_nonnull(s);
	/* before the switch: every interval counted lies after t0 */
	uint64_t t0 = (uint64_t)gs_nanotime();
	gs_set_accounting(true);
	TU_WG_ADD(&wg, 4);
	for (int i = 0; i < 4; i++)
		TU_GO(busy_then_sleep, &wg);
	gs_wg_wait(&wg);
	gs_sleep((int64_t)MS(20)); /* some idle time for both Ps */
	ck_assert_int_eq(gs_snapshot_take(s), 0);
	uint64_t el = s->time_ns - t0;
	uint64_t run = 0, msys = 0;
	for (int i = 0; i < s->np; i++) {
		const gs_snap_p *p = &s->p[i];
		uint64_t sum = p->run_ns + p->idle_ns + p->spin_ns;
		/* disjoint intervals within [t0, the snapshot] */
		ck_assert_msg(sum <= el + el / 20 + MS(1), "P%d %" PRIu64 " of %" PRIu64, i, sum,
		    el);
		ck_assert_msg(sum >= el / 4, "P%d %" PRIu64 " of %" PRIu64, i, sum, el);
		run += p->run_ns;
	}
	/* four goroutines spun 40 ms each */
	ck_assert_msg(run >= MS(120), "run %" PRIu64, run);
	for (int i = 0; i < s->nm; i++) {
		const gs_snap_m *m = &s->m[i];
		uint64_t sum = m->running_ns + m->spinning_ns + m->idle_ns + m->syscall_ns;
		ck_assert_msg(sum <= el + el / 20 + MS(1), "M%" PRId64 " %" PRIu64 " of %" PRIu64,
		    m->id, sum, el);
		msys += m->syscall_ns;
	}
	ck_assert_msg(msys >= MS(30), "syscall %" PRIu64, msys); /* four 10 ms nanosleeps */
	gs_snapshot_free(s);
}

/* ---- sane figures under concurrency, read from a plain thread ------------------------------ */

struct mix {
	gs_chan *ping, *pong, *hold;
	gs_mutex mu;
	gs_waitgroup wg, started;
	_Atomic int stop;
	_Atomic int bad;
	char why[200];
};

static void
mixer(void *arg)
{
	struct mix *mx = arg;
	int64_t me = gs_self();

	TU_WG_DONE(&mx->started);
	for (int i = 0; i < 200; i++) {
		switch ((me + i) % 5) {
		case 0:
			gs_yield();
			break;
		case 1:
			gs_sleep(100000);
			break;
		case 2:
			gs_mutex_lock(&mx->mu);
			tu_spin_ns(20000);
			gs_mutex_unlock(&mx->mu);
			break;
		case 3:
			gs_nanosleep(50000);
			break;
		default:
			tu_spin_ns(50000);
		}
	}
	TU_WG_DONE(&mx->wg);
	gs_chan_recv(mx->hold, NULL);
}

/* A state in progress is counted up to the reader's clock, read on another
 * CPU than the writer's: the write that ends it may reach the reader a few
 * ns after the writer read its own clock (x86 lets the store wait in its
 * store buffer), so one read may count those ns and the next not. */
#define SKEW 1000
#define SANE(x) ((x) < (uint64_t)1 << 50) /* 13 days: an underflow is ~2^64 */

static void *
reader(void *arg)
{
	struct mix *mx = arg;
	static gs_snap_ginfo a[GMAX];
	static gs_snap_ginfo prev[GMAX];
	int np = 0;

	while (!atomic_load(&mx->stop)) {
		int n = gs_goroutines(a, GMAX);
		uint64_t now = (uint64_t)gs_nanotime();
		if (n > GMAX)
			n = GMAX;
		for (int i = 0; i < n; i++) {
			const gs_snap_ginfo *g = &a[i];
			const char *bad = NULL;
			if (!SANE(g->run_ns) || !SANE(g->latency_ns) || !SANE(g->syscall_ns))
				bad = "underflow";
			for (int k = 0; k < GS_BLOCK_NKINDS; k++)
				if (!SANE(g->blocked_ns[k]))
					bad = "blocked underflow";
			if (g->latency_max_ns > g->latency_ns)
				bad = "latency max above the total";
			if (g->stack_used_max > g->stack_size)
				bad = "stack used above its size";
			if (g->created_ns &&
			    (g->created_ns > now || gtotal(g) > now - g->created_ns))
				bad = "more time than since its spawn";
			/* never backwards, read after read */
			for (int j = 0; j < np; j++)
				if (prev[j].id == g->id) {
					if (g->runs < prev[j].runs)
						bad = "runs backwards";
					if (g->run_ns + SKEW < prev[j].run_ns)
						bad = "run time backwards";
					if (g->latency_ns < prev[j].latency_ns)
						bad = "latency backwards";
					if (g->syscall_ns + SKEW < prev[j].syscall_ns)
						bad = "syscall time backwards";
				}
			if (bad && !atomic_exchange(&mx->bad, 1))
				snprintf(mx->why, sizeof mx->why,
				    "%s: g%" PRId64 " run %" PRIu64 " runs %" PRIu64 " lat %" PRIu64
				    "/%" PRIu64 " sys %" PRIu64 " total %" PRIu64
				    " created %" PRIu64 " now %" PRIu64,
				    bad, g->id, g->run_ns, g->runs, g->latency_ns,
				    g->latency_max_ns, g->syscall_ns, gtotal(g), g->created_ns,
				    now);
		}
		memcpy(prev, a, sizeof a[0] * (size_t)n);
		np = n;
	}
	return NULL;
}

#define MIX_N 16

GS_MAIN_TEST(test_concurrent_sane, 4)
{
	static struct mix mx = { .mu = GS_MUTEX_INIT,
		.wg = GS_WAITGROUP_INIT,
		.started = GS_WAITGROUP_INIT };
	pthread_t th;

	gs_set_accounting(true);
	mx.hold = gs_chan_make(0, 0);
	ck_assert_int_eq(pthread_create(&th, NULL, reader, &mx), 0);
	TU_WG_ADD(&mx.wg, MIX_N);
	TU_WG_ADD(&mx.started, MIX_N);
	for (int i = 0; i < MIX_N; i++)
		TU_GO(mixer, &mx);
	gs_wg_wait(&mx.wg);
	atomic_store(&mx.stop, 1);
	pthread_join(th, NULL);
	ck_assert_msg(!atomic_load(&mx.bad), "%s", mx.why);
	/* switched off and on: every figure starts again from zero */
	gs_set_accounting(false);
	gs_set_accounting(true);
	gs_snap_ginfo buf[MIX_N + 8];
	int n = gs_goroutines(buf, MIX_N + 8);
	for (int i = 0; i < n && i < MIX_N + 8; i++)
		if (buf[i].id != gs_self())
			ck_assert_uint_eq(buf[i].runs + buf[i].run_ns + buf[i].moves, 0);
	release(mx.hold);
}

/* Blocked on a gs_rwmutex (either side), a gs_cond or a gs_sema: counted as
 * mutex time, nothing as other. */
enum { SB_RLOCK, SB_LOCK, SB_COND, SB_SEMA, SB_N };

struct syncblock {
	gs_rwmutex rw;
	gs_mutex mu;
	gs_cond cond;
	gs_sema sema;
	bool go; /* the cond's condition, under mu */
	gs_chan *hold;
	gs_waitgroup passed;
};

static void
sync_blocker(void *arg)
{
	struct syncblock *b = ((void **)arg)[0];

	switch ((int)(intptr_t)((void **)arg)[1]) {
	case SB_RLOCK:
		gs_rwmutex_rlock(&b->rw);
		ck_assert_int_eq(gs_rwmutex_runlock(&b->rw), 0);
		break;
	case SB_LOCK:
		gs_rwmutex_lock(&b->rw);
		ck_assert_int_eq(gs_rwmutex_unlock(&b->rw), 0);
		break;
	case SB_COND:
		gs_mutex_lock(&b->mu);
		while (!b->go)
			ck_assert_int_eq(gs_cond_wait(&b->cond, &b->mu), 0);
		ck_assert_int_eq(gs_mutex_unlock(&b->mu), 0);
		break;
	case SB_SEMA:
		ck_assert_int_eq(gs_sema_acquire(&b->sema, 1), 0);
		ck_assert_int_eq(gs_sema_release(&b->sema, 1), 0);
		break;
	}
	ck_assert_int_eq(gs_wg_done(&b->passed), 0);
	gs_chan_recv(b->hold, NULL); /* stay listed until main has looked */
}

GS_MAIN_TEST(test_sync_blocked_as_mutex, 2)
{
	static struct syncblock b;
	static void *args[SB_N][2];
	int64_t id[SB_N];
	gs_snap_ginfo g;

	gs_set_accounting(true);
	b.hold = gs_chan_make(0, 0);
	ck_assert_int_eq(gs_sema_init(&b.sema, 1), 0);
	ck_assert_int_eq(gs_sema_acquire(&b.sema, 1), 0);
	gs_rwmutex_lock(&b.rw);
	ck_assert_int_eq(gs_wg_add(&b.passed, SB_N), 0);
	for (int i = 0; i < SB_N; i++) {
		args[i][0] = &b;
		args[i][1] = (void *)(intptr_t)i;
		id[i] = gs_go(sync_blocker, args[i]);
		ck_assert_int_gt(id[i], 0);
	}
	ck_assert_int_eq(tu_wait_waiting(GS_WAIT_RWMUTEX_RLOCK, 1, TU_SEC(30)), 1);
	ck_assert_int_eq(tu_wait_waiting(GS_WAIT_RWMUTEX_LOCK, 1, TU_SEC(30)), 1);
	ck_assert_int_eq(tu_wait_waiting(GS_WAIT_COND, 1, TU_SEC(30)), 1);
	ck_assert_int_eq(tu_wait_waiting(GS_WAIT_SEMACQUIRE, 1, TU_SEC(30)), 1);
	gs_sleep((int64_t)MS(30)); /* all four blocked at least this long */
	ck_assert_int_eq(gs_rwmutex_unlock(&b.rw), 0);
	gs_mutex_lock(&b.mu);
	b.go = true;
	gs_cond_broadcast(&b.cond);
	ck_assert_int_eq(gs_mutex_unlock(&b.mu), 0);
	ck_assert_int_eq(gs_sema_release(&b.sema, 1), 0);
	gs_wg_wait(&b.passed);
	for (int i = 0; i < SB_N; i++) {
		ck_assert(ginfo(id[i], &g));
		if (g.blocked_ns[GS_BLOCK_MUTEX] < MS(30) || g.blocked_ns[GS_BLOCK_OTHER] != 0)
			ck_abort_msg("blocker %d: mutex %" PRIu64 " ns, other %" PRIu64 " ns", i,
			    g.blocked_ns[GS_BLOCK_MUTEX], g.blocked_ns[GS_BLOCK_OTHER]);
	}
	release(b.hold);
}

static Suite *
acct_suite(void)
{
	Suite *s = suite_create("acct");
	TCase *tc;

	tc = tu_tcase("api", 30);
	tcase_add_test(tc, test_block_kinds);
	tcase_add_test(tc, test_off_and_reset);
	suite_add_tcase(s, tc);

	tc = tu_tcase("figures", 120);
	tcase_add_test(tc, test_sleep_then_cpu);
	tcase_add_test(tc, test_latency_one_p);
	tcase_add_test(tc, test_runs_moves_match_events);
	tcase_add_test(tc, test_p_m_totals);
	tcase_add_test(tc, test_concurrent_sane);
	tcase_add_test(tc, test_sync_blocked_as_mutex);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run_suite(acct_suite());
}
