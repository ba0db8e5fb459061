/*
 * lang-lookup.c - the tables of lookup() and ilookup(): a two-column CSV
 * file (a header line, then key,value rows) held for the whole run.
 *
 * A table can be a crosswalk of millions of keys, looked up once a row,
 * so an entry costs as few cache misses as can be: the keys and values
 * live one after another in one arena (no allocation per entry), and the
 * open-addressed slots hold a 32-bit piece of each key's hash beside its
 * offset, so a probe that is not the key almost never touches the arena.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvfile.h"
#include "lang-int.h"
#include "util.h"
#include "banned.h"

/* An arena entry: this header, the key, a NUL, the value, a NUL. */
struct lkent {
	uint32_t klen;
	uint32_t vlen;		/* LK_NULL for a NULL value */
};
#define LK_NULL UINT32_MAX

struct lkslot {
	uint32_t tag;		/* the hash's high half */
	uint32_t off;		/* arena offset / 8 + 1; 0 for an empty slot */
};

struct lookup {
	struct lkslot *slots;
	size_t nslots, count;	/* nslots a power of two */
	char *arena;
	size_t len, alloc;
	int icase;
	struct buf key, tmp;	/* an ilookup key as the table holds it */
};

/* Eight bytes at a time, mixed by multiplication (keys are mostly short). */
static uint64_t lk_hash(const char *s, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, w;

	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	if (n) {
		/* the last 1-7 bytes in two overlapping loads, not a memcpy call */
		uint32_t a, b;

		if (n >= 4) {
			memcpy(&a, s, 4);
			memcpy(&b, s + n - 4, 4);
			w = (uint64_t)a << 32 | b;
		} else {
			w = (uint64_t)(unsigned char)s[0] << 16 | (uint64_t)(unsigned char)s[n / 2] << 8 |
			    (unsigned char)s[n - 1];
		}
		h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
	}
	h ^= h >> 29;
	h *= 0xff51afd7ed558ccdULL;
	return h ^ (h >> 32);
}

static const struct lkent *ent_at(const struct lookup *lk, uint32_t off)
{
	return (const struct lkent *)(lk->arena + (size_t)(off - 1) * 8);
}

/* The slot holding key s, or the empty slot where it would go. */
static struct lkslot *find(const struct lookup *lk, const char *s, size_t n, uint64_t h)
{
	size_t i = h & (lk->nslots - 1);
	uint32_t tag = (uint32_t)(h >> 32);

	for (;; i = (i + 1) & (lk->nslots - 1)) {
		struct lkslot *sl = &lk->slots[i];
		const struct lkent *e;

		if (!sl->off)
			return sl;
		if (sl->tag != tag)
			continue;
		e = ent_at(lk, sl->off);
		if (e->klen == n && !memcmp(e + 1, s, n))
			return sl;
	}
}

static void grow(struct lookup *lk)
{
	struct lkslot *old = lk->slots;
	size_t oldn = lk->nslots, i;

	lk->nslots = oldn ? oldn * 2 : 1024;
	lk->slots = ecalloc(lk->nslots, sizeof(*lk->slots));
	for (i = 0; i < oldn; i++)
		if (old[i].off) {
			const struct lkent *e = ent_at(lk, old[i].off);

			*find(lk, (const char *)(e + 1), e->klen, lk_hash((const char *)(e + 1), e->klen)) = old[i];
		}
	free(old);
}

/*
 * Add key k with value v (NULL: a NULL value).  0, or -1 if the key is
 * there already with another value (the same value twice is no error).
 */
static int put(struct lookup *lk, const char *k, size_t kn, const char *v, size_t vn)
{
	uint64_t h = lk_hash(k, kn);
	struct lkslot *sl;
	struct lkent e;
	size_t need;

	if (kn >= LK_NULL || vn >= LK_NULL)
		die(MIG_EXIT_SYSTEM, "lookup table: a key or value of 4 GiB or more");
	if ((lk->count + 1) * 4 >= lk->nslots * 3)
		grow(lk);
	sl = find(lk, k, kn, h);
	if (sl->off) {
		const struct lkent *o = ent_at(lk, sl->off);
		const char *ov = (const char *)(o + 1) + o->klen + 1;

		if (!v)
			return o->vlen == LK_NULL ? 0 : -1;
		return o->vlen == vn && !memcmp(ov, v, vn) ? 0 : -1;
	}
	need = (sizeof(e) + kn + 1 + vn + 1 + 7) & ~(size_t)7;
	if (lk->len / 8 + 1 >= UINT32_MAX - need / 8)
		die(MIG_EXIT_SYSTEM, "lookup table over %llu bytes", (unsigned long long)UINT32_MAX * 8);
	if (lk->len + need > lk->alloc) {
		lk->alloc = lk->alloc ? lk->alloc * 2 : 65536;
		while (lk->len + need > lk->alloc)
			lk->alloc *= 2;
		lk->arena = erealloc(lk->arena, lk->alloc);
	}
	e.klen = (uint32_t)kn;
	e.vlen = v ? (uint32_t)vn : LK_NULL;
	{
		char *p = lk->arena + lk->len;

		memcpy(p, &e, sizeof(e));
		memcpy(p + sizeof(e), k, kn);
		p[sizeof(e) + kn] = '\0';
		if (vn)
			memcpy(p + sizeof(e) + kn + 1, v, vn);
		p[sizeof(e) + kn + 1 + vn] = '\0';
	}
	sl->tag = (uint32_t)(h >> 32);
	sl->off = (uint32_t)(lk->len / 8 + 1);
	lk->len += need;
	lk->count++;
	return 0;
}

static void lookup_key(const char *s, size_t n, int icase, struct buf *out, struct buf *tmp)
{
	if (!icase) {
		buf_add(out, s, n);
		return;
	}
	/* An ASCII key, as nearly all are: collapsed and lowered in one pass. */
	{
		size_t i, start = out->len;
		int gap = 0;

		buf_grow(out, n + 1);
		for (i = 0; i < n; i++) {
			unsigned char ch = (unsigned char)s[i];

			if (ch >= 0x80) {
				out->len = start;
				goto unicode;
			}
			if (ch == ' ' || (ch >= '\t' && ch <= '\r')) {
				gap = out->len > start;
				continue;
			}
			if (gap)
				out->buf[out->len++] = ' ';
			gap = 0;
			out->buf[out->len++] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
		}
		out->buf[out->len] = '\0';
		return;
	}
unicode:
	buf_reset(tmp);
	map_collapse(s, n, tmp);
	map_case(tmp->buf, tmp->len, 0, out);
}

int lookup_get(struct lookup *lk, const char *key, size_t n, struct lang_val *res)
{
	const struct lkslot *sl;
	const struct lkent *e;

	if (!lk->count)
		return 0;
	if (lk->icase) {
		buf_reset(&lk->key);
		lookup_key(key, n, 1, &lk->key, &lk->tmp);
		key = lk->key.buf;
		n = lk->key.len;
	}
	sl = find(lk, key, n, lk_hash(key, n));
	if (!sl->off)
		return 0;
	e = ent_at(lk, sl->off);
	res->p = (const char *)(e + 1) + e->klen + 1;
	res->null = e->vlen == LK_NULL;
	res->len = res->null ? 0 : e->vlen;
	return 1;
}

static int lk_row(void *arg, const struct csvfile_row *r, struct buf *err)
{
	struct lookup *lk = arg;
	const struct csvfile_field *f = r->f;

	if (r->recno == 1)
		return 0;
	if (r->nf < 2) {
		csvfile_where(err, r);
		buf_adds(err, "a lookup row needs two columns, key and value");
		return -1;
	}
	if (!f[0].val)
		return 0;
	buf_reset(&lk->key);
	lookup_key(f[0].val, f[0].len, lk->icase, &lk->key, &lk->tmp);
	if (put(lk, lk->key.buf, lk->key.len, f[1].val, f[1].val ? f[1].len : 0) < 0) {
		csvfile_where(err, r);
		buf_addf(err, "key '%s' appears twice with different values", lk->key.buf);
		return -1;
	}
	return 0;
}

struct lookup *lookup_load(const char *path, int icase, const char **err)
{
	static struct buf msg = BUF_INIT;
	struct csvfile_opts o = { .flags = CSVF_EMPTY_IS_NULL };
	struct lookup *lk;
	FILE *fp = fopen(path, "re");

	*err = NULL;
	if (!fp) {
		buf_error(&msg, "cannot open lookup file '%s': %s", path, strerror(errno));
		*err = msg.buf;
		return NULL;
	}
	lk = ecalloc(1, sizeof(*lk));
	lk->icase = icase;
	buf_init(&lk->key);
	buf_init(&lk->tmp);
	if (csvfile_read(fp, path, &o, lk_row, lk, &msg) != 0) {
		*err = msg.buf;
		lookup_free(lk);
		lk = NULL;
	}
	fclose(fp);
	return lk;
}

void lookup_free(struct lookup *lk)
{
	if (!lk)
		return;
	free(lk->slots);
	free(lk->arena);
	buf_release(&lk->key);
	buf_release(&lk->tmp);
	free(lk);
}
