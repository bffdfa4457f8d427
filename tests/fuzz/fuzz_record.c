/*
 * fuzz_record.c - fuzz the recording reader (the --replay path): the strict JSON
 * reader (src/json.c) on the raw input, then the whole input as a recording file
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

#include "batch.h"
#include "json.h"
#include "record.h"
#include "trace.h"

static FILE *devnull;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	gsj_doc doc;
	char path[64], err[600];

	if (devnull == NULL) {
		devnull = fopen("/dev/null", "w");
		if (devnull == NULL)
			abort();
	}

	gsj_init(&doc);
	(void)gsj_parse(&doc, (const char *)data, size);
	gsj_free(&doc);

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

	gsb_opts bo = { .out = devnull,
		.detail = size > 0 && (data[0] & 1),
		.json = size > 0 && (data[0] & 2) };
	gsf_sink sinks[2];
	int ns = 0;
	sinks[ns++] = gsb_sink(&bo);
	gst_writer *tr = gst_open("/dev/null", err, sizeof err);
	if (tr)
		sinks[ns++] = gst_sink(tr);
	(void)gsr_replay(path, sinks, ns);
	if (tr)
		gst_free(tr);
	close(fd);
	return 0;
}
