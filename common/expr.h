/*
 * expr.h - the rule lexer, and exact comparison of decimal texts.
 *
 * Rules are short texts given as arguments or lines of a rules file.  The
 * lexer turns one into tokens; the language (lang.h, mig-rules(7)) parses
 * expressions from them.  Tokens: bare words (names, numbers), 'strings',
 * "quoted names", ( ) , ; : -> and the operators = == != <> < > <= >= ~
 * !~ ~* !~* + - * / % ||.
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

enum expr_op {
	OP_EQ, OP_NE, OP_LT, OP_GT, OP_LE, OP_GE, OP_RE, OP_NRE, OP_REI, OP_NREI,
	OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD, OP_CAT
};

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

/*
 * Compare two decimal texts ([-+]digits[.digits][e[-+]digits], NaN,
 * Infinity) numerically, exactly for plain decimals of any length.
 * Returns 0 and sets *cmp to -1, 0 or 1; -1 if either is not a number.
 */
int num_compare(const char *a, size_t alen, const char *b, size_t blen, int *cmp);

#endif
