/*
 * textfile.c - small text files of lines, read and split one way for
 * lessons and the config file (textfile.h).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "format/textfile.h"

/* What a file that is no regular file is, for the message refusing it. */
static const char *
file_kind(mode_t m)
{
	return S_ISDIR(m) ? "a directory"
	    : S_ISFIFO(m) ? "a FIFO"
	    : S_ISSOCK(m) ? "a socket"
	    : S_ISCHR(m)  ? "a character device"
	    : S_ISBLK(m)  ? "a block device"
			  : "another kind of file";
}

int
textfile_read(const char *path, size_t max, const char *what, char **out, size_t *outlen,
    bool *missing, char *err, size_t errsz)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	int fd = -1, rc = -1;

	*out = NULL;
	*outlen = 0;
	if (missing != NULL)
		*missing = false;
	/* A regular file only.  Asked first, since opening a FIFO blocks until
	 * a writer comes and opening a socket fails with ENXIO; opened without
	 * blocking and asked again, for a file swapped in between. */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		snprintf(err, errsz, "%s: not a regular file (%s)", path, file_kind(st.st_mode));
		return -1;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		if (missing != NULL)
			*missing = errno == ENOENT || errno == ENOTDIR;
		snprintf(err, errsz, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0) {
		snprintf(err, errsz, "%s: cannot stat: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errsz, "%s: not a regular file (%s)", path, file_kind(st.st_mode));
		goto out;
	}
	/* reads block again, as for any file (a regular file's never wait) */
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0) {
		snprintf(err, errsz, "%s: cannot read: %s", path, strerror(errno));
		goto out;
	}
	if (st.st_size > (off_t)max) {
		snprintf(err, errsz, "%s: file of %lld bytes is too large for %s (at most %zu)",
		    path, (long long)st.st_size, what, max);
		goto out;
	}
	buf = malloc(max + 1);
	if (buf == NULL) {
		snprintf(err, errsz, "%s: out of memory", path);
		goto out;
	}
	for (;;) {
		ssize_t n = read(fd, buf + len, max + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errsz, "%s: cannot read: %s", path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max) {
			snprintf(err, errsz, "%s: file is too large for %s (at most %zu bytes)",
			    path, what, max);
			goto out;
		}
	}
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	buf = NULL;
	rc = 0;
out:
	free(buf);
	close(fd);
	return rc;
}

bool
textfile_line(const char *buf, size_t len, size_t *pos, const char **line, size_t *linelen)
{
	size_t k = *pos, ll = 0;

	if (k == 0 && len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		k = 3; /* a UTF-8 byte order mark */
	if (k >= len)
		return false;
	/* a line ends at LF, CR LF or a lone CR, or at the end of the file */
	while (k + ll < len && buf[k + ll] != '\n' && buf[k + ll] != '\r')
		ll++;
	*line = buf + k;
	*linelen = ll;
	k += ll;
	if (k < len)
		k += buf[k] == '\r' && k + 1 < len && buf[k + 1] == '\n' ? 2 : 1;
	*pos = k;
	return true;
}

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 if invalid
 * (overlong forms, surrogates and code points past U+10FFFF included). */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t need;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		need = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		need = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		need = 4, cp = c & 0x07;
	else
		return 0;
	if (n < need)
		return 0;
	for (size_t k = 1; k < need; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[k] & 0x3f);
	}
	if ((need == 3 && cp < 0x800) || (need == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return need;
}

int
textfile_check_line(const char *line, size_t len, size_t max, char *why, size_t whysz)
{
	const unsigned char *s = (const unsigned char *)line;
	const unsigned char *nul = memchr(s, 0, len);

	/* a NUL first: it names a binary file better than its line lengths do */
	if (nul != NULL) {
		snprintf(why, whysz, "NUL byte (is this a binary file?)");
		return (int)(nul - s) + 1;
	}
	if (len > max) {
		snprintf(why, whysz, "line is longer than %zu bytes", max);
		return (int)max + 1;
	}
	for (size_t k = 0; k < len;) {
		if ((s[k] < 0x20 && s[k] != '\t') || s[k] == 0x7f) {
			snprintf(why, whysz, "control character 0x%02x", s[k]);
			return (int)k + 1;
		}
		size_t n = utf8_len(s + k, len - k);
		if (n == 0) {
			snprintf(why, whysz, "invalid UTF-8 byte 0x%02x", s[k]);
			return (int)k + 1;
		}
		k += n;
	}
	return 0;
}
