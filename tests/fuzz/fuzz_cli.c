/*
 * fuzz_cli.c - fuzz the command line of the observation options: the input is
 * split at NUL bytes into argv words (at most 32) and parsed as cmd/main.c
 * parses them: the option table engine (format/cmdline.c, getopt_long) over
 * cmd/batch.c's table, each option set by batch_option and the whole checked
 * by batch_check.  This file includes cmd/batch.c itself, so its statics are
 * fuzzed too.  Parsing never runs the runtime; usage errors are expected.
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
	int rc = 0, key;
	const char *v;
	cmdline c;
	batch_opts o;
	batch_opts_init(&o);
	cmdline_init(&c, batch_options, batch_noptions, NULL, argc, argv);
	while (rc == 0 && (key = cmdline_next(&c, &v)) != CMDLINE_END) {
		if (key == CMDLINE_ERROR || key == CMDLINE_OPERAND)
			rc = 2;
		else
			rc = batch_option(&o, key, v, cmdline_spelled(&c));
	}
	if (rc == 0)
		rc = batch_check(&o);
	if (rc != 0 && rc != 2)
		abort(); /* parsing answers 0 or 2 (a usage error) */
	if (rc == 0 && !o.replay && !o.batch && !o.record && !o.trace)
		abort(); /* "nothing to do" must have been refused */
	free(buf);
	return 0;
}
