/*
 * tui_lesson.c - a lesson in the visualizer: its captions, its bar, its
 * steps forward and back (the keys for them are in keys.c) and its results,
 * from the player's output each tick.
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

/* ---- the lesson ------------------------------------------------------------------ */

/* One line of the player's into the event log (a caption's further lines
 * indented under its first); a failed expectation or step also into the
 * status line. */
static void
tui_lesson_line(struct tui *t, const lesson_line *l)
{
	static const struct {
		view_attr attr;
		const char *prefix;
	} k[] = {
		[LL_SAY] = { VA_CAPTION, "say: " },
		[LL_MARK] = { VA_CAPTION, "== " },
		[LL_EXPECT_OK] = { VA_OK, "ok: " },
		[LL_EXPECT_FAIL] = { VA_WARN, "FAIL: " },
		[LL_MEASURE] = { VA_OK, "measure: " },
		[LL_INFO] = { VA_NORMAL, "lesson: " },
		[LL_ERROR] = { VA_WARN, "error: " },
	};
	int kind = l->kind >= 0 && l->kind <= LL_ERROR ? l->kind : LL_INFO;
	const char *c = l->text;
	/* A caption's lines are cut for the 72 columns of its own box; the log
	 * is narrower (its time column), so the lines go in as one paragraph per
	 * note the log wraps itself, never a short line left over under each. */
	char para[VIEW_LOG_TEXT - 16];

	for (bool first = true; first || *c; first = false) {
		size_t len = 0;
		para[0] = '\0';
		do {
			size_t n = strcspn(c, "\n");
			if (len > 0 && len + 1 + n >= sizeof para)
				break;
			len += (size_t)snprintf(para + len, sizeof para - len, "%s%.*s",
			    len > 0 ? " " : "", (int)n, c);
			if (len >= sizeof para)
				len = sizeof para - 1;
			c += n + (c[n] == '\n');
		} while (*c && kind != LL_EXPECT_FAIL && kind != LL_ERROR);
		if (first && (kind == LL_EXPECT_FAIL || kind == LL_ERROR))
			tui__note(t, k[kind].attr, "%sline %d: %s", k[kind].prefix, l->line, para);
		else
			tui__note(t, k[kind].attr, "%s%s%s", first ? k[kind].prefix : "     ", para,
			    first && kind == LL_MARK ? " ==" : "");
	}
	if (kind == LL_EXPECT_FAIL)
		tui__status(t, true, "expectation failed (line %d): %s", l->line, l->text);
	else if (kind == LL_ERROR)
		tui__status(t, true, "lesson step failed (line %d): %s", l->line, l->text);
}

/* The key that goes on in a lesson: the first name of the key table's
 * lesson entry in the main view. */
static void
lesson_go_key(char *buf, size_t size)
{
	unsigned ctx = keys_ctx(VIEW_MAIN, true);
	size_t len;
	const char *name;

	buf[0] = '\0';
	for (int i = 0; i < keys_count; i++) {
		const keys_entry *e = &keys_table[i];
		if (e->action == KEYS_DO_LESSON && keys_applies(e, ctx) &&
		    (name = keys_name_at(e, 0, &len)) != NULL) {
			snprintf(buf, size, "%.*s", (int)len, name);
			return;
		}
	}
}

/* The bar above the caption and the standing footer message, from the
 * player's last output.  The step shown counts from 1: the one running (or
 * waiting) now.  What the lesson waits for goes at the bar's end; when the
 * bar is wider than the screen the chapter's name is cut first (to no less
 * than its first 16 bytes), so "next in 4 s" fits 80 columns. */
void
tui__lesson_texts(struct tui *t, const lesson_output *out)
{
	char tail[200], key[16], hold[32];
	int n;

	if (out->state == LESSON_DONE) {
		snprintf(t->lstatus, sizeof t->lstatus,
		    "lesson finished: %d expectations met, %d failed", out->passed, out->failed);
		snprintf(t->lbar, sizeof t->lbar, "%s  (N or PgUp goes back a chapter, q quits)",
		    t->lstatus);
		return;
	}
	const char *w = out->waiting_for;
	t->lstatus[0] = '\0';
	if (out->state == LESSON_WAITING_KEY) {
		snprintf(t->lstatus, sizeof t->lstatus, "press n or PgDn to continue");
		w = t->lstatus;
	} else if (out->hold_ns > 0) {
		/* the reader's time (lesson.h), counted down in whole seconds: the
		 * bar says how long, the footer how to go on */
		int secs = (int)((out->hold_ns + 999999999) / 1000000000);
		lesson_go_key(key, sizeof key);
		snprintf(t->lstatus, sizeof t->lstatus, "reading time: next in %d s%s%s%s", secs,
		    key[0] ? " (" : "", key, key[0] ? " goes on now)" : "");
		snprintf(hold, sizeof hold, "next in %d s", secs);
		w = hold;
	}
	n = snprintf(tail, sizeof tail, "step %d/%d  %d met, %d failed",
	    out->step < out->nsteps ? out->step + 1 : out->nsteps, out->nsteps, out->passed,
	    out->failed);
	if (t->v.paused)
		w = TUI_LESSON_PAUSED;
	if (w != NULL && n > 0 && (size_t)n < sizeof tail)
		snprintf(tail + n, sizeof tail - (size_t)n, "  | %s", w);
	if (out->chapter == NULL) {
		snprintf(t->lbar, sizeof t->lbar, "%s", tail);
		return;
	}
	/* the bar is drawn from column 1 */
	int room = t->v.width - 1 - (int)strlen(tail) - (int)strlen("chapter:   ");
	int full = (int)strnlen(out->chapter, 100); /* the bar has room for 100 */
	int len = full;
	if (t->v.width > 0 && len > room) {
		/* at least the chapter's first words: a long wait is cut instead */
		len = room - 3 > 16 ? room - 3 : 16;
		if (len > full)
			len = full;
		while (len > 0 && ((unsigned char)out->chapter[len] & 0xc0) == 0x80)
			len--;
	}
	snprintf(t->lbar, sizeof t->lbar, "chapter: %.*s%s  %s", len, out->chapter,
	    len < (int)strlen(out->chapter) ? "..." : "", tail);
}

/* Run the lesson's steps due now, with the snapshot the model just got
 * (tui.c's tick calls it).  The
 * lesson's clock follows the snapshots' but skips the time the view stood
 * paused (a '.' step while paused moves it one tick). */
void
tui__lesson_tick(struct tui *t)
{
	lesson_output *out = t->lout;
	uint64_t now = t->snap->time_ns, d = t->llast && now > t->llast ? now - t->llast : 0;

	if (t->lgap && d > tui__tick_period_ns(t))
		d = tui__tick_period_ns(t);
	t->lgap = false;
	t->lclock = t->llast ? t->lclock + d : now;
	t->llast = now;
	int state = lesson_player_tick(t->player, t->snap, t->lclock, out);
	for (int i = 0; i < out->nlines; i++)
		tui_lesson_line(t, &out->lines[i]);
	snprintf(t->lcaption, sizeof t->lcaption, "%s", out->caption ? out->caption : "");
	t->v.caption = out->caption ? t->lcaption : NULL;
	t->lpassed = out->passed;
	t->lfailed = out->failed;
	tui__lesson_texts(t, out);
	t->v.lesson_bar = t->lbar;
	/* done: once, and again after N went back and the steps ran anew */
	if (state == LESSON_DONE && (t->lstate != LESSON_DONE || out->nlines > 0))
		tui__note(t, out->failed ? VA_WARN : VA_OK, "%s", t->lstatus);
	t->lstate = state;
}

/* The lesson's next (n, PgDn) or previous (N, PgUp) step; the key table
 * (keys.c) says in which views those keys are the lesson's. */
void
tui__lesson_step(struct tui *t, bool next)
{
	if (next && t->lstate == LESSON_DONE) {
		tui__status(t, false,
		    "the lesson has finished: N or PgUp goes back a "
		    "chapter, q quits");
		return;
	}
	/* n leaves a pause, or skips the wait that runs now: the next step */
	lesson_player_key(t->player, next ? LESSON_KEY_CONTINUE : LESSON_KEY_PREV);
	if (t->v.paused)
		tui__status(t, false,
		    "the lesson is paused with the view: space resumes "
		    "it (. steps a tick)");
}

void
tui__draw(struct tui *t)
{
	getmaxyx(stdscr, t->v.height, t->v.width);
	if (t->v.status != NULL && tui__now() >= t->status_until)
		t->v.status = NULL;
	if (t->v.status == NULL && t->player != NULL && t->lstatus[0]) {
		/* the lesson's standing message: until a transient one replaces it */
		t->v.status = t->lstatus;
		t->v.status_is_error = t->lstate == LESSON_DONE && t->lfailed > 0;
		t->status_until = UINT64_MAX;
	}
	t->v.prompt = (t->npbuf >= 0 || t->nfind >= 0) && t->prompt[0] ? t->prompt : NULL;
	if (t->rec_nprompt >= 0)
		t->v.prompt = t->rec_prompt;
	if (t->save_ask)
		t->v.prompt = t->save_prompt;
	/* the tick the view is on (tui_rewind.c): the live model, or the past */
	view_state v = t->v;
	t->shown = tui__rewind_view(t, &v);
	if (v.mode == VIEW_GLIST) { /* the cursor stays on its goroutine */
		view_glist_sync(t->shown, &t->v);
		v.gcur = t->v.gcur;
		v.gcur_row = t->v.gcur_row;
		v.scroll = t->v.scroll;
	}
	if (view_render(t->shown, &v, &t->screen) == 0)
		paint(&t->screen);
	doupdate();
	t->dirty = false;
}
