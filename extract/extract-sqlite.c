/*
 * extract-sqlite.c - SQLite source, through one stepped statement per
 * table inside a read transaction (one snapshot for every table).
 *
 * SQLite types values, not columns: the column's declared type decides
 * the stream type (catalog.c, cat_sqlite_type) and each value is brought
 * to that type's canonical text from whatever storage class it has, or
 * refused as a data error naming tag, row and column.  Dates and times
 * stored as numbers are unix seconds (SQLite's own 'unixepoch' modifier),
 * written in UTC.  The decisions are listed in mig-extract(1).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "extract.h"
#include "util.h"
#include "banned.h"

static char *sq_ident(void *conn, const char *name)
{
	(void)conn;
	return db_sqlite_ident(name);
}

static void sq_literal(void *conn, struct buf *b, const char *s)
{
	(void)conn;
	db_sqlite_lit(b, s);
}

/*
 * SQLite has no hash function in SQL, so mig registers mig_hash(): FNV-1a
 * over the key's text, 31 bits.  Integer keys use value mod n, as in the
 * other dialects.
 */
static void sq_hash(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	uint32_t h = 2166136261u;
	int i;

	for (i = 0; i < argc; i++) {
		const unsigned char *p = sqlite3_value_text(argv[i]);
		int n = sqlite3_value_bytes(argv[i]), k;

		for (k = 0; p && k < n; k++) {
			h ^= p[k];
			h *= 16777619u;
		}
		h ^= ',';
		h *= 16777619u;
	}
	sqlite3_result_int64(ctx, (sqlite3_int64)(h & 0x7fffffff));
}

static void sq_shard(void *conn, struct buf *b, const struct cat_table *t, long long k, long long n)
{
	size_t i, j;

	(void)conn;
	if (t->pk->ncols == 1) {
		for (j = 0; j < t->ncols; j++)
			if (!strcmp(t->cols[j].name, t->pk->cols[0]) && t->cols[j].type == MIG_T_INT) {
				char *id = db_sqlite_ident(t->pk->cols[0]);

				buf_addf(b, "((%s %% %lld) + %lld) %% %lld = %lld", id, n, n, n, k);
				free(id);
				return;
			}
	}
	buf_adds(b, "mig_hash(");
	for (i = 0; i < t->pk->ncols; i++) {
		char *id = db_sqlite_ident(t->pk->cols[i]);

		buf_addf(b, "%s%s", i ? ", " : "", id);
		free(id);
	}
	buf_addf(b, ") %% %lld = %lld", n, k);
}

static void sq_from(void *conn, struct buf *b, const struct cat_table *t)
{
	char *n = db_sqlite_ident(t->name);

	(void)conn;
	buf_adds(b, n);
	free(n);
}

static const struct xdialect sq_dialect = { sq_ident, sq_literal, sq_shard, sq_from, NULL };

struct sqrun {
	struct xctx *x;
	const struct mig_header *h;
	unsigned long long row;
};

static _Noreturn void bad_value(struct sqrun *r, size_t i, const char *what, const char *v, size_t n)
{
	if (r->x->o->show_values && v)
		die(MIG_EXIT_DATA, "%s:%llu: column '%s': %s: '%.*s'", r->h->tag, r->row, r->h->names[i], what,
		    (int)(n > 200 ? 200 : n), v);
	die(MIG_EXIT_DATA, "%s:%llu: column '%s': %s", r->h->tag, r->row, r->h->names[i], what);
}

static int digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* YYYY-MM-DD */
static int is_date(const char *s, size_t n)
{
	return n == 10 && digits(s, 4) && s[4] == '-' && digits(s + 5, 2) && s[7] == '-' && digits(s + 8, 2);
}

/* HH:MM[:SS[.ffffff]] -> canonical HH:MM:SS[.f]; returns 0 if not a time */
static int add_time(struct buf *b, const char *s, size_t n)
{
	if (n < 5 || !digits(s, 2) || s[2] != ':' || !digits(s + 3, 2))
		return 0;
	if (n == 5) {
		buf_add(b, s, 5);
		buf_adds(b, ":00");
		return 1;
	}
	if (n < 8 || s[5] != ':' || !digits(s + 6, 2))
		return 0;
	if (n > 8 && (s[8] != '.' || n == 9 || !digits(s + 9, n - 9) || n > 15))
		return 0;
	/* trailing zeros of the fraction are not part of the canonical form */
	while (n > 8 && s[n - 1] == '0')
		n--;
	if (n == 9)
		n = 8;
	buf_add(b, s, n);
	return 1;
}

static void unix_time(struct buf *b, double secs, enum mig_type t)
{
	time_t whole = (time_t)floor(secs);
	long micro = lround((secs - floor(secs)) * 1e6);
	struct tm tm;

	if (micro == 1000000) {
		whole++;
		micro = 0;
	}
	gmtime_r(&whole, &tm);
	buf_addf(b, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	if (t == MIG_T_DATE)
		return;
	buf_addf(b, " %02d:%02d:%02d", tm.tm_hour, tm.tm_min, tm.tm_sec);
	if (micro) {
		buf_addf(b, ".%06ld", micro);
		while (b->buf[b->len - 1] == '0')
			b->buf[--b->len] = '\0';
	}
	if (t == MIG_T_TIMESTAMPTZ)
		buf_adds(b, "+00");
}

/*
 * Text timestamps: "YYYY-MM-DD", "YYYY-MM-DD HH:MM[:SS[.f]]" or with 'T';
 * a trailing "Z" or "+00:00" is UTC.  Other offsets are refused rather
 * than converted, so a naive/aware mix-up is seen, not guessed.
 */
static int text_timestamp(struct buf *b, const char *s, size_t n, enum mig_type t)
{
	size_t end = n;
	int utc = 0;

	if (n < 10 || !is_date(s, 10))
		return 0;
	if (end > 10 && s[end - 1] == 'Z') {
		end--;
		utc = 1;
	} else if (end > 16 && (!memcmp(s + end - 6, "+00:00", 6) || !memcmp(s + end - 6, "-00:00", 6))) {
		end -= 6;
		utc = 1;
	} else if (end > 13 && !memcmp(s + end - 3, "+00", 3)) {
		end -= 3;
		utc = 1;
	}
	if (utc && t == MIG_T_TIMESTAMP)
		return 0;
	buf_add(b, s, 10);
	if (end == 10) {
		buf_adds(b, " 00:00:00");
	} else {
		if (s[10] != ' ' && s[10] != 'T')
			return 0;
		buf_addc(b, ' ');
		if (!add_time(b, s + 11, end - 11))
			return 0;
	}
	if (t == MIG_T_TIMESTAMPTZ)
		buf_adds(b, "+00");
	return 1;
}

static int is_number(const char *s, size_t n, int integer)
{
	char *end;

	if (!n || s[0] == ' ' || s[n - 1] == ' ')
		return 0;
	if (integer) {
		size_t i = (s[0] == '-' || s[0] == '+');

		return i < n && digits(s + i, n - i);
	}
	strtod(s, &end);
	return (size_t)(end - s) == n && !strchr(s, 'x') && !strchr(s, 'X') && !strcasestr(s, "inf") &&
	       !strcasestr(s, "nan");
}

static void lower_uuid(struct buf *b, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		buf_addc(b, (char)(s[i] >= 'A' && s[i] <= 'F' ? s[i] + 32 : s[i]));
}

/* Bring value i of the current row to its column's canonical text in b. */
static void convert(struct sqrun *r, sqlite3_stmt *st, size_t i, struct buf *b, struct mig_field *f)
{
	int ct = sqlite3_column_type(st, (int)i);
	enum mig_type t = r->h->types[i];
	const char *s;
	size_t n;

	f->null = 0;
	buf_reset(b);
	if (ct == SQLITE_NULL) {
		f->null = 1;
		f->val = "";
		f->len = 0;
		return;
	}
	if (ct == SQLITE_BLOB) {
		const void *p = sqlite3_column_blob(st, (int)i);

		n = (size_t)sqlite3_column_bytes(st, (int)i);
		if (t == MIG_T_BYTES || t == MIG_T_ANY) {
			x_hex(b, p, n);
		} else if (t == MIG_T_UUID && n == 16) {
			const unsigned char *u = p;
			size_t k;

			for (k = 0; k < 16; k++)
				buf_addf(b, "%s%02x", (k == 4 || k == 6 || k == 8 || k == 10) ? "-" : "", u[k]);
		} else if (t == MIG_T_TEXT && utf8_valid(p, n)) {
			buf_add(b, p, n);
		} else {
			bad_value(r, i, "binary value in a non-binary column", NULL, 0);
		}
		goto out;
	}
	if (ct == SQLITE_FLOAT) {
		double d = sqlite3_column_double(st, (int)i);

		switch (t) {
		case MIG_T_INT:
			if (d != floor(d) || fabs(d) > 9.2e18)
				bad_value(r, i, "fractional value in an integer column", NULL, 0);
			buf_addf(b, "%lld", (long long)d);
			break;
		case MIG_T_DATE: case MIG_T_TIMESTAMP: case MIG_T_TIMESTAMPTZ:
			unix_time(b, d, t);
			break;
		case MIG_T_BOOL:
			if (d != 0 && d != 1)
				bad_value(r, i, "value other than 0 or 1 in a boolean column", NULL, 0);
			buf_addc(b, d ? 't' : 'f');
			break;
		case MIG_T_FLOAT: case MIG_T_NUMERIC: case MIG_T_TEXT: case MIG_T_ANY: case MIG_T_JSON:
			x_double(b, d);
			break;
		default:
			bad_value(r, i, "number in a column of another type", NULL, 0);
		}
		goto out;
	}
	if (ct == SQLITE_INTEGER) {
		sqlite3_int64 v = sqlite3_column_int64(st, (int)i);

		switch (t) {
		case MIG_T_DATE: case MIG_T_TIMESTAMP: case MIG_T_TIMESTAMPTZ:
			unix_time(b, (double)v, t);
			break;
		case MIG_T_BOOL:
			if (v != 0 && v != 1)
				bad_value(r, i, "value other than 0 or 1 in a boolean column", NULL, 0);
			buf_addc(b, v ? 't' : 'f');
			break;
		case MIG_T_INT: case MIG_T_FLOAT: case MIG_T_NUMERIC: case MIG_T_TEXT: case MIG_T_ANY: case MIG_T_JSON:
			buf_addf(b, "%lld", (long long)v);
			break;
		default:
			bad_value(r, i, "number in a column of another type", NULL, 0);
		}
		goto out;
	}
	/* SQLITE_TEXT */
	s = (const char *)sqlite3_column_text(st, (int)i);
	n = (size_t)sqlite3_column_bytes(st, (int)i);
	if (!utf8_valid(s, n))
		bad_value(r, i, "invalid UTF-8", NULL, 0);
	switch (t) {
	case MIG_T_INT:
		if (!is_number(s, n, 1))
			bad_value(r, i, "text that is not an integer in an integer column", s, n);
		break;
	case MIG_T_FLOAT: case MIG_T_NUMERIC:
		if (!is_number(s, n, 0))
			bad_value(r, i, "text that is not a number in a numeric column", s, n);
		break;
	case MIG_T_BOOL:
		if ((n == 1 && strchr("tT1yY", *s)) || (n == 4 && !strncasecmp(s, "true", 4)))
			buf_addc(b, 't');
		else if ((n == 1 && strchr("fF0nN", *s)) || (n == 5 && !strncasecmp(s, "false", 5)))
			buf_addc(b, 'f');
		else
			bad_value(r, i, "text that is not a boolean in a boolean column", s, n);
		goto out;
	case MIG_T_DATE:
		if (!is_date(s, n))
			bad_value(r, i, "text that is not a YYYY-MM-DD date", s, n);
		break;
	case MIG_T_TIME:
		if (!add_time(b, s, n))
			bad_value(r, i, "text that is not a HH:MM:SS time", s, n);
		goto out;
	case MIG_T_TIMESTAMP: case MIG_T_TIMESTAMPTZ:
		if (!text_timestamp(b, s, n, t))
			bad_value(r, i, t == MIG_T_TIMESTAMP ? "text that is not a timestamp without zone"
				  : "text that is not a UTC timestamp", s, n);
		goto out;
	case MIG_T_UUID:
		if (n != 36)
			bad_value(r, i, "text that is not a UUID", s, n);
		lower_uuid(b, s, n);
		goto out;
	case MIG_T_BYTES:
		x_hex(b, s, n);
		goto out;
	default:
		break;
	}
	f->val = s;
	f->len = n;
	return;
out:
	f->val = b->buf;
	f->len = b->len;
}

static unsigned long long sq_rows(struct xctx *x, void *conn, const char *sql, const struct xjob *j,
				  const struct cat_table *t, const struct mig_header *unused, struct ledger_counts *lc)
{
	sqlite3 *db = conn;
	struct sqrun r;
	struct mig_header *h;
	struct mig_field *f;
	struct buf *scratch;
	sqlite3_stmt *st;
	size_t i, n;
	int rc;

	(void)unused;
	(void)lc;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		die(MIG_EXIT_DB, "%s: %s", j->tag, sqlite3_errmsg(db));
	n = (size_t)sqlite3_column_count(st);
	h = mig_header_new(j->tag, n);
	for (i = 0; i < n; i++) {
		enum mig_type ty;

		if (t)
			ty = x_job_column(j, t, i)->type;
		else
			ty = cat_sqlite_type(sqlite3_column_decltype(st, (int)i));
		mig_header_set(h, i, sqlite3_column_name(st, (int)i), ty);
	}
	f = ecalloc(n + 1, sizeof(*f));
	scratch = ecalloc(n + 1, sizeof(*scratch));
	for (i = 0; i < n; i++)
		buf_init(&scratch[i]);
	memset(&r, 0, sizeof(r));
	r.x = x;
	r.h = h;
	mig_write_header(x->w, h);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		r.row++;
		for (i = 0; i < n; i++)
			convert(&r, st, i, &scratch[i], &f[i]);
		if (mig_write_record(x->w, h, f) < 0)
			die(MIG_EXIT_DATA, "%s:%llu: %s", j->tag, r.row, mig_writer_error(x->w));
		progress_tick(x->prog);
	}
	if (rc != SQLITE_DONE)
		die(MIG_EXIT_DB, "%s: %s", j->tag, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	for (i = 0; i < n; i++)
		buf_release(&scratch[i]);
	free(scratch);
	free(f);
	mig_header_free(h);
	return r.row;
}

static long long sq_count(struct xctx *x, void *conn, const char *from_sql, const char *tag)
{
	sqlite3 *db = conn;
	char *sql = sqlite3_mprintf("SELECT count(*) FROM (%s)", from_sql);
	sqlite3_stmt *st;
	long long n = -1;

	(void)x;
	if (!sql || sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		die(MIG_EXIT_DB, "%s: %s", tag, sqlite3_errmsg(db));
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_free(sql);
	return n;
}

static void exec(sqlite3 *db, const char *sql, const char *where)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		die(MIG_EXIT_DB, "%s: %s", where, msg ? msg : sqlite3_errmsg(db));
}

/* BEGIN alone takes no snapshot; the first read does, and holds it to COMMIT */
static void sq_begin(struct xctx *x, void *conn)
{
	exec(conn, "BEGIN", x->u->shown);
}

static void sq_end(struct xctx *x, void *conn)
{
	exec(conn, "COMMIT", x->u->shown);
}

void extract_sqlite(struct xctx *x)
{
	struct xsource s = { NULL, &sq_dialect, "", sq_begin, sq_end, sq_count, NULL, sq_rows };
	sqlite3 *db;

	if (access(x->u->path, F_OK) < 0)
		die(MIG_EXIT_DB, "%s: cannot open: no such file", x->u->shown);
	db = db_sqlite_open(x->u, DB_SQLITE_READ);
	sqlite3_create_function(db, "mig_hash", -1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, sq_hash, NULL, NULL);
	s.conn = db;
	x_run_jobs(x, &s);
	sqlite3_close(db);
}
