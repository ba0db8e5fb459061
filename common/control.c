/*
 * control.c - the payloads of control lines: see control.h.
 */
#include <string.h>

#include "control.h"
#include "util.h"
#include "banned.h"

void ctl_encode(struct buf *b, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= ' ' || c == '%' || c == 0x7f)
			buf_addf(b, "%%%02X", c);
		else
			buf_addc(b, (char)c);
	}
}

long ctl_decode(char *s)
{
	char *o = s, *p;

	for (p = s; *p; p++) {
		if (*p == '%') {
			int hi = hexval(p[1]), lo = hi < 0 ? -1 : hexval(p[2]);

			/* a NUL would cut the word short where it is used */
			if (lo < 0 || (hi == 0 && lo == 0))
				return -1;
			*o++ = (char)(hi << 4 | lo);
			p += 2;
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
	return (long)(o - s);
}

int ctl_is(const struct mig_item *it, const char *kw)
{
	size_t n = strlen(kw);

	return it->kind == MIG_CONTROL && it->len == n && !memcmp(it->text, kw, n);
}

void ctl_write_count(struct mig_writer *w, const char *tag, unsigned long long n)
{
	struct buf b = BUF_INIT;

	ctl_encode(&b, tag, strlen(tag));
	buf_addf(&b, " %llu", n);
	mig_write_control(w, "count", b.buf, b.len);
	buf_release(&b);
}

int ctl_count(const struct mig_item *it, struct buf *tag, unsigned long long *n)
{
	const char *sp;
	long long v;
	char num[32];
	size_t k;
	long len;

	if (!ctl_is(it, "count") || !it->arglen)
		return 0;
	sp = memchr(it->arg, ' ', it->arglen);
	if (!sp || sp == it->arg || (k = it->arglen - (size_t)(sp - it->arg) - 1) == 0 || k >= sizeof(num))
		return 0;
	memcpy(num, sp + 1, k);
	num[k] = '\0';
	if (strtonum_ok(num, 0, (long long)(~0ULL >> 1), &v) < 0)
		return 0;
	buf_reset(tag);
	buf_add(tag, it->arg, (size_t)(sp - it->arg));
	if ((len = ctl_decode(tag->buf)) < 0)
		return 0;
	tag->len = (size_t)len;
	*n = (unsigned long long)v;
	return 1;
}

void ctl_write_stats(struct mig_writer *w, const char *stage, const char *tag, const unsigned long long c[4],
		     size_t nextra, char *const *names, const unsigned long long *extra, unsigned long long run)
{
	struct buf b = BUF_INIT;
	size_t j;

	ctl_encode(&b, stage, strlen(stage));
	buf_addc(&b, ' ');
	ctl_encode(&b, tag, strlen(tag));
	buf_addf(&b, " in=%llu out=%llu dropped=%llu rejected=%llu", c[0], c[1], c[2], c[3]);
	for (j = 0; j < nextra; j++) {
		buf_addc(&b, ' ');
		ctl_encode(&b, names[j], strlen(names[j]));
		buf_addf(&b, "=%llu", extra[j]);
	}
	if (run)
		buf_addf(&b, " run=%llu", run);
	mig_write_control(w, "stats", b.buf, b.len);
	buf_release(&b);
}

int stats_parse(char *text, struct stats_line *s)
{
	char *save = NULL, *w;
	int n = 0, have = 0;

	memset(s, 0, sizeof(*s));
	for (w = strtok_r(text, " ", &save); w; w = strtok_r(NULL, " ", &save), n++) {
		char *eq;
		long long v;

		if (n < 2) {
			if (ctl_decode(w) < 0)
				return -1;
			*(n ? &s->tag : &s->stage) = w;
			continue;
		}
		eq = strchr(w, '=');
		if (!eq)
			return -1;
		*eq = '\0';
		if (strtonum_ok(eq + 1, 0, (long long)(~0ULL >> 1), &v) < 0 || ctl_decode(w) < 0)
			return -1;
		if (!strcmp(w, "in"))
			s->in = (unsigned long long)v, have |= 1;
		else if (!strcmp(w, "out"))
			s->out = (unsigned long long)v, have |= 2;
		else if (!strcmp(w, "dropped"))
			s->dropped = (unsigned long long)v, have |= 4;
		else if (!strcmp(w, "rejected"))
			s->rejected = (unsigned long long)v, have |= 8;
		else if (!strcmp(w, "run"))
			s->run = (unsigned long long)v;
		else if (s->nextra < 16) {
			s->extra_names[s->nextra] = w;
			s->extra[s->nextra++] = (unsigned long long)v;
		}
	}
	return n >= 2 && have == 15 ? 0 : -1;
}
