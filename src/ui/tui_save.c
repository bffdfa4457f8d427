/*
 * tui_save.c - W: the view's settings as they are now written to the config
 * file (format/configfile.h), which cmd/main.c reads at the next start.  The
 * question before overwriting is W's own prompt on the footer.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gsched.h>

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "format/configfile.h"
#include "ui/tui.h"
#include "ui/tui_curses.h"
#include "ui/tui_state.h"

static int
item(config_item *it, int n, const char *name, const char *fmt, int v)
{
	it[n].name = name;
	snprintf(it[n].value, sizeof it[n].value, fmt, v);
	return n + 1;
}

static int
flag(config_item *it, int n, const char *name, bool on)
{
	it[n].name = name;
	snprintf(it[n].value, sizeof it[n].value, "%s", on ? "true" : "false");
	return n + 1;
}

/* The settings the view has now, in the config file's names. */
static int
settings(const struct tui *t, config_item *it)
{
	long tenths = (long)(10.0 / t->v.tick_hz + 0.5);
	int n = 0;

	/* a lesson sets its own Ps and slow motion, a recording has them:
	 * only a live workload's are the user's */
	if (t->player == NULL && !t->replay) {
		n = item(it, n, "procs", "%d", t->procs);
		if (t->v.slow > 1)
			n = item(it, n, "slow", "%d", t->v.slow);
	}
	/* the tick rate, to the delay's whole tenths of a second (1..600) */
	n = item(it, n, "delay", "%d", (int)(tenths < 1 ? 1 : tenths > 600 ? 600 : tenths));
	n = flag(it, n, "projector", t->o.projector);
	n = flag(it, n, "ascii", t->o.asked_ascii);
	n = flag(it, n, "no-color", t->o.asked_no_color);
	return item(it, n, "history", "%d", t->o.history_mib);
}

static void
save(struct tui *t)
{
	config_item it[8];
	char err[4096 + 256];

	if (config_write(t->save_path, it, settings(t, it), err, sizeof err) != 0)
		tui__status(t, true, "settings not saved: %s", err);
	else
		tui__note(t, VA_BOLD, "settings saved to %s", t->save_path);
}

void
tui__save_key(struct tui *t)
{
	struct stat st;

	if (t->o.config != NULL)
		snprintf(t->save_path, sizeof t->save_path, "%s", t->o.config);
	else if (config_default_path(t->save_path, sizeof t->save_path) != 0) {
		tui__status(t, true, "no config file: neither XDG_CONFIG_HOME nor HOME is set");
		return;
	}
	if (lstat(t->save_path, &st) != 0) {
		save(t);
		return;
	}
	t->save_ask = true;
	snprintf(t->save_prompt, sizeof t->save_prompt,
	    "overwrite %s with the view's settings? (y writes, any other key cancels)",
	    t->save_path);
}

bool
tui__save_prompt_key(struct tui *t, int key)
{
	if (!t->save_ask)
		return false;
	t->save_ask = false;
	if (key == 'y' || key == 'Y')
		save(t);
	else
		tui__status(t, false, "settings not saved");
	return true;
}
