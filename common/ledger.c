#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "ledger.h"
#include "util.h"
#include "banned.h"

/* When the first tag was counted: the start of a stage's ms= (MIG_STATS_TIME). */
static struct timespec ledger_t0;

struct ledger_counts *ledger_tag(struct ledger *l, const char *tag)
{
	size_t n = strlen(tag);
	struct ledger_counts *c = strmap_get(&l->tags, tag, n);

	if (c)
		return c;
	if (!ledger_t0.tv_sec && !ledger_t0.tv_nsec)
		clock_gettime(CLOCK_MONOTONIC, &ledger_t0);
	c = ecalloc(1, sizeof(*c));
	strmap_put(&l->tags, tag, n, c);
	l->order = ereallocarray(l->order, l->n + 1, sizeof(*l->order));
	l->order[l->n++] = estrdup(tag);
	return c;
}

void ledger_add_extra(struct ledger_counts *c, const char *name, unsigned long long n)
{
	size_t i;

	for (i = 0; i < c->nextra; i++)
		if (!strcmp(c->extra_names[i], name)) {
			c->extra[i] += n;
			return;
		}
	c->extra_names = ereallocarray(c->extra_names, c->nextra + 1, sizeof(char *));
	c->extra = ereallocarray(c->extra, c->nextra + 1, sizeof(*c->extra));
	c->extra_names[c->nextra] = estrdup(name);
	c->extra[c->nextra++] = n;
}

/*
 * With MIG_STATS_TIME set (pipelines set it; tools leave it off so their
 * output stays byte for byte the same run after run): ms= and cpu_ms=,
 * wall time from the first record counted to now and the process's CPU
 * time, the same on every tag's line of one process.  0 when unset.
 */
static int stage_times(unsigned long long t[2])
{
	const char *e = getenv("MIG_STATS_TIME");
	struct timespec now;
	struct rusage ru;
	long long ms = 0, cpu;

	if (!e || !*e || !strcmp(e, "0"))
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (ledger_t0.tv_sec || ledger_t0.tv_nsec)
		ms = (long long)(now.tv_sec - ledger_t0.tv_sec) * 1000 + (now.tv_nsec - ledger_t0.tv_nsec) / 1000000;
	getrusage(RUSAGE_SELF, &ru);
	cpu = ((long long)ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000 +
	      ((long long)ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000;
	t[0] = ms < 0 ? 0 : (unsigned long long)ms;
	t[1] = (unsigned long long)cpu;
	return 1;
}

void ledger_emit(const struct ledger *l, struct mig_writer *w, const char *stage, unsigned long long run)
{
	unsigned long long t[2];
	int timed = stage_times(t);
	size_t i;

	for (i = 0; i < l->n; i++) {
		const struct ledger_counts *c = strmap_get(&l->tags, l->order[i], strlen(l->order[i]));
		unsigned long long v[4] = { c->in, c->out, c->dropped, c->rejected };
		size_t n = c->nextra;
		char **names = ecalloc(n + 2, sizeof(*names));
		unsigned long long *extra = ecalloc(n + 2, sizeof(*extra));

		/* the counters, then the times, as one list for the codec */
		if (n) {
			memcpy(names, c->extra_names, n * sizeof(*names));
			memcpy(extra, c->extra, n * sizeof(*extra));
		}
		if (timed) {
			names[n] = "ms";
			extra[n++] = t[0];
			names[n] = "cpu_ms";
			extra[n++] = t[1];
		}
		ctl_write_stats(w, stage, l->order[i], v, n, names, extra, run);
		free(names);
		free(extra);
	}
}

static void free_counts(const char *key, void *val, void *arg)
{
	struct ledger_counts *c = val;
	size_t i;

	(void)key;
	(void)arg;
	for (i = 0; i < c->nextra; i++)
		free(c->extra_names[i]);
	free(c->extra_names);
	free(c->extra);
	free(c);
}

void ledger_release(struct ledger *l)
{
	size_t i;

	strmap_each(&l->tags, free_counts, NULL);
	strmap_release(&l->tags);
	for (i = 0; i < l->n; i++)
		free(l->order[i]);
	free(l->order);
	l->order = NULL;
	l->n = 0;
}
