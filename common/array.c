/*
 * array.c - PostgreSQL array literals and JSON arrays, one dimension of
 * text; see array.h.  The quoting rules are PostgreSQL's array_out: an
 * element is quoted when empty, when it spells NULL in any case, or when it
 * holds white space, a quote, a backslash, a comma or a brace; inside
 * quotes a quote and a backslash are escaped with a backslash.
 */
#include <string.h>
#include <strings.h>

#include "array.h"
#include "json.h"
#include "banned.h"

static const char *skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\v' || *p == '\f'))
		p++;
	return p;
}

int arr_open(struct arr_it *it, const char *s, size_t n)
{
	const char *end = s + n, *p = skip_ws(s, end);

	while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' || end[-1] == '\r'))
		end--;
	if (p >= end || !((*p == '{' && end[-1] == '}') || (*p == '[' && end[-1] == ']')) || end - p < 2)
		return -1;
	it->json = *p == '[';
	it->p = p + 1;
	it->end = end - 1;
	it->first = 1;
	buf_init(&it->el);
	return 0;
}

void arr_close(struct arr_it *it)
{
	buf_release(&it->el);
}

static int next_json(struct arr_it *it, const char **e, size_t *len, int *null)
{
	struct json_val v;
	const char *why;

	it->p = json_ws(it->p, it->end);
	if (it->first) {
		it->first = 0;
		if (it->p == it->end)
			return 0;
	} else {
		if (it->p == it->end)
			return 0;
		if (*it->p != ',')
			return -1;
		it->p = json_ws(it->p + 1, it->end);
	}
	if (json_scan(&it->p, it->end, &v, &why) < 0 || v.kind == JV_OBJECT || v.kind == JV_ARRAY)
		return -1;
	buf_reset(&it->el);
	*null = v.kind == JV_NULL;
	if (v.kind == JV_STRING && v.escaped) {
		if (json_unescape(v.start, v.end, &it->el) < 0)
			return -1;
	} else if (!*null) {
		buf_add(&it->el, v.start, (size_t)(v.end - v.start));
	}
	*e = it->el.buf;
	*len = it->el.len;
	return 1;
}

static int next_pg(struct arr_it *it, const char **e, size_t *len, int *null)
{
	const char *p = skip_ws(it->p, it->end), *end = it->end;
	size_t lastnonws = 0;

	if (it->first) {
		it->first = 0;
		if (p == end)
			return 0;
	} else {
		if (p == end)
			return 0;
		if (*p != ',')
			return -1;
		p = skip_ws(p + 1, end);
	}
	buf_reset(&it->el);
	*null = 0;
	if (p < end && *p == '"') {
		for (p++; p < end && *p != '"'; p++) {
			if (*p == '\\' && ++p == end)
				return -1;
			buf_addc(&it->el, *p);
		}
		if (p == end)
			return -1;
		p = skip_ws(p + 1, end);
	} else {
		for (; p < end && *p != ','; p++) {
			if (*p == '{' || *p == '}' || *p == '"')
				return -1;
			if (*p == '\\') {
				if (++p == end)
					return -1;
				buf_addc(&it->el, *p);
				lastnonws = it->el.len;
				continue;
			}
			buf_addc(&it->el, *p);
			if (!(*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\v' || *p == '\f'))
				lastnonws = it->el.len;
		}
		it->el.len = lastnonws;
		it->el.buf[it->el.len] = '\0';
		if (!it->el.len)
			return -1;
		*null = it->el.len == 4 && !strncasecmp(it->el.buf, "null", 4) && !memchr(it->p, '\\', (size_t)(p - it->p));
	}
	if (p < end && *p != ',')
		return -1;
	it->p = p;
	*e = it->el.buf;
	*len = it->el.len;
	return 1;
}

int arr_next(struct arr_it *it, const char **e, size_t *len, int *null)
{
	return it->json ? next_json(it, e, len, null) : next_pg(it, e, len, null);
}

static int needs_quotes(const char *e, size_t n)
{
	size_t i;

	if (!n || (n == 4 && !strncasecmp(e, "null", 4)))
		return 1;
	for (i = 0; i < n; i++)
		if (strchr(" \t\n\r\v\f\"\\,{}", e[i]) && e[i])
			return 1;
	return 0;
}

void arr_add(struct buf *out, int first, const char *e, size_t n, int null)
{
	size_t i;

	if (first)
		buf_addc(out, '{');
	else
		buf_addc(out, ',');
	if (null) {
		buf_adds(out, "NULL");
		return;
	}
	if (!needs_quotes(e, n)) {
		buf_add(out, e, n);
		return;
	}
	buf_addc(out, '"');
	for (i = 0; i < n; i++) {
		if (e[i] == '"' || e[i] == '\\')
			buf_addc(out, '\\');
		buf_addc(out, e[i]);
	}
	buf_addc(out, '"');
}

void arr_end(struct buf *out, int empty)
{
	buf_adds(out, empty ? "{}" : "}");
}

/* Write s's elements through add(); 0 or -1 with out as it was. */
static int convert(const char *s, size_t n, struct buf *out, int json)
{
	struct arr_it it;
	const char *e;
	size_t len, start = out->len;
	int null, r, first = 1;

	if (arr_open(&it, s, n) < 0)
		return -1;
	if (json)
		buf_addc(out, '[');
	while ((r = arr_next(&it, &e, &len, &null)) > 0) {
		if (json) {
			if (!first)
				buf_addc(out, ',');
			if (null)
				buf_adds(out, "null");
			else
				json_quote(out, e, len);
		} else {
			arr_add(out, first, e, len, null);
		}
		first = 0;
	}
	arr_close(&it);
	if (r < 0) {
		out->len = start;
		out->buf[start] = '\0';
		return -1;
	}
	if (json)
		buf_addc(out, ']');
	else
		arr_end(out, first);
	return 0;
}

int arr_canon(const char *s, size_t n, struct buf *out)
{
	return convert(s, n, out, 0);
}

int arr_to_json(const char *s, size_t n, struct buf *out)
{
	return convert(s, n, out, 1);
}

long arr_count(const char *s, size_t n)
{
	struct arr_it it;
	const char *e;
	size_t len;
	long k = 0;
	int null, r;

	if (arr_open(&it, s, n) < 0)
		return -1;
	while ((r = arr_next(&it, &e, &len, &null)) > 0)
		k++;
	arr_close(&it);
	return r < 0 ? -1 : k;
}
