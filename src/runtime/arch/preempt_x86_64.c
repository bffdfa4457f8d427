/*
 * preempt_x86_64.c - asynchronous preemption on x86-64: redirect an
 * interrupted goroutine into gs__asyncpreempt.
 *
 * The handler pushes the interrupted RIP on the goroutine's stack below the
 * 128-byte red zone (leaf functions keep live data there) and resumes at
 * gs__asyncpreempt, which saves the flags, all 15 general registers and the
 * whole extended state (XSAVE: x87, SSE, AVX, AVX-512 as enabled), calls
 * gs__asyncpreempt2 to yield, restores everything and returns with
 * `ret $128`, popping the saved RIP and the red-zone gap together.
 *
 * That needs the XSAVE area (2.4 KiB with AVX-512) plus gs__asyncpreempt2's
 * frames below the interrupted frame, more than a 4 KiB stack has.  A
 * goroutine on a smaller stack saves into a buffer of its own instead
 * (gp->asyncsave, made by gs_preemptible_begin, kept with the G):
 * gs__asyncpreempt_off, entered with the buffer's address pushed below the
 * RIP, saves there and uses the stack only for the C frames.  The buffer is
 * the G's, not the stack's, so a signal during that trampoline's restore
 * would overwrite what is being restored: the handler declines while the
 * interrupted RIP is inside it (the flag stays set; the next signal comes).
 */
#define _GNU_SOURCE
#include <cpuid.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <ucontext.h>

#include "runtime/internal.h"

void gs__asyncpreempt(void) __attribute__((visibility("hidden")));
void gs__asyncpreempt_off(void) __attribute__((visibility("hidden")));
void gs__asyncpreempt_off_end(void) __attribute__((visibility("hidden")));

/* Room the C frames below either trampoline get (gs__asyncpreempt2, a yield,
 * an event or accounting record). */
#define ASYNC_FRAMES 2048
/* The off-stack buffer: 16 general registers and the flags, then the XSAVE
 * area at a 64-byte boundary. */
#define OFF_XSAVE 192
#define XSTR2(x) #x
#define XSTR(x) XSTR2(x)

/* Bytes XSAVE needs for the features the OS enabled (CPUID 0xD.0 EBX), read
 * once; the asm reserves this much plus alignment. */
uint64_t gs__xsave_size __attribute__((visibility("hidden"))) = 4096;

/* One instruction a line. */
/* clang-format off */
__asm__(".text\n"
	".globl gs__asyncpreempt\n"
	".hidden gs__asyncpreempt\n"
	".type gs__asyncpreempt,@function\n"
	".p2align 4\n"
	"gs__asyncpreempt:\n"
	"	pushfq\n"
	"	pushq %rax\n"
	"	pushq %rcx\n"
	"	pushq %rdx\n"
	"	pushq %rbx\n"
	"	pushq %rbp\n"
	"	pushq %rsi\n"
	"	pushq %rdi\n"
	"	pushq %r8\n"
	"	pushq %r9\n"
	"	pushq %r10\n"
	"	pushq %r11\n"
	"	pushq %r12\n"
	"	pushq %r13\n"
	"	pushq %r14\n"
	"	pushq %r15\n"
	"	movq %rsp, %rbx\n"
	"	subq gs__xsave_size(%rip), %rsp\n"
	"	andq $-64, %rsp\n"
	/* XRSTOR wants the header's reserved bytes zero; XSAVE does not write them. */
	"	xorl %eax, %eax\n"
	"	movq %rax, 512(%rsp)\n"
	"	movq %rax, 520(%rsp)\n"
	"	movq %rax, 528(%rsp)\n"
	"	movq %rax, 536(%rsp)\n"
	"	movq %rax, 544(%rsp)\n"
	"	movq %rax, 552(%rsp)\n"
	"	movq %rax, 560(%rsp)\n"
	"	movq %rax, 568(%rsp)\n"
	"	movl $-1, %eax\n"
	"	movl $-1, %edx\n"
	"	xsave64 (%rsp)\n"
	"	cld\n"
	"	call gs__asyncpreempt2\n"
	"	movl $-1, %eax\n"
	"	movl $-1, %edx\n"
	"	xrstor64 (%rsp)\n"
	"	movq %rbx, %rsp\n"
	"	popq %r15\n"
	"	popq %r14\n"
	"	popq %r13\n"
	"	popq %r12\n"
	"	popq %r11\n"
	"	popq %r10\n"
	"	popq %r9\n"
	"	popq %r8\n"
	"	popq %rdi\n"
	"	popq %rsi\n"
	"	popq %rbp\n"
	"	popq %rbx\n"
	"	popq %rdx\n"
	"	popq %rcx\n"
	"	popq %rax\n"
	"	popfq\n"
	"	ret $128\n"
	".size gs__asyncpreempt, .-gs__asyncpreempt\n"
	/* Entered with (%rsp) = the buffer, 8(%rsp) = the interrupted RIP.
	 * Buffer: rax rcx rdx rbx rbp rsi rdi r8-r15 at 0..120, flags at 128,
	 * XSAVE area at OFF_XSAVE. */
	".globl gs__asyncpreempt_off\n"
	".hidden gs__asyncpreempt_off\n"
	".type gs__asyncpreempt_off,@function\n"
	".p2align 4\n"
	"gs__asyncpreempt_off:\n"
	"	xchgq %rax, (%rsp)\n"
	"	movq %rcx, 8(%rax)\n"
	"	movq %rdx, 16(%rax)\n"
	"	movq %rbx, 24(%rax)\n"
	"	movq %rbp, 32(%rax)\n"
	"	movq %rsi, 40(%rax)\n"
	"	movq %rdi, 48(%rax)\n"
	"	movq %r8, 56(%rax)\n"
	"	movq %r9, 64(%rax)\n"
	"	movq %r10, 72(%rax)\n"
	"	movq %r11, 80(%rax)\n"
	"	movq %r12, 88(%rax)\n"
	"	movq %r13, 96(%rax)\n"
	"	movq %r14, 104(%rax)\n"
	"	movq %r15, 112(%rax)\n"
	"	movq (%rsp), %rcx\n"
	"	movq %rcx, 0(%rax)\n"
	"	pushfq\n"
	"	popq 128(%rax)\n"
	"	movq %rax, %rbx\n"
	"	xorl %eax, %eax\n"
	"	movq %rax, " XSTR(OFF_XSAVE) "+512(%rbx)\n"
	"	movq %rax, " XSTR(OFF_XSAVE) "+520(%rbx)\n"
	"	movq %rax, " XSTR(OFF_XSAVE) "+528(%rbx)\n"
	"	movq %rax, " XSTR(OFF_XSAVE) "+536(%rbx)\n"
	"	movq %rax, " XSTR(OFF_XSAVE) "+544(%rbx)\n"
	"	movq %rax, " XSTR(OFF_XSAVE) "+552(%rbx)\n"
	"	movq %rax, " XSTR(OFF_XSAVE) "+560(%rbx)\n"
	"	movq %rax, " XSTR(OFF_XSAVE) "+568(%rbx)\n"
	"	movl $-1, %eax\n"
	"	movl $-1, %edx\n"
	"	xsave64 " XSTR(OFF_XSAVE) "(%rbx)\n"
	"	cld\n"
	"	movq %rsp, %rbp\n"
	"	andq $-16, %rsp\n"
	"	call gs__asyncpreempt2\n"
	"	movq %rbp, %rsp\n"
	"	movl $-1, %eax\n"
	"	movl $-1, %edx\n"
	"	xrstor64 " XSTR(OFF_XSAVE) "(%rbx)\n"
	"	pushq 128(%rbx)\n"
	"	popfq\n"
	"	movq 8(%rbx), %rcx\n"
	"	movq 16(%rbx), %rdx\n"
	"	movq 32(%rbx), %rbp\n"
	"	movq 40(%rbx), %rsi\n"
	"	movq 48(%rbx), %rdi\n"
	"	movq 56(%rbx), %r8\n"
	"	movq 64(%rbx), %r9\n"
	"	movq 72(%rbx), %r10\n"
	"	movq 80(%rbx), %r11\n"
	"	movq 88(%rbx), %r12\n"
	"	movq 96(%rbx), %r13\n"
	"	movq 104(%rbx), %r14\n"
	"	movq 112(%rbx), %r15\n"
	"	movq 0(%rbx), %rax\n"
	"	movq 24(%rbx), %rbx\n"
	/* lea, not add: the flags are already the interrupted code's. */
	"	leaq 8(%rsp), %rsp\n"
	"	ret $128\n"
	".globl gs__asyncpreempt_off_end\n"
	".hidden gs__asyncpreempt_off_end\n"
	"gs__asyncpreempt_off_end:\n"
	".size gs__asyncpreempt_off, .-gs__asyncpreempt_off\n");
/* clang-format on */
/* clang-format on */

/* Bytes below the interrupted frame that gs__asyncpreempt needs: the red-zone
 * gap, 16 registers, the XSAVE area and its alignment, and the C frames. */
static uint64_t
onstack_need(void)
{
	return 128 + 8 + 16 * 8 + gs__xsave_size + 64 + ASYNC_FRAMES;
}

static bool
xsave_usable(void)
{
	unsigned a, b, c, d;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_OSXSAVE))
		return false;
	if (__get_cpuid_max(0, NULL) < 0xd)
		return false;
	__cpuid_count(0xd, 0, a, b, c, d);
	if (b < 576)
		return false;
	gs__xsave_size = b;
	return true;
}

/* Decided once, when the library loads (before any thread or signal), so the
 * signal handlers only read it. */
static int xsave_ok;

__attribute__((constructor)) static void
xsave_init(void)
{
	xsave_ok = xsave_usable();
}

bool
gs__arch_inject_preempt(void *ucontext, gs_g *gp)
{
	ucontext_t *uc = ucontext;
	uint64_t rsp = (uint64_t)uc->uc_mcontext.gregs[REG_RSP];
	uint64_t rip = (uint64_t)uc->uc_mcontext.gregs[REG_RIP];
	int u = xsave_ok;

	if (!u)
		return false;
	/* Only on the goroutine's own stack, and only with room for the red-zone
	 * gap, 16 registers, the XSAVE area and gs__asyncpreempt2's frames; or,
	 * with a buffer of its own, for the gap, two words and the frames. */
	if (rsp > gp->stack_hi)
		return false;
	if (rsp >= gp->stack_lo + onstack_need()) {
		rsp -= 128 + 8;
		*(uint64_t *)rsp = rip;
		uc->uc_mcontext.gregs[REG_RSP] = (greg_t)rsp;
		uc->uc_mcontext.gregs[REG_RIP] = (greg_t)(uintptr_t)gs__asyncpreempt;
		return true;
	}
	if (gp->asyncsave == NULL || rsp < gp->stack_lo + 128 + 16 + 16 + ASYNC_FRAMES ||
	    (rip >= (uint64_t)(uintptr_t)gs__asyncpreempt_off &&
		rip < (uint64_t)(uintptr_t)gs__asyncpreempt_off_end))
		return false;
	rsp -= 128 + 8;
	*(uint64_t *)rsp = rip;
	rsp -= 8;
	*(uint64_t *)rsp = (uint64_t)(uintptr_t)gp->asyncsave;
	uc->uc_mcontext.gregs[REG_RSP] = (greg_t)rsp;
	uc->uc_mcontext.gregs[REG_RIP] = (greg_t)(uintptr_t)gs__asyncpreempt_off;
	return true;
}

void
gs__arch_preempt_prepare(gs_g *gp)
{
	if (!xsave_ok || gp->stack_hi - gp->stack_lo >= onstack_need() + 1024)
		return;
	size_t size = (OFF_XSAVE + gs__xsave_size + 63) & ~(size_t)63;
	/* Without it the goroutine is preempted only cooperatively, as before. */
	gp->asyncsave = aligned_alloc(64, size);
}

bool
gs__arch_preempt_restore(void *ucontext, gs_g *gp)
{
	(void)ucontext;
	(void)gp;
	return false;
}
