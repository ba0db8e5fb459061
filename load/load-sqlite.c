/*
 * load-sqlite.c - the SQLite target: one prepared INSERT per header,
 * stepped per row inside the core's transactions (SQLite has no bulk
 * path faster than that).  Rows travel packed (load.h) with bytes already
 * decoded to blobs and bools as 1/0; everything else is bound as text and
 * left to the column's affinity.
 */
#include <sys/stat.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "load.h"
#include "util.h"
#include "banned.h"

struct sqtab {
	sqlite3_stmt *ins;
	unsigned long long rows;	/* rows stepped in this bulk */
};

static int sq_err(sqlite3 *db, struct buf *err)
{
	buf_adds(err, sqlite3_errmsg(db));
	return -1;
}

static int sq_row_err(struct target *tg, struct buf *err)
{
	int rc = sqlite3_errcode(tg->conn) & 0xff;

	tg->data_err = rc == SQLITE_CONSTRAINT || rc == SQLITE_MISMATCH || rc == SQLITE_TOOBIG ||
		       rc == SQLITE_RANGE;
	return sq_err(tg->conn, err);
}

static void created_kept(void);

static int sq_exec(struct target *tg, const char *sql, struct buf *err)
{
	char *msg = NULL;

	if (sqlite3_exec(tg->conn, sql, NULL, NULL, &msg) != SQLITE_OK) {
		buf_adds(err, msg ? msg : sqlite3_errmsg(tg->conn));
		sqlite3_free(msg);
		return -1;
	}
	if (!strcmp(sql, "COMMIT"))
		created_kept();
	return 0;
}

static int sq_query(struct target *tg, const char *sql, void (*fn)(void *, size_t, char **), void *arg,
		    struct buf *err)
{
	sqlite3_stmt *st;
	int rc, n, j;
	char **vals;

	if (sqlite3_prepare_v2(tg->conn, sql, -1, &st, NULL) != SQLITE_OK)
		return sq_err(tg->conn, err);
	n = sqlite3_column_count(st);
	vals = ecalloc((size_t)n + 1, sizeof(*vals));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (j = 0; j < n; j++)
			vals[j] = (char *)sqlite3_column_text(st, j);
		fn(arg, (size_t)n, vals);
	}
	free(vals);
	if (rc != SQLITE_DONE) {
		sq_err(tg->conn, err);
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return 0;
}

static char *sq_ident(struct target *tg, const char *name)
{
	(void)tg;
	return db_sqlite_ident(name);
}

static char *sq_qname(struct target *tg, const struct ltab *t)
{
	(void)tg;
	return db_sqlite_ident(t->table);
}

static void sq_release(struct target *tg, struct ltab *t)
{
	struct sqtab *s = t->drv;

	(void)tg;
	if (!s)
		return;
	sqlite3_finalize(s->ins);
	free(s);
	t->drv = NULL;
}

static int sq_prepare(struct target *tg, struct ltab *t, struct buf *err)
{
	const struct cat_table *ct;
	struct buf b = BUF_INIT;
	struct sqtab *s;
	char *q;
	size_t i, k;

	/* SQLite has no schemas to speak of: the table name alone. */
	free(t->schema);
	t->schema = NULL;
	ct = find_table(tg, t, err);
	if (!ct)
		return -1;
	if (check_columns(t, ct, tg->url.shown, err)) {
		buf_release(&b);
		return -1;
	}
	t->cat = ct;
	if (pick_load_key(tg, t, ct, err) < 0) {
		buf_release(&b);
		return -1;
	}
	pick_conv(t, ct, PC_UNHEX | PC_BOOL | PC_INF | PC_ADDTZ | PC_JSONARR);
	sq_release(tg, t);
	s = t->drv = ecalloc(1, sizeof(*s));
	q = db_sqlite_ident(t->table);
	buf_addf(&b, "INSERT INTO %s (", q);
	free(q);
	for (i = 0; i < t->hdr->ncols; i++) {
		q = db_sqlite_ident(t->hdr->names[i]);
		buf_addf(&b, "%s%s", i ? ", " : "", q);
		free(q);
	}
	buf_adds(&b, ") VALUES (");
	for (i = 0; i < t->hdr->ncols; i++)
		buf_adds(&b, i ? ", ?" : "?");
	buf_adds(&b, ")");
	if (tg->upsert) {
		int any = 0;

		buf_adds(&b, " ON CONFLICT (");
		for (k = 0; k < t->nkey; k++) {
			q = db_sqlite_ident(t->keynames[k]);
			buf_addf(&b, "%s%s", k ? ", " : "", q);
			free(q);
		}
		buf_adds(&b, ") DO ");
		for (i = 0; i < t->hdr->ncols; i++) {
			if (!upsert_sets(tg, t, i))
				continue;
			q = db_sqlite_ident(t->hdr->names[i]);
			buf_addf(&b, "%s%s = excluded.%s", any ? ", " : "UPDATE SET ", q, q);
			free(q);
			any = 1;
		}
		if (!any)
			buf_adds(&b, "NOTHING");
	}
	if (sqlite3_prepare_v2(tg->conn, b.buf, (int)b.len, &s->ins, NULL) != SQLITE_OK) {
		buf_addf(err, "%s: %s", t->tag, sqlite3_errmsg(tg->conn));
		buf_release(&b);
		return -1;
	}
	buf_release(&b);
	return 0;
}

static int sq_encode(struct target *tg, struct ltab *t, const struct mig_field *f, struct buf *out, struct buf *err)
{
	size_t i;

	(void)tg;
	for (i = 0; i < t->hdr->ncols; i++) {
		const char *why;
		size_t at;

		if (f[i].null || !t->conv[i]) {
			pack_field(out, f[i].val, f[i].len, f[i].null);
			continue;
		}
		/* Length first, patched once the converted value is known. */
		at = out->len;
		pack_field(out, "", 0, 0);
		if (conv_value(t->conv[i], f[i].val, f[i].len, out, &why) < 0) {
			out->len = at;
			buf_addf(err, "column '%s': %s", t->hdr->names[i], why);
			return -1;
		}
		{
			uint32_t n = (uint32_t)(out->len - at - 4);

			memcpy(out->buf + at, &n, 4);
		}
	}
	return 0;
}

static int sq_bulk_begin(struct target *tg, struct ltab *t, struct buf *err)
{
	struct sqtab *s = t->drv;

	(void)tg;
	(void)err;
	s->rows = 0;
	return 0;
}

static int sq_bulk_put(struct target *tg, struct ltab *t, const char *p, size_t n, unsigned long long *badrow,
		       struct buf *err)
{
	struct sqtab *s = t->drv;
	const char *end = p + n;
	unsigned long long row = s->rows;
	size_t i;

	while (p < end) {
		row++;
		s->rows++;
		for (i = 0; i < t->hdr->ncols; i++) {
			const char *v;
			long long len = unpack_field(&p, &v);
			int rc;

			if (len < 0)
				rc = sqlite3_bind_null(s->ins, (int)i + 1);
			else if (t->conv[i] == CV_UNHEX)
				rc = sqlite3_bind_blob(s->ins, (int)i + 1, v, (int)len, SQLITE_STATIC);
			else
				rc = sqlite3_bind_text(s->ins, (int)i + 1, v, (int)len, SQLITE_STATIC);
			if (rc != SQLITE_OK) {
				*badrow = row;
				return sq_row_err(tg, err);
			}
		}
		if (sqlite3_step(s->ins) != SQLITE_DONE) {
			*badrow = row;
			sq_row_err(tg, err);
			sqlite3_reset(s->ins);
			return -1;
		}
		sqlite3_reset(s->ins);
		/* An upsert that changed nothing (DO NOTHING) still took the row. */
		if (tg->insert_only && !sqlite3_changes(tg->conn))
			t->skipped++;
		t->srv += tg->upsert ? 1 : (unsigned long long)sqlite3_changes(tg->conn);
	}
	return 0;
}

static int sq_bulk_end(struct target *tg, struct ltab *t, unsigned long long *badrow, struct buf *err)
{
	(void)tg;
	(void)t;
	(void)badrow;
	(void)err;
	return 0;
}

static void sq_close(struct target *tg)
{
	sqlite3_close(tg->conn);
}

static void sqlite_open(struct target *tg);

/*
 * One writer at a time, and a killed one leaves nothing to finish (the
 * journal rolls it back): SQLite needs no lock of its own.
 */
static const struct ckpt_sql sq_ckpt = { .upsert = NULL };

const struct tgt_ops sqlite_ops = {
	.exec = sq_exec,
	.prepare = sq_prepare,
	.encode = sq_encode,
	.bulk_begin = sq_bulk_begin,
	.bulk_put = sq_bulk_put,
	.bulk_end = sq_bulk_end,
	.query = sq_query,
	.qname = sq_qname,
	.ident = sq_ident,
	.release = sq_release,
	.close = sq_close,
	.advance_ids = sq_advance_ids,
	.truncate = delete_tables,
	.open = sqlite_open,
	.has_catalog = 1,
	.ckpt = &sq_ckpt,
};

/*
 * A load that created the database file and fails before its first commit
 * takes the file away again (atexit runs on every die()), so that a failed
 * first load leaves no empty database behind to be mistaken for a target.
 * A static because exit handlers take no argument.
 */
static char *created_path;

static void remove_created(void)
{
	static const char *const ext[] = { "", "-journal", "-wal", "-shm" };
	struct buf p = BUF_INIT;
	size_t i;

	if (!created_path)
		return;
	for (i = 0; i < sizeof(ext) / sizeof(*ext); i++) {
		buf_reset(&p);
		buf_addf(&p, "%s%s", created_path, ext[i]);
		unlink(p.buf);
	}
	buf_release(&p);
}

/* Something is committed: the file is the user's now. */
static void created_kept(void)
{
	free(created_path);
	created_path = NULL;
}

static void sqlite_open(struct target *tg)
{
	struct stat st;
	int missing = strcmp(tg->url.path, ":memory:") && stat(tg->url.path, &st) < 0 && errno == ENOENT;

	/* A dry run leaves the target as it found it: no file where there was none. */
	if (missing && tg->dry_run)
		die(MIG_EXIT_DB, "%s: no such database file (a dry run creates none)", tg->url.shown);
	tg->conn = db_sqlite_open(&tg->url, tg->dry_run ? DB_SQLITE_WRITE : DB_SQLITE_CREATE);
	if (missing) {
		created_path = estrdup(tg->url.path);
		atexit(remove_created);
	}
}
