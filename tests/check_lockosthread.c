/*
 * check_lockosthread.c - gs_lock_os_thread / gs_unlock_os_thread, in the style
 * of Go's TestLockOSThread tests (runtime/proc_test.go, lockosthread_test):
 * a locked goroutine keeps its thread id across yields, sleeps, channel
 * waits, the netpoller and blocking system calls; no other goroutine runs on
 * that thread meanwhile; the calls nest; a goroutine that ends locked takes
 * its thread with it; a locked main goroutine; the deadlock detector still
 * sees a program whose locked goroutine blocks for good.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gsched/observe.h>

#include "testutil.h"
#include "tu_child.h"

#define MS(x) ((int64_t)(x)*1000000)

static pid_t
tid(void)
{
	return gettid();
}

/* Whether thread t of this process still exists. */
static bool
task_exists(pid_t t)
{
	char path[64];
	struct stat sb;

	snprintf(path, sizeof path, "/proc/self/task/%d", (int)t);
	return stat(path, &sb) == 0;
}

/* ---- the other goroutines: never on the locked thread ---------------------------------- */

static _Atomic pid_t locked_tid; /* the locked thread, 0 while none */
static _Atomic int intruders;    /* runs of other goroutines seen on it */
static _Atomic bool others_stop;
static _Atomic long other_runs;

/* Busy, and at a scheduling point often, so the scheduler has every chance
 * to put it on the locked thread. */
static void
other(void *arg)
{
	gs_waitgroup *wg = arg;

	while (!atomic_load(&others_stop)) {
		/* No gsched call between the two reads: the goroutine cannot move. */
		pid_t me = tid();
		if (me == atomic_load(&locked_tid))
			atomic_fetch_add(&intruders, 1);
		atomic_fetch_add(&other_runs, 1);
		if (atomic_load(&other_runs) % 3 == 0)
			gs_sleep(MS(1) / 10);
		else
			gs_yield();
	}
	TU_WG_DONE(wg);
}

#define NOTHERS 6

static void
others_start(gs_waitgroup *wg)
{
	atomic_store(&others_stop, false);
	atomic_store(&intruders, 0);
	atomic_store(&other_runs, 0);
	TU_WG_ADD(wg, NOTHERS);
	for (int i = 0; i < NOTHERS; i++)
		TU_GO(other, wg);
}

static void
others_stop_wait(gs_waitgroup *wg)
{
	atomic_store(&others_stop, true);
	gs_wg_wait(wg);
	ck_assert_msg(atomic_load(&intruders) == 0,
	    "other goroutines ran %d times on the locked thread", atomic_load(&intruders));
	ck_assert_int_gt(atomic_load(&other_runs), 0);
}

/* ---- every way a goroutine leaves its thread and comes back ---------------------------- */

static void
sender(void *arg)
{
	gs_sleep(MS(2));
	int v = 1;
	ck_assert_int_eq(gs_chan_send(arg, &v), 0);
}

static void
pipe_writer(void *arg)
{
	gs_sleep(MS(2));
	ck_assert_int_eq(write(*(int *)arg, "x", 1), 1);
}

static long
block_fn(void *arg)
{
	(void)arg;
	usleep(2000);
	return 7;
}

#define SAME_TID(t0, what)                                                                         \
	do {                                                                                       \
		pid_t t_ = tid();                                                                  \
		if (t_ != (t0))                                                                    \
			ck_abort_msg("after %s: thread %d, locked to %d", (what), (int)t_,         \
			    (int)(t0));                                                            \
	} while (0)

/* The locked goroutine's round: each way of blocking, then its thread. */
static void
locked_round(pid_t t0)
{
	gs_chan *c = gs_chan_make(sizeof(int), 0);
	int v, pfd[2];

	for (int i = 0; i < 20; i++) {
		gs_yield();
		SAME_TID(t0, "gs_yield");
	}
	for (int i = 0; i < 5; i++) {
		ck_assert_int_eq(gs_sleep(MS(1)), 0);
		SAME_TID(t0, "gs_sleep");
	}
	for (int i = 0; i < 5; i++) {
		TU_GO(sender, c);
		ck_assert_int_eq(gs_chan_recv(c, &v), 1);
		SAME_TID(t0, "a channel wait");
	}
	ck_assert_int_eq(pipe(pfd), 0);
	ck_assert_int_eq(gs_fd_open(pfd[0]), 0);
	for (int i = 0; i < 3; i++) {
		char b;
		TU_GO(pipe_writer, &pfd[1]);
		ck_assert_int_eq(gs_fd_read(pfd[0], &b, 1), 1);
		SAME_TID(t0, "a netpoller wait");
	}
	ck_assert_int_eq(gs_fd_close(pfd[0]), 0);
	close(pfd[1]);
	for (int i = 0; i < 5; i++) {
		ck_assert_int_eq(gs_nanosleep(MS(2)), 0);
		SAME_TID(t0, "gs_nanosleep (a system call)");
		ck_assert_int_eq(gs_syscall_block(block_fn, NULL), 7);
		SAME_TID(t0, "gs_syscall_block");
	}
	gs_chan_free(c);
}

static void
locked_worker(void *arg)
{
	gs_waitgroup *wg = arg;

	ck_assert_int_eq(gs_lock_os_thread(), 0);
	pid_t t0 = tid();
	atomic_store(&locked_tid, t0);
	locked_round(t0);
	atomic_store(&locked_tid, 0);
	ck_assert_int_eq(gs_unlock_os_thread(), 0);
	TU_WG_DONE(wg);
}

static void
same_thread_main(void *arg)
{
	(void)arg;
	gs_waitgroup owg = GS_WAITGROUP_INIT, lwg = GS_WAITGROUP_INIT;

	others_start(&owg);
	TU_WG_ADD(&lwg, 1);
	TU_GO(locked_worker, &lwg);
	gs_wg_wait(&lwg);
	others_stop_wait(&owg);
}

START_TEST(test_lock_same_thread_procs)
{
	tu_run(same_thread_main, NULL, _i == 0 ? 1 : 2);
}
END_TEST

/* The main goroutine locked (Go's main starts locked during init): the same,
 * and it returns still locked; gs_run returns as usual. */
static void
locked_main(void *arg)
{
	(void)arg;
	gs_waitgroup owg = GS_WAITGROUP_INIT;

	ck_assert_int_eq(gs_lock_os_thread(), 0);
	pid_t t0 = tid();
	atomic_store(&locked_tid, t0);
	others_start(&owg);
	locked_round(t0);
	others_stop_wait(&owg);
	SAME_TID(t0, "the others' end");
}

START_TEST(test_lock_main)
{
	tu_run(locked_main, NULL, _i == 0 ? 1 : 2);
	atomic_store(&locked_tid, 0);
}
END_TEST

/* ---- nesting, and the thread's end --------------------------------------------------- */

struct ender {
	int locks, unlocks;
	pid_t tid;
	gs_waitgroup *wg;
};

/* Lock and unlock as asked, then end.  The thread goes with it when the
 * locks outnumber the unlocks. */
static void
ender(void *arg)
{
	struct ender *e = arg;

	for (int i = 0; i < e->locks; i++)
		ck_assert_int_eq(gs_lock_os_thread(), 0);
	e->tid = tid();
	for (int i = 0; i < e->unlocks; i++)
		ck_assert_int_eq(gs_unlock_os_thread(), 0);
	if (e->locks > e->unlocks) {
		/* Still locked: other goroutines never come here. */
		atomic_store(&locked_tid, e->tid);
		for (int i = 0; i < 10; i++) {
			gs_sleep(MS(1));
			SAME_TID(e->tid, "gs_sleep while nested");
		}
		atomic_store(&locked_tid, 0);
	}
	TU_WG_DONE(e->wg);
}

/* Poll (bounded) until thread t is gone. */
static bool
task_gone_within(pid_t t, uint64_t timeout_ns)
{
	uint64_t end = tu_now_ns() + timeout_ns;

	while (task_exists(t)) {
		if (tu_now_ns() > end)
			return false;
		gs_sleep(MS(1));
	}
	return true;
}

static void
nesting_main(void *arg)
{
	(void)arg;
	gs_waitgroup owg = GS_WAITGROUP_INIT, wg = GS_WAITGROUP_INIT;
	/* { locks, unlocks }: ends locked iff locks > unlocks.  An unlock
	 * without a lock does nothing (the last case ends unlocked). */
	struct ender cases[] = {
		{ 1, 0, 0, &wg }, /* locked once */
		{ 2, 1, 0, &wg }, /* nested: one unlock leaves it locked */
		{ 3, 2, 0, &wg },
		{ 2, 2, 0, &wg }, /* balanced: the thread stays */
		{ 1, 1, 0, &wg },
		{ 0, 3, 0, &wg },
	};

	ck_assert_int_eq(gs_unlock_os_thread(), 0); /* not locked: nothing */
	others_start(&owg);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct ender *e = &cases[i];
		TU_WG_ADD(&wg, 1);
		TU_GO(ender, e);
		gs_wg_wait(&wg);
		bool gone = task_gone_within(e->tid, e->locks > e->unlocks ? TU_SEC(20) : MS(50));
		if (gone != (e->locks > e->unlocks))
			ck_abort_msg("%d locks, %d unlocks: thread %d %s", e->locks, e->unlocks,
			    (int)e->tid, gone ? "exited" : "still there");
	}
	others_stop_wait(&owg);
}

START_TEST(test_lock_nesting_and_exit)
{
	tu_run(nesting_main, NULL, 2);
}
END_TEST

/* Many goroutines ending locked, one after another: each takes a thread,
 * each thread ends; the threads the process has come back to what they
 * were. */
#define ENDERS 20

static void
many_enders_main(void *arg)
{
	(void)arg;
	gs_waitgroup wg = GS_WAITGROUP_INIT;
	struct ender e[ENDERS];
	gs_stats st;

	for (int i = 0; i < ENDERS; i++) {
		e[i] = (struct ender){ 1, 0, 0, &wg };
		TU_WG_ADD(&wg, 1);
		TU_GO(ender, &e[i]);
	}
	gs_wg_wait(&wg);
	for (int i = 0; i < ENDERS; i++)
		if (!task_gone_within(e[i].tid, TU_SEC(20)))
			ck_abort_msg("thread %d of locked goroutine %d is still there",
			    (int)e[i].tid, i);
	/* Distinct threads: a thread that ended was never reused. */
	for (int i = 0; i < ENDERS; i++)
		for (int j = i + 1; j < ENDERS; j++)
			if (e[i].tid == e[j].tid)
				ck_abort_msg("goroutines %d and %d ended locked on one thread %d",
				    i, j, (int)e[i].tid);
	ck_assert_int_eq(gs_read_stats(&st), 0);
	ck_assert_msg(st.threads_created >= ENDERS, "%" PRIu64 " threads made for %d enders",
	    st.threads_created, ENDERS);
}

START_TEST(test_lock_many_exits)
{
	tu_run(many_enders_main, NULL, 2);
}
END_TEST

/* ---- two locked goroutines hand work to each other ------------------------------------ */

/* Each readies the other, whose M must be handed a P every time, while
 * main changes GOMAXPROCS under them (the world stops with both Ms
 * waiting or running). */
#define PINGPONG_ROUNDS 300

struct pinger {
	gs_chan *in, *out;
	bool first;
	gs_waitgroup *wg;
};

static void
pinger(void *arg)
{
	struct pinger *pg = arg;
	int v = 0;

	ck_assert_int_eq(gs_lock_os_thread(), 0);
	pid_t t0 = tid();
	for (int i = 0; i < PINGPONG_ROUNDS; i++) {
		if (pg->first || i > 0)
			ck_assert_int_eq(gs_chan_send(pg->out, &v), 0);
		ck_assert_int_eq(gs_chan_recv(pg->in, &v), 1);
		SAME_TID(t0, "a hand-over between locked goroutines");
	}
	if (!pg->first)
		ck_assert_int_eq(gs_chan_send(pg->out, &v), 0);
	TU_WG_DONE(pg->wg);
}

static void
pingpong_main(void *arg)
{
	(void)arg;
	gs_waitgroup wg = GS_WAITGROUP_INIT;
	gs_chan *a = gs_chan_make(sizeof(int), 0), *b = gs_chan_make(sizeof(int), 0);
	struct pinger p1 = { a, b, true, &wg }, p2 = { b, a, false, &wg };

	TU_WG_ADD(&wg, 2);
	TU_GO(pinger, &p1);
	TU_GO(pinger, &p2);
	for (int i = 0; i < 6; i++) {
		ck_assert_int_gt(gs_set_gomaxprocs(i % 2 ? 1 : 3), 0);
		gs_sleep(MS(1));
	}
	gs_wg_wait(&wg);
	gs_chan_free(a);
	gs_chan_free(b);
}

START_TEST(test_lock_pingpong)
{
	tu_run(pingpong_main, NULL, _i == 0 ? 1 : 2);
}
END_TEST

/* ---- a locked goroutine at the global queue's head ----------------------------------- */

/*
 * GOMAXPROCS=1: a locked goroutine leaves its P in blocking system calls, and
 * back from each finds the P taken by a goroutine that yields in a loop, so it
 * waits at the global queue's head, where that goroutine's next yield finds it
 * with nothing local to run.  Only its own thread may run it: the yielder must
 * hand it the P, not switch to it.
 */
#define TURNS 50

static _Atomic int turn_moved;
static _Atomic bool turns_done;

static void
turn_locked(void *arg)
{
	ck_assert_int_eq(gs_lock_os_thread(), 0);
	pid_t t0 = tid();
	for (int i = 0; i < TURNS; i++) {
		gs_entersyscallblock();
		usleep(200);
		gs_exitsyscall();
		if (tid() != t0)
			atomic_fetch_add(&turn_moved, 1);
	}
	gs_unlock_os_thread();
	atomic_store(&turns_done, true);
	TU_WG_DONE(arg);
}

static void
turn_yielder(void *arg)
{
	while (!atomic_load(&turns_done))
		gs_yield();
	TU_WG_DONE(arg);
}

static void
turns_main(void *arg)
{
	(void)arg;
	gs_waitgroup wg = GS_WAITGROUP_INIT;

	TU_WG_ADD(&wg, 2);
	TU_GO(turn_locked, &wg);
	TU_GO(turn_yielder, &wg);
	gs_wg_wait(&wg);
	ck_assert_msg(atomic_load(&turn_moved) == 0,
	    "the locked goroutine came back on another thread %d times of %d",
	    atomic_load(&turn_moved), TURNS);
}

START_TEST(test_lock_yield_turns)
{
	tu_run(turns_main, NULL, 1);
}
END_TEST

/* ---- the deadlock detector with a locked goroutine ------------------------------------- */

/* Go's TestLockedDeadlock: main locked and blocked for good is still a
 * deadlock, though its thread sleeps outside the idle list. */
static struct tu_child child;

static void
locked_deadlock_main(void *arg)
{
	(void)arg;
	gs_chan *c = gs_chan_make(0, 0);

	ck_assert_int_eq(gs_lock_os_thread(), 0);
	gs_chan_recv(c, NULL); /* nobody sends */
}

static int
locked_deadlock_run(void *arg)
{
	(void)arg;
	gs_run(locked_deadlock_main, NULL, &(gs_config){ .procs = 2 });
	return 99;
}

START_TEST(test_lock_deadlock)
{
	tu_child_run(&child, locked_deadlock_run, NULL, TU_SEC(60));
	ck_assert_msg(WIFEXITED(child.status) && WEXITSTATUS(child.status) == GS_FATAL_STATUS,
	    "status %#x; stderr: %s", child.status, child.out);
	ck_assert_msg(strstr(child.out, "fatal error: all goroutines are asleep - deadlock!\n"),
	    "stderr: %s", child.out);
}
END_TEST

/* ---- what observers see: the wiring in snapshots and in Go's schedtrace ------------------- */

/* A locked main: its M's lockedg names it, its lockedm names the M, and
 * Go's scheddetail lines say both (lockedg=G on the M line, lockedm=M on
 * the G line); unlocked, both are gone. */
GS_MAIN_TEST(test_lock_observed, 2)
{
	gs_snapshot *s = gs_snapshot_new(8, 0);
	static gs_snap_ginfo gl[64];
	int64_t me = gs_self();

	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(gs_lock_os_thread(), 0);
	ck_assert_int_eq(gs_snapshot_take(s), 0);
	int64_t m = -1;
	for (int i = 0; i < s->nm; i++)
		if (s->m[i].lockedg != 0) {
			ck_assert_msg(s->m[i].lockedg == me && m < 0, "M%lld lockedg %lld",
			    (long long)s->m[i].id, (long long)s->m[i].lockedg);
			m = s->m[i].id;
		}
	ck_assert_int_gt(m, 0);
	int ng = gs_goroutines(gl, 64);
	ck_assert_int_gt(ng, 0);
	bool seen = false;
	for (int i = 0; i < ng && i < 64; i++) {
		if (gl[i].id == me) {
			ck_assert_int_eq(gl[i].lockedm, m);
			seen = true;
		} else if (gl[i].lockedm != 0) {
			ck_abort_msg("G%lld lockedm %lld", (long long)gl[i].id,
			    (long long)gl[i].lockedm);
		}
	}
	ck_assert(seen);

	char *text = NULL, want[128];
	size_t len = 0;
	uint64_t start = 0;
	FILE *f = open_memstream(&text, &len);
	ck_assert_ptr_nonnull(f);
	gs_schedtrace_print(f, s, &start, gl, ng < 64 ? ng : 64, true);
	fclose(f);
	snprintf(want, sizeof want, "  M%lld: p=", (long long)m);
	const char *ml = strstr(text, want);
	ck_assert_msg(ml != NULL, "no %s in:\n%s", want, text);
	snprintf(want, sizeof want, " lockedg=%lld\n", (long long)me);
	ck_assert_msg(strstr(ml, want) != NULL && strstr(ml, want) < strchr(ml, '\n') + 1,
	    "want '%s' on the line of M%lld:\n%s", want, (long long)m, text);
	snprintf(want, sizeof want, "  G%lld: status=2() m=%lld lockedm=%lld\n", (long long)me,
	    (long long)m, (long long)m);
	ck_assert_msg(strstr(text, want) != NULL, "want '%s' in:\n%s", want, text);
	free(text);

	ck_assert_int_eq(gs_unlock_os_thread(), 0);
	ck_assert_int_eq(gs_snapshot_take(s), 0);
	for (int i = 0; i < s->nm; i++)
		ck_assert_int_eq(s->m[i].lockedg, 0);
	ng = gs_goroutines(gl, 64);
	for (int i = 0; i < ng && i < 64; i++)
		ck_assert_int_eq(gl[i].lockedm, 0);
	gs_snapshot_free(s);
}

START_TEST(test_lock_outside)
{
	ck_assert_int_eq(gs_lock_os_thread(), GS_ENOTRUN);
	ck_assert_int_eq(gs_unlock_os_thread(), GS_ENOTRUN);
}
END_TEST

static Suite *
lockosthread_suite(void)
{
	Suite *s = suite_create("lockosthread");
	TCase *tc = tu_tcase("lock", 120);

	tcase_add_test(tc, test_lock_outside);
	tcase_add_loop_test(tc, test_lock_same_thread_procs, 0, 2);
	tcase_add_loop_test(tc, test_lock_main, 0, 2);
	tcase_add_test(tc, test_lock_nesting_and_exit);
	tcase_add_test(tc, test_lock_many_exits);
	tcase_add_loop_test(tc, test_lock_pingpong, 0, 2);
	tcase_add_test(tc, test_lock_yield_turns);
	tcase_add_test(tc, test_lock_deadlock);
	tcase_add_test(tc, test_lock_observed);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run_suite(lockosthread_suite());
}
