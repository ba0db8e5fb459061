/*
 * load.h - what mig-load's main loop shares with its target drivers.
 *
 * mig-load.c owns the stream, the transactions, batches, rejects and the
 * ledger, and never asks which kind of database it writes to: what
 * differs is a member of struct tgt_ops, found in tgt_drivers[] by the
 * URL's kind.  A driver (load-pg.c, load-my.c, load-sqlite.c,
 * load-csv.c) knows one kind of target: how to check a tag against the
 * target's catalog, how to encode a row in the form its bulk path eats,
 * and how to push encoded rows.  Rows reach a driver in "bulk
 * operations": bulk_begin, any number of bulk_put calls holding whole
 * encoded rows, bulk_end, which reports the first failure.  Everything
 * else is SQL the core sends through exec, or a capability a driver
 * fills in or leaves NULL (checkpoint table SQL, deferral, truncation,
 * id counters, files committed outside a transaction).
 *
 * The other files serve the core and the drivers, and call neither:
 * load-ckpt.c (--checkpoint: the file, its lock, the bookkeeping table),
 * load-defer.c (--defer-constraints entry points; the designs are in
 * load-defer-pg.c and load-defer-my.c), load-trunc.c (--truncate),
 * load-ids.c (identity counters after the load) and load-common.c
 * (catalog checks, value conversions, the driver table).
 */
#ifndef MIG_LOAD_H
#define MIG_LOAD_H

#include "buf.h"
#include "catalog.h"
#include "dburl.h"
#include "rec.h"
#include "rejects.h"

/* How a value is changed on its way into a column. */
enum conv {
	CV_NONE = 0,
	CV_UNHEX,	/* "\x..." bytea text to raw bytes */
	CV_BOOL,	/* t/f to 1/0 */
	CV_UTC,		/* "...+00" timestamptz to a zone-less UTC text */
	CV_INF,		/* Infinity to 1e999, which SQLite's REAL affinity reads as inf */
	CV_ADDTZ,	/* a zone-less timestamp into a timestamptz text column: +00 */
	CV_JSONARR,	/* an array literal {a,b} to the JSON array ["a","b"] */
};

struct ltab {
	char *tag;
	char *schema, *table;	/* target table, schema NULL when unqualified */
	const struct mig_header *hdr;	/* the header the table was prepared for */
	const struct cat_table *cat;
	enum conv *conv;	/* per header column */
	int *keyidx;		/* header columns of the upsert/state key */
	size_t nkey;
	char **keynames;	/* key column names (state output) */
	void *drv;		/* driver-private */

	/* counts: pos is the tag's records consumed from the stream */
	unsigned long long skip;	/* records committed by an earlier run */
	unsigned long long pos, loaded, rejected;
	unsigned long long cpos, cloaded, crejected;	/* as of the last commit */
	unsigned long long resumed;	/* skipped as already committed */
	unsigned long long skipped;	/* --insert-only: taken but key already there (this run) */
	struct buf lastkey, clastkey;	/* JSON array text of the last key */
	int prepared, truncated, deferred, active;
	unsigned long long bulk_first;	/* pos of the first row of the open bulk */
	unsigned long long out_rows;	/* rows in out, not yet in the bulk */
	unsigned long long srv;		/* rows the server said it took, bumped by drivers */
	unsigned long long bulk_srv;	/* srv when the open bulk began */
	unsigned long long cbytes;	/* csv: committed file size */

	/* rows waiting: encoded (streaming) or raw packed (isolating) */
	struct buf out;
	struct buf raw;
	size_t *offs;		/* raw: start of each row */
	size_t nraw, capraw;
	unsigned long long raw_first;	/* pos of raw row 0 */
	unsigned long long pend_seq;	/* stream order of the first row waiting */
	const struct mig_header *raw_hdr;
};

struct target;
struct rejects;

/* The bookkeeping table of --checkpoint (load-ckpt.c). */
#define CKPT_TABLE "_mig_load_checkpoint"

/* How a dialect keeps the checkpoint table; NULL members: nothing to add. */
struct ckpt_sql {
	/* Joined before CREATE TABLE in one query: a lock held to its end. */
	const char *create_prefix;
	/* Run on their own before and after the CREATE TABLE. */
	const char *lock, *unlock;
	/* Appended to a row's INSERT to replace the row there; NULL: DELETE it first. */
	const char *upsert;
	/*
	 * printf formats of the run id: a query taking the run's own lock,
	 * held by the session until it ends, without waiting (one value,
	 * "t" or "1" if taken) and waiting for it (no error and not "0";
	 * a wait that ends without the lock, timed out or cut short, must
	 * give "0", never NULL, which reads as "").
	 * NULL: the target needs none (a dead writer leaves nothing behind).
	 */
	const char *run_try, *run_wait;
};

struct tgt_ops {
	/* Run SQL outside any bulk operation; 0, or -1 with err set. */
	int (*exec)(struct target *tg, const char *sql, struct buf *err);
	/* Check tag against the catalog, fill conv, prepare statements. */
	int (*prepare)(struct target *tg, struct ltab *t, struct buf *err);
	/* Append one row in the driver's bulk form. 0, or -1 with err (bad value). */
	int (*encode)(struct target *tg, struct ltab *t, const struct mig_field *f, struct buf *out,
		      struct buf *err);
	int (*bulk_begin)(struct target *tg, struct ltab *t, struct buf *err);
	int (*bulk_put)(struct target *tg, struct ltab *t, const char *p, size_t n, unsigned long long *badrow,
			struct buf *err);
	/*
	 * Finish; 0, or -1 with err and *badrow set to the 1-based row of the
	 * operation that failed when the server says (0 if unknown).
	 */
	int (*bulk_end)(struct target *tg, struct ltab *t, unsigned long long *badrow, struct buf *err);
	/* Run a query, calling fn with each row's values (NULL for NULL). */
	int (*query)(struct target *tg, const char *sql, void (*fn)(void *arg, size_t n, char **vals), void *arg,
		     struct buf *err);
	/* Quote a possibly schema-qualified table name. */
	char *(*qname)(struct target *tg, const struct ltab *t);
	char *(*ident)(struct target *tg, const char *name);
	/* Free driver-private parts of t. */
	void (*release)(struct target *tg, struct ltab *t);
	void (*close)(struct target *tg);
	/*
	 * Optional: check now what COMMIT would check later (deferred
	 * constraints), inside the open transaction.  0, or -1 with err set.
	 */
	int (*check_deferred)(struct target *tg, struct buf *err);
	/*
	 * Optional, after the final COMMIT: move the counters of t's columns
	 * that the server numbers (identity, serial, AUTO_INCREMENT, rowid)
	 * to at least the largest value in the table; with report, a line
	 * per column on stderr.  0, or -1 with err set.
	 */
	int (*advance_ids)(struct target *tg, struct ltab *t, int report, struct buf *err);
	/*
	 * Empty tabs (a table, then the tables that reference it) in the
	 * load's transaction, as one operation; 0, or -1 with err.
	 */
	int (*truncate)(struct target *tg, const struct cat_table **tabs, size_t n, struct buf *err);

	/* Connect (or make the directory) and set tg->conn, tg->priv; dies on failure. */
	void (*open)(struct target *tg);
	/*
	 * The target has a catalog of tables and keys: tags are checked
	 * against it, and --upsert, --insert-only and --defer-constraints
	 * work.  Without one (csv), every tag is a table.
	 */
	int has_catalog;
	/* A tag's dot separates the schema from the table (else it is part of the name). */
	int schemas;
	/* The checkpoint table; NULL: the checkpoint file is the only record. */
	const struct ckpt_sql *ckpt;
	/*
	 * Optional: SQL turning the session's foreign key checks off, and
	 * SQL setting them back as they were (delete_tables, load-trunc.c).
	 */
	const char *fk_checks_off, *fk_checks_back;
	/*
	 * Optional, for a target written outside transactions (files):
	 * make what was written durable before COMMIT (final 0 per batch, 1
	 * at the end), or, final -1, let go of it after a dry run's ROLLBACK.
	 */
	void (*commit_files)(struct target *tg, int final);
	/* Optional, with commit_files: the bytes of t's file as of now. */
	unsigned long long (*file_size)(struct target *tg, struct ltab *t);

	/* Optional: --defer-constraints, reached through load-defer.c. */
	void (*defer_start)(struct target *tg);
	void (*defer_table)(struct target *tg, struct ltab *t, struct rejects *rj, int *orphans);
	int (*defer_keys_left)(struct target *tg, const char *schema, const char *table);
	void (*defer_finish)(struct target *tg, struct ltab **tabs, size_t ntabs, struct rejects *rj, int *orphans);
};

struct target {
	const struct tgt_ops *ops;
	struct dburl url;
	void *conn;
	struct catalog cat;
	int have_cat;
	const char *upsert_key;	/* NULL: plain insert */
	int upsert;		/* set for --insert-only too: same key, same statements */
	int insert_only;	/* rows whose key exists are skipped, not updated */
	const char *keep_cols;	/* --keep-columns: comma-separated, never updated */
	int show_values;
	int quiet;		/* -q: no notes on stderr */
	int isolate;		/* rows go through savepoints (rejects, dry run) */
	int dry_run, defer;
	int defer_keys;		/* --defer-constraints=all: primary keys and unique constraints too */
	int data_err;		/* the last failure was about a row's data */
	int ckpt;		/* --checkpoint: files are appended in place (csv) */
	int csv_only;		/* --copy-format=csv: no binary COPY (PostgreSQL) */
	/*
	 * --jobs: sessions that rebuild deferred indexes at once; set only
	 * once the rows are committed (other sessions must see them).
	 */
	int rebuild_jobs;
	/*
	 * The rows are committed before the deferred definitions come back:
	 * the restore may commit as it goes (each foreign key validated in a
	 * transaction of its own, not holding its parent locked meanwhile).
	 */
	int rows_committed;
	void *priv;		/* driver-wide state */
};

extern const struct tgt_ops pg_ops, my_ops, sqlite_ops, csv_ops;
/* The driver of each kind of URL (load-common.c): a new target is a row here. */
extern const struct tgt_ops *const tgt_drivers[];

/*
 * Shared helpers (load-common.c).
 * check_columns: compare a header with a catalog table, appending every
 * problem to err; returns the number of problems.
 */
/* The column of ct called name, or NULL. */
const struct cat_column *find_col(const struct cat_table *ct, const char *name);
int check_columns(const struct ltab *t, const struct cat_table *ct, const char *target, struct buf *err);
/*
 * Whether an upsert sets header column i of existing rows: not a key
 * column, not named by --keep-columns, and not --insert-only.
 */
int upsert_sets(const struct target *tg, const struct ltab *t, size_t i);
/* Whether name (n bytes) is an item of list, items separated by sep. */
int in_list(const char *list, int sep, const char *name, size_t n);
/*
 * pick_key for the target's options: an upsert or --insert-only needs a
 * key (the primary key unless named), and --keep-columns names columns of
 * the table.  0, or -1 with err.
 */
int pick_load_key(const struct target *tg, struct ltab *t, const struct cat_table *ct, struct buf *err);
/* Fill t->conv for a target that wants conversions for these column kinds. */
enum { PC_UNHEX = 1, PC_BOOL = 2, PC_UTC = 4, PC_INF = 8, PC_ADDTZ = 16, PC_JSONARR = 32 };
void pick_conv(struct ltab *t, const struct cat_table *ct, unsigned want);
/*
 * Resolve the upsert key (NULL key: the primary key) into t->keyidx; a key
 * not in the stream is an error when required (upserts), else no key.
 */
int pick_key(struct ltab *t, const struct cat_table *ct, const char *key, int required, struct buf *err);
/* Convert one value; out gets the result, returns 0 or -1 with why. */
int conv_value(enum conv c, const char *v, size_t n, struct buf *out, const char **why);
/* Packed rows: per field a 4-byte length (0xffffffff: NULL) then the bytes. */
void pack_field(struct buf *out, const char *v, size_t n, int null);
/* Read the next packed field at *pp; returns length or -1 for NULL. */
long long unpack_field(const char **pp, const char **val);
/* Append one row as PostgreSQL COPY CSV (also the csv: target's form). */
void csv_encode_row(const struct mig_header *h, const struct mig_field *f, struct buf *out);
/* Cut values out of a server message unless --show-values ("...: \"v\""). */
void hide_values(struct buf *msg);
/* The same for MariaDB's 'quoted' values. */
void hide_my_values(struct buf *msg);

/* load-pgbin.c: rows in PostgreSQL's binary COPY format; see there */
enum pgbin { PB_RAW, PB_JSONB, PB_INT2, PB_INT4, PB_INT8, PB_BOOL, PB_FLOAT8, PB_UUID, PB_DATE, PB_TS, PB_TSTZ };
#define PGBIN_HEAD_LEN 19
extern const char pgbin_head[PGBIN_HEAD_LEN];
/* Each column's binary form for a stream of header h into table ct; NULL
 * (CSV then) unless every column has one.  The caller frees it. */
enum pgbin *pgbin_plan(const struct mig_header *h, const struct cat_table *ct);
/* Append one row; 0, or -1 with err in the server's words, the value
 * only if show (out unchanged). */
int pgbin_row(const enum pgbin *k, const struct mig_header *h, const struct mig_field *f, int show,
	      struct buf *out, struct buf *err);

/* load-ids.c: the drivers' advance_ids */
int pg_advance_ids(struct target *tg, struct ltab *t, int report, struct buf *err);
int my_advance_ids(struct target *tg, struct ltab *t, int report, struct buf *err);
int sq_advance_ids(struct target *tg, struct ltab *t, int report, struct buf *err);

/* load-trunc.c: --truncate; see there */
struct trunc_ent {
	const struct cat_table *ct;	/* emptied because it references by */
	const struct cat_table *by;
	int had_rows, named;		/* named: the stream has a tag for it */
};
struct trunc {
	struct trunc_ent *v;
	size_t n;
	int cascade;			/* --truncate=cascade */
};
/* Empty t's table and those that reference it, unless already done. */
int trunc_table(struct target *tg, struct trunc *tr, struct ltab *t, struct ltab **tabs, size_t ntabs,
		struct buf *err);
/* A table emptied with another that held rows and has no tag yet, or NULL. */
const struct trunc_ent *trunc_unnamed(const struct trunc *tr);
/* Whether a batch commit must wait for such a table's tag. */
int trunc_hold(const struct trunc *tr);
void trunc_release(struct trunc *tr);
/* The quoted, schema-qualified name of a catalog table. */
char *cat_qname(struct target *tg, const struct cat_table *ct);
int pg_truncate(struct target *tg, const struct cat_table **tabs, size_t n, struct buf *err);
int delete_tables(struct target *tg, const struct cat_table **tabs, size_t n, struct buf *err);

/* load-defer.c */
/* Before the load's first transaction: the bookkeeping table, created safely. */
void defer_start(struct target *tg);
/*
 * A table's first header, in the load's transaction: with --defer-constraints
 * drop (and save) its foreign keys and indexes (=all: its keys too, and
 * the foreign keys that reference them); without, put back what a killed
 * run left dropped.  Orphans found then go to rj and set *orphans.
 */
void defer_table(struct target *tg, struct ltab *t, struct rejects *rj, int *orphans);
/*
 * Whether a --defer-constraints=all run left the primary key or a unique
 * constraint of table (schema NULL: any) dropped: the catalog read at start
 * does not show them, and an upsert needs them.
 */
int defer_keys_left(struct target *tg, const char *schema, const char *table);
/* Re-create what was deferred for tabs; orphans are counted and go to rj. */
void defer_finish(struct target *tg, struct ltab **tabs, size_t ntabs, struct rejects *rj, int *orphans);
/* For the drivers' deferral: run SQL, or roll back and die (exit 3). */
void defer_exec(struct target *tg, const char *sql);
/* Orphan rows found by a driver's query, counted and written to rj. */
struct orphan_ctx {
	struct rejects *rj;
	struct mig_header *h;	/* the rejects' header: key, then foreign key columns */
	const char *where, *reason;
	unsigned long long n;
};
/* The query callback (arg: a struct orphan_ctx) counting and rejecting each row. */
void defer_orphan_row(void *arg, size_t n, char **v);

/*
 * load-pg.c: a failed result's message into err (row values hidden unless
 * show), the bad COPY line into *badrow, whether the rows are at fault
 * (SQLSTATE class 22 or 23) into *data; returns -1.
 */
int pg_error(PGconn *c, PGresult *res, int show, struct buf *err, unsigned long long *badrow, int *data);
/*
 * load-pgpool.c: run the n statements sql[i] (NULL: skip) each on its own
 * over up to jobs more sessions of tg's server at once, each statement its
 * own transaction, after setup in each session.  failed[i] is set for a
 * statement that failed on the rows' data (SQLSTATE 22 or 23); any other
 * failure dies (exit 3).
 */
void pg_pool_run(struct target *tg, int jobs, const char *setup, char **sql, size_t n, char *failed);
/*
 * Every session that drops or rebuilds deferred definitions runs this
 * first.  Freshly loaded tables draw autovacuum, whose locks our ALTER
 * TABLE and CREATE INDEX wait for until the server cancels it, which it
 * does deadlock_timeout (1 s by default) into the wait: where the role
 * may set it, 100 ms.  A role that may not keeps the server's.
 */
#define PG_DEFER_SESSION "DO $$BEGIN SET deadlock_timeout = '100ms'; " \
	"EXCEPTION WHEN insufficient_privilege THEN NULL; END$$"

/* load-defer-pg.c and load-defer-my.c: the drivers' defer_* members */
void pg_defer_start(struct target *tg);
void pg_defer_table(struct target *tg, struct ltab *t, struct rejects *rj, int *orphans);
int pg_defer_keys_left(struct target *tg, const char *schema, const char *table);
void pg_defer_finish(struct target *tg, struct ltab **tabs, size_t ntabs, struct rejects *rj, int *orphans);
void my_defer_table(struct target *tg, struct ltab *t, struct rejects *rj, int *orphans);
void my_defer_finish(struct target *tg, struct ltab **tabs, size_t ntabs, struct rejects *rj, int *orphans);

/* Whether t's table is in the target's catalog (csv: always). */
int table_known(struct target *tg, const struct ltab *t);
/* The catalog entry of t's table, or NULL with a message in err. */
const struct cat_table *find_table(struct target *tg, const struct ltab *t, struct buf *err);
/* Load the catalog of the whole target once; die (exit 3) on failure. */
void load_catalog(struct target *tg);

#endif
