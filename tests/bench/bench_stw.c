/*
 * bench_stw.c - part of `make bench` (run by tests/bench/run-bench.sh): how
 * long the stop-the-world of a GOMAXPROCS change takes while goroutines run,
 * printed in the bench line format of src/cmd/bench.c,
 *
 *	procresize <median_us> us/stw n=N tail_us=X max_us=Y
 *
 * The load is the one check_procresize's test_resize_under_load runs (CPU
 * goroutines that yield, sleepers, channel ping-pong pairs); the changes go
 * through the values 1..256 shuffled.  The test checks that every change
 * happens; this measures how long each took (gs_stats.last_stw_ns), which a
 * loaded test machine would make meaningless as an assertion.
 *
 *	bench-stw [bench procresize] [-n CHANGES] [--rounds R]
 *
 * (tail_us is the 99th percentile; the leading words and --rounds are accepted so run-bench.sh can run it
 * like `gsched bench`; every round prints one line).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gsched.h>

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LOAD_CPU 16
#define LOAD_SLEEP 16
#define LOAD_PAIRS 4

struct stwrun {
	int n;            /* changes */
	uint64_t *stw_ns; /* n of them */
	int err;
};

static _Atomic int load_stop;
static gs_waitgroup load_wg;
static gs_chan *ping[LOAD_PAIRS], *pong[LOAD_PAIRS];

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void
cpu_g(void *arg)
{
	(void)arg;
	while (!atomic_load(&load_stop)) {
		uint64_t end = now_ns() + 20000;
		while (now_ns() < end)
			;
		gs_yield();
	}
	gs_wg_done(&load_wg);
}

static void
sleep_g(void *arg)
{
	uint64_t s = (uint64_t)(uintptr_t)arg * 0x9e3779b97f4a7c15ULL + 1;

	while (!atomic_load(&load_stop)) {
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		gs_sleep((int64_t)(1 + (s >> 16) % 20) * 1000000);
	}
	gs_wg_done(&load_wg);
}

static void
ping_g(void *arg)
{
	intptr_t i = (intptr_t)arg;
	int v = 0;

	while (!atomic_load(&load_stop)) {
		gs_chan_send(ping[i], &v);
		gs_chan_recv(pong[i], &v);
	}
	v = -1;
	gs_chan_send(ping[i], &v);
	gs_wg_done(&load_wg);
}

static void
pong_g(void *arg)
{
	intptr_t i = (intptr_t)arg;
	int v;

	while (gs_chan_recv(ping[i], &v) == 1 && v >= 0)
		gs_chan_send(pong[i], &v);
	gs_wg_done(&load_wg);
}

static void
shuffle(int *v, int n, uint64_t seed)
{
	for (int i = 0; i < n; i++)
		v[i] = i % 256 + 1;
	for (int i = n - 1; i > 0; i--) {
		seed ^= seed << 13;
		seed ^= seed >> 7;
		seed ^= seed << 17;
		int j = (int)((seed >> 16) % (uint64_t)(i + 1));
		int t = v[i];
		v[i] = v[j];
		v[j] = t;
	}
}

static void
main_g(void *arg)
{
	struct stwrun *r = arg;
	int *values = malloc((size_t)r->n * sizeof *values);
	int prev = gs_gomaxprocs(), k = 0;

	if (values == NULL) {
		r->err = 1;
		return;
	}
	shuffle(values, r->n, 12345);
	atomic_store(&load_stop, 0);
	gs_wg_add(&load_wg, LOAD_CPU + LOAD_SLEEP + 2 * LOAD_PAIRS);
	for (intptr_t i = 0; i < LOAD_CPU; i++)
		gs_go(cpu_g, NULL);
	for (intptr_t i = 0; i < LOAD_SLEEP; i++)
		gs_go(sleep_g, (void *)i);
	for (intptr_t i = 0; i < LOAD_PAIRS; i++) {
		ping[i] = gs_chan_make(sizeof(int), 0);
		pong[i] = gs_chan_make(sizeof(int), 0);
		gs_go(ping_g, (void *)i);
		gs_go(pong_g, (void *)i);
	}
	for (int i = 0; i < r->n; i++) {
		gs_stats st;

		if (values[i] == prev)
			continue;
		if (gs_set_gomaxprocs(values[i]) != prev || gs_read_stats(&st) != 0) {
			r->err = 1;
			break;
		}
		r->stw_ns[k++] = st.last_stw_ns;
		prev = values[i];
		gs_yield();
	}
	r->n = k;
	atomic_store(&load_stop, 1);
	gs_wg_wait(&load_wg);
	for (int i = 0; i < LOAD_PAIRS; i++) {
		gs_chan_free(ping[i]);
		gs_chan_free(pong[i]);
	}
	free(values);
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	int n = 300, rounds = 1;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
			n = atoi(argv[++i]);
		else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc)
			rounds = atoi(argv[++i]);
		else if (strcmp(argv[i], "bench") != 0 && strcmp(argv[i], "procresize") != 0) {
			fprintf(stderr,
			    "usage: bench-stw [bench procresize] [-n CHANGES] [--rounds R]\n");
			return 2;
		}
	}
	if (n < 2 || n > 100000 || rounds < 1) {
		fprintf(stderr, "bench-stw: -n 2..100000, --rounds 1 or more\n");
		return 2;
	}
	for (int round = 0; round < rounds; round++) {
		struct stwrun r = { n, calloc((size_t)n, sizeof(uint64_t)), 0 };
		gs_config cfg = { .procs = 4 };

		if (r.stw_ns == NULL) {
			fprintf(stderr, "bench-stw: out of memory\n");
			return 1;
		}
		int rc = gs_run(main_g, &r, &cfg);
		if (rc != 0 || r.err || r.n == 0) {
			fprintf(stderr, "bench-stw: the run failed (%s)\n",
			    rc ? gs_strerror(rc) : "a GOMAXPROCS change");
			return 1;
		}
		qsort(r.stw_ns, (size_t)r.n, sizeof *r.stw_ns, cmp_u64);
		printf("procresize %.1f us/stw n=%d tail_us=%.1f max_us=%.1f\n",
		    (double)r.stw_ns[r.n / 2] / 1e3, r.n, (double)r.stw_ns[r.n * 99 / 100] / 1e3,
		    (double)r.stw_ns[r.n - 1] / 1e3);
		fflush(stdout);
		free(r.stw_ns);
	}
	return 0;
}
