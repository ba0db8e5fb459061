#!/usr/bin/env bash
# setup.sh - the v2 reference data (schema/setup.pg.sql), as the seed's
# setup_v2.py makes it: idempotent, by natural keys, before any migration.
set -eu -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
: "${DST:?set DST=URL}"
has_v2_tables "$DST" || { echo "setup: the target has no v2 tables; run 'make schema' first" >&2; exit 2; }
db_sql "$DST" "$here/schema/setup.pg.sql"
log "setup: $(db_query "$DST" 'SELECT count(*) FROM "Role"') roles, $(db_query "$DST" 'SELECT count(*) FROM "Permission"') permissions, $(db_query "$DST" 'SELECT count(*) FROM "ClassLevel"') class levels, $(db_query "$DST" 'SELECT count(*) FROM "Subject"') subjects"
