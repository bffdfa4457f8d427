/*
 * testutil.h - helpers shared by the Check suites.
 *
 * The suites run in Check's fork mode (CK_FORK=yes, as `make check` sets it): every
 * test is its own process, so a runtime started by one test cannot disturb the
 * next, and a failed ck_assert inside a goroutine ends that process at once (Check
 * reports the failure and exits).  Do not run them with CK_FORK=no: Check would then
 * longjmp from a goroutine's stack into the test runner's.
 *
 * Every whole-scheduler test runs its body as the main goroutine through
 * tu_run(), which asserts that the body ran to its end, that gs_run returned 0 and
 * that the runtime was down afterwards (a clean shutdown).
 */
#ifndef GS_TESTUTIL_H
#define GS_TESTUTIL_H

#include <check.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gsched.h"

/* Sanitizer builds are 3-10x slower: loops that only add confidence scale down. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define TU_SANITIZED 1
#define TU_SCALE(n) ((n) / 10 > 0 ? (n) / 10 : 1)
#else
#define TU_SANITIZED 0
#define TU_SCALE(n) (n)
#endif

/* ThreadSanitizer gives every goroutine a fiber and counts fibers against its
 * thread limit (8128): tests with more live goroutines than that scale down. */
#if defined(__SANITIZE_THREAD__)
#define TU_TSAN 1
#define TU_LIVE_MAX 4000
#else
#define TU_TSAN 0
#define TU_LIVE_MAX 100000000
#endif

#define TU_UNUSED __attribute__((unused))

/* n, or fewer when this kernel caps live goroutines (no guard markers before
 * Linux 6.13: gs_goroutine_limit), keeping room for the test's own; says so
 * on stderr when it lowers n. */
static inline int TU_UNUSED
tu_live_cap(int n)
{
	long limit = gs_goroutine_limit();

	if (n > TU_LIVE_MAX)
		n = TU_LIVE_MAX;
	if (limit > 0 && n > limit - 64) {
		fprintf(stderr,
		    "note: this kernel allows %ld live goroutines (gs_goroutine_limit): "
		    "%d instead of %d\n",
		    limit, (int)(limit - 64), n);
		n = (int)(limit - 64);
	}
	return n;
}

static inline uint64_t TU_UNUSED
tu_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Burn CPU for about ns nanoseconds without giving up the processor. */
static inline void TU_UNUSED
tu_spin_ns(uint64_t ns)
{
	uint64_t end = tu_now_ns() + ns;
	while (tu_now_ns() < end)
		__asm__ volatile("" ::: "memory");
}

/* ---- running a body as the main goroutine ------------------------------------- */

struct tu_main {
	void (*fn)(void *);
	void *arg;
	int ran;          /* the body returned normally */
	int in_goroutine; /* gs_in_goroutine() was true inside */
};

static void TU_UNUSED
tu_main_trampoline(void *p)
{
	struct tu_main *m = p;

	m->in_goroutine = gs_in_goroutine();
	m->fn(m->arg);
	m->ran = 1;
}

/* Run fn(arg) as the main goroutine with the given configuration and assert a clean
 * start, a complete run and a clean shutdown. */
static inline void TU_UNUSED
tu_run_cfg(void (*fn)(void *), void *arg, const gs_config *cfg)
{
	struct tu_main m = { fn, arg, 0, 0 };
	int rc;

	ck_assert(!gs_in_goroutine());
	rc = gs_run(tu_main_trampoline, &m, cfg);
	ck_assert_msg(rc == 0, "gs_run returned %d (%s)", rc, gs_strerror(rc));
	ck_assert_msg(m.in_goroutine, "main did not run as a goroutine");
	ck_assert_msg(m.ran, "main goroutine did not run to its end");
	/* The runtime is down again. */
	ck_assert(!gs_in_goroutine());
	ck_assert_int_eq(gs_gomaxprocs(), GS_ENOTRUN);
	ck_assert_int_eq(gs_self(), GS_ENOTRUN);
}

/* The same with cfg.procs = procs (0: the default GOMAXPROCS). */
static inline void TU_UNUSED
tu_run(void (*fn)(void *), void *arg, int procs)
{
	gs_config cfg = { .procs = procs };

	tu_run_cfg(fn, arg, &cfg);
}

/* The same with a time slice of 10 s instead of 10 ms (slow motion at its
 * most, x1000: the runtime's own time constants stretch, not the program's
 * sleeps), so sysmon preempts no goroutine of a test that needs it to keep
 * its P for a while even on a slow machine (a second was once not enough
 * beside a sanitized build, valgrind and two CPU hogs). */
static inline void TU_UNUSED
tu_run_long_slice(void (*fn)(void *), void *arg, int procs)
{
	ck_assert_int_eq(gs_set_timescale(GS_TIMESCALE_MAX), 0);
	tu_run(fn, arg, procs);
	ck_assert_int_eq(gs_set_timescale(0), 0);
}

/*
 * GS_MAIN_TEST(name, procs) { body } defines a Check test `name` whose body runs as
 * the main goroutine with GOMAXPROCS = procs; `arg_` is NULL in the body.
 */
#define GS_MAIN_TEST(name, procs)                                                                  \
	static void name##_gmain(void *arg_);                                                      \
	START_TEST(name)                                                                           \
	{                                                                                          \
		tu_run(name##_gmain, NULL, (procs));                                               \
	}                                                                                          \
	END_TEST                                                                                   \
	static void name##_gmain(void *arg_ TU_UNUSED)

/* ---- goroutine helpers --------------------------------------------------------- */

/* Spawn and assert the id is valid. */
#define TU_GO(fn, arg)                                                                             \
	do {                                                                                       \
		int64_t tu_id_ = gs_go((fn), (arg));                                               \
		ck_assert_msg(tu_id_ > 0, "gs_go returned %" PRId64 " (%s)", tu_id_,               \
		    gs_strerror((int)tu_id_));                                                     \
	} while (0)

#define TU_GO_STACK(fn, arg, size)                                                                 \
	do {                                                                                       \
		gs_attr tu_attr_ = { .label = "test", .stack_size = (size) };                      \
		int64_t tu_id_ = gs_go_attr((fn), (arg), &tu_attr_);                               \
		ck_assert_msg(tu_id_ > 0, "gs_go_attr returned %" PRId64 " (%s)", tu_id_,          \
		    gs_strerror((int)tu_id_));                                                     \
	} while (0)

#define TU_WG_ADD(wg, n) ck_assert_int_eq(gs_wg_add((wg), (n)), 0)
#define TU_WG_DONE(wg) ck_assert_int_eq(gs_wg_done(wg), 0)

/* qsort/bsearch comparator for int64_t, e.g. goroutine ids. */
static inline int TU_UNUSED
tu_cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/*
 * Yield until gs_numgoroutine() <= want (goroutines that called gs_wg_done may still
 * be on their way out) or timeout_ns passes.  Returns the last count seen.  This is
 * a bounded wait for a condition, not a sleep standing in for synchronization.
 */
static inline int TU_UNUSED
tu_wait_numgoroutine(int want, uint64_t timeout_ns)
{
	uint64_t end = tu_now_ns() + timeout_ns;
	int n;

	while ((n = gs_numgoroutine()) > want && tu_now_ns() < end)
		gs_yield();
	return n;
}

/* Yield until pred(arg) holds or timeout_ns passes; returns the last pred value. */
static inline bool TU_UNUSED
tu_yield_until(bool (*pred)(void *), void *arg, uint64_t timeout_ns)
{
	uint64_t end = tu_now_ns() + timeout_ns;
	bool ok;

	while (!(ok = pred(arg)) && tu_now_ns() < end)
		gs_yield();
	return ok;
}

/* Yield until at least n goroutines wait for the given reason (gs_read_stats). */
static inline int TU_UNUSED
tu_wait_waiting(int reason, int n, uint64_t timeout_ns)
{
	uint64_t end = tu_now_ns() + timeout_ns;
	gs_stats st;

	for (;;) {
		ck_assert_int_eq(gs_read_stats(&st), 0);
		if (st.by_waitreason[reason] >= n || tu_now_ns() >= end)
			return st.by_waitreason[reason];
		gs_yield();
	}
}

#define TU_SEC(s) ((uint64_t)(s)*1000000000u)

/* ---- skipping ------------------------------------------------------------------- */

/*
 * Check has no "skipped" result: a test that returns early passes.  So a test
 * that cannot check anything here (unprivileged, no IPv6, no cgroup...) says
 * so before it returns, as "SKIP: <test>: <reason>" on stderr, where make
 * check's log keeps it:
 *
 *	if (!have_ipv6()) {
 *		TU_SKIP("no IPv6 loopback (%s)", strerror(errno));
 *		return;
 *	}
 */
#define TU_SKIP(...) tu_skip(__func__, __VA_ARGS__)

static inline void TU_UNUSED __attribute__((format(printf, 2, 3)))
tu_skip(const char *func, const char *fmt, ...)
{
	static const char suffix[] = "_gmain"; /* GS_MAIN_TEST's body */
	size_t len = strlen(func), sl = sizeof suffix - 1;
	va_list ap;

	if (len > sl && strcmp(func + len - sl, suffix) == 0)
		len -= sl;
	fprintf(stderr, "SKIP: %.*s: ", (int)len, func);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
}

/* ---- suite plumbing -------------------------------------------------------------- */

/* Run one suite and return the exit status for main(). */
static inline int TU_UNUSED
tu_run_suite(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/*
 * First thing in a process forked from a test.  Check's handlers for SIGALRM,
 * SIGINT and SIGTERM are inherited across fork, and its SIGALRM handler (its
 * test timeout) kills the *test's* process group with SIGKILL.  An alarm(2) set
 * in the child would therefore kill the test, which Check reports as
 * "Received signal 9 (Killed)", while the child, in a process group of its own,
 * ran on.  Put the defaults back so the child's own alarm ends the child.
 */
static inline void TU_UNUSED
tu_forked(void)
{
	signal(SIGALRM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
}

/* A test case with an explicit timeout (scaled up under sanitizers). */
static inline TCase *TU_UNUSED
tu_tcase(const char *name, double timeout_s)
{
	TCase *tc = tcase_create(name);

	tcase_set_timeout(tc, TU_SANITIZED ? timeout_s * 3 : timeout_s);
	return tc;
}

#endif /* GS_TESTUTIL_H */
