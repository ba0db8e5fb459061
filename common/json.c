#include <emmintrin.h>
#include <string.h>

#include "json.h"
#include "rec.h"
#include "banned.h"

/* Nesting limit: a record's JSON value deeper than this is refused. */
#define JSON_MAX_DEPTH 512

const char *json_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/*
 * The end of a run of string text that JSON takes as it is: the first
 * '"', '\\' or control character at or after p, or e.  Sixteen bytes at a
 * time (unsigned v <= 0x1f is max(v, 0x1f) == 0x1f); *high is set when the
 * run holds a byte above 0x7f, which only then needs a UTF-8 check.
 */
static const unsigned char *plain_run(const unsigned char *p, const unsigned char *e, int *high)
{
	const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\'), ctl = _mm_set1_epi8(0x1f);
	unsigned hi = 0;

	while (e - p >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		__m128i stop = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)),
					    _mm_cmpeq_epi8(_mm_max_epu8(v, ctl), ctl));
		unsigned m = (unsigned)_mm_movemask_epi8(stop);

		if (m) {
			/* high bits before the stop only */
			hi |= (unsigned)_mm_movemask_epi8(v) & ((1u << __builtin_ctz(m)) - 1);
			*high = hi != 0;
			return p + __builtin_ctz(m);
		}
		hi |= (unsigned)_mm_movemask_epi8(v);
		p += 16;
	}
	while (p < e && *p != '"' && *p != '\\' && *p >= 0x20)
		hi |= *p++ & 0x80;
	*high = hi != 0;
	return p;
}

static int scan_string(const char **pp, const char *end, struct json_val *v, const char **why)
{
	const unsigned char *p = (const unsigned char *)*pp + 1;
	const unsigned char *e = (const unsigned char *)end;
	int esc = 0;

	v->start = (const char *)p;
	for (;;) {
		int high;
		const unsigned char *q = plain_run(p, e, &high);
		/* where the first bad byte is, for the error's column */
		size_t ok = high ? utf8_prefix((const char *)p, (size_t)(q - p)) : (size_t)(q - p);

		if (ok < (size_t)(q - p)) {
			*pp = (const char *)p + ok;
			*why = "invalid UTF-8 in a string";
			return -1;
		}
		p = q;
		if (p >= e) {
			*pp = (const char *)p;
			*why = "unterminated string";
			return -1;
		}
		if (*p == '"')
			break;
		if (*p < 0x20) {
			*pp = (const char *)p;
			*why = "control character in a string";
			return -1;
		}
		esc = 1;
		p++;
		if (p >= e) {
			*pp = (const char *)p;
			*why = "unterminated string";
			return -1;
		}
		if (*p == 'u') {
			int i;

			for (i = 1; i <= 4; i++)
				if (p + i >= e || !strchr("0123456789abcdefABCDEF", p[i]) || !p[i]) {
					*pp = (const char *)p;
					*why = "bad \\u escape";
					return -1;
				}
			p += 5;
		} else if (*p == '"' || *p == '\\' || *p == '/' || *p == 'b' || *p == 'f' || *p == 'n' || *p == 'r' ||
			   *p == 't') {
			p++;
		} else {
			*pp = (const char *)p;
			*why = "bad escape in a string";
			return -1;
		}
	}
	v->kind = JV_STRING;
	v->end = (const char *)p;
	v->escaped = esc;
	*pp = (const char *)p + 1;
	return 0;
}

static int scan(const char **pp, const char *end, struct json_val *v, const char **why, int depth)
{
	const char *p = *pp;

	if (p >= end) {
		*why = "unexpected end of input";
		return -1;
	}
	v->escaped = 0;
	v->start = p;
	if ((*p == '{' || *p == '[') && depth >= JSON_MAX_DEPTH) {
		*why = "nesting too deep";
		return -1;
	}
	switch (*p) {
	case '"':
		return scan_string(pp, end, v, why);
	case '{': {
		struct json_iter it;
		struct json_val k, sub;
		int r;

		json_object_begin(&it, p, end, depth);
		while ((r = json_object_next(&it, &k, &sub, why)) > 0)
			;
		if (r < 0) {
			*pp = it.p;
			return -1;
		}
		v->kind = JV_OBJECT;
		v->end = it.p;
		*pp = it.p;
		return 0;
	}
	case '[': {
		int first = 1;

		p++;
		for (;;) {
			struct json_val sub;

			p = json_ws(p, end);
			if (p < end && *p == ']' && first) {
				p++;
				break;
			}
			if (scan(&p, end, &sub, why, depth + 1) < 0) {
				*pp = p;
				return -1;
			}
			first = 0;
			p = json_ws(p, end);
			if (p < end && *p == ',') {
				p++;
				continue;
			}
			if (p < end && *p == ']') {
				p++;
				break;
			}
			*pp = p;
			*why = "expected ',' or ']'";
			return -1;
		}
		v->kind = JV_ARRAY;
		v->end = p;
		*pp = p;
		return 0;
	}
	case 't':
		if (end - p >= 4 && !memcmp(p, "true", 4)) {
			v->kind = JV_TRUE;
			v->end = p + 4;
			*pp = p + 4;
			return 0;
		}
		break;
	case 'f':
		if (end - p >= 5 && !memcmp(p, "false", 5)) {
			v->kind = JV_FALSE;
			v->end = p + 5;
			*pp = p + 5;
			return 0;
		}
		break;
	case 'n':
		if (end - p >= 4 && !memcmp(p, "null", 4)) {
			v->kind = JV_NULL;
			v->end = p + 4;
			*pp = p + 4;
			return 0;
		}
		break;
	default: {
		const char *q = p;

		while (q < end && ((*q >= '0' && *q <= '9') || *q == '-' || *q == '+' || *q == '.' || *q == 'e' ||
				   *q == 'E'))
			q++;
		if (q > p && json_number_valid(p, (size_t)(q - p))) {
			v->kind = JV_NUMBER;
			v->end = q;
			*pp = q;
			return 0;
		}
		break;
	}
	}
	*why = "invalid value";
	return -1;
}

void json_object_begin(struct json_iter *it, const char *p, const char *end, int depth)
{
	it->p = p + 1;
	it->end = end;
	it->depth = depth;
	it->first = 1;
}

int json_object_next(struct json_iter *it, struct json_val *k, struct json_val *v, const char **why)
{
	const char *p = json_ws(it->p, it->end), *end = it->end;

	if (!it->first) {
		if (p < end && *p == '}') {
			it->p = p + 1;
			return 0;
		}
		if (p >= end || *p != ',') {
			it->p = p;
			*why = "expected ',' or '}'";
			return -1;
		}
		p = json_ws(p + 1, end);
	} else if (p < end && *p == '}') {
		it->p = p + 1;
		return 0;
	}
	if (p >= end || *p != '"') {
		it->p = p;
		*why = "expected a string key";
		return -1;
	}
	if (scan_string(&p, end, k, why) < 0) {
		it->p = p;
		return -1;
	}
	p = json_ws(p, end);
	if (p >= end || *p != ':') {
		it->p = p;
		*why = "expected ':'";
		return -1;
	}
	p = json_ws(p + 1, end);
	if (scan(&p, end, v, why, it->depth + 1) < 0) {
		it->p = p;
		return -1;
	}
	it->first = 0;
	it->p = p;
	return 1;
}

int json_scan(const char **pp, const char *end, struct json_val *v, const char **why)
{
	return scan(pp, end, v, why, 0);
}

static int hex4(const char *p)
{
	int v = 0, i;

	for (i = 0; i < 4; i++) {
		char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else
			v |= c - 'A' + 10;
	}
	return v;
}

static void put_utf8(struct buf *out, unsigned long cp)
{
	char b[4];
	size_t n;

	if (cp < 0x80) {
		b[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xc0 | (cp >> 6));
		b[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xe0 | (cp >> 12));
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		b[0] = (char)(0xf0 | (cp >> 18));
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	buf_add(out, b, n);
}

int json_unescape(const char *s, const char *end, struct buf *out)
{
	while (s < end) {
		const char *q = memchr(s, '\\', (size_t)(end - s));
		unsigned long cp;

		if (!q) {
			buf_add(out, s, (size_t)(end - s));
			break;
		}
		buf_add(out, s, (size_t)(q - s));
		s = q + 1;
		switch (*s++) {
		case '"': buf_addc(out, '"'); break;
		case '\\': buf_addc(out, '\\'); break;
		case '/': buf_addc(out, '/'); break;
		case 'b': buf_addc(out, '\b'); break;
		case 'f': buf_addc(out, '\f'); break;
		case 'n': buf_addc(out, '\n'); break;
		case 'r': buf_addc(out, '\r'); break;
		case 't': buf_addc(out, '\t'); break;
		case 'u':
			cp = (unsigned long)hex4(s);
			s += 4;
			if (cp >= 0xd800 && cp < 0xdc00) {
				unsigned long lo;

				if (end - s < 6 || s[0] != '\\' || s[1] != 'u')
					return -1;
				lo = (unsigned long)hex4(s + 2);
				if (lo < 0xdc00 || lo > 0xdfff)
					return -1;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				s += 6;
			} else if (cp >= 0xdc00 && cp < 0xe000) {
				return -1;
			}
			put_utf8(out, cp);
			break;
		default:
			return -1;
		}
	}
	return 0;
}

void json_quote(struct buf *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const char *e = s + n;

	buf_grow(out, n + 2);
	buf_addc(out, '"');
	while (s < e) {
		int high;
		const char *q = (const char *)plain_run((const unsigned char *)s, (const unsigned char *)e, &high);
		unsigned char c;

		buf_add(out, s, (size_t)(q - s));
		if (q >= e)
			break;
		c = (unsigned char)*q;
		switch (c) {
		case '"': buf_add(out, "\\\"", 2); break;
		case '\\': buf_add(out, "\\\\", 2); break;
		case '\n': buf_add(out, "\\n", 2); break;
		case '\r': buf_add(out, "\\r", 2); break;
		case '\t': buf_add(out, "\\t", 2); break;
		case '\b': buf_add(out, "\\b", 2); break;
		case '\f': buf_add(out, "\\f", 2); break;
		default: {
			char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

			buf_add(out, u, 6);
		}
		}
		s = q + 1;
	}
	buf_addc(out, '"');
}
