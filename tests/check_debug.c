/*
 * check_debug.c - GSCHED_DEBUG (schedtrace in Go's exact format, scheddetail,
 * unknown keys, bad values) and the GOMAXPROCS environment variable (the
 * cgroup CPU limit is check_cgroup.c's).
 *
 * Each run whose stderr matters happens in a forked child whose stderr goes to
 * a pipe; the child reports through its exit status and stderr only (no Check
 * calls in the child).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <regex.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"
#include "tu_child.h"

#define MS(x) ((int64_t)(x)*1000000)

/* ---- running a child with stderr captured ------------------------------------------------ */

static struct tu_child child;

/* Fork; the child runs child_fn(arg) with stderr going to a pipe and exits with
 * its return value; the parent collects stderr into child.out and returns the
 * wait status (killing the child after timeout_ns). */
static int
run_child(int (*child_fn)(void *), void *arg, uint64_t timeout_ns)
{
	tu_child_run(&child, child_fn, arg, timeout_ns);
	return child.status;
}

static int
exit_code(int status)
{
	ck_assert_msg(WIFEXITED(status), "child died of signal %d; stderr: %.2000s",
	    WIFSIGNALED(status) ? WTERMSIG(status) : -1, child.out);
	return WEXITSTATUS(status);
}

/* ---- a child program ------------------------------------------------------------------- */

struct child_cfg {
	const char *gsched_debug; /* NULL: unset */
	const char *gomaxprocs;   /* NULL: unset */
	int procs;                /* cfg.procs */
	int64_t run_ns;           /* how long main keeps busy */
};

static void
busy_child_g(void *arg)
{
	int64_t end = *(int64_t *)arg;

	while (gs_nanotime() < end) {
		tu_spin_ns(200 * 1000);
		gs_yield();
	}
}

static void
exit_at_once(void *arg)
{
	(void)arg;
}

static void
child_main(void *arg)
{
	struct child_cfg *c = arg;
	int64_t end = gs_nanotime() + c->run_ns;

	fprintf(stderr, "RESULT gomaxprocs=%d\n", gs_gomaxprocs());
	if (c->run_ns > 0)
		for (int i = 0; i < 3; i++)
			gs_go(busy_child_g, &end);
	/* A dead goroutine for scheddetail's G lines: spawned last, so no later
	 * gs_go reuses its G, and dead before main's time starts, so the traces
	 * after it list it however slowly a loaded machine runs it. */
	gs_go(exit_at_once, NULL);
	while (gs_numgoroutine() > (c->run_ns > 0 ? 4 : 1))
		gs_yield();
	if (c->run_ns > 0) {
		int64_t until = gs_nanotime() + c->run_ns;
		while (gs_nanotime() < until)
			gs_sleep(MS(5));
	}
}

/* Exit codes: 0 ran fine, 10 + -rc when gs_run failed (GS_EINVAL -> 32). */
static int
child_run(void *arg)
{
	struct child_cfg *c = arg;

	if (c->gsched_debug)
		setenv("GSCHED_DEBUG", c->gsched_debug, 1);
	else
		unsetenv("GSCHED_DEBUG");
	if (c->gomaxprocs)
		setenv("GOMAXPROCS", c->gomaxprocs, 1);
	else
		unsetenv("GOMAXPROCS");
	gs_config cfg = { .procs = c->procs };
	int rc = gs_run(child_main, c, &cfg);
	fprintf(stderr, "RC %d\n", rc);
	return rc == 0 ? 0 : 10 - rc;
}

/* The GOMAXPROCS the child reported, or -1. */
static int
reported_procs(void)
{
	const char *p = strstr(child.out, "RESULT gomaxprocs=");

	return p ? atoi(p + strlen("RESULT gomaxprocs=")) : -1;
}

/* ---- schedtrace -------------------------------------------------------------------------- */

static void
check_sched_lines(int procs, int *nlines, long *lastms)
{
	char pat[512];
	regex_t re;
	char *save = NULL;
	long last_ms = -1;

	/* Go's exact format (runtime/proc.go schedtrace, Go 1.21+). */
	int n = snprintf(pat, sizeof pat,
	    "^SCHED ([0-9]+)ms: gomaxprocs=%d idleprocs=[0-9]+ threads=[0-9]+ "
	    "spinningthreads=[0-9]+ needspinning=[0-9]+ idlethreads=[0-9]+ runqueue=[0-9]+ "
	    "\\[[0-9]+",
	    procs);
	for (int i = 1; i < procs; i++)
		n += snprintf(pat + n, sizeof pat - (size_t)n, " [0-9]+");
	snprintf(pat + n, sizeof pat - (size_t)n, "\\]$");
	ck_assert_int_eq(regcomp(&re, pat, REG_EXTENDED), 0);
	*nlines = 0;
	char *copy = strdup(child.out);
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "SCHED", 5) != 0)
			continue;
		regmatch_t m[2];
		ck_assert_msg(regexec(&re, line, 2, m, 0) == 0,
		    "schedtrace line does not match Go's format for gomaxprocs=%d:\n%s", procs,
		    line);
		long ms = strtol(line + m[1].rm_so, NULL, 10);
		ck_assert_msg(ms >= last_ms, "time went backwards: %ld ms after %ld ms", ms,
		    last_ms);
		last_ms = ms;
		(*nlines)++;
	}
	free(copy);
	regfree(&re);
	if (lastms)
		*lastms = last_ms;
}

static const int trace_procs[] = { 2, 1, 5 };

START_TEST(test_schedtrace)
{
	struct child_cfg c = { .gsched_debug = "schedtrace=100",
		.procs = trace_procs[_i],
		.run_ns = MS(550) };
	int lines;
	long last_ms;

	ck_assert_int_eq(exit_code(run_child(child_run, &c, TU_SEC(30))), 0);
	ck_assert_int_eq(reported_procs(), trace_procs[_i]);
	check_sched_lines(trace_procs[_i], &lines, &last_ms);
	/* 550 ms at one line per 100 ms: about 6 (the first at the start).  A
	 * loaded machine may delay sysmon (fewer) or stretch the run (more), so the
	 * upper bound is the rate, from the last line's own time. */
	ck_assert_msg(lines >= 2 && lines <= last_ms / 100 + 2,
	    "%d SCHED lines in %ld ms at schedtrace=100:\n%s", lines, last_ms, child.out);
}
END_TEST

/* Without GSCHED_DEBUG nothing is printed. */
START_TEST(test_no_trace_by_default)
{
	struct child_cfg c = { .procs = 2, .run_ns = MS(250) };

	ck_assert_int_eq(exit_code(run_child(child_run, &c, TU_SEC(30))), 0);
	ck_assert_msg(strstr(child.out, "SCHED") == NULL, "trace without GSCHED_DEBUG:\n%s",
	    child.out);
	ck_assert_ptr_nonnull(strstr(child.out, "RC 0"));
}
END_TEST

static int
count_prefix(const char *pfx, const char *pattern)
{
	regex_t re;
	char *save = NULL;
	int n = 0;

	ck_assert_int_eq(regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB), 0);
	char *copy = strdup(child.out);
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, pfx, strlen(pfx)) != 0)
			continue;
		ck_assert_msg(regexec(&re, line, 0, NULL, 0) == 0, "line does not match /%s/:\n%s",
		    pattern, line);
		n++;
	}
	free(copy);
	regfree(&re);
	return n;
}

START_TEST(test_scheddetail)
{
	struct child_cfg c = { .gsched_debug = "schedtrace=100,scheddetail=1",
		.procs = 2,
		.run_ns = MS(350) };

	ck_assert_int_eq(exit_code(run_child(child_run, &c, TU_SEC(30))), 0);
	int sched = count_prefix("SCHED ",
	    "^SCHED [0-9]+ms: gomaxprocs=2 idleprocs=[0-9]+ threads=[0-9]+ spinningthreads=[0-9]+ "
	    "needspinning=[0-9]+ idlethreads=[0-9]+ runqueue=[0-9]+ gcwaiting=(true|false) "
	    "nmidlelocked=[0-9]+ stopwait=[0-9]+ sysmonwait=(true|false)$");
	int p0 = count_prefix("  P0: ",
	    "^  P0: status=[0-9]+ schedtick=[0-9]+ syscalltick=[0-9]+ "
	    "m=([0-9]+|nil) runqsize=[0-9]+ gfreecnt=[0-9]+ timerslen=[0-9]+$");
	int p1 = count_prefix("  P1: ", "^  P1: status=[0-9]+ ");
	int p2 = count_prefix("  P2: ", "^");
	int ms = count_prefix("  M", "^  M[0-9]+: p=([0-9]+|nil) curg=([0-9]+|nil) ");
	int gs = count_prefix("  G",
	    "^  G[0-9]+: status=[0-9]+\\([a-z ]*\\) m=([0-9]+|nil) "
	    "lockedm=nil$");
	ck_assert_msg(sched >= 2, "%d detailed SCHED lines:\n%.3000s", sched, child.out);
	ck_assert_int_eq(p0, sched);
	ck_assert_int_eq(p1, sched);
	ck_assert_int_eq(p2, 0);         /* exactly gomaxprocs P lines */
	ck_assert_int_ge(ms, sched * 2); /* at least sysmon and one worker */
	ck_assert_int_ge(gs, sched);     /* at least main */
	/* No bracketed per-P queue list in the detailed form. */
	ck_assert_ptr_null(strstr(child.out, "runqueue=0 ["));
}
END_TEST

/* ---- field for field against Go ------------------------------------------------------------ */

/*
 * Go 1.22's schedtrace lines, one of each kind, as its runtime/proc.go
 * schedtrace() prints them (golang/go, a 1.22-cycle tree: each line is the
 * text of its print calls, with the values of a GOMAXPROCS=2 program: print
 * of a bool gives true/false, of a missing M, P or G nil; waitreason.String()
 * is empty for a goroutine that is not waiting).
 */
static const char *const go_sched =
    "SCHED 0ms: gomaxprocs=2 idleprocs=1 threads=5 spinningthreads=0 needspinning=0 "
    "idlethreads=2 runqueue=0 [0 0]";
static const char *const go_detail =
    "SCHED 1004ms: gomaxprocs=2 idleprocs=2 threads=5 spinningthreads=0 needspinning=0 "
    "idlethreads=3 runqueue=0 gcwaiting=false nmidlelocked=1 stopwait=0 sysmonwait=false";
static const char *const go_p =
    "  P0: status=0 schedtick=11 syscalltick=2 m=nil runqsize=0 gfreecnt=0 timerslen=0";
static const char *const go_m =
    "  M3: p=nil curg=nil mallocing=0 throwing=0 preemptoff= locks=0 dying=0 spinning=false "
    "blocked=true lockedg=nil";
static const char *const go_g[] = {
	"  G1: status=4(sleep) m=nil lockedm=nil",
	"  G2: status=4(force gc (idle)) m=nil lockedm=nil",
	"  G17: status=2() m=4 lockedm=nil",
	"  G5: status=6() m=nil lockedm=nil",
};

/* A line's fields: names and the syntax of each value (n number, i id: a
 * number or nil, b bool, e empty, s status "N(reason)", l "[n n ...]"). */
struct fields {
	int n;
	char name[24][24];
	char syn[24];
};

static bool
is_number(const char *v, size_t len)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++)
		if (v[i] < '0' || v[i] > '9')
			return false;
	return true;
}

static void
line_fields(const char *line, struct fields *f)
{
	static const char *const ids[] = { "m", "p", "curg", "lockedg", "lockedm" };
	const char *c = strchr(line, ':'); /* after "SCHED Nms", "  P0", "  M1", "  G1" */

	memset(f, 0, sizeof *f);
	ck_assert_ptr_nonnull(c);
	for (c++; *c == ' ';) {
		c++;
		if (*c == '[') { /* Go: the per-P queue lengths */
			const char *e = strchr(c, ']');
			ck_assert_ptr_nonnull(e);
			snprintf(f->name[f->n], sizeof f->name[0], "[]");
			bool ok = true;
			for (const char *q = c + 1; q < e; q++)
				ok = ok && ((*q >= '0' && *q <= '9') || (*q == ' ' && q[1] != ' '));
			f->syn[f->n++] = ok ? 'l' : '?';
			c = e + 1;
			continue;
		}
		const char *eq = strchr(c, '=');
		ck_assert_ptr_nonnull(eq);
		ck_assert_int_lt(f->n, 24);
		snprintf(f->name[f->n], sizeof f->name[0], "%.*s", (int)(eq - c), c);
		const char *v = eq + 1, *e = v;
		while (*e >= '0' && *e <= '9')
			e++;
		char syn = '?';
		if (*e == '(' && e > v) { /* status=N(reason): the reason may hold spaces */
			const char *close = strchr(e, ')');
			ck_assert_ptr_nonnull(close);
			while (strchr(close + 1, ')') && close[1] != ' ' && close[1] != '\0')
				close = strchr(close + 1, ')');
			e = close + 1;
			syn = 's';
		} else {
			e = v + strcspn(v, " ");
			size_t len = (size_t)(e - v);
			if (len == 0)
				syn = 'e';
			else if (is_number(v, len))
				syn = 'n';
			else if ((len == 4 && !strncmp(v, "true", 4)) ||
			    (len == 5 && !strncmp(v, "false", 5)))
				syn = 'b';
			else if (len == 3 && !strncmp(v, "nil", 3))
				syn = 'i';
			for (size_t k = 0; k < sizeof ids / sizeof ids[0]; k++)
				if (!strcmp(f->name[f->n], ids[k]) && (syn == 'n' || syn == 'i'))
					syn = 'i';
		}
		f->syn[f->n++] = syn;
		c = e;
	}
	ck_assert_msg(*c == '\0', "unparsed rest of line '%s': '%s'", line, c);
}

/* ours has Go's fields, in Go's order, with Go's value syntax */
static void
same_fields(const char *go, const char *ours)
{
	struct fields g, o;

	line_fields(go, &g);
	line_fields(ours, &o);
	if (g.n != o.n || strcmp(g.syn, o.syn) != 0)
		ck_abort_msg("fields differ from Go's:\n go:   %s (%s)\n ours: %s (%s)", go, g.syn,
		    ours, o.syn);
	for (int i = 0; i < g.n; i++)
		if (strcmp(g.name[i], o.name[i]) != 0)
			ck_abort_msg("field %d is '%s', Go's is '%s':\n go:   %s\n ours: %s", i,
			    o.name[i], g.name[i], go, ours);
	/* the same line prefix: "SCHED <n>ms:", "  P<n>:", ... */
	size_t gp = strcspn(go, "0123456789"), op = strcspn(ours, "0123456789");
	if (gp != op || strncmp(go, ours, gp) != 0)
		ck_abort_msg("line kind differs:\n go:   %s\n ours: %s", go, ours);
}

/* The Go lines parse as Go's: the checker itself reads them right. */
START_TEST(test_go_lines_parse)
{
	struct fields f;

	line_fields(go_sched, &f);
	ck_assert_int_eq(f.n, 8);
	ck_assert_str_eq(f.syn, "nnnnnnnl");
	line_fields(go_detail, &f);
	ck_assert_str_eq(f.syn, "nnnnnnnbnnb");
	line_fields(go_p, &f);
	ck_assert_str_eq(f.syn,
	    "nnnin"
	    "nn");
	line_fields(go_m, &f);
	ck_assert_str_eq(f.syn, "iinnennbbi");
	for (size_t i = 0; i < sizeof go_g / sizeof go_g[0]; i++) {
		line_fields(go_g[i], &f);
		ck_assert_str_eq(f.syn, "sii");
	}
	same_fields(go_g[0], go_g[1]);
}
END_TEST

static const char *
go_line_for(const char *ours)
{
	if (!strncmp(ours, "SCHED ", 6))
		return strstr(ours, " gcwaiting=") ? go_detail : go_sched;
	if (!strncmp(ours, "  P", 3))
		return go_p;
	if (!strncmp(ours, "  M", 3))
		return go_m;
	if (!strncmp(ours, "  G", 3))
		return go_g[0];
	return NULL;
}

/*
 * GSCHED_DEBUG=schedtrace, plain and with scheddetail=1: every line has the
 * fields of Go's line of its kind; the first says SCHED 0ms (Go counts from
 * its first trace); threads= counts the Ms and the main thread (Go's m0:
 * the thread in gs_run), one more than the M lines; the dead goroutine is
 * listed, as Go's forEachG lists every goroutine.
 */
static const char *const go_fields_debug[] = { "schedtrace=50", "schedtrace=50,scheddetail=1" };

START_TEST(test_schedtrace_go_fields)
{
	struct child_cfg c = { .gsched_debug = go_fields_debug[_i], .procs = 2, .run_ns = MS(300) };

	ck_assert_int_eq(exit_code(run_child(child_run, &c, TU_SEC(30))), 0);
	char *save = NULL, *copy = strdup(child.out);
	/* per trace: whether it listed the dead goroutine, and its G lines */
	int traces = 0, mlines = -1, threads = 0, glines = 0, gaps = 0;
	bool dead = false, seen_dead = false;
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		const char *go = go_line_for(l);
		if (go == NULL)
			continue;
		same_fields(go, l);
		if (!strncmp(l, "SCHED ", 6)) {
			if (traces == 0)
				ck_assert_msg(!strncmp(l, "SCHED 0ms: ", 11), "first line: %s", l);
			/* the previous detailed trace: threads = M lines + m0 */
			if (_i == 1 && mlines >= 0 && threads != mlines + 1)
				ck_abort_msg("threads=%d with %d M lines:\n%.2000s", threads,
				    mlines, child.out);
			threads = atoi(strstr(l, " threads=") + 9);
			mlines = 0;
			/* once listed dead, in every later trace */
			gaps += traces > 0 && seen_dead && !dead;
			seen_dead = seen_dead || dead;
			dead = false;
			glines = 0;
			traces++;
		} else if (!strncmp(l, "  M", 3)) {
			mlines++;
		} else if (!strncmp(l, "  G", 3)) {
			glines++;
			dead = dead || strstr(l, ": status=6() m=nil ") != NULL;
		}
	}
	free(copy);
	ck_assert_msg(traces >= 2, "%d traces:\n%.2000s", traces, child.out);
	if (_i == 1) {
		ck_assert_msg(threads == mlines + 1, "threads=%d with %d M lines:\n%.2000s",
		    threads, mlines, child.out);
		/* the last trace: main, the busy ones and the dead one */
		ck_assert_msg(glines >= 5, "%d G lines in the last trace:\n%.2000s", glines,
		    child.out);
		ck_assert_msg(dead, "the last trace lists no dead goroutine:\n%.3000s", child.out);
		ck_assert_msg(gaps == 0,
		    "%d traces after one that listed the dead goroutine do not:\n%.3000s", gaps,
		    child.out);
	}
}
END_TEST

/* ---- bad settings ------------------------------------------------------------------------- */

START_TEST(test_debug_unknown_key)
{
	struct child_cfg c = { .gsched_debug = "bogus=1", .procs = 2 };

	ck_assert_int_eq(exit_code(run_child(child_run, &c, TU_SEC(30))), 0);
	ck_assert_msg(strstr(child.out, "bogus") != NULL, "unknown key not named:\n%s", child.out);
	ck_assert_int_eq(reported_procs(), 2); /* the program ran */
	ck_assert_ptr_nonnull(strstr(child.out, "RC 0"));

	/* Mixed with a good one: the good one still applies. */
	c = (struct child_cfg){ .gsched_debug = "bogus=1,schedtrace=50",
		.procs = 2,
		.run_ns = MS(260) };
	ck_assert_int_eq(exit_code(run_child(child_run, &c, TU_SEC(30))), 0);
	ck_assert_ptr_nonnull(strstr(child.out, "bogus"));
	int lines;
	check_sched_lines(2, &lines, NULL);
	ck_assert_msg(lines >= 1, "schedtrace=50 after an unknown key printed nothing:\n%s",
	    child.out);
}
END_TEST

static const char *const bad_debug[] = {
	"schedtrace=abc",
	"schedtrace=",
	"schedtrace=-5",
	"schedtrace=10x",
	"scheddetail=2",
	"asyncpreemptoff=yes",
	"schedtrace",
};

START_TEST(test_debug_bad_value)
{
	const char *v = bad_debug[_i];
	struct child_cfg c = { .gsched_debug = v, .procs = 2 };
	int code = exit_code(run_child(child_run, &c, TU_SEC(30)));

	ck_assert_msg(code == 10 - GS_EINVAL, "GSCHED_DEBUG=%s: child exit %d, stderr:\n%s", v,
	    code, child.out);
	ck_assert_msg(reported_procs() == -1, "GSCHED_DEBUG=%s: main ran", v);
	/* A message naming the setting. */
	char key[32];
	snprintf(key, sizeof key, "%.*s", (int)strcspn(v, "="), v);
	ck_assert_msg(strstr(child.out, "GSCHED_DEBUG") != NULL && strstr(child.out, key) != NULL,
	    "GSCHED_DEBUG=%s: message does not name '%s':\n%s", v, key, child.out);
}
END_TEST

/* In this process: a failed start because of GSCHED_DEBUG leaves nothing behind. */
static void
set_flag_main(void *arg)
{
	*(int *)arg = gs_gomaxprocs();
}

START_TEST(test_debug_bad_then_good)
{
	int ran = 0;

	setenv("GSCHED_DEBUG", "schedtrace=abc", 1);
	ck_assert_int_eq(gs_run(set_flag_main, &ran, &(gs_config){ .procs = 2 }), GS_EINVAL);
	ck_assert_int_eq(ran, 0);
	ck_assert_int_eq(gs_gomaxprocs(), GS_ENOTRUN);
	setenv("GSCHED_DEBUG", "schedtrace=0", 1);
	ck_assert_int_eq(gs_run(set_flag_main, &ran, &(gs_config){ .procs = 2 }), 0);
	ck_assert_int_eq(ran, 2);
	unsetenv("GSCHED_DEBUG");
}
END_TEST

/* ---- GOMAXPROCS in the environment ------------------------------------------------------------ */

static const char *const bad_env[] = { "0", "-1", "abc", "100000", "257", "3x", " " };

START_TEST(test_gomaxprocs_env_bad)
{
	const char *v = bad_env[_i];
	struct child_cfg c = { .gomaxprocs = v, .procs = 0 };
	int code = exit_code(run_child(child_run, &c, TU_SEC(30)));

	ck_assert_msg(code == 10 - GS_EINVAL, "GOMAXPROCS='%s': child exit %d, stderr:\n%s", v,
	    code, child.out);
	ck_assert_int_eq(reported_procs(), -1);
	char want[64];
	snprintf(want, sizeof want, "GOMAXPROCS=%s", v);
	ck_assert_msg(strstr(child.out, want) != NULL,
	    "GOMAXPROCS='%s': message does not name "
	    "the value:\n%s",
	    v, child.out);
}
END_TEST

START_TEST(test_gomaxprocs_env_good)
{
	struct child_cfg c = { .gomaxprocs = "3", .procs = 0 };

	ck_assert_int_eq(exit_code(run_child(child_run, &c, TU_SEC(30))), 0);
	ck_assert_int_eq(reported_procs(), 3);
	c.gomaxprocs = "256";
	ck_assert_int_eq(exit_code(run_child(child_run, &c, TU_SEC(30))), 0);
	ck_assert_int_eq(reported_procs(), 256);
	c.gomaxprocs = "1";
	ck_assert_int_eq(exit_code(run_child(child_run, &c, TU_SEC(30))), 0);
	ck_assert_int_eq(reported_procs(), 1);
	/* An explicit cfg.procs wins over the environment. */
	c = (struct child_cfg){ .gomaxprocs = "3", .procs = 5 };
	ck_assert_int_eq(exit_code(run_child(child_run, &c, TU_SEC(30))), 0);
	ck_assert_int_eq(reported_procs(), 5);
}
END_TEST

/* gs_run on a small stack (ulimit -s 16 gives the main thread 16 KiB): what
 * it reads at start (the cgroup path, its files) lives on the heap. */
static void
small_main(void *arg)
{
	*(int *)arg = gs_gomaxprocs();
}

static void *
small_stack_run(void *arg)
{
	int *procs = arg;
	gs_config cfg = { .procs = 0 };
	*procs = gs_run(small_main, procs, &cfg) == 0 ? *procs : -1;
	return NULL;
}

START_TEST(test_run_on_small_stack)
{
	pthread_attr_t a;
	pthread_t t;
	int procs = 0;

	ck_assert_int_eq(pthread_attr_init(&a), 0);
	/* the smallest stack a thread may have (PTHREAD_STACK_MIN, 16 KiB) */
	ck_assert_int_eq(pthread_attr_setstacksize(&a, 16384), 0);
	ck_assert_int_eq(pthread_create(&t, &a, small_stack_run, &procs), 0);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	pthread_attr_destroy(&a);
	ck_assert_int_ge(procs, 1);
}
END_TEST

/* gs_set_fatal_hook: a fatal error (here the deadlock detector's) runs the
 * hook before it prints, once, and still exits with status 2. */
static void
fatal_hook_write(void)
{
	static const char m[] = "HOOK RAN\n";
	ssize_t r = write(2, m, sizeof m - 1);
	(void)r;
}

static void
deadlock_main(void *arg)
{
	(void)arg;
	gs_chan *c = gs_chan_make(0, 0);
	gs_chan_recv(c, NULL); /* nobody sends: every goroutine asleep */
}

static int
fatal_hook_child(void *arg)
{
	(void)arg;
	ck_assert_ptr_null(gs_set_fatal_hook(fatal_hook_write));
	ck_assert_ptr_eq(gs_set_fatal_hook(fatal_hook_write), fatal_hook_write);
	gs_run(deadlock_main, NULL, NULL);
	return 99; /* not reached: the runtime exits */
}

START_TEST(test_fatal_hook)
{
	int st = run_child(fatal_hook_child, NULL, 30ull * 1000000000);

	ck_assert_int_eq(exit_code(st), 2);
	const char *hook = strstr(child.out, "HOOK RAN");
	const char *fatal = strstr(child.out, "fatal error: all goroutines are asleep");
	ck_assert_msg(hook && fatal && hook < fatal, "stderr: %s", child.out);
	ck_assert_ptr_null(strstr(hook + 1, "HOOK RAN"));
}
END_TEST

/* gs_set_fatal_status: a program whose own table gives 2 another meaning
 * (gsched: usage errors) has the runtime's fatal errors exit with its own
 * status; out of 1..125 it is refused and nothing changes. */
static int
fatal_status_child(void *arg)
{
	(void)arg;
	ck_assert_int_eq(gs_set_fatal_status(0), GS_ERANGE);
	ck_assert_int_eq(gs_set_fatal_status(126), GS_ERANGE);
	ck_assert_int_eq(gs_set_fatal_status(7), GS_FATAL_STATUS);
	ck_assert_int_eq(gs_set_fatal_status(1), 7);
	gs_run(deadlock_main, NULL, NULL);
	return 99; /* not reached: the runtime exits */
}

START_TEST(test_fatal_status)
{
	int st = run_child(fatal_status_child, NULL, 30ull * 1000000000);

	ck_assert_int_eq(exit_code(st), 1);
	ck_assert_msg(strstr(child.out, "fatal error: all goroutines are asleep") != NULL,
	    "stderr: %s", child.out);
}
END_TEST

static Suite *
debug_suite(void)
{
	Suite *s = suite_create("debug");
	TCase *tc;

	tc = tu_tcase("schedtrace", 60);
	tcase_add_loop_test(tc, test_schedtrace, 0, 3);
	tcase_add_test(tc, test_no_trace_by_default);
	tcase_add_test(tc, test_scheddetail);
	tcase_add_test(tc, test_go_lines_parse);
	tcase_add_loop_test(tc, test_schedtrace_go_fields, 0, 2);
	suite_add_tcase(s, tc);

	tc = tu_tcase("settings", 30);
	tcase_add_test(tc, test_debug_unknown_key);
	tcase_add_loop_test(tc, test_debug_bad_value, 0, sizeof bad_debug / sizeof bad_debug[0]);
	tcase_add_test(tc, test_debug_bad_then_good);
	tcase_add_loop_test(tc, test_gomaxprocs_env_bad, 0, sizeof bad_env / sizeof bad_env[0]);
	tcase_add_test(tc, test_gomaxprocs_env_good);
	suite_add_tcase(s, tc);

	tc = tu_tcase("cgroup", 30);
	tcase_add_test(tc, test_run_on_small_stack);
	tcase_add_test(tc, test_fatal_hook);
	tcase_add_test(tc, test_fatal_status);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run_suite(debug_suite());
}
