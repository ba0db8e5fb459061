/*
 * load-ckpt.c - --checkpoint: what a batched load has committed, and
 * where a rerun of the same command resumes.
 *
 * Two records: the checkpoint file (JSON, replaced by rename after every
 * commit) and, for a database target, the bookkeeping table
 * _mig_load_checkpoint, whose row per tag is written in the same
 * transaction as the batch's rows.  After a kill the table, not the
 * file, is the truth: a batch and its row commit together or not at all.
 * The file holds the run id that finds this load's rows in the table.  A
 * target with no transactions (csv) keeps the file as its only record.
 * The driver says how its dialect locks the table's creation and
 * replaces a row (struct ckpt_sql); this file holds the rest.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "load-ckpt.h"
#include "util.h"
#include "banned.h"

/*
 * One run at a time per checkpoint: two runs resuming from the same file
 * would both load the rows after it.  The lock is flock(2) on CKPT.lock,
 * a file that is never renamed (the checkpoint itself is replaced by
 * rename, so a lock on it would not be seen by a run opening the new
 * one), taken before the target is touched and dropped by the kernel when
 * the process ends, however it ends.  The lock file keeps the holder's
 * pid for the message; it stays behind, empty of meaning once unlocked.
 */
void ckpt_lock(const struct ckpt *ck)
{
	struct buf path = BUF_INIT, pid = BUF_INIT;
	char held[32] = "";
	struct stat st;
	ssize_t n;
	int fd;

	/* It is read back and replaced by rename: a device there would be replaced. */
	if (stat(ck->file, &st) == 0 && !S_ISREG(st.st_mode))
		die(MIG_EXIT_USAGE, "%s: a checkpoint must be a regular file", ck->file);
	buf_addf(&path, "%s.lock", ck->file);
	fd = open(path.buf, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		die(MIG_EXIT_SYSTEM, "%s: cannot open the checkpoint lock:", path.buf);
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno != EWOULDBLOCK)
			die(MIG_EXIT_SYSTEM, "%s: cannot lock:", path.buf);
		n = pread(fd, held, sizeof(held) - 1, 0);
		held[n > 0 ? n : 0] = '\0';
		held[strcspn(held, "\n")] = '\0';
		die(MIG_EXIT_USAGE, "%s: checkpoint in use by another run%s%s%s: nothing done", ck->file,
		    *held ? " (pid " : "", held, *held ? ")" : "");
	}
	buf_addf(&pid, "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, pid.buf, pid.len, 0) != (ssize_t)pid.len)
		die(MIG_EXIT_SYSTEM, "%s: write error:", path.buf);
	/* fd stays open, and so the lock held, until the process ends */
	buf_release(&path);
	buf_release(&pid);
}

void ckpt_write(const struct ckpt *ck, const struct target *tg, struct ltab **tabs, size_t ntabs, int done)
{
	json_t *j = json_object(), *tags = json_object();
	struct buf path = BUF_INIT;
	char *s;
	size_t i;
	int fd;

	json_object_set_new(j, "run", json_string(ck->run));
	json_object_set_new(j, "target", json_string(tg->url.shown));
	json_object_set_new(j, "done", json_boolean(done));
	json_object_set_new(j, "rejects_bytes", json_integer((json_int_t)ck->rej_bytes));
	for (i = 0; i < ntabs; i++) {
		struct ltab *t = tabs[i];
		json_t *o = json_object();

		json_object_set_new(o, "pos", json_integer((json_int_t)t->cpos));
		json_object_set_new(o, "loaded", json_integer((json_int_t)t->cloaded));
		json_object_set_new(o, "rejected", json_integer((json_int_t)t->crejected));
		if (t->clastkey.len)
			json_object_set_new(o, "last_key", json_loads(t->clastkey.buf, JSON_DECODE_ANY, NULL));
		if (!tg->ops->ckpt)
			json_object_set_new(o, "bytes", json_integer((json_int_t)t->cbytes));
		json_object_set_new(tags, t->tag, o);
	}
	json_object_set_new(j, "tags", tags);
	s = json_dumps(j, JSON_SORT_KEYS | JSON_INDENT(1));
	json_decref(j);
	/* Write beside, fsync, rename: a kill leaves the old file or the new one. */
	buf_addf(&path, "%s.tmp%ld", ck->file, (long)getpid());
	fd = open(path.buf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		die(MIG_EXIT_SYSTEM, "%s: cannot create:", path.buf);
	if (write_all(fd, s, strlen(s)) < 0 || write_all(fd, "\n", 1) < 0 || fsync(fd) < 0 || close(fd) < 0)
		die(MIG_EXIT_SYSTEM, "%s: write error:", path.buf);
	if (rename(path.buf, ck->file) < 0)
		die(MIG_EXIT_SYSTEM, "%s: cannot rename:", ck->file);
	free(s);
	buf_release(&path);
}

static void new_run_id(char *out)
{
	unsigned char b[16];
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	size_t i;

	if (fd < 0 || read(fd, b, sizeof(b)) != (ssize_t)sizeof(b))
		die(MIG_EXIT_SYSTEM, "/dev/urandom:");
	close(fd);
	for (i = 0; i < 16; i++) {
		out[2 * i] = "0123456789abcdef"[b[i] >> 4];
		out[2 * i + 1] = "0123456789abcdef"[b[i] & 15];
	}
	out[32] = '\0';
}

/* One tag's committed counts, as a file or a table row gives them. */
static void ckpt_set(struct ltab *t, unsigned long long pos, unsigned long long loaded,
		     unsigned long long rejected, const char *lastkey)
{
	/* Counts are the whole load's, this run's and the earlier ones'. */
	t->skip = t->cpos = pos;
	t->loaded = t->cloaded = loaded;
	t->rejected = t->crejected = rejected;
	buf_reset(&t->clastkey);
	if (lastkey)
		buf_adds(&t->clastkey, lastkey);
}

/* Plain files: the checkpoint file is the only record. */
static void read_file_tags(struct ckpt *ck)
{
	json_t *tags = ck->in ? json_object_get(ck->in, "tags") : NULL;
	const char *k;
	json_t *v;

	ck->rej_bytes = ck->in ? (long long)json_integer_value(json_object_get(ck->in, "rejects_bytes")) : 0;
	json_object_foreach(tags, k, v) {
		struct ltab *t = ck->tab(ck->arg, k);
		json_t *lk = json_object_get(v, "last_key");
		char *s = lk ? json_dumps(lk, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;

		ckpt_set(t, (unsigned long long)json_integer_value(json_object_get(v, "pos")),
			 (unsigned long long)json_integer_value(json_object_get(v, "loaded")),
			 (unsigned long long)json_integer_value(json_object_get(v, "rejected")), s);
		t->cbytes = (unsigned long long)json_integer_value(json_object_get(v, "bytes"));
		free(s);
	}
}

/* A bookkeeping row: tag, pos, loaded, rejected, last_key, rej_bytes. */
static void row_cb(void *arg, size_t n, char **v)
{
	struct ckpt *ck = arg;

	if (n == 6 && v[0] && v[1] && v[2] && v[3]) {
		long long rb = v[5] ? strtoll(v[5], NULL, 10) : 0;

		ckpt_set(ck->tab(ck->arg, v[0]), strtoull(v[1], NULL, 10), strtoull(v[2], NULL, 10),
			 strtoull(v[3], NULL, 10), v[4]);
		if (rb > ck->rej_bytes)
			ck->rej_bytes = rb;
	}
}

/* First value of a query's first row, into the buf arg. */
static void first_cb(void *arg, size_t n, char **v)
{
	struct buf *b = arg;

	if (n && !b->len)
		buf_adds(b, v[0] ? v[0] : "");
}

/* Run one of the driver's run-lock formats; its value, or die. */
static void run_lock_query(struct target *tg, const char *fmt, const char *run, struct buf *val)
{
	struct buf sql = BUF_INIT, err = BUF_INIT;

	buf_addf(&sql, fmt, run);
	buf_reset(val);
	if (tg->ops->query(tg, sql.buf, first_cb, val, &err) < 0)
		die(MIG_EXIT_DB, "%s: %s", tg->url.shown, err.buf);
	buf_release(&sql);
	buf_release(&err);
}

/*
 * A killed run's server session can outlive its process: a COMMIT sent
 * just before the kill is still being carried out when the rerun starts.
 * Positions read then would be the older ones, and the rerun would load
 * that last batch again.  So every run holds a server lock named by its
 * run id for as long as its session lasts, and a rerun takes it before
 * it reads a position: the wait ends when the server has ended the old
 * session, its last transaction committed or rolled back.
 */
static void run_lock(const struct ckpt *ck, struct target *tg)
{
	const struct ckpt_sql *cs = tg->ops->ckpt;
	struct buf v = BUF_INIT;

	if (!cs->run_try)
		return;
	run_lock_query(tg, cs->run_try, ck->run, &v);
	if (strcmp(v.buf, "t") && strcmp(v.buf, "1")) {
		if (!tg->quiet)
			warn("%s: waiting for the server to end the session of an earlier run of this load", ck->file);
		run_lock_query(tg, cs->run_wait, ck->run, &v);
		if (!strcmp(v.buf, "0"))
			die(MIG_EXIT_DB, "%s: an earlier run of this load still holds %s, or the wait for it was cut short: nothing done",
			    ck->file, tg->url.shown);
	}
	buf_release(&v);
}

/* Run SQL of the checkpoint's own; a failure rolls back and dies. */
static void ck_exec(struct target *tg, const char *sql, int in_txn)
{
	struct buf err = BUF_INIT, e = BUF_INIT;

	if (tg->ops->exec(tg, sql, &err) < 0) {
		buf_add(&e, err.buf, err.len);
		if (in_txn)
			tg->ops->exec(tg, "ROLLBACK", &err);
		die(MIG_EXIT_DB, "%s: %s", tg->url.shown, e.buf);
	}
	buf_release(&err);
}

void ckpt_start(struct ckpt *ck, struct target *tg, struct ltab **tabs, size_t ntabs)
{
	const struct ckpt_sql *cs = tg->ops->ckpt;
	struct buf sql = BUF_INIT, err = BUF_INIT;
	json_error_t je;

	if (access(ck->file, F_OK) == 0) {
		json_t *run;

		ck->in = json_load_file(ck->file, 0, &je);
		if (!ck->in)
			die(MIG_EXIT_DATA, "%s:%d: bad checkpoint file: %s", ck->file, je.line, je.text);
		run = json_object_get(ck->in, "run");
		if (!json_is_string(run) || strlen(json_string_value(run)) != 32)
			die(MIG_EXIT_DATA, "%s: bad checkpoint file: no run id", ck->file);
		memcpy(ck->run, json_string_value(run), 33);
	} else {
		new_run_id(ck->run);
		ckpt_write(ck, tg, tabs, ntabs, 0);
	}
	if (!cs) {
		read_file_tags(ck);
		return;
	}
	/*
	 * Two first runs at once would both create the table, and PostgreSQL's
	 * IF NOT EXISTS does not stop the second from colliding in pg_type: a
	 * lock makes them take turns, as the driver's dialect takes one.
	 */
	if (cs->lock)
		ck_exec(tg, cs->lock, 0);
	buf_addf(&sql, "%sCREATE TABLE IF NOT EXISTS %s (run_id varchar(32) NOT NULL, tag varchar(255) NOT NULL, "
		 "pos bigint NOT NULL, loaded bigint NOT NULL, rejected bigint NOT NULL, last_key text, rej_bytes bigint, "
		 "PRIMARY KEY (run_id, tag))", cs->create_prefix ? cs->create_prefix : "", CKPT_TABLE);
	ck_exec(tg, sql.buf, 0);
	if (cs->unlock)
		ck_exec(tg, cs->unlock, 0);
	run_lock(ck, tg);
	/* The committed positions of this run, through the driver's own query. */
	buf_reset(&sql);
	buf_addf(&sql, "SELECT tag, pos, loaded, rejected, last_key, rej_bytes FROM %s WHERE run_id = '%s'", CKPT_TABLE,
		 ck->run);
	if (tg->ops->query(tg, sql.buf, row_cb, ck, &err) < 0)
		die(MIG_EXIT_DB, "%s: %s", tg->url.shown, err.buf);
	buf_release(&sql);
	buf_release(&err);
}

void ckpt_put(const struct ckpt *ck, struct target *tg, struct ltab **tabs, size_t ntabs, int rj_moved)
{
	const struct ckpt_sql *cs = tg->ops->ckpt;
	struct buf sql = BUF_INIT;
	size_t i;

	if (!cs)
		return;
	for (i = 0; i < ntabs; i++) {
		struct ltab *t = tabs[i];

		/* Unchanged tags keep their row, but the rejects size moves for all. */
		if (t->pos == t->cpos && t->cpos && !rj_moved)
			continue;
		if (!cs->upsert) {
			buf_reset(&sql);
			buf_addf(&sql, "DELETE FROM %s WHERE run_id = '%s' AND tag = ", CKPT_TABLE, ck->run);
			db_std_lit(&sql, t->tag);
			ck_exec(tg, sql.buf, 1);
		}
		buf_reset(&sql);
		buf_addf(&sql, "INSERT INTO %s VALUES ('%s', ", CKPT_TABLE, ck->run);
		db_std_lit(&sql, t->tag);
		buf_addf(&sql, ", %llu, %llu, %llu, ", t->pos, t->loaded, t->rejected);
		db_std_lit(&sql, t->lastkey.len ? t->lastkey.buf : NULL);
		buf_addf(&sql, ", %lld)%s", ck->rej_bytes, cs->upsert ? cs->upsert : "");
		ck_exec(tg, sql.buf, 1);
	}
	buf_release(&sql);
}

void ckpt_release(struct ckpt *ck)
{
	json_decref(ck->in);
	ck->in = NULL;
}
