/*
 * preempt_aarch64.c - asynchronous preemption on AArch64, by signal in and
 * signal out.
 *
 * C code can hold live values in every general register (x16/x17 included),
 * and in the link register, so unlike on x86-64 there is no register free to
 * carry a return address back into the interrupted code.  Instead the handler
 * copies the whole interrupted context (registers, pc, sp, pstate, FP/SIMD
 * state: the ucontext_t the kernel saved) onto the goroutine's stack, below
 * the interrupted sp, and resumes in preempt_trampoline(saved), an ordinary C
 * call on that stack.  The trampoline yields; when the goroutine runs again
 * (maybe on another thread) it signals its own thread once more, and the
 * handler, seeing a pending restore for this goroutine, copies the saved
 * context back over the signal frame: returning from that signal resumes the
 * interrupted code exactly, on whatever thread it now runs (the thread
 * pointer register is per thread and not part of the frame).  Preemptions are
 * rare (at most one per 10 ms per goroutine), so two signals are cheap enough.
 *
 * Limit: a context with an SVE extra_context record (very long vectors in
 * use) points outside the frame and cannot be moved; such a context is left
 * alone and the goroutine is preempted cooperatively instead.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <ucontext.h>

#include "runtime/internal.h"

#ifndef EXTRA_MAGIC
#define EXTRA_MAGIC 0x45585401
#endif

static void __attribute__((noreturn, used)) preempt_trampoline(ucontext_t *saved)
{
	gs_g *gp = gs__getg();

	gs__asyncpreempt2();
	/* Back, asyncsafe again: ask for the context to be put back. */
	gp = gs__getg();
	gp->asyncrestore = saved;
	pthread_kill(pthread_self(), SIGURG);
	gs__throw("asynchronous preemption: the restoring signal returned");
}

/* True if the frame's records include an SVE extra_context. */
static bool
has_extra_context(const ucontext_t *uc)
{
	const unsigned char *p = (const unsigned char *)uc->uc_mcontext.__reserved;
	size_t off = 0, max = sizeof uc->uc_mcontext.__reserved;

	while (off + 8 <= max) {
		uint32_t magic, size;
		memcpy(&magic, p + off, 4);
		memcpy(&size, p + off + 4, 4);
		if (magic == 0 || size == 0)
			return false;
		if (magic == EXTRA_MAGIC)
			return true;
		off += size;
	}
	return false;
}

bool
gs__arch_inject_preempt(void *ucontext, gs_g *gp)
{
	ucontext_t *uc = ucontext;
	uint64_t sp = uc->uc_mcontext.sp;
	uint64_t need = sizeof(ucontext_t) + 64 + 4096;

	if (gp->asyncrestore != NULL || sp < gp->stack_lo + need || sp > gp->stack_hi ||
	    has_extra_context(uc))
		return false;
	uint64_t at = (sp - sizeof(ucontext_t) - 64) & ~(uint64_t)63;
	memcpy((void *)at, uc, sizeof(ucontext_t));
	uc->uc_mcontext.regs[0] = at;
	uc->uc_mcontext.regs[29] = 0;
	uc->uc_mcontext.regs[30] = 0;
	uc->uc_mcontext.sp = (at - 16) & ~(uint64_t)15;
	uc->uc_mcontext.pc = (uint64_t)(uintptr_t)preempt_trampoline;
	return true;
}

/* The saved context always goes on the stack here: a stack of 8 KiB or less
 * has no room for it, and such a goroutine is preempted cooperatively only
 * (README). */
void
gs__arch_preempt_prepare(gs_g *gp)
{
	(void)gp;
}

bool
gs__arch_preempt_restore(void *ucontext, gs_g *gp)
{
	ucontext_t *saved = gp->asyncrestore;

	if (saved == NULL)
		return false;
	gp->asyncrestore = NULL;
	memcpy(ucontext, saved, sizeof(ucontext_t));
	return true;
}
