/*
 * fuzz_cli.c - fuzz the command line of the observation options: the input is
 * split at NUL bytes into argv words (at most 32) and given to cmd/batch.c's option
 * parser, which is static, so this file includes cmd/batch.c itself (no refactor of the
 * program for the fuzzer).  Also batch_handles, which main() asks first.
 * Parsing never runs the runtime; usage errors are expected.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#define FUZZ_NAME "cli"
#include "fuzz_main.h"

#include "../../src/cmd/batch.c"

enum { ARGS_MAX = 32 };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1);
	char *argv[ARGS_MAX + 2];
	int argc = 0;
	struct cliopts o;

	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	argv[argc++] = (char *)"gsched";
	for (size_t i = 0; i <= size && argc <= ARGS_MAX;) {
		argv[argc++] = buf + i;
		i += strlen(buf + i) + 1;
	}
	argv[argc] = NULL;
	(void)batch_handles(argv[1]);
	int rc = parse(argc, argv, &o);
	if (rc != 0 && rc != 2)
		abort(); /* parse answers 0 or 2 (a usage error) */
	if (rc == 0 && !o.replay && !o.batch && !o.record && !o.trace)
		abort(); /* "nothing to do" must have been refused */
	free(buf);
	return 0;
}
