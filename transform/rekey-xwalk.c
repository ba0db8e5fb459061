#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csvfile.h"
#include "rekey.h"
#include "util.h"
#include "banned.h"

/*
 * Crosswalks are written as the stream flows, to FILE.part, so that a
 * crash leaves no file that looks complete; the rename happens only after
 * every row is on disk.  Mode 0600: old keys can be personal data.  A
 * device or a pipe (-x users=/dev/null) is written in place: renaming a
 * file over it would replace the device itself.
 */
void xwalk_open(struct xwalk_out *x, const char *path, const char *head)
{
	struct buf p = BUF_INIT;
	struct stat st;

	memset(x, 0, sizeof(*x));
	x->path = estrdup(path);
	x->inplace = stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
	if (x->inplace)
		buf_adds(&p, path);
	else
		buf_addf(&p, "%s.part", path);
	x->part = buf_detach(&p, NULL);
	x->fd = open(x->part, O_WRONLY | O_CREAT | (x->inplace ? 0 : O_TRUNC) | O_CLOEXEC, 0600);
	if (x->fd < 0)
		die(MIG_EXIT_SYSTEM, "%s: cannot create:", x->part);
	buf_init(&x->b);
	buf_adds(&x->b, head);
	buf_addc(&x->b, '\n');
}

static void xwalk_flush(struct xwalk_out *x)
{
	if (write_all(x->fd, x->b.buf, x->b.len) < 0)
		die(MIG_EXIT_SYSTEM, "%s: write error:", x->part);
	buf_reset(&x->b);
}

void xwalk_row(struct xwalk_out *x, const char *old, size_t on, const char *new, size_t nn)
{
	csvfile_field(&x->b, old, on, 0);
	buf_addc(&x->b, ',');
	csvfile_field(&x->b, new, nn, 0);
	buf_addc(&x->b, '\n');
	x->rows++;
	if (x->b.len >= 1 << 16)
		xwalk_flush(x);
}

void xwalk_rowv(struct xwalk_out *x, const struct mig_field *f, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i)
			buf_addc(&x->b, ',');
		csvfile_field(&x->b, f[i].val, f[i].len, f[i].null);
	}
	buf_addc(&x->b, '\n');
	x->rows++;
	if (x->b.len >= 1 << 16)
		xwalk_flush(x);
}

/* The rename itself survives a crash only once its directory is synced. */
static void sync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? estrndup(path, slash == path ? 1 : (size_t)(slash - path)) : estrdup(".");
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	/* some file systems refuse fsync on a directory: nothing more to do there */
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	free(dir);
}

void xwalk_close(struct xwalk_out *x)
{
	xwalk_flush(x);
	if (!x->inplace && fsync(x->fd) < 0)
		die(MIG_EXIT_SYSTEM, "%s: fsync:", x->part);
	if (close(x->fd) < 0)
		die(MIG_EXIT_SYSTEM, "%s: close:", x->part);
	if (!x->inplace) {
		if (rename(x->part, x->path) < 0)
			die(MIG_EXIT_SYSTEM, "%s: cannot rename to '%s':", x->part, x->path);
		sync_dir(x->path);
	}
	buf_release(&x->b);
	free(x->path);
	free(x->part);
	x->fd = -1;
}

struct loadstate {
	struct keymap *m;
	const char *path;
	unsigned long line;	/* first line of the record being read */
	unsigned long rows;	/* records read, header included */
	enum mig_type kind;	/* how the new keys are held so far */
};

/* Text of value cell i under kind, appended to out. */
void xwalk_value(const struct keymap *m, enum mig_type kind, size_t i, struct buf *out)
{
	const unsigned char *cell = keymap_val(m, i);
	uint64_t v;
	char u[37];

	switch (kind) {
	case MIG_T_UUID:
		uuid_format(cell, u);
		buf_add(out, u, 36);
		break;
	case MIG_T_INT:
		memcpy(&v, cell, 8);
		buf_add_i64(out, (int64_t)v);
		break;
	default: {
		const char *s;
		size_t n;

		memcpy(&v, cell, 8);
		s = arena_get(&m->arena, v, &n);
		buf_add(out, s, n);
	}
	}
}

/* Hold every value seen so far as text: a value of another kind came. */
static void values_to_text(struct loadstate *st)
{
	struct buf b = BUF_INIT;
	uint64_t ref;
	size_t i;

	for (i = 0; i < st->m->n; i++) {
		buf_reset(&b);
		xwalk_value(st->m, st->kind, i, &b);
		ref = arena_add(&st->m->arena, b.buf, b.len);
		memcpy(keymap_val(st->m, i), &ref, 8);
	}
	buf_release(&b);
	st->kind = MIG_T_TEXT;
}

/* One (old, new) row of the file (not the header). */
static void add_pair(struct loadstate *st, const char *old, size_t olen, int onull, const char *new,
		     size_t nlen, int nnull)
{
	unsigned char u[16], *cell;
	char canon[37];
	int64_t v;
	uint64_t ref;
	enum mig_type k;

	if (onull || nnull || !olen || !nlen)
		die(MIG_EXIT_DATA, "%s:%lu: empty key", st->path, st->line);
	if (keymap_find(st->m, old, olen) >= 0)
		die(MIG_EXIT_DATA, "%s:%lu: old key appears twice", st->path, st->line);
	/*
	 * UUIDs in canonical form take 16 bytes and integers 8, rather than
	 * their text; a value that must be written back otherwise (upper
	 * case, leading zeros) keeps its text.
	 */
	k = MIG_T_TEXT;
	if (uuid_parse36(new, nlen, u) == 0) {
		uuid_format(u, canon);
		if (!memcmp(canon, new, 36))
			k = MIG_T_UUID;
	} else if (canon_int(new, nlen, &v) == 0) {
		k = MIG_T_INT;
	}
	if (st->kind == MIG_T_ANY)
		st->kind = k;
	else if (st->kind != k && st->kind != MIG_T_TEXT)
		values_to_text(st);
	cell = keymap_val(st->m, keymap_add(st->m, old, olen));
	if (st->kind == MIG_T_UUID) {
		memcpy(cell, u, 16);
	} else if (st->kind == MIG_T_INT) {
		memcpy(cell, &v, 8);
	} else {
		ref = arena_add(&st->m->arena, new, nlen);
		memcpy(cell, &ref, 8);
	}
}

static int on_row(void *arg, const struct csvfile_row *r, struct buf *err)
{
	struct loadstate *st = arg;

	(void)err;
	st->line = r->line;
	st->rows++;
	if (r->nf != 2)
		die(MIG_EXIT_DATA, "%s:%lu: %zu fields, expected 2 (old,new)", st->path, st->line, r->nf);
	if (r->recno > 1)
		add_pair(st, r->f[0].val, r->f[0].len, !r->f[0].val, r->f[1].val, r->f[1].len, !r->f[1].val);
	return 0;
}

void xwalk_load(struct keymap *m, const char *path, enum mig_type *type)
{
	struct loadstate st = { .m = m, .path = path, .line = 1, .kind = MIG_T_ANY };
	struct csvfile_opts o = { .flags = CSVF_EMPTY_IS_NULL };
	struct buf err = BUF_INIT;
	FILE *fp = fopen(path, "re");

	if (!fp)
		die(MIG_EXIT_SYSTEM, "%s: cannot open:", path);
	if (csvfile_read(fp, path, &o, on_row, &st, &err) < 0)
		die(MIG_EXIT_DATA, "%s", err.buf);
	fclose(fp);
	if (st.rows == 0)
		die(MIG_EXIT_DATA, "%s:1: no header line", path);
	buf_release(&err);
	*type = st.kind;
}
