/*
 * qty.c - the quantities a lesson's conditions and captions name (lesson.h):
 * the parser checks names against this table, the player reads values by it.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "lesson/lesson.h"

static const char *const qty_names[LQ_NQTY] = {
	[LQ_THREADS] = "threads",
	[LQ_BUSYTHREADS] = "busythreads",
	[LQ_IDLETHREADS] = "idlethreads",
	[LQ_SPINNING] = "spinning",
	[LQ_PROCS] = "procs",
	[LQ_IDLEPROCS] = "idleprocs",
	[LQ_RUNQUEUE] = "runqueue",
	[LQ_LOCALRUNQ] = "localrunq",
	[LQ_GOROUTINES] = "goroutines",
	[LQ_RUNNABLE] = "runnable",
	[LQ_RUNNING] = "running",
	[LQ_WAITING] = "waiting",
	[LQ_INSYSCALL] = "insyscall",
	[LQ_NETWAITING] = "netwaiting",
	[LQ_SLEEPING] = "sleeping",
	[LQ_BATCHES] = "batches",
	[LQ_OSTHREADS] = "osthreads",
	[LQ_RSSKB] = "rsskb",
	[LQ_MAXTHREADS] = "maxthreads",
	[LQ_MAXRUNQUEUE] = "maxrunqueue",
	[LQ_MAXLOCALRUNQ] = "maxlocalrunq",
	[LQ_MAXGOROUTINES] = "maxgoroutines",
	[LQ_MAXSPINNING] = "maxspinning",
	[LQ_MAXSTEAL] = "maxsteal",
	[LQ_MAXTIMERLATE] = "maxtimerlate",
	[LQ_MAXRSSKB] = "maxrsskb",
	[LQ_CPUPCT] = "cpupct",
	[LQ_STEALS] = "steals",
	[LQ_STOLEN] = "stolen",
	[LQ_HANDOFFS] = "handoffs",
	[LQ_RETAKES] = "retakes",
	[LQ_PREEMPTIONS] = "preemptions",
	[LQ_ASYNCPREEMPTIONS] = "asyncpreemptions",
	[LQ_PREEMPTREQUESTS] = "preemptrequests",
	[LQ_SPAWNS] = "spawns",
	[LQ_EXITS] = "exits",
	[LQ_GLOBALPUTS] = "globalputs",
	[LQ_THREADSCREATED] = "threadscreated",
	[LQ_SYSCALLS] = "syscalls",
	[LQ_NETPOLLWAKES] = "netpollwakes",
	[LQ_RUNNEXTHITS] = "runnexthits",
	[LQ_FAIRTAKES] = "fairtakes",
	[LQ_STEALHALFMISSES] = "stealhalfmisses",
	[LQ_COOPREEMPTIONS] = "coopreemptions",
	[LQ_EXITSYSCALLOLDP] = "exitsyscalloldp",
	[LQ_EXITSYSCALLIDLEP] = "exitsyscallidlep",
	[LQ_EXITSYSCALLGLOBAL] = "exitsyscallglobal",
	[LQ_SERVED] = "served",
	[LQ_REJECTED] = "rejected",
	[LQ_NCPU] = "ncpu",
	[LQ_PHYSCORES] = "physcores",
	[LQ_STARTPROCS] = "startprocs",
	[LQ_ENVPROCS] = "envprocs",
	[LQ_CGROUPCPUS] = "cgroupcpus",
	[LQ_CGROUPPCT] = "cgrouppct",
	[LQ_EXPECTEDPROCS] = "expectedprocs",
	[LQ_ELAPSED_MS] = "elapsedms",
	[LQ_SWITCHNS] = "switchns",
	[LQ_YIELDNS] = "yieldns",
	[LQ_THREADSWITCHNS] = "threadswitchns",
	[LQ_CHILDRUNS] = "childruns",
	[LQ_CHILDEXIT] = "childexit",
	[LQ_CHILDTHREADLIMIT] = "childthreadlimit",
	[LQ_MAXRUNNING] = "maxrunning",
	[LQ_RSSGROWKB] = "rssgrowkb",
	[LQ_RSSPERTASK] = "rsspertask",
	[LQ_THREADSWAITING] = "threadswaiting",
	[LQ_LASTRSSPERTASK] = "lastrsspertask",
};

static const char *const text_names[LT_NTEXT] = {
	[LT_CHILDOUT] = "childout",
	[LT_CPUSIBLINGS] = "cpusiblings",
};

const char *
lesson_qty_name(int q)
{
	return q >= 0 && q < LQ_NQTY ? qty_names[q] : "?";
}

static int
find(const char *const *names, int n, const char *name, size_t len)
{
	for (int q = 0; q < n; q++)
		if (strlen(names[q]) == len && memcmp(names[q], name, len) == 0)
			return q;
	return -1;
}

int
lesson_qty_find(const char *name, size_t len)
{
	return find(qty_names, LQ_NQTY, name, len);
}

const char *
lesson_text_name(int t)
{
	return t >= 0 && t < LT_NTEXT ? text_names[t] : "?";
}

int
lesson_text_find(const char *name, size_t len)
{
	return find(text_names, LT_NTEXT, name, len);
}
