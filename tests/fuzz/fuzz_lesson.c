/*
 * fuzz_lesson.c - the lesson parser under a fuzzer.
 *
 * LLVMFuzzerTestOneInput parses the input as a lesson: it must either succeed
 * with a well-formed program or fail with one "NAME:LINE:COL: ..." message,
 * and never crash, leak or read out of bounds (`make fuzz` builds it with
 * clang -fsanitize=fuzzer,address,undefined).  Built with FUZZ_REPLAY_MAIN it
 * is a plain program that replays every file of the corpus directory (given
 * as argument, or FUZZ_CORPUS) through the same entry point, so `make check`
 * exercises the corpus without clang.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lesson/lesson.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	lesson_program *g = NULL;
	char err[1024];

	err[0] = '\0';
	int rc = lesson_parse("fuzz", (const char *)data, size, &g, err, sizeof err);
	if (rc == 0) {
		if (g == NULL || g->nsteps <= 0 || g->nsteps > LESSON_STEPS_MAX)
			abort();
		for (int i = 0; i < g->nsteps; i++) {
			const lesson_step *s = &g->steps[i];
			if (s->cmd < 0 || s->cmd >= LESSON_NCMDS || s->line < 1)
				abort();
			if (s->cmd == LESSON_SPAWN &&
			    (s->count < 1 || s->count > LESSON_GOROUTINES_MAX))
				abort();
			if ((s->cmd == LESSON_SAY || s->cmd == LESSON_MARK ||
				s->cmd == LESSON_MEASURE) &&
			    (s->text == NULL || strlen(s->text) > LESSON_TEXT_MAX))
				abort();
		}
		lesson_program_free(g);
	} else {
		/* one message naming the input, a line and a column (or the file) */
		if (g != NULL || strncmp(err, "fuzz:", 5) != 0 || strchr(err, '\n') != NULL)
			abort();
	}
	return 0;
}

#ifdef FUZZ_REPLAY_MAIN
#ifndef FUZZ_CORPUS
#define FUZZ_CORPUS "tests/fuzz/corpus/lesson"
#endif

int
main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : FUZZ_CORPUS;
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (d == NULL) {
		fprintf(stderr, "fuzz_lesson: cannot open the corpus %s\n", dir);
		return 1;
	}
	while ((e = readdir(d)) != NULL) {
		char path[4096];
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		FILE *f = fopen(path, "rb");
		if (f == NULL) {
			fprintf(stderr, "fuzz_lesson: cannot open %s\n", path);
			closedir(d);
			return 1;
		}
		static uint8_t buf[LESSON_FILE_MAX + 2];
		size_t len = fread(buf, 1, sizeof buf, f);
		fclose(f);
		LLVMFuzzerTestOneInput(buf, len);
		n++;
	}
	closedir(d);
	if (n == 0) {
		fprintf(stderr, "fuzz_lesson: the corpus %s is empty\n", dir);
		return 1;
	}
	printf("fuzz_lesson: %d corpus inputs replayed\n", n);
	return 0;
}
#endif
