/*
 * mig - run the mig tools as one command: "mig TOOL ARGS" runs mig-TOOL,
 * "mig help TOPIC" opens a manual page, "mig completion" writes the bash
 * completion of every tool (see mig(7)).
 *
 * mig-TOOL is looked up beside this executable first, so that a build
 * tree's bin/mig runs that tree's tools, then on PATH, as git does.
 */
#include <sys/wait.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "util.h"
#include "banned.h"

static const char *const tools[] = { "extract", "split", "map", "rekey", "load", "verify" };
#define NTOOLS (sizeof(tools) / sizeof(*tools))

static const char usage_text[] =
	"usage: mig [-h] [--version] TOOL [ARGS ...]\n"
	"       mig help [TOPIC]\n"
	"       mig completion\n";

static _Noreturn void usage(int code)
{
	size_t i;

	fputs(usage_text, code ? stderr : stdout);
	if (!code) {
		fputs("Move data between database schemas as a stream of tagged records.\n\n"
		      "Tools (mig TOOL -h for each one's options):\n", stdout);
		for (i = 0; i < NTOOLS; i++)
			printf("  %s\n", tools[i]);
		fputs("\nTopics for mig help: mig (the overview, mig(7)), a tool's name, stream, rules\n", stdout);
		fshut(stdout, "<stdout>");
	}
	exit(code);
}

/* The directory of this executable, "" if it cannot be told. */
static void self_dir(struct buf *dir)
{
	char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
	char *slash;

	buf_reset(dir);
	if (n <= 0)
		return;
	path[n] = '\0';
	if ((slash = strrchr(path, '/')))
		buf_add(dir, path, (size_t)(slash - path));
}

/* Run mig-NAME with argv[1..] (argv[0] becomes mig-NAME); returns only on failure. */
static void run_tool(const char *name, char **argv)
{
	struct buf prog = BUF_INIT, path = BUF_INIT;

	buf_addf(&prog, "mig-%s", name);
	argv[0] = prog.buf;
	self_dir(&path);
	if (path.len) {
		buf_addf(&path, "/%s", prog.buf);
		if (access(path.buf, X_OK) == 0)
			execv(path.buf, argv);
	}
	execvp(prog.buf, argv);
	if (errno == ENOENT)
		die(MIG_EXIT_USAGE, "'%s' is not a mig tool (mig -h lists them)", name);
	die(MIG_EXIT_SYSTEM, "%s: cannot run:", prog.buf);
}

/*
 * mig help TOPIC: the page of TOPIC.  A page of the tree this mig was built
 * in (man/ beside bin/, or above build/san/bin/) comes first, so an uninstalled build reads its
 * own pages; then man(1) finds the installed one.
 */
static _Noreturn void help(const char *topic)
{
	static const char *const secs[] = { "1", "5", "7" };
	struct buf page = BUF_INIT, dir = BUF_INIT, file = BUF_INIT;
	size_t i;
	int up;

	if (!topic || !strcmp(topic, "mig"))
		buf_adds(&page, "mig");
	else if (!strncmp(topic, "mig-", 4))
		buf_adds(&page, topic);
	else
		buf_addf(&page, "mig-%s", topic);
	self_dir(&dir);
	/* bin/mig, or build/san/bin/mig: the tree's man/ is one to three levels up */
	for (up = 1; dir.len && up <= 3; up++) {
		buf_adds(&dir, "/..");
		for (i = 0; i < sizeof(secs) / sizeof(*secs); i++) {
			buf_reset(&file);
			buf_addf(&file, "%s/man/%s.%s", dir.buf, page.buf, secs[i]);
			if (access(file.buf, R_OK) == 0) {
				execlp("man", "man", "-l", file.buf, (char *)NULL);
				die(MIG_EXIT_SYSTEM, "man: cannot run:");
			}
		}
	}
	if (!strcmp(page.buf, "mig"))
		execlp("man", "man", "7", "mig", (char *)NULL);
	else
		execlp("man", "man", page.buf, (char *)NULL);
	die(MIG_EXIT_SYSTEM, "man: cannot run:");
}

/* Read what "mig-NAME --list-options" prints into out; -1 if it cannot run. */
static int list_options(const char *name, struct buf *out)
{
	int fd[2], status;
	char chunk[4096];
	ssize_t n;
	pid_t pid;

	if (pipe(fd) < 0)
		die(MIG_EXIT_SYSTEM, "pipe:");
	if ((pid = fork()) < 0)
		die(MIG_EXIT_SYSTEM, "fork:");
	if (!pid) {
		char *argv[] = { NULL, (char *)"--list-options", NULL };

		close(fd[0]);
		if (dup2(fd[1], 1) < 0)
			_exit(127);
		run_tool(name, argv);
		_exit(127);
	}
	close(fd[1]);
	buf_reset(out);
	while ((n = read(fd[0], chunk, sizeof(chunk))) > 0)
		buf_add(out, chunk, (size_t)n);
	close(fd[0]);
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		return -1;
	return 0;
}

/*
 * The bash completion: one function for mig and every mig-TOOL, with each
 * tool's options as --list-options prints them from its option table.
 * An option whose argument lists choices (csv|ndjson) completes them; any
 * other argument completes file names.
 */
static void completion(void)
{
	struct buf opts = BUF_INIT;
	const char *p;
	size_t i;

	fputs("# bash completion for mig and the mig-* tools, written by \"mig completion\"\n"
	      "# from each tool's option table; do not edit.\n", stdout);
	for (i = 0; i < NTOOLS; i++) {
		if (list_options(tools[i], &opts) < 0)
			die(MIG_EXIT_SYSTEM, "mig-%s --list-options failed", tools[i]);
		printf("_mig_opts_%s='", tools[i]);
		for (p = opts.buf; *p; p++)
			if (*p == '\'')
				fputs("'\\''", stdout);
			else
				putchar(*p);
		fputs("'\n", stdout);
	}
	fputs("_mig_tools='", stdout);
	for (i = 0; i < NTOOLS; i++)
		printf("%s%s", i ? " " : "", tools[i]);
	fputs("'\n", stdout);
	fputs("_mig_complete()\n"
	      "{\n"
	      "\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev= tool first=1 table line s l a\n"
	      "\tlocal -a words=()\n"
	      "\ttool=${COMP_WORDS[0]##*/}\n"
	      "\tif [ \"$tool\" = mig ]; then\n"
	      "\t\tif [ \"$COMP_CWORD\" -eq 1 ]; then\n"
	      "\t\t\tCOMPREPLY=($(compgen -W \"$_mig_tools help completion --version --help\" -- \"$cur\"))\n"
	      "\t\t\treturn\n"
	      "\t\tfi\n"
	      "\t\ttool=${COMP_WORDS[1]}\n"
	      "\t\tif [ \"$tool\" = help ]; then\n"
	      "\t\t\tCOMPREPLY=($(compgen -W \"mig $_mig_tools stream rules\" -- \"$cur\"))\n"
	      "\t\t\treturn\n"
	      "\t\tfi\n"
	      "\t\tfirst=2\n"
	      "\telse\n"
	      "\t\ttool=${tool#mig-}\n"
	      "\tfi\n"
	      "\t[ \"$COMP_CWORD\" -gt \"$first\" ] && prev=${COMP_WORDS[COMP_CWORD-1]}\n"
	      "\tcase \" $_mig_tools \" in *\" $tool \"*) ;; *) return ;; esac\n"
	      "\teval \"table=\\$_mig_opts_$tool\"\n"
	      "\t# the argument of the option before the cursor\n"
	      "\twhile read -r s l a; do\n"
	      "\t\t[ -z \"$prev\" ] || [ -z \"$a\" ] || [ \"$a\" = - ] && continue\n"
	      "\t\tif [ \"$prev\" = \"$s\" ] || [ \"$prev\" = \"$l\" ]; then\n"
	      "\t\t\tcase $a in\n"
	      "\t\t\t*'|'*) COMPREPLY=($(compgen -W \"${a//|/ }\" -- \"$cur\")) ;;\n"
	      "\t\t\t*) COMPREPLY=($(compgen -f -- \"$cur\")) ;;\n"
	      "\t\t\tesac\n"
	      "\t\t\treturn\n"
	      "\t\tfi\n"
	      "\tdone <<< \"$table\"\n"
	      "\tcase $cur in\n"
	      "\t-*)\n"
	      "\t\twhile read -r s l a; do\n"
	      "\t\t\t[ -z \"$l\" ] && continue\n\t\t\t[ \"$s\" != - ] && words+=(\"$s\")\n"
	      "\t\t\twords+=(\"$l\")\n"
	      "\t\tdone <<< \"$table\"\n"
	      "\t\tCOMPREPLY=($(compgen -W \"${words[*]}\" -- \"$cur\"))\n"
	      "\t\t;;\n"
	      "\t*) COMPREPLY=($(compgen -f -- \"$cur\")) ;;\n"
	      "\tesac\n"
	      "}\n"
	      "complete -o filenames -F _mig_complete mig", stdout);
	for (i = 0; i < NTOOLS; i++)
		printf(" mig-%s", tools[i]);
	fputc('\n', stdout);
	buf_release(&opts);
}

int main(int argc, char **argv)
{
	argv0 = "mig";
	if (argc < 2)
		usage(MIG_EXIT_USAGE);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
		usage(MIG_EXIT_OK);
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V"))
		print_version();
	if (argv[1][0] == '-') {
		fprintf(stderr, "mig: unknown option '%s'\n", argv[1]);
		usage(MIG_EXIT_USAGE);
	}
	if (!strcmp(argv[1], "help")) {
		if (argc > 3)
			usage(MIG_EXIT_USAGE);
		help(argc == 3 ? argv[2] : NULL);
	}
	if (!strcmp(argv[1], "completion")) {
		if (argc > 2)
			usage(MIG_EXIT_USAGE);
		completion();
		fshut(stdout, "<stdout>");
		return 0;
	}
	if (strchr(argv[1], '/'))
		die(MIG_EXIT_USAGE, "'%s' is not a mig tool (mig -h lists them)", argv[1]);
	run_tool(argv[1], argv + 1);
	return MIG_EXIT_SYSTEM;
}
