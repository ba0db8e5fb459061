/*
 * uuid5.c - version 5 UUIDs over Nettle's SHA-1.
 */
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
