/*
 * ledger.h - per-tag record accounting and the closing stats message.
 *
 * Every tool counts, per tag, records in, out, dropped and rejected, and
 * ends its output with one control line per tag:
 *
 *   #!stats STAGE TAG in=N out=N dropped=N rejected=N [key=N ...] [run=N]
 *
 * (written and read by control.h).  For a tool that neither
 * fans out nor merges, in = out + dropped + rejected; mig-verify ledger
 * checks that across every stage of a run.  Tags are kept in first-seen
 * order so the output is deterministic.
 */
#ifndef MIG_LEDGER_H
#define MIG_LEDGER_H

#include "control.h"
#include "rec.h"
#include "strmap.h"

struct ledger_counts {
	unsigned long long in, out, dropped, rejected;
	/* Extra named counters (fan-out routes, missing references, ...). */
	size_t nextra;
	char **extra_names;
	unsigned long long *extra;
};

struct ledger {
	struct strmap tags;
	char **order;
	size_t n;
};

#define LEDGER_INIT { STRMAP_INIT, NULL, 0 }

/* The counters of tag, created at zero on first use. */
struct ledger_counts *ledger_tag(struct ledger *l, const char *tag);
/* Add n to the extra counter called name of c. */
void ledger_add_extra(struct ledger_counts *c, const char *name, unsigned long long n);
/*
 * Write one stats line per tag, in first-seen order; run is the run's
 * place in its pipeline (control.h), 0 to leave it unsaid.
 */
void ledger_emit(const struct ledger *l, struct mig_writer *w, const char *stage, unsigned long long run);
void ledger_release(struct ledger *l);

#endif
