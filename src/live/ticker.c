/*
 * ticker.c - the tick loop (ticker.h), and the live run of --batch, --record
 * and --trace built on it.
 *
 * The live run has three threads.  The calling thread runs gs_run; the
 * runtime's main goroutine spawns the scenario and then parks in the
 * netpoller on a pipe; a plain pthread (not an M, so it disturbs no P) runs
 * the ticker, whose sinks may do stdio and file writes freely.  After the
 * last tick it writes a byte into the pipe; the main goroutine wakes, stops
 * the workloads and returns.
 */
#define _GNU_SOURCE /* pipe2 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
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

/* ---- the tick loop ---------------------------------------------------------------- */

/* Owned by the thread that ticks; nothing here is shared with the runtime
 * but through the public calls. */
struct ticker {
	uint64_t next;     /* the next deadline */
	uint64_t interval; /* of the grid next lies on */
	ticker_late late;
	uint64_t skipped;        /* grid points TICKER_SKIP dropped */
	uint64_t (*clock)(void); /* NULL: gs_nanotime */
	tick_info info;
	tick_sink *sinks;
	int nsinks;
	gs_snapshot *snap; /* the last tick's, refilled by each */
	gs_event *ev;      /* the last tick's events, ev[0..nev) */
	int evcap;         /* grows by doubling up to evmax */
	int evmax;
	gs_snap_ginfo *gl; /* the last tick's goroutine list, grown up to
	                      TICKER_GLIST_MAX */
	int glcap;
	bool goroutines; /* ticker_opts.goroutines */
	int index;       /* the next tick's tick_data.index */
	tick_end end;
};

static uint64_t
ticker_now(const ticker *tk)
{
	return tk->clock ? tk->clock() : (uint64_t)gs_nanotime();
}

ticker *
ticker_new(const ticker_opts *o)
{
	ticker *tk = calloc(1, sizeof *tk);

	if (tk == NULL)
		return NULL;
	tk->next = o->origin_ns;
	tk->interval = o->interval_ns > 0 ? o->interval_ns : 1;
	tk->late = o->late;
	tk->goroutines = o->goroutines;
	tk->clock = o->clock;
	tk->evmax = o->events_max > 0 ? o->events_max : TICKER_EVENTS_MAX;
	tk->evcap = tk->evmax < TICKER_EVENTS_FIRST ? tk->evmax : TICKER_EVENTS_FIRST;
	tk->ev = malloc((size_t)tk->evcap * sizeof *tk->ev);
	tk->snap = gs_snapshot_new(o->max_m, o->runq_max);
	if (o->nsinks > 0 && (tk->sinks = malloc((size_t)o->nsinks * sizeof *tk->sinks)) != NULL) {
		memcpy(tk->sinks, o->sinks, (size_t)o->nsinks * sizeof *tk->sinks);
		tk->nsinks = o->nsinks;
	}
	if (tk->ev == NULL || tk->snap == NULL || tk->nsinks != (o->nsinks > 0 ? o->nsinks : 0)) {
		ticker_free(tk);
		return NULL;
	}
	if (o->info != NULL)
		tk->info = *o->info;
	tk->info.interval_ns = o->interval_ns;
	tk->info.max_m = tk->snap->max_m;
	tk->info.runq_max = tk->snap->runq_max;
	return tk;
}

void
ticker_free(ticker *tk)
{
	if (tk == NULL)
		return;
	gs_snapshot_free(tk->snap);
	free(tk->ev);
	free(tk->gl);
	free(tk->sinks);
	free(tk);
}

const tick_info *
ticker_info(const ticker *tk)
{
	return &tk->info;
}

const tick_end *
ticker_totals(const ticker *tk)
{
	return &tk->end;
}

uint64_t
ticker_skipped(const ticker *tk)
{
	return tk->skipped;
}

uint64_t
ticker_deadline(const ticker *tk)
{
	return tk->next;
}

void
ticker_reschedule(ticker *tk, uint64_t origin_ns, uint64_t interval_ns)
{
	tk->next = origin_ns;
	tk->interval = interval_ns > 0 ? interval_ns : 1;
	tk->info.interval_ns = interval_ns;
}

/* The deadline after the one just ticked, at `now`.  The grid never moves:
 * a late tick either leaves the next deadline in the past (catch up) or
 * jumps over the grid points already gone (skip). */
static void
ticker_advance(ticker *tk, uint64_t now)
{
	tk->next += tk->interval;
	if (tk->late == TICKER_SKIP && tk->next <= now) {
		uint64_t missed = (now - tk->next) / tk->interval + 1;
		tk->next += missed * tk->interval;
		tk->skipped += missed;
	}
}

/* ev[from..nev) into the time order of ev[0..from): each drain is in time
 * order, but an event another M stamped before the last of one drain and
 * published after it comes in the next.  Few are late, and not by far: an
 * insertion sort moves only them. */
static void
ticker_order(gs_event *ev, int from, int nev)
{
	for (int i = from > 0 ? from : 1; i < nev; i++) {
		if (ev[i].time_ns >= ev[i - 1].time_ns)
			continue;
		gs_event e = ev[i];
		int j = i;
		while (j > 0 && ev[j - 1].time_ns > e.time_ns) {
			ev[j] = ev[j - 1];
			j--;
		}
		ev[j] = e;
	}
}

/* Everything the rings hold, up to evmax, into ev[0..) in time order; the
 * count.  The buffer doubles while a drain fills it. */
static int
ticker_fill(ticker *tk, uint64_t *dropped)
{
	int nev = 0;

	*dropped = 0;
	for (;;) {
		uint64_t d = 0;
		int first = nev;
		int n = gs_events_drain(tk->ev + nev, tk->evcap - nev, &d);

		*dropped += d;
		nev += n > 0 ? n : 0;
		if (first > 0)
			ticker_order(tk->ev, first, nev);
		if (nev < tk->evcap || tk->evcap >= tk->evmax)
			return nev;
		int cap = tk->evcap > tk->evmax / 2 ? tk->evmax : tk->evcap * 2;
		gs_event *ne = realloc(tk->ev, (size_t)cap * sizeof *ne);
		if (ne == NULL)
			return nev; /* the rest waits in the rings for the next tick */
		tk->ev = ne;
		tk->evcap = cap;
	}
}

/* The goroutine list with the tick, while accounting gives it figures or the
 * options ask for it: 0 and *ng, *total, or -1 (no list: none taken, or no
 * memory for one). */
static int
ticker_glist(ticker *tk, int *ng, int *total)
{
	if (!gs_accounting_enabled() && !tk->goroutines)
		return -1;
	for (;;) {
		int n = gs_goroutines(tk->gl, tk->glcap);
		if (n < 0)
			return -1;
		if (n <= tk->glcap || tk->glcap >= TICKER_GLIST_MAX) {
			*ng = n < tk->glcap ? n : tk->glcap;
			*total = n;
			return 0;
		}
		int cap = n < TICKER_GLIST_MAX / 2 ? 2 * n : TICKER_GLIST_MAX;
		gs_snap_ginfo *g = realloc(tk->gl, (size_t)cap * sizeof *g);
		if (g == NULL)
			return -1;
		tk->gl = g;
		tk->glcap = cap;
	}
}

int
ticker_take(ticker *tk, tick_data *t)
{
	uint64_t dropped;
	int nev = ticker_fill(tk, &dropped);
	/* the snapshot after the drain: every event listed happened before it
	 * was taken (give or take the few microseconds of the drain) */
	int err = gs_snapshot_take(tk->snap);

	ticker_advance(tk, ticker_now(tk));
	if (err != 0)
		return err;
	int ng = 0, ngt = 0;
	bool listed = err == 0 && ticker_glist(tk, &ng, &ngt) == 0;
	*t = (tick_data){ tk->index++, tk->snap, tk->ev, nev, dropped, listed ? tk->gl : NULL, ng,
		ngt, NULL };
	tk->end.ticks++;
	tk->end.events += (uint64_t)nev;
	tk->end.dropped += dropped;
	return 0;
}

int
ticker_tick(ticker *tk)
{
	tick_data t;
	int rc = ticker_take(tk, &t);

	return rc != 0 ? rc : tick_sinks_tick(tk->sinks, tk->nsinks, &tk->info, &t);
}

uint64_t
ticker_drain(ticker *tk, uint64_t *dropped)
{
	uint64_t n = 0, lost = 0;
	int got;

	/* into the buffer as it is, overwriting: nothing is kept */
	do {
		uint64_t d = 0;
		got = gs_events_drain(tk->ev, tk->evcap, &d);
		n += got > 0 ? (uint64_t)got : 0;
		lost += d;
	} while (got == tk->evcap);
	if (dropped != NULL)
		*dropped = lost;
	return n;
}

int
ticker_run(ticker *tk, int ticks, ticker_wait_fn wait, void *ctx)
{
	int rc = tick_sinks_begin(tk->sinks, tk->nsinks, &tk->info);

	if (rc != 0)
		return rc; /* a sink could not start and has said why */
	while (ticks <= 0 || tk->end.ticks < ticks) {
		int w = TICKER_TICK;

		/* a stop signal: the tick it came in is done, end the files */
		if (tick_stop_signal() != 0)
			break;
		if (wait != NULL)
			w = wait(ctx, tk->next);
		else if (tick_sleep_until(tk->next) != 0)
			break;
		if (w == TICKER_STOP)
			break;
		if (w == TICKER_DRAIN) {
			ticker_drain(tk, NULL);
			ticker_advance(tk, ticker_now(tk));
			continue;
		}
		if (w != TICKER_TICK)
			return w;
		if ((rc = ticker_tick(tk)) == TICK_SINK_DONE)
			break; /* a sink had enough: end the others' files */
		if (rc > 0)
			return rc; /* a sink stopped the run and has said why */
		if (rc < 0)
			break; /* the runtime is gone: end the sinks' files */
	}
	int end = tick_sinks_end(tk->sinks, tk->nsinks, &tk->info, &tk->end);
	return rc < 0 || end == 0 ? rc : end;
}

void
ticker_sleep_until(uint64_t t)
{
	struct timespec ts = { (time_t)(t / 1000000000), (long)(t % 1000000000) };

	/* gs_nanotime is CLOCK_MONOTONIC */
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/* ---- the live run ------------------------------------------------------------------ */

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

/* the runtime's main goroutine */
static void
live_main(void *arg)
{
	struct live *lv = arg;
	const ticker_live *o = lv->o;
	int rc = 0;

	gs_events_enable(o->events);
	gs_set_accounting(o->events);
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
	gs_set_accounting(false);
	gs_fd_close(lv->pipefd[0]);
	lv->pipefd[0] = -1;
}

/* the observer thread: the ticker, once the scenario runs */
static void *
live_observer(void *arg)
{
	struct live *lv = arg;
	const ticker_live *o = lv->o;
	ticker *tk = NULL;

	/* the stop signals, blocked in every other thread of the run: one
	 * lands where the ticks are taken, and no M or workload sees a system
	 * call interrupted by it */
	tick_stop_mask(SIG_UNBLOCK, NULL);

	for (;;) {
		int st = atomic_load(&lv->started);
		if (st < 0 || atomic_load(&lv->done))
			goto out;
		if (st > 0)
			break;
		ticker_sleep_until((uint64_t)gs_nanotime() + 1000000);
	}
	lv->info.procs = gs_gomaxprocs();
	lv->info.timescale = gs_timescale();
	ticker_opts to = { .origin_ns = lv->info.start_ns + o->interval_ns,
		.interval_ns = o->interval_ns,
		.late = TICKER_CATCH_UP,
		.max_m = o->max_m,
		.runq_max = o->runq_max,
		.goroutines = o->goroutines,
		.info = &lv->info,
		.sinks = lv->sinks,
		.nsinks = lv->nsinks };
	if ((tk = ticker_new(&to)) == NULL) {
		snprintf(lv->errmsg, sizeof lv->errmsg, "out of memory for snapshots");
		lv->rc = 1;
		goto out;
	}
	int rc = ticker_run(tk, o->ticks, NULL, NULL);
	if (rc < 0) {
		snprintf(lv->errmsg, sizeof lv->errmsg, "gs_snapshot_take: %s", gs_strerror(rc));
		lv->rc = 1;
	} else {
		lv->sinkrc = rc;
	}
out:
	/* wake the main goroutine (if it is waiting) */
	if (lv->pipefd[1] >= 0) {
		char c = 'q';
		while (write(lv->pipefd[1], &c, 1) < 0 && errno == EINTR)
			;
	}
	ticker_free(tk);
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
	if (o->timescale != 0 && (rc = gs_set_timescale(o->timescale)) != 0) {
		fprintf(stderr, "gsched: slow motion x%d: %s\n", o->timescale, gs_strerror(rc));
		close(lv->pipefd[0]);
		close(lv->pipefd[1]);
		free(lv);
		return rc == GS_ERANGE ? 2 : 1;
	}
	lv->info.start_ns = (uint64_t)gs_nanotime();
	sigset_t oldmask;
	tick_stop_mask(SIG_BLOCK, &oldmask); /* the observer and the Ms inherit it */
	if ((rc = pthread_create(&th, NULL, live_observer, lv)) != 0) {
		pthread_sigmask(SIG_SETMASK, &oldmask, NULL);
		fprintf(stderr, "gsched: pthread_create: %s\n", strerror(rc));
		close(lv->pipefd[0]);
		close(lv->pipefd[1]);
		free(lv);
		return 1;
	}
	rc = gs_run(live_main, lv, &cfg);
	atomic_store(&lv->done, true);
	pthread_join(th, NULL);
	pthread_sigmask(SIG_SETMASK, &oldmask, NULL); /* one that came late is handled now */

	int result = 0;
	if (rc < 0) {
		fprintf(stderr, "gsched: the runtime did not start: %s\n", gs_strerror(rc));
		/* The options were checked: GS_EINVAL means a bad GOMAXPROCS or
		 * GSCHED_DEBUG (already reported), a usage error. */
		result = rc == GS_EINVAL ? 2 : 1;
	} else if (lv->spawn_err) {
		char why[256];
		fprintf(stderr, "gsched: starting %s failed: %s\n", lv->spawn_name,
		    workload_strerror(lv->spawn_err, why, sizeof why));
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
