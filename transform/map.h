/*
 * map.h - mig-map's rules: the statements around the rule language's
 * expressions, and the binder that compiles one tag's rules against the
 * tag's header.
 *
 * A rule file holds statements (TAG -> NEW, TAG.COL -> NEW,
 * TAG.COL[:TYPE] = EXPR, drop/keep TAG.COL[, COL]..., explode TAG.COL[, ORD]
 * = EXPR); the expressions are common/lang.h's.  map-rules.c parses the
 * statements into one struct prog per tag, in rule order, and binds a
 * prog to each header of its tag: numbered slots (the input's fields
 * first, then the columns rules add), the steps that fill them and the
 * output projection.  mig-map.c runs the steps per record; this file's
 * parts never read options or write records.
 */
#ifndef MIG_MAP_H
#define MIG_MAP_H

#include <stddef.h>

#include "lang.h"
#include "rec.h"
#include "strmap.h"

enum rkind { R_TAGREN, R_COLREN, R_SET, R_DROP, R_KEEP, R_EXPLODE };

struct rule {
	enum rkind kind;
	char *tag, *col, *newname;
	char **cols;
	size_t ncols;
	int typed;
	enum mig_type type;
	struct lang_expr *expr;
	char *where;
};

struct step {
	int slot;
	struct lang_expr *expr;
	enum mig_type cast;	/* a typed output column: validated */
	const char *col;
	const char *where;
	/* explode: one record per element of the array, slot taking each
	 * element and ordslot (or -1) its 1-based ordinal. */
	int explode, ordslot;
	char ord[24];
	unsigned long long nulled;	/* --on-error null: values nulled, for the ledger */
};

struct prog {
	char *tag, *newtag;
	struct rule **r;
	size_t n;
	unsigned long bound;
	int identity;
	size_t nin, nslots, nsteps, nout;
	struct step *steps;
	int *outslot;
	unsigned char *untouched;	/* output i is input field outslot[i], as read */
	/*
	 * The per-record work, listed once per header: the input fields the
	 * rules read (only they are copied into slots), the outputs copied
	 * from an input field as read (copy[k] is output i, outslot[i] its
	 * field), and those a rule computed (calc).
	 */
	int *inused;
	size_t ninused;
	size_t *copy, *calc;
	size_t ncopy, ncalc;
	struct mig_header *out;
	struct mig_field *of;
	struct lang_val *slots;
};
/* Every tag's prog, in the order their first rule came. */
struct rules {
	struct strmap progs;
	struct prog **order;
	size_t n;
	const struct lang_opts *lang;
};

/* Parse rules from text (where names it in errors, e.g. "rule 1") or
 * from a file, one statement per line; a mistake dies with exit 2. */
void map_parse_rules(const char *text, const char *where, struct rules *rs);
void map_parse_file(const char *path, struct rules *rs);
/* Compile p's rules against header h (read from input at line): sets
 * p's steps, slots, output header and identity; a rule naming a column
 * h does not have dies with exit 2, with "did you mean". */
void map_bind(struct prog *p, const struct mig_header *h, const char *input, unsigned long line);
void map_prog_free(struct prog *p);

#endif
