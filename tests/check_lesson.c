/*
 * check_lesson.c - the lesson parser (every error class with its exact
 * message, and what a good lesson parses into), the shipped lessons, and the
 * player on a live session (captions, expectations, measures, pauses, keys).
 *
 * Public headers and the front end's own only, like the gsched program.
 */
#define _GNU_SOURCE
#include <check.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsched.h>
#include <gsched/observe.h>

#include "lesson/lesson.h"
#include "live/session.h"
#include "live/workload.h"
#include "testutil.h"

#ifndef DEMOS_DIR
#define DEMOS_DIR "demos"
#endif
#ifndef GSCHED_BIN
#define GSCHED_BIN "src/gsched"
#endif

/* ---- helpers ------------------------------------------------------------------------ */

static char errbuf[2048];

/* Parse text as "t.lesson"; the program (caller frees) or NULL with errbuf set. */
static lesson_program *
parse_len(const char *text, size_t len)
{
	lesson_program *g = NULL;
	errbuf[0] = '\0';
	int rc = lesson_parse("t.lesson", text, len, &g, errbuf, sizeof errbuf);
	ck_assert_int_eq(rc == 0, g != NULL);
	return g;
}

static lesson_program *
parse(const char *text)
{
	return parse_len(text, strlen(text));
}

/* The parse must fail with exactly msg. */
static void
fails_with(const char *text, const char *msg)
{
	lesson_program *g = parse(text);
	ck_assert_msg(g == NULL, "parsed, but expected: %s", msg);
	ck_assert_str_eq(errbuf, msg);
}

/* ---- errors, one test per class --------------------------------------------------------- */

START_TEST(err_unknown_command)
{
	fails_with("say \"hi\"\n  jump 3\n",
	    "t.lesson:2:3: unknown command 'jump' (expected title, slow, procs, spawn, "
	    "say, wait, pause, expect, mark, measure, reset or asyncpreemptoff)");
	fails_with("= 3\n",
	    "t.lesson:1:1: expected a command (title, slow, procs, spawn, say, "
	    "wait, pause, expect, mark, measure, reset, asyncpreemptoff), got '='");
	fails_with("asyncpreemptoff 2\n", "t.lesson:1:17: 0 or 1 '2' is out of range (0 to 1)");
}
END_TEST

START_TEST(err_bad_number)
{
	/* the issue's own example */
	fails_with("# demo\ntitle \"x\"\nprocs abc\n",
	    "t.lesson:3:7: expected a number after 'procs', got 'abc'");
	fails_with("procs 0\n", "t.lesson:1:7: number '0' is out of range (1 to 256)");
	fails_with("procs 12x\n",
	    "t.lesson:1:7: expected a number after 'procs', got "
	    "'12x'");
	fails_with("procs\n",
	    "t.lesson:1:6: expected a number after 'procs', got the "
	    "end of the line");
	fails_with("procs 99999999999999999999999\n",
	    "t.lesson:1:7: number '99999999999999999999999' is out of range (1 "
	    "to 256)");
	fails_with("procs cpus * 0\n", "t.lesson:1:14: number '0' is out of range (1 to 256)");
	fails_with("spawn x cpu\n",
	    "t.lesson:1:7: expected a goroutine count after 'spawn', got 'x'");
	fails_with("spawn 2 cpu 5Q\n",
	    "t.lesson:1:13: expected a lifetime (like 2s) or an iteration count "
	    "after 'cpu', got '5Q'");
}
END_TEST

START_TEST(err_bad_duration)
{
	fails_with("wait 5\n",
	    "t.lesson:1:6: duration '5' needs a unit: us, ms, s, m or min, h (like 500ms)");
	fails_with("wait 5d\n",
	    "t.lesson:1:7: unknown duration unit 'd' (use us, ms, s, m or min, h)");
	fails_with("wait 2min30x\n",
	    "t.lesson:1:12: unknown duration unit 'x' (use us, ms, s, m or min, h)");
	fails_with("wait 2h\n", "t.lesson:1:6: duration '2h' is out of range (1ms to 1 hour)");
	fails_with("wait 61min\n",
	    "t.lesson:1:6: duration '61min' is out of range (1ms to 1 hour)");
	fails_with("wait 10us\n", "t.lesson:1:6: duration '10us' is out of range (1ms to 1 hour)");
	fails_with("wait 99999999999999999999s\n",
	    "t.lesson:1:6: duration '99999999999999999999s' is out of range (1ms to 1 hour)");
	fails_with("wait 1..s\n",
	    "t.lesson:1:6: duration '1..s' needs a unit: us, ms, s, m or min, h (like 500ms)");
	fails_with("wait\n",
	    "t.lesson:1:5: expected a duration (like 500ms or 2s) after "
	    "'wait', got the end of the line");
	fails_with("wait until threads > 1 timeout\n",
	    "t.lesson:1:31: expected a duration (like 500ms or 2s) after "
	    "'timeout', got the end of the line");
}
END_TEST

START_TEST(err_strings)
{
	fails_with("say \"hello\n", "t.lesson:1:5: unterminated string: expected a closing '\"'");
	fails_with("say \"a\\qb\"\n",
	    "t.lesson:1:7: unknown escape '\\q' in a string (use \\\" \\\\ or \\n)");
	fails_with("say hello\n",
	    "t.lesson:1:5: expected a caption in double quotes "
	    "after 'say', got 'hello'");
	fails_with("mark\n",
	    "t.lesson:1:5: expected a chapter name in double quotes "
	    "after 'mark', got the end of the line");
	fails_with("say \"{thread}s\"\n", "t.lesson:1:1: unknown quantity '{thread}' in a caption");
	fails_with("say \"{threads\"\n",
	    "t.lesson:1:1: '{' in a caption must start a quantity like {threads} "
	    "(write {{ for a brace)");
	fails_with("say \"{a\\nb}\"\n",
	    "t.lesson:1:1: '{' in a caption must start a quantity like {threads} "
	    "(write {{ for a brace)");
	fails_with("title \"a\"\ntitle \"b\"\n",
	    "t.lesson:2:1: a second 'title' (a lesson has one)");
	/* one byte past the limit */
	char big[LESSON_TEXT_MAX + 32];
	memset(big, 'a', sizeof big);
	memcpy(big, "say \"", 5);
	big[5 + LESSON_TEXT_MAX + 1] = '"';
	big[5 + LESSON_TEXT_MAX + 2] = '\0';
	fails_with(big, "t.lesson:1:5: string of 513 bytes is too long (at most 512)");
}
END_TEST

START_TEST(err_counts)
{
	fails_with("spawn 100001 sleep\n",
	    "t.lesson:1:7: goroutine count '100001' is out of range (1 to 100000)");
	fails_with("spawn 2001 syscall\n",
	    "t.lesson:1:7: 2001 syscall goroutines would need 2001 threads blocked "
	    "in system calls (at most 2000: each takes a thread of its own)");
	fails_with("spawn 1500 syscall 1s\nspawn 600 syscall 1s\n",
	    "t.lesson:2:7: the lesson would block 2100 goroutines in system calls "
	    "in all, a thread each (at most 2000)");
	fails_with("spawn 60000 sleep 1s\nspawn 40001 sleep 1s\n",
	    "t.lesson:2:7: the lesson would spawn 100001 goroutines in all (at most "
	    "100000)");
	fails_with("spawn 60000 netwait\n",
	    "t.lesson:1:7: 60000 netwait would start 120000 goroutines (at most "
	    "100000)");
	fails_with("spawn 1001 mixed\n",
	    "t.lesson:1:7: 1001 mixed goroutines would need 2002 threads blocked "
	    "in system calls (at most 2000: each takes a thread of its own)");
	fails_with("spawn 2001 thread\n",
	    "t.lesson:1:7: 2001 thread goroutines would need 2001 threads blocked "
	    "in system calls (at most 2000: each takes a thread of its own)");
	fails_with("spawn 2001 block\n",
	    "t.lesson:1:7: 2001 block goroutines would need 2001 threads blocked "
	    "in system calls (at most 2000: each takes a thread of its own)");
	fails_with("spawn 0 cpu\n",
	    "t.lesson:1:7: goroutine count '0' is out of range (1 to 100000)");
}
END_TEST

START_TEST(err_kinds_and_labels)
{
	fails_with("spawn 4 gpu\n",
	    "t.lesson:1:9: unknown workload kind 'gpu' (expected one of: cpu, "
	    "sleep, syscall, netwait, mixed, nap, loop, tight, pool, http, httplimit, httppool, "
	    "thread, shortcall, pingpong, gosched, threadpingpong, threadlimit, block)");
	fails_with("spawn 4\n",
	    "t.lesson:1:8: expected a workload kind after the count, "
	    "got the end of the line");
	fails_with("spawn 1 cpu as\n",
	    "t.lesson:1:15: expected a label after 'as', got the end of the line");
	fails_with("spawn 1 cpu as abcdefghijklmnop\n",
	    "t.lesson:1:16: a label has 1 to 15 characters, got 16");
	fails_with("spawn 1 cpu as \"a b\"\n",
	    "t.lesson:1:16: a label is printable ASCII without spaces");
	fails_with("spawn 1 cpu 2s 3\n",
	    "t.lesson:1:16: unexpected '3' after 'spawn' (expected the end of the "
	    "line)");
}
END_TEST

START_TEST(err_conditions)
{
	fails_with("expect threads => 3\n",
	    "t.lesson:1:16: expected a comparison (<, <=, ==, !=, >=, >) after "
	    "'threads', got '=>'");
	fails_with("expect thread > 3\n",
	    "t.lesson:1:8: unknown quantity 'thread' (try threads, procs, "
	    "goroutines, steals, ...; demos/README lists them)");
	fails_with("expect threads > \n",
	    "t.lesson:1:18: expected a number or a "
	    "quantity after '>', got the end of the line");
	fails_with("expect threads > procs + x1\n",
	    "t.lesson:1:26: unknown quantity 'x1' (try threads, procs, goroutines, "
	    "steals, ...; demos/README lists them)");
	fails_with("expect threads > 1 + 2 + 3 + 4 + 5\n",
	    "t.lesson:1:34: too many terms (at most 4)");
	fails_with("wait until\n",
	    "t.lesson:1:11: expected a condition (like threads >= "
	    "4) after 'until', got the end of the line");
	fails_with("pause now\n",
	    "t.lesson:1:7: unexpected 'now' after 'pause' "
	    "(expected the end of the line)");
	fails_with("expect threads > 3 ;\n", "t.lesson:1:20: unexpected character ';'");
}
END_TEST

START_TEST(err_bytes)
{
	static const char nul[] = "say \"a\0b\"\n";
	ck_assert_ptr_null(parse_len(nul, sizeof nul - 1));
	ck_assert_str_eq(errbuf, "t.lesson:1:7: NUL byte (is this a binary file?)");

	fails_with("pause\nsay \"\xff\"\n", "t.lesson:2:6: invalid UTF-8 byte 0xff");
	fails_with("say \"\xc0\xaf\"\n", "t.lesson:1:6: invalid UTF-8 byte 0xc0");
	fails_with("say \"\xed\xa0\x80\"\n", "t.lesson:1:6: invalid UTF-8 byte 0xed");
	fails_with("say \"\xe2\x82\"\n", "t.lesson:1:6: invalid UTF-8 byte 0xe2");
	fails_with("pause\x01\n", "t.lesson:1:6: control character 0x01");
	fails_with("pause \xc3\xa9\n",
	    "t.lesson:1:7: unexpected non-ASCII character outside a string");

	char line[LESSON_LINE_MAX + 10];
	memset(line, ' ', sizeof line);
	memcpy(line, "pause", 5);
	line[LESSON_LINE_MAX + 1] = '\n';
	line[LESSON_LINE_MAX + 2] = '\0';
	fails_with(line, "t.lesson:1:1025: line is longer than 1024 bytes");
	/* a binary file: its NUL is named even past the line limit */
	char bin[LESSON_LINE_MAX * 2];
	memset(bin, 'x', sizeof bin);
	bin[0] = 0x7f;
	bin[1500] = '\0';
	ck_assert_ptr_null(parse_len(bin, sizeof bin));
	ck_assert_str_eq(errbuf, "t.lesson:1:1501: NUL byte (is this a binary file?)");
	/* exactly the limit is fine */
	line[LESSON_LINE_MAX] = '\n';
	line[LESSON_LINE_MAX + 1] = '\0';
	lesson_program *g = parse(line);
	ck_assert_msg(g != NULL, "%s", errbuf);
	lesson_program_free(g);

	fails_with("",
	    "t.lesson:1:1: the lesson has no steps (expected procs, spawn, "
	    "say, ...)");
	fails_with("# only\n\ntitle \"t\"\n",
	    "t.lesson:3:1: the lesson has no steps (expected procs, spawn, say, "
	    "...)");
}
END_TEST

/* LF, CR LF and a lone CR each end a line, the last line with or without
 * one: the line numbers count them alike, and a CR at the very end of the
 * file ends the last line (a parser that stays on it never returns: the
 * test case's timeout catches that). */
START_TEST(line_ends)
{
	static const char *const texts[] = {
		"title \"t\"\npause\nsay \"x\"\r",
		"title \"t\"\npause\nsay \"x\"\n",
		"title \"t\"\r\npause\r\nsay \"x\"\r\n",
		"title \"t\"\rpause\rsay \"x\"\r",
		"title \"t\"\rpause\r\nsay \"x\"",
	};

	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
		lesson_program *g = parse(texts[i]);
		ck_assert_msg(g != NULL, "text %zu: %s", i, errbuf);
		ck_assert_str_eq(g->title, "t");
		ck_assert_int_eq(g->nsteps, 2);
		ck_assert_int_eq(g->steps[0].cmd, LESSON_PAUSE);
		ck_assert_int_eq(g->steps[0].line, 2);
		ck_assert_int_eq(g->steps[1].cmd, LESSON_SAY);
		ck_assert_int_eq(g->steps[1].line, 3);
		lesson_program_free(g);
	}
	/* a file of line ends only has no steps; CR CR LF is two line ends */
	fails_with("\r", "t.lesson:1:1: the lesson has no steps (expected procs, spawn, say, ...)");
	fails_with("pause\r\r\nbogus\r",
	    "t.lesson:3:1: unknown command 'bogus' (expected title, slow, procs, spawn, "
	    "say, wait, pause, expect, mark, measure, reset or asyncpreemptoff)");
}
END_TEST

START_TEST(err_files)
{
	lesson_program *g = NULL;

	ck_assert_int_eq(lesson_load("/nonexistent/x.lesson", &g, errbuf, sizeof errbuf), -1);
	ck_assert_ptr_null(g);
	ck_assert_str_eq(errbuf, "/nonexistent/x.lesson: cannot open: No such file or directory");
	/* a FIFO with no writer: refused, not waited on (the test case's
	 * timeout catches a wait) */
	char fifo[] = "/tmp/check_lesson.fifo.XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(fifo));
	char fpath[sizeof fifo + 16], fwant[sizeof fpath + 64];
	snprintf(fpath, sizeof fpath, "%s/x.lesson", fifo);
	ck_assert_int_eq(mkfifo(fpath, 0600), 0);
	ck_assert_int_eq(lesson_load(fpath, &g, errbuf, sizeof errbuf), -1);
	ck_assert_ptr_null(g);
	snprintf(fwant, sizeof fwant, "%s: not a regular file (a FIFO)", fpath);
	ck_assert_str_eq(errbuf, fwant);
	unlink(fpath);
	ck_assert_int_eq(lesson_load("/", &g, errbuf, sizeof errbuf), -1);
	ck_assert_str_eq(errbuf, "/: not a regular file (a directory)");
	ck_assert_int_eq(lesson_load("/dev/null", &g, errbuf, sizeof errbuf), -1);
	ck_assert_str_eq(errbuf, "/dev/null: not a regular file (a character device)");
	/* a socket: named as one, not as open(2)'s ENXIO */
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", fpath);
	int sfd = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_ge(sfd, 0);
	ck_assert_int_eq(bind(sfd, (struct sockaddr *)&sa, sizeof sa), 0);
	ck_assert_int_eq(lesson_load(fpath, &g, errbuf, sizeof errbuf), -1);
	snprintf(fwant, sizeof fwant, "%s: not a regular file (a socket)", fpath);
	ck_assert_str_eq(errbuf, fwant);
	close(sfd);
	unlink(fpath);
	rmdir(fifo);

	char path[] = "/tmp/check_lesson.XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "procs 2\nspawn 1 gpu\n", 21), 21);
	close(fd);
	ck_assert_int_eq(lesson_load(path, &g, errbuf, sizeof errbuf), -1);
	char want[200];
	snprintf(want, sizeof want, "%s:2:9: unknown workload kind 'gpu'", path);
	ck_assert_msg(strncmp(errbuf, want, strlen(want)) == 0, "%s", errbuf);

	/* too large */
	fd = open(path, O_WRONLY | O_TRUNC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, LESSON_FILE_MAX + 1), 0);
	close(fd);
	ck_assert_int_eq(lesson_load(path, &g, errbuf, sizeof errbuf), -1);
	snprintf(want, sizeof want, "%s: file of %d bytes is too large for a lesson (at most %d)",
	    path, LESSON_FILE_MAX + 1, LESSON_FILE_MAX);
	ck_assert_str_eq(errbuf, want);

	/* unreadable */
	if (geteuid() != 0) {
		ck_assert_int_eq(chmod(path, 0), 0);
		ck_assert_int_eq(lesson_load(path, &g, errbuf, sizeof errbuf), -1);
		snprintf(want, sizeof want, "%s: cannot open: Permission denied", path);
		ck_assert_str_eq(errbuf, want);
	}
	unlink(path);
}
END_TEST

/* ---- what a good lesson parses into ------------------------------------------------- */

START_TEST(good_lesson)
{
	const char *text = "\xef\xbb\xbf# a comment\r\n"
			   "title \"All the commands \\\"quoted\\\"\"  # trailing comment\n"
			   "\n"
			   "procs 2\n"
			   "procs cpus\n"
			   "procs cpus/2\n"
			   "procs cpus * 2\n"
			   "spawn 8 cpu 100M as hog\n"
			   "spawn 3 sleep 1.5s\n"
			   "spawn 1 loop 250ms\n"
			   "spawn 2 http 40 as \"web\"\n"
			   "say \"line one\\nline two {threads} {{x}}\"\n"
			   "wait 500ms\n"
			   "wait until threads>=procs+2-1 timeout 3s\n"
			   "\tpause\n"
			   "expect steals > 0\n"
			   "mark \"chapter one\"\n"
			   "measure \"took\" timeout 90s\n"
			   "reset\n"
			   "wait 2min\n";
	lesson_program *g = parse(text);
	ck_assert_msg(g != NULL, "%s", errbuf);
	ck_assert_str_eq(g->title, "All the commands \"quoted\"");
	ck_assert_str_eq(g->name, "t.lesson");
	ck_assert_int_eq(g->nsteps, 17);
	lesson_step *s = g->steps;
	ck_assert_int_eq(s[0].cmd, LESSON_PROCS);
	ck_assert_int_eq(s[0].procs, 2);
	ck_assert_int_eq(s[0].procs_rel, 0);
	ck_assert_int_eq(s[0].line, 4);
	ck_assert_int_eq(s[1].procs_rel, '*');
	ck_assert_int_eq(s[1].procs, 1);
	ck_assert_int_eq(s[2].procs_rel, '/');
	ck_assert_int_eq(s[2].procs, 2);
	ck_assert_int_eq(s[3].procs_rel, '*');
	ck_assert_int_eq(s[3].procs, 2);
	ck_assert_int_eq(s[4].cmd, LESSON_SPAWN);
	ck_assert_int_eq(s[4].count, 8);
	ck_assert_str_eq(s[4].kind, "cpu");
	ck_assert_int_eq(s[4].iters, 100000000);
	ck_assert_int_eq(s[4].life_ns, 0);
	ck_assert_str_eq(s[4].label, "hog");
	ck_assert_int_eq(s[5].life_ns, 1500000000);
	ck_assert_str_eq(s[5].label, "");
	ck_assert_int_eq(s[6].life_ns, 250000000);
	ck_assert_int_eq(s[7].iters, 40);
	ck_assert_str_eq(s[7].label, "web");
	ck_assert_int_eq(s[8].cmd, LESSON_SAY);
	ck_assert_str_eq(s[8].text, "line one\nline two {threads} {{x}}");
	ck_assert_int_eq(s[9].cmd, LESSON_WAIT);
	ck_assert_int_eq(s[9].ns, 500000000);
	ck_assert_int_eq(s[10].cmd, LESSON_WAIT_UNTIL);
	ck_assert_int_eq(s[10].ns, 3000000000LL);
	ck_assert_int_eq(s[10].cond.qty, LQ_THREADS);
	ck_assert_int_eq(s[10].cond.op, LESSON_GE);
	ck_assert_int_eq(s[10].cond.nterms, 3);
	ck_assert_int_eq(s[10].cond.term[0].qty, LQ_PROCS);
	ck_assert_int_eq(s[10].cond.term[1].num, 2);
	ck_assert_int_eq(s[10].cond.term[2].sign, -1);
	ck_assert_str_eq(s[10].cond.text, "threads >= procs + 2 - 1");
	ck_assert_int_eq(s[11].cmd, LESSON_PAUSE);
	ck_assert_int_eq(s[12].cmd, LESSON_EXPECT);
	ck_assert_int_eq(s[12].cond.qty, LQ_STEALS);
	ck_assert_int_eq(s[12].cond.op, LESSON_GT);
	ck_assert_int_eq(s[13].cmd, LESSON_MARK);
	ck_assert_str_eq(s[13].text, "chapter one");
	ck_assert_int_eq(s[14].cmd, LESSON_MEASURE);
	ck_assert_int_eq(s[14].ns, 90000000000LL);
	ck_assert_int_eq(s[15].cmd, LESSON_RESET);
	ck_assert_int_eq(s[16].ns, 120000000000LL);
	lesson_program_free(g);

	g = parse("asyncpreemptoff 1\nasyncpreemptoff 0\nspawn 100 pool 2M");
	ck_assert_msg(g != NULL, "%s", errbuf);
	ck_assert_int_eq(g->steps[0].cmd, LESSON_ASYNCPREEMPTOFF);
	ck_assert_int_eq(g->steps[0].procs, 1);
	ck_assert_int_eq(g->steps[1].procs, 0);
	ck_assert_str_eq(g->steps[2].kind, "pool");
	ck_assert_int_eq(g->steps[2].iters, 2000000);
	lesson_program_free(g);

	/* defaults: wait until times out after 10 s, measure after 60 s */
	g = parse("wait until goroutines == 0\nmeasure \"m\"");
	ck_assert_msg(g != NULL, "%s", errbuf);
	ck_assert_int_eq(g->steps[0].ns, 10000000000LL);
	ck_assert_int_eq(g->steps[1].ns, 60000000000LL);
	ck_assert_ptr_null(g->title);
	lesson_program_free(g);

	ck_assert_int_eq(lesson_qty_find("netwaiting", 10), LQ_NETWAITING);
	ck_assert_int_eq(lesson_qty_find("nope", 4), -1);
	for (int q = 0; q < LQ_NQTY; q++)
		ck_assert_int_eq(lesson_qty_find(lesson_qty_name(q), strlen(lesson_qty_name(q))),
		    q);
	ck_assert_int_eq(lesson_scale(1000, 2.5), 2500);
}
END_TEST

/* slow N: once, 1..1000, kept in the program for the command line to use. */
START_TEST(slow_directive)
{
	lesson_program *g = parse("title \"t\"\nslow 20\nprocs 2\n");
	ck_assert_msg(g != NULL, "%s", errbuf);
	ck_assert_int_eq(g->slow, 20);
	ck_assert_int_eq(g->nsteps, 1);
	lesson_program_free(g);
	g = parse("procs 2\n");
	ck_assert_msg(g != NULL, "%s", errbuf);
	ck_assert_int_eq(g->slow, 0);
	lesson_program_free(g);
	fails_with("slow 0\n", "t.lesson:1:6: slow-motion factor '0' is out of range (1 to 1000)");
	fails_with("slow 1001\n",
	    "t.lesson:1:6: slow-motion factor '1001' is out of range (1 to 1000)");
	fails_with("slow x\n", "t.lesson:1:6: expected a slow-motion factor after 'slow', got 'x'");
	fails_with("slow 2\nslow 3\n",
	    "t.lesson:2:1: a second 'slow' (a lesson runs at one speed)");
}
END_TEST

/* Every shipped lesson parses, has a title and at least one expectation. */
START_TEST(shipped_lessons_parse)
{
	static const char *const names[] = { "01-concurrency", "02-gmp", "03-gomaxprocs",
		"04-cpu-pool", "05-io-bound", "06-stealing", "07-queues", "08-syscalls",
		"09-threads", "10-preemption", "11-containers", "12-webserver", "13-threadlimit",
		"14-switchcost", "15-syscallreturn", "16-physcores", "17-memory" };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char path[512];
		lesson_program *g;
		snprintf(path, sizeof path, "%s/%s.lesson", DEMOS_DIR, names[i]);
		ck_assert_msg(lesson_load(path, &g, errbuf, sizeof errbuf) == 0, "%s", errbuf);
		ck_assert_msg(g->title != NULL, "%s has no title", path);
		int expects = 0;
		for (int k = 0; k < g->nsteps; k++)
			expects += g->steps[k].cmd == LESSON_EXPECT;
		ck_assert_msg(expects > 0, "%s has no expect", path);
		lesson_program_free(g);
	}
}
END_TEST

/* ---- the player on a live session --------------------------------------------------------- */

/* Run text in batch and return the exit status; the output goes to outbuf. */
static char outbuf[65536];

static int
run_text(const char *text, bool quiet)
{
	lesson_program *g = parse(text);
	ck_assert_msg(g != NULL, "%s", errbuf);
	FILE *f = fmemopen(outbuf, sizeof outbuf - 1, "w");
	ck_assert_ptr_nonnull(f);
	lesson_run_opts o = { .time_scale = 1, .out = f, .quiet = quiet };
	int rc = lesson_run_batch(g, &o);
	fclose(f);
	lesson_program_free(g);
	return rc;
}

/* Run text, which must pass all of its `passed` expectations. */
static void
run_passing(const char *text, bool quiet, int passed)
{
	char want[64];

	ck_assert_msg(run_text(text, quiet) == 0, "%s", outbuf);
	snprintf(want, sizeof want, " %d passed, 0 failed", passed);
	ck_assert_msg(strstr(outbuf, want) != NULL, "%s", outbuf);
}

START_TEST(play_expect_pass_and_fail)
{
	int rc = run_text("title \"t\"\nprocs 1\nexpect procs == 1\n"
			  "say \"now {procs} P\"\nexpect procs > 1\n",
	    true);
	ck_assert_int_eq(rc, 1);
	ck_assert_msg(strstr(outbuf, "info: GOMAXPROCS = 1 (was ") != NULL, "%s", outbuf);
	ck_assert_msg(strstr(outbuf, "ok: expect procs == 1: ok (procs = 1)\n") != NULL, "%s",
	    outbuf);
	ck_assert_msg(strstr(outbuf, "say: now 1 P\n") != NULL, "%s", outbuf);
	ck_assert_msg(strstr(outbuf,
			  "FAIL: t.lesson:5: expect procs > 1: FAILED (procs "
			  "= 1)\n") != NULL,
	    "%s", outbuf);
	ck_assert_msg(strstr(outbuf,
			  "lesson t.lesson: 2 expectations, 1 passed, 1 "
			  "failed") != NULL,
	    "%s", outbuf);
	ck_assert_msg(strstr(outbuf, "SCHED ") == NULL, "quiet printed schedtrace");
}
END_TEST

START_TEST(play_measure_and_trace)
{
	run_passing("procs 2\nspawn 2 cpu 20M\nmeasure \"two jobs\" timeout 20s\n"
		    "expect batches == 0\nexpect exits >= 2\n"
		    "spawn 1 sleep 300ms\nwait until sleeping >= 1 timeout 5s\n"
		    "wait 400ms\nexpect maxgoroutines >= 2\n",
	    false, 3);
	ck_assert_msg(strstr(outbuf, "measure: two jobs: ") != NULL, "%s", outbuf);
	ck_assert_msg(strstr(outbuf, "SCHED 0ms: gomaxprocs=") != NULL, "%s", outbuf);
}
END_TEST

START_TEST(play_wait_until_timeout)
{
	int rc = run_text("wait until goroutines > 100000 timeout 50ms\nsay \"after\"\n", true);
	ck_assert_int_eq(rc, 1);
	ck_assert_msg(strstr(outbuf,
			  "FAIL: t.lesson:1: wait until goroutines > 100000: "
			  "timed out after 0.05 s (goroutines = ") != NULL,
	    "%s", outbuf);
	ck_assert_msg(strstr(outbuf, "say: after\n") != NULL, "%s", outbuf);
}
END_TEST

/* Pauses wait for a key unless in batch; NEXT jumps to the next mark; jumps
 * skip steps without running them. */
START_TEST(play_keys)
{
	lesson_program *g = parse("say \"a\"\npause\nsay \"b\"\nwait 1min\nsay \"skipped\"\n"
				  "mark \"two\"\nsay \"c\"\nexpect procs >= 1\n");
	ck_assert_msg(g != NULL, "%s", errbuf);
	session_opts so = { 0 };
	char err[256];
	session *s = session_start(&so, err, sizeof err);
	ck_assert_msg(s != NULL, "%s", err);
	gs_snapshot *snap = gs_snapshot_new(0, 0);
	lesson_output *out = malloc(sizeof *out);
	lesson_player_opts po = { .time_scale = 1, .batch = false };
	lesson_player *p = lesson_player_new(g, s, &po);
	ck_assert_ptr_nonnull(p);

	ck_assert_int_eq(gs_snapshot_take(snap), 0);
	uint64_t t = snap->time_ns;
	ck_assert_int_eq(lesson_player_tick(p, snap, t, out), LESSON_WAITING_KEY);
	ck_assert_int_eq(out->nlines, 1);
	ck_assert_str_eq(out->lines[0].text, "a");
	ck_assert_str_eq(out->caption, "a");
	ck_assert_str_eq(out->waiting_for, "press a key to go on");
	/* without a key nothing moves */
	ck_assert_int_eq(lesson_player_tick(p, snap, t + 1000000000ULL, out), LESSON_WAITING_KEY);
	ck_assert_int_eq(out->nlines, 0);
	lesson_player_key(p, LESSON_KEY_CONTINUE);
	ck_assert_int_eq(lesson_player_tick(p, snap, t + 2000000000ULL, out), LESSON_RUNNING);
	ck_assert_int_eq(out->nlines, 1);
	ck_assert_str_eq(out->lines[0].text, "b");
	ck_assert_int_eq(out->lines[0].line, 3);
	ck_assert_ptr_nonnull(out->waiting_for);
	/* jump over the minute's wait and the skipped caption */
	lesson_player_key(p, LESSON_KEY_NEXT);
	ck_assert_int_eq(lesson_player_tick(p, snap, t + 3000000000ULL, out), LESSON_DONE);
	ck_assert_int_eq(out->nlines, 4);
	ck_assert_int_eq(out->lines[0].kind, LL_INFO);
	ck_assert_int_eq(out->lines[1].kind, LL_MARK);
	ck_assert_str_eq(out->lines[1].text, "two");
	ck_assert_str_eq(out->lines[2].text, "c");
	ck_assert_int_eq(out->lines[3].kind, LL_EXPECT_OK);
	ck_assert_str_eq(out->chapter, "two");
	ck_assert_int_eq(out->passed, 1);
	ck_assert_int_eq(out->failed, 0);
	/* back to the chapter's start (after the grace period) runs it again */
	lesson_player_key(p, LESSON_KEY_PREV);
	ck_assert_int_eq(lesson_player_tick(p, snap, t + 9000000000ULL, out), LESSON_DONE);
	ck_assert_int_eq(out->nlines, 4); /* the jump, the mark, "c", the expectation */
	ck_assert_int_eq(out->lines[3].kind, LL_EXPECT_OK);
	/* the expectation ran twice and counts once */
	ck_assert_int_eq(out->passed, 1);
	ck_assert_int_eq(out->failed, 0);

	lesson_player_free(p);
	free(out);
	gs_snapshot_free(snap);
	ck_assert_int_eq(session_end(s, err, sizeof err), 0);
	lesson_program_free(g);
}
END_TEST

/* Time scale stretches waits. */
START_TEST(play_time_scale)
{
	lesson_program *g = parse("wait 100ms\nsay \"done\"\n");
	ck_assert_msg(g != NULL, "%s", errbuf);
	gs_snapshot snap;
	memset(&snap, 0, sizeof snap);
	lesson_output *out = malloc(sizeof *out);
	lesson_player_opts po = { .time_scale = 3, .batch = true };
	lesson_player *p = lesson_player_new(g, NULL, &po);
	ck_assert_int_eq(lesson_player_tick(p, &snap, 1000, out), LESSON_RUNNING);
	ck_assert_int_eq(lesson_player_tick(p, &snap, 1000 + 250000000, out), LESSON_RUNNING);
	ck_assert_int_eq(out->nlines, 0);
	ck_assert_int_eq(lesson_player_tick(p, &snap, 1000 + 300000000, out), LESSON_DONE);
	ck_assert_str_eq(out->lines[0].text, "done");
	lesson_player_free(p);
	free(out);
	lesson_program_free(g);
}
END_TEST

/* --slow N on a player: waits stretch N times on top of --time-scale, and a
 * measure says both the time measured and the time at real speed. */
START_TEST(play_slow)
{
	lesson_program *g = parse("wait 100ms\nmeasure \"m\"\nsay \"done\"\n");
	ck_assert_msg(g != NULL, "%s", errbuf);
	gs_snapshot snap;
	memset(&snap, 0, sizeof snap);
	lesson_output *out = malloc(sizeof *out);
	lesson_player_opts po = { .time_scale = 2, .batch = true, .slow = 5 };
	lesson_player *p = lesson_player_new(g, NULL, &po);
	ck_assert_int_eq(lesson_player_tick(p, &snap, 1000, out), LESSON_RUNNING);
	ck_assert_int_eq(lesson_player_tick(p, &snap, 1000 + 990000000, out), LESSON_RUNNING);
	ck_assert_int_eq(out->nlines, 0);
	ck_assert_int_eq(lesson_player_tick(p, &snap, 1000 + 1000000000, out), LESSON_DONE);
	ck_assert_str_eq(out->lines[0].text, "m: 0.00 s (x5 slow: 0 us real-speed)");
	lesson_player_free(p);
	free(out);
	lesson_program_free(g);
}
END_TEST

/* --batch LESSON --slow 3: the runtime runs at x3, the output says so, and
 * a measure and the lesson's own time are reported both ways. */
START_TEST(play_slow_batch)
{
	lesson_program *g = parse("procs 2\nspawn 2 cpu 2M\nmeasure \"two jobs\" timeout 20s\n"
				  "expect batches == 0\n");
	ck_assert_msg(g != NULL, "%s", errbuf);
	FILE *f = fmemopen(outbuf, sizeof outbuf - 1, "w");
	ck_assert_ptr_nonnull(f);
	lesson_run_opts o = { .time_scale = 1, .slow = 3, .out = f, .quiet = true };
	int rc = lesson_run_batch(g, &o);
	fclose(f);
	lesson_program_free(g);
	ck_assert_msg(rc == 0, "%s", outbuf);
	ck_assert_msg(strstr(outbuf, "slow motion x3: ") != NULL, "%s", outbuf);
	ck_assert_msg(strstr(outbuf, "measure: two jobs: ") != NULL &&
		strstr(outbuf, " real-speed)\n") != NULL && strstr(outbuf, " (x3 slow: ") != NULL,
	    "%s", outbuf);
	ck_assert_msg(strstr(outbuf, "; x3 slow: ") != NULL, "%s", outbuf);
	ck_assert_int_eq(gs_timescale(), 3); /* what the run used */
}
END_TEST

/* ---- the quantities that prove a caption ----------------------------------------------- */

static const char *const new_qtys[] = { "runnexthits", "fairtakes", "stealhalfmisses", "maxsteal",
	"maxspinning", "coopreemptions", "maxtimerlate", "cpupct", "exitsyscalloldp",
	"exitsyscallidlep", "exitsyscallglobal", "rsskb", "maxrsskb", "physcores" };

/* Each new quantity parses in a condition and in a caption. */
START_TEST(new_quantities_parse)
{
	char text[512];

	for (size_t i = 0; i < sizeof new_qtys / sizeof new_qtys[0]; i++) {
		const char *q = new_qtys[i];
		ck_assert_int_ge(lesson_qty_find(q, strlen(q)), 0);
		ck_assert_str_eq(lesson_qty_name(lesson_qty_find(q, strlen(q))), q);
		snprintf(text, sizeof text,
		    "expect %s >= 0\nwait until %s > 1 timeout 1s\nsay \"{%s}\"\n", q, q, q);
		lesson_program *g = parse(text);
		ck_assert_msg(g != NULL, "%s: %s", q, errbuf);
		ck_assert_int_eq(g->steps[0].cond.qty, lesson_qty_find(q, strlen(q)));
		lesson_program_free(g);
	}
}
END_TEST

/*
 * A lesson that checks each new quantity where it must hold: the overflow of
 * lesson 07 (a queue only the fairness check and runnext drain), a mixed load
 * on two Ps (steals, preemptions, system calls), a hog on one P that makes a
 * timer late, and a reset that restarts the runtime's peaks.  spawns and exits
 * count only the lesson's goroutines, not the batches' keepers.
 */
START_TEST(play_new_quantities)
{
	run_passing("procs 1\n"
		    "spawn 1000 cpu 200k\n"
		    "measure \"overflow\" timeout 60s\n"
		    "expect fairtakes > 0\n"
		    "expect runnexthits > 0\n"
		    "expect spawns == 1000\n"
		    "expect exits == 1000\n"
		    "procs 2\n"
		    "reset\n"
		    "spawn 4 syscall 3\n"
		    "spawn 200 cpu 2M\n"
		    "measure \"mixed\" timeout 60s\n"
		    "expect stealhalfmisses == 0\n"
		    "expect maxsteal <= 128\n"
		    "expect preemptions == coopreemptions + asyncpreemptions\n"
		    "expect syscalls == exitsyscalloldp + exitsyscallidlep + "
		    "exitsyscallglobal + insyscall\n"
		    "expect syscalls >= 12\n"
		    "expect spawns == 204\n"
		    "expect exits == spawns\n"
		    "expect maxspinning <= procs\n"
		    "expect rsskb <= maxrsskb\n"
		    "expect physcores <= ncpu\n"
		    "expect cpupct > 0\n"
		    "say \"q {runnexthits} {fairtakes} {stealhalfmisses} {maxsteal} {maxspinning} "
		    "{coopreemptions} {maxtimerlate} {cpupct} {exitsyscalloldp} {exitsyscallidlep} "
		    "{exitsyscallglobal} {rsskb} {maxrsskb} {physcores}\"\n"
		    "procs 1\n"
		    "spawn 1 sleep 1s\n"
		    "wait until sleeping >= 1 timeout 10s\n"
		    "spawn 1 loop 300ms\n"
		    "measure \"hog\" timeout 60s\n"
		    "expect maxtimerlate >= 100\n"
		    "reset\n"
		    "wait 50ms\n"
		    "expect maxtimerlate == 0\n"
		    "expect maxsteal == 0\n",
	    true, 18);
	const char *say = strstr(outbuf, "say: q ");
	ck_assert_msg(say != NULL && strchr(say, '{') == NULL, "%s", outbuf);
	/* --batch shows every quantity at the end */
	const char *qs = strstr(outbuf, "quantities:");
	ck_assert_msg(qs != NULL, "%s", outbuf);
	for (size_t i = 0; i < sizeof new_qtys / sizeof new_qtys[0]; i++) {
		char item[64];
		snprintf(item, sizeof item, " %s=", new_qtys[i]);
		ck_assert_msg(strstr(qs, item) != NULL, "no%s in %s", item, qs);
	}
}
END_TEST

/* cpupct is higher over a CPU-bound stretch than over an idle one: an order,
 * not a bound (a loaded machine gives the loop less). */
START_TEST(play_cpupct_order)
{
	int idle = -1, busy = -1;
	int rc = run_text("procs 1\n"
			  "reset\n"
			  "wait 300ms\n"
			  "say \"idle {cpupct}\"\n"
			  "reset\n"
			  "spawn 1 loop 300ms\n"
			  "wait 300ms\n"
			  "say \"busy {cpupct}\"\n",
	    true);
	ck_assert_msg(rc == 0, "%s", outbuf);
	const char *i = strstr(outbuf, "say: idle "), *b = strstr(outbuf, "say: busy ");
	ck_assert_msg(i && b && sscanf(i, "say: idle %d", &idle) == 1 &&
		sscanf(b, "say: busy %d", &busy) == 1,
	    "%s", outbuf);
	ck_assert_msg(busy > idle, "cpupct busy %d, idle %d", busy, idle);
}
END_TEST

/* The measuring kinds leave a figure each; Gosched goes through the global
 * queue once per yield. */
START_TEST(play_switch_kinds)
{
	int rc = run_text("procs 1\nreset\nspawn 1 threadpingpong 2k\nspawn 1 pingpong 20k\n"
			  "spawn 2 gosched 20k\nwait until batches == 0 timeout 30s\n"
			  "expect threadswitchns > 0\nexpect switchns > 0\nexpect yieldns > 0\n"
			  "expect globalputs >= 40000\n"
			  "say \"t {threadswitchns} c {switchns} y {yieldns}\"\n",
	    true);
	ck_assert_msg(rc == 0, "%s", outbuf);
	ck_assert_msg(strstr(outbuf, "4 passed, 0 failed") != NULL, "%s", outbuf);
	ck_assert_msg(strstr(outbuf, "say: t -1") == NULL, "%s", outbuf);
}
END_TEST

/* A child gsched over its thread limit dies as a Go program does, and the
 * lesson reads how; under the limit it exits 0.  Before a child ends since the
 * reset, the figures are -1. */
START_TEST(play_threadlimit)
{
	workload_set_exe(GSCHED_BIN);
	int rc = run_text("procs 2\nreset\nexpect childruns == 0\nexpect childexit < 0\n"
			  "expect childthreadlimit < 0\nsay \"none: {childout}\"\n"
			  "spawn 40 threadlimit 12\n"
			  "wait until childruns >= 1 timeout 20s\nexpect childexit == 1\n"
			  "expect childthreadlimit == 12\nsay \"over: {childout}\"\nreset\n"
			  "spawn 5 threadlimit 10000\nwait until childruns >= 1 timeout 20s\n"
			  "expect childexit == 0\nexpect childthreadlimit == 0\n"
			  "say \"under: {childout}\"\n",
	    true);
	ck_assert_msg(rc == 0, "%s", outbuf);
	ck_assert_msg(strstr(outbuf, "say: none: (no child yet)\n") != NULL, "%s", outbuf);
	ck_assert_msg(strstr(outbuf,
			  "say: over: runtime: program exceeds 12-thread limit\n"
			  "     fatal error: thread exhaustion\n") != NULL,
	    "%s", outbuf);
	ck_assert_msg(strstr(outbuf, "say: under: syscallblock ") != NULL &&
		strstr(outbuf, " n=5 block=500ms ") != NULL,
	    "%s", outbuf);
	ck_assert_msg(strstr(outbuf, "info: spawn 40 threadlimit, thread limit 12\n") != NULL, "%s",
	    outbuf);
}
END_TEST

/* Resident memory over the tasks spawned since the reset; the previous
 * chapter's figure is kept across the reset; plain threads are counted once
 * past their stack touch. */
START_TEST(play_memory_quantities)
{
	int rc = run_text("procs 2\nreset\nexpect rsspertask == 0\nexpect lastrsspertask == 0\n"
			  "spawn 300 nap\nwait until sleeping >= 300 timeout 10s\n"
			  "expect rssgrowkb > 0\nexpect rsspertask > 0\n"
			  "say \"g {rsspertask}\"\nreset\nexpect lastrsspertask > 0\n"
			  "spawn 100 thread\nwait until threadswaiting >= 100 timeout 10s\n"
			  "expect threadswaiting == 100\nexpect rsspertask > 0\n",
	    true);
	ck_assert_msg(rc == 0, "%s", outbuf);
	long g = -1, last = -2;
	const char *at = strstr(outbuf, "say: g ");
	ck_assert_ptr_nonnull(at);
	g = atol(at + 7);
	at = strstr(outbuf, "expect lastrsspertask > 0: ok (lastrsspertask = ");
	ck_assert_msg(at != NULL, "%s", outbuf);
	last = atol(at + strlen("expect lastrsspertask > 0: ok (lastrsspertask = "));
	ck_assert_int_eq(g, last);
}
END_TEST

/* maxrunning: the peak of goroutines running at once, never above the Ps;
 * {cpusiblings} is a text for captions only. */
START_TEST(play_maxrunning_and_texts)
{
	int rc =
	    run_text("procs 2\nreset\nspawn 2 cpu 200M\nwait until maxrunning >= 2 timeout 20s\n"
		     "expect maxrunning <= procs\nsay \"cores {cpusiblings}\"\n",
		true);
	ck_assert_msg(rc == 0, "%s", outbuf);
	ck_assert_msg(strstr(outbuf, "say: cores [0") != NULL, "%s", outbuf);
	fails_with("expect cpusiblings > 0\n",
	    "t.lesson:1:8: unknown quantity 'cpusiblings' (try threads, procs, "
	    "goroutines, steals, ...; demos/README lists them)");
}
END_TEST

/* ---- reading time (the caption hold) on a fake clock ---------------------------------------- */

#define SEC 1000000000ULL

/* A player of text on no session (the steps below need none), held or
 * batch, with an empty snapshot and an output to fill. */
static struct hold_fix {
	lesson_program *g;
	lesson_player *p;
	gs_snapshot snap;
	lesson_output out;
} hf;

static void
hold_begin(const char *text, bool batch)
{
	lesson_player_opts po = { .time_scale = 1, .batch = batch };

	memset(&hf, 0, sizeof hf);
	hf.g = parse(text);
	ck_assert_msg(hf.g != NULL, "%s", errbuf);
	hf.p = lesson_player_new(hf.g, NULL, &po);
	ck_assert_ptr_nonnull(hf.p);
}

/* A tick at now: its state. */
static int
hold_tick(uint64_t now)
{
	return lesson_player_tick(hf.p, &hf.snap, now, &hf.out);
}

static void
hold_end(void)
{
	lesson_player_free(hf.p);
	lesson_program_free(hf.g);
}

/* 3 s, and 1 s more per 12 characters (not bytes, not newlines), at most 20 s. */
START_TEST(hold_rule)
{
	ck_assert_int_eq(lesson_hold_ns(""), 3 * (int64_t)SEC);
	ck_assert_int_eq(lesson_hold_ns("twelve chars"), 4 * (int64_t)SEC);
	ck_assert_int_eq(lesson_hold_ns("six...\nsix..."), 4 * (int64_t)SEC);
	ck_assert_int_eq(lesson_hold_ns("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"),
	    lesson_hold_ns("eeeeee"));
	char big[1000];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	ck_assert_int_eq(lesson_hold_ns(big), 20 * (int64_t)SEC);
	ck_assert_int_eq(LESSON_HOLD_MAX_NS, 20 * (int64_t)SEC);
}
END_TEST

/* In the visualizer a caption stays until its reading time has passed: the
 * next caption waits, and the output says how long yet. */
START_TEST(hold_until_read)
{
	/* 24 characters: 5 s */
	hold_begin("say \"twenty-four characters!!\"\nsay \"two\"\n", false);
	lesson_output *out = &hf.out;
	uint64_t t = 1000;

	ck_assert_int_eq(hold_tick(t), LESSON_RUNNING);
	ck_assert_int_eq(out->nlines, 1);
	ck_assert_str_eq(out->caption, "twenty-four characters!!");
	ck_assert_int_eq(out->hold_ns, 5 * (int64_t)SEC);
	ck_assert_str_eq(out->waiting_for, "the room reads the caption (5 s left)");
	/* held: just before its time, nothing moves */
	ck_assert_int_eq(hold_tick(t + 5 * SEC - 1), LESSON_RUNNING);
	ck_assert_int_eq(out->nlines, 0);
	ck_assert_str_eq(out->caption, "twenty-four characters!!");
	ck_assert_int_eq(out->hold_ns, 1);
	/* released once it is up */
	ck_assert_int_eq(hold_tick(t + 5 * SEC), LESSON_DONE);
	ck_assert_int_eq(out->nlines, 1);
	ck_assert_str_eq(out->caption, "two");
	ck_assert_int_eq(out->hold_ns, 0);
	hold_end();
}
END_TEST

/* CONTINUE releases a held caption at once and does nothing more (the wait
 * after the next caption runs, unskipped); a wait counts as reading time;
 * a chapter waits for the caption before it, and so does a measure. */
START_TEST(hold_key_and_steps)
{
	hold_begin("say \"one\"\nsay \"two\"\nwait 1min\nsay \"three\"\n"
		   "mark \"next\"\nmeasure \"m\"\n",
	    false);
	lesson_output *out = &hf.out;
	uint64_t t = 1000;

	ck_assert_int_eq(hold_tick(t), LESSON_RUNNING);
	ck_assert_str_eq(out->caption, "one");
	ck_assert_int_eq(out->hold_ns, 3 * (int64_t)SEC + SEC / 4);
	lesson_player_key(hf.p, LESSON_KEY_CONTINUE);
	ck_assert_int_eq(hold_tick(t + SEC), LESSON_RUNNING);
	ck_assert_int_eq(out->nlines, 1);
	ck_assert_str_eq(out->caption, "two");
	/* the wait began: it is what the lesson waits for, not the reader */
	ck_assert_int_eq(out->hold_ns, 0);
	ck_assert_ptr_nonnull(strstr(out->waiting_for, "wait ("));
	/* the minute's wait outlasts "two"'s reading time: "three" at once */
	ck_assert_int_eq(hold_tick(t + 61 * SEC), LESSON_RUNNING);
	ck_assert_int_eq(out->nlines, 1);
	ck_assert_str_eq(out->caption, "three");
	ck_assert_int_eq(out->hold_ns, 3 * (int64_t)SEC + SEC * 5 / 12);
	/* the chapter waits for "three" */
	ck_assert_int_eq(hold_tick(t + 63 * SEC), LESSON_RUNNING);
	ck_assert_int_eq(out->nlines, 0);
	ck_assert_ptr_null(out->chapter);
	ck_assert_int_gt(out->hold_ns, 0);
	ck_assert_int_eq(hold_tick(t + 65 * SEC), LESSON_DONE);
	ck_assert_int_eq(out->nlines, 2);
	ck_assert_str_eq(out->chapter, "next");
	ck_assert_str_eq(out->caption, "m: 0.00 s");
	hold_end();
}
END_TEST

/* A change to the runtime waits for the caption before it too (reset here;
 * procs and spawn the same): the room reads what is coming first.  An
 * expectation does not wait. */
START_TEST(hold_before_changes)
{
	hold_begin("say \"one\"\nexpect procs >= 0\nreset\nexpect procs >= 0\n", false);
	lesson_output *out = &hf.out;

	ck_assert_int_eq(hold_tick(1000), LESSON_RUNNING);
	ck_assert_int_eq(out->nlines, 2);
	ck_assert_int_eq(out->lines[1].kind, LL_EXPECT_OK);
	ck_assert_int_gt(out->hold_ns, 0);
	ck_assert_int_eq(hold_tick(1000 + 3 * SEC), LESSON_RUNNING);
	ck_assert_int_eq(out->nlines, 0);
	ck_assert_int_eq(hold_tick(1000 + 3 * SEC + SEC / 4), LESSON_DONE);
	ck_assert_int_eq(out->nlines, 2);
	ck_assert_str_eq(out->lines[0].text, "counters and peaks reset");
	hold_end();
}
END_TEST

/* A jump leaves a held caption: back to the chapter's start (N) runs its
 * mark at once, and the chapter's caption is held anew; the clock standing
 * still (a paused view) keeps the hold. */
START_TEST(hold_and_jumps)
{
	hold_begin("mark \"one\"\nsay \"first\"\nsay \"second\"\n", false);
	lesson_output *out = &hf.out;

	ck_assert_int_eq(hold_tick(1000), LESSON_RUNNING);
	ck_assert_str_eq(out->caption, "first");
	/* a clock that stands still: held however many ticks come */
	for (int i = 0; i < 5; i++) {
		ck_assert_int_eq(hold_tick(1000 + SEC), LESSON_RUNNING);
		ck_assert_int_eq(out->nlines, 0);
		ck_assert_int_gt(out->hold_ns, 0);
	}
	lesson_player_key(hf.p, LESSON_KEY_PREV);
	ck_assert_int_eq(hold_tick(1000 + 3 * SEC), LESSON_RUNNING);
	ck_assert_int_eq(out->nlines, 3); /* the jump, the mark, "first" again */
	ck_assert_int_eq(out->lines[1].kind, LL_MARK);
	ck_assert_str_eq(out->caption, "first");
	ck_assert_int_eq(out->hold_ns, 3 * (int64_t)SEC + SEC * 5 / 12);
	hold_end();
}
END_TEST

/* --batch holds nothing: every caption in the first tick. */
START_TEST(hold_never_in_batch)
{
	hold_begin("say \"one caption a room would read\"\nsay \"two\"\n"
		   "mark \"m\"\nsay \"three\"\n",
	    true);
	lesson_output *out = &hf.out;

	ck_assert_int_eq(hold_tick(1000), LESSON_DONE);
	ck_assert_int_eq(out->nlines, 4);
	ck_assert_str_eq(out->caption, "three");
	ck_assert_int_eq(out->hold_ns, 0);
	hold_end();
}
END_TEST

static Suite *
lesson_suite(void)
{
	Suite *s = suite_create("lesson");
	TCase *tc = tu_tcase("parse", 30);
	tcase_add_test(tc, err_unknown_command);
	tcase_add_test(tc, err_bad_number);
	tcase_add_test(tc, err_bad_duration);
	tcase_add_test(tc, err_strings);
	tcase_add_test(tc, err_counts);
	tcase_add_test(tc, err_kinds_and_labels);
	tcase_add_test(tc, err_conditions);
	tcase_add_test(tc, err_bytes);
	tcase_add_test(tc, line_ends);
	tcase_add_test(tc, err_files);
	tcase_add_test(tc, good_lesson);
	tcase_add_test(tc, shipped_lessons_parse);
	tcase_add_test(tc, slow_directive);
	tcase_add_test(tc, new_quantities_parse);
	suite_add_tcase(s, tc);

	tc = tu_tcase("play", 60);
	tcase_add_test(tc, play_expect_pass_and_fail);
	tcase_add_test(tc, play_measure_and_trace);
	tcase_add_test(tc, play_wait_until_timeout);
	tcase_add_test(tc, play_keys);
	tcase_add_test(tc, play_time_scale);
	tcase_add_test(tc, play_slow);
	tcase_add_test(tc, play_slow_batch);
	tcase_add_test(tc, play_new_quantities);
	tcase_add_test(tc, play_cpupct_order);
	tcase_add_test(tc, play_switch_kinds);
	tcase_add_test(tc, play_threadlimit);
	tcase_add_test(tc, play_memory_quantities);
	tcase_add_test(tc, play_maxrunning_and_texts);
	tcase_add_test(tc, hold_rule);
	tcase_add_test(tc, hold_until_read);
	tcase_add_test(tc, hold_key_and_steps);
	tcase_add_test(tc, hold_before_changes);
	tcase_add_test(tc, hold_and_jumps);
	tcase_add_test(tc, hold_never_in_batch);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run_suite(lesson_suite());
}
