/*
 * ctx.h - the context-switch interface.  One backend implements it, chosen by
 * configure: arch/ctx_x86_64.S, arch/ctx_aarch64.S, or arch/ctx_ucontext.c.
 *
 * The asm backends save only what the C calling convention says a callee must
 * preserve (x86-64: rbx rbp r12-r15, MXCSR and the x87 control word; aarch64:
 * x19-x29, lr, d8-d15 and FPCR) on the goroutine's own stack, and keep the
 * stack pointer in gs_ctx.  A switch is a function call, so everything else is
 * already dead or saved by the compiler.  A context saved by one entry point
 * is resumed by any other: they share one frame layout.
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

/*
 * Switch directly from one goroutine's stack to another's, without a stop on
 * g0: save the current context into *save as gs__ctx_mcall does, take to's
 * stack, call fn(arg) there if fn is not NULL, then resume to as
 * gs__ctx_gogo would.  to is any context gs__ctx_gogo accepts; *save can be
 * resumed by gs__ctx_gogo or by another gs__ctx_switch, and this call returns
 * then, possibly on another thread.
 *
 * fn is the arrival step: it runs once *save is complete and the old stack is
 * no longer used, so it is where whatever keeps other threads away from the
 * saved goroutine (a lock held across the switch) is released.  It runs on
 * to's stack just below its saved frame, before to's registers are restored,
 * with the current M's thread: a few hundred bytes of stack, no switch, no
 * sanitizer annotation of its own (the caller announced the switch to to).
 */
void gs__ctx_switch(gs_ctx *save, gs_ctx *to, void (*fn)(void *), void *arg)
    __attribute__((visibility("hidden")));

/* Resume a context saved by gs__ctx_mcall or gs__ctx_switch, or made by
 * gs__ctx_make. */
void gs__ctx_gogo(gs_ctx *ctx) __attribute__((noreturn, visibility("hidden")));

#endif /* GS_CTX_H */
