/*
 * load-pgpool.c - statements run side by side over several sessions.
 *
 * Rebuilding a table's indexes one after another leaves all but one of
 * the server's cores idle: each CREATE INDEX is one backend (plus the
 * parallel workers the server gives it).  Indexes of one table may be
 * built at once (CREATE INDEX takes a SHARE lock, which does not conflict
 * with itself), each from its own session.  The sessions are opened here
 * from the target's URL and closed when the last statement is done; the
 * caller's own session waits, so whatever it holds (its transaction, the
 * rows it locked) must not be something these statements need.
 */
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "load.h"
#include "util.h"
#include "banned.h"

struct worker {
	PGconn *c;
	size_t item;	/* the statement it runs */
	int busy;
};

/* The outcome of w's statement, once its results are all in. */
static void finish(struct target *tg, struct worker *w, char *failed)
{
	PGresult *res;
	int data = 0, bad = 0;
	struct buf err = BUF_INIT;

	while ((res = PQgetResult(w->c))) {
		ExecStatusType st = PQresultStatus(res);

		if (!bad && st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
			pg_error(w->c, res, tg->show_values, &err, NULL, &data);
			bad = 1;
		}
		PQclear(res);
	}
	w->busy = 0;
	if (!bad)
		return;
	if (!data)
		die(MIG_EXIT_DB, "%s: --defer-constraints: %s", tg->url.shown, err.buf);
	failed[w->item] = 1;
	buf_release(&err);
}

void pg_pool_run(struct target *tg, int jobs, const char *setup, char **sql, size_t n, char *failed)
{
	struct worker *w;
	struct pollfd *pf;
	size_t next = 0, i, nw, live = 0;

	while (next < n && !sql[next])
		next++;
	for (i = next, nw = 0; i < n && nw < (size_t)jobs; i++)
		nw += sql[i] != NULL;
	if (!nw)
		return;
	w = ecalloc(nw, sizeof(*w));
	pf = ecalloc(nw, sizeof(*pf));
	for (i = 0; i < nw; i++) {
		PGresult *res;

		w[i].c = db_pg_connect(&tg->url);
		/* The server's NOTICEs (IF NOT EXISTS) are noise here as in the main session. */
		res = PQexec(w[i].c, "SET client_min_messages = warning; " PG_DEFER_SESSION);
		PQclear(res);
		res = PQexec(w[i].c, setup);
		if (PQresultStatus(res) != PGRES_TUPLES_OK && PQresultStatus(res) != PGRES_COMMAND_OK)
			die(MIG_EXIT_DB, "%s: --defer-constraints: %s", tg->url.shown, PQerrorMessage(w[i].c));
		PQclear(res);
	}
	for (;;) {
		/* Every idle session takes the next statement. */
		for (i = 0; i < nw && next < n; i++) {
			if (w[i].busy)
				continue;
			if (!PQsendQuery(w[i].c, sql[next]))
				die(MIG_EXIT_DB, "%s: --defer-constraints: %s", tg->url.shown, PQerrorMessage(w[i].c));
			w[i].item = next;
			w[i].busy = 1;
			live++;
			do
				next++;
			while (next < n && !sql[next]);
		}
		if (!live)
			break;
		for (i = 0; i < nw; i++) {
			pf[i].fd = w[i].busy ? PQsocket(w[i].c) : -1;
			pf[i].events = POLLIN;
			pf[i].revents = 0;
		}
		if (poll(pf, nw, -1) < 0)
			continue;	/* EINTR: poll again */
		for (i = 0; i < nw; i++) {
			if (!w[i].busy || !pf[i].revents)
				continue;
			if (!PQconsumeInput(w[i].c))
				die(MIG_EXIT_DB, "%s: --defer-constraints: %s", tg->url.shown, PQerrorMessage(w[i].c));
			if (PQisBusy(w[i].c))
				continue;
			finish(tg, &w[i], failed);
			live--;
		}
	}
	for (i = 0; i < nw; i++)
		PQfinish(w[i].c);
	free(w);
	free(pf);
}
