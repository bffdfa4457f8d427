/*
 * procstat.c - the measuring helpers of procstat.h.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/procstat.h"

/* The number after key in the status file at path, or -1. */
static long long
status_read(const char *path, const char *key, char *buf, size_t size)
{
	size_t keylen = strlen(key), len = 0;
	ssize_t got;
	char *line;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || size == 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while (len < size - 1 && (got = read(fd, buf + len, size - 1 - len)) > 0)
		len += (size_t)got;
	close(fd);
	buf[len] = '\0';
	for (line = buf; line != NULL; line = strchr(line, '\n')) {
		if (*line == '\n')
			line++;
		if (strncmp(line, key, keylen) == 0)
			return strtoll(line + keylen, NULL, 10);
	}
	return -1;
}

long long
procstat_read(const char *key, char *buf, size_t size)
{
	return status_read("/proc/self/status", key, buf, size);
}

long long
procstat_sum_tasks(const char *key, char *buf, size_t size)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *de;
	long long sum = 0;
	char path[300]; /* "/proc/self/task/" and a d_name of up to 255 */

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "/proc/self/task/%s/status", de->d_name);
		long long v = status_read(path, key, buf, size);
		if (v > 0) /* a thread that has just exited reads as -1: it adds nothing */
			sum += v;
	}
	closedir(d);
	return sum;
}
