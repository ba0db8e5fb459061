/*
 * gen-v1 - a deterministic, realistic and dirty old_moh (v1) data set.
 *
 *   gen-v1 [-s seed] [-n users] [-o dir]
 *
 * Writes DIR/users.tsv, appointments.tsv, visits.tsv, medical_cases.tsv,
 * prescriptions.tsv and counts.txt.  The files are in the one text format
 * both databases bulk-load without options: PostgreSQL's COPY text format
 * and MariaDB's LOAD DATA defaults (tab between fields, newline between
 * rows, \N for NULL, backslash escapes for tab, newline, CR, backslash).
 *
 * For n users: 3n appointments, n visits, n medical cases, n prescriptions.
 * The same seed and n give the same bytes on every machine: one 64-bit
 * generator per table, seeded from (seed, table), and no floating point
 * in any value.
 *
 * Dirt, on purpose: emails in mixed case, with stray blanks, duplicated
 * (about 3%, across staff and patients) or missing; phones in a dozen
 * formats and a few that are not phones; names of one, two and three
 * parts, some "Last, First", some with doubled blanks; NULL demographics;
 * notes with commas, quotes, newlines, tabs and backslashes.  References
 * are clean: a patient column always names a PATIENT, a doctor column a
 * DOCTOR or NURSE, a visit's person is its appointment's person.
 */
#define _POSIX_C_SOURCE 200809L	/* strdup, putc_unlocked */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *argv0 = "gen-v1";

struct rng {
	uint64_t s;
};

/* splitmix64: tiny, fast, and the same everywhere. */
static uint64_t
next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void
rng_init(struct rng *r, uint64_t seed, const char *table)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *table; table++)
		h = (h ^ (unsigned char)*table) * 1099511628211ULL;
	r->s = seed ^ h;
	next(r);
}

/* Uniform in [0, n); the modulo bias is irrelevant for test data. */
static uint64_t
below(struct rng *r, uint64_t n)
{
	return next(r) % n;
}

/* True with probability pct/1000. */
static int
chance(struct rng *r, unsigned permille)
{
	return below(r, 1000) < permille;
}

#define PICK(r, a) ((a)[below((r), sizeof(a) / sizeof((a)[0]))])

static _Noreturn void
die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", argv0);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (fmt[0] && fmt[strlen(fmt) - 1] == ':')
		fprintf(stderr, " %s", strerror(errno));
	fputc('\n', stderr);
	exit(2);
}

static void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		die("out of memory");
	return p;
}

/* One output row at a time, fields escaped for COPY text / LOAD DATA. */
struct out {
	FILE *fp;
	const char *path;
	int nf;
};

static void
out_open(struct out *o, const char *dir, const char *name)
{
	static char path[4096];
	int n = snprintf(path, sizeof(path), "%s/%s.tsv", dir, name);

	if (n < 0 || (size_t)n >= sizeof(path))
		die("%s: path too long", dir);
	o->path = strdup(path);
	if (!o->path)
		die("out of memory");
	if (!(o->fp = fopen(path, "w")))
		die("%s:", path);
	setvbuf(o->fp, NULL, _IOFBF, 1 << 20);
	o->nf = 0;
}

static void
out_close(struct out *o)
{
	if (fflush(o->fp) || ferror(o->fp) || fclose(o->fp))
		die("%s: write failed:", o->path);
	free((void *)o->path);
}

static void
sep(struct out *o)
{
	if (o->nf++)
		putc_unlocked('\t', o->fp);
}

static void
f_null(struct out *o)
{
	sep(o);
	fputs("\\N", o->fp);
}

static void
f_str(struct out *o, const char *s)
{
	if (!s) {
		f_null(o);
		return;
	}
	sep(o);
	for (; *s; s++) {
		switch (*s) {
		case '\\': fputs("\\\\", o->fp); break;
		case '\t': fputs("\\t", o->fp); break;
		case '\n': fputs("\\n", o->fp); break;
		case '\r': fputs("\\r", o->fp); break;
		default: putc_unlocked(*s, o->fp);
		}
	}
}

/* Hand-made number formatting: fprintf was most of the run time. */
static void
put_uint(FILE *fp, uint64_t v, int width)
{
	char d[24];
	int i = 0;

	do {
		d[i++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (i < width)
		d[i++] = '0';
	while (i)
		putc_unlocked(d[--i], fp);
}

static void
f_int(struct out *o, int64_t v)
{
	sep(o);
	if (v < 0) {
		putc_unlocked('-', o->fp);
		put_uint(o->fp, (uint64_t)0 - (uint64_t)v, 1);
	} else {
		put_uint(o->fp, (uint64_t)v, 1);
	}
}

static void
f_ref(struct out *o, int64_t v)
{
	if (v)
		f_int(o, v);
	else
		f_null(o);
}

/* Seconds since 2000-01-01 00:00:00 to "YYYY-MM-DD HH:MM:SS", no libc time zones. */
static void
civil(int64_t days, int *y, int *m, int *d)
{
	/* Howard Hinnant's days_from_civil inverse, shifted to 2000-01-01. */
	int64_t z = days + 10957 + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;

	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static void
put_date(FILE *fp, int y, int m, int d)
{
	put_uint(fp, (uint64_t)y, 4);
	putc_unlocked('-', fp);
	put_uint(fp, (uint64_t)m, 2);
	putc_unlocked('-', fp);
	put_uint(fp, (uint64_t)d, 2);
}

static void
f_ts(struct out *o, int64_t secs)
{
	int y, m, d;
	int64_t days = secs / 86400, rem = secs % 86400;

	if (rem < 0) {
		rem += 86400;
		days--;
	}
	civil(days, &y, &m, &d);
	sep(o);
	put_date(o->fp, y, m, d);
	putc_unlocked(' ', o->fp);
	put_uint(o->fp, (uint64_t)(rem / 3600), 2);
	putc_unlocked(':', o->fp);
	put_uint(o->fp, (uint64_t)(rem / 60 % 60), 2);
	putc_unlocked(':', o->fp);
	put_uint(o->fp, (uint64_t)(rem % 60), 2);
}

static void
f_date(struct out *o, int64_t days)
{
	int y, m, d;

	civil(days, &y, &m, &d);
	sep(o);
	put_date(o->fp, y, m, d);
}

static void
f_end(struct out *o)
{
	putc_unlocked('\n', o->fp);
	o->nf = 0;
}

/* Seconds from 2000-01-01 to 2015-01-01 and the span of the platform's life. */
#define T2015 473385600LL
#define SPAN (10LL * 365 * 86400)

static const char *first[] = {
	"James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael",
	"Linda", "William", "Elizabeth", "David", "Barbara", "Richard", "Susan",
	"Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen", "Daniel",
	"Nancy", "Matthew", "Lisa", "Anthony", "Betty", "Mark", "Margaret",
	"Ahmed", "Fatima", "Mohammed", "Aisha", "Omar", "Layla", "Yusuf", "Noor",
	"José", "María", "Zoë", "François", "Søren", "Björn", "Chloé", "Iñaki",
	"Wei", "Mei", "Hiroshi", "Yuki", "Priya", "Arjun", "Olga", "Dmitri",
	"Anne-Marie", "Jean-Luc", "Siobhán", "Nia", "Kwame", "Amara",
};
static const char *middle[] = {
	"Ann", "Lee", "Marie", "James", "Louise", "Ray", "Grace", "Paul", "Rose",
	"Alan", "Jane", "Karim", "Mae", "Lynn", "Jo",
};
static const char *last[] = {
	"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller",
	"Davis", "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez",
	"Wilson", "Anderson", "Taylor", "Thomas", "Moore", "Jackson", "Martin",
	"Lee", "Thompson", "White", "Harris", "Clark", "Lewis", "Walker",
	"O'Brien", "O'Neil", "D'Angelo", "McDonald", "MacLeod", "Van der Berg",
	"De la Cruz", "Al-Sayed", "Haddad", "Nakamura", "Tanaka", "Chen", "Wang",
	"Kumar", "Patel", "Müller", "Schröder", "Øster", "Nuñez", "Peña",
	"Kowalski", "Ivanova", "Okafor", "Mensah", "Smith-Jones",
};
static const char *domains[] = {
	"gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "example.org",
	"mail.example.net", "icloud.com", "proton.me",
};
static const char *staff_domain = "clinic.example.org";
static const char *genders[] = {
	"M", "F", "male", "female", "Male", "Female", "F", "M", "other", "U", "m", "f",
};
static const char *streets[] = {
	"Main St", "Oak Avenue", "Elm Street", "Park Road", "Cedar Ln",
	"Maple Drive", "Hospital Way", "Rue de la Paix", "Königstraße",
};
static const char *cities[] = {
	"Springfield", "Riverside", "Franklin", "Greenville", "Bristol",
	"Clinton", "Fairview", "Salem", "Madison", "Georgetown",
};
static const char *appt_status[] = {
	"scheduled", "SCHEDULED", "completed", "Completed", "COMPLETED",
	"cancelled", "canceled", "no_show", "NO-SHOW", "completed", "completed",
};
static const char *case_status[] = {
	"open", "OPEN", "closed", "Closed", "in_progress", "closed", "closed",
};
static const char *reasons[] = {
	"Check-up", "Follow-up", "Flu symptoms", "Back pain", "Vaccination",
	"Blood test results", "Headache, recurring", "Annual physical",
	"Prescription renewal", "Chest pain", "Skin rash", "Allergy consult",
};
static const char *diagnoses[] = {
	"Hypertension", "Type 2 diabetes", "Upper respiratory infection",
	"Migraine", "Lumbar strain", "Seasonal allergies", "Anxiety disorder",
	"Asthma", "Otitis media", "Gastroenteritis", "Healthy, no findings",
	"Iron-deficiency anemia", "Hypothyroidism",
};
static const char *medications[] = {
	"Amoxicillin", "Lisinopril", "Metformin", "Atorvastatin", "Ibuprofen",
	"Omeprazole", "Salbutamol inhaler", "Levothyroxine", "Sertraline",
	"Cetirizine", "Paracetamol", "Amlodipine",
};
static const char *dosages[] = {
	"500 mg", "10 mg", "850mg", "20 mg", "400 mg", "1 tablet", "2 puffs",
	"50 mcg", "5 ml",
};
static const char *frequencies[] = {
	"once daily", "twice daily", "3x/day", "every 8 hours", "as needed",
	"at bedtime", "BID", "TID",
};
static const char *note_parts[] = {
	"Patient reports improvement",
	"BP 140/90, recheck in 2 weeks",
	"Patient said \"it only hurts when I laugh\"",
	"Allergic to penicillin; use alternatives",
	"Referred to cardiology, awaiting reply",
	"Called twice, no answer",
	"Follow-up needed\nBring previous lab results",
	"Dose: 1 tab, morning\tand evening",
	"Path C:\\records\\scan-042.pdf attached",
	"Wife's number on file, call if \"urgent\"",
	"Très bien — no complaints",
	"Cough, fever, fatigue; rule out flu",
	"Line one\r\nLine two (old Windows client)",
	"",
};

/* A short note, or NULL. */
static const char *
note(struct rng *r, char *buf, size_t n, unsigned null_permille)
{
	size_t len = 0;
	int parts, i;

	if (chance(r, null_permille))
		return NULL;
	parts = 1 + (int)below(r, 3);
	buf[0] = '\0';
	for (i = 0; i < parts; i++) {
		const char *p = PICK(r, note_parts);
		int w = snprintf(buf + len, n - len, "%s%s", i ? ". " : "", p);

		if (w < 0 || (size_t)w >= n - len)
			break;
		len += (size_t)w;
	}
	return buf;
}

/* ASCII lower case of a name for an email local part, letters only. */
static size_t
localpart(char *dst, size_t n, const char *name)
{
	size_t len = 0;

	for (; *name && len + 1 < n; name++) {
		unsigned char c = (unsigned char)*name;

		if (c >= 'A' && c <= 'Z')
			dst[len++] = (char)(c - 'A' + 'a');
		else if (c >= 'a' && c <= 'z')
			dst[len++] = (char)c;
	}
	dst[len] = '\0';
	return len;
}

/* Mixed case, the way people type their own addresses. */
static void
mixcase(struct rng *r, char *s)
{
	int mode = (int)below(r, 3);
	char prev = '.';

	for (; *s; prev = *s++) {
		if (*s < 'a' || *s > 'z')
			continue;
		if (mode == 0 || (mode == 1 && prev == '.') || (mode == 2 && chance(r, 300)))
			*s = (char)(*s - 'a' + 'A');
	}
}

static void
phone(struct rng *r, char *buf, size_t n)
{
	unsigned a = 201 + (unsigned)below(r, 789), b = 200 + (unsigned)below(r, 800);
	unsigned c = (unsigned)below(r, 10000);

	switch (below(r, 13)) {
	case 0: snprintf(buf, n, "(%03u) %03u-%04u", a, b, c); break;
	case 1: snprintf(buf, n, "%03u-%03u-%04u", a, b, c); break;
	case 2: snprintf(buf, n, "%03u.%03u.%04u", a, b, c); break;
	case 3: snprintf(buf, n, "%03u%03u%04u", a, b, c); break;
	case 4: snprintf(buf, n, "+1%03u%03u%04u", a, b, c); break;
	case 5: snprintf(buf, n, "+1 %03u %03u %04u", a, b, c); break;
	case 6: snprintf(buf, n, "+1-%03u-%03u-%04u", a, b, c); break;
	case 7: snprintf(buf, n, "1 (%03u) %03u-%04u", a, b, c); break;
	case 8: snprintf(buf, n, "001 %03u %03u %04u", a, b, c); break;
	case 9: snprintf(buf, n, " %03u %03u %04u ", a, b, c); break;
	case 10: snprintf(buf, n, "%03u/%03u-%04u", a, b, c); break;
	case 11: snprintf(buf, n, "+1 (%03u) %03u %04u", a, b, c); break;
	default: snprintf(buf, n, "%s", PICK(r, ((const char *[]){
		"n/a", "none", "000", "12345", "call reception", "-"
	}))); break;
	}
}

static void
bcrypt(struct rng *r, char *buf, size_t n)
{
	static const char alpha[] =
		"./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	size_t i, len = (size_t)snprintf(buf, n, "$2b$%02d$", chance(r, 800) ? 12 : 10);

	for (i = 0; i < 53 && len + 1 < n; i++)
		buf[len++] = alpha[below(r, 64)];
	buf[len] = '\0';
}

/* Roles of the first users: every kind of staff exists even at tiny scale. */
static const char *fixed_roles[] = {
	"SUPER_ADMIN", "ADMIN", "DOCTOR", "NURSE", "SECRETARY", "DOCTOR", "PATIENT",
};

static const char *
pick_role(struct rng *r, int64_t id)
{
	unsigned x;

	if (id <= (int64_t)(sizeof(fixed_roles) / sizeof(fixed_roles[0])))
		return fixed_roles[id - 1];
	x = (unsigned)below(r, 1000);
	if (x < 900) return "PATIENT";
	if (x < 945) return "DOCTOR";
	if (x < 975) return "NURSE";
	if (x < 985) return "SECRETARY";
	if (x < 997) return "ADMIN";
	return "SUPER_ADMIN";
}

struct ids {
	int64_t *v;
	size_t n;
};

static int64_t
pick_id(struct rng *r, const struct ids *s)
{
	return s->v[below(r, s->n)];
}

static void
gen_users(const char *dir, uint64_t seed, int64_t n, struct ids *pat, struct ids *doc)
{
	struct rng r;
	struct out o;
	char name[256], email[256], local[128], ph[64], hash[80], addr[256];
	/* a ring of recent emails, the source of duplicates */
	char (*recent)[256] = xmalloc(64 * sizeof(*recent));
	size_t nrecent = 0;
	int64_t id;

	rng_init(&r, seed, "users");
	out_open(&o, dir, "users");
	pat->v = xmalloc((size_t)n * sizeof(int64_t));
	doc->v = xmalloc((size_t)n * sizeof(int64_t));
	pat->n = doc->n = 0;
	for (id = 1; id <= n; id++) {
		const char *role = pick_role(&r, id);
		int patient = role[0] == 'P';
		const char *fn = PICK(&r, first), *mn = PICK(&r, middle), *ln = PICK(&r, last);
		unsigned shape = (unsigned)below(&r, 100);
		int64_t created = T2015 + (int64_t)below(&r, (uint64_t)SPAN);

		if (patient)
			pat->v[pat->n++] = id;
		else if (role[0] == 'D' || role[0] == 'N')
			doc->v[doc->n++] = id;

		/* one part 3%, three parts 15%, "Last, First" 4%, doubled blank 3% */
		if (shape < 3)
			snprintf(name, sizeof(name), "%s", fn);
		else if (shape < 18)
			snprintf(name, sizeof(name), "%s %s %s", fn, mn, ln);
		else if (shape < 22)
			snprintf(name, sizeof(name), "%s, %s", ln, fn);
		else if (shape < 25)
			snprintf(name, sizeof(name), " %s  %s", fn, ln);
		else
			snprintf(name, sizeof(name), "%s %s", fn, ln);

		/* email: NULL 6% of patients, duplicate 3%, mixed case 20%, blanks 2% */
		if (patient && chance(&r, 60)) {
			email[0] = '\0';
		} else if (nrecent && chance(&r, 30)) {
			snprintf(email, sizeof(email), "%s", recent[below(&r, nrecent < 64 ? nrecent : 64)]);
			if (chance(&r, 500))
				mixcase(&r, email);
		} else {
			char l2[64];

			localpart(local, sizeof(local), fn);
			localpart(l2, sizeof(l2), ln);
			snprintf(email, sizeof(email), "%s.%s%s%" PRId64 "@%s", local, l2,
				 chance(&r, 500) ? "" : "_", id % 9973,
				 patient ? PICK(&r, domains) : staff_domain);
			if (chance(&r, 200))
				mixcase(&r, email);
			snprintf(recent[nrecent++ % 64], 256, "%s", email);
			if (chance(&r, 20)) {
				char tmp[256];

				snprintf(tmp, sizeof(tmp), " %s ", email);
				snprintf(email, sizeof(email), "%s", tmp);
			}
		}
		if (chance(&r, 80))
			ph[0] = '\0';
		else
			phone(&r, ph, sizeof(ph));
		bcrypt(&r, hash, sizeof(hash));
		if (!patient || chance(&r, 200))
			addr[0] = '\0';
		else
			snprintf(addr, sizeof(addr), "%u %s, %s%s", 1 + (unsigned)below(&r, 9999),
				 PICK(&r, streets), chance(&r, 300) ? "Apt 4B, " : "", PICK(&r, cities));

		f_int(&o, id);
		f_str(&o, role);
		f_str(&o, name);
		f_str(&o, email[0] ? email : NULL);
		f_str(&o, ph[0] ? ph : NULL);
		f_str(&o, hash);
		if (patient && !chance(&r, 100))
			f_date(&o, -365 * 90 + (int64_t)below(&r, 365 * 108));
		else
			f_null(&o);
		if (chance(&r, 150))
			f_null(&o);
		else
			f_str(&o, PICK(&r, genders));
		f_str(&o, addr[0] ? addr : NULL);
		f_ts(&o, created);
		if (chance(&r, 300))
			f_null(&o);
		else
			f_ts(&o, created + (int64_t)below(&r, 3 * 365 * 86400));
		f_end(&o);
	}
	out_close(&o);
	free(recent);
	if (!pat->n || !doc->n)
		die("%" PRId64 " users: too few for a patient and a doctor", n);
}

/* What a visit or prescription needs to agree with what it refers to. */
struct link {
	int64_t patient, doctor, when;
	int done;
};

static void
gen_appointments(const char *dir, uint64_t seed, int64_t n, const struct ids *pat,
		 const struct ids *doc, struct link *keep)
{
	struct rng r;
	struct out o;
	char buf[1024];
	int64_t id;

	rng_init(&r, seed, "appointments");
	out_open(&o, dir, "appointments");
	for (id = 1; id <= n; id++) {
		int64_t when = T2015 + (int64_t)below(&r, (uint64_t)SPAN);
		const char *st = PICK(&r, appt_status);
		struct link *k = &keep[id - 1];

		when -= when % 900;
		k->patient = pick_id(&r, pat);
		k->doctor = chance(&r, 20) ? 0 : pick_id(&r, doc);
		k->when = when;
		k->done = (st[0] == 'c' || st[0] == 'C') && (st[1] == 'o' || st[1] == 'O') && k->doctor;
		f_int(&o, id);
		f_int(&o, k->patient);
		f_ref(&o, k->doctor);
		f_ts(&o, when);
		if (chance(&r, 50))
			f_null(&o);
		else
			f_int(&o, 15 * (1 + (int64_t)below(&r, 4)));
		f_str(&o, st);
		f_str(&o, chance(&r, 100) ? NULL : PICK(&r, reasons));
		f_str(&o, note(&r, buf, sizeof(buf), 400));
		f_ts(&o, when - (int64_t)below(&r, 60 * 86400));
		f_end(&o);
	}
	out_close(&o);
}

static void
gen_visits(const char *dir, uint64_t seed, int64_t n, int64_t nappt, const struct ids *pat,
	   const struct ids *doc, const struct link *appt)
{
	struct rng r;
	struct out o;
	char buf[1024];
	int64_t id;

	rng_init(&r, seed, "visits");
	out_open(&o, dir, "visits");
	for (id = 1; id <= n; id++) {
		int64_t a = 1 + (int64_t)below(&r, (uint64_t)nappt);
		int64_t p, d, when;

		/* a visit follows a completed appointment, or is a walk-in */
		if (appt[a - 1].done && !chance(&r, 100)) {
			p = appt[a - 1].patient;
			d = appt[a - 1].doctor;
			when = appt[a - 1].when + (int64_t)below(&r, 1800);
		} else {
			a = 0;
			p = pick_id(&r, pat);
			d = pick_id(&r, doc);
			when = T2015 + (int64_t)below(&r, (uint64_t)SPAN);
		}
		f_int(&o, id);
		f_ref(&o, a);
		f_int(&o, p);
		f_int(&o, d);
		f_ts(&o, when);
		f_str(&o, chance(&r, 150) ? NULL : PICK(&r, diagnoses));
		f_str(&o, note(&r, buf, sizeof(buf), 250));
		f_ts(&o, when + (int64_t)below(&r, 7200));
		f_end(&o);
	}
	out_close(&o);
}

static void
gen_cases(const char *dir, uint64_t seed, int64_t n, const struct ids *pat,
	  const struct ids *doc, struct link *keep)
{
	struct rng r;
	struct out o;
	char buf[1024], title[256];
	int64_t id;

	rng_init(&r, seed, "medical_cases");
	out_open(&o, dir, "medical_cases");
	for (id = 1; id <= n; id++) {
		struct link *k = &keep[id - 1];
		const char *st = PICK(&r, case_status);
		int64_t opened = T2015 + (int64_t)below(&r, (uint64_t)SPAN);

		k->patient = pick_id(&r, pat);
		k->doctor = pick_id(&r, doc);
		k->when = opened;
		snprintf(title, sizeof(title), "%s%s", PICK(&r, diagnoses),
			 chance(&r, 100) ? " (suspected)" : "");
		f_int(&o, id);
		f_int(&o, k->patient);
		f_int(&o, k->doctor);
		f_str(&o, title);
		f_str(&o, note(&r, buf, sizeof(buf), 200));
		f_str(&o, st);
		f_ts(&o, opened);
		if (st[0] == 'c' || st[0] == 'C')
			f_ts(&o, opened + 86400 + (int64_t)below(&r, 200 * 86400));
		else
			f_null(&o);
		f_end(&o);
	}
	out_close(&o);
}

static void
gen_prescriptions(const char *dir, uint64_t seed, int64_t n, int64_t ncases,
		  const struct ids *pat, const struct ids *doc, const struct link *mc)
{
	struct rng r;
	struct out o;
	char buf[1024];
	int64_t id;

	rng_init(&r, seed, "prescriptions");
	out_open(&o, dir, "prescriptions");
	for (id = 1; id <= n; id++) {
		int64_t c = 1 + (int64_t)below(&r, (uint64_t)ncases);
		int64_t p, d, when;

		if (chance(&r, 900)) {
			p = mc[c - 1].patient;
			d = mc[c - 1].doctor;
			when = mc[c - 1].when + (int64_t)below(&r, 30 * 86400);
		} else {
			c = 0;
			p = pick_id(&r, pat);
			d = pick_id(&r, doc);
			when = T2015 + (int64_t)below(&r, (uint64_t)SPAN);
		}
		f_int(&o, id);
		f_ref(&o, c);
		f_int(&o, p);
		f_int(&o, d);
		f_str(&o, PICK(&r, medications));
		f_str(&o, chance(&r, 50) ? NULL : PICK(&r, dosages));
		f_str(&o, chance(&r, 80) ? NULL : PICK(&r, frequencies));
		f_str(&o, note(&r, buf, sizeof(buf), 500));
		f_ts(&o, when);
		if (chance(&r, 300))
			f_null(&o);
		else
			f_date(&o, when / 86400 + 7 + (int64_t)below(&r, 180));
		f_end(&o);
	}
	out_close(&o);
}

static _Noreturn void
usage(FILE *fp, int code)
{
	fprintf(fp, "usage: %s [-s seed] [-n users] [-o dir]\n", argv0);
	exit(code);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "users", required_argument, NULL, 'n' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t seed = 1;
	int64_t n = 1000;
	const char *dir = ".";
	struct ids pat, doc;
	struct link *appt, *cases;
	FILE *fp;
	char path[4096];
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "s:n:o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			errno = 0;
			seed = strtoull(optarg, &end, 10);
			if (errno || !*optarg || *end)
				die("bad seed '%s'", optarg);
			break;
		case 'n':
			errno = 0;
			n = strtoll(optarg, &end, 10);
			if (errno || !*optarg || *end || n < 10 || n > 100000000)
				die("bad number of users '%s' (10 to 100000000)", optarg);
			break;
		case 'o':
			dir = optarg;
			break;
		case 'h':
			usage(stdout, 0);
		default:
			usage(stderr, 2);
		}
	}
	if (optind != argc)
		usage(stderr, 2);
	if (mkdir(dir, 0777) && errno != EEXIST)
		die("%s:", dir);

	gen_users(dir, seed, n, &pat, &doc);
	appt = xmalloc((size_t)(3 * n) * sizeof(*appt));
	cases = xmalloc((size_t)n * sizeof(*cases));
	gen_appointments(dir, seed, 3 * n, &pat, &doc, appt);
	gen_visits(dir, seed, n, 3 * n, &pat, &doc, appt);
	gen_cases(dir, seed, n, &pat, &doc, cases);
	gen_prescriptions(dir, seed, n, n, &pat, &doc, cases);

	snprintf(path, sizeof(path), "%s/counts.txt", dir);
	if (!(fp = fopen(path, "w")))
		die("%s:", path);
	fprintf(fp, "users %" PRId64 "\npatients %zu\nstaff %" PRId64 "\n"
		"appointments %" PRId64 "\nvisits %" PRId64 "\nmedical_cases %" PRId64
		"\nprescriptions %" PRId64 "\nseed %" PRIu64 "\n",
		n, pat.n, n - (int64_t)pat.n, 3 * n, n, n, n, seed);
	if (fclose(fp))
		die("%s: write failed:", path);
	free(pat.v);
	free(doc.v);
	free(appt);
	free(cases);
	return 0;
}
