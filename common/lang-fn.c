/*
 * lang-fn.c - the rule language's function table: one row per function
 * with its arity, result type, a prepare callback that checks constant
 * arguments while the rule is parsed, and its evaluation.  Adding a
 * function is one row and one function here; mig-map --functions and the
 * table in mig-rules(7) are printed from the rows.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <limits.h>
#include <locale.h>
#include <wchar.h>
#include <wctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uuid.h>

#include "csvfile.h"
#include "json.h"
#include "lang-int.h"
#include "util.h"
#include "banned.h"

static const struct lang_val null_val = { "", 0, 1 };

static void translit(const char *s, size_t n, struct buf *out);


static int f_trim(struct lang_ctx *c, struct node *n, struct lang_val *res)
{
	if (n->av[0].null)
		return *res = n->av[0], 0;
	{
		const char *s = n->av[0].p, *e = s + n->av[0].len;

		(void)c;
		map_trim(&s, &e);
		return lang_slice(res, s, (size_t)(e - s));
	}
}

static int f_case(struct lang_ctx *c, struct node *n, struct lang_val *res)
{
	if (n->av[0].null)
		return *res = n->av[0], 0;
	map_case(n->av[0].p, n->av[0].len, n->fn->iarg, &c->out);
	return lang_put(c, res);
}

static int f_collapse(struct lang_ctx *c, struct node *n, struct lang_val *res)
{
	if (n->av[0].null)
		return *res = n->av[0], 0;
	map_collapse(n->av[0].p, n->av[0].len, &c->out);
	return lang_put(c, res);
}

static int f_split_name(struct lang_ctx *c, struct node *n, struct lang_val *res)
{
	if (n->av[0].null)
		return *res = n->av[0], 0;
	if (map_split_name(n->av[0].p, n->av[0].len, n->iarg, &c->out)) {
		res->null = 1, res->p = "", res->len = 0;
		return 0;
	}
	return lang_put(c, res);
}

/* phone(value[, country]): a constant country is checked while parsing,
 * one from a column on each row. */
static int f_phone(struct lang_ctx *c, struct node *n, struct lang_val *res)
{
	const void *country = n->country;
	const char *why;

	if (n->av[0].null)
		return *res = n->av[0], 0;
	if (n->nargs > 1 && !country) {
		char iso[8];

		if (n->av[1].null || n->av[1].len >= sizeof(iso))
			return lang_fail(c, n->av[1].null ? "the country is NULL" : "unknown country");
		memcpy(iso, n->av[1].p, n->av[1].len);
		iso[n->av[1].len] = '\0';
		if (!(country = map_country(iso)))
			return lang_fail(c, "unknown country");
	}
	if (map_phone(n->av[0].p, n->av[0].len, country, &c->out, &why) < 0)
		return lang_fail(c, why);
	return lang_put(c, res);
}

/* "March 5, 2023", "5 March 2023", "05-Mar-2023" to 2023-03-05. */
static int month_date(const char *s, size_t len, struct buf *out)
{
	static const char *const names[] = { "jan", "feb", "mar", "apr", "may", "jun",
					     "jul", "aug", "sep", "oct", "nov", "dec" };
	const char *p = s, *e = s + len;
	long num[2];
	int nn = 0, mon = 0, i;

	while (p < e) {
		if (isalpha((unsigned char)*p)) {
			const char *w = p;

			while (p < e && isalpha((unsigned char)*p))
				p++;
			if (p - w < 3 || mon)
				return -1;
			for (i = 0; i < 12; i++)
				if (!strncasecmp(w, names[i], 3))
					break;
			if (i == 12)
				return -1;
			mon = i + 1;
		} else if (isdigit((unsigned char)*p)) {
			long v = 0;
			const char *d = p;

			while (p < e && isdigit((unsigned char)*p) && p - d < 6)
				v = v * 10 + (*p++ - '0');
			if (nn == 2 || (p < e && isdigit((unsigned char)*p)))
				return -1;
			num[nn++] = v * (p - d == 4 ? -1 : 1);
		} else if (*p == ' ' || *p == ',' || *p == '-' || *p == '.' || *p == '/') {
			p++;
		} else {
			return -1;
		}
	}
	if (!mon || nn != 2 || (num[0] < 0) == (num[1] < 0))
		return -1;
	{
		long y = num[0] < 0 ? -num[0] : -num[1], d = num[0] < 0 ? num[1] : num[0];

		buf_addf(out, "%04ld-%02d-%02ld", y, mon, d);
	}
	return 0;
}

/* date(x, format, ...): the formats are tried in order, the first that
 * reads the value wins. */
static int f_time(struct lang_ctx *c, struct node *n, struct lang_val *res)
{
	const char *why = "not a date", *p = n->av[0].p;
	size_t i, len = n->av[0].len;

	if (n->av[0].null)
		return *res = n->av[0], 0;
	for (i = 0; i < n->nfmts; i++) {
		int fmt = n->fmts[i];

		if (fmt == TF_MONTH) {
			buf_reset(&c->tmp);
			if (month_date(n->av[0].p, n->av[0].len, &c->tmp) < 0) {
				why = "not a date with a month name";
				continue;
			}
			p = c->tmp.buf;
			len = c->tmp.len;
			fmt = TF_ISO;
		}
		buf_reset(&c->out);
		if (map_time(p, len, fmt, n->fn->iarg, n->zone, c->tz, &c->out, &why) == 0)
			return lang_put(c, res);
		p = n->av[0].p;
		len = n->av[0].len;
	}
	return lang_fail(c, why);
}

static int f_money(struct lang_ctx *c, struct node *n, struct lang_val *res)
{
	const char *why;

	if (n->av[0].null)
		return *res = n->av[0], 0;
	if (map_money(n->av[0].p, n->av[0].len, (char)n->iarg, &c->out, &why) < 0)
		return lang_fail(c, why);
	return lang_put(c, res);
}

static int f_coalesce(struct lang_ctx *c, struct node *n, struct lang_val *res)
{
	size_t i;

	(void)c;
	for (i = 0; i < n->nargs; i++)
		if (!n->av[i].null)
			return *res = n->av[i], 0;
	*res = n->av[n->nargs - 1];
	return 0;
}

static int f_concat(struct lang_ctx *c, struct node *n, struct lang_val *res)
{
	size_t i;

	for (i = 0; i < n->nargs; i++)
		if (!n->av[i].null)
			buf_add(&c->out, n->av[i].p, n->av[i].len);
	return lang_put(c, res);
}

static int f_nullif(struct lang_ctx *c, struct node *n, struct lang_val *res)
{
	(void)c;
	*res = n->av[0];
	if (!n->av[0].null && !n->av[1].null && n->av[0].len == n->av[1].len &&
	    !memcmp(n->av[0].p, n->av[1].p, n->av[0].len))
		res->null = 1, res->p = "", res->len = 0;
	return 0;
}

static int f_lookup(struct lang_ctx *c, struct node *n, struct lang_val *res)
{
	if (n->av[0].null)
		return *res = n->av[0], 0;
	if (!lookup_get(n->lk, n->av[0].p, n->av[0].len, res)) {
		if (n->nargs > 2)
			return *res = n->av[2], 0;
		return lang_fail(c, "no entry in the lookup table");
	}
	return 0;
}

static int f_uuid5(struct lang_ctx *c, struct node *n, struct lang_val *res)
{
	uuid_t u;
	char text[37];

	if (n->av[1].null)
		return *res = n->av[1], 0;
	uuid5_make(&c->u5, n->ns, n->av[1].p, n->av[1].len, u);
	uuid_format(u, text);
	buf_add(&c->out, text, 36);
	return lang_put(c, res);
}

static int f_email(struct lang_ctx *c, struct node *n, struct lang_val *res)
{
	const char *why;
	size_t i;

	buf_reset(&c->tmp);
	for (i = 0; i < n->npieces; i++) {
		if (n->pieces[i].lit) {
			buf_adds(&c->tmp, n->pieces[i].lit);
		} else {
			const struct lang_val *v = &c->slots[n->pieces[i].slot];

			/* Zoë Müller is zoe.muller, not zo.mller. */
			if (!v->null)
				translit(v->p, v->len, &c->tmp);
		}
	}
	if (map_email_clean(c->tmp.buf, c->tmp.len, &c->out, &why) < 0)
		return lang_fail(c, why);
	return lang_put(c, res);
}

/* password(key[, length]): a random password of length letters and
 * digits (16 by default), its bcrypt hash the value, and the plain one
 * written with the tag and key to the --passwords file. */
static int f_password(struct lang_ctx *c, struct node *n, struct lang_val *res)
{
	static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	char pw[129], salt[CRYPT_GENSALT_OUTPUT_SIZE];
	unsigned char rnd[64];
	const char *hash;
	size_t i, k = 0, want = 16;

	if (n->nargs > 1) {
		char num[8];
		long v;

		if (n->av[1].null)
			return lang_fail(c, "the length is NULL");
		if (n->av[1].len >= sizeof(num) || !n->av[1].len)
			return lang_fail(c, "the length must be 8 to 128");
		memcpy(num, n->av[1].p, n->av[1].len);
		num[n->av[1].len] = '\0';
		v = strtol(num, NULL, 10);
		if (v < 8 || v > 128 || strspn(num, "0123456789") != n->av[1].len)
			return lang_fail(c, "the length must be 8 to 128");
		want = (size_t)v;
	}
	/* Rejection sampling keeps the 62 characters equally likely. */
	while (k < want) {
		if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
			die(MIG_EXIT_SYSTEM, "getrandom:");
		for (i = 0; i < sizeof(rnd) && k < want; i++)
			if (rnd[i] < 248)
				pw[k++] = alpha[rnd[i] % 62];
	}
	pw[want] = '\0';
	if (!c->cd)
		c->cd = ecalloc(1, sizeof(*c->cd));
	if (!crypt_gensalt_rn("$2b$", (unsigned long)c->o->bcrypt_cost, NULL, 0, salt, sizeof(salt)))
		die(MIG_EXIT_SYSTEM, "crypt_gensalt_rn:");
	/* bcrypt reads 72 bytes of a password at most. */
	hash = crypt_rn(pw, salt, c->cd, sizeof(*c->cd));
	if (!hash || hash[0] == '*')
		die(MIG_EXIT_SYSTEM, "crypt_rn: bcrypt failed:");
	/* Held until the record is written (lang_ctx_keep). */
	csvfile_field(&c->pw, c->it->hdr->tag, strlen(c->it->hdr->tag), 0);
	buf_addc(&c->pw, ',');
	csvfile_field(&c->pw, n->av[0].p, n->av[0].len, n->av[0].null);
	buf_addc(&c->pw, ',');
	buf_adds(&c->pw, pw);
	buf_addc(&c->pw, '\n');
	explicit_bzero(pw, sizeof(pw));
	buf_adds(&c->out, hash);
	return lang_put(c, res);
}

/* Transliteration: iconv's //TRANSLIT to ASCII under a UTF-8 locale (its
 * tables come with the C library; the locale decides them, so C.UTF-8 is
 * used whatever the user's is).  A letter without an ASCII spelling
 * becomes '?'. */
static void translit(const char *s, size_t n, struct buf *out)
{
	static iconv_t cd = (iconv_t)-1;
	static locale_t loc;
	locale_t old;
	char *ip = (char *)s;
	size_t il = n, i;

	for (i = 0; i < n && !((unsigned char)s[i] & 0x80); i++)
		;
	if (i == n) {
		buf_add(out, s, n);
		return;
	}
	if (!loc && !(loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0)))
		loc = newlocale(LC_CTYPE_MASK, "en_US.UTF-8", (locale_t)0);
	old = loc ? uselocale(loc) : (locale_t)0;
	if (cd == (iconv_t)-1 && (cd = iconv_open("ASCII//TRANSLIT", "UTF-8")) == (iconv_t)-1)
		die(MIG_EXIT_SYSTEM, "iconv_open ASCII//TRANSLIT:");
	iconv(cd, NULL, NULL, NULL, NULL);
	while (il) {
		char *op;
		size_t ol;

		buf_grow(out, il * 2 + 8);
		op = out->buf + out->len;
		ol = out->alloc - out->len - 1;
		if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 && errno != E2BIG) {
			/* A byte that is not UTF-8: '?' for it, and go on. */
			out->len = (size_t)(op - out->buf);
			buf_addc(out, '?');
			ip++, il--;
			continue;
		}
		out->len = (size_t)(op - out->buf);
	}
	out->buf[out->len] = '\0';
	if (loc)
		uselocale(old);
}

static int f_translit(struct lang_ctx *c, struct node *n, struct lang_val *res)
{
	if (n->av[0].null)
		return *res = n->av[0], 0;
	translit(n->av[0].p, n->av[0].len, &c->out);
	return lang_put(c, res);
}

/* Characters, not bytes: UTF-8 lead bytes are those not 10xxxxxx. */
static size_t chars(const char *s, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		k += ((unsigned char)s[i] & 0xc0) != 0x80;
	return k;
}

/* Byte offset of character k (or n). */
static size_t char_at(const char *s, size_t n, size_t k)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80 && k-- == 0)
			return i;
	return n;
}

/* An integer argument: 0, or -1 (not an integer). */
static int int_arg(const struct lang_val *v, long *out)
{
	char num[24];
	char *end;
	int64_t x;

	if (v->null || !v->len || v->len >= sizeof(num))
		return -1;
	/* most arguments are a few plain digits: no copy, no strtol */
	if (lang_small_int(v->p, v->len, &x) == 0 && x >= LONG_MIN && x <= LONG_MAX) {
		*out = (long)x;
		return 0;
	}
	memcpy(num, v->p, v->len);
	num[v->len] = '\0';
	*out = strtol(num, &end, 10);
	return *end ? -1 : 0;
}

static int any_null(const struct node *n)
{
	size_t i;

	for (i = 0; i < n->nargs; i++)
		if (n->av[i].null)
			return 1;
	return 0;
}

static int f_length(struct lang_ctx *c, struct node *n, struct lang_val *res)
{
	if (n->av[0].null)
		return *res = n->av[0], 0;
	return lang_put_i64(c, res, (int64_t)chars(n->av[0].p, n->av[0].len));
}

/* substr(s, start[, count]): characters from 1-based start, as SQL. */
static int f_substr(struct lang_ctx *c, struct node *n, struct lang_val *res)
{
	long start, count = -1;
	size_t a, b;

	if (any_null(n))
		return *res = null_val, 0;
	if (int_arg(&n->av[1], &start) < 0 || (n->nargs > 2 && (int_arg(&n->av[2], &count) < 0 || count < 0)))
		return lang_fail(c, "the start and count must be whole numbers, the count not negative");
	if (count >= 0 && start < 1) {
		count += start - 1;
		if (count < 0)
			count = 0;
	}
	if (start < 1)
		start = 1;
	a = char_at(n->av[0].p, n->av[0].len, (size_t)start - 1);
	b = count < 0 ? n->av[0].len : char_at(n->av[0].p + a, n->av[0].len - a, (size_t)count) + a;
	return lang_slice(res, n->av[0].p + a, b - a);
}

/* lpad/rpad(s, length[, fill]): to length characters, cut if longer. */
static int f_pad(struct lang_ctx *c, struct node *n, struct lang_val *res)
{
	const char *fill = " ";
	size_t flen = 1, have, want, fi = 0;
	long len;

	if (any_null(n))
		return *res = null_val, 0;
	if (int_arg(&n->av[1], &len) < 0 || len < 0 || len > 65536)
		return lang_fail(c, "the length must be a whole number, 0 to 65536");
	if (n->nargs > 2) {
		fill = n->av[2].p;
		flen = n->av[2].len;
	}
	want = (size_t)len;
	have = chars(n->av[0].p, n->av[0].len);
	if (have >= want || !flen) {
		buf_add(&c->out, n->av[0].p, char_at(n->av[0].p, n->av[0].len, want));
		return lang_put(c, res);
	}
	if (!n->fn->iarg)
		buf_add(&c->out, n->av[0].p, n->av[0].len);
	for (; have < want; have++) {
		size_t k = char_at(fill + fi, flen - fi, 1);

		buf_add(&c->out, fill + fi, k);
		fi += k;
		if (fi >= flen)
			fi = 0;
	}
	if (n->fn->iarg)
		buf_add(&c->out, n->av[0].p, n->av[0].len);
	return lang_put(c, res);
}

/* title(s): each word's first letter upper case, the rest lower case. */
static int f_title(struct lang_ctx *c, struct node *n, struct lang_val *res)
{
	const char *p, *e;
	mbstate_t st;
	int start = 1;

	if (n->av[0].null)
		return *res = n->av[0], 0;
	memset(&st, 0, sizeof(st));
	for (p = n->av[0].p, e = p + n->av[0].len; p < e;) {
		wchar_t wc;
		char mb[MB_LEN_MAX];
		size_t k = mbrtowc(&wc, p, (size_t)(e - p), &st), m;

		if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
			memset(&st, 0, sizeof(st));
			buf_addc(&c->out, *p++);
			continue;
		}
		{
			mbstate_t o;
			wint_t w = start ? towupper((wint_t)wc) : towlower((wint_t)wc);

			memset(&o, 0, sizeof(o));
			m = wcrtomb(mb, (wchar_t)w, &o);
			if (m == (size_t)-1)
				buf_add(&c->out, p, k);
			else
				buf_add(&c->out, mb, m);
		}
		start = !iswalnum((wint_t)wc) && wc != '\'';
		p += k;
	}
	return lang_put(c, res);
}

/* concat_strict(a, ...): NULL if any argument is NULL, like a || b. */
static int f_concat_strict(struct lang_ctx *c, struct node *n, struct lang_val *res)
{
	size_t i;

	if (any_null(n))
		return *res = null_val, 0;
	for (i = 0; i < n->nargs; i++)
		buf_add(&c->out, n->av[i].p, n->av[i].len);
	return lang_put(c, res);
}

/* The next d (dl bytes, at least one) in s..e, or NULL; memmem is slow
 * for the one-byte separators most splits use. */
static const char *find_sep(const char *s, const char *e, const char *d, size_t dl)
{
	if (dl == 1)
		return memchr(s, *d, (size_t)(e - s));
	return memmem(s, (size_t)(e - s), d, dl);
}

/* split_part(s, delimiter, n): the n-th piece (1-based; negative counts
 * from the end); '' past the last, as in PostgreSQL. */

static int f_split_part(struct lang_ctx *c, struct node *n, struct lang_val *res)
{
	const char *s, *e, *d, *p;
	size_t dl, total = 1;
	long k;

	if (any_null(n))
		return *res = null_val, 0;
	if (int_arg(&n->av[2], &k) < 0 || k == 0)
		return lang_fail(c, "the part number must be a whole number other than 0");
	s = n->av[0].p, e = s + n->av[0].len, d = n->av[1].p, dl = n->av[1].len;
	if (!dl)
		return lang_slice(res, s, k == 1 || k == -1 ? (size_t)(e - s) : 0);
	/* Counting from the end needs the number of parts first. */
	if (k < 0) {
		for (p = s; (p = find_sep(p, e, d, dl)); p += dl)
			total++;
		k += (long)total + 1;
		if (k < 1)
			return lang_slice(res, s, 0);
	}
	for (; k > 1; k--) {
		if (!(p = find_sep(s, e, d, dl)))
			return lang_slice(res, s, 0);
		s = p + dl;
	}
	p = find_sep(s, e, d, dl);
	return lang_slice(res, s, (size_t)((p ? p : e) - s));
}

/* Regular expressions: POSIX extended (regcomp, in the C library). */
static regex_t *regex_for(struct lang_ctx *c, struct node *n, regex_t *tmp)
{
	char *p;
	int rc;

	if (n->re)
		return n->re;
	p = estrndup(n->av[1].p, n->av[1].len);
	rc = regcomp(tmp, p, REG_EXTENDED);
	free(p);
	if (rc) {
		lang_fail(c, "bad regular expression");
		return NULL;
	}
	return tmp;
}

/* regexp_capture(s, re[, group]): the group's text (0: the whole match),
 * NULL if there is no match or the group took no part. */
static int f_capture(struct lang_ctx *c, struct node *n, struct lang_val *res)
{
	regex_t tmp, *re;
	regmatch_t m[10];
	long g = n->nargs > 2 ? 0 : 1;
	char *s;
	int hit;

	if (any_null(n))
		return *res = null_val, 0;
	if (n->nargs > 2 && (int_arg(&n->av[2], &g) < 0 || g < 0 || g > 9))
		return lang_fail(c, "the group must be 0 to 9");
	if (!(re = regex_for(c, n, &tmp)))
		return -1;
	if ((size_t)g > re->re_nsub) {
		if (re == &tmp)
			regfree(&tmp);
		return lang_fail(c, "no such group in the regular expression");
	}
	s = estrndup(n->av[0].p, n->av[0].len);
	hit = regexec(re, s, 10, m, 0) == 0;
	if (re == &tmp)
		regfree(&tmp);
	if (!hit || m[g].rm_so < 0) {
		free(s);
		return *res = null_val, 0;
	}
	buf_add(&c->out, s + m[g].rm_so, (size_t)(m[g].rm_eo - m[g].rm_so));
	free(s);
	return lang_put(c, res);
}

static int f_match(struct lang_ctx *c, struct node *n, struct lang_val *res)
{
	regex_t tmp, *re;
	char *s;
	int hit;

	if (any_null(n))
		return *res = null_val, 0;
	if (!(re = regex_for(c, n, &tmp)))
		return -1;
	s = estrndup(n->av[0].p, n->av[0].len);
	hit = regexec(re, s, 0, NULL, 0) == 0;
	free(s);
	if (re == &tmp)
		regfree(&tmp);
	*res = (struct lang_val){ hit ? "t" : "f", 1, 0 };
	return 0;
}

/* regexp_replace(s, re, with): every match replaced; \0-\9 in with are
 * the groups, \\ a backslash. */
static int f_replace(struct lang_ctx *c, struct node *n, struct lang_val *res)
{
	regex_t tmp, *re;
	regmatch_t m[10];
	char *s, *p;
	const char *w = n->av[2].p;
	size_t wl = n->av[2].len, i;
	int flags = 0;

	if (any_null(n))
		return *res = null_val, 0;
	if (!(re = regex_for(c, n, &tmp)))
		return -1;
	s = estrndup(n->av[0].p, n->av[0].len);
	for (p = s; *p && regexec(re, p, 10, m, flags) == 0; flags = REG_NOTBOL) {
		buf_add(&c->out, p, (size_t)m[0].rm_so);
		for (i = 0; i < wl; i++) {
			if (w[i] == '\\' && i + 1 < wl && w[i + 1] >= '0' && w[i + 1] <= '9') {
				int g = w[++i] - '0';

				if ((size_t)g <= re->re_nsub && m[g].rm_so >= 0)
					buf_add(&c->out, p + m[g].rm_so, (size_t)(m[g].rm_eo - m[g].rm_so));
			} else if (w[i] == '\\' && i + 1 < wl && w[i + 1] == '\\') {
				buf_addc(&c->out, w[++i]);
			} else {
				buf_addc(&c->out, w[i]);
			}
		}
		if (m[0].rm_eo == m[0].rm_so) {
			/* An empty match: keep one character and go on. */
			if (!p[m[0].rm_eo])
				break;
			buf_addc(&c->out, p[m[0].rm_eo]);
			p += m[0].rm_eo + 1;
		} else {
			p += m[0].rm_eo;
		}
	}
	buf_adds(&c->out, p);
	free(s);
	if (re == &tmp)
		regfree(&tmp);
	return lang_put(c, res);
}

/* round/trunc/floor/ceil(x[, scale]). */
static int f_round(struct lang_ctx *c, struct node *n, struct lang_val *res)
{
	const char *why;
	long s = 0;

	if (any_null(n))
		return *res = null_val, 0;
	if (n->nargs > 1 && (int_arg(&n->av[1], &s) < 0 || s > 100 || s < -100))
		return lang_fail(c, "the scale must be a whole number, -100 to 100");
	if (dec_round(n->fn->iarg, n->av[0].p, n->av[0].len, s, &c->out, &why) < 0)
		return lang_fail(c, why);
	return lang_put(c, res);
}

/* time(x): H:MM[:SS[.f]] with an optional am/pm, to HH:MM:SS[.f]. */
static int f_time_of_day(struct lang_ctx *c, struct node *n, struct lang_val *res)
{
	const char *p = n->av[0].p, *e = p + n->av[0].len, *f = NULL;
	long h = 0, mi = 0, sec = 0;
	size_t nf = 0;
	int nd = 0;

	if (n->av[0].null)
		return *res = n->av[0], 0;
	while (p < e && *p == ' ')
		p++;
	while (e > p && e[-1] == ' ')
		e--;
	while (p < e && isdigit((unsigned char)*p) && nd < 2)
		h = h * 10 + (*p++ - '0'), nd++;
	if (!nd || p + 3 > e || *p != ':' || !isdigit((unsigned char)p[1]) || !isdigit((unsigned char)p[2]))
		return lang_fail(c, "not a time of day (H:MM[:SS])");
	mi = (p[1] - '0') * 10 + (p[2] - '0');
	p += 3;
	if (p < e && *p == ':') {
		if (p + 3 > e || !isdigit((unsigned char)p[1]) || !isdigit((unsigned char)p[2]))
			return lang_fail(c, "not a time of day (H:MM[:SS])");
		sec = (p[1] - '0') * 10 + (p[2] - '0');
		p += 3;
		if (p < e && *p == '.') {
			f = ++p;
			while (p < e && isdigit((unsigned char)*p) && nf < 6)
				p++, nf++;
			if (!nf)
				return lang_fail(c, "not a time of day (H:MM[:SS])");
			while (nf && f[nf - 1] == '0')
				nf--;
		}
	}
	while (p < e && *p == ' ')
		p++;
	if (p < e) {
		int pm = tolower((unsigned char)*p) == 'p';

		if (e - p != 2 || (tolower((unsigned char)*p) != 'a' && !pm) || tolower((unsigned char)p[1]) != 'm' ||
		    h < 1 || h > 12)
			return lang_fail(c, "not a time of day (H:MM[:SS])");
		h = h % 12 + (pm ? 12 : 0);
	}
	if (h > 23 || mi > 59 || sec > 59)
		return lang_fail(c, "hour, minute or second out of range");
	buf_addf(&c->out, "%02ld:%02ld:%02ld", h, mi, sec);
	if (nf) {
		buf_addc(&c->out, '.');
		buf_add(&c->out, f, nf);
	}
	return lang_put(c, res);
}

/* cast(x, type): the value validated and written canonically. */
static int f_cast(struct lang_ctx *c, struct node *n, struct lang_val *res)
{
	*res = n->av[0];
	return lang_cast(c, (enum mig_type)n->iarg, res);
}

/* Preparing calls: constant arguments checked while parsing. */

static int p_split_name(struct lex *l, struct node *n, const struct lang_opts *o)
{
	static const char *const parts[] = { "first", "middle", "last", "given" };
	size_t i;

	(void)o;
	if (lang_const_arg(l, n, 1, "part") < 0)
		return -1;
	for (i = 0; i < 4; i++)
		if (!strcasecmp(n->args[1]->text, parts[i]))
			break;
	n->iarg = (int)i;
	if (i == 4) {
		l->tpos = n->args[1]->pos;
		return lex_fail(l, "split_name(): part must be first, middle, last or given");
	}
	return 0;
}

static int p_phone(struct lex *l, struct node *n, const struct lang_opts *o)
{
	(void)o;
	if (n->nargs > 1)
		n->args[1]->word_ok = 1;
	if (n->nargs > 1 && n->args[1]->kind == N_LIT && !(n->country = map_country(n->args[1]->text))) {
		l->tpos = n->args[1]->pos;
		return lex_fail(l, "phone(): unknown country '%s' (see mig-map(1))", n->args[1]->text);
	}
	return 0;
}

static int p_time(struct lex *l, struct node *n, const struct lang_opts *o)
{
	static const char *const fmts[] = { "iso", "dmy", "mdy", "unix", "month" };
	size_t fi = n->fn->iarg == TO_TIMESTAMPTZ ? 2 : 1, i, j;

	(void)o;
	if (fi == 2) {
		struct stat st;
		const char *dir = getenv("TZDIR"), *s;
		char path[4096];

		if (lang_const_arg(l, n, 1, "time zone") < 0)
			return -1;
		s = n->args[1]->text;
		snprintf(path, sizeof(path), "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", s);
		if (!*s || *s == '/' || strstr(s, "..") || stat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
			l->tpos = n->args[1]->pos;
			return lex_fail(l, "timestamptz(): unknown time zone '%s'", s);
		}
		n->zone = estrdup(s);
	}
	n->fmts[0] = TF_ISO;
	n->nfmts = 1;
	if (n->nargs > fi) {
		n->nfmts = 0;
		for (j = fi; j < n->nargs; j++) {
			if (lang_const_arg(l, n, j, "format") < 0)
				return -1;
			for (i = 0; i < 5; i++)
				if (!strcasecmp(n->args[j]->text, fmts[i]))
					break;
			if (i == 5) {
				l->tpos = n->args[j]->pos;
				return lex_fail(l, "%s(): format must be iso, dmy, mdy, unix or month", n->fn->name);
			}
			n->fmts[n->nfmts++] = (int)i;
		}
	}
	n->iarg = n->fmts[0];
	return 0;
}

static int p_money(struct lex *l, struct node *n, const struct lang_opts *o)
{
	const char *s;

	(void)o;
	n->iarg = 0;
	if (n->nargs > 1) {
		if (lang_const_arg(l, n, 1, "decimal separator") < 0)
			return -1;
		s = n->args[1]->text;
		if (!strcmp(s, ".") || !strcmp(s, ","))
			n->iarg = *s;
		else if (strcmp(s, "auto")) {
			l->tpos = n->args[1]->pos;
			return lex_fail(l, "money(): decimal separator must be '.', ',' or 'auto'");
		}
	}
	return 0;
}

static int p_lookup(struct lex *l, struct node *n, const struct lang_opts *o)
{
	const char *err;

	(void)o;
	if (lang_const_arg(l, n, 1, "file name") < 0)
		return -1;
	if (!(n->lk = lookup_load(n->args[1]->text, n->fn->iarg, &err))) {
		l->tpos = n->args[1]->pos;
		return lex_fail(l, "%s", err);
	}
	return 0;
}

static int p_uuid5(struct lex *l, struct node *n, const struct lang_opts *o)
{
	static const char *const named[][2] = {
		{ "dns", "6ba7b810-9dad-11d1-80b4-00c04fd430c8" },
		{ "url", "6ba7b811-9dad-11d1-80b4-00c04fd430c8" },
		{ "oid", "6ba7b812-9dad-11d1-80b4-00c04fd430c8" },
		{ "x500", "6ba7b814-9dad-11d1-80b4-00c04fd430c8" },
	};
	const char *s;
	size_t i;

	(void)o;
	if (lang_const_arg(l, n, 0, "namespace") < 0)
		return -1;
	s = n->args[0]->text;
	for (i = 0; i < 4; i++)
		if (!strcasecmp(s, named[i][0]))
			s = named[i][1];
	if (uuid_parse(s, n->ns) < 0) {
		l->tpos = n->args[0]->pos;
		return lex_fail(l, "uuid5(): namespace must be dns, url, oid, x500 or a UUID");
	}
	return 0;
}

static int p_email(struct lex *l, struct node *n, const struct lang_opts *o)
{
	const char *p, *q;

	(void)o;
	if (lang_const_arg(l, n, 0, "pattern") < 0)
		return -1;
	for (p = n->args[0]->text; *p; p = q) {
		struct piece pc = { NULL, NULL, 0, -1 };

		if (*p == '{') {
			if (!(q = strchr(p, '}')) || q == p + 1) {
				l->tpos = n->args[0]->pos;
				return lex_fail(l, "email_from(): '{' without a column name and '}'");
			}
			pc.col = estrndup(p + 1, (size_t)(q - p - 1));
			pc.pos = n->args[0]->pos;
			q++;
		} else {
			q = strchr(p, '{');
			if (!q)
				q = p + strlen(p);
			pc.lit = estrndup(p, (size_t)(q - p));
		}
		n->pieces = ereallocarray(n->pieces, n->npieces + 1, sizeof(*n->pieces));
		n->pieces[n->npieces++] = pc;
	}
	if (!strchr(n->args[0]->text, '@')) {
		l->tpos = n->args[0]->pos;
		return lex_fail(l, "email_from(): the pattern has no '@'");
	}
	return 0;
}

static int p_password(struct lex *l, struct node *n, const struct lang_opts *o)
{
	if (!o->passwords_ok) {
		l->tpos = n->pos;
		return lex_fail(l, "password() needs --passwords FILE for the plain passwords");
	}
	if (n->nargs > 1 && n->args[1]->kind == N_LIT) {
		long v = strtol(n->args[1]->text, NULL, 10);

		if (v < 8 || v > 128 || n->args[1]->type != MIG_T_INT) {
			l->tpos = n->args[1]->pos;
			return lex_fail(l, "password(): the length must be 8 to 128");
		}
	}
	return 0;
}

/* A literal pattern is compiled once. */
static int p_regex(struct lex *l, struct node *n, const struct lang_opts *o)
{
	struct node *p = n->args[1];
	int rc;

	(void)o;
	if (p->kind != N_LIT)
		return 0;
	n->re = emalloc(sizeof(*n->re));
	if ((rc = regcomp(n->re, p->text, REG_EXTENDED))) {
		char msg[256];

		regerror(rc, n->re, msg, sizeof(msg));
		free(n->re);
		n->re = NULL;
		l->tpos = p->pos;
		return lex_fail(l, "%s(): bad regular expression: %s", n->fn->name, msg);
	}
	return 0;
}

static int p_cast(struct lex *l, struct node *n, const struct lang_opts *o)
{
	enum mig_type t;

	(void)o;
	if (lang_const_arg(l, n, 1, "type") < 0)
		return -1;
	if (mig_type_parse(n->args[1]->text, n->args[1]->len, &t) < 0 || t == MIG_T_ANY) {
		l->tpos = n->args[1]->pos;
		return lex_fail(l, "cast(): unknown type '%s'", n->args[1]->text);
	}
	n->iarg = (int)t;
	return 0;
}

int lang_if(struct lang_ctx *c, struct node *n, struct lang_val *res);

/* Functions whose result type is a cast's. */
#define CAST_TYPE T_CAST

const struct lang_fn lang_fns[] = {
	{ "array", 0, 64, MIG_T_ARRAY, lang_f_array, NULL, 0, 0, "array(a, ...)", "an array of the arguments, NULLs kept" },
	{ "array_element", 2, 2, MIG_T_TEXT, lang_f_array_element, NULL, 0, 0, "array_element(a, n)", "the n-th element (1-based, negative from the end); NULL past the ends" },
	{ "array_length", 1, 1, MIG_T_INT, lang_f_array_length, NULL, 0, 0, "array_length(a)", "the number of elements (0 for {})" },
	{ "array_to_string", 2, 3, MIG_T_TEXT, lang_f_array_to_string, NULL, 0, 0, "array_to_string(a, delim[, null])", "the elements joined by delim; NULL elements skipped or written as null" },
	{ "cast", 2, 2, CAST_TYPE, f_cast, p_cast, 0, 0, "cast(x, TYPE)", "x validated and written canonically as TYPE, or an error" },
	{ "ceil", 1, 2, MIG_T_NUMERIC, f_round, NULL, 'c', 0, "ceil(x[, scale])", "rounded up" },
	{ "coalesce", 1, 64, T_SAME, f_coalesce, NULL, 0, 0, "coalesce(a, b, ...)", "the first argument that is not NULL" },
	{ "collapse", 1, 1, T_SAME, f_collapse, NULL, 0, 0, "collapse(s)", "runs of white space to one space, trimmed" },
	{ "concat", 1, 64, MIG_T_TEXT, f_concat, NULL, 0, 0, "concat(a, ...)", "the arguments joined, NULLs skipped; never NULL" },
	{ "concat_strict", 1, 64, MIG_T_TEXT, f_concat_strict, NULL, 0, 0, "concat_strict(a, ...)", "the arguments joined; NULL if one is NULL (as a || b)" },
	{ "date", 1, 7, MIG_T_DATE, f_time, p_time, TO_DATE, 0, "date(x[, FORMAT, ...])", "a date; formats iso, dmy, mdy, unix, month tried in order" },
	{ "default", 2, 2, T_SAME, f_coalesce, NULL, 0, 0, "default(x, v)", "v where x is NULL" },
	{ "email_from", 1, 1, MIG_T_TEXT, f_email, p_email, 0, 0, "email_from('PATTERN')", "an address from {column} pieces, transliterated and cleaned" },
	{ "floor", 1, 2, MIG_T_NUMERIC, f_round, NULL, 'f', 0, "floor(x[, scale])", "rounded down" },
	{ "if", 3, 3, T_SAME, lang_if, NULL, 0, 2, "if(c, a, b)", "a where c is true, else b (NULL c: b)" },
	{ "ilookup", 2, 3, MIG_T_TEXT, f_lookup, p_lookup, 1, 0, "ilookup(x, 'FILE'[, v])", "lookup() ignoring case and extra white space" },
	{ "length", 1, 1, MIG_T_INT, f_length, NULL, 0, 0, "length(s)", "characters in s" },
	{ "lookup", 2, 3, MIG_T_TEXT, f_lookup, p_lookup, 0, 0, "lookup(x, 'FILE'[, v])", "the value of key x in a two-column CSV file; v (or an error) if none" },
	{ "lower", 1, 1, T_SAME, f_case, NULL, 0, 0, "lower(s)", "lower case" },
	{ "lpad", 2, 3, MIG_T_TEXT, f_pad, NULL, 1, 0, "lpad(s, n[, fill])", "s filled on the left to n characters (cut if longer)" },
	{ "money", 1, 2, MIG_T_NUMERIC, f_money, p_money, 0, 0, "money(x[, SEP])", "money text to an exact number" },
	{ "nullif", 2, 2, T_SAME, f_nullif, NULL, 0, 0, "nullif(a, b)", "NULL where a = b, else a" },
	{ "password", 1, 2, MIG_T_TEXT, f_password, p_password, 0, 0, "password(key[, length])", "bcrypt hash of a new random password (16 characters by default)" },
	{ "phone", 1, 2, MIG_T_TEXT, f_phone, p_phone, 0, 0, "phone(x[, country])", "E.164; country is any expression giving an ISO code" },
	{ "regexp_capture", 2, 3, MIG_T_TEXT, f_capture, p_regex, 0, 0, "regexp_capture(s, re[, group])", "a group's text (1 by default), NULL without a match" },
	{ "regexp_match", 2, 2, MIG_T_BOOL, f_match, p_regex, 0, 0, "regexp_match(s, re)", "does s match re (as s ~ re)" },
	{ "regexp_replace", 3, 3, MIG_T_TEXT, f_replace, p_regex, 0, 0, "regexp_replace(s, re, with)", "every match replaced; \\1 in with is a group" },
	{ "round", 1, 2, MIG_T_NUMERIC, f_round, NULL, 'r', 0, "round(x[, scale])", "rounded half away from zero to scale digits" },
	{ "rpad", 2, 3, MIG_T_TEXT, f_pad, NULL, 0, 0, "rpad(s, n[, fill])", "s filled on the right to n characters (cut if longer)" },
	{ "split_name", 2, 2, MIG_T_TEXT, f_split_name, p_split_name, 0, 0, "split_name(s, PART)", "first, middle, last or given name" },
	{ "split_part", 3, 3, MIG_T_TEXT, f_split_part, NULL, 0, 0, "split_part(s, delim, n)", "the n-th piece (negative: from the end)" },
	{ "string_to_array", 2, 3, MIG_T_ARRAY, lang_f_string_to_array, NULL, 0, 0, "string_to_array(s, delim[, null])", "s split at each delim into an array; pieces equal to null are NULL" },
	{ "substr", 2, 3, MIG_T_TEXT, f_substr, NULL, 0, 0, "substr(s, start[, count])", "characters from start (1-based)" },
	{ "time", 1, 1, MIG_T_TIME, f_time_of_day, NULL, 0, 0, "time(x)", "a time of day, H:MM[:SS][am|pm] to HH:MM:SS" },
	{ "timestamp", 1, 7, MIG_T_TIMESTAMP, f_time, p_time, TO_TIMESTAMP, 0, "timestamp(x[, FORMAT, ...])", "a timestamp; formats as date()" },
	{ "timestamptz", 2, 8, MIG_T_TIMESTAMPTZ, f_time, p_time, TO_TIMESTAMPTZ, 0, "timestamptz(x, ZONE[, FORMAT, ...])", "a moment, local times read in ZONE" },
	{ "title", 1, 1, MIG_T_TEXT, f_title, NULL, 0, 0, "title(s)", "each word capitalised" },
	{ "translit", 1, 1, MIG_T_TEXT, f_translit, NULL, 0, 0, "translit(s)", "letters with diacritics to ASCII (Zoë to Zoe)" },
	{ "trim", 1, 1, T_SAME, f_trim, NULL, 0, 0, "trim(s)", "white space removed at both ends" },
	{ "trunc", 1, 2, MIG_T_NUMERIC, f_round, NULL, 't', 0, "trunc(x[, scale])", "cut to scale digits" },
	{ "upper", 1, 1, T_SAME, f_case, NULL, 1, 0, "upper(s)", "upper case" },
	{ "uuid5", 2, 2, MIG_T_UUID, f_uuid5, p_uuid5, 0, 0, "uuid5(NS, name)", "name-based UUID" },
};
const size_t lang_nfns = sizeof(lang_fns) / sizeof(lang_fns[0]);

const struct lang_fn *lang_fn_find(const char *name)
{
	size_t i;

	for (i = 0; i < lang_nfns; i++)
		if (!strcasecmp(name, lang_fns[i].name))
			return &lang_fns[i];
	return NULL;
}

void lang_list_functions(FILE *fp, int mdoc)
{
	size_t i;

	if (mdoc)
		fputs(".Bl -tag -width Ds\n", fp);
	for (i = 0; i < lang_nfns; i++) {
		const struct lang_fn *f = &lang_fns[i];
		const char *t = f->type == T_SAME ? "its argument's type" :
				f->type == T_CAST ? "TYPE" : mig_type_name((enum mig_type)f->type);

		if (mdoc)
			fprintf(fp, ".It Fn %s\n%s; %s.\n", f->sig, f->doc, t);
		else
			fprintf(fp, "%-36s %-12s %s\n", f->sig, f->type == T_SAME ? "(same)" : t, f->doc);
	}
	if (mdoc)
		fputs(".El\n", fp);
}
