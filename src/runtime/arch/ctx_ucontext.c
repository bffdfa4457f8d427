/*
 * ctx_ucontext.c - portable context switch on getcontext/makecontext/swapcontext,
 * for CPUs without a hand-written backend.  Slower: glibc's swapcontext makes a
 * sigprocmask system call on every switch.
 */
#include <stdlib.h>
#include <ucontext.h>

#include "runtime/ctx.h"

/* The function gs__ctx_mcall runs on g0.  Per thread, and read before anything can
 * move the calling goroutine to another thread. */
static __thread void (*mcall_fn)(void *);
static __thread void *mcall_arg;
static __thread ucontext_t mcall_uc;

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
	makecontext(&ctx->uc, entry, 0);
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
}

void
gs__ctx_gogo(gs_ctx *ctx)
{
	setcontext(&ctx->uc);
	abort();
}
