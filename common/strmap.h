/*
 * strmap.h - a small open-addressing hash map from byte strings to pointers.
 *
 * The map owns copies of its keys and nothing of its values: callers that
 * store allocations free them (strmap_each helps) before strmap_release.
 */
#ifndef MIG_STRMAP_H
#define MIG_STRMAP_H

#include <stddef.h>
#include <stdint.h>

struct strmap_slot {
	char *key;
	size_t klen;
	uint64_t hash;
	void *val;
};

struct strmap {
	struct strmap_slot *slots;
	size_t nslots, count;
};

#define STRMAP_INIT { NULL, 0, 0 }

/* The value stored under key, or NULL. */
void *strmap_get(const struct strmap *m, const char *key, size_t klen);
/* Store val under key, replacing; returns the previous value or NULL. */
void *strmap_put(struct strmap *m, const char *key, size_t klen, void *val);
/* Call fn on every entry, in no particular order. */
void strmap_each(struct strmap *m, void (*fn)(const char *key, void *val, void *arg), void *arg);
void strmap_release(struct strmap *m);

#endif
