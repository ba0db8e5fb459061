#!/usr/bin/env bash
# load-v1.sh URL DATADIR - (re)create the v1 tables at URL and bulk-load
# the generator's files, then add v1's keys, checked once: COPY on
# PostgreSQL (schema/v1.pg.sql), LOAD DATA LOCAL INFILE on MariaDB/MySQL
# (mysql://..., schema/v1.my.sql): the same rows either way.
set -eu -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
[ $# -eq 2 ] || { echo "usage: load-v1.sh URL DATADIR" >&2; exit 2; }
url=$1 data=$(cd "$2" && pwd)
tables='School Teacher Parent Class Subject Student _ParentToStudent'
for t in $tables; do
	[ -f "$data/$t.tsv" ] || { echo "load-v1.sh: $data/$t.tsv: no such file (make data first)" >&2; exit 2; }
done
if [ "$(src_dialect "$url")" = my ]; then
	{
		echo 'SET foreign_key_checks = 0;'
		echo 'DROP TABLE IF EXISTS `_ParentToStudent`, `Student`, `Subject`, `Class`, `Parent`, `Teacher`, `School`;'
		cat "$here/schema/v1.my.sql"
		for t in $tables; do echo "LOAD DATA LOCAL INFILE '$data/$t.tsv' INTO TABLE \`$t\` CHARACTER SET utf8mb4;"; done
		echo 'SET foreign_key_checks = 1;'
		cat "$here/schema/v1-keys.my.sql"
	} | my_sql "$url"
	for t in $tables; do
		printf '%s %s\n' "$t" "$(echo "SELECT count(*) FROM \`$t\`" | my_sql "$url")"
	done
	exit 0
fi
db_query "$url" 'DROP TABLE IF EXISTS "_ParentToStudent", "Student", "Subject", "Class", "Parent", "Teacher", "School" CASCADE' >/dev/null
db_sql "$url" "$here/schema/v1.pg.sql"
{
	echo "BEGIN;"
	for t in $tables; do echo "\\copy \"$t\" FROM '$data/$t.tsv'"; done
	echo "COMMIT;"
} | db_sql "$url"
db_sql "$url" "$here/schema/v1-keys.pg.sql" >/dev/null
for t in $tables; do
	printf '%s %s\n' "$t" "$(db_query "$url" "SELECT count(*) FROM \"$t\"")"
done
