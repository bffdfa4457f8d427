/*
 * tui_record.c - the visualizer records what it shows (R, --record FILE).
 *
 * A recording is format/record.c's record sink, the one --record uses in a
 * headless run, so --replay reads both the same way.  The visualizer's
 * ticker gets a gate among its sinks from the start: the gate passes each
 * tick on to the record sink while a recording runs, so one can begin and
 * end between any two ticks without touching the tick loop.  A recording
 * begun in the middle of a run counts its ticks from 0 (record.c numbers
 * them itself) and keeps the runtime's start as start_ns.
 *
 * Every way out finishes the file with its end line: R, q and the quit
 * signals (the ticker ends its sinks when the wait says stop), the runtime
 * gone (the ticker ends them too), the end of the lesson being recorded.  A
 * write that fails (a full disk) ends the recording there, without an end
 * line, says why on the status line and lets the visualizer go on: a sink
 * that returned an error would stop the whole run.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gsched.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "format/record.h"
#include "ui/tui_state.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0.1.0"
#endif

static bool
recording(const struct tui *t)
{
	return t->rec.f != NULL;
}

/* The header of a recording begun now: the ticker's (interval, capacities,
 * CPUs) with what the visualizer knows besides. */
static void
rec_header(struct tui *t)
{
	tick_info *in = &t->rec_info;

	*in = *ticker_info(t->tk);
	in->start_ns = t->run_ns;
	in->ticks = 0; /* until stopped: the end line counts them */
	in->procs = gs_gomaxprocs() > 0 ? gs_gomaxprocs() : t->procs;
	in->ncpu = gs_numcpu();
	in->timescale = gs_timescale();
	if (t->o.lesson != NULL)
		snprintf(in->scenario, sizeof in->scenario, "visualizer: lesson %.90s",
		    t->o.lesson->name);
	else
		snprintf(in->scenario, sizeof in->scenario, "visualizer");
	snprintf(in->created_by, sizeof in->created_by, "gsched %s", PACKAGE_VERSION);
}

/* A failed write: the recording ends here, incomplete, and the view says so. */
static void
rec_failed(struct tui *t)
{
	char why[sizeof t->rec.err];

	snprintf(why, sizeof why, "%s", t->rec.err[0] ? t->rec.err : "write error");
	record_writer_abort(&t->rec);
	t->v.recording = false;
	tui__status(t, true, "recording stopped: %s (the file is incomplete)", why);
	tui__note(t, VA_WARN, "recording stopped: %s (the file is incomplete)", why);
}

int
tui__rec_start(struct tui *t, const char *path)
{
	char err[sizeof t->rec.err];

	if (recording(t))
		tui__rec_stop(t, "a new one begins");
	snprintf(t->rec_path, sizeof t->rec_path, "%s", path);
	if (record_writer_open(&t->rec, t->rec_path, err, sizeof err) != 0) {
		tui__status(t, true, "%s", err);
		return -1;
	}
	t->rec.quiet = true; /* stderr is the screen: the status line tells */
	rec_header(t);
	tick_sink s = record_sink(&t->rec);
	if (s.begin(s.ctx, &t->rec_info) != 0) {
		rec_failed(t);
		return -1;
	}
	t->v.recording = true;
	tui__status(t, false, "recording to %s (R stops)", t->rec_path);
	tui__note(t, VA_BOLD, "recording to %s", t->rec_path);
	return 0;
}

void
tui__rec_stop(struct tui *t, const char *why)
{
	if (!recording(t))
		return;
	tick_sink s = record_sink(&t->rec);
	int ticks = t->rec.ticks;
	/* the end line's counts are the writer's own: tick_end is not read */
	tick_end e = { ticks, t->rec.events, t->rec.dropped };
	t->v.recording = false;
	if (s.end(s.ctx, &t->rec_info, &e) != 0) {
		tui__status(t, true, "recording %s not finished: %s", t->rec_path, t->rec.err);
		tui__note(t, VA_WARN, "recording %s not finished: %s", t->rec_path, t->rec.err);
		return;
	}
	if (t->rec_exiting) {
		t->rec_done_ticks = ticks;
		snprintf(t->rec_done, sizeof t->rec_done, "%s", t->rec_path);
	}
	tui__status(t, false, "recorded %d ticks to %s (%s)", ticks, t->rec_path, why);
	tui__note(t, VA_BOLD, "recorded %d ticks to %s (%s)", ticks, t->rec_path, why);
}

/* ---- the gate ----------------------------------------------------------------- */

static int
gate_begin(void *ctx, const tick_info *info)
{
	struct tui *t = ctx;

	(void)info;
	if (t->o.record != NULL && !t->rec_cmdline_done) {
		t->rec_cmdline_done = true;
		tui__rec_start(t, t->o.record);
	}
	return 0;
}

static int
gate_tick(void *ctx, const tick_info *info, const tick_data *d)
{
	struct tui *t = ctx;
	/* the lesson was ticked by the sink before this one */
	bool lesson_ended =
	    t->player != NULL && t->lstate == LESSON_DONE && t->rec_lstate != LESSON_DONE;

	(void)info;
	t->rec_lstate = t->lstate;
	if (!recording(t))
		return 0;
	tick_sink s = record_sink(&t->rec);
	if (s.tick(s.ctx, &t->rec_info, d) != 0) {
		rec_failed(t);
		return 0; /* the visualizer goes on */
	}
	if (lesson_ended)
		tui__rec_stop(t, "the lesson has ended");
	return 0;
}

static int
gate_end(void *ctx, const tick_info *info, const tick_end *e)
{
	struct tui *t = ctx;

	(void)info;
	(void)e;
	t->rec_exiting = true;
	tui__rec_stop(t, "the view has ended");
	return 0;
}

tick_sink
tui__rec_sink(struct tui *t)
{
	tick_sink s = { gate_begin, gate_tick, gate_end, t };
	return s;
}

/* ---- R and its prompt ------------------------------------------------------------- */

static void
prompt_text(struct tui *t)
{
	snprintf(t->rec_prompt, sizeof t->rec_prompt,
	    "record to file (Enter starts, Esc cancels): %s_", t->rec_name);
}

void
tui__rec_key(struct tui *t)
{
	if (recording(t)) {
		tui__rec_stop(t, "stopped with R");
		return;
	}
	/* a name that sorts by time and is new at each second */
	time_t now = time(NULL);
	struct tm tm;
	if (localtime_r(&now, &tm) == NULL ||
	    strftime(t->rec_name, sizeof t->rec_name, "gsched-%Y%m%d-%H%M%S.jsonl", &tm) == 0)
		snprintf(t->rec_name, sizeof t->rec_name, "gsched.jsonl");
	t->rec_nprompt = (int)strlen(t->rec_name);
	prompt_text(t);
}

/* Enter: start into the name typed; an existing file is kept (R again
 * offers a new name). */
static void
prompt_enter(struct tui *t)
{
	t->rec_nprompt = -1;
	if (t->rec_name[0] == '\0') {
		tui__status(t, true, "no file name: nothing recorded");
		return;
	}
	if (access(t->rec_name, F_OK) == 0) {
		tui__status(t, true, "'%s' exists: not overwritten (R offers a new name)",
		    t->rec_name);
		return;
	}
	tui__rec_start(t, t->rec_name);
}

bool
tui__rec_prompt_key(struct tui *t, int code)
{
	if (t->rec_nprompt < 0)
		return false;
	int done = tui__line_edit(t->rec_name, &t->rec_nprompt, sizeof t->rec_name, code);
	if (done > 0) {
		prompt_enter(t);
	} else if (done < 0) {
		t->rec_nprompt = -1;
		tui__status(t, false, "not recording");
	} else {
		prompt_text(t);
	}
	return true;
}
