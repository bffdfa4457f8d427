/*
 * preempt_none.c - CPUs without an asynchronous-preemption backend: the
 * signal handler declines, so preemption is cooperative only (the flag is
 * still seen at every scheduling point and gs_preempt_check).
 */
#include "runtime/internal.h"

bool
gs__arch_inject_preempt(void *ucontext, gs_g *gp)
{
	(void)ucontext;
	(void)gp;
	return false;
}

void
gs__arch_preempt_prepare(gs_g *gp)
{
	(void)gp;
}

bool
gs__arch_preempt_restore(void *ucontext, gs_g *gp)
{
	(void)ucontext;
	(void)gp;
	return false;
}
