/*
 * load-defer-pg.c - --defer-constraints for PostgreSQL: drop foreign keys
 * and secondary indexes of the tables being loaded, load, then put them
 * back (load-defer.c says when; this file says how).
 *
 * Each definition (pg_get_constraintdef / pg_get_indexdef
 * text, from the catalog) is saved in the table _mig_load_deferred in the
 * same transaction that drops it, so a definition is never dropped without
 * being saved: a killed run leaves either both or neither.  The next run
 * that loads the same table (with or without --defer-constraints) finds
 * its saved rows and re-creates them; indexes are built once, foreign
 * keys are added NOT VALID and then validated, and a validation failure
 * is turned into a list of orphan keys per constraint instead of a bare
 * ALTER TABLE error.
 *
 * Runs at the same time share _mig_load_deferred: its rows are keyed by
 * table, and each run touches only those of the tables it loads, under a
 * session advisory lock per table (pg_advisory_lock, held until the run
 * disconnects, so also released by a kill).  A --defer-constraints run
 * waits for that lock: two deferred loads of one table take turns, and
 * rows a run finds for its table once it holds the lock were left by a
 * killed run, which it then finishes.  A run without the option restores
 * a table's leftovers only if it gets the lock at once; if a live run
 * holds it, the definitions are that run's to put back.
 *
 * --defer-constraints=all also drops the table's primary key and unique
 * constraints (pg_get_constraintdef), with the foreign keys of other
 * tables that reference them (kind "rfk", saved under the loaded table,
 * whose lock guards them).  They come back first: keys, then indexes,
 * then foreign keys.  A key that cannot be rebuilt because of duplicate
 * rows is reported (how many keys, the keys themselves only with
 * --show-values) and stays saved, with the foreign keys that need it, so
 * a run after the duplicates are fixed puts it back.
 */
#include <stdlib.h>
#include <string.h>

#include "load.h"
#include "util.h"
#include "banned.h"

#define DEFER_TABLE "_mig_load_deferred"

struct saved {
	char *schema, *table, *kind, *name, *def, *cols, *ref, *refcols, *keycols, *ord;
	char *idxdef;	/* a key's own index (pg_get_indexdef); NULL if saved before it was kept */
};

struct savedlist {
	struct saved *v;
	size_t n;
};

static char *dupn(const char *s)
{
	return s ? estrdup(s) : NULL;
}

static void collect(void *arg, size_t n, char **v)
{
	struct savedlist *l = arg;
	struct saved *s;

	if (n != 11)
		return;
	l->v = ereallocarray(l->v, l->n + 1, sizeof(*l->v));
	s = &l->v[l->n++];
	s->schema = dupn(v[0]);
	s->table = dupn(v[1]);
	s->kind = dupn(v[2]);
	s->name = dupn(v[3]);
	s->def = dupn(v[4]);
	s->cols = dupn(v[5]);
	s->ref = dupn(v[6]);
	s->refcols = dupn(v[7]);
	s->keycols = dupn(v[8]);
	s->ord = dupn(v[9]);
	s->idxdef = dupn(v[10]);
}

static void free_saved(struct savedlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].schema);
		free(l->v[i].table);
		free(l->v[i].kind);
		free(l->v[i].name);
		free(l->v[i].def);
		free(l->v[i].cols);
		free(l->v[i].ref);
		free(l->v[i].refcols);
		free(l->v[i].keycols);
		free(l->v[i].ord);
		free(l->v[i].idxdef);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static char *pg_q(struct target *tg, const char *schema, const char *table)
{
	struct buf b = BUF_INIT;
	char *q;

	if (schema) {
		q = db_pg_ident(tg->conn, schema);
		buf_adds(&b, q);
		buf_addc(&b, '.');
		free(q);
	}
	q = db_pg_ident(tg->conn, table);
	buf_adds(&b, q);
	free(q);
	return buf_detach(&b, NULL);
}

/* "a\nb" -> quoted, comma-separated, each prefixed. */
static void qcols(struct target *tg, struct buf *b, const char *cols, const char *prefix, const char *sep)
{
	const char *p = cols;
	int first = 1;

	while (p && *p) {
		const char *e = strchr(p, '\n');
		char *name = estrndup(p, e ? (size_t)(e - p) : strlen(p));
		char *q = db_pg_ident(tg->conn, name);

		buf_addf(b, "%s%s%s", first ? "" : sep, prefix, q);
		free(q);
		free(name);
		first = 0;
		p = e ? e + 1 : NULL;
	}
}

static char *joinnl(char **v, size_t n)
{
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < n; i++) {
		if (i)
			buf_addc(&b, '\n');
		buf_adds(&b, v[i]);
	}
	return buf_detach(&b, NULL);
}

/* Append the saved rows of one table to l, locking them (the lock is the
 * advisory one; FOR UPDATE keeps an older mig-load off them too). */
static void load_saved(struct target *tg, struct savedlist *l, const char *schema, const char *table)
{
	struct buf q = BUF_INIT, err = BUF_INIT;

	buf_adds(&q, "SELECT schema_name, table_name, kind, name, def, cols, ref, ref_cols, key_cols, ord, index_def FROM "
		 DEFER_TABLE " WHERE table_name = ");
	db_pg_lit(tg->conn, &q, table);
	buf_adds(&q, " AND schema_name IS NOT DISTINCT FROM ");
	db_pg_lit(tg->conn, &q, schema);
	buf_adds(&q, " ORDER BY ord FOR UPDATE");
	if (tg->ops->query(tg, q.buf, collect, l, &err) < 0) {
		struct buf e = BUF_INIT;

		tg->ops->exec(tg, "ROLLBACK", &e);
		die(MIG_EXIT_DB, "%s: %s", tg->url.shown, err.buf);
	}
	buf_release(&q);
	buf_release(&err);
}

/*
 * The advisory lock key of a table: pg_advisory_lock's two-int form.  The
 * sessions rebuilding a table's indexes side by side hold another one, in
 * shared mode, under REBUILD_LOCK.
 */
#define REBUILD_LOCK "_mig_load_rebuild"
static void lock_key_of(struct target *tg, struct buf *b, const char *cls, const char *schema, const char *table)
{
	struct buf name = BUF_INIT;

	buf_addf(&name, "%s.%s", schema ? schema : "", table);
	buf_addf(b, "hashtext('%s'), hashtext(", cls);
	db_pg_lit(tg->conn, b, name.buf);
	buf_addc(b, ')');
	buf_release(&name);
}

static void lock_key(struct target *tg, struct buf *b, const char *schema, const char *table)
{
	lock_key_of(tg, b, DEFER_TABLE, schema, table);
}

/* Take the table's lock, waiting for it (wait) or not; 1 if held. */
static int lock_table(struct target *tg, const char *schema, const char *table, int wait)
{
	struct buf q = BUF_INIT;
	PGresult *res;
	int got;

	buf_adds(&q, wait ? "SELECT pg_advisory_lock(" : "SELECT pg_try_advisory_lock(");
	lock_key(tg, &q, schema, table);
	buf_adds(&q, ")");
	res = PQexec(tg->conn, q.buf);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		struct buf e = BUF_INIT;

		buf_adds(&e, PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY)
									     : PQerrorMessage(tg->conn));
		PQclear(res);
		tg->ops->exec(tg, "ROLLBACK", &q);
		die(MIG_EXIT_DB, "%s: --defer-constraints: %s", tg->url.shown, e.buf);
	}
	got = wait || !strcmp(PQgetvalue(res, 0, 0), "t");
	PQclear(res);
	buf_release(&q);
	return got;
}

/* Take the table's lock; if another run holds it, say so first (unless
 * -q): "WHO: waiting for another ... load of WHAT to finish". */
static void wait_table(struct target *tg, const char *schema, const char *table, const char *who,
		       const char *what)
{
	if (lock_table(tg, schema, table, 0))
		return;
	if (!tg->quiet)
		warn("%s%swaiting for another --defer-constraints load of %s to finish", who ? who : "",
		     who ? ": " : "", what);
	lock_table(tg, schema, table, 1);
}

static int saved_table_exists(struct target *tg)
{
	PGresult *res = PQexec(tg->conn, "SELECT to_regclass('" DEFER_TABLE "') IS NOT NULL");
	int there = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1 && !strcmp(PQgetvalue(res, 0, 0), "t");

	PQclear(res);
	return there;
}

static void restore(struct target *tg, struct savedlist *l, struct rejects *rj, int *orphans);

void pg_defer_start(struct target *tg)
{
	if (!tg->defer)
		return;
	defer_exec(tg, PG_DEFER_SESSION);
	/*
	 * Created before the load's transaction, which would hold the lock
	 * to its end; the lock makes two first runs take turns (IF NOT EXISTS
	 * alone lets the second collide in pg_type).  One query string is one
	 * transaction: the lock lasts until the table is committed.
	 */
	defer_exec(tg, "SELECT pg_advisory_xact_lock(hashtext('" DEFER_TABLE "')); "
		  "CREATE TABLE IF NOT EXISTS " DEFER_TABLE " (ord serial PRIMARY KEY, schema_name text, "
		  "table_name text NOT NULL, kind text NOT NULL, name text NOT NULL, def text NOT NULL, "
		  "cols text, ref text, ref_cols text, key_cols text); "
		  /*
		   * A table made before keys kept their index's definition gets the
		   * column; only then, as ALTER TABLE (IF NOT EXISTS or not) waits
		   * for every live run that has touched the table.
		   */
		  "DO $$BEGIN IF NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = '" DEFER_TABLE "'::regclass "
		  "AND attname = 'index_def' AND NOT attisdropped) THEN ALTER TABLE " DEFER_TABLE
		  " ADD COLUMN index_def text; END IF; END$$");
}

/* Without --defer-constraints: put back what a killed run left dropped. */
static void restore_leftovers(struct target *tg, const struct cat_table *ct, struct rejects *rj, int *orphans)
{
	struct savedlist l = { NULL, 0 };
	struct buf q = BUF_INIT;
	PGresult *res;
	int any;

	if (!saved_table_exists(tg))
		return;
	buf_adds(&q, "SELECT 1 FROM " DEFER_TABLE " WHERE table_name = ");
	db_pg_lit(tg->conn, &q, ct->name);
	buf_adds(&q, " AND schema_name IS NOT DISTINCT FROM ");
	db_pg_lit(tg->conn, &q, ct->schema);
	buf_adds(&q, " LIMIT 1");
	res = PQexec(tg->conn, q.buf);
	any = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1;
	PQclear(res);
	buf_release(&q);
	/* A live run holds the lock: its definitions, its to put back. */
	if (!any || !lock_table(tg, ct->schema, ct->name, 0))
		return;
	load_saved(tg, &l, ct->schema, ct->name);
	if (l.n) {
		warn("%s: re-creating %zu constraints and indexes left deferred by an earlier run", ct->name, l.n);
		restore(tg, &l, rj, orphans);
	}
	free_saved(&l);
}

static int fk_exists(struct target *tg, const char *qt, const char *name)
{
	struct buf q = BUF_INIT;
	PGresult *res;
	int there;

	buf_adds(&q, "SELECT 1 FROM pg_constraint WHERE contype = 'f' AND conrelid = ");
	db_pg_lit(tg->conn, &q, qt);
	buf_adds(&q, "::regclass AND conname = ");
	db_pg_lit(tg->conn, &q, name);
	res = PQexec(tg->conn, q.buf);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		struct buf e = BUF_INIT;

		buf_adds(&e, PQerrorMessage(tg->conn));
		PQclear(res);
		tg->ops->exec(tg, "ROLLBACK", &q);
		die(MIG_EXIT_DB, "%s: --defer-constraints: %s", tg->url.shown, e.buf);
	}
	there = PQntuples(res) > 0;
	PQclear(res);
	buf_release(&q);
	return there;
}

struct rows {
	char **v;		/* nrows * ncols values, NULL for NULL */
	size_t nrows, ncols;
};

static void rows_cb(void *arg, size_t n, char **v)
{
	struct rows *r = arg;
	size_t i;

	if (n != r->ncols)
		return;
	r->v = ereallocarray(r->v, (r->nrows + 1) * r->ncols, sizeof(*r->v));
	for (i = 0; i < n; i++)
		r->v[r->nrows * r->ncols + i] = dupn(v[i]);
	r->nrows++;
}

static void rows_free(struct rows *r)
{
	size_t i;

	for (i = 0; i < r->nrows * r->ncols; i++)
		free(r->v[i]);
	free(r->v);
	r->v = NULL;
	r->nrows = 0;
}

static void xquery(struct target *tg, const char *sql, struct rows *r)
{
	struct buf err = BUF_INIT;

	if (tg->ops->query(tg, sql, rows_cb, r, &err) < 0) {
		struct buf e = BUF_INIT;

		tg->ops->exec(tg, "ROLLBACK", &e);
		die(MIG_EXIT_DB, "%s: --defer-constraints: %s", tg->url.shown, err.buf);
	}
	buf_release(&err);
}

/* Column names of a constraint's conkey/confkey, one a line, in key order. */
#define KEYCOLS(arr, rel) \
	"(SELECT string_agg(a.attname, E'\\n' ORDER BY u.o) FROM unnest(k." arr ") WITH ORDINALITY u(n, o) " \
	"JOIN pg_attribute a ON a.attrelid = k." rel " AND a.attnum = u.n)"

static void save_row(struct target *tg, struct buf *b, const struct cat_table *ct, const char *kind,
		     const char *name, const char *def, const char *cols, const char *ref, const char *refcols,
		     const char *keycols, const char *idxdef)
{
	const char *v[] = { ct->schema, ct->name, kind, name, def, cols, ref, refcols, keycols, idxdef };
	size_t i;

	buf_reset(b);
	buf_adds(b, "INSERT INTO " DEFER_TABLE " (schema_name, table_name, kind, name, def, cols, ref, ref_cols, key_cols, "
		 "index_def) VALUES (");
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		if (i)
			buf_adds(b, ", ");
		db_pg_lit(tg->conn, b, v[i]);
	}
	buf_adds(b, ")");
	defer_exec(tg, b->buf);
}

/*
 * --defer-constraints=all: save and drop the foreign keys of other tables
 * that reference qt (they depend on its keys: kind "rfk", key_cols holds
 * the referencing table's schema and name, one a line), then qt's primary
 * key and unique constraints (kind "key").  Read from the live catalog,
 * not the one read at start: a table loaded earlier in this run may have
 * taken some of them already.
 */
static void defer_keys(struct target *tg, const struct cat_table *ct, const char *qt)
{
	struct rows r = { NULL, 0, 6 };
	struct buf q = BUF_INIT, b = BUF_INIT;
	size_t i;

	buf_adds(&q, "SELECT n.nspname, c.relname, k.conname, pg_get_constraintdef(k.oid), " KEYCOLS("conkey", "conrelid")
		 ", " KEYCOLS("confkey", "confrelid") " FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid "
		 "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE k.contype = 'f' AND k.conrelid <> k.confrelid "
		 "AND k.confrelid = ");
	db_pg_lit(tg->conn, &q, qt);
	buf_adds(&q, "::regclass ORDER BY 1, 2, 3");
	xquery(tg, q.buf, &r);
	for (i = 0; i < r.nrows; i++) {
		char **v = &r.v[i * r.ncols];
		char *rt = pg_q(tg, v[0], v[1]), *qn = db_pg_ident(tg->conn, v[2]);
		struct buf where = BUF_INIT;

		buf_addf(&where, "%s\n%s", v[0], v[1]);
		save_row(tg, &b, ct, "rfk", v[2], v[3], v[4], qt, v[5], where.buf, NULL);
		buf_reset(&b);
		buf_addf(&b, "ALTER TABLE %s DROP CONSTRAINT %s", rt, qn);
		defer_exec(tg, b.buf);
		buf_release(&where);
		free(rt);
		free(qn);
	}
	rows_free(&r);
	r.ncols = 4;
	buf_reset(&q);
	buf_adds(&q, "SELECT k.conname, pg_get_constraintdef(k.oid), " KEYCOLS("conkey", "conrelid")
		 ", pg_get_indexdef(k.conindid) FROM pg_constraint k WHERE k.contype IN ('p', 'u') AND k.conrelid = ");
	db_pg_lit(tg->conn, &q, qt);
	/* the primary key first: it is what most foreign keys reference */
	buf_adds(&q, "::regclass ORDER BY k.contype, k.conname");
	xquery(tg, q.buf, &r);
	for (i = 0; i < r.nrows; i++) {
		char **v = &r.v[i * r.ncols];
		char *qn = db_pg_ident(tg->conn, v[0]);

		save_row(tg, &b, ct, "key", v[0], v[1], v[2], NULL, NULL, NULL, v[3]);
		buf_reset(&b);
		buf_addf(&b, "ALTER TABLE %s DROP CONSTRAINT %s", qt, qn);
		defer_exec(tg, b.buf);
		free(qn);
	}
	rows_free(&r);
	buf_release(&q);
	buf_release(&b);
}

int pg_defer_keys_left(struct target *tg, const char *schema, const char *table)
{
	struct buf q = BUF_INIT;
	PGresult *res;
	int any;

	if (!saved_table_exists(tg))
		return 0;
	buf_adds(&q, "SELECT 1 FROM " DEFER_TABLE " WHERE kind = 'key' AND table_name = ");
	db_pg_lit(tg->conn, &q, table);
	if (schema) {
		buf_adds(&q, " AND schema_name = ");
		db_pg_lit(tg->conn, &q, schema);
	}
	buf_adds(&q, " LIMIT 1");
	res = PQexec(tg->conn, q.buf);
	any = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1;
	PQclear(res);
	buf_release(&q);
	return any;
}

void pg_defer_table(struct target *tg, struct ltab *t, struct rejects *rj, int *orphans)
{
	const struct cat_table *ct = t->cat;
	struct savedlist l = { NULL, 0 };
	struct buf b = BUF_INIT;
	char *qt;
	size_t i;

	if (!tg->defer) {
		restore_leftovers(tg, ct, rj, orphans);
		return;
	}
	t->deferred = 1;
	/* Our turn with this table; saved rows now are a killed run's. */
	wait_table(tg, ct->schema, ct->name, t->tag, "this table");
	load_saved(tg, &l, ct->schema, ct->name);
	if (l.n) {
		/* An earlier run dropped them: the catalog no longer shows them. */
		free_saved(&l);
		return;
	}
	free_saved(&l);
	qt = pg_q(tg, ct->schema, ct->name);
	for (i = 0; i < ct->nfk; i++) {
		const struct cat_fk *fk = &ct->fks[i];
		char *cols, *rc, *ref, *qn, *kc;

		/* A table deferred with its keys (this run or another) took it already. */
		if (!fk_exists(tg, qt, fk->name))
			continue;
		cols = joinnl(fk->cols, fk->ncols);
		rc = joinnl(fk->ref_cols, fk->ncols);
		ref = pg_q(tg, fk->ref_schema, fk->ref_table);
		qn = db_pg_ident(tg->conn, fk->name);
		kc = ct->pk ? joinnl(ct->pk->cols, ct->pk->ncols) : NULL;

		save_row(tg, &b, ct, "fk", fk->name, fk->def, cols, ref, rc, kc, NULL);
		buf_reset(&b);
		buf_addf(&b, "ALTER TABLE %s DROP CONSTRAINT %s", qt, qn);
		defer_exec(tg, b.buf);
		free(cols);
		free(rc);
		free(ref);
		free(qn);
		free(kc);
	}
	if (tg->defer_keys)
		defer_keys(tg, ct, qt);
	for (i = 0; i < ct->nidx; i++) {
		const struct cat_index *ix = &ct->idx[i];
		char *qi = pg_q(tg, ct->schema, ix->name);
		char *cols;

		/* ON CONFLICT needs its unique index while the rows go in. */
		if (!ix->def || (tg->upsert && ix->unique)) {
			free(qi);
			continue;
		}
		/* the columns, for counting duplicates should a unique one fail */
		cols = ix->ncols ? joinnl(ix->cols, ix->ncols) : NULL;
		save_row(tg, &b, ct, "index", ix->name, ix->def, cols, NULL, NULL, NULL, NULL);
		free(cols);
		buf_reset(&b);
		buf_addf(&b, "DROP INDEX %s", qi);
		defer_exec(tg, b.buf);
		free(qi);
	}
	free(qt);
	buf_release(&b);
}

/* List the rows of s's table that have no parent row (primary key, then
 * the foreign key's columns) into rj. */
static unsigned long long find_orphans(struct target *tg, const struct saved *s, struct rejects *rj)
{
	struct buf q = BUF_INIT, err = BUF_INIT, why = BUF_INIT, w = BUF_INIT, cols = BUF_INIT;
	struct orphan_ctx o = { rj, NULL, NULL, NULL, 0 };
	char *qt = pg_q(tg, s->schema, s->table);
	size_t ncols = 1, i;
	const char *p;

	for (p = s->keycols; p && *p;) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (!in_list(s->cols, '\n', p, len)) {
			buf_add(&cols, p, len);
			buf_addc(&cols, '\n');
		}
		p = e ? e + 1 : NULL;
	}
	buf_adds(&cols, s->cols);
	for (p = cols.buf; *p; p++)
		ncols += *p == '\n';
	o.h = mig_header_new(s->table, ncols);
	for (i = 0, p = cols.buf; i < ncols; i++) {
		const char *e = strchr(p, '\n');
		char *name = estrndup(p, e ? (size_t)(e - p) : strlen(p));

		mig_header_set(o.h, i, name, MIG_T_TEXT);
		free(name);
		p = e ? e + 1 : p + strlen(p);
	}
	buf_adds(&q, "SELECT ");
	qcols(tg, &q, cols.buf, "c.", ", ");
	buf_addf(&q, " FROM %s c WHERE ", qt);
	qcols(tg, &q, s->cols, "c.", " IS NOT NULL AND ");
	buf_addf(&q, " IS NOT NULL AND NOT EXISTS (SELECT 1 FROM %s r WHERE (", s->ref);
	qcols(tg, &q, s->refcols, "r.", ", ");
	buf_adds(&q, ") = (");
	qcols(tg, &q, s->cols, "c.", ", ");
	buf_adds(&q, ")) ORDER BY 1");
	buf_addf(&w, "constraint %s", s->name);
	buf_addf(&why, "no matching row in %s", s->ref);
	o.where = w.buf;
	o.reason = why.buf;
	if (tg->ops->query(tg, q.buf, defer_orphan_row, &o, &err) < 0)
		warn("%s: %s: cannot list orphans: %s", s->table, s->name, err.buf);
	mig_header_free(o.h);
	free(qt);
	buf_release(&q);
	buf_release(&err);
	buf_release(&why);
	buf_release(&w);
	buf_release(&cols);
	return o.n;
}

/* Count (and with --show-values list) the duplicate keys that stopped s. */
static void report_dups(struct target *tg, const struct saved *s, const char *what)
{
	struct buf q = BUF_INIT, grp = BUF_INIT, err = BUF_INIT;
	struct rows r = { NULL, 0, 2 };
	char *qt = pg_q(tg, s->schema, s->table);
	size_t ncols = 1, i, k;
	const char *p;
	int bad;

	if (!s->cols || !*s->cols) {
		warn("%s: %s %s: duplicate keys; not re-created, its definition stays in " DEFER_TABLE
		     ": remove the duplicates and run mig-load again", s->table, what, s->name);
		free(qt);
		return;
	}
	for (p = s->cols; *p; p++)
		ncols += *p == '\n';
	qcols(tg, &grp, s->cols, "", ", ");
	/* NULLs never collide in a unique key (NULLS NOT DISTINCT aside). */
	buf_adds(&q, "SELECT count(*), coalesce(sum(n), 0) FROM (SELECT count(*) AS n FROM ");
	buf_addf(&q, "%s WHERE ", qt);
	qcols(tg, &q, s->cols, "", " IS NOT NULL AND ");
	buf_addf(&q, " IS NOT NULL GROUP BY %s HAVING count(*) > 1) d", grp.buf);
	bad = tg->ops->query(tg, q.buf, rows_cb, &r, &err) < 0 || r.nrows != 1;
	if (bad)
		warn("%s: %s %s: duplicate keys (cannot count them: %s); not re-created, its definition stays in "
		     DEFER_TABLE ": remove the duplicates and run mig-load again", s->table, what, s->name, err.buf);
	else
		warn("%s: %s %s (%s): %s keys appear more than once (%s rows); not re-created, its definition stays in "
		     DEFER_TABLE ": remove the duplicates and run mig-load again", s->table, what, s->name, grp.buf,
		     r.v[0], r.v[1]);
	rows_free(&r);
	if (!bad && tg->show_values) {
		r.ncols = ncols + 1;
		buf_reset(&q);
		buf_adds(&q, "SELECT ");
		qcols(tg, &q, s->cols, "", "::text, ");
		buf_addf(&q, "::text, count(*) FROM %s WHERE ", qt);
		qcols(tg, &q, s->cols, "", " IS NOT NULL AND ");
		buf_addf(&q, " IS NOT NULL GROUP BY %s HAVING count(*) > 1 ORDER BY %s", grp.buf, grp.buf);
		buf_reset(&err);
		if (tg->ops->query(tg, q.buf, rows_cb, &r, &err) < 0)
			warn("%s: %s: cannot list the duplicate keys: %s", s->table, s->name, err.buf);
		for (i = 0; i < r.nrows; i++) {
			char **v = &r.v[i * r.ncols];
			struct buf line = BUF_INIT;

			for (k = 0; k < ncols; k++)
				buf_addf(&line, "%s%s", k ? ", " : "", v[k]);
			warn("%s: %s: key (%s)=(%s) in %s rows", s->table, s->name, grp.buf, line.buf, v[ncols]);
			buf_release(&line);
		}
		rows_free(&r);
	}
	free(qt);
	buf_release(&q);
	buf_release(&grp);
	buf_release(&err);
}

/*
 * Run sql (re-creating s) under a savepoint.  1 when done; 0 when the rows
 * break it (duplicates: reported, s stays saved); other failures end the run.
 */
static int try_key(struct target *tg, const struct saved *s, const char *sql, const char *what)
{
	struct buf err = BUF_INIT;

	defer_exec(tg, "SAVEPOINT mig_key");
	if (tg->ops->exec(tg, sql, &err) == 0) {
		defer_exec(tg, "RELEASE SAVEPOINT mig_key");
		buf_release(&err);
		return 1;
	}
	if (!tg->data_err) {
		struct buf e = BUF_INIT;

		tg->ops->exec(tg, "ROLLBACK", &e);
		die(MIG_EXIT_DB, "%s: --defer-constraints: %s", tg->url.shown, err.buf);
	}
	defer_exec(tg, "ROLLBACK TO SAVEPOINT mig_key");
	defer_exec(tg, "RELEASE SAVEPOINT mig_key");
	report_dups(tg, s, what);
	buf_release(&err);
	return 0;
}

/* CREATE [UNIQUE] INDEX as saved, made IF NOT EXISTS: a killed rebuild may have built it. */
static char *index_sql(const char *def)
{
	const char *p = strstr(def, "INDEX ");
	struct buf b = BUF_INIT;

	if (!p || !strncmp(p + 6, "IF NOT EXISTS ", 14))
		return estrdup(def);
	buf_add(&b, def, (size_t)(p + 6 - def));
	buf_adds(&b, "IF NOT EXISTS ");
	buf_adds(&b, p + 6);
	return buf_detach(&b, NULL);
}

/* The key whose index is built: ALTER TABLE ... ADD CONSTRAINT ... USING INDEX. */
static void attach_sql(struct target *tg, struct buf *b, const struct saved *s)
{
	char *qt = pg_q(tg, s->schema, s->table), *qn = db_pg_ident(tg->conn, s->name);
	const char *dfr = strstr(s->def, " DEFERRABLE");

	buf_addf(b, "ALTER TABLE %s ADD CONSTRAINT %s %s USING INDEX %s%s", qt, qn,
		 strncmp(s->def, "PRIMARY KEY", 11) ? "UNIQUE" : "PRIMARY KEY", qn, dfr ? dfr : "");
	free(qt);
	free(qn);
}

static const char *key_what(const struct saved *s)
{
	return strncmp(s->def, "PRIMARY KEY", 11) ? "unique constraint" : "primary key";
}

static int is_key(const struct saved *s)
{
	return !strcmp(s->kind, "key");
}

/* A plain index, or a key whose index is known: built by CREATE INDEX alone. */
static int builds_apart(const struct saved *s)
{
	return !strcmp(s->kind, "index") || (is_key(s) && s->idxdef);
}

/*
 * Keys and indexes over tg->rebuild_jobs sessions at once (the rows are
 * committed): every index, a key's own included, by CREATE INDEX, which
 * does not lock the others of its table out; then, in this session, each
 * key takes its index (USING INDEX, no second build).  A key saved without
 * its index's definition would hold its table against every build: then
 * all go one after another.  Returns 0 if it did nothing.
 */
static int rebuild_apart(struct target *tg, struct savedlist *l, char *done, int *keyfail)
{
	char **sql = ecalloc(l->n ? l->n : 1, sizeof(*sql));
	char *failed = ecalloc(l->n ? l->n : 1, 1);
	struct buf b = BUF_INIT;
	size_t i, nb = 0;

	for (i = 0; i < l->n; i++)
		if (is_key(&l->v[i]) && !l->v[i].idxdef)
			goto out;
	for (i = 0; i < l->n; i++)
		if (builds_apart(&l->v[i])) {
			sql[i] = index_sql(is_key(&l->v[i]) ? l->v[i].idxdef : l->v[i].def);
			nb++;
		}
	if (nb < 2)
		goto out;
	for (i = 0; i < l->n; i++) {
		buf_adds(&b, i ? ", " : "SELECT ");
		buf_adds(&b, "pg_advisory_lock_shared(");
		lock_key_of(tg, &b, REBUILD_LOCK, l->v[i].schema, l->v[i].table);
		buf_addc(&b, ')');
	}
	pg_pool_run(tg, tg->rebuild_jobs, b.buf, sql, l->n, failed);
	for (i = 0; i < l->n; i++) {
		const struct saved *s = &l->v[i];

		if (!sql[i])
			continue;
		if (failed[i]) {
			report_dups(tg, s, is_key(s) ? key_what(s) : "unique index");
			*keyfail = 1;
			continue;
		}
		done[i] = 1;
		if (is_key(s)) {
			buf_reset(&b);
			attach_sql(tg, &b, s);
			defer_exec(tg, b.buf);
		}
	}
out:
	for (i = 0; i < l->n; i++)
		free(sql[i]);
	free(sql);
	free(failed);
	buf_release(&b);
	return nb >= 2;
}

/* A foreign key being put back: its definition, on its referencing table. */
struct fkjob {
	struct saved o;		/* the saved row, with the referencing table's schema and name */
	char *qt, *qn;		/* that table and the constraint, quoted */
	char *rs, *rt;		/* an rfk row's referencing schema and table (o points at them) */
	int validate;		/* added NOT VALID here, to be validated */
};

/* The saved row of s gone: its definition is back. */
static void unsave(struct target *tg, struct buf *b, const struct saved *s)
{
	buf_reset(b);
	buf_adds(b, "DELETE FROM " DEFER_TABLE " WHERE ord = ");
	db_pg_lit(tg->conn, b, s->ord);
	defer_exec(tg, b->buf);
}

static void restore(struct target *tg, struct savedlist *l, struct rejects *rj, int *orphans)
{
	struct buf b = BUF_INIT, err = BUF_INIT;
	char *done = ecalloc(l->n ? l->n : 1, 1);
	struct fkjob *fk;
	int keyfail = 0, notvalid;
	size_t i;

	/*
	 * A killed run's side sessions live on until their CREATE INDEX ends
	 * (the server notices the lost client only then): wait for them, or
	 * an index they are still building would collide with ours.
	 */
	for (i = 0; i < l->n; i++) {
		buf_reset(&b);
		buf_adds(&b, "SELECT pg_advisory_lock(");
		lock_key_of(tg, &b, REBUILD_LOCK, l->v[i].schema, l->v[i].table);
		buf_adds(&b, "), pg_advisory_unlock(");
		lock_key_of(tg, &b, REBUILD_LOCK, l->v[i].schema, l->v[i].table);
		buf_addc(&b, ')');
		defer_exec(tg, b.buf);
	}
	if (tg->rebuild_jobs > 1 && rebuild_apart(tg, l, done, &keyfail))
		goto fks;
	/* Keys first: foreign keys need the key they reference. */
	for (i = 0; i < l->n; i++) {
		const struct saved *s = &l->v[i];
		char *sql;

		if (!is_key(s))
			continue;
		buf_reset(&b);
		if (s->idxdef) {
			sql = index_sql(s->idxdef);
			buf_addf(&b, "%s; ", sql);
			free(sql);
			attach_sql(tg, &b, s);
		} else {
			char *qt = pg_q(tg, s->schema, s->table), *qn = db_pg_ident(tg->conn, s->name);

			buf_addf(&b, "ALTER TABLE %s ADD CONSTRAINT %s %s", qt, qn, s->def);
			free(qt);
			free(qn);
		}
		done[i] = try_key(tg, s, b.buf, key_what(s));
		if (!done[i])
			keyfail = 1;
	}
	/* Then indexes: validating a foreign key wants the referenced side indexed. */
	for (i = 0; i < l->n; i++) {
		char *sql;

		if (strcmp(l->v[i].kind, "index"))
			continue;
		sql = index_sql(l->v[i].def);
		if (!strncmp(l->v[i].def, "CREATE UNIQUE", 13)) {
			done[i] = try_key(tg, &l->v[i], sql, "unique index");
			if (!done[i])
				keyfail = 1;
		} else {
			defer_exec(tg, sql);
			done[i] = 1;
		}
		free(sql);
	}
fks:
	if (keyfail)
		*orphans = 1;
	/*
	 * Foreign keys: each added NOT VALID, then validated.  Adding one
	 * takes SHARE ROW EXCLUSIVE on the table it references, held to the
	 * end of the transaction: with the rows committed, the additions
	 * commit at once (with the keys and indexes before them), and each
	 * validation, which needs only ROW SHARE there, commits on its own
	 * with its saved row's removal, so a sibling table's restore does not
	 * wait for ours to validate everything.  A kill in between leaves a
	 * key NOT VALID with its definition still saved: the next restore
	 * finds it in place and only validates it.
	 */
	fk = ecalloc(l->n ? l->n : 1, sizeof(*fk));
	for (i = 0; i < l->n; i++) {
		const struct saved *s = &l->v[i];
		struct fkjob *f = &fk[i];

		if (strcmp(s->kind, "fk") && strcmp(s->kind, "rfk"))
			continue;
		f->o = *s;
		if (!strcmp(s->kind, "rfk")) {
			/* another table's foreign key: key_cols is its schema and name */
			const char *nl = s->keycols ? strchr(s->keycols, '\n') : NULL;

			if (!nl)
				die(MIG_EXIT_DB, "%s: " DEFER_TABLE ": row %s: no referencing table", tg->url.shown, s->ord);
			f->rs = estrndup(s->keycols, (size_t)(nl - s->keycols));
			f->rt = estrdup(nl + 1);
			f->o.schema = f->rs;
			f->o.table = f->rt;
			f->o.keycols = NULL;
		}
		f->qt = pg_q(tg, f->o.schema, f->o.table);
		f->qn = db_pg_ident(tg->conn, s->name);
		notvalid = strstr(s->def, " NOT VALID") != NULL;
		if (!fk_exists(tg, f->qt, s->name)) {
			buf_reset(&b);
			buf_addf(&b, "ALTER TABLE %s ADD CONSTRAINT %s %s%s", f->qt, f->qn, s->def,
				 notvalid ? "" : " NOT VALID");
			if (keyfail) {
				/* It may reference a key that did not come back: then it waits, saved, with it. */
				defer_exec(tg, "SAVEPOINT mig_fk");
				buf_reset(&err);
				if (tg->ops->exec(tg, b.buf, &err) < 0) {
					defer_exec(tg, "ROLLBACK TO SAVEPOINT mig_fk");
					defer_exec(tg, "RELEASE SAVEPOINT mig_fk");
					warn("%s: foreign key %s: not re-created (%s); its definition stays in " DEFER_TABLE,
					     f->o.table, s->name, err.buf);
					continue;
				}
				defer_exec(tg, "RELEASE SAVEPOINT mig_fk");
			} else {
				defer_exec(tg, b.buf);
			}
		}
		done[i] = 1;
		f->validate = !notvalid;
	}
	/* Each definition is unsaved once: with rows committed, in the transaction that made its key whole. */
	if (tg->rows_committed) {
		for (i = 0; i < l->n; i++)
			if (done[i] && !fk[i].validate) {
				unsave(tg, &b, &l->v[i]);
				done[i] = 0;
			}
		defer_exec(tg, "COMMIT");
		defer_exec(tg, "BEGIN");
	}
	for (i = 0; i < l->n; i++) {
		struct fkjob *f = &fk[i];

		if (!f->validate)
			continue;
		defer_exec(tg, "SAVEPOINT mig_validate");
		buf_reset(&b);
		buf_addf(&b, "ALTER TABLE %s VALIDATE CONSTRAINT %s", f->qt, f->qn);
		buf_reset(&err);
		if (tg->ops->exec(tg, b.buf, &err) < 0) {
			unsigned long long n;

			defer_exec(tg, "ROLLBACK TO SAVEPOINT mig_validate");
			n = find_orphans(tg, &f->o, rj);
			warn("%s: foreign key %s: %llu rows have no matching row in %s%s; left NOT VALID",
			     f->o.table, f->o.name, n, f->o.ref, rejects_has_file(rj) ? " (keys in the rejects file)" : "");
			*orphans = 1;
		}
		defer_exec(tg, "RELEASE SAVEPOINT mig_validate");
		if (tg->rows_committed) {
			unsave(tg, &b, &l->v[i]);
			done[i] = 0;
			defer_exec(tg, "COMMIT");
			defer_exec(tg, "BEGIN");
		}
	}
	for (i = 0; i < l->n; i++) {
		if (done[i])
			unsave(tg, &b, &l->v[i]);
		free(fk[i].qt);
		free(fk[i].qn);
		free(fk[i].rs);
		free(fk[i].rt);
	}
	free(fk);
	free(done);
	buf_release(&b);
	buf_release(&err);
}

static int ours(struct ltab **tabs, size_t ntabs, const char *schema, const char *table)
{
	size_t i;

	for (i = 0; i < ntabs; i++)
		if (tabs[i]->deferred && tabs[i]->cat && !strcmp(tabs[i]->cat->name, table) &&
		    !strcmp(tabs[i]->cat->schema ? tabs[i]->cat->schema : "", schema ? schema : ""))
			return 1;
	return 0;
}

/*
 * A foreign key between one of our tables and a table that another run is
 * loading with its constraints deferred (its lock held) waits for that run
 * to end: its keys are then back (we reference it) or its rows all in (it
 * references us, a foreign key we took from it).  So a child table can be
 * loaded beside its parent and still validate against all of the parent's
 * rows.  Only one of the two runs waits: the foreign key is saved once, by
 * the run that dropped it.
 */
static void wait_for_others(struct target *tg, struct ltab **tabs, size_t ntabs)
{
	struct rows r = { NULL, 0, 2 };
	struct buf q = BUF_INIT;
	size_t i;

	for (i = 0; i < ntabs; i++) {
		const struct cat_table *ct = tabs[i]->cat;

		if (!tabs[i]->deferred || !ct)
			continue;
		buf_reset(&q);
		buf_adds(&q, "SELECT n.nspname, c.relname FROM " DEFER_TABLE " d JOIN pg_class c ON c.oid = "
			 "to_regclass(d.ref) JOIN pg_namespace n ON n.oid = c.relnamespace WHERE d.kind = 'fk' "
			 "AND d.table_name = ");
		db_pg_lit(tg->conn, &q, ct->name);
		buf_adds(&q, " AND d.schema_name IS NOT DISTINCT FROM ");
		db_pg_lit(tg->conn, &q, ct->schema);
		buf_adds(&q, " UNION SELECT split_part(d.key_cols, E'\\n', 1), split_part(d.key_cols, E'\\n', 2) FROM "
			 DEFER_TABLE " d WHERE d.kind = 'rfk' AND d.table_name = ");
		db_pg_lit(tg->conn, &q, ct->name);
		buf_adds(&q, " AND d.schema_name IS NOT DISTINCT FROM ");
		db_pg_lit(tg->conn, &q, ct->schema);
		xquery(tg, q.buf, &r);
	}
	for (i = 0; i < r.nrows; i++) {
		const char *schema = r.v[2 * i], *table = r.v[2 * i + 1];
		struct buf u = BUF_INIT;

		if (!table || ours(tabs, ntabs, schema, table))
			continue;
		buf_addf(&u, "%s%s%s", schema ? schema : "", schema ? "." : "", table);
		wait_table(tg, schema, table, NULL, u.buf);
		buf_reset(&u);
		buf_adds(&u, "SELECT pg_advisory_unlock(");
		lock_key(tg, &u, schema, table);
		buf_adds(&u, ")");
		defer_exec(tg, u.buf);
		buf_release(&u);
	}
	rows_free(&r);
	buf_release(&q);
}

void pg_defer_finish(struct target *tg, struct ltab **tabs, size_t ntabs, struct rejects *rj, int *orphans)
{
	struct savedlist l = { NULL, 0 };
	size_t i, j;

	wait_for_others(tg, tabs, ntabs);

	/* Only our tables' rows: other runs' saved definitions are theirs. */
	for (i = 0; i < ntabs; i++) {
		if (!tabs[i]->deferred || !tabs[i]->cat)
			continue;
		/* Two tags may load one table: its rows once. */
		for (j = 0; j < i; j++)
			if (tabs[j]->deferred && tabs[j]->cat == tabs[i]->cat)
				break;
		if (j == i)
			load_saved(tg, &l, tabs[i]->cat->schema, tabs[i]->cat->name);
	}
	restore(tg, &l, rj, orphans);
	free_saved(&l);
}
