/*
 * expr.c - the rule lexer and exact number comparison; the language on
 * top of them is lang-*.c.
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
#include "banned.h"

/* Bytes that end a bare word. */
static int word_stop(const char *p)
{
	switch (*p) {
	case '\0': case ' ': case '\t': case '\n': case '\r': case '(': case ')':
	case ',': case '\'': case '"': case '=': case '!': case '<': case '>':
	case '~': case ';': case ':': case '+': case '*': case '/': case '%': case '|': case '-':
		return 1;
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

	if (l->err.len)
		return -1;
	va_start(ap, fmt);
	buf_vaddf(&l->err, fmt, ap);
	va_end(ap);
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
		/* fall through */
	case '+': case '*': case '/': case '%': case '|':
		if (*p == '|' && p[1] != '|') {
			buf_addc(&l->text, *p);
			l->tok = LX_ERR;
			lex_fail(l, "unexpected '|' (concatenation is '||')");
			return LX_ERR;
		}
		buf_add(&l->text, p, *p == '|' ? 2 : 1);
		l->pos += *p == '|' ? 2 : 1;
		l->op = *p == '+' ? OP_ADD : *p == '-' ? OP_SUB : *p == '*' ? OP_MUL : *p == '/' ? OP_DIV :
			*p == '%' ? OP_MOD : OP_CAT;
		return l->tok = LX_OP;
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
	if (isdigit((unsigned char)*p) || (*p == '.' && isdigit((unsigned char)p[1]))) {
		/* A number: its exponent's sign is not an operator. */
		while (isalnum((unsigned char)*p) || *p == '.' || ((*p == '-' || *p == '+') && (p[-1] == 'e' || p[-1] == 'E')))
			buf_addc(&l->text, *p++);
		l->pos = (size_t)(p - l->s);
		return l->tok = LX_WORD;
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
