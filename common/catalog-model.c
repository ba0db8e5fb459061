/*
 * catalog-model.c - the catalog as a data structure: the builders the
 * dialect readers (catalog-pg.c, catalog-my.c, catalog-sqlite.c) fill it
 * with, release, lookup, and the native-type to mig-type mappings.  It
 * calls nothing above it: catalog.c dispatches to the readers and the
 * readers call down into this file, so no two files call each other.
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

static void table_release(struct cat_table *t);

/*
 * mig-load keeps its checkpoints and saved constraint definitions in
 * tables named _mig_*; they are the tool's, not the application's, so a
 * catalog of "every table" leaves them out (a schema diff or an FK check
 * of the target then sees only what the migration was about).
 */
void cat_drop_bookkeeping(struct catalog *c)
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
	sleep_ms(n > 5 ? 250 : 10L << (n - 1));
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

		if (!t->hidden && !strcmp(t->name, name))
			return t;
		if (dot && t->schema && strlen(t->schema) == (size_t)(dot - name) &&
		    !memcmp(t->schema, name, (size_t)(dot - name)) && !strcmp(t->name, dot + 1))
			return t;
	}
	return NULL;
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

	buf_reset(err);
	va_start(ap, fmt);
	buf_vaddf(err, fmt, ap);
	va_end(ap);
}
