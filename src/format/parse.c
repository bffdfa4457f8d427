/*
 * parse.c - numbers and durations (see parse.h).  The duration grammar is
 * Go's time.ParseDuration, step for step, so a duration a Go programmer
 * writes means the same here.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "format/parse.h"

bool
parse_ll(const char *s, long long lo, long long hi, long long *out)
{
	const char *digits = (s != NULL && *s == '-') ? s + 1 : s;
	char *end;
	long long v;

	/* strtoll alone would skip leading spaces and take a '+'. */
	if (digits == NULL || *digits < '0' || *digits > '9')
		return false;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

bool
parse_int(const char *s, long lo, long hi, int *out)
{
	long long v;

	if (!parse_ll(s, lo, hi, &v))
		return false;
	*out = (int)v;
	return true;
}

#define DUR_LIMIT ((uint64_t)1 << 63) /* |INT64_MIN|: the magnitude of the largest */

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The unit u[0..n) in nanoseconds, 0 if there is no such unit. */
static uint64_t
unit_ns(const char *u, size_t n, unsigned flags)
{
	static const struct {
		const char *name;
		uint64_t ns;
	} units[] = {
		{ "ns", 1 },
		{ "us", 1000 },
		{ "\xc2\xb5s", 1000 }, /* U+00B5 micro sign */
		{ "\xce\xbcs", 1000 }, /* U+03BC Greek small letter mu */
		{ "ms", 1000000 },
		{ "s", 1000000000 },
		{ "m", 60000000000 },
		{ "h", 3600000000000 },
	};

	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
		if (strlen(units[i].name) == n && memcmp(units[i].name, u, n) == 0)
			return units[i].ns;
	if ((flags & PARSE_DURATION_MIN) && n == 3 && memcmp(u, "min", 3) == 0)
		return 60000000000;
	return 0;
}

parse_duration_err
parse_duration_n(const char *s, size_t len, unsigned flags, int64_t *out, size_t *bad)
{
	size_t i = 0, dummy;
	uint64_t d = 0;
	bool neg = false;

	if (bad == NULL)
		bad = &dummy;
	*bad = 0;
	if (len > 0 && (s[0] == '-' || s[0] == '+')) {
		neg = s[0] == '-';
		i++;
	}
	if (len - i == 1 && s[i] == '0') {
		*out = 0;
		return PARSE_DURATION_OK;
	}
	if (i == len)
		return PARSE_DURATION_SYNTAX;
	while (i < len) {
		uint64_t v = 0, f = 0, unit;
		double scale = 1;
		size_t start = i;
		bool overflow = false;

		*bad = i;
		if (s[i] != '.' && !is_digit(s[i]))
			return PARSE_DURATION_SYNTAX;
		for (; i < len && is_digit(s[i]); i++) {
			if (v > DUR_LIMIT / 10)
				overflow = true;
			else
				v = v * 10 + (uint64_t)(s[i] - '0');
			if (v > DUR_LIMIT)
				overflow = true;
		}
		if (overflow)
			return PARSE_DURATION_RANGE;
		bool pre = i > start, post = false;
		if (i < len && s[i] == '.') {
			size_t fstart = ++i;
			/* digits beyond what a uint64 holds add no precision */
			for (; i < len && is_digit(s[i]); i++) {
				if (overflow)
					continue;
				if (f > (DUR_LIMIT - 1) / 10) {
					overflow = true;
					continue;
				}
				uint64_t y = f * 10 + (uint64_t)(s[i] - '0');
				if (y > DUR_LIMIT) {
					overflow = true;
					continue;
				}
				f = y;
				scale *= 10;
			}
			post = i > fstart;
		}
		if (!pre && !post)
			return PARSE_DURATION_SYNTAX;
		size_t ustart = i;
		while (i < len && s[i] != '.' && !is_digit(s[i]))
			i++;
		*bad = ustart;
		if (i == ustart) {
			*bad = start;
			return PARSE_DURATION_NO_UNIT;
		}
		if ((unit = unit_ns(s + ustart, i - ustart, flags)) == 0)
			return PARSE_DURATION_UNIT;
		*bad = start;
		if (v > DUR_LIMIT / unit)
			return PARSE_DURATION_RANGE;
		v *= unit;
		if (f > 0) {
			v += (uint64_t)((double)f * ((double)unit / scale));
			if (v > DUR_LIMIT)
				return PARSE_DURATION_RANGE;
		}
		if (v > DUR_LIMIT - d) /* d + v would pass the limit (or wrap) */
			return PARSE_DURATION_RANGE;
		d += v;
	}
	if (neg) {
		*out = d == DUR_LIMIT ? INT64_MIN : -(int64_t)d;
		return PARSE_DURATION_OK;
	}
	if (d > DUR_LIMIT - 1)
		return PARSE_DURATION_RANGE;
	*out = (int64_t)d;
	return PARSE_DURATION_OK;
}

bool
parse_duration(const char *s, int64_t lo_ns, int64_t hi_ns, int64_t *out)
{
	int64_t v;

	if (s == NULL || parse_duration_n(s, strlen(s), 0, &v, NULL) != PARSE_DURATION_OK ||
	    v < lo_ns || v > hi_ns)
		return false;
	*out = v;
	return true;
}

bool
parse_tenths(const char *s, int lo, int hi, int *tenths)
{
	int64_t ns;

	if (parse_int(s, lo, hi, tenths))
		return true;
	/* whole tenths: the visualizer's tick-rate keys step by tenths */
	if (!parse_duration(s, (int64_t)lo * 100000000, (int64_t)hi * 100000000, &ns) ||
	    ns % 100000000 != 0)
		return false;
	*tenths = (int)(ns / 100000000);
	return true;
}
