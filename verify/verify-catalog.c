/*
 * Checks that start from a database's catalog (catalog.h):
 *
 *   fk [ALIAS] [TABLE...] [schema=FILE]
 *                                    orphans per foreign key
 *   unique [ALIAS] [TABLE | TABLE(COL,...)]... [schema=FILE]
 *                                    duplicates per primary key, unique
 *                                    constraint or index, or named columns
 *   schema A B [md=FILE] [json=FILE] [nofail]
 *                                    A and B: aliases or mig-extract
 *                                    --schema JSON files
 *
 * fk and unique are single SQL statements run by the server (the server
 * is where the rows are; nothing is fetched but counts and, for the
 * first --max-keys offenders, their keys).  Foreign keys follow MATCH
 * SIMPLE: a row with a NULL in any referencing column is not an orphan.
 * Unique keys likewise ignore rows with a NULL key column, as the servers
 * do.  Orphan keys and duplicate primary keys are named; duplicate values
 * of other unique columns (an e-mail address) only with --show-values.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "util.h"
#include "verify.h"
#include "banned.h"

const struct catalog *vdb_catalog(struct vdb *d, struct buf *err)
{
	if (!d->cat) {
		struct catalog *c = ecalloc(1, sizeof(*c));
		void *conn;

		vdb_connect(d);
		conn = d->u.kind == DB_PG ? (void *)d->pg : d->u.kind == DB_MY ? (void *)d->my : (void *)d->lite;
		if (catalog_read(&d->u, conn, NULL, c, err) < 0) {
			free(c);
			return NULL;
		}
		d->cat = c;
	}
	return d->cat;
}

void vdb_catalog_free(struct vdb *d)
{
	if (d->cat) {
		catalog_release(d->cat);
		free(d->cat);
		d->cat = NULL;
	}
}

static char *table_ident(struct vdb *d, const char *schema, const char *name)
{
	struct buf b = BUF_INIT;
	char *q;

	if (schema) {
		q = vdb_ident(d, schema);
		buf_adds(&b, q);
		buf_addc(&b, '.');
		free(q);
	}
	/* quote the name whole: it may hold a dot */
	if (d->u.kind == DB_PG)
		q = db_pg_ident(d->pg, name);
	else if (d->u.kind == DB_MY)
		q = db_my_ident(name);
	else
		q = db_sqlite_ident(name);
	buf_adds(&b, q);
	free(q);
	return buf_detach(&b, NULL);
}

static char *col_ident(struct vdb *d, const char *alias, const char *col)
{
	struct buf b = BUF_INIT;
	char *q = d->u.kind == DB_PG ? db_pg_ident(d->pg, col) : d->u.kind == DB_MY ? db_my_ident(col)
										       : db_sqlite_ident(col);

	if (alias)
		buf_addf(&b, "%s.", alias);
	buf_adds(&b, q);
	free(q);
	return buf_detach(&b, NULL);
}

/* The value of a "schema=FILE" word among args, or NULL (caller frees). */
static char *schema_word(const char *args)
{
	struct buf w = BUF_INIT;
	char *r = NULL;

	while (vtok(&args, &w))
		if (!strncmp(w.buf, "schema=", 7)) {
			free(r);
			r = estrdup(w.buf + 7);
		}
	buf_release(&w);
	return r;
}

/*
 * The catalog a check works from: the live database's, or one saved by
 * mig-extract --schema before a load that dropped its constraints (so
 * the constraints are checked though the server no longer has them).
 */
static const struct catalog *check_catalog(struct vdb *d, const char *file, struct catalog *own, struct buf *err,
					   int *db)
{
	json_error_t je;
	json_t *j;

	*db = !file;
	if (!file)
		return vdb_catalog(d, err);
	if (!(j = json_load_file(file, 0, &je))) {
		buf_addf(err, "%s:%d: %s", file, je.line, je.text);
		return NULL;
	}
	if (catalog_from_json(j, own, err) < 0) {
		json_decref(j);
		return NULL;
	}
	json_decref(j);
	/* a schema of another dialect: its schema names mean nothing here */
	if (own->dialect && strcmp(own->dialect, vdb_dialect(d))) {
		size_t i, f;

		for (i = 0; i < own->ntables; i++) {
			free(own->tables[i].schema);
			own->tables[i].schema = NULL;
			for (f = 0; f < own->tables[i].nfk; f++) {
				free(own->tables[i].fks[f].ref_schema);
				own->tables[i].fks[f].ref_schema = NULL;
			}
		}
	}
	return own;
}

/* Leading alias word, if any: the database and the words after it. */
static struct vdb *pick_db(struct vctx *c, const char **p, struct buf *w)
{
	const char *q = *p;
	struct vdb *d;

	if (vtok(&q, w)) {
		const char *dot = strchr(w->buf, '.');

		if ((d = vdb_find(c, w->buf, w->len))) {
			*p = q;
			return d;
		}
		if (dot && (d = vdb_find(c, w->buf, (size_t)(dot - w->buf))))
			return d;
	}
	return vdb_find(c, "DST", 3);
}

/* "DST.users" names users when the check's database is DST. */
static const char *strip_alias(const struct vdb *d, const char *s)
{
	size_t n = strlen(d->alias);

	if (!strncmp(s, d->alias, n) && s[n] == '.')
		return s + n + 1;
	return s;
}

static int want_table(char **names, size_t n, const struct cat_table *t)
{
	size_t i;

	if (!n)
		return 1;
	for (i = 0; i < n; i++) {
		const char *dot = strchr(names[i], '.');

		if (!strcmp(names[i], t->name))
			return 1;
		if (dot && t->schema && !strncmp(names[i], t->schema, (size_t)(dot - names[i])) &&
		    strlen(t->schema) == (size_t)(dot - names[i]) && !strcmp(dot + 1, t->name))
			return 1;
	}
	return 0;
}

/* Run a query and join the first rows' values as "a,b; c,d". */
static int first_rows(struct vdb *d, const char *sql, size_t ncols, struct buf *out, struct buf *err)
{
	struct vrows *q = vrows_open(d, sql, err);
	const struct vfield *f;
	size_t n, i;
	int r;

	if (!q)
		return -1;
	while ((r = vrows_next(q, &f, &n, err)) > 0) {
		if (out->len)
			buf_adds(out, "; ");
		for (i = 0; i < ncols && i < n; i++) {
			if (i)
				buf_addc(out, ',');
			if (f[i].null)
				buf_adds(out, "NULL");
			else
				buf_add(out, f[i].v, f[i].n);
		}
	}
	vrows_close(q);
	return r < 0 ? -1 : 0;
}

static void limit_clause(struct buf *b, unsigned long n)
{
	buf_addf(b, " LIMIT %lu", n);
}

void check_fk(struct vctx *c, const char *where, const char *args)
{
	struct vcheck k;
	struct buf w = BUF_INIT, err = BUF_INIT, sql = BUF_INIT, keys = BUF_INIT;
	const char *p = args;
	struct vdb *d;
	const struct catalog *cat;
	char **names = NULL;
	size_t nnames = 0, i, j, f, nfk = 0, nbad = 0, nerr = 0;
	unsigned long long orphans = 0;
	json_t *arr = json_array();
	struct catalog own;
	char *sfile;
	int db;

	vcheck_begin(&k, c, "fk", where, args);
	memset(&own, 0, sizeof(own));
	sfile = schema_word(args);
	d = pick_db(c, &p, &w);
	while (d && vtok(&p, &w)) {
		if (!strncmp(w.buf, "schema=", 7))
			continue;
		names = ereallocarray(names, nnames + 1, sizeof(char *));
		names[nnames++] = estrdup(strip_alias(d, w.buf));
	}
	if (!d) {
		vcheck_error(&k, 0, "%s: fk: no target database (--target or 'target URL')", where);
		vcheck_end(&k, V_ERROR, "not run");
		goto out;
	}
	if (!(cat = check_catalog(d, sfile, &own, &err, &db))) {
		vcheck_error(&k, db, "%s: %s", db ? d->u.shown : "fk", err.buf);
		vcheck_end(&k, V_ERROR, "not run");
		goto out;
	}
	for (i = 0; i < nnames; i++)
		if (!catalog_find(cat, names[i])) {
			vcheck_error(&k, 1, "%s: fk: no table '%s' in %s", where, names[i], d->alias);
			vcheck_end(&k, V_ERROR, "not run");
			goto out;
		}
	if (c->sql)
		fprintf(c->sql, "\n-- %s: fk %s\n-- on %s (%s)\n", where, args, d->alias, d->u.shown);
	for (i = 0; i < cat->ntables; i++) {
		const struct cat_table *t = &cat->tables[i];

		if (!want_table(names, nnames, t))
			continue;
		for (f = 0; f < t->nfk; f++) {
			const struct cat_fk *fk = &t->fks[f];
			char *child = table_ident(d, t->schema, t->name);
			char *parent = table_ident(d, fk->ref_schema, fk->ref_table);
			struct buf cond = BUF_INIT, label = BUF_INIT, cols = BUF_INIT;
			long long n;
			json_t *o;

			buf_addf(&label, "%s.%s", t->name, fk->name ? fk->name : "fk");
			for (j = 0; j < fk->ncols; j++) {
				char *cc = col_ident(d, "_c", fk->cols[j]), *pc = col_ident(d, "_p", fk->ref_cols[j]);

				buf_addf(&cond, "%s%s IS NOT NULL", j ? " AND " : "", cc);
				buf_addf(&cols, "%s%s", j ? ", " : "", cc);
				free(cc);
				free(pc);
			}
			buf_adds(&cond, " AND NOT EXISTS (SELECT 1 FROM ");
			buf_addf(&cond, "%s _p WHERE ", parent);
			for (j = 0; j < fk->ncols; j++) {
				char *cc = col_ident(d, "_c", fk->cols[j]), *pc = col_ident(d, "_p", fk->ref_cols[j]);

				buf_addf(&cond, "%s%s = %s", j ? " AND " : "", pc, cc);
				free(cc);
				free(pc);
			}
			buf_addc(&cond, ')');
			nfk++;
			buf_reset(&sql);
			buf_addf(&sql, "SELECT count(*) FROM %s _c WHERE %s", child, cond.buf);
			if (c->sql) {
				fprintf(c->sql, "SELECT ");
				vsql_lit(c->sql, label.buf);
				fprintf(c->sql, " AS \"check\", 0 AS expected, count(*) AS actual FROM %s _c WHERE %s;\n",
					child, cond.buf);
				goto next;
			}
			buf_reset(&err);
			if (vdb_int(d, sql.buf, &n, &err) < 0) {
				vcheck_error(&k, 1, "%s: %s: %s", d->u.shown, label.buf, err.buf);
				nerr++;
				goto next;
			}
			o = json_object();
			json_object_set_new(o, "table", json_string(t->name));
			json_object_set_new(o, "constraint", fk->name ? json_string(fk->name) : json_null());
			json_object_set_new(o, "references", json_string(fk->ref_table));
			json_object_set_new(o, "orphans", json_integer(n));
			json_array_append_new(arr, o);
			if (n > 0) {
				nbad++;
				orphans += (unsigned long long)n;
				buf_reset(&keys);
				if (c->max_keys) {
					buf_reset(&sql);
					buf_addf(&sql, "SELECT DISTINCT %s FROM %s _c WHERE %s", cols.buf, child, cond.buf);
					limit_clause(&sql, c->max_keys);
					buf_reset(&err);
					if (first_rows(d, sql.buf, fk->ncols, &keys, &err) < 0)
						vcheck_error(&k, 1, "%s: %s: %s", d->u.shown, label.buf, err.buf);
				}
				json_object_set_new(o, "missing_keys", json_string(keys.buf));
				vcheck_note(&k, "%s -> %s: %lld orphans%s%s", label.buf, fk->ref_table, n,
					    keys.len ? "; missing parents: " : "", keys.buf);
			}
next:
			free(child);
			free(parent);
			buf_release(&cond);
			buf_release(&label);
			buf_release(&cols);
		}
	}
	if (c->sql) {
		json_decref(k.obj);
		buf_release(&k.notes);
		goto out;
	}
	json_object_set_new(k.obj, "db", json_string(d->alias));
	json_object_set_new(k.obj, "constraints", arr);
	arr = NULL;
	json_object_set_new(k.obj, "orphans", json_integer((json_int_t)orphans));
	if (nerr)
		vcheck_end(&k, V_ERROR, "%zu of %zu foreign keys could not be checked, %zu have orphans", nerr, nfk,
			   nbad);
	else if (nbad)
		vcheck_end(&k, V_FAIL, "%zu of %zu foreign keys have orphans (%llu rows)", nbad, nfk, orphans);
	else
		vcheck_end(&k, V_PASS, "%zu foreign keys, no orphans", nfk);
out:
	json_decref(arr);
	catalog_release(&own);
	free(sfile);
	for (i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	buf_release(&w);
	buf_release(&err);
	buf_release(&sql);
	buf_release(&keys);
}

struct ukey {
	const struct cat_table *t;
	char *table;		/* for named tables not in the catalog */
	const char *what;	/* "primary key", "unique", "index", "columns" */
	const char *name;
	size_t ncols;
	char **cols;
	int owncols;
	int pk;
};

static void add_key(struct ukey **u, size_t *n, const struct cat_table *t, const char *what, const char *name,
		    size_t ncols, char **cols, int pk)
{
	*u = ereallocarray(*u, *n + 1, sizeof(**u));
	memset(&(*u)[*n], 0, sizeof(**u));
	(*u)[*n].t = t;
	(*u)[*n].what = what;
	(*u)[*n].name = name;
	(*u)[*n].ncols = ncols;
	(*u)[*n].cols = cols;
	(*u)[*n].pk = pk;
	(*n)++;
}

static void table_keys(struct ukey **u, size_t *n, const struct cat_table *t)
{
	size_t j;

	if (t->pk)
		add_key(u, n, t, "primary key", t->pk->name, t->pk->ncols, t->pk->cols, 1);
	for (j = 0; j < t->nuniq; j++)
		add_key(u, n, t, "unique", t->uniq[j].name, t->uniq[j].ncols, t->uniq[j].cols, 0);
	for (j = 0; j < t->nidx; j++)
		if (t->idx[j].unique)
			add_key(u, n, t, "unique index", t->idx[j].name, t->idx[j].ncols, t->idx[j].cols, 0);
}

void check_unique(struct vctx *c, const char *where, const char *args)
{
	struct vcheck k;
	struct buf w = BUF_INIT, err = BUF_INIT, sql = BUF_INIT, label = BUF_INIT, keys = BUF_INIT;
	const char *p = args;
	struct vdb *d;
	const struct catalog *cat;
	struct ukey *u = NULL;
	size_t nu = 0, i, j, nbad = 0, nerr = 0;
	unsigned long long dups = 0;
	int named = 0, db;
	json_t *arr = json_array();
	struct catalog own;
	char *sfile;

	vcheck_begin(&k, c, "unique", where, args);
	memset(&own, 0, sizeof(own));
	sfile = schema_word(args);
	d = pick_db(c, &p, &w);
	if (!d) {
		vcheck_error(&k, 0, "%s: unique: no target database (--target or 'target URL')", where);
		vcheck_end(&k, V_ERROR, "not run");
		goto out;
	}
	if (!(cat = check_catalog(d, sfile, &own, &err, &db))) {
		vcheck_error(&k, db, "%s: %s", db ? d->u.shown : "unique", err.buf);
		vcheck_end(&k, V_ERROR, "not run");
		goto out;
	}
	while (vtok(&p, &w)) {
		char *open = strchr(w.buf, '(');
		const struct cat_table *t;

		if (!strncmp(w.buf, "schema=", 7))
			continue;
		named = 1;
		if (open)
			*open = '\0';
		t = catalog_find(cat, strip_alias(d, w.buf));
		if (!t) {
			vcheck_error(&k, 1, "%s: unique: no table '%s' in %s", where, strip_alias(d, w.buf), d->alias);
			vcheck_end(&k, V_ERROR, "not run");
			goto out;
		}
		if (!open) {
			table_keys(&u, &nu, t);
			continue;
		}
		{
			char *cl = open + 1, *close = strchr(cl, ')');
			char **cols = NULL;
			size_t nc = 0;

			if (!close || close[1] || close == cl) {
				vcheck_error(&k, 0, "%s: unique: expected TABLE(COL,...)", where);
				vcheck_end(&k, V_ERROR, "not run");
				goto out;
			}
			*close = '\0';
			for (;;) {
				char *comma = strchr(cl, ',');

				cols = ereallocarray(cols, nc + 1, sizeof(char *));
				cols[nc++] = estrndup(cl, comma ? (size_t)(comma - cl) : strlen(cl));
				if (!comma)
					break;
				cl = comma + 1;
			}
			add_key(&u, &nu, t, "columns", NULL, nc, cols, 0);
			u[nu - 1].owncols = 1;
		}
	}
	if (!named)
		for (i = 0; i < cat->ntables; i++)
			table_keys(&u, &nu, &cat->tables[i]);
	if (c->sql)
		fprintf(c->sql, "\n-- %s: unique %s\n-- on %s (%s)\n", where, args, d->alias, d->u.shown);
	for (i = 0; i < nu; i++) {
		char *tid = table_ident(d, u[i].t->schema, u[i].t->name);
		struct buf cols = BUF_INIT, nn = BUF_INIT;
		struct vrows *q;
		const struct vfield *f;
		size_t n;
		long long groups = 0, extra = 0;
		json_t *o;

		buf_reset(&label);
		buf_addf(&label, "%s(", u[i].t->name);
		for (j = 0; j < u[i].ncols; j++) {
			char *ci = col_ident(d, NULL, u[i].cols[j]);

			buf_addf(&cols, "%s%s", j ? ", " : "", ci);
			buf_addf(&nn, "%s%s IS NOT NULL", j ? " AND " : "", ci);
			buf_addf(&label, "%s%s", j ? "," : "", u[i].cols[j]);
			free(ci);
		}
		buf_addc(&label, ')');
		buf_reset(&sql);
		buf_addf(&sql, "SELECT count(*), COALESCE(sum(_n - 1), 0) FROM (SELECT count(*) AS _n FROM %s WHERE %s "
			       "GROUP BY %s HAVING count(*) > 1) _d", tid, nn.buf, cols.buf);
		if (c->sql) {
			fprintf(c->sql, "SELECT ");
			vsql_lit(c->sql, label.buf);
			fprintf(c->sql, " AS \"check\", 0 AS expected, count(*) AS actual FROM (SELECT count(*) AS _n "
					"FROM %s WHERE %s GROUP BY %s HAVING count(*) > 1) _d;\n", tid, nn.buf, cols.buf);
			goto next;
		}
		buf_reset(&err);
		if (!(q = vrows_open(d, sql.buf, &err))) {
			vcheck_error(&k, 1, "%s: %s: %s", d->u.shown, label.buf, err.buf);
			nerr++;
			goto next;
		}
		if (vrows_next(q, &f, &n, &err) > 0 && n == 2) {
			strtonum_ok(f[0].v, 0, 1LL << 62, &groups);
			strtonum_ok(f[1].v, 0, 1LL << 62, &extra);
		}
		vrows_close(q);
		o = json_object();
		json_object_set_new(o, "table", json_string(u[i].t->name));
		json_object_set_new(o, "kind", json_string(u[i].what));
		json_object_set_new(o, "name", u[i].name ? json_string(u[i].name) : json_null());
		json_object_set_new(o, "columns", json_string(label.buf));
		json_object_set_new(o, "duplicate_keys", json_integer(groups));
		json_object_set_new(o, "duplicate_rows", json_integer(extra));
		json_array_append_new(arr, o);
		if (groups) {
			nbad++;
			dups += (unsigned long long)extra;
			buf_reset(&keys);
			if ((u[i].pk || c->show_values) && c->max_keys) {
				buf_reset(&sql);
				buf_addf(&sql, "SELECT %s FROM %s WHERE %s GROUP BY %s HAVING count(*) > 1", cols.buf, tid,
					 nn.buf, cols.buf);
				limit_clause(&sql, c->max_keys);
				if (first_rows(d, sql.buf, u[i].ncols, &keys, &err) < 0)
					vcheck_error(&k, 1, "%s: %s: %s", d->u.shown, label.buf, err.buf);
				json_object_set_new(o, "keys", json_string(keys.buf));
			}
			vcheck_note(&k, "%s %s: %lld values held by more than one row (%lld extra rows)%s%s", u[i].what,
				    label.buf, groups, extra, keys.len ? ": " : "", keys.buf);
		}
next:
		free(tid);
		buf_release(&cols);
		buf_release(&nn);
	}
	if (c->sql) {
		json_decref(k.obj);
		buf_release(&k.notes);
		goto out;
	}
	json_object_set_new(k.obj, "db", json_string(d->alias));
	json_object_set_new(k.obj, "keys", arr);
	arr = NULL;
	json_object_set_new(k.obj, "duplicate_rows", json_integer((json_int_t)dups));
	if (nerr)
		vcheck_end(&k, V_ERROR, "%zu of %zu keys could not be checked, %zu have duplicates", nerr, nu, nbad);
	else if (nbad)
		vcheck_end(&k, V_FAIL, "%zu of %zu keys have duplicates (%llu extra rows)", nbad, nu, dups);
	else
		vcheck_end(&k, V_PASS, "%zu keys, no duplicates", nu);
out:
	json_decref(arr);
	catalog_release(&own);
	free(sfile);
	for (i = 0; i < nu; i++)
		if (u[i].owncols) {
			for (j = 0; j < u[i].ncols; j++)
				free(u[i].cols[j]);
			free(u[i].cols);
		}
	free(u);
	buf_release(&w);
	buf_release(&err);
	buf_release(&sql);
	buf_release(&label);
	buf_release(&keys);
}

/* schema */

struct sdiff {
	json_t *items;
	struct buf md;
	size_t nchanged_tables;
};

static void change(json_t *items, const char *table, const char *kind, const char *item, const char *from,
		   const char *to)
{
	json_t *o = json_object();

	json_object_set_new(o, "table", json_string(table));
	json_object_set_new(o, "change", json_string(kind));
	json_object_set_new(o, "item", item ? json_string(item) : json_null());
	json_object_set_new(o, "from", from ? json_string(from) : json_null());
	json_object_set_new(o, "to", to ? json_string(to) : json_null());
	json_array_append_new(items, o);
}

static void join_cols(struct buf *b, char **cols, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		buf_addf(b, "%s%s", i ? "," : "", cols[i]);
}

static void col_text(struct buf *b, const struct cat_column *c)
{
	buf_reset(b);
	buf_addf(b, "%s%s", c->dbtype ? c->dbtype : "?", c->notnull ? " NOT NULL" : "");
	if (c->deflt)
		buf_addf(b, " DEFAULT %s", c->deflt);
}

static int streq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return !strcasecmp(a, b);
}

static const struct cat_table *find_by_name(const struct catalog *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->ntables; i++)
		if (!strcmp(c->tables[i].name, name))
			return &c->tables[i];
	return NULL;
}

static void fk_text(struct buf *b, const struct cat_fk *f)
{
	buf_reset(b);
	buf_addc(b, '(');
	join_cols(b, f->cols, f->ncols);
	buf_addf(b, ") -> %s(", f->ref_table);
	join_cols(b, f->ref_cols, f->ncols);
	buf_addc(b, ')');
	/* RESTRICT is what MariaDB calls the default NO ACTION */
	if (f->on_delete && strcasecmp(f->on_delete, "NO ACTION") && strcasecmp(f->on_delete, "RESTRICT"))
		buf_addf(b, " ON DELETE %s", f->on_delete);
	if (f->on_update && strcasecmp(f->on_update, "NO ACTION") && strcasecmp(f->on_update, "RESTRICT"))
		buf_addf(b, " ON UPDATE %s", f->on_update);
}

static void cat_push_text(char ***v, size_t *n, const char *s)
{
	*v = ereallocarray(*v, *n + 1, sizeof(char *));
	(*v)[(*n)++] = estrdup(s);
}

/* Keys (unique constraints, unique indexes, plain indexes, fks) as sets of texts. */
static void key_texts(const struct cat_table *t, int what, char ***out, size_t *n)
{
	struct buf b = BUF_INIT;
	size_t j;

	*out = NULL;
	*n = 0;
	if (what == 0) {
		for (j = 0; j < t->nuniq; j++) {
			buf_reset(&b);
			join_cols(&b, t->uniq[j].cols, t->uniq[j].ncols);
			cat_push_text(out, n, b.buf);
		}
		for (j = 0; j < t->nidx; j++)
			if (t->idx[j].unique) {
				buf_reset(&b);
				join_cols(&b, t->idx[j].cols, t->idx[j].ncols);
				cat_push_text(out, n, b.buf);
			}
	} else if (what == 1) {
		for (j = 0; j < t->nidx; j++)
			if (!t->idx[j].unique) {
				buf_reset(&b);
				join_cols(&b, t->idx[j].cols, t->idx[j].ncols);
				cat_push_text(out, n, b.buf);
			}
	} else {
		for (j = 0; j < t->nfk; j++) {
			fk_text(&b, &t->fks[j]);
			cat_push_text(out, n, b.buf);
		}
	}
	buf_release(&b);
}

static int has_text(char **v, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return 1;
	return 0;
}

static void free_texts(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static const struct cat_check *find_check(const struct cat_table *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->nchk; i++)
		if (!strcmp(t->chk[i].name, name))
			return &t->chk[i];
	return NULL;
}

/*
 * CHECK constraints, matched by name.  Each server spells a condition its
 * own way (PostgreSQL adds casts and ANY (ARRAY[...]), MariaDB keeps the
 * text as written), so their texts are compared only when both sides are
 * of one dialect (defs).
 */
static void diff_checks(json_t *items, const struct cat_table *a, const struct cat_table *b, int defs)
{
	const struct cat_check *o;
	size_t i;

	for (i = 0; i < a->nchk; i++) {
		if (!(o = find_check(b, a->chk[i].name)))
			change(items, a->name, "check removed", a->chk[i].name, a->chk[i].def, NULL);
		else if (defs && strcmp(a->chk[i].def ? a->chk[i].def : "", o->def ? o->def : ""))
			change(items, a->name, "check changed", a->chk[i].name, a->chk[i].def, o->def);
	}
	for (i = 0; i < b->nchk; i++)
		if (!find_check(a, b->chk[i].name))
			change(items, a->name, "check added", b->chk[i].name, NULL, b->chk[i].def);
}

static void diff_table(json_t *items, const struct cat_table *a, const struct cat_table *b, int checks)
{
	struct buf x = BUF_INIT, y = BUF_INIT;
	size_t i, w;
	static const char *const kinds[3][2] = {
		{ "unique removed", "unique added" },
		{ "index removed", "index added" },
		{ "foreign key removed", "foreign key added" },
	};

	for (i = 0; i < a->ncols; i++) {
		const struct cat_column *ca = &a->cols[i], *cb = NULL;
		size_t j;

		for (j = 0; j < b->ncols; j++)
			if (!strcmp(b->cols[j].name, ca->name))
				cb = &b->cols[j];
		col_text(&x, ca);
		if (!cb) {
			change(items, a->name, "column removed", ca->name, x.buf, NULL);
			continue;
		}
		col_text(&y, cb);
		if (!streq(ca->dbtype, cb->dbtype) || ca->type != cb->type)
			change(items, a->name, "type changed", ca->name, ca->dbtype, cb->dbtype);
		if (ca->notnull != cb->notnull)
			change(items, a->name, "nullability changed", ca->name, ca->notnull ? "NOT NULL" : "NULL",
			       cb->notnull ? "NOT NULL" : "NULL");
		if (!streq(ca->deflt, cb->deflt))
			change(items, a->name, "default changed", ca->name, ca->deflt, cb->deflt);
	}
	for (i = 0; i < b->ncols; i++) {
		size_t j;
		int found = 0;

		for (j = 0; j < a->ncols; j++)
			if (!strcmp(a->cols[j].name, b->cols[i].name))
				found = 1;
		if (!found) {
			col_text(&y, &b->cols[i]);
			change(items, a->name, "column added", b->cols[i].name, NULL, y.buf);
		}
	}
	buf_reset(&x);
	buf_reset(&y);
	if (a->pk)
		join_cols(&x, a->pk->cols, a->pk->ncols);
	if (b->pk)
		join_cols(&y, b->pk->cols, b->pk->ncols);
	if (strcmp(x.buf, y.buf))
		change(items, a->name, "primary key changed", NULL, a->pk ? x.buf : NULL, b->pk ? y.buf : NULL);
	for (w = 0; w < 3; w++) {
		char **ta, **tb;
		size_t na, nb;

		key_texts(a, (int)w, &ta, &na);
		key_texts(b, (int)w, &tb, &nb);
		for (i = 0; i < na; i++)
			if (!has_text(tb, nb, ta[i]))
				change(items, a->name, kinds[w][0], ta[i], NULL, NULL);
		for (i = 0; i < nb; i++)
			if (!has_text(ta, na, tb[i]))
				change(items, a->name, kinds[w][1], tb[i], NULL, NULL);
		free_texts(ta, na);
		free_texts(tb, nb);
	}
	if (checks)
		diff_checks(items, a, b, checks > 1);
	buf_release(&x);
	buf_release(&y);
}

static void md_cell(struct buf *md, const char *s, int code)
{
	buf_adds(md, " | ");
	if (!s)
		return;
	if (code)
		buf_addc(md, '`');
	for (; *s; s++) {
		if (*s == '|')
			buf_addc(md, '\\');
		buf_addc(md, *s == '\n' ? ' ' : *s);
	}
	if (code)
		buf_addc(md, '`');
}

static void markdown(struct buf *md, json_t *items, const char *an, const char *bn, const struct catalog *a,
		     const struct catalog *b)
{
	size_t i, n = json_array_size(items), added = 0, removed = 0;
	const char *last = NULL;
	struct buf changed = BUF_INIT;

	buf_addf(md, "# Schema diff\n\nFrom **%s** (%s, %zu tables) to **%s** (%s, %zu tables).\n\n", an,
		 a->dialect ? a->dialect : "?", a->ntables, bn, b->dialect ? b->dialect : "?", b->ntables);
	for (i = 0; i < n; i++) {
		const char *c = json_string_value(json_object_get(json_array_get(items, i), "change"));

		added += !strcmp(c, "table added");
		removed += !strcmp(c, "table removed");
	}
	if (!n) {
		buf_adds(md, "No differences.\n");
		return;
	}
	buf_addf(md, "%zu differences: %zu tables added, %zu tables removed.\n", n, added, removed);
	for (i = 0; i < n; i++) {
		json_t *o = json_array_get(items, i);
		const char *t = json_string_value(json_object_get(o, "table"));
		const char *c = json_string_value(json_object_get(o, "change"));

		if (!strcmp(c, "table added") || !strcmp(c, "table removed"))
			continue;
		if (!last || strcmp(last, t)) {
			buf_addf(&changed, "\n### `%s`\n\n| change | item | from | to |\n|---|---|---|---|\n", t);
			last = t;
		}
		buf_adds(&changed, "| ");
		buf_adds(&changed, c);
		md_cell(&changed, json_string_value(json_object_get(o, "item")), 1);
		md_cell(&changed, json_string_value(json_object_get(o, "from")), 0);
		md_cell(&changed, json_string_value(json_object_get(o, "to")), 0);
		buf_adds(&changed, " |\n");
	}
	if (added || removed) {
		buf_adds(md, "\n## Tables added and removed\n\n| change | table | columns |\n|---|---|---|\n");
		for (i = 0; i < n; i++) {
			json_t *o = json_array_get(items, i);
			const char *c = json_string_value(json_object_get(o, "change"));

			if (strcmp(c, "table added") && strcmp(c, "table removed"))
				continue;
			buf_addf(md, "| %s", c);
			md_cell(md, json_string_value(json_object_get(o, "table")), 1);
			md_cell(md, json_string_value(json_object_get(o, !strcmp(c, "table added") ? "to" : "from")), 0);
			buf_adds(md, " |\n");
		}
	}
	if (changed.len) {
		buf_adds(md, "\n## Tables changed\n");
		buf_add(md, changed.buf, changed.len);
	}
	buf_release(&changed);
}

static int load_side(struct vctx *c, const char *name, const struct catalog **out, struct catalog *own,
		     const char **label, struct buf *err, int *db)
{
	struct vdb *d = vdb_find(c, name, strlen(name));

	*db = 0;
	if (d) {
		*label = d->u.shown;
		*db = 1;
		return (*out = vdb_catalog(d, err)) ? 0 : -1;
	} else {
		json_error_t je;
		json_t *j = json_load_file(name, 0, &je);

		*label = name;
		if (!j) {
			buf_addf(err, "%s:%d: %s", name, je.line, je.text);
			return -1;
		}
		if (catalog_from_json(j, own, err) < 0) {
			json_decref(j);
			return -1;
		}
		json_decref(j);
		*out = own;
		return 0;
	}
}

static int write_file(const char *path, const char *s, size_t n)
{
	FILE *fp = fopen(path, "w");

	if (!fp)
		return -1;
	fwrite(s, 1, n, fp);
	if (fclose(fp) != 0)
		return -1;
	return 0;
}

void check_schema(struct vctx *c, const char *where, const char *args)
{
	struct vcheck k;
	struct buf w = BUF_INIT, err = BUF_INIT, md = BUF_INIT, cols = BUF_INIT;
	const char *p = args, *la, *lb;
	char *side[2] = { NULL, NULL }, *mdpath = NULL, *jpath = NULL;
	int nofail = 0, db, nside = 0, checks;
	struct catalog own[2];
	const struct catalog *cat[2] = { NULL, NULL };
	json_t *items = json_array();
	size_t i;

	memset(own, 0, sizeof(own));
	vcheck_begin(&k, c, "schema", where, args);
	while (vtok(&p, &w)) {
		if (!strncmp(w.buf, "md=", 3))
			mdpath = estrdup(w.buf + 3);
		else if (!strncmp(w.buf, "json=", 5))
			jpath = estrdup(w.buf + 5);
		else if (!strcmp(w.buf, "nofail"))
			nofail = 1;
		else if (nside < 2)
			side[nside++] = estrdup(w.buf);
		else
			nside = 3;
	}
	if (nside != 2) {
		vcheck_error(&k, 0, "%s: schema: expected 'schema A B [md=FILE] [json=FILE] [nofail]'", where);
		vcheck_end(&k, V_ERROR, "not run");
		goto out;
	}
	if (c->sql) {
		fprintf(c->sql, "\n-- %s: schema %s: compares two catalogs; run mig-verify\n", where, args);
		json_decref(k.obj);
		buf_release(&k.notes);
		goto out;
	}
	if (load_side(c, side[0], &cat[0], &own[0], &la, &err, &db) < 0 ||
	    load_side(c, side[1], &cat[1], &own[1], &lb, &err, &db) < 0) {
		vcheck_error(&k, db, "%s", err.buf);
		vcheck_end(&k, V_ERROR, "not run");
		goto out;
	}
	/* SQLite's checks are not read: against it, none are compared. */
	checks = streq(cat[0]->dialect, "sqlite") || streq(cat[1]->dialect, "sqlite") ? 0
		: streq(cat[0]->dialect, cat[1]->dialect) ? 2 : 1;
	for (i = 0; i < cat[0]->ntables; i++) {
		const struct cat_table *a = &cat[0]->tables[i], *b = find_by_name(cat[1], a->name);

		if (!b) {
			buf_reset(&cols);
			buf_addf(&cols, "%zu", a->ncols);
			change(items, a->name, "table removed", NULL, cols.buf, NULL);
			continue;
		}
		diff_table(items, a, b, checks);
	}
	for (i = 0; i < cat[1]->ntables; i++)
		if (!find_by_name(cat[0], cat[1]->tables[i].name)) {
			buf_reset(&cols);
			buf_addf(&cols, "%zu", cat[1]->tables[i].ncols);
			change(items, cat[1]->tables[i].name, "table added", NULL, NULL, cols.buf);
		}
	markdown(&md, items, side[0], side[1], cat[0], cat[1]);
	if (mdpath && write_file(mdpath, md.buf, md.len) < 0)
		vcheck_error(&k, 0, "%s: cannot write: %s", mdpath, strerror(errno));
	if (jpath) {
		json_t *j = json_object();

		json_object_set_new(j, "from", json_string(side[0]));
		json_object_set_new(j, "to", json_string(side[1]));
		json_object_set_new(j, "differences", json_incref(items));
		if (json_dump_file(j, jpath, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0)
			vcheck_error(&k, 0, "%s: cannot write", jpath);
		json_decref(j);
	}
	for (i = 0; i < json_array_size(items) && i < c->max_keys; i++) {
		json_t *o = json_array_get(items, i);
		const char *it = json_string_value(json_object_get(o, "item"));
		const char *f = json_string_value(json_object_get(o, "from"));
		const char *t = json_string_value(json_object_get(o, "to"));

		vcheck_note(&k, "%s: %s%s%s%s%s%s%s", json_string_value(json_object_get(o, "table")),
			    json_string_value(json_object_get(o, "change")), it ? " " : "", it ? it : "",
			    f || t ? ": " : "", f ? f : "", f && t ? " -> " : "", t ? t : "");
	}
	json_object_set_new(k.obj, "from", json_string(la));
	json_object_set_new(k.obj, "to", json_string(lb));
	json_object_set_new(k.obj, "differences", items);
	if (mdpath)
		json_object_set_new(k.obj, "markdown", json_string(mdpath));
	{
		size_t n = json_array_size(items);

		items = NULL;
		if (n && !nofail)
			vcheck_end(&k, V_FAIL, "%zu differences", n);
		else
			vcheck_end(&k, V_PASS, n ? "%zu differences (nofail)" : "%zu differences", n);
	}
out:
	json_decref(items);
	catalog_release(&own[0]);
	catalog_release(&own[1]);
	free(side[0]);
	free(side[1]);
	free(mdpath);
	free(jpath);
	buf_release(&w);
	buf_release(&err);
	buf_release(&md);
	buf_release(&cols);
}
