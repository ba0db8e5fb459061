/*
 * crosswalk: an old->new key file is a complete, one-to-one map whose new
 * keys all exist.
 *
 *   crosswalk FILE [ALIAS.]TABLE(COL) [where COND] -> [ALIAS.]TABLE(COL) [many-to-one]
 *   crosswalk FILE [+ FILE ...] SIDE [+ SIDE ...] -> [ALIAS.]TABLE(COL) [many-to-one]
 *
 * A fan-in (several source tables into one target table) gives a union of
 * source sides: with one file their keys together are its old keys; with
 * one file per side (mig-rekey's crosswalk per tag, whose old keys may
 * overlap) each file pairs with its side, the new keys of all together.
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
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "canon.h"
#include "csvfile.h"
#include "strmap.h"
#include "util.h"
#include "verify.h"
#include "banned.h"

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
	const char *prefix;	/* "TABLE:" before old keys of a paired file */
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

/* One record of the file (csvfile.h): the same CSV that mig-rekey -l reads. */
static int on_row(void *arg, const struct csvfile_row *r, struct buf *err)
{
	struct xread *x = arg;
	struct buf k = BUF_INIT;
	struct xent *e;
	size_t i;

	(void)err;
	x->line = r->line;
	if (!x->header_done) {
		x->header_done = 1;
		if (r->nf >= 2 && !strncasecmp(r->f[0].val, "old", 3) && !strncasecmp(r->f[1].val, "new", 3))
			return 0;
	}
	if (r->nf != 2) {
		x->bad++;
		return 0;
	}
	for (i = 0; i < 2; i++) {
		buf_reset(&x->f[i]);
		buf_add(&x->f[i], r->f[i].val, r->f[i].len);
	}
	x->rows++;
	norm_key(x->f[0].buf, x->f[0].len, &k);
	if (*x->prefix) {
		/* a paired file's old keys are its table's: "TABLE:KEY" */
		buf_reset(&x->f[0]);
		buf_adds(&x->f[0], x->prefix);
		buf_add(&x->f[0], k.buf, k.len);
		buf_reset(&k);
		buf_add(&k, x->f[0].buf, x->f[0].len);
	}
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
	return 0;
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
		     const char *prefix, struct buf *err)
{
	struct buf sql = BUF_INIT, k = BUF_INIT, pk = BUF_INIT;
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
		buf_reset(&pk);
		buf_adds(&pk, prefix);
		buf_add(&pk, k.buf, k.len);
		e = strmap_get(m, pk.buf, pk.len);
		if (e) {
			e->found = 1;
		} else if (unknown) {
			(*unknown)++;
			xnote(x, fmt, pk.buf);
		}
	}
	vrows_close(q);
	buf_release(&k);
	buf_release(&pk);
	return r < 0 ? -1 : 0;
}

/*
 * Split the source sides at each '+' outside quotes and parentheses:
 * "[ALIAS.]TABLE(COL) [where COND]" each.  Returns the count (at most max).
 */
static size_t split_sides(const char *s, const char *e, const char **from, const char **to, size_t max)
{
	size_t n = 0;
	int depth = 0;
	char q = 0;
	const char *p, *start = s;

	for (p = s; p < e; p++) {
		if (q) {
			if (*p == q)
				q = 0;
		} else if (*p == '\'' || *p == '"') {
			q = *p;
		} else if (*p == '(') {
			depth++;
		} else if (*p == ')') {
			depth--;
		} else if (*p == '+' && !depth && n + 1 < max) {
			from[n] = start;
			to[n++] = p;
			start = p + 1;
		}
	}
	from[n] = start;
	to[n++] = e;
	return n;
}

enum { XW_MAX = 16 };

void check_crosswalk(struct vctx *c, const char *where, const char *args)
{
	struct vcheck k;
	struct buf path[XW_MAX], err = BUF_INIT, pre = BUF_INIT;
	const char *p = args, *arrow, *lhs, *from[XW_MAX], *to[XW_MAX];
	char *stab[XW_MAX] = { 0 }, *scol[XW_MAX] = { 0 }, *cond[XW_MAX] = { 0 };
	char *ttab = NULL, *tcol = NULL;
	struct vdb *sd[XW_MAX] = { 0 }, *td = NULL;
	struct strmap old = STRMAP_INIT, new = STRMAP_INIT;
	struct xread x;
	unsigned long long srows = 0, trows = 0, missing = 0;
	struct xleft unknown = { &x, 0, "old key %s is not a key of the source set" };
	struct xleft absent = { &x, 0, "new key %s is not in the target table" };
	FILE *fp;
	int ok = 1, many = 0;
	size_t nfiles = 0, nsides = 0, i;

	memset(&x, 0, sizeof(x));
	buf_init(&x.f[0]);
	buf_init(&x.f[1]);
	x.old = &old;
	x.new = &new;
	x.c = c;
	x.k = &k;
	x.prefix = "";
	for (i = 0; i < XW_MAX; i++)
		buf_init(&path[i]);
	vcheck_begin(&k, c, "crosswalk", where, args);
	vtok(&p, &path[nfiles++]);
	/* more files: "FILE + FILE" */
	for (;;) {
		const char *q = vskip(p);

		if (*q != '+' || !isspace((unsigned char)q[1]) || nfiles == XW_MAX)
			break;
		p = q + 1;
		vtok(&p, &path[nfiles++]);
	}
	lhs = vskip(p);
	arrow = strstr(lhs, "->");
	if (arrow) {
		nsides = split_sides(lhs, arrow, from, to, XW_MAX);
		for (i = 0; i < nsides; i++) {
			const char *s = vskip(from[i]), *close = memchr(s, ')', (size_t)(to[i] - s)), *w;

			w = close ? vskip(close + 1) : NULL;
			if (w && w < to[i]) {
				if (strncasecmp(w, "where", 5) || !isspace((unsigned char)w[5]))
					close = NULL;
				else
					cond[i] = estrndup(vskip(w + 5), (size_t)(to[i] - vskip(w + 5)));
			}
			if (close)
				sd[i] = parse_ref(c, s, (size_t)(close + 1 - s), "SRC", &stab[i], &scol[i]);
			if (!sd[i])
				ok = 0;
		}
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
	for (i = 0; i < nfiles; i++)
		if (!path[i].len)
			ok = 0;
	if (!ok || !nsides || !td) {
		vcheck_error(&k, 0, "%s: crosswalk: expected 'crosswalk FILE [SRC.]TABLE(COL) [where COND] -> [DST.]TABLE(COL)'%s",
			     where, arrow && (!ok || !td) && (stab[0] || ttab) ? " with both databases declared" : "");
		vcheck_end(&k, V_ERROR, "not run");
		goto out;
	}
	if (nfiles > 1 && nfiles != nsides) {
		vcheck_error(&k, 0, "%s: crosswalk: %zu files for %zu source tables: give one file, or one per table",
			     where, nfiles, nsides);
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
	for (i = 0; i < nfiles; i++) {
		buf_reset(&pre);
		if (nfiles > 1)
			buf_addf(&pre, "%s:", stab[i]);
		x.prefix = pre.buf ? pre.buf : "";
		x.header_done = 0;
		if (!(fp = fopen(path[i].buf, "r"))) {
			vcheck_error(&k, 0, "%s: cannot open: %s", path[i].buf, strerror(errno));
			vcheck_end(&k, V_ERROR, "not run");
			goto out;
		}
		ok = csvfile_read(fp, path[i].buf, NULL, on_row, &x, &err) == 0;
		fclose(fp);
		if (!ok) {
			vcheck_error(&k, 0, "%s", err.buf);
			vcheck_end(&k, V_ERROR, "not run");
			goto out;
		}
		if (x.bad)
			vcheck_note(&k, "%s: %llu lines without exactly two fields", path[i].buf, x.bad);
	}
	for (i = 0; i < nsides; i++) {
		buf_reset(&pre);
		if (nfiles > 1)
			buf_addf(&pre, "%s:", stab[i]);
		if (scan_keys(sd[i], stab[i], scol[i], cond[i], &old, &srows, &missing, &x,
			      "source key %s has no crosswalk row (incomplete)", pre.buf ? pre.buf : "", &err) < 0) {
			vcheck_error(&k, 1, "%s: %s", sd[i]->u.shown, err.buf);
			vcheck_end(&k, V_ERROR, "not run");
			goto out;
		}
	}
	if (scan_keys(td, ttab, tcol, NULL, &new, &trows, NULL, &x, NULL, "", &err) < 0) {
		vcheck_error(&k, 1, "%s: %s", td->u.shown, err.buf);
		vcheck_end(&k, V_ERROR, "not run");
		goto out;
	}
	strmap_each(&old, count_unfound, &unknown);
	strmap_each(&new, count_unfound, &absent);
	json_object_set_new(k.obj, "file", json_string(path[0].buf));
	if (nfiles > 1) {
		json_t *a = json_array();

		for (i = 0; i < nfiles; i++)
			json_array_append_new(a, json_string(path[i].buf));
		json_object_set_new(k.obj, "files", a);
	}
	json_object_set_new(k.obj, "source_tables", json_integer((json_int_t)nsides));
	json_object_set_new(k.obj, "rows", json_integer((json_int_t)x.rows));
	json_object_set_new(k.obj, "malformed_lines", json_integer((json_int_t)x.bad));
	json_object_set_new(k.obj, "source_keys", json_integer((json_int_t)srows));
	json_object_set_new(k.obj, "target_rows", json_integer((json_int_t)trows));
	json_object_set_new(k.obj, "new_keys", json_integer((json_int_t)new.count));
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
	if (!x.dup_old && (many || !x.dup_new) && !missing && !unknown.count && !absent.count && !x.bad) {
		/* the summary says what the JSON says: a merged map is not one-to-one */
		if (x.dup_new)
			vcheck_end(&k, V_PASS,
				   "%llu rows; %llu source keys; many-to-one (%zu new keys, %llu old keys merged), complete, all present",
				   x.rows, srows, new.count, x.rows - (unsigned long long)new.count);
		else
			vcheck_end(&k, V_PASS, "%llu rows; %llu source keys; one-to-one, complete, all present", x.rows,
				   srows);
	} else {
		if (many)
			x.dup_new = 0;
		vcheck_end(&k, V_FAIL,
			   "%llu rows, %llu source keys: %llu old keys repeated, %llu new keys repeated, "
			   "%llu source keys missing, %llu unknown old keys, %llu new keys not in the target",
			   x.rows, srows, x.dup_old, x.dup_new, missing, unknown.count, absent.count);
	}
out:
	strmap_each(&old, free_xent, NULL);
	strmap_each(&new, free_xent, NULL);
	strmap_release(&old);
	strmap_release(&new);
	buf_release(&x.f[0]);
	buf_release(&x.f[1]);
	for (i = 0; i < XW_MAX; i++) {
		buf_release(&path[i]);
		free(stab[i]);
		free(scol[i]);
		free(cond[i]);
	}
	buf_release(&err);
	buf_release(&pre);
	free(ttab);
	free(tcol);
}
