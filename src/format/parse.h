/*
 * parse.h - how the gsched program reads numbers and durations on its command
 * lines (cli.c, bench.c, compare.c, ui/tui.c), so every option accepts the same
 * spellings and rejects the same mistakes.  The lesson parser has its own
 * reader, because its messages name the line and the column.
 */
#ifndef GSCHED_PARSE_H
#define GSCHED_PARSE_H

#include <stdbool.h>
#include <stdint.h>

/* s, all of it, as a decimal integer in lo..hi.  An optional '-' and then a
 * digit: no spaces, no '+', no hex, nothing after the number. */
bool parse_ll(const char *s, long long lo, long long hi, long long *out);

/* The same into an int (lo and hi within int's range). */
bool parse_int(const char *s, long lo, long hi, int *out);

/* A duration as Go writes one: digits, an optional fraction, and one of the
 * units ns, us (or µs), ms, s, m, h; for example 250us, 100ms, 1.5s, 2m.  The
 * result is rounded to whole nanoseconds and must lie in lo_ns..hi_ns. */
bool parse_duration(const char *s, int64_t lo_ns, int64_t hi_ns, int64_t *out);

#endif /* GSCHED_PARSE_H */
