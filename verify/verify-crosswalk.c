/*
 * crosswalk: an old->new key file is a complete, one-to-one map whose new
 * keys all exist.
 *
 *   crosswalk FILE [ALIAS.]TABLE(COL) [where COND] -> [ALIAS.]TABLE(COL) [many-to-one]
 *
 * The left side is the source's rekeyed set (SRC unless an alias leads),
 * the right side the target's table (DST unless an alias leads).  FILE is
 * CSV with the old key first and the new key second; a first line whose
 * fields start with "old" and "new" is a header.  Four findings:
 *   function    every old key appears once
 *   injective   every new key appears once (unless many-to-one: a
 *               dedupe maps the keys of merged duplicates to one new key)
 *   complete    old keys = the source's keys (none missing, none unknown)
 *   present     every new key is a key of the target table
 * Keys are compared as text after light normalisation: decimal integers
 * lose leading zeros, UUIDs are lower-cased.  Both key sets are held in
 * memory (two hash maps: about 100 bytes per crosswalk row).
 */
#include <csv.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "canon.h"
#include "strmap.h"
#include "util.h"
#include "verify.h"

struct xent {
	unsigned n;		/* rows with this key */
	int found;		/* seen in the source (old) or target (new) */
	char *key;
	size_t klen;
};

struct xread {
	struct buf f[2];
	size_t nf;
	unsigned long long rows, line;
	int header_done;
	int many;		/* many-to-one: merged duplicates share a new key */
	struct strmap *old, *new;
	struct vctx *c;
	struct vcheck *k;
	unsigned long long dup_old, dup_new, bad;
	unsigned long named;
};

static void norm_key(const char *v, size_t n, struct buf *out)
{
	size_t i = 0;

	buf_reset(out);
	while (n && isspace((unsigned char)*v))
		v++, n--;
	while (n && isspace((unsigned char)v[n - 1]))
		n--;
	if (n && v[0] == '-')
		i = 1;
	if (n > i) {
		size_t j;

		for (j = i; j < n && isdigit((unsigned char)v[j]); j++)
			;
		if (j == n) {
			canon_value(MIG_T_INT, v, n, 0, out);
			return;
		}
	}
	if ((n == 36 || n == 32) && canon_value(MIG_T_UUID, v, n, 0, out) == 0)
		return;
	buf_reset(out);
	buf_add(out, v, n);
}

static void xnote(struct xread *x, const char *fmt, const char *key)
{
	if (x->named++ < x->c->max_keys)
		vcheck_note(x->k, fmt, key);
}

static struct xent *xput(struct strmap *m, const char *k, size_t n)
{
	struct xent *e = strmap_get(m, k, n);

	if (!e) {
		e = ecalloc(1, sizeof(*e));
		e->key = estrndup(k, n);
		e->klen = n;
		strmap_put(m, k, n, e);
	}
	e->n++;
	return e;
}

static void cb_field(void *s, size_t len, void *data)
{
	struct xread *x = data;

	if (x->nf < 2) {
		buf_reset(&x->f[x->nf]);
		buf_add(&x->f[x->nf], s, len);
	}
	x->nf++;
}

static void cb_row(int c, void *data)
{
	struct xread *x = data;
	struct buf k = BUF_INIT;
	struct xent *e;

	(void)c;
	x->line++;
	if (!x->header_done) {
		x->header_done = 1;
		if (x->nf >= 2 && !strncasecmp(x->f[0].buf, "old", 3) && !strncasecmp(x->f[1].buf, "new", 3)) {
			x->nf = 0;
			return;
		}
	}
	if (x->nf != 2) {
		x->bad++;
		x->nf = 0;
		return;
	}
	x->nf = 0;
	x->rows++;
	norm_key(x->f[0].buf, x->f[0].len, &k);
	e = xput(x->old, k.buf, k.len);
	if (e->n == 2) {
		x->dup_old++;
		xnote(x, "old key %s appears more than once (not a function)", k.buf);
	}
	norm_key(x->f[1].buf, x->f[1].len, &k);
	e = xput(x->new, k.buf, k.len);
	if (e->n == 2) {
		x->dup_new++;
		if (!x->many)
			xnote(x, "new key %s appears more than once (not injective)", k.buf);
	}
	buf_release(&k);
}

struct xleft {
	struct xread *x;
	unsigned long long count;
	const char *fmt;
};

static void count_unfound(const char *key, void *val, void *arg)
{
	struct xleft *l = arg;
	struct xent *e = val;

	(void)key;
	if (!e->found) {
		l->count++;
		xnote(l->x, l->fmt, e->key);
	}
}

static void free_xent(const char *key, void *val, void *arg)
{
	struct xent *e = val;

	(void)key;
	(void)arg;
	free(e->key);
	free(e);
}

/* "[ALIAS.]TABLE(COL)": the database, table and column. */
static struct vdb *parse_ref(struct vctx *c, const char *s, size_t n, const char *dflt, char **table, char **col)
{
	const char *open = memchr(s, '(', n);

	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	if (!open || s[n - 1] != ')' || open + 1 >= s + n - 1)
		return NULL;
	*col = estrndup(open + 1, (size_t)(s + n - 1 - open - 1));
	return vref(c, s, (size_t)(open - s), dflt, table);
}

/* Read every key of a column: mark those present, count the others. */
static int scan_keys(struct vdb *d, const char *table, const char *col, const char *cond, struct strmap *m,
		     unsigned long long *rows, unsigned long long *unknown, struct xread *x, const char *fmt,
		     struct buf *err)
{
	struct buf sql = BUF_INIT, k = BUF_INIT;
	char *ti = vdb_ident(d, table), *ci = vdb_ident(d, col);
	struct vrows *q;
	const struct vfield *f;
	size_t n;
	int r;

	buf_addf(&sql, "SELECT %s FROM %s WHERE %s IS NOT NULL", ci, ti, ci);
	if (cond)
		buf_addf(&sql, " AND (%s)", cond);
	free(ti);
	free(ci);
	q = vrows_open(d, sql.buf, err);
	buf_release(&sql);
	if (!q)
		return -1;
	while ((r = vrows_next(q, &f, &n, err)) > 0) {
		struct xent *e;

		if (f[0].flags & CANON_RAW)
			canon_value(MIG_T_BYTES, f[0].v, f[0].n, CANON_RAW, &k);
		else
			norm_key(f[0].v, f[0].n, &k);
		(*rows)++;
		e = strmap_get(m, k.buf, k.len);
		if (e) {
			e->found = 1;
		} else if (unknown) {
			(*unknown)++;
			xnote(x, fmt, k.buf);
		}
	}
	vrows_close(q);
	buf_release(&k);
	return r < 0 ? -1 : 0;
}

void check_crosswalk(struct vctx *c, const char *where, const char *args)
{
	struct vcheck k;
	struct buf path = BUF_INIT, err = BUF_INIT;
	const char *p = args, *arrow, *lhs, *w;
	char *stab = NULL, *scol = NULL, *ttab = NULL, *tcol = NULL, *cond = NULL;
	struct vdb *sd = NULL, *td = NULL;
	struct strmap old = STRMAP_INIT, new = STRMAP_INIT;
	struct xread x;
	unsigned long long srows = 0, trows = 0, missing = 0;
	struct xleft unknown = { &x, 0, "old key %s is not a key of the source set" };
	struct xleft absent = { &x, 0, "new key %s is not in the target table" };
	struct csv_parser cp;
	FILE *fp;
	int ok, many = 0;

	memset(&x, 0, sizeof(x));
	buf_init(&x.f[0]);
	buf_init(&x.f[1]);
	x.old = &old;
	x.new = &new;
	x.c = c;
	x.k = &k;
	vcheck_begin(&k, c, "crosswalk", where, args);
	vtok(&p, &path);
	lhs = vskip(p);
	arrow = strstr(lhs, "->");
	if (arrow) {
		const char *open = memchr(lhs, ')', (size_t)(arrow - lhs));

		w = open ? vskip(open + 1) : NULL;
		if (w && w < arrow) {
			if (strncasecmp(w, "where", 5) || !isspace((unsigned char)w[5]))
				open = NULL;
			else
				cond = estrndup(vskip(w + 5), (size_t)(arrow - vskip(w + 5)));
		}
		if (open)
			sd = parse_ref(c, lhs, (size_t)(open + 1 - lhs), "SRC", &stab, &scol);
		{
			const char *r = vskip(arrow + 2);
			size_t rn = strlen(r);

			while (rn && isspace((unsigned char)r[rn - 1]))
				rn--;
			if (rn > 12 && !strncmp(r + rn - 11, "many-to-one", 11) && isspace((unsigned char)r[rn - 12])) {
				many = 1;
				rn -= 12;
			}
			td = parse_ref(c, r, rn, "DST", &ttab, &tcol);
		}
	}
	if (!path.len || !sd || !td) {
		vcheck_error(&k, 0, "%s: crosswalk: expected 'crosswalk FILE [SRC.]TABLE(COL) [where COND] -> [DST.]TABLE(COL)'%s",
			     where, arrow && (!sd || !td) && (stab || ttab) ? " with both databases declared" : "");
		vcheck_end(&k, V_ERROR, "not run");
		goto out;
	}
	if (c->sql) {
		fprintf(c->sql, "\n-- %s: crosswalk %s: reads a crosswalk file; run mig-verify\n", where, args);
		json_decref(k.obj);
		buf_release(&k.notes);
		goto out;
	}
	x.many = many;
	if (!(fp = fopen(path.buf, "r"))) {
		vcheck_error(&k, 0, "%s: cannot open: %s", path.buf, strerror(errno));
		vcheck_end(&k, V_ERROR, "not run");
		goto out;
	}
	csv_init(&cp, CSV_APPEND_NULL);
	{
		char b[65536];
		size_t n;

		while ((n = fread(b, 1, sizeof(b), fp)) > 0)
			if (csv_parse(&cp, b, n, cb_field, cb_row, &x) != n)
				break;
	}
	ok = !ferror(fp) && csv_error(&cp) == CSV_SUCCESS;
	csv_fini(&cp, cb_field, cb_row, &x);
	csv_free(&cp);
	fclose(fp);
	if (!ok) {
		vcheck_error(&k, 0, "%s: unreadable CSV after line %llu", path.buf, x.line);
		vcheck_end(&k, V_ERROR, "not run");
		goto out;
	}
	if (x.bad)
		vcheck_note(&k, "%s: %llu lines without exactly two fields", path.buf, x.bad);
	if (scan_keys(sd, stab, scol, cond, &old, &srows, &missing, &x,
		      "source key %s has no crosswalk row (incomplete)", &err) < 0) {
		vcheck_error(&k, 1, "%s: %s", sd->u.shown, err.buf);
		vcheck_end(&k, V_ERROR, "not run");
		goto out;
	}
	if (scan_keys(td, ttab, tcol, NULL, &new, &trows, NULL, &x, NULL, &err) < 0) {
		vcheck_error(&k, 1, "%s: %s", td->u.shown, err.buf);
		vcheck_end(&k, V_ERROR, "not run");
		goto out;
	}
	strmap_each(&old, count_unfound, &unknown);
	strmap_each(&new, count_unfound, &absent);
	json_object_set_new(k.obj, "file", json_string(path.buf));
	json_object_set_new(k.obj, "rows", json_integer((json_int_t)x.rows));
	json_object_set_new(k.obj, "malformed_lines", json_integer((json_int_t)x.bad));
	json_object_set_new(k.obj, "source_keys", json_integer((json_int_t)srows));
	json_object_set_new(k.obj, "target_rows", json_integer((json_int_t)trows));
	json_object_set_new(k.obj, "duplicate_old", json_integer((json_int_t)x.dup_old));
	json_object_set_new(k.obj, "duplicate_new", json_integer((json_int_t)x.dup_new));
	json_object_set_new(k.obj, "missing_old", json_integer((json_int_t)missing));
	json_object_set_new(k.obj, "unknown_old", json_integer((json_int_t)unknown.count));
	json_object_set_new(k.obj, "new_not_in_target", json_integer((json_int_t)absent.count));
	json_object_set_new(k.obj, "function", json_boolean(!x.dup_old));
	json_object_set_new(k.obj, "injective", json_boolean(!x.dup_new));
	json_object_set_new(k.obj, "many_to_one", json_boolean(many));
	json_object_set_new(k.obj, "complete", json_boolean(!missing && !unknown.count));
	json_object_set_new(k.obj, "present", json_boolean(!absent.count));
	if (many)
		x.dup_new = 0;
	if (!x.dup_old && !x.dup_new && !missing && !unknown.count && !absent.count && !x.bad)
		vcheck_end(&k, V_PASS, "%llu rows; %llu source keys; one-to-one, complete, all present", x.rows,
			   srows);
	else
		vcheck_end(&k, V_FAIL,
			   "%llu rows, %llu source keys: %llu old keys repeated, %llu new keys repeated, "
			   "%llu source keys missing, %llu unknown old keys, %llu new keys not in the target",
			   x.rows, srows, x.dup_old, x.dup_new, missing, unknown.count, absent.count);
out:
	strmap_each(&old, free_xent, NULL);
	strmap_each(&new, free_xent, NULL);
	strmap_release(&old);
	strmap_release(&new);
	buf_release(&x.f[0]);
	buf_release(&x.f[1]);
	buf_release(&path);
	buf_release(&err);
	free(stab);
	free(scol);
	free(ttab);
	free(tcol);
	free(cond);
}
