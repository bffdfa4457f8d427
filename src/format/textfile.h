/*
 * textfile.h - the one way gsched reads a small text file of lines (lessons,
 * lesson/; the config file, format/configfile.c): a regular file only (a FIFO,
 * device, socket or directory is refused without blocking), read whole up to
 * a size; lines end at LF, CR LF or a lone CR; a UTF-8 byte order mark is
 * skipped; a line holds valid UTF-8 and no control character but a tab.
 */
#ifndef GSCHED_TEXTFILE_H
#define GSCHED_TEXTFILE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Read the regular file path, at most max bytes, into a malloc'ed *buf
 * (NUL-terminated, *len bytes before the NUL); what names the file's kind
 * in the message ("a lesson").  0, or -1 with "path: why" in err.  With
 * *missing non-NULL it is set when the file does not exist (ENOENT or
 * ENOTDIR), which is then also -1.
 */
int textfile_read(const char *path, size_t max, const char *what, char **buf, size_t *len,
    bool *missing, char *err, size_t errsz);

/*
 * The next line of buf[0..len) from *pos (0 at the start, where a byte
 * order mark is skipped): false at the end; else *line and *linelen (no line
 * end) and *pos past its line end.
 */
bool textfile_line(const char *buf, size_t len, size_t *pos, const char **line, size_t *linelen);

/*
 * 0 if the line (no line end) is at most max bytes of valid UTF-8 with no
 * NUL or control character but a tab; else the 1-based column of the first
 * problem, with why (without position) in why.
 */
int textfile_check_line(const char *line, size_t len, size_t max, char *why, size_t whysz);

#endif /* GSCHED_TEXTFILE_H */
