/*
 * report.h - what mig-report's parts share: the figures of one run, as
 * collected from its directory (report-collect.c), and the page that shows
 * them (report-html.c).
 *
 * Every figure is copied from a file the run wrote: the stats lines of its
 * streams, the JSON report of mig-verify, the rejects, crosswalks and audit
 * files, the run log.  Nothing here reads a row value: rejects are counted
 * by stage and reason, audits by column, crosswalks by rows and keys.
 * Ownership: struct run owns every string and array below it; run_release
 * frees them.
 */
#ifndef MIG_REPORT_H
#define MIG_REPORT_H

#include <jansson.h>
#include <stdio.h>

#include "ledger.h"

/* One tool run's accounts for one tag (one #!stats line). */
struct rstat {
	char *stage, *tag;
	unsigned long long in, out, dropped, rejected;
	unsigned long long run;	/* tells two runs of one tool apart */
	size_t nextra;
	char **extra_names;
	unsigned long long *extra;
};

/* A count under a name: rejects by stage, tag and reason; audits by column. */
struct rcount {
	char *a, *b, *c;
	unsigned long long n;
};

struct rxwalk {
	char *name;
	unsigned long long rows, keys;	/* rows, distinct new keys */
	int bad;			/* not a two-column old,new file */
};

/* The span of one table's lines in the run log. */
struct rtime {
	char *table;
	long long first, last;		/* seconds since the epoch */
	unsigned long long rows;	/* loaded, from its mig-load stats */
};

struct run {
	char *dir;
	json_t *verify;			/* validation_report.json, or NULL */
	struct rstat *stats;
	size_t nstats;
	struct rcount *rejects;
	size_t nrejects;
	struct rcount *audits;
	size_t naudits;
	struct rxwalk *xwalks;
	size_t nxwalks;
	struct rtime *times;
	size_t ntimes;
	long long log_first, log_last;
	char *schema_diff;		/* schema_diff.md, or NULL */
	char **notes;			/* files that could not be read, and why */
	size_t nnotes;
};

/* Read what dir holds; a file that cannot be read becomes a note, not an exit. */
void run_collect(struct run *r, const char *dir);
void run_release(struct run *r);

/*
 * in - (out + dropped + rejected): above 0, records that went nowhere (a
 * loss); below 0, a fan-out that wrote more than it read.
 */
long long rstat_gap(const struct rstat *s);
/*
 * The stage's times from its ms= and cpu_ms= counters (tools write them
 * when MIG_STATS_TIME is set): 1 and *ms, *cpu_ms set, or 0 when absent.
 */
int rstat_time(const struct rstat *s, unsigned long long *ms, unsigned long long *cpu_ms);
/* 1 when extra counter name is one of the times, not a count of rows. */
int rstat_is_time(const char *name);

/* Write the page, one self-contained XHTML document, to fp. */
void report_html(const struct run *r, const char *title, FILE *fp);

#endif
