/*
 * fields.h - the plain fields of a snapshot (gs_stats, gs_snap_p, gs_snap_m),
 * listed once: name, type and place.  The recording's writer and reader
 * (record.c) and the rewind's history (live/history.c) walk these tables, so
 * a field added to observe.h is added here once and every format carries it.
 * Goroutines (curg, runnext, the run queue) are not plain fields: each
 * format encodes them itself; the goroutine list's plain fields are in
 * fields_g.  The binary encodings (the history, the timeline's goroutine
 * lists) store a field as fields_varint gives it, so the widening, the
 * zigzag and the differences are done here once.
 */
#ifndef GSCHED_FORMAT_FIELDS_H
#define GSCHED_FORMAT_FIELDS_H

#include <gsched/observe.h>

#include "format/varint.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef enum fields_type { FT_INT, FT_U32, FT_U64, FT_I64, FT_BOOL } fields_type;

typedef struct fields_field {
	const char *name; /* the recording's JSON key */
	fields_type type;
	size_t off;    /* offsetof in the struct */
	bool optional; /* added within a format version: a reader takes a
	                  missing one as 0, so older files still load */
} fields_field;

extern const fields_field fields_stats[];
extern const int fields_nstats;
extern const fields_field fields_p[];
extern const int fields_np;
extern const fields_field fields_m[];
extern const int fields_nm;
/* The accounting's P and M figures, written after fields_p and fields_m
 * wherever those are, and by --json -v. */
extern const fields_field fields_p_acct[];
extern const int fields_np_acct;
extern const fields_field fields_m_acct[];
extern const int fields_nm_acct;
/* A goroutine of the goroutine list (gs_snap_ginfo), but its label and tag,
 * which each format writes as it writes a gs_snap_g's. */
extern const fields_field fields_g[];
extern const int fields_ng;

/* Field f of base as an unsigned varint's value: an unsigned field as it
 * is, a signed one zigzagged, a bool 0 or 1; with prev (a struct of base's
 * type, NULL for none), its difference from prev's field modulo 2^64,
 * zigzagged, which is short when the two are close.  Any value round-trips
 * through fields_set_varint with the same prev. */
uint64_t fields_varint(const void *base, const void *prev, const fields_field *f);
void fields_set_varint(void *base, const void *prev, const fields_field *f, uint64_t v);

/* Write n fields of base as JSON members, "name":value, comma-separated
 * (the braces are the caller's). */
void fields_put_json(FILE *f, const void *base, const fields_field *fl, int n);
/* A goroutine list as the members ,"g_total":total,"g":[{...},...]. */
void fields_put_glist(FILE *f, const gs_snap_ginfo *gl, int ng, int total);

#endif /* GSCHED_FORMAT_FIELDS_H */
