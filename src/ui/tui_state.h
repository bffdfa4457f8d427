/*
 * tui_state.h - the inside of the visualizer's UI thread, shared by tui.c (the
 * loop), tui_options.c, tui_term.c (signals and the terminal), tui_lesson.c
 * and tui_keys.c.  Private to src/ui/tui*.c; the rest of the program sees only
 * tui.h.
 *
 * Ownership: struct tui and everything it points to belong to the UI thread.
 */
#ifndef GSCHED_TUI_STATE_H
#define GSCHED_TUI_STATE_H

#include <gsched.h>
#include <gsched/observe.h>

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <termios.h>

#include "format/record.h"
#include "lesson/lesson.h"
#include "live/session.h"
#include "live/ticker.h"
#include "ui/tui.h"
#include "ui/timeline.h"
#include "ui/tui_curses.h"
#include "ui/view.h"

/* ---- shared between tui.c and the tui_*.c files ---- */

#define PROCS_MAX 256
#define HZ_MIN 0.5
#define HZ_MAX 50.0
#define HZ_STEP 1.5
#define WAIT_MAX_MS 100              /* longest wait for a key: signal latency */
#define STATUS_NS 5000000000ULL      /* a status message shows this long */
#define GLIST_EVERY_NS 1000000000ULL /* goroutine list when not shown */
#define GLIST_MAX (1 << 20)
#define HISTORY_TICKS 600
#define LOG_LINES 1000
#define BATCH_LIFE_NS 10000000000LL /* spawned batches come and go */
#define SNAP_MAX_M 0                /* gs_snapshot_new: its default (256) */
#define SNAP_RUNQ 256               /* the whole queue: its kinds are counted exactly */

enum { QUIT_KEY = 1, QUIT_RUNTIME = 2 };

struct tui {
	tui_opts o;
	const tui_term *term;
	SCREEN *scr;
	session *sess;
	view_model *model;
	view_state v;
	view_screen screen;
	ticker *tk;              /* the tick loop: schedule, snapshot, events */
	const gs_snapshot *snap; /* the last tick's (the ticker's own) */
	uint64_t started_ns;     /* tui__now() when the loop began */
	gs_snap_ginfo *gl;
	int glcap;
	int gl_total;          /* goroutines at the last listing */
	bool gl_timed;         /* ... taken with accounting on throughout */
	uint64_t gl_last_ns;   /* when the list was last taken */
	uint64_t next_tick_ns; /* the next tick's deadline (tui__now()): the
	                          ticker's, which a key moves to ask for a tick
	                          now ('.') or a new rate; the loop hands the
	                          move on to the ticker */
	bool step;             /* '.': feed one tick although paused */
	bool dirty;            /* the screen needs rendering */
	int procs;             /* GOMAXPROCS as last seen or set */
	int quit;              /* 0 running, QUIT_KEY, QUIT_RUNTIME */
	int npbuf;             /* the '=' prompt's digits */
	char pbuf[4];
	char prompt[160]; /* the open prompt's line ('=' or '/') */
	int nfind;        /* the '/' prompt's bytes typed, -1 closed */
	char find[64];    /* ... and the text (UTF-8) */
	char find_for;    /* ... what it is for, a query (view_gquery) in
	                     the goroutine list: '/' to find, 'f' to filter
	                     by; in the event log: 'l' to find, 'L' to
	                     filter by */
	char found[64];   /* the last query found in the log (v.log_find) */
	char gfound[64];  /* the last query found in the goroutine list */
	char gfilter[64]; /* the list's filter (v.gfilter), "" none */
	char lfilter[64]; /* the log's filter (v.log_query), "" none */
	char status[192];
	uint64_t status_until;

	/* The lesson (tui_opts.lesson), or all NULL/0.  Its player is ticked
	 * with the snapshot the model got, on a clock that stands still while
	 * the view is paused. */
	lesson_player *player;
	lesson_output *lout;
	int lstate;           /* lesson_state of the last lesson tick, -1 before */
	int lpassed, lfailed; /* expectations so far */
	uint64_t lclock;      /* the lesson's clock (ns) */
	uint64_t llast;       /* snapshot time of the last lesson tick, 0 none */
	bool lgap;            /* ticks skipped (paused) since that one */
	char lcaption[1024];  /* the caption, copied out of the player */
	char lbar[320];       /* chapter, step, count, what it waits for */
	char lstatus[160];    /* the standing footer message (press n, done) */

	/* Recording what is shown (tui_record.c): format/record.c's record
	 * sink behind a gate that is always among the ticker's sinks, so a
	 * recording can begin and end between any two ticks. */
	uint64_t run_ns;       /* gs_nanotime() when the session had started */
	record_writer rec;     /* rec.f != NULL while a recording runs */
	tick_info rec_info;    /* its header */
	char rec_path[4096];   /* its file */
	bool rec_cmdline_done; /* tui_opts.record has been started (once) */
	int rec_lstate;        /* the lesson's state the gate saw last */
	int rec_nprompt;       /* the R prompt: -1 closed, else bytes typed */
	char rec_name[512];    /* ... and the name being typed */
	char rec_prompt[640];  /* ... as the footer shows it */
	bool rec_exiting;      /* the view ends: a recording finished now is
	                          told on the restored terminal */
	int rec_done_ticks;    /* the recording finished at exit: its ticks */
	char rec_done[4096];   /* ... and file, or "" */

	/* The rewind (tui_rewind.c): every tick fed to the model goes into tl
	 * as well.  at < 0: the view follows the newest tick (LIVE); else it
	 * shows tick `at`, rebuilt by tl unless it is the newest.  While live
	 * (not a replay) at >= 0 exactly when the view is paused. */
	timeline *tl;
	int64_t at;
	const view_model *shown; /* the model drawn last: what focus and scroll read */
	bool tl_failed;          /* a push failed: said once */
	char rbar[320];          /* the lesson bar of the tick shown, while paused */

	/* W (tui_save.c): the question before overwriting the config file. */
	bool save_ask;               /* open: the next key answers it */
	char save_path[4096];        /* the file */
	char save_prompt[4096 + 96]; /* ... as the footer shows it */

	/* A recording played in the visualizer (tui_opts.replay; tui_rewind.c):
	 * its ticks are all in tl, and `at` moves through them. */
	bool replay;
	bool playing;
	double speed;          /* x0.1 .. x16 */
	uint64_t play_ns;      /* between ticks at x1 */
	uint64_t play_next_ns; /* tui__now() of the next tick while playing */

	/* A Go program shown live (tui_opts.go; tui_go.c): its ticks go into
	 * the model and tl as a live run's do, the view on the newest unless
	 * paused or rewound. */
	struct goproc *go;
	int64_t clock_offset_ns; /* added to gs_nanotime() for notes: a Go
	                            program's ticks count from its own start
	                            (format/godebug.h's GODEBUG_START_NS) */
	char go_format[256];     /* the format recognised, and how the program
	                         ended (v.foreign, in the title) */
	char go_name[64];        /* the program, for messages */
	int go_ticks;            /* ticks fed */
	bool go_warned;          /* said that no trace line came */
	bool go_ended;           /* its end was said */
	int go_intr;             /* Ctrl-C presses sent on to it */
	char go_end[320];        /* how it ended, for the restored terminal */
	unsigned go_lacks;       /* what its ticks cannot say */
};

void tui__install_signals(void);
void tui__lesson_texts(struct tui *t, const lesson_output *out);
int tui__list_goroutines(struct tui *t);
void tui__no_terminal(const char *why);
const char *tui__no_terminal_reason(void);
/* A key's effect, into the event log. */
void tui__note(struct tui *t, view_attr attr, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
uint64_t tui__now(void);
/* A transient message in the status line: an error, or a hint. */
void tui__status(struct tui *t, bool error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
uint64_t tui__tick_period_ns(const struct tui *t);
void tui__draw(struct tui *t);
/* A key from curses (fkey: a KEY_ code), looked up in the key table. */
void tui__key(struct tui *t, int key, bool fkey);
/* One key typed at a prompt into a line (buf, of size bytes, *n of them
 * typed; code: a keys.h code): Backspace takes back a character, Ctrl-U the
 * whole line, a character goes in as UTF-8, other keys are ignored.
 * Returns 1 for Enter, -1 for Esc, else 0.  Every prompt's line editing. */
int tui__line_edit(char *buf, int *n, size_t size, int code);
void tui__lesson_step(struct tui *t, bool next);
/* The mouse (tui_mouse.c): reporting on unless --no-mouse, and a
 * KEY_MOUSE from curses done as what it is on. */
void tui__mouse_setup(const struct tui *t);
void tui__mouse(struct tui *t);
void tui__lesson_tick(struct tui *t);

/* Recording (tui_record.c).  The gate among the ticker's sinks: it writes
 * each tick while a recording runs, starts tui_opts.record at the first
 * begin, and finishes the recording when the run ends (q, a signal, the
 * runtime gone) or the lesson does. */
tick_sink tui__rec_sink(struct tui *t);
/* R: stop the recording, or open the prompt for a file name. */
void tui__rec_key(struct tui *t);
/* W: write the view's settings to the config file, asking first when it
 * exists. */
void tui__save_key(struct tui *t);
/* A key while W's question is open: true if it took it (y writes, any
 * other key cancels). */
bool tui__save_prompt_key(struct tui *t, int key);
/* A key (a keys.h code) while the R prompt is open: true if it took it. */
bool tui__rec_prompt_key(struct tui *t, int code);
/* Start recording into path (truncated).  0, or -1 with the status line
 * saying why. */
int tui__rec_start(struct tui *t, const char *path);
/* Finish the recording that runs (end line, close); why goes into the
 * status line and the log.  Nothing if none runs. */
void tui__rec_stop(struct tui *t, const char *why);

/* What the lesson bar says after its figures while the view is paused. */
#define TUI_LESSON_PAUSED "paused: the lesson waits too (space resumes)"

/* The rewind and the replay (tui_rewind.c). */
/* Keep a tick just fed to the model (before: the model's origin before it;
 * its goroutine list: gl, ng). */
void tui__rewind_push(struct tui *t, const tick_data *d, const view_origin *before,
    const gs_snap_ginfo *gl, int ng);
/* Step the view delta ticks (Left while live pauses first). */
void tui__rewind_step(struct tui *t, int64_t delta);
/* Home (oldest) or End (back to live; a replay's last tick). */
void tui__rewind_ends(struct tui *t, bool oldest);
/* The model to draw, and v as it is for the tick shown, into *v. */
const view_model *tui__rewind_view(struct tui *t, view_state *v);
/* A recording into the model and tl, before curses: 0, or the exit status
 * after reporting on stderr. */
int tui__replay_load(struct tui *t, const char *path);
void tui__replay_loop(struct tui *t);
void tui__replay_play(struct tui *t);
void tui__replay_speed(struct tui *t, bool faster);
/* What a key that changes the runtime says in a replay: true if refused. */
bool tui__replay_refuse(struct tui *t, const char *what);
/* A Go program (tui_go.c): run it under the view until quit.  0, or the
 * exit status after reporting on stderr (it could not start). */
int tui__go_start(struct tui *t);
void tui__go_loop(struct tui *t);
/* After the view ends: stop it, say how it ended on the restored terminal;
 * the exit status (0, or 1 when it gave no trace line). */
int tui__go_end(struct tui *t);
/* Ctrl-C as a key while a Go program runs: true if it was sent on to the
 * program (the first press), false to quit. */
bool tui__go_intr(struct tui *t);
/* A Go program's goroutine list to show (d's, with Go's own wait reason
 * text as the label where gsched has no name for the reason; in t->gl),
 * NULL when the tick has none. */
const gs_snap_ginfo *tui__go_glist(struct tui *t, const tick_data *d);
/* What the view says a Go program's ticks lack, from info. */
void tui__go_info(struct tui *t, const tick_info *info, const char *format);
/* Every loop's turn (live, replay, a Go program): true when the view
 * ends (quit, a stop signal, tui_term.seconds over); else Ctrl-Z and the
 * like are done (tui__poll_signals). */
bool tui__loop_done(struct tui *t, uint64_t now);
/* Signals and resizes between keys; a key read within ms. */
void tui__poll_signals(struct tui *t);
void tui__read_key(struct tui *t, int ms);

/* The signal flags and the terminal state, owned by tui_term.c: the handlers
 * write them, the loop reads them. */
extern volatile sig_atomic_t tui__sig_tstp; /* Ctrl-Z */
extern volatile sig_atomic_t tui__sig_cont; /* continued (after any stop) */
extern struct termios tui__saved_tio;       /* before curses started */
extern volatile sig_atomic_t tui__tio_saved;
extern int tui__tty_in_fd, tui__tty_out_fd;
extern volatile sig_atomic_t tui__in_curses;

#endif /* GSCHED_TUI_STATE_H */
