/*
 * check_stress.c - stress tests of the whole scheduler.
 *
 * Every test counts exactly: each goroutine (or job) has an id and records it in
 * a bitmap with an atomic test-and-set, so a goroutine lost or run twice fails the
 * test; channel tests compare the sum received with the sum sent.  A watchdog
 * (alarm) fails a test that stops making progress, with the runtime's figures.
 *
 * Sizes: `make check` runs the small ones (100k parked goroutines); `make stress`
 * sets STRESS_SCALE=10 (a million parked goroutines, longer GOMAXPROCS chaos).
 * Each test prints its figures on stdout (tests/check_stress.log) so they can be
 * quoted.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include "testutil.h"
#include "tu_child.h"

/* ---- scale, watchdog, id bitmap ------------------------------------------------------ */

static int
stress_scale(void)
{
	const char *s = getenv("STRESS_SCALE");
	int v = s ? atoi(s) : 1;

	return v >= 1 && v <= 1000 ? v : 1;
}

static volatile sig_atomic_t wd_armed;

static void
wd_fire(int sig)
{
	static const char msg[] = "check_stress: watchdog: no progress before the "
				  "deadline (deadlock or lost wake-up)\n";
	(void)sig;
	if (write(2, msg, sizeof msg - 1) < 0) {
		/* nothing more to do */
	}
	_exit(3);
}

/* Fail the test (exit 3 with a message) if it is still running after sec s. */
static void
watchdog(unsigned sec)
{
	signal(SIGALRM, wd_fire);
	wd_armed = 1;
	alarm(sec);
}

static void
watchdog_off(void)
{
	alarm(0);
	wd_armed = 0;
}

struct idmap {
	_Atomic uint64_t *w;
	size_t n;
	atomic_long twice; /* ids seen more than once */
};

static void
idmap_init(struct idmap *m, size_t n)
{
	m->n = n;
	m->w = calloc((n + 63) / 64, sizeof *m->w);
	ck_assert_ptr_nonnull((void *)m->w);
	atomic_store(&m->twice, 0);
}

/* Test-and-set id's bit; a second visit is counted (asserted later, from the
 * main goroutine, so small stacks never call into Check). */
static inline void
idmap_set(struct idmap *m, size_t id)
{
	uint64_t bit = 1ull << (id % 64);

	if (id >= m->n || (atomic_fetch_or(&m->w[id / 64], bit) & bit))
		atomic_fetch_add(&m->twice, 1);
}

/* Assert every id in [0, n) was set exactly once. */
static void
idmap_check(struct idmap *m, const char *what)
{
	size_t seen = 0;

	for (size_t i = 0; i < (m->n + 63) / 64; i++)
		seen += (size_t)__builtin_popcountll(atomic_load(&m->w[i]));
	ck_assert_msg(atomic_load(&m->twice) == 0, "%s: %ld ids ran twice", what,
	    atomic_load(&m->twice));
	ck_assert_msg(seen == m->n, "%s: %zu of %zu ids ran (lost %zu)", what, seen, m->n,
	    m->n - seen);
	free((void *)m->w);
}

/* ---- a million goroutines parked and released (100k under make check) ---------------- */

struct parked {
	gs_chan *gate; /* closed to release everyone */
	struct idmap ids;
	gs_waitgroup done;
	int n;
};

static struct parked parked;

/* On a 2 KiB stack (16 KiB under sanitizers): no stdio, no Check. */
static void
parked_g(void *arg)
{
	uintptr_t id = (uintptr_t)arg;
	struct parked *ps = &parked;

	(void)gs_chan_recv(ps->gate, NULL); /* closed: returns 0 */
	idmap_set(&ps->ids, id);
	gs_wg_done(&ps->done);
}

static void
parked_main(void *arg)
{
	struct parked *ps = &parked;
	/* Instrumented code needs bigger frames than 2 KiB allow. */
	gs_attr attr = { .label = "parked", .stack_size = TU_SANITIZED ? 16384 : 2048 };
	uint64_t t0 = tu_now_ns();
	(void)arg;

	for (int i = 0; i < ps->n; i++) {
		int64_t id = gs_go_attr(parked_g, (void *)(uintptr_t)i, &attr);
		ck_assert_msg(id > 0, "spawn %d: %s", i, gs_strerror((int)id));
	}
	int parked_n = tu_wait_waiting(GS_WAIT_CHAN_RECV, ps->n, TU_SEC(300));
	ck_assert_int_eq(parked_n, ps->n);
	uint64_t t1 = tu_now_ns();
	ck_assert_int_eq(gs_chan_close(ps->gate), 0);
	gs_wg_wait(&ps->done);
	uint64_t t2 = tu_now_ns();
	gs_stats st;
	ck_assert_int_eq(gs_read_stats(&st), 0);
	printf("stress parked: %d goroutines on %zu KiB stacks parked (%.2f s) and "
	       "released (%.2f s); %d threads, stacks carved %" PRIu64 ", guarded %" PRIu64 "\n",
	    ps->n, attr.stack_size / 1024, (double)(t1 - t0) / 1e9, (double)(t2 - t1) / 1e9,
	    st.threads, st.stacks_carved, st.stacks_guarded);
}

START_TEST(test_parked)
{
	struct parked *ps = &parked;
	int n = 100000 * stress_scale();

	n = tu_live_cap(n);
	n = TU_SANITIZED && !TU_TSAN ? n / 4 : n;
	ps->n = n;
	ps->gate = gs_chan_make(0, 0);
	ck_assert_ptr_nonnull(ps->gate);
	idmap_init(&ps->ids, (size_t)n);
	memset(&ps->done, 0, sizeof ps->done);
	TU_WG_ADD(&ps->done, n);
	watchdog(240 * (unsigned)stress_scale());
	tu_run(parked_main, NULL, 4);
	watchdog_off();
	idmap_check(&ps->ids, "parked");
	gs_chan_free(ps->gate);
}
END_TEST

/* ---- spawn storms: many goroutines spawning at once ----------------------------------- */

enum { STORM_SPAWNERS = 64 };

static struct {
	struct idmap ids;
	gs_waitgroup done;
	int per; /* children per spawner (each spawns one grandchild) */
	atomic_int spawn_errors;
} storm;

static void
storm_leaf(void *arg)
{
	idmap_set(&storm.ids, (uintptr_t)arg);
	gs_wg_done(&storm.done);
}

/* A child records itself and spawns a grandchild (odd ids): spawns from
 * goroutines that were themselves just spawned, on whichever P they landed. */
static void
storm_child(void *arg)
{
	uintptr_t id = (uintptr_t)arg;

	if (gs_go(storm_leaf, (void *)(id + 1)) <= 0) {
		atomic_fetch_add(&storm.spawn_errors, 1);
		gs_wg_done(&storm.done);
	}
	idmap_set(&storm.ids, id);
	gs_wg_done(&storm.done);
}

static void
storm_spawner(void *arg)
{
	uintptr_t s = (uintptr_t)arg;

	for (int i = 0; i < storm.per; i++) {
		uintptr_t id = 2 * (s * (uintptr_t)storm.per + (uintptr_t)i);
		if (gs_go(storm_child, (void *)id) <= 0) {
			atomic_fetch_add(&storm.spawn_errors, 1);
			gs_wg_done(&storm.done);
			gs_wg_done(&storm.done);
		}
	}
	gs_wg_done(&storm.done);
}

static void
storm_main(void *arg)
{
	int total = STORM_SPAWNERS * storm.per * 2;
	uint64_t t0 = tu_now_ns();
	(void)arg;

	TU_WG_ADD(&storm.done, total + STORM_SPAWNERS);
	for (int s = 0; s < STORM_SPAWNERS; s++)
		TU_GO(storm_spawner, (void *)(uintptr_t)s);
	gs_wg_wait(&storm.done);
	gs_stats st;
	ck_assert_int_eq(gs_read_stats(&st), 0);
	ck_assert_int_eq(atomic_load(&storm.spawn_errors), 0);
	printf("stress spawn storm: %d spawners at GOMAXPROCS %d made %d goroutines in "
	       "%.2f s; steals %" PRIu64 " (moved %" PRIu64 "), global puts %" PRIu64 "\n",
	    STORM_SPAWNERS, gs_gomaxprocs(), total, (double)(tu_now_ns() - t0) / 1e9, st.steals,
	    st.stolen, st.global_puts);
}

START_TEST(test_spawn_storm)
{
	/* Every child and grandchild may be alive at once. */
	storm.per = tu_live_cap(TU_SCALE(2000 * stress_scale()) * STORM_SPAWNERS * 2) /
	    (STORM_SPAWNERS * 2);
	idmap_init(&storm.ids, (size_t)STORM_SPAWNERS * (size_t)storm.per * 2);
	memset(&storm.done, 0, sizeof storm.done);
	watchdog(120 * (unsigned)stress_scale());
	/* _i: GOMAXPROCS 1, 2, 8 */
	tu_run(storm_main, NULL, _i == 0 ? 1 : _i == 1 ? 2 : 8);
	watchdog_off();
	idmap_check(&storm.ids, "spawn storm");
}
END_TEST

/* ---- GOMAXPROCS chaos under a mixed load ---------------------------------------------- */

/*
 * A thread outside the runtime changes GOMAXPROCS to a random value in 1..256
 * every 1-4 ms while waves of goroutines run five kinds of work: CPU, sleep
 * (timers), a blocking system call (gs_nanosleep), netpoller waits on socketpairs
 * and channel ping-pong.  Every job records its id once.
 */
enum { JOB_CPU, JOB_SLEEP, JOB_SYSCALL, JOB_NET, JOB_CHAN, JOB_KINDS };

static struct {
	struct idmap ids;
	gs_waitgroup done;
	atomic_bool stop;
	atomic_long changes, busy;
	int waves, perwave;
	atomic_long kinds[JOB_KINDS];
} chaos;

struct pair {
	int fd[2];
	gs_chan *ch;
	gs_waitgroup wg; /* the helper's last act: the job may then free */
};

static void
chaos_record(uintptr_t id, int kind)
{
	atomic_fetch_add(&chaos.kinds[kind], 1);
	idmap_set(&chaos.ids, id);
	gs_wg_done(&chaos.done);
}

/* Both halves of a netpoll or channel job: the writer/sender side does not
 * count as a job of its own. */
static void
net_writer(void *arg)
{
	struct pair *pr = arg;
	char b = 'x';

	gs_sleep(50000);
	ck_assert_int_eq(gs_fd_write(pr->fd[1], &b, 1), 1);
	gs_wg_done(&pr->wg);
}

static void
chan_sender(void *arg)
{
	struct pair *pr = arg;
	int v = 7, back;

	ck_assert_int_eq(gs_chan_send(pr->ch, &v), 0);
	ck_assert_int_eq(gs_chan_recv(pr->ch, &back), 1);
	ck_assert_int_eq(back, 8);
	gs_wg_done(&pr->wg);
}

static void
chaos_job(void *arg)
{
	uintptr_t id = (uintptr_t)arg;
	int kind = (int)(id % JOB_KINDS);
	struct pair pr;

	memset(&pr, 0, sizeof pr);
	TU_WG_ADD(&pr.wg, 1);

	switch (kind) {
	case JOB_CPU:
		for (int i = 0; i < 20; i++) {
			tu_spin_ns(10000);
			gs_preempt_check();
		}
		break;
	case JOB_SLEEP:
		ck_assert_int_eq(gs_sleep(100000 + (int64_t)(id % 7) * 100000), 0);
		break;
	case JOB_SYSCALL:
		ck_assert_int_eq(gs_nanosleep(50000 + (int64_t)(id % 5) * 50000), 0);
		break;
	case JOB_NET: {
		char b = 0;
		ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pr.fd), 0);
		ck_assert_int_eq(gs_fd_open(pr.fd[0]), 0);
		ck_assert_int_eq(gs_fd_open(pr.fd[1]), 0);
		TU_GO(net_writer, &pr);
		ck_assert_int_eq(gs_fd_read(pr.fd[0], &b, 1), 1);
		ck_assert_int_eq(b, 'x');
		gs_wg_wait(&pr.wg);
		ck_assert_int_eq(gs_fd_close(pr.fd[0]), 0);
		ck_assert_int_eq(gs_fd_close(pr.fd[1]), 0);
		break;
	}
	case JOB_CHAN: {
		int v, back = 8;
		pr.ch = gs_chan_make(sizeof(int), 0);
		ck_assert_ptr_nonnull(pr.ch);
		TU_GO(chan_sender, &pr);
		ck_assert_int_eq(gs_chan_recv(pr.ch, &v), 1);
		ck_assert_int_eq(v, 7);
		ck_assert_int_eq(gs_chan_send(pr.ch, &back), 0);
		gs_wg_wait(&pr.wg);
		gs_chan_free(pr.ch);
		break;
	}
	}
	chaos_record(id, kind);
}

static void *
chaos_changer(void *arg)
{
	uint64_t seed = (uint64_t)(uintptr_t)arg ^ tu_now_ns();
	(void)arg;

	while (!atomic_load(&chaos.stop)) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		int n = (int)((seed >> 33) % 256) + 1;
		int r = gs_set_gomaxprocs(n);
		if (r >= 1)
			atomic_fetch_add(&chaos.changes, 1);
		else if (r == GS_EBUSY)
			atomic_fetch_add(&chaos.busy, 1);
		else
			ck_abort_msg("gs_set_gomaxprocs(%d) = %d (%s)", n, r, gs_strerror(r));
		struct timespec ts = { 0, 1000000 + (long)((seed >> 20) % 3000000) };
		nanosleep(&ts, NULL);
	}
	return NULL;
}

static void
chaos_main(void *arg)
{
	pthread_t changer;
	uint64_t t0 = tu_now_ns();
	int total = chaos.waves * chaos.perwave;
	(void)arg;

	TU_WG_ADD(&chaos.done, total);
	ck_assert_int_eq(pthread_create(&changer, NULL, chaos_changer, &chaos), 0);
	for (int w = 0; w < chaos.waves; w++) {
		for (int i = 0; i < chaos.perwave; i++)
			TU_GO(chaos_job, (void *)(uintptr_t)(w * chaos.perwave + i));
		gs_sleep(2000000);
	}
	gs_wg_wait(&chaos.done);
	atomic_store(&chaos.stop, true);
	gs_entersyscallblock();
	pthread_join(changer, NULL);
	gs_exitsyscall();

	gs_stats st;
	ck_assert_int_eq(gs_read_stats(&st), 0);
	printf("stress GOMAXPROCS chaos: %d jobs (cpu %ld, sleep %ld, syscall %ld, netwait "
	       "%ld, chan %ld) in %.2f s; %ld GOMAXPROCS changes (1..256; %ld refused "
	       "busy), procresizes %" PRIu64 "; syscalls %" PRIu64 ", handoffs %" PRIu64
	       ", retakes %" PRIu64 ", netpoll wakes %" PRIu64 ", threads created %" PRIu64 "\n",
	    total, atomic_load(&chaos.kinds[JOB_CPU]), atomic_load(&chaos.kinds[JOB_SLEEP]),
	    atomic_load(&chaos.kinds[JOB_SYSCALL]), atomic_load(&chaos.kinds[JOB_NET]),
	    atomic_load(&chaos.kinds[JOB_CHAN]), (double)(tu_now_ns() - t0) / 1e9,
	    atomic_load(&chaos.changes), atomic_load(&chaos.busy), st.procresizes, st.syscalls,
	    st.handoffs, st.retakes, st.netpoll_wakes, st.threads_created);
	ck_assert_msg(atomic_load(&chaos.changes) >= 10, "only %ld GOMAXPROCS changes happened",
	    atomic_load(&chaos.changes));
}

START_TEST(test_procresize_chaos)
{
	memset(&chaos, 0, sizeof chaos);
	chaos.waves = TU_SCALE(1000 * stress_scale());
	chaos.perwave = TU_TSAN ? 10 : 20;
	idmap_init(&chaos.ids, (size_t)chaos.waves * (size_t)chaos.perwave);
	watchdog(150 * (unsigned)stress_scale());
	tu_run(chaos_main, NULL, 4);
	watchdog_off();
	idmap_check(&chaos.ids, "GOMAXPROCS chaos");
}
END_TEST

/* ---- system-call storms up to the thread limit ---------------------------------------- */

enum { STORM_THREADS = 64 };

static struct {
	struct idmap ids;
	gs_waitgroup done;
	gs_chan *tokens; /* at most `conc` goroutines in a system call at once */
	int calls;
	atomic_int peak_insys;
} sys;

static void
sys_job(void *arg)
{
	char t = 0;
	gs_stats st;

	ck_assert_int_eq(gs_chan_recv(sys.tokens, &t), 1);
	if ((uintptr_t)arg % 2) {
		ck_assert_int_eq(gs_nanosleep(500000), 0); /* P retaken by sysmon */
	} else {
		struct timespec ts = { 0, 500000 };
		gs_entersyscallblock(); /* P handed off at once */
		nanosleep(&ts, NULL);
		gs_exitsyscall();
	}
	/* gs_read_stats walks every goroutine: now and then only, or the storm
	 * would be quadratic in the number of goroutines. */
	if ((uintptr_t)arg % 256 == 0 && gs_read_stats(&st) == 0) {
		int cur = atomic_load(&sys.peak_insys);
		while (st.threads > cur &&
		    !atomic_compare_exchange_weak(&sys.peak_insys, &cur, st.threads))
			;
	}
	ck_assert_int_eq(gs_chan_send(sys.tokens, &t), 0);
	idmap_set(&sys.ids, (uintptr_t)arg);
	gs_wg_done(&sys.done);
}

static void
sys_main(void *arg)
{
	int conc = *(int *)arg;
	char t = 0;
	uint64_t t0 = tu_now_ns();

	sys.tokens = gs_chan_make(1, (size_t)conc);
	ck_assert_ptr_nonnull(sys.tokens);
	for (int i = 0; i < conc; i++)
		ck_assert_int_eq(gs_chan_send(sys.tokens, &t), 0);
	TU_WG_ADD(&sys.done, sys.calls);
	for (int i = 0; i < sys.calls; i++)
		TU_GO(sys_job, (void *)(uintptr_t)i);
	gs_wg_wait(&sys.done);
	gs_stats st;
	ck_assert_int_eq(gs_read_stats(&st), 0);
	printf("stress syscall storm: %d blocking syscalls (%d at once) with max_threads "
	       "%d in %.2f s: syscalls %" PRIu64 ", retakes %" PRIu64 ", handoffs %" PRIu64
	       ", threads created %" PRIu64 ", peak threads %d\n",
	    sys.calls, conc, STORM_THREADS, (double)(tu_now_ns() - t0) / 1e9, st.syscalls,
	    st.retakes, st.handoffs, st.threads_created, atomic_load(&sys.peak_insys));
	ck_assert_int_le(atomic_load(&sys.peak_insys), STORM_THREADS);
	ck_assert_uint_ge(st.syscalls, (uint64_t)sys.calls);
	gs_chan_free(sys.tokens);
}

/* Up to the limit: 40 goroutines at once in blocking calls (each needs its own
 * thread once its P is handed off), plus the Ms running 4 Ps, sysmon and
 * spinning Ms, stays under 64 threads, and the program runs to its end. */
START_TEST(test_syscall_storm)
{
	int conc = 40;
	gs_config cfg = { .procs = 4, .max_threads = STORM_THREADS };

	memset(&sys, 0, sizeof sys);
	sys.calls = tu_live_cap(TU_SCALE(20000 * stress_scale()));
	idmap_init(&sys.ids, (size_t)sys.calls);
	watchdog(120 * (unsigned)stress_scale());
	tu_run_cfg(sys_main, &conc, &cfg);
	watchdog_off();
	idmap_check(&sys.ids, "syscall storm");
}
END_TEST

/* Past the limit: 100 goroutines blocked at once in system calls need more than
 * 64 threads; the program must end as Go's does, with "thread exhaustion". */
static void
exhaust_blocker(void *arg)
{
	(void)arg;
	gs_entersyscallblock();
	struct timespec ts = { 2, 0 };
	nanosleep(&ts, NULL);
	gs_exitsyscall();
}

static void
exhaust_main(void *arg)
{
	(void)arg;
	for (int i = 0; i < 100; i++)
		gs_go(exhaust_blocker, NULL);
	gs_sleep(5000000000);
}

static int
exhaust_child(void *arg)
{
	gs_config cfg = { .procs = 4, .max_threads = STORM_THREADS };
	(void)arg;
	int rc = gs_run(exhaust_main, NULL, &cfg);
	fprintf(stderr, "child: gs_run returned %d\n", rc);
	return 0;
}

START_TEST(test_thread_exhaustion)
{
	static struct tu_child c;
	static const char *const want[] = { "runtime: program exceeds 64-thread limit",
		"fatal error: thread exhaustion", NULL };

	tu_child_run(&c, exhaust_child, NULL, TU_SEC(30));
	tu_child_expect(&c, 2, want);
	printf("stress thread exhaustion: exit status 2, stderr: %s", c.out);
}
END_TEST

/* ---- channel and select torture --------------------------------------------------------- */

/*
 * Producers send 1..per on one of NCH channels (buffered and unbuffered), chosen
 * by gs_select among all of them; consumers receive by gs_select too, plus plain
 * receives.  A closer closes every channel while producers are still sending: a
 * send that fails with GS_ECLOSED did not deliver, and the sum of what every
 * consumer received must equal the sum of the sends that succeeded.
 */
enum { NCH = 4 };

static struct {
	gs_chan *ch[NCH];
	gs_waitgroup prod, cons;
	int producers, consumers, per;
	atomic_llong sent_sum, sent_n, recv_sum, recv_n, closed_sends, selects;
} tort;

static void
tort_producer(void *arg)
{
	uintptr_t me = (uintptr_t)arg;

	for (int i = 1; i <= tort.per; i++) {
		long long v = i;
		int err = 0, k;
		if ((me + (uintptr_t)i) % 3 == 0) {
			k = (int)((me + (uintptr_t)i) % NCH);
			err = gs_chan_send(tort.ch[k], &v);
		} else {
			gs_select_case cs[NCH];
			for (int j = 0; j < NCH; j++)
				cs[j] = (gs_select_case){ tort.ch[j], GS_SELECT_SEND, &v, false };
			k = gs_select(cs, NCH, false, &err);
			ck_assert(k >= 0 && k < NCH);
			atomic_fetch_add(&tort.selects, 1);
		}
		if (err == GS_ECLOSED) {
			atomic_fetch_add(&tort.closed_sends, 1);
			break; /* closed: this producer is done */
		}
		ck_assert_int_eq(err, 0);
		atomic_fetch_add(&tort.sent_sum, v);
		atomic_fetch_add(&tort.sent_n, 1);
	}
	gs_wg_done(&tort.prod);
}

static void
tort_consumer(void *arg)
{
	uintptr_t me = (uintptr_t)arg;
	long long sum = 0, n = 0;
	bool open[NCH];
	int nopen = NCH;

	for (int j = 0; j < NCH; j++)
		open[j] = true;
	while (nopen > 0) {
		long long v = 0;
		if (me % 2 == 0) {
			gs_select_case cs[NCH];
			for (int j = 0; j < NCH; j++)
				cs[j] = (gs_select_case){ open[j] ? tort.ch[j] : NULL,
					GS_SELECT_RECV, &v, false };
			int k = gs_select(cs, NCH, false, NULL);
			ck_assert(k >= 0 && k < NCH);
			atomic_fetch_add(&tort.selects, 1);
			if (!cs[k].ok) {
				open[k] = false;
				nopen--;
				continue;
			}
		} else {
			int k = -1;
			for (int j = 0; j < NCH; j++)
				if (open[(me / 2 + (uintptr_t)j) % NCH]) {
					k = (int)((me / 2 + (uintptr_t)j) % NCH);
					break;
				}
			int r = gs_chan_recv(tort.ch[k], &v);
			if (r == 0) {
				open[k] = false;
				nopen--;
				continue;
			}
			ck_assert_int_eq(r, 1);
		}
		sum += v;
		n++;
	}
	atomic_fetch_add(&tort.recv_sum, sum);
	atomic_fetch_add(&tort.recv_n, n);
	gs_wg_done(&tort.cons);
}

static void
tort_main(void *arg)
{
	bool close_early = *(bool *)arg;
	uint64_t t0 = tu_now_ns();

	for (int j = 0; j < NCH; j++) {
		tort.ch[j] = gs_chan_make(sizeof(long long), j % 2 ? 0 : (size_t)(16 << j));
		ck_assert_ptr_nonnull(tort.ch[j]);
	}
	TU_WG_ADD(&tort.prod, tort.producers);
	TU_WG_ADD(&tort.cons, tort.consumers);
	for (int i = 0; i < tort.consumers; i++)
		TU_GO(tort_consumer, (void *)(uintptr_t)i);
	for (int i = 0; i < tort.producers; i++)
		TU_GO(tort_producer, (void *)(uintptr_t)i);
	if (close_early) {
		/* Close while producers are still sending (and blocked). */
		gs_sleep(20000000);
		ck_assert_int_eq(gs_chan_close(tort.ch[0]), 0);
		gs_sleep(5000000);
		for (int j = 1; j < NCH; j++)
			ck_assert_int_eq(gs_chan_close(tort.ch[j]), 0);
		gs_wg_wait(&tort.prod);
	} else {
		gs_wg_wait(&tort.prod);
		for (int j = 0; j < NCH; j++)
			ck_assert_int_eq(gs_chan_close(tort.ch[j]), 0);
	}
	gs_wg_wait(&tort.cons);
	printf("stress channels (%s): %d producers, %d consumers, %lld values sent (sum "
	       "%lld), %lld received (sum %lld), %lld sends refused by close, %lld selects, "
	       "%.2f s\n",
	    close_early ? "closed under load" : "closed after", tort.producers, tort.consumers,
	    atomic_load(&tort.sent_n), atomic_load(&tort.sent_sum), atomic_load(&tort.recv_n),
	    atomic_load(&tort.recv_sum), atomic_load(&tort.closed_sends),
	    atomic_load(&tort.selects), (double)(tu_now_ns() - t0) / 1e9);
	ck_assert_int_eq(atomic_load(&tort.recv_n), atomic_load(&tort.sent_n));
	ck_assert_int_eq(atomic_load(&tort.recv_sum), atomic_load(&tort.sent_sum));
	if (!close_early)
		ck_assert_int_eq(atomic_load(&tort.sent_n), (long long)tort.producers * tort.per);
	for (int j = 0; j < NCH; j++)
		gs_chan_free(tort.ch[j]);
}

START_TEST(test_chan_torture)
{
	bool close_early = _i == 1;

	memset(&tort, 0, sizeof tort);
	tort.producers = 64;
	tort.consumers = 32;
	tort.per = TU_SCALE(close_early ? 1000000 : 2000 * stress_scale());
	watchdog(120 * (unsigned)stress_scale());
	tu_run(tort_main, &close_early, 4);
	watchdog_off();
}
END_TEST

static Suite *
stress_suite(void)
{
	Suite *s = suite_create("stress");
	double k = stress_scale();
	TCase *tc;

	tc = tu_tcase("parked", 300 * k);
	tcase_add_test(tc, test_parked);
	suite_add_tcase(s, tc);

	tc = tu_tcase("spawn", 150 * k);
	tcase_add_loop_test(tc, test_spawn_storm, 0, 3);
	suite_add_tcase(s, tc);

	tc = tu_tcase("procresize", 180 * k);
	tcase_add_test(tc, test_procresize_chaos);
	suite_add_tcase(s, tc);

	tc = tu_tcase("syscall", 150 * k);
	tcase_add_test(tc, test_syscall_storm);
	tcase_add_test(tc, test_thread_exhaustion);
	suite_add_tcase(s, tc);

	tc = tu_tcase("chan", 150 * k);
	tcase_add_loop_test(tc, test_chan_torture, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	return tu_run_suite(stress_suite());
}
