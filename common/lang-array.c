/*
 * lang-array.c - the rule language's array functions (rows of lang-fn.c's
 * table).  An array value is its canonical text, PostgreSQL's literal
 * (array.h), so it passes through columns, casts and the stream unchanged.
 */
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "lang-int.h"
#include "banned.h"

static const struct lang_val null_val = { "", 0, 1 };

static int whole(const struct lang_val *v, long *out)
{
	char num[24], *end;

	if (!v->len || v->len >= sizeof(num))
		return -1;
	memcpy(num, v->p, v->len);
	num[v->len] = '\0';
	*out = strtol(num, &end, 10);
	return *end ? -1 : 0;
}

/* string_to_array(s, delim[, null_text]): as PostgreSQL's: each piece
 * between delimiters (every character when delim is NULL), a piece equal
 * to null_text becoming NULL; '' gives the empty array, NULL gives NULL. */
int lang_f_string_to_array(struct lang_ctx *c, struct node *n, struct lang_val *res)
{
	const struct lang_val *s = &n->av[0], *d = &n->av[1];
	const struct lang_val *nt = n->nargs > 2 ? &n->av[2] : NULL;
	const char *p, *e, *q;
	int first = 1;

	if (s->null)
		return *res = null_val, 0;
	p = s->p, e = s->p + s->len;
	while (p < e) {
		if (d->null) {
			q = p + 1;
			while (q < e && ((unsigned char)*q & 0xc0) == 0x80)
				q++;
		} else if (!d->len) {
			q = e;
		} else if (!(q = memmem(p, (size_t)(e - p), d->p, d->len))) {
			q = e;
		}
		arr_add(&c->out, first, p, (size_t)(q - p),
			nt && !nt->null && nt->len == (size_t)(q - p) && !memcmp(nt->p, p, nt->len));
		first = 0;
		if (q == e)
			break;
		p = d->null ? q : q + d->len;
		if (p == e && !d->null) {
			/* A trailing delimiter leaves an empty last piece. */
			arr_add(&c->out, 0, "", 0, nt && !nt->null && !nt->len);
			break;
		}
	}
	arr_end(&c->out, first);
	return lang_put(c, res);
}

/* array_to_string(a, delim[, null_text]): the elements joined; NULL
 * elements skipped, or written as null_text. */
int lang_f_array_to_string(struct lang_ctx *c, struct node *n, struct lang_val *res)
{
	const struct lang_val *nt = n->nargs > 2 ? &n->av[2] : NULL;
	struct arr_it it;
	const char *e;
	size_t len;
	int null, r, first = 1;

	if (n->av[0].null || n->av[1].null)
		return *res = null_val, 0;
	if (arr_open(&it, n->av[0].p, n->av[0].len) < 0)
		return lang_fail(c, "not an array");
	while ((r = arr_next(&it, &e, &len, &null)) > 0) {
		if (null && (!nt || nt->null))
			continue;
		if (!first)
			buf_add(&c->out, n->av[1].p, n->av[1].len);
		if (null)
			buf_add(&c->out, nt->p, nt->len);
		else
			buf_add(&c->out, e, len);
		first = 0;
	}
	arr_close(&it);
	if (r < 0)
		return lang_fail(c, "not an array");
	return lang_put(c, res);
}

/* array_length(a): the number of elements; NULL for NULL, 0 for {}. */
int lang_f_array_length(struct lang_ctx *c, struct node *n, struct lang_val *res)
{
	long k;

	if (n->av[0].null)
		return *res = null_val, 0;
	if ((k = arr_count(n->av[0].p, n->av[0].len)) < 0)
		return lang_fail(c, "not an array");
	buf_addf(&c->out, "%ld", k);
	return lang_put(c, res);
}

/* array(a, ...): an array of the arguments' values, NULLs kept. */
int lang_f_array(struct lang_ctx *c, struct node *n, struct lang_val *res)
{
	size_t i;

	for (i = 0; i < n->nargs; i++)
		arr_add(&c->out, !i, n->av[i].p, n->av[i].len, n->av[i].null);
	arr_end(&c->out, !n->nargs);
	return lang_put(c, res);
}

/* array_element(a, n): the n-th element (1-based; negative from the end);
 * NULL past either end. */
int lang_f_array_element(struct lang_ctx *c, struct node *n, struct lang_val *res)
{
	struct arr_it it;
	const char *e;
	size_t len;
	long k, total, i = 0;
	int null, r;

	if (n->av[0].null || n->av[1].null)
		return *res = null_val, 0;
	if ((total = arr_count(n->av[0].p, n->av[0].len)) < 0)
		return lang_fail(c, "not an array");
	if (whole(&n->av[1], &k) < 0)
		return lang_fail(c, "the element number must be a whole number");
	if (k < 0)
		k += total + 1;
	if (k < 1 || k > total)
		return *res = null_val, 0;
	arr_open(&it, n->av[0].p, n->av[0].len);
	while ((r = arr_next(&it, &e, &len, &null)) > 0 && ++i < k)
		;
	if (null) {
		arr_close(&it);
		return *res = null_val, 0;
	}
	buf_add(&c->out, e, len);
	arr_close(&it);
	return lang_put(c, res);
}
