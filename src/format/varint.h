/*
 * varint.h - the compact integers of the program's binary encodings (the
 * rewind's history of ticks, live/history.c, and the view's notes kept with
 * them, ui/timeline.c): unsigned values in LEB128 (seven bits a byte, the
 * high bit set on all but the last), signed ones zigzag-mapped first so that
 * small negative numbers stay short.
 */
#ifndef GSCHED_FORMAT_VARINT_H
#define GSCHED_FORMAT_VARINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VARINT_MAX 10 /* bytes of the longest (a 64-bit value) */

/* v into out; returns the bytes written (1..VARINT_MAX). */
size_t varint_encode(unsigned char out[VARINT_MAX], uint64_t v);

static inline uint64_t
varint_zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static inline int64_t
varint_unzigzag(uint64_t u)
{
	return (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
}

/* Reading: p moves through [p, end); bad is set (and 0 returned) by a read
 * past end or an encoding longer than VARINT_MAX, and stays set. */
typedef struct varint_reader {
	const unsigned char *p, *end;
	bool bad;
} varint_reader;

uint64_t varint_get_u(varint_reader *r);
int64_t varint_get_s(varint_reader *r);
unsigned varint_get_byte(varint_reader *r);

#endif /* GSCHED_FORMAT_VARINT_H */
