#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "ledger.h"
#include "util.h"

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

static void add_encoded(struct buf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c <= ' ' || c == '%' || c == 0x7f)
			buf_addf(b, "%%%02X", c);
		else
			buf_addc(b, (char)c);
	}
}

/*
 * With MIG_STATS_TIME set (pipelines set it; tools leave it off so their
 * output stays byte for byte the same run after run): " ms=N cpu_ms=N",
 * wall time from the first record counted to now and the process's CPU
 * time, the same on every tag's line of one process.
 */
static void add_times(struct buf *b)
{
	const char *e = getenv("MIG_STATS_TIME");
	struct timespec now;
	struct rusage ru;
	long long ms = 0, cpu;

	if (!e || !*e || !strcmp(e, "0"))
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (ledger_t0.tv_sec || ledger_t0.tv_nsec)
		ms = (long long)(now.tv_sec - ledger_t0.tv_sec) * 1000 + (now.tv_nsec - ledger_t0.tv_nsec) / 1000000;
	getrusage(RUSAGE_SELF, &ru);
	cpu = ((long long)ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000 +
	      ((long long)ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000;
	buf_addf(b, " ms=%lld cpu_ms=%lld", ms, cpu);
}

void ledger_emit(const struct ledger *l, struct mig_writer *w, const char *stage)
{
	struct buf b = BUF_INIT;
	size_t i, j;

	for (i = 0; i < l->n; i++) {
		const struct ledger_counts *c = strmap_get(&l->tags, l->order[i], strlen(l->order[i]));

		buf_reset(&b);
		add_encoded(&b, stage);
		buf_addc(&b, ' ');
		add_encoded(&b, l->order[i]);
		buf_addf(&b, " in=%llu out=%llu dropped=%llu rejected=%llu", c->in, c->out, c->dropped,
			 c->rejected);
		for (j = 0; j < c->nextra; j++) {
			buf_addc(&b, ' ');
			add_encoded(&b, c->extra_names[j]);
			buf_addf(&b, "=%llu", c->extra[j]);
		}
		add_times(&b);
		mig_write_control(w, "stats", b.buf, b.len);
	}
	buf_release(&b);
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

static void decode_in_place(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (s[0] == '%' && s[1] && s[2]) {
			char hex[3] = { s[1], s[2], 0 };

			*o++ = (char)strtol(hex, NULL, 16);
			s += 2;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

int stats_parse(char *text, struct stats_line *s)
{
	char *save = NULL, *w;
	int n = 0, have = 0;

	memset(s, 0, sizeof(*s));
	for (w = strtok_r(text, " ", &save); w; w = strtok_r(NULL, " ", &save), n++) {
		char *eq;
		long long v;

		if (n == 0) {
			decode_in_place(w);
			s->stage = w;
			continue;
		}
		if (n == 1) {
			decode_in_place(w);
			s->tag = w;
			continue;
		}
		eq = strchr(w, '=');
		if (!eq)
			return -1;
		*eq = '\0';
		if (strtonum_ok(eq + 1, 0, (long long)(~0ULL >> 1), &v) < 0)
			return -1;
		decode_in_place(w);
		if (!strcmp(w, "in"))
			s->in = (unsigned long long)v, have |= 1;
		else if (!strcmp(w, "out"))
			s->out = (unsigned long long)v, have |= 2;
		else if (!strcmp(w, "dropped"))
			s->dropped = (unsigned long long)v, have |= 4;
		else if (!strcmp(w, "rejected"))
			s->rejected = (unsigned long long)v, have |= 8;
		else if (s->nextra < 16) {
			s->extra_names[s->nextra] = w;
			s->extra[s->nextra++] = (unsigned long long)v;
		}
	}
	return n >= 2 && have == 15 ? 0 : -1;
}
