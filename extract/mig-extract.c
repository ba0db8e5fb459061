/*
 * mig-extract - read tables or queries from a database or CSV files and
 * write them as a mig record stream (see mig-extract(1)).
 */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extract.h"
#include "opts.h"
#include "util.h"
#include "banned.h"

static struct xopt opt = {
	.fmt = MIG_FMT_CSV,
	.limit = -1,
	.order = 1,
	.tinyint1_bool = 1,
	.delim = ',',
	.quote = '"',
};
static struct std_opts so = STD_OPTS_INIT;

struct kv {
	char *tag;
	const char *val;
};
static struct kv *wheres, *queries;
static size_t nwheres, nqueries;
static const char **tees;
static size_t ntees;

enum {
	OPT_LIMIT = 256, OPT_SCHEMA, OPT_AFTER, OPT_SHARD, OPT_EXACT, OPT_NO_ORDER, OPT_TINYINT1, OPT_ZERO_DATE,
	OPT_DELIM, OPT_QUOTE, OPT_NULL, OPT_ENCODING, OPT_STRICT, OPT_TEE,
};

static const struct mig_opt options[] = {
	STD_OPTS_FORMAT,
	{ 'w', 'w', "where", required_argument, "TAG=COND", "extract only the rows of table TAG where COND holds", NULL },
	{ 'Q', 'Q', "query", required_argument, "TAG=SQL", "extract the rows of query SQL as tag TAG", NULL },
	{ OPT_LIMIT, 0, "limit", required_argument, "N", "extract at most N rows per table", NULL },
	{ OPT_LIMIT, 'n', NULL, required_argument, "N", NULL, "use --limit (-n means --dry-run)" },
	{ OPT_SCHEMA, 0, "schema", no_argument, NULL, "write the schema of the tables, no rows", NULL },
	{ OPT_SCHEMA, 's', NULL, no_argument, NULL, NULL, "use --schema (-s means --source)" },
	{ OPT_AFTER, 0, "after", required_argument, "KEY", "resume after the row whose key is KEY", NULL },
	{ OPT_SHARD, 0, "shard", required_argument, "I/N", "extract the I-th of N key ranges", NULL },
	{ OPT_EXACT, 0, "exact-count", no_argument, NULL, "count the rows exactly for the count hints", NULL },
	{ OPT_NO_ORDER, 0, "no-order", no_argument, NULL, "do not order the rows by key", NULL },
	{ OPT_TINYINT1, 0, "tinyint1", required_argument, "bool|int", "MariaDB TINYINT(1) as boolean or integer", NULL },
	{ OPT_ZERO_DATE, 0, "zero-date", required_argument, "null|error", "MariaDB zero dates as NULL or an error", NULL },
	{ OPT_DELIM, 0, "delimiter", required_argument, "C", "CSV source: field delimiter (tab: \\t)", NULL },
	{ OPT_QUOTE, 0, "quote", required_argument, "C", "CSV source: quote character", NULL },
	{ OPT_NULL, 0, "null", required_argument, "MARKER", "CSV source: the text that stands for NULL", NULL },
	{ OPT_ENCODING, 0, "encoding", required_argument, "utf8|latin1", "CSV source: its character encoding", NULL },
	{ OPT_STRICT, 0, "strict", no_argument, NULL, "CSV source: refuse a quote inside an unquoted field", NULL },
	{ OPT_TEE, 0, "tee", required_argument, "FILE", "also write the stream to FILE (may be repeated)", NULL },
	STD_OPTS_BASE,
	MIG_OPTS_END,
};

static const struct mig_cmd cmd = {
	"mig-extract [options] source [table[:col,...] ...]",
	"Read tables or queries from a database or CSV files and write them as a mig record stream.",
	options, 0,
};

static void kv_add(struct kv **v, size_t *n, const char *arg, const char *what)
{
	const char *eq = strchr(arg, '=');

	if (!eq || eq == arg)
		die(MIG_EXIT_USAGE, "%s: expected TAG=VALUE: '%s'", what, arg);
	*v = ereallocarray(*v, *n + 1, sizeof(**v));
	(*v)[*n].tag = estrndup(arg, (size_t)(eq - arg));
	(*v)[*n].val = eq + 1;
	(*n)++;
}

static char single_char(const char *s, const char *what)
{
	if (!strcmp(s, "\\t") || !strcmp(s, "tab"))
		return '\t';
	if (strlen(s) != 1)
		die(MIG_EXIT_USAGE, "--%s: expected one character", what);
	return *s;
}

/* "users:id,email" -> a job for table users with columns id and email. */
static void job_from_operand(struct xjob *j, const char *arg)
{
	const char *colon = strchr(arg, ':');

	memset(j, 0, sizeof(*j));
	if (!colon) {
		j->table = estrdup(arg);
	} else {
		const char *p = colon + 1;

		j->table = estrndup(arg, (size_t)(colon - arg));
		while (*p) {
			const char *c = strchr(p, ',');
			size_t n = c ? (size_t)(c - p) : strlen(p);

			if (!n)
				die(MIG_EXIT_USAGE, "%s: empty column name", arg);
			j->cols = ereallocarray(j->cols, j->ncols + 1, sizeof(*j->cols));
			j->cols[j->ncols++] = estrndup(p, n);
			p += n + (c != NULL);
		}
		if (!j->ncols)
			die(MIG_EXIT_USAGE, "%s: empty column list", arg);
	}
	if (!*j->table)
		die(MIG_EXIT_USAGE, "%s: empty table name", arg);
	j->tag = estrdup(j->table);
}

int main(int argc, char **argv)
{
	struct dburl u;
	const char *why;
	struct xctx x;
	struct ledger ledger = LEDGER_INIT;
	struct progress prog;
	size_t i, k;
	int c;

	argv0 = "mig-extract";
	while ((c = opts_next(argc, argv, &cmd)) != -1) {
		switch (c) {
		case 'w':
			kv_add(&wheres, &nwheres, optarg, "--where");
			break;
		case 'Q':
			kv_add(&queries, &nqueries, optarg, "--query");
			break;
		case OPT_LIMIT:
			opt.limit = estrtonum(optarg, 0, (1LL << 62), "--limit");
			break;
		case OPT_SCHEMA:
			opt.schema = 1;
			break;
		case OPT_AFTER:
			opt.after = optarg;
			break;
		case OPT_SHARD: {
			const char *sl = strchr(optarg, '/');
			char *is;

			if (!sl)
				die(MIG_EXIT_USAGE, "--shard: expected i/n: '%s'", optarg);
			is = estrndup(optarg, (size_t)(sl - optarg));
			opt.shard_n = estrtonum(sl + 1, 1, 1 << 30, "--shard count");
			opt.shard_i = estrtonum(is, 1, opt.shard_n, "--shard index");
			free(is);
			break;
		}
		case OPT_EXACT:
			opt.exact_count = 1;
			break;
		case OPT_NO_ORDER:
			opt.order = 0;
			break;
		case OPT_TINYINT1:
			if (!strcmp(optarg, "bool"))
				opt.tinyint1_bool = 1;
			else if (!strcmp(optarg, "int"))
				opt.tinyint1_bool = 0;
			else
				die(MIG_EXIT_USAGE, "--tinyint1: expected bool or int: '%s'", optarg);
			break;
		case OPT_ZERO_DATE:
			if (!strcmp(optarg, "null"))
				opt.zero_date_error = 0;
			else if (!strcmp(optarg, "error"))
				opt.zero_date_error = 1;
			else
				die(MIG_EXIT_USAGE, "--zero-date: expected null or error: '%s'", optarg);
			break;
		case OPT_DELIM:
			opt.delim = single_char(optarg, "delimiter");
			break;
		case OPT_QUOTE:
			opt.quote = single_char(optarg, "quote");
			break;
		case OPT_NULL:
			opt.null_marker = optarg;
			break;
		case OPT_STRICT:
			opt.strict = 1;
			break;
		case OPT_ENCODING:
			if (!strcasecmp(optarg, "utf8") || !strcasecmp(optarg, "utf-8"))
				opt.latin1 = 0;
			else if (!strcasecmp(optarg, "latin1") || !strcasecmp(optarg, "iso-8859-1"))
				opt.latin1 = 1;
			else
				die(MIG_EXIT_USAGE, "--encoding: expected utf8 or latin1: '%s'", optarg);
			break;
		case OPT_TEE:
			tees = ereallocarray(tees, ntees + 1, sizeof(*tees));
			tees[ntees++] = optarg;
			break;
		default:
			std_option(c, optarg, &so, &cmd);
		}
	}
	opt.fmt = so.format;
	opt.show_values = so.show_values;
	if (optind >= argc)
		opts_usage(&cmd, MIG_EXIT_USAGE);
	if (dburl_parse(argv[optind], &u, &why) < 0)
		die(MIG_EXIT_USAGE, "%s: %s", "source", why);
	dburl_scrub_argv(argc, argv);
	optind++;

	memset(&x, 0, sizeof(x));
	x.njobs = (size_t)(argc - optind) + nqueries;
	x.jobs = ecalloc(x.njobs ? x.njobs : 1, sizeof(*x.jobs));
	for (i = 0; optind < argc; optind++, i++)
		job_from_operand(&x.jobs[i], argv[optind]);
	for (k = 0; k < nqueries; k++, i++) {
		x.jobs[i].tag = estrdup(queries[k].tag);
		x.jobs[i].query = queries[k].val;
	}
	for (k = 0; k < nwheres; k++) {
		int found = 0;

		for (i = 0; i < x.njobs; i++)
			if (x.jobs[i].table && !strcmp(x.jobs[i].tag, wheres[k].tag)) {
				x.jobs[i].where = wheres[k].val;
				found = 1;
			}
		if (!found)
			die(MIG_EXIT_USAGE, "--where: no table '%s' among the operands", wheres[k].tag);
	}
	if (u.kind == DB_CSV && (nwheres || nqueries || opt.after || opt.shard_n || opt.schema))
		die(MIG_EXIT_USAGE, "%s: --where, --query, --after, --shard and --schema need a database source", u.shown);
	if (opt.schema && nqueries)
		die(MIG_EXIT_USAGE, "--schema describes tables, not queries");
	if (opt.schema && ntees)
		die(MIG_EXIT_USAGE, "--tee copies the record stream, which --schema does not write");
	if (!x.njobs && !opt.schema && u.kind != DB_CSV)
		die(MIG_EXIT_USAGE, "%s: name at least one table or --query (or use --schema)", u.shown);

	x.o = &opt;
	x.u = &u;
	x.ledger = &ledger;
	progress_init(&prog, std_progress(&so));
	x.prog = &prog;
	if (!opt.schema)
		x.w = mig_writer_new(STDOUT_FILENO, "<stdout>", opt.fmt, 0);
	for (i = 0; i < ntees; i++) {
		/* a FIFO blocks here until its reader opens it, as with tee(1) */
		int fd = open(tees[i], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);

		if (fd < 0)
			die(MIG_EXIT_SYSTEM, "%s: cannot open:", tees[i]);
		mig_writer_tee(x.w, fd, tees[i]);
	}
	switch (u.kind) {
	case DB_PG: extract_pg(&x); break;
	case DB_MY: extract_my(&x); break;
	case DB_SQLITE: extract_sqlite(&x); break;
	case DB_CSV: extract_csv(&x); break;
	}
	progress_done(&prog);
	if (x.w) {
		ledger_emit(&ledger, x.w, argv0, 0);
		mig_writer_close(x.w);
	}
	ledger_release(&ledger);
	free(tees);
	for (i = 0; i < x.njobs; i++) {
		free(x.jobs[i].tag);
		free(x.jobs[i].table);
		for (k = 0; k < x.jobs[i].ncols; k++)
			free(x.jobs[i].cols[k]);
		free(x.jobs[i].cols);
	}
	free(x.jobs);
	for (k = 0; k < nwheres; k++)
		free(wheres[k].tag);
	for (k = 0; k < nqueries; k++)
		free(queries[k].tag);
	free(wheres);
	free(queries);
	dburl_release(&u);
	fshut(stdout, "<stdout>");
	return 0;
}
