/*
 * extract-pg.c - PostgreSQL source.
 *
 * Rows come through COPY (SELECT ...) TO STDOUT WITH (FORMAT csv).  With
 * the session settings db_pg_connect makes (UTF8, ISO dates, UTC, hex
 * bytea, round-trip floats), PostgreSQL's CSV is already the stream's
 * canonical text and NULL/empty convention, and PQgetCopyData hands over
 * exactly one row per call, so a tagged CSV record is the quoted tag, a
 * comma and the row as received: no parsing, one copy into the output
 * buffer.  NDJSON output needs the fields, so it reads the same SELECT in
 * single-row mode instead.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extract.h"
#include "util.h"
#include "banned.h"

#define OUT_CHUNK (256 * 1024)

static char *pg_ident(void *conn, const char *name)
{
	return db_pg_ident(conn, name);
}

static void pg_literal(void *conn, struct buf *b, const char *s)
{
	db_pg_lit(conn, b, s);
}

/*
 * Integer keys shard by value mod n (cheap, and the index still serves
 * the ORDER BY); any other key by the first 28 bits of the md5 of its
 * text, which is stable across PostgreSQL versions, unlike hashtext.
 */
static void pg_shard(void *conn, struct buf *b, const struct cat_table *t, long long k, long long n)
{
	size_t i, j;

	if (t->pk->ncols == 1) {
		for (j = 0; j < t->ncols; j++)
			if (!strcmp(t->cols[j].name, t->pk->cols[0]) && t->cols[j].type == MIG_T_INT) {
				char *id = pg_ident(conn, t->pk->cols[0]);

				buf_addf(b, "mod(mod(%s, %lld) + %lld, %lld) = %lld", id, n, n, n, k);
				free(id);
				return;
			}
	}
	buf_adds(b, "mod(('x' || substr(md5(concat_ws(',', ");
	for (i = 0; i < t->pk->ncols; i++) {
		char *id = pg_ident(conn, t->pk->cols[i]);

		buf_addf(b, "%s%s::text", i ? ", " : "", id);
		free(id);
	}
	buf_addf(b, ")), 1, 7))::bit(28)::int, %lld) = %lld", n, k);
}

static void pg_from(void *conn, struct buf *b, const struct cat_table *t)
{
	char *s = pg_ident(conn, t->schema), *n = pg_ident(conn, t->name);

	buf_addf(b, "%s.%s", s, n);
	free(s);
	free(n);
}

static const struct xdialect pg_dialect = { pg_ident, pg_literal, pg_shard, pg_from, NULL };

static _Noreturn void pg_die(struct xctx *x, PGconn *c, PGresult *r, const char *tag)
{
	const char *m = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	char *msg = estrdup(m ? m : PQerrorMessage(c));
	size_t n = strlen(msg);

	while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	(void)x;
	die(MIG_EXIT_DB, "%s: %s", tag, msg);
}

static void exec_ok(struct xctx *x, PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);

	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
		pg_die(x, c, r, x->u->shown);
	PQclear(r);
}

/* one snapshot for every table, and nothing written by accident */
static void pg_begin(struct xctx *x, void *conn)
{
	exec_ok(x, conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
}

static void pg_end(struct xctx *x, void *conn)
{
	exec_ok(x, conn, "COMMIT");
}

static long long pg_count(struct xctx *x, void *conn, const char *from_sql, const char *tag)
{
	struct buf sql = BUF_INIT;
	PGresult *r;
	long long n;

	buf_addf(&sql, "SELECT count(*) FROM (%s) AS mig_count", from_sql);
	r = PQexec(conn, sql.buf);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		pg_die(x, conn, r, tag);
	n = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	buf_release(&sql);
	return n;
}

/* The header of a query: its result's column names and types, without running it. */
static struct mig_header *query_header(struct xctx *x, PGconn *c, const struct xjob *j)
{
	PGresult *r = PQprepare(c, "", j->query, 0, NULL), *d, *t;
	struct mig_header *h;
	int i;

	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		pg_die(x, c, r, j->tag);
	PQclear(r);
	d = PQdescribePrepared(c, "");
	if (PQresultStatus(d) != PGRES_COMMAND_OK)
		pg_die(x, c, d, j->tag);
	h = mig_header_new(j->tag, (size_t)PQnfields(d));
	for (i = 0; i < PQnfields(d); i++) {
		char oid[16];
		const char *p[1] = { oid };
		const char *tt, *tc;

		snprintf(oid, sizeof(oid), "%u", PQftype(d, i));
		t = PQexecParams(c, "SELECT format_type(CASE WHEN typtype = 'd' THEN typbasetype ELSE oid END, NULL), "
				 "typtype, typcategory FROM pg_type WHERE oid = $1::oid", 1, NULL, p, NULL, NULL, 0);
		if (PQresultStatus(t) != PGRES_TUPLES_OK)
			pg_die(x, c, t, j->tag);
		tt = PQntuples(t) ? PQgetvalue(t, 0, 1) : "b";
		tc = PQntuples(t) ? PQgetvalue(t, 0, 2) : "U";
		mig_header_set(h, (size_t)i, PQfname(d, i),
			       PQntuples(t) ? cat_pg_type(PQgetvalue(t, 0, 0), *tt, *tc) : MIG_T_TEXT);
		PQclear(t);
	}
	PQclear(d);
	return h;
}

static struct mig_header *table_header(const struct xjob *j, const struct cat_table *t)
{
	size_t i, n = x_job_ncols(j, t);
	struct mig_header *h = mig_header_new(j->tag, n);

	for (i = 0; i < n; i++) {
		const struct cat_column *col = x_job_column(j, t, i);

		mig_header_set(h, i, col->name, col->type);
	}
	return h;
}

/* Tagged CSV straight from COPY. */
static unsigned long long copy_csv(struct xctx *x, PGconn *c, const char *select, const struct mig_header *h)
{
	struct buf sql = BUF_INIT, out = BUF_INIT, tag = BUF_INIT;
	unsigned long long rows = 0;
	PGresult *r;
	char *row;
	int n;
	size_t i;

	/* the tag as the CSV writer would quote it */
	for (i = 0; h->tag[i] && !strchr(",\"\r\n", h->tag[i]); i++)
		;
	if (h->tag[i]) {
		buf_addc(&tag, '"');
		for (i = 0; h->tag[i]; i++) {
			if (h->tag[i] == '"')
				buf_addc(&tag, '"');
			buf_addc(&tag, h->tag[i]);
		}
		buf_addc(&tag, '"');
	} else {
		buf_adds(&tag, h->tag);
	}
	buf_addc(&tag, ',');

	buf_addf(&sql, "COPY (%s) TO STDOUT WITH (FORMAT csv)", select);
	r = PQexec(c, sql.buf);
	if (PQresultStatus(r) != PGRES_COPY_OUT)
		pg_die(x, c, r, h->tag);
	PQclear(r);
	mig_writer_flush(x->w);
	buf_grow(&out, OUT_CHUNK + 65536);
	while ((n = PQgetCopyData(c, &row, 0)) > 0) {
		if (out.len + tag.len + (size_t)n > out.alloc - 1) {
			mig_writer_raw(x->w, out.buf, out.len);
			buf_reset(&out);
		}
		buf_add(&out, tag.buf, tag.len);
		buf_add(&out, row, (size_t)n);
		PQfreemem(row);
		rows++;
		progress_tick(x->prog);
		if (out.len >= OUT_CHUNK) {
			mig_writer_raw(x->w, out.buf, out.len);
			buf_reset(&out);
		}
	}
	if (n == -2)
		pg_die(x, c, NULL, h->tag);
	r = PQgetResult(c);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		pg_die(x, c, r, h->tag);
	PQclear(r);
	while ((r = PQgetResult(c)))
		PQclear(r);
	mig_writer_raw(x->w, out.buf, out.len);
	buf_release(&out);
	buf_release(&sql);
	buf_release(&tag);
	return rows;
}

/* Field by field, for NDJSON. */
static unsigned long long select_rows(struct xctx *x, PGconn *c, const char *select, const struct mig_header *h)
{
	struct mig_field *f = ecalloc(h->ncols ? h->ncols : 1, sizeof(*f));
	unsigned long long rows = 0;
	PGresult *r;
	size_t i;

	if (!PQsendQuery(c, select) || !PQsetSingleRowMode(c))
		pg_die(x, c, NULL, h->tag);
	while ((r = PQgetResult(c))) {
		ExecStatusType st = PQresultStatus(r);

		if (st == PGRES_SINGLE_TUPLE) {
			for (i = 0; i < h->ncols; i++) {
				f[i].null = PQgetisnull(r, 0, (int)i);
				f[i].val = PQgetvalue(r, 0, (int)i);
				f[i].len = (size_t)PQgetlength(r, 0, (int)i);
			}
			rows++;
			if (mig_write_record(x->w, h, f) < 0)
				die(MIG_EXIT_DATA, "%s:%llu: %s", h->tag, rows, mig_writer_error(x->w));
			progress_tick(x->prog);
		} else if (st != PGRES_TUPLES_OK) {
			pg_die(x, c, r, h->tag);
		}
		PQclear(r);
	}
	free(f);
	return rows;
}

static struct mig_header *pg_header(struct xctx *x, void *conn, const struct xjob *j, const struct cat_table *t)
{
	return t ? table_header(j, t) : query_header(x, conn, j);
}

static unsigned long long pg_rows(struct xctx *x, void *conn, const char *sql, const struct xjob *j,
				  const struct cat_table *t, const struct mig_header *h, struct ledger_counts *lc)
{
	(void)j;
	(void)t;
	(void)lc;
	if (x->o->fmt == MIG_FMT_CSV)
		return copy_csv(x, conn, sql, h);
	return select_rows(x, conn, sql, h);
}

void extract_pg(struct xctx *x)
{
	struct xsource s = { NULL, &pg_dialect, " AS mig_query", pg_begin, pg_end, pg_count, pg_header, pg_rows };

	s.conn = db_pg_connect(x->u);
	x_run_jobs(x, &s);
	PQfinish(s.conn);
}
