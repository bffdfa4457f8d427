/*
 * ticker.c - the live tick loop of ticker.h.
 *
 * Three threads take part.  The calling thread runs gs_run; the runtime's main
 * goroutine spawns the scenario and then parks in the netpoller on a pipe; a
 * plain pthread (not an M, so it disturbs no P) sleeps until each tick's
 * deadline, takes the snapshot, drains the events and calls the sinks, which
 * may do stdio and file writes freely.  After the last tick it writes a byte
 * into the pipe; the main goroutine wakes, stops the workloads and returns.
 */
#define _GNU_SOURCE /* pipe2 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "live/ticker.h"
#include "live/workload.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0.1.0"
#endif

#define EVENTS_PER_TICK_MAX (1 << 20)

struct live {
	const ticker_live *o;
	const tick_sink *sinks;
	int nsinks;
	tick_info info;
	workload_run run;
	int pipefd[2];
	atomic_int started; /* 0 not yet, 1 running, -1 failed */
	atomic_bool done;   /* gs_run returned */
	int spawn_err;      /* GS_E* code */
	const char *spawn_name;
	int sinkrc;
	int rc; /* 1: the observer failed */
	char errmsg[160];
};

/* ---- the runtime's main goroutine ------------------------------------------------ */

static void
live_main(void *arg)
{
	struct live *lv = arg;
	const ticker_live *o = lv->o;
	int rc = 0;

	gs_events_enable(o->events);
	if (o->spawns == NULL) {
		lv->spawn_name = "default";
		rc = workload_spawn_default(&lv->run, gs_gomaxprocs());
	} else {
		for (int i = 0; i < o->nspawns && rc == 0; i++) {
			const workload *w = workload_find(o->spawns[i].name);
			lv->spawn_name = o->spawns[i].name;
			rc = w ? workload_spawn(&lv->run, w, o->spawns[i].count) : GS_EINVAL;
		}
	}
	if (rc == 0 && (rc = gs_fd_open(lv->pipefd[0])) != 0)
		lv->spawn_name = "the observer's pipe";
	if (rc != 0) {
		lv->spawn_err = rc;
		atomic_store(&lv->started, -1);
		workload_stop(&lv->run);
		return;
	}
	atomic_store(&lv->started, 1);
	char c;
	while (gs_fd_read(lv->pipefd[0], &c, 1) < 0) {
		/* an interrupted wait: wait again (nothing else can fail here) */
		if (gs_fd_wait(lv->pipefd[0], GS_POLLIN, -1) < 0)
			break;
	}
	workload_stop(&lv->run);
	gs_events_enable(false);
	gs_fd_close(lv->pipefd[0]);
	lv->pipefd[0] = -1;
}

/* ---- the observer thread --------------------------------------------------------- */

static void
sleep_until(uint64_t t)
{
	struct timespec ts = { (time_t)(t / 1000000000), (long)(t % 1000000000) };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

static void *
observer_thread(void *arg)
{
	struct live *lv = arg;
	const ticker_live *o = lv->o;
	gs_snapshot *snap = NULL;
	gs_event *ev = NULL;
	int evcap = 0;
	tick_end end = { 0, 0, 0 };

	for (;;) {
		int st = atomic_load(&lv->started);
		if (st < 0 || atomic_load(&lv->done))
			goto out;
		if (st > 0)
			break;
		sleep_until((uint64_t)gs_nanotime() + 1000000);
	}
	lv->info.procs = gs_gomaxprocs();
	snap = gs_snapshot_new(o->max_m, o->runq_max);
	evcap = 4096;
	ev = malloc((size_t)evcap * sizeof *ev);
	if (snap == NULL || ev == NULL) {
		snprintf(lv->errmsg, sizeof lv->errmsg, "out of memory for snapshots");
		lv->rc = 1;
		goto out;
	}
	lv->info.max_m = snap->max_m;
	lv->info.runq_max = snap->runq_max;
	if ((lv->sinkrc = tick_sinks_begin(lv->sinks, lv->nsinks, &lv->info)) != 0)
		goto out;
	for (int k = 0; k < o->ticks; k++) {
		sleep_until(lv->info.start_ns + (uint64_t)(k + 1) * o->interval_ns);
		int nev = 0;
		uint64_t dropped = 0;
		for (;;) {
			uint64_t d = 0;
			int n = gs_events_drain(ev + nev, evcap - nev, &d);
			dropped += d;
			nev += n;
			if (nev < evcap || evcap >= EVENTS_PER_TICK_MAX)
				break;
			gs_event *ne = realloc(ev, (size_t)evcap * 2 * sizeof *ev);
			if (ne == NULL)
				break;
			ev = ne;
			evcap *= 2;
		}
		/* the snapshot after the drain: every event listed happened before it
		 * was taken (give or take the few microseconds of the drain) */
		int err = gs_snapshot_take(snap);
		if (err) {
			snprintf(lv->errmsg, sizeof lv->errmsg, "gs_snapshot_take: %s",
			    gs_strerror(err));
			lv->rc = 1;
			break;
		}
		tick_data t = { k, snap, ev, nev, dropped };
		end.ticks++;
		end.events += (uint64_t)nev;
		end.dropped += dropped;
		if ((lv->sinkrc = tick_sinks_tick(lv->sinks, lv->nsinks, &lv->info, &t)) != 0)
			break;
	}
	if (lv->sinkrc == 0)
		lv->sinkrc = tick_sinks_end(lv->sinks, lv->nsinks, &lv->info, &end);
out:
	/* wake the main goroutine (if it is waiting) */
	if (lv->pipefd[1] >= 0) {
		char c = 'q';
		while (write(lv->pipefd[1], &c, 1) < 0 && errno == EINTR)
			;
	}
	gs_snapshot_free(snap);
	free(ev);
	return NULL;
}

static void
scenario_name(const ticker_live *o, char *buf, size_t size)
{
	size_t n = 0;

	if (o->spawns == NULL) {
		snprintf(buf, size, "default");
		return;
	}
	buf[0] = '\0';
	for (int i = 0; i < o->nspawns && n < size; i++) {
		int w;
		if (o->spawns[i].count > 0)
			w = snprintf(buf + n, size - n, "%s%s:%d", i ? "," : "", o->spawns[i].name,
			    o->spawns[i].count);
		else
			w = snprintf(buf + n, size - n, "%s%s", i ? "," : "", o->spawns[i].name);
		if (w < 0)
			break;
		n += (size_t)w;
	}
}

int
ticker_run_live(const ticker_live *o, const tick_sink *sinks, int nsinks)
{
	struct live *lv = calloc(1, sizeof *lv);
	pthread_t th;
	int rc;

	if (lv == NULL) {
		fprintf(stderr, "gsched: out of memory\n");
		return 1;
	}
	lv->o = o;
	lv->sinks = sinks;
	lv->nsinks = nsinks;
	workload_run_init(&lv->run);
	atomic_init(&lv->started, 0);
	atomic_init(&lv->done, false);
	if (pipe2(lv->pipefd, O_CLOEXEC) != 0) {
		fprintf(stderr, "gsched: pipe: %s\n", strerror(errno));
		free(lv);
		return 1;
	}
	lv->info.interval_ns = o->interval_ns;
	lv->info.ticks = o->ticks;
	lv->info.ncpu = gs_numcpu();
	lv->info.runq_max = o->runq_max;
	lv->info.max_m = o->max_m;
	scenario_name(o, lv->info.scenario, sizeof lv->info.scenario);
	snprintf(lv->info.created_by, sizeof lv->info.created_by, "gsched %s", PACKAGE_VERSION);

	gs_config cfg = { .procs = o->procs, .stack_size = 0, .max_threads = 0 };
	lv->info.start_ns = (uint64_t)gs_nanotime();
	if ((rc = pthread_create(&th, NULL, observer_thread, lv)) != 0) {
		fprintf(stderr, "gsched: pthread_create: %s\n", strerror(rc));
		close(lv->pipefd[0]);
		close(lv->pipefd[1]);
		free(lv);
		return 1;
	}
	rc = gs_run(live_main, lv, &cfg);
	atomic_store(&lv->done, true);
	pthread_join(th, NULL);

	int result = 0;
	if (rc < 0) {
		fprintf(stderr, "gsched: the runtime did not start: %s\n", gs_strerror(rc));
		/* The options were checked: GS_EINVAL means a bad GOMAXPROCS or
		 * GSCHED_DEBUG (already reported), a usage error. */
		result = rc == GS_EINVAL ? 2 : 1;
	} else if (lv->spawn_err) {
		fprintf(stderr, "gsched: starting %s failed: %s\n", lv->spawn_name,
		    gs_strerror(lv->spawn_err));
		result = 1;
	} else if (lv->rc) {
		fprintf(stderr, "gsched: %s\n", lv->errmsg);
		result = 1;
	} else if (lv->sinkrc) {
		result = lv->sinkrc;
	}
	if (lv->pipefd[0] >= 0)
		close(lv->pipefd[0]);
	close(lv->pipefd[1]);
	free(lv);
	return result;
}
