/*
 * tick.c - calling every sink of a list in order, and finishing the files and
 * standard output they write to (tick.h).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "format/tick.h"

int
tick_sinks_begin(const tick_sink *s, int n, const tick_info *info)
{
	for (int i = 0; i < n; i++)
		if (s[i].begin) {
			int rc = s[i].begin(s[i].ctx, info);
			if (rc)
				return rc;
		}
	return 0;
}

int
tick_sinks_tick(const tick_sink *s, int n, const tick_info *info, const tick_data *t)
{
	int done = 0;

	for (int i = 0; i < n; i++)
		if (s[i].tick) {
			int rc = s[i].tick(s[i].ctx, info, t);
			if (rc == TICK_SINK_DONE)
				done = rc;
			else if (rc)
				return rc;
		}
	return done;
}

int
tick_sinks_end(const tick_sink *s, int n, const tick_info *info, const tick_end *e)
{
	for (int i = 0; i < n; i++)
		if (s[i].end) {
			int rc = s[i].end(s[i].ctx, info, e);
			if (rc)
				return rc;
		}
	return 0;
}

int
tick_fclose(FILE **f)
{
	int bad = ferror(*f) || fflush(*f) != 0;
	int saved = errno;

	if (fclose(*f) != 0)
		bad = 1;
	else
		errno = saved;
	*f = NULL;
	return bad ? -1 : 0;
}

/* errno of the first failed write to stdout, 0 while none failed: the
 * stream's own error flag keeps no reason, and a failed flush drops the
 * buffer, so a later flush cannot tell it again. */
static int stdout_errno;

int
tick_fflush(FILE *f)
{
	errno = 0;
	if (fflush(f) == 0 && !ferror(f))
		return 0;
	if (errno == 0) /* a write failed earlier, its reason kept only for stdout */
		errno = f == stdout && stdout_errno != 0 ? stdout_errno : EIO;
	if (f == stdout && stdout_errno == 0)
		stdout_errno = errno;
	return errno == EPIPE ? 1 : -1;
}

int
tick_stdout_finish(int rc)
{
	tick_fflush(stdout);
	if (stdout_errno == 0 || stdout_errno == EPIPE)
		return rc;
	fprintf(stderr, "gsched: writing standard output: %s\n", strerror(stdout_errno));
	return rc != 0 ? rc : 1;
}
