/*
 * util.h - errors, allocation and small helpers shared by every mig tool.
 *
 * Exit codes are a stable contract documented in every man page:
 *   0 success, 1 data or verification failure, 2 usage or system error
 *   (bad option, cannot open, write failed, out of memory),
 *   3 database error (connection refused, statement failed).
 * Diagnostics go to stderr as "mig-TOOL: WHERE: what is wrong".  A format
 * ending in ':' appends strerror(errno).  Row values are never part of a
 * diagnostic unless the tool was asked (--show-values).
 *
 * Errors: the tool layer (a tool's own files) reports with die() (fatal),
 * warn() (carry on, the caller remembers the failure) or "return
 * error(...)" (print, then -1).  Library code (common/, and a stage's
 * drivers called through a table) never prints and never exits, out of
 * memory aside (the e* allocators die): a function that can fail takes a
 * "struct buf *err" last, returns -1 (or another documented negative
 * value) and leaves one message in err, made with "return buf_error(err,
 * ...)" (buf.h).  The message names the place as "file:line[:column]: "
 * or "tag:row: " where it has one, never a row value; the caller adds
 * the program name and decides the exit code.
 */
#ifndef MIG_UTIL_H
#define MIG_UTIL_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

enum {
	MIG_EXIT_OK = 0,
	MIG_EXIT_DATA = 1,
	MIG_EXIT_USAGE = 2,
	MIG_EXIT_SYSTEM = 2,
	MIG_EXIT_DB = 3,
};

#ifndef MIG_VERSION
#define MIG_VERSION "0.1.0"
#endif

/* The program name printed before every diagnostic; set once in main(). */
extern const char *argv0;

#define MIG_PRINTF(a, b) __attribute__((format(printf, a, b)))

/* Print "argv0: msg" and exit with code. */
_Noreturn void die(int code, const char *fmt, ...) MIG_PRINTF(2, 3);
/* Print "argv0: msg" and carry on; the caller records the failure. */
void warn(const char *fmt, ...) MIG_PRINTF(1, 2);
/* Print "argv0: msg" and return -1, for "return error(...)". */
int error(const char *fmt, ...) MIG_PRINTF(1, 2);

/* Allocation that dies (exit 2) rather than returning NULL. */
void *emalloc(size_t n);
void *ecalloc(size_t n, size_t m);
void *erealloc(void *p, size_t n);
void *ereallocarray(void *p, size_t n, size_t m);
char *estrdup(const char *s);
char *estrndup(const char *s, size_t n);

/*
 * Parse a whole decimal number within [min, max]; trailing junk, empty
 * strings and overflow are errors.  estrtonum dies with a usage error
 * naming what, strtonum_ok returns 0 on success and -1 otherwise.
 */
long long estrtonum(const char *s, long long min, long long max, const char *what);
int strtonum_ok(const char *s, long long min, long long max, long long *out);

/* Flush and close a stream; die with exit 2 naming it if anything failed. */
void fshut(FILE *fp, const char *name);

/* Print "mig-TOOL (mig) VERSION" to stdout and exit 0. */
_Noreturn void print_version(void);

/* Write all of buf to fd; -1 with errno on failure. */
int write_all(int fd, const void *buf, size_t len);
/* Make a pipe hold 1 MiB if fd is one; anything else is left alone. */
void pipe_widen(int fd);

/*
 * Read a rules file line by line: call fn for every line that is not blank
 * or a '#' comment (leading blanks allowed), without its newline, and
 * where set to "path:N".  Dies with exit 2 if the file cannot be read.
 */
void each_rule_line(const char *path, void (*fn)(char *line, const char *where, void *arg), void *arg);

/* Value of a hex digit (either case), or -1: a table, as it runs per byte. */
extern const signed char hex_digit[256];
static inline int hexval(int c)
{
	return hex_digit[(unsigned char)c];
}

/* Monotonic seconds, for progress and rates. */
double now_seconds(void);
/* Sleep ms milliseconds (a retry's back-off); a signal cuts it short. */
void sleep_ms(long ms);

#endif
