/*
 * expr.c - rule lexer and predicates; see expr.h for the grammar.
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "expr.h"
#include "util.h"

/* Bytes that end a bare word. */
static int word_stop(const char *p)
{
	switch (*p) {
	case '\0': case ' ': case '\t': case '\n': case '\r': case '(': case ')':
	case ',': case '\'': case '"': case '=': case '!': case '<': case '>':
	case '~': case ';': case ':':
		return 1;
	case '-':
		return p[1] == '>';
	default:
		return 0;
	}
}

void lex_init(struct lex *l, const char *s)
{
	memset(l, 0, sizeof(*l));
	l->s = s;
	buf_init(&l->text);
	buf_init(&l->err);
	lex_next(l);
}

void lex_release(struct lex *l)
{
	buf_release(&l->text);
	buf_release(&l->err);
}

int lex_fail(struct lex *l, const char *fmt, ...)
{
	va_list ap;
	char tmp[512];

	if (l->err.len)
		return -1;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	buf_adds(&l->err, tmp);
	l->errpos = l->tpos;
	return -1;
}

const char *lex_error(const struct lex *l)
{
	return l->err.buf;
}

size_t lex_errpos(const struct lex *l)
{
	return l->errpos;
}

const char *lex_what(const struct lex *l)
{
	switch (l->tok) {
	case LX_EOF:
		return "end of rule";
	case LX_ERR:
		return "bad token";
	default:
		return l->text.buf;
	}
}

static enum lex_tok quoted(struct lex *l, char q)
{
	const char *p = l->s + l->pos + 1;

	for (;;) {
		if (!*p) {
			l->tok = LX_ERR;
			lex_fail(l, "unterminated %s", q == '\'' ? "string" : "quoted name");
			return LX_ERR;
		}
		if (*p == q) {
			if (p[1] != q)
				break;
			p++;
		}
		buf_addc(&l->text, *p++);
	}
	l->pos = (size_t)(p + 1 - l->s);
	return l->tok = q == '\'' ? LX_STR : LX_QID;
}

enum lex_tok lex_next(struct lex *l)
{
	const char *p;

	while (isspace((unsigned char)l->s[l->pos]))
		l->pos++;
	p = l->s + l->pos;
	l->tpos = l->pos + 1;
	buf_reset(&l->text);
	if (!*p)
		return l->tok = LX_EOF;
	switch (*p) {
	case '(': buf_addc(&l->text, '('); l->pos++; return l->tok = LX_LP;
	case ')': buf_addc(&l->text, ')'); l->pos++; return l->tok = LX_RP;
	case ',': buf_addc(&l->text, ','); l->pos++; return l->tok = LX_COMMA;
	case ';': buf_addc(&l->text, ';'); l->pos++; return l->tok = LX_SEMI;
	case ':': buf_addc(&l->text, ':'); l->pos++; return l->tok = LX_COLON;
	case '\'':
	case '"':
		return quoted(l, *p);
	case '-':
		if (p[1] == '>') {
			buf_adds(&l->text, "->");
			l->pos += 2;
			return l->tok = LX_ARROW;
		}
		break;
	case '=': case '!': case '<': case '>': case '~': {
		static const struct { const char *s; enum expr_op op; } ops[] = {
			{ "!~*", OP_NREI }, { "!~", OP_NRE }, { "~*", OP_REI }, { "~", OP_RE },
			{ "!=", OP_NE }, { "<>", OP_NE }, { "<=", OP_LE }, { ">=", OP_GE },
			{ "<", OP_LT }, { ">", OP_GT }, { "==", OP_EQ }, { "=", OP_EQ },
		};
		size_t i, n;

		for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
			n = strlen(ops[i].s);
			if (!strncmp(p, ops[i].s, n)) {
				buf_add(&l->text, p, n);
				l->pos += n;
				l->op = ops[i].op;
				return l->tok = LX_OP;
			}
		}
		buf_addc(&l->text, *p);
		l->tok = LX_ERR;
		lex_fail(l, "unexpected '%c'", *p);
		return LX_ERR;
	}
	default:
		break;
	}
	while (!word_stop(p))
		buf_addc(&l->text, *p++);
	l->pos = (size_t)(p - l->s);
	return l->tok = LX_WORD;
}

int lex_is(const struct lex *l, const char *kw)
{
	return l->tok == LX_WORD && !strcasecmp(l->text.buf, kw);
}

int lex_is_name(const struct lex *l)
{
	return l->tok == LX_WORD || l->tok == LX_QID;
}

/* Predicates. */

enum pkind { P_AND, P_OR, P_NOT, P_CONST, P_CMP, P_IN, P_NULL };

struct lit {
	char *s;
	size_t len;
};

struct pred {
	enum pkind kind;
	struct pred *a, *b;
	int val;		/* P_CONST; P_IN and P_NULL: negated */
	char *col;
	size_t colpos;
	int idx;
	int numeric;
	enum expr_op op;
	struct lit *lits;
	size_t nlits;
	regex_t re;
	int has_re;
};

static struct pred *pnew(enum pkind k)
{
	struct pred *p = ecalloc(1, sizeof(*p));

	p->kind = k;
	p->idx = -1;
	return p;
}

void pred_free(struct pred *p)
{
	size_t i;

	if (!p)
		return;
	pred_free(p->a);
	pred_free(p->b);
	free(p->col);
	for (i = 0; i < p->nlits; i++)
		free(p->lits[i].s);
	free(p->lits);
	if (p->has_re)
		regfree(&p->re);
	free(p);
}

static int is_value(const struct lex *l)
{
	return l->tok == LX_WORD || l->tok == LX_STR || l->tok == LX_QID;
}

static void add_lit(struct pred *p, const struct lex *l)
{
	p->lits = ereallocarray(p->lits, p->nlits + 1, sizeof(*p->lits));
	p->lits[p->nlits].s = estrndup(l->text.buf, l->text.len);
	p->lits[p->nlits++].len = l->text.len;
}

static struct pred *parse_or(struct lex *l);

static struct pred *parse_test(struct lex *l)
{
	struct pred *p;
	char *col;
	size_t colpos;

	if (lex_is(l, "true") || lex_is(l, "false")) {
		p = pnew(P_CONST);
		p->val = lex_is(l, "true");
		lex_next(l);
		return p;
	}
	if (!lex_is_name(l)) {
		lex_fail(l, "expected a column name, found '%s'", lex_what(l));
		return NULL;
	}
	col = estrdup(l->text.buf);
	colpos = l->tpos;
	lex_next(l);
	if (l->tok == LX_OP) {
		p = pnew(P_CMP);
		p->op = l->op;
		lex_next(l);
		if (!is_value(l)) {
			free(col);
			free(p);
			lex_fail(l, "expected a value, found '%s'", lex_what(l));
			return NULL;
		}
		add_lit(p, l);
		if (p->op >= OP_RE) {
			int flags = REG_EXTENDED | REG_NOSUB, rc;

			if (p->op == OP_REI || p->op == OP_NREI)
				flags |= REG_ICASE;
			if ((rc = regcomp(&p->re, p->lits[0].s, flags)) != 0) {
				char msg[256];

				regerror(rc, &p->re, msg, sizeof(msg));
				free(col);
				pred_free(p);
				lex_fail(l, "bad regular expression: %s", msg);
				return NULL;
			}
			p->has_re = 1;
		}
		lex_next(l);
	} else if (lex_is(l, "in") || lex_is(l, "not")) {
		p = pnew(P_IN);
		if (lex_is(l, "not")) {
			p->val = 1;
			lex_next(l);
			if (!lex_is(l, "in")) {
				free(col);
				free(p);
				lex_fail(l, "expected 'in' after 'not', found '%s'", lex_what(l));
				return NULL;
			}
		}
		if (lex_next(l) != LX_LP) {
			free(col);
			free(p);
			lex_fail(l, "expected '(' after 'in', found '%s'", lex_what(l));
			return NULL;
		}
		for (;;) {
			lex_next(l);
			if (!is_value(l)) {
				free(col);
				pred_free(p);
				lex_fail(l, "expected a value in the list, found '%s'", lex_what(l));
				return NULL;
			}
			add_lit(p, l);
			lex_next(l);
			if (l->tok == LX_RP)
				break;
			if (l->tok != LX_COMMA) {
				free(col);
				pred_free(p);
				lex_fail(l, "expected ',' or ')' in the list, found '%s'", lex_what(l));
				return NULL;
			}
		}
		lex_next(l);
	} else if (lex_is(l, "is")) {
		p = pnew(P_NULL);
		lex_next(l);
		if (lex_is(l, "not")) {
			p->val = 1;
			lex_next(l);
		}
		if (!lex_is(l, "null")) {
			free(col);
			free(p);
			lex_fail(l, "expected 'null' after 'is', found '%s'", lex_what(l));
			return NULL;
		}
		lex_next(l);
	} else {
		lex_fail(l, "expected an operator after '%s', found '%s'", col, lex_what(l));
		free(col);
		return NULL;
	}
	p->col = col;
	p->colpos = colpos;
	return p;
}

static struct pred *parse_factor(struct lex *l)
{
	struct pred *p, *q;

	if (lex_is(l, "not")) {
		lex_next(l);
		if (!(q = parse_factor(l)))
			return NULL;
		p = pnew(P_NOT);
		p->a = q;
		return p;
	}
	if (l->tok == LX_LP) {
		lex_next(l);
		if (!(p = parse_or(l)))
			return NULL;
		if (l->tok != LX_RP) {
			pred_free(p);
			lex_fail(l, "expected ')', found '%s'", lex_what(l));
			return NULL;
		}
		lex_next(l);
		return p;
	}
	return parse_test(l);
}

static struct pred *parse_bin(struct lex *l, int isor)
{
	struct pred *p, *q, *n;

	p = isor ? parse_bin(l, 0) : parse_factor(l);
	while (p && lex_is(l, isor ? "or" : "and")) {
		lex_next(l);
		q = isor ? parse_bin(l, 0) : parse_factor(l);
		if (!q) {
			pred_free(p);
			return NULL;
		}
		n = pnew(isor ? P_OR : P_AND);
		n->a = p;
		n->b = q;
		p = n;
	}
	return p;
}

static struct pred *parse_or(struct lex *l)
{
	return parse_bin(l, 1);
}

struct pred *pred_parse(struct lex *l)
{
	if (l->tok == LX_ERR)
		return NULL;
	return parse_or(l);
}

static int is_numeric_type(enum mig_type t)
{
	return t == MIG_T_INT || t == MIG_T_FLOAT || t == MIG_T_NUMERIC;
}

int pred_bind(struct pred *p, const struct mig_header *h, struct buf *err)
{
	size_t i;
	int cmp;

	if (!p)
		return 0;
	if (pred_bind(p->a, h, err) < 0 || pred_bind(p->b, h, err) < 0)
		return -1;
	if (!p->col)
		return 0;
	p->idx = mig_header_find(h, p->col);
	if (p->idx < 0) {
		buf_addf(err, "unknown column '%s'", p->col);
		return -1;
	}
	p->numeric = is_numeric_type(h->types[p->idx]) && p->kind != P_NULL && !p->has_re;
	if (p->numeric)
		for (i = 0; i < p->nlits; i++)
			if (num_compare(p->lits[i].s, p->lits[i].len, "0", 1, &cmp) < 0) {
				buf_addf(err, "'%s' is not a number, for %s column '%s'", p->lits[i].s,
					 mig_type_name(h->types[p->idx]), p->col);
				return -1;
			}
	return 0;
}

enum { F = 0, T = 1, U = 2 };

static int compare(const struct pred *p, const struct mig_field *v, const struct lit *lit, int *cmp)
{
	size_t n;
	int c;

	if (p->numeric)
		return num_compare(v->val, v->len, lit->s, lit->len, cmp);
	n = v->len < lit->len ? v->len : lit->len;
	c = memcmp(v->val, lit->s, n);
	if (!c)
		c = v->len < lit->len ? -1 : v->len > lit->len;
	*cmp = c < 0 ? -1 : c > 0;
	return 0;
}

static int eval(const struct pred *p, const struct mig_field *f)
{
	const struct mig_field *v;
	int a, b, c;
	size_t i;

	switch (p->kind) {
	case P_CONST:
		return p->val;
	case P_NOT:
		a = eval(p->a, f);
		return a == U ? U : !a;
	case P_AND:
		a = eval(p->a, f);
		if (a == F)
			return F;
		b = eval(p->b, f);
		return b == F ? F : (a == U || b == U) ? U : T;
	case P_OR:
		a = eval(p->a, f);
		if (a == T)
			return T;
		b = eval(p->b, f);
		return b == T ? T : (a == U || b == U) ? U : F;
	case P_NULL:
		return f[p->idx].null ? !p->val : p->val;
	case P_IN:
		v = &f[p->idx];
		if (v->null)
			return U;
		for (i = 0; i < p->nlits; i++)
			if (compare(p, v, &p->lits[i], &c) == 0 && c == 0)
				return !p->val;
		return p->val;
	case P_CMP:
		v = &f[p->idx];
		if (v->null)
			return U;
		if (p->has_re) {
			a = regexec(&p->re, v->val, 0, NULL, 0) == 0;
			return (p->op == OP_NRE || p->op == OP_NREI) ? !a : a;
		}
		if (compare(p, v, &p->lits[0], &c) < 0)
			return U;
		switch (p->op) {
		case OP_EQ: return c == 0;
		case OP_NE: return c != 0;
		case OP_LT: return c < 0;
		case OP_GT: return c > 0;
		case OP_LE: return c <= 0;
		case OP_GE: return c >= 0;
		default: return U;
		}
	}
	return U;
}

int pred_match(const struct pred *p, const struct mig_field *f)
{
	return eval(p, f) == T;
}

void pred_columns(const struct pred *p, void (*fn)(const char *name, int idx, void *arg), void *arg)
{
	if (!p)
		return;
	pred_columns(p->a, fn, arg);
	pred_columns(p->b, fn, arg);
	if (p->col)
		fn(p->col, p->idx, arg);
}

/* Numbers. */

struct dec {
	int neg;
	const char *ip, *fp;	/* integer digits without leading zeros, fraction digits */
	size_t in, fn;		/* fraction without trailing zeros */
};

/* A plain decimal: [-+]digits[.digits] or [-+].digits. */
static int plain_decimal(const char *s, size_t n, struct dec *d)
{
	const char *e = s + n, *p = s;

	d->neg = 0;
	if (p < e && (*p == '-' || *p == '+'))
		d->neg = *p++ == '-';
	d->ip = p;
	while (p < e && isdigit((unsigned char)*p))
		p++;
	d->in = (size_t)(p - d->ip);
	d->fp = p;
	d->fn = 0;
	if (p < e && *p == '.') {
		d->fp = ++p;
		while (p < e && isdigit((unsigned char)*p))
			p++;
		d->fn = (size_t)(p - d->fp);
	}
	if (p != e || d->in + d->fn == 0)
		return -1;
	while (d->in && *d->ip == '0')
		d->ip++, d->in--;
	while (d->fn && d->fp[d->fn - 1] == '0')
		d->fn--;
	if (!d->in && !d->fn)
		d->neg = 0;
	return 0;
}

static int mag_compare(const struct dec *a, const struct dec *b)
{
	size_t i, n;
	int c;

	if (a->in != b->in)
		return a->in < b->in ? -1 : 1;
	if ((c = memcmp(a->ip, b->ip, a->in)))
		return c < 0 ? -1 : 1;
	n = a->fn < b->fn ? a->fn : b->fn;
	for (i = 0; i < n; i++)
		if (a->fp[i] != b->fp[i])
			return a->fp[i] < b->fp[i] ? -1 : 1;
	return a->fn == b->fn ? 0 : a->fn < b->fn ? -1 : 1;
}

static int to_double(const char *s, size_t n, double *out)
{
	char tmp[64], *end;

	if (n == 0 || n >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (!strcmp(tmp, "NaN")) {
		*out = NAN;
		return 0;
	}
	if (!strcmp(tmp, "Infinity") || !strcmp(tmp, "-Infinity")) {
		*out = tmp[0] == '-' ? -INFINITY : INFINITY;
		return 0;
	}
	if (!isdigit((unsigned char)tmp[0]) && tmp[0] != '-' && tmp[0] != '+' && tmp[0] != '.')
		return -1;
	*out = strtod(tmp, &end);
	return *end ? -1 : 0;
}

int num_compare(const char *a, size_t alen, const char *b, size_t blen, int *cmp)
{
	struct dec x, y;
	double dx, dy;
	int c;

	if (plain_decimal(a, alen, &x) == 0 && plain_decimal(b, blen, &y) == 0) {
		if (x.neg != y.neg) {
			*cmp = x.neg ? -1 : 1;
			return 0;
		}
		c = mag_compare(&x, &y);
		*cmp = x.neg ? -c : c;
		return 0;
	}
	if (to_double(a, alen, &dx) < 0 || to_double(b, blen, &dy) < 0)
		return -1;
	/* PostgreSQL orders NaN above every other value and equal to itself. */
	if (isnan(dx) || isnan(dy))
		*cmp = isnan(dx) && isnan(dy) ? 0 : isnan(dx) ? 1 : -1;
	else
		*cmp = dx < dy ? -1 : dx > dy;
	return 0;
}
