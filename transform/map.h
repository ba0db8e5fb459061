/*
 * map.h - mig-map's rules: the statements (TAG.COL = expr, renames, drop,
 * keep, explode) parsed into one program per tag, and each program
 * compiled against a header into steps on numbered slots.  The
 * expressions themselves are the rule language's (lang.h); mig-map.c
 * keeps the record loop and the options.
 */
#ifndef MIG_MAP_H
#define MIG_MAP_H

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
	struct mig_header *out;
	struct mig_field *of;
	struct lang_val *slots;
};

struct rules {
	struct strmap progs;
	struct prog **order;
	size_t n;
	const struct lang_opts *lang;
};

/* Parse rules from text (a -e operand named where) or a rules file into
 * rs; a mistake dies with its place (exit 2). */
void map_rules_parse(const char *text, const char *where, struct rules *rs);
void map_rules_file(const char *path, struct rules *rs);
/* Compile p against header h (read from input at line): its steps and
 * output header, written once to w; a rule that does not fit dies. */
void map_bind(struct prog *p, const struct mig_header *h, struct mig_writer *w, const char *input,
	      unsigned long line);
void map_prog_free(struct prog *p);

#endif
