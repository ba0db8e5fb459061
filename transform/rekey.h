/*
 * rekey.h - the parts of mig-rekey shared by its source files.
 *
 * A key map holds old key -> new value for one tag (or one crosswalk
 * file, or one uniqueness set).  It is built for size: integer keys are
 * stored as 64-bit numbers, other keys as length-prefixed strings in an
 * arena that only grows; entries live in fixed-size chunks (no doubling
 * slack) and the hash index holds 32-bit entry numbers.  A map starts in
 * integer mode and turns itself into string mode, once, at the first key
 * that is not canonical int64 text, so keys always compare as their exact
 * text.  Values are raw 8- or 16-byte cells whose meaning belongs to the
 * caller (a sequence number, a UUID, an arena string, an entry number).
 *
 * Pointers returned into a map (keymap_val, arena strings) stay valid
 * until keymap_release: nothing is ever moved.
 */
#ifndef MIG_REKEY_H
#define MIG_REKEY_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "lang.h"
#include "rec.h"
#include "uuid5.h"

/* An append-only string store; a string is named by a 64-bit reference. */
struct arena {
	char **chunks;
	size_t nchunks, used;	/* used: bytes taken in the last chunk */
	size_t last_size;	/* size of the last chunk */
	size_t bytes;		/* total allocated, for the memory report */
};

uint64_t arena_add(struct arena *a, const char *s, size_t n);
/* The string called ref and its length. */
const char *arena_get(const struct arena *a, uint64_t ref, size_t *n);
void arena_release(struct arena *a);

enum { KM_CHUNK = 65536 };

struct keymap {
	int strmode;		/* old keys are arena strings */
	size_t vsize;		/* 8 or 16 */
	size_t n;		/* entries */
	uint64_t **olds;	/* chunks of KM_CHUNK old keys */
	unsigned char **vals;	/* chunks of KM_CHUNK * vsize value bytes */
	size_t nchunks;
	uint32_t *slots;	/* entry number + 1, 0 when empty */
	size_t nslots;
	size_t miss;		/* empty slot + 1 where the last keymap_find failed */
	uint64_t miss_hash;	/* and the hash it probed for */
	struct arena arena;
};

void keymap_init(struct keymap *m, size_t vsize);
void keymap_release(struct keymap *m);
/*
 * Entry number of key, or -1.  A failed find remembers where its key
 * would go, so that adding it next does not probe the table again.
 */
long long keymap_find(struct keymap *m, const char *key, size_t len);
/* Add key, which must not be present; returns its entry number. */
size_t keymap_add(struct keymap *m, const char *key, size_t len);
/* Size the index for n keys (from a row-count hint) to skip regrowth. */
void keymap_reserve(struct keymap *m, size_t n);
/* The value cell of entry i (vsize bytes). */
unsigned char *keymap_val(const struct keymap *m, size_t i);
/* Render the old key of entry i as text into out (appended). */
void keymap_old(const struct keymap *m, size_t i, struct buf *out);
/* Bytes held by the map, for the memory report. */
size_t keymap_bytes(const struct keymap *m);

/* Canonical int64 text ("0", "-12", no leading zeros): 0 and *v, or -1. */
int canon_int(const char *s, size_t n, int64_t *v);

/* Random bytes from getrandom(2), drawn from a refilled pool. */
struct rng {
	unsigned char pool[4096];
	size_t left;
};
void rng_bytes(struct rng *r, void *out, size_t n);

/* UUID version 7 state: last millisecond and counter (RFC 9562 6.2 method 1). */
struct uuid7 {
	uint64_t ms;
	unsigned counter;	/* 12 bits, rand_a */
};
void gen_uuid4(struct rng *r, unsigned char out[16]);
void gen_uuid7(struct uuid7 *st, struct rng *r, unsigned char out[16]);

/* A crosswalk file being written: FILE.part, renamed to FILE when complete. */
struct xwalk_out {
	char *path, *part;	/* part is path itself when written in place */
	int fd;
	int inplace;		/* path is a device or a pipe (-x t=/dev/null) */
	struct buf b;
	unsigned long long rows;
};
/* Create FILE.part and buffer the header line head (without newline). */
void xwalk_open(struct xwalk_out *x, const char *path, const char *head);
void xwalk_row(struct xwalk_out *x, const char *old, size_t on, const char *new, size_t nn);
/* One row of n fields (an audit row); NULL fields are written empty. */
void xwalk_rowv(struct xwalk_out *x, const struct mig_field *f, size_t n);
/* Flush, fsync, rename into place; dies (exit 2) on failure. */
void xwalk_close(struct xwalk_out *x);

/*
 * Load a crosswalk CSV (a header line, then old,new rows) into m, made
 * with 16-byte values.  *type tells how they are held and the column type
 * they give: uuid (binary UUIDs), int (int64), text (arena references),
 * or any when there are no rows.  Dies naming file:line on bad input.
 */
void xwalk_load(struct keymap *m, const char *path, enum mig_type *type);
/* Append the new key of entry i of a loaded crosswalk of that type. */
void xwalk_value(const struct keymap *m, enum mig_type type, size_t i, struct buf *out);


/* Rules: what the options and the rules file ask for. */
enum gen { G_KEEP, G_SEQ, G_UUID4, G_UUID7, G_UUID5 };
enum on_missing { OM_ERROR, OM_NULL, OM_DROP, OM_REJECT };

struct tagrule;

/* A named crosswalk file loaded before the stream. */
struct xwfile {
	char *name, *path;
	struct keymap map;	/* values: arena references */
	enum mig_type type;
	/* NAME=uuid5:NS: no file, the new key is UUID v5 of the old one in
	 * ns, as a key rule uuid5:NS gives it, so every old key has one */
	int computed;
	unsigned char ns[16];
};

struct refsrc {
	char *name;		/* a rekeyed tag or a loaded crosswalk */
	char *col;		/* target column; the referencing column when NULL */
	struct tagrule *tag;
	struct xwfile *file;
};

struct refrule {
	char *text;		/* the rule as given, for messages */
	char *col;
	size_t nsrc;
	struct refsrc *src;
	char *names;		/* "users, patients" for messages */
};

/*
 * One dedupe rule: a natural-key set shared by the tags it names, so two
 * source tables of one target table merge.  Values: the kept record, as
 * its tag's number in tags (high 32 bits) and its entry in that tag's map.
 */
enum survivor { SV_FIRST, SV_LAST, SV_MIN, SV_MAX, SV_TAGS };

struct dedupe {
	char *text;
	char **cols;		/* NULL with ncols 0: every column but the key */
	size_t ncols;
	struct tagrule **tags;
	size_t ntags;
	struct keymap set;
	int nulls_match;	/* NULL equals NULL (else a NULL never matches) */
	enum survivor keep;
	char *keepcol;		/* SV_MIN, SV_MAX */
	char **prio;		/* SV_TAGS: tags, best first */
	size_t nprio;
	int fill;		/* NULLs of the survivor filled from its duplicates */
	char **fillcols;	/* only these (all when nfill is 0) */
	size_t nfill;
	char *idscol;		/* the merged old keys, as an array */
	int hold;		/* records held to the end: a survivor to choose */
	/* per group (natural key entry): its held records, first and last */
	size_t *gfirst, *glast, ngroups;
};

/* What a unique rule does to a later duplicate value. */
enum uaction { UA_SUFFIX, UA_NULL, UA_REJECT, UA_ERROR };
/* Which record of a value keeps it: the first streams; the others hold. */
enum ukeep { UK_FIRST, UK_LAST, UK_TAGS };

struct uniqset {
	char *text;
	int nocase;
	enum uaction action;
	char *format;		/* UA_SUFFIX: %v %n %l %d, NULL for the default */
	char **seeds;		/* files or "URL TABLE.COLUMN" whose values are taken */
	size_t nseeds;
	struct keymap set;	/* normalised value -> next counter to try */
	enum ukeep keep;
	char **prio;		/* UK_TAGS: the tags in order of precedence */
	size_t nprio;
	struct keymap keeper;	/* UK_LAST, UK_TAGS: value -> its keeper (written ordinal) */
};

/* A record held until the end of the stream (a dedupe rule with hold). */
struct heldhdr {
	struct mig_header *h;	/* the tag's output header */
	long keyout, idsout;
	long *uout;		/* per unique column of the tag */
};

struct held {
	struct tagrule *t;
	struct heldhdr *hh;
	struct mig_field *f;	/* values in one block after the fields */
	char *old;		/* old key, NULL when the tag has none */
	size_t oldn;
	unsigned long long row;
	unsigned long line;
	size_t next;		/* next record of the group, 0 for none (index + 1) */
	int group;		/* part of a group (else alone) */
	int head;		/* the group's first record */
	size_t gno;
};

/*
 * A lookup: TAG.COLUMN takes SOURCE.COLUMN of the SOURCE record whose key
 * (column ON) equals this record's BY column, from SOURCE records earlier
 * in the stream, a saved stream (FROM), or a loaded crosswalk's new key.
 * Values: arena references of the source value, LK_NULL for NULL.
 */
#define LK_NULL UINT64_MAX
struct lookup {
	char *text;
	char *col, *src, *srccol, *by, *on, *from;
	int ifnull;		/* only where the column is NULL */
	struct tagrule *srctag;	/* records of the source tag are collected */
	struct xwfile *file;	/* or a loaded crosswalk */
	struct keymap map;
	struct arena vals;
	long srcon, srcval;	/* columns in the source tag's current header */
	unsigned long srchid;
};

struct uniqcol {
	char *col;
	struct uniqset *set;
};

/* The plan for one input header of a tag: where each output field comes from. */
struct plan {
	unsigned long hid;
	struct mig_header *out;
	long *from;		/* per output column: input column, or -1 */
	long keyin, keyout, keepout;
	struct lang_val *slots;	/* the name expression's columns: one per input column */
	long *ddin;		/* dedupe columns: output column, or -2 - input column */
	size_t ndd;
	long idsout;		/* the merged-ids column, or -1 */
	struct heldhdr *hh;	/* this plan as held records see it */
	long *refin;		/* per ref rule: input column */
	long **refout;		/* per ref rule, per source: output column */
	long **refclear;	/* per ref rule: output columns to clear, -1 ended */
	long *uout;		/* per unique column: output column */
	long *lkby, *lkout;	/* per lookup: input BY column, output column */
};

struct tagrule {
	char *tag;
	/* key */
	int has_key;
	char *keycol, *keytext;
	enum gen gen;
	long long seq;		/* the next sequence number */
	int seq_end;		/* seq was the largest int64 and is used */
	struct tagrule *seqof;	/* the tag whose sequence this one shares */
	unsigned char ns[16];
	/* uuid5's name: an expression of the rule language (mig-rules(7)) over
	 * the record's columns, else the old key */
	struct lang_expr *name;
	char *keepold;
	struct keymap map;	/* old key -> seq, uuid, or entry number (keep) */
	char *xwpath;
	struct xwalk_out xw;
	/* dedupe (also for a tag without a key: its whole records) */
	struct dedupe *dd;
	unsigned ddno;		/* this tag's number in dd->tags */
	/* foreign keys and uniqueness */
	struct refrule *refs;
	size_t nrefs;
	struct uniqcol *uniq;
	size_t nuniq;
	int uhold;		/* a unique set of this tag keeps other than the first: hold */
	struct lookup **lk;	/* lookups that fill this tag's columns */
	size_t nlk;
	struct lookup **lksrc;	/* lookups that collect this tag's records */
	size_t nlksrc;
	struct plan plan;
};

struct rules {
	struct tagrule **tags;
	size_t ntags;
	struct xwfile **files;
	size_t nfiles;
	struct uniqset **sets;
	size_t nsets;
	struct dedupe **dds;
	size_t ndds;
	struct lookup **lks;
	size_t nlks;
	enum on_missing on_missing;
	char *audit;
	struct held **held;
	size_t nheld, heldcap;
	struct heldhdr **hhs;
	size_t nhhs;
};

/*
 * Add one rule: name is the long option ("key", "ref", ...), arg its
 * argument; where is "" or "FILE:LINE: " for messages.  Dies with exit 2
 * naming the rule when it is malformed.
 */
void rules_add(struct rules *r, const char *name, const char *arg, const char *where);
/* Read a rules file: "NAME ARGUMENT" lines, '#' comments. */
void rules_file(struct rules *r, const char *path);
/* Cross-check the rules (sources exist, ...) and load crosswalk files. */
void rules_check(struct rules *r, int have_rejects);
struct tagrule *rules_tag(const struct rules *r, const char *tag);
void rules_release(struct rules *r);
/* Free a tag's plan (its output header and column maps). */
void plan_free(struct tagrule *t);

#endif
