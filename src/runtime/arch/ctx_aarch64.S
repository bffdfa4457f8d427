/*
 * ctx_aarch64.S - context switch for AArch64 (AAPCS64).
 *
 * A saved context is the goroutine's stack pointer, pointing at a 176-byte
 * frame: x19..x28, x29 (fp), x30 (lr), d8..d15, FPCR.  Resuming restores them
 * and returns to lr.
 */
	.text

/* The saved frame but its FPCR slot (#160), which each entry point fills. */
.macro SAVE_FRAME
	sub	sp, sp, #176
	stp	x19, x20, [sp, #0]
	stp	x21, x22, [sp, #16]
	stp	x23, x24, [sp, #32]
	stp	x25, x26, [sp, #48]
	stp	x27, x28, [sp, #64]
	stp	x29, x30, [sp, #80]
	stp	d8, d9, [sp, #96]
	stp	d10, d11, [sp, #112]
	stp	d12, d13, [sp, #128]
	stp	d14, d15, [sp, #144]
.endm

.macro LOAD_FRAME
	ldp	x19, x20, [sp, #0]
	ldp	x21, x22, [sp, #16]
	ldp	x23, x24, [sp, #32]
	ldp	x25, x26, [sp, #48]
	ldp	x27, x28, [sp, #64]
	ldp	x29, x30, [sp, #80]
	ldp	d8, d9, [sp, #96]
	ldp	d10, d11, [sp, #112]
	ldp	d12, d13, [sp, #128]
	ldp	d14, d15, [sp, #144]
.endm

/* void gs__ctx_mcall(gs_ctx *save, void *g0_lo, size_t g0_size, void (*fn)(void *), void *arg) */
	.globl	gs__ctx_mcall
	.hidden	gs__ctx_mcall
	.type	gs__ctx_mcall,%function
	.p2align 4
gs__ctx_mcall:
	SAVE_FRAME
	mrs	x9, fpcr
	str	x9, [sp, #160]
	mov	x9, sp
	str	x9, [x0]
	add	x9, x1, x2
	and	x9, x9, #~15
	mov	sp, x9
	mov	x0, x4
	mov	x29, #0
	mov	x30, #0
	blr	x3
	brk	#0
	.size	gs__ctx_mcall, .-gs__ctx_mcall

/* void gs__ctx_switch(gs_ctx *save, gs_ctx *to, void (*fn)(void *), void *arg)
 * Saves as gs__ctx_mcall does, runs fn(arg) (if not NULL) on to's stack below
 * its frame, and resumes to.  x19 keeps the FPCR just read and x20 to's frame
 * (both callee-saved, already in the saved frame, so they survive fn); FPCR is
 * written only when to's differs. */
	.globl	gs__ctx_switch
	.hidden	gs__ctx_switch
	.type	gs__ctx_switch,%function
	.p2align 4
gs__ctx_switch:
	SAVE_FRAME
	mrs	x19, fpcr
	str	x19, [sp, #160]
	mov	x9, sp
	str	x9, [x0]
	ldr	x20, [x1]
	mov	sp, x20
	cbz	x2, 1f
	mov	x0, x3
	blr	x2
	mov	sp, x20
1:	ldr	x9, [sp, #160]
	cmp	x9, x19
	b.eq	2f
	msr	fpcr, x9
2:	LOAD_FRAME
	add	sp, sp, #176
	ret
	.size	gs__ctx_switch, .-gs__ctx_switch

/* void gs__ctx_gogo(gs_ctx *ctx) */
	.globl	gs__ctx_gogo
	.hidden	gs__ctx_gogo
	.type	gs__ctx_gogo,%function
	.p2align 4
gs__ctx_gogo:
	ldr	x9, [x0]
	mov	sp, x9
	LOAD_FRAME
	ldr	x9, [sp, #160]
	msr	fpcr, x9
	add	sp, sp, #176
	ret
	.size	gs__ctx_gogo, .-gs__ctx_gogo

/* void gs__ctx_make(gs_ctx *ctx, void *lo, size_t size, void (*entry)(void))
 * A zeroed frame whose lr is entry, 16-byte aligned below the stack top. */
	.globl	gs__ctx_make
	.hidden	gs__ctx_make
	.type	gs__ctx_make,%function
	.p2align 4
gs__ctx_make:
	add	x9, x1, x2
	and	x9, x9, #~15
	sub	x9, x9, #176
	mov	x10, #0
1:	str	xzr, [x9, x10]
	add	x10, x10, #8
	cmp	x10, #176
	b.lt	1b
	str	x3, [x9, #88]
	str	x9, [x0]
	ret
	.size	gs__ctx_make, .-gs__ctx_make

	.section .note.GNU-stack,"",%progbits
