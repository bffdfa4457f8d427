/*
 * acct.c - per-goroutine, per-P and per-M accounting (gs_set_accounting in
 * include/gsched/observe.h): how long each spent in each of its states.
 *
 * Each entity carries a gs__acct (internal.h): the slot its current state
 * counts into, since when, and a total per slot.  A state change adds now -
 * since to the old slot and starts the new one, under the entity's seqlock;
 * only the entity's owner of the moment changes it (a G's owner as
 * gs__casgstatus defines it, the M itself, a P's holder or sched.lock for the
 * idle list), so writers never race each other, and observers retry a read
 * that overlapped a write.
 *
 * Accounting is off unless an observer switches it on: the hot paths then pay
 * one predicted branch on gs__acct_gen.  Each switching-on gets a new
 * generation; figures carry the generation they were counted in and read as
 * zeros under another, so nothing has to be cleared when it is switched on.
 */
#include <stdint.h>

#include "gsched/observe.h"
#include "runtime/internal.h"

_Atomic uint32_t gs__acct_gen;
static _Atomic uint32_t acct_gens; /* generations handed out so far */

/*
 * When this thread's M last started or stopped running its goroutine (0:
 * taken).  That moment is also when the M (and its P) starts or stops
 * running: every such goroutine change is followed on the same M by its
 * state change (gs__set_mstate), which takes the time from here, so a switch
 * reads the clock once for the goroutine, the M and the P together.
 */
static __thread uint64_t acct_now __attribute__((tls_model("initial-exec")));
static __thread uint32_t acct_now_gen __attribute__((tls_model("initial-exec")));

#define LD(x) atomic_load_explicit(&(x), memory_order_relaxed)
#define ST(x, v) atomic_store_explicit(&(x), (v), memory_order_relaxed)

int
gs_set_accounting(bool on)
{
	if (!on) {
		atomic_store(&gs__acct_gen, 0);
		return 0;
	}
	if (atomic_load(&gs__acct_gen) != 0)
		return 0;
	uint32_t gen;
	do
		gen = atomic_fetch_add(&acct_gens, 1) + 1;
	while (gen == 0);
	atomic_store(&gs__acct_gen, gen);
	return 0;
}

bool
gs_accounting_enabled(void)
{
	return atomic_load(&gs__acct_gen) != 0;
}

void
gs__acct_reset(void)
{
	atomic_store(&gs__acct_gen, 0);
}

int
gs_block_kind_of(int waitreason)
{
	switch (waitreason) {
	case GS_WAIT_CHAN_RECV:
	case GS_WAIT_CHAN_SEND:
	case GS_WAIT_SELECT:
	case GS_WAIT_SELECT_NOCASES:
		return GS_BLOCK_CHAN;
	case GS_WAIT_SLEEP:
		return GS_BLOCK_TIMER;
	case GS_WAIT_IO:
		return GS_BLOCK_NET;
	case GS_WAIT_SEMACQUIRE:
	case GS_WAIT_MUTEX:
	case GS_WAIT_RWMUTEX_RLOCK:
	case GS_WAIT_RWMUTEX_LOCK:
	case GS_WAIT_COND:
		return GS_BLOCK_MUTEX;
	case GS_WAIT_WAITGROUP:
		return GS_BLOCK_WAITGROUP;
	default:
		return GS_BLOCK_OTHER;
	}
}

const char *
gs_block_kind_name(int kind)
{
	static const char *const n[GS_BLOCK_NKINDS] = { "chan", "timer", "net", "mutex",
		"waitgroup", "other" };
	return kind >= 0 && kind < GS_BLOCK_NKINDS ? n[kind] : "?";
}

/* ---- writers ---------------------------------------------------------------- */

static inline void
wbegin(gs__acct *a)
{
	ST(a->seq, LD(a->seq) + 1);
	atomic_thread_fence(memory_order_release);
}

static inline void
wend(gs__acct *a)
{
	atomic_store_explicit(&a->seq, LD(a->seq) + 1, memory_order_release);
}

/* Inside wbegin/wend: end the current slot's interval at now and start slot's.
 * Returns the interval that ended (0 if none), in *ended of slot *was; true if
 * the figures were of another generation (or fresh) and start again at 0. */
static bool
acct_switch(gs__acct *a, _Atomic uint64_t *ns, int n, uint32_t slot, uint64_t now, uint32_t gen,
    bool fresh, uint32_t *was, uint64_t *ended)
{
	*was = GS_ACCT_NONE;
	*ended = 0;
	if (fresh || LD(a->gen) != gen) {
		for (int i = 0; i < n; i++)
			ST(ns[i], 0);
		ST(a->gen, gen);
		fresh = true;
	} else if ((*was = LD(a->slot)) != GS_ACCT_NONE) {
		uint64_t since = LD(a->since);
		*ended = now > since ? now - since : 0;
		ST(ns[*was], LD(ns[*was]) + *ended);
	}
	ST(a->slot, slot);
	ST(a->since, now);
	return fresh;
}

static uint32_t
gslot(gs_g *gp, uint32_t to)
{
	switch (to) {
	case GS_G_RUNNING:
		return GS_GA_RUN;
	case GS_G_RUNNABLE:
		return GS_GA_LAT;
	case GS_G_SYSCALL:
		return GS_GA_SYSCALL;
	case GS_G_WAITING:
		/* gopark sets the reason before the switch to waiting */
		return GS_GA_BLOCK +
		    (uint32_t)gs_block_kind_of(
			atomic_load_explicit(&gp->waitreason, memory_order_relaxed));
	default:
		return GS_ACCT_NONE;
	}
}

__attribute__((cold)) void
gs__acct_g(gs_g *gp, uint32_t from, uint32_t to, uint32_t gen)
{
	gs__gacct *ga = &gp->acct;
	uint32_t was;
	uint64_t ended;

	/* The clock is read inside the write: a reader that saw the old state
	 * read its own clock earlier, so its figure is never above the next. */
	wbegin(&ga->a);
	uint64_t now = gs__nanotime();
	/* A spawn starts a new goroutine's figures, whatever the G ran before. */
	if (acct_switch(&ga->a, ga->ns, GS_GA_NSLOTS, gslot(gp, to), now, gen, from == GS_G_DEAD,
		&was, &ended)) {
		ST(ga->runs, 0);
		ST(ga->lat_max, 0);
		ST(ga->moves, 0);
		ST(ga->lastp, -1);
		ST(ga->minsp, UINTPTR_MAX);
		ST(ga->created, from == GS_G_DEAD ? now : 0);
	}
	if (to == GS_G_RUNNING) {
		gs_m *mp = gs__getm();
		int32_t p = mp && mp->p ? mp->p->id : -1;
		int32_t last = LD(ga->lastp);
		if (p >= 0) {
			if (last >= 0 && last != p)
				ST(ga->moves, LD(ga->moves) + 1);
			ST(ga->lastp, p);
		}
		if (from == GS_G_RUNNABLE) {
			ST(ga->runs, LD(ga->runs) + 1);
			if (was == GS_GA_LAT && ended > LD(ga->lat_max))
				ST(ga->lat_max, ended);
		}
	} else if (from == GS_G_RUNNING) {
		/* The stack's high-water mark, as deep as its switches see it: a
		 * system call is entered on the goroutine's own stack; every other
		 * stop comes through mcall, which saved the stack pointer in ctx. */
		uintptr_t sp = to == GS_G_SYSCALL ? (uintptr_t)__builtin_frame_address(0)
						  : (uintptr_t)gp->ctx.sp;
		if (sp < LD(ga->minsp))
			ST(ga->minsp, sp);
	}
	wend(&ga->a);
	if (from == GS_G_RUNNING || to == GS_G_RUNNING) {
		acct_now = now;
		acct_now_gen = gen;
	}
}

static uint32_t
mslot(uint32_t st)
{
	switch (st) {
	case GS_M_RUNNING:
		return GS_MA_RUNNING;
	case GS_M_SPINNING:
		return GS_MA_SPINNING;
	case GS_M_IDLE:
	case GS_M_NETPOLL:
		return GS_MA_IDLE;
	case GS_M_SYSCALL:
		return GS_MA_SYSCALL;
	default:
		return GS_ACCT_NONE;
	}
}

static void
pswitch(gs_p *pp, uint32_t slot, uint64_t now, uint32_t gen)
{
	uint32_t was;
	uint64_t ended;

	wbegin(&pp->acct);
	acct_switch(&pp->acct, pp->acct_ns, GS_PA_NSLOTS, slot, now, gen, false, &was, &ended);
	wend(&pp->acct);
}

__attribute__((cold)) void
gs__acct_m(gs_m *mp, uint32_t st, uint32_t gen)
{
	/* not one left from before accounting was last switched on */
	uint64_t now = acct_now_gen == gen ? acct_now : 0;
	acct_now = 0;
	if (now == 0)
		now = gs__nanotime();
	uint32_t was;
	uint64_t ended;

	wbegin(&mp->acct);
	acct_switch(&mp->acct, mp->acct_ns, GS_MA_NSLOTS, mslot(st), now, gen, false, &was, &ended);
	wend(&mp->acct);
	/* The P it holds runs, spins or neither with it. */
	if (mp->p)
		pswitch(mp->p,
		    st == GS_M_RUNNING        ? GS_PA_RUN
			: st == GS_M_SPINNING ? GS_PA_SPIN
					      : GS_ACCT_NONE,
		    now, gen);
}

__attribute__((cold)) void
gs__acct_execute(gs_m *mp, gs_g *gp, uint32_t gen)
{
	gs__acct_g(gp, GS_G_RUNNABLE, GS_G_RUNNING, gen);
	gs__acct_m(mp, GS_M_RUNNING, gen);
}

void
gs__acct_pidle(gs_p *pp, bool idle, uint32_t gen)
{
	pswitch(pp, idle ? GS_PA_IDLE : GS_ACCT_NONE, gs__nanotime(), gen);
}

/* ---- readers ---------------------------------------------------------------- */

/* What a reader copies of a G beyond its slot totals. */
struct gextra {
	uint64_t runs, lat_max, moves, created;
	int32_t lastp;
	uintptr_t minsp;
};

/*
 * Read an entity's totals into out[n] as of now, the current state's interval
 * so far included unless its slot is skip; ga, if not NULL, also its G
 * figures into *x.  False (and zeros) if the figures are not of generation
 * gen: counted before accounting was last switched on, or never.
 */
static bool
acct_read(const gs__acct *ac, const _Atomic uint64_t *ns, int n, uint64_t *out, uint64_t now,
    uint32_t gen, uint32_t skip, const gs__gacct *ga, struct gextra *x)
{
	gs__acct *a = (gs__acct *)ac;

	for (unsigned tries = 0;; tries++) {
		uint32_t s1 = atomic_load_explicit(&a->seq, memory_order_acquire);
		bool mine = LD(a->gen) == gen;
		uint32_t slot = LD(a->slot);
		uint64_t since = LD(a->since);
		for (int i = 0; i < n; i++)
			out[i] = LD(ns[i]);
		if (ga) {
			x->runs = LD(ga->runs);
			x->lat_max = LD(ga->lat_max);
			x->moves = LD(ga->moves);
			x->created = LD(ga->created);
			x->lastp = LD(ga->lastp);
			x->minsp = LD(ga->minsp);
		}
		atomic_thread_fence(memory_order_acquire);
		if ((s1 & 1) == 0 && LD(a->seq) == s1) {
			if (!mine || gen == 0) {
				for (int i = 0; i < n; i++)
					out[i] = 0;
				if (x)
					*x = (struct gextra){ .lastp = -1 };
				return false;
			}
			if (slot < (uint32_t)n && slot != skip && now > since)
				out[slot] += now - since;
			return true;
		}
		/* a write in progress: its writer holds it for a few instructions,
		 * unless the kernel took its CPU */
		if (tries % 64 == 63)
			gs__osyield();
	}
}

/* Racy reads of the G's stack bounds, as gs_goroutines'. */
__attribute__((no_sanitize("thread"))) void
gs__acct_read_g(gs_g *gp, gs_snap_ginfo *gi, uint64_t now, uint32_t gen)
{
	uint64_t ns[GS_GA_NSLOTS];
	struct gextra x;

	acct_read(&gp->acct.a, gp->acct.ns, GS_GA_NSLOTS, ns, now, gen, GS_GA_LAT, &gp->acct, &x);
	gi->run_ns = ns[GS_GA_RUN];
	gi->runs = x.runs;
	gi->latency_ns = ns[GS_GA_LAT];
	gi->latency_max_ns = x.lat_max;
	gi->syscall_ns = ns[GS_GA_SYSCALL];
	for (int k = 0; k < GS_BLOCK_NKINDS; k++)
		gi->blocked_ns[k] = ns[GS_GA_BLOCK + k];
	gi->lastp = x.lastp;
	gi->moves = x.moves;
	gi->created_ns = x.created;
	uintptr_t lo = gp->stack_lo, hi = gp->stack_hi;
	gi->stack_size = lo ? hi - lo : 0;
	gi->stack_used_max = gi->stack_size && x.minsp >= lo && x.minsp < hi ? hi - x.minsp : 0;
}

void
gs__acct_read(gs__acct *a, const _Atomic uint64_t *ns, int n, uint64_t *const *out, uint64_t now,
    uint32_t gen)
{
	uint64_t v[GS_MA_NSLOTS]; /* the most slots: an M has one more than a P */
	_Static_assert((int)GS_MA_NSLOTS >= (int)GS_PA_NSLOTS, "v too small");

	acct_read(a, ns, n, v, now, gen, GS_ACCT_NONE, NULL, NULL);
	for (int i = 0; i < n; i++)
		*out[i] = v[i];
}
