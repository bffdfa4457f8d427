/*
 * error.c - names for error codes, goroutine states and wait reasons.
 */
#include <string.h>

#include "runtime/internal.h"

const char *
gs_strerror(int err)
{
	switch (err) {
	case 0:
		return "success";
	case GS_EINVAL:
		return "invalid argument";
	case GS_ENOMEM:
		return "out of memory or memory mappings";
	case GS_EAGAIN:
		return "resource temporarily unavailable";
	case GS_EBUSY:
		return "the runtime is already running";
	case GS_ENOTRUN:
		return "not running in a goroutine of a started runtime";
	case GS_ECLOSED:
		return "channel closed";
	case GS_ERANGE:
		return "value out of range";
	case GS_EPERM:
		return "operation not permitted";
	case GS_EBADF:
		return "descriptor not registered or closed";
	case GS_ETIMEDOUT:
		return "timed out";
	default:
		return err < 0 ? strerror(-err) : "unknown error";
	}
}

const char *
gs_gstatus_name(int status)
{
	static const char *const names[GS_G_NSTATUS] = {
		[GS_G_IDLE] = "idle",
		[GS_G_RUNNABLE] = "runnable",
		[GS_G_RUNNING] = "running",
		[GS_G_SYSCALL] = "syscall",
		[GS_G_WAITING] = "waiting",
		[GS_G_DEAD] = "dead",
	};
	return status >= 0 && status < GS_G_NSTATUS ? names[status] : "?";
}

const char *
gs_waitreason_name(int reason)
{
	/* Go's own strings (runtime2.go waitReasonStrings) where Go has one. */
	static const char *const names[GS_WAIT_NREASONS] = {
		[GS_WAIT_NONE] = "",
		[GS_WAIT_CHAN_RECV] = "chan receive",
		[GS_WAIT_CHAN_SEND] = "chan send",
		[GS_WAIT_SELECT] = "select",
		[GS_WAIT_SELECT_NOCASES] = "select (no cases)",
		[GS_WAIT_SLEEP] = "sleep",
		[GS_WAIT_IO] = "IO wait",
		[GS_WAIT_SEMACQUIRE] = "semacquire",
		[GS_WAIT_MUTEX] = "sync.Mutex.Lock",
		[GS_WAIT_WAITGROUP] = "sync.WaitGroup.Wait",
		[GS_WAIT_PREEMPTED] = "preempted",
		[GS_WAIT_FOREVER] = "forever",
		[GS_WAIT_RWMUTEX_RLOCK] = "sync.RWMutex.RLock",
		[GS_WAIT_RWMUTEX_LOCK] = "sync.RWMutex.Lock",
		[GS_WAIT_COND] = "sync.Cond.Wait",
	};
	return reason >= 0 && reason < GS_WAIT_NREASONS ? names[reason] : "?";
}
