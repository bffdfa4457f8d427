/*
 * tui_mouse.c - the mouse in the visualizer: curses' mouse events, looked up
 * in the hit map of the screen drawn last (view_hit_at: the view model says
 * what is where), and done as the key or page they stand for: a P's, an M's
 * or a goroutine's page.  --no-mouse
 * leaves the mouse to the terminal (its own selection and scrolling).
 *
 * The terminal's mouse reporting is curses' own (mousemask); endwin turns it
 * off, and tui_term.c's restore turns it off on the paths that cannot call
 * endwin (fatal signals, exit from another thread).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gsched.h>
#include <gsched/observe.h>

#include "ui/keys.h"
#include "ui/tui_state.h"
#include "ui/tui_curses.h"
#include "ui/view.h"

/* Lines a wheel notch scrolls (a page on P detail, which scrolls by pages). */
#define WHEEL_LINES 3

void
tui__mouse_setup(const struct tui *t)
{
	if (t->o.no_mouse)
		return;
	/* Clicks, as curses resolves them (a press and its release within
	 * mouseinterval); the press and the release alone too, or curses
	 * drops a click whose two reports come in one read, and a long press
	 * is a press. */
	mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_RELEASED | BUTTON4_PRESSED |
		BUTTON5_PRESSED,
	    NULL);
}

/* A key code of keys.h, as if typed: characters are themselves, function
 * keys their curses codes. */
static void
press(struct tui *t, int64_t code)
{
	if (code >= KEYS_F(1) && code <= KEYS_F(KEYS_F_MAX))
		tui__key(t, KEY_F((int)(code - KEYS_F0)), true);
	else if (code > 0 && code < KEYS_SPECIAL)
		tui__key(t, (int)code, false);
}

/* The wheel, up (dir < 0) or down: the page's lines, or the main view's
 * event log. */
static void
wheel(struct tui *t, int dir)
{
	const view_model *m = t->shown != NULL ? t->shown : t->model;

	switch (t->v.mode) {
	case VIEW_MAIN:
		for (int i = 0; i < WHEEL_LINES; i++)
			view_log_move(m, &t->v, dir < 0 ? VIEW_LOG_UP : VIEW_LOG_DOWN);
		t->dirty = true;
		break;
	case VIEW_HELP:
	case VIEW_GLIST:
	case VIEW_LOG:
		for (int i = 0; i < WHEEL_LINES; i++)
			tui__key(t, dir < 0 ? KEY_UP : KEY_DOWN, true);
		break;
	case VIEW_PDETAIL:
		tui__key(t, dir < 0 ? KEY_PPAGE : KEY_NPAGE, true);
		break;
	case VIEW_MDETAIL:
	case VIEW_GDETAIL:
		break;
	}
}

void
tui__mouse(struct tui *t)
{
	MEVENT ev;
	view_hit h;

	if (getmouse(&ev) != OK || t->o.no_mouse)
		return;
	/* an open prompt owns the input, as it does the keyboard */
	if (t->npbuf >= 0 || t->nfind >= 0 || t->rec_nprompt >= 0)
		return;
	if (ev.bstate & BUTTON4_PRESSED) {
		wheel(t, -1);
		return;
	}
	if (ev.bstate & BUTTON5_PRESSED) {
		wheel(t, 1);
		return;
	}
	if (!(ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED)) ||
	    !view_hit_at(&t->screen, ev.y, ev.x, &h))
		return;
	t->dirty = true;
	t->v.status = NULL;
	switch (h.kind) {
	case VIEW_HIT_P:
		t->v.focus_p = (int)h.id;
		t->v.mode = VIEW_PDETAIL;
		t->v.scroll = 0;
		break;
	case VIEW_HIT_M:
		t->v.focus_m = h.id;
		t->v.mode = VIEW_MDETAIL;
		t->v.scroll = 0;
		break;
	case VIEW_HIT_G:
		t->v.focus_g = h.id;
		t->v.gcur = h.id; /* back in the list, the cursor is on it */
		t->v.mode = VIEW_GDETAIL;
		t->v.scroll = 0;
		break;
	case VIEW_HIT_KEY:
		press(t, h.id);
		break;
	default:
		break;
	}
}
