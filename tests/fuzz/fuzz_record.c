/*
 * fuzz_record.c - fuzz the recording reader (the --replay path): the strict JSON
 * reader (src/format/json.c) on the raw input, then the whole input as a recording file
 * played through the batch printer (text or JSON, with or without scheddetail)
 * and the trace exporter, as `gsched --replay FILE [--json] [-v] --trace T` does.
 * Any crash, sanitizer report, leak or hang is a bug; error messages are expected.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#define _GNU_SOURCE 1
#include <sys/mman.h>

#define FUZZ_NAME "record"
#include "fuzz_main.h"

#include "format/schedtrace.h"
#include "format/json.h"
#include "format/record.h"
#include "format/chrometrace.h"

static FILE *devnull;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_doc doc;
	char path[64], err[600];

	if (devnull == NULL) {
		devnull = fopen("/dev/null", "w");
		if (devnull == NULL)
			abort();
	}

	json_init(&doc);
	(void)json_parse(&doc, (const char *)data, size);
	json_free(&doc);

	int fd = memfd_create("fuzz-recording", MFD_CLOEXEC);
	if (fd < 0)
		abort();
	for (size_t off = 0; off < size;) {
		ssize_t k = write(fd, data + off, size - off);
		if (k <= 0)
			abort();
		off += (size_t)k;
	}
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);

	schedtrace_opts bo = { .out = devnull,
		.detail = size > 0 && (data[0] & 1),
		.json = size > 0 && (data[0] & 2) };
	tick_sink sinks[2];
	int ns = 0;
	sinks[ns++] = schedtrace_sink(&bo);
	chrometrace_writer *tr = chrometrace_open("/dev/null", err, sizeof err);
	if (tr)
		sinks[ns++] = chrometrace_sink(tr);
	(void)record_replay(path, sinks, ns);
	if (tr)
		chrometrace_free(tr);
	close(fd);
	return 0;
}
