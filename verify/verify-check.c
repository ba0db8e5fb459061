/*
 * verify-check.c - the life of one check, below the check files that run
 * checks: its report entry (begin, notes, errors, end and the summary
 * line on standard output), the words of a check line, and the databases
 * a check names.  It calls no check: the calls in mig-verify go one way,
 * mig-verify.c -> verify-{counts,stream,crosswalk,ledger,catalog}.c ->
 * verify-check.c, verify-db.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "verify.h"
#include "banned.h"

struct vdb *vdb_find(struct vctx *c, const char *alias, size_t n)
{
	size_t i;

	for (i = 0; i < c->ndbs; i++)
		if (strlen(c->dbs[i]->alias) == n && !strncmp(c->dbs[i]->alias, alias, n))
			return c->dbs[i];
	return NULL;
}

struct vdb *vref(struct vctx *c, const char *s, size_t n, const char *dflt, char **table)
{
	const char *dot = memchr(s, '.', n);
	struct vdb *d;

	if (dot && (d = vdb_find(c, s, (size_t)(dot - s)))) {
		*table = estrndup(dot + 1, n - (size_t)(dot - s) - 1);
		return d;
	}
	*table = estrndup(s, n);
	return vdb_find(c, dflt, strlen(dflt));
}

void vsql_lit(FILE *fp, const char *s)
{
	struct buf b = BUF_INIT;

	db_std_lit(&b, s);
	fwrite(b.buf, 1, b.len, fp);
	buf_release(&b);
}

const char *vskip(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

int vtok(const char **pp, struct buf *out)
{
	const char *p = vskip(*pp);

	buf_reset(out);
	if (!*p) {
		*pp = p;
		return 0;
	}
	while (*p && *p != ' ' && *p != '\t') {
		if (*p == '\'' || *p == '"') {
			char q = *p++;

			while (*p && *p != q)
				buf_addc(out, *p++);
			if (*p)
				p++;
		} else {
			buf_addc(out, *p++);
		}
	}
	*pp = p;
	return 1;
}

void vcheck_begin(struct vcheck *k, struct vctx *c, const char *kind, const char *where, const char *rule)
{
	memset(k, 0, sizeof(*k));
	k->ctx = c;
	k->kind = kind;
	k->where = where;
	buf_init(&k->notes);
	k->obj = json_object();
	json_object_set_new(k->obj, "check", json_string(kind));
	json_object_set_new(k->obj, "rule", json_string(rule));
	json_object_set_new(k->obj, "where", json_string(where));
	json_object_set_new(k->obj, "notes", json_array());
}

static void vnote(struct vcheck *k, const char *fmt, va_list ap)
{
	struct buf b = BUF_INIT;

	buf_vaddf(&b, fmt, ap);
	json_array_append_new(json_object_get(k->obj, "notes"), json_stringn(b.buf, b.len));
	buf_adds(&k->notes, "    ");
	buf_add(&k->notes, b.buf, b.len);
	buf_addc(&k->notes, '\n');
	buf_release(&b);
}

void vcheck_note(struct vcheck *k, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vnote(k, fmt, ap);
	va_end(ap);
}

void vcheck_error(struct vcheck *k, int db, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vnote(k, fmt, ap);
	va_end(ap);
	if (db)
		k->db_error = 1;
	json_object_set_new(k->obj, "status", json_string("error"));
}

void vcheck_end(struct vcheck *k, enum vstatus st, const char *fmt, ...)
{
	struct vctx *c = k->ctx;
	const char *word;
	struct buf sum = BUF_INIT;
	json_t *old = json_object_get(k->obj, "status");
	va_list ap;

	if (old && !strcmp(json_string_value(old), "error"))
		st = V_ERROR;
	va_start(ap, fmt);
	buf_vaddf(&sum, fmt, ap);
	va_end(ap);
	switch (st) {
	case V_PASS:
		word = "ok";
		c->npass++;
		json_object_set_new(k->obj, "status", json_string("pass"));
		break;
	case V_FAIL:
		word = "FAIL";
		c->nfail++;
		json_object_set_new(k->obj, "status", json_string("fail"));
		break;
	default:
		word = "ERROR";
		c->nerror++;
		if (k->db_error)
			c->worst = MIG_EXIT_DB;
		else if (c->worst != MIG_EXIT_DB)
			c->worst = MIG_EXIT_USAGE;
		json_object_set_new(k->obj, "status", json_string("error"));
		break;
	}
	json_object_set_new(k->obj, "summary", json_stringn(sum.buf, sum.len));
	if (!c->quiet || st != V_PASS) {
		const char *rule = json_string_value(json_object_get(k->obj, "rule"));
		/* results on stdout; a check that could not run is trouble, on stderr */
		FILE *fp = st == V_ERROR ? stderr : stdout;

		if (fp == stderr)
			fflush(stdout);
		if (!rule)
			rule = "";
		fprintf(fp, "%-5s %s%s%s: %s\n%s", word, k->kind, *rule ? " " : "", rule, sum.buf, k->notes.buf);
	}
	json_array_append_new(c->checks, k->obj);
	buf_release(&sum);
	buf_release(&k->notes);
}
