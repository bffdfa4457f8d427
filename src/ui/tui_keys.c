/*
 * tui_keys.c - what each key does in the visualizer: the dispatcher that
 * looks a key up in the key table (keys.c) and does its keys_action.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gsched.h>
#include <gsched/observe.h>

#include <errno.h>
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "lesson/lesson.h"
#include "format/parse.h"
#include "live/session.h"
#include "ui/keys.h"
#include "ui/paint.h"
#include "ui/tui.h"
#include "ui/tui_state.h"
#include "ui/tui_curses.h"
#include "ui/view.h"

/* ---- keys -------------------------------------------------------------------- */

/* The model on screen: the live one, or the past's (tui_rewind.c). */
static const view_model *
shown(const struct tui *t)
{
	return t->shown != NULL ? t->shown : t->model;
}

static void
set_procs(struct tui *t, int n)
{
	int old;

	if (n < 1 || n > PROCS_MAX) {
		tui__status(t, true, "GOMAXPROCS must be from 1 to %d", PROCS_MAX);
		return;
	}
	old = session_set_procs(t->sess, n);
	if (old == GS_EBUSY) {
		tui__status(t, true,
		    "GOMAXPROCS cannot change while the world is stopped (w "
		    "starts it)");
	} else if (old < 0) {
		tui__status(t, true, "GOMAXPROCS %d: %s", n, gs_strerror(old));
	} else {
		t->procs = n;
		tui__note(t, VA_BOLD, "GOMAXPROCS %d -> %d", old, n);
	}
}

/* The batches, in the order of their keys in the table ("c s b n"). */
static const struct {
	const char *kind;
	int count;
	const char *unit;
} spawn_keys[] = {
	{ "cpu", 4, "goroutines" },
	{ "sleep", 50, "goroutines" },
	{ "syscall", 8, "goroutines" },
	{ "netwait", 20, "reader/writer pairs" },
};

/* Batch kind `which` (its key's place in "c s b n"), mult times as many. */
static void
spawn(struct tui *t, int which, int mult)
{
	if (which < 0 || which >= (int)(sizeof spawn_keys / sizeof spawn_keys[0]))
		return;
	/* in slow motion a batch lives the same real-speed time: its work and
	 * waits are stretched, so its life is too */
	int slow = t->v.slow > 1 ? t->v.slow : 1;
	session_batch b = { spawn_keys[which].kind, spawn_keys[which].count * mult,
		BATCH_LIFE_NS * slow, NULL, 0 };
	int rc = session_spawn(t->sess, &b);
	if (rc == GS_EAGAIN)
		tui__status(t, true, "too many batches waiting to start; try again in a moment");
	else if (rc < 0)
		tui__status(t, true, "spawn %s: %s", b.kind, gs_strerror(rc));
	else if (slow > 1)
		tui__note(t, VA_BOLD, "spawned %d %s %s (for %d s (x%d slow: %d s real-speed))",
		    b.count, b.kind, spawn_keys[which].unit,
		    (int)(BATCH_LIFE_NS * slow / 1000000000), slow,
		    (int)(BATCH_LIFE_NS / 1000000000));
	else
		tui__note(t, VA_BOLD, "spawned %d %s %s (for %d s)", b.count, b.kind,
		    spawn_keys[which].unit, (int)(BATCH_LIFE_NS / 1000000000));
}

static void
toggle_world(struct tui *t)
{
	int rc;

	if (!t->v.world_stopped) {
		rc = session_stop_world(t->sess);
		if (rc == 0) {
			t->v.world_stopped = true;
			tui__note(t, VA_BOLD,
			    "world stopped: no goroutine runs (w "
			    "starts it)");
		} else {
			tui__status(t, true, "stop the world: %s", gs_strerror(rc));
		}
	} else {
		rc = session_start_world(t->sess);
		if (rc == 0) {
			t->v.world_stopped = false;
			tui__note(t, VA_BOLD, "world started again");
		} else {
			tui__status(t, true, "start the world: %s", gs_strerror(rc));
		}
	}
}

static void
change_rate(struct tui *t, bool faster)
{
	double old = t->v.tick_hz, hz = faster ? old * HZ_STEP : old / HZ_STEP;

	if (hz > HZ_MAX)
		hz = HZ_MAX;
	if (hz < HZ_MIN)
		hz = old < HZ_MIN ? old : HZ_MIN;
	if (hz == old) {
		tui__status(t, false,
		    "the tick rate is already at its %s (%.3g a "
		    "second)",
		    faster ? "fastest" : "slowest", old);
		return;
	}
	t->v.tick_hz = hz;
	t->next_tick_ns = tui__now() + tui__tick_period_ns(t);
	tui__note(t, VA_NORMAL, "tick rate %.3g -> %.3g a second", old, hz);
}

/* Tab and arrows in the detail views: the next or previous P or M. */
static void
cycle_focus(struct tui *t, int dir)
{
	const gs_snapshot *s = view_model_snapshot(shown(t));

	if (s == NULL)
		return;
	if (t->v.mode == VIEW_PDETAIL && s->np > 0) {
		t->v.focus_p = ((t->v.focus_p + dir) % s->np + s->np) % s->np;
	} else if (t->v.mode == VIEW_MDETAIL && s->nm > 0) {
		int i = 0;
		while (i < s->nm && s->m[i].id != t->v.focus_m)
			i++;
		if (i == s->nm)
			i = dir > 0 ? -1 : 0;
		i = ((i + dir) % s->nm + s->nm) % s->nm;
		t->v.focus_m = s->m[i].id;
	}
}

static void
open_mode(struct tui *t, view_mode mode)
{
	const gs_snapshot *s = view_model_snapshot(shown(t));

	if (t->v.mode == mode) {
		t->v.mode = VIEW_MAIN;
		return;
	}
	t->v.mode = mode;
	t->v.scroll = 0;
	if (mode == VIEW_PDETAIL && s != NULL && (t->v.focus_p >= s->np || t->v.focus_p < 0))
		t->v.focus_p = 0;
	if (mode == VIEW_MDETAIL && s != NULL && s->nm > 0) {
		int i = 0;
		while (i < s->nm && s->m[i].id != t->v.focus_m)
			i++;
		if (i == s->nm)
			t->v.focus_m = s->m[0].id;
	}
	if (mode == VIEW_GLIST)
		t->gl_last_ns = 0; /* list them at the next tick */
}

/* Scrolling the help, the lists and the log, within what the view can show.
 * The log has a place of its own (view_log_move): it follows the newest line
 * until moved back, and then holds still while lines come in. */
static void
scroll_by(struct tui *t, int d)
{
	if (t->v.mode == VIEW_LOG) {
		view_log_move(shown(t), &t->v,
		    d == -1      ? VIEW_LOG_UP
			: d == 1 ? VIEW_LOG_DOWN
			: d < 0  ? VIEW_LOG_PAGE_UP
				 : VIEW_LOG_PAGE_DOWN);
		return;
	}
	if (t->v.mode == VIEW_GLIST) { /* the cursor moves; the list follows it */
		view_glist_move(shown(t), &t->v, d);
		return;
	}
	int max = view_scroll_max(shown(t), &t->v);
	long s = (long)(t->v.scroll < max ? t->v.scroll : max) + d;

	if (s < 0)
		s = 0;
	if (s >= max)
		s = t->v.mode == VIEW_LOG ? INT_MAX : max;
	t->v.scroll = (int)s;
}

/* The '=' prompt owns the keyboard until Enter or Esc. */
static void
prompt_key(struct tui *t, int key)
{
	if (key >= '0' && key <= '9') {
		if (t->npbuf < 3)
			t->pbuf[t->npbuf++] = (char)key;
	} else if (key == KEY_BACKSPACE || key == 127 || key == 8) {
		if (t->npbuf > 0)
			t->npbuf--;
	} else if (key == '\n' || key == '\r' || key == KEY_ENTER) {
		int n = 0;
		t->pbuf[t->npbuf] = '\0';
		t->prompt[0] = '\0';
		if (t->npbuf == 0 || !parse_int(t->pbuf, 1, PROCS_MAX, &n))
			tui__status(t, true, "GOMAXPROCS: '%s' is not a number from 1 to %d",
			    t->pbuf, PROCS_MAX);
		else
			set_procs(t, n);
		t->npbuf = -1;
		return;
	} else if (key == 27) {
		t->prompt[0] = '\0';
		t->npbuf = -1;
		return;
	}
	t->pbuf[t->npbuf] = '\0';
	snprintf(t->prompt, sizeof t->prompt, "GOMAXPROCS (1-%d, Enter sets, Esc cancels): %s_",
	    PROCS_MAX, t->pbuf);
}

/* ---- finding and filtering in the event log ---- */

/* The next line the query found matches, older (dir -1) or newer (+1). */
static void
find_again(struct tui *t, int dir)
{
	if (t->found[0] == '\0') {
		tui__status(t, false, "nothing to find again yet: / finds lines in the event log");
		return;
	}
	t->v.log_find = t->found;
	if (!view_log_find(shown(t), &t->v, t->found, dir))
		tui__status(t, false, "no %s line matches '%s'%s", dir < 0 ? "older" : "newer",
		    t->found, dir > 0 && t->v.log_at == 0 ? " (the log shows the newest)" : "");
}

/* The next goroutine whose query was found, below (dir +1) or above (-1). */
static void
gfind_again(struct tui *t, int dir)
{
	if (t->gfound[0] == '\0') {
		tui__status(t, false, "nothing to find again yet: / finds goroutines in the list");
		return;
	}
	if (!view_glist_find(shown(t), &t->v, t->gfound, dir))
		tui__status(t, false, "no goroutine matches '%s'", t->gfound);
}

/* The prompt's line. */
static void
find_prompt(struct tui *t)
{
	t->find[t->nfind] = '\0';
	if (t->find_for == 'f')
		snprintf(t->prompt, sizeof t->prompt,
		    "filter: %s_  (state: kind: label: p: m: id: or text; Enter, Esc)", t->find);
	else if (t->find_for == 'L')
		snprintf(t->prompt, sizeof t->prompt,
		    "filter: %s_  (is:steal p: m: id: label: or text; Enter, Esc)", t->find);
	else if (t->find_for == '/')
		snprintf(t->prompt, sizeof t->prompt,
		    "/%s_  (state: kind: label: p: m: id: or text; Enter, Esc)", t->find);
	else if (t->nfind == 0 && t->found[0])
		snprintf(t->prompt, sizeof t->prompt,
		    "/_  (Enter: the next older line matching '%s'; Esc cancels)", t->found);
	else
		snprintf(t->prompt, sizeof t->prompt,
		    "/%s_  (is:steal p: m: id: label: or text; Enter: the newest; Esc)", t->find);
}

int
tui__line_edit(char *buf, int *n, size_t size, int code)
{
	if (code == '\r' || code == '\n' || code == KEYS_ENTER)
		return 1;
	if (code == 27)
		return -1;
	if (code == 127 || code == 8 || code == KEYS_BACKSPACE) {
		while (*n > 0 && ((unsigned char)buf[*n - 1] & 0xc0) == 0x80)
			(*n)--;
		if (*n > 0)
			(*n)--;
	} else if (code == 21) { /* Ctrl-U */
		*n = 0;
	} else if (code >= 0x20 && code != 0x7f && code < KEYS_SPECIAL) {
		static const unsigned char lead[5] = { 0, 0, 0xc0, 0xe0, 0xf0 };
		char u[4];
		int k = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
		for (int i = k - 1; i > 0; i--, code >>= 6)
			u[i] = (char)(0x80 | (code & 0x3f));
		u[0] = (char)(lead[k] | code);
		if (*n + k < (int)size) {
			memcpy(buf + *n, u, (size_t)k);
			*n += k;
		}
	}
	buf[*n] = '\0';
	return 0;
}

/* Enter at a query's prompt (see tui.find_for): find or filter by the
 * query, in the goroutine list or the event log. */
static void
query_enter(struct tui *t)
{
	bool log = t->find_for == 'l' || t->find_for == 'L';
	view_gquery q;
	char err[128];

	if (view_gquery_parse(t->find, &q, err, sizeof err) != 0) {
		tui__status(t, true, "%s", err);
		return;
	}
	if (t->find_for == 'f' || t->find_for == 'L') {
		char *keep = log ? t->lfilter : t->gfilter;
		snprintf(keep, sizeof t->find, "%s", t->find);
		if (log) {
			t->v.log_query = keep[0] ? keep : NULL;
		} else {
			t->v.gfilter = keep[0] ? keep : NULL;
			view_glist_sync(shown(t), &t->v);
		}
		return;
	}
	if (q.n == 0) { /* Enter alone: again */
		if (log)
			find_again(t, -1);
		else
			gfind_again(t, 1);
		return;
	}
	if (log) {
		snprintf(t->found, sizeof t->found, "%s", t->find);
		t->v.log_find = t->found;
		if (!view_log_find(shown(t), &t->v, t->found, 0))
			tui__status(t, true, "no line of the log %smatches '%s'",
			    t->v.log_query != NULL ? "the filter shows " : "", t->found);
		return;
	}
	snprintf(t->gfound, sizeof t->gfound, "%s", t->find);
	if (!view_glist_find(shown(t), &t->v, t->gfound, 0))
		tui__status(t, true, "no goroutine %smatches '%s'",
		    t->v.gfilter != NULL ? "the filter shows " : "", t->gfound);
}

/* The '/' and 'f' prompts own the keyboard until Enter or Esc; code: a
 * keys.h code. */
static void
find_key(struct tui *t, int code)
{
	int done = tui__line_edit(t->find, &t->nfind, sizeof t->find, code);

	if (done == 0) {
		find_prompt(t);
		return;
	}
	t->prompt[0] = '\0';
	t->nfind = -1;
	if (done > 0)
		query_enter(t);
	else if (t->find_for == 'l')
		t->v.log_find = NULL; /* the highlight goes; Ctrl-P brings it back */
}

/* Open the '/' or 'f' prompt, for `what` (see tui.find_for). */
static void
find_open(struct tui *t, char what)
{
	t->find_for = what;
	t->nfind = 0;
	find_prompt(t);
}

/* What an entry of the key table does.  which: the place of the pressed
 * key's name in the entry (keys.h says what first and second mean); code:
 * the key.  No default case, so the compiler names an action left out. */
static void
act(struct tui *t, keys_action action, int which, int code)
{
	int page = t->v.height > 6 ? t->v.height - 4 : 1;

	switch (action) {
	case KEYS_DO_HELP:
		open_mode(t, VIEW_HELP);
		break;
	case KEYS_DO_QUIT:
		t->quit = QUIT_KEY;
		break;
	case KEYS_DO_CLOSE:
		if (t->v.mode == VIEW_GDETAIL) {
			t->v.mode = VIEW_GLIST; /* the cursor is where it was */
		} else if (t->v.mode == VIEW_GLIST && t->v.gfilter != NULL) {
			t->v.gfilter = NULL;
			t->gfilter[0] = '\0';
			view_glist_sync(shown(t), &t->v);
		} else if ((t->v.mode == VIEW_LOG || t->v.mode == VIEW_MAIN) &&
		    t->v.log_query != NULL) {
			t->v.log_query = NULL;
			t->lfilter[0] = '\0';
			t->v.status = NULL;
		} else if (t->v.mode != VIEW_MAIN)
			t->v.mode = VIEW_MAIN;
		else
			t->v.status = NULL;
		break;
	case KEYS_DO_PAUSE:
		if (t->v.paused) {
			tui__rewind_ends(t, false); /* back to live */
		} else {
			/* a tick now is the one paused at: what is on screen,
			 * the log lines of the keys just pressed with it */
			t->v.paused = true;
			t->step = true;
			t->next_tick_ns = tui__now();
		}
		if (t->player != NULL && t->lstate >= 0)
			tui__lesson_texts(t, t->lout); /* says the lesson is paused too */
		break;
	case KEYS_DO_STEP:
		if (!t->v.paused) {
			tui__status(t, false, "'.' steps one tick while paused (space pauses)");
		} else if (t->replay || (t->at >= 0 && t->at < timeline_last(t->tl))) {
			tui__rewind_step(t, 1); /* a tick of the past */
		} else {
			t->step = true; /* the newest: take the next one now */
			t->next_tick_ns = tui__now();
		}
		break;
	case KEYS_DO_LESSON:
		tui__lesson_step(t, which == 0);
		break;
	case KEYS_DO_WORLD:
		if (!tui__replay_refuse(t, "stopping the world"))
			toggle_world(t);
		break;
	case KEYS_DO_PROCS_STEP:
		if (!tui__replay_refuse(t, "GOMAXPROCS"))
			set_procs(t, t->procs + (which == 0 ? 1 : -1));
		break;
	case KEYS_DO_PROCS_SET:
		if (!tui__replay_refuse(t, "GOMAXPROCS"))
			set_procs(t, code == '0' ? 10 : code - '0');
		break;
	case KEYS_DO_PROMPT:
		if (tui__replay_refuse(t, "GOMAXPROCS"))
			break;
		t->npbuf = 0;
		prompt_key(t, 0);
		break;
	case KEYS_DO_SORT:
		t->v.gsort = (view_gcol)((t->v.gsort + 1) % VIEW_GCOL_N);
		view_glist_sync(shown(t), &t->v);
		break;
	case KEYS_DO_SORT_REV:
		t->v.grev = !t->v.grev;
		view_glist_sync(shown(t), &t->v);
		break;
	case KEYS_DO_GPAGE:
		view_glist_sync(shown(t), &t->v);
		if (t->v.gcur != 0) {
			t->v.focus_g = t->v.gcur;
			t->v.mode = VIEW_GDETAIL;
		}
		break;
	case KEYS_DO_GFIND:
		find_open(t, which == 0 ? '/' : 'f');
		break;
	case KEYS_DO_GAGAIN:
		gfind_again(t, which == 0 ? 1 : -1);
		break;
	case KEYS_DO_SPAWN:
	case KEYS_DO_SPAWN10:
		if (!tui__replay_refuse(t, "spawning goroutines"))
			spawn(t, which, action == KEYS_DO_SPAWN ? 1 : 10);
		break;
	case KEYS_DO_RATE:
		if (t->go != NULL)
			tui__status(t, false,
			    "the ticks come at the program's pace: gsched go -i MS sets it");
		else
			change_rate(t, which % 2 != 0);
		break;
	case KEYS_DO_GLIST:
		if (t->replay && t->v.mode != VIEW_GLIST && t->v.foreign == NULL)
			tui__status(t, false, "a recording has no goroutine list");
		open_mode(t, VIEW_GLIST);
		break;
	case KEYS_DO_LOG:
		open_mode(t, VIEW_LOG);
		break;
	case KEYS_DO_DETAIL:
		open_mode(t, which == 0 ? VIEW_PDETAIL : VIEW_MDETAIL);
		break;
	case KEYS_DO_RECORD:
		if (t->v.foreign != NULL)
			tui__status(t, true,
			    "R records gsched's own runs; a Go program's trace is its standard "
			    "error (GODEBUG=schedtrace=100,scheddetail=1 prog 2>FILE, then gsched "
			    "go --from FILE)");
		else if (t->replay) /* its ticks are on file already */
			tui__status(t, true, "a recording is played: R records a live run");
		else
			tui__rec_key(t);
		break;
	case KEYS_DO_SAVE:
		tui__save_key(t);
		break;
	case KEYS_DO_FOCUS:
		cycle_focus(t, code == KEYS_BTAB || code == KEYS_LEFT || code == KEYS_UP ? -1 : 1);
		break;
	case KEYS_DO_SCROLL:
		scroll_by(t, which % 2 == 0 ? -1 : 1); /* Up, k: up */
		break;
	case KEYS_DO_PAGE:
		scroll_by(t, which == 0 ? -page : page);
		break;
	case KEYS_DO_ENDS:
		if (t->v.mode == VIEW_LOG)
			view_log_move(shown(t), &t->v, which == 0 ? VIEW_LOG_TOP : VIEW_LOG_FOLLOW);
		else if (t->v.mode == VIEW_GLIST)
			view_glist_move(shown(t), &t->v, which == 0 ? INT_MIN / 2 : INT_MAX / 2);
		else if (which == 0)
			t->v.scroll = 0;
		else
			scroll_by(t, 1 << 30);
		break;
	case KEYS_DO_LOG_FILTER:
		find_open(t, 'L');
		break;
	case KEYS_DO_LOG_FIND:
		if (t->v.mode != VIEW_LOG)
			open_mode(t, VIEW_LOG); /* the page shows what is found */
		find_open(t, 'l');
		break;
	case KEYS_DO_LOG_AGAIN:
		find_again(t, which == 0 ? -1 : 1);
		break;
	case KEYS_DO_LOG_HOLD:
		view_log_move(shown(t), &t->v, which == 0 ? VIEW_LOG_UP : VIEW_LOG_FOLLOW);
		break;
	case KEYS_DO_REDRAW:
		clearok(curscr, TRUE);
		paint_invalidate();
		break;
	case KEYS_DO_RESIZE:
		paint_invalidate(); /* tui__draw reads the new size */
		break;
	case KEYS_DO_REWIND:
		tui__rewind_step(t, code == KEYS_RIGHT ? 1 : -1);
		break;
	case KEYS_DO_REWIND10:
		tui__rewind_step(t, code == KEYS_SRIGHT || code == '>' ? 10 : -10);
		break;
	case KEYS_DO_REWIND_END:
		tui__rewind_ends(t, which == 0);
		break;
	case KEYS_DO_PLAY:
		tui__replay_play(t);
		break;
	case KEYS_DO_SPEED:
		tui__replay_speed(t, which % 2 != 0);
		break;
	case KEYS_DO_FOREIGN:
		tui__replay_refuse(t,
		    code == 'w' || code == KEYS_F(8) ? "stopping the world"
			: code == '+' || code == '-' ? "GOMAXPROCS"
						     : "spawning goroutines");
		break;
	case KEYS_NACTIONS:
		break;
	}
}

/* A curses key as a keys.h code (characters are their own). */
static int
key_code(int key, bool fkey)
{
	static const struct {
		int curses, code;
	} fkeys[] = {
		{ KEY_UP, KEYS_UP },
		{ KEY_DOWN, KEYS_DOWN },
		{ KEY_LEFT, KEYS_LEFT },
		{ KEY_RIGHT, KEYS_RIGHT },
		{ KEY_PPAGE, KEYS_PGUP },
		{ KEY_NPAGE, KEYS_PGDN },
		{ KEY_HOME, KEYS_HOME },
		{ KEY_END, KEYS_END },
		{ KEY_BTAB, KEYS_BTAB },
		{ KEY_ENTER, KEYS_ENTER },
		{ KEY_BACKSPACE, KEYS_BACKSPACE },
		{ KEY_RESIZE, KEYS_RESIZE },
		{ KEY_SLEFT, KEYS_SLEFT },
		{ KEY_SRIGHT, KEYS_SRIGHT },
	};

	if (!fkey)
		return key;
	if (key >= KEY_F(1) && key <= KEY_F(KEYS_F_MAX))
		return KEYS_F(key - KEY_F0);
	for (size_t i = 0; i < sizeof fkeys / sizeof fkeys[0]; i++)
		if (key == fkeys[i].curses)
			return fkeys[i].code;
	return KEYS_NONE;
}

/* Every key goes through the table (keys.c), but while the '=' or the '/'
 * prompt is open it owns the keyboard: typed text is no table's business. */
void
tui__key(struct tui *t, int key, bool fkey)
{
	/* t->v is the view's state but for the tick shown, which drawing sets
	 * (tui__rewind_view): whether a recording plays is t's own */
	unsigned ctx = keys_view_ctx(&t->v) | (t->replay ? KEYS_IN_REPLAY : 0);
	const keys_entry *e;
	int which = 0, code = key_code(key, fkey);

	t->dirty = true;
	e = keys_lookup(code, ctx, &which);
	if (e != NULL && e->help == NULL) { /* an event, not a key someone typed */
		act(t, e->action, which, code);
		return;
	}
	/* a message lasts until it expires or the next key, which may bring
	 * its own */
	t->v.status = NULL;
	/* Ctrl-C (a key while a Go program runs: tui.c): to the program first */
	if (code == 3 && tui__go_intr(t))
		return;
	if (tui__save_prompt_key(t, key))
		return;
	if (tui__rec_prompt_key(t, code))
		return;
	if (t->npbuf >= 0) {
		prompt_key(t, key);
		return;
	}
	if (t->nfind >= 0) {
		find_key(t, code);
		return;
	}
	if (e != NULL)
		act(t, e->action, which, code);
}
