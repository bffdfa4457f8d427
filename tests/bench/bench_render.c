/*
 * bench_render.c - `make bench-render` (part of `make bench`): what the
 * visualizer costs, printed in the bench line format of src/cmd/bench.c,
 *
 *	<workload> <value> <unit> key=value ...
 *
 *  render   one frame (view_render + paint + doupdate) for a synthetic
 *           snapshot of 64 Ps with full, mixed queues and 2000 Ms, painted
 *           into an off-screen xterm-256color terminal (output to
 *           /dev/null) of 200x60; median and 99th percentile over the
 *           frames, in wall time and in the thread's CPU time (on a busy
 *           machine the wall time's tail is other processes'; within=
 *           judges the CPU time's 99th percentile).  Budget:
 *           2 ms a frame.
 *  tui-cpu  the UI thread's CPU time while the real visualizer loop runs
 *           at 10 Hz for 5 s on the default scenario with GOMAXPROCS 2
 *           (off screen, 120x40), as a percentage of one core; and the
 *           whole process against the same session without the UI, which
 *           is what --batch adds to nothing.  Budget: 5% of a core.
 *
 * The model is fed a new tick before each frame (outside the timing), so
 * every frame differs from the last and curses has output to compute.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* RUSAGE_THREAD */
#endif
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gsched.h>
#include <gsched/observe.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "live/session.h"
#include "ui/paint.h"
#include "ui/tui.h"
#include "ui/tui_curses.h"
#include "ui/view.h"

#define NP 64
#define NM 2000
#define RUNQ 256
#define FRAMES 300
#define ROWS 60
#define COLS 200
#define CPU_SECS 5.0
#define EV_TICK 64
#define BUDGET_US 2000.0
#define BUDGET_PCT 5.0

static const char *const labels[] = { "cpu", "sleep", "syscall", "netwait", "ramp" };

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* This thread's CPU time. */
static double
thread_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static double
cpu_us(int who)
{
	struct rusage ru;

	getrusage(who, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
	    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Tick k of the synthetic scheduler: every P busy with a mixed queue whose
 * length moves with k, 2000 Ms in every state, a few events of each kind. */
static void
synth(gs_snapshot *s, gs_event *ev, int k)
{
	s->time_ns = (uint64_t)k * 100000000ULL;
	s->np = NP;
	s->nm = NM;
	s->nm_total = NM;
	memset(&s->stats, 0, sizeof s->stats);
	s->stats.gomaxprocs = NP;
	s->stats.ncpu = NP;
	s->stats.threads = NM;
	s->stats.goroutines = NP * (RUNQ + 1) + 500;
	s->stats.in_syscall = NM - NP - 100;
	s->stats.spawns = (uint64_t)k * 1000;
	s->stats.steals = (uint64_t)k * 7;
	for (int i = 0; i < NP; i++) {
		gs_snap_p *p = &s->p[i];
		p->id = i;
		p->status = (i + k) % 9 == 0 ? GS_PSTATE_SYSCALL : GS_PSTATE_RUNNING;
		p->m = i + 1;
		p->curg.id = 1000 + i;
		snprintf(p->curg.label, sizeof p->curg.label, "%s", labels[i % 5]);
		p->curg_status = GS_G_RUNNING;
		p->slice_ns = (uint64_t)((i * 37 + k * 11) % 10000) * 1000;
		p->runnext.id = 5000 + i;
		snprintf(p->runnext.label, sizeof p->runnext.label, "sleep");
		p->runq_len = (uint32_t)(RUNQ + (i * 13 + k * 5) % 192);
		p->runq_listed = RUNQ;
		p->runq = s->runq_store + (size_t)i * RUNQ;
		for (int j = 0; j < RUNQ; j++) {
			p->runq[j].id = 10000 + i * 256 + j;
			snprintf(p->runq[j].label, sizeof p->runq[j].label, "%s",
			    labels[(i + j + k) % 5]);
		}
		p->schedtick = (uint32_t)(k * 10 + i);
		p->steals = (uint64_t)(k + i);
		p->spawns = (uint64_t)k * 16;
	}
	for (int i = 0; i < NM; i++) {
		gs_snap_m *m = &s->m[i];
		m->id = i + 1;
		m->p = i < NP ? i : -1;
		m->state = i < NP  ? GS_MSTATE_RUNNING
		    : i == NP      ? GS_MSTATE_SYSMON
		    : i < NP + 40  ? GS_MSTATE_IDLE
		    : i < NP + 100 ? GS_MSTATE_SPINNING
				   : GS_MSTATE_SYSCALL;
		m->curg = i < NP ? 1000 + i : 0;
		m->spinning = m->state == GS_MSTATE_SPINNING;
	}
	for (int e = 0; e < EV_TICK; e++) {
		static const int kinds[] = { GS_EV_STEAL, GS_EV_HANDOFF, GS_EV_RETAKE, GS_EV_SPAWN,
			GS_EV_PREEMPT, GS_EV_M_CREATE, GS_EV_SYSCALL_ENTER, GS_EV_RUN };
		memset(&ev[e], 0, sizeof ev[e]);
		ev[e].time_ns = s->time_ns - 100000000ULL + (uint64_t)e * 1000000;
		ev[e].kind = (uint16_t)kinds[e % 8];
		ev[e].p = (int16_t)(e % NP);
		ev[e].p2 = (int16_t)((e + 1) % NP);
		ev[e].m = e + 1;
		ev[e].m2 = e + 2;
		ev[e].g = 20000 + e;
		ev[e].arg = 32;
		snprintf(ev[e].label, sizeof ev[e].label, "%s", labels[e % 5]);
	}
}

static int
bench_frames(void)
{
	static double t[FRAMES], c[FRAMES];
	bool utf8 = setlocale(LC_ALL, "C.UTF-8") != NULL || setlocale(LC_ALL, "") != NULL;
	FILE *out = fopen("/dev/null", "w");
	int pfd[2];
	gs_snapshot *s = gs_snapshot_new(NM, RUNQ);
	gs_event *ev = calloc(EV_TICK, sizeof *ev);
	view_model *m = view_model_new(600, 1000);
	view_screen scr = { 0 };
	view_state v;

	if (out == NULL || pipe(pfd) != 0 || s == NULL || ev == NULL || m == NULL) {
		fprintf(stderr, "bench-render: setting up failed\n");
		return 1;
	}
	FILE *in = fdopen(pfd[0], "r");
	SCREEN *sc = in ? newterm("xterm-256color", out, in) : NULL;
	if (sc == NULL) {
		fprintf(stderr, "bench-render: newterm(xterm-256color) failed\n");
		return 1;
	}
	resizeterm(ROWS, COLS);
	memset(&v, 0, sizeof v);
	v.width = COLS;
	v.height = ROWS;
	v.ascii = !utf8;
	v.mono = !paint_setup(false, false);
	v.tick_hz = 10;
	v.time_scale = 1;
	for (int k = 0; k < FRAMES; k++) {
		synth(s, ev, k + 1);
		if (view_model_tick(m, s, ev, EV_TICK, 0, NULL, 0, 0) != 0) {
			endwin();
			fprintf(stderr, "bench-render: view_model_tick failed\n");
			return 1;
		}
		double t0 = now_us(), c0 = thread_us();
		if (view_render(m, &v, &scr) != 0) {
			endwin();
			fprintf(stderr, "bench-render: view_render failed\n");
			return 1;
		}
		paint(&scr);
		doupdate();
		t[k] = now_us() - t0;
		c[k] = thread_us() - c0;
	}
	endwin();
	delscreen(sc);
	qsort(t, FRAMES, sizeof t[0], cmp_double);
	qsort(c, FRAMES, sizeof c[0], cmp_double);
	double med = t[FRAMES / 2], p99 = t[FRAMES * 99 / 100];
	double cmed = c[FRAMES / 2], cp99 = c[FRAMES * 99 / 100];
	printf("render %.1f us/frame p99_us=%.1f cpu_us=%.1f cpu_p99_us=%.1f ps=%d ms=%d "
	       "cols=%d rows=%d frames=%d budget_us=%.0f within=%s\n",
	    med, p99, cmed, cp99, NP, NM, COLS, ROWS, FRAMES, BUDGET_US,
	    cp99 < BUDGET_US ? "yes" : "no");
	view_screen_free(&scr);
	view_model_free(m);
	gs_snapshot_free(s);
	free(ev);
	fclose(in);
	close(pfd[1]);
	fclose(out);
	return 0;
}

/* The same session as the visualizer's for CPU_SECS, without a UI. */
static int
baseline_cpu(double *pct)
{
	char err[256];
	session_opts so = { .procs = 2, .scenario = true, .events = true };
	double c0 = cpu_us(RUSAGE_SELF), w0 = now_us();
	session *ss = session_start(&so, err, sizeof err);
	struct timespec d = { (time_t)CPU_SECS, 0 };

	if (ss == NULL) {
		fprintf(stderr, "bench-render: %s\n", err);
		return 1;
	}
	while (nanosleep(&d, &d) != 0)
		;
	if (session_end(ss, err, sizeof err) != 0) {
		fprintf(stderr, "bench-render: %s\n", err);
		return 1;
	}
	*pct = 100.0 * (cpu_us(RUSAGE_SELF) - c0) / (now_us() - w0);
	return 0;
}

static int
bench_cpu(void)
{
	tui_opts o;
	FILE *out = fopen("/dev/null", "w");
	int pfd[2];
	double base;

	if (out == NULL || pipe(pfd) != 0) {
		fprintf(stderr, "bench-render: setting up failed\n");
		return 1;
	}
	memset(&o, 0, sizeof o);
	o.tenths = 1;
	o.procs = 2;
	o.ascii = setlocale(LC_ALL, "C.UTF-8") == NULL;
	tui_term t = { fdopen(pfd[0], "r"), out, "xterm-256color", 40, 120, CPU_SECS, false, NULL };
	if (t.in == NULL) {
		fprintf(stderr, "bench-render: setting up failed\n");
		return 1;
	}
	if (baseline_cpu(&base) != 0)
		return 1;
	double c0 = cpu_us(RUSAGE_SELF), u0 = cpu_us(RUSAGE_THREAD), w0 = now_us();
	int rc = tui_run(&o, &t);
	double wall = now_us() - w0;
	double ui = 100.0 * (cpu_us(RUSAGE_THREAD) - u0) / wall;
	double all = 100.0 * (cpu_us(RUSAGE_SELF) - c0) / wall;
	if (rc != 0) {
		fprintf(stderr, "bench-render: the visualizer loop failed (%d)\n", rc);
		return 1;
	}
	printf("tui-cpu %.2f %%core process_pct=%.1f no_ui_pct=%.1f added_pct=%.1f "
	       "hz=10 procs=2 seconds=%.0f budget_pct=%.0f within=%s\n",
	    ui, all, base, all - base, CPU_SECS, BUDGET_PCT, ui < BUDGET_PCT ? "yes" : "no");
	fclose(t.in);
	close(pfd[1]);
	fclose(out);
	return 0;
}

int
main(int argc, char **argv)
{
	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "usage: bench-render (no arguments)\n");
		return 2;
	}
	if (bench_frames() != 0)
		return 1;
	fflush(stdout);
	return bench_cpu();
}
