/*
 * load-my.c - the MariaDB/MySQL target.
 *
 * Plain inserts go through LOAD DATA LOCAL INFILE, fed from memory by a
 * local-infile handler (mysql_set_local_infile_handler): no file is ever
 * written.  Rows are encoded in LOAD DATA's own escaped, tab-separated
 * form; bytes columns travel as hex into a user variable and land through
 * SET col = UNHEX(@v), which keeps binary data away from any character-set
 * conversion.  LOAD DATA LOCAL turns data errors into warnings (the server
 * cannot stop the client mid-file), so any warning, or an affected-row
 * count short of the rows sent, fails the statement; the core then rolls
 * back as for any other error.
 *
 * Upserts, and loads that must isolate bad rows (--reject, --dry-run), use
 * multi-row INSERT statements of about 1 MB under STRICT_ALL_TABLES, where
 * a bad value is an error: INSERT ... ON DUPLICATE KEY UPDATE col =
 * VALUES(col) for --upsert.
 */
#include <stdlib.h>
#include <string.h>

#include "load.h"
#include "util.h"
#include "banned.h"

/* One LOAD DATA statement per this much data: bounded memory, few statements. */
#define MY_LOAD_BYTES (16u << 20)

struct mytab {
	int insert;		/* INSERT statements rather than LOAD DATA */
	char *load;		/* LOAD DATA ... statement */
	char *ins_head;		/* INSERT INTO t (cols) VALUES */
	char *ins_tail;		/* ON DUPLICATE KEY UPDATE ... or "" */
	struct buf data;	/* LOAD DATA rows waiting */
	unsigned long long rows;	/* rows in data */
	unsigned long long put_rows;	/* INSERT: rows sent in this bulk so far */
	struct buf stmt;
};

struct infile {
	const char *p;
	size_t left;
};

static int my_err(MYSQL *m, struct buf *err)
{
	buf_adds(err, mysql_error(m));
	return -1;
}

/* A row-level refusal: SQLSTATE classes 22 and 23, as for PostgreSQL. */
static int my_row_err(struct target *tg, struct buf *err, unsigned long long *badrow)
{
	const char *at = strstr(mysql_error(tg->conn), " at row ");

	/* "... at row N": N counts the statement's rows, as the core's badrow does. */
	if (at && badrow)
		*badrow = strtoull(at + 8, NULL, 10);
	const char *st = mysql_sqlstate(tg->conn);

	size_t start = err->len;

	tg->data_err = !strncmp(st, "22", 2) || !strncmp(st, "23", 2) || mysql_errno(tg->conn) == 1366 ||
		       mysql_errno(tg->conn) == 1292 || mysql_errno(tg->conn) == 1048;
	my_err(tg->conn, err);
	/* The row is reported as tag:row; the statement's own row number would mislead. */
	if (at) {
		char *a = strstr(err->buf + start, " at row ");

		if (a) {
			err->len = (size_t)(a - err->buf);
			err->buf[err->len] = '\0';
		}
	}
	if (!tg->show_values)
		hide_my_values(err);
	return -1;
}

static void drain(MYSQL *m)
{
	MYSQL_RES *r;

	do {
		r = mysql_store_result(m);
		mysql_free_result(r);
	} while (mysql_next_result(m) == 0);
}

static int my_exec(struct target *tg, const char *sql, struct buf *err)
{
	if (mysql_query(tg->conn, sql))
		return my_err(tg->conn, err);
	drain(tg->conn);
	return 0;
}

static int my_query(struct target *tg, const char *sql, void (*fn)(void *, size_t, char **), void *arg,
		    struct buf *err)
{
	MYSQL_RES *r;
	MYSQL_ROW row;
	unsigned n;

	if (mysql_query(tg->conn, sql))
		return my_err(tg->conn, err);
	r = mysql_store_result(tg->conn);
	if (!r) {
		if (mysql_field_count(tg->conn))
			return my_err(tg->conn, err);
		return 0;
	}
	n = mysql_num_fields(r);
	while ((row = mysql_fetch_row(r)))
		fn(arg, n, row);
	mysql_free_result(r);
	drain(tg->conn);
	return 0;
}

static char *my_ident(struct target *tg, const char *name)
{
	(void)tg;
	return db_my_ident(name);
}

static char *my_qname(struct target *tg, const struct ltab *t)
{
	(void)tg;
	return db_my_ident(t->table);
}

static void my_release(struct target *tg, struct ltab *t)
{
	struct mytab *m = t->drv;

	(void)tg;
	if (!m)
		return;
	free(m->load);
	free(m->ins_head);
	free(m->ins_tail);
	buf_release(&m->data);
	buf_release(&m->stmt);
	free(m);
	t->drv = NULL;
}

static void lit_add(struct buf *out, const char *v, size_t n);

static int my_prepare(struct target *tg, struct ltab *t, struct buf *err)
{
	const struct cat_table *ct;
	struct mytab *m;
	struct buf b = BUF_INIT;
	char *q;
	size_t i;
	int any;

	/* The database is the URL's: a schema part of the tag is not a database. */
	free(t->schema);
	t->schema = NULL;
	ct = find_table(tg, t, err);
	if (!ct)
		return -1;
	if (check_columns(t, ct, tg->url.shown, err) ||
	    pick_load_key(tg, t, ct, err) < 0) {
		buf_release(&b);
		return -1;
	}
	t->cat = ct;
	pick_conv(t, ct, PC_UNHEX | PC_BOOL | PC_UTC | PC_JSONARR);
	my_release(tg, t);
	m = t->drv = ecalloc(1, sizeof(*m));
	buf_init(&m->data);
	buf_init(&m->stmt);
	/* tg->priv non-NULL: the server refuses LOAD DATA LOCAL (local_infile=0). */
	m->insert = tg->upsert || tg->isolate || tg->priv;
	q = db_my_ident(t->table);
	buf_addf(&b, "LOAD DATA LOCAL INFILE 'mig-stream' INTO TABLE %s CHARACTER SET utf8mb4 "
		 "FIELDS TERMINATED BY '\t' ESCAPED BY '\\' LINES TERMINATED BY '\n' (", q);
	for (i = 0; i < t->hdr->ncols; i++) {
		char *c = db_my_ident(t->hdr->names[i]);

		if (t->conv[i] == CV_UNHEX)
			buf_addf(&b, "%s@v%zu", i ? ", " : "", i);
		else
			buf_addf(&b, "%s%s", i ? ", " : "", c);
		free(c);
	}
	buf_adds(&b, ")");
	for (i = 0, any = 0; i < t->hdr->ncols; i++) {
		char *c;

		if (t->conv[i] != CV_UNHEX)
			continue;
		c = db_my_ident(t->hdr->names[i]);
		buf_addf(&b, "%s%s = UNHEX(@v%zu)", any ? ", " : " SET ", c, i);
		free(c);
		any = 1;
	}
	m->load = buf_detach(&b, NULL);
	buf_addf(&b, "INSERT INTO %s (", q);
	for (i = 0; i < t->hdr->ncols; i++) {
		char *c = db_my_ident(t->hdr->names[i]);

		buf_addf(&b, "%s%s", i ? ", " : "", c);
		free(c);
	}
	buf_adds(&b, ") VALUES ");
	m->ins_head = buf_detach(&b, NULL);
	if (tg->upsert) {
		for (i = 0, any = 0; i < t->hdr->ncols; i++) {
			char *c;

			if (!upsert_sets(tg, t, i))
				continue;
			c = db_my_ident(t->hdr->names[i]);
			buf_addf(&b, "%s%s = VALUES(%s)", any ? ", " : " ON DUPLICATE KEY UPDATE ", c, c);
			free(c);
			any = 1;
		}
		if (!any) {
			/* Nothing to set: a no-op update keeps the row as it is (affected rows 0). */
			char *c = db_my_ident(t->hdr->names[t->keyidx[0]]);

			buf_addf(&b, " ON DUPLICATE KEY UPDATE %s = %s", c, c);
			free(c);
		}
	}
	m->ins_tail = buf_detach(&b, NULL);
	free(q);
	return 0;
}

/* LOAD DATA's escapes for the characters that would end a field or line. */
static void tsv_add(struct buf *out, const char *v, size_t n)
{
	size_t i;

	buf_grow(out, n);
	for (i = 0; i < n; i++) {
		char c = v[i];

		switch (c) {
		case '\\': buf_add(out, "\\\\", 2); break;
		case '\t': buf_add(out, "\\t", 2); break;
		case '\n': buf_add(out, "\\n", 2); break;
		case '\r': buf_add(out, "\\r", 2); break;
		case '\0': buf_add(out, "\\0", 2); break;
		default: buf_addc(out, c);
		}
	}
}

/* Standard SQL literal; the connection has NO_BACKSLASH_ESCAPES. */
static void lit_add(struct buf *out, const char *v, size_t n)
{
	size_t i;

	buf_grow(out, n + 2);
	buf_addc(out, '\'');
	for (i = 0; i < n; i++) {
		if (v[i] == '\'')
			buf_addc(out, '\'');
		buf_addc(out, v[i]);
	}
	buf_addc(out, '\'');
}

static int my_encode(struct target *tg, struct ltab *t, const struct mig_field *f, struct buf *out,
		     struct buf *err)
{
	struct mytab *m = t->drv;
	struct buf *tmp = &m->stmt;
	size_t i;

	(void)tg;
	if (m->insert)
		buf_addc(out, '(');
	for (i = 0; i < t->hdr->ncols; i++) {
		const char *v = f[i].val, *why;
		size_t n = f[i].len;

		if (i)
			buf_addc(out, m->insert ? ',' : '\t');
		if (f[i].null) {
			buf_adds(out, m->insert ? "NULL" : "\\N");
			continue;
		}
		if (t->conv[i] == CV_UNHEX) {
			/* Checked here, sent as hex: X'..' or UNHEX(@v). */
			buf_reset(tmp);
			if (conv_value(CV_UNHEX, v, n, tmp, &why) < 0)
				goto bad;
			if (m->insert) {
				buf_adds(out, "X'");
				buf_add(out, v + 2, n - 2);
				buf_addc(out, '\'');
			} else {
				buf_add(out, v + 2, n - 2);
			}
			continue;
		}
		if (t->conv[i]) {
			buf_reset(tmp);
			if (conv_value(t->conv[i], v, n, tmp, &why) < 0)
				goto bad;
			v = tmp->buf;
			n = tmp->len;
		}
		if (m->insert)
			lit_add(out, v, n);
		else
			tsv_add(out, v, n);
		continue;
bad:
		buf_addf(err, "column '%s': %s", t->hdr->names[i], why);
		return -1;
	}
	buf_addc(out, m->insert ? ')' : '\n');
	if (m->insert)
		buf_addc(out, ',');
	return 0;
}

static int infile_init(void **ptr, const char *name, void *userdata)
{
	(void)name;
	*ptr = userdata;
	return 0;
}

static int infile_read(void *ptr, char *buf, unsigned int len)
{
	struct infile *in = ptr;
	size_t n = in->left < len ? in->left : len;

	memcpy(buf, in->p, n);
	in->p += n;
	in->left -= n;
	return (int)n;
}

static void infile_end(void *ptr)
{
	(void)ptr;
}

static int infile_error(void *ptr, char *msg, unsigned int len)
{
	(void)ptr;
	snprintf(msg, len, "mig-load: local infile error");
	return 1;
}

/* The first warning's text, its " at row N" cut off and returned in *row. */
static void first_warning(MYSQL *c, struct buf *err, unsigned long long *row)
{
	MYSQL_RES *r;
	MYSQL_ROW w;
	size_t start = err->len;
	char *at;

	if (mysql_query(c, "SHOW WARNINGS LIMIT 1") || !(r = mysql_store_result(c))) {
		buf_adds(err, "the server reported warnings");
		return;
	}
	w = mysql_fetch_row(r);
	buf_adds(err, w && w[2] ? w[2] : "the server reported warnings");
	mysql_free_result(r);
	if ((at = strstr(err->buf + start, " at row "))) {
		*row = strtoull(at + 8, NULL, 10);
		err->len = (size_t)(at - err->buf);
		err->buf[err->len] = '\0';
	}
}

static int send_load(struct target *tg, struct ltab *t, struct buf *err, unsigned long long *badrow)
{
	struct mytab *m = t->drv;
	struct infile in = { m->data.buf, m->data.len };
	my_ulonglong n;

	if (!m->rows)
		return 0;
	mysql_set_local_infile_handler(tg->conn, infile_init, infile_read, infile_end, infile_error, &in);
	if (mysql_query(tg->conn, m->load))
		return my_row_err(tg, err, NULL);
	n = mysql_affected_rows(tg->conn);
	if (mysql_warning_count(tg->conn)) {
		unsigned long long row = 0;

		first_warning(tg->conn, err, &row);
		if (row && badrow)
			*badrow = m->put_rows + row;
		if (!tg->show_values)
			hide_my_values(err);
		tg->data_err = 1;
		return -1;
	}
	t->srv += n;
	m->put_rows += m->rows;
	buf_reset(&m->data);
	m->rows = 0;
	return 0;
}

static int my_bulk_begin(struct target *tg, struct ltab *t, struct buf *err)
{
	struct mytab *m = t->drv;

	(void)tg;
	(void)err;
	buf_reset(&m->data);
	m->rows = 0;
	m->put_rows = 0;
	return 0;
}

static int my_bulk_put(struct target *tg, struct ltab *t, const char *p, size_t n, unsigned long long *badrow,
		       struct buf *err)
{
	struct mytab *m = t->drv;
	size_t i;
	unsigned long long rows = 0;

	if (!m->insert) {
		for (i = 0; i < n; i++)
			rows += p[i] == '\n';
		buf_add(&m->data, p, n);
		m->rows += rows;
		return m->data.len >= MY_LOAD_BYTES ? send_load(tg, t, err, badrow) : 0;
	}
	/* p holds "(..),(..)," with a comma after each row. */
	{
		int q = 0;

		for (i = 0; i < n; i++) {
			if (p[i] == '\'')
				q = !q;
			else if (!q && p[i] == ')' && i + 1 < n && p[i + 1] == ',')
				rows++;
		}
	}
	buf_reset(&m->stmt);
	buf_adds(&m->stmt, m->ins_head);
	buf_add(&m->stmt, p, n - 1);
	buf_adds(&m->stmt, m->ins_tail);
	if (mysql_real_query(tg->conn, m->stmt.buf, m->stmt.len)) {
		my_row_err(tg, err, badrow);
		if (*badrow)
			*badrow += m->put_rows;
		return -1;
	}
	m->put_rows += rows;
	/*
	 * Upserts: affected rows count an update twice and an unchanged row
	 * not at all; with --insert-only nothing is updated, so the rows not
	 * affected are the ones whose key was there.
	 */
	if (tg->insert_only)
		t->skipped += rows - mysql_affected_rows(tg->conn);
	t->srv += tg->upsert ? rows : mysql_affected_rows(tg->conn);
	return 0;
}

static int my_bulk_end(struct target *tg, struct ltab *t, unsigned long long *badrow, struct buf *err)
{
	struct mytab *m = t->drv;

	if (m->insert)
		return 0;
	return send_load(tg, t, err, badrow);
}

static void my_close(struct target *tg)
{
	mysql_close(tg->conn);
}

static void my_open(struct target *tg);

/*
 * A named lock around the CREATE.  A row is replaced by ON DUPLICATE KEY
 * UPDATE, not DELETE then INSERT: a DELETE that finds no row takes InnoDB
 * gap locks, and two first runs inserting into the gap they both locked
 * deadlock; ON DUPLICATE KEY UPDATE takes none.
 */
static const struct ckpt_sql my_ckpt = {
	.lock = "SELECT GET_LOCK('" CKPT_TABLE "', 600)",
	.unlock = "SELECT RELEASE_LOCK('" CKPT_TABLE "')",
	/* A name is 64 characters at most: 21 here and the run id's 32. */
	.run_try = "SELECT GET_LOCK('" CKPT_TABLE ":%s', 0)",
	/* NULL when the wait is killed (KILL QUERY): not granted, as 0 is */
	.run_wait = "SELECT IFNULL(GET_LOCK('" CKPT_TABLE ":%s', 31536000), 0)",
	.upsert = " ON DUPLICATE KEY UPDATE pos = VALUES(pos), loaded = VALUES(loaded), "
		  "rejected = VALUES(rejected), last_key = VALUES(last_key), rej_bytes = VALUES(rej_bytes)",
};

const struct tgt_ops my_ops = {
	.exec = my_exec,
	.prepare = my_prepare,
	.encode = my_encode,
	.bulk_begin = my_bulk_begin,
	.bulk_put = my_bulk_put,
	.bulk_end = my_bulk_end,
	.query = my_query,
	.qname = my_qname,
	.ident = my_ident,
	.release = my_release,
	.close = my_close,
	.advance_ids = my_advance_ids,
	.truncate = delete_tables,
	.open = my_open,
	.has_catalog = 1,
	.ckpt = &my_ckpt,
	.defer_table = my_defer_table,
	.defer_finish = my_defer_finish,
	/* MariaDB checks foreign keys in every DELETE unless told not to */
	.fk_checks_off = "SET @mig_fkc = @@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS = 0",
	.fk_checks_back = "SET FOREIGN_KEY_CHECKS = @mig_fkc",
};

static void infile_allowed(void *arg, size_t n, char **v)
{
	struct target *tg = arg;

	/* Any non-NULL pointer marks "no LOAD DATA LOCAL": fall back to INSERT. */
	if (n == 1 && v[0] && !strcmp(v[0], "0"))
		tg->priv = tg;
}

static void my_open(struct target *tg)
{
	struct buf err = BUF_INIT;

	tg->conn = db_my_connect(&tg->url);
	/* Strict: a value that does not fit is an error, never a silent truncation. */
	if (my_exec(tg, "SET SESSION sql_mode = CONCAT(@@sql_mode, ',STRICT_ALL_TABLES'), "
		    "SESSION autocommit = 1", &err) < 0)
		die(MIG_EXIT_DB, "%s: %s", tg->url.shown, err.buf);
	if (my_query(tg, "SELECT @@GLOBAL.local_infile", infile_allowed, tg, &err) < 0)
		die(MIG_EXIT_DB, "%s: %s", tg->url.shown, err.buf);
	buf_release(&err);
}
