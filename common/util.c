#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"
#include "banned.h"

const char *argv0 = "mig";

static void vmsg(const char *fmt, va_list ap)
{
	int saved = errno;
	size_t n = strlen(fmt);

	fflush(stdout);
	fprintf(stderr, "%s: ", argv0);
	vfprintf(stderr, fmt, ap);
	if (n && fmt[n - 1] == ':')
		fprintf(stderr, " %s", strerror(saved));
	fputc('\n', stderr);
}

void die(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	exit(code);
}

void warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

int error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	return -1;
}

void *emalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		die(MIG_EXIT_SYSTEM, "out of memory");
	return p;
}

void *ecalloc(size_t n, size_t m)
{
	void *p = calloc(n ? n : 1, m ? m : 1);

	if (!p)
		die(MIG_EXIT_SYSTEM, "out of memory");
	return p;
}

void *erealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die(MIG_EXIT_SYSTEM, "out of memory");
	return p;
}

void *ereallocarray(void *p, size_t n, size_t m)
{
	if (m && n > SIZE_MAX / m)
		die(MIG_EXIT_SYSTEM, "out of memory");
	return erealloc(p, n * m);
}

char *estrdup(const char *s)
{
	return estrndup(s, strlen(s));
}

char *estrndup(const char *s, size_t n)
{
	char *p = emalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

int strtonum_ok(const char *s, long long min, long long max, long long *out)
{
	char *end;
	long long v;

	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

long long estrtonum(const char *s, long long min, long long max, const char *what)
{
	long long v;

	if (strtonum_ok(s, min, max, &v) < 0)
		die(MIG_EXIT_USAGE, "invalid %s '%s': expected a number from %lld to %lld",
		    what, s, min, max);
	return v;
}

void fshut(FILE *fp, const char *name)
{
	int bad = 0;

	if (fflush(fp) == EOF)
		bad = 1;
	if (ferror(fp))
		bad = 1;
	if (fclose(fp) == EOF)
		bad = 1;
	if (bad)
		die(MIG_EXIT_SYSTEM, "%s: write error:", name);
}

void print_version(void)
{
	printf("%s (mig) %s\n", argv0, MIG_VERSION);
	fshut(stdout, "<stdout>");
	exit(0);
}

int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

void each_rule_line(const char *path, void (*fn)(char *line, const char *where, void *arg), void *arg)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL, where[4096];
	size_t cap = 0;
	unsigned long n = 0;
	ssize_t len;

	if (!fp)
		die(MIG_EXIT_USAGE, "%s: cannot open:", path);
	while ((len = getline(&line, &cap, fp)) >= 0) {
		char *p = line;

		n++;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (len > 0 && line[len - 1] == '\r')
			line[--len] = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '#')
			continue;
		snprintf(where, sizeof(where), "%s:%lu", path, n);
		/* The whole line, so that column numbers in errors are right. */
		fn(line, where, arg);
	}
	if (ferror(fp))
		die(MIG_EXIT_USAGE, "%s: read error:", path);
	free(line);
	fclose(fp);
}

#define X16 -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1
const signed char hex_digit[256] = {
	X16, X16, X16,
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, -1, -1, -1, -1, -1, -1,
	-1, 10, 11, 12, 13, 14, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1, X16,
	-1, 10, 11, 12, 13, 14, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1, X16,
	X16, X16, X16, X16, X16, X16, X16, X16,
};
#undef X16

void pipe_widen(int fd)
{
	struct stat st;

	/*
	 * A pipe holds 64 KiB by default: a writer flushing 256 KiB at a time
	 * then blocks and wakes the reader four times per flush.  1 MiB (the
	 * default pipe-max-size, so no privilege needed) lets each flush and
	 * each read go in one call; if the kernel refuses, the pipe stays.
	 */
	if (fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode))
		(void)fcntl(fd, F_SETPIPE_SZ, 1 << 20);
}
