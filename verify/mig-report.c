/*
 * mig-report - one HTML page about a run, for the people who sign a
 * migration off: checks, the flow of rows through every stage, rejects,
 * crosswalks, uniqueness changes, the schema diff and timings.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "banned.h"
#include "opts.h"
#include "report.h"
#include "util.h"

enum { O_TITLE = 256 };

static const struct mig_opt options[] = {
	{ O_TITLE, 0, "title", required_argument, "TEXT", "the page's title (default: the run directory's)", NULL },
	STD_OPTS_BASE,
	MIG_OPTS_END,
};

static const struct mig_cmd cmd = {
	"mig-report [options] [rundir]",
	"Write one self-contained HTML page about a run directory on stdout.",
	options, 0,
};

int main(int argc, char **argv)
{
	struct std_opts so = STD_OPTS_INIT;
	struct run r;
	struct buf title = BUF_INIT;
	const char *dir = ".", *t = NULL;
	struct stat st;
	size_t i;
	int ch, bad = 0;

	argv0 = "mig-report";
	while ((ch = opts_next(argc, argv, &cmd)) != -1) {
		switch (ch) {
		case O_TITLE:
			t = optarg;
			break;
		default:
			std_option(ch, optarg, &so, &cmd);
		}
	}
	if (argc - optind > 1)
		opts_usage(&cmd, MIG_EXIT_USAGE);
	if (optind < argc)
		dir = argv[optind];
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		die(MIG_EXIT_USAGE, "%s: not a run directory", dir);
	run_collect(&r, dir);
	if (t)
		buf_adds(&title, t);
	else {
		char *real = realpath(dir, NULL);
		const char *base = real ? strrchr(real, '/') : NULL;

		/* a run directory is usually called run: name the folder that holds it too */
		if (base && base > real && !strcmp(base, "/run")) {
			const char *up = base - 1;

			while (up > real && *up != '/')
				up--;
			buf_addf(&title, "Migration report: %.*s", (int)(base - up - (*up == '/')), up + (*up == '/'));
		} else {
			buf_addf(&title, "Migration report: %s", base ? base + 1 : dir);
		}
		free(real);
	}
	report_html(&r, title.buf, stdout);
	fshut(stdout, "<stdout>");
	for (i = 0; i < r.nnotes; i++)
		if (!so.quiet)
			warn("%s", r.notes[i]);
	/* like mig-verify: 1 when the page shows a problem */
	if (r.verify && strcmp(json_string_value(json_object_get(r.verify, "result")) ? json_string_value(json_object_get(r.verify, "result")) : "", "pass"))
		bad = 1;
	for (i = 0; i < r.nstats; i++)
		if (rstat_gap(&r.stats[i]) > 0)
			bad = 1;
	run_release(&r);
	buf_release(&title);
	return bad ? MIG_EXIT_DATA : 0;
}
