/*
 * expr.h - the rule lexer and the record predicate language.
 *
 * Rules are short texts given as arguments or lines of a rules file.  The
 * lexer turns one into tokens; the predicate parser builds a tree from
 * tokens; expr_bind resolves the tree's column names against a header
 * once, so that evaluating a record is index lookups and comparisons, with
 * no allocation.
 *
 * Predicates:
 *   pred := term { "or" term }      term := factor { "and" factor }
 *   factor := "not" factor | "(" pred ")" | test
 *   test := COL OP VALUE | COL ["not"] "in" "(" VALUE {"," VALUE} ")"
 *         | COL "is" ["not"] "null" | "true" | "false"
 *   OP := = != <> < > <= >= ~ !~ ~* !~*
 * COL is a bare word or a "double-quoted" name; VALUE a bare word or a
 * 'single-' or "double-quoted" string ('' and "" inside stand for one
 * quote).  Comparisons are numeric when the column's type is int, float
 * or numeric, byte-wise otherwise; logic is SQL's three-valued one: a
 * comparison with NULL is unknown, and only true selects.
 *
 * Parsers never print or exit: they return -1 with the message and its
 * 1-based column in the lexer (lex_error, lex_errpos).  Out of memory
 * dies, as everywhere.
 */
#ifndef MIG_EXPR_H
#define MIG_EXPR_H

#include <regex.h>
#include <stddef.h>

#include "buf.h"
#include "rec.h"

enum lex_tok {
	LX_EOF, LX_WORD, LX_STR, LX_QID, LX_LP, LX_RP, LX_COMMA, LX_OP, LX_ARROW,
	LX_SEMI, LX_COLON, LX_ERR
};

enum expr_op { OP_EQ, OP_NE, OP_LT, OP_GT, OP_LE, OP_GE, OP_RE, OP_NRE, OP_REI, OP_NREI };

struct lex {
	const char *s;
	size_t pos;		/* next byte to scan */
	enum lex_tok tok;	/* the current token */
	enum expr_op op;	/* its operator, for LX_OP */
	size_t tpos;		/* its 1-based column */
	struct buf text;	/* its text, quotes removed */
	struct buf err;
	size_t errpos;
};

/* Start lexing s (borrowed until lex_release) and read the first token. */
void lex_init(struct lex *l, const char *s);
void lex_release(struct lex *l);
/* Advance to the next token; returns it. */
enum lex_tok lex_next(struct lex *l);
/* Is the current token the bare word kw (case-insensitive)? */
int lex_is(const struct lex *l, const char *kw);
/* A name: a bare word or a double-quoted string. */
int lex_is_name(const struct lex *l);
/* Set the error at the current token; returns -1. */
int lex_fail(struct lex *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *lex_error(const struct lex *l);
size_t lex_errpos(const struct lex *l);
/* The current token as it appears in diagnostics. */
const char *lex_what(const struct lex *l);

struct pred;

/* Parse a predicate at the current token; NULL on error.  Stops before a
 * token that cannot continue it (end, ';', ...). */
struct pred *pred_parse(struct lex *l);
void pred_free(struct pred *p);
/*
 * Resolve the predicate's columns against h.  On an unknown column, or a
 * value that is not a number for a numeric column, return -1 with a
 * message in err.
 */
int pred_bind(struct pred *p, const struct mig_header *h, struct buf *err);
/* 1 if the record satisfies the bound predicate, 0 if false or unknown. */
int pred_match(const struct pred *p, const struct mig_field *f);
/* Call fn with each column name the predicate refers to. */
void pred_columns(const struct pred *p, void (*fn)(const char *name, int idx, void *arg), void *arg);

/*
 * Compare two decimal texts ([-+]digits[.digits][e[-+]digits], NaN,
 * Infinity) numerically, exactly for plain decimals of any length.
 * Returns 0 and sets *cmp to -1, 0 or 1; -1 if either is not a number.
 */
int num_compare(const char *a, size_t alen, const char *b, size_t blen, int *cmp);

#endif
