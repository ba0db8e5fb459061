/*
 * Reading rows back from the databases, as text, one row at a time.
 *
 * PostgreSQL: COPY (SELECT ...) TO STDOUT in text format, the server's
 * fastest way out, under the session settings db_pg_connect fixes (UTC,
 * ISO dates, hex bytea, shortest floats).  MariaDB: mysql_use_result, so
 * rows stream instead of being held by the client.  SQLite: a statement
 * stepped row by row; REAL values are printed here, shortest round-trip,
 * because SQLite's own text for them keeps only 15 digits.
 */
#include <stdlib.h>
#include <string.h>

#include "canon.h"
#include "util.h"
#include "verify.h"
#include "banned.h"

struct vrows {
	struct vdb *d;
	MYSQL_RES *res;
	sqlite3_stmt *st;
	char *copy;		/* PostgreSQL: the last row PQgetCopyData gave */
	struct buf vals;	/* decoded values, back to back */
	size_t *offs, nalloc;
	struct vfield *f;
	size_t ncols;
	unsigned *myflags;
};

const char *vdb_dialect(const struct vdb *d)
{
	switch (d->u.kind) {
	case DB_PG: return "postgresql";
	case DB_MY: return "mariadb";
	case DB_SQLITE: return "sqlite";
	default: return "csv";
	}
}

void vdb_connect(struct vdb *d)
{
	switch (d->u.kind) {
	case DB_PG:
		if (!d->pg)
			d->pg = db_pg_connect(&d->u);
		break;
	case DB_MY:
		if (!d->my)
			d->my = db_my_connect(&d->u);
		break;
	case DB_SQLITE:
		if (!d->lite)
			d->lite = db_sqlite_open(&d->u, DB_SQLITE_READ);
		break;
	default:
		die(MIG_EXIT_USAGE, "%s: csv sources cannot be verified against; load them first", d->u.shown);
	}
}

char *vdb_ident(struct vdb *d, const char *name)
{
	struct buf b = BUF_INIT;
	const char *p = name;

	vdb_connect(d);
	for (;;) {
		const char *dot = strchr(p, '.');
		char *part = estrndup(p, dot ? (size_t)(dot - p) : strlen(p));
		char *q;

		switch (d->u.kind) {
		case DB_PG: q = db_pg_ident(d->pg, part); break;
		case DB_MY: q = db_my_ident(part); break;
		default: q = db_sqlite_ident(part); break;
		}
		buf_adds(&b, q);
		free(q);
		free(part);
		if (!dot)
			break;
		buf_addc(&b, '.');
		p = dot + 1;
	}
	return buf_detach(&b, NULL);
}

static void chomp(struct buf *b)
{
	while (b->len && (b->buf[b->len - 1] == '\n' || b->buf[b->len - 1] == ' '))
		b->buf[--b->len] = '\0';
}

static void set_err_pg(struct vdb *d, struct buf *err)
{
	buf_reset(err);
	buf_adds(err, PQerrorMessage(d->pg));
	chomp(err);
}

struct vrows *vrows_open(struct vdb *d, const char *sql, struct buf *err)
{
	struct vrows *q = ecalloc(1, sizeof(*q));

	vdb_connect(d);
	q->d = d;
	buf_init(&q->vals);
	switch (d->u.kind) {
	case DB_PG: {
		struct buf cmd = BUF_INIT;
		PGresult *r;

		buf_addf(&cmd, "COPY (%s) TO STDOUT", sql);
		r = PQexec(d->pg, cmd.buf);
		buf_release(&cmd);
		if (PQresultStatus(r) != PGRES_COPY_OUT) {
			set_err_pg(d, err);
			PQclear(r);
			free(q);
			return NULL;
		}
		PQclear(r);
		break;
	}
	case DB_MY: {
		unsigned i;
		MYSQL_FIELD *fl;

		if (mysql_real_query(d->my, sql, strlen(sql)) || !(q->res = mysql_use_result(d->my))) {
			buf_reset(err);
			buf_adds(err, mysql_error(d->my));
			free(q);
			return NULL;
		}
		q->ncols = mysql_num_fields(q->res);
		fl = mysql_fetch_fields(q->res);
		q->myflags = ecalloc(q->ncols ? q->ncols : 1, sizeof(*q->myflags));
		for (i = 0; i < q->ncols; i++) {
			switch (fl[i].type) {
			case MYSQL_TYPE_STRING:
			case MYSQL_TYPE_VAR_STRING:
			case MYSQL_TYPE_VARCHAR:
			case MYSQL_TYPE_BLOB:
			case MYSQL_TYPE_TINY_BLOB:
			case MYSQL_TYPE_MEDIUM_BLOB:
			case MYSQL_TYPE_LONG_BLOB:
			case MYSQL_TYPE_BIT:
				if (fl[i].charsetnr == 63)
					q->myflags[i] = CANON_RAW;
				break;
			default:
				break;
			}
		}
		q->f = ecalloc(q->ncols ? q->ncols : 1, sizeof(*q->f));
		break;
	}
	default:
		if (sqlite3_prepare_v2(d->lite, sql, -1, &q->st, NULL) != SQLITE_OK) {
			buf_reset(err);
			buf_adds(err, sqlite3_errmsg(d->lite));
			sqlite3_finalize(q->st);
			free(q);
			return NULL;
		}
		q->ncols = (size_t)sqlite3_column_count(q->st);
		q->f = ecalloc(q->ncols ? q->ncols : 1, sizeof(*q->f));
		break;
	}
	return q;
}

/* One COPY text row into fields: \N is NULL, backslash escapes decoded. */
static void pg_decode(struct vrows *q, const char *s, size_t n)
{
	const char *e = s + n;
	size_t nf = 0, i;

	if (n && e[-1] == '\n')
		e--;
	buf_reset(&q->vals);
	for (;;) {
		const char *p = s;
		int null = 0;

		if (nf + 1 >= q->nalloc) {
			q->nalloc = q->nalloc ? 2 * q->nalloc : 16;
			q->offs = ereallocarray(q->offs, q->nalloc, sizeof(*q->offs));
		}
		if (e - p >= 2 && p[0] == '\\' && p[1] == 'N' && (e - p == 2 || p[2] == '\t')) {
			null = 1;
			p += 2;
		}
		q->offs[nf] = null ? (size_t)-1 : q->vals.len;
		while (!null && p < e && *p != '\t') {
			const char *bs = memchr(p, '\\', (size_t)(e - p));
			const char *tab = memchr(p, '\t', (size_t)(e - p));
			const char *stop = bs && (!tab || bs < tab) ? bs : tab ? tab : e;

			buf_add(&q->vals, p, (size_t)(stop - p));
			p = stop;
			if (p < e && *p == '\\' && p + 1 < e) {
				char c = p[1];

				p += 2;
				switch (c) {
				case 'b': buf_addc(&q->vals, '\b'); break;
				case 'f': buf_addc(&q->vals, '\f'); break;
				case 'n': buf_addc(&q->vals, '\n'); break;
				case 'r': buf_addc(&q->vals, '\r'); break;
				case 't': buf_addc(&q->vals, '\t'); break;
				case 'v': buf_addc(&q->vals, '\v'); break;
				case 'x': {
					int v = 0, k;

					for (k = 0; k < 2 && p < e && strchr("0123456789abcdefABCDEF", *p) && *p; k++, p++)
						v = v * 16 + (*p <= '9' ? *p - '0' : (*p | 0x20) - 'a' + 10);
					buf_addc(&q->vals, (char)v);
					break;
				}
				default:
					if (c >= '0' && c <= '7') {
						int v = c - '0', k;

						for (k = 0; k < 2 && p < e && *p >= '0' && *p <= '7'; k++, p++)
							v = v * 8 + (*p - '0');
						buf_addc(&q->vals, (char)v);
					} else {
						buf_addc(&q->vals, c);
					}
				}
			} else if (p < e && *p == '\\') {
				p++;
			}
		}
		buf_addc(&q->vals, '\0');
		nf++;
		if (p >= e)
			break;
		s = p + 1;	/* past the tab */
	}
	if (nf > q->ncols) {
		q->f = ereallocarray(q->f, nf, sizeof(*q->f));
	}
	q->ncols = nf;
	for (i = 0; i < nf; i++) {
		size_t off = q->offs[i];

		q->f[i].flags = 0;
		if (off == (size_t)-1) {
			q->f[i].null = 1;
			q->f[i].v = "";
			q->f[i].n = 0;
		} else {
			q->f[i].null = 0;
			q->f[i].v = q->vals.buf + off;
			q->f[i].n = strlen(q->vals.buf + off);
		}
	}
	/* strlen is wrong for values holding NUL bytes; PostgreSQL text
	   never does, bytea arrives hex-encoded */
}

int vrows_next(struct vrows *q, const struct vfield **f, size_t *n, struct buf *err)
{
	struct vdb *d = q->d;
	size_t i;

	switch (d->u.kind) {
	case DB_PG: {
		int len;
		PGresult *r;

		if (q->copy) {
			PQfreemem(q->copy);
			q->copy = NULL;
		}
		len = PQgetCopyData(d->pg, &q->copy, 0);
		if (len >= 0) {
			pg_decode(q, q->copy, (size_t)len);
			*f = q->f;
			*n = q->ncols;
			return 1;
		}
		if (len == -2) {
			set_err_pg(d, err);
			return -1;
		}
		r = PQgetResult(d->pg);
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			buf_reset(err);
			buf_adds(err, PQresultErrorMessage(r));
			chomp(err);
			PQclear(r);
			while ((r = PQgetResult(d->pg)))
				PQclear(r);
			return -1;
		}
		PQclear(r);
		while ((r = PQgetResult(d->pg)))
			PQclear(r);
		return 0;
	}
	case DB_MY: {
		MYSQL_ROW row = mysql_fetch_row(q->res);
		unsigned long *lens;

		if (!row) {
			if (mysql_errno(d->my)) {
				buf_reset(err);
				buf_adds(err, mysql_error(d->my));
				return -1;
			}
			return 0;
		}
		lens = mysql_fetch_lengths(q->res);
		for (i = 0; i < q->ncols; i++) {
			q->f[i].null = row[i] == NULL;
			q->f[i].v = row[i] ? row[i] : "";
			q->f[i].n = row[i] ? lens[i] : 0;
			q->f[i].flags = q->myflags[i];
		}
		*f = q->f;
		*n = q->ncols;
		return 1;
	}
	default: {
		int rc = sqlite3_step(q->st);

		if (rc == SQLITE_DONE)
			return 0;
		if (rc != SQLITE_ROW) {
			buf_reset(err);
			buf_adds(err, sqlite3_errmsg(d->lite));
			return -1;
		}
		buf_reset(&q->vals);
		if (q->nalloc < q->ncols) {
			q->nalloc = q->ncols;
			q->offs = ereallocarray(q->offs, q->nalloc, sizeof(*q->offs));
		}
		/* values first, pointers after: the buffer may move as it grows */
		for (i = 0; i < q->ncols; i++) {
			int t = sqlite3_column_type(q->st, (int)i);

			q->offs[i] = q->vals.len;
			q->f[i].flags = 0;
			q->f[i].null = t == SQLITE_NULL;
			if (t == SQLITE_FLOAT) {
				canon_double(sqlite3_column_double(q->st, (int)i), &q->vals);
			} else if (t == SQLITE_BLOB) {
				const void *b = sqlite3_column_blob(q->st, (int)i);
				size_t bn = (size_t)sqlite3_column_bytes(q->st, (int)i);

				/* a zero-length blob comes back as NULL */
				if (b && bn)
					buf_add(&q->vals, b, bn);
				q->f[i].flags = CANON_RAW;
			} else if (t != SQLITE_NULL) {
				const unsigned char *s = sqlite3_column_text(q->st, (int)i);
				size_t sn = (size_t)sqlite3_column_bytes(q->st, (int)i);

				if (s && sn)
					buf_add(&q->vals, s, sn);
			}
			q->f[i].n = q->vals.len - q->offs[i];
			buf_addc(&q->vals, '\0');
		}
		for (i = 0; i < q->ncols; i++)
			q->f[i].v = q->vals.buf + q->offs[i];
		*f = q->f;
		*n = q->ncols;
		return 1;
	}
	}
}

void vrows_close(struct vrows *q)
{
	if (!q)
		return;
	if (q->d->u.kind == DB_PG) {
		PGresult *r;

		if (q->copy)
			PQfreemem(q->copy);
		/* an abandoned COPY must be drained before the next query */
		while (PQgetCopyData(q->d->pg, &q->copy, 0) >= 0) {
			PQfreemem(q->copy);
			q->copy = NULL;
		}
		while ((r = PQgetResult(q->d->pg)))
			PQclear(r);
	} else if (q->res) {
		mysql_free_result(q->res);
	}
	if (q->st)
		sqlite3_finalize(q->st);
	buf_release(&q->vals);
	free(q->offs);
	free(q->f);
	free(q->myflags);
	free(q);
}

int vdb_int(struct vdb *d, const char *sql, long long *out, struct buf *err)
{
	struct vrows *q = vrows_open(d, sql, err);
	const struct vfield *f;
	size_t n;
	int r;

	if (!q)
		return -1;
	r = vrows_next(q, &f, &n, err);
	if (r > 0) {
		if (n < 1 || f[0].null || strtonum_ok(f[0].v, -(1LL << 62), 1LL << 62, out) < 0) {
			buf_reset(err);
			buf_adds(err, "query did not return one integer");
			r = -1;
		} else {
			const struct vfield *f2;
			size_t n2;

			while ((r = vrows_next(q, &f2, &n2, err)) > 0)
				;
			r = r < 0 ? -1 : 0;
		}
	} else if (r == 0) {
		buf_reset(err);
		buf_adds(err, "query returned no row");
		r = -1;
	}
	vrows_close(q);
	return r;
}
