/*
 * ledger: conservation of records across the stages of a run.
 *
 *   ledger FILE... [map [STAGE:] TAG [+ TAG...] -> TAG [+ TAG...]]...
 *                  [fanout STAGE]...
 *
 * Every mig tool ends its output with "#!stats STAGE TAG in= out= dropped=
 * rejected=" lines and passes its upstream's lines through, so a saved
 * stream (or a log holding them) lists the stages in pipeline order.
 * Each FILE is one run.  Consecutive lines of one stage name and one
 * run= (the tool run's place in its pipeline, see control.h) form one
 * stage, so "mig-map A | mig-map B" is two stages; a stage name seen again
 * later is a later stage.  Proved:
 *
 *  balance   at each stage, per tag, in = out + dropped + rejected
 *            (a "fanout STAGE" may write more than it reads:
 *            out + dropped + rejected >= in)
 *  chain     between consecutive stages, what one stage wrote of a tag
 *            is what the next read of it; a "map" rule groups tags where
 *            records change tag (split, merge): the upstream's out over
 *            the left tags = the downstream's in over the right tags.  A
 *            rule applies at the boundary after STAGE when given, else
 *            wherever its tags appear or disappear.
 *
 * A record that a dedupe merged into another (mig-rekey's "deduped=N", a
 * part of its "dropped") is counted as merged, not lost: per tag and in
 * total, in the report and the summary.
 *
 * Lines are taken from "#!stats " lines of tagged CSV and from MIG_CONTROL
 * stats messages of NDJSON, anywhere in the file (logs included).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ledger.h"
#include "util.h"
#include "verify.h"
#include "banned.h"

struct lline {
	char *tag;
	unsigned long long in, out, dropped, rejected;
	unsigned long long merged;	/* of dropped: merged by a dedupe */
	size_t nto;		/* mig-split's routes: to:TAG=N extras */
	char **to;
	unsigned long long *ton;
};

struct linst {
	char *stage;
	unsigned long long run;	/* run= of its lines, 0 in streams that do not say */
	struct lline *l;
	size_t n;
};

struct lrule {
	char *stage;
	char **lhs, **rhs;
	size_t nl, nr;
};

static void free_insts(struct linst *s, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < s[i].n; j++) {
			size_t t;

			for (t = 0; t < s[i].l[j].nto; t++)
				free(s[i].l[j].to[t]);
			free(s[i].l[j].to);
			free(s[i].l[j].ton);
			free(s[i].l[j].tag);
		}
		free(s[i].l);
		free(s[i].stage);
	}
	free(s);
}

static struct lline *inst_tag(const struct linst *s, const char *tag)
{
	size_t i;

	for (i = 0; s && i < s->n; i++)
		if (!strcmp(s->l[i].tag, tag))
			return &s->l[i];
	return NULL;
}

static int add_line(struct linst **insts, size_t *n, char *payload)
{
	struct stats_line sl;
	struct linst *cur;

	if (stats_parse(payload, &sl) < 0)
		return -1;
	cur = *n ? &(*insts)[*n - 1] : NULL;
	if (!cur || strcmp(cur->stage, sl.stage) || cur->run != sl.run || inst_tag(cur, sl.tag)) {
		*insts = ereallocarray(*insts, *n + 1, sizeof(**insts));
		cur = &(*insts)[(*n)++];
		memset(cur, 0, sizeof(*cur));
		cur->stage = estrdup(sl.stage);
		cur->run = sl.run;
	}
	cur->l = ereallocarray(cur->l, cur->n + 1, sizeof(*cur->l));
	cur->l[cur->n].tag = estrdup(sl.tag);
	cur->l[cur->n].in = sl.in;
	cur->l[cur->n].out = sl.out;
	cur->l[cur->n].dropped = sl.dropped;
	cur->l[cur->n].rejected = sl.rejected;
	cur->l[cur->n].merged = 0;
	cur->l[cur->n].nto = 0;
	cur->l[cur->n].to = NULL;
	cur->l[cur->n].ton = NULL;
	{
		size_t i;
		struct lline *l = &cur->l[cur->n];

		for (i = 0; i < sl.nextra; i++)
			if (!strcmp(sl.extra_names[i], "deduped"))
				l->merged = sl.extra[i];
			else if (!strncmp(sl.extra_names[i], "to:", 3)) {
				l->to = ereallocarray(l->to, l->nto + 1, sizeof(char *));
				l->ton = ereallocarray(l->ton, l->nto + 1, sizeof(*l->ton));
				l->to[l->nto] = estrdup(sl.extra_names[i] + 3);
				l->ton[l->nto++] = sl.extra[i];
			}
	}
	cur->n++;
	return 0;
}

static int read_stats(const char *path, struct linst **insts, size_t *n, unsigned long long *malformed)
{
	FILE *fp = strcmp(path, "-") ? fopen(path, "r") : stdin;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;

	if (!fp)
		return -1;
	while ((len = getline(&line, &cap, fp)) >= 0) {
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (!strncmp(line, "#!stats ", 8)) {
			if (add_line(insts, n, line + 8) < 0)
				(*malformed)++;
		} else if (line[0] == '{' && strstr(line, "MIG_CONTROL")) {
			json_t *j = json_loads(line, 0, NULL);
			const char *ctl = json_string_value(json_object_get(j, "control"));
			const char *txt = json_string_value(json_object_get(j, "text"));

			if (ctl && txt && !strcmp(ctl, "stats")) {
				char *t = estrdup(txt);

				if (add_line(insts, n, t) < 0)
					(*malformed)++;
				free(t);
			}
			json_decref(j);
		}
	}
	free(line);
	if (ferror(fp)) {
		if (fp != stdin)
			fclose(fp);
		return -1;
	}
	if (fp != stdin)
		fclose(fp);
	return 0;
}

static int in_list(char **l, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(l[i], s))
			return 1;
	return 0;
}

/* Parse "map [STAGE:] A + B -> C + D" from the words after "map". */
static int parse_rule(const char *text, struct lrule *r)
{
	const char *p = text;
	int side = 0;

	memset(r, 0, sizeof(*r));
	while (*(p = vskip(p))) {
		const char *s = p;

		if (!strncmp(p, "->", 2)) {
			if (side++)
				return -1;
			p += 2;
			continue;
		}
		if (*p == '+') {
			p++;
			continue;
		}
		while (*p && *p != ' ' && *p != '\t' && *p != '+' && strncmp(p, "->", 2))
			p++;
		if (p[-1] == ':' && !side && !r->nl && !r->stage) {
			r->stage = estrndup(s, (size_t)(p - s - 1));
			continue;
		}
		if (!side) {
			r->lhs = ereallocarray(r->lhs, r->nl + 1, sizeof(char *));
			r->lhs[r->nl++] = estrndup(s, (size_t)(p - s));
		} else {
			r->rhs = ereallocarray(r->rhs, r->nr + 1, sizeof(char *));
			r->rhs[r->nr++] = estrndup(s, (size_t)(p - s));
		}
	}
	return side == 1 && r->nl && r->nr ? 0 : -1;
}

static void free_rule(struct lrule *r)
{
	size_t i;

	for (i = 0; i < r->nl; i++)
		free(r->lhs[i]);
	for (i = 0; i < r->nr; i++)
		free(r->rhs[i]);
	free(r->lhs);
	free(r->rhs);
	free(r->stage);
}

static int rule_applies(const struct lrule *r, const struct linst *u, const struct linst *d)
{
	size_t i;

	if (r->stage)
		return !strcmp(r->stage, u->stage);
	for (i = 0; i < r->nl; i++)
		if (inst_tag(u, r->lhs[i]) && !inst_tag(d, r->lhs[i]))
			return 1;
	for (i = 0; i < r->nr; i++)
		if (inst_tag(d, r->rhs[i]) && !inst_tag(u, r->rhs[i]))
			return 1;
	return 0;
}

struct flow {
	const char *tag;
	unsigned long long n;
};

static void flow_add(struct flow **fl, size_t *n, size_t *alloc, const char *tag, unsigned long long v)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (!strcmp((*fl)[i].tag, tag)) {
			(*fl)[i].n += v;
			return;
		}
	if (*n == *alloc) {
		*alloc = *alloc ? 2 * *alloc : 16;
		*fl = ereallocarray(*fl, *alloc, sizeof(**fl));
	}
	(*fl)[*n].tag = tag;
	(*fl)[(*n)++].n = v;
}

static int group(struct vcheck *k, const char *file, const struct linst *u, const struct linst *d, json_t *groups,
		 const struct buf *b, unsigned long long out, unsigned long long in)
{
	json_t *g = json_object();

	json_object_set_new(g, "tags", json_stringn(b->buf, b->len));
	json_object_set_new(g, "out", json_integer((json_int_t)out));
	json_object_set_new(g, "in", json_integer((json_int_t)in));
	json_object_set_new(g, "ok", json_boolean(out == in));
	json_array_append_new(groups, g);
	if (out == in)
		return 0;
	vcheck_note(k, "%s: %s -> %s: %s: %llu written, %llu read", file, u->stage, d->stage, b->buf, out, in);
	return 1;
}

static void list_text(struct buf *b, char **l, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		buf_addf(b, "%s%s", i ? " + " : "", l[i]);
}

/* Check one run; returns the number of violations. */
static unsigned long check_run(struct vcheck *k, const char *file, struct linst *s, size_t n, struct lrule *rules,
			       size_t nrules, char **fanout, size_t nfan, json_t *jrun, unsigned long long *merged)
{
	unsigned long bad = 0;
	size_t i, j, r, nfl = 0, afl = 0;
	struct flow *fl = NULL;
	json_t *jst = json_array(), *jb = json_array();
	struct buf b = BUF_INIT;

	for (i = 0; i < n; i++) {
		json_t *o = json_object(), *tags = json_object();
		int fan = in_list(fanout, nfan, s[i].stage);

		json_object_set_new(o, "stage", json_string(s[i].stage));
		for (j = 0; j < s[i].n; j++) {
			struct lline *l = &s[i].l[j];
			unsigned long long acc = l->out + l->dropped + l->rejected;
			int ok = fan ? acc >= l->in : acc == l->in;
			json_t *t = json_object();

			json_object_set_new(t, "in", json_integer((json_int_t)l->in));
			json_object_set_new(t, "out", json_integer((json_int_t)l->out));
			json_object_set_new(t, "dropped", json_integer((json_int_t)l->dropped));
			json_object_set_new(t, "merged", json_integer((json_int_t)l->merged));
			*merged += l->merged;
			json_object_set_new(t, "rejected", json_integer((json_int_t)l->rejected));
			json_object_set_new(t, "balanced", json_boolean(ok));
			json_object_set_new(tags, l->tag, t);
			if (!ok) {
				bad++;
				vcheck_note(k, "%s: stage %s, tag %s: in=%llu but out+dropped+rejected=%llu", file,
					    s[i].stage, l->tag, l->in, acc);
			}
		}
		json_object_set_new(o, "tags", tags);
		json_array_append_new(jst, o);
	}
	for (i = 0; i + 1 < n; i++) {
		struct linst *u = &s[i], *d = &s[i + 1];
		char *used_u = ecalloc(u->n + 1, 1), *used_d = ecalloc(d->n + 1, 1);
		json_t *o = json_object(), *groups = json_array();

		json_object_set_new(o, "from", json_string(u->stage));
		json_object_set_new(o, "to", json_string(d->stage));
		/* rule groups first, then what the upstream sent to each tag:
		   its routes (to:TAG extras) or else its own tag */
		for (r = 0; r < nrules; r++) {
			unsigned long long out = 0, in = 0;

			if (!rule_applies(&rules[r], u, d))
				continue;
			for (j = 0; j < u->n; j++)
				if (in_list(rules[r].lhs, rules[r].nl, u->l[j].tag))
					out += u->l[j].out, used_u[j] = 1;
			for (j = 0; j < d->n; j++)
				if (in_list(rules[r].rhs, rules[r].nr, d->l[j].tag))
					in += d->l[j].in, used_d[j] = 1;
			buf_reset(&b);
			list_text(&b, rules[r].lhs, rules[r].nl);
			buf_adds(&b, " -> ");
			list_text(&b, rules[r].rhs, rules[r].nr);
			bad += group(k, file, u, d, groups, &b, out, in);
		}
		nfl = 0;
		for (j = 0; j < u->n; j++) {
			size_t t;

			if (used_u[j])
				continue;
			if (!u->l[j].nto)
				flow_add(&fl, &nfl, &afl, u->l[j].tag, u->l[j].out);
			for (t = 0; t < u->l[j].nto; t++)
				flow_add(&fl, &nfl, &afl, u->l[j].to[t], u->l[j].ton[t]);
		}
		for (j = 0; j < d->n; j++)
			if (!used_d[j])
				flow_add(&fl, &nfl, &afl, d->l[j].tag, 0);
		for (r = 0; r < nfl; r++) {
			struct lline *dl = inst_tag(d, fl[r].tag);
			unsigned long long in = 0;

			if (dl && !used_d[dl - d->l]) {
				in = dl->in;
				used_d[dl - d->l] = 1;
			}
			buf_reset(&b);
			buf_adds(&b, fl[r].tag);
			bad += group(k, file, u, d, groups, &b, fl[r].n, in);
		}
		json_object_set_new(o, "groups", groups);
		json_array_append_new(jb, o);
		free(used_u);
		free(used_d);
	}
	free(fl);
	json_object_set_new(jrun, "stages", jst);
	json_object_set_new(jrun, "boundaries", jb);
	buf_release(&b);
	return bad;
}

void check_ledger(struct vctx *c, const char *where, const char *args)
{
	struct vcheck k;
	struct buf w = BUF_INIT, rule = BUF_INIT;
	const char *p = args;
	char **files = NULL, **fanout = NULL;
	size_t nfiles = 0, nfan = 0, nrules = 0, i;
	struct lrule *rules = NULL;
	int mode = 0;		/* 0 files, 1 map rule, 2 fanout */
	unsigned long bad = 0;
	unsigned long long stages = 0, merged = 0;
	json_t *runs = json_array();

	vcheck_begin(&k, c, "ledger", where, args);
	for (;;) {
		int more = vtok(&p, &w);

		if (!more || !strcmp(w.buf, "map") || !strcmp(w.buf, "fanout")) {
			if (mode == 1) {
				rules = ereallocarray(rules, nrules + 1, sizeof(*rules));
				if (parse_rule(rule.buf, &rules[nrules]) < 0) {
					vcheck_error(&k, 0, "%s: ledger: bad rule 'map %s' (expected map [STAGE:] A [+ B] -> C [+ D])",
						     where, rule.buf);
					free_rule(&rules[nrules]);
					vcheck_end(&k, V_ERROR, "not run");
					goto out;
				}
				nrules++;
			}
			if (!more)
				break;
			mode = w.buf[0] == 'm' ? 1 : 2;
			buf_reset(&rule);
			continue;
		}
		if (mode == 0) {
			files = ereallocarray(files, nfiles + 1, sizeof(char *));
			files[nfiles++] = estrdup(w.buf);
		} else if (mode == 1) {
			if (rule.len)
				buf_addc(&rule, ' ');
			buf_add(&rule, w.buf, w.len);
		} else {
			fanout = ereallocarray(fanout, nfan + 1, sizeof(char *));
			fanout[nfan++] = estrdup(w.buf);
		}
	}
	if (!nfiles) {
		vcheck_error(&k, 0, "%s: ledger: expected 'ledger FILE... [map A -> B + C]... [fanout STAGE]...'", where);
		vcheck_end(&k, V_ERROR, "not run");
		goto out;
	}
	if (c->sql) {
		fprintf(c->sql, "\n-- %s: ledger %s: reads stats lines of saved streams; run mig-verify\n", where, args);
		json_decref(k.obj);
		buf_release(&k.notes);
		goto out;
	}
	for (i = 0; i < nfiles; i++) {
		struct linst *s = NULL;
		size_t n = 0;
		unsigned long long malformed = 0;
		json_t *jr = json_object();

		json_object_set_new(jr, "file", json_string(files[i]));
		json_array_append_new(runs, jr);
		if (read_stats(files[i], &s, &n, &malformed) < 0) {
			vcheck_error(&k, 0, "%s: cannot read: %s", files[i], strerror(errno));
			free_insts(s, n);
			continue;
		}
		if (malformed) {
			vcheck_error(&k, 0, "%s: %llu malformed stats lines", files[i], malformed);
		}
		if (!n) {
			vcheck_error(&k, 0, "%s: no stats lines", files[i]);
			free_insts(s, n);
			continue;
		}
		stages += n;
		bad += check_run(&k, files[i], s, n, rules, nrules, fanout, nfan, jr, &merged);
		free_insts(s, n);
	}
	json_object_set_new(k.obj, "runs", runs);
	runs = NULL;
	json_object_set_new(k.obj, "violations", json_integer((json_int_t)bad));
	json_object_set_new(k.obj, "merged", json_integer((json_int_t)merged));
	if (bad)
		vcheck_end(&k, V_FAIL, "%lu violations in %zu runs", bad, nfiles);
	else if (merged)
		vcheck_end(&k, V_PASS, "%zu runs, %llu stages, every record accounted for, %llu merged by dedupe",
			   nfiles, stages, merged);
	else
		vcheck_end(&k, V_PASS, "%zu runs, %llu stages, every record accounted for", nfiles, stages);
out:
	json_decref(runs);
	for (i = 0; i < nfiles; i++)
		free(files[i]);
	free(files);
	for (i = 0; i < nfan; i++)
		free(fanout[i]);
	free(fanout);
	for (i = 0; i < nrules; i++)
		free_rule(&rules[i]);
	free(rules);
	buf_release(&w);
	buf_release(&rule);
}
