/*
 * tui_rewind.c - the visualizer as a time machine, and recordings played in
 * it (gsched --replay FILE on a terminal): one mechanism, the timeline
 * (timeline.h) that keeps every tick the view showed.
 *
 * Live, every tick fed to the model is pushed into the timeline, paused or
 * not (the scheduler runs on underneath, and so do the ticks).  Pausing fixes
 * the view on the newest tick (t->at); the rewind keys move t->at through
 * the ticks kept, and drawing shows the timeline's model rebuilt at t->at,
 * or the live model itself when t->at is the newest tick.  Going back to
 * live (End, or space) unpauses.  A tick evicted from under the view moves
 * it to the oldest kept, with a message.
 *
 * A replay reads the whole recording into the model and the timeline before
 * the terminal is taken (what does not fit the budget is dropped from the
 * start, and the view says so), then plays it by moving t->at forward on a
 * clock of its own: the recording's interval (or -d) divided by the speed.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gsched.h>
#include <gsched/observe.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "format/cmdline.h"
#include "format/godebug.h"
#include "format/record.h"
#include "ui/paint.h"
#include "ui/tui.h"
#include "ui/tui_curses.h"
#include "ui/tui_state.h"
#include "ui/view.h"

/* The replay's speeds, slowest first; [ and ] move along them. */
static const double speeds[] = { 0.1, 0.25, 0.5, 1, 2, 4, 8, 16 };
#define NSPEEDS ((int)(sizeof speeds / sizeof speeds[0]))

/* ---- the rewind ------------------------------------------------------------------ */

/* The view was on a tick the history has dropped since: the oldest kept. */
static void
evicted(struct tui *t)
{
	int64_t first = timeline_first(t->tl);

	if (t->at < 0 || t->at >= first)
		return;
	tui__status(t, true,
	    "tick %lld left the history (--history %d MiB is full): now at the "
	    "oldest kept, tick %lld",
	    (long long)t->at, t->o.history_mib, (long long)first);
	t->at = first;
}

void
tui__rewind_push(struct tui *t, const tick_data *d, const view_origin *before,
    const gs_snap_ginfo *gl, int ng)
{
	timeline_extra x = {
		.caption = t->v.caption,
		.lesson_bar = t->player != NULL ? t->v.lesson_bar : NULL,
		.gl = gl,
		.ng = ng,
		.ng_total = t->gl_total,
		.log_total = view_model_log_total(t->model),
		.before = *before,
		.gl_timed = gl != NULL && t->gl_timed,
	};
	int rc = timeline_push(t->tl, d, &x);

	if (rc != 0 && !t->tl_failed) {
		/* the view goes on; only the rewind misses ticks */
		t->tl_failed = true;
		tui__status(t, true, "the rewind cannot keep tick %d: %s", d->index,
		    gs_strerror(rc));
	}
	evicted(t);
}

void
tui__rewind_step(struct tui *t, int64_t delta)
{
	int64_t last = timeline_last(t->tl), to;

	if (last < 0)
		return;
	if (t->replay) {
		t->playing = false;
		t->v.paused = true;
	} else if (t->at < 0) {
		/* Left while live (or before the tick a pause asked for):
		 * pause first, then step from there */
		t->v.paused = true;
		t->step = false;
		t->at = last;
	}
	to = timeline_step(t->tl, t->at, delta);
	if (to == t->at)
		tui__status(t, false, "%s",
		    delta < 0 ? "this is the oldest tick kept (--history sets how much is kept)"
			: t->replay ? "this is the recording's last tick (Home goes to its first)"
				    : "this is the newest tick (End or space goes back to live)");
	t->at = to;
}

void
tui__rewind_ends(struct tui *t, bool oldest)
{
	int64_t first = timeline_first(t->tl);

	if (first < 0)
		return;
	if (oldest) {
		if (t->replay)
			t->playing = false;
		const history *h = timeline_history(t->tl);
		int64_t n = timeline_count(t->tl);
		t->v.paused = true;
		t->at = first;
		/* what the history costs, so --history can be chosen knowing it */
		tui__status(t, false,
		    "the oldest tick kept: %lld; %lld ticks kept, %.1f KiB a tick, %.1f of "
		    "%d MiB (--history)",
		    (long long)first, (long long)n,
		    n > 0 ? (double)history_payload(h) / (double)n / 1024 : 0,
		    (double)history_bytes(h) / 1048576, t->o.history_mib);
	} else if (t->replay) {
		t->playing = false;
		t->v.paused = true;
		t->at = timeline_last(t->tl);
	} else {
		t->at = -1;
		t->v.paused = false;
	}
}

const view_model *
tui__rewind_view(struct tui *t, view_state *v)
{
	int64_t last = timeline_last(t->tl);
	const view_model *m = t->model;
	timeline_at at;

	v->have_tick = last >= 0;
	v->tick = last;
	v->past = false;
	v->behind_s = 0;
	v->replay = t->replay;
	v->speed = t->speed;
	if (t->at < 0 || last < 0)
		return m;
	if (t->at >= last) {
		/* paused on the newest tick: no longer LIVE, "(-0.0 s)" */
		v->past = !t->replay;
		return m;
	}
	int rc = timeline_view(t->tl, t->at, &m, &at);
	if (rc != 0) {
		tui__status(t, true, "the rewind cannot show tick %lld (%s): showing the newest",
		    (long long)t->at, gs_strerror(rc));
		return t->model;
	}
	t->at = at.tick;
	v->tick = at.tick;
	v->past = true;
	v->behind_s = at.behind_s;
	if (t->player != NULL) {
		/* the caption and the bar of that tick, not today's; the bar's
		 * "| what it waits for" becomes the pause's note, as live */
		v->caption = at.caption;
		v->lesson_bar = NULL;
		if (at.lesson_bar != NULL) {
			snprintf(t->rbar, sizeof t->rbar, "%s", at.lesson_bar);
			char *wait = strstr(t->rbar, "  | ");
			if (wait != NULL && t->v.paused)
				snprintf(wait, sizeof t->rbar - (size_t)(wait - t->rbar), "  | %s",
				    TUI_LESSON_PAUSED);
			v->lesson_bar = t->rbar;
		}
	}
	return m;
}

/* ---- the replay --------------------------------------------------------------------- */

/* The recording's sink: each tick into the model and the timeline, as a
 * live tick goes. */
static int
replay_begin(void *ctx, const tick_info *info)
{
	struct tui *t = ctx;

	t->play_ns = info->interval_ns > 0 ? info->interval_ns : 100000000;
	if (t->o.have_delay)
		t->play_ns = (uint64_t)t->o.tenths * 100000000;
	t->v.tick_hz = 1e9 / (double)t->play_ns;
	/* a recording made in slow motion says so, as the live view did */
	t->v.slow = info->timescale > 1 ? info->timescale : 1;
	view_model_set_timescale(t->model, t->v.slow);
	timeline_set_timescale(t->tl, t->v.slow);
	/* a Go log, or a recording made of one (it keeps what it lacks) */
	if (t->o.replay_godebug || info->lacks != 0)
		tui__go_info(t, info, info->created_by);
	return 0;
}

static int
replay_tick(void *ctx, const tick_info *info, const tick_data *d)
{
	struct tui *t = ctx;

	view_origin before;

	(void)info;
	view_model_origin_get(t->model, &before);
	/* a Go log lists its goroutines; a recording is shown without (as
	 * ever: "a recording has no goroutine list") */
	const gs_snap_ginfo *gl = t->o.replay_godebug ? tui__go_glist(t, d) : NULL;
	if (view_model_tick(t->model, d->snap, d->ev, d->nev, d->dropped, gl, gl ? d->ng : 0,
		d->ng_total) != 0) {
		fprintf(stderr, "gsched: out of memory\n");
		return 1;
	}
	timeline_fed(t->tl);
	t->procs = d->snap->np;
	t->gl_total = d->ng_total;
	tui__rewind_push(t, d, &before, gl, gl ? d->ng : 0);
	return 0;
}

int
tui__replay_load(struct tui *t, const char *path)
{
	tick_sink sink = { replay_begin, replay_tick, NULL, t };
	char what[160];
	int rc;

	/* asked, not opened: record_replay opens it once (a FIFO's writer is
	 * met once) */
	if (access(path, R_OK) != 0)
		return cmdline_usage_error(NULL, "cannot open '%s': %s", path, strerror(errno));
	t->replay = true;
	t->speed = 1;
	/* a Go log's times count from its first block: the notes made now
	 * start there too */
	if (t->o.replay_godebug)
		t->clock_offset_ns = (int64_t)GODEBUG_START_NS - gs_nanotime();
	snprintf(what, sizeof what, "replay of %s: space plays / pauses, [ ] speed, arrows seek",
	    path);
	tui__note(t, VA_NORMAL, "%s", what);
	rc = t->o.replay_godebug ? godebug_replay(path, &sink, 1) : record_replay(path, &sink, 1);
	if (rc != 0)
		return rc;
	if (timeline_last(t->tl) < 0) {
		fprintf(stderr, "gsched: %s: the recording has no ticks\n", path);
		return 2;
	}
	t->tl_failed = false;
	if (timeline_first(t->tl) > 0)
		tui__status(t, true,
		    "the recording is larger than the history (--history %d MiB): its first "
		    "%lld ticks were left out",
		    t->o.history_mib, (long long)timeline_first(t->tl));
	t->at = timeline_first(t->tl);
	t->playing = true;
	t->v.paused = false;
	return 0;
}

void
tui__replay_play(struct tui *t)
{
	if (t->playing) {
		t->playing = false;
		t->v.paused = true;
		return;
	}
	if (t->at < 0 || t->at >= timeline_last(t->tl))
		t->at = timeline_first(t->tl); /* at the end: from the start again */
	t->playing = true;
	t->v.paused = false;
	t->play_next_ns = tui__now() + (uint64_t)((double)t->play_ns / t->speed);
}

void
tui__replay_speed(struct tui *t, bool faster)
{
	int i = 0;

	while (i < NSPEEDS - 1 && speeds[i] < t->speed)
		i++;
	i += faster ? 1 : -1;
	if (i < 0 || i >= NSPEEDS) {
		tui__status(t, false, "playback is already at its %s (x%g)",
		    faster ? "fastest" : "slowest", t->speed);
		return;
	}
	t->speed = speeds[i];
	t->play_next_ns = tui__now() + (uint64_t)((double)t->play_ns / t->speed);
	tui__status(t, false, "playback speed x%g", t->speed);
}

bool
tui__replay_refuse(struct tui *t, const char *what)
{
	if (t->v.foreign != NULL) {
		tui__status(t, true,
		    "a Go program is shown: %s would change gsched's own scheduler, not the "
		    "program's (? explains)",
		    what);
		return true;
	}
	if (!t->replay)
		return false;
	tui__status(t, true, "a recording is played: %s cannot change what was recorded", what);
	return true;
}

/* The replay's loop: keys, signals and the playback clock until quit. */
void
tui__replay_loop(struct tui *t)
{
	t->started_ns = tui__now();
	t->play_next_ns = t->started_ns + (uint64_t)((double)t->play_ns / t->speed);
	for (;;) {
		uint64_t now = tui__now();

		if (tui__loop_done(t, now))
			return;
		if (t->playing && now >= t->play_next_ns) {
			uint64_t step = (uint64_t)((double)t->play_ns / t->speed);
			if (t->at < timeline_last(t->tl))
				t->at++;
			if (t->at >= timeline_last(t->tl)) {
				t->playing = false;
				t->v.paused = true;
				tui__status(t, false,
				    "the end of the recording: space plays it again, Left "
				    "and Home go back");
			}
			/* a slow frame does not make the playback race to catch up */
			t->play_next_ns =
			    now - t->play_next_ns < step ? t->play_next_ns + step : now + step;
			t->dirty = true;
		}
		if (t->v.status != NULL && now >= t->status_until)
			t->dirty = true;
		if (t->dirty)
			tui__draw(t);
		uint64_t left = t->playing && t->play_next_ns > now ? t->play_next_ns - now
								    : WAIT_MAX_MS * 1000000ULL;
		tui__read_key(t, (int)((left + 999999) / 1000000));
	}
}
