/*
 * load-ckpt.h - mig-load's --checkpoint (load-ckpt.c).
 *
 * The core calls ckpt_lock before it touches the target, ckpt_start once
 * the target is open, ckpt_put inside each batch's transaction just
 * before COMMIT, and ckpt_write after each COMMIT.  The counts live in
 * the tables (struct ltab): pos/loaded/rejected/lastkey as the load goes,
 * cpos/cloaded/crejected/clastkey as of the last commit.
 */
#ifndef MIG_LOAD_CKPT_H
#define MIG_LOAD_CKPT_H

#include <jansson.h>

#include "load.h"

struct ckpt {
	const char *file;	/* --checkpoint FILE; NULL: none */
	char run[33];		/* the load's run id, kept by every rerun */
	json_t *in;		/* the file as read at start, NULL if it was new */
	long long rej_bytes;	/* rejects file size at the last commit */
	/* The table of a tag, made on first sight (for tags only a checkpoint names). */
	void *(*tab)(void *arg, const char *tag);
	void *arg;
};

/* One run per checkpoint file at a time: flock on FILE.lock, or die (exit 2). */
void ckpt_lock(const struct ckpt *ck);
/*
 * Read the file (or write a new one with a new run id), then the
 * committed counts of every tag into its table: from the target's
 * bookkeeping table (created if missing), or from the file for a target
 * without one.  Before the load's first transaction.
 */
void ckpt_start(struct ckpt *ck, struct target *tg, struct ltab **tabs, size_t ntabs);
/*
 * In the batch's open transaction: the row of each tag that moved (all of
 * them when rj_moved, the rejects file having grown).  Dies on failure,
 * after a ROLLBACK.
 */
void ckpt_put(const struct ckpt *ck, struct target *tg, struct ltab **tabs, size_t ntabs, int rj_moved);
/* Replace the file with the committed counts; done: the load has ended. */
void ckpt_write(const struct ckpt *ck, const struct target *tg, struct ltab **tabs, size_t ntabs, int done);
void ckpt_release(struct ckpt *ck);

#endif
