#include <fcntl.h>
#include <sys/types.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rejects.h"
#include "strmap.h"
#include "util.h"
#include "banned.h"

struct rejects {
	char *path;
	char *stage;
	int fd;
	long long max;
	unsigned long long count;
	struct mig_writer *w;
	struct strmap hdrs;	/* tag -> extended header */
	struct mig_field *f;
	size_t fcap;
};

struct rejects *rejects_resume(const char *path, const char *stage, long long max, long long keep,
			       unsigned long long count)
{
	struct rejects *rj = ecalloc(1, sizeof(*rj));

	rj->stage = estrdup(stage);
	rj->max = path ? max : 0;
	rj->fd = -1;
	rj->count = count;
	if (!path)
		return rj;
	rj->path = estrdup(path);
	rj->fd = open(path, O_WRONLY | O_CREAT | (keep < 0 ? O_TRUNC : 0) | O_CLOEXEC, 0600);
	if (rj->fd < 0)
		die(MIG_EXIT_SYSTEM, "%s: cannot create:", path);
	if (keep >= 0 && (ftruncate(rj->fd, (off_t)keep) < 0 || lseek(rj->fd, 0, SEEK_END) < 0))
		die(MIG_EXIT_SYSTEM, "%s: cannot cut back to the checkpoint:", path);
	/* Appending: the version line is already at the top. */
	rj->w = mig_writer_new(rj->fd, path, MIG_FMT_CSV, keep > 0 ? MIG_W_NO_VERSION : 0);
	return rj;
}

struct rejects *rejects_open(const char *path, const char *stage, long long max)
{
	return rejects_resume(path, stage, max, -1, 0);
}

int rejects_has_file(const struct rejects *rj)
{
	return rj && rj->w;
}

long long rejects_sync(struct rejects *rj)
{
	off_t end;

	if (!rj->w)
		return 0;
	mig_writer_flush(rj->w);
	end = lseek(rj->fd, 0, SEEK_END);
	if (end < 0 || fsync(rj->fd) < 0)
		die(MIG_EXIT_SYSTEM, "%s: write error:", rj->path);
	return (long long)end;
}

static struct mig_header *extended(struct rejects *rj, const struct mig_header *h)
{
	struct mig_header *x = strmap_get(&rj->hdrs, h->tag, strlen(h->tag));
	size_t i;

	if (x && x->ncols == h->ncols + 3) {
		for (i = 0; i < h->ncols; i++)
			if (strcmp(x->names[i], h->names[i]) || x->types[i] != h->types[i])
				break;
		if (i == h->ncols)
			return x;
	}
	mig_header_free(x);
	x = mig_header_new(h->tag, h->ncols + 3);
	for (i = 0; i < h->ncols; i++) {
		x->names[i] = estrdup(h->names[i]);
		x->types[i] = h->types[i];
	}
	x->names[i] = estrdup("_mig_stage");
	x->types[i++] = MIG_T_TEXT;
	x->names[i] = estrdup("_mig_where");
	x->types[i++] = MIG_T_TEXT;
	x->names[i] = estrdup("_mig_reason");
	x->types[i] = MIG_T_TEXT;
	strmap_put(&rj->hdrs, h->tag, strlen(h->tag), x);
	return x;
}

int rejects_add(struct rejects *rj, const struct mig_header *h, const struct mig_field *f,
		const char *where, const char *reason)
{
	struct mig_header *x;
	size_t n = h->ncols;

	rj->count++;
	if (!rj->w || (rj->max >= 0 && rj->count > (unsigned long long)rj->max))
		return -1;
	x = extended(rj, h);
	if (rj->fcap < n + 3) {
		rj->fcap = n + 3;
		rj->f = ereallocarray(rj->f, rj->fcap, sizeof(*rj->f));
	}
	memcpy(rj->f, f, n * sizeof(*f));
	rj->f[n] = (struct mig_field){ rj->stage, strlen(rj->stage), 0, 0 };
	rj->f[n + 1] = (struct mig_field){ where, strlen(where), 0, 0 };
	rj->f[n + 2] = (struct mig_field){ reason, strlen(reason), 0, 0 };
	mig_write_record(rj->w, x, rj->f);
	return 0;
}

unsigned long long rejects_count(const struct rejects *rj)
{
	return rj->count;
}

static void free_hdr(const char *key, void *val, void *arg)
{
	(void)key;
	(void)arg;
	mig_header_free(val);
}

void rejects_close(struct rejects *rj)
{
	if (!rj)
		return;
	if (rj->w) {
		mig_writer_close(rj->w);
		if (fsync(rj->fd) < 0 || close(rj->fd) < 0)
			die(MIG_EXIT_SYSTEM, "%s: write error:", rj->path);
	}
	strmap_each(&rj->hdrs, free_hdr, NULL);
	strmap_release(&rj->hdrs);
	free(rj->f);
	free(rj->path);
	free(rj->stage);
	free(rj);
}
