#!/usr/bin/env bash
# load-v1.sh [URL] DATADIR - (re)create the old_moh (v1) tables at URL
# ($SRC when not given, which keeps a password off the command line) and
# bulk-load gen-v1's files into them: COPY on PostgreSQL, LOAD DATA LOCAL
# INFILE on MariaDB, then the foreign keys and indexes, checked once.
set -eu -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
case $# in
1) url=${SRC:?usage: load-v1.sh [URL] DATADIR, or SRC=URL in the environment} data=$(cd "$1" && pwd) ;;
2) url=$1 data=$(cd "$2" && pwd) ;;
*) echo "usage: load-v1.sh [URL] DATADIR" >&2; exit 2 ;;
esac
d=$(db_dialect "$url")
tables="users appointments visits medical_cases prescriptions"

drop="DROP TABLE IF EXISTS prescriptions, visits, medical_cases, appointments, users"
[ "$d" = pg ] && drop="$drop CASCADE"
db_query "$url" "$drop" >/dev/null
db_sql "$url" "$here/schema/v1.$d.sql"
for t in $tables; do
	[ -f "$data/$t.tsv" ] || { echo "load-v1.sh: $data/$t.tsv: no such file (make data first)" >&2; exit 2; }
done
if [ "$d" = pg ]; then
	{
		echo "BEGIN;"
		for t in $tables; do echo "\\copy $t FROM '$data/$t.tsv'"; done
		echo "COMMIT;"
	} | db_sql "$url"
else
	{
		echo "SET foreign_key_checks = 0, unique_checks = 0;"
		for t in $tables; do
			echo "LOAD DATA LOCAL INFILE '$data/$t.tsv' INTO TABLE $t CHARACTER SET utf8mb4;"
		done
	} | db_sql "$url"
fi
db_sql "$url" "$here/schema/v1-keys.$d.sql"
for t in $tables; do
	printf '%s %s\n' "$t" "$(db_query "$url" "SELECT count(*) FROM $t")"
done
