/*
 * keys.c - the key table (see keys.h) and the lookups on it.
 *
 * The table's order is the help page's and the footers' order, and it decides
 * between entries whose keys overlap: the first that applies wins.  That is
 * why the lesson's n comes before the spawn keys, and the goroutine list's s
 * before them too.
 */
#include <string.h>

#include "ui/keys.h"

/* Where the lists and pages scroll; P detail scrolls its queue by pages. */
#define SCROLLS (KEYS_IN_HELP | KEYS_IN_GLIST | KEYS_IN_LOG)
#define PAGES_SCROLL (SCROLLS | KEYS_IN_PDETAIL)

const keys_entry keys_table[] = {
	{ "? F1", KEYS_IN_VIEWS, KEYS_IN_MAIN, "help", "this help (? or Esc closes it)",
	    KEYS_DO_HELP },
	/* before quit: q leaves the goroutine page for the list */
	{ "q", KEYS_IN_GDETAIL, KEYS_IN_GDETAIL, "back",
	    "in a goroutine's page: back to the list, the cursor where it was (Esc too)",
	    KEYS_DO_CLOSE },
	{ "q F10 Ctrl-C", KEYS_IN_VIEWS, KEYS_IN_VIEWS, "quit", "quit", KEYS_DO_QUIT },
	{ "Esc", KEYS_IN_VIEWS, KEYS_IN_PAGES, "close",
	    "close the page (back to the main view), or clear the message", KEYS_DO_CLOSE },
	/* before the space that pauses: a replay plays and pauses instead */
	{ "space F2", KEYS_IN_REPLAY | KEYS_IN_VIEWS, KEYS_IN_MAIN, "play",
	    "in a replay: play / pause the recording", KEYS_DO_PLAY },
	{ "space F2", KEYS_IN_VIEWS, KEYS_IN_MAIN, "pause",
	    "pause the view (the scheduler keeps running); again: back to live", KEYS_DO_PAUSE },
	/* before the lesson's n N: the goroutine list and the log find again */
	{ "n N", KEYS_IN_GLIST, 0, NULL,
	    "in the goroutine list: the next / previous goroutine the query of / matches",
	    KEYS_DO_GAGAIN },
	{ "n N", KEYS_IN_LOG, 0, NULL,
	    "in the event log: the next older / newer line the query of / matches",
	    KEYS_DO_LOG_AGAIN },
	/* before c s b n: in a lesson, n steps it and spawns nothing */
	{ "n N", KEYS_IN_LESSON | KEYS_IN_VIEWS, KEYS_IN_MAIN, "next/prev step",
	    "in a lesson: go on (past a pause, a wait or a caption's reading time) / back a "
	    "chapter",
	    KEYS_DO_LESSON },
	/* help, the lists and the log keep PgDn and PgUp for scrolling */
	{ "PgDn PgUp", KEYS_IN_LESSON | KEYS_IN_MAIN | KEYS_IN_DETAIL, 0, NULL,
	    "in a lesson, except in help, lists and log: go on / back a chapter", KEYS_DO_LESSON },
	/* before w + - c s b n: a foreign program's scheduler is not ours */
	{ "w + - c s b n F8", KEYS_IN_FOREIGN | KEYS_IN_MAIN, KEYS_IN_MAIN, "not for Go",
	    "for a Go program (gsched go): stopping the world, GOMAXPROCS and spawning act on "
	    "gsched's own scheduler; a Go program's runs in its own process, which GODEBUG "
	    "only reports on, so these keys (and 0-9 = C S B N) do nothing there",
	    KEYS_DO_FOREIGN },
	{ "w F8", KEYS_IN_VIEWS, KEYS_IN_MAIN, "world",
	    "stop / start the world (no goroutine runs while stopped)", KEYS_DO_WORLD },
	{ ". F3", KEYS_IN_VIEWS, KEYS_IN_MAIN, "step",
	    "step one tick forward while paused (at the newest: the next tick)", KEYS_DO_STEP },
	{ "+ -", KEYS_IN_VIEWS, KEYS_IN_MAIN, "procs", "GOMAXPROCS one more / one fewer",
	    KEYS_DO_PROCS_STEP },
	{ "1-9 0", KEYS_IN_VIEWS, 0, NULL, "set GOMAXPROCS to 1..9, 0 for 10", KEYS_DO_PROCS_SET },
	{ "=", KEYS_IN_VIEWS, 0, NULL, "type any GOMAXPROCS value (Enter sets it, Esc cancels)",
	    KEYS_DO_PROMPT },
	/* before c s b n: s sorts the list shown */
	{ "s", KEYS_IN_GLIST, KEYS_IN_GLIST, "sort",
	    "in the goroutine list: sort by the next column (id, state, P, M, kind, run time, "
	    "runs, latency, syscall time, moves, label; ties by id); the header marks it",
	    KEYS_DO_SORT },
	{ "r", KEYS_IN_GLIST, KEYS_IN_GLIST, "reverse", "in the goroutine list: reverse the sort",
	    KEYS_DO_SORT_REV },
	{ "Enter", KEYS_IN_GLIST, KEYS_IN_GLIST, "open",
	    "in the goroutine list: the page of the goroutine under the cursor (its state, "
	    "its P and M, its run time, runs, latency and stack, the events that moved it)",
	    KEYS_DO_GPAGE },
	{ "/ f", KEYS_IN_GLIST, KEYS_IN_GLIST, "find/filter",
	    "in the goroutine list: find (n N: again) / filter by a query: words all of which "
	    "match, state:waiting kind:S label:net p:1 m:2 id:5, or text in the label or id; "
	    "Esc clears the filter",
	    KEYS_DO_GFIND },
	{ "c s b n", KEYS_IN_VIEWS, KEYS_IN_MAIN, "spawn",
	    "spawn goroutines: CPU-bound, sleeping, in syscalls, network", KEYS_DO_SPAWN },
	{ "C S B N", KEYS_IN_VIEWS, 0, NULL, "the same, ten times as many", KEYS_DO_SPAWN10 },
	/* before the tick rate's [ ]: a replay's speed */
	{ "[ ] F4 F5", KEYS_IN_REPLAY | KEYS_IN_VIEWS, KEYS_IN_MAIN, "speed",
	    "in a replay: slower / faster playback (x0.1 to x16)", KEYS_DO_SPEED },
	{ "[ ] F4 F5", KEYS_IN_VIEWS, KEYS_IN_MAIN, "speed", "slower / faster ticks",
	    KEYS_DO_RATE },
	{ "g F6", KEYS_IN_VIEWS, KEYS_IN_MAIN, "goroutines", "the goroutine list", KEYS_DO_GLIST },
	{ "l F7", KEYS_IN_VIEWS, KEYS_IN_MAIN, "log", "the whole event log", KEYS_DO_LOG },
	{ "p m", KEYS_IN_VIEWS, KEYS_IN_MAIN, "detail", "detail of one P / one M", KEYS_DO_DETAIL },
	/* the event log's own keys: in its panel of the main view and its page */
	{ "f", KEYS_IN_MAIN | KEYS_IN_LOG, KEYS_IN_LOG, "filter",
	    "filter the event log by a query, as the goroutine list's: is:steal is:thread "
	    "is:preempt is:note is:warn, p:1 m:2 id:5 label:net kind:C state:run (what the "
	    "line's event named), or text; the title shows it, Esc clears it",
	    KEYS_DO_LOG_FILTER },
	{ "/", KEYS_IN_MAIN | KEYS_IN_LOG, KEYS_IN_LOG, "find",
	    "find in the event log by a query (as f's): Enter holds it at the newest line "
	    "that matches; / and Enter again, the next older",
	    KEYS_DO_LOG_FIND },
	{ "Ctrl-P Ctrl-N", KEYS_IN_MAIN | KEYS_IN_LOG, 0, NULL,
	    "the next older / newer line the query found matches", KEYS_DO_LOG_AGAIN },
	{ "Up Down", KEYS_IN_MAIN, 0, NULL,
	    "in the main view: Up holds the events a line further back, Down follows them again",
	    KEYS_DO_LOG_HOLD },
	{ "R F9", KEYS_IN_VIEWS, KEYS_IN_MAIN, "record",
	    "record what is shown to a file, or stop recording (a prompt offers a name: "
	    "Enter starts, Esc cancels)",
	    KEYS_DO_RECORD },
	{ "W", KEYS_IN_VIEWS, 0, NULL,
	    "write the view's settings (GOMAXPROCS, tick rate, looks) to the config file "
	    "(asks before overwriting it)",
	    KEYS_DO_SAVE },
	/* The rewind.  The detail pages keep the arrows for their focus (, . <
	 * > step there), and the pages that scroll keep Home and End. */
	{ "Left Right", KEYS_IN_VIEWS & ~KEYS_IN_DETAIL, KEYS_IN_MAIN, "rewind",
	    "one tick back / forward (Left while live pauses first)", KEYS_DO_REWIND },
	{ ",", KEYS_IN_VIEWS, 0, NULL, "one tick back, in every view (. is one forward)",
	    KEYS_DO_REWIND },
	{ "Shift-Left Shift-Right < >", KEYS_IN_VIEWS, 0, NULL, "ten ticks back / forward",
	    KEYS_DO_REWIND10 },
	{ "Home End", KEYS_IN_MAIN | KEYS_IN_MDETAIL, 0, NULL,
	    "the oldest tick kept / back to live (End unpauses; in a replay: the last tick)",
	    KEYS_DO_REWIND_END },
	{ "Tab Shift-Tab arrows", KEYS_IN_DETAIL, KEYS_IN_DETAIL, "next/prev",
	    "in a detail page: the next / previous P or M", KEYS_DO_FOCUS },
	{ "Up Down k j", SCROLLS, 0, NULL,
	    "scroll help and the log by a line, move the goroutine list's cursor (k up, j "
	    "down)",
	    KEYS_DO_SCROLL },
	{ "PgUp PgDn", PAGES_SCROLL, PAGES_SCROLL & ~KEYS_IN_GLIST, "scroll",
	    "scroll help, lists, the log and a P's queue by a page", KEYS_DO_PAGE },
	{ "Home End", PAGES_SCROLL, 0, NULL,
	    "to the top / the bottom (in the event log, End follows the newest line again)",
	    KEYS_DO_ENDS },
	{ "Ctrl-L", KEYS_IN_VIEWS, 0, NULL, "redraw the screen", KEYS_DO_REDRAW },
	{ "Resize", KEYS_IN_VIEWS, 0, NULL, NULL, KEYS_DO_RESIZE },
};

const int keys_count = (int)(sizeof keys_table / sizeof keys_table[0]);

unsigned
keys_ctx(view_mode mode, bool lesson)
{
	unsigned c = (unsigned)mode <= VIEW_GDETAIL ? KEYS_IN(mode) : KEYS_IN_MAIN;

	return c | (lesson ? KEYS_IN_LESSON : 0);
}

unsigned
keys_view_ctx(const view_state *v)
{
	return keys_ctx(v->mode, v->lesson != NULL) | (v->replay ? KEYS_IN_REPLAY : 0) |
	    (v->foreign != NULL ? KEYS_IN_FOREIGN : 0);
}

bool
keys_applies(const keys_entry *e, unsigned ctx)
{
	if ((e->ctx & KEYS_ONLY) & ~ctx)
		return false;
	return (e->ctx & ctx & KEYS_IN_VIEWS) != 0;
}

/* Names of keys that are no single character, and their codes (0 ends). */
static const struct {
	const char *name;
	int codes[5];
} named[] = {
	{ "space", { ' ' } },
	{ "Tab", { '\t' } },
	{ "Shift-Tab", { KEYS_BTAB } },
	{ "Esc", { 27 } },
	{ "Enter", { '\r', '\n', KEYS_ENTER } },
	{ "Backspace", { 127, 8, KEYS_BACKSPACE } },
	{ "Up", { KEYS_UP } },
	{ "Down", { KEYS_DOWN } },
	{ "Left", { KEYS_LEFT } },
	{ "Right", { KEYS_RIGHT } },
	{ "arrows", { KEYS_UP, KEYS_DOWN, KEYS_LEFT, KEYS_RIGHT } },
	{ "Shift-Left", { KEYS_SLEFT } },
	{ "Shift-Right", { KEYS_SRIGHT } },
	{ "PgUp", { KEYS_PGUP } },
	{ "PgDn", { KEYS_PGDN } },
	{ "Home", { KEYS_HOME } },
	{ "End", { KEYS_END } },
	{ "Resize", { KEYS_RESIZE } },
};

static int
put_code(int *codes, int n, int max, int code)
{
	if (n < max)
		codes[n] = code;
	return n + 1;
}

int
keys_name_codes(const char *name, size_t len, int *codes, int max)
{
	int n = 0;

	if (len == 1)
		return put_code(codes, 0, max, (unsigned char)name[0]);
	if (len == 3 && name[1] == '-' && name[0] < name[2]) {
		for (int c = (unsigned char)name[0]; c <= (unsigned char)name[2]; c++)
			n = put_code(codes, n, max, c);
		return n;
	}
	if (len == 6 && strncmp(name, "Ctrl-", 5) == 0 &&
	    ((name[5] >= 'A' && name[5] <= 'Z') || (name[5] >= 'a' && name[5] <= 'z')))
		return put_code(codes, 0, max, name[5] & 0x1f);
	if (len >= 2 && len <= 3 && name[0] == 'F' && name[1] >= '1' && name[1] <= '9') {
		int f = name[1] - '0';
		if (len == 3) {
			if (name[2] < '0' || name[2] > '9')
				return 0;
			f = f * 10 + name[2] - '0';
		}
		return f <= KEYS_F_MAX ? put_code(codes, 0, max, KEYS_F(f)) : 0;
	}
	for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
		if (strlen(named[i].name) != len || strncmp(named[i].name, name, len) != 0)
			continue;
		for (int k = 0; k < 5 && named[i].codes[k]; k++)
			n = put_code(codes, n, max, named[i].codes[k]);
		return n;
	}
	return 0;
}

const char *
keys_name_at(const keys_entry *e, int n, size_t *len)
{
	const char *s = e->keys;

	for (;;) {
		s += strspn(s, " ");
		if (*s == '\0')
			return NULL;
		size_t l = strcspn(s, " ");
		if (n-- == 0) {
			*len = l;
			return s;
		}
		s += l;
	}
}

/* Whether the n-th name of e stands for code. */
static bool
name_has(const keys_entry *e, int n, int code)
{
	int codes[32];
	size_t len;
	const char *name = keys_name_at(e, n, &len);
	int k = name ? keys_name_codes(name, len, codes, 32) : 0;

	for (int i = 0; i < k && i < 32; i++)
		if (codes[i] == code)
			return true;
	return false;
}

const keys_entry *
keys_lookup(int code, unsigned ctx, int *which)
{
	size_t len;

	for (int i = 0; i < keys_count; i++) {
		const keys_entry *e = &keys_table[i];
		if (!keys_applies(e, ctx))
			continue;
		for (int n = 0; keys_name_at(e, n, &len) != NULL; n++) {
			if (name_has(e, n, code)) {
				*which = n;
				return e;
			}
		}
	}
	return NULL;
}

/* Whether a key name is one printable character (space too), or a range
 * of them: the footer's short form, which leaves the function keys to their
 * bar. */
static bool
char_name(const char *name, size_t len)
{
	return (len == 1 && name[0] != ' ') || (len == 3 && name[1] == '-') ||
	    (len == 5 && strncmp(name, "space", 5) == 0);
}

size_t
keys_live_names(const keys_entry *e, unsigned ctx, bool short_form, char *buf, size_t size)
{
	size_t out = 0, len;
	const char *name;
	bool chars = false;

	if (size > 0)
		buf[0] = '\0';
	for (int n = 0; short_form && (name = keys_name_at(e, n, &len)) != NULL; n++)
		chars = chars || char_name(name, len);
	for (int n = 0; (name = keys_name_at(e, n, &len)) != NULL; n++) {
		if (chars && !char_name(name, len))
			continue;
		int codes[32], which;
		int k = keys_name_codes(name, len, codes, 32);
		bool live = false;
		for (int i = 0; i < k && i < 32 && !live; i++)
			live = keys_lookup(codes[i], ctx, &which) == e;
		if (!live || out + len + 2 > size)
			continue;
		if (out > 0)
			buf[out++] = ' ';
		memcpy(buf + out, name, len);
		out += len;
		buf[out] = '\0';
	}
	return out;
}
