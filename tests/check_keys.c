/*
 * check_keys.c - the key table (src/ui/keys.c): every entry is well formed
 * and reachable, lookups give the behaviour the keys have always had, the
 * footers name the keys that work, the help page shows every key's whole
 * text at 60, 80 and 200 columns, and gsched.1's KEYS section agrees with
 * the table item by item.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <check.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gsched.h>

#include "testutil.h"
#include "ui/keys.h"
#include "ui/view.h"

/* ---- the table ------------------------------------------------------------------ */

START_TEST(test_entries_well_formed)
{
	for (int i = 0; i < keys_count; i++) {
		const keys_entry *e = &keys_table[i];
		size_t len;
		const char *name;
		int n = 0;

		ck_assert_ptr_nonnull(e->keys);
		for (; (name = keys_name_at(e, n, &len)) != NULL; n++) {
			int codes[32];
			int k = keys_name_codes(name, len, codes, 32);
			ck_assert_msg(k > 0 && k <= 32, "entry '%s': no key is named '%.*s'",
			    e->keys, (int)len, name);
		}
		ck_assert_msg(n > 0, "entry %d names no key", i);
		ck_assert_msg(e->ctx & KEYS_IN_VIEWS, "entry '%s' applies in no view", e->keys);
		ck_assert_msg((e->footer & ~e->ctx) == 0,
		    "entry '%s' is in the footer of a view where it does nothing", e->keys);
		ck_assert_msg(e->footer == 0 || e->label != NULL,
		    "entry '%s' is in a footer without a label", e->keys);
		ck_assert_msg((unsigned)e->action < KEYS_NACTIONS, "entry '%s': no action",
		    e->keys);
		ck_assert_msg(e->help == NULL || e->help[0] != '\0', "entry '%s': empty help",
		    e->keys);
	}
}
END_TEST

/* An entry that an earlier one hides everywhere could never run. */
START_TEST(test_every_entry_reachable)
{
	for (int i = 0; i < keys_count; i++) {
		const keys_entry *e = &keys_table[i];
		bool reached = false;
		size_t len;
		const char *name;

		for (int mode = VIEW_MAIN; mode <= VIEW_GDETAIL && !reached; mode++) {
			for (int lesson = 0; lesson < 8 && !reached; lesson++) {
				/* 2 and 3: a replay, with no lesson and with one;
				 * 4 on: a foreign program (gsched go) */
				unsigned ctx = keys_ctx((view_mode)mode, lesson & 1) |
				    (lesson & 2 ? KEYS_IN_REPLAY : 0) |
				    (lesson & 4 ? KEYS_IN_FOREIGN : 0);
				for (int n = 0; (name = keys_name_at(e, n, &len)) != NULL; n++) {
					int codes[32], which;
					int k = keys_name_codes(name, len, codes, 32);
					for (int c = 0; c < k && c < 32; c++)
						reached = reached ||
						    keys_lookup(codes[c], ctx, &which) == e;
				}
			}
		}
		ck_assert_msg(reached, "entry '%s' is hidden by earlier ones everywhere", e->keys);
	}
}
END_TEST

START_TEST(test_names)
{
	int c[16];

	ck_assert_int_eq(keys_name_codes("q", 1, c, 16), 1);
	ck_assert_int_eq(c[0], 'q');
	ck_assert_int_eq(keys_name_codes("1-9", 3, c, 16), 9);
	ck_assert_int_eq(c[0], '1');
	ck_assert_int_eq(c[8], '9');
	ck_assert_int_eq(keys_name_codes("Ctrl-L", 6, c, 16), 1);
	ck_assert_int_eq(c[0], 12);
	ck_assert_int_eq(keys_name_codes("F10", 3, c, 16), 1);
	ck_assert_int_eq(c[0], KEYS_F(10));
	ck_assert_int_eq(keys_name_codes("arrows", 6, c, 16), 4);
	ck_assert_int_eq(keys_name_codes("space", 5, c, 16), 1);
	ck_assert_int_eq(c[0], ' ');
	ck_assert_int_eq(keys_name_codes("Enter", 5, c, 16), 3);
	ck_assert_int_eq(keys_name_codes("Spaec", 5, c, 16), 0);
	ck_assert_int_eq(keys_name_codes("F0", 2, c, 16), 0);
	ck_assert_int_eq(keys_name_codes("F99", 3, c, 16), 0);
	/* more codes than room: the count says so */
	ck_assert_int_eq(keys_name_codes("a-z", 3, c, 4), 26);
}
END_TEST

/* What a key did before the table, it does with it. */
static void
expect(int code, view_mode mode, bool lesson, keys_action action, int which)
{
	int w = -1;
	const keys_entry *e = keys_lookup(code, keys_ctx(mode, lesson), &w);

	ck_assert_msg(e != NULL, "key %d in mode %d%s: nothing", code, mode,
	    lesson ? " (lesson)" : "");
	ck_assert_msg(e->action == action && w == which,
	    "key %d in mode %d%s: action %d (key %d), want %d (key %d)", code, mode,
	    lesson ? " (lesson)" : "", e->action, w, action, which);
}

static void
expect_none(int code, view_mode mode, bool lesson)
{
	int w;

	ck_assert_ptr_null(keys_lookup(code, keys_ctx(mode, lesson), &w));
}

START_TEST(test_lookup)
{
	expect('?', VIEW_MAIN, false, KEYS_DO_HELP, 0);
	expect(KEYS_F(1), VIEW_GLIST, false, KEYS_DO_HELP, 1);
	expect('q', VIEW_HELP, true, KEYS_DO_QUIT, 0);
	expect(KEYS_F(10), VIEW_MAIN, false, KEYS_DO_QUIT, 1);
	expect(3, VIEW_LOG, false, KEYS_DO_QUIT, 2);
	expect(27, VIEW_PDETAIL, false, KEYS_DO_CLOSE, 0);
	expect(' ', VIEW_MAIN, true, KEYS_DO_PAUSE, 0);
	/* n spawns network waiters, except in a lesson, where it steps */
	expect('n', VIEW_MAIN, false, KEYS_DO_SPAWN, 3);
	expect('n', VIEW_MAIN, true, KEYS_DO_LESSON, 0);
	expect('n', VIEW_HELP, true, KEYS_DO_LESSON, 0);
	/* ... but in the goroutine list n and N find again (as in less) */
	expect('n', VIEW_GLIST, true, KEYS_DO_GAGAIN, 0);
	expect('N', VIEW_GLIST, false, KEYS_DO_GAGAIN, 1);
	expect('N', VIEW_MAIN, false, KEYS_DO_SPAWN10, 3);
	expect('N', VIEW_HELP, true, KEYS_DO_LESSON, 1);
	/* PgDn/PgUp step a lesson where nothing scrolls by them */
	expect(KEYS_PGDN, VIEW_MAIN, true, KEYS_DO_LESSON, 0);
	expect(KEYS_PGUP, VIEW_MDETAIL, true, KEYS_DO_LESSON, 1);
	expect(KEYS_PGDN, VIEW_PDETAIL, true, KEYS_DO_LESSON, 0);
	expect(KEYS_PGDN, VIEW_HELP, true, KEYS_DO_PAGE, 1);
	expect(KEYS_PGUP, VIEW_LOG, true, KEYS_DO_PAGE, 0);
	expect(KEYS_PGDN, VIEW_PDETAIL, false, KEYS_DO_PAGE, 1);
	expect_none(KEYS_PGDN, VIEW_MAIN, false);
	/* s sorts the goroutine list, spawns sleepers elsewhere */
	expect('s', VIEW_GLIST, false, KEYS_DO_SORT, 0);
	expect('s', VIEW_MAIN, false, KEYS_DO_SPAWN, 1);
	expect('s', VIEW_HELP, false, KEYS_DO_SPAWN, 1);
	expect('c', VIEW_GLIST, true, KEYS_DO_SPAWN, 0);
	expect('B', VIEW_MAIN, false, KEYS_DO_SPAWN10, 2);
	expect('w', VIEW_MAIN, false, KEYS_DO_WORLD, 0);
	expect('.', VIEW_MAIN, false, KEYS_DO_STEP, 0);
	expect('+', VIEW_MAIN, false, KEYS_DO_PROCS_STEP, 0);
	expect('-', VIEW_LOG, false, KEYS_DO_PROCS_STEP, 1);
	expect('1', VIEW_MAIN, false, KEYS_DO_PROCS_SET, 0);
	expect('9', VIEW_MAIN, false, KEYS_DO_PROCS_SET, 0);
	expect('0', VIEW_MAIN, false, KEYS_DO_PROCS_SET, 1);
	expect('=', VIEW_MAIN, false, KEYS_DO_PROMPT, 0);
	expect('[', VIEW_MAIN, false, KEYS_DO_RATE, 0);
	expect(']', VIEW_MAIN, false, KEYS_DO_RATE, 1);
	expect('g', VIEW_GLIST, false, KEYS_DO_GLIST, 0);
	expect('l', VIEW_MAIN, false, KEYS_DO_LOG, 0);
	expect('p', VIEW_MAIN, false, KEYS_DO_DETAIL, 0);
	expect('m', VIEW_PDETAIL, false, KEYS_DO_DETAIL, 1);
	/* in the detail pages Tab and the arrows move the focus; in the lists
	 * Up and Down scroll */
	expect('\t', VIEW_PDETAIL, false, KEYS_DO_FOCUS, 0);
	expect(KEYS_BTAB, VIEW_MDETAIL, false, KEYS_DO_FOCUS, 1);
	expect(KEYS_UP, VIEW_PDETAIL, false, KEYS_DO_FOCUS, 2);
	expect(KEYS_RIGHT, VIEW_MDETAIL, false, KEYS_DO_FOCUS, 2);
	expect(KEYS_UP, VIEW_GLIST, false, KEYS_DO_SCROLL, 0);
	expect(KEYS_DOWN, VIEW_HELP, true, KEYS_DO_SCROLL, 1);
	/* k and j scroll where Up and Down do, in help and the lists */
	expect('k', VIEW_HELP, false, KEYS_DO_SCROLL, 2);
	expect('j', VIEW_HELP, true, KEYS_DO_SCROLL, 3);
	expect('j', VIEW_GLIST, false, KEYS_DO_SCROLL, 3);
	expect('k', VIEW_LOG, false, KEYS_DO_SCROLL, 2);
	expect_none('j', VIEW_MAIN, false);
	expect(KEYS_HOME, VIEW_LOG, false, KEYS_DO_ENDS, 0);
	expect(KEYS_END, VIEW_PDETAIL, false, KEYS_DO_ENDS, 1);
	/* the event log's keys: in the main view (its panel) and the whole log */
	expect('f', VIEW_MAIN, false, KEYS_DO_LOG_FILTER, 0);
	expect('f', VIEW_LOG, true, KEYS_DO_LOG_FILTER, 0);
	/* the goroutine list's own: find, filter, sort, open, back */
	expect('/', VIEW_GLIST, false, KEYS_DO_GFIND, 0);
	expect('f', VIEW_GLIST, true, KEYS_DO_GFIND, 1);
	expect('r', VIEW_GLIST, false, KEYS_DO_SORT_REV, 0);
	expect_none('r', VIEW_MAIN, false);
	expect('\r', VIEW_GLIST, false, KEYS_DO_GPAGE, 0);
	expect_none('\r', VIEW_MAIN, false);
	expect('q', VIEW_GDETAIL, false, KEYS_DO_CLOSE, 0);
	expect(27, VIEW_GDETAIL, false, KEYS_DO_CLOSE, 0);
	expect('q', VIEW_GLIST, false, KEYS_DO_QUIT, 0);
	expect('/', VIEW_MAIN, true, KEYS_DO_LOG_FIND, 0);
	expect('/', VIEW_LOG, false, KEYS_DO_LOG_FIND, 0);
	expect(16, VIEW_LOG, false, KEYS_DO_LOG_AGAIN, 0);  /* Ctrl-P */
	expect(14, VIEW_MAIN, false, KEYS_DO_LOG_AGAIN, 1); /* Ctrl-N */
	expect(KEYS_UP, VIEW_MAIN, false, KEYS_DO_LOG_HOLD, 0);
	expect(KEYS_DOWN, VIEW_MAIN, true, KEYS_DO_LOG_HOLD, 1);
	expect(KEYS_UP, VIEW_LOG, false, KEYS_DO_SCROLL, 0);
	expect(KEYS_END, VIEW_LOG, false, KEYS_DO_ENDS, 1);
	expect_none('\t', VIEW_GLIST, false);
	expect(12, VIEW_MAIN, false, KEYS_DO_REDRAW, 0);
	expect(KEYS_RESIZE, VIEW_HELP, true, KEYS_DO_RESIZE, 0);
	expect_none('z', VIEW_MAIN, false);
}
END_TEST

/* A foreign program (gsched go): the keys that change the scheduler say
 * why they cannot, in its main view; the lists keep their own s and n, and
 * without a foreign program the keys do what they always did. */
START_TEST(test_lookup_foreign)
{
	view_state v;
	int w = -1;
	const keys_entry *e;

	memset(&v, 0, sizeof v);
	v.foreign = "Go 1.19-1.20 schedtrace with scheddetail";
	const int refused[] = { 'w', '+', '-', 'c', 's', 'b', 'n', KEYS_F(8) };
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		e = keys_lookup(refused[i], keys_view_ctx(&v), &w);
		if (e == NULL || e->action != KEYS_DO_FOREIGN)
			ck_abort_msg("key %d: not the foreign program's refusal", refused[i]);
	}
	v.mode = VIEW_GLIST;
	e = keys_lookup('s', keys_view_ctx(&v), &w);
	ck_assert(e != NULL && e->action == KEYS_DO_SORT);
	v.mode = VIEW_MAIN;
	v.foreign = NULL;
	e = keys_lookup('+', keys_view_ctx(&v), &w);
	ck_assert(e != NULL && e->action == KEYS_DO_PROCS_STEP);
	e = keys_lookup('c', keys_view_ctx(&v), &w);
	ck_assert(e != NULL && e->action == KEYS_DO_SPAWN);
}
END_TEST

/* The rewind's keys, and what they leave to the pages' own; the replay's. */
START_TEST(test_lookup_rewind)
{
	int w = -1;
	unsigned replay = keys_ctx(VIEW_MAIN, false) | KEYS_IN_REPLAY;

	expect(KEYS_LEFT, VIEW_MAIN, false, KEYS_DO_REWIND, 0);
	expect(KEYS_RIGHT, VIEW_LOG, true, KEYS_DO_REWIND, 1);
	expect(',', VIEW_PDETAIL, false, KEYS_DO_REWIND, 0);
	expect('.', VIEW_MDETAIL, false, KEYS_DO_STEP, 0);
	expect(KEYS_SLEFT, VIEW_MAIN, false, KEYS_DO_REWIND10, 0);
	expect(KEYS_SRIGHT, VIEW_GLIST, false, KEYS_DO_REWIND10, 1);
	expect('<', VIEW_PDETAIL, false, KEYS_DO_REWIND10, 2);
	expect('>', VIEW_MAIN, true, KEYS_DO_REWIND10, 3);
	expect(KEYS_HOME, VIEW_MAIN, false, KEYS_DO_REWIND_END, 0);
	expect(KEYS_END, VIEW_MDETAIL, false, KEYS_DO_REWIND_END, 1);
	/* the detail pages keep the arrows, the scrolling pages Home and End */
	expect(KEYS_LEFT, VIEW_PDETAIL, false, KEYS_DO_FOCUS, 2);
	expect(KEYS_RIGHT, VIEW_MDETAIL, true, KEYS_DO_FOCUS, 2);
	expect(KEYS_END, VIEW_LOG, false, KEYS_DO_ENDS, 1);
	expect(KEYS_HOME, VIEW_PDETAIL, false, KEYS_DO_ENDS, 0);
	/* a replay plays with space and sets its speed with [ ]; live, not */
	ck_assert_int_eq(keys_lookup(' ', replay, &w)->action, KEYS_DO_PLAY);
	ck_assert_int_eq(keys_lookup('[', replay, &w)->action, KEYS_DO_SPEED);
	ck_assert_int_eq(w, 0);
	ck_assert_int_eq(keys_lookup(']', replay, &w)->action, KEYS_DO_SPEED);
	ck_assert_int_eq(w, 1);
	ck_assert_int_eq(keys_lookup(KEYS_LEFT, replay, &w)->action, KEYS_DO_REWIND);
	expect(' ', VIEW_MAIN, false, KEYS_DO_PAUSE, 0);
	expect(']', VIEW_MAIN, false, KEYS_DO_RATE, 1);
}
END_TEST

/* The footer's names: the one-character keys, and only those that work. */
START_TEST(test_live_names)
{
	char buf[64];
	int w;
	const keys_entry *spawn = keys_lookup('c', keys_ctx(VIEW_MAIN, false), &w);
	const keys_entry *quit = keys_lookup('q', keys_ctx(VIEW_MAIN, false), &w);
	const keys_entry *page = keys_lookup(KEYS_PGUP, keys_ctx(VIEW_HELP, false), &w);

	ck_assert_ptr_nonnull(spawn);
	keys_live_names(spawn, keys_ctx(VIEW_MAIN, false), true, buf, sizeof buf);
	ck_assert_str_eq(buf, "c s b n");
	keys_live_names(spawn, keys_ctx(VIEW_MAIN, true), true, buf, sizeof buf);
	ck_assert_str_eq(buf, "c s b");
	keys_live_names(spawn, keys_ctx(VIEW_GLIST, false), true, buf, sizeof buf);
	ck_assert_str_eq(buf, "c b"); /* s sorts the list, n finds again */
	keys_live_names(quit, keys_ctx(VIEW_MAIN, false), true, buf, sizeof buf);
	ck_assert_str_eq(buf, "q");
	keys_live_names(quit, keys_ctx(VIEW_MAIN, false), false, buf, sizeof buf);
	ck_assert_str_eq(buf, "q F10 Ctrl-C");
	keys_live_names(page, keys_ctx(VIEW_HELP, false), true, buf, sizeof buf);
	ck_assert_str_eq(buf, "PgUp PgDn");
	/* too small a buffer: what fits, still terminated */
	ck_assert_uint_le(keys_live_names(quit, keys_ctx(VIEW_MAIN, false), false, buf, 6), 5);
	ck_assert_uint_lt(strlen(buf), 6);
}
END_TEST

/* ---- the views: footer and help ------------------------------------------------------ */

static char *
screen_text(const view_screen *s, int y0, int y1)
{
	size_t cap = (size_t)(s->width * 4 + 2) * (size_t)(y1 - y0) + 1, n = 0;
	char *all = malloc(cap);
	ck_assert_ptr_nonnull(all);
	for (int y = y0; y < y1; y++) {
		n += view_screen_row(s, y, all + n, cap - n);
		all[n++] = '\n';
	}
	all[n] = '\0';
	return all;
}

/* Whitespace runs (newlines included) as one space. */
static void
squeeze(char *s)
{
	char *w = s;
	bool sp = false;

	for (char *r = s; *r; r++) {
		if (isspace((unsigned char)*r)) {
			sp = true;
			continue;
		}
		if (sp && w != s)
			*w++ = ' ';
		sp = false;
		*w++ = *r;
	}
	*w = '\0';
}

/* The help page at width x height, every row of it scrolled into view once:
 * each key's name and whole help text are on it (wrapped, never cut). */
static void
help_at(int width, int height)
{
	view_model *m = view_model_new(10, 10);
	view_screen s = { 0 };
	view_state v = { .width = width, .height = height, .mode = VIEW_HELP, .tick_hz = 10 };
	size_t cap = 1 << 18, n = 0;
	char *all = calloc(1, cap);

	ck_assert_ptr_nonnull(m);
	ck_assert_ptr_nonnull(all);
	int max = view_scroll_max(m, &v);
	for (v.scroll = 0;; v.scroll += height - 2) {
		if (v.scroll > max)
			v.scroll = max;
		ck_assert_int_eq(view_render(m, &v, &s), 0);
		char *t = screen_text(&s, 1, height - 1);
		ck_assert_uint_lt(n + strlen(t), cap);
		strcpy(all + n, t);
		n += strlen(t);
		free(t);
		if (v.scroll == max)
			break;
	}
	squeeze(all);
	for (int i = 0; i < keys_count; i++) {
		const keys_entry *e = &keys_table[i];
		char want[512];
		if (e->help == NULL)
			continue;
		snprintf(want, sizeof want, "%s %s", e->keys, e->help);
		squeeze(want);
		ck_assert_msg(strstr(all, want), "%dx%d: the help lacks '%s'", width, height, want);
	}
	/* The legend's longest texts, too. */
	ck_assert_ptr_nonnull(strstr(all,
	    "token letters, from what each goroutine was spawned as: C CPU-bound, L call-free "
	    "loop, S sleeping (sleep, nap), B blocking system call, N network wait, H web "
	    "server or client, T waiting for plain threads, W switching on purpose (ping-pong, "
	    "Gosched), o any other; each kind has its colour"));
	ck_assert_ptr_nonnull(strstr(all, "then + N more"));
	free(all);
	view_screen_free(&s);
	view_model_free(m);
}

START_TEST(test_help_shows_every_key)
{
	help_at(80, 24);
	help_at(60, 16);
	help_at(200, 50);
}
END_TEST

/* Each footer shows its keys by the table: the main view's, the lesson's,
 * a page's. */
START_TEST(test_footers)
{
	view_model *m = view_model_new(10, 10);
	view_screen s = { 0 };
	view_state v = { .width = 200, .height = 30, .tick_hz = 10 };
	char row[1024];

	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(view_render(m, &v, &s), 0);
	view_screen_row(&s, 29, row, sizeof row);
	ck_assert_msg(strstr(row,
			  "? help  q quit  space pause  w world  . step  + - procs  "
			  "c s b n spawn  [ ] speed  g goroutines  l log  p m detail") == row,
	    "main footer: '%s'", row);
	v.lesson = "A lesson";
	ck_assert_int_eq(view_render(m, &v, &s), 0);
	view_screen_row(&s, 29, row, sizeof row);
	ck_assert_msg(strstr(row,
			  "? help  q quit  space pause  n N next/prev step  w world  "
			  ". step  + - procs  c s b spawn  [ ] speed") == row,
	    "lesson footer: '%s'", row);
	v.lesson = NULL;
	v.replay = true;
	ck_assert_int_eq(view_render(m, &v, &s), 0);
	view_screen_row(&s, 29, row, sizeof row);
	ck_assert_msg(strstr(row,
			  "? help  q quit  space play  w world  . step  + - procs  "
			  "c s b n spawn  [ ] speed") == row,
	    "replay footer: '%s'", row);
	v.replay = false;
	v.mode = VIEW_HELP;
	ck_assert_int_eq(view_render(m, &v, &s), 0);
	view_screen_row(&s, 29, row, sizeof row);
	ck_assert_msg(strstr(row, "q quit  Esc close  PgUp PgDn scroll  ") == row,
	    "help footer: '%s'", row);
	v.mode = VIEW_MDETAIL;
	ck_assert_int_eq(view_render(m, &v, &s), 0);
	view_screen_row(&s, 29, row, sizeof row);
	ck_assert_msg(strstr(row, "q quit  Esc close  Tab Shift-Tab arrows next/prev  ") == row,
	    "M detail footer: '%s'", row);
	ck_assert_ptr_null(strstr(row, "scroll")); /* nothing scrolls there */
	v.mode = VIEW_GLIST;
	ck_assert_int_eq(view_render(m, &v, &s), 0);
	view_screen_row(&s, 29, row, sizeof row);
	ck_assert_msg(strstr(row,
			  "q quit  Esc close  s sort  r reverse  Enter open  / f find/filter  ") ==
		row,
	    "goroutine list footer: '%s'", row);
	v.mode = VIEW_LOG;
	ck_assert_int_eq(view_render(m, &v, &s), 0);
	view_screen_row(&s, 29, row, sizeof row);
	ck_assert_msg(strstr(row, "q quit  Esc close  f filter  / find  PgUp PgDn scroll  ") == row,
	    "event log footer: '%s'", row);
	view_screen_free(&s);
	view_model_free(m);
}
END_TEST

/* ---- gsched.1 ------------------------------------------------------------------------ */

/* One .TP item of the KEYS section, as plain text. */
typedef struct man_item {
	char tag[128];
	char body[2048];
} man_item;

static void
append(char *dst, size_t size, const char *src, size_t n)
{
	size_t l = strlen(dst);
	if (l + n + 1 < size) {
		memcpy(dst + l, src, n);
		dst[l + n] = '\0';
	}
}

/* A line of roff as the text it prints: font macros (.B, .BR...) joined
 * from their arguments, escapes for '-' and zero-width cleared. */
static void
roff_text(const char *line, char *out, size_t size)
{
	char tmp[1024] = "";
	const char *p = line;

	if (line[0] == '.') {
		size_t mlen = strcspn(line + 1, " \n");
		bool alternating = mlen == 2; /* .BR .RB .IR ...: no spaces between args */
		p = line + 1 + mlen;
		for (bool first = true;; first = false) {
			p += strspn(p, " ");
			if (*p == '\0' || *p == '\n')
				break;
			if (!first && !alternating)
				append(tmp, sizeof tmp, " ", 1);
			if (*p == '"') {
				size_t n = strcspn(p + 1, "\"");
				append(tmp, sizeof tmp, p + 1, n);
				p += n + 1 + (p[n + 1] == '"');
			} else {
				size_t n = strcspn(p, " \n");
				append(tmp, sizeof tmp, p, n);
				p += n;
			}
		}
	} else {
		append(tmp, sizeof tmp, line, strcspn(line, "\n"));
	}
	out[0] = '\0';
	for (const char *c = tmp; *c; c++) {
		if (c[0] == '\\' && c[1] == '-') {
			append(out, size, "-", 1);
			c++;
		} else if (c[0] == '\\' && c[1] == '&') {
			c++;
		} else if (c[0] == '\\' && c[1] == 'e') {
			append(out, size, "\\", 1);
			c++;
		} else {
			append(out, size, c, 1);
		}
	}
}

/* The .TP items of gsched.1's KEYS section. */
static int
man_keys(man_item *items, int max)
{
	FILE *f = fopen(GSCHED_MAN, "r");
	char line[1024], text[1024];
	int n = 0;
	bool in = false, tag = false, body = false;

	ck_assert_msg(f != NULL, "cannot open %s", GSCHED_MAN);
	while (fgets(line, sizeof line, f)) {
		if (strncmp(line, ".SH", 3) == 0) {
			if (in)
				break;
			in = strncmp(line, ".SH KEYS", 8) == 0;
			continue;
		}
		if (!in || strncmp(line, ".\\\"", 3) == 0)
			continue;
		if (strncmp(line, ".TP", 3) == 0) {
			ck_assert_int_lt(n, max);
			memset(&items[n++], 0, sizeof items[0]);
			tag = true;
			body = false;
			continue;
		}
		if (strncmp(line, ".PP", 3) == 0 || strncmp(line, ".P\n", 3) == 0 ||
		    strncmp(line, ".LP", 3) == 0) {
			tag = body = false;
			continue;
		}
		roff_text(line, text, sizeof text);
		if (tag) {
			append(items[n - 1].tag, sizeof items[n - 1].tag, text, strlen(text));
			tag = false;
			body = true;
		} else if (body) {
			append(items[n - 1].body, sizeof items[n - 1].body, " ", 1);
			append(items[n - 1].body, sizeof items[n - 1].body, text, strlen(text));
		}
	}
	fclose(f);
	for (int i = 0; i < n; i++)
		squeeze(items[i].body);
	return n;
}

/* A tag's key names, space-separated: "q, F10 or Ctrl-C" is "q F10 Ctrl-C",
 * and "Left, Right or ," is "Left Right ," (a comma alone is the key). */
static void
tag_names(const char *tag, char *out, size_t size)
{
	char copy[128];
	out[0] = '\0';
	snprintf(copy, sizeof copy, "%s", tag);
	for (char *save, *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		size_t n = strlen(w);
		if (n > 1 && w[n - 1] == ',')
			w[n - 1] = '\0';
		if (strcmp(w, "or") == 0 || strcmp(w, "and") == 0)
			continue;
		if (out[0])
			append(out, size, " ", 1);
		append(out, size, w, strlen(w));
	}
}

START_TEST(test_man_page_agrees)
{
	static man_item items[128];
	int n = man_keys(items, 128), k = 0;

	ck_assert_msg(n > 0, "%s has no KEYS items", GSCHED_MAN);
	for (int i = 0; i < keys_count; i++) {
		const keys_entry *e = &keys_table[i];
		char names[128], want[512];
		if (e->help == NULL)
			continue;
		ck_assert_msg(k < n, "gsched.1 KEYS lacks an item for '%s' (%s)", e->keys, e->help);
		tag_names(items[k].tag, names, sizeof names);
		ck_assert_msg(strcmp(names, e->keys) == 0,
		    "gsched.1 KEYS item %d is for '%s', the table's next key is '%s'", k + 1,
		    items[k].tag, e->keys);
		snprintf(want, sizeof want, "%s", e->help);
		squeeze(want);
		ck_assert_msg(strncasecmp(items[k].body, want, strlen(want)) == 0,
		    "gsched.1 KEYS item '%s' must begin with the help text '%s', not '%s'",
		    items[k].tag, want, items[k].body);
		k++;
	}
	ck_assert_msg(k == n, "gsched.1 KEYS item '%s' names keys the table lacks",
	    k < n ? items[k].tag : "");
}
END_TEST

static Suite *
keys_suite(void)
{
	Suite *s = suite_create("keys");
	TCase *tc = tu_tcase("table", 10);

	tcase_add_test(tc, test_entries_well_formed);
	tcase_add_test(tc, test_every_entry_reachable);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_lookup);
	tcase_add_test(tc, test_lookup_rewind);
	tcase_add_test(tc, test_lookup_foreign);
	tcase_add_test(tc, test_live_names);
	suite_add_tcase(s, tc);
	tc = tu_tcase("views", 10);
	tcase_add_test(tc, test_help_shows_every_key);
	tcase_add_test(tc, test_footers);
	suite_add_tcase(s, tc);
	tc = tu_tcase("man", 10);
	tcase_add_test(tc, test_man_page_agrees);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run_suite(keys_suite());
}
