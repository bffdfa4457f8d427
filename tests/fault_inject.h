/*
 * fault_inject.h - make chosen system and library calls of the runtime fail, for
 * tests/check_fault.c.  The test binary is linked with -Wl,--wrap=NAME (see the
 * hardening block of Makefile.am), so every call to NAME from the runtime's
 * convenience library, linked statically into the test, goes to __wrap_NAME in
 * fault_inject.c: no runtime code changes and no LD_PRELOAD.  A wrapper passes the
 * call through unless its fault is armed.
 *
 * mmap, pthread_create, epoll_create1, eventfd and aligned_alloc alone (only
 * the runtime's chunks of Gs use it) are armed process-wide; all the allocation
 * functions together (FI_MALLOC) only for the thread that armed them, so other
 * Ms and the test harness keep allocating.
 */
#ifndef GS_FAULT_INJECT_H
#define GS_FAULT_INJECT_H

enum fi_fn {
	FI_MMAP,
	FI_PTHREAD_CREATE,
	FI_EPOLL_CREATE1,
	FI_EVENTFD,
	FI_MALLOC,        /* malloc, calloc, realloc and aligned_alloc together */
	FI_ALIGNED_ALLOC, /* aligned_alloc alone (chunks of Gs) */
	FI_NFN
};

/* From now on let `skip` calls of fn through, then fail the next `count` (-1:
 * every later call). */
void fi_arm(enum fi_fn fn, int skip, int count);
/* Stop failing fn. */
void fi_disarm(enum fi_fn fn);
/* Calls of fn seen since the last fi_arm, and failures injected. */
long fi_calls(enum fi_fn fn);
long fi_failed(enum fi_fn fn);

#endif /* GS_FAULT_INJECT_H */
