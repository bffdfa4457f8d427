/*
 * check_goproc.c - gsched go's program runner (src/live/goproc.c): the
 * GODEBUG it gives the program, exit statuses in words, and a child that
 * is a shell script printing a Go trace between lines of its own: its
 * ticks arrive whole and in order, its own lines apart from them, its exit
 * status kept, a program that cannot run refused at once, and one that
 * outlives gsched's interest ended with its whole process group.
 *
 * Needs no Go: the script prints what Go 1.19 prints (tests/go.sh and the
 * e2e tests run a real Go program where go is installed).
 */
#define _GNU_SOURCE
#include <check.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gsched.h>
#include <gsched/observe.h>

#include "format/cmdline.h"
#include "format/tick.h"
#include "live/goproc.h"

/* ---- the GODEBUG the program gets ------------------------------------------------ */

static void
godebug_is(const char *old, int ms, bool detail, const char *want)
{
	char buf[256];
	int n = goproc_godebug(old, ms, detail, buf, sizeof buf);

	if (n < 0 || strcmp(buf, want) != 0 || (size_t)n != strlen(want))
		ck_abort_msg("GODEBUG '%s' %d: got '%s' (%d), want '%s'", old ? old : "(null)", ms,
		    n >= 0 ? buf : "", n, want);
}

START_TEST(test_godebug_merge)
{
	char small[16];

	godebug_is(NULL, 100, true, "schedtrace=100,scheddetail=1");
	godebug_is("", 100, true, "schedtrace=100,scheddetail=1");
	godebug_is("madvdontneed=1", 250, true, "madvdontneed=1,schedtrace=250,scheddetail=1");
	/* the program's own trace settings are replaced, the rest kept in order */
	godebug_is("schedtrace=5,gctrace=1,scheddetail=0,http2client=0", 100, true,
	    "gctrace=1,http2client=0,schedtrace=100,scheddetail=1");
	godebug_is(",,gctrace=1,", 7, false, "gctrace=1,schedtrace=7");
	/* a name that only begins like one is the program's */
	godebug_is("schedtracex=1", 100, true, "schedtracex=1,schedtrace=100,scheddetail=1");
	/* too long: refused, never cut */
	ck_assert_int_eq(goproc_godebug("gctrace=1", 100, true, small, sizeof small), -1);
	ck_assert_int_eq(goproc_godebug(NULL, 100, true, small, 0), -1);
}
END_TEST

START_TEST(test_status_text)
{
	char buf[64];

	goproc_status_text(3 << 8, buf, sizeof buf);
	ck_assert_str_eq(buf, "exited with status 3");
	goproc_status_text(SIGKILL, buf, sizeof buf);
	ck_assert_str_eq(buf, "killed by signal 9 (SIGKILL)");
	goproc_status_text(SIGINT, buf, sizeof buf);
	ck_assert_str_eq(buf, "killed by signal 2 (SIGINT)");
}
END_TEST

START_TEST(test_quiet)
{
	/* a few intervals, never under the minimum */
	ck_assert_uint_eq(goproc_quiet_ns(100), GOPROC_QUIET_MIN_NS);
	ck_assert_uint_eq(goproc_quiet_ns(1000), 1000ULL * 1000000 * GOPROC_QUIET_INTERVALS);
	ck_assert(goproc_quiet_ns(1000) > goproc_quiet_ns(500));
}
END_TEST

/* gsched go PROGRAM ARGS: the command line stops at PROGRAM. */
START_TEST(test_cmdline_stops_at_operand)
{
	static const cmdline_opt opts[] = {
		{ "interval", 'i', required_argument, "MS", "x" },
		{ "verbose", 'v', no_argument, NULL, "x" },
	};
	char *argv[] = { "go", "-i", "50", "prog", "-v", "--interval", "x", NULL };
	cmdline c;
	const char *v;
	int key, n = 0;

	cmdline_init(&c, opts, 2, "go", 7, argv);
	while ((key = cmdline_next(&c, &v)) != CMDLINE_END) {
		ck_assert_int_ne(key, CMDLINE_ERROR);
		if (key == CMDLINE_OPERAND) {
			ck_assert_str_eq(v, "prog");
			ck_assert_int_eq(cmdline_index(&c), 4); /* "-v": the program's */
			break;
		}
		n++;
	}
	ck_assert_int_eq(n, 1);
	char *dd[] = { "go", "--", "-v", "a", NULL };
	cmdline_init(&c, opts, 2, "go", 4, dd);
	ck_assert_int_eq(cmdline_next(&c, &v), CMDLINE_OPERAND);
	ck_assert_str_eq(v, "-v");
	ck_assert_int_eq(cmdline_index(&c), 3);
}
END_TEST

/* ---- a child ------------------------------------------------------------------------ */

/* Two Go 1.19 blocks with lines of the program's own before, between and
 * after them, then exit 5. */
static const char script[] =
    "echo own-first >&2\n"
    "b() {\n"
    " echo \"SCHED $1ms: gomaxprocs=2 idleprocs=0 threads=$2 spinningthreads=0 idlethreads=0 "
    "runqueue=0 gcwaiting=0 nmidlelocked=0 stopwait=0 sysmonwait=0\"\n"
    " echo '  P0: status=1 schedtick=3 syscalltick=0 m=0 runqsize=0 gfreecnt=0 timerslen=0'\n"
    " echo '  P1: status=1 schedtick=3 syscalltick=0 m=1 runqsize=0 gfreecnt=0 timerslen=0'\n"
    " echo '  M1: p=1 curg=2 mallocing=0 throwing=0 preemptoff= locks=0 dying=0 "
    "spinning=false blocked=false lockedg=-1'\n"
    " echo '  M0: p=0 curg=1 mallocing=0 throwing=0 preemptoff= locks=0 dying=0 "
    "spinning=false blocked=false lockedg=-1'\n"
    " echo '  G1: status=2() m=0 lockedm=0'\n"
    " echo '  G2: status=2() m=1 lockedm=-1'\n"
    "}\n"
    "b 0 4 >&2; sleep 0.2; echo own-between >&2; b 100 7 >&2; sleep 0.2\n"
    "printf 'own\\033[2Jlast' >&2\n"
    "echo to-stdout\n"
    "exit 5\n";

struct seen {
	int ticks;
	int threads[8];
	int64_t index[8];
	char lines[8][GOPROC_LINE_SHOW + 1];
	int nlines;
	int order[16]; /* 't' a tick, 'l' a line, in the order they came */
	int norder;
};

static void
on_tick(void *ctx, const tick_info *info, const tick_data *t, const char *format)
{
	struct seen *s = ctx;

	ck_assert_ptr_nonnull(format);
	ck_assert(info->lacks & TICK_LACKS_STEALS);
	if (s->ticks < 8) {
		s->threads[s->ticks] = t->snap->nm_total; /* Go's threads= */
		s->index[s->ticks] = t->index;
	}
	s->ticks++;
	if (s->norder < 16)
		s->order[s->norder++] = 't';
}

static void
on_line(void *ctx, const char *text)
{
	struct seen *s = ctx;

	if (s->nlines < 8)
		snprintf(s->lines[s->nlines], sizeof s->lines[0], "%s", text);
	s->nlines++;
	if (s->norder < 16)
		s->order[s->norder++] = 'l';
}

/* Poll g until it has exited and said everything (or 60 s: a hang). */
static void
run_out(goproc *g, struct seen *s, goproc_state *st)
{
	goproc_visit v = { on_tick, on_line, s };

	for (int i = 0; i < 6000; i++) {
		struct pollfd pfd = { goproc_fd(g), POLLIN, 0 };
		poll(&pfd, 1, 10);
		goproc_poll(g, &v, st);
		if (st->exited && st->eof)
			break;
	}
	goproc_poll(g, &v, st);
}

START_TEST(test_child_trace_and_lines)
{
	char dir[] = "/tmp/check_goproc.XXXXXX", out[64], err[64], msg[256];
	struct seen s;
	goproc_state st;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(out, sizeof out, "%s/out", dir);
	snprintf(err, sizeof err, "%s/err", dir);
	char *argv[] = { "sh", "-c", (char *)script, NULL };
	goproc_opts o = { argv, 100, out, err };
	memset(&s, 0, sizeof s);
	memset(&st, 0, sizeof st);
	goproc *g = goproc_start(&o, msg, sizeof msg);
	ck_assert_msg(g != NULL, "%s", msg);
	run_out(g, &s, &st);
	ck_assert(st.exited);
	ck_assert(WIFEXITED(st.wstatus) && WEXITSTATUS(st.wstatus) == 5);
	/* both blocks, whole and in order (Go's threads= as printed) */
	ck_assert_int_eq(s.ticks, 2);
	ck_assert_int_eq(s.index[0], 0);
	ck_assert_int_eq(s.index[1], 1);
	ck_assert_int_eq(s.threads[0], 4);
	ck_assert_int_eq(s.threads[1], 7);
	/* its own lines apart, control characters made harmless */
	ck_assert_int_eq(s.nlines, 3);
	ck_assert_str_eq(s.lines[0], "own-first");
	ck_assert_str_eq(s.lines[1], "own-between");
	ck_assert_str_eq(s.lines[2], "own [2Jlast");
	ck_assert_int_eq(st.other_lines, 3);
	ck_assert_int_eq(st.sched_lines, 14);
	/* the first block before the line after it, that line before the second */
	const char want[] = "ltltl";
	for (int i = 0; i < 5; i++)
		if (s.order[i] != want[i])
			ck_abort_msg("order: item %d is '%c', want '%c'", i, s.order[i], want[i]);
	goproc_free(g);
	/* its standard output to the file; its own lines whole to the other */
	FILE *f = fopen(out, "r");
	char line[128] = "";
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
	fclose(f);
	ck_assert_str_eq(line, "to-stdout\n");
	f = fopen(err, "r");
	ck_assert_ptr_nonnull(f);
	int n = 0;
	while (fgets(line, sizeof line, f) != NULL)
		n++;
	fclose(f);
	ck_assert_int_eq(n, 3);
	ck_assert_str_eq(line, "own\033[2Jlast\n");
	unlink(out);
	unlink(err);
	rmdir(dir);
}
END_TEST

START_TEST(test_child_cannot_run)
{
	char msg[256];
	char *argv[] = { "/nonexistent/gsched-goproc-test", NULL };
	goproc_opts o = { argv, 100, NULL, NULL };

	ck_assert_ptr_null(goproc_start(&o, msg, sizeof msg));
	ck_assert_str_eq(msg, "/nonexistent/gsched-goproc-test: No such file or directory");
	char *argv2[] = { "true", NULL };
	goproc_opts o2 = { argv2, 100, "/nonexistent/dir/out", NULL };
	ck_assert_ptr_null(goproc_start(&o2, msg, sizeof msg));
	ck_assert(strstr(msg, "cannot write '/nonexistent/dir/out'") != NULL);
}
END_TEST

/* A program that ignores SIGTERM, with a child of its own: goproc_free ends
 * the whole group (SIGKILL after a second). */
START_TEST(test_child_ended_with_group)
{
	char msg[256], pidfile[] = "/tmp/check_goproc_pid.XXXXXX";
	int fd = mkstemp(pidfile);
	ck_assert_int_ge(fd, 0);
	close(fd);
	char cmd[256];
	snprintf(cmd, sizeof cmd, "trap '' TERM INT; sleep 1000 & echo $! >%s; wait", pidfile);
	char *argv[] = { "sh", "-c", cmd, NULL };
	goproc_opts o = { argv, 100, NULL, NULL };
	goproc *g = goproc_start(&o, msg, sizeof msg);
	ck_assert_msg(g != NULL, "%s", msg);
	pid_t sleeper = 0;
	for (int i = 0; i < 3000 && sleeper <= 0; i++) {
		FILE *f = fopen(pidfile, "r");
		if (f != NULL) {
			if (fscanf(f, "%d", &sleeper) != 1)
				sleeper = 0;
			fclose(f);
		}
		if (sleeper <= 0)
			usleep(10000);
	}
	ck_assert_int_gt(sleeper, 0);
	ck_assert_int_eq(kill(sleeper, 0), 0);
	goproc_state st;
	goproc_poll(g, NULL, &st);
	ck_assert(!st.exited);
	goproc_free(g);
	/* the grandchild too: it was in the program's group (reaped by init
	 * once killed, so it may linger as a zombie only briefly) */
	int gone = 0;
	for (int i = 0; i < 500 && !gone; i++) {
		char path[64], state = 0;
		snprintf(path, sizeof path, "/proc/%d/stat", (int)sleeper);
		FILE *f = fopen(path, "r");
		if (f == NULL) {
			gone = 1;
			break;
		}
		if (fscanf(f, "%*d %*s %c", &state) == 1 && state == 'Z')
			gone = 1;
		fclose(f);
		if (!gone)
			usleep(10000);
	}
	unlink(pidfile);
	ck_assert_msg(gone, "the program's child %d outlived goproc_free", (int)sleeper);
}
END_TEST

static Suite *
goproc_suite(void)
{
	Suite *s = suite_create("goproc");
	TCase *tc = tcase_create("pure");

	tcase_add_test(tc, test_godebug_merge);
	tcase_add_test(tc, test_status_text);
	tcase_add_test(tc, test_quiet);
	tcase_add_test(tc, test_cmdline_stops_at_operand);
	suite_add_tcase(s, tc);
	TCase *ch = tcase_create("child");
	tcase_add_test(ch, test_child_trace_and_lines);
	tcase_add_test(ch, test_child_cannot_run);
	tcase_add_test(ch, test_child_ended_with_group);
	tcase_set_timeout(ch, 120);
	suite_add_tcase(s, ch);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(goproc_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
