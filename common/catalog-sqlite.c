/*
 * catalog-sqlite.c - the catalog of SQLite tables, from the table-valued
 * pragma functions (pragma_table_info, pragma_index_list, ...), which take
 * bound parameters and so need no quoting.
 *
 * SQLite names no primary keys and few constraints: those names are NULL.
 * UNIQUE constraints written in CREATE TABLE (index origin 'u') are unique
 * keys; CREATE UNIQUE INDEX ones (origin 'c') are indexes with unique set,
 * as in the other dialects.  The row estimate comes from sqlite_stat1
 * when ANALYZE has filled it, else it is unknown (-1).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog.h"
#include "util.h"
#include "banned.h"

static sqlite3_stmt *prep(sqlite3 *db, const char *sql, const char *arg, struct buf *err)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		cat_set_error(err, "catalog query failed: %s", sqlite3_errmsg(db));
		return NULL;
	}
	if (arg)
		sqlite3_bind_text(st, 1, arg, -1, SQLITE_TRANSIENT);
	return st;
}

static const char *col(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

static int done(sqlite3 *db, sqlite3_stmt *st, int rc, struct buf *err)
{
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		cat_set_error(err, "catalog query failed: %s", sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

static const char *action(const char *s)
{
	return s && *s ? s : "NO ACTION";
}

static int read_table(sqlite3 *db, struct cat_table *t, struct buf *err)
{
	sqlite3_stmt *st;
	int rc, maxpk = 0, i, pkindex = 0;
	size_t j;

	if (!(st = prep(db, "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?1) ORDER BY cid",
			t->name, err)))
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct cat_column *c = cat_add_column(t);

		c->name = estrdup(col(st, 0));
		c->dbtype = estrdup(col(st, 1) ? col(st, 1) : "");
		c->notnull = sqlite3_column_int(st, 2);
		c->deflt = cat_strdup0(col(st, 3));
		c->type = cat_sqlite_type(c->dbtype);
		if (sqlite3_column_int(st, 4) > maxpk)
			maxpk = sqlite3_column_int(st, 4);
	}
	if (done(db, st, rc, err) < 0)
		return -1;
	/* pk holds each column's position in the key, 1-based */
	if (maxpk) {
		t->pk = ecalloc(1, sizeof(*t->pk));
		for (i = 1; i <= maxpk; i++) {
			if (!(st = prep(db, "SELECT name FROM pragma_table_info(?1) WHERE pk = ?2", t->name, err)))
				return -1;
			sqlite3_bind_int(st, 2, i);
			if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
				cat_push(&t->pk->cols, &t->pk->ncols, col(st, 0));
				rc = sqlite3_step(st);
			}
			if (done(db, st, rc, err) < 0)
				return -1;
		}
		/* INTEGER PRIMARY KEY columns are NOT NULL in effect (rowid aliases) */
		for (j = 0; j < t->ncols; j++)
			if (t->pk->ncols == 1 && !strcmp(t->cols[j].name, t->pk->cols[0]) &&
			    !strcasecmp(t->cols[j].dbtype, "integer"))
				t->cols[j].notnull = 1;
	}

	if (!(st = prep(db, "SELECT l.name, l.\"unique\", l.origin, m.sql FROM pragma_index_list(?1) l "
			"LEFT JOIN sqlite_master m ON m.type = 'index' AND m.name = l.name ORDER BY l.name", t->name, err)))
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = col(st, 0), *origin = col(st, 2);
		char ***cols;
		size_t *ncols;
		sqlite3_stmt *ci;
		int rc2;

		if (!strcmp(origin, "pk")) {
			pkindex = 1;
			continue;
		}
		if (!strcmp(origin, "u")) {
			struct cat_key *k = cat_add_uniq(t);

			/* sqlite_autoindex_* names are SQLite's, not the schema's */
			k->name = strncmp(name, "sqlite_autoindex_", 17) ? estrdup(name) : NULL;
			cols = &k->cols;
			ncols = &k->ncols;
		} else {
			struct cat_index *x = cat_add_index(t);

			x->name = estrdup(name);
			x->unique = sqlite3_column_int(st, 1);
			x->def = cat_strdup0(col(st, 3));
			cols = &x->cols;
			ncols = &x->ncols;
		}
		if (!(ci = prep(db, "SELECT name FROM pragma_index_info(?1) ORDER BY seqno", name, err))) {
			sqlite3_finalize(st);
			return -1;
		}
		while ((rc2 = sqlite3_step(ci)) == SQLITE_ROW)
			cat_push(cols, ncols, col(ci, 0) ? col(ci, 0) : "");
		if (done(db, ci, rc2, err) < 0) {
			sqlite3_finalize(st);
			return -1;
		}
	}
	if (done(db, st, rc, err) < 0)
		return -1;
	/*
	 * A lone INTEGER PRIMARY KEY is the rowid, numbered by SQLite, unless
	 * the key has an index of its own (WITHOUT ROWID, or a key that is not
	 * an alias).
	 */
	if (t->pk && t->pk->ncols == 1 && !pkindex)
		for (j = 0; j < t->ncols; j++)
			if (!strcmp(t->cols[j].name, t->pk->cols[0]) && !strcasecmp(t->cols[j].dbtype, "integer"))
				t->cols[j].autogen = 1;

	if (!(st = prep(db, "SELECT id, seq, \"table\", \"from\", \"to\", on_update, on_delete "
			"FROM pragma_foreign_key_list(?1) ORDER BY id, seq", t->name, err)))
		return -1;
	{
		struct cat_fk *f = NULL;
		int lastid = -1;

		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			size_t n;

			if (!f || sqlite3_column_int(st, 0) != lastid) {
				lastid = sqlite3_column_int(st, 0);
				f = cat_add_fk(t);
				f->ref_table = estrdup(col(st, 2));
				f->on_update = estrdup(action(col(st, 5)));
				f->on_delete = estrdup(action(col(st, 6)));
			}
			n = f->ncols;
			cat_push(&f->cols, &f->ncols, col(st, 3));
			/* "to" is NULL when the reference is to the parent's primary key */
			cat_push(&f->ref_cols, &n, col(st, 4) ? col(st, 4) : "");
		}
		if (done(db, st, rc, err) < 0)
			return -1;
	}
	for (j = 0; j < t->nfk; j++) {
		struct cat_fk *f = &t->fks[j];
		struct buf d = BUF_INIT;
		size_t k;
		char *id;

		if (f->ncols && !*f->ref_cols[0]) {
			for (k = 0; k < f->ncols; k++) {
				if (!(st = prep(db, "SELECT name FROM pragma_table_info(?1) WHERE pk = ?2", f->ref_table, err)))
					return -1;
				sqlite3_bind_int(st, 2, (int)k + 1);
				if (sqlite3_step(st) == SQLITE_ROW) {
					free(f->ref_cols[k]);
					f->ref_cols[k] = estrdup(col(st, 0));
				}
				sqlite3_finalize(st);
			}
		}
		buf_adds(&d, "FOREIGN KEY (");
		for (k = 0; k < f->ncols; k++) {
			id = db_sqlite_ident(f->cols[k]);
			buf_addf(&d, "%s%s", k ? ", " : "", id);
			free(id);
		}
		id = db_sqlite_ident(f->ref_table);
		buf_addf(&d, ") REFERENCES %s (", id);
		free(id);
		for (k = 0; k < f->ncols; k++) {
			id = db_sqlite_ident(f->ref_cols[k]);
			buf_addf(&d, "%s%s", k ? ", " : "", id);
			free(id);
		}
		buf_addf(&d, ") ON DELETE %s ON UPDATE %s", f->on_delete, f->on_update);
		f->def = buf_detach(&d, NULL);
	}

	/* sqlite_stat1 exists only after ANALYZE */
	if (sqlite3_prepare_v2(db, "SELECT stat FROM sqlite_stat1 WHERE tbl = ?1 ORDER BY idx IS NOT NULL LIMIT 1",
			       -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, t->name, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) == SQLITE_ROW && col(st, 0))
			t->est_rows = strtoll(col(st, 0), NULL, 10);
		sqlite3_finalize(st);
	}
	return 0;
}

int cat_read_sqlite(sqlite3 *db, const char *const *tables, struct catalog *out, struct buf *err)
{
	sqlite3_stmt *st;
	int rc;
	size_t first = out->ntables, i;

	if (!tables) {
		if (!(st = prep(db, "SELECT name FROM sqlite_master WHERE type = 'table' "
				"AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name", NULL, err)))
			return -1;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			cat_add_table(out)->name = estrdup(col(st, 0));
		if (done(db, st, rc, err) < 0)
			return -1;
	} else {
		for (; *tables; tables++) {
			const char *name = *tables;

			/* "main.users" names the main database's table */
			if (!strncmp(name, "main.", 5))
				name += 5;
			if (!(st = prep(db, "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?1",
					name, err)))
				return -1;
			rc = sqlite3_step(st);
			if (rc != SQLITE_ROW) {
				sqlite3_finalize(st);
				cat_set_error(err, "table '%s' does not exist", *tables);
				return -1;
			}
			cat_add_table(out)->name = estrdup(col(st, 0));
			sqlite3_finalize(st);
		}
	}
	for (i = first; i < out->ntables; i++)
		if (read_table(db, &out->tables[i], err) < 0)
			return -1;
	return 0;
}
