/*
 * check_godebug.c - the GODEBUG=schedtrace parser (format/godebug.h) on real
 * Go 1.19.8 logs and on hand-checked excerpts of later releases' formats
 * (tests/fixtures/godebug/README): the figures of each, CR line ends, garbage
 * lines, a log cut in a block, unknown fields, a stream that is not Go's,
 * and the batch output of a log.  Runs without Go.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "format/godebug.h"
#include "format/record.h"
#include "format/schedtrace.h"

#ifndef GODEBUG_FIXTURES
#define GODEBUG_FIXTURES "tests/fixtures/godebug"
#endif

#define FIX(name) GODEBUG_FIXTURES "/" name

/* Every tick of a log, copied (the reader's are valid until its next call). */
typedef struct ticks {
	int n;
	gs_snapshot snap[32];
	gs_snap_p p[32][8];
	gs_snap_m m[32][16];
	gs_snap_ginfo g[32][24];
	char gwait[32][24][48];
	int gstat[32][24];
	gs_event ev[32][4];
	tick_data t[32];
	char unknown[32][256];
	tick_info info;
	char format[96];
	unsigned lacks;
	long other;
	int rc; /* godebug_next's last result */
	char err[600];
} ticks;

static ticks *
read_log(const char *path)
{
	ticks *k = calloc(1, sizeof *k);
	char err[600];
	godebug_reader *r = godebug_open(path, err, sizeof err);
	tick_data t;

	ck_assert_msg(r != NULL, "%s", err);
	while ((k->rc = godebug_next(r, &t)) > 0) {
		ck_assert_int_lt(k->n, 32);
		int i = k->n++;
		ck_assert_int_le(t.snap->np, 8);
		ck_assert_int_le(t.snap->nm, 16);
		ck_assert_int_le(t.ng, 24);
		ck_assert_int_le(t.nev, 4);
		k->snap[i] = *t.snap;
		memcpy(k->p[i], t.snap->p, (size_t)t.snap->np * sizeof *t.snap->p);
		if (t.snap->nm > 0)
			memcpy(k->m[i], t.snap->m, (size_t)t.snap->nm * sizeof *t.snap->m);
		k->snap[i].p = k->p[i];
		k->snap[i].m = k->m[i];
		if (t.gl)
			memcpy(k->g[i], t.gl, (size_t)t.ng * sizeof *t.gl);
		if (t.nev > 0)
			memcpy(k->ev[i], t.ev, (size_t)t.nev * sizeof *t.ev);
		ck_assert_ptr_nonnull(t.extra);
		for (int j = 0; j < t.ng; j++) {
			snprintf(k->gwait[i][j], sizeof k->gwait[i][j], "%s", t.extra->gwait[j]);
			k->gstat[i][j] = t.extra->gstatus_go[j];
		}
		snprintf(k->unknown[i], sizeof k->unknown[i], "%s", t.extra->unknown);
		k->t[i] = t;
		k->t[i].snap = &k->snap[i];
		k->t[i].gl = t.gl ? k->g[i] : NULL;
		k->t[i].ev = k->ev[i];
	}
	snprintf(k->err, sizeof k->err, "%s", godebug_error(r));
	k->info = *godebug_reader_info(r);
	snprintf(k->format, sizeof k->format, "%s", godebug_format(godebug_reader_parser(r)));
	k->lacks = godebug_lacks(godebug_reader_parser(r));
	k->other = godebug_other_lines(godebug_reader_parser(r));
	godebug_close(r);
	return k;
}

static const gs_snap_m *
m_of(const ticks *k, int tick, int64_t id)
{
	for (int i = 0; i < k->snap[tick].nm; i++)
		if (k->m[tick][i].id == id)
			return &k->m[tick][i];
	ck_abort_msg("tick %d has no M%lld", tick, (long long)id);
	return NULL;
}

/* The goroutine id of tick's list, with its Go wait text and status. */
static const gs_snap_ginfo *
g_of(const ticks *k, int tick, int64_t id, const char **wait, int *gostatus)
{
	for (int i = 0; i < k->t[tick].ng; i++)
		if (k->g[tick][i].id == id) {
			if (wait)
				*wait = k->gwait[tick][i];
			if (gostatus)
				*gostatus = k->gstat[tick][i];
			return &k->g[tick][i];
		}
	ck_abort_msg("tick %d has no G%lld", tick, (long long)id);
	return NULL;
}

#define ALWAYS                                                                                     \
	(TICK_LACKS_STEALS | TICK_LACKS_EVENTS | TICK_LACKS_ACCOUNTING | TICK_EVENTS_INFERRED)
#define PLAIN (ALWAYS | TICK_LACKS_MS | TICK_LACKS_GOROUTINES | TICK_LACKS_PSTATUS)

/* A log read whole: n ticks in the format named, lacking what lacks says. */
static ticks *
read_ok(const char *path, int n, const char *format, unsigned lacks)
{
	ticks *k = read_log(path);

	ck_assert_msg(k->rc == 0, "%s", k->err);
	ck_assert_int_eq(k->n, n);
	ck_assert_str_eq(k->format, format);
	ck_assert_str_eq(k->info.created_by, format);
	ck_assert_uint_eq(k->lacks, lacks);
	ck_assert_uint_eq(k->info.lacks, lacks);
	ck_assert_int_eq(k->info.ticks, n);
	return k;
}

/* ---- each format ------------------------------------------------------------ */

START_TEST(t_go119_detail)
{
	ticks *k = read_ok(FIX("go1.19-detail.txt"), 13, "Go 1.19-1.20 schedtrace with scheddetail",
	    ALWAYS);
	const char *w;
	int gs;

	ck_assert_int_eq(k->info.procs, 4);
	ck_assert_int_eq(k->other, 2); /* prog: started, prog: done */

	/* SCHED 114ms: gomaxprocs=4 idleprocs=0 threads=10 ... runqueue=2 */
	const gs_snapshot *s = &k->snap[1];
	ck_assert_uint_eq(s->time_ns, GODEBUG_START_NS + 114 * 1000000ULL);
	ck_assert_int_eq(s->np, 4);
	ck_assert_int_eq(s->stats.gomaxprocs, 4);
	ck_assert_int_eq(s->stats.idle_procs, 0);
	ck_assert_int_eq(s->stats.threads, 9); /* threads=10 less m0 */
	ck_assert_int_eq(s->nm_total, 10);
	ck_assert_int_eq(s->nm, 10);
	ck_assert_int_eq(s->stats.global_runq, 2);
	ck_assert_uint_eq(s->glob_len, 2); /* the row the view paints */
	ck_assert_int_eq(s->stats.nmidlelocked, 1);
	/* a thread count above GOMAXPROCS while system calls block */
	ck_assert_int_gt(s->stats.threads + 1, s->stats.gomaxprocs);
	/* P0: status=1 schedtick=8 syscalltick=5 m=8 runqsize=0 ... timerslen=1 */
	ck_assert_int_eq(s->p[0].status, GS_PSTATE_RUNNING);
	ck_assert_int_eq(s->p[0].m, 8);
	ck_assert_uint_eq(s->p[0].schedtick, 8);
	ck_assert_uint_eq(s->p[0].syscalltick, 5);
	ck_assert_int_eq(s->p[0].timers, 1);
	ck_assert_int_eq(s->p[0].curg.id, 6); /* M8: p=0 curg=6 */
	ck_assert_int_eq(s->p[0].curg_status, GS_G_RUNNING);
	ck_assert_int_eq(s->p[2].m, 9);
	ck_assert_int_eq(s->p[2].timers, 3);
	ck_assert_uint_eq(s->p[2].schedtick, 12);
	/* M-P pairing both ways */
	for (int i = 0; i < s->np; i++)
		if (m_of(k, 1, s->p[i].m)->p != i)
			ck_abort_msg("P%d's M%lld does not hold it", i, (long long)s->p[i].m);
	/* M7: p=-1 curg=15, G15 in a system call */
	ck_assert_int_eq(m_of(k, 1, 7)->p, -1);
	ck_assert_int_eq(m_of(k, 1, 7)->curg, 15);
	ck_assert_int_eq(m_of(k, 1, 7)->state, GS_MSTATE_SYSCALL);
	ck_assert_int_eq(m_of(k, 1, 5)->state, GS_MSTATE_IDLE); /* blocked=true */
	ck_assert_int_eq(m_of(k, 1, 0)->lockedg, 18);
	ck_assert_int_eq(m_of(k, 1, 9)->state, GS_MSTATE_RUNNING);
	/* goroutines: 18 lines, newest first */
	ck_assert_int_eq(k->t[1].ng, 18);
	ck_assert_int_eq(k->t[1].ng_total, 18);
	ck_assert_int_eq(k->g[1][0].id, 18);
	ck_assert_int_eq(k->g[1][17].id, 1);
	ck_assert_int_eq(g_of(k, 1, 1, &w, &gs)->status, GS_G_WAITING);
	ck_assert_int_eq(g_of(k, 1, 1, &w, &gs)->waitreason, GS_WAIT_SLEEP);
	ck_assert_str_eq(w, "sleep");
	ck_assert_int_eq(gs, 4);
	/* a reason gsched does not have: the text kept, the number none */
	ck_assert_int_eq(g_of(k, 1, 2, &w, NULL)->waitreason, GS_WAIT_NONE);
	ck_assert_str_eq(w, "force gc (idle)");
	ck_assert_int_eq(g_of(k, 1, 18, &w, NULL)->waitreason, GS_WAIT_CHAN_RECV);
	ck_assert_int_eq(g_of(k, 1, 15, NULL, &gs)->status, GS_G_SYSCALL);
	ck_assert_int_eq(g_of(k, 1, 15, NULL, NULL)->m, 7);
	ck_assert_int_eq(s->stats.in_syscall, 3);
	ck_assert_int_eq(s->stats.by_status[GS_G_SYSCALL], 3);
	ck_assert_int_eq(s->stats.by_status[GS_G_RUNNING], 4);
	ck_assert_int_eq(s->stats.goroutines, 18);
	ck_assert_int_eq(s->stats.by_waitreason[GS_WAIT_SLEEP], 1);
	/* no steal, no event but the inferred hand-offs */
	ck_assert_int_eq(k->t[1].nev, 0);
	ck_assert_int_eq(k->t[2].nev, 0);
	/* 242ms -> 347ms: P0 went from M8 to M2 and P2 from M9 to M4 while M8
	 * and M9 sat in system calls (G16, G17) */
	ck_assert_int_eq(k->t[3].nev, 2);
	const gs_event *e = &k->ev[3][0];
	ck_assert_int_eq(e->kind, GS_EV_HANDOFF);
	ck_assert_int_eq(e->p, 0);
	ck_assert_int_eq(e->m, 8);
	ck_assert_int_eq(e->m2, 2);
	ck_assert_int_eq(e->g, 16);
	ck_assert_uint_eq(e->time_ns, k->snap[3].time_ns);
	ck_assert_int_eq(k->ev[3][1].p, 2);
	ck_assert_int_eq(k->ev[3][1].m, 9);
	ck_assert_int_eq(k->ev[3][1].m2, 4);
	ck_assert_int_eq(k->ev[3][1].g, 17);
	ck_assert_uint_eq(k->snap[3].stats.handoffs, 2);
	ck_assert_uint_eq(k->snap[6].stats.handoffs, 3); /* and 1 at 696ms */
	/* 568ms: P3: status=2 (_Psyscall) m=-1 runqsize=1; its M6 is no hand-off */
	ck_assert_int_eq(k->p[5][3].status, GS_PSTATE_SYSCALL);
	ck_assert_int_eq(k->p[5][3].m, -1);
	ck_assert_uint_eq(k->p[5][3].runq_len, 1);
	ck_assert_int_eq(k->t[5].nev, 0);
	ck_assert_int_eq(k->snap[5].stats.idle_threads, 3);
	/* the first block: nmidlelocked=-1 as Go 1.19 prints it at start */
	ck_assert_int_eq(k->snap[0].stats.nmidlelocked, -1);
	ck_assert_int_eq(k->snap[0].stats.idle_procs, 3);
	ck_assert_int_eq(k->t[0].ng, 4);
	free(k);
}
END_TEST

START_TEST(t_go119_plain)
{
	ticks *k =
	    read_ok(FIX("go1.19-plain.txt"), 13, "Go 1.19-1.20 schedtrace, totals only", PLAIN);

	ck_assert_int_eq(k->other, 2);
	/* SCHED 0ms: gomaxprocs=4 idleprocs=2 threads=5 spinningthreads=1
	 * idlethreads=2 runqueue=0 [0 8 0 0] */
	const gs_snapshot *s = &k->snap[0];
	ck_assert_int_eq(s->stats.idle_procs, 2);
	ck_assert_int_eq(s->stats.threads, 4);
	ck_assert_int_eq(s->stats.spinning_threads, 1);
	ck_assert_int_eq(s->stats.idle_threads, 2);
	ck_assert_int_eq(s->np, 4);
	ck_assert_uint_eq(s->p[1].runq_len, 8);
	ck_assert_uint_eq(s->p[0].runq_len, 0);
	ck_assert_int_eq(s->nm, 0);
	ck_assert_ptr_null(k->t[0].gl);
	for (int i = 0; i < s->np; i++)
		if (s->p[i].status != -1 || s->p[i].m != -1)
			ck_abort_msg("P%d: status %d m %lld, not said by plain schedtrace", i,
			    s->p[i].status, (long long)s->p[i].m);
	/* SCHED 1083ms: ... idlethreads=2 runqueue=3 [0 0 0 1] */
	ck_assert_uint_eq(k->snap[10].time_ns, GODEBUG_START_NS + 1083 * 1000000ULL);
	ck_assert_int_eq(k->snap[10].stats.global_runq, 3);
	ck_assert_uint_eq(k->snap[10].glob_len, 3);
	ck_assert_uint_eq(k->p[10][3].runq_len, 1);
	/* the last: idleprocs=4 threads=9 */
	ck_assert_int_eq(k->snap[12].stats.idle_procs, 4);
	ck_assert_int_eq(k->snap[12].stats.threads, 8);
	free(k);
}
END_TEST

START_TEST(t_go119_gcstop)
{
	/* a real stop-the-world (runtime.GC) under way */
	ticks *k = read_ok(FIX("go1.19-gcstop.txt"), 1, "Go 1.19-1.20 schedtrace with scheddetail",
	    ALWAYS);
	const gs_snapshot *s = &k->snap[0];
	const char *w;

	ck_assert(s->stats.gcwaiting);
	ck_assert_int_eq(s->stats.stopwait, 1);
	ck_assert(!s->stats.sysmonwait);
	ck_assert_int_eq(s->stats.idle_threads, 3);
	ck_assert_int_eq(s->stats.global_runq, 1);
	ck_assert_int_eq(s->p[0].status, GS_PSTATE_RUNNING);
	for (int i = 1; i < 4; i++)
		if (s->p[i].status != GS_PSTATE_GCSTOP)
			ck_abort_msg("P%d: status %d", i, s->p[i].status);
	ck_assert_uint_eq(s->p[0].schedtick, 150663);
	/* M0 spins on P0; M5 holds P2 asleep until the others stop */
	ck_assert_int_eq(m_of(k, 0, 0)->state, GS_MSTATE_SPINNING);
	ck_assert_int_eq(s->p[0].curg.id, 0);
	ck_assert_int_eq(m_of(k, 0, 5)->state, GS_MSTATE_SCHED);
	ck_assert_int_eq(s->p[2].m, 5);
	ck_assert_int_eq(s->p[2].curg.id, 5);
	ck_assert_int_eq(m_of(k, 0, 2)->state, GS_MSTATE_IDLE);
	ck_assert_int_eq(g_of(k, 0, 1, &w, NULL)->waitreason, GS_WAIT_SEMACQUIRE);
	/* runnable with the reason of its last wait: the text kept, no reason */
	ck_assert_int_eq(g_of(k, 0, 3, &w, NULL)->status, GS_G_RUNNABLE);
	ck_assert_int_eq(g_of(k, 0, 3, NULL, NULL)->waitreason, GS_WAIT_NONE);
	ck_assert_str_eq(w, "GC sweep wait");
	ck_assert_int_eq(s->stats.by_waitreason[GS_WAIT_SEMACQUIRE], 4);
	ck_assert_int_eq(s->stats.by_waitreason[GS_WAIT_NONE], 6);
	ck_assert_int_eq(s->stats.goroutines, 12);
	free(k);
}
END_TEST

START_TEST(t_go121_detail)
{
	ticks *k =
	    read_ok(FIX("go1.21-detail.txt"), 2, "Go 1.21 schedtrace with scheddetail", ALWAYS);
	const char *w;

	const gs_snapshot *s = &k->snap[1];
	ck_assert_int_eq(s->stats.needspinning, 1);
	ck_assert_int_eq(s->stats.spinning_threads, 1);
	ck_assert_int_eq(s->stats.global_runq, 3);
	ck_assert_int_eq(s->stats.threads, 4);
	ck_assert_int_eq(s->p[0].status, GS_PSTATE_SYSCALL);
	ck_assert_uint_eq(s->p[0].runq_len, 2);
	ck_assert_int_eq(s->p[0].gfreecnt, 1);
	ck_assert_uint_eq(s->p[1].runq_len, 5);
	ck_assert_int_eq(s->p[1].m, 4);
	ck_assert_int_eq(s->p[1].curg.id, 0); /* M4 spins, runs nothing */
	ck_assert_int_eq(m_of(k, 1, 4)->state, GS_MSTATE_SPINNING);
	ck_assert(m_of(k, 1, 4)->spinning);
	ck_assert_int_eq(m_of(k, 1, 3)->state, GS_MSTATE_SYSCALL);
	ck_assert_int_eq(m_of(k, 1, 0)->state, GS_MSTATE_IDLE);
	ck_assert_int_eq(g_of(k, 1, 9, &w, NULL)->waitreason, GS_WAIT_SEMACQUIRE);
	ck_assert_int_eq(g_of(k, 1, 10, &w, NULL)->waitreason, GS_WAIT_SELECT);
	ck_assert_int_eq(g_of(k, 1, 11, NULL, NULL)->status, GS_G_DEAD);
	ck_assert_int_eq(s->stats.goroutines, 10); /* G11 is dead */
	ck_assert_int_eq(s->stats.by_status[GS_G_DEAD], 1);
	ck_assert_int_eq(s->stats.by_status[GS_G_RUNNABLE], 1);
	/* tick 0: M0 runs G1 on P0 */
	ck_assert_int_eq(k->p[0][0].curg.id, 1);
	ck_assert_int_eq(k->p[0][1].status, GS_PSTATE_IDLE);
	ck_assert_int_eq(k->p[0][1].m, -1);
	free(k);
}
END_TEST

START_TEST(t_go122_detail)
{
	ticks *k =
	    read_ok(FIX("go1.22-detail.txt"), 2, "Go 1.22+ schedtrace with scheddetail", ALWAYS);
	const char *w;

	/* nil ids are none */
	ck_assert_int_eq(k->p[1][1].m, -1);
	ck_assert_int_eq(m_of(k, 1, 4)->p, -1);
	ck_assert_int_eq(m_of(k, 1, 4)->curg, 0);
	ck_assert_int_eq(g_of(k, 0, 7, NULL, NULL)->m, -1);
	ck_assert_int_eq(g_of(k, 0, 1, &w, NULL)->waitreason, GS_WAIT_WAITGROUP);
	ck_assert_int_eq(g_of(k, 0, 8, &w, NULL)->waitreason, GS_WAIT_IO);
	ck_assert_str_eq(w, "IO wait");
	/* P0 from M0 to M2, P1 from M3 to the idle list, both Ms in system
	 * calls with the goroutines they ran */
	ck_assert_int_eq(k->t[1].nev, 2);
	ck_assert_int_eq(k->ev[1][0].p, 0);
	ck_assert_int_eq(k->ev[1][0].m, 0);
	ck_assert_int_eq(k->ev[1][0].m2, 2);
	ck_assert_int_eq(k->ev[1][0].g, 5);
	ck_assert_int_eq(k->ev[1][1].p, 1);
	ck_assert_int_eq(k->ev[1][1].m, 3);
	ck_assert_int_eq(k->ev[1][1].m2, -1);
	ck_assert_int_eq(k->ev[1][1].g, 6);
	ck_assert_int_eq(k->snap[1].stats.in_syscall, 2);
	free(k);
}
END_TEST

START_TEST(t_gonew_detail)
{
	ticks *k =
	    read_ok(FIX("gonew-detail.txt"), 1, "Go 1.22+ schedtrace with scheddetail", ALWAYS);
	const char *w;
	int gs;

	/* _Prunning under an M whose goroutine is in a system call */
	ck_assert_int_eq(k->p[0][0].status, GS_PSTATE_SYSCALL);
	ck_assert_int_eq(k->p[0][0].curg.id, 9);
	ck_assert_int_eq(k->p[0][0].curg_status, GS_G_SYSCALL);
	ck_assert_int_eq(k->p[0][1].status, GS_PSTATE_RUNNING);
	ck_assert_int_eq(m_of(k, 0, 3)->state, GS_MSTATE_SYSCALL);
	/* _Gscan | _Gwaiting */
	ck_assert_int_eq(g_of(k, 0, 10, &w, &gs)->status, GS_G_WAITING);
	ck_assert_int_eq(gs, 0x1004);
	ck_assert_int_eq(g_of(k, 0, 10, NULL, NULL)->waitreason, GS_WAIT_CHAN_RECV);
	/* _Gleaked: blocked for ever, its reason kept */
	ck_assert_int_eq(g_of(k, 0, 11, &w, &gs)->status, GS_G_WAITING);
	ck_assert_int_eq(gs, 10);
	ck_assert_int_eq(g_of(k, 0, 11, NULL, NULL)->waitreason, GS_WAIT_CHAN_SEND);
	ck_assert_int_eq(g_of(k, 0, 12, NULL, &gs)->status, GS_G_DEAD); /* _Gdeadextra */
	ck_assert_int_eq(g_of(k, 0, 13, NULL, NULL)->waitreason, GS_WAIT_PREEMPTED);
	ck_assert_int_eq(k->snap[0].stats.goroutines, 6);
	/* fields the parser does not know are kept, with where they were */
	ck_assert_str_eq(k->unknown[0], "SCHED gccount=3\nP1 newfield=7");
	free(k);
}
END_TEST

START_TEST(t_gonew_plain)
{
	ticks *k = read_ok(FIX("gonew-plain.txt"), 2,
	    "Go newer than 1.23 schedtrace (schedticks=), totals only", PLAIN);

	static const uint32_t q[4] = { 4, 0, 2, 7 }, st[4] = { 40, 38, 22, 19 };
	for (int i = 0; i < 4; i++)
		if (k->p[1][i].runq_len != q[i] || k->p[1][i].schedtick != st[i])
			ck_abort_msg("P%d: runq %u schedtick %u", i, k->p[1][i].runq_len,
			    k->p[1][i].schedtick);
	ck_assert_int_eq(k->snap[1].stats.global_runq, 12);
	ck_assert_int_eq(k->snap[1].stats.threads, 6);
	ck_assert_uint_eq(k->p[0][1].runq_len, 3);
	ck_assert_uint_eq(k->p[0][1].schedtick, 9);
	ck_assert_str_eq(k->unknown[1], "");
	free(k);
}
END_TEST

/* ---- bad input -------------------------------------------------------------- */

/* A copy of a fixture, changed: each line through edit (NULL: as is); then
 * cut to keep bytes when keep >= 0.  The path, to unlink. */
static char *
rewrite(const char *from, void (*edit)(FILE *out, const char *line, long n), long keep)
{
	char *path = strdup("/tmp/check_godebug.XXXXXX");
	int fd = mkstemp(path);
	FILE *in = fopen(from, "r"), *out = fdopen(fd, "w");
	char line[4096];
	long n = 0;

	ck_assert(in && out);
	while (fgets(line, sizeof line, in)) {
		line[strcspn(line, "\n")] = '\0';
		if (edit)
			edit(out, line, ++n);
		else
			fprintf(out, "%s\n", line);
	}
	fclose(in);
	fclose(out);
	if (keep >= 0)
		ck_assert_int_eq(truncate(path, keep), 0);
	return path;
}

static void
crlf(FILE *out, const char *line, long n)
{
	(void)n;
	fprintf(out, "%s\r\n", line);
}

static void
ck_same(const ticks *a, const ticks *b)
{
	ck_assert_int_eq(a->n, b->n);
	for (int i = 0; i < a->n; i++) {
		const gs_snapshot *x = &a->snap[i], *y = &b->snap[i];
		if (x->time_ns != y->time_ns || x->np != y->np || x->nm != y->nm ||
		    a->t[i].ng != b->t[i].ng || x->stats.global_runq != y->stats.global_runq ||
		    x->stats.threads != y->stats.threads || a->t[i].nev != b->t[i].nev)
			ck_abort_msg("tick %d differs", i);
		for (int j = 0; j < x->np; j++)
			if (memcmp(&x->p[j], &y->p[j], sizeof x->p[j]) != 0)
				ck_abort_msg("tick %d P%d differs", i, j);
		for (int j = 0; j < a->t[i].ng; j++)
			if (a->g[i][j].id != b->g[i][j].id ||
			    a->g[i][j].status != b->g[i][j].status ||
			    strcmp(a->gwait[i][j], b->gwait[i][j]) != 0)
				ck_abort_msg("tick %d goroutine %d differs", i, j);
	}
}

START_TEST(t_crlf)
{
	char *path = rewrite(FIX("go1.19-detail.txt"), crlf, -1);
	ticks *a = read_log(FIX("go1.19-detail.txt")), *b = read_log(path);

	ck_assert_msg(b->rc == 0, "%s", b->err);
	ck_same(a, b);
	ck_assert_str_eq(b->gwait[1][16], "force gc (idle)"); /* no CR kept in text */
	ck_assert_int_eq(b->other, 2);
	unlink(path);
	free(path);
	free(a);
	free(b);
}
END_TEST

/* Lines a program may print, and lines that look like Go's but are not. */
static const char *const garbage[] = {
	"panic: nothing really",
	"  P0: status=abc schedtick=1",
	"  P77: status=1 schedtick=1 syscalltick=0 m=1 runqsize=0 gfreecnt=0 timerslen=0",
	"SCHED soon: gomaxprocs=4",
	"SCHED 5ms gomaxprocs=4 idleprocs=0",
	"  G5: no fields here",
	"  M3: curg=1",
	"",
	"\tG7: status=4",
	"SCHED 99999999999999ms: gomaxprocs=4 idleprocs=0 threads=5 runqueue=0 [0 0 0 0]",
};

static void
interleave(FILE *out, const char *line, long n)
{
	fprintf(out, "%s\n%s\n", garbage[n % 10], line);
}

START_TEST(t_garbage)
{
	char *path = rewrite(FIX("go1.19-detail.txt"), interleave, -1);
	ticks *a = read_log(FIX("go1.19-detail.txt")), *b = read_log(path);

	ck_assert_msg(b->rc == 0, "%s", b->err);
	ck_same(a, b);
	ck_assert_int_eq(b->other, 412 + 2);
	ck_assert_str_eq(b->unknown[3], "");
	unlink(path);
	free(path);
	free(a);
	free(b);
}
END_TEST

/* Where line (from 1) of path begins.  go1.19-detail.txt's blocks begin at
 * lines 1, 16, 49, 82, ... (33 lines each after the first). */
static long
offset_of_line(const char *path, long line)
{
	FILE *f = fopen(path, "r");
	long n = 1, off = 0;
	int c;
	while (n < line && (c = getc(f)) != EOF) {
		off++;
		if (c == '\n')
			n++;
	}
	fclose(f);
	return off;
}

/* The log at path (a file of the test's, removed) fails after its first
 * ticks whole ones with "PATH:" and then what. */
static void
ck_bad(char *path, int ticks_before, const char *what)
{
	char want[700];
	ticks *k = read_log(path);

	ck_assert_int_eq(k->rc, -1);
	ck_assert_int_eq(k->n, ticks_before);
	snprintf(want, sizeof want, "%s:%s", path, what);
	ck_assert_str_eq(k->err, want);
	unlink(path);
	free(path);
	free(k);
}

START_TEST(t_cut_block)
{
	/* the file ends after two of the fourth block's P lines */
	long off = offset_of_line(FIX("go1.19-detail.txt"), 85);
	char *path = rewrite(FIX("go1.19-detail.txt"), NULL, off);
	ck_bad(path, 3, "84: the log ends inside a block: SCHED 347ms (line 82): 2 of 4 P lines");
}
END_TEST

START_TEST(t_cut_line)
{
	/* the file ends inside a G line: its block is not given */
	long off = offset_of_line(FIX("go1.19-detail.txt"), 40) + 9;
	char *path = rewrite(FIX("go1.19-detail.txt"), NULL, off);
	ck_bad(path, 1, "40: the last line has no newline: the log was cut inside a block");
}
END_TEST

static void
drop_p2(FILE *out, const char *line, long n)
{
	if (n != 52) /* the third block's P2 */
		fprintf(out, "%s\n", line);
}

START_TEST(t_cut_inside)
{
	char *path = rewrite(FIX("go1.19-detail.txt"), drop_p2, -1);
	ck_bad(path, 2, "81: a block cut short: SCHED 242ms (line 49): 3 of 4 P lines");
}
END_TEST

START_TEST(t_not_go)
{
	char *path = strdup("/tmp/check_godebug.XXXXXX");
	FILE *f = fdopen(mkstemp(path), "w");
	fputs("hello\nP0: status=1\n  P0: status=1 m=0\nSCHED later\n", f);
	fclose(f);
	ticks *k = read_log(path);
	char want[700];

	ck_assert_int_eq(k->rc, -1);
	ck_assert_int_eq(k->n, 0);
	ck_assert_int_eq(k->other, 4);
	snprintf(want, sizeof want,
	    "%s:4: no SCHED line in 4 lines: not the output of a Go program run with "
	    "GODEBUG=schedtrace=MS",
	    path);
	ck_assert_str_eq(k->err, want);
	ck_assert_str_eq(k->format, "");
	/* an empty file too */
	f = fopen(path, "w");
	fclose(f);
	free(k);
	k = read_log(path);
	ck_assert_int_eq(k->rc, -1);
	ck_assert_ptr_nonnull(strstr(k->err, "no SCHED line in 0 lines"));
	unlink(path);
	free(path);
	free(k);
}
END_TEST

START_TEST(t_fifo)
{
	/* a FIFO: read as it comes, to its writer's end */
	char dir[] = "/tmp/check_godebug.XXXXXX", path[64];
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/fifo", dir);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		FILE *in = fopen(FIX("go1.19-plain.txt"), "r"), *out = fopen(path, "w");
		int c;
		while ((c = getc(in)) != EOF)
			putc(c, out);
		fclose(out);
		_exit(0);
	}
	ticks *k = read_log(path);
	int st;
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(k->rc == 0, "%s", k->err);
	ck_assert_int_eq(k->n, 13);
	ck_assert_uint_eq(k->p[0][1].runq_len, 8);
	unlink(path);
	rmdir(dir);
	free(k);
}
END_TEST

START_TEST(t_open_missing)
{
	char err[600];
	ck_assert_ptr_null(godebug_open("/nonexistent/go.txt", err, sizeof err));
	ck_assert_str_eq(err, "cannot open '/nonexistent/go.txt': No such file or directory");
}
END_TEST

/* ---- the line API (the live reader's) ---------------------------------------- */

static int
feed(godebug_parser *gp, const char *s)
{
	return godebug_feed(gp, s, strlen(s));
}

START_TEST(t_feed)
{
	godebug_parser *gp = godebug_new();

	ck_assert_ptr_null(godebug_tick(gp));
	ck_assert_int_eq(feed(gp, "starting"), GODEBUG_OTHER);
	ck_assert_int_eq(feed(gp, "  G1: status=1() m=-1 lockedm=-1"), GODEBUG_OTHER);
	ck_assert_int_eq(feed(gp,
			     "SCHED 0ms: gomaxprocs=1 idleprocs=0 threads=2 spinningthreads=0 "
			     "idlethreads=0 runqueue=0 gcwaiting=0 nmidlelocked=0 stopwait=0 "
			     "sysmonwait=0\r"),
	    GODEBUG_SCHED);
	ck_assert_int_eq(
	    feed(gp,
		"  P0: status=1 schedtick=1 syscalltick=0 m=0 runqsize=3 gfreecnt=0 timerslen=0"),
	    GODEBUG_SCHED);
	ck_assert_int_eq(feed(gp, "the program's own line in the middle"), GODEBUG_OTHER);
	ck_assert_int_eq(feed(gp,
			     "  M1: p=-1 curg=-1 mallocing=0 throwing=0 preemptoff= locks=1 "
			     "dying=0 spinning=false blocked=false lockedg=-1"),
	    GODEBUG_SCHED);
	ck_assert_int_eq(feed(gp,
			     "  M0: p=0 curg=1 mallocing=0 throwing=0 preemptoff=GC assist "
			     "locks=0 dying=0 spinning=false blocked=false lockedg=-1"),
	    GODEBUG_SCHED);
	/* a pause before the G lines: the block is not whole yet, and kept */
	ck_assert_int_eq(godebug_pause(gp), GODEBUG_NONE);
	ck_assert_str_eq(godebug_cut(gp), "");
	ck_assert_ptr_null(godebug_tick(gp));
	ck_assert_int_eq(feed(gp, "  G1: status=2() m=0 lockedm=-1"), GODEBUG_SCHED);
	ck_assert_ptr_null(godebug_tick(gp));
	/* a pause: the block is given */
	ck_assert_int_eq(godebug_pause(gp), GODEBUG_TICK);
	const tick_data *t = godebug_tick(gp);
	ck_assert_int_eq(t->index, 0);
	ck_assert_uint_eq(t->snap->p[0].runq_len, 3);
	ck_assert_int_eq(t->snap->nm, 2);
	ck_assert_int_eq(t->ng, 1);
	ck_assert_int_eq(t->snap->p[0].curg.id, 1);
	ck_assert_str_eq(t->extra->unknown, "");
	ck_assert_int_eq(godebug_finish(gp), GODEBUG_NONE);
	/* a line of the block given, late: dropped */
	ck_assert_int_eq(feed(gp, "  G2: status=4(sleep) m=-1 lockedm=-1"), GODEBUG_SCHED);
	ck_assert_int_eq(godebug_tick(gp)->ng, 1);
	/* the next SCHED line, then one that ends its block */
	ck_assert_int_eq(feed(gp,
			     "SCHED 100ms: gomaxprocs=1 idleprocs=1 threads=2 "
			     "spinningthreads=0 idlethreads=1 runqueue=0 [2]"),
	    GODEBUG_SCHED);
	ck_assert_int_eq(feed(gp,
			     "SCHED 200ms: gomaxprocs=1 idleprocs=1 threads=2 "
			     "spinningthreads=0 idlethreads=1 runqueue=4 [5]"),
	    GODEBUG_TICK);
	t = godebug_tick(gp);
	ck_assert_int_eq(t->index, 1);
	ck_assert_uint_eq(t->snap->p[0].runq_len, 2);
	ck_assert_uint_eq(t->snap->time_ns, GODEBUG_START_NS + 100000000ULL);
	ck_assert_uint_eq(godebug_lacks(gp), PLAIN);
	ck_assert_int_eq(godebug_finish(gp), GODEBUG_TICK);
	ck_assert_int_eq(godebug_tick(gp)->snap->stats.global_runq, 4);
	ck_assert_int_eq(godebug_tick(gp)->index, 2);
	/* a plain list one P longer than gomaxprocs (procresize between the
	 * two reads): the list's Ps */
	ck_assert_int_eq(feed(gp,
			     "SCHED 250ms: gomaxprocs=1 idleprocs=1 threads=2 "
			     "spinningthreads=0 idlethreads=1 runqueue=4 [5 6]"),
	    GODEBUG_SCHED);
	ck_assert_int_eq(godebug_finish(gp), GODEBUG_TICK);
	ck_assert_int_eq(godebug_tick(gp)->snap->np, 2);
	ck_assert_uint_eq(godebug_tick(gp)->snap->p[1].runq_len, 6);
	/* a detailed block cut by the next SCHED line */
	ck_assert_int_eq(feed(gp,
			     "SCHED 300ms: gomaxprocs=2 idleprocs=1 threads=2 "
			     "spinningthreads=0 idlethreads=1 runqueue=0 gcwaiting=false "
			     "nmidlelocked=0 stopwait=0 sysmonwait=false"),
	    GODEBUG_SCHED);
	ck_assert_int_eq(
	    feed(gp,
		"  P0: status=1 schedtick=1 syscalltick=0 m=0 runqsize=3 gfreecnt=0 timerslen=0"),
	    GODEBUG_SCHED);
	ck_assert_int_eq(feed(gp,
			     "SCHED 400ms: gomaxprocs=1 idleprocs=1 threads=2 "
			     "spinningthreads=0 idlethreads=1 runqueue=4 [5]"),
	    GODEBUG_SCHED);
	ck_assert_str_eq(godebug_cut(gp), "SCHED 300ms (line 13): 1 of 2 P lines");
	/* the end inside a block: dropped and said */
	ck_assert_int_eq(feed(gp,
			     "SCHED 500ms: gomaxprocs=1 idleprocs=1 threads=2 "
			     "spinningthreads=0 idlethreads=1 runqueue=0 gcwaiting=false "
			     "nmidlelocked=0 stopwait=0 sysmonwait=false"),
	    GODEBUG_TICK);
	ck_assert_int_eq(godebug_pause(gp), GODEBUG_NONE);
	ck_assert_int_eq(godebug_finish(gp), GODEBUG_NONE);
	ck_assert_str_eq(godebug_cut(gp), "SCHED 500ms (line 16): 0 of 1 P lines");
	ck_assert_int_eq(godebug_sched_lines(gp), 13);
	ck_assert_int_eq(godebug_other_lines(gp), 3);
	godebug_free(gp);
}
END_TEST

START_TEST(t_odd_values)
{
	/* a known field whose value has a form the parser does not know is
	 * kept as text; the line and its block stay Go's */
	godebug_parser *gp = godebug_new();
	char line[128];

	ck_assert_int_eq(feed(gp,
			     "SCHED 7ms: gomaxprocs=1 idleprocs=0 threads=3 "
			     "spinningthreads=0 needspinning=0 idlethreads=maybe runqueue=0 "
			     "gcwaiting=false nmidlelocked=0 stopwait=0 sysmonwait=false"),
	    GODEBUG_SCHED);
	ck_assert_int_eq(feed(gp,
			     "  P0: status=1 schedtick=1 syscalltick=0 m=0 runqsize=2 "
			     "gfreecnt=0 timerslen=[3]"),
	    GODEBUG_SCHED);
	ck_assert_int_eq(feed(gp,
			     "  M0: p=0 curg=1 mallocing=0 throwing=0 preemptoff= locks=0 "
			     "dying=0 spinning=perhaps blocked=false lockedg=nil"),
	    GODEBUG_SCHED);
	/* more G lines than a tick lists: counted, not listed */
	for (int i = 1; i <= TICK_GLIST_MAX + 3; i++) {
		snprintf(line, sizeof line, "  G%d: status=4(sleep) m=nil lockedm=nil", i);
		if (feed(gp, line) != GODEBUG_SCHED)
			ck_abort_msg("G%d not taken", i);
	}
	ck_assert_int_eq(godebug_finish(gp), GODEBUG_TICK);
	const tick_data *t = godebug_tick(gp);
	ck_assert_str_eq(t->extra->unknown,
	    "SCHED idlethreads=maybe\nP0 timerslen=[3]\nM0 spinning=perhaps");
	ck_assert_uint_eq(t->snap->p[0].runq_len, 2);
	ck_assert_int_eq(t->snap->p[0].timers, 0);
	ck_assert_int_eq(t->snap->stats.idle_threads, 0);
	ck_assert_int_eq(t->ng, TICK_GLIST_MAX);
	ck_assert_int_eq(t->ng_total, TICK_GLIST_MAX + 3);
	ck_assert_int_eq(t->gl[0].id, TICK_GLIST_MAX); /* the newest listed */
	ck_assert_str_eq(t->extra->gwait[0], "sleep");
	godebug_free(gp);
}
END_TEST

/* What a chunked feed gave: each tick's time, goroutines and queue
 * lengths, and the count of the program's own lines. */
typedef struct chunked {
	godebug_parser *gp;
	int ticks, other;
	uint64_t time[32];
	int ng[32];
	uint32_t runq[32];
} chunked;

static void
on_line(void *ctx, int result, const char *line, size_t len)
{
	chunked *c = ctx;

	(void)line;
	(void)len;
	c->other += result == GODEBUG_OTHER;
	if (result != GODEBUG_TICK)
		return;
	const tick_data *t = godebug_tick(c->gp);
	ck_assert_int_lt(c->ticks, 32);
	ck_assert_int_eq(t->index, c->ticks);
	c->time[c->ticks] = t->snap->time_ns;
	c->ng[c->ticks] = t->ng;
	c->runq[c->ticks] = t->snap->p[0].runq_len + t->snap->p[3].runq_len;
	c->ticks++;
}

START_TEST(t_feed_bytes)
{
	/* the log in chunks of sizes from 1 to 97 bytes, as a pipe gives it:
	 * the same ticks as the file reader's */
	ticks *k = read_log(FIX("go1.19-detail.txt"));
	FILE *f = fopen(FIX("go1.19-detail.txt"), "r");
	static char buf[65536];
	size_t n = fread(buf, 1, sizeof buf, f);

	fclose(f);
	ck_assert_uint_lt(n, sizeof buf);
	for (size_t chunk = 1; chunk < 98; chunk += 8) {
		chunked c = { .gp = godebug_new() };
		for (size_t i = 0; i < n; i += chunk) {
			size_t m = n - i < chunk ? n - i : chunk;
			ck_assert_int_eq(godebug_feed_bytes(c.gp, buf + i, m, on_line, &c), 0);
			/* a pause inside a line gives nothing */
			if (buf[i + m - 1] != '\n' && godebug_pause(c.gp) != GODEBUG_NONE)
				ck_abort_msg("chunk %zu: a block given inside a line", chunk);
		}
		if (godebug_end_bytes(c.gp, on_line, &c) == GODEBUG_TICK)
			on_line(&c, GODEBUG_TICK, "", 0);
		ck_assert_int_eq(c.ticks, k->n);
		for (int i = 0; i < k->n; i++)
			if (c.time[i] != k->snap[i].time_ns || c.ng[i] != k->t[i].ng ||
			    c.runq[i] != k->p[i][0].runq_len + k->p[i][3].runq_len)
				ck_abort_msg("chunk %zu: tick %d differs", chunk, i);
		ck_assert_int_eq(c.other, 2);
		ck_assert_int_eq(godebug_sched_lines(c.gp), 410);
		godebug_free(c.gp);
	}
	free(k);
}
END_TEST

/* ---- the batch output ---------------------------------------------------------- */

static char *
replay_to_string(const char *log, bool json, bool detail, int *rc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	schedtrace_opts o = { .out = out, .json = json, .detail = detail };
	tick_sink s = schedtrace_sink(&o);

	*rc = godebug_replay(log, &s, 1);
	fclose(out);
	return buf;
}

START_TEST(t_batch)
{
	int rc;
	char *out = replay_to_string(FIX("go1.19-plain.txt"), false, false, &rc);

	ck_assert_int_eq(rc, 0);
	/* Go's own lines come back, with the needspinning gsched prints */
	const char *want =
	    "SCHED 0ms: gomaxprocs=4 idleprocs=2 threads=5 spinningthreads=1 needspinning=0 "
	    "idlethreads=2 runqueue=0 [0 8 0 0]\n"
	    "SCHED 103ms: gomaxprocs=4 idleprocs=0 threads=10 spinningthreads=0 needspinning=0 "
	    "idlethreads=0 runqueue=2 [0 0 0 0]\n";
	ck_assert_msg(strncmp(out, want, strlen(want)) == 0, "got:\n%s", out);
	int lines = 0;
	for (const char *c = out; *c; c++)
		lines += *c == '\n';
	ck_assert_int_eq(lines, 13);
	ck_assert_ptr_nonnull(strstr(out, "SCHED 1292ms: gomaxprocs=4 idleprocs=4 threads=9 "));
	free(out);

	/* detail: the P, M and G lines of the first block, in Go's order */
	out = replay_to_string(FIX("go1.19-detail.txt"), false, true, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_ptr_nonnull(strstr(out,
	    "  P2: status=1 schedtick=12 syscalltick=2 m=9 runqsize=0 gfreecnt=0 timerslen=3\n"
	    "  P3: status=1 schedtick=5 syscalltick=0 m=6 runqsize=0 gfreecnt=0 timerslen=0\n"
	    "  M9: p=2 curg=11 "));
	ck_assert_ptr_nonnull(strstr(out,
	    "  G1: status=4(sleep) m=nil lockedm=nil\n"
	    "  G2: status=4() m=nil lockedm=nil\n"));
	ck_assert_ptr_nonnull(strstr(out, "  G15: status=3() m=7 lockedm=nil\n"));
	free(out);

	/* JSON: one object a tick, Go's figures */
	out = replay_to_string(FIX("go1.19-plain.txt"), true, false, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_msg(strncmp(out, "{\"tick\":0,\"ms\":0,", 17) == 0, "%s", out);
	ck_assert_ptr_nonnull(strstr(out, "\"runqsize\":[0,8,0,0]"));
	ck_assert_ptr_nonnull(strstr(out, "{\"tick\":10,\"ms\":1083,"));
	/* what Go does not report is null, and named */
	ck_assert_ptr_nonnull(strstr(out, "\"goroutines\":null,\"by_status\":null,"));
	ck_assert_ptr_nonnull(strstr(out, ",\"steals\":null,\"stolen\":null,\"handoffs\":0,"));
	ck_assert_ptr_nonnull(strstr(out,
	    ",\"lacks\":[\"steals\",\"events\",\"accounting\",\"ms\",\"goroutines\","
	    "\"pstatus\",\"events_inferred\"],\"source\":\"Go 1.19-1.20 schedtrace, "
	    "totals only\"}\n"));
	ck_assert_ptr_null(strstr(out, "\"steals\":0"));
	free(out);
	out = replay_to_string(FIX("go1.19-detail.txt"), true, true, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_ptr_nonnull(strstr(out, "{\"tick\":1,\"ms\":114,"));
	/* 114ms: G7 and G9 runnable, 4 running, G15-G17 in system calls */
	ck_assert_ptr_nonnull(strstr(out,
	    "\"goroutines\":18,\"by_status\":{\"idle\":0,\"runnable\":2,"
	    "\"running\":4,\"syscall\":3,\"waiting\":9,\"dead\":0},"));
	ck_assert_ptr_nonnull(strstr(out, "\"handoffs\":2,"));
	ck_assert_ptr_nonnull(strstr(out, "\"p\":[{\"id\":0,\"status\":\"running\",\"m\":8,"));
	free(out);
}
END_TEST

static void
drop_first_block(FILE *out, const char *line, long n)
{
	if (n > 15)
		fprintf(out, "%s\n", line);
}

START_TEST(t_batch_middle)
{
	/* a log that starts in the middle of a run keeps Go's milliseconds */
	char *path = rewrite(FIX("go1.19-detail.txt"), drop_first_block, -1);
	int rc;
	char *out = replay_to_string(path, false, false, &rc);

	ck_assert_int_eq(rc, 0);
	ck_assert_msg(strncmp(out, "SCHED 114ms: gomaxprocs=4 idleprocs=0 threads=10 ", 49) == 0,
	    "%s", out);
	free(out);
	/* a cut log: its whole ticks, and a failure */
	long off = offset_of_line(FIX("go1.19-detail.txt"), 85);
	char *cut = rewrite(FIX("go1.19-detail.txt"), NULL, off);
	out = replay_to_string(cut, false, false, &rc);
	ck_assert_int_eq(rc, 2);
	ck_assert_ptr_nonnull(strstr(out, "SCHED 242ms"));
	ck_assert_ptr_null(strstr(out, "SCHED 347ms"));
	free(out);
	unlink(cut);
	unlink(path);
	free(cut);
	free(path);
}
END_TEST

START_TEST(t_record)
{
	/* a Go trace recorded reads back with what it lacks */
	char path[] = "/tmp/check_godebug.XXXXXX", err[600];
	close(mkstemp(path));
	record_writer w;
	ck_assert_msg(record_writer_open(&w, path, err, sizeof err) == 0, "%s", err);
	tick_sink s = record_sink(&w);
	ck_assert_int_eq(godebug_replay(FIX("go1.19-plain.txt"), &s, 1), 0);
	record_reader *r = record_open(path, err, sizeof err);
	ck_assert_msg(r != NULL, "%s", err);
	ck_assert_uint_eq(record_info(r)->lacks, PLAIN);
	ck_assert_str_eq(record_info(r)->created_by, "Go 1.19-1.20 schedtrace, totals only");
	tick_data t;
	int n = 0;
	while (record_next(r, &t) > 0)
		if (n++ == 0 && t.snap->p[1].runq_len != 8)
			ck_abort_msg("P1's queue: %u", t.snap->p[1].runq_len);
	ck_assert_msg(record_error(r)[0] == '\0', "%s", record_error(r));
	ck_assert_int_eq(n, 13);
	record_close(r);
	/* and detailed: 10 Ms in a later tick than the first, which had 5 */
	ck_assert_int_eq(record_writer_open(&w, path, err, sizeof err), 0);
	s = record_sink(&w);
	ck_assert_int_eq(godebug_replay(FIX("go1.19-detail.txt"), &s, 1), 0);
	r = record_open(path, err, sizeof err);
	ck_assert_msg(r != NULL, "%s", err);
	n = 0;
	while (record_next(r, &t) > 0)
		if (n++ == 1 && t.snap->nm != 10)
			ck_abort_msg("tick 1: %d Ms", t.snap->nm);
	ck_assert_msg(record_error(r)[0] == '\0', "%s", record_error(r));
	ck_assert_int_eq(n, 13);
	ck_assert_uint_eq(record_info(r)->lacks, ALWAYS);
	record_close(r);
	unlink(path);
}
END_TEST

static Suite *
godebug_suite(void)
{
	Suite *s = suite_create("godebug");
	TCase *tc = tcase_create("formats");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, t_go119_detail);
	tcase_add_test(tc, t_go119_plain);
	tcase_add_test(tc, t_go119_gcstop);
	tcase_add_test(tc, t_go121_detail);
	tcase_add_test(tc, t_go122_detail);
	tcase_add_test(tc, t_gonew_detail);
	tcase_add_test(tc, t_gonew_plain);
	suite_add_tcase(s, tc);
	tc = tcase_create("bad input");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, t_crlf);
	tcase_add_test(tc, t_garbage);
	tcase_add_test(tc, t_cut_block);
	tcase_add_test(tc, t_cut_line);
	tcase_add_test(tc, t_cut_inside);
	tcase_add_test(tc, t_not_go);
	tcase_add_test(tc, t_fifo);
	tcase_add_test(tc, t_open_missing);
	suite_add_tcase(s, tc);
	tc = tcase_create("api");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, t_feed);
	tcase_add_test(tc, t_feed_bytes);
	tcase_add_test(tc, t_odd_values);
	tcase_add_test(tc, t_batch);
	tcase_add_test(tc, t_batch_middle);
	tcase_add_test(tc, t_record);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(godebug_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
