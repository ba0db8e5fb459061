/*
 * progress.h - "users: 1200000 rows, 410000 rows/s, ETA 0:07" on stderr.
 *
 * Shown only when stderr is a terminal (or when forced with --progress),
 * redrawn at most a few times a second, so it costs one clock read per
 * 4096 rows.  The total, when known, comes from a row-count hint.
 */
#ifndef MIG_PROGRESS_H
#define MIG_PROGRESS_H

struct progress {
	int on;
	const char *label;
	unsigned long long rows, total;
	double start, last;
};

/* force: 1 always, 0 never, -1 when stderr is a terminal. */
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

#endif
