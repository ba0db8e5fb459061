/*
 * rec.h - the mig record stream: headers, records, readers and writers.
 *
 * A stream carries records of many tags, in tagged CSV or NDJSON (Singer
 * SCHEMA/RECORD/STATE messages); mig-stream(5) is the specification.  A
 * reader accepts either encoding, detected from the first byte, and hands
 * the caller one item at a time: a header, a record, a comment or a control
 * message.  Memory is bounded by the largest record, not the stream.
 *
 * Ownership:
 *  - struct mig_item and everything it points to (field values, comment
 *    and control text) is borrowed from the reader and valid until the
 *    next mig_reader_next call.
 *  - Headers returned by a reader stay valid until mig_reader_free, so a
 *    tool may keep pointers to them; a tag's header changes by a new
 *    header object being returned, never by the old one changing.
 *  - Headers a tool builds itself (mig_header_new) are the tool's to free.
 *  - A writer copies what it needs; nothing passed to it is kept.
 *
 * Values are text in the canonical form of their column's type (see
 * mig-stream(5)); a NULL field has null set and val "".  Every val is
 * NUL-terminated, and len counts its bytes.
 */
#ifndef MIG_REC_H
#define MIG_REC_H

#include <stddef.h>

#include "buf.h"

#define MIG_STREAM_VERSION "1"

enum mig_type {
	MIG_T_ANY = 0,		/* no :type in the header: text, unchecked */
	MIG_T_INT,
	MIG_T_FLOAT,
	MIG_T_NUMERIC,
	MIG_T_BOOL,
	MIG_T_TEXT,
	MIG_T_BYTES,
	MIG_T_DATE,
	MIG_T_TIME,
	MIG_T_TIMESTAMP,
	MIG_T_TIMESTAMPTZ,
	MIG_T_UUID,
	MIG_T_JSON,
	MIG_T_ARRAY,	/* text[]: PostgreSQL's array literal, array.h */
	MIG_T_COUNT
};

/* "int", "text", ...; "" for MIG_T_ANY. */
const char *mig_type_name(enum mig_type t);
/* Parse a type name; -1 if unknown. */
int mig_type_parse(const char *s, size_t n, enum mig_type *out);

enum mig_format { MIG_FMT_CSV, MIG_FMT_NDJSON };
/* "csv" or "ndjson"; -1 if neither. */
int mig_format_parse(const char *s, enum mig_format *out);

struct mig_header {
	char *tag;
	size_t ncols;
	char **names;
	enum mig_type *types;
	unsigned long id;	/* unique per header object in a process */
};

struct mig_field {
	const char *val;
	size_t len;
	int null;
	/*
	 * Set by the reader when val holds no comma, quote, CR or LF, so the
	 * CSV writer copies it without looking.  It describes these bytes
	 * only: a field is plain when copied whole from the reader, never
	 * when val is set to anything else (leave it 0, as { v, n, null }
	 * initialisers do).
	 */
	int plain;
};

/* A header with ncols unnamed columns; fill with mig_header_set. */
struct mig_header *mig_header_new(const char *tag, size_t ncols);
void mig_header_set(struct mig_header *h, size_t i, const char *name, enum mig_type t);
struct mig_header *mig_header_dup(const struct mig_header *h);
void mig_header_free(struct mig_header *h);
/* Index of the column called name, or -1. */
int mig_header_find(const struct mig_header *h, const char *name);
/* Same tag, names and types. */
int mig_header_equal(const struct mig_header *a, const struct mig_header *b);

enum mig_kind {
	MIG_EOF = 0,
	MIG_HEADER,	/* hdr: a new or changed header for its tag */
	MIG_RECORD,	/* hdr, f[hdr->ncols], row */
	MIG_COMMENT,	/* text: the line after '#' */
	MIG_CONTROL,	/* text: the keyword ("state", "count", "stats", ...), arg: payload */
};

struct mig_item {
	enum mig_kind kind;
	const struct mig_header *hdr;
	const struct mig_field *f;
	const char *text;
	size_t len;
	const char *arg;
	size_t arglen;
	unsigned long long row;	/* records: 1-based count of this tag's records so far */
	unsigned long line;	/* first input line of the item */
};

/* Reader flags. */
enum {
	MIG_R_KEEP_META = 1,	/* keep the _mig_ columns of a rejects file */
};

struct mig_reader;

/* Open path ("-" or NULL: standard input); dies with exit 2 if it cannot. */
struct mig_reader *mig_reader_open(const char *path, unsigned flags);
/* Read from an open descriptor, calling it name in diagnostics. */
struct mig_reader *mig_reader_fdopen(int fd, const char *name, unsigned flags);
/* Fill *it with the next item: 1, or 0 at end of stream, -1 on bad input. */
int mig_reader_next(struct mig_reader *r, struct mig_item *it);
/* "file:line: what is wrong" after mig_reader_next returned -1. */
const char *mig_reader_error(const struct mig_reader *r);
/* The input's name for diagnostics ("<stdin>" for standard input). */
const char *mig_reader_name(const struct mig_reader *r);
void mig_reader_free(struct mig_reader *r);
/* Use an input buffer of n bytes (at least 1) before the first read: lets
 * the unit tests drive every refill and line-straddling path. */
void mig_reader_set_bufsize(struct mig_reader *r, size_t n);

/* Writer flags. */
enum {
	MIG_W_NO_VERSION = 2,	/* no version line (a file being appended to) */
};

struct mig_writer;

struct mig_writer *mig_writer_new(int fd, const char *name, enum mig_format fmt, unsigned flags);
/*
 * Write a record, preceded by its header when the tag's last written
 * header differs.  Returns 0, or -1 when a value cannot be encoded (NDJSON
 * only: a json column holding invalid JSON), with mig_writer_error set.
 * I/O errors are fatal (exit 2).
 */
int mig_write_record(struct mig_writer *w, const struct mig_header *h, const struct mig_field *f);
void mig_write_header(struct mig_writer *w, const struct mig_header *h);
/* Write h now unless it is already its tag's current header, so a tag that
 * gets no records still announces its columns. */
void mig_write_header_once(struct mig_writer *w, const struct mig_header *h);
void mig_write_comment(struct mig_writer *w, const char *text, size_t len);
void mig_write_control(struct mig_writer *w, const char *kw, const char *arg, size_t arglen);
/* Pass any item through unchanged (headers are re-emitted only as needed). */
int mig_write_item(struct mig_writer *w, const struct mig_item *it);
/* Push buffered output to the descriptor. */
void mig_writer_flush(struct mig_writer *w);
/* Give fd (named name in errors) every byte written from now on, as
 * tee(1) would; mig_writer_close closes it. */
void mig_writer_tee(struct mig_writer *w, int fd, const char *name);
/* Bytes already in the stream's form, after what is buffered. */
void mig_writer_raw(struct mig_writer *w, const void *p, size_t n);
const char *mig_writer_error(const struct mig_writer *w);
/* Flush, check, free; dies with exit 2 on a write error. */
void mig_writer_close(struct mig_writer *w);

/* Validation helpers shared by the codecs and the tools. */
int utf8_valid(const char *p, size_t n);
/* How many bytes of p, from the start, are valid UTF-8. */
size_t utf8_prefix(const char *p, size_t n);
int json_number_valid(const char *p, size_t n);

#endif
