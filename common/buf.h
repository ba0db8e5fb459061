/*
 * buf.h - growable byte buffers.
 *
 * Invariant: buf is always NUL-terminated at len (so it can be handed to C
 * string functions) but the length is tracked, so contents may hold NULs.
 * A buffer initialised with BUF_INIT owns nothing until first growth;
 * buf_release frees and re-initialises, buf_reset keeps the allocation for
 * reuse in a loop, buf_detach hands the allocation to the caller.
 */
#ifndef MIG_BUF_H
#define MIG_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct buf {
	char *buf;
	size_t len, alloc;
};

extern char buf_empty[];
#define BUF_INIT { buf_empty, 0, 0 }

void buf_init(struct buf *b);
void buf_release(struct buf *b);
/* Make room for extra more bytes (plus the terminating NUL). */
void buf_grow(struct buf *b, size_t extra);
char *buf_detach(struct buf *b, size_t *len);
void buf_add(struct buf *b, const void *p, size_t n);
/* The one formatted append: vsnprintf straight into the buffer. */
/* Append v in decimal (printf's %lld, without its cost per call). */
void buf_add_i64(struct buf *b, int64_t v);
void buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vaddf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/*
 * Replace err's contents with the formatted message and return -1: the
 * way library code reports a failure (util.h, "Errors").
 */
int buf_error(struct buf *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static inline void buf_reset(struct buf *b)
{
	b->len = 0;
	b->buf[0] = '\0';
}

static inline void buf_addc(struct buf *b, char c)
{
	if (b->len + 1 >= b->alloc)
		buf_grow(b, 1);
	b->buf[b->len++] = c;
	b->buf[b->len] = '\0';
}

static inline void buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

#endif
