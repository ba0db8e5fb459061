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

#include "array.h"
#include "filter.h"
#include "opts.h"
#include "rec.h"
#include "rejects.h"
#include "rekey.h"
#include "util.h"
#include "uuid5.h"
#include "banned.h"

static struct std_opts so = STD_OPTS_INIT;

enum { O_KEEP_OLD = 256, O_UNIQUE_NOCASE, O_RULES, O_LOOKUP };

/* The rule options' long names are the rule names of a rules file. */
static const struct mig_opt options[] = {
	{ 'e', 'e', "rule", required_argument, "RULE", "a rule line, as in a rules file; repeatable", NULL },
	{ 'f', 'f', "file", required_argument, "FILE", "read rules from FILE, one per line; repeatable", NULL },
	{ O_RULES, 0, "rules", required_argument, "FILE", NULL, "use --file" },
	{ 'k', 'k', "key", required_argument, "TAG.COLUMN=GEN", "give TAG new keys: keep, seq[:START], uuid4, uuid7, uuid5:NS", NULL },
	{ O_KEEP_OLD, 0, "keep-old", required_argument, "TAG.COLUMN", "keep the old key in COLUMN", NULL },
	{ 'x', 'x', "crosswalk", required_argument, "TAG=FILE", "write TAG's old and new keys to FILE", NULL },
	{ 'l', 'l', "load-crosswalk", required_argument, "NAME=FILE|uuid5:NS", "read a crosswalk FILE to resolve references, or compute UUID v5 keys in NS", NULL },
	{ 'r', 'r', "ref", required_argument, "TAG.COLUMN=SOURCE[:COLUMN],...", "rewrite a reference through SOURCE's keys", NULL },
	{ 'u', 'u', "unique", required_argument, "'TAG.COLUMN,... [ACTION...]'", "columns whose values must be unique; ACTION: suffix[:FORMAT], null, reject, error, keep:first|last|tags:TAG,..., seed:FILE, seed-db:TABLE.COLUMN=URL", NULL },
	{ O_UNIQUE_NOCASE, 0, "unique-nocase", required_argument, "'TAG.COLUMN,... [ACTION...]'", "unique regardless of case", NULL },
	{ 'd', 'd', "dedupe", required_argument, "'TAG,... on (COLUMN,...|*) [OPTION...]'", "merge records equal on COLUMNs; OPTION: match-nulls, keep:first|last|min:C|max:C|tags:T,..., fill[:C,...], ids:C", NULL },
	{ O_LOOKUP, 0, "lookup", required_argument, "'TAG.COLUMN=SOURCE.COLUMN by COLUMN [on KEY] [from FILE] [if-null]'", "fill COLUMN from a SOURCE record earlier in the stream, a saved stream or a crosswalk", NULL },
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
	struct filter fl;
	struct rng rng;
	struct uuid7 u7;
	struct uuid5 u5;
	struct lang_opts lang_opts;	/* none: no password() in a key template */
	struct lang_ctx *lang;		/* evaluates key templates */
	/* per-record scratch */
	struct mig_field *of;
	struct buf *cb;		/* one text buffer per output column */
	size_t ofcap;
	struct buf nk, tmp, tmp2, where;
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

/* A rule names a column the tag's header h does not have: exit 2, at that
 * header, with the nearest of its columns when one is near. */
_Noreturn static void no_column(struct run *run, unsigned long line, const struct mig_header *h,
				const char *col, const char *rule, const char *text)
{
	const char *near = lang_near(col, (const char *const *)h->names, h->ncols);

	mig_writer_flush(run->w);
	if (near)
		die(MIG_EXIT_USAGE, "%s:%lu: tag '%s' has no column '%s' (did you mean '%s'?) (rule '%s %s')",
		    mig_reader_name(run->r), line, h->tag, col, near, rule, text);
	die(MIG_EXIT_USAGE, "%s:%lu: tag '%s' has no column '%s' (rule '%s %s')",
	    mig_reader_name(run->r), line, h->tag, col, rule, text);
}

static int header_resolve(const char *name, void *arg, enum mig_type *type)
{
	const struct mig_header *h = arg;
	int k = mig_header_find(h, name);

	if (k >= 0)
		*type = h->types[k];
	return k;
}

/* Columns of the key's name template to slots of the input header h. */
static void bind_name(struct run *run, struct tagrule *t, const struct mig_header *h, unsigned long line)
{
	struct buf err = BUF_INIT;
	enum mig_type type;

	t->plan.slots = ecalloc(h->ncols + 1, sizeof(*t->plan.slots));
	if (lang_bind(t->name, header_resolve, (void *)h, &type, &err) == 0) {
		buf_release(&err);
		return;
	}
	if (!strncmp(err.buf, "unknown column '", 16)) {
		err.buf[16 + strcspn(err.buf + 16, "'")] = '\0';
		no_column(run, line, h, err.buf + 16, "key", t->keytext);
	}
	mig_writer_flush(run->w);
	die(MIG_EXIT_USAGE, "%s:%lu: tag '%s': key template: %s (rule 'key %s')", mig_reader_name(run->r), line,
	    t->tag, err.buf, t->keytext);
}

struct nullcol {
	const struct lang_val *slots;
	const char *name;
};

static void first_null(const char *name, int slot, void *arg)
{
	struct nullcol *n = arg;

	if (!n->name && slot >= 0 && n->slots[slot].null)
		n->name = name;
}

/*
 * The name of a record's new uuid5 key from its template, into run->tmp2:
 * 0, or -1 with why set (NULL, or an error of a function).
 */
static int eval_name(struct run *run, struct tagrule *t, const struct mig_item *it, struct buf *why)
{
	const struct mig_field *f = it->f;
	struct lang_val *sl = t->plan.slots, v;
	size_t i;

	for (i = 0; i < it->hdr->ncols; i++)
		sl[i] = (struct lang_val){ f[i].val, f[i].len, f[i].null };
	if (!run->lang)
		run->lang = lang_ctx_new(&run->lang_opts);
	lang_ctx_record(run->lang, sl, it);
	buf_reset(why);
	if (lang_eval(run->lang, t->name, &v) < 0) {
		buf_addf(why, "key template: %s", lang_why(run->lang));
		return -1;
	}
	if (v.null) {
		struct nullcol n = { sl, NULL };

		/* say which column made it NULL, for the usual concatenations */
		lang_columns(t->name, first_null, &n);
		if (n.name)
			buf_addf(why, "NULL in column '%s' of the key template", n.name);
		else
			buf_adds(why, "the key template is NULL");
		return -1;
	}
	buf_reset(&run->tmp2);
	buf_add(&run->tmp2, v.p, v.len);
	return 0;
}

/* Output header and field sources for a new input header of a ruled tag. */
static void build_plan(struct run *run, struct tagrule *t, const struct mig_header *h,
		       unsigned long line)
{
	struct plan *p = &t->plan;
	size_t nout = 0, cap = h->ncols + 2 + t->nlk, i, j, k;
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
		no_column(run, line, h, t->keycol, "key", t->keytext);
	if (t->name)
		bind_name(run, t, h, line);
	p->refin = ecalloc(t->nrefs + 1, sizeof(*p->refin));
	for (i = 0; i < t->nrefs; i++)
		if ((p->refin[i] = mig_header_find(h, t->refs[i].col)) < 0)
			no_column(run, line, h, t->refs[i].col, "ref", t->refs[i].text);
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
	p->lkby = ecalloc(t->nlk + 1, sizeof(*p->lkby));
	p->lkout = ecalloc(t->nlk + 1, sizeof(*p->lkout));
	for (i = 0; i < t->nlk; i++) {
		struct lookup *lk = t->lk[i];

		if ((p->lkby[i] = mig_header_find(h, lk->by)) < 0)
			no_column(run, line, h, lk->by, "lookup", lk->text);
		for (j = 0; j < nout && strcmp(names[j], lk->col); j++)
			;
		if (j == nout) {
			names[nout] = lk->col;
			types[nout] = lk->file && lk->file->type != MIG_T_ANY ? lk->file->type : MIG_T_TEXT;
			from[nout++] = -1;
		}
		p->lkout[i] = (long)j;
	}
	/* a lookup reading this tag: its columns are checked here, at the header */
	for (i = 0; i < t->nlksrc; i++) {
		struct lookup *lk = t->lksrc[i];

		if ((lk->srcon = mig_header_find(h, lk->on)) < 0)
			no_column(run, line, h, lk->on, "lookup", lk->text);
		if ((lk->srcval = mig_header_find(h, lk->srccol)) < 0)
			no_column(run, line, h, lk->srccol, "lookup", lk->text);
		lk->srchid = h->id;
	}
	p->idsout = -1;
	if (t->dd && t->dd->idscol) {
		for (j = 0; j < nout && strcmp(names[j], t->dd->idscol); j++)
			;
		if (j == nout) {
			names[nout] = t->dd->idscol;
			from[nout++] = -1;
		}
		types[j] = MIG_T_ARRAY;
		p->idsout = (long)j;
	}
	/* dedupe compares the values written (references already rewritten) */
	p->ddin = ecalloc(nout + 1, sizeof(*p->ddin));
	p->ndd = 0;
	if (t->dd && !t->dd->ncols) {
		for (j = 0; j < nout; j++)
			if ((long)j != p->keyout && (long)j != p->keepout && (long)j != p->idsout)
				p->ddin[p->ndd++] = (long)j;
	}
	for (i = 0; t->dd && i < t->dd->ncols; i++) {
		for (j = 0; j < nout && strcmp(names[j], t->dd->cols[i]); j++)
			;
		if (j < nout)
			p->ddin[p->ndd++] = (long)j;
		else if ((c = mig_header_find(h, t->dd->cols[i])) >= 0)
			p->ddin[p->ndd++] = -2 - c;
		else
			no_column(run, line, h, t->dd->cols[i], "dedupe", t->dd->text);
	}
	p->uout = ecalloc(t->nuniq + 1, sizeof(*p->uout));
	for (i = 0; i < t->nuniq; i++) {
		for (j = 0; j < nout && strcmp(names[j], t->uniq[i].col); j++)
			;
		if (j == nout)
			no_column(run, line, h, t->uniq[i].col,
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
	if ((t->dd && t->dd->hold) || t->uhold) {
		struct rules *ru = &run->rules;
		struct heldhdr *hh = ecalloc(1, sizeof(*hh));

		hh->h = mig_header_dup(p->out);
		hh->keyout = p->keyout;
		hh->idsout = p->idsout;
		hh->uout = ecalloc(t->nuniq + 1, sizeof(*hh->uout));
		memcpy(hh->uout, p->uout, t->nuniq * sizeof(*hh->uout));
		ru->hhs = ereallocarray(ru->hhs, ru->nhhs + 1, sizeof(*ru->hhs));
		ru->hhs[ru->nhhs++] = hh;
		p->hh = hh;
	}
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
static void refuse_fields(struct run *run, const struct mig_header *h, const struct mig_field *f,
			  unsigned long long row, unsigned long line, struct ledger_counts *lc,
			  const char *why)
{
	struct buf *w = &run->where;

	buf_reset(w);
	buf_addf(w, "%s:%llu", h->tag, row);
	if (!so.reject) {
		mig_writer_flush(run->w);
		die(MIG_EXIT_DATA, "%s:%lu: %s: %s", mig_reader_name(run->r), line, h->tag, why);
	}
	if (rejects_add(run->rj, h, f, w->buf, why) < 0) {
		mig_writer_flush(run->w);
		die(MIG_EXIT_DATA, "%s:%lu: %s: %s; more than %lld rejects", mig_reader_name(run->r),
		    line, h->tag, why, so.max_rejects);
	}
	lc->rejected++;
}

static void refuse(struct run *run, const struct mig_item *it, struct ledger_counts *lc,
		   const char *why)
{
	refuse_fields(run, it->hdr, it->f, it->row, it->line, lc, why);
}

static void value_note(struct buf *b, const struct mig_field *f)
{
	if (!so.show_values)
		return;
	buf_adds(b, " (value '");
	buf_add(b, f->val, f->len);
	buf_adds(b, "')");
}

/*
 * The value with counter c: by the rule's format (%v value, %n counter,
 * %l and %d the parts before and after the last '@'), else "+N" before
 * the last '@' of an email and "-N" at the end of anything else.
 */
static void suffixed(struct buf *out, const char *fmt, const char *v, size_t n,
		     unsigned long long c)
{
	const char *at = memrchr(v, '@', n);
	size_t ln = at ? (size_t)(at - v) : n;

	if (!fmt) {
		if (at && at > v) {
			buf_add(out, v, ln);
			buf_addf(out, "+%llu", c);
			buf_add(out, at, n - ln);
		} else {
			buf_add(out, v, n);
			buf_addf(out, "-%llu", c);
		}
		return;
	}
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			buf_addc(out, *fmt);
			continue;
		}
		switch (*++fmt) {
		case 'v':
			buf_add(out, v, n);
			break;
		case 'n':
			buf_addf(out, "%llu", c);
			break;
		case 'l':
			buf_add(out, v, ln);
			break;
		case 'd':
			if (at)
				buf_add(out, at + 1, n - ln - 1);
			break;
		default:
			buf_addc(out, '%');
			break;
		}
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

/* Take a value into a uniqueness set (a seed): no change when it is there. */
static void unique_seed(struct run *run, struct uniqset *set, const char *v, size_t n)
{
	const char *k = norm(&run->tmp, v, n, set->nocase);
	uint64_t c = 2;

	if (keymap_find(&set->set, k, n) < 0)
		memcpy(keymap_val(&set->set, keymap_add(&set->set, k, n)), &c, 8);
}

/*
 * Seed the uniqueness sets: every value of the first column of a mig
 * stream file, or of a table's column as mig-extract reads it from the
 * database (the target's rows already there).
 */
static void load_seeds(struct run *run)
{
	size_t i, j;

	for (i = 0; i < run->rules.nsets; i++) {
		struct uniqset *set = run->rules.sets[i];

		for (j = 0; j < set->nseeds; j++) {
			char *src = set->seeds[j], *eq, path[64];
			struct mig_reader *r;
			struct mig_item it;
			FILE *pf = NULL;
			int ret;

			if (!strncmp(src, "db:", 3)) {
				char exe[4096], *dot, *slash;
				struct buf cmd = BUF_INIT;
				ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

				/* the mig-extract beside this program reads TABLE:COLUMN */
				exe[n > 0 ? n : 0] = '\0';
				slash = strrchr(exe, '/');
				if (slash)
					slash[1] = '\0';
				src += 3;
				eq = strchr(src, '=');
				*eq = '\0';
				dot = strrchr(src, '.');
				if (!dot || dot == src || !dot[1])
					die(MIG_EXIT_USAGE, "unique seed-db:%s: expected TABLE.COLUMN=URL", src);
				*dot = ':';
				if (strchr(src, '\'') || strchr(eq + 1, '\''))
					die(MIG_EXIT_USAGE, "unique seed-db: a quote in the table or URL");
				buf_adds(&cmd, "exec '");
				buf_adds(&cmd, slash ? exe : "");
				buf_adds(&cmd, "mig-extract' -q '");
				buf_adds(&cmd, eq + 1);
				buf_adds(&cmd, "' '");
				buf_adds(&cmd, src);
				buf_adds(&cmd, "'");
				pf = popen(cmd.buf, "r");
				buf_release(&cmd);
				if (!pf)
					die(MIG_EXIT_SYSTEM, "unique seed-db: cannot run mig-extract");
				snprintf(path, sizeof(path), "/dev/fd/%d", fileno(pf));
				src = path;
			}
			r = mig_reader_open(src, 0);
			while ((ret = mig_reader_next(r, &it)) > 0)
				if (it.kind == MIG_RECORD && it.hdr->ncols && !it.f[0].null && it.f[0].len)
					unique_seed(run, set, it.f[0].val, it.f[0].len);
			if (ret < 0)
				die(MIG_EXIT_DATA, "%s", mig_reader_error(r));
			mig_reader_free(r);
			if (pf && pclose(pf) != 0)
				die(MIG_EXIT_DB, "unique seed-db: mig-extract failed");
		}
	}
}

static void audit_row(struct run *run, const char *tag, unsigned long long row,
		      const struct mig_field *key, const char *col, const char *old, size_t on,
		      const struct mig_field *nv)
{
	struct mig_field a[6];
	struct buf *rb = &run->where;

	if (!run->have_audit)
		return;
	buf_reset(rb);
	buf_addf(rb, "%llu", row);
	a[0] = (struct mig_field){ tag, strlen(tag), 0, 0 };
	a[1] = (struct mig_field){ rb->buf, rb->len, 0, 0 };
	a[2] = *key;
	a[3] = (struct mig_field){ col, strlen(col), 0, 0 };
	a[4] = (struct mig_field){ old, on, 0, 0 };
	a[5] = *nv;
	xwalk_rowv(&run->audit, a, 6);
}

/*
 * Unique column u of a record about to be written (fields f of header h,
 * column j): 0 when it may be written (perhaps changed), -1 when the rule
 * rejects it (refused here).
 */
static int make_unique(struct run *run, struct tagrule *t, const struct mig_header *h,
		       struct mig_field *f, long keyj, unsigned long long row, unsigned long line,
		       struct ledger_counts *lc, size_t u, long j)
{
	struct uniqset *set = t->uniq[u].set;
	struct mig_field *v = &f[j];
	const char *k;
	long long e;
	uint64_t c;
	size_t ni;

	/* a suffix on nothing would invent a value: "" is left for mig-map's nullif */
	if (v->null || !v->len)
		return 0;
	k = norm(&run->tmp, v->val, v->len, set->nocase);
	e = keymap_find(&set->set, k, v->len);
	if (e < 0) {
		c = 2;
		memcpy(keymap_val(&set->set, keymap_add(&set->set, k, v->len)), &c, 8);
		return 0;
	}
	buf_reset(&run->tmp2);
	buf_add(&run->tmp2, v->val, v->len);
	switch (set->action) {
	case UA_SUFFIX:
		break;
	case UA_NULL:
		*v = (struct mig_field){ "", 0, 1, 0 };
		ledger_add_extra(lc, "nulled", 1);
		audit_row(run, t->tag, row, &f[keyj >= 0 ? keyj : 0], t->uniq[u].col, run->tmp2.buf,
			  run->tmp2.len, v);
		return 0;
	case UA_REJECT:
	case UA_ERROR: {
		struct buf *why = &run->nk;

		buf_reset(why);
		buf_addf(why, "duplicate value in unique column '%s'", t->uniq[u].col);
		if (so.show_values)
			buf_addf(why, " (value '%.*s')", (int)run->tmp2.len, run->tmp2.buf);
		if (set->action == UA_ERROR) {
			mig_writer_flush(run->w);
			die(MIG_EXIT_DATA, "%s:%lu: %s: %s", mig_reader_name(run->r), line, t->tag, why->buf);
		}
		refuse_fields(run, h, f, row, line, lc, why->buf);
		return -1;
	}
	}
	/* the next counter is kept per value, so n copies cost n tries, not n^2 */
	memcpy(&c, keymap_val(&set->set, (size_t)e), 8);
	for (;;) {
		buf_reset(&run->cb[j]);
		suffixed(&run->cb[j], set->format, run->tmp2.buf, run->tmp2.len, c++);
		k = norm(&run->tmp, run->cb[j].buf, run->cb[j].len, set->nocase);
		if (keymap_find(&set->set, k, run->cb[j].len) < 0)
			break;
	}
	memcpy(keymap_val(&set->set, (size_t)e), &c, 8);
	c = 2;
	ni = keymap_add(&set->set, k, run->cb[j].len);
	memcpy(keymap_val(&set->set, ni), &c, 8);
	*v = (struct mig_field){ run->cb[j].buf, run->cb[j].len, 0, 0 };
	ledger_add_extra(lc, "suffixed", 1);
	audit_row(run, t->tag, row, &f[keyj >= 0 ? keyj : 0], t->uniq[u].col, run->tmp2.buf,
		  run->tmp2.len, v);
	return 0;
}

/*
 * Natural key of a record: each column as a NULL mark or its length and
 * bytes.  -1 when a column is NULL and NULLs do not match: no duplicate.
 */
static int natural_key(struct buf *b, const struct plan *p, int nulls_match,
		       const struct mig_field *in, const struct mig_field *out)
{
	size_t i;

	buf_reset(b);
	for (i = 0; i < p->ndd; i++) {
		long c = p->ddin[i];
		const struct mig_field *x = c >= 0 ? &out[c] : &in[-2 - c];

		if (x->null) {
			if (!nulls_match)
				return -1;
			buf_addc(b, 'N');
			continue;
		}
		buf_addf(b, "%zu:", x->len);
		buf_add(b, x->val, x->len);
	}
	return 0;
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

/* Keep a record of a tag whose dedupe rule chooses a survivor at the end. */
static void hold(struct run *run, struct tagrule *t, const struct mig_item *it,
		 const struct mig_field *kv, long long gno, int head)
{
	struct rules *ru = &run->rules;
	struct plan *p = &t->plan;
	struct dedupe *dd = t->dd;
	size_t n = p->out->ncols, bytes = sizeof(struct held) + n * sizeof(struct mig_field), i;
	struct held *h;
	char *q;

	for (i = 0; i < n; i++)
		bytes += run->of[i].null ? 0 : run->of[i].len + 1;
	bytes += kv ? kv->len + 1 : 0;
	h = ecalloc(1, bytes);
	h->t = t;
	h->hh = p->hh;
	h->f = (struct mig_field *)(h + 1);
	q = (char *)(h->f + n);
	for (i = 0; i < n; i++) {
		h->f[i] = run->of[i];
		if (run->of[i].null)
			continue;
		memcpy(q, run->of[i].val, run->of[i].len);
		h->f[i].val = q;
		q += run->of[i].len + 1;
	}
	if (kv) {
		memcpy(q, kv->val, kv->len);
		h->old = q;
		h->oldn = kv->len;
	}
	h->row = it->row;
	h->line = it->line;
	/* doubled, not grown by one: a million held records must not cost a
	 * million reallocations */
	if (ru->nheld == ru->heldcap) {
		ru->heldcap = ru->heldcap ? ru->heldcap * 2 : 1024;
		ru->held = ereallocarray(ru->held, ru->heldcap, sizeof(*ru->held));
	}
	ru->held[ru->nheld++] = h;
	if (gno < 0)
		return;
	h->group = 1;
	h->gno = (size_t)gno;
	if ((size_t)gno >= dd->ngroups) {
		size_t m = dd->ngroups ? dd->ngroups * 2 : 1024;

		while (m <= (size_t)gno)
			m *= 2;
		dd->gfirst = ereallocarray(dd->gfirst, m, sizeof(*dd->gfirst));
		dd->glast = ereallocarray(dd->glast, m, sizeof(*dd->glast));
		dd->ngroups = m;
	}
	if (head) {
		h->head = 1;
		dd->gfirst[gno] = dd->glast[gno] = ru->nheld;
	} else {
		ru->held[dd->glast[gno] - 1]->next = ru->nheld;
		dd->glast[gno] = ru->nheld;
	}
}

/* Remember a source record's value for the lookups that read its tag. */
static void lookup_collect(struct run *run, struct lookup *lk, const struct mig_header *h,
			   const struct mig_field *f, unsigned long line)
{
	const struct mig_field *k, *v;
	uint64_t ref = LK_NULL;
	long long e;

	if (lk->srchid != h->id) {
		lk->srcon = mig_header_find(h, lk->on);
		lk->srcval = mig_header_find(h, lk->srccol);
		if (lk->srcon < 0)
			no_column(run, line, h, lk->on, "lookup", lk->text);
		if (lk->srcval < 0)
			no_column(run, line, h, lk->srccol, "lookup", lk->text);
		lk->srchid = h->id;
	}
	k = &f[lk->srcon];
	v = &f[lk->srcval];
	if (k->null)
		return;
	if (!v->null)
		ref = arena_add(&lk->vals, v->val, v->len);
	/* a later record of the same key wins, as a later UPDATE would */
	e = keymap_find(&lk->map, k->val, k->len);
	memcpy(keymap_val(&lk->map, e >= 0 ? (size_t)e : keymap_add(&lk->map, k->val, k->len)), &ref, 8);
}

/*
 * Fill lookup i of a record into its output column: 0, or 1 when the
 * record was dropped or refused by the missing-key policy.
 */
static int lookup_apply(struct run *run, struct tagrule *t, size_t i, const struct mig_item *it,
			struct ledger_counts *lc)
{
	struct lookup *lk = t->lk[i];
	struct plan *p = &t->plan;
	const struct mig_field *by = &it->f[p->lkby[i]];
	long o = p->lkout[i];
	struct buf *why = &run->tmp;
	long long e;

	if (lk->ifnull && !run->of[o].null)
		return 0;
	if (by->null) {
		run->of[o] = (struct mig_field){ "", 0, 1, 0 };
		return 0;
	}
	e = keymap_find(lk->file ? &lk->file->map : &lk->map, by->val, by->len);
	if (e >= 0) {
		buf_reset(&run->cb[o]);
		if (lk->file) {
			render_file(lk->file, (size_t)e, &run->cb[o]);
		} else {
			uint64_t ref;
			const char *v;
			size_t n;

			memcpy(&ref, keymap_val(&lk->map, (size_t)e), 8);
			if (ref == LK_NULL) {
				run->of[o] = (struct mig_field){ "", 0, 1, 0 };
				return 0;
			}
			v = arena_get(&lk->vals, ref, &n);
			buf_add(&run->cb[o], v, n);
		}
		run->of[o] = (struct mig_field){ run->cb[o].buf, run->cb[o].len, 0, 0 };
		return 0;
	}
	ledger_add_extra(lc, "missing", 1);
	buf_reset(why);
	buf_addf(why, "no %s record for column '%s' (rule 'lookup %s')", lk->src, lk->by, lk->text);
	switch (run->rules.on_missing) {
	case OM_NULL:
		run->of[o] = (struct mig_field){ "", 0, 1, 0 };
		return 0;
	case OM_DROP:
		lc->dropped++;
		return 1;
	case OM_REJECT:
		refuse(run, it, lc, why->buf);
		return 1;
	case OM_ERROR:
		break;
	}
	value_note(why, by);
	mig_writer_flush(run->w);
	die(MIG_EXIT_DATA, "%s:%lu: %s: %s", mig_reader_name(run->r), it->line, t->tag, why->buf);
}

static void record(struct run *run, struct tagrule *t, const struct mig_item *it,
		   struct ledger_counts *lc)
{
	struct plan *p = &t->plan;
	const struct mig_field *f = it->f, *kv = NULL;
	size_t nout = p->out->ncols, i, k, idx = 0;
	long long existing = -1, gno = -1;
	struct buf *why = &run->tmp;
	int keyed = 0;

	for (i = 0; i < nout; i++)
		run->of[i] = p->from[i] >= 0 ? f[p->from[i]] : (struct mig_field){ "", 0, 1, 0 };
	for (i = 0; i < t->nlksrc; i++)
		lookup_collect(run, t->lksrc[i], it->hdr, f, it->line);
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
			long o = p->refout[i][k];
			long long e;

			if (s->file && s->file->computed) {
				unsigned char u[16];

				uuid5_make(&run->u5, s->file->ns, v->val, v->len, u);
				buf_reset(&run->cb[o]);
				buf_grow(&run->cb[o], 37);
				uuid_format(u, run->cb[o].buf);
				run->cb[o].len = 36;
				run->of[o] = (struct mig_field){ run->cb[o].buf, 36, 0, 0 };
				break;
			}
			e = keymap_find(s->tag ? &s->tag->map : &s->file->map, v->val, v->len);
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
	for (i = 0; i < t->nlk; i++)
		if (lookup_apply(run, t, i, it, lc))
			return;
	/* after the references: rows that became the same through them are duplicates */
	if (t->dd && natural_key(&run->nk, p, t->dd->nulls_match, f, run->of) == 0) {
		long long d;

		keyed = 1;
		d = keymap_find(&t->dd->set, run->nk.buf, run->nk.len);
		if (d >= 0) {
			uint64_t kept;
			struct tagrule *kt;

			memcpy(&kept, keymap_val(&t->dd->set, (size_t)d), 8);
			kt = t->dd->tags[kept >> 32];
			kept &= 0xffffffffu;
			if (t->has_key && existing >= 0 && (kt != t || (uint64_t)existing != kept))
				goto dupkey;
			if (t->has_key && existing < 0) {
				idx = keymap_add(&t->map, kv->val, kv->len);
				memcpy(keymap_val(&t->map, idx), keymap_val(&kt->map, kept), t->map.vsize);
				if (t->xwpath) {
					buf_reset(&run->tmp2);
					render_new(t, idx, &run->tmp2);
					xwalk_row(&t->xw, kv->val, kv->len, run->tmp2.buf, run->tmp2.len);
				}
			}
			if (t->dd->hold) {
				if (t->has_key) {
					struct buf *out = &run->cb[p->keyout];

					buf_reset(out);
					render_new(t, existing >= 0 ? (size_t)existing : idx, out);
					run->of[p->keyout] = (struct mig_field){ out->buf, out->len, 0, 0 };
				}
				hold(run, t, it, kv, d, 0);
				return;
			}
			lc->dropped++;
			ledger_add_extra(lc, "deduped", 1);
			return;
		}
	}
	if (existing >= 0)
		goto dupkey;
	if (t->has_key) {
		struct buf *out = &run->cb[p->keyout];

		struct mig_field name = *kv;

		/* the name comes from the template; the crosswalk keeps the old key */
		if (t->name) {
			if (eval_name(run, t, it, why) < 0) {
				refuse(run, it, lc, why->buf);
				return;
			}
			name = (struct mig_field){ run->tmp2.buf, run->tmp2.len, 0, 0 };
		}
		idx = keymap_add(&t->map, kv->val, kv->len);
		new_key(run, t, keymap_val(&t->map, idx), &name, idx, it);
		buf_reset(out);
		render_new(t, idx, out);
		run->of[p->keyout] = (struct mig_field){ out->buf, out->len, 0, 0 };
		if (p->keepout >= 0)
			run->of[p->keepout] = *kv;
		if (t->xwpath)
			xwalk_row(&t->xw, kv->val, kv->len, out->buf, out->len);
	}
	if (keyed) {
		uint64_t v = (uint64_t)t->ddno << 32 | idx;

		gno = (long long)keymap_add(&t->dd->set, run->nk.buf, run->nk.len);
		memcpy(keymap_val(&t->dd->set, (size_t)gno), &v, 8);
	}
	if (t->dd && t->dd->hold) {
		hold(run, t, it, kv, gno, 1);
		return;
	}
	/* who keeps a unique value is known only at the end of the stream */
	if (t->uhold) {
		hold(run, t, it, kv, -1, 0);
		return;
	}
	for (i = 0; i < t->nuniq; i++)
		if (make_unique(run, t, p->out, run->of, p->keyout, it->row, it->line, lc, i,
				p->uout[i]) < 0)
			return;
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

/* A column of a held record by name, or NULL when its header lacks it. */
static const struct mig_field *held_col(const struct held *h, const char *name)
{
	int c = mig_header_find(h->hh->h, name);

	return c < 0 ? NULL : &h->f[c];
}

static int num_text(const char *s, size_t n, double *d)
{
	char tmp[64], *e;

	if (!n || n >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	*d = strtod(tmp, &e);
	return *e ? -1 : 0;
}

/* Order of two values: numbers as numbers, anything else (ISO dates too) as bytes. */
static int value_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	double x, y;
	int c;

	if (!num_text(a, an, &x) && !num_text(b, bn, &y))
		return (x > y) - (x < y);
	c = memcmp(a, b, an < bn ? an : bn);
	return c ? c : (an > bn) - (an < bn);
}

/* Does a come before b in survivor order?  Ties keep stream order. */
static int before(const struct dedupe *dd, const struct held *a, const struct held *b)
{
	const struct mig_field *x, *y;
	size_t i, pa = dd->nprio, pb = dd->nprio;
	int c;

	switch (dd->keep) {
	case SV_FIRST:
		return 0;
	case SV_LAST:
		return 1;
	case SV_TAGS:
		for (i = 0; i < dd->nprio; i++) {
			if (!strcmp(dd->prio[i], a->t->tag))
				pa = i;
			if (!strcmp(dd->prio[i], b->t->tag))
				pb = i;
		}
		return pa < pb;
	case SV_MIN:
	case SV_MAX:
		x = held_col(a, dd->keepcol);
		y = held_col(b, dd->keepcol);
		/* NULL (or no such column) loses either way */
		if (!x || x->null)
			return 0;
		if (!y || y->null)
			return 1;
		c = value_cmp(x->val, x->len, y->val, y->len);
		return dd->keep == SV_MIN ? c < 0 : c > 0;
	}
	return 0;
}

static int cmp_old(const struct held *a, const struct held *b)
{
	int64_t x, y;

	if (!canon_int(a->old, a->oldn, &x) && !canon_int(b->old, b->oldn, &y))
		return (x > y) - (x < y);
	return value_cmp(a->old, a->oldn, b->old, b->oldn);
}

/* The group's old keys, ascending (as numbers when all are), once each,
 * as the stream's array (array.h: PostgreSQL's literal). */
static void ids_array(struct buf *out, struct held **m, size_t n)
{
	struct held **v = ereallocarray(NULL, n, sizeof(*v));
	size_t i, j, k = 0;

	memcpy(v, m, n * sizeof(*v));
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && cmp_old(v[j - 1], v[j]) > 0; j--) {
			struct held *x = v[j];

			v[j] = v[j - 1];
			v[j - 1] = x;
		}
	buf_reset(out);
	for (i = 0; i < n; i++) {
		if (i && v[i]->oldn == v[i - 1]->oldn && !memcmp(v[i]->old, v[i - 1]->old, v[i]->oldn))
			continue;
		arr_add(out, !k++, v[i]->old, v[i]->oldn, 0);
	}
	arr_end(out, !k);
	free(v);
}

static int fills(const struct dedupe *dd, const char *col)
{
	size_t i;

	if (!dd->nfill)
		return 1;
	for (i = 0; i < dd->nfill; i++)
		if (!strcmp(dd->fillcols[i], col))
			return 1;
	return 0;
}

/* Write one held record, or its group's survivor filled from the others. */
/*
 * What a held record (or the group it heads) is written as, in run->of:
 * the survivor, its empty fields filled, the merged ids.  Returns the
 * survivor; *mp, *np: the group in survivor order (the caller frees).
 */
static struct held *compose_held(struct run *run, struct held *h, struct held ***mp, size_t *np)
{
	struct dedupe *dd = h->t->dd;
	struct held **m = NULL, *sv;
	size_t n = 0, i, j, c;
	struct heldhdr *hh;

	if (h->group) {
		size_t e;

		for (e = dd->gfirst[h->gno]; e; e = run->rules.held[e - 1]->next) {
			struct held *x = run->rules.held[e - 1];

			m = ereallocarray(m, n + 1, sizeof(*m));
			for (j = n; j > 0 && before(dd, x, m[j - 1]); j--)
				m[j] = m[j - 1];
			m[j] = x;
			n++;
		}
	} else {
		m = ereallocarray(NULL, 1, sizeof(*m));
		m[n++] = h;
	}
	sv = m[0];
	hh = sv->hh;
	for (c = 0; c < hh->h->ncols; c++)
		run->of[c] = sv->f[c];
	if (dd && dd->fill)
		for (c = 0; c < hh->h->ncols; c++) {
			if (!run->of[c].null || (long)c == hh->keyout || (long)c == hh->idsout ||
			    !fills(dd, hh->h->names[c]))
				continue;
			for (i = 1; i < n; i++) {
				const struct mig_field *v = held_col(m[i], hh->h->names[c]);

				if (v && !v->null) {
					run->of[c] = *v;
					break;
				}
			}
		}
	if (hh->idsout >= 0) {
		ids_array(&run->cb[hh->idsout], m, n);
		run->of[hh->idsout] = (struct mig_field){ run->cb[hh->idsout].buf,
							  run->cb[hh->idsout].len, 0, 0 };
	}
	*mp = m;
	*np = n;
	return sv;
}

/* Place of TAG in a keep:tags list; past the end when it is not there. */
static size_t tag_rank(const struct uniqset *set, const char *tag)
{
	size_t k;

	for (k = 0; k < set->nprio && strcmp(set->prio[k], tag); k++)
		;
	return k;
}

/*
 * Unique sets that keep other than the first value: before anything is
 * written, find each value's keeper among the records to be written (the
 * last, or the first of the best-placed tag) and take its value, so the
 * suffixes made for the others can never land on it.  A value seeded
 * from the target is nobody's.  The keeper map holds ordinal << 16 |
 * rank (ordinal from 1; 0: no keeper).
 */
static void find_keepers(struct run *run)
{
	size_t i, u, n, ord = 0;
	struct held **m;

	for (i = 0; i < run->rules.nsets && run->rules.sets[i]->keep == UK_FIRST; i++)
		;
	if (i == run->rules.nsets)
		return;
	for (i = 0; i < run->rules.nheld; i++) {
		struct held *h = run->rules.held[i], *sv;

		if (h->group && !h->head)
			continue;
		ord++;
		sv = compose_held(run, h, &m, &n);
		free(m);
		for (u = 0; u < sv->t->nuniq; u++) {
			struct uniqset *set = sv->t->uniq[u].set;
			const struct mig_field *v = &run->of[sv->hh->uout[u]];
			uint64_t rank, x, old;
			const char *k;
			long long e;

			if (set->keep == UK_FIRST || v->null || !v->len)
				continue;
			rank = set->keep == UK_TAGS ? tag_rank(set, sv->t->tag) : 0;
			x = (uint64_t)ord << 16 | rank;
			k = norm(&run->tmp, v->val, v->len, set->nocase);
			e = keymap_find(&set->keeper, k, v->len);
			if (e < 0) {
				uint64_t two = 2;

				if (keymap_find(&set->set, k, v->len) >= 0)
					x = 0;
				else
					memcpy(keymap_val(&set->set, keymap_add(&set->set, k, v->len)), &two, 8);
				memcpy(keymap_val(&set->keeper, keymap_add(&set->keeper, k, v->len)), &x, 8);
				continue;
			}
			memcpy(&old, keymap_val(&set->keeper, (size_t)e), 8);
			if (old && (set->keep == UK_LAST || rank < (old & 0xffff)))
				memcpy(keymap_val(&set->keeper, (size_t)e), &x, 8);
		}
	}
}

/* Whether the record written ORD-th keeps its value of unique column U. */
static int keeps_value(struct run *run, const struct tagrule *t, size_t u, const struct mig_field *v,
		       size_t ord)
{
	struct uniqset *set = t->uniq[u].set;
	uint64_t x;
	long long e;
	const char *k;

	if (set->keep == UK_FIRST || v->null || !v->len)
		return 0;
	k = norm(&run->tmp, v->val, v->len, set->nocase);
	if ((e = keymap_find(&set->keeper, k, v->len)) < 0)
		return 0;
	memcpy(&x, keymap_val(&set->keeper, (size_t)e), 8);
	return x >> 16 == ord;
}

static void write_held(struct run *run, struct held *h, size_t ord)
{
	struct held **m, *sv;
	size_t n, i;
	struct heldhdr *hh;
	struct tagrule *t;
	struct ledger_counts *lc;

	sv = compose_held(run, h, &m, &n);
	t = sv->t;
	hh = sv->hh;
	for (i = 1; i < n; i++) {
		lc = ledger_tag(&run->fl.ledger, m[i]->t->tag);
		lc->dropped++;
		ledger_add_extra(lc, "deduped", 1);
	}
	lc = ledger_tag(&run->fl.ledger, t->tag);
	free(m);
	for (i = 0; i < t->nuniq; i++) {
		if (keeps_value(run, t, i, &run->of[hh->uout[i]], ord))
			continue;
		if (make_unique(run, t, hh->h, run->of, hh->keyout, sv->row, sv->line, lc, i,
				hh->uout[i]) < 0)
			return;
	}
	if (mig_write_record(run->w, hh->h, run->of) < 0) {
		mig_writer_flush(run->w);
		die(MIG_EXIT_DATA, "%s:%lu: %s", mig_reader_name(run->r), sv->line,
		    mig_writer_error(run->w));
	}
	lc->out++;
}

/* The held records, in stream order of their groups' first records. */
static void flush_held(struct run *run)
{
	size_t i, ord = 0;

	find_keepers(run);
	for (i = 0; i < run->rules.nheld; i++)
		if (!run->rules.held[i]->group || run->rules.held[i]->head)
			write_held(run, run->rules.held[i], ++ord);
}

/* Lookups from a saved stream: its records of the source tag, read first. */
static void load_lookups(struct run *run)
{
	size_t i;

	for (i = 0; i < run->rules.nlks; i++) {
		struct lookup *lk = run->rules.lks[i];
		struct mig_reader *r;
		struct mig_item it;
		int ret;

		if (!lk->from)
			continue;
		r = mig_reader_open(lk->from, 0);
		while ((ret = mig_reader_next(r, &it)) > 0)
			if (it.kind == MIG_RECORD && !strcmp(it.hdr->tag, lk->src))
				lookup_collect(run, lk, it.hdr, it.f, it.line);
		if (ret < 0)
			die(MIG_EXIT_DATA, "%s", mig_reader_error(r));
		mig_reader_free(r);
	}
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

/* The filter's work for a tag: its rules, if any. */
static void *tag_rule(void *arg, const char *tag)
{
	return rules_tag(arg, tag);
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

/*
 * The first rule that names tag t, as "key TEXT", for messages: a key,
 * ref, unique, dedupe or lookup rule (of the tag, or reading it as a
 * lookup's source); NULL when t only appears inside another rule.
 */
static const char *rule_naming(const struct tagrule *t, struct buf *out)
{
	buf_reset(out);
	if (t->has_key)
		buf_addf(out, "key %s", t->keytext);
	else if (t->nrefs)
		buf_addf(out, "ref %s", t->refs[0].text);
	else if (t->nuniq)
		buf_addf(out, "%s %s", t->uniq[0].set->nocase ? "unique-nocase" : "unique", t->uniq[0].set->text);
	else if (t->dd)
		buf_addf(out, "dedupe %s", t->dd->text);
	else if (t->nlk)
		buf_addf(out, "lookup %s", t->lk[0]->text);
	else if (t->nlksrc)
		buf_addf(out, "lookup %s", t->lksrc[0]->text);
	else
		return NULL;
	return out->buf;
}

/*
 * A rule for a tag that never came did nothing (no keys made, no
 * reference rewritten, no value checked, no lookup read): an error, not
 * exit 0.  A header without records is a tag that came.
 */
static void never_came(struct run *run)
{
	const struct ledger *l = &run->fl.ledger;
	const char *tag, *near, *rule;
	size_t i;

	for (i = 0; i < run->rules.ntags; i++) {
		tag = run->rules.tags[i]->tag;
		if (strmap_get(&l->tags, tag, strlen(tag)) || !(rule = rule_naming(run->rules.tags[i], &run->tmp)))
			continue;
		mig_writer_flush(run->w);
		if ((near = lang_near(tag, (const char *const *)l->order, l->n)))
			die(MIG_EXIT_USAGE, "rule '%s': tag '%s' never came in the stream (did you mean '%s'?)", rule,
			    tag, near);
		die(MIG_EXIT_USAGE, "rule '%s': tag '%s' never came in the stream", rule, tag);
	}
}

int main(int argc, char **argv)
{
	struct run run;
	struct mig_item it;
	struct filter_args fa = FILTER_ARGS_INIT;
	int c, ret, i;
	size_t k;

	argv0 = "mig-rekey";
	memset(&run, 0, sizeof(run));
	buf_init(&run.nk);
	buf_init(&run.tmp);
	buf_init(&run.tmp2);
	buf_init(&run.where);
	uuid5_init(&run.u5);
	while ((c = opts_next(argc, argv, &cmd)) != -1) {
		const char *name = NULL;

		for (i = 0; options[i].val; i++)
			if (options[i].val == c && options[i].name)
				name = options[i].name;
		switch (c) {
		case 'k': case O_KEEP_OLD: case 'x': case 'l': case 'r': case 'u':
		case O_UNIQUE_NOCASE: case 'd': case 'm': case 'a': case O_LOOKUP:
			rules_add(&run.rules, name, optarg, "");
			fa.other_rules = 1;
			break;
		case O_RULES:
			filter_rule(&fa, optarg, 1);
			break;
		default:
			if (!filter_option(&fa, c, optarg))
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
	load_seeds(&run);
	load_lookups(&run);
	if (run.rules.audit) {
		xwalk_open(&run.audit, run.rules.audit, "tag,row,key,column,old,new");
		run.have_audit = 1;
	}
	run.rj = rejects_open(so.reject, "mig-rekey", so.max_rejects);
	run.r = mig_reader_open(fa.input, 0);
	filter_args_release(&fa);
	run.w = mig_writer_new(1, "<stdout>", so.format, 0);
	filter_init(&run.fl, "mig-rekey", run.r, run.w, std_progress(&so), 0);
	run.fl.work = tag_rule;
	run.fl.arg = &run.rules;
	while ((ret = filter_next(&run.fl, &it)) > 0) {
		struct tagrule *t = run.fl.cur;

		/* a header is checked against the rules even if no record follows */
		if (t->plan.hid != it.hdr->id) {
			unsigned long long hint = filter_hint(&run.fl, it.hdr->tag);

			build_plan(&run, t, it.hdr, it.line);
			/* sized once from the hint rather than doubled ~20 times */
			if (t->has_key && hint && hint < 1ULL << 31)
				keymap_reserve(&t->map, hint);
		}
		if (it.kind == MIG_HEADER)
			mig_write_header(run.w, t->plan.out);
		else
			record(&run, t, &it, run.fl.lc);
	}
	if (ret < 0)
		filter_input_error(&run.fl);
	filter_end(&run.fl);
	never_came(&run);
	flush_held(&run);
	/* crosswalks are complete on disk before the stream says it is complete */
	for (i = 0; i < (int)run.rules.ntags; i++)
		if (run.rules.tags[i]->xwpath)
			xwalk_close(&run.rules.tags[i]->xw);
	if (run.have_audit)
		xwalk_close(&run.audit);
	filter_stats(&run.fl);
	mig_writer_close(run.w);
	rejects_close(run.rj);
	if (so.verbose)
		verbose_report(&run.rules);
	mig_reader_free(run.r);
	rules_release(&run.rules);
	if (run.lang)
		lang_ctx_free(run.lang);
	filter_release(&run.fl);
	for (c = 0; c < (int)run.ofcap; c++)
		buf_release(&run.cb[c]);
	free(run.cb);
	free(run.of);
	buf_release(&run.nk);
	uuid5_free(&run.u5);
	buf_release(&run.tmp);
	buf_release(&run.tmp2);
	buf_release(&run.where);
	/* rejects within --max-rejects are the policy working, counted in the stats */
	return 0;
}
