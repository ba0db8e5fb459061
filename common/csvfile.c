/*
 * csvfile.c - the plain CSV reader and field writer (csvfile.h).
 *
 * libcsv does the parsing in strict mode; this file adds what it lacks:
 * positions, mig's wording of errors, and reading a quote inside an
 * unquoted field as a literal byte.  libcsv's non-strict mode would
 * accept that quote but would also take "a"b as an open quoted field and
 * swallow the rest of the file into it, so instead a small scanner
 * follows libcsv's states byte by byte, and a bare quote is fed to
 * libcsv on its own with the quote character switched to another byte,
 * which makes it ordinary field data.  Lines are fed one at a time, so
 * the line a record starts on and the column of an error are known.
 */
#include <csv.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "csvfile.h"
#include "util.h"
#include "banned.h"

enum scan { S_START, S_UNQ, S_Q, S_QQ };

struct rd {
	const char *path;
	unsigned flags;
	unsigned char delim, quote;
	enum scan st;
	unsigned long line;		/* physical line being fed */
	unsigned long recline;		/* line the current record started on */
	unsigned long qline, qcol;	/* where the open quoted field started */
	unsigned long recno;
	struct buf data;		/* the record's fields, each NUL-terminated */
	size_t *off;			/* field i at data.buf + off[i], or SIZE_MAX for NULL */
	size_t *lens;
	size_t nf, af;
	struct csvfile_field *f;
	int (*fn)(void *, const struct csvfile_row *, struct buf *);
	void *arg;
	struct buf *err;
	int stop;			/* fn's non-zero return */
};

static void cb_field(void *s, size_t n, void *data)
{
	struct rd *r = data;

	if (r->stop)
		return;
	if (r->nf == r->af) {
		r->af = r->af ? 2 * r->af : 16;
		r->off = ereallocarray(r->off, r->af, sizeof(*r->off));
		r->lens = ereallocarray(r->lens, r->af, sizeof(*r->lens));
	}
	if (!s && (r->flags & CSVF_EMPTY_IS_NULL)) {
		r->off[r->nf] = (size_t)-1;
		r->lens[r->nf++] = 0;
		return;
	}
	r->off[r->nf] = r->data.len;
	r->lens[r->nf++] = n;
	buf_add(&r->data, s ? s : "", n);
	buf_addc(&r->data, '\0');
}

static void cb_record(int c, void *data)
{
	struct rd *r = data;
	struct csvfile_row row;
	size_t i;

	(void)c;
	if (r->stop) {
		r->nf = 0;
		return;
	}
	r->f = ereallocarray(r->f, r->af ? r->af : 1, sizeof(*r->f));
	for (i = 0; i < r->nf; i++) {
		r->f[i].val = r->off[i] == (size_t)-1 ? NULL : r->data.buf + r->off[i];
		r->f[i].len = r->lens[i];
	}
	row.path = r->path;
	row.line = r->recline ? r->recline : r->line;
	row.recno = ++r->recno;
	row.nf = r->nf;
	row.f = r->f;
	r->stop = r->fn(r->arg, &row, r->err);
	r->nf = 0;
	buf_reset(&r->data);
	r->recline = 0;
}

static int is_space(unsigned char c, const struct rd *r)
{
	return (c == ' ' || c == '\t') && c != r->delim;
}

static int located(struct rd *r, unsigned long line, unsigned long col, const char *what)
{
	buf_reset(r->err);
	buf_addf(r->err, "%s:%lu:%lu: %s", r->path, line, col, what);
	return -1;
}

/* Feed bytes s[0..n) of the current line to libcsv; pos is s's 0-based column. */
static int feed(struct rd *r, struct csv_parser *p, const char *s, size_t n, size_t pos)
{
	size_t got = csv_parse(p, s, n, cb_field, cb_record, r);

	if (got == n)
		return 0;
	if (csv_error(p) != CSV_EPARSE)
		return located(r, r->line, pos + got + 1, csv_strerror(csv_error(p)));
	if (r->st == S_UNQ)
		return located(r, r->line, pos + got + 1,
			       "quote inside an unquoted field (quote the whole field, doubling the quote)");
	return located(r, r->line, pos + got + 1, "text after the closing quote of a field");
}

/*
 * The common line of a crosswalk or lookup, "a,b" with no quote, CR,
 * space or tab, is split here without libcsv (it is most lines of a large
 * file); it must start a record, and its line end is cut in place.
 */
static int plain_line(struct rd *r, char *s, size_t n)
{
	size_t body = n && s[n - 1] == '\n' ? n - 1 : n, i, start = 0;

	if (r->st != S_START || r->recline)
		return 0;
	for (i = 0; i < body; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == r->quote || c == '\r' || c == ' ' || c == '\t' || c == '\0')
			return 0;
	}
	if (!body)
		return 1;
	r->recline = r->line;
	s[body] = '\0';
	for (i = 0; i <= body; i++) {
		if (i < body && (unsigned char)s[i] != r->delim)
			continue;
		s[i] = '\0';
		cb_field(i > start || !(r->flags & CSVF_EMPTY_IS_NULL) ? s + start : NULL, i - start, r);
		start = i + 1;
	}
	cb_record(0, r);
	return 1;
}

/*
 * One physical line, with its line end.  The scanner mirrors libcsv's
 * states just enough to know where a field is unquoted; libcsv itself
 * still decides everything else.
 */
static int feed_line(struct rd *r, struct csv_parser *p, const char *s, size_t n)
{
	unsigned char lit = r->quote == 1 ? 2 : 1;
	size_t i, from = 0;

	for (i = 0; i < n && !r->stop; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!r->recline && c != '\n' && c != '\r' && !is_space(c, r) && r->st == S_START)
			r->recline = r->line;
		switch (r->st) {
		case S_START:
			if (c == r->quote) {
				r->st = S_Q;
				r->qline = r->line;
				r->qcol = i + 1;
			} else if (c != r->delim && c != '\n' && c != '\r' && !is_space(c, r)) {
				r->st = S_UNQ;
			}
			break;
		case S_UNQ:
			if (c == r->delim || c == '\n' || c == '\r') {
				r->st = S_START;
			} else if (c == r->quote && !(r->flags & CSVF_STRICT)) {
				if (feed(r, p, s + from, i - from, from) < 0)
					return -1;
				csv_set_quote(p, lit);
				if (feed(r, p, s + i, 1, i) < 0)
					return -1;
				csv_set_quote(p, r->quote);
				from = i + 1;
			} else if (c == r->quote) {
				return feed(r, p, s + from, i + 1 - from, from);
			}
			break;
		case S_Q:
			if (c == r->quote)
				r->st = S_QQ;
			break;
		case S_QQ:
			if (c == r->quote)
				r->st = S_Q;
			else if (c == r->delim || c == '\n' || c == '\r')
				r->st = S_START;
			else if (!is_space(c, r))
				return feed(r, p, s + from, i + 1 - from, from);
			break;
		}
	}
	if (r->stop)
		return 0;
	return feed(r, p, s + from, n - from, from);
}

int csvfile_read(FILE *fp, const char *path, const struct csvfile_opts *o,
		 int (*fn)(void *, const struct csvfile_row *, struct buf *), void *arg,
		 struct buf *err)
{
	struct csv_parser p;
	struct rd r;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int ret = 0;

	memset(&r, 0, sizeof(r));
	r.path = path;
	r.flags = o ? o->flags : 0;
	r.delim = (unsigned char)(o && o->delim ? o->delim : ',');
	r.quote = (unsigned char)(o && o->quote ? o->quote : '"');
	r.fn = fn;
	r.arg = arg;
	r.err = err;
	buf_init(&r.data);
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_EMPTY_IS_NULL) != 0)
		die(MIG_EXIT_SYSTEM, "out of memory");
	csv_set_delim(&p, r.delim);
	csv_set_quote(&p, r.quote);
	errno = 0;
	while (!r.stop && (n = getline(&line, &cap, fp)) >= 0) {
		r.line++;
		if (plain_line(&r, line, (size_t)n))
			continue;
		if (feed_line(&r, &p, line, (size_t)n) < 0) {
			ret = -1;
			break;
		}
	}
	if (!ret && !r.stop && ferror(fp))
		ret = buf_error(err, "%s: read error: %s", path, strerror(errno));
	if (!ret && !r.stop && r.st == S_Q)
		ret = located(&r, r.qline, r.qcol, "quoted field not closed before the end of the file");
	if (!ret && !r.stop && csv_fini(&p, cb_field, cb_record, &r) != 0)
		ret = located(&r, r.line, 1, csv_strerror(csv_error(&p)));
	if (!ret && r.stop)
		ret = r.stop;
	csv_free(&p);
	free(line);
	free(r.off);
	free(r.lens);
	free(r.f);
	buf_release(&r.data);
	return ret;
}

void csvfile_where(struct buf *err, const struct csvfile_row *r)
{
	buf_reset(err);
	buf_addf(err, "%s:%lu: ", r->path, r->line);
}

void csvfile_field(struct buf *b, const char *s, size_t n, int null)
{
	size_t i;

	if (null)
		return;
	/* a crosswalk writes a row a record, of keys (UUIDs, numbers) that
	 * never need quotes: copied while they are looked at */
	buf_grow(b, n);
	if (n && s[0] != ' ' && s[0] != '\t' && s[n - 1] != ' ' && s[n - 1] != '\t' &&
	    !csv_copy_value(b->buf + b->len, s, n, 1)) {
		b->len += n;
		b->buf[b->len] = '\0';
		return;
	}
	buf_addc(b, '"');
	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			buf_addc(b, '"');
		buf_addc(b, s[i]);
	}
	buf_addc(b, '"');
}
