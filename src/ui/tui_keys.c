/*
 * tui_keys.c - what each key does in the visualizer.
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

#include "cmd/batch.h"
#include "lesson/lesson.h"
#include "format/parse.h"
#include "live/session.h"
#include "ui/paint.h"
#include "ui/tui.h"
#include "ui/tui_state.h"
#include "ui/tui_curses.h"
#include "ui/view.h"

/* ---- keys -------------------------------------------------------------------- */

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

/* The batch keys: c s b n (and shifted, ten times as many). */
static const struct {
	int key;
	const char *kind;
	int count;
	const char *unit;
} spawn_keys[] = {
	{ 'c', "cpu", 4, "goroutines" },
	{ 's', "sleep", 50, "goroutines" },
	{ 'b', "syscall", 8, "goroutines" },
	{ 'n', "netwait", 20, "reader/writer pairs" },
};

static bool
spawn_key(struct tui *t, int key)
{
	for (size_t i = 0; i < sizeof spawn_keys / sizeof spawn_keys[0]; i++) {
		int mult = 0;

		if (key == spawn_keys[i].key)
			mult = 1;
		else if (key == spawn_keys[i].key - 'a' + 'A')
			mult = 10;
		if (mult == 0)
			continue;
		session_batch b = { spawn_keys[i].kind, spawn_keys[i].count * mult, BATCH_LIFE_NS,
			NULL, 0 };
		int rc = session_spawn(t->sess, &b);
		if (rc == GS_EAGAIN)
			tui__status(t, true,
			    "too many batches waiting to start; try "
			    "again in a moment");
		else if (rc < 0)
			tui__status(t, true, "spawn %s: %s", b.kind, gs_strerror(rc));
		else
			tui__note(t, VA_BOLD, "spawned %d %s %s (for %d s)", b.count, b.kind,
			    spawn_keys[i].unit, (int)(BATCH_LIFE_NS / 1000000000));
		return true;
	}
	return false;
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
	const gs_snapshot *s = view_model_snapshot(t->model);

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
	const gs_snapshot *s = view_model_snapshot(t->model);

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
	if (mode == VIEW_LOG)
		t->v.scroll = INT_MAX; /* the newest lines */
}

/* Scrolling the help, the lists and the log, within what the view can show.
 * The log follows its tail (a scroll past the end) until scrolled up. */
static void
scroll_by(struct tui *t, int d)
{
	int max = view_scroll_max(t->model, &t->v);
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

void
tui__key(struct tui *t, int key, bool fkey)
{
	int page = t->v.height > 6 ? t->v.height - 4 : 1;

	t->dirty = true;
	if (fkey && key == KEY_RESIZE) {
		paint_invalidate(); /* tui_draw reads the new size */
		return;
	}
	/* a message lasts until it expires or the next key, which may bring
	 * its own */
	t->v.status = NULL;
	if (t->npbuf >= 0) {
		prompt_key(t, key);
		return;
	}
	if (t->player != NULL && tui__lesson_key(t, key, fkey))
		return;
	if (fkey) {
		switch (key) {
		case KEY_F(1):
			open_mode(t, VIEW_HELP);
			return;
		case KEY_F(10):
			t->quit = QUIT_KEY;
			return;
		case KEY_BTAB:
		case KEY_LEFT:
			cycle_focus(t, -1);
			return;
		case KEY_RIGHT:
			cycle_focus(t, 1);
			return;
		case KEY_UP:
		case KEY_DOWN:
			if (t->v.mode == VIEW_PDETAIL || t->v.mode == VIEW_MDETAIL)
				cycle_focus(t, key == KEY_UP ? -1 : 1);
			else
				scroll_by(t, key == KEY_UP ? -1 : 1);
			return;
		case KEY_PPAGE:
			scroll_by(t, -page);
			return;
		case KEY_NPAGE:
			scroll_by(t, page);
			return;
		case KEY_HOME:
			t->v.scroll = 0;
			return;
		case KEY_END:
			scroll_by(t, 1 << 30);
			return;
		default:
			return;
		}
	}
	if (t->v.mode == VIEW_GLIST && key == 's') {
		t->v.gsort = (view_gsort)((t->v.gsort + 1) % 3);
		return;
	}
	if (spawn_key(t, key))
		return;
	if (key >= '1' && key <= '9') {
		set_procs(t, key - '0');
		return;
	}
	switch (key) {
	case 'q':
	case 3: /* Ctrl-C, should the terminal send it as a key */
		t->quit = QUIT_KEY;
		break;
	case '?':
		open_mode(t, VIEW_HELP);
		break;
	case ' ':
		t->v.paused = !t->v.paused;
		if (t->player != NULL && t->lstate >= 0)
			tui__lesson_texts(t, t->lout); /* says the lesson is paused too */
		break;
	case '.':
		if (!t->v.paused) {
			tui__status(t, false,
			    "'.' steps one tick while paused (space "
			    "pauses)");
		} else {
			t->step = true;
			t->next_tick_ns = tui__now();
		}
		break;
	case 'w':
		toggle_world(t);
		break;
	case '0':
		set_procs(t, 10);
		break;
	case '+':
		set_procs(t, t->procs + 1);
		break;
	case '-':
		set_procs(t, t->procs - 1);
		break;
	case '=':
		t->npbuf = 0;
		prompt_key(t, 0);
		break;
	case '[':
	case ']':
		change_rate(t, key == ']');
		break;
	case 'p':
		open_mode(t, VIEW_PDETAIL);
		break;
	case 'm':
		open_mode(t, VIEW_MDETAIL);
		break;
	case 'g':
		open_mode(t, VIEW_GLIST);
		break;
	case 'l':
		open_mode(t, VIEW_LOG);
		break;
	case '\t':
		cycle_focus(t, 1);
		break;
	case 12: /* Ctrl-L */
		clearok(curscr, TRUE);
		paint_invalidate();
		break;
	case 27: /* Esc */
		if (t->v.mode != VIEW_MAIN)
			t->v.mode = VIEW_MAIN;
		else
			t->v.status = NULL;
		break;
	default:
		break;
	}
}
