/*
 * extract-my.c - MariaDB and MySQL source.
 *
 * Rows stream with mysql_use_result (one row in memory at a time) inside
 * START TRANSACTION WITH CONSISTENT SNAPSHOT.  The text protocol already
 * gives most types in canonical form; the converters below handle the
 * rest, each decision documented in mig-extract(1), TYPE MAPPING:
 * tinyint(1) and BIT(1) as bool, BIT(n) as an integer, zero dates as NULL
 * (counted) or an error, TIMESTAMP as UTC timestamptz, binary strings as
 * \x hex, TIME outside a time of day as an error.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "extract.h"
#include "util.h"
#include "banned.h"

enum conv {
	C_PASS,		/* the server's text is canonical */
	C_TINYBOOL,	/* "0"/"1" -> f/t */
	C_BITBOOL,	/* one byte 0/1 -> f/t */
	C_BITINT,	/* big-endian bytes -> unsigned decimal */
	C_DATE,		/* zero dates checked */
	C_DATETIME,
	C_TIMESTAMP,	/* + "+00" */
	C_TIME,		/* time of day only */
	C_HEX,		/* binary -> \x hex */
	C_FLOAT4,	/* exact double of a FLOAT -> shortest single-precision text */
};

static char *my_ident(void *conn, const char *name)
{
	(void)conn;
	return db_my_ident(name);
}

static void my_literal(void *conn, struct buf *b, const char *s)
{
	db_my_lit(conn, b, s);
}

/* Integer keys by value mod n, any other key by CRC32 of its text. */
static void my_shard(void *conn, struct buf *b, const struct cat_table *t, long long k, long long n)
{
	size_t i, j;

	(void)conn;
	if (t->pk->ncols == 1) {
		for (j = 0; j < t->ncols; j++)
			if (!strcmp(t->cols[j].name, t->pk->cols[0]) && t->cols[j].type == MIG_T_INT) {
				char *id = db_my_ident(t->pk->cols[0]);

				buf_addf(b, "MOD(MOD(%s, %lld) + %lld, %lld) = %lld", id, n, n, n, k);
				free(id);
				return;
			}
	}
	buf_adds(b, "MOD(CRC32(CONCAT_WS(',', ");
	for (i = 0; i < t->pk->ncols; i++) {
		char *id = db_my_ident(t->pk->cols[i]);

		buf_addf(b, "%s%s", i ? ", " : "", id);
		free(id);
	}
	buf_addf(b, ")), %lld) = %lld", n, k);
}

static void my_from(void *conn, struct buf *b, const struct cat_table *t)
{
	char *n = db_my_ident(t->name);

	(void)conn;
	buf_adds(b, n);
	free(n);
}

static int is_float4(const struct cat_column *c)
{
	return c->dbtype && !strncasecmp(c->dbtype, "float", 5);
}

/*
 * MariaDB prints FLOAT with 6 significant digits, which loses bits; the
 * float widened to DOUBLE is exact, and the converter narrows it back to
 * the shortest text that reads as the same single-precision value.
 */
static void my_col_expr(void *conn, struct buf *b, const struct cat_column *c)
{
	char *id = db_my_ident(c->name);

	(void)conn;
	if (is_float4(c))
		buf_addf(b, "CAST(%s AS DOUBLE) AS %s", id, id);
	else
		buf_adds(b, id);
	free(id);
}

static const struct xdialect my_dialect = { my_ident, my_literal, my_shard, my_from, my_col_expr };

static _Noreturn void my_die(MYSQL *m, const char *where)
{
	die(MIG_EXIT_DB, "%s: %s", where, mysql_error(m));
}

static void run(MYSQL *m, const char *sql, const char *where)
{
	if (mysql_query(m, sql))
		my_die(m, where);
}

static int is_binary(const MYSQL_FIELD *f)
{
	return f->charsetnr == 63;
}

static int field_is_json(const MYSQL_FIELD *f)
{
	MARIADB_CONST_STRING a;

	if (f->type == 245)	/* MYSQL_TYPE_JSON of MySQL 5.7+ */
		return 1;
	return mariadb_field_attr(&a, f, MARIADB_FIELD_ATTR_FORMAT_NAME) == 0 && a.length == 4 &&
	       !strncasecmp(a.str, "json", 4);
}

/* The stream type and converter of a result column. */
static enum mig_type field_type(const MYSQL_FIELD *f, const struct xopt *o, enum conv *cv)
{
	*cv = C_PASS;
	switch ((int)f->type) {
	case MYSQL_TYPE_TINY:
		if (o->tinyint1_bool && f->length == 1 && !(f->flags & UNSIGNED_FLAG)) {
			*cv = C_TINYBOOL;
			return MIG_T_BOOL;
		}
		return MIG_T_INT;
	case MYSQL_TYPE_SHORT: case MYSQL_TYPE_LONG: case MYSQL_TYPE_LONGLONG:
	case MYSQL_TYPE_INT24: case MYSQL_TYPE_YEAR:
		return MIG_T_INT;
	case MYSQL_TYPE_BIT:
		*cv = f->length == 1 ? C_BITBOOL : C_BITINT;
		return f->length == 1 ? MIG_T_BOOL : MIG_T_INT;
	case MYSQL_TYPE_DECIMAL: case MYSQL_TYPE_NEWDECIMAL:
		return MIG_T_NUMERIC;
	case MYSQL_TYPE_FLOAT: case MYSQL_TYPE_DOUBLE:
		return MIG_T_FLOAT;
	case MYSQL_TYPE_DATE: case MYSQL_TYPE_NEWDATE:
		*cv = C_DATE;
		return MIG_T_DATE;
	case MYSQL_TYPE_DATETIME: case MYSQL_TYPE_DATETIME2:
		*cv = C_DATETIME;
		return MIG_T_TIMESTAMP;
	case MYSQL_TYPE_TIMESTAMP: case MYSQL_TYPE_TIMESTAMP2:
		*cv = C_TIMESTAMP;
		return MIG_T_TIMESTAMPTZ;
	case MYSQL_TYPE_TIME: case MYSQL_TYPE_TIME2:
		*cv = C_TIME;
		return MIG_T_TIME;
	case MYSQL_TYPE_GEOMETRY:
		*cv = C_HEX;
		return MIG_T_BYTES;
	case 245:
		return MIG_T_JSON;
	default:
		if (field_is_json(f))
			return MIG_T_JSON;
		if (is_binary(f)) {
			*cv = C_HEX;
			return MIG_T_BYTES;
		}
		return MIG_T_TEXT;
	}
}

/* Month or day 00: MySQL's zero and partial-zero dates, which no other database holds. */
static int zero_date(const char *s, size_t n)
{
	return n >= 10 && ((s[5] == '0' && s[6] == '0') || (s[8] == '0' && s[9] == '0'));
}

struct myrun {
	struct xctx *x;
	const struct mig_header *h;
	enum conv *cv;
	struct mig_field *f;
	struct buf *scratch;	/* one per column, reused */
	unsigned long long zero_dates;
};

static _Noreturn void bad_value(struct myrun *r, unsigned long long row, size_t i, const char *what,
				const char *v, size_t n)
{
	if (r->x->o->show_values)
		die(MIG_EXIT_DATA, "%s:%llu: column '%s': %s: '%.*s'", r->h->tag, row, r->h->names[i], what,
		    (int)(n > 200 ? 200 : n), v);
	die(MIG_EXIT_DATA, "%s:%llu: column '%s': %s", r->h->tag, row, r->h->names[i], what);
}

static void convert(struct myrun *r, unsigned long long row, size_t i, const char *v, size_t n)
{
	struct mig_field *f = &r->f[i];
	struct buf *b = &r->scratch[i];
	size_t k;

	f->val = v;
	f->len = n;
	f->null = 0;
	switch (r->cv[i]) {
	case C_PASS:
		return;
	case C_TINYBOOL:
		if (n == 1 && (*v == '0' || *v == '1')) {
			f->val = *v == '1' ? "t" : "f";
			f->len = 1;
			return;
		}
		bad_value(r, row, i, "tinyint(1) value other than 0 or 1 (use --tinyint1 int)", v, n);
	case C_BITBOOL:
		f->val = n && v[n - 1] ? "t" : "f";
		f->len = 1;
		return;
	case C_BITINT: {
		unsigned long long u = 0;

		for (k = 0; k < n; k++)
			u = u << 8 | (unsigned char)v[k];
		buf_reset(b);
		buf_addf(b, "%llu", u);
		break;
	}
	case C_DATE:
	case C_DATETIME:
	case C_TIMESTAMP:
		if (zero_date(v, n)) {
			if (r->x->o->zero_date_error)
				bad_value(r, row, i, "zero date (use --zero-date null)", v, n);
			r->zero_dates++;
			f->null = 1;
			f->val = "";
			f->len = 0;
			return;
		}
		if (r->cv[i] != C_TIMESTAMP)
			return;
		buf_reset(b);
		buf_add(b, v, n);
		buf_adds(b, "+00");
		break;
	case C_TIME:
		if (n >= 8 && v[0] != '-' && v[2] == ':' && (v[0] < '2' || (v[0] == '2' && v[1] < '4')))
			return;
		bad_value(r, row, i, "TIME value outside 00:00:00-23:59:59", v, n);
	case C_HEX:
		buf_reset(b);
		x_hex(b, v, n);
		break;
	case C_FLOAT4: {
		float fl = (float)strtod(v, NULL);
		char tmp[48];
		int prec;

		for (prec = 6; prec <= 9; prec++) {
			snprintf(tmp, sizeof(tmp), "%.*g", prec, (double)fl);
			if (strtof(tmp, NULL) == fl)
				break;
		}
		buf_reset(b);
		buf_adds(b, tmp);
		break;
	}
	}
	f->val = b->buf;
	f->len = b->len;
}

static unsigned long long my_rows(struct xctx *x, void *conn, const char *sql, const struct xjob *j,
				  const struct cat_table *t, const struct mig_header *unused, struct ledger_counts *lc)
{
	MYSQL *m = conn;
	struct myrun r;
	struct mig_header *h;
	MYSQL_RES *res;
	MYSQL_FIELD *fields;
	MYSQL_ROW row;
	unsigned long *lens;
	unsigned long long rows = 0;
	size_t i, n;

	(void)unused;
	if (mysql_real_query(m, sql, strlen(sql)))
		my_die(m, j->tag);
	if (!(res = mysql_use_result(m)))
		my_die(m, j->tag);
	n = mysql_num_fields(res);
	fields = mysql_fetch_fields(res);
	memset(&r, 0, sizeof(r));
	r.x = x;
	r.cv = ecalloc(n + 1, sizeof(*r.cv));
	r.f = ecalloc(n + 1, sizeof(*r.f));
	r.scratch = ecalloc(n + 1, sizeof(*r.scratch));
	h = mig_header_new(j->tag, n);
	for (i = 0; i < n; i++) {
		enum mig_type ty = field_type(&fields[i], x->o, &r.cv[i]);

		/* JSON and UUID are LONGTEXT and CHAR(36) on the wire: the catalog knows better */
		if (t) {
			const struct cat_column *col = x_job_column(j, t, i);

			if ((col->type == MIG_T_JSON || col->type == MIG_T_UUID) && r.cv[i] == C_PASS)
				ty = col->type;
			if (is_float4(col))
				r.cv[i] = C_FLOAT4;
		}
		mig_header_set(h, i, fields[i].name, ty);
		buf_init(&r.scratch[i]);
	}
	r.h = h;
	mig_write_header(x->w, h);
	while ((row = mysql_fetch_row(res))) {
		lens = mysql_fetch_lengths(res);
		rows++;
		for (i = 0; i < n; i++) {
			if (!row[i]) {
				r.f[i].null = 1;
				r.f[i].val = "";
				r.f[i].len = 0;
			} else {
				convert(&r, rows, i, row[i], lens[i]);
			}
		}
		if (mig_write_record(x->w, h, r.f) < 0)
			die(MIG_EXIT_DATA, "%s:%llu: %s", j->tag, rows, mig_writer_error(x->w));
		progress_tick(x->prog);
	}
	if (mysql_errno(m))
		my_die(m, j->tag);
	mysql_free_result(res);
	if (r.zero_dates)
		ledger_add_extra(lc, "zero_dates", r.zero_dates);
	for (i = 0; i < n; i++)
		buf_release(&r.scratch[i]);
	free(r.scratch);
	free(r.cv);
	free(r.f);
	mig_header_free(h);
	return rows;
}

static long long my_count(struct xctx *x, void *conn, const char *from_sql, const char *tag)
{
	MYSQL *m = conn;
	struct buf sql = BUF_INIT;
	MYSQL_RES *res;
	MYSQL_ROW row;
	long long n = -1;

	(void)x;
	buf_addf(&sql, "SELECT COUNT(*) FROM (%s) AS mig_count", from_sql);
	if (mysql_real_query(m, sql.buf, sql.len) || !(res = mysql_store_result(m)))
		my_die(m, tag);
	if ((row = mysql_fetch_row(res)) && row[0])
		n = strtoll(row[0], NULL, 10);
	mysql_free_result(res);
	buf_release(&sql);
	return n;
}

static void my_begin(struct xctx *x, void *conn)
{
	run(conn, "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ", x->u->shown);
	run(conn, "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY", x->u->shown);
}

static void my_end(struct xctx *x, void *conn)
{
	run(conn, "COMMIT", x->u->shown);
}

void extract_my(struct xctx *x)
{
	struct xsource s = { NULL, &my_dialect, " AS mig_query", my_begin, my_end, my_count, NULL, my_rows };

	s.conn = db_my_connect(x->u);
	x_run_jobs(x, &s);
	mysql_close(s.conn);
}
