#!/usr/bin/env bash
# dry-run.sh - everything but the writes: the pre-migration report, every
# stream built under $RUN/dry-run, and all of them loaded into DST inside
# one transaction that is rolled back (mig-load --dry-run).
set -eu -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
step_init
if ! has_v2_tables "$DST"; then
	echo "dry-run: the target has no v2 tables; run 'make schema' first" >&2
	exit 2
fi
"$here/report.sh"
log "dry-run: building every stream under dry-run/"
make -s -f "$here/Makefile" RUN="$RUN/dry-run" streams
st=0
(cd "$RUN/dry-run/streams" && cat accounts_user.csv clients_client.csv assessments_assessment.csv \
	sessions_sessionpackage.csv sessions_session.csv sessions_payment.csv sessions_feeauditlog.csv) |
	mig-load -q --dry-run "$DST" > "$RUN/dry-run/load.out" 2> "$RUN/dry-run/load.err" || st=$?
cat "$RUN/dry-run/load.err" >&2
log "dry-run: load exit $st; nothing was written"
exit "$st"
