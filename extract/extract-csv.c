/*
 * extract-csv.c - plain CSV files with a header line as a tagged stream.
 *
 * The source is one FILE.csv (tag: its basename without .csv) or csv:DIR,
 * whose operands name DIR/NAME.csv.  Columns come from the header line,
 * all typed text.  NULL is an unquoted empty field, as in PostgreSQL's
 * CSV, unless --null gives a marker: then fields equal to the marker are
 * NULL and empty fields are empty strings.  Input is read in 64 KiB chunks
 * through libcsv, so memory is bounded by the longest record.
 */
#include <errno.h>
#include <fcntl.h>
#include <csv.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "extract.h"
#include "util.h"

struct csvrun {
	struct xctx *x;
	const char *path;
	const struct xjob *job;
	struct mig_header *h;
	/* the current record's fields, concatenated, with offsets */
	struct buf data;
	size_t *off, *len;
	int *null;
	size_t nf, af;
	/* for a column list: index in the file of each output column */
	size_t *map;
	struct mig_field *f;
	unsigned long line, recline, rows;
	size_t nhead;
	int header_done, done;
	struct buf tmp;
};

static void csv_die(struct csvrun *r, const char *what)
{
	die(MIG_EXIT_DATA, "%s:%lu: %s", r->path, r->recline, what);
}

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

static void cb_field(void *s, size_t n, void *arg)
{
	struct csvrun *r = arg;
	const char *p = s;
	size_t i;

	if (r->done)
		return;
	if (r->nf == r->af) {
		r->af = r->af ? r->af * 2 : 16;
		r->off = ereallocarray(r->off, r->af, sizeof(*r->off));
		r->len = ereallocarray(r->len, r->af, sizeof(*r->len));
		r->null = ereallocarray(r->null, r->af, sizeof(*r->null));
	}
	r->off[r->nf] = r->data.len;
	if (p) {
		for (i = 0; i < n; i++)
			if (p[i] == '\n')
				r->line++;
		if (r->x->o->latin1)
			add_latin1(&r->data, s, n);
		else
			buf_add(&r->data, p, n);
	}
	r->len[r->nf] = r->data.len - r->off[r->nf];
	if (r->x->o->null_marker)
		r->null[r->nf] = p && n == strlen(r->x->o->null_marker) && !memcmp(p, r->x->o->null_marker, n);
	else
		r->null[r->nf] = p == NULL;
	buf_addc(&r->data, '\0');
	r->nf++;
}

static void start_header(struct csvrun *r)
{
	const struct xjob *j = r->job;
	size_t i, k, n = j->cols ? j->ncols : r->nf;

	for (i = 0; i < r->nf; i++) {
		if (r->null[i] && !r->x->o->null_marker)
			csv_die(r, "empty column name in the header line");
		if (!utf8_valid(r->data.buf + r->off[i], r->len[i]))
			csv_die(r, "invalid UTF-8 in the header line (use --encoding latin1)");
	}
	r->h = mig_header_new(j->tag, n);
	r->map = ecalloc(n + 1, sizeof(*r->map));
	r->f = ecalloc(n + 1, sizeof(*r->f));
	for (i = 0; i < n; i++) {
		const char *name = j->cols ? j->cols[i] : r->data.buf + r->off[i];

		for (k = 0; k < r->nf; k++)
			if (!strcmp(r->data.buf + r->off[k], name))
				break;
		if (k == r->nf)
			die(MIG_EXIT_USAGE, "%s: no column '%s'", r->path, name);
		r->map[i] = k;
		mig_header_set(r->h, i, name, MIG_T_TEXT);
	}
	mig_write_header(r->x->w, r->h);
}

static void cb_record(int c, void *arg)
{
	struct csvrun *r = arg;
	size_t i;

	(void)c;
	if (r->done)
		goto next;
	if (!r->header_done) {
		start_header(r);
		r->nhead = r->nf;
		r->header_done = 1;
		goto next;
	}
	if (r->nf != r->nhead) {
		char msg[96];

		snprintf(msg, sizeof(msg), "expected %zu fields, found %zu", r->nhead, r->nf);
		csv_die(r, msg);
	}
	r->rows++;
	for (i = 0; i < r->h->ncols; i++) {
		size_t k = r->map[i];

		r->f[i].null = r->null[k];
		r->f[i].val = r->null[k] ? "" : r->data.buf + r->off[k];
		r->f[i].len = r->null[k] ? 0 : r->len[k];
		if (!r->x->o->latin1 && !utf8_valid(r->f[i].val, r->f[i].len))
			csv_die(r, "invalid UTF-8 (use --encoding latin1)");
	}
	if (mig_write_record(r->x->w, r->h, r->f) < 0)
		csv_die(r, mig_writer_error(r->x->w));
	progress_tick(r->x->prog);
	if (r->x->o->limit >= 0 && r->rows >= (unsigned long long)r->x->o->limit)
		r->done = 1;
next:
	r->line++;
	r->recline = r->line;
	r->nf = 0;
	buf_reset(&r->data);
}

static unsigned long long read_file(struct xctx *x, const struct xjob *j, const char *path)
{
	struct csv_parser p;
	struct csvrun r;
	char chunk[65536];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		die(MIG_EXIT_SYSTEM, "%s: cannot open:", path);
	if (csv_init(&p, CSV_STRICT | CSV_EMPTY_IS_NULL | CSV_APPEND_NULL) != 0)
		die(MIG_EXIT_SYSTEM, "out of memory");
	csv_set_delim(&p, (unsigned char)x->o->delim);
	csv_set_quote(&p, (unsigned char)x->o->quote);
	memset(&r, 0, sizeof(r));
	r.x = x;
	r.path = path;
	r.job = j;
	r.line = r.recline = 1;
	buf_init(&r.data);
	progress_begin(x->prog, j->tag, 0);
	while (!r.done && (n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			die(MIG_EXIT_SYSTEM, "%s: read error:", path);
		}
		if (csv_parse(&p, chunk, (size_t)n, cb_field, cb_record, &r) != (size_t)n)
			csv_die(&r, csv_strerror(csv_error(&p)));
	}
	if (!r.done && csv_fini(&p, cb_field, cb_record, &r) != 0)
		csv_die(&r, csv_strerror(csv_error(&p)));
	progress_end(x->prog);
	if (!r.header_done)
		die(MIG_EXIT_DATA, "%s:1: no header line", path);
	close(fd);
	csv_free(&p);
	mig_header_free(r.h);
	buf_release(&r.data);
	free(r.off);
	free(r.len);
	free(r.null);
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
