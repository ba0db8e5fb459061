/*
 * opts.h - the command-line options every mig tool shares.
 *
 * Contract.  A tool keeps its own getopt_long loop, optstring and usage();
 * only the shared options move here, so their names, letters, messages and
 * exit codes are the same in every tool that has them:
 *
 *   group                  long options                        letters
 *   STD_LONGOPTS_BASE      help version quiet progress          h q
 *                          show-values
 *   STD_LONGOPTS_FORMAT    format                               F:
 *   STD_LONGOPTS_REJECTS   reject max-rejects                   -
 *   STD_LONGOPTS_STATS     stats                                v
 *
 * The tool's longopts array lists its own entries and the groups it
 * supports; its optstring names the letters of those groups it accepts
 * (a tool may leave a letter out, or add one, e.g. mig-verify's -V).
 * The order of entries shows only in getopt_long's list of candidates for
 * an ambiguous abbreviation ("--s": '--show-values' '--stats'), which is
 * why the tools put STD_LONGOPTS_STATS after STD_LONGOPTS_BASE.
 * The tool's switch handles its own values first and ends with
 *
 *	default:
 *		if (!std_option(c, optarg, &so, usage))
 *			usage(MIG_EXIT_USAGE);
 *
 * A case the tool lists before the default arm takes precedence: that is
 * how mig-extract's -F names a bad value and mig-load words a bad
 * --max-rejects its own way, as they did before this file.
 *
 * std_option() returns 1 when c was a shared option (value stored in so)
 * and 0 for anything else, '?' included.  -h calls usage(0) and --version
 * print_version(); neither returns.  A bad --format value calls
 * usage(MIG_EXIT_USAGE); a bad --max-rejects dies with estrtonum's message
 * "invalid --max-rejects ..." (exit 2).  usage(code) must print the usage
 * text (stdout for 0, stderr otherwise) and exit with code.
 *
 * Long-only values are STD_OPT_* (from 0x1000), above the 256.. range the
 * tools number their own long-only options from, so they never collide.
 *
 * After the loop, std_opts_check() dies (exit 2) when --max-rejects asks
 * for a limit that only a rejects file can honour and --reject is missing.
 *
 * Values, in struct std_opts:
 *   format       -F/--format, MIG_FMT_CSV by default
 *   reject       --reject FILE (borrowed from argv), NULL by default
 *   max_rejects  --max-rejects N, -1 when not given
 *   show_values  --show-values given
 *   verbose      -v/--stats given
 *   quiet        -q/--quiet given
 *   progress     --progress given
 *
 * std_progress() is the progress_init() force every tool uses: --progress
 * shows progress, in whatever order it comes with -q (which still
 * silences everything else); -q alone hides it; with neither it shows on
 * a terminal.
 */
#ifndef MIG_OPTS_H
#define MIG_OPTS_H

#include <getopt.h>

#include "rec.h"

enum {
	STD_OPT_REJECT = 0x1000,
	STD_OPT_MAX_REJECTS,
	STD_OPT_SHOW_VALUES,
	STD_OPT_PROGRESS,
	STD_OPT_VERSION,
};

#define STD_LONGOPTS_BASE \
	{ "show-values", no_argument, NULL, STD_OPT_SHOW_VALUES }, \
	{ "quiet", no_argument, NULL, 'q' }, \
	{ "progress", no_argument, NULL, STD_OPT_PROGRESS }, \
	{ "help", no_argument, NULL, 'h' }, \
	{ "version", no_argument, NULL, STD_OPT_VERSION }
#define STD_LONGOPTS_FORMAT \
	{ "format", required_argument, NULL, 'F' }
#define STD_LONGOPTS_REJECTS \
	{ "reject", required_argument, NULL, STD_OPT_REJECT }, \
	{ "max-rejects", required_argument, NULL, STD_OPT_MAX_REJECTS }
#define STD_LONGOPTS_STATS \
	{ "stats", no_argument, NULL, 'v' }

struct std_opts {
	enum mig_format format;
	const char *reject;
	long long max_rejects;
	int show_values, verbose, quiet, progress;
};

#define STD_OPTS_INIT { MIG_FMT_CSV, NULL, -1, 0, 0, 0, 0 }

/* Store the shared option c (argument arg) in so: 1, or 0 if c is not one. */
int std_option(int c, const char *arg, struct std_opts *so, void (*usage)(int code));
/* Die (exit 2) if --max-rejects is at least least_needing and --reject is missing. */
void std_opts_check(const struct std_opts *so, long long least_needing);
/* progress_init()'s force: 1 with --progress, else 0 with -q, else -1. */
static inline int std_progress(const struct std_opts *so)
{
	return so->progress ? 1 : so->quiet ? 0 : -1;
}

#endif
