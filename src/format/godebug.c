/*
 * godebug.c - a Go program's GODEBUG=schedtrace(,scheddetail) lines read as
 * ticks (godebug.h).
 *
 * The reference is Go's runtime/proc.go schedtrace() from Go 1.19 to the
 * development tree: "SCHED Nms: key=value ..." and, with scheddetail, a
 * "  Pn: ...", "  Mn: ..." and "  Gn: ..." line per P, M and goroutine.  What
 * changed over the releases, all accepted: needspinning= (Go 1.21); a missing
 * M, P or G printed as nil instead of -1 (Go 1.22); gcwaiting and sysmonwait
 * printed as true/false instead of 0/1; plain schedtrace's run queue list
 * written "[ 0 1 ]" and followed by schedticks=[ ... ] (after Go 1.23); the
 * P status _Psyscall left unused (development tree: a P whose M's goroutine
 * is in a system call stays _Prunning); goroutine statuses _Gleaked and
 * _Gdeadextra (10, 11) and the _Gscan bit (0x1000).
 *
 * A block is read into one of three buffers (the one being read, the tick
 * last given, and the one before it, which hand-offs are inferred against),
 * and becomes a tick when the next SCHED line or the end comes.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/godebug.h"

#define GD_MAX_P 65536      /* the most Ps a SCHED line may declare */
#define GD_WAIT_MAX 48      /* bytes of a wait reason kept, NUL included */
#define GD_UNKNOWN_MAX 4096 /* bytes of unknown fields kept per block */

/* The format features seen (godebug_format). */
enum {
	GD_F_DETAIL = 1 << 0,     /* scheddetail's P, M, G lines */
	GD_F_NEEDSPIN = 1 << 1,   /* needspinning= (Go 1.21) */
	GD_F_NIL = 1 << 2,        /* a missing id printed nil (Go 1.22) */
	GD_F_MINUS1 = 1 << 3,     /* a missing id printed -1 (before Go 1.22) */
	GD_F_SCHEDTICKS = 1 << 4, /* plain schedtrace's schedticks=[...] */
};

/* One block: the SCHED line and its P, M and G lines, and the tick made of it. */
typedef struct gd_block {
	bool pending;  /* a SCHED line was read, the block is not given yet */
	bool detailed; /* the SCHED line had scheddetail's fields */
	long line;     /* its SCHED line's number among the lines fed */
	uint64_t ms;
	int threads; /* Go's threads= (mcount: m0 counted) */
	unsigned features;
	gs_snapshot snap;
	gs_snap_p *p;
	bool *pseen;
	int pcap, npseen;
	gs_snap_m *m;
	int mcap;
	/* goroutines in Go's order while read; reversed into gl (newest first,
	 * as gs_goroutines lists them) when the block is given */
	gs_snap_ginfo *g, *gl;
	char (*gwait)[GD_WAIT_MAX];
	const char **gwaitp; /* into gwait, in gl's order */
	int *gstat, *gstatl; /* Go's status numbers, read order and gl's order */
	int ng, gcap;
	int gover; /* G lines past TICK_GLIST_MAX: counted, not listed */
	char unknown[GD_UNKNOWN_MAX];
	size_t ulen;
	gs_event *ev;
	int nev, evcap;
	tick_extra extra;
	tick_data tick;
} gd_block;

struct godebug_parser {
	gd_block blk[3];
	gd_block *build, *out, *prev; /* rotate when a block is given */
	bool given;                   /* out holds a tick given (late lines go nowhere) */
	long nfed, nsched, nother;
	int ticks;
	uint64_t handoffs; /* inferred so far (stats.handoffs) */
	unsigned features; /* of the blocks given */
	tick_info info;
	char format[96];
	char cut[160];
	/* godebug_feed_bytes: the line its last chunk cut, and whether it
	 * grew past GODEBUG_LINE_MAX (then only that much is kept) */
	char *part;
	size_t npart;
	bool partlong;
};

/* ---- lines ----------------------------------------------------------------- */

/* A key=value field of a line: the value runs to the next " key=". */
typedef struct gd_kv {
	const char *key, *val;
	size_t klen, vlen;
} gd_kv;

#define GD_KV_MAX 32

static bool
is_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

/* Where the key starting at s[i] ends ('=' at the returned index), or 0. */
static size_t
key_end(const char *s, size_t len, size_t i)
{
	size_t j = i;
	while (j < len && is_key_char(s[j]))
		j++;
	return j > i && j < len && s[j] == '=' ? j : 0;
}

/* Split s[0..len) into key=value fields.  -1 when it does not start with one
 * or has more than max. */
static int
split_fields(const char *s, size_t len, gd_kv *kv, int max)
{
	int n = 0;
	size_t i = 0;

	while (i < len && s[i] == ' ')
		i++;
	if (i >= len || key_end(s, len, i) == 0)
		return -1;
	while (i < len) {
		size_t e = key_end(s, len, i);
		if (n == max)
			return -1;
		kv[n].key = s + i;
		kv[n].klen = e - i;
		size_t v = e + 1, j = v;
		/* the value ends where " key=" begins */
		for (; j < len; j++)
			if (s[j] == ' ' && j + 1 < len && key_end(s, len, j + 1) != 0)
				break;
		kv[n].val = s + v;
		kv[n].vlen = j - v;
		n++;
		i = j < len ? j + 1 : len;
	}
	return n;
}

static bool
key_is(const gd_kv *kv, const char *k)
{
	return kv->klen == strlen(k) && memcmp(kv->key, k, kv->klen) == 0;
}

/* A decimal integer (a leading minus allowed) at s[0..len) whole. */
static bool
parse_int(const char *s, size_t len, int64_t *out)
{
	char buf[32];
	char *end;

	if (len == 0 || len >= sizeof buf)
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (!((buf[0] >= '0' && buf[0] <= '9') || (buf[0] == '-' && len > 1)))
		return false;
	errno = 0;
	long long v = strtoll(buf, &end, 10);
	if (errno != 0 || *end != '\0')
		return false;
	*out = v;
	return true;
}

/* An id: a number, or nil (Go 1.22+) or -1 (before) for none, as -1.  The
 * spelling goes into *features. */
static bool
parse_id(const gd_kv *kv, int64_t *out, unsigned *features)
{
	if (kv->vlen == 3 && memcmp(kv->val, "nil", 3) == 0) {
		*out = -1;
		*features |= GD_F_NIL;
		return true;
	}
	if (!parse_int(kv->val, kv->vlen, out) || *out < -1) {
		*out = -1;
		return false;
	}
	if (*out == -1)
		*features |= GD_F_MINUS1;
	return true;
}

/* true/false (Go's print of a bool) or a number (Go 1.19's uint32 flags). */
static bool
parse_bool(const gd_kv *kv, bool *out)
{
	int64_t v;

	if (kv->vlen == 4 && memcmp(kv->val, "true", 4) == 0)
		*out = true;
	else if (kv->vlen == 5 && memcmp(kv->val, "false", 5) == 0)
		*out = false;
	else if (parse_int(kv->val, kv->vlen, &v) && v >= 0)
		*out = v != 0;
	else
		return false;
	return true;
}

static bool
parse_small(const gd_kv *kv, int lo, int hi, int *out)
{
	int64_t v;
	if (!parse_int(kv->val, kv->vlen, &v) || v < lo || v > hi)
		return false;
	*out = (int)v;
	return true;
}

/* Keep an unknown field as text, "WHERE key=value" on a line of its own. */
static void
keep_unknown(gd_block *b, const char *where, const gd_kv *kv)
{
	int n = snprintf(b->unknown + b->ulen, sizeof b->unknown - b->ulen, "%s%s %.*s=%.*s",
	    b->ulen ? "\n" : "", where, (int)kv->klen, kv->key, (int)kv->vlen, kv->val);
	if (n > 0 && b->ulen + (size_t)n < sizeof b->unknown)
		b->ulen += (size_t)n;
	else
		b->unknown[b->ulen] = '\0'; /* full: the rest is not kept */
}

/* The kinds of line. */
enum { L_OTHER, L_SCHED, L_P, L_M, L_G };

/* What line s is; *id the P, M or G number or the SCHED line's ms, *rest
 * where its fields start. */
static int
classify(const char *s, size_t len, int64_t *id, size_t *rest)
{
	size_t i = 0, d;

	if (len > 6 && memcmp(s, "SCHED ", 6) == 0) {
		for (d = 6; d < len && s[d] >= '0' && s[d] <= '9'; d++)
			;
		/* more than 30 years of milliseconds is no Go program's */
		if (d == 6 || d + 3 > len || memcmp(s + d, "ms:", 3) != 0 ||
		    !parse_int(s + 6, d - 6, id) || *id > INT64_C(1000000000000))
			return L_OTHER;
		*rest = d + 3;
		return L_SCHED;
	}
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i == 0 || i + 1 >= len)
		return L_OTHER;
	int kind = s[i] == 'P' ? L_P : s[i] == 'M' ? L_M : s[i] == 'G' ? L_G : L_OTHER;
	if (kind == L_OTHER)
		return L_OTHER;
	for (d = i + 1; d < len && s[d] >= '0' && s[d] <= '9'; d++)
		;
	if (d == i + 1 || d + 1 >= len || s[d] != ':' || s[d + 1] != ' ' ||
	    !parse_int(s + i + 1, d - i - 1, id))
		return L_OTHER;
	*rest = d + 2;
	return kind;
}

/* ---- blocks ---------------------------------------------------------------- */

static bool
grow(void **arr, int *cap, int need, size_t size)
{
	if (need <= *cap)
		return true;
	int nc = *cap ? *cap : 16;
	while (nc < need)
		nc *= 2;
	void *na = realloc(*arr, (size_t)nc * size);
	if (na == NULL)
		return false;
	*arr = na;
	*cap = nc;
	return true;
}

static bool
regrow(void **arr, int n, size_t size)
{
	void *na = realloc(*arr, (size_t)n * size);
	if (na == NULL)
		return false;
	*arr = na;
	return true;
}

static void
block_free(gd_block *b)
{
	free(b->p);
	free(b->pseen);
	free(b->m);
	free(b->g);
	free(b->gl);
	free(b->gwait);
	free(b->gwaitp);
	free(b->gstat);
	free(b->gstatl);
	free(b->ev);
}

/* The SCHED line's fields, read before the block they start is begun (the
 * line may end the block before it). */
typedef struct gd_sched {
	uint64_t ms;
	gs_stats st;
	int threads;
	bool detailed;
	unsigned features;
	const char *runq; /* plain: the "[...]" list after runqueue's number */
	size_t runqlen;
	const char *ticks; /* plain, after Go 1.23: schedticks' "[...]" */
	size_t tickslen;
	gd_kv unknown[GD_KV_MAX];
	int nunknown;
	int np; /* Ps: gomaxprocs, or plain schedtrace's list's length */
} gd_sched;

/* The numbers of a "[ 1 2 3 ]" or "[1 2 3]" list into out (at most max; out
 * NULL: only counted): how many, or -1 when it is not such a list. */
static int
parse_list(const char *s, size_t len, uint32_t *out, int max)
{
	size_t i = 0;
	int n = 0;

	while (i < len && s[i] == ' ')
		i++;
	if (i >= len || s[i] != '[')
		return -1;
	i++;
	for (;;) {
		while (i < len && s[i] == ' ')
			i++;
		if (i >= len)
			return -1; /* no ']': cut */
		if (s[i] == ']')
			break;
		size_t j = i;
		while (j < len && s[j] >= '0' && s[j] <= '9')
			j++;
		int64_t v;
		if (j == i || !parse_int(s + i, j - i, &v) || v > UINT32_MAX || n == max)
			return -1;
		if (out)
			out[n] = (uint32_t)v;
		n++;
		i = j;
	}
	for (i++; i < len; i++)
		if (s[i] != ' ')
			return -1;
	return n;
}

static int
read_sched(const char *s, size_t len, int64_t ms, gd_sched *o)
{
	gd_kv kv[GD_KV_MAX];
	int n = split_fields(s, len, kv, GD_KV_MAX);
	bool seen_procs = false, seen_runq = false;

	memset(o, 0, sizeof *o);
	if (n < 0)
		return -1;
	o->ms = (uint64_t)ms;
	for (int i = 0; i < n; i++) {
		const gd_kv *k = &kv[i];
		gs_stats *st = &o->st;
		bool ok = true, b = false;
		if (key_is(k, "gomaxprocs"))
			ok = seen_procs = parse_small(k, 1, GD_MAX_P, &st->gomaxprocs);
		else if (key_is(k, "idleprocs"))
			ok = parse_small(k, 0, GD_MAX_P, &st->idle_procs);
		else if (key_is(k, "threads"))
			ok = parse_small(k, 0, INT32_MAX, &o->threads);
		else if (key_is(k, "spinningthreads"))
			ok = parse_small(k, 0, INT32_MAX, &st->spinning_threads);
		else if (key_is(k, "needspinning")) {
			ok = parse_small(k, 0, 1, &st->needspinning);
			o->features |= GD_F_NEEDSPIN;
		} else if (key_is(k, "idlethreads"))
			ok = parse_small(k, 0, INT32_MAX, &st->idle_threads);
		else if (key_is(k, "runqueue")) {
			/* plain: "N [l0 l1 ...]"; detailed: "N" */
			size_t d = 0;
			while (d < k->vlen && k->val[d] != ' ')
				d++;
			gd_kv num = { k->key, k->val, k->klen, d };
			ok = seen_runq = parse_small(&num, 0, INT32_MAX, &st->global_runq);
			o->runq = k->val + d;
			o->runqlen = k->vlen - d;
		} else if (key_is(k, "schedticks")) {
			o->ticks = k->val;
			o->tickslen = k->vlen;
			o->features |= GD_F_SCHEDTICKS;
		} else if (key_is(k, "gcwaiting")) {
			ok = parse_bool(k, &st->gcwaiting);
			o->detailed = true;
		} else if (key_is(k, "nmidlelocked"))
			/* Go 1.19 prints -1 while m0 is still locked to main */
			ok = parse_small(k, -1, INT32_MAX, &st->nmidlelocked);
		else if (key_is(k, "stopwait"))
			ok = parse_small(k, -1, INT32_MAX, &st->stopwait);
		else if (key_is(k, "sysmonwait"))
			ok = parse_bool(k, &b), st->sysmonwait = b;
		else
			ok = false;
		/* a value of a form this parser does not know is kept as
		 * text, as an unknown field is; the line's own figures
		 * (gomaxprocs, runqueue) must be read */
		if (!ok && (key_is(k, "gomaxprocs") || key_is(k, "runqueue")))
			return -1;
		if (!ok && o->nunknown < GD_KV_MAX)
			o->unknown[o->nunknown++] = *k;
	}
	if (!seen_procs || !seen_runq)
		return -1;
	/* plain schedtrace lists each P's queue (and later its schedtick),
	 * one per P of allp, which procresize may have changed a moment before
	 * gomaxprocs: the list says how many Ps there are; detailed has P
	 * lines */
	o->np = o->st.gomaxprocs;
	if (!o->detailed) {
		o->np = parse_list(o->runq, o->runqlen, NULL, GD_MAX_P);
		if (o->np < 1)
			return -1;
		if (o->ticks && parse_list(o->ticks, o->tickslen, NULL, o->np) != o->np)
			return -1;
	}
	o->st.threads = o->threads > 0 ? o->threads - 1 : 0;
	return 0;
}

static void
block_reset(gd_block *b)
{
	b->pending = false;
	b->detailed = false;
	b->npseen = 0;
	b->ng = 0;
	b->gover = 0;
	b->nev = 0;
	b->ulen = 0;
	b->unknown[0] = '\0';
	b->snap.np = 0;
	b->snap.nm = 0;
}

/* Begin the block of a SCHED line.  -1 when out of memory or its list is bad. */
static int
block_begin(godebug_parser *gp, gd_block *b, const gd_sched *o)
{
	int np = o->np;

	block_reset(b);
	if (!grow((void **)&b->p, &b->pcap, np, sizeof *b->p))
		return -1;
	free(b->pseen);
	if ((b->pseen = calloc((size_t)np, sizeof *b->pseen)) == NULL)
		return -1;
	memset(&b->snap, 0, sizeof b->snap);
	b->snap.stats = o->st;
	/* Go lists no global queue's goroutines, only its length (the snapshot's
	 * glob_len is stats.global_runq, with none listed). */
	b->snap.glob_len = (uint32_t)(o->st.global_runq > 0 ? o->st.global_runq : 0);
	b->snap.time_ns = GODEBUG_START_NS + o->ms * 1000000;
	b->snap.np = np;
	b->snap.p = b->p;
	b->snap.max_p = np;
	b->ms = o->ms;
	b->threads = o->threads;
	b->detailed = o->detailed;
	b->features = o->features | (o->detailed ? GD_F_DETAIL : 0);
	b->line = gp->nfed;
	for (int i = 0; i < np; i++) {
		gs_snap_p *p = &b->p[i];
		memset(p, 0, sizeof *p);
		p->id = i;
		p->m = -1;
		/* plain schedtrace: which Ps are idle is not said */
		p->status = o->detailed ? GS_PSTATE_IDLE : -1;
	}
	if (!o->detailed) {
		/* read_sched checked both lists */
		uint32_t *v = malloc((size_t)np * sizeof *v);
		if (v == NULL)
			return -1;
		parse_list(o->runq, o->runqlen, v, np);
		for (int i = 0; i < np; i++)
			b->p[i].runq_len = v[i];
		if (o->ticks != NULL) {
			parse_list(o->ticks, o->tickslen, v, np);
			for (int i = 0; i < np; i++)
				b->p[i].schedtick = v[i];
		}
		free(v);
	}
	for (int i = 0; i < o->nunknown; i++)
		keep_unknown(b, "SCHED", &o->unknown[i]);
	b->pending = true;
	return 0;
}

static int
read_p(gd_block *b, int64_t id, const char *s, size_t len)
{
	gd_kv kv[GD_KV_MAX];
	int n = split_fields(s, len, kv, GD_KV_MAX);
	char where[32];

	if (n < 0 || id < 0 || id >= b->snap.np || b->pseen[id])
		return -1;
	gs_snap_p *p = &b->p[id];
	snprintf(where, sizeof where, "P%d", (int)id);
	bool status = false;
	for (int i = 0; i < n; i++) {
		const gd_kv *k = &kv[i];
		int v = 0;
		bool ok = true;
		if (key_is(k, "status")) {
			/* Go's _Pidle.._Pdead are gsched's numbers */
			ok = status = parse_small(k, 0, GS_PSTATE_DEAD, &p->status);
		} else if (key_is(k, "schedtick"))
			ok = parse_small(k, 0, INT32_MAX, &v), p->schedtick = (uint32_t)v;
		else if (key_is(k, "syscalltick"))
			ok = parse_small(k, 0, INT32_MAX, &v), p->syscalltick = (uint32_t)v;
		else if (key_is(k, "m"))
			ok = parse_id(k, &p->m, &b->features);
		else if (key_is(k, "runqsize"))
			ok = parse_small(k, 0, INT32_MAX, &v), p->runq_len = (uint32_t)v;
		else if (key_is(k, "gfreecnt"))
			ok = parse_small(k, 0, INT32_MAX, &p->gfreecnt);
		else if (key_is(k, "timerslen"))
			ok = parse_small(k, 0, INT32_MAX, &p->timers);
		else
			ok = false;
		if (!ok && key_is(k, "status"))
			return -1;
		if (!ok)
			keep_unknown(b, where, k);
	}
	if (!status)
		return -1;
	b->pseen[id] = true;
	b->npseen++;
	return 0;
}

static int
read_m(gd_block *b, int64_t id, const char *s, size_t len)
{
	gd_kv kv[GD_KV_MAX];
	int n = split_fields(s, len, kv, GD_KV_MAX);
	char where[32];
	gs_snap_m m = { .id = id, .p = -1 };
	bool havep = false, blocked = false;

	if (n < 0)
		return -1;
	snprintf(where, sizeof where, "M%lld", (long long)id);
	for (int i = 0; i < n; i++) {
		const gd_kv *k = &kv[i];
		int64_t v = -1;
		bool ok = true;
		if (key_is(k, "p")) {
			ok = havep = parse_id(k, &v, &b->features) && v < GD_MAX_P;
			m.p = (int)v;
		} else if (key_is(k, "curg")) {
			ok = parse_id(k, &v, &b->features);
			m.curg = v > 0 ? v : 0;
		} else if (key_is(k, "lockedg")) {
			ok = parse_id(k, &v, &b->features);
			m.lockedg = v > 0 ? v : 0;
		} else if (key_is(k, "spinning"))
			ok = parse_bool(k, &m.spinning);
		else if (key_is(k, "blocked"))
			ok = parse_bool(k, &blocked);
		else if (key_is(k, "mallocing") || key_is(k, "throwing") ||
		    key_is(k, "preemptoff") || key_is(k, "locks") || key_is(k, "dying"))
			; /* Go's internals, no counterpart in the view */
		else
			ok = false;
		if (!ok && key_is(k, "p"))
			return -1;
		if (!ok)
			keep_unknown(b, where, k);
	}
	if (!havep)
		return -1;
	/* the state is settled when the goroutines are known (block_give);
	 * until then it holds Go's blocked */
	m.state = blocked ? GS_MSTATE_IDLE : GS_MSTATE_SCHED;
	if (b->snap.nm >= GODEBUG_MAX_M)
		return 0; /* past the capacity: counted in nm_total only */
	if (!grow((void **)&b->m, &b->mcap, b->snap.nm + 1, sizeof *b->m))
		return -1;
	b->m[b->snap.nm++] = m;
	return 0;
}

/* Go's goroutine status (the _Gscan bit cleared) as gsched's. */
static int
map_gstatus(int go, int *reason)
{
	switch (go & ~0x1000) {
	case 0: /* _Gidle */
		return GS_G_IDLE;
	case 1:
	case 7: /* _Genqueue_unused */
		return GS_G_RUNNABLE;
	case 2:
	case 8: /* _Gcopystack: growing its stack, on its own M */
		return GS_G_RUNNING;
	case 3:
		return GS_G_SYSCALL;
	case 9: /* _Gpreempted: stopped for a suspendG */
		*reason = GS_WAIT_PREEMPTED;
		return GS_G_WAITING;
	case 4:
	case 10: /* _Gleaked: blocked for ever, found by the GC */
		return GS_G_WAITING;
	case 5:  /* _Gmoribund_unused */
	case 6:  /* _Gdead */
	case 11: /* _Gdeadextra: dead, kept for an extra M */
		return GS_G_DEAD;
	default:
		return -1;
	}
}

/* Go's wait reason text as a gs_waitreason (gsched names its reasons with
 * Go's strings), or GS_WAIT_NONE when gsched has no such reason. */
static int
map_waitreason(const char *text)
{
	for (int r = 1; r < GS_WAIT_NREASONS; r++)
		if (strcmp(gs_waitreason_name(r), text) == 0)
			return r;
	return GS_WAIT_NONE;
}

static int
read_g(gd_block *b, int64_t id, const char *s, size_t len)
{
	gd_kv kv[GD_KV_MAX];
	int n = split_fields(s, len, kv, GD_KV_MAX);
	char where[32];
	gs_snap_ginfo g = { .id = id, .m = -1, .lastp = -1 };
	char wait[GD_WAIT_MAX] = "";
	int go = -1;

	if (n < 0 || id <= 0)
		return -1;
	snprintf(where, sizeof where, "G%lld", (long long)id);
	for (int i = 0; i < n; i++) {
		const gd_kv *k = &kv[i];
		int64_t v = -1;
		bool ok = true;
		if (key_is(k, "status")) {
			/* "N(wait reason)", the reason "" when it has none */
			size_t d = 0;
			while (d < k->vlen && k->val[d] != '(')
				d++;
			ok = d < k->vlen && k->val[k->vlen - 1] == ')' &&
			    parse_int(k->val, d, &v) && v >= 0 && v <= 0xffff;
			if (ok) {
				go = (int)v;
				size_t wl = k->vlen - d - 2;
				snprintf(wait, sizeof wait, "%.*s", (int)wl, k->val + d + 1);
			}
		} else if (key_is(k, "m"))
			ok = parse_id(k, &g.m, &b->features);
		else if (key_is(k, "lockedm")) {
			/* gsched's 0 is none: Go's m0 wired to main is not shown */
			ok = parse_id(k, &v, &b->features);
			g.lockedm = v > 0 ? v : 0;
		} else
			ok = false;
		if (!ok && key_is(k, "status"))
			return -1;
		if (!ok)
			keep_unknown(b, where, k);
	}
	if (go < 0)
		return -1;
	int reason = GS_WAIT_NONE;
	g.status = map_gstatus(go, &reason);
	if (g.status < 0) {
		/* a status this parser does not know: kept as Go printed it */
		gd_kv k = { "status", kv[0].val, 6, kv[0].vlen };
		keep_unknown(b, where, &k);
		g.status = GS_G_WAITING;
	}
	if (g.status == GS_G_WAITING && reason == GS_WAIT_NONE)
		reason = map_waitreason(wait);
	g.waitreason = g.status == GS_G_WAITING ? reason : GS_WAIT_NONE;
	if (b->ng >= TICK_GLIST_MAX) {
		b->gover++;
		return 0;
	}
	if (b->ng == b->gcap) {
		/* every per-goroutine array has gcap entries */
		int nc = b->gcap ? b->gcap * 2 : 64;
		if (!regrow((void **)&b->g, nc, sizeof *b->g) ||
		    !regrow((void **)&b->gl, nc, sizeof *b->gl) ||
		    !regrow((void **)&b->gwait, nc, sizeof *b->gwait) ||
		    !regrow((void **)&b->gwaitp, nc, sizeof *b->gwaitp) ||
		    !regrow((void **)&b->gstat, nc, sizeof *b->gstat) ||
		    !regrow((void **)&b->gstatl, nc, sizeof *b->gstatl))
			return -1;
		b->gcap = nc;
	}
	b->g[b->ng] = g;
	memcpy(b->gwait[b->ng], wait, sizeof wait);
	b->gstat[b->ng] = go;
	b->ng++;
	return 0;
}

/* ---- giving a block -------------------------------------------------------- */

typedef struct gd_gidx {
	int64_t id;
	int status;
} gd_gidx;

static int
gidx_cmp(const void *a, const void *b)
{
	const gd_gidx *x = a, *y = b;
	return (x->id > y->id) - (x->id < y->id);
}

static int
g_status_of(const gd_gidx *ix, int n, int64_t id)
{
	gd_gidx key = { id, 0 };
	const gd_gidx *f =
	    id > 0 && n > 0 ? bsearch(&key, ix, (size_t)n, sizeof *ix, gidx_cmp) : NULL;
	return f ? f->status : -1;
}

static const gs_snap_m *
find_m(const gs_snapshot *s, int64_t id)
{
	for (int i = 0; i < s->nm; i++)
		if (s->m[i].id == id)
			return &s->m[i];
	return NULL;
}

/* The hand-offs two successive detailed ticks prove: P i was held by M a
 * and is now held by M b (or idle on the list, b -1) while M a sits in a
 * system call without it.  An M loses its P in a system call only to Go's
 * sysmon (retake, then handoffp) or to entersyscallblock's handoff; when it
 * happened between the two ticks is not known. */
static int
infer_handoffs(gd_block *b, const gd_block *prev)
{
	const gs_snapshot *s = &b->snap, *ps = &prev->snap;

	if (!prev->detailed || !b->detailed)
		return 0;
	for (int i = 0; i < s->np && i < ps->np; i++) {
		int64_t a = ps->p[i].m, to = s->p[i].m;
		if (a < 0 || a == to)
			continue;
		/* a P in _Psyscall (before Go 1.24) still belongs to its M */
		if (s->p[i].status == GS_PSTATE_SYSCALL ||
		    (to < 0 && s->p[i].status != GS_PSTATE_IDLE))
			continue;
		const gs_snap_m *now = find_m(s, a);
		if (now == NULL || now->p == i || now->curg == 0 || now->state != GS_MSTATE_SYSCALL)
			continue;
		if (!grow((void **)&b->ev, &b->evcap, b->nev + 1, sizeof *b->ev))
			return -1;
		gs_event *e = &b->ev[b->nev++];
		memset(e, 0, sizeof *e);
		e->time_ns = s->time_ns;
		e->kind = GS_EV_HANDOFF;
		e->p = (int16_t)i;
		e->p2 = -1;
		e->m = a;
		e->m2 = to;
		e->g = now->curg;
	}
	return 0;
}

static const char *
format_name(unsigned f)
{
	bool d = f & GD_F_DETAIL;
	if (f & GD_F_SCHEDTICKS)
		return "Go newer than 1.23 schedtrace (schedticks=), totals only";
	if (d && (f & GD_F_NIL))
		return f & GD_F_NEEDSPIN
		    ? "Go 1.22+ schedtrace with scheddetail"
		    : "Go schedtrace with scheddetail (nil ids, no needspinning)";
	if (f & GD_F_NEEDSPIN)
		return d ? "Go 1.21 schedtrace with scheddetail"
			 : "Go 1.21+ schedtrace, totals only";
	return d ? "Go 1.19-1.20 schedtrace with scheddetail"
		 : "Go 1.19-1.20 schedtrace, totals only";
}

/* Make the tick of b, whose lines are all read: the Ms' states, the
 * goroutines in gl's order, the totals, the inferred events. */
static int
block_give(godebug_parser *gp, gd_block *b)
{
	gs_snapshot *s = &b->snap;
	gs_stats *st = &s->stats;
	gd_gidx *ix = NULL;
	unsigned lacks =
	    TICK_LACKS_STEALS | TICK_LACKS_EVENTS | TICK_LACKS_ACCOUNTING | TICK_EVENTS_INFERRED;

	s->m = b->m;
	s->nm_total = b->threads;
	s->max_m = GODEBUG_MAX_M;
	if (!b->detailed)
		lacks |= TICK_LACKS_MS | TICK_LACKS_GOROUTINES | TICK_LACKS_PSTATUS;
	if (b->ng > 0 && (ix = malloc((size_t)b->ng * sizeof *ix)) == NULL)
		return -1;
	for (int i = 0; i < b->ng; i++)
		ix[i] = (gd_gidx){ b->g[i].id, b->g[i].status };
	if (ix)
		qsort(ix, (size_t)b->ng, sizeof *ix, gidx_cmp);
	/* M states from Go's fields: p, curg and its status, spinning,
	 * blocked (asleep on its note) */
	for (int i = 0; i < s->nm; i++) {
		gs_snap_m *m = &s->m[i];
		int gs = g_status_of(ix, b->ng, m->curg);
		if (m->spinning)
			m->state = GS_MSTATE_SPINNING;
		else if (gs == GS_G_SYSCALL)
			m->state = GS_MSTATE_SYSCALL;
		else if (m->p >= 0 && m->state == GS_MSTATE_IDLE)
			/* asleep holding a P: the M stopping the world waits
			 * for the others (stopTheWorld's stopnote) */
			m->state = GS_MSTATE_SCHED;
		else if (m->p >= 0)
			m->state = m->curg > 0 ? GS_MSTATE_RUNNING : GS_MSTATE_SCHED;
		else if (m->state != GS_MSTATE_IDLE && m->curg > 0 && gs != GS_G_RUNNING)
			m->state = GS_MSTATE_IDLE; /* a locked M waiting for its goroutine */
		/* else: blocked (idle), or without a P nor a goroutine and
		 * awake: in the scheduler, the netpoller or sysmon (Go does not
		 * say which); kept as read */
	}
	for (int i = 0; i < s->np && b->detailed; i++) {
		gs_snap_p *p = &s->p[i];
		const gs_snap_m *m = p->m >= 0 ? find_m(s, p->m) : NULL;
		if (m == NULL || m->curg <= 0)
			continue;
		p->curg.id = m->curg;
		p->curg_status = g_status_of(ix, b->ng, m->curg);
		if (p->curg_status < 0)
			p->curg_status = GS_G_RUNNING;
		/* after Go 1.23 a P stays _Prunning under an M in a system call */
		if (p->status == GS_PSTATE_RUNNING && p->curg_status == GS_G_SYSCALL)
			p->status = GS_PSTATE_SYSCALL;
	}
	free(ix);
	/* totals by state, the list newest first */
	st->goroutines = 0;
	st->in_syscall = 0;
	memset(st->by_status, 0, sizeof st->by_status);
	memset(st->by_waitreason, 0, sizeof st->by_waitreason);
	for (int i = 0; i < b->ng; i++) {
		const gs_snap_ginfo *g = &b->g[i];
		int j = b->ng - 1 - i;
		b->gl[j] = *g;
		b->gwaitp[j] = b->gwait[i];
		b->gstatl[j] = b->gstat[i];
		st->by_status[g->status]++;
		if (g->status != GS_G_DEAD && g->status != GS_G_IDLE)
			st->goroutines++;
		if (g->status == GS_G_WAITING)
			st->by_waitreason[g->waitreason]++;
		if (g->status == GS_G_SYSCALL)
			st->in_syscall++;
	}
	b->nev = 0;
	if (infer_handoffs(b, gp->out) != 0)
		return -1;
	for (int i = 0; i < b->nev; i++)
		gp->handoffs += b->ev[i].kind == GS_EV_HANDOFF;
	st->handoffs = gp->handoffs;

	b->extra = (tick_extra){ b->unknown, b->gwaitp, b->gstatl };
	b->tick = (tick_data){ gp->ticks, s, b->ev, b->nev, 0, b->detailed ? b->gl : NULL,
		b->detailed ? b->ng : 0, b->detailed ? b->ng + b->gover : 0, &b->extra };
	gp->ticks++;
	gp->features = b->features;
	snprintf(gp->format, sizeof gp->format, "%s", format_name(b->features));
	tick_info *in = &gp->info;
	if (in->ticks == 0) {
		in->start_ns = GODEBUG_START_NS;
		in->procs = st->gomaxprocs;
	}
	in->ticks = gp->ticks;
	in->max_m = GODEBUG_MAX_M;
	in->lacks = lacks;
	snprintf(in->created_by, sizeof in->created_by, "%.63s", gp->format);
	b->pending = false;
	/* rotate: the tick given becomes the one inferred against */
	gd_block *old = gp->prev;
	gp->prev = gp->out;
	gp->out = b;
	gp->build = old;
	gp->given = true;
	return 0;
}

/* The pending block: given (GODEBUG_TICK), or, when it is not whole, kept
 * for more lines (a pause) or dropped (the end: GODEBUG_NONE, gp->cut says
 * why). */
static int
complete(godebug_parser *gp, bool end)
{
	gd_block *b = gp->build;

	if (!b->pending)
		return GODEBUG_NONE;
	/* Go lists every G ever made, main's G1 at least: without a G line the
	 * M lines may still be coming */
	if (!end && b->detailed && (b->npseen < b->snap.np || b->ng == 0))
		return GODEBUG_NONE;
	if (b->detailed && b->npseen < b->snap.np) {
		snprintf(gp->cut, sizeof gp->cut, "SCHED %llums (line %ld): %d of %d P lines",
		    (unsigned long long)b->ms, b->line, b->npseen, b->snap.np);
	} else if (b->detailed && b->ng == 0) {
		snprintf(gp->cut, sizeof gp->cut,
		    "SCHED %llums (line %ld): %d of %d M lines and no G line",
		    (unsigned long long)b->ms, b->line, b->snap.nm, b->threads);
	} else if (block_give(gp, b) == 0) {
		return GODEBUG_TICK;
	} else {
		snprintf(gp->cut, sizeof gp->cut, "SCHED %llums (line %ld): out of memory",
		    (unsigned long long)b->ms, b->line);
	}
	block_reset(b);
	return GODEBUG_NONE;
}

/* ---- the parser ------------------------------------------------------------ */

godebug_parser *
godebug_new(void)
{
	godebug_parser *gp = calloc(1, sizeof *gp);

	if (gp == NULL)
		return NULL;
	gp->build = &gp->blk[0];
	gp->out = &gp->blk[1];
	gp->prev = &gp->blk[2];
	return gp;
}

void
godebug_free(godebug_parser *gp)
{
	if (gp == NULL)
		return;
	for (int i = 0; i < 3; i++)
		block_free(&gp->blk[i]);
	free(gp->part);
	free(gp);
}

int
godebug_feed(godebug_parser *gp, const char *line, size_t len)
{
	int64_t id;
	size_t rest;

	gp->nfed++;
	gp->cut[0] = '\0';
	if (len > 0 && line[len - 1] == '\r')
		len--;
	int kind = len <= GODEBUG_LINE_MAX ? classify(line, len, &id, &rest) : L_OTHER;
	if (kind == L_SCHED) {
		gd_sched o;
		if (read_sched(line + rest, len - rest, id, &o) != 0) {
			gp->nother++;
			return GODEBUG_OTHER;
		}
		int r = complete(gp, true) == GODEBUG_TICK ? GODEBUG_TICK : GODEBUG_SCHED;
		gp->nsched++;
		if (block_begin(gp, gp->build, &o) != 0) {
			block_reset(gp->build);
			snprintf(gp->cut, sizeof gp->cut, "SCHED %lldms (line %ld): out of memory",
			    (long long)id, gp->nfed);
		}
		return r;
	}
	gd_block *b = gp->build;
	if (kind != L_OTHER && !b->pending && gp->given) {
		/* a line of the block already given (after a pause) */
		gp->nsched++;
		return GODEBUG_SCHED;
	}
	int bad = kind == L_OTHER || !b->pending || !b->detailed;
	if (!bad) {
		const char *s = line + rest;
		size_t n = len - rest;
		bad = kind == L_P ? read_p(b, id, s, n)
		    : kind == L_M ? read_m(b, id, s, n)
				  : read_g(b, id, s, n);
	}
	if (bad) {
		gp->nother++;
		return GODEBUG_OTHER;
	}
	gp->nsched++;
	return GODEBUG_SCHED;
}

int
godebug_finish(godebug_parser *gp)
{
	gp->cut[0] = '\0';
	return complete(gp, true);
}

int
godebug_pause(godebug_parser *gp)
{
	gp->cut[0] = '\0';
	/* a pause inside a line: the block is still being written */
	if (gp->npart > 0)
		return GODEBUG_NONE;
	return complete(gp, false);
}

/* Feed the line held in part (len bytes, or more when it grew too long). */
static void
feed_part(godebug_parser *gp, godebug_line_fn fn, void *ctx)
{
	size_t len = gp->partlong ? GODEBUG_LINE_MAX + 1 : gp->npart;
	int r = godebug_feed(gp, gp->part, len);
	gp->npart = 0;
	gp->partlong = false;
	if (fn)
		fn(ctx, r, gp->part, len);
}

int
godebug_feed_bytes(godebug_parser *gp, const char *buf, size_t n, godebug_line_fn fn, void *ctx)
{
	if (gp->part == NULL && (gp->part = malloc(GODEBUG_LINE_MAX + 1)) == NULL)
		return -1;
	for (size_t i = 0; i < n;) {
		const char *nl = memchr(buf + i, '\n', n - i);
		size_t end = nl ? (size_t)(nl - buf) : n;
		size_t room = GODEBUG_LINE_MAX + 1 - gp->npart, take = end - i;
		if (take > room) {
			take = room;
			gp->partlong = true;
		}
		memcpy(gp->part + gp->npart, buf + i, take);
		gp->npart += take;
		if (nl == NULL)
			break;
		feed_part(gp, fn, ctx);
		i = end + 1;
	}
	return 0;
}

int
godebug_end_bytes(godebug_parser *gp, godebug_line_fn fn, void *ctx)
{
	if (gp->npart > 0)
		feed_part(gp, fn, ctx);
	return godebug_finish(gp);
}

const char *
godebug_cut(const godebug_parser *gp)
{
	return gp->cut;
}

const tick_info *
godebug_info(const godebug_parser *gp)
{
	return &gp->info;
}

const tick_data *
godebug_tick(const godebug_parser *gp)
{
	return gp->given ? &gp->out->tick : NULL;
}

const char *
godebug_format(const godebug_parser *gp)
{
	return gp->format;
}

unsigned
godebug_lacks(const godebug_parser *gp)
{
	return gp->info.lacks;
}

long
godebug_sched_lines(const godebug_parser *gp)
{
	return gp->nsched;
}

long
godebug_other_lines(const godebug_parser *gp)
{
	return gp->nother;
}

/* ---- a saved log ----------------------------------------------------------- */

struct godebug_reader {
	FILE *f;
	char *path;
	godebug_parser *gp;
	long line; /* number of the line last read */
	char *buf;
	size_t cap;
	bool at_end;     /* the input is read (and the parser finished) */
	bool lastcut;    /* the last line had no newline */
	char later[600]; /* an error to give at the next call (after a tick) */
	char err[600];
};

static int gerr(godebug_reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
gerr(godebug_reader *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tick_file_error(r->err, sizeof r->err, r->path, r->line, fmt, ap);
	va_end(ap);
	return -1;
}

/* Read one line into r->buf (a longer one than GODEBUG_LINE_MAX is kept to
 * GODEBUG_LINE_MAX + 1 bytes, which the parser takes for the program's own):
 * 1, 0 at the end (nothing read), -1 on an error. */
static int
read_line(godebug_reader *r, size_t *len)
{
	size_t n = 0;
	int c;

	if (r->cap == 0) {
		if ((r->buf = malloc(GODEBUG_LINE_MAX + 2)) == NULL)
			return gerr(r, "out of memory");
		r->cap = GODEBUG_LINE_MAX + 2;
	}
	while ((c = getc(r->f)) != EOF && c != '\n')
		if (n <= GODEBUG_LINE_MAX)
			r->buf[n++] = (char)c;
	if (ferror(r->f)) {
		r->line++;
		return gerr(r, "read error: %s", strerror(errno));
	}
	if (c == EOF && n == 0)
		return 0;
	r->line++;
	r->lastcut = c == EOF;
	*len = n;
	return 1;
}

godebug_reader *
godebug_open(const char *path, char *err, size_t errsize)
{
	godebug_reader *r = calloc(1, sizeof *r);

	if (r == NULL || (r->path = strdup(path)) == NULL || (r->gp = godebug_new()) == NULL) {
		snprintf(err, errsize, "out of memory");
		godebug_close(r);
		return NULL;
	}
	r->f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	if (r->f == NULL) {
		snprintf(err, errsize, "cannot open '%s': %s", path, strerror(errno));
		godebug_close(r);
		return NULL;
	}
	return r;
}

int
godebug_next(godebug_reader *r, tick_data *t)
{
	size_t len = 0;

	if (r->later[0]) {
		snprintf(r->err, sizeof r->err, "%s", r->later);
		r->later[0] = '\0';
		r->at_end = true;
		return -1;
	}
	bool got = false;
	while (!r->at_end && !got) {
		int n = read_line(r, &len);
		if (n < 0) {
			r->at_end = true;
			return -1;
		}
		if (n == 0) {
			r->at_end = true;
			if (r->gp->nsched == 0)
				return gerr(r,
				    "no SCHED line in %ld lines: not the output of a Go program "
				    "run "
				    "with GODEBUG=schedtrace=MS",
				    r->line);
			if (godebug_finish(r->gp) == GODEBUG_TICK) {
				got = true;
				break;
			}
			if (r->gp->cut[0])
				return gerr(r, "the log ends inside a block: %s", r->gp->cut);
			return 0;
		}
		int res = godebug_feed(r->gp, r->buf, len);
		if (r->lastcut && (res != GODEBUG_OTHER || r->gp->build->pending)) {
			/* Go writes whole lines: a trace line without its
			 * newline was cut; the block before it may be whole */
			gerr(r, "the last line has no newline: the log was cut inside a block");
			if (res != GODEBUG_TICK)
				return -1;
			snprintf(r->later, sizeof r->later, "%s", r->err);
			got = true;
			break;
		}
		if (r->gp->cut[0]) {
			r->at_end = true;
			return gerr(r, "a block cut short: %s", r->gp->cut);
		}
		got = res == GODEBUG_TICK;
	}
	if (!got)
		return 0;
	*t = *godebug_tick(r->gp);
	return 1;
}

const tick_info *
godebug_reader_info(const godebug_reader *r)
{
	return godebug_info(r->gp);
}

const godebug_parser *
godebug_reader_parser(const godebug_reader *r)
{
	return r->gp;
}

const char *
godebug_error(const godebug_reader *r)
{
	return r->err;
}

void
godebug_close(godebug_reader *r)
{
	if (r == NULL)
		return;
	if (r->f && r->f != stdin)
		fclose(r->f);
	godebug_free(r->gp);
	free(r->buf);
	free(r->path);
	free(r);
}

int
godebug_replay(const char *path, const tick_sink *sinks, int nsinks)
{
	char err[600];
	godebug_reader *r = godebug_open(path, err, sizeof err);
	tick_data t;
	tick_end end = { 0, 0, 0 };
	int rc, ticks = 0;

	if (r == NULL) {
		fprintf(stderr, "gsched: %s\n", err);
		return 2;
	}
	/* the info is known with the first tick (the format recognised) */
	while (tick_stop_signal() == 0 && (rc = godebug_next(r, &t)) > 0) {
		if (ticks++ == 0 &&
		    (rc = tick_sinks_begin(sinks, nsinks, godebug_reader_info(r))) != 0)
			goto out;
		end.ticks++;
		end.events += (uint64_t)t.nev;
		rc = tick_sinks_tick(sinks, nsinks, godebug_reader_info(r), &t);
		if (rc == TICK_SINK_DONE) {
			rc = 0;
			break;
		}
		if (rc != 0)
			goto out; /* a sink failed and has said why */
	}
	if (rc < 0)
		fprintf(stderr, "gsched: %s\n", r->err);
	if (rc < 0 && ticks > 0)
		fprintf(stderr, "gsched: the %d whole ticks before it were read\n", ticks);
	if (ticks > 0) {
		int e = tick_sinks_end(sinks, nsinks, godebug_reader_info(r), &end);
		rc = e != 0 ? e : rc < 0 ? 2 : 0;
	} else {
		rc = rc < 0 ? 2 : 0;
	}
out:
	godebug_close(r);
	return rc;
}
