/*
 * dburl.h - where data lives: database URLs and paths, and connections.
 *
 *   postgresql://... postgres://...   libpq URI, passed to libpq whole, so
 *                                     PG* variables, ~/.pgpass and
 *                                     pg_service.conf apply as in psql
 *   "dbname=... host=..." service=... a libpq conninfo string
 *   mysql://... mariadb://...         [user[:password]@][host][:port]/db
 *                                     ?socket=PATH&option-file=PATH
 *                                     &group=NAME&ssl-mode=...&ssl-ca=PATH
 *                                     &ssl-cert=PATH&ssl-key=PATH
 *                                     &ssl-verify-server-cert=1; anything
 *                                     not given comes from the option
 *                                     files' [client] group, as for mysql(1)
 *   sqlite:PATH  sqlite://PATH  FILE.db FILE.sqlite FILE.sqlite3
 *   csv:DIR  csv:FILE.csv  FILE.csv
 *
 * Credentials are never required on the command line and never printed:
 * dburl_redact gives the form used in every diagnostic.  Connection
 * failures exit with status 3.
 */
#ifndef MIG_DBURL_H
#define MIG_DBURL_H

#include <libpq-fe.h>
#include <mysql.h>
#include <sqlite3.h>

#include "buf.h"

enum db_kind { DB_PG, DB_MY, DB_SQLITE, DB_CSV };

struct dburl {
	enum db_kind kind;
	char *raw;		/* as given: may hold a password, never print */
	char *shown;		/* password removed: for diagnostics */
	/* mysql: parts of the URL (NULL when absent) */
	char *user, *password, *host, *db, *socket, *optfile, *group, *sslmode;
	char *sslca, *sslcert, *sslkey, *sslverify;	/* MariaDB TLS, from ?ssl-ca= ... */
	unsigned port;
	/* sqlite and csv: the path */
	char *path;
};

/* Parse s; returns 0, or -1 with a message in *why (static). */
int dburl_parse(const char *s, struct dburl *u, const char **why);
void dburl_release(struct dburl *u);
/*
 * Overwrite, in place and with 'x's, every password in the database URLs
 * among argv[1..argc-1] (user:PASSWORD@ and password=PASSWORD, in URIs and
 * conninfo strings), so that ps and /proc/PID/cmdline no longer show them,
 * as the MySQL client does.  Call it once the arguments are parsed: the
 * tools keep copies.  Arguments that are not database URLs are left alone.
 */
void dburl_scrub_argv(int argc, char **argv);

/* Connect or die (exit 3) naming the redacted URL and the server's reason. */
PGconn *db_pg_connect(const struct dburl *u);
MYSQL *db_my_connect(const struct dburl *u);
/* How db_sqlite_open opens the file: read only, read-write, or created if missing. */
enum { DB_SQLITE_READ, DB_SQLITE_WRITE, DB_SQLITE_CREATE };
sqlite3 *db_sqlite_open(const struct dburl *u, int mode);

/*
 * Quoting, by the database library's own functions where it has one.
 * Identifiers: into a new string (caller frees).
 */
char *db_pg_ident(PGconn *c, const char *name);
char *db_my_ident(const char *name);
char *db_sqlite_ident(const char *name);
/*
 * String literals, appended to b; a NULL s appends NULL.  db_my_lit asks
 * the connection, which knows whether NO_BACKSLASH_ESCAPES is on;
 * db_std_lit doubles quotes as standard SQL does, for SQL that is not
 * tied to a connection (mig-verify --sql) or names in any dialect's
 * standard-conforming strings.
 */
void db_pg_lit(PGconn *c, struct buf *b, const char *s);
void db_my_lit(MYSQL *m, struct buf *b, const char *s);
void db_sqlite_lit(struct buf *b, const char *s);
void db_std_lit(struct buf *b, const char *s);

#endif
