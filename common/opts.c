/*
 * opts.c - the command line of every mig tool, from one table (see opts.h).
 */
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "opts.h"
#include "util.h"
#include "banned.h"

/*
 * getopt_long's tables, built on the first opts_next() of a run.  A long
 * option's val is its row's index plus LONG_BASE, so that a deprecated
 * long spelling is told from the current one; a letter is looked up.
 */
enum { LONG_BASE = 0x10000 };
static struct option *longopts;
static char *optstring;
static const struct mig_cmd *built;

static void build(const struct mig_cmd *cmd)
{
	struct buf s = BUF_INIT;
	size_t n = 0, i, k = 0;

	for (i = 0; cmd->opts[i].val; i++)
		n++;
	longopts = ecalloc(n + 1, sizeof(*longopts));
	/* '+': options end at the first operand, whose words may look like options */
	if (cmd->in_order)
		buf_addc(&s, '+');
	for (i = 0; i < n; i++) {
		const struct mig_opt *o = &cmd->opts[i];

		if (o->letter) {
			buf_addc(&s, o->letter);
			if (o->arg == required_argument)
				buf_addc(&s, ':');
			else if (o->arg == optional_argument)
				buf_adds(&s, "::");
		}
		if (o->name) {
			longopts[k].name = o->name;
			longopts[k].has_arg = o->arg;
			longopts[k].val = LONG_BASE + (int)i;
			k++;
		}
	}
	optstring = buf_detach(&s, NULL);
	built = cmd;
}

void opts_deprecated(const char *what, const char *instead)
{
	static char seen[16][32];
	static size_t nseen;
	size_t i;

	for (i = 0; i < nseen; i++)
		if (!strcmp(seen[i], what))
			return;
	if (nseen < 16 && strlen(what) < 32) {
		memcpy(seen[nseen], what, strlen(what) + 1);
		nseen++;
	}
	fprintf(stderr, "%s: %s is deprecated: %s\n", argv0, what, instead);
}

static void list_options(const struct mig_cmd *cmd)
{
	const struct mig_opt *o;

	for (o = cmd->opts; o->val; o++) {
		if (o->instead || !o->help)
			continue;
		printf("%s%c --%s %s\n", o->letter ? "-" : "", o->letter ? o->letter : '-',
		       o->name ? o->name : "-", o->argname ? o->argname : "-");
	}
	fshut(stdout, "<stdout>");
	exit(MIG_EXIT_OK);
}

int opts_next(int argc, char **argv, const struct mig_cmd *cmd)
{
	const struct mig_opt *o;
	char what[64];
	int c;

	if (built != cmd)
		build(cmd);
	c = getopt_long(argc, argv, optstring, longopts, NULL);
	if (c == -1 || c == '?' || c == ':')
		return c;
	if (c >= LONG_BASE) {
		o = &cmd->opts[c - LONG_BASE];
		snprintf(what, sizeof(what), "--%s", o->name);
	} else {
		for (o = cmd->opts; o->val && o->letter != c; o++)
			;
		if (!o->val)
			return c;
		snprintf(what, sizeof(what), "-%c", c);
	}
	if (o->instead)
		opts_deprecated(what, o->instead);
	return o->val;
}

_Noreturn void opts_usage(const struct mig_cmd *cmd, int code)
{
	FILE *fp = code ? stderr : stdout;
	const struct mig_opt *o;
	const char *p = cmd->synopsis, *nl;
	int w, width = 0;

	/* the synopsis' continuation lines line up under the tool's name */
	for (; (nl = strchr(p, '\n')); p = nl + 1)
		fprintf(fp, "%s%.*s\n", p == cmd->synopsis ? "usage: " : "       ", (int)(nl - p), p);
	if (*p)
		fprintf(fp, "%s%s\n", p == cmd->synopsis ? "usage: " : "       ", p);
	if (code) {
		fprintf(fp, "Try '%s -h' for the options.\n", argv0);
		exit(code);
	}
	fprintf(fp, "%s\n\n", cmd->desc);
	for (o = cmd->opts; o->val; o++) {
		if (o->instead || !o->help)
			continue;
		w = (int)(o->name ? strlen(o->name) + 2 : 0) + (o->argname ? (int)strlen(o->argname) + 1 : 0);
		/* a long one gets its help on the next line rather than widen every line */
		if (w > width && w <= 28)
			width = w;
	}
	for (o = cmd->opts; o->val; o++) {
		char lng[96];

		if (o->instead || !o->help)
			continue;
		if (o->name)
			snprintf(lng, sizeof(lng), "--%s%s%s%s", o->name,
				 o->argname ? (o->arg == optional_argument ? "[=" : "=") : "",
				 o->argname ? o->argname : "", o->arg == optional_argument ? "]" : "");
		else
			snprintf(lng, sizeof(lng), "%s", o->argname ? o->argname : "");
		if (o->letter)
			fprintf(fp, "  -%c, ", o->letter);
		else
			fputs("      ", fp);
		if ((int)strlen(lng) > width + 2)
			fprintf(fp, "%s\n%*s%s\n", lng, width + 10, "", o->help);
		else
			fprintf(fp, "%-*s  %s\n", width + 2, lng, o->help);
	}
	fshut(stdout, "<stdout>");
	exit(MIG_EXIT_OK);
}

void std_option(int c, const char *arg, struct std_opts *so, const struct mig_cmd *cmd)
{
	switch (c) {
	case 'F':
		if (mig_format_parse(arg, &so->format) < 0)
			die(MIG_EXIT_USAGE, "--format: expected csv or ndjson: '%s'", arg);
		return;
	case STD_OPT_REJECT:
		so->reject = arg;
		return;
	case STD_OPT_MAX_REJECTS:
		so->max_rejects = estrtonum(arg, 0, (long long)(~0ULL >> 1), "--max-rejects");
		return;
	case STD_OPT_SHOW_VALUES:
		so->show_values = 1;
		return;
	case 'v':
		so->verbose = 1;
		return;
	case 'q':
		so->quiet = 1;
		return;
	case STD_OPT_PROGRESS:
		so->progress = 1;
		return;
	case 'h':
		opts_usage(cmd, MIG_EXIT_OK);
	case STD_OPT_VERSION:
		print_version();
	case STD_OPT_LIST:
		list_options(cmd);
	}
	opts_usage(cmd, MIG_EXIT_USAGE);
}

void std_opts_check(const struct std_opts *so)
{
	if (so->max_rejects > 0 && !so->reject)
		die(MIG_EXIT_USAGE, "--max-rejects needs --reject FILE");
}

int filter_option(struct filter_args *fa, int c, const char *arg)
{
	switch (c) {
	case FILTER_O_INPUT:
		fa->input = arg;
		fa->input_opt = 1;
		return 1;
	case 'e':
	case 'f':
		filter_rule(fa, arg, c == 'f');
		return 1;
	}
	return 0;
}

void filter_rule(struct filter_args *fa, const char *text, int is_file)
{
	fa->rules = ereallocarray(fa->rules, fa->nrules + 1, sizeof(*fa->rules));
	fa->rules[fa->nrules].text = text;
	fa->rules[fa->nrules].is_file = is_file;
	fa->nrules++;
}

static int names_file(const char *s)
{
	return !strcmp(s, "-") || access(s, F_OK) == 0;
}

void filter_operands(struct filter_args *fa, int argc, char **argv, const struct mig_cmd *cmd)
{
	int i = optind, old = 0, j;

	if (fa->input_opt) {
		/* the deprecated -i: operands are rules, as they were */
		for (; i < argc; i++)
			filter_rule(fa, argv[i], 0);
		return;
	}
	if (!fa->nrules && !fa->other_rules && i < argc) {
		for (j = i + 1; j < argc; j++)
			if (!names_file(argv[j]))
				old = 1;
		if (old) {
			if (strcmp(argv[i], "-") && access(argv[i], F_OK) == 0)
				die(MIG_EXIT_USAGE, "%s: a file where the rule belongs: the rule comes first, "
				    "then the input file", argv[i]);
			opts_deprecated("several rule operands", "give each rule with -e, the input file last");
			for (; i < argc; i++)
				filter_rule(fa, argv[i], 0);
			return;
		}
		filter_rule(fa, argv[i++], 0);
	}
	if (i < argc) {
		fa->input = strcmp(argv[i], "-") ? argv[i] : NULL;
		i++;
	}
	if (i < argc) {
		fprintf(stderr, "%s: %s: one input file at most\n", argv0, argv[i]);
		opts_usage(cmd, MIG_EXIT_USAGE);
	}
}

void filter_args_release(struct filter_args *fa)
{
	free(fa->rules);
	fa->rules = NULL;
	fa->nrules = 0;
}
