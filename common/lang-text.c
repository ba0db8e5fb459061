/*
 * lang-text.c - the rule language's text functions: trim, case, white space, names,
 * generated email addresses.  Each appends its result to out and returns
 * 0, 1 for a NULL result, or -1 with *why set.
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#include "buf.h"
#include "banned.h"

int map_case(const char *s, size_t n, int upper, struct buf *out);
int map_collapse(const char *s, size_t n, struct buf *out);
int map_split_name(const char *s, size_t n, int part, struct buf *out);
int map_email_clean(const char *s, size_t n, struct buf *out, const char **why);

/* ASCII white space and U+00A0, which pasted spreadsheet text is full of. */
static size_t space_at(const char *p, const char *e)
{
	if (p < e && (*p == ' ' || (*p >= '\t' && *p <= '\r')))
		return 1;
	if (e - p >= 2 && (unsigned char)p[0] == 0xc2 && (unsigned char)p[1] == 0xa0)
		return 2;
	return 0;
}

static void trim_span(const char **ps, const char **pe)
{
	const char *s = *ps, *e = *pe;
	size_t k;

	while ((k = space_at(s, e)))
		s += k;
	for (;;) {
		if (e > s && (e[-1] == ' ' || (e[-1] >= '\t' && e[-1] <= '\r')))
			e--;
		else if (e - s >= 2 && (unsigned char)e[-2] == 0xc2 && (unsigned char)e[-1] == 0xa0)
			e -= 2;
		else
			break;
	}
	*ps = s;
	*pe = e;
}

void map_trim(const char **s, const char **e)
{
	trim_span(s, e);
}

/* buf_addc without the terminating NUL, which the caller writes once at
 * the end; room for rest more bytes is made when the buffer is full. */
static inline void put_byte(struct buf *out, char c, size_t rest)
{
	if (out->len + 1 >= out->alloc)
		buf_grow(out, rest + 1);
	out->buf[out->len++] = c;
}

/*
 * Eight ASCII bytes (no high bit) with the letters of the other case
 * turned: a byte gets bit 7 from adding 0x80 - lo when it is >= lo, and
 * keeps it after adding 0x80 - hi - 1 only when it is > hi; no sum
 * carries into the next byte, so byte order does not matter.
 */
static uint64_t ascii_case8(uint64_t w, int upper)
{
	const uint64_t ones = 0x0101010101010101ULL;
	uint64_t lo = upper ? 'a' : 'A', hi = upper ? 'z' : 'Z';
	uint64_t in = (w + (0x80 - lo) * ones) & ~(w + (0x80 - hi - 1) * ones) & (0x80 * ones);

	return w ^ (in >> 2);
}

int map_case(const char *s, size_t n, int upper, struct buf *out)
{
	const char *e = s + n;
	mbstate_t st;

	memset(&st, 0, sizeof(st));
	while (s < e) {
		unsigned char c = (unsigned char)*s;
		wchar_t wc;
		size_t k;
		char mb[MB_LEN_MAX];
		uint64_t w;

		if (e - s >= 8 && (memcpy(&w, s, 8), !(w & 0x8080808080808080ULL))) {
			if (out->len + 8 >= out->alloc)
				buf_grow(out, (size_t)(e - s) + 1);
			w = ascii_case8(w, upper);
			memcpy(out->buf + out->len, &w, 8);
			out->len += 8;
			s += 8;
			continue;
		}
		if (c < 0x80) {
			if (upper && c >= 'a' && c <= 'z')
				c = (unsigned char)(c - 32);
			else if (!upper && c >= 'A' && c <= 'Z')
				c = (unsigned char)(c + 32);
			put_byte(out, (char)c, (size_t)(e - s));
			s++;
			continue;
		}
		k = mbrtowc(&wc, s, (size_t)(e - s), &st);
		if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
			/* Not UTF-8 the locale knows: copy the byte unchanged. */
			memset(&st, 0, sizeof(st));
			buf_addc(out, (char)c);
			s++;
			continue;
		}
		wc = (wchar_t)(upper ? towupper((wint_t)wc) : towlower((wint_t)wc));
		{
			mbstate_t ws;
			size_t m;

			memset(&ws, 0, sizeof(ws));
			m = wcrtomb(mb, wc, &ws);
			if (m == (size_t)-1)
				buf_add(out, s, k);
			else
				buf_add(out, mb, m);
		}
		s += k;
	}
	out->buf[out->len] = '\0';
	return 0;
}

int map_collapse(const char *s, size_t n, struct buf *out)
{
	const char *e = s + n;
	size_t k;
	int gap = 0;

	trim_span(&s, &e);
	while (s < e) {
		if ((k = space_at(s, e))) {
			gap = 1;
			s += k;
			continue;
		}
		if (gap)
			put_byte(out, ' ', (size_t)(e - s) + 1);
		gap = 0;
		put_byte(out, *s, (size_t)(e - s));
		s++;
	}
	out->buf[out->len] = '\0';
	return 0;
}

enum { NAME_FIRST, NAME_MIDDLE, NAME_LAST, NAME_GIVEN };

/*
 * Words are separated by white space; the last word is the family name,
 * the first the first name and those between middle names.  With exactly
 * one comma, "Last Names, First Middle", everything before the comma is
 * the family name.  One word is a first name only.
 */
/* Add the words of [p, e) to ws/we; past the 64th, the last slot keeps the latest word. */
static void words(const char *p, const char *e, const char **ws, const char **we, size_t *nw)
{
	size_t k;

	for (;;) {
		while ((k = space_at(p, e)))
			p += k;
		if (p >= e)
			break;
		if (*nw == 64)
			--*nw;
		ws[*nw] = p;
		while (p < e && !space_at(p, e))
			p++;
		we[(*nw)++] = p;
	}
}

static void join(struct buf *out, const char **ws, const char **we, size_t lo, size_t hi)
{
	size_t i;

	for (i = lo; i < hi; i++) {
		if (i > lo)
			buf_addc(out, ' ');
		buf_add(out, ws[i], (size_t)(we[i] - ws[i]));
	}
}

int map_split_name(const char *s, size_t n, int part, struct buf *out)
{
	const char *e = s + n, *comma, *gs[64], *ge[64], *ls[64], *le[64];
	size_t ng = 0, nl = 0;

	comma = memchr(s, ',', n);
	if (comma && !memchr(comma + 1, ',', (size_t)(e - comma - 1))) {
		/* "Lee Smith, Bo Cy": the family name before the comma, given names after. */
		words(comma + 1, e, gs, ge, &ng);
		words(s, comma, ls, le, &nl);
	}
	if (!ng) {
		/* No comma, or nothing after it ("Lee,"). */
		const char *end = comma && nl ? comma : e;

		nl = 0;
		words(s, end, gs, ge, &ng);
		if (ng > 1) {
			ls[0] = gs[ng - 1], le[0] = ge[ng - 1];
			nl = 1;
			ng--;
		}
	}
	switch (part) {
	case NAME_FIRST:
		if (!ng)
			return 1;
		join(out, gs, ge, 0, 1);
		return 0;
	case NAME_MIDDLE:
		if (ng < 2)
			return 1;
		join(out, gs, ge, 1, ng);
		return 0;
	case NAME_LAST:
		if (!nl)
			return 1;
		join(out, ls, le, 0, nl);
		return 0;
	default:
		if (!ng)
			return 1;
		join(out, gs, ge, 0, ng);
		return 0;
	}
}

/*
 * Make an address from a filled-in pattern: ASCII lower case; in the local
 * part keep letters, digits and . _ - + ; in the domain letters, digits,
 * . and - ; no leading, trailing or doubled dots.
 */
int map_email_clean(const char *s, size_t n, struct buf *out, const char **why)
{
	const char *at = memrchr(s, '@', n), *p, *e = s + n;
	size_t start = out->len, lstart;
	int dom;

	if (!at) {
		*why = "the pattern makes no '@'";
		return -1;
	}
	for (dom = 0; dom < 2; dom++) {
		const char *a = dom ? at + 1 : s, *b = dom ? e : at;

		lstart = out->len;
		for (p = a; p < b; p++) {
			char c = *p;

			if (c >= 'A' && c <= 'Z')
				c = (char)(c + 32);
			if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
			      (!dom && (c == '_' || c == '+'))))
				continue;
			if (c == '.' && (out->len == lstart || out->buf[out->len - 1] == '.'))
				continue;
			buf_addc(out, c);
		}
		while (out->len > lstart && out->buf[out->len - 1] == '.')
			out->buf[--out->len] = '\0';
		if (out->len == lstart) {
			out->len = start;
			out->buf[start] = '\0';
			*why = dom ? "the generated address has an empty domain" :
				     "the generated address has an empty local part";
			return -1;
		}
		if (!dom)
			buf_addc(out, '@');
	}
	return 0;
}
