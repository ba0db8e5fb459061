/*
 * load-csv.c - the csv:DIR target: one plain CSV file per tag, DIR/TAG.csv,
 * a header line of column names, then the rows in the stream's own CSV
 * conventions (unquoted empty = NULL, "" = empty string), which are also
 * what PostgreSQL's COPY ... (FORMAT csv, HEADER) reads.
 *
 * Transactions become files: a run without --checkpoint writes an unnamed
 * file in DIR (O_TMPFILE) and gives it the name DIR/TAG.csv when it
 * commits (linkat to DIR/.TAG.csv.part, rename over DIR/TAG.csv), so a
 * failed or killed run leaves the old file and no debris.  With --checkpoint the rows are appended
 * to DIR/TAG.csv, each commit fsyncs the files and the checkpoint records
 * their sizes; a rerun cuts each file back to its recorded size before
 * appending, so rows written after the last checkpoint are written again
 * exactly once.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "load.h"
#include "util.h"
#include "banned.h"

struct csvtab {
	int fd;
	char *path, *part;
	unsigned long long size;
	struct ltab *t;
	struct csvtab *next;
};

struct csvtarget {
	int direct;		/* --checkpoint: append in place */
	struct csvtab *files;
};

static int csv_exec(struct target *tg, const char *sql, struct buf *err)
{
	(void)tg;
	(void)sql;
	(void)err;
	return 0;
}

static int csv_query(struct target *tg, const char *sql, void (*fn)(void *, size_t, char **), void *arg,
		     struct buf *err)
{
	(void)tg;
	(void)sql;
	(void)fn;
	(void)arg;
	(void)err;
	return 0;
}

static char *csv_qname(struct target *tg, const struct ltab *t)
{
	(void)tg;
	return estrdup(t->table);
}

static char *csv_ident(struct target *tg, const char *name)
{
	(void)tg;
	return estrdup(name);
}

static void csv_release(struct target *tg, struct ltab *t)
{
	(void)tg;
	(void)t;
}

static int csv_prepare(struct target *tg, struct ltab *t, struct buf *err)
{
	struct csvtarget *ct = tg->priv;
	struct csvtab *f = t->drv;
	struct buf line = BUF_INIT;
	struct mig_field *names;
	size_t i;

	if (f) {
		/* A repeated header: same columns are fine, others cannot share a file. */
		const struct mig_header *old = f->t->raw_hdr;

		if (old && old->ncols == t->hdr->ncols) {
			for (i = 0; i < old->ncols; i++)
				if (strcmp(old->names[i], t->hdr->names[i]))
					break;
			if (i == old->ncols)
				return 0;
		}
		buf_addf(err, "%s: the header changed columns: a CSV file has one header", t->tag);
		return -1;
	}
	if (strchr(t->table, '/') || !strcmp(t->table, ".") || !strcmp(t->table, "..") || !*t->table) {
		buf_addf(err, "%s: not usable as a file name", t->tag);
		return -1;
	}
	f = t->drv = ecalloc(1, sizeof(*f));
	f->t = t;
	f->next = ct->files;
	ct->files = f;
	buf_addf(&line, "%s/%s.csv", tg->url.path, t->table);
	f->path = buf_detach(&line, NULL);
	f->fd = -1;
	if (tg->dry_run)
		return 0;
	if (ct->direct && t->cpos) {
		f->fd = open(f->path, O_WRONLY | O_CLOEXEC);
		if (f->fd < 0)
			die(MIG_EXIT_SYSTEM, "%s: cannot open:", f->path);
		if (ftruncate(f->fd, (off_t)t->cbytes) < 0 || lseek(f->fd, 0, SEEK_END) < 0)
			die(MIG_EXIT_SYSTEM, "%s: cannot cut back to the checkpoint:", f->path);
		f->size = t->cbytes;
		return 0;
	}
	if (!ct->direct) {
		buf_addf(&line, "%s/.%s.csv.part", tg->url.path, t->table);
		f->part = buf_detach(&line, NULL);
		f->fd = open(tg->url.path, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
	} else {
		f->fd = open(f->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	}
	if (f->fd < 0)
		die(MIG_EXIT_SYSTEM, "%s: cannot create:", f->part ? tg->url.path : f->path);
	names = ecalloc(t->hdr->ncols + 1, sizeof(*names));
	for (i = 0; i < t->hdr->ncols; i++)
		names[i] = (struct mig_field){ t->hdr->names[i], strlen(t->hdr->names[i]), 0, 0 };
	csv_encode_row(t->hdr, names, &line);
	free(names);
	if (write_all(f->fd, line.buf, line.len) < 0)
		die(MIG_EXIT_SYSTEM, "%s: write error:", f->path);
	f->size = line.len;
	buf_release(&line);
	return 0;
}

static int csv_encode(struct target *tg, struct ltab *t, const struct mig_field *f, struct buf *out,
		      struct buf *err)
{
	(void)tg;
	(void)err;
	csv_encode_row(t->hdr, f, out);
	return 0;
}

static int csv_bulk_begin(struct target *tg, struct ltab *t, struct buf *err)
{
	(void)tg;
	(void)t;
	(void)err;
	return 0;
}

static int csv_bulk_put(struct target *tg, struct ltab *t, const char *p, size_t n, unsigned long long *badrow,
			struct buf *err)
{
	struct csvtab *f = t->drv;
	unsigned long long rows = 0;
	size_t i;
	int q = 0;

	(void)badrow;
	(void)err;
	/* Count rows: newlines outside quotes. */
	for (i = 0; i < n; i++) {
		if (p[i] == '"')
			q = !q;
		else if (p[i] == '\n' && !q)
			rows++;
	}
	t->srv += rows;
	if (tg->dry_run)
		return 0;
	if (write_all(f->fd, p, n) < 0)
		die(MIG_EXIT_SYSTEM, "%s: write error:", f->path);
	f->size += n;
	return 0;
}

static int csv_bulk_end(struct target *tg, struct ltab *t, unsigned long long *badrow, struct buf *err)
{
	(void)tg;
	(void)t;
	(void)badrow;
	(void)err;
	return 0;
}

static void csv_commit(struct target *tg, int final)
{
	struct csvtarget *ct = tg->priv;
	struct csvtab *f;

	for (f = ct->files; f; f = f->next) {
		if (f->fd < 0)
			continue;
		if (final < 0) {
			close(f->fd);
			f->fd = -1;
			continue;
		}
		if (fsync(f->fd) < 0)
			die(MIG_EXIT_SYSTEM, "%s: write error:", f->path);
		if (final) {
			if (f->part) {
				char proc[64];

				snprintf(proc, sizeof(proc), "/proc/self/fd/%d", f->fd);
				unlink(f->part);
				if (linkat(AT_FDCWD, proc, AT_FDCWD, f->part, AT_SYMLINK_FOLLOW) < 0)
					die(MIG_EXIT_SYSTEM, "%s: cannot create:", f->part);
				if (rename(f->part, f->path) < 0)
					die(MIG_EXIT_SYSTEM, "%s: cannot rename:", f->part);
			}
			if (close(f->fd) < 0)
				die(MIG_EXIT_SYSTEM, "%s: write error:", f->path);
			f->fd = -1;
		}
	}
}

static unsigned long long csv_size(struct target *tg, struct ltab *t)
{
	struct csvtab *f = t->drv;

	(void)tg;
	return f ? f->size : t->cbytes;
}

static void csv_close(struct target *tg)
{
	struct csvtarget *ct = tg->priv;
	struct csvtab *f, *n;

	for (f = ct->files; f; f = n) {
		n = f->next;
		if (f->fd >= 0)
			close(f->fd);
		free(f->path);
		free(f->part);
		free(f);
	}
	free(ct);
}

static void csv_open(struct target *tg);

const struct tgt_ops csv_ops = {
	.exec = csv_exec,
	.prepare = csv_prepare,
	.encode = csv_encode,
	.bulk_begin = csv_bulk_begin,
	.bulk_put = csv_bulk_put,
	.bulk_end = csv_bulk_end,
	.query = csv_query,
	.qname = csv_qname,
	.ident = csv_ident,
	.release = csv_release,
	.close = csv_close,
	.open = csv_open,
	.commit_files = csv_commit,
	.file_size = csv_size,
};

static void csv_open(struct target *tg)
{
	struct csvtarget *ct = ecalloc(1, sizeof(*ct));

	tg->priv = ct;
	ct->direct = tg->ckpt;
	/* A dry run leaves the target as it found it: no directory where there was none. */
	if (!tg->dry_run && mkdir(tg->url.path, 0777) < 0 && errno != EEXIST)
		die(MIG_EXIT_SYSTEM, "%s: cannot create:", tg->url.path);
}
