/*
 * schedtrace.c - Go's GODEBUG=schedtrace format (gs_schedtrace_print, the one
 * printer of it: observe.h) and the runtime's GSCHED_DEBUG=schedtrace, which
 * sysmon calls (gs__schedtrace).
 *
 * The reference is Go 1.22's runtime/proc.go schedtrace: every field Go
 * prints, in Go's order, with Go's value syntax (print of a bool is
 * true/false, of a missing M, P or G nil).  Fields gsched has no counterpart
 * for print the value Go prints for the same state: mallocing, throwing,
 * locks and dying are 0 and preemptoff is empty (no M allocates, throws or
 * holds runtime locks while a goroutine's code runs).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>

#include "runtime/internal.h"

static void
put_id(FILE *f, int64_t id)
{
	if (id >= 0)
		fprintf(f, "%lld", (long long)id);
	else
		fputs("nil", f);
}

/* Go's number for a goroutine status: Go's 5 is _Gmoribund_unused, so its
 * _Gdead is 6; the others are Go's. */
static int
go_gstatus(int status)
{
	return status == GS_G_DEAD ? 6 : status;
}

void
gs_schedtrace_print(FILE *f, const gs_snapshot *s, uint64_t *starttime, const gs_snap_ginfo *gl,
    int ng, bool detailed)
{
	const gs_stats *st = &s->stats;

	/* Go: if starttime == 0 { starttime = now } */
	if (*starttime == 0)
		*starttime = s->time_ns;
	uint64_t ms = s->time_ns >= *starttime ? (s->time_ns - *starttime) / 1000000 : 0;
	/* threads: Go's mcount() counts m0, the main thread; gsched's is the
	 * thread that called gs_run, which waits there and is no M. */
	fprintf(f,
	    "SCHED %llums: gomaxprocs=%d idleprocs=%d threads=%d spinningthreads=%d "
	    "needspinning=%d idlethreads=%d runqueue=%d",
	    (unsigned long long)ms, st->gomaxprocs, st->idle_procs, st->threads + 1,
	    st->spinning_threads, st->needspinning, st->idle_threads, st->global_runq);
	if (!detailed) {
		/* Go: " [len1 len2 ... lenN]" */
		for (int i = 0; i < s->np; i++)
			fprintf(f, " %s%u%s", i == 0 ? "[" : "", s->p[i].runq_len,
			    i == s->np - 1 ? "]\n" : "");
		if (s->np == 0)
			fputc('\n', f);
		return;
	}
	fprintf(f, " gcwaiting=%s nmidlelocked=%d stopwait=%d sysmonwait=%s\n",
	    st->gcwaiting ? "true" : "false", st->nmidlelocked, st->stopwait,
	    st->sysmonwait ? "true" : "false");
	for (int i = 0; i < s->np; i++) {
		const gs_snap_p *p = &s->p[i];
		fprintf(f, "  P%d: status=%d schedtick=%u syscalltick=%u m=", i, p->status,
		    p->schedtick, p->syscalltick);
		put_id(f, p->m);
		fprintf(f, " runqsize=%u gfreecnt=%d timerslen=%d\n", p->runq_len, p->gfreecnt,
		    p->timers);
	}
	for (int i = 0; i < s->nm; i++) {
		const gs_snap_m *m = &s->m[i];
		fprintf(f, "  M%lld: p=", (long long)m->id);
		put_id(f, m->p);
		fputs(" curg=", f);
		put_id(f, m->curg > 0 ? m->curg : -1);
		/* blocked: Go's m.blocked, an M asleep on its note (parked, or
		 * waiting in the netpoller) */
		fprintf(f,
		    " mallocing=0 throwing=0 preemptoff= locks=0 dying=0 spinning=%s "
		    "blocked=%s lockedg=",
		    m->spinning ? "true" : "false",
		    m->state == GS_MSTATE_IDLE || m->state == GS_MSTATE_NETPOLL ? "true" : "false");
		put_id(f, m->lockedg > 0 ? m->lockedg : -1);
		fputc('\n', f);
	}
	/* Go's forEachG walks allgs oldest first; gl is newest first.  Go:
	 * status=N(waitreason.String()), the empty string when not waiting. */
	for (int i = ng - 1; i >= 0; i--) {
		const gs_snap_ginfo *g = &gl[i];
		fprintf(f, "  G%lld: status=%d(%s) m=", (long long)g->id, go_gstatus(g->status),
		    g->status == GS_G_WAITING ? gs_waitreason_name(g->waitreason) : "");
		put_id(f, g->m);
		fputs(" lockedm=", f);
		put_id(f, g->lockedm > 0 ? g->lockedm : -1);
		fputc('\n', f);
	}
}

/* Go's starttime for this run: the first trace's time.  Only sysmon touches
 * them; run tells a new gs_run (its gs__sched.starttime) from the last. */
static uint64_t tracestart, tracerun;

/* The runtime's schedtrace, from sysmon (Go's sysmon calls schedtrace(detailed)):
 * a snapshot, the whole of allgs with detailed (the dead goroutines too, as
 * Go's forEachG), printed by gs_schedtrace_print into memory and written to
 * stderr at once, so that no other output lands inside a trace. */
void
gs__schedtrace(bool detailed)
{
	gs__lockx(&gs__sched.lock);
	int nm = gs__sched.mcount_live;
	gs__unlockx(&gs__sched.lock);
	gs_snapshot *s = gs_snapshot_new(nm + 16, 0);
	gs_snap_ginfo *gl = NULL;
	int ng = 0;
	char *buf = NULL;
	size_t len = 0;

	if (s == NULL || gs_snapshot_take(s) != 0)
		goto out;
	while (detailed) {
		int n = gs__goroutines(gl, ng, true);
		if (n < 0) {
			ng = 0;
			break;
		}
		if (n <= ng) {
			ng = n;
			break;
		}
		free(gl);
		ng = n + 16;
		if ((gl = malloc((size_t)ng * sizeof *gl)) == NULL) {
			ng = 0;
			break;
		}
	}
	if (tracerun != gs__sched.starttime) {
		tracerun = gs__sched.starttime;
		tracestart = 0;
	}
	FILE *m = open_memstream(&buf, &len);
	gs_schedtrace_print(m ? m : stderr, s, &tracestart, gl, ng, detailed);
	if (m && fclose(m) == 0)
		fwrite(buf, 1, len, stderr);
	fflush(stderr);
out:
	free(buf);
	free(gl);
	gs_snapshot_free(s);
}
