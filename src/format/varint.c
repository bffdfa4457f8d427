/*
 * varint.c - the encoding of varint.h.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "format/varint.h"

size_t
varint_encode(unsigned char out[VARINT_MAX], uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		out[n++] = (unsigned char)((v & 0x7f) | 0x80);
		v >>= 7;
	}
	out[n++] = (unsigned char)v;
	return n;
}

uint64_t
varint_get_u(varint_reader *r)
{
	uint64_t v = 0;

	for (int shift = 0; shift < 64; shift += 7) {
		if (r->p >= r->end)
			break;
		unsigned c = *r->p++;
		v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			return v;
	}
	r->bad = true;
	return 0;
}

int64_t
varint_get_s(varint_reader *r)
{
	return varint_unzigzag(varint_get_u(r));
}

unsigned
varint_get_byte(varint_reader *r)
{
	if (r->p >= r->end) {
		r->bad = true;
		return 0;
	}
	return *r->p++;
}
