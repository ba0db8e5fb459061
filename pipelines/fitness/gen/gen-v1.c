/*
 * gen-v1 - the fitness studio's v1 (Streamlit SQLite) data, deterministic.
 *
 *   gen-v1 [-s seed] [-n scale]
 *
 * Writes SQL INSERTs, in one transaction, to standard output, for the
 * tables of schema/v1.sqlite.sql.  Scale 1 is the seed's database exactly:
 * 7 trainers, 10 clients, 7 assessments, 5 session packages, 4 sessions
 * and 3 training sessions, 4 payments and 2 payment records, no fee audit
 * rows: 42 rows.  Scale n repeats that shape n times (42n rows), each block
 * with its own people, dates and amounts from the seeded generator, and
 * the same dirt in every block:
 *
 *   - two trainers share an e-mail (block 1: usernames criminal and
 *     jaesun9090, jaesun9090@gmail.com, as in the seed);
 *   - training_sessions repeats two of the block's sessions: one exactly,
 *     one nearly (no trainer_id, notes in other case and spacing); the third
 *     is a session of its own.  payment_records repeats one payment nearly
 *     (no trainer_id, description in other case); the second is new;
 *   - sessions and payments without trainer_id (the client's trainer is
 *     the one meant);
 *   - trainer and client names of one, two and three parts;
 *   - naive local timestamps (YYYY-MM-DD HH:MM:SS), bcrypt hashes ($2b$).
 *
 * Trainer i's password is "studio-pw-" followed by (i - 1) mod 4, so tests
 * can check a kept hash; the four hashes are made once, with salts from
 * the seed (cost 4).  No floating point anywhere: the same seed and scale
 * give the same bytes on every machine.
 */
#define _DEFAULT_SOURCE
#include <crypt.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NT 7	/* trainers per block, and so on */
#define NC 10
#define NA 7
#define NP 5
#define NS 4
#define NTS 3
#define NPAY 4
#define NPR 2

struct rng {
	uint64_t s;
};

static uint64_t
next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t
below(struct rng *r, uint64_t n)
{
	return next(r) % n;
}

#define PICK(r, a) ((a)[below((r), sizeof(a) / sizeof((a)[0]))])

static const char *first[] = {"Jae", "Min", "Sarah", "David", "Aiko", "Lucas", "Priya",
	"Tom", "Elena", "Omar", "Hana", "Noah", "Grace", "Ivan", "Mei", "Leo"};
static const char *middle[] = {"Lee", "Marie", "James", "Ann", "Jun", "Rose"};
static const char *last[] = {"Kim", "Park", "Choi", "Smith", "Tanaka", "Silva", "Patel",
	"Brown", "Garcia", "Haddad", "Yoon", "Jones", "Novak", "Chen", "Rossi", "Moore"};
static const char *goals[] = {"Lose weight", "Build muscle", "Marathon prep",
	"Posture, back pain", "General fitness", "Rehab after knee surgery"};
static const char *types[] = {"PT", "Assessment", "Group", "Online"};
static const char *methods[] = {"card", "cash", "transfer"};

static char hashes[4][CRYPT_OUTPUT_SIZE];

static void
make_hashes(uint64_t seed)
{
	static const char b64[] =
	    "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	struct rng r = {seed ^ 0x6861736865730aULL};

	for (int i = 0; i < 4; i++) {
		char setting[64], pw[32];
		struct crypt_data cd;

		memset(&cd, 0, sizeof cd);
		strcpy(setting, "$2b$04$");
		for (int k = 0; k < 21; k++)
			setting[7 + k] = b64[below(&r, 64)];
		/* the 22nd salt character carries only two bits */
		setting[28] = ".Oeu"[below(&r, 4)];
		setting[29] = '\0';
		snprintf(pw, sizeof pw, "studio-pw-%d", i);
		if (!crypt_rn(pw, setting, &cd, sizeof cd) || cd.output[0] == '*') {
			fprintf(stderr, "gen-v1: bcrypt is not available\n");
			exit(1);
		}
		strcpy(hashes[i], cd.output);
	}
}

/* A naive local timestamp: day d (0 = 2024-01-01) of 2024, hour h, minute m. */
static void
stamp(char *buf, size_t n, int d, int h, int m)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int mon = 0;

	d %= 366;
	while (d >= mdays[mon])
		d -= mdays[mon++];
	snprintf(buf, n, "2024-%02d-%02d %02d:%02d:00", mon + 1, d + 1, h, m);
}

/* Money and measures as text with exact decimals from integer hundredths. */
static void
dec(char *buf, size_t n, long v)
{
	snprintf(buf, n, "%ld.%02ld", v / 100, v % 100);
}

static void
name(struct rng *r, char *buf, size_t n, int parts)
{
	if (parts == 1)
		snprintf(buf, n, "%s", PICK(r, first));
	else if (parts == 2)
		snprintf(buf, n, "%s %s", PICK(r, first), PICK(r, last));
	else
		snprintf(buf, n, "%s %s %s", PICK(r, first), PICK(r, middle), PICK(r, last));
}

static void
lowercase(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s += 'a' - 'A';
}

static void
usage(void)
{
	fprintf(stderr, "usage: gen-v1 [-s seed] [-n scale]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	uint64_t seed = 1;
	long scale = 1;
	int c;

	while ((c = getopt(argc, argv, "s:n:h")) != -1) {
		char *end;

		switch (c) {
		case 's':
			seed = strtoull(optarg, &end, 10);
			if (*optarg == '\0' || *end)
				usage();
			break;
		case 'n':
			scale = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end || scale < 1 || scale > 1000000) {
				fprintf(stderr, "gen-v1: bad scale '%s' (1 to 1000000)\n", optarg);
				exit(2);
			}
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	make_hashes(seed);
	struct rng r = {seed};
	next(&r);

	printf("BEGIN;\n");
	for (long b = 0; b < scale; b++) {
		long t0 = b * NT, c0 = b * NC, p0 = b * NP;
		char nm[96], em[128], ts[32], ts2[32], a1[24], a2[24], a3[24], a4[24], a5[24];
		int day0 = (int)below(&r, 300);
		long ctrainer[NC], price[NP];
		int ctr_day[NC];

		/* trainers */
		for (int i = 0; i < NT; i++) {
			long id = t0 + i + 1;
			char user[64];

			name(&r, nm, sizeof nm, 1 + i % 3);
			if (b == 0 && i == 0)
				strcpy(user, "jaesun9090");
			else if (b == 0 && i == 1)
				strcpy(user, "criminal");
			else if (b == 0 && i == NT - 1)
				strcpy(user, "admin");
			else {
				snprintf(user, sizeof user, "%s%ld", PICK(&r, first), id);
				lowercase(user);
			}
			if (i == 1 && b == 0)
				strcpy(em, "jaesun9090@gmail.com");
			else if (i == 1)
				snprintf(em, sizeof em, "trainer%ld@gmail.com", t0 + 1);
			else if (i == 0 && b > 0)
				snprintf(em, sizeof em, "trainer%ld@gmail.com", id);
			else if (i == 0)
				strcpy(em, "jaesun9090@gmail.com");
			else
				snprintf(em, sizeof em, "%s@studio.example", user);
			stamp(ts, sizeof ts, day0 + i, 8 + i, (int)below(&r, 60));
			stamp(ts2, sizeof ts2, day0 + 40 + i, 7 + i, (int)below(&r, 60));
			printf("INSERT INTO trainers VALUES (%ld, '%s', '%s', '%s', '%s', '%s', %s%s%s, %d, NULL);\n",
			    id, user, hashes[(id - 1) % 4], nm, em, ts,
			    i == 5 ? "" : "'", i == 5 ? "NULL" : ts2, i == 5 ? "" : "'",
			    i == 4 ? 2 : 0);
		}
		/* clients, each with a trainer of the block */
		for (int i = 0; i < NC; i++) {
			long id = c0 + i + 1;

			ctrainer[i] = t0 + 1 + (i * 3) % NT;
			ctr_day[i] = day0 + 10 + i;
			name(&r, nm, sizeof nm, 1 + (i + 1) % 3);
			snprintf(em, sizeof em, "client%ld@mail.example", id);
			stamp(ts, sizeof ts, ctr_day[i], 10, (int)below(&r, 60));
			dec(a1, sizeof a1, 10 * (1500 + (long)below(&r, 400)));
			dec(a2, sizeof a2, 10 * (500 + (long)below(&r, 500)));
			printf("INSERT INTO clients VALUES (%ld, %ld, '%s', %s%s%s, '010-%04d-%04d', %d, '%s', %s, %s, '%s', '%s', '%s');\n",
			    id, ctrainer[i], nm, i == 7 ? "" : "'", i == 7 ? "NULL" : em, i == 7 ? "" : "'",
			    (int)below(&r, 10000), (int)below(&r, 10000), 18 + (int)below(&r, 50),
			    i % 2 ? "F" : "M", a1, a2, PICK(&r, goals), ts, ts);
		}
		/* assessments of clients 1..7 of the block */
		for (int i = 0; i < NA; i++) {
			long id = b * NA + i + 1;
			int s[12];

			for (int k = 0; k < 12; k++)
				s[k] = (int)below(&r, 4);
			stamp(ts, sizeof ts, ctr_day[i] + 3, 9, 0);
			dec(a1, sizeof a1, 10 * (50 + (long)below(&r, 300)));
			dec(a2, sizeof a2, 10 * (50 + (long)below(&r, 300)));
			dec(a3, sizeof a3, 10 * (200 + (long)below(&r, 400)));
			dec(a4, sizeof a4, 10 * (100 + (long)below(&r, 200)));
			dec(a5, sizeof a5, 10 * (200 + (long)below(&r, 600)));
			printf("INSERT INTO assessments VALUES (%ld, %ld, %ld, '%.10s', %d, 'knees cave in slightly', %d, %d, "
			    "%s, %s, %d, %s, %d, %s, %s, %d, %s, %s, %s, %d, %d, %d, %d, %d, %d, %d, %s, %d, %s, %d, %d.%02d, "
			    "'Initial assessment', '%s');\n",
			    id, c0 + i + 1, ctrainer[i], ts, s[0], 5 + (int)below(&r, 40), s[1],
			    a1, a2, s[2], a4, s[3], a1, a2, s[4], a3, a5, a4, s[5],
			    80 + (int)below(&r, 60), 70 + (int)below(&r, 50), 60 + (int)below(&r, 40), s[6],
			    30 + (int)below(&r, 180), s[7], a4, s[8], a5, s[9],
			    (int)below(&r, 100), (int)below(&r, 100), ts);
		}
		/* session packages of clients 1..5; the last one inactive */
		for (int i = 0; i < NP; i++) {
			long id = p0 + i + 1, sessions = 10 + 10 * (long)below(&r, 3);
			long sp = 5000 + 1000 * (long)below(&r, 6), total = sp * sessions;
			long vat = total / 11, card = total * 35 / 1000, net = total - vat - card;
			long left = (long)below(&r, (uint64_t)sessions + 1);

			price[i] = sp;
			stamp(ts, sizeof ts, ctr_day[i] + 1, 11, 0);
			stamp(ts2, sizeof ts2, ctr_day[i] + 20, 18, 30);
			dec(a1, sizeof a1, total);
			dec(a2, sizeof a2, sp);
			dec(a3, sizeof a3, vat);
			dec(a4, sizeof a4, card);
			dec(a5, sizeof a5, net);
			printf("INSERT INTO session_packages VALUES (%ld, %ld, %ld, %s, %s, %ld, %ld, %ld.0, 0.1, 0.035, %s, %s, %s, 1, %d, '%s', '%s');\n",
			    id, c0 + i + 1, ctrainer[i], a1, a2, sessions, left, left, a3, a4, a5,
			    i == NP - 1 ? 0 : 1, ts, ts2);
		}
		/* sessions: package i of client i; session 3 has no trainer */
		char sdate[NS][32], snotes[NS][64];
		for (int i = 0; i < NS; i++) {
			long id = b * NS + i + 1;

			stamp(sdate[i], sizeof sdate[i], ctr_day[i] + 5 + i, 6 + (int)below(&r, 14), 0);
			snprintf(snotes[i], sizeof snotes[i], "Worked on %s", i % 2 ? "deadlift form" : "mobility");
			printf("INSERT INTO sessions VALUES (%ld, %ld, %s, %ld, '%s', 60, '%s', 1.0, 'completed', '%s', '%s');\n",
			    id, c0 + i + 1, i == 2 ? "NULL" : (snprintf(a1, sizeof a1, "%ld", ctrainer[i]), a1),
			    p0 + i + 1, sdate[i], types[i % 4], snotes[i], sdate[i]);
		}
		/* training_sessions: 1 = session 1 exactly, 2 = session 2 without trainer
		 * and with its notes re-typed, 3 = a session of client 5 of its own */
		for (int i = 0; i < NTS; i++) {
			long id = b * NTS + i + 1;

			if (i == 0)
				printf("INSERT INTO training_sessions VALUES (%ld, %ld, %ld, %ld, '%s', 60, '%s', 1.0, 'completed', '%s', '%s');\n",
				    id, c0 + 1, ctrainer[0], p0 + 1, sdate[0], types[0], snotes[0], sdate[0]);
			else if (i == 1)
				printf("INSERT INTO training_sessions VALUES (%ld, %ld, NULL, %ld, '%s', 60, '%s', 1.0, 'completed', ' worked ON deadlift  form', '%s');\n",
				    id, c0 + 2, p0 + 2, sdate[1], types[1], sdate[1]);
			else {
				stamp(ts, sizeof ts, ctr_day[4] + 6, 17, 30);
				printf("INSERT INTO training_sessions VALUES (%ld, %ld, %ld, %ld, '%s', 45, 'PT', 1.0, 'no_show', 'Client did not come', '%s');\n",
				    id, c0 + 5, ctrainer[4], p0 + 5, ts, ts);
			}
		}
		/* payments: one per package 1..4; payment 2 has no trainer */
		char pdate[NPAY][32];
		for (int i = 0; i < NPAY; i++) {
			long id = b * NPAY + i + 1;

			stamp(pdate[i], sizeof pdate[i], ctr_day[i] + 1, 11, 5);
			dec(a1, sizeof a1, price[i] * 10);
			dec(a2, sizeof a2, price[i] * 10 / 11);
			dec(a3, sizeof a3, price[i] * 10 * 35 / 1000);
			dec(a4, sizeof a4, price[i] * 10 - price[i] * 10 / 11 - price[i] * 10 * 35 / 1000);
			printf("INSERT INTO payments VALUES (%ld, %ld, %s, %ld, %s, '%s', '%s', %s, %s, %s, 'Package payment', '%s');\n",
			    id, c0 + i + 1, i == 1 ? "NULL" : (snprintf(a5, sizeof a5, "%ld", ctrainer[i]), a5),
			    p0 + i + 1, a1, methods[i % 3], pdate[i], a2, a3, a4, pdate[i]);
		}
		/* payment_records: 1 = payment 3 without trainer, description
		 * re-typed; 2 = the payment for package 5 */
		for (int i = 0; i < NPR; i++) {
			long id = b * NPR + i + 1, k = i == 0 ? 2 : 4;

			if (i == 1)
				stamp(pdate[2], sizeof pdate[2], ctr_day[4] + 1, 11, 5);
			dec(a1, sizeof a1, price[k] * 10);
			dec(a2, sizeof a2, price[k] * 10 / 11);
			dec(a3, sizeof a3, price[k] * 10 * 35 / 1000);
			dec(a4, sizeof a4, price[k] * 10 - price[k] * 10 / 11 - price[k] * 10 * 35 / 1000);
			printf("INSERT INTO payment_records VALUES (%ld, %ld, %s, %ld, %s, '%s', '%s', %s, %s, %s, '%s', '%s');\n",
			    id, c0 + k + 1, i == 0 ? "NULL" : (snprintf(a5, sizeof a5, "%ld", ctrainer[k]), a5),
			    p0 + k + 1, a1, methods[k % 3], pdate[2], a2, a3, a4,
			    i == 0 ? "package payment" : "Package payment", pdate[2]);
		}
	}
	printf("COMMIT;\n");
	return ferror(stdout) || fflush(stdout) ? 1 : 0;
}
