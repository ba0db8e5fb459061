/*
 * canon.h - one canonical text per value, and order-independent checksums.
 *
 * A value read back from PostgreSQL, MariaDB or SQLite seldom has the
 * exact bytes the stream carried: numeric(10,2) says 1.50 for 1.5, MariaDB
 * says 1 for a boolean and gives a timestamp without its zone, bytea comes
 * as hex, a UUID may be upper case, jsonb reorders keys.  canon_value maps
 * every spelling of one value of a mig type to the same text, so two
 * spellings compare equal exactly when they denote the same value:
 *
 *   int, numeric  exact decimal, no '+', no leading or trailing zeros,
 *                 exponents expanded ("1.50" "1.5e0" "+01.5" -> "1.5")
 *   float         shortest text that reads back to the same double;
 *                 NaN, Infinity, -Infinity
 *   bool          t or f (from t/true/y/yes/on/1, f/false/n/no/off/0, or
 *                 one raw byte 0/1 as a MariaDB BIT(1) gives)
 *   bytes         \x and lower-case hex (raw bytes are hex-encoded)
 *   date          YYYY-MM-DD (a time of 00:00:00 after it is dropped)
 *   time          HH:MM:SS[.ffffff], fraction without trailing zeros
 *   timestamp     YYYY-MM-DD HH:MM:SS[.ffffff] ('T' accepted)
 *   timestamptz   the same moment in UTC, "+00" appended; a value without
 *                 an offset is taken to be UTC already (MariaDB with
 *                 time_zone '+00:00', which every mig connection sets)
 *   uuid          lower case 8-4-4-4-12 (braces, no hyphens, upper case
 *                 and 16 raw bytes accepted)
 *   json          compact, object keys sorted bytewise (last duplicate
 *                 wins, as jsonb does), strings re-escaped minimally,
 *                 numbers as exact decimals
 *   text, any     unchanged
 * A value that does not parse as its type is kept as it is, so it still
 * compares equal only to the same bytes.
 *
 * Row hashing: canon_row_add appends one field (NULL and the empty string
 * encode differently) to a row buffer; canon_row_hash is XXH3-128 of it.
 * A checksum is the sum of row hashes modulo 2^128 plus the row count, so
 * it does not depend on row order and two sets of rows have the same
 * checksum when they are the same multiset (up to hash collisions).
 */
#ifndef MIG_CANON_H
#define MIG_CANON_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "rec.h"

/* canon_value flags */
enum {
	CANON_RAW = 1,	/* the driver gave raw bytes (binary column): bytes and
			   uuid values are encoded rather than parsed */
};

/* Append the canonical text of v[0..n) as type t to out; 0, or -1 when v
 * is not a valid value of t (then v is appended unchanged). */
int canon_value(enum mig_type t, const char *v, size_t n, unsigned flags, struct buf *out);

/* Shortest round-trip text of d, as PostgreSQL prints a float8. */
void canon_double(double d, struct buf *out);

/* Append one field to a row buffer: the field's canonical text, length
 * prefixed, or a NULL marker.  scratch is a work buffer the caller keeps
 * from row to row. */
void canon_row_add(struct buf *row, struct buf *scratch, enum mig_type t, const char *v, size_t n,
		   int null, unsigned flags);

struct canon_hash {
	uint64_t lo, hi;
};

struct canon_hash canon_row_hash(const struct buf *row);
/* 64-bit hash of bytes (keys, single columns). */
uint64_t canon_hash64(const void *p, size_t n);

struct canon_sum {
	uint64_t lo, hi;	/* sum of row hashes mod 2^128 */
	unsigned long long count;
};

#define CANON_SUM_INIT { 0, 0, 0 }

static inline void canon_sum_add(struct canon_sum *s, struct canon_hash h)
{
	uint64_t lo = s->lo + h.lo;

	s->hi += h.hi + (lo < s->lo);
	s->lo = lo;
	s->count++;
}

static inline int canon_sum_equal(const struct canon_sum *a, const struct canon_sum *b)
{
	return a->lo == b->lo && a->hi == b->hi && a->count == b->count;
}

/* 32 lower-case hex digits of the sum (high half first) and a NUL. */
void canon_sum_hex(const struct canon_sum *s, char out[33]);

#endif
