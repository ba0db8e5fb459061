/*
 * urlshow URL - parse URL as every tool does and print what a diagnostic
 * may show of it: kind, redacted form, and for MariaDB URLs the parts
 * (a password only as "set").
 */
#include <stdio.h>

#include "dburl.h"
#include "util.h"
#include "banned.h"

int main(int argc, char **argv)
{
	static const char *const kinds[] = { "postgresql", "mysql", "sqlite", "csv" };
	struct dburl u;
	const char *why;

	argv0 = "urlshow";
	if (argc != 2)
		die(MIG_EXIT_USAGE, "usage: urlshow URL");
	if (dburl_parse(argv[1], &u, &why) < 0)
		die(MIG_EXIT_USAGE, "bad URL: %s", why);
	printf("kind=%s\nshown=%s\n", kinds[u.kind], u.shown);
	if (u.kind == DB_MY)
		printf("user=%s\npassword=%s\nhost=%s\nport=%u\ndb=%s\nsocket=%s\n",
		       u.user ? u.user : "", u.password ? "set" : "", u.host ? u.host : "", u.port,
		       u.db ? u.db : "", u.socket ? u.socket : "");
	if (u.path)
		printf("path=%s\n", u.path);
	dburl_release(&u);
	fshut(stdout, "<stdout>");
	return 0;
}
