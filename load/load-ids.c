/*
 * load-ids.c - identity, serial and auto-increment counters after a load.
 *
 * A load gives explicit ids; the application's next plain INSERT takes
 * its id from the table's counter, which must therefore end at least at
 * the largest id loaded (as pgloader does).  PostgreSQL's sequences do
 * not move when a value is given, so they are set; MariaDB's
 * AUTO_INCREMENT and SQLite's rowid and sqlite_sequence move by
 * themselves on an explicit insert, and are only checked (and raised if
 * some other path left them behind).  Each driver's advance_ids runs
 * after the final COMMIT, outside any transaction: PostgreSQL's setval
 * is not rolled back anyway, and MariaDB's ALTER TABLE would commit.
 */
#include <stdlib.h>
#include <string.h>

#include "load.h"
#include "util.h"
#include "banned.h"

/* The first row of a query, its values copied (NULL for NULL). */
struct row1 {
	int got;
	size_t n;
	char *v[4];
};

static void row1_cb(void *arg, size_t n, char **v)
{
	struct row1 *r = arg;
	size_t i;

	if (r->got++)
		return;
	r->n = n < 4 ? n : 4;
	for (i = 0; i < r->n; i++)
		r->v[i] = v[i] ? estrdup(v[i]) : NULL;
}

static void row1_clear(struct row1 *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		free(r->v[i]);
	memset(r, 0, sizeof(*r));
}

static int query1(struct target *tg, const char *sql, struct row1 *r, struct buf *err)
{
	row1_clear(r);
	return tg->ops->query(tg, sql, row1_cb, r, err);
}

/* Call fn for each column of t's header that the server numbers itself. */
static int each_id_col(struct target *tg, struct ltab *t, int report, struct buf *err,
		       int (*fn)(struct target *, struct ltab *, const char *, int, struct buf *))
{
	const struct cat_table *ct = t->cat;
	size_t i, j;

	if (!ct || !t->hdr)
		return 0;
	for (i = 0; i < t->hdr->ncols; i++)
		for (j = 0; j < ct->ncols; j++)
			if (ct->cols[j].autogen && ct->cols[j].type == MIG_T_INT &&
			    !strcmp(ct->cols[j].name, t->hdr->names[i]) && fn(tg, t, ct->cols[j].name, report, err) < 0)
				return -1;
	return 0;
}

/* max(col) of t as text, NULL for an empty table. */
static int max_of(struct target *tg, struct ltab *t, const char *col, struct row1 *r, struct buf *err)
{
	struct buf q = BUF_INIT;
	char *qt = tg->ops->qname(tg, t), *qc = tg->ops->ident(tg, col);
	int ret;

	buf_addf(&q, "SELECT max(%s) FROM %s", qc, qt);
	ret = query1(tg, q.buf, r, err);
	free(qt);
	free(qc);
	buf_release(&q);
	return ret;
}

static int pg_col(struct target *tg, struct ltab *t, const char *col, int report, struct buf *err)
{
	struct buf q = BUF_INIT;
	struct row1 r = { 0 };
	char *qt = tg->ops->qname(tg, t), *qc = tg->ops->ident(tg, col);
	char *seq = NULL;
	int ret = -1;

	/* serial and identity columns alike own a sequence that this names */
	buf_adds(&q, "SELECT s, pg_sequence_last_value(s::regclass)::text, (SELECT max(");
	buf_addf(&q, "%s)::text FROM %s) FROM (SELECT pg_get_serial_sequence(", qc, qt);
	db_std_lit(&q, qt);
	buf_adds(&q, ", ");
	db_std_lit(&q, col);
	buf_adds(&q, ") AS s) x WHERE s IS NOT NULL");
	if (query1(tg, q.buf, &r, err) < 0)
		goto out;
	ret = 0;
	if (!r.got || !r.v[2])
		goto out;
	seq = r.v[0];
	if (r.v[1] && strtoll(r.v[1], NULL, 10) >= strtoll(r.v[2], NULL, 10)) {
		if (report)
			warn("%s: %s: sequence %s at %s, not moved", t->tag, col, seq, r.v[1]);
		goto out;
	}
	buf_reset(&q);
	buf_adds(&q, "SELECT setval(");
	db_std_lit(&q, seq);
	buf_addf(&q, ", %lld)", strtoll(r.v[2], NULL, 10));
	if (tg->ops->exec(tg, q.buf, err) < 0) {
		ret = -1;
		goto out;
	}
	if (report)
		warn("%s: %s: sequence %s set to %s", t->tag, col, seq, r.v[2]);
out:
	row1_clear(&r);
	free(qt);
	free(qc);
	buf_release(&q);
	return ret;
}

int pg_advance_ids(struct target *tg, struct ltab *t, int report, struct buf *err)
{
	return each_id_col(tg, t, report, err, pg_col);
}

static int my_col(struct target *tg, struct ltab *t, const char *col, int report, struct buf *err)
{
	struct buf q = BUF_INIT;
	struct row1 r = { 0 }, m = { 0 };
	long long next, max;
	int ret = -1;

	if (max_of(tg, t, col, &m, err) < 0)
		goto out;
	buf_adds(&q, "SELECT AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ");
	db_std_lit(&q, t->table);
	if (query1(tg, q.buf, &r, err) < 0)
		goto out;
	ret = 0;
	if (!r.got || !r.v[0] || !m.got || !m.v[0])
		goto out;
	next = strtoll(r.v[0], NULL, 10);
	max = strtoll(m.v[0], NULL, 10);
	if (next <= max) {
		/* not in a transaction: ALTER TABLE commits */
		char *qt = tg->ops->qname(tg, t);

		buf_reset(&q);
		buf_addf(&q, "ALTER TABLE %s AUTO_INCREMENT = %lld", qt, max + 1);
		free(qt);
		if (tg->ops->exec(tg, q.buf, err) < 0) {
			ret = -1;
			goto out;
		}
		next = max + 1;
	}
	if (report)
		warn("%s: %s: AUTO_INCREMENT next %lld", t->tag, col, next);
out:
	row1_clear(&r);
	row1_clear(&m);
	buf_release(&q);
	return ret;
}

int my_advance_ids(struct target *tg, struct ltab *t, int report, struct buf *err)
{
	return each_id_col(tg, t, report, err, my_col);
}

static int sq_col(struct target *tg, struct ltab *t, const char *col, int report, struct buf *err)
{
	struct buf q = BUF_INIT;
	struct row1 r = { 0 }, m = { 0 };
	long long max;
	int ret = -1;

	if (max_of(tg, t, col, &m, err) < 0)
		goto out;
	ret = 0;
	if (!m.got || !m.v[0])
		goto out;
	max = strtoll(m.v[0], NULL, 10);
	/* AUTOINCREMENT tables keep their counter in sqlite_sequence */
	buf_adds(&q, "SELECT seq FROM sqlite_master s, sqlite_sequence q WHERE s.name = 'sqlite_sequence' AND q.name = ");
	db_std_lit(&q, t->table);
	if (query1(tg, q.buf, &r, err) < 0) {
		/* no sqlite_sequence at all: no AUTOINCREMENT table in the file */
		buf_reset(err);
		row1_clear(&r);
	}
	if (r.got && r.v[0]) {
		long long seq = strtoll(r.v[0], NULL, 10);

		if (seq < max) {
			buf_reset(&q);
			buf_addf(&q, "UPDATE sqlite_sequence SET seq = %lld WHERE name = ", max);
			db_std_lit(&q, t->table);
			if (tg->ops->exec(tg, q.buf, err) < 0) {
				ret = -1;
				goto out;
			}
			seq = max;
		}
		if (report)
			warn("%s: %s: sqlite_sequence at %lld", t->tag, col, seq);
	} else if (report) {
		/* a rowid alias without AUTOINCREMENT takes max(rowid) + 1 */
		warn("%s: %s: next rowid %lld", t->tag, col, max + 1);
	}
out:
	row1_clear(&r);
	row1_clear(&m);
	buf_release(&q);
	return ret;
}

int sq_advance_ids(struct target *tg, struct ltab *t, int report, struct buf *err)
{
	return each_id_col(tg, t, report, err, sq_col);
}
