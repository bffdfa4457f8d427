/*
 * parse.c - the lesson parser (lesson.h): a hand-written tokenizer per line
 * and one small function per command.  Every check happens here, before
 * anything runs: bytes (NUL, invalid UTF-8, control characters, over-long
 * lines), words, numbers, kinds, counts and durations.  The first error ends
 * the parse with "NAME:LINE:COL: message".
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "format/parse.h"
#include "format/textfile.h"
#include "lesson/lesson.h"
#include "live/workload.h"

static const char *const op_names[] = { "<", "<=", "==", "!=", ">=", ">" };

/* ---- tokens ---------------------------------------------------------------------- */

enum tok_kind { T_END = 0, T_WORD, T_STRING, T_OP, T_PUNCT };

typedef struct tok {
	int kind;
	int col;       /* 1-based byte column */
	const char *s; /* T_WORD, T_OP, T_PUNCT: into the line */
	size_t len;
	char *str; /* T_STRING: the unescaped text (owned by the parser) */
} tok;

#define TOKS_MAX 32

typedef struct parser {
	const char *name;
	int line;
	char *err;
	size_t errsz;
	tok t[TOKS_MAX];
	int nt, i;
	char strbuf[TOKS_MAX][LESSON_LINE_MAX + 1];
	lesson_program *prog;
	int cap;
	long goroutines, threads; /* totals over every spawn */
	bool have_title;
	bool have_slow;
} parser;

static int perr(parser *p, int col, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int
perr(parser *p, int col, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(p->err, p->errsz, "%s:%d:%d: ", p->name, p->line, col);

	if (n < 0 || (size_t)n >= p->errsz)
		return -1;
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->errsz - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/* How a token reads in a message: 'word', "string", or end of line. */
static const char *
tokdesc(const tok *t, char *buf, size_t size)
{
	switch (t->kind) {
	case T_END:
		return "the end of the line";
	case T_STRING:
		snprintf(buf, size, "a string");
		return buf;
	default:
		snprintf(buf, size, "'%.*s'", (int)(t->len > 40 ? 40 : t->len), t->s);
		return buf;
	}
}

static bool
is_word_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    c == '_' || c == '.';
}

/* Split one line (no newline) into tokens.  Strings: "..." with \" \\ \n. */
static int
tokenize(parser *p, const char *line, size_t len)
{
	size_t k = 0;

	p->nt = 0;
	p->i = 0;
	for (;;) {
		while (k < len && (line[k] == ' ' || line[k] == '\t'))
			k++;
		if (k >= len || line[k] == '#')
			break;
		if (p->nt == TOKS_MAX - 1)
			return perr(p, (int)k + 1, "too many words on one line (at most %d)",
			    TOKS_MAX - 1);
		tok *t = &p->t[p->nt];
		unsigned char c = (unsigned char)line[k];
		t->col = (int)k + 1;
		t->s = line + k;
		t->str = NULL;
		if (c == '"') {
			char *dst = p->strbuf[p->nt];
			size_t n = 0;
			k++;
			for (;;) {
				if (k >= len)
					return perr(p, t->col,
					    "unterminated string: expected a closing "
					    "'\"'");
				char ch = line[k];
				if (ch == '"')
					break;
				if (ch == '\\') {
					char e = k + 1 < len ? line[k + 1] : '\0';
					if (e == '"' || e == '\\')
						ch = e;
					else if (e == 'n')
						ch = '\n';
					else
						return perr(p, (int)k + 1,
						    "unknown escape '\\%c' in a string "
						    "(use \\\" \\\\ or \\n)",
						    e ? e : ' ');
					k++;
				}
				dst[n++] = ch;
				k++;
			}
			k++; /* the closing quote */
			dst[n] = '\0';
			if (n > LESSON_TEXT_MAX)
				return perr(p, t->col,
				    "string of %zu bytes is too long (at most %d)", n,
				    LESSON_TEXT_MAX);
			t->kind = T_STRING;
			t->str = dst;
			t->len = n;
		} else if (is_word_char(c)) {
			while (k < len && is_word_char((unsigned char)line[k]))
				k++;
			t->kind = T_WORD;
			t->len = (size_t)(line + k - t->s);
		} else if (strchr("<>=!", c)) {
			while (k < len && strchr("<>=!", line[k]) && line[k] != '\0')
				k++;
			t->kind = T_OP;
			t->len = (size_t)(line + k - t->s);
		} else if (strchr("+-*/", c)) {
			k++;
			t->kind = T_PUNCT;
			t->len = 1;
		} else {
			if (c >= 0x80)
				return perr(p, t->col,
				    "unexpected non-ASCII character outside a string");
			return perr(p, t->col, "unexpected character '%c'", c);
		}
		p->nt++;
	}
	p->t[p->nt] = (tok){ .kind = T_END, .col = (int)len + 1, .s = line + len };
	return 0;
}

static tok *
peek(parser *p)
{
	return &p->t[p->i];
}

static tok *
next(parser *p)
{
	tok *t = &p->t[p->i];
	if (t->kind != T_END)
		p->i++;
	return t;
}

static bool
tok_is(const tok *t, const char *w)
{
	return t->kind == T_WORD && strlen(w) == t->len && memcmp(t->s, w, t->len) == 0;
}

/* ---- numbers and durations ---------------------------------------------------------- */

/* "a number" -> "number", for messages that start with it. */
static const char *
bare(const char *what)
{
	return strncmp(what, "a ", 2) == 0 ? what + 2 : what;
}

/* A decimal integer in [lo, hi] with an optional k/M/G multiplier when
 * allow_suffix.  after names the command for the message. */
static int
arg_int(parser *p, const tok *t, const char *what, const char *after, int64_t lo, int64_t hi,
    bool allow_suffix, int64_t *out)
{
	char d[64];
	int64_t v = 0, mul = 1;
	size_t k = 0;

	if (t->kind != T_WORD || t->s[0] < '0' || t->s[0] > '9')
		return perr(p, t->col, "expected %s after '%s', got %s", what, after,
		    tokdesc(t, d, sizeof d));
	for (; k < t->len && t->s[k] >= '0' && t->s[k] <= '9'; k++) {
		if (v > (INT64_MAX - 9) / 10)
			return perr(p, t->col,
			    "%s '%.*s' is out of range (%" PRId64 " to %" PRId64 ")", bare(what),
			    (int)t->len, t->s, lo, hi);
		v = v * 10 + (t->s[k] - '0');
	}
	if (k < t->len) {
		size_t rest = t->len - k;
		char c = t->s[k];
		if (allow_suffix && rest == 1 && (c == 'k' || c == 'M' || c == 'G'))
			mul = c == 'k' ? 1000 : c == 'M' ? 1000000 : 1000000000;
		else
			return perr(p, t->col, "expected %s after '%s', got %s", what, after,
			    tokdesc(t, d, sizeof d));
	}
	if (v > INT64_MAX / mul || v * mul < lo || v * mul > hi)
		return perr(p, t->col, "%s '%.*s' is out of range (%" PRId64 " to %" PRId64 ")",
		    bare(what), (int)t->len, t->s, lo, hi);
	*out = v * mul;
	return 0;
}

/* Is this word meant as a duration rather than a count?  (12ms, 1.5s, 2m) */
static bool
looks_like_duration(const tok *t)
{
	int64_t ns;

	return t->kind == T_WORD &&
	    (memchr(t->s, '.', t->len) != NULL ||
		parse_duration_n(t->s, t->len, PARSE_DURATION_MIN, &ns, NULL) == PARSE_DURATION_OK);
}

/* A duration in Go's grammar (format/parse.h) with min for minutes too;
 * from 1 ms (or 0 when zero_ok) to an hour. */
static int
arg_duration(parser *p, const tok *t, const char *after, bool zero_ok, int64_t *out)
{
	char d[64];
	int64_t ns;
	size_t bad, k;

	if (t->kind != T_WORD || !(t->s[0] == '.' || (t->s[0] >= '0' && t->s[0] <= '9')))
		return perr(p, t->col, "expected a duration (like 500ms or 2s) after '%s', got %s",
		    after, tokdesc(t, d, sizeof d));
	switch (parse_duration_n(t->s, t->len, PARSE_DURATION_MIN, &ns, &bad)) {
	case PARSE_DURATION_OK:
		if (ns > LESSON_DURATION_MAX || (ns < 1000000 && !(zero_ok && ns == 0)))
			break;
		*out = ns;
		return 0;
	case PARSE_DURATION_NO_UNIT:
		return perr(p, t->col,
		    "duration '%.*s' needs a unit: us, ms, s, m or min, h (like 500ms)",
		    (int)t->len, t->s);
	case PARSE_DURATION_UNIT:
		for (k = bad; k < t->len && t->s[k] != '.' && (t->s[k] < '0' || t->s[k] > '9');)
			k++;
		return perr(p, t->col + (int)bad,
		    "unknown duration unit '%.*s' (use us, ms, s, m or min, h)", (int)(k - bad),
		    t->s + bad);
	case PARSE_DURATION_SYNTAX:
		return perr(p, t->col + (int)bad,
		    "'%.*s' is not a duration (like 500ms, 1.5s or 1m30s)", (int)t->len, t->s);
	case PARSE_DURATION_RANGE:
		break;
	}
	return perr(p, t->col, "duration '%.*s' is out of range (%s to 1 hour)", (int)t->len, t->s,
	    zero_ok ? "0" : "1ms");
}

/* ---- the commands ------------------------------------------------------------------ */

static int
end_of_line(parser *p, const char *cmd)
{
	char d[64];
	tok *t = peek(p);

	if (t->kind != T_END)
		return perr(p, t->col,
		    "unexpected %s after '%s' (expected the end of the "
		    "line)",
		    tokdesc(t, d, sizeof d), cmd);
	return 0;
}

static int
take_string(parser *p, const char *cmd, const char *what, char **out)
{
	char d[64];
	tok *t = next(p);

	if (t->kind != T_STRING)
		return perr(p, t->col, "expected %s in double quotes after '%s', got %s", what, cmd,
		    tokdesc(t, d, sizeof d));
	*out = strdup(t->str);
	return *out ? 0 : perr(p, t->col, "out of memory");
}

static lesson_step *
add_step(parser *p, int cmd, int col)
{
	lesson_program *g = p->prog;

	if (g->nsteps == LESSON_STEPS_MAX) {
		perr(p, col, "too many steps (at most %d)", LESSON_STEPS_MAX);
		return NULL;
	}
	if (g->nsteps == p->cap) {
		int ncap = p->cap ? p->cap * 2 : 32;
		lesson_step *ns = realloc(g->steps, (size_t)ncap * sizeof *ns);
		if (ns == NULL) {
			perr(p, col, "out of memory");
			return NULL;
		}
		g->steps = ns;
		p->cap = ncap;
	}
	lesson_step *s = &g->steps[g->nsteps++];
	memset(s, 0, sizeof *s);
	s->cmd = cmd;
	s->line = p->line;
	return s;
}

static int
cmd_title(parser *p, const tok *kw)
{
	if (p->have_title)
		return perr(p, kw->col, "a second 'title' (a lesson has one)");
	if (take_string(p, "title", "the lesson's title", &p->prog->title))
		return -1;
	p->have_title = true;
	if (strchr(p->prog->title, '\n') != NULL)
		return perr(p, kw->col, "a title is one line (no \\n)");
	return end_of_line(p, "title");
}

/* slow N: the lesson asks for slow motion x N (as --slow N, which
 * overrides it): a setting of the whole run, so once, like the title. */
static int
cmd_slow(parser *p, const tok *kw)
{
	int64_t v;

	if (p->have_slow)
		return perr(p, kw->col, "a second 'slow' (a lesson runs at one speed)");
	if (arg_int(p, next(p), "a slow-motion factor", "slow", 1, GS_TIMESCALE_MAX, false, &v))
		return -1;
	p->have_slow = true;
	p->prog->slow = (int)v;
	return end_of_line(p, "slow");
}

static int
cmd_procs(parser *p, const tok *kw)
{
	lesson_step *s = add_step(p, LESSON_PROCS, kw->col);
	tok *t = peek(p);
	int64_t v;

	if (s == NULL)
		return -1;
	if (tok_is(t, "cpus")) {
		next(p);
		s->procs_rel = '*';
		s->procs = 1;
		tok *op = peek(p);
		if (op->kind == T_PUNCT && (op->s[0] == '*' || op->s[0] == '/')) {
			next(p);
			char after[8] = { 'c', 'p', 'u', 's', op->s[0], '\0' };
			if (arg_int(p, next(p), "a number", after, 1, 256, false, &v))
				return -1;
			s->procs_rel = op->s[0];
			s->procs = (int)v;
		}
	} else {
		if (arg_int(p, next(p), "a number", "procs", 1, 256, false, &v))
			return -1;
		s->procs = (int)v;
	}
	return end_of_line(p, "procs");
}

/* asyncpreemptoff 0|1: the runtime's GSCHED_DEBUG setting, switched live. */
static int
cmd_asyncpreemptoff(parser *p, const tok *kw)
{
	lesson_step *s = add_step(p, LESSON_ASYNCPREEMPTOFF, kw->col);
	int64_t v;

	if (s == NULL || arg_int(p, next(p), "0 or 1", "asyncpreemptoff", 0, 1, false, &v))
		return -1;
	s->procs = (int)v;
	return end_of_line(p, "asyncpreemptoff");
}

/* Per kind: most goroutines one spawn may start, and how many of them block in
 * system calls (each such one takes a thread). */
static void
kind_cost(const char *kind, long count, long *goroutines, long *threads)
{
	*threads = 0;
	*goroutines = count;
	if (strcmp(kind, "syscall") == 0 || strcmp(kind, "shortcall") == 0 ||
	    strcmp(kind, "block") == 0)
		*threads = count;
	else if (strcmp(kind, "mixed") == 0) {
		*goroutines = count * 8; /* 1 cpu, 3 sleep, 2 syscall, a netwait pair */
		*threads = count * 2;
	} else if (strcmp(kind, "netwait") == 0)
		*goroutines = count * 2;
	else if (strcmp(kind, "thread") == 0)
		*threads = count;
	else if (strcmp(kind, "pool") == 0)
		*goroutines = 1 + 256; /* the sender and up to 256 workers */
	else if (strcmp(kind, "pingpong") == 0)
		*goroutines = count * 2;
	else if (strcmp(kind, "threadpingpong") == 0)
		*threads = count * 2;
	else if (strcmp(kind, "threadlimit") == 0)
		*threads = count; /* the child's, blocked in its system calls */
}

static int
cmd_spawn(parser *p, const tok *kw)
{
	char d[64];
	lesson_step *s = add_step(p, LESSON_SPAWN, kw->col);
	int64_t v;

	if (s == NULL)
		return -1;
	tok *ct = next(p);
	if (arg_int(p, ct, "a goroutine count", "spawn", 1, LESSON_GOROUTINES_MAX, false, &v))
		return -1;
	s->count = (int)v;
	tok *kt = next(p);
	if (kt->kind != T_WORD)
		return perr(p, kt->col, "expected a workload kind after the count, got %s",
		    tokdesc(kt, d, sizeof d));
	if (kt->len >= sizeof s->kind)
		goto badkind;
	memcpy(s->kind, kt->s, kt->len);
	s->kind[kt->len] = '\0';
	const workload *w = workload_find(s->kind);
	if (w == NULL)
		goto badkind;

	tok *t = peek(p);
	if (t->kind == T_WORD && !tok_is(t, "as")) {
		next(p);
		/* tokens point into the line: no NUL ends them */
		if (looks_like_duration(t)) {
			if (arg_duration(p, t, s->kind, false, &s->life_ns))
				return -1;
		} else if (arg_int(p, t, "a lifetime (like 2s) or an iteration count", s->kind, 1,
			       LESSON_ITERS_MAX, true, &s->iters)) {
			return -1;
		}
	}
	t = peek(p);
	if (tok_is(t, "as")) {
		next(p);
		tok *lt = next(p);
		const char *ls = lt->kind == T_STRING ? lt->str : lt->s;
		if (lt->kind != T_WORD && lt->kind != T_STRING)
			return perr(p, lt->col, "expected a label after 'as', got %s",
			    tokdesc(lt, d, sizeof d));
		if (lt->len == 0 || lt->len >= GS_LABEL_MAX)
			return perr(p, lt->col, "a label has 1 to %d characters, got %zu",
			    GS_LABEL_MAX - 1, lt->len);
		for (size_t k = 0; k < lt->len; k++)
			if ((unsigned char)ls[k] < 0x21 || (unsigned char)ls[k] > 0x7e)
				return perr(p, lt->col,
				    "a label is printable ASCII without spaces");
		memcpy(s->label, ls, lt->len);
		s->label[lt->len] = '\0';
	}
	if (end_of_line(p, "spawn"))
		return -1;

	long g, th;
	kind_cost(s->kind, s->count, &g, &th);
	if (th > LESSON_THREADS_MAX)
		return perr(p, ct->col,
		    "%d %s goroutines would need %ld threads blocked in system calls "
		    "(at most %d: each takes a thread of its own)",
		    s->count, s->kind, th, LESSON_THREADS_MAX);
	if (g > LESSON_GOROUTINES_MAX)
		return perr(p, ct->col, "%d %s would start %ld goroutines (at most %d)", s->count,
		    s->kind, g, LESSON_GOROUTINES_MAX);
	p->goroutines += g;
	p->threads += th;
	if (p->goroutines > LESSON_GOROUTINES_MAX)
		return perr(p, ct->col, "the lesson would spawn %ld goroutines in all (at most %d)",
		    p->goroutines, LESSON_GOROUTINES_MAX);
	if (p->threads > LESSON_THREADS_MAX)
		return perr(p, ct->col,
		    "the lesson would block %ld goroutines in system calls in all, "
		    "a thread each (at most %d)",
		    p->threads, LESSON_THREADS_MAX);
	return 0;

badkind:;
	int n;
	const workload *tab = workload_table(&n);
	char names[320] = "";
	for (int k = 0; k < n; k++) {
		size_t used = strlen(names);
		snprintf(names + used, sizeof names - used, "%s%s", k ? ", " : "", tab[k].name);
	}
	return perr(p, kt->col, "unknown workload kind '%.*s' (expected one of: %s)",
	    (int)(kt->len > 40 ? 40 : kt->len), kt->s, names);
}

static int
cmd_text(parser *p, const tok *kw, int cmd, const char *name, const char *what)
{
	lesson_step *s = add_step(p, cmd, kw->col);

	if (s == NULL || take_string(p, name, what, &s->text))
		return -1;
	if (cmd == LESSON_MARK && strchr(s->text, '\n') != NULL)
		return perr(p, kw->col, "a mark's name is one line (no \\n)");
	if (cmd == LESSON_MEASURE) {
		tok *t = peek(p);
		s->ns = 60LL * 1000000000;
		if (tok_is(t, "timeout")) {
			next(p);
			if (arg_duration(p, next(p), "timeout", false, &s->ns))
				return -1;
		}
	}
	return end_of_line(p, name);
}

/* The right side of a condition: TERM [(+|-) TERM]... */
static int
parse_term(parser *p, lesson_cond *c, int sign, const char *after)
{
	char d[64];
	tok *t = next(p);
	int k = c->nterms;

	if (k == LESSON_TERMS_MAX)
		return perr(p, t->col, "too many terms (at most %d)", LESSON_TERMS_MAX);
	c->term[k].sign = sign;
	c->term[k].qty = -1;
	if (t->kind == T_WORD && t->s[0] >= '0' && t->s[0] <= '9') {
		if (arg_int(p, t, "a number", after, 0, 1000000000000LL, true, &c->term[k].num))
			return -1;
	} else if (t->kind == T_WORD) {
		int q = lesson_qty_find(t->s, t->len);
		if (q < 0)
			return perr(p, t->col,
			    "unknown quantity '%.*s' (try threads, procs, "
			    "goroutines, steals, ...; demos/README lists them)",
			    (int)(t->len > 40 ? 40 : t->len), t->s);
		c->term[k].qty = q;
	} else {
		return perr(p, t->col, "expected a number or a quantity after '%s', got %s", after,
		    tokdesc(t, d, sizeof d));
	}
	c->nterms++;
	return 0;
}

static int
parse_cond(parser *p, lesson_cond *c, const char *after)
{
	char d[64];
	tok *t = next(p);
	size_t n = 0;

	memset(c, 0, sizeof *c);
	if (t->kind != T_WORD)
		return perr(p, t->col,
		    "expected a condition (like threads >= 4) after "
		    "'%s', got %s",
		    after, tokdesc(t, d, sizeof d));
	c->qty = lesson_qty_find(t->s, t->len);
	if (c->qty < 0)
		return perr(p, t->col,
		    "unknown quantity '%.*s' (try threads, procs, "
		    "goroutines, steals, ...; demos/README lists them)",
		    (int)(t->len > 40 ? 40 : t->len), t->s);
	tok *o = next(p);
	c->op = -1;
	for (int k = 0; k < 6 && o->kind == T_OP; k++)
		if (strlen(op_names[k]) == o->len && memcmp(op_names[k], o->s, o->len) == 0)
			c->op = k;
	if (c->op < 0)
		return perr(p, o->col,
		    "expected a comparison (<, <=, ==, !=, >=, >) after "
		    "'%s', got %s",
		    lesson_qty_name(c->qty), tokdesc(o, d, sizeof d));
	if (parse_term(p, c, 1, op_names[c->op]))
		return -1;
	while (peek(p)->kind == T_PUNCT && (peek(p)->s[0] == '+' || peek(p)->s[0] == '-')) {
		tok *pt = next(p);
		char after2[2] = { pt->s[0], '\0' };
		if (parse_term(p, c, pt->s[0] == '+' ? 1 : -1, after2))
			return -1;
	}
	n = (size_t)snprintf(c->text, sizeof c->text, "%s %s", lesson_qty_name(c->qty),
	    op_names[c->op]);
	for (int k = 0; k < c->nterms && n < sizeof c->text; k++) {
		const char *sg =
		    k == 0 ? (c->term[k].sign < 0 ? "-" : "") : (c->term[k].sign < 0 ? " -" : " +");
		if (c->term[k].qty >= 0)
			n += (size_t)snprintf(c->text + n, sizeof c->text - n, "%s %s", sg,
			    lesson_qty_name(c->term[k].qty));
		else
			n += (size_t)snprintf(c->text + n, sizeof c->text - n, "%s %" PRId64, sg,
			    c->term[k].num);
	}
	return 0;
}

static int
cmd_wait(parser *p, const tok *kw)
{
	lesson_step *s = add_step(p, LESSON_WAIT, kw->col);

	if (s == NULL)
		return -1;
	if (tok_is(peek(p), "until")) {
		next(p);
		s->cmd = LESSON_WAIT_UNTIL;
		if (parse_cond(p, &s->cond, "until"))
			return -1;
		s->ns = 10LL * 1000000000;
		if (tok_is(peek(p), "timeout")) {
			next(p);
			if (arg_duration(p, next(p), "timeout", false, &s->ns))
				return -1;
		}
		return end_of_line(p, "wait until");
	}
	if (arg_duration(p, next(p), "wait", false, &s->ns))
		return -1;
	return end_of_line(p, "wait");
}

static int
cmd_expect(parser *p, const tok *kw)
{
	lesson_step *s = add_step(p, LESSON_EXPECT, kw->col);

	if (s == NULL || parse_cond(p, &s->cond, "expect"))
		return -1;
	return end_of_line(p, "expect");
}

static int
cmd_bare(parser *p, const tok *kw, int cmd, const char *name)
{
	if (add_step(p, cmd, kw->col) == NULL)
		return -1;
	return end_of_line(p, name);
}

/* Check a caption's {quantity} references now, so a typo fails before the
 * lesson runs.  "{{" is a literal brace. */
static int
check_caption(parser *p, const tok *kw, const char *text)
{
	for (const char *c = text; *c; c++) {
		if (c[0] == '{' && c[1] == '{') {
			c++;
			continue;
		}
		if (*c != '{')
			continue;
		const char *end = c + 1;
		while (is_word_char((unsigned char)*end))
			end++;
		if (*end != '}')
			return perr(p, kw->col,
			    "'{' in a caption must start a quantity like "
			    "{threads} (write {{ for a brace)");
		if (lesson_qty_find(c + 1, (size_t)(end - c - 1)) < 0 &&
		    lesson_text_find(c + 1, (size_t)(end - c - 1)) < 0)
			return perr(p, kw->col, "unknown quantity '{%.*s}' in a caption",
			    (int)(end - c - 1 > 40 ? 40 : end - c - 1), c + 1);
		c = end;
	}
	return 0;
}

static int
parse_line(parser *p, const char *line, size_t len)
{
	char d[64];

	if (tokenize(p, line, len))
		return -1;
	tok *kw = next(p);
	if (kw->kind == T_END)
		return 0;
	if (kw->kind != T_WORD)
		return perr(p, kw->col,
		    "expected a command (title, slow, procs, spawn, say, wait, "
		    "pause, expect, mark, measure, reset, asyncpreemptoff), got %s",
		    tokdesc(kw, d, sizeof d));
	if (tok_is(kw, "title"))
		return cmd_title(p, kw);
	if (tok_is(kw, "slow"))
		return cmd_slow(p, kw);
	if (tok_is(kw, "procs"))
		return cmd_procs(p, kw);
	if (tok_is(kw, "spawn"))
		return cmd_spawn(p, kw);
	if (tok_is(kw, "say")) {
		if (cmd_text(p, kw, LESSON_SAY, "say", "a caption"))
			return -1;
		return check_caption(p, kw, p->prog->steps[p->prog->nsteps - 1].text);
	}
	if (tok_is(kw, "wait"))
		return cmd_wait(p, kw);
	if (tok_is(kw, "pause"))
		return cmd_bare(p, kw, LESSON_PAUSE, "pause");
	if (tok_is(kw, "expect"))
		return cmd_expect(p, kw);
	if (tok_is(kw, "mark"))
		return cmd_text(p, kw, LESSON_MARK, "mark", "a chapter name");
	if (tok_is(kw, "measure")) {
		if (cmd_text(p, kw, LESSON_MEASURE, "measure", "a label"))
			return -1;
		return check_caption(p, kw, p->prog->steps[p->prog->nsteps - 1].text);
	}
	if (tok_is(kw, "reset"))
		return cmd_bare(p, kw, LESSON_RESET, "reset");
	if (tok_is(kw, "asyncpreemptoff"))
		return cmd_asyncpreemptoff(p, kw);
	return perr(p, kw->col,
	    "unknown command '%.*s' (expected title, slow, procs, spawn, "
	    "say, wait, pause, expect, mark, measure, reset or asyncpreemptoff)",
	    (int)(kw->len > 40 ? 40 : kw->len), kw->s);
}

/* ---- bytes ------------------------------------------------------------------------- */

/* Reject NUL bytes, invalid UTF-8, control characters and over-long lines
 * in one line (without its line end, so it holds no CR or LF). */
static int
check_bytes(parser *p, const char *line, size_t len)
{
	char why[64];
	int col = textfile_check_line(line, len, LESSON_LINE_MAX, why, sizeof why);

	return col != 0 ? perr(p, col, "%s", why) : 0;
}

/* ---- entry points --------------------------------------------------------------------- */

void
lesson_program_free(lesson_program *g)
{
	if (g == NULL)
		return;
	for (int i = 0; i < g->nsteps; i++)
		free(g->steps[i].text);
	free(g->steps);
	free(g->title);
	free(g->name);
	free(g);
}

int
lesson_parse(const char *name, const char *buf, size_t len, lesson_program **out, char *err,
    size_t errsz)
{
	parser *p = calloc(1, sizeof *p);
	int rc = -1;

	*out = NULL;
	if (p == NULL) {
		snprintf(err, errsz, "%s: out of memory", name);
		return -1;
	}
	p->name = name;
	p->err = err;
	p->errsz = errsz;
	p->prog = calloc(1, sizeof *p->prog);
	if (p->prog == NULL || (p->prog->name = strdup(name)) == NULL) {
		snprintf(err, errsz, "%s: out of memory", name);
		goto out;
	}
	if (len > LESSON_FILE_MAX) {
		snprintf(err, errsz,
		    "%s: file of %zu bytes is too large for a lesson (at "
		    "most %d)",
		    name, len, LESSON_FILE_MAX);
		goto out;
	}
	size_t pos = 0, ll;
	const char *line;
	p->line = 0;
	while (textfile_line(buf, len, &pos, &line, &ll)) {
		p->line++;
		if (check_bytes(p, line, ll) || parse_line(p, line, ll))
			goto out;
	}
	p->line++;
	if (p->prog->nsteps == 0) {
		p->line = p->line > 1 ? p->line - 1 : 1;
		perr(p, 1, "the lesson has no steps (expected procs, spawn, say, ...)");
		goto out;
	}
	*out = p->prog;
	p->prog = NULL;
	rc = 0;
out:
	lesson_program_free(p->prog);
	free(p);
	return rc;
}
