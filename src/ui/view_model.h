/*
 * view_model.h - the inside of view_model, shared by view.c (the model: ticks,
 * history, marks), view_log.c (the event log and its sentences) and the
 * painting files: view_screen.c (cells and primitives), view_main.c,
 * view_detail.c and view_render.c.
 * Private to src/ui/view*.c; the rest of the front end sees only view.h.
 *
 * Ownership: everything here belongs to the UI thread that feeds the model.
 * view_render takes the model const; the few caches it fills while painting
 * (the goroutine list's sort order) live behind the scratch pointer, so a
 * const model still paints without allocating after the first frame.
 */
#ifndef GSCHED_VIEW_MODEL_H
#define GSCHED_VIEW_MODEL_H

#include "format/tick.h"
#include "ui/view.h"

/* Listable events of the rare kinds (new threads, GOMAXPROCS changes, full
 * local queues) written out one by one per tick; the rest of that kind are
 * summarised in one line ("+ 3 more new threads this tick"). */
#define VIEW_LOG_PER_KIND 4
/* Steals written out one by one in a tick; more become one line per tick
 * ("7 steals moved 212 goroutines: P1 from P0 x4, ..."). */
#define VIEW_LOG_STEALS 2
/* The routine kinds (hand-offs, retakes, preemptions) come by the dozen
 * every tick with blocking syscalls and CPU-bound goroutines: the first of a
 * kind after a quiet window is written out, the others are counted for
 * this long (of snapshot time) and summarised in one line per kind. */
#define VIEW_LOG_WINDOW_NS 1000000000ull
/* An M made less than this long before the snapshot counts as "new". */
#define VIEW_NEW_M_NS 2000000000ull
/* The model logs lost events at most once per this many ticks. */
#define VIEW_DROP_LOG_TICKS 50

/* The classes of log lines, as bits: what a query's is: words pick. */
#define VIEW_LOGC_STEAL 0x01   /* steals */
#define VIEW_LOGC_THREAD 0x02  /* new threads, hand-offs, retakes */
#define VIEW_LOGC_PREEMPT 0x04 /* preemptions */
#define VIEW_LOGC_NOTE 0x08    /* view_model_note: lesson lines, key effects */
#define VIEW_LOGC_WARN 0x10    /* warnings and lost events */

/*
 * One line of the event log, and what a query (view_gquery) tests on it
 * besides its text: what its event(s) named, filled by view_log.c as it
 * writes the line (the same on a model rebuilt by the rewind, which feeds it
 * the same events).  A note names nothing: it matches text words only.
 */
/* Labels a log line keeps: as many as a spawn line names. */
#define VIEW_LOG_LABELS 3
typedef struct view_logline {
	uint64_t time_ns; /* gs_nanotime() of the event or note */
	int64_t g;        /* the goroutine it is about, 0: none (or several) */
	int64_t m[2];     /* the Ms it names, -1 none */
	uint64_t pmask;   /* a summary's Ps (P0..P63), as bits */
	int16_t p[2];     /* the Ps its event names, -1 none */
	uint16_t ev;      /* the gs_event_kind it tells, GS_EV_NONE: none */
	int8_t gstate;    /* g's gs_gstatus after the event, -1 unknown */
	char kind;        /* g's kind letter (view_g_kind), 0 unknown */
	uint8_t attr;     /* view_attr */
	uint8_t cls;      /* VIEW_LOGC_* bits, 0 for the others */
	/* the label of g, or the labels a spawn line counts (as many as it
	 * names), "" unknown */
	char label[VIEW_LOG_LABELS][GS_LABEL_MAX];
	char text[VIEW_LOG_TEXT]; /* UTF-8, NUL-terminated, whole characters */
} view_logline;

/* What happened to one P, from its events: in the last tick, or held from
 * an earlier one (see VIEW_MARK_HOLD_NS in view.h). */
typedef struct view_pmark {
	int stole_from;   /* victim of its first steal, -1 none */
	bool stole_multi; /* it stole from more than one P */
	int64_t stole_n;  /* goroutines it stole */
	int stolen_by;    /* first thief, -1 none */
	bool stolen_multi;
	int64_t stolen_n; /* goroutines taken from it */
	int handoffs;     /* GS_EV_HANDOFF of this P */
	int retakes;      /* GS_EV_RETAKE of this P */
	int preempts;     /* GS_EV_PREEMPT on this P */
	/* The time_ns of the snapshot whose tick had each mark: it stays
	 * VIEW_MARK_HOLD_NS after that, and is "recent" (drawn dim) once it is
	 * not the latest snapshot's. */
	uint64_t steal_t, stolen_t, handoff_t, retake_t, preempt_t;
	int steal_k, stolen_k, handoff_k, retake_k, preempt_k; /* ... and their ticks */
} view_pmark;

/* M display categories, in the order the main view lists them. */
enum view_mcat {
	VIEW_MCAT_RUNNING = 0, /* running a goroutine, or in the scheduler with a P */
	VIEW_MCAT_SPINNING,
	VIEW_MCAT_SYSCALL,
	VIEW_MCAT_NETPOLL,
	VIEW_MCAT_SYSMON,
	VIEW_MCAT_NEW_IDLE, /* idle, but made within VIEW_NEW_M_NS */
	VIEW_MCAT_IDLE,
	VIEW_MCAT_N
};

/* A goroutine's latest move (view_queue.c). */
typedef struct view_gmove {
	int64_t g;
	uint64_t t;   /* time_ns of the snapshot of the tick it came in */
	int tick;     /* that tick (view_model.ticks before it was fed) */
	uint8_t how;  /* view_move */
	int16_t from; /* P it left, -1 the global queue or none */
} view_gmove;

/* A row's text mark for moves counted in one tick: the global queue's
 * (what went in) and the one-in-61 takes (what came out). */
typedef struct view_gmark {
	uint8_t how; /* view_move */
	bool multi;  /* from more than one P */
	int from;    /* P (the taker, for a fair take), -1 none */
	int64_t g;   /* the first goroutine */
	int64_t n;   /* goroutines */
	uint64_t t;
	int tick;
} view_gmark;

#define VIEW_GP_GLOBAL (-2)

/* One row of the goroutine list (view_glist.c sorts these). */
typedef struct view_grow {
	const gs_snap_ginfo *g; /* into view_model.g */
	int p;                  /* the P running or queueing it, -1 none,
	                           VIEW_GP_GLOBAL in the global queue */
	bool timed;             /* g's accounting figures are known
	                           (view_model_glist_timed) */
} view_grow;

/* Caches view_render fills; reached through a pointer so a const model can. */
typedef struct view_scratch {
	view_grow *grows; /* the goroutine list, filtered and sorted */
	int grows_cap, ngrows;
	int gsorted_key;                       /* 1 + the view_gcol the rows are sorted by,
	                         negated when reversed; 0 none */
	uint64_t gsorted_gen;                  /* view_model.g_gen they were sorted for */
	int gsorted_ticks;                     /* ... and view_model.ticks (the Ps come from
	                         the snapshot) */
	char gsorted_filter[VIEW_GQ_TEXT * 2]; /* ... and the filter's text */
	int64_t (*gp)[2];                      /* (goroutine, P) of the snapshot, by id */
	int gp_cap;
} view_scratch;

/* One event the goroutine page lists (see VIEW_GEVENTS). */
typedef struct view_gev {
	uint64_t t;
	int64_t g, m, m2, arg;
	int16_t p, p2;
	uint16_t kind;
} view_gev;

struct view_model {
	int hist_cap; /* history_ticks */
	int log_cap;  /* log_lines */
	int ticks;    /* view_model_tick calls that succeeded */

	/* The latest snapshot, deep-copied: snap.p/.m/.runq_store point below. */
	gs_snapshot snap;
	bool have_snap;
	gs_snap_p *p;
	int p_cap;
	gs_snap_m *m;
	int m_cap;
	gs_snap_g *runq;
	size_t runq_cap;
	uint64_t t0;  /* time_ns of the first snapshot (log times count from it) */
	bool have_t0; /* t0 set (by the first snapshot or view_model_origin) */

	/* The previous tick, for deltas, preemption durations (what each P ran
	 * and for how long) and the detail pages' times over the last tick.
	 * prev_p[i].runq and the Ms' are not kept (they point nowhere). */
	gs_stats prev;
	bool have_prev;
	uint64_t prev_time_ns;
	gs_snap_p *prev_p;
	int prev_np, prev_cap;
	gs_snap_m *prev_m;
	int prev_nm, prev_m_cap;

	/* The last tick's activity. */
	uint64_t d_steals, d_stolen, d_handoffs, d_retakes, d_preempts, d_spawns, d_exits;
	uint64_t d_threads_created;
	int64_t ev_count[GS_EV_NKINDS];  /* events of each kind in the last tick */
	int64_t ev_argsum[GS_EV_NKINDS]; /* sum of their arg */
	uint64_t dropped_total;          /* events lost to full rings, all ticks */
	uint64_t dropped_unlogged;       /* lost since the last log line saying so */
	int drop_logged_tick;            /* tick of that line, -VIEW_DROP_LOG_TICKS none */
	view_pmark *pmark;               /* per P of snap (snap.np of them): the
	                                    marks shown, this tick's or held */
	int pmark_cap;
	int pmark_n;       /* entries of pmark that hold marks (the Ps of the
	                     previous tick; GOMAXPROCS may change) */
	view_pmark *tmark; /* scratch: this tick's own marks, per P */
	int tmark_cap;
	int timescale;     /* view_model_set_timescale's (1: real speed) */
	unsigned lacks;    /* view_model_set_lacks's (TICK_LACKS_*) */
	uint8_t *consumed; /* per event of the tick: folded into another line */
	int consumed_cap;

	/* Ms in display order (see enum view_mcat), counted per category. */
	int *morder;
	int morder_cap;
	int mcat_count[VIEW_MCAT_N];
	uint8_t *mcat; /* per listed M: its category */
	bool *mnew;    /* per listed M: made within VIEW_NEW_M_NS */

	/* History rings: hist_len samples, the newest at hist_head - 1. */
	int32_t *h_threads, *h_busy, *h_runnable, *h_steals;
	int hist_head, hist_len;

	/* The event log: a ring of log_cap lines. */
	view_logline *log;
	int log_head, log_len; /* next slot to write; lines kept */
	uint64_t log_total;    /* lines ever written (the next line's number) */
	view_window win[VIEW_RT_N];

	/* The goroutine list (gs_goroutines order: newest first). */
	gs_snap_ginfo *g;
	int g_cap, ng, ng_total;
	uint64_t g_gen;   /* bumped whenever g changes */
	uint64_t g_timed; /* the g_gen of a list with accounting figures, 0 none
	                     (view_model_glist_timed) */

	/* Moves highlighted on tokens (view_queue.c): a ring of mv_cap, the
	 * next slot at mv_head, and an index by goroutine id (linear probing,
	 * mv_icap slots holding ring position + 1, 0 empty). */
	view_gmove *mv;
	int mv_cap, mv_head, mv_len;
	int *mv_index;
	int mv_icap;
	uint64_t mv_evicted; /* moves that left the ring */
	view_gmark gmark;    /* into the global queue */
	view_gmark fmark;    /* one-in-61 takes */
	/* The last tick that lost events: its moves may be missing. */
	uint64_t drop_mv_t, drop_mv_n;
	int drop_mv_tick;

	/* Warnings (view_warn.c): the latest tick's, and what they are judged
	 * on: per P (warn_np of them), the ticks in a row its local queue has
	 * waited while another P was idle and the ticks in a row it has been
	 * idle, and the time slice it runs (the goroutine, its schedtick and
	 * its thread's CPU time when the slice was first seen used up); the
	 * events lost in each of the last VIEW_WARN_TICKS ticks. */
	view_warn warn[VIEW_WARN_MAX];
	int nwarn; /* may be more than VIEW_WARN_MAX */
	int *wait_ticks, *idle_ticks;
	struct view_slice {
		int64_t g;
		uint32_t schedtick;
		uint64_t cpu0; /* 0: not yet seen used up */
	} * slices;
	int warn_np, warn_cap;
	uint64_t drop_ring[VIEW_WARN_TICKS];

	/* Events of goroutines for their pages (view_glist.c): a ring of
	 * VIEW_GEVENTS, the next slot at gev_head. */
	view_gev *gev;
	int gev_head, gev_len;

	view_scratch *scratch;
};

/* Shared helpers (view.c). */

/* The i-th oldest kept log line (0 <= i < m->log_len). */
const view_logline *view__log_line(const view_model *m, int i);
/* Whether the log's filter shows line l: q from view__log_query (NULL:
 * every line). */
bool view__log_shows(const view_logline *l, const view_gquery *q);
/* v's log filter (v->log_query) parsed, NULL when there is none; a query
 * that does not parse shows no line, and its message goes into *err (may be
 * NULL; "" when it parses).  Kept until the next call. */
const view_gquery *view__log_query(const view_state *v, const char **err);
/* The place among the lines v's log filter shows (1 = the oldest) of
 * index i (view_detail.c). */
int view__log_place(const view_model *m, const view_state *v, int i);
/* Whether log line l matches query q (view_glist.c, beside the goroutines'
 * view_gquery_match). */
bool view__gquery_match_line(const view_gquery *q, const view_logline *l);
/* Whether text contains find (ASCII letters without case); *at and *n: the
 * bytes of the first match at or after byte `from`. */
bool view__log_match(const char *text, const char *find, size_t from, size_t *at, size_t *n);
/* Hold the log (v->log_at) with line i (an index) at the bottom; i < 0:
 * follow the newest line again. */
void view__log_hold(const view_model *m, view_state *v, int i);
/* The index (0..log_len-1) of the line at the bottom of the log's place in
 * v: the newest shown line not newer than the one held; -1 if none. */
int view__log_bottom(const view_model *m, const view_state *v);
/* The i-th oldest kept history sample of a ring (0 <= i < m->hist_len). */
int32_t view__hist(const view_model *m, const int32_t *ring, int i);
/* Threads by what they do, from the snapshot (see view.c). */
typedef struct view_threads {
	int total, idle, busy, run, spin, sys, net, mon;
} view_threads;
void view__threads(const view_model *m, view_threads *t);
/* A duration as "85 us", "3.2 ms", "1.50 s" into buf. */
void view__fmt_dur(uint64_t ns, char *buf, size_t size);
/* A scheduler time measured in slow motion x n, said both ways: "190 ms (x20
 * slow: 9.5 ms real-speed)"; as view__fmt_dur when n <= 1. */
void view__fmt_slow(uint64_t ns, int n, char *buf, size_t size);
/* Whether a mark of time t comes from an earlier tick than the latest
 * snapshot's (held, drawn dim). */
bool view__mark_recent(const view_model *m, uint64_t t);
/* Whether a mark or move of snapshot time t and tick `tick` is still shown
 * (VIEW_MARK_HOLD_NS, VIEW_MARK_MIN_TICKS). */
bool view__held(const view_model *m, uint64_t t, int tick);
/* The same for a model that has been fed `ticks` ticks, its latest of `now`. */
bool view__held_at(uint64_t t, int tick, uint64_t now, int ticks);
/* Note the tick's moves (after the snapshot is copied, before ticks++). */
int view__moves_tick(view_model *m, const gs_event *ev, int nev, uint64_t dropped);
/* Judge the tick's warnings (after the snapshot is copied, before ticks++),
 * and log the ones that are new.  0 or GS_ENOMEM. */
int view__warn_tick(view_model *m, uint64_t dropped);
/* The display category of an M's state. */
int view__mcat_of(const gs_snap_m *m, bool is_new);

/* ---- painting, shared by view_screen.c, view_main.c, view_detail.c and view_render.c ---- */

/* A P's local run queue has 256 slots (Go's and gsched's). */
#define VIEW_RUNQ_SLOTS 256

/* One frame's painting context. */
typedef struct rc {
	view_screen *s;
	const view_state *v;
	const view_model *m;
	bool ascii, mono;
	int w, h;
} rc;

/* Record a clickable region of row y, columns [x0, x1) (clipped to the
 * screen) for view_hit_at. */
void view__hit(rc *r, int y, int x0, int x1, int kind, int64_t id);
/* The function-key bar (htop's): whether v's size has room for it (a row
 * of its own at the bottom, under the footer), and painting it on row y. */
bool view__fbar_shown(const view_state *v);
void view__fbar(rc *r, int y);
int view__clampi(int v, int lo, int hi);
int view__digits(int64_t v);
void view__fill(rc *r, int x, int y, int xend, uint32_t ch, int attr);
int view__footer(rc *r);
/* The footer of a page that scrolls (rows of total shown from scroll): the
 * keys, and at the right whether there is more above or below. */
void view__scroll_footer(rc *r, int scroll, int rows, int total);
uint32_t view__g_empty_slot(const rc *r);
uint32_t view__g_spark(const rc *r, int level);
int view__header(rc *r, int y, int maxl);
int view__help_count(rc *r);
void view__log_row(rc *r, int y, int x0, int x1, const view_logline *l);
/* The bytes of the first row of text in w columns, broken at a space when it
 * does not all fit (inside a word only when one word is wider than w);
 * *next: where the next row starts. */
size_t view__wrap_row(const char *text, int w, const char **next);
/* The log's title: name, then in parentheses the filter and, while it is
 * held, "12 new, <follow>" (follow: the key that follows the log again). */
void view__log_title(rc *r, const char *name, const char *follow, char *buf, size_t size);
/* Rows of the whole-log page that show lines (the row below them says how
 * many are new while the log is held). */
int view__log_page_rows(const view_state *v);
/* The rows a log line takes between columns x0 and x1. */
int view__log_rows(const view_logline *l, int x0, int x1);
/* The log at v's place, wrapped, in rows [y0, y0 + rows) between x0 and x1:
 * the bottom line's last row at the bottom (top: the oldest line at the top
 * when all fit).  *first and *last (may be NULL): the indexes of the first
 * and last lines with a row shown, -1 when none. */
void view__log_paint(rc *r, int y0, int rows, int x0, int x1, bool top, int *first, int *last);
void view__m_state(const gs_snap_m *mm, char *letter, const char **word, int *attr);
int view__p_marks(rc *r, int x, int y, int xend, const view_pmark *pm);
/* A P's status as a letter, a word and an attribute; "? n/a" when the
 * ticks have no P states (lacks: TICK_LACKS_PSTATUS, plain schedtrace). */
void view__p_state(int status, unsigned lacks, char *letter, const char **word, int *attr);
int view__pdetail_rows(rc *r, int listed, int *cols);
int view__pdetail_visible(rc *r);
void view__put(rc *r, int x, int y, uint32_t ch, int attr);
void view__queue_bar(rc *r, int x, int y, int w, const gs_snap_p *p);
/* "C120 S8 B3 +2 other": the kinds of goroutines g[0..n), as many as fit
 * before xend; returns the x after them. */
int view__queue_kinds(rc *r, int x, int y, int xend, const gs_snap_g *g, uint32_t n);
/* A detail page's field at row y: its name, then the P or M (letter) it
 * names, or "none" for id -1.  Names start at column VIEW_FIELD_X0, values
 * at VIEW_FIELD_X. */
#define VIEW_FIELD_X0 1
#define VIEW_FIELD_X 16
void view__field_ref(rc *r, int y, const char *name, char letter, int64_t id);
void view__render_glist(rc *r);
void view__render_gdetail(rc *r);
/* Keep the tick's events that name a goroutine (view_glist.c). */
void view__gevents_tick(view_model *m, const gs_event *ev, int nev);
/* The list's rows for v, filtered and sorted (cached in the scratch);
 * *n: how many; NULL when out of memory; *err (may be NULL) the filter's
 * parse error, "" none. */
const view_grow *view__glist(const view_model *m, const view_state *v, int *n, const char **err);
void view__render_help(rc *r);
void view__render_log(rc *r);
void view__render_main(rc *r);
void view__render_mdetail(rc *r);
void view__render_pdetail(rc *r);
int view__scroll_clamp(int scroll, int total, int visible);
void view__section(rc *r, int y, int x0, int x1, const char *title);
void view__size_notice(rc *r);
void view__sparkline(rc *r, int x, int y, int w, int rows, const int32_t *ring);
int view__text(rc *r, int x, int y, int xend, int attr, const char *str);
int view__text_len(const char *str);
int __attribute__((format(printf, 6, 7)))
view__textf(rc *r, int x, int y, int xend, int attr, const char *fmt, ...);
void view__title_bar(rc *r, const char *what);
/* A goroutine token's attribute: its move's while one is held (reverse
 * video), else its kind's; *letter (may be NULL): its kind's letter. */
int view__token_attr(const rc *r, const gs_snap_g *g, char *letter);
int view__title_tick(rc *r, int x);

/* ---- shared by view.c and view_log.c ---- */

void view__label_copy(char out[GS_LABEL_MAX], const char *label);
view_logline *view__log_add(view_model *m, uint64_t time_ns, view_attr attr, unsigned cls,
    const char *text);
void view__log_events(view_model *m, const gs_event *ev, int nev, uint64_t now,
    const gs_snap_ginfo *gl, int ng);
const char *view__plural(int64_t n, const char *one, const char *many);
size_t view__utf8_whole(const char *s, size_t max);

#endif /* GSCHED_VIEW_MODEL_H */
