/*
 * ctx.h - the context-switch interface.  One backend implements it, chosen by
 * configure: arch/ctx_x86_64.S, arch/ctx_aarch64.S, or arch/ctx_ucontext.c.
 *
 * The asm backends save only what the C calling convention says a callee must
 * preserve (x86-64: rbx rbp r12-r15, MXCSR and the x87 control word; aarch64:
 * x19-x29, lr, d8-d15 and FPCR) on the goroutine's own stack, and keep the
 * stack pointer in gs_ctx.  A switch is a function call, so everything else is
 * already dead or saved by the compiler.
 */
#ifndef GS_CTX_H
#define GS_CTX_H

#include <stddef.h>

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#ifdef GS_CTX_UCONTEXT
#include <ucontext.h>
typedef struct gs_ctx {
	ucontext_t uc;
	void *sp; /* the stack pointer at the last gs__ctx_mcall, as the asm backends' */
} gs_ctx;
#else
typedef struct gs_ctx {
	void *sp; /* saved stack pointer; the registers sit on the stack below it */
} gs_ctx;
#endif

/* Prepare ctx to start running entry() on the stack [lo, lo+size).  entry must
 * never return. */
void gs__ctx_make(gs_ctx *ctx, void *lo, size_t size, void (*entry)(void))
    __attribute__((visibility("hidden")));

/*
 * Save the current context into *save, switch to the stack whose top is
 * g0_lo + g0_size (the M's own thread stack), and call fn(arg) there.  fn must not
 * return.  When another switch later resumes *save (gs__ctx_gogo), gs__ctx_mcall
 * returns, possibly on another thread.  Until then save->sp is the stack
 * pointer the context was saved at (the accounting's high-water mark reads it).
 */
void gs__ctx_mcall(gs_ctx *save, void *g0_lo, size_t g0_size, void (*fn)(void *), void *arg)
    __attribute__((visibility("hidden")));

/* Resume a context saved by gs__ctx_mcall or made by gs__ctx_make. */
void gs__ctx_gogo(gs_ctx *ctx) __attribute__((noreturn, visibility("hidden")));

#endif /* GS_CTX_H */
