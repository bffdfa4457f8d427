/*
 * tui_curses.h - the one place the visualizer includes curses (as htop's
 * ProvideCurses.h does): ncursesw's header lives in ncursesw/ on some systems
 * and at the top on others; configure says which (HAVE_NCURSESW_CURSES_H).
 * Only tui.c, paint.c and the render benchmark include this.
 */
#ifndef GSCHED_TUI_CURSES_H
#define GSCHED_TUI_CURSES_H

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

/* the wide-character API (setcchar, add_wch, addnwstr, get_wch) */
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif

#if defined(HAVE_NCURSESW_CURSES_H)
#include <ncursesw/curses.h>
#elif defined(HAVE_CURSES_H)
#include <curses.h>
#else
#error "no curses.h: configure checks for ncursesw"
#endif

#endif /* GSCHED_TUI_CURSES_H */
