/*
 * extract-sql.c - the SELECT statements of table jobs, built from the job,
 * the catalog and the driver's dialect (struct xdialect): the columns,
 * the WHERE of --where, --after and --shard, ORDER BY the key, LIMIT.
 *
 * Below the drivers and the job loop, which call it; it calls nothing of
 * theirs but the dialect's quoting through the struct they pass.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "extract.h"
#include "util.h"
#include "banned.h"

size_t x_job_ncols(const struct xjob *j, const struct cat_table *t)
{
	return j->cols ? j->ncols : t->ncols;
}

const struct cat_column *x_job_column(const struct xjob *j, const struct cat_table *t, size_t i)
{
	size_t k;

	if (!j->cols)
		return &t->cols[i];
	for (k = 0; k < t->ncols; k++)
		if (!strcmp(t->cols[k].name, j->cols[i]))
			return &t->cols[k];
	die(MIG_EXIT_USAGE, "%s: no column '%s'", j->tag, j->cols[i]);
}

static const struct cat_column *find_col(const struct cat_table *t, const char *name)
{
	size_t k;

	for (k = 0; k < t->ncols; k++)
		if (!strcmp(t->cols[k].name, name))
			return &t->cols[k];
	return NULL;
}

/*
 * The key's values, from a JSON array of strings, as mig-load's state
 * gives last_key; 0 when s is not one.
 */
static size_t json_key(const char *s, char ***out)
{
	json_t *a = json_loads(s, 0, NULL), *e;
	size_t n = 0, i;

	if (!json_is_array(a) || !json_array_size(a)) {
		json_decref(a);
		return 0;
	}
	json_array_foreach(a, i, e)
		if (!json_is_string(e)) {
			json_decref(a);
			return 0;
		}
	*out = ecalloc(json_array_size(a), sizeof(**out));
	json_array_foreach(a, i, e)
		(*out)[n++] = estrdup(json_string_value(e));
	json_decref(a);
	return n;
}

/* Split a key into values: a JSON array of strings, else a CSV list
 * ("5" or "7,\"a,b\""). */
static size_t split_key(const char *s, char ***out)
{
	struct buf b = BUF_INIT;
	size_t n = 0;
	char **v = NULL;

	if (*s == '[' && (n = json_key(s, out)))
		return n;
	for (;;) {
		buf_reset(&b);
		if (*s == '"') {
			for (s++; *s; s++) {
				if (*s == '"' && s[1] == '"')
					buf_addc(&b, *s++);
				else if (*s == '"')
					break;
				else
					buf_addc(&b, *s);
			}
			if (*s != '"')
				die(MIG_EXIT_USAGE, "--after: unterminated quote");
			s++;
		} else {
			while (*s && *s != ',')
				buf_addc(&b, *s++);
		}
		v = ereallocarray(v, n + 1, sizeof(*v));
		v[n++] = estrdup(b.buf);
		if (!*s)
			break;
		if (*s != ',')
			die(MIG_EXIT_USAGE, "--after: expected ',' after a quoted value");
		s++;
	}
	buf_release(&b);
	*out = v;
	return n;
}

static int is_int_text(const char *s)
{
	if (*s == '-' || *s == '+')
		s++;
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

static void key_list(struct buf *sql, const struct xdialect *d, void *conn, const struct cat_key *pk)
{
	size_t i;

	for (i = 0; i < pk->ncols; i++) {
		char *id = d->ident(conn, pk->cols[i]);

		if (i)
			buf_adds(sql, ", ");
		buf_adds(sql, id);
		free(id);
	}
}

void x_where(struct buf *sql, const struct xdialect *d, void *conn, const struct xjob *j,
	     const struct cat_table *t, const struct xopt *o)
{
	const char *sep = " WHERE ";

	if (j->where) {
		buf_addf(sql, "%s(%s)", sep, j->where);
		sep = " AND ";
	}
	if ((o->after || o->shard_n) && !t->pk)
		die(MIG_EXIT_USAGE, "%s: --after and --shard need a primary key, and the table has none", j->tag);
	if (o->after) {
		char **v;
		size_t n = split_key(o->after, &v), i;

		if (n != t->pk->ncols)
			die(MIG_EXIT_USAGE, "%s: --after: the primary key has %zu column%s, the key given %zu value%s",
			    j->tag, t->pk->ncols, t->pk->ncols == 1 ? "" : "s", n, n == 1 ? "" : "s");
		buf_addf(sql, "%s(", sep);
		key_list(sql, d, conn, t->pk);
		buf_adds(sql, ") > (");
		for (i = 0; i < n; i++) {
			const struct cat_column *c = find_col(t, t->pk->cols[i]);

			if (i)
				buf_adds(sql, ", ");
			/* Integers go unquoted: MariaDB compares a string with an integer as doubles. */
			if (c && c->type == MIG_T_INT && is_int_text(v[i]) && strlen(v[i]) < 40)
				buf_adds(sql, v[i]);
			else
				d->literal(conn, sql, v[i]);
			free(v[i]);
		}
		free(v);
		buf_addc(sql, ')');
		sep = " AND ";
	}
	if (o->shard_n > 1) {
		buf_adds(sql, sep);
		d->shard(conn, sql, t, o->shard_i - 1, o->shard_n);
	}
}

void x_select(struct buf *sql, const struct xdialect *d, void *conn, const struct xjob *j,
	      const struct cat_table *t, const struct xopt *o)
{
	size_t i, n = x_job_ncols(j, t);

	buf_adds(sql, "SELECT ");
	for (i = 0; i < n; i++) {
		const struct cat_column *c = x_job_column(j, t, i);

		if (i)
			buf_adds(sql, ", ");
		if (d->col_expr) {
			d->col_expr(conn, sql, c);
		} else {
			char *id = d->ident(conn, c->name);

			buf_adds(sql, id);
			free(id);
		}
	}
	buf_adds(sql, " FROM ");
	d->from(conn, sql, t);
	x_where(sql, d, conn, j, t, o);
	if (o->order && t->pk) {
		buf_adds(sql, " ORDER BY ");
		key_list(sql, d, conn, t->pk);
	}
	if (o->limit >= 0)
		buf_addf(sql, " LIMIT %lld", o->limit);
}

int x_estimate_ok(const struct xjob *j, const struct xopt *o)
{
	return j->table && !j->where && !o->after && o->shard_n <= 1;
}
