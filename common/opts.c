/*
 * opts.c - the options every mig tool shares (see opts.h).
 */
#include <stdlib.h>

#include "opts.h"
#include "util.h"
#include "banned.h"

/* usage() is documented not to return; exit anyway rather than fall through. */
static void give_usage(void (*usage)(int code), int code)
{
	usage(code);
	exit(code);
}

int std_option(int c, const char *arg, struct std_opts *so, void (*usage)(int code))
{
	switch (c) {
	case 'F':
		if (mig_format_parse(arg, &so->format) < 0)
			give_usage(usage, MIG_EXIT_USAGE);
		return 1;
	case STD_OPT_REJECT:
		so->reject = arg;
		return 1;
	case STD_OPT_MAX_REJECTS:
		so->max_rejects = estrtonum(arg, 0, (long long)(~0ULL >> 1), "--max-rejects");
		return 1;
	case STD_OPT_SHOW_VALUES:
		so->show_values = 1;
		return 1;
	case 'v':
		so->verbose = 1;
		return 1;
	case 'q':
		so->quiet = 1;
		return 1;
	case STD_OPT_PROGRESS:
		so->progress = 1;
		return 1;
	case 'h':
		give_usage(usage, MIG_EXIT_OK);
		return 1;
	case STD_OPT_VERSION:
		print_version();
		return 1;
	}
	return 0;
}

void std_opts_check(const struct std_opts *so, long long least_needing)
{
	if (so->max_rejects >= 0 && so->max_rejects >= least_needing && !so->reject)
		die(MIG_EXIT_USAGE, "--max-rejects needs --reject FILE");
}
