/*
 * test-csvdiff [SEED [N]] - differential test of the stream reader's CSV
 * scanner against libcsv.  N random records (quoted and unquoted values,
 * commas, doubled quotes, line breaks and CRs inside values, UTF-8, NULL
 * versus empty, values long and short enough for every step of the
 * sixteen- and eight-byte scans), well-formed ones must come out of mig's
 * reader with exactly the fields libcsv finds; a malformed one must make
 * the reader fail where libcsv fails.  Each accepted record is also
 * written again by mig's writer and read back: the fields must survive.
 * Before them, a sweep checks the writer's quoting value by value.
 * Exit 0 if they agree on everything.
 */
#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "rec.h"
#include "util.h"
#include "banned.h"

struct lc {
	struct buf flat;	/* fields of all records: len-prefixed, "N" for NULL */
	int nrec;
};

static void lc_field(void *s, size_t n, void *data)
{
	struct lc *l = data;

	if (!s)
		buf_adds(&l->flat, "N|");
	else
		buf_addf(&l->flat, "%zu:", n), buf_add(&l->flat, s, n), buf_addc(&l->flat, '|');
}

static void lc_record(int c, void *data)
{
	struct lc *l = data;

	(void)c;
	buf_addc(&l->flat, '\n');
	l->nrec++;
}

static int space_cr(unsigned char c)
{
	return c == '\r';
}

static int term_lf(unsigned char c)
{
	return c == '\n';
}

static unsigned long long rng;

static unsigned rnd(unsigned n)
{
	rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)((rng >> 33) % n);
}

static void value(struct buf *b, int malformed)
{
	static const char *const atoms[] = { "a", "b", " ", ",", "\"", "\n", "\xc3\xa9", "xyz", "1", "\r",
					     "abcdefghijklmnop", "2026-11-22 03:17:11" };
	struct buf v = BUF_INIT;
	unsigned i, n = rnd(8);
	int quote;

	for (i = 0; i < n; i++)
		buf_adds(&v, atoms[rnd(12)]);
	quote = strpbrk(v.buf, ",\"\n\r") != NULL || (n == 0 && rnd(2)) || rnd(4) == 0;
	if (malformed && rnd(2))
		quote = 0;
	if (!quote) {
		if (!malformed) {
			/* Unquoted: only what needs no quotes. */
			for (i = 0; i < v.len; i++)
				if (strchr(",\"\n\r", v.buf[i]))
					v.buf[i] = 'q';
		}
		buf_add(b, v.buf, v.len);
	} else {
		buf_addc(b, '"');
		for (i = 0; i < v.len; i++) {
			if (v.buf[i] == '"')
				buf_addc(b, '"');
			buf_addc(b, v.buf[i]);
		}
		buf_addc(b, '"');
		if (malformed)
			buf_addc(b, 'x');
	}
	buf_release(&v);
}

/*
 * Our reader's records of text as the same flat form; -1 if it failed.
 * With again set, the records are also written by mig's writer, and
 * *again gets what it wrote.
 */
static int mig_flat(const char *text, size_t len, struct buf *flat, struct buf *again)
{
	char path[] = "/tmp/mig-csvdiff.XXXXXX", out[] = "/tmp/mig-csvdiff.XXXXXX";
	int fd = mkstemp(path), ofd = again ? mkstemp(out) : -1, ret;
	struct mig_reader *r;
	struct mig_writer *w = NULL;
	struct mig_item it;

	if (fd < 0 || write_all(fd, text, len) < 0 || (again && ofd < 0))
		die(2, "temp file:");
	close(fd);
	if (again)
		w = mig_writer_new(ofd, out, MIG_FMT_CSV, 0);
	r = mig_reader_open(path, MIG_R_KEEP_META);
	while ((ret = mig_reader_next(r, &it)) > 0) {
		size_t i;

		if (it.kind != MIG_RECORD)
			continue;
		if (w)
			mig_write_record(w, it.hdr, it.f);
		buf_addf(flat, "1:t|");
		for (i = 0; i < it.hdr->ncols; i++) {
			if (it.f[i].null)
				buf_adds(flat, "N|");
			else
				buf_addf(flat, "%zu:", it.f[i].len), buf_add(flat, it.f[i].val, it.f[i].len),
					buf_addc(flat, '|');
		}
		buf_addc(flat, '\n');
	}
	mig_reader_free(r);
	unlink(path);
	if (w) {
		char chunk[4096];
		ssize_t k;

		mig_writer_close(w);
		lseek(ofd, 0, SEEK_SET);
		while ((k = read(ofd, chunk, sizeof(chunk))) > 0)
			buf_add(again, chunk, (size_t)k);
		close(ofd);
		unlink(out);
	}
	return ret;
}

/*
 * The writer's quoting, exactly: a value of every length up to 40 with a
 * comma, quote, CR, LF or nothing special at each place, read from quoted
 * text (so it is not plain and the writer has to look), must be written
 * in quotes exactly when it holds one of the four.  Returns failures.
 */
static int sweep(void)
{
	static const char specials[] = ",\"\r\nx";
	size_t n, at, k;
	int fails = 0;

	for (n = 1; n <= 40; n++)
		for (at = 0; at < n; at++)
			for (k = 0; k < sizeof(specials) - 1; k++) {
				struct buf v = BUF_INIT, q = BUF_INIT, text = BUF_INIT, want = BUF_INIT,
					   flat = BUF_INIT, got = BUF_INIT;
				size_t i;

				for (i = 0; i < n; i++)
					buf_addc(&v, i == at ? specials[k] : (char)('a' + i % 26));
				buf_addc(&q, '"');
				for (i = 0; i < n; i++) {
					if (v.buf[i] == '"')
						buf_addc(&q, '"');
					buf_addc(&q, v.buf[i]);
				}
				buf_addc(&q, '"');
				buf_adds(&text, "@t,a\nt,");
				buf_add(&text, q.buf, q.len);
				buf_addc(&text, '\n');
				buf_adds(&want, "#!mig-stream 1\n@t,a\nt,");
				if (specials[k] == 'x')
					buf_add(&want, v.buf, v.len);
				else
					buf_add(&want, q.buf, q.len);
				buf_addc(&want, '\n');
				if (mig_flat(text.buf, text.len, &flat, &got) != 0 || strcmp(got.buf, want.buf)) {
					fprintf(stderr, "sweep: length %zu, byte %zu is 0x%02x: written as %s",
						n, at, (unsigned char)specials[k], got.buf);
					fails++;
				}
				buf_release(&v);
				buf_release(&q);
				buf_release(&text);
				buf_release(&want);
				buf_release(&flat);
				buf_release(&got);
			}
	return fails;
}

int main(int argc, char **argv)
{
	unsigned long long seed = argc > 1 ? strtoull(argv[1], NULL, 10) : 1;
	long n = argc > 2 ? atol(argv[2]) : 20000, i, bad = 0, good = 0;

	argv0 = "test-csvdiff";
	if (sweep())
		return 1;
	rng = seed;
	for (i = 0; i < n; i++) {
		struct buf text = BUF_INIT, rec = BUF_INIT, ours = BUF_INIT, written = BUF_INIT, back = BUF_INIT;
		struct csv_parser p;
		struct lc l = { BUF_INIT, 0 };
		int malformed = rnd(8) == 0, k, lcok, ret;
		size_t done;

		for (k = 0; k < 3; k++) {
			buf_addc(&rec, ',');
			value(&rec, malformed && k == 1);
		}
		buf_adds(&text, "@t,a,b,c\n");
		buf_adds(&text, "t");
		buf_add(&text, rec.buf, rec.len);
		buf_addc(&text, '\n');
		/* libcsv sees the record alone, as the reader does. */
		csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_EMPTY_IS_NULL);
		csv_set_space_func(&p, space_cr);
		csv_set_term_func(&p, term_lf);
		buf_addc(&l.flat, 0);
		l.flat.len = 0;
		done = csv_parse(&p, text.buf + 9, text.len - 9, lc_field, lc_record, &l);
		lcok = done == text.len - 9 && csv_fini(&p, lc_field, lc_record, &l) == 0 && l.nrec == 1;
		csv_free(&p);
		ret = mig_flat(text.buf, text.len, &ours, &written);
		if (lcok && ret == 0 && strcmp(ours.buf, l.flat.buf)) {
			fprintf(stderr, "seed %llu record %ld: fields differ\nlibcsv: %s\nmig:    %s\ninput: %s",
				seed, i, l.flat.buf, ours.buf, text.buf);
			return 1;
		}
		if (!lcok && ret == 0) {
			fprintf(stderr, "seed %llu record %ld: libcsv refuses, mig accepts:\n%s", seed, i,
				text.buf);
			return 1;
		}
		if (lcok && ret < 0) {
			/* Only a field-count difference may make the reader refuse. */
			size_t bars = 0, j;

			for (j = 0; j < l.flat.len; j++)
				bars += l.flat.buf[j] == '|';
			if (bars == 4) {
				fprintf(stderr, "seed %llu record %ld: libcsv accepts, mig refuses:\n%s", seed,
					i, text.buf);
				return 1;
			}
		}
		if (ret == 0 && (mig_flat(written.buf, written.len, &back, NULL) != 0 || strcmp(back.buf, ours.buf))) {
			fprintf(stderr, "seed %llu record %ld: the writer's text reads back differently\ninput: %swritten: %s",
				seed, i, text.buf, written.buf);
			return 1;
		}
		if (lcok && ret == 0)
			good++;
		else
			bad++;
		buf_release(&text);
		buf_release(&rec);
		buf_release(&ours);
		buf_release(&written);
		buf_release(&back);
		buf_release(&l.flat);
	}
	printf("%ld records agree (%ld well-formed, %ld refused by both)\n", n, good, bad);
	return 0;
}
