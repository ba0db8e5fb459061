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
