/*
 * demo.h - what the seed demos share (demos/demo.c): a small flag parser, Go's
 * way of printing a duration, /proc/self/status fields, thousands separators,
 * and starting the runtime.  The demos use only the public <gsched.h>.
 */
#ifndef GSCHED_DEMO_H
#define GSCHED_DEMO_H

#include <gsched.h>

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* One flag, "-c VALUE": an integer or (duration) a Go duration such as 100ms. */
struct demo_flag {
	char name;        /* the letter after '-' */
	const char *what; /* for the usage line */
	bool duration;    /* value in ns, written 250us, 100ms, 1s ... */
	int64_t min, max;
	int64_t *value; /* holds the default; the flag overwrites it */
};

/*
 * Parse argv against flags[0..nflags).  -h prints the usage and exits 0; a bad
 * flag or value prints what is wrong and exits 2.  about: one line on what the
 * demo does.
 */
void demo_flags(int argc, char **argv, const char *about, struct demo_flag *flags, int nflags);

/* Monotonic nanoseconds. */
int64_t demo_now(void);

/* ns as Go's time.Duration prints it: 1.5s, 12.345ms, 250µs, 800ns, 1m2.5s. */
const char *demo_dur(char *buf, size_t size, int64_t ns);

/* n with thousands separators, as the seed writes 100,000. */
const char *demo_commas(char *buf, size_t size, long long n);

/* The number after key ("Threads:", "VmRSS:" in kB) in /proc/self/status, or -1. */
long demo_status(const char *key);

/* Raise RLIMIT_NOFILE to at least need descriptors; 0, or -1 if it cannot. */
int demo_nofile(long need);

/* A CPU loop of iters steps that the compiler cannot fold away. */
uint64_t demo_spin(uint64_t seed, int64_t iters);

/* Anything that should make the demo exit 1: prints "demo: FAILED: ..." now. */
void demo_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- a loopback HTTP-ish server and its client (ratelimit, workerpool) ---- */

/* Raise *peak to v if v is larger. */
void demo_note_peak(atomic_long *peak, long v);

/* Write the whole reply and close the connection: 0 or a negative code. */
int demo_reply(int fd, const char *reply);

/*
 * One server per demo.  demo_server_start listens on 127.0.0.1 (any port) and
 * starts the accept loop, which serves n connections, each on its own
 * goroutine: it reads the request up to its blank line, then calls handle(fd),
 * which must answer (demo_reply) or hand fd on to someone who will.
 * demo_server_run then starts n client goroutines at once, each sending request
 * and reading the answer, and returns when the clients and the connection
 * goroutines are done; answers are counted by status class.  Goroutine only.
 */
struct demo_server {
	int64_t n;
	void (*handle)(int fd);
	const char *request;
	/* filled in: */
	int listen_fd, port;
	gs_waitgroup conns; /* the accept loop and the connection goroutines */
	gs_waitgroup clients;
	atomic_long goroutines_peak; /* the most goroutines seen while accepting */
	atomic_long answers[6];      /* [code / 100] of the answers the clients got */
	atomic_long failed;          /* requests with no well-formed answer */
};

int demo_server_start(struct demo_server *s); /* 0 or a negative code */
void demo_server_run(struct demo_server *s);
void demo_server_stop(struct demo_server *s);

/*
 * gs_run(main_fn, arg) with GOMAXPROCS procs (0: the default).  Returns the
 * process exit status: 1 if the runtime could not start or demo_fail was called,
 * else 0.
 */
int demo_run(void (*main_fn)(void *arg), void *arg, int procs);

#endif /* GSCHED_DEMO_H */
