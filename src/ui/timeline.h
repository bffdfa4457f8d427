/*
 * timeline.h - the view as a time machine.  Every tick the visualizer shows
 * (live, or read from a recording) goes into a bounded history of ticks
 * (live/history.h) together with what the view model needs to show it again:
 * the front end's own log lines (key effects, lesson lines), the goroutine
 * list when one was taken (with every figure the list and the goroutine page
 * show), the lesson's caption and bar, the model's log
 * line count and the little state its next tick depends on (view_origin).  A second, scratch view_model is rebuilt from that
 * history to show any tick kept exactly as the live model showed it then.
 *
 * Rebuilding tick k feeds the scratch model the ticks s..k, where s is the
 * latest tick that still makes everything the model keeps of the past right
 * at k: its graphs (the last hist_ticks ticks) and its event log (the ticks
 * that wrote its last log_lines lines, found through the log-line count kept
 * with each tick); s is never before the oldest tick kept, nor more than
 * TIMELINE_REBUILD_MAX ticks before k.  The scratch model is cached: showing
 * k + 1 after k feeds one tick, going back rebuilds.
 *
 * Tick numbers are tick_data.index, as in the history: "tick 482" is the
 * same tick however many older ones were evicted since.
 *
 * Pure like the view model: no curses, no clock, no I/O.  One owner (the UI
 * thread) pushes, notes and views.
 */
#ifndef GSCHED_UI_TIMELINE_H
#define GSCHED_UI_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gsched.h>
#include <gsched/observe.h>

#include "format/tick.h"
#include "live/history.h"
#include "ui/view.h"

/* Ticks a rebuild feeds at the most (a quiet run's log can reach far back). */
#define TIMELINE_REBUILD_MAX 6000
/* Goroutines of a list kept with a tick at the most (the rest are counted). */
#define TIMELINE_GLIST_MAX 16384
/* Bytes of a front-end log line kept (longer ones are cut, as the log does). */
#define TIMELINE_NOTE_TEXT 160

typedef struct timeline timeline;

/* A timeline keeping ticks within budget bytes (history_new's), rebuilding
 * models made as view_model_new(hist_ticks, log_lines) makes the live one.
 * NULL if the budget is below HISTORY_MIN_BUDGET or memory is short. */
timeline *timeline_new(size_t budget, int hist_ticks, int log_lines);
void timeline_free(timeline *tl);
/* The slow motion the ticks were made at (view_model_set_timescale of the
 * live model): the models rebuilt get it too. */
void timeline_set_timescale(timeline *tl, int n);
/* What the ticks cannot say (view_model_set_lacks of the models it
 * builds). */
void timeline_set_lacks(timeline *tl, unsigned lacks);

/* A line the front end added to the live model's log (view_model_note),
 * kept with the next tick pushed.  Lines noted after timeline_fed (the
 * same tick's lesson step) come after that tick's events in the log.
 * 0 or GS_ENOMEM. */
int timeline_note(timeline *tl, uint64_t time_ns, view_attr attr, const char *text);
/* The tick about to be pushed was fed to the live model: later notes
 * follow its events. */
void timeline_fed(timeline *tl);

/* What the view had besides the tick.  All may be NULL / 0. */
typedef struct timeline_extra {
	const char *caption;     /* the lesson caption shown with the tick */
	const char *lesson_bar;  /* the bar above it */
	const gs_snap_ginfo *gl; /* the goroutine list taken with the tick */
	int ng, ng_total;
	uint64_t log_total; /* view_model_log_total of the live model after it */
	view_origin before; /* view_model_origin_get of the live model before it */
	bool gl_timed;      /* gl's accounting figures were measured (the live
	                       model had view_model_glist_timed): rebuilt, it
	                       shows them too */
} timeline_extra;

/*
 * Keep tick t (with the notes since the last push, and x) in the history,
 * evicting the oldest ticks beyond the budget.  0, or history_push's error
 * (GS_EINVAL for an index that does not follow the last, GS_ERANGE for a
 * tick larger than the whole budget, GS_ENOMEM).
 */
int timeline_push(timeline *tl, const tick_data *t, const timeline_extra *x);

/* The ticks kept: first and last tick numbers (-1 when empty), count. */
int64_t timeline_first(const timeline *tl);
int64_t timeline_last(const timeline *tl);
int64_t timeline_count(const timeline *tl);
/* The history underneath, for its figures (history_bytes, history_payload). */
const history *timeline_history(const timeline *tl);

/* A tick number moved by delta and held within the ticks kept (-1 when
 * none is kept). */
int64_t timeline_step(const timeline *tl, int64_t tick, int64_t delta);

/* What timeline_view shows besides the model.  The strings stay valid until
 * the next timeline_view or timeline_free. */
typedef struct timeline_at {
	int64_t tick;           /* the tick shown */
	uint64_t time_ns;       /* its snapshot's time */
	double behind_s;        /* seconds before the last tick kept */
	const char *caption;    /* NULL: none */
	const char *lesson_bar; /* NULL: none */
} timeline_at;

/*
 * The view model rebuilt at tick (held within the ticks kept: an evicted
 * tick shows the oldest kept, and at->tick says which).  *m stays valid
 * until the next timeline_view or timeline_free, and is never the live
 * model.  0; GS_ERANGE if nothing is kept; GS_ENOMEM.
 */
int timeline_view(timeline *tl, int64_t tick, const view_model **m, timeline_at *at);

/* Ticks the last timeline_view fed (0 when its cache already held the
 * tick): what stepping cost, for tests and measurements. */
int timeline_fed_last(const timeline *tl);

#endif /* GSCHED_UI_TIMELINE_H */
