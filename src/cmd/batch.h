/*
 * batch.h - the observation options of the gsched program: --batch, --record,
 * --replay, --trace and their settings.  cmd/main.c parses the command line
 * with batch_options in its table and hands the result to batch_run.
 */
#ifndef GSCHED_CMD_BATCH_H
#define GSCHED_CMD_BATCH_H

#include <stdbool.h>
#include <stdio.h>

#include "format/cmdline.h"
#include "live/ticker.h"

#define BATCH_SPAWNS_MAX 32

typedef struct batch_opts {
	bool batch, verbose, json, step;
	bool have_n, have_d, have_p;
	int ticks;  /* -n: 1..1000000, default 50 */
	int tenths; /* -d: between ticks (1..600 tenths, default 1) */
	int procs;  /* -p: GOMAXPROCS (1..256; 0: the runtime's) */
	int slow;   /* --slow: slow motion 1..1000 (0: none asked for) */
	const char *record, *replay, *trace;
	/* replay is a Go program's saved GODEBUG log (gsched go --from FILE
	 * --batch), read by format/godebug.h, not a recording */
	bool replay_godebug;
	ticker_spawn spawns[BATCH_SPAWNS_MAX];
	char spawnnames[BATCH_SPAWNS_MAX][32];
	int nspawns;
} batch_opts;

/* The rows of the command line's table that batch_option sets.  -d, -p and
 * --slow are the visualizer's too (cmd/main.c gives them to both).  Keys
 * besides 'n', 'd', 'p', 'w', 'v' and CMDLINE_KEY_SLOW: */
enum {
	BATCH_OPT_BATCH = CMDLINE_LONG + 16,
	BATCH_OPT_JSON,
	BATCH_OPT_RECORD,
	BATCH_OPT_TRACE,
	BATCH_OPT_REPLAY,
	BATCH_OPT_REPLAY_STEP
};
extern const cmdline_opt batch_options[];
extern const int batch_noptions;

/* Defaults before the options. */
void batch_opts_init(batch_opts *o);
/* Set the option with this key (a batch_options row) from v, spelled as
 * written.  0, or 2 after reporting a usage error. */
int batch_option(batch_opts *o, int key, const char *v, const char *spelled);
/* After the options: what cannot go together.  0, or 2 after reporting. */
int batch_check(const batch_opts *o);
/* Run them.  Exit status: 0; 1 if the runtime or writing failed; 2 for a
 * usage error or a bad recording (reported on stderr). */
int batch_run(const batch_opts *o);
/* The options, for --help. */
void batch_usage(FILE *f);
/* The observation options alone (argv[1..]): parse, check, run (tests). */
int batch_main(int argc, char **argv);

#endif /* GSCHED_CMD_BATCH_H */
