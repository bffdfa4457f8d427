/*
 * cmdline.c - option tables on top of getopt_long, and the one usage-error
 * form (cmdline.h).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gsched.h>

#include <stdarg.h>
#include <string.h>

#include "format/cmdline.h"
#include "format/parse.h"

#define HELP_COL 22 /* where --help's texts start */

void
cmdline_init(cmdline *c, const cmdline_opt *tab, int n, const char *cmd, int argc, char **argv)
{
	char *s = c->shortopts;
	int k = 0;

	memset(c, 0, sizeof *c);
	c->tab = tab;
	c->n = n < CMDLINE_OPTS_MAX ? n : CMDLINE_OPTS_MAX;
	c->cmd = cmd;
	c->argc = argc;
	c->argv = argv;
	/* '-': operands come back in order, so options may follow them;
	 * ':': a missing value is told apart from an unknown option */
	*s++ = '-';
	*s++ = ':';
	for (int i = 0; i < c->n; i++) {
		if (tab[i].key < CMDLINE_LONG) {
			*s++ = (char)tab[i].key;
			if (tab[i].has_arg == required_argument)
				*s++ = ':';
		}
		if (tab[i].name != NULL)
			c->longopts[k++] =
			    (struct option){ tab[i].name, tab[i].has_arg, NULL, tab[i].key };
	}
	*s = '\0';
	c->longopts[k] = (struct option){ NULL, 0, NULL, 0 };
	/* 0, not 1: glibc then forgets the previous parse entirely */
	optind = 0;
	opterr = 0;
}

static const cmdline_opt *
find_key(const cmdline *c, int key)
{
	for (int i = 0; i < c->n; i++)
		if (c->tab[i].key == key)
			return &c->tab[i];
	return NULL;
}

/* cmdline_error_where's place, NULL: the command line */
static const char *error_where;

void
cmdline_error_where(const char *where)
{
	error_where = where;
}

int
cmdline_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fputs("gsched: ", stderr);
	if (error_where != NULL)
		fprintf(stderr, "%s: ", error_where);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (error_where != NULL) {
		fputc('\n', stderr);
		return 2;
	}
	fprintf(stderr, "\nTry 'gsched %s%s--help'.\n", cmd ? cmd : "", cmd ? " " : "");
	return 2;
}

/* The long option the word w names (up to any '='), as "--name" in buf. */
static const char *
long_word(const char *w, char *buf, size_t size)
{
	snprintf(buf, size, "%.*s", (int)strcspn(w, "="), w);
	return buf;
}

/* A long option getopt_long refused: unknown, ambiguous or given a value.
 * Reports it; returns 2. */
static int
long_error(cmdline *c, const char *word)
{
	char w[64], list[256];
	const char *name = long_word(word, w, sizeof w) + 2;
	size_t len = strlen(name), n = 0;
	int matches = 0;

	list[0] = '\0';
	for (int i = 0; i < c->n; i++) {
		const char *ln = c->tab[i].name;
		if (ln == NULL || strncmp(ln, name, len) != 0)
			continue;
		if (strlen(ln) == len) /* exact: a value it does not take */
			return cmdline_usage_error(c->cmd, "option '%s' takes no value", w);
		if (n < sizeof list)
			n += (size_t)snprintf(list + n, sizeof list - n, "%s--%s",
			    matches ? ", " : "", ln);
		matches++;
	}
	if (matches > 1)
		return cmdline_usage_error(c->cmd, "option '%s' is ambiguous: %s", w, list);
	if (matches == 1) /* a unique abbreviation, so the value was the problem */
		return cmdline_usage_error(c->cmd, "option '%s' (%s) takes no value", w, list);
	return cmdline_usage_error(c->cmd, "unknown option '%s'", w);
}

int
cmdline_index(const cmdline *c)
{
	/* getopt's own, which cmdline_next keeps in step with argv (operands
	 * come back in order: nothing is permuted) */
	return optind < 1 ? 1 : optind > c->argc ? c->argc : optind;
}

int
cmdline_next(cmdline *c, const char **val)
{
	int idx = -1, r;

	*val = NULL;
	if (c->dashdash) {
		if (optind >= c->argc)
			return CMDLINE_END;
		*val = c->argv[optind++];
		return CMDLINE_OPERAND;
	}
	r = getopt_long(c->argc, c->argv, c->shortopts, c->longopts, &idx);
	if (r == -1) {
		if (optind < c->argc) { /* "--" ended the options */
			c->dashdash = true;
			*val = c->argv[optind++];
			return CMDLINE_OPERAND;
		}
		return CMDLINE_END;
	}
	if (r == 1) {
		*val = optarg;
		return CMDLINE_OPERAND;
	}
	const char *word = optind > 0 && optind <= c->argc ? c->argv[optind - 1] : "";
	if (r == '?') {
		if (optopt != 0 && find_key(c, optopt) == NULL)
			cmdline_usage_error(c->cmd, "unknown option '-%c'", optopt);
		else if (strncmp(word, "--", 2) == 0)
			long_error(c, word);
		else
			cmdline_usage_error(c->cmd, "unknown option '%s'", word);
		return CMDLINE_ERROR;
	}
	if (r == ':') {
		const cmdline_opt *o = find_key(c, optopt);
		char w[64];
		if (strncmp(word, "--", 2) == 0 && o != NULL && o->name != NULL)
			snprintf(w, sizeof w, "--%s", o->name);
		else
			snprintf(w, sizeof w, "-%c", optopt);
		if (o != NULL && o->arg != NULL)
			cmdline_usage_error(c->cmd, "option '%s' needs a value (%s)", w, o->arg);
		else
			cmdline_usage_error(c->cmd, "option '%s' needs a value", w);
		return CMDLINE_ERROR;
	}
	if (idx >= 0)
		snprintf(c->spelled, sizeof c->spelled, "--%s", c->longopts[idx].name);
	else
		snprintf(c->spelled, sizeof c->spelled, "-%c", r);
	*val = optarg;
	return r;
}

const char *
cmdline_spelled(const cmdline *c)
{
	return c->spelled;
}

const char *
cmdline_name(const cmdline_opt *tab, int n, int key, char *buf, size_t size)
{
	for (int i = 0; i < n; i++) {
		if (tab[i].key != key)
			continue;
		if (tab[i].name != NULL)
			snprintf(buf, size, "--%s", tab[i].name);
		else
			snprintf(buf, size, "-%c", key);
		return buf;
	}
	snprintf(buf, size, "?");
	return buf;
}

void
cmdline_help(FILE *f, const cmdline_opt *tab, int n)
{
	for (int i = 0; i < n; i++) {
		const cmdline_opt *o = &tab[i];
		char head[64];
		int len;

		if (o->key < CMDLINE_LONG && o->name != NULL)
			len = snprintf(head, sizeof head, "  -%c, --%s", o->key, o->name);
		else if (o->key < CMDLINE_LONG)
			len = snprintf(head, sizeof head, "  -%c", o->key);
		else
			len = snprintf(head, sizeof head, "      --%s", o->name);
		if (o->arg != NULL && len > 0 && (size_t)len < sizeof head)
			len += snprintf(head + len, sizeof head - (size_t)len, " %s", o->arg);
		fputs(head, f);
		if (len + 1 >= HELP_COL) {
			fputc('\n', f);
			len = 0;
		}
		for (const char *t = o->help; *t != '\0';) {
			size_t ln = strcspn(t, "\n");
			fprintf(f, "%*s%.*s\n", HELP_COL - len, "", (int)ln, t);
			len = 0;
			t += ln;
			if (*t == '\n')
				t++;
		}
	}
}

int
cmdline_slow(const char *v, const char *spelled, int *n)
{
	if (!parse_int(v, 1, GS_TIMESCALE_MAX, n))
		return cmdline_usage_error(NULL,
		    "%s: '%s' is not a slow-motion factor from 1 to %d", spelled, v,
		    GS_TIMESCALE_MAX);
	return 0;
}

int
cmdline_delay(const char *v, const char *spelled, int *tenths)
{
	if (!parse_tenths(v, 1, 600, tenths))
		return cmdline_usage_error(NULL,
		    "%s: '%s' is not a delay: tenths of a second from 1 to 600, "
		    "or a duration from 100ms to 1m in steps of 100ms",
		    spelled, v);
	return 0;
}

int
cmdline_procs(const char *v, const char *spelled, int *procs)
{
	if (!parse_int(v, 1, 256, procs))
		return cmdline_usage_error(NULL, "%s: '%s' is not a number of Ps from 1 to 256",
		    spelled, v);
	return 0;
}
