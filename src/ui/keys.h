/*
 * keys.h - the visualizer's one key table.  Each entry names its keys, where
 * they apply, what they do, their footer label and their help text; the
 * dispatcher (tui_keys.c), the help page and the footers (view_detail.c,
 * view_screen.c) and the KEYS section of gsched.1 (checked by
 * tests/check_keys.c) all read it, so they cannot disagree.  Adding a key is
 * adding an entry (and, if it needs new code, an action).
 *
 * Pure like the view model: no curses.  Keys that are no character get codes
 * of their own (KEYS_UP...), which tui_keys.c translates from curses.
 */
#ifndef GSCHED_KEYS_H
#define GSCHED_KEYS_H

#include <stdbool.h>
#include <stddef.h>

#include "ui/view.h"

/* A key's code: a character is its Unicode code point (control keys too:
 * Esc is 27, Ctrl-L 12); the other keys are numbered past Unicode. */
enum {
	KEYS_NONE = -1,
	KEYS_SPECIAL = 0x110000,
	KEYS_UP = KEYS_SPECIAL,
	KEYS_DOWN,
	KEYS_LEFT,
	KEYS_RIGHT,
	KEYS_PGUP,
	KEYS_PGDN,
	KEYS_HOME,
	KEYS_END,
	KEYS_BTAB,  /* Shift-Tab */
	KEYS_ENTER, /* the keypad's Enter (Return is '\r' or '\n') */
	KEYS_BACKSPACE,
	KEYS_RESIZE, /* not a key: the terminal changed size */
	KEYS_SLEFT,  /* Shift-Left */
	KEYS_SRIGHT, /* Shift-Right */
	KEYS_F0      /* KEYS_F(n) is function key n */
};
#define KEYS_F(n) (KEYS_F0 + (n))
#define KEYS_F_MAX 24

/*
 * Contexts, as bits: the views (one bit per view_mode) in which an entry's
 * keys do its action, and KEYS_IN_LESSON for entries that apply only while a
 * lesson plays (KEYS_IN_REPLAY: a recording).  The first entry whose keys and
 * context match a key wins, so
 * an entry for a narrower context comes before a wider one it overrides.
 */
#define KEYS_IN(mode) (1u << (mode))
#define KEYS_IN_MAIN KEYS_IN(VIEW_MAIN)
#define KEYS_IN_HELP KEYS_IN(VIEW_HELP)
#define KEYS_IN_PDETAIL KEYS_IN(VIEW_PDETAIL)
#define KEYS_IN_MDETAIL KEYS_IN(VIEW_MDETAIL)
#define KEYS_IN_GLIST KEYS_IN(VIEW_GLIST)
#define KEYS_IN_LOG KEYS_IN(VIEW_LOG)
#define KEYS_IN_GDETAIL KEYS_IN(VIEW_GDETAIL)
#define KEYS_IN_DETAIL (KEYS_IN_PDETAIL | KEYS_IN_MDETAIL)
#define KEYS_IN_PAGES                                                                              \
	(KEYS_IN_HELP | KEYS_IN_DETAIL | KEYS_IN_GLIST | KEYS_IN_LOG | KEYS_IN_GDETAIL)
#define KEYS_IN_VIEWS (KEYS_IN_MAIN | KEYS_IN_PAGES)
#define KEYS_IN_LESSON (1u << 8)
/* Entries that apply only while a recording is played (gsched --replay). */
#define KEYS_IN_REPLAY (1u << 9)
/* Entries that apply only while a foreign program is shown (gsched go):
 * its scheduler runs in another process, out of the keys' reach. */
#define KEYS_IN_FOREIGN (1u << 10)
/* The bits an entry needs the context to have as well (a lesson, a replay,
 * a foreign program). */
#define KEYS_ONLY (KEYS_IN_LESSON | KEYS_IN_REPLAY | KEYS_IN_FOREIGN)

/* What a key does; tui_keys.c does it (a switch without default: the
 * compiler names an action it leaves out). */
typedef enum keys_action {
	KEYS_DO_HELP = 0,   /* open or close the help page */
	KEYS_DO_QUIT,       /* end the program */
	KEYS_DO_CLOSE,      /* back to the main view, or clear the message */
	KEYS_DO_PAUSE,      /* freeze or thaw the view */
	KEYS_DO_STEP,       /* one tick while paused */
	KEYS_DO_LESSON,     /* lesson step: first key next, second previous */
	KEYS_DO_WORLD,      /* stop or start the world */
	KEYS_DO_PROCS_STEP, /* GOMAXPROCS: first key +1, second -1 */
	KEYS_DO_PROCS_SET,  /* GOMAXPROCS from a digit, 0 for 10 */
	KEYS_DO_PROMPT,     /* the '=' prompt: typed text, until Enter or Esc */
	KEYS_DO_SORT,       /* the goroutine list's next sort column */
	KEYS_DO_SORT_REV,   /* ... the sort reversed */
	KEYS_DO_GPAGE,      /* ... the page of the goroutine under the cursor */
	KEYS_DO_GFIND,      /* ... its prompt: first key find, second filter */
	KEYS_DO_GAGAIN,     /* ... the query found: first key next, second previous */
	KEYS_DO_SPAWN,      /* the batch of the key's kind (c s b n) */
	KEYS_DO_SPAWN10,    /* the same, ten times as many */
	KEYS_DO_RATE,       /* tick rate: even keys ([ F4) slower, odd faster */
	KEYS_DO_GLIST,      /* open or close the goroutine list */
	KEYS_DO_LOG,        /* open or close the event log */
	KEYS_DO_DETAIL,     /* open or close P detail (first key) or M detail */
	KEYS_DO_RECORD,     /* start recording (a prompt names the file) or stop */
	KEYS_DO_FOCUS,      /* detail: the next P or M (previous for Shift-Tab, Left, Up) */
	KEYS_DO_SCROLL,     /* a line up (even key names: Up, k) or down */
	KEYS_DO_PAGE,       /* a page up (first key) or down */
	KEYS_DO_ENDS,       /* to the top (first key) or the bottom */
	KEYS_DO_LOG_FILTER, /* the event log's next filter */
	KEYS_DO_LOG_FIND,   /* the '/' prompt: text to find in the event log */
	KEYS_DO_LOG_AGAIN,  /* the text found: first key older, second newer */
	KEYS_DO_LOG_HOLD,   /* main view: first key a line back, second follow */
	KEYS_DO_REDRAW,     /* paint the whole screen again */
	KEYS_DO_RESIZE,     /* take the terminal's new size */
	KEYS_DO_REWIND,     /* one tick back (Left, ',') or forward (Right) */
	KEYS_DO_REWIND10,   /* ten ticks back (Shift-Left, '<') or forward */
	KEYS_DO_REWIND_END, /* the oldest tick kept (first key), or back to live */
	KEYS_DO_PLAY,       /* a replay: play or pause */
	KEYS_DO_SPEED,      /* a replay: even keys slower, odd faster */
	KEYS_DO_SAVE,       /* write the view's settings to the config file */
	KEYS_DO_FOREIGN,    /* a key that changes the scheduler, for a foreign
	                       program: says why it cannot */
	KEYS_NACTIONS
} keys_action;

/* One entry of the table. */
typedef struct keys_entry {
	const char *keys;   /* key names, space-separated (see keys_name_codes);
	                       the help page and gsched.1 show them as written */
	unsigned ctx;       /* where they do the action: KEYS_IN_* */
	unsigned footer;    /* views whose footer shows them (within ctx), or 0 */
	const char *label;  /* the footer's word for them, or NULL */
	const char *help;   /* the help page's text, also the first words of its
	                       item in gsched.1; NULL for events no person types
	                       (listed nowhere, and the status message stays) */
	keys_action action; /* told which of the entry's key names was pressed */
} keys_entry;

extern const keys_entry keys_table[];
extern const int keys_count;

/* The context bits of a view mode, with or without a lesson playing. */
unsigned keys_ctx(view_mode mode, bool lesson);
/* The context of what v shows: keys_ctx of its mode and lesson, with
 * KEYS_IN_REPLAY for a recording and KEYS_IN_FOREIGN for a foreign
 * program.  The dispatcher and the footers ask it alike. */
unsigned keys_view_ctx(const view_state *v);
/* Whether e applies in ctx (a value of keys_ctx). */
bool keys_applies(const keys_entry *e, unsigned ctx);
/* The entry a key code does in ctx, or NULL; *which: the index of the key
 * name (in e->keys) that the code belongs to. */
const keys_entry *keys_lookup(int code, unsigned ctx, int *which);
/*
 * The codes one key name stands for, into codes[max]; returns how many
 * (more than max if they did not all fit), 0 for no known name.  A single
 * character is itself; "a-z" a range; also space, Tab, Shift-Tab, Esc,
 * Enter, Backspace, Up, Down, Left, Right, arrows (all four), Shift-Left,
 * Shift-Right, PgUp, PgDn, Home, End, F1..F24, Ctrl-A..Ctrl-Z, Resize.
 */
int keys_name_codes(const char *name, size_t len, int *codes, int max);
/* The n-th key name of e->keys: its start, and its length in *len; NULL
 * past the last. */
const char *keys_name_at(const keys_entry *e, int n, size_t *len);
/* e's key names that do its action in ctx (the others are taken by an
 * earlier entry there), space-separated, into buf; returns the length.
 * short_form: only its one-character names, when it has any. */
size_t keys_live_names(const keys_entry *e, unsigned ctx, bool short_form, char *buf, size_t size);

#endif /* GSCHED_KEYS_H */
