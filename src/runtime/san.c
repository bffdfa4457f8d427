/*
 * san.c - tell AddressSanitizer and ThreadSanitizer about goroutine stacks.
 *
 * Both sanitizers assume one stack per thread.  Goroutines switch stacks under
 * them, so every switch is announced: ASan's start/finish_switch_fiber keep its
 * idea of the current stack bounds (and fake stacks) right, TSan's fibers keep
 * one happens-before history per goroutine.  Without a sanitizer these are empty.
 */
#include "runtime/internal.h"

#ifdef GS_SANITIZE

#if defined(__SANITIZE_ADDRESS__)
#define GS_SAN_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GS_SAN_ASAN 1
#endif
#endif

#if defined(__SANITIZE_THREAD__)
#define GS_SAN_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define GS_SAN_TSAN 1
#endif
#endif

#ifdef GS_SAN_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif
#ifdef GS_SAN_TSAN
#include <sanitizer/tsan_interface.h>
#endif

void
gs__san_g_create(gs_g *gp)
{
#ifdef GS_SAN_TSAN
	gp->tsan_fiber = __tsan_create_fiber(0);
#else
	(void)gp;
#endif
}

void
gs__san_g_destroy(gs_g *gp)
{
#ifdef GS_SAN_TSAN
	if (gp->tsan_fiber)
		__tsan_destroy_fiber(gp->tsan_fiber);
	gp->tsan_fiber = NULL;
#else
	(void)gp;
#endif
}

void
gs__san_m_init(gs_m *mp)
{
#ifdef GS_SAN_TSAN
	mp->g0_tsan_fiber = __tsan_get_current_fiber();
	mp->g0_tsan_cur = NULL;
#else
	(void)mp;
#endif
}

/* Back on the thread's own fiber before mexit jumps to mstart's frame. */
void
gs__san_m_exit(gs_m *mp)
{
#ifdef GS_SAN_TSAN
	void *cur = mp->g0_tsan_cur;
	__tsan_switch_to_fiber(mp->g0_tsan_fiber, 0);
	if (cur)
		__tsan_destroy_fiber(cur);
	mp->g0_tsan_cur = NULL;
#else
	(void)mp;
#endif
}

void
gs__san_switch_to_g(gs_m *mp, gs_g *gp)
{
	(void)mp;
#ifdef GS_SAN_ASAN
	/* Leaving g0 for good (it restarts at its top next time): no fake stack kept. */
	__sanitizer_start_switch_fiber(NULL, (const void *)gp->stack_lo,
	    gp->stack_hi - gp->stack_lo);
#endif
#ifdef GS_SAN_TSAN
	/* g0 starts from its top on every visit and its frames never return, so
	 * each visit is a fiber of its own, dropped when we leave it; one fiber
	 * for all visits would keep every abandoned frame on TSan's shadow stack. */
	void *cur = mp->g0_tsan_cur;
	__tsan_switch_to_fiber(gp->tsan_fiber, 0);
	if (cur)
		__tsan_destroy_fiber(cur);
	mp->g0_tsan_cur = NULL;
#endif
	(void)gp;
}

void
gs__san_switch_to_g0(gs_m *mp, gs_g *from, bool dying)
{
#ifdef GS_SAN_ASAN
	/* A dying goroutine's fake stack is dropped (NULL save slot). */
	__sanitizer_start_switch_fiber(dying ? NULL : &from->asan_fake_stack, mp->g0_stack_bottom,
	    mp->g0_stack_size);
#endif
#ifdef GS_SAN_TSAN
	void *g0 = __tsan_create_fiber(0);
	__tsan_switch_to_fiber(g0, 0);
	mp->g0_tsan_cur = g0;
#endif
	(void)mp;
	(void)from;
	(void)dying;
}

void
gs__san_switch_g_to_g(gs_g *from, gs_g *to)
{
#ifdef GS_SAN_ASAN
	/* from will be resumed: its fake stack is kept, as for a switch to g0. */
	__sanitizer_start_switch_fiber(&from->asan_fake_stack, (const void *)to->stack_lo,
	    to->stack_hi - to->stack_lo);
#endif
#ifdef GS_SAN_TSAN
	/* No g0 visit in between: straight from one goroutine's fiber to the
	 * other's, and the switch orders from's writes before to's reads. */
	__tsan_switch_to_fiber(to->tsan_fiber, 0);
#endif
	(void)from;
	(void)to;
}

void
gs__san_finish_switch(gs_g *cur)
{
#ifdef GS_SAN_ASAN
	__sanitizer_finish_switch_fiber(cur ? cur->asan_fake_stack : NULL, NULL, NULL);
#endif
	(void)cur;
}

void
gs__san_stack_reuse(gs_g *gp)
{
#ifdef GS_SAN_TSAN
	/* A new goroutine on a recycled G: a fresh fiber, for the same reason as
	 * g0's (the last one's frames never returned). */
	if (gp->tsan_fiber)
		__tsan_destroy_fiber(gp->tsan_fiber);
	gp->tsan_fiber = __tsan_create_fiber(0);
#endif
#ifdef GS_SAN_ASAN
	/* Frames of the goroutine that used this stack before never returned: clear
	 * their redzones so the next goroutine does not trip over them. */
	ASAN_UNPOISON_MEMORY_REGION((void *)gp->stack_lo, gp->stack_hi - gp->stack_lo);
#endif
	(void)gp;
}

#endif /* GS_SANITIZE */
