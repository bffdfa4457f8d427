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
	VA_KIND_CPU,     /* goroutine kinds, by tag (view_g_kind): C, L */
	VA_KIND_SLEEP,   /* S */
	VA_KIND_SYSCALL, /* B (blocking), T */
	VA_KIND_NET,     /* N, H */
	VA_KIND_OTHER,   /* o: any other tag, or none */
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
	/* Goroutine tokens that moved (view_move), reverse video; the rows say
	 * the move in words as well. */
	VA_HL_STEAL,  /* stolen */
	VA_HL_GLOBAL, /* into the global queue: preempted, yielded, overflow,
	                 back from a system call, woken */
	VA_HL_NEW,    /* spawned */
	VA_HL_FAIR,   /* taken by the one-in-61 check */
	VA_GAP,       /* where stolen goroutines were, on the victim's row */
	VA_NATTRS
} view_attr;

/* One cell: a Unicode code point (ASCII only in ascii mode) and an attribute. */
typedef struct view_cell {
	uint32_t ch;
	uint8_t attr; /* view_attr */
} view_cell;

/*
 * What is where on a painted screen, for the mouse: each clickable thing the
 * paint drew (a P row, an M, a key hint) is a region of one row, recorded as
 * it is drawn, so the hit-test reads the layout the person sees and cannot
 * disagree with it.
 */
typedef enum view_hit_kind {
	VIEW_HIT_NONE = 0,
	VIEW_HIT_P,   /* a P's row or cell: id is the P */
	VIEW_HIT_M,   /* an M: id is the M */
	VIEW_HIT_KEY, /* a key hint (footer, function-key bar): id is its keys.h code */
	VIEW_HIT_G,   /* a goroutine's token or list row: id is the goroutine */
} view_hit_kind;

typedef struct view_hit {
	int y, x0, x1; /* row y, columns [x0, x1) */
	int kind;      /* view_hit_kind */
	int64_t id;
} view_hit;

/* Regions a screen keeps; a frame with more clickable things (thousands of
 * tokens) keeps the first, in painting order (the footer and the bar come
 * first). */
#define VIEW_HITS 2048

/* A screen of width x height cells, row-major; the caller owns cells. */
typedef struct view_screen {
	int width, height;
	view_cell *cells;
	int nhits; /* regions of the last view_render, in painting order */
	view_hit hits[VIEW_HITS];
} view_screen;

/* What is at (row y, column x) of the screen painted last: the region drawn
 * last that covers it (a hint over its row), into *out; false if none. */
bool view_hit_at(const view_screen *s, int y, int x, view_hit *out);

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
	VIEW_LOG,      /* the event log, full screen, scrollable */
	VIEW_GDETAIL   /* one goroutine (from the list's cursor) */
} view_mode;

/* The goroutine list's columns, in the order shown; each can sort it ('s'
 * cycles them in this order).  view_glist.c has their table. */
typedef enum view_gcol {
	VIEW_GCOL_ID = 0,
	VIEW_GCOL_STATE, /* and the wait reason */
	VIEW_GCOL_P,     /* the P running it or holding it in its queue */
	VIEW_GCOL_M,
	VIEW_GCOL_KIND,  /* its tag's letter (view_g_kind) */
	VIEW_GCOL_RUN,   /* its accounting (gs_snap_ginfo): run time */
	VIEW_GCOL_RUNS,  /* times it ran */
	VIEW_GCOL_LAT,   /* scheduling latency, summed over its runs */
	VIEW_GCOL_SYS,   /* time in system calls */
	VIEW_GCOL_MOVES, /* moves between Ps */
	VIEW_GCOL_LABEL,
	VIEW_GCOL_N
} view_gcol;

/* The view's settings and state, owned by the UI thread (tui.c). */
typedef struct view_state {
	int width, height;  /* the terminal */
	bool ascii;         /* ASCII only (no box drawing, no block elements) */
	bool mono;          /* no colours: the renderer uses bold/reverse/underline */
	bool projector;     /* fewer panels, larger queue blocks, high contrast */
	bool paused;        /* the view is frozen (the scheduler runs on) */
	bool world_stopped; /* the world is stopped (gs_stop_world) */
	view_mode mode;
	int focus_p;     /* VIEW_PDETAIL: P id */
	int64_t focus_m; /* VIEW_MDETAIL: M id */
	int64_t focus_g; /* VIEW_GDETAIL: goroutine id */
	int scroll;      /* VIEW_GLIST / VIEW_HELP / VIEW_PDETAIL: first line shown */
	/* The goroutine list (view_glist_sync keeps the cursor and the scroll
	 * right as rows come, go and move). */
	view_gcol gsort;     /* the column it is sorted by, ties by id */
	bool grev;           /* ... in reverse (ties still by id) */
	int64_t gcur;        /* the goroutine under the cursor, 0: none yet */
	int gcur_row;        /* its row when last seen: the cursor stays there
	                        when that goroutine goes */
	const char *gfilter; /* a query (view_gquery_parse) the rows match, or NULL */
	/* The event log's place, one for the main view's panel and the whole-log
	 * page, so what is held in one is held in the other.  view_log_move and
	 * view_log_find set the first two. */
	uint64_t log_at;        /* 0: follow the newest line; else 1 + the number
	                            (view_model_log_total) of the line held at the
	                            bottom: newer lines do not move it */
	uint64_t log_seen;      /* held: lines written when it was held; the
	                            later ones are counted as new */
	const char *log_query;  /* a query (view_gquery_parse) the lines the log
	                            shows match, or NULL: all of them */
	const char *log_find;   /* a query found in the log ('/'): its text
	                            words are highlighted, or NULL */
	double tick_hz;         /* ticks per second (shown in the header) */
	double time_scale;      /* lesson slow motion (1: none; shown when != 1) */
	int slow;               /* the runtime's slow motion (gs_timescale; > 1:
	                           the title shows SLOW xN) */
	bool recording;         /* a recording runs (the title shows REC) */
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

	/* A foreign program's scheduler is shown (gsched go): the format its
	 * ticks were read in ("Go 1.21+ schedtrace with scheddetail"), in the
	 * title; NULL for gsched's own runtime.  Keys that change the scheduler
	 * do not apply to it (keys_view_ctx).  lacks: what its ticks cannot say
	 * (format/tick.h's TICK_LACKS_*; 0 for gsched's own), which the panels
	 * say is not reported instead of showing 0. */
	const char *foreign;
	unsigned lacks;
} view_state;

/* The smallest terminal the main view needs; below it view_render draws the
 * size notice (which fits any terminal, down to 1x1). */
#define VIEW_MIN_WIDTH 60
#define VIEW_MIN_HEIGHT 16
/* The function-key bar (F1 help ... F10 quit, htop's) takes the main
 * view's bottom row from this size up; smaller screens keep the footer's
 * key hints alone. */
#define VIEW_FBAR_WIDTH 100
#define VIEW_FBAR_HEIGHT 32
/* Caption rows shown at the most (a lesson's say is pre-wrapped with '\n');
 * fewer on short terminals, so Ps, Ms and the log keep a row each. */
#define VIEW_CAPTION_ROWS 6

/*
 * How long a P's marks (a steal from or to it, a hand-off, a retake, a
 * preemption) stay on its row after the tick that had them, in snapshot
 * time: long enough to be seen, about fifteen frames at 10 Hz, at any tick
 * rate, and in slow motion, where such a move is rarer.  Marks from an
 * earlier tick are drawn dim; a new one of the same kind replaces one held.
 */
#define VIEW_MARK_HOLD_NS 1500000000ull
/* ... and at least this many frames after the tick that had it, so a slow
 * tick rate (or a step through a recording) still shows each move on
 * several frames. */
#define VIEW_MARK_MIN_TICKS 3

/* Moves the model keeps for highlighting (view_queue.c): a ring this long
 * holds well over the VIEW_MARK_HOLD_NS of moves of any lesson; the oldest
 * leave first. */
#define VIEW_MOVES 8192

/* How a goroutine came to where it is, as the token rows highlight it. */
typedef enum view_move {
	VIEW_MOVE_NONE = 0,
	VIEW_MOVE_SPAWN,    /* new: into its P's runnext */
	VIEW_MOVE_STEAL,    /* stolen from another P (from: the victim) */
	VIEW_MOVE_PREEMPT,  /* preempted: to the global queue's tail */
	VIEW_MOVE_YIELD,    /* yielded (Gosched): to the global queue's tail */
	VIEW_MOVE_OVERFLOW, /* its P's local queue was full: to the global
	                       queue, half of that queue with it */
	VIEW_MOVE_SYSCALL,  /* back from a system call with no P: to the
	                       global queue */
	VIEW_MOVE_INJECT,   /* woken by the netpoller or a timer with no P at
	                       hand: to the global queue */
	VIEW_MOVE_FAIR,     /* taken from the global queue by the one-in-61
	                       check (Go's schedtick%61) */
	VIEW_MOVE_TAKEN,    /* taken from the global queue in a batch: not
	                       highlighted (it ends the one before) */
	VIEW_MOVE_N
} view_move;

typedef struct view_model view_model;

/* A model keeping history_ticks ticks of graphs (e.g. 600: a minute at 10 Hz)
 * and log_lines lines of event log.  NULL if out of memory. */
view_model *view_model_new(int history_ticks, int log_lines);
void view_model_free(view_model *m);

/* The runtime's slow motion (gs_timescale(), 1: none): scheduler times the
 * model writes into its log (a preempted slice, a world stop) say both what
 * was measured and what it is at real speed.  Before the first tick. */
void view_model_set_timescale(view_model *m, int n);
/* What the ticks cannot say (tick_info.lacks, TICK_LACKS_*): with
 * TICK_EVENTS_INFERRED the log marks each event line inferred.  Before the
 * first tick. */
void view_model_set_lacks(view_model *m, unsigned lacks);

/*
 * Feed one tick: the snapshot taken after the drain, the events drained since
 * the previous tick (oldest first) and how many were dropped, and optionally
 * the goroutine list (gs_goroutines; gl NULL or ng 0: keep the previous one;
 * ng_total the count it returned).  Copies what it keeps.  0 or GS_ENOMEM.
 */
int view_model_tick(view_model *m, const gs_snapshot *s, const gs_event *ev, int nev,
    uint64_t dropped, const gs_snap_ginfo *gl, int ng, int ng_total);
/* Say that the goroutine list the last tick fed carries accounting figures
 * (it was taken while gs_accounting_enabled(); the timeline keeps the mark
 * with the list).  A list not so marked (one taken with accounting off)
 * shows none: its zeros would mean "unknown", not "none". */
void view_model_glist_timed(view_model *m);

/* Add a line of the front end's own to the event log (a lesson step, an
 * expectation met or failed, a key's effect).  time_ns: gs_nanotime(). */
void view_model_note(view_model *m, uint64_t time_ns, view_attr attr, const char *text);

/*
 * What a model's next tick depends on besides the ticks it will be fed: a
 * model rebuilt from the middle of a run (the rewind, timeline.h) starts
 * from the live model's, taken just before that tick was fed.
 */
/* The routine kinds that view.c counts over a window (VIEW_LOG_WINDOW_NS). */
enum view_routine { VIEW_RT_HANDOFF = 0, VIEW_RT_RETAKE, VIEW_RT_PREEMPT, VIEW_RT_N };

/* One routine kind's window: open from the first event after a quiet
 * window; its count and what the events did, summarised when it ends. */
typedef struct view_window {
	uint64_t start_ns; /* snapshot time it opened; 0: closed */
	int64_t n;         /* events in it */
	int64_t shown;     /* ... of them written out (the one that opened it) */
	int64_t how[4];    /* by outcome: see view.c's window_line */
	uint64_t pmask;    /* Ps they were on (P0..P63) */
} view_window;

typedef struct view_origin {
	uint64_t t0;                /* log times count from it (the run's first snapshot) */
	uint64_t dropped;           /* events lost so far (the header's total) */
	uint64_t drop_unlogged;     /* lost and not yet said in the log */
	int drop_quiet;             /* ticks since the log last said so (capped) */
	view_window win[VIEW_RT_N]; /* the log's summary windows open then */
	uint64_t log_total;         /* the log's lines so far: a model rebuilt from
	                               here numbers its lines as the live one did */
} view_origin;
void view_model_origin_get(const view_model *m, view_origin *o);
/* Before the first tick only (ignored after). */
void view_model_origin_set(view_model *m, const view_origin *o);
/* The goroutine list (as view_model_tick takes it) a model rebuilt from
 * the middle of a run starts with: the latest the live model had been fed
 * before that tick, whose labels and kinds its log lines name.  Before the
 * first tick.  0 or GS_ENOMEM. */
int view_model_glist_set(view_model *m, const gs_snap_ginfo *gl, int ng, int ng_total);
/* Log lines added so far (events and notes, evicted ones included; the
 * first is number 0); the log keeps the newest log_lines of them. */
uint64_t view_model_log_total(const view_model *m);

/* Ticks fed so far. */
int view_model_ticks(const view_model *m);
/* The latest snapshot (NULL before the first tick). */
const gs_snapshot *view_model_snapshot(const view_model *m);
/* The goroutine list it shows (*ng of them, NULL when none), and whether
 * its accounting figures are shown (view_model_glist_timed). */
const gs_snap_ginfo *view_model_glist(const view_model *m, int *ng, bool *timed);

/* ---- warnings ---- */

/* What the view warns about, as tokio-console warns about long polls; each
 * is judged on the snapshots and the ticks fed (never the clock), so a
 * paused, rewound or slowed view judges as a live one. */
typedef enum view_warn_kind {
	VIEW_WARN_LONG_RUN = 0, /* a goroutine ran more than VIEW_WARN_SLICES
	                           time slices without being switched out, and
	                           its thread had a whole slice of CPU after
	                           sysmon asked it to yield */
	VIEW_WARN_IDLE_P,       /* a P's local queue waited while another P
	                           stayed idle, VIEW_WARN_TICKS ticks or more */
	VIEW_WARN_THREADS,      /* threads at VIEW_WARN_THREADS_PCT % of the limit */
	VIEW_WARN_DROPS,        /* events lost to full event rings, in the last
	                           VIEW_WARN_TICKS ticks */
	VIEW_WARN_NKINDS
} view_warn_kind;

/* Time slices (GS_TIME_SLICE_NS, stretched in slow motion) a goroutine
 * runs before it is warned about: sysmon asks it to yield after one. */
#define VIEW_WARN_SLICES 2
/* Ticks a P's queue waits beside an idle P, and that lost events stay
 * warned about. */
#define VIEW_WARN_TICKS 5
/* Threads, in percent of the thread limit (gs_stats.max_threads). */
#define VIEW_WARN_THREADS_PCT 90
/* Warnings the model keeps (more are counted). */
#define VIEW_WARN_MAX 32

typedef struct view_warn {
	int kind;   /* view_warn_kind */
	int64_t id; /* LONG_RUN: the goroutine; IDLE_P: the P whose queue waits */
	int p;      /* LONG_RUN: the P it runs on; IDLE_P: the idle P; else -1 */
	int64_t n;  /* LONG_RUN: its slice, ns; IDLE_P: the queue's length;
	               THREADS: the threads; DROPS: the events lost */
	int64_t of; /* LONG_RUN: its thread's CPU time since the slice was seen
	               used up, ns; IDLE_P: ticks it waited; THREADS: the limit;
	               DROPS: ticks */
} view_warn;

/* The warnings of the latest tick, in kind order, into out[max]; returns how
 * many there are (more than max if they did not all fit). */
int view_model_warnings(const view_model *m, view_warn *out, int max);
/* A warning as a short sentence ("G17 ran 45 ms without preemption");
 * timescale: the model's slow motion (1: none).  Returns its length. */
size_t view_warn_text(const view_warn *w, int timescale, char *buf, size_t size);

/* Paint the screen for the model and the view (out resized to v's size). */
int view_render(const view_model *m, const view_state *v, view_screen *out);

/* The largest useful v->scroll for v's mode and size: view_render clamps
 * v->scroll to [0, view_scroll_max].  0 for modes that do not scroll by it
 * (VIEW_MAIN, VIEW_MDETAIL, and VIEW_LOG, which moves by view_log_move). */
int view_scroll_max(const view_model *m, const view_state *v);

/* ---- the event log ---- */

/* Bytes of one event log line: every sentence the model writes fits whole
 * (tests/check_view.c builds the longest, with 15-byte UTF-8 labels and
 * 64-bit numbers at their widest); a longer note is cut at a character with
 * "...". */
#define VIEW_LOG_TEXT 256
/* Columns a log line's continuation rows are indented by, under its text. */
#define VIEW_LOG_INDENT 2

/*
 * The rows of a log line's text in cols columns, as a person reads them:
 * broken at spaces (inside a word only when the word is wider than a row),
 * every row after the first VIEW_LOG_INDENT columns narrower.  The rows'
 * starts and lengths in bytes go into st[] and len[] (up to max of them;
 * never inside a UTF-8 character).  Returns the rows (at least 1).
 */
int view_log_wrap(const char *text, int cols, int *st, int *len, int max);

typedef enum view_logmove {
	VIEW_LOG_UP,        /* a line back (the first move holds the log) */
	VIEW_LOG_DOWN,      /* a line on; past the newest it follows again */
	VIEW_LOG_PAGE_UP,   /* a page of the whole-log page back */
	VIEW_LOG_PAGE_DOWN, /* a page on; past the newest it follows again */
	VIEW_LOG_TOP,       /* the oldest kept line (held) */
	VIEW_LOG_FOLLOW     /* follow the newest line again */
} view_logmove;

/* Move the log's place (v->log_at, v->log_seen) among the lines v's filter
 * shows; pages are those of the whole-log page at v's size. */
void view_log_move(const view_model *m, view_state *v, view_logmove how);
/*
 * Hold the log at a line that v's filter shows and that matches query (a
 * view_gquery, as the goroutine list's '/' takes): dir 0 the newest such
 * line, -1 the next older than the one held, +1 the next newer.  Returns
 * false (v unchanged) if there is none or the query does not parse.
 */
bool view_log_find(const view_model *m, view_state *v, const char *query, int dir);
/* Lines written since the log was held that v's filter shows (0 when it
 * follows the newest). */
uint64_t view_log_new(const view_model *m, const view_state *v);

/*
 * One event as a plain sentence ("P1 stole 64 goroutines from P0", "sysmon
 * took P0 from M3 (in a system call)").  Returns false for events too frequent
 * to list one by one (run, stop, park, ready...), which the model summarises
 * per tick instead.
 */
bool view_event_sentence(const gs_event *e, char *buf, size_t size);

/*
 * The move highlighted on goroutine g (its latest, while held: see
 * VIEW_MARK_HOLD_NS), from the events alone; *from (may be NULL): the P it
 * came from, -1 for the global queue or none.  VIEW_MOVE_NONE if none.
 */
view_move view_g_move(const view_model *m, int64_t g, int *from);
/* A move's word ("stolen", "preempted", ...; "" for none). */
const char *view_move_name(view_move mv);

/* ---- the goroutine list and page (view_glist.c) ---- */

/*
 * A query on goroutines or event log lines: words, all of which a goroutine
 * or line matches.  "state:waiting" (a state, or the start of its name:
 * state:run is running or runnable), "kind:S" (a kind letter, view_g_kind),
 * "label:net" (text in the label), "p:1" (on P1: running on it or in its
 * queue), "m:3", "id:12"; a plain word is text in the label or the id.
 * Text is matched without case for ASCII letters.
 * On a log line the words test what its event named: the goroutine (id:,
 * and its state: after the event, kind:, label:), the Ps and Ms (p:, m:);
 * "is:steal" (also is:thread, is:preempt, is:note, is:warn) picks lines by
 * class, and a plain word is text in the line.  A line that names none of
 * these (a note) matches text words only; no goroutine matches is:.
 */
#define VIEW_GQ_TERMS 8
#define VIEW_GQ_TEXT 64
typedef struct view_gquery {
	int n;
	struct view_gterm {
		char field; /* 's' state, 'k' kind, 'l' label, 'p', 'm', 'i' id, 'e'
		               is: (num: VIEW_LOGC_* bits), 't' text */
		int64_t num;
		char text[VIEW_GQ_TEXT];
	} t[VIEW_GQ_TERMS];
} view_gquery;

/* Parse text into q: 0, or -1 with what is wrong into err. */
int view_gquery_parse(const char *text, view_gquery *q, char *err, size_t errsize);
/* Whether goroutine g, which is on P p (-1 none), matches q. */
bool view_gquery_match(const view_gquery *q, const gs_snap_ginfo *g, int p);
/* A column's name in the list's header ("ID", "STATE"...). */
const char *view_gcol_name(view_gcol c);

/* The list's rows, as v sorts and filters them: how many (0 too when the
 * filter does not parse), and the id of row i into ids[i] for i < max. */
int view_glist_rows(const view_model *m, const view_state *v, int64_t *ids, int max);
/* Put the cursor (v->gcur) on the goroutine it was on, or, if that one has
 * gone or is filtered out, on the row it was at; and scroll so that it is
 * shown.  Call after each tick and each change of v's list settings. */
void view_glist_sync(const view_model *m, view_state *v);
/* Move the cursor by delta rows (clamped to the first and the last). */
void view_glist_move(const view_model *m, view_state *v, int delta);
/* Put the cursor on the next row (dir +1, wrapping), the previous (-1), or
 * the first from the cursor on (0) whose goroutine matches query.  False (v
 * unchanged) when none does or the query does not parse. */
bool view_glist_find(const view_model *m, view_state *v, const char *query, int dir);

/*
 * Events the goroutine page lists (created, ran, stopped, parked, made
 * runnable, stolen, preempted, moved to or from the global queue, system
 * calls, exited): the model keeps the newest VIEW_GEVENTS of them, of all
 * goroutines, in a ring.
 */
#define VIEW_GEVENTS 16384

/*
 * A goroutine's kind, from its tag (gs_snap_g.tag, set at its spawn): its
 * letter (the tag, when it is one of gsched's GS_TAG_*, else 'o') into
 * *letter and its attribute into *attr (either may be NULL).  Returns its
 * place in the order the queues count kinds in, 0 to VIEW_KINDS - 1 (the
 * last: 'o', any other).
 */
#define VIEW_KINDS 9
int view_g_kind(char tag, char *letter, view_attr *attr);

#endif /* GSCHED_VIEW_H */
