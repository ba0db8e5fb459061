/*
 * catalog-my.c - the catalog of MariaDB/MySQL tables, from
 * information_schema, for the connection's current database.
 *
 * MariaDB has no pg_get_constraintdef, so foreign key and index
 * definitions are rebuilt from their parts, in the form SHOW CREATE TABLE
 * prints them (ALTER TABLE ... ADD CONSTRAINT/INDEX accepts that text).
 * Column types come from COLUMN_TYPE; JSON columns, which MariaDB stores
 * as LONGTEXT with a json_valid() check, are found from that check.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog.h"
#include "util.h"
#include "banned.h"

static MYSQL_RES *q(MYSQL *m, const struct buf *sql, struct buf *err)
{
	MYSQL_RES *r;

	if (mysql_real_query(m, sql->buf, sql->len) || !(r = mysql_store_result(m))) {
		cat_set_error(err, "catalog query failed: %s", mysql_error(m));
		return NULL;
	}
	return r;
}

static void ident(struct buf *b, const char *s)
{
	char *id = db_my_ident(s);

	buf_adds(b, id);
	free(id);
}

static int read_table(MYSQL *m, struct cat_table *t, struct buf *err)
{
	struct buf sql = BUF_INIT, tn = BUF_INIT;
	MYSQL_RES *r;
	MYSQL_ROW row;
	size_t i, nchecks = 0, nrules = 0;
	char **checks = NULL, **rules = NULL;	/* checks: name, clause; rules: name, on delete, on update */
	char *json_used = NULL;
	int rc = -1;

	db_my_lit(m, &tn, t->name);
	/*
	 * CHECK constraints, among them the CHECK (json_valid(`col`)) MariaDB
	 * adds for the JSON alias, which marks a JSON column rather than
	 * being listed as a check.  Read separately and matched here: a
	 * correlated subquery on CHECK_CONSTRAINTS inside a COLUMNS query
	 * crashes MariaDB 10.11.  MySQL has a real JSON type and, before
	 * 8.0.16, no CHECK_CONSTRAINTS.
	 */
	if (strstr(mysql_get_server_info(m), "MariaDB")) {
		buf_addf(&sql, "SELECT CONSTRAINT_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS "
			 "WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = %s ORDER BY CONSTRAINT_NAME", tn.buf);
		if (!(r = q(m, &sql, err)))
			goto fail;
		while ((row = mysql_fetch_row(r))) {
			cat_push(&checks, &nchecks, row[0] ? row[0] : "");
			cat_push(&checks, &nchecks, row[1] ? row[1] : "");
		}
		mysql_free_result(r);
		buf_reset(&sql);
	}
	json_used = ecalloc(nchecks / 2 + 1, 1);
	buf_addf(&sql, "SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, DATA_TYPE, EXTRA "
		 "FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = %s "
		 "ORDER BY ORDINAL_POSITION", tn.buf);
	if (!(r = q(m, &sql, err)))
		goto fail;
	while ((row = mysql_fetch_row(r))) {
		struct cat_column *col = cat_add_column(t);
		int json = 0;

		col->name = estrdup(row[0]);
		col->dbtype = estrdup(row[1]);
		col->notnull = !strcmp(row[2], "NO");
		/* MariaDB 10.2+ spells "no default" of a nullable column as NULL text */
		col->deflt = row[3] && strcmp(row[3], "NULL") ? estrdup(row[3]) : NULL;
		if (!strcasecmp(row[4], "longtext")) {
			struct buf want = BUF_INIT;

			buf_adds(&want, "json_valid(");
			ident(&want, row[0]);
			buf_addc(&want, ')');
			for (i = 0; i + 1 < nchecks; i += 2)
				if (!strcmp(checks[i + 1], want.buf))
					json = json_used[i / 2] = 1;
			buf_release(&want);
		}
		col->type = json ? MIG_T_JSON : cat_my_type(row[4], row[1], 1);
		/* "auto_increment", "VIRTUAL GENERATED", "STORED GENERATED" (MySQL: "... GENERATED") */
		col->autogen = row[5] && (strcasestr(row[5], "auto_increment") || strcasestr(row[5], "generated"));
	}
	mysql_free_result(r);
	for (i = 0; i + 1 < nchecks; i += 2)
		if (!json_used[i / 2]) {
			struct cat_check *k = cat_add_check(t);
			struct buf def = BUF_INIT;

			buf_addf(&def, "CHECK (%s)", checks[i + 1]);
			k->name = estrdup(checks[i]);
			k->def = buf_detach(&def, NULL);
		}

	/*
	 * Foreign key rules first, on their own: every information_schema
	 * table in a query needs its own constant TABLE_SCHEMA and TABLE_NAME
	 * (or CONSTRAINT_SCHEMA) condition in WHERE, or MariaDB opens every
	 * table of every database on the server to answer it; a join condition
	 * does not count, and a derived table gets merged and loses it.
	 */
	buf_reset(&sql);
	buf_addf(&sql, "SELECT CONSTRAINT_NAME, DELETE_RULE, UPDATE_RULE FROM information_schema.REFERENTIAL_CONSTRAINTS "
		 "WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = %s", tn.buf);
	if (!(r = q(m, &sql, err)))
		goto fail;
	while ((row = mysql_fetch_row(r))) {
		cat_push(&rules, &nrules, row[0]);
		cat_push(&rules, &nrules, row[1] ? row[1] : "RESTRICT");
		cat_push(&rules, &nrules, row[2] ? row[2] : "RESTRICT");
	}
	mysql_free_result(r);

	/* primary key, unique constraints and foreign keys, columns in key order */
	buf_reset(&sql);
	buf_addf(&sql, "SELECT tc.CONSTRAINT_NAME, tc.CONSTRAINT_TYPE, k.COLUMN_NAME, "
		 "k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME "
		 "FROM information_schema.TABLE_CONSTRAINTS tc "
		 "JOIN information_schema.KEY_COLUMN_USAGE k ON k.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA "
		 " AND k.TABLE_NAME = tc.TABLE_NAME AND k.CONSTRAINT_NAME = tc.CONSTRAINT_NAME "
		 "WHERE tc.TABLE_SCHEMA = DATABASE() AND tc.TABLE_NAME = %s "
		 " AND k.TABLE_SCHEMA = DATABASE() AND k.TABLE_NAME = %s "
		 " AND tc.CONSTRAINT_TYPE IN ('PRIMARY KEY', 'UNIQUE', 'FOREIGN KEY') "
		 "ORDER BY tc.CONSTRAINT_TYPE = 'FOREIGN KEY', tc.CONSTRAINT_TYPE, tc.CONSTRAINT_NAME, k.ORDINAL_POSITION",
		 tn.buf, tn.buf);
	if (!(r = q(m, &sql, err)))
		goto fail;
	{
		char *last = NULL, *lasttype = NULL;
		struct cat_key *k = NULL;
		struct cat_fk *f = NULL;

		while ((row = mysql_fetch_row(r))) {
			if (!last || strcmp(last, row[0]) || strcmp(lasttype, row[1])) {
				free(last);
				free(lasttype);
				last = estrdup(row[0]);
				lasttype = estrdup(row[1]);
				k = NULL;
				f = NULL;
				if (!strcmp(row[1], "PRIMARY KEY")) {
					k = t->pk = ecalloc(1, sizeof(*t->pk));
				} else if (!strcmp(row[1], "UNIQUE")) {
					k = cat_add_uniq(t);
				} else {
					f = cat_add_fk(t);
					f->ref_table = cat_strdup0(row[3]);
					for (i = 0; i + 2 < nrules; i += 3)
						if (!strcmp(rules[i], row[0])) {
							f->on_delete = estrdup(rules[i + 1]);
							f->on_update = estrdup(rules[i + 2]);
							break;
						}
				}
				if (k)
					k->name = estrdup(row[0]);
				else
					f->name = estrdup(row[0]);
			}
			if (k) {
				cat_push(&k->cols, &k->ncols, row[2]);
			} else {
				size_t n = f->ncols;

				cat_push(&f->cols, &f->ncols, row[2]);
				cat_push(&f->ref_cols, &n, row[4] ? row[4] : "");
			}
		}
		free(last);
		free(lasttype);
	}
	mysql_free_result(r);
	for (i = 0; i < t->nfk; i++) {
		struct cat_fk *f = &t->fks[i];
		struct buf d = BUF_INIT;
		size_t j;

		buf_adds(&d, "FOREIGN KEY (");
		for (j = 0; j < f->ncols; j++) {
			if (j)
				buf_adds(&d, ", ");
			ident(&d, f->cols[j]);
		}
		buf_adds(&d, ") REFERENCES ");
		ident(&d, f->ref_table ? f->ref_table : "");
		buf_adds(&d, " (");
		for (j = 0; j < f->ncols; j++) {
			if (j)
				buf_adds(&d, ", ");
			ident(&d, f->ref_cols[j]);
		}
		buf_addf(&d, ") ON DELETE %s ON UPDATE %s", f->on_delete ? f->on_delete : "RESTRICT",
			 f->on_update ? f->on_update : "RESTRICT");
		f->def = buf_detach(&d, NULL);
	}

	/* secondary indexes: those no constraint owns */
	buf_reset(&sql);
	buf_addf(&sql, "SELECT s.INDEX_NAME, s.NON_UNIQUE, s.COLUMN_NAME, s.SUB_PART, s.INDEX_TYPE "
		 "FROM information_schema.STATISTICS s WHERE s.TABLE_SCHEMA = DATABASE() AND s.TABLE_NAME = %s "
		 "AND NOT EXISTS (SELECT 1 FROM information_schema.TABLE_CONSTRAINTS tc "
		 " WHERE tc.TABLE_SCHEMA = DATABASE() AND tc.TABLE_NAME = %s "
		 " AND tc.CONSTRAINT_NAME = s.INDEX_NAME AND tc.CONSTRAINT_TYPE IN ('PRIMARY KEY', 'UNIQUE')) "
		 "ORDER BY s.INDEX_NAME, s.SEQ_IN_INDEX", tn.buf, tn.buf);
	if (!(r = q(m, &sql, err)))
		goto fail;
	{
		struct cat_index *x = NULL;
		struct buf d = BUF_INIT;

		while ((row = mysql_fetch_row(r))) {
			if (!x || strcmp(x->name, row[0])) {
				if (x) {
					buf_addc(&d, ')');
					x->def = buf_detach(&d, NULL);
				}
				x = cat_add_index(t);
				x->name = estrdup(row[0]);
				x->unique = !strcmp(row[1], "0");
				buf_adds(&d, "CREATE ");
				if (x->unique)
					buf_adds(&d, "UNIQUE ");
				else if (row[4] && !strcmp(row[4], "FULLTEXT"))
					buf_adds(&d, "FULLTEXT ");
				else if (row[4] && !strcmp(row[4], "SPATIAL"))
					buf_adds(&d, "SPATIAL ");
				buf_adds(&d, "INDEX ");
				ident(&d, row[0]);
				buf_adds(&d, " ON ");
				ident(&d, t->name);
				buf_adds(&d, " (");
			} else {
				buf_adds(&d, ", ");
			}
			cat_push(&x->cols, &x->ncols, row[2] ? row[2] : "");
			ident(&d, row[2] ? row[2] : "");
			if (row[3])
				buf_addf(&d, "(%s)", row[3]);
		}
		if (x) {
			buf_addc(&d, ')');
			x->def = buf_detach(&d, NULL);
		}
		buf_release(&d);
	}
	mysql_free_result(r);
	rc = 0;
fail:
	for (i = 0; i < nchecks; i++)
		free(checks[i]);
	free(checks);
	free(json_used);
	for (i = 0; i < nrules; i++)
		free(rules[i]);
	free(rules);
	buf_release(&sql);
	buf_release(&tn);
	return rc;
}

int cat_read_my(MYSQL *m, const char *const *tables, struct catalog *out, struct buf *err)
{
	struct buf sql = BUF_INIT;
	MYSQL_RES *r;
	MYSQL_ROW row;
	size_t first = out->ntables, i;

	buf_adds(&sql, "SELECT TABLE_NAME, TABLE_ROWS FROM information_schema.TABLES "
		 "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE IN ('BASE TABLE', 'VIEW', 'SYSTEM VERSIONED') ");
	if (!tables) {
		buf_adds(&sql, "AND TABLE_TYPE <> 'VIEW' ORDER BY TABLE_NAME");
		if (!(r = q(m, &sql, err)))
			goto fail;
		while ((row = mysql_fetch_row(r))) {
			struct cat_table *t = cat_add_table(out);
			long long est;

			t->name = estrdup(row[0]);
			if (row[1] && strtonum_ok(row[1], 0, 1LL << 62, &est) == 0)
				t->est_rows = est;
		}
		mysql_free_result(r);
	} else {
		size_t base = sql.len;

		for (; *tables; tables++) {
			struct cat_table *t;
			long long est;

			sql.len = base;
			buf_adds(&sql, "AND TABLE_NAME = ");
			db_my_lit(m, &sql, *tables);
			if (!(r = q(m, &sql, err)))
				goto fail;
			row = mysql_fetch_row(r);
			if (!row) {
				mysql_free_result(r);
				cat_set_error(err, "table '%s' does not exist", *tables);
				goto fail;
			}
			t = cat_add_table(out);
			t->name = estrdup(row[0]);
			if (row[1] && strtonum_ok(row[1], 0, 1LL << 62, &est) == 0)
				t->est_rows = est;
			mysql_free_result(r);
		}
	}
	for (i = first; i < out->ntables; i++)
		if (read_table(m, &out->tables[i], err) < 0)
			goto fail;
	buf_release(&sql);
	return 0;
fail:
	buf_release(&sql);
	return -1;
}
