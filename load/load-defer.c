/*
 * load-defer.c - --defer-constraints: when the drivers' deferral runs,
 * and what their designs share.
 *
 * A driver that can defer constraints fills the defer_* members of its
 * tgt_ops: PostgreSQL saves and drops definitions (load-defer-pg.c),
 * MariaDB turns its foreign key checks off and hunts orphans at the end
 * (load-defer-my.c).  SQLite does not enforce foreign keys unless asked
 * (PRAGMA foreign_keys) and csv has none: nothing to defer.
 */
#include <stdlib.h>
#include <string.h>

#include "load.h"
#include "util.h"
#include "banned.h"

void defer_exec(struct target *tg, const char *sql)
{
	struct buf err = BUF_INIT;

	if (tg->ops->exec(tg, sql, &err) < 0) {
		struct buf e = BUF_INIT;

		tg->ops->exec(tg, "ROLLBACK", &e);
		die(MIG_EXIT_DB, "%s: --defer-constraints: %s", tg->url.shown, err.buf);
	}
	buf_release(&err);
}

void defer_orphan_row(void *arg, size_t n, char **v)
{
	struct orphan_ctx *o = arg;
	struct mig_field f[16];
	size_t i;

	o->n++;
	if (!rejects_has_file(o->rj) || n > 16)
		return;
	for (i = 0; i < n; i++)
		f[i] = (struct mig_field){ v[i] ? v[i] : "", v[i] ? strlen(v[i]) : 0, !v[i], 0 };
	rejects_add(o->rj, o->h, f, o->where, o->reason);
}

void defer_start(struct target *tg)
{
	if (tg->ops->defer_start)
		tg->ops->defer_start(tg);
}

void defer_table(struct target *tg, struct ltab *t, struct rejects *rj, int *orphans)
{
	if (t->deferred || !t->cat || !tg->ops->defer_table)
		return;
	tg->ops->defer_table(tg, t, rj, orphans);
}

int defer_keys_left(struct target *tg, const char *schema, const char *table)
{
	return tg->ops->defer_keys_left ? tg->ops->defer_keys_left(tg, schema, table) : 0;
}

void defer_finish(struct target *tg, struct ltab **tabs, size_t ntabs, struct rejects *rj, int *orphans)
{
	if (tg->ops->defer_finish)
		tg->ops->defer_finish(tg, tabs, ntabs, rj, orphans);
}
