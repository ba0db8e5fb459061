/*
 * csvfile.h - plain CSV files: crosswalks, lookup tables, CSV sources.
 *
 * One reader and one field writer over libcsv, so every tool that reads a
 * plain CSV file accepts and refuses the same files, and names the same
 * place when it refuses one.  (The tagged record stream has its own
 * reader, rec.h.)
 *
 * What the reader accepts (RFC 4180, plus what real exports contain):
 *   - records end in LF or CRLF; blank lines are skipped;
 *   - a quoted field may hold the delimiter, line breaks and "" for a quote;
 *   - spaces and tabs around a field are dropped, inside quotes they stay;
 *   - a quote inside an unquoted field (37°36'37.8"N) is a literal byte,
 *     as Python's csv module reads it; with CSVF_STRICT it is an error;
 *   - anything but the delimiter or the line end after a closing quote,
 *     and a quoted field still open at the end of the file, are errors.
 *
 * Error convention (as everywhere in common/, see util.h): library calls
 * never print or exit (out of memory aside); they return -1 and leave
 * the message in a struct buf, here "FILE:LINE:COLUMN: what is wrong"
 * (LINE and COLUMN count from 1, COLUMN in bytes), so the tool prints
 * it after its own name.  No value from the file is part of a message.
 */
#ifndef MIG_CSVFILE_H
#define MIG_CSVFILE_H

#include <emmintrin.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"

#define CSVF_STRICT 1		/* a quote inside an unquoted field is an error */
#define CSVF_EMPTY_IS_NULL 2	/* an unquoted empty field is NULL (val == NULL) */

struct csvfile_field {
	const char *val;	/* NUL-terminated (may also hold NULs); NULL for NULL */
	size_t len;
};

struct csvfile_opts {
	unsigned flags;
	char delim;		/* 0: ',' */
	char quote;		/* 0: '"' */
};

/*
 * A record as the row callback sees it: the fields (valid until the
 * callback returns), the file and the line the record starts on.
 */
struct csvfile_row {
	const char *path;
	unsigned long line;
	unsigned long recno;	/* 1 for the first record */
	size_t nf;
	const struct csvfile_field *f;
};

/*
 * Read fp to its end, calling fn once per record.  fn returns 0 to go
 * on; anything else stops the read, which returns that value (fn may
 * leave a message in err first, conventionally made with csvfile_where).
 * Returns 0 at the end of the file, or -1 with "path:line:col: what" in
 * err for a malformed file or a read error.  path only names the file.
 */
int csvfile_read(FILE *fp, const char *path, const struct csvfile_opts *o,
		 int (*fn)(void *arg, const struct csvfile_row *r, struct buf *err), void *arg,
		 struct buf *err);
/* Put "path:line: " for record r at the start of err (which is reset). */
void csvfile_where(struct buf *err, const struct csvfile_row *r);

/*
 * Append one field to a CSV line in the form csvfile_read reads back:
 * quoted when it holds the delimiter ',', a quote, CR, LF or leading or
 * trailing space, or is empty (so that "" stays apart from NULL, which is
 * written as nothing).  The caller adds the ',' and the '\n'.
 */
void csvfile_field(struct buf *b, const char *s, size_t n, int null);

/* Whether any byte of the eight in w forces a CSV value into quotes
 * (comma, quote, CR, LF): exact, unlike a range test, which the spaces
 * of names and timestamps would trip. */
static inline int csv_word_special(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
	uint64_t a = w ^ (ones * ','), b = w ^ (ones * '"'), c = w ^ (ones * '\r'), d = w ^ (ones * '\n');

	return ((((a - ones) & ~a) | ((b - ones) & ~b) | ((c - ones) & ~c) | ((d - ones) & ~d)) & high) != 0;
}

/* The same for sixteen bytes, in one SSE2 register. */
static inline int csv_block_special(__m128i v)
{
	const __m128i comma = _mm_set1_epi8(','), quote = _mm_set1_epi8('"'), cr = _mm_set1_epi8('\r'),
		      lf = _mm_set1_epi8('\n');

	return _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, comma), _mm_cmpeq_epi8(v, quote)),
					      _mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, lf))));
}

/*
 * Copy a value's n bytes (n > 0) from s to d; with check set, stop and
 * return 1 at the first piece that holds a byte forcing quotes (d then
 * holds part of the value), else 0.  Values are short, so instead of a
 * call to memcpy: sixteen, eight or four bytes at a time, the last piece
 * overlapping the one before, so that nothing is read past the value's
 * end.  The stream's writer and csvfile_field both write with it.
 */
static inline __attribute__((always_inline)) int csv_copy_value(char *d, const char *s, size_t n, int check)
{
	if (n >= 16) {
		size_t i;
		__m128i v;

		if (n > 256 && !check) {
			memcpy(d, s, n);
			return 0;
		}
		for (i = 0; i + 16 < n; i += 16) {
			v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
			if (check && csv_block_special(v))
				return 1;
			_mm_storeu_si128((__m128i *)(void *)(d + i), v);
		}
		v = _mm_loadu_si128((const __m128i *)(const void *)(s + n - 16));
		if (check && csv_block_special(v))
			return 1;
		_mm_storeu_si128((__m128i *)(void *)(d + n - 16), v);
	} else if (n >= 8) {
		uint64_t a, b;

		memcpy(&a, s, 8);
		memcpy(&b, s + n - 8, 8);
		if (check && (csv_word_special(a) | csv_word_special(b)))
			return 1;
		memcpy(d, &a, 8);
		memcpy(d + n - 8, &b, 8);
	} else if (n >= 4) {
		uint32_t a, b;

		memcpy(&a, s, 4);
		memcpy(&b, s + n - 4, 4);
		/* both pieces in one word, one test */
		if (check && csv_word_special((uint64_t)a << 32 | b))
			return 1;
		memcpy(d, &a, 4);
		memcpy(d + n - 4, &b, 4);
	} else {
		size_t i;

		for (i = 0; i < n; i++) {
			if (check && (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n'))
				return 1;
			d[i] = s[i];
		}
	}
	return 0;
}

#endif
