/*
 * catalog.c - the dialect-independent half of the catalog: lookup, release,
 * the JSON form and the native-type to mig-type mappings.  The readers
 * live in catalog-pg.c, catalog-my.c and catalog-sqlite.c.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog.h"
#include "util.h"

static void table_release(struct cat_table *t);

/*
 * mig-load keeps its checkpoints and saved constraint definitions in
 * tables named _mig_*; they are the tool's, not the application's, so a
 * catalog of "every table" leaves them out (a schema diff or an FK check
 * of the target then sees only what the migration was about).
 */
static void drop_bookkeeping(struct catalog *c)
{
	size_t i, n = 0;

	for (i = 0; i < c->ntables; i++) {
		if (!strncmp(c->tables[i].name, "_mig_", 5))
			table_release(&c->tables[i]);
		else
			c->tables[n++] = c->tables[i];
	}
	c->ntables = n;
}

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
		drop_bookkeeping(out);
	return 0;
}

struct cat_table *cat_add_table(struct catalog *c)
{
	struct cat_table *t;

	c->tables = ereallocarray(c->tables, c->ntables + 1, sizeof(*c->tables));
	t = &c->tables[c->ntables++];
	memset(t, 0, sizeof(*t));
	t->est_rows = -1;
	return t;
}

void cat_wait(int n)
{
	sleep_ms(10L << (n - 1));
}

void cat_truncate(struct catalog *c, size_t n)
{
	while (c->ntables > n)
		table_release(&c->tables[--c->ntables]);
}

struct cat_column *cat_add_column(struct cat_table *t)
{
	struct cat_column *col;

	t->cols = ereallocarray(t->cols, t->ncols + 1, sizeof(*t->cols));
	col = &t->cols[t->ncols++];
	memset(col, 0, sizeof(*col));
	return col;
}

struct cat_key *cat_add_uniq(struct cat_table *t)
{
	struct cat_key *k;

	t->uniq = ereallocarray(t->uniq, t->nuniq + 1, sizeof(*t->uniq));
	k = &t->uniq[t->nuniq++];
	memset(k, 0, sizeof(*k));
	return k;
}

struct cat_fk *cat_add_fk(struct cat_table *t)
{
	struct cat_fk *f;

	t->fks = ereallocarray(t->fks, t->nfk + 1, sizeof(*t->fks));
	f = &t->fks[t->nfk++];
	memset(f, 0, sizeof(*f));
	return f;
}

struct cat_index *cat_add_index(struct cat_table *t)
{
	struct cat_index *x;

	t->idx = ereallocarray(t->idx, t->nidx + 1, sizeof(*t->idx));
	x = &t->idx[t->nidx++];
	memset(x, 0, sizeof(*x));
	return x;
}

struct cat_check *cat_add_check(struct cat_table *t)
{
	struct cat_check *c;

	t->chk = ereallocarray(t->chk, t->nchk + 1, sizeof(*t->chk));
	c = &t->chk[t->nchk++];
	memset(c, 0, sizeof(*c));
	return c;
}

void cat_push(char ***v, size_t *n, const char *s)
{
	*v = ereallocarray(*v, *n + 1, sizeof(**v));
	(*v)[(*n)++] = estrdup(s);
}

char *cat_strdup0(const char *s)
{
	return s ? estrdup(s) : NULL;
}

static void free_strv(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void key_release(struct cat_key *k)
{
	free(k->name);
	free_strv(k->cols, k->ncols);
}

static void table_release(struct cat_table *t)
{
	size_t i;

	free(t->schema);
	free(t->name);
	for (i = 0; i < t->ncols; i++) {
		free(t->cols[i].name);
		free(t->cols[i].dbtype);
		free(t->cols[i].deflt);
	}
	free(t->cols);
	if (t->pk) {
		key_release(t->pk);
		free(t->pk);
	}
	for (i = 0; i < t->nuniq; i++)
		key_release(&t->uniq[i]);
	free(t->uniq);
	for (i = 0; i < t->nfk; i++) {
		struct cat_fk *f = &t->fks[i];

		free(f->name);
		free_strv(f->cols, f->ncols);
		free(f->ref_schema);
		free(f->ref_table);
		free_strv(f->ref_cols, f->ncols);
		free(f->on_delete);
		free(f->on_update);
		free(f->def);
	}
	free(t->fks);
	for (i = 0; i < t->nidx; i++) {
		free(t->idx[i].name);
		free_strv(t->idx[i].cols, t->idx[i].ncols);
		free(t->idx[i].def);
	}
	free(t->idx);
	for (i = 0; i < t->nchk; i++) {
		free(t->chk[i].name);
		free(t->chk[i].def);
	}
	free(t->chk);
}

void catalog_release(struct catalog *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->ntables; i++)
		table_release(&c->tables[i]);
	free(c->tables);
	free(c->dialect);
	memset(c, 0, sizeof(*c));
}

/*
 * "schema.table" matches only that table; a bare "table" matches the
 * first table of that name, which for PostgreSQL is the one the search
 * path shows, since the reader lists tables in the order asked.
 */
const struct cat_table *catalog_find(const struct catalog *c, const char *name)
{
	const char *dot = strchr(name, '.');
	size_t i;

	for (i = 0; i < c->ntables; i++) {
		const struct cat_table *t = &c->tables[i];

		if (!strcmp(t->name, name))
			return t;
		if (dot && t->schema && strlen(t->schema) == (size_t)(dot - name) &&
		    !memcmp(t->schema, name, (size_t)(dot - name)) && !strcmp(t->name, dot + 1))
			return t;
	}
	return NULL;
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

/* Type mappings */

static int has_word(const char *s, const char *w)
{
	return strcasestr(s, w) != NULL;
}

enum mig_type cat_pg_type(const char *t, char typtype, char typcat)
{
	if (typtype == 'e' || typcat == 'A')
		return MIG_T_TEXT;
	if (!strcmp(t, "smallint") || !strcmp(t, "integer") || !strcmp(t, "bigint") || !strcmp(t, "oid"))
		return MIG_T_INT;
	if (!strcmp(t, "real") || !strcmp(t, "double precision"))
		return MIG_T_FLOAT;
	if (!strncmp(t, "numeric", 7))
		return MIG_T_NUMERIC;
	if (!strcmp(t, "boolean"))
		return MIG_T_BOOL;
	if (!strcmp(t, "bytea"))
		return MIG_T_BYTES;
	if (!strcmp(t, "date"))
		return MIG_T_DATE;
	if (!strncmp(t, "time without time zone", 22) || (!strncmp(t, "time(", 5) && strstr(t, "without")))
		return MIG_T_TIME;
	if (!strncmp(t, "timestamp", 9))
		return strstr(t, "with time zone") && !strstr(t, "without") ? MIG_T_TIMESTAMPTZ : MIG_T_TIMESTAMP;
	if (!strcmp(t, "uuid"))
		return MIG_T_UUID;
	if (!strcmp(t, "json") || !strcmp(t, "jsonb"))
		return MIG_T_JSON;
	return MIG_T_TEXT;
}

enum mig_type cat_my_type(const char *data_type, const char *column_type, int tinyint1_bool)
{
	const char *d = data_type;

	if (!strcasecmp(d, "tinyint") && tinyint1_bool && !strncasecmp(column_type, "tinyint(1)", 10) &&
	    !has_word(column_type, "unsigned"))
		return MIG_T_BOOL;
	if (!strcasecmp(d, "bit"))
		return !strcasecmp(column_type, "bit(1)") ? MIG_T_BOOL : MIG_T_INT;
	if (!strcasecmp(d, "tinyint") || !strcasecmp(d, "smallint") || !strcasecmp(d, "mediumint") ||
	    !strcasecmp(d, "int") || !strcasecmp(d, "integer") || !strcasecmp(d, "bigint") ||
	    !strcasecmp(d, "year"))
		return MIG_T_INT;
	if (!strcasecmp(d, "float") || !strcasecmp(d, "double") || !strcasecmp(d, "real"))
		return MIG_T_FLOAT;
	if (!strcasecmp(d, "decimal") || !strcasecmp(d, "numeric"))
		return MIG_T_NUMERIC;
	if (!strcasecmp(d, "date"))
		return MIG_T_DATE;
	if (!strcasecmp(d, "time"))
		return MIG_T_TIME;
	if (!strcasecmp(d, "datetime"))
		return MIG_T_TIMESTAMP;
	if (!strcasecmp(d, "timestamp"))
		return MIG_T_TIMESTAMPTZ;
	if (!strcasecmp(d, "json"))
		return MIG_T_JSON;
	if (!strcasecmp(d, "uuid"))
		return MIG_T_UUID;
	if (has_word(d, "blob") || has_word(d, "binary") || !strcasecmp(d, "geometry") ||
	    !strcasecmp(d, "point") || !strcasecmp(d, "linestring") || !strcasecmp(d, "polygon"))
		return MIG_T_BYTES;
	return MIG_T_TEXT;
}

/*
 * SQLite's declared types are free text; the affinity rules of
 * https://sqlite.org/datatype3.html section 3.1 decide storage, and common
 * spellings (DATE, DATETIME, BOOLEAN, DECIMAL, UUID, JSON) refine that
 * into what the application meant.
 */
enum mig_type cat_sqlite_type(const char *t)
{
	if (!t || !*t)
		return MIG_T_ANY;
	if (has_word(t, "int"))
		return MIG_T_INT;
	if (has_word(t, "char") || has_word(t, "clob") || has_word(t, "text"))
		return has_word(t, "uuid") ? MIG_T_UUID : MIG_T_TEXT;
	if (has_word(t, "blob"))
		return MIG_T_BYTES;
	if (has_word(t, "real") || has_word(t, "floa") || has_word(t, "doub"))
		return MIG_T_FLOAT;
	if (has_word(t, "bool"))
		return MIG_T_BOOL;
	if (has_word(t, "timestamptz"))
		return MIG_T_TIMESTAMPTZ;
	if (has_word(t, "datetime") || has_word(t, "timestamp"))
		return MIG_T_TIMESTAMP;
	if (has_word(t, "date"))
		return MIG_T_DATE;
	if (has_word(t, "time"))
		return MIG_T_TIME;
	if (has_word(t, "uuid"))
		return MIG_T_UUID;
	if (has_word(t, "json"))
		return MIG_T_JSON;
	if (has_word(t, "year"))
		return MIG_T_INT;
	if (!strncasecmp(t, "dec", 3) || !strncasecmp(t, "num", 3) || has_word(t, "money"))
		return MIG_T_NUMERIC;
	return MIG_T_TEXT;
}

/* Split "schema.table" (no dot: schema NULL).  Returned strings are new. */
void cat_split_name(const char *name, char **schema, char **table)
{
	const char *dot = strchr(name, '.');

	if (dot) {
		*schema = estrndup(name, (size_t)(dot - name));
		*table = estrdup(dot + 1);
	} else {
		*schema = NULL;
		*table = estrdup(name);
	}
}

void cat_set_error(struct buf *err, const char *fmt, ...)
{
	va_list ap;
	char tmp[1024];

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	buf_reset(err);
	buf_adds(err, tmp);
}
