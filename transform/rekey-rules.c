#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uuid.h>

#include "rekey.h"
#include "util.h"
#include "banned.h"

/*
 * Every rule is "NAME ARGUMENT": on the command line --NAME ARGUMENT, in a
 * rules file one per line.  All are checked before the first record is
 * read, and a bad one is a usage error that quotes it.
 */
_Noreturn static void bad(const char *where, const char *name, const char *arg, const char *fmt, ...)
	MIG_PRINTF(4, 5);

static void bad(const char *where, const char *name, const char *arg, const char *fmt, ...)
{
	struct buf msg = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	die(MIG_EXIT_USAGE, "%srule '%s %s': %s", where, name, arg, msg.buf);
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

struct tagrule *rules_tag(const struct rules *r, const char *tag)
{
	size_t i;

	for (i = 0; i < r->ntags; i++)
		if (!strcmp(r->tags[i]->tag, tag))
			return r->tags[i];
	return NULL;
}

static struct tagrule *tag_of(struct rules *r, const char *tag)
{
	struct tagrule *t = rules_tag(r, tag);

	if (t)
		return t;
	t = ecalloc(1, sizeof(*t));
	t->tag = estrdup(tag);
	t->plan.hid = 0;
	r->tags = ereallocarray(r->tags, r->ntags + 1, sizeof(*r->tags));
	r->tags[r->ntags++] = t;
	return t;
}

/* "TAG.COLUMN", split at the last dot so a tag may be schema-qualified. */
static void tagcol(char *s, char **tag, char **col, const char *where, const char *name,
		   const char *arg)
{
	char *dot;

	s = trim(s);
	dot = strrchr(s, '.');
	if (!dot || dot == s || !dot[1])
		bad(where, name, arg, "'%s' is not TAG.COLUMN", s);
	*dot = '\0';
	*tag = trim(s);
	*col = trim(dot + 1);
	if (!**tag || !**col)
		bad(where, name, arg, "empty tag or column");
}

/* Split "LEFT=RIGHT" at the first '='; both sides trimmed and non-empty. */
static void split_eq(char *s, char **l, char **rt, const char *where, const char *name,
		     const char *arg, const char *what)
{
	char *eq = strchr(s, '=');

	if (!eq)
		bad(where, name, arg, "expected %s", what);
	*eq = '\0';
	*l = trim(s);
	*rt = trim(eq + 1);
	if (!**l || !**rt)
		bad(where, name, arg, "expected %s", what);
}

static int parse_ns(const char *s, unsigned char ns[16])
{
	static const struct {
		const char *name, *uuid;
	} named[] = {
		/* RFC 9562 section 6.6 */
		{ "dns", "6ba7b810-9dad-11d1-80b4-00c04fd430c8" },
		{ "url", "6ba7b811-9dad-11d1-80b4-00c04fd430c8" },
		{ "oid", "6ba7b812-9dad-11d1-80b4-00c04fd430c8" },
		{ "x500", "6ba7b814-9dad-11d1-80b4-00c04fd430c8" },
	};
	size_t i;

	for (i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		if (!strcmp(s, named[i].name))
			s = named[i].uuid;
	return uuid_parse36(s, strlen(s), ns);
}

/*
 * The name template is any expression of the rule language over the
 * record's columns and constants: 'customer:' || id, lower(email), ...
 */
static void parse_template(struct tagrule *t, const char *s, const char *where, const char *arg)
{
	static const struct lang_opts o;
	struct lex l;

	lex_init(&l, s);
	t->name = lang_parse(&l, &o);
	if (t->name && l.tok != LX_EOF) {
		lex_fail(&l, "expected the end of the template, found '%s'", lex_what(&l));
		lang_free(t->name);
		t->name = NULL;
	}
	if (!t->name)
		bad(where, "key", arg, "template: %s at column %zu", lex_error(&l), lex_errpos(&l));
	lex_release(&l);
}

static void rule_key(struct rules *r, char *s, const char *where, const char *arg)
{
	char *lhs, *gen, *tag, *col;
	struct tagrule *t;

	split_eq(s, &lhs, &gen, where, "key", arg, "TAG.COLUMN=GENERATOR");
	tagcol(lhs, &tag, &col, where, "key", arg);
	t = tag_of(r, tag);
	if (t->has_key)
		bad(where, "key", arg, "tag '%s' already has a key rule", tag);
	if (!strcmp(gen, "keep")) {
		t->gen = G_KEEP;
	} else if (!strcmp(gen, "seq")) {
		t->gen = G_SEQ;
		t->seq = 1;
	} else if (!strncmp(gen, "seq:", 4)) {
		t->gen = G_SEQ;
		if (strtonum_ok(gen + 4, -(long long)(~0ULL >> 1), (long long)(~0ULL >> 1), &t->seq) < 0)
			bad(where, "key", arg, "'%s' is not a whole number", gen + 4);
	} else if (!strcmp(gen, "uuid4")) {
		t->gen = G_UUID4;
	} else if (!strcmp(gen, "uuid7")) {
		t->gen = G_UUID7;
	} else if (!strncmp(gen, "uuid5:", 6)) {
		char *open = strchr(gen, '(');

		t->gen = G_UUID5;
		/* uuid5:NS(TEMPLATE): the name from columns and constants */
		if (open) {
			size_t n = strlen(open);

			if (open[n - 1] != ')')
				bad(where, "key", arg, "expected uuid5:NAMESPACE(TEMPLATE)");
			open[n - 1] = '\0';
			*open = '\0';
			parse_template(t, open + 1, where, arg);
			while (open > gen && isspace((unsigned char)open[-1]))
				*--open = '\0';
		}
		if (parse_ns(gen + 6, t->ns) < 0)
			bad(where, "key", arg, "namespace '%s' is not a UUID, dns, url, oid or x500", gen + 6);
	} else {
		bad(where, "key", arg, "unknown generator '%s'", gen);
	}
	t->has_key = 1;
	t->keycol = estrdup(col);
	t->keytext = estrdup(arg);
}

static void rule_keepold(struct rules *r, char *s, const char *where, const char *arg)
{
	char *tag, *col;
	struct tagrule *t;

	tagcol(s, &tag, &col, where, "keep-old", arg);
	t = tag_of(r, tag);
	if (t->keepold)
		bad(where, "keep-old", arg, "tag '%s' already has a keep-old rule", tag);
	t->keepold = estrdup(col);
}

static void rule_crosswalk(struct rules *r, char *s, const char *where, const char *arg)
{
	char *tag, *file;
	struct tagrule *t;

	split_eq(s, &tag, &file, where, "crosswalk", arg, "TAG=FILE");
	t = tag_of(r, tag);
	if (t->xwpath)
		bad(where, "crosswalk", arg, "tag '%s' already has a crosswalk file", tag);
	t->xwpath = estrdup(file);
}

static void rule_load(struct rules *r, char *s, const char *where, const char *arg)
{
	char *name, *file;
	struct xwfile *x;
	unsigned char ns[16];
	size_t i;
	int computed;

	split_eq(s, &name, &file, where, "load-crosswalk", arg, "NAME=FILE");
	for (i = 0; i < r->nfiles; i++)
		if (!strcmp(r->files[i]->name, name))
			bad(where, "load-crosswalk", arg, "crosswalk '%s' is already loaded", name);
	/* ./uuid5:... names a file of that name */
	computed = !strncmp(file, "uuid5:", 6);
	if (computed && parse_ns(file + 6, ns) < 0)
		bad(where, "load-crosswalk", arg, "namespace '%s' is not a UUID, dns, url, oid or x500", file + 6);
	x = ecalloc(1, sizeof(*x));
	x->name = estrdup(name);
	x->path = estrdup(file);
	keymap_init(&x->map, 16);
	if (computed) {
		memcpy(x->ns, ns, 16);
		x->computed = 1;
		x->type = MIG_T_UUID;
	}
	r->files = ereallocarray(r->files, r->nfiles + 1, sizeof(*r->files));
	r->files[r->nfiles++] = x;
}

static void rule_ref(struct rules *r, char *s, const char *where, const char *arg)
{
	char *lhs, *srcs, *tag, *col, *p, *save = NULL;
	struct tagrule *t;
	struct refrule *rr;
	struct buf names = BUF_INIT;
	size_t i;

	split_eq(s, &lhs, &srcs, where, "ref", arg, "TAG.COLUMN=SOURCE[:COLUMN],...");
	tagcol(lhs, &tag, &col, where, "ref", arg);
	t = tag_of(r, tag);
	for (i = 0; i < t->nrefs; i++)
		if (!strcmp(t->refs[i].col, col))
			bad(where, "ref", arg, "column '%s.%s' already has a ref rule", tag, col);
	t->refs = ereallocarray(t->refs, t->nrefs + 1, sizeof(*t->refs));
	rr = &t->refs[t->nrefs++];
	memset(rr, 0, sizeof(*rr));
	rr->text = estrdup(arg);
	rr->col = estrdup(col);
	for (p = strtok_r(srcs, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		char *c = strchr(p, ':');
		struct refsrc *src;

		if (c)
			*c++ = '\0';
		p = trim(p);
		if (!*p || (c && !*trim(c)))
			bad(where, "ref", arg, "empty source or column");
		rr->src = ereallocarray(rr->src, rr->nsrc + 1, sizeof(*rr->src));
		src = &rr->src[rr->nsrc++];
		memset(src, 0, sizeof(*src));
		src->name = estrdup(p);
		src->col = c ? estrdup(trim(c)) : NULL;
		if (names.len)
			buf_adds(&names, ", ");
		buf_adds(&names, p);
	}
	if (!rr->nsrc)
		bad(where, "ref", arg, "no source");
	rr->names = buf_detach(&names, NULL);
}

static char **name_list(char *s, size_t *n, const char *where, const char *name, const char *arg);

/*
 * A unique rule's words after its columns: suffix[:FORMAT], null, reject,
 * error, keep:first|last|tags:TAG,..., seed:FILE, seed-db:TABLE.COLUMN=URL
 * (kept as "FILE", "db:...").
 */
static int unique_word(struct uniqset *set, const char *w, const char *where, const char *name,
		       const char *arg)
{
	const char *p;

	if (!strcmp(w, "suffix")) {
		set->action = UA_SUFFIX;
	} else if (!strncmp(w, "suffix:", 7)) {
		set->action = UA_SUFFIX;
		for (p = w + 7; *p; p++)
			if (*p == '%' && !strchr("vnld%", *++p))
				bad(where, name, arg, "format '%s': %%v, %%n, %%l, %%d or %%%% expected", w + 7);
		if (!strstr(w + 7, "%n"))
			bad(where, name, arg, "format '%s' has no %%n", w + 7);
		free(set->format);
		set->format = estrdup(w + 7);
	} else if (!strcmp(w, "null")) {
		set->action = UA_NULL;
	} else if (!strcmp(w, "reject")) {
		set->action = UA_REJECT;
	} else if (!strcmp(w, "error")) {
		set->action = UA_ERROR;
	} else if (!strcmp(w, "keep:first")) {
		set->keep = UK_FIRST;
	} else if (!strcmp(w, "keep:last")) {
		set->keep = UK_LAST;
	} else if (!strncmp(w, "keep:tags:", 10)) {
		char *list = estrdup(w + 10);

		set->keep = UK_TAGS;
		set->prio = name_list(list, &set->nprio, where, name, arg);
		free(list);
	} else if ((!strncmp(w, "seed:", 5) && w[5]) ||
		   (!strncmp(w, "seed-db:", 8) && (p = strchr(w, '=')) && p > w + 8 && p[1])) {
		set->seeds = ereallocarray(set->seeds, set->nseeds + 1, sizeof(*set->seeds));
		set->seeds[set->nseeds++] = estrdup(w + 5);
	} else {
		return 0;
	}
	return 1;
}

static void rule_unique(struct rules *r, char *s, int nocase, const char *where, const char *name,
			const char *arg)
{
	struct uniqset *set = ecalloc(1, sizeof(*set));
	char *p, *save = NULL, *sp;
	size_t i;

	set->text = estrdup(arg);
	set->nocase = nocase;
	keymap_init(&set->set, 8);
	keymap_init(&set->keeper, 8);
	r->sets = ereallocarray(r->sets, r->nsets + 1, sizeof(*r->sets));
	r->sets[r->nsets++] = set;
	/* the columns end at the first word that is an option */
	s = trim(s);
	for (sp = s; *sp; sp++) {
		char *w, *we, c;

		if (!isspace((unsigned char)*sp))
			continue;
		for (w = sp; isspace((unsigned char)*w); w++)
			;
		for (we = w; *we && !isspace((unsigned char)*we); we++)
			;
		c = *we;
		*we = '\0';
		if (unique_word(set, w, where, name, arg)) {
			*sp = '\0';
			while (c) {
				for (w = we + 1; isspace((unsigned char)*w); w++)
					;
				if (!*w)
					break;
				for (we = w; *we && !isspace((unsigned char)*we); we++)
					;
				c = *we;
				*we = '\0';
				if (!unique_word(set, w, where, name, arg))
					bad(where, name, arg,
					    "unknown option '%s' (suffix[:FORMAT], null, reject, error, keep:first|last|tags:TAG,..., seed:FILE, seed-db:TABLE.COLUMN=URL)", w);
			}
			break;
		}
		*we = c;
	}
	for (p = strtok_r(s, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		char *tag, *col;
		struct tagrule *t;

		tagcol(p, &tag, &col, where, name, arg);
		t = tag_of(r, tag);
		for (i = 0; i < t->nuniq; i++)
			if (!strcmp(t->uniq[i].col, col))
				bad(where, name, arg, "column '%s.%s' already has a unique rule", tag, col);
		t->uniq = ereallocarray(t->uniq, t->nuniq + 1, sizeof(*t->uniq));
		t->uniq[t->nuniq].col = estrdup(col);
		t->uniq[t->nuniq++].set = set;
	}
}

/* "a,b,c" into a fresh array of trimmed, non-empty names. */
static char **name_list(char *s, size_t *n, const char *where, const char *name, const char *arg)
{
	char **v = NULL, *q, *save = NULL;

	*n = 0;
	for (q = strtok_r(s, ",", &save); q; q = strtok_r(NULL, ",", &save)) {
		q = trim(q);
		if (!*q)
			bad(where, name, arg, "empty name in a list");
		v = ereallocarray(v, *n + 1, sizeof(*v));
		v[(*n)++] = estrdup(q);
	}
	if (!*n)
		bad(where, name, arg, "empty list");
	return v;
}

/* The words after "on (...)": match-nulls, keep:WHO, fill[:COLUMNS], ids:COLUMN. */
static void dedupe_opts(struct dedupe *dd, char *p, const char *where, const char *arg)
{
	char *w, *save = NULL;

	for (w = strtok_r(p, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		if (!strcmp(w, "match-nulls")) {
			dd->nulls_match = 1;
		} else if (!strcmp(w, "keep:first")) {
			dd->keep = SV_FIRST;
		} else if (!strcmp(w, "keep:last")) {
			dd->keep = SV_LAST;
		} else if (!strncmp(w, "keep:min:", 9) || !strncmp(w, "keep:max:", 9)) {
			dd->keep = w[6] == 'i' ? SV_MIN : SV_MAX;
			if (!w[9])
				bad(where, "dedupe", arg, "'%s' names no column", w);
			free(dd->keepcol);
			dd->keepcol = estrdup(w + 9);
		} else if (!strncmp(w, "keep:tags:", 10)) {
			dd->keep = SV_TAGS;
			dd->prio = name_list(w + 10, &dd->nprio, where, "dedupe", arg);
		} else if (!strcmp(w, "fill")) {
			dd->fill = 1;
		} else if (!strncmp(w, "fill:", 5)) {
			dd->fill = 1;
			dd->fillcols = name_list(w + 5, &dd->nfill, where, "dedupe", arg);
		} else if (!strncmp(w, "ids:", 4) && w[4]) {
			free(dd->idscol);
			dd->idscol = estrdup(w + 4);
		} else {
			bad(where, "dedupe", arg,
			    "unknown option '%s' (match-nulls, keep:first|last|min:COLUMN|max:COLUMN|tags:TAG,..., fill[:COLUMN,...], ids:COLUMN)",
			    w);
		}
	}
	dd->hold = dd->keep != SV_FIRST || dd->fill || dd->idscol;
}

/* "TAG[,TAG...] on (COLUMN, ... | *) [OPTION ...]" */
static void rule_dedupe(struct rules *r, char *s, const char *where, const char *arg)
{
	char *p = trim(s), *tags, *q, *e, *save = NULL;
	struct dedupe *dd;

	/* the tag list ends at the word "on" */
	tags = p;
	for (q = p; *q; q++)
		if (isspace((unsigned char)q[0]) && !strncmp(q + 1, "on", 2) &&
		    (q[3] == '(' || isspace((unsigned char)q[3])))
			break;
	if (!*q)
		bad(where, "dedupe", arg, "expected TAG on (COLUMN, ...)");
	*q = '\0';
	p = trim(q + 3);
	if (*p != '(' || !(e = strchr(p, ')')))
		bad(where, "dedupe", arg, "expected TAG on (COLUMN, ...)");
	*e = '\0';
	p++;
	dd = ecalloc(1, sizeof(*dd));
	dd->text = estrdup(arg);
	keymap_init(&dd->set, 8);
	r->dds = ereallocarray(r->dds, r->ndds + 1, sizeof(*r->dds));
	r->dds[r->ndds++] = dd;
	dedupe_opts(dd, e + 1, where, arg);
	for (q = strtok_r(tags, ",", &save); q; q = strtok_r(NULL, ",", &save)) {
		struct tagrule *t;

		q = trim(q);
		if (!*q)
			bad(where, "dedupe", arg, "empty tag");
		t = tag_of(r, q);
		if (t->dd)
			bad(where, "dedupe", arg, "tag '%s' already has a dedupe rule", q);
		t->dd = dd;
		t->ddno = (unsigned)dd->ntags;
		dd->tags = ereallocarray(dd->tags, dd->ntags + 1, sizeof(*dd->tags));
		dd->tags[dd->ntags++] = t;
	}
	if (!dd->ntags)
		bad(where, "dedupe", arg, "empty tag");
	if (!strcmp(trim(p), "*"))
		return;
	if (!*trim(p))
		bad(where, "dedupe", arg, "no columns");
	dd->cols = name_list(p, &dd->ncols, where, "dedupe", arg);
}

/* "TAG.COLUMN=SOURCE.COLUMN by COLUMN [on KEY] [from FILE] [if-null]" */
static void rule_lookup(struct rules *r, char *s, const char *where, const char *arg)
{
	char *lhs, *rhs, *tag, *col, *w, *save = NULL;
	struct lookup *lk = ecalloc(1, sizeof(*lk));
	struct tagrule *t;

	lk->text = estrdup(arg);
	keymap_init(&lk->map, 8);
	r->lks = ereallocarray(r->lks, r->nlks + 1, sizeof(*r->lks));
	r->lks[r->nlks++] = lk;
	split_eq(s, &lhs, &rhs, where, "lookup", arg, "TAG.COLUMN=SOURCE.COLUMN by COLUMN");
	tagcol(lhs, &tag, &col, where, "lookup", arg);
	lk->col = estrdup(col);
	t = tag_of(r, tag);
	t->lk = ereallocarray(t->lk, t->nlk + 1, sizeof(*t->lk));
	t->lk[t->nlk++] = lk;
	w = strtok_r(rhs, " \t", &save);
	tagcol(w, &tag, &col, where, "lookup", arg);
	lk->src = estrdup(tag);
	lk->srccol = estrdup(col);
	while ((w = strtok_r(NULL, " \t", &save))) {
		char **dst = !strcmp(w, "by") ? &lk->by : !strcmp(w, "on") ? &lk->on :
			     !strcmp(w, "from") ? &lk->from : NULL;

		if (!strcmp(w, "if-null")) {
			lk->ifnull = 1;
			continue;
		}
		if (!dst)
			bad(where, "lookup", arg, "unknown word '%s' (by, on, from, if-null)", w);
		if (!(w = strtok_r(NULL, " \t", &save)))
			bad(where, "lookup", arg, "a name expected after the last word");
		free(*dst);
		*dst = estrdup(w);
	}
	if (!lk->by)
		bad(where, "lookup", arg, "no 'by COLUMN'");
}

void rules_add(struct rules *r, const char *name, const char *arg, const char *where)
{
	char *s = estrdup(arg);

	if (!strcmp(name, "key"))
		rule_key(r, s, where, arg);
	else if (!strcmp(name, "keep-old"))
		rule_keepold(r, s, where, arg);
	else if (!strcmp(name, "crosswalk"))
		rule_crosswalk(r, s, where, arg);
	else if (!strcmp(name, "load-crosswalk"))
		rule_load(r, s, where, arg);
	else if (!strcmp(name, "ref"))
		rule_ref(r, s, where, arg);
	else if (!strcmp(name, "unique"))
		rule_unique(r, s, 0, where, name, arg);
	else if (!strcmp(name, "unique-nocase"))
		rule_unique(r, s, 1, where, name, arg);
	else if (!strcmp(name, "dedupe"))
		rule_dedupe(r, s, where, arg);
	else if (!strcmp(name, "lookup"))
		rule_lookup(r, s, where, arg);
	else if (!strcmp(name, "on-missing")) {
		char *p = trim(s);

		if (!strcmp(p, "error"))
			r->on_missing = OM_ERROR;
		else if (!strcmp(p, "null"))
			r->on_missing = OM_NULL;
		else if (!strcmp(p, "drop"))
			r->on_missing = OM_DROP;
		else if (!strcmp(p, "reject"))
			r->on_missing = OM_REJECT;
		else
			bad(where, name, arg, "policy is error, null, drop or reject");
	} else if (!strcmp(name, "audit")) {
		free(r->audit);
		r->audit = estrdup(trim(s));
	} else {
		die(MIG_EXIT_USAGE, "%sunknown rule '%s'", where, name);
	}
	free(s);
}

static void rule_line(char *line, const char *where, void *arg)
{
	char *p = trim(line), *name = p, w[4200];

	while (*p && !isspace((unsigned char)*p))
		p++;
	if (*p)
		*p++ = '\0';
	snprintf(w, sizeof(w), "%s: ", where);
	rules_add(arg, name, trim(p), w);
}

void rules_file(struct rules *r, const char *path)
{
	each_rule_line(path, rule_line, r);
}

static struct xwfile *file_of(const struct rules *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nfiles; i++)
		if (!strcmp(r->files[i]->name, name))
			return r->files[i];
	return NULL;
}

void rules_check(struct rules *r, int have_rejects)
{
	size_t i, j, k;

	if (r->on_missing == OM_REJECT && !have_rejects)
		die(MIG_EXIT_USAGE, "rule 'on-missing reject': needs --reject FILE");
	for (i = 0; i < r->ntags; i++) {
		struct tagrule *t = r->tags[i];

		if (!t->has_key && t->keepold)
			die(MIG_EXIT_USAGE, "rule 'keep-old %s.%s': tag '%s' has no key rule", t->tag,
			    t->keepold, t->tag);
		if (!t->has_key && t->xwpath)
			die(MIG_EXIT_USAGE, "rule 'crosswalk %s=%s': tag '%s' has no key rule", t->tag,
			    t->xwpath, t->tag);
		for (j = 0; j < t->nuniq; j++) {
			struct uniqset *set = t->uniq[j].set;

			if (set->keep == UK_FIRST)
				continue;
			t->uhold = 1;
			for (k = 0; set->keep == UK_TAGS && k < set->nprio && strcmp(set->prio[k], t->tag); k++)
				;
			if (set->keep == UK_TAGS && k == set->nprio)
				die(MIG_EXIT_USAGE, "rule 'unique %s': keep:tags does not name '%s'", set->text,
				    t->tag);
		}
		if (t->dd && t->dd->keep == SV_TAGS) {
			for (j = 0; j < t->dd->nprio && strcmp(t->dd->prio[j], t->tag); j++)
				;
			if (j == t->dd->nprio)
				die(MIG_EXIT_USAGE, "rule 'dedupe %s': keep:tags does not name '%s'",
				    t->dd->text, t->tag);
		}
		if (t->dd && t->dd->idscol && !t->has_key)
			die(MIG_EXIT_USAGE, "rule 'dedupe %s': ids:%s needs a key rule for tag '%s'",
			    t->dd->text, t->dd->idscol, t->tag);
		if (t->has_key && t->keepold && !strcmp(t->keepold, t->keycol))
			die(MIG_EXIT_USAGE, "rule 'keep-old %s.%s': that is the key column", t->tag,
			    t->keepold);
		for (j = 0; j < t->nrefs; j++) {
			struct refrule *rr = &t->refs[j];

			if (t->has_key && !strcmp(rr->col, t->keycol))
				die(MIG_EXIT_USAGE, "rule 'ref %s': '%s' is the key column of '%s'", rr->text,
				    rr->col, t->tag);
			for (k = 0; k < rr->nsrc; k++) {
				struct refsrc *s = &rr->src[k];
				struct tagrule *st = rules_tag(r, s->name);

				s->file = file_of(r, s->name);
				s->tag = st && st->has_key ? st : NULL;
				if (s->file && s->tag)
					die(MIG_EXIT_USAGE,
					    "rule 'ref %s': '%s' is both a rekeyed tag and a loaded crosswalk",
					    rr->text, s->name);
				if (!s->file && !s->tag)
					die(MIG_EXIT_USAGE,
					    "rule 'ref %s': no key rule or loaded crosswalk called '%s'", rr->text,
					    s->name);
				if (s->file && s->file->computed && k + 1 < rr->nsrc)
					die(MIG_EXIT_USAGE,
					    "rule 'ref %s': '%s' is computed and finds every key: it must come last",
					    rr->text, s->name);
			}
		}
	}
	for (i = 0; i < r->ntags; i++)
		if (r->tags[i]->has_key)
			keymap_init(&r->tags[i]->map, r->tags[i]->gen >= G_UUID4 ? 16 : 8);
	for (i = 0; i < r->ndds; i++) {
		struct dedupe *dd = r->dds[i];

		/* a merged duplicate takes the kept record's key: same kind of key */
		for (j = 1; j < dd->ntags; j++) {
			struct tagrule *a = dd->tags[0], *b = dd->tags[j];

			if (!a->has_key || !b->has_key)
				continue;
			if (a->gen == G_KEEP || b->gen == G_KEEP)
				die(MIG_EXIT_USAGE,
				    "rule 'dedupe %s': tags merged by one rule need seq or uuid keys, not keep",
				    dd->text);
			if ((a->gen == G_SEQ) != (b->gen == G_SEQ))
				die(MIG_EXIT_USAGE,
				    "rule 'dedupe %s': '%s' and '%s' get different kinds of keys", dd->text,
				    a->tag, b->tag);
			/* one target table: one sequence, or the merged keys would collide */
			if (a->gen == G_SEQ && a->seq != b->seq)
				die(MIG_EXIT_USAGE,
				    "rule 'dedupe %s': merged tags share one sequence; give '%s' and '%s' the same seq:START",
				    dd->text, a->tag, b->tag);
			if (a->gen == G_SEQ)
				b->seqof = a;
		}
	}
	for (i = 0; i < r->nlks; i++) {
		struct lookup *lk = r->lks[i];
		struct tagrule *st;

		lk->file = lk->from ? NULL : file_of(r, lk->src);
		if (lk->file) {
			if (lk->file->computed)
				die(MIG_EXIT_USAGE, "rule 'lookup %s': '%s' is computed, not a file to look up in",
				    lk->text, lk->src);
			if (strcmp(lk->srccol, "new"))
				die(MIG_EXIT_USAGE, "rule 'lookup %s': a crosswalk's column is 'new'", lk->text);
			continue;
		}
		/* records of the source tag pass through record() to be collected */
		st = tag_of(r, lk->src);
		if (!lk->on)
			lk->on = estrdup(st->has_key ? st->keycol : "id");
		if (!lk->from) {
			lk->srctag = st;
			st->lksrc = ereallocarray(st->lksrc, st->nlksrc + 1, sizeof(*st->lksrc));
			st->lksrc[st->nlksrc++] = lk;
		}
	}
	for (i = 0; i < r->nfiles; i++)
		if (!r->files[i]->computed)
			xwalk_load(&r->files[i]->map, r->files[i]->path, &r->files[i]->type);
	for (i = 0; i < r->ntags; i++)
		if (r->tags[i]->xwpath)
			xwalk_open(&r->tags[i]->xw, r->tags[i]->xwpath, "old,new");
}

void plan_free(struct tagrule *t)
{
	struct plan *p = &t->plan;
	size_t i;

	if (p->out)
		mig_header_free(p->out);
	free(p->from);
	free(p->ddin);
	free(p->slots);
	for (i = 0; p->refout && i < t->nrefs; i++) {
		free(p->refout[i]);
		free(p->refclear[i]);
	}
	free(p->refin);
	free(p->refout);
	free(p->refclear);
	free(p->uout);
	free(p->lkby);
	free(p->lkout);
	memset(p, 0, sizeof(*p));
	p->idsout = -1;
}

void rules_release(struct rules *r)
{
	size_t i, j, k;

	for (i = 0; i < r->ntags; i++) {
		struct tagrule *t = r->tags[i];

		plan_free(t);
		for (j = 0; j < t->nrefs; j++) {
			for (k = 0; k < t->refs[j].nsrc; k++) {
				free(t->refs[j].src[k].name);
				free(t->refs[j].src[k].col);
			}
			free(t->refs[j].src);
			free(t->refs[j].text);
			free(t->refs[j].col);
			free(t->refs[j].names);
		}
		free(t->refs);
		for (j = 0; j < t->nuniq; j++)
			free(t->uniq[j].col);
		free(t->uniq);
		free(t->lk);
		free(t->lksrc);
		keymap_release(&t->map);
		lang_free(t->name);
		free(t->keycol);
		free(t->keytext);
		free(t->keepold);
		free(t->xwpath);
		free(t->tag);
		free(t);
	}
	free(r->tags);
	for (i = 0; i < r->nfiles; i++) {
		keymap_release(&r->files[i]->map);
		free(r->files[i]->name);
		free(r->files[i]->path);
		free(r->files[i]);
	}
	free(r->files);
	for (i = 0; i < r->nsets; i++) {
		keymap_release(&r->sets[i]->set);
		keymap_release(&r->sets[i]->keeper);
		for (j = 0; j < r->sets[i]->nprio; j++)
			free(r->sets[i]->prio[j]);
		free(r->sets[i]->prio);
		free(r->sets[i]->text);
		free(r->sets[i]->format);
		for (j = 0; j < r->sets[i]->nseeds; j++)
			free(r->sets[i]->seeds[j]);
		free(r->sets[i]->seeds);
		free(r->sets[i]);
	}
	free(r->sets);
	for (i = 0; i < r->ndds; i++) {
		for (j = 0; j < r->dds[i]->ncols; j++)
			free(r->dds[i]->cols[j]);
		free(r->dds[i]->cols);
		free(r->dds[i]->tags);
		free(r->dds[i]->text);
		free(r->dds[i]->keepcol);
		for (j = 0; j < r->dds[i]->nprio; j++)
			free(r->dds[i]->prio[j]);
		free(r->dds[i]->prio);
		for (j = 0; j < r->dds[i]->nfill; j++)
			free(r->dds[i]->fillcols[j]);
		free(r->dds[i]->fillcols);
		free(r->dds[i]->idscol);
		free(r->dds[i]->gfirst);
		free(r->dds[i]->glast);
		keymap_release(&r->dds[i]->set);
		free(r->dds[i]);
	}
	free(r->dds);
	for (i = 0; i < r->nlks; i++) {
		struct lookup *lk = r->lks[i];

		keymap_release(&lk->map);
		arena_release(&lk->vals);
		free(lk->text);
		free(lk->col);
		free(lk->src);
		free(lk->srccol);
		free(lk->by);
		free(lk->on);
		free(lk->from);
		free(lk);
	}
	free(r->lks);
	for (i = 0; i < r->nheld; i++)
		free(r->held[i]);
	free(r->held);
	for (i = 0; i < r->nhhs; i++) {
		mig_header_free(r->hhs[i]->h);
		free(r->hhs[i]->uout);
		free(r->hhs[i]);
	}
	free(r->hhs);
	free(r->audit);
	memset(r, 0, sizeof(*r));
}
