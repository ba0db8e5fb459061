/*
 * report-collect.c - read one run directory into struct run.
 *
 * A run directory is what a pipeline leaves (pipelines/medical: run/):
 *   validation_report.json   mig-verify --report
 *   *.csv at the top         crosswalks (old,new)
 *   streams/                 saved streams: their #!stats lines
 *   rejects/                 rejects files (mig-stream(5) with _mig_ columns)
 *   audit/                   mig-rekey --audit files
 *   schema_diff.md           the dry run's schema diff
 *   run.log                  "TIME TABLE: what" lines
 * Each part is optional.  A file that cannot be read is noted and skipped,
 * so a report can be written about a run that went wrong.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "banned.h"
#include "csvfile.h"
#include "rec.h"
#include "report.h"
#include "strmap.h"
#include "util.h"

static void note(struct run *r, const char *fmt, const char *a, const char *b)
{
	struct buf m = BUF_INIT;

	buf_addf(&m, fmt, a, b);
	r->notes = ereallocarray(r->notes, r->nnotes + 1, sizeof(*r->notes));
	r->notes[r->nnotes++] = buf_detach(&m, NULL);
}

static char *path_join(const char *a, const char *b)
{
	struct buf p = BUF_INIT;

	buf_addf(&p, "%s/%s", a, b);
	return buf_detach(&p, NULL);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The regular files of dir, sorted, as new paths; NULL-terminated. */
static char **list_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **v = NULL;
	size_t n = 0;

	if (d) {
		while ((e = readdir(d))) {
			struct stat st;
			char *p;

			if (e->d_name[0] == '.')
				continue;
			p = path_join(dir, e->d_name);
			if (stat(p, &st) == 0 && S_ISREG(st.st_mode)) {
				v = ereallocarray(v, n + 1, sizeof(*v));
				v[n++] = p;
			} else {
				free(p);
			}
		}
		closedir(d);
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_str);
	v = ereallocarray(v, n + 1, sizeof(*v));
	v[n] = NULL;
	return v;
}

static int ends_with(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);

	return n >= m && !strcmp(s + n - m, suf);
}

static void free_list(char **v)
{
	size_t i;

	for (i = 0; v[i]; i++)
		free(v[i]);
	free(v);
}

static int same_stat(const struct rstat *s, const struct stats_line *l)
{
	size_t i;

	if (strcmp(s->stage, l->stage) || strcmp(s->tag, l->tag) || s->in != l->in || s->out != l->out ||
	    s->dropped != l->dropped || s->rejected != l->rejected || s->run != l->run || s->nextra != l->nextra)
		return 0;
	for (i = 0; i < s->nextra; i++)
		if (strcmp(s->extra_names[i], l->extra_names[i]) || s->extra[i] != l->extra[i])
			return 0;
	return 1;
}

/*
 * A stream passes on the stats lines of the stages before it, so the same
 * line turns up in every later file of a chain: keep each once, in the
 * order first seen.
 */
static void add_stat(struct run *r, const struct stats_line *l)
{
	struct rstat *s;
	size_t i;

	for (i = 0; i < r->nstats; i++)
		if (same_stat(&r->stats[i], l))
			return;
	r->stats = ereallocarray(r->stats, r->nstats + 1, sizeof(*r->stats));
	s = &r->stats[r->nstats++];
	s->stage = estrdup(l->stage);
	s->tag = estrdup(l->tag);
	s->in = l->in;
	s->out = l->out;
	s->dropped = l->dropped;
	s->rejected = l->rejected;
	s->run = l->run;
	s->nextra = l->nextra;
	s->extra_names = ecalloc(l->nextra + 1, sizeof(char *));
	s->extra = ecalloc(l->nextra + 1, sizeof(unsigned long long));
	for (i = 0; i < l->nextra; i++) {
		s->extra_names[i] = estrdup(l->extra_names[i]);
		s->extra[i] = l->extra[i];
	}
}

static void count(struct rcount **v, size_t *n, const char *a, const char *b, const char *c)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (!strcmp((*v)[i].a, a) && !strcmp((*v)[i].b, b) && !strcmp((*v)[i].c, c)) {
			(*v)[i].n++;
			return;
		}
	*v = ereallocarray(*v, *n + 1, sizeof(**v));
	(*v)[*n].a = estrdup(a);
	(*v)[*n].b = estrdup(b);
	(*v)[*n].c = estrdup(c);
	(*v)[*n].n = 1;
	(*n)++;
}

/* The stats lines of a stream, and its records' reject columns when it is a rejects file. */
static void read_stream(struct run *r, const char *path, int rejects)
{
	struct mig_reader *rd = mig_reader_open(path, rejects ? MIG_R_KEEP_META : 0);
	struct mig_item it;
	struct buf text = BUF_INIT;
	int ret;

	while ((ret = mig_reader_next(rd, &it)) > 0) {
		if (it.kind == MIG_CONTROL && it.len == 5 && !memcmp(it.text, "stats", 5)) {
			struct stats_line l;

			buf_reset(&text);
			buf_add(&text, it.arg, it.arglen);
			if (stats_parse(text.buf, &l) == 0)
				add_stat(r, &l);
		} else if (rejects && it.kind == MIG_RECORD) {
			const struct mig_header *h = it.hdr;
			const char *stage = "?", *reason = "?";
			size_t i;

			for (i = 0; i < h->ncols; i++) {
				if (!strcmp(h->names[i], "_mig_stage") && !it.f[i].null)
					stage = it.f[i].val;
				else if (!strcmp(h->names[i], "_mig_reason") && !it.f[i].null)
					reason = it.f[i].val;
			}
			count(&r->rejects, &r->nrejects, stage, h->tag, reason);
		}
	}
	if (ret < 0)
		note(r, "%s%s", mig_reader_error(rd), "");
	mig_reader_free(rd);
	buf_release(&text);
}

/*
 * Plain CSV files (crosswalks, audits), one row at a time through
 * csvfile.h, the CSV every mig tool reads: fn returns nonzero to stop.
 * -1 with the reason in err for a file that cannot be opened or is not CSV.
 */
static int read_csv(const char *path, int (*fn)(void *, const struct csvfile_row *, struct buf *), void *arg,
		    struct buf *err)
{
	FILE *fp = fopen(path, "r");
	int ret;

	if (!fp)
		return buf_error(err, "%s: cannot open: %s", path, strerror(errno));
	ret = csvfile_read(fp, path, NULL, fn, arg, err);
	fclose(fp);
	return ret < 0 ? -1 : 0;
}

static int more_stats(const void *a, const void *b)
{
	const struct run *x = a, *y = b;

	return x->nstats < y->nstats ? 1 : x->nstats > y->nstats ? -1 : strcmp(x->dir, y->dir);
}

/*
 * Each file read on its own, then the files with the longest chains of
 * stages first: a stream's stats lines are the stages that made it, in
 * order, so the page shows whole chains (extract, split, map, ..., load)
 * and shorter files add only what the longer ones lack.
 */
static void read_streams(struct run *r, char **files)
{
	struct run *one = NULL;
	size_t n = 0, i, j;

	for (i = 0; files[i]; i++) {
		if (ends_with(files[i], ".part"))
			continue;
		one = ereallocarray(one, n + 1, sizeof(*one));
		memset(&one[n], 0, sizeof(*one));
		one[n].dir = estrdup(files[i]);
		read_stream(&one[n], files[i], 0);
		n++;
	}
	if (n)
		qsort(one, n, sizeof(*one), more_stats);
	for (i = 0; i < n; i++) {
		for (j = 0; j < one[i].nstats; j++) {
			const struct rstat *s = &one[i].stats[j];
			struct stats_line l;

			memset(&l, 0, sizeof(l));
			l.stage = s->stage;
			l.tag = s->tag;
			l.in = s->in;
			l.out = s->out;
			l.dropped = s->dropped;
			l.rejected = s->rejected;
			l.nextra = s->nextra < 16 ? s->nextra : 16;
			memcpy(l.extra_names, s->extra_names, l.nextra * sizeof(char *));
			memcpy(l.extra, s->extra, l.nextra * sizeof(unsigned long long));
			add_stat(r, &l);
		}
		for (j = 0; j < one[i].nnotes; j++) {
			r->notes = ereallocarray(r->notes, r->nnotes + 1, sizeof(*r->notes));
			r->notes[r->nnotes++] = one[i].notes[j];
		}
		one[i].nnotes = 0;
		run_release(&one[i]);
	}
	free(one);
}

struct xw {
	struct run *r;
	struct strmap keys;
	unsigned long long rows;
	int header_ok, bad;
};

static int xwalk_row(void *arg, const struct csvfile_row *row, struct buf *err)
{
	struct xw *x = arg;
	size_t nf = row->nf;
	const struct csvfile_field *f = row->f;

	(void)err;
	if (!x->header_ok) {
		x->header_ok = nf == 2 && f[0].len == 3 && !memcmp(f[0].val, "old", 3) && f[1].len == 3 &&
			       !memcmp(f[1].val, "new", 3);
		return x->header_ok ? 0 : 1;
	}
	if (nf != 2) {
		x->bad = 1;
		return 1;
	}
	x->rows++;
	if (!strmap_get(&x->keys, f[1].val, f[1].len))
		strmap_put(&x->keys, f[1].val, f[1].len, x);
	return 0;
}

/* A top-level CSV file whose header is old,new: a crosswalk. */
static void read_xwalk(struct run *r, const char *path)
{
	struct xw x = { r, STRMAP_INIT, 0, 0, 0 };
	struct buf err = BUF_INIT;
	struct rxwalk *w;

	if (read_csv(path, xwalk_row, &x, &err) < 0 && x.header_ok) {
		note(r, "%s%s", err.buf, "");
		x.bad = 1;
	}
	buf_release(&err);
	if (x.header_ok) {
		const char *base = strrchr(path, '/');

		r->xwalks = ereallocarray(r->xwalks, r->nxwalks + 1, sizeof(*r->xwalks));
		w = &r->xwalks[r->nxwalks++];
		w->name = estrdup(base ? base + 1 : path);
		w->rows = x.rows;
		w->keys = x.keys.count;
		w->bad = x.bad;
	}
	strmap_release(&x.keys);
}

struct au {
	struct run *r;
	int col_tag, col_column, seen_header;
};

static int audit_row(void *arg, const struct csvfile_row *row, struct buf *err)
{
	struct au *a = arg;
	size_t i, nf = row->nf;
	const struct csvfile_field *f = row->f;

	(void)err;
	if (!a->seen_header) {
		a->seen_header = 1;
		a->col_tag = a->col_column = -1;
		for (i = 0; i < nf; i++) {
			if (!strcmp(f[i].val, "tag"))
				a->col_tag = (int)i;
			else if (!strcmp(f[i].val, "column"))
				a->col_column = (int)i;
		}
		return a->col_tag < 0 || a->col_column < 0;
	}
	if ((size_t)a->col_tag < nf && (size_t)a->col_column < nf)
		count(&a->r->audits, &a->r->naudits, f[a->col_tag].val, f[a->col_column].val, "");
	return 0;
}

static long long parse_iso(const char *s)
{
	struct tm tm;
	const char *e;

	memset(&tm, 0, sizeof(tm));
	e = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return e ? (long long)timegm(&tm) : -1;
}

/* "2026-12-02T17:01:02Z TABLE: ..." lines: each table's first and last. */
static void read_log(struct run *r, const char *path)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;

	if (!fp)
		return;
	r->log_first = r->log_last = -1;
	while (getline(&line, &cap, fp) > 0) {
		long long t = parse_iso(line);
		char *sp = strchr(line, ' '), *colon;
		size_t i;

		if (t < 0 || !sp)
			continue;
		if (r->log_first < 0)
			r->log_first = t;
		r->log_last = t;
		colon = strchr(sp + 1, ':');
		if (!colon || colon == sp + 1 || memchr(sp + 1, ' ', (size_t)(colon - sp - 1)))
			continue;
		*colon = '\0';
		for (i = 0; i < r->ntimes && strcmp(r->times[i].table, sp + 1); i++)
			;
		if (i == r->ntimes) {
			r->times = ereallocarray(r->times, r->ntimes + 1, sizeof(*r->times));
			r->times[i].table = estrdup(sp + 1);
			r->times[i].first = t;
			r->times[i].rows = 0;
			r->ntimes++;
		}
		r->times[i].last = t;
	}
	free(line);
	fclose(fp);
}

static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "r");
	struct buf b = BUF_INIT;
	char chunk[8192];
	size_t n;

	if (!fp)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_add(&b, chunk, n);
	fclose(fp);
	return buf_detach(&b, NULL);
}

void run_collect(struct run *r, const char *dir)
{
	char *p, **files;
	size_t i, j;
	json_error_t je;

	memset(r, 0, sizeof(*r));
	/* the page names the folder wherever it is opened */
	if (!(r->dir = realpath(dir, NULL)))
		r->dir = estrdup(dir);
	r->log_first = r->log_last = -1;
	p = path_join(dir, "validation_report.json");
	if (access(p, F_OK) == 0 && !(r->verify = json_load_file(p, 0, &je)))
		note(r, "%s: %s", p, je.text);
	free(p);
	p = path_join(dir, "streams");
	files = list_files(p);
	read_streams(r, files);
	free_list(files);
	free(p);
	p = path_join(dir, "rejects");
	files = list_files(p);
	for (i = 0; files[i]; i++)
		if (!ends_with(files[i], ".part") && !ends_with(files[i], ".json"))
			read_stream(r, files[i], 1);
	free_list(files);
	free(p);
	p = path_join(dir, "audit");
	files = list_files(p);
	for (i = 0; files[i]; i++) {
		struct au a = { r, -1, -1, 0 };
		struct buf err = BUF_INIT;

		if (!ends_with(files[i], ".csv"))
			continue;
		if (read_csv(files[i], audit_row, &a, &err) < 0)
			note(r, "%s%s", err.buf, "");
		buf_release(&err);
	}
	free_list(files);
	free(p);
	files = list_files(dir);
	for (i = 0; files[i]; i++)
		if (ends_with(files[i], ".csv"))
			read_xwalk(r, files[i]);
	free_list(files);
	p = path_join(dir, "schema_diff.md");
	r->schema_diff = slurp(p);
	free(p);
	p = path_join(dir, "run.log");
	read_log(r, p);
	free(p);
	/* a table's rows: what its mig-load wrote */
	for (i = 0; i < r->ntimes; i++)
		for (j = 0; j < r->nstats; j++)
			if (!strcmp(r->stats[j].stage, "mig-load") && !strcmp(r->stats[j].tag, r->times[i].table))
				r->times[i].rows = r->stats[j].out;
}

long long rstat_gap(const struct rstat *s)
{
	return (long long)s->in - (long long)(s->out + s->dropped + s->rejected);
}

int rstat_is_time(const char *name)
{
	return !strcmp(name, "ms") || !strcmp(name, "cpu_ms");
}

int rstat_time(const struct rstat *s, unsigned long long *ms, unsigned long long *cpu_ms)
{
	size_t i;
	int have = 0;

	*ms = *cpu_ms = 0;
	for (i = 0; i < s->nextra; i++)
		if (!strcmp(s->extra_names[i], "ms"))
			*ms = s->extra[i], have |= 1;
		else if (!strcmp(s->extra_names[i], "cpu_ms"))
			*cpu_ms = s->extra[i], have |= 2;
	return have == 3;
}

static void counts_free(struct rcount *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].a);
		free(v[i].b);
		free(v[i].c);
	}
	free(v);
}

void run_release(struct run *r)
{
	size_t i, j;

	for (i = 0; i < r->nstats; i++) {
		free(r->stats[i].stage);
		free(r->stats[i].tag);
		for (j = 0; j < r->stats[i].nextra; j++)
			free(r->stats[i].extra_names[j]);
		free(r->stats[i].extra_names);
		free(r->stats[i].extra);
	}
	free(r->stats);
	counts_free(r->rejects, r->nrejects);
	counts_free(r->audits, r->naudits);
	for (i = 0; i < r->nxwalks; i++)
		free(r->xwalks[i].name);
	free(r->xwalks);
	for (i = 0; i < r->ntimes; i++)
		free(r->times[i].table);
	free(r->times);
	for (i = 0; i < r->nnotes; i++)
		free(r->notes[i]);
	free(r->notes);
	free(r->schema_diff);
	free(r->dir);
	if (r->verify)
		json_decref(r->verify);
}
