#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "progress.h"
#include "util.h"
#include "banned.h"

/*
 * Standard output going into a pipe means another program reads it: in a
 * pipeline of mig tools, a stage before the last.  The last stage sees the
 * rows at the pace of the whole pipeline, so its line is the one to show.
 */
static int last_stage(void)
{
	struct stat st;

	return fstat(1, &st) < 0 || !(S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode));
}

void progress_init(struct progress *p, int force)
{
	p->on = force < 0 ? isatty(2) && last_stage() : force;
	p->label = "";
	p->rows = p->total = p->done = 0;
	p->first = p->start = p->last = now_seconds();
}

void progress_begin(struct progress *p, const char *label, unsigned long long total)
{
	progress_end(p);
	p->done += p->rows;
	p->label = label;
	p->rows = 0;
	p->total = total;
	p->start = now_seconds();
	/* the first tick (at 4096 rows) draws at once, so a tag shows up early */
	p->last = p->start - 1;
}

void progress_tick_slow(struct progress *p)
{
	double t = now_seconds(), rate;

	if (t - p->last < 0.25)
		return;
	p->last = t;
	rate = p->rows / (t - p->start > 1e-9 ? t - p->start : 1e-9);
	fprintf(stderr, "\r%s: %s: %llu rows, %.0f rows/s", argv0, p->label, p->rows, rate);
	if (p->total > p->rows && rate > 0) {
		unsigned long eta = (unsigned long)((double)(p->total - p->rows) / rate);

		fprintf(stderr, ", ETA %lu:%02lu", eta / 60, eta % 60);
	}
	fputs("\033[K", stderr);
}

void progress_end(struct progress *p)
{
	if (p->on && p->rows >= 4096)
		fputs("\r\033[K", stderr);
}

void progress_done(struct progress *p)
{
	double t;
	unsigned long long n;

	progress_end(p);
	if (!p->on)
		return;
	t = now_seconds() - p->first;
	n = p->done + p->rows;
	fprintf(stderr, "%s: %llu rows in %.1f s, %.0f rows/s\n", argv0, n, t, n / (t > 1e-3 ? t : 1e-3));
	p->done = n;
	p->rows = 0;
	p->on = 0;
}
