/*
 * array.h - the stream's array type: a one-dimensional array of text
 * elements whose canonical spelling is PostgreSQL's array literal, as
 * PostgreSQL itself prints a text[] ({a,"b c",NULL,""}).  Readers also take
 * a JSON array (["a","b c",null,""]), the form MariaDB and SQLite hold, so
 * that a value read back from either compares equal to the stream's.
 *
 * An element is text or NULL; numbers and booleans of a JSON array become
 * their text.  Nested arrays and objects are refused (one dimension only).
 * The iterator borrows the input and hands out elements that are valid
 * until the next arr_next() call.  Nothing here prints or exits.
 */
#ifndef MIG_ARRAY_H
#define MIG_ARRAY_H

#include <stddef.h>

#include "buf.h"

struct arr_it {
	const char *p, *end;
	int json, first;
	struct buf el;
};

/* Start reading s: 0, or -1 if it is neither '{...}' nor '[...]'. */
int arr_open(struct arr_it *it, const char *s, size_t n);
/* The next element: 1 with *e, *len, *null set; 0 at a well-formed end;
 * -1 on malformed input. */
int arr_next(struct arr_it *it, const char **e, size_t *len, int *null);
void arr_close(struct arr_it *it);
/* Build a literal in out: arr_add for each element (first: the first
 * one, which opens the brace), then arr_end (empty: no element added). */
void arr_add(struct buf *out, int first, const char *e, size_t n, int null);
void arr_end(struct buf *out, int empty);
/* s in canonical form / as a JSON array: 0, or -1 (out unchanged) if
 * malformed. */
int arr_canon(const char *s, size_t n, struct buf *out);
int arr_to_json(const char *s, size_t n, struct buf *out);
/* Number of elements, or -1 if malformed. */
long arr_count(const char *s, size_t n);

#endif
