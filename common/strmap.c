#include <stdlib.h>
#include <string.h>

#include "strmap.h"
#include "util.h"
#include "banned.h"

/* FNV-1a: tags and column names are short, so a simple hash is enough. */
static uint64_t strmap_hash(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 1469598103934665603ULL;

	while (n--) {
		h ^= *s++;
		h *= 1099511628211ULL;
	}
	return h;
}

static struct strmap_slot *find(const struct strmap *m, const char *key, size_t klen, uint64_t h)
{
	size_t i = h & (m->nslots - 1);

	for (;;) {
		struct strmap_slot *s = &m->slots[i];

		if (!s->key)
			return s;
		if (s->hash == h && s->klen == klen && !memcmp(s->key, key, klen))
			return s;
		i = (i + 1) & (m->nslots - 1);
	}
}

void *strmap_get(const struct strmap *m, const char *key, size_t klen)
{
	struct strmap_slot *s;

	if (!m->nslots)
		return NULL;
	s = find(m, key, klen, strmap_hash(key, klen));
	return s->key ? s->val : NULL;
}

static void grow(struct strmap *m)
{
	struct strmap_slot *old = m->slots;
	size_t oldn = m->nslots, i;

	m->nslots = oldn ? oldn * 2 : 16;
	m->slots = ecalloc(m->nslots, sizeof(*m->slots));
	for (i = 0; i < oldn; i++)
		if (old[i].key)
			*find(m, old[i].key, old[i].klen, old[i].hash) = old[i];
	free(old);
}

void *strmap_put(struct strmap *m, const char *key, size_t klen, void *val)
{
	uint64_t h = strmap_hash(key, klen);
	struct strmap_slot *s;
	void *prev;

	if ((m->count + 1) * 4 >= m->nslots * 3)
		grow(m);
	s = find(m, key, klen, h);
	if (s->key) {
		prev = s->val;
		s->val = val;
		return prev;
	}
	s->key = estrndup(key, klen);
	s->klen = klen;
	s->hash = h;
	s->val = val;
	m->count++;
	return NULL;
}

void strmap_each(struct strmap *m, void (*fn)(const char *, void *, void *), void *arg)
{
	size_t i;

	for (i = 0; i < m->nslots; i++)
		if (m->slots[i].key)
			fn(m->slots[i].key, m->slots[i].val, arg);
}

void strmap_release(struct strmap *m)
{
	size_t i;

	for (i = 0; i < m->nslots; i++)
		free(m->slots[i].key);
	free(m->slots);
	m->slots = NULL;
	m->nslots = m->count = 0;
}
