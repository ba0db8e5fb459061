/*
 * mig-load - write a record stream into PostgreSQL, MariaDB/MySQL, SQLite
 * or per-tag CSV files, in one transaction or in checkpointed batches.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "json.h"
#include "filter.h"
#include "ledger.h"
#include "load.h"
#include "load-ckpt.h"
#include "opts.h"
#include "strmap.h"
#include "util.h"
#include "banned.h"

/* Encoded rows are pushed once this many bytes wait: few, large writes. */
#define OUT_FLUSH (1u << 20)
/* Isolating mode tries rows in chunks of this size under one savepoint. */
#define CHUNK_ROWS 5000
#define CHUNK_BYTES (4u << 20)

static struct std_opts so = STD_OPTS_INIT;	/* so.max_rejects >= 0: --max-rejects given */
static long long opt_batch;
static int opt_jobs = 1;
static int opt_dry_run, opt_truncate, opt_defer, opt_defer_keys;
static int opt_upsert, opt_insert_only;
static const char *opt_upsert_key, *opt_keep_cols;
static char **opt_tables;	/* TAG=schema.table pairs */
static size_t opt_ntables;

struct ctx {
	struct target tg;
	struct mig_reader *r;
	struct mig_writer *w;
	struct rejects *rj;
	struct ckpt ck;		/* --checkpoint */
	struct strmap tabs;
	struct ltab **order;
	size_t ntabs;
	struct ltab *active;	/* table with an open bulk operation */
	struct filter fl;
	struct buf err, sql, tmp;
	unsigned long long batch_rows;
	unsigned long long violations;	/* dry run: rows refused */
	unsigned long long seq;		/* rows received, all tags */
	int in_txn, stated, rj_moved, orphans;
	unsigned long savepoint;
	struct trunc tr;	/* --truncate: tables emptied with others */
};

enum { O_TABLE = 256, O_INSERT_ONLY, O_KEEP_COLS, O_COPY_FORMAT };

static const struct mig_opt options[] = {
	{ 'b', 'b', "batch-size", required_argument, "ROWS", "commit every ROWS rows", NULL },
	{ 'c', 'c', "checkpoint", required_argument, "FILE", "record progress in FILE and resume from it", NULL },
	{ 'n', 'n', "dry-run", no_argument, NULL, "load in one transaction, report, and roll back", NULL },
	STD_OPTS_FORMAT,
	{ O_TABLE, 0, "table", required_argument, "TAG=[SCHEMA.]TABLE", "load tag TAG into TABLE; repeatable", NULL },
	{ O_TABLE, 't', NULL, required_argument, "TAG=TABLE", NULL, "use --table (-t means --target)" },
	{ 'U', 0, "upsert", optional_argument, "KEY", "update the rows whose KEY exists, insert the others", NULL },
	{ O_INSERT_ONLY, 0, "insert-only", optional_argument, "KEY", "insert new rows, skip the rows whose KEY exists", NULL },
	{ O_KEEP_COLS, 0, "keep-columns", required_argument, "COLS", "--upsert: never overwrite the columns COLS", NULL },
	{ 'T', 0, "truncate", optional_argument, "cascade", "empty each table (and those referencing it) before its first row", NULL },
	{ 'D', 0, "defer-constraints", optional_argument, "fk|all", "check constraints after the rows are in", NULL },
	{ 'j', 'j', "jobs", required_argument, "N", "rebuild deferred keys and indexes over N sessions at once (PostgreSQL)", NULL },
	{ O_COPY_FORMAT, 0, "copy-format", required_argument, "auto|csv", "PostgreSQL: binary COPY where every column has a binary form (auto), or CSV always", NULL },
	STD_OPTS_REJECTS,
	STD_OPTS_STATS,
	STD_OPTS_BASE,
	MIG_OPTS_END,
};

static const struct mig_cmd cmd = {
	"mig-load [options] target [file]",
	"Load a mig record stream into a database or CSV files.",
	options, 0,
};

static struct ltab *get_tab(struct ctx *cx, const char *tag)
{
	struct ltab *t = strmap_get(&cx->tabs, tag, strlen(tag));
	size_t i, n = strlen(tag);

	if (t)
		return t;
	t = ecalloc(1, sizeof(*t));
	t->tag = estrdup(tag);
	buf_init(&t->lastkey);
	buf_init(&t->clastkey);
	buf_init(&t->out);
	buf_init(&t->raw);
	/* --table TAG=schema.table, else the tag itself names the table. */
	for (i = 0; i < opt_ntables; i++)
		if (!strncmp(opt_tables[i], tag, n) && opt_tables[i][n] == '=') {
			const char *name = opt_tables[i] + n + 1;
			const char *dot = strchr(name, '.');

			if (dot) {
				t->schema = estrndup(name, (size_t)(dot - name));
				t->table = estrdup(dot + 1);
			} else {
				t->table = estrdup(name);
			}
			break;
		}
	if (!t->table) {
		const char *dot = strchr(tag, '.');

		if (dot && cx->tg.ops->schemas) {
			t->schema = estrndup(tag, (size_t)(dot - tag));
			t->table = estrdup(dot + 1);
		} else {
			t->table = estrdup(tag);
		}
	}
	strmap_put(&cx->tabs, tag, n, t);
	cx->order = ereallocarray(cx->order, cx->ntabs + 1, sizeof(*cx->order));
	cx->order[cx->ntabs++] = t;
	return t;
}

/* The filter's work for a tag: its table, made on first sight. */
static void *tab_of(void *arg, const char *tag)
{
	return get_tab(arg, tag);
}

/* Run SQL; a failure rolls back and dies with the database's reason. */
static void xsql(struct ctx *cx, const char *sql)
{
	buf_reset(&cx->err);
	if (cx->tg.ops->exec(&cx->tg, sql, &cx->err) < 0) {
		struct buf e = BUF_INIT;
		/* A failed COMMIT has ended the transaction already. */
		int commit = !strcmp(sql, "COMMIT");

		buf_add(&e, cx->err.buf, cx->err.len);
		if (cx->in_txn && !commit)
			cx->tg.ops->exec(&cx->tg, "ROLLBACK", &cx->err);
		/* A constraint checked at commit (deferred) refused the rows: a data error. */
		if (commit && cx->tg.data_err)
			die(MIG_EXIT_DATA, "%s: at commit: %s", cx->tg.url.shown, e.buf);
		die(MIG_EXIT_DB, "%s: %s", cx->tg.url.shown, e.buf);
	}
}

/* ---- bulk operations ---- */

static const char *where(struct ctx *cx, const struct ltab *t, unsigned long long row)
{
	buf_reset(&cx->tmp);
	buf_addf(&cx->tmp, "%s:%llu", t->tag, row);
	return cx->tmp.buf;
}

static void fail_bulk(struct ctx *cx, struct ltab *t, unsigned long long first, unsigned long long bad)
{
	struct buf e = BUF_INIT;

	int code = cx->tg.data_err ? MIG_EXIT_DATA : MIG_EXIT_DB;

	buf_add(&e, cx->err.buf, cx->err.len);
	cx->tg.ops->exec(&cx->tg, "ROLLBACK", &cx->err);
	if (bad)
		die(code, "%s:%llu: %s", t->tag, first + bad, e.buf);
	die(code, "%s: rows %llu-%llu: %s", t->tag, first + 1, t->pos - t->out_rows, e.buf);
}

/*
 * Close t's bulk operation, checking the server took what was sent.  Rows
 * still waiting in t->out stay there: they may have to follow rows of
 * another tag, whose bulk this one is closed for.
 */
static void bulk_close(struct ctx *cx, struct ltab *t)
{
	unsigned long long bad = 0, sent, end = t->pos - t->out_rows;

	if (!t->active)
		return;
	t->active = 0;
	cx->active = NULL;
	buf_reset(&cx->err);
	if (cx->tg.ops->bulk_end(&cx->tg, t, &bad, &cx->err) < 0)
		fail_bulk(cx, t, t->bulk_first, bad);
	sent = end - t->bulk_first;
	if (t->srv - t->bulk_srv != sent) {
		buf_reset(&cx->err);
		cx->tg.ops->exec(&cx->tg, "ROLLBACK", &cx->err);
		die(MIG_EXIT_DATA, "%s: rows %llu-%llu: sent %llu rows but the target took %llu", t->tag,
		    t->bulk_first + 1, end, sent, t->srv - t->bulk_srv);
	}
	t->loaded += sent;
	t->bulk_first = end;
}

static void bulk_open(struct ctx *cx, struct ltab *t)
{
	if (t->active)
		return;
	if (cx->active)
		bulk_close(cx, cx->active);
	buf_reset(&cx->err);
	if (cx->tg.ops->bulk_begin(&cx->tg, t, &cx->err) < 0)
		fail_bulk(cx, t, t->bulk_first, 0);
	t->bulk_srv = t->srv;
	t->active = 1;
	cx->active = t;
}

/* Streaming mode: push what t->out holds into t's (new or open) bulk. */
static void push_out(struct ctx *cx, struct ltab *t)
{
	unsigned long long bad = 0;

	if (!t->out.len)
		return;
	bulk_open(cx, t);
	buf_reset(&cx->err);
	t->out_rows = 0;
	if (cx->tg.ops->bulk_put(&cx->tg, t, t->out.buf, t->out.len, &bad, &cx->err) < 0)
		fail_bulk(cx, t, t->bulk_first, bad);
	buf_reset(&t->out);
}

/* ---- isolating mode: savepoints and bisection ---- */

static int try_rows(struct ctx *cx, struct ltab *t, size_t lo, size_t hi, unsigned long long *bad)
{
	const struct mig_header *h = t->raw_hdr;
	unsigned long long srv0 = t->srv, skipped0 = t->skipped;
	size_t i, j;
	int ret;

	buf_reset(&t->out);
	buf_reset(&cx->err);
	*bad = 0;
	if (cx->active)
		bulk_close(cx, cx->active);
	if (cx->tg.ops->bulk_begin(&cx->tg, t, &cx->err) < 0)
		return -1;
	for (i = lo; i < hi; i++) {
		const char *p = t->raw.buf + t->offs[i];
		struct mig_field fs[h->ncols ? h->ncols : 1];

		for (j = 0; j < h->ncols; j++) {
			long long n = unpack_field(&p, &fs[j].val);

			fs[j].null = n < 0;
			fs[j].plain = 0;
			fs[j].len = n < 0 ? 0 : (size_t)n;
			if (n < 0)
				fs[j].val = "";
		}
		if (cx->tg.ops->encode(&cx->tg, t, fs, &t->out, &cx->err) < 0) {
			unsigned long long b2 = 0;
			struct buf keep = BUF_INIT;

			*bad = i - lo + 1;
			buf_add(&keep, cx->err.buf, cx->err.len);
			cx->tg.ops->bulk_end(&cx->tg, t, &b2, &cx->err);
			buf_reset(&cx->err);
			buf_add(&cx->err, keep.buf, keep.len);
			buf_release(&keep);
			return -1;
		}
		if (t->out.len >= OUT_FLUSH) {
			if (cx->tg.ops->bulk_put(&cx->tg, t, t->out.buf + 0, t->out.len, bad, &cx->err) < 0)
				goto end;
			buf_reset(&t->out);
		}
	}
	if (t->out.len && cx->tg.ops->bulk_put(&cx->tg, t, t->out.buf, t->out.len, bad, &cx->err) < 0)
		goto end;
end:
	buf_reset(&t->out);
	{
		/* bulk_end must run even after a failed put, to leave COPY mode. */
		int failed = cx->err.len != 0;
		unsigned long long b2 = 0;

		ret = cx->tg.ops->bulk_end(&cx->tg, t, failed ? &b2 : bad, &cx->err);
		if (failed)
			ret = -1;
	}
	if (ret < 0 && !cx->err.len)
		buf_adds(&cx->err, "the target refused the rows");
	if (ret == 0 && t->srv - srv0 != hi - lo) {
		buf_addf(&cx->err, "sent %zu rows but the target took %llu", hi - lo, t->srv - srv0);
		ret = -1;
	}
	/* rolled back to the savepoint: the rows will be counted when tried again */
	if (ret < 0)
		t->skipped = skipped0;
	return ret;
}

static void savepoint(struct ctx *cx, const char *what)
{
	buf_reset(&cx->sql);
	buf_addf(&cx->sql, "%s mig_sp%lu", what, cx->savepoint);
	xsql(cx, cx->sql.buf);
}

static void reject_row(struct ctx *cx, struct ltab *t, size_t i, const char *reason)
{
	const struct mig_header *h = t->raw_hdr;
	const char *p = t->raw.buf + t->offs[i];
	struct mig_field fs[h->ncols ? h->ncols : 1];
	unsigned long long row = t->raw_first + i + 1;
	size_t j;

	for (j = 0; j < h->ncols; j++) {
		long long n = unpack_field(&p, &fs[j].val);

		fs[j].null = n < 0;
		fs[j].plain = 0;
		fs[j].len = n < 0 ? 0 : (size_t)n;
		if (n < 0)
			fs[j].val = "";
	}
	t->rejected++;
	cx->violations++;
	if (opt_dry_run && !so.quiet)
		warn("%s:%llu: %s", t->tag, row, reason);
	/* A dry run reports every violation; only a set limit stops it. */
	if (opt_dry_run && !so.reject && so.max_rejects < 0)
		return;
	if (rejects_add(cx->rj, h, fs, where(cx, t, row), reason) < 0) {
		struct buf e = BUF_INIT;

		cx->tg.ops->exec(&cx->tg, "ROLLBACK", &e);
		if (so.max_rejects < 0 && !opt_dry_run)
			die(MIG_EXIT_DATA, "%s:%llu: %s", t->tag, row, reason);
		die(MIG_EXIT_DATA, "%s:%llu: %s (more than %lld rejects, nothing committed since the last checkpoint)",
		    t->tag, row, reason, so.max_rejects < 0 ? 0 : so.max_rejects);
	}
}

static void load_range(struct ctx *cx, struct ltab *t, size_t lo, size_t hi)
{
	unsigned long long bad;
	unsigned long sp;

	if (lo >= hi)
		return;
	sp = ++cx->savepoint;
	savepoint(cx, "SAVEPOINT");
	if (try_rows(cx, t, lo, hi, &bad) == 0) {
		cx->savepoint = sp;
		savepoint(cx, "RELEASE SAVEPOINT");
		cx->savepoint = sp - 1;
		t->loaded += hi - lo;
		return;
	}
	{
		struct buf reason = BUF_INIT;

		buf_add(&reason, cx->err.buf, cx->err.len);
		cx->savepoint = sp;
		savepoint(cx, "ROLLBACK TO SAVEPOINT");
		savepoint(cx, "RELEASE SAVEPOINT");
		cx->savepoint = sp - 1;
		if (hi - lo == 1) {
			reject_row(cx, t, lo, reason.buf);
		} else if (bad >= 1 && bad <= hi - lo) {
			/* The server named the row: no need to halve blindly. */
			size_t b = lo + bad - 1;

			load_range(cx, t, lo, b);
			load_range(cx, t, b, b + 1);
			load_range(cx, t, b + 1, hi);
		} else {
			size_t mid = lo + (hi - lo) / 2;

			load_range(cx, t, lo, mid);
			load_range(cx, t, mid, hi);
		}
		buf_release(&reason);
	}
}

static void flush_raw(struct ctx *cx, struct ltab *t)
{
	if (!t->nraw)
		return;
	load_range(cx, t, 0, t->nraw);
	t->nraw = 0;
	buf_reset(&t->raw);
	t->raw_first = t->pos;
}

static int pending(const struct ctx *cx, const struct ltab *t)
{
	return cx->tg.isolate ? t->nraw != 0 : t->out.len != 0;
}

/* Whether t's table has a foreign key to u's (another table). */
static int refers(const struct ltab *t, const struct ltab *u)
{
	const struct cat_table *a = t->cat, *b = u->cat;
	size_t k;

	if (!a || !b || a == b)
		return 0;
	for (k = 0; k < a->nfk; k++) {
		const struct cat_fk *fk = &a->fks[k];

		if (fk->ref_table && !strcmp(fk->ref_table, b->name) &&
		    (!fk->ref_schema || !b->schema || !strcmp(fk->ref_schema, b->schema)))
			return 1;
	}
	return 0;
}

/*
 * Send every row waiting, of every tag.  Rows wait per tag (one bulk
 * operation per tag is what makes a load fast), so whenever one tag's rows
 * must go, every tag's go, in stream order as far as bulk operations allow:
 * the tag whose waiting rows began first goes first, except that a tag
 * waits for the tags its table references by a foreign key.  Tags in
 * blocks (parents, then children) go exactly in stream order; tags that
 * interleave row by row (a fan-out) go parents first, whichever of them
 * happened to start the waiting rows.
 */
static void send_pending(struct ctx *cx)
{
	for (;;) {
		struct ltab *first = NULL, *any = NULL;
		size_t i, j;

		for (i = 0; i < cx->ntabs; i++) {
			struct ltab *t = cx->order[i];

			if (!pending(cx, t))
				continue;
			if (!any || t->pend_seq < any->pend_seq)
				any = t;
			for (j = 0; j < cx->ntabs; j++)
				if (j != i && pending(cx, cx->order[j]) && refers(t, cx->order[j]))
					break;
			if (j == cx->ntabs && (!first || t->pend_seq < first->pend_seq))
				first = t;
		}
		if (!any)
			return;
		/* A cycle of foreign keys: stream order alone. */
		if (!first)
			first = any;
		if (cx->tg.isolate)
			flush_raw(cx, first);
		else
			push_out(cx, first);
	}
}

/* Everything received so far reaches the target (not yet committed). */
static void flush_all(struct ctx *cx)
{
	send_pending(cx);
	if (cx->active)
		bulk_close(cx, cx->active);
}

/* ---- state and commits ---- */

static void emit_state(struct ctx *cx)
{
	json_t *j = json_object(), *bm = json_object();
	char *s;
	size_t i, k;

	for (i = 0; i < cx->ntabs; i++) {
		struct ltab *t = cx->order[i];
		json_t *o = json_object();

		if (t->nkey) {
			json_t *names = json_array();

			for (k = 0; k < t->nkey; k++)
				json_array_append_new(names, json_string(t->keynames[k]));
			json_object_set_new(o, "key", names);
		}
		if (t->clastkey.len)
			json_object_set_new(o, "last_key", json_loads(t->clastkey.buf, JSON_DECODE_ANY, NULL));
		json_object_set_new(o, "rows", json_integer((json_int_t)t->cpos));
		json_object_set_new(bm, t->tag, o);
	}
	json_object_set_new(j, "bookmarks", bm);
	s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	mig_write_control(cx->w, "state", s, strlen(s));
	mig_writer_flush(cx->w);
	free(s);
	json_decref(j);
}

static void mark_committed(struct ctx *cx)
{
	size_t i;

	for (i = 0; i < cx->ntabs; i++) {
		struct ltab *t = cx->order[i];

		t->cpos = t->pos;
		t->cloaded = t->loaded;
		t->crejected = t->rejected;
		if (cx->tg.ops->file_size)
			t->cbytes = cx->tg.ops->file_size(&cx->tg, t);
		buf_reset(&t->clastkey);
		buf_add(&t->clastkey, t->lastkey.buf, t->lastkey.len);
	}
}

static const char *cat_name(struct buf *b, const struct cat_table *ct)
{
	buf_reset(b);
	buf_addf(b, "%s%s%s", ct->schema ? ct->schema : "", ct->schema ? "." : "", ct->name);
	return b->buf;
}

/*
 * --truncate emptied a table because it references one of the stream's,
 * and the stream never named it: without cascade, its rows are not lost.
 */
static void trunc_check(struct ctx *cx)
{
	const struct trunc_ent *e = trunc_unnamed(&cx->tr);
	struct buf a = BUF_INIT, b = BUF_INIT;
	size_t i;

	if (e && !cx->tr.cascade) {
		cx->tg.ops->exec(&cx->tg, "ROLLBACK", &cx->err);
		die(MIG_EXIT_USAGE, "--truncate: table '%s' references '%s' and holds rows, but the stream has no tag "
		    "for it: nothing committed (--truncate=cascade empties it too)", cat_name(&a, e->ct),
		    cat_name(&b, e->by));
	}
	for (i = 0; i < cx->tr.n && !so.quiet; i++)
		if (!cx->tr.v[i].named && cx->tr.v[i].had_rows)
			warn("--truncate=cascade: emptied '%s' too (it references '%s')", cat_name(&a, cx->tr.v[i].ct),
			     cat_name(&b, cx->tr.v[i].by));
	buf_release(&a);
	buf_release(&b);
}

/*
 * With rejects, constraints the target defers to COMMIT (DEFERRABLE
 * INITIALLY DEFERRED foreign keys) are checked as each chunk goes in,
 * under its savepoint: a row that breaks one is found by the same
 * bisection as any bad row and rejected, where at COMMIT the whole batch
 * would fail with no row named.
 */
static void begin(struct ctx *cx)
{
	xsql(cx, "BEGIN");
	cx->in_txn = 1;
	if ((so.reject || so.max_rejects >= 0) && cx->tg.ops->check_deferred) {
		buf_reset(&cx->err);
		if (cx->tg.ops->check_deferred(&cx->tg, &cx->err) < 0)
			die(MIG_EXIT_DB, "%s: %s", cx->tg.url.shown, cx->err.buf);
	}
}

static void commit(struct ctx *cx, int final)
{
	int changed = 0;
	size_t i;

	/* A table emptied with another stays uncommitted until its tag comes. */
	if (!final && trunc_hold(&cx->tr))
		return;
	if (final)
		trunc_check(cx);
	flush_all(cx);
	for (i = 0; i < cx->ntabs; i++)
		changed |= cx->order[i]->pos != cx->order[i]->cpos;
	{
		/* Rejects of this batch on disk before the batch commits. */
		long long rb = rejects_sync(cx->rj);

		cx->rj_moved = rb != cx->ck.rej_bytes;
		cx->ck.rej_bytes = rb;
	}
	if (cx->ck.file)
		ckpt_put(&cx->ck, &cx->tg, cx->order, cx->ntabs, cx->rj_moved);
	if (cx->tg.ops->commit_files)
		cx->tg.ops->commit_files(&cx->tg, final);
	xsql(cx, "COMMIT");
	cx->in_txn = 0;
	mark_committed(cx);
	if (cx->ck.file)
		ckpt_write(&cx->ck, &cx->tg, cx->order, cx->ntabs, final);
	/* A state line per commit that moved something: the last batch may have ended the stream. */
	if (changed || (final && !cx->stated))
		emit_state(cx);
	cx->stated = 1;
	cx->batch_rows = 0;
	if (!final) {
		begin(cx);
	}
}

/* ---- headers and rows ---- */

static void prepare(struct ctx *cx, struct ltab *t, const struct mig_header *h)
{
	/*
	 * A changed header: finish the rows written with the old one (and,
	 * first, those of tags before them).  A new tag: its checks and
	 * statements need the connection out of any open COPY.
	 */
	if (pending(cx, t) || cx->active)
		flush_all(cx);
	t->hdr = h;
	if (!t->prepared && cx->tg.upsert && defer_keys_left(&cx->tg, t->schema, t->table)) {
		if (cx->in_txn)
			cx->tg.ops->exec(&cx->tg, "ROLLBACK", &cx->err);
		die(MIG_EXIT_USAGE, "%s: a --defer-constraints=all run was stopped with the table's keys dropped, and "
		    "--upsert needs them: finish that run, or run mig-load without --upsert first", t->tag);
	}
	buf_reset(&cx->err);
	if (cx->tg.ops->prepare(&cx->tg, t, &cx->err) < 0) {
		struct buf e = BUF_INIT;

		char *p, *nl;

		buf_add(&e, cx->err.buf, cx->err.len);
		if (cx->in_txn)
			cx->tg.ops->exec(&cx->tg, "ROLLBACK", &cx->err);
		/* Every problem of the header on its own line, then stop. */
		for (p = e.buf; (nl = strchr(p, '\n')); p = nl + 1) {
			*nl = '\0';
			warn("%s", p);
		}
		/* a table the database lacks is a database error, as in every tool */
		buf_reset(&cx->err);
		die(cx->tg.ops->has_catalog && !find_table(&cx->tg, t, &cx->err) ? MIG_EXIT_DB : MIG_EXIT_DATA,
		    "%s", p);
	}
	if (!t->prepared) {
		/* A resumed tag was truncated by the run that committed its first rows. */
		if (opt_truncate && !t->cpos && !t->truncated && cx->tg.ops->truncate) {
			buf_reset(&cx->err);
			if (trunc_table(&cx->tg, &cx->tr, t, cx->order, cx->ntabs, &cx->err) < 0) {
				struct buf e = BUF_INIT;

				buf_add(&e, cx->err.buf, cx->err.len);
				cx->tg.ops->exec(&cx->tg, "ROLLBACK", &cx->err);
				die(MIG_EXIT_DB, "%s: --truncate: %s", t->tag, e.buf);
			}
		}
		defer_table(&cx->tg, t, cx->rj, &cx->orphans);
	}
	t->prepared = 1;
	t->raw_hdr = h;
	t->raw_first = t->pos;
}

static void key_text(struct ltab *t, const struct mig_field *f)
{
	size_t k;

	buf_reset(&t->lastkey);
	buf_addc(&t->lastkey, '[');
	for (k = 0; k < t->nkey; k++) {
		const struct mig_field *v = &f[t->keyidx[k]];

		if (k)
			buf_addc(&t->lastkey, ',');
		if (v->null)
			buf_adds(&t->lastkey, "null");
		else
			json_quote(&t->lastkey, v->val, v->len);
	}
	buf_addc(&t->lastkey, ']');
}

static void row(struct ctx *cx, struct ltab *t, const struct mig_item *it)
{
	const struct mig_header *h = it->hdr;
	size_t j;

	if (t->nkey)
		key_text(t, it->f);
	if (cx->tg.isolate) {
		if (t->nraw == t->capraw) {
			t->capraw = t->capraw ? 2 * t->capraw : 1024;
			t->offs = ereallocarray(t->offs, t->capraw, sizeof(*t->offs));
		}
		if (!t->nraw)
			t->pend_seq = cx->seq;
		cx->seq++;
		t->offs[t->nraw++] = t->raw.len;
		for (j = 0; j < h->ncols; j++)
			pack_field(&t->raw, it->f[j].val, it->f[j].len, it->f[j].null);
		t->pos++;
		if (t->nraw >= CHUNK_ROWS || t->raw.len >= CHUNK_BYTES)
			send_pending(cx);
		return;
	}
	if (!t->active && !t->out.len)
		t->bulk_first = t->pos;
	if (!t->out.len)
		t->pend_seq = cx->seq;
	cx->seq++;
	buf_reset(&cx->err);
	if (cx->tg.ops->encode(&cx->tg, t, it->f, &t->out, &cx->err) < 0) {
		struct buf e = BUF_INIT;

		buf_add(&e, cx->err.buf, cx->err.len);
		if (cx->in_txn)
			cx->tg.ops->exec(&cx->tg, "ROLLBACK", &cx->err);
		die(MIG_EXIT_DATA, "%s:%llu: %s", t->tag, it->row, e.buf);
	}
	t->pos++;
	t->out_rows++;
	if (t->out.len >= OUT_FLUSH)
		send_pending(cx);
}

static void summary(struct ctx *cx)
{
	size_t i;

	for (i = 0; i < cx->ntabs; i++) {
		struct ltab *t = cx->order[i];

		fprintf(stderr, "%s: %s: %llu rows %s, %llu rejected", argv0, t->tag,
			t->loaded - t->skipped,
			opt_dry_run ? "checked (rolled back)" : "loaded", t->rejected);
		if (cx->tg.insert_only)
			fprintf(stderr, ", %llu skipped (key already there)", t->skipped);
		if (t->resumed)
			fprintf(stderr, " (%llu records committed by an earlier run)", t->resumed);
		fputc('\n', stderr);
	}
}

/*
 * The application's next plain INSERT must not collide with a loaded id:
 * each counter the server keeps for a loaded column ends at least at the
 * largest value (-v: where each stands).  After the final commit, so a
 * killed run's rerun, which ends here too, does it.
 */
static void advance_ids(struct ctx *cx)
{
	size_t i;

	if (!cx->tg.ops->advance_ids)
		return;
	for (i = 0; i < cx->ntabs; i++) {
		struct ltab *t = cx->order[i];

		buf_reset(&cx->err);
		if (t->prepared && cx->tg.ops->advance_ids(&cx->tg, t, so.verbose, &cx->err) < 0)
			die(MIG_EXIT_DB, "%s: %s: rows committed, but the id counter was not advanced: %s", t->tag,
			    cx->tg.url.shown, cx->err.buf);
	}
}

static void add_table_opt(const char *s)
{
	const char *eq = strchr(s, '=');

	if (!eq || eq == s || !eq[1])
		die(MIG_EXIT_USAGE, "--table: expected TAG=TABLE: '%s'", s);
	opt_tables = ereallocarray(opt_tables, opt_ntables + 1, sizeof(*opt_tables));
	opt_tables[opt_ntables++] = (char *)s;
}

int main(int argc, char **argv)
{
	struct ctx cx;
	struct mig_item it;
	const char *why;
	struct ltab *t = NULL;
	int c, ret;
	size_t i;

	argv0 = "mig-load";
	memset(&cx, 0, sizeof(cx));
	while ((c = opts_next(argc, argv, &cmd)) != -1) {
		switch (c) {
		case 'b': opt_batch = estrtonum(optarg, 1, LLONG_MAX, "batch size"); break;
		case 'c': cx.ck.file = optarg; break;
		case 'j': opt_jobs = (int)estrtonum(optarg, 1, 64, "jobs"); break;
		case 'n': opt_dry_run = 1; break;
		case O_TABLE: add_table_opt(optarg); break;
		case 'U': opt_upsert = 1; opt_upsert_key = optarg; break;
		case O_INSERT_ONLY: opt_insert_only = 1; opt_upsert_key = optarg; break;
		case O_KEEP_COLS: opt_keep_cols = optarg; break;
		case O_COPY_FORMAT:
			if (!strcmp(optarg, "csv"))
				cx.tg.csv_only = 1;
			else if (strcmp(optarg, "auto"))
				die(MIG_EXIT_USAGE, "--copy-format=%s: auto or csv expected", optarg);
			break;
		case 'T':
			opt_truncate = 1;
			if (optarg && strcmp(optarg, "cascade"))
				die(MIG_EXIT_USAGE, "--truncate=%s: only cascade expected", optarg);
			cx.tr.cascade = optarg != NULL;
			break;
		case 'D':
			opt_defer = 1;
			if (optarg && !strcmp(optarg, "all"))
				opt_defer_keys = 1;
			else if (optarg && strcmp(optarg, "fk"))
				die(MIG_EXIT_USAGE, "--defer-constraints=%s: fk or all expected", optarg);
			break;
		default:
			std_option(c, optarg, &so, &cmd);
		}
	}
	if (argc - optind < 1 || argc - optind > 2)
		opts_usage(&cmd, MIG_EXIT_USAGE);
	if (opt_dry_run && (cx.ck.file || opt_batch))
		die(MIG_EXIT_USAGE, "--dry-run runs one transaction: no --batch-size or --checkpoint");
	/* --max-rejects 0 alone is meaningful: row isolation, stop at the first bad row */
	std_opts_check(&so);
	if (opt_upsert && opt_insert_only)
		die(MIG_EXIT_USAGE, "--upsert and --insert-only: choose one");
	if (opt_keep_cols && !opt_upsert)
		die(MIG_EXIT_USAGE, "--keep-columns needs --upsert");
	/* ON CONFLICT finds the row to update through the unique index. */
	if ((opt_upsert || opt_insert_only) && opt_defer_keys)
		die(MIG_EXIT_USAGE, "%s needs its unique key while rows go in: not with --defer-constraints=all",
		    opt_upsert ? "--upsert" : "--insert-only");

	buf_init(&cx.err);
	buf_init(&cx.sql);
	buf_init(&cx.tmp);
	/* not the URL itself in the message: it may hold a password */
	if (dburl_parse(argv[optind], &cx.tg.url, &why) < 0)
		die(MIG_EXIT_USAGE, "target: %s", why);
	dburl_scrub_argv(argc, argv);
	cx.tg.ops = tgt_drivers[cx.tg.url.kind];
	cx.tg.ckpt = cx.ck.file != NULL;
	/* --insert-only is an upsert that updates nothing */
	cx.tg.upsert = opt_upsert || opt_insert_only;
	cx.tg.insert_only = opt_insert_only;
	cx.tg.keep_cols = opt_keep_cols;
	cx.tg.upsert_key = opt_upsert_key;
	cx.tg.show_values = so.show_values;
	cx.tg.quiet = so.quiet;
	cx.tg.isolate = opt_dry_run || so.reject || so.max_rejects >= 0;
	cx.tg.dry_run = opt_dry_run;
	/*
	 * A dry run checks every row against the constraints as they stand and
	 * rolls back; deferring them would change the target (the saved
	 * definitions live outside the load's transaction) and check less.
	 */
	cx.tg.defer = opt_dry_run ? 0 : opt_defer;
	cx.tg.defer_keys = opt_defer_keys;
	if (!cx.tg.ops->has_catalog && (cx.tg.upsert || opt_defer))
		die(MIG_EXIT_USAGE, "%s: --upsert, --insert-only and --defer-constraints need a database target",
		    cx.tg.url.shown);
	cx.r = mig_reader_open(argc - optind == 2 ? argv[optind + 1] : NULL, 0);
	cx.w = mig_writer_new(1, "<stdout>", so.format, 0);
	if (cx.ck.file)
		ckpt_lock(&cx.ck);
	cx.tg.ops->open(&cx.tg);
	if (cx.tg.ops->has_catalog)
		load_catalog(&cx.tg);
	defer_start(&cx.tg);
	if (cx.ck.file) {
		cx.ck.tab = tab_of;
		cx.ck.arg = &cx;
		ckpt_start(&cx.ck, &cx.tg, cx.order, cx.ntabs);
	}
	{
		/* A resumed load appends to the rejects its committed batches wrote. */
		unsigned long long before = 0;

		for (i = 0; i < cx.ntabs; i++)
			before += cx.order[i]->crejected;
		cx.rj = rejects_resume(so.reject, "mig-load",
				       opt_dry_run && so.max_rejects < 0 ? -1 : so.max_rejects,
				       cx.ck.in ? cx.ck.rej_bytes : -1, before);
	}
	filter_init(&cx.fl, "mig-load", cx.r, cx.w, std_progress(&so), FILTER_SINK);
	cx.fl.work = tab_of;
	cx.fl.arg = &cx;
	begin(&cx);

	while ((ret = filter_next(&cx.fl, &it)) > 0) {
		t = cx.fl.cur;
		if (it.kind == MIG_HEADER) {
			/*
			 * Checked as it comes, except that a table the target lacks
			 * is an error only once a row needs it: a tag with no rows
			 * asks nothing of the target.
			 */
			if (table_known(&cx.tg, t))
				prepare(&cx, t, it.hdr);
			continue;
		}
		if (t->hdr != it.hdr)
			prepare(&cx, t, it.hdr);
		if (t->pos < t->skip) {
			/* Committed by an earlier run of this command. */
			t->pos++;
			t->resumed++;
			t->raw_first = t->pos;
			if (t->nkey)
				key_text(t, it.f);
			continue;
		}
		row(&cx, t, &it);
		if (opt_batch && ++cx.batch_rows >= (unsigned long long)opt_batch)
			commit(&cx, 0);
	}
	filter_end(&cx.fl);
	if (ret < 0) {
		buf_reset(&cx.err);
		cx.tg.ops->exec(&cx.tg, "ROLLBACK", &cx.err);
		die(MIG_EXIT_DATA, "%s (nothing committed since the last checkpoint)", mig_reader_error(cx.r));
	}
	flush_all(&cx);
	/*
	 * Other sessions can rebuild the indexes side by side only once they
	 * see the rows, and a foreign key validated apart from the rest holds
	 * its parent for less: so a batched load commits its last rows first.
	 * One transaction (no --batch-size) rebuilds them in that transaction.
	 */
	if (opt_defer && opt_batch && cx.tg.defer && !trunc_hold(&cx.tr)) {
		commit(&cx, 0);
		cx.tg.rows_committed = 1;
		if (opt_jobs > 1)
			cx.tg.rebuild_jobs = opt_jobs;
	}
	if (opt_defer)
		defer_finish(&cx.tg, cx.order, cx.ntabs, cx.rj, &cx.orphans);
	/* Rows committed must be rows received, less rejects: say so loudly if not. */
	for (i = 0; i < cx.ntabs; i++) {
		struct ltab *u = cx.order[i];

		if (u->loaded + u->rejected != u->pos) {
			buf_reset(&cx.err);
			cx.tg.ops->exec(&cx.tg, "ROLLBACK", &cx.err);
			die(MIG_EXIT_DATA, "%s: %llu rows received but %llu loaded and %llu rejected", u->tag,
			    u->pos, u->loaded, u->rejected);
		}
	}
	if (opt_dry_run) {
		/* What COMMIT would refuse (deferred foreign keys) is refused here too. */
		buf_reset(&cx.err);
		if (cx.tg.ops->check_deferred && cx.tg.ops->check_deferred(&cx.tg, &cx.err) < 0) {
			if (!cx.tg.data_err)
				die(MIG_EXIT_DB, "%s: %s", cx.tg.url.shown, cx.err.buf);
			warn("%s: at commit: %s", cx.tg.url.shown, cx.err.buf);
			cx.violations++;
		}
		trunc_check(&cx);
		xsql(&cx, "ROLLBACK");
		cx.in_txn = 0;
		if (cx.tg.ops->commit_files)
			cx.tg.ops->commit_files(&cx.tg, -1);
	} else {
		commit(&cx, 1);
		advance_ids(&cx);
	}
	{
		struct ledger l = LEDGER_INIT;

		for (i = 0; i < cx.ntabs; i++) {
			struct ltab *u = cx.order[i];
			struct ledger_counts *lc = ledger_tag(&l, u->tag);

			lc->in = u->pos;
			lc->out = opt_dry_run ? 0 : u->loaded - u->skipped;
			lc->rejected = u->rejected;
			lc->dropped = opt_dry_run ? u->loaded : u->skipped;
			if (u->skipped)
				ledger_add_extra(lc, "skipped", u->skipped);
			if (u->resumed)
				ledger_add_extra(lc, "resumed", u->resumed);
		}
		/* in the tables' order, those a checkpoint named included */
		ledger_release(&cx.fl.ledger);
		cx.fl.ledger = l;
		filter_stats(&cx.fl);
		filter_release(&cx.fl);
	}
	if (!so.quiet)
		summary(&cx);
	rejects_close(cx.rj);
	mig_writer_close(cx.w);
	mig_reader_free(cx.r);
	for (i = 0; i < cx.ntabs; i++) {
		struct ltab *u = cx.order[i];
		size_t k;

		cx.tg.ops->release(&cx.tg, u);
		free(u->tag);
		free(u->schema);
		free(u->table);
		free(u->conv);
		free(u->keyidx);
		for (k = 0; k < u->nkey; k++)
			free(u->keynames[k]);
		free(u->keynames);
		buf_release(&u->lastkey);
		buf_release(&u->clastkey);
		buf_release(&u->out);
		buf_release(&u->raw);
		free(u->offs);
		free(u);
	}
	cx.tg.ops->close(&cx.tg);
	free(cx.order);
	trunc_release(&cx.tr);
	strmap_release(&cx.tabs);
	if (cx.tg.have_cat)
		catalog_release(&cx.tg.cat);
	dburl_release(&cx.tg.url);
	ckpt_release(&cx.ck);
	buf_release(&cx.err);
	buf_release(&cx.sql);
	buf_release(&cx.tmp);
	free(opt_tables);
	fshut(stdout, "<stdout>");
	if (cx.orphans)
		return MIG_EXIT_DATA;
	if (opt_dry_run && cx.violations)
		return MIG_EXIT_DATA;
	return 0;
}
