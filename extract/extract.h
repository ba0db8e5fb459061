/*
 * extract.h - what the parts of mig-extract share: the options and jobs
 * main hands a source driver, the driver's dialect and steps, and the
 * helpers below the drivers.
 *
 * main parses options and operands into jobs (one per table or query, in
 * output order); a driver connects, and the shared job loop (x_run_jobs)
 * reads the catalog and writes each job's records through the shared
 * writer, counting them in the ledger, calling the driver's struct xsource
 * for what differs per database.  The CSV source has no catalog or
 * snapshot and runs its own loop.
 * Drivers die on errors with the exit codes of mig-extract(1).
 *
 * Calls go one way, down this list; a file calls nothing above it (the
 * job loop reaches a driver only through the struct xsource it is given):
 *
 *   mig-extract.c      options, operands, jobs; calls a driver
 *   extract-pg.c, extract-my.c, extract-sqlite.c, extract-csv.c
 *                      the drivers
 *   extract-jobs.c     the job loop, count hints, --schema's JSON
 *   extract-sql.c      SELECT statements and the columns of a job
 *   extract-text.c     value text: doubles, bytes
 */
#ifndef MIG_EXTRACT_H
#define MIG_EXTRACT_H

#include "catalog.h"
#include "dburl.h"
#include "ledger.h"
#include "progress.h"
#include "rec.h"

struct xopt {
	enum mig_format fmt;
	long long limit;	/* -1: none */
	int order;		/* ORDER BY the primary key */
	const char *after;	/* KEY text (CSV list for composite keys) or NULL */
	long long shard_i, shard_n;	/* shard_n 0: no sharding; i is 1-based */
	int exact_count;
	int tinyint1_bool;
	int zero_date_error;
	int show_values;
	int schema;
	/* CSV sources */
	char delim, quote;
	const char *null_marker;
	int latin1;
	int strict;		/* a quote inside an unquoted field is an error */
};

struct xjob {
	char *tag;
	char *table;		/* NULL for a query */
	char **cols;		/* chosen columns, or NULL for all */
	size_t ncols;
	const char *where;
	const char *query;
};

struct xctx {
	const struct xopt *o;
	const struct dburl *u;
	struct mig_writer *w;
	struct ledger *ledger;
	struct progress *prog;
	struct xjob *jobs;
	size_t njobs;
};

/* A SQL dialect, for the statement builder. */
struct xdialect {
	char *(*ident)(void *conn, const char *name);
	void (*literal)(void *conn, struct buf *b, const char *s);
	/* append "<expr> = k" selecting shard k (0-based) of n by the key */
	void (*shard)(void *conn, struct buf *b, const struct cat_table *t, long long k, long long n);
	/* append the table's qualified, quoted name */
	void (*from)(void *conn, struct buf *b, const struct cat_table *t);
	/* append the select-list expression of a column (NULL: its quoted name) */
	void (*col_expr)(void *conn, struct buf *b, const struct cat_column *c);
};

/*
 * What a database driver hands the shared job loop (extract-jobs.c):
 * its connection, its dialect, and the steps that differ per database.
 */
struct xsource {
	void *conn;
	const struct xdialect *d;
	/* between "(query)" and " LIMIT n" when --limit wraps a query */
	const char *query_alias;
	/* start and end the one read-only snapshot every job reads */
	void (*begin)(struct xctx *x, void *conn);
	void (*end)(struct xctx *x, void *conn);
	/* the number of rows sql returns */
	long long (*count)(struct xctx *x, void *conn, const char *sql, const char *tag);
	/* optional: the job's header, made before its count and written by the loop */
	struct mig_header *(*header)(struct xctx *x, void *conn, const struct xjob *j, const struct cat_table *t);
	/* write the records of sql (and their header when there is no header step); returns the row count */
	unsigned long long (*rows)(struct xctx *x, void *conn, const char *sql, const struct xjob *j,
				   const struct cat_table *t, const struct mig_header *h, struct ledger_counts *lc);
};

/* extract-jobs.c: read the catalog and run every job (or print the schema) inside s's snapshot. */
void x_run_jobs(struct xctx *x, const struct xsource *s);

void extract_pg(struct xctx *x);
void extract_my(struct xctx *x);
void extract_sqlite(struct xctx *x);
void extract_csv(struct xctx *x);

/* extract-sql.c */
/* The catalog column of job column i (all columns when j->cols is NULL); dies on an unknown one. */
const struct cat_column *x_job_column(const struct xjob *j, const struct cat_table *t, size_t i);
size_t x_job_ncols(const struct xjob *j, const struct cat_table *t);
/* The WHERE clause (with leading " WHERE ", or empty) for a table job. */
void x_where(struct buf *sql, const struct xdialect *d, void *conn, const struct xjob *j,
	     const struct cat_table *t, const struct xopt *o);
/* SELECT cols FROM t WHERE ... ORDER BY pk LIMIT n; col_expr may wrap a column (NULL: plain). */
void x_select(struct buf *sql, const struct xdialect *d, void *conn, const struct xjob *j,
	      const struct cat_table *t, const struct xopt *o);
/* Whether the job can use the catalog estimate as its count hint. */
int x_estimate_ok(const struct xjob *j, const struct xopt *o);

/* extract-jobs.c */
/* Write "#!count TAG N". */
void x_count(struct xctx *x, const char *tag, long long n);
/* Print the catalog as JSON on stdout. */
void x_print_schema(struct xctx *x, const struct catalog *c);

/* extract-text.c */
/* Shortest text that reads back as the same double. */
void x_double(struct buf *b, double d);
/* \x + lowercase hex */
void x_hex(struct buf *b, const void *p, size_t n);

#endif
