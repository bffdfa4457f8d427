/*
 * demo.c - the helpers the seed demos share (see demo.h).
 */
#include "demo.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "format/parse.h" /* the program's one duration grammar (Go's) */

static const char *progname = "demo";
static atomic_int failed;

static void
demo_usage(FILE *f, const char *about, const struct demo_flag *flags, int nflags)
{
	char d[32];
	int i;

	fprintf(f, "usage: %s", progname);
	for (i = 0; i < nflags; i++)
		fprintf(f, " [-%c %s]", flags[i].name, flags[i].duration ? "DURATION" : "N");
	fprintf(f, "\n%s\n", about);
	for (i = 0; i < nflags; i++) {
		if (flags[i].duration)
			fprintf(f, "  -%c DURATION  %s (default %s)\n", flags[i].name,
			    flags[i].what, demo_dur(d, sizeof(d), *flags[i].value));
		else
			fprintf(f, "  -%c N  %s, %" PRId64 "..%" PRId64 " (default %" PRId64 ")\n",
			    flags[i].name, flags[i].what, flags[i].min, flags[i].max,
			    *flags[i].value);
	}
}

void
demo_flags(int argc, char **argv, const char *about, struct demo_flag *flags, int nflags)
{
	const char *slash = strrchr(argv[0], '/');
	struct demo_flag *fl;
	int64_t v;
	int i, k;

	progname = slash != NULL ? slash + 1 : argv[0];
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			demo_usage(stdout, about, flags, nflags);
			exit(0);
		}
		fl = NULL;
		for (k = 0; k < nflags; k++)
			if (argv[i][0] == '-' && argv[i][1] == flags[k].name && argv[i][2] == '\0')
				fl = &flags[k];
		if (fl == NULL) {
			fprintf(stderr, "%s: unknown argument '%s'\n", progname, argv[i]);
			demo_usage(stderr, about, flags, nflags);
			exit(2);
		}
		if (++i == argc) {
			fprintf(stderr, "%s: -%c needs a value\n", progname, fl->name);
			exit(2);
		}
		bool ok;
		if (fl->duration) {
			ok = parse_duration(argv[i], fl->min, fl->max, &v);
		} else {
			long long n;
			ok = parse_ll(argv[i], fl->min, fl->max, &n);
			v = n;
		}
		if (!ok) {
			char lo[32], hi[32];

			if (fl->duration)
				fprintf(stderr,
				    "%s: invalid duration '%s' for -%c (%s): expected "
				    "%s..%s, written like 250us, 1.5ms or 2s\n",
				    progname, argv[i], fl->name, fl->what,
				    demo_dur(lo, sizeof(lo), fl->min),
				    demo_dur(hi, sizeof(hi), fl->max));
			else
				fprintf(stderr,
				    "%s: invalid value '%s' for -%c (%s): expected an "
				    "integer %" PRId64 "..%" PRId64 "\n",
				    progname, argv[i], fl->name, fl->what, fl->min, fl->max);
			exit(2);
		}
		*fl->value = v;
	}
}

int64_t
demo_now(void)
{
	return gs_nanotime();
}

/* whole.frac with the fraction's trailing zeros dropped (Go's fmtFrac). */
static int
put_frac(char *buf, size_t size, int64_t v, int64_t unit, const char *suffix)
{
	char frac[16];
	int digits = 0, len;
	int64_t u;

	for (u = unit; u > 1; u /= 10)
		digits++;
	len = snprintf(frac, sizeof(frac), "%0*" PRId64, digits, v % unit);
	while (len > 0 && frac[len - 1] == '0')
		frac[--len] = '\0';
	return snprintf(buf, size, "%" PRId64 "%s%s%s", v / unit, len > 0 ? "." : "", frac, suffix);
}

const char *
demo_dur(char *buf, size_t size, int64_t ns)
{
	int n = 0;

	if (ns < 0) {
		n = snprintf(buf, size, "-");
		ns = -ns;
	}
	if (ns == 0)
		snprintf(buf + n, size - (size_t)n, "0s");
	else if (ns < 1000)
		snprintf(buf + n, size - (size_t)n, "%" PRId64 "ns", ns);
	else if (ns < 1000000)
		put_frac(buf + n, size - (size_t)n, ns, 1000, "\xc2\xb5s");
	else if (ns < 1000000000)
		put_frac(buf + n, size - (size_t)n, ns, 1000000, "ms");
	else if (ns < 60000000000LL)
		put_frac(buf + n, size - (size_t)n, ns, 1000000000, "s");
	else {
		n += snprintf(buf + n, size - (size_t)n, "%" PRId64 "m",
		    (int64_t)(ns / 60000000000LL));
		put_frac(buf + n, size - (size_t)n, (int64_t)(ns % 60000000000LL), 1000000000, "s");
	}
	return buf;
}

const char *
demo_commas(char *buf, size_t size, long long n)
{
	char digits[32];
	size_t len, i, o = 0;

	len = (size_t)snprintf(digits, sizeof(digits), "%lld", n < 0 ? -n : n);
	if (n < 0 && o + 1 < size)
		buf[o++] = '-';
	for (i = 0; i < len && o + 1 < size; i++) {
		if (i > 0 && (len - i) % 3 == 0 && o + 2 < size)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
	return buf;
}

long
demo_status(const char *key)
{
	char buf[4096], *p;
	size_t len = 0, keylen = strlen(key);
	ssize_t got;
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	while (len < sizeof(buf) - 1 && (got = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)got;
	close(fd);
	buf[len] = '\0';
	for (p = buf; p != NULL; p = strchr(p + 1, '\n')) {
		if (*p == '\n')
			p++;
		if (strncmp(p, key, keylen) == 0)
			return strtol(p + keylen, NULL, 10);
	}
	return -1;
}

int
demo_nofile(long need)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return -1;
	if (rl.rlim_cur >= (rlim_t)need)
		return 0;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < (rlim_t)need)
		return -1;
	rl.rlim_cur = (rlim_t)need;
	return setrlimit(RLIMIT_NOFILE, &rl);
}

uint64_t
demo_spin(uint64_t seed, int64_t iters)
{
	uint64_t sum = seed;
	int64_t j;

	for (j = 0; j < iters; j++)
		sum += (uint64_t)j ^ (sum >> 7);
	return sum;
}

void
demo_note_peak(atomic_long *peak, long v)
{
	long p = atomic_load(peak);

	while (v > p && !atomic_compare_exchange_weak(peak, &p, v))
		;
}

/* A TCP listener on 127.0.0.1 (any port), registered with the netpoller. */
static int
demo_listen(int *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int fd, rc;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 || listen(fd, SOMAXCONN) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) != 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	rc = gs_fd_open(fd);
	if (rc < 0) {
		close(fd);
		return rc;
	}
	*port = ntohs(sin.sin_port);
	return fd;
}

/* Connect, send req, read the answer until the server closes (NUL-terminated).
 * Returns the bytes read or a negative code. */
static ssize_t
demo_http_get(int port, const char *req, char *resp, size_t size)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	size_t len = 0;
	ssize_t got;
	int fd, rc;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)port);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	rc = gs_fd_open(fd);
	if (rc < 0) {
		close(fd);
		return rc;
	}
	rc = gs_fd_connect(fd, (struct sockaddr *)&sin, sizeof(sin));
	if (rc == 0)
		rc = (int)gs_fd_write(fd, req, strlen(req));
	while (rc >= 0 && len + 1 < size) {
		got = gs_fd_read(fd, resp + len, size - 1 - len);
		if (got <= 0) {
			rc = (int)got;
			break;
		}
		len += (size_t)got;
	}
	resp[len] = '\0';
	gs_fd_close(fd);
	return rc < 0 ? rc : (ssize_t)len;
}

/* Read a request up to its blank line: bytes read, or a negative code. */
static ssize_t
demo_read_request(int fd, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t got;

	while (len + 1 < size) {
		got = gs_fd_read(fd, buf + len, size - 1 - len);
		if (got < 0)
			return got;
		if (got == 0)
			return GS_EINVAL;
		len += (size_t)got;
		buf[len] = '\0';
		if (strstr(buf, "\r\n\r\n") != NULL)
			return (ssize_t)len;
	}
	return GS_EINVAL;
}

int
demo_reply(int fd, const char *reply)
{
	ssize_t n = gs_fd_write(fd, reply, strlen(reply));

	gs_fd_close(fd);
	return n < 0 ? (int)n : 0;
}

static struct demo_server *server; /* one per demo */

static void
server_conn_g(void *arg)
{
	int fd = (int)(intptr_t)arg;
	char req[512];

	if (demo_read_request(fd, req, sizeof(req)) < 0) {
		gs_fd_close(fd);
		atomic_fetch_add(&server->failed, 1);
	} else {
		server->handle(fd);
	}
	gs_wg_done(&server->conns);
}

static void
server_accept_g(void *arg)
{
	struct demo_server *s = arg;
	int64_t i;
	int fd;

	for (i = 0; i < s->n; i++) {
		fd = gs_fd_accept(s->listen_fd, NULL, NULL);
		if (fd < 0) {
			demo_fail("accept: %s", gs_strerror(fd));
			break;
		}
		gs_wg_add(&s->conns, 1);
		if (gs_go(server_conn_g, (void *)(intptr_t)fd) < 0) {
			demo_fail("gs_go");
			gs_fd_close(fd);
			gs_wg_done(&s->conns);
		}
		demo_note_peak(&s->goroutines_peak, gs_numgoroutine());
	}
	gs_wg_done(&s->conns);
}

int
demo_server_start(struct demo_server *s)
{
	s->listen_fd = demo_listen(&s->port);
	if (s->listen_fd < 0)
		return s->listen_fd;
	server = s;
	gs_wg_add(&s->conns, 1);
	if (gs_go(server_accept_g, s) < 0) {
		gs_wg_done(&s->conns);
		return GS_ENOMEM;
	}
	return 0;
}

static void
server_client_g(void *arg)
{
	struct demo_server *s = arg;
	char resp[512];
	ssize_t n;

	n = demo_http_get(s->port, s->request, resp, sizeof(resp));
	/* "HTTP/1.1 NNN ": count the answer by the status code's class */
	if (n > 13 && strncmp(resp, "HTTP/1.1 ", 9) == 0 && resp[9] >= '1' && resp[9] <= '5')
		atomic_fetch_add(&s->answers[resp[9] - '0'], 1);
	else
		atomic_fetch_add(&s->failed, 1);
	gs_wg_done(&s->clients);
}

void
demo_server_run(struct demo_server *s)
{
	int64_t i;

	for (i = 0; i < s->n; i++) {
		gs_wg_add(&s->clients, 1);
		if (gs_go(server_client_g, s) < 0) {
			demo_fail("gs_go");
			gs_wg_done(&s->clients);
		}
	}
	gs_wg_wait(&s->clients);
	gs_wg_wait(&s->conns);
}

void
demo_server_stop(struct demo_server *s)
{
	gs_fd_close(s->listen_fd);
	server = NULL;
}

void
demo_fail(const char *fmt, ...)
{
	va_list ap;

	atomic_store(&failed, 1);
	fflush(stdout);
	fprintf(stderr, "%s: FAILED: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int
demo_run(void (*main_fn)(void *arg), void *arg, int procs)
{
	gs_config cfg = { .procs = procs };
	int rc = gs_run(main_fn, arg, &cfg);

	if (rc < 0) {
		fprintf(stderr, "%s: gs_run: %s\n", progname, gs_strerror(rc));
		return 1;
	}
	if (fflush(stdout) != 0)
		return 1;
	return atomic_load(&failed) ? 1 : 0;
}
