/*
 * extract-jobs.c - the job loop every database source shares.
 *
 * One snapshot holds the catalog read and every job, so the tables agree
 * with each other; the catalog is read once for all table jobs, which
 * pair with its entries by position.  What differs between databases
 * (starting the snapshot, fetching a count, turning rows into records)
 * comes from the driver's struct xsource.
 */
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "control.h"
#include "extract.h"
#include "util.h"
#include "banned.h"

void x_count(struct xctx *x, const char *tag, long long n)
{
	if (n < 0)
		return;
	if (x->o->limit >= 0 && n > x->o->limit)
		n = x->o->limit;
	ctl_write_count(x->w, tag, (unsigned long long)n);
}

void x_print_schema(struct xctx *x, const struct catalog *c)
{
	json_t *j = catalog_to_json(c);

	(void)x;
	if (json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0)
		die(MIG_EXIT_SYSTEM, "<stdout>: write error:");
	putchar('\n');
	json_decref(j);
}

/* The count hint of a job: exact when asked, else the catalog estimate where it still holds, else -1. */
static long long job_count(struct xctx *x, const struct xsource *s, const struct xjob *j,
			   const struct cat_table *t, const char *select)
{
	struct buf w = BUF_INIT;
	long long count;

	if (!t)
		return x->o->exact_count ? s->count(x, s->conn, select, j->tag) : -1;
	if (!x->o->exact_count)
		return x_estimate_ok(j, x->o) ? t->est_rows : -1;
	/* the SELECT's ORDER BY and LIMIT are no use to a count (x_count caps it at --limit) */
	buf_adds(&w, "SELECT 1 FROM ");
	s->d->from(s->conn, &w, t);
	x_where(&w, s->d, s->conn, j, t, x->o);
	count = s->count(x, s->conn, w.buf, j->tag);
	buf_release(&w);
	return count;
}

void x_run_jobs(struct xctx *x, const struct xsource *s)
{
	const char **names = ecalloc(x->njobs + 1, sizeof(*names));
	struct catalog cat;
	struct buf err = BUF_INIT, sql = BUF_INIT;
	size_t i, nt = 0, ti = 0;
	int r, tries;

	for (i = 0; i < x->njobs; i++)
		if (x->jobs[i].table)
			names[nt++] = x->jobs[i].table;
	/* Nothing is read before the catalog, so a new snapshot costs nothing. */
	for (tries = 1;; tries++) {
		s->begin(x, s->conn);
		r = catalog_read(x->u, s->conn, nt || !x->o->schema ? names : NULL, &cat, &err);
		if (r != CAT_AGAIN || tries == CAT_TRIES)
			break;
		s->end(x, s->conn);
		cat_wait(tries);
	}
	if (r < 0)
		die(MIG_EXIT_DB, "%s: %s", x->u->shown, err.buf);
	if (x->o->schema) {
		x_print_schema(x, &cat);
		goto done;
	}
	for (i = 0; i < x->njobs; i++) {
		struct xjob *j = &x->jobs[i];
		const struct cat_table *t = j->table ? &cat.tables[ti++] : NULL;
		struct ledger_counts *lc = ledger_tag(x->ledger, j->tag);
		struct mig_header *h = NULL;
		unsigned long long rows;
		long long count;

		/* described first, a bad query fails the same way with or without --exact-count */
		if (s->header)
			h = s->header(x, s->conn, j, t);
		buf_reset(&sql);
		if (t) {
			x_select(&sql, s->d, s->conn, j, t, x->o);
		} else if (x->o->limit >= 0) {
			buf_addf(&sql, "SELECT * FROM (%s)%s LIMIT %lld", j->query, s->query_alias, x->o->limit);
		} else {
			buf_adds(&sql, j->query);
		}
		count = job_count(x, s, j, t, sql.buf);
		x_count(x, j->tag, count);
		if (h)
			mig_write_header(x->w, h);
		progress_begin(x->prog, j->tag, count < 0 ? 0 : (unsigned long long)count);
		rows = s->rows(x, s->conn, sql.buf, j, t, h, lc);
		progress_end(x->prog);
		lc->in += rows;
		lc->out += rows;
		mig_header_free(h);
	}
done:
	s->end(x, s->conn);
	catalog_release(&cat);
	buf_release(&err);
	buf_release(&sql);
	free(names);
}
