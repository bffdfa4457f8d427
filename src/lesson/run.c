/*
 * run.c - lessons without the visualizer (lesson.h): finding them by name,
 * `gsched --list`, and the headless runner behind `gsched --batch LESSON`,
 * a thin loop around the player.  cmd/main.c parses the command line.
 */
#define _GNU_SOURCE /* realpath, readlink */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <dirent.h>
#include <fcntl.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "format/schedtrace.h"
#include "format/textfile.h"
#include "lesson/lesson.h"
#include "live/ticker.h"

#ifndef GSCHED_LESSONDIR
#define GSCHED_LESSONDIR "/usr/local/share/gsched/lessons"
#endif

#define TICK_NS 10000000ULL   /* the player looks every 10 ms */
#define TRACE_NS 100000000ULL /* a schedtrace line every 100 ms */
#define RUNQ_LISTED 0

/* ---- finding lessons ----------------------------------------------------------------- */

/* True if this program runs from the build tree (src/gsched, or libtool's
 * src/.libs/ copy of it), so the source tree's demos/ are the lessons. */
static bool
uninstalled(void)
{
#ifdef GSCHED_BUILDDIR_SRC
	/* Paths on the heap: the program may run on a small stack (ulimit -s 16). */
	char *exe = malloc(PATH_MAX), *dir = NULL, *slash;
	bool yes = false;
	ssize_t n = exe ? readlink("/proc/self/exe", exe, PATH_MAX - 1) : -1;
	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash != NULL && (dir = realpath(GSCHED_BUILDDIR_SRC, NULL)) != NULL) {
			*slash = '\0';
			size_t dl = strlen(dir);
			yes = strcmp(exe, dir) == 0 ||
			    (strncmp(exe, dir, dl) == 0 && strcmp(exe + dl, "/.libs") == 0);
		}
	}
	free(exe);
	free(dir);
	return yes;
#else
	return false;
#endif
}

int
lesson_dirs(const char **dirs, int max)
{
	int n = 0;
	const char *env = getenv("GSCHED_LESSONS");

	if (env != NULL && *env != '\0') {
		if (n < max)
			dirs[n++] = env;
		return n;
	}
#ifdef GSCHED_LESSONDIR_SRC
	if (n < max && uninstalled())
		dirs[n++] = GSCHED_LESSONDIR_SRC;
#endif
	if (n < max)
		dirs[n++] = GSCHED_LESSONDIR;
	return n;
}

/* A name resolves to anything there but a directory: lesson_load then says
 * what is wrong with a FIFO or a device, rather than "no lesson named". */
static bool
is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && !S_ISDIR(st.st_mode);
}

static bool
ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

int
lesson_resolve(const char *arg, char *buf, size_t size, char *err, size_t errsz)
{
	const char *dirs[4];
	int nd = lesson_dirs(dirs, 4);

	if (strchr(arg, '/') != NULL) {
		snprintf(buf, size, "%s", arg);
		return 0; /* a path: lesson_load reports what is wrong with it */
	}
	for (int i = 0; i < nd; i++) {
		snprintf(buf, size, "%s/%s%s", dirs[i], arg,
		    ends_with(arg, ".lesson") ? "" : ".lesson");
		if (is_file(buf))
			return 0;
	}
	if (is_file(arg)) { /* a file in the current directory */
		snprintf(buf, size, "%s", arg);
		return 0;
	}
	int n = snprintf(err, errsz, "no lesson named '%s' (looked in", arg);
	for (int i = 0; i < nd && n > 0 && (size_t)n < errsz; i++)
		n += snprintf(err + n, errsz - (size_t)n, "%s %s", i ? "," : "", dirs[i]);
	if (n > 0 && (size_t)n < errsz)
		snprintf(err + n, errsz - (size_t)n, "; 'gsched --list' lists them)");
	return -1;
}

int
lesson_load(const char *path, lesson_program **out, char *err, size_t errsz)
{
	char *buf;
	size_t len;
	int rc;

	*out = NULL;
	if (textfile_read(path, LESSON_FILE_MAX, "a lesson", &buf, &len, NULL, err, errsz) != 0)
		return -1;
	rc = lesson_parse(path, buf, len, out, err, errsz);
	free(buf);
	return rc;
}

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
lesson_list(FILE *out)
{
	const char *dirs[4];
	int nd = lesson_dirs(dirs, 4), nnames = 0, cap = 0, rc = 0;
	char **names = NULL;

	/* every *.lesson of every directory, the first of a name winning */
	for (int i = 0; i < nd; i++) {
		DIR *d = opendir(dirs[i]);
		struct dirent *e;
		if (d == NULL)
			continue;
		while ((e = readdir(d)) != NULL) {
			if (!ends_with(e->d_name, ".lesson") || e->d_name[0] == '.')
				continue;
			size_t nl = strlen(e->d_name) - strlen(".lesson");
			bool dup = false;
			for (int k = 0; k < nnames && !dup; k++)
				dup = strncmp(names[k], e->d_name, nl) == 0 && names[k][nl] == '\t';
			if (dup)
				continue;
			if (nnames == cap) {
				cap = cap ? cap * 2 : 32;
				char **nn = realloc(names, (size_t)cap * sizeof *nn);
				if (nn == NULL)
					break;
				names = nn;
			}
			/* "name\tdir/file" */
			size_t len = nl + strlen(dirs[i]) + strlen(e->d_name) + 3;
			if ((names[nnames] = malloc(len)) == NULL)
				break;
			snprintf(names[nnames], len, "%.*s\t%s/%s", (int)nl, e->d_name, dirs[i],
			    e->d_name);
			nnames++;
		}
		closedir(d);
	}
	if (nnames == 0) {
		fprintf(stderr, "gsched: no lessons found (looked in");
		for (int i = 0; i < nd; i++)
			fprintf(stderr, "%s %s", i ? "," : "", dirs[i]);
		fprintf(stderr, ")\n");
		free(names);
		return 2;
	}
	qsort(names, (size_t)nnames, sizeof *names, cmpstr);
	for (int k = 0; k < nnames; k++) {
		char *tab = strchr(names[k], '\t');
		lesson_program *g;
		char err[700];
		*tab = '\0';
		if (lesson_load(tab + 1, &g, err, sizeof err) == 0) {
			fprintf(out, "%-16s %s\n", names[k], g->title ? g->title : "(no title)");
			lesson_program_free(g);
		} else {
			fprintf(out, "%-16s (broken: %s)\n", names[k], err);
			rc = 2;
		}
		free(names[k]);
	}
	free(names);
	return tick_fflush(out) < 0 ? 1 : rc;
}

/* ---- the headless runner ---------------------------------------------------------------- */

static void
print_line(FILE *f, const lesson_program *g, const lesson_line *l)
{
	static const char *const prefix[] = { [LL_SAY] = "say: ",
		[LL_MARK] = "== ",
		[LL_EXPECT_OK] = "ok: ",
		[LL_EXPECT_FAIL] = "FAIL: ",
		[LL_MEASURE] = "measure: ",
		[LL_INFO] = "info: ",
		[LL_ERROR] = "error: " };

	if (l->kind == LL_EXPECT_FAIL || l->kind == LL_ERROR)
		fprintf(f, "%s%s:%d: ", prefix[l->kind], g->name, l->line);
	else
		fputs(prefix[l->kind], f);
	/* a caption's further lines are indented under its first */
	for (const char *c = l->text; *c; c++) {
		fputc(*c, f);
		if (*c == '\n')
			fputs("     ", f);
	}
	fputs(l->kind == LL_MARK ? " ==\n" : "\n", f);
}

/* Every quantity's value at the lesson's end, "name=value" in lines of at
 * most 72 columns, so a reader of --batch sees what the lesson could have
 * checked (counters and peaks since its start or its last reset). */
static void
print_quantities(FILE *f, lesson_player *pl, const gs_snapshot *snap)
{
	static const char head[] = "quantities:";
	int col = fprintf(f, "%s", head);

	for (int q = 0; q < LQ_NQTY; q++) {
		char item[64];
		int n = snprintf(item, sizeof item, " %s=%" PRId64, lesson_qty_name(q),
		    lesson_player_value(pl, snap, q));
		if (col + n > 72)
			col = fprintf(f, "\n ") - 1;
		col += fprintf(f, "%s", item);
	}
	fputc('\n', f);
}

/* What the runner's sink needs from one tick to the next. */
struct batch_run {
	const lesson_program *g;
	const lesson_run_opts *o;
	FILE *f;
	session *s;
	lesson_player *pl;
	lesson_output *out;
	uint64_t trace_ns, next_trace;
	uint64_t starttime; /* Go's starttime: the first SCHED line's time */
	int ntrace, errors;
	int rc; /* 1: the output could not be written */
};

/* A tick: the player's steps due now, a schedtrace line when one is due,
 * what the player said, the session's errors.  Stops the run (1) when the
 * lesson is done or the output fails. */
static int
batch_run_tick(void *ctx, const tick_info *info, const tick_data *t)
{
	struct batch_run *b = ctx;
	lesson_output *out = b->out;
	uint64_t now = t->snap->time_ns;
	char err[512];

	(void)info;

	int state = lesson_player_tick(b->pl, t->snap, now, out);
	if (!b->o->quiet && now >= b->next_trace) {
		tick_data tr = { .index = b->ntrace++, .snap = t->snap };
		schedtrace_print(b->f, &tr, &b->starttime, b->o->detail);
		b->next_trace += b->trace_ns;
		if (b->next_trace < now)
			b->next_trace = now + b->trace_ns;
	}
	for (int i = 0; i < out->nlines; i++)
		print_line(b->f, b->g, &out->lines[i]);
	if (state == LESSON_DONE)
		print_quantities(b->f, b->pl, t->snap);
	while (session_error(b->s, err, sizeof err)) {
		fprintf(b->f, "error: %s\n", err);
		b->errors++;
	}
	/* a failed write is reported once, by main(); a reader gone stops quietly */
	int w = tick_fflush(b->f);
	if (w != 0) {
		if (w < 0)
			b->rc = 1;
		return 1;
	}
	return state == LESSON_DONE ? 1 : 0;
}

int
lesson_run_batch(const lesson_program *g, const lesson_run_opts *o)
{
	session_opts so = { .procs = 0, .scenario = false, .events = false, .timescale = o->slow };
	lesson_player_opts po = { .time_scale = o->time_scale, .batch = true };
	struct batch_run b = { .g = g, .o = o, .f = o->out };
	FILE *f = o->out;
	char err[512];
	int rc = 0;

	b.trace_ns = o->tick_ns ? o->tick_ns : TRACE_NS;
	b.out = malloc(sizeof *b.out);
	if (b.out == NULL) {
		fprintf(stderr, "gsched: out of memory\n");
		return 1;
	}
	b.s = session_start(&so, err, sizeof err);
	if (b.s == NULL) {
		fprintf(stderr, "gsched: %s\n", err);
		free(b.out);
		return 1;
	}
	/* The player looks every TICK_NS, on a grid from now; a tick that comes
	 * late skips to the next grid point (the player goes by the snapshot's
	 * time, so a burst would only repeat it). */
	tick_info info = { .start_ns = (uint64_t)gs_nanotime() };
	tick_sink sink = { NULL, batch_run_tick, NULL, &b };
	ticker_opts to = { .origin_ns = info.start_ns,
		.interval_ns = TICK_NS,
		.late = TICKER_SKIP,
		.runq_max = RUNQ_LISTED,
		.info = &info,
		.sinks = &sink,
		.nsinks = 1 };
	ticker *tk = ticker_new(&to);
	/* what the runtime got: --slow, or GSCHED_DEBUG=timescale */
	po.slow = gs_timescale();
	b.pl = tk ? lesson_player_new(g, b.s, &po) : NULL;
	if (b.pl == NULL) {
		fprintf(stderr, "gsched: out of memory\n");
		ticker_free(tk);
		session_end(b.s, err, sizeof err);
		free(b.out);
		return 1;
	}

	fprintf(f, "lesson %s: %s\n", g->name, g->title ? g->title : "(no title)");
	if (o->time_scale != 1)
		fprintf(f, "time scale %.2fx (slow motion: waits and lifetimes stretched)\n",
		    o->time_scale);
	if (po.slow > 1)
		fprintf(f,
		    "slow motion x%d: the scheduler and the workloads run %d times slower, "
		    "the lesson's waits with them; times are shown as measured and as at real "
		    "speed\n",
		    po.slow, po.slow);
	b.next_trace = info.start_ns;
	if (ticker_run(tk, 0, NULL, NULL) < 0) {
		fprintf(stderr, "gsched: the runtime stopped under the lesson\n");
		rc = 1;
	}
	if (b.rc != 0)
		rc = b.rc;
	uint64_t took = (uint64_t)gs_nanotime() - info.start_ns;
	int passed = b.out->passed, failed = b.out->failed;
	lesson_player_free(b.pl);
	if (session_end(b.s, err, sizeof err) != 0) {
		fprintf(stderr, "gsched: %s\n", err);
		rc = 1;
	}
	char real[64] = "";
	if (po.slow > 1)
		snprintf(real, sizeof real, "; x%d slow: %.2f s real-speed", po.slow,
		    (double)took / 1e9 / po.slow);
	fprintf(f, "lesson %s: %d expectations, %d passed, %d failed%s (%.1f s%s)\n", g->name,
	    passed + failed, passed, failed, b.errors ? ", runtime errors" : "", (double)took / 1e9,
	    real);
	fflush(f);
	ticker_free(tk);
	free(b.out);
	if (rc == 0 && (failed > 0 || b.errors > 0))
		rc = 1;
	return rc;
}
