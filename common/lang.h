/*
 * lang.h - the rule language: one expression grammar for mig-split's
 * predicates, mig-map's values and every other tool that takes a
 * condition or a computed value.  The grammar and each operator's NULL
 * rule are in mig-rules(7); this is the C contract.
 *
 * Life of an expression:
 *
 *   struct lex l;                       lexer of expr.h
 *   lex_init(&l, "price * 100");
 *   e = lang_parse(&l, &opts, 0);       NULL: lex_error(&l), lex_errpos(&l)
 *   ... (the caller checks that l.tok is where its rule ends)
 *   lang_bind(e, resolve, arg, &type, &err)   once per header: columns to
 *                                       slots, types checked; -1 and err
 *   c = lang_ctx_new(&opts);            one per thread of evaluation
 *   lang_ctx_record(c, slots, it);      per record: slots[i] are the values
 *                                       resolve() handed out indexes into
 *   lang_eval(c, e, &v)                 0 and v, or -1 and lang_why(c)
 *   lang_truth(c, e)                    1 true, 0 false or NULL, -1 error
 *   lang_free(e); lang_ctx_free(c);
 *
 * Values are text in the stream's canonical form (mig-stream(5)) with a
 * NULL flag: the value of a column is its field, borrowed; a computed one
 * lives in the context's arena until the next lang_ctx_record().  Numbers
 * are decimal text and arithmetic on them is exact (no binary floating
 * point); a comparison, and/or/not, "is null" and "in" give bool text
 * ("t" or "f") or NULL, as in SQL.
 *
 * resolve(name, arg, &type) returns the slot of a column and sets its
 * type, or -1 for a name it does not know; bind then fails naming it,
 * with "did you mean" when a known name is near (the resolver may list
 * its names through lang_near()).
 *
 * A bare word is a column everywhere, except a keyword argument of a
 * function (split_name(x, first), date(x, dmy)); text is 'quoted'.  The
 * parser never prints or exits; out of memory dies, as everywhere.
 */
#ifndef MIG_LANG_H
#define MIG_LANG_H

#include <stdio.h>

#include "buf.h"
#include "expr.h"
#include "rec.h"

struct lang_val {
	const char *p;
	size_t len;
	int null;
};

/* What a tool lets its rules do; read at parse and evaluation time. */
struct lang_opts {
	FILE *passwords;	/* password() writes tag,key,password here */
	int passwords_ok;	/* password() allowed (--passwords given) */
	int bcrypt_cost;
	int predicate;		/* parsing a condition: a bare column alone is an error */
};

struct lang_expr;
struct lang_ctx;

typedef int lang_resolve(const char *name, void *arg, enum mig_type *type);

/* Parse an expression at the current token; stops before a token that
 * cannot continue it (end, ';', ',', 'where' ...).  NULL on error. */
struct lang_expr *lang_parse(struct lex *l, const struct lang_opts *o);
void lang_free(struct lang_expr *e);
/* Resolve columns; *type is the expression's type (MIG_T_TEXT for an
 * untyped NULL).  -1 with a message in err. */
int lang_bind(struct lang_expr *e, lang_resolve *resolve, void *arg, enum mig_type *type, struct buf *err);
/* Call fn with each column name the expression refers to and its slot
 * (-1 before lang_bind). */
void lang_columns(const struct lang_expr *e, void (*fn)(const char *name, int slot, void *arg), void *arg);
/* Add to slots[0..*n) each bound slot below limit that e reads and that
 * is not listed yet (slots has room for limit entries): the fields a
 * tool must fill per record, the others it may skip. */
void lang_slots_read(const struct lang_expr *e, int *slots, size_t *n, size_t limit);
/* Is e a literal NULL?  Is it a constant (its text in *v)? */
int lang_is_null(const struct lang_expr *e);
int lang_constant(const struct lang_expr *e, struct lang_val *v);
/* The function at the top of e, or "value"; its first argument's value
 * from the last evaluation, for --show-values. */
const char *lang_top_name(const struct lang_expr *e);
int lang_top_arg(const struct lang_expr *e, struct lang_val *v);
/* 1-based column of e in its rule. */
size_t lang_pos(const struct lang_expr *e);

struct lang_ctx *lang_ctx_new(const struct lang_opts *o);
void lang_ctx_free(struct lang_ctx *c);
void lang_ctx_record(struct lang_ctx *c, const struct lang_val *slots, const struct mig_item *it);
/* The record's outputs were written: its password() lines go to the
 * passwords file (-1 on a write error).  lang_ctx_drop() forgets them,
 * as the next lang_ctx_record() does. */
int lang_ctx_keep(struct lang_ctx *c);
void lang_ctx_drop(struct lang_ctx *c);
int lang_eval(struct lang_ctx *c, struct lang_expr *e, struct lang_val *res);
int lang_truth(struct lang_ctx *c, struct lang_expr *e);
const char *lang_why(const struct lang_ctx *c);
/* Set the reason lang_why() gives, for a caller's own failure (static text). */
void lang_why_set(struct lang_ctx *c, const char *why);

/*
 * Subexpressions shared by the expressions of one record (lang-cse.c):
 * after binding, hand each expression to lang_cse_add in the order they
 * are evaluated, and each slot the caller writes after evaluating it to
 * lang_cse_write.  Identical pure calls are then computed once a record,
 * as long as no column they read was written in between; lang_ctx_again()
 * starts a new round of the same record (an exploded element), in which
 * they are computed afresh.
 */
struct lang_cse;
struct lang_cse *lang_cse_new(void);
void lang_cse_add(struct lang_cse *s, struct lang_expr *e);
void lang_cse_write(struct lang_cse *s, int slot);
void lang_cse_free(struct lang_cse *s);
void lang_ctx_again(struct lang_ctx *c);

/* Validate and normalise v as type t into the arena: 0, or -1 with why. */
int lang_cast(struct lang_ctx *c, enum mig_type t, struct lang_val *v);

/* The nearest of names[0..n) to name by edit distance, or NULL if none is
 * near enough to suggest. */
const char *lang_near(const char *name, const char *const *names, size_t n);

/* Print the function table (name, signature, result, summary) as text or
 * as mdoc for the man page. */
void lang_list_functions(FILE *fp, int mdoc);

/*
 * Exact decimal text arithmetic ([-+]digits[.digits][e[-+]digits]).
 * op is one of + - * / %; 0 with the canonical result appended to out,
 * -1 with *why (not a number, division by zero, too long).
 */
int dec_arith(int op, const char *a, size_t alen, const char *b, size_t blen, struct buf *out, const char **why);
/* Round half away from zero (mode 'r'), truncate ('t'), floor ('f') or
 * ceiling ('c') to scale digits after the point (negative: left of it). */
int dec_round(int mode, const char *a, size_t alen, long scale, struct buf *out, const char **why);

#endif
