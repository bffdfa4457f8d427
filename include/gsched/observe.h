/*
 * gsched/observe.h - a window into the running scheduler for observers: the
 * visualizer, lessons, --batch, --record and the trace export.
 *
 * Two views, both read without stopping the world:
 *
 *  - a snapshot: every P, every M and the global figures at one moment
 *    (gs_snapshot_take).  Fields are read one after another while the
 *    scheduler runs, so two fields may be a few microseconds apart: a queue's
 *    length and its listed ids can disagree by the goroutines that moved in
 *    between, and a goroutine that moved between two Ps during the snapshot
 *    can appear on both or neither.  Totals by state come from one pass over
 *    all goroutines and count each exactly once.
 *  - events: what happened, in time order (gs_events_drain).  Each M writes
 *    its own lock-free ring; a full ring drops the event and counts it, it
 *    never blocks the scheduler.  Events are off until gs_events_enable(true);
 *    off, each event site costs one predicted branch.
 *
 * And, while an observer switches it on (gs_set_accounting), accounting:
 * each goroutine's, P's and M's time by state, read with the goroutine list
 * (gs_goroutines) and the snapshot.
 *
 * The caller owns every buffer.  Nothing here calls back into the caller.
 */
#ifndef GSCHED_OBSERVE_H
#define GSCHED_OBSERVE_H

#include <gsched.h>

#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* P states, as Go's _Pidle.._Pdead. */
enum gs_pstate {
	GS_PSTATE_IDLE = 0,
	GS_PSTATE_RUNNING,
	GS_PSTATE_SYSCALL,
	GS_PSTATE_GCSTOP,
	GS_PSTATE_DEAD
};

/* M states. */
enum gs_mstate_pub {
	GS_MSTATE_RUNNING = 0, /* running a goroutine on a P */
	GS_MSTATE_SPINNING,    /* holding a P, looking for work */
	GS_MSTATE_IDLE,        /* parked, reusable */
	GS_MSTATE_SCHED,       /* holding a P, in the scheduler */
	GS_MSTATE_SYSCALL,     /* in a system call (its P may be gone) */
	GS_MSTATE_NETPOLL,     /* no P; blocked in the netpoller */
	GS_MSTATE_SYSMON,      /* the sysmon thread */
	GS_MSTATE_DEAD
};

GS_EXTERN const char *gs_pstate_name(int state);
GS_EXTERN const char *gs_mstate_name(int state);

/* A goroutine as a snapshot lists it.  tag is gs_attr.tag from its spawn, 0
 * none: gsched's workloads put their kind's letter there, C CPU-bound, L a
 * call-free loop, S sleeping on a timer, B in a blocking system call, N
 * waiting on the network, H serving or sending HTTP, T waiting for plain
 * threads (a thread per task), W switching on purpose (ping-pong, Gosched);
 * the runtime gives it no meaning. */
/* The tags gsched's own workloads give (gs_attr.tag), which its observers
 * know; a program may use any byte. */
enum gs_tag {
	GS_TAG_NONE = 0,
	GS_TAG_CPU = 'C',     /* CPU-bound, preemptible */
	GS_TAG_LOOP = 'L',    /* a call-free loop no signal can preempt */
	GS_TAG_SLEEP = 'S',   /* sleeping on a timer (sleep, nap) */
	GS_TAG_SYSCALL = 'B', /* in a blocking system call */
	GS_TAG_NET = 'N',     /* waiting on the network (the netpoller) */
	GS_TAG_HTTP = 'H',    /* a web server's goroutines and its clients */
	GS_TAG_THREAD = 'T',  /* waiting for plain threads (a thread per task) */
	GS_TAG_SWITCH = 'W'   /* switching on purpose: channel ping-pong, Gosched */
};

typedef struct gs_snap_g {
	int64_t id; /* 0: none */
	char label[GS_LABEL_MAX];
	char tag;
} gs_snap_g;

typedef struct gs_snap_p {
	int id;
	int status;        /* enum gs_pstate */
	int64_t m;         /* id of the M holding it, -1 for none */
	gs_snap_g curg;    /* running goroutine (id 0: none) */
	int curg_status;   /* enum gs_gstatus of curg */
	uint64_t slice_ns; /* how long its current time slice has run (sysmon's
	                            view: 20 us to 10 ms resolution; 0 if unknown) */
	gs_snap_g runnext;
	uint32_t runq_len;    /* goroutines in the local queue (runnext not counted) */
	uint32_t runq_listed; /* how many of them are in runq[] (at most runq_max) */
	gs_snap_g *runq;      /* the first runq_listed, head first; points into the snapshot */
	uint32_t schedtick, syscalltick;
	int timers;
	int gfreecnt;         /* dead goroutines on its free list (Go's p.gFree.n) */
	uint64_t steals;      /* successful steals by this P */
	uint64_t stolen;      /* goroutines it took from others */
	uint64_t stolen_from; /* goroutines others took from it */
	uint64_t spawns, syscalls;
	/* Time running goroutines (its M running one), idle (on the idle list)
	 * and spinning (its M looking for work), while accounting is on (see
	 * gs_set_accounting; 0 while it is off).  The rest of its time is in
	 * the scheduler, handed between Ms, or held by an M in a system call. */
	uint64_t run_ns, idle_ns, spin_ns;
} gs_snap_p;

typedef struct gs_snap_m {
	int64_t id;
	int state;    /* enum gs_mstate_pub */
	int p;        /* P id, -1 for none */
	int64_t curg; /* goroutine id, 0 for none */
	bool spinning;
	uint64_t created_ns; /* gs_nanotime() when it was made */
	/* Time by state while accounting is on (gs_set_accounting): running a
	 * goroutine, spinning, idle (parked, or blocked in the netpoller without
	 * a P) and in a system call.  Time in the scheduler without spinning is
	 * in none of them. */
	uint64_t running_ns, spinning_ns, idle_ns, syscall_ns;
	/* CPU time its thread has had (the kernel's count, Linux), read only
	 * while sysmon finds its P's time slice used up and the goroutine has
	 * not yielded yet (accounting or not); 0 otherwise or if unknown.  It
	 * tells a goroutine that keeps running from one whose thread the OS
	 * did not run. */
	uint64_t cpu_ns;
	int64_t lockedg; /* goroutine wired to it (gs_lock_os_thread), 0 none */
} gs_snap_m;

typedef struct gs_snapshot {
	uint64_t time_ns; /* gs_nanotime() when the snapshot began */
	uint64_t take_ns; /* how long taking it took */
	gs_stats stats;   /* the whole-runtime figures (gsched.h) */
	int np;           /* Ps listed: GOMAXPROCS, at most max_p */
	gs_snap_p *p;
	int nm;         /* Ms listed, at most max_m */
	int nm_total;   /* Ms that exist (nm may be smaller) */
	int os_threads; /* threads of the whole process as the kernel counts them
	                   (Linux: Threads: of /proc/self/status): the Ms, and any
	                   thread the program made itself; 0 if unknown */
	gs_snap_m *m;
	/* The global run queue, copied in one moment under its lock: glob_len
	 * goroutines; glob[0 .. glob_head) are the first of them, head first;
	 * when it is longer than that, glob[glob_head .. glob_head + glob_tail)
	 * are its last glob_tail, oldest first (glob_head + glob_tail <=
	 * glob_len; the ones between are not listed).  At most runq_max each.
	 * stats.global_runq is glob_len, read in the same moment. */
	uint32_t glob_len, glob_head, glob_tail;
	gs_snap_g *glob; /* points into the snapshot; NULL when runq_max is 0 */
	/* capacities, fixed by gs_snapshot_new */
	int max_p, max_m, runq_max;
	gs_snap_g *runq_store;
	gs_snap_g *glob_store; /* 2 * runq_max */
} gs_snapshot;

/* A snapshot buffer for up to max_m Ms (0: 256) listing up to runq_max
 * queued goroutines per P (0..256), and up to runq_max at each end of the
 * global queue.  NULL if out of memory. */
GS_EXTERN gs_snapshot *gs_snapshot_new(int max_m, int runq_max);
GS_EXTERN void gs_snapshot_free(gs_snapshot *s);
/* Fill s.  0, or GS_ENOTRUN if the runtime is not running.  Any thread. */
GS_EXTERN int gs_snapshot_take(gs_snapshot *s);

/* ---- goroutines ------------------------------------------------------------ */

/* What a blocked goroutine waits for, by kind: the gs_waitreason values
 * grouped (gs_block_kind_of). */
enum gs_block_kind {
	GS_BLOCK_CHAN = 0,  /* a channel operation or select */
	GS_BLOCK_TIMER,     /* sleeping (gs_sleep) */
	GS_BLOCK_NET,       /* the netpoller: a file descriptor not ready */
	GS_BLOCK_MUTEX,     /* a gs_mutex, gs_rwmutex, gs_cond or gs_sema; gs_once */
	GS_BLOCK_WAITGROUP, /* a gs_wg_wait */
	GS_BLOCK_OTHER,     /* anything else (parked for ever, preempted by a stop) */
	GS_BLOCK_NKINDS
};

/* The enum gs_block_kind of a gs_waitreason, and a kind's name ("chan",
 * "timer", "net", "mutex", "waitgroup", "other"). */
GS_EXTERN int gs_block_kind_of(int waitreason);
GS_EXTERN const char *gs_block_kind_name(int kind);

/*
 * Per-goroutine, per-P and per-M accounting: how long each spent in each
 * state.  Off by default (and reset by gs_run), since it reads the clock at
 * every state change: a goroutine switch then costs two clock reads more.
 * While it is off the scheduler's paths pay one predicted branch each.
 *
 * Every figure counts from the moment accounting was last switched on; an
 * entity's state at that moment counts from its next change (a goroutine
 * running then has its current run counted from when it next stops, runs or
 * blocks).  Switching it on after it was off starts every figure from 0.  Figures are
 * exact: each is the sum of intervals measured as an end's gs_nanotime()
 * minus a start's, never a sample.  Any thread; 0, or GS_EINVAL never.
 */
GS_EXTERN int gs_set_accounting(bool on);
GS_EXTERN bool gs_accounting_enabled(void);

/* One live goroutine, as gs_goroutines lists it. */
typedef struct gs_snap_ginfo {
	int64_t id;
	int status;      /* enum gs_gstatus */
	int waitreason;  /* enum gs_waitreason while GS_G_WAITING, else 0 */
	int64_t m;       /* M running it (or in its system call), -1 for none */
	int64_t lockedm; /* M it is wired to (gs_lock_os_thread), 0 none (M0 is
	                    sysmon, which runs no goroutine) */
	char label[GS_LABEL_MAX];
	char tag; /* gs_attr.tag (see gs_snap_g) */

	/* Accounting (gs_set_accounting), all 0 while it is off.  Times are in
	 * ns and include the state it is in now, up to the moment it was read
	 * (each goroutine's figures are read together, consistent with each
	 * other; a state in progress is counted to the reader's clock, so a read
	 * just before it ends may count a few ns more than the next one). */
	uint64_t run_ns;                      /* time running, the current run so far included */
	uint64_t runs;                        /* times it started running (its GS_EV_RUN events) */
	uint64_t latency_ns;                  /* time runnable before running (scheduling latency),
	                            summed over its runs */
	uint64_t latency_max_ns;              /* the longest such wait; a wait still in progress
	                            counts in neither until it ends in a run */
	uint64_t syscall_ns;                  /* time in system calls (gs_entersyscall..exit),
	                            the current one so far included */
	uint64_t blocked_ns[GS_BLOCK_NKINDS]; /* time waiting, by enum gs_block_kind,
	                                         the current wait so far included */
	int lastp;                            /* the P it last ran on, -1 none seen */
	uint64_t moves;                       /* times it started running, or came back from a
	                            system call, on a P other than lastp: stolen by
	                            another P, taken from the global queue by one,
	                            or readied onto one */
	uint64_t created_ns;                  /* gs_nanotime() at its spawn; 0 if accounting was
	                            off then */
	/* Its stack: size (0 before it first runs and gets one, whether or not
	 * accounting is on), and the deepest its stack pointer was seen at its
	 * switches (stack top minus the lowest stack pointer at a switch; a
	 * deeper excursion between two switches is not seen). */
	size_t stack_size;
	size_t stack_used_max;
} gs_snap_ginfo;

/*
 * List the live (not dead) goroutines, newest first, into buf (up to max).
 * Returns how many live goroutines there are (which may exceed max: only the
 * first max are written), or GS_ENOTRUN / GS_EINVAL.  Read without stopping
 * the world, so a goroutine's fields are each a moment's value.  Any thread.
 */
GS_EXTERN int gs_goroutines(gs_snap_ginfo *buf, int max);

/*
 * Stop the world for an observer: every P stops at its next scheduling point
 * (goroutines in call-free loops are preempted as for a GOMAXPROCS change),
 * no goroutine runs until gs_start_world.  Goroutines already in system calls
 * finish them and then wait.  Snapshots and event drains keep working.  Call
 * from a thread that is not running a goroutine (GS_EINVAL otherwise); one
 * stop at a time (GS_EBUSY if already stopped).  0 on success; GS_ENOTRUN if
 * the runtime is not running or main returns before the world has stopped.
 */
GS_EXTERN int gs_stop_world(void);
/* Restart a world gs_stop_world stopped.  0, or GS_EINVAL if it is not stopped. */
GS_EXTERN int gs_start_world(void);
/* Whether an observer has the world stopped. */
GS_EXTERN bool gs_world_stopped(void);

/*
 * Go's GODEBUG=schedtrace output for a snapshot, exactly as Go 1.22's
 * runtime/proc.go schedtrace prints it, field for field: the SCHED line with
 * the per-P queue lengths, or with detailed the SCHED line's stop-the-world
 * fields, a P line per P, an M line per M and a G line per goroutine of
 * gl[0..ng) (gl may be NULL; newest first, as gs_goroutines lists them, and
 * printed oldest first, as Go walks allgs).  The one printer of that format: the runtime's
 * GSCHED_DEBUG=schedtrace and gsched --batch both print through it.
 *
 * *starttime is Go's starttime, the time of the first line: 0 before it (the
 * call sets it to s->time_ns), so the first line says "SCHED 0ms" as in Go.
 * threads= counts every thread of the runtime as Go's mcount() does: the Ms
 * and the thread waiting in gs_run, which is Go's main thread, m0.
 */
GS_EXTERN void gs_schedtrace_print(FILE *f, const gs_snapshot *s, uint64_t *starttime,
    const gs_snap_ginfo *gl, int ng, bool detailed);

/* ---- events ---------------------------------------------------------------- */

enum gs_event_kind {
	GS_EV_NONE = 0,
	GS_EV_SPAWN,         /* g spawned on p (arg: parent goroutine) */
	GS_EV_RUN,           /* g starts running on p, m */
	GS_EV_STOP,          /* g stops running on p, m (arg: its new gs_gstatus) */
	GS_EV_EXIT,          /* g finished */
	GS_EV_PARK,          /* g parked (arg: gs_waitreason) */
	GS_EV_READY,         /* g made runnable on p (by the running goroutine) */
	GS_EV_STEAL,         /* p stole arg goroutines from p2 (on m); g: the one p
	                        runs at once (the last taken); m2: 1 when it was
	                        p2's runnext (its ring was empty), else 0 */
	GS_EV_HANDOFF,       /* p handed from m to m2 (m2 -1: to the idle list) */
	GS_EV_RETAKE,        /* sysmon took p from m (in a syscall) */
	GS_EV_M_CREATE,      /* m created (for p) */
	GS_EV_M_PARK,        /* m parked */
	GS_EV_M_WAKE,        /* m woken (with p) */
	GS_EV_SYSCALL_ENTER, /* g on m entered a system call, leaving p */
	GS_EV_SYSCALL_EXIT,  /* g on m returned (p: the P it got, -1 none) */
	GS_EV_PREEMPT,       /* g on p preempted (arg: 1 async, 0 cooperative) */
	GS_EV_NETPOLL_WAKE,  /* arg goroutines woken by the netpoller */
	GS_EV_TIMER_FIRE,    /* a timer fired on p */
	GS_EV_PROCRESIZE,    /* GOMAXPROCS from p2 to p (arg: stop-the-world ns) */
	GS_EV_GLOBAL_PUT,    /* arg goroutines put on the global queue by p (m2: why,
	                         enum gs_global_put_reason; g: the goroutine of a
	                         yield, else 0) */
	GS_EV_GLOBAL_GET,    /* p took arg goroutines from the global queue (also a
	                        yield's own take of its head); g: the one it runs
	                        at once (the first taken); m2: 1 when this was the
	                        1-in-61 fairness check, else 0 */
	GS_EV_MOVE,          /* g moved, one of a batch, from queue p2 to queue p
	                        (-1: the global queue); arg: enum gs_move_reason */
	GS_EV_NKINDS
};

/*
 * Why a goroutine moved between queues (GS_EV_MOVE's arg).  Each batch event
 * (GS_EV_STEAL, GS_EV_GLOBAL_PUT with GS_GPUT_OVERFLOW or GS_GPUT_INJECT,
 * GS_EV_GLOBAL_GET) is followed on its M's ring by its arg GS_EV_MOVE events,
 * one per goroutine, in queue order, with the batch event's m and m2 -1.
 * Both are written before any other M can take the goroutines, so a
 * goroutine's move comes before whatever happens to it next; other Ms'
 * events may come between them in a drain.  A full ring drops events as
 * ever (the drain's dropped count).
 */
enum gs_move_reason {
	GS_MOVE_STEAL = 0,      /* taken by a steal from P p2 into P p (the last one
	                           of the batch the thief runs at once) */
	GS_MOVE_OVERFLOW = 1,   /* P p2's local queue was full: to the global queue */
	GS_MOVE_GLOBAL_GET = 2, /* taken from the global queue by P p (the first
	                           one runs at once) */
	GS_MOVE_INJECT = 3      /* woken by the netpoller or a timer into the
	                           global queue (Go's injectglist); p2 -1: it was
	                           waiting, on no queue */
};

/* Why goroutines went to the global queue (GS_EV_GLOBAL_PUT's m2). */
enum gs_global_put_reason {
	GS_GPUT_OVERFLOW = 0, /* the P's local queue was full: half of it moved */
	GS_GPUT_YIELD = 1,    /* gs_yield or a preemption (as Go's Gosched) */
	GS_GPUT_INJECT = 2    /* woken by the netpoller or a timer with idle Ps or
	                         no P at hand (Go's injectglist) */
};

typedef struct gs_event {
	uint64_t time_ns; /* gs_nanotime() */
	uint16_t kind;    /* enum gs_event_kind */
	int16_t p;        /* P id or -1 */
	int16_t p2;       /* second P id or -1 */
	int64_t m;        /* M id or -1 */
	int64_t m2;
	int64_t g; /* goroutine id or 0 */
	int64_t arg;
	char label[GS_LABEL_MAX]; /* GS_EV_SPAWN: the new goroutine's label; else empty */
} gs_event;

GS_EXTERN const char *gs_event_name(int kind);

/* Turn event recording on or off (off by default; reset by gs_run). */
GS_EXTERN void gs_events_enable(bool on);
GS_EXTERN bool gs_events_enabled(void);
/*
 * Move up to max recorded events into buf, oldest first, merged across Ms in
 * time order.  Returns how many; *dropped (if not NULL) gets the number of
 * events lost to full rings since the last drain.  One drainer at a time
 * (calls are serialised internally).  Any thread.
 */
GS_EXTERN int gs_events_drain(gs_event *buf, int max, uint64_t *dropped);

#ifdef __cplusplus
}
#endif
#endif /* GSCHED_OBSERVE_H */
