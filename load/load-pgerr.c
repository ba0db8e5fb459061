/*
 * load-pgerr.c - a PostgreSQL failure as mig-load reports it: the
 * server's message, row values hidden unless asked, and whether the rows
 * are at fault.  Shared by the load's session (load-pg.c) and the side
 * sessions that rebuild indexes (load-pgpool.c).
 */
#include <stdlib.h>
#include <string.h>

#include "load.h"
#include "util.h"
#include "banned.h"

int pg_error(PGconn *c, PGresult *res, int show, struct buf *err, unsigned long long *badrow, int *data)
{
	const char *m = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *d = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : NULL;
	const char *ctx = res ? PQresultErrorField(res, PG_DIAG_CONTEXT) : NULL;
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	size_t start = err->len;

	/* Classes 22 (data exception) and 23 (integrity) are the rows' fault. */
	if (data)
		*data = state && (!strncmp(state, "22", 2) || !strncmp(state, "23", 2));
	if (m) {
		buf_adds(err, m);
	} else {
		buf_adds(err, PQerrorMessage(c));
		while (err->len > start && (err->buf[err->len - 1] == '\n' || err->buf[err->len - 1] == ' '))
			err->buf[--err->len] = '\0';
	}
	if (!show) {
		struct buf tail = BUF_INIT;

		buf_add(&tail, err->buf + start, err->len - start);
		hide_values(&tail);
		err->len = start;
		buf_add(err, tail.buf, tail.len);
		buf_release(&tail);
	} else if (d) {
		buf_addf(err, " (%s)", d);
	}
	/* "Key (a, b)=(1, 2) is not present...": the columns name the key, the values stay hidden. */
	if (!show && d && !strncmp(d, "Key (", 5)) {
		const char *e = strstr(d, ")=(");

		if (e)
			buf_addf(err, " (key %.*s)", (int)(e + 1 - (d + 4)), d + 4);
	}
	if (badrow && ctx) {
		/* "COPY users, line 42, column id: ..." */
		const char *l = strstr(ctx, ", line ");

		if (l)
			*badrow = strtoull(l + 7, NULL, 10);
	}
	return -1;
}
