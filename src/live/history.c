/*
 * history.c - a bounded history of ticks for the rewind (history.h).
 *
 * Storage.  Ticks are encoded one after another into chunks: large blocks
 * (budget / 64, between 4 KiB and 1 MiB, less malloc's header; a tick bigger
 * than that gets a chunk of its own size) held in a ring, oldest first.  Inside a chunk, records grow
 * from the start of data[] and their offsets (uint32) grow down from its end,
 * so the chunk is its own index: tick number first + i is record i.  When a
 * tick does not fit the newest chunk and the budget is full, the oldest chunk
 * is evicted with all its ticks and, being the same size, reused as the new
 * one, so a steady run allocates nothing after the budget fills.
 *
 * Encoding.  A record is self-contained (decoding one tick never reads
 * another, so evicting a chunk cannot break a survivor), made of LEB128
 * varints: unsigned fields as they are, signed ones zigzagged, so the ids,
 * counts and -1s of a snapshot take one or two bytes instead of four or eight.
 * Where values are close to a neighbour they are stored as differences
 * (modulo 2^64, so any value round-trips): a run-queue goroutine's id against
 * the previous one in the queue, an M's id and creation time against the
 * previous M's, an event's time against the previous event's (the first
 * against the snapshot's time).  Goroutine and event labels go through a
 * 16-entry table per record: a label (with its goroutine's tag) seen before
 * in the record is one byte, a new one is its length, bytes and tag.  The extras (caption, note) are stored
 * once per chunk while they stay the same: a repeat is a back-reference to
 * the bytes of the earlier tick in the same chunk.
 *
 *   record = u time_ns, u take_ns, u dropped, s nm_total, u np, u nm, u nev,
 *            u os_threads,
 *            stats (fields_stats, by_status[], by_waitreason[]),
 *            np x P (fields_p, fields_p_acct, g curg, g runnext, u listed,
 *                    listed x g),
 *            u glob_len, u glob_head, u glob_tail, (head + tail) x g,
 *            nm x M (s id-prev, s state, s p, s curg, byte spinning,
 *                    s created_ns-prev, fields_m_acct),
 *            nev x event (s time-prev, u kind, s p, s p2, s m, s m2, s g,
 *                         s arg, label),
 *            blob caption, blob note
 *   g      = s id-prev, label (with the tag)
 *   label  = u k (k < 16: the k-th label of the table) or u 16+len, bytes,
 *            byte tag (0 for an event's)
 *   blob   = u 0 (none) | u 1, u len, bytes, 0 | u 2, u offset, u len
 *
 * The plain fields of the stats and of a P are walked from format/fields.h,
 * the tables the recording walks too; an M's few fields are written out here
 * to store ids and times as differences.  tests/check_history checks every
 * rebuilt tick against the JSON the recording writer makes of the original,
 * so an M field added to fields.h and not here fails that test.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/fields.h"
#include "format/varint.h"
#include "live/history.h"

/* ---- the fields of a snapshot ------------------------------------------------ */

/* ---- storage ----------------------------------------------------------------- */

/* Where the newest literal copy of an extra sits in a chunk, so a tick with
 * the same bytes can point at it. */
struct blobref {
	uint32_t off, len;
	bool set;
};

struct chunk {
	size_t size;   /* bytes allocated for it, this header included */
	uint32_t dcap; /* bytes of data[] */
	uint32_t used; /* record bytes at the start of data[] */
	uint32_t n;    /* ticks held; their offsets are the last 4n bytes of data[] */
	int64_t first; /* tick number of record 0 */
	struct blobref caption, note;
	unsigned char data[];
};

struct history {
	size_t budget;
	size_t bytes;        /* allocated now: this struct, ring[] and the chunks */
	size_t payload;      /* records and their offsets, in all chunks */
	size_t chunk_size;   /* of an ordinary chunk */
	size_t fixed;        /* this struct and ring[] */
	struct chunk **ring; /* ring_cap slots; nchunks from head, oldest first */
	int ring_cap, head, nchunks;
	int64_t next; /* the number the next tick must carry; -1: any */
};

#define LABEL_TABLE 16

/* The labels a record has used so far; encoder and decoder build the same. */
struct labels {
	char s[LABEL_TABLE][GS_LABEL_MAX];
	unsigned char len[LABEL_TABLE];
	char tag[LABEL_TABLE];
	int n, next;
};

/* ---- writing ----------------------------------------------------------------- */

/* Encodes into p[base..base+cap); past cap it only counts, so one pass both
 * tries a chunk and learns how much room the record needs.  p NULL: count. */
struct wbuf {
	unsigned char *p;
	size_t base, cap;
	size_t n; /* bytes the record needs so far */
};

static void
put_byte(struct wbuf *w, unsigned c)
{
	if (w->n < w->cap)
		w->p[w->base + w->n] = (unsigned char)c;
	w->n++;
}

static void
put_bytes(struct wbuf *w, const void *b, size_t len)
{
	if (w->n + len <= w->cap && len)
		memcpy(w->p + w->base + w->n, b, len);
	w->n += len;
}

static void
put_u(struct wbuf *w, uint64_t v)
{
	unsigned char b[VARINT_MAX];

	put_bytes(w, b, varint_encode(b, v));
}

static void
put_s(struct wbuf *w, int64_t v)
{
	put_u(w, varint_zigzag(v));
}

/* The difference b - a modulo 2^64, as a signed value: small when b is near a. */
static int64_t
diff(uint64_t a, uint64_t b)
{
	return (int64_t)(b - a);
}

static void
put_fields(struct wbuf *w, const void *base, const fields_field *fl, int n)
{
	for (int i = 0; i < n; i++)
		put_u(w, fields_varint(base, NULL, &fl[i]));
}

/* A label is at most GS_LABEL_MAX - 1 bytes: one without its NUL in the
 * array keeps its first GS_LABEL_MAX - 1. */
static void
put_label(struct wbuf *w, struct labels *lt, const char *label, char tag)
{
	size_t len = strnlen(label, GS_LABEL_MAX - 1);

	for (int i = 0; i < lt->n; i++)
		if (lt->len[i] == len && lt->tag[i] == tag && memcmp(lt->s[i], label, len) == 0) {
			put_u(w, (uint64_t)i);
			return;
		}
	put_u(w, LABEL_TABLE + len);
	put_bytes(w, label, len);
	put_byte(w, (unsigned char)tag);
	memcpy(lt->s[lt->next], label, len);
	lt->len[lt->next] = (unsigned char)len;
	lt->tag[lt->next] = tag;
	lt->next = (lt->next + 1) % LABEL_TABLE;
	if (lt->n < LABEL_TABLE)
		lt->n++;
}

static void
put_g(struct wbuf *w, struct labels *lt, const gs_snap_g *g, int64_t *prev)
{
	put_s(w, diff((uint64_t)*prev, (uint64_t)g->id));
	*prev = g->id;
	put_label(w, lt, g->label, g->tag);
}

/* present false: none.  ref: the chunk's newest literal, updated here. */
static void
put_blob(struct wbuf *w, bool present, const void *b, size_t len, struct blobref *ref)
{
	if (!present) {
		put_u(w, 0);
		return;
	}
	if (ref->set && ref->len == len && w->p &&
	    (len == 0 || memcmp(w->p + ref->off, b, len) == 0)) {
		put_u(w, 2);
		put_u(w, ref->off);
		put_u(w, len);
		return;
	}
	put_u(w, 1);
	put_u(w, len);
	ref->off = (uint32_t)(w->base + w->n);
	ref->len = (uint32_t)len;
	ref->set = true;
	put_bytes(w, b, len);
	put_byte(w, 0); /* so a caption comes back as a C string in place */
}

static void
encode(struct wbuf *w, const tick_data *t, const history_extra *x, struct blobref *caption,
    struct blobref *note)
{
	const gs_snapshot *s = t->snap;
	struct labels lt;
	int64_t prev;

	lt.n = lt.next = 0;
	put_u(w, s->time_ns);
	put_u(w, s->take_ns);
	put_u(w, t->dropped);
	put_s(w, s->nm_total);
	put_u(w, (uint64_t)s->np);
	put_u(w, (uint64_t)s->nm);
	put_u(w, (uint64_t)t->nev);
	put_u(w, (uint64_t)(s->os_threads > 0 ? s->os_threads : 0));

	put_fields(w, &s->stats, fields_stats, fields_nstats);
	for (int i = 0; i < GS_G_NSTATUS; i++)
		put_s(w, s->stats.by_status[i]);
	for (int i = 0; i < GS_WAIT_NREASONS; i++)
		put_s(w, s->stats.by_waitreason[i]);

	for (int i = 0; i < s->np; i++) {
		const gs_snap_p *p = &s->p[i];
		uint32_t listed = p->runq ? p->runq_listed : 0;

		put_fields(w, p, fields_p, fields_np);
		put_fields(w, p, fields_p_acct, fields_np_acct);
		prev = 0;
		put_g(w, &lt, &p->curg, &prev);
		prev = 0;
		put_g(w, &lt, &p->runnext, &prev);
		put_u(w, listed);
		prev = 0;
		for (uint32_t k = 0; k < listed; k++)
			put_g(w, &lt, &p->runq[k], &prev);
	}
	uint32_t ghead = s->glob ? s->glob_head : 0, gtail = s->glob ? s->glob_tail : 0;
	put_u(w, s->glob_len);
	put_u(w, ghead);
	put_u(w, gtail);
	prev = 0;
	for (uint32_t k = 0; k < ghead + gtail; k++)
		put_g(w, &lt, &s->glob[k], &prev);

	uint64_t prev_id = 0, prev_t = s->time_ns;
	for (int i = 0; i < s->nm; i++) {
		const gs_snap_m *m = &s->m[i];
		put_s(w, diff(prev_id, (uint64_t)m->id));
		put_s(w, m->state);
		put_s(w, m->p);
		put_s(w, m->curg);
		put_byte(w, m->spinning ? 1 : 0);
		put_s(w, diff(prev_t, m->created_ns));
		put_fields(w, m, fields_m_acct, fields_nm_acct);
		prev_id = (uint64_t)m->id;
		prev_t = m->created_ns;
	}

	prev_t = s->time_ns;
	for (int i = 0; i < t->nev; i++) {
		const gs_event *e = &t->ev[i];
		put_s(w, diff(prev_t, e->time_ns));
		prev_t = e->time_ns;
		put_u(w, e->kind);
		put_s(w, e->p);
		put_s(w, e->p2);
		put_s(w, e->m);
		put_s(w, e->m2);
		put_s(w, e->g);
		put_s(w, e->arg);
		put_label(w, &lt, e->label, 0);
	}

	put_blob(w, x && x->caption, x && x->caption ? x->caption : NULL,
	    x && x->caption ? strlen(x->caption) : 0, caption);
	put_blob(w, x && x->note, x ? x->note : NULL, x && x->note ? x->note_len : 0, note);
}

/* ---- reading ----------------------------------------------------------------- */

static void
get_fields(varint_reader *r, void *base, const fields_field *fl, int n)
{
	for (int i = 0; i < n; i++)
		fields_set_varint(base, NULL, &fl[i], varint_get_u(r));
}

/* out NULL: read past it.  The whole of out is written, zero after the NUL;
 * the tag into *tag (if not NULL). */
static void
get_label(varint_reader *r, struct labels *lt, char *out, char *tag)
{
	uint64_t c = varint_get_u(r);
	const char *src;
	size_t len;
	char t = 0;

	if (c < (uint64_t)lt->n) {
		src = lt->s[c];
		len = lt->len[c];
		t = lt->tag[c];
	} else if (c >= LABEL_TABLE && c - LABEL_TABLE < GS_LABEL_MAX &&
	    (size_t)(r->end - r->p) > c - LABEL_TABLE) {
		len = (size_t)(c - LABEL_TABLE);
		src = (const char *)r->p;
		t = (char)src[len];
		r->p += len + 1;
		memcpy(lt->s[lt->next], src, len);
		lt->len[lt->next] = (unsigned char)len;
		lt->tag[lt->next] = t;
		src = lt->s[lt->next];
		lt->next = (lt->next + 1) % LABEL_TABLE;
		if (lt->n < LABEL_TABLE)
			lt->n++;
	} else {
		r->bad = true;
		src = "";
		len = 0;
	}
	if (out) {
		memset(out, 0, GS_LABEL_MAX);
		memcpy(out, src, len);
	}
	if (tag)
		*tag = t;
}

static void
get_g(varint_reader *r, struct labels *lt, gs_snap_g *out, int64_t *prev)
{
	int64_t id = (int64_t)((uint64_t)*prev + (uint64_t)varint_get_s(r));
	*prev = id;
	if (out)
		out->id = id;
	get_label(r, lt, out ? out->label : NULL, out ? &out->tag : NULL);
}

static void
get_blob(varint_reader *r, const struct chunk *c, const void **b, size_t *len)
{
	uint64_t tag = varint_get_u(r), off, n;

	*b = NULL;
	*len = 0;
	switch (tag) {
	case 0:
		return;
	case 1:
		n = varint_get_u(r);
		if (n >= (uint64_t)(r->end - r->p) || r->p[n] != 0)
			break;
		*b = r->p;
		*len = (size_t)n;
		r->p += n + 1;
		return;
	case 2:
		off = varint_get_u(r);
		n = varint_get_u(r);
		if (off + n >= c->used || c->data[off + n] != 0)
			break;
		*b = c->data + off;
		*len = (size_t)n;
		return;
	}
	r->bad = true;
}

static uint32_t
slot_get(const struct chunk *c, uint32_t i)
{
	uint32_t v;
	memcpy(&v, c->data + c->dcap - 4 * ((size_t)i + 1), 4);
	return v;
}

static void
slot_put(struct chunk *c, uint32_t i, uint32_t v)
{
	memcpy(c->data + c->dcap - 4 * ((size_t)i + 1), &v, 4);
}

/* A record we wrote does not decode: memory was overwritten. */
static void
history_corrupt(const struct chunk *c, int64_t tick)
{
	fprintf(stderr, "gsched: history: tick %lld in chunk %p does not decode\n", (long long)tick,
	    (const void *)c);
	abort();
}

/* Decode record r of tick into s (within its capacities), ev (nev fit, the
 * caller grew it) and x.  Returns the HISTORY_TRUNC_* mask. */
static int
decode(const struct chunk *c, int64_t tick, varint_reader *r, gs_snapshot *s, gs_event *ev,
    tick_data *t, history_extra *x)
{
	struct labels lt;
	int trunc = 0;
	int64_t prev;

	lt.n = lt.next = 0;
	s->time_ns = varint_get_u(r);
	s->take_ns = varint_get_u(r);
	uint64_t dropped = varint_get_u(r);
	s->nm_total = (int)varint_get_s(r);
	uint64_t np = varint_get_u(r), nm = varint_get_u(r), nev = varint_get_u(r);
	s->os_threads = (int)varint_get_u(r);

	get_fields(r, &s->stats, fields_stats, fields_nstats);
	for (int i = 0; i < GS_G_NSTATUS; i++)
		s->stats.by_status[i] = (int)varint_get_s(r);
	for (int i = 0; i < GS_WAIT_NREASONS; i++)
		s->stats.by_waitreason[i] = (int)varint_get_s(r);

	for (uint64_t i = 0; i < np && !r->bad; i++) {
		gs_snap_p spare, *p = i < (uint64_t)s->max_p ? &s->p[i] : &spare;
		gs_snap_g *q = NULL;
		uint32_t qcap = 0;

		if (p == &spare)
			trunc |= HISTORY_TRUNC_P;
		else if (s->runq_store && s->runq_max > 0) {
			q = &s->runq_store[i * (size_t)s->runq_max];
			qcap = (uint32_t)s->runq_max;
		}
		get_fields(r, p, fields_p, fields_np);
		get_fields(r, p, fields_p_acct, fields_np_acct);
		prev = 0;
		get_g(r, &lt, &p->curg, &prev);
		prev = 0;
		get_g(r, &lt, &p->runnext, &prev);
		uint64_t listed = varint_get_u(r);
		prev = 0;
		for (uint64_t k = 0; k < listed && !r->bad; k++)
			get_g(r, &lt, k < qcap ? &q[k] : NULL, &prev);
		if (listed > qcap && p != &spare)
			trunc |= HISTORY_TRUNC_RUNQ;
		p->runq = q;
		p->runq_listed = listed < qcap ? (uint32_t)listed : qcap;
	}
	s->np = np < (uint64_t)s->max_p ? (int)np : s->max_p;

	/* The global queue's ends: as many of the first and of the last as fit. */
	uint64_t glen = varint_get_u(r), ghead = varint_get_u(r), gtail = varint_get_u(r);
	uint64_t gcap = s->glob_store ? (uint64_t)s->runq_max : 0;
	uint64_t head = ghead < gcap ? ghead : gcap, skip = gtail > gcap ? gtail - gcap : 0;
	s->glob = gcap ? s->glob_store : NULL;
	prev = 0;
	for (uint64_t k = 0; k < ghead && !r->bad; k++)
		get_g(r, &lt, k < head ? &s->glob[k] : NULL, &prev);
	for (uint64_t k = 0; k < gtail && !r->bad; k++)
		get_g(r, &lt, k >= skip ? &s->glob[head + k - skip] : NULL, &prev);
	if (ghead > gcap || gtail > gcap)
		trunc |= HISTORY_TRUNC_RUNQ;
	s->glob_len = (uint32_t)glen;
	s->glob_head = (uint32_t)head;
	s->glob_tail = (uint32_t)(gtail - skip);

	uint64_t prev_id = 0, prev_t = s->time_ns;
	for (uint64_t i = 0; i < nm && !r->bad; i++) {
		gs_snap_m spare, *m = i < (uint64_t)s->max_m ? &s->m[i] : &spare;

		if (m == &spare)
			trunc |= HISTORY_TRUNC_M;
		m->id = (int64_t)(prev_id + (uint64_t)varint_get_s(r));
		m->state = (int)varint_get_s(r);
		m->p = (int)varint_get_s(r);
		m->curg = varint_get_s(r);
		m->spinning = varint_get_byte(r) != 0;
		m->created_ns = prev_t + (uint64_t)varint_get_s(r);
		get_fields(r, m, fields_m_acct, fields_nm_acct);
		prev_id = (uint64_t)m->id;
		prev_t = m->created_ns;
	}
	s->nm = nm < (uint64_t)s->max_m ? (int)nm : s->max_m;

	prev_t = s->time_ns;
	for (uint64_t i = 0; i < nev && !r->bad; i++) {
		gs_event *e = &ev[i];
		e->time_ns = prev_t + (uint64_t)varint_get_s(r);
		prev_t = e->time_ns;
		e->kind = (uint16_t)varint_get_u(r);
		e->p = (int16_t)varint_get_s(r);
		e->p2 = (int16_t)varint_get_s(r);
		e->m = varint_get_s(r);
		e->m2 = varint_get_s(r);
		e->g = varint_get_s(r);
		e->arg = varint_get_s(r);
		get_label(r, &lt, e->label, NULL);
	}

	const void *caption, *note;
	size_t caption_len, note_len;
	get_blob(r, c, &caption, &caption_len);
	get_blob(r, c, &note, &note_len);
	if (r->bad || r->p != r->end)
		history_corrupt(c, tick);
	if (x) {
		x->caption = caption;
		x->note = note;
		x->note_len = note_len;
	}
	if (t) {
		t->index = (int)tick;
		t->snap = s;
		t->ev = ev;
		t->nev = (int)nev;
		t->dropped = dropped;
		t->gl = NULL; /* the history keeps no goroutine list */
		t->ng = t->ng_total = 0;
		t->extra = NULL;
	}
	return trunc;
}

/* ---- the history --------------------------------------------------------------- */

history *
history_new(size_t budget)
{
	history *h;
	size_t cs = budget / 64;

	if (budget < HISTORY_MIN_BUDGET)
		return NULL;
	if (cs < ((size_t)4 << 10))
		cs = (size_t)4 << 10;
	if (cs > ((size_t)1 << 20))
		cs = (size_t)1 << 20;
	/* Room for malloc's own header, so a chunk malloc maps is whole pages. */
	cs -= 64;
	h = calloc(1, sizeof *h);
	if (h == NULL)
		return NULL;
	h->budget = budget;
	h->chunk_size = cs;
	/* Every chunk is at least cs bytes, so no more than budget / cs exist. */
	h->ring_cap = (int)(budget / cs) + 1;
	h->ring = calloc((size_t)h->ring_cap, sizeof *h->ring);
	if (h->ring == NULL) {
		free(h);
		return NULL;
	}
	h->fixed = sizeof *h + (size_t)h->ring_cap * sizeof *h->ring;
	h->bytes = h->fixed;
	h->next = -1;
	return h;
}

static struct chunk *
chunk_at(const history *h, int k)
{
	return h->ring[(h->head + k) % h->ring_cap];
}

/* Take the oldest chunk off the ring (its memory is the caller's now). */
static struct chunk *
chunk_pop(history *h)
{
	struct chunk *c = h->ring[h->head];

	h->ring[h->head] = NULL;
	h->head = (h->head + 1) % h->ring_cap;
	h->nchunks--;
	h->payload -= c->used + 4 * (size_t)c->n;
	if (h->nchunks == 0)
		h->next = -1;
	return c;
}

void
history_clear(history *h)
{
	if (h == NULL)
		return;
	while (h->nchunks > 0) {
		struct chunk *c = chunk_pop(h);
		h->bytes -= c->size;
		free(c);
	}
	h->head = 0;
}

void
history_free(history *h)
{
	if (h == NULL)
		return;
	history_clear(h);
	free(h->ring);
	free(h);
}

/* A new newest chunk of size bytes, whose first tick will be first: evict the
 * oldest chunks until it fits the budget, reusing one of the same size.  NULL
 * if memory is short. */
static struct chunk *
chunk_add(history *h, size_t size, int64_t first)
{
	struct chunk *c = NULL;

	while (h->nchunks > 0 &&
	    (h->bytes + (c ? 0 : size) > h->budget || h->nchunks == h->ring_cap)) {
		struct chunk *o = chunk_pop(h);
		if (c == NULL && o->size == size) {
			c = o;
		} else {
			h->bytes -= o->size;
			free(o);
		}
	}
	if (c == NULL) {
		c = malloc(size);
		if (c == NULL)
			return NULL;
		h->bytes += size;
	}
	c->size = size;
	c->dcap = (uint32_t)((size - offsetof(struct chunk, data)) & ~(size_t)3);
	c->used = 0;
	c->n = 0;
	c->first = first;
	memset(&c->caption, 0, sizeof c->caption);
	memset(&c->note, 0, sizeof c->note);
	h->ring[(h->head + h->nchunks) % h->ring_cap] = c;
	h->nchunks++;
	return c;
}

/* Bytes free in c for one more record and its offset. */
static size_t
chunk_room(const struct chunk *c)
{
	size_t taken = (size_t)c->used + 4 * ((size_t)c->n + 1);
	return taken < c->dcap ? c->dcap - taken : 0;
}

/* Encode t as c's next record if it fits: true when stored. */
static bool
chunk_append(history *h, struct chunk *c, const tick_data *t, const history_extra *x)
{
	struct blobref cap = c->caption, note = c->note;
	struct wbuf w = { c->data, c->used, chunk_room(c), 0 };

	encode(&w, t, x, &cap, &note);
	if (w.n > w.cap)
		return false;
	slot_put(c, c->n, c->used);
	c->used += (uint32_t)w.n;
	c->n++;
	c->caption = cap;
	c->note = note;
	h->payload += w.n + 4;
	h->next = (int64_t)t->index + 1;
	return true;
}

static bool
tick_valid(const tick_data *t, const history_extra *x)
{
	const gs_snapshot *s = t->snap;

	if (s == NULL || t->index < 0 || t->nev < 0 || (t->nev > 0 && t->ev == NULL))
		return false;
	if (s->np < 0 || s->np > s->max_p || s->nm < 0 || s->nm > s->max_m)
		return false;
	if ((s->np > 0 && s->p == NULL) || (s->nm > 0 && s->m == NULL))
		return false;
	for (int i = 0; i < s->np; i++)
		if (s->p[i].runq && s->p[i].runq_listed > (uint32_t)s->runq_max)
			return false;
	if (s->glob &&
	    (s->glob_head > (uint32_t)s->runq_max || s->glob_tail > (uint32_t)s->runq_max ||
		s->glob_head + s->glob_tail > s->glob_len))
		return false;
	if (x && x->note == NULL && x->note_len != 0)
		return false;
	return true;
}

int
history_push(history *h, const tick_data *t, const history_extra *x)
{
	if (h == NULL || t == NULL || !tick_valid(t, x))
		return GS_EINVAL;
	if (h->next >= 0 && t->index != h->next)
		return GS_EINVAL;
	if (h->nchunks > 0 && chunk_append(h, chunk_at(h, h->nchunks - 1), t, x))
		return 0;

	/* The size it takes at the start of a fresh chunk (no back-references). */
	struct blobref cap = { 0, 0, false }, note = cap;
	struct wbuf w = { NULL, 0, 0, 0 };
	encode(&w, t, x, &cap, &note);
	size_t need = offsetof(struct chunk, data) + ((w.n + 3) & ~(size_t)3) + 4;
	if (w.n > UINT32_MAX / 2 || need > h->budget - h->fixed)
		return GS_ERANGE;
	struct chunk *c = chunk_add(h, need > h->chunk_size ? need : h->chunk_size, t->index);
	if (c == NULL)
		return GS_ENOMEM;
	if (!chunk_append(h, c, t, x))
		history_corrupt(c, t->index);
	return 0;
}

int64_t
history_first(const history *h)
{
	return h->nchunks > 0 ? chunk_at(h, 0)->first : -1;
}

int64_t
history_last(const history *h)
{
	return h->nchunks > 0 ? h->next - 1 : -1;
}

int64_t
history_count(const history *h)
{
	return h->nchunks > 0 ? h->next - chunk_at(h, 0)->first : 0;
}

size_t
history_bytes(const history *h)
{
	return h->bytes;
}

size_t
history_budget(const history *h)
{
	return h->budget;
}

size_t
history_payload(const history *h)
{
	return h->payload;
}

int
history_get(const history *h, int64_t tick, gs_snapshot *snap, gs_event **ev, int *evcap,
    tick_data *t, history_extra *x)
{
	if (h == NULL || snap == NULL || ev == NULL || evcap == NULL)
		return GS_EINVAL;
	if (h->nchunks == 0 || tick < history_first(h) || tick > history_last(h))
		return GS_ERANGE;

	/* The newest chunk whose first tick is at or before tick. */
	int lo = 0, hi = h->nchunks - 1;
	while (lo < hi) {
		int mid = lo + (hi - lo + 1) / 2;
		if (chunk_at(h, mid)->first <= tick)
			lo = mid;
		else
			hi = mid - 1;
	}
	const struct chunk *c = chunk_at(h, lo);
	uint32_t i = (uint32_t)(tick - c->first);
	if (i >= c->n)
		history_corrupt(c, tick);
	uint32_t off = slot_get(c, i), end = i + 1 < c->n ? slot_get(c, i + 1) : c->used;
	varint_reader r = { c->data + off, c->data + end, false };

	/* nev is the seventh varint: read the header once to size *ev. */
	varint_reader hr = r;
	for (int k = 0; k < 6; k++)
		(void)varint_get_u(&hr);
	uint64_t nev = varint_get_u(&hr);
	if (hr.bad || nev > (uint64_t)(end - off))
		history_corrupt(c, tick);
	if (nev > (uint64_t)*evcap) {
		gs_event *nb = realloc(*ev, (size_t)nev * sizeof *nb);
		if (nb == NULL)
			return GS_ENOMEM;
		*ev = nb;
		*evcap = (int)nev;
	}
	return decode(c, tick, &r, snap, *ev, t, x);
}
