/*
 * lang-money.c - money and number text ("$1,234.50", "1.234,50 €",
 * "(12.00)", "EUR -3") to exact numeric text.  No floating point: the
 * digits are copied, so 0.10 stays 0.10 and 40 digits stay 40 digits.
 */
#include <string.h>

#include "buf.h"
#include "banned.h"

int map_money(const char *s, size_t n, char dec, struct buf *out, const char **why);

/* Currency signs and codes that may stand before or after the amount. */
static size_t currency_at(const char *p, const char *e)
{
	static const char *const signs[] = { "$", "\xe2\x82\xac", "\xc2\xa3", "\xc2\xa5", "\xe2\x82\xb9",
					     "\xe2\x82\xa9", "\xe2\x82\xbd", "\xe2\x82\xba", "\xc2\xa2" };
	size_t i, k;

	for (i = 0; i < sizeof(signs) / sizeof(signs[0]); i++) {
		k = strlen(signs[i]);
		if ((size_t)(e - p) >= k && !memcmp(p, signs[i], k))
			return k;
	}
	for (k = 0; p + k < e && ((p[k] >= 'A' && p[k] <= 'Z') || (p[k] >= 'a' && p[k] <= 'z')); k++)
		;
	return k;
}

static size_t space_at(const char *p, const char *e)
{
	if (p < e && (*p == ' ' || *p == '\t'))
		return 1;
	if (e - p >= 2 && (unsigned char)p[0] == 0xc2 && (unsigned char)p[1] == 0xa0)
		return 2;
	if (e - p >= 3 && !memcmp(p, "\xe2\x80\xaf", 3))	/* narrow no-break space */
		return 3;
	return 0;
}

static size_t space_end(const char *p, const char *e)
{
	size_t k;

	for (k = 1; k <= 3 && (size_t)(e - p) >= k; k++)
		if (space_at(e - k, e) == k)
			return k;
	return 0;
}

static size_t sign_end(const char *p, const char *e)
{
	size_t k;

	for (k = 1; k <= 3 && (size_t)(e - p) >= k; k++)
		if ((e[-(long)k] < 'A' || e[-(long)k] > 'z') && currency_at(e - k, e) == k)
			return k;
	return 0;
}

/*
 * dec is the decimal separator: '.', ',' or 0 for "decide": with both
 * present the last is the decimal one; a lone separator is a decimal
 * separator unless it occurs twice or is a ',' followed by exactly three
 * digits (1,234 is a thousand; 1,5 and 1.234 are not).
 */
int map_money(const char *s, size_t n, char dec, struct buf *out, const char **why)
{
	const char *p = s, *e = s + n, *q, *lastsep = NULL;
	int neg = 0, paren = 0, ndot = 0, ncomma = 0, any = 0, seen_dec = 0;
	size_t k, start = out->len, intdigits = 0, group = 0, ngroups = 0;

	for (;;) {
		if ((k = space_at(p, e)) || (k = currency_at(p, e)))
			p += k;
		else if (p < e && (*p == '-' || *p == '+') && !neg && !paren)
			neg = *p++ == '-';
		else if (p < e && *p == '(' && !paren && !neg)
			paren = 1, p++;
		else
			break;
	}
	while (e > p) {
		if ((k = space_end(p, e)) || (k = sign_end(p, e)))
			e -= k;
		else if (e[-1] == ')' && paren == 1)
			paren = 2, e--;
		else if (e[-1] == '-' && !neg)
			neg = 1, e--;
		else if ((e[-1] >= 'A' && e[-1] <= 'Z') || (e[-1] >= 'a' && e[-1] <= 'z'))
			e--;
		else
			break;
	}
	if (paren == 1) {
		*why = "unbalanced parenthesis";
		return -1;
	}
	if (paren)
		neg = 1;
	for (q = p; q < e; q++) {
		if (*q == '.')
			ndot++, lastsep = q;
		else if (*q == ',')
			ncomma++, lastsep = q;
		else if (*q >= '0' && *q <= '9')
			any = 1;
		else if (*q != ' ' && *q != '\'' && !space_at(q, e)) {
			*why = "not an amount (unexpected characters)";
			return -1;
		}
	}
	if (!any) {
		*why = "not an amount (no digits)";
		return -1;
	}
	if (!dec) {
		if (ndot && ncomma)
			dec = *lastsep;
		else if (ndot == 1)
			dec = '.';
		else if (ncomma == 1)
			dec = (e - lastsep == 4 && lastsep > p) ? '.' : ',';
		else
			dec = ndot ? ',' : '.';
	}
	for (q = p; q < e && *q != dec; q++) {
		if (*q >= '0' && *q <= '9') {
			group++;
		} else if (group) {
			/* 1,234,567 and 12,34,567: inner groups of 2 or 3, the last of 3. */
			if (ngroups && group != 2 && group != 3)
				goto badgroup;
			ngroups++;
			group = 0;
		}
	}
	if (ngroups && group != 3)
		goto badgroup;
	if (neg)
		buf_addc(out, '-');
	for (q = p; q < e; q++) {
		if (*q >= '0' && *q <= '9') {
			if (!seen_dec && intdigits == 0 && *q == '0')
				continue;
			if (!seen_dec)
				intdigits++;
			buf_addc(out, *q);
		} else if (*q == dec) {
			if (seen_dec) {
				*why = "not an amount (two decimal separators)";
				goto fail;
			}
			if (!intdigits)
				buf_addc(out, '0'), intdigits = 1;
			seen_dec = 1;
			buf_addc(out, '.');
		} else if (seen_dec && (*q == '.' || *q == ',')) {
			*why = "not an amount (a grouping separator after the decimal one)";
			goto fail;
		}
	}
	if (!intdigits) {
		buf_addc(out, '0');
		intdigits = 1;
	}
	if (out->buf[out->len - 1] == '.')
		out->buf[--out->len] = '\0';
	/* "-0" and "-0.00" are zero. */
	for (q = out->buf + start + (neg ? 1 : 0); q < out->buf + out->len; q++)
		if (*q >= '1' && *q <= '9')
			break;
	if (neg && q == out->buf + out->len) {
		memmove(out->buf + start, out->buf + start + 1, out->len - start - 1);
		out->buf[--out->len] = '\0';
	}
	return 0;
badgroup:
	*why = "not an amount (digit groups of the wrong size)";
fail:
	out->len = start;
	out->buf[start] = '\0';
	return -1;
}
