/*
 * map-rules.c - mig-map's rule statements and the binder (see map.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uuid.h>

#include "json.h"
#include "map.h"
#include "util.h"
#include "banned.h"

static void rule_free(struct rule *r)
{
	size_t i;

	if (!r)
		return;
	free(r->tag);
	free(r->col);
	free(r->newname);
	for (i = 0; i < r->ncols; i++)
		free(r->cols[i]);
	free(r->cols);
	lang_free(r->expr);
	free(r->where);
	free(r);
}

/* TAG or TAG.COL: a bare word splits at its last dot; "quoted" parts do not. */
static int parse_target(struct lex *l, char **tag, char **col)
{
	char *dot;

	*tag = *col = NULL;
	if (l->tok == LX_WORD) {
		dot = strrchr(l->text.buf, '.');
		if (!dot) {
			*tag = estrdup(l->text.buf);
			lex_next(l);
			return 0;
		}
		*tag = estrndup(l->text.buf, (size_t)(dot - l->text.buf));
		if (dot[1]) {
			*col = estrdup(dot + 1);
			lex_next(l);
		} else if (lex_next(l) == LX_QID) {
			*col = estrdup(l->text.buf);
			lex_next(l);
		} else {
			return lex_fail(l, "expected a column name after '.', found '%s'", lex_what(l));
		}
		if (!**tag)
			return lex_fail(l, "expected a tag before '.'");
		return 0;
	}
	if (l->tok != LX_QID)
		return lex_fail(l, "expected a tag or TAG.COLUMN, found '%s'", lex_what(l));
	*tag = estrdup(l->text.buf);
	lex_next(l);
	if (l->tok == LX_WORD && l->text.buf[0] == '.') {
		if (l->text.buf[1]) {
			*col = estrdup(l->text.buf + 1);
			lex_next(l);
		} else if (lex_next(l) == LX_QID) {
			*col = estrdup(l->text.buf);
			lex_next(l);
		} else {
			return lex_fail(l, "expected a column name after '.', found '%s'", lex_what(l));
		}
	}
	return 0;
}

static int parse_name_list(struct lex *l, struct rule *r)
{
	while (l->tok == LX_COMMA) {
		lex_next(l);
		if (!lex_is_name(l) || !l->text.len)
			return lex_fail(l, "expected a column name, found '%s'", lex_what(l));
		r->cols = ereallocarray(r->cols, r->ncols + 1, sizeof(char *));
		r->cols[r->ncols++] = estrdup(l->text.buf);
		lex_next(l);
	}
	return 0;
}

static int json_valid(const char *s, size_t n)
{
	const char *p = json_ws(s, s + n), *why;
	struct json_val v;

	if (json_scan(&p, s + n, &v, &why) < 0)
		return 0;
	return json_ws(p, s + n) == s + n;
}

/* Can a constant be stored in a column of type t?  (Checked where cheap.) */
static int literal_fits(const struct lang_val *n, enum mig_type t)
{
	uuid_t u;
	int cmp;

	switch (t) {
	case MIG_T_INT:
		return num_compare(n->p, n->len, "0", 1, &cmp) == 0 && !strpbrk(n->p, ".eE");
	case MIG_T_FLOAT:
	case MIG_T_NUMERIC:
		return num_compare(n->p, n->len, "0", 1, &cmp) == 0;
	case MIG_T_BOOL:
		return !strcmp(n->p, "t") || !strcmp(n->p, "f");
	case MIG_T_UUID:
		return n->len == 36 && uuid_parse(n->p, u) == 0;
	case MIG_T_JSON:
		return json_valid(n->p, n->len);
	default:
		return 1;
	}
}

static int parse_rule_into(struct lex *l, struct rule *r, const struct lang_opts *o)
{
	struct lang_val k;
	int kw = -1;

	if (lex_is(l, "explode")) {
		lex_next(l);
		if (!lex_is_name(l) || l->tok == LX_ARROW) {
			r->tag = estrdup("explode");
		} else {
			if (parse_target(l, &r->tag, &r->col) < 0)
				return -1;
			if (!r->col)
				return lex_fail(l, "expected TAG.COLUMN after 'explode'");
			r->kind = R_EXPLODE;
			if (parse_name_list(l, r) < 0)
				return -1;
			if (r->ncols > 1)
				return lex_fail(l, "explode takes one ordinal column, found '%s'", r->cols[1]);
			if (l->tok != LX_OP || l->op != OP_EQ)
				return lex_fail(l, "expected '=' after 'explode %s.%s', found '%s'", r->tag, r->col,
						lex_what(l));
			lex_next(l);
			return (r->expr = lang_parse(l, o)) ? 0 : -1;
		}
	}
	if (lex_is(l, "drop") || lex_is(l, "keep")) {
		kw = lex_is(l, "drop") ? R_DROP : R_KEEP;
		lex_next(l);
		if (!lex_is_name(l)) {
			/* A tag called drop or keep. */
			r->tag = estrdup(kw == R_DROP ? "drop" : "keep");
			kw = -1;
		}
	}
	if (kw >= 0 || !r->tag) {
		if (parse_target(l, &r->tag, &r->col) < 0)
			return -1;
	}
	if (kw >= 0) {
		r->kind = (enum rkind)kw;
		if (!r->col)
			return lex_fail(l, "expected TAG.COLUMN after '%s'", kw == R_DROP ? "drop" : "keep");
		r->cols = emalloc(sizeof(char *));
		r->cols[0] = r->col;
		r->col = NULL;
		r->ncols = 1;
		return parse_name_list(l, r);
	}
	if (l->tok == LX_ARROW) {
		lex_next(l);
		if (!lex_is_name(l) || !l->text.len)
			return lex_fail(l, "expected a new name after '->', found '%s'", lex_what(l));
		r->kind = r->col ? R_COLREN : R_TAGREN;
		r->newname = estrdup(l->text.buf);
		lex_next(l);
		return 0;
	}
	if (!r->col)
		return lex_fail(l, "expected '->' after a tag, or TAG.COLUMN = ..., found '%s'", lex_what(l));
	if (l->tok == LX_COLON) {
		lex_next(l);
		if (l->tok != LX_WORD || mig_type_parse(l->text.buf, l->text.len, &r->type) < 0)
			return lex_fail(l, "expected a type name after ':', found '%s'", lex_what(l));
		r->typed = 1;
		lex_next(l);
	}
	if (l->tok != LX_OP || l->op != OP_EQ)
		return lex_fail(l, "expected '=' or '->' after '%s.%s', found '%s'", r->tag, r->col, lex_what(l));
	lex_next(l);
	r->kind = R_SET;
	if (!(r->expr = lang_parse(l, o)))
		return -1;
	if (r->typed && lang_constant(r->expr, &k) && !literal_fits(&k, r->type)) {
		l->tpos = lang_pos(r->expr);
		return lex_fail(l, "'%s' is not a valid %s", k.p, mig_type_name(r->type));
	}
	return 0;
}

static void add_rule(struct rules *rs, struct rule *r)
{
	struct prog *p = strmap_get(&rs->progs, r->tag, strlen(r->tag));

	if (!p) {
		p = ecalloc(1, sizeof(*p));
		p->tag = estrdup(r->tag);
		strmap_put(&rs->progs, p->tag, strlen(p->tag), p);
		rs->order = ereallocarray(rs->order, rs->n + 1, sizeof(*rs->order));
		rs->order[rs->n++] = p;
	}
	if (r->kind == R_TAGREN)
		p->newtag = r->newname;
	p->r = ereallocarray(p->r, p->n + 1, sizeof(*p->r));
	p->r[p->n++] = r;
}

void map_parse_rules(const char *text, const char *where, struct rules *rs)
{
	struct lex l;
	struct rule *r;

	lex_init(&l, text);
	while (l.tok != LX_EOF && l.tok != LX_ERR) {
		if (l.tok == LX_SEMI) {
			lex_next(&l);
			continue;
		}
		r = ecalloc(1, sizeof(*r));
		r->where = estrdup(where);
		if (parse_rule_into(&l, r, rs->lang) == 0 && l.tok != LX_EOF && l.tok != LX_SEMI)
			lex_fail(&l, "expected the end of the rule, found '%s'", lex_what(&l));
		if (lex_error(&l)[0]) {
			rule_free(r);
			break;
		}
		add_rule(rs, r);
	}
	if (lex_error(&l)[0]) {
		char msg[1024];

		snprintf(msg, sizeof(msg), "%s:%zu: %s", where, lex_errpos(&l), lex_error(&l));
		lex_release(&l);
		die(MIG_EXIT_USAGE, "%s", msg);
	}
	lex_release(&l);
}

static void rule_line(char *line, const char *where, void *arg)
{
	map_parse_rules(line, where, arg);
}

void map_parse_file(const char *path, struct rules *rs)
{
	each_rule_line(path, rule_line, rs);
}

/* Compiling a tag's rules against its header. */

struct live {
	char **names;
	int *slots;
	enum mig_type *types;
	size_t n;
};

static int live_find(const struct live *lv, const char *name)
{
	size_t i;

	for (i = 0; i < lv->n; i++)
		if (!strcmp(lv->names[i], name))
			return (int)i;
	return -1;
}

struct bindctx {
	const char *input;
	unsigned long line;
	const char *tag;
	const struct rule *r;
};

static _Noreturn void bind_fail(const struct bindctx *b, const char *fmt, const char *arg)
{
	char msg[512];

	snprintf(msg, sizeof(msg), fmt, arg);
	die(MIG_EXIT_USAGE, "%s:%lu: tag '%s': %s (%s)", b->input, b->line, b->tag, msg, b->r->where);
}

static int live_resolve(const char *name, void *arg, enum mig_type *type)
{
	const struct live *lv = arg;
	int k = live_find(lv, name);

	if (k < 0)
		return -1;
	*type = lv->types[k];
	return lv->slots[k];
}

/* Resolve the expression's columns against the live ones; its type. */
static int bind_expr(struct lang_expr *e, struct live *lv, const struct bindctx *b)
{
	struct buf err = BUF_INIT;
	enum mig_type t;
	const char *near;

	if (lang_bind(e, live_resolve, lv, &t, &err) == 0) {
		buf_release(&err);
		return lang_is_null(e) ? -1 : (int)t;
	}
	near = NULL;
	if (!strncmp(err.buf, "unknown column '", 16)) {
		char *name = estrndup(err.buf + 16, strcspn(err.buf + 16, "'"));

		near = lang_near(name, (const char *const *)lv->names, lv->n);
		free(name);
	}
	if (near)
		buf_addf(&err, " (did you mean '%s'?)", near);
	die(MIG_EXIT_USAGE, "%s:%lu: tag '%s': %s (%s)", b->input, b->line, b->tag, err.buf, b->r->where);
}

static void live_add(struct live *lv, const char *name, int slot, enum mig_type t)
{
	lv->names = ereallocarray(lv->names, lv->n + 1, sizeof(char *));
	lv->slots = ereallocarray(lv->slots, lv->n + 1, sizeof(int));
	lv->types = ereallocarray(lv->types, lv->n + 1, sizeof(enum mig_type));
	lv->names[lv->n] = (char *)name;
	lv->slots[lv->n] = slot;
	lv->types[lv->n++] = t;
}

static void live_remove(struct live *lv, size_t i)
{
	memmove(lv->names + i, lv->names + i + 1, (lv->n - i - 1) * sizeof(char *));
	memmove(lv->slots + i, lv->slots + i + 1, (lv->n - i - 1) * sizeof(int));
	memmove(lv->types + i, lv->types + i + 1, (lv->n - i - 1) * sizeof(enum mig_type));
	lv->n--;
}

void map_bind(struct prog *p, const struct mig_header *h, const char *input, unsigned long line)
{
	struct live lv = { NULL, NULL, NULL, 0 }, kept;
	struct bindctx b = { input, line, h->tag, NULL };
	struct lang_cse *cse;
	size_t i, j;
	int k, t;

	for (i = 0; i < h->ncols; i++)
		live_add(&lv, h->names[i], (int)i, h->types[i]);
	p->nin = p->nslots = h->ncols;
	p->nsteps = 0;
	free(p->steps);
	p->steps = NULL;
	for (i = 0; i < p->n; i++) {
		struct rule *r = p->r[i];

		b.r = r;
		switch (r->kind) {
		case R_TAGREN:
			break;
		case R_COLREN:
			if ((k = live_find(&lv, r->col)) < 0)
				bind_fail(&b, "unknown column '%s'", r->col);
			if (live_find(&lv, r->newname) >= 0 && strcmp(r->col, r->newname))
				bind_fail(&b, "column '%s' exists already", r->newname);
			lv.names[k] = r->newname;
			break;
		case R_SET:
			t = bind_expr(r->expr, &lv, &b);
			k = live_find(&lv, r->col);
			if (r->typed)
				t = r->type;
			else if (t < 0)
				t = k >= 0 ? (int)lv.types[k] : MIG_T_TEXT;
			if (k < 0) {
				live_add(&lv, r->col, (int)p->nslots++, (enum mig_type)t);
				k = (int)lv.n - 1;
			}
			lv.types[k] = (enum mig_type)t;
			p->steps = ereallocarray(p->steps, p->nsteps + 1, sizeof(*p->steps));
			p->steps[p->nsteps++] = (struct step){ lv.slots[k], r->expr, r->typed ? r->type : MIG_T_ANY, r->col, r->where, 0, -1, "", 0 };
			break;
		case R_EXPLODE: {
			struct step st = { 0, r->expr, MIG_T_ANY, r->col, r->where, 1, -1, "", 0 };

			t = bind_expr(r->expr, &lv, &b);
			if (t >= 0 && t != MIG_T_ARRAY && t != MIG_T_TEXT && t != MIG_T_ANY)
				bind_fail(&b, "explode needs an array, not %s", mig_type_name((enum mig_type)t));
			if ((k = live_find(&lv, r->col)) < 0) {
				live_add(&lv, r->col, (int)p->nslots++, MIG_T_TEXT);
				k = (int)lv.n - 1;
			}
			lv.types[k] = MIG_T_TEXT;
			st.slot = lv.slots[k];
			if (r->ncols) {
				if ((k = live_find(&lv, r->cols[0])) < 0) {
					live_add(&lv, r->cols[0], (int)p->nslots++, MIG_T_INT);
					k = (int)lv.n - 1;
				}
				lv.types[k] = MIG_T_INT;
				st.ordslot = lv.slots[k];
			}
			p->steps = ereallocarray(p->steps, p->nsteps + 1, sizeof(*p->steps));
			p->steps[p->nsteps++] = st;
			break;
		}
		case R_DROP:
			for (j = 0; j < r->ncols; j++) {
				if ((k = live_find(&lv, r->cols[j])) < 0)
					bind_fail(&b, "unknown column '%s'", r->cols[j]);
				live_remove(&lv, (size_t)k);
			}
			break;
		case R_KEEP:
			memset(&kept, 0, sizeof(kept));
			for (j = 0; j < r->ncols; j++) {
				if ((k = live_find(&lv, r->cols[j])) < 0)
					bind_fail(&b, "unknown column '%s'", r->cols[j]);
				if (live_find(&kept, r->cols[j]) >= 0)
					bind_fail(&b, "column '%s' kept twice", r->cols[j]);
				live_add(&kept, lv.names[k], lv.slots[k], lv.types[k]);
			}
			free(lv.names);
			free(lv.slots);
			free(lv.types);
			lv = kept;
			break;
		}
	}
	p->identity = !p->nsteps && !p->newtag && lv.n == h->ncols;
	for (i = 0; p->identity && i < lv.n; i++)
		if (lv.slots[i] != (int)i || strcmp(lv.names[i], h->names[i]))
			p->identity = 0;
	mig_header_free(p->out);
	p->out = mig_header_new(p->newtag ? p->newtag : h->tag, lv.n);
	for (i = 0; i < lv.n; i++)
		mig_header_set(p->out, i, lv.names[i], lv.types[i]);
	p->nout = lv.n;
	p->outslot = ereallocarray(p->outslot, lv.n ? lv.n : 1, sizeof(int));
	memcpy(p->outslot, lv.slots, lv.n * sizeof(int));
	p->untouched = erealloc(p->untouched, lv.n ? lv.n : 1);
	for (i = 0; i < lv.n; i++) {
		size_t k;

		p->untouched[i] = (size_t)lv.slots[i] < p->nin;
		for (k = 0; k < p->nsteps && p->untouched[i]; k++)
			if (p->steps[k].slot == lv.slots[i] || p->steps[k].ordslot == lv.slots[i])
				p->untouched[i] = 0;
	}
	p->copy = ereallocarray(p->copy, lv.n ? lv.n : 1, sizeof(*p->copy));
	p->calc = ereallocarray(p->calc, lv.n ? lv.n : 1, sizeof(*p->calc));
	p->ncopy = p->ncalc = 0;
	for (i = 0; i < lv.n; i++) {
		if (p->untouched[i])
			p->copy[p->ncopy++] = i;
		else
			p->calc[p->ncalc++] = i;
	}
	cse = lang_cse_new();
	for (i = 0; i < p->nsteps; i++) {
		lang_cse_add(cse, p->steps[i].expr);
		lang_cse_write(cse, p->steps[i].slot);
		if (p->steps[i].ordslot >= 0)
			lang_cse_write(cse, p->steps[i].ordslot);
	}
	lang_cse_free(cse);
	p->inused = ereallocarray(p->inused, p->nin ? p->nin : 1, sizeof(*p->inused));
	p->ninused = 0;
	for (i = 0; i < p->nsteps; i++)
		lang_slots_read(p->steps[i].expr, p->inused, &p->ninused, p->nin);
	p->of = ereallocarray(p->of, lv.n ? lv.n : 1, sizeof(*p->of));
	p->slots = ereallocarray(p->slots, p->nslots ? p->nslots : 1, sizeof(*p->slots));
	/* Input fields no rule reads are never filled: NULL, not garbage. */
	for (i = 0; i < p->nin; i++)
		p->slots[i] = (struct lang_val){ "", 0, 1 };
	p->bound = h->id;
	free(lv.names);
	free(lv.slots);
	free(lv.types);
}

void map_prog_free(struct prog *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		rule_free(p->r[i]);
	free(p->r);
	free(p->tag);
	free(p->steps);
	free(p->outslot);
	free(p->untouched);
	free(p->inused);
	free(p->copy);
	free(p->calc);
	free(p->of);
	free(p->slots);
	mig_header_free(p->out);
	free(p);
}

