/*
 * batch.h - the observation options of the gsched program: --batch, --record,
 * --replay, --trace and their settings.  main.c hands over any command line
 * that starts with one of them.
 */
#ifndef GSCHED_CLI_H
#define GSCHED_CLI_H

#include <stdbool.h>
#include <stdio.h>

/* True if arg is an option batch_main handles. */
bool batch_handles(const char *arg);
/* Run argv[1..] as observation options.  Exit status: 0; 1 if the runtime
 * failed; 2 for a usage error or a bad recording (reported on stderr). */
int batch_main(int argc, char **argv);
/* The options, for --help. */
void batch_usage(FILE *f);

/* For other option parsers (ui/tui.c): a usage error ("gsched: MSG", a
 * hint) on stderr, returning 2.  Numbers are read with parse.h. */
int batch_usage_error(const char *msg);

#endif /* GSCHED_CLI_H */
