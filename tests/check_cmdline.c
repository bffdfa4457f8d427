/*
 * check_cmdline.c - the command lines' shared parts: the duration grammar
 * (Go's time.ParseDuration) and numbers of format/parse.c, and the option
 * table engine of format/cmdline.c on top of getopt_long.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <check.h>
#include <stdint.h>
#include <string.h>

#include "format/cmdline.h"
#include "format/parse.h"
#include "testutil.h"

/* s as a whole duration: the result code, *ns set when it is OK. */
static int
dur(const char *s, unsigned flags, int64_t *ns)
{
	*ns = -12345;
	return parse_duration_n(s, strlen(s), flags, ns, NULL);
}

#define DUR_OK(s, want)                                                                            \
	do {                                                                                       \
		int64_t v_;                                                                        \
		ck_assert_msg(dur(s, 0, &v_) == PARSE_DURATION_OK, "%s refused", s);               \
		ck_assert_msg(v_ == (int64_t)(want), "%s = %lld, want %lld", s, (long long)v_,     \
		    (long long)(want));                                                            \
	} while (0)

#define DUR_ERR(s, err)                                                                            \
	do {                                                                                       \
		int64_t v_;                                                                        \
		ck_assert_msg(dur(s, 0, &v_) == (err), "%s: %d, want %d", s, dur(s, 0, &v_),       \
		    (int)(err));                                                                   \
	} while (0)

START_TEST(duration_valid_forms)
{
	DUR_OK("0", 0);
	DUR_OK("-0", 0);
	DUR_OK("5ns", 5);
	DUR_OK("300us", 300000);
	DUR_OK("300\xc2\xb5s", 300000); /* micro sign */
	DUR_OK("300\xce\xbcs", 300000); /* Greek mu */
	DUR_OK("1.5ms", 1500000);
	DUR_OK("2s", 2000000000);
	DUR_OK("2m", 120000000000);
	DUR_OK("1h", 3600000000000);
	DUR_OK("1m30s", 90000000000);
	DUR_OK("1h2m3s4ms5us6ns", 3723004005006);
	DUR_OK(".5s", 500000000);
	DUR_OK("1.s", 1000000000);
	DUR_OK("+2s", 2000000000);
	DUR_OK("0.000000001s", 1);
	DUR_OK("1.0000000001s", 1000000000);                /* beyond nanoseconds: truncated */
	DUR_OK("100.00000000000000000000001ms", 100000000); /* long fractions */
	DUR_OK("9223372036854775807ns", INT64_MAX);
	DUR_OK("2562047h47m16.854775807s", INT64_MAX);
}
END_TEST

START_TEST(duration_negative)
{
	DUR_OK("-1s", -1000000000);
	DUR_OK("-1.5h", -5400000000000);
	DUR_OK("-9223372036854775808ns", INT64_MIN);
	int64_t v;
	/* a negative duration is valid grammar, out of every command's range */
	ck_assert(!parse_duration("-1s", 1, INT64_MAX, &v));
	ck_assert(!parse_duration("0", 1, INT64_MAX, &v));
	ck_assert(parse_duration("1ns", 1, 1, &v) && v == 1);
	ck_assert(!parse_duration("2ns", 1, 1, &v));
}
END_TEST

START_TEST(duration_overflow)
{
	DUR_ERR("9223372036854775808ns", PARSE_DURATION_RANGE);
	DUR_ERR("99999999999999999999s", PARSE_DURATION_RANGE);
	DUR_ERR("2562048h", PARSE_DURATION_RANGE);
	DUR_ERR("2562047h47m16.854775808s", PARSE_DURATION_RANGE);
	DUR_ERR("9223372036854775807ns1ns", PARSE_DURATION_RANGE);
	DUR_ERR("-9223372036854775809ns", PARSE_DURATION_RANGE);
	/* two terms of 2^63 (allowed alone for the negative limit) must not wrap */
	DUR_ERR("-9223372036854775808ns9223372036854775808ns", PARSE_DURATION_RANGE);
	DUR_ERR("9223372036854775808ns9223372036854775808ns", PARSE_DURATION_RANGE);
}
END_TEST

START_TEST(duration_missing_unit)
{
	DUR_ERR("5", PARSE_DURATION_NO_UNIT);
	DUR_ERR("1.5", PARSE_DURATION_NO_UNIT);
	DUR_ERR("1m30", PARSE_DURATION_NO_UNIT);
	DUR_ERR("-3", PARSE_DURATION_NO_UNIT);
	size_t bad;
	int64_t v;
	ck_assert_int_eq(parse_duration_n("1m30", 4, 0, &v, &bad), PARSE_DURATION_NO_UNIT);
	ck_assert_uint_eq(bad, 2); /* the number without one */
}
END_TEST

START_TEST(duration_garbage)
{
	DUR_ERR("", PARSE_DURATION_SYNTAX);
	DUR_ERR("-", PARSE_DURATION_SYNTAX);
	DUR_ERR("s", PARSE_DURATION_SYNTAX);
	DUR_ERR(".s", PARSE_DURATION_SYNTAX);
	DUR_ERR(" 1s", PARSE_DURATION_SYNTAX);
	DUR_ERR("1s ", PARSE_DURATION_UNIT);
	DUR_ERR("1..5s", PARSE_DURATION_NO_UNIT); /* as Go: "1." has no unit */
	DUR_ERR("--1s", PARSE_DURATION_SYNTAX);
	DUR_ERR("1d", PARSE_DURATION_UNIT);
	DUR_ERR("1S", PARSE_DURATION_UNIT);
	DUR_ERR("1sec", PARSE_DURATION_UNIT);
	DUR_ERR("0x10s", PARSE_DURATION_UNIT);
	DUR_ERR("inf", PARSE_DURATION_SYNTAX);
	DUR_ERR("1min", PARSE_DURATION_UNIT);
	int64_t v;
	size_t bad;
	/* lessons also take min */
	ck_assert_int_eq(dur("2min30s", PARSE_DURATION_MIN, &v), PARSE_DURATION_OK);
	ck_assert_int_eq(v, 150000000000);
	ck_assert_int_eq(parse_duration_n("2m30x", 5, 0, &v, &bad), PARSE_DURATION_UNIT);
	ck_assert_uint_eq(bad, 4); /* where the unit starts */
	/* only len bytes count */
	ck_assert_int_eq(parse_duration_n("5msXYZ", 3, 0, &v, NULL), PARSE_DURATION_OK);
	ck_assert_int_eq(v, 5000000);
	ck_assert(!parse_duration(NULL, 0, 1, &v));
}
END_TEST

START_TEST(numbers)
{
	long long v;
	int i;

	ck_assert(parse_ll("-5", -10, 10, &v) && v == -5);
	ck_assert(!parse_ll("+5", -10, 10, &v));
	ck_assert(!parse_ll(" 5", -10, 10, &v));
	ck_assert(!parse_ll("5x", -10, 10, &v));
	ck_assert(!parse_ll("99999999999999999999", 0, 10, &v));
	ck_assert(parse_int("256", 1, 256, &i) && i == 256);
	ck_assert(!parse_int("257", 1, 256, &i));
}
END_TEST

/* ---- the option table engine ----------------------------------------------------- */

enum { K_RECORD = CMDLINE_LONG, K_REPLAY, K_REPLAY_STEP, K_JSON };

static const cmdline_opt tab[] = {
	{ "delay", 'd', required_argument, "DELAY", "delay" },
	{ NULL, 'n', required_argument, "TICKS", "ticks" },
	{ NULL, 'v', no_argument, NULL, "verbose" },
	{ "record", K_RECORD, required_argument, "FILE", "record" },
	{ "replay", K_REPLAY, required_argument, "FILE", "replay" },
	{ "replay-step", K_REPLAY_STEP, no_argument, NULL, "step" },
	{ "json", K_JSON, no_argument, NULL, "json" },
};
#define NTAB ((int)(sizeof tab / sizeof tab[0]))

/* The keys (and values, operands) cmdline_next returns for words w, as text:
 * "d=5 v op=x END" or "... ERROR". */
static const char *
run(const char *const *w)
{
	static char out[512];
	char *argv[16] = { "gsched" };
	int argc = 1, key;
	const char *v;
	cmdline c;
	size_t n = 0;

	while (*w != NULL)
		argv[argc++] = (char *)*w++;
	argv[argc] = NULL;
	out[0] = '\0';
	cmdline_init(&c, tab, NTAB, NULL, argc, argv);
	for (;;) {
		key = cmdline_next(&c, &v);
		if (key == CMDLINE_END || key == CMDLINE_ERROR) {
			snprintf(out + n, sizeof out - n, "%s",
			    key == CMDLINE_END ? "END" : "ERROR");
			return out;
		}
		if (key == CMDLINE_OPERAND)
			n += (size_t)snprintf(out + n, sizeof out - n, "op=%s ", v);
		else
			n += (size_t)snprintf(out + n, sizeof out - n, "%s%s%s ",
			    cmdline_spelled(&c), v ? "=" : "", v ? v : "");
	}
}

#define RUN(want, ...)                                                                             \
	do {                                                                                       \
		static const char *const w_[] = { __VA_ARGS__, NULL };                             \
		ck_assert_str_eq(run(w_), want);                                                   \
	} while (0)

START_TEST(engine_forms)
{
	RUN("-d=5 -n=3 -v END", "-d", "5", "-n3", "-v");
	RUN("--delay=5 --delay=7 END", "--delay=5", "--delay", "7");
	RUN("op=a -v op=b END", "a", "-v", "b"); /* operands in order, options after */
	RUN("-v op=-n op=--json END", "-v", "--", "-n", "--json");
	RUN("op=- END", "-");
	RUN("-n=-5 END", "-n", "-5"); /* a value may start with '-' */
	RUN("--record= END", "--record=");
}
END_TEST

START_TEST(engine_abbreviations)
{
	RUN("--json END", "--js");
	RUN("--delay=3 END", "--d=3");
	RUN("--record=f END", "--rec", "f");
	RUN("--replay-step END", "--replay-");  /* unique prefix */
	RUN("--replay=f END", "--replay", "f"); /* exact beats a longer one */
	RUN("ERROR", "--re", "f");              /* record, replay, replay-step */
	RUN("ERROR", "--rep");                  /* replay, replay-step */
}
END_TEST

START_TEST(engine_errors)
{
	RUN("ERROR", "--bogus");
	RUN("ERROR", "-x");
	RUN("-v ERROR", "-v", "-x");
	RUN("ERROR", "-n");
	RUN("ERROR", "--delay");
	RUN("ERROR", "--json=1");
	RUN("ERROR", "--delays=3");
	/* the engine starts afresh on each init */
	RUN("-v END", "-v");
}
END_TEST

START_TEST(engine_names_and_help)
{
	char buf[32];
	ck_assert_str_eq(cmdline_name(tab, NTAB, 'd', buf, sizeof buf), "--delay");
	ck_assert_str_eq(cmdline_name(tab, NTAB, 'n', buf, sizeof buf), "-n");
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	ck_assert_ptr_nonnull(f);
	cmdline_help(f, tab, NTAB);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(text, "  -d, --delay DELAY   delay\n"));
	ck_assert_ptr_nonnull(strstr(text, "  -n TICKS            ticks\n"));
	ck_assert_ptr_nonnull(strstr(text, "      --replay-step   step\n"));
	free(text);
}
END_TEST

static Suite *
cmdline_suite(void)
{
	Suite *s = suite_create("cmdline");
	TCase *tc = tu_tcase("duration", 30);
	tcase_add_test(tc, duration_valid_forms);
	tcase_add_test(tc, duration_negative);
	tcase_add_test(tc, duration_overflow);
	tcase_add_test(tc, duration_missing_unit);
	tcase_add_test(tc, duration_garbage);
	tcase_add_test(tc, numbers);
	suite_add_tcase(s, tc);
	tc = tu_tcase("engine", 30);
	tcase_add_test(tc, engine_forms);
	tcase_add_test(tc, engine_abbreviations);
	tcase_add_test(tc, engine_errors);
	tcase_add_test(tc, engine_names_and_help);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run_suite(cmdline_suite());
}
