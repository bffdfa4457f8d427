/*
 * fields.c - the tables of fields.h.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stddef.h>

#include "format/fields.h"

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
};

const fields_field fields_m[] = {
	F(gs_snap_m, id, FT_I64),
	F(gs_snap_m, state, FT_INT),
	F(gs_snap_m, p, FT_INT),
	F(gs_snap_m, curg, FT_I64),
	F(gs_snap_m, spinning, FT_BOOL),
	F(gs_snap_m, created_ns, FT_U64),
};

const int fields_nstats = NF(fields_stats);
const int fields_np = NF(fields_p);
const int fields_nm = NF(fields_m);
