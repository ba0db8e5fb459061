#!/usr/bin/env bash
# sequences.sh - after the loads, move each v2 table's identity sequence
# past its largest id (what Django's sqlsequencereset prints), so the
# application's next INSERT without an id gets a fresh one.
set -eu -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
step_init
for t in "$@"; do
	db_query "$DST" "SELECT setval(pg_get_serial_sequence('$t', 'id'), coalesce(max(id), 0) + 1, false) FROM $t" >/dev/null
done
log "sequences: $# identity sequences set past their tables' largest ids"
touch "$RUN/done/sequences"
