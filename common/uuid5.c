/*
 * uuid5.c - version 5 UUIDs over OpenSSL's SHA-1.
 */
#include <openssl/evp.h>
#include <string.h>

#include "util.h"
#include "uuid5.h"
#include "banned.h"

void uuid5_init(struct uuid5 *u)
{
	u->ctx = EVP_MD_CTX_new();
	u->md = EVP_MD_fetch(NULL, "SHA1", NULL);
	if (!u->ctx || !u->md)
		die(MIG_EXIT_SYSTEM, "OpenSSL has no SHA-1 for UUID v5 keys");
}

void uuid5_free(struct uuid5 *u)
{
	EVP_MD_CTX_free(u->ctx);
	EVP_MD_free(u->md);
	u->ctx = u->md = NULL;
}

void uuid5_make(struct uuid5 *u, const unsigned char ns[16], const char *name, size_t n, unsigned char out[16])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned len;

	if (!EVP_DigestInit_ex(u->ctx, u->md, NULL) || !EVP_DigestUpdate(u->ctx, ns, 16) ||
	    !EVP_DigestUpdate(u->ctx, name, n) || !EVP_DigestFinal_ex(u->ctx, md, &len))
		die(MIG_EXIT_SYSTEM, "OpenSSL's SHA-1 failed");
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
