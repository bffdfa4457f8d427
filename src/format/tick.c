/*
 * tick.c - calling every sink of a list in order (tick.h).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdio.h>

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
	for (int i = 0; i < n; i++)
		if (s[i].tick) {
			int rc = s[i].tick(s[i].ctx, info, t);
			if (rc)
				return rc;
		}
	return 0;
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
