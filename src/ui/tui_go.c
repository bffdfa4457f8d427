/*
 * tui_go.c - a real Go program in the visualizer (gsched go): the program
 * runs under GODEBUG=schedtrace (live/goproc.h, whose thread reads its
 * standard error), and its ticks go into the same view model and rewind
 * history as a live gsched run's, as they arrive.  The view follows the
 * newest tick unless paused or rewound, as live.
 *
 * What differs from a live run, all said on screen: the ticks come at the
 * program's pace (-i MS), not the view's; keys that change the scheduler
 * do nothing (the program's scheduler is in another process); what Go's
 * trace does not report (steals, preemptions, time by state) is shown as
 * such (view_state.lacks); Ctrl-C goes to the program first; and when the
 * program ends, its last tick stays shown with how it ended until q.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gsched.h>

#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "format/godebug.h"
#include "format/tick.h"
#include "live/goproc.h"
#include "ui/tui_state.h"

void
tui__go_info(struct tui *t, const tick_info *info, const char *format)
{
	unsigned lacks = info->lacks;

	snprintf(t->go_format, sizeof t->go_format, "%s", format[0] ? format : "Go schedtrace");
	t->v.foreign = t->go_format;
	if (lacks == t->go_lacks && t->go_ticks > 0)
		return;
	t->go_lacks = lacks;
	t->v.lacks = lacks;
	view_model_set_lacks(t->model, lacks);
	timeline_set_lacks(t->tl, lacks);
	if (info->interval_ns > 0 && t->go != NULL)
		t->v.tick_hz = 1e9 / (double)info->interval_ns;
	tui__note(t, VA_BOLD, "read as %s", t->go_format);
	tui__note(t, VA_NORMAL,
	    "Go's trace does not report steals, preemptions, spawns or time by state: "
	    "the view says \"not reported by Go\" for them%s",
	    lacks & TICK_EVENTS_INFERRED
		? "; hand-offs are inferred from two blocks in a row (a P whose M changed "
		  "while its goroutine sat in a system call)"
		: "");
	if (lacks & (TICK_LACKS_MS | TICK_LACKS_GOROUTINES | TICK_LACKS_PSTATUS)) {
		t->v.caption = "plain schedtrace: totals only (no M list, no P states, no "
			       "goroutines); GODEBUG=schedtrace=MS,scheddetail=1 gives them";
		tui__note(t, VA_WARN, "%s", t->v.caption);
	}
}

/* ---- the program's ticks and lines ------------------------------------------------ */

/* The goroutine list to show: the tick's, with Go's own wait reason text
 * as the label of a goroutine whose reason gsched has no name for ("GC
 * sweep wait", "force gc (idle)"; a Go goroutine has no label of its own),
 * so the list shows every reason Go printed.  Into t->gl. */
const gs_snap_ginfo *
tui__go_glist(struct tui *t, const tick_data *d)
{
	const char *const *gwait = d->extra != NULL ? d->extra->gwait : NULL;

	if (d->ng <= 0 || d->gl == NULL)
		return NULL;
	if (gwait == NULL)
		return d->gl;
	if (d->ng > t->glcap) {
		gs_snap_ginfo *ng = realloc(t->gl, (size_t)d->ng * sizeof *ng);
		if (ng == NULL)
			return d->gl;
		t->gl = ng;
		t->glcap = d->ng;
	}
	memcpy(t->gl, d->gl, (size_t)d->ng * sizeof *t->gl);
	for (int i = 0; i < d->ng; i++)
		if (t->gl[i].waitreason == GS_WAIT_NONE && t->gl[i].label[0] == '\0' &&
		    gwait[i] != NULL && gwait[i][0] != '\0')
			snprintf(t->gl[i].label, sizeof t->gl[i].label, "%s", gwait[i]);
	return t->gl;
}

static void
go_tick(void *ctx, const tick_info *info, const tick_data *d, const char *format)
{
	struct tui *t = ctx;
	view_origin before;
	const gs_snap_ginfo *gl = tui__go_glist(t, d);

	if (t->go_ticks == 0 || info->lacks != t->go_lacks)
		tui__go_info(t, info, format);
	view_model_origin_get(t->model, &before);
	if (view_model_tick(t->model, d->snap, d->ev, d->nev, d->dropped, gl, gl ? d->ng : 0,
		d->ng_total) != 0)
		tui__status(t, true, "out of memory for the view's history");
	timeline_fed(t->tl);
	t->procs = d->snap->np;
	t->gl_total = d->ng_total;
	t->gl_timed = false; /* Go's trace has no accounting */
	/* '.' while paused at the newest tick: this one is shown */
	if (t->step && t->v.paused)
		t->at = d->index;
	t->step = false;
	tui__rewind_push(t, d, &before, gl, gl ? d->ng : 0);
	t->go_ticks++;
	t->dirty = true;
}

static void
go_line(void *ctx, const char *text)
{
	struct tui *t = ctx;

	tui__note(t, VA_DIM, "%s: %s", t->go_name, text);
}

/* ---- its life -------------------------------------------------------------------------- */

int
tui__go_start(struct tui *t)
{
	char err[512], name[PATH_MAX];
	const goproc_opts *o = t->o.go;

	snprintf(name, sizeof name, "%s", o->argv[0]);
	snprintf(t->go_name, sizeof t->go_name, "%s", basename(name));
	t->go = goproc_start(o, err, sizeof err);
	if (t->go == NULL) {
		fprintf(stderr, "gsched: %s\n", err);
		return 2;
	}
	/* the log's times on the program's clock: its "SCHED 0ms" is about
	 * when it started */
	goproc_state st;
	goproc_poll(t->go, NULL, &st);
	t->clock_offset_ns = (int64_t)GODEBUG_START_NS - (int64_t)st.start_ns;
	/* until its first tick: the program's rate */
	t->v.tick_hz = 1000.0 / o->interval_ms;
	snprintf(t->go_format, sizeof t->go_format, "go: %s, no trace line yet", t->go_name);
	t->v.foreign = t->go_format;
	tui__note(t, VA_NORMAL,
	    "gsched go: %s started with GODEBUG=schedtrace=%d,scheddetail=1; its standard "
	    "output goes to %s; Ctrl-C interrupts it, q quits",
	    t->go_name, o->interval_ms,
	    o->stdout_path ? o->stdout_path : "/dev/null (--stdout FILE keeps it)");
	return 0;
}

bool
tui__go_intr(struct tui *t)
{
	if (t->go == NULL || t->go_ended || t->go_intr > 0)
		return false;
	if (goproc_signal(t->go, SIGINT) != 0)
		return false;
	t->go_intr++;
	tui__note(t, VA_BOLD, "Ctrl-C: SIGINT sent to %s", t->go_name);
	tui__status(t, false, "SIGINT sent to %s; Ctrl-C again quits gsched", t->go_name);
	return true;
}

/* What the reader's state says that the view has not said yet. */
static void
go_state(struct tui *t, const goproc_state *st, uint64_t now)
{
	uint64_t quiet = goproc_quiet_ns(t->o.go->interval_ms);

	if (!t->go_warned && st->sched_lines == 0 && !st->eof && now - st->start_ns >= quiet) {
		t->go_warned = true;
		tui__note(t, VA_WARN,
		    "%s has written no GODEBUG schedtrace line in %.0f s: is it a Go program? "
		    "Waiting on; q quits",
		    t->go_name, (double)(now - st->start_ns) / 1e9);
		tui__status(t, true, "no schedtrace line from %s yet: is it a Go program?",
		    t->go_name);
		t->status_until = UINT64_MAX; /* until a key or a tick */
	}
	if (t->go_warned && st->sched_lines > 0 && t->go_ticks > 0 && t->v.status != NULL &&
	    t->status_until == UINT64_MAX) {
		t->v.status = NULL;
		t->go_warned = false; /* said once is enough; the trace came */
		t->dirty = true;
	}
	if (!st->exited || t->go_ended)
		return;
	t->go_ended = true;
	char how[64];
	goproc_status_text(st->wstatus, how, sizeof how);
	if (st->error[0])
		tui__note(t, VA_WARN, "%s", st->error);
	if (st->cut[0])
		tui__note(t, VA_WARN, "the last trace block was not whole: %s", st->cut);
	if (st->dropped > 0)
		tui__note(t, VA_WARN,
		    "%ld lines of the program's own were not shown (too many "
		    "at once; --stderr FILE keeps them all)",
		    st->dropped);
	if (t->go_ticks == 0) {
		snprintf(t->go_end, sizeof t->go_end,
		    "%.60s %s before its first GODEBUG schedtrace line (%ld lines of its own): "
		    "not a Go program, or it ran shorter than the trace interval (-i %d)",
		    t->go_name, how, st->other_lines, t->o.go->interval_ms);
		t->quit = QUIT_RUNTIME; /* nothing to show */
		return;
	}
	snprintf(t->go_end, sizeof t->go_end, "%s %s", t->go_name, how);
	tui__note(t, VA_BOLD, "%s; its last tick stays shown (q quits)", t->go_end);
	tui__status(t, false, "%s: the last tick stays shown, q quits", t->go_end);
	t->status_until = UINT64_MAX;
	char title[sizeof t->go_format];
	snprintf(title, sizeof title, "%.100s | %.140s", t->go_end, t->go_format);
	memcpy(t->go_format, title, sizeof title);
}

void
tui__go_loop(struct tui *t)
{
	goproc_visit v = { go_tick, go_line, t };
	goproc_state st;

	t->started_ns = tui__now();
	for (;;) {
		uint64_t now = tui__now();

		if (tui__loop_done(t, now))
			return;
		goproc_poll(t->go, &v, &st);
		/* a pause holds the newest tick; the program's go on into tl */
		if (t->v.paused && t->at < 0 && timeline_last(t->tl) >= 0) {
			t->at = timeline_last(t->tl);
			t->step = false;
		}
		go_state(t, &st, now);
		if (t->v.status != NULL && now >= t->status_until)
			t->dirty = true;
		if (t->dirty)
			tui__draw(t);
		/* soon again: a tick may come at any moment */
		tui__read_key(t, 25);
	}
}

int
tui__go_end(struct tui *t)
{
	int status = t->go_ticks == 0 && t->go_end[0] != '\0' ? 1 : 0;

	if (t->go != NULL) {
		goproc_state st;
		goproc_poll(t->go, NULL, &st);
		if (!st.exited && t->go_end[0] == '\0')
			snprintf(t->go_end, sizeof t->go_end,
			    "%s was still running: ended it (SIGTERM, then SIGKILL after 1 s)",
			    t->go_name);
		goproc_free(t->go);
		t->go = NULL;
	}
	if (t->go_end[0] != '\0')
		fprintf(stderr, "gsched: %s\n", t->go_end);
	return status;
}
