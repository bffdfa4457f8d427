/*
 * cmdline.h - gsched's command lines: a table of options per sub-command
 * drives getopt_long (long options, their unambiguous abbreviations, `--`
 * ending the options), the option list of --help, and the man-page test;
 * and the one usage-error form every sub-command reports in:
 *
 *     gsched: <what is wrong>
 *     Try 'gsched [SUBCOMMAND ]--help'.
 *
 * with exit status 2.  Values are read with parse.h.
 */
#ifndef GSCHED_CMDLINE_H
#define GSCHED_CMDLINE_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

/* One option of a table. */
typedef struct cmdline_opt {
	const char *name; /* the long name without "--" (NULL: short only) */
	int key;          /* what it sets, as the caller's switch names it: the
	                     short option's letter, or CMDLINE_LONG + n for a
	                     long-only one; unique within a table */
	int has_arg;      /* no_argument or required_argument */
	const char *arg;  /* the value's name in --help ("TICKS"), NULL: none */
	const char *help; /* --help's text; '\n' starts a continuation line */
} cmdline_opt;

#define CMDLINE_LONG 256 /* keys from here on have no short option */
#define CMDLINE_OPTS_MAX 48

/* What cmdline_next returns besides a key. */
enum {
	CMDLINE_END = -1,    /* no more arguments */
	CMDLINE_ERROR = -2,  /* a usage error, reported; exit with 2 */
	CMDLINE_OPERAND = 1, /* a word that is no option (*val) */
};

/* A parse in progress (getopt_long's global state is reset at init). */
typedef struct cmdline {
	const cmdline_opt *tab;
	int n;
	const char *cmd; /* the sub-command for the hint, NULL: gsched itself */
	int argc;
	char **argv;
	bool dashdash; /* past "--": the rest are operands */
	char spelled[64];
	struct option longopts[CMDLINE_OPTS_MAX + 1];
	char shortopts[2 * CMDLINE_OPTS_MAX + 3];
} cmdline;

/*
 * --slow N, slow motion (gs_set_timescale), is the one long option both the
 * visualizer's table (ui/tui_options.c) and the observation table
 * (cmd/batch.c) have: one key, so the command line's merged table keeps one
 * row and both set it; one help text; one parse.
 */
#define CMDLINE_KEY_SLOW (CMDLINE_LONG + 64)
#define CMDLINE_SLOW_HELP                                                                          \
	"slow motion: every scheduler time (sysmon, the 10 ms\n"                                   \
	"slice, the syscall hand-off) and every workload's wait\n"                                 \
	"and CPU step N times longer (1..1000), so the same\n"                                     \
	"steals, hand-offs and preemptions happen N times slower;\n"                               \
	"times shown say both (x20 slow: 61.5 ms real-speed)"
/* N of --slow N (spelled as written) into *n: 0, or 2 after reporting. */
int cmdline_slow(const char *v, const char *spelled, int *n);
/* -d DELAY: tenths of a second (1..600) or a duration in whole tenths, into
 * *tenths; and -p PROCS (1..256).  0, or 2 after reporting.  Shared by the
 * visualizer and the observation options, which take the same -d and -p. */
int cmdline_delay(const char *v, const char *spelled, int *tenths);
int cmdline_procs(const char *v, const char *spelled, int *procs);

/* Start parsing argv[1..argc) with tab (n rows) for sub-command cmd. */
void cmdline_init(cmdline *c, const cmdline_opt *tab, int n, const char *cmd, int argc,
    char **argv);

/*
 * The next option: its key (with *val its value or NULL), CMDLINE_OPERAND
 * (with *val the word; operands come in order, options may follow them),
 * CMDLINE_END, or CMDLINE_ERROR after reporting an unknown, ambiguous or
 * misused option.
 */
int cmdline_next(cmdline *c, const char **val);

/* The index in argv of the first word not parsed yet.  After an operand:
 * the word after it, so a sub-command whose operand starts a command line
 * of its own (gsched go PROGRAM ARGS...) stops there and takes the rest
 * as they are. */
int cmdline_index(const cmdline *c);

/* The option cmdline_next returned last, as the user spelled it ("-d" or
 * "--delay", never an abbreviation), for messages. */
const char *cmdline_spelled(const cmdline *c);

/* The option of tab with this key ("--delay", or "-n" when it has no long
 * name), for messages about options given together. */
const char *cmdline_name(const cmdline_opt *tab, int n, int key, char *buf, size_t size);

/* Report a usage error of sub-command cmd (NULL: gsched) in the form above.
 * Returns 2, the exit status. */
int cmdline_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* While where is not NULL, usage errors are about a place in a file, not
 * the command line: "gsched: WHERE: <what is wrong>", without the hint.
 * config_load sets it around each line; NULL restores the form above. */
void cmdline_error_where(const char *where);

/* --help's option list: one "  -d, --delay TENTHS  text" entry per row. */
void cmdline_help(FILE *f, const cmdline_opt *tab, int n);

#endif /* GSCHED_CMDLINE_H */
