/*
 * json.h - a small, strict, bounded JSON reader for one line of text (RFC 8259):
 * enough for gsched's recordings (docs/recording.md) and for tests that check
 * the trace export.  No external library.
 *
 * A document is parsed into a pool of nodes owned by a gsj_doc; strings are
 * decoded (escapes resolved, \u escapes above U+00FF written as UTF-8; \u0000
 * is rejected so decoded strings stay C strings).  Limits: nesting depth
 * GSJ_MAX_DEPTH, GSJ_MAX_MEMBERS per array,
 * GSJ_MAX_KEYS per object, input size given by the caller.  Duplicate object keys,
 * trailing text, leading zeros, raw control characters and invalid escapes are
 * all errors.  Integers without fraction or exponent are kept exactly (as
 * int64/uint64 when they fit).
 */
#ifndef GSCHED_JSON_H
#define GSCHED_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GSJ_MAX_DEPTH 32
#define GSJ_MAX_MEMBERS 65536 /* per array */
#define GSJ_MAX_KEYS 1024     /* per object */

enum gsj_type { GSJ_NULL, GSJ_BOOL, GSJ_NUM, GSJ_STR, GSJ_ARR, GSJ_OBJ };

typedef struct gsj_node {
	enum gsj_type type;
	int first; /* first child (arrays, objects), -1 none */
	int next;  /* next sibling, -1 none */
	int nkids;
	const char *key; /* member name when the parent is an object */
	const char *str; /* GSJ_STR: decoded, NUL-terminated */
	size_t len;      /* its length */
	bool b;
	bool isint;   /* GSJ_NUM: an integer literal that fits int64 or uint64 */
	bool neg;     /* ... negative */
	uint64_t mag; /* ... its magnitude */
	double d;     /* GSJ_NUM: the value as a double */
} gsj_node;

typedef struct gsj_doc {
	gsj_node *n; /* n[0] is the root */
	int count, cap;
	char *strbuf; /* decoded strings and keys */
	size_t strused, strcap;
	char err[128]; /* after a failed parse */
	size_t errpos; /* byte offset of the error */
} gsj_doc;

void gsj_init(gsj_doc *d);
void gsj_free(gsj_doc *d);
/* Parse text[0..len) as one JSON value (surrounding whitespace allowed).
 * 0 on success (root is node 0), -1 with d->err / d->errpos set. */
int gsj_parse(gsj_doc *d, const char *text, size_t len);

/* Member `key` of object node obj, or -1. */
int gsj_get(const gsj_doc *d, int obj, const char *key);
/* Typed reads of node i: true if it has that type and fits. */
bool gsj_i64(const gsj_doc *d, int i, int64_t *out);
bool gsj_u64(const gsj_doc *d, int i, uint64_t *out);
bool gsj_bool(const gsj_doc *d, int i, bool *out);
const char *gsj_str(const gsj_doc *d, int i); /* NULL if not a string */

#endif /* GSCHED_JSON_H */
