#include <stdio.h>
#include <unistd.h>

#include "progress.h"
#include "util.h"
#include "banned.h"

void progress_init(struct progress *p, int force)
{
	p->on = force < 0 ? isatty(2) : force;
	p->label = "";
	p->rows = p->total = 0;
	p->start = p->last = now_seconds();
}

void progress_begin(struct progress *p, const char *label, unsigned long long total)
{
	progress_end(p);
	p->label = label;
	p->rows = 0;
	p->total = total;
	p->start = p->last = now_seconds();
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
