/*
 * load-pg.c - the PostgreSQL target: COPY FROM STDIN in CSV form, or in
 * binary form where every column of a table has one (load-pgbin.c).
 *
 * mig's tagged CSV follows PostgreSQL's COPY CSV conventions (unquoted
 * empty is NULL, "" the empty string, bytea as \x hex, bool t/f, ISO
 * dates), so rows go to the server as they came, re-quoted only where a
 * value needs it.  Upserts COPY into a temporary staging table and merge
 * with INSERT ... ON CONFLICT once per bulk operation.
 */
#include <stdlib.h>
#include <string.h>

#include "load.h"
#include "util.h"
#include "banned.h"

struct pgtab {
	char *copy;		/* COPY ... FROM STDIN statement */
	enum pgbin *bin;	/* binary COPY: each column's form; NULL: CSV */
	char *merge;		/* upsert: INSERT ... SELECT ... ON CONFLICT */
	char *clear;		/* upsert: empty the staging table */
};

static int pg_exec(struct target *tg, const char *sql, struct buf *err)
{
	PGresult *res = PQexec(tg->conn, sql);
	ExecStatusType st = PQresultStatus(res);
	int ret = 0;

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		ret = pg_error(tg->conn, res, tg->show_values, err, NULL, &tg->data_err);
	PQclear(res);
	return ret;
}

static int pg_check_deferred(struct target *tg, struct buf *err)
{
	return pg_exec(tg, "SET CONSTRAINTS ALL IMMEDIATE", err);
}

static int pg_query(struct target *tg, const char *sql, void (*fn)(void *, size_t, char **), void *arg,
		    struct buf *err)
{
	PGresult *res = PQexec(tg->conn, sql);
	int i, j, n;
	char **vals;

	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		pg_error(tg->conn, res, tg->show_values, err, NULL, &tg->data_err);
		PQclear(res);
		return -1;
	}
	n = PQnfields(res);
	vals = ecalloc((size_t)n + 1, sizeof(*vals));
	for (i = 0; i < PQntuples(res); i++) {
		for (j = 0; j < n; j++)
			vals[j] = PQgetisnull(res, i, j) ? NULL : PQgetvalue(res, i, j);
		fn(arg, (size_t)n, vals);
	}
	free(vals);
	PQclear(res);
	return 0;
}

static char *pg_ident(struct target *tg, const char *name)
{
	return db_pg_ident(tg->conn, name);
}

static char *pg_qname(struct target *tg, const struct ltab *t)
{
	struct buf b = BUF_INIT;
	char *q;

	if (t->schema) {
		q = db_pg_ident(tg->conn, t->schema);
		buf_adds(&b, q);
		buf_addc(&b, '.');
		free(q);
	}
	q = db_pg_ident(tg->conn, t->table);
	buf_adds(&b, q);
	free(q);
	return buf_detach(&b, NULL);
}

static void pg_release(struct target *tg, struct ltab *t)
{
	struct pgtab *p = t->drv;

	(void)tg;
	if (!p)
		return;
	free(p->copy);
	free(p->merge);
	free(p->clear);
	free(p->bin);
	free(p);
	t->drv = NULL;
}

static void add_cols(struct target *tg, struct buf *b, const struct mig_header *h, const char *prefix)
{
	size_t i;

	for (i = 0; i < h->ncols; i++) {
		char *q = tg->ops->ident(tg, h->names[i]);

		if (i)
			buf_adds(b, ", ");
		buf_adds(b, prefix);
		buf_adds(b, q);
		free(q);
	}
}

static int pg_prepare(struct target *tg, struct ltab *t, struct buf *err)
{
	const struct cat_table *ct = find_table(tg, t, err);
	struct pgtab *p;
	struct buf b = BUF_INIT;
	char *qn;
	size_t i;

	if (!ct)
		return -1;
	qn = pg_qname(tg, t);
	if (check_columns(t, ct, tg->url.shown, err) ||
	    pick_load_key(tg, t, ct, err) < 0)
		goto fail;
	t->cat = ct;
	pg_release(tg, t);
	p = t->drv = ecalloc(1, sizeof(*p));
	if (!tg->upsert) {
		if (!tg->csv_only)
			p->bin = pgbin_plan(t->hdr, ct);
		buf_addf(&b, "COPY %s (", qn);
		add_cols(tg, &b, t->hdr, "");
		buf_adds(&b, p->bin ? ") FROM STDIN (FORMAT binary)" : ") FROM STDIN (FORMAT csv)");
		p->copy = buf_detach(&b, NULL);
		free(qn);
		return 0;
	}
	/* Upsert: a staging table with the stream's columns, no constraints. */
	{
		struct buf stage = BUF_INIT;
		char *qs;

		buf_addf(&stage, "mig_stage_%lu", t->hdr->id);
		qs = db_pg_ident(tg->conn, stage.buf);
		buf_addf(&b, "CREATE TEMP TABLE IF NOT EXISTS %s AS SELECT ", qs);
		add_cols(tg, &b, t->hdr, "");
		buf_addf(&b, " FROM %s WITH NO DATA", qn);
		if (pg_exec(tg, b.buf, err) < 0) {
			free(qs);
			free(qn);
			buf_release(&b);
			buf_release(&stage);
			return -1;
		}
		buf_reset(&b);
		buf_addf(&b, "COPY %s (", qs);
		add_cols(tg, &b, t->hdr, "");
		buf_adds(&b, ") FROM STDIN (FORMAT csv)");
		p->copy = buf_detach(&b, NULL);
		buf_addf(&b, "INSERT INTO %s (", qn);
		add_cols(tg, &b, t->hdr, "");
		buf_adds(&b, ") SELECT ");
		add_cols(tg, &b, t->hdr, "");
		buf_addf(&b, " FROM %s ON CONFLICT (", qs);
		for (i = 0; i < t->nkey; i++) {
			char *q = db_pg_ident(tg->conn, t->keynames[i]);

			buf_addf(&b, "%s%s", i ? ", " : "", q);
			free(q);
		}
		buf_adds(&b, ") DO ");
		{
			int any = 0;

			for (i = 0; i < t->hdr->ncols; i++) {
				char *q;

				if (!upsert_sets(tg, t, i))
					continue;
				q = db_pg_ident(tg->conn, t->hdr->names[i]);
				buf_addf(&b, "%s%s = EXCLUDED.%s", any ? ", " : "UPDATE SET ", q, q);
				free(q);
				any = 1;
			}
			if (!any)
				buf_adds(&b, "NOTHING");
		}
		p->merge = buf_detach(&b, NULL);
		buf_addf(&b, "TRUNCATE %s", qs);
		p->clear = buf_detach(&b, NULL);
		free(qs);
		buf_release(&stage);
	}
	free(qn);
	return 0;
fail:
	free(qn);
	buf_release(&b);
	return -1;
}

static int pg_encode(struct target *tg, struct ltab *t, const struct mig_field *f, struct buf *out,
		     struct buf *err)
{
	const struct pgtab *p = t->drv;

	if (p->bin)
		return pgbin_row(p->bin, t->hdr, f, tg->show_values, out, err);
	csv_encode_row(t->hdr, f, out);
	return 0;
}

static int pg_bulk_begin(struct target *tg, struct ltab *t, struct buf *err)
{
	struct pgtab *p = t->drv;
	PGresult *res = PQexec(tg->conn, p->copy);
	int ret = 0;

	if (PQresultStatus(res) != PGRES_COPY_IN)
		ret = pg_error(tg->conn, res, tg->show_values, err, NULL, &tg->data_err);
	else if (p->bin && PQputCopyData(tg->conn, pgbin_head, PGBIN_HEAD_LEN) != 1)
		ret = pg_error(tg->conn, NULL, 1, err, NULL, &tg->data_err);
	PQclear(res);
	return ret;
}

static int pg_bulk_put(struct target *tg, struct ltab *t, const char *data, size_t n, unsigned long long *badrow,
		       struct buf *err)
{
	(void)t;
	(void)badrow;
	/* libpq takes at most INT_MAX per call; the core hands over ~1 MB. */
	while (n) {
		int k = n > (1u << 30) ? 1 << 30 : (int)n;

		if (PQputCopyData(tg->conn, data, k) != 1)
			return pg_error(tg->conn, NULL, 1, err, NULL, &tg->data_err);
		data += k;
		n -= (size_t)k;
	}
	return 0;
}

static int pg_bulk_end(struct target *tg, struct ltab *t, unsigned long long *badrow, struct buf *err)
{
	struct pgtab *p = t->drv;
	PGresult *res;
	int ret = 0;
	unsigned long long n = 0;

	/* the binary trailer: a field count of -1 */
	if (p->bin && PQputCopyData(tg->conn, "\377\377", 2) != 1)
		return pg_error(tg->conn, NULL, 1, err, NULL, &tg->data_err);
	if (PQputCopyEnd(tg->conn, NULL) != 1)
		return pg_error(tg->conn, NULL, 1, err, NULL, &tg->data_err);
	while ((res = PQgetResult(tg->conn))) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			if (!ret)
				ret = pg_error(tg->conn, res, tg->show_values, err, badrow, &tg->data_err);
		} else {
			n += strtoull(PQcmdTuples(res), NULL, 10);
		}
		PQclear(res);
	}
	if (ret < 0 || !p->merge) {
		t->srv += n;
		return ret;
	}
	res = PQexec(tg->conn, p->merge);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		struct buf ignore = BUF_INIT;

		pg_error(tg->conn, res, tg->show_values, err, NULL, &tg->data_err);
		PQclear(res);
		/* Fails in the aborted transaction; the rollback empties the stage. */
		pg_exec(tg, p->clear, &ignore);
		buf_release(&ignore);
		return -1;
	}
	/*
	 * DO NOTHING leaves rows already there: they still count as taken,
	 * and with --insert-only as skipped.
	 */
	if (strstr(p->merge, "DO NOTHING")) {
		t->srv += n;
		if (tg->insert_only)
			t->skipped += n - strtoull(PQcmdTuples(res), NULL, 10);
	} else
		t->srv += strtoull(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	return pg_exec(tg, p->clear, err);
}

static void pg_close(struct target *tg)
{
	PQfinish(tg->conn);
}

static void pg_open(struct target *tg);

/*
 * The advisory lock lasts to the end of the implicit transaction of the
 * one multi-statement query that creates the table.  A run's own lock is
 * the two-int form, under the table's name so no other lock shares it.
 */
#define PG_RUN_KEY "hashtext('" CKPT_TABLE "'), hashtext('%s')"
static const struct ckpt_sql pg_ckpt = {
	.create_prefix = "SELECT pg_advisory_xact_lock(hashtext('" CKPT_TABLE "')); ",
	.run_try = "SELECT pg_try_advisory_lock(" PG_RUN_KEY ")",
	.run_wait = "SELECT pg_advisory_lock(" PG_RUN_KEY ")",
};

const struct tgt_ops pg_ops = {
	.exec = pg_exec,
	.prepare = pg_prepare,
	.encode = pg_encode,
	.bulk_begin = pg_bulk_begin,
	.bulk_put = pg_bulk_put,
	.bulk_end = pg_bulk_end,
	.query = pg_query,
	.qname = pg_qname,
	.ident = pg_ident,
	.release = pg_release,
	.close = pg_close,
	.check_deferred = pg_check_deferred,
	.advance_ids = pg_advance_ids,
	.truncate = pg_truncate,
	.open = pg_open,
	.has_catalog = 1,
	.schemas = 1,
	.ckpt = &pg_ckpt,
	.defer_start = pg_defer_start,
	.defer_table = pg_defer_table,
	.defer_keys_left = pg_defer_keys_left,
	.defer_finish = pg_defer_finish,
};

static void pg_open(struct target *tg)
{
	tg->conn = db_pg_connect(&tg->url);
	/* Diagnostics stay ours: the server's NOTICEs (IF NOT EXISTS) are noise. */
	pg_exec(tg, "SET client_min_messages = warning", &(struct buf)BUF_INIT);
}
