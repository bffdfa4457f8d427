/*
 * check_debug.c - GSCHED_DEBUG (schedtrace in Go's exact format, scheddetail,
 * unknown keys, bad values) and the GOMAXPROCS environment variable (the
 * cgroup CPU limit is check_cgroup.c's).
 *
 * Each run whose stderr matters happens in a forked child whose stderr goes to
 * a pipe; the child reports through its exit status and stderr only (no Check
 * calls in the child).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <regex.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"
#include "tu_child.h"

#define MS(x) ((int64_t)(x)*1000000)

/* ---- running a child with stderr captured ------------------------------------------------ */

static struct tu_child child;

/* Fork; the child runs child_fn(arg) with stderr going to a pipe and exits with
 * its return value; the parent collects stderr into child.out and returns the
 * wait status (killing the child after timeout_ns). */
static int
run_child(int (*child_fn)(void *), void *arg, uint64_t timeout_ns)
{
	tu_child_run(&child, child_fn, arg, timeout_ns);
	return child.status;
}

static int
exit_code(int status)
{
	ck_assert_msg(WIFEXITED(status), "child died of signal %d; stderr: %.2000s",
	    WIFSIGNALED(status) ? WTERMSIG(status) : -1, child.out);
	return WEXITSTATUS(status);
}

/* ---- a child program ------------------------------------------------------------------- */

struct child_cfg {
	const char *gsched_debug; /* NULL: unset */
	const char *gomaxprocs;   /* NULL: unset */
	int procs;                /* cfg.procs */
	int64_t run_ns;           /* how long main keeps busy */
};

static void
busy_child_g(void *arg)
{
	int64_t end = *(int64_t *)arg;

	while (gs_nanotime() < end) {
		tu_spin_ns(200 * 1000);
		gs_yield();
	}
}

static void
child_main(void *arg)
{
	struct child_cfg *c = arg;
	int64_t end = gs_nanotime() + c->run_ns;

	fprintf(stderr, "RESULT gomaxprocs=%d\n", gs_gomaxprocs());
	if (c->run_ns > 0) {
		for (int i = 0; i < 3; i++)
			gs_go(busy_child_g, &end);
		while (gs_nanotime() < end)
			gs_sleep(MS(5));
	}
}

/* Exit codes: 0 ran fine, 10 + -rc when gs_run failed (GS_EINVAL -> 32). */
static int
child_run(void *arg)
{
	struct child_cfg *c = arg;

	if (c->gsched_debug)
		setenv("GSCHED_DEBUG", c->gsched_debug, 1);
	else
		unsetenv("GSCHED_DEBUG");
	if (c->gomaxprocs)
		setenv("GOMAXPROCS", c->gomaxprocs, 1);
	else
		unsetenv("GOMAXPROCS");
	gs_config cfg = { .procs = c->procs };
	int rc = gs_run(child_main, c, &cfg);
	fprintf(stderr, "RC %d\n", rc);
	return rc == 0 ? 0 : 10 - rc;
}

/* The GOMAXPROCS the child reported, or -1. */
static int
reported_procs(void)
{
	const char *p = strstr(child.out, "RESULT gomaxprocs=");

	return p ? atoi(p + strlen("RESULT gomaxprocs=")) : -1;
}

/* ---- schedtrace -------------------------------------------------------------------------- */

static void
check_sched_lines(int procs, int *nlines, long *lastms)
{
	char pat[512];
	regex_t re;
	char *save = NULL;
	long last_ms = -1;

	/* Go's exact format (runtime/proc.go schedtrace, Go 1.21+). */
	int n = snprintf(pat, sizeof pat,
	    "^SCHED ([0-9]+)ms: gomaxprocs=%d idleprocs=[0-9]+ threads=[0-9]+ "
	    "spinningthreads=[0-9]+ needspinning=[0-9]+ idlethreads=[0-9]+ runqueue=[0-9]+ "
	    "\\[[0-9]+",
	    procs);
	for (int i = 1; i < procs; i++)
		n += snprintf(pat + n, sizeof pat - (size_t)n, " [0-9]+");
	snprintf(pat + n, sizeof pat - (size_t)n, "\\]$");
	ck_assert_int_eq(regcomp(&re, pat, REG_EXTENDED), 0);
	*nlines = 0;
	char *copy = strdup(child.out);
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "SCHED", 5) != 0)
			continue;
		regmatch_t m[2];
		ck_assert_msg(regexec(&re, line, 2, m, 0) == 0,
		    "schedtrace line does not match Go's format for gomaxprocs=%d:\n%s", procs,
		    line);
		long ms = strtol(line + m[1].rm_so, NULL, 10);
		ck_assert_msg(ms >= last_ms, "time went backwards: %ld ms after %ld ms", ms,
		    last_ms);
		last_ms = ms;
		(*nlines)++;
	}
	free(copy);
	regfree(&re);
	if (lastms)
		*lastms = last_ms;
}

static const int trace_procs[] = { 2, 1, 5 };

START_TEST(test_schedtrace)
{
	struct child_cfg c = { .gsched_debug = "schedtrace=100",
		.procs = trace_procs[_i],
		.run_ns = MS(550) };
	int lines;
	long last_ms;

	ck_assert_int_eq(exit_code(run_child(child_run, &c, TU_SEC(30))), 0);
	ck_assert_int_eq(reported_procs(), trace_procs[_i]);
	check_sched_lines(trace_procs[_i], &lines, &last_ms);
	/* 550 ms at one line per 100 ms: about 6 (the first at the start).  A
	 * loaded machine may delay sysmon (fewer) or stretch the run (more), so the
	 * upper bound is the rate, from the last line's own time. */
	ck_assert_msg(lines >= 2 && lines <= last_ms / 100 + 2,
	    "%d SCHED lines in %ld ms at schedtrace=100:\n%s", lines, last_ms, child.out);
}
END_TEST

/* Without GSCHED_DEBUG nothing is printed. */
START_TEST(test_no_trace_by_default)
{
	struct child_cfg c = { .procs = 2, .run_ns = MS(250) };

	ck_assert_int_eq(exit_code(run_child(child_run, &c, TU_SEC(30))), 0);
	ck_assert_msg(strstr(child.out, "SCHED") == NULL, "trace without GSCHED_DEBUG:\n%s",
	    child.out);
	ck_assert_ptr_nonnull(strstr(child.out, "RC 0"));
}
END_TEST

static int
count_prefix(const char *pfx, const char *pattern)
{
	regex_t re;
	char *save = NULL;
	int n = 0;

	ck_assert_int_eq(regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB), 0);
	char *copy = strdup(child.out);
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, pfx, strlen(pfx)) != 0)
			continue;
		ck_assert_msg(regexec(&re, line, 0, NULL, 0) == 0, "line does not match /%s/:\n%s",
		    pattern, line);
		n++;
	}
	free(copy);
	regfree(&re);
	return n;
}

START_TEST(test_scheddetail)
{
	struct child_cfg c = { .gsched_debug = "schedtrace=100,scheddetail=1",
		.procs = 2,
		.run_ns = MS(350) };

	ck_assert_int_eq(exit_code(run_child(child_run, &c, TU_SEC(30))), 0);
	int sched = count_prefix("SCHED ",
	    "^SCHED [0-9]+ms: gomaxprocs=2 idleprocs=[0-9]+ threads=[0-9]+ spinningthreads=[0-9]+ "
	    "needspinning=[0-9]+ idlethreads=[0-9]+ runqueue=[0-9]+ gcwaiting=(true|false) "
	    "nmidlelocked=[0-9]+ stopwait=[0-9]+ sysmonwait=(true|false)$");
	int p0 = count_prefix("  P0: ",
	    "^  P0: status=[0-9]+ schedtick=[0-9]+ syscalltick=[0-9]+ "
	    "m=([0-9]+|nil) runqsize=[0-9]+ gfreecnt=[0-9]+ timerslen=[0-9]+$");
	int p1 = count_prefix("  P1: ", "^  P1: status=[0-9]+ ");
	int p2 = count_prefix("  P2: ", "^");
	int ms = count_prefix("  M", "^  M[0-9]+: p=([0-9]+|nil) curg=([0-9]+|nil) ");
	int gs = count_prefix("  G",
	    "^  G[0-9]+: status=[0-9]+\\([a-z ]*\\) m=([0-9]+|nil) "
	    "lockedm=nil$");
	ck_assert_msg(sched >= 2, "%d detailed SCHED lines:\n%.3000s", sched, child.out);
	ck_assert_int_eq(p0, sched);
	ck_assert_int_eq(p1, sched);
	ck_assert_int_eq(p2, 0);         /* exactly gomaxprocs P lines */
	ck_assert_int_ge(ms, sched * 2); /* at least sysmon and one worker */
	ck_assert_int_ge(gs, sched);     /* at least main */
	/* No bracketed per-P queue list in the detailed form. */
	ck_assert_ptr_null(strstr(child.out, "runqueue=0 ["));
}
END_TEST

/* ---- bad settings ------------------------------------------------------------------------- */

START_TEST(test_debug_unknown_key)
{
	struct child_cfg c = { .gsched_debug = "bogus=1", .procs = 2 };

	ck_assert_int_eq(exit_code(run_child(child_run, &c, TU_SEC(30))), 0);
	ck_assert_msg(strstr(child.out, "bogus") != NULL, "unknown key not named:\n%s", child.out);
	ck_assert_int_eq(reported_procs(), 2); /* the program ran */
	ck_assert_ptr_nonnull(strstr(child.out, "RC 0"));

	/* Mixed with a good one: the good one still applies. */
	c = (struct child_cfg){ .gsched_debug = "bogus=1,schedtrace=50",
		.procs = 2,
		.run_ns = MS(260) };
	ck_assert_int_eq(exit_code(run_child(child_run, &c, TU_SEC(30))), 0);
	ck_assert_ptr_nonnull(strstr(child.out, "bogus"));
	int lines;
	check_sched_lines(2, &lines, NULL);
	ck_assert_msg(lines >= 1, "schedtrace=50 after an unknown key printed nothing:\n%s",
	    child.out);
}
END_TEST

static const char *const bad_debug[] = {
	"schedtrace=abc",
	"schedtrace=",
	"schedtrace=-5",
	"schedtrace=10x",
	"scheddetail=2",
	"asyncpreemptoff=yes",
	"schedtrace",
};

START_TEST(test_debug_bad_value)
{
	const char *v = bad_debug[_i];
	struct child_cfg c = { .gsched_debug = v, .procs = 2 };
	int code = exit_code(run_child(child_run, &c, TU_SEC(30)));

	ck_assert_msg(code == 10 - GS_EINVAL, "GSCHED_DEBUG=%s: child exit %d, stderr:\n%s", v,
	    code, child.out);
	ck_assert_msg(reported_procs() == -1, "GSCHED_DEBUG=%s: main ran", v);
	/* A message naming the setting. */
	char key[32];
	snprintf(key, sizeof key, "%.*s", (int)strcspn(v, "="), v);
	ck_assert_msg(strstr(child.out, "GSCHED_DEBUG") != NULL && strstr(child.out, key) != NULL,
	    "GSCHED_DEBUG=%s: message does not name '%s':\n%s", v, key, child.out);
}
END_TEST

/* In this process: a failed start because of GSCHED_DEBUG leaves nothing behind. */
static void
set_flag_main(void *arg)
{
	*(int *)arg = gs_gomaxprocs();
}

START_TEST(test_debug_bad_then_good)
{
	int ran = 0;

	setenv("GSCHED_DEBUG", "schedtrace=abc", 1);
	ck_assert_int_eq(gs_run(set_flag_main, &ran, &(gs_config){ .procs = 2 }), GS_EINVAL);
	ck_assert_int_eq(ran, 0);
	ck_assert_int_eq(gs_gomaxprocs(), GS_ENOTRUN);
	setenv("GSCHED_DEBUG", "schedtrace=0", 1);
	ck_assert_int_eq(gs_run(set_flag_main, &ran, &(gs_config){ .procs = 2 }), 0);
	ck_assert_int_eq(ran, 2);
	unsetenv("GSCHED_DEBUG");
}
END_TEST

/* ---- GOMAXPROCS in the environment ------------------------------------------------------------ */

static const char *const bad_env[] = { "0", "-1", "abc", "100000", "257", "3x", " " };

START_TEST(test_gomaxprocs_env_bad)
{
	const char *v = bad_env[_i];
	struct child_cfg c = { .gomaxprocs = v, .procs = 0 };
	int code = exit_code(run_child(child_run, &c, TU_SEC(30)));

	ck_assert_msg(code == 10 - GS_EINVAL, "GOMAXPROCS='%s': child exit %d, stderr:\n%s", v,
	    code, child.out);
	ck_assert_int_eq(reported_procs(), -1);
	char want[64];
	snprintf(want, sizeof want, "GOMAXPROCS=%s", v);
	ck_assert_msg(strstr(child.out, want) != NULL,
	    "GOMAXPROCS='%s': message does not name "
	    "the value:\n%s",
	    v, child.out);
}
END_TEST

START_TEST(test_gomaxprocs_env_good)
{
	struct child_cfg c = { .gomaxprocs = "3", .procs = 0 };

	ck_assert_int_eq(exit_code(run_child(child_run, &c, TU_SEC(30))), 0);
	ck_assert_int_eq(reported_procs(), 3);
	c.gomaxprocs = "256";
	ck_assert_int_eq(exit_code(run_child(child_run, &c, TU_SEC(30))), 0);
	ck_assert_int_eq(reported_procs(), 256);
	c.gomaxprocs = "1";
	ck_assert_int_eq(exit_code(run_child(child_run, &c, TU_SEC(30))), 0);
	ck_assert_int_eq(reported_procs(), 1);
	/* An explicit cfg.procs wins over the environment. */
	c = (struct child_cfg){ .gomaxprocs = "3", .procs = 5 };
	ck_assert_int_eq(exit_code(run_child(child_run, &c, TU_SEC(30))), 0);
	ck_assert_int_eq(reported_procs(), 5);
}
END_TEST

/* gs_run on a small stack (ulimit -s 16 gives the main thread 16 KiB): what
 * it reads at start (the cgroup path, its files) lives on the heap. */
static void
small_main(void *arg)
{
	*(int *)arg = gs_gomaxprocs();
}

static void *
small_stack_run(void *arg)
{
	int *procs = arg;
	gs_config cfg = { .procs = 0 };
	*procs = gs_run(small_main, procs, &cfg) == 0 ? *procs : -1;
	return NULL;
}

START_TEST(test_run_on_small_stack)
{
	pthread_attr_t a;
	pthread_t t;
	int procs = 0;

	ck_assert_int_eq(pthread_attr_init(&a), 0);
	/* the smallest stack a thread may have (PTHREAD_STACK_MIN, 16 KiB) */
	ck_assert_int_eq(pthread_attr_setstacksize(&a, 16384), 0);
	ck_assert_int_eq(pthread_create(&t, &a, small_stack_run, &procs), 0);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	pthread_attr_destroy(&a);
	ck_assert_int_ge(procs, 1);
}
END_TEST

/* gs_set_fatal_hook: a fatal error (here the deadlock detector's) runs the
 * hook before it prints, once, and still exits with status 2. */
static void
fatal_hook_write(void)
{
	static const char m[] = "HOOK RAN\n";
	ssize_t r = write(2, m, sizeof m - 1);
	(void)r;
}

static void
deadlock_main(void *arg)
{
	(void)arg;
	gs_chan *c = gs_chan_make(0, 0);
	gs_chan_recv(c, NULL); /* nobody sends: every goroutine asleep */
}

static int
fatal_hook_child(void *arg)
{
	(void)arg;
	ck_assert_ptr_null(gs_set_fatal_hook(fatal_hook_write));
	ck_assert_ptr_eq(gs_set_fatal_hook(fatal_hook_write), fatal_hook_write);
	gs_run(deadlock_main, NULL, NULL);
	return 99; /* not reached: the runtime exits */
}

START_TEST(test_fatal_hook)
{
	int st = run_child(fatal_hook_child, NULL, 30ull * 1000000000);

	ck_assert_int_eq(exit_code(st), 2);
	const char *hook = strstr(child.out, "HOOK RAN");
	const char *fatal = strstr(child.out, "fatal error: all goroutines are asleep");
	ck_assert_msg(hook && fatal && hook < fatal, "stderr: %s", child.out);
	ck_assert_ptr_null(strstr(hook + 1, "HOOK RAN"));
}
END_TEST

/* gs_set_fatal_status: a program whose own table gives 2 another meaning
 * (gsched: usage errors) has the runtime's fatal errors exit with its own
 * status; out of 1..125 it is refused and nothing changes. */
static int
fatal_status_child(void *arg)
{
	(void)arg;
	ck_assert_int_eq(gs_set_fatal_status(0), GS_ERANGE);
	ck_assert_int_eq(gs_set_fatal_status(126), GS_ERANGE);
	ck_assert_int_eq(gs_set_fatal_status(7), GS_FATAL_STATUS);
	ck_assert_int_eq(gs_set_fatal_status(1), 7);
	gs_run(deadlock_main, NULL, NULL);
	return 99; /* not reached: the runtime exits */
}

START_TEST(test_fatal_status)
{
	int st = run_child(fatal_status_child, NULL, 30ull * 1000000000);

	ck_assert_int_eq(exit_code(st), 1);
	ck_assert_msg(strstr(child.out, "fatal error: all goroutines are asleep") != NULL,
	    "stderr: %s", child.out);
}
END_TEST

static Suite *
debug_suite(void)
{
	Suite *s = suite_create("debug");
	TCase *tc;

	tc = tu_tcase("schedtrace", 60);
	tcase_add_loop_test(tc, test_schedtrace, 0, 3);
	tcase_add_test(tc, test_no_trace_by_default);
	tcase_add_test(tc, test_scheddetail);
	suite_add_tcase(s, tc);

	tc = tu_tcase("settings", 30);
	tcase_add_test(tc, test_debug_unknown_key);
	tcase_add_loop_test(tc, test_debug_bad_value, 0, sizeof bad_debug / sizeof bad_debug[0]);
	tcase_add_test(tc, test_debug_bad_then_good);
	tcase_add_loop_test(tc, test_gomaxprocs_env_bad, 0, sizeof bad_env / sizeof bad_env[0]);
	tcase_add_test(tc, test_gomaxprocs_env_good);
	suite_add_tcase(s, tc);

	tc = tu_tcase("cgroup", 30);
	tcase_add_test(tc, test_run_on_small_stack);
	tcase_add_test(tc, test_fatal_hook);
	tcase_add_test(tc, test_fatal_status);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run_suite(debug_suite());
}
