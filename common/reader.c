/*
 * reader.c - the stream reader: line input, encoding detection, tag state,
 * and both decoders.  Tagged CSV records, quoted values and values running
 * over several lines included, are split in place by one SSE2 pass
 * (split_line); a record it refuses (a CR outside quotes, quotes anywhere
 * but around a whole value) goes through libcsv, whose strict mode says
 * what is wrong and where.
 */
#include <csv.h>
#include <emmintrin.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "array.h"
#include "json.h"
#include "rec.h"
#include "strmap.h"
#include "util.h"
#include "banned.h"

#define IN_CHUNK (1 << 20)
/* Bytes past the buffer's end that the line splitter may load (and mask
 * off): kept allocated and initialised so no load leaves the block. */
#define IN_PAD 16

struct tagstate {
	struct mig_header *hdr;		/* as read, _mig_ columns included */
	struct mig_header *vis;		/* what the caller sees */
	size_t *map;			/* vis column i is hdr column map[i]; NULL if same */
	size_t taglen;
	unsigned long long rows;
};

struct mig_reader {
	int fd, own_fd;
	char *name;
	unsigned flags;
	enum mig_format fmt;
	int started;

	char *in;
	size_t cap, pos, end, scanned;
	size_t keep;		/* 1 + offset of a record start fill() must keep, or 0 */
	int eof;
	unsigned long lineno;

	struct buf err;
	struct strmap tags;
	struct tagstate *last;
	struct mig_header **hdrs;
	size_t nhdrs;

	struct mig_field *fields;
	size_t fcap;
	struct mig_field *out;		/* projection when _mig_ columns are hidden */
	size_t ocap;

	/* libcsv path and NDJSON: values are copied into store. */
	struct csv_parser csv;
	struct buf store;
	size_t *offs;
	size_t nf;
	int rec_done;

	struct buf scratch;
	struct buf raw;		/* a multi-line record's text, for libcsv if needed */
	size_t *qpos;		/* where a line's quotes are */
	size_t qcap;
};

static int fail(struct mig_reader *r, unsigned long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct mig_reader *r, unsigned long line, const char *fmt, ...)
{
	va_list ap;

	buf_reset(&r->err);
	buf_addf(&r->err, "%s:%lu: ", r->name, line);
	va_start(ap, fmt);
	buf_vaddf(&r->err, fmt, ap);
	va_end(ap);
	return -1;
}

static int space_none(unsigned char c)
{
	/* Only a CR next to a field boundary is trimmed: CRLF line ends. */
	return c == '\r';
}

static int term_lf(unsigned char c)
{
	return c == '\n';
}

struct mig_reader *mig_reader_fdopen(int fd, const char *name, unsigned flags)
{
	struct mig_reader *r = ecalloc(1, sizeof(*r));

	r->fd = fd;
	r->name = estrdup(name);
	r->flags = flags;
	r->cap = IN_CHUNK;
	r->in = ecalloc(1, r->cap + 1 + IN_PAD);
	buf_init(&r->err);
	buf_init(&r->store);
	buf_init(&r->scratch);
	buf_init(&r->raw);
	if (csv_init(&r->csv, CSV_STRICT | CSV_STRICT_FINI | CSV_EMPTY_IS_NULL))
		die(MIG_EXIT_SYSTEM, "out of memory");
	csv_set_space_func(&r->csv, space_none);
	csv_set_term_func(&r->csv, term_lf);
	pipe_widen(fd);
	return r;
}

struct mig_reader *mig_reader_open(const char *path, unsigned flags)
{
	struct mig_reader *r;
	int fd;

	if (!path || !strcmp(path, "-"))
		return mig_reader_fdopen(0, "<stdin>", flags);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die(MIG_EXIT_SYSTEM, "%s: cannot open:", path);
	r = mig_reader_fdopen(fd, path, flags);
	r->own_fd = 1;
	return r;
}

static void free_tag(const char *key, void *val, void *arg)
{
	struct tagstate *ts = val;

	(void)key;
	(void)arg;
	free(ts->map);
	free(ts);
}

void mig_reader_free(struct mig_reader *r)
{
	size_t i;

	if (!r)
		return;
	if (r->own_fd)
		close(r->fd);
	strmap_each(&r->tags, free_tag, NULL);
	strmap_release(&r->tags);
	for (i = 0; i < r->nhdrs; i++)
		mig_header_free(r->hdrs[i]);
	free(r->hdrs);
	csv_free(&r->csv);
	buf_release(&r->err);
	buf_release(&r->store);
	buf_release(&r->scratch);
	buf_release(&r->raw);
	free(r->offs);
	free(r->qpos);
	free(r->fields);
	free(r->out);
	free(r->in);
	free(r->name);
	free(r);
}

void mig_reader_set_bufsize(struct mig_reader *r, size_t n)
{
	if (r->started || r->end)
		return;
	r->cap = n ? n : 1;
	free(r->in);
	r->in = ecalloc(1, r->cap + 1 + IN_PAD);
}

const char *mig_reader_error(const struct mig_reader *r)
{
	return r->err.buf;
}

const char *mig_reader_name(const struct mig_reader *r)
{
	return r->name;
}

/* Read more input; -1 on a read error. */
static int fill(struct mig_reader *r)
{
	ssize_t n;

	size_t from = r->keep && r->keep - 1 < r->pos ? r->keep - 1 : r->pos;

	if (from) {
		memmove(r->in, r->in + from, r->end - from);
		r->end -= from;
		r->scanned -= from;
		r->pos -= from;
		if (r->keep)
			r->keep -= from;
	}
	if (r->end == r->cap) {
		r->in = erealloc(r->in, 2 * r->cap + 1 + IN_PAD);
		memset(r->in + r->cap + 1 + IN_PAD, 0, r->cap);
		r->cap *= 2;
	}
	do
		n = read(r->fd, r->in + r->end, r->cap - r->end);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	if (n == 0)
		r->eof = 1;
	r->end += (size_t)n;
	return 0;
}

/*
 * The next line, without its LF, NUL-terminated in place; *nl says whether
 * it had one.  The line stays valid until the next call.  0 at EOF.
 */
static int next_line(struct mig_reader *r, char **line, size_t *len, int *nl)
{
	for (;;) {
		char *s = r->in + r->pos;
		char *e;

		if (r->scanned < r->pos)
			r->scanned = r->pos;
		e = memchr(r->in + r->scanned, '\n', r->end - r->scanned);
		if (e) {
			*line = s;
			*len = (size_t)(e - s);
			*e = '\0';
			*nl = 1;
			r->pos = r->scanned = (size_t)(e - r->in) + 1;
			r->lineno++;
			return 1;
		}
		r->scanned = r->end;
		if (r->eof) {
			if (r->pos == r->end)
				return 0;
			*line = s;
			*len = r->end - r->pos;
			s[*len] = '\0';
			*nl = 0;
			r->pos = r->scanned = r->end;
			r->lineno++;
			return 1;
		}
		if (fill(r) < 0)
			return fail(r, r->lineno + 1, "read error: %s", strerror(errno));
	}
}

static void need_fields(struct mig_reader *r, size_t n)
{
	if (n > r->fcap) {
		r->fcap = n * 2;
		r->fields = ereallocarray(r->fields, r->fcap, sizeof(*r->fields));
		r->offs = ereallocarray(r->offs, r->fcap, sizeof(*r->offs));
	}
}

static struct mig_header *keep_header(struct mig_reader *r, struct mig_header *h)
{
	r->hdrs = ereallocarray(r->hdrs, r->nhdrs + 1, sizeof(*r->hdrs));
	r->hdrs[r->nhdrs++] = h;
	return h;
}

static int is_meta(const char *name)
{
	return !strncmp(name, "_mig_", 5);
}

/*
 * Install h as the current header of its tag.  Returns 1 if it is new to
 * the caller, 0 if it repeats the current one (h is then freed).
 */
static int install_header(struct mig_reader *r, struct mig_header *h)
{
	struct tagstate *ts = strmap_get(&r->tags, h->tag, strlen(h->tag));
	size_t i, nvis = 0;

	if (ts && mig_header_equal(ts->hdr, h)) {
		mig_header_free(h);
		return 0;
	}
	if (!ts) {
		ts = ecalloc(1, sizeof(*ts));
		strmap_put(&r->tags, h->tag, strlen(h->tag), ts);
	}
	ts->hdr = keep_header(r, h);
	ts->taglen = strlen(h->tag);
	free(ts->map);
	ts->map = NULL;
	ts->vis = h;
	if (!(r->flags & MIG_R_KEEP_META)) {
		for (i = 0; i < h->ncols; i++)
			nvis += !is_meta(h->names[i]);
		if (nvis != h->ncols) {
			ts->vis = keep_header(r, mig_header_new(h->tag, nvis));
			ts->map = emalloc(nvis * sizeof(*ts->map) + 1);
			for (i = 0, nvis = 0; i < h->ncols; i++)
				if (!is_meta(h->names[i])) {
					ts->vis->names[nvis] = estrdup(h->names[i]);
					ts->vis->types[nvis] = h->types[i];
					ts->map[nvis++] = i;
				}
		}
	}
	r->last = ts;
	return 1;
}

static struct tagstate *tag_state(struct mig_reader *r, const char *tag, size_t n)
{
	if (r->last && r->last->taglen == n && !memcmp(r->last->hdr->tag, tag, n))
		return r->last;
	r->last = strmap_get(&r->tags, tag, n);
	return r->last;
}

/* Finish a record whose fields (tag first) are in r->fields[0..nf). */
static int emit_record(struct mig_reader *r, struct tagstate *ts, size_t nf, unsigned long line,
		       struct mig_item *it)
{
	const struct mig_header *h = ts->hdr;
	struct mig_field *f = r->fields + 1;
	size_t i;

	if (nf - 1 != h->ncols)
		return fail(r, line, "tag '%s' row %llu has %zu fields, its header has %zu columns",
			    h->tag, ts->rows + 1, nf - 1, h->ncols);
	ts->rows++;
	if (ts->map) {
		if (r->ocap < ts->vis->ncols + 1) {
			r->ocap = ts->vis->ncols + 1;
			r->out = ereallocarray(r->out, r->ocap, sizeof(*r->out));
		}
		for (i = 0; i < ts->vis->ncols; i++)
			r->out[i] = f[ts->map[i]];
		f = r->out;
	}
	it->kind = MIG_RECORD;
	it->hdr = ts->vis;
	it->f = f;
	it->row = ts->rows;
	it->line = line;
	return 1;
}

static int check_utf8(struct mig_reader *r, size_t nf, unsigned long line)
{
	size_t i;

	for (i = 0; i < nf; i++)
		if (!utf8_valid(r->fields[i].val, r->fields[i].len)) {
			if (i == 0)
				return fail(r, line, "invalid UTF-8 in the tag");
			if (r->fields[0].val[0] == '@')
				return fail(r, line, "invalid UTF-8 in a column name of '%s'",
					    r->fields[0].val + 1);
			{
				struct tagstate *ts = tag_state(r, r->fields[0].val, r->fields[0].len);

				if (ts && i - 1 < ts->hdr->ncols)
					return fail(r, line, "tag '%s' row %llu column '%s': invalid UTF-8",
						    ts->hdr->tag, ts->rows + 1, ts->hdr->names[i - 1]);
			}
			return fail(r, line, "invalid UTF-8 in field %zu", i + 1);
		}
	return 0;
}

static int csv_header(struct mig_reader *r, size_t nf, unsigned long line, struct mig_item *it)
{
	struct mig_header *h;
	size_t i;

	if (r->fields[0].len < 2)
		return fail(r, line, "header with an empty tag");
	if (memchr(r->fields[0].val, '\0', r->fields[0].len))
		return fail(r, line, "header tag holds a NUL byte");
	h = mig_header_new(r->fields[0].val + 1, nf - 1);
	for (i = 1; i < nf; i++) {
		const char *s = r->fields[i].val;
		const char *colon = memchr(s, ':', r->fields[i].len);
		const char *c2;
		enum mig_type t = MIG_T_ANY;
		size_t nlen = r->fields[i].len;

		/* The type follows the last colon; a name may hold colons. */
		while (colon && (c2 = memchr(colon + 1, ':', r->fields[i].len - (size_t)(colon + 1 - s))))
			colon = c2;
		if (colon) {
			if (mig_type_parse(colon + 1, r->fields[i].len - (size_t)(colon + 1 - s), &t) < 0) {
				int n = (int)(r->fields[i].len - (size_t)(colon + 1 - s));

				fail(r, line, "header '%s' column %zu: unknown type '%.*s'", h->tag, i, n,
				     colon + 1);
				mig_header_free(h);
				return -1;
			}
			nlen = (size_t)(colon - s);
		}
		if (nlen == 0 || r->fields[i].null) {
			fail(r, line, "header '%s' column %zu has no name", h->tag, i);
			mig_header_free(h);
			return -1;
		}
		if (memchr(s, '\0', nlen)) {
			fail(r, line, "header '%s' column %zu: the name holds a NUL byte", h->tag, i);
			mig_header_free(h);
			return -1;
		}
		h->names[i - 1] = estrndup(s, nlen);
		h->types[i - 1] = t;
	}
	for (i = 0; i < h->ncols; i++) {
		size_t j;

		for (j = 0; j < i; j++)
			if (!strcmp(h->names[i], h->names[j])) {
				fail(r, line, "header '%s' names column '%s' twice", h->tag, h->names[i]);
				mig_header_free(h);
				return -1;
			}
	}
	if (!install_header(r, h))
		return 0;
	it->kind = MIG_HEADER;
	it->hdr = r->last->vis;
	it->line = line;
	return 1;
}

/* Fields are in r->fields[0..nf): a header or a record. */
static int csv_fields(struct mig_reader *r, size_t nf, unsigned long line, int highbit,
		      struct mig_item *it)
{
	struct tagstate *ts;

	if (r->fields[0].null || r->fields[0].len == 0)
		return fail(r, line, "record with an empty tag");
	if (highbit && check_utf8(r, nf, line) < 0)
		return -1;
	if (r->fields[0].val[0] == '@')
		return csv_header(r, nf, line, it);
	ts = tag_state(r, r->fields[0].val, r->fields[0].len);
	if (!ts)
		return fail(r, line, "data row for tag '%s' before any header", r->fields[0].val);
	return emit_record(r, ts, nf, line, it);
}

static void cb_field(void *s, size_t len, void *data)
{
	struct mig_reader *r = data;

	need_fields(r, r->nf + 1);
	r->offs[r->nf] = r->store.len;
	r->fields[r->nf].len = len;
	r->fields[r->nf].null = s == NULL;
	r->fields[r->nf].plain = 0;
	if (s)
		buf_add(&r->store, s, len);
	buf_addc(&r->store, '\0');
	r->nf++;
}

static void cb_record(int c, void *data)
{
	struct mig_reader *r = data;

	(void)c;
	r->rec_done = 1;
}

static int has_highbit(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	uint64_t acc = 0;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t w;

		memcpy(&w, p + i, 8);
		acc |= w;
	}
	for (; i < n; i++)
		acc |= p[i];
	return (acc & 0x8080808080808080ULL) != 0;
}

/* Feed one line (n bytes, LF at s[n] if nl) to libcsv: 1 record done, 0 more needed, -1. */
static int csv_feed(struct mig_reader *r, char *s, size_t n, int nl, unsigned long line)
{
	size_t done;

	if (nl)
		s[n++] = '\n';
	done = csv_parse(&r->csv, s, n, cb_field, cb_record, r);
	if (done != n) {
		int e = csv_error(&r->csv);

		csv_fini(&r->csv, NULL, NULL, NULL);
		if (e == CSV_EPARSE)
			return fail(r, line, "malformed CSV at byte %zu of the line: a quote inside an unquoted field or after a closing quote",
				    done + 1);
		return fail(r, line, "CSV error: %s", csv_strerror(e));
	}
	return r->rec_done;
}

static int csv_slow_done(struct mig_reader *r, unsigned long first, int high, struct mig_item *it)
{
	size_t i;

	for (i = 0; i < r->nf; i++)
		r->fields[i].val = r->store.buf + r->offs[i];
	return csv_fields(r, r->nf, first, high, it);
}

/* Read on after a record's first lines, until libcsv says it is complete. */
static int csv_slow_more(struct mig_reader *r, unsigned long first, int nl, int high, struct mig_item *it)
{
	char *s;
	size_t n;
	int ret;

	for (;;) {
		if (!nl || next_line(r, &s, &n, &nl) <= 0) {
			csv_fini(&r->csv, NULL, NULL, NULL);
			return fail(r, first, "unterminated quoted field: the stream ends inside it");
		}
		high |= has_highbit(s, n);
		if ((ret = csv_feed(r, s, n, nl, r->lineno)) < 0)
			return -1;
		if (ret)
			return csv_slow_done(r, first, high, it);
	}
}

/* A record with quotes or CRs: hand it to libcsv, line by line. */
static int csv_slow(struct mig_reader *r, char *s, size_t n, int nl, struct mig_item *it)
{
	unsigned long first = r->lineno;
	int high = has_highbit(s, n), ret;

	buf_reset(&r->store);
	r->nf = 0;
	r->rec_done = 0;
	if ((ret = csv_feed(r, s, n, nl, first)) < 0)
		return -1;
	if (ret)
		return csv_slow_done(r, first, high, it);
	return csv_slow_more(r, first, nl, high, it);
}

/* The same for a record whose lines, from line first on, csv_next joined
 * and copied into r->raw. */
static int csv_slow_raw(struct mig_reader *r, unsigned long first, struct mig_item *it)
{
	char *p = r->raw.buf, *e = r->raw.buf + r->raw.len;
	unsigned long line;
	int high = has_highbit(p, r->raw.len), nl = 1, ret = 0;

	buf_reset(&r->store);
	r->nf = 0;
	r->rec_done = 0;
	for (line = first; p < e; line++) {
		char *lf = memchr(p, '\n', (size_t)(e - p));
		size_t n = lf ? (size_t)(lf - p) : (size_t)(e - p);

		nl = lf != NULL;
		if ((ret = csv_feed(r, p, n, nl, line)) < 0)
			return -1;
		p += n + nl;
		if (ret)
			break;
	}
	if (ret)
		return csv_slow_done(r, first, high, it);
	return csv_slow_more(r, first, nl, high, it);
}

/*
 * What every control line must be, whichever encoding brought it: a
 * keyword without NUL, text that is UTF-8 without NUL (so that either
 * writer can carry it and the other reader take it back), and for
 * "state" a JSON value, because a checkpoint that does not parse is lost.
 */
static int control_check(struct mig_reader *r, unsigned long line, const char *kw, size_t kwlen, const char *arg,
			 size_t arglen)
{
	size_t ok;

	if (memchr(kw, '\0', kwlen) || memchr(arg, '\0', arglen))
		return fail(r, line, "control line holds a NUL byte");
	if ((ok = utf8_prefix(kw, kwlen)) < kwlen || (ok = utf8_prefix(arg, arglen)) < arglen)
		return fail(r, line, "control line is not valid UTF-8 (byte %zu of its %s)", ok + 1,
			    utf8_prefix(kw, kwlen) < kwlen ? "keyword" : "text");
	if (kwlen == 5 && !memcmp(kw, "state", 5)) {
		struct json_val v;
		const char *p = arg, *end = arg + arglen, *why = "no text";

		if (arglen && json_scan(&p, end, &v, &why) == 0)
			why = json_ws(p, end) == end ? NULL : "text after the value";
		if (why)
			return fail(r, line, "#!state text is not one JSON value: %s", why);
	}
	return 0;
}

/* Comments too travel in both encodings. */
static int comment_check(struct mig_reader *r, unsigned long line, const char *s, size_t n)
{
	size_t ok;

	if (memchr(s, '\0', n))
		return fail(r, line, "comment holds a NUL byte");
	if ((ok = utf8_prefix(s, n)) < n)
		return fail(r, line, "comment is not valid UTF-8 (byte %zu)", ok + 1);
	return 0;
}

static int csv_control(struct mig_reader *r, char *s, size_t n, struct mig_item *it)
{
	char *sp = memchr(s, ' ', n);
	size_t kw = sp ? (size_t)(sp - s) : n;

	if (kw == 10 && !memcmp(s, "mig-stream", 10)) {
		const char *v = sp ? sp + 1 : "";

		if (strcmp(v, MIG_STREAM_VERSION))
			return fail(r, r->lineno, "unsupported stream version '%s' (this reader knows %s)",
				    v, MIG_STREAM_VERSION);
		return 0;
	}
	if (!kw)
		return fail(r, r->lineno, "control line without a keyword");
	if (control_check(r, r->lineno, s, kw, sp ? sp + 1 : s + kw, sp ? n - kw - 1 : 0) < 0)
		return -1;
	s[kw] = '\0';
	it->kind = MIG_CONTROL;
	it->text = s;
	it->len = kw;
	it->arg = sp ? sp + 1 : s + kw;
	it->arglen = sp ? n - kw - 1 : 0;
	it->line = r->lineno;
	return 1;
}

/* Bit i set when an odd number of bits at or below i are: which bytes of
 * a block lie inside quotes, given the quote bits. */
static inline unsigned prefix_xor16(unsigned x)
{
	x ^= x << 1;
	x ^= x << 2;
	x ^= x << 4;
	x ^= x << 8;
	return x & 0xffffu;
}

/* split_line's progress through a line. */
struct split {
	size_t nf;		/* fields found */
	size_t start;		/* where the current field starts */
	size_t nq;		/* quotes found, at r->qpos */
	size_t fq;		/* the field holding the first quote */
	unsigned carry;		/* the last block ended inside quotes */
	size_t hi;		/* the first byte above 0x7f, or SIZE_MAX */
};

static inline void add_qpos(struct mig_reader *r, size_t nq, size_t at)
{
	if (nq >= r->qcap) {
		r->qcap = r->qcap ? 2 * r->qcap : 64;
		r->qpos = ereallocarray(r->qpos, r->qcap, sizeof(*r->qpos));
	}
	r->qpos[nq] = at;
}

/* Put back the commas that split_line replaced by NULs in its first nf
 * fields, so that a line it refuses goes to the other paths as it came. */
static void unsplit(struct mig_reader *r, char *s, size_t nf)
{
	size_t k;

	for (k = 0; k < nf; k++)
		s[r->fields[k].val - s + r->fields[k].len] = ',';
}

/*
 * One sixteen-byte block of split_line, keep masking off what lies past
 * the line.  Returns 0, or -1 for a CR outside quotes.
 */
static inline __attribute__((always_inline)) int split_block(struct mig_reader *r, char *s, size_t i,
								unsigned keep, struct split *st)
{
	const __m128i comma = _mm_set1_epi8(','), quote = _mm_set1_epi8('"'), cr = _mm_set1_epi8('\r');
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
	unsigned c = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, comma)) & keep;
	unsigned q = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, quote)) & keep;
	unsigned x = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, cr)) & keep;
	unsigned h = (unsigned)_mm_movemask_epi8(v) & keep;

	if (h && st->hi == SIZE_MAX)
		st->hi = i + (size_t)__builtin_ctz(h);
	if (q | st->carry) {
		unsigned inq = prefix_xor16(q) ^ (st->carry ? 0xffffu : 0);

		c &= ~inq;
		x &= ~inq;
		st->carry = (unsigned)__builtin_parity(q) ^ st->carry;
		/* Commas before a line's first quote are outside quotes: the
		 * field it opens is where unquoting has to start. */
		if (q && !st->nq) {
			unsigned before = c & ((q & -q) - 1);

			/* counted bit by bit: a popcount without -mpopcnt is a call */
			for (st->fq = st->nf; before; before &= before - 1)
				st->fq++;
		}
		for (; q; q &= q - 1)
			add_qpos(r, st->nq++, i + (size_t)__builtin_ctz(q));
	}
	if (x)
		return -1;
	/* At most sixteen commas a block: one capacity check for them all. */
	if (st->nf + 18 > r->fcap)
		need_fields(r, st->nf + 18);
	for (; c; c &= c - 1) {
		size_t at = i + (size_t)__builtin_ctz(c);

		r->fields[st->nf++] = (struct mig_field){ s + st->start, at - st->start, at == st->start, 1 };
		s[at] = '\0';
		st->start = at + 1;
	}
	return 0;
}

/*
 * A record on one line, split in one pass of sixteen-byte compares: the
 * quote bits give, by a prefix XOR, which bytes lie inside quotes, so the
 * commas outside them are the field boundaries, found without looking at
 * a byte twice, and each becomes its value's NUL.  The same pass notes the
 * quotes' places and the first byte above 0x7f, where UTF-8 checking has
 * to start (*bad: the line is not UTF-8).  The last block reads into the
 * line's LF, the following text or the buffer's pad, and masks off what
 * is past the line.
 *
 * Values with quotes are then unquoted in place (shorter than their text,
 * so nothing moves right).  Unquoted fields are plain: nothing in them
 * needs quoting again.  Returns the field count, or 0, with the line as it
 * came: *open set when a quoted value runs on past the line, else for a
 * record the other paths judge (a CR outside quotes, or quotes anywhere
 * but around a whole value).
 */
static size_t split_line(struct mig_reader *r, char *s, size_t n, int *bad, int *open)
{
	struct split st = { 0, 0, 0, 0, 0, SIZE_MAX };
	size_t nf, nq, i, k, qi;

	*open = 0;
	for (i = 0; i + 16 <= n; i += 16)
		if (split_block(r, s, i, 0xffffu, &st) < 0)
			goto refuse;
	if (i < n && split_block(r, s, i, (1u << (n - i)) - 1, &st) < 0)
		goto refuse;
	if (st.carry) {
		*open = 1;
		goto refuse;
	}
	nf = st.nf;
	/* room for it: split_block kept eighteen past its last field */
	r->fields[nf++] = (struct mig_field){ s + st.start, n - st.start, n == st.start, 1 };
	/* Quotes and commas are ASCII, so the line is valid UTF-8 exactly
	 * when every value is; the per-field check only names the field. */
	*bad = st.hi < n && !utf8_valid(s + st.hi, n - st.hi);
	nq = st.nq;
	if (!nq)
		return nf;
	/* Quotes: only around whole values, doubled inside them. */
	for (k = st.fq, qi = 0; k < nf && qi < nq; k++) {
		size_t a = (size_t)(r->fields[k].val - s), b = a + r->fields[k].len;

		if (r->qpos[qi] >= b)
			continue;
		if (r->qpos[qi] != a || b - a < 2 || s[b - 1] != '"')
			goto refuse_all;
		for (qi++; qi < nq && r->qpos[qi] < b - 1; qi += 2)
			if (qi + 1 >= nq || r->qpos[qi + 1] != r->qpos[qi] + 1 || r->qpos[qi + 1] >= b - 1)
				goto refuse_all;
		if (qi == nq || r->qpos[qi] != b - 1)
			goto refuse_all;
		qi++;
	}
	for (k = st.fq, qi = 0; k < nf && qi < nq; k++) {
		struct mig_field *f = &r->fields[k];
		size_t a = (size_t)(f->val - s), b = a + f->len, src = a + 1;
		char *d = s + a;

		if (r->qpos[qi] >= b)
			continue;
		for (qi++; r->qpos[qi] < b - 1; qi += 2) {
			size_t m = r->qpos[qi] + 1 - src;

			memmove(d, s + src, m);
			d += m;
			src = r->qpos[qi] + 2;
		}
		qi++;
		memmove(d, s + src, b - 1 - src);
		d += b - 1 - src;
		*d = '\0';
		f->len = (size_t)(d - (s + a));
		f->null = 0;
		f->plain = 0;
	}
	return nf;
refuse_all:
	unsplit(r, s, nf - 1);
	return 0;
refuse:
	unsplit(r, s, st.nf);
	return 0;
}

static int csv_next(struct mig_reader *r, char *s, size_t n, int nl, struct mig_item *it)
{
	size_t nf;
	int bad;
	unsigned long first0 = r->lineno;

	if (!nl)
		return fail(r, r->lineno, "truncated stream: the last line has no newline");
	if (s[0] == '#') {
		if (n > 1 && s[1] == '!') {
			if (n && s[n - 1] == '\r')
				s[--n] = '\0';
			return csv_control(r, s + 2, n - 2, it);
		}
		if (comment_check(r, r->lineno, s + 1, n - 1) < 0)
			return -1;
		it->kind = MIG_COMMENT;
		it->text = s + 1;
		it->len = n - 1;
		it->line = r->lineno;
		return 1;
	}
	for (;;) {
		int open;

		if ((nf = split_line(r, s, n, &bad, &open)))
			return csv_fields(r, nf, first0, bad, it);
		if (!open || !nl)
			break;
		/* A quoted value goes on: the next line joins this one where
		 * it lies, the buffer keeping the record's start. */
		{
			size_t off = (size_t)(s - r->in);
			char *ns;
			size_t nn;
			int ret;

			r->keep = off + 1;
			s[n] = '\n';
			ret = next_line(r, &ns, &nn, &nl);
			off = r->keep - 1;
			r->keep = 0;
			s = r->in + off;
			if (ret < 0)
				return -1;
			if (ret == 0)
				break;	/* the stream ends inside the value */
			n = (size_t)(ns + nn - s);
		}
	}
	if (r->lineno != first0) {
		/* Lines joined: libcsv gets them one by one, for its line numbers. */
		buf_reset(&r->raw);
		buf_add(&r->raw, s, n);
		if (nl)
			buf_addc(&r->raw, '\n');
		return csv_slow_raw(r, first0, it);
	}
	return csv_slow(r, s, n, nl, it);
}

/* ---- NDJSON ---- */

struct jmsg {
	struct json_val type, stream, record, schema, value, text, control;
	int has_type, has_stream, has_record, has_schema, has_value, has_text, has_control;
};

static int jstr_eq(const struct json_val *v, const char *s)
{
	size_t n = strlen(s);

	return v->kind == JV_STRING && (size_t)(v->end - v->start) == n &&
	       !memcmp(v->start, s, n);
}

/* Decode a string value into scratch; the result is in r->scratch. */
static int jstr(struct mig_reader *r, const struct json_val *v)
{
	buf_reset(&r->scratch);
	if (v->kind != JV_STRING)
		return -1;
	if (!v->escaped) {
		buf_add(&r->scratch, v->start, (size_t)(v->end - v->start));
		return 0;
	}
	return json_unescape(v->start, v->end, &r->scratch);
}

static int json_type_of(struct mig_reader *r, const char *p, const char *e, enum mig_type *t,
			unsigned long line, const char *tag, const char *col)
{
	const char *types[8];
	size_t nt = 0;
	int has_fmt = 0, has_mig = 0;
	struct buf fmt = BUF_INIT, mig = BUF_INIT;
	const char *why;
	int ret = 0;
	struct json_iter pi;
	struct json_val k, v;

	json_object_begin(&pi, p, e, 0);
	while (json_object_next(&pi, &k, &v, &why) > 0) {
		if ((size_t)(k.end - k.start) == 4 && !memcmp(k.start, "type", 4)) {
			if (v.kind == JV_STRING) {
				types[nt++] = v.start;
			} else if (v.kind == JV_ARRAY) {
				const char *q = json_ws(v.start + 1, v.end);

				while (q < v.end && *q != ']' && nt < 8) {
					struct json_val s;

					if (json_scan(&q, v.end, &s, &why) < 0)
						goto bad;
					if (s.kind == JV_STRING && strncmp(s.start, "null", 4))
						types[nt++] = s.start;
					q = json_ws(q, v.end);
					if (q < v.end && *q == ',')
						q = json_ws(q + 1, v.end);
				}
			}
		} else if ((size_t)(k.end - k.start) == 6 && !memcmp(k.start, "format", 6) &&
			   v.kind == JV_STRING) {
			buf_add(&fmt, v.start, (size_t)(v.end - v.start));
			has_fmt = 1;
		} else if ((size_t)(k.end - k.start) == 10 && !memcmp(k.start, "x-mig-type", 10) &&
			   v.kind == JV_STRING) {
			buf_add(&mig, v.start, (size_t)(v.end - v.start));
			has_mig = 1;
		}
	}
	if (has_mig) {
		if (!mig.len)
			*t = MIG_T_ANY;
		else if (mig_type_parse(mig.buf, mig.len, t) < 0)
			ret = fail(r, line, "stream '%s' column '%s': unknown x-mig-type '%s'", tag, col,
				   mig.buf);
	} else if (nt == 0) {
		*t = MIG_T_JSON;
	} else if (nt > 1) {
		*t = MIG_T_JSON;
	} else if (!strncmp(types[0], "integer\"", 8)) {
		*t = MIG_T_INT;
	} else if (!strncmp(types[0], "number\"", 7)) {
		*t = MIG_T_NUMERIC;
	} else if (!strncmp(types[0], "boolean\"", 8)) {
		*t = MIG_T_BOOL;
	} else if (!strncmp(types[0], "string\"", 7)) {
		*t = MIG_T_ANY;
		if (has_fmt) {
			if (!strcmp(fmt.buf, "date-time"))
				*t = MIG_T_TIMESTAMPTZ;
			else if (!strcmp(fmt.buf, "date"))
				*t = MIG_T_DATE;
			else if (!strcmp(fmt.buf, "time"))
				*t = MIG_T_TIME;
			else if (!strcmp(fmt.buf, "uuid"))
				*t = MIG_T_UUID;
			else if (!strcmp(fmt.buf, "singer.decimal"))
				*t = MIG_T_NUMERIC;
		}
	} else {
		*t = MIG_T_JSON;
	}
	buf_release(&fmt);
	buf_release(&mig);
	return ret;
bad:
	buf_release(&fmt);
	buf_release(&mig);
	return fail(r, line, "stream '%s' column '%s': malformed property schema", tag, col);
}

static int json_schema(struct mig_reader *r, const struct jmsg *m, unsigned long line,
		       struct mig_item *it)
{
	const char *why;
	struct json_val props = { 0 }, k, v;
	struct json_iter mi;
	struct mig_header *h;
	size_t n = 0, i;
	char *tag;

	if (!m->has_stream || jstr(r, &m->stream) < 0 || !r->scratch.len)
		return fail(r, line, "SCHEMA message without a stream name");
	if (memchr(r->scratch.buf, '\0', r->scratch.len))
		return fail(r, line, "SCHEMA stream name holds a NUL byte");
	tag = estrdup(r->scratch.buf);
	if (m->schema.kind != JV_OBJECT) {
		free(tag);
		return fail(r, line, "SCHEMA message without a schema object");
	}
	json_object_begin(&mi, m->schema.start, m->schema.end, 0);
	while (json_object_next(&mi, &k, &v, &why) > 0)
		if (jstr_eq(&k, "properties") && v.kind == JV_OBJECT)
			props = v;
	if (props.kind != JV_OBJECT) {
		fail(r, line, "SCHEMA of '%s' has no properties object", tag);
		free(tag);
		return -1;
	}
	/* Count the properties, then fill the header in their order. */
	json_object_begin(&mi, props.start, props.end, 0);
	while (json_object_next(&mi, &k, &v, &why) > 0)
		n++;
	h = mig_header_new(tag, n);
	free(tag);
	i = 0;
	json_object_begin(&mi, props.start, props.end, 0);
	while (json_object_next(&mi, &k, &v, &why) > 0) {
		if (jstr(r, &k) < 0 || !r->scratch.len || memchr(r->scratch.buf, '\0', r->scratch.len)) {
			mig_header_free(h);
			return fail(r, line, "SCHEMA property with a bad name (empty, or holding a NUL byte)");
		}
		h->names[i] = estrdup(r->scratch.buf);
		if (v.kind != JV_OBJECT) {
			h->types[i] = MIG_T_JSON;
		} else if (json_type_of(r, v.start, v.end, &h->types[i], line, h->tag, h->names[i]) < 0) {
			mig_header_free(h);
			return -1;
		}
		i++;
	}
	if (!install_header(r, h))
		return 0;
	it->kind = MIG_HEADER;
	it->hdr = r->last->vis;
	it->line = line;
	return 1;
}

static int json_record(struct mig_reader *r, const struct jmsg *m, unsigned long line,
		       struct mig_item *it)
{
	const struct mig_header *h;
	struct tagstate *ts;
	struct json_iter ri;
	struct json_val k, v;
	const char *why;
	size_t i;

	if (!m->has_stream || jstr(r, &m->stream) < 0)
		return fail(r, line, "RECORD message without a stream name");
	ts = tag_state(r, r->scratch.buf, r->scratch.len);
	if (!ts)
		return fail(r, line, "RECORD for stream '%s' before any SCHEMA", r->scratch.buf);
	h = ts->hdr;
	if (!m->has_record || m->record.kind != JV_OBJECT)
		return fail(r, line, "RECORD message without a record object");
	need_fields(r, h->ncols + 1);
	buf_reset(&r->store);
	for (i = 0; i <= h->ncols; i++) {
		r->fields[i].null = 1;
		r->fields[i].len = 0;
		r->offs[i] = SIZE_MAX;
	}
	/* Checked with the message: the members only need picking out. */
	json_object_begin(&ri, m->record.start, m->record.end, 1);
	for (i = 0; json_object_next(&ri, &k, &v, &why) > 0; i++) {
		size_t col;

		if (jstr(r, &k) < 0)
			return fail(r, line, "RECORD key is not a valid string");
		/* Keys usually come in header order: try that column first. */
		if (i < h->ncols && !strcmp(h->names[i], r->scratch.buf)) {
			col = i;
		} else {
			int c = mig_header_find(h, r->scratch.buf);

			if (c < 0)
				return fail(r, line, "stream '%s' row %llu: unknown column '%s'", h->tag,
					    ts->rows + 1, r->scratch.buf);
			col = (size_t)c;
		}
		if (r->offs[col + 1] != SIZE_MAX)
			return fail(r, line, "stream '%s' row %llu: column '%s' given twice", h->tag,
				    ts->rows + 1, h->names[col]);
		r->offs[col + 1] = r->store.len;
		if (v.kind == JV_NULL && h->types[col] != MIG_T_JSON) {
			r->fields[col + 1].null = 1;
		} else if (v.kind == JV_STRING && h->types[col] != MIG_T_JSON) {
			size_t at = r->store.len;

			if (!v.escaped)
				buf_add(&r->store, v.start, (size_t)(v.end - v.start));
			else if (json_unescape(v.start, v.end, &r->store) < 0)
				return fail(r, line, "stream '%s' row %llu column '%s': bad escape",
					    h->tag, ts->rows + 1, h->names[col]);
			r->fields[col + 1].null = 0;
			r->fields[col + 1].len = r->store.len - at;
		} else if (v.kind == JV_ARRAY && h->types[col] == MIG_T_ARRAY) {
			/* A JSON array in an array column is that array: its canonical text. */
			size_t at = r->store.len;

			if (arr_canon(v.start, (size_t)(v.end - v.start), &r->store) < 0)
				return fail(r, line, "stream '%s' row %llu column '%s': not an array of scalars",
					    h->tag, ts->rows + 1, h->names[col]);
			r->fields[col + 1].null = 0;
			r->fields[col + 1].len = r->store.len - at;
		} else if ((v.kind == JV_TRUE || v.kind == JV_FALSE) && h->types[col] != MIG_T_JSON) {
			buf_addc(&r->store, v.kind == JV_TRUE ? 't' : 'f');
			r->fields[col + 1].null = 0;
			r->fields[col + 1].len = 1;
		} else {
			/* Numbers keep their text; objects and arrays their JSON. */
			const char *s = v.kind == JV_STRING ? v.start - 1 : v.start;
			const char *t = v.kind == JV_STRING ? v.end + 1 : v.end;

			buf_add(&r->store, s, (size_t)(t - s));
			r->fields[col + 1].null = 0;
			r->fields[col + 1].len = (size_t)(t - s);
		}
		buf_addc(&r->store, '\0');
	}
	r->fields[0].val = h->tag;
	r->fields[0].len = strlen(h->tag);
	r->fields[0].null = 0;
	r->fields[0].plain = 0;
	for (i = 1; i <= h->ncols; i++) {
		r->fields[i].val = r->offs[i] == SIZE_MAX ? "" : r->store.buf + r->offs[i];
		r->fields[i].plain = 0;
	}
	return emit_record(r, ts, h->ncols + 1, line, it);
}

static int json_next(struct mig_reader *r, char *s, size_t n, int nl, struct mig_item *it)
{
	const char *p = s, *e = s + n, *why;
	unsigned long line = r->lineno;
	struct jmsg m;
	struct json_iter mi;
	struct json_val k, v;
	int ret;

	memset(&m, 0, sizeof(m));
	p = json_ws(p, e);
	if (p == e)
		return 0;
	if (*p != '{')
		return fail(r, line, "NDJSON message is not an object");
	/* The members are picked out as the message is checked, in one pass. */
	json_object_begin(&mi, p, e, 0);
	while ((ret = json_object_next(&mi, &k, &v, &why)) > 0) {
#define KEY(name, field) \
	if (jstr_eq(&k, name)) { m.field = v; m.has_##field = 1; } else
		KEY("type", type) KEY("stream", stream) KEY("record", record) KEY("schema", schema)
		KEY("value", value) KEY("text", text) KEY("control", control) {}
#undef KEY
	}
	if (ret < 0)
		return fail(r, line, "JSON syntax error at column %zu: %s", (size_t)(mi.p - s) + 1, why);
	if (json_ws(mi.p, e) != e)
		return fail(r, line, "JSON syntax error at column %zu: text after the message",
			    (size_t)(json_ws(mi.p, e) - s) + 1);
	if (!nl)
		return fail(r, line, "truncated stream: the last line has no newline");
	if (!m.has_type || m.type.kind != JV_STRING)
		return fail(r, line, "NDJSON message without a \"type\"");
	if (jstr_eq(&m.type, "RECORD"))
		return json_record(r, &m, line, it);
	if (jstr_eq(&m.type, "SCHEMA"))
		return json_schema(r, &m, line, it);
	if (jstr_eq(&m.type, "STATE")) {
		if (!m.has_value)
			return fail(r, line, "STATE message without a value");
		buf_reset(&r->store);
		buf_add(&r->store, m.value.kind == JV_STRING ? m.value.start - 1 : m.value.start,
			(size_t)(m.value.end - m.value.start) + (m.value.kind == JV_STRING ? 2 : 0));
		it->kind = MIG_CONTROL;
		it->text = "state";
		it->len = 5;
		it->arg = r->store.buf;
		it->arglen = r->store.len;
		it->line = line;
		return 1;
	}
	if (jstr_eq(&m.type, "MIG_COMMENT")) {
		if (!m.has_text || jstr(r, &m.text) < 0)
			return fail(r, line, "MIG_COMMENT message without a text");
		if (comment_check(r, line, r->scratch.buf, r->scratch.len) < 0)
			return -1;
		buf_reset(&r->store);
		buf_add(&r->store, r->scratch.buf, r->scratch.len);
		it->kind = MIG_COMMENT;
		it->text = r->store.buf;
		it->len = r->store.len;
		it->line = line;
		return 1;
	}
	if (jstr_eq(&m.type, "MIG_CONTROL")) {
		size_t kwlen;

		if (!m.has_control || jstr(r, &m.control) < 0 || !r->scratch.len)
			return fail(r, line, "MIG_CONTROL message without a control keyword");
		buf_reset(&r->store);
		buf_add(&r->store, r->scratch.buf, r->scratch.len + 1);
		kwlen = r->scratch.len;
		if (m.has_text) {
			if (jstr(r, &m.text) < 0)
				return fail(r, line, "MIG_CONTROL message with a bad text");
			buf_add(&r->store, r->scratch.buf, r->scratch.len);
		}
		if (control_check(r, line, r->store.buf, kwlen, r->store.buf + kwlen + 1, r->store.len - kwlen - 1) < 0)
			return -1;
		if (kwlen == 10 && !memcmp(r->store.buf, "mig-stream", 10)) {
			if (strcmp(r->store.buf + kwlen + 1, MIG_STREAM_VERSION))
				return fail(r, line, "unsupported stream version '%s' (this reader knows %s)",
					    r->store.buf + kwlen + 1, MIG_STREAM_VERSION);
			return 0;
		}
		it->kind = MIG_CONTROL;
		it->text = r->store.buf;
		it->len = kwlen;
		it->arg = r->store.buf + kwlen + 1;
		it->arglen = r->store.len - kwlen - 1;
		it->line = line;
		return 1;
	}
	/* Other Singer messages (ACTIVATE_VERSION, BATCH) carry nothing mig uses. */
	return 0;
}

int mig_reader_next(struct mig_reader *r, struct mig_item *it)
{
	memset(it, 0, sizeof(*it));
	for (;;) {
		char *s;
		size_t n;
		int nl, ret;

		ret = next_line(r, &s, &n, &nl);
		if (ret <= 0)
			return ret;
		if (!r->started) {
			r->started = 1;
			if (n >= 3 && !memcmp(s, "\xef\xbb\xbf", 3)) {
				s += 3;
				n -= 3;
			}
			r->fmt = n && s[0] == '{' ? MIG_FMT_NDJSON : MIG_FMT_CSV;
		}
		if (n == 0 || (n == 1 && s[0] == '\r')) {
			if (!nl)
				return 0;
			continue;
		}
		ret = r->fmt == MIG_FMT_CSV ? csv_next(r, s, n, nl, it) : json_next(r, s, n, nl, it);
		if (ret)
			return ret;
	}
}
