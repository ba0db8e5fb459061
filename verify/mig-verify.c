/*
 * mig-verify - prove a migration lost and altered nothing.
 *
 * A run is a list of checks (command-line operands, -e lines, -f files in
 * the checks language of mig-verify(1)); each runs against the databases
 * the run names (SRC, DST, or aliases), records its figures in the JSON
 * report and prints one summary line on stdout (stderr for an error).  Exit status follows
 * cmp(1): 0 every check passed, 1 a check failed, 2 trouble (usage, an
 * unreadable file, a malformed check), 3 a database error.
 */
#include <sys/stat.h>

#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "opts.h"
#include "util.h"
#include "verify.h"
#include "banned.h"

enum { O_SQL = 256, O_MAX_KEYS, O_REPORT, O_DB };

static const struct mig_opt options[] = {
	{ 's', 's', "source", required_argument, "URL", "the source database, alias SRC", NULL },
	{ 't', 't', "target", required_argument, "URL", "the target database, alias DST", NULL },
	{ O_DB, 0, "db", required_argument, "ALIAS=URL", "another database, named ALIAS in checks", NULL },
	{ O_DB, 'd', NULL, required_argument, "ALIAS=URL", NULL, "use --db (-d means --dedupe)" },
	{ 'e', 'e', "check", required_argument, "CHECK", "a check, as in mig-verify(1); repeatable", NULL },
	{ 'f', 'f', "file", required_argument, "FILE", "read checks from FILE (- for stdin); repeatable", NULL },
	{ O_REPORT, 0, "report", required_argument, "FILE", "write the JSON report to FILE", NULL },
	{ O_REPORT, 'r', NULL, required_argument, "FILE", NULL, "use --report (-r means --ref)" },
	{ O_SQL, 0, "sql", required_argument, "FILE", "write the checks as SQL to FILE, run nothing", NULL },
	{ O_MAX_KEYS, 0, "max-keys", required_argument, "N", "name at most N differing keys per check", NULL },
	{ O_MAX_KEYS, 'n', NULL, required_argument, "N", NULL, "use --max-keys (-n means --dry-run)" },
	STD_OPTS_BASE,
	MIG_OPTS_END,
};

/* options end at the first operand: a check's words may look like options */
static const struct mig_cmd cmd = {
	"mig-verify [options] [-e check]... [-f checks]... [check ...]",
	"Prove that a migration lost and altered nothing: run checks, print their results on stdout.",
	options, 1,
};

struct spec {
	char *where;
	char *text;
};

static void add_db(struct vctx *c, const char *alias, size_t n, const char *url, const char *where)
{
	struct vdb *d = vdb_find(c, alias, n);
	const char *why;

	if (!d) {
		d = ecalloc(1, sizeof(*d));
		d->alias = estrndup(alias, n);
		c->dbs = ereallocarray(c->dbs, c->ndbs + 1, sizeof(*c->dbs));
		c->dbs[c->ndbs++] = d;
	} else {
		if (d->pg || d->my || d->lite)
			die(MIG_EXIT_USAGE, "%s: database '%s' redefined after use", where, d->alias);
		dburl_release(&d->u);
	}
	if (dburl_parse(url, &d->u, &why) < 0)
		die(MIG_EXIT_USAGE, "%s: database '%s': %s", where, d->alias, why);
}

/*
 * Take a check as given.  Its text ends up in the JSON report, which holds
 * only UTF-8, so a check that is not UTF-8 is refused here, where it can
 * still be named, and not half-way through the run.
 */
static void add_spec(struct spec **specs, size_t *nspecs, const char *where, const char *text, size_t len)
{
	size_t ok = utf8_prefix(text, len);

	if (ok < len)
		die(MIG_EXIT_USAGE, "%s:%zu: check is not valid UTF-8", where, ok + 1);
	*specs = ereallocarray(*specs, *nspecs + 1, sizeof(**specs));
	(*specs)[*nspecs].where = estrdup(where);
	(*specs)[*nspecs].text = estrndup(text, len);
	(*nspecs)++;
}

/* Read a checks file: one check per line, '#' comments, '\' continues. */
static void read_checks(struct vctx *c, const char *path, struct spec **specs, size_t *nspecs)
{
	FILE *fp = strcmp(path, "-") ? fopen(path, "r") : stdin;
	const char *name = strcmp(path, "-") ? path : "<stdin>";
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned long lineno = 0, first = 0;
	struct buf text = BUF_INIT;

	if (!fp)
		die(MIG_EXIT_USAGE, "%s: cannot open:", path);
	while ((n = getline(&line, &cap, fp)) >= 0) {
		int cont;
		const char *p;

		lineno++;
		if (memchr(line, '\0', (size_t)n))
			die(MIG_EXIT_USAGE, "%s:%lu:%zu: a NUL byte in a checks file", name, lineno,
			    (size_t)((char *)memchr(line, '\0', (size_t)n) - line) + 1);
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		cont = n && line[n - 1] == '\\';
		if (cont)
			line[--n] = '\0';
		while (n && (line[n - 1] == ' ' || line[n - 1] == '\t'))
			line[--n] = '\0';
		if (!text.len) {
			first = lineno;
			p = vskip(line);
			if (!*p || *p == '#')
				continue;
		}
		if (text.len)
			buf_addc(&text, ' ');
		buf_adds(&text, vskip(line));
		if (cont)
			continue;
		{
			struct buf w = BUF_INIT, where = BUF_INIT;
			const char *q = text.buf;

			buf_addf(&where, "%s:%lu", name, first);
			vtok(&q, &w);
			if (!strcmp(w.buf, "source") || !strcmp(w.buf, "target")) {
				struct buf url = BUF_INIT;
				const char *alias = w.buf[0] == 's' ? "SRC" : "DST";

				if (!vtok(&q, &url) || *vskip(q))
					die(MIG_EXIT_USAGE, "%s: expected '%s URL'", where.buf, w.buf);
				add_db(c, alias, 3, url.buf, where.buf);
				buf_release(&url);
				buf_release(&where);
			} else if (!strcmp(w.buf, "db")) {
				struct buf alias = BUF_INIT, url = BUF_INIT;

				if (!vtok(&q, &alias) || !vtok(&q, &url) || *vskip(q))
					die(MIG_EXIT_USAGE, "%s: expected 'db ALIAS URL'", where.buf);
				add_db(c, alias.buf, alias.len, url.buf, where.buf);
				buf_release(&alias);
				buf_release(&url);
				buf_release(&where);
			} else {
				add_spec(specs, nspecs, where.buf, text.buf, text.len);
				buf_release(&where);
			}
			buf_release(&w);
		}
		buf_reset(&text);
	}
	if (ferror(fp))
		die(MIG_EXIT_USAGE, "%s: read error:", name);
	if (text.len)
		die(MIG_EXIT_USAGE, "%s:%lu: continuation line at end of file", name, first);
	free(line);
	buf_release(&text);
	if (fp != stdin)
		fclose(fp);
}

static const struct {
	const char *name;
	void (*fn)(struct vctx *, const char *, const char *);
} kinds[] = {
	{ "counts", check_counts },
	{ "count", check_counts },
	{ "stream", check_stream },
	{ "crosswalk", check_crosswalk },
	{ "ledger", check_ledger },
	{ "fk", check_fk },
	{ "unique", check_unique },
	{ "schema", check_schema },
};

static void run_spec(struct vctx *c, const struct spec *s)
{
	struct buf w = BUF_INIT;
	const char *p = s->text;
	size_t i;

	vtok(&p, &w);
	for (i = 0; i < sizeof(kinds) / sizeof(*kinds); i++)
		if (!strcmp(kinds[i].name, w.buf)) {
			kinds[i].fn(c, s->where, vskip(p));
			buf_release(&w);
			return;
		}
	{
		struct vcheck k;

		vcheck_begin(&k, c, w.buf, s->where, vskip(p));
		vcheck_error(&k, 0, "%s: unknown check '%s' (known: counts, stream, crosswalk, ledger, fk, unique, schema)",
			     s->where, w.buf);
		vcheck_end(&k, V_ERROR, "not run");
	}
	buf_release(&w);
}

static void free_db(struct vdb *d)
{
	vdb_catalog_free(d);
	if (d->pg)
		PQfinish(d->pg);
	if (d->my)
		mysql_close(d->my);
	if (d->lite)
		sqlite3_close(d->lite);
	dburl_release(&d->u);
	free(d->alias);
	free(d);
}

static void iso_now(char *out, size_t n)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void write_report(struct vctx *c, const char *path, const char *started, double elapsed)
{
	json_t *r = json_object(), *dbs = json_object();
	char finished[32];
	struct buf tmp = BUF_INIT;
	struct stat st;
	size_t i;

	iso_now(finished, sizeof(finished));
	json_object_set_new(r, "tool", json_string("mig-verify"));
	json_object_set_new(r, "version", json_string(MIG_VERSION));
	json_object_set_new(r, "started", json_string(started));
	json_object_set_new(r, "finished", json_string(finished));
	json_object_set_new(r, "elapsed_ms", json_integer((json_int_t)(elapsed * 1000)));
	for (i = 0; i < c->ndbs; i++) {
		json_t *d = json_object();

		json_object_set_new(d, "url", json_string(c->dbs[i]->u.shown));
		json_object_set_new(d, "dialect", json_string(vdb_dialect(c->dbs[i])));
		json_object_set_new(dbs, c->dbs[i]->alias, d);
	}
	json_object_set_new(r, "databases", dbs);
	json_object_set_new(r, "result", json_string(c->nerror ? "error" : c->nfail ? "fail" : "pass"));
	json_object_set_new(r, "passed", json_integer(c->npass));
	json_object_set_new(r, "failed", json_integer(c->nfail));
	json_object_set_new(r, "errors", json_integer(c->nerror));
	json_object_set_new(r, "checks", json_incref(c->checks));
	/* a pipe or a device (-r /dev/stdout) is written in place */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		FILE *fp = fopen(path, "w");

		if (!fp)
			die(MIG_EXIT_SYSTEM, "%s: cannot write the report:", path);
		if (json_dumpf(r, fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0)
			die(MIG_EXIT_SYSTEM, "%s: cannot write the report", path);
		fputc('\n', fp);
		fshut(fp, path);
		json_decref(r);
		return;
	}
	/* written aside and renamed: a reader never sees half a report */
	buf_addf(&tmp, "%s.tmp%ld", path, (long)getpid());
	if (json_dump_file(r, tmp.buf, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0) {
		unlink(tmp.buf);
		die(MIG_EXIT_SYSTEM, "%s: cannot write the report", path);
	}
	if (rename(tmp.buf, path) < 0) {
		unlink(tmp.buf);
		die(MIG_EXIT_SYSTEM, "%s: cannot write the report:", path);
	}
	buf_release(&tmp);
	json_decref(r);
}

int main(int argc, char **argv)
{
	struct std_opts so = STD_OPTS_INIT;
	struct vctx c;
	struct spec *specs = NULL;
	size_t nspecs = 0, i;
	const char *report = NULL, *sqlpath = NULL;
	char started[32];
	double t0 = now_seconds();
	int ch, code;

	argv0 = "mig-verify";
	memset(&c, 0, sizeof(c));
	c.max_keys = 10;
	while ((ch = opts_next(argc, argv, &cmd)) != -1) {
		switch (ch) {
		case 's':
			add_db(&c, "SRC", 3, optarg, "--source");
			break;
		case 't':
			add_db(&c, "DST", 3, optarg, "--target");
			break;
		case O_DB: {
			const char *eq = strchr(optarg, '=');

			if (!eq || eq == optarg)
				die(MIG_EXIT_USAGE, "--db: expected ALIAS=URL");
			add_db(&c, optarg, (size_t)(eq - optarg), eq + 1, "--db");
			break;
		}
		case 'f':
			read_checks(&c, optarg, &specs, &nspecs);
			break;
		case 'e':
			add_spec(&specs, &nspecs, "-e", optarg, strlen(optarg));
			break;
		case O_REPORT:
			report = optarg;
			break;
		case O_SQL:
			sqlpath = optarg;
			break;
		case O_MAX_KEYS:
			c.max_keys = (unsigned long)estrtonum(optarg, 0, 1000000, "--max-keys");
			break;
		default:
			std_option(ch, optarg, &so, &cmd);
		}
	}
	c.show_values = so.show_values;
	c.quiet = so.quiet;
	c.progress = std_progress(&so);
	if (optind < argc) {
		struct buf line = BUF_INIT;

		for (i = (size_t)optind; i < (size_t)argc; i++) {
			if (line.len)
				buf_addc(&line, ' ');
			/* keep an operand with blanks one word */
			if (strpbrk(argv[i], " \t") && !strchr(argv[i], '"') && i > (size_t)optind) {
				buf_addc(&line, '"');
				buf_adds(&line, argv[i]);
				buf_addc(&line, '"');
			} else {
				buf_adds(&line, argv[i]);
			}
		}
		add_spec(&specs, &nspecs, "<command line>", line.buf, line.len);
		buf_release(&line);
	}
	/* every URL is parsed and every check copied by now */
	dburl_scrub_argv(argc, argv);
	if (!nspecs) {
		fputs("mig-verify: no checks given\n", stderr);
		opts_usage(&cmd, MIG_EXIT_USAGE);
	}
	if (sqlpath) {
		c.sql_name = sqlpath;
		if (!(c.sql = fopen(sqlpath, "w")))
			die(MIG_EXIT_SYSTEM, "%s: cannot open:", sqlpath);
		fprintf(c.sql, "-- post_migration_checks.sql: written by mig-verify %s\n"
			"-- Every query returns one row: check, expected, actual.  A row where\n"
			"-- actual differs from expected is a failed check.\n", MIG_VERSION);
	}
	iso_now(started, sizeof(started));
	c.checks = json_array();
	for (i = 0; i < nspecs; i++)
		run_spec(&c, &specs[i]);
	if (c.sql)
		fshut(c.sql, sqlpath);
	if (report)
		write_report(&c, report, started, now_seconds() - t0);
	if (c.sql && !c.nerror)
		fprintf(stderr, "mig-verify: %zu checks written to %s\n", nspecs, sqlpath);
	else if (!c.quiet || c.nfail || c.nerror)
		printf("mig-verify: %u passed, %u failed, %u errors\n", c.npass, c.nfail, c.nerror);
	code = c.worst ? c.worst : c.nfail ? MIG_EXIT_DATA : MIG_EXIT_OK;
	for (i = 0; i < nspecs; i++) {
		free(specs[i].where);
		free(specs[i].text);
	}
	free(specs);
	for (i = 0; i < c.ndbs; i++)
		free_db(c.dbs[i]);
	free(c.dbs);
	json_decref(c.checks);
	fshut(stdout, "<stdout>");
	return code;
}
