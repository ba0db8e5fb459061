#!/usr/bin/env bash
# schema.sh - create the v2 (Django) tables in DST unless they exist.
set -eu -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
: "${DST:?set DST=URL}"
if ! has_v2_tables "$DST"; then
	log "schema: creating the v2 tables from schema/v2.pg.sql"
	db_sql "$DST" "$here/schema/v2.pg.sql"
fi
