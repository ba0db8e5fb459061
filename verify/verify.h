/*
 * verify.h - what the parts of mig-verify share: the databases a run
 * names, reading rows back from them, and the result of each check.
 *
 * A check is one line of the checks language (mig-verify(1)); it is run by
 * one function that records its figures in a JSON object (the report
 * entry), prints one summary line (stdout; stderr for an error) and sets
 * the check's status.
 * Nothing in here prints row values unless the run was asked to
 * (--show-values); keys are named, values are not.
 *
 * Calls go one way, down this list; no file calls one above it:
 *
 *   mig-verify.c       options, checks files, picking each check's function,
 *                      the JSON report
 *   verify-counts.c, verify-stream.c, verify-crosswalk.c, verify-ledger.c
 *                      the checks
 *   verify-catalog.c   the fk, unique and schema checks, and each database's
 *                      catalog, read once (which verify-stream.c uses too)
 *   verify-check.c     one check's life: begin, notes, errors, end; the
 *                      words of a check line; the databases it names
 *   verify-db.c        connections and rows read back
 */
#ifndef MIG_VERIFY_H
#define MIG_VERIFY_H

#include <jansson.h>
#include <stdio.h>

#include "buf.h"
#include "catalog.h"
#include "dburl.h"
#include "rec.h"

enum vstatus { V_PASS, V_FAIL, V_ERROR };

/* A database named in a run: SRC, DST, or an alias of the user's. */
struct vdb {
	char *alias;
	struct dburl u;
	PGconn *pg;
	MYSQL *my;
	sqlite3 *lite;
	struct catalog *cat;	/* read once on first use (verify-catalog.c) */
};

struct vctx {
	/* options */
	int show_values, quiet, progress;
	unsigned long max_keys;
	FILE *sql;		/* --sql: write the checks as SQL, run nothing */
	const char *sql_name;
	/* databases, in the order declared */
	struct vdb **dbs;
	size_t ndbs;
	/* results */
	json_t *checks;
	unsigned npass, nfail, nerror;
	int worst;		/* exit code of the worst trouble: 0, 2 or 3 */
};

struct vcheck {
	struct vctx *ctx;
	json_t *obj;
	const char *kind;
	const char *where;	/* "checks.mig:7" or "<command line>" */
	int db_error;		/* an error came from a server (exit 3) */
	struct buf notes;	/* detail lines for the summary on stderr */
};

/* verify-check.c */
struct vdb *vdb_find(struct vctx *c, const char *alias, size_t n);
/* A table reference "[ALIAS.]NAME": the database (the one called dflt
 * unless a declared alias leads) and the table name after it. */
struct vdb *vref(struct vctx *c, const char *s, size_t n, const char *dflt, char **table);
void vcheck_begin(struct vcheck *k, struct vctx *c, const char *kind, const char *where, const char *rule);
/* Add a detail line (shown under the summary line and kept in "notes"). */
void vcheck_note(struct vcheck *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Record an error: the check's status becomes error. */
void vcheck_error(struct vcheck *k, int db, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void vcheck_end(struct vcheck *k, enum vstatus st, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Write s as a SQL string literal. */
void vsql_lit(FILE *fp, const char *s);

/* Words of a check line: blanks separate, '...' and "..." quote. */
int vtok(const char **p, struct buf *out);
const char *vskip(const char *p);

/* verify-db.c */
struct vfield {
	const char *v;
	size_t n;
	int null;
	unsigned flags;		/* canon_value flags (CANON_RAW) */
};

struct vrows;

/* Connect on first use; dies with exit 3 when the server refuses. */
void vdb_connect(struct vdb *d);
/* A quoted identifier of d's dialect; dotted names are quoted per part. */
char *vdb_ident(struct vdb *d, const char *name);
/* Run a SELECT and read its rows as text, streaming; NULL with err set. */
struct vrows *vrows_open(struct vdb *d, const char *sql, struct buf *err);
/* 1 and a row, 0 at the end, -1 with err set. */
int vrows_next(struct vrows *q, const struct vfield **f, size_t *n, struct buf *err);
void vrows_close(struct vrows *q);
/* A query returning one integer; 0 or -1 with err set. */
int vdb_int(struct vdb *d, const char *sql, long long *out, struct buf *err);
/* "postgresql", "mariadb", "sqlite" */
const char *vdb_dialect(const struct vdb *d);

/* verify-catalog.c: d's catalog, read on first use (NULL, err set). */
struct catalog;
const struct catalog *vdb_catalog(struct vdb *d, struct buf *err);
void vdb_catalog_free(struct vdb *d);

/* the checks */
void check_counts(struct vctx *c, const char *where, const char *args);
void check_stream(struct vctx *c, const char *where, const char *args);
void check_crosswalk(struct vctx *c, const char *where, const char *args);
void check_ledger(struct vctx *c, const char *where, const char *args);
void check_fk(struct vctx *c, const char *where, const char *args);
void check_unique(struct vctx *c, const char *where, const char *args);
void check_schema(struct vctx *c, const char *where, const char *args);

#endif
