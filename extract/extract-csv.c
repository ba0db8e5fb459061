/*
 * extract-csv.c - plain CSV files with a header line as a tagged stream.
 *
 * The source is one FILE.csv (tag: its basename without .csv) or csv:DIR,
 * whose operands name DIR/NAME.csv.  Columns come from the header line,
 * all typed text.  NULL is an unquoted empty field, as in PostgreSQL's
 * CSV, unless --null gives a marker: then fields equal to the marker are
 * NULL and empty fields are empty strings.  Input is read record by record
 * through csvfile.h (the CSV every mig tool reads; a quote inside an
 * unquoted field is literal unless --strict), so memory is bounded by the
 * longest record.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "csvfile.h"
#include "extract.h"
#include "util.h"
#include "banned.h"

struct csvrun {
	struct xctx *x;
	const char *path;
	const struct xjob *job;
	struct mig_header *h;
	/* for a column list: index in the file of each output column */
	size_t *map;
	struct mig_field *f;
	unsigned long long rows;
	size_t nhead;
	int header_done;
	struct buf tmp;		/* the record's fields in UTF-8 (--encoding latin1) */
	size_t *off;
};

/* Latin-1 is the first 256 code points: each byte of 0x80 and above becomes two UTF-8 bytes. */
static void add_latin1(struct buf *b, const unsigned char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] < 0x80) {
			buf_addc(b, (char)s[i]);
		} else {
			buf_addc(b, (char)(0xc0 | s[i] >> 6));
			buf_addc(b, (char)(0x80 | (s[i] & 0x3f)));
		}
	}
}

static int is_null(const struct csvrun *r, const struct csvfile_field *f)
{
	const char *m = r->x->o->null_marker;

	if (!m)
		return f->val == NULL;
	return f->len == strlen(m) && !memcmp(f->val, m, f->len);
}

static int bad(struct buf *err, const struct csvfile_row *row, const char *what)
{
	csvfile_where(err, row);
	buf_adds(err, what);
	return -1;
}

static int start_header(struct csvrun *r, const struct csvfile_row *row, struct buf *err)
{
	const struct xjob *j = r->job;
	size_t i, k, n = j->cols ? j->ncols : row->nf;

	for (i = 0; i < row->nf; i++) {
		if (!row->f[i].val)
			return bad(err, row, "empty column name in the header line");
		if (!utf8_valid(row->f[i].val, row->f[i].len))
			return bad(err, row, "invalid UTF-8 in the header line (use --encoding latin1)");
	}
	r->h = mig_header_new(j->tag, n);
	r->map = ecalloc(n + 1, sizeof(*r->map));
	r->f = ecalloc(n + 1, sizeof(*r->f));
	for (i = 0; i < n; i++) {
		const char *name = j->cols ? j->cols[i] : row->f[i].val;

		for (k = 0; k < row->nf; k++)
			if (!strcmp(row->f[k].val, name))
				break;
		if (k == row->nf)
			die(MIG_EXIT_USAGE, "%s: no column '%s'", r->path, name);
		r->map[i] = k;
		mig_header_set(r->h, i, name, MIG_T_TEXT);
	}
	mig_write_header(r->x->w, r->h);
	r->nhead = row->nf;
	r->header_done = 1;
	return 0;
}

static int on_row(void *arg, const struct csvfile_row *row, struct buf *err)
{
	struct csvrun *r = arg;
	size_t i;

	if (!r->header_done)
		return start_header(r, row, err);
	if (row->nf != r->nhead) {
		csvfile_where(err, row);
		buf_addf(err, "expected %zu fields, found %zu", r->nhead, row->nf);
		return -1;
	}
	r->rows++;
	if (r->x->o->latin1) {
		buf_reset(&r->tmp);
		r->off = ereallocarray(r->off, row->nf + 1, sizeof(*r->off));
		for (i = 0; i < row->nf; i++) {
			r->off[i] = r->tmp.len;
			if (row->f[i].val)
				add_latin1(&r->tmp, (const unsigned char *)row->f[i].val, row->f[i].len);
		}
		r->off[row->nf] = r->tmp.len;
	}
	for (i = 0; i < r->h->ncols; i++) {
		size_t k = r->map[i];
		const struct csvfile_field *f = &row->f[k];

		r->f[i].null = is_null(r, f);
		if (r->f[i].null) {
			r->f[i].val = "";
			r->f[i].len = 0;
		} else if (r->x->o->latin1) {
			r->f[i].val = r->tmp.buf + r->off[k];
			r->f[i].len = r->off[k + 1] - r->off[k];
		} else {
			r->f[i].val = f->val;
			r->f[i].len = f->len;
			if (!utf8_valid(f->val, f->len))
				return bad(err, row, "invalid UTF-8 (use --encoding latin1)");
		}
	}
	if (mig_write_record(r->x->w, r->h, r->f) < 0)
		return bad(err, row, mig_writer_error(r->x->w));
	progress_tick(r->x->prog);
	if (r->x->o->limit >= 0 && r->rows >= (unsigned long long)r->x->o->limit)
		return 1;
	return 0;
}

static unsigned long long read_file(struct xctx *x, const struct xjob *j, const char *path)
{
	struct csvfile_opts co;
	struct csvrun r;
	struct buf err = BUF_INIT;
	FILE *fp = fopen(path, "r");

	if (!fp)
		die(MIG_EXIT_SYSTEM, "%s: cannot open:", path);
	memset(&co, 0, sizeof(co));
	co.flags = (x->o->null_marker ? 0 : CSVF_EMPTY_IS_NULL) | (x->o->strict ? CSVF_STRICT : 0);
	co.delim = x->o->delim;
	co.quote = x->o->quote;
	memset(&r, 0, sizeof(r));
	r.x = x;
	r.path = path;
	r.job = j;
	buf_init(&r.tmp);
	progress_begin(x->prog, j->tag, 0);
	if (csvfile_read(fp, path, &co, on_row, &r, &err) < 0)
		die(MIG_EXIT_DATA, "%s", err.buf);
	progress_end(x->prog);
	if (!r.header_done)
		die(MIG_EXIT_DATA, "%s:1: no header line", path);
	fclose(fp);
	mig_header_free(r.h);
	buf_release(&r.tmp);
	buf_release(&err);
	free(r.off);
	free(r.map);
	free(r.f);
	return r.rows;
}

static int has_suffix(const char *s, const char *x)
{
	size_t n = strlen(s), m = strlen(x);

	return n >= m && !strcmp(s + n - m, x);
}

void extract_csv(struct xctx *x)
{
	struct stat st;
	int isdir = stat(x->u->path, &st) == 0 && S_ISDIR(st.st_mode);
	struct xjob single;
	size_t i;

	if (!isdir) {
		const char *base = strrchr(x->u->path, '/');
		char *tag;

		if (x->njobs)
			die(MIG_EXIT_USAGE, "%s: a single CSV file takes no table operands (use csv:DIR)", x->u->shown);
		base = base ? base + 1 : x->u->path;
		tag = estrndup(base, strlen(base) - (has_suffix(base, ".csv") ? 4 : 0));
		memset(&single, 0, sizeof(single));
		single.tag = tag;
		x->jobs = ereallocarray(x->jobs, 1, sizeof(*x->jobs));
		x->jobs[0] = single;
		x->njobs = 1;
	}
	if (!x->njobs)
		die(MIG_EXIT_USAGE, "%s: name the files to read (NAME for NAME.csv)", x->u->shown);
	for (i = 0; i < x->njobs; i++) {
		struct xjob *j = &x->jobs[i];
		struct buf path = BUF_INIT;
		struct ledger_counts *lc;
		unsigned long long rows;

		if (isdir) {
			buf_addf(&path, "%s/%s", x->u->path, j->table);
			if (!has_suffix(j->table, ".csv"))
				buf_adds(&path, ".csv");
			if (has_suffix(j->tag, ".csv"))
				j->tag[strlen(j->tag) - 4] = '\0';
		} else {
			buf_adds(&path, x->u->path);
		}
		lc = ledger_tag(x->ledger, j->tag);
		rows = read_file(x, j, path.buf);
		lc->in += rows;
		lc->out += rows;
		buf_release(&path);
	}
}
