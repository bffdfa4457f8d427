/*
 * gsched.h - the public runtime API of libgsched, an M:N scheduler built the way
 * Go's runtime is: goroutines (G) run on OS threads (M) that must hold a processor
 * (P); each P has a 256-slot local run queue, idle Ps steal, and GOMAXPROCS Ps exist.
 *
 * Conventions (libuv style): every call that can fail returns 0 (or a non-negative
 * value) on success and a negative GS_E* code on failure; gs_strerror() names it.
 * errno is never part of the API: a goroutine may move between threads, and errno
 * is per thread.
 *
 * All calls marked "goroutine only" must be made from code running as a goroutine
 * (inside gs_run()).  The rest may be called from any thread.
 */
#ifndef GSCHED_H
#define GSCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(GSCHED_BUILDING) && defined(__GNUC__)
#define GS_EXTERN __attribute__((visibility("default")))
#else
#define GS_EXTERN
#endif

/* Error codes: always negative; 0 means success. */
enum {
	GS_EINVAL = -22,    /* bad argument */
	GS_ENOMEM = -12,    /* out of memory or memory mappings */
	GS_EAGAIN = -11,    /* resource temporarily unavailable (thread creation) */
	GS_EBUSY = -16,     /* the runtime is already running */
	GS_ENOTRUN = -3,    /* called outside a running runtime / not from a goroutine */
	GS_ECLOSED = -32,   /* operation on a closed channel */
	GS_ERANGE = -34,    /* value out of range */
	GS_EPERM = -1,      /* not allowed (e.g. unlocking an unlocked mutex) */
	GS_EBADF = -9,      /* descriptor not registered with gs_fd_open, or closed */
	GS_ETIMEDOUT = -110 /* a deadline or timeout passed */
};
/* Calls that wrap system calls return -errno for the system's own errors, so
 * any negative value is an error; gs_strerror names those too. */

/* A short, static description of a GS_E* code (or of 0). */
GS_EXTERN const char *gs_strerror(int err);

/* ---- Runtime lifetime --------------------------------------------------- */

typedef struct gs_config {
	int procs;         /* GOMAXPROCS; 0 = default (env GOMAXPROCS, else CPUs) */
	size_t stack_size; /* default goroutine stack size; 0 = 16 KiB (gs_attr) */
	int max_threads;   /* thread limit; 0 = 10000 */
} gs_config;

/*
 * Start the runtime, run main_fn(arg) as the first goroutine (the main
 * goroutine), and return when main_fn returns, as a Go program ends when main
 * returns.  The calling thread only waits; goroutines run on the runtime's own
 * threads.  cfg may be NULL.  The runtime can be started again after gs_run
 * returns.
 *
 * Returns 0 once main_fn has returned, or a negative code if the runtime could
 * not start (then no goroutine ran).  It may also never return, as a Go
 * program's main may never end:
 *  - main_fn returns: the other goroutines still parked or runnable are
 *    discarded (their stacks freed, nothing of theirs runs again).  Before
 *    returning gs_run waits for every thread to reach the scheduler, so a
 *    goroutine still inside a system call that never returns, or spinning
 *    outside any preemptible region, delays it.
 *  - the main goroutine calls gs_exit (Go's runtime.Goexit in main): only main
 *    ends; gs_run does not return and the other goroutines run on.  When none
 *    is left the program ends with "fatal error: no goroutines (main called
 *    runtime.Goexit) - deadlock!"; when the rest are all blocked for good,
 *    with the deadlock error below.
 *  - every goroutine is blocked with no timer, I/O or system call pending:
 *    the program ends as Go's does, "fatal error: all goroutines are asleep -
 *    deadlock!".
 * Those fatal errors exit with gs_set_fatal_status's status (2 by default),
 * after the gs_set_fatal_hook hook.
 */
GS_EXTERN int gs_run(void (*main_fn)(void *arg), void *arg, const gs_config *cfg);

/* True while called from a goroutine of a running runtime. */
GS_EXTERN bool gs_in_goroutine(void);

/* ---- Slow motion ----------------------------------------------------------- */

#define GS_TIMESCALE_MAX 1000

/*
 * Run the scheduler n times slower, to watch it (n = 1..GS_TIMESCALE_MAX;
 * GSCHED_DEBUG=timescale=n does the same from the environment).  Every time
 * constant of the runtime is multiplied by n: sysmon's tick (20 us backing
 * off to 10 ms), the 10 ms time slice after which a goroutine is preempted,
 * the tick a system call may last before sysmon hands its P to another
 * thread, the netpoll and overdue-timer watchdogs, the stop-the-world retry
 * and the pause before stealing a P's runnext.
 *
 * Durations a program asks for (gs_sleep, timers, timeouts, deadlines,
 * gs_nanosleep) are its own and are not stretched, nor is the CPU time its
 * goroutines take.  A program that wants the same scheduling decisions in
 * slow motion stretches those by gs_timescale() itself, as gsched's workloads
 * do: a CPU-bound goroutine does n times the work per step, a sleeper sleeps
 * n times longer.  Then the steals, hand-offs and preemptions are the ones of
 * full speed, n times slower.
 *
 * Before gs_run only: it holds for every later gs_run of the process and
 * overrides GSCHED_DEBUG=timescale; 0 goes back to that (else 1).  Returns 0,
 * GS_ERANGE for n outside 0..GS_TIMESCALE_MAX, or GS_EBUSY while the runtime
 * runs (the scale is fixed for a run).
 */
GS_EXTERN int gs_set_timescale(int n);

/* The time scale in effect (>= 1): while the runtime runs, the one it started
 * with; otherwise the one gs_set_timescale set, else 1 (GSCHED_DEBUG is read
 * when gs_run starts).  Any thread. */
GS_EXTERN int gs_timescale(void);

/*
 * A function the runtime calls just before a fatal error ends the process
 * (the runtime's fatal errors: thread exhaustion, no memory for a stack, all
 * goroutines asleep; a stack overflow; an internal throw), before it prints
 * the error: a front end that changed the terminal restores it there, so the
 * message is read on a sane terminal.  It may run on any thread, with
 * runtime locks held, inside a signal handler: it must be async-signal-safe
 * and must not call gsched.  It runs at most once.  NULL removes it.  Any
 * thread; returns the previous hook.
 */
typedef void (*gs_fatal_hook)(void);
GS_EXTERN gs_fatal_hook gs_set_fatal_hook(gs_fatal_hook fn);

/*
 * The exit status of the runtime's fatal errors that exit (Go's fatal):
 * thread exhaustion (more than max_threads, or a thread that cannot be
 * created), no memory for a stack, a P, a run queue or a timer heap, all
 * goroutines asleep, and no goroutine left after main's gs_exit.  It is 2
 * unless set, as a Go program's; a program whose own exit statuses give 2
 * another meaning sets its own (gsched sets 1, "the runtime failed": 2 is
 * its usage errors').  The errors that abort
 * instead (a goroutine's stack overflow, an impossible state: Go's throw)
 * end the process with SIGABRT, status 134 in a shell; a SIGSEGV that is not
 * a stack overflow is the program's.  status is 1..125 (126 and above mean
 * other things to a shell); returns the previous one, or GS_ERANGE and
 * nothing changes.  Any thread.
 */
#define GS_FATAL_STATUS 2
GS_EXTERN int gs_set_fatal_status(int status);

/*
 * The most goroutines that may be alive at once, or 0 for no limit but
 * memory.  Every goroutine stack has a guard page below it.  Linux 6.13 and
 * later make it a page-table marker that costs no kernel mapping; on older
 * kernels (or with GSCHED_DEBUG=stackmprotect=1) each guard is a mapping of its
 * own, and a quarter of vm.max_map_count is the limit: gs_go past it returns
 * GS_ENOMEM.  While the runtime runs, the limit it applies; otherwise the one
 * gs_run would apply now.  Any thread.
 */
GS_EXTERN long gs_goroutine_limit(void);

/* ---- Goroutines --------------------------------------------------------- */

#define GS_LABEL_MAX 16 /* label bytes kept, including the terminating NUL */

typedef struct gs_attr {
	const char *label; /* short name shown by observers; copied; may be NULL */
	size_t stack_size; /* 0 = runtime default (16 KiB, gs_config.stack_size);
	                        rounded up to a power of two between 2 KiB and
	                        8 MiB, then to whole pages.  A stack never grows:
	                        a goroutine that recurses deeply, keeps large
	                        local arrays or calls deep library code
	                        (getaddrinfo with DNS) asks for more here.  Every
	                        stack has a guard page below it: an overflow aborts
	                        naming the goroutine (README, notes for programs).
	                        Sizes of 4 KiB and less are small stacks: such goroutines
	                        must call nothing stack-hungry (stdio), and programs
	                        using them must link with -Wl,-z,now (gsched.pc says
	                        so): lazy symbol binding runs on the caller's stack
	                        and needs more than 2 KiB on CPUs with AVX-512. */
	char tag;          /* one byte observers show beside the label, kept apart
	                      from it (gsched's workloads put the letter of their
	                      kind: 'C' CPU-bound, 'S' sleeping...; see
	                      gsched/observe.h); 0 none.  The runtime only copies it. */
} gs_attr;

/*
 * Start fn(arg) as a new goroutine (Go's `go` statement).  It goes into the
 * spawning P's runnext slot, so it tends to run soon on the same P.  Returns the
 * new goroutine's id (> 0) or a negative code.  Goroutine only.
 */
GS_EXTERN int64_t gs_go(void (*fn)(void *arg), void *arg);
GS_EXTERN int64_t gs_go_attr(void (*fn)(void *arg), void *arg, const gs_attr *attr);

/* Yield the processor (Go's runtime.Gosched): the caller goes to the global run
 * queue and runs again later.  Goroutine only. */
GS_EXTERN void gs_yield(void);

/* End the calling goroutine now (Go's runtime.Goexit).  From the main
 * goroutine it ends only main, not the program: see gs_run.  Goroutine only. */
GS_EXTERN void gs_exit(void) __attribute__((noreturn));

/*
 * Wire the calling goroutine to the thread it runs on (Go's
 * runtime.LockOSThread): until as many gs_unlock_os_thread calls, it runs
 * only on this thread, and the thread runs no other goroutine.  For code
 * that keeps state in its thread: thread-local storage, a thread's signal
 * mask, scheduling priority, namespace or credentials, libraries that must
 * be called from one thread.  Calls nest (a count, as Go's since 1.10).
 * While the goroutine blocks (a channel, a sleep, the netpoller, gs_yield),
 * the thread sleeps and gives its P to others; when the goroutine is
 * runnable again, the M that finds it hands its P to this thread.  Each such
 * switch costs a thread wake-up, not a goroutine switch.
 *
 * A goroutine that ends while locked takes the thread with it: the thread
 * exits instead of returning to the pool, as in Go (so a thread whose state
 * the goroutine changed is never reused).  Returns 0, GS_ENOTRUN outside a
 * goroutine, GS_ERANGE when the count would overflow (Go throws).
 * Goroutine only.
 */
GS_EXTERN int gs_lock_os_thread(void);
/* Undo one gs_lock_os_thread; at zero the goroutine may move again.  Without
 * a matching lock it does nothing, as in Go.  Returns 0, or GS_ENOTRUN
 * outside a goroutine. */
GS_EXTERN int gs_unlock_os_thread(void);

/* The calling goroutine's id (> 0), or GS_ENOTRUN outside a goroutine. */
GS_EXTERN int64_t gs_self(void);

/* Number of goroutines that exist (not dead), like runtime.NumGoroutine. */
GS_EXTERN int gs_numgoroutine(void);

/* Current GOMAXPROCS (number of Ps), or GS_ENOTRUN if the runtime is not running. */
GS_EXTERN int gs_gomaxprocs(void);

/*
 * Change GOMAXPROCS (1..256) while goroutines run, like runtime.GOMAXPROCS(n):
 * stops the world (every other running goroutine is asked to yield; Ps in
 * system calls and idle Ps are taken at once), moves the run queues and timers
 * of removed Ps to the global queue and P0, and restarts.  Callable from a
 * goroutine or from any other thread while the runtime runs.  A calling
 * goroutine keeps its P and carries on, as in Go.  Returns the previous value,
 * GS_ERANGE, or GS_ENOTRUN (also when main returns during the change: the
 * program is ending and the change is given up).  As in Go, a setting (even
 * to the current value) ends the runtime's own updates of GOMAXPROCS from the
 * cgroup limit and the affinity mask (gs_cgroup_cpu_limit).
 */
GS_EXTERN int gs_set_gomaxprocs(int n);

/* Number of CPUs this process may run on (the affinity mask). */
GS_EXTERN int gs_numcpu(void);

/* Physical cores among those CPUs: distinct (physical_package_id, core_id)
 * pairs in /sys/devices/system/cpu/cpuN/topology; 0 if the topology cannot
 * be read.  Hyper-threads of one core count once.  Any thread; reads sysfs
 * each call. */
GS_EXTERN int gs_numcores(void);

/*
 * The CPU limit of this process's cgroup, as Go 1.25 reads it for its default
 * GOMAXPROCS: the cgroup is the v1 hierarchy with the cpu controller if there
 * is one, else the v2 one, found through /proc/self/cgroup and the mount
 * point in /proc/self/mountinfo; the limit is that cgroup's own (not its
 * parents'): v2 cpu.max "QUOTA PERIOD", v1 cpu.cfs_quota_us over
 * cpu.cfs_period_us, in CPUs (1.5 for 150000 per 100000 us).  Returns 1 and
 * *limit, 0 when there is no limit (no CPU cgroup, "max", a v1 quota of -1),
 * GS_EINVAL when limit is NULL or the files are malformed (the runtime then
 * takes no limit, as Go does).  Reads the files on each call, from any thread,
 * with or without a running runtime.
 *
 * The default GOMAXPROCS (no GOMAXPROCS variable, gs_config.procs 0) is the
 * CPUs in the affinity mask, lowered to this limit rounded up but not below 2;
 * while the runtime runs, sysmon reads both again every second and changes
 * GOMAXPROCS when they give another value, until GOMAXPROCS is set
 * (GOMAXPROCS variable, gs_config.procs or gs_set_gomaxprocs).
 * GSCHED_DEBUG=containermaxprocs=0 ignores the limit and updatemaxprocs=0
 * stops the updates, as Go's GODEBUG settings of those names do.
 * GSCHED_CGROUP_ROOT=DIR reads DIR/proc/self/cgroup, DIR/proc/self/mountinfo
 * and the cgroup's files under DIR instead (for tests).
 */
GS_EXTERN int gs_cgroup_cpu_limit(double *limit);

typedef struct gs_chan gs_chan;

/* ---- Time (Go's time.Sleep, time.Timer) ---------------------------------- */

/* Monotonic nanoseconds (CLOCK_MONOTONIC). */
GS_EXTERN int64_t gs_nanotime(void);

/*
 * Durations, as Go's time package takes them: a duration of 0 or less is due
 * at once; one that would end past the clock's range (INT64_MAX, or any ns
 * whose sum with gs_nanotime() overflows) is due at the latest time there is,
 * that is never (Go's maxWhen).  That holds for gs_sleep, the timers below and
 * their re-arming, and gs_fd_wait's timeout.
 */

/* Park the calling goroutine for ns nanoseconds on its P's timer heap: no
 * thread sleeps.  ns <= 0 yields (returns at once, after letting others run).
 * Returns 0, or GS_ENOTRUN outside a goroutine. */
GS_EXTERN int gs_sleep(int64_t ns);

/* A timer whose channel (capacity 1, elements int64_t: the nanotime it fired)
 * receives once after ns (Go's time.NewTimer; ns <= 0 fires at once), or, for
 * a ticker, first after ns and then every period ns (a tick nobody took is
 * dropped, as Go's); usable in gs_select.  NULL outside a goroutine or out of
 * memory; gs_ticker_new also returns NULL for a period <= 0, where Go's
 * time.NewTicker panics (a ticker that fires without pause). */
typedef struct gs_timer gs_timer;
GS_EXTERN gs_timer *gs_timer_new(int64_t ns);
GS_EXTERN gs_timer *gs_ticker_new(int64_t ns, int64_t period);
GS_EXTERN gs_chan *gs_timer_chan(gs_timer *t);
/* Stop it; true if it was still pending. */
GS_EXTERN bool gs_timer_stop(gs_timer *t);
/* Re-arm to fire ns from now (ns <= 0: at once); 1 if it was pending, 0 if
 * not; GS_EINVAL for NULL, GS_ENOTRUN outside a goroutine. */
GS_EXTERN int gs_timer_reset(gs_timer *t, int64_t ns);
/* Stop and free the timer and its channel (nobody may use the channel after). */
GS_EXTERN void gs_timer_free(gs_timer *t);
/*
 * Go's time.AfterFunc: after ns, fn(arg) runs in a goroutine of its own (one
 * per firing; a gs_timer_reset after it fired arms it again).  The timer has
 * no channel (gs_timer_chan gives NULL).  gs_timer_stop returns true if it
 * stopped the timer before it fired, and then fn does not run; false if it
 * had fired (fn's goroutine was started: stop does not wait for it) or was
 * stopped already.  gs_timer_free stops it; a goroutine already started runs
 * on.  NULL outside a goroutine, for a NULL fn or on bad arguments.
 * Goroutine only.
 */
GS_EXTERN gs_timer *gs_after_func(int64_t ns, void (*fn)(void *arg), void *arg);

/* ---- Network I/O through the netpoller ---------------------------------- */

/*
 * A goroutine that waits on a registered descriptor parks in the netpoller
 * (epoll): its thread runs other goroutines meanwhile.  Register a descriptor
 * with gs_fd_open (it becomes non-blocking: one system call for a descriptor
 * created so, SOCK_NONBLOCK or O_NONBLOCK, two otherwise); gs_fd_close wakes its
 * waiters with GS_EBADF and closes it.  Reads, writes and accepts try the call
 * first and park only on EAGAIN.  All goroutine only.
 */
enum { GS_POLLIN = 1, GS_POLLOUT = 4 };
GS_EXTERN int gs_fd_open(int fd);
GS_EXTERN int gs_fd_close(int fd);
/* Wait until fd is readable (GS_POLLIN) or writable (GS_POLLOUT): 0, or
 * GS_ETIMEDOUT after timeout_ns (< 0: no timeout, 0: just look; a timeout past
 * the clock's range never passes). */
GS_EXTERN int gs_fd_wait(int fd, int events, int64_t timeout_ns);
/* An absolute deadline (gs_nanotime() clock; 0 clears) for reads and/or writes:
 * waits past it fail with GS_ETIMEDOUT, as Go's SetDeadline. */
GS_EXTERN int gs_fd_set_deadline(int fd, int events, int64_t deadline);
/* Like read/write/accept/connect, parking instead of blocking.  gs_fd_write
 * writes everything unless an error comes first; to a socket whose peer has
 * gone it fails with -EPIPE, as in Go, without SIGPIPE (to a pipe it is
 * write(2): SIGPIPE unless the program ignores it).  gs_fd_accept registers
 * the new descriptor.  Errors: -errno, GS_EBADF, GS_ETIMEDOUT. */
GS_EXTERN ssize_t gs_fd_read(int fd, void *buf, size_t n);
GS_EXTERN ssize_t gs_fd_write(int fd, const void *buf, size_t n);
GS_EXTERN int gs_fd_accept(int fd, struct sockaddr *addr, socklen_t *addrlen);
GS_EXTERN int gs_fd_connect(int fd, const struct sockaddr *addr, socklen_t addrlen);

/* ---- Blocking system calls (Go's entersyscall/exitsyscall) -------------- */

/*
 * Around a call that may block in the kernel: the P is detached while it runs,
 * and if it takes longer than a sysmon tick (20 us or more) sysmon hands the P
 * to another thread, so other goroutines go on.  On return the goroutine gets
 * its P back, or another idle one, or waits in the global queue.  The
 * goroutine keeps its thread for the whole call.  Goroutine only; outside one
 * they do nothing.  Between the two, call no other gsched function.
 */
GS_EXTERN void gs_entersyscall(void);
GS_EXTERN void gs_exitsyscall(void);
/* For calls known to block: hand the P off at once. */
GS_EXTERN void gs_entersyscallblock(void);
/* fn(arg) between enter and exit; returns what fn returned. */
GS_EXTERN long gs_syscall(long (*fn)(void *arg), void *arg);
GS_EXTERN long gs_syscall_block(long (*fn)(void *arg), void *arg);
/* Ready-made: the real system call, wrapped.  0 or bytes, else -errno. */
GS_EXTERN int gs_nanosleep(int64_t ns);
GS_EXTERN ssize_t gs_sys_read(int fd, void *buf, size_t n);
GS_EXTERN ssize_t gs_sys_write(int fd, const void *buf, size_t n);
GS_EXTERN ssize_t gs_sys_pread(int fd, void *buf, size_t n, off_t off);
GS_EXTERN int gs_sys_fsync(int fd);

/* ---- Preemption ------------------------------------------------------------ */

/* The time slice: sysmon asks a goroutine that ran this long to yield (Go's
 * forcePreemptNS); in slow motion (gs_timescale) n times longer. */
#define GS_TIME_SLICE_NS (10 * 1000 * 1000)

/*
 * sysmon asks a goroutine that ran 10 ms without a scheduling point to yield.
 * It notices at any gsched call or at gs_preempt_check.  Inside a region
 * between gs_preemptible_begin and gs_preemptible_end it is also preempted
 * asynchronously, by a signal (SIGURG, as Go uses), even in a loop with no
 * calls; such a region must call no library or gsched function (pure
 * computation).  GSCHED_DEBUG=asyncpreemptoff=1 turns the signal off.  On
 * x86-64 a goroutine whose stack is too small to take the signal's save (4 KiB
 * and less) gets a buffer for it (about 2.6 KiB) at its first
 * gs_preemptible_begin; on aarch64 one on a stack of 8 KiB or less is
 * preempted cooperatively only.
 */
GS_EXTERN void gs_preempt_check(void);
/* Turn the signal off (off != 0) or on again for the rest of the run, as
 * GSCHED_DEBUG=asyncpreemptoff=1 does from the start: then only the
 * cooperative checks preempt.  Returns the old setting (0 or 1), or
 * GS_ENOTRUN when no runtime runs.  Any thread. */
GS_EXTERN int gs_set_asyncpreemptoff(int off);
GS_EXTERN void gs_preemptible_begin(void);
GS_EXTERN void gs_preemptible_end(void);

/* ---- Channels (Go's chan) ----------------------------------------------- */

/*
 * RETURN VALUES DIFFER BETWEEN THESE CALLS.  READ THIS TABLE.
 *
 *   call             success             other outcome                errors (all < 0)
 *   gs_chan_send     0 (sent)            -                            ECLOSED EINVAL ENOTRUN
 *   gs_chan_recv     1 (value in elem)   0: closed and drained        EINVAL ENOTRUN
 *   gs_chan_trysend  1 (sent)            0: would block               ECLOSED EINVAL ENOTRUN
 *   gs_chan_tryrecv  1 (value in elem)   0: would block               ECLOSED (closed and
 *                                                                     drained) EINVAL ENOTRUN
 *   gs_chan_close    0                   -                            ECLOSED EINVAL
 *   gs_select        index of the case   -1: has_default, none ready  EINVAL ENOTRUN
 *   (the errors are the GS_E* codes: GS_ECLOSED, GS_EINVAL, GS_ENOTRUN)
 *
 * So: every error is negative; test `< 0` for errors everywhere.  But
 * gs_chan_send returns 0 when it sent, while gs_chan_recv returns 1 when it
 * received: `if (gs_chan_recv(c, &v) == 0)` is the closed channel, not
 * success, and `while (gs_chan_recv(c, &v) > 0)` is Go's `for v := range c`.
 *
 * Why not uniform: gs_chan_send keeps the convention of the whole API (0 or
 * a negative code), and gs_chan_recv must also say "closed and drained",
 * which is no error (it is how Go's range loop ends: v, ok with ok false), so
 * it needs a third, non-negative answer.  Changing either now would turn
 * every existing caller's check into its opposite without a compiler
 * warning: `if (gs_chan_send(...) != 0)` error handling (over 30 calls in
 * this tree alone) would fire on every successful send, or `== 1` receive
 * loops would stop at the first value.  The try forms answer "did it
 * happen" (1 or 0) and report a closed channel as an error, since a caller
 * polling in a loop must stop there.
 */

/* A channel of elements of elem_size bytes (0 allowed) with capacity cap
 * (0 = unbuffered).  Returns NULL if out of memory or elem_size > 64 KiB. */
GS_EXTERN gs_chan *gs_chan_make(size_t elem_size, size_t cap);
/* Free a channel no goroutine uses any more. */
GS_EXTERN void gs_chan_free(gs_chan *c);

/* Send *elem (copied).  Blocks until received or buffered.
 * RETURNS 0 WHEN SENT (not 1: see the table above), GS_ECLOSED if the channel
 * is (or becomes, while blocked) closed, GS_EINVAL for a NULL channel,
 * GS_ENOTRUN outside a goroutine. */
GS_EXTERN int gs_chan_send(gs_chan *c, const void *elem);
/* Receive into elem (may be NULL to discard).  Blocks until a value comes or
 * the channel is closed and drained.
 * RETURNS 1 WITH A VALUE (not 0: see the table above), 0 when the channel is
 * closed and drained (elem zeroed; Go's ok == false), GS_EINVAL for NULL,
 * GS_ENOTRUN outside a goroutine. */
GS_EXTERN int gs_chan_recv(gs_chan *c, void *elem);
/* Non-blocking forms (Go's select with a default case).  RETURN 1 WHEN DONE,
 * 0 if it would block; GS_ECLOSED: trysend on a closed channel, tryrecv on a
 * closed and drained one (where gs_chan_recv returns 0); GS_EINVAL for NULL,
 * GS_ENOTRUN outside a goroutine. */
GS_EXTERN int gs_chan_trysend(gs_chan *c, const void *elem);
GS_EXTERN int gs_chan_tryrecv(gs_chan *c, void *elem);
/* Close: wakes every blocked receiver (they get 0) and sender (GS_ECLOSED).
 * Returns 0, GS_ECLOSED if already closed (Go panics), GS_EINVAL for NULL. */
GS_EXTERN int gs_chan_close(gs_chan *c);
/* Values buffered now, and the capacity; 0 for NULL. */
GS_EXTERN size_t gs_chan_len(gs_chan *c);
GS_EXTERN size_t gs_chan_cap(gs_chan *c);

enum gs_select_dir { GS_SELECT_RECV = 1, GS_SELECT_SEND = 2 };

typedef struct gs_select_case {
	gs_chan *chan; /* NULL: the case is never ready (as a nil chan in Go) */
	enum gs_select_dir dir;
	void *elem; /* send: value to send; recv: where to store (or NULL) */
	bool ok;    /* out, recv: true if a value was received, false if closed */
} gs_select_case;

/*
 * Go's select: wait until one of the n cases can proceed and do it, choosing
 * uniformly at random among the ready ones.  With has_default, return -1 at once
 * if none is ready.  Returns the index of the case done (>= 0), -1 for the
 * default, GS_EINVAL for n outside 0..64, NULL cases with n > 0 or a bad dir, or
 * GS_ENOTRUN outside a goroutine; a send case on a closed
 * channel returns its index with GS_ECLOSED stored in *send_err if send_err is not
 * NULL (Go would panic).  n may be 0 (blocks forever unless has_default).
 * At most 64 cases.  Goroutine only.
 */
GS_EXTERN int gs_select(gs_select_case *cases, int n, bool has_default, int *send_err);

/* ---- Synchronization (Go's sync) ---------------------------------------- */

/*
 * Zero-initialized gs_mutex and gs_waitgroup values are valid (unlocked, counter 0),
 * as in Go, so they can live in static storage or inside other structs.  Their
 * storage is opaque: only the functions below touch it.  Neither may be copied
 * once in use.
 */
typedef struct gs_mutex {
	uint64_t opaque_[4];
} gs_mutex;

#define GS_MUTEX_INIT                                                                              \
	{                                                                                          \
		{                                                                                  \
			0, 0, 0, 0                                                                 \
		}                                                                                  \
	}
/* Lock: a goroutine parks while it waits; a plain thread (any thread that is
 * not running a goroutine, with or without a running runtime) blocks its
 * thread.  Waiters of both kinds queue in one order. */
GS_EXTERN void gs_mutex_lock(gs_mutex *mu);
GS_EXTERN bool gs_mutex_trylock(gs_mutex *mu);
GS_EXTERN int gs_mutex_unlock(gs_mutex *mu); /* GS_EPERM if not locked */

typedef struct gs_waitgroup {
	uint64_t opaque_[4];
} gs_waitgroup;

#define GS_WAITGROUP_INIT                                                                          \
	{                                                                                          \
		{                                                                                  \
			0, 0, 0, 0                                                                 \
		}                                                                                  \
	}
/* Add delta to the counter; at zero every waiter is released.  GS_ERANGE (and no
 * change) if the counter would go negative or past INT32_MAX, where Go panics;
 * calls made at the same moment may see that value before it is taken back. */
GS_EXTERN int gs_wg_add(gs_waitgroup *wg, int64_t delta);
GS_EXTERN int gs_wg_done(gs_waitgroup *wg);
/* Wait until the counter is 0: a goroutine parks, a plain thread blocks its
 * thread (as gs_mutex_lock). */
GS_EXTERN void gs_wg_wait(gs_waitgroup *wg);

/*
 * The types below are zero-valid as well, except gs_sema (gs_sema_init).
 * Every call that waits parks a goroutine (with a wait reason observers
 * show) and blocks a plain thread's own thread, as gs_mutex_lock.  None of
 * them is goroutine only.
 */

/*
 * Go's sync.RWMutex: any number of readers or one writer.  A writer that
 * waits blocks readers that come after it (they queue behind it), so a
 * stream of readers cannot starve it; when it unlocks, the readers that
 * queued meanwhile all get in before the next writer.  Neither lock is
 * recursive: a reader that read-locks again while a writer waits deadlocks,
 * as in Go.  Wait reasons: GS_WAIT_RWMUTEX_RLOCK, GS_WAIT_RWMUTEX_LOCK.
 */
typedef struct gs_rwmutex {
	uint64_t opaque_[6];
} gs_rwmutex;

#define GS_RWMUTEX_INIT                                                                            \
	{                                                                                          \
		{                                                                                  \
			0, 0, 0, 0, 0, 0                                                           \
		}                                                                                  \
	}
GS_EXTERN void gs_rwmutex_rlock(gs_rwmutex *rw);
GS_EXTERN int gs_rwmutex_runlock(gs_rwmutex *rw); /* GS_EPERM if not read-locked */
GS_EXTERN void gs_rwmutex_lock(gs_rwmutex *rw);
GS_EXTERN int gs_rwmutex_unlock(gs_rwmutex *rw); /* GS_EPERM if not write-locked */

/*
 * Go's sync.Once: gs_once_do runs fn(arg) the first time it is called on o,
 * and never again; a call made while fn runs waits until it has returned
 * (parked on the once's mutex: wait reason GS_WAIT_MUTEX, as Go's waiters
 * show sync.Mutex.Lock), so fn's effects are visible when any call returns.
 * fn must not call gs_once_do on the same o (it would wait for itself).
 */
typedef struct gs_once {
	uint64_t opaque_[5];
} gs_once;

#define GS_ONCE_INIT                                                                               \
	{                                                                                          \
		{                                                                                  \
			0, 0, 0, 0, 0                                                              \
		}                                                                                  \
	}
GS_EXTERN void gs_once_do(gs_once *o, void (*fn)(void *arg), void *arg);

/*
 * Go's sync.Cond, with the mutex given to each wait (Go's Cond.L).
 * gs_cond_wait unlocks mu, waits for a signal and locks mu again before it
 * returns; mu must be locked by the caller (else GS_EPERM and no wait).  As
 * in Go, a wake-up is a hint: check the condition in a loop.  gs_cond_signal
 * wakes the goroutine that has waited longest (Go's notifyList tickets: a
 * waiter that arrives after the signal cannot take it); gs_cond_broadcast
 * wakes every waiter.  Either may be called with or without mu held.  Wait
 * reason: GS_WAIT_COND.
 */
typedef struct gs_cond {
	uint64_t opaque_[4];
} gs_cond;

#define GS_COND_INIT                                                                               \
	{                                                                                          \
		{                                                                                  \
			0, 0, 0, 0                                                                 \
		}                                                                                  \
	}
GS_EXTERN int gs_cond_wait(gs_cond *c, gs_mutex *mu);
GS_EXTERN void gs_cond_signal(gs_cond *c);
GS_EXTERN void gs_cond_broadcast(gs_cond *c);

/*
 * A weighted counting semaphore, as golang.org/x/sync/semaphore.Weighted:
 * gs_sema_init gives it size units.  Waiters are served in arrival order: a
 * request that does not fit blocks every request behind it, even smaller ones
 * that would fit, so a large request is not starved.  Wait reason:
 * GS_WAIT_SEMACQUIRE.
 */
typedef struct gs_sema {
	uint64_t opaque_[5];
} gs_sema;

/* size >= 0, else GS_EINVAL.  Only on a semaphore nobody uses. */
GS_EXTERN int gs_sema_init(gs_sema *s, int64_t size);
/* Take n units, waiting until they are free and every earlier waiter has
 * been served.  0; GS_EINVAL for n < 0 or n > size (it could never be
 * served: Weighted would wait for its context to end). */
GS_EXTERN int gs_sema_acquire(gs_sema *s, int64_t n);
/* Take n units if they are free and nobody waits, without waiting. */
GS_EXTERN bool gs_sema_tryacquire(gs_sema *s, int64_t n);
/* Give back n units and serve the waiters they let through, in order.
 * GS_ERANGE (and no change) if more would be released than are held, or n < 0. */
GS_EXTERN int gs_sema_release(gs_sema *s, int64_t n);

/* ---- Statistics --------------------------------------------------------- */

/*
 * Goroutine states, as Go's _Gidle.._Gdead.  Each says where the goroutine is
 * and who owns its stack.  Only the goroutine's current owner changes its
 * state; an observer reads it without a lock and may see it a moment late.
 */
enum gs_gstatus {
	/* GS_G_IDLE means this goroutine was just allocated and is not yet
	 * initialised.  It has no stack.  Observers never see it: a goroutine
	 * becomes visible only once it is dead. */
	GS_G_IDLE = 0,
	/* GS_G_RUNNABLE means this goroutine is on a run queue (a P's local
	 * queue, its runnext slot, or the global queue), or was just taken off
	 * one by the M about to run it.  It is not executing user code.  The
	 * stack is not owned: it holds the goroutine's saved context, or there
	 * is none yet if the goroutine has never run (it gets one when it first
	 * runs). */
	GS_G_RUNNABLE,
	/* GS_G_RUNNING means this goroutine is executing user code on an M that
	 * holds a P.  It is not on a run queue.  The stack is owned by this
	 * goroutine. */
	GS_G_RUNNING,
	/* GS_G_SYSCALL means this goroutine is in a blocking call, between
	 * gs_entersyscall and gs_exitsyscall.  Its M runs it but has let go of
	 * the P, which another M may take meanwhile.  It is not on a run queue.
	 * The stack is owned by this goroutine. */
	GS_G_SYSCALL,
	/* GS_G_WAITING means this goroutine is blocked in the runtime (the wait
	 * reason says on what).  It is not executing user code and is not on a
	 * run queue, but is recorded somewhere (a channel's or a lock's wait
	 * queue, a timer, the netpoller) so that it can be made runnable.  The
	 * stack is not owned, except that the waker may read and write the
	 * records of the wait that live on it (a channel operation's value and
	 * wait entry, a sleep's timer) under the rules of what it waits on. */
	GS_G_WAITING,
	/* GS_G_DEAD means this goroutine is unused: it has exited, or it waits
	 * on a free list for reuse, or gs_go is setting it up.  It is not
	 * executing user code.  It may keep a stack for the next goroutine; that
	 * stack belongs to whoever holds the dead goroutine (the free list it is
	 * on), and may be handed to another goroutine. */
	GS_G_DEAD,
	GS_G_NSTATUS
};

/* Why a goroutine waits (Go's waitReason). */
enum gs_waitreason {
	GS_WAIT_NONE = 0,
	GS_WAIT_CHAN_RECV,
	GS_WAIT_CHAN_SEND,
	GS_WAIT_SELECT,
	GS_WAIT_SELECT_NOCASES,
	GS_WAIT_SLEEP,
	GS_WAIT_IO,
	GS_WAIT_SEMACQUIRE,
	GS_WAIT_MUTEX,
	GS_WAIT_WAITGROUP,
	GS_WAIT_PREEMPTED,
	GS_WAIT_FOREVER,
	/* Appended, not inserted: recordings store these numbers. */
	GS_WAIT_RWMUTEX_RLOCK, /* gs_rwmutex_rlock */
	GS_WAIT_RWMUTEX_LOCK,  /* gs_rwmutex_lock */
	GS_WAIT_COND,          /* gs_cond_wait */
	GS_WAIT_NREASONS
};

GS_EXTERN const char *gs_gstatus_name(int status);
GS_EXTERN const char *gs_waitreason_name(int reason);

/* Whole-runtime figures, read without stopping the world (fields may be a few
 * microseconds apart).  Counters are cumulative since gs_run started. */
typedef struct gs_stats {
	int gomaxprocs;
	int ncpu;
	int threads;          /* Ms that exist (not counting the waiting caller) */
	int max_threads;      /* the thread limit (gs_config.max_threads, or its
	                         default): at it, making an M is fatal, as in Go */
	int idle_threads;     /* Ms parked on their futex, reusable */
	int spinning_threads; /* Ms looking for work */
	int needspinning;     /* 1: work was readied with no idle P for a new
	                         spinning M, so the next M about to give up its
	                         P looks once more (Go's sched.needspinning) */
	int idle_procs;
	int global_runq; /* goroutines in the global run queue */
	int goroutines;  /* not dead */
	int by_status[GS_G_NSTATUS];
	int by_waitreason[GS_WAIT_NREASONS];
	uint64_t spawns, exits;
	uint64_t steals; /* successful steal operations */
	uint64_t stolen; /* goroutines moved by them */
	uint64_t threads_created;
	uint64_t global_puts;      /* goroutines put on the global queue (overflow, yield) */
	uint64_t stacks_guarded;   /* live goroutine stacks, each with a guard page */
	uint64_t stacks_carved;    /* of those, cut from shared mappings: all of them */
	int in_syscall;            /* goroutines (and their threads) in a system call now */
	uint64_t syscalls;         /* gs_entersyscall calls */
	uint64_t handoffs;         /* Ps handed to another M (after a syscall retake etc.) */
	uint64_t retakes;          /* Ps sysmon took from Ms in system calls */
	uint64_t preempt_requests; /* sysmon or stop-the-world asked a goroutine to yield */
	uint64_t preempt_async;    /* ... and a signal switched it out */
	uint64_t preempt_coop;     /* ... and it yielded at a scheduling point */
	uint64_t netpoll_wakes;    /* goroutines woken by the netpoller */
	uint64_t timers_fired;
	uint64_t procresizes; /* GOMAXPROCS changes */
	uint64_t last_stw_ns; /* stop-the-world time of the last change */
	/* A stop-the-world in progress, as Go's schedtrace prints it: gcwaiting
	 * (the Ps are asked to stop) and stopwait (Ps still to stop). */
	bool gcwaiting;
	int stopwait;
	int nmidlelocked; /* Ms asleep until their locked goroutine can run
	                     (gs_lock_os_thread; Go's sched.nmidlelocked) */
	bool sysmonwait;  /* sysmon asleep while every P is idle (Go's) */
	/* How the scheduler picked goroutines (counted by the P that ran them). */
	uint64_t runnext_hits; /* run from the P's runnext slot, inheriting the slice */
	uint64_t fair_takes;   /* taken from the global queue by the one-in-61 check
	                          (Go's schedtick%61 in findRunnable) */
	/* Steals that took other than Go's runqgrab share: half of the victim's
	 * ring rounded up (n - n/2), the ring as the grab saw it when it took
	 * the Gs (its head confirmed by the CAS that took them, its tail read
	 * just before); or, only when that ring was empty, exactly the
	 * victim's runnext G.  0 in a correct scheduler. */
	uint64_t steal_half_misses;
	/* How system calls returned (gs_exitsyscall): their sum is the returns,
	 * syscalls - in_syscall.  oldp: the M got its own P back (the fast
	 * path); idlep: it took an idle P; global: there was none, so the G went
	 * to the global queue and the M parked (Go's exitsyscall0). */
	uint64_t exitsyscall_oldp, exitsyscall_idlep, exitsyscall_global;
	/* Peaks since gs_run started or the last gs_reset_peaks, exact: every
	 * steal and timer run after the reset counts, none before.  peak_epoch
	 * is the reset they belong to (gs_reset_peaks' value; 0 for none). */
	uint64_t max_steal;         /* the most goroutines one steal moved */
	uint64_t max_timer_late_ns; /* the latest a timer ran after its time
	                               (saturates at 2^40 ns, about 18 minutes) */
	uint64_t peak_epoch;
} gs_stats;

/* Fill *st.  Returns 0, or GS_ENOTRUN if the runtime is not running. */
GS_EXTERN int gs_read_stats(gs_stats *st);

/* Restart max_steal and max_timer_late_ns from 0, for every reader of the
 * process (a lesson's `reset` calls it).  Any thread.  Returns the new
 * peak_epoch (> 0): a gs_stats with an older one was read before the reset.
 * GS_ENOTRUN if the runtime is not running. */
GS_EXTERN int64_t gs_reset_peaks(void);

#ifdef __cplusplus
}
#endif
#endif /* GSCHED_H */
