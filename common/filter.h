/*
 * filter.h - the record loop every stage tool shares.
 *
 * mig-split, mig-map, mig-rekey and mig-load read the stream through
 * filter_next(), which does what the stream protocol asks of any stage, so
 * that each tool's own loop holds only its own work:
 *
 *  - comments and control lines are passed on, in order (a sink, mig-load,
 *    passes on only the stats lines of the stages before it);
 *  - row-count hints are kept per tag for the progress line and for the
 *    tool (filter_hint), and follow a tag the tool renames
 *    (filter_rename), so the stages after it still know the total;
 *  - headers and records of a tag the tool has no work for are passed on
 *    untouched and counted in and out;
 *  - every record is counted in its tag's ledger ("in") and ticks the
 *    progress line, begun per tag with the tag's hint as its total;
 *  - when the stats lines passed on hold a run of the same tool (as in
 *    "mig-map A | mig-map B"), the closing ones carry run=N, the run's
 *    place in the pipeline, so that mig-verify ledger tells the two apart.
 *
 * Use: filter_init(); set work and arg; filter_rename() as needed; then
 *
 *	while ((ret = filter_next(&f, &it)) > 0)
 *		... it is a header or a record of a tag whose work is f.cur ...
 *	if (ret < 0)
 *		filter_input_error(&f);
 *	filter_end(&f);		(the progress summary)
 *	... out, dropped, rejected into f.lc / ledger_tag(&f.ledger, tag) ...
 *	filter_stats(&f);
 *	filter_release(&f);
 *
 * The reader and writer stay the tool's; the filter only borrows them.
 */
#ifndef MIG_FILTER_H
#define MIG_FILTER_H

#include "buf.h"
#include "ledger.h"
#include "progress.h"
#include "rec.h"
#include "strmap.h"

enum {
	FILTER_SINK = 1,	/* the end of the stream: pass on stats lines only */
};

struct filter {
	struct mig_reader *r;
	struct mig_writer *w;
	const char *stage;	/* the stats lines' stage: "mig-map" */
	unsigned flags;
	/*
	 * The tool's work for a tag, NULL when it has none and the tag is
	 * passed through; with no work function, every header and record is
	 * the tool's.  Called once per header object.
	 */
	void *(*work)(void *arg, const char *tag);
	void *arg;
	struct ledger ledger;
	struct progress pg;

	/* After filter_next returned 1: */
	void *cur;			/* the work for it->hdr's tag */
	struct ledger_counts *lc;	/* it->hdr's tag's counters */

	unsigned long hid;
	struct strmap hints;	/* tag -> unsigned long long * */
	struct strmap renames;	/* tag -> char * */
	struct buf tmp, last;	/* last: the stage and run of the last stats line */
	unsigned long long runs;	/* runs whose stats lines were passed on */
	int again;		/* one of them was a run of this tool */
};

/* A work function for tools whose work is a strmap of tags (arg). */
void *filter_work_map(void *arg, const char *tag);
/* progress: std_progress()'s force. */
void filter_init(struct filter *f, const char *stage, struct mig_reader *r, struct mig_writer *w, int progress,
		 unsigned flags);
/* Records of tag leave under to: move tag's count hints there too. */
void filter_rename(struct filter *f, const char *tag, const char *to);
/* The last count hint of tag, 0 if none. */
unsigned long long filter_hint(const struct filter *f, const char *tag);
/* The next header or record for the tool: 1, 0 at the end, -1 on bad input. */
int filter_next(struct filter *f, struct mig_item *it);
/* Die with the reader's error (exit 1), after flushing what was written. */
void filter_input_error(struct filter *f);
/* Clear the progress line and show the closing summary. */
void filter_end(struct filter *f);
/* Write the ledger's stats lines. */
void filter_stats(struct filter *f);
void filter_release(struct filter *f);

#endif
