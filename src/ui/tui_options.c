/*
 * tui_options.c - the visualizer's options: their table (cmd/main.c parses
 * the whole command line with it), what each sets, and its part of --help.
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

#include "format/cmdline.h"
#include "format/parse.h"
#include "live/session.h"
#include "ui/paint.h"
#include "ui/tui.h"
#include "ui/tui_state.h"
#include "ui/tui_curses.h"
#include "ui/view.h"

/* ---- options --------------------------------------------------------------- */

const cmdline_opt tui_options[] = {
	{ "delay", 'd', required_argument, "DELAY",
	    "between ticks: tenths of a second (1..600) or a\n"
	    "duration such as 500ms or 2s (100ms..1m, in steps of\n"
	    "100ms); default 1 (100ms)" },
	{ "procs", 'p', required_argument, "PROCS",
	    "GOMAXPROCS at start (1..256, default: the runtime's)" },
	{ "no-color", TUI_OPT_NO_COLOR, no_argument, NULL,
	    "no colours (also when NO_COLOR is set and not empty)" },
	{ "ascii", TUI_OPT_ASCII, no_argument, NULL,
	    "ASCII only (also when the locale is not UTF-8)" },
	{ "projector", TUI_OPT_PROJECTOR, no_argument, NULL,
	    "fewer panels, larger blocks, high contrast" },
	{ "no-mouse", TUI_OPT_NO_MOUSE, no_argument, NULL,
	    "leave the mouse to the terminal (else a click on a P,\n"
	    "an M or a goroutine opens its page, on a key hint does\n"
	    "the key, and the wheel scrolls)" },
	{ "slow", CMDLINE_KEY_SLOW, required_argument, "N", CMDLINE_SLOW_HELP },
	{ "history", TUI_OPT_HISTORY, required_argument, "MIB",
	    "memory for the rewind's ticks (1..65536 MiB, default\n"
	    "64); the oldest ticks leave first.  A tick costs 4-10 KiB\n"
	    "with hundreds of events (64 MiB: 10-25 minutes at 10 Hz),\n"
	    "~90 KiB with thousands (about a minute); Home says\n"
	    "what is kept" },
};
const int tui_noptions = sizeof tui_options / sizeof tui_options[0];

void
tui_usage(FILE *f)
{
	fputs("The live visualizer (the default: needs a terminal):\n"
	      "  gsched [-d DELAY] [-p PROCS] [--no-color] [--ascii] [--projector]\n"
	      "         [--no-mouse] [--slow N] [--record FILE] [--history MIB]\n"
	      "  With no arguments at all it opens the introductory lesson (" TUI_INTRO_LESSON
	      "),\n"
	      "  with options the default mixed workload.  -d, --no-color, --ascii,\n"
	      "  --projector, --no-mouse, --slow, --record and --history apply to\n"
	      "  lessons as well (gsched LESSON --projector).  --slow N slows the\n"
	      "  scheduler itself down (the title shows SLOW xN); a lesson's\n"
	      "  --time-scale X stretches only the lesson's own waits.  --record FILE\n"
	      "  records what is shown (R in the view too).\n"
	      "\n",
	    f);
	cmdline_help(f, tui_options, tui_noptions);
	fputs("\n"
	      "Keys: ? or F1 help, q or F10 quit, space pause, . step one tick while\n"
	      "paused, w stop/start the world, + - GOMAXPROCS, 1-9 and 0 (10) set it,\n"
	      "= type it, c s b n spawn cpu/sleep/syscall/netwait goroutines (C S B N:\n"
	      "ten times as many), [ ] slower/faster ticks, p m P and M details (Tab\n"
	      "cycles), g goroutines (s sorts), l event log, R record to a file (R\n"
	      "again stops), W save the view's settings to the config file, Ctrl-L\n"
	      "redraw, Esc back.\n"
	      "In a lesson: n or PgDn next step, N or PgUp back a chapter (space pauses\n"
	      "the lesson with the view).\n"
	      "Rewind: the view keeps its ticks (--history); Left / Right (or , .) one\n"
	      "tick back / forward (Left pauses), Shift-Left / Shift-Right or < > ten,\n"
	      "Home the oldest kept, End back to live.  Detail pages: , . < >.\n"
	      "F2 to F9 (the bar from 100x32): pause, step, slower, faster,\n"
	      "goroutines, log, world, record.  Mouse (unless --no-mouse): a click on\n"
	      "a P, an M or a goroutine opens its page, on a key hint does the key;\n"
	      "the wheel scrolls.  Warnings (a goroutine unpreempted past 2 slices, a queue\n"
	      "beside an idle P, threads near the limit, lost events) show on a line\n"
	      "under the header and in the log; ? explains each.\n"
	      "\n"
	      "gsched --replay FILE on a terminal (without --batch, --json, -v, --trace\n"
	      "or --replay-step) plays a recording in the visualizer: space plays /\n"
	      "pauses, [ ] speed x0.1 to x16, the rewind keys seek; -d sets the time\n"
	      "between ticks at x1 (default: the recording's).  Without a terminal it\n"
	      "prints the recording as --batch does.\n"
	      "Without a terminal, use --batch.  See gsched(1).\n",
	    f);
}

/* Whether the locale (set from the environment) writes UTF-8. */
static bool
locale_is_utf8(void)
{
	const char *cs;

	setlocale(LC_ALL, "");
	cs = nl_langinfo(CODESET);
	return cs != NULL && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

void
tui_opts_init(tui_opts *o)
{
	memset(o, 0, sizeof *o);
	o->tenths = 1;
	o->history_mib = TUI_HISTORY_MIB;
}

int
tui_option(tui_opts *o, int key, const char *v, const char *spelled)
{
	switch (key) {
	case 'd':
		o->have_delay = true;
		return cmdline_delay(v, spelled, &o->tenths);
	case 'p':
		return cmdline_procs(v, spelled, &o->procs);
	case TUI_OPT_NO_COLOR:
		o->no_color = true;
		return 0;
	case TUI_OPT_ASCII:
		o->ascii = true;
		return 0;
	case TUI_OPT_PROJECTOR:
		o->projector = true;
		return 0;
	case TUI_OPT_NO_MOUSE:
		o->no_mouse = true;
		return 0;
	case CMDLINE_KEY_SLOW:
		return cmdline_slow(v, spelled, &o->slow);
	case TUI_OPT_HISTORY:
		if (!parse_int(v, 1, TUI_HISTORY_MAX_MIB, &o->history_mib))
			return cmdline_usage_error(NULL,
			    "%s: '%s' is not a memory size in MiB from 1 to %d", spelled, v,
			    TUI_HISTORY_MAX_MIB);
		return 0;
	}
	return cmdline_usage_error(NULL, "%s is not a visualizer option", spelled);
}

void
tui_opts_finish(tui_opts *o)
{
	const char *nc = getenv("NO_COLOR");

	o->asked_no_color = o->no_color;
	o->asked_ascii = o->ascii;
	if (nc != NULL && *nc != '\0')
		o->no_color = true;
	if (!locale_is_utf8())
		o->ascii = true;
}

int
tui_parse(int argc, char **argv, tui_opts *o)
{
	cmdline c;
	const char *v;
	int key, rc;

	tui_opts_init(o);
	cmdline_init(&c, tui_options, tui_noptions, NULL, argc, argv);
	while ((key = cmdline_next(&c, &v)) != CMDLINE_END) {
		if (key == CMDLINE_ERROR)
			return 2;
		if (key == CMDLINE_OPERAND)
			return cmdline_usage_error(NULL, "unexpected argument '%s'", v);
		if ((rc = tui_option(o, key, v, cmdline_spelled(&c))) != 0)
			return rc;
	}
	tui_opts_finish(o);
	return 0;
}
