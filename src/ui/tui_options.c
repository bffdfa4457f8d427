/*
 * tui_options.c - the visualizer's command-line options (tui_parse, tui_usage).
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

/* ---- options --------------------------------------------------------------- */

static const char *const tui_longopts[] = { "--delay", "--procs", "--no-color", "--ascii",
	"--projector" };

bool
tui_handles(const char *a)
{
	for (size_t i = 0; i < sizeof tui_longopts / sizeof tui_longopts[0]; i++) {
		size_t n = strlen(tui_longopts[i]);
		if (strncmp(a, tui_longopts[i], n) == 0 && (a[n] == '\0' || a[n] == '='))
			return true;
	}
	return a[0] == '-' && (a[1] == 'd' || a[1] == 'p');
}

void
tui_usage(FILE *f)
{
	fputs("The live visualizer (the default: needs a terminal):\n"
	      "  gsched [-d TENTHS] [-p PROCS] [--no-color] [--ascii] [--projector]\n"
	      "  With no arguments at all it opens the introductory lesson (" TUI_INTRO_LESSON
	      "),\n"
	      "  with options the default mixed workload.\n"
	      "\n"
	      "  -d, --delay TENTHS tenths of a second between ticks (1..600, "
	      "default 1)\n"
	      "  -p, --procs PROCS  GOMAXPROCS at start (1..256, default: the "
	      "runtime's)\n"
	      "      --no-color     no colours (also when NO_COLOR is set and not "
	      "empty)\n"
	      "      --ascii        ASCII only (also when the locale is not UTF-8)\n"
	      "      --projector    fewer panels, larger blocks, high contrast\n"
	      "\n"
	      "Keys: ? or F1 help, q or F10 quit, space pause, . step one tick while\n"
	      "paused, w stop/start the world, + - GOMAXPROCS, 1-9 and 0 (10) set it,\n"
	      "= type it, c s b n spawn cpu/sleep/syscall/netwait goroutines (C S B N:\n"
	      "ten times as many), [ ] slower/faster ticks, p m P and M details (Tab\n"
	      "cycles), g goroutines (s sorts), l event log, Ctrl-L redraw, Esc back.\n"
	      "In a lesson: n or PgDn next step, N or PgUp back a chapter (space pauses\n"
	      "the lesson with the view).\n"
	      "Without a terminal, use --batch.  See gsched(1).\n",
	    f);
}

/* A usage error: fmt has one %s for a. */
static int
tui_uerr(const char *fmt, const char *a)
{
	char msg[256];

	snprintf(msg, sizeof msg, fmt, a);
	return batch_usage_error(msg);
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

int
tui_parse(int argc, char **argv, tui_opts *o)
{
	const char *nc = getenv("NO_COLOR");

	memset(o, 0, sizeof *o);
	o->tenths = 1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = NULL;
		char name[16];
		size_t ln = strcspn(a, "=");

		snprintf(name, sizeof name, "%.*s", (int)(ln < 15 ? ln : 15), a);
		if (strcmp(a, "--no-color") == 0) {
			o->no_color = true;
			continue;
		}
		if (strcmp(a, "--ascii") == 0) {
			o->ascii = true;
			continue;
		}
		if (strcmp(a, "--projector") == 0) {
			o->projector = true;
			continue;
		}
		bool d = strcmp(name, "-d") == 0 || strcmp(name, "--delay") == 0 ||
		    (strncmp(a, "-d", 2) == 0 && a[2] != '-');
		bool p = strcmp(name, "-p") == 0 || strcmp(name, "--procs") == 0 ||
		    (strncmp(a, "-p", 2) == 0 && a[2] != '-');
		if (!d && !p) {
			if (a[0] == '-')
				return tui_uerr("unknown option '%s' (the visualizer "
						"takes -d, -p, --no-color, --ascii, "
						"--projector)",
				    a);
			return tui_uerr("unexpected argument '%s'", a);
		}
		/* the value: "--delay=5", "-d5", or the next word */
		if (a[1] == '-' && a[ln] == '=')
			v = a + ln + 1;
		else if (a[1] != '-' && a[2] != '\0')
			v = a + 2;
		else if (a[1] == '-' && a[ln] != '\0')
			return tui_uerr("unknown option '%s'", a);
		else if (i + 1 < argc)
			v = argv[++i];
		if (v == NULL)
			return tui_uerr("option '%s' needs a value", a);
		if (d && !parse_int(v, 1, TENTHS_MAX, &o->tenths))
			return tui_uerr("-d/--delay: '%s' is not a number of tenths of a "
					"second from 1 to 600",
			    v);
		if (p && !parse_int(v, 1, PROCS_MAX, &o->procs))
			return tui_uerr("-p/--procs: '%s' is not a number of Ps from 1 "
					"to 256",
			    v);
	}
	if (nc != NULL && *nc != '\0')
		o->no_color = true;
	if (!locale_is_utf8())
		o->ascii = true;
	return 0;
}
