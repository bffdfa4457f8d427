/*
 * configfile.h - gsched's config file: settings the visualizer would otherwise
 * need on every command line, as lines of
 *
 *     # a comment
 *     procs = 4
 *     projector = true
 *
 * whose names are long options of an option table (cmdline.h) and whose
 * values are those options' values (a flag's: true/false, yes/no, on/off,
 * 1/0; a flag no-X may also be given as X, the other way round: color =
 * false).  The file is read as lessons are (textfile.h); a bad line is a usage
 * error "gsched: FILE:LINE: why" (exit 2).  cmd/main.c decides which table,
 * where the file is and what the command line overrides; the visualizer
 * writes the file back (config_write).
 */
#ifndef GSCHED_CONFIGFILE_H
#define GSCHED_CONFIGFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "format/cmdline.h"

#define CONFIG_FILE_MAX (64 * 1024) /* bytes in a config file */
#define CONFIG_LINE_MAX 1024        /* bytes in a line, without its line end */

/* Set option key (a row of the settable table) to value (NULL for a flag
 * set to true), name as written; 0, or 2 after reporting (cmdline_usage_error,
 * which config_load points at the file and line). */
typedef int (*config_set_fn)(void *ctx, int key, const char *value, const char *name);

typedef struct config_spec {
	const cmdline_opt *tab; /* the options a config file may set */
	int n;
	const cmdline_opt *all; /* every option of the command line: the others */
	int nall;               /* are refused by name rather than as unknown */
	config_set_fn set;
	void *ctx;
} config_spec;

/* $XDG_CONFIG_HOME/gsched/config (an absolute XDG_CONFIG_HOME), else
 * $HOME/.config/gsched/config, into buf: 0, or -1 when neither is set. */
int config_default_path(char *buf, size_t size);

/*
 * Read the config file path and set each of its settings through spec.
 * A file that does not exist is no error when optional (the default path).
 * 0, or 2 after reporting.
 */
int config_load(const char *path, bool optional, const config_spec *spec);

/* A flag's value: true/false, yes/no, on/off, 1/0 (any case). */
bool config_bool(const char *v, bool *out);

/* One setting for config_write. */
typedef struct config_item {
	const char *name;
	char value[32];
} config_item;

/*
 * Write the settings as a config file at path, all or nothing: into a
 * temporary file beside it, renamed over it when complete (a symbolic link
 * is followed: its target is replaced); missing directories are made.
 * 0, or -1 with "path: why" in err, the temporary file removed.
 */
int config_write(const char *path, const config_item *items, int n, char *err, size_t errsz);

#endif /* GSCHED_CONFIGFILE_H */
