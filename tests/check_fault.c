/*
 * check_fault.c - fault injection: the runtime's mmap (stacks),
 * pthread_create (sysmon, new Ms), epoll_create1/eventfd (netpoller) and
 * allocations (Gs, timers, timer heaps) fail on a chosen call, through the
 * linker's --wrap (fault_inject.h).  Each failure must give a clear error and
 * no hang: gs_run returns an error when the runtime cannot start (and the
 * runtime starts cleanly afterwards: no corrupted state), gs_go and
 * gs_timer_new return an error and the program goes on, and failures the
 * program cannot survive end it as Go does (a "fatal error: ..." line and exit
 * status 2), checked in a child process.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <unistd.h>

#include "fault_inject.h"
#include "testutil.h"
#include "tu_child.h"

static void
nothing_main(void *arg)
{
	*(int *)arg = 1;
}

/* After a failed start the runtime must start and run as if nothing happened. */
static void
assert_restarts(void)
{
	int ran = 0;

	tu_run(nothing_main, &ran, 2);
	ck_assert_int_eq(ran, 1);
}

/* ---- gs_run cannot start ---------------------------------------------------------------- */

struct startfail {
	enum fi_fn fn;
	int skip;
	int want; /* gs_run's result */
	const char *what;
};

static const struct startfail startfails[] = {
	{ FI_EPOLL_CREATE1, 0, -24, "netpoller: epoll_create1 fails (EMFILE)" },
	{ FI_EVENTFD, 0, -24, "netpoller: eventfd fails (EMFILE)" },
	{ FI_PTHREAD_CREATE, 0, GS_EAGAIN, "the sysmon thread cannot start" },
	{ FI_PTHREAD_CREATE, 1, GS_EAGAIN, "the first M cannot start" },
};

START_TEST(test_start_fails)
{
	const struct startfail *f = &startfails[_i];
	int ran = 0;

	fi_arm(f->fn, f->skip, 1);
	int rc = gs_run(nothing_main, &ran, &(gs_config){ .procs = 2 });
	fi_disarm(f->fn);
	printf("fault: %s: gs_run returned %d (%s), main ran: %s\n", f->what, rc, gs_strerror(rc),
	    ran ? "yes" : "no");
	ck_assert_msg(fi_failed(f->fn) == 1, "%s: the fault was not reached", f->what);
	ck_assert_msg(rc == f->want, "%s: gs_run returned %d (%s), want %d", f->what, rc,
	    gs_strerror(rc), f->want);
	ck_assert_int_eq(ran, 0);
	ck_assert(!gs_in_goroutine());
	ck_assert_int_eq(gs_gomaxprocs(), GS_ENOTRUN);
	assert_restarts();
}
END_TEST

/* The P array cannot be allocated: gs_run returns GS_ENOMEM. */
START_TEST(test_start_nomem)
{
	int ran = 0;

	/* Every allocation of this thread fails from the first one gs_run makes. */
	fi_arm(FI_MALLOC, 0, -1);
	int rc = gs_run(nothing_main, &ran, &(gs_config){ .procs = 4 });
	fi_disarm(FI_MALLOC);
	printf("fault: every allocation fails: gs_run returned %d (%s)\n", rc, gs_strerror(rc));
	ck_assert_int_ge(fi_failed(FI_MALLOC), 1);
	ck_assert_int_eq(rc, GS_ENOMEM);
	ck_assert_int_eq(ran, 0);
	assert_restarts();
}
END_TEST

/* ---- gs_go and gs_timer_new return an error; the program goes on ------------------------ */

static gs_chan *hold;

static void
holder(void *arg)
{
	(void)arg;
	(void)gs_chan_recv(hold, NULL);
}

static void
spawn_nomem_main(void *arg)
{
	int64_t id = 0;
	int spawned = 0;
	(void)arg;

	hold = gs_chan_make(0, 0);
	ck_assert_ptr_nonnull(hold);
	/* Keep every goroutine alive so no dead G can be reused; with the
	 * chunks Gs come from failing, some spawn must fail with GS_ENOMEM.
	 * Yielding lets the holders park, so the run queue never overflows
	 * into the global queue (whose growth would also need memory). */
	fi_arm(FI_ALIGNED_ALLOC, 0, -1);
	for (int i = 0; i < 100000 && (id = gs_go(holder, NULL)) > 0; i++) {
		spawned++;
		if (i % 32 == 31)
			gs_yield();
	}
	fi_disarm(FI_ALIGNED_ALLOC);
	printf("fault: G allocation fails: gs_go returned %" PRId64 " (%s) after %d "
	       "spawns\n",
	    id, gs_strerror((int)id), spawned);
	ck_assert_int_eq(id, GS_ENOMEM);
	/* The program goes on: spawning works again and everyone finishes. */
	TU_GO(holder, NULL);
	ck_assert_int_eq(gs_chan_close(hold), 0);
	ck_assert_int_eq(tu_wait_numgoroutine(1, TU_SEC(20)), 1);
	gs_chan_free(hold);
}

/* GOMAXPROCS 1: with two Ps the spawn would also wake an idle P, and the M
 * that needs could not be allocated either (fatal, as test_newm_fails shows). */
START_TEST(test_spawn_nomem)
{
	tu_run(spawn_nomem_main, NULL, 1);
}
END_TEST

static void
timer_nomem_main(void *arg)
{
	(void)arg;
	fi_arm(FI_MALLOC, 0, 1);
	gs_timer *t = gs_timer_new(1000000);
	fi_disarm(FI_MALLOC);
	ck_assert_msg(t == NULL, "gs_timer_new succeeded with its allocation failing");
	printf("fault: timer allocation fails: gs_timer_new returned NULL\n");
	/* The next timer works. */
	t = gs_timer_new(1000000);
	ck_assert_ptr_nonnull(t);
	int64_t when = 0;
	ck_assert_int_eq(gs_chan_recv(gs_timer_chan(t), &when), 1);
	ck_assert_int_gt(when, 0);
	gs_timer_free(t);
}

START_TEST(test_timer_nomem)
{
	tu_run(timer_nomem_main, NULL, 2);
}
END_TEST

/* ---- failures the program cannot survive: fatal, exit status 2 -------------------------- */

static void
spin_g(void *arg)
{
	(void)arg;
	for (;;)
		gs_sleep(1000000);
}

/* GOMAXPROCS 1: no other M starts, so the only mmap call after arming is the
 * new goroutine's stack: a chunk to cut it from, as no stack of its size
 * exists yet. */
static void
stack_fail_main(void *arg)
{
	(void)arg;
	fi_arm(FI_MMAP, 0, -1);
	gs_attr attr = { .label = "nostack", .stack_size = 1 << 20 };
	int64_t id = gs_go_attr(spin_g, NULL, &attr);
	fprintf(stderr, "child: spawned goroutine %" PRId64 "\n", id);
	gs_yield(); /* it gets its stack when it first runs */
	gs_sleep(100000000);
}

/* GOMAXPROCS 4 with only main running: a spawn wakes an idle P, which needs a
 * new M; its thread cannot be created. */
static void
newm_fail_main(void *arg)
{
	(void)arg;
	fi_arm(FI_PTHREAD_CREATE, 0, -1);
	for (int i = 0; i < 8; i++)
		gs_go(spin_g, NULL);
	gs_sleep(2000000000);
}

/* A timer heap that cannot grow: the goroutine cannot sleep. */
static void
theap_fail_main(void *arg)
{
	(void)arg;
	fi_arm(FI_MALLOC, 0, -1);
	gs_sleep(1000000);
	fi_disarm(FI_MALLOC);
}

static const struct fatal {
	const char *what;
	void (*main_fn)(void *);
	int procs;
	const char *want;
} fatals[] = {
	{ "stack mmap fails", stack_fail_main, 1,
	    "fatal error: out of memory allocating a 1048576-byte stack for goroutine" },
	{ "new M cannot start", newm_fail_main, 4,
	    "fatal error: runtime: failed to create new OS thread (have " },
	{ "timer heap cannot grow", theap_fail_main, 1,
	    "fatal error: out of memory growing a timer heap" },
};

/* The child: main_fn must never return (the program ends first). */
static int
fatal_child(void *arg)
{
	const struct fatal *f = arg;
	int rc = gs_run(f->main_fn, NULL, &(gs_config){ .procs = f->procs });

	fprintf(stderr, "child: still running, gs_run returned %d\n", rc);
	return 0;
}

START_TEST(test_fatal)
{
	static struct tu_child c;
	const struct fatal *f = &fatals[_i];
	const char *const want[] = { f->want, NULL };

	tu_child_run(&c, fatal_child, (void *)f, TU_SEC(30));
	printf("fault: %s: exit status %d, stderr: %s", f->what,
	    WIFEXITED(c.status) ? WEXITSTATUS(c.status) : -1, c.out);
	tu_child_expect(&c, 2, want);
	ck_assert_msg(strstr(c.out, "still running") == NULL, "the child went on: %s", c.out);
}
END_TEST

static Suite *
fault_suite(void)
{
	Suite *s = suite_create("fault");
	TCase *tc;

	tc = tu_tcase("start", 30);
	/* The poll(2) netpoller has no epoll_create1 or eventfd to fail. */
#ifdef GS_NETPOLL_POLL
	tcase_add_loop_test(tc, test_start_fails, 2,
#else
	tcase_add_loop_test(tc, test_start_fails, 0,
#endif
	    (int)(sizeof startfails / sizeof startfails[0]));
	tcase_add_test(tc, test_start_nomem);
	suite_add_tcase(s, tc);

	tc = tu_tcase("goes-on", 30);
	tcase_add_test(tc, test_spawn_nomem);
	tcase_add_test(tc, test_timer_nomem);
	suite_add_tcase(s, tc);

	tc = tu_tcase("fatal", 60);
	tcase_add_loop_test(tc, test_fatal, 0, (int)(sizeof fatals / sizeof fatals[0]));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	return tu_run_suite(fault_suite());
}
