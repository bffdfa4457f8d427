/*
 * schedtrace.c - schedtrace-format text and JSON lines per tick (schedtrace.h).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "format/fields.h"
#include "format/json.h"
#include "format/schedtrace.h"

static long long
ms_since_start(const tick_info *info, const gs_snapshot *s)
{
	return s->time_ns >= info->start_ns ? (long long)((s->time_ns - info->start_ns) / 1000000)
					    : 0;
}

void
schedtrace_print(FILE *f, const tick_data *t, uint64_t *starttime, bool detail)
{
	gs_schedtrace_print(f, t->snap, starttime, t->gl, t->gl ? t->ng : 0, detail);
}

void
schedtrace_print_json(FILE *f, const tick_info *info, const tick_data *t, bool detail)
{
	const gs_snapshot *s = t->snap;
	const gs_stats *st = &s->stats;

	fprintf(f,
	    "{\"tick\":%d,\"ms\":%lld,\"time_ns\":%" PRIu64 ",\"gomaxprocs\":%d,"
	    "\"idleprocs\":%d,\"threads\":%d,\"spinningthreads\":%d,\"idlethreads\":%"
	    "d,"
	    "\"runqueue\":%d,\"runqsize\":[",
	    t->index, ms_since_start(info, s), s->time_ns, st->gomaxprocs, st->idle_procs,
	    st->threads, st->spinning_threads, st->idle_threads, st->global_runq);
	for (int i = 0; i < s->np; i++)
		fprintf(f, "%s%" PRIu32, i ? "," : "", s->p[i].runq_len);
	fputs("],\"goroutines\":", f);
	/* What a foreign trace (format/godebug.h) does not report is null,
	 * never 0, and "lacks" names it. */
	bool nog = info->lacks & TICK_LACKS_GOROUTINES;
	if (nog) {
		fputs("null,\"by_status\":null,\"by_waitreason\":null,\"in_syscall\":null", f);
	} else {
		fprintf(f, "%d,\"by_status\":{", st->goroutines);
		for (int i = 0; i < GS_G_NSTATUS; i++)
			fprintf(f, "%s\"%s\":%d", i ? "," : "", gs_gstatus_name(i),
			    st->by_status[i]);
		fputs("},\"by_waitreason\":{", f);
		for (int i = 0; i < GS_WAIT_NREASONS; i++)
			fprintf(f, "%s\"%s\":%d", i ? "," : "",
			    i == GS_WAIT_NONE ? "none" : gs_waitreason_name(i),
			    st->by_waitreason[i]);
		fprintf(f, "},\"in_syscall\":%d", st->in_syscall);
	}
	const struct {
		const char *name;
		uint64_t v;
		unsigned lack;
	} ctr[] = {
		{ "spawns", st->spawns, TICK_LACKS_ACCOUNTING },
		{ "exits", st->exits, TICK_LACKS_ACCOUNTING },
		{ "steals", st->steals, TICK_LACKS_STEALS },
		{ "stolen", st->stolen, TICK_LACKS_STEALS },
		{ "handoffs", st->handoffs, 0 },
		{ "retakes", st->retakes, TICK_LACKS_ACCOUNTING },
		{ "preempt_async", st->preempt_async, TICK_LACKS_ACCOUNTING },
		{ "preempt_coop", st->preempt_coop, TICK_LACKS_ACCOUNTING },
		{ "syscalls", st->syscalls, TICK_LACKS_ACCOUNTING },
		{ "netpoll_wakes", st->netpoll_wakes, TICK_LACKS_ACCOUNTING },
		{ "timers_fired", st->timers_fired, TICK_LACKS_ACCOUNTING },
		{ "threads_created", st->threads_created, TICK_LACKS_ACCOUNTING },
	};
	for (size_t i = 0; i < sizeof ctr / sizeof ctr[0]; i++) {
		if (info->lacks & ctr[i].lack)
			fprintf(f, ",\"%s\":null", ctr[i].name);
		else
			fprintf(f, ",\"%s\":%" PRIu64, ctr[i].name, ctr[i].v);
	}
	fprintf(f, ",\"events\":%d,\"dropped\":%" PRIu64 ",\"timescale\":%d", t->nev, t->dropped,
	    info->timescale > 0 ? info->timescale : 1);
	if (info->lacks) {
		static const char *const lack[] = { "steals", "events", "accounting", "ms",
			"goroutines", "pstatus", "events_inferred" };
		fputs(",\"lacks\":[", f);
		for (unsigned b = 0, n = 0; b < sizeof lack / sizeof lack[0]; b++)
			if (info->lacks & (1u << b))
				fprintf(f, "%s\"%s\"", n++ ? "," : "", lack[b]);
		fputs("],\"source\":", f);
		json_put_string(f, info->created_by);
	}
	if (detail) {
		fputs(",\"p\":[", f);
		for (int i = 0; i < s->np; i++) {
			const gs_snap_p *p = &s->p[i];
			fprintf(f, "%s{\"id\":%d,\"status\":", i ? "," : "", p->id);
			if (info->lacks & TICK_LACKS_PSTATUS)
				fputs("null", f);
			else
				fprintf(f, "\"%s\"", gs_pstate_name(p->status));
			fprintf(f,
			    ",\"m\":%" PRId64 ",\"schedtick\":%" PRIu32 ",\"syscalltick\":%" PRIu32
			    ",\"runqsize\":%" PRIu32 ",\"timers\":%d,\"curg\":",
			    p->m, p->schedtick, p->syscalltick, p->runq_len, p->timers);
			json_put_g(f, &p->curg);
			fputs(",\"runnext\":", f);
			json_put_g(f, &p->runnext);
			fputc(',', f);
			fields_put_json(f, p, fields_p_acct, fields_np_acct);
			fputc('}', f);
		}
		fputs("],\"m\":[", f);
		for (int i = 0; i < s->nm; i++) {
			const gs_snap_m *m = &s->m[i];
			fprintf(f,
			    "%s{\"id\":%" PRId64 ",\"state\":\"%s\",\"p\":%d,\"curg\":%" PRId64
			    ",\"spinning\":%s,",
			    i ? "," : "", m->id, gs_mstate_name(m->state), m->p, m->curg,
			    m->spinning ? "true" : "false");
			fields_put_json(f, m, fields_m_acct, fields_nm_acct);
			fputc('}', f);
		}
		fputc(']', f);
		/* the goroutine list, with the accounting's figures, when the
		 * tick has one */
		if (t->gl) {
			fields_put_glist(f, t->gl, t->ng, t->ng_total);
		}
	}
	fputs("}\n", f);
}

static int
batch_tick(void *ctx, const tick_info *info, const tick_data *t)
{
	schedtrace_opts *o = ctx;

	if (t->index > 0 && o->step && o->stepin) {
		fflush(o->out);
		fputs("-- tick ", stderr);
		fprintf(stderr, "%d: press Enter for the next tick --", t->index);
		fflush(stderr);
		int c = 0;
		/* a stop signal ends the wait for Enter (tick.h) */
		while (tick_wait_readable(fileno(o->stepin)) == 0 &&
		    (c = fgetc(o->stepin)) != EOF && c != '\n')
			;
		if (c != '\n') {
			fputc('\n', stderr);
			return TICK_SINK_DONE; /* end of input: stop quietly */
		}
	} else if (t->index > 0 && o->replay_delay_ns) {
		/* a stop signal ends the pause: this tick is the last */
		tick_sleep_until((uint64_t)gs_nanotime() + o->replay_delay_ns);
	}
	if (o->json)
		schedtrace_print_json(o->out, info, t, o->detail);
	else
		schedtrace_print(o->out, t, &o->starttime, o->detail);
	/* a failed write is reported once, by main(); a reader gone stops quietly */
	int w = tick_fflush(o->out);
	return w < 0 ? 1 : w > 0 ? TICK_SINK_DONE : 0;
}

/* A foreign program's trace (format/godebug.h) has its own start: the time
 * of its first trace, so that a log read from its middle keeps Go's
 * milliseconds.  gsched's own runs start at their first line, as Go's. */
static int
batch_begin(void *ctx, const tick_info *info)
{
	schedtrace_opts *o = ctx;

	if (info->lacks != 0 && o->starttime == 0)
		o->starttime = info->start_ns;
	return 0;
}

tick_sink
schedtrace_sink(schedtrace_opts *opts)
{
	tick_sink s = { batch_begin, batch_tick, NULL, opts };
	return s;
}
