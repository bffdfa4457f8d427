/*
 * check_sched.c - whole-scheduler tests through the public API: gs_run's life cycle
 * and configuration, spawning (a million goroutines, trees), ids, gs_yield,
 * GOMAXPROCS far above the CPU count, work stealing and run-queue fairness,
 * and the counters that show them (runnext_hits, fair_takes, the steals' share).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fenv.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>

#include "testutil.h"
#include "tu_child.h"

/* ---- main, arguments, lifecycle ----------------------------------------------------- */

struct retval {
	int in;
	int out;
	int64_t self;
};

static void
main_retval(void *arg)
{
	struct retval *rv = arg;

	rv->out = rv->in * 2 + 1;
	rv->self = gs_self();
}

START_TEST(test_run_arg_and_result)
{
	struct retval rv = { .in = 20, .out = 0, .self = 0 };

	ck_assert(!gs_in_goroutine());
	/* cfg may be NULL. */
	ck_assert_int_eq(gs_run(main_retval, &rv, NULL), 0);
	ck_assert_int_eq(rv.out, 41);
	ck_assert_int_gt(rv.self, 0);
	ck_assert(!gs_in_goroutine());
	ck_assert_int_eq(gs_gomaxprocs(), GS_ENOTRUN);
}
END_TEST

static _Atomic int twice_count;

static void
main_twice(void *arg)
{
	int want = *(int *)arg;

	ck_assert_int_eq(gs_gomaxprocs(), want);
	ck_assert_int_eq(gs_numgoroutine(), 1);
	/* The runtime is already running: a nested gs_run is refused. */
	ck_assert_int_eq(gs_run(main_twice, arg, NULL), GS_EBUSY);
	atomic_fetch_add(&twice_count, 1);
}

static void
spawn_and_park_forever_child(void *arg)
{
	gs_chan *c = arg;

	gs_chan_recv(c, NULL); /* never sent to: discarded at shutdown */
}

static void
yield_forever(void *arg)
{
	(void)arg;
	for (;;)
		gs_yield();
}

/* Main returns while goroutines are still parked or runnable: they are discarded,
 * gs_run returns, and the next run starts with a clean count. */
static void
main_leave_behind(void *arg)
{
	gs_chan **cp = arg;

	*cp = gs_chan_make(sizeof(int), 0);
	ck_assert_ptr_nonnull(*cp);
	for (int i = 0; i < 100; i++)
		TU_GO(spawn_and_park_forever_child, *cp);
	for (int i = 0; i < 3; i++)
		TU_GO(yield_forever, NULL);
	ck_assert_int_eq(tu_wait_waiting(GS_WAIT_CHAN_RECV, 100, TU_SEC(10)), 100);
	ck_assert_int_ge(gs_numgoroutine(), 104);
}

START_TEST(test_run_twice)
{
	int procs[] = { 2, 3, 1, 4 };
	gs_chan *c = NULL;

	for (int i = 0; i < 4; i++) {
		gs_config cfg = { .procs = procs[i] };
		ck_assert_int_eq(gs_run(main_twice, &procs[i], &cfg), 0);
		ck_assert_int_eq(atomic_load(&twice_count), i + 1);
		ck_assert_int_eq(gs_gomaxprocs(), GS_ENOTRUN);
	}
	/* A run that leaves goroutines behind, then a fresh one. */
	tu_run(main_leave_behind, &c, 2);
	gs_chan_free(c); /* its waiters were discarded with the runtime */
	ck_assert_int_eq(gs_run(main_twice, &procs[0], &(gs_config){ .procs = 2 }), 0);
	ck_assert_int_eq(atomic_load(&twice_count), 5);
}
END_TEST

static void
main_never(void *arg)
{
	*(int *)arg = 1;
}

START_TEST(test_run_bad_config)
{
	int ran = 0;
	struct {
		gs_config cfg;
		const char *what;
	} bad[] = {
		{ { .procs = -1 }, "procs -1" },
		{ { .procs = 257 }, "procs 257" },
		{ { .procs = 100000 }, "procs 100000" },
		{ { .stack_size = SIZE_MAX }, "stack SIZE_MAX" },
		{ { .stack_size = (size_t)1 << 40 }, "stack 1 TiB" },
		{ { .max_threads = -1 }, "max_threads -1" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = gs_run(main_never, &ran, &bad[i].cfg);
		ck_assert_msg(rc == GS_EINVAL, "%s: gs_run returned %d, want GS_EINVAL",
		    bad[i].what, rc);
		ck_assert_msg(ran == 0, "%s: main ran", bad[i].what);
		ck_assert_int_eq(gs_gomaxprocs(), GS_ENOTRUN);
	}
	ck_assert_int_eq(gs_run(NULL, NULL, NULL), GS_EINVAL);

	/* The edges are fine, and a failed start leaves nothing behind. */
	ck_assert_int_eq(gs_run(main_never, &ran, &(gs_config){ .procs = 256 }), 0);
	ck_assert_int_eq(ran, 1);
	ran = 0;
	ck_assert_int_eq(gs_run(main_never, &ran,
			     &(gs_config){ .procs = 1, .stack_size = TU_SANITIZED ? 16384 : 2048 }),
	    0);
	ck_assert_int_eq(ran, 1);
}
END_TEST

/* ---- outside the runtime ------------------------------------------------------------- */

static void
noop(void *arg)
{
	(void)arg;
}

static void *
foreign_thread(void *arg)
{
	int *res = arg;
	gs_stats st;

	/* A thread that is not a goroutine, while the runtime runs. */
	res[0] = gs_in_goroutine();
	res[1] = (int)gs_self();
	res[2] = gs_gomaxprocs();
	res[3] = gs_read_stats(&st);
	res[4] = st.gomaxprocs;
	return NULL;
}

static void
main_foreign(void *arg)
{
	pthread_t th;
	int *res = arg;

	ck_assert_int_eq(pthread_create(&th, NULL, foreign_thread, res), 0);
	/* pthread_join blocks this M; that is allowed, if impolite. */
	ck_assert_int_eq(pthread_join(th, NULL), 0);
}

START_TEST(test_outside_runtime)
{
	gs_stats st;
	int res[5] = { -100, -100, -100, -100, -100 };

	ck_assert(!gs_in_goroutine());
	ck_assert_int_eq(gs_self(), GS_ENOTRUN);
	ck_assert_int_eq(gs_gomaxprocs(), GS_ENOTRUN);
	ck_assert_int_eq(gs_read_stats(&st), GS_ENOTRUN);
	ck_assert_int_lt(gs_go(noop, NULL), 0);
	ck_assert_int_lt(gs_go_attr(noop, NULL, NULL), 0);
	ck_assert_int_ge(gs_numcpu(), 1);

	tu_run(main_foreign, res, 3);
	ck_assert_int_eq(res[0], 0);
	ck_assert_int_eq(res[1], GS_ENOTRUN);
	ck_assert_int_eq(res[2], 3);
	ck_assert_int_eq(res[3], 0);
	ck_assert_int_eq(res[4], 3);
}
END_TEST

START_TEST(test_strerror)
{
	static const int codes[] = { 0, GS_EINVAL, GS_ENOMEM, GS_EAGAIN, GS_EBUSY, GS_ENOTRUN,
		GS_ECLOSED, GS_ERANGE, GS_EPERM };
	enum { NC = sizeof(codes) / sizeof(codes[0]) };
	const char *s[NC];

	for (int i = 0; i < NC; i++) {
		s[i] = gs_strerror(codes[i]);
		ck_assert_ptr_nonnull(s[i]);
		ck_assert_int_gt(strlen(s[i]), 0);
		for (int j = 0; j < i; j++)
			ck_assert_msg(strcmp(s[i], s[j]) != 0, "codes %d and %d share \"%s\"",
			    codes[i], codes[j], s[i]);
	}
	ck_assert_ptr_nonnull(gs_strerror(-9999));
	ck_assert_ptr_nonnull(gs_strerror(12345));
	for (int i = 0; i < GS_G_NSTATUS; i++)
		ck_assert_ptr_nonnull(gs_gstatus_name(i));
	for (int i = 0; i < GS_WAIT_NREASONS; i++)
		ck_assert_ptr_nonnull(gs_waitreason_name(i));
}
END_TEST

/* ---- GOMAXPROCS and CPUs ---------------------------------------------------------- */

static void
main_report_procs(void *arg)
{
	int *out = arg;
	gs_stats st;

	out[0] = gs_gomaxprocs();
	ck_assert_int_eq(gs_read_stats(&st), 0);
	out[1] = st.gomaxprocs;
	out[2] = st.ncpu;
}

START_TEST(test_gomaxprocs_numcpu)
{
	cpu_set_t set;
	int out[3];
	int ncpu = gs_numcpu();

	ck_assert_int_eq(sched_getaffinity(0, sizeof(set), &set), 0);
	ck_assert_int_eq(ncpu, CPU_COUNT(&set));

	/* Explicit. */
	tu_run(main_report_procs, out, 5);
	ck_assert_int_eq(out[0], 5);
	ck_assert_int_eq(out[1], 5);
	ck_assert_int_eq(out[2], ncpu);

	/* Default from the environment. */
	setenv("GOMAXPROCS", "3", 1);
	tu_run(main_report_procs, out, 0);
	ck_assert_int_eq(out[0], 3);
	ck_assert_int_eq(out[1], 3);

	/* Default without: the CPUs we may use (possibly lowered to a CPU quota). */
	unsetenv("GOMAXPROCS");
	tu_run(main_report_procs, out, 0);
	ck_assert_int_ge(out[0], 1);
	ck_assert_int_le(out[0], ncpu);
	ck_assert_int_eq(out[1], out[0]);
}
END_TEST

/* ---- ids ------------------------------------------------------------------------------ */

#define NIDS 2000

struct ids {
	gs_waitgroup wg;
	int64_t seen[NIDS];
	int64_t spawned[NIDS];
};

struct id_arg {
	struct ids *ids;
	int idx;
};

static void
record_id(void *arg)
{
	struct id_arg *a = arg;

	a->ids->seen[a->idx] = gs_self();
	ck_assert(gs_in_goroutine());
	TU_WG_DONE(&a->ids->wg);
}

GS_MAIN_TEST(test_self_ids, 2)
{
	static struct ids ids;
	static struct id_arg args[NIDS];
	int64_t mainid = gs_self();

	ck_assert_int_gt(mainid, 0);
	ck_assert_int_eq(gs_self(), mainid); /* stable */
	TU_WG_ADD(&ids.wg, NIDS);
	for (int i = 0; i < NIDS; i++) {
		args[i] = (struct id_arg){ &ids, i };
		ids.spawned[i] = gs_go(record_id, &args[i]);
		ck_assert_int_gt(ids.spawned[i], 0);
		if (i % 100 == 0)
			gs_yield();
	}
	gs_wg_wait(&ids.wg);
	ck_assert_int_eq(gs_self(), mainid);
	for (int i = 0; i < NIDS; i++) {
		ck_assert_int_eq(ids.seen[i], ids.spawned[i]);
		ck_assert_int_ne(ids.seen[i], mainid);
	}
	qsort(ids.seen, NIDS, sizeof(int64_t), tu_cmp_i64);
	for (int i = 1; i < NIDS; i++)
		ck_assert_msg(ids.seen[i] != ids.seen[i - 1], "id %" PRId64 " given twice",
		    ids.seen[i]);
	ck_assert_int_gt(ids.seen[0], 0);
}

/* ---- a million goroutines ------------------------------------------------------------- */

#define MILLION 1000000
#define WAVE 10000

static _Atomic uint64_t million_count;
static gs_waitgroup million_wg;

static void
million_child(void *arg)
{
	(void)arg;
	atomic_fetch_add_explicit(&million_count, 1, memory_order_relaxed);
	gs_wg_done(&million_wg);
}

static void
check_stats_consistent(const gs_stats *st)
{
	int sum = 0;

	for (int i = 0; i < GS_G_NSTATUS; i++) {
		ck_assert_int_ge(st->by_status[i], 0);
		if (i != GS_G_DEAD && i != GS_G_IDLE)
			sum += st->by_status[i];
	}
	ck_assert_msg(sum == st->goroutines, "by_status sums to %d, goroutines %d", sum,
	    st->goroutines);
	ck_assert_int_ge(st->by_status[GS_G_RUNNING], 1); /* the reader */
	ck_assert_uint_ge(st->spawns, st->exits);
	/* Main may or may not count as a spawn; nothing else may be off. */
	uint64_t live = st->spawns - st->exits;
	ck_assert_msg(live == (uint64_t)st->goroutines || live + 1 == (uint64_t)st->goroutines,
	    "spawns %" PRIu64 " - exits %" PRIu64 " vs goroutines %d", st->spawns, st->exits,
	    st->goroutines);
}

GS_MAIN_TEST(test_million_goroutines, 2)
{
	gs_stats st;
	int n = TU_SCALE(MILLION);
	int wave = n < WAVE ? n : WAVE;

	/* In waves, so the live set (and its stacks) stays bounded. */
	for (int done = 0; done < n; done += wave) {
		TU_WG_ADD(&million_wg, wave);
		for (int i = 0; i < wave; i++) {
			int64_t id = gs_go(million_child, NULL);
			if (id <= 0)
				ck_abort_msg("gs_go failed at %d: %s", done + i,
				    gs_strerror((int)id));
		}
		gs_wg_wait(&million_wg);
		ck_assert_uint_eq(atomic_load(&million_count), (uint64_t)done + wave);
	}
	ck_assert_uint_eq(atomic_load(&million_count), (uint64_t)n);

	/* No leak: every child exits, only main is left. */
	ck_assert_int_eq(tu_wait_numgoroutine(1, TU_SEC(10)), 1);
	ck_assert_int_eq(gs_read_stats(&st), 0);
	ck_assert_int_eq(st.goroutines, 1);
	ck_assert_uint_ge(st.spawns, (uint64_t)n);
	ck_assert_uint_ge(st.exits, (uint64_t)n);
	ck_assert_uint_le(st.spawns, (uint64_t)n + 1);
	check_stats_consistent(&st);
}

/* ---- a tree of goroutines ----------------------------------------------------------------- */

#define TREE_FANOUT 3
#define TREE_DEPTH 7 /* (3^8 - 1) / 2 = 3280 nodes */

static int
tree_size(int depth)
{
	int n = 1, level = 1;

	for (int d = 1; d <= depth; d++) {
		level *= TREE_FANOUT;
		n += level;
	}
	return n;
}

struct tnode {
	int depth;
	_Atomic int *count;
	int subtree;
	gs_waitgroup *parent_wg;
};

static void
tnode_run(void *arg)
{
	struct tnode *me = arg;
	struct tnode kids[TREE_FANOUT];
	gs_waitgroup wg = GS_WAITGROUP_INIT;

	atomic_fetch_add(me->count, 1);
	me->subtree = 1;
	if (me->depth < TREE_DEPTH) {
		TU_WG_ADD(&wg, TREE_FANOUT);
		for (int i = 0; i < TREE_FANOUT; i++) {
			kids[i] = (struct tnode){ me->depth + 1, me->count, 0, &wg };
			TU_GO(tnode_run, &kids[i]);
		}
		gs_wg_wait(&wg); /* kids live on this stack */
		for (int i = 0; i < TREE_FANOUT; i++)
			me->subtree += kids[i].subtree;
	}
	if (me->parent_wg != NULL)
		TU_WG_DONE(me->parent_wg);
}

GS_MAIN_TEST(test_tree, 4)
{
	_Atomic int count = 0;
	gs_waitgroup wg = GS_WAITGROUP_INIT;
	struct tnode root = { 0, &count, 0, &wg };

	TU_WG_ADD(&wg, 1);
	TU_GO(tnode_run, &root);
	gs_wg_wait(&wg);
	ck_assert_int_eq(atomic_load(&count), tree_size(TREE_DEPTH));
	ck_assert_int_eq(root.subtree, tree_size(TREE_DEPTH));
	ck_assert_int_eq(tu_wait_numgoroutine(1, TU_SEC(10)), 1);
}

/* ---- gs_exit ------------------------------------------------------------------------------ */

static _Atomic int exit_after;

/* Every path that does not recurse ends in gs_exit, which never returns: gcc
 * reads that as infinite recursion. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Winfinite-recursion"
static void
exit_deep(int depth, gs_waitgroup *wg)
{
	if (depth < 0)
		return;
	if (depth > 0) {
		exit_deep(depth - 1, wg);
		atomic_fetch_add(&exit_after, 1); /* never reached */
		return;
	}
	TU_WG_DONE(wg);
	gs_exit();
}
#pragma GCC diagnostic pop

static void
exit_child(void *arg)
{
	exit_deep(10, arg);
	atomic_fetch_add(&exit_after, 1);
}

GS_MAIN_TEST(test_exit, 2)
{
	gs_waitgroup wg = GS_WAITGROUP_INIT;

	TU_WG_ADD(&wg, 100);
	for (int i = 0; i < 100; i++)
		TU_GO(exit_child, &wg);
	gs_wg_wait(&wg);
	ck_assert_int_eq(tu_wait_numgoroutine(1, TU_SEC(10)), 1);
	ck_assert_int_eq(atomic_load(&exit_after), 0);
}

/* ---- gs_exit from main (Go's Goexit in main) -------------------------------------------- */

/*
 * Go: "Calling Goexit from the main goroutine terminates that goroutine
 * without func main returning.  Since func main has not returned, the
 * program continues execution of other goroutines.  If all other goroutines
 * exit, the program crashes."  The crash is checkdead's "no goroutines (main
 * called runtime.Goexit) - deadlock!" (a fatal error: gs_set_fatal_status's
 * status); when the others are all blocked for good instead it is the usual
 * "all goroutines are asleep - deadlock!", as in Go.  Each case runs in a
 * child, since the program ends.
 */
static struct tu_child mainexit_child;

#define MAINEXIT_N 3

static void
mainexit_worker(void *arg)
{
	char line[32];
	int n = snprintf(line, sizeof line, "worker %d done\n", (int)(intptr_t)arg);

	/* Later than main's gs_exit, and through a timer: main's end must not
	 * end them. */
	gs_sleep(20 * 1000000);
	ck_assert_int_eq(write(2, line, (size_t)n), n);
}

static void
mainexit_main(void *arg)
{
	for (int i = 0; i < MAINEXIT_N; i++)
		TU_GO(mainexit_worker, (void *)(intptr_t)i);
	if (arg != NULL)
		gs_set_fatal_status(*(int *)arg);
	gs_exit();
}

static int
mainexit_run(void *arg)
{
	int err = gs_run(mainexit_main, arg, &(gs_config){ .procs = 2 });

	fprintf(stderr, "gs_run returned %d\n", err);
	return 99; /* not reached: the runtime ends the program */
}

START_TEST(test_exit_main)
{
	static int status7 = 7;

	tu_child_run(&mainexit_child, mainexit_run, _i ? &status7 : NULL, TU_SEC(60));
	const char *out = mainexit_child.out;
	ck_assert_msg(WIFEXITED(mainexit_child.status), "child died of a signal: %s", out);
	ck_assert_msg(WEXITSTATUS(mainexit_child.status) == (_i ? 7 : GS_FATAL_STATUS),
	    "exit status %d; stderr: %s", WEXITSTATUS(mainexit_child.status), out);
	const char *fatal =
	    strstr(out, "fatal error: no goroutines (main called runtime.Goexit) - deadlock!\n");
	ck_assert_msg(fatal != NULL, "stderr: %s", out);
	for (int i = 0; i < MAINEXIT_N; i++) {
		char line[32];
		snprintf(line, sizeof line, "worker %d done\n", i);
		const char *w = strstr(out, line);
		if (w == NULL || w > fatal)
			ck_abort_msg("worker %d did not finish before the fatal error: %s", i, out);
	}
	ck_assert_ptr_null(strstr(out, "gs_run returned"));
}
END_TEST

static void
mainexit_blocked(void *arg)
{
	gs_chan_recv(arg, NULL); /* nobody ever sends */
}

static void
mainexit_blocked_main(void *arg)
{
	(void)arg;
	gs_chan *c = gs_chan_make(0, 0);
	TU_GO(mainexit_blocked, c);
	TU_GO(mainexit_blocked, c);
	gs_exit();
}

static int
mainexit_blocked_run(void *arg)
{
	(void)arg;
	int err = gs_run(mainexit_blocked_main, NULL, &(gs_config){ .procs = 2 });

	fprintf(stderr, "gs_run returned %d\n", err);
	return 99;
}

START_TEST(test_exit_main_blocked)
{
	tu_child_run(&mainexit_child, mainexit_blocked_run, NULL, TU_SEC(60));
	const char *out = mainexit_child.out;
	ck_assert_msg(WIFEXITED(mainexit_child.status) &&
		WEXITSTATUS(mainexit_child.status) == GS_FATAL_STATUS,
	    "status %#x; stderr: %s", mainexit_child.status, out);
	ck_assert_msg(strstr(out, "fatal error: all goroutines are asleep - deadlock!\n") != NULL,
	    "stderr: %s", out);
}
END_TEST

/* After main's gs_exit the runtime runs on for as long as goroutines do: a
 * chain of spawns, each from the one before, all run. */
static _Atomic int chain_left;

static void
chain_link(void *arg)
{
	(void)arg;
	gs_yield();
	if (atomic_fetch_sub(&chain_left, 1) > 1)
		TU_GO(chain_link, NULL);
	else
		fprintf(stderr, "chain complete\n");
}

static void
chain_main(void *arg)
{
	(void)arg;
	atomic_store(&chain_left, 1000);
	TU_GO(chain_link, NULL);
	gs_exit();
}

static int
chain_run(void *arg)
{
	(void)arg;
	gs_run(chain_main, NULL, &(gs_config){ .procs = 4 });
	return 99;
}

START_TEST(test_exit_main_chain)
{
	tu_child_run(&mainexit_child, chain_run, NULL, TU_SEC(60));
	const char *out = mainexit_child.out;
	const char *done = strstr(out, "chain complete\n");
	const char *fatal = strstr(out, "fatal error: no goroutines (main called runtime.Goexit)");
	ck_assert_msg(done && fatal && done < fatal, "stderr: %s", out);
	ck_assert_int_eq(WEXITSTATUS(mainexit_child.status), GS_FATAL_STATUS);
}
END_TEST

/* ---- yield ---------------------------------------------------------------------------------- */

#define ALT_ROUNDS 1000

struct alt {
	_Atomic int pos;
	char log[2 * ALT_ROUNDS];
	gs_waitgroup wg;
};

struct alt_arg {
	struct alt *alt;
	char who;
};

static void
alternate(void *arg)
{
	struct alt_arg *a = arg;

	for (int i = 0; i < ALT_ROUNDS; i++) {
		int p = atomic_fetch_add(&a->alt->pos, 1);
		a->alt->log[p] = a->who;
		gs_yield();
	}
	TU_WG_DONE(&a->alt->wg);
}

/* GOMAXPROCS=1: two goroutines that yield after every step take turns. */
GS_MAIN_TEST(test_yield_alternates, 1)
{
	static struct alt alt;
	struct alt_arg a = { &alt, 'A' }, b = { &alt, 'B' };
	gs_stats st0, st1;
	int switches = 0, na = 0;

	ck_assert_int_eq(gs_read_stats(&st0), 0);
	TU_WG_ADD(&alt.wg, 2);
	TU_GO(alternate, &a);
	TU_GO(alternate, &b);
	gs_wg_wait(&alt.wg);
	ck_assert_int_eq(atomic_load(&alt.pos), 2 * ALT_ROUNDS);
	for (int i = 0; i < 2 * ALT_ROUNDS; i++) {
		na += alt.log[i] == 'A';
		if (i > 0 && alt.log[i] != alt.log[i - 1])
			switches++;
	}
	ck_assert_int_eq(na, ALT_ROUNDS);
	ck_assert_msg(switches >= (2 * ALT_ROUNDS - 1) * 9 / 10,
	    "only %d turns changed hands in %d steps: %.40s...", switches, 2 * ALT_ROUNDS, alt.log);
	/* gs_yield goes through the global queue. */
	ck_assert_int_eq(gs_read_stats(&st1), 0);
	ck_assert_uint_ge(st1.global_puts - st0.global_puts, 2 * ALT_ROUNDS);
}

/*
 * GOMAXPROCS=1, RR_G goroutines that log their index and yield, RR_ROUNDS times
 * each: a yield puts the yielder at the global queue's tail and runs its head,
 * so once all of them have yielded once the turns repeat with period RR_G (a
 * yielder put anywhere else, or another goroutine than the head run, breaks the
 * period; with two goroutines most such mistakes look like taking turns).
 */
#define RR_G 5
#define RR_ROUNDS 200

static _Atomic int rr_pos;
static char rr_log[RR_G * RR_ROUNDS];
static gs_waitgroup rr_wg;

static _Atomic int rr_first_done = RR_G * RR_ROUNDS;

static void
rr_step(void *arg)
{
	int p = 0;

	for (int i = 0; i < RR_ROUNDS; i++) {
		p = atomic_fetch_add(&rr_pos, 1);
		rr_log[p] = (char)(intptr_t)arg;
		gs_yield();
	}
	/* The period ends with the first goroutine that is done. */
	if (p < atomic_load(&rr_first_done))
		atomic_store(&rr_first_done, p);
	TU_WG_DONE(&rr_wg);
}

GS_MAIN_TEST(test_yield_round_robin, 1)
{
	TU_WG_ADD(&rr_wg, RR_G);
	for (intptr_t i = 0; i < RR_G; i++)
		TU_GO(rr_step, (void *)('A' + i));
	gs_wg_wait(&rr_wg);
	ck_assert_int_eq(atomic_load(&rr_pos), RR_G * RR_ROUNDS);
	/* The first round comes from the local queue (and the one-in-61 check may
	 * take the global queue's head early), so the period starts at the second. */
	int end = atomic_load(&rr_first_done);
	ck_assert_int_ge(end, RR_G * (RR_ROUNDS - 2));
	for (int i = 2 * RR_G; i <= end; i++) {
		if (rr_log[i] != rr_log[i - RR_G])
			ck_abort_msg("turn %d is %c, %d turns before it was %c: %.40s", i,
			    rr_log[i], RR_G, rr_log[i - RR_G], rr_log + (i >= 20 ? i - 20 : 0));
	}
	for (int i = RR_G; i < 2 * RR_G; i++) {
		for (int j = RR_G; j < i; j++) {
			if (rr_log[i] == rr_log[j])
				ck_abort_msg("%c runs twice in one round: %.10s", rr_log[i],
				    rr_log + RR_G);
		}
	}
}

/*
 * The floating-point control state is the goroutine's own, as the ABI makes it
 * callee-saved: one goroutine rounds downward and keeps it across yields
 * (switches in both directions, straight and through g0), the other rounds to
 * nearest throughout, and neither sees the other's mode.  Double arithmetic is
 * SSE's MXCSR on x86-64, long double the x87 control word.
 */
#define FP_ROUNDS 2000

static _Atomic int fp_bad;
static gs_waitgroup fp_wg;

/* Rounding to nearest is symmetric: 1/3 and -1/3 differ only in sign. */
static bool
fp_nearest(void)
{
	volatile double one = 1.0, mone = -1.0, three = 3.0;
	double a = one / three, b = mone / three;

	return a == -b;
}

static bool
fp_nearest_x87(void)
{
	volatile long double one = 1.0L, mone = -1.0L, three = 3.0L;
	long double a = one / three, b = mone / three;

	return a == -b;
}

static void
fp_noop(void *arg)
{
	(void)arg;
}

static void
fp_step(void *arg)
{
	bool down = arg != NULL;

	if (down)
		fesetround(FE_DOWNWARD);
	for (int i = 0; i < FP_ROUNDS; i++) {
		/* Now and then through g0: local work makes a yield take findrunnable. */
		if (i % 10 == 0)
			TU_GO(fp_noop, NULL);
		gs_yield();
		if (fp_nearest() == down || fp_nearest_x87() == down)
			atomic_fetch_add(&fp_bad, 1);
	}
	if (down)
		fesetround(FE_TONEAREST);
	TU_WG_DONE(&fp_wg);
}

GS_MAIN_TEST(test_yield_fpmode, 1)
{
	ck_assert(fp_nearest() && fp_nearest_x87());
	TU_WG_ADD(&fp_wg, 2);
	TU_GO(fp_step, (void *)1);
	TU_GO(fp_step, NULL);
	gs_wg_wait(&fp_wg);
	ck_assert_msg(atomic_load(&fp_bad) == 0,
	    "%d of %d yields came back in the other's rounding mode", atomic_load(&fp_bad),
	    2 * FP_ROUNDS);
	ck_assert(fp_nearest() && fp_nearest_x87());
}

/* ---- many Ps on few CPUs ---------------------------------------------------------------- */

#define MANY_G 2000

static _Atomic uint8_t many_done[MANY_G];
static gs_waitgroup many_wg;

static void
many_worker(void *arg)
{
	intptr_t idx = (intptr_t)arg;
	volatile uint64_t x = (uint64_t)idx;

	for (int round = 0; round < 20; round++) {
		for (int i = 0; i < 2000; i++)
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		gs_yield();
	}
	atomic_fetch_add(&many_done[idx], 1);
	TU_WG_DONE(&many_wg);
}

static void
main_many_procs(void *arg)
{
	int procs = *(int *)arg;
	int n = TU_SANITIZED ? MANY_G / 4 : MANY_G;
	gs_stats st;

	ck_assert_int_eq(gs_gomaxprocs(), procs);
	TU_WG_ADD(&many_wg, n);
	for (intptr_t i = 0; i < n; i++)
		TU_GO(many_worker, (void *)i);
	gs_wg_wait(&many_wg);
	for (int i = 0; i < n; i++)
		ck_assert_msg(atomic_load(&many_done[i]) == 1, "worker %d completed %d times", i,
		    atomic_load(&many_done[i]));
	ck_assert_int_eq(tu_wait_numgoroutine(1, TU_SEC(20)), 1);
	ck_assert_int_eq(gs_read_stats(&st), 0);
	ck_assert_int_eq(st.gomaxprocs, procs);
	ck_assert_int_ge(st.threads, 1);
	ck_assert_int_le(st.threads, procs + 8); /* no thread per goroutine */
	check_stats_consistent(&st);
}

static const int many_procs[] = { 64, 256 };

START_TEST(test_many_procs)
{
	int procs = many_procs[_i];

	tu_run(main_many_procs, &procs, procs);
}
END_TEST

/* ---- work stealing ------------------------------------------------------------------------ */

#define STEAL_BATCH 200 /* fits a local queue: nothing overflows to the global one */
#define STEAL_BATCHES 5

static _Atomic int steal_ran;

static void
steal_worker(void *arg)
{
	ck_assert_int_eq(gs_chan_recv(arg, NULL), 0); /* the gate closed */
	tu_spin_ns(200 * 1000);                       /* 0.2 ms of CPU, no yield */
	atomic_fetch_add(&steal_ran, 1);
}

/*
 * Main fills its P's local queue, batch after batch, and keeps the P: the
 * batch parks on a gate first, closing the gate readies all of it into main's
 * P with no scheduling point, and main then spins without calling into the
 * runtime until the batch has run.  The only way for the batch to run is for
 * the other P to steal every goroutine of it.
 */
GS_MAIN_TEST(test_work_stealing, 2)
{
	gs_stats st0, st;

	for (int b = 0; b < STEAL_BATCHES; b++) {
		gs_chan *gate = gs_chan_make(0, 0);

		ck_assert_ptr_nonnull(gate);
		for (int i = 0; i < STEAL_BATCH; i++)
			TU_GO(steal_worker, gate);
		ck_assert_int_eq(tu_wait_waiting(GS_WAIT_CHAN_RECV, STEAL_BATCH, TU_SEC(30)),
		    STEAL_BATCH);
		ck_assert_int_eq(gs_read_stats(&st0), 0);
		ck_assert_int_eq(gs_chan_close(gate), 0);
		while (atomic_load(&steal_ran) < (b + 1) * STEAL_BATCH)
			tu_spin_ns(10000);
		ck_assert_int_eq(gs_read_stats(&st), 0);
		ck_assert_msg(st.steals > st0.steals, "batch %d: no steal", b);
		ck_assert_msg(st.stolen - st0.stolen == STEAL_BATCH,
		    "batch %d: %" PRIu64 " of %d goroutines stolen", b, st.stolen - st0.stolen,
		    STEAL_BATCH);
		/* every steal took Go's share: half the victim's queue, rounded up,
		 * so never more than half a full queue */
		ck_assert_uint_eq(st.steal_half_misses, 0);
		ck_assert_msg(st.max_steal > 0 && st.max_steal <= 128,
		    "batch %d: max_steal %" PRIu64, b, st.max_steal);
		ck_assert_int_eq(tu_wait_numgoroutine(1, TU_SEC(30)), 1);
		gs_chan_free(gate);
	}
	ck_assert_int_eq(atomic_load(&steal_ran), STEAL_BATCH * STEAL_BATCHES);
}

/* ---- fairness ------------------------------------------------------------------------------ */

static _Atomic bool fair_flag;
static _Atomic bool fair_gaveup;
static _Atomic uint64_t fair_spawns;
static gs_waitgroup fair_wg;
/* Starvation is judged by how much the others did meanwhile, not by the
 * clock: a loaded machine slows them as much as the one that waits.  Each
 * limit is about ten times what a fair scheduler needs here (the respawn
 * test's global-queue variant takes about 1M respawns of 2 us, as slices
 * expire) and still ends the test within its timeout if it starves. */
#define FAIR_YIELDS 1000000
#define FAIR_RESPAWNS 10000000
#define FAIR_BUSY_SPAWNS 2000000

static void
set_flag(void *arg)
{
	(void)arg;
	atomic_store(&fair_flag, true);
	TU_WG_DONE(&fair_wg);
}

/* Yield until a goroutine spawned meanwhile has run. */
static void
yielder(void *arg)
{
	(void)arg;
	for (int i = 0; i < 100; i++)
		gs_yield();
	TU_GO(set_flag, NULL);
	for (int i = 0; !atomic_load(&fair_flag); i++) {
		if (i == FAIR_YIELDS) {
			atomic_store(&fair_gaveup, true);
			break;
		}
		gs_yield();
	}
	TU_WG_DONE(&fair_wg);
}

GS_MAIN_TEST(test_fair_yield, 1)
{
	TU_WG_ADD(&fair_wg, 2);
	TU_GO(yielder, NULL);
	gs_wg_wait(&fair_wg);
	ck_assert(atomic_load(&fair_flag));
	ck_assert(!atomic_load(&fair_gaveup));
}

/* A goroutine that spawns its successor and exits, forever: each successor lands
 * in runnext and inherits the time slice.  Gives up after FAIR_RESPAWNS. */
static void
respawner(void *arg)
{
	(void)arg;
	if (atomic_load(&fair_flag))
		goto out;
	if (atomic_fetch_add_explicit(&fair_spawns, 1, memory_order_relaxed) >= FAIR_RESPAWNS) {
		atomic_store(&fair_gaveup, true);
		goto out;
	}
	tu_spin_ns(2000);
	if (gs_go(respawner, NULL) > 0)
		return;
out:
	TU_WG_DONE(&fair_wg);
}

static void
yield_then_flag(void *arg)
{
	(void)arg;
	gs_yield(); /* to the global queue */
	atomic_store(&fair_flag, true);
	TU_WG_DONE(&fair_wg);
}

/*
 * GOMAXPROCS=1 and a chain of goroutines each spawning the next into runnext: a
 * goroutine waiting in the local queue (variant 0) or in the global queue (variant
 * 1) must still get to run, within a time slice or so, not starve forever (Go
 * bounds an inherited time slice: runnext inherits it, it does not renew it).
 */
static void
main_fair_respawn(void *arg)
{
	int variant = *(int *)arg;

	TU_WG_ADD(&fair_wg, 2);
	if (variant == 0) {
		TU_GO(set_flag, NULL);  /* runnext ... */
		TU_GO(respawner, NULL); /* ... kicked to the local queue by this */
	} else {
		TU_GO(yield_then_flag, NULL);
		gs_yield(); /* let it run and yield to the global queue */
		TU_GO(respawner, NULL);
	}
	gs_wg_wait(&fair_wg);
	ck_assert_msg(!atomic_load(&fair_gaveup),
	    "variant %d: the waiting goroutine starved behind %" PRIu64 " runnext respawns",
	    variant, atomic_load(&fair_spawns));
	ck_assert(atomic_load(&fair_flag));
	ck_assert_int_eq(tu_wait_numgoroutine(1, TU_SEC(5)), 1);
}

START_TEST(test_fair_respawn)
{
	int variant = _i;

	tu_run(main_fair_respawn, &variant, 1);
}
END_TEST

/*
 * GOMAXPROCS=1, a local queue that never empties and one goroutine in the global
 * queue: the 1-in-61 schedtick check must let it run.  The queue is kept busy by
 * workers that each spawn two children and wait for them: the first child is kicked
 * from runnext into the queue by the second, so the queue keeps cycling through
 * non-inherited runs that advance schedtick.
 */
#define BUSY_WORKERS 8

static void
busy_child(void *arg)
{
	TU_WG_DONE(arg);
}

static void
busy_worker(void *arg)
{
	(void)arg;
	while (!atomic_load(&fair_flag)) {
		gs_waitgroup wg = GS_WAITGROUP_INIT;

		if (atomic_fetch_add_explicit(&fair_spawns, 2, memory_order_relaxed) >=
		    FAIR_BUSY_SPAWNS) {
			atomic_store(&fair_gaveup, true);
			break;
		}
		TU_WG_ADD(&wg, 2);
		TU_GO(busy_child, &wg);
		TU_GO(busy_child, &wg);
		gs_wg_wait(&wg);
	}
	TU_WG_DONE(&fair_wg);
}

GS_MAIN_TEST(test_fair_global_queue, 1)
{
	TU_WG_ADD(&fair_wg, BUSY_WORKERS + 1);
	for (int i = 0; i < BUSY_WORKERS; i++)
		TU_GO(busy_worker, NULL);
	/* Runs first (runnext), then yields into the global queue. */
	TU_GO(yield_then_flag, NULL);
	gs_wg_wait(&fair_wg);
	ck_assert_msg(!atomic_load(&fair_gaveup),
	    "the global queue starved (%" PRIu64 " spawns meanwhile)", atomic_load(&fair_spawns));
	ck_assert(atomic_load(&fair_flag));
	ck_assert_int_eq(tu_wait_numgoroutine(1, TU_SEC(5)), 1);
}

/* ---- counters ------------------------------------------------------------------------------ */

#define PINGPONG_ROUNDS 1000

static void
ponger(void *arg)
{
	gs_chan **c = arg;
	int v;

	for (int i = 0; i < PINGPONG_ROUNDS; i++) {
		ck_assert_int_eq(gs_chan_recv(c[0], &v), 1);
		ck_assert_int_eq(gs_chan_send(c[1], &v), 0);
	}
}

/* Two goroutines on one P handing a value back and forth: each send readies
 * the other into runnext, and the sender then blocks, so the other runs from
 * there. */
GS_MAIN_TEST(test_runnext_hits, 1)
{
	gs_chan *c[2] = { gs_chan_make(sizeof(int), 0), gs_chan_make(sizeof(int), 0) };
	gs_stats st0, st;
	int v = 0;

	ck_assert_ptr_nonnull(c[0]);
	ck_assert_ptr_nonnull(c[1]);
	ck_assert_int_eq(gs_read_stats(&st0), 0);
	TU_GO(ponger, c);
	for (int i = 0; i < PINGPONG_ROUNDS; i++) {
		ck_assert_int_eq(gs_chan_send(c[0], &v), 0);
		ck_assert_int_eq(gs_chan_recv(c[1], &v), 1);
	}
	ck_assert_int_eq(gs_read_stats(&st), 0);
	ck_assert_msg(st.runnext_hits - st0.runnext_hits >= PINGPONG_ROUNDS,
	    "%" PRIu64 " runnext hits in %d round trips", st.runnext_hits - st0.runnext_hits,
	    PINGPONG_ROUNDS);
	ck_assert_int_eq(tu_wait_numgoroutine(1, TU_SEC(5)), 1);
	gs_chan_free(c[0]);
	gs_chan_free(c[1]);
}

#define FAIR_TAKE_G 1000 /* overflows one local queue into the global one */

static gs_waitgroup take_wg;

static void
take_exiter(void *arg)
{
	(void)arg;
	TU_WG_DONE(&take_wg);
}

/* Lesson 07's overflow: one goroutine spawns a thousand on one P, so the
 * global queue holds hundreds while the P works through its local queue, far
 * more than 61 schedules through findrunnable: the one-in-61 check takes from
 * the global queue.  (Yields would not show it: a yield with nothing local
 * takes the global queue's head directly, without findrunnable.) */
static void
fair_takes_main(void *arg)
{
	gs_stats st0, st;

	(void)arg;
	ck_assert_int_eq(gs_read_stats(&st0), 0);
	TU_WG_ADD(&take_wg, FAIR_TAKE_G);
	for (int i = 0; i < FAIR_TAKE_G; i++)
		TU_GO(take_exiter, NULL);
	gs_wg_wait(&take_wg);
	ck_assert_int_eq(gs_read_stats(&st), 0);
	ck_assert_msg(st.global_puts - st0.global_puts >= 129,
	    "no overflow: %" PRIu64 " global puts", st.global_puts - st0.global_puts);
	ck_assert_msg(st.fair_takes > st0.fair_takes, "no fair take in %d goroutines", FAIR_TAKE_G);
	ck_assert_int_eq(tu_wait_numgoroutine(1, TU_SEC(5)), 1);
}

/* Main keeps its P while it spawns (a preempted main would let the P run
 * the goroutines as they come, and nothing would overflow). */
START_TEST(test_fair_takes)
{
	tu_run_long_slice(fair_takes_main, NULL, 1);
}
END_TEST

#define NOGLOBAL_G 200 /* fits the local queue */

/* Goroutines that only run and exit, never overflowing the local queue: the
 * P schedules more than 61 times but the global queue stays empty, so the
 * fairness check never takes anything.  Main must not be preempted meanwhile
 * (that would put it on the global queue): tu_run_long_slice, and a round in
 * which it happened anyway proves nothing and is tried again. */
static void
fair_takes_none_main(void *arg)
{
	gs_stats st0, st;
	int round;

	(void)arg;
	for (round = 0; round < 20; round++) {
		ck_assert_int_eq(gs_read_stats(&st0), 0);
		ck_assert_int_eq(st0.global_runq, 0);
		TU_WG_ADD(&take_wg, NOGLOBAL_G);
		for (int i = 0; i < NOGLOBAL_G; i++)
			TU_GO(take_exiter, NULL);
		gs_wg_wait(&take_wg);
		ck_assert_int_eq(gs_read_stats(&st), 0);
		ck_assert_int_eq(tu_wait_numgoroutine(1, TU_SEC(5)), 1);
		if (st.global_puts == st0.global_puts)
			break;
	}
	ck_assert_msg(round < 20, "the global queue was used in every round");
	ck_assert_uint_eq(st.spawns - st0.spawns, NOGLOBAL_G);
	ck_assert_msg(st.exits - st0.exits > 61, "only %" PRIu64 " ran",
	    st.exits - st0.exits); /* more schedules than the check's period */
	ck_assert_uint_eq(st.fair_takes - st0.fair_takes, 0);
}

START_TEST(test_fair_takes_none)
{
	tu_run_long_slice(fair_takes_none_main, NULL, 1);
}
END_TEST

/* ---- sysmon's first look at a P ---------------------------------------------------------- */

#define FRESH_RUNS 40
#define FRESH_TIMESCALE 100

static int fresh_order[2];
static atomic_int fresh_pos;

static void
fresh_mark(void *arg)
{
	fresh_order[atomic_fetch_add(&fresh_pos, 1)] = (int)(intptr_t)arg;
}

/* Spawns A and B (B goes to runnext, A behind it), then spins through sysmon's
 * first passes (its tick is 2 ms at this time scale, the time slice 1 s). */
static void
main_fresh_slice(void *arg)
{
	int *preempted = arg;
	gs_stats st;

	atomic_store(&fresh_pos, 0);
	TU_GO(fresh_mark, (void *)'A');
	TU_GO(fresh_mark, (void *)'B');
	tu_spin_ns(5 * 2 * 1000 * 1000);
	ck_assert_int_eq(gs_read_stats(&st), 0);
	*preempted = st.preempt_requests > 0;
	while (atomic_load(&fresh_pos) < 2)
		gs_yield();
}

/*
 * GOMAXPROCS=1: a main goroutine whose time slice has only begun is not asked to
 * yield, so the goroutine it spawned last runs next.  sysmon must not read its
 * records of a P it has not looked at yet as a slice that began at time 0.
 */
START_TEST(test_fresh_slice_not_preempted)
{
	ck_assert_int_eq(gs_set_timescale(FRESH_TIMESCALE), 0);
	for (int i = 0; i < FRESH_RUNS; i++) {
		int preempted = 0;
		tu_run(main_fresh_slice, &preempted, 1);
		if (preempted || fresh_order[0] != 'B' || fresh_order[1] != 'A')
			ck_abort_msg("run %d: preempt requests %d, order %c%c (want BA)", i,
			    preempted, fresh_order[0], fresh_order[1]);
	}
	ck_assert_int_eq(gs_set_timescale(0), 0);
}
END_TEST

/* ---- needspinning ------------------------------------------------------------------------ */

static atomic_int ns_running, ns_stop;

static void
ns_spinner(void *arg)
{
	(void)arg;
	atomic_store(&ns_running, 1);
	while (!atomic_load(&ns_stop))
		__asm__ volatile("" ::: "memory");
}

static void
ns_noop(void *arg)
{
	(void)arg;
}

static bool
ns_cleared(void *arg)
{
	gs_stats st;

	(void)arg;
	ck_assert_int_eq(gs_read_stats(&st), 0);
	return st.needspinning == 0;
}

/*
 * GOMAXPROCS=2, both Ps busy (main and a spinner that never yields) and nobody
 * spinning: a goroutine readied now has no idle P for a spinning M, so, as in
 * Go 1.21+, wakep sets needspinning.  It stays set while both Ps stay busy and
 * is cleared once an M spins (here: the spinner's, when it runs out of work).
 */
GS_MAIN_TEST(test_needspinning, 2)
{
	gs_stats st;
	int tries = 0;

	atomic_store(&ns_running, 0);
	atomic_store(&ns_stop, 0);
	TU_GO(ns_spinner, NULL);
	while (!atomic_load(&ns_running))
		gs_yield();
	/* A spinner left over from the spinner's start may still be counted:
	 * wakep then starts none and sets nothing, so ready again. */
	do {
		TU_GO(ns_noop, NULL);
		ck_assert_int_eq(gs_read_stats(&st), 0);
	} while (st.needspinning == 0 && ++tries < 1000);
	ck_assert_msg(st.needspinning == 1, "needspinning %d after %d goroutines readied",
	    st.needspinning, tries);
	ck_assert_int_eq(st.idle_procs, 0);
	atomic_store(&ns_stop, 1);
	ck_assert(tu_yield_until(ns_cleared, NULL, TU_SEC(20)));
}

/* ---- an idle program ----------------------------------------------------------------------- */

#define IDLE_WINDOW_NS 500000000L
#define IDLE_WAKES_MAX 10
#define IDLE_OLD_MAX 16

/* Threads that existed before gs_run: the test's own and a sanitizer's. */
static long idle_old[IDLE_OLD_MAX];
static int idle_nold;

/* The voluntary context switches of the runtime's threads (those of this
 * process not in idle_old): each wake of a thread from a sleep or a wait is
 * one.  With record, fills idle_old instead.  -1 if /proc cannot be read. */
static long long
task_wakes(bool record)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *de;
	long long sum = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		char path[300], line[256];
		long tid = strtol(de->d_name, NULL, 10);
		bool old = false;
		if (de->d_name[0] == '.')
			continue;
		if (record) {
			if (idle_nold < IDLE_OLD_MAX)
				idle_old[idle_nold++] = tid;
			continue;
		}
		for (int i = 0; i < idle_nold; i++)
			old |= idle_old[i] == tid;
		if (old)
			continue;
		snprintf(path, sizeof path, "/proc/self/task/%s/status", de->d_name);
		FILE *f = fopen(path, "r");
		if (f == NULL)
			continue;
		while (fgets(line, sizeof line, f))
			if (strncmp(line, "voluntary_ctxt_switches:", 24) == 0)
				sum += strtoll(line + 24, NULL, 10);
		fclose(f);
	}
	closedir(d);
	return sum;
}

static atomic_int idle_started;
static long long idle_wakes;

/* A plain thread (not the runtime's): counts the runtime threads' wake-ups in
 * the middle of main's sleep, away from the wakes that end and begin it. */
static void *
idle_counter(void *arg)
{
	struct timespec settle = { 0, 200000000 }, window = { 0, IDLE_WINDOW_NS };
	long long w0, w1;

	(void)arg;
	while (!atomic_load(&idle_started))
		sched_yield();
	nanosleep(&settle, NULL);
	w0 = task_wakes(false);
	nanosleep(&window, NULL);
	w1 = task_wakes(false);
	idle_wakes = w0 < 0 || w1 < 0 ? -1 : w1 - w0;
	return NULL;
}

static void
main_idle(void *arg)
{
	(void)arg;
	gs_sleep(100000000); /* start-up is over */
	atomic_store(&idle_started, 1);
	gs_sleep(200000000 + IDLE_WINDOW_NS + 200000000);
}

/*
 * While every P is idle (main sleeps, nothing else exists) sysmon sleeps until
 * the next timer, as Go's does (sched.sysmonwait), instead of waking every
 * 10 ms: over half a second in the middle of main's sleep the runtime's
 * threads wake a few times (sysmon once a second, a trim of free stacks), not
 * fifty.  The bound counts wake-ups, which a slow machine makes fewer, never
 * more.  Threads that were there before gs_run (the test's, this counter,
 * ThreadSanitizer's that wakes ten times a second) are not counted.
 */
START_TEST(test_idle_sysmon_sleeps)
{
	pthread_t th;

	idle_nold = 0;
	atomic_store(&idle_started, 0);
	ck_assert_int_eq(pthread_create(&th, NULL, idle_counter, NULL), 0);
	if (task_wakes(true) < 0) {
		TU_SKIP("cannot read /proc/self/task");
		atomic_store(&idle_started, 1);
		pthread_join(th, NULL);
		return;
	}
	tu_run(main_idle, NULL, 2);
	ck_assert_int_eq(pthread_join(th, NULL), 0);
	ck_assert_int_ge(idle_wakes, 0);
	ck_assert_msg(idle_wakes <= IDLE_WAKES_MAX,
	    "%lld wake-ups in 500 ms of an idle program (at most %d)", idle_wakes, IDLE_WAKES_MAX);
}
END_TEST

static atomic_int parked_seen;

/* A plain thread: reads the stats until they say sysmon is parked. */
static void *
sysmonwait_watcher(void *arg)
{
	struct timespec ms = { 0, 1000000 };
	gs_stats st;

	(void)arg;
	for (;;) {
		if (gs_read_stats(&st) == 0 && st.sysmonwait)
			break;
		nanosleep(&ms, NULL);
	}
	atomic_store(&parked_seen, 1);
	return NULL;
}

static void
main_until_parked(void *arg)
{
	pthread_t *th = arg;

	ck_assert_int_eq(pthread_create(th, NULL, sysmonwait_watcher, NULL), 0);
	while (!atomic_load(&parked_seen))
		gs_sleep(50000000);
}

/* gs_stats.sysmonwait (schedtrace's sysmonwait=) says when sysmon is parked:
 * it becomes true while main sleeps and nothing else runs (Check's timeout
 * catches a sysmon that never parks). */
START_TEST(test_sysmonwait_observed)
{
	pthread_t th;
	gs_stats st;

	atomic_store(&parked_seen, 0);
	tu_run(main_until_parked, &th, 2);
	ck_assert_int_eq(pthread_join(th, NULL), 0);
	ck_assert_int_eq(gs_read_stats(&st), GS_ENOTRUN);
}
END_TEST

static Suite *
sched_suite(void)
{
	Suite *s = suite_create("sched");
	TCase *tc;

	tc = tu_tcase("lifecycle", 60);
	tcase_add_test(tc, test_run_arg_and_result);
	tcase_add_test(tc, test_run_twice);
	tcase_add_test(tc, test_run_bad_config);
	tcase_add_test(tc, test_outside_runtime);
	tcase_add_test(tc, test_strerror);
	tcase_add_test(tc, test_gomaxprocs_numcpu);
	suite_add_tcase(s, tc);

	tc = tu_tcase("spawn", 120);
	tcase_add_test(tc, test_self_ids);
	tcase_add_test(tc, test_million_goroutines);
	tcase_add_test(tc, test_tree);
	tcase_add_test(tc, test_exit);
	tcase_add_loop_test(tc, test_exit_main, 0, 2);
	tcase_add_test(tc, test_exit_main_blocked);
	tcase_add_test(tc, test_exit_main_chain);
	suite_add_tcase(s, tc);

	tc = tu_tcase("procs", 120);
	tcase_add_test(tc, test_yield_alternates);
	tcase_add_test(tc, test_yield_round_robin);
	tcase_add_test(tc, test_yield_fpmode);
	tcase_add_loop_test(tc, test_many_procs, 0, 2);
	tcase_add_test(tc, test_work_stealing);
	suite_add_tcase(s, tc);

	tc = tu_tcase("fairness", 60);
	tcase_add_test(tc, test_fair_yield);
	tcase_add_loop_test(tc, test_fair_respawn, 0, 2);
	tcase_add_test(tc, test_fair_global_queue);
	suite_add_tcase(s, tc);

	tc = tu_tcase("counters", 60);
	tcase_add_test(tc, test_runnext_hits);
	tcase_add_test(tc, test_fair_takes);
	tcase_add_test(tc, test_fair_takes_none);
	tcase_add_test(tc, test_fresh_slice_not_preempted);
	tcase_add_test(tc, test_needspinning);
	tcase_add_test(tc, test_idle_sysmon_sleeps);
	tcase_add_test(tc, test_sysmonwait_observed);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run_suite(sched_suite());
}
