#!/usr/bin/env bash
# schema.sh - create the v2 (new_moh) tables in DST unless they exist.
set -eu -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
: "${DST:?set DST=URL}"
d=$(db_dialect "$DST")
if [ "$d" = pg ]; then
	q="SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'patients'"
else
	q="SELECT count(*) FROM information_schema.tables WHERE table_schema = database() AND table_name = 'patients'"
fi
if [ "$(db_query "$DST" "$q")" = 0 ]; then
	log "schema: creating the v2 tables from schema/v2.$d.sql"
	db_sql "$DST" "$here/schema/v2.$d.sql"
fi
