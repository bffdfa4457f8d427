/*
 * ctx_ucontext.c - portable context switch on getcontext/makecontext/swapcontext,
 * for CPUs without a hand-written backend.  Slower: glibc's swapcontext makes a
 * sigprocmask system call on every switch.
 */
#include <stdint.h>
#include <stdlib.h>
#include <ucontext.h>

#include "runtime/ctx.h"

/* The function gs__ctx_mcall runs on g0.  Per thread, and read before anything can
 * move the calling goroutine to another thread. */
static __thread void (*mcall_fn)(void *);
static __thread void *mcall_arg;
static __thread ucontext_t mcall_uc;

/* gs__ctx_switch's arrival step, for whichever context it resumes: that context
 * runs it first thing (after its swapcontext returns, or in entry_trampoline). */
static __thread void (*switch_fn)(void *);
static __thread void *switch_arg;

/* Not inlined: the caller may have moved to another thread since it last
 * computed a thread-local address. */
static __attribute__((noinline)) void
switch_arrive(void)
{
	void (*fn)(void *) = switch_fn;

	if (fn) {
		switch_fn = NULL;
		fn(switch_arg);
	}
}

/* A made context starts here: entry's address comes in two ints, as
 * makecontext passes only ints. */
static void
entry_trampoline(unsigned lo, unsigned hi)
{
	void (*entry)(void) = (void (*)(void))(uintptr_t)(((uint64_t)hi << 32) | lo);

	switch_arrive();
	entry();
	abort();
}

static void
mcall_trampoline(void)
{
	void (*fn)(void *) = mcall_fn;
	void *arg = mcall_arg;

	fn(arg);
	abort();
}

void
gs__ctx_make(gs_ctx *ctx, void *lo, size_t size, void (*entry)(void))
{
	getcontext(&ctx->uc);
	ctx->uc.uc_stack.ss_sp = lo;
	ctx->uc.uc_stack.ss_size = size;
	ctx->uc.uc_link = NULL;
	uintptr_t e = (uintptr_t)entry;
	makecontext(&ctx->uc, (void (*)(void))entry_trampoline, 2, (unsigned)e,
	    (unsigned)((uint64_t)e >> 32));
}

void
gs__ctx_mcall(gs_ctx *save, void *g0_lo, size_t g0_size, void (*fn)(void *), void *arg)
{
	ucontext_t *uc = &mcall_uc;

	getcontext(uc);
	uc->uc_stack.ss_sp = g0_lo;
	uc->uc_stack.ss_size = g0_size;
	uc->uc_link = NULL;
	makecontext(uc, mcall_trampoline, 0);
	mcall_fn = fn;
	mcall_arg = arg;
	save->sp = __builtin_frame_address(0);
	swapcontext(&save->uc, uc);
	switch_arrive();
}

void
gs__ctx_switch(gs_ctx *save, gs_ctx *to, void (*fn)(void *), void *arg)
{
	switch_fn = fn;
	switch_arg = arg;
	save->sp = __builtin_frame_address(0);
	swapcontext(&save->uc, &to->uc);
	switch_arrive();
}

void
gs__ctx_gogo(gs_ctx *ctx)
{
	setcontext(&ctx->uc);
	abort();
}
