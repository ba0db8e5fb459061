#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rec.h"
#include "util.h"
#include "banned.h"

static const char *const type_names[MIG_T_COUNT] = {
	"", "int", "float", "numeric", "bool", "text", "bytes", "date", "time",
	"timestamp", "timestamptz", "uuid", "json", "array",
};

const char *mig_type_name(enum mig_type t)
{
	return (unsigned)t < MIG_T_COUNT ? type_names[t] : "";
}

int mig_type_parse(const char *s, size_t n, enum mig_type *out)
{
	int i;

	for (i = 1; i < MIG_T_COUNT; i++)
		if (strlen(type_names[i]) == n && !memcmp(s, type_names[i], n)) {
			*out = (enum mig_type)i;
			return 0;
		}
	return -1;
}

int mig_format_parse(const char *s, enum mig_format *out)
{
	if (!strcmp(s, "csv"))
		*out = MIG_FMT_CSV;
	else if (!strcmp(s, "ndjson") || !strcmp(s, "json"))
		*out = MIG_FMT_NDJSON;
	else
		return -1;
	return 0;
}

/*
 * Header ids let writers tell in O(1) that a record's header is the one
 * they last wrote.  The counter is the one piece of process-wide state in
 * the stream code; it only ever increases.
 */
static unsigned long next_header_id = 1;

struct mig_header *mig_header_new(const char *tag, size_t ncols)
{
	struct mig_header *h = ecalloc(1, sizeof(*h));

	h->tag = estrdup(tag);
	h->ncols = ncols;
	h->names = ecalloc(ncols ? ncols : 1, sizeof(*h->names));
	h->types = ecalloc(ncols ? ncols : 1, sizeof(*h->types));
	h->id = next_header_id++;
	return h;
}

void mig_header_set(struct mig_header *h, size_t i, const char *name, enum mig_type t)
{
	free(h->names[i]);
	h->names[i] = estrdup(name);
	h->types[i] = t;
	h->id = next_header_id++;
}

struct mig_header *mig_header_dup(const struct mig_header *h)
{
	struct mig_header *d = mig_header_new(h->tag, h->ncols);
	size_t i;

	for (i = 0; i < h->ncols; i++) {
		d->names[i] = estrdup(h->names[i] ? h->names[i] : "");
		d->types[i] = h->types[i];
	}
	return d;
}

void mig_header_free(struct mig_header *h)
{
	size_t i;

	if (!h)
		return;
	for (i = 0; i < h->ncols; i++)
		free(h->names[i]);
	free(h->names);
	free(h->types);
	free(h->tag);
	free(h);
}

int mig_header_find(const struct mig_header *h, const char *name)
{
	size_t i;

	for (i = 0; i < h->ncols; i++)
		if (h->names[i] && !strcmp(h->names[i], name))
			return (int)i;
	return -1;
}

int mig_header_equal(const struct mig_header *a, const struct mig_header *b)
{
	size_t i;

	if (a == b)
		return 1;
	if (a->ncols != b->ncols || strcmp(a->tag, b->tag))
		return 0;
	for (i = 0; i < a->ncols; i++)
		if (a->types[i] != b->types[i] || strcmp(a->names[i], b->names[i]))
			return 0;
	return 1;
}

/*
 * UTF-8 as RFC 3629 defines it: no overlong forms, no surrogates, nothing
 * above U+10FFFF.  ASCII runs are skipped eight bytes at a time.  Returns
 * the length of the valid prefix (n when all of it is), so that an error
 * can name the first bad byte.
 */
size_t utf8_prefix(const char *s, size_t n)
{
	const unsigned char *b = (const unsigned char *)s, *p = b, *e = p + n;

	while (p < e) {
		unsigned c;

		while (e - p >= 8) {
			uint64_t w;

			memcpy(&w, p, 8);
			if (w & 0x8080808080808080ULL)
				break;
			p += 8;
		}
		if (p >= e)
			break;
		c = *p;
		if (c < 0x80) {
			p++;
		} else if (c >= 0xc2 && c <= 0xdf) {
			if (e - p < 2 || (p[1] & 0xc0) != 0x80)
				return (size_t)(p - b);
			p += 2;
		} else if (c >= 0xe0 && c <= 0xef) {
			if (e - p < 3 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80)
				return (size_t)(p - b);
			if (c == 0xe0 && p[1] < 0xa0)
				return (size_t)(p - b);
			if (c == 0xed && p[1] > 0x9f)
				return (size_t)(p - b);
			p += 3;
		} else if (c >= 0xf0 && c <= 0xf4) {
			if (e - p < 4 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 ||
			    (p[3] & 0xc0) != 0x80)
				return (size_t)(p - b);
			if (c == 0xf0 && p[1] < 0x90)
				return (size_t)(p - b);
			if (c == 0xf4 && p[1] > 0x8f)
				return (size_t)(p - b);
			p += 4;
		} else {
			return (size_t)(p - b);
		}
	}
	return n;
}

int utf8_valid(const char *s, size_t n)
{
	return utf8_prefix(s, n) == n;
}

/* RFC 8259 number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
int json_number_valid(const char *p, size_t n)
{
	const char *e = p + n;

	if (p < e && *p == '-')
		p++;
	if (p >= e)
		return 0;
	if (*p == '0') {
		p++;
	} else if (*p >= '1' && *p <= '9') {
		while (p < e && *p >= '0' && *p <= '9')
			p++;
	} else {
		return 0;
	}
	if (p < e && *p == '.') {
		p++;
		if (p >= e || *p < '0' || *p > '9')
			return 0;
		while (p < e && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < e && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < e && (*p == '+' || *p == '-'))
			p++;
		if (p >= e || *p < '0' || *p > '9')
			return 0;
		while (p < e && *p >= '0' && *p <= '9')
			p++;
	}
	return p == e;
}
