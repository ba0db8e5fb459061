/*
 * filter.c - the shared record loop: see filter.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control.h"
#include "filter.h"
#include "util.h"
#include "banned.h"

void filter_init(struct filter *f, const char *stage, struct mig_reader *r, struct mig_writer *w, int progress,
		 unsigned flags)
{
	memset(f, 0, sizeof(*f));
	f->r = r;
	f->w = w;
	f->stage = stage;
	f->flags = flags;
	f->ledger = (struct ledger)LEDGER_INIT;
	f->hints = (struct strmap)STRMAP_INIT;
	f->renames = (struct strmap)STRMAP_INIT;
	buf_init(&f->tmp);
	buf_init(&f->last);
	progress_init(&f->pg, progress);
}

void *filter_work_map(void *arg, const char *tag)
{
	return strmap_get(arg, tag, strlen(tag));
}

void filter_rename(struct filter *f, const char *tag, const char *to)
{
	free(strmap_put(&f->renames, tag, strlen(tag), estrdup(to)));
}

unsigned long long filter_hint(const struct filter *f, const char *tag)
{
	const unsigned long long *n = strmap_get(&f->hints, tag, strlen(tag));

	return n ? *n : 0;
}

/* A count hint: kept for the progress line, passed on under the tag's new name. */
static void count_hint(struct filter *f, const struct mig_item *it)
{
	unsigned long long n, *v;
	const char *to;

	if (!ctl_count(it, &f->tmp, &n)) {
		if (!(f->flags & FILTER_SINK))
			mig_write_item(f->w, it);
		return;
	}
	if (!(v = strmap_get(&f->hints, f->tmp.buf, f->tmp.len))) {
		v = emalloc(sizeof(*v));
		strmap_put(&f->hints, f->tmp.buf, f->tmp.len, v);
	}
	*v = n;
	if (f->flags & FILTER_SINK)
		return;
	if ((to = strmap_get(&f->renames, f->tmp.buf, f->tmp.len)))
		ctl_write_count(f->w, to, n);
	else
		mig_write_item(f->w, it);
}

/*
 * A stats line of an earlier run: passed on and counted.  The runs before
 * this one are the changes of stage or run= along the lines, which is all
 * a run number needs: it is larger than that of any earlier run.
 */
static void stats_line(struct filter *f, const struct mig_item *it)
{
	struct stats_line sl;
	char run[24];

	buf_reset(&f->tmp);
	buf_add(&f->tmp, it->arg, it->arglen);
	if (stats_parse(f->tmp.buf, &sl) == 0) {
		/* the key "STAGE RUN": sl points into tmp, so last is built apart */
		snprintf(run, sizeof(run), " %llu", sl.run);
		if (!f->runs || strncmp(f->last.buf, sl.stage, strlen(sl.stage)) ||
		    strcmp(f->last.buf + strlen(sl.stage), run)) {
			f->runs++;
			buf_reset(&f->last);
			buf_adds(&f->last, sl.stage);
			buf_adds(&f->last, run);
		}
		f->again |= !strcmp(sl.stage, f->stage);
	}
	mig_write_item(f->w, it);
}

static void meta(struct filter *f, const struct mig_item *it)
{
	if (ctl_is(it, "count"))
		count_hint(f, it);
	else if (ctl_is(it, "stats"))
		stats_line(f, it);
	/* upstream checkpoints and notes end at a sink, which writes its own */
	else if (!(f->flags & FILTER_SINK))
		mig_write_item(f->w, it);
}

int filter_next(struct filter *f, struct mig_item *it)
{
	int ret;

	while ((ret = mig_reader_next(f->r, it)) > 0) {
		const char *tag;

		if (it->kind != MIG_HEADER && it->kind != MIG_RECORD) {
			meta(f, it);
			continue;
		}
		tag = it->hdr->tag;
		if (it->hdr->id != f->hid) {
			f->hid = it->hdr->id;
			f->cur = f->work ? f->work(f->arg, tag) : NULL;
			f->lc = ledger_tag(&f->ledger, tag);
		}
		if (it->kind == MIG_RECORD) {
			if (f->pg.label != tag && strcmp(f->pg.label, tag))
				progress_begin(&f->pg, tag, filter_hint(f, tag));
			f->lc->in++;
			progress_tick(&f->pg);
		}
		if (!f->work || f->cur)
			return 1;
		if (it->kind == MIG_HEADER) {
			mig_write_header_once(f->w, it->hdr);
			continue;
		}
		if (mig_write_record(f->w, it->hdr, it->f) < 0) {
			mig_writer_flush(f->w);
			die(MIG_EXIT_DATA, "%s:%llu: %s", tag, it->row, mig_writer_error(f->w));
		}
		f->lc->out++;
	}
	return ret;
}

void filter_input_error(struct filter *f)
{
	mig_writer_flush(f->w);
	die(MIG_EXIT_DATA, "%s", mig_reader_error(f->r));
}

void filter_end(struct filter *f)
{
	progress_done(&f->pg);
}

void filter_stats(struct filter *f)
{
	ledger_emit(&f->ledger, f->w, f->stage, f->again ? f->runs + 1 : 0);
}

static void free_val(const char *key, void *val, void *arg)
{
	(void)key;
	(void)arg;
	free(val);
}

void filter_release(struct filter *f)
{
	ledger_release(&f->ledger);
	strmap_each(&f->hints, free_val, NULL);
	strmap_release(&f->hints);
	strmap_each(&f->renames, free_val, NULL);
	strmap_release(&f->renames);
	buf_release(&f->tmp);
	buf_release(&f->last);
}
