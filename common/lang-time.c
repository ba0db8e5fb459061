/*
 * lang-time.c - dates and times from the formats legacy data holds, to the
 * stream's canonical date, timestamp and timestamptz text.
 *
 * Day-first and month-first dates cannot be told apart by looking
 * (03/04/2024), so the caller names the order; nothing is guessed.  A
 * naive time is placed in a named zone with the system time zone
 * database: TZ is set to the zone and the wall-clock time tried against
 * the offsets in force around it; a time
 * that falls in a spring-forward gap is an error, and one that occurs
 * twice (autumn) takes its first occurrence.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "civil.h"
#include "banned.h"

enum { TF_ISO, TF_DMY, TF_MDY, TF_UNIX };
enum { TO_DATE, TO_TIMESTAMP, TO_TIMESTAMPTZ };

int map_time(const char *s, size_t n, int fmt, int to, const char *zone, void *tz, struct buf *out,
	     const char **why);
void *map_tz_new(void);
void map_tz_free(void *tz);

/*
 * Zone state: the zone TZ is set to, and the offset of recently seen
 * wall-clock hours that lie a day or more from any offset change, so that
 * most times convert with no zone lookup at all.
 */
#define TZ_CACHE 4096
struct tzstate {
	const char *cur;
	struct { const char *zone; long long hour; long off; } c[TZ_CACHE];
};

void *map_tz_new(void)
{
	return calloc(1, sizeof(struct tzstate));
}

void map_tz_free(void *tz)
{
	free(tz);
}

struct when {
	long y;
	int mo, d, h, mi, sec;
	char frac[7];
	int hastime, haszone;
	long off;		/* seconds east of UTC, when haszone */
};

static int num(const char **pp, const char *e, int min, int max, long *v)
{
	const char *p = *pp;
	long x = 0;
	int k = 0;

	while (p < e && isdigit((unsigned char)*p) && k < max) {
		x = x * 10 + (*p++ - '0');
		k++;
	}
	if (k < min)
		return -1;
	*pp = p;
	*v = x;
	return 0;
}

/* The UTC second of w read as UTC, and back; no libc zone machinery. */
static long long utc_seconds(const struct when *w)
{
	return days_from_civil(w->y, w->mo, w->d) * 86400LL + w->h * 3600LL + w->mi * 60LL + w->sec;
}

static int utc_set(struct when *w, long long t, const char **why)
{
	long long days = (t >= 0 ? t : t - 86399) / 86400, rem = t - days * 86400, y;

	civil_from_days(days, &y, &w->mo, &w->d);
	w->y = (long)y;
	w->h = (int)(rem / 3600);
	w->mi = (int)(rem % 3600 / 60);
	w->sec = (int)(rem % 60);
	if (w->y < 1 || w->y > 9999) {
		*why = "time out of range";
		return -1;
	}
	return 0;
}

static int parse_date(const char **pp, const char *e, int fmt, struct when *w, const char **why)
{
	const char *p = *pp;
	long a, b, c;
	char sep;

	if (fmt == TF_ISO) {
		if (num(&p, e, 4, 4, &a) < 0)
			goto bad;
		if (p < e && (*p == '-' || *p == '/' || *p == '.')) {
			sep = *p++;
			if (num(&p, e, 1, 2, &b) < 0 || p >= e || *p++ != sep || num(&p, e, 1, 2, &c) < 0)
				goto bad;
		} else if (num(&p, e, 2, 2, &b) < 0 || num(&p, e, 2, 2, &c) < 0) {
			goto bad;
		}
		w->y = a, w->mo = (int)b, w->d = (int)c;
	} else {
		if (num(&p, e, 1, 2, &a) < 0 || p >= e || !strchr("/-.", *p))
			goto bad;
		sep = *p++;
		if (num(&p, e, 1, 2, &b) < 0 || p >= e || *p++ != sep)
			goto bad;
		if (num(&p, e, 4, 4, &c) < 0) {
			*why = fmt == TF_DMY ? "not a DD/MM/YYYY date (the year needs four digits)" :
					       "not a MM/DD/YYYY date (the year needs four digits)";
			return -1;
		}
		w->y = c;
		w->d = (int)(fmt == TF_DMY ? a : b);
		w->mo = (int)(fmt == TF_DMY ? b : a);
	}
	if (w->y < 1 || w->mo < 1 || w->mo > 12 || w->d < 1 || w->d > days_in_month(w->y, w->mo)) {
		*why = "no such date";
		return -1;
	}
	*pp = p;
	return 0;
bad:
	*why = fmt == TF_ISO ? "not a YYYY-MM-DD date" : fmt == TF_DMY ? "not a DD/MM/YYYY date" :
								   "not a MM/DD/YYYY date";
	return -1;
}

static int parse_rest(const char *p, const char *e, struct when *w, const char **why)
{
	long h, mi, sec = 0, oh, om = 0;
	size_t k = 0;

	if (p < e && (*p == 'T' || *p == ' ')) {
		p++;
		while (p < e && *p == ' ')
			p++;
		if (num(&p, e, 1, 2, &h) < 0 || p >= e || *p++ != ':' || num(&p, e, 2, 2, &mi) < 0)
			goto bad;
		if (p < e && *p == ':') {
			p++;
			if (num(&p, e, 2, 2, &sec) < 0)
				goto bad;
			if (p < e && (*p == '.' || *p == ',')) {
				p++;
				while (p < e && isdigit((unsigned char)*p)) {
					if (k == 6) {
						*why = "more than six fractional digits";
						return -1;
					}
					w->frac[k++] = *p++;
				}
				if (!k)
					goto bad;
			}
		}
		if (h > 23 || mi > 59 || sec > 59) {
			*why = "no such time of day";
			return -1;
		}
		w->h = (int)h, w->mi = (int)mi, w->sec = (int)sec;
		w->hastime = 1;
	}
	while (k && w->frac[k - 1] == '0')
		k--;
	w->frac[k] = '\0';
	while (p < e && *p == ' ')
		p++;
	if (p < e && (*p == 'Z' || *p == 'z') && p + 1 == e) {
		w->haszone = 1;
		w->off = 0;
		return 0;
	}
	if (e - p == 3 && !strncmp(p, "UTC", 3)) {
		w->haszone = 1;
		w->off = 0;
		return 0;
	}
	if (p < e && (*p == '+' || *p == '-')) {
		int neg = *p++ == '-';

		if (num(&p, e, 2, 2, &oh) < 0)
			goto bad;
		if (p < e && *p == ':')
			p++;
		if (p < e && num(&p, e, 2, 2, &om) < 0)
			goto bad;
		if (oh > 15 || om > 59)
			goto bad;
		w->haszone = 1;
		w->off = (oh * 3600 + om * 60) * (neg ? -1 : 1);
	}
	if (p != e)
		goto bad;
	return 0;
bad:
	*why = "not a time of day (HH:MM[:SS[.ffffff]] and an optional zone offset)";
	return -1;
}

static int parse_unix(const char *p, const char *e, struct when *w, const char **why)
{
	long long secs = 0;
	int neg = 0, k = 0, nd = 0;

	if (p < e && (*p == '-' || *p == '+'))
		neg = *p++ == '-';
	while (p < e && isdigit((unsigned char)*p)) {
		if (++nd > 12) {
			*why = "unix time out of range";
			return -1;
		}
		secs = secs * 10 + (*p++ - '0');
	}
	if (p < e && *p == '.') {
		p++;
		while (p < e && isdigit((unsigned char)*p) && k < 6)
			w->frac[k++] = *p++;
		while (p < e && isdigit((unsigned char)*p))
			p++;
	}
	if (p != e || !nd) {
		*why = "not a unix time (seconds since 1970-01-01 UTC)";
		return -1;
	}
	if (neg && k) {
		/* -1.25 is 1.25 s before the epoch: borrow a second. */
		int i, carry = 0;

		for (i = k - 1; i >= 0; i--) {
			int dgt = 9 - (w->frac[i] - '0') + (i == k - 1);

			dgt += carry;
			carry = dgt > 9;
			w->frac[i] = (char)('0' + dgt % 10);
		}
		secs += 1 - carry;
	}
	while (k && w->frac[k - 1] == '0')
		k--;
	w->frac[k] = '\0';
	if (utc_set(w, neg ? -secs : secs, why) < 0)
		return -1;
	w->hastime = w->haszone = 1;
	w->off = 0;
	return 0;
}

static void to_tm(const struct when *w, struct tm *tm)
{
	memset(tm, 0, sizeof(*tm));
	tm->tm_year = (int)(w->y - 1900);
	tm->tm_mon = w->mo - 1;
	tm->tm_mday = w->d;
	tm->tm_hour = w->h;
	tm->tm_min = w->mi;
	tm->tm_sec = w->sec;
}

static int same_wall(const struct tm *a, const struct tm *b)
{
	return a->tm_year == b->tm_year && a->tm_mon == b->tm_mon && a->tm_mday == b->tm_mday &&
	       a->tm_hour == b->tm_hour && a->tm_min == b->tm_min && a->tm_sec == b->tm_sec;
}

static int is_utc(const char *zone)
{
	return (zone[0] == 'U' && zone[1] == 'T' && zone[2] == 'C' && !zone[3]) || !strcmp(zone, "Etc/UTC");
}

/*
 * Place the wall-clock time w in zone and move it to UTC.  mktime(3) would
 * do, but glibc's re-reads the zone file on every call; localtime_r does
 * not.  The offsets in force a day before and a day after are the only
 * candidates (zones do not change offset twice in two days), and a
 * candidate counts if converting back gives the same wall-clock time.
 */
static int local_to_utc(struct when *w, const char *zone, struct tzstate *tz, const char **why)
{
	struct tm want, back;
	time_t wall, t, best = 0;
	long offs[2] = { 0, 0 };
	long long hour;
	int i, found = 0;
	size_t slot;

	/* UTC itself has no offset to look up: the wall-clock time is the
	 * moment, without a trip through TZ and localtime_r per value */
	if (is_utc(zone)) {
		if (w->y < 1) {
			*why = "time out of range";
			return -1;
		}
		return 0;
	}
	wall = (time_t)utc_seconds(w);
	hour = (long long)(wall >= 0 ? wall / 3600 : (wall - 3599) / 3600);
	slot = (size_t)(hour & (TZ_CACHE - 1));
	if (tz->c[slot].zone == zone && tz->c[slot].hour == hour)
		return utc_set(w, (long long)(wall - tz->c[slot].off), why);
	to_tm(w, &want);
	if (tz->cur != zone) {
		setenv("TZ", zone, 1);
		tzset();
		tz->cur = zone;
	}
	for (i = 0; i < 2; i++) {
		t = wall + (i ? 86400 : -86400);
		if (!localtime_r(&t, &back))
			continue;
		offs[i] = back.tm_gmtoff;
	}
	for (i = 0; i < 2; i++) {
		if (i == 1 && offs[1] == offs[0])
			break;
		t = wall - offs[i];
		if (!localtime_r(&t, &back) || !same_wall(&back, &want))
			continue;
		if (!found || t < best)
			best = t;
		found = 1;
	}
	if (!found) {
		*why = "no such local time in the zone (skipped by a clock change)";
		return -1;
	}
	if (offs[0] == offs[1]) {
		tz->c[slot].zone = zone;
		tz->c[slot].hour = hour;
		tz->c[slot].off = (long)(wall - best);
	}
	return utc_set(w, (long long)best, why);
}

static int offset_to_utc(struct when *w, const char **why)
{
	return utc_set(w, utc_seconds(w) - w->off, why);
}

/*
 * Whether the n (10 or 19) bytes at s have the shape "dddd-dd-dd dd:dd:dd"
 * (d a digit), eight bytes at a time: the separators compared whole, a
 * digit's high nibble compared with 3 and its low one checked <= 9 by
 * adding 6 (a carry into bit 4 means 10..15).  The masks are loaded from
 * byte strings the way the text is, so byte order does not matter.
 */
static int shaped(const char *s, size_t n)
{
	static const char want[] = "\x30\x30\x30\x30-\x30\x30-\x30\x30 \x30\x30:\x30\x30:\x30\x30";
	static const char high[] = "\xf0\xf0\xf0\xf0\xff\xf0\xf0\xff\xf0\xf0\xff\xf0\xf0\xff\xf0\xf0\xff\xf0\xf0";
	static const char low[] = "\x0f\x0f\x0f\x0f\0\x0f\x0f\0\x0f\x0f\0\x0f\x0f\0\x0f\x0f\0\x0f\x0f";
	static const char six[] = "\x06\x06\x06\x06\0\x06\x06\0\x06\x06\0\x06\x06\0\x06\x06\0\x06\x06";
	static const char tens[] = "\x10\x10\x10\x10\0\x10\x10\0\x10\x10\0\x10\x10\0\x10\x10\0\x10\x10";
	/* bytes 0..7 and 2..9 of a date; 0..7, 8..15 and 11..18 of a timestamp */
	static const size_t at[2][3] = { { 0, 2, 2 }, { 0, 8, 11 } };
	uint64_t bad = 0;
	size_t i;

	for (i = 0; i < 3; i++) {
		size_t o = at[n == 19][i];
		uint64_t x, w, h, l, a, t;

		memcpy(&x, s + o, 8), memcpy(&w, want + o, 8), memcpy(&h, high + o, 8);
		memcpy(&l, low + o, 8), memcpy(&a, six + o, 8), memcpy(&t, tens + o, 8);
		bad |= ((x & h) ^ w) | (((x & l) + a) & t);
	}
	return !bad;
}

static int two(const char *s)
{
	return (s[0] - '0') * 10 + (s[1] - '0');
}

/*
 * Most values already are canonical: "YYYY-MM-DD" for a date, "YYYY-MM-DD
 * HH:MM:SS" for a timestamp, or for a moment read in UTC.  Those are
 * checked in place and copied, the text the parse would give, without it.
 * 0 if done, 1 if the value needs the parse.
 */
static int canonical(const char *s, size_t n, int fmt, int to, const char *zone, struct buf *out)
{
	char *t;
	long y;
	int mo, d;

	if (fmt != TF_ISO || (n != 10 && n != 19) || !shaped(s, n))
		return 1;
	if (n == 10 && to != TO_DATE)
		return 1;
	if (to == TO_TIMESTAMPTZ && !is_utc(zone))
		return 1;
	y = two(s) * 100 + two(s + 2), mo = two(s + 5), d = two(s + 8);
	if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
		return 1;
	if (n == 19 && (two(s + 11) > 23 || two(s + 14) > 59 || two(s + 17) > 59))
		return 1;
	/* fixed sizes, so no call to memcpy: the text and its zone */
	buf_grow(out, 22);
	t = out->buf + out->len;
	if (n == 10)
		memcpy(t, s, 10);
	else
		memcpy(t, s, 19);
	memcpy(t + 19, "+00", 3);
	out->len += to == TO_DATE ? 10 : to == TO_TIMESTAMP ? 19 : 22;
	out->buf[out->len] = '\0';
	return 0;
}

int map_time(const char *s, size_t n, int fmt, int to, const char *zone, void *tz, struct buf *out,
	     const char **why)
{
	const char *p = s, *e = s + n;
	struct when w;

	if (!canonical(s, n, fmt, to, zone, out))
		return 0;
	memset(&w, 0, sizeof(w));
	while (p < e && *p == ' ')
		p++;
	while (e > p && e[-1] == ' ')
		e--;
	if (fmt == TF_UNIX) {
		if (parse_unix(p, e, &w, why) < 0)
			return -1;
	} else if (parse_date(&p, e, fmt, &w, why) < 0 || parse_rest(p, e, &w, why) < 0) {
		return -1;
	}
	if (to == TO_TIMESTAMP && w.haszone && fmt != TF_UNIX) {
		*why = "the time has a zone offset (use timestamptz)";
		return -1;
	}
	if (to == TO_TIMESTAMPTZ) {
		if (w.haszone) {
			if (w.off && offset_to_utc(&w, why) < 0)
				return -1;
		} else if (local_to_utc(&w, zone, tz, why) < 0) {
			return -1;
		}
	}
	{
		char t[32];

		t[0] = (char)('0' + w.y / 1000), t[1] = (char)('0' + w.y / 100 % 10);
		t[2] = (char)('0' + w.y / 10 % 10), t[3] = (char)('0' + w.y % 10), t[4] = '-';
		t[5] = (char)('0' + w.mo / 10), t[6] = (char)('0' + w.mo % 10), t[7] = '-';
		t[8] = (char)('0' + w.d / 10), t[9] = (char)('0' + w.d % 10);
		if (to == TO_DATE) {
			buf_add(out, t, 10);
			return 0;
		}
		t[10] = ' ';
		t[11] = (char)('0' + w.h / 10), t[12] = (char)('0' + w.h % 10), t[13] = ':';
		t[14] = (char)('0' + w.mi / 10), t[15] = (char)('0' + w.mi % 10), t[16] = ':';
		t[17] = (char)('0' + w.sec / 10), t[18] = (char)('0' + w.sec % 10);
		buf_add(out, t, 19);
	}
	if (w.frac[0]) {
		buf_addc(out, '.');
		buf_adds(out, w.frac);
	}
	if (to == TO_TIMESTAMPTZ)
		buf_adds(out, "+00");
	return 0;
}
