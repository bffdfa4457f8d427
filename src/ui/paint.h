/*
 * paint.h - the visualizer's painter: a view_screen of cells (view.h) onto the
 * curses standard screen.  The view model decides what each cell says and
 * means (its view_attr); this file only decides how a meaning looks: a colour
 * pair per attribute, or in monochrome bold/reverse/underline/dim.  Colour
 * never carries meaning alone: every attribute that matters also comes with a
 * letter or symbol in the text (view.h).
 *
 * UI thread only; curses must be initialised (newterm) first.
 */
#ifndef GSCHED_PAINT_H
#define GSCHED_PAINT_H

#include <stdbool.h>

#include "ui/view.h"

/*
 * Choose how attributes look.  mono: no colours even if the terminal has
 * them; projector: high contrast (nothing dim, colours bold).  Calls
 * start_color/use_default_colors when colours are used.  Returns true if
 * colours are in use (false: monochrome, asked for or forced by the terminal).
 */
bool paint_setup(bool mono, bool projector);

/* Draw s onto stdscr from its top left corner and wnoutrefresh it; the caller
 * calls doupdate.  Cells outside the window are left out. */
void paint(const view_screen *s);

/* Forget the last frame: the next paint draws every row.  After a
 * resize, Ctrl-L, or anything else that may have changed stdscr. */
void paint_invalidate(void);

#endif /* GSCHED_PAINT_H */
