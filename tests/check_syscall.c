/*
 * check_syscall.c - blocking system calls and sysmon's hand-off: a goroutine
 * in a long system call loses its P so others go on (retake/handoff); fifty
 * goroutines blocked at once cost fifty threads, which a second wave reuses;
 * gs_syscall / gs_syscall_block / gs_sys_* results and errors; how each
 * call came back (own P, idle P, global queue); and the thread limit
 * (cfg.max_threads) ending the program as Go's does.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"
#include "tu_child.h"

#define MS(x) ((int64_t)(x)*1000000)

/* ---- a long system call loses its P -------------------------------------------------------- */

struct handoff {
	_Atomic uint64_t counter;
	_Atomic int sleeping_done;
	uint64_t before, after;
	int64_t slept;
	int rc;
	int mode; /* 0 gs_nanosleep, 1 enter/exit by hand, 2 entersyscallblock */
	gs_waitgroup wg;
	_Atomic int max_insyscall;
};

static void
raw_nanosleep(int64_t ns)
{
	struct timespec ts = { ns / 1000000000, ns % 1000000000 };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static void
handoff_sleeper(void *arg)
{
	struct handoff *h = arg;
	int64_t t0 = gs_nanotime();

	h->before = atomic_load(&h->counter);
	switch (h->mode) {
	case 0:
		h->rc = gs_nanosleep(MS(300));
		break;
	case 1:
		gs_entersyscall();
		raw_nanosleep(MS(300));
		gs_exitsyscall();
		break;
	default:
		gs_entersyscallblock();
		raw_nanosleep(MS(300));
		gs_exitsyscall();
		break;
	}
	h->after = atomic_load(&h->counter);
	h->slept = gs_nanotime() - t0;
	atomic_store(&h->sleeping_done, 1);
	TU_WG_DONE(&h->wg);
}

static void
handoff_counter(void *arg)
{
	struct handoff *h = arg;
	uint64_t end = tu_now_ns() + TU_SEC(10), last = 0;
	gs_stats st;

	while (!atomic_load(&h->sleeping_done) && tu_now_ns() < end) {
		uint64_t c = atomic_fetch_add(&h->counter, 1);
		/* Under TSan a 300 ms call may see fewer than 256 steps: look
		 * every 5 ms as well (a timing allowance; races still fail). */
		if (c % 256 == 0 || (TU_TSAN && tu_now_ns() - last >= 5000000)) {
			last = tu_now_ns();
			ck_assert_int_eq(gs_read_stats(&st), 0);
			if (st.in_syscall > atomic_load(&h->max_insyscall))
				atomic_store(&h->max_insyscall, st.in_syscall);
		}
		gs_yield();
	}
	TU_WG_DONE(&h->wg);
}

static void
main_handoff(void *arg)
{
	struct handoff *h = arg;
	gs_stats st0, st;

	ck_assert_int_eq(gs_read_stats(&st0), 0);
	TU_WG_ADD(&h->wg, 2);
	TU_GO(handoff_sleeper, h);
	TU_GO(handoff_counter, h);
	gs_wg_wait(&h->wg);
	ck_assert_int_eq(h->rc, 0);
	ck_assert_int_ge(h->slept, MS(300));
	ck_assert_msg(h->after - h->before >= 100,
	    "mode %d: the other goroutine advanced only %" PRIu64 " steps during a 300 ms "
	    "system call on GOMAXPROCS=1",
	    h->mode, h->after - h->before);
	ck_assert_int_ge(atomic_load(&h->max_insyscall), 1);
	ck_assert_int_eq(gs_read_stats(&st), 0);
	ck_assert_msg(st.handoffs - st0.handoffs > 0 || st.retakes - st0.retakes > 0,
	    "mode %d: no retake or handoff (retakes %" PRIu64 ", handoffs %" PRIu64 ")", h->mode,
	    st.retakes - st0.retakes, st.handoffs - st0.handoffs);
	if (h->mode != 2)
		ck_assert_msg(st.retakes - st0.retakes > 0, "mode %d: sysmon did not retake the P",
		    h->mode);
	ck_assert_uint_ge(st.syscalls - st0.syscalls, 1);
	ck_assert_int_eq(st.in_syscall, 0);
}

START_TEST(test_syscall_loses_p)
{
	static struct handoff h;

	h.mode = _i;
	tu_run(main_handoff, &h, 1);
}
END_TEST

/* ---- fifty blocked at once, and thread reuse ---------------------------------------------- */

#define BLOCKERS 50
/* Long enough for all fifty to be in the kernel at once (sanitizer builds
 * start threads much more slowly). */
#define BLOCK_NS MS(TU_SANITIZED ? 500 : 100)

static gs_waitgroup blk_wg;
static _Atomic int blk_rc;

static void
blocker(void *arg)
{
	(void)arg;
	int rc = gs_nanosleep(BLOCK_NS);
	if (rc != 0)
		atomic_store(&blk_rc, rc);
	TU_WG_DONE(&blk_wg);
}

/* Run a wave; returns the peak thread count sampled while it ran. */
static int
blocker_wave(int *peak_insyscall)
{
	gs_stats st;
	int peak = 0;

	*peak_insyscall = 0;
	TU_WG_ADD(&blk_wg, BLOCKERS);
	for (int i = 0; i < BLOCKERS; i++)
		TU_GO(blocker, NULL);
	uint64_t end = tu_now_ns() + TU_SEC(20);
	while (tu_now_ns() < end) {
		ck_assert_int_eq(gs_read_stats(&st), 0);
		if (st.threads > peak)
			peak = st.threads;
		if (st.in_syscall > *peak_insyscall)
			*peak_insyscall = st.in_syscall;
		if (st.goroutines <= 1)
			break;
		gs_yield();
	}
	gs_wg_wait(&blk_wg);
	ck_assert_int_eq(atomic_load(&blk_rc), 0);
	ck_assert_int_eq(tu_wait_numgoroutine(1, TU_SEC(10)), 1);
	return peak;
}

GS_MAIN_TEST(test_syscall_threads, 2)
{
	gs_stats st1, st2;
	int peak_sys;

	/* The hand-off really happens: at least half of them hold a thread of
	 * their own at once (the criterion; on a loaded machine the first
	 * ones may return before the last ones enter). */
	int peak = blocker_wave(&peak_sys);
	ck_assert_msg(peak >= BLOCKERS / 2, "%d goroutines in a %d ms system call: peak %d threads",
	    BLOCKERS, (int)(BLOCK_NS / MS(1)), peak);
	ck_assert_msg(peak_sys >= BLOCKERS / 2, "peak in_syscall %d", peak_sys);
	ck_assert_int_eq(gs_read_stats(&st1), 0);
	ck_assert_uint_ge(st1.threads_created, BLOCKERS / 2);
	/* The threads went idle, not away. */
	ck_assert_msg(st1.idle_threads >= BLOCKERS / 2, "%d idle threads after the first wave",
	    st1.idle_threads);

	peak = blocker_wave(&peak_sys);
	ck_assert_int_ge(peak, BLOCKERS / 2);
	ck_assert_int_eq(gs_read_stats(&st2), 0);
	ck_assert_msg(st2.threads_created - st1.threads_created <= BLOCKERS / 2,
	    "the second wave created %" PRIu64 " threads (first: %" PRIu64 ")",
	    st2.threads_created - st1.threads_created, st1.threads_created);
}

/* Short system calls keep their P (the fast path) and make no threads. */
GS_MAIN_TEST(test_syscall_quick, 2)
{
	gs_stats st0, st;
	int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	int n = TU_SCALE(20000);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(gs_read_stats(&st0), 0);
	for (int i = 0; i < n; i++)
		ck_assert_int_eq(gs_sys_write(fd, "x", 1), 1);
	ck_assert_int_eq(gs_read_stats(&st), 0);
	ck_assert_uint_ge(st.syscalls - st0.syscalls, (uint64_t)n);
	ck_assert_msg(st.threads <= st.gomaxprocs + 3, "%d threads after quick syscalls",
	    st.threads);
	close(fd);
}

/* ---- return values -------------------------------------------------------------------------- */

struct fnarg {
	long ret;
	pthread_t thread;
	int status_seen;
};

static long
ret_fn(void *arg)
{
	struct fnarg *a = arg;

	a->thread = pthread_self();
	return a->ret;
}

static const long rets[] = { 0, 42, -7, LONG_MAX, LONG_MIN, -EBADF };

GS_MAIN_TEST(test_syscall_return, 2)
{
	gs_stats st0, st;

	ck_assert_int_eq(gs_read_stats(&st0), 0);
	for (size_t i = 0; i < sizeof rets / sizeof rets[0]; i++) {
		struct fnarg a = { .ret = rets[i] };
		pthread_t me = pthread_self();
		ck_assert(gs_syscall(ret_fn, &a) == rets[i]);
		ck_assert(pthread_equal(a.thread, me));
		me = pthread_self();
		ck_assert(gs_syscall_block(ret_fn, &a) == rets[i]);
		ck_assert(pthread_equal(a.thread, me));
	}
	ck_assert_int_eq(gs_read_stats(&st), 0);
	ck_assert_uint_ge(st.syscalls - st0.syscalls, 2 * sizeof rets / sizeof rets[0]);
	ck_assert_int_eq(st.in_syscall, 0);
	/* Enter/exit pairs are balanced; exit without enter does nothing. */
	gs_exitsyscall();
	ck_assert_int_eq(gs_read_stats(&st), 0);
	ck_assert_int_eq(st.in_syscall, 0);
}

START_TEST(test_syscall_outside)
{
	struct fnarg a = { .ret = 99 };

	/* Outside a goroutine enter/exit do nothing; fn still runs. */
	gs_entersyscall();
	gs_exitsyscall();
	gs_entersyscallblock();
	gs_exitsyscall();
	ck_assert(gs_syscall(ret_fn, &a) == 99);
	ck_assert(gs_syscall_block(ret_fn, &a) == 99);
	ck_assert_int_eq(gs_nanosleep(1000), 0);
	ck_assert_int_eq(gs_sys_read(-1, NULL, 0), -EBADF);
}
END_TEST

GS_MAIN_TEST(test_sys_io, 2)
{
	char path[] = "/tmp/gsched-check-syscall-XXXXXX";
	char buf[64] = { 0 };
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	unlink(path);
	ck_assert_int_eq(gs_sys_write(fd, "hello, world", 12), 12);
	ck_assert_int_eq(gs_sys_fsync(fd), 0);
	ck_assert_int_eq(gs_sys_pread(fd, buf, 5, 7), 5);
	ck_assert_mem_eq(buf, "world", 5);
	ck_assert_int_eq(gs_sys_pread(fd, buf, sizeof buf, 100), 0); /* past the end */
	ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
	memset(buf, 0, sizeof buf);
	ck_assert_int_eq(gs_sys_read(fd, buf, sizeof buf), 12);
	ck_assert_str_eq(buf, "hello, world");
	ck_assert_int_eq(gs_sys_read(fd, buf, sizeof buf), 0); /* EOF */
	/* -errno on errors. */
	ck_assert_int_eq(gs_sys_pread(fd, buf, 1, -1), -EINVAL);
	ck_assert_int_eq(close(fd), 0);
	ck_assert_int_eq(gs_sys_read(fd, buf, 1), -EBADF);
	ck_assert_int_eq(gs_sys_write(fd, buf, 1), -EBADF);
	ck_assert_int_eq(gs_sys_pread(fd, buf, 1, 0), -EBADF);
	ck_assert_int_eq(gs_sys_fsync(fd), -EBADF);
	ck_assert_int_eq(gs_sys_read(-1, buf, 1), -EBADF);
	ck_assert_int_eq(gs_sys_fsync(-1), -EBADF);
	/* Writing to a read-only descriptor. */
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(gs_sys_write(fd, "x", 1), -EBADF);
	close(fd);
	/* gs_nanosleep. */
	ck_assert_int_eq(gs_nanosleep(-1), GS_EINVAL);
	int64_t t0 = gs_nanotime();
	ck_assert_int_eq(gs_nanosleep(MS(5)), 0);
	ck_assert_int_ge(gs_nanotime() - t0, MS(5));
	ck_assert_int_eq(gs_nanosleep(0), 0);
}

/* ---- the thread limit --------------------------------------------------------------------- */

static gs_waitgroup limit_wg;

static void
limit_blocker(void *arg)
{
	(void)arg;
	gs_entersyscallblock();
	raw_nanosleep(MS(2000));
	gs_exitsyscall();
	gs_wg_done(&limit_wg);
}

static void
limit_main(void *arg)
{
	(void)arg;
	gs_wg_add(&limit_wg, 30);
	for (int i = 0; i < 30; i++)
		gs_go(limit_blocker, NULL);
	gs_wg_wait(&limit_wg);
}

static int
limit_child(void *arg)
{
	(void)arg;
	gs_config cfg = { .procs = 2, .max_threads = 10 };
	int rc = gs_run(limit_main, NULL, &cfg);

	fprintf(stderr, "child: gs_run returned %d\n", rc);
	return 0; /* reaching here is the failure */
}

START_TEST(test_thread_limit)
{
	static struct tu_child c;

	tu_child_run(&c, limit_child, NULL, TU_SEC(30));
	ck_assert_msg(!(WIFEXITED(c.status) && WEXITSTATUS(c.status) == 0),
	    "the program survived 30 blocked threads with max_threads=10; stderr: %s", c.out);
	ck_assert_msg(strstr(c.out, "program exceeds 10-thread limit") != NULL,
	    "stderr lacks the thread-limit message: %s", c.out);
}
END_TEST

static gs_waitgroup under_wg;

static void
under_blocker(void *arg)
{
	(void)arg;
	gs_entersyscallblock();
	raw_nanosleep(MS(50));
	gs_exitsyscall();
	gs_wg_done(&under_wg);
}

static void
under_main(void *arg)
{
	int *ok = arg;
	gs_waitgroup *wg = &under_wg;

	/* 4 blocked + 2 Ps + sysmon + spares stays under 20. */
	gs_wg_add(wg, 4);
	for (int i = 0; i < 4; i++)
		gs_go(under_blocker, NULL);
	gs_wg_wait(wg);
	*ok = 1;
}

/* Under the limit, the same kind of program runs to the end. */
START_TEST(test_thread_limit_under)
{
	int ok = 0;
	gs_config cfg = { .procs = 2, .max_threads = 20 };

	ck_assert_int_eq(gs_run(under_main, &ok, &cfg), 0);
	ck_assert_int_eq(ok, 1);
}
END_TEST

/* ---- how calls return: exitsyscall_oldp + idlep + global ---------------------------------- */

#define RET_G 20
#define RET_QUICK 20 /* calls that return at once: the own P is still there */
#define RET_SLEEPS 2 /* 2 ms: sysmon may retake the P meanwhile */
#define RET_BLOCKS 1 /* the P is handed off at once: it cannot come back */

static gs_waitgroup ret_wg;

static long
ret_nothing(void *arg)
{
	(void)arg;
	return 0;
}

static long
ret_sleep_1ms(void *arg)
{
	(void)arg;
	struct timespec ts = { 0, 1000000 };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
	return 0;
}

static void
ret_worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < RET_QUICK; i++)
		ck_assert_int_eq(gs_syscall(ret_nothing, NULL), 0);
	for (int i = 0; i < RET_SLEEPS; i++)
		ck_assert_int_eq(gs_nanosleep(2000000), 0);
	for (int i = 0; i < RET_BLOCKS; i++)
		ck_assert_int_eq(gs_syscall_block(ret_sleep_1ms, NULL), 0);
	tu_spin_ns(200 * 1000); /* keep the Ps busy for the others' returns */
	TU_WG_DONE(&ret_wg);
}

/* Every call that returned took exactly one of the three ways back, and a
 * call whose P was handed off at entry never got that P back by the fast
 * path. */
GS_MAIN_TEST(test_exitsyscall_paths, 2)
{
	gs_stats st0, st;

	ck_assert_int_eq(gs_read_stats(&st0), 0);
	TU_WG_ADD(&ret_wg, RET_G);
	for (int i = 0; i < RET_G; i++)
		TU_GO(ret_worker, NULL);
	gs_wg_wait(&ret_wg);
	ck_assert_int_eq(gs_read_stats(&st), 0);
	uint64_t calls = st.syscalls - st0.syscalls;
	uint64_t oldp = st.exitsyscall_oldp - st0.exitsyscall_oldp;
	uint64_t idlep = st.exitsyscall_idlep - st0.exitsyscall_idlep;
	uint64_t global = st.exitsyscall_global - st0.exitsyscall_global;
	ck_assert_uint_eq(calls, RET_G * (RET_QUICK + RET_SLEEPS + RET_BLOCKS));
	ck_assert_int_eq(st.in_syscall, 0);
	ck_assert_msg(oldp + idlep + global == calls,
	    "%" PRIu64 " calls returned as %" PRIu64 " own P + %" PRIu64 " idle P + %" PRIu64
	    " global",
	    calls, oldp, idlep, global);
	ck_assert_uint_gt(oldp, 0);
	ck_assert_msg(idlep + global >= RET_G * RET_BLOCKS,
	    "%" PRIu64 " + %" PRIu64 " returns without the own P, %d handed off", idlep, global,
	    RET_G * RET_BLOCKS);
}

static Suite *
syscall_suite(void)
{
	Suite *s = suite_create("syscall");
	TCase *tc;

	tc = tu_tcase("handoff", 60);
	tcase_add_loop_test(tc, test_syscall_loses_p, 0, 3);
	tcase_add_test(tc, test_syscall_threads);
	tcase_add_test(tc, test_syscall_quick);
	tcase_add_test(tc, test_exitsyscall_paths);
	suite_add_tcase(s, tc);

	tc = tu_tcase("calls", 30);
	tcase_add_test(tc, test_syscall_return);
	tcase_add_test(tc, test_syscall_outside);
	tcase_add_test(tc, test_sys_io);
	suite_add_tcase(s, tc);

	tc = tu_tcase("limit", 60);
	tcase_add_test(tc, test_thread_limit);
	tcase_add_test(tc, test_thread_limit_under);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run_suite(syscall_suite());
}
