/*
 * stream: a saved (or tee'd) stream against the target tables.
 *
 *   stream FILE [TAG[=[ALIAS.]TABLE][(KEY,...)] ...]
 *
 * Per tag: the row count and an order-independent checksum (the sum of
 * XXH3-128 row hashes over canonical values, canon.h) of the stream's rows
 * against the same columns read back from the table.  The stream's header
 * says which columns and which types; the target is read with a plain
 * SELECT of those columns.  Alongside, each row's key hash puts it in one
 * of NBUCKET buckets with sums of their own, and each column has a sum of
 * its own: so a mismatch names the columns that differ at no extra pass,
 * and a second pass over the stream and the table, holding only the rows
 * of the buckets that differ (at most NARROW_MAX rows; past that the
 * figures say they are partial), names the keys:
 * missing from the target, extra in the target, changed (with the
 * columns), or duplicated.
 */
#include <sys/stat.h>

#include <stdlib.h>
#include <string.h>

#include "canon.h"
#include "catalog.h"
#include "progress.h"
#include "strmap.h"
#include "util.h"
#include "verify.h"
#include "banned.h"

#define NBUCKET 4096
/* about 300 bytes a held row: 60 MB at most, enough to name keys */
#define NARROW_MAX 200000ULL

struct stag {
	char *tag;
	struct vdb *d;
	char *table;
	char **keyspec;		/* key column names from the check, or NULL */
	size_t nkeyspec;
	int listed;
	/* columns, from the tag's first header */
	size_t ncols;
	char **names;
	enum mig_type *types;
	size_t *keyidx, nkey;
	/* the current header's column for each of ours */
	const struct mig_header *cur;
	size_t *map;
	char *bad;		/* why this tag cannot be compared */
	struct canon_sum sum[2];
	uint64_t *colsum[2];
	struct canon_sum *bucket[2];
};

struct hasher {
	struct buf row, key, scratch;
	uint64_t *colh;
	size_t ncolh;
};

struct krow {
	struct canon_hash h;
	uint64_t *colh;
	unsigned count;
	int matched;
	char *row;		/* the encoded row, kept for --show-values */
	size_t rowlen;
	char *key;		/* the encoded key: it may hold NUL bytes */
	size_t klen;
};

static void free_tag(struct stag *t)
{
	size_t i;

	free(t->tag);
	free(t->table);
	for (i = 0; i < t->nkeyspec; i++)
		free(t->keyspec[i]);
	free(t->keyspec);
	for (i = 0; i < t->ncols; i++)
		free(t->names[i]);
	free(t->names);
	free(t->types);
	free(t->keyidx);
	free(t->map);
	free(t->bad);
	for (i = 0; i < 2; i++) {
		free(t->colsum[i]);
		free(t->bucket[i]);
	}
	free(t);
}

/* Hash one row of our columns: row hash, key bytes, per-column hashes. */
static uint64_t hash_row(struct stag *t, struct hasher *h, const struct vfield *f, struct canon_hash *rh)
{
	size_t i, k = 0;

	if (h->ncolh < t->ncols) {
		h->colh = ereallocarray(h->colh, t->ncols, sizeof(*h->colh));
		h->ncolh = t->ncols;
	}
	buf_reset(&h->row);
	buf_reset(&h->key);
	for (i = 0; i < t->ncols; i++) {
		size_t before = h->row.len;

		canon_row_add(&h->row, &h->scratch, t->types[i], f[i].v, f[i].n, f[i].null, f[i].flags);
		h->colh[i] = canon_hash64(h->row.buf + before, h->row.len - before);
		if (k < t->nkey && t->keyidx[k] == i) {
			buf_add(&h->key, h->row.buf + before, h->row.len - before);
			k++;
		}
	}
	/* key columns may be listed in another order than the table's */
	if (k < t->nkey) {
		size_t j;

		buf_reset(&h->key);
		for (j = 0; j < t->nkey; j++) {
			size_t c = t->keyidx[j];

			canon_row_add(&h->key, &h->scratch, t->types[c], f[c].v, f[c].n, f[c].null, f[c].flags);
		}
	}
	*rh = canon_row_hash(&h->row);
	return canon_hash64(h->key.buf, h->key.len);
}

/* Decode one encoded field at *p (canon_row_add's form). */
static int field_at(const char **p, const char *e, const char **v, size_t *n)
{
	size_t len = 0;
	int shift = 0;

	if (*p >= e)
		return -1;
	if (*(*p)++ == '\0') {
		*v = NULL;
		*n = 0;
		return 0;
	}
	while (*p < e) {
		unsigned char c = (unsigned char)*(*p)++;

		len |= (size_t)(c & 0x7f) << shift;
		shift += 7;
		if (!(c & 0x80))
			break;
	}
	*v = *p;
	*n = len;
	*p += len;
	return 0;
}

/* "id=42" or "a=1,b=x": a key for messages. */
static void key_text(struct stag *t, const char *k, size_t n, struct buf *out)
{
	const char *p = k, *e = k + n, *v;
	size_t len, i;

	for (i = 0; i < t->nkey && field_at(&p, e, &v, &len) == 0; i++) {
		if (i)
			buf_addc(out, ',');
		buf_addf(out, "%s=", t->names[t->keyidx[i]]);
		if (v)
			buf_add(out, v, len);
		else
			buf_adds(out, "NULL");
	}
}

static void field_text(const char *row, size_t rowlen, size_t col, struct buf *out)
{
	const char *p = row, *e = row + rowlen, *v = NULL;
	size_t len = 0, i;

	for (i = 0; i <= col; i++)
		if (field_at(&p, e, &v, &len) < 0)
			return;
	if (v) {
		buf_addc(out, '"');
		buf_add(out, v, len);
		buf_addc(out, '"');
	} else {
		buf_adds(out, "NULL");
	}
}

static void free_count(const char *key, void *val, void *arg)
{
	(void)key;
	(void)arg;
	free(val);
}

static struct stag *find_tag(struct stag **tags, size_t n, const char *tag)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(tags[i]->tag, tag))
			return tags[i];
	return NULL;
}

/*
 * The first header of a tag fixes its columns and key.  The target's
 * catalog, when it has the table, gives the key (its primary key, if the
 * stream carries every column of it) and the type of untyped columns.
 */
static void setup_tag(struct stag *t, const struct mig_header *h)
{
	size_t i, j;
	const struct cat_table *ct = NULL;

	if (t->d && h->ncols) {
		struct buf err = BUF_INIT;
		const struct catalog *cat = vdb_catalog(t->d, &err);

		if (cat)
			ct = catalog_find(cat, t->table);
		buf_release(&err);
	}

	t->ncols = h->ncols;
	t->names = ecalloc(h->ncols, sizeof(*t->names));
	t->types = ecalloc(h->ncols, sizeof(*t->types));
	for (i = 0; i < h->ncols; i++) {
		t->names[i] = estrdup(h->names[i]);
		t->types[i] = h->types[i];
		for (j = 0; ct && t->types[i] == MIG_T_ANY && j < ct->ncols; j++)
			if (!strcmp(ct->cols[j].name, h->names[i]))
				t->types[i] = ct->cols[j].type;
	}
	for (i = 0; i < 2; i++) {
		t->colsum[i] = ecalloc(h->ncols, sizeof(uint64_t));
		t->bucket[i] = ecalloc(NBUCKET, sizeof(struct canon_sum));
	}
	if (t->nkeyspec) {
		t->keyidx = ecalloc(t->nkeyspec, sizeof(size_t));
		for (j = 0; j < t->nkeyspec; j++) {
			int c = mig_header_find(h, t->keyspec[j]);

			if (c < 0) {
				struct buf b = BUF_INIT;

				buf_addf(&b, "key column '%s' is not in the stream's header", t->keyspec[j]);
				t->bad = buf_detach(&b, NULL);
				return;
			}
			t->keyidx[t->nkey++] = (size_t)c;
		}
	} else if (h->ncols) {
		int c = -1;

		if (ct && ct->pk) {
			t->keyidx = ecalloc(ct->pk->ncols, sizeof(size_t));
			for (j = 0; j < ct->pk->ncols && (c = mig_header_find(h, ct->pk->cols[j])) >= 0; j++)
				t->keyidx[t->nkey++] = (size_t)c;
			if (c < 0) {
				free(t->keyidx);
				t->keyidx = NULL;
				t->nkey = 0;
			}
		}
		if (!t->nkey) {
			t->keyidx = ecalloc(1, sizeof(size_t));
			t->nkey = 1;
		}
	}
}

/* Map the current header's columns to ours, by name. */
static int map_header(struct stag *t, const struct mig_header *h)
{
	size_t i;

	if (t->cur == h)
		return 0;
	t->map = ereallocarray(t->map, t->ncols ? t->ncols : 1, sizeof(*t->map));
	for (i = 0; i < t->ncols; i++) {
		int c = mig_header_find(h, t->names[i]);

		if (c < 0) {
			struct buf b = BUF_INIT;

			buf_addf(&b, "column '%s' missing from a later header of the tag", t->names[i]);
			t->bad = buf_detach(&b, NULL);
			return -1;
		}
		t->map[i] = (size_t)c;
	}
	t->cur = h;
	return 0;
}

struct pass {
	struct stag *only;	/* second pass: this tag, these buckets */
	const unsigned char *sel;
	struct strmap *rows;
	int show;
};

/* Read the stream once; pass 1 sums every tag, pass 2 collects rows. */
static int read_stream(struct vctx *c, const char *path, struct stag ***tags, size_t *ntags, int all,
		       struct pass *ps, struct hasher *h, struct buf *err)
{
	struct mig_reader *r = mig_reader_open(path, 0);
	struct mig_item it;
	struct vfield *vf = NULL;
	size_t nvf = 0;
	struct progress pg;
	int ret;

	progress_init(&pg, c->progress);
	progress_begin(&pg, path, 0);
	while ((ret = mig_reader_next(r, &it)) > 0) {
		struct stag *t;
		struct canon_hash rh;
		uint64_t kh;
		size_t i;

		if (it.kind != MIG_RECORD)
			continue;
		progress_tick(&pg);
		if (ps) {
			t = ps->only;
			if (strcmp(t->tag, it.hdr->tag))
				continue;
		} else if (!(t = find_tag(*tags, *ntags, it.hdr->tag))) {
			if (!all)
				continue;
			t = ecalloc(1, sizeof(*t));
			t->tag = estrdup(it.hdr->tag);
			t->d = vref(c, t->tag, strlen(t->tag), "DST", &t->table);
			*tags = ereallocarray(*tags, *ntags + 1, sizeof(**tags));
			(*tags)[(*ntags)++] = t;
		}
		if (t->bad)
			continue;
		if (!t->names)
			setup_tag(t, it.hdr);
		if (t->bad || map_header(t, it.hdr) < 0)
			continue;
		if (nvf < t->ncols) {
			vf = ereallocarray(vf, t->ncols, sizeof(*vf));
			nvf = t->ncols;
		}
		for (i = 0; i < t->ncols; i++) {
			const struct mig_field *f = &it.f[t->map[i]];

			vf[i].v = f->val;
			vf[i].n = f->len;
			vf[i].null = f->null;
			vf[i].flags = 0;
		}
		kh = hash_row(t, h, vf, &rh);
		if (!ps) {
			canon_sum_add(&t->sum[0], rh);
			canon_sum_add(&t->bucket[0][kh % NBUCKET], rh);
			for (i = 0; i < t->ncols; i++)
				t->colsum[0][i] += h->colh[i];
		} else if (ps->sel[kh % NBUCKET]) {
			struct krow *k = strmap_get(ps->rows, h->key.buf, h->key.len);

			if (k) {
				k->count++;
				continue;
			}
			k = ecalloc(1, sizeof(*k));
			k->h = rh;
			k->count = 1;
			k->key = estrndup(h->key.buf, h->key.len);
			k->klen = h->key.len;
			k->colh = emalloc(t->ncols * sizeof(uint64_t));
			memcpy(k->colh, h->colh, t->ncols * sizeof(uint64_t));
			if (ps->show) {
				k->row = estrndup(h->row.buf, h->row.len);
				k->rowlen = h->row.len;
			}
			strmap_put(ps->rows, h->key.buf, h->key.len, k);
		}
	}
	progress_end(&pg);
	free(vf);
	if (ret < 0) {
		buf_reset(err);
		buf_adds(err, mig_reader_error(r));
		mig_reader_free(r);
		return -1;
	}
	mig_reader_free(r);
	return 0;
}

static char *select_sql(struct stag *t)
{
	struct buf b = BUF_INIT;
	size_t i;
	char *id;

	buf_adds(&b, "SELECT ");
	for (i = 0; i < t->ncols; i++) {
		id = vdb_ident(t->d, t->names[i]);
		buf_addf(&b, "%s%s", i ? ", " : "", id);
		free(id);
	}
	id = vdb_ident(t->d, t->table);
	buf_addf(&b, " FROM %s", id);
	free(id);
	return buf_detach(&b, NULL);
}

struct diffs {
	unsigned long long missing, extra, changed, dup_stream, dup_target;
	unsigned long long buckets_differing, buckets_examined;
	unsigned long named;
	json_t *keys;
};

static void name_key(struct vctx *c, struct vcheck *k, struct diffs *d, struct stag *t, const char *what,
		     const char *key, size_t klen, const char *detail)
{
	struct buf b = BUF_INIT;
	json_t *o;

	if (d->named >= c->max_keys)
		return;
	d->named++;
	key_text(t, key, klen, &b);
	o = json_object();
	json_object_set_new(o, "tag", json_string(t->tag));
	json_object_set_new(o, "key", json_stringn(b.buf, b.len));
	json_object_set_new(o, "difference", json_string(what));
	if (detail)
		json_object_set_new(o, "detail", json_string(detail));
	json_array_append_new(d->keys, o);
	vcheck_note(k, "%s: %s: %s%s%s", t->tag, b.buf, what, detail ? ": " : "", detail ? detail : "");
	buf_release(&b);
}

struct leftover {
	struct vctx *c;
	struct vcheck *k;
	struct diffs *d;
	struct stag *t;
};

static void report_missing(const char *key, void *val, void *arg)
{
	struct leftover *l = arg;
	struct krow *r = val;

	(void)key;
	if (!r->matched) {
		l->d->missing++;
		name_key(l->c, l->k, l->d, l->t, "missing from the target", r->key, r->klen, NULL);
	}
}

static void free_krow(const char *key, void *val, void *arg)
{
	struct krow *r = val;

	(void)key;
	(void)arg;
	free(r->colh);
	free(r->row);
	free(r->key);
	free(r);
}

/* Second pass for one tag: name the keys in the buckets that differ. */
static void narrow(struct vctx *c, struct vcheck *k, const char *path, struct stag *t, struct hasher *h,
		   struct diffs *d)
{
	unsigned char *sel = ecalloc(NBUCKET, 1);
	unsigned long long held = 0, partial = 0;
	struct strmap rows = STRMAP_INIT;
	struct pass ps = { t, sel, &rows, c->show_values };
	struct buf err = BUF_INIT, detail = BUF_INIT;
	struct vrows *q;
	struct stat st;
	char *sql;
	size_t i;
	int r;

	if (!t->nkey) {
		vcheck_note(k, "%s: no key column: cannot name the rows that differ", t->tag);
		free(sel);
		return;
	}
	if (!strcmp(path, "-") || stat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
		/* a pipe or a FIFO (a tee) cannot be read a second time */
		vcheck_note(k, "%s: the stream was %s: cannot read it again to name the rows", t->tag,
			    !strcmp(path, "-") ? "standard input" : "not a regular file");
		free(sel);
		return;
	}
	for (i = 0; i < NBUCKET; i++) {
		if (canon_sum_equal(&t->bucket[0][i], &t->bucket[1][i]))
			continue;
		d->buckets_differing++;
		if (held + t->bucket[0][i].count <= NARROW_MAX) {
			sel[i] = 1;
			held += t->bucket[0][i].count;
			d->buckets_examined++;
		} else {
			partial++;
		}
	}
	if (partial)
		vcheck_note(k, "%s: rows differ in too many places to hold them all: the counts below cover "
			    "%llu of the %llu differing buckets (at least this many rows differ)",
			    t->tag, d->buckets_differing - partial, d->buckets_differing);
	/* the first pass's headers died with its reader */
	t->cur = NULL;
	if (read_stream(c, path, NULL, NULL, 0, &ps, h, &err) < 0) {
		vcheck_error(k, 0, "%s", err.buf);
		goto out;
	}
	sql = select_sql(t);
	q = vrows_open(t->d, sql, &err);
	free(sql);
	if (!q) {
		vcheck_error(k, 1, "%s: %s", t->d->u.shown, err.buf);
		goto out;
	}
	{
		const struct vfield *f;
		size_t n;

		while ((r = vrows_next(q, &f, &n, &err)) > 0) {
			struct canon_hash rh;
			uint64_t kh = hash_row(t, h, f, &rh);
			struct krow *kr;

			if (!sel[kh % NBUCKET])
				continue;
			kr = strmap_get(&rows, h->key.buf, h->key.len);
			if (!kr) {
				d->extra++;
				name_key(c, k, d, t, "not in the stream (extra in the target)", h->key.buf,
					 h->key.len, NULL);
				continue;
			}
			if (kr->matched) {
				d->dup_target++;
				name_key(c, k, d, t, "duplicate key in the target", h->key.buf, h->key.len, NULL);
				continue;
			}
			kr->matched = 1;
			if (kr->count > 1) {
				d->dup_stream++;
				name_key(c, k, d, t, "duplicate key in the stream", h->key.buf, h->key.len, NULL);
			}
			if (rh.lo == kr->h.lo && rh.hi == kr->h.hi)
				continue;
			d->changed++;
			buf_reset(&detail);
			for (i = 0; i < t->ncols; i++) {
				const char *v = NULL;
				size_t vl = 0;
				const char *p = h->row.buf, *e = h->row.buf + h->row.len;
				size_t j;

				if (kr->colh[i] == h->colh[i])
					continue;
				if (detail.len)
					buf_adds(&detail, ", ");
				buf_adds(&detail, t->names[i]);
				if (!c->show_values)
					continue;
				buf_adds(&detail, " (stream ");
				field_text(kr->row, kr->rowlen, i, &detail);
				buf_adds(&detail, ", target ");
				for (j = 0; j <= i; j++)
					field_at(&p, e, &v, &vl);
				if (v) {
					buf_addc(&detail, '"');
					buf_add(&detail, v, vl);
					buf_addc(&detail, '"');
				} else {
					buf_adds(&detail, "NULL");
				}
				buf_addc(&detail, ')');
			}
			name_key(c, k, d, t, "changed", h->key.buf, h->key.len, detail.buf);
		}
	}
	vrows_close(q);
	if (r < 0) {
		vcheck_error(k, 1, "%s: %s", t->d->u.shown, err.buf);
		goto out;
	}
	{
		struct leftover l = { c, k, d, t };

		strmap_each(&rows, report_missing, &l);
	}
out:
	strmap_each(&rows, free_krow, NULL);
	strmap_release(&rows);
	buf_release(&err);
	buf_release(&detail);
	free(sel);
}

/*
 * --sql: the checksums need mig-verify, but the stream's row counts make
 * queries a DBA can run: the stream is read once to count its rows.
 */
static void sql_counts(struct vctx *c, const char *where, const char *args, const char *path, struct stag **tags,
		       size_t ntags)
{
	struct mig_reader *r;
	struct mig_item it;
	struct strmap counts = STRMAP_INIT;
	char **order = NULL;
	size_t norder = 0, i;
	int ret;

	fprintf(c->sql, "\n-- %s: stream %s: the row counts of the stream; its checksums need mig-verify\n", where,
		args);
	if (!strcmp(path, "-")) {
		fprintf(c->sql, "-- (standard input: not read)\n");
		return;
	}
	r = mig_reader_open(path, 0);
	while ((ret = mig_reader_next(r, &it)) > 0) {
		unsigned long long *n;

		if (it.kind != MIG_RECORD)
			continue;
		if (!(n = strmap_get(&counts, it.hdr->tag, strlen(it.hdr->tag)))) {
			n = ecalloc(1, sizeof(*n));
			strmap_put(&counts, it.hdr->tag, strlen(it.hdr->tag), n);
			order = ereallocarray(order, norder + 1, sizeof(*order));
			order[norder++] = estrdup(it.hdr->tag);
		}
		(*n)++;
	}
	if (ret < 0)
		fprintf(c->sql, "-- (unreadable: %s)\n", mig_reader_error(r));
	mig_reader_free(r);
	for (i = 0; i < (ntags ? ntags : norder); i++) {
		const char *tag = ntags ? tags[i]->tag : order[i];
		unsigned long long *n = strmap_get(&counts, tag, strlen(tag));
		struct vdb *d;
		char *table, *id;
		struct buf label = BUF_INIT;

		if (ntags) {
			d = tags[i]->d;
			table = estrdup(tags[i]->table);
		} else {
			d = vref(c, tag, strlen(tag), "DST", &table);
		}
		if (d && ret >= 0) {
			id = vdb_ident(d, table);
			buf_addf(&label, "stream %s -> %s.%s", tag, d->alias, table);
			fprintf(c->sql, "-- on %s (%s)\nSELECT ", d->alias, d->u.shown);
			vsql_lit(c->sql, label.buf);
			fprintf(c->sql, " AS \"check\", %llu AS expected, count(*) AS actual FROM %s;\n", n ? *n : 0ULL, id);
			free(id);
		}
		free(table);
		buf_release(&label);
	}
	strmap_each(&counts, free_count, NULL);
	strmap_release(&counts);
	for (i = 0; i < norder; i++)
		free(order[i]);
	free(order);
}

/* TAG[=[ALIAS.]TABLE][(KEY,...)] */
static struct stag *parse_tagspec(struct vctx *c, const char *s, struct buf *err)
{
	struct stag *t = ecalloc(1, sizeof(*t));
	const char *paren = strchr(s, '('), *eq = strchr(s, '=');
	const char *end = paren ? paren : s + strlen(s);

	if (eq && eq > end)
		eq = NULL;
	t->tag = estrndup(s, (size_t)((eq ? eq : end) - s));
	if (eq)
		t->d = vref(c, eq + 1, (size_t)(end - eq - 1), "DST", &t->table);
	else
		t->d = vref(c, t->tag, strlen(t->tag), "DST", &t->table);
	t->listed = 1;
	if (paren) {
		const char *p = paren + 1, *close = strchr(p, ')');

		if (!close || close[1]) {
			buf_addf(err, "'%s': expected TAG[=TABLE][(KEY,...)]", s);
			free_tag(t);
			return NULL;
		}
		while (p < close) {
			const char *comma = memchr(p, ',', (size_t)(close - p));
			const char *ce = comma ? comma : close;

			t->keyspec = ereallocarray(t->keyspec, t->nkeyspec + 1, sizeof(char *));
			t->keyspec[t->nkeyspec++] = estrndup(p, (size_t)(ce - p));
			p = ce + 1;
		}
	}
	if (!*t->tag) {
		buf_addf(err, "'%s': empty tag", s);
		free_tag(t);
		return NULL;
	}
	return t;
}

void check_stream(struct vctx *c, const char *where, const char *args)
{
	struct vcheck k;
	struct buf path = BUF_INIT, w = BUF_INIT, err = BUF_INIT;
	struct stag **tags = NULL;
	size_t ntags = 0, i;
	const char *p = args;
	struct hasher h = { BUF_INIT, BUF_INIT, BUF_INIT, NULL, 0 };
	json_t *jt = json_object();
	struct diffs d;
	unsigned long long nbad = 0, nerr = 0;

	memset(&d, 0, sizeof(d));
	d.keys = json_array();
	vcheck_begin(&k, c, "stream", where, args);
	if (!vtok(&p, &path)) {
		vcheck_error(&k, 0, "%s: stream: expected 'stream FILE [TAG[=TABLE][(KEY,...)] ...]'", where);
		vcheck_end(&k, V_ERROR, "not run");
		goto out;
	}
	while (vtok(&p, &w)) {
		struct stag *t = parse_tagspec(c, w.buf, &err);

		if (!t) {
			vcheck_error(&k, 0, "%s: stream: %s", where, err.buf);
			vcheck_end(&k, V_ERROR, "not run");
			goto out;
		}
		tags = ereallocarray(tags, ntags + 1, sizeof(*tags));
		tags[ntags++] = t;
	}
	if (c->sql) {
		sql_counts(c, where, args, path.buf, tags, ntags);
		json_decref(k.obj);
		buf_release(&k.notes);
		goto out;
	}
	for (i = 0; i < ntags; i++)
		if (!tags[i]->d) {
			vcheck_error(&k, 0, "%s: stream: no target database (--target or 'target URL')", where);
			vcheck_end(&k, V_ERROR, "not run");
			goto out;
		}
	if (!vdb_find(c, "DST", 3) && !ntags) {
		vcheck_error(&k, 0, "%s: stream: no target database (--target or 'target URL')", where);
		vcheck_end(&k, V_ERROR, "not run");
		goto out;
	}
	if (read_stream(c, path.buf, &tags, &ntags, ntags == 0, NULL, &h, &err) < 0) {
		vcheck_error(&k, 0, "%s", err.buf);
		vcheck_end(&k, V_ERROR, "the stream is unreadable");
		goto out;
	}
	for (i = 0; i < ntags; i++) {
		struct stag *t = tags[i];
		json_t *o = json_object();
		struct vrows *q;
		const struct vfield *f;
		size_t n, j;
		int r;
		char hex[2][33];
		struct progress pg;

		json_object_set_new(jt, t->tag, o);
		json_object_set_new(o, "table", json_string(t->table));
		json_object_set_new(o, "db", json_string(t->d->alias));
		if (!t->names) {
			/* listed, but no row in the stream: the table must be empty */
			t->ncols = 0;
			setup_tag(t, &(struct mig_header){ t->tag, 0, NULL, NULL, 0 });
		}
		if (t->bad) {
			vcheck_error(&k, 0, "%s: %s", t->tag, t->bad);
			nerr++;
			continue;
		}
		if (t->ncols) {
			char *sql = select_sql(t);

			q = vrows_open(t->d, sql, &err);
			free(sql);
		} else {
			struct buf sql = BUF_INIT;
			char *id = vdb_ident(t->d, t->table);

			/* no columns known: count the rows, each hashes as empty */
			buf_addf(&sql, "SELECT 1 FROM %s", id);
			free(id);
			q = vrows_open(t->d, sql.buf, &err);
			buf_release(&sql);
		}
		if (!q) {
			vcheck_error(&k, 1, "%s: %s: %s", t->tag, t->d->u.shown, err.buf);
			nerr++;
			continue;
		}
		/* the stream's count is the expected total: progress has an ETA */
		progress_init(&pg, c->progress);
		progress_begin(&pg, t->tag, t->sum[0].count);
		while ((r = vrows_next(q, &f, &n, &err)) > 0) {
			struct canon_hash rh;
			uint64_t kh = hash_row(t, &h, f, &rh);

			progress_tick(&pg);
			canon_sum_add(&t->sum[1], rh);
			canon_sum_add(&t->bucket[1][kh % NBUCKET], rh);
			for (j = 0; j < t->ncols; j++)
				t->colsum[1][j] += h.colh[j];
		}
		progress_end(&pg);
		vrows_close(q);
		if (r < 0) {
			vcheck_error(&k, 1, "%s: %s: %s", t->tag, t->d->u.shown, err.buf);
			nerr++;
			continue;
		}
		canon_sum_hex(&t->sum[0], hex[0]);
		canon_sum_hex(&t->sum[1], hex[1]);
		json_object_set_new(o, "stream_rows", json_integer((json_int_t)t->sum[0].count));
		json_object_set_new(o, "target_rows", json_integer((json_int_t)t->sum[1].count));
		json_object_set_new(o, "stream_checksum", json_string(hex[0]));
		json_object_set_new(o, "target_checksum", json_string(hex[1]));
		if (canon_sum_equal(&t->sum[0], &t->sum[1])) {
			json_object_set_new(o, "status", json_string("pass"));
			continue;
		}
		nbad++;
		json_object_set_new(o, "status", json_string("fail"));
		{
			struct buf cols = BUF_INIT;
			json_t *jc = json_array();

			for (j = 0; j < t->ncols; j++)
				if (t->colsum[0][j] != t->colsum[1][j]) {
					buf_addf(&cols, "%s%s", cols.len ? ", " : "", t->names[j]);
					json_array_append_new(jc, json_string(t->names[j]));
				}
			json_object_set_new(o, "columns_differing", jc);
			vcheck_note(&k, "%s: %llu rows in the stream, %llu in %s.%s; checksums %s and %s%s%s", t->tag,
				    t->sum[0].count, t->sum[1].count, t->d->alias, t->table, hex[0], hex[1],
				    cols.len ? "; columns differing: " : "", cols.buf);
			buf_release(&cols);
		}
		narrow(c, &k, path.buf, t, &h, &d);
	}
	json_object_set_new(k.obj, "file", json_string(path.buf));
	json_object_set_new(k.obj, "tags", jt);
	jt = NULL;
	json_object_set_new(k.obj, "missing", json_integer((json_int_t)d.missing));
	json_object_set_new(k.obj, "extra", json_integer((json_int_t)d.extra));
	json_object_set_new(k.obj, "changed", json_integer((json_int_t)d.changed));
	json_object_set_new(k.obj, "duplicate_stream", json_integer((json_int_t)d.dup_stream));
	json_object_set_new(k.obj, "duplicate_target", json_integer((json_int_t)d.dup_target));
	json_object_set_new(k.obj, "buckets_differing", json_integer((json_int_t)d.buckets_differing));
	json_object_set_new(k.obj, "buckets_examined", json_integer((json_int_t)d.buckets_examined));
	json_object_set_new(k.obj, "keys", d.keys);
	d.keys = NULL;
	if (nerr)
		vcheck_end(&k, V_ERROR, "%llu of %zu tags could not be compared, %llu differ", nerr, ntags, nbad);
	else if (nbad)
		vcheck_end(&k, V_FAIL, "%llu of %zu tags differ (%s%llu missing, %llu extra, %llu changed)", nbad,
			   ntags, d.buckets_examined < d.buckets_differing ? "at least " : "", d.missing, d.extra,
			   d.changed);
	else {
		unsigned long long rows = 0;

		for (i = 0; i < ntags; i++)
			rows += tags[i]->sum[0].count;
		vcheck_end(&k, V_PASS, "%zu tags, %llu rows, counts and checksums equal", ntags, rows);
	}
out:
	json_decref(jt);
	json_decref(d.keys);
	for (i = 0; i < ntags; i++)
		free_tag(tags[i]);
	free(tags);
	buf_release(&path);
	buf_release(&w);
	buf_release(&err);
	buf_release(&h.row);
	buf_release(&h.key);
	buf_release(&h.scratch);
	free(h.colh);
}
