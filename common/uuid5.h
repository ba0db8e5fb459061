/*
 * uuid5.h - name-based UUIDs (RFC 9562 version 5: SHA-1 of a namespace
 * UUID and a name), for mig-map's uuid5() and mig-rekey's uuid5 keys, and
 * the parse of a UUID's text that they and mig-load's binary COPY share.
 *
 * One digest context is kept for a run and reused for every key: the
 * SHA-1 is OpenSSL's, about twice libuuid's speed per key, and a context
 * made once costs nothing per key.  uuid5_free releases it.
 */
#ifndef MIG_UUID5_H
#define MIG_UUID5_H

#include <stddef.h>

struct uuid5 {
	void *ctx;		/* EVP_MD_CTX */
	void *md;		/* EVP_MD, SHA-1 */
};

void uuid5_init(struct uuid5 *u);
void uuid5_free(struct uuid5 *u);
/* The version 5 UUID of name (n bytes) in namespace ns. */
void uuid5_make(struct uuid5 *u, const unsigned char ns[16], const char *name, size_t n, unsigned char out[16]);

/* Parse 8-4-4-4-12 hex (either case); 0 or -1. */
int uuid_parse36(const char *s, size_t n, unsigned char out[16]);

#endif
