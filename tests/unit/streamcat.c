/*
 * streamcat - read a mig stream and write it again, for the format tests:
 * streamcat [-m] [-f csv|ndjson] [file]
 * -m prints the peak resident set size in KiB to stderr at the end.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include "rec.h"
#include "util.h"
#include "banned.h"

int main(int argc, char **argv)
{
	enum mig_format fmt = MIG_FMT_CSV;
	struct mig_reader *r;
	struct mig_writer *w;
	struct mig_item it;
	int c, ret, rss = 0;

	argv0 = "streamcat";
	while ((c = getopt(argc, argv, "mf:")) != -1) {
		if (c == 'm')
			rss = 1;
		else if (c != 'f' || mig_format_parse(optarg, &fmt) < 0)
			die(MIG_EXIT_USAGE, "usage: streamcat [-m] [-f csv|ndjson] [file]");
	}
	r = mig_reader_open(optind < argc ? argv[optind] : NULL, MIG_R_KEEP_META);
	w = mig_writer_new(1, "<stdout>", fmt, 0);
	while ((ret = mig_reader_next(r, &it)) > 0)
		if (mig_write_item(w, &it) < 0)
			die(MIG_EXIT_DATA, "%s:%lu: %s", mig_reader_name(r), it.line, mig_writer_error(w));
	if (ret < 0) {
		mig_writer_flush(w);
		die(MIG_EXIT_DATA, "%s", mig_reader_error(r));
	}
	mig_writer_close(w);
	mig_reader_free(r);
	if (rss) {
		struct rusage ru;

		getrusage(RUSAGE_SELF, &ru);
		fprintf(stderr, "%ld\n", ru.ru_maxrss);
	}
	return 0;
}
