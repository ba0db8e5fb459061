#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "array.h"
#include "canon.h"
#include "civil.h"
#include "json.h"
#include "util.h"
#include "banned.h"

static const char hexdig[] = "0123456789abcdef";

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static void trim(const char **v, size_t *n)
{
	while (*n && is_space(**v))
		(*v)++, (*n)--;
	while (*n && is_space((*v)[*n - 1]))
		(*n)--;
}

static int word_is(const char *v, size_t n, const char *w)
{
	return strlen(w) == n && !strncasecmp(v, w, n);
}

/*
 * Exact decimal normal form.  Digits are copied, never converted, so a
 * 40-digit numeric or a 20-digit key keeps every digit.
 */
static int canon_decimal(const char *v, size_t n, struct buf *out)
{
	const char *p, *e, *ip, *fp = NULL;
	size_t il, fl = 0, dl, i;
	long exp = 0, pos;
	int neg = 0;
	char *d, small[128];

	trim(&v, &n);
	p = v;
	e = v + n;
	if (p < e && (*p == '+' || *p == '-'))
		neg = *p++ == '-';
	if (word_is(p, (size_t)(e - p), "nan")) {
		buf_adds(out, "NaN");
		return 0;
	}
	if (word_is(p, (size_t)(e - p), "infinity") || word_is(p, (size_t)(e - p), "inf")) {
		buf_adds(out, neg ? "-Infinity" : "Infinity");
		return 0;
	}
	ip = p;
	while (p < e && is_digit(*p))
		p++;
	il = (size_t)(p - ip);
	if (p < e && *p == '.') {
		fp = ++p;
		while (p < e && is_digit(*p))
			p++;
		fl = (size_t)(p - fp);
	}
	if (il + fl == 0)
		return -1;
	if (p < e && (*p == 'e' || *p == 'E')) {
		int eneg = 0;
		const char *q;

		p++;
		if (p < e && (*p == '+' || *p == '-'))
			eneg = *p++ == '-';
		q = p;
		while (p < e && is_digit(*p)) {
			exp = exp * 10 + (*p - '0');
			if (exp > 100000)
				return -1;
			p++;
		}
		if (p == q)
			return -1;
		if (eneg)
			exp = -exp;
	}
	if (p != e)
		return -1;
	/* digits without the point, then strip zeros at both ends; a
	   value that fits the stack costs no allocation */
	d = il + fl < sizeof(small) ? small : emalloc(il + fl + 1);
	memcpy(d, ip, il);
	if (fl)
		memcpy(d + il, fp, fl);
	dl = il + fl;
	pos = (long)il + exp;
	i = 0;
	while (i < dl && d[i] == '0')
		i++, pos--;
	while (dl > i && d[dl - 1] == '0')
		dl--;
	if (i == dl) {
		buf_addc(out, '0');
		if (d != small)
			free(d);
		return 0;
	}
	if (neg)
		buf_addc(out, '-');
	if (pos <= 0) {
		buf_add(out, "0.", 2);
		for (; pos < 0; pos++)
			buf_addc(out, '0');
		buf_add(out, d + i, dl - i);
	} else if ((size_t)pos >= dl - i) {
		buf_add(out, d + i, dl - i);
		for (pos -= (long)(dl - i); pos > 0; pos--)
			buf_addc(out, '0');
	} else {
		buf_add(out, d + i, (size_t)pos);
		buf_addc(out, '.');
		buf_add(out, d + i + pos, dl - i - (size_t)pos);
	}
	if (d != small)
		free(d);
	return 0;
}

void canon_double(double d, struct buf *out)
{
	char tmp[40];
	int prec;

	if (isnan(d)) {
		buf_adds(out, "NaN");
		return;
	}
	if (isinf(d)) {
		buf_adds(out, d < 0 ? "-Infinity" : "Infinity");
		return;
	}
	if (d == 0) {
		buf_adds(out, signbit(d) ? "-0" : "0");
		return;
	}
	/* %.15g is already shortest when 15 digits suffice (DBL_DIG) */
	for (prec = 15; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*g", prec, d);
		if (strtod(tmp, NULL) == d)
			break;
	}
	buf_adds(out, tmp);
}

static int canon_float(const char *v, size_t n, struct buf *out)
{
	char tmp[64], *end;
	double d;

	trim(&v, &n);
	if (!n || n >= sizeof(tmp))
		return -1;
	memcpy(tmp, v, n);
	tmp[n] = '\0';
	d = strtod(tmp, &end);
	if (*end || end == tmp)
		return -1;
	canon_double(d, out);
	return 0;
}

static int canon_bool(const char *v, size_t n, unsigned flags, struct buf *out)
{
	static const char *const yes[] = { "t", "true", "y", "yes", "on", "1" };
	static const char *const no[] = { "f", "false", "n", "no", "off", "0" };
	size_t i;

	if ((flags & CANON_RAW) && n == 1 && (v[0] == 0 || v[0] == 1)) {
		buf_addc(out, v[0] ? 't' : 'f');
		return 0;
	}
	trim(&v, &n);
	for (i = 0; i < sizeof(yes) / sizeof(*yes); i++) {
		if (word_is(v, n, yes[i])) {
			buf_addc(out, 't');
			return 0;
		}
		if (word_is(v, n, no[i])) {
			buf_addc(out, 'f');
			return 0;
		}
	}
	return -1;
}

static void hex_encode(const char *v, size_t n, struct buf *out)
{
	size_t i;

	buf_grow(out, 2 + 2 * n);
	buf_add(out, "\\x", 2);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];

		out->buf[out->len++] = hexdig[c >> 4];
		out->buf[out->len++] = hexdig[c & 15];
	}
	out->buf[out->len] = '\0';
}

static int canon_bytes(const char *v, size_t n, unsigned flags, struct buf *out)
{
	size_t i;

	if (!(flags & CANON_RAW) && n >= 2 && v[0] == '\\' && v[1] == 'x' && n % 2 == 0) {
		for (i = 2; i < n; i++)
			if (hexval((unsigned char)v[i]) < 0)
				break;
		if (i == n) {
			buf_grow(out, n);
			for (i = 0; i < n; i++) {
				char c = v[i];

				out->buf[out->len++] = c >= 'A' && c <= 'F' ? (char)(c - 'A' + 'a') : c;
			}
			out->buf[out->len] = '\0';
			return 0;
		}
	}
	hex_encode(v, n, out);
	return 0;
}

static void uuid_from_bytes(const unsigned char *b, struct buf *out)
{
	int i;

	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			buf_addc(out, '-');
		buf_addc(out, hexdig[b[i] >> 4]);
		buf_addc(out, hexdig[b[i] & 15]);
	}
}

static int canon_uuid(const char *v, size_t n, unsigned flags, struct buf *out)
{
	unsigned char b[16];
	size_t i, k = 0;

	if ((flags & CANON_RAW) && n == 16) {
		uuid_from_bytes((const unsigned char *)v, out);
		return 0;
	}
	trim(&v, &n);
	if (n >= 2 && v[0] == '{' && v[n - 1] == '}')
		v++, n -= 2;
	for (i = 0; i < n; i++) {
		int h;

		if (v[i] == '-')
			continue;
		if ((h = hexval((unsigned char)v[i])) < 0 || k >= 32)
			return -1;
		if (k % 2 == 0)
			b[k / 2] = (unsigned char)(h << 4);
		else
			b[k / 2] |= (unsigned char)h;
		k++;
	}
	if (k != 32)
		return -1;
	uuid_from_bytes(b, out);
	return 0;
}

/* Date and time parsing: fields, then printed back in one form. */
struct when {
	long long year;
	int mon, day, hour, min, sec;
	const char *frac;
	size_t fraclen;
	int has_date, has_time, has_off;
	long off;		/* seconds east of UTC */
};

static int digits(const char **pp, const char *e, int n, int *out)
{
	const char *p = *pp;
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (p >= e || !is_digit(*p))
			return -1;
		v = v * 10 + (*p++ - '0');
	}
	*pp = p;
	*out = v;
	return 0;
}

static int parse_date(const char **pp, const char *e, struct when *w)
{
	const char *p = *pp, *q = p;
	long long y = 0;

	while (p < e && is_digit(*p) && p - q < 9)
		y = y * 10 + (*p++ - '0');
	if (p - q < 4 || p >= e || *p != '-')
		return -1;
	p++;
	if (digits(&p, e, 2, &w->mon) < 0 || p >= e || *p != '-')
		return -1;
	p++;
	if (digits(&p, e, 2, &w->day) < 0)
		return -1;
	if (w->mon < 1 || w->mon > 12 || w->day < 1 || w->day > 31)
		return -1;
	w->year = y;
	w->has_date = 1;
	*pp = p;
	return 0;
}

static int parse_time(const char **pp, const char *e, struct when *w)
{
	const char *p = *pp;

	if (digits(&p, e, 2, &w->hour) < 0 || p >= e || *p != ':')
		return -1;
	p++;
	if (digits(&p, e, 2, &w->min) < 0)
		return -1;
	w->sec = 0;
	if (p < e && *p == ':') {
		p++;
		if (digits(&p, e, 2, &w->sec) < 0)
			return -1;
	}
	w->frac = NULL;
	w->fraclen = 0;
	if (p < e && *p == '.') {
		w->frac = ++p;
		while (p < e && is_digit(*p))
			p++;
		w->fraclen = (size_t)(p - w->frac);
		while (w->fraclen && w->frac[w->fraclen - 1] == '0')
			w->fraclen--;
	}
	if (w->hour > 24 || w->min > 59 || w->sec > 60)
		return -1;
	w->has_time = 1;
	*pp = p;
	return 0;
}

static int parse_offset(const char **pp, const char *e, struct when *w)
{
	const char *p = *pp;
	int sign, h, m = 0, s = 0;

	while (p < e && *p == ' ')
		p++;
	if (p >= e)
		return 0;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (e - p >= 3 && (!strncmp(p, "UTC", 3) || !strncmp(p, "GMT", 3))) {
		p += 3;
	} else if (*p == '+' || *p == '-') {
		sign = *p++ == '-' ? -1 : 1;
		if (digits(&p, e, 2, &h) < 0)
			return -1;
		if (p < e && *p == ':')
			p++;
		if (p < e && is_digit(*p)) {
			if (digits(&p, e, 2, &m) < 0)
				return -1;
			if (p < e && *p == ':')
				p++;
			if (p < e && is_digit(*p) && digits(&p, e, 2, &s) < 0)
				return -1;
		}
		w->off = sign * (h * 3600L + m * 60L + s);
	} else {
		return -1;
	}
	w->has_off = 1;
	*pp = p;
	return 0;
}

/* Two digits; printf would be a third of the cost of a timestamp. */
static void put2(struct buf *out, int v, char sep)
{
	char b[3] = { (char)('0' + v / 10 % 10), (char)('0' + v % 10), sep };

	buf_add(out, b, sep ? 3 : 2);
}

static void put_date(const struct when *w, struct buf *out)
{
	if (w->year >= 0 && w->year <= 9999) {
		char b[5] = { (char)('0' + w->year / 1000), (char)('0' + w->year / 100 % 10),
			      (char)('0' + w->year / 10 % 10), (char)('0' + w->year % 10), '-' };

		buf_add(out, b, 5);
	} else {
		buf_addf(out, "%04lld-", w->year);
	}
	put2(out, w->mon, '-');
	put2(out, w->day, 0);
}

static void put_time(const struct when *w, struct buf *out)
{
	put2(out, w->hour, ':');
	put2(out, w->min, ':');
	put2(out, w->sec, 0);
	if (w->fraclen) {
		buf_addc(out, '.');
		buf_add(out, w->frac, w->fraclen);
	}
}

static int canon_when(enum mig_type t, const char *v, size_t n, struct buf *out)
{
	struct when w;
	const char *p, *e;

	memset(&w, 0, sizeof(w));
	trim(&v, &n);
	p = v;
	e = v + n;
	if (t == MIG_T_TIME) {
		if (parse_time(&p, e, &w) < 0 || p != e)
			return -1;
		put_time(&w, out);
		return 0;
	}
	if (parse_date(&p, e, &w) < 0)
		return -1;
	if (p < e && (*p == ' ' || *p == 'T' || *p == 't')) {
		p++;
		if (parse_time(&p, e, &w) < 0)
			return -1;
	}
	if (parse_offset(&p, e, &w) < 0 || p != e)
		return -1;
	if (t == MIG_T_DATE) {
		if ((w.has_time && (w.hour || w.min || w.sec || w.fraclen)) || w.has_off)
			return -1;
		put_date(&w, out);
		return 0;
	}
	if (t == MIG_T_TIMESTAMP) {
		if (w.has_off)
			return -1;
		put_date(&w, out);
		buf_addc(out, ' ');
		put_time(&w, out);
		return 0;
	}
	if (w.has_off && w.off) {
		long long s = days_from_civil(w.year, w.mon, w.day) * 86400LL + w.hour * 3600LL +
			      w.min * 60LL + w.sec - w.off;
		long long days = s >= 0 ? s / 86400 : -((-s + 86399) / 86400);
		long long rem = s - days * 86400;

		civil_from_days(days, &w.year, &w.mon, &w.day);
		w.hour = (int)(rem / 3600);
		w.min = (int)(rem / 60 % 60);
		w.sec = (int)(rem % 60);
	}
	if (w.year < 0)
		return -1;
	put_date(&w, out);
	buf_addc(out, ' ');
	put_time(&w, out);
	buf_add(out, "+00", 3);
	return 0;
}

/* JSON: one canonical text per JSON value. */
struct jmember {
	char *key;
	size_t klen, idx;
	char *val;
	size_t vlen;
};

static int jmember_cmp(const void *a, const void *b)
{
	const struct jmember *x = a, *y = b;
	size_t n = x->klen < y->klen ? x->klen : y->klen;
	int c = memcmp(x->key, y->key, n);

	if (c)
		return c;
	if (x->klen != y->klen)
		return x->klen < y->klen ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int canon_json_at(const char **pp, const char *end, struct buf *out)
{
	struct json_val v;
	const char *why, *p = json_ws(*pp, end);
	struct buf tmp = BUF_INIT;
	int ret = 0;

	if (json_scan(&p, end, &v, &why) < 0)
		return -1;
	*pp = p;
	switch (v.kind) {
	case JV_STRING:
		if (v.escaped) {
			if (json_unescape(v.start, v.end, &tmp) < 0) {
				buf_release(&tmp);
				return -1;
			}
			json_quote(out, tmp.buf, tmp.len);
		} else {
			json_quote(out, v.start, (size_t)(v.end - v.start));
		}
		break;
	case JV_NUMBER:
		ret = canon_decimal(v.start, (size_t)(v.end - v.start), out);
		break;
	case JV_TRUE:
		buf_adds(out, "true");
		break;
	case JV_FALSE:
		buf_adds(out, "false");
		break;
	case JV_NULL:
		buf_adds(out, "null");
		break;
	case JV_ARRAY: {
		const char *q = v.start + 1;
		int first = 1;

		buf_addc(out, '[');
		for (;;) {
			q = json_ws(q, v.end);
			if (*q == ']')
				break;
			if (!first)
				buf_addc(out, ',');
			first = 0;
			if (canon_json_at(&q, v.end, out) < 0) {
				ret = -1;
				break;
			}
			q = json_ws(q, v.end);
			if (*q == ',')
				q++;
		}
		buf_addc(out, ']');
		break;
	}
	case JV_OBJECT: {
		const char *q = v.start + 1;
		struct jmember *m = NULL;
		size_t nm = 0, i;

		for (;;) {
			struct json_val k;
			struct buf kb = BUF_INIT, vb = BUF_INIT;

			q = json_ws(q, v.end);
			if (*q == '}')
				break;
			json_scan(&q, v.end, &k, &why);
			if (json_unescape(k.start, k.end, &kb) < 0)
				ret = -1;
			q = json_ws(q, v.end) + 1;	/* ':' */
			if (canon_json_at(&q, v.end, &vb) < 0)
				ret = -1;
			m = ereallocarray(m, nm + 1, sizeof(*m));
			m[nm].idx = nm;
			m[nm].key = buf_detach(&kb, &m[nm].klen);
			m[nm].val = buf_detach(&vb, &m[nm].vlen);
			nm++;
			q = json_ws(q, v.end);
			if (*q == ',')
				q++;
			if (ret < 0)
				break;
		}
		qsort(m, nm, sizeof(*m), jmember_cmp);
		buf_addc(out, '{');
		for (i = 0; i < nm; i++) {
			/* of equal keys the last written wins, as in jsonb */
			if (i + 1 < nm && m[i].klen == m[i + 1].klen &&
			    !memcmp(m[i].key, m[i + 1].key, m[i].klen))
				continue;
			if (out->buf[out->len - 1] != '{')
				buf_addc(out, ',');
			json_quote(out, m[i].key, m[i].klen);
			buf_addc(out, ':');
			buf_add(out, m[i].val, m[i].vlen);
		}
		buf_addc(out, '}');
		for (i = 0; i < nm; i++) {
			free(m[i].key);
			free(m[i].val);
		}
		free(m);
		break;
	}
	}
	buf_release(&tmp);
	return ret;
}

static int canon_json(const char *v, size_t n, struct buf *out)
{
	const char *p = v, *e = v + n;

	if (canon_json_at(&p, e, out) < 0)
		return -1;
	return json_ws(p, e) == e ? 0 : -1;
}

int canon_value(enum mig_type t, const char *v, size_t n, unsigned flags, struct buf *out)
{
	size_t start = out->len;
	int r;

	switch (t) {
	case MIG_T_INT:
	case MIG_T_NUMERIC:
		r = canon_decimal(v, n, out);
		break;
	case MIG_T_FLOAT:
		r = canon_float(v, n, out);
		break;
	case MIG_T_BOOL:
		r = canon_bool(v, n, flags, out);
		break;
	case MIG_T_BYTES:
		r = canon_bytes(v, n, flags, out);
		break;
	case MIG_T_DATE:
	case MIG_T_TIME:
	case MIG_T_TIMESTAMP:
	case MIG_T_TIMESTAMPTZ:
		r = canon_when(t, v, n, out);
		break;
	case MIG_T_UUID:
		r = canon_uuid(v, n, flags, out);
		break;
	case MIG_T_JSON:
		r = canon_json(v, n, out);
		break;
	case MIG_T_ARRAY:
		r = arr_canon(v, n, out);
		break;
	default:
		buf_add(out, v, n);
		return 0;
	}
	if (r < 0) {
		out->len = start;
		out->buf[start] = '\0';
		buf_add(out, v, n);
	}
	return r;
}

void canon_row_add(struct buf *row, struct buf *scratch, enum mig_type t, const char *v, size_t n,
		   int null, unsigned flags)
{
	unsigned char len[5];
	size_t k = 0, l, l0;

	buf_reset(scratch);
	if (null) {
		buf_addc(row, '\0');
		return;
	}
	/* text is its own canonical form: no copy through scratch */
	if (t != MIG_T_TEXT && t != MIG_T_ANY)
		canon_value(t, v, n, flags, scratch);
	else
		scratch = NULL;
	/* a marker byte, then a varint length: NULL and "" differ, and no
	   value can run into the next */
	l = l0 = scratch ? scratch->len : n;
	buf_grow(row, l + 6);
	row->buf[row->len++] = '\1';
	do {
		len[k++] = (unsigned char)((l & 0x7f) | (l > 0x7f ? 0x80 : 0));
		l >>= 7;
	} while (l && k < 5);
	memcpy(row->buf + row->len, len, k);
	row->len += k;
	if (l0)
		memcpy(row->buf + row->len, scratch ? scratch->buf : v, l0);
	row->len += l0;
	row->buf[row->len] = '\0';
}

struct canon_hash canon_row_hash(const struct buf *row)
{
	XXH128_hash_t h = XXH3_128bits(row->buf, row->len);
	struct canon_hash r = { h.low64, h.high64 };

	return r;
}

uint64_t canon_hash64(const void *p, size_t n)
{
	return XXH3_64bits(p, n);
}

void canon_sum_hex(const struct canon_sum *s, char out[33])
{
	snprintf(out, 33, "%016llx%016llx", (unsigned long long)s->hi, (unsigned long long)s->lo);
}
