#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "rekey.h"
#include "util.h"
#include "banned.h"

/*
 * Arena references: chunk number in the high 32 bits, offset in the low
 * 32; each string is preceded by its length as 4 bytes.  Chunks are 1 MiB
 * (bigger when one string needs it) and never move.
 */
enum { ARENA_CHUNK = 1 << 20 };

uint64_t arena_add(struct arena *a, const char *s, size_t n)
{
	uint32_t len = (uint32_t)n;
	uint64_t ref;

	if (n > UINT32_MAX - 8)
		die(MIG_EXIT_DATA, "key of %zu bytes is too long", n);
	if (!a->nchunks || a->used + 4 + n > a->last_size) {
		size_t sz = 4 + n > ARENA_CHUNK ? 4 + n : ARENA_CHUNK;

		a->chunks = ereallocarray(a->chunks, a->nchunks + 1, sizeof(*a->chunks));
		a->chunks[a->nchunks++] = emalloc(sz);
		a->last_size = sz;
		a->used = 0;
		a->bytes += sz;
	}
	ref = (uint64_t)(a->nchunks - 1) << 32 | a->used;
	memcpy(a->chunks[a->nchunks - 1] + a->used, &len, 4);
	memcpy(a->chunks[a->nchunks - 1] + a->used + 4, s, n);
	a->used += 4 + n;
	return ref;
}

const char *arena_get(const struct arena *a, uint64_t ref, size_t *n)
{
	const char *p = a->chunks[ref >> 32] + (ref & 0xffffffffu);
	uint32_t len;

	memcpy(&len, p, 4);
	*n = len;
	return p + 4;
}

void arena_release(struct arena *a)
{
	size_t i;

	for (i = 0; i < a->nchunks; i++)
		free(a->chunks[i]);
	free(a->chunks);
	memset(a, 0, sizeof(*a));
}

int canon_int(const char *s, size_t n, int64_t *v)
{
	const char *p = s, *e = s + n;
	uint64_t acc = 0, lim;
	int neg = 0;

	if (p < e && *p == '-')
		neg = 1, p++;
	if (p == e || (*p == '0' && (e - p > 1 || neg)))
		return -1;
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	if (e - p <= 18) {
		/* Eighteen digits cannot overflow: no division per digit. */
		for (; p < e; p++) {
			if (*p < '0' || *p > '9')
				return -1;
			acc = acc * 10 + (uint64_t)(*p - '0');
		}
	}
	for (; p < e; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		if (acc > (lim - (uint64_t)(*p - '0')) / 10)
			return -1;
		acc = acc * 10 + (uint64_t)(*p - '0');
	}
	*v = neg ? (int64_t)(0 - acc) : (int64_t)acc;
	return 0;
}

/*
 * Integer keys: runs of 8 consecutive ids share a place in the table,
 * chosen by splitmix64's finaliser, and sit side by side in it, so the
 * serial ids of a real table cost one cache miss per 8 keys rather than
 * one per key; any other key set is spread as by the finaliser alone.  The
 * low 3 bits also go to the top, where the slot fingerprint is taken, so
 * neighbours tell themselves apart without reading their keys.
 */
static uint64_t hash_int(uint64_t x)
{
	uint64_t h = x >> 3;

	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 31;
	return (h << 3 | (x & 7)) ^ (x & 7) << 60;
}

void keymap_init(struct keymap *m, size_t vsize)
{
	memset(m, 0, sizeof(*m));
	m->vsize = vsize;
}

void keymap_release(struct keymap *m)
{
	size_t i;

	for (i = 0; i < m->nchunks; i++) {
		free(m->olds[i]);
		free(m->vals[i]);
	}
	free(m->olds);
	free(m->vals);
	free(m->slots);
	arena_release(&m->arena);
	memset(m, 0, sizeof(*m));
}

static inline uint64_t old_at(const struct keymap *m, size_t i)
{
	return m->olds[i / KM_CHUNK][i % KM_CHUNK];
}

unsigned char *keymap_val(const struct keymap *m, size_t i)
{
	return m->vals[i / KM_CHUNK] + (i % KM_CHUNK) * m->vsize;
}

static uint64_t hash_entry(const struct keymap *m, size_t i)
{
	const char *s;
	size_t n;

	if (!m->strmode)
		return hash_int(old_at(m, i));
	s = arena_get(&m->arena, old_at(m, i), &n);
	return XXH3_64bits(s, n);
}

/*
 * A slot holds the entry number + 1 in its low 28 bits and 4 bits of the
 * key's hash above them, so a probe past another key's slot reads the
 * other key (a cache miss) only once in 16 times.
 */
#define SLOT_IDX 0x0fffffffu
static inline uint32_t slot_of(size_t i, uint64_t h)
{
	return (uint32_t)(i + 1) | (uint32_t)(h >> 60) << 28;
}

static void reindex(struct keymap *m, size_t nslots)
{
	size_t i, mask = nslots - 1;

	free(m->slots);
	m->slots = ecalloc(nslots, sizeof(*m->slots));
	m->nslots = nslots;
	for (i = 0; i < m->n; i++) {
		uint64_t h = hash_entry(m, i);
		size_t s = h & mask;

		while (m->slots[s])
			s = (s + 1) & mask;
		m->slots[s] = slot_of(i, h);
	}
}

/* Every old key becomes its decimal text in the arena. */
static void to_strmode(struct keymap *m)
{
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < m->n; i++) {
		uint64_t *o = &m->olds[i / KM_CHUNK][i % KM_CHUNK];

		buf_reset(&b);
		buf_add_i64(&b, (int64_t)*o);
		*o = arena_add(&m->arena, b.buf, b.len);
	}
	buf_release(&b);
	m->strmode = 1;
	if (m->nslots)
		reindex(m, m->nslots);
}

long long keymap_find(struct keymap *m, const char *key, size_t len)
{
	size_t s, mask;
	uint32_t fp;
	int64_t v = 0;
	uint64_t h;

	m->miss = 0;
	if (!m->nslots)
		return -1;
	mask = m->nslots - 1;
	if (!m->strmode) {
		if (canon_int(key, len, &v) < 0)
			return -1;
		h = hash_int((uint64_t)v);
	} else {
		h = XXH3_64bits(key, len);
	}
	fp = (uint32_t)(h >> 60);
	for (s = h & mask; m->slots[s]; s = (s + 1) & mask) {
		size_t i = (m->slots[s] & SLOT_IDX) - 1;

		if (m->slots[s] >> 28 != fp)
			continue;

		if (!m->strmode) {
			if (old_at(m, i) == (uint64_t)v)
				return (long long)i;
		} else {
			size_t n;
			const char *p = arena_get(&m->arena, old_at(m, i), &n);

			if (n == len && !memcmp(p, key, len))
				return (long long)i;
		}
	}
	/* keymap_add of this same key will take this slot without probing again */
	m->miss = s + 1;
	m->miss_hash = h;
	return -1;
}

size_t keymap_add(struct keymap *m, const char *key, size_t len)
{
	size_t i = m->n, s, mask;
	int64_t v;
	uint64_t old, h;

	if (m->n >= SLOT_IDX - 1)
		die(MIG_EXIT_DATA, "more than %u keys in one map", SLOT_IDX - 1);
	if (!m->strmode && canon_int(key, len, &v) < 0) {
		to_strmode(m);
		m->miss = 0;
	}
	if (i % KM_CHUNK == 0) {
		m->olds = ereallocarray(m->olds, m->nchunks + 1, sizeof(*m->olds));
		m->vals = ereallocarray(m->vals, m->nchunks + 1, sizeof(*m->vals));
		m->olds[m->nchunks] = ereallocarray(NULL, KM_CHUNK, sizeof(**m->olds));
		m->vals[m->nchunks] = ecalloc(KM_CHUNK, m->vsize);
		m->nchunks++;
	}
	old = m->strmode ? arena_add(&m->arena, key, len) : (uint64_t)v;
	m->olds[i / KM_CHUNK][i % KM_CHUNK] = old;
	m->n++;
	/* load factor at most 0.8: 4-byte slots cost 5 to 10 bytes a key */
	if (m->n * 5 > m->nslots * 4) {
		reindex(m, m->nslots ? m->nslots * 2 : 1024);
		m->miss = 0;
		return i;
	}
	h = hash_entry(m, i);
	/* same hash, unchanged table: the same first empty slot */
	if (m->miss && m->miss_hash == h) {
		m->slots[m->miss - 1] = slot_of(i, h);
		m->miss = 0;
		return i;
	}
	m->miss = 0;
	mask = m->nslots - 1;
	for (s = h & mask; m->slots[s]; s = (s + 1) & mask)
		;
	m->slots[s] = slot_of(i, h);
	return i;
}

void keymap_reserve(struct keymap *m, size_t n)
{
	size_t want = 1024;

	while (want * 4 < n * 5)
		want *= 2;
	if (want > m->nslots && n < SLOT_IDX) {
		reindex(m, want);
		m->miss = 0;
	}
}

void keymap_old(const struct keymap *m, size_t i, struct buf *out)
{
	if (!m->strmode) {
		buf_add_i64(out, (int64_t)old_at(m, i));
	} else {
		size_t n;
		const char *p = arena_get(&m->arena, old_at(m, i), &n);

		buf_add(out, p, n);
	}
}

size_t keymap_bytes(const struct keymap *m)
{
	return m->nchunks * KM_CHUNK * (sizeof(uint64_t) + m->vsize) + m->nslots * sizeof(uint32_t) +
	       m->arena.bytes;
}
