/*
 * fields.c - the tables of fields.h.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "format/fields.h"
#include "format/json.h"

#define FIELD(s, name, t, opt)                                                                     \
	{                                                                                          \
#name, t, offsetof(s, name), opt                                                   \
	}
#define F(s, name, t) FIELD(s, name, t, false)
/* A field added after version 1's first files: optional on read. */
#define FO(s, name, t) FIELD(s, name, t, true)
#define NF(a) ((int)(sizeof(a) / sizeof((a)[0])))

const fields_field fields_stats[] = {
	F(gs_stats, gomaxprocs, FT_INT),
	F(gs_stats, ncpu, FT_INT),
	F(gs_stats, threads, FT_INT),
	F(gs_stats, idle_threads, FT_INT),
	F(gs_stats, spinning_threads, FT_INT),
	F(gs_stats, idle_procs, FT_INT),
	F(gs_stats, global_runq, FT_INT),
	F(gs_stats, goroutines, FT_INT),
	F(gs_stats, spawns, FT_U64),
	F(gs_stats, exits, FT_U64),
	F(gs_stats, steals, FT_U64),
	F(gs_stats, stolen, FT_U64),
	F(gs_stats, threads_created, FT_U64),
	F(gs_stats, global_puts, FT_U64),
	F(gs_stats, stacks_guarded, FT_U64),
	F(gs_stats, stacks_carved, FT_U64),
	F(gs_stats, in_syscall, FT_INT),
	F(gs_stats, syscalls, FT_U64),
	F(gs_stats, handoffs, FT_U64),
	F(gs_stats, retakes, FT_U64),
	F(gs_stats, preempt_requests, FT_U64),
	F(gs_stats, preempt_async, FT_U64),
	F(gs_stats, preempt_coop, FT_U64),
	F(gs_stats, netpoll_wakes, FT_U64),
	F(gs_stats, timers_fired, FT_U64),
	F(gs_stats, procresizes, FT_U64),
	F(gs_stats, last_stw_ns, FT_U64),
	FO(gs_stats, runnext_hits, FT_U64),
	FO(gs_stats, fair_takes, FT_U64),
	FO(gs_stats, steal_half_misses, FT_U64),
	FO(gs_stats, exitsyscall_oldp, FT_U64),
	FO(gs_stats, exitsyscall_idlep, FT_U64),
	FO(gs_stats, exitsyscall_global, FT_U64),
	FO(gs_stats, max_steal, FT_U64),
	FO(gs_stats, max_timer_late_ns, FT_U64),
	FO(gs_stats, peak_epoch, FT_U64),
	FO(gs_stats, max_threads, FT_INT),
	FO(gs_stats, gcwaiting, FT_BOOL),
	FO(gs_stats, stopwait, FT_INT),
	FO(gs_stats, needspinning, FT_INT),
	FO(gs_stats, nmidlelocked, FT_INT),
	FO(gs_stats, sysmonwait, FT_BOOL),
};

const fields_field fields_p[] = {
	F(gs_snap_p, id, FT_INT),
	F(gs_snap_p, status, FT_INT),
	F(gs_snap_p, m, FT_I64),
	F(gs_snap_p, curg_status, FT_INT),
	F(gs_snap_p, slice_ns, FT_U64),
	F(gs_snap_p, runq_len, FT_U32),
	F(gs_snap_p, schedtick, FT_U32),
	F(gs_snap_p, syscalltick, FT_U32),
	F(gs_snap_p, timers, FT_INT),
	F(gs_snap_p, steals, FT_U64),
	F(gs_snap_p, stolen, FT_U64),
	F(gs_snap_p, stolen_from, FT_U64),
	F(gs_snap_p, spawns, FT_U64),
	F(gs_snap_p, syscalls, FT_U64),
	FO(gs_snap_p, gfreecnt, FT_INT),
};

const fields_field fields_m[] = {
	F(gs_snap_m, id, FT_I64),
	F(gs_snap_m, state, FT_INT),
	F(gs_snap_m, p, FT_INT),
	F(gs_snap_m, curg, FT_I64),
	F(gs_snap_m, spinning, FT_BOOL),
	F(gs_snap_m, created_ns, FT_U64),
};

/* The accounting (gs_set_accounting), added within version 1: optional. */
const fields_field fields_p_acct[] = {
	FO(gs_snap_p, run_ns, FT_U64),
	FO(gs_snap_p, idle_ns, FT_U64),
	FO(gs_snap_p, spin_ns, FT_U64),
};

const fields_field fields_m_acct[] = {
	FO(gs_snap_m, running_ns, FT_U64),
	FO(gs_snap_m, spinning_ns, FT_U64),
	FO(gs_snap_m, idle_ns, FT_U64),
	FO(gs_snap_m, syscall_ns, FT_U64),
	FO(gs_snap_m, cpu_ns, FT_U64),
	FO(gs_snap_m, lockedg, FT_I64),
};

/* size_t fields travel as FT_U64 */
_Static_assert(sizeof(size_t) == sizeof(uint64_t), "size_t is not 64 bits");

#define BLOCKED(kind, name)                                                                        \
	{                                                                                          \
		"blocked_" name "_ns", FT_U64, offsetof(gs_snap_ginfo, blocked_ns[kind]), true     \
	}

const fields_field fields_g[] = {
	F(gs_snap_ginfo, id, FT_I64),
	F(gs_snap_ginfo, status, FT_INT),
	F(gs_snap_ginfo, waitreason, FT_INT),
	F(gs_snap_ginfo, m, FT_I64),
	FO(gs_snap_ginfo, lockedm, FT_I64),
	FO(gs_snap_ginfo, run_ns, FT_U64),
	FO(gs_snap_ginfo, runs, FT_U64),
	FO(gs_snap_ginfo, latency_ns, FT_U64),
	FO(gs_snap_ginfo, latency_max_ns, FT_U64),
	FO(gs_snap_ginfo, syscall_ns, FT_U64),
	BLOCKED(GS_BLOCK_CHAN, "chan"),
	BLOCKED(GS_BLOCK_TIMER, "timer"),
	BLOCKED(GS_BLOCK_NET, "net"),
	BLOCKED(GS_BLOCK_MUTEX, "mutex"),
	BLOCKED(GS_BLOCK_WAITGROUP, "waitgroup"),
	BLOCKED(GS_BLOCK_OTHER, "other"),
	FO(gs_snap_ginfo, lastp, FT_INT),
	FO(gs_snap_ginfo, moves, FT_U64),
	FO(gs_snap_ginfo, created_ns, FT_U64),
	FO(gs_snap_ginfo, stack_size, FT_U64),
	FO(gs_snap_ginfo, stack_used_max, FT_U64),
};
_Static_assert(GS_BLOCK_NKINDS == 6, "a blocked_*_ns field per gs_block_kind");

const int fields_nstats = NF(fields_stats);
const int fields_np_acct = NF(fields_p_acct);
const int fields_nm_acct = NF(fields_m_acct);
const int fields_ng = NF(fields_g);
const int fields_np = NF(fields_p);
const int fields_nm = NF(fields_m);

/* A field's value widened to 64 bits (signed ones sign-extended, so their
 * differences modulo 2^64 are right), and stored back (truncated). */
static uint64_t
field_get(const void *base, const fields_field *f)
{
	const char *p = (const char *)base + f->off;

	switch (f->type) {
	case FT_INT:
		return (uint64_t)(int64_t) * (const int *)p;
	case FT_U32:
		return *(const uint32_t *)p;
	case FT_U64:
		return *(const uint64_t *)p;
	case FT_I64:
		return (uint64_t) * (const int64_t *)p;
	case FT_BOOL:
		return *(const bool *)p ? 1 : 0;
	}
	return 0;
}

static void
field_set(void *base, const fields_field *f, uint64_t v)
{
	char *p = (char *)base + f->off;

	switch (f->type) {
	case FT_INT:
		*(int *)p = (int)(int64_t)v;
		break;
	case FT_U32:
		*(uint32_t *)p = (uint32_t)v;
		break;
	case FT_U64:
		*(uint64_t *)p = v;
		break;
	case FT_I64:
		*(int64_t *)p = (int64_t)v;
		break;
	case FT_BOOL:
		*(bool *)p = v != 0;
		break;
	}
}

static bool
field_signed(const fields_field *f)
{
	return f->type == FT_INT || f->type == FT_I64;
}

uint64_t
fields_varint(const void *base, const void *prev, const fields_field *f)
{
	uint64_t v = field_get(base, f);

	if (prev != NULL)
		return varint_zigzag((int64_t)(v - field_get(prev, f)));
	return field_signed(f) ? varint_zigzag((int64_t)v) : v;
}

void
fields_set_varint(void *base, const void *prev, const fields_field *f, uint64_t v)
{
	if (prev != NULL)
		v = field_get(prev, f) + (uint64_t)varint_unzigzag(v);
	else if (field_signed(f))
		v = (uint64_t)varint_unzigzag(v);
	field_set(base, f, v);
}

void
fields_put_json(FILE *f, const void *base, const fields_field *fl, int n)
{
	for (int i = 0; i < n; i++) {
		const char *p = (const char *)base + fl[i].off;
		fprintf(f, "%s\"%s\":", i ? "," : "", fl[i].name);
		switch (fl[i].type) {
		case FT_INT:
			fprintf(f, "%d", *(const int *)p);
			break;
		case FT_U32:
			fprintf(f, "%" PRIu32, *(const uint32_t *)p);
			break;
		case FT_U64:
			fprintf(f, "%" PRIu64, *(const uint64_t *)p);
			break;
		case FT_I64:
			fprintf(f, "%" PRId64, *(const int64_t *)p);
			break;
		case FT_BOOL:
			fputs(*(const bool *)p ? "true" : "false", f);
			break;
		}
	}
}

void
fields_put_glist(FILE *f, const gs_snap_ginfo *gl, int ng, int total)
{
	fprintf(f, ",\"g_total\":%d,\"g\":[", total);
	for (int i = 0; i < ng; i++) {
		fputs(i ? ",{" : "{", f);
		fields_put_json(f, &gl[i], fields_g, fields_ng);
		json_put_label_tag(f, gl[i].label, gl[i].tag);
		fputc('}', f);
	}
	fputc(']', f);
}
