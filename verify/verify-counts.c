/*
 * counts: row counts with mapping rules.
 *
 *   counts SRC.users = DST.users + DST.patients
 *   counts SRC.users where role='PATIENT' = DST.patients
 *
 * An operand is ALIAS.TABLE, optionally followed by "where CONDITION" (SQL
 * of that database, written by the user).  A condition may itself hold
 * '=' and '+': the rule is split only at a '=' or '+' outside quotes and
 * parentheses that is followed by a declared alias and a dot.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "verify.h"
#include "banned.h"

struct operand {
	struct vdb *d;
	char *table, *cond;	/* cond may be NULL */
	char *text;
	long long rows;
};

/* The length of an alias followed by '.' at p, if it names a database. */
static int alias_at(struct vctx *c, const char *p)
{
	size_t n = 0;

	while (isalnum((unsigned char)p[n]) || p[n] == '_')
		n++;
	return n && p[n] == '.' && vdb_find(c, p, n);
}

static void trim_span(const char **s, const char **e)
{
	while (*s < *e && isspace((unsigned char)**s))
		(*s)++;
	while (*e > *s && isspace((unsigned char)(*e)[-1]))
		(*e)--;
}

static int parse_operand(struct vctx *c, const char *s, const char *e, struct operand *o, struct buf *err)
{
	const char *p, *w = NULL;
	char *ref;

	trim_span(&s, &e);
	o->text = estrndup(s, (size_t)(e - s));
	if (!alias_at(c, s)) {
		buf_addf(err, "'%s': an operand starts with a database alias and a dot (SRC.table)", o->text);
		return -1;
	}
	for (p = s; p < e; p++)
		if (isspace((unsigned char)*p)) {
			w = vskip(p);
			break;
		}
	if (w && w < e) {
		const char *cond = w + 5 < e ? vskip(w + 5) : e;

		/* the operand ends at e: what follows it (an '=', another operand) is no condition */
		if (e - w < 5 || strncasecmp(w, "where", 5) || (w + 5 < e && !isspace((unsigned char)w[5]))) {
			buf_addf(err, "'%s': expected 'where CONDITION' after the table", o->text);
			return -1;
		}
		if (cond >= e) {
			buf_addf(err, "'%s': expected a condition after 'where'", o->text);
			return -1;
		}
		o->cond = estrndup(cond, (size_t)(e - cond));
	}
	ref = estrndup(s, (size_t)((w ? p : e) - s));
	o->d = vref(c, ref, strlen(ref), "DST", &o->table);
	free(ref);
	return 0;
}

void check_counts(struct vctx *c, const char *where, const char *args)
{
	struct vcheck k;
	struct operand ops[64];
	size_t nops = 0, nleft = 0, i;
	const char *p, *start = args;
	char quote = 0;
	int depth = 0, seen_eq = 0;
	struct buf err = BUF_INIT, sql = BUF_INIT;
	long long lt = 0, rt = 0;
	json_t *left = json_array(), *right = json_array();

	memset(ops, 0, sizeof(ops));
	for (p = args;; p++) {
		int split = 0;

		if (!*p) {
			split = 1;
		} else if (quote) {
			if (*p == quote)
				quote = 0;
			continue;
		} else if (*p == '\'' || *p == '"' || *p == '`') {
			quote = *p;
		} else if (*p == '(') {
			depth++;
		} else if (*p == ')') {
			depth--;
		} else if ((*p == '=' || *p == '+') && !depth && alias_at(c, vskip(p + 1))) {
			split = 1;
		}
		if (!split)
			continue;
		if (nops == sizeof(ops) / sizeof(*ops)) {
			buf_adds(&err, "too many operands (64 at most)");
			break;
		}
		if (parse_operand(c, start, p, &ops[nops], &err) < 0)
			break;
		nops++;
		if (!*p)
			break;
		if (*p == '=') {
			if (seen_eq++) {
				buf_adds(&err, "more than one '='");
				break;
			}
			nleft = nops;
		}
		start = p + 1;
	}
	vcheck_begin(&k, c, "counts", where, args);
	if (!err.len && (!seen_eq || nleft == nops))
		buf_adds(&err, "expected 'ALIAS.TABLE [where COND] = ALIAS.TABLE [+ ...]'");
	if (err.len) {
		vcheck_error(&k, 0, "%s: counts: %s", where, err.buf);
		vcheck_end(&k, V_ERROR, "not run");
		goto out;
	}
	if (c->sql) {
		int one = 1;

		fprintf(c->sql, "\n-- %s: counts %s\n", where, args);
		for (i = 1; i < nops; i++)
			one &= ops[i].d == ops[0].d;
		/* one database: one query a DBA can read; else one per side */
		if (one)
			fprintf(c->sql, "-- on %s (%s)\nSELECT ", ops[0].d->alias, ops[0].d->u.shown);
		for (i = 0; i < nops; i++) {
			char *id = vdb_ident(ops[i].d, ops[i].table);

			if (one) {
				if (i == 0 || i == nleft) {
					if (i)
						fprintf(c->sql, " AS expected, ");
					else {
						vsql_lit(c->sql, args);
						fprintf(c->sql, " AS \"check\", ");
					}
				} else {
					fprintf(c->sql, " + ");
				}
				fprintf(c->sql, "(SELECT count(*) FROM %s%s%s)", id, ops[i].cond ? " WHERE " : "",
					ops[i].cond ? ops[i].cond : "");
			} else {
				fprintf(c->sql, "-- on %s (%s)\nSELECT ", ops[i].d->alias, ops[i].d->u.shown);
				vsql_lit(c->sql, i < nleft ? "expected" : "actual");
				fprintf(c->sql, " AS side, ");
				vsql_lit(c->sql, ops[i].text);
				fprintf(c->sql, " AS item, count(*) AS n FROM %s%s%s;\n", id,
					ops[i].cond ? " WHERE " : "", ops[i].cond ? ops[i].cond : "");
			}
			free(id);
		}
		if (one)
			fprintf(c->sql, " AS actual;\n");
		else
			fprintf(c->sql, "-- the expected items' n add up to the actual items' n\n");
		json_decref(k.obj);
		buf_release(&k.notes);
		goto out;
	}
	for (i = 0; i < nops; i++) {
		char *id = vdb_ident(ops[i].d, ops[i].table);
		json_t *o = json_object();

		buf_reset(&sql);
		buf_addf(&sql, "SELECT count(*) FROM %s", id);
		if (ops[i].cond)
			buf_addf(&sql, " WHERE %s", ops[i].cond);
		free(id);
		buf_reset(&err);
		if (vdb_int(ops[i].d, sql.buf, &ops[i].rows, &err) < 0) {
			vcheck_error(&k, 1, "%s: %s: %s", ops[i].d->u.shown, ops[i].text, err.buf);
			json_decref(o);
			vcheck_end(&k, V_ERROR, "not run");
			goto out;
		}
		json_object_set_new(o, "table", json_string(ops[i].table));
		json_object_set_new(o, "db", json_string(ops[i].d->alias));
		if (ops[i].cond)
			json_object_set_new(o, "where", json_string(ops[i].cond));
		json_object_set_new(o, "rows", json_integer(ops[i].rows));
		json_array_append_new(i < nleft ? left : right, o);
		if (i < nleft)
			lt += ops[i].rows;
		else
			rt += ops[i].rows;
	}
	json_object_set_new(k.obj, "left", left);
	json_object_set_new(k.obj, "right", right);
	left = right = NULL;
	json_object_set_new(k.obj, "left_total", json_integer(lt));
	json_object_set_new(k.obj, "right_total", json_integer(rt));
	json_object_set_new(k.obj, "difference", json_integer(lt - rt));
	buf_reset(&sql);
	for (i = 0; i < nops; i++)
		buf_addf(&sql, "%s%lld", i == 0 ? "" : i == nleft ? (lt == rt ? " = " : " != ") : " + ",
			 ops[i].rows);
	if (lt == rt)
		vcheck_end(&k, V_PASS, "%s", sql.buf);
	else
		vcheck_end(&k, V_FAIL, "%s (%+lld)", sql.buf, rt - lt);
out:
	json_decref(left);
	json_decref(right);
	for (i = 0; i < sizeof(ops) / sizeof(*ops); i++) {
		free(ops[i].table);
		free(ops[i].cond);
		free(ops[i].text);
	}
	buf_release(&err);
	buf_release(&sql);
}
