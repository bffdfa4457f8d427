/*
 * fault_inject.c - the --wrap wrappers of fault_inject.h.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>

#include "fault_inject.h"

struct fi_state {
	atomic_int armed;
	atomic_long skip, left; /* left < 0: forever */
	atomic_long calls, failed;
};

static struct fi_state fi[FI_NFN];
static _Thread_local struct fi_state fi_alloc; /* FI_MALLOC: per thread */

static struct fi_state *
state(enum fi_fn fn)
{
	return fn == FI_MALLOC ? &fi_alloc : &fi[fn];
}

void
fi_arm(enum fi_fn fn, int skip, int count)
{
	struct fi_state *s = state(fn);

	atomic_store(&s->armed, 0);
	atomic_store(&s->calls, 0);
	atomic_store(&s->failed, 0);
	atomic_store(&s->skip, skip);
	atomic_store(&s->left, count);
	atomic_store(&s->armed, 1);
}

void
fi_disarm(enum fi_fn fn)
{
	atomic_store(&state(fn)->armed, 0);
}

long
fi_calls(enum fi_fn fn)
{
	return atomic_load(&state(fn)->calls);
}

long
fi_failed(enum fi_fn fn)
{
	return atomic_load(&state(fn)->failed);
}

/* Should this call fail?  Counts it either way. */
static bool
fi_fail(enum fi_fn fn)
{
	struct fi_state *s = state(fn);

	if (!atomic_load_explicit(&s->armed, memory_order_relaxed))
		return false;
	atomic_fetch_add(&s->calls, 1);
	if (atomic_fetch_sub(&s->skip, 1) > 0)
		return false;
	long left = atomic_load(&s->left);
	for (;;) {
		if (left == 0)
			return false;
		if (left < 0 || atomic_compare_exchange_weak(&s->left, &left, left - 1))
			break;
	}
	atomic_fetch_add(&s->failed, 1);
	return true;
}

/* The real functions (the linker's names for the unwrapped symbols). */
void *__real_mmap(void *, size_t, int, int, int, off_t);
int __real_pthread_create(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
int __real_epoll_create1(int);
int __real_eventfd(unsigned int, int);
void *__real_malloc(size_t);
void *__real_calloc(size_t, size_t);
void *__real_realloc(void *, size_t);
void *__real_aligned_alloc(size_t, size_t);

void *__wrap_mmap(void *, size_t, int, int, int, off_t);
int __wrap_pthread_create(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
int __wrap_epoll_create1(int);
int __wrap_eventfd(unsigned int, int);
void *__wrap_malloc(size_t);
void *__wrap_calloc(size_t, size_t);
void *__wrap_realloc(void *, size_t);
void *__wrap_aligned_alloc(size_t, size_t);

void *
__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	if (fi_fail(FI_MMAP)) {
		errno = ENOMEM;
		return MAP_FAILED;
	}
	return __real_mmap(addr, len, prot, flags, fd, off);
}

int
__wrap_pthread_create(pthread_t *t, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
	if (fi_fail(FI_PTHREAD_CREATE))
		return EAGAIN;
	return __real_pthread_create(t, attr, fn, arg);
}

int
__wrap_epoll_create1(int flags)
{
	if (fi_fail(FI_EPOLL_CREATE1)) {
		errno = EMFILE;
		return -1;
	}
	return __real_epoll_create1(flags);
}

int
__wrap_eventfd(unsigned int initval, int flags)
{
	if (fi_fail(FI_EVENTFD)) {
		errno = EMFILE;
		return -1;
	}
	return __real_eventfd(initval, flags);
}

void *
__wrap_malloc(size_t n)
{
	if (fi_fail(FI_MALLOC)) {
		errno = ENOMEM;
		return NULL;
	}
	return __real_malloc(n);
}

void *
__wrap_calloc(size_t k, size_t n)
{
	if (fi_fail(FI_MALLOC)) {
		errno = ENOMEM;
		return NULL;
	}
	return __real_calloc(k, n);
}

void *
__wrap_realloc(void *p, size_t n)
{
	if (fi_fail(FI_MALLOC)) {
		errno = ENOMEM;
		return NULL;
	}
	return __real_realloc(p, n);
}

void *
__wrap_aligned_alloc(size_t align, size_t n)
{
	if (fi_fail(FI_MALLOC) || fi_fail(FI_ALIGNED_ALLOC)) {
		errno = ENOMEM;
		return NULL;
	}
	return __real_aligned_alloc(align, n);
}
