/*
 * uuid5.c - version 5 UUIDs over Nettle's SHA-1.
 */
#include <emmintrin.h>
#include <nettle/sha1.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "uuid5.h"
#include "banned.h"

/* The state after a namespace's 16 bytes: a key starts from a copy. */
struct prefix {
	unsigned char ns[16];
	struct sha1_ctx ctx;
};

void uuid5_init(struct uuid5 *u)
{
	u->pre = NULL;
}

void uuid5_free(struct uuid5 *u)
{
	free(u->pre);
	u->pre = NULL;
}

void uuid5_make(struct uuid5 *u, const unsigned char ns[16], const char *name, size_t n, unsigned char out[16])
{
	struct prefix *p = u->pre;
	struct sha1_ctx c;
	unsigned char md[SHA1_DIGEST_SIZE];

	if (!p || memcmp(p->ns, ns, 16)) {
		if (!p)
			u->pre = p = emalloc(sizeof(*p));
		memcpy(p->ns, ns, 16);
		sha1_init(&p->ctx);
		sha1_update(&p->ctx, 16, ns);
	}
	c = p->ctx;
	sha1_update(&c, n, (const unsigned char *)name);
	sha1_digest(&c, sizeof(md), md);
	memcpy(out, md, 16);
	out[6] = (unsigned char)((out[6] & 0x0f) | 0x50);
	out[8] = (unsigned char)((out[8] & 0x3f) | 0x80);
}

int uuid_parse36(const char *s, size_t n, unsigned char out[16])
{
	static const unsigned char at[16] = { 0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34 };
	int i, bad = 0;

	if (n != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-')
		return -1;
	for (i = 0; i < 16; i++) {
		int hi = hexval(s[at[i]]), lo = hexval(s[at[i] + 1]);

		bad |= hi | lo;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return bad < 0 ? -1 : 0;
}

void uuid_format(const unsigned char u[16], char out[37])
{
	/* Sixteen bytes to 32 hex digits in two SSE2 registers, then the
	 * dashes: a key map writes one of these per reference. */
	const __m128i low4 = _mm_set1_epi8(0x0f), nine = _mm_set1_epi8(9);
	const __m128i zero = _mm_set1_epi8('0'), gap = _mm_set1_epi8('a' - '0' - 10);
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)u);
	__m128i hi = _mm_and_si128(_mm_srli_epi16(v, 4), low4), lo = _mm_and_si128(v, low4);
	__m128i a = _mm_unpacklo_epi8(hi, lo), b = _mm_unpackhi_epi8(hi, lo);
	char h[32];

	a = _mm_add_epi8(a, _mm_add_epi8(zero, _mm_and_si128(_mm_cmpgt_epi8(a, nine), gap)));
	b = _mm_add_epi8(b, _mm_add_epi8(zero, _mm_and_si128(_mm_cmpgt_epi8(b, nine), gap)));
	_mm_storeu_si128((__m128i *)(void *)h, a);
	_mm_storeu_si128((__m128i *)(void *)(h + 16), b);
	memcpy(out, h, 8);
	memcpy(out + 9, h + 8, 4);
	memcpy(out + 14, h + 12, 4);
	memcpy(out + 19, h + 16, 4);
	memcpy(out + 24, h + 20, 12);
	out[8] = out[13] = out[18] = out[23] = '-';
	out[36] = '\0';
}
