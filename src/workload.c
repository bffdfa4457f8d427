/*
 * workload.c - the live workloads of workload.h.
 *
 * The goroutines call no stdio (a label-sized stack is all they may assume)
 * and check run->stop between blocking calls, so gsw_stop returns within the
 * longest wait below (netwait's writer: 100 ms).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gsched.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "workload.h"

#define MS(x) ((int64_t)(x)*1000000)

/* A small per-goroutine PRNG seeded from the run. */
static uint32_t
rnd_seed(gsw_run *run)
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

static bool
stopped(gsw_run *run)
{
	return atomic_load_explicit(&run->stop, memory_order_relaxed);
}

static int
go(gsw_run *run, void (*fn)(void *), void *arg, const char *label)
{
	gs_attr a = {.label = run->label ? run->label : label, .stack_size = 0};

	gs_wg_add(&run->wg, 1);
	int64_t id = gs_go_attr(fn, arg, &a);
	if (id < 0) {
		gs_wg_done(&run->wg);
		return (int)id;
	}
	return 0;
}

/* ---- cpu: pure computation, preemptible asynchronously -------------------------- */

static void
cpu_g(void *arg)
{
	gsw_run *run = arg;
	volatile uint64_t sink = 0;

	while (!stopped(run)) {
		uint64_t x = sink + 1;
		gs_preemptible_begin();
		for (int i = 0; i < 4000000; i++) {
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			if ((i & 0xffff) == 0 &&
			    atomic_load_explicit(&run->stop, memory_order_relaxed))
				break;
		}
		gs_preemptible_end();
		sink = x;
		gs_preempt_check();
	}
	gs_wg_done(&run->wg);
}

static int
cpu_spawn(gsw_run *run, int count)
{
	for (int i = 0; i < count; i++) {
		int rc = go(run, cpu_g, run, "cpu");
		if (rc)
			return rc;
	}
	return 0;
}

/* ---- sleep: timers ------------------------------------------------------------- */

static void
sleep_g(void *arg)
{
	gsw_run *run = arg;
	uint32_t s = rnd_seed(run);

	while (!stopped(run)) {
		/* 1-20 ms, then a little work */
		gs_sleep(MS(1) + (int64_t)(rnd(&s) % 19000) * 1000);
		volatile uint32_t w = 0;
		for (uint32_t i = 0; i < 20000 + rnd(&s) % 200000; i++)
			w += i;
	}
	gs_wg_done(&run->wg);
}

static int
sleep_spawn(gsw_run *run, int count)
{
	for (int i = 0; i < count; i++) {
		int rc = go(run, sleep_g, run, "sleep");
		if (rc)
			return rc;
	}
	return 0;
}

/* ---- syscall: a real blocking system call ------------------------------------------ */

static void
syscall_g(void *arg)
{
	gsw_run *run = arg;
	uint32_t s = rnd_seed(run);

	while (!stopped(run)) {
		gs_nanosleep(MS(5) + (int64_t)(rnd(&s) % 25000) * 1000); /* 5-30 ms */
		gs_sleep(MS(1) + (int64_t)(rnd(&s) % 10000) * 1000);     /* 1-11 ms */
	}
	gs_wg_done(&run->wg);
}

static int
syscall_spawn(gsw_run *run, int count)
{
	for (int i = 0; i < count; i++) {
		int rc = go(run, syscall_g, run, "syscall");
		if (rc)
			return rc;
	}
	return 0;
}

/* ---- netwait: a reader parked in the netpoller, a writer feeding it ---------------- */

struct netpair {
	gsw_run *run;
	int rfd, wfd;
};

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
	gs_wg_done(&np->run->wg);
	free(np);
}

static void
netwrite_g(void *arg)
{
	struct netpair *np = arg;
	gsw_run *run = np->run;
	uint32_t s = rnd_seed(run);

	while (!stopped(run)) {
		gs_sleep(MS(20) + (int64_t)(rnd(&s) % 80000) * 1000); /* 20-100 ms */
		if (stopped(run))
			break;
		char c = 'x';
		if (gs_fd_write(np->wfd, &c, 1) < 0)
			break;
	}
	/* closing our end gives the reader EOF; it frees np */
	gs_fd_close(np->wfd);
	gs_wg_done(&run->wg);
}

static int
netwait_spawn(gsw_run *run, int count)
{
	for (int i = 0; i < count; i++) {
		int sv[2];
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
			return GS_EAGAIN;
		struct netpair *np = malloc(sizeof *np);
		if (np == NULL) {
			close(sv[0]);
			close(sv[1]);
			return GS_ENOMEM;
		}
		np->run = run;
		np->rfd = sv[0];
		np->wfd = sv[1];
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
		gs_wg_add(&run->wg, 2);
		gs_attr ra = {.label = run->label ? run->label : "netwait", .stack_size = 0};
		gs_attr wa = {.label = run->label ? run->label : "netwrite", .stack_size = 0};
		if (gs_go_attr(netread_g, np, &ra) < 0) {
			gs_wg_add(&run->wg, -2);
			gs_fd_close(sv[0]);
			gs_fd_close(sv[1]);
			free(np);
			return GS_ENOMEM;
		}
		if (gs_go_attr(netwrite_g, np, &wa) < 0) {
			/* the reader ends (and frees np) when we close the writing end */
			gs_wg_add(&run->wg, -1);
			gs_fd_close(sv[1]);
			return GS_ENOMEM;
		}
	}
	return 0;
}

/* ---- mixed -------------------------------------------------------------------- */

static int
mixed_spawn(gsw_run *run, int count)
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

static const gsw_workload table[] = {
        {"cpu", "cpu", "CPU-bound loops, preempted asynchronously by sysmon", 4,
         cpu_spawn},
        {"sleep", "sleep", "gs_sleep loops of 1-20 ms (timers)", 8, sleep_spawn},
        {"syscall", "syscall", "gs_nanosleep of 5-30 ms: a blocking system call", 4,
         syscall_spawn},
        {"netwait", "netwait",
         "a reader blocked in gs_fd_read, fed by a writer every 20-100 ms", 2,
         netwait_spawn},
        {"mixed", "", "per count: 1 cpu, 3 sleep, 2 syscall, 1 netwait pair", 2,
         mixed_spawn},
};

const gsw_workload *
gsw_table(int *n)
{
	*n = (int)(sizeof table / sizeof table[0]);
	return table;
}

const gsw_workload *
gsw_find(const char *name)
{
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (strcmp(table[i].name, name) == 0)
			return &table[i];
	return NULL;
}

void
gsw_list(FILE *f)
{
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		fprintf(f, "  %-9s %s (default %d)\n", table[i].name, table[i].what,
		        table[i].default_count);
}

void
gsw_run_init(gsw_run *run)
{
	memset(run, 0, sizeof *run);
	atomic_init(&run->stop, false);
	atomic_init(&run->seed, 0x2545F491u);
}

int
gsw_spawn(gsw_run *run, const gsw_workload *w, int count)
{
	return w->spawn(run, count > 0 ? count : w->default_count);
}

/* The default scenario ramps up, one kind every RAMP_STEP, so that the first
 * lines of `gsched --batch` show each kind arrive: the CPU hogs at once (idle
 * Ps steal from the spawning one), sleepers (timers on every P), then the
 * system calls (threads climb, Ps hand off), then the netpoller. */
#define RAMP_STEP MS(100)

struct ramp {
	gsw_run *run;
	int procs;
	int err; /* the first spawn error, reported by nobody: the run goes on */
};

static struct ramp ramp_state;

static void
ramp_g(void *arg)
{
	struct ramp *r = arg;
	gsw_run *run = r->run;
	int rc = 0;

	for (int phase = 1; phase <= 3 && rc == 0; phase++) {
		gs_sleep(RAMP_STEP);
		if (stopped(run))
			break;
		rc = phase == 1   ? sleep_spawn(run, 6)
		     : phase == 2 ? syscall_spawn(run, 3)
				  : netwait_spawn(run, 2);
	}
	r->err = rc;
	gs_wg_done(&run->wg);
}

int
gsw_spawn_default(gsw_run *run, int procs)
{
	int rc;

	if (procs < 1)
		procs = 1;
	/* fewer CPU hogs than Ps, so some Ps go idle and steal */
	if ((rc = cpu_spawn(run, procs > 1 ? procs - 1 : 1)) != 0)
		return rc;
	ramp_state = (struct ramp){ run, procs, 0 };
	return go(run, ramp_g, &ramp_state, "ramp");
}

void
gsw_stop(gsw_run *run)
{
	atomic_store(&run->stop, true);
	gs_wg_wait(&run->wg);
}
