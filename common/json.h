/*
 * json.h - a small JSON scanner that keeps numbers as their text.
 *
 * Tree libraries (jansson, json-c) turn numbers into doubles or 64-bit
 * integers, which would alter a 20-digit id or a 40-digit numeric passing
 * through an NDJSON stream, and allocate a node per value.  The record path
 * therefore scans JSON itself: json_scan validates one value and reports
 * its kind and span without allocating; json_unescape decodes a string.
 * Documents that are not records (reports, schemas, state) use jansson;
 * the JV_ prefix keeps both headers usable in one file.
 */
#ifndef MIG_JSON_H
#define MIG_JSON_H

#include <stddef.h>

#include "buf.h"

enum json_kind { JV_STRING, JV_NUMBER, JV_TRUE, JV_FALSE, JV_NULL, JV_OBJECT, JV_ARRAY };

struct json_val {
	enum json_kind kind;
	const char *start, *end;	/* the value's text; strings without quotes */
	int escaped;			/* a string holding backslash escapes */
};

/* Skip white space. */
const char *json_ws(const char *p, const char *end);
/*
 * Scan one value at *pp (after white space); on success advance *pp past it
 * and return 0.  On failure return -1 with *pp at the offending byte and
 * *why set to a static message.
 */
int json_scan(const char **pp, const char *end, struct json_val *v, const char **why);
/*
 * An object's members one at a time, each validated as it comes, so that
 * a caller reading the members checks the object in the same pass:
 * json_object_begin with p at the '{' (depth: the object's nesting, 0 at
 * the top); json_object_next returns 1 with the next key and value, 0
 * once past the closing '}' (it->p after it), or -1 with it->p at the
 * offending byte and *why set.
 */
struct json_iter {
	const char *p, *end;
	int depth, first;
};
void json_object_begin(struct json_iter *it, const char *p, const char *end, int depth);
int json_object_next(struct json_iter *it, struct json_val *k, struct json_val *v, const char **why);
/* Append the decoded bytes of a string's span to out; -1 on a bad escape. */
int json_unescape(const char *s, const char *end, struct buf *out);
/* Append s as a quoted JSON string. */
void json_quote(struct buf *out, const char *s, size_t n);

#endif
