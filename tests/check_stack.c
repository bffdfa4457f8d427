/*
 * check_stack.c - goroutine stacks (stack.c): every size class holds a deep call
 * chain; every stack has a guard page, so an overflow of any class, with any
 * number of stacks live, is reported naming the goroutine that overflowed
 * before a byte of its neighbours' stacks changes; without guard markers the
 * number of live goroutines is capped and a spawn past it refused; a hundred
 * thousand small stacks park at once, and stacks are reused instead of piling
 * up.
 *
 * The overflow tests fork a child that overflows on purpose; the parent reads the
 * child's stderr through a pipe and checks how it died.  The tests peek at the
 * running G (internal.h) only to know where its stack ends.
 *
 * Under AddressSanitizer the small classes (4 KiB and less) are left out: ASan's
 * own code on a goroutine's stack (its no-return handler at goroutine exit, its
 * interceptors, its redzones) needs more than that, and it reports an overrun as
 * its own error before the runtime's canary could.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/internal.h"
#include "testutil.h"
#include "tu_child.h"

/* ---- deep calls in every class ---------------------------------------------------- */

/* Recurse until the stack pointer is `target` bytes below `top`; each frame owns a
 * written array so the compiler can neither drop nor merge the frames.  At the
 * deepest point, call `at_bottom` (switch away and back with a deep stack). */
static uint64_t __attribute__((noinline))
deep(uintptr_t top, size_t target, void (*at_bottom)(void *), void *arg, int depth, int *maxdepth)
{
	volatile unsigned char buf[128];
	uint64_t sum = 0;

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)(depth + i);
	if (top - (uintptr_t)buf < target) {
		sum = deep(top, target, at_bottom, arg, depth + 1, maxdepth);
	} else {
		*maxdepth = depth;
		if (at_bottom != NULL)
			at_bottom(arg);
	}
	for (size_t i = 0; i < sizeof(buf); i++)
		sum += buf[i];
	return sum;
}

/* What deep() returns when its deepest frame was maxdepth. */
static uint64_t
deep_expect(int maxdepth)
{
	uint64_t sum = 0;

	for (int d = 0; d <= maxdepth; d++)
		for (size_t i = 0; i < 128; i++)
			sum += (unsigned char)(d + i);
	return sum;
}

/* Stacks span whole pages (the guard below each is a page). */
static size_t
page_round(size_t size)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	return (size + page - 1) / page * page;
}

struct class_run {
	size_t request;   /* gs_attr.stack_size */
	size_t want_size; /* the class it must land in */
	gs_chan *hold;    /* park here at the bottom until closed */
	gs_waitgroup *parked;
	gs_waitgroup *done;
	_Atomic int ok;
	size_t used;
	char why[128];
};

static void
park_at_bottom(void *arg)
{
	struct class_run *r = arg;

	gs_yield();
	TU_WG_DONE(r->parked);
	ck_assert_int_eq(gs_chan_recv(r->hold, NULL), 0); /* closed later */
	gs_yield();
}

static void
class_goroutine(void *arg)
{
	struct class_run *r = arg;
	gs_g *gp = gs__getg();
	volatile int top;
	size_t size = gp->stack_hi - gp->stack_lo;

	if (size != page_round(r->want_size))
		snprintf(r->why, sizeof(r->why), "asked %zu, got a %zu-byte stack", r->request,
		    size);
	else if (gp->stack_lo % (uintptr_t)sysconf(_SC_PAGESIZE) != 0)
		snprintf(r->why, sizeof(r->why), "%zu: stack does not start on a page", size);
	else {
		/* Use a good part of it: half for the small classes (the runtime's own
		 * calls at the bottom need the rest), 60% for the others. */
		size_t target = size <= GS_SMALL_STACK_MAX ? size / 2 : size * 6 / 10;
		uintptr_t t = (uintptr_t)&top;
		int maxdepth = -1;
		uint64_t sum;

		sum = deep(t, target, park_at_bottom, r, 0, &maxdepth);
		r->used = t - gp->stack_lo;
		if (maxdepth < 2)
			snprintf(r->why, sizeof(r->why), "%zu: recursion too shallow", size);
		else if (sum != deep_expect(maxdepth))
			snprintf(r->why, sizeof(r->why), "%zu: deep frames corrupted", size);
		else
			atomic_store(&r->ok, 1);
	}
	if (!atomic_load(&r->ok))
		TU_WG_DONE(r->parked);
	TU_WG_DONE(r->done);
}

#define PER_CLASS 16

static const struct {
	size_t request, size;
	bool small; /* left out under a sanitizer (see the top of this file) */
} classes[] = {
	{ 2048, 2048, true },
	{ 1, 2048, true },
	{ 3000, 4096, true },
	{ 4096, 4096, true },
	{ 8192, 8192, false },
	{ 64 * 1024, 64 * 1024, false },
	{ 40000, 64 * 1024, false },
	{ 1024 * 1024, 1024 * 1024, false },
};
enum { NCLASSES = sizeof(classes) / sizeof(classes[0]) };

static void
main_classes(void *arg)
{
	static struct class_run runs[NCLASSES][PER_CLASS];
	gs_waitgroup parked = GS_WAITGROUP_INIT, done = GS_WAITGROUP_INIT;
	gs_chan *hold = gs_chan_make(0, 0);
	gs_stats st;
	int small = 0, large = 0;

	(void)arg;
	ck_assert_ptr_nonnull(hold);
	TU_WG_ADD(&parked, NCLASSES * PER_CLASS);
	TU_WG_ADD(&done, NCLASSES * PER_CLASS);
	for (int c = 0; c < NCLASSES; c++) {
		if (TU_SANITIZED && classes[c].small) {
			/* Counted as done, never spawned. */
			for (int i = 0; i < PER_CLASS; i++) {
				atomic_store(&runs[c][i].ok, 1);
				TU_WG_DONE(&parked);
				TU_WG_DONE(&done);
			}
			continue;
		}
		for (int i = 0; i < PER_CLASS; i++) {
			struct class_run *r = &runs[c][i];
			*r = (struct class_run){ .request = classes[c].request,
				.want_size = classes[c].size,
				.hold = hold,
				.parked = &parked,
				.done = &done };
			TU_GO_STACK(class_goroutine, r, classes[c].request);
		}
		if (classes[c].small)
			small += PER_CLASS;
		else
			large += PER_CLASS;
	}
	/* All of them sit at their deepest point at once. */
	gs_wg_wait(&parked);
	ck_assert_int_eq(gs_read_stats(&st), 0);
	ck_assert_msg(st.stacks_guarded >= (uint64_t)(small + large),
	    "stacks_guarded %" PRIu64 " with %d stacks live", st.stacks_guarded, small + large);
	ck_assert_int_eq(gs_chan_close(hold), 0);
	gs_wg_wait(&done);
	for (int c = 0; c < NCLASSES; c++)
		for (int i = 0; i < PER_CLASS; i++)
			ck_assert_msg(atomic_load(&runs[c][i].ok), "class %zu #%d: %s",
			    classes[c].request, i, runs[c][i].why);
	gs_chan_free(hold);
}

START_TEST(test_stack_classes)
{
	tu_run(main_classes, NULL, 2);
}
END_TEST

/* The configured default stack applies to gs_go. */
static void
report_stack(void *arg)
{
	gs_g *gp = gs__getg();
	size_t *out = arg;

	out[0] = gp->stack_hi - gp->stack_lo;
	out[1] = gp->stack_lo % (uintptr_t)sysconf(_SC_PAGESIZE);
}

struct dflt {
	size_t out[2];
	gs_waitgroup wg;
};

static void
dflt_child(void *arg)
{
	struct dflt *d = arg;

	report_stack(d->out);
	TU_WG_DONE(&d->wg);
}

static void
main_dflt(void *arg)
{
	struct dflt *d = arg;

	TU_WG_ADD(&d->wg, 1);
	TU_GO(dflt_child, d);
	gs_wg_wait(&d->wg);
}

START_TEST(test_default_stack_size)
{
	struct dflt d;
	gs_config cfg = { .procs = 2 };

	memset(&d, 0, sizeof(d));
	tu_run_cfg(main_dflt, &d, &cfg);
	ck_assert_uint_eq(d.out[0], GS_DEFAULT_STACK);

	if (!TU_SANITIZED) {
		memset(&d, 0, sizeof(d));
		cfg.stack_size = 4096;
		tu_run_cfg(main_dflt, &d, &cfg);
		ck_assert_uint_eq(d.out[0], page_round(4096));
		ck_assert_uint_eq(d.out[1], 0);
	}

	memset(&d, 0, sizeof(d));
	cfg.stack_size = 200 * 1024;
	tu_run_cfg(main_dflt, &d, &cfg);
	ck_assert_uint_eq(d.out[0], 256 * 1024);
}
END_TEST

/* ---- overflow, in a child process ------------------------------------------------------- */

struct crash {
	int status;
	int64_t goid;
	const char *out; /* the child's stderr, in child.out */
};

/* The forked child of the current test (1 MiB of captured stderr: static). */
static struct tu_child child;

static volatile size_t overflow_limit = SIZE_MAX; /* defeats -Winfinite-recursion */

static uint64_t __attribute__((noinline)) recurse_forever(size_t depth)
{
	volatile unsigned char buf[512];

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)depth;
	if (depth < overflow_limit)
		return recurse_forever(depth + 1) + buf[depth % sizeof(buf)];
	return buf[0];
}

/* Small stacks: write a local array that straddles the stack's lowest bytes (where
 * the canary lives), then switch away: the switch must notice. */
static uint64_t __attribute__((noinline)) overrun_bottom(void)
{
	volatile unsigned char big[512];

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = 0xee;
	gs_yield();
	return big[7];
}

/* Recurse in small steps until about 320 bytes are left, then overrun. */
static uint64_t __attribute__((noinline)) overrun_small(uintptr_t lo, int depth)
{
	volatile unsigned char buf[64];
	uint64_t sum;

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)depth;
	if ((uintptr_t)buf > lo + 320)
		sum = overrun_small(lo, depth + 1);
	else
		sum = overrun_bottom();
	return sum + buf[3];
}

/* Overrun by 1 KiB below the stack in small frames, each written whole, then
 * return as if nothing happened (a bounded overflow: the deepest call of a
 * recursion that then unwinds). */
static uint64_t __attribute__((noinline)) overrun_bounded(uintptr_t to, int depth)
{
	volatile unsigned char buf[64];
	uint64_t sum = 0;

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)depth;
	if ((uintptr_t)buf > to)
		sum = overrun_bounded(to, depth + 1);
	return sum + buf[5];
}

/* One frame two and a half pages big on a one-page stack, of which only the
 * lowest byte is written: without page probes it would land in the stack
 * below the guard, skipping both the guard and the canary. */
#define BIGFRAME (10 * 1024)
static uint64_t __attribute__((noinline)) overrun_bigframe(void)
{
	volatile unsigned char big[BIGFRAME];

	big[0] = 0xee;
	return big[0];
}

/* Deeper than the default stack (GS_DEFAULT_STACK), well within one of 64 KiB:
 * what a goroutine asking for a bigger stack gets and one with the default
 * does not. */
#define DEEP_BYTES (32 * 1024)

/* DEEP_BYTES of frames below the caller's, then return. */
static uint64_t __attribute__((noinline)) go_deep(void)
{
	return overrun_bounded((uintptr_t)__builtin_frame_address(0) - DEEP_BYTES, 0);
}

enum overflow_kind {
	OVF_SMALL,    /* overrun_small: a small stack's bottom, then a switch */
	OVF_FOREVER,  /* recurse_forever */
	OVF_BOUNDED,  /* overrun_bounded, then return */
	OVF_BIGFRAME, /* overrun_bigframe */
	OVF_DEEP      /* go_deep */
};

struct crash_plan {
	size_t stack;
	enum overflow_kind kind;
	int holders;         /* goroutines parked before the overflower is spawned */
	size_t holder_stack; /* their stack size */
	bool mprotect;       /* guards by mprotect (GSCHED_DEBUG=stackmprotect=1) */
	int idfd;
	gs_chan *gate; /* main lets the overflower start */
	gs_chan *back; /* the overflower reports here if it survives */
};

/*
 * The parked neighbours: each keeps a pattern in its top frame, the part of its
 * stack an overflow from the stack above would reach first.  The runtime's
 * fatal hook, which runs before the overflow report, checks every pattern and
 * says on stderr whether one changed: nobody may have seen a changed byte.
 */
#define PAT_WORDS 96
#define MAX_HOLDERS 512
static volatile uint64_t *holder_pat[MAX_HOLDERS];
static _Atomic int nholder_pat;

static uint64_t
pattern_word(int k, int i)
{
	return 0x6e65696768626f72ULL ^ ((uint64_t)k << 32) ^ (uint64_t)i;
}

static void
neighbours_hook(void)
{
	static const char intact[] = "neighbours: intact\n";
	static const char changed[] = "neighbours: a parked neighbour's stack changed\n";
	int n = atomic_load(&nholder_pat), bad = 0;

	for (int k = 0; k < n && k < MAX_HOLDERS; k++)
		for (int i = 0; i < PAT_WORDS; i++)
			if (holder_pat[k][i] != pattern_word(k, i))
				bad = 1;
	if (write(2, bad ? changed : intact, bad ? sizeof changed - 1 : sizeof intact - 1) < 0) {
		/* the test then fails on the missing line */
	}
}

static void
hold_pattern(void *arg)
{
	volatile uint64_t pat[PAT_WORDS];
	int k = atomic_fetch_add(&nholder_pat, 1);

	for (int i = 0; i < PAT_WORDS; i++)
		pat[i] = pattern_word(k, i);
	if (k < MAX_HOLDERS)
		holder_pat[k] = pat;
	gs_chan_recv(arg, NULL);
	pat[0] = pat[1];
}

static void
crash_noop(void *arg)
{
	gs_wg_done(arg);
}

static void
crash_noop_plain(void *arg)
{
	(void)arg;
}

static void
overflower(void *arg)
{
	struct crash_plan *plan = arg;

	/* Start only once main has reported our id.  (No libc call here: on a 2 KiB
	 * stack, the first call of a lazily bound function is itself an overflow;
	 * see test_small_stack_libc_call.) */
	gs_chan_recv(plan->gate, NULL);
	switch (plan->kind) {
	case OVF_SMALL:
		(void)overrun_small(gs__getg()->stack_lo, 0);
		break;
	case OVF_FOREVER:
		(void)recurse_forever(0);
		break;
	case OVF_BOUNDED:
		(void)overrun_bounded(gs__getg()->stack_lo - 1024, 0);
		break;
	case OVF_BIGFRAME:
		(void)overrun_bigframe();
		break;
	case OVF_DEEP:
		(void)go_deep();
		break;
	}
	/* Only reached if nothing noticed: main returns, the child exits cleanly
	 * and the parent fails the test. */
	gs_chan_send(plan->back, NULL);
}

static void
crash_main(void *arg)
{
	struct crash_plan *plan = arg;
	gs_waitgroup wg = GS_WAITGROUP_INIT;
	gs_chan *never = gs_chan_make(0, 0);
	gs_attr attr = { .label = "overflower", .stack_size = plan->stack };
	int64_t id;

	/* Push the goroutine ids up so the id in the report cannot be a coincidence,
	 * and park a few small stacks so the overflowing one has neighbours. */
	gs_wg_add(&wg, 1000);
	for (int i = 0; i < 1000; i++)
		if (gs_go(crash_noop, &wg) <= 0)
			_exit(91);
	gs_wg_wait(&wg);
	for (int i = 0; i < plan->holders; i++) {
		gs_attr hattr = { .stack_size = plan->holder_stack };
		if (gs_go_attr(hold_pattern, never, &hattr) <= 0)
			_exit(92);
	}
	/* Carved stacks are cut upwards from a chunk: once these are parked, the
	 * overflower's stack lies above theirs, not at the bottom of a chunk (where
	 * an overrun faults at once instead: see test_overflow_small_first). */
	for (;;) {
		gs_stats st;
		if (gs_read_stats(&st) != 0)
			_exit(95);
		if (st.by_waitreason[GS_WAIT_CHAN_RECV] >= plan->holders)
			break;
		gs_yield();
	}
	plan->back = gs_chan_make(0, 0);
	plan->gate = gs_chan_make(0, 0);
	if ((id = gs_go_attr(overflower, plan, &attr)) <= 0)
		_exit(93);
	if (write(plan->idfd, &id, sizeof(id)) != sizeof(id))
		_exit(94);
	gs_chan_send(plan->gate, NULL);
	gs_chan_recv(plan->back, NULL);
}

/*
 * A watchdog for the children that run the runtime.  One still running at its
 * deadline has hung: it says so on its stderr with the scheduler's state (the
 * GSCHED_DEBUG=scheddetail printout), then dies of SIGALRM, which the parent
 * reports.  The printout takes sched.lock; should that be what hangs, the
 * second alarm (SA_NODEFER: not blocked in the handler) ends the child 5 s
 * later.  On the M's alternate stack: the signal may land on a thread running
 * a 2 KiB goroutine.
 */
static void
child_watchdog_fire(int sig)
{
	static const char msg[] = "check_stack: the child is still running at its deadline "
				  "(a hang); the scheduler's state:\n";

	signal(sig, SIG_DFL);
	alarm(5);
	if (write(2, msg, sizeof msg - 1) < 0) {
		/* nothing more to do */
	}
	gs__schedtrace(true);
	raise(sig);
}

/* In a tu_child_run child (which has already put back the default handlers). */
static void
child_watchdog(unsigned sec)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = child_watchdog_fire;
	sa.sa_flags = SA_NODEFER | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	alarm(sec);
}

static int
crash_child(void *arg)
{
	gs_config cfg = { .procs = 2 };

	child_watchdog(60);
	signal(SIGABRT, SIG_DFL);
	if (((struct crash_plan *)arg)->mprotect)
		setenv("GSCHED_DEBUG", "stackmprotect=1", 1);
	gs_set_fatal_hook(neighbours_hook);
	gs_run(crash_main, arg, &cfg);
	return 0;
}

/* Run crash_main in a child of its own process group (whatever the crash does
 * reaches only the child); its main reports the overflower's id on a pipe. */
static void
run_crash_plan(struct crash_plan *plan, struct crash *cr)
{
	int idp[2];

	memset(cr, 0, sizeof(*cr));
	ck_assert_int_eq(pipe(idp), 0);
	plan->idfd = idp[1];
	tu_child_run(&child, crash_child, plan, TU_SEC(90));
	close(idp[1]); /* so the read sees EOF if the child never wrote */
	if (read(idp[0], &cr->goid, sizeof(cr->goid)) != sizeof(cr->goid))
		cr->goid = -1;
	close(idp[0]);
	cr->status = child.status;
	cr->out = child.out;
}

/* The report names the goroutine (its id as a whole number) and the stack. */
static void
check_report(const struct crash *cr, const char *kind)
{
	char id[32];
	const char *p;
	bool found = false;

	ck_assert_msg(cr->goid > 1,
	    "%s: child did not report its goroutine id (got %" PRId64 "; it %s %d; stderr: %s)",
	    kind, cr->goid, WIFSIGNALED(cr->status) ? "died of signal" : "exited with",
	    WIFSIGNALED(cr->status) ? WTERMSIG(cr->status) : WEXITSTATUS(cr->status), cr->out);
	ck_assert_msg(WIFSIGNALED(cr->status) && WTERMSIG(cr->status) == SIGABRT,
	    "%s: child %s %d, want death by SIGABRT; stderr: %s", kind,
	    WIFSIGNALED(cr->status) ? "died of signal" : "exited with",
	    WIFSIGNALED(cr->status) ? WTERMSIG(cr->status) : WEXITSTATUS(cr->status), cr->out);
	ck_assert_msg(strcasestr(cr->out, "goroutine") != NULL, "%s: stderr: %s", kind, cr->out);
	ck_assert_msg(strcasestr(cr->out, "stack") != NULL, "%s: stderr: %s", kind, cr->out);
	snprintf(id, sizeof(id), "%" PRId64, cr->goid);
	for (p = cr->out; (p = strstr(p, id)) != NULL; p++) {
		bool before = p == cr->out || !(p[-1] >= '0' && p[-1] <= '9');
		char after = p[strlen(id)];
		if (before && !(after >= '0' && after <= '9')) {
			found = true;
			break;
		}
	}
	ck_assert_msg(found, "%s: goroutine id %s not in the report: %s", kind, id, cr->out);
}

/* An overflow reported as the culprit's, with every parked neighbour intact. */
static void
check_neighbours(const struct crash *cr, const char *kind)
{
	check_report(cr, kind);
	ck_assert_msg(strstr(cr->out, "neighbours: intact") != NULL,
	    "%s: a neighbour's stack changed before the report, or no report: %s", kind, cr->out);
}

/* Default-size stacks, more of them live than any budget of guarded ones. */
#define MANY_DEFAULT 300

static const struct overflow_case {
	const char *name;
	struct crash_plan plan; /* stack, kind, holders, holder_stack, mprotect */
	bool small;             /* left out under a sanitizer (see the top of this file) */
	bool neighbours;        /* parked neighbours must be checked */
} overflow_cases[] = {
	{ "64 KiB stack, endless recursion",
	    { 64 * 1024, OVF_FOREVER, 0, 0, false, -1, NULL, NULL }, false, false },
	{ "2 KiB stack, overrun then switch", { 2048, OVF_SMALL, 8, 2048, false, -1, NULL, NULL },
	    true, true },
	/* The first small stack cut from a fresh mapping: below it lies no stack
	 * of ours, maybe somebody else's mapping. */
	{ "first 2 KiB stack of a chunk", { 2048, OVF_SMALL, 0, 0, false, -1, NULL, NULL }, true,
	    false },
	/* 1 KiB too deep, then return as if nothing happened. */
	{ "2 KiB stack, bounded overrun", { 2048, OVF_BOUNDED, 8, 2048, false, -1, NULL, NULL },
	    true, true },
	/* One frame bigger than stack and guard together, written at its low end. */
	{ "2 KiB stack, 10 KiB frame", { 2048, OVF_BIGFRAME, 8, 2048, false, -1, NULL, NULL }, true,
	    true },
	{ "64 KiB stack above 300 others, bounded overrun",
	    { 64 * 1024, OVF_BOUNDED, MANY_DEFAULT, 64 * 1024, false, -1, NULL, NULL }, false,
	    true },
	{ "64 KiB stack above 300 others, endless recursion",
	    { 64 * 1024, OVF_FOREVER, MANY_DEFAULT, 64 * 1024, false, -1, NULL, NULL }, false,
	    true },
	/* The default stack is small (GS_DEFAULT_STACK): 32 KiB of frames
	 * overflow it, into its guard, with parked default-stack neighbours. */
	{ "default stack, 32 KiB deep", { 0, OVF_DEEP, 16, 0, false, -1, NULL, NULL }, false,
	    true },
	/* Guards made by mprotect, as on kernels before Linux 6.13. */
	{ "mprotect guards, bounded overrun",
	    { 64 * 1024, OVF_BOUNDED, 16, 64 * 1024, true, -1, NULL, NULL }, false, true },
};

START_TEST(test_overflow)
{
	const struct overflow_case *oc = &overflow_cases[_i];
	struct crash_plan plan = oc->plan;
	struct crash cr;

	if (TU_SANITIZED && oc->small) {
		TU_SKIP("small stacks are left out under a sanitizer");
		return;
	}
	run_crash_plan(&plan, &cr);
	if (oc->neighbours)
		check_neighbours(&cr, oc->name);
	else
		check_report(&cr, oc->name);
}
END_TEST

/* ---- without guard markers: live goroutines capped by vm.max_map_count ----------------- */

static long
max_map_count(void)
{
	FILE *f = fopen("/proc/sys/vm/max_map_count", "r");
	long n = 65530;

	if (f != NULL) {
		if (fscanf(f, "%ld", &n) != 1)
			n = 65530;
		fclose(f);
	}
	return n;
}

struct cap_run {
	long budget, spawned, limit;
	int64_t err, again;
};

static void
cap_main(void *arg)
{
	struct cap_run *cr = arg;
	gs_chan *never = gs_chan_make(0, 0);
	gs_attr attr = { .stack_size = 2048 };
	int64_t id = 0;

	cr->limit = gs_goroutine_limit();
	/* main is one of the live goroutines the budget counts. */
	for (cr->spawned = 0; cr->spawned < cr->budget + 10; cr->spawned++)
		if ((id = gs_go_attr(hold_pattern, never, &attr)) < 0)
			break;
	cr->err = id < 0 ? id : 0;
	/* A goroutine that exits gives its place back. */
	gs_chan_close(never);
	while (gs_numgoroutine() > 1)
		gs_yield();
	cr->again = gs_go_attr(crash_noop_plain, NULL, &attr);
}

static int
cap_child(void *arg)
{
	static struct cap_run cr;
	gs_config cfg = { .procs = 2 };
	int fd = *(int *)arg;

	setenv("GSCHED_DEBUG", "stackmprotect=1", 1);
	cr.budget = max_map_count() / 4;
	if (gs_run(cap_main, &cr, &cfg) != 0)
		return 3;
	if (write(fd, &cr, sizeof cr) != sizeof cr)
		return 4;
	return 0;
}

START_TEST(test_mprotect_cap)
{
	struct cap_run cr;
	int p[2];

	if (TU_SANITIZED) {
		TU_SKIP("small stacks are left out under a sanitizer");
		return;
	}
	ck_assert_int_eq(pipe(p), 0);
	tu_child_run(&child, cap_child, &p[1], TU_SEC(120));
	close(p[1]);
	ck_assert_msg(WIFEXITED(child.status) && WEXITSTATUS(child.status) == 0,
	    "child status %d: %s", child.status, child.out);
	ck_assert_int_eq(read(p[0], &cr, sizeof cr), (ssize_t)sizeof cr);
	close(p[0]);
	/* Refused exactly once the budget's goroutines (main among them) live. */
	ck_assert_int_eq(cr.limit, cr.budget);
	ck_assert_int_eq(cr.spawned, cr.budget - 1);
	ck_assert_int_eq(cr.err, GS_ENOMEM);
	ck_assert_msg(cr.again > 0, "spawn after the others exited: %s",
	    gs_strerror((int)cr.again));
	ck_assert_msg(strstr(child.out, "vm.max_map_count") != NULL &&
		strstr(child.out, "sysctl -w vm.max_map_count=") != NULL,
	    "the refusal does not say which limit and how to raise it: %s", child.out);
}
END_TEST

/*
 * A goroutine on a 2 KiB stack calls a libc function for the first time in the
 * process.  With lazy binding, that first call goes through the dynamic linker's
 * _dl_runtime_resolve_xsave*, which saves the whole XSAVE area on the stack: 2496
 * bytes on an AVX-512 CPU (ld.so --list-diagnostics: xsave_state_size), more than
 * the whole stack.  Run in a child: an overrun here may fault anywhere.
 */
static void
libc_child(void *arg)
{
	/*
	 * Neither is called anywhere else in this program.  Only an error (-1) counts
	 * as failure: in a PID namespace whose session leader lives outside it (a CI
	 * container), getsid(0) returns 0, and the test once waited for ever on that.
	 */
	if (getsid(0) != -1 && getpgid(0) != -1)
		atomic_store((_Atomic int *)arg, 1);
	else
		atomic_store((_Atomic int *)arg, 2);
}

static void
libc_main(void *arg)
{
	gs_attr attr = { .label = "libc", .stack_size = 2048 };

	if (gs_go_attr(libc_child, arg, &attr) <= 0)
		_exit(3);
	/* Wait for it without a wait group (the child must stay minimal). */
	while (!atomic_load((_Atomic int *)arg))
		gs_yield();
}

static int
libc_process(void *arg)
{
	static _Atomic int ok;
	gs_config cfg = { .procs = 2 };

	(void)arg;
	child_watchdog(30);
	if (gs_run(libc_main, (void *)&ok, &cfg) != 0)
		return 2;
	return atomic_load(&ok) == 1 ? 0 : 1;
}

START_TEST(test_small_stack_libc_call)
{
	int status;

	if (TU_SANITIZED) {
		/* See the top of this file. */
		TU_SKIP("small stacks are left out under a sanitizer");
		return;
	}

	tu_child_run(&child, libc_process, NULL, TU_SEC(60));
	status = child.status;
	ck_assert_msg(!WIFSIGNALED(status) || WTERMSIG(status) != SIGALRM,
	    "the child hung (its watchdog fired after 30 s); its report, with the "
	    "scheduler's state:\n%s",
	    child.out);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "a 2 KiB goroutine's first call of a libc function %s %d "
	    "(lazy binding saves the XSAVE area on the goroutine's stack)",
	    WIFSIGNALED(status) ? "died of signal" : "exited with",
	    WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
}
END_TEST

/* ---- a bigger stack on request ------------------------------------------------------- */

struct asked {
	_Atomic int ok; /* 1: went DEEP_BYTES deep and came back; 2: stack too small */
	uint64_t got;   /* the stack it was given, in bytes */
};

static void
asked_child(void *arg)
{
	struct asked *a = arg;

	a->got = gs__getg()->stack_hi - gs__getg()->stack_lo;
	(void)go_deep();
	atomic_store(&a->ok, a->got >= 64 * 1024 ? 1 : 2);
}

static void
asked_main(void *arg)
{
	gs_attr attr = { .label = "asked", .stack_size = 64 * 1024 };

	if (gs_go_attr(asked_child, arg, &attr) <= 0)
		_exit(3);
	while (!atomic_load(&((struct asked *)arg)->ok))
		gs_yield();
}

static int
asked_process(void *arg)
{
	static struct asked a;
	gs_config cfg = { .procs = 2 };

	(void)arg;
	child_watchdog(30);
	if (gs_run(asked_main, &a, &cfg) != 0)
		return 2;
	return atomic_load(&a.ok) == 1 ? 0 : 1;
}

/* The default stack overflows at DEEP_BYTES (test_overflow); a goroutine that
 * asks for 64 KiB gets them and goes that deep unharmed. */
START_TEST(test_asked_stack_deep)
{
	int status;

	tu_child_run(&child, asked_process, NULL, TU_SEC(60));
	status = child.status;
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "a goroutine that asked for a 64 KiB stack and went %d KiB deep %s %d; "
	    "its stderr:\n%s",
	    DEEP_BYTES / 1024, WIFSIGNALED(status) ? "died of signal" : "exited with",
	    WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status), child.out);
}
END_TEST

/* ---- many small stacks at once ---------------------------------------------------------- */

#define NPARK 100000

struct park {
	gs_chan *gate;
	gs_waitgroup parked, done;
	_Atomic int released;
};

static void
parker(void *arg)
{
	struct park *pk = arg;

	gs_wg_done(&pk->parked);
	if (gs_chan_recv(pk->gate, NULL) == 0)
		atomic_fetch_add_explicit(&pk->released, 1, memory_order_relaxed);
	gs_wg_done(&pk->done);
}

GS_MAIN_TEST(test_many_small_parked, 2)
{
	static struct park pk;
	int n = TU_SANITIZED ? NPARK / 5 : NPARK;
	size_t stack = TU_SANITIZED ? 64 * 1024 : 2048;
	gs_stats st;

	n = tu_live_cap(n);

	pk.gate = gs_chan_make(0, 0);
	ck_assert_ptr_nonnull(pk.gate);
	TU_WG_ADD(&pk.parked, n);
	TU_WG_ADD(&pk.done, n);
	for (int i = 0; i < n; i++) {
		gs_attr attr = { .stack_size = stack };
		int64_t id = gs_go_attr(parker, &pk, &attr);
		if (id <= 0)
			ck_abort_msg("spawn %d failed: %s", i, gs_strerror((int)id));
	}
	gs_wg_wait(&pk.parked);
	ck_assert_int_eq(tu_wait_waiting(GS_WAIT_CHAN_RECV, n, TU_SEC(30)), n);
	ck_assert_int_eq(gs_read_stats(&st), 0);
	ck_assert_int_ge(st.goroutines, n + 1);
	ck_assert_uint_ge(st.stacks_guarded, (uint64_t)n);
	ck_assert_int_eq(gs_numgoroutine(), n + 1);

	ck_assert_int_eq(gs_chan_close(pk.gate), 0);
	gs_wg_wait(&pk.done);
	ck_assert_int_eq(atomic_load(&pk.released), n);
	ck_assert_int_eq(tu_wait_numgoroutine(1, TU_SEC(30)), 1);
	gs_chan_free(pk.gate);
}

/* ---- reuse --------------------------------------------------------------------------------- */

#define WAVES 20
#define WAVE_N 2000

static void
wave_child(void *arg)
{
	volatile char buf[256];

	buf[0] = 1;
	buf[255] = buf[0];
	gs_wg_done(arg);
}

/* Spawn waves of goroutines with small and large stacks, each wave after the last
 * has exited: the live stack counts stay near one wave's worth. */
GS_MAIN_TEST(test_stack_reuse, 2)
{
	gs_stats st;
	uint64_t total[WAVES];
	int waves = TU_SANITIZED ? WAVES / 2 : WAVES;

	for (int w = 0; w < waves; w++) {
		gs_waitgroup wg = GS_WAITGROUP_INIT;

		TU_WG_ADD(&wg, 2 * WAVE_N);
		for (int i = 0; i < WAVE_N; i++) {
			TU_GO_STACK(wave_child, &wg, TU_SANITIZED ? 16 * 1024 : 2048);
			TU_GO_STACK(wave_child, &wg, 64 * 1024);
		}
		gs_wg_wait(&wg);
		ck_assert_int_eq(tu_wait_numgoroutine(1, TU_SEC(10)), 1);
		ck_assert_int_eq(gs_read_stats(&st), 0);
		total[w] = st.stacks_guarded;
		/* One wave is 2 * WAVE_N goroutines; allow as much again in caches. */
		ck_assert_msg(total[w] <= 4 * WAVE_N + 128,
		    "wave %d: %" PRIu64 " stacks live after waves of %d goroutines", w, total[w],
		    2 * WAVE_N);
	}
	/* And no slow creep either (caches per P and a free list's worth of slack). */
	uint64_t early = total[0] > total[1] ? total[0] : total[1];
	ck_assert_msg(total[waves - 1] <= early + WAVE_N / 4,
	    "live stacks crept from %" PRIu64 " to %" PRIu64 " over %d waves", early,
	    total[waves - 1], waves);
}

/* ---- recycling across Ps, mixed classes -------------------------------------------------- */

/*
 * Spawners on several Ps spawn goroutines of three stack classes in turn, so
 * dead Gs pass between the Ps' free lists (with their stacks, or bare once a
 * stack went to a G starting on the other P) and through the global ones.
 * Every child must run exactly once, under the id gs_go returned, on a stack
 * of at least the size it asked for: it writes down to 12 KiB short of that
 * (a smaller stack faults on its guard page).
 */
#define MIX_SPAWNERS 4
#define MIX_PER 3000
#define MIX_N (MIX_SPAWNERS * MIX_PER)

static const size_t mix_size[] = { TU_SANITIZED ? 16 * 1024 : 2048, 32 * 1024, 128 * 1024 };

static struct {
	gs_waitgroup wg;
	int64_t spawned[MIX_N]; /* what gs_go returned, by child */
	int64_t seen[MIX_N];    /* gs_self() in the child */
	atomic_int runs[MIX_N];
	atomic_int errors;
} mix;

static void
mix_child(void *arg)
{
	int idx = (int)(uintptr_t)arg;
	size_t size = mix_size[idx % 3];
	size_t deep = size > 16 * 1024 ? size - 12 * 1024 : 512;
	volatile char buf[deep];

	for (size_t i = 0; i < deep; i += 1024)
		buf[i] = (char)i;
	buf[0] = buf[deep - 1];
	mix.seen[idx] = gs_self();
	atomic_fetch_add(&mix.runs[idx], 1);
	gs_wg_done(&mix.wg);
}

static void
mix_spawner(void *arg)
{
	int s = (int)(uintptr_t)arg;

	for (int i = 0; i < MIX_PER; i++) {
		int idx = s * MIX_PER + i;
		gs_attr attr = { .stack_size = mix_size[idx % 3] };
		mix.spawned[idx] = gs_go_attr(mix_child, (void *)(uintptr_t)idx, &attr);
		if (mix.spawned[idx] <= 0) {
			atomic_fetch_add(&mix.errors, 1);
			gs_wg_done(&mix.wg);
		}
		if (i % 97 == 0)
			gs_yield();
	}
	gs_wg_done(&mix.wg);
}

static void
mix_main(void *arg)
{
	(void)arg;
	memset(&mix, 0, sizeof mix);
	for (int round = 0; round < 3; round++) {
		TU_WG_ADD(&mix.wg, MIX_N + MIX_SPAWNERS);
		for (int s = 0; s < MIX_SPAWNERS; s++)
			TU_GO(mix_spawner, (void *)(uintptr_t)s);
		gs_wg_wait(&mix.wg);
		ck_assert_int_eq(atomic_load(&mix.errors), 0);
		for (int i = 0; i < MIX_N; i++) {
			if (atomic_load(&mix.runs[i]) != 1 || mix.seen[i] != mix.spawned[i])
				ck_assert_msg(0,
				    "round %d: child %d ran %d times, id %" PRId64
				    " from gs_go, %" PRId64 " inside",
				    round, i, atomic_load(&mix.runs[i]), mix.spawned[i],
				    mix.seen[i]);
			atomic_store(&mix.runs[i], 0);
		}
		qsort(mix.spawned, MIX_N, sizeof mix.spawned[0], tu_cmp_i64);
		for (int i = 1; i < MIX_N; i++)
			if (mix.spawned[i] == mix.spawned[i - 1])
				ck_assert_msg(0, "round %d: id %" PRId64 " given twice", round,
				    mix.spawned[i]);
	}
}

START_TEST(test_reuse_classes_across_ps)
{
	/* _i: GOMAXPROCS 2, 4 */
	tu_run(mix_main, NULL, _i == 0 ? 2 : 4);
}
END_TEST

static Suite *
stack_suite(void)
{
	Suite *s = suite_create("stack");
	TCase *tc;

	tc = tu_tcase("classes", 60);
	tcase_add_test(tc, test_stack_classes);
	tcase_add_test(tc, test_default_stack_size);
	suite_add_tcase(s, tc);

	tc = tu_tcase("overflow", 90);
	tcase_add_loop_test(tc, test_overflow, 0,
	    (int)(sizeof overflow_cases / sizeof overflow_cases[0]));
	tcase_add_test(tc, test_mprotect_cap);
	tcase_add_test(tc, test_small_stack_libc_call);
	tcase_add_test(tc, test_asked_stack_deep);
	suite_add_tcase(s, tc);

	tc = tu_tcase("many", 120);
	tcase_add_test(tc, test_many_small_parked);
	tcase_add_test(tc, test_stack_reuse);
	tcase_add_loop_test(tc, test_reuse_classes_across_ps, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run_suite(stack_suite());
}
