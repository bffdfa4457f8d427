/*
 * internal.h - libgsched's shared internal definitions: the G, M and P structures,
 * the global scheduler state, and the functions the runtime's files call in each
 * other.  Never included by the front end or by users of the library.
 *
 * The model is Go's (src/runtime/proc.go, runtime2.go):
 *
 *   G  a goroutine: a function, its own stack and a saved context.
 *   M  an OS thread.  It runs goroutines only while it holds a P.
 *   P  a processor: the right to run goroutines, with a local run queue of 256,
 *      a runnext slot, and a free list of dead Gs with their stacks.
 *
 * There are exactly GOMAXPROCS Ps.  An M that finds no work in its P's queue
 * looks in the global queue, then steals half of another P's queue; finding
 * nothing, it gives up its P and parks on a futex.  An M "spins" while it looks
 * for work without having found any; the spinning protocol (wakep, startm,
 * resetspinning and the re-check in findrunnable after dropping the spinning
 * state) is what makes sure no readied goroutine is left in a queue while every
 * M sleeps, without waking every M on every readied goroutine.
 *
 * Scheduler decisions run on an M's g0, the thread's own stack, or, on the fast
 * paths, on the goroutine that gives up the M, right before a direct switch to
 * the next one (gs__ctx_switch).  A goroutine that blocks or yields is published
 * to a queue or a wait list only once it is off its stack: after the switch to
 * g0 (gs__mcall), or in the direct switch's arrival step, so no other M can
 * resume a goroutine whose stack is still in use.
 *
 * Locking: sched.lock guards the global run queue, the idle P and idle M lists
 * and M creation.  Per-P run queues are lock-free (owner puts at tail, anyone
 * takes at head by CAS).  Channels, mutexes and wait groups have their own small
 * locks (gs__lock), never held across a switch except through gopark's unlock
 * callback, which runs after the switch: on g0, or on arrival at runnext
 * (gs__gopark_nofail).
 */
#ifndef GS_INTERNAL_H
#define GS_INTERNAL_H

/* First: configure's choices (GS_VALGRIND) change struct layouts below, so
 * every file that sees them must see the same configuration. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <setjmp.h>

#include "gsched.h"
#include "runtime/ctx.h"

#define GS_HIDDEN __attribute__((visibility("hidden")))

#define GS_MAX_PROCS 256 /* upper bound of GOMAXPROCS: sizes allp and idlepmask */
#define GS_RUNQ_SIZE 256 /* local run queue slots (Go: len(p.runq)) */
#define GS_CACHELINE 64
#define GS_STEAL_TRIES 4   /* findrunnable's rounds over all Ps */
#define GS_GLOBAL_EVERY 61 /* schedtick period for checking the global queue first */
/* The default goroutine stack: it never grows, so it holds stdio and a local
 * getaddrinfo (about 10 KiB); a parked goroutine costs its top page whatever
 * the size, and each 4 KiB more is address space and page table (README). */
#define GS_DEFAULT_STACK (16 * 1024)
#define GS_MIN_STACK 2048
#define GS_MAX_STACK (8 * 1024 * 1024)
#define GS_NSTACKCLASS 13               /* 2 KiB << 0 .. 2 KiB << 12 = 8 MiB */
#define GS_GFREE_NOSTACK GS_NSTACKCLASS /* free-list index of Gs without a stack */
#define GS_SMALL_STACK_MAX 4096         /* classes up to this carry GS_STACK_CANARY */
#define GS_DEFAULT_MAX_THREADS 10000
#define GS_GFREE_LOCAL_MAX 64                 /* per-P free Gs per class before half go global */
#define GS_GFREE_KEEP 1024                    /* free stacks per class sysmon leaves committed */
#define GS_STACK_CANARY 0x6773636865644b21ULL /* "gsched!" + marker */

/*
 * The canary a stack carries in its lowest word.  Small stacks (a page or
 * less) hold GS_STACK_CANARY.  Larger ones hold 0, which they need not write:
 * an untouched anonymous page reads as zero, so their bottom page is never
 * committed unless the goroutine really goes that deep, and a 16 KiB stack
 * costs one page of memory, not two.  An overflow that writes there is caught
 * the same way, unless it happens to write zero to that one word.
 */
static inline uint64_t
gs__stack_canary(size_t size)
{
	return size <= GS_SMALL_STACK_MAX ? GS_STACK_CANARY : 0;
}

/* Fields one thread writes and others peek at (sysmon, observers).  Acquire
 * and release, so a pointer read this way (a P's M, an M's G) comes with the
 * writes that initialised what it points to; plain moves on x86-64. */
#define GS_LOAD(x) atomic_load_explicit(&(x), memory_order_acquire)
#define GS_STORE(x, v) atomic_store_explicit(&(x), (v), memory_order_release)
#define GS_INC(x) GS_STORE(x, GS_LOAD(x) + 1)
/* Per-P statistics: one writer (the P's owner), peeked at by observers; a
 * plain load and store, no locked instruction. */
static inline __attribute__((always_inline)) void
gs__stat_add(_Atomic uint64_t *c, uint64_t n)
{
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + n,
	    memory_order_relaxed);
}
#define gs__stat_inc(c) gs__stat_add((c), 1)

#define GS_PID(pp) ((pp) ? (pp)->id : -1)
#define GS_MID(mp) ((mp) ? (mp)->id : -1)

#define gs_likely(x) __builtin_expect(!!(x), 1)
#define gs_unlikely(x) __builtin_expect(!!(x), 0)

typedef struct gs_g gs_g;
typedef struct gs_m gs_m;
typedef struct gs_p gs_p;

/* ---- low-level locks and notes (lock.c semantics live in os_linux.c) ---- */

/* A futex mutex (Drepper's "mutex2"): 0 unlocked, 1 locked, 2 locked with
 * waiters.  Short critical sections only; it spins briefly before sleeping. */
typedef struct gs_lock {
	_Atomic uint32_t key;
} gs_lock;

GS_HIDDEN void gs__lock_slow(gs_lock *l);
GS_HIDDEN void gs__unlock_slow(gs_lock *l);

static inline void
gs__lockx(gs_lock *l)
{
	uint32_t zero = 0;
	if (gs_likely(atomic_compare_exchange_strong_explicit(&l->key, &zero, 1,
		memory_order_acquire, memory_order_relaxed)))
		return;
	gs__lock_slow(l);
}

static inline void
gs__unlockx(gs_lock *l)
{
	if (gs_unlikely(atomic_exchange_explicit(&l->key, 0, memory_order_release) == 2))
		gs__unlock_slow(l);
}

/* A one-shot wake-up (Go's note): one sleeper, one waker, cleared for reuse. */
typedef struct gs_note {
	_Atomic uint32_t key;
} gs_note;

GS_HIDDEN void gs__notesleep(gs_note *n);
GS_HIDDEN void gs__notewakeup(gs_note *n);
static inline void
gs__noteclear(gs_note *n)
{
	atomic_store(&n->key, 0);
}

/* Sleep until woken or ns pass (ns < 0: no limit).  True if woken. */
GS_HIDDEN bool gs__notetsleep(gs_note *n, int64_t ns);

/* os_linux.c: platform facts. */
/*
 * The CPU limit of this process's cgroup as Go 1.25 reads it (os_linux.c):
 * gs__cgroup_open finds the cgroup once and keeps its limit files open (0, or
 * -1 when not in a CPU cgroup or its files cannot be opened); gs__cgroup_read
 * reads them again from the start (1 and *limit in CPUs, 0 no limit, -1
 * malformed).  gs__os_cgroup_cpu_limit does all three at once.
 */
typedef struct {
	int version;  /* 1 or 2; 0 while closed */
	int quotafd;  /* v1 cpu.cfs_quota_us, v2 cpu.max */
	int periodfd; /* v1 cpu.cfs_period_us, else -1 */
} gs__cgroup_cpu;
GS_HIDDEN int gs__cgroup_open(gs__cgroup_cpu *c);
GS_HIDDEN int gs__cgroup_read(const gs__cgroup_cpu *c, double *limit);
GS_HIDDEN void gs__cgroup_close(gs__cgroup_cpu *c);
GS_HIDDEN int gs__os_cgroup_cpu_limit(double *limit);
/* The cgroup's directory (mount point and path, without GSCHED_CGROUP_ROOT)
 * into dir: its version, 0 if none, -1 if unreadable.  For tests too. */
GS_HIDDEN int gs__cgroup_find(char *dir, size_t n);
GS_HIDDEN int gs__cgroup_parse_self(char *text, char *out, size_t outsz);
GS_HIDDEN int gs__cgroup_parse_mounts(char *text, char *out, size_t outsz);
/* Threads of the whole process as the kernel counts them (Threads: of
 * /proc/self/status), 0 if unknown.  open/read only: any thread. */
GS_HIDDEN int gs__os_threads(void);
GS_HIDDEN uint64_t gs__os_thread_cpu_ns(int32_t tid); /* 0 if unknown */
GS_HIDDEN int gs__parse_cpu_max(const char *text, double *limit);
GS_HIDDEN int gs__os_ncpu(void);
GS_HIDDEN uint64_t gs__nanotime(void);
GS_HIDDEN long gs__os_max_map_count(void);
GS_HIDDEN void gs__osyield(void);
GS_HIDDEN void gs__usleep(unsigned usec);

/* ---- accounting (acct.c): time in each state, while an observer wants it -- */

/*
 * One entity's accounting: the state it is in (slot), since when, and the time
 * it spent in each slot, kept only while gs_set_accounting is on.  The entity's
 * current owner writes it (a G's owner as gs__casgstatus defines it, a P's or
 * an M's holder); observers read it without a lock, under seq (a seqlock: odd
 * while a write is under way).  gen says which switching-on the figures
 * belong to: figures of another are zeros, so turning accounting on starts
 * every figure from nothing without touching any entity.
 */
#define GS_ACCT_NONE 0xff /* slot: in no state that is counted */
typedef struct gs__acct {
	_Atomic uint32_t seq;
	_Atomic uint32_t gen;
	_Atomic uint32_t slot;
	_Atomic uint64_t since;
} gs__acct;

/* A G's slots: running, runnable (latency), in a system call, blocked by
 * kind (enum gs_block_kind). */
enum { GS_GA_RUN = 0, GS_GA_LAT, GS_GA_SYSCALL, GS_GA_BLOCK, GS_GA_NSLOTS = GS_GA_BLOCK + 6 };
/* A P's slots and an M's. */
enum { GS_PA_RUN = 0, GS_PA_IDLE, GS_PA_SPIN, GS_PA_NSLOTS };
enum { GS_MA_RUNNING = 0, GS_MA_SPINNING, GS_MA_IDLE, GS_MA_SYSCALL, GS_MA_NSLOTS };

/* A G's accounting, off its hot cache lines. */
typedef struct gs__gacct {
	gs__acct a;
	_Atomic uint64_t ns[GS_GA_NSLOTS];
	_Atomic uint64_t runs, lat_max, moves, created;
	_Atomic int32_t lastp;
	_Atomic uintptr_t minsp; /* deepest stack pointer seen at a switch, UINTPTR_MAX none */
} gs__gacct;

/* The switching-on accounting runs under (gs_set_accounting); 0 while it is
 * off, so every site pays one predicted branch on it. */
GS_HIDDEN extern _Atomic uint32_t gs__acct_gen;
#define GS_ACCTGEN() atomic_load_explicit(&gs__acct_gen, memory_order_relaxed)
/* A G's status change from to, as gs__casgstatus makes it. */
GS_HIDDEN void gs__acct_g(gs_g *gp, uint32_t from, uint32_t to, uint32_t gen);
/* An M's state change (and its P's, if it holds one). */
GS_HIDDEN void gs__acct_m(gs_m *mp, uint32_t st, uint32_t gen);
/* mp starts running gp (gs__execute): gs__acct_g's runnable to running, then
 * gs__acct_m's running, behind the one branch. */
GS_HIDDEN void gs__acct_execute(gs_m *mp, gs_g *gp, uint32_t gen);
/* pp goes on the idle list (idle: sched.lock held), or comes off it or is
 * released by its M (not idle): no longer in any state that counts. */
GS_HIDDEN void gs__acct_pidle(gs_p *pp, bool idle, uint32_t gen);
GS_HIDDEN void gs__acct_reset(void);

/* ---- G ------------------------------------------------------------------- */

/*
 * A goroutine.  G structs are allocated in chunks and never freed while the
 * runtime lives, so an observer may read any G it found through allgs.  A dead G
 * waits on a free list (per P, then global) with its stack for reuse.
 *
 * A G gets its stack when it first runs, not when it is spawned: a runnable G
 * that has not started needs only fn and arg.  A burst of a million spawns
 * that run one after another thus touches a handful of stacks, each passed on
 * from a G that just died to the next one starting (bindstack in proc.c).
 */
struct gs_g {
	/* The first line: everything spawning writes, and what running and
	 * exiting touch most.  A G is usually made on one CPU and run on
	 * another, and in a burst of spawns it was last touched long ago (at its
	 * previous exit, often on another P), so every line the spawner writes
	 * is a transfer or a miss: a spawn writes this line only (the label,
	 * below, only when the spawn names one; goexit0 clears it).  The second
	 * line is what running and parking touch; the rest below.  (asm
	 * context-switch builds) */
	gs_ctx ctx;              /* saved context while not running; owned by the M that switches */
	_Atomic uint32_t status; /* enum gs_gstatus; changed only by its owner, through
	                            gs__casgstatus (a checked store, not a CAS) */
	_Atomic uint8_t waitreason; /* enum gs_waitreason while GS_G_WAITING */
	uint8_t stack_class;        /* index into the stack classes, see stack.c; set at
	                               spawn even before a stack is bound */
	uint8_t stack_released;     /* pages given back on a free list: rewrite the canary */
	char tag;                   /* gs_attr.tag, set at spawn; read racily by observers */
	uintptr_t stack_lo;         /* lowest usable byte (the canary word sits here); 0
	                               while no stack is bound (stack.c owns the memory) */
	uintptr_t stack_hi;         /* one past the highest byte */
	void (*fn)(void *);         /* entry point and its argument */
	void *arg;
	int64_t goid; /* unique for the runtime's life; reused Gs get new ids */
	gs_m *m;      /* M running it, while running */

	/* Preemption (preempt.c).  preempt is set by sysmon or a stop-the-world
	 * and cleared when the G runs again; asyncsafe is set only inside
	 * gs_preemptible_begin/end, where a signal may switch the G out. */
	_Atomic bool preempt;
	_Atomic bool asyncsafe;
	/* gs_lock_os_thread (Go's lockedm and lockedExt): the M this G is wired
	 * to while lockedext > 0.  Written by the G itself while it runs on
	 * that M; read by whichever M takes it off a run queue (schedule, for
	 * every G it runs). */
	uint32_t lockedext;
	gs_g *schedlink;          /* next on a wait list or netpoll list */
	char label[GS_LABEL_MAX]; /* set at spawn; read racily by observers */
	gs_m *lockedm;

	/* Parking (gs__gopark): what to do on g0 after the switch. */
	bool (*parkunlock)(gs_g *gp, void *arg);
	void *parkarg;
#ifdef GS_VALGRIND
	unsigned vg_stack; /* Valgrind's id for this stack (--enable-valgrind) */
#endif
	/* Where an asynchronous preemption saves the registers when the stack has
	 * no room for them (arch/preempt_*.c); made by gs_preemptible_begin,
	 * kept with the G, freed when the runtime ends. */
	void *asyncsave;

	/* Channel and select wake-ups (chan.c). */
	void *param;                 /* the sudog that completed the operation; cleared
	                               by each channel operation before it parks */
	_Atomic uint32_t selectdone; /* a select has been won by one case */

	void *asyncrestore;    /* a context to restore by signal (preempt_aarch64.c) */
	uint64_t syscallstart; /* nanotime at gs_entersyscall, for observers */

	void *tsan_fiber;      /* ThreadSanitizer fiber (san.c), else NULL */
	void *asan_fake_stack; /* AddressSanitizer fake-stack handle across a switch */
	gs_g *alllink;         /* every G ever allocated, for stats and shutdown */
	gs__gacct acct;        /* its time by state, while accounting is on */
} __attribute__((aligned(GS_CACHELINE)));

/* Start loading gp's two hot lines (see struct gs_g) for writing: a G taken
 * from a free list or a run queue a few turns from now was usually last
 * touched long ago or on another CPU, and would cost a miss per line. */
static inline void
gs__prefetchg(const gs_g *gp)
{
	__builtin_prefetch(gp, 1);
	__builtin_prefetch((const char *)gp + GS_CACHELINE, 1);
}

/* ---- P ------------------------------------------------------------------- */

enum gs_pstatus {
	GS_P_IDLE = 0, /* not used to run user code; on the idle list or about to be */
	GS_P_RUNNING,  /* owned by an M */
	GS_P_SYSCALL,  /* its M is in a system call; whoever CASes it away first owns it */
	GS_P_GCSTOP,   /* stopped for a stop-the-world */
	GS_P_DEAD      /* no longer used (GOMAXPROCS shrank) */
};

struct gs_p {
	int32_t id;
	_Atomic uint32_t status; /* enum gs_pstatus */
	gs_p *link;              /* next on sched.pidle; guarded by sched.lock */
	/* Written by the P's owner, read by sysmon and observers: relaxed atomics. */
	_Atomic uint32_t schedtick; /* incremented on every scheduler call that does not inherit */
	_Atomic uint32_t syscalltick; /* incremented on every system call */
	_Atomic(gs_m *) m;            /* back-link to the M holding it (NULL when idle) */
	_Atomic int64_t syscallm;     /* id of the M that took it into a system call */
	int64_t goidcache;            /* next goroutine id to hand out, from a batch of 16 */
	int64_t goidcacheend;

	/* Free Gs, by stack class, each keeping its stack, and at GS_GFREE_NOSTACK
	 * those without one.  Owned by the P's M. */
	gs_g *gfree[GS_NSTACKCLASS + 1][GS_GFREE_LOCAL_MAX];
	int32_t gfreecnt[GS_NSTACKCLASS + 1];

	/* Timers (timer.c): a 4-ary min-heap by when, guarded by timerslock.
	 * timer0when mirrors the earliest when (0: none) for lock-free peeks. */
	gs_lock timerslock;
	struct gs__theap *timers; /* {when, timer}: compares never leave the array */
	int32_t ntimers, captimers;
	_Atomic int64_t timer0when;

	/* Set by sysmon when one time slice has run 10 ms; findrunnable then
	 * sends runnext to the back of the queue. */
	_Atomic bool sliceexpired;

	/* sysmon's last look at this P (Go's sysmontick); owned by sysmon, set
	 * by gs__sysmontick_reset before sysmon first looks. */
	uint32_t sm_schedtick, sm_syscalltick;
	int64_t sm_schedwhen, sm_syscallwhen;

	/* Statistics read racily by gs_read_stats (relaxed atomics, written by owner
	 * except stolen_from, which thieves add to). */
	_Atomic uint64_t steals;      /* successful steals by this P */
	_Atomic uint64_t stolen;      /* goroutines this P took from others */
	_Atomic uint64_t stolen_from; /* goroutines others took from this P */
	_Atomic uint64_t spawns, exits, global_puts;
	_Atomic uint64_t syscalls, preempt_coop, timers_fired;
	_Atomic uint64_t runnexthits;     /* Gs run from runnext, inheriting the slice */
	_Atomic uint64_t fairtakes;       /* Gs taken by the one-in-61 global check */
	_Atomic uint64_t stealhalfmisses; /* steals by this P that took other than half */
	/* System call returns that got this P: the M's own P back (fast path), or
	 * this P found idle.  Returns that found none count in gs__sched. */
	_Atomic uint64_t exitsyscall_oldp, exitsyscall_idlep;
	/* Peaks since gs_run or gs_reset_peaks (gs__peak_note): the most Gs one
	 * steal by this P moved, and the latest a timer ran on it (ns). */
	_Atomic uint64_t peak_steal, peak_timerlate;
	/* Time running goroutines, idle, spinning (acct.c): written by the P's
	 * holder, or under sched.lock while it is on the idle list. */
	gs__acct acct;
	_Atomic uint64_t acct_ns[GS_PA_NSLOTS];

	/* The lock-free local run queue: the owner writes runq[tail] and advances
	 * tail (release); consumers read runq[head..tail) and CAS head.  runnext, if
	 * set, runs before the queue and inherits the current time slice. */
	alignas(GS_CACHELINE) _Atomic uint32_t runqhead;
	_Atomic uint32_t runqtail;
	_Atomic(gs_g *) runnext;
	_Atomic(gs_g *) runq[GS_RUNQ_SIZE];
} __attribute__((aligned(GS_CACHELINE)));

/* ---- M ------------------------------------------------------------------- */

/* What an M is doing, for observers.  Written by the M. */
enum gs_mstate {
	GS_M_RUNNING = 0, /* running a G on a P */
	GS_M_SPINNING,    /* holding a P, looking for work */
	GS_M_IDLE,        /* parked on its note, on sched.midle */
	GS_M_SCHED,       /* holding a P, in the scheduler, not spinning */
	GS_M_SYSCALL,     /* in a system call; its P may be taken by sysmon */
	GS_M_NETPOLL,     /* no P; blocked in the netpoller until I/O or a timer */
	GS_M_SYSMON,      /* the sysmon thread */
	GS_M_DEAD
};

/*
 * Ordered by who writes and who reads: a snapshot (observe.c) reads the first
 * group of every M, thousands of them, so that group fills the first two
 * cache lines and nothing else the snapshot reads lies beyond; the fields
 * other threads write (a waker, sched.lock's holder) come after them, so
 * those writes take no line the snapshot reads; what is set once or used
 * only at exit comes last.
 */
struct gs_m {
	/* Written by the M (alllink under sched.lock), read by every snapshot. */
	int64_t id;
	_Atomic(gs_g *) curg;   /* G running on this M, or NULL in the scheduler;
	                               written by the M, read by sysmon and signals */
	gs_p *p;                /* P held, or NULL */
	_Atomic uint32_t state; /* enum gs_mstate, for observers */
	bool spinning;          /* counted in sched.nmspinning */
	gs_g *lockedg;          /* G wired to this M (Go's lockedg): the M runs
	                           nothing else; written by that G on this M */
	gs_m *alllink;          /* every M; guarded by sched.lock */
	uint64_t created_ns;
	gs__acct acct; /* time by state (acct.c), written by the M */
	_Atomic uint64_t acct_ns[GS_MA_NSLOTS];

	/* The M's own, in its scheduler and system calls. */
	uint64_t fastrand;
	struct gs_evring *evring; /* events this M recorded (observe.c); NULL until one */
	gs_p *oldp;               /* P it held when it entered a system call */
	uint32_t syscalltick;     /* oldp's syscalltick at entry */

	/* Written by other threads while the M is parked. */
	gs_note park;    /* stopm sleeps here */
	bool lockedpark; /* parked in stoplockedm for lockedg, counted in
	                     sched.nmidlelocked; sched.lock */
	gs_p *nextp;     /* P handed over by startm before a wake-up */
	gs_m *schedlink; /* next on sched.midle; guarded by sched.lock */

	/* Set when the thread starts, or used only when it ends. */
	pthread_t thread;
	_Atomic int32_t procid;      /* the thread's kernel id (Go's m.procid), 0
	                           until it starts; read by the snapshot only
	                           for a slice sysmon found used up */
	void *g0_tsan_fiber;         /* the thread's own TSan fiber */
	void *g0_tsan_cur;           /* TSan fiber of the current g0 visit (san.c) */
	const void *g0_stack_bottom; /* for ASan's fiber annotations */
	size_t g0_stack_size;
	sigjmp_buf exitbuf; /* mstart's frame, where mexit ends the thread */
} __attribute__((aligned(GS_CACHELINE)));

/* ---- the global scheduler state ---------------------------------------- */

struct gs_sched {
	gs_lock lock;

	/* Run state, set by gs_run. */
	_Atomic bool running;
	_Atomic bool shutdown; /* main returned: Ms exit at their next schedule */
	int32_t gomaxprocs;
	int32_t ncpu;
	size_t default_stack;
	int default_stack_class; /* gs__stack_class(default_stack), for newproc1 */
	int32_t maxmcount;

	gs_p *allp[GS_MAX_PROCS];
	_Atomic uint64_t idlepmask[GS_MAX_PROCS / 64]; /* bit set: P is idle, skip when stealing */

	/* Idle Ms (guarded by lock). */
	gs_m *midle;
	int32_t nmidle;
	int32_t nmidlelocked; /* Ms parked waiting for their locked G (stoplockedm) */
	int32_t mnext;        /* next M id; also the count of Ms ever made */
	int32_t mcount_live;  /* Ms that exist and have not exited */
	gs_m *allm;

	/* Idle Ps (guarded by lock; npidle also read atomically). */
	gs_p *pidle;
	_Atomic int32_t npidle;
	_Atomic int32_t nmspinning;
	/* Go's sched.needspinning (1.21+): work was readied with no idle P for a
	 * spinning M to take, so the next M about to give up its P spins instead
	 * (findrunnable); becomespinning clears it.  Set under lock. */
	_Atomic int32_t needspinning;

	/* Global run queue (guarded by lock): a ring of G pointers that doubles
	 * when full, so moving a batch copies pointers instead of walking a
	 * linked list through Gs whose cache lines live on other CPUs. */
	gs_g **gq;
	uint32_t gqcap;           /* a power of two, or 0 before the first put */
	uint32_t gqhead;          /* index of the oldest */
	_Atomic int32_t runqsize; /* its length; peeked at without the lock */

	/* Dead Gs waiting for reuse beyond the per-P lists, by stack class. */
	gs_lock gflock;
	/* Growable stacks of G pointers: moving a batch between a P and here
	 * copies pointers, never touching the Gs (whose cache lines are usually
	 * on the CPU where they died). */
	gs_g **gfree[GS_NSTACKCLASS + 1];
	int32_t gfreecap[GS_NSTACKCLASS + 1];
	_Atomic int32_t gfreecnt[GS_NSTACKCLASS + 1]; /* written under gflock, peeked without */

	/* Steal order (Go's randomOrder): start anywhere, step by a number coprime
	 * with gomaxprocs, and every P is visited once. */
	int32_t ncoprimes;
	int32_t coprimes[GS_MAX_PROCS];

	/* Every G (guarded by allglock for appends; readers walk racily). */
	gs_lock allglock;
	_Atomic(gs_g *) allgs;
	struct gs_gchunk *gchunks; /* where G structs come from; guarded by allglock */
	_Atomic int64_t goidgen;
	_Atomic int32_t ngoroutines; /* not dead */

	_Atomic uint64_t threads_created;

	/* Stop the world (procresize.c).  gcwaiting: Ps must stop at their next
	 * scheduling point; stopwait counts those that have not yet (lock). */
	pthread_mutex_t stwlock; /* one stop-the-world at a time */
	_Atomic bool gcwaiting;
	_Atomic bool obs_stopped; /* an observer holds the world stopped (gs_stop_world) */
	_Atomic int stwactive;    /* a stop-the-world is between its stop and the end of
	                               its restart (the restart may still make Ms) */
	int32_t stopwait;
	gs_note stopnote;
	gs_lock sysmonlock; /* held by sysmon while it acts on Ps, and by procresize */

	/* Netpoller (netpoll.c): lastpoll is 0 while an M blocks in netpoll, else
	 * when the last poll ended; pollUntil is when that M will wake by itself. */
	_Atomic int64_t lastpoll;
	_Atomic int64_t pollUntil;
	_Atomic int32_t netpollwaiters;
	bool netpollinited;

	/* sysmon and debug settings (GSCHED_DEBUG). */
	gs_m *sysmon;
	gs_note sysmonwake;
	/* Go's sched.sysmonwait and sysmonnote: sysmon sleeps on sysmonnote while
	 * every P is idle or the world is stopped, until gs__sysmon_wake_locked
	 * (sysmonwait changes under sched.lock).  sysmonsyscall: the wake came
	 * from a system call's path, so sysmon starts again at its shortest tick. */
	_Atomic bool sysmonwait;
	_Atomic bool sysmonsyscall;
	gs_note sysmonnote;
	int32_t schedtrace_ms;
	bool scheddetail;
	bool stackmprotect; /* GSCHED_DEBUG=stackmprotect=1: guards by mprotect (stack.c) */
	/* The default GOMAXPROCS (proc.c): GSCHED_DEBUG=containermaxprocs and
	 * updatemaxprocs, the cgroup found at start (closed without one or
	 * with containermaxprocs=0), and sysmon's last look at it.  customprocs:
	 * GOMAXPROCS was set (variable, gs_config.procs, gs_set_gomaxprocs), so
	 * sysmon no longer changes it. */
	bool containermaxprocs, updatemaxprocs;
	gs__cgroup_cpu cgroup;
	int64_t lastmaxprocs;
	_Atomic bool customprocs;
	/* Written at start and by gs_set_asyncpreemptoff, read by sysmon. */
	_Atomic bool asyncpreemptoff;
	uint64_t starttime;
	/* Slow motion (GSCHED_DEBUG=timescale, gs_set_timescale): the factor,
	 * 1..GS_TIMESCALE_MAX, by which every time constant of the scheduler is
	 * multiplied.  Written by gs_run before any M starts, fixed for the run,
	 * 0 while no runtime runs; read through gs__scaled. */
	_Atomic int32_t timescale;

	/* Observers from other threads (gs_read_stats, snapshots, event drains)
	 * enter only while obsstate is GS_OBS_ON, and gs_run waits for the ones
	 * inside before freeing what they read (gs__obs_enter/exit). */
	_Atomic int obsstate;
	_Atomic int observers;

	/* Counters written outside any P (sysmon, handoffs, procresize). */
	_Atomic uint64_t handoffs, retakes, preempt_async, preempt_requests;
	_Atomic uint64_t netpoll_wakes, procresizes;
	/* System call returns that found no P: the G went to the global queue
	 * and its M parked.  Written under sched.lock. */
	_Atomic uint64_t exitsyscall_global;
	/* The peaks' epoch: gs_reset_peaks advances it, and a per-P peak word
	 * counts only while it carries the current one (gs__peak_note). */
	_Atomic uint32_t peakepoch;
	uint64_t last_stw_ns;      /* how long the last GOMAXPROCS change stopped the world */
	_Atomic int32_t insyscall; /* Ms in a system call right now */

	/* Shutdown handshake between the main goroutine and gs_run's caller. */
	gs_note done;
	gs_note allmexited;
	/* The main goroutine until it ends (then NULL: its G is reused), and
	 * whether it returned (the program ends) rather than calling gs_exit
	 * (the others run on, as after Go's Goexit in main).  Written by
	 * gs_run before any M starts and by main's own exit. */
	_Atomic(gs_g *) maing;
	_Atomic bool mainreturned;
};

GS_HIDDEN extern struct gs_sched gs__sched;

/*
 * Peaks that gs_reset_peaks can restart exactly without writing to a P: a
 * per-P word holds the epoch it belongs to (high GS_PEAK_EPOCHBITS bits) and
 * the peak (low bits, saturating).  Only the P's owner stores it, with a plain
 * load and store; a word of an older epoch counts as 0, so the reset is the
 * epoch's increment, and a value noted under the old epoch (even one stored
 * after the increment) is never read as the new one's.
 */
#define GS_PEAK_EPOCHBITS 24
#define GS_PEAK_VALBITS (64 - GS_PEAK_EPOCHBITS)
#define GS_PEAK_VALMASK ((UINT64_C(1) << GS_PEAK_VALBITS) - 1)

static inline uint64_t
gs__peak_epoch(void)
{
	return atomic_load_explicit(&gs__sched.peakepoch, memory_order_relaxed) &
	    ((UINT64_C(1) << GS_PEAK_EPOCHBITS) - 1);
}

static inline void
gs__peak_note(_Atomic uint64_t *w, uint64_t v)
{
	uint64_t ep = gs__peak_epoch();
	uint64_t cur = atomic_load_explicit(w, memory_order_relaxed);

	if (v > GS_PEAK_VALMASK)
		v = GS_PEAK_VALMASK;
	if (cur >> GS_PEAK_VALBITS == ep && (cur & GS_PEAK_VALMASK) >= v)
		return;
	atomic_store_explicit(w, ep << GS_PEAK_VALBITS | v, memory_order_relaxed);
}

/* A word's peak in epoch ep (0 if it belongs to another). */
static inline uint64_t
gs__peak_value(uint64_t w, uint64_t ep)
{
	return w >> GS_PEAK_VALBITS == ep ? w & GS_PEAK_VALMASK : 0;
}

/* How long a time slice that began at when (sysmon's sm_schedwhen; 0 not
 * seen yet) has run at now: 0, unknown, when it began after now, as it does
 * when sysmon noted a new slice after the observer read its clock (the
 * observer reads sysmon's fields racily). */
static inline uint64_t
gs__slice_since(uint64_t now, int64_t when)
{
	return when > 0 && (uint64_t)when <= now ? now - (uint64_t)when : 0;
}

enum { GS_OBS_OFF = 0, GS_OBS_ON = 1 };

/* Enter an observer section: false (and nothing to undo) if the runtime is
 * not up.  The increment comes first so gs_run's shutdown either sees it or
 * has already turned obsstate off, which the check then sees. */
static inline bool
gs__obs_enter(void)
{
	atomic_fetch_add(&gs__sched.observers, 1);
	if (atomic_load(&gs__sched.obsstate) != GS_OBS_ON) {
		atomic_fetch_sub(&gs__sched.observers, 1);
		return false;
	}
	return true;
}

static inline void
gs__obs_exit(void)
{
	atomic_fetch_sub(&gs__sched.observers, 1);
}

/*
 * A scheduler time constant (ns) in the run's time scale.  Applied where the
 * constant is used -- sysmon computes its own once per run -- and never on
 * the switch, run queue or park/ready paths, which have no time constant.
 */
static inline int64_t
gs__scaled(int64_t ns)
{
	return ns * atomic_load_explicit(&gs__sched.timescale, memory_order_relaxed);
}

/* ---- current M and G ----------------------------------------------------- */

/*
 * The M running on this thread.  A goroutine may resume on another thread after
 * any switch, and compilers cache the TLS base within a function, so code that
 * switches must call gs__getm() again afterwards, never keep the address.
 */
GS_HIDDEN gs_m *gs__getm(void) __attribute__((noinline));
GS_HIDDEN void gs__setm(gs_m *mp);
static inline gs_g *
gs__getg(void)
{
	gs_m *mp = gs__getm();
	return mp ? GS_LOAD(mp->curg) : NULL;
}

/* ---- proc.c ------------------------------------------------------------- */

GS_HIDDEN void gs__throw(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
/* Run the front end's fatal hook (gs_set_fatal_hook), once: every path that
 * ends the process for the runtime calls it before saying why. */
GS_HIDDEN void gs__run_fatal_hook(void);
/* gs__gopark (below, inline) switches to g0 and runs this there. */
GS_HIDDEN void gs__park_m(gs_g *gp) __attribute__((noreturn));
/* gs__gopark for an unlockf that never fails: it may switch straight to
 * runnext instead of through g0. */
GS_HIDDEN void gs__gopark_nofail(bool (*unlockf)(gs_g *, void *), void *arg, int reason);
GS_HIDDEN void gs__goready(gs_g *gp);
/* Start fn(arg) as a goroutine from the runtime itself, with no parent (a
 * timer's function on an M with a P: Go's goFunc for AfterFunc).  Its id, or
 * -1 with *err set. */
GS_HIDDEN int64_t gs__newproc_runtime(void (*fn)(void *), void *arg, int *err);
GS_HIDDEN void gs__badgstatus(gs_g *gp, uint32_t from, uint32_t to) __attribute__((noreturn));

/*
 * Status changes: Go's casgstatus, but a checked store, not a compare-and-swap.
 * Each transition is made by the one thread that owns the G at that moment:
 * the spawner, the M that took it off a run queue, the G itself when it
 * parks, yields, exits or enters a system call, the waker that took it off
 * whatever it waited on.  Nobody else can change the status between the
 * check and the store.  The check catches a lost or doubled wake-up that
 * comes after the first one; it may miss two racing each other, which the
 * ownership rules exclude and a CAS would catch only at the price of a
 * locked instruction per transition.  The store is a release, so a thread
 * that reads the status with acquire also sees what the owner wrote before.
 * The only other write is malg's first GS_G_DEAD, before the G is published
 * on allgs.
 */
/* Always inlined: on every switch, and the accounting's call must not make
 * the compiler keep it out of line. */
static inline __attribute__((always_inline)) void
gs__casgstatus(gs_g *gp, uint32_t from, uint32_t to)
{
	if (gs_unlikely(atomic_load_explicit(&gp->status, memory_order_relaxed) != from))
		gs__badgstatus(gp, from, to);
	uint32_t gen = GS_ACCTGEN();
	if (gs_unlikely(gen != 0))
		gs__acct_g(gp, from, to, gen);
	atomic_store_explicit(&gp->status, to, memory_order_release);
}

/* gs__casgstatus for a site that does the accounting itself, so that one
 * branch covers several changes (gs__execute: the G's, its M's and its P's). */
static inline __attribute__((always_inline)) void
gs__casgstatus_noacct(gs_g *gp, uint32_t from, uint32_t to)
{
	if (gs_unlikely(atomic_load_explicit(&gp->status, memory_order_relaxed) != from))
		gs__badgstatus(gp, from, to);
	atomic_store_explicit(&gp->status, to, memory_order_release);
}

/* What an M does now, for observers and the accounting. */
static inline __attribute__((always_inline)) void
gs__set_mstate(gs_m *mp, uint32_t st)
{
	uint32_t gen = GS_ACCTGEN();
	if (gs_unlikely(gen != 0))
		gs__acct_m(mp, st, gen);
	atomic_store_explicit(&mp->state, st, memory_order_relaxed);
}
GS_HIDDEN void gs__wakep(void);
GS_HIDDEN void gs__fatal(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
GS_HIDDEN int64_t gs__startm(gs_p *pp, bool spinning); /* the M started, or -1 */
GS_HIDDEN void gs__handoffp(gs_p *pp);
GS_HIDDEN void gs__injectglist(gs_g *head);
GS_HIDDEN void gs__acquirep(gs_m *mp, gs_p *pp);
GS_HIDDEN gs_p *gs__releasep(gs_m *mp);
GS_HIDDEN void gs__pidleput(gs_p *pp); /* sched.lock held */
GS_HIDDEN gs_p *gs__pidleget(void);    /* sched.lock held */
GS_HIDDEN gs_m *gs__mget(void);        /* sched.lock held */
GS_HIDDEN void gs__stopm(gs_m *mp);
GS_HIDDEN void gs__mcall(void (*fn)(gs_g *));
GS_HIDDEN void gs__execute(gs_m *mp, gs_g *gp, bool inherit) __attribute__((noreturn));
GS_HIDDEN void gs__schedule(void) __attribute__((noreturn));
GS_HIDDEN void gs__dropg(gs_m *mp);
GS_HIDDEN void gs__update_coprimes(int32_t n);
GS_HIDDEN gs_p *gs__newp(int32_t id);
GS_HIDDEN void gs__gfmove_global(gs_p *pp);
GS_HIDDEN int gs__gfree_trim(void);
GS_HIDDEN void gs__newm(gs_p *pp, bool spinning, int64_t id);
GS_HIDDEN int64_t gs__mreserve(void); /* sched.lock held: an M id, counted live */
GS_HIDDEN uint32_t gs__fastrand(void);
GS_HIDDEN uint32_t gs__fastrandn(uint32_t n);
GS_HIDDEN bool gs__unlock_park(gs_g *gp, void *lockp); /* gopark callback: unlock a gs_lock */

/* ---- runq.c: local and global run queues ------------------------------- */

/* Put gp on pp's local queue (at runnext if next).  Overflow moves half the queue
 * plus gp to the global queue.  Called only by pp's owner. */
GS_HIDDEN void gs__runqput(gs_p *pp, gs_g *gp, bool next);
/* Take from pp's local queue; *inherit is set when it came from runnext.
 * Called only by pp's owner. */
GS_HIDDEN gs_g *gs__runqget(gs_p *pp, bool *inherit);
/* Take next, just read from pp->runnext, off runnext; false if a thief took
 * it first.  Owner only. */
GS_HIDDEN bool gs__runqgetnext(gs_p *pp, gs_g *next);
/* Steal half of p2's queue into pp's; returns one G to run, or NULL.  With
 * stealrunnext, p2's runnext may be taken if its queue is empty. */
GS_HIDDEN gs_g *gs__runqsteal(gs_p *pp, gs_p *p2, bool stealrunnext);
/* Count a steal by pp (its owner) that moved took Gs from a victim whose ring
 * held qlen when the grab committed: a miss unless took is half of qlen
 * rounded up, or 1 (the runnext G) when qlen is 0; and the peak. */
GS_HIDDEN void gs__steal_count(gs_p *pp, uint32_t qlen, uint32_t took);
GS_HIDDEN bool gs__runqempty(gs_p *pp);
GS_HIDDEN uint32_t gs__runqlen(gs_p *pp);
/* Remove everything from pp's queue (owner only, or with the world stopped)
 * into a list linked by schedlink; returns the number taken. */
GS_HIDDEN int gs__runqdrain(gs_p *pp, gs_g **head, gs_g **tail);

/* Global queue: caller holds sched.lock. */
GS_HIDDEN void gs__globrunqput(gs_g *gp);
GS_HIDDEN void gs__globrunqputhead(gs_g *gp);
GS_HIDDEN void gs__globrunqputbatch(gs_g *head, gs_g *tail, int32_t n); /* a schedlink list */
GS_HIDDEN void gs__globrunqputarray(gs_g *const *gs, int32_t n);
GS_HIDDEN gs_g *gs__globrunqpop(void);     /* oldest, or NULL */
GS_HIDDEN gs_g *gs__globrunqat(int32_t i); /* i-th oldest (tests, observers) */
/* A yield's direct switch: gp to the tail and the head taken in one step, the
 * length unchanged (no growth), as gs__globrunqput then gs__globrunqpop would
 * (so gp itself from an empty queue); only if the head can run on the caller's
 * M at once (not locked to an M, its stack bound), else NULL and the queue as
 * it was. */
GS_HIDDEN gs_g *gs__globrunqrotate(gs_g *gp);
GS_HIDDEN int gs__globrunq_init(void); /* at start: 0 or GS_ENOMEM */
GS_HIDDEN void gs__globrunq_free(void);
/* Take a batch of min(size/gomaxprocs+1, max (if > 0), 128, free slots) from the
 * global queue: returns the first and puts the rest on pp's local queue. */
GS_HIDDEN gs_g *gs__globrunqget(gs_p *pp, int32_t max);
/* Take the global queue's head, as findrunnable's 1-in-61 fairness check
 * (its GS_EV_GLOBAL_GET says so). */
GS_HIDDEN gs_g *gs__globrunqget_fair(gs_p *pp);

/* ---- stack.c ------------------------------------------------------------- */

GS_HIDDEN int gs__stack_class(size_t size); /* -1 if out of range */
GS_HIDDEN size_t gs__stack_class_size(int cls);
GS_HIDDEN int gs__stackalloc(gs_g *gp, int cls); /* 0 or GS_ENOMEM */
GS_HIDDEN void gs__stackfree(gs_g *gp);
GS_HIDDEN void gs__stack_init(bool force_mprotect);
/* A goroutine is about to exist and will need a guarded stack: false (and
 * the reason said once on stderr) when guards are PROT_NONE pages and their
 * budget is spent.  Each true is undone by gs__stack_unclaim at its exit. */
GS_HIDDEN bool gs__stack_claim(void);
GS_HIDDEN void gs__stack_unclaim(void);
GS_HIDDEN bool gs__stack_exhausted(void);     /* why gs__stackalloc failed */
GS_HIDDEN bool gs__debug_stackmprotect(void); /* GSCHED_DEBUG says stackmprotect=1 */
GS_HIDDEN void gs__stack_fini(void);          /* unmaps everything */
GS_HIDDEN void gs__stack_counts(uint64_t *guarded, uint64_t *carved);
GS_HIDDEN void gs__stack_release(gs_g *gp); /* drop its pages, keep the mapping */
/* Check gp's canary and stack pointer; throws naming gp on overflow. */
static inline void gs__stackcheck(gs_g *gp, uintptr_t sp);
GS_HIDDEN void gs__stack_overflow(gs_g *gp) __attribute__((noreturn));
/* SIGSEGV on a guard page: installed by gs_run on an alternate signal stack. */
GS_HIDDEN int gs__sigsegv_install(void);
GS_HIDDEN void gs__sigsegv_uninstall(void);
GS_HIDDEN int gs__sigaltstack_setup(void);
GS_HIDDEN void gs__sigaltstack_teardown(void);

/*
 * At every switch away from gp, sp being the switch's own frame.  A small
 * stack's canary is always checked.  A large stack's is checked once the
 * goroutine is in the lower half of it: reading an untouched bottom page would
 * map a page (a fault) per goroutine for nothing, and a goroutine that never
 * went below half its stack cannot have overflowed it.
 */
static inline void
gs__stackcheck(gs_g *gp, uintptr_t sp)
{
	uintptr_t size = gp->stack_hi - gp->stack_lo;

	if (gs_unlikely(sp < gp->stack_lo + 256))
		gs__stack_overflow(gp);
	if (size <= GS_SMALL_STACK_MAX || sp - gp->stack_lo < size / 2) {
		if (gs_unlikely(*(const uint64_t *)gp->stack_lo != gs__stack_canary(size)))
			gs__stack_overflow(gp);
	}
}

/* ---- timer.c --------------------------------------------------------- */

/* A runtime timer.  f(arg, now) runs on an M holding a P, without any timer
 * lock; it must not block (goready, a non-blocking channel send). */
typedef struct gs__timer {
	int64_t when;   /* absolute nanotime */
	int64_t period; /* > 0: re-arm every period */
	void (*f)(void *arg, int64_t now);
	void *arg;
	_Atomic(gs_p *) pp;       /* heap it is in, NULL if none; changed under pp's lock */
	int32_t idx;              /* position in that heap */
	_Atomic uint32_t running; /* f is being called right now */
	bool ephemeral;           /* lives on a sleeper's stack: never touched after f */
} gs__timer;

/* The latest time a timer may have: a timer there never fires (Go's maxWhen). */
#define GS_MAXWHEN INT64_MAX

/*
 * t + d as a timer's when, as Go's when() computes it: a duration of 0 or less
 * is due at t (at once), and a sum past the clock's range is GS_MAXWHEN, never
 * a wrapped, negative time that would fire at once.  Every when a program's
 * duration sets (sleeps, timers, tickers and their periods, timeouts) comes
 * through here.
 */
static inline int64_t
gs__whenadd(int64_t t, int64_t d)
{
	if (d <= 0)
		return t;
	return t > GS_MAXWHEN - d ? GS_MAXWHEN : t + d;
}

GS_HIDDEN void gs__addtimer(gs__timer *t); /* on the current M's P */
GS_HIDDEN void gs__addtimer_p(gs_p *pp, gs__timer *t);
GS_HIDDEN bool gs__deltimer(gs__timer *t);              /* true if it was pending */
GS_HIDDEN int64_t gs__runtimers(gs_p *pp, int64_t now); /* next when, or 0 */
GS_HIDDEN int64_t gs__nexttimer_all(void);              /* earliest when over all Ps, or 0 */
GS_HIDDEN void gs__movetimers(gs_p *from, gs_p *to);
GS_HIDDEN void gs__timers_free(gs_p *pp);
GS_HIDDEN void gs__wakenetpoller(int64_t when);

/* ---- netpoll.c and its backend (netpoll_epoll.c or netpoll_poll.c) ----- */

enum { GS__POLL_READ = 1, GS__POLL_WRITE = 2 };

typedef struct gs__polldesc gs__polldesc;
GS_HIDDEN int gs__netpoll_init(void);
GS_HIDDEN void gs__netpoll_fini(void);
/* Poll for up to delay ns (< 0 forever, 0 not at all); returns the list of Gs
 * made runnable (linked by schedlink), or NULL. */
GS_HIDDEN gs_g *gs__netpoll(int64_t delay, int *count);
GS_HIDDEN void gs__netpollbreak(void);
GS_HIDDEN bool gs__netpoll_anywaiters(void);

/* The backend's half (one of netpoll_epoll.c, netpoll_poll.c). */
GS_HIDDEN int gs__netpoll_backend_init(void);
GS_HIDDEN void gs__netpoll_backend_fini(void);
GS_HIDDEN int gs__netpoll_backend_open(int fd, gs__polldesc *pd);
GS_HIDDEN void gs__netpoll_backend_close(int fd);
GS_HIDDEN void gs__netpoll_backend_arm(int fd, gs__polldesc *pd, int mode);
GS_HIDDEN void gs__netpoll_backend_break(void);
/* Wait for events; calls gs__netpoll_ready for each.  Returns events seen. */
GS_HIDDEN int gs__netpoll_backend_wait(int64_t delay, gs_g **list, int *count);
GS_HIDDEN void gs__netpoll_ready(gs__polldesc *pd, int mode, gs_g **list, int *count);

/* ---- syscall.c / preempt.c / sysmon.c / procresize.c --------------------- */

GS_HIDDEN void gs__gopreempt(void); /* yield because preempt was set */
GS_HIDDEN bool gs__preemptone(gs_p *pp);
GS_HIDDEN void gs__preemptall(void);
GS_HIDDEN int gs__preempt_install(void);
GS_HIDDEN void gs__preempt_uninstall(void);
/* Arch half: redirect the interrupted context to gs__asyncpreempt. */
GS_HIDDEN bool gs__arch_inject_preempt(void *ucontext, gs_g *gp);
/* Arch half, at gs_preemptible_begin: give gp a save buffer (gp->asyncsave)
 * if its stack has no room for an asynchronous preemption's save. */
GS_HIDDEN void gs__arch_preempt_prepare(gs_g *gp);
/* Arch half, for backends that come back through a second signal: put the
 * saved context back.  False if gp has none pending. */
GS_HIDDEN bool gs__arch_preempt_restore(void *ucontext, gs_g *gp);
GS_HIDDEN void gs__asyncpreempt2(void);
GS_HIDDEN int gs__sysmon_start(void);
GS_HIDDEN void gs__sysmon_wake_locked(bool syscall);
GS_HIDDEN void gs__schedtrace(bool detailed);
GS_HIDDEN void gs__gcstopm(gs_m *mp);
/* sysmon's once-a-second look at the default GOMAXPROCS (proc.c), and the
 * change it makes (procresize.c): gs_set_gomaxprocs without marking
 * GOMAXPROCS set, and nothing if it was set meanwhile. */
GS_HIDDEN void gs__sysmon_updatemaxprocs(int64_t now);
GS_HIDDEN int gs__update_gomaxprocs(int n);
GS_HIDDEN void gs__sysmontick_reset(gs_p *pp, int64_t now);
GS_HIDDEN void gs__entersyscall_gcwait(gs_p *pp);

/* Cooperative preemption point, cheap when no request is pending. */
static inline void
gs__preempt_check(gs_g *gp)
{
	if (gs_unlikely(atomic_load_explicit(&gp->preempt, memory_order_relaxed)))
		gs__gopreempt();
}

/* chan.c: a non-blocking send usable on g0 (timers): 1 sent, 0 full. */
GS_HIDDEN int gs__chan_send_nb(gs_chan *c, const void *ep);

/* ---- observe.c: the event stream ----------------------------------------- */

#include "gsched/observe.h"

/* gs_goroutines, with dead: the dead goroutines as well (schedtrace's G lines). */
GS_HIDDEN int gs__goroutines(gs_snap_ginfo *buf, int max, bool dead);

/* acct.c: an entity's accounting as of now, for generation gen (0: zeros). */
GS_HIDDEN void gs__acct_read_g(gs_g *gp, gs_snap_ginfo *gi, uint64_t now, uint32_t gen);
/* A P's or an M's n slot totals into *out[0..n) (at most GS_MA_NSLOTS). */
GS_HIDDEN void gs__acct_read(gs__acct *a, const _Atomic uint64_t *ns, int n, uint64_t *const *out,
    uint64_t now, uint32_t gen);

GS_HIDDEN extern _Atomic bool gs__events_on;
GS_HIDDEN void gs__event_emit(int kind, int p, int p2, int64_t m, int64_t m2, int64_t g,
    int64_t arg);
GS_HIDDEN void gs__events_reset(void);
GS_HIDDEN void gs__event_emit_spawn(int p, int64_t m, int64_t g, int64_t parent, const char *label);

/* Whether events are being recorded: one predicted branch when they are not.
 * A site that emits several (a batch and its moves) tests it once.
 * -DGS_NO_EVENTS compiles the sites out, to measure what that branch costs. */
#ifdef GS_NO_EVENTS
#define GS_EVON() false
#else
#define GS_EVON() gs_unlikely(atomic_load_explicit(&gs__events_on, memory_order_relaxed))
#endif
/* Record an event if recording is on. */
#define GS_EV(kind, p, p2, m, m2, g, arg)                                                          \
	do {                                                                                       \
		if (GS_EVON())                                                                     \
			gs__event_emit((kind), (p), (p2), (m), (m2), (g), (arg));                  \
	} while (0)

/* ---- chan.c / sync.c: wait queues --------------------------------------- */

/* A waiting goroutine on a channel or sync object (Go's sudog).  Lives on the
 * waiting goroutine's own stack while it is parked. */
typedef struct gs_sudog {
	gs_g *g;       /* the waiting goroutine; NULL for a plain thread (sync.c) */
	gs_note *note; /* a plain thread's wake-up, when g is NULL */
	struct gs_sudog *next, *prev;
	void *elem; /* data to copy to/from */
	struct gs_chan *c;
	bool isselect;
	bool success; /* woken by a completed operation, not a close */
	int caseidx;
	struct gs_sudog *waitlink; /* this G's other sudogs (select) */
	uint32_t ticket;           /* sync.c: a cond waiter's notifyList ticket */
	int64_t weight;            /* sync.c: the units a semaphore waiter asks for */
} gs_sudog;

/* ---- san.c: sanitizer fiber annotations --------------------------------
 * Empty inline functions unless the build uses ASan or TSan, so the switch
 * path pays nothing for them in a normal build. */

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define GS_SANITIZE 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define GS_SANITIZE 1
#endif
#endif

#if defined(__SANITIZE_THREAD__)
#define GS_TSAN_BUILD 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define GS_TSAN_BUILD 1
#endif
#endif

#ifdef GS_SANITIZE
GS_HIDDEN void gs__san_g_create(gs_g *gp);
GS_HIDDEN void gs__san_g_destroy(gs_g *gp);
GS_HIDDEN void gs__san_m_init(gs_m *mp);
/* Around a switch from the current stack to gp's, or to g0's. */
GS_HIDDEN void gs__san_switch_to_g(gs_m *mp, gs_g *gp);
GS_HIDDEN void gs__san_switch_to_g0(gs_m *mp, gs_g *from, bool dying);
/* Around a direct switch from goroutine from to goroutine to (gs__ctx_switch). */
GS_HIDDEN void gs__san_switch_g_to_g(gs_g *from, gs_g *to);
GS_HIDDEN void gs__san_finish_switch(gs_g *cur);
GS_HIDDEN void gs__san_stack_reuse(gs_g *gp);
GS_HIDDEN void gs__san_m_exit(gs_m *mp);
#else
static inline void
gs__san_g_create(gs_g *gp)
{
	(void)gp;
}
static inline void
gs__san_g_destroy(gs_g *gp)
{
	(void)gp;
}
static inline void
gs__san_m_init(gs_m *mp)
{
	(void)mp;
}
static inline void
gs__san_switch_to_g(gs_m *mp, gs_g *gp)
{
	(void)mp;
	(void)gp;
}
static inline void
gs__san_switch_to_g0(gs_m *mp, gs_g *from, bool dying)
{
	(void)mp;
	(void)from;
	(void)dying;
}
static inline void
gs__san_switch_g_to_g(gs_g *from, gs_g *to)
{
	(void)from;
	(void)to;
}
static inline void
gs__san_finish_switch(gs_g *cur)
{
	(void)cur;
}
static inline void
gs__san_stack_reuse(gs_g *gp)
{
	(void)gp;
}
static inline void
gs__san_m_exit(gs_m *mp)
{
	(void)mp;
}
#endif

/* Switch from gp, the current goroutine of mp, to g0 and call fn(gp) there
 * (Go's mcall).  Returns when gp is resumed, possibly on another M.  Inlined
 * into gs__gopark, see there. */
static inline __attribute__((always_inline)) void
gs__mcall_g(gs_m *mp, gs_g *gp, void (*fn)(gs_g *), bool dying)
{
	gs__stackcheck(gp, (uintptr_t)__builtin_frame_address(0));
	gs__san_switch_to_g0(mp, gp, dying);
	gs__ctx_mcall(&gp->ctx, (void *)mp->g0_stack_bottom, mp->g0_stack_size,
	    (void (*)(void *))fn, gp);
	/* Resumed.  Do not use mp: this may be another thread now. */
	gs__san_finish_switch(gp);
}

/*
 * Park the calling goroutine.  unlockf(gp, arg) runs on g0 after the switch, so
 * whatever lock protects the wait list can be released only once the stack is
 * no longer in use; if it returns false the goroutine resumes at once.
 *
 * Always inlined, with the switch to g0 (gs__mcall_g) in it: every function
 * between the goroutine's wait and the switch is one more return after it is
 * resumed, and those returns are all mispredicted (the CPU's return stack holds
 * the addresses of the code that ran on g0 in between).
 */
static inline __attribute__((always_inline)) void
gs__gopark(bool (*unlockf)(gs_g *, void *), void *arg, int reason)
{
	gs_m *mp = gs__getm();
	gs_g *gp = GS_LOAD(mp->curg);

	gp->parkunlock = unlockf;
	gp->parkarg = arg;
	atomic_store_explicit(&gp->waitreason, (uint8_t)reason, memory_order_relaxed);
	gs__mcall_g(mp, gp, gs__park_m, false);
}

#endif /* GS_INTERNAL_H */
