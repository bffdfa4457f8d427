/*
 * play.c - the lesson player (lesson.h): a step machine driven by its
 * caller's ticks.  No stdio, no threads: the caller passes the snapshot and
 * the time, and shows the lines that come back.  The player reads only what
 * a snapshot lacks: the process's figures (/proc/self/status, its CPU clock
 * for cpupct) and the workloads' counters.
 *
 * Steps that change the runtime (procs, spawn, reset) end the tick, so the
 * steps after them see a snapshot taken after the change.  Counters (steals,
 * handoffs, ...) and peaks (maxthreads, ...) count from the first tick or the
 * last reset.
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
#include <time.h>
#include <unistd.h>

#include "cmd/procstat.h"
#include "lesson/lesson.h"
#include "live/workload.h"

#define PREV_GRACE_NS                                                                              \
	2000000000LL /* PREV within 2 s of a chapter's start goes
                                      back one more chapter */

struct lesson_player {
	const lesson_program *prog;
	session *s;
	lesson_player_opts o;
	double scale;       /* waits, timeouts, lifetimes: time_scale times slow */
	lesson_output *out; /* the tick being filled */

	int pc; /* next step */
	int state;
	bool started; /* the first tick has run */
	uint64_t start_ns;
	bool step_started; /* the waiting step at pc has begun */
	uint64_t step_ns;  /* ... when */
	int key;           /* pending key, or -1 */
	int mark;          /* index of the current chapter's mark, -1 none */
	uint64_t mark_ns;

	bool measuring;       /* a spawn since the last measure */
	uint64_t measure_ns;  /* ... when the first of them was asked for */
	bool measured;        /* the measure at pc saw its batches end ... */
	uint64_t measured_ns; /* ... then (it may wait for the reader after) */

	uint64_t hold_until; /* the caption is held until then (lesson.h), 0 none */
	bool holding;        /* this tick's steps wait only for the reader */
	signed char *result; /* per step: its latest outcome counted in passed or
	                        failed, 0 none, 1 passed, -1 failed */

	gs_stats base; /* counters at the first tick or the last reset */
	workload_counters cbase;
	/* maxthreads, maxrunqueue, maxlocalrunq, maxgoroutines, maxspinning,
	 * maxrunning: sampled every tick */
	int64_t peak[6];
	/* the runtime's exact peaks count since gs_reset_peaks returned this
	 * (<= 0: it failed; what there is counts) */
	int64_t peak_epoch;
	int64_t cpu0_ns, wall0_ns; /* the process's CPU clock and the wall clock then */
	int64_t childbase;         /* threadlimit children ended before the reset */
	int64_t rssbase;           /* VmRSS at the reset, kB */
	int64_t tasks;             /* the COUNTs of the spawns since the reset */
	int64_t rssseen;           /* rsspertask when last read since the reset */
	int64_t rsslast;           /* ... and before it */
	int startprocs, envprocs, cgroupcpus, cgrouppct, physcores;
	int passed, failed;

	char caption[LESSON_TEXT_MAX * 4];
	bool have_caption;
	char waiting[640];
};

/* A wait or lifetime of the script, stretched by the time scale. */
int64_t
lesson_scale(int64_t ns, double time_scale)
{
	double v = (double)ns * (time_scale > 0 ? time_scale : 1);
	return v > 9e18 ? INT64_MAX : (int64_t)v;
}

int64_t
lesson_hold_ns(const char *caption)
{
	int64_t chars = 0;

	/* characters, not bytes: a reader reads an accented letter once */
	for (const unsigned char *c = (const unsigned char *)caption; *c; c++)
		chars += (*c & 0xc0) != 0x80 && *c != '\n';
	int64_t ns = LESSON_HOLD_BASE_NS + chars * 1000000000LL / LESSON_HOLD_CHARS_PER_S;
	return ns < LESSON_HOLD_MAX_NS ? ns : LESSON_HOLD_MAX_NS;
}

/* ---- the machine's and the process's figures ------------------------------------------ */

static ssize_t
read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, size - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return n;
}

/* The cgroup CPU limit as the runtime reads it (gs_cgroup_cpu_limit), in
 * percent of a CPU rounded up (150: 1.5 CPUs), 0 if none. */
static int
cgroup_pct(void)
{
	double limit;

	if (gs_cgroup_cpu_limit(&limit) != 1 || !(limit > 0))
		return 0;
	double pct = limit * 100;
	int l = pct < 1e9 ? (int)pct : 1000000000;
	return (double)l < pct ? l + 1 : l;
}

static int
env_procs(void)
{
	const char *e = getenv("GOMAXPROCS");
	char *end;

	if (e == NULL || *e == '\0')
		return 0;
	errno = 0;
	long v = strtol(e, &end, 10);
	return errno == 0 && *end == '\0' && v > 0 && v <= 256 ? (int)v : 0;
}

/* A field of /proc/self/status ("Threads:", "VmRSS:" in KiB); 0 if unknown. */
static int64_t
proc_status(const char *key)
{
	enum { SIZE = 4096 };
	char *buf = malloc(SIZE); /* off the stack, which may be small (ulimit -s 16) */
	long long v = buf ? procstat_read(key, buf, SIZE) : -1;

	free(buf);
	return v > 0 ? v : 0;
}

/* The process's CPU time (every thread's) and the wall clock, now. */
static void
proc_clocks(int64_t *cpu_ns, int64_t *wall_ns)
{
	struct timespec c = { 0, 0 }, w = { 0, 0 };

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c);
	clock_gettime(CLOCK_MONOTONIC, &w);
	*cpu_ns = (int64_t)c.tv_sec * 1000000000 + c.tv_nsec;
	*wall_ns = (int64_t)w.tv_sec * 1000000000 + w.tv_nsec;
}

/* A peak the runtime keeps exactly (gs_stats.max_*), as of the player's last
 * reset: a snapshot taken before that reset knows of nothing since. */
static int64_t
runtime_peak(const lesson_player *p, const gs_stats *st, uint64_t v)
{
	if (p->peak_epoch > 0 && st->peak_epoch < (uint64_t)p->peak_epoch)
		return 0;
	return (int64_t)v;
}

/* The CPUs that share a core, one group per core in the order of their first
 * CPU: "[0,4] [1,5]"; cut short with "..." past 60 columns. */
static void
cpu_siblings(char *buf, size_t size)
{
	char path[96], list[64], seen[1024] = "";
	size_t n = 0;

	buf[0] = '\0';
	for (int cpu = 0; cpu < 4096 && n + 1 < size; cpu++) {
		snprintf(path, sizeof path,
		    "/sys/devices/system/cpu/cpu%d/topology/thread_siblings_list", cpu);
		if (read_file(path, list, sizeof list) <= 0)
			break;
		list[strcspn(list, "\n")] = '\0';
		char key[70];
		snprintf(key, sizeof key, "[%s]", list);
		if (strstr(seen, key) != NULL)
			continue;
		if (strlen(seen) + strlen(key) < sizeof seen)
			strcat(seen, key);
		if (n + strlen(key) + 1 > 60) {
			snprintf(buf + n, size - n, "%s...", n ? " " : "");
			return;
		}
		n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? " " : "", key);
		if (n >= size)
			n = size - 1;
	}
	if (buf[0] == '\0')
		snprintf(buf, size, "(unknown)");
}

/* Text t now, into buf. */
static void
text_value(lesson_player *p, int t, char *buf, size_t size)
{
	workload_measures m;

	if (t == LT_CPUSIBLINGS) {
		cpu_siblings(buf, size);
		return;
	}
	workload_measures_read(&m);
	snprintf(buf, size, "%s", m.child_runs > p->childbase ? m.child_out : "(no child yet)");
}

static int64_t
localrunq(const gs_snapshot *snap, bool longest)
{
	int64_t sum = 0, max = 0;

	for (int i = 0; i < snap->np; i++) {
		sum += snap->p[i].runq_len;
		if (snap->p[i].runq_len > max)
			max = snap->p[i].runq_len;
	}
	return longest ? max : sum;
}

int64_t
lesson_player_value(lesson_player *p, const gs_snapshot *snap, int q)
{
	const gs_stats *st = &snap->stats;
	const gs_stats *b = &p->base;
	workload_counters c;

	switch (q) {
	case LQ_THREADS:
		return st->threads;
	case LQ_BUSYTHREADS:
		return st->threads - st->idle_threads;
	case LQ_IDLETHREADS:
		return st->idle_threads;
	case LQ_SPINNING:
		return st->spinning_threads;
	case LQ_PROCS:
		return st->gomaxprocs;
	case LQ_IDLEPROCS:
		return st->idle_procs;
	case LQ_RUNQUEUE:
		return st->global_runq;
	case LQ_LOCALRUNQ:
		return localrunq(snap, false);
	case LQ_GOROUTINES:
		return st->goroutines;
	case LQ_RUNNABLE:
		return st->by_status[GS_G_RUNNABLE];
	case LQ_RUNNING:
		return st->by_status[GS_G_RUNNING];
	case LQ_WAITING:
		return st->by_status[GS_G_WAITING];
	case LQ_INSYSCALL:
		return st->in_syscall;
	case LQ_NETWAITING:
		return st->by_waitreason[GS_WAIT_IO];
	case LQ_SLEEPING:
		return st->by_waitreason[GS_WAIT_SLEEP];
	case LQ_BATCHES:
		return p->s ? session_unfinished(p->s) : 0;
	case LQ_OSTHREADS:
		return snap->os_threads;
	case LQ_RSSKB:
		return proc_status("VmRSS:");
	case LQ_MAXRSSKB:
		return proc_status("VmHWM:");
	case LQ_MAXTHREADS:
		return p->peak[0];
	case LQ_MAXRUNQUEUE:
		return p->peak[1];
	case LQ_MAXLOCALRUNQ:
		return p->peak[2];
	case LQ_MAXGOROUTINES:
		return p->peak[3];
	case LQ_MAXSPINNING:
		return p->peak[4];
	case LQ_MAXSTEAL:
		return runtime_peak(p, st, st->max_steal);
	case LQ_MAXTIMERLATE:
		return runtime_peak(p, st, st->max_timer_late_ns) / 1000000;
	case LQ_CPUPCT: {
		int64_t cpu, wall;
		proc_clocks(&cpu, &wall);
		return wall > p->wall0_ns ? (cpu - p->cpu0_ns) * 100 / (wall - p->wall0_ns) : 0;
	}
	case LQ_STEALS:
		return (int64_t)(st->steals - b->steals);
	case LQ_STOLEN:
		return (int64_t)(st->stolen - b->stolen);
	case LQ_HANDOFFS:
		return (int64_t)(st->handoffs - b->handoffs);
	case LQ_RETAKES:
		return (int64_t)(st->retakes - b->retakes);
	case LQ_PREEMPTIONS:
		return (int64_t)(st->preempt_async + st->preempt_coop - b->preempt_async -
		    b->preempt_coop);
	case LQ_COOPREEMPTIONS:
		return (int64_t)(st->preempt_coop - b->preempt_coop);
	case LQ_ASYNCPREEMPTIONS:
		return (int64_t)(st->preempt_async - b->preempt_async);
	case LQ_PREEMPTREQUESTS:
		return (int64_t)(st->preempt_requests - b->preempt_requests);
	case LQ_SPAWNS: /* the workloads' goroutines, not the session's own */
		workload_counters_read(&c);
		return (int64_t)(c.go_started - p->cbase.go_started);
	case LQ_EXITS:
		workload_counters_read(&c);
		return (int64_t)(c.go_ended - p->cbase.go_ended);
	case LQ_GLOBALPUTS:
		return (int64_t)(st->global_puts - b->global_puts);
	case LQ_THREADSCREATED:
		return (int64_t)(st->threads_created - b->threads_created);
	case LQ_SYSCALLS:
		return (int64_t)(st->syscalls - b->syscalls);
	case LQ_NETPOLLWAKES:
		return (int64_t)(st->netpoll_wakes - b->netpoll_wakes);
	case LQ_RUNNEXTHITS:
		return (int64_t)(st->runnext_hits - b->runnext_hits);
	case LQ_FAIRTAKES:
		return (int64_t)(st->fair_takes - b->fair_takes);
	case LQ_STEALHALFMISSES:
		return (int64_t)(st->steal_half_misses - b->steal_half_misses);
	case LQ_EXITSYSCALLOLDP:
		return (int64_t)(st->exitsyscall_oldp - b->exitsyscall_oldp);
	case LQ_EXITSYSCALLIDLEP:
		return (int64_t)(st->exitsyscall_idlep - b->exitsyscall_idlep);
	case LQ_EXITSYSCALLGLOBAL:
		return (int64_t)(st->exitsyscall_global - b->exitsyscall_global);
	case LQ_SERVED:
		workload_counters_read(&c);
		return (int64_t)(c.http_ok - p->cbase.http_ok);
	case LQ_REJECTED:
		workload_counters_read(&c);
		return (int64_t)(c.http_rejected - p->cbase.http_rejected);
	case LQ_NCPU:
		return st->ncpu > 0 ? st->ncpu : gs_numcpu();
	case LQ_PHYSCORES:
		return p->physcores;
	case LQ_STARTPROCS:
		return p->startprocs;
	case LQ_ENVPROCS:
		return p->envprocs;
	case LQ_CGROUPCPUS:
		return p->cgroupcpus;
	case LQ_CGROUPPCT:
		return p->cgrouppct;
	case LQ_EXPECTEDPROCS: {
		int n = st->ncpu > 0 ? st->ncpu : gs_numcpu();
		if (p->envprocs > 0)
			return p->envprocs;
		if (p->cgroupcpus > 0 && (p->cgroupcpus < 2 ? 2 : p->cgroupcpus) < n)
			n = p->cgroupcpus < 2 ? 2 : p->cgroupcpus;
		return n > 256 ? 256 : n;
	}
	case LQ_ELAPSED_MS:
		return snap->time_ns > p->start_ns
		    ? (int64_t)((snap->time_ns - p->start_ns) / 1000000)
		    : 0;
	case LQ_SWITCHNS:
	case LQ_YIELDNS:
	case LQ_THREADSWITCHNS:
	case LQ_CHILDRUNS:
	case LQ_CHILDEXIT:
	case LQ_CHILDTHREADLIMIT: {
		workload_measures m;
		workload_measures_read(&m);
		bool child = m.child_runs > p->childbase;
		return q == LQ_SWITCHNS      ? m.chan_switch_ns
		    : q == LQ_YIELDNS        ? m.yield_ns
		    : q == LQ_THREADSWITCHNS ? m.thread_switch_ns
		    : q == LQ_CHILDRUNS      ? m.child_runs - p->childbase
		    : !child                 ? -1
		    : q == LQ_CHILDEXIT      ? m.child_exit
					     : m.child_limit;
	}
	case LQ_MAXRUNNING:
		return p->peak[5];
	case LQ_RSSGROWKB:
		return proc_status("VmRSS:") - p->rssbase;
	case LQ_RSSPERTASK:
		/* remembered, so that the next chapter can compare with the
		 * figure this one showed, not with one grown since */
		return p->rssseen = p->tasks > 0
		    ? (proc_status("VmRSS:") - p->rssbase) * 1024 / p->tasks
		    : 0;
	case LQ_LASTRSSPERTASK:
		return p->rsslast;
	case LQ_THREADSWAITING:
		return workload_threads_waiting();
	default:
		return 0;
	}
}

static void
update_peaks(lesson_player *p, const gs_snapshot *snap)
{
	int64_t now[6] = { snap->stats.threads, snap->stats.global_runq, localrunq(snap, true),
		snap->stats.goroutines, snap->stats.spinning_threads,
		snap->stats.by_status[GS_G_RUNNING] };

	for (int i = 0; i < 6; i++)
		if (now[i] > p->peak[i])
			p->peak[i] = now[i];
}

/* VmHWM restarts from the resident size now (Linux 4.0, clear_refs "5");
 * where that is refused, maxrsskb is the peak since the process began. */
static void
reset_hwm(void)
{
	int fd = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	if (write(fd, "5", 1) != 1) { /* nothing to do: the documented fallback */
	}
	close(fd);
}

static void
reset_counters(lesson_player *p, const gs_snapshot *snap)
{
	p->base = snap->stats;
	workload_counters_read(&p->cbase);
	workload_measures m;
	workload_measures_read(&m);
	p->childbase = m.child_runs;
	p->rssbase = proc_status("VmRSS:");
	p->tasks = 0;
	p->rsslast = p->rssseen;
	p->rssseen = 0;
	memset(p->peak, 0, sizeof p->peak);
	update_peaks(p, snap);
	p->peak_epoch = gs_reset_peaks();
	reset_hwm();
	proc_clocks(&p->cpu0_ns, &p->wall0_ns);
}

/* ---- output ---------------------------------------------------------------------- */

static lesson_line *emit(lesson_player *p, int kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static lesson_line *
emit(lesson_player *p, int kind, const char *fmt, ...)
{
	lesson_output *o = p->out;
	va_list ap;

	if (o->nlines == LESSON_LINES_MAX)
		return NULL; /* the tick ends before this can happen: see tick() */
	lesson_line *l = &o->lines[o->nlines++];
	l->kind = kind;
	l->step = p->pc;
	l->line = p->pc < p->prog->nsteps ? p->prog->steps[p->pc].line : 0;
	va_start(ap, fmt);
	vsnprintf(l->text, sizeof l->text, fmt, ap);
	va_end(ap);
	return l;
}

/* text with each {quantity} replaced by its value now ("{{" is a brace). */
static void
substitute(lesson_player *p, const gs_snapshot *snap, const char *text, char *buf, size_t size)
{
	size_t n = 0;

	for (const char *c = text; *c && n + 1 < size; c++) {
		const char *end;
		int q;
		if (c[0] == '{' && c[1] == '{') {
			buf[n++] = '{';
			c++;
		} else if (c[0] == '}' && c[1] == '}') {
			buf[n++] = '}';
			c++;
		} else if (*c == '{' && (end = strchr(c, '}')) != NULL &&
		    (q = lesson_qty_find(c + 1, (size_t)(end - c - 1))) >= 0) {
			int w = snprintf(buf + n, size - n, "%" PRId64,
			    lesson_player_value(p, snap, q));
			n = w > 0 && (size_t)w < size - n ? n + (size_t)w : size - 1;
			c = end;
		} else if (*c == '{' && (end = strchr(c, '}')) != NULL &&
		    (q = lesson_text_find(c + 1, (size_t)(end - c - 1))) >= 0) {
			char words[WORKLOAD_CHILDOUT_MAX];
			text_value(p, q, words, sizeof words);
			int w = snprintf(buf + n, size - n, "%s", words);
			n = w > 0 && (size_t)w < size - n ? n + (size_t)w : size - 1;
			c = end;
		} else {
			buf[n++] = *c;
		}
	}
	buf[n] = '\0';
}

/* Evaluate c; the values it read go into why ("threads = 5, procs = 2"). */
static bool
cond_eval(lesson_player *p, const gs_snapshot *snap, const lesson_cond *c, char *why, size_t size)
{
	int64_t lhs = lesson_player_value(p, snap, c->qty), rhs = 0;
	size_t n = (size_t)snprintf(why, size, "%s = %" PRId64, lesson_qty_name(c->qty), lhs);

	for (int k = 0; k < c->nterms; k++) {
		int64_t v = c->term[k].num;
		if (c->term[k].qty >= 0) {
			v = lesson_player_value(p, snap, c->term[k].qty);
			if (n < size)
				n += (size_t)snprintf(why + n, size - n, ", %s = %" PRId64,
				    lesson_qty_name(c->term[k].qty), v);
		}
		rhs += c->term[k].sign * v;
	}
	switch (c->op) {
	case LESSON_LT:
		return lhs < rhs;
	case LESSON_LE:
		return lhs <= rhs;
	case LESSON_EQ:
		return lhs == rhs;
	case LESSON_NE:
		return lhs != rhs;
	case LESSON_GE:
		return lhs >= rhs;
	default:
		return lhs > rhs;
	}
}

static void
fmt_secs(char *buf, size_t size, int64_t ns)
{
	snprintf(buf, size, "%.2f s", (double)ns / 1e9);
}

/* A duration as "85 us", "3.2 ms", "61.5 ms", "1.23 s". */
static void
fmt_dur(char *buf, size_t size, int64_t ns)
{
	double v = (double)(ns > 0 ? ns : 0);

	if (v < 1e6)
		snprintf(buf, size, "%.0f us", v / 1e3);
	else if (v < 1e9)
		snprintf(buf, size, "%.3g ms", v / 1e6);
	else
		snprintf(buf, size, "%.2f s", v / 1e9);
}

/* A time measured while the runtime ran slowed, said both ways:
 * "61.50 s (x20 slow: 3.08 s real-speed)"; as fmt_secs at real speed.  The
 * workloads did the work of real speed, N times slower, so the time it
 * would have taken is the measured one over N. */
static void
fmt_secs_slow(const lesson_player *p, char *buf, size_t size, int64_t ns)
{
	char real[32];

	fmt_secs(buf, size, ns);
	if (p->o.slow <= 1)
		return;
	size_t n = strlen(buf);
	fmt_dur(real, sizeof real, ns / p->o.slow);
	snprintf(buf + n, size - n, " (x%d slow: %s real-speed)", p->o.slow, real);
}

/* ---- keys ------------------------------------------------------------------------- */

void
lesson_player_key(lesson_player *p, int key)
{
	p->key = key;
}

static int
find_mark(const lesson_program *g, int from, int dir)
{
	for (int i = from; i >= 0 && i < g->nsteps; i += dir)
		if (g->steps[i].cmd == LESSON_MARK)
			return i;
	return -1;
}

static void
jump(lesson_player *p, int to, const char *why)
{
	p->pc = to;
	p->step_started = false;
	p->measuring = false;
	p->measured = false;
	p->state = LESSON_RUNNING;
	emit(p, LL_INFO, "%s", why);
}

static void
do_key(lesson_player *p, uint64_t now)
{
	int key = p->key;
	const lesson_program *g = p->prog;

	p->key = -1;
	p->hold_until = 0; /* the presenter goes on: the caption has been read */
	if (key == LESSON_KEY_CONTINUE) {
		if (p->holding) {
			/* the lesson waited only for the reader: that is all */
		} else if (p->state == LESSON_WAITING_KEY) {
			p->state = LESSON_RUNNING;
			p->pc++;
		} else if (p->pc < g->nsteps && p->step_started) {
			/* skip the running wait without judging it */
			emit(p, LL_INFO, "skipped: %s", p->waiting);
			p->pc++;
			p->step_started = false;
		}
	} else if (key == LESSON_KEY_NEXT) {
		int j = find_mark(g, p->mark + 1, 1);
		if (j >= 0 && j >= p->pc - 1 && j != p->mark)
			jump(p, j, "jump to the next chapter");
		else if (j < 0)
			jump(p, g->nsteps, "jump to the end");
	} else if (key == LESSON_KEY_PREV) {
		int j = p->mark;
		if (j >= 0 && now - p->mark_ns < PREV_GRACE_NS) {
			int k = find_mark(g, j - 1, -1);
			j = k >= 0 ? k : 0;
		}
		jump(p, j >= 0 ? j : 0, "back to the chapter's start");
	}
}

/* ---- steps ------------------------------------------------------------------------- */

static int
procs_of(const lesson_step *s, const gs_snapshot *snap)
{
	int ncpu = snap->stats.ncpu > 0 ? snap->stats.ncpu : gs_numcpu();
	long n = s->procs_rel == '*' ? (long)ncpu * s->procs
	    : s->procs_rel == '/'    ? ncpu / s->procs
				     : s->procs;
	return n < 1 ? 1 : n > 256 ? 256 : (int)n;
}

/* A timed step: true once it has waited ns since it began. */
static bool
waited(lesson_player *p, uint64_t now, int64_t ns)
{
	if (!p->step_started) {
		p->step_started = true;
		p->step_ns = now;
	}
	return (int64_t)(now - p->step_ns) >= lesson_scale(ns, p->scale);
}

/* The outcome of the step at pc into passed or failed, in place of the one
 * it had if it ran before (a jump back runs steps again). */
static void
tally(lesson_player *p, bool ok)
{
	signed char *r = &p->result[p->pc];

	if (*r > 0)
		p->passed--;
	else if (*r < 0)
		p->failed--;
	if (ok)
		p->passed++;
	else
		p->failed++;
	*r = ok ? 1 : -1;
}

/* Whether the caption shown still holds the steps that would replace it
 * (lesson.h): then the tick says how long yet, and ends. */
static bool
held(lesson_player *p, uint64_t now)
{
	if (p->hold_until == 0 || now >= p->hold_until) {
		p->hold_until = 0;
		return false;
	}
	p->holding = true;
	p->out->hold_ns = (int64_t)(p->hold_until - now);
	snprintf(p->waiting, sizeof p->waiting, "the room reads the caption (%d s left)",
	    (int)((p->out->hold_ns + 999999999) / 1000000000));
	return true;
}

/* A new caption: shown now, held for reading (not in --batch). */
static void
caption_shown(lesson_player *p, uint64_t now)
{
	p->have_caption = true;
	p->hold_until = p->o.batch ? 0 : now + (uint64_t)lesson_hold_ns(p->caption);
}

static void fail(lesson_player *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
fail(lesson_player *p, const char *fmt, ...)
{
	char buf[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	tally(p, false);
	emit(p, LL_EXPECT_FAIL, "%s", buf);
}

/* Run the step at pc.  Returns 1 to go on with the next step in this tick,
 * 0 to end the tick (waiting, or the runtime just changed). */
static int
step(lesson_player *p, const gs_snapshot *snap, uint64_t now)
{
	const lesson_step *s = &p->prog->steps[p->pc];
	char why[300], tbuf[96];
	int rc;

	switch (s->cmd) {
	case LESSON_PROCS: {
		if (held(p, now))
			return 0;
		int n = procs_of(s, snap);
		rc = p->s ? session_set_procs(p->s, n) : GS_ENOTRUN;
		if (rc == GS_EBUSY)
			return 0; /* the world is stopped (the UI paused): next tick */
		if (rc < 0) {
			emit(p, LL_ERROR, "procs %d: %s", n, gs_strerror(rc));
			tally(p, false);
		} else {
			emit(p, LL_INFO, "GOMAXPROCS = %d (was %d)", n, rc);
		}
		p->pc++;
		return 0;
	}
	case LESSON_SPAWN: {
		if (held(p, now))
			return 0;
		session_batch b = {
			.kind = s->kind,
			.count = s->count,
			.life_ns = s->life_ns ? lesson_scale(s->life_ns, p->scale) : 0,
			.iters = s->iters,
			.label = s->label[0] ? s->label : NULL,
		};
		rc = p->s ? session_spawn(p->s, &b) : GS_ENOTRUN;
		if (rc == GS_EAGAIN)
			return 0; /* the controller is busy: again next tick */
		if (rc < 0) {
			emit(p, LL_ERROR, "spawn %d %s: %s", s->count, s->kind, gs_strerror(rc));
			tally(p, false);
		} else {
			if (s->life_ns)
				fmt_secs_slow(p, tbuf, sizeof tbuf, b.life_ns);
			char iters[48] = "";
			if (s->iters)
				snprintf(iters, sizeof iters,
				    strcmp(s->kind, "threadlimit") == 0 ? ", thread limit %" PRId64
									: ", %" PRId64
									  " iterations each",
				    s->iters);
			emit(p, LL_INFO, "spawn %d %s%s%s%s%s%s", s->count, s->kind,
			    s->life_ns ? " for " : "", s->life_ns ? tbuf : "", iters,
			    s->label[0] ? " as " : "", s->label);
			p->tasks += s->count;
			if (!p->measuring) {
				p->measuring = true;
				p->measure_ns = now;
			}
		}
		p->pc++;
		return 0;
	}
	case LESSON_SAY:
		if (held(p, now))
			return 0;
		substitute(p, snap, s->text, p->caption, sizeof p->caption);
		caption_shown(p, now);
		emit(p, LL_SAY, "%s", p->caption);
		p->pc++;
		return 1;
	case LESSON_WAIT:
		if (!waited(p, now, s->ns)) {
			fmt_secs(tbuf, sizeof tbuf,
			    lesson_scale(s->ns, p->scale) - (int64_t)(now - p->step_ns));
			snprintf(p->waiting, sizeof p->waiting, "wait (%s left)", tbuf);
			return 0;
		}
		p->step_started = false;
		p->pc++;
		return 1;
	case LESSON_WAIT_UNTIL: {
		bool ok = cond_eval(p, snap, &s->cond, why, sizeof why);
		bool timeout = waited(p, now, s->ns);
		if (!ok && !timeout) {
			snprintf(p->waiting, sizeof p->waiting, "wait until %s (now %s)",
			    s->cond.text, why);
			return 0;
		}
		if (!ok) {
			fmt_secs_slow(p, tbuf, sizeof tbuf, lesson_scale(s->ns, p->scale));
			fail(p, "wait until %s: timed out after %s (%s)", s->cond.text, tbuf, why);
		}
		p->step_started = false;
		p->pc++;
		return 1;
	}
	case LESSON_PAUSE:
		if (p->o.batch) {
			p->pc++;
			return 1;
		}
		p->state = LESSON_WAITING_KEY;
		snprintf(p->waiting, sizeof p->waiting, "press a key to go on");
		return 0;
	case LESSON_EXPECT:
		if (cond_eval(p, snap, &s->cond, why, sizeof why)) {
			tally(p, true);
			emit(p, LL_EXPECT_OK, "expect %s: ok (%s)", s->cond.text, why);
		} else {
			fail(p, "expect %s: FAILED (%s)", s->cond.text, why);
		}
		p->pc++;
		return 1;
	case LESSON_MARK:
		if (held(p, now))
			return 0;
		p->mark = p->pc;
		p->mark_ns = now;
		emit(p, LL_MARK, "%s", s->text);
		p->pc++;
		return 1;
	case LESSON_MEASURE: {
		int64_t left = p->s ? session_unfinished(p->s) : 0;
		bool timeout = waited(p, now, s->ns);
		if (left > 0 && !timeout) {
			snprintf(p->waiting, sizeof p->waiting,
			    "measure \"%s\": %" PRId64 " batches still running", s->text, left);
			return 0;
		}
		if (left == 0 && !p->measured) {
			/* the time is taken now, shown once the last caption is read */
			p->measured = true;
			p->measured_ns = now;
		}
		if (left == 0 && held(p, now))
			return 0;
		if (left > 0) {
			fmt_secs_slow(p, tbuf, sizeof tbuf, lesson_scale(s->ns, p->scale));
			fail(p, "measure \"%s\": batches still running after %s", s->text, tbuf);
		} else {
			int64_t ns = p->measuring ? (int64_t)(p->measured_ns - p->measure_ns) : 0;
			/* --time-scale stretches nothing measured: say the real time;
			 * --slow stretches the work itself: say both */
			char label[LESSON_TEXT_MAX * 2];
			fmt_secs_slow(p, tbuf, sizeof tbuf, ns);
			substitute(p, snap, s->text, label, sizeof label);
			snprintf(p->caption, sizeof p->caption, "%s: %s", label, tbuf);
			caption_shown(p, now);
			emit(p, LL_MEASURE, "%s", p->caption);
		}
		p->measuring = false;
		p->measured = false;
		p->step_started = false;
		p->pc++;
		return 1;
	}
	case LESSON_ASYNCPREEMPTOFF:
		rc = gs_set_asyncpreemptoff(s->procs);
		if (rc < 0) {
			emit(p, LL_ERROR, "asyncpreemptoff %d: %s", s->procs, gs_strerror(rc));
			p->failed++;
		} else {
			emit(p, LL_INFO,
			    "asyncpreemptoff = %d (was %d): the preemption signal is %s", s->procs,
			    rc, s->procs ? "off" : "on");
		}
		p->pc++;
		return 1;
	case LESSON_RESET:
		if (held(p, now))
			return 0;
		reset_counters(p, snap);
		emit(p, LL_INFO, "counters and peaks reset");
		p->pc++;
		return 1;
	default:
		p->pc++;
		return 1;
	}
}

int
lesson_player_tick(lesson_player *p, const gs_snapshot *snap, uint64_t now, lesson_output *out)
{
	out->nlines = 0;
	out->hold_ns = 0;
	p->out = out;
	p->waiting[0] = '\0';
	if (!p->started) {
		p->started = true;
		p->start_ns = now;
		p->startprocs = snap->stats.gomaxprocs;
		reset_counters(p, snap);
		/* a limit from a test tree is said to be one, on screen too */
		const char *cg = getenv("GSCHED_CGROUP_ROOT");
		if (cg != NULL)
			emit(p, LL_INFO,
			    "cgroup limits read from a test tree: GSCHED_CGROUP_ROOT=%s "
			    "stands for /",
			    cg);
	}
	update_peaks(p, snap);
	if (p->key >= 0)
		do_key(p, now);
	p->holding = false;
	if (p->state != LESSON_WAITING_KEY) {
		/* at most LESSON_LINES_MAX - 2 steps per tick, so every line fits (a
		 * step emits one line, a key one more) */
		for (int n = 0; n < LESSON_LINES_MAX - 2; n++) {
			if (p->pc >= p->prog->nsteps) {
				p->state = LESSON_DONE;
				break;
			}
			if (!step(p, snap, now))
				break;
		}
	}
	if (p->state == LESSON_RUNNING && p->pc >= p->prog->nsteps)
		p->state = LESSON_DONE;
	out->state = p->state;
	out->caption = p->have_caption ? p->caption : NULL;
	out->chapter = p->mark >= 0 ? p->prog->steps[p->mark].text : NULL;
	out->step = p->pc;
	out->nsteps = p->prog->nsteps;
	out->passed = p->passed;
	out->failed = p->failed;
	out->waiting_for = p->waiting[0] ? p->waiting : NULL;
	p->out = NULL;
	return out->state;
}

lesson_player *
lesson_player_new(const lesson_program *prog, session *s, const lesson_player_opts *o)
{
	lesson_player *p = calloc(1, sizeof *p);

	if (p == NULL)
		return NULL;
	p->prog = prog;
	p->s = s;
	p->o.time_scale = 1;
	if (o) {
		p->o = *o;
		if (!(p->o.time_scale >= 0.01))
			p->o.time_scale = 1;
	}
	if (p->o.slow < 1)
		p->o.slow = 1;
	p->scale = p->o.time_scale * p->o.slow;
	p->key = -1;
	p->mark = -1;
	p->result = calloc((size_t)(prog->nsteps > 0 ? prog->nsteps : 1), 1);
	if (p->result == NULL) {
		free(p);
		return NULL;
	}
	p->envprocs = env_procs();
	p->cgrouppct = cgroup_pct();
	p->cgroupcpus = (p->cgrouppct + 99) / 100; /* rounded up */
	p->physcores = gs_numcores();
	return p;
}

void
lesson_player_free(lesson_player *p)
{
	if (p)
		free(p->result);
	free(p);
}
