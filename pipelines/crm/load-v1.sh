#!/usr/bin/env bash
# load-v1.sh URL DATADIR - (re)create the v1 tables at URL and bulk-load
# the generator's files with COPY (v1 has no keys beyond its ids).
set -eu -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
[ $# -eq 2 ] || { echo "usage: load-v1.sh URL DATADIR" >&2; exit 2; }
url=$1 data=$(cd "$2" && pwd)
tables='contact patient doctor nurse admin_user'
for t in $tables; do
	[ -f "$data/$t.tsv" ] || { echo "load-v1.sh: $data/$t.tsv: no such file (make data first)" >&2; exit 2; }
done
db_query "$url" 'DROP TABLE IF EXISTS contact, patient, doctor, nurse, admin_user' >/dev/null
db_sql "$url" "$here/schema/v1.pg.sql"
{
	echo "BEGIN;"
	for t in $tables; do echo "\\copy $t FROM '$data/$t.tsv'"; done
	echo "COMMIT;"
} | db_sql "$url"
for t in $tables; do
	printf '%s %s\n' "$t" "$(db_query "$url" "SELECT count(*) FROM $t")"
done
