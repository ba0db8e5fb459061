/*
 * catalog.c - reading a catalog: the dispatch to the dialect readers
 * (catalog-pg.c, catalog-my.c, catalog-sqlite.c) and the JSON form.  The
 * structure and its builders are in catalog-model.c, below both this file
 * and the readers.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog.h"
#include "util.h"
#include "banned.h"

int catalog_read(const struct dburl *u, void *conn, const char *const *tables,
		 struct catalog *out, struct buf *err)
{
	int r;

	memset(out, 0, sizeof(*out));
	switch (u->kind) {
	case DB_PG:
		out->dialect = estrdup("postgresql");
		r = cat_read_pg(conn, tables, out, err);
		break;
	case DB_MY:
		out->dialect = estrdup("mariadb");
		r = cat_read_my(conn, tables, out, err);
		break;
	case DB_SQLITE:
		out->dialect = estrdup("sqlite");
		r = cat_read_sqlite(conn, tables, out, err);
		break;
	default:
		buf_reset(err);
		buf_adds(err, "CSV files have no catalog");
		return -1;
	}
	if (r < 0) {
		catalog_release(out);
		return r == CAT_AGAIN ? r : -1;
	}
	if (!tables)
		cat_drop_bookkeeping(out);
	return 0;
}

/* JSON */

static json_t *jstr(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *jstrv(char **v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static json_t *jkey(const struct cat_key *k)
{
	json_t *o = json_object();

	json_object_set_new(o, "name", jstr(k->name));
	json_object_set_new(o, "columns", jstrv(k->cols, k->ncols));
	return o;
}

json_t *catalog_to_json(const struct catalog *c)
{
	json_t *root = json_object(), *tabs = json_array();
	size_t i, j;

	json_object_set_new(root, "mig_schema", json_integer(1));
	json_object_set_new(root, "dialect", jstr(c->dialect));
	for (i = 0; i < c->ntables; i++) {
		const struct cat_table *t = &c->tables[i];
		json_t *o = json_object(), *cols = json_array(), *a;

		json_object_set_new(o, "schema", jstr(t->schema));
		json_object_set_new(o, "name", jstr(t->name));
		json_object_set_new(o, "est_rows", json_integer(t->est_rows));
		for (j = 0; j < t->ncols; j++) {
			const struct cat_column *col = &t->cols[j];
			json_t *co = json_object();

			json_object_set_new(co, "name", jstr(col->name));
			json_object_set_new(co, "dbtype", jstr(col->dbtype));
			json_object_set_new(co, "type", json_string(col->type == MIG_T_ANY ? "any" : mig_type_name(col->type)));
			json_object_set_new(co, "notnull", json_boolean(col->notnull));
			json_object_set_new(co, "default", jstr(col->deflt));
			/* Only when set: schemas saved before the member existed read the same. */
			if (col->autogen)
				json_object_set_new(co, "autogen", json_true());
			json_array_append_new(cols, co);
		}
		json_object_set_new(o, "columns", cols);
		json_object_set_new(o, "primary_key", t->pk ? jkey(t->pk) : json_null());
		a = json_array();
		for (j = 0; j < t->nuniq; j++)
			json_array_append_new(a, jkey(&t->uniq[j]));
		json_object_set_new(o, "unique", a);
		a = json_array();
		for (j = 0; j < t->nfk; j++) {
			const struct cat_fk *f = &t->fks[j];
			json_t *fo = json_object();

			json_object_set_new(fo, "name", jstr(f->name));
			json_object_set_new(fo, "columns", jstrv(f->cols, f->ncols));
			json_object_set_new(fo, "ref_schema", jstr(f->ref_schema));
			json_object_set_new(fo, "ref_table", jstr(f->ref_table));
			json_object_set_new(fo, "ref_columns", jstrv(f->ref_cols, f->ncols));
			json_object_set_new(fo, "on_delete", jstr(f->on_delete));
			json_object_set_new(fo, "on_update", jstr(f->on_update));
			json_object_set_new(fo, "def", jstr(f->def));
			json_array_append_new(a, fo);
		}
		json_object_set_new(o, "foreign_keys", a);
		a = json_array();
		for (j = 0; j < t->nidx; j++) {
			const struct cat_index *x = &t->idx[j];
			json_t *xo = json_object();

			json_object_set_new(xo, "name", jstr(x->name));
			json_object_set_new(xo, "unique", json_boolean(x->unique));
			json_object_set_new(xo, "columns", jstrv(x->cols, x->ncols));
			json_object_set_new(xo, "def", jstr(x->def));
			json_array_append_new(a, xo);
		}
		json_object_set_new(o, "indexes", a);
		/* Only when there are some, as "autogen": older files read the same. */
		if (t->nchk) {
			a = json_array();
			for (j = 0; j < t->nchk; j++) {
				json_t *ko = json_object();

				json_object_set_new(ko, "name", jstr(t->chk[j].name));
				json_object_set_new(ko, "def", jstr(t->chk[j].def));
				json_array_append_new(a, ko);
			}
			json_object_set_new(o, "checks", a);
		}
		json_array_append_new(tabs, o);
	}
	json_object_set_new(root, "tables", tabs);
	return root;
}

/* Reading JSON back: every member is checked, so a hand-edited file fails clearly. */

static int jerr(struct buf *err, const char *where, const char *what)
{
	buf_reset(err);
	buf_addf(err, "%s: %s", where, what);
	return -1;
}

static int get_str(const json_t *o, const char *k, int nullable, char **out, struct buf *err, const char *where)
{
	json_t *v = json_object_get(o, k);

	*out = NULL;
	if ((!v || json_is_null(v)) && nullable)
		return 0;
	if (!json_is_string(v)) {
		buf_reset(err);
		buf_addf(err, "%s: member '%s' must be a string", where, k);
		return -1;
	}
	*out = estrdup(json_string_value(v));
	return 0;
}

static int get_strv(const json_t *o, const char *k, char ***v, size_t *n, struct buf *err, const char *where)
{
	json_t *a = json_object_get(o, k), *e;
	size_t i;

	*v = NULL;
	*n = 0;
	if (!json_is_array(a)) {
		buf_reset(err);
		buf_addf(err, "%s: member '%s' must be an array of strings", where, k);
		return -1;
	}
	json_array_foreach(a, i, e) {
		if (!json_is_string(e)) {
			buf_reset(err);
			buf_addf(err, "%s: member '%s' must be an array of strings", where, k);
			return -1;
		}
		cat_push(v, n, json_string_value(e));
	}
	return 0;
}

static int get_key(const json_t *o, struct cat_key *k, struct buf *err, const char *where)
{
	if (!json_is_object(o))
		return jerr(err, where, "a key must be an object");
	if (get_str(o, "name", 1, &k->name, err, where) < 0)
		return -1;
	return get_strv(o, "columns", &k->cols, &k->ncols, err, where);
}

static int table_from_json(const json_t *o, struct cat_table *t, struct buf *err)
{
	json_t *a, *e, *v;
	size_t i;
	char where[64];

	if (!json_is_object(o))
		return jerr(err, "tables", "each table must be an object");
	if (get_str(o, "schema", 1, &t->schema, err, "table") < 0 ||
	    get_str(o, "name", 0, &t->name, err, "table") < 0)
		return -1;
	snprintf(where, sizeof(where), "table '%.40s'", t->name);
	v = json_object_get(o, "est_rows");
	if (v && !json_is_null(v)) {
		if (!json_is_integer(v))
			return jerr(err, where, "member 'est_rows' must be an integer");
		t->est_rows = json_integer_value(v);
	}
	a = json_object_get(o, "columns");
	if (!json_is_array(a))
		return jerr(err, where, "member 'columns' must be an array");
	json_array_foreach(a, i, e) {
		struct cat_column *col = cat_add_column(t);
		const char *ts;

		if (!json_is_object(e))
			return jerr(err, where, "each column must be an object");
		if (get_str(e, "name", 0, &col->name, err, where) < 0 ||
		    get_str(e, "dbtype", 1, &col->dbtype, err, where) < 0 ||
		    get_str(e, "default", 1, &col->deflt, err, where) < 0)
			return -1;
		v = json_object_get(e, "type");
		ts = json_string_value(v);
		if (!ts)
			return jerr(err, where, "member 'type' must be a string");
		if (!strcmp(ts, "any") || !*ts)
			col->type = MIG_T_ANY;
		else if (mig_type_parse(ts, strlen(ts), &col->type) < 0)
			return jerr(err, where, "unknown column type");
		col->notnull = json_is_true(json_object_get(e, "notnull"));
		col->autogen = json_is_true(json_object_get(e, "autogen"));
	}
	v = json_object_get(o, "primary_key");
	if (v && !json_is_null(v)) {
		t->pk = ecalloc(1, sizeof(*t->pk));
		if (get_key(v, t->pk, err, where) < 0)
			return -1;
	}
	a = json_object_get(o, "unique");
	if (a && !json_is_array(a))
		return jerr(err, where, "member 'unique' must be an array");
	json_array_foreach(a, i, e)
		if (get_key(e, cat_add_uniq(t), err, where) < 0)
			return -1;
	a = json_object_get(o, "foreign_keys");
	if (a && !json_is_array(a))
		return jerr(err, where, "member 'foreign_keys' must be an array");
	json_array_foreach(a, i, e) {
		struct cat_fk *f = cat_add_fk(t);
		size_t nref;

		if (!json_is_object(e))
			return jerr(err, where, "each foreign key must be an object");
		if (get_str(e, "name", 1, &f->name, err, where) < 0 ||
		    get_strv(e, "columns", &f->cols, &f->ncols, err, where) < 0 ||
		    get_str(e, "ref_schema", 1, &f->ref_schema, err, where) < 0 ||
		    get_str(e, "ref_table", 0, &f->ref_table, err, where) < 0 ||
		    get_strv(e, "ref_columns", &f->ref_cols, &nref, err, where) < 0 ||
		    get_str(e, "on_delete", 1, &f->on_delete, err, where) < 0 ||
		    get_str(e, "on_update", 1, &f->on_update, err, where) < 0 ||
		    get_str(e, "def", 1, &f->def, err, where) < 0)
			return -1;
		if (nref != f->ncols) {
			/* keep the release path consistent: ref_cols is freed with ncols entries */
			size_t j;

			for (j = 0; j < nref; j++)
				free(f->ref_cols[j]);
			free(f->ref_cols);
			f->ref_cols = NULL;
			f->ncols = 0;
			return jerr(err, where, "a foreign key's 'columns' and 'ref_columns' differ in length");
		}
	}
	a = json_object_get(o, "indexes");
	if (a && !json_is_array(a))
		return jerr(err, where, "member 'indexes' must be an array");
	json_array_foreach(a, i, e) {
		struct cat_index *x = cat_add_index(t);

		if (!json_is_object(e))
			return jerr(err, where, "each index must be an object");
		x->unique = json_is_true(json_object_get(e, "unique"));
		if (get_str(e, "name", 1, &x->name, err, where) < 0 ||
		    get_strv(e, "columns", &x->cols, &x->ncols, err, where) < 0 ||
		    get_str(e, "def", 1, &x->def, err, where) < 0)
			return -1;
	}
	a = json_object_get(o, "checks");
	if (a && !json_is_array(a))
		return jerr(err, where, "member 'checks' must be an array");
	json_array_foreach(a, i, e) {
		struct cat_check *k = cat_add_check(t);

		if (!json_is_object(e))
			return jerr(err, where, "each check must be an object");
		if (get_str(e, "name", 0, &k->name, err, where) < 0 ||
		    get_str(e, "def", 0, &k->def, err, where) < 0)
			return -1;
	}
	return 0;
}

int catalog_from_json(const json_t *j, struct catalog *out, struct buf *err)
{
	json_t *a, *e;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(j))
		return jerr(err, "schema", "not a JSON object");
	if (get_str(j, "dialect", 1, &out->dialect, err, "schema") < 0)
		goto fail;
	a = json_object_get(j, "tables");
	if (!json_is_array(a)) {
		jerr(err, "schema", "member 'tables' must be an array");
		goto fail;
	}
	json_array_foreach(a, i, e)
		if (table_from_json(e, cat_add_table(out), err) < 0)
			goto fail;
	return 0;
fail:
	catalog_release(out);
	return -1;
}
