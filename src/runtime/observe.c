/*
 * observe.c - snapshots and the event stream (include/gsched/observe.h).
 *
 * Snapshots read the scheduler's structures with the same relaxed/acquire
 * loads sysmon uses, without any lock the scheduler's fast paths take: Ps are
 * never freed while the runtime runs (GOMAXPROCS changes mark them dead), Ms
 * and Gs neither, so every pointer read stays valid; values may be a few
 * microseconds apart.
 *
 * Events: each M owns a ring (allocated the first time it records) that only
 * its own thread writes; code running on no M (sysmon's thread is an M too,
 * but gs_set_gomaxprocs may run on any thread) writes a shared ring under a
 * lock.  A full ring drops the event and counts it.  The drainer copies from
 * every ring, oldest first across rings.
 */
#include <stdlib.h>
#include <string.h>

#include "gsched/observe.h"
#include "runtime/internal.h"

_Atomic bool gs__events_on;

#define RING_SIZE 16384 /* events per M (768 KiB, committed as it fills), once it records */

struct gs_evring {
	_Atomic uint64_t head; /* next slot to write; written by the owner */
	_Atomic uint64_t tail; /* next slot to read; written by the drainer */
	_Atomic uint64_t dropped;
	gs_event ev[RING_SIZE];
};

static struct gs_evring *globalring; /* for threads that are not Ms */
static gs_lock globalringlock;       /* serialises its writers */
static gs_lock drainlock;            /* one drainer at a time */

/* ---- names ------------------------------------------------------------------ */

const char *
gs_pstate_name(int state)
{
	static const char *const n[] = { "idle", "running", "syscall", "gcstop", "dead" };
	return state >= 0 && state < 5 ? n[state] : "?";
}

const char *
gs_mstate_name(int state)
{
	static const char *const n[] = { "running", "spinning", "idle", "sched", "syscall",
		"netpoll", "sysmon", "dead" };
	return state >= 0 && state < 8 ? n[state] : "?";
}

const char *
gs_event_name(int kind)
{
	static const char *const n[GS_EV_NKINDS] = {
		[GS_EV_NONE] = "none",
		[GS_EV_SPAWN] = "spawn",
		[GS_EV_RUN] = "run",
		[GS_EV_STOP] = "stop",
		[GS_EV_EXIT] = "exit",
		[GS_EV_PARK] = "park",
		[GS_EV_READY] = "ready",
		[GS_EV_STEAL] = "steal",
		[GS_EV_HANDOFF] = "handoff",
		[GS_EV_RETAKE] = "retake",
		[GS_EV_M_CREATE] = "m_create",
		[GS_EV_M_PARK] = "m_park",
		[GS_EV_M_WAKE] = "m_wake",
		[GS_EV_SYSCALL_ENTER] = "syscall_enter",
		[GS_EV_SYSCALL_EXIT] = "syscall_exit",
		[GS_EV_PREEMPT] = "preempt",
		[GS_EV_NETPOLL_WAKE] = "netpoll_wake",
		[GS_EV_TIMER_FIRE] = "timer_fire",
		[GS_EV_PROCRESIZE] = "procresize",
		[GS_EV_GLOBAL_PUT] = "global_put",
		[GS_EV_GLOBAL_GET] = "global_get",
		[GS_EV_MOVE] = "move",
	};
	return kind >= 0 && kind < GS_EV_NKINDS ? n[kind] : "?";
}

/* ---- events ------------------------------------------------------------------- */

void
gs_events_enable(bool on)
{
	atomic_store(&gs__events_on, on);
}

bool
gs_events_enabled(void)
{
	return atomic_load(&gs__events_on);
}

static struct gs_evring *
ring_new(void)
{
	struct gs_evring *r = calloc(1, sizeof *r);

	return r;
}

static void
ring_put(struct gs_evring *r, const gs_event *ev)
{
	uint64_t h = atomic_load_explicit(&r->head, memory_order_relaxed);

	if (h - atomic_load_explicit(&r->tail, memory_order_acquire) >= RING_SIZE) {
		atomic_fetch_add_explicit(&r->dropped, 1, memory_order_relaxed);
		return;
	}
	r->ev[h % RING_SIZE] = *ev;
	atomic_store_explicit(&r->head, h + 1, memory_order_release);
}

static void emit(gs_event *ev);

void
gs__event_emit(int kind, int p, int p2, int64_t m, int64_t m2, int64_t g, int64_t arg)
{
	gs_event ev = {
		.time_ns = gs__nanotime(),
		.kind = (uint16_t)kind,
		.p = (int16_t)p,
		.p2 = (int16_t)p2,
		.m = m,
		.m2 = m2,
		.g = g,
		.arg = arg,
	};
	emit(&ev);
}

/* A spawn carries the new goroutine's label, so a trace can name goroutines
 * that no snapshot ever catches on a P. */
void
gs__event_emit_spawn(int p, int64_t m, int64_t g, int64_t parent, const char *label)
{
	gs_event ev = {
		.time_ns = gs__nanotime(),
		.kind = GS_EV_SPAWN,
		.p = (int16_t)p,
		.p2 = -1,
		.m = m,
		.m2 = -1,
		.g = g,
		.arg = parent,
	};
	memcpy(ev.label, label, GS_LABEL_MAX);
	ev.label[GS_LABEL_MAX - 1] = '\0';
	emit(&ev);
}

static void
emit(gs_event *ev)
{
	gs_m *mp = gs__getm();

	if (mp) {
		/* made by its M, published to the drainer (release/acquire) */
		struct gs_evring *r = __atomic_load_n(&mp->evring, __ATOMIC_ACQUIRE);
		if (r == NULL) {
			if ((r = ring_new()) == NULL)
				return;
			__atomic_store_n(&mp->evring, r, __ATOMIC_RELEASE);
		}
		ring_put(r, ev);
		return;
	}
	gs__lockx(&globalringlock);
	if (globalring == NULL)
		globalring = ring_new();
	if (globalring)
		ring_put(globalring, ev);
	gs__unlockx(&globalringlock);
}

/* Called by gs_run at start and end: no Ms run either time. */
void
gs__events_reset(void)
{
	atomic_store(&gs__events_on, false);
	free(globalring);
	globalring = NULL;
}

/* The time of ring r's oldest undrained event (at pos). */
static inline uint64_t
evheap_time(struct gs_evring *const *rings, const uint64_t *pos, int r)
{
	return rings[r]->ev[pos[r] % RING_SIZE].time_ns;
}

/* Sift heap[i] down: the heap of ring indices is ordered by evheap_time. */
static void
evheap_down(int *heap, int nh, int i, struct gs_evring *const *rings, const uint64_t *pos)
{
	for (;;) {
		int l = 2 * i + 1, m = i;
		if (l < nh && evheap_time(rings, pos, heap[l]) < evheap_time(rings, pos, heap[m]))
			m = l;
		if (l + 1 < nh &&
		    evheap_time(rings, pos, heap[l + 1]) < evheap_time(rings, pos, heap[m]))
			m = l + 1;
		if (m == i)
			return;
		int t = heap[i];
		heap[i] = heap[m];
		heap[m] = t;
		i = m;
	}
}

int
gs_events_drain(gs_event *buf, int max, uint64_t *dropped)
{
	enum { MAXRINGS = 4096 };
	struct gs_evring **rings;
	uint64_t *pos, *end;
	int nr = 0, n = 0;
	uint64_t lost = 0;

	if (dropped)
		*dropped = 0;
	if (buf == NULL || max <= 0 || !gs__obs_enter())
		return 0;
	rings = malloc(MAXRINGS * (sizeof *rings + 2 * sizeof(uint64_t) + sizeof(int)));
	if (rings == NULL) {
		gs__obs_exit();
		return 0;
	}
	pos = (uint64_t *)(rings + MAXRINGS);
	end = pos + MAXRINGS;

	gs__lockx(&drainlock);
	gs__lockx(&gs__sched.lock);
	gs_m *first = gs__sched.allm;
	gs__unlockx(&gs__sched.lock);
	gs__lockx(&globalringlock);
	struct gs_evring *g = globalring;
	gs__unlockx(&globalringlock);
	for (gs_m *mp = first; mp && nr < MAXRINGS - 1; mp = mp->alllink) {
		struct gs_evring *r = __atomic_load_n(&mp->evring, __ATOMIC_ACQUIRE);
		if (r) {
			rings[nr] = r;
			pos[nr] = atomic_load_explicit(&r->tail, memory_order_relaxed);
			end[nr] = atomic_load_explicit(&r->head, memory_order_acquire);
			lost += atomic_exchange_explicit(&r->dropped, 0, memory_order_relaxed);
			nr++;
		}
	}
	if (g) {
		rings[nr] = g;
		pos[nr] = atomic_load_explicit(&g->tail, memory_order_relaxed);
		end[nr] = atomic_load_explicit(&g->head, memory_order_acquire);
		lost += atomic_exchange_explicit(&g->dropped, 0, memory_order_relaxed);
		nr++;
	}
	/* Merge: each ring is in time order; a min-heap of the rings with events
	 * left, keyed by their oldest event's time, gives the next event in
	 * O(log rings).  With thousands of Ms a linear scan per event made one
	 * drain of a busy tick take seconds. */
	int *heap = (int *)(end + MAXRINGS), nh = 0;
	for (int i = 0; i < nr; i++)
		if (pos[i] != end[i])
			heap[nh++] = i;
	for (int i = nh / 2 - 1; i >= 0; i--)
		evheap_down(heap, nh, i, rings, pos);
	while (n < max && nh > 0) {
		int best = heap[0];
		buf[n++] = rings[best]->ev[pos[best] % RING_SIZE];
		if (++pos[best] == end[best])
			heap[0] = heap[--nh];
		evheap_down(heap, nh, 0, rings, pos);
	}
	for (int i = 0; i < nr; i++)
		atomic_store_explicit(&rings[i]->tail, pos[i], memory_order_release);
	gs__unlockx(&drainlock);
	gs__obs_exit();
	free(rings);
	if (dropped)
		*dropped = lost;
	return n;
}

/* ---- snapshots ----------------------------------------------------------------- */

gs_snapshot *
gs_snapshot_new(int max_m, int runq_max)
{
	if (max_m <= 0)
		max_m = 256;
	if (runq_max < 0 || runq_max > GS_RUNQ_SIZE)
		return NULL;
	gs_snapshot *s = calloc(1, sizeof *s);
	if (s == NULL)
		return NULL;
	s->max_p = GS_MAX_PROCS;
	s->max_m = max_m;
	s->runq_max = runq_max;
	s->p = calloc((size_t)s->max_p, sizeof *s->p);
	s->m = calloc((size_t)max_m, sizeof *s->m);
	s->runq_store =
	    runq_max ? calloc((size_t)s->max_p * (size_t)runq_max, sizeof *s->runq_store) : NULL;
	s->glob_store = runq_max ? calloc(2 * (size_t)runq_max, sizeof *s->glob_store) : NULL;
	if (s->p == NULL || s->m == NULL ||
	    (runq_max && (s->runq_store == NULL || s->glob_store == NULL))) {
		gs_snapshot_free(s);
		return NULL;
	}
	return s;
}

void
gs_snapshot_free(gs_snapshot *s)
{
	if (s == NULL)
		return;
	free(s->p);
	free(s->m);
	free(s->runq_store);
	free(s->glob_store);
	free(s);
}

/* Reads a G that its owner may be reinitialising (a recycled G gets a new id
 * and label): a torn value is possible and documented, so exempt from TSan
 * like the snapshot itself. */
__attribute__((no_sanitize("thread"))) static void
snap_g(gs_snap_g *out, gs_g *gp)
{
	if (gp == NULL) {
		out->id = 0;
		out->label[0] = '\0';
		out->tag = 0;
		return;
	}
	out->id = gp->goid;
	/* The label may change under us if the G is reused: copy, terminate. */
	memcpy(out->label, gp->label, GS_LABEL_MAX);
	out->label[GS_LABEL_MAX - 1] = '\0';
	out->tag = gp->tag;
}

/* List the global queue's first and last runq_max into s->glob, in one
 * moment: under its lock, which only its own puts and gets take. */
static void
snap_globrunq(gs_snapshot *s)
{
	uint32_t max = (uint32_t)s->runq_max;

	s->glob = s->glob_store;
	gs__lockx(&gs__sched.lock);
	uint32_t len = (uint32_t)gs__sched.runqsize;
	uint32_t head = len < max ? len : max;
	uint32_t rest = len - head;
	uint32_t tail = rest < max ? rest : max;
	for (uint32_t i = 0; i < head; i++)
		snap_g(&s->glob[i], gs__globrunqat((int32_t)i));
	for (uint32_t i = 0; i < tail; i++)
		snap_g(&s->glob[head + i], gs__globrunqat((int32_t)(len - tail + i)));
	gs__unlockx(&gs__sched.lock);
	s->glob_len = len;
	s->glob_head = head;
	s->glob_tail = tail;
	s->stats.global_runq = (int)len;
}

/* Reads Ps, Ms and Gs while they change (see the header): exempt from TSan
 * for the plain fields it peeks at, as schedtrace is. */
__attribute__((no_sanitize("thread"))) int
gs_snapshot_take(gs_snapshot *s)
{
	if (s == NULL)
		return GS_EINVAL;
	uint64_t t0 = gs__nanotime();
	uint32_t gen = GS_ACCTGEN();
	if (!gs__obs_enter())
		return GS_ENOTRUN;
	int err = gs_read_stats(&s->stats);
	if (err) {
		gs__obs_exit();
		return err;
	}
	s->time_ns = t0;
	snap_globrunq(s);

	int np = gs__sched.gomaxprocs;
	if (np > s->max_p)
		np = s->max_p;
	for (int i = 0; i < np; i++) {
		gs_p *pp = gs__sched.allp[i];
		gs_snap_p *o = &s->p[i];
		o->id = i;
		o->status = (int)atomic_load_explicit(&pp->status, memory_order_acquire);
		gs_m *mp = GS_LOAD(pp->m);
		o->m = mp ? mp->id : -1;
		gs_g *gp = mp ? GS_LOAD(mp->curg) : NULL;
		snap_g(&o->curg, gp);
		o->curg_status =
		    gp ? (int)atomic_load_explicit(&gp->status, memory_order_relaxed) : 0;
		uint32_t tick = GS_LOAD(pp->schedtick);
		o->schedtick = tick;
		o->syscalltick = GS_LOAD(pp->syscalltick);
		o->slice_ns =
		    gp && pp->sm_schedtick == tick ? gs__slice_since(t0, pp->sm_schedwhen) : 0;
		snap_g(&o->runnext, atomic_load_explicit(&pp->runnext, memory_order_acquire));
		uint32_t head = atomic_load_explicit(&pp->runqhead, memory_order_acquire);
		uint32_t tail = atomic_load_explicit(&pp->runqtail, memory_order_acquire);
		uint32_t len = tail - head;
		if (len > GS_RUNQ_SIZE)
			len = 0; /* torn read while racing a thief */
		o->runq_len = len;
		o->runq = s->runq_store ? &s->runq_store[(size_t)i * (size_t)s->runq_max] : NULL;
		uint32_t listed = len < (uint32_t)s->runq_max ? len : (uint32_t)s->runq_max;
		for (uint32_t k = 0; k < listed; k++)
			snap_g(&o->runq[k],
			    atomic_load_explicit(&pp->runq[(head + k) % GS_RUNQ_SIZE],
				memory_order_relaxed));
		o->runq_listed = listed;
		o->timers = pp->ntimers;
		/* owned by the P's M: peeked, as Go's schedtrace reads p.gFree.n */
		o->gfreecnt = 0;
		for (int c = 0; c <= GS_GFREE_NOSTACK; c++)
			o->gfreecnt += pp->gfreecnt[c];
		o->steals = atomic_load_explicit(&pp->steals, memory_order_relaxed);
		o->stolen = atomic_load_explicit(&pp->stolen, memory_order_relaxed);
		o->stolen_from = atomic_load_explicit(&pp->stolen_from, memory_order_relaxed);
		o->spawns = atomic_load_explicit(&pp->spawns, memory_order_relaxed);
		o->syscalls = atomic_load_explicit(&pp->syscalls, memory_order_relaxed);
		uint64_t *const pa[GS_PA_NSLOTS] = { [GS_PA_RUN] = &o->run_ns,
			[GS_PA_IDLE] = &o->idle_ns,
			[GS_PA_SPIN] = &o->spin_ns };
		gs__acct_read(&pp->acct, pp->acct_ns, GS_PA_NSLOTS, pa, t0, gen);
	}
	s->np = np;

	gs__lockx(&gs__sched.lock);
	gs_m *first = gs__sched.allm;
	s->nm_total = gs__sched.mcount_live;
	gs__unlockx(&gs__sched.lock);
	s->os_threads = gs__os_threads();
	int nm = 0;
	for (gs_m *mp = first, *next; mp && nm < s->max_m; mp = next) {
		/* With thousands of Ms the walk is a chain of cache misses, each
		 * M's address in the one before: take the next one first and ask
		 * for its two lines (internal.h), so its miss overlaps this M's
		 * loads instead of waiting behind them. */
		next = mp->alllink;
		__builtin_prefetch(next);
		__builtin_prefetch((const char *)next + GS_CACHELINE);
		uint32_t st = atomic_load_explicit(&mp->state, memory_order_relaxed);
		if (st == GS_M_DEAD)
			continue;
		gs_snap_m *o = &s->m[nm++];
		o->id = mp->id;
		o->state = (int)st;
		gs_p *pp = mp->p;
		o->p = pp ? pp->id : -1;
		gs_g *gp = GS_LOAD(mp->curg);
		o->curg = gp ? gp->goid : 0;
		o->spinning = mp->spinning;
		gs_g *lg = mp->lockedg;
		o->lockedg = lg ? lg->goid : 0;
		o->created_ns = mp->created_ns;
		uint64_t *const ma[GS_MA_NSLOTS] = { [GS_MA_RUNNING] = &o->running_ns,
			[GS_MA_SPINNING] = &o->spinning_ns,
			[GS_MA_IDLE] = &o->idle_ns,
			[GS_MA_SYSCALL] = &o->syscall_ns };
		gs__acct_read(&mp->acct, mp->acct_ns, GS_MA_NSLOTS, ma, t0, gen);
		/* Only for a slice sysmon found used up: a read of /proc per M is
		 * too dear for every snapshot. */
		bool expired = pp && gp &&
		    atomic_load_explicit(&pp->status, memory_order_relaxed) == GS_P_RUNNING &&
		    atomic_load_explicit(&pp->sliceexpired, memory_order_relaxed);
		o->cpu_ns = expired
		    ? gs__os_thread_cpu_ns(atomic_load_explicit(&mp->procid, memory_order_relaxed))
		    : 0;
	}
	s->nm = nm;
	s->take_ns = gs__nanotime() - t0;
	gs__obs_exit();
	return 0;
}

/* Racy reads of G fields, as snap_g (see there).  dead: the dead ones too
 * (the whole of allgs, as Go's schedtrace lists it). */
__attribute__((no_sanitize("thread"))) int
gs__goroutines(gs_snap_ginfo *buf, int max, bool dead)
{
	int n = 0;

	if (max < 0 || (buf == NULL && max > 0))
		return GS_EINVAL;
	if (!gs__obs_enter())
		return GS_ENOTRUN;
	uint32_t gen = GS_ACCTGEN();
	uint64_t now = gs__nanotime();
	/* allgs is pushed at its head, so this walks newest first; Gs are never
	 * freed while an observer is inside. */
	for (gs_g *gp = atomic_load_explicit(&gs__sched.allgs, memory_order_acquire); gp;
	     gp = gp->alllink) {
		uint32_t s = atomic_load_explicit(&gp->status, memory_order_relaxed);
		if ((s == GS_G_DEAD && !dead) || s >= GS_G_NSTATUS)
			continue;
		if (n < max) {
			gs_snap_ginfo *gi = &buf[n];
			gs_m *mp = gp->m;
			gi->id = gp->goid;
			gi->status = (int)s;
			gi->waitreason = s == GS_G_WAITING
			    ? atomic_load_explicit(&gp->waitreason, memory_order_relaxed)
			    : 0;
			gi->m = (mp && (s == GS_G_RUNNING || s == GS_G_SYSCALL)) ? mp->id : -1;
			gs_m *lm = gp->lockedm;
			gi->lockedm = lm ? lm->id : 0;
			memcpy(gi->label, gp->label, GS_LABEL_MAX);
			gi->label[GS_LABEL_MAX - 1] = '\0';
			gi->tag = gp->tag;
			gs__acct_read_g(gp, gi, now, gen);
		}
		n++;
	}
	gs__obs_exit();
	return n;
}

int
gs_goroutines(gs_snap_ginfo *buf, int max)
{
	return gs__goroutines(buf, max, false);
}
