/*
 * stack.c - goroutine stacks.
 *
 * Stacks come in power-of-two classes from 2 KiB to 8 MiB, each rounded up to
 * whole pages (so on 4 KiB pages the 2 KiB class is a page).  A stack belongs
 * to its G for the G's whole life, and stays with it on the free lists, so a
 * respawn costs no allocation; a stack given back (gs__stackfree) goes on a
 * free list of its class here, its guard kept.
 *
 * Every stack has a guard page directly below it.  An overflow faults at the
 * instruction that overflows, on the thread running the goroutine that
 * overflowed, before a byte of anybody else's memory changes; the SIGSEGV
 * handler (on an alternate signal stack) names that goroutine.  A frame larger
 * than a page could step over the guard: the library and gsched are built
 * with -fstack-clash-protection (probe every page of a large frame), and
 * gsched.pc passes it to programs built against the library.
 *
 * Stacks are cut from large mappings (chunks): each slot is a guard page and
 * the stack above it.  The guard is one of:
 *
 *  - a guard marker (MADV_GUARD_INSTALL, Linux 6.13): a page-table entry, not a
 *    mapping, so a chunk of a thousand guarded stacks is still one kernel
 *    mapping (VMA) and a million goroutines fit under vm.max_map_count.
 *  - a PROT_NONE page (older kernels, or GSCHED_DEBUG=stackmprotect=1): each
 *    splits the chunk's mapping, two VMAs per stack, so a quarter of
 *    vm.max_map_count (16382 by default) is the most goroutines that may live
 *    at once; a spawn past it is refused (gs_go returns GS_ENOMEM) and the
 *    first refusal says on stderr how to raise the limit.
 *
 * Memory is committed lazily by the kernel as a stack is touched.  Nothing is
 * unmapped while the runtime runs; gs__stack_fini unmaps everything at
 * shutdown.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "runtime/internal.h"

#ifdef GS_VALGRIND
/* Tell Valgrind which memory is a stack, so a switch between goroutines is not
 * taken for a huge stack-pointer move (and its memcheck follows each stack). */
#include <valgrind/valgrind.h>
#endif

#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102 /* Linux 6.13 uapi; older headers lack it */
#endif
#ifndef PIDFD_SELF
#define PIDFD_SELF -10000 /* Linux 6.15 uapi: process_madvise(2) on ourselves */
#endif

/* Guard markers are installed ahead of the carving, a run of slots per
 * process_madvise(2) call: one call for GUARD_RUN_MAX guards costs about half
 * of what a madvise(2) per slot does (0.35 against 0.65 us a stack, measured
 * in a VM).  Runs start short, so a program with a few goroutines installs few
 * guards, and double up to UIO_MAXIOV. */
#define GUARD_RUN_MIN 16
#define GUARD_RUN_MAX 1024

#define CHUNK_SIZE (16u << 20)

struct chunk {
	struct chunk *next; /* kept in a separate malloc'd node, not in the mapping */
	void *base;
	size_t size;
};

enum guard_kind { GUARD_MARKER, GUARD_MPROTECT };

static struct {
	gs_lock lock; /* guards everything below but the atomics */
	size_t pagesize;
	enum guard_kind guard;
	long mprotect_budget; /* GUARD_MPROTECT: live goroutines allowed */
	long mprotect_slots;  /* GUARD_MPROTECT: slots cut so far (each two VMAs) */
	_Atomic long claims;  /* GUARD_MPROTECT: goroutines spawned and not exited */
	_Atomic bool refused; /* the refusal has been explained on stderr */
	_Atomic long live;    /* stacks handed out; read by gs__stack_counts */
	struct chunk *chunks;
	/* The chunk being cut, per class; its slots below guard_end have their
	 * guard already, and the next run of guards is guard_run slots long. */
	char *carve_next[GS_NSTACKCLASS];
	char *carve_end[GS_NSTACKCLASS];
	char *guard_end[GS_NSTACKCLASS];
	size_t guard_run[GS_NSTACKCLASS];
	/* Slots given back, per class: the stacks' low ends. */
	uintptr_t *free[GS_NSTACKCLASS];
	size_t nfree[GS_NSTACKCLASS], capfree[GS_NSTACKCLASS];
} stk;

int
gs__stack_class(size_t size)
{
	if (size > GS_MAX_STACK)
		return -1;
	if (size < GS_MIN_STACK)
		size = GS_MIN_STACK;
	int cls = 0;
	while (((size_t)GS_MIN_STACK << cls) < size)
		cls++;
	return cls;
}

size_t
gs__stack_class_size(int cls)
{
	return (size_t)GS_MIN_STACK << cls;
}

/* The bytes a stack of class cls really spans: whole pages. */
static size_t
span_of(int cls)
{
	size_t size = gs__stack_class_size(cls);

	return (size + stk.pagesize - 1) & ~(stk.pagesize - 1);
}

/* Whether this kernel makes guard markers: asked once, on a page of our own. */
static bool
guard_markers(void)
{
	static _Atomic int known; /* 0 unknown, 1 yes, 2 no */
	int k = atomic_load(&known);

	if (k == 0) {
		size_t page = (size_t)sysconf(_SC_PAGESIZE);
		void *probe =
		    mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		k = probe != MAP_FAILED && madvise(probe, page, MADV_GUARD_INSTALL) == 0 ? 1 : 2;
		if (probe != MAP_FAILED)
			munmap(probe, page);
		atomic_store(&known, k);
	}
	return k == 1;
}

long
gs_goroutine_limit(void)
{
	if (atomic_load(&gs__sched.running))
		return stk.guard == GUARD_MPROTECT ? stk.mprotect_budget : 0;
	if (guard_markers() && !gs__debug_stackmprotect())
		return 0;
	return gs__os_max_map_count() / 4;
}

void
gs__stack_init(bool force_mprotect)
{
	for (int c = 0; c < GS_NSTACKCLASS; c++)
		free(stk.free[c]);
	memset(&stk, 0, sizeof stk);
	atomic_store(&stk.claims, 0);
	atomic_store(&stk.refused, false);
	atomic_store(&stk.live, 0);
	stk.pagesize = (size_t)sysconf(_SC_PAGESIZE);
	stk.guard = GUARD_MARKER;
	if (force_mprotect || !guard_markers()) {
		/* Two VMAs per stack; thread stacks, the heap and the libraries
		 * need the rest. */
		stk.guard = GUARD_MPROTECT;
		stk.mprotect_budget = gs__os_max_map_count() / 4;
	}
}

/* Say once why a goroutine got no stack.  Not the hook-and-exit of a fatal
 * error: the caller of gs_go gets GS_ENOMEM and decides. */
static void
explain_refusal(void)
{
	if (atomic_exchange(&stk.refused, true))
		return;
	fprintf(stderr,
	    "gsched: no room for another guarded goroutine stack: %ld goroutines are "
	    "alive.  This kernel has no guard markers (MADV_GUARD_INSTALL, Linux 6.13), "
	    "so each stack's guard page is a memory mapping of its own, and "
	    "vm.max_map_count=%ld leaves room for %ld stacks.  Raise it "
	    "(sysctl -w vm.max_map_count=%ld) or run on Linux 6.13 or later.\n",
	    atomic_load(&stk.claims), gs__os_max_map_count(), stk.mprotect_budget,
	    gs__os_max_map_count() * 16);
}

bool
gs__stack_claim(void)
{
	if (gs_likely(stk.guard == GUARD_MARKER))
		return true;
	if (atomic_fetch_add(&stk.claims, 1) >= stk.mprotect_budget) {
		atomic_fetch_sub(&stk.claims, 1);
		explain_refusal();
		return false;
	}
	return true;
}

void
gs__stack_unclaim(void)
{
	if (stk.guard == GUARD_MPROTECT)
		atomic_fetch_sub(&stk.claims, 1);
}

/* Make [lo, lo + len) a PROT_NONE guard, within the budget.  Under stk.lock. */
static bool
guard_mprotect(char *lo, size_t len)
{
	if (stk.mprotect_slots >= stk.mprotect_budget)
		return false;
	if (mprotect(lo, len, PROT_NONE) != 0)
		return false;
	stk.mprotect_slots++;
	return true;
}

/* Install guard markers at the bottom page of n slots of `slot` bytes from
 * lo; returns how many of the first slots got theirs.  One system call where
 * the kernel takes process_madvise on ourselves (Linux 6.15), else one
 * madvise per slot.  Under stk.lock. */
static size_t
guard_markers_run(char *lo, size_t n, size_t slot)
{
	static bool no_batch; /* process_madvise refused: do not ask again */
	static struct iovec iov[GUARD_RUN_MAX];
	size_t done = 0;

	if (!no_batch && n > 1) {
		for (size_t i = 0; i < n; i++) {
			iov[i].iov_base = lo + i * slot;
			iov[i].iov_len = stk.pagesize;
		}
		long r = syscall(SYS_process_madvise, PIDFD_SELF, iov, n, MADV_GUARD_INSTALL, 0);
		if (r > 0)
			done = (size_t)r / stk.pagesize;
		else
			no_batch = true;
	}
	for (; done < n; done++)
		if (madvise(lo + done * slot, stk.pagesize, MADV_GUARD_INSTALL) != 0)
			break;
	return done;
}

/* Make sure the next slot of class cls, `slot` bytes, has its guard.  Under
 * stk.lock. */
static bool
guard_next(int cls, size_t slot)
{
	char *s = stk.carve_next[cls];

	if (s < stk.guard_end[cls])
		return true;
	if (stk.guard == GUARD_MPROTECT) {
		if (!guard_mprotect(s, stk.pagesize))
			return false;
		stk.guard_end[cls] = s + slot;
		return true;
	}
	size_t left = (size_t)(stk.carve_end[cls] - s) / slot;
	size_t run = stk.guard_run[cls] < GUARD_RUN_MIN ? GUARD_RUN_MIN : stk.guard_run[cls];
	size_t n = run < left ? run : left;
	size_t done = guard_markers_run(s, n, slot);
	stk.guard_end[cls] = s + done * slot;
	stk.guard_run[cls] = run * 2 > GUARD_RUN_MAX ? GUARD_RUN_MAX : run * 2;
	return done > 0;
}

/* A fresh slot of class cls: its guard installed, the stack's low end
 * returned.  Under stk.lock. */
static char *
carve(int cls)
{
	size_t slot = span_of(cls) + stk.pagesize;

	if (stk.carve_next[cls] == NULL || stk.carve_next[cls] + slot > stk.carve_end[cls]) {
		size_t csize = slot > CHUNK_SIZE / 16 ? slot * 16 : CHUNK_SIZE / slot * slot;
		struct chunk *c = malloc(sizeof *c);
		if (c == NULL)
			return NULL;
		char *base = mmap(NULL, csize, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
		if (base == MAP_FAILED) {
			free(c);
			return NULL;
		}
		c->base = base;
		c->size = csize;
		c->next = stk.chunks;
		stk.chunks = c;
		stk.carve_next[cls] = base;
		stk.carve_end[cls] = base + csize;
		stk.guard_end[cls] = base;
	}
	char *s = stk.carve_next[cls];
	if (!guard_next(cls, slot))
		return NULL;
	stk.carve_next[cls] += slot;
	return s + stk.pagesize;
}

int
gs__stackalloc(gs_g *gp, int cls)
{
	size_t span = span_of(cls);
	char *lo = NULL;

	gs__lockx(&stk.lock);
	if (stk.nfree[cls] > 0)
		lo = (char *)stk.free[cls][--stk.nfree[cls]];
	else
		lo = carve(cls);
	if (lo != NULL)
		atomic_fetch_add_explicit(&stk.live, 1, memory_order_relaxed);
	gs__unlockx(&stk.lock);
	if (lo == NULL)
		return GS_ENOMEM;

	gp->stack_lo = (uintptr_t)lo;
	gp->stack_hi = (uintptr_t)lo + span;
	gp->stack_class = (uint8_t)cls;
#ifdef GS_VALGRIND
	gp->vg_stack = VALGRIND_STACK_REGISTER(lo, lo + span);
#endif
	if (gs__stack_canary(span))
		*(uint64_t *)gp->stack_lo = gs__stack_canary(span);
	return 0;
}

bool
gs__stack_exhausted(void)
{
	return stk.guard == GUARD_MPROTECT && stk.mprotect_slots >= stk.mprotect_budget;
}

/* Put a stack's slot on its class's free list, guard and all. */
void
gs__stackfree(gs_g *gp)
{
	int cls = gp->stack_class;

	if (gp->stack_lo == 0)
		return;
#ifdef GS_VALGRIND
	VALGRIND_STACK_DEREGISTER(gp->vg_stack);
#endif
	gs__lockx(&stk.lock);
	if (stk.nfree[cls] == stk.capfree[cls]) {
		size_t cap = stk.capfree[cls] ? 2 * stk.capfree[cls] : 64;
		uintptr_t *n = realloc(stk.free[cls], cap * sizeof *n);
		if (n != NULL) {
			stk.free[cls] = n;
			stk.capfree[cls] = cap;
		}
	}
	/* Without room on the list the slot is lost until shutdown: memory
	 * already short, and never a stack handed out twice. */
	if (stk.nfree[cls] < stk.capfree[cls])
		stk.free[cls][stk.nfree[cls]++] = gp->stack_lo;
	atomic_fetch_sub_explicit(&stk.live, 1, memory_order_relaxed);
	gs__unlockx(&stk.lock);
	gp->stack_lo = gp->stack_hi = 0;
}

/* Drop the physical pages of a stack whose G waits on a global free list, keeping
 * the mapping, the guard and the canary (the canary's page stays). */
void
gs__stack_release(gs_g *gp)
{
	uintptr_t from = (gp->stack_lo + 8 + stk.pagesize - 1) & ~(uintptr_t)(stk.pagesize - 1);
	if (from < gp->stack_hi)
		madvise((void *)from, gp->stack_hi - from, MADV_DONTNEED);
}

void
gs__stack_fini(void)
{
	struct chunk *c = stk.chunks;

	while (c) {
		struct chunk *next = c->next;
		munmap(c->base, c->size);
		free(c);
		c = next;
	}
	stk.chunks = NULL;
	memset(stk.carve_next, 0, sizeof stk.carve_next);
	memset(stk.carve_end, 0, sizeof stk.carve_end);
	memset(stk.guard_end, 0, sizeof stk.guard_end);
	memset(stk.guard_run, 0, sizeof stk.guard_run);
	for (int cls = 0; cls < GS_NSTACKCLASS; cls++) {
		free(stk.free[cls]);
		stk.free[cls] = NULL;
		stk.nfree[cls] = stk.capfree[cls] = 0;
	}
}

void
gs__stack_counts(uint64_t *guarded, uint64_t *carved)
{
	uint64_t live = (uint64_t)atomic_load_explicit(&stk.live, memory_order_relaxed);

	*guarded = live;
	*carved = live;
}

/* ---- overflow reports ---------------------------------------------------- */

/* Async-signal-safe formatting: the reports below run in a SIGSEGV handler. */
static size_t
fmt_u64(char *buf, uint64_t v)
{
	char tmp[24];
	size_t n = 0, i = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		buf[i++] = tmp[--n];
	return i;
}

static size_t
fmt_str(char *buf, const char *s, size_t max)
{
	size_t i = 0;

	while (s[i] && i < max)
		buf[i] = s[i], i++;
	return i;
}

static void
report_overflow(gs_g *gp, const char *how)
{
	char buf[256];
	size_t n = 0;

	gs__run_fatal_hook();
	n += fmt_str(buf + n, "fatal error: stack overflow: goroutine ", 64);
	n += fmt_u64(buf + n, (uint64_t)gp->goid);
	if (gp->label[0]) {
		n += fmt_str(buf + n, " [", 4);
		n += fmt_str(buf + n, gp->label, GS_LABEL_MAX);
		n += fmt_str(buf + n, "]", 4);
	}
	n += fmt_str(buf + n, " overflowed its ", 32);
	n += fmt_u64(buf + n, gp->stack_hi - gp->stack_lo);
	n += fmt_str(buf + n, "-byte stack (", 32);
	n += fmt_str(buf + n, how, 64);
	n += fmt_str(buf + n, ")\n", 4);
	ssize_t r = write(2, buf, n);
	(void)r;
}

void
gs__stack_overflow(gs_g *gp)
{
	report_overflow(gp, "canary overwritten, found at a switch");
	abort();
}

static struct sigaction old_segv, old_bus;
static bool segv_installed;

static void
on_segv(int sig, siginfo_t *si, void *uctx)
{
	gs_m *mp = gs__getm();
	gs_g *gp = mp ? GS_LOAD(mp->curg) : NULL;
	uintptr_t addr = (uintptr_t)si->si_addr;

	/* In the guard page below the running goroutine's stack: it overflowed.
	 * Nothing below the guard can be reached first: a frame bigger than a
	 * page probes its pages top down (-fstack-clash-protection). */
	if (gp && gp->stack_lo && addr < gp->stack_lo && addr >= gp->stack_lo - stk.pagesize) {
		report_overflow(gp, "guard page hit");
		signal(SIGABRT, SIG_DFL);
		abort();
	}
	/* Not ours: hand it to whoever had it, or die of it the usual way. */
	struct sigaction *old = sig == SIGBUS ? &old_bus : &old_segv;
	if (old->sa_flags & SA_SIGINFO) {
		if (old->sa_sigaction) {
			old->sa_sigaction(sig, si, uctx);
			return;
		}
	} else if (old->sa_handler != SIG_DFL && old->sa_handler != SIG_IGN) {
		old->sa_handler(sig);
		return;
	}
	signal(sig, SIG_DFL);
	/* Returning re-executes the faulting instruction, which now kills us. */
}

int
gs__sigsegv_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSEGV, &sa, &old_segv) != 0)
		return GS_EINVAL;
	if (sigaction(SIGBUS, &sa, &old_bus) != 0) {
		sigaction(SIGSEGV, &old_segv, NULL);
		return GS_EINVAL;
	}
	segv_installed = true;
	return 0;
}

void
gs__sigsegv_uninstall(void)
{
	if (!segv_installed)
		return;
	sigaction(SIGSEGV, &old_segv, NULL);
	sigaction(SIGBUS, &old_bus, NULL);
	segv_installed = false;
}

/* Each M handles SIGSEGV on a stack of its own: the faulting goroutine's stack
 * is the one that just ran out. */
static __thread void *altstack __attribute__((tls_model("initial-exec")));

int
gs__sigaltstack_setup(void)
{
	size_t size = 64 * 1024;
	stack_t ss;

	altstack = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (altstack == MAP_FAILED) {
		altstack = NULL;
		return GS_ENOMEM;
	}
	ss.ss_sp = altstack;
	ss.ss_size = size;
	ss.ss_flags = 0;
	if (sigaltstack(&ss, NULL) != 0) {
		munmap(altstack, size);
		altstack = NULL;
		return GS_ENOMEM;
	}
	return 0;
}

void
gs__sigaltstack_teardown(void)
{
	stack_t ss;

	if (altstack == NULL)
		return;
	memset(&ss, 0, sizeof ss);
	ss.ss_flags = SS_DISABLE;
	sigaltstack(&ss, NULL);
	munmap(altstack, 64 * 1024);
	altstack = NULL;
}
