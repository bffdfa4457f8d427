/*
 * parse.c - the command lines' numbers and durations (see parse.h).
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

bool
parse_duration(const char *s, int64_t lo_ns, int64_t hi_ns, int64_t *out)
{
	static const struct {
		const char *unit;
		double ns;
	} units[] = {
		{ "ns", 1 },
		{ "us", 1e3 },
		{ "\xc2\xb5s", 1e3 },
		{ "ms", 1e6 },
		{ "s", 1e9 },
		{ "m", 60e9 },
		{ "h", 3600e9 },
	};
	const char *p = s;

	/* digits [. digits] unit: checked here, so strtod reads exactly that much
	 * (it would also take spaces, signs, hex and "inf"). */
	if (p == NULL || *p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(p, units[i].unit) != 0)
			continue;
		/* Rounded, and compared as a double: a huge value must not
		 * overflow int64 before the range check. */
		double v = strtod(s, NULL) * units[i].ns + 0.5;
		if (!(v >= (double)lo_ns && v < (double)hi_ns + 1.0))
			return false;
		*out = (int64_t)v;
		return true;
	}
	return false;
}
