/*
 * json.h - a small, strict, bounded JSON reader for one line of text (RFC 8259):
 * enough for gsched's recordings (docs/recording.md) and for tests that check
 * the trace export.  No external library.
 *
 * A document is parsed into a pool of nodes owned by a json_doc; strings are
 * decoded (escapes resolved, \u escapes above U+00FF written as UTF-8; \u0000
 * is rejected so decoded strings stay C strings).  Limits: nesting depth
 * JSON_MAX_DEPTH, JSON_MAX_MEMBERS per array, JSON_MAX_KEYS per object,
 * JSON_MAX_NODES values in all, input size given by the caller.  Memory grows
 * only with what was parsed: at most 24 bytes a value (sizeof (json_node)) and
 * the decoded strings, so a hostile line costs a few times its own size and
 * never more than JSON_MAX_NODES values.  Duplicate object keys,
 * trailing text, leading zeros, raw control characters and invalid escapes are
 * all errors.  Integers without fraction or exponent are kept exactly (as
 * int64/uint64 when they fit).
 */
#ifndef GSCHED_JSON_H
#define GSCHED_JSON_H

#include <gsched/observe.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 32
#define JSON_MAX_MEMBERS 65536 /* per array */
#define JSON_MAX_KEYS 1024     /* per object */
/* Values in one document.  The largest recording line a writer makes (100000
 * Ms, 256 Ps with 256 queued goroutines each: docs/recording.md) holds under
 * a million; twice that leaves room for members a later writer adds. */
#define JSON_MAX_NODES (1 << 21)

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUM, JSON_STR, JSON_ARR, JSON_OBJ };

/* A value: 24 bytes, what a hostile line full of tiny values costs a value.
 * Which member of the union holds depends on the type; read numbers and
 * strings through the accessors below. */
typedef struct json_node {
	unsigned char type; /* enum json_type */
	bool b;             /* JSON_BOOL */
	bool isint;         /* JSON_NUM: an integer literal that fits int64 or uint64 */
	bool neg;           /* ... negative */
	int next;           /* next sibling, -1 none */
	uint32_t key;       /* member name when the parent is an object: offset + 1 in strbuf */
	union {
		struct {           /* JSON_ARR, JSON_OBJ */
			int first; /* first child, -1 none */
			int nkids;
		};
		struct {              /* JSON_STR */
			uint32_t str; /* offset in strbuf of the decoded, NUL-terminated text */
			uint32_t len; /* its length */
		};
		uint64_t mag; /* JSON_NUM with isint: its magnitude */
		double d;     /* other JSON_NUM: the value as a double */
	};
} json_node;

typedef struct json_doc {
	json_node *n; /* n[0] is the root */
	int count, cap;
	char *strbuf; /* decoded strings and keys */
	size_t strused, strcap;
	char err[128]; /* after a failed parse */
	size_t errpos; /* byte offset of the error */
} json_doc;

void json_init(json_doc *d);
void json_free(json_doc *d);
/* Parse text[0..len) as one JSON value (surrounding whitespace allowed).
 * 0 on success (root is node 0), -1 with d->err / d->errpos set. */
int json_parse(json_doc *d, const char *text, size_t len);

/* Member `key` of object node obj, or -1. */
int json_get(const json_doc *d, int obj, const char *key);
/* Typed reads of node i: true if it has that type and fits. */
bool json_i64(const json_doc *d, int i, int64_t *out);
bool json_u64(const json_doc *d, int i, uint64_t *out);
bool json_bool(const json_doc *d, int i, bool *out);
const char *json_str(const json_doc *d, int i);          /* NULL if not a string */
bool json_double(const json_doc *d, int i, double *out); /* any number */

/* Write s as a JSON string (quotes included): bytes >= 0x80 and control
 * characters as \u00XX, so a label round-trips byte for byte. */
void json_put_string(FILE *f, const char *s);
/* The same without the quotes, for text spliced into a longer string. */
void json_put_escaped(FILE *f, const char *s);
/* A goroutine as {"id":N,"label":"...","tag":"C"} (no tag member for tag 0),
 * or null for none (id 0, no label). */
void json_put_g(FILE *f, const gs_snap_g *g);
/* A goroutine's ,"label":"..." and, if it has one, ,"tag":"C" members. */
void json_put_label_tag(FILE *f, const char *label, char tag);

#endif /* GSCHED_JSON_H */
