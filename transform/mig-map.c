/*
 * mig-map - rename, drop, reorder, add and clean columns; rename tags.
 *
 * Rules are parsed (and their files, zones and constants checked) before
 * the first record is read.  When a tag's header arrives its rules are
 * compiled against it into a list of assignments to numbered slots and an
 * output projection, so a record costs its functions and one write: values
 * computed for it live in an arena that is reset, not freed, per record.
 */
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lang.h"
#include "map.h"
#include "array.h"
#include "filter.h"
#include "opts.h"
#include "rec.h"
#include "rejects.h"
#include "strmap.h"
#include "util.h"
#include "banned.h"

enum { ON_ERROR, ON_NULL, ON_REJECT };

/* What the command line asked for, passed down (no option globals). */
struct map_opts {
	int on_error, show_values;
	long long max_rejects;
	const char *input, *password_path;
	struct lang_opts lang;
};

enum { O_ON_ERROR = 256, O_PASSWORDS, O_COST, O_FUNCTIONS };

static const struct mig_opt options[] = {
	{ 'e', 'e', "rule", required_argument, "RULE", "a map rule, as in mig-map(1); repeatable", NULL },
	{ 'f', 'f', "file", required_argument, "FILE", "read map rules from FILE; repeatable", NULL },
	{ FILTER_O_INPUT, 'i', "input", required_argument, "FILE", NULL, "give the input file as an operand" },
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
		die(MIG_EXIT_DATA, "%s: %s, and that is more than %lld rejects", where, reason, mo->max_rejects);
	}
	mig_writer_flush(w);
	if (mo->show_values) {
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

/*
 * The output records of one exploded input record, held until every
 * element has passed its rules: an exploded record is written whole or
 * not at all, so a reject (or an error exit) never leaves some of its
 * elements in the stream.  The values are copied (an element, its
 * ordinal and what the arena holds change from one element to the next);
 * owned by the map loop and reused from record to record.
 */
struct held {
	struct buf bytes;
	struct held_field {
		size_t off, len;
		int null, plain;
	} *f;
	size_t nf, alloc;
	struct mig_field *of;
	size_t ofalloc;
};

struct run {
	struct prog *p;
	struct lang_ctx *c;
	const struct mig_item *it;
	struct mig_writer *w;
	struct rejects *rj;
	const struct map_opts *mo;
	struct held *hold;	/* NULL: write each record as it is made */
	unsigned long long written;
};

static void write_fields(struct run *r, const struct mig_field *f)
{
	if (mig_write_record(r->w, r->p->out, f) < 0) {
		mig_writer_flush(r->w);
		die(MIG_EXIT_DATA, "%s:%llu: %s", r->it->hdr->tag, r->it->row, mig_writer_error(r->w));
	}
}

static void hold_fields(struct held *h, const struct mig_field *f, size_t n)
{
	size_t i;

	if (h->nf + n > h->alloc) {
		h->alloc = (h->nf + n) * 2;
		h->f = ereallocarray(h->f, h->alloc, sizeof(*h->f));
	}
	for (i = 0; i < n; i++) {
		h->f[h->nf++] = (struct held_field){ h->bytes.len, f[i].len, f[i].null, f[i].plain };
		buf_add(&h->bytes, f[i].val, f[i].len);
	}
}

/* Write the n records of a held exploded record, in element order. */
static void write_held(struct run *r, unsigned long long n)
{
	struct held *h = r->hold;
	size_t nout = r->p->nout, k, i;

	if (h->ofalloc < nout) {
		h->ofalloc = nout;
		h->of = ereallocarray(h->of, nout, sizeof(*h->of));
	}
	for (k = 0; k < n; k++) {
		for (i = 0; i < nout; i++) {
			const struct held_field *hf = &h->f[k * nout + i];

			h->of[i] = (struct mig_field){ h->bytes.buf + hf->off, hf->len, hf->null, hf->plain };
		}
		write_fields(r, h->of);
	}
}

static int write_out(struct run *r)
{
	struct prog *p = r->p;
	size_t i;

	/* An input field no rule wrote is copied whole, its plain mark with
	 * it, so the writer copies a plain one without looking. */
	for (i = 0; i < p->ncopy; i++)
		p->of[p->copy[i]] = r->it->f[p->outslot[p->copy[i]]];
	for (i = 0; i < p->ncalc; i++) {
		const struct lang_val *v = &p->slots[p->outslot[p->calc[i]]];

		p->of[p->calc[i]] = (struct mig_field){ v->p, v->len, v->null, 0 };
	}
	if (r->hold)
		hold_fields(r->hold, p->of, p->nout);
	else
		write_fields(r, p->of);
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
				/* the steps after see another element: nothing shared carries over */
				lang_ctx_again(r->c);
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

/* Map one record: the number of records written, or -1 if rejected.
 * A prog that explodes holds its records in hold until the last element
 * passed; a rejected record writes none of them. */
static long long map_record(struct prog *p, struct lang_ctx *c, const struct mig_item *it, struct mig_writer *w,
			    struct rejects *rj, const struct map_opts *mo, struct held *hold)
{
	struct run r = { p, c, it, w, rj, mo, NULL, 0 };
	size_t i;

	for (i = 0; i < p->nsteps; i++)
		if (p->steps[i].explode) {
			r.hold = hold;
			buf_reset(&hold->bytes);
			hold->nf = 0;
			break;
		}

	lang_ctx_record(c, p->slots, it);
	for (i = 0; i < p->ninused; i++) {
		const struct mig_field *f = &it->f[p->inused[i]];

		p->slots[p->inused[i]] = (struct lang_val){ f->val, f->len, f->null };
	}
	for (i = p->nin; i < p->nslots; i++)
		p->slots[i] = (struct lang_val){ "", 0, 1 };
	if (run_steps(&r, 0))
		return -1;
	if (r.hold)
		write_held(&r, r.written);
	return (long long)r.written;
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
	struct std_opts so = STD_OPTS_INIT;
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
	struct held hold = { BUF_INIT, NULL, 0, 0, NULL, 0 };
	char where[64];
	size_t nrule = 0, i;
	long long nw;
	int c, ret;

	argv0 = "mig-map";
	if (!setlocale(LC_CTYPE, "C.UTF-8"))
		setlocale(LC_CTYPE, "en_US.UTF-8");
	while ((c = opts_next(argc, argv, &cmd)) != -1) {
		if (filter_option(&fa, c, optarg))
			continue;
		switch (c) {
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
	mo.max_rejects = so.max_rejects;
	mo.show_values = so.show_values;
	if (mo.on_error == ON_REJECT && !so.reject)
		die(MIG_EXIT_USAGE, "--on-error reject needs --reject FILE");
	std_opts_check(&so);
	for (i = 0; i < fa.nrules; i++) {
		if (fa.rules[i].is_file) {
			map_parse_file(fa.rules[i].text, &rs);
			continue;
		}
		snprintf(where, sizeof(where), "rule %zu", ++nrule);
		map_parse_rules(fa.rules[i].text, where, &rs);
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
			map_bind(cp, it.hdr, mig_reader_name(rd), it.line);
			mig_write_header_once(w, cp->identity ? it.hdr : cp->out);
		}
		if (it.kind == MIG_HEADER)
			continue;
		if (cp->identity) {
			fl.lc->out++;
			if (mig_write_record(w, it.hdr, it.f) < 0) {
				mig_writer_flush(w);
				die(MIG_EXIT_DATA, "%s:%llu: %s", it.hdr->tag, it.row, mig_writer_error(w));
			}
		} else if ((nw = map_record(cp, ctx, &it, w, rj, &mo, &hold)) < 0) {
			fl.lc->rejected++;
		} else if (nw == 0) {
			fl.lc->dropped++;
		} else {
			fl.lc->out += (unsigned long long)nw;
			if (mo.lang.passwords && lang_ctx_keep(ctx) < 0)
				die(MIG_EXIT_SYSTEM, "%s: write error:", mo.password_path);
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
		map_prog_free(rs.order[i]);
	free(rs.order);
	strmap_release(&rs.progs);
	filter_release(&fl);
	lang_ctx_free(ctx);
	buf_release(&hold.bytes);
	free(hold.f);
	free(hold.of);
	return 0;
}
