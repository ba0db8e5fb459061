/*
 * lang-eval.c - the rule language's evaluator, its operators and exact
 * decimal arithmetic; see lang.h and mig-rules(7).
 *
 * Numbers stay decimal text.  Arithmetic works on their digits, so
 * 16.99 * 100 is 1699.00, never 1698.9999999999998: a binary double cannot
 * hold most decimal fractions, and money is decimal.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "canon.h"
#include "lang-int.h"
#include "util.h"
#include "banned.h"

/* Arena: blocks never move, so values stay put while a record is evaluated. */

const char *arena_dup_slow(struct arena *a, const char *s, size_t n)
{
	char *p;

	while (a->cur < a->n && a->cap[a->cur] - a->used < n + 1) {
		a->cur++;
		a->used = 0;
	}
	if (a->cur == a->n) {
		size_t cap = n + 1 > 65536 ? n + 1 : 65536;

		a->blk = ereallocarray(a->blk, a->n + 1, sizeof(*a->blk));
		a->cap = ereallocarray(a->cap, a->n + 1, sizeof(*a->cap));
		a->blk[a->n] = emalloc(cap);
		a->cap[a->n++] = cap;
		a->used = 0;
	}
	p = a->blk[a->cur] + a->used;
	memcpy(p, s, n);
	p[n] = '\0';
	a->used += n + 1;
	return p;
}

struct lang_ctx *lang_ctx_new(const struct lang_opts *o)
{
	struct lang_ctx *c = ecalloc(1, sizeof(*c));

	buf_init(&c->out);
	buf_init(&c->tmp);
	buf_init(&c->pw);
	c->o = o;
	c->tz = map_tz_new();
	c->gen = 1;
	return c;
}

void lang_ctx_free(struct lang_ctx *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->ar.n; i++)
		free(c->ar.blk[i]);
	free(c->ar.blk);
	free(c->ar.cap);
	buf_release(&c->out);
	buf_release(&c->tmp);
	lang_ctx_drop(c);
	buf_release(&c->pw);
	map_tz_free(c->tz);
	uuid5_free(&c->u5);
	if (c->cd)
		explicit_bzero(c->cd, sizeof(*c->cd));
	free(c->cd);
	free(c);
}

void lang_ctx_record(struct lang_ctx *c, const struct lang_val *slots, const struct mig_item *it)
{
	lang_ctx_drop(c);
	c->ar.cur = 0;
	c->ar.used = 0;
	c->slots = slots;
	c->it = it;
	c->gen++;
}

void lang_ctx_again(struct lang_ctx *c)
{
	c->gen++;
}

/* The plain passwords of a record reach the --passwords file only when the
 * record is written: a rejected or dropped record's accounts never exist. */
int lang_ctx_keep(struct lang_ctx *c)
{
	int ret = 0;

	if (c->pw.len && fwrite(c->pw.buf, 1, c->pw.len, c->o->passwords) != c->pw.len)
		ret = -1;
	lang_ctx_drop(c);
	return ret;
}

void lang_ctx_drop(struct lang_ctx *c)
{
	if (c->pw.len)
		explicit_bzero(c->pw.buf, c->pw.len);
	buf_reset(&c->pw);
}

const char *lang_why(const struct lang_ctx *c)
{
	return c->why;
}

void lang_why_set(struct lang_ctx *c, const char *why)
{
	c->why = why;
}

int lang_fail(struct lang_ctx *c, const char *why)
{
	buf_reset(&c->out);
	c->why = why;
	return -1;
}

static const struct lang_val null_val = { "", 0, 1 };

/* A column's or a literal's value: 1, or 0 for any other node.  Inline,
 * so that a call's arguments, most of them these, cost no call. */
static inline int leaf_value(const struct lang_ctx *c, const struct node *n, struct lang_val *res)
{
	if (n->kind == N_COL && n->slot >= 0)
		*res = c->slots[n->slot];
	else if (n->kind == N_LIT)
		*res = (struct lang_val){ n->text, n->len, 0 };
	else
		return 0;
	return 1;
}

/* A call's arguments into its av[], unless it evaluates them itself. */
static inline int eval_args(struct lang_ctx *c, struct node *n)
{
	size_t i;

	if (!n->fn->lazy)
		for (i = 0; i < n->nargs; i++)
			if (!leaf_value(c, n->args[i], &n->av[i]) && lang_eval_node(c, n->args[i], &n->av[i]) < 0)
				return -1;
	return 0;
}

/* A call one of a group (lang-cse.c): the value the group's first call
 * evaluated this round left in the leader, else computed and left there.
 * Never inlined: in lang_eval_node it would cost every other call a
 * stack frame (apptlite's rules, callgrind: +0.5 % inlined, +0.2 % not). */
static __attribute__((noinline)) int eval_shared(struct lang_ctx *c, struct node *n, struct lang_val *res)
{
	if (n->leader->memo_gen == c->gen) {
		*res = n->leader->memo;
		return 0;
	}
	if (eval_args(c, n) < 0 || n->fn->eval(c, n, res) < 0)
		return -1;
	n->leader->memo = *res;
	n->leader->memo_gen = c->gen;
	return 0;
}

int lang_eval_node(struct lang_ctx *c, struct node *n, struct lang_val *res)
{
	if (leaf_value(c, n, res))
		return 0;
	switch (n->kind) {
	case N_LIT:	/* leaf_value's */
		break;
	case N_NULL:
		*res = null_val;
		return 0;
	case N_COL:
		/* a bare word that names no column: its text */
		*res = (struct lang_val){ n->text, strlen(n->text), 0 };
		return 0;
	case N_FN:
		if (n->leader)
			return eval_shared(c, n, res);
		if (eval_args(c, n) < 0)
			return -1;
		return n->fn->eval(c, n, res);
	}
	return 0;
}

int lang_eval(struct lang_ctx *c, struct lang_expr *e, struct lang_val *res)
{
	return lang_eval_node(c, (struct node *)e, res);
}

static int truth(const struct lang_val *v)
{
	if (v->null || !v->len)
		return v->null ? -1 : 0;
	switch (v->p[0]) {
	case 't': case 'T': case 'y': case 'Y': case '1':
		return 1;
	case 'o': case 'O':
		return v->len == 2 && (v->p[1] == 'n' || v->p[1] == 'N');
	default:
		return 0;
	}
}

int lang_truth(struct lang_ctx *c, struct lang_expr *e)
{
	const struct node *n = (const struct node *)e;
	struct lang_val v;
	size_t i;

	if (n->bytes_eq) {
		/* NULL equals nothing: not true, as the general path says. */
		const struct lang_val *a = &c->slots[n->args[0]->slot];

		if (a->null)
			return 0;
		for (i = 1; i < n->nargs; i++)
			if (n->args[i]->len == a->len && !memcmp(n->args[i]->text, a->p, a->len))
				return 1;
		return 0;
	}
	if (lang_eval(c, e, &v) < 0)
		return -1;
	return truth(&v) == 1;
}

/* An integer as canon_value writes it: 0, or digits from 1 to 9 first, maybe after '-'. */
static int canonical_int(const char *s, size_t n)
{
	size_t i = n && *s == '-';

	if (i == n || s[i] < '1' || s[i] > '9')
		return n == 1 && *s == '0';
	while (++i < n)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

int lang_cast(struct lang_ctx *c, enum mig_type t, struct lang_val *v)
{
	if (v->null || t == MIG_T_ANY || t == MIG_T_TEXT)
		return 0;
	/* numeric keeps its scale (1.50 is numeric(10,2)'s spelling): checked only. */
	if (t == MIG_T_NUMERIC || t == MIG_T_FLOAT) {
		int cmp;

		if (num_compare(v->p, v->len, "0", 1, &cmp) < 0)
			return lang_fail(c, "not a number, for a numeric column");
		return 0;
	}
	if (t == MIG_T_INT && canonical_int(v->p, v->len))
		return 0;
	buf_reset(&c->out);
	if (canon_value(t, v->p, v->len, 0, &c->out) < 0)
		return lang_fail(c, "not a valid value of the column's type");
	if (t == MIG_T_INT && memchr(c->out.buf, '.', c->out.len))
		return lang_fail(c, "not a whole number, for an int column");
	if (c->out.len == v->len && !memcmp(c->out.buf, v->p, v->len)) {
		buf_reset(&c->out);
		return 0;
	}
	return lang_put(c, v);
}

static void put_bool(struct lang_val *res, int b)
{
	if (b < 0)
		*res = null_val;
	else
		*res = (struct lang_val){ b ? "t" : "f", 1, 0 };
}

/* Exact decimals. */

#define DMAX 400

struct dnum {
	int neg;
	long scale;		/* digits after the point */
	size_t n;
	unsigned char d[DMAX];	/* least significant first */
};

static void dtrim(struct dnum *x)
{
	while (x->n > 0 && !x->d[x->n - 1])
		x->n--;
}

static int dparse(const char *s, size_t len, struct dnum *x)
{
	const char *e = s + len, *p = s, *ip, *fp = NULL;
	size_t ni = 0, nf = 0, i, k = 0;
	long ex = 0;
	unsigned char tmp[DMAX];

	x->neg = 0;
	if (p < e && (*p == '-' || *p == '+'))
		x->neg = *p++ == '-';
	ip = p;
	while (p < e && isdigit((unsigned char)*p))
		p++, ni++;
	if (p < e && *p == '.') {
		fp = ++p;
		while (p < e && isdigit((unsigned char)*p))
			p++, nf++;
	}
	if (!ni && !nf)
		return -1;
	if (p < e && (*p == 'e' || *p == 'E')) {
		int eneg = 0, nd = 0;

		p++;
		if (p < e && (*p == '-' || *p == '+'))
			eneg = *p++ == '-';
		while (p < e && isdigit((unsigned char)*p)) {
			if (ex < 100000)
				ex = ex * 10 + (*p - '0');
			p++, nd++;
		}
		if (!nd)
			return -1;
		if (eneg)
			ex = -ex;
	}
	if (p != e || ni + nf + (ex > 0 ? (size_t)ex : 0) >= DMAX || ex < -DMAX)
		return -1;
	for (i = 0; i < ni; i++)
		tmp[k++] = (unsigned char)(ip[i] - '0');
	for (i = 0; i < nf; i++)
		tmp[k++] = (unsigned char)(fp[i] - '0');
	x->scale = (long)nf - ex;
	x->n = 0;
	if (x->scale < 0) {
		for (i = 0; i < (size_t)-x->scale; i++)
			x->d[x->n++] = 0;
		x->scale = 0;
	}
	for (i = k; i > 0; i--)
		x->d[x->n++] = tmp[i - 1];
	dtrim(x);
	return 0;
}

/* Multiply by 10^k: append k zero digits and keep the value by scale. */
static int dscale(struct dnum *x, long to)
{
	long k = to - x->scale;

	if (k <= 0)
		return 0;
	if (x->n + (size_t)k >= DMAX)
		return -1;
	if (x->n) {
		memmove(x->d + k, x->d, x->n);
		memset(x->d, 0, (size_t)k);
		x->n += (size_t)k;
	}
	x->scale = to;
	return 0;
}

static int mag_cmp(const struct dnum *a, const struct dnum *b)
{
	size_t i;

	if (a->n != b->n)
		return a->n < b->n ? -1 : 1;
	for (i = a->n; i > 0; i--)
		if (a->d[i - 1] != b->d[i - 1])
			return a->d[i - 1] < b->d[i - 1] ? -1 : 1;
	return 0;
}

/* a = |a| - |b|, |a| >= |b|. */
static void mag_sub(struct dnum *a, const struct dnum *b)
{
	size_t i;
	int borrow = 0;

	for (i = 0; i < a->n; i++) {
		int v = a->d[i] - borrow - (i < b->n ? b->d[i] : 0);

		borrow = v < 0;
		a->d[i] = (unsigned char)(v < 0 ? v + 10 : v);
	}
	dtrim(a);
}

static int mag_add(struct dnum *a, const struct dnum *b)
{
	size_t i, n = a->n > b->n ? a->n : b->n;
	int carry = 0;

	if (n + 1 >= DMAX)
		return -1;
	for (i = 0; i < n; i++) {
		int v = (i < a->n ? a->d[i] : 0) + (i < b->n ? b->d[i] : 0) + carry;

		carry = v >= 10;
		a->d[i] = (unsigned char)(v % 10);
	}
	a->n = n;
	if (carry)
		a->d[a->n++] = 1;
	return 0;
}

static int dadd(struct dnum *a, struct dnum *b, int sub)
{
	long s = a->scale > b->scale ? a->scale : b->scale;
	struct dnum t;

	if (dscale(a, s) < 0 || dscale(b, s) < 0)
		return -1;
	if (sub)
		b->neg = !b->neg;
	if (a->neg == b->neg)
		return mag_add(a, b);
	if (mag_cmp(a, b) >= 0) {
		mag_sub(a, b);
	} else {
		t = *b;
		mag_sub(&t, a);
		*a = t;
	}
	return 0;
}

static int dmul(struct dnum *a, const struct dnum *b)
{
	unsigned r[2 * DMAX] = { 0 };
	size_t i, j, n = a->n + b->n;

	if (n >= DMAX)
		return -1;
	for (i = 0; i < a->n; i++)
		for (j = 0; j < b->n; j++)
			r[i + j] += (unsigned)a->d[i] * b->d[j];
	for (i = 0; i + 1 < n + 1; i++) {
		r[i + 1] += r[i] / 10;
		r[i] %= 10;
	}
	for (i = 0; i < n; i++)
		a->d[i] = (unsigned char)r[i];
	a->n = n;
	a->neg = a->neg != b->neg;
	a->scale += b->scale;
	dtrim(a);
	return 0;
}

/* q = trunc(a / b) as integers (scale ignored), r the remainder. */
static void ddivmod(const struct dnum *a, const struct dnum *b, struct dnum *q, struct dnum *r)
{
	size_t i;

	q->n = a->n;
	memset(q->d, 0, a->n);
	r->n = 0;
	for (i = a->n; i > 0; i--) {
		unsigned char k = 0;

		/* r = r * 10 + digit */
		if (r->n) {
			memmove(r->d + 1, r->d, r->n);
			r->n++;
		} else {
			r->n = 1;
		}
		r->d[0] = a->d[i - 1];
		dtrim(r);
		while (mag_cmp(r, b) >= 0) {
			mag_sub(r, b);
			k++;
		}
		q->d[i - 1] = k;
	}
	dtrim(q);
}

static void dformat(const struct dnum *x, struct buf *out)
{
	size_t i, n = x->n > (size_t)x->scale ? x->n : (size_t)x->scale + 1;

	if (x->neg && x->n)
		buf_addc(out, '-');
	for (i = n; i > 0; i--) {
		if (i == (size_t)x->scale && x->scale)
			buf_addc(out, '.');
		buf_addc(out, (char)('0' + (i - 1 < x->n ? x->d[i - 1] : 0)));
	}
	if (!x->scale)
		return;
}

/* Round x to scale s in mode r(ound half away), t(runc), f(loor), c(eil). */
static int dround(struct dnum *x, long s, int mode)
{
	struct dnum one;
	long drop = x->scale - s;
	size_t i;
	int first = 0, rest = 0, up;

	if (drop <= 0)
		return dscale(x, s < 0 ? 0 : s);
	for (i = 0; i < (size_t)drop; i++) {
		int dg = i < x->n ? x->d[i] : 0;

		if (i + 1 == (size_t)drop)
			first = dg;
		else
			rest |= dg;
	}
	if ((size_t)drop >= x->n) {
		x->n = 0;
	} else {
		memmove(x->d, x->d + drop, x->n - (size_t)drop);
		x->n -= (size_t)drop;
	}
	x->scale = s;
	up = mode == 'r' ? first >= 5 : mode == 'f' ? x->neg && (first || rest) :
				  mode == 'c' ? !x->neg && (first || rest) : 0;
	if (up) {
		one.neg = 0;
		one.scale = 0;
		one.n = 1;
		one.d[0] = 1;
		if (mag_add(x, &one) < 0)
			return -1;
	}
	if (s < 0) {
		/* Back to a whole number: -2 keeps hundreds. */
		x->scale = 0;
		if (x->n) {
			if (x->n + (size_t)-s >= DMAX)
				return -1;
			memmove(x->d + -s, x->d, x->n);
			memset(x->d, 0, (size_t)-s);
			x->n += (size_t)-s;
		}
	}
	dtrim(x);
	return 0;
}

int lang_small_int(const char *s, size_t n, int64_t *v)
{
	size_t i = n && s[0] == '-';
	int64_t x = 0;

	if (n - i < 1 || n - i > 18)
		return -1;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		x = x * 10 + (s[i] - '0');
	}
	*v = s[0] == '-' ? -x : x;
	return 0;
}

/* Whole numbers added, subtracted or multiplied in machine words: 0 and
 * *z, or -1 where dec_arith's digits must do it (they give the same text,
 * slower). */
static int int_arith(int op, const char *as, size_t alen, const char *bs, size_t blen, int64_t *z)
{
	int64_t x, y;

	if ((op != '+' && op != '-' && op != '*') || lang_small_int(as, alen, &x) < 0 || lang_small_int(bs, blen, &y) < 0)
		return -1;
	if (op == '*')
		return __builtin_mul_overflow(x, y, z) ? -1 : 0;
	*z = op == '+' ? x + y : x - y;
	return 0;
}

int dec_arith(int op, const char *as, size_t alen, const char *bs, size_t blen, struct buf *out, const char **why)
{
	struct dnum a, b, q, r;
	int64_t z;
	int rc = 0;

	if (int_arith(op, as, alen, bs, blen, &z) == 0) {
		buf_add_i64(out, z);
		return 0;
	}
	if (dparse(as, alen, &a) < 0 || dparse(bs, blen, &b) < 0) {
		*why = "not a number";
		return -1;
	}
	switch (op) {
	case '+':
	case '-':
		rc = dadd(&a, &b, op == '-');
		break;
	case '*':
		rc = dmul(&a, &b);
		break;
	case '/':
	case '%': {
		/* Quotient to max(16, either scale) digits, rounded half away
		 * from zero; an int divided by an int truncates, as in SQL. */
		long s = a.scale > b.scale ? a.scale : b.scale, qs;
		int ints = !memchr(as, '.', alen) && !memchr(bs, '.', blen) && !memchr(as, 'e', alen) &&
			   !memchr(bs, 'e', blen) && !memchr(as, 'E', alen) && !memchr(bs, 'E', blen);

		if (!b.n) {
			*why = "division by zero";
			return -1;
		}
		if (op == '%') {
			/* a - trunc(a / b) * b, at the larger scale. */
			if (dscale(&a, s) < 0 || dscale(&b, s) < 0) {
				rc = -1;
				break;
			}
			ddivmod(&a, &b, &q, &r);
			r.neg = a.neg;
			r.scale = s;
			a = r;
			break;
		}
		qs = ints ? 0 : s > 16 ? s : 16;
		/* a / b at scale qs + 1 = (A * 10^(qs + 1 + sb - sa)) / B */
		{
			long k = qs + 1 + b.scale - a.scale;
			int neg = a.neg != b.neg;

			a.scale = 0;
			b.scale = 0;
			if (k > 0 && dscale(&a, k) < 0) {
				rc = -1;
				break;
			}
			a.scale = 0;
			if (k < 0 && dscale(&b, -k) < 0) {
				rc = -1;
				break;
			}
			b.scale = 0;
			ddivmod(&a, &b, &q, &r);
			q.neg = neg;
			q.scale = qs + 1;
			rc = dround(&q, qs, ints ? 't' : 'r');
			a = q;
		}
		break;
	}
	default:
		*why = "bad operator";
		return -1;
	}
	if (rc < 0) {
		*why = "number too long";
		return -1;
	}
	dformat(&a, out);
	return 0;
}

int dec_round(int mode, const char *as, size_t alen, long scale, struct buf *out, const char **why)
{
	struct dnum a;

	if (dparse(as, alen, &a) < 0) {
		*why = "not a number";
		return -1;
	}
	if (scale > DMAX / 2 || scale < -DMAX / 2 || dround(&a, scale, mode) < 0) {
		*why = "number too long";
		return -1;
	}
	dformat(&a, out);
	return 0;
}

/* Operators.  NULL in gives NULL out, except and/or (three-valued), is
 * [not] null, and case/if, which look only at the branch taken. */

static int o_arith(struct lang_ctx *c, struct node *n, struct lang_val *res)
{
	const char *why;
	int64_t z;

	if (n->av[0].null || n->av[1].null)
		return *res = null_val, 0;
	/* the usual case (length(s) + 2) straight into the arena */
	if (int_arith(n->fn->iarg, n->av[0].p, n->av[0].len, n->av[1].p, n->av[1].len, &z) == 0)
		return lang_put_i64(c, res, z);
	if (dec_arith(n->fn->iarg, n->av[0].p, n->av[0].len, n->av[1].p, n->av[1].len, &c->out, &why) < 0)
		return lang_fail(c, why);
	return lang_put(c, res);
}

static int o_neg(struct lang_ctx *c, struct node *n, struct lang_val *res)
{
	const char *why;

	if (n->av[0].null)
		return *res = null_val, 0;
	if (dec_arith('-', "0", 1, n->av[0].p, n->av[0].len, &c->out, &why) < 0)
		return lang_fail(c, why);
	return lang_put(c, res);
}

static int o_cat(struct lang_ctx *c, struct node *n, struct lang_val *res)
{
	if (n->av[0].null || n->av[1].null)
		return *res = null_val, 0;
	buf_add(&c->out, n->av[0].p, n->av[0].len);
	buf_add(&c->out, n->av[1].p, n->av[1].len);
	return lang_put(c, res);
}

int lang_compare(const struct node *n, const struct lang_val *a, const struct lang_val *b, int *cmp,
		 const char **why)
{
	size_t m;
	int r;

	if (n->numeric) {
		if (num_compare(a->p, a->len, b->p, b->len, cmp) < 0) {
			*why = "not a number, for a numeric comparison";
			return -1;
		}
		return 0;
	}
	m = a->len < b->len ? a->len : b->len;
	r = memcmp(a->p, b->p, m);
	*cmp = r ? (r < 0 ? -1 : 1) : a->len < b->len ? -1 : a->len > b->len;
	return 0;
}

static int regex_test(struct lang_ctx *c, struct node *n, const struct lang_val *s, const struct lang_val *pat,
		      int icase, int *hit)
{
	regex_t tmp, *re = n->re;
	int rc;

	if (!re) {
		/* A pattern from a column: compiled per record. */
		char *p = estrndup(pat->p, pat->len);

		rc = regcomp(&tmp, p, REG_EXTENDED | REG_NOSUB | (icase ? REG_ICASE : 0));
		free(p);
		if (rc)
			return lang_fail(c, "bad regular expression");
		re = &tmp;
	}
	{
		char *t = estrndup(s->p, s->len);

		*hit = regexec(re, t, 0, NULL, 0) == 0;
		free(t);
	}
	if (re == &tmp)
		regfree(&tmp);
	return 0;
}

static int o_cmp(struct lang_ctx *c, struct node *n, struct lang_val *res)
{
	const char *op = n->fn->name, *why;
	int cmp, hit;

	if (n->av[0].null || n->av[1].null)
		return *res = null_val, 0;
	if (op[0] == '~' || (op[0] == '!' && op[1] == '~')) {
		if (regex_test(c, n, &n->av[0], &n->av[1], strchr(op, '*') != NULL, &hit) < 0)
			return -1;
		put_bool(res, op[0] == '~' ? hit : !hit);
		return 0;
	}
	if (lang_compare(n, &n->av[0], &n->av[1], &cmp, &why) < 0)
		return lang_fail(c, why);
	switch (op[0]) {
	case '=':
		hit = cmp == 0;
		break;
	case '<':
		hit = op[1] == '>' ? cmp != 0 : op[1] == '=' ? cmp <= 0 : cmp < 0;
		break;
	default:
		hit = op[1] == '=' ? cmp >= 0 : cmp > 0;
		break;
	}
	put_bool(res, hit);
	return 0;
}

static int o_isnull(struct lang_ctx *c, struct node *n, struct lang_val *res)
{
	(void)c;
	put_bool(res, n->av[0].null == !n->fn->iarg);
	return 0;
}

/* x in (a, b): true if equal to one; else NULL if x or any is NULL; else false. */
static int o_in(struct lang_ctx *c, struct node *n, struct lang_val *res)
{
	const char *why;
	size_t i;
	int unknown = n->av[0].null, cmp;

	for (i = 1; i < n->nargs && !n->av[0].null; i++) {
		if (n->av[i].null) {
			unknown = 1;
			continue;
		}
		if (lang_compare(n, &n->av[0], &n->av[i], &cmp, &why) < 0)
			return lang_fail(c, why);
		if (!cmp) {
			put_bool(res, n->fn->iarg == -2);
			return 0;
		}
	}
	put_bool(res, unknown ? -1 : n->fn->iarg == -3);
	return 0;
}

static int o_not(struct lang_ctx *c, struct node *n, struct lang_val *res)
{
	int t = truth(&n->av[0]);

	(void)c;
	put_bool(res, t < 0 ? -1 : !t);
	return 0;
}

/* and/or: false and x is false, true or x is true, even if x is NULL. */
static int o_logic(struct lang_ctx *c, struct node *n, struct lang_val *res)
{
	int and = n->fn->iarg, a, b;

	if (lang_eval_node(c, n->args[0], &n->av[0]) < 0)
		return -1;
	a = truth(&n->av[0]);
	if (a == !and) {
		put_bool(res, a);
		return 0;
	}
	if (lang_eval_node(c, n->args[1], &n->av[1]) < 0)
		return -1;
	b = truth(&n->av[1]);
	if (b == !and)
		put_bool(res, b);
	else
		put_bool(res, a < 0 || b < 0 ? -1 : and);
	return 0;
}

/* case when c1 then v1 ... else v end, and if(c, a, b): the first true
 * condition's value; NULL counts as false. */
static int o_case(struct lang_ctx *c, struct node *n, struct lang_val *res)
{
	size_t i;

	for (i = 0; i + 1 < n->nargs; i += 2) {
		if (lang_eval_node(c, n->args[i], &n->av[i]) < 0)
			return -1;
		if (truth(&n->av[i]) == 1)
			return lang_eval_node(c, n->args[i + 1], res);
	}
	return lang_eval_node(c, n->args[n->nargs - 1], res);
}

/* Compile a literal pattern once, while parsing. */
static int prep_regex(struct lex *l, struct node *n, const struct lang_opts *o)
{
	struct node *p = n->args[1];
	int rc;

	(void)o;
	if (p->kind != N_LIT)
		return 0;
	n->re = emalloc(sizeof(*n->re));
	rc = regcomp(n->re, p->text, REG_EXTENDED | REG_NOSUB | (strchr(n->fn->name, '*') ? REG_ICASE : 0));
	if (rc) {
		char msg[256];

		regerror(rc, n->re, msg, sizeof(msg));
		free(n->re);
		n->re = NULL;
		l->tpos = p->pos;
		return lex_fail(l, "bad regular expression: %s", msg);
	}
	return 0;
}

static const struct lang_fn ops[] = {
	{ "+", 2, 2, T_ARITH, o_arith, NULL, '+', 0, "a + b", "sum" },
	{ "-", 2, 2, T_ARITH, o_arith, NULL, '-', 0, "a - b", "difference" },
	{ "*", 2, 2, T_ARITH, o_arith, NULL, '*', 0, "a * b", "product" },
	{ "/", 2, 2, T_ARITH, o_arith, NULL, '/', 0, "a / b", "quotient" },
	{ "%", 2, 2, T_ARITH, o_arith, NULL, '%', 0, "a % b", "remainder" },
	{ "neg", 1, 1, T_ARITH, o_neg, NULL, 0, 0, "-a", "negation" },
	{ "||", 2, 2, MIG_T_TEXT, o_cat, NULL, 0, 0, "a || b", "concatenation" },
	{ "=", 2, 2, MIG_T_BOOL, o_cmp, NULL, -1, 0, "a = b", "equal" },
	{ "<>", 2, 2, MIG_T_BOOL, o_cmp, NULL, -1, 0, "a <> b", "not equal" },
	{ "<", 2, 2, MIG_T_BOOL, o_cmp, NULL, -1, 0, "a < b", "less" },
	{ ">", 2, 2, MIG_T_BOOL, o_cmp, NULL, -1, 0, "a > b", "greater" },
	{ "<=", 2, 2, MIG_T_BOOL, o_cmp, NULL, -1, 0, "a <= b", "less or equal" },
	{ ">=", 2, 2, MIG_T_BOOL, o_cmp, NULL, -1, 0, "a >= b", "greater or equal" },
	{ "~", 2, 2, MIG_T_BOOL, o_cmp, prep_regex, 0, 0, "a ~ re", "matches" },
	{ "!~", 2, 2, MIG_T_BOOL, o_cmp, prep_regex, 0, 0, "a !~ re", "does not match" },
	{ "~*", 2, 2, MIG_T_BOOL, o_cmp, prep_regex, 0, 0, "a ~* re", "matches, any case" },
	{ "!~*", 2, 2, MIG_T_BOOL, o_cmp, prep_regex, 0, 0, "a !~* re", "does not match, any case" },
	{ "is null", 1, 1, MIG_T_BOOL, o_isnull, NULL, 0, 0, "a is null", "" },
	{ "is not null", 1, 1, MIG_T_BOOL, o_isnull, NULL, 1, 0, "a is not null", "" },
	{ "in", 2, 64, MIG_T_BOOL, o_in, NULL, -2, 0, "a in (b, ...)", "" },
	{ "not in", 2, 64, MIG_T_BOOL, o_in, NULL, -3, 0, "a not in (b, ...)", "" },
	{ "not", 1, 1, MIG_T_BOOL, o_not, NULL, 0, 0, "not a", "" },
	{ "and", 2, 2, MIG_T_BOOL, o_logic, NULL, 1, 1, "a and b", "" },
	{ "or", 2, 2, MIG_T_BOOL, o_logic, NULL, 0, 1, "a or b", "" },
	{ "case", 1, 129, T_SAME, o_case, NULL, 0, 2, "case when c then v ... [else v] end", "" },
};

/* The conditional function of the function table. */
int lang_if(struct lang_ctx *c, struct node *n, struct lang_val *res);
int lang_if(struct lang_ctx *c, struct node *n, struct lang_val *res)
{
	return o_case(c, n, res);
}

const struct lang_fn *lang_op(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!strcmp(ops[i].name, name))
			return &ops[i];
	die(MIG_EXIT_SYSTEM, "no operator '%s'", name);
}
