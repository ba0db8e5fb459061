/*
 * uuid5.h - name-based UUIDs (RFC 9562 version 5: SHA-1 of a namespace
 * UUID and a name), for mig-map's uuid5() and mig-rekey's uuid5 keys, and
 * the parse of a UUID's text that they and mig-load's binary COPY share.
 *
 * The SHA-1 is Nettle's (the CPU's SHA instructions where it has them):
 * a plain struct, so the state after the namespace is kept for the run and
 * each key starts from a copy of it, with nothing allocated per key.
 * uuid5_init starts with no state; uuid5_free releases it.
 */
#ifndef MIG_UUID5_H
#define MIG_UUID5_H

#include <stddef.h>

struct uuid5 {
	void *pre;		/* the last namespace and SHA-1 state after it */
};

void uuid5_init(struct uuid5 *u);
void uuid5_free(struct uuid5 *u);
/* The version 5 UUID of name (n bytes) in namespace ns. */
void uuid5_make(struct uuid5 *u, const unsigned char ns[16], const char *name, size_t n, unsigned char out[16]);

/* Format as 8-4-4-4-12 lower-case hex and a NUL. */
void uuid_format(const unsigned char u[16], char out[37]);
/* Parse 8-4-4-4-12 hex (either case); 0 or -1. */
int uuid_parse36(const char *s, size_t n, unsigned char out[16]);

#endif
