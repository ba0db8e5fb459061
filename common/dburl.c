#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "dburl.h"
#include "util.h"
#include "banned.h"

static int has_prefix(const char *s, const char *p)
{
	return !strncmp(s, p, strlen(p));
}

static int has_suffix(const char *s, const char *x)
{
	size_t n = strlen(s), m = strlen(x);

	return n >= m && !strcmp(s + n - m, x);
}

/* %XX decoding for URL parts. */
static char *pct_decode(const char *s, size_t n)
{
	char *out = emalloc(n + 1), *o = out;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n + 0 + 1 && isxdigit((unsigned char)s[i + 1]) &&
		    isxdigit((unsigned char)s[i + 2])) {
			char hex[3] = { s[i + 1], s[i + 2], 0 };

			*o++ = (char)strtol(hex, NULL, 16);
			i += 2;
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}

static int parse_mysql(const char *s, struct dburl *u, const char **why)
{
	const char *p = strstr(s, "://") + 3;
	const char *slash = strchr(p, '/');
	const char *q = strchr(p, '?');
	const char *auth_end, *at, *hostpart;
	struct buf shown = BUF_INIT;

	if (q && slash && slash > q)
		slash = NULL;
	auth_end = slash ? slash : q ? q : p + strlen(p);
	at = memchr(p, '@', (size_t)(auth_end - p));
	hostpart = p;
	if (at) {
		const char *colon = memchr(p, ':', (size_t)(at - p));

		u->user = pct_decode(p, (size_t)((colon ? colon : at) - p));
		if (colon)
			u->password = pct_decode(colon + 1, (size_t)(at - colon - 1));
		hostpart = at + 1;
	}
	if (hostpart < auth_end) {
		const char *colon = memchr(hostpart, ':', (size_t)(auth_end - hostpart));

		u->host = pct_decode(hostpart, (size_t)((colon ? colon : auth_end) - hostpart));
		if (colon) {
			long long port;
			char *ps = estrndup(colon + 1, (size_t)(auth_end - colon - 1));

			if (strtonum_ok(ps, 1, 65535, &port) < 0) {
				free(ps);
				*why = "bad port";
				return -1;
			}
			free(ps);
			u->port = (unsigned)port;
		}
	}
	if (slash) {
		const char *dend = q ? q : slash + strlen(slash);

		if (dend > slash + 1)
			u->db = pct_decode(slash + 1, (size_t)(dend - slash - 1));
	}
	while (q && *q) {
		const char *k = q + 1, *amp = strchr(k, '&'), *eq;
		const char *kend = amp ? amp : k + strlen(k);
		char **dst = NULL;

		eq = memchr(k, '=', (size_t)(kend - k));
		if (!eq) {
			*why = "query parameter without '='";
			return -1;
		}
#define PARAM(name, field) \
	if ((size_t)(eq - k) == strlen(name) && !memcmp(k, name, strlen(name))) dst = &u->field; else
		PARAM("socket", socket) PARAM("option-file", optfile) PARAM("group", group)
		PARAM("ssl-mode", sslmode) PARAM("user", user) PARAM("host", host)
		PARAM("ssl-ca", sslca) PARAM("ssl-cert", sslcert) PARAM("ssl-key", sslkey)
		PARAM("ssl-verify-server-cert", sslverify) {
			*why = "unknown query parameter (known: socket, option-file, group, ssl-mode, ssl-ca, "
			       "ssl-cert, ssl-key, ssl-verify-server-cert, user, host)";
			return -1;
		}
#undef PARAM
		free(*dst);
		*dst = pct_decode(eq + 1, (size_t)(kend - eq - 1));
		q = amp;
	}
	buf_adds(&shown, "mysql://");
	if (u->user) {
		buf_adds(&shown, u->user);
		buf_addc(&shown, '@');
	}
	if (u->host)
		buf_adds(&shown, u->host);
	if (u->port)
		buf_addf(&shown, ":%u", u->port);
	buf_addc(&shown, '/');
	if (u->db)
		buf_adds(&shown, u->db);
	u->shown = buf_detach(&shown, NULL);
	return 0;
}

/* A libpq URI without its password, for messages. */
static char *pg_shown(const char *s)
{
	const char *p = strstr(s, "://");
	const char *at, *colon, *slash;
	struct buf b = BUF_INIT;

	if (!p) {
		/* conninfo: drop any password=... word */
		const char *w = s;

		while (*w) {
			const char *e = w;

			while (*e && !isspace((unsigned char)*e))
				e++;
			if (strncmp(w, "password", 8)) {
				if (b.len)
					buf_addc(&b, ' ');
				buf_add(&b, w, (size_t)(e - w));
			}
			while (isspace((unsigned char)*e))
				e++;
			w = e;
		}
		return buf_detach(&b, NULL);
	}
	p += 3;
	slash = strchr(p, '/');
	at = strchr(p, '@');
	if (at && (!slash || at < slash)) {
		colon = memchr(p, ':', (size_t)(at - p));
		buf_add(&b, s, (size_t)((colon ? colon : at) - s));
		buf_adds(&b, at);
	} else {
		buf_adds(&b, s);
	}
	/* A password may also be a query parameter. */
	{
		char *pw = strstr(b.buf, "password=");

		if (pw) {
			char *end = strchr(pw, '&');

			b.len = (size_t)(pw - b.buf);
			b.buf[b.len] = '\0';
			if (end)
				buf_adds(&b, end + 1);
			else if (b.len && (b.buf[b.len - 1] == '&' || b.buf[b.len - 1] == '?'))
				b.buf[--b.len] = '\0';
		}
	}
	return buf_detach(&b, NULL);
}

static void blank(char *p, char *end)
{
	while (p < end)
		*p++ = 'x';
}

static void scrub_one(char *s)
{
	char *p = strstr(s, "://"), *w;

	if (p) {
		char *slash, *at = NULL, *colon, *q;

		p += 3;
		slash = p + strcspn(p, "/?");
		/* the last '@' before the path: the userinfo ends there */
		for (q = p; q < slash; q++)
			if (*q == '@')
				at = q;
		if (at && (colon = memchr(p, ':', (size_t)(at - p))))
			blank(colon + 1, at);
	}
	for (w = s; (w = strstr(w, "password=")); ) {
		char *v = w + 9, *e = v;

		if (*v == '\'') {
			for (e = v + 1; *e && *e != '\''; e++)
				if (*e == '\\' && e[1])
					e++;
			if (*e)
				e++;
		} else {
			e = v + strcspn(v, "& \t\n");
		}
		blank(v, e);
		w = e;
	}
}

void dburl_scrub_argv(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		struct dburl u;
		const char *why;

		if (!strstr(argv[i], "password=") && !strchr(argv[i], '@'))
			continue;
		if (dburl_parse(argv[i], &u, &why) < 0)
			continue;
		if (u.kind == DB_PG || u.kind == DB_MY)
			scrub_one(argv[i]);
		dburl_release(&u);
	}
}

int dburl_parse(const char *s, struct dburl *u, const char **why)
{
	memset(u, 0, sizeof(*u));
	u->raw = estrdup(s);
	if (has_prefix(s, "postgresql://") || has_prefix(s, "postgres://")) {
		u->kind = DB_PG;
		u->shown = pg_shown(s);
	} else if (has_prefix(s, "mysql://") || has_prefix(s, "mariadb://")) {
		u->kind = DB_MY;
		if (parse_mysql(s, u, why) < 0) {
			dburl_release(u);
			return -1;
		}
	} else if (has_prefix(s, "sqlite:")) {
		const char *p = s + 7;

		if (has_prefix(p, "//"))
			p += 2;
		u->kind = DB_SQLITE;
		u->path = estrdup(p);
		u->shown = estrdup(s);
	} else if (has_prefix(s, "csv:")) {
		u->kind = DB_CSV;
		u->path = estrdup(s + 4);
		u->shown = estrdup(s);
	} else if (has_suffix(s, ".db") || has_suffix(s, ".sqlite") || has_suffix(s, ".sqlite3")) {
		u->kind = DB_SQLITE;
		u->path = estrdup(s);
		u->shown = estrdup(s);
	} else if (has_suffix(s, ".csv")) {
		u->kind = DB_CSV;
		u->path = estrdup(s);
		u->shown = estrdup(s);
	} else if (strchr(s, '=')) {
		u->kind = DB_PG;
		u->shown = pg_shown(s);
	} else {
		*why = "not a database URL (postgresql://, mysql://, sqlite:, csv:) or a .db/.csv path";
		dburl_release(u);
		return -1;
	}
	if ((u->kind == DB_SQLITE || u->kind == DB_CSV) && !*u->path) {
		*why = "empty path";
		dburl_release(u);
		return -1;
	}
	return 0;
}

void dburl_release(struct dburl *u)
{
	if (u->password)
		memset(u->password, 0, strlen(u->password));
	free(u->raw);
	free(u->shown);
	free(u->user);
	free(u->password);
	free(u->host);
	free(u->db);
	free(u->socket);
	free(u->optfile);
	free(u->group);
	free(u->sslmode);
	free(u->sslca);
	free(u->sslcert);
	free(u->sslkey);
	free(u->sslverify);
	free(u->path);
	memset(u, 0, sizeof(*u));
}

PGconn *db_pg_connect(const struct dburl *u)
{
	PGconn *c = PQconnectdb(u->raw);

	if (PQstatus(c) != CONNECTION_OK) {
		char *msg = estrdup(PQerrorMessage(c));
		size_t n = strlen(msg);

		while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
			msg[--n] = '\0';
		PQfinish(c);
		die(MIG_EXIT_DB, "%s: cannot connect: %s", u->shown, msg);
	}
	/* Values cross in one canonical text form whatever the server's settings. */
	PQclear(PQexec(c, "SET client_encoding = 'UTF8'; SET datestyle = 'ISO, YMD'; "
		       "SET intervalstyle = 'iso_8601'; SET extra_float_digits = 3; "
		       "SET bytea_output = 'hex'; SET timezone = 'UTC'"));
	return c;
}

/*
 * TLS for Connector/C, named as mysql(1) names it: ssl-ca, ssl-cert and
 * ssl-key are files; ssl-verify-server-cert=1 (or ssl-mode=verify-ca or
 * verify-identity) checks the server's certificate against the CA and its
 * name against the host, and makes TLS required; ssl-mode=required asks
 * for TLS without checking the certificate.
 */
static int my_tls(MYSQL *m, const struct dburl *u)
{
	my_bool on = 1;
	int verify = u->sslverify && strcmp(u->sslverify, "0") && strcasecmp(u->sslverify, "false");

	if (u->sslmode) {
		if (!strcasecmp(u->sslmode, "verify-ca") || !strcasecmp(u->sslmode, "verify-identity") ||
		    !strcasecmp(u->sslmode, "verify_ca") || !strcasecmp(u->sslmode, "verify_identity"))
			verify = 1;
		else if (strcasecmp(u->sslmode, "required") && strcasecmp(u->sslmode, "preferred"))
			return -1;
		if (strcasecmp(u->sslmode, "preferred"))
			mysql_options(m, MYSQL_OPT_SSL_ENFORCE, &on);
	}
	if (u->sslca || u->sslcert || u->sslkey)
		mysql_ssl_set(m, u->sslkey, u->sslcert, u->sslca, NULL, NULL);
	if (verify) {
		mysql_options(m, MYSQL_OPT_SSL_ENFORCE, &on);
		mysql_options(m, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &on);
	}
	return 0;
}

MYSQL *db_my_connect(const struct dburl *u)
{
	MYSQL *m = mysql_init(NULL);
	unsigned int proto;

	if (!m)
		die(MIG_EXIT_SYSTEM, "out of memory");
	if (u->optfile)
		mysql_options(m, MYSQL_READ_DEFAULT_FILE, u->optfile);
	mysql_options(m, MYSQL_READ_DEFAULT_GROUP, u->group ? u->group : "client");
	mysql_options(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	if (u->socket) {
		proto = MYSQL_PROTOCOL_SOCKET;
		mysql_options(m, MYSQL_OPT_PROTOCOL, &proto);
	} else if (u->host && u->port) {
		/* "localhost" would mean the default socket; a port means TCP */
		proto = MYSQL_PROTOCOL_TCP;
		mysql_options(m, MYSQL_OPT_PROTOCOL, &proto);
	}
	if (u->sslmode && !strcasecmp(u->sslmode, "disabled")) {
		my_bool off = 0;

		mysql_options(m, MYSQL_OPT_SSL_ENFORCE, &off);
	} else if (my_tls(m, u) < 0) {
		mysql_close(m);
		die(MIG_EXIT_USAGE, "%s: ssl-mode: expected disabled, preferred, required, verify-ca or "
			"verify-identity", u->shown);
	}
	if (!mysql_real_connect(m, u->host, u->user, u->password, u->db, u->port, u->socket,
				CLIENT_LOCAL_FILES | CLIENT_MULTI_RESULTS)) {
		char *msg = estrdup(mysql_error(m));

		mysql_close(m);
		die(MIG_EXIT_DB, "%s: cannot connect: %s", u->shown, msg);
	}
	if (mysql_query(m, "SET time_zone = '+00:00', sql_mode = CONCAT(@@sql_mode, ',NO_BACKSLASH_ESCAPES')"))
		die(MIG_EXIT_DB, "%s: %s", u->shown, mysql_error(m));
	return m;
}

sqlite3 *db_sqlite_open(const struct dburl *u, int mode)
{
	sqlite3 *db = NULL;
	int flags = mode == DB_SQLITE_READ    ? SQLITE_OPEN_READONLY
		    : mode == DB_SQLITE_WRITE ? SQLITE_OPEN_READWRITE
					      : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;

	if (sqlite3_open_v2(u->path, &db, flags, NULL) != SQLITE_OK) {
		char *msg = estrdup(db ? sqlite3_errmsg(db) : "out of memory");

		sqlite3_close(db);
		die(MIG_EXIT_DB, "%s: cannot open: %s", u->shown, msg);
	}
	sqlite3_busy_timeout(db, 10000);
	return db;
}

char *db_pg_ident(PGconn *c, const char *name)
{
	char *q = PQescapeIdentifier(c, name, strlen(name));
	char *r;

	if (!q)
		die(MIG_EXIT_DB, "cannot quote identifier: %s", PQerrorMessage(c));
	r = estrdup(q);
	PQfreemem(q);
	return r;
}

/* Backquote quoting, doubling embedded backquotes, as MariaDB specifies. */
char *db_my_ident(const char *name)
{
	struct buf b = BUF_INIT;

	buf_addc(&b, '`');
	for (; *name; name++) {
		if (*name == '`')
			buf_addc(&b, '`');
		buf_addc(&b, *name);
	}
	buf_addc(&b, '`');
	return buf_detach(&b, NULL);
}

char *db_sqlite_ident(const char *name)
{
	char *q = sqlite3_mprintf("%w", name);
	struct buf b = BUF_INIT;

	if (!q)
		die(MIG_EXIT_SYSTEM, "out of memory");
	buf_addc(&b, '"');
	buf_adds(&b, q);
	buf_addc(&b, '"');
	sqlite3_free(q);
	return buf_detach(&b, NULL);
}

void db_pg_lit(PGconn *c, struct buf *b, const char *s)
{
	char *q;

	if (!s) {
		buf_adds(b, "NULL");
		return;
	}
	if (!(q = PQescapeLiteral(c, s, strlen(s))))
		die(MIG_EXIT_DB, "cannot quote a literal: %s", PQerrorMessage(c));
	buf_adds(b, q);
	PQfreemem(q);
}

void db_my_lit(MYSQL *m, struct buf *b, const char *s)
{
	size_t n;

	if (!s) {
		buf_adds(b, "NULL");
		return;
	}
	n = strlen(s);
	buf_grow(b, 2 * n + 2);
	buf_addc(b, '\'');
	n = mysql_real_escape_string(m, b->buf + b->len, s, (unsigned long)n);
	if (n == (size_t)(unsigned long)-1)
		die(MIG_EXIT_DB, "cannot quote a literal: %s", mysql_error(m));
	b->len += n;
	buf_addc(b, '\'');
}

void db_sqlite_lit(struct buf *b, const char *s)
{
	char *q = sqlite3_mprintf("%Q", s);

	if (!q)
		die(MIG_EXIT_SYSTEM, "out of memory");
	buf_adds(b, q);
	sqlite3_free(q);
}

void db_std_lit(struct buf *b, const char *s)
{
	if (!s) {
		buf_adds(b, "NULL");
		return;
	}
	buf_addc(b, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			buf_addc(b, '\'');
		buf_addc(b, *s);
	}
	buf_addc(b, '\'');
}
