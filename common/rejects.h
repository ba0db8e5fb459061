/*
 * rejects.h - the reject file every stage writes the same way.
 *
 * A reject is the refused record in the stream format, its header extended
 * with three text columns: _mig_stage (the tool), _mig_where (file:line,
 * tag:row or key) and _mig_reason.  Readers hide _mig_ columns, so a
 * rejects file, fixed in an editor, feeds straight back into a pipeline.
 * The file is created mode 0600: it holds row values.
 */
#ifndef MIG_REJECTS_H
#define MIG_REJECTS_H

#include "rec.h"

struct rejects;

/*
 * Open path for rejects from stage, allowing at most max of them (-1: no
 * limit).  path NULL: no file, any reject is over the limit.
 */
struct rejects *rejects_open(const char *path, const char *stage, long long max);
/*
 * Resume a rejects file that a checkpoint says held keep bytes and count
 * rejects when it was last synced: cut it back to keep bytes and append,
 * so each refused row of a resumed run is in the file once.  keep < 0
 * starts a new file, as rejects_open does.
 */
struct rejects *rejects_resume(const char *path, const char *stage, long long max, long long keep,
			       unsigned long long count);
/* Whether rejects are kept in a file at all. */
int rejects_has_file(const struct rejects *rj);
/* Flush and fsync; returns the file's size, to record with a commit. */
long long rejects_sync(struct rejects *rj);
/* Record one; 0, or -1 when this reject exceeds the limit (caller stops). */
int rejects_add(struct rejects *rj, const struct mig_header *h, const struct mig_field *f,
		const char *where, const char *reason);
unsigned long long rejects_count(const struct rejects *rj);
/* Flush, fsync and close; dies (exit 2) if the file cannot be written. */
void rejects_close(struct rejects *rj);

#endif
