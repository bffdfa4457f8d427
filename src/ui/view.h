/*
 * view.h - the visualizer's view model: a pure function from what the observer
 * saw (snapshots, events, the goroutine list) and the view's settings to a
 * screen of cells, each a character and a semantic attribute.  No curses, no
 * clock, no I/O: the same inputs give the same screen, which is what the Check
 * suite (tests/check_view.c) tests.  The ncurses renderer (tui.c) maps the
 * attributes to colours or, in monochrome, to bold/reverse/underline; meaning
 * never rests on colour alone (every attribute that matters also comes with a
 * letter or symbol in the text).
 *
 * Ownership: view_model belongs to the UI thread; it copies what it keeps from
 * each tick, so the caller may reuse its snapshot and event buffers.
 */
#ifndef GSCHED_VIEW_H
#define GSCHED_VIEW_H

#include <gsched.h>
#include <gsched/observe.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Semantic attributes of a cell. */
typedef enum view_attr {
	VA_NORMAL = 0,
	VA_DIM,          /* secondary text, empty queue slots, idle things */
	VA_BOLD,         /* emphasis: numbers that changed, focused row */
	VA_TITLE,        /* the header bar */
	VA_PAUSED,       /* "PAUSED" / "WORLD STOPPED": reverse video */
	VA_KIND_CPU,     /* goroutine kinds, by label: letter C */
	VA_KIND_SLEEP,   /* S */
	VA_KIND_SYSCALL, /* B (blocking) */
	VA_KIND_NET,     /* N */
	VA_KIND_OTHER,   /* o: any other label */
	VA_P_RUNNING,    /* P and M states */
	VA_P_IDLE,
	VA_P_SYSCALL,
	VA_M_RUNNING,
	VA_M_SPINNING,
	VA_M_IDLE,
	VA_M_SYSCALL,
	VA_M_NETPOLL,
	VA_M_SYSMON,
	VA_STEAL,   /* steal marks (with an arrow and a count) */
	VA_HANDOFF, /* hand-off / retake marks */
	VA_PREEMPT,
	VA_GRAPH,    /* history graphs */
	VA_CAPTION,  /* the lesson caption line */
	VA_WARN,     /* failed expectations, errors, the size notice */
	VA_OK,       /* met expectations */
	VA_SELECTED, /* the selected row of a list */
	VA_KEY,      /* key names in the help overlay and the footer */
	VA_NATTRS
} view_attr;

/* One cell: a Unicode code point (ASCII only in ascii mode) and an attribute. */
typedef struct view_cell {
	uint32_t ch;
	uint8_t attr; /* view_attr */
} view_cell;

/* A screen of width x height cells, row-major; the caller owns cells. */
typedef struct view_screen {
	int width, height;
	view_cell *cells;
} view_screen;

/* Allocate / resize (cells reallocated) / free.  0 or GS_ENOMEM. */
int view_screen_init(view_screen *s, int width, int height);
void view_screen_free(view_screen *s);
/* Row y as UTF-8 text (trailing blanks kept), NUL-terminated, for tests and
 * for --batch style dumps.  Returns the bytes written (without the NUL). */
size_t view_screen_row(const view_screen *s, int y, char *buf, size_t size);

/* What the screen shows. */
typedef enum view_mode {
	VIEW_MAIN = 0, /* header, Ps, Ms, caption, event log, graphs */
	VIEW_HELP,     /* every key and every symbol */
	VIEW_PDETAIL,  /* one P: all of its fields, its whole queue */
	VIEW_MDETAIL,  /* one M */
	VIEW_GLIST,    /* goroutine list */
	VIEW_LOG       /* the event log, full screen, scrollable */
} view_mode;

typedef enum view_gsort { VIEW_GSORT_ID = 0, VIEW_GSORT_STATE, VIEW_GSORT_LABEL } view_gsort;

/* The view's settings and state, owned by the UI thread (tui.c). */
typedef struct view_state {
	int width, height;  /* the terminal */
	bool ascii;         /* ASCII only (no box drawing, no block elements) */
	bool mono;          /* no colours: the renderer uses bold/reverse/underline */
	bool projector;     /* fewer panels, larger queue blocks, high contrast */
	bool paused;        /* the view is frozen (the scheduler runs on) */
	bool world_stopped; /* the world is stopped (gs_stop_world) */
	view_mode mode;
	int focus_p;            /* VIEW_PDETAIL: P id */
	int64_t focus_m;        /* VIEW_MDETAIL: M id */
	view_gsort gsort;       /* VIEW_GLIST */
	int scroll;             /* VIEW_GLIST / VIEW_LOG / VIEW_HELP: first line shown */
	double tick_hz;         /* ticks per second (shown in the header) */
	double time_scale;      /* lesson slow motion (1: none; shown when != 1) */
	const char *lesson;     /* lesson title, or NULL */
	const char *caption;    /* caption (lesson say, or a hint), or NULL; a '\n'
	                           starts a new row (up to VIEW_CAPTION_ROWS shown) */
	const char *lesson_bar; /* above the caption in a lesson: chapter, step,
	                           what the lesson waits for, or NULL (tui.c) */
	const char *prompt;     /* an input prompt ("GOMAXPROCS: 12_"), or NULL */
	const char *status;     /* a transient message (e.g. an error), or NULL */
	bool status_is_error;

	/* Which tick is on screen, for the title bar; tui.c sets them from its
	 * timeline (timeline.h).  Without have_tick the title shows the model's
	 * own last tick (ticks fed - 1). */
	bool have_tick;
	int64_t tick;    /* the tick_data index of the tick shown */
	bool past;       /* an older tick than the newest: "tick 482 (-3.4 s)"; else LIVE */
	double behind_s; /* how far the tick shown is behind the newest, seconds */
	bool replay;     /* a recording is shown (gsched --replay): no LIVE */
	double speed;    /* replay: playback speed, shown as "x2" */
} view_state;

/* The smallest terminal the main view needs; below it view_render draws the
 * size notice (which fits any terminal, down to 1x1). */
#define VIEW_MIN_WIDTH 60
#define VIEW_MIN_HEIGHT 16
/* Caption rows shown at the most (a lesson's say is pre-wrapped with '\n');
 * fewer on short terminals, so Ps, Ms and the log keep a row each. */
#define VIEW_CAPTION_ROWS 6

typedef struct view_model view_model;

/* A model keeping history_ticks ticks of graphs (e.g. 600: a minute at 10 Hz)
 * and log_lines lines of event log.  NULL if out of memory. */
view_model *view_model_new(int history_ticks, int log_lines);
void view_model_free(view_model *m);

/*
 * Feed one tick: the snapshot taken after the drain, the events drained since
 * the previous tick (oldest first) and how many were dropped, and optionally
 * the goroutine list (gs_goroutines; gl NULL or ng 0: keep the previous one;
 * ng_total the count it returned).  Copies what it keeps.  0 or GS_ENOMEM.
 */
int view_model_tick(view_model *m, const gs_snapshot *s, const gs_event *ev, int nev,
    uint64_t dropped, const gs_snap_ginfo *gl, int ng, int ng_total);

/* Add a line of the front end's own to the event log (a lesson step, an
 * expectation met or failed, a key's effect).  time_ns: gs_nanotime(). */
void view_model_note(view_model *m, uint64_t time_ns, view_attr attr, const char *text);

/*
 * What a model's next tick depends on besides the ticks it will be fed: a
 * model rebuilt from the middle of a run (the rewind, timeline.h) starts
 * from the live model's, taken just before that tick was fed.
 */
typedef struct view_origin {
	uint64_t t0;            /* log times count from it (the run's first snapshot) */
	uint64_t dropped;       /* events lost so far (the header's total) */
	uint64_t drop_unlogged; /* lost and not yet said in the log */
	int drop_quiet;         /* ticks since the log last said so (capped) */
} view_origin;
void view_model_origin_get(const view_model *m, view_origin *o);
/* Before the first tick only (ignored after). */
void view_model_origin_set(view_model *m, const view_origin *o);
/* Log lines added so far (events and notes, evicted ones included). */
uint64_t view_model_log_total(const view_model *m);

/* Ticks fed so far. */
int view_model_ticks(const view_model *m);
/* The latest snapshot (NULL before the first tick). */
const gs_snapshot *view_model_snapshot(const view_model *m);

/* Paint the screen for the model and the view (out resized to v's size). */
int view_render(const view_model *m, const view_state *v, view_screen *out);

/* The largest useful v->scroll for v's mode and
 * size: view_render clamps v->scroll to [0, view_scroll_max], so a UI can keep the
 * tail of the log in view with a large scroll and page up from what this
 * returns.  0 for modes that do not scroll (VIEW_MAIN, VIEW_MDETAIL). */
int view_scroll_max(const view_model *m, const view_state *v);

/*
 * One event as a plain sentence ("P1 stole 64 goroutines from P0", "sysmon
 * took P0 from M3 (in a system call)").  Returns false for events too frequent
 * to list one by one (run, stop, park, ready...), which the model summarises
 * per tick instead.
 */
bool view_event_sentence(const gs_event *e, char *buf, size_t size);

/* The kind letter ('C', 'S', 'B', 'N', 'o') and attribute for a label. */
char view_label_kind(const char *label, view_attr *attr);

#endif /* GSCHED_VIEW_H */
