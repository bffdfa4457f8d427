/*
 * check_cgroup.c - the cgroup CPU limit as Go 1.25 reads it (the leaf cgroup
 * from /proc/self/cgroup, its mount from /proc/self/mountinfo, v2 cpu.max or
 * v1 cpu.cfs_quota_us / cpu.cfs_period_us), the default GOMAXPROCS it gives,
 * and sysmon's once-a-second update of GOMAXPROCS, which stops once GOMAXPROCS
 * is set and with GSCHED_DEBUG=updatemaxprocs=0.
 *
 * The cgroup trees are directories the runtime is pointed at with
 * GSCHED_CGROUP_ROOT (standing for /), so every branch runs on any machine;
 * one test also makes a real cgroup with a quota where the machine lets it
 * (root, a writable cpu hierarchy) and says SKIP where it cannot.  Each test
 * runs in its own forked process (CK_FORK), so changing the environment, the
 * affinity mask or the process's cgroup stays there.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "testutil.h"
#include "runtime/internal.h" /* gs__parse_cpu_max, gs__os_cgroup_cpu_limit, gs__cgroup_find */

/* ---- a cgroup tree in a directory ---------------------------------------------------------- */

static void
mkdir_p(const char *path)
{
	char buf[4096];

	snprintf(buf, sizeof buf, "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			ck_assert_msg(mkdir(buf, 0700) == 0 || errno == EEXIST, "mkdir %s", buf);
			*p = '/';
		}
	}
	ck_assert_msg(mkdir(buf, 0700) == 0 || errno == EEXIST, "mkdir %s", buf);
}

/* root/rel holds text (directories made as needed); text NULL: nothing. */
static void
put(const char *root, const char *rel, const char *text)
{
	char path[4096];

	if (text == NULL)
		return;
	snprintf(path, sizeof path, "%s/%s", root, rel);
	char *slash = strrchr(path, '/');
	*slash = '\0';
	mkdir_p(path);
	*slash = '/';
	FILE *f = fopen(path, "w");
	ck_assert_msg(f != NULL, "fopen %s", path);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

static void
rm_tree(const char *root)
{
	char cmd[4200];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	ck_assert_int_eq(system(cmd), 0);
}

#define MNT_V2 "30 25 0:26 / /sys/fs/cgroup rw,nosuid,nodev shared:4 - cgroup2 cgroup2 rw\n"
#define MNT_V1CPU                                                                                  \
	"33 25 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:9 - cgroup cgroup "              \
	"rw,cpu,cpuacct\n"
#define MNT_V1MEM "34 25 0:30 / /sys/fs/cgroup/memory rw shared:10 - cgroup cgroup rw,memory\n"
#define MNT_ROOT "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"

/* One tree and what the runtime must make of it. */
struct tree {
	const char *name;
	const char *self_cgroup; /* proc/self/cgroup */
	const char *mountinfo;   /* proc/self/mountinfo */
	const char *file[3];     /* "path=text": cgroup files under the root */
	int want;                /* gs__os_cgroup_cpu_limit's result */
	double limit;            /* and the limit when it is 1 */
};

static const struct tree trees[] = {
	{ "v2 at the root", "0::/\n", MNT_ROOT MNT_V2, { "sys/fs/cgroup/cpu.max=150000 100000\n" },
	    1, 1.5 },
	{ "v2 in a nested cgroup", "0::/kubepods/pod1/ctr\n", MNT_ROOT MNT_V2,
	    { "sys/fs/cgroup/kubepods/pod1/ctr/cpu.max=250000 100000\n" }, 1, 2.5 },
	/* Go 1.25 reads the leaf only: a tighter parent is not seen. */
	{ "v2 leaf without a quota under a limited parent", "0::/box/leaf\n", MNT_V2,
	    { "sys/fs/cgroup/box/cpu.max=100000 100000\n",
		"sys/fs/cgroup/box/leaf/cpu.max=max 100000\n" },
	    0, 0 },
	{ "v2 leaf limit above its parent's", "0::/box/leaf\n", MNT_V2,
	    { "sys/fs/cgroup/box/cpu.max=50000 100000\n",
		"sys/fs/cgroup/box/leaf/cpu.max=300000 100000\n" },
	    1, 3.0 },
	{ "v2 mounted elsewhere", "0::/app\n",
	    MNT_ROOT "41 31 0:38 / /mnt/cg2 rw,relatime - cgroup2 cgroup2 rw\n",
	    { "mnt/cg2/app/cpu.max=75000 50000\n" }, 1, 1.5 },
	{ "v2 mount point with an escaped space", "0::/a\n",
	    "41 31 0:38 / /mnt/cg\\0402 rw - cgroup2 cgroup2 rw\n",
	    { "mnt/cg 2/a/cpu.max=20000 100000\n" }, 1, 0.2 },
	{ "v2 without a quota", "0::/\n", MNT_V2, { "sys/fs/cgroup/cpu.max=max 100000\n" }, 0, 0 },
	{ "v1 cpu,cpuacct", "12:memory:/docker/abc\n4:cpu,cpuacct:/docker/abc\n0::/\n",
	    MNT_ROOT MNT_V1MEM MNT_V1CPU MNT_V2,
	    { "sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_quota_us=50000\n",
		"sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_period_us=100000\n",
		"sys/fs/cgroup/cpu.max=100000 100000\n" },
	    1, 0.5 },
	{ "v1 without a quota", "4:cpu,cpuacct:/x\n", MNT_V1CPU,
	    { "sys/fs/cgroup/cpu,cpuacct/x/cpu.cfs_quota_us=-1\n",
		"sys/fs/cgroup/cpu,cpuacct/x/cpu.cfs_period_us=100000\n" },
	    0, 0 },
	/* "cpuset" and "cpuacct" are not "cpu": the v2 hierarchy is the one. */
	{ "v1 cpuset and cpuacct only", "3:cpuset:/x\n2:cpuacct:/x\n0::/y\n",
	    MNT_V2 "34 25 0:31 / /sys/fs/cgroup/cpuset rw - cgroup cgroup rw,cpuset\n",
	    { "sys/fs/cgroup/y/cpu.max=400000 100000\n" }, 1, 4.0 },
	{ "not in a CPU cgroup", "5:memory:/x\n", MNT_V1MEM MNT_V2,
	    { "sys/fs/cgroup/cpu.max=100000 100000\n" }, 0, 0 },
	{ "no cgroup mounted", "0::/\n", MNT_ROOT, { "sys/fs/cgroup/cpu.max=100000 100000\n" }, 0,
	    0 },
	{ "no cpu.max", "0::/a\n", MNT_V2, { "sys/fs/cgroup/cpu.max=100000 100000\n" }, 0, 0 },
	{ "no /proc/self/cgroup", NULL, MNT_V2, { "sys/fs/cgroup/cpu.max=100000 100000\n" }, 0, 0 },
	{ "malformed cpu.max", "0::/\n", MNT_V2, { "sys/fs/cgroup/cpu.max=garbage\n" }, -1, 0 },
	{ "malformed cfs_quota_us", "1:cpu:/\n", MNT_V1CPU,
	    { "sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us=12x\n",
		"sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us=100000\n" },
	    -1, 0 },
	/* Go reads /proc/self/cgroup a whole line at a time: a line cut short
	 * (no newline), or without its two colons, leaves no cgroup. */
	{ "cgroup line without its newline", "0::/", MNT_V2,
	    { "sys/fs/cgroup/cpu.max=100000 100000\n" }, 0, 0 },
	{ "cgroup line without colons", "0::/\nodd\n", MNT_V2,
	    { "sys/fs/cgroup/cpu.max=100000 100000\n" }, 0, 0 },
	{ "mountinfo line too short", "0::/\n", "1 2 3\n" MNT_V2,
	    { "sys/fs/cgroup/cpu.max=100000 100000\n" }, 0, 0 },
	/* mountinfo's last line counts without its newline. */
	{ "mountinfo's last line without its newline", "0::/\n",
	    MNT_ROOT "30 25 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw",
	    { "sys/fs/cgroup/cpu.max=300000 100000\n" }, 1, 3.0 },
};

static char tree_root[64];

/* Lay out t under a new directory and point the runtime at it. */
static void
make_tree(const struct tree *t)
{
	snprintf(tree_root, sizeof tree_root, "/tmp/gsched-cgroup-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tree_root));
	put(tree_root, "proc/self/cgroup", t->self_cgroup);
	put(tree_root, "proc/self/mountinfo", t->mountinfo);
	for (int i = 0; i < 3 && t->file[i]; i++) {
		char rel[512];
		snprintf(rel, sizeof rel, "%s", t->file[i]);
		char *eq = strchr(rel, '=');
		*eq = '\0';
		put(tree_root, rel, eq + 1);
	}
	setenv("GSCHED_CGROUP_ROOT", tree_root, 1);
}

START_TEST(test_cgroup_trees)
{
	const struct tree *t = &trees[_i];
	double limit = -1;

	make_tree(t);
	int r = gs__os_cgroup_cpu_limit(&limit);
	rm_tree(tree_root);
	ck_assert_msg(r == t->want, "%s: got %d (limit %g), want %d", t->name, r, limit, t->want);
	if (r == 1 && !(limit > t->limit - 1e-9 && limit < t->limit + 1e-9))
		ck_abort_msg("%s: limit %g, want %g", t->name, limit, t->limit);
}
END_TEST

/* The public call says the same, GS_EINVAL for a malformed file. */
START_TEST(test_cgroup_public)
{
	double limit = -1;

	make_tree(&trees[1]);
	ck_assert_int_eq(gs_cgroup_cpu_limit(&limit), 1);
	ck_assert(limit > 2.49 && limit < 2.51);
	ck_assert_int_eq(gs_cgroup_cpu_limit(NULL), GS_EINVAL);
	rm_tree(tree_root);
	make_tree(&trees[2]);
	ck_assert_int_eq(gs_cgroup_cpu_limit(&limit), 0);
	rm_tree(tree_root);
	make_tree(&trees[14]);
	ck_assert_int_eq(gs_cgroup_cpu_limit(&limit), GS_EINVAL);
	rm_tree(tree_root);
}
END_TEST

/* Go's parseV2Limit: "QUOTA PERIOD\n", "max PERIOD\n". */
START_TEST(test_parse_cpu_max)
{
	static const struct {
		const char *text;
		int want;
		double limit;
	} cases[] = {
		{ "150000 100000\n", 1, 1.5 }, { "50000 100000\n", 1, 0.5 },
		{ "400000 100000\n", 1, 4.0 }, { "max 100000\n", 0, 0 },
		{ "max\n", -1, 0 },         /* no space */
		{ "400000 100000", -1, 0 }, /* no newline after the period */
		{ "garbage", -1, 0 }, { "", -1, 0 },
		{ "100000 0\n", -1, 0 }, /* a period the kernel never writes */
		{ "12x 100000\n", -1, 0 }, { "+5 100000\n", -1, 0 }, /* Go's Atoi64 takes no '+' */
		{ " 5 100000\n", -1, 0 },
		{ "-50000 100000\n", 1, -0.5 }, /* Atoi64 takes '-': the rule then gives 2 */
		{ "99999999999999999999 100000\n", -1, 0 }, /* beyond int64 */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		double l = 0;
		int r = gs__parse_cpu_max(cases[i].text, &l);
		if (r != cases[i].want ||
		    (r == 1 && (l < cases[i].limit - 1e-9 || l > cases[i].limit + 1e-9)))
			ck_abort_msg("'%s': %d (%g), want %d (%g)", cases[i].text, r, l,
			    cases[i].want, cases[i].limit);
	}
}
END_TEST

/* ---- the default GOMAXPROCS and its updates ------------------------------------------------- */

struct run {
	int start;         /* GOMAXPROCS when main began */
	int seen;          /* ... at the end of main's wait */
	int narrow;        /* main narrows the affinity mask to this many CPUs (0: no) */
	int set;           /* main calls gs_set_gomaxprocs(set) first (0: no) */
	const char *write; /* main writes this to the tree's file rel ... */
	const char *rel;   /* ... */
	int until;         /* main waits for GOMAXPROCS == until, or */
	int64_t wait_ns;   /* this long */
};

/* Every thread of the process onto the first n CPUs of the mask. */
static void
narrow_affinity(int n)
{
	cpu_set_t all, set;

	ck_assert_int_eq(sched_getaffinity(0, sizeof all, &all), 0);
	CPU_ZERO(&set);
	for (int c = 0, k = 0; c < CPU_SETSIZE && k < n; c++)
		if (CPU_ISSET(c, &all)) {
			CPU_SET(c, &set);
			k++;
		}
	DIR *d = opendir("/proc/self/task");
	ck_assert_ptr_nonnull(d);
	for (struct dirent *e; (e = readdir(d)) != NULL;)
		if (e->d_name[0] != '.')
			sched_setaffinity(atoi(e->d_name), sizeof set, &set);
	closedir(d);
}

static void
busy(void *arg)
{
	_Atomic bool *stop = arg;

	while (!atomic_load(stop)) {
		tu_spin_ns(500 * 1000);
		gs_yield();
	}
}

static void
run_main(void *arg)
{
	struct run *r = arg;

	r->start = gs_gomaxprocs();
	if (r->set)
		gs_set_gomaxprocs(r->set);
	if (r->narrow)
		narrow_affinity(r->narrow);
	if (r->write)
		put(tree_root, r->rel, r->write);
	/* A goroutine keeps a P busy meanwhile: sysmon looks while the program
	 * runs, and may rest while every P is idle, as Go's does. */
	static _Atomic bool stop;
	atomic_store(&stop, false);
	gs_go(busy, &stop);
	int64_t end = gs_nanotime() + r->wait_ns;
	while (gs_gomaxprocs() != r->until && gs_nanotime() < end)
		gs_sleep(20 * 1000 * 1000);
	r->seen = gs_gomaxprocs();
	atomic_store(&stop, true);
}

static void
run(struct run *r, const char *debug)
{
	if (debug)
		setenv("GSCHED_DEBUG", debug, 1);
	else
		unsetenv("GSCHED_DEBUG");
	gs_config cfg = { .procs = 0 };
	ck_assert_int_eq(gs_run(run_main, r, &cfg), 0);
}

/* The starting GOMAXPROCS from each kind of tree: the limit rounded up, not
 * below 2, not above the CPUs; none with containermaxprocs=0 or GOMAXPROCS. */
START_TEST(test_default_gomaxprocs)
{
	int ncpu = gs_numcpu(), all = ncpu > 256 ? 256 : ncpu;
	int two = ncpu < 2 ? ncpu : 2;
	struct run r = { .wait_ns = 0 };

	unsetenv("GOMAXPROCS");
	make_tree(&trees[0]); /* 1.5 */
	run(&r, NULL);
	ck_assert_int_eq(r.start, two);
	run(&r, "containermaxprocs=0");
	ck_assert_int_eq(r.start, all);
	setenv("GOMAXPROCS", "7", 1);
	run(&r, NULL);
	ck_assert_int_eq(r.start, 7);
	unsetenv("GOMAXPROCS");
	rm_tree(tree_root);
	make_tree(&trees[3]); /* 3 */
	run(&r, NULL);
	ck_assert_int_eq(r.start, ncpu < 3 ? ncpu : 3);
	rm_tree(tree_root);
	make_tree(&trees[2]); /* none */
	run(&r, NULL);
	ck_assert_int_eq(r.start, all);
	rm_tree(tree_root);
	make_tree(&trees[14]); /* malformed: none */
	run(&r, NULL);
	ck_assert_int_eq(r.start, all);
	rm_tree(tree_root);
	if (ncpu <= 2)
		fprintf(stderr, "note: %s: %d CPUs: the limits here cannot lower GOMAXPROCS\n",
		    __func__, ncpu);
}
END_TEST

/* The two settings take 0 or 1, as the others of GSCHED_DEBUG. */
START_TEST(test_debug_values)
{
	static const char *bad[] = { "updatemaxprocs=2", "containermaxprocs=x",
		"updatemaxprocs=", "containermaxprocs=-1" };
	gs_config cfg = { .procs = 0 };
	struct run r = { .wait_ns = 0 };

	unsetenv("GSCHED_CGROUP_ROOT");
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		setenv("GSCHED_DEBUG", bad[i], 1);
		int rc = gs_run(run_main, &r, &cfg);
		if (rc != GS_EINVAL)
			ck_abort_msg("GSCHED_DEBUG=%s: gs_run %d, want GS_EINVAL", bad[i], rc);
	}
	run(&r, "updatemaxprocs=1,containermaxprocs=1");
	run(&r, "updatemaxprocs=0,containermaxprocs=0");
}
END_TEST

/* sysmon reads the affinity mask again, as Go's defaultGOMAXPROCS does every
 * second: narrowed to one CPU, GOMAXPROCS follows to 1. */
START_TEST(test_update_follows_affinity)
{
	struct run r = { .narrow = 1, .until = 1, .wait_ns = TU_SEC(20) };
	int ncpu = gs_numcpu();

	if (ncpu < 2) {
		TU_SKIP("one CPU: the mask cannot narrow");
		return;
	}
	unsetenv("GOMAXPROCS");
	unsetenv("GSCHED_CGROUP_ROOT");
	run(&r, NULL);
	ck_assert_int_eq(r.start, ncpu > 256 ? 256 : ncpu);
	ck_assert_int_eq(r.seen, 1);
}
END_TEST

/*
 * No update once GOMAXPROCS is set or with updatemaxprocs=0.  Main waits 3.5 s,
 * three of sysmon's looks, for a change that must not come (a slow machine
 * can only make this pass without sysmon having looked, never fail; the
 * positive case is test_update_follows_affinity).
 */
START_TEST(test_update_not_when_set)
{
	int ncpu = gs_numcpu() > 256 ? 256 : gs_numcpu();

	if (ncpu < 2) {
		TU_SKIP("one CPU: the mask cannot narrow");
		return;
	}
	unsetenv("GSCHED_CGROUP_ROOT");
	unsetenv("GOMAXPROCS");
	/* _i 0: gs_set_gomaxprocs to the value it has (Go's GOMAXPROCS(n) with
	 * n == current still marks it set); 1: GSCHED_DEBUG=updatemaxprocs=0;
	 * 2: the GOMAXPROCS variable. */
	struct run r = { .narrow = 1, .until = 1, .wait_ns = 3500 * 1000 * 1000LL };
	if (_i == 0)
		r.set = ncpu;
	if (_i == 2)
		setenv("GOMAXPROCS", "2", 1);
	run(&r, _i == 1 ? "updatemaxprocs=0" : NULL);
	ck_assert_int_eq(r.seen, r.start);
}
END_TEST

/* A quota that changes while the program runs: GOMAXPROCS follows (where the
 * CPUs let a limit lower it). */
START_TEST(test_update_follows_quota)
{
	int ncpu = gs_numcpu();

	if (ncpu < 3) {
		TU_SKIP("%d CPUs: a limit cannot lower GOMAXPROCS below 2", ncpu);
		return;
	}
	unsetenv("GOMAXPROCS");
	make_tree(&trees[6]); /* max */
	struct run r = { .write = "150000 100000\n",
		.rel = "sys/fs/cgroup/cpu.max",
		.until = 2,
		.wait_ns = TU_SEC(20) };
	run(&r, NULL);
	rm_tree(tree_root);
	ck_assert_int_eq(r.start, ncpu > 256 ? 256 : ncpu);
	ck_assert_int_eq(r.seen, 2);
}
END_TEST

/* ---- a real cgroup -------------------------------------------------------------------------- */

static bool
write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		return false;
	bool ok = fputs(text, f) >= 0;
	return fclose(f) == 0 && ok;
}

/*
 * A cgroup of our own under this process's, with a quota of 1.5 CPUs and
 * then 0.5: the runtime finds it through /proc/self/cgroup and mountinfo,
 * and reads the new quota through the files it keeps open.
 */
START_TEST(test_real_cgroup)
{
	char dir[8192], sub[8300], path[8400], pid[32];
	int version = gs__cgroup_find(dir, sizeof dir);

	unsetenv("GSCHED_CGROUP_ROOT");
	unsetenv("GOMAXPROCS");
	if (version <= 0) {
		TU_SKIP("not in a CPU cgroup");
		return;
	}
	snprintf(sub, sizeof sub, "%s/gsched-check-%d", dir, (int)getpid());
	if (mkdir(sub, 0755) != 0) {
		TU_SKIP("cannot make a cgroup in %s: %s", dir, strerror(errno));
		return;
	}
	const char *qfile = version == 1 ? "cpu.cfs_quota_us" : "cpu.max";
	snprintf(path, sizeof path, "%s/%s", sub, qfile);
	if (access(path, W_OK) != 0) {
		rmdir(sub);
		TU_SKIP("no writable %s in a new cgroup (cpu controller not enabled for "
			"children of %s)",
		    qfile, dir);
		return;
	}
	snprintf(pid, sizeof pid, "%d\n", (int)getpid());
	snprintf(path, sizeof path, "%s/cgroup.procs", sub);
	if (!write_text(path, pid)) {
		rmdir(sub);
		TU_SKIP("cannot move into %s: %s", sub, strerror(errno));
		return;
	}
	snprintf(path, sizeof path, "%s/%s", sub, qfile);
	bool ok1 = write_text(path, version == 1 ? "150000\n" : "150000 100000\n");
	if (version == 1) {
		char per[8400];
		snprintf(per, sizeof per, "%s/cpu.cfs_period_us", sub);
		ok1 = ok1 && write_text(per, "100000\n");
	}
	gs__cgroup_cpu c;
	double l1 = -1, l2 = -1;
	int r1 = -9, r2 = -9, open = gs__cgroup_open(&c);
	if (open == 0)
		r1 = gs__cgroup_read(&c, &l1);
	bool ok2 = write_text(path, version == 1 ? "50000\n" : "50000 100000\n");
	if (open == 0)
		r2 = gs__cgroup_read(&c, &l2);
	gs__cgroup_close(&c);
	struct run r = { .wait_ns = 0 };
	run(&r, NULL);
	/* Back out, then check: the cgroup goes whatever the result. */
	snprintf(path, sizeof path, "%s/cgroup.procs", dir);
	write_text(path, pid);
	rmdir(sub);
	ck_assert(ok1 && ok2);
	ck_assert_int_eq(open, 0);
	ck_assert_int_eq(r1, 1);
	ck_assert_msg(l1 > 1.49 && l1 < 1.51, "limit %g", l1);
	ck_assert_int_eq(r2, 1);
	ck_assert_msg(l2 > 0.49 && l2 < 0.51, "limit %g", l2);
	/* 0.5 CPUs: GOMAXPROCS 2, or the CPUs if fewer. */
	ck_assert_int_eq(r.start, gs_numcpu() < 2 ? gs_numcpu() : 2);
	fprintf(stderr, "note: %s: a real cgroup v%d in %s\n", __func__, version, dir);
}
END_TEST

static Suite *
cgroup_suite(void)
{
	Suite *s = suite_create("cgroup");
	TCase *tc;

	tc = tu_tcase("limit", 30);
	tcase_add_loop_test(tc, test_cgroup_trees, 0, sizeof trees / sizeof trees[0]);
	tcase_add_test(tc, test_cgroup_public);
	tcase_add_test(tc, test_parse_cpu_max);
	tcase_add_test(tc, test_real_cgroup);
	suite_add_tcase(s, tc);

	tc = tu_tcase("gomaxprocs", 60);
	tcase_add_test(tc, test_default_gomaxprocs);
	tcase_add_test(tc, test_debug_values);
	tcase_add_test(tc, test_update_follows_affinity);
	tcase_add_loop_test(tc, test_update_not_when_set, 0, 3);
	tcase_add_test(tc, test_update_follows_quota);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run_suite(cgroup_suite());
}
