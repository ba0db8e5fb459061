/*
 * load-pgbin.c - rows in PostgreSQL's binary COPY format.
 *
 * The server parses text COPY per value with the type's input function;
 * for timestamps that is a general date parser (styles, zone names,
 * abbreviations), a fifth of an appointments load's COPY.  A stream
 * column typed as its target column already holds one canonical text
 * (mig-stream(5)), which a few lines here turn into the type's binary
 * form: integers, booleans, doubles, UUIDs, dates and timestamps are sent
 * as their network-order values, text as its bytes.  A table goes binary
 * only when every column has such a form (see pgbin_plan); anything else
 * (numeric, bytea, arrays, domains, a typmod on a timestamp, an untyped
 * stream column into a typed one) keeps the whole table on CSV, whose
 * parsing is the server's.
 *
 * A value that is not its type's canonical text is refused here, in the
 * server's words (never the value): with --reject it goes to the rejects
 * file like any refused row.  --copy-format=csv sends every table as CSV,
 * for streams whose typed values are spelled otherwise.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "civil.h"
#include "load.h"
#include "util.h"
#include "uuid5.h"
#include "banned.h"

/* Days from 1970-01-01 to PostgreSQL's epoch, 2000-01-01. */
#define PG_EPOCH_DAYS 10957

/* The file header: signature, flags, no extension area. */
const char pgbin_head[PGBIN_HEAD_LEN] = "PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0";

static const struct {
	const char *dbtype;
	enum mig_type stream;	/* MIG_T_ANY: any stream type */
	enum pgbin kind;
} forms[] = {
	{ "smallint", MIG_T_INT, PB_INT2 },
	{ "integer", MIG_T_INT, PB_INT4 },
	{ "bigint", MIG_T_INT, PB_INT8 },
	{ "boolean", MIG_T_BOOL, PB_BOOL },
	{ "double precision", MIG_T_FLOAT, PB_FLOAT8 },
	{ "uuid", MIG_T_UUID, PB_UUID },
	{ "date", MIG_T_DATE, PB_DATE },
	{ "timestamp without time zone", MIG_T_TIMESTAMP, PB_TS },
	{ "timestamp with time zone", MIG_T_TIMESTAMPTZ, PB_TSTZ },
	{ "text", MIG_T_ANY, PB_RAW },
	{ "json", MIG_T_ANY, PB_RAW },
	{ "jsonb", MIG_T_ANY, PB_JSONB },
};

/* "character varying(20)" and "character(36)" take their bytes as text
 * does; the server applies the length as it does to text. */
static int is_char_type(const char *t)
{
	static const char *const pre[] = { "character varying", "character" };
	size_t i, n;

	for (i = 0; i < 2; i++) {
		n = strlen(pre[i]);
		if (!strncmp(t, pre[i], n) && (!t[n] || t[n] == '('))
			return 1;
	}
	return 0;
}

enum pgbin *pgbin_plan(const struct mig_header *h, const struct cat_table *ct)
{
	enum pgbin *k = ecalloc(h->ncols ? h->ncols : 1, sizeof(*k));
	size_t i, j;

	for (i = 0; i < h->ncols; i++) {
		const struct cat_column *c = find_col(ct, h->names[i]);

		if (!c || !c->dbtype)
			goto csv;
		if (is_char_type(c->dbtype)) {
			k[i] = PB_RAW;
			continue;
		}
		for (j = 0; j < sizeof(forms) / sizeof(forms[0]); j++)
			if (!strcmp(c->dbtype, forms[j].dbtype) &&
			    (forms[j].stream == MIG_T_ANY || forms[j].stream == h->types[i]))
				break;
		if (j == sizeof(forms) / sizeof(forms[0]))
			goto csv;
		k[i] = forms[j].kind;
	}
	return k;
csv:
	free(k);
	return NULL;
}

/* Writers at a cursor into room pgbin_row made beforehand. */
static unsigned char *put16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)(v >> 8), p[1] = (unsigned char)v;
	return p + 2;
}

static unsigned char *put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8), p[3] = (unsigned char)v;
	return p + 4;
}

static unsigned char *put64(unsigned char *p, uint64_t v)
{
	return put32(put32(p, (uint32_t)(v >> 32)), (uint32_t)v);
}

static unsigned char *put_bytes(unsigned char *p, const void *v, size_t n)
{
	memcpy(p, v, n);
	return p + n;
}

/* Two digits as a number, -1 if either is not one: one compare each,
 * the byte less '0' taken unsigned. */
static inline int d2(const char *s)
{
	unsigned a = (unsigned char)s[0] - '0', b = (unsigned char)s[1] - '0';

	return a > 9 || b > 9 ? -1 : (int)(a * 10 + b);
}

/* A whole number within [lo, hi], as int64in and int4in read one. */
static int parse_int(const char *s, size_t n, int64_t lo, int64_t hi, int64_t *out)
{
	uint64_t v = 0, lim;
	int neg = 0;
	size_t i = 0;

	if (n && (s[0] == '-' || s[0] == '+'))
		neg = s[i++] == '-';
	if (i == n)
		return -1;
	lim = neg ? (uint64_t)(-(lo + 1)) + 1 : (uint64_t)hi;
	if (n - i <= 18) {
		/* Eighteen digits cannot overflow: the range is checked once. */
		for (; i < n; i++) {
			unsigned d = (unsigned char)s[i] - '0';

			if (d > 9)
				return -1;
			v = v * 10 + d;
		}
		if (v > lim)
			return -2;
	}
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (v > (lim - (uint64_t)(s[i] - '0')) / 10)
			return -2;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

/* YYYY-MM-DD: days since 2000-01-01; -1 if not that form, -2 if no such day. */
static int parse_date(const char *s, size_t n, int32_t *days)
{
	long long y, m, d;

	if (n != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	y = d2(s), m = d2(s + 2);
	y = y < 0 || m < 0 ? -1 : y * 100 + m;
	m = d2(s + 5);
	d = d2(s + 8);
	if (y < 0 || m < 0 || d < 0)
		return -1;
	if (y < 1 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, (int)m))
		return -2;
	*days = (int32_t)(days_from_civil(y, (int)m, (int)d) - PG_EPOCH_DAYS);
	return 0;
}

/*
 * YYYY-MM-DD HH:MM:SS[.ffffff], 'T' accepted for the space; with zone,
 * then Z or +HH[:MM[:SS]] (none: UTC, the session's zone).  Microseconds
 * since 2000-01-01 00:00 (UTC when zoned).
 */
static int parse_ts(const char *s, size_t n, int zoned, int64_t *us)
{
	int32_t days;
	long long h, mi, sec, frac = 0, off = 0;
	size_t i = 19, k;
	int r;

	if (n < 19 || (s[10] != ' ' && s[10] != 'T') || s[13] != ':' || s[16] != ':')
		return -1;
	h = d2(s + 11);
	mi = d2(s + 14);
	sec = d2(s + 17);
	if (h < 0 || mi < 0 || sec < 0)
		return -1;
	if ((r = parse_date(s, 10, &days)) < 0)
		return r;
	if (h > 24 || mi > 59 || sec > 59 || (h == 24 && (mi || sec)))
		return -2;
	if (i < n && s[i] == '.') {
		for (k = ++i; i < n && i - k < 6 && s[i] >= '0' && s[i] <= '9'; i++)
			frac = frac * 10 + (s[i] - '0');
		if (i == k || (i < n && s[i] >= '0' && s[i] <= '9'))
			return -1;
		for (k = i - k; k < 6; k++)
			frac *= 10;
	}
	if (i < n) {
		int sign;
		long long oh, om = 0, os = 0;

		if (!zoned)
			return -1;
		if (s[i] == 'Z' && i + 1 == n) {
			i = n;
		} else {
			if (s[i] != '+' && s[i] != '-')
				return -1;
			sign = s[i] == '-' ? -1 : 1;
			if (n - i != 3 && n - i != 6 && n - i != 9)
				return -1;
			oh = d2(s + i + 1);
			if (n - i >= 6)
				om = s[i + 3] == ':' ? d2(s + i + 4) : -1;
			if (n - i == 9)
				os = s[i + 6] == ':' ? d2(s + i + 7) : -1;
			if (oh < 0 || oh > 15 || om < 0 || om > 59 || os < 0 || os > 59)
				return -1;
			off = sign * (oh * 3600 + om * 60 + os);
		}
	}
	*us = (((long long)days * 86400 + h * 3600 + mi * 60 + sec - off) * 1000000) + frac;
	return 0;
}

static const char *kind_name(enum pgbin k)
{
	switch (k) {
	case PB_INT2: return "smallint";
	case PB_INT4: return "integer";
	case PB_INT8: return "bigint";
	case PB_BOOL: return "boolean";
	case PB_FLOAT8: return "double precision";
	case PB_UUID: return "uuid";
	case PB_DATE: return "date";
	case PB_TS: return "timestamp";
	case PB_TSTZ: return "timestamp with time zone";
	default: return "text";
	}
}

/*
 * One value at *pp, which moves past it; 0, or what is wrong, in the
 * server's words (less the value): -1 invalid input syntax, -2 out of
 * range for the type, -3 a date or time field out of range.  The room
 * needed is at most 4 + 16 bytes, or 4 + n + 1 for text.
 */
static int put_value(enum pgbin k, const char *v, size_t n, unsigned char **pp)
{
	unsigned char *p = *pp;
	int64_t i;
	int r;

	switch (k) {
	case PB_RAW:
		p = put_bytes(put32(p, (uint32_t)n), v, n);
		break;
	case PB_JSONB:
		p = put32(p, (uint32_t)n + 1);
		*p++ = 1;	/* jsonb's binary format version */
		p = put_bytes(p, v, n);
		break;
	case PB_INT2:
	case PB_INT4:
	case PB_INT8:
		r = parse_int(v, n, k == PB_INT2 ? INT16_MIN : k == PB_INT4 ? INT32_MIN : INT64_MIN,
			      k == PB_INT2 ? INT16_MAX : k == PB_INT4 ? INT32_MAX : INT64_MAX, &i);
		if (r < 0)
			return r;
		if (k == PB_INT2)
			p = put16(put32(p, 2), (uint16_t)i);
		else if (k == PB_INT4)
			p = put32(put32(p, 4), (uint32_t)i);
		else
			p = put64(put32(p, 8), (uint64_t)i);
		break;
	case PB_BOOL:
		if (n != 1 || (v[0] != 't' && v[0] != 'f'))
			return -1;
		p = put32(p, 1);
		*p++ = v[0] == 't';
		break;
	case PB_FLOAT8: {
		char tmp[64], *end;
		double d;
		uint64_t bits;

		if (n == 0 || n >= sizeof(tmp))
			return -1;
		memcpy(tmp, v, n);
		tmp[n] = '\0';
		errno = 0;
		d = strtod(tmp, &end);
		if (end != tmp + n)
			return -1;
		/* float8in: an overflow or a non-zero value read as 0 is an error */
		if (errno == ERANGE && (d == 0.0 || isinf(d)))
			return -2;
		memcpy(&bits, &d, 8);
		p = put64(put32(p, 8), bits);
		break;
	}
	case PB_UUID: {
		unsigned char u[16];

		if (uuid_parse36(v, n, u) < 0)
			return -1;
		p = put_bytes(put32(p, 16), u, 16);
		break;
	}
	case PB_DATE: {
		int32_t d;

		if ((r = parse_date(v, n, &d)) < 0)
			return r == -2 ? -3 : -1;
		p = put32(put32(p, 4), (uint32_t)d);
		break;
	}
	case PB_TS:
	case PB_TSTZ: {
		int64_t us;

		if ((r = parse_ts(v, n, k == PB_TSTZ, &us)) < 0)
			return r == -2 ? -3 : -1;
		p = put64(put32(p, 8), (uint64_t)us);
		break;
	}
	default:
		return -1;
	}
	*pp = p;
	return 0;
}

int pgbin_row(const enum pgbin *k, const struct mig_header *h, const struct mig_field *f, int show,
	      struct buf *out, struct buf *err)
{
	size_t need = 2, i;
	unsigned char *p;
	int r;

	/* room for the row once, so that each value is written without a check */
	for (i = 0; i < h->ncols; i++)
		need += 4 + (k[i] == PB_RAW || k[i] == PB_JSONB ? f[i].len + 1 : 16);
	buf_grow(out, need);
	p = put16((unsigned char *)out->buf + out->len, (uint16_t)h->ncols);
	for (i = 0; i < h->ncols; i++) {
		if (f[i].null) {
			p = put32(p, UINT32_MAX);
			continue;
		}
		if ((r = put_value(k[i], f[i].val, f[i].len, &p)) < 0) {
			if (r == -1)
				buf_addf(err, "invalid input syntax for type %s", kind_name(k[i]));
			else if (r == -2)
				buf_addf(err, "value is out of range for type %s", kind_name(k[i]));
			else
				buf_adds(err, "date/time field value out of range");
			if (show) {
				buf_adds(err, ": \"");
				buf_add(err, f[i].val, f[i].len);
				buf_addc(err, '"');
			}
			return -1;
		}
	}
	out->len = (size_t)(p - (unsigned char *)out->buf);
	out->buf[out->len] = '\0';
	return 0;
}
