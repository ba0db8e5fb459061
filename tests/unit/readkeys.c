/*
 * readkeys FILE - print each record as tag,values with the reader's
 * default flags (so _mig_ columns are hidden), for the format tests.
 */
#include <stdio.h>

#include "rec.h"
#include "util.h"
#include "banned.h"

int main(int argc, char **argv)
{
	struct mig_reader *r;
	struct mig_item it;
	int ret;

	argv0 = "readkeys";
	if (argc != 2)
		die(MIG_EXIT_USAGE, "usage: readkeys FILE");
	r = mig_reader_open(argv[1], 0);
	while ((ret = mig_reader_next(r, &it)) > 0) {
		size_t i;

		if (it.kind != MIG_RECORD)
			continue;
		fputs(it.hdr->tag, stdout);
		for (i = 0; i < it.hdr->ncols; i++)
			printf(",%s", it.f[i].null ? "" : it.f[i].val);
		putchar('\n');
	}
	if (ret < 0)
		die(MIG_EXIT_DATA, "%s", mig_reader_error(r));
	mig_reader_free(r);
	fshut(stdout, "<stdout>");
	return 0;
}
