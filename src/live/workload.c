/*
 * workload.c - the live workloads of workload.h (the web server and its clients
 * are in workload_http.c).
 *
 * The goroutines call no stdio (a label-sized stack is all they may assume)
 * and check run->stop between blocking calls, so workload_stop returns within the
 * longest wait below (netwait's writer: 100 ms), or a WAIT_PIECE in slow motion.
 *
 * Slow motion (gs_timescale() = N > 1): the runtime stretches its own time
 * constants N times, not the program's, so every workload stretches its own:
 * each wait is N times longer, and each step of CPU work is N steps, still
 * CPU-bound (the goroutine holds its P and is preempted like any other, N
 * times more rarely per step).  The scheduler then makes the decisions of
 * full speed, N times slower.
 */
#define _GNU_SOURCE /* pipe2 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gsched.h>
#include <gsched/observe.h>

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "live/workload.h"
#include "live/workload_priv.h"

/* A longer wait is slept in pieces, checking for workload_stop between them.
 * At full speed no workload waits longer, so the scheduler sees the same
 * single sleep; in slow motion a long wait costs one extra wake-up a piece. */
#define WAIT_PIECE MS(1000)

atomic_uint_fast64_t workload__go_started, workload__go_ended;

/* Every goroutine of a run is counted in its wait group and in live, which
 * workload_live reads without blocking (the thread kind's threads are counted
 * through their reaper goroutine). */
void
workload__run_add(workload_run *run, int n)
{
	atomic_fetch_add(&workload__go_started, (uint_fast64_t)(int_fast64_t)n);
	atomic_fetch_add(&run->live, n);
	gs_wg_add(&run->wg, n);
}

void
workload__run_done(workload_run *run)
{
	/* the end counted before the wait group's: whoever waits for the run
	 * (a lesson's measure) then sees every end counted */
	atomic_fetch_add(&workload__go_ended, 1);
	/* live first: once the wait group is done, the waiter may free run */
	atomic_fetch_sub(&run->live, 1);
	gs_wg_done(&run->wg);
}

int
workload_live(workload_run *run)
{
	return atomic_load(&run->live);
}

/* A small per-goroutine PRNG seeded from the run. */
static uint32_t
rnd_seed(workload_run *run)
{
	return atomic_fetch_add(&run->seed, 0x9E3779B9u) | 1;
}

static uint32_t
rnd(uint32_t *s)
{
	uint32_t x = *s;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

/* Asked to stop, or past the run's deadline. */
bool
workload__stopped(workload_run *run)
{
	return workload__halted(run) || (run->deadline != 0 && gs_nanotime() >= run->deadline);
}

bool
workload__halted(const workload_run *run)
{
	return atomic_load_explicit(&run->stop, memory_order_relaxed) ||
	    (run->halt != NULL && atomic_load_explicit(run->halt, memory_order_relaxed));
}

/* A full-speed duration in the runtime's time scale. */
int64_t
workload__scaled(int64_t ns)
{
	return ns * gs_timescale();
}

/* gs_sleep(ns) (ns already scaled), in WAIT_PIECEs: false if the run was
 * stopped before the whole wait was slept. */
bool
workload__sleep(workload_run *run, int64_t ns)
{
	while (ns > WAIT_PIECE) {
		gs_sleep(WAIT_PIECE);
		ns -= WAIT_PIECE;
		if (workload__stopped(run))
			return false;
	}
	gs_sleep(ns);
	return true;
}

/* nanosleep(ns) (ns already scaled) as one blocking system call: in
 * WAIT_PIECEs, but between a single gs_entersyscall and gs_exitsyscall, so
 * the scheduler sees one call of the whole length however it is slept. */
static void
syscall_sleep(workload_run *run, int64_t ns)
{
	if (ns <= WAIT_PIECE) {
		gs_nanosleep(ns);
		return;
	}
	gs_entersyscall();
	while (ns > 0 && !workload__halted(run)) {
		int64_t d = ns < WAIT_PIECE ? ns : WAIT_PIECE;
		struct timespec ts = { (time_t)(d / 1000000000), (long)(d % 1000000000) };
		while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
			;
		ns -= d;
	}
	gs_exitsyscall();
}

/* One more unit of work done by a goroutine that has done *n: true when its
 * iteration limit is reached. */
bool
workload__iter_done(workload_run *run, int64_t *n)
{
	return run->iters != 0 && ++*n >= run->iters;
}

int
workload__go(workload_run *run, void (*fn)(void *), void *arg, const char *label, char tag)
{
	/* a lesson's label replaces the kind's, never its tag */
	gs_attr a = { .label = run->label ? run->label : label, .tag = tag };

	workload__run_add(run, 1);
	int64_t id = gs_go_attr(fn, arg, &a);
	if (id < 0) {
		workload__run_add(run, -1);
		return (int)id;
	}
	return 0;
}

/* count goroutines fn(run) labelled label, tagged tag. */
static int
spawn_n(workload_run *run, int count, void (*fn)(void *), const char *label, char tag)
{
	for (int i = 0; i < count; i++) {
		int rc = workload__go(run, fn, run, label, tag);
		if (rc)
			return rc;
	}
	return 0;
}

/* ---- cpu: pure computation, preemptible asynchronously -------------------------- */

#define CPU_CHUNK 4000000

/* steps multiply-adds (0: until the run stops) in chunks of CPU_CHUNK, each
 * inside a preemptible region, with a cooperative check between chunks. */
static void
cpu_work(workload_run *run, int64_t steps)
{
	volatile uint64_t sink = 0;
	int64_t left = steps; /* steps to go, when limited */
	int64_t scale = gs_timescale();

	while (!workload__stopped(run)) {
		uint64_t x = sink + 1;
		int n = steps != 0 && left < CPU_CHUNK ? (int)left : CPU_CHUNK;
		/* A step is scale multiply-adds: the chunk takes scale times the
		 * CPU time, and the preemption points between chunks come scale
		 * times more rarely, as sysmon's slice is scale times longer. */
		int64_t work = (int64_t)n * scale;
		gs_preemptible_begin();
		for (int64_t i = 0; i < work; i++) {
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			if ((i & 0xffff) == 0 && workload__halted(run))
				break;
		}
		gs_preemptible_end();
		sink = x;
		if (steps != 0 && (left -= n) <= 0)
			break;
		gs_preempt_check();
	}
}

static void
cpu_g(void *arg)
{
	workload_run *run = arg;

	cpu_work(run, run->iters);
	workload__run_done(run);
}

/* ---- loop and tight: call-free loops with no cooperative check ------------------ */

/* A limited loop runs without a gsched call, so sysmon's requests go
 * unanswered at any cooperative check: loop runs outside any preemptible
 * region, and the P is held throughout, as a `for {}` loop held it in Go
 * before 1.14; tight runs inside one, so only the signal (asynchronous
 * preemption) switches it out, as Go 1.14+ does such a loop.  Both read the
 * clock (vDSO, not a scheduling point) every 2^16 steps for their deadline.
 * Without a limit they run in call-free bursts of LOOP_BURST with a
 * cooperative check between them, so that an unlimited one (gsched --batch
 * -w loop) still lets workload_stop's caller run on the Ps it holds. */
#define LOOP_BURST MS(100)

static void
loop_run(workload_run *run, bool asyncsafe)
{
	uint64_t x = 1;
	bool limited = run->iters != 0 || run->deadline != 0;
	int64_t scale = gs_timescale();
	/* A step is scale multiply-adds, as in cpu_work. */
	int64_t n = run->iters && run->iters <= INT64_MAX / scale ? run->iters * scale : INT64_MAX;

	while (!workload__stopped(run)) {
		int64_t end = limited ? run->deadline : gs_nanotime() + LOOP_BURST * scale;
		if (asyncsafe)
			gs_preemptible_begin();
		for (int64_t i = 0; i < n; i++) {
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			if ((i & 0xffff) == 0 &&
			    (workload__halted(run) || (end != 0 && gs_nanotime() >= end)))
				break;
		}
		if (asyncsafe)
			gs_preemptible_end();
		if (limited)
			break;
		gs_preempt_check();
	}
	volatile uint64_t sink = x;
	(void)sink;
	workload__run_done(run);
}

static void
loop_g(void *arg)
{
	loop_run(arg, false);
}

static void
tight_g(void *arg)
{
	loop_run(arg, true);
}

static int
loop_spawn(workload_run *run, int count)
{
	return spawn_n(run, count, loop_g, "loop", GS_TAG_LOOP);
}

static int
tight_spawn(workload_run *run, int count)
{
	return spawn_n(run, count, tight_g, "tight", GS_TAG_CPU);
}

static int
cpu_spawn(workload_run *run, int count)
{
	return spawn_n(run, count, cpu_g, "cpu", GS_TAG_CPU);
}

/* ---- pool: count jobs through a channel to GOMAXPROCS workers -------------------- */

/* The seed's optimizeCPUBound: a "jobs" goroutine sends the job numbers into
 * a channel of POOL_CAP, and GOMAXPROCS (at the spawn) worker goroutines
 * take them until it is closed, each job POOL_STEPS steps of cpu_work (or
 * the run's iters).  The last of them to end frees the channel; a worker
 * that stops early closes it, so a sender blocked on a full channel ends. */
#define POOL_CAP 100
#define POOL_STEPS 1000000

struct pool {
	workload_run *run;
	gs_chan *jobs;
	int count;
	atomic_int refs;
};

/* Drop n shares of pl; the last frees it. */
static void
pool_release(struct pool *pl, int n)
{
	if (atomic_fetch_sub(&pl->refs, n) == n) {
		gs_chan_free(pl->jobs);
		free(pl);
	}
}

static void
pool_feed_g(void *arg)
{
	struct pool *pl = arg;

	for (int32_t i = 0; i < pl->count && !workload__stopped(pl->run); i++)
		if (gs_chan_send(pl->jobs, &i) != 0)
			break;
	gs_chan_close(pl->jobs);
	workload__run_done(pl->run);
	pool_release(pl, 1);
}

static void
pool_work_g(void *arg)
{
	struct pool *pl = arg;
	workload_run *run = pl->run;
	int32_t job;

	while (!workload__stopped(run) && gs_chan_recv(pl->jobs, &job) == 1)
		cpu_work(run, run->iters ? run->iters : POOL_STEPS);
	if (workload__stopped(run))
		gs_chan_close(pl->jobs);
	workload__run_done(run);
	pool_release(pl, 1);
}

static int
pool_spawn(workload_run *run, int count)
{
	int workers = gs_gomaxprocs();
	struct pool *pl = malloc(sizeof *pl);

	if (pl == NULL)
		return GS_ENOMEM;
	if ((pl->jobs = gs_chan_make(sizeof(int32_t), POOL_CAP)) == NULL) {
		free(pl);
		return GS_ENOMEM;
	}
	pl->run = run;
	pl->count = count;
	atomic_init(&pl->refs, workers + 2); /* + 1: this function's own share */
	int rc = workload__go(run, pool_feed_g, pl, "jobs", GS_TAG_SWITCH);
	int started = rc == 0 ? 1 : 0;
	for (int i = 0; rc == 0 && i < workers; i++)
		if ((rc = workload__go(run, pool_work_g, pl, "worker", GS_TAG_CPU)) == 0)
			started++;
	if (rc != 0 && started > 0)
		gs_chan_close(pl->jobs); /* the ones that started end */
	/* our share and that of every goroutine that did not start */
	pool_release(pl, 1 + workers + 1 - started);
	return rc;
}

/* ---- sleep: timers ------------------------------------------------------------- */

static void
sleep_g(void *arg)
{
	workload_run *run = arg;
	uint32_t s = rnd_seed(run);

	int64_t n = 0;

	int64_t scale = gs_timescale();

	while (!workload__stopped(run)) {
		/* 1-20 ms, then a little work (20k-220k steps, drawn once) */
		if (!workload__sleep(run, scale * (MS(1) + (int64_t)(rnd(&s) % 19000) * 1000)))
			break;
		volatile uint32_t w = 0;
		int64_t work = scale * (20000 + rnd(&s) % 200000);
		for (int64_t i = 0; i < work; i++)
			w += (uint32_t)i;
		if (workload__iter_done(run, &n))
			break;
	}
	workload__run_done(run);
}

static int
sleep_spawn(workload_run *run, int count)
{
	return spawn_n(run, count, sleep_g, "sleep", GS_TAG_SLEEP);
}

/* ---- nap and block: 1 s waits and nothing else -------------------------------------- */

/* 1 s waits (cut to end on time), ITERS of them: gs_sleep for nap (the
 * seed's time.Sleep(1 * time.Second)), nanosleep in a system call for block.
 * A block with a lifetime and no ITERS makes one call to the end of it: a
 * goroutine stuck in one system call, as in a read(2) that waits for its data
 * or a long cgo call, its thread held the whole time while the P it left runs
 * other goroutines. */
static void
wait_loop(workload_run *run, bool block)
{
	int64_t n = 0;

	workload__touch_stack();
	while (!workload__stopped(run)) {
		int64_t ns = workload__scaled(MS(1000));
		if (run->deadline != 0 &&
		    ((block && run->iters == 0) || run->deadline - gs_nanotime() < ns))
			ns = run->deadline - gs_nanotime(); /* end on time */
		if (block && ns > 0)
			syscall_sleep(run, ns);
		else if (!block && !workload__sleep(run, ns))
			break;
		if (workload__iter_done(run, &n))
			break;
	}
	workload__run_done(run);
}

static void
nap_g(void *arg)
{
	wait_loop(arg, false);
}

static int
nap_spawn(workload_run *run, int count)
{
	return spawn_n(run, count, nap_g, "nap", GS_TAG_SLEEP);
}

/* ---- syscall: a real blocking system call ------------------------------------------ */

/* Blocking calls of min + [0, spread) ns, each followed by a gs_sleep of
 * 1-11 ms, until the run ends. */
static void
syscall_loop(workload_run *run, int64_t min, uint32_t spread)
{
	uint32_t s = rnd_seed(run);
	int64_t n = 0;

	while (!workload__stopped(run)) {
		syscall_sleep(run, workload__scaled(min + (int64_t)(rnd(&s) % spread)));
		if (workload__iter_done(run, &n))
			break;
		/* 1-11 ms */
		workload__sleep(run, workload__scaled(MS(1) + (int64_t)(rnd(&s) % 10000) * 1000));
	}
	workload__run_done(run);
}

/* 5-30 ms: longer than sysmon lets a P wait, so it is taken and handed off */
static void
syscall_g(void *arg)
{
	syscall_loop(arg, MS(5), 25000000u);
}

/* 50-100 us: back before sysmon would take the P */
static void
shortcall_g(void *arg)
{
	syscall_loop(arg, 50000, 50000u);
}

static int
syscall_spawn(workload_run *run, int count)
{
	return spawn_n(run, count, syscall_g, "syscall", GS_TAG_SYSCALL);
}

static int
shortcall_spawn(workload_run *run, int count)
{
	return spawn_n(run, count, shortcall_g, "shortcall", GS_TAG_SYSCALL);
}

/* ---- block: one long blocking system call (wait_loop above) ------------------------ */

static void
block_g(void *arg)
{
	wait_loop(arg, true);
}

static int
block_spawn(workload_run *run, int count)
{
	return spawn_n(run, count, block_g, "syscall", GS_TAG_SYSCALL);
}

/* ---- netwait: a reader parked in the netpoller, a writer feeding it ---------------- */

/* Shared by a reader and its writer; the last of the two to finish frees it
 * (the reader's EOF comes through the kernel, which orders nothing for the
 * writer's reads of the pair). */
struct netpair {
	workload_run *run;
	int rfd, wfd;
	atomic_int refs;
};

static void
netpair_release(struct netpair *np)
{
	if (atomic_fetch_sub(&np->refs, 1) == 1)
		free(np);
}

static void
netread_g(void *arg)
{
	struct netpair *np = arg;
	char buf[16];

	for (;;) {
		ssize_t n = gs_fd_read(np->rfd, buf, sizeof buf);
		if (n <= 0)
			break; /* EOF: the writer stopped */
	}
	gs_fd_close(np->rfd);
	workload__run_done(np->run);
	netpair_release(np);
}

static void
netwrite_g(void *arg)
{
	struct netpair *np = arg;
	workload_run *run = np->run;
	uint32_t s = rnd_seed(run);
	int64_t n = 0;

	while (!workload__stopped(run)) {
		/* 20-100 ms */
		workload__sleep(run, workload__scaled(MS(20) + (int64_t)(rnd(&s) % 80000) * 1000));
		if (workload__stopped(run))
			break;
		char c = 'x';
		if (gs_fd_write(np->wfd, &c, 1) < 0 || workload__iter_done(run, &n))
			break;
	}
	/* closing our end gives the reader EOF */
	gs_fd_close(np->wfd);
	workload__run_done(run);
	netpair_release(np);
}

static int
netwait_spawn(workload_run *run, int count)
{
	for (int i = 0; i < count; i++) {
		int sv[2];
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
			return errno == EMFILE || errno == ENFILE ? -errno : GS_EAGAIN;
		struct netpair *np = malloc(sizeof *np);
		if (np == NULL) {
			close(sv[0]);
			close(sv[1]);
			return GS_ENOMEM;
		}
		np->run = run;
		np->rfd = sv[0];
		np->wfd = sv[1];
		atomic_init(&np->refs, 2);
		int rc = gs_fd_open(sv[0]);
		if (rc == 0 && (rc = gs_fd_open(sv[1])) != 0)
			gs_fd_close(sv[0]);
		if (rc != 0) {
			close(sv[0]);
			close(sv[1]);
			free(np);
			return rc;
		}
		/* both or neither: the writer's close is what ends the reader */
		workload__run_add(run, 2);
		gs_attr ra = { .label = run->label ? run->label : "netwait", .tag = GS_TAG_NET };
		gs_attr wa = { .label = run->label ? run->label : "netwrite", .tag = GS_TAG_NET };
		if (gs_go_attr(netread_g, np, &ra) < 0) {
			workload__run_add(run, -2);
			gs_fd_close(sv[0]);
			gs_fd_close(sv[1]);
			free(np);
			return GS_ENOMEM;
		}
		if (gs_go_attr(netwrite_g, np, &wa) < 0) {
			/* the reader ends when we close the writing end */
			workload__run_add(run, -1);
			gs_fd_close(sv[1]);
			netpair_release(np);
			return GS_ENOMEM;
		}
	}
	return 0;
}

/* ---- thread: a thread per task, no goroutine ---------------------------------------- */

/* Plain pthreads of a run: what a design without goroutines pays for each
 * waiting task.  They are no Ms: the runtime does not count them, the
 * process does (osthreads).  A pthread cannot ready a goroutine, so the last
 * one to end writes a byte to a pipe on which a "reaper" goroutine waits in
 * the netpoller; the reaper is what the run's wait group counts. */
struct threadset {
	workload_run *run;
	atomic_int left;
	int rfd, wfd;
};

/* Plain threads of every run now past their stack touch and asleep. */
static atomic_int threads_waiting;

int
workload_threads_waiting(void)
{
	return atomic_load(&threads_waiting);
}

workload_run *
workload__thread_run(void *arg)
{
	return ((struct threadset *)arg)->run;
}

static void
threadset_release(struct threadset *ts, int n)
{
	if (atomic_fetch_sub(&ts->left, n) == n) {
		char c = 1;
		while (write(ts->wfd, &c, 1) < 0 && errno == EINTR)
			;
	}
}

void *
workload__thread_end(void *arg)
{
	threadset_release(arg, 1);
	return NULL;
}

/* Use n bytes of the stack, as a few calls deep would, so that resident
 * memory counts a stack in use; noinline keeps the frame real. */
__attribute__((noinline)) void
workload__touch_stack(void)
{
	volatile char buf[STACK_TOUCH];

	for (size_t i = 0; i < sizeof buf; i += 64)
		buf[i] = (char)i;
}

/* A thread sleeping 20 ms (times the time scale) at a time in nanosleep. */
static void *
thread_main(void *arg)
{
	workload_run *run = workload__thread_run(arg);
	int64_t n = 0;
	int64_t sleep = workload__scaled(MS(20));

	workload__touch_stack();
	atomic_fetch_add(&threads_waiting, 1);
	while (!workload__stopped(run)) {
		for (int64_t left = sleep; left > 0 && !workload__stopped(run);
		     left -= WAIT_PIECE) {
			int64_t d = left < WAIT_PIECE ? left : WAIT_PIECE;
			struct timespec t = { (time_t)(d / 1000000000), (long)(d % 1000000000) };
			nanosleep(&t, NULL);
		}
		if (workload__iter_done(run, &n))
			break;
	}
	atomic_fetch_sub(&threads_waiting, 1);
	return workload__thread_end(arg);
}

static void
reaper_g(void *arg)
{
	struct threadset *ts = arg;
	char c;

	while (gs_fd_read(ts->rfd, &c, 1) < 0)
		if (gs_fd_wait(ts->rfd, GS_POLLIN, -1) < 0)
			break;
	gs_fd_close(ts->rfd);
	close(ts->wfd);
	workload__run_done(ts->run);
	free(ts);
}

int
workload__threads_spawn(workload_run *run, int count, void *(*fn)(void *))
{
	struct threadset *ts = malloc(sizeof *ts);
	pthread_attr_t a;
	int sv[2], started = 0, rc = 0;

	if (ts == NULL)
		return GS_ENOMEM;
	if (pipe2(sv, O_CLOEXEC) != 0) {
		int e = errno;
		free(ts);
		return e == EMFILE || e == ENFILE ? -e : GS_EAGAIN;
	}
	ts->run = run;
	ts->rfd = sv[0];
	ts->wfd = sv[1];
	atomic_init(&ts->left, count + 1); /* + 1: this function's own share */
	if ((rc = gs_fd_open(ts->rfd)) != 0) {
		close(sv[0]);
		close(sv[1]);
		free(ts);
		return rc;
	}
	if ((rc = workload__go(run, reaper_g, ts, "reaper", GS_TAG_THREAD)) != 0) {
		gs_fd_close(sv[0]);
		close(sv[1]);
		free(ts);
		return rc;
	}
	if (pthread_attr_init(&a) == 0) {
		pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
		pthread_attr_setstacksize(&a, 64 * 1024);
		for (; started < count; started++) {
			pthread_t t;
			if (pthread_create(&t, &a, fn, ts) != 0) {
				rc = GS_EAGAIN;
				break;
			}
		}
		pthread_attr_destroy(&a);
	} else {
		rc = GS_ENOMEM;
	}
	/* our share and that of every thread that did not start */
	threadset_release(ts, 1 + count - started);
	return rc;
}

static int
thread_spawn(workload_run *run, int count)
{
	return workload__threads_spawn(run, count, thread_main);
}

/* ---- mixed -------------------------------------------------------------------- */

static int
mixed_spawn(workload_run *run, int count)
{
	int rc;

	/* count "rounds" of: 1 cpu, 3 sleep, 2 syscall, 1 netwait pair */
	for (int i = 0; i < count; i++) {
		if ((rc = cpu_spawn(run, 1)) || (rc = sleep_spawn(run, 3)) ||
		    (rc = syscall_spawn(run, 2)) || (rc = netwait_spawn(run, 1)))
			return rc;
	}
	return 0;
}

static const workload table[] = {
	{ "cpu", "cpu", "CPU-bound loops, preempted asynchronously by sysmon", 4, cpu_spawn },
	{ "sleep", "sleep", "gs_sleep loops of 1-20 ms (timers)", 8, sleep_spawn },
	{ "syscall", "syscall", "gs_nanosleep of 5-30 ms: a blocking system call", 4,
	    syscall_spawn },
	{ "netwait", "netwait", "a reader blocked in gs_fd_read, fed by a writer every 20-100 ms",
	    2, netwait_spawn },
	{ "mixed", "", "per count: 1 cpu, 3 sleep, 2 syscall, 1 netwait pair", 2, mixed_spawn },
	{ "nap", "nap", "gs_sleep of 1 s at a time and nothing else (cheap: 10k+)", 1000,
	    nap_spawn },
	{ "loop", "loop", "a call-free loop outside preemptible regions (unlimited: 100 ms bursts)",
	    1, loop_spawn },
	{ "tight", "tight", "a call-free loop only the preemption signal stops (no check)", 1,
	    tight_spawn },
	{ "pool", "worker", "COUNT jobs through a channel to GOMAXPROCS worker goroutines", 100,
	    pool_spawn },
	{ "http", "client", "a loopback web server, a goroutine per connection, COUNT clients", 16,
	    workload__http_spawn },
	{ "httplimit", "client", "the same behind a semaphore of 8 handlers (503 when full)", 16,
	    workload__httplimit_spawn },
	{ "httppool", "client", "the same served by a pool of 8 worker goroutines", 16,
	    workload__httppool_spawn },
	{ "thread", "thread", "a plain pthread per task (no goroutine), sleeping", 8,
	    thread_spawn },
	{ "shortcall", "shortcall", "gs_nanosleep of 50-100 us: a call back before sysmon looks", 4,
	    shortcall_spawn },
	{ "pingpong", "ping", "COUNT pairs of goroutines ping-ponging over channels", 1,
	    workload__pingpong_spawn },
	{ "gosched", "gosched", "COUNT goroutines that only yield (Gosched)", 2,
	    workload__gosched_spawn },
	{ "threadpingpong", "thread", "COUNT pairs of plain threads ping-ponging on one CPU", 1,
	    workload__threadpingpong_spawn },
	{ "threadlimit", "threadlimit",
	    "a child gsched: COUNT blocking calls under a thread limit of ITERS", 100,
	    workload__threadlimit_spawn },
	{ "block", "syscall", "one blocking system call (nanosleep) for the whole lifetime", 4,
	    block_spawn },
};

const workload *
workload_table(int *n)
{
	*n = (int)(sizeof table / sizeof table[0]);
	return table;
}

const workload *
workload_find(const char *name)
{
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (strcmp(table[i].name, name) == 0)
			return &table[i];
	return NULL;
}

void
workload_list(FILE *f)
{
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		fprintf(f, "  %-9s %s (default %d)\n", table[i].name, table[i].what,
		    table[i].default_count);
}

void
workload_run_init(workload_run *run)
{
	memset(run, 0, sizeof *run);
	atomic_init(&run->stop, false);
	atomic_init(&run->seed, 0x2545F491u);
}

void
workload_run_limit(workload_run *run, int64_t iters, int64_t life_ns)
{
	run->iters = iters > 0 ? iters : 0;
	run->deadline = life_ns > 0 ? gs_nanotime() + life_ns : 0;
}

int
workload_nofile_atleast(long need)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return GS_EINVAL;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < (rlim_t)need) {
		if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < (rlim_t)need)
			return -EMFILE;
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			return GS_EPERM;
	}
	return 0;
}

void
workload_nofile_max(void)
{
	struct rlimit rl;

	/* As Go's os package does since Go 1.19: the soft limit is a
	 * compatibility default for select(2) users, which gsched is not. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
}

const char *
workload_strerror(int rc, char *buf, size_t size)
{
	struct rlimit rl;

	if (rc == -EMFILE && getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		if (rl.rlim_cur == RLIM_INFINITY)
			snprintf(buf, size, "too many open files");
		else
			snprintf(buf, size,
			    "too many open files: the limit is %llu (RLIMIT_NOFILE; gsched raises "
			    "its soft limit to the hard one, %llu); raise the hard limit with "
			    "ulimit -Hn (as root) or LimitNOFILE= for a service",
			    (unsigned long long)rl.rlim_cur,
			    rl.rlim_max == RLIM_INFINITY ? 0ULL : (unsigned long long)rl.rlim_max);
		return buf;
	}
	if (rc == -ENFILE) {
		snprintf(buf, size,
		    "the system's open-file table is full (sysctl fs.file-max): close files "
		    "elsewhere or raise it");
		return buf;
	}
	snprintf(buf, size, "%s", gs_strerror(rc));
	return buf;
}

int
workload_spawn(workload_run *run, const workload *w, int count)
{
	return w->spawn(run, count > 0 ? count : w->default_count);
}

/* The default scenario ramps up, one kind every RAMP_STEP, so that the first
 * lines of `gsched --batch` show each kind arrive: the CPU hogs at once (idle
 * Ps steal from the spawning one), sleepers (timers on every P), then the
 * system calls (threads climb, Ps hand off), then the netpoller. */
#define RAMP_STEP MS(100)

struct ramp {
	workload_run *run;
	int procs;
	int err; /* the first spawn error, reported by nobody: the run goes on */
};

static struct ramp ramp_state;

static void
ramp_g(void *arg)
{
	struct ramp *r = arg;
	workload_run *run = r->run;
	int rc = 0;

	for (int phase = 1; phase <= 3 && rc == 0; phase++) {
		workload__sleep(run, workload__scaled(RAMP_STEP));
		if (workload__stopped(run))
			break;
		rc = phase == 1  ? sleep_spawn(run, 6)
		    : phase == 2 ? syscall_spawn(run, 3)
				 : netwait_spawn(run, 2);
	}
	r->err = rc;
	workload__run_done(run);
}

int
workload_spawn_default(workload_run *run, int procs)
{
	int rc;

	if (procs < 1)
		procs = 1;
	/* fewer CPU hogs than Ps, so some Ps go idle and steal */
	if ((rc = cpu_spawn(run, procs > 1 ? procs - 1 : 1)) != 0)
		return rc;
	ramp_state = (struct ramp){ run, procs, 0 };
	return workload__go(run, ramp_g, &ramp_state, "ramp", GS_TAG_NONE);
}

void
workload_stop(workload_run *run)
{
	atomic_store(&run->stop, true);
	gs_wg_wait(&run->wg);
}
