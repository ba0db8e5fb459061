/*
 * catalog-pg.c - the catalog of PostgreSQL tables, from pg_catalog.
 *
 * pg_catalog rather than information_schema: it is what gives the exact
 * definitions (format_type, pg_get_constraintdef, pg_get_indexdef) and the
 * planner's row estimate, and it shows tables the user can read without
 * owning.  Name lists come back as JSON arrays so that any identifier,
 * commas and quotes included, survives.
 */
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "util.h"
#include "banned.h"

/*
 * A reader's connection and error, and whether the last failure was one
 * a retry may cure.  Functions such as pg_get_indexdef look objects up in
 * the server's caches, not in the query's snapshot, so an index or
 * constraint dropped by another session between the scan of pg_index and
 * the lookup fails the whole query with an internal error (XX000, "cache
 * lookup failed ...").  A load deferring another table's keys does just
 * that, so the read is retried instead of giving up.
 */
struct rd {
	PGconn *c;
	struct buf *err;
	int again;
};

static PGresult *q(struct rd *x, const char *sql, int n, const char *const *params)
{
	PGresult *r = PQexecParams(x->c, sql, n, NULL, params, NULL, NULL, 0);

	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		const char *m = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
		const char *st = PQresultErrorField(r, PG_DIAG_SQLSTATE);

		x->again = st && !strcmp(st, "XX000");
		cat_set_error(x->err, "catalog query failed: %s", m ? m : PQerrorMessage(x->c));
		PQclear(r);
		return NULL;
	}
	return r;
}

static const char *val(PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? NULL : PQgetvalue(r, row, col);
}

/* A JSON array of strings into a string vector. */
static void json_names(const char *text, char ***v, size_t *n)
{
	json_error_t je;
	json_t *a = json_loads(text ? text : "[]", 0, &je), *e;
	size_t i;

	*v = NULL;
	*n = 0;
	json_array_foreach(a, i, e)
		cat_push(v, n, json_is_string(e) ? json_string_value(e) : "");
	json_decref(a);
}

static const char *fk_action(const char *c)
{
	switch (c ? *c : 'a') {
	case 'r': return "RESTRICT";
	case 'c': return "CASCADE";
	case 'n': return "SET NULL";
	case 'd': return "SET DEFAULT";
	default: return "NO ACTION";
	}
}

static const char SQL_TABLE[] =
	"SELECT c.oid, n.nspname, c.relname, c.reltuples::bigint FROM pg_class c "
	"JOIN pg_namespace n ON n.oid = c.relnamespace "
	"WHERE c.relkind IN ('r','p','v','m','f') AND c.relname = $2 AND "
	"CASE WHEN $1::text IS NULL THEN pg_table_is_visible(c.oid) ELSE n.nspname = $1 END";

static const char SQL_ALL[] =
	"SELECT c.oid, n.nspname, c.relname, c.reltuples::bigint, pg_table_is_visible(c.oid) FROM pg_class c "
	"JOIN pg_namespace n ON n.oid = c.relnamespace "
	"WHERE c.relkind IN ('r','p') AND NOT c.relispartition "
	"AND n.nspname NOT IN ('pg_catalog','information_schema') AND n.nspname NOT LIKE 'pg\\_%' "
	"ORDER BY n.nspname, c.relname";


static const char SQL_COLS[] =
	"SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, "
	"pg_get_expr(d.adbin, d.adrelid), "
	"format_type(CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE a.atttypid END, NULL), "
	"CASE WHEN t.typtype = 'd' THEN bt.typtype ELSE t.typtype END, "
	"CASE WHEN t.typtype = 'd' THEN bt.typcategory ELSE t.typcategory END, "
	"a.attidentity <> '' OR a.attgenerated <> '' "
	"OR coalesce(pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%', false) "
	"FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
	"LEFT JOIN pg_type bt ON bt.oid = t.typbasetype "
	"LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
	"WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum";

static const char SQL_CONS[] =
	"SELECT con.conname, con.contype, "
	"array_to_json(ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(n, o) "
	"  JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.o))::text, "
	"rn.nspname, rc.relname, "
	"array_to_json(ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(n, o) "
	"  JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.o))::text, "
	"con.confdeltype, con.confupdtype, pg_get_constraintdef(con.oid) "
	"FROM pg_constraint con LEFT JOIN pg_class rc ON rc.oid = con.confrelid "
	"LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace "
	"WHERE con.conrelid = $1::oid AND con.contype IN ('p','u','f','c') "
	"ORDER BY con.contype, con.conname";

static const char SQL_IDX[] =
	"SELECT ic.relname, i.indisunique, "
	"array_to_json(ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true) "
	"  FROM generate_series(1, i.indnkeyatts) k ORDER BY k))::text, "
	"pg_get_indexdef(i.indexrelid) "
	"FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid "
	"WHERE i.indrelid = $1::oid AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
	"  WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid AND c.contype IN ('p','u','x')) "
	"ORDER BY ic.relname";

static int read_table(struct rd *x, const char *oid, struct cat_table *t)
{
	const char *p[1] = { oid };
	PGresult *r;
	int i;

	if (!(r = q(x, SQL_COLS, 1, p)))
		return -1;
	for (i = 0; i < PQntuples(r); i++) {
		struct cat_column *col = cat_add_column(t);
		const char *tt = val(r, i, 5), *tc = val(r, i, 6);

		col->name = estrdup(val(r, i, 0));
		col->dbtype = estrdup(val(r, i, 1));
		col->notnull = *val(r, i, 2) == 't';
		col->deflt = cat_strdup0(val(r, i, 3));
		col->type = cat_pg_type(val(r, i, 4), tt ? *tt : 'b', tc ? *tc : 'U');
		col->autogen = *val(r, i, 7) == 't';
	}
	PQclear(r);

	if (!(r = q(x, SQL_CONS, 1, p)))
		return -1;
	for (i = 0; i < PQntuples(r); i++) {
		char type = *val(r, i, 1);

		if (type == 'c') {
			struct cat_check *k = cat_add_check(t);

			k->name = estrdup(val(r, i, 0));
			k->def = cat_strdup0(val(r, i, 8));
		} else if (type == 'p' || type == 'u') {
			struct cat_key *k;

			if (type == 'p')
				k = t->pk = ecalloc(1, sizeof(*t->pk));
			else
				k = cat_add_uniq(t);
			k->name = estrdup(val(r, i, 0));
			json_names(val(r, i, 2), &k->cols, &k->ncols);
		} else {
			struct cat_fk *f = cat_add_fk(t);
			size_t nref;

			f->name = estrdup(val(r, i, 0));
			json_names(val(r, i, 2), &f->cols, &f->ncols);
			f->ref_schema = cat_strdup0(val(r, i, 3));
			f->ref_table = cat_strdup0(val(r, i, 4));
			json_names(val(r, i, 5), &f->ref_cols, &nref);
			f->on_delete = estrdup(fk_action(val(r, i, 6)));
			f->on_update = estrdup(fk_action(val(r, i, 7)));
			f->def = cat_strdup0(val(r, i, 8));
		}
	}
	PQclear(r);

	if (!(r = q(x, SQL_IDX, 1, p)))
		return -1;
	for (i = 0; i < PQntuples(r); i++) {
		struct cat_index *x = cat_add_index(t);

		x->name = estrdup(val(r, i, 0));
		x->unique = *val(r, i, 1) == 't';
		json_names(val(r, i, 2), &x->cols, &x->ncols);
		x->def = cat_strdup0(val(r, i, 3));
	}
	PQclear(r);
	return 0;
}

static void fill(PGresult *r, int row, struct cat_table *t, char **oid)
{
	long long est;

	*oid = estrdup(val(r, row, 0));
	t->schema = estrdup(val(r, row, 1));
	t->name = estrdup(val(r, row, 2));
	/* reltuples is -1 (PostgreSQL 14+) or 0 before the first ANALYZE. */
	if (strtonum_ok(val(r, row, 3), -1, (1LL << 62), &est) == 0)
		t->est_rows = est < 0 ? -1 : est;
	/*
	 * Every schema's tables (SQL_ALL): whether the bare name means this
	 * one, as the server resolves it, first schema of search_path first.
	 */
	if (PQnfields(r) > 4)
		t->hidden = *val(r, row, 4) != 't';
}

static int read_catalog(struct rd *x, const char *const *tables, struct catalog *out)
{
	PGresult *r;
	char *oid;
	int i;

	if (!tables) {
		if (!(r = q(x, SQL_ALL, 0, NULL)))
			return -1;
		for (i = 0; i < PQntuples(r); i++) {
			struct cat_table *t = cat_add_table(out);

			fill(r, i, t, &oid);
			if (read_table(x, oid, t) < 0) {
				free(oid);
				PQclear(r);
				return -1;
			}
			free(oid);
		}
		PQclear(r);
		return 0;
	}
	for (; *tables; tables++) {
		char *schema, *name;
		const char *p[2];
		struct cat_table *t;

		cat_split_name(*tables, &schema, &name);
		p[0] = schema;
		p[1] = name;
		r = q(x, SQL_TABLE, 2, p);
		free(schema);
		free(name);
		if (!r)
			return -1;
		if (PQntuples(r) == 0) {
			PQclear(r);
			cat_set_error(x->err, "table '%s' does not exist", *tables);
			return -1;
		}
		t = cat_add_table(out);
		fill(r, 0, t, &oid);
		PQclear(r);
		if (read_table(x, oid, t) < 0) {
			free(oid);
			return -1;
		}
		free(oid);
	}
	return 0;
}

static int exec_ok(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK;

	PQclear(r);
	return ok;
}

int cat_read_pg(PGconn *c, const char *const *tables, struct catalog *out, struct buf *err)
{
	struct rd x = { c, err, 0 };
	size_t keep = out->ntables;
	int tries, r;

	/*
	 * Inside the caller's transaction a failed query would abort it, and
	 * its snapshot would show the dropped object again on every retry:
	 * the savepoint keeps the transaction usable, and CAT_AGAIN tells the
	 * caller that a new transaction may succeed.
	 */
	if (PQtransactionStatus(c) == PQTRANS_INTRANS) {
		if (!exec_ok(c, "SAVEPOINT mig_catalog")) {
			cat_set_error(err, "catalog query failed: %s", PQerrorMessage(c));
			return -1;
		}
		r = read_catalog(&x, tables, out);
		if (r < 0)
			exec_ok(c, "ROLLBACK TO SAVEPOINT mig_catalog");
		exec_ok(c, "RELEASE SAVEPOINT mig_catalog");
		return r < 0 && x.again ? CAT_AGAIN : r;
	}
	for (tries = 1;; tries++) {
		x.again = 0;
		r = read_catalog(&x, tables, out);
		if (r == 0 || !x.again || tries == CAT_TRIES)
			return r;
		cat_truncate(out, keep);
		cat_wait(tries);	/* the other session's DDL commits meanwhile */
	}
}
