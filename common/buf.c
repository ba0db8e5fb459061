#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "buf.h"
#include "util.h"
#include "banned.h"

/* Shared terminator for buffers that own nothing yet; never written to. */
char buf_empty[1];

void buf_init(struct buf *b)
{
	b->buf = buf_empty;
	b->len = b->alloc = 0;
}

void buf_release(struct buf *b)
{
	if (b->alloc)
		free(b->buf);
	buf_init(b);
}

void buf_grow(struct buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	size_t n;

	if (need <= b->alloc)
		return;
	n = b->alloc ? b->alloc : 64;
	while (n < need)
		n = n < SIZE_MAX / 2 ? n * 2 : need;
	if (!b->alloc) {
		b->buf = emalloc(n);
		b->buf[0] = '\0';
	} else {
		b->buf = erealloc(b->buf, n);
	}
	b->alloc = n;
}

char *buf_detach(struct buf *b, size_t *len)
{
	char *p;

	if (!b->alloc)
		buf_grow(b, 0);
	p = b->buf;
	if (len)
		*len = b->len;
	buf_init(b);
	return p;
}

void buf_add(struct buf *b, const void *p, size_t n)
{
	buf_grow(b, n);
	memcpy(b->buf + b->len, p, n);
	b->len += n;
	b->buf[b->len] = '\0';
}

void buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(b->buf + b->len, b->alloc ? b->alloc - b->len : 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		die(MIG_EXIT_SYSTEM, "vsnprintf failed");
	if (b->len + (size_t)n + 1 > b->alloc) {
		buf_grow(b, (size_t)n);
		vsnprintf(b->buf + b->len, b->alloc - b->len, fmt, ap);
	}
	b->len += (size_t)n;
}

void buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(b, fmt, ap);
	va_end(ap);
}

int buf_error(struct buf *err, const char *fmt, ...)
{
	va_list ap;

	buf_reset(err);
	va_start(ap, fmt);
	buf_vaddf(err, fmt, ap);
	va_end(ap);
	return -1;
}

void buf_add_i64(struct buf *b, int64_t v)
{
	char s[24], *p = s + sizeof(s);
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	buf_add(b, p, (size_t)(s + sizeof(s) - p));
}
