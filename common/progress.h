/*
 * progress.h - "users: 1200000 rows, 410000 rows/s, ETA 0:07" on stderr.
 *
 * Shown by default only by the last stage of a pipeline on a terminal:
 * stderr is a terminal and stdout is not a pipe (or socket) into another
 * program.  Every stage of "mig-extract | mig-map | mig-load" shares the
 * terminal, and the last one, which sees the rows arrive at the rate the
 * whole pipeline runs, draws the one line; see mig(7).  --progress forces
 * it on whatever stdout is.  Redrawn at most a few times a second, so it
 * costs one clock read per 4096 rows.  The total, when known, comes from
 * a row-count hint; progress_done() ends with the elapsed time and rate.
 */
#ifndef MIG_PROGRESS_H
#define MIG_PROGRESS_H

struct progress {
	int on;
	const char *label;
	unsigned long long rows, total;
	double start, last;
	unsigned long long done;	/* rows of the tags before this one */
	double first;			/* when progress_init ran */
};

/* force: 1 always, 0 never, -1 when this is the last stage on a terminal. */
void progress_init(struct progress *p, int force);
/* Start counting a new tag (label is borrowed until the next call). */
void progress_begin(struct progress *p, const char *label, unsigned long long total);
void progress_tick_slow(struct progress *p);
static inline void progress_tick(struct progress *p)
{
	if (++p->rows % 4096 == 0 && p->on)
		progress_tick_slow(p);
}
/* Clear the line. */
void progress_end(struct progress *p);
/* Clear the line and, when shown, say "N rows in T s, R rows/s". */
void progress_done(struct progress *p);

#endif
