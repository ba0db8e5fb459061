#!/usr/bin/env bash
# verify.sh - checks.mig by mig-verify from the run directory:
# validation_report.json, and the checks as SQL in post_migration_checks.sql.
set -eu -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
: "${RUN:?set RUN}" "${SRC:?set SRC=URL}" "${DST:?set DST=URL}"
cd "$RUN"
mig-verify -q -s "$SRC" -t "$DST" -f "$here/checks.mig" --sql post_migration_checks.sql
st=0
mig-verify -s "$SRC" -t "$DST" -f "$here/checks.mig" --report validation_report.json >verify.out 2>&1 || st=$?
cat verify.out >&2
log "verify: $(tail -n 1 verify.out | sed 's/^mig-verify: //'), exit $st"
exit "$st"
