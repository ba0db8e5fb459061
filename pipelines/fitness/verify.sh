#!/usr/bin/env bash
# verify.sh - sign the migration off: checks.mig by mig-verify from the run
# directory (validation_report.json, the checks as SQL in
# post_migration_checks.sql), then the seed's range and date checks on the
# target, and report.html for reviewers.  Exit 1 when any check failed.
set -eu -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
step_init

cd "$RUN"
src=$(src_file)
mig-verify -q -s "$src" -t "$DST" -f "$here/checks.mig" --sql post_migration_checks.sql
st=0
mig-verify -s "$src" -t "$DST" -f "$here/checks.mig" --report validation_report.json >verify.out 2>&1 || st=$?
cat verify.out >&2
log "verify: $(tail -n 1 verify.out | sed 's/^mig-verify: //'), exit $st"
# Dates consistent: nothing joined, assessed or sold in the future or
# before the trainer joined; packages never used more than sold; session
# lengths, credits and payment amounts in range.
bad=$(db_query "$DST" "SELECT
	(SELECT count(*) FROM accounts_user WHERE date_joined > now() OR last_login < date_joined)
	+ (SELECT count(*) FROM clients_client WHERE updated_at < created_at)
	+ (SELECT count(*) FROM sessions_sessionpackage WHERE updated_at < created_at OR remaining_sessions > total_sessions)
	+ (SELECT count(*) FROM assessments_assessment a JOIN clients_client c ON c.id = a.client_id WHERE a.created_at < c.created_at)
	+ (SELECT count(*) FROM sessions_session WHERE duration <= 0 OR credits_used < 0 OR session_date > now() + interval '1 year')
	+ (SELECT count(*) FROM sessions_payment WHERE amount < 0 OR net_amount > amount OR payment_date > now())")
log "verify: $bad rows with inconsistent dates or ranges"
[ "$bad" = 0 ] || st=1
# the page for reviewers (mig-report(1)): exit 1 there only says a check failed
mig-report -q . > report.html.part || [ $? -eq 1 ]
mv report.html.part report.html
exit "$st"
