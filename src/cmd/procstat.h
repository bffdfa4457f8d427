/*
 * procstat.h - a measuring helper shared by `gsched bench` and `gsched
 * compare`: one field of /proc/self/status.  (Their clock is gs_nanotime.)
 */
#ifndef GSCHED_PROCSTAT_H
#define GSCHED_PROCSTAT_H

#include <stddef.h>

/*
 * The number after `key` (e.g. "VmRSS:" in kB, "Threads:") in
 * /proc/self/status, or -1 if it cannot be read.  buf (size bytes) holds the
 * file while it is searched: callers on small goroutine stacks pass a static
 * one.  Plain open/read, no stdio, no errno (a goroutine's errno belongs to
 * whichever thread it is on).
 */
long long procstat_read(const char *key, char *buf, size_t size);

/* The same field summed over every thread of the process
 * (/proc/self/task/<tid>/status), or -1 if the directory cannot be read.
 * Uses opendir: not for 2 KiB goroutine stacks. */
long long procstat_sum_tasks(const char *key, char *buf, size_t size);

#endif /* GSCHED_PROCSTAT_H */
