/*
 * json.c - the strict, bounded JSON reader of json.h.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/json.h"

struct parser {
	json_doc *d;
	const char *s;
	size_t len, pos;
	int depth;
};

void
json_init(json_doc *d)
{
	memset(d, 0, sizeof *d);
}

void
json_free(json_doc *d)
{
	free(d->n);
	free(d->strbuf);
	memset(d, 0, sizeof *d);
}

static int
fail(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->d->err, sizeof p->d->err, fmt, ap);
	va_end(ap);
	p->d->errpos = p->pos;
	return -1;
}

static int
newnode(struct parser *p, enum json_type t)
{
	json_doc *d = p->d;

	if (d->count == JSON_MAX_NODES)
		return fail(p, "more than %d values", JSON_MAX_NODES);
	if (d->count == d->cap) {
		/* doubled as values are read, never past the cap */
		int nc = d->cap ? d->cap * 2 : 64;
		if (nc > JSON_MAX_NODES)
			nc = JSON_MAX_NODES;
		json_node *nn = realloc(d->n, (size_t)nc * sizeof *nn);
		if (nn == NULL)
			return fail(p, "out of memory");
		d->n = nn;
		d->cap = nc;
	}
	json_node *n = &d->n[d->count];
	memset(n, 0, sizeof *n);
	n->type = (unsigned char)t;
	n->next = -1;
	if (t == JSON_ARR || t == JSON_OBJ)
		n->first = -1;
	return d->count++;
}

static void
skipws(struct parser *p)
{
	while (p->pos < p->len &&
	    (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' || p->s[p->pos] == '\n' ||
		p->s[p->pos] == '\r'))
		p->pos++;
}

static int
hex4(struct parser *p, unsigned *out)
{
	unsigned v = 0;

	if (p->len - p->pos < 4)
		return fail(p, "truncated \\u escape");
	for (int i = 0; i < 4; i++) {
		char c = p->s[p->pos++];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return fail(p, "bad \\u escape");
	}
	*out = v;
	return 0;
}

/* Parse a string at p->pos (the opening quote); its decoded text is appended to
 * strbuf and its offset stored in *off. */
static int
parse_string(struct parser *p, uint32_t *off, uint32_t *outlen)
{
	json_doc *d = p->d;
	size_t raw = p->pos + 1;

	/* Room for this string's raw text (decoded text is never longer), not
	 * for the rest of the input: strbuf grows with the strings read. */
	while (raw < p->len && p->s[raw] != '"')
		raw += p->s[raw] == '\\' ? 2 : 1;
	size_t need = d->strused + (raw - p->pos) + 1;

	if (need > d->strcap) {
		size_t nc = d->strcap ? d->strcap : 256;
		while (nc < need)
			nc *= 2;
		char *nb = realloc(d->strbuf, nc);
		if (nb == NULL)
			return fail(p, "out of memory");
		d->strbuf = nb;
		d->strcap = nc;
	}
	char *o = d->strbuf + d->strused;
	size_t k = 0;

	p->pos++; /* the quote */
	for (;;) {
		if (p->pos >= p->len)
			return fail(p, "unterminated string");
		unsigned char c = (unsigned char)p->s[p->pos++];
		if (c == '"')
			break;
		if (c < 0x20)
			return fail(p, "control character in string");
		if (c != '\\') {
			o[k++] = (char)c;
			continue;
		}
		if (p->pos >= p->len)
			return fail(p, "unterminated string");
		c = (unsigned char)p->s[p->pos++];
		switch (c) {
		case '"':
			o[k++] = '"';
			break;
		case '\\':
			o[k++] = '\\';
			break;
		case '/':
			o[k++] = '/';
			break;
		case 'b':
			o[k++] = '\b';
			break;
		case 'f':
			o[k++] = '\f';
			break;
		case 'n':
			o[k++] = '\n';
			break;
		case 'r':
			o[k++] = '\r';
			break;
		case 't':
			o[k++] = '\t';
			break;
		case 'u': {
			unsigned u;
			if (hex4(p, &u))
				return -1;
			if (u == 0)
				return fail(p, "\\u0000 in string");
			if (u >= 0xD800 && u <= 0xDBFF) {
				unsigned lo;
				if (p->len - p->pos < 2 || p->s[p->pos] != '\\' ||
				    p->s[p->pos + 1] != 'u')
					return fail(p, "unpaired surrogate");
				p->pos += 2;
				if (hex4(p, &lo))
					return -1;
				if (lo < 0xDC00 || lo > 0xDFFF)
					return fail(p, "unpaired surrogate");
				u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
			} else if (u >= 0xDC00 && u <= 0xDFFF) {
				return fail(p, "unpaired surrogate");
			}
			/* U+0001..U+00FF: one byte (gsched writes label bytes so);
			 * above: UTF-8 (at most 4 bytes for the 6 or 12 read). */
			if (u <= 0xFF) {
				o[k++] = (char)u;
			} else if (u <= 0x7FF) {
				o[k++] = (char)(0xC0 | (u >> 6));
				o[k++] = (char)(0x80 | (u & 0x3F));
			} else if (u <= 0xFFFF) {
				o[k++] = (char)(0xE0 | (u >> 12));
				o[k++] = (char)(0x80 | ((u >> 6) & 0x3F));
				o[k++] = (char)(0x80 | (u & 0x3F));
			} else {
				o[k++] = (char)(0xF0 | (u >> 18));
				o[k++] = (char)(0x80 | ((u >> 12) & 0x3F));
				o[k++] = (char)(0x80 | ((u >> 6) & 0x3F));
				o[k++] = (char)(0x80 | (u & 0x3F));
			}
			break;
		}
		default:
			p->pos--;
			return fail(p, "bad escape '\\%c'", c);
		}
	}
	o[k] = '\0';
	*off = (uint32_t)d->strused;
	*outlen = (uint32_t)k;
	d->strused += k + 1;
	return 0;
}

static int
parse_number(struct parser *p, int idx)
{
	size_t start = p->pos;
	bool neg = false, isint = true;
	uint64_t mag = 0;
	bool overflow = false;

	if (p->s[p->pos] == '-') {
		neg = true;
		p->pos++;
	}
	if (p->pos >= p->len || p->s[p->pos] < '0' || p->s[p->pos] > '9')
		return fail(p, "bad number");
	if (p->s[p->pos] == '0') {
		p->pos++;
		if (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9')
			return fail(p, "leading zero in number");
	} else {
		while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9') {
			unsigned dgt = (unsigned)(p->s[p->pos++] - '0');
			if (mag > (UINT64_MAX - dgt) / 10)
				overflow = true;
			else
				mag = mag * 10 + dgt;
		}
	}
	if (p->pos < p->len && p->s[p->pos] == '.') {
		isint = false;
		p->pos++;
		if (p->pos >= p->len || p->s[p->pos] < '0' || p->s[p->pos] > '9')
			return fail(p, "bad number: digit expected after '.'");
		while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9')
			p->pos++;
	}
	if (p->pos < p->len && (p->s[p->pos] == 'e' || p->s[p->pos] == 'E')) {
		isint = false;
		p->pos++;
		if (p->pos < p->len && (p->s[p->pos] == '+' || p->s[p->pos] == '-'))
			p->pos++;
		if (p->pos >= p->len || p->s[p->pos] < '0' || p->s[p->pos] > '9')
			return fail(p, "bad number: digit expected in exponent");
		while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9')
			p->pos++;
	}
	char tmp[64];
	size_t n = p->pos - start;
	if (n >= sizeof tmp)
		n = sizeof tmp - 1; /* a double from the first 63 characters */
	memcpy(tmp, p->s + start, n);
	tmp[n] = '\0';
	json_node *node = &p->d->n[idx];
	node->isint = isint && !overflow && (!neg || mag <= (uint64_t)INT64_MAX + 1);
	node->neg = neg && mag != 0;
	if (node->isint)
		node->mag = mag;
	else
		node->d = strtod(tmp, NULL);
	return 0;
}

static int parse_value(struct parser *p, int *out);

static int
parse_container(struct parser *p, int idx, bool obj)
{
	int last = -1;
	char close = obj ? '}' : ']';

	if (++p->depth > JSON_MAX_DEPTH)
		return fail(p, "nested more than %d deep", JSON_MAX_DEPTH);
	p->pos++;
	skipws(p);
	if (p->pos < p->len && p->s[p->pos] == close) {
		p->pos++;
		p->depth--;
		return 0;
	}
	for (;;) {
		uint32_t keyoff = 0, keylen;
		int child;

		skipws(p);
		if (obj) {
			if (p->pos >= p->len || p->s[p->pos] != '"')
				return fail(p,
				    p->pos >= p->len ? "unexpected end of input"
						     : "object key expected");
			if (parse_string(p, &keyoff, &keylen))
				return -1;
			skipws(p);
			if (p->pos >= p->len || p->s[p->pos] != ':')
				return fail(p, "':' expected");
			p->pos++;
		}
		if (parse_value(p, &child))
			return -1;
		if (obj) {
			const char *key = p->d->strbuf + keyoff;
			/* keys are offsets: strbuf may move */
			p->d->n[child].key = keyoff + 1;
			for (int c = p->d->n[idx].first; c >= 0; c = p->d->n[c].next)
				if (strcmp(p->d->strbuf + (p->d->n[c].key - 1), key) == 0)
					return fail(p, "duplicate key \"%.40s\"", key);
		}
		if (p->d->n[idx].nkids >= (obj ? JSON_MAX_KEYS : JSON_MAX_MEMBERS))
			return fail(p, "more than %d members",
			    obj ? JSON_MAX_KEYS : JSON_MAX_MEMBERS);
		if (last < 0)
			p->d->n[idx].first = child;
		else
			p->d->n[last].next = child;
		last = child;
		p->d->n[idx].nkids++;
		skipws(p);
		if (p->pos >= p->len)
			return fail(p, "unexpected end of input");
		if (p->s[p->pos] == ',') {
			p->pos++;
			continue;
		}
		if (p->s[p->pos] == close) {
			p->pos++;
			break;
		}
		return fail(p, obj ? "',' or '}' expected" : "',' or ']' expected");
	}
	p->depth--;
	return 0;
}

static int
literal(struct parser *p, const char *word)
{
	size_t n = strlen(word);

	if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n) != 0)
		return fail(p, "unexpected character '%c'", p->s[p->pos]);
	p->pos += n;
	return 0;
}

static int
parse_value(struct parser *p, int *out)
{
	int idx;

	skipws(p);
	if (p->pos >= p->len)
		return fail(p, "unexpected end of input");
	char c = p->s[p->pos];
	switch (c) {
	case '{':
	case '[':
		if ((idx = newnode(p, c == '{' ? JSON_OBJ : JSON_ARR)) < 0)
			return -1;
		*out = idx;
		return parse_container(p, idx, c == '{');
	case '"': {
		uint32_t off, len;
		if ((idx = newnode(p, JSON_STR)) < 0)
			return -1;
		if (parse_string(p, &off, &len))
			return -1;
		p->d->n[idx].str = off;
		p->d->n[idx].len = len;
		*out = idx;
		return 0;
	}
	case 't':
	case 'f':
		if ((idx = newnode(p, JSON_BOOL)) < 0)
			return -1;
		p->d->n[idx].b = c == 't';
		*out = idx;
		return literal(p, c == 't' ? "true" : "false");
	case 'n':
		if ((idx = newnode(p, JSON_NULL)) < 0)
			return -1;
		*out = idx;
		return literal(p, "null");
	default:
		if (c == '-' || (c >= '0' && c <= '9')) {
			if ((idx = newnode(p, JSON_NUM)) < 0)
				return -1;
			*out = idx;
			return parse_number(p, idx);
		}
		if ((unsigned char)c < 0x20 || (unsigned char)c >= 0x7f)
			return fail(p, "unexpected byte 0x%02x", (unsigned char)c);
		return fail(p, "unexpected character '%c'", c);
	}
}

int
json_parse(json_doc *d, const char *text, size_t len)
{
	struct parser p = { d, text, len, 0, 0 };
	int root;

	d->count = 0;
	d->strused = 0;
	d->err[0] = '\0';
	d->errpos = 0;
	if (len > UINT32_MAX / 2) /* string offsets are 32 bits */
		return fail(&p, "more than %u bytes", UINT32_MAX / 2);
	if (parse_value(&p, &root))
		return -1;
	skipws(&p);
	if (p.pos != len)
		return fail(&p, "unexpected text after the value");
	return 0;
}

int
json_get(const json_doc *d, int obj, const char *key)
{
	if (obj < 0 || obj >= d->count || d->n[obj].type != JSON_OBJ)
		return -1;
	for (int c = d->n[obj].first; c >= 0; c = d->n[c].next)
		if (strcmp(d->strbuf + (d->n[c].key - 1), key) == 0)
			return c;
	return -1;
}

bool
json_i64(const json_doc *d, int i, int64_t *out)
{
	if (i < 0 || i >= d->count || d->n[i].type != JSON_NUM || !d->n[i].isint)
		return false;
	const json_node *n = &d->n[i];
	if (n->neg) {
		if (n->mag > (uint64_t)INT64_MAX + 1)
			return false;
		*out = n->mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)n->mag;
	} else {
		if (n->mag > (uint64_t)INT64_MAX)
			return false;
		*out = (int64_t)n->mag;
	}
	return true;
}

bool
json_u64(const json_doc *d, int i, uint64_t *out)
{
	if (i < 0 || i >= d->count || d->n[i].type != JSON_NUM || !d->n[i].isint || d->n[i].neg)
		return false;
	*out = d->n[i].mag;
	return true;
}

bool
json_bool(const json_doc *d, int i, bool *out)
{
	if (i < 0 || i >= d->count || d->n[i].type != JSON_BOOL)
		return false;
	*out = d->n[i].b;
	return true;
}

const char *
json_str(const json_doc *d, int i)
{
	if (i < 0 || i >= d->count || d->n[i].type != JSON_STR)
		return NULL;
	return d->strbuf + d->n[i].str;
}

bool
json_double(const json_doc *d, int i, double *out)
{
	if (i < 0 || i >= d->count || d->n[i].type != JSON_NUM)
		return false;
	const json_node *n = &d->n[i];
	if (!n->isint)
		*out = n->d;
	else
		*out = n->neg ? -(double)n->mag : (double)n->mag;
	return true;
}

/* ---- writing ---------------------------------------------------------------------- */

void
json_put_escaped(FILE *f, const char *s)
{
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c == '"' || *c == '\\')
			fprintf(f, "\\%c", *c);
		else if (*c < 0x20 || *c >= 0x7f)
			fprintf(f, "\\u%04x", *c);
		else
			fputc(*c, f);
	}
}

void
json_put_string(FILE *f, const char *s)
{
	fputc('"', f);
	json_put_escaped(f, s);
	fputc('"', f);
}

void
json_put_g(FILE *f, const gs_snap_g *g)
{
	if (g->id == 0 && g->label[0] == '\0') {
		fputs("null", f);
		return;
	}
	fprintf(f, "{\"id\":%" PRId64, g->id);
	json_put_label_tag(f, g->label, g->tag);
	fputc('}', f);
}

void
json_put_label_tag(FILE *f, const char *label, char tag)
{
	fputs(",\"label\":", f);
	json_put_string(f, label);
	if (tag) {
		char t[2] = { tag, '\0' };
		fputs(",\"tag\":", f);
		json_put_string(f, t);
	}
}
