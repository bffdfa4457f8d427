/*
 * view_detail.c - the pages that replace the main view: help, the detail of
 * one P and of one M and the whole event log (the goroutine list and page are
 * view_glist.c's).
 *
 * Allocation: none.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/keys.h"
#include "ui/view_model.h"

/* ---- help ---------------------------------------------------------------------------- */

/* A row of the help page's text: what `key` stands for; key NULL: a section
 * heading; key "" and what "": a blank row. */
struct help_line {
	const char *key, *what;
};

#define STR_(x) #x
#define STR(x) STR_(x)

/* After the keys (which come from the key table, keys.c): what the symbols
 * of the main view mean.  Long texts are wrapped to the terminal. */
static const struct help_line legend[] = {
	{ "", "" },
	{ NULL, "Title bar" }, /* a section */
	{ "tick 502 LIVE", "the tick shown (its index since the start) is the newest" },
	{ "tick 482 (-3.4 s)",
	    "a tick of the past, 3.4 s before the newest: every panel shows that tick "
	    "(the rewind keeps the last --history MiB of ticks, default 64: ten minutes "
	    "and more of a quiet run, a minute of a busy one; Home says how many)" },
	{ "replay x2", "a recording played (gsched --replay FILE) at twice its speed" },
	{ "", "" },
	{ NULL, "Header" }, /* a section */
	{ "SLOW x20",
	    "slow motion (--slow 20): the scheduler and the workloads 20 times slower; times "
	    "say both (190 ms (x20 slow: 9.5 ms real-speed))" },
	{ "REC", "recording what is shown to a file (R stops)" },
	{ "OS threads",
	    "every thread of the process, as the kernel counts them: the Ms, and threads the "
	    "program made itself (a thread per task, the view's own)" },
	{ "Ms", "the scheduler's threads that exist; Go never ends idle ones, so watch busy" },
	{ "busy", "run: running Go code, spin: looking for work, sys: in a system call" },
	{ "+3 (120)", "this tick (and in total)" },
	{ "", "" },
	{ NULL, "A Go program (gsched go)" }, /* a section */
	{ "Go 1.21+ ...",
	    "the title: the Go release whose GODEBUG=schedtrace format was recognised; after "
	    "the program ends, how it ended (exited with status 3, killed by signal 2)" },
	{ "not reported by Go",
	    "what Go's trace does not say: steal counts, preemptions, spawns, time by state; "
	    "never shown as 0, which would be a figure nobody measured" },
	{ "(inferred)",
	    "a log line read off two blocks in a row, not seen happen: Go's trace has no "
	    "events; a P whose M changed while its goroutine sat in a system call was handed "
	    "off (hand-offs inferred +1 in the header)" },
	{ "not for Go",
	    "w + - 0-9 = c s b n C S B N change gsched's own scheduler; a Go program's runs "
	    "in another process, which its trace only reports on" },
	{ "Ctrl-C",
	    "the first goes to the program (SIGINT to its process group), the second quits; "
	    "the program's last tick stays shown after it ends, until q" },
	{ "prog: text",
	    "a line the program wrote to its standard error that is not Go's trace "
	    "(--stderr FILE keeps them whole); its standard output goes to /dev/null or "
	    "--stdout FILE" },
	{ "plain schedtrace",
	    "a log without scheddetail: totals only (no M list, P states or goroutines)" },
	{ "", "" },
	{ NULL, "Ps (processors)" }, /* a section */
	{ "R run",
	    "running a goroutine; I idle; S sys (its M is in a system call); T stopped "
	    "(world stopped); D dead" },
	{ "M3", "the M (thread) holding the P; highlighted while the P was just handed to it" },
	{ "C812 3.2 ms", "the running goroutine as a token, how long its slice has run" },
	{ "~3.2 ms", "in slow motion (SLOW xN): the slice as at real speed (P detail: both)" },
	{ ">S9", "runnext: the goroutine that runs next on this P" },
	{ "17 ##.", "the local queue's length, and a thin gauge of its 256 slots" },
	{ "C44 C45 S46",
	    "the local queue as goroutine tokens, head first (runs first); with no room for "
	    "ids, one letter a goroutine; +187 S150 B37: the goroutines that do not fit, by "
	    "kind" },
	{ "C L S B N H T W o",
	    "token letters, from what each goroutine was spawned as: C CPU-bound, L call-free "
	    "loop, S sleeping (sleep, nap), B blocking system call, N network wait, H web "
	    "server or client, T waiting for plain threads, W switching on purpose (ping-pong, "
	    "Gosched), o any other; each kind has its colour" },
	{ "reverse video",
	    "a token that just moved, for 1.5 s and at least 3 frames, from the runtime's "
	    "events: cyan stolen, yellow into the global queue (preempted, yielded, overflow, "
	    "back from a system call, woken), green new (spawned into runnext), white taken by "
	    "the one-in-61 check" },
	{ "::::",
	    "the gap a steal left at the head of the victim's queue: a cell (shaded where the "
	    "terminal can) for each goroutine taken" },
	{ "from P0 x64", "this P stole 64 goroutines from P0 (they are highlighted)" },
	{ "to P1 x64", "P1 stole 64 goroutines from this P" },
	{ "handoff", "the P was handed to another M" },
	{ "sysmon took",
	    "sysmon took the P back from an M stuck in a system call, to give it to another "
	    "thread (Go's retake)" },
	{ "preempt", "a goroutine on it was preempted" },
	{ "global queue",
	    "the global run queue: its head, +N, then its tail, where preemptions and "
	    "overflows arrive; beside it the latest move in words" },
	{ "events lost",
	    "the event rings overflowed: some moves are not highlighted (none are guessed)" },
	{ "< > H !", "the same marks in the small grid (steal, stolen, hand-off, preempt)" },
	{ "dim marks", "from an earlier tick: a mark stays 1.5 s, so a move can be seen" },
	{ "+5 more Ps", "Ps that did not fit: the small grid" },
	{ "", "" },
	{ NULL, "Ms (threads)" }, /* a section */
	{ "on the P rows", "the Ms holding a P are shown beside it" },
	{ "in syscall 2: M4:G12",
	    "Ms without a P, by state, with counts: in a system call (and its goroutine); "
	    "spinning (looking for work); netpoller (blocked in it); no P (in the scheduler "
	    "without one); idle (parked, reusable; bold: made in the last 2 s); sysmon" },
	{ "+1930", "Ms of that state that did not fit the row" },
	{ "", "" },
	{ NULL, "P and M pages (p, m)" }, /* a section */
	{ "time in all",
	    "from the runtime's accounting, since the view turned it on: a P's time running "
	    "goroutines, idle and spinning (its M looking for work); an M's running, spinning, "
	    "idle (parked, or in the netpoller without a P) and in system calls; each with its "
	    "share of the time counted in these states (\"of\"). The rest of a P's life (the "
	    "scheduler, hand-offs, held by an M in a system call) is in none of them" },
	{ "last tick",
	    "what each grew by since the snapshot before, with its share of the time between "
	    "the two (\"of\"); the shares leave out the time in none of the states" },
	{ "not measured",
	    "the tick was taken with accounting off (a recording made without it): its zeros "
	    "are no figures; sysmon is counted in no state" },
	{ "", "" },
	{ NULL, "Event log" }, /* a section */
	{ "12.3", "seconds since the view started, then what happened" },
	{ "one by one",
	    "new threads, GOMAXPROCS changes and full local queues (4 a tick, then + N more); "
	    "steals (2 a tick, else one line for the tick's steals)" },
	{ "in the last 1.0 s",
	    "hand-offs, retakes and preemptions come by the dozen: the first after a quiet "
	    "second is written out, the rest summed up once a second" },
	{ "last 0.1 s",
	    "spawns and exits are summed per tick; the goroutines that ran (were switched onto "
	    "a P), blocked and were woken, the timers, system calls and netpoller wake-ups "
	    "only in the header's line for the last tick" },
	{ "Events (steals)",
	    "the log's filter (f); 12 new, Down to follow: the log is held (Up, PgUp, /) and "
	    "12 lines came since; > marks the line it is held at" },
	{ "events lost", "the event rings overflowed; the counters in the header stay exact" },
	{ "Gs 12: 3 run",
	    "a narrow screen's header: every figure, in shorter words (threads: OS threads, Gs: "
	    "goroutines, run and wait: running and waiting, global: the global queue, "
	    "preempts: preemptions)" },
	{ "", "" },
	{ NULL, "Warnings" }, /* a section */
	{ "! 2 warnings:",
	    "a line under the header while any holds (the ones that do not fit counted: +3 "
	    "more); each is written into the event log once, when it appears" },
	{ "G17 ran 45 ms",
	    "without preemption: a goroutine ran more than " STR(
		VIEW_WARN_SLICES) " time "
				  "slices (10 ms each) without being switched out: sysmon asked it "
				  "to yield and it "
				  "did not (a call-free loop outside any preemptible region, or "
				  "preemption off); its "
				  "P runs nothing else meanwhile.  Only said once its thread has "
				  "had another whole slice of CPU since the request (the kernel's "
				  "count): on a loaded machine a thread the OS did not run is "
				  "not a goroutine that refused" },
	{ "P1 queue 12",
	    "while P0 idle 8 ticks: a P's local queue waited " STR(
		VIEW_WARN_TICKS) " ticks or "
				 "more while another P was idle, whose M should have stolen from "
				 "it" },
	{ "threads of the limit",
	    "threads at " STR(VIEW_WARN_THREADS_PCT) " % of the thread limit (10000 unless the "
						     "program sets it); at the limit making one "
						     "more is fatal, as in Go" },
	{ "events lost",
	    "the event rings overflowed in the last " STR(
		VIEW_WARN_TICKS) " ticks: some moves "
				 "are missing from the log and the highlights (the counters stay "
				 "exact)" },
	{ "", "" },
	{ NULL, "Mouse" }, /* a section */
	{ "click",
	    "a P row (or P cell) opens its detail page, an M its detail page, a goroutine's "
	    "token or list row its page; a key hint in the footer or the function-key bar does "
	    "the key (--no-mouse turns it off)" },
	{ "wheel", "scrolls help, the lists and the event log (in the main view, its log panel)" },
	{ "F1 ... F10",
	    "the function-key bar at the bottom, from " STR(VIEW_FBAR_WIDTH) "x" STR(
		VIEW_FBAR_HEIGHT) ": each key does what its label says" },
	{ "", "" },
	{ NULL, "Goroutine list (g)" }, /* a section */
	{ ">", "the cursor's row (Enter opens that goroutine's page)" },
	{ "STATE^",
	    "the column the list is sorted by, up (v: reversed, r); ties by id (the arrows "
	    "where the terminal has them)" },
	{ "P",
	    "the P running the goroutine or holding it in its runnext or local queue; glob: in the "
	    "global queue" },
	{ "3 of 1203",
	    "the title with a filter (f): how many match it, of how many listed; Esc clears it" },
	{ "by tick RRrw",
	    "a goroutine's page: its state in each tick, newest at the right (R running, r "
	    "runnable, s system call, w waiting, x exited), from its events' times" },
	{ "events of G12",
	    "a goroutine's page: the events that named it, newest at the bottom, from the "
	    "newest 16384 of all goroutines' the view keeps" },
	{ "", "" },
	{ NULL, "Graphs" }, /* a section */
	{ "threads", "history of the thread count, busy threads, runnable goroutines" },
	{ "steals/tick", "and steals per tick; each column is the maximum of its time span" },
};

#define NLEGEND ((int)(sizeof legend / sizeof legend[0]))

/* The i-th line of the help page, false past the last: the Keys section
 * (every key of the table that a person types), then the legend. */
static bool
help_line_at(int i, struct help_line *l)
{
	if (i == 0) {
		*l = (struct help_line){ NULL, "Keys" };
		return true;
	}
	i--;
	for (int k = 0; k < keys_count; k++) {
		if (keys_table[k].help != NULL && i-- == 0) {
			*l = (struct help_line){ keys_table[k].keys, keys_table[k].help };
			return true;
		}
	}
	if (i < NLEGEND) {
		*l = legend[i];
		return true;
	}
	return false;
}

/* Columns of UTF-8 text: its bytes less its continuation bytes. */
static int
cols_of(const char *s, size_t n)
{
	int c = 0;

	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xc0) != 0x80;
	return c;
}

/* The key column is as wide as the widest key up to this; a wider key has
 * its text start on the row below it, so one long key does not narrow every
 * row's text. */
#define HELP_KEY_COLS 16

/* Lays the help page out in r's width and, when paint, paints its rows from
 * `scroll` on into rows 1..rows.  Returns how many rows it has in all. */
static int
help_layout(rc *r, bool paint, int scroll, int rows)
{
	struct help_line l;
	int kw = 0, n = 0;

	for (int i = 0; help_line_at(i, &l); i++) {
		int c = l.key != NULL ? cols_of(l.key, strlen(l.key)) : 0;
		if (c > kw && c <= HELP_KEY_COLS)
			kw = c;
	}
	int tx = 1 + kw + 2, tw = r->w - tx > 16 ? r->w - tx : 16;
	for (int i = 0; help_line_at(i, &l); i++) {
		if (l.key == NULL) { /* a section */
			if (paint && n >= scroll && n < scroll + rows)
				view__section(r, 1 + n - scroll, 0, r->w, l.what);
			n++;
			continue;
		}
		bool alone = cols_of(l.key, strlen(l.key)) > kw;
		const char *t = l.what, *next;
		for (bool first = true; first || *t; first = false) {
			size_t len = alone && first ? 0 : view__wrap_row(t, tw, &next);
			if (paint && n >= scroll && n < scroll + rows) {
				char row[512];
				int y = 1 + n - scroll;
				if (first)
					view__text(r, 1, y, r->w, VA_KEY, l.key);
				snprintf(row, sizeof row, "%.*s", (int)len, t);
				if (len > 0)
					view__text(r, tx, y, r->w, VA_NORMAL, row);
			}
			n++;
			if (len > 0)
				t = next;
		}
	}
	return n;
}

int
view__help_count(rc *r)
{
	return help_layout(r, false, 0, 0);
}

void
view__render_help(rc *r)
{
	int rows = r->h - 2, total = view__help_count(r);
	int scroll = view__scroll_clamp(r->v->scroll, total, rows);
	char what[64] = "help";

	if (total > rows)
		snprintf(what, sizeof what, "help: lines %d-%d of %d", scroll + 1, scroll + rows,
		    total);
	view__title_bar(r, what);
	view__scroll_footer(r, scroll, rows, total);
	help_layout(r, true, scroll, rows);
}

/* ---- the detail pages' fields -------------------------------------------------------- */

void
view__field_ref(rc *r, int y, const char *name, char letter, int64_t id)
{
	view__text(r, VIEW_FIELD_X0, y, VIEW_FIELD_X, VA_BOLD, name);
	if (id >= 0)
		view__textf(r, VIEW_FIELD_X, y, r->w, VA_NORMAL, "%c%" PRId64, letter, id);
	else
		view__text(r, VIEW_FIELD_X, y, r->w, VA_DIM, "none");
}

/* ---- time by state (the P and M pages) ----------------------------------------------- */

#define UNTIMED "not measured: the runtime's accounting was off for this tick"
/* ... or, for a foreign program (gsched go), never measured at all */
#define UNTIMED_GO "not reported by Go"
#define UNTIMED_OF(r) ((r)->v->lacks & TICK_LACKS_ACCOUNTING ? UNTIMED_GO : UNTIMED)

/* Whether a snapshot's Ps and Ms carry the runtime's accounting: some
 * one's time is not 0.  While accounting is off every one is 0, which says
 * "not measured", not "no time". */
static bool
acct_on(const gs_snap_p *p, int np, const gs_snap_m *m, int nm)
{
	for (int i = 0; i < np; i++)
		if (p[i].run_ns | p[i].idle_ns | p[i].spin_ns)
			return true;
	for (int i = 0; i < nm; i++)
		if (m[i].running_ns | m[i].spinning_ns | m[i].idle_ns | m[i].syscall_ns)
			return true;
	return false;
}

static bool
snap_timed(const gs_snapshot *s)
{
	return acct_on(s->p, s->np, s->m, s->nm);
}

/* Whether the previous snapshot had figures to measure growth against. */
static bool
prev_timed(const view_model *m)
{
	return m->have_prev && acct_on(m->prev_p, m->prev_np, m->prev_m, m->prev_nm);
}

#define TIMES_COL 14 /* a state's column */

/*
 * A P's or an M's time by state, from row y, as a small table: a header of
 * the n state names, then "in all" (each total, and its share of the time
 * counted in these states) and "last tick" (each one's growth since the
 * previous snapshot, and its share of the time between the two; prev NULL
 * when there is none to compare with).  untimed: why there are no figures
 * to show (NULL: there are).  Returns the row after it.
 */
static int
times_table(rc *r, int y, const char *const *names, int n, const uint64_t *now,
    const uint64_t *prev, const char *untimed)
{
	const view_model *m = r->m;
	uint64_t tick_ns =
	    m->snap.time_ns > m->prev_time_ns ? m->snap.time_ns - m->prev_time_ns : 0;
	int kx = VIEW_FIELD_X0, vx = VIEW_FIELD_X;
	char d[32], cell[48];
	uint64_t sum = 0;

	view__text(r, kx, y, vx, VA_BOLD, "time");
	if (untimed != NULL) {
		view__text(r, vx, y++, r->w, VA_DIM, untimed);
		return y;
	}
	for (int i = 0; i < n; i++) {
		view__text(r, vx + i * TIMES_COL, y, r->w, VA_BOLD, names[i]);
		sum += now[i];
		/* a figure that went down: accounting was switched off and on */
		if (prev != NULL && now[i] < prev[i])
			prev = NULL;
	}
	view__text(r, vx + n * TIMES_COL, y++, r->w, VA_BOLD, "of");
	for (int row = 0; row < 2; row++) {
		view__text(r, kx, y, vx, VA_BOLD, row ? "last tick" : "in all");
		uint64_t of = row ? tick_ns : sum;
		if (row && (prev == NULL || tick_ns == 0)) {
			view__text(r, vx, y++, r->w, VA_DIM, "- (no earlier tick to compare with)");
			break;
		}
		for (int i = 0; i < n; i++) {
			uint64_t v = row ? now[i] - prev[i] : now[i];
			view__fmt_dur(v, d, sizeof d);
			if (of > 0)
				snprintf(cell, sizeof cell, "%s %.0f%%", d,
				    100.0 * (double)v / (double)of);
			else
				snprintf(cell, sizeof cell, "%s", d);
			view__text(r, vx + i * TIMES_COL, y, vx + (i + 1) * TIMES_COL - 1,
			    v ? VA_NORMAL : VA_DIM, cell);
		}
		/* what the shares are of, in words where they fit */
		int ox = vx + n * TIMES_COL;
		view__fmt_dur(of, d, sizeof d);
		snprintf(cell, sizeof cell, "%s %s", d, row ? "tick" : "counted");
		view__text(r, ox, y++, r->w, VA_NORMAL,
		    ox + view__text_len(cell) <= r->w ? cell : d);
	}
	return y;
}

/* ---- P detail ------------------------------------------------------------------------ */

#define PD_FIELDS 15
#define PD_CELL 26

int
view__pdetail_rows(rc *r, int listed, int *cols)
{
	*cols = r->w / PD_CELL > 0 ? r->w / PD_CELL : 1;
	(void)r;
	return (listed + *cols - 1) / *cols;
}

int
view__pdetail_visible(rc *r)
{
	/* title, fields, bar, section, footer */
	int v = r->h - 1 - PD_FIELDS - 1 - 1 - 1;
	return v > 0 ? v : 0;
}

void
view__render_pdetail(rc *r)
{
	const view_model *m = r->m;
	const gs_snapshot *s = &m->snap;
	int fp = r->v->focus_p;
	char t[32], d[80];
	int y = 1;

	snprintf(t, sizeof t, "P%d", fp);
	view__title_bar(r, t);
	view__footer(r);
	if (!m->have_snap || fp < 0 || fp >= s->np) {
		view__textf(r, 1, 2, r->w, VA_WARN, "P%d does not exist (GOMAXPROCS %d)", fp,
		    m->have_snap ? s->np : 0);
		return;
	}
	const gs_snap_p *p = &s->p[fp];
	const view_pmark *pm = &m->pmark[fp];
	char letter;
	const char *word;
	int attr;
	int kx = 1, vx = 16;

	view__p_state(p->status, r->v->lacks, &letter, &word, &attr);
	view__text(r, kx, y, vx, VA_BOLD, "status");
	view__textf(r, vx, y++, r->w, attr, "%c %s (%s)", letter, word, gs_pstate_name(p->status));
	view__field_ref(r, y++, "M", 'M', p->m);
	view__text(r, kx, y, vx, VA_BOLD, "running");
	if (p->curg.id) {
		view__fmt_slow(p->slice_ns, r->v->slow, d, sizeof d);
		view__textf(r, vx, y++, r->w, VA_NORMAL, "G%" PRId64 " %s (%s), slice %s",
		    p->curg.id, p->curg.label, gs_gstatus_name(p->curg_status),
		    p->slice_ns ? d : "unknown");
	} else {
		view__text(r, vx, y++, r->w, VA_DIM, "nothing");
	}
	view__text(r, kx, y, vx, VA_BOLD, "runnext");
	if (p->runnext.id)
		view__textf(r, vx, y++, r->w, VA_NORMAL, "G%" PRId64 " %s", p->runnext.id,
		    p->runnext.label);
	else
		view__text(r, vx, y++, r->w, VA_DIM, "empty");
	view__text(r, kx, y, vx, VA_BOLD, "local queue");
	view__textf(r, vx, y++, r->w, VA_NORMAL, "%u of %d slots (%u listed below)", p->runq_len,
	    VIEW_RUNQ_SLOTS, p->runq_listed);
	view__text(r, kx, y, vx, VA_BOLD, "kinds");
	if (view__queue_kinds(r, vx, y, r->w, p->runq, p->runq_listed) == vx)
		view__text(r, vx, y, r->w, VA_DIM, "-");
	y++;
	view__text(r, kx, y, vx, VA_BOLD, "schedtick");
	view__textf(r, vx, y++, r->w, VA_NORMAL, "%u   syscalltick %u", p->schedtick,
	    p->syscalltick);
	view__text(r, kx, y, vx, VA_BOLD, "timers");
	view__textf(r, vx, y++, r->w, VA_NORMAL, "%d", p->timers);
	view__text(r, kx, y, vx, VA_BOLD, "steals");
	if (r->v->lacks & TICK_LACKS_STEALS)
		view__text(r, vx, y++, r->w, VA_DIM, "not reported by Go");
	else
		view__textf(r, vx, y++, r->w, VA_NORMAL,
		    "%" PRIu64 " (took %" PRIu64 " goroutines; others took %" PRIu64 " from it)",
		    p->steals, p->stolen, p->stolen_from);
	view__text(r, kx, y, vx, VA_BOLD, "spawns");
	if (r->v->lacks & TICK_LACKS_ACCOUNTING)
		view__text(r, vx, y++, r->w, VA_DIM, "not reported by Go (nor system calls)");
	else
		view__textf(r, vx, y++, r->w, VA_NORMAL, "%" PRIu64 "   system calls %" PRIu64,
		    p->spawns, p->syscalls);
	view__text(r, kx, y, vx, VA_BOLD, "marks");
	if (view__p_marks(r, vx, y, r->w, pm) == vx)
		view__text(r, vx, y, r->w, VA_DIM, "nothing notable");
	y++;
	static const char *const pnames[] = { "run", "idle", "spinning" };
	const gs_snap_p *pp = prev_timed(m) && fp < m->prev_np ? &m->prev_p[fp] : NULL;
	uint64_t pnow[] = { p->run_ns, p->idle_ns, p->spin_ns };
	uint64_t pwas[] = { pp ? pp->run_ns : 0, pp ? pp->idle_ns : 0, pp ? pp->spin_ns : 0 };
	y = times_table(r, y, pnames, 3, pnow, pp ? pwas : NULL,
	    snap_timed(s) ? NULL : UNTIMED_OF(r));
	y = 1 + PD_FIELDS; /* one spare line */
	view__queue_bar(r, 1, y++, r->w - 2, p);
	int cols, rows = view__pdetail_rows(r, (int)p->runq_listed, &cols);
	int vis = view__pdetail_visible(r);
	int scroll = view__scroll_clamp(r->v->scroll, rows, vis);
	snprintf(t, sizeof t, "queue, head first");
	view__section(r, y++, 0, r->w, t);
	for (int row = 0; row < vis && scroll + row < rows; row++) {
		for (int c = 0; c < cols; c++) {
			int i = (scroll + row) * cols + c;
			if (i >= (int)p->runq_listed)
				break;
			char k;
			int a = view__token_attr(r, &p->runq[i], &k);
			int x = c * PD_CELL;
			view__textf(r, x, y + row, x + 4, VA_DIM, "%3d", i + 1);
			view__put(r, x + 4, y + row, (uint32_t)k, a);
			view__textf(r, x + 6, y + row, x + PD_CELL - 1, VA_NORMAL,
			    "G%" PRId64 " %s", p->runq[i].id, p->runq[i].label);
		}
	}
	if (p->runq_listed == 0)
		view__text(r, 1, y, r->w, VA_DIM,
		    p->runq_len ? "(the snapshot lists none)" : "(empty)");
}

/* ---- M detail ------------------------------------------------------------------------ */

/* Whether text mentions "M<id>" as a word. */
static bool
mentions_m(const char *t, int64_t id)
{
	char pat[24];
	int n = snprintf(pat, sizeof pat, "M%" PRId64, id);
	for (const char *p = strstr(t, pat); p; p = strstr(p + 1, pat)) {
		bool before = p == t ||
		    !((p[-1] >= 'A' && p[-1] <= 'Z') || (p[-1] >= 'a' && p[-1] <= 'z') ||
			(p[-1] >= '0' && p[-1] <= '9'));
		bool after = !(p[n] >= '0' && p[n] <= '9');
		if (before && after)
			return true;
	}
	return false;
}

void
view__render_mdetail(rc *r)
{
	const view_model *m = r->m;
	const gs_snapshot *s = &m->snap;
	int64_t id = r->v->focus_m;
	char t[40], d[32];
	int y = 1, kx = 1, vx = 16;
	const gs_snap_m *mm = NULL;
	int k = -1;

	snprintf(t, sizeof t, "M%" PRId64, id);
	view__title_bar(r, t);
	view__footer(r);
	for (int i = 0; m->have_snap && i < s->nm; i++)
		if (s->m[i].id == id) {
			mm = &s->m[i];
			k = i;
			break;
		}
	if (mm == NULL) {
		view__textf(r, 1, 2, r->w, VA_WARN,
		    "M%" PRId64 " is not in the snapshot (it may have exited, or the snapshot "
		    "lists fewer Ms than exist)",
		    id);
		return;
	}
	char letter;
	const char *word;
	int attr;
	view__m_state(mm, &letter, &word, &attr);
	view__text(r, kx, y, vx, VA_BOLD, "state");
	view__textf(r, vx, y++, r->w, attr, "%c %s (%s)%s", letter, word, gs_mstate_name(mm->state),
	    mm->spinning ? ", spinning" : "");
	view__field_ref(r, y++, "P", 'P', mm->p);
	view__text(r, kx, y, vx, VA_BOLD, "goroutine");
	if (mm->curg) {
		const gs_snap_ginfo *gi = NULL;
		for (int i = 0; i < m->ng; i++)
			if (m->g[i].id == mm->curg) {
				gi = &m->g[i];
				break;
			}
		if (gi)
			view__textf(r, vx, y++, r->w, VA_NORMAL, "G%" PRId64 " %s (%s)", mm->curg,
			    gi->label, gs_gstatus_name(gi->status));
		else
			view__textf(r, vx, y++, r->w, VA_NORMAL, "G%" PRId64, mm->curg);
	} else {
		view__text(r, vx, y++, r->w, VA_DIM, "none");
	}
	view__text(r, kx, y, vx, VA_BOLD, "created");
	if (mm->created_ns && mm->created_ns <= s->time_ns) {
		view__fmt_dur(s->time_ns - mm->created_ns, d, sizeof d);
		view__textf(r, vx, y++, r->w, VA_NORMAL, "%s before this snapshot%s", d,
		    m->mnew[k] ? " (new)" : "");
	} else {
		view__text(r, vx, y++, r->w, VA_DIM, "unknown");
	}
	static const char *const mnames[] = { "running", "spinning", "idle", "syscall" };
	const gs_snap_m *mp = NULL;
	for (int i = 0, on = prev_timed(m); on && i < m->prev_nm; i++)
		if (m->prev_m[i].id == id)
			mp = &m->prev_m[i];
	uint64_t mnow[] = { mm->running_ns, mm->spinning_ns, mm->idle_ns, mm->syscall_ns };
	uint64_t mwas[] = { mp ? mp->running_ns : 0, mp ? mp->spinning_ns : 0, mp ? mp->idle_ns : 0,
		mp ? mp->syscall_ns : 0 };
	const char *why = snap_timed(s) ? NULL : UNTIMED_OF(r);
	if (mm->state == GS_MSTATE_SYSMON)
		why = "not counted: sysmon is in none of an M's states";
	y = times_table(r, y, mnames, 4, mnow, mp ? mwas : NULL, why);
	y++;
	view__textf(r, 0, y, r->w, VA_NORMAL, " ");
	snprintf(t, sizeof t, "log lines about M%" PRId64, id);
	view__section(r, y++, 0, r->w, t);
	int rows = r->h - 1 - y;
	/* The newest that fit, oldest first: count back, then paint forward. */
	int first = m->log_len, found = 0;
	while (first > 0 && found < rows) {
		first--;
		if (mentions_m(view__log_line(m, first)->text, id))
			found++;
	}
	for (int i = first; i < m->log_len && y < r->h - 1; i++) {
		const view_logline *l = view__log_line(m, i);
		if (mentions_m(l->text, id))
			view__log_row(r, y++, 0, r->w, l);
	}
	if (found == 0)
		view__text(r, 1, y, r->w, VA_DIM, "(none in the log)");
}

/* ---- the whole log ------------------------------------------------------------------- */

int
view__log_page_rows(const view_state *v)
{
	int rows = v->height - 2 - (v->log_at != 0);
	return rows > 0 ? rows : 0;
}

int
view__log_place(const view_model *m, const view_state *v, int i)
{
	const view_gquery *f = view__log_query(v, NULL);
	int n = 0;

	if (f == NULL)
		return i < m->log_len ? i + 1 : m->log_len;
	for (int k = 0; k <= i && k < m->log_len; k++)
		n += view__log_shows(view__log_line(m, k), f);
	return n;
}

void
view__render_log(rc *r)
{
	const view_model *m = r->m;
	const view_state *v = r->v;
	int rows = view__log_page_rows(v), first, last;
	int shown = view__log_place(m, v, m->log_len - 1);
	const char *err;
	char t[160];

	view__log_paint(r, 1, rows, 0, r->w, true, &first, &last);
	if (view__log_query(v, &err) != NULL && err[0])
		snprintf(t, sizeof t, "event log: filter: %s (Esc clears it)", err);
	else if (view__log_query(v, NULL) != NULL)
		snprintf(t, sizeof t, "event log %d of %d matching \"%s\", showing %d-%d", shown,
		    m->log_len, v->log_query, first >= 0 ? view__log_place(m, v, first) : 0,
		    last >= 0 ? view__log_place(m, v, last) : 0);
	else
		snprintf(t, sizeof t, "event log: %d lines, showing %d-%d", shown,
		    first >= 0 ? view__log_place(m, v, first) : 0,
		    last >= 0 ? view__log_place(m, v, last) : 0);
	view__title_bar(r, t);
	view__footer(r);
	if (v->log_at != 0) {
		snprintf(t, sizeof t, "%" PRIu64 " new, End to follow", view_log_new(m, v));
		view__section(r, 1 + rows, 0, r->w, t);
	}
	if (m->log_len == 0)
		view__text(r, 1, 1, r->w, VA_DIM, "(no events yet)");
	else if (first < 0)
		view__text(r, 1, 1, r->w, VA_DIM,
		    "(no line matches the filter yet; Esc clears it)");
}
