/*
 * fuzz_main.h - the plain replay driver the fuzz harnesses share, for builds
 * without libFuzzer.
 *
 * Built with clang -fsanitize=fuzzer (make fuzz-record / make fuzz-cli), a
 * harness is a libFuzzer target and libFuzzer provides main().  Built by make
 * check (FUZZ_REPLAY defined), main() below runs every file of the harness's
 * corpus directory (tests/fuzz/corpus/NAME under $srcdir, or the directories
 * given as arguments) through LLVMFuzzerTestOneInput once, so the corpus and
 * every crash once found keep being tested with gcc and the sanitizers CI uses.
 * The harnesses' usage and recording errors go to stderr (the test log); make
 * fuzz-NAME closes the target's stderr with -close_fd_mask=2 (libFuzzer keeps
 * its own and the sanitizers' reports).
 */
#ifndef GS_FUZZ_MAIN_H
#define GS_FUZZ_MAIN_H

#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#ifdef FUZZ_REPLAY
/* Run each regular file of dir; returns the number run, -1 if dir is missing. */
static int
fuzz_replay_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		char path[4096];
		struct stat st;
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		FILE *f = fopen(path, "rb");
		if (f == NULL)
			continue;
		uint8_t *buf = malloc((size_t)st.st_size + 1);
		size_t got = buf ? fread(buf, 1, (size_t)st.st_size, f) : 0;
		fclose(f);
		if (buf == NULL)
			continue;
		LLVMFuzzerTestOneInput(buf, got);
		free(buf);
		n++;
	}
	closedir(d);
	return n;
}

int
main(int argc, char **argv)
{
	const char *srcdir = getenv("srcdir");
	char def[4096];
	int total = 0, dirs = 0;

	if (argc < 2) {
		snprintf(def, sizeof def, "%s/tests/fuzz/corpus/%s", srcdir ? srcdir : ".",
		    FUZZ_NAME);
		argv[1] = def;
		argc = 2;
	}
	for (int i = 1; i < argc; i++) {
		int n = fuzz_replay_dir(argv[i]);
		if (n < 0) {
			fprintf(stderr, "fuzz_%s: no corpus directory %s\n", FUZZ_NAME, argv[i]);
			return 99; /* a hard error for automake */
		}
		total += n;
		dirs++;
	}
	printf("fuzz_%s: %d inputs from %d corpus directories ran without a crash\n", FUZZ_NAME,
	    total, dirs);
	return total > 0 ? 0 : 99;
}
#endif

#endif /* GS_FUZZ_MAIN_H */
