/*
 * mig-rekey - new keys, crosswalks, foreign keys rewritten, unique columns
 * and duplicates merged, on a mig record stream.  See mig-rekey(1).
 */
#include <ctype.h>
#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ledger.h"
#include "opts.h"
#include "progress.h"
#include "rec.h"
#include "rejects.h"
#include "rekey.h"
#include "util.h"
#include "uuid5.h"
#include "banned.h"

static struct std_opts so = STD_OPTS_INIT;

enum { O_KEEP_OLD = 256, O_UNIQUE_NOCASE, O_RULES };

/* The rule options' long names are the rule names of a rules file. */
static const struct mig_opt options[] = {
	{ 'e', 'e', "rule", required_argument, "RULE", "a rule line, as in a rules file; repeatable", NULL },
	{ 'f', 'f', "file", required_argument, "FILE", "read rules from FILE, one per line; repeatable", NULL },
	{ O_RULES, 0, "rules", required_argument, "FILE", NULL, "use --file" },
	{ 'k', 'k', "key", required_argument, "TAG.COLUMN=GEN", "give TAG new keys: keep, seq[:START], uuid4, uuid7, uuid5:NS", NULL },
	{ O_KEEP_OLD, 0, "keep-old", required_argument, "TAG.COLUMN", "keep the old key in COLUMN", NULL },
	{ 'x', 'x', "crosswalk", required_argument, "TAG=FILE", "write TAG's old and new keys to FILE", NULL },
	{ 'l', 'l', "load-crosswalk", required_argument, "NAME=FILE", "read a crosswalk FILE to resolve references", NULL },
	{ 'r', 'r', "ref", required_argument, "TAG.COLUMN=SOURCE[:COLUMN],...", "rewrite a reference through SOURCE's keys", NULL },
	{ 'u', 'u', "unique", required_argument, "TAG.COLUMN,...", "columns whose values must be unique", NULL },
	{ O_UNIQUE_NOCASE, 0, "unique-nocase", required_argument, "TAG.COLUMN,...", "unique regardless of case", NULL },
	{ 'd', 'd', "dedupe", required_argument, "'TAG on (COLUMN,...)'", "merge records equal on COLUMNs", NULL },
	{ 'm', 'm', "on-missing", required_argument, "error|null|drop|reject", "what a reference to no key becomes", NULL },
	{ 'a', 'a', "audit", required_argument, "FILE", "write every changed value to FILE", NULL },
	STD_OPTS_FORMAT,
	STD_OPTS_REJECTS,
	STD_OPTS_BASE,
	STD_OPTS_STATS,
	MIG_OPTS_END,
};

static const struct mig_cmd cmd = {
	"mig-rekey [options] [-e rule]... [-f rulesfile]... [rule] [file]",
	"Give records new keys and rewrite the references to them.",
	options, 0,
};

/* Everything one run holds, passed around instead of globals. */
struct run {
	struct rules rules;
	struct mig_reader *r;
	struct mig_writer *w;
	struct rejects *rj;
	struct xwalk_out audit;
	int have_audit;
	struct ledger ledger;
	struct progress pg;
	struct rng rng;
	struct uuid7 u7;
	struct uuid5 u5;
	/* per-record scratch */
	struct mig_field *of;
	struct buf *cb;		/* one text buffer per output column */
	size_t ofcap;
	struct buf nk, tmp, tmp2, where;
	unsigned long long last_count;
	char *count_tag;
};

/* The new key of entry i of a rekeyed tag, as text. */
static void render_new(const struct tagrule *t, size_t i, struct buf *out)
{
	const unsigned char *cell = keymap_val(&t->map, i);
	uint64_t v;
	char u[37];

	switch (t->gen) {
	case G_SEQ:
		memcpy(&v, cell, 8);
		buf_add_i64(out, (int64_t)v);
		break;
	case G_KEEP:
		memcpy(&v, cell, 8);
		keymap_old(&t->map, (size_t)v, out);
		break;
	default:
		uuid_format(cell, u);
		buf_add(out, u, 36);
		break;
	}
}

static void render_file(const struct xwfile *x, size_t i, struct buf *out)
{
	xwalk_value(&x->map, x->type, i, out);
}

static enum mig_type gen_type(const struct tagrule *t, enum mig_type same)
{
	switch (t->gen) {
	case G_KEEP:
		return same;
	case G_SEQ:
		return MIG_T_INT;
	default:
		return MIG_T_UUID;
	}
}

static enum mig_type src_type(const struct refsrc *s, enum mig_type same)
{
	if (s->tag)
		return s->tag->has_key && s->tag->gen == G_KEEP ? same : gen_type(s->tag, same);
	return s->file->type == MIG_T_ANY ? same : s->file->type;
}

_Noreturn static void no_column(struct run *run, unsigned long line, const char *tag,
				const char *col, const char *rule, const char *text)
{
	mig_writer_flush(run->w);
	die(MIG_EXIT_USAGE, "%s:%lu: tag '%s' has no column '%s' (rule '%s %s')",
	    mig_reader_name(run->r), line, tag, col, rule, text);
}

/* Output header and field sources for a new input header of a ruled tag. */
static void build_plan(struct run *run, struct tagrule *t, const struct mig_header *h,
		       unsigned long line)
{
	struct plan *p = &t->plan;
	size_t nout = 0, cap = h->ncols + 1, i, j, k;
	char **names;
	enum mig_type *types;
	long *from;
	int c;

	plan_free(t);
	for (i = 0; i < t->nrefs; i++)
		cap += t->refs[i].nsrc;
	names = ecalloc(cap, sizeof(*names));
	types = ecalloc(cap, sizeof(*types));
	from = ecalloc(cap, sizeof(*from));
	p->keyin = p->keyout = p->keepout = -1;
	if (t->has_key && (p->keyin = mig_header_find(h, t->keycol)) < 0)
		no_column(run, line, t->tag, t->keycol, "key", t->keytext);
	p->refin = ecalloc(t->nrefs + 1, sizeof(*p->refin));
	for (i = 0; i < t->nrefs; i++)
		if ((p->refin[i] = mig_header_find(h, t->refs[i].col)) < 0)
			no_column(run, line, t->tag, t->refs[i].col, "ref", t->refs[i].text);
	/* input columns, less a referencing column whose values all move elsewhere */
	for (i = 0; i < h->ncols; i++) {
		int keep = 1;

		for (j = 0; j < t->nrefs; j++) {
			if ((size_t)p->refin[j] != i)
				continue;
			keep = 0;
			for (k = 0; k < t->refs[j].nsrc; k++)
				if (!t->refs[j].src[k].col || !strcmp(t->refs[j].src[k].col, t->refs[j].col))
					keep = 1;
		}
		if (!keep)
			continue;
		names[nout] = h->names[i];
		types[nout] = h->types[i];
		from[nout++] = (long)i;
	}
	if (t->has_key) {
		for (j = 0; j < nout; j++)
			if (from[j] == p->keyin)
				p->keyout = (long)j;
		types[p->keyout] = gen_type(t, h->types[p->keyin]);
	}
	if (t->keepold) {
		for (j = 0; j < nout && strcmp(names[j], t->keepold); j++)
			;
		if (j == nout) {
			names[nout] = t->keepold;
			from[nout++] = -1;
		}
		types[j] = h->types[p->keyin];
		p->keepout = (long)j;
	}
	p->refout = ecalloc(t->nrefs + 1, sizeof(*p->refout));
	p->refclear = ecalloc(t->nrefs + 1, sizeof(*p->refclear));
	for (i = 0; i < t->nrefs; i++) {
		struct refrule *rr = &t->refs[i];
		enum mig_type in = h->types[p->refin[i]];
		size_t nclear = 0;

		p->refout[i] = ecalloc(rr->nsrc, sizeof(long));
		p->refclear[i] = ecalloc(rr->nsrc + 1, sizeof(long));
		for (k = 0; k < rr->nsrc; k++) {
			const char *col = rr->src[k].col ? rr->src[k].col : rr->col;
			enum mig_type ty = src_type(&rr->src[k], in);
			size_t m;

			for (j = 0; j < nout && strcmp(names[j], col); j++)
				;
			if (j == nout) {
				names[nout] = (char *)col;
				types[nout] = ty;
				from[nout++] = -1;
			} else {
				int first = 1;

				for (m = 0; m < nclear; m++)
					if (p->refclear[i][m] == (long)j)
						first = 0;
				/* sources disagreeing on a column's type leave it text */
				if (first)
					types[j] = ty;
				else if (types[j] != ty)
					types[j] = MIG_T_TEXT;
			}
			p->refout[i][k] = (long)j;
			for (m = 0; m < nclear && p->refclear[i][m] != (long)j; m++)
				;
			if (m == nclear)
				p->refclear[i][nclear++] = (long)j;
		}
		p->refclear[i][nclear] = -1;
	}
	p->ddin = ecalloc(t->dd ? t->dd->ncols + 1 : 1, sizeof(*p->ddin));
	for (i = 0; t->dd && i < t->dd->ncols; i++)
		if ((p->ddin[i] = mig_header_find(h, t->dd->cols[i])) < 0)
			no_column(run, line, t->tag, t->dd->cols[i], "dedupe", t->dd->text);
	p->uout = ecalloc(t->nuniq + 1, sizeof(*p->uout));
	for (i = 0; i < t->nuniq; i++) {
		for (j = 0; j < nout && strcmp(names[j], t->uniq[i].col); j++)
			;
		if (j == nout)
			no_column(run, line, t->tag, t->uniq[i].col,
				  t->uniq[i].set->nocase ? "unique-nocase" : "unique", t->uniq[i].set->text);
		p->uout[i] = (long)j;
	}
	p->out = mig_header_new(h->tag, nout);
	for (j = 0; j < nout; j++) {
		p->out->names[j] = estrdup(names[j]);
		p->out->types[j] = types[j];
	}
	p->from = from;
	p->hid = h->id;
	free(names);
	free(types);
	if (nout > run->ofcap) {
		run->of = ereallocarray(run->of, nout, sizeof(*run->of));
		run->cb = ereallocarray(run->cb, nout, sizeof(*run->cb));
		for (c = (int)run->ofcap; c < (int)nout; c++)
			buf_init(&run->cb[c]);
		run->ofcap = nout;
	}
}

/* Refuse a record: to the rejects file when there is one, else stop. */
static void refuse(struct run *run, const struct mig_item *it, struct ledger_counts *lc,
		   const char *why)
{
	struct buf *w = &run->where;

	buf_reset(w);
	buf_addf(w, "%s:%llu", it->hdr->tag, it->row);
	if (!so.reject) {
		mig_writer_flush(run->w);
		die(MIG_EXIT_DATA, "%s:%lu: %s: %s", mig_reader_name(run->r), it->line, it->hdr->tag, why);
	}
	if (rejects_add(run->rj, it->hdr, it->f, w->buf, why) < 0) {
		mig_writer_flush(run->w);
		die(MIG_EXIT_DATA, "%s:%lu: %s: %s; more than %lld rejects", mig_reader_name(run->r),
		    it->line, it->hdr->tag, why, so.max_rejects);
	}
	lc->rejected++;
}

static void value_note(struct buf *b, const struct mig_field *f)
{
	if (!so.show_values)
		return;
	buf_adds(b, " (value '");
	buf_add(b, f->val, f->len);
	buf_adds(b, "')");
}

/* "+N" before the last '@' of an email, "-N" at the end of anything else. */
static void suffixed(struct buf *out, const char *v, size_t n, unsigned long long c)
{
	const char *at = memrchr(v, '@', n);

	if (at && at > v) {
		buf_add(out, v, (size_t)(at - v));
		buf_addf(out, "+%llu", c);
		buf_add(out, at, n - (size_t)(at - v));
	} else {
		buf_add(out, v, n);
		buf_addf(out, "-%llu", c);
	}
}

static const char *norm(struct buf *b, const char *v, size_t n, int nocase)
{
	size_t i;

	if (!nocase)
		return v;
	buf_reset(b);
	buf_add(b, v, n);
	for (i = 0; i < n; i++)
		b->buf[i] = (char)tolower((unsigned char)b->buf[i]);
	return b->buf;
}

static void make_unique(struct run *run, struct tagrule *t, const struct mig_item *it,
			struct ledger_counts *lc, size_t u)
{
	struct plan *p = &t->plan;
	struct uniqset *set = t->uniq[u].set;
	long j = p->uout[u];
	struct mig_field *f = &run->of[j];
	const char *k;
	long long e;
	uint64_t c;
	size_t ni;

	/* a suffix on nothing would invent a value: "" is left for mig-map's nullif */
	if (f->null || !f->len)
		return;
	k = norm(&run->tmp, f->val, f->len, set->nocase);
	e = keymap_find(&set->set, k, f->len);
	if (e < 0) {
		c = 2;
		memcpy(keymap_val(&set->set, keymap_add(&set->set, k, f->len)), &c, 8);
		return;
	}
	/* the next counter is kept per value, so n copies cost n tries, not n^2 */
	memcpy(&c, keymap_val(&set->set, (size_t)e), 8);
	buf_reset(&run->tmp2);
	buf_add(&run->tmp2, f->val, f->len);
	for (;;) {
		buf_reset(&run->cb[j]);
		suffixed(&run->cb[j], run->tmp2.buf, run->tmp2.len, c++);
		k = norm(&run->tmp, run->cb[j].buf, run->cb[j].len, set->nocase);
		if (keymap_find(&set->set, k, run->cb[j].len) < 0)
			break;
	}
	memcpy(keymap_val(&set->set, (size_t)e), &c, 8);
	c = 2;
	ni = keymap_add(&set->set, k, run->cb[j].len);
	memcpy(keymap_val(&set->set, ni), &c, 8);
	*f = (struct mig_field){ run->cb[j].buf, run->cb[j].len, 0, 0 };
	ledger_add_extra(lc, "suffixed", 1);
	if (run->have_audit) {
		struct mig_field a[6];
		struct buf *row = &run->where;

		buf_reset(row);
		buf_addf(row, "%llu", it->row);
		a[0] = (struct mig_field){ t->tag, strlen(t->tag), 0, 0 };
		a[1] = (struct mig_field){ row->buf, row->len, 0, 0 };
		a[2] = run->of[p->keyout >= 0 ? p->keyout : 0];
		a[3] = (struct mig_field){ t->uniq[u].col, strlen(t->uniq[u].col), 0, 0 };
		a[4] = (struct mig_field){ run->tmp2.buf, run->tmp2.len, 0, 0 };
		a[5] = *f;
		xwalk_rowv(&run->audit, a, 6);
	}
}

/* Natural key of a record: each column as a NULL mark or its length and bytes. */
static void natural_key(struct buf *b, const struct plan *p, size_t n, const struct mig_field *f)
{
	size_t i;

	buf_reset(b);
	for (i = 0; i < n; i++) {
		const struct mig_field *x = &f[p->ddin[i]];

		if (x->null) {
			buf_addc(b, 'N');
			continue;
		}
		buf_addf(b, "%zu:", x->len);
		buf_add(b, x->val, x->len);
	}
}

static void new_key(struct run *run, struct tagrule *t, unsigned char *cell,
		    const struct mig_field *old, size_t idx, const struct mig_item *it)
{
	uint64_t v;

	switch (t->gen) {
	case G_KEEP:
		v = idx;
		memcpy(cell, &v, 8);
		break;
	case G_SEQ:
		if (t->seqof)
			t = t->seqof;
		if (t->seq_end) {
			mig_writer_flush(run->w);
			die(MIG_EXIT_DATA, "%s:%lu: %s: sequence overflows 64 bits", mig_reader_name(run->r),
			    it->line, it->hdr->tag);
		}
		v = (uint64_t)t->seq;
		memcpy(cell, &v, 8);
		if (t->seq == (long long)(~0ULL >> 1))
			t->seq_end = 1;
		else
			t->seq++;
		break;
	case G_UUID4:
		gen_uuid4(&run->rng, cell);
		break;
	case G_UUID7:
		gen_uuid7(&run->u7, &run->rng, cell);
		break;
	case G_UUID5:
		uuid5_make(&run->u5, t->ns, old->val, old->len, cell);
		break;
	}
}

static void record(struct run *run, struct tagrule *t, const struct mig_item *it,
		   struct ledger_counts *lc)
{
	struct plan *p = &t->plan;
	const struct mig_field *f = it->f, *kv = NULL;
	size_t nout = p->out->ncols, i, k, idx = 0;
	long long existing = -1;
	struct buf *why = &run->tmp;

	for (i = 0; i < nout; i++)
		run->of[i] = p->from[i] >= 0 ? f[p->from[i]] : (struct mig_field){ "", 0, 1, 0 };
	if (t->has_key) {
		kv = &f[p->keyin];
		if (kv->null) {
			buf_reset(why);
			buf_addf(why, "NULL key in column '%s'", t->keycol);
			refuse(run, it, lc, why->buf);
			return;
		}
		existing = keymap_find(&t->map, kv->val, kv->len);
	}
	if (t->dd) {
		long long d;

		natural_key(&run->nk, p, t->dd->ncols, f);
		d = keymap_find(&t->dd->set, run->nk.buf, run->nk.len);
		if (d >= 0) {
			uint64_t kept;
			struct tagrule *kt;

			memcpy(&kept, keymap_val(&t->dd->set, (size_t)d), 8);
			kt = t->dd->tags[kept >> 32];
			kept &= 0xffffffffu;
			if (existing >= 0 && (kt != t || (uint64_t)existing != kept))
				goto dupkey;
			if (existing < 0) {
				idx = keymap_add(&t->map, kv->val, kv->len);
				memcpy(keymap_val(&t->map, idx), keymap_val(&kt->map, kept), t->map.vsize);
				if (t->xwpath) {
					buf_reset(&run->tmp2);
					render_new(t, idx, &run->tmp2);
					xwalk_row(&t->xw, kv->val, kv->len, run->tmp2.buf, run->tmp2.len);
				}
			}
			lc->dropped++;
			ledger_add_extra(lc, "deduped", 1);
			return;
		}
	}
	if (existing >= 0)
		goto dupkey;
	for (i = 0; i < t->nrefs; i++) {
		struct refrule *rr = &t->refs[i];
		const struct mig_field *v = &f[p->refin[i]];
		long *c;

		for (c = p->refclear[i]; *c >= 0; c++)
			run->of[*c] = (struct mig_field){ "", 0, 1, 0 };
		if (v->null)
			continue;
		for (k = 0; k < rr->nsrc; k++) {
			struct refsrc *s = &rr->src[k];
			long long e = keymap_find(s->tag ? &s->tag->map : &s->file->map, v->val, v->len);
			long o = p->refout[i][k];

			if (e < 0)
				continue;
			buf_reset(&run->cb[o]);
			if (s->tag)
				render_new(s->tag, (size_t)e, &run->cb[o]);
			else
				render_file(s->file, (size_t)e, &run->cb[o]);
			run->of[o] = (struct mig_field){ run->cb[o].buf, run->cb[o].len, 0, 0 };
			break;
		}
		if (k < rr->nsrc)
			continue;
		ledger_add_extra(lc, "missing", 1);
		buf_reset(why);
		buf_addf(why, "no key for column '%s' in %s", rr->col, rr->names);
		switch (run->rules.on_missing) {
		case OM_NULL:
			break;
		case OM_DROP:
			lc->dropped++;
			return;
		case OM_REJECT:
			refuse(run, it, lc, why->buf);
			return;
		case OM_ERROR:
			value_note(why, v);
			mig_writer_flush(run->w);
			die(MIG_EXIT_DATA, "%s:%lu: %s: %s", mig_reader_name(run->r), it->line, t->tag,
			    why->buf);
		}
	}
	if (t->has_key) {
		struct buf *out = &run->cb[p->keyout];

		idx = keymap_add(&t->map, kv->val, kv->len);
		new_key(run, t, keymap_val(&t->map, idx), kv, idx, it);
		buf_reset(out);
		render_new(t, idx, out);
		run->of[p->keyout] = (struct mig_field){ out->buf, out->len, 0, 0 };
		if (p->keepout >= 0)
			run->of[p->keepout] = *kv;
		if (t->xwpath)
			xwalk_row(&t->xw, kv->val, kv->len, out->buf, out->len);
		if (t->dd) {
			uint64_t v = (uint64_t)t->ddno << 32 | idx;

			memcpy(keymap_val(&t->dd->set, keymap_add(&t->dd->set, run->nk.buf, run->nk.len)), &v,
			       8);
		}
	}
	for (i = 0; i < t->nuniq; i++)
		make_unique(run, t, it, lc, i);
	if (mig_write_record(run->w, p->out, run->of) < 0) {
		mig_writer_flush(run->w);
		die(MIG_EXIT_DATA, "%s:%lu: %s", mig_reader_name(run->r), it->line,
		    mig_writer_error(run->w));
	}
	lc->out++;
	return;
dupkey:
	buf_reset(why);
	buf_addf(why, "duplicate key in column '%s'", t->keycol);
	value_note(why, kv);
	refuse(run, it, lc, why->buf);
}

static void verbose_report(const struct rules *rules)
{
	size_t i;

	for (i = 0; i < rules->ntags; i++) {
		const struct tagrule *t = rules->tags[i];
		size_t b = keymap_bytes(&t->map) + (t->dd && !t->ddno ? keymap_bytes(&t->dd->set) : 0);

		if (!t->has_key)
			continue;
		fprintf(stderr, "mig-rekey: %s: %zu keys, %zu bytes of key map", t->tag, t->map.n, b);
		if (t->map.n)
			fprintf(stderr, " (%.1f per key)", (double)b / (double)t->map.n);
		fputc('\n', stderr);
	}
}

/* -e "NAME ARGUMENT": one line of a rules file, given inline. */
static void rule_text(struct rules *r, const char *text)
{
	const char *p = text + strspn(text, " \t");
	size_t n = strcspn(p, " \t");
	char *name = estrndup(p, n);

	p += n;
	p += strspn(p, " \t");
	rules_add(r, name, p, "-e: ");
	free(name);
}

int main(int argc, char **argv)
{
	struct run run;
	struct mig_item it;
	const struct mig_header *lasthdr = NULL;
	struct tagrule *lastrule = NULL;
	struct ledger_counts *lastcounts = NULL;
	struct filter_args fa = FILTER_ARGS_INIT;
	int c, ret, i;
	size_t k;

	argv0 = "mig-rekey";
	memset(&run, 0, sizeof(run));
	buf_init(&run.nk);
	buf_init(&run.tmp);
	buf_init(&run.tmp2);
	buf_init(&run.where);
	run.ledger = (struct ledger)LEDGER_INIT;
	uuid5_init(&run.u5);
	while ((c = opts_next(argc, argv, &cmd)) != -1) {
		const char *name = NULL;

		for (i = 0; options[i].val; i++)
			if (options[i].val == c && options[i].name)
				name = options[i].name;
		switch (c) {
		case 'k': case O_KEEP_OLD: case 'x': case 'l': case 'r': case 'u':
		case O_UNIQUE_NOCASE: case 'd': case 'm': case 'a':
			rules_add(&run.rules, name, optarg, "");
			fa.other_rules = 1;
			break;
		case 'e':
			filter_rule(&fa, optarg, 0);
			break;
		case 'f': case O_RULES:
			filter_rule(&fa, optarg, 1);
			break;
		default:
			std_option(c, optarg, &so, &cmd);
		}
	}
	filter_operands(&fa, argc, argv, &cmd);
	for (k = 0; k < fa.nrules; k++)
		if (fa.rules[k].is_file)
			rules_file(&run.rules, fa.rules[k].text);
		else
			rule_text(&run.rules, fa.rules[k].text);
	std_opts_check(&so);
	rules_check(&run.rules, so.reject != NULL);
	if (run.rules.audit) {
		xwalk_open(&run.audit, run.rules.audit, "tag,row,key,column,old,new");
		run.have_audit = 1;
	}
	run.rj = rejects_open(so.reject, "mig-rekey", so.max_rejects);
	run.r = mig_reader_open(fa.input, 0);
	filter_args_release(&fa);
	run.w = mig_writer_new(1, "<stdout>", so.format, 0);
	/* --progress wins over -q */
	progress_init(&run.pg, std_progress(&so));

	while ((ret = mig_reader_next(run.r, &it)) > 0) {
		if (it.kind == MIG_RECORD) {
			if (it.hdr != lasthdr) {
				lasthdr = it.hdr;
				lastrule = rules_tag(&run.rules, it.hdr->tag);
				if (!lastcounts || strcmp(it.hdr->tag, run.pg.label ? run.pg.label : "")) {
					unsigned long long hint = 0;

					if (run.count_tag && !strcmp(run.count_tag, it.hdr->tag))
						hint = run.last_count;
					progress_begin(&run.pg, it.hdr->tag, hint);
				}
				lastcounts = ledger_tag(&run.ledger, it.hdr->tag);
				if (lastrule && lastrule->plan.hid != it.hdr->id)
					build_plan(&run, lastrule, it.hdr, it.line);
			}
			lastcounts->in++;
			progress_tick(&run.pg);
			if (!lastrule) {
				if (mig_write_item(run.w, &it) < 0)
					die(MIG_EXIT_DATA, "%s:%lu: %s", mig_reader_name(run.r), it.line,
					    mig_writer_error(run.w));
				lastcounts->out++;
			} else {
				record(&run, lastrule, &it, lastcounts);
			}
			continue;
		}
		if (it.kind == MIG_HEADER) {
			struct tagrule *t = rules_tag(&run.rules, it.hdr->tag);

			/* a header is checked against the rules even if no record follows */
			lasthdr = NULL;
			if (t) {
				if (t->plan.hid != it.hdr->id)
					build_plan(&run, t, it.hdr, it.line);
				mig_write_header(run.w, t->plan.out);
				continue;
			}
		} else if (mig_count_hint(&it, &run.count_tag, &run.last_count)) {
			struct tagrule *t = rules_tag(&run.rules, run.count_tag);

			/* sized once from the hint rather than doubled ~20 times */
			if (t && t->has_key && run.last_count && run.last_count < 1ULL << 31)
				keymap_reserve(&t->map, run.last_count);
		}
		if (mig_write_item(run.w, &it) < 0)
			die(MIG_EXIT_DATA, "%s:%lu: %s", mig_reader_name(run.r), it.line,
			    mig_writer_error(run.w));
	}
	if (ret < 0) {
		mig_writer_flush(run.w);
		die(MIG_EXIT_DATA, "%s", mig_reader_error(run.r));
	}
	progress_end(&run.pg);
	/* crosswalks are complete on disk before the stream says it is complete */
	for (i = 0; i < (int)run.rules.ntags; i++)
		if (run.rules.tags[i]->xwpath)
			xwalk_close(&run.rules.tags[i]->xw);
	if (run.have_audit)
		xwalk_close(&run.audit);
	ledger_emit(&run.ledger, run.w, "mig-rekey");
	mig_writer_close(run.w);
	rejects_close(run.rj);
	if (so.verbose)
		verbose_report(&run.rules);
	mig_reader_free(run.r);
	rules_release(&run.rules);
	ledger_release(&run.ledger);
	for (c = 0; c < (int)run.ofcap; c++)
		buf_release(&run.cb[c]);
	free(run.cb);
	free(run.of);
	buf_release(&run.nk);
	uuid5_free(&run.u5);
	buf_release(&run.tmp);
	buf_release(&run.tmp2);
	buf_release(&run.where);
	free(run.count_tag);
	/* rejects within --max-rejects are the policy working, counted in the stats */
	return 0;
}
