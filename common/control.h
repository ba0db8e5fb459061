/*
 * control.h - the control lines of a stream ("#!keyword payload"), written
 * and read in one place.
 *
 * The reader and writer carry a control line as a keyword and an opaque
 * payload, in tagged CSV ("#!count users 42") and in NDJSON (a MIG_CONTROL
 * or STATE message) alike.  What a payload means is decided here:
 *
 *   #!count TAG N                       a row-count hint
 *   #!stats STAGE TAG in=N out=N dropped=N rejected=N [NAME=N ...] [run=N]
 *                                       one tool run's ledger of one tag
 *   #!state JSON                        a checkpoint (the reader checks it)
 *
 * Words of a payload (tags, stage and counter names) are percent-encoded
 * by ctl_encode(): bytes up to space, '%' and DEL become %XX, so a word
 * never holds a space and "my users" travels as "my%20users".
 * ctl_decode() is its inverse; every reader of a payload word goes through
 * it.  See mig-stream(5).
 *
 * Nothing here prints or exits; malformed payloads are answered with 0 or
 * -1 and left for the caller to pass on or refuse.
 */
#ifndef MIG_CONTROL_H
#define MIG_CONTROL_H

#include "buf.h"
#include "rec.h"

/* Append s (n bytes) to b as one payload word. */
void ctl_encode(struct buf *b, const char *s, size_t n);
/* Decode a payload word in place; its new length, or -1 for a bad %XX. */
long ctl_decode(char *s);
/* Is it the control item kw? */
int ctl_is(const struct mig_item *it, const char *kw);

/* Write "#!count TAG N". */
void ctl_write_count(struct mig_writer *w, const char *tag, unsigned long long n);
/*
 * A "#!count TAG N" item: set tag (decoded) and *n and return 1; 0 for
 * any other item or a malformed hint.
 */
int ctl_count(const struct mig_item *it, struct buf *tag, unsigned long long *n);

/* A parsed stats line; names point into the caller's copy of the text. */
struct stats_line {
	char *stage, *tag;
	unsigned long long in, out, dropped, rejected;
	unsigned long long run;	/* the run's place in its pipeline; 0 if not said */
	size_t nextra;
	char *extra_names[16];
	unsigned long long extra[16];
};
/*
 * Write one stats line: c[] is in, out, dropped, rejected; then the
 * nextra named counters; then run=RUN unless run is 0.
 */
void ctl_write_stats(struct mig_writer *w, const char *stage, const char *tag, const unsigned long long c[4],
		     size_t nextra, char *const *names, const unsigned long long *extra, unsigned long long run);
/* Parse a stats payload in place (text is modified); -1 if malformed. */
int stats_parse(char *text, struct stats_line *s);

#endif
