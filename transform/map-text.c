/*
 * map-text.c - mig-map's text functions: trim, case, white space, names,
 * generated email addresses.  Each appends its result to out and returns
 * 0, 1 for a NULL result, or -1 with *why set.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#include "buf.h"

int map_trim(const char *s, size_t n, struct buf *out);
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

int map_trim(const char *s, size_t n, struct buf *out)
{
	const char *e = s + n;

	trim_span(&s, &e);
	buf_add(out, s, (size_t)(e - s));
	return 0;
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

		if (c < 0x80) {
			if (upper && c >= 'a' && c <= 'z')
				c = (unsigned char)(c - 32);
			else if (!upper && c >= 'A' && c <= 'Z')
				c = (unsigned char)(c + 32);
			buf_addc(out, (char)c);
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
			buf_addc(out, ' ');
		gap = 0;
		buf_addc(out, *s++);
	}
	return 0;
}

enum { NAME_FIRST, NAME_MIDDLE, NAME_LAST, NAME_GIVEN };

/*
 * Words are separated by white space.  "Last, First Middle" (one comma)
 * puts the part before the comma last.  One word is a first name only.
 */
int map_split_name(const char *s, size_t n, int part, struct buf *out)
{
	const char *e = s + n, *comma, *ws[64], *we[64];
	struct buf tmp = BUF_INIT;
	size_t nw = 0, k, i, lo, hi;
	const char *p;
	int ret;

	comma = memchr(s, ',', n);
	if (comma && !memchr(comma + 1, ',', (size_t)(e - comma - 1))) {
		/* Rewrite "Last, Given" as "Given Last" and split that. */
		buf_add(&tmp, comma + 1, (size_t)(e - comma - 1));
		buf_addc(&tmp, ' ');
		buf_add(&tmp, s, (size_t)(comma - s));
		ret = map_split_name(tmp.buf, tmp.len, part, out);
		buf_release(&tmp);
		return ret;
	}
	p = s;
	while (p < e && nw < 64) {
		while ((k = space_at(p, e)))
			p += k;
		if (p >= e)
			break;
		ws[nw] = p;
		while (p < e && !space_at(p, e))
			p++;
		we[nw++] = p;
	}
	if (nw == 0)
		return 1;
	switch (part) {
	case NAME_FIRST:
		lo = 0, hi = 1;
		break;
	case NAME_MIDDLE:
		if (nw < 3)
			return 1;
		lo = 1, hi = nw - 1;
		break;
	case NAME_LAST:
		if (nw < 2)
			return 1;
		lo = nw - 1, hi = nw;
		break;
	default:
		lo = 0, hi = nw > 1 ? nw - 1 : 1;
		break;
	}
	for (i = lo; i < hi; i++) {
		if (i > lo)
			buf_addc(out, ' ');
		buf_add(out, ws[i], (size_t)(we[i] - ws[i]));
	}
	return 0;
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
