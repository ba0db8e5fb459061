#!/usr/bin/env bash
# verify.sh - sign the migration off: checks.mig run by mig-verify from the
# run directory, the report in validation_report.json, the same checks as
# SQL in post_migration_checks.sql, the page for reviewers in report.html
# (mig-report(1)).  Exit 1 when any check failed.
set -eu -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
step_init

cd "$RUN"
log "verify: $(grep -c '^[a-z]' "$here/checks.mig") checks"
mig-verify -q -s "$SRC" -t "$DST" -f "$here/checks.mig" --sql post_migration_checks.sql
st=0
mig-verify -s "$SRC" -t "$DST" -f "$here/checks.mig" --report validation_report.json >verify.out 2>&1 || st=$?
cat verify.out >&2
log "verify: $(tail -n 1 verify.out | sed 's/^mig-verify: //'), exit $st"
# the page for reviewers, beside the JSON; its own exit repeats the verdict
mig-report -q . > report.html.part || [ $? -eq 1 ]
mv report.html.part report.html
log "verify: report.html written"
exit "$st"
