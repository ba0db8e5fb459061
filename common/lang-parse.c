/*
 * lang-parse.c - the rule language's parser and binder; the grammar is in
 * mig-rules(7), the contract in lang.h.
 *
 * The nodes themselves (made, freed, a constant argument taken back) are
 * lang-node.c's, below both this parser and the function table.
 *
 * Precedence, loosest first: or; and; not; comparisons (= <> < > <= >=
 * ~ !~ ~* !~*, is [not] null, [not] in (...)); + - ||; * / %; unary -.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lang-int.h"
#include "util.h"
#include "banned.h"

static struct node *parse_or(struct lex *l, const struct lang_opts *o);

int is_number_word(const char *s)
{
	if (*s == '-' || *s == '+')
		s++;
	return (*s >= '0' && *s <= '9') || (*s == '.' && s[1] >= '0' && s[1] <= '9');
}

/* A call of row fn with the given arguments, prepared. */
static struct node *call(struct lex *l, const struct lang_fn *fn, size_t pos, struct node **args, size_t nargs,
			 const struct lang_opts *o)
{
	struct node *n = lang_node_new(N_FN, pos);

	n->fn = fn;
	n->text = estrdup(fn->name);
	n->args = args;
	n->nargs = nargs;
	n->av = ecalloc(nargs ? nargs : 1, sizeof(*n->av));
	if (nargs < (size_t)fn->min || nargs > (size_t)fn->max) {
		l->tpos = pos;
		if (fn->min == fn->max)
			lex_fail(l, "%s() takes %d argument%s", fn->name, fn->min, fn->min == 1 ? "" : "s");
		else if (fn->max >= 64)
			lex_fail(l, "%s() takes at least %d argument%s", fn->name, fn->min, fn->min == 1 ? "" : "s");
		else
			lex_fail(l, "%s() takes %d to %d arguments", fn->name, fn->min, fn->max);
		lang_node_free(n);
		return NULL;
	}
	if (fn->prepare && fn->prepare(l, n, o) < 0) {
		lang_node_free(n);
		return NULL;
	}
	return n;
}

static struct node *op2(struct lex *l, const char *name, size_t pos, struct node *a, struct node *b,
			const struct lang_opts *o)
{
	struct node **args = emalloc(2 * sizeof(*args));

	args[0] = a;
	args[1] = b;
	return call(l, lang_op(name), pos, args, b ? 2 : 1, o);
}

static const char *near_fn(const char *name)
{
	const char **names = emalloc(lang_nfns * sizeof(*names));
	const char *best;
	size_t i;

	for (i = 0; i < lang_nfns; i++)
		names[i] = lang_fns[i].name;
	best = lang_near(name, names, lang_nfns);
	free(names);
	return best;
}

static struct node *parse_case(struct lex *l, const struct lang_opts *o, size_t pos)
{
	struct node **args = NULL, *a;
	size_t n = 0, i;
	int ok = 1, els = 0;

	lex_next(l);
	if (!lex_is(l, "when")) {
		lex_fail(l, "expected 'when' after 'case', found '%s'", lex_what(l));
		return NULL;
	}
	while (ok && (lex_is(l, "when") || lex_is(l, "else"))) {
		int w = lex_is(l, "when");

		lex_next(l);
		if (!(a = parse_or(l, o))) {
			ok = 0;
			break;
		}
		args = ereallocarray(args, n + 1, sizeof(*args));
		args[n++] = a;
		if (!w) {
			els = 1;
			break;
		}
		if (!lex_is(l, "then")) {
			lex_fail(l, "expected 'then', found '%s'", lex_what(l));
			ok = 0;
			break;
		}
		lex_next(l);
		if (!(a = parse_or(l, o))) {
			ok = 0;
			break;
		}
		args = ereallocarray(args, n + 1, sizeof(*args));
		args[n++] = a;
	}
	if (ok && !lex_is(l, "end")) {
		lex_fail(l, "expected 'when', 'else' or 'end' in a case, found '%s'", lex_what(l));
		ok = 0;
	}
	if (!ok) {
		for (i = 0; i < n; i++)
			lang_node_free(args[i]);
		free(args);
		return NULL;
	}
	lex_next(l);
	if (!els) {
		/* No else: NULL, as in SQL. */
		args = ereallocarray(args, n + 1, sizeof(*args));
		args[n] = lang_node_new(N_NULL, pos);
		args[n++]->type = T_NULL;
	}
	return call(l, lang_op("case"), pos, args, n, o);
}

/* Inside a call or a case a lone column is a value, even in a predicate. */
static const struct lang_opts *value_opts(const struct lang_opts *o, struct lang_opts *sub)
{
	*sub = *o;
	sub->predicate = 0;
	return sub;
}

static struct node *parse_primary(struct lex *l, const struct lang_opts *o)
{
	struct lang_opts sub;
	struct node *n;
	size_t pos = l->tpos;

	if (l->tok == LX_LP) {
		lex_next(l);
		if (!(n = parse_or(l, o)))
			return NULL;
		if (l->tok != LX_RP) {
			lex_fail(l, "expected ')', found '%s'", lex_what(l));
			lang_node_free(n);
			return NULL;
		}
		lex_next(l);
		return n;
	}
	if (l->tok == LX_STR) {
		n = lang_node_new(N_LIT, pos);
		n->type = MIG_T_TEXT;
		n->text = estrndup(l->text.buf, l->text.len);
		n->len = l->text.len;
		lex_next(l);
		return n;
	}
	if (l->tok == LX_QID) {
		n = lang_node_new(N_COL, pos);
		n->text = estrdup(l->text.buf);
		lex_next(l);
		return n;
	}
	if (l->tok != LX_WORD) {
		lex_fail(l, "expected a value, a column or a function, found '%s'", lex_what(l));
		return NULL;
	}
	if (lex_is(l, "null")) {
		n = lang_node_new(N_NULL, pos);
		n->type = T_NULL;
		lex_next(l);
		return n;
	}
	if (lex_is(l, "true") || lex_is(l, "false")) {
		n = lang_node_new(N_LIT, pos);
		n->type = MIG_T_BOOL;
		n->text = estrdup(lex_is(l, "true") ? "t" : "f");
		n->len = 1;
		lex_next(l);
		return n;
	}
	if (lex_is(l, "case"))
		return parse_case(l, value_opts(o, &sub), pos);
	if (is_number_word(l->text.buf)) {
		int cmp;

		if (num_compare(l->text.buf, l->text.len, "0", 1, &cmp) < 0) {
			lex_fail(l, "'%s' is not a number (quote text: '...')", l->text.buf);
			return NULL;
		}
		n = lang_node_new(N_LIT, pos);
		n->type = strpbrk(l->text.buf, ".eE") ? MIG_T_NUMERIC : MIG_T_INT;
		n->text = estrndup(l->text.buf, l->text.len);
		n->len = l->text.len;
		lex_next(l);
		return n;
	}
	n = lang_node_new(N_COL, pos);
	n->text = estrdup(l->text.buf);
	lex_next(l);
	if (l->tok != LX_LP) {
		n->bare = 1;
		return n;
	}
	{
		const struct lang_fn *fn = lang_fn_find(n->text);
		struct node **args = NULL;
		size_t nargs = 0, i;

		if (!fn) {
			const char *near = near_fn(n->text);

			l->tpos = pos;
			if (near)
				lex_fail(l, "unknown function '%s' (did you mean %s()?)", n->text, near);
			else
				lex_fail(l, "unknown function '%s' (mig-map --functions lists them)", n->text);
			lang_node_free(n);
			return NULL;
		}
		lang_node_free(n);
		lex_next(l);
		if (l->tok != LX_RP) {
			for (;;) {
				struct node *a = parse_or(l, value_opts(o, &sub));

				if (!a)
					goto fail;
				args = ereallocarray(args, nargs + 1, sizeof(*args));
				args[nargs++] = a;
				if (l->tok == LX_RP)
					break;
				if (l->tok != LX_COMMA) {
					lex_fail(l, "expected ',' or ')' after an argument of %s(), found '%s'", fn->name,
						 lex_what(l));
					goto fail;
				}
				lex_next(l);
			}
		}
		lex_next(l);
		return call(l, fn, pos, args, nargs, o);
fail:
		for (i = 0; i < nargs; i++)
			lang_node_free(args[i]);
		free(args);
		return NULL;
	}
}

static struct node *parse_unary(struct lex *l, const struct lang_opts *o)
{
	size_t pos = l->tpos;
	struct node *a;

	if (l->tok == LX_OP && (l->op == OP_SUB || l->op == OP_ADD)) {
		int neg = l->op == OP_SUB;

		lex_next(l);
		if (!(a = parse_unary(l, o)))
			return NULL;
		if (!neg)
			return a;
		if (a->kind == N_LIT && (a->type == MIG_T_INT || a->type == MIG_T_NUMERIC) && a->text[0] != '-') {
			/* -5 is a literal, so that it can be a constant argument. */
			char *t = emalloc(a->len + 2);

			t[0] = '-';
			memcpy(t + 1, a->text, a->len + 1);
			free(a->text);
			a->text = t;
			a->len++;
			a->pos = pos;
			return a;
		}
		return op2(l, "neg", pos, a, NULL, o);
	}
	return parse_primary(l, o);
}

static struct node *parse_binary(struct lex *l, const struct lang_opts *o, int level)
{
	struct node *a, *b;

	if (!(a = level ? parse_unary(l, o) : parse_binary(l, o, 1)))
		return NULL;
	while (l->tok == LX_OP) {
		static const char *const names[] = { "+", "-", "*", "/", "%", "||" };
		enum expr_op op = l->op;
		size_t pos = l->tpos;

		if (level ? op != OP_MUL && op != OP_DIV && op != OP_MOD : op != OP_ADD && op != OP_SUB && op != OP_CAT)
			break;
		lex_next(l);
		if (!(b = level ? parse_unary(l, o) : parse_binary(l, o, 1))) {
			lang_node_free(a);
			return NULL;
		}
		if (!(a = op2(l, names[op - OP_ADD], pos, a, b, o)))
			return NULL;
	}
	return a;
}

static struct node *parse_in(struct lex *l, const struct lang_opts *o, struct node *a, int neg, size_t pos)
{
	struct node **args = emalloc(sizeof(*args));
	size_t n = 1, i;

	args[0] = a;
	lex_next(l);
	if (l->tok != LX_LP) {
		lex_fail(l, "expected '(' after 'in', found '%s'", lex_what(l));
		goto fail;
	}
	do {
		struct node *v;

		lex_next(l);
		if (!(v = parse_binary(l, o, 0)))
			goto fail;
		v->word_ok = 1;
		args = ereallocarray(args, n + 1, sizeof(*args));
		args[n++] = v;
	} while (l->tok == LX_COMMA);
	if (l->tok != LX_RP) {
		lex_fail(l, "expected ',' or ')' in the list, found '%s'", lex_what(l));
		goto fail;
	}
	lex_next(l);
	return call(l, lang_op(neg ? "not in" : "in"), pos, args, n, o);
fail:
	for (i = 0; i < n; i++)
		lang_node_free(args[i]);
	free(args);
	return NULL;
}

static struct node *parse_cmp(struct lex *l, const struct lang_opts *o)
{
	static const char *const names[] = { "=", "<>", "<", ">", "<=", ">=", "~", "!~", "~*", "!~*" };
	struct node *a, *b;
	size_t pos;

	if (!(a = parse_binary(l, o, 0)))
		return NULL;
	pos = l->tpos;
	if (l->tok == LX_OP && l->op <= OP_NREI) {
		enum expr_op op = l->op;

		lex_next(l);
		if (!(b = parse_binary(l, o, 0))) {
			lang_node_free(a);
			return NULL;
		}
		b->word_ok = 1;
		return op2(l, names[op], pos, a, b, o);
	}
	if (lex_is(l, "is")) {
		int neg = 0;

		lex_next(l);
		if (lex_is(l, "not")) {
			neg = 1;
			lex_next(l);
		}
		if (!lex_is(l, "null")) {
			lex_fail(l, "expected 'null' after 'is', found '%s'", lex_what(l));
			lang_node_free(a);
			return NULL;
		}
		lex_next(l);
		return op2(l, neg ? "is not null" : "is null", pos, a, NULL, o);
	}
	if (lex_is(l, "in"))
		return parse_in(l, o, a, 0, pos);
	if (lex_is(l, "not")) {
		lex_next(l);
		if (!lex_is(l, "in")) {
			lex_fail(l, "expected 'in' after 'not', found '%s'", lex_what(l));
			lang_node_free(a);
			return NULL;
		}
		return parse_in(l, o, a, 1, pos);
	}
	if (o->predicate && a->kind == N_COL) {
		lex_fail(l, "expected an operator after '%s', found '%s'", a->text, lex_what(l));
		lang_node_free(a);
		return NULL;
	}
	return a;
}

static struct node *parse_not(struct lex *l, const struct lang_opts *o)
{
	size_t pos = l->tpos;
	struct node *a;

	if (!lex_is(l, "not"))
		return parse_cmp(l, o);
	lex_next(l);
	if (!(a = parse_not(l, o)))
		return NULL;
	return op2(l, "not", pos, a, NULL, o);
}

static struct node *parse_logic(struct lex *l, const struct lang_opts *o, int and)
{
	struct node *a, *b;

	if (!(a = and ? parse_not(l, o) : parse_logic(l, o, 1)))
		return NULL;
	while (lex_is(l, and ? "and" : "or")) {
		size_t pos = l->tpos;

		lex_next(l);
		if (!(b = and ? parse_not(l, o) : parse_logic(l, o, 1))) {
			lang_node_free(a);
			return NULL;
		}
		if (!(a = op2(l, and ? "and" : "or", pos, a, b, o)))
			return NULL;
	}
	return a;
}

static struct node *parse_or(struct lex *l, const struct lang_opts *o)
{
	return parse_logic(l, o, 0);
}

struct lang_expr *lang_parse(struct lex *l, const struct lang_opts *o)
{
	if (l->tok == LX_ERR)
		return NULL;
	return (struct lang_expr *)parse_or(l, o);
}

/* Binding. */

struct binder {
	lang_resolve *resolve;
	void *arg;
	struct buf *err;
};

/* A literal, or a bare word taken as text. */
static int is_lit(const struct node *n)
{
	return n->kind == N_LIT || (n->kind == N_COL && n->slot == -2);
}

static int is_num(int t)
{
	return t == MIG_T_INT || t == MIG_T_FLOAT || t == MIG_T_NUMERIC;
}

static int bind_fail(struct binder *b, const char *fmt, const char *a, const char *c)
{
	buf_reset(b->err);
	buf_addf(b->err, fmt, a, c);
	return -1;
}

static int bind_node(struct node *n, struct binder *b, int *type)
{
	size_t i;
	int t, k;
	enum mig_type ct;

	switch (n->kind) {
	case N_LIT:
	case N_NULL:
		*type = n->type;
		return 0;
	case N_COL:
		if ((k = b->resolve(n->text, b->arg, &ct)) < 0 && n->word_ok) {
			/* role = DOCTOR: no column DOCTOR, so the word itself. */
			n->slot = -2;
			n->type = MIG_T_TEXT;
			*type = MIG_T_TEXT;
			return 0;
		}
		if (k < 0) {
			if (!b->err->len)
				bind_fail(b, "unknown column '%s'", n->text, NULL);
			return -1;
		}
		n->slot = k;
		n->type = (int)ct;
		*type = (int)ct;
		return 0;
	case N_FN:
		break;
	}
	{
		int at[2] = { T_NULL, T_NULL };

		t = T_NULL;
		for (i = 0; i < n->nargs; i++) {
			if (bind_node(n->args[i], b, &k) < 0)
				return -1;
			if (i < 2)
				at[i] = k;
			if (n->fn->type == T_SAME && (n->fn->lazy != 2 || i % 2 || i == n->nargs - 1)) {
				if (t == T_NULL)
					t = k;
				else if (is_num(t) && is_num(k) && k != t)
					t = MIG_T_NUMERIC;
			}
			if (n->fn->type == T_ARITH)
				t = (t == T_NULL || t == MIG_T_INT) && (k == T_NULL || k == MIG_T_INT) ? MIG_T_INT :
													   MIG_T_NUMERIC;
		}
		for (i = 0; i < n->npieces; i++)
			if (n->pieces[i].col) {
				if ((k = b->resolve(n->pieces[i].col, b->arg, &ct)) < 0) {
					if (!b->err->len)
						bind_fail(b, "unknown column '%s' in the email pattern", n->pieces[i].col,
							  NULL);
					return -1;
				}
				n->pieces[i].slot = k;
			}
		/* A comparison is numeric when a side is a number, unless that
		 * side is only a literal facing a text column; "in" when its
		 * left side is a number. */
		if (n->fn->iarg == -1) {
			struct node *x = n->args[0], *y = n->args[1];

			n->numeric = (is_num(at[0]) && (!is_lit(x) || !(!is_lit(y) && at[1] == MIG_T_TEXT))) ||
				     (is_num(at[1]) && (!is_lit(y) || !(!is_lit(x) && at[0] == MIG_T_TEXT)));
		} else if (n->fn->iarg <= -2) {
			n->numeric = is_num(at[0]);
		}
		for (i = 0; n->numeric && i < n->nargs; i++) {
			struct node *lit = n->args[i], *col = n->args[i ? 0 : 1];
			int cmp;

			if (is_lit(lit) && num_compare(lit->text, strlen(lit->text), "0", 1, &cmp) < 0)
				return bind_fail(b, "'%s' is not a number, for numeric column '%s'", lit->text,
						 col->kind == N_COL ? col->text : "value");
		}
		if (n->fn->type == T_CAST)
			*type = n->iarg;
		else if (n->fn->type == T_SAME || n->fn->type == T_ARITH)
			*type = t == T_NULL && n->fn->type == T_ARITH ? MIG_T_INT : t;
		else
			*type = n->fn->type;
		n->type = *type;
		return 0;
	}
}

static void set_bytes_eq(struct node *n)
{
	size_t i;

	n->bytes_eq = n->kind == N_FN && !n->numeric && n->nargs >= 2 && n->args[0]->kind == N_COL &&
		      n->args[0]->slot >= 0 && (!strcmp(n->fn->name, "=") || !strcmp(n->fn->name, "in"));
	for (i = 1; n->bytes_eq && i < n->nargs; i++)
		n->bytes_eq = n->args[i]->kind == N_LIT;
}

int lang_bind(struct lang_expr *e, lang_resolve *resolve, void *arg, enum mig_type *type, struct buf *err)
{
	struct binder b = { resolve, arg, err };
	int t;

	buf_reset(err);
	if (bind_node((struct node *)e, &b, &t) < 0)
		return -1;
	*type = t >= MIG_T_COUNT ? MIG_T_TEXT : (enum mig_type)t;
	set_bytes_eq((struct node *)e);
	return 0;
}

static void columns(const struct node *n, void (*fn)(const char *, int, void *), void *arg)
{
	size_t i;

	if (n->kind == N_COL)
		fn(n->text, n->slot, arg);
	for (i = 0; i < n->nargs; i++)
		columns(n->args[i], fn, arg);
	for (i = 0; i < n->npieces; i++)
		if (n->pieces[i].col)
			fn(n->pieces[i].col, n->pieces[i].slot, arg);
}

void lang_columns(const struct lang_expr *e, void (*fn)(const char *name, int slot, void *arg), void *arg)
{
	columns((const struct node *)e, fn, arg);
}

struct slots_read {
	int *slots;
	size_t *n, limit;
};

static void slot_read(const char *name, int slot, void *arg)
{
	struct slots_read *sr = arg;
	size_t i;

	(void)name;
	if (slot < 0 || (size_t)slot >= sr->limit)
		return;
	for (i = 0; i < *sr->n; i++)
		if (sr->slots[i] == slot)
			return;
	sr->slots[(*sr->n)++] = slot;
}

void lang_slots_read(const struct lang_expr *e, int *slots, size_t *n, size_t limit)
{
	struct slots_read sr = { slots, n, limit };

	columns((const struct node *)e, slot_read, &sr);
}

int lang_is_null(const struct lang_expr *e)
{
	return ((const struct node *)e)->kind == N_NULL;
}

int lang_constant(const struct lang_expr *e, struct lang_val *v)
{
	const struct node *n = (const struct node *)e;

	if (n->kind != N_LIT)
		return 0;
	*v = (struct lang_val){ n->text, n->len, 0 };
	return 1;
}

const char *lang_top_name(const struct lang_expr *e)
{
	const struct node *n = (const struct node *)e;

	return n->kind == N_FN ? n->fn->name : "value";
}

int lang_top_arg(const struct lang_expr *e, struct lang_val *v)
{
	const struct node *n = (const struct node *)e;

	if (n->kind != N_FN || !n->nargs || n->args[0]->kind == N_FN)
		return 0;
	*v = n->av[0];
	return 1;
}

size_t lang_pos(const struct lang_expr *e)
{
	return ((const struct node *)e)->pos;
}

/* Levenshtein distance, capped: names are short. */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, d[64], prev, tmp;

	if (la >= 63 || lb >= 63)
		return 99;
	for (j = 0; j <= lb; j++)
		d[j] = j;
	for (i = 1; i <= la; i++) {
		prev = d[0];
		d[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t best = prev + (tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]));

			tmp = d[j];
			if (d[j] + 1 < best)
				best = d[j] + 1;
			if (d[j - 1] + 1 < best)
				best = d[j - 1] + 1;
			d[j] = best;
			prev = tmp;
		}
	}
	return d[lb];
}

const char *lang_near(const char *name, const char *const *names, size_t n)
{
	size_t i, best = 99, d, len = strlen(name);
	const char *pick = NULL;

	for (i = 0; i < n; i++) {
		if (!names[i] || !isalpha((unsigned char)names[i][0]))
			continue;
		d = distance(name, names[i]);
		if (d < best) {
			best = d;
			pick = names[i];
		}
	}
	/* One edit in four letters, at least one: "usr" for "user". */
	return pick && best <= (len + 3) / 4 + (len > 2) ? pick : NULL;
}
