#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "rekey.h"
#include "util.h"
#include "banned.h"

void rng_bytes(struct rng *r, void *out, size_t n)
{
	unsigned char *o = out;

	while (n) {
		size_t k;

		if (!r->left) {
			size_t got = 0;

			while (got < sizeof(r->pool)) {
				ssize_t g = getrandom(r->pool + got, sizeof(r->pool) - got, 0);

				if (g < 0) {
					if (errno == EINTR)
						continue;
					die(MIG_EXIT_SYSTEM, "getrandom:");
				}
				got += (size_t)g;
			}
			r->left = sizeof(r->pool);
		}
		k = n < r->left ? n : r->left;
		memcpy(o, r->pool + sizeof(r->pool) - r->left, k);
		/* used bytes are wiped so a core dump does not show past keys' randomness */
		memset(r->pool + sizeof(r->pool) - r->left, 0, k);
		r->left -= k;
		o += k;
		n -= k;
	}
}

void gen_uuid4(struct rng *r, unsigned char out[16])
{
	rng_bytes(r, out, 16);
	out[6] = (out[6] & 0x0f) | 0x40;
	out[8] = (out[8] & 0x3f) | 0x80;
}

/*
 * RFC 9562 section 5.7: 48-bit big-endian unix milliseconds, version 7,
 * 12 bits rand_a, variant 10, 62 bits rand_b.  rand_a is a counter seeded
 * at random (top bit clear) each millisecond and incremented within it
 * (section 6.2, method 1), so keys made by one run sort in the order made;
 * when it overflows, the timestamp is advanced by one, as 6.2 allows.
 */
void gen_uuid7(struct uuid7 *st, struct rng *r, unsigned char out[16])
{
	struct timespec ts;
	uint64_t ms;
	int i;

	clock_gettime(CLOCK_REALTIME, &ts);
	ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
	rng_bytes(r, out, 16);
	if (ms > st->ms) {
		st->ms = ms;
		st->counter = ((unsigned)out[6] << 8 | out[7]) & 0x7ff;
	} else if (++st->counter > 0xfff) {
		st->ms++;
		st->counter = ((unsigned)out[6] << 8 | out[7]) & 0x7ff;
	}
	for (i = 0; i < 6; i++)
		out[i] = (unsigned char)(st->ms >> (40 - 8 * i));
	out[6] = (unsigned char)(0x70 | (st->counter >> 8));
	out[7] = (unsigned char)(st->counter & 0xff);
	out[8] = (out[8] & 0x3f) | 0x80;
}

