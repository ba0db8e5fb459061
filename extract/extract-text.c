/*
 * extract-text.c - the text of values that drivers share: doubles that read
 * back the same, bytes as \\x hex (mig-stream(5)).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "extract.h"
#include "util.h"
#include "banned.h"

void x_double(struct buf *b, double d)
{
	char tmp[40];
	int prec;

	if (isnan(d)) {
		buf_adds(b, "NaN");
		return;
	}
	if (isinf(d)) {
		buf_adds(b, d < 0 ? "-Infinity" : "Infinity");
		return;
	}
	for (prec = 15; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*g", prec, d);
		if (strtod(tmp, NULL) == d)
			break;
	}
	buf_adds(b, tmp);
}

void x_hex(struct buf *b, const void *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = p;
	size_t i;

	buf_grow(b, 2 + 2 * n);
	b->buf[b->len++] = '\\';
	b->buf[b->len++] = 'x';
	for (i = 0; i < n; i++) {
		b->buf[b->len++] = hex[s[i] >> 4];
		b->buf[b->len++] = hex[s[i] & 15];
	}
	b->buf[b->len] = '\0';
}
