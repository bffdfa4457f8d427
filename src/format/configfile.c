/*
 * configfile.c - the config file (configfile.h): read line by line as lessons are
 * (textfile.h), each name looked up in the caller's option table and set
 * through it, so the file takes exactly the values the command line takes;
 * and written back whole, through a temporary file and a rename.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "format/configfile.h"
#include "format/textfile.h"

int
config_default_path(char *buf, size_t size)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	int n;

	/* the XDG base directory rules: a relative XDG_CONFIG_HOME is ignored */
	if (xdg != NULL && xdg[0] == '/')
		n = snprintf(buf, size, "%s/gsched/config", xdg);
	else if (home != NULL && home[0] != '\0')
		n = snprintf(buf, size, "%s/.config/gsched/config", home);
	else
		return -1;
	return n > 0 && (size_t)n < size ? 0 : -1;
}

bool
config_bool(const char *v, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };

	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		if (strcasecmp(v, yes[i]) == 0)
			return *out = true;
		if (strcasecmp(v, no[i]) == 0)
			return !(*out = false);
	}
	return false;
}

/* Edit distance of a and b (insertions, deletions, substitutions), for the
 * suggestion after an unknown name; names are short (under 32 bytes). */
static size_t
distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), row[33];

	if (la > 32 || lb > 32)
		return SIZE_MAX;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

static const cmdline_opt *
find_name(const cmdline_opt *tab, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (tab[i].name != NULL && strcmp(tab[i].name, name) == 0)
			return &tab[i];
	return NULL;
}

/* The settable names, "delay, procs, ...", for messages. */
static const char *
names_list(const config_spec *spec, char *buf, size_t size)
{
	size_t k = 0;

	buf[0] = '\0';
	for (int i = 0; i < spec->n && k < size; i++)
		if (spec->tab[i].name != NULL)
			k += (size_t)snprintf(buf + k, size - k, "%s%s", k ? ", " : "",
			    spec->tab[i].name);
	return buf;
}

static int
unknown_name(const config_spec *spec, const char *name)
{
	const char *best = NULL;
	size_t bestd = SIZE_MAX;
	char list[256];

	/* an abbreviation or a near miss (a typo, a "--" kept from a command
	 * line), of a name or of a flag no-X's X */
	for (int i = 0; i < 2 * spec->n; i++) {
		const cmdline_opt *o = &spec->tab[i / 2];
		const char *ln = o->name;
		size_t d;
		if (ln == NULL)
			continue;
		if (i % 2 == 1) {
			if (o->has_arg != no_argument || strncmp(ln, "no-", 3) != 0)
				continue;
			ln += 3;
		}
		d = strncmp(ln, name, strlen(name)) == 0 ? 0 : distance(name, ln);
		if (d < bestd)
			best = ln, bestd = d;
	}
	if (best != NULL && bestd <= 2)
		return cmdline_usage_error(NULL, "unknown setting '%s' (did you mean '%s'?)", name,
		    best);
	return cmdline_usage_error(NULL, "unknown setting '%s' (the settings are %s)", name,
	    names_list(spec, list, sizeof list));
}

/* Blanks off both ends of s[0..*len): the new start. */
static char *
trim(char *s, size_t *len)
{
	while (*len > 0 && (*s == ' ' || *s == '\t'))
		s++, (*len)--;
	while (*len > 0 && (s[*len - 1] == ' ' || s[*len - 1] == '\t'))
		(*len)--;
	s[*len] = '\0';
	return s;
}

/* One line, already checked for bytes (a copy: it is cut up).  seen[key
 * row] is the line that set each row, for repeats. */
static int
config_line(const config_spec *spec, char *s, size_t len, int line, int *seen)
{
	char *eq, *name, *value, list[256];
	size_t nl, vl;
	const cmdline_opt *o;
	bool on, negated = false;

	s = trim(s, &len);
	if (len == 0 || s[0] == '#')
		return 0;
	eq = strchr(s, '=');
	if (eq == NULL)
		return cmdline_usage_error(NULL, "expected 'name = value', got '%.40s'", s);
	nl = (size_t)(eq - s);
	name = trim(s, &nl);
	value = eq + 1;
	/* a '#' after a blank starts a comment; no value holds one */
	for (char *h = value; (h = strchr(h, '#')) != NULL; h++)
		if (h > value && (h[-1] == ' ' || h[-1] == '\t')) {
			*h = '\0';
			break;
		}
	vl = strlen(value);
	value = trim(value, &vl);
	if (nl == 0)
		return cmdline_usage_error(NULL, "no name before '='");
	if ((o = find_name(spec->tab, spec->n, name)) == NULL) {
		/* a flag no-X reads as X = false too (color = false, mouse = false) */
		char no[64];
		snprintf(no, sizeof no, "no-%s", name);
		o = find_name(spec->tab, spec->n, no);
		negated = o != NULL && o->has_arg == no_argument;
		if (!negated)
			o = NULL;
	}
	if (o == NULL) {
		if (find_name(spec->all, spec->nall, name) != NULL)
			return cmdline_usage_error(NULL,
			    "'%s' cannot be set in a config file, only on the command line "
			    "(the config file's settings are %s)",
			    name, names_list(spec, list, sizeof list));
		return unknown_name(spec, name);
	}
	int row = (int)(o - spec->tab);
	if (seen[row] != 0)
		return cmdline_usage_error(NULL, "'%s' is set twice (first on line %d)", name,
		    seen[row]);
	seen[row] = line;
	if (vl == 0)
		return cmdline_usage_error(NULL, "'%s' needs a value (%s)", name,
		    o->has_arg == no_argument ? "true or false" : o->arg);
	if (o->has_arg == no_argument) {
		if (!config_bool(value, &on))
			return cmdline_usage_error(NULL,
			    "%s: '%s' is not true or false (true/false, yes/no, on/off, 1/0)", name,
			    value);
		return on != negated ? spec->set(spec->ctx, o->key, NULL, name) : 0;
	}
	return spec->set(spec->ctx, o->key, value, name);
}

int
config_load(const char *path, bool optional, const config_spec *spec)
{
	char err[PATH_MAX + 256], where[PATH_MAX + 32], why[64], copy[CONFIG_LINE_MAX + 1];
	int seen[CMDLINE_OPTS_MAX] = { 0 }, line = 0, rc = 0, col;
	const char *s;
	char *buf;
	size_t len, pos = 0, ll;
	bool missing;

	if (textfile_read(path, CONFIG_FILE_MAX, "a config file", &buf, &len, &missing, err,
		sizeof err) != 0) {
		if (missing && optional)
			return 0;
		fprintf(stderr, "gsched: %s\n", err);
		return 2;
	}
	cmdline_error_where(where);
	while (rc == 0 && textfile_line(buf, len, &pos, &s, &ll)) {
		snprintf(where, sizeof where, "%s:%d", path, ++line);
		if ((col = textfile_check_line(s, ll, CONFIG_LINE_MAX, why, sizeof why)) != 0) {
			rc = cmdline_usage_error(NULL, "column %d: %s", col, why);
			break;
		}
		memcpy(copy, s, ll);
		copy[ll] = '\0';
		rc = config_line(spec, copy, ll, line, seen);
	}
	cmdline_error_where(NULL);
	free(buf);
	return rc;
}

/* mkdir -p of path's directory. */
static int
make_dirs(const char *path, char *err, size_t errsz)
{
	char dir[PATH_MAX];
	char *slash;

	snprintf(dir, sizeof dir, "%s", path);
	if ((slash = strrchr(dir, '/')) == NULL || slash == dir)
		return 0;
	*slash = '\0';
	for (char *p = dir + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
			snprintf(err, errsz, "%s: cannot make the directory %s: %s", path, dir,
			    strerror(errno));
			return -1;
		}
		*p = '/';
	}
	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		snprintf(err, errsz, "%s: cannot make the directory %s: %s", path, dir,
		    strerror(errno));
		return -1;
	}
	return 0;
}

int
config_write(const char *path, const config_item *items, int n, char *err, size_t errsz)
{
	char target[PATH_MAX], tmp[PATH_MAX + 16];
	struct stat st;
	FILE *f;
	int fd, bad;

	/* a config kept elsewhere and linked here (dotfiles) stays linked */
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode) && realpath(path, target) != NULL)
		path = target;
	if (make_dirs(path, err, errsz) != 0)
		return -1;
	if (snprintf(tmp, sizeof tmp, "%s.XXXXXX", path) >= (int)sizeof tmp) {
		snprintf(err, errsz, "%s: name too long", path);
		return -1;
	}
	if ((fd = mkstemp(tmp)) < 0) {
		snprintf(err, errsz, "%s: cannot write: %s", path, strerror(errno));
		return -1;
	}
	(void)fchmod(fd, 0644);
	if ((f = fdopen(fd, "w")) == NULL) {
		snprintf(err, errsz, "%s: cannot write: %s", path, strerror(errno));
		close(fd);
		unlink(tmp);
		return -1;
	}
	fputs("# gsched's settings (gsched(1), FILES): name = value, one a line.\n"
	      "# The command line overrides them; written by the visualizer.\n",
	    f);
	for (int i = 0; i < n; i++)
		fprintf(f, "%s = %s\n", items[i].name, items[i].value);
	/* every write checked at once: fflush and fsync report a full disk,
	 * fclose the last buffer */
	bad = fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0;
	if (bad) {
		snprintf(err, errsz, "%s: cannot write: %s", path, strerror(errno));
		fclose(f);
	} else if (fclose(f) != 0) {
		snprintf(err, errsz, "%s: cannot write: %s", path, strerror(errno));
		bad = 1;
	} else if (rename(tmp, path) != 0) {
		snprintf(err, errsz, "%s: cannot replace it: %s", path, strerror(errno));
		bad = 1;
	}
	if (bad)
		unlink(tmp);
	return bad ? -1 : 0;
}
