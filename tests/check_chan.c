/*
 * check_chan.c - channels and select (chan.c) through the public API: unbuffered
 * rendezvous, buffered FIFO, close, the non-blocking forms, select (default, nil
 * cases, fairness, mixed directions, closed channels, racing wake-ups), the
 * order of blocked waiters and the hand-off of the P to a readied one (runnext),
 * many producers and consumers, and zero-size elements.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <gsched/observe.h>

#include "testutil.h"

static gs_chan *
mkchan(size_t elem, size_t cap)
{
	gs_chan *c = gs_chan_make(elem, cap);

	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(gs_chan_cap(c), cap);
	ck_assert_uint_eq(gs_chan_len(c), 0);
	return c;
}

/* ---- unbuffered ------------------------------------------------------------------- */

struct pc {
	gs_chan *c;
	int n;
	_Atomic int progress;
	gs_waitgroup wg;
};

static void
send_seq(void *arg)
{
	struct pc *pc = arg;

	for (int i = 0; i < pc->n; i++) {
		ck_assert_int_eq(gs_chan_send(pc->c, &i), 0);
		atomic_store(&pc->progress, i + 1);
	}
	TU_WG_DONE(&pc->wg);
}

GS_MAIN_TEST(test_unbuffered_order, 2)
{
	struct pc pc = { .c = mkchan(sizeof(int), 0), .n = 10000 };
	int v;

	TU_WG_ADD(&pc.wg, 1);
	TU_GO(send_seq, &pc);
	for (int i = 0; i < pc.n; i++) {
		ck_assert_int_eq(gs_chan_recv(pc.c, &v), 1);
		ck_assert_int_eq(v, i);
		/* The sender cannot be more than one value ahead of us. */
		ck_assert_int_le(atomic_load(&pc.progress), i + 1);
	}
	gs_wg_wait(&pc.wg);
	ck_assert_uint_eq(gs_chan_len(pc.c), 0);
	gs_chan_free(pc.c);
}

static void
send_one_then_flag(void *arg)
{
	struct pc *pc = arg;
	int v = 42;

	ck_assert_int_eq(gs_chan_send(pc->c, &v), 0);
	atomic_store(&pc->progress, 1);
	TU_WG_DONE(&pc->wg);
}

/* An unbuffered send does not complete until a receiver takes the value. */
GS_MAIN_TEST(test_unbuffered_rendezvous, 2)
{
	struct pc pc = { .c = mkchan(sizeof(int), 0) };
	int v = 0;

	TU_WG_ADD(&pc.wg, 1);
	TU_GO(send_one_then_flag, &pc);
	ck_assert_int_eq(tu_wait_waiting(GS_WAIT_CHAN_SEND, 1, TU_SEC(10)), 1);
	for (int i = 0; i < 100; i++)
		gs_yield();
	ck_assert_int_eq(atomic_load(&pc.progress), 0);
	ck_assert_uint_eq(gs_chan_len(pc.c), 0);
	ck_assert_int_eq(gs_chan_recv(pc.c, &v), 1);
	ck_assert_int_eq(v, 42);
	gs_wg_wait(&pc.wg);
	ck_assert_int_eq(atomic_load(&pc.progress), 1);

	/* The other way round: a blocked receiver gets a later send. */
	struct pc pc2 = { .c = pc.c };
	TU_WG_ADD(&pc2.wg, 1);
	TU_GO(send_one_then_flag, &pc2);             /* sends 42 ... */
	ck_assert_int_eq(gs_chan_recv(pc.c, &v), 1); /* ... maybe after we block */
	ck_assert_int_eq(v, 42);
	gs_wg_wait(&pc2.wg);
	gs_chan_free(pc.c);
}

/* ---- buffered -------------------------------------------------------------------------- */

struct big {
	char tag[100];
	uint64_t n;
};

GS_MAIN_TEST(test_buffered_fifo, 2)
{
	gs_chan *c = mkchan(sizeof(int), 8);
	gs_chan *cb = mkchan(sizeof(struct big), 3);
	struct big b, out;
	int v;

	for (int round = 0; round < 50; round++) {
		/* Fill without blocking. */
		for (int i = 0; i < 8; i++) {
			v = round * 100 + i;
			ck_assert_int_eq(gs_chan_send(c, &v), 0);
			ck_assert_uint_eq(gs_chan_len(c), (size_t)i + 1);
		}
		ck_assert_uint_eq(gs_chan_cap(c), 8);
		v = -1;
		ck_assert_int_eq(gs_chan_trysend(c, &v), 0); /* full */
		ck_assert_uint_eq(gs_chan_len(c), 8);
		for (int i = 0; i < 8; i++) {
			ck_assert_int_eq(gs_chan_recv(c, &v), 1);
			ck_assert_int_eq(v, round * 100 + i);
		}
		ck_assert_uint_eq(gs_chan_len(c), 0);
		ck_assert_int_eq(gs_chan_tryrecv(c, &v), 0); /* empty */
	}

	/* Large elements are copied whole; recv into NULL discards. */
	for (int i = 0; i < 3; i++) {
		memset(&b, 'a' + i, sizeof(b));
		b.n = (uint64_t)i * 0x0101010101010101ULL;
		ck_assert_int_eq(gs_chan_send(cb, &b), 0);
	}
	memset(&b, 0, sizeof(b)); /* the channel holds copies */
	ck_assert_int_eq(gs_chan_recv(cb, NULL), 1);
	for (int i = 1; i < 3; i++) {
		ck_assert_int_eq(gs_chan_recv(cb, &out), 1);
		for (size_t k = 0; k < sizeof(out.tag); k++)
			ck_assert_int_eq(out.tag[k], 'a' + i);
		ck_assert_uint_eq(out.n, (uint64_t)i * 0x0101010101010101ULL);
	}
	gs_chan_free(c);
	gs_chan_free(cb);
}

/* A sender blocked on a full buffered channel is released by a receive, and its
 * value lands behind the buffered ones. */
static void
send_seq_from(void *arg)
{
	struct pc *pc = arg;

	for (int i = 0; i < pc->n; i++)
		ck_assert_int_eq(gs_chan_send(pc->c, &i), 0);
	TU_WG_DONE(&pc->wg);
}

GS_MAIN_TEST(test_buffered_blocking, 2)
{
	struct pc pc = { .c = mkchan(sizeof(int), 4), .n = 5000 };
	int v;

	TU_WG_ADD(&pc.wg, 1);
	TU_GO(send_seq_from, &pc);
	ck_assert_int_eq(tu_wait_waiting(GS_WAIT_CHAN_SEND, 1, TU_SEC(10)), 1);
	ck_assert_uint_eq(gs_chan_len(pc.c), 4);
	for (int i = 0; i < pc.n; i++) {
		ck_assert_int_eq(gs_chan_recv(pc.c, &v), 1);
		ck_assert_int_eq(v, i);
		ck_assert_uint_le(gs_chan_len(pc.c), 4);
	}
	gs_wg_wait(&pc.wg);
	gs_chan_free(pc.c);
}

/* ---- close ------------------------------------------------------------------------------ */

GS_MAIN_TEST(test_close_semantics, 2)
{
	gs_chan *c = mkchan(sizeof(int), 4);
	gs_chan *u = mkchan(sizeof(int), 0);
	int v;

	for (int i = 1; i <= 3; i++)
		ck_assert_int_eq(gs_chan_send(c, &i), 0);
	ck_assert_int_eq(gs_chan_close(c), 0);
	ck_assert_int_eq(gs_chan_close(c), GS_ECLOSED);
	v = 9;
	ck_assert_int_eq(gs_chan_send(c, &v), GS_ECLOSED);
	ck_assert_int_eq(gs_chan_trysend(c, &v), GS_ECLOSED);
	ck_assert_uint_eq(gs_chan_len(c), 3);

	/* The buffer drains first ... */
	ck_assert_int_eq(gs_chan_tryrecv(c, &v), 1);
	ck_assert_int_eq(v, 1);
	for (int i = 2; i <= 3; i++) {
		ck_assert_int_eq(gs_chan_recv(c, &v), 1);
		ck_assert_int_eq(v, i);
	}
	/* ... then 0 with a zeroed element, as often as asked. */
	for (int i = 0; i < 3; i++) {
		v = 0x5a5a5a5a;
		ck_assert_int_eq(gs_chan_recv(c, &v), 0);
		ck_assert_int_eq(v, 0);
		v = 0x5a5a5a5a;
		ck_assert_int_eq(gs_chan_tryrecv(c, &v), GS_ECLOSED);
	}
	ck_assert_int_eq(gs_chan_recv(c, NULL), 0);

	/* Unbuffered. */
	ck_assert_int_eq(gs_chan_close(u), 0);
	v = 7;
	ck_assert_int_eq(gs_chan_recv(u, &v), 0);
	ck_assert_int_eq(v, 0);
	ck_assert_int_eq(gs_chan_send(u, &v), GS_ECLOSED);
	ck_assert_int_eq(gs_chan_close(u), GS_ECLOSED);
	gs_chan_free(c);
	gs_chan_free(u);
}

#define NBLOCKED 10

struct closewake {
	gs_chan *rc, *sc;
	_Atomic int recv_zero, send_closed;
	gs_waitgroup wg;
};

static void
blocked_receiver(void *arg)
{
	struct closewake *cw = arg;
	int v = 123;

	if (gs_chan_recv(cw->rc, &v) == 0 && v == 0)
		atomic_fetch_add(&cw->recv_zero, 1);
	TU_WG_DONE(&cw->wg);
}

static void
blocked_sender(void *arg)
{
	struct closewake *cw = arg;
	int v = 5;

	if (gs_chan_send(cw->sc, &v) == GS_ECLOSED)
		atomic_fetch_add(&cw->send_closed, 1);
	TU_WG_DONE(&cw->wg);
}

/* Close wakes every blocked receiver (they get 0) and sender (GS_ECLOSED). */
GS_MAIN_TEST(test_close_wakes_all, 2)
{
	struct closewake cw = { .rc = mkchan(sizeof(int), 0), .sc = mkchan(sizeof(int), 0) };
	gs_stats st;

	TU_WG_ADD(&cw.wg, 2 * NBLOCKED);
	for (int i = 0; i < NBLOCKED; i++) {
		TU_GO(blocked_receiver, &cw);
		TU_GO(blocked_sender, &cw);
	}
	ck_assert_int_eq(tu_wait_waiting(GS_WAIT_CHAN_RECV, NBLOCKED, TU_SEC(10)), NBLOCKED);
	ck_assert_int_eq(tu_wait_waiting(GS_WAIT_CHAN_SEND, NBLOCKED, TU_SEC(10)), NBLOCKED);
	ck_assert_int_eq(gs_chan_close(cw.rc), 0);
	ck_assert_int_eq(gs_chan_close(cw.sc), 0);
	gs_wg_wait(&cw.wg);
	ck_assert_int_eq(atomic_load(&cw.recv_zero), NBLOCKED);
	ck_assert_int_eq(atomic_load(&cw.send_closed), NBLOCKED);
	ck_assert_int_eq(tu_wait_numgoroutine(1, TU_SEC(10)), 1);
	ck_assert_int_eq(gs_read_stats(&st), 0);
	ck_assert_int_eq(st.by_waitreason[GS_WAIT_CHAN_RECV], 0);
	ck_assert_int_eq(st.by_waitreason[GS_WAIT_CHAN_SEND], 0);
	gs_chan_free(cw.rc);
	gs_chan_free(cw.sc);
}

/* ---- non-blocking forms -------------------------------------------------------------------- */

static void
recv_one(void *arg)
{
	struct pc *pc = arg;
	int v = -1;

	ck_assert_int_eq(gs_chan_recv(pc->c, &v), 1);
	atomic_store(&pc->progress, v);
	TU_WG_DONE(&pc->wg);
}

GS_MAIN_TEST(test_try_ops, 2)
{
	struct pc pc = { .c = mkchan(sizeof(int), 0) };
	int v = 77;

	/* Unbuffered with nobody on the other side: would block. */
	ck_assert_int_eq(gs_chan_trysend(pc.c, &v), 0);
	ck_assert_int_eq(gs_chan_tryrecv(pc.c, &v), 0);
	ck_assert_int_eq(v, 77);

	/* A parked receiver makes trysend succeed. */
	TU_WG_ADD(&pc.wg, 1);
	TU_GO(recv_one, &pc);
	ck_assert_int_eq(tu_wait_waiting(GS_WAIT_CHAN_RECV, 1, TU_SEC(10)), 1);
	ck_assert_int_eq(gs_chan_trysend(pc.c, &v), 1);
	gs_wg_wait(&pc.wg);
	ck_assert_int_eq(atomic_load(&pc.progress), 77);

	/* A parked sender makes tryrecv succeed. */
	TU_WG_ADD(&pc.wg, 1);
	TU_GO(send_one_then_flag, &pc);
	ck_assert_int_eq(tu_wait_waiting(GS_WAIT_CHAN_SEND, 1, TU_SEC(10)), 1);
	v = 0;
	ck_assert_int_eq(gs_chan_tryrecv(pc.c, &v), 1);
	ck_assert_int_eq(v, 42);
	gs_wg_wait(&pc.wg);
	gs_chan_free(pc.c);
}

/* ---- select ---------------------------------------------------------------------------------- */

GS_MAIN_TEST(test_select_default, 2)
{
	gs_chan *a = mkchan(sizeof(int), 0), *b = mkchan(sizeof(int), 1);
	int va = 0, vb = 0, err = 99;
	gs_select_case cs[3] = {
		{ .chan = a, .dir = GS_SELECT_RECV, .elem = &va },
		{ .chan = b, .dir = GS_SELECT_RECV, .elem = &vb },
		{ .chan = a, .dir = GS_SELECT_SEND, .elem = &va },
	};

	/* Nothing ready: the default. */
	for (int i = 0; i < 100; i++)
		ck_assert_int_eq(gs_select(cs, 3, true, &err), -1);
	/* Zero cases with a default. */
	ck_assert_int_eq(gs_select(NULL, 0, true, NULL), -1);
	ck_assert_int_eq(gs_select(cs, 0, true, NULL), -1);

	/* Only nil-channel cases: never ready. */
	gs_select_case nils[2] = {
		{ .chan = NULL, .dir = GS_SELECT_RECV, .elem = &va },
		{ .chan = NULL, .dir = GS_SELECT_SEND, .elem = &va },
	};
	ck_assert_int_eq(gs_select(nils, 2, true, NULL), -1);

	/* One ready among not-ready ones: always it. */
	for (int i = 0; i < 100; i++) {
		int x = 1000 + i;
		ck_assert_int_eq(gs_chan_send(b, &x), 0);
		cs[1].ok = false;
		ck_assert_int_eq(gs_select(cs, 3, true, &err), 1);
		ck_assert(cs[1].ok);
		ck_assert_int_eq(vb, 1000 + i);
		ck_assert_uint_eq(gs_chan_len(b), 0);
	}
	/* A send case that is ready (buffer space). */
	gs_select_case sendb[2] = {
		{ .chan = NULL, .dir = GS_SELECT_RECV, .elem = &va },
		{ .chan = b, .dir = GS_SELECT_SEND, .elem = &va },
	};
	va = 31337;
	err = 99;
	ck_assert_int_eq(gs_select(sendb, 2, true, &err), 1);
	ck_assert_msg(err == 99 || err == 0, "send_err %d for an open channel", err);
	ck_assert_int_eq(gs_chan_recv(b, &vb), 1);
	ck_assert_int_eq(vb, 31337);
	gs_chan_free(a);
	gs_chan_free(b);
}

struct later {
	gs_chan *c;
	int value;
	gs_waitgroup wg;
};

static void
send_later(void *arg)
{
	struct later *l = arg;

	for (int i = 0; i < 10; i++)
		gs_yield();
	ck_assert_int_eq(gs_chan_send(l->c, &l->value), 0);
	TU_WG_DONE(&l->wg);
}

static void
recv_later(void *arg)
{
	struct later *l = arg;

	for (int i = 0; i < 10; i++)
		gs_yield();
	ck_assert_int_eq(gs_chan_recv(l->c, &l->value), 1);
	TU_WG_DONE(&l->wg);
}

/* Blocking selects with nil cases, woken by a send or a receive from elsewhere. */
GS_MAIN_TEST(test_select_blocking, 2)
{
	gs_chan *cr = mkchan(sizeof(int), 0), *cs = mkchan(sizeof(int), 0);
	int got = 0, out = 555;
	int err = 99;

	for (int round = 0; round < 200; round++) {
		struct later l = { .c = cr, .value = round };
		gs_select_case c[3] = {
			{ .chan = NULL, .dir = GS_SELECT_RECV, .elem = &got },
			{ .chan = cs, .dir = GS_SELECT_SEND, .elem = &out },
			{ .chan = cr, .dir = GS_SELECT_RECV, .elem = &got },
		};

		if (round % 2 == 0) {
			TU_WG_ADD(&l.wg, 1);
			TU_GO(send_later, &l);
			ck_assert_int_eq(gs_select(c, 3, false, &err), 2);
			ck_assert(c[2].ok);
			ck_assert_int_eq(got, round);
		} else {
			l.c = cs;
			l.value = -1;
			TU_WG_ADD(&l.wg, 1);
			TU_GO(recv_later, &l);
			ck_assert_int_eq(gs_select(c, 3, false, &err), 1);
		}
		gs_wg_wait(&l.wg);
		if (round % 2 == 1)
			ck_assert_int_eq(l.value, 555);
	}
	gs_chan_free(cr);
	gs_chan_free(cs);
}

/* Two always-ready cases are chosen uniformly: each 40-60% of 10000. */
GS_MAIN_TEST(test_select_fairness, 1)
{
	gs_chan *a = mkchan(sizeof(int), 1), *b = mkchan(sizeof(int), 1);
	int one = 1, v;
	int count[2] = { 0, 0 };
	gs_select_case cs[2] = {
		{ .chan = a, .dir = GS_SELECT_RECV, .elem = &v },
		{ .chan = b, .dir = GS_SELECT_RECV, .elem = &v },
	};

	ck_assert_int_eq(gs_chan_send(a, &one), 0);
	ck_assert_int_eq(gs_chan_send(b, &one), 0);
	for (int i = 0; i < 10000; i++) {
		int k = gs_select(cs, 2, false, NULL);
		ck_assert(k == 0 || k == 1);
		count[k]++;
		/* Refill the one taken. */
		ck_assert_int_eq(gs_chan_send(k == 0 ? a : b, &one), 0);
	}
	ck_assert_msg(count[0] >= 4000 && count[0] <= 6000, "case 0 chosen %d of 10000", count[0]);

	/* Mixed: a ready send and a ready receive, also about even. */
	gs_chan *s = mkchan(sizeof(int), 1);
	gs_select_case mix[2] = {
		{ .chan = s, .dir = GS_SELECT_SEND, .elem = &one },
		{ .chan = a, .dir = GS_SELECT_RECV, .elem = &v },
	};
	count[0] = count[1] = 0;
	for (int i = 0; i < 10000; i++) {
		int err = 99;
		int k = gs_select(mix, 2, true, &err);
		ck_assert(k == 0 || k == 1);
		count[k]++;
		if (k == 0)
			ck_assert_int_eq(gs_chan_recv(s, &v), 1);
		else
			ck_assert_int_eq(gs_chan_send(a, &one), 0);
	}
	ck_assert_msg(count[0] >= 4000 && count[0] <= 6000, "send case chosen %d of 10000",
	    count[0]);
	gs_chan_free(a);
	gs_chan_free(b);
	gs_chan_free(s);
}

static void
close_later(void *arg)
{
	struct later *l = arg;

	for (int i = 0; i < 10; i++)
		gs_yield();
	ck_assert_int_eq(gs_chan_close(l->c), 0);
	TU_WG_DONE(&l->wg);
}

GS_MAIN_TEST(test_select_closed, 2)
{
	gs_chan *c = mkchan(sizeof(int), 2), *never = mkchan(sizeof(int), 0);
	int v = 0x77, err = 99;
	int x = 8;

	ck_assert_int_eq(gs_chan_send(c, &x), 0);
	ck_assert_int_eq(gs_chan_close(c), 0);

	/* A receive case on a closed channel with a value: the value, ok. */
	gs_select_case r[2] = {
		{ .chan = never, .dir = GS_SELECT_RECV, .elem = &v },
		{ .chan = c, .dir = GS_SELECT_RECV, .elem = &v },
	};
	ck_assert_int_eq(gs_select(r, 2, false, NULL), 1);
	ck_assert(r[1].ok);
	ck_assert_int_eq(v, 8);
	/* Drained: ready at once, ok false, element zeroed. */
	v = 0x77;
	r[1].ok = true;
	ck_assert_int_eq(gs_select(r, 2, true, NULL), 1);
	ck_assert(!r[1].ok);
	ck_assert_int_eq(v, 0);

	/* A send case on a closed channel: its index, GS_ECLOSED in send_err. */
	gs_select_case s[2] = {
		{ .chan = never, .dir = GS_SELECT_RECV, .elem = &v },
		{ .chan = c, .dir = GS_SELECT_SEND, .elem = &x },
	};
	ck_assert_int_eq(gs_select(s, 2, false, &err), 1);
	ck_assert_int_eq(err, GS_ECLOSED);
	ck_assert_int_eq(gs_select(s, 2, false, NULL), 1); /* send_err may be NULL */

	/* A blocked select is woken by a close. */
	gs_chan *c2 = mkchan(sizeof(int), 0);
	struct later l = { .c = c2 };
	gs_select_case w[2] = {
		{ .chan = never, .dir = GS_SELECT_RECV, .elem = &v },
		{ .chan = c2, .dir = GS_SELECT_RECV, .elem = &v },
	};
	TU_WG_ADD(&l.wg, 1);
	TU_GO(close_later, &l);
	v = 3;
	w[1].ok = true;
	ck_assert_int_eq(gs_select(w, 2, false, NULL), 1);
	ck_assert(!w[1].ok);
	ck_assert_int_eq(v, 0);
	gs_wg_wait(&l.wg);
	gs_chan_free(c);
	gs_chan_free(c2);
	gs_chan_free(never);
}

/*
 * One select waiting on two channels, two senders racing to wake it: exactly one
 * wins, the other stays blocked with its value (nothing lost, nothing doubled).
 */
struct race {
	gs_chan *c[2];
	gs_waitgroup wg;
};

struct race_arg {
	struct race *r;
	int which;
};

static void
race_sender(void *arg)
{
	struct race_arg *a = arg;
	int v = 100 + a->which;

	ck_assert_int_eq(gs_chan_send(a->r->c[a->which], &v), 0);
	TU_WG_DONE(&a->r->wg);
}

GS_MAIN_TEST(test_select_wake_race, 2)
{
	struct race r;
	int rounds = TU_SCALE(2000);
	int wins[2] = { 0, 0 };

	r.c[0] = mkchan(sizeof(int), 0);
	r.c[1] = mkchan(sizeof(int), 0);
	memset(&r.wg, 0, sizeof(r.wg));
	for (int round = 0; round < rounds; round++) {
		struct race_arg a0 = { &r, 0 }, a1 = { &r, 1 };
		int v = -1;
		gs_select_case cs[2] = {
			{ .chan = r.c[0], .dir = GS_SELECT_RECV, .elem = &v },
			{ .chan = r.c[1], .dir = GS_SELECT_RECV, .elem = &v },
		};

		TU_WG_ADD(&r.wg, 2);
		TU_GO(race_sender, &a0);
		TU_GO(race_sender, &a1);
		int k = gs_select(cs, 2, false, NULL);
		ck_assert(k == 0 || k == 1);
		ck_assert(cs[k].ok);
		ck_assert_int_eq(v, 100 + k);
		wins[k]++;
		/* The loser is still there, with its own value. */
		v = -1;
		ck_assert_int_eq(gs_chan_recv(r.c[1 - k], &v), 1);
		ck_assert_int_eq(v, 100 + 1 - k);
		gs_wg_wait(&r.wg);
		ck_assert_uint_eq(gs_chan_len(r.c[0]), 0);
	}
	ck_assert_int_eq(wins[0] + wins[1], rounds);
	gs_chan_free(r.c[0]);
	gs_chan_free(r.c[1]);
}

/* ---- many producers, many consumers ------------------------------------------------------ */

#define NPROD 8
#define NCONS 8
#define PER_PROD 20000

struct mpmc {
	gs_chan *c;
	gs_waitgroup prod_wg, cons_wg;
	_Atomic uint64_t sum;
	_Atomic uint64_t count;
	int per;
};

static void
producer(void *arg)
{
	struct mpmc *m = arg;

	for (int i = 1; i <= m->per; i++) {
		uint64_t v = (uint64_t)i;
		ck_assert_int_eq(gs_chan_send(m->c, &v), 0);
	}
	TU_WG_DONE(&m->prod_wg);
}

static void
consumer(void *arg)
{
	struct mpmc *m = arg;
	uint64_t v, sum = 0, n = 0;
	int r;

	while ((r = gs_chan_recv(m->c, &v)) == 1) {
		sum += v;
		n++;
	}
	ck_assert_int_eq(r, 0);
	atomic_fetch_add(&m->sum, sum);
	atomic_fetch_add(&m->count, n);
	TU_WG_DONE(&m->cons_wg);
}

static const size_t mpmc_caps[] = { 0, 1, 64 };

static void
main_mpmc(void *arg)
{
	struct mpmc *m = arg;
	uint64_t per = (uint64_t)m->per;

	TU_WG_ADD(&m->prod_wg, NPROD);
	TU_WG_ADD(&m->cons_wg, NCONS);
	for (int i = 0; i < NCONS; i++)
		TU_GO(consumer, m);
	for (int i = 0; i < NPROD; i++)
		TU_GO(producer, m);
	gs_wg_wait(&m->prod_wg);
	ck_assert_int_eq(gs_chan_close(m->c), 0);
	gs_wg_wait(&m->cons_wg);
	ck_assert_uint_eq(atomic_load(&m->count), NPROD * per);
	ck_assert_uint_eq(atomic_load(&m->sum), NPROD * per * (per + 1) / 2);
}

START_TEST(test_mpmc)
{
	struct mpmc m;

	memset(&m, 0, sizeof(m));
	m.per = TU_SCALE(PER_PROD);
	m.c = gs_chan_make(sizeof(uint64_t), mpmc_caps[_i]);
	ck_assert_ptr_nonnull(m.c);
	tu_run(main_mpmc, &m, 2);
	gs_chan_free(m.c);
}
END_TEST

/* ---- waiters: queue order and the hand-off to runnext ----------------------------------- */

#define NWAIT 8

struct waiters {
	gs_chan *c;
	int got[NWAIT]; /* by waiter: the value it received */
	gs_waitgroup wg;
};

struct waiter {
	struct waiters *w;
	int idx;
};

static void
recv_into_slot(void *arg)
{
	struct waiter *me = arg;
	int v = -1;

	ck_assert_int_eq(gs_chan_recv(me->w->c, &v), 1);
	me->w->got[me->idx] = v;
	TU_WG_DONE(&me->w->wg);
}

static void
send_own_index(void *arg)
{
	struct waiter *me = arg;

	ck_assert_int_eq(gs_chan_send(me->w->c, &me->idx), 0);
	TU_WG_DONE(&me->w->wg);
}

/* Blocked receivers, then blocked senders, are served in the order they
 * blocked (Go's FIFO sudog queues), whoever runs first afterwards. */
GS_MAIN_TEST(test_waiters_fifo, 2)
{
	struct waiters w = { .c = mkchan(sizeof(int), 0) };
	struct waiter ws[NWAIT];
	int v;

	TU_WG_ADD(&w.wg, NWAIT);
	for (int i = 0; i < NWAIT; i++) {
		ws[i] = (struct waiter){ &w, i };
		TU_GO(recv_into_slot, &ws[i]);
		/* The next one blocks only after this one: the queue's order. */
		ck_assert_int_eq(tu_wait_waiting(GS_WAIT_CHAN_RECV, i + 1, TU_SEC(10)), i + 1);
	}
	for (int i = 0; i < NWAIT; i++)
		ck_assert_int_eq(gs_chan_send(w.c, &i), 0);
	gs_wg_wait(&w.wg);
	for (int i = 0; i < NWAIT; i++)
		if (w.got[i] != i)
			ck_abort_msg("receiver %d, blocked %d-th, got %d", i, i, w.got[i]);

	TU_WG_ADD(&w.wg, NWAIT);
	for (int i = 0; i < NWAIT; i++) {
		TU_GO(send_own_index, &ws[i]);
		ck_assert_int_eq(tu_wait_waiting(GS_WAIT_CHAN_SEND, i + 1, TU_SEC(10)), i + 1);
	}
	for (int i = 0; i < NWAIT; i++) {
		ck_assert_int_eq(gs_chan_recv(w.c, &v), 1);
		if (v != i)
			ck_abort_msg("receive %d came from the sender blocked %d-th", i, v);
	}
	gs_wg_wait(&w.wg);
	gs_chan_free(w.c);
}

struct handoff {
	gs_chan *c, *d;
	_Atomic int n;
	char log[8];
	gs_waitgroup wg;
};

static void
handoff_log(struct handoff *h, char who)
{
	int i = atomic_fetch_add(&h->n, 1);

	if (i < (int)sizeof h->log)
		h->log[i] = who;
}

static void
handoff_waiter(void *arg)
{
	struct handoff *h = arg;
	int v;

	ck_assert_int_eq(gs_chan_recv(h->c, &v), 1);
	handoff_log(h, 'W');
	ck_assert_int_eq(gs_chan_send(h->d, &v), 0);
	TU_WG_DONE(&h->wg);
}

static void
handoff_bystander(void *arg)
{
	struct handoff *h = arg;

	handoff_log(h, 'b');
	TU_WG_DONE(&h->wg);
}

/*
 * One P: a send readies the blocked receiver into runnext, and when the sender
 * then blocks, the receiver runs next, ahead of the goroutines already queued;
 * its answer readies the sender the same way.  The bystanders run after both,
 * in their queue order.  (A long slice, so sysmon does not move runnext to the
 * queue's tail in between.)
 */
static void
handoff_main(void *arg)
{
	struct handoff *h = arg;
	int v = 7;

	TU_WG_ADD(&h->wg, 4);
	TU_GO(handoff_waiter, h);
	ck_assert_int_eq(tu_wait_waiting(GS_WAIT_CHAN_RECV, 1, TU_SEC(10)), 1);
	for (int i = 0; i < 3; i++)
		TU_GO(handoff_bystander, h);
	ck_assert_int_eq(gs_chan_send(h->c, &v), 0);
	ck_assert_int_eq(gs_chan_recv(h->d, &v), 1);
	handoff_log(h, 'M');
	gs_wg_wait(&h->wg);
	ck_assert_int_eq(atomic_load(&h->n), 5);
	ck_assert_msg(memcmp(h->log, "WMbbb", 5) == 0, "ran in the order %.5s, not WMbbb", h->log);
}

START_TEST(test_handoff_runs_next)
{
	struct handoff h = { .c = mkchan(sizeof(int), 0), .d = mkchan(sizeof(int), 0) };

	tu_run_long_slice(handoff_main, &h, 1);
	gs_chan_free(h.c);
	gs_chan_free(h.d);
}
END_TEST

/*
 * Two goroutines ping-pong over two unbuffered channels: the pinger starts
 * once the ponger waits to receive, so that each send readies the ponger and
 * each receive parks (at the top of the pinger's loop runnext is empty).  It
 * stops after n round trips or once flag is up, and closes ping.  With a
 * spawn, after 100 round trips it spawns that goroutine: into runnext, from
 * where the ponger readied by the next send kicks it to the local queue.
 */
struct pingpong {
	gs_chan *ping, *pong;
	uint64_t n;
	void (*spawn)(void *);
	_Atomic bool flag;
	_Atomic uint64_t trips;
	gs_waitgroup wg;
};

static void
pinger(void *arg)
{
	struct pingpong *pp = arg;
	int v = 0;

	ck_assert_int_eq(tu_wait_waiting(GS_WAIT_CHAN_RECV, 1, TU_SEC(10)), 1);
	while (!atomic_load(&pp->flag)) {
		uint64_t trip = atomic_fetch_add(&pp->trips, 1);
		if (trip >= pp->n)
			break;
		if (pp->spawn != NULL) {
			if (trip == 100)
				TU_GO(pp->spawn, pp);
			tu_spin_ns(2000);
		}
		ck_assert_int_eq(gs_chan_send(pp->ping, &v), 0);
		ck_assert_int_eq(gs_chan_recv(pp->pong, &v), 1);
	}
	ck_assert_int_eq(gs_chan_close(pp->ping), 0);
	TU_WG_DONE(&pp->wg);
}

static void
ponger(void *arg)
{
	struct pingpong *pp = arg;
	int v;

	while (gs_chan_recv(pp->ping, &v) == 1)
		ck_assert_int_eq(gs_chan_send(pp->pong, &v), 0);
	TU_WG_DONE(&pp->wg);
}

static void
pingpong_run(struct pingpong *pp)
{
	TU_WG_ADD(&pp->wg, pp->spawn ? 3 : 2);
	TU_GO(ponger, pp);
	TU_GO(pinger, pp);
	gs_wg_wait(&pp->wg);
}

#define PINGPONG_N 10000

/*
 * Two goroutines ping-ponging on one P hand it to each other through runnext,
 * and each inherits the other's time slice: most of the 2N switches count as
 * runnext hits, not as new scheduler ticks (only an expired slice or the
 * one-in-61 turn of a non-empty global queue starts a new one).
 */
static void
inherit_main(void *arg)
{
	struct pingpong *pp = arg;
	gs_snapshot *s = gs_snapshot_new(0, 0);
	gs_stats st0, st1;

	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(gs_snapshot_take(s), 0);
	uint32_t tick0 = s->p[0].schedtick;
	ck_assert_int_eq(gs_read_stats(&st0), 0);
	pingpong_run(pp);
	ck_assert_int_eq(gs_read_stats(&st1), 0);
	ck_assert_int_eq(gs_snapshot_take(s), 0);
	uint32_t ticks = s->p[0].schedtick - tick0;
	uint64_t hits = st1.runnext_hits - st0.runnext_hits;
	gs_snapshot_free(s);
	if (hits < PINGPONG_N || ticks > PINGPONG_N)
		ck_abort_msg("%d round trips: %" PRIu64 " runnext hits, %u new ticks", PINGPONG_N,
		    hits, ticks);
}

START_TEST(test_pingpong_inherits)
{
	struct pingpong pp = { .ping = mkchan(sizeof(int), 0),
		.pong = mkchan(sizeof(int), 0),
		.n = PINGPONG_N };

	tu_run_long_slice(inherit_main, &pp, 1);
	gs_chan_free(pp.ping);
	gs_chan_free(pp.pong);
}
END_TEST

/* Starvation is judged by round trips, not by the clock (as check_sched's
 * fairness tests do): a loaded machine slows the pair as much as the one that
 * waits.  A fair scheduler lets the waiting goroutine run within a slice or two
 * of round trips (about 3k here for the local queue, 12k for the global one);
 * the limit is far above that and still ends the test in time if it starves. */
#define FAIR_ROUNDTRIPS 1000000

static void
fair_flagger(void *arg)
{
	struct pingpong *pp = arg;

	atomic_store(&pp->flag, true);
	TU_WG_DONE(&pp->wg);
}

static void
fair_yield_then_flag(void *arg)
{
	gs_yield(); /* to the global queue */
	fair_flagger(arg);
}

/*
 * One P and two goroutines handing it to each other through runnext for ever:
 * a goroutine waiting in the local queue (variant 0) or in the global queue
 * (variant 1: it yields there first) must still get to run, as the inherited
 * time slice expires, and not starve.
 */
static void
fair_pingpong_main(void *arg)
{
	struct pingpong *pp = arg;

	pingpong_run(pp);
	/* More than n: the pinger stopped at its limit, not at the flag. */
	ck_assert_msg(atomic_load(&pp->trips) <= pp->n,
	    "variant %d: the waiting goroutine starved behind %" PRIu64 " round trips",
	    pp->spawn == fair_flagger ? 0 : 1, pp->n);
	ck_assert(atomic_load(&pp->flag));
}

START_TEST(test_fair_pingpong)
{
	struct pingpong pp = { .ping = mkchan(sizeof(int), 0),
		.pong = mkchan(sizeof(int), 0),
		.n = FAIR_ROUNDTRIPS,
		.spawn = _i == 0 ? fair_flagger : fair_yield_then_flag };

	tu_run(fair_pingpong_main, &pp, 1);
	gs_chan_free(pp.ping);
	gs_chan_free(pp.pong);
}
END_TEST

/* ---- zero-size elements and bad arguments -------------------------------------------------- */

static void
send_signals(void *arg)
{
	struct pc *pc = arg;
	char dummy = 0;

	for (int i = 0; i < pc->n; i++)
		ck_assert_int_eq(gs_chan_send(pc->c, &dummy), 0);
	TU_WG_DONE(&pc->wg);
}

GS_MAIN_TEST(test_zero_size_elems, 2)
{
	gs_chan *b = mkchan(0, 5);
	struct pc pc = { .c = mkchan(0, 0), .n = 1000 };
	char dummy = 0;

	/* Buffered: counts without storage. */
	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(gs_chan_trysend(b, &dummy), 1);
	ck_assert_int_eq(gs_chan_trysend(b, &dummy), 0);
	ck_assert_uint_eq(gs_chan_len(b), 5);
	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(gs_chan_recv(b, NULL), 1);
	ck_assert_int_eq(gs_chan_tryrecv(b, NULL), 0);
	ck_assert_int_eq(gs_chan_close(b), 0);
	ck_assert_int_eq(gs_chan_recv(b, &dummy), 0);

	/* Unbuffered: pure synchronization. */
	TU_WG_ADD(&pc.wg, 1);
	TU_GO(send_signals, &pc);
	for (int i = 0; i < pc.n; i++)
		ck_assert_int_eq(gs_chan_recv(pc.c, NULL), 1);
	gs_wg_wait(&pc.wg);

	/* And through select. */
	gs_select_case cs[1] = { { .chan = b, .dir = GS_SELECT_RECV, .elem = NULL } };
	ck_assert_int_eq(gs_select(cs, 1, false, NULL), 0);
	ck_assert(!cs[0].ok);
	gs_chan_free(b);
	gs_chan_free(pc.c);
}

GS_MAIN_TEST(test_bad_args, 1)
{
	int v = 0;
	gs_select_case many[65];
	gs_chan *c = mkchan(sizeof(int), 1);

	ck_assert_ptr_null(gs_chan_make(64 * 1024 + 1, 1));
	gs_chan *edge = gs_chan_make(64 * 1024, 1);
	ck_assert_ptr_nonnull(edge);
	gs_chan_free(edge);
	ck_assert_int_eq(gs_chan_send(NULL, &v), GS_EINVAL);
	ck_assert_int_eq(gs_chan_recv(NULL, &v), GS_EINVAL);

	/* 64 cases are allowed, 65 are not. */
	for (int i = 0; i < 65; i++)
		many[i] = (gs_select_case){ .chan = NULL, .dir = GS_SELECT_RECV, .elem = &v };
	many[63].chan = c;
	ck_assert_int_eq(gs_chan_send(c, &v), 0);
	ck_assert_int_eq(gs_select(many, 64, true, NULL), 63);
	ck_assert_int_lt(gs_select(many, 65, true, NULL), 0);
	gs_chan_free(c);
}

/* The return table at the top of gsched.h's channel section, row by row:
 * a caller that reads it gets what it says. */
START_TEST(test_return_table_outside)
{
	gs_chan *c = gs_chan_make(sizeof(int), 1);
	int v = 1;
	gs_select_case cs[1] = { { .chan = c, .dir = GS_SELECT_RECV, .elem = &v } };

	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(gs_chan_send(c, &v), GS_ENOTRUN);
	ck_assert_int_eq(gs_chan_recv(c, &v), GS_ENOTRUN);
	ck_assert_int_eq(gs_chan_trysend(c, &v), GS_ENOTRUN);
	ck_assert_int_eq(gs_chan_tryrecv(c, &v), GS_ENOTRUN);
	ck_assert_int_eq(gs_select(cs, 1, true, NULL), GS_ENOTRUN);
	ck_assert_int_eq(gs_chan_close(NULL), GS_EINVAL);
	ck_assert_uint_eq(gs_chan_len(NULL), 0);
	ck_assert_uint_eq(gs_chan_cap(NULL), 0);
	gs_chan_free(c);
}
END_TEST

GS_MAIN_TEST(test_return_table, 1)
{
	gs_chan *c = mkchan(sizeof(int), 1);
	int v = 7, got = 0;
	gs_select_case cs[1] = { { .chan = c, .dir = GS_SELECT_RECV, .elem = &got } };

	ck_assert_int_eq(gs_select(cs, 1, true, NULL), -1); /* default */
	ck_assert_int_eq(gs_chan_tryrecv(c, &got), 0);      /* would block */
	ck_assert_int_eq(gs_chan_send(c, &v), 0);           /* sent: 0 */
	ck_assert_int_eq(gs_chan_trysend(c, &v), 0);        /* would block */
	ck_assert_int_eq(gs_chan_recv(c, &got), 1);         /* value: 1 */
	ck_assert_int_eq(got, 7);
	ck_assert_int_eq(gs_chan_trysend(c, &v), 1);   /* sent: 1 */
	ck_assert_int_eq(gs_chan_tryrecv(c, &got), 1); /* value: 1 */
	ck_assert_int_eq(gs_chan_send(c, &v), 0);
	ck_assert_int_eq(gs_select(cs, 1, true, NULL), 0); /* the case's index */
	ck_assert(cs[0].ok);
	ck_assert_int_eq(gs_chan_close(c), 0);
	ck_assert_int_eq(gs_chan_close(c), GS_ECLOSED);
	ck_assert_int_eq(gs_chan_send(c, &v), GS_ECLOSED);
	ck_assert_int_eq(gs_chan_trysend(c, &v), GS_ECLOSED);
	got = 5;
	ck_assert_int_eq(gs_chan_recv(c, &got), 0); /* closed, drained: 0 */
	ck_assert_int_eq(got, 0);
	ck_assert_int_eq(gs_chan_tryrecv(c, &got), GS_ECLOSED); /* ... here an error */
	ck_assert_int_eq(gs_chan_send(NULL, &v), GS_EINVAL);
	ck_assert_int_eq(gs_chan_trysend(NULL, &v), GS_EINVAL);
	ck_assert_int_eq(gs_chan_tryrecv(NULL, &v), GS_EINVAL);
	ck_assert_int_eq(gs_select(NULL, 1, false, NULL), GS_EINVAL);
	gs_chan_free(c);
}

static Suite *
chan_suite(void)
{
	Suite *s = suite_create("chan");
	TCase *tc;

	tc = tu_tcase("basic", 60);
	tcase_add_test(tc, test_unbuffered_order);
	tcase_add_test(tc, test_unbuffered_rendezvous);
	tcase_add_test(tc, test_buffered_fifo);
	tcase_add_test(tc, test_buffered_blocking);
	tcase_add_test(tc, test_close_semantics);
	tcase_add_test(tc, test_close_wakes_all);
	tcase_add_test(tc, test_try_ops);
	tcase_add_test(tc, test_zero_size_elems);
	tcase_add_test(tc, test_bad_args);
	tcase_add_test(tc, test_return_table_outside);
	tcase_add_test(tc, test_return_table);
	suite_add_tcase(s, tc);

	tc = tu_tcase("handoff", 60);
	tcase_add_test(tc, test_waiters_fifo);
	tcase_add_test(tc, test_handoff_runs_next);
	tcase_add_test(tc, test_pingpong_inherits);
	suite_add_tcase(s, tc);

	tc = tu_tcase("fairness", 120);
	tcase_add_loop_test(tc, test_fair_pingpong, 0, 2);
	suite_add_tcase(s, tc);

	tc = tu_tcase("select", 60);
	tcase_add_test(tc, test_select_default);
	tcase_add_test(tc, test_select_blocking);
	tcase_add_test(tc, test_select_fairness);
	tcase_add_test(tc, test_select_closed);
	tcase_add_test(tc, test_select_wake_race);
	suite_add_tcase(s, tc);

	tc = tu_tcase("mpmc", 120);
	tcase_add_loop_test(tc, test_mpmc, 0, 3);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run_suite(chan_suite());
}
