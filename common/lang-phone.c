/*
 * lang-phone.c - phone numbers to E.164 (+CC NSN), with a default country
 * for national numbers.  The table holds each country's calling code, the
 * national trunk prefix dialled before a national number, and the length
 * range of its national significant number; that is what it takes to turn
 * "020 7946 0018" (GB) into +442079460018 and to refuse a number that
 * cannot be right.  It is not libphonenumber: numbering-plan details
 * below that (area codes, mobile ranges) are not checked.
 */
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "banned.h"

struct country {
	const char *iso, *cc, *trunk;
	int min, max;
};

static const struct country countries[] = {
	{ "US", "1", "1", 10, 10 }, { "CA", "1", "1", 10, 10 }, { "GB", "44", "0", 9, 10 },
	{ "IE", "353", "0", 7, 9 }, { "FR", "33", "0", 9, 9 }, { "DE", "49", "0", 6, 11 },
	{ "NL", "31", "0", 9, 9 }, { "BE", "32", "0", 8, 9 }, { "LU", "352", "", 4, 11 },
	{ "CH", "41", "0", 9, 9 }, { "AT", "43", "0", 4, 13 }, { "IT", "39", "", 6, 11 },
	{ "ES", "34", "", 9, 9 }, { "PT", "351", "", 9, 9 }, { "SE", "46", "0", 7, 9 },
	{ "NO", "47", "", 8, 8 }, { "DK", "45", "", 8, 8 }, { "FI", "358", "0", 5, 12 },
	{ "PL", "48", "", 9, 9 }, { "CZ", "420", "", 9, 9 }, { "GR", "30", "", 10, 10 },
	{ "RO", "40", "0", 9, 9 }, { "HU", "36", "06", 8, 9 }, { "RU", "7", "8", 10, 10 },
	{ "UA", "380", "0", 9, 9 }, { "TR", "90", "0", 10, 10 }, { "IL", "972", "0", 8, 9 },
	{ "AE", "971", "0", 8, 9 }, { "SA", "966", "0", 9, 9 }, { "EG", "20", "0", 9, 10 },
	{ "MA", "212", "0", 9, 9 }, { "NG", "234", "0", 8, 10 }, { "GH", "233", "0", 9, 9 },
	{ "KE", "254", "0", 9, 9 }, { "UG", "256", "0", 9, 9 }, { "TZ", "255", "0", 9, 9 },
	{ "RW", "250", "0", 9, 9 }, { "ZA", "27", "0", 9, 9 }, { "IN", "91", "0", 10, 10 },
	{ "PK", "92", "0", 10, 10 }, { "BD", "880", "0", 10, 10 }, { "CN", "86", "0", 10, 11 },
	{ "HK", "852", "", 8, 8 }, { "TW", "886", "0", 8, 9 }, { "JP", "81", "0", 9, 10 },
	{ "KR", "82", "0", 8, 10 }, { "SG", "65", "", 8, 8 }, { "MY", "60", "0", 9, 10 },
	{ "TH", "66", "0", 8, 9 }, { "VN", "84", "0", 9, 10 }, { "PH", "63", "0", 10, 10 },
	{ "ID", "62", "0", 9, 12 }, { "AU", "61", "0", 9, 9 }, { "NZ", "64", "0", 8, 10 },
	{ "BR", "55", "0", 10, 11 }, { "AR", "54", "0", 10, 10 }, { "CL", "56", "", 9, 9 },
	{ "CO", "57", "", 10, 10 }, { "PE", "51", "", 8, 9 }, { "MX", "52", "", 10, 10 },
};

const void *map_country(const char *iso);
int map_phone(const char *s, size_t n, const void *country, struct buf *out, const char **why);

const void *map_country(const char *iso)
{
	size_t i;

	for (i = 0; i < sizeof(countries) / sizeof(countries[0]); i++)
		if (!strcasecmp(countries[i].iso, iso))
			return &countries[i];
	return NULL;
}

/* The country whose calling code starts digits, with digits left after
 * it: the longest code wins, then the first listed (US for +1).  One pass
 * of byte compares, as it runs once per international number. */
static const struct country *by_code(const char *d, size_t n, size_t *cclen)
{
	const struct country *best = NULL;
	size_t i, k, bestk = 0;

	for (i = 0; i < sizeof(countries) / sizeof(countries[0]); i++) {
		const char *cc = countries[i].cc;

		for (k = 0; cc[k] && k < n && cc[k] == d[k]; k++)
			;
		if (!cc[k] && k < n && k > bestk) {
			best = &countries[i];
			bestk = k;
		}
	}
	*cclen = bestk;
	return best;
}

int map_phone(const char *s, size_t n, const void *country, struct buf *out, const char **why)
{
	const struct country *c = country, *ic;
	const char *p = s, *e = s + n;
	char d[32];
	size_t nd = 0, cclen = 0, tl;
	int intl = 0, plus = 0;

	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	if (p < e && *p == '+')
		plus = intl = 1, p++;
	for (; p < e; p++) {
		if (*p >= '0' && *p <= '9') {
			if (nd == sizeof(d)) {
				*why = "too many digits for a phone number";
				return -1;
			}
			d[nd++] = *p;
		} else if (plus && *p == '(' && e - p >= 3 && p[1] == '0' && p[2] == ')') {
			/* +44 (0)20 ...: the bracketed trunk prefix is not dialled from abroad. */
			p += 2;
		} else if (!strchr(" .-/()\t", *p)) {
			*why = "not a phone number (letters or symbols)";
			return -1;
		}
	}
	if (nd == 0) {
		*why = "not a phone number (no digits)";
		return -1;
	}
	if (!intl && nd > 2 && d[0] == '0' && d[1] == '0') {
		memmove(d, d + 2, nd -= 2);
		intl = 1;
	} else if (!intl && c && !strcmp(c->cc, "1") && nd > 3 && !strncmp(d, "011", 3)) {
		memmove(d, d + 3, nd -= 3);
		intl = 1;
	}
	buf_addc(out, '+');
	if (intl) {
		if (d[0] == '0') {
			*why = "country calling code starts with 0";
			return -1;
		}
		ic = by_code(d, nd, &cclen);
		if (ic && (nd - cclen < (size_t)ic->min || nd - cclen > (size_t)ic->max)) {
			*why = "wrong number of digits for the country";
			return -1;
		}
		if (nd < 8 || nd > 15) {
			*why = "an international number has 8 to 15 digits";
			return -1;
		}
		buf_add(out, d, nd);
		return 0;
	}
	if (!c) {
		*why = "a national number and no default country";
		return -1;
	}
	tl = strlen(c->trunk);
	/* NANP numbers may be written with the leading 1; others with their trunk 0. */
	if (tl && nd > (size_t)c->max && !strncmp(d, c->trunk, tl))
		memmove(d, d + tl, nd -= tl);
	else if (tl && nd >= tl && !strncmp(d, c->trunk, tl) && strcmp(c->cc, "1") &&
		 nd - tl >= (size_t)c->min)
		memmove(d, d + tl, nd -= tl);
	if (nd < (size_t)c->min || nd > (size_t)c->max) {
		*why = "wrong number of digits for the country";
		return -1;
	}
	if (!strcmp(c->cc, "1") && (d[0] < '2' || d[3] < '2')) {
		*why = "not a North American number (area code or exchange starts with 0 or 1)";
		return -1;
	}
	buf_adds(out, c->cc);
	buf_add(out, d, nd);
	return 0;
}
