/*
 * load-trunc.c - --truncate for tables linked by foreign keys.
 *
 * A table is emptied at its first header, in the load's transaction.  A
 * table that other tables reference cannot be emptied alone (PostgreSQL
 * refuses TRUNCATE; a DELETE would break their keys), so it is emptied
 * together with every table that references it, directly or through
 * others, in one driver call (PostgreSQL: one TRUNCATE naming them all).
 * Those other tables are usually later tags of the same stream; one the
 * stream never names would lose its rows without being asked.  So each
 * is remembered: its own header later finds it already emptied, and
 * while one that held rows is still unnamed the load does not commit
 * (trunc_hold) and, at the end, refuses (trunc_unnamed) unless
 * --truncate=cascade.  Tables already loaded in this run, or committed
 * by the run a checkpoint resumes, are never emptied again.
 */
#include <stdlib.h>
#include <string.h>

#include "load.h"
#include "util.h"
#include "banned.h"

static int same_table(const struct cat_table *a, const char *schema, const char *name)
{
	return !strcmp(a->name, name) && (!schema || !a->schema || !strcmp(a->schema, schema));
}

static int has_rows(struct target *tg, const struct cat_table *ct, struct buf *err);

/* Whether x references a table of set by a foreign key. */
static const struct cat_table *refs_any(const struct cat_table *x, const struct cat_table **set, size_t n)
{
	size_t i, k;

	for (k = 0; k < x->nfk; k++)
		for (i = 0; i < n; i++)
			if (set[i] != x && x->fks[k].ref_table &&
			    same_table(set[i], x->fks[k].ref_schema, x->fks[k].ref_table))
				return set[i];
	return NULL;
}

/* Whether ct was loaded or committed by this load already (one of tabs). */
static int loaded(const struct cat_table *ct, struct ltab **tabs, size_t ntabs)
{
	size_t i;

	for (i = 0; i < ntabs; i++) {
		const struct ltab *t = tabs[i];

		if (!(t->truncated || t->cpos || t->pos))
			continue;
		if (t->cat ? t->cat == ct : same_table(ct, t->schema, t->table))
			return 1;
	}
	return 0;
}

static int pending_at(const struct trunc *tr, const struct cat_table *ct)
{
	size_t i;

	for (i = 0; i < tr->n; i++)
		if (tr->v[i].ct == ct)
			return (int)i;
	return -1;
}

int trunc_table(struct target *tg, struct trunc *tr, struct ltab *t, struct ltab **tabs, size_t ntabs,
		struct buf *err)
{
	const struct cat_table **set;
	size_t n = 1, i, first;
	int at = pending_at(tr, t->cat), ret = -1;

	t->truncated = 1;
	if (at >= 0) {
		/* emptied with a table it references; now named by the stream */
		tr->v[at].named = 1;
		return 0;
	}
	set = ecalloc(tg->cat.ntables + 1, sizeof(*set));
	set[0] = t->cat;
	/* every table that references one in the set, until none is added */
	for (first = 0; first < n;) {
		size_t end = n;

		for (i = 0; i < tg->cat.ntables; i++) {
			const struct cat_table *x = &tg->cat.tables[i], *by;
			size_t j;

			for (j = 0; j < n && set[j] != x; j++)
				;
			if (j < n || loaded(x, tabs, ntabs) || !(by = refs_any(x, set + first, end - first)))
				continue;
			set[n++] = x;
			tr->v = ereallocarray(tr->v, tr->n + 1, sizeof(*tr->v));
			tr->v[tr->n].ct = x;
			tr->v[tr->n].by = by;
			tr->v[tr->n].named = 0;
			if ((tr->v[tr->n].had_rows = has_rows(tg, x, err)) < 0)
				goto out;
			tr->n++;
		}
		first = end;
	}
	ret = tg->ops->truncate(tg, set, n, err);
out:
	free(set);
	return ret;
}

static void got_row(void *arg, size_t n, char **v)
{
	(void)n;
	(void)v;
	*(int *)arg = 1;
}

static int has_rows(struct target *tg, const struct cat_table *ct, struct buf *err)
{
	struct buf q = BUF_INIT;
	char *qn = cat_qname(tg, ct);
	int any = 0;

	buf_addf(&q, "SELECT 1 FROM %s LIMIT 1", qn);
	if (tg->ops->query(tg, q.buf, got_row, &any, err) < 0)
		any = -1;
	free(qn);
	buf_release(&q);
	return any;
}

const struct trunc_ent *trunc_unnamed(const struct trunc *tr)
{
	size_t i;

	for (i = 0; i < tr->n; i++)
		if (!tr->v[i].named && tr->v[i].had_rows)
			return &tr->v[i];
	return NULL;
}

int trunc_hold(const struct trunc *tr)
{
	return !tr->cascade && trunc_unnamed(tr) != NULL;
}

void trunc_release(struct trunc *tr)
{
	free(tr->v);
	tr->v = NULL;
	tr->n = 0;
}

char *cat_qname(struct target *tg, const struct cat_table *ct)
{
	struct buf b = BUF_INIT;
	char *q;

	if (ct->schema) {
		q = tg->ops->ident(tg, ct->schema);
		buf_adds(&b, q);
		buf_addc(&b, '.');
		free(q);
	}
	q = tg->ops->ident(tg, ct->name);
	buf_adds(&b, q);
	free(q);
	return buf_detach(&b, NULL);
}

/* The drivers' truncate: tabs[0] first, the tables referencing it after. */

int pg_truncate(struct target *tg, const struct cat_table **tabs, size_t n, struct buf *err)
{
	struct buf q = BUF_INIT;
	size_t i;
	int ret;

	buf_adds(&q, "TRUNCATE ONLY ");
	for (i = 0; i < n; i++) {
		char *qn = cat_qname(tg, tabs[i]);

		buf_addf(&q, "%s%s", i ? ", " : "", qn);
		free(qn);
	}
	ret = tg->ops->exec(tg, q.buf, err);
	buf_release(&q);
	return ret;
}

/*
 * DELETE, not TRUNCATE: MariaDB's TRUNCATE commits.  Children first, and
 * for MariaDB with the foreign key checks off meanwhile (a cycle has no
 * child), set back to what they were (a --defer-constraints load has
 * them off); SQLite enforces keys only under PRAGMA foreign_keys, which
 * mig-load leaves off.
 */
int delete_tables(struct target *tg, const struct cat_table **tabs, size_t n, struct buf *err)
{
	struct buf q = BUF_INIT;
	size_t i;
	int ret = 0;

	if (tg->ops->fk_checks_off && tg->ops->exec(tg, tg->ops->fk_checks_off, err) < 0)
		return -1;
	for (i = n; i-- > 0 && ret == 0;) {
		char *qn = cat_qname(tg, tabs[i]);

		buf_reset(&q);
		buf_addf(&q, "DELETE FROM %s", qn);
		free(qn);
		ret = tg->ops->exec(tg, q.buf, err);
	}
	if (tg->ops->fk_checks_back && tg->ops->exec(tg, tg->ops->fk_checks_back, ret < 0 ? &q : err) < 0)
		ret = -1;
	buf_release(&q);
	return ret;
}
