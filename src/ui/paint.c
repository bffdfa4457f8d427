/*
 * paint.c - view_screen cells to curses (paint.h).
 *
 * A row is painted as runs of cells that share an attribute, one
 * wattr_set + mvwaddnwstr per run: about as few curses calls as the frame
 * allows.  Rows equal to what the last frame painted are left alone (stdscr
 * still holds them), which spares curses comparing them again in doupdate;
 * curses compares the rest with what the terminal shows and sends only the
 * difference.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* wcwidth */
#endif
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stddef.h>
#include <stdlib.h>
#include <wchar.h>

#include "ui/paint.h"
#include "ui/tui_curses.h"

/*
 * How each attribute looks.  Colours: foreground on the terminal's own
 * background (-1), except the bars, which need a background of their own.
 * Kinds and states each get a distinct hue, and none is told apart from
 * another by red against green alone (the letters say it in any case).
 * mono: what a terminal without colour (or NO_COLOR) shows instead.
 */
struct look {
	short fg, bg;
	attr_t color_attrs; /* added to the colour pair */
	attr_t mono_attrs;
};

static const struct look looks[VA_NATTRS] = {
	[VA_NORMAL] = { -1, -1, A_NORMAL, A_NORMAL },
	[VA_DIM] = { -1, -1, A_DIM, A_DIM },
	[VA_BOLD] = { -1, -1, A_BOLD, A_BOLD },
	[VA_TITLE] = { COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE },
	[VA_PAUSED] = { COLOR_BLACK, COLOR_YELLOW, A_BOLD, A_REVERSE | A_BOLD },
	[VA_KIND_CPU] = { COLOR_YELLOW, -1, A_BOLD, A_BOLD },
	[VA_KIND_SLEEP] = { COLOR_BLUE, -1, A_BOLD, A_DIM },
	[VA_KIND_SYSCALL] = { COLOR_MAGENTA, -1, A_BOLD, A_UNDERLINE },
	[VA_KIND_NET] = { COLOR_CYAN, -1, A_NORMAL, A_NORMAL },
	[VA_KIND_OTHER] = { -1, -1, A_NORMAL, A_NORMAL },
	[VA_P_RUNNING] = { COLOR_GREEN, -1, A_BOLD, A_BOLD },
	[VA_P_IDLE] = { -1, -1, A_DIM, A_DIM },
	[VA_P_SYSCALL] = { COLOR_MAGENTA, -1, A_BOLD, A_UNDERLINE },
	[VA_M_RUNNING] = { COLOR_GREEN, -1, A_NORMAL, A_BOLD },
	[VA_M_SPINNING] = { COLOR_YELLOW, -1, A_NORMAL, A_NORMAL },
	[VA_M_IDLE] = { -1, -1, A_DIM, A_DIM },
	[VA_M_SYSCALL] = { COLOR_MAGENTA, -1, A_NORMAL, A_UNDERLINE },
	[VA_M_NETPOLL] = { COLOR_CYAN, -1, A_NORMAL, A_NORMAL },
	[VA_M_SYSMON] = { COLOR_BLUE, -1, A_NORMAL, A_DIM },
	[VA_STEAL] = { COLOR_CYAN, -1, A_BOLD, A_BOLD | A_UNDERLINE },
	[VA_HANDOFF] = { COLOR_MAGENTA, -1, A_BOLD, A_BOLD | A_UNDERLINE },
	[VA_PREEMPT] = { COLOR_YELLOW, -1, A_BOLD, A_BOLD | A_UNDERLINE },
	[VA_GRAPH] = { COLOR_CYAN, -1, A_NORMAL, A_NORMAL },
	[VA_CAPTION] = { COLOR_WHITE, COLOR_BLUE, A_BOLD, A_BOLD | A_REVERSE },
	[VA_WARN] = { COLOR_WHITE, COLOR_RED, A_BOLD, A_BOLD | A_REVERSE },
	[VA_OK] = { COLOR_GREEN, -1, A_BOLD, A_BOLD },
	[VA_SELECTED] = { -1, -1, A_REVERSE, A_REVERSE },
	[VA_KEY] = { COLOR_CYAN, -1, A_BOLD, A_BOLD },
	[VA_HL_STEAL] = { COLOR_BLACK, COLOR_CYAN, A_BOLD, A_REVERSE | A_BOLD },
	[VA_HL_GLOBAL] = { COLOR_BLACK, COLOR_YELLOW, A_BOLD, A_REVERSE | A_UNDERLINE },
	[VA_HL_NEW] = { COLOR_BLACK, COLOR_GREEN, A_NORMAL, A_REVERSE },
	[VA_HL_FAIR] = { COLOR_BLACK, COLOR_WHITE, A_BOLD, A_REVERSE | A_BOLD | A_UNDERLINE },
	[VA_GAP] = { COLOR_CYAN, -1, A_NORMAL, A_NORMAL },
};

/* What stdscr gets for each attribute, fixed by paint_setup. */
static attr_t painted_attrs[VA_NATTRS];
static short painted_pair[VA_NATTRS];

/* The last frame painted, row by row, to skip unchanged rows; invalid after
 * paint_invalidate or a size change. */
static view_cell *last;
static int last_w, last_h;
static bool last_valid;

void
paint_invalidate(void)
{
	last_valid = false;
}

static bool
row_unchanged(const view_cell *row, int y, int w)
{
	const view_cell *old = last + (size_t)y * (size_t)last_w;

	for (int x = 0; x < w; x++)
		if (row[x].ch != old[x].ch || row[x].attr != old[x].attr)
			return false;
	return true;
}

/* Keep s as the last frame (or forget it if there is no memory). */
static void
remember(const view_screen *s)
{
	size_t n = (size_t)s->width * (size_t)s->height;

	if (s->width != last_w || s->height != last_h) {
		view_cell *c = realloc(last, (n ? n : 1) * sizeof *c);
		if (c == NULL) {
			last_valid = false;
			return;
		}
		last = c;
		last_w = s->width;
		last_h = s->height;
	}
	for (size_t i = 0; i < n; i++) {
		last[i].ch = s->cells[i].ch;
		last[i].attr = s->cells[i].attr;
	}
	last_valid = true;
}

bool
paint_setup(bool mono, bool projector)
{
	bool color = !mono && has_colors() && start_color() == OK;

	/* one pair per attribute; a terminal with too few pairs gets mono */
	if (color && COLOR_PAIRS <= VA_NATTRS)
		color = false;
	if (color)
		use_default_colors();
	for (int a = 0; a < VA_NATTRS; a++) {
		const struct look *l = &looks[a];
		attr_t at = color ? l->color_attrs : l->mono_attrs;

		painted_pair[a] = 0;
		if (color && (l->fg != -1 || l->bg != -1)) {
			init_pair((short)(a + 1), l->fg, l->bg);
			painted_pair[a] = (short)(a + 1);
		}
		/* a projector washes dim text out: make it plain, and colours
		 * bold so thin strokes survive the light */
		if (projector) {
			at &= ~(attr_t)A_DIM;
			if (color && painted_pair[a] != 0)
				at |= A_BOLD;
		}
		painted_attrs[a] = at;
	}
	last_valid = false;
	return color;
}

/* One cell's character as curses may draw it in one column. */
static wchar_t
cell_char(uint32_t ch)
{
	if (ch < 0x20 || ch == 0x7f)
		return L' ';
	if (ch < 0x7f)
		return (wchar_t)ch;
	/* the view draws box drawing and block elements, one column each; any
	 * other width would shift the rest of the row */
	if (ch > 0x10ffff || wcwidth((wchar_t)ch) != 1)
		return L'?';
	return (wchar_t)ch;
}

void
paint(const view_screen *s)
{
	int rows, cols;
	wchar_t run[512];

	getmaxyx(stdscr, rows, cols);
	bool same_size = last_valid && s->width == last_w && s->height == last_h;
	for (int y = 0; y < s->height && y < rows; y++) {
		const view_cell *row = s->cells + (size_t)y * (size_t)s->width;
		int w = s->width < cols ? s->width : cols;
		int x = 0;

		if (same_size && row_unchanged(row, y, w))
			continue;
		while (x < w) {
			int a = row[x].attr < VA_NATTRS ? row[x].attr : VA_NORMAL;
			int n = 0;

			while (x + n < w && n < (int)(sizeof run / sizeof run[0]) &&
			    (row[x + n].attr < VA_NATTRS ? row[x + n].attr : VA_NORMAL) == a) {
				run[n] = cell_char(row[x + n].ch);
				n++;
			}
			wattr_set(stdscr, painted_attrs[a], painted_pair[a], NULL);
			/* the bottom right cell makes curses return ERR (the cursor
			 * cannot move on without scrolling) after drawing it */
			(void)mvwaddnwstr(stdscr, y, x, run, n);
			x += n;
		}
	}
	wattr_set(stdscr, A_NORMAL, 0, NULL);
	wnoutrefresh(stdscr);
	remember(s);
}
