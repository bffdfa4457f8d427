/*
 * procstat.c - the measuring helpers of procstat.h.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/procstat.h"

long long
procstat_read(const char *key, char *buf, size_t size)
{
	size_t keylen = strlen(key), len = 0;
	ssize_t got;
	char *line;
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);

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
