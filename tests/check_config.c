/*
 * check_config.c - the config file (format/configfile.c): name = value lines
 * driven by an option table, every bad line reported as FILE:LINE: with
 * exit status 2, files that are not regular refused without blocking, and
 * the writer's all-or-nothing replacement of the file.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "format/cmdline.h"
#include "format/configfile.h"
#include "format/parse.h"
#include "testutil.h"

enum { K_ASCII = CMDLINE_LONG, K_PROJECTOR, K_RECORD, K_NO_COLOR };

/* The settable table, and the whole command line's. */
static const cmdline_opt settable[] = {
	{ "delay", 'd', required_argument, "DELAY", "d" },
	{ "procs", 'p', required_argument, "PROCS", "p" },
	{ "ascii", K_ASCII, no_argument, NULL, "a" },
	{ "projector", K_PROJECTOR, no_argument, NULL, "P" },
	{ "no-color", K_NO_COLOR, no_argument, NULL, "c" },
};
static const cmdline_opt everything[] = {
	{ "help", 'h', no_argument, NULL, "h" },
	{ "delay", 'd', required_argument, "DELAY", "d" },
	{ "procs", 'p', required_argument, "PROCS", "p" },
	{ "ascii", K_ASCII, no_argument, NULL, "a" },
	{ "projector", K_PROJECTOR, no_argument, NULL, "P" },
	{ "record", K_RECORD, required_argument, "FILE", "r" },
	{ "no-color", K_NO_COLOR, no_argument, NULL, "c" },
};

/* What the settings set, in order: "p=3 a=" for procs 3 then ascii. */
static char got[512];

static int
record_set(void *ctx, int key, const char *v, const char *name)
{
	int n;
	(void)ctx;
	if (key == 'p' && cmdline_procs(v, name, &n) != 0)
		return 2;
	if (key == 'd' && cmdline_delay(v, name, &n) != 0)
		return 2;
	snprintf(got + strlen(got), sizeof got - strlen(got), "%s%c=%s", got[0] ? " " : "",
	    key == K_ASCII           ? 'a'
		: key == K_PROJECTOR ? 'P'
		: key == K_NO_COLOR  ? 'c'
				     : key,
	    v ? v : "");
	return 0;
}

static const config_spec spec = { settable, 5, everything, 7, record_set, NULL };

static char dir[64], path[128], msg[2048];

static void
setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/check_config.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/config", dir);
	got[0] = msg[0] = '\0';
}

/* config_load(p) with its stderr in msg. */
static int
load_path(const char *p, bool optional)
{
	FILE *tf = tmpfile(); /* not in dir, which strays() reads */
	int saved = dup(2), fd, rc;
	ssize_t n;

	ck_assert_ptr_nonnull(tf);
	fd = fileno(tf);
	fflush(stderr);
	dup2(fd, 2);
	rc = config_load(p, optional, &spec);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	n = pread(fd, msg, sizeof msg - 1, 0);
	msg[n > 0 ? n : 0] = '\0';
	fclose(tf);
	return rc;
}

/* The file holding len bytes of text, loaded. */
static int
load_n(const char *text, size_t len)
{
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(text, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
	return load_path(path, false);
}

static int
load(const char *text)
{
	return load_n(text, strlen(text));
}

/* msg is "gsched: PATH:LINE: " then has want. */
#define ERR_AT(line, want)                                                                         \
	do {                                                                                       \
		char head_[256];                                                                   \
		snprintf(head_, sizeof head_, "gsched: %s:%d: ", path, (line));                    \
		ck_assert_msg(strncmp(msg, head_, strlen(head_)) == 0, "got '%s', want '%s...'",   \
		    msg, head_);                                                                   \
		ck_assert_msg(strstr(msg, (want)) != NULL, "got '%s', want '%s'", msg, (want));    \
		ck_assert_msg(strstr(msg, "Try ") == NULL, "a hint in '%s'", msg);                 \
	} while (0)

/* text loads with the settings want ("p=3 a="), from none before. */
#define LOADS(text, want)                                                                          \
	do {                                                                                       \
		got[0] = '\0';                                                                     \
		ck_assert_int_eq(load(text), 0);                                                   \
		ck_assert_str_eq(got, (want));                                                     \
	} while (0)

/* text is refused at line with a message that has want. */
#define BAD(text, line, want)                                                                      \
	do {                                                                                       \
		ck_assert_int_eq(load(text), 2);                                                   \
		ERR_AT((line), (want));                                                            \
	} while (0)

START_TEST(settings_and_layout)
{
	ck_assert_int_eq(load("# classroom\n"
			      "\n"
			      "procs = 4\n"
			      "  projector=true  \n"
			      "\tascii\t=\tYes # big letters\n"
			      "delay = 5\n"),
	    0);
	ck_assert_str_eq(got, "p=4 P= a= d=5");
	ck_assert_str_eq(msg, "");
}
END_TEST

START_TEST(booleans)
{
	static const char *const on[] = { "true", "yes", "on", "1", "TRUE", "On" };
	static const char *const off[] = { "false", "no", "off", "0", "False", "NO" };
	bool b;

	for (size_t i = 0; i < sizeof on / sizeof on[0]; i++)
		ck_assert_msg(config_bool(on[i], &b) && b, "%s", on[i]);
	for (size_t i = 0; i < sizeof off / sizeof off[0]; i++)
		ck_assert_msg(config_bool(off[i], &b) && !b, "%s", off[i]);
	ck_assert(!config_bool("", &b));
	ck_assert(!config_bool("2", &b));
	ck_assert(!config_bool("truee", &b));
	/* false sets nothing: there is nothing to turn off below the default */
	LOADS("ascii = off\nprojector = 1\n", "P=");
	/* no-X as X the other way round; both are one setting */
	LOADS("color = false\n", "c=");
	LOADS("color = on\n", "");
	LOADS("no-color = yes\n", "c=");
	BAD("color = false\nno-color = true\n", 2, "'no-color' is set twice (first on line 1)");
	BAD("color = blue\n", 1, "color: 'blue' is not true or false");
	/* a flag takes only the words above */
	BAD("projector = 2\n", 1, "projector: '2' is not true or false");
}
END_TEST

START_TEST(line_ends)
{
	LOADS("procs = 2\r\nascii = true\r\n", "p=2 a=");
	LOADS("procs = 2\rascii = true\rdelay = 3", "p=2 a= d=3");
	LOADS("\xef\xbb\xbfprocs = 7\n", "p=7");
	/* lines are counted the same with every line end */
	ck_assert_int_eq(load("# a\r# b\rbogus = 1\r"), 2);
	ck_assert_str_eq(got, "p=7");
	ERR_AT(3, "unknown setting 'bogus'");
	BAD("# a\r\n\r\nprocs = x\r\n", 3, "procs: 'x' is not a number of Ps");
}
END_TEST

START_TEST(empty_and_missing)
{
	LOADS("", "");
	ck_assert_str_eq(msg, "");
	LOADS("\n\n# only comments\n   \n", "");
	/* the default path may be absent; a file asked for by name may not */
	unlink(path);
	ck_assert_int_eq(load_path(path, true), 0);
	ck_assert_str_eq(msg, "");
	ck_assert_int_eq(load_path(path, false), 2);
	ck_assert_ptr_nonnull(strstr(msg, "cannot open: No such file"));
	ck_assert_ptr_nonnull(strstr(msg, path));
	/* a missing directory on the way is absence too */
	char p[256];
	snprintf(p, sizeof p, "%s/no/such/config", dir);
	ck_assert_int_eq(load_path(p, true), 0);
}
END_TEST

START_TEST(bad_lines)
{
	BAD("procs = 4\nprcs = 3\n", 2, "unknown setting 'prcs' (did you mean 'procs'?)");
	BAD("--projector = true\n", 1, "did you mean 'projector'?");
	BAD("colour = 3\n", 1, "unknown setting 'colour' (did you mean 'color'?)");
	BAD("no-colour = 1\n", 1, "unknown setting 'no-colour' (did you mean 'no-color'?)");
	BAD("speed = 3\n", 1,
	    "unknown setting 'speed' (the settings are delay, procs, ascii, projector, "
	    "no-color)");
	BAD("record = out.rec\n", 1,
	    "'record' cannot be set in a config file, only on the command line");
	BAD("help = true\n", 1, "'help' cannot be set in a config file");
	BAD("procs 4\n", 1, "expected 'name = value', got 'procs 4'");
	BAD(" = 4\n", 1, "no name before '='");
	BAD("procs =\n", 1, "'procs' needs a value (PROCS)");
	BAD("ascii = # none\n", 1, "'ascii' needs a value (true or false)");
	BAD("ascii = maybe\n", 1, "ascii: 'maybe' is not true or false");
	BAD("procs = 0\n", 1, "procs: '0' is not a number of Ps from 1 to 256");
	BAD("delay = 5 s\n", 1, "delay: '5 s' is not a delay");
	BAD("procs = 2\n\nprocs = 3\n", 3, "'procs' is set twice (first on line 1)");
	BAD("ascii = true\nascii = false\n", 2, "'ascii' is set twice (first on line 1)");
}
END_TEST

START_TEST(bad_bytes)
{
	char big[CONFIG_LINE_MAX + 64];

	memset(big, 'x', sizeof big);
	memcpy(big, "# ", 2);
	big[sizeof big - 1] = '\n';
	ck_assert_int_eq(load_n(big, sizeof big), 2);
	ERR_AT(1, "line is longer than 1024 bytes");
	ck_assert_int_eq(load_n("procs = 4\nascii\0 = true\n", 23), 2);
	ERR_AT(2, "column 6: NUL byte");
	BAD("procs = \x1b[4\n", 1, "column 9: control character 0x1b");
	BAD("# caf\xe9\n", 1, "invalid UTF-8 byte 0xe9");
	/* a whole file too large for settings */
	FILE *f = fopen(path, "w");
	for (int i = 0; i < CONFIG_FILE_MAX / 10 + 1; i++)
		fputs("#23456789\n", f);
	fclose(f);
	ck_assert_int_eq(load_path(path, true), 2);
	ck_assert_ptr_nonnull(strstr(msg, "too large for a config file"));
}
END_TEST

/* The test's timeout is the hang check: opening a FIFO would wait for a
 * writer that never comes. */
START_TEST(not_regular_files)
{
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	ck_assert_int_eq(load_path(path, true), 2);
	ck_assert_ptr_nonnull(strstr(msg, "not a regular file (a FIFO)"));
	unlink(path);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	ck_assert_int_eq(load_path(path, true), 2);
	ck_assert_ptr_nonnull(strstr(msg, "not a regular file (a directory)"));
	rmdir(path);
	ck_assert_int_eq(load_path("/dev/null", false), 2);
	ck_assert_ptr_nonnull(strstr(msg, "/dev/null: not a regular file (a character device)"));
	ck_assert_str_eq(got, "");
}
END_TEST

/* Permissions hold only for a user other than root: as root, the test (a
 * process of its own) goes on as nobody, owning dir and what is in it.
 * False (after saying SKIP) when that cannot be done. */
static bool
as_user(void)
{
	if (geteuid() != 0)
		return true;
	if (chown(dir, 65534, 65534) != 0 ||
	    (access(path, F_OK) == 0 && chown(path, 65534, 65534) != 0) ||
	    setgroups(0, NULL) != 0 || setgid(65534) != 0 || setuid(65534) != 0) {
		TU_SKIP("running as root, which reads and writes any file, and cannot become "
			"nobody (%s)",
		    strerror(errno));
		return false;
	}
	return true;
}

START_TEST(unreadable_file)
{
	ck_assert_int_eq(load("procs = 3\n"), 0);
	if (!as_user())
		return;
	ck_assert_int_eq(chmod(path, 0), 0);
	got[0] = '\0';
	ck_assert_int_eq(load_path(path, true), 2);
	ck_assert_ptr_nonnull(strstr(msg, "cannot open: Permission denied"));
	ck_assert_str_eq(got, "");
}
END_TEST

START_TEST(default_path)
{
	char buf[256];

	setenv("XDG_CONFIG_HOME", "/x/cfg", 1);
	setenv("HOME", "/home/u", 1);
	ck_assert_int_eq(config_default_path(buf, sizeof buf), 0);
	ck_assert_str_eq(buf, "/x/cfg/gsched/config");
	/* a relative XDG_CONFIG_HOME is ignored, as the XDG rules say */
	setenv("XDG_CONFIG_HOME", "rel", 1);
	ck_assert_int_eq(config_default_path(buf, sizeof buf), 0);
	ck_assert_str_eq(buf, "/home/u/.config/gsched/config");
	unsetenv("XDG_CONFIG_HOME");
	ck_assert_int_eq(config_default_path(buf, sizeof buf), 0);
	ck_assert_str_eq(buf, "/home/u/.config/gsched/config");
	unsetenv("HOME");
	ck_assert_int_eq(config_default_path(buf, sizeof buf), -1);
}
END_TEST

/* Files in dir other than "config": a temporary one left behind. */
static int
strays(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
		    strcmp(e->d_name, "config") != 0;
	closedir(d);
	return n;
}

static const config_item items[] = {
	{ "procs", "3" },
	{ "delay", "5" },
	{ "projector", "true" },
	{ "ascii", "false" },
};

START_TEST(write_round_trip)
{
	char err[512], p[256];

	ck_assert_int_eq(config_write(path, items, 4, err, sizeof err), 0);
	ck_assert_int_eq(load_path(path, false), 0);
	ck_assert_str_eq(got, "p=3 d=5 P=");
	/* replaced whole, nothing left beside it */
	got[0] = '\0';
	ck_assert_int_eq(config_write(path, items + 1, 1, err, sizeof err), 0);
	ck_assert_int_eq(load_path(path, false), 0);
	ck_assert_str_eq(got, "d=5");
	ck_assert_int_eq(strays(), 0);
	/* missing directories are made */
	snprintf(p, sizeof p, "%s/a/gsched/config", dir);
	ck_assert_int_eq(config_write(p, items, 1, err, sizeof err), 0);
	got[0] = '\0';
	ck_assert_int_eq(load_path(p, false), 0);
	ck_assert_str_eq(got, "p=3");
}
END_TEST

START_TEST(write_follows_link)
{
	char err[512], target[256];
	struct stat st;

	snprintf(target, sizeof target, "%s/real", dir);
	ck_assert_int_eq(config_write(target, items, 1, err, sizeof err), 0);
	ck_assert_int_eq(symlink(target, path), 0);
	ck_assert_int_eq(config_write(path, items + 1, 1, err, sizeof err), 0);
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	ck_assert_int_eq(load_path(target, false), 0);
	ck_assert_str_eq(got, "d=5");
}
END_TEST

/* A full disk, as a file-size limit makes one: the write fails naming the
 * file, the old file stays as it was and no temporary file is left. */
START_TEST(write_full_disk)
{
	char err[512];
	struct rlimit rl = { 16, 16 };

	ck_assert_int_eq(config_write(path, items + 1, 1, err, sizeof err), 0);
	signal(SIGXFSZ, SIG_IGN);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
	ck_assert_int_eq(config_write(path, items, 4, err, sizeof err), -1);
	ck_assert_msg(strncmp(err, path, strlen(path)) == 0, "%s", err);
	ck_assert_msg(strstr(err, "cannot write") != NULL, "%s", err);
	ck_assert_int_eq(strays(), 0);
	ck_assert_int_eq(load_path(path, false), 0);
	ck_assert_str_eq(got, "d=5");
}
END_TEST

START_TEST(write_refused)
{
	char err[512], p[256];

	if (!as_user())
		return;
	ck_assert_int_eq(chmod(dir, 0500), 0);
	ck_assert_int_eq(config_write(path, items, 1, err, sizeof err), -1);
	chmod(dir, 0700);
	ck_assert_msg(strncmp(err, path, strlen(path)) == 0, "%s", err);
	ck_assert_msg(strstr(err, "Permission denied") != NULL, "%s", err);
	/* a file where a directory must be */
	snprintf(p, sizeof p, "%s/config/sub/config", dir);
	ck_assert_int_eq(load(""), 0);
	ck_assert_int_eq(config_write(p, items, 1, err, sizeof err), -1);
	ck_assert_msg(strstr(err, "cannot make the directory") != NULL, "%s", err);
}
END_TEST

static void
teardown(void)
{
	char cmd[128];
	chmod(dir, 0700);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "check_config: cannot remove %s\n", dir);
}

static Suite *
config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tu_tcase("read", 30);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, settings_and_layout);
	tcase_add_test(tc, booleans);
	tcase_add_test(tc, line_ends);
	tcase_add_test(tc, empty_and_missing);
	tcase_add_test(tc, bad_lines);
	tcase_add_test(tc, bad_bytes);
	tcase_add_test(tc, not_regular_files);
	tcase_add_test(tc, unreadable_file);
	tcase_add_test(tc, default_path);
	suite_add_tcase(s, tc);
	tc = tu_tcase("write", 30);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, write_round_trip);
	tcase_add_test(tc, write_follows_link);
	tcase_add_test(tc, write_full_disk);
	tcase_add_test(tc, write_refused);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run_suite(config_suite());
}
