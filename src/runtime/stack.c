/*
 * stack.c - goroutine stacks.
 *
 * Stacks come in power-of-two classes from 2 KiB to 8 MiB.  A stack belongs to
 * its G for the G's whole life, and stays with it on the free lists, so a
 * respawn costs no allocation.  Two kinds of memory back them:
 *
 *  - guarded: a mapping of its own with a PROT_NONE page below it.  Overflow
 *    faults at once; the SIGSEGV handler (on an alternate signal stack) names
 *    the goroutine.  Each costs two kernel mappings (VMAs), so only a budget of
 *    a quarter of vm.max_map_count is handed out this way; thread stacks and the
 *    rest of the process need the remainder.
 *  - carved: cut from 16 MiB chunks, one mapping per chunk, no guard.  Used for
 *    the small classes (4 KiB and less: a million goroutines fit in a few GiB)
 *    and for everything once the guard budget is spent.  Overflow is caught by a
 *    canary word at the bottom of each stack, checked at every switch away from
 *    the goroutine, which then aborts naming it.
 *
 * Every stack carries the canary, guarded or not.  Memory is committed lazily
 * by the kernel as the stack is touched.  Nothing is unmapped while the runtime
 * runs; gs__stack_fini unmaps everything at shutdown.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "runtime/internal.h"

#ifdef GS_VALGRIND
/* Tell Valgrind which memory is a stack, so a switch between goroutines is not
 * taken for a huge stack-pointer move (and its memcheck follows each stack). */
#include <valgrind/valgrind.h>
#endif

#define CHUNK_SIZE (16u << 20)
#define HUGE_SIZE (2u << 20)

struct chunk {
	struct chunk *next; /* kept in a separate malloc'd node, not in the mapping */
	void *base;
	size_t size;
};

static struct {
	gs_lock lock; /* guards everything below */
	size_t pagesize;
	long guard_budget;         /* guarded stacks allowed at once */
	_Atomic long guarded_live; /* written under lock, read by gs__stack_counts without */
	_Atomic long carved_live;
	struct chunk *chunks;
	/* The chunk being carved, per class. */
	char *carve_next[GS_NSTACKCLASS];
	char *carve_end[GS_NSTACKCLASS];
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

void
gs__stack_init(void)
{
	memset(&stk, 0, sizeof stk);
	atomic_store(&stk.guarded_live, 0);
	atomic_store(&stk.carved_live, 0);
	stk.pagesize = (size_t)sysconf(_SC_PAGESIZE);
	/* Each guarded stack is two kernel mappings and two system calls (~7 us
	 * here, more as the mapping tree grows): guard the first 256 live stacks,
	 * which covers most programs, and never more than a quarter of
	 * vm.max_map_count; beyond that, stacks are carved and canary-checked. */
	stk.guard_budget = gs__os_max_map_count() / 4;
	if (stk.guard_budget > GS_GUARDED_STACKS_MAX)
		stk.guard_budget = GS_GUARDED_STACKS_MAX;
}

static void *
carve(int cls)
{
	size_t size = gs__stack_class_size(cls);

	if (stk.carve_next[cls] == NULL || stk.carve_next[cls] + size > stk.carve_end[cls]) {
		size_t csize = size > CHUNK_SIZE / 16 ? size * 16 : CHUNK_SIZE;
		struct chunk *c = malloc(sizeof *c);
		if (c == NULL)
			return NULL;
		/* One guard page below the chunk: its first stack overflows into it,
		 * not into whatever mapping lies below.  Small stacks fill their
		 * pages completely, so their chunks ask for transparent huge pages
		 * (2 MiB aligned): a million goroutines then take a few thousand
		 * page faults instead of half a million. */
		bool huge = size <= GS_SMALL_STACK_MAX;
		size_t align = huge ? HUGE_SIZE : stk.pagesize;
		size_t total = csize + stk.pagesize + align;
		char *base = mmap(NULL, total, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (base == MAP_FAILED) {
			free(c);
			return NULL;
		}
		uintptr_t start =
		    ((uintptr_t)base + stk.pagesize + align - 1) & ~(uintptr_t)(align - 1);
		mprotect((void *)(start - stk.pagesize), stk.pagesize, PROT_NONE);
#ifdef MADV_HUGEPAGE
		if (huge)
			madvise((void *)start, csize, MADV_HUGEPAGE);
#endif
		c->base = base;
		c->size = total;
		c->next = stk.chunks;
		stk.chunks = c;
		stk.carve_next[cls] = (char *)start;
		stk.carve_end[cls] = (char *)start + csize;
	}
	void *s = stk.carve_next[cls];
	stk.carve_next[cls] += size;
	return s;
}

int
gs__stackalloc(gs_g *gp, int cls)
{
	size_t size = gs__stack_class_size(cls);
	void *lo = NULL;
	bool guarded = false;

	gs__lockx(&stk.lock);
	if (size > GS_SMALL_STACK_MAX && stk.guarded_live < stk.guard_budget) {
		size_t total = size + stk.pagesize;
		void *base = mmap(NULL, total, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
		if (base != MAP_FAILED) {
			if (mprotect(base, stk.pagesize, PROT_NONE) == 0) {
				lo = (char *)base + stk.pagesize;
				guarded = true;
				stk.guarded_live++;
			} else {
				munmap(base, total);
			}
		}
	}
	if (lo == NULL) {
		lo = carve(cls);
		if (lo != NULL)
			stk.carved_live++;
	}
	gs__unlockx(&stk.lock);
	if (lo == NULL)
		return GS_ENOMEM;

	gp->stack_base = guarded ? (char *)lo - stk.pagesize : lo;
	gp->stack_lo = (uintptr_t)lo;
	gp->stack_hi = (uintptr_t)lo + size;
	gp->stack_class = (uint8_t)cls;
	gp->stack_guarded = guarded;
#ifdef GS_VALGRIND
	gp->vg_stack = VALGRIND_STACK_REGISTER(lo, (char *)lo + size);
#endif
	if (gs__stack_canary(size))
		*(uint64_t *)gp->stack_lo = gs__stack_canary(size);
	return 0;
}

/* Give a guarded stack's mapping back (carved memory goes with its chunk). */
void
gs__stackfree(gs_g *gp)
{
	if (gp->stack_base == NULL)
		return;
#ifdef GS_VALGRIND
	VALGRIND_STACK_DEREGISTER(gp->vg_stack);
#endif
	gs__lockx(&stk.lock);
	if (gp->stack_guarded) {
		munmap(gp->stack_base, (gp->stack_hi - gp->stack_lo) + stk.pagesize);
		stk.guarded_live--;
	} else {
		stk.carved_live--;
	}
	gs__unlockx(&stk.lock);
	gp->stack_base = NULL;
	gp->stack_lo = gp->stack_hi = 0;
}

/* Drop the physical pages of a stack whose G waits on a global free list, keeping
 * the mapping and the canary (the canary's page stays if the stack is smaller
 * than two pages). */
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
}

void
gs__stack_counts(uint64_t *guarded, uint64_t *carved)
{
	*guarded = (uint64_t)atomic_load_explicit(&stk.guarded_live, memory_order_relaxed);
	*carved = (uint64_t)atomic_load_explicit(&stk.carved_live, memory_order_relaxed);
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

	/* Below the running goroutine's stack: its guard page, a chunk's guard
	 * page, or a neighbour's memory it ran into (carved stacks have no
	 * guard of their own).  Either way it overflowed. */
	if (gp && gp->stack_lo && addr < gp->stack_lo &&
	    addr >= gp->stack_lo - stk.pagesize - 65536) {
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
