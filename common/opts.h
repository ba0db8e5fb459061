/*
 * opts.h - the command line of every mig tool, from one option table.
 *
 * Contract.  Each tool describes its command line once, as a struct
 * mig_cmd: a synopsis, a one-line description and a table of struct
 * mig_opt rows (long name, short letter, argument, one-line help).  From
 * that table come getopt_long(3)'s optstring and longopts, the -h text,
 * and the option lists of the bash completion (mig completion, which reads
 * each tool's --list-options).  The same short letter means the same thing
 * in every tool that has it; mig(7) lists them.
 *
 * The rows every tool shares come from the STD_OPTS_* macros, so their
 * names, letters, messages and exit codes are the same everywhere:
 *
 *   group              long options                              letters
 *   STD_OPTS_BASE      help version quiet progress show-values   h V q
 *   STD_OPTS_FORMAT    format                                    F
 *   STD_OPTS_REJECTS   reject max-rejects                        -
 *   STD_OPTS_STATS     stats                                     v
 *
 * The tool loops on opts_next(), which returns the row's val (the letter
 * for a row with one, else the tool's own 256.. number or a STD_OPT_*),
 * and ends its switch with
 *
 *	default:
 *		std_option(c, optarg, &so, &cmd);
 *
 * which stores a shared option in so, prints -h or --version and exits,
 * and answers anything else (a bad option, '?') with the synopsis on
 * stderr and exit 2.  A case the tool lists before the default arm takes
 * precedence.
 *
 * A row whose "instead" is set is a deprecated spelling: it still works,
 * opts_next() returns its val, and the first use prints
 * "TOOL: -i is deprecated: give the input file as an operand" on stderr.
 * -h does not show it and the completion does not offer it.
 *
 * After the loop, std_opts_check() dies (exit 2) when --max-rejects N
 * (N > 0) is given without --reject: only a rejects file can hold the
 * records it lets through.  --max-rejects 0 alone means "stop at the first
 * bad record" and is accepted by every tool.
 *
 * --list-options (not shown by -h) prints the table for the completion
 * generator, one visible row per line: "-L --long ARG", "-" for a missing
 * letter or argument; it exits 0.
 *
 * Values, in struct std_opts:
 *   format       -F/--format, MIG_FMT_CSV by default; a bad value is named
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
	STD_OPT_LIST,
	FILTER_O_INPUT,		/* the deprecated -i/--input of every filter */
};

struct mig_opt {
	int val;		/* what opts_next() returns */
	char letter;		/* short spelling, 0 for none */
	const char *name;	/* long spelling, NULL for a letter only */
	int arg;		/* no_argument, required_argument, optional_argument */
	const char *argname;	/* "FILE", or "csv|ndjson" (choices, completed) */
	const char *help;	/* one line for -h */
	const char *instead;	/* set: a deprecated spelling, and what to use */
};

struct mig_cmd {
	const char *synopsis;	/* the usage lines, without "usage: " */
	const char *desc;	/* one line: what the tool does */
	const struct mig_opt *opts;	/* ends with a row whose val is 0 */
	int in_order;		/* options end at the first operand (mig-verify's checks) */
};

#define STD_OPTS_FORMAT \
	{ 'F', 'F', "format", required_argument, "csv|ndjson", "stream format written (read: detected)", NULL }
#define STD_OPTS_REJECTS \
	{ STD_OPT_REJECT, 0, "reject", required_argument, "FILE", "write refused records to FILE and go on", NULL }, \
	{ STD_OPT_MAX_REJECTS, 0, "max-rejects", required_argument, "N", \
	  "stop after N refused records (N > 0 needs --reject)", NULL }
#define STD_OPTS_STATS \
	{ 'v', 'v', "stats", no_argument, NULL, "print per-tag counts on stderr", NULL }
#define STD_OPTS_BASE \
	{ STD_OPT_SHOW_VALUES, 0, "show-values", no_argument, NULL, "show row values in diagnostics", NULL }, \
	{ 'q', 'q', "quiet", no_argument, NULL, "print only errors", NULL }, \
	{ STD_OPT_PROGRESS, 0, "progress", no_argument, NULL, "show progress on stderr, even with -q", NULL }, \
	{ 'h', 'h', "help", no_argument, NULL, "print this help and exit", NULL }, \
	{ STD_OPT_VERSION, 'V', "version", no_argument, NULL, "print the version and exit", NULL }, \
	{ STD_OPT_LIST, 0, "list-options", no_argument, NULL, NULL, NULL }
#define MIG_OPTS_END { 0, 0, NULL, 0, NULL, NULL, NULL }

struct std_opts {
	enum mig_format format;
	const char *reject;
	long long max_rejects;
	int show_values, verbose, quiet, progress;
};

#define STD_OPTS_INIT { MIG_FMT_CSV, NULL, -1, 0, 0, 0, 0 }

/* The next option's val (its argument in optarg), or -1 after the last. */
int opts_next(int argc, char **argv, const struct mig_cmd *cmd);
/* Print the synopsis (code != 0: on stderr) or the full help (code 0: on stdout) and exit. */
_Noreturn void opts_usage(const struct mig_cmd *cmd, int code);
/* Handle a shared option c (stored in so); anything else is a usage error (exit 2). */
void std_option(int c, const char *arg, struct std_opts *so, const struct mig_cmd *cmd);
/* Die (exit 2) if --max-rejects N, N > 0, came without --reject. */
void std_opts_check(const struct std_opts *so);
/* Print "TOOL: WHAT is deprecated: INSTEAD" on stderr, once per WHAT. */
void opts_deprecated(const char *what, const char *instead);
/*
 * The rules and the input of a filter (mig-split, mig-map, mig-rekey), as
 * sed(1) takes its script and files: the rules are the -e TEXT and -f FILE
 * options in the order given (filter_rule()); without any, the first
 * operand is the rule text.  The operand after the rules is the input
 * file, "-" or none for stdin; a second one is a usage error.
 *
 * For one release the older spellings still work, with a deprecation
 * note: -i FILE (then every operand is a rule), and several rule operands
 * (an operand after the first that is neither "-" nor an existing file).
 * An existing file where the rule belongs is named: the rule comes first.
 */
struct filter_rule {
	const char *text;	/* the rule text, or the rules file's path */
	int is_file;
};
struct filter_args {
	struct filter_rule *rules;
	size_t nrules;
	const char *input;	/* NULL for stdin */
	int input_opt;		/* the deprecated -i gave the input */
	int other_rules;	/* rules came from other options (mig-rekey's -k ...) */
};
#define FILTER_ARGS_INIT { NULL, 0, NULL, 0, 0 }
/* Add -e TEXT (is_file 0) or -f FILE (is_file 1). */
void filter_rule(struct filter_args *fa, const char *text, int is_file);
/* Take -e, -f or -i (FILTER_O_INPUT): 1 if c was one of them, else 0. */
int filter_option(struct filter_args *fa, int c, const char *arg);
/* Take the rule and input operands argv[optind..argc). */
void filter_operands(struct filter_args *fa, int argc, char **argv, const struct mig_cmd *cmd);
/* Free what filter_rule() allocated. */
void filter_args_release(struct filter_args *fa);

/* progress_init()'s force: 1 with --progress, else 0 with -q, else -1. */
static inline int std_progress(const struct std_opts *so)
{
	return so->progress ? 1 : so->quiet ? 0 : -1;
}

#endif
