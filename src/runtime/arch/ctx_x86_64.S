/*
 * ctx_x86_64.S - context switch for x86-64 (System V ABI).
 *
 * A saved context is the goroutine's stack pointer; below the return address
 * the stack holds, from high to low: rbp rbx r12 r13 r14 r15, then one 8-byte
 * slot with MXCSR (low 4 bytes) and the x87 control word (next 2 bytes).
 * Floating-point control state is callee-saved by the ABI, so a goroutine that
 * changes its rounding mode keeps it across switches and does not leak it.
 */
	.text

/* The saved frame: callee-saved registers, then MXCSR and the x87 control word. */
.macro SAVE_FRAME
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	subq	$8, %rsp
	stmxcsr	(%rsp)
	fnstcw	4(%rsp)
.endm

/* Pop a frame SAVE_FRAME pushed (its floating-point slot already dealt with)
 * and return into the code that saved it. */
.macro RESUME_FRAME
	addq	$8, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret
.endm

/* void gs__ctx_mcall(gs_ctx *save, void *g0_lo, size_t g0_size, void (*fn)(void *), void *arg) */
	.globl	gs__ctx_mcall
	.hidden	gs__ctx_mcall
	.type	gs__ctx_mcall,@function
	.p2align 4
gs__ctx_mcall:
	.cfi_startproc
	SAVE_FRAME
	movq	%rsp, (%rdi)
	/* Onto g0: its stack top, 16-byte aligned, so fn starts as if called. */
	leaq	(%rsi,%rdx), %rsp
	andq	$-16, %rsp
	xorl	%ebp, %ebp
	movq	%r8, %rdi
	callq	*%rcx
	ud2
	.cfi_endproc
	.size	gs__ctx_mcall, .-gs__ctx_mcall

/*
 * void gs__ctx_switch(gs_ctx *save, gs_ctx *to, void (*fn)(void *), void *arg)
 * Saves as gs__ctx_mcall does, then runs fn(arg) (if not NULL) on to's stack,
 * below its saved frame, and resumes to.  The modes now in the CPU are the ones
 * just saved: r12 keeps that frame (callee-saved, so it survives fn) and only a
 * target whose saved modes differ loads its own; gs__ctx_gogo, which does not
 * know them, has to read them again.  Reading the slot back after the switch,
 * not right after the stores, keeps the load from waiting on them.
 */
	.globl	gs__ctx_switch
	.hidden	gs__ctx_switch
	.type	gs__ctx_switch,@function
	.p2align 4
gs__ctx_switch:
	.cfi_startproc
	SAVE_FRAME
	movq	%rsp, (%rdi)
	movq	%rsp, %r12
	movq	(%rsi), %rsp
	testq	%rdx, %rdx
	jz	1f
	/* A made context's sp is 8 mod 16, a saved one's 0: align for the call. */
	movq	%rsp, %rbx
	andq	$-16, %rsp
	movq	%rcx, %rdi
	callq	*%rdx
	movq	%rbx, %rsp
1:	movl	(%r12), %eax
	cmpl	(%rsp), %eax
	jne	3f
	movzwl	4(%r12), %eax
	cmpw	4(%rsp), %ax
	jne	4f
2:	RESUME_FRAME
3:	ldmxcsr	(%rsp)
	movzwl	4(%r12), %eax
	cmpw	4(%rsp), %ax
	je	2b
4:	fldcw	4(%rsp)
	jmp	2b
	.cfi_endproc
	.size	gs__ctx_switch, .-gs__ctx_switch

/* void gs__ctx_gogo(gs_ctx *ctx) */
	.globl	gs__ctx_gogo
	.hidden	gs__ctx_gogo
	.type	gs__ctx_gogo,@function
	.p2align 4
gs__ctx_gogo:
	.cfi_startproc
	movq	(%rdi), %rsp
	/* Loading MXCSR and the x87 control word is slow (both serialise part
	 * of the FPU); they almost never differ between goroutines, so compare
	 * first, using the free slot below the saved frame as scratch. */
	stmxcsr	-8(%rsp)
	movl	-8(%rsp), %eax
	cmpl	(%rsp), %eax
	je	1f
	ldmxcsr	(%rsp)
1:	fnstcw	-8(%rsp)
	movzwl	-8(%rsp), %eax
	cmpw	4(%rsp), %ax
	je	2f
	fldcw	4(%rsp)
2:	RESUME_FRAME
	.cfi_endproc
	.size	gs__ctx_gogo, .-gs__ctx_gogo

/*
 * void gs__ctx_make(gs_ctx *ctx, void *lo, size_t size, void (*entry)(void))
 * Lays out a frame that gs__ctx_gogo pops: zeroed callee-saved registers, the
 * default MXCSR (0x1f80) and x87 control word (0x037f), entry as the return
 * address, and a zero return address above it so entry starts 16-byte aligned
 * (rsp = 8 mod 16, as after a call) and backtraces stop there.
 */
	.globl	gs__ctx_make
	.hidden	gs__ctx_make
	.type	gs__ctx_make,@function
	.p2align 4
gs__ctx_make:
	.cfi_startproc
	leaq	(%rsi,%rdx), %rax
	andq	$-16, %rax
	movq	$0, -8(%rax)
	movq	%rcx, -16(%rax)
	movq	$0, -24(%rax)
	movq	$0, -32(%rax)
	movq	$0, -40(%rax)
	movq	$0, -48(%rax)
	movq	$0, -56(%rax)
	movq	$0, -64(%rax)
	movq	$0, -72(%rax)
	movl	$0x1f80, -72(%rax)
	movw	$0x037f, -68(%rax)
	leaq	-72(%rax), %rax
	movq	%rax, (%rdi)
	ret
	.cfi_endproc
	.size	gs__ctx_make, .-gs__ctx_make

	.section .note.GNU-stack,"",@progbits
