/*
 * writer.c - tagged CSV and NDJSON writers over a file descriptor.
 *
 * Output is assembled in one buffer and written with write(2) in large
 * pieces; a record's header is emitted before it whenever the tag's last
 * written header differs, so tools only ever write records.
 */
#include <emmintrin.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvfile.h"
#include "json.h"
#include "rec.h"
#include "strmap.h"
#include "util.h"
#include "banned.h"

#define OUT_FLUSH (256 * 1024)

struct written {
	unsigned long id;		/* id of the header object last written */
	struct mig_header *copy;	/* its contents, to compare other objects */
	size_t taglen;
};

struct tee {
	int fd;
	char *name;
};

struct mig_writer {
	int fd;
	char *name;
	struct tee *tees;	/* further descriptors given the same bytes */
	size_t ntees;
	enum mig_format fmt;
	unsigned flags;
	int started;
	struct buf out;
	struct buf err;
	struct buf tmp;
	struct strmap tags;
	struct written *last;
	const char *lasttag;
};

struct mig_writer *mig_writer_new(int fd, const char *name, enum mig_format fmt, unsigned flags)
{
	struct mig_writer *w = ecalloc(1, sizeof(*w));

	w->fd = fd;
	w->name = estrdup(name);
	w->fmt = fmt;
	w->flags = flags;
	buf_init(&w->out);
	buf_init(&w->err);
	buf_init(&w->tmp);
	buf_grow(&w->out, OUT_FLUSH + 4096);
	pipe_widen(fd);
	return w;
}

static void put_all(struct mig_writer *w, const void *p, size_t n)
{
	size_t i;

	if (!n)
		return;
	if (write_all(w->fd, p, n) < 0)
		die(MIG_EXIT_SYSTEM, "%s: write error:", w->name);
	for (i = 0; i < w->ntees; i++)
		if (write_all(w->tees[i].fd, p, n) < 0)
			die(MIG_EXIT_SYSTEM, "%s: write error:", w->tees[i].name);
}

void mig_writer_flush(struct mig_writer *w)
{
	put_all(w, w->out.buf, w->out.len);
	buf_reset(&w->out);
}

void mig_writer_tee(struct mig_writer *w, int fd, const char *name)
{
	w->tees = ereallocarray(w->tees, w->ntees + 1, sizeof(*w->tees));
	w->tees[w->ntees].fd = fd;
	w->tees[w->ntees].name = estrdup(name);
	w->ntees++;
	pipe_widen(fd);
}

void mig_writer_raw(struct mig_writer *w, const void *p, size_t n)
{
	mig_writer_flush(w);
	put_all(w, p, n);
}

static inline void maybe_flush(struct mig_writer *w)
{
	if (w->out.len >= OUT_FLUSH)
		mig_writer_flush(w);
}

static void start(struct mig_writer *w)
{
	w->started = 1;
	if (w->flags & MIG_W_NO_VERSION)
		return;
	if (w->fmt == MIG_FMT_CSV)
		buf_adds(&w->out, "#!mig-stream " MIG_STREAM_VERSION "\n");
	else
		buf_adds(&w->out, "{\"type\":\"MIG_CONTROL\",\"control\":\"mig-stream\",\"text\":\""
			 MIG_STREAM_VERSION "\"}\n");
}

/*
 * Append one CSV field.  The caller has reserved 2 * n + 3 bytes, so
 * nothing here checks for room.  A value is copied as it is unless a
 * piece of it holds a comma, quote, CR or LF; a plain field (see rec.h)
 * is copied without looking.
 */
static inline __attribute__((always_inline)) void csv_field_fast(struct buf *o, const char *s, size_t n, int null,
								 int plain)
{
	char *d;

	if (null)
		return;
	if (n == 0) {
		o->buf[o->len++] = '"';
		o->buf[o->len++] = '"';
		return;
	}
	if (plain)
		csv_copy_value(o->buf + o->len, s, n, 0);
	else if (csv_copy_value(o->buf + o->len, s, n, 1))
		goto quote;
	o->len += n;
	return;
quote:
	d = o->buf + o->len;
	*d++ = '"';
	{
		const char *q = s, *qe = s + n, *dq;

		while ((dq = memchr(q, '"', (size_t)(qe - q)))) {
			memcpy(d, q, (size_t)(dq - q) + 1);
			d += dq - q + 1;
			*d++ = '"';
			q = dq + 1;
		}
		memcpy(d, q, (size_t)(qe - q));
		d += qe - q;
	}
	*d++ = '"';
	o->len = (size_t)(d - o->buf);
}

static void csv_field(struct buf *o, const char *s, size_t n, int null)
{
	buf_grow(o, 2 * n + 3);
	csv_field_fast(o, s, n, null, 0);
	o->buf[o->len] = '\0';
}

static void csv_header(struct mig_writer *w, const struct mig_header *h)
{
	size_t i;

	buf_reset(&w->tmp);
	buf_addc(&w->tmp, '@');
	buf_adds(&w->tmp, h->tag);
	csv_field(&w->out, w->tmp.buf, w->tmp.len, 0);
	for (i = 0; i < h->ncols; i++) {
		buf_reset(&w->tmp);
		buf_adds(&w->tmp, h->names[i]);
		if (h->types[i] != MIG_T_ANY) {
			buf_addc(&w->tmp, ':');
			buf_adds(&w->tmp, mig_type_name(h->types[i]));
		}
		buf_addc(&w->out, ',');
		csv_field(&w->out, w->tmp.buf, w->tmp.len, 0);
	}
	buf_addc(&w->out, '\n');
}

static const char *json_schema_of(enum mig_type t)
{
	switch (t) {
	case MIG_T_ANY: return "{\"type\":[\"string\",\"null\"]}";
	case MIG_T_INT: return "{\"type\":[\"integer\",\"null\"],\"x-mig-type\":\"int\"}";
	case MIG_T_FLOAT: return "{\"type\":[\"number\",\"null\"],\"x-mig-type\":\"float\"}";
	case MIG_T_NUMERIC: return "{\"type\":[\"number\",\"null\"],\"x-mig-type\":\"numeric\"}";
	case MIG_T_BOOL: return "{\"type\":[\"boolean\",\"null\"],\"x-mig-type\":\"bool\"}";
	case MIG_T_TEXT: return "{\"type\":[\"string\",\"null\"],\"x-mig-type\":\"text\"}";
	case MIG_T_BYTES: return "{\"type\":[\"string\",\"null\"],\"x-mig-type\":\"bytes\"}";
	case MIG_T_DATE: return "{\"type\":[\"string\",\"null\"],\"format\":\"date\",\"x-mig-type\":\"date\"}";
	case MIG_T_TIME: return "{\"type\":[\"string\",\"null\"],\"format\":\"time\",\"x-mig-type\":\"time\"}";
	case MIG_T_TIMESTAMP: return "{\"type\":[\"string\",\"null\"],\"format\":\"date-time\",\"x-mig-type\":\"timestamp\"}";
	case MIG_T_TIMESTAMPTZ: return "{\"type\":[\"string\",\"null\"],\"format\":\"date-time\",\"x-mig-type\":\"timestamptz\"}";
	case MIG_T_UUID: return "{\"type\":[\"string\",\"null\"],\"format\":\"uuid\",\"x-mig-type\":\"uuid\"}";
	case MIG_T_JSON: return "{\"x-mig-type\":\"json\"}";
	case MIG_T_ARRAY: return "{\"type\":[\"string\",\"null\"],\"x-mig-type\":\"array\"}";
	default: return "{}";
	}
}

static void json_header(struct mig_writer *w, const struct mig_header *h)
{
	size_t i;

	buf_adds(&w->out, "{\"type\":\"SCHEMA\",\"stream\":");
	json_quote(&w->out, h->tag, strlen(h->tag));
	buf_adds(&w->out, ",\"schema\":{\"type\":\"object\",\"properties\":{");
	for (i = 0; i < h->ncols; i++) {
		if (i)
			buf_addc(&w->out, ',');
		json_quote(&w->out, h->names[i], strlen(h->names[i]));
		buf_addc(&w->out, ':');
		buf_adds(&w->out, json_schema_of(h->types[i]));
	}
	buf_adds(&w->out, "}},\"key_properties\":[]}\n");
}

void mig_write_header(struct mig_writer *w, const struct mig_header *h)
{
	struct written *wr = strmap_get(&w->tags, h->tag, strlen(h->tag));

	if (!w->started)
		start(w);
	if (!wr) {
		wr = ecalloc(1, sizeof(*wr));
		strmap_put(&w->tags, h->tag, strlen(h->tag), wr);
	}
	mig_header_free(wr->copy);
	wr->copy = mig_header_dup(h);
	wr->taglen = strlen(h->tag);
	wr->id = h->id;
	w->last = wr;
	w->lasttag = wr->copy->tag;
	if (w->fmt == MIG_FMT_CSV)
		csv_header(w, h);
	else
		json_header(w, h);
	maybe_flush(w);
}

/* Emit h unless it is what this tag last had. */
void mig_write_header_once(struct mig_writer *w, const struct mig_header *h)
{
	struct written *wr = w->last;

	if (wr && wr->id == h->id)
		return;
	if (!wr || strcmp(w->lasttag, h->tag))
		wr = strmap_get(&w->tags, h->tag, strlen(h->tag));
	if (wr && (wr->id == h->id || mig_header_equal(wr->copy, h))) {
		wr->id = h->id;
		w->last = wr;
		w->lasttag = wr->copy->tag;
		return;
	}
	mig_write_header(w, h);
}

/* A json value is embedded as JSON; line breaks between tokens become spaces. */
static int json_raw(struct mig_writer *w, const char *s, size_t n)
{
	const char *p = json_ws(s, s + n), *why;
	struct json_val v;
	size_t at = w->out.len, i;

	if (json_scan(&p, s + n, &v, &why) < 0 || json_ws(p, s + n) != s + n)
		return -1;
	buf_add(&w->out, s, n);
	for (i = at; i < w->out.len; i++)
		if (w->out.buf[i] == '\n' || w->out.buf[i] == '\r')
			w->out.buf[i] = ' ';
	return 0;
}

static int json_record(struct mig_writer *w, const struct mig_header *h, const struct mig_field *f)
{
	size_t i;

	buf_adds(&w->out, "{\"type\":\"RECORD\",\"stream\":");
	json_quote(&w->out, h->tag, strlen(h->tag));
	buf_adds(&w->out, ",\"record\":{");
	int first = 1;

	for (i = 0; i < h->ncols; i++) {
		const char *s = f[i].val;
		size_t n = f[i].len;

		/* A json column's SQL NULL is an absent member, so that a JSON
		 * null value can be told apart from it. */
		if (f[i].null && h->types[i] == MIG_T_JSON)
			continue;
		if (!first)
			buf_addc(&w->out, ',');
		first = 0;
		json_quote(&w->out, h->names[i], strlen(h->names[i]));
		buf_addc(&w->out, ':');
		if (f[i].null) {
			buf_add(&w->out, "null", 4);
			continue;
		}
		switch (h->types[i]) {
		case MIG_T_INT:
		case MIG_T_FLOAT:
		case MIG_T_NUMERIC:
			if (json_number_valid(s, n))
				buf_add(&w->out, s, n);
			else
				json_quote(&w->out, s, n);
			break;
		case MIG_T_BOOL:
			/* Only the canonical t/f become JSON booleans, so text survives. */
			if (n == 1 && (*s == 't' || *s == 'f'))
				buf_adds(&w->out, *s == 't' ? "true" : "false");
			else
				json_quote(&w->out, s, n);
			break;
		case MIG_T_JSON:
			if (json_raw(w, s, n) < 0) {
				buf_reset(&w->err);
				buf_addf(&w->err, "tag '%s' column '%s': invalid JSON", h->tag, h->names[i]);
				return -1;
			}
			break;
		default:
			json_quote(&w->out, s, n);
		}
	}
	buf_adds(&w->out, "}}\n");
	return 0;
}

int mig_write_record(struct mig_writer *w, const struct mig_header *h, const struct mig_field *f)
{
	size_t i;

	mig_write_header_once(w, h);
	if (w->fmt == MIG_FMT_NDJSON) {
		size_t at = w->out.len;

		if (json_record(w, h, f) < 0) {
			w->out.len = at;
			w->out.buf[at] = '\0';
			return -1;
		}
		maybe_flush(w);
		return 0;
	}
	{
		size_t need = w->last->taglen * 2 + 4;

		for (i = 0; i < h->ncols; i++)
			need += 2 * f[i].len + 4;
		buf_grow(&w->out, need);
	}
	csv_field_fast(&w->out, h->tag, w->last->taglen, 0, 0);
	for (i = 0; i < h->ncols; i++) {
		w->out.buf[w->out.len++] = ',';
		csv_field_fast(&w->out, f[i].val, f[i].len, f[i].null, f[i].plain);
	}
	w->out.buf[w->out.len++] = '\n';
	w->out.buf[w->out.len] = '\0';
	maybe_flush(w);
	return 0;
}

void mig_write_comment(struct mig_writer *w, const char *text, size_t len)
{
	if (!w->started)
		start(w);
	if (w->fmt == MIG_FMT_CSV) {
		buf_addc(&w->out, '#');
		buf_add(&w->out, text, len);
		buf_addc(&w->out, '\n');
	} else {
		buf_adds(&w->out, "{\"type\":\"MIG_COMMENT\",\"text\":");
		json_quote(&w->out, text, len);
		buf_adds(&w->out, "}\n");
	}
	maybe_flush(w);
}

void mig_write_control(struct mig_writer *w, const char *kw, const char *arg, size_t arglen)
{
	if (!w->started)
		start(w);
	if (w->fmt == MIG_FMT_CSV) {
		buf_add(&w->out, "#!", 2);
		buf_adds(&w->out, kw);
		if (arglen) {
			buf_addc(&w->out, ' ');
			buf_add(&w->out, arg, arglen);
		}
		buf_addc(&w->out, '\n');
	} else if (!strcmp(kw, "state")) {
		buf_adds(&w->out, "{\"type\":\"STATE\",\"value\":");
		if (json_raw(w, arg, arglen) < 0)
			buf_adds(&w->out, "null");
		buf_adds(&w->out, "}\n");
	} else {
		buf_adds(&w->out, "{\"type\":\"MIG_CONTROL\",\"control\":");
		json_quote(&w->out, kw, strlen(kw));
		buf_adds(&w->out, ",\"text\":");
		json_quote(&w->out, arg, arglen);
		buf_adds(&w->out, "}\n");
	}
	maybe_flush(w);
}

int mig_write_item(struct mig_writer *w, const struct mig_item *it)
{
	switch (it->kind) {
	case MIG_HEADER:
		mig_write_header_once(w, it->hdr);
		return 0;
	case MIG_RECORD:
		return mig_write_record(w, it->hdr, it->f);
	case MIG_COMMENT:
		mig_write_comment(w, it->text, it->len);
		return 0;
	case MIG_CONTROL: {
		char kw[64];
		size_t n = it->len < sizeof(kw) - 1 ? it->len : sizeof(kw) - 1;

		memcpy(kw, it->text, n);
		kw[n] = '\0';
		mig_write_control(w, kw, it->arg, it->arglen);
		return 0;
	}
	default:
		return 0;
	}
}

const char *mig_writer_error(const struct mig_writer *w)
{
	return w->err.buf;
}

static void free_written(const char *key, void *val, void *arg)
{
	struct written *wr = val;

	(void)key;
	(void)arg;
	mig_header_free(wr->copy);
	free(wr);
}

void mig_writer_close(struct mig_writer *w)
{
	size_t i;

	if (!w)
		return;
	if (!w->started)
		start(w);
	mig_writer_flush(w);
	for (i = 0; i < w->ntees; i++) {
		if (close(w->tees[i].fd) < 0)
			die(MIG_EXIT_SYSTEM, "%s: write error:", w->tees[i].name);
		free(w->tees[i].name);
	}
	free(w->tees);
	strmap_each(&w->tags, free_written, NULL);
	strmap_release(&w->tags);
	buf_release(&w->out);
	buf_release(&w->err);
	buf_release(&w->tmp);
	free(w->name);
	free(w);
}
