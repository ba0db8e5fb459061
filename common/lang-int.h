/*
 * lang-int.h - the rule language's insides, shared by lang-parse.c,
 * lang-eval.c and lang-fn.c only.
 *
 * Every operator and function is a row of the function table (struct
 * lang_fn): its name, arity, result type, a prepare callback that checks
 * and precomputes constant arguments while parsing, and an eval callback.
 * A node is a literal, NULL, a column or a call of a row; operators are
 * calls too.  Arguments are evaluated into the node's av[] before eval,
 * except for a "lazy" row (and, or, if, case, coalesce), which evaluates
 * its own arguments so that a branch not taken cannot fail.
 */
#ifndef MIG_LANG_INT_H
#define MIG_LANG_INT_H

#include <crypt.h>
#include <regex.h>
#include <string.h>
#include <uuid.h>

#include "lang.h"
#include "strmap.h"
#include "uuid5.h"

#define T_SAME MIG_T_COUNT		/* a function's type is its first typed argument's */
#define T_NULL (MIG_T_COUNT + 1)	/* the null literal: keeps the other side's type */
#define T_ARITH (MIG_T_COUNT + 2)	/* int if every argument is int, else numeric */
#define T_CAST (MIG_T_COUNT + 3)	/* the type named by the call (iarg) */

struct lang_ctx;
struct node;

typedef int fn_eval(struct lang_ctx *c, struct node *n, struct lang_val *res);
typedef int fn_prepare(struct lex *l, struct node *n, const struct lang_opts *o);

struct lang_fn {
	const char *name;
	int min, max;
	int type;		/* enum mig_type, T_SAME or T_ARITH */
	fn_eval *eval;
	fn_prepare *prepare;	/* or NULL */
	int iarg;		/* fixed parameter (upper/lower, date target) */
	int lazy;
	const char *sig, *doc;	/* for --functions and mig-rules(7) */
};

enum nkind { N_LIT, N_NULL, N_COL, N_FN };

/* lang-lookup.c: the tables of lookup() and ilookup(). */
struct lookup;
struct lookup *lookup_load(const char *path, int icase, const char **err);
void lookup_free(struct lookup *lk);
/* 1 and the value of key in *res (pointing into the table), or 0 if
 * none; an ilookup table collapses and lowers key first. */
int lookup_get(struct lookup *lk, const char *key, size_t n, struct lang_val *res);

struct piece {
	char *lit;		/* literal text, or NULL for a column */
	char *col;
	size_t pos;
	int slot;
};

struct node {
	enum nkind kind;
	const struct lang_fn *fn;
	struct node **args;
	size_t nargs;
	struct lang_val *av;
	char *text;
	size_t len, pos;
	int slot;
	int type;
	int bare;		/* N_COL from a bare word, not a "quoted" name */
	int word_ok;		/* a bare word here that names no column is text */
	int numeric;		/* comparison: numbers, not bytes */
	/* The root is COL = 'x' or COL in ('x', ...) compared as bytes, the
	 * shape of most routes: lang_truth answers it with memcmp alone. */
	int bytes_eq;
	/* Constants of a call, checked and prepared while parsing. */
	int iarg;
	int fmts[8];
	size_t nfmts;
	const void *country;
	char *zone;
	struct lookup *lk;
	regex_t *re;
	uuid_t ns;
	struct piece *pieces;
	size_t npieces;
	/* lang-cse.c: the node whose value this one shares (itself for the
	 * group's leader, NULL if none), and the leader's value of round gen. */
	struct node *leader;
	unsigned long memo_gen;
	struct lang_val memo;
};

struct arena {
	char **blk;
	size_t *cap;
	size_t n, cur, used;
};

struct lang_ctx {
	struct arena ar;
	struct buf out, tmp;
	const struct lang_val *slots;
	const char *why;
	void *tz;
	const struct mig_item *it;
	struct crypt_data *cd;
	struct buf pw;		/* password() lines of this record, not yet kept */
	const struct lang_opts *o;
	struct uuid5 u5;
	unsigned long gen;	/* the round: a record, or an exploded element of one */
};

extern const struct lang_fn lang_fns[];
extern const size_t lang_nfns;
const struct lang_fn *lang_fn_find(const char *name);
const struct lang_fn *lang_op(const char *name);

const char *arena_dup_slow(struct arena *a, const char *s, size_t n);

/* Inline: every function's result passes here once per record and value
 * (a call into another file is not inlined, and costs the map stage ~1%). */
static inline const char *arena_dup(struct arena *a, const char *s, size_t n)
{
	char *p;

	if (a->cur == a->n || a->cap[a->cur] - a->used < n + 1)
		return arena_dup_slow(a, s, n);
	p = a->blk[a->cur] + a->used;
	memcpy(p, s, n);
	p[n] = '\0';
	a->used += n + 1;
	return p;
}

/* Hand the function output in c->out over as the result. */
static inline int lang_put(struct lang_ctx *c, struct lang_val *res)
{
	res->p = arena_dup(&c->ar, c->out.buf, c->out.len);
	res->len = c->out.len;
	res->null = 0;
	buf_reset(&c->out);
	return 0;
}

/* A whole number as the result, written straight into the arena: no
 * trip through c->out. */
static inline int lang_put_i64(struct lang_ctx *c, struct lang_val *res, int64_t v)
{
	char s[24], *p = s + sizeof(s);
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	res->len = (size_t)(s + sizeof(s) - p);
	res->p = arena_dup(&c->ar, p, res->len);
	res->null = 0;
	return 0;
}

/* A piece of an argument as the result, not copied: arguments live as
 * long as the record (a column's value, a literal or an arena piece), and
 * values are bytes with a length, never read up to a NUL. */
static inline int lang_slice(struct lang_val *res, const char *p, size_t len)
{
	*res = (struct lang_val){ p, len, 0 };
	return 0;
}
int lang_fail(struct lang_ctx *c, const char *why);
int lang_eval_node(struct lang_ctx *c, struct node *n, struct lang_val *res);
/* A whole number of at most 18 digits with an optional '-' (so sums
 * cannot overflow): 0 and *v, or -1 for anything else. */
int lang_small_int(const char *s, size_t n, int64_t *v);
/* lang-node.c */
struct node *lang_node_new(enum nkind k, size_t pos);
void lang_node_free(struct node *n);
int lang_const_arg(struct lex *l, struct node *n, size_t i, const char *what);
int is_number_word(const char *s);
int lang_compare(const struct node *n, const struct lang_val *a, const struct lang_val *b, int *cmp,
		 const char **why);

/* The text, phone, time and money helpers (lang-text.c ...). */
/* [*s, *e) without the white space at either end. */
void map_trim(const char **s, const char **e);
int map_case(const char *s, size_t n, int upper, struct buf *out);
int map_collapse(const char *s, size_t n, struct buf *out);
int map_split_name(const char *s, size_t n, int part, struct buf *out);
int map_email_clean(const char *s, size_t n, struct buf *out, const char **why);
const void *map_country(const char *iso);
int map_phone(const char *s, size_t n, const void *country, struct buf *out, const char **why);
int map_time(const char *s, size_t n, int fmt, int to, const char *zone, void *tz, struct buf *out,
	     const char **why);
void *map_tz_new(void);
void map_tz_free(void *tz);
/* lang-array.c */
int lang_f_string_to_array(struct lang_ctx *c, struct node *n, struct lang_val *res);
int lang_f_array_to_string(struct lang_ctx *c, struct node *n, struct lang_val *res);
int lang_f_array_length(struct lang_ctx *c, struct node *n, struct lang_val *res);
int lang_f_array(struct lang_ctx *c, struct node *n, struct lang_val *res);
int lang_f_array_element(struct lang_ctx *c, struct node *n, struct lang_val *res);
int map_money(const char *s, size_t n, char dec, struct buf *out, const char **why);

enum { TF_ISO, TF_DMY, TF_MDY, TF_UNIX, TF_MONTH };
enum { TO_DATE, TO_TIMESTAMP, TO_TIMESTAMPTZ };

#endif
