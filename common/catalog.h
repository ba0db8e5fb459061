/*
 * catalog.h - what a database says about its tables.
 *
 * One reader per dialect fills the same structure: columns with their
 * native type, mig type, nullability and default; primary key, unique
 * constraints, foreign keys and secondary indexes with the definitions
 * needed to re-create them exactly; an estimated row count.  mig-extract
 * --schema prints it as JSON (catalog_to_json); mig-load checks a stream
 * against it and saves constraint definitions from it; mig-verify diffs
 * two of them and finds orphans with them.
 *
 * Every string is owned by the catalog and freed by catalog_release.
 *
 * Files, each calling only the ones below it:
 *   catalog.c          catalog_read (dispatch to a reader), the JSON form
 *   catalog-pg.c, catalog-my.c, catalog-sqlite.c   one reader per dialect
 *   catalog-model.c    the structure's builders, release, lookup, type names
 */
#ifndef MIG_CATALOG_H
#define MIG_CATALOG_H

#include <jansson.h>
#include <stddef.h>

#include "dburl.h"
#include "rec.h"

struct cat_column {
	char *name;
	char *dbtype;		/* native type as the server spells it */
	enum mig_type type;	/* how mig carries it */
	int notnull;
	char *deflt;		/* default expression, or NULL */
	int autogen;		/* the server fills it when an INSERT leaves it out:
				   identity, serial (nextval default), auto_increment,
				   generated, SQLite's INTEGER PRIMARY KEY (rowid alias;
				   SQLite's generated columns are not listed at all) */
};

struct cat_key {		/* primary key or unique constraint/index */
	char *name;
	size_t ncols;
	char **cols;
};

struct cat_fk {
	char *name;
	size_t ncols;
	char **cols;
	char *ref_schema;	/* NULL where the dialect has none */
	char *ref_table;
	char **ref_cols;
	char *on_delete, *on_update;	/* "NO ACTION", "CASCADE", ... */
	char *def;		/* the server's own definition text (PostgreSQL:
				   pg_get_constraintdef), for exact re-creation */
};

struct cat_index {		/* secondary indexes, not backing a constraint */
	char *name;
	int unique;
	size_t ncols;
	char **cols;
	char *def;		/* full CREATE INDEX statement where the server gives one */
};

struct cat_check {		/* CHECK constraint (not read from SQLite) */
	char *name;
	char *def;		/* "CHECK (...)" as the server spells it: PostgreSQL's
				   pg_get_constraintdef, MariaDB's CHECK_CLAUSE */
};

struct cat_table {
	char *schema;		/* NULL for SQLite and MariaDB (the database is the URL's) */
	char *name;
	size_t ncols;
	struct cat_column *cols;
	struct cat_key *pk;	/* NULL if none */
	size_t nuniq;
	struct cat_key *uniq;
	size_t nfk;
	struct cat_fk *fks;
	size_t nidx;
	struct cat_index *idx;
	size_t nchk;
	struct cat_check *chk;
	long long est_rows;	/* -1 if unknown */
	int hidden;		/* PostgreSQL: a bare name does not mean this table (another
				   schema comes first in the session's search_path, or its
				   own is not in it); catalog_find skips it for bare names */
};

struct catalog {
	char *dialect;		/* "postgresql", "mariadb", "sqlite" */
	size_t ntables;
	struct cat_table *tables;
};

/*
 * Read the catalog of the tables named in tables (NULL-terminated, names
 * optionally schema-qualified; NULL for every user table) over an open
 * connection: conn is a PGconn *, MYSQL * or sqlite3 * as u->kind says.
 * Returns 0, or -1 with a message in err (a table that does not exist is
 * an error naming it).  PostgreSQL objects dropped by another session
 * while they are read make the read start over, up to a few times; inside
 * the caller's transaction, whose snapshot would show them again, the
 * read returns CAT_AGAIN instead (the message in err, the transaction
 * still usable) and a new transaction may succeed.
 */
#define CAT_AGAIN (-2)
/*
 * How often a read is tried, and the wait before try n + 1 (10 ms,
 * 20 ms ... 250 ms at most, some 4 s in all): a session dropping and
 * making keys without pause can fail half the tries of a busy machine.
 */
#define CAT_TRIES 20
void cat_wait(int n);
int catalog_read(const struct dburl *u, void *conn, const char *const *tables,
		 struct catalog *out, struct buf *err);
void catalog_release(struct catalog *c);
/*
 * The table called name ("schema.table" or "table"), or NULL.  A bare name
 * resolves as the server would: the table of the first schema of the
 * session's search_path that has one (PostgreSQL; see hidden).
 */
const struct cat_table *catalog_find(const struct catalog *c, const char *name);
/* The documented JSON form (mig-extract(1), SCHEMA OUTPUT) and back. */
json_t *catalog_to_json(const struct catalog *c);
int catalog_from_json(const json_t *j, struct catalog *out, struct buf *err);

/*
 * Native type names to mig types, shared by the readers, mig-extract and
 * mig-load.  cat_pg_type takes format_type() text plus pg_type's typtype
 * and typcategory ('e' enum and 'A' array become text); cat_my_type takes
 * information_schema DATA_TYPE and COLUMN_TYPE (tinyint1_bool: tinyint(1)
 * is bool rather than int); cat_sqlite_type takes a declared type.
 */
enum mig_type cat_pg_type(const char *fmt_type, char typtype, char typcat);
enum mig_type cat_my_type(const char *data_type, const char *column_type, int tinyint1_bool);
enum mig_type cat_sqlite_type(const char *decl);

/* Building blocks for the readers (catalog-model.c); all copy their strings. */
int cat_read_pg(PGconn *c, const char *const *tables, struct catalog *out, struct buf *err);
int cat_read_my(MYSQL *m, const char *const *tables, struct catalog *out, struct buf *err);
int cat_read_sqlite(sqlite3 *db, const char *const *tables, struct catalog *out, struct buf *err);
struct cat_table *cat_add_table(struct catalog *c);
/* Release the tables from the n-th on (a reader's retry starts over). */
void cat_truncate(struct catalog *c, size_t n);
/* Drop mig-load's own _mig_* tables from a catalog of every table. */
void cat_drop_bookkeeping(struct catalog *c);
struct cat_column *cat_add_column(struct cat_table *t);
struct cat_key *cat_add_uniq(struct cat_table *t);
struct cat_fk *cat_add_fk(struct cat_table *t);
struct cat_index *cat_add_index(struct cat_table *t);
struct cat_check *cat_add_check(struct cat_table *t);
void cat_push(char ***v, size_t *n, const char *s);
char *cat_strdup0(const char *s);
void cat_split_name(const char *name, char **schema, char **table);
void cat_set_error(struct buf *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
