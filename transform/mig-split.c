/*
 * mig-split - route the records of a tag to new tags by predicate.
 *
 * Every rule is parsed before the first record is read; a rule's columns
 * are resolved once per header, so a record costs its predicates'
 * comparisons and one write per route it matches.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lang.h"
#include "filter.h"
#include "opts.h"
#include "rec.h"
#include "rejects.h"
#include "strmap.h"
#include "util.h"
#include "banned.h"

enum unmatched { UN_ERROR, UN_DROP, UN_PASS, UN_TAG, UN_REJECT };

struct route {
	char *src, *dst;
	char *where;			/* "rule 3" or "file:line", for messages */
	char **cols, **as;		/* projection; ncols 0: every column */
	size_t ncols;
	struct lang_expr *pred;		/* NULL: every record */
	int *idx;
	struct mig_header *out;		/* NULL: the input header itself */
	struct mig_field *of;
	unsigned long long count;
};

struct source {
	char *tag;
	struct route **r;
	size_t n;
	unsigned long bound;		/* id of the header the routes are bound to */
	struct mig_header *unm;		/* --unmatched TAG: the renamed header */
	unsigned long long unmatched;
	struct ledger_counts *lc;
	struct lang_val *slots;		/* the record's fields, for the predicates */
	size_t nslots;
	int *used;			/* the slots the predicates read: only they are filled */
	size_t nused;
	struct lang_ctx *ctx;
};

/* A predicate is a condition: a lone column is not one. */
static const struct lang_opts pred_opts = { .predicate = 1 };

static struct std_opts so = STD_OPTS_INIT;
static enum unmatched unmatched = UN_ERROR;
static char *unmatched_tag;
static const char *input;

enum { O_UNMATCHED = 256 };

static const struct mig_opt options[] = {
	{ 'e', 'e', "rule", required_argument, "RULE", "a split rule, as in mig-split(1); repeatable", NULL },
	{ 'f', 'f', "file", required_argument, "FILE", "read split rules from FILE; repeatable", NULL },
	{ FILTER_O_INPUT, 'i', "input", required_argument, "FILE", NULL, "give the input file as an operand" },
	{ O_UNMATCHED, 0, "unmatched", required_argument, "error|drop|pass|reject|TAG",
	  "what becomes of a record no rule matches", NULL },
	STD_OPTS_FORMAT,
	STD_OPTS_REJECTS,
	STD_OPTS_BASE,
	STD_OPTS_STATS,
	MIG_OPTS_END,
};

static const struct mig_cmd cmd = {
	"mig-split [options] [-e rule]... [-f rulesfile]... [rule] [file]",
	"Route the records of a tag to several tags by condition.",
	options, 0,
};

static void rule_fail(const char *where, struct lex *l)
{
	die(MIG_EXIT_USAGE, "%s:%zu: %s", where, lex_errpos(l), lex_error(l));
}

static char *take_name(struct lex *l, const char *what)
{
	char *s;

	if (!lex_is_name(l) || !l->text.len) {
		lex_fail(l, "expected %s, found '%s'", what, lex_what(l));
		return NULL;
	}
	s = estrdup(l->text.buf);
	lex_next(l);
	return s;
}

static void route_free(struct route *r);

/*
 * A tag all of whose records leave under one other tag (a split into
 * patients alone, say) takes its count hint there, as mig-map's renames
 * do: the stages after it still size their work by it.  The hint is then
 * an upper bound, which is what a hint is allowed to be.  Records that may
 * leave under several tags keep the hint where it was.
 */
static void rename_hint(struct filter *fl, const struct source *s)
{
	const char *to = unmatched == UN_PASS ? s->tag : unmatched == UN_TAG ? unmatched_tag : NULL;
	size_t i;

	for (i = 0; i < s->n; i++) {
		if (to && strcmp(to, s->r[i]->dst))
			return;
		to = s->r[i]->dst;
	}
	if (to && strcmp(to, s->tag))
		filter_rename(fl, s->tag, to);
}

/* Parse one rule at the current token into r; -1 with the lexer's error set. */
static int parse_rule_into(struct lex *l, struct route *r)
{
	size_t i, j;

	if (!(r->src = take_name(l, "a tag")))
		return -1;
	if (l->tok == LX_ARROW) {
		lex_next(l);
		if (!(r->dst = take_name(l, "a tag after '->'")))
			return -1;
		if (l->tok == LX_LP) {
			do {
				lex_next(l);
				r->cols = ereallocarray(r->cols, r->ncols + 1, sizeof(char *));
				r->as = ereallocarray(r->as, r->ncols + 1, sizeof(char *));
				r->as[r->ncols] = NULL;
				if (!(r->cols[r->ncols++] = take_name(l, "a column name")))
					return -1;
				if (lex_is(l, "as")) {
					lex_next(l);
					if (!(r->as[r->ncols - 1] = take_name(l, "a column name after 'as'")))
						return -1;
				}
			} while (l->tok == LX_COMMA);
			if (l->tok != LX_RP) {
				lex_fail(l, "expected ',' or ')' in the column list, found '%s'", lex_what(l));
				return -1;
			}
			for (i = 0; i < r->ncols; i++)
				for (j = 0; j < i; j++)
					if (!strcmp(r->as[i] ? r->as[i] : r->cols[i], r->as[j] ? r->as[j] : r->cols[j]))
						return lex_fail(l, "column '%s' twice in the projection",
								r->as[i] ? r->as[i] : r->cols[i]);
			lex_next(l);
		}
	} else {
		r->dst = estrdup(r->src);
	}
	if (lex_is(l, "where")) {
		lex_next(l);
		if (!(r->pred = lang_parse(l, &pred_opts)))
			return -1;
	}
	if (l->tok != LX_EOF && l->tok != LX_SEMI) {
		lex_fail(l, "expected 'where', '->' or the end of the rule, found '%s'", lex_what(l));
		return -1;
	}
	return 0;
}

static struct route *parse_rule(struct lex *l, const char *where)
{
	struct route *r = ecalloc(1, sizeof(*r));

	r->where = estrdup(where);
	if (parse_rule_into(l, r) < 0) {
		route_free(r);
		return NULL;
	}
	return r;
}

static void route_free(struct route *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->ncols; i++) {
		free(r->cols[i]);
		free(r->as[i]);
	}
	free(r->cols);
	free(r->as);
	lang_free(r->pred);
	free(r->idx);
	free(r->of);
	mig_header_free(r->out);
	free(r->src);
	free(r->dst);
	free(r->where);
	free(r);
}

static void add_route(struct strmap *srcs, struct source ***order, size_t *nsrc, struct route *r)
{
	struct source *s = strmap_get(srcs, r->src, strlen(r->src));

	if (!s) {
		s = ecalloc(1, sizeof(*s));
		s->tag = estrdup(r->src);
		strmap_put(srcs, s->tag, strlen(s->tag), s);
		*order = ereallocarray(*order, *nsrc + 1, sizeof(**order));
		(*order)[(*nsrc)++] = s;
	}
	s->r = ereallocarray(s->r, s->n + 1, sizeof(*s->r));
	s->r[s->n++] = r;
}

/* Parse every rule of text (';'-separated) into routes. */
static void parse_rules(const char *text, const char *where, struct strmap *srcs, struct source ***order,
			size_t *nsrc)
{
	struct lex l;
	struct route *r;

	lex_init(&l, text);
	while (l.tok != LX_EOF) {
		if (l.tok == LX_SEMI) {
			lex_next(&l);
			continue;
		}
		if (!(r = parse_rule(&l, where)))
			rule_fail(where, &l);
		add_route(srcs, order, nsrc, r);
	}
	if (l.tok == LX_ERR)
		rule_fail(where, &l);
	lex_release(&l);
}

struct rule_sink {
	struct strmap *srcs;
	struct source ***order;
	size_t *nsrc;
};

static void rule_line(char *line, const char *where, void *arg)
{
	struct rule_sink *k = arg;

	parse_rules(line, where, k->srcs, k->order, k->nsrc);
}

static void parse_file(const char *path, struct strmap *srcs, struct source ***order, size_t *nsrc)
{
	struct rule_sink k = { srcs, order, nsrc };

	each_rule_line(path, rule_line, &k);
}

static int header_resolve(const char *name, void *arg, enum mig_type *type)
{
	const struct mig_header *h = arg;
	int k = mig_header_find(h, name);

	if (k >= 0)
		*type = h->types[k];
	return k;
}

/* Resolve a source's routes against its new header h and write their headers. */
static void bind(struct source *s, const struct mig_header *h, struct mig_writer *w, const char *input,
		 unsigned long line)
{
	struct buf err = BUF_INIT;
	enum mig_type t;
	size_t i, j;

	s->slots = ereallocarray(s->slots, h->ncols ? h->ncols : 1, sizeof(*s->slots));
	s->nslots = h->ncols;
	s->used = ereallocarray(s->used, h->ncols ? h->ncols : 1, sizeof(*s->used));
	s->nused = 0;
	for (i = 0; i < h->ncols; i++)
		s->slots[i] = (struct lang_val){ "", 0, 1 };
	if (!s->ctx)
		s->ctx = lang_ctx_new(&pred_opts);
	for (i = 0; i < s->n; i++) {
		struct route *r = s->r[i];

		if (r->pred && lang_bind(r->pred, header_resolve, (void *)h, &t, &err) < 0) {
			const char *near = NULL;

			if (!strncmp(err.buf, "unknown column '", 16)) {
				char *name = estrndup(err.buf + 16, strcspn(err.buf + 16, "'"));

				near = lang_near(name, (const char *const *)h->names, h->ncols);
				free(name);
			}
			if (near)
				buf_addf(&err, " (did you mean '%s'?)", near);
			die(MIG_EXIT_USAGE, "%s:%lu: tag '%s': %s (%s)", input, line, h->tag, err.buf, r->where);
		}
		if (r->pred)
			lang_slots_read(r->pred, s->used, &s->nused, s->nslots);
		mig_header_free(r->out);
		r->out = NULL;
		if (r->ncols) {
			r->out = mig_header_new(r->dst, r->ncols);
			r->idx = ereallocarray(r->idx, r->ncols, sizeof(int));
			r->of = ereallocarray(r->of, r->ncols, sizeof(*r->of));
			for (j = 0; j < r->ncols; j++) {
				if ((r->idx[j] = mig_header_find(h, r->cols[j])) < 0)
					die(MIG_EXIT_USAGE, "%s:%lu: tag '%s': unknown column '%s' (%s)", input,
					    line, h->tag, r->cols[j], r->where);
				mig_header_set(r->out, j, r->as[j] ? r->as[j] : r->cols[j],
					       h->types[r->idx[j]]);
			}
		} else if (strcmp(r->dst, h->tag)) {
			r->out = mig_header_dup(h);
			free(r->out->tag);
			r->out->tag = estrdup(r->dst);
		}
		mig_write_header_once(w, r->out ? r->out : h);
	}
	if (unmatched == UN_TAG) {
		mig_header_free(s->unm);
		s->unm = mig_header_dup(h);
		free(s->unm->tag);
		s->unm->tag = estrdup(unmatched_tag);
		mig_write_header_once(w, s->unm);
	}
	s->bound = h->id;
	buf_release(&err);
}

struct showctx {
	struct buf *b;
	const struct mig_field *f;
	struct strmap seen;
};

static void show_col(const char *name, int idx, void *arg)
{
	struct showctx *c = arg;

	if (idx < 0)
		return;
	{
	const struct mig_field *v = &c->f[idx];

	if (strmap_get(&c->seen, name, strlen(name)))
		return;
	strmap_put(&c->seen, name, strlen(name), (void *)1);
	buf_adds(c->b, c->seen.count > 1 ? ", " : " (");
	buf_adds(c->b, name);
	if (v->null) {
		buf_adds(c->b, " is null");
	} else {
		buf_adds(c->b, "='");
		buf_add(c->b, v->val, v->len);
		buf_addc(c->b, '\'');
	}
	}
}

static _Noreturn void no_route(const struct source *s, const struct mig_item *it)
{
	struct buf b = BUF_INIT;
	struct showctx c = { &b, it->f, STRMAP_INIT };
	size_t i;

	buf_addf(&b, "%s:%llu: record matched no route", it->hdr->tag, it->row);
	if (so.show_values) {
		for (i = 0; i < s->n; i++)
			if (s->r[i]->pred)
				lang_columns(s->r[i]->pred, show_col, &c);
		if (c.seen.count)
			buf_addc(&b, ')');
	}
	die(MIG_EXIT_DATA, "%s", b.buf);
}

static void emit(struct mig_writer *w, const struct mig_header *h, const struct mig_field *f,
		 const struct mig_item *it)
{
	if (mig_write_record(w, h, f) < 0)
		die(MIG_EXIT_DATA, "%s:%llu: %s", it->hdr->tag, it->row, mig_writer_error(w));
}

static void route_record(struct source *s, const struct mig_item *it, struct mig_writer *w,
			 struct rejects *rj)
{
	char where[512];
	int hit = 0;
	size_t i, j;

	/* Most rules read a column or two of many: fill only those. */
	for (i = 0; i < s->nused; i++) {
		const struct mig_field *f = &it->f[s->used[i]];

		s->slots[s->used[i]] = (struct lang_val){ f->val, f->len, f->null };
	}
	lang_ctx_record(s->ctx, s->slots, it);
	for (i = 0; i < s->n; i++) {
		struct route *r = s->r[i];
		int m;

		if (r->pred && (m = lang_truth(s->ctx, r->pred)) != 1) {
			if (m < 0) {
				mig_writer_flush(w);
				die(MIG_EXIT_DATA, "%s:%llu: %s: %s", it->hdr->tag, it->row, r->where, lang_why(s->ctx));
			}
			continue;
		}
		hit = 1;
		r->count++;
		if (r->ncols) {
			for (j = 0; j < r->ncols; j++)
				r->of[j] = it->f[r->idx[j]];
			emit(w, r->out, r->of, it);
		} else {
			emit(w, r->out ? r->out : it->hdr, it->f, it);
		}
	}
	if (hit) {
		s->lc->out++;
		return;
	}
	s->unmatched++;
	switch (unmatched) {
	case UN_ERROR:
		mig_writer_flush(w);
		no_route(s, it);
	case UN_DROP:
		s->lc->dropped++;
		break;
	case UN_PASS:
		s->lc->out++;
		emit(w, it->hdr, it->f, it);
		break;
	case UN_TAG:
		s->lc->out++;
		emit(w, s->unm, it->f, it);
		break;
	case UN_REJECT:
		snprintf(where, sizeof(where), "%s:%llu", it->hdr->tag, it->row);
		if (rejects_add(rj, it->hdr, it->f, where, "record matched no route") < 0) {
			mig_writer_flush(w);
			die(MIG_EXIT_DATA, "%s: record matched no route, and that is more than %lld rejects",
			    where, so.max_rejects);
		}
		s->lc->rejected++;
		break;
	}
}

/* Per-route counts go into the ledger as to:TAG extras, so fan-out is visible. */
static void account(struct source **order, size_t nsrc)
{
	size_t i, j;
	char name[1024];

	for (i = 0; i < nsrc; i++) {
		struct source *s = order[i];

		if (!s->lc)
			continue;
		for (j = 0; j < s->n; j++) {
			snprintf(name, sizeof(name), "to:%s", s->r[j]->dst);
			ledger_add_extra(s->lc, name, s->r[j]->count);
		}
		if (unmatched == UN_PASS || unmatched == UN_TAG) {
			snprintf(name, sizeof(name), "to:%s", unmatched == UN_PASS ? s->tag : unmatched_tag);
			ledger_add_extra(s->lc, name, s->unmatched);
		}
		if (so.verbose) {
			for (j = 0; j < s->n; j++)
				fprintf(stderr, "mig-split: %s -> %s: %llu (%s)\n", s->tag, s->r[j]->dst,
					s->r[j]->count, s->r[j]->where);
			fprintf(stderr, "mig-split: %s: %llu in, %llu unmatched\n", s->tag, s->lc->in,
				s->unmatched);
		}
	}
}

int main(int argc, char **argv)
{
	struct strmap srcs = STRMAP_INIT;
	struct source **order = NULL, *cs;
	struct filter fl;
	struct mig_reader *rd;
	struct mig_writer *w;
	struct rejects *rj = NULL;
	struct mig_item it;
	struct filter_args fa = FILTER_ARGS_INIT;
	char where[64];
	size_t nsrc = 0, nrule = 0, i, j;
	int c, ret;

	argv0 = "mig-split";
	while ((c = opts_next(argc, argv, &cmd)) != -1) {
		if (filter_option(&fa, c, optarg))
			continue;
		switch (c) {
		case O_UNMATCHED:
			if (!strcmp(optarg, "error"))
				unmatched = UN_ERROR;
			else if (!strcmp(optarg, "drop"))
				unmatched = UN_DROP;
			else if (!strcmp(optarg, "pass"))
				unmatched = UN_PASS;
			else if (!strcmp(optarg, "reject"))
				unmatched = UN_REJECT;
			else if (*optarg && !strpbrk(optarg, ",\"\r\n")) {
				unmatched = UN_TAG;
				unmatched_tag = optarg;
			} else
				die(MIG_EXIT_USAGE, "--unmatched: bad policy or tag '%s'", optarg);
			break;
		default:
			std_option(c, optarg, &so, &cmd);
		}
	}
	filter_operands(&fa, argc, argv, &cmd);
	input = fa.input;
	if (unmatched == UN_REJECT && !so.reject)
		die(MIG_EXIT_USAGE, "--unmatched reject needs --reject FILE");
	std_opts_check(&so);
	for (i = 0; i < fa.nrules; i++) {
		if (fa.rules[i].is_file) {
			parse_file(fa.rules[i].text, &srcs, &order, &nsrc);
			continue;
		}
		snprintf(where, sizeof(where), "rule %zu", ++nrule);
		parse_rules(fa.rules[i].text, where, &srcs, &order, &nsrc);
	}
	filter_args_release(&fa);

	rd = mig_reader_open(input, 0);
	w = mig_writer_new(1, "<stdout>", so.format, 0);
	if (so.reject)
		rj = rejects_open(so.reject, "mig-split", so.max_rejects);
	filter_init(&fl, "mig-split", rd, w, std_progress(&so), 0);
	fl.work = filter_work_map;
	fl.arg = &srcs;
	for (i = 0; i < nsrc; i++)
		rename_hint(&fl, order[i]);
	while ((ret = filter_next(&fl, &it)) > 0) {
		cs = fl.cur;
		cs->lc = fl.lc;
		if (cs->bound != it.hdr->id)
			bind(cs, it.hdr, w, mig_reader_name(rd), it.line);
		if (it.kind == MIG_RECORD)
			route_record(cs, &it, w, rj);
	}
	if (ret < 0)
		filter_input_error(&fl);
	filter_end(&fl);
	/* A rule for a tag that never came did nothing: say so, not exit 0. */
	for (i = 0; i < nsrc; i++) {
		const char *tag = order[i]->tag, *near;

		if (strmap_get(&fl.ledger.tags, tag, strlen(tag)))
			continue;
		mig_writer_flush(w);
		if ((near = lang_near(tag, (const char *const *)fl.ledger.order, fl.ledger.n)))
			die(MIG_EXIT_USAGE, "%s: tag '%s' never came in the stream (did you mean '%s'?)",
			    order[i]->r[0]->where, tag, near);
		die(MIG_EXIT_USAGE, "%s: tag '%s' never came in the stream", order[i]->r[0]->where, tag);
	}
	account(order, nsrc);
	filter_stats(&fl);
	if (rj)
		rejects_close(rj);
	mig_writer_close(w);
	mig_reader_free(rd);
	for (i = 0; i < nsrc; i++) {
		for (j = 0; j < order[i]->n; j++)
			route_free(order[i]->r[j]);
		free(order[i]->r);
		mig_header_free(order[i]->unm);
		free(order[i]->slots);
		free(order[i]->used);
		lang_ctx_free(order[i]->ctx);
		free(order[i]->tag);
		free(order[i]);
	}
	free(order);
	strmap_release(&srcs);
	filter_release(&fl);
	return 0;
}
