/*
 * parse.h - how gsched reads numbers and durations, on its command lines
 * (cmd/, ui/tui_options.c) and in lessons (lesson/parse.c), so every place
 * accepts the same spellings and rejects the same mistakes.
 */
#ifndef GSCHED_PARSE_H
#define GSCHED_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* s, all of it, as a decimal integer in lo..hi.  An optional '-' and then a
 * digit: no spaces, no '+', no hex, nothing after the number. */
bool parse_ll(const char *s, long long lo, long long hi, long long *out);

/* The same into an int (lo and hi within int's range). */
bool parse_int(const char *s, long lo, long hi, int *out);

/* Why parse_duration_n refused a duration. */
typedef enum parse_duration_err {
	PARSE_DURATION_OK = 0,
	PARSE_DURATION_SYNTAX = -1,  /* not [-+]? (number unit)+ , or empty */
	PARSE_DURATION_NO_UNIT = -2, /* a number without a unit ("5") */
	PARSE_DURATION_UNIT = -3,    /* an unknown unit ("5d") */
	PARSE_DURATION_RANGE = -4    /* beyond int64 nanoseconds (about 292 years) */
} parse_duration_err;

/* parse_duration_n's flags. */
#define PARSE_DURATION_MIN 1u /* accept "min" for minutes (lessons) */

/*
 * A duration in Go's time.ParseDuration grammar: an optional sign, then one
 * or more decimal numbers (fraction allowed: 1.5, .5, 1.) each with a unit
 * ns, us (µs, μs), ms, s, m or h, as in 300us, 1.5ms, 1m30s, -2h; "0" alone
 * needs no unit.  Exact integer arithmetic, fractions truncated to whole
 * nanoseconds as Go does.  s[0..len) is all of the duration.  Returns
 * PARSE_DURATION_OK with *out set, or the reason with *bad the byte offset
 * where the problem starts (the unit, for a unit error).
 */
parse_duration_err parse_duration_n(const char *s, size_t len, unsigned flags, int64_t *out,
    size_t *bad);

/* A whole string as a duration (parse_duration_n) in lo_ns..hi_ns. */
bool parse_duration(const char *s, int64_t lo_ns, int64_t hi_ns, int64_t *out);

/* A delay between ticks (-d): a number of tenths of a second in lo..hi, or a
 * duration in whole tenths within the same range (500ms, 2s, 1m). */
bool parse_tenths(const char *s, int lo, int hi, int *tenths);

#endif /* GSCHED_PARSE_H */
