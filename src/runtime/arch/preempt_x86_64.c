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
 */
#define _GNU_SOURCE
#include <cpuid.h>
#include <signal.h>
#include <stdint.h>
#include <ucontext.h>

#include "runtime/internal.h"

void gs__asyncpreempt(void) __attribute__((visibility("hidden")));

/* Bytes XSAVE needs for the features the OS enabled (CPUID 0xD.0 EBX), read
 * once; the asm reserves this much plus alignment. */
uint64_t gs__xsave_size __attribute__((visibility("hidden"))) = 4096;

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
	".size gs__asyncpreempt, .-gs__asyncpreempt\n");

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
	 * gap, 16 registers, the XSAVE area and gs__asyncpreempt2's frames. */
	uint64_t need = 128 + 8 + 16 * 8 + gs__xsave_size + 64 + 2048;
	if (rsp < gp->stack_lo + need || rsp > gp->stack_hi)
		return false;
	rsp -= 128 + 8;
	*(uint64_t *)rsp = rip;
	uc->uc_mcontext.gregs[REG_RSP] = (greg_t)rsp;
	uc->uc_mcontext.gregs[REG_RIP] = (greg_t)(uintptr_t)gs__asyncpreempt;
	return true;
}

bool
gs__arch_preempt_restore(void *ucontext, gs_g *gp)
{
	(void)ucontext;
	(void)gp;
	return false;
}
