/*
 * mig-map - rename, drop, reorder, add and clean columns; rename tags.
 *
 * Rules are parsed (and their files, zones and constants checked) before
 * the first record is read.  When a tag's header arrives its rules are
 * compiled against it into a list of assignments to numbered slots and an
 * output projection, so a record costs its functions and one write: values
 * computed for it live in an arena that is reset, not freed, per record.
 */
#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uuid.h>
#include <crypt.h>

#include "lang.h"
#include "array.h"
#include "json.h"
#include "filter.h"
#include "opts.h"
#include "rec.h"
#include "rejects.h"
#include "strmap.h"
#include "util.h"
#include "uuid5.h"
#include "banned.h"

enum { ON_ERROR, ON_NULL, ON_REJECT };

static struct std_opts so = STD_OPTS_INIT;

/* What the command line asked for, passed down. */
struct map_opts {
	int on_error;
	const char *input, *password_path;
	struct lang_opts lang;
};

enum rkind { R_TAGREN, R_COLREN, R_SET, R_DROP, R_KEEP, R_EXPLODE };

struct rule {
	enum rkind kind;
	char *tag, *col, *newname;
	char **cols;
	size_t ncols;
	int typed;
	enum mig_type type;
	struct lang_expr *expr;
	char *where;
};

struct step {
	int slot;
	struct lang_expr *expr;
	enum mig_type cast;	/* a typed output column: validated */
	const char *col;
	const char *where;
	/* explode: one record per element of the array, slot taking each
	 * element and ordslot (or -1) its 1-based ordinal. */
	int explode, ordslot;
	char ord[24];
	unsigned long long nulled;	/* --on-error null: values nulled, for the ledger */
};

struct prog {
	char *tag, *newtag;
	struct rule **r;
	size_t n;
	unsigned long bound;
	int identity;
	size_t nin, nslots, nsteps, nout;
	struct step *steps;
	int *outslot;
	unsigned char *untouched;	/* output i is input field outslot[i], as read */
	struct mig_header *out;
	struct mig_field *of;
	struct lang_val *slots;
};

enum { O_ON_ERROR = 256, O_PASSWORDS, O_COST, O_INPUT, O_FUNCTIONS };

static const struct mig_opt options[] = {
	{ 'e', 'e', "rule", required_argument, "RULE", "a map rule, as in mig-map(1); repeatable", NULL },
	{ 'f', 'f', "file", required_argument, "FILE", "read map rules from FILE; repeatable", NULL },
	{ O_INPUT, 'i', "input", required_argument, "FILE", NULL, "give the input file as an operand" },
	{ O_ON_ERROR, 0, "on-error", required_argument, "error|null|reject", "what a value that fails a rule becomes", NULL },
	STD_OPTS_FORMAT,
	STD_OPTS_REJECTS,
	{ O_PASSWORDS, 0, "passwords", required_argument, "FILE", "write the clear passwords that hash() made to FILE", NULL },
	{ O_COST, 0, "bcrypt-cost", required_argument, "N", "bcrypt cost of hash(), 4 to 31", NULL },
	{ O_FUNCTIONS, 0, "functions", no_argument, NULL, "list every function of the rule language with its signature", NULL },
	STD_OPTS_BASE,
	STD_OPTS_STATS,
	MIG_OPTS_END,
};

static const struct mig_cmd cmd = {
	"mig-map [options] [-e rule]... [-f rulesfile]... [rule] [file]",
	"Rename, drop, compute and convert the columns of tagged records.",
	options, 0,
};

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

struct rules {
	struct strmap progs;
	struct prog **order;
	size_t n;
	const struct lang_opts *lang;
};

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

static void parse_rules(const char *text, const char *where, struct rules *rs)
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
	parse_rules(line, where, arg);
}

static void parse_file(const char *path, struct rules *rs)
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

static void bind(struct prog *p, const struct mig_header *h, struct mig_writer *w, const char *input,
		 unsigned long line)
{
	struct live lv = { NULL, NULL, NULL, 0 }, kept;
	struct bindctx b = { input, line, h->tag, NULL };
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
	p->of = ereallocarray(p->of, lv.n ? lv.n : 1, sizeof(*p->of));
	p->slots = ereallocarray(p->slots, p->nslots ? p->nslots : 1, sizeof(*p->slots));
	p->bound = h->id;
	free(lv.names);
	free(lv.slots);
	free(lv.types);
	mig_write_header_once(w, p->identity ? h : p->out);
}

/* A step failed: 0 to go on with NULL (counted), 1 rejected; else dies. */
static int step_failed(struct step *s, struct lang_ctx *c, const struct mig_item *it, struct mig_writer *w,
		       struct rejects *rj, const struct map_opts *mo)
{
	char where[512], reason[512];

	if (mo->on_error == ON_NULL) {
		/* Counted per column, never shown: the values may be medical. */
		s->nulled++;
		return 0;
	}
	snprintf(reason, sizeof(reason), "column '%s': %s(): %s", s->col, lang_top_name(s->expr), lang_why(c));
	snprintf(where, sizeof(where), "%s:%llu", it->hdr->tag, it->row);
	if (mo->on_error == ON_REJECT) {
		if (rejects_add(rj, it->hdr, it->f, where, reason) == 0)
			return 1;
		mig_writer_flush(w);
		die(MIG_EXIT_DATA, "%s: %s, and that is more than %lld rejects", where, reason, so.max_rejects);
	}
	mig_writer_flush(w);
	if (so.show_values) {
		struct lang_val a;

		if (!lang_top_arg(s->expr, &a))
			die(MIG_EXIT_DATA, "%s: %s", where, reason);
		die(MIG_EXIT_DATA, "%s: %s ('%.*s')", where, reason, (int)a.len, a.p);
	}
	die(MIG_EXIT_DATA, "%s: %s", where, reason);
}

/* The nulled counts of p's steps into the ledger, as nulled:COLUMN. */
static void flush_nulled(struct prog *p, struct ledger *l)
{
	char name[512];
	size_t i;

	for (i = 0; i < p->nsteps; i++) {
		if (!p->steps[i].nulled)
			continue;
		snprintf(name, sizeof(name), "nulled:%s", p->steps[i].col);
		ledger_add_extra(ledger_tag(l, p->tag), name, p->steps[i].nulled);
		p->steps[i].nulled = 0;
	}
}

struct run {
	struct prog *p;
	struct lang_ctx *c;
	const struct mig_item *it;
	struct mig_writer *w;
	struct rejects *rj;
	const struct map_opts *mo;
	unsigned long long written;
};

static int write_out(struct run *r)
{
	struct prog *p = r->p;
	size_t i;

	for (i = 0; i < p->nout; i++) {
		const struct lang_val *v = &p->slots[p->outslot[i]];

		/* An input field no rule wrote is copied whole, its plain mark
		 * with it, so the writer copies a plain one without looking. */
		if (p->untouched[i])
			p->of[i] = r->it->f[p->outslot[i]];
		else
			p->of[i] = (struct mig_field){ v->p, v->len, v->null, 0 };
	}
	if (mig_write_record(r->w, p->out, p->of) < 0) {
		mig_writer_flush(r->w);
		die(MIG_EXIT_DATA, "%s:%llu: %s", r->it->hdr->tag, r->it->row, mig_writer_error(r->w));
	}
	r->written++;
	return 0;
}

/* Steps from..nsteps, then the write; an explode step runs the rest once
 * per element.  0, or 1 if the record was rejected. */
static int run_steps(struct run *r, size_t from)
{
	struct prog *p = r->p;
	size_t i;

	for (i = from; i < p->nsteps; i++) {
		struct step *s = &p->steps[i];
		struct lang_val res;

		if (lang_eval(r->c, s->expr, &res) < 0 || (s->cast && lang_cast(r->c, s->cast, &res) < 0)) {
			if (step_failed(s, r->c, r->it, r->w, r->rj, r->mo))
				return 1;
			res = (struct lang_val){ "", 0, 1 };
		}
		if (s->explode) {
			struct arr_it ai;
			const char *e;
			size_t len;
			long k = 0;
			int null, rc;

			/* NULL and {} give no record, as PostgreSQL's unnest(). */
			if (res.null)
				return 0;
			if (arr_open(&ai, res.p, res.len) < 0) {
				lang_why_set(r->c, "not an array");
				return step_failed(s, r->c, r->it, r->w, r->rj, r->mo);
			}
			while ((rc = arr_next(&ai, &e, &len, &null)) > 0) {
				p->slots[s->slot] = (struct lang_val){ e, len, null };
				if (s->ordslot >= 0) {
					int n = snprintf(s->ord, sizeof(s->ord), "%ld", ++k);

					p->slots[s->ordslot] = (struct lang_val){ s->ord, (size_t)n, 0 };
				}
				if (run_steps(r, i + 1)) {
					arr_close(&ai);
					return 1;
				}
			}
			arr_close(&ai);
			if (rc < 0) {
				lang_why_set(r->c, "not an array");
				return step_failed(s, r->c, r->it, r->w, r->rj, r->mo);
			}
			return 0;
		}
		p->slots[s->slot] = res;
	}
	return write_out(r);
}

/* Map one record: the number of records written, or -1 if rejected. */
static long long map_record(struct prog *p, struct lang_ctx *c, const struct mig_item *it, struct mig_writer *w,
			    struct rejects *rj, const struct map_opts *mo)
{
	struct run r = { p, c, it, w, rj, mo, 0 };
	size_t i;

	lang_ctx_record(c, p->slots, it);
	for (i = 0; i < p->nin; i++) {
		p->slots[i].p = it->f[i].val;
		p->slots[i].len = it->f[i].len;
		p->slots[i].null = it->f[i].null;
	}
	for (; i < p->nslots; i++)
		p->slots[i] = (struct lang_val){ "", 0, 1 };
	if (run_steps(&r, 0))
		return -1;
	return (long long)r.written;
}

static void prog_free(struct prog *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		rule_free(p->r[i]);
	free(p->r);
	free(p->tag);
	free(p->steps);
	free(p->outslot);
	free(p->untouched);
	free(p->of);
	free(p->slots);
	mig_header_free(p->out);
	free(p);
}

/*
 * The passwords file holds secrets, so it must end up a private regular
 * file of ours.  It is opened without O_TRUNC and checked before anything
 * is changed: a symbolic link, a device (chmod of /dev/null would change
 * it for the whole machine) or another user's file is refused untouched.
 */
static FILE *open_passwords(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
	struct stat st;
	FILE *fp;

	if (fd < 0 && errno == ELOOP)
		die(MIG_EXIT_USAGE, "%s: --passwords will not write through a symbolic link", path);
	if (fd < 0)
		die(MIG_EXIT_SYSTEM, "%s: cannot create:", path);
	if (fstat(fd, &st) < 0)
		die(MIG_EXIT_SYSTEM, "%s: cannot stat:", path);
	if (!S_ISREG(st.st_mode))
		die(MIG_EXIT_USAGE, "%s: --passwords needs a regular file, not a device, pipe or socket", path);
	if (st.st_uid != geteuid())
		die(MIG_EXIT_USAGE, "%s: --passwords will not take over a file owned by another user", path);
	if (fchmod(fd, 0600) < 0 || ftruncate(fd, 0) < 0)
		die(MIG_EXIT_SYSTEM, "%s: cannot make it private and empty:", path);
	if (!(fp = fdopen(fd, "w")))
		die(MIG_EXIT_SYSTEM, "%s:", path);
	fputs("tag,key,password\n", fp);
	return fp;
}

int main(int argc, char **argv)
{
	struct map_opts mo = { .on_error = ON_ERROR, .lang = { .bcrypt_cost = 10 } };
	struct rules rs = { STRMAP_INIT, NULL, 0, &mo.lang };
	struct filter fl;
	struct prog *cp;
	struct mig_reader *rd;
	struct mig_writer *w;
	struct rejects *rj = NULL;
	struct mig_item it;
	struct lang_ctx *ctx;
	struct filter_args fa = FILTER_ARGS_INIT;
	char where[64];
	size_t nrule = 0, i;
	long long nw;
	int c, ret;

	argv0 = "mig-map";
	if (!setlocale(LC_CTYPE, "C.UTF-8"))
		setlocale(LC_CTYPE, "en_US.UTF-8");
	while ((c = opts_next(argc, argv, &cmd)) != -1) {
		switch (c) {
		case O_INPUT:
			fa.input = optarg;
			fa.input_opt = 1;
			break;
		case 'e':
			filter_rule(&fa, optarg, 0);
			break;
		case 'f':
			filter_rule(&fa, optarg, 1);
			break;
		case O_ON_ERROR:
			if (!strcmp(optarg, "error"))
				mo.on_error = ON_ERROR;
			else if (!strcmp(optarg, "null"))
				mo.on_error = ON_NULL;
			else if (!strcmp(optarg, "reject"))
				mo.on_error = ON_REJECT;
			else
				die(MIG_EXIT_USAGE, "--on-error: '%s' is not error, null or reject", optarg);
			break;
		case O_PASSWORDS:
			mo.password_path = optarg;
			mo.lang.passwords_ok = 1;
			break;
		case O_FUNCTIONS:
			lang_list_functions(stdout, 0);
			if (fflush(stdout) != 0 || ferror(stdout))
				die(MIG_EXIT_SYSTEM, "<stdout>: write error:");
			return 0;
		case O_COST:
			mo.lang.bcrypt_cost = (int)estrtonum(optarg, 4, 31, "--bcrypt-cost");
			break;
		default:
			std_option(c, optarg, &so, &cmd);
		}
	}
	filter_operands(&fa, argc, argv, &cmd);
	mo.input = fa.input;
	if (mo.on_error == ON_REJECT && !so.reject)
		die(MIG_EXIT_USAGE, "--on-error reject needs --reject FILE");
	std_opts_check(&so);
	for (i = 0; i < fa.nrules; i++) {
		if (fa.rules[i].is_file) {
			parse_file(fa.rules[i].text, &rs);
			continue;
		}
		snprintf(where, sizeof(where), "rule %zu", ++nrule);
		parse_rules(fa.rules[i].text, where, &rs);
	}
	filter_args_release(&fa);

	if (mo.password_path)
		mo.lang.passwords = open_passwords(mo.password_path);
	ctx = lang_ctx_new(&mo.lang);
	rd = mig_reader_open(mo.input, 0);
	w = mig_writer_new(1, "<stdout>", so.format, 0);
	if (so.reject)
		rj = rejects_open(so.reject, "mig-map", so.max_rejects);
	filter_init(&fl, "mig-map", rd, w, std_progress(&so), 0);
	fl.work = filter_work_map;
	fl.arg = &rs.progs;
	for (i = 0; i < rs.n; i++)
		if (rs.order[i]->newtag)
			filter_rename(&fl, rs.order[i]->tag, rs.order[i]->newtag);
	while ((ret = filter_next(&fl, &it)) > 0) {
		cp = fl.cur;
		if (cp->bound != it.hdr->id) {
			flush_nulled(cp, &fl.ledger);
			bind(cp, it.hdr, w, mig_reader_name(rd), it.line);
		}
		if (it.kind == MIG_HEADER)
			continue;
		if (cp->identity) {
			fl.lc->out++;
			if (mig_write_record(w, it.hdr, it.f) < 0) {
				mig_writer_flush(w);
				die(MIG_EXIT_DATA, "%s:%llu: %s", it.hdr->tag, it.row, mig_writer_error(w));
			}
		} else if ((nw = map_record(cp, ctx, &it, w, rj, &mo)) < 0) {
			fl.lc->rejected++;
		} else if (nw == 0) {
			fl.lc->dropped++;
		} else {
			fl.lc->out += (unsigned long long)nw;
		}
	}
	if (ret < 0)
		filter_input_error(&fl);
	filter_end(&fl);
	for (i = 0; i < rs.n; i++)
		flush_nulled(rs.order[i], &fl.ledger);
	/* A rule for a tag that never came did nothing: say so, not exit 0. */
	for (i = 0; i < rs.n; i++) {
		const char *tag = rs.order[i]->tag, *near;

		if (strmap_get(&fl.ledger.tags, tag, strlen(tag)))
			continue;
		mig_writer_flush(w);
		if ((near = lang_near(tag, (const char *const *)fl.ledger.order, fl.ledger.n)))
			die(MIG_EXIT_USAGE, "%s: tag '%s' never came in the stream (did you mean '%s'?)",
			    rs.order[i]->r[0]->where, tag, near);
		die(MIG_EXIT_USAGE, "%s: tag '%s' never came in the stream", rs.order[i]->r[0]->where, tag);
	}
	for (i = 0; i < fl.ledger.n; i++) {
		struct ledger_counts *lc = ledger_tag(&fl.ledger, fl.ledger.order[i]);
		size_t j;

		for (j = 0; j < lc->nextra; j++)
			if (!strncmp(lc->extra_names[j], "nulled:", 7))
				fprintf(stderr, "mig-map: %s: column '%s': %llu values nulled (--on-error null)\n",
					fl.ledger.order[i], lc->extra_names[j] + 7, lc->extra[j]);
	}
	if (so.verbose)
		for (i = 0; i < fl.ledger.n; i++) {
			struct ledger_counts *lc = ledger_tag(&fl.ledger, fl.ledger.order[i]);

			fprintf(stderr, "mig-map: %s: %llu in, %llu out, %llu rejected\n", fl.ledger.order[i], lc->in,
				lc->out, lc->rejected);
		}
	/* A renamed tag's records arrive downstream under the new name: say so, as mig-split does. */
	for (i = 0; i < rs.n; i++) {
		struct ledger_counts *lc;
		char name[1024];

		if (!rs.order[i]->newtag ||
		    !(lc = strmap_get(&fl.ledger.tags, rs.order[i]->tag, strlen(rs.order[i]->tag))))
			continue;
		snprintf(name, sizeof(name), "to:%s", rs.order[i]->newtag);
		ledger_add_extra(lc, name, lc->out);
	}
	filter_stats(&fl);
	if (rj)
		rejects_close(rj);
	if (mo.lang.passwords) {
		FILE *pw = mo.lang.passwords;

		if (fflush(pw) != 0 || ferror(pw) || fsync(fileno(pw)) < 0)
			die(MIG_EXIT_SYSTEM, "%s: write error:", mo.password_path);
		fclose(pw);
	}
	mig_writer_close(w);
	mig_reader_free(rd);
	for (i = 0; i < rs.n; i++)
		prog_free(rs.order[i]);
	free(rs.order);
	strmap_release(&rs.progs);
	filter_release(&fl);
	lang_ctx_free(ctx);
	return 0;
}
