/*
 * load-defer-my.c - --defer-constraints for MariaDB/MySQL:
 * FOREIGN_KEY_CHECKS=0 for the session (nothing to restore after a kill),
 * and an orphan query per foreign key at the end.
 */
#include <stdlib.h>
#include <string.h>

#include "load.h"
#include "util.h"
#include "banned.h"

void my_defer_table(struct target *tg, struct ltab *t, struct rejects *rj, int *orphans)
{
	(void)rj;
	(void)orphans;
	if (!tg->defer)
		return;
	t->deferred = 1;
	defer_exec(tg, "SET FOREIGN_KEY_CHECKS = 0");
}

void my_defer_finish(struct target *tg, struct ltab **tabs, size_t ntabs, struct rejects *rj, int *orphans)
{
	size_t i, j, k;

	/* MariaDB: checks come back on; find what slipped in while they were off. */
	defer_exec(tg, "SET FOREIGN_KEY_CHECKS = 1");
	for (i = 0; i < ntabs; i++) {
		const struct cat_table *ct = tabs[i]->cat;

		if (!ct || !tabs[i]->deferred)
			continue;
		for (j = 0; j < ct->nfk; j++) {
			const struct cat_fk *fk = &ct->fks[j];
			struct buf q = BUF_INIT, err = BUF_INIT, w = BUF_INIT, why = BUF_INIT;
			struct orphan_ctx o = { rj, NULL, NULL, NULL, 0 };
			char *qt = db_my_ident(ct->name), *qr = db_my_ident(fk->ref_table);
			size_t npk = ct->pk ? ct->pk->ncols : 0, n = 0;

			o.h = mig_header_new(ct->name, npk + fk->ncols);
			buf_adds(&q, "SELECT ");
			for (k = 0; k < npk + fk->ncols; k++) {
				const char *name = k < npk ? ct->pk->cols[k] : fk->cols[k - npk];
				char *c = db_my_ident(name);
				size_t m;
				int dup = 0;

				/* a key column that is also the foreign key is listed once */
				for (m = 0; k >= npk && m < npk; m++)
					dup |= !strcmp(ct->pk->cols[m], name);
				if (!dup) {
					buf_addf(&q, "%sc.%s", n ? ", " : "", c);
					mig_header_set(o.h, n++, name, MIG_T_TEXT);
				}
				free(c);
			}
			o.h->ncols = n;
			buf_addf(&q, " FROM %s c WHERE ", qt);
			for (k = 0; k < fk->ncols; k++) {
				char *c = db_my_ident(fk->cols[k]);

				buf_addf(&q, "c.%s IS NOT NULL AND ", c);
				free(c);
			}
			buf_addf(&q, "NOT EXISTS (SELECT 1 FROM %s r WHERE ", qr);
			for (k = 0; k < fk->ncols; k++) {
				char *c = db_my_ident(fk->cols[k]), *r = db_my_ident(fk->ref_cols[k]);

				buf_addf(&q, "%sr.%s = c.%s", k ? " AND " : "", r, c);
				free(c);
				free(r);
			}
			buf_adds(&q, ") ORDER BY 1");
			buf_addf(&w, "constraint %s", fk->name);
			buf_addf(&why, "no matching row in %s", fk->ref_table);
			o.where = w.buf;
			o.reason = why.buf;
			if (tg->ops->query(tg, q.buf, defer_orphan_row, &o, &err) < 0)
				die(MIG_EXIT_DB, "%s: %s", tg->url.shown, err.buf);
			if (o.n) {
				warn("%s: foreign key %s: %llu rows have no matching row in %s%s", ct->name, fk->name,
				     o.n, fk->ref_table, rejects_has_file(rj) ? " (keys in the rejects file)" : "");
				*orphans = 1;
			}
			o.h->ncols = npk + fk->ncols;
			mig_header_free(o.h);
			free(qt);
			free(qr);
			buf_release(&q);
			buf_release(&err);
			buf_release(&w);
			buf_release(&why);
		}
	}
}
