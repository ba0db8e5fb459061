#!/usr/bin/env bash
# dry-run.sh - everything up to the load, nothing written to v2: the
# pre-migration report, every stream built under $RUN/dry-run (for
# ENTITIES and FILTER as a migrate would), all of them loaded into DST in
# one transaction that is rolled back (mig-load --dry-run: constraint
# violations show now), and $RUN/dry-run/dry_run_report.txt: the rows
# each v2 table would get.  DST needs the v2 tables and reference data
# (make setup): the roles, class levels and subjects are looked up there.
set -eu -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
: "${RUN:?set RUN}" "${SRC:?set SRC=URL}" "${DST:?set DST=URL}"
mkdir -p "$RUN"
chmod 700 "$RUN"
if ! has_v2_tables "$DST" || [ "$(db_query "$DST" 'SELECT count(*) FROM "Role"')" = 0 ]; then
	echo "dry-run: the target has no v2 tables or reference data; run 'make setup' first" >&2
	exit 2
fi
"$here/report.sh"
log "dry-run: building every stream under dry-run/"
make -s -f "$here/Makefile" RUN="$RUN/dry-run" SETUP=urls streams
# the passwords of a run that writes nothing are never valid: not kept
rm -f "$RUN/dry-run/passwords.csv"
st=0
cat "$RUN/dry-run/streams/School.csv" "$RUN/dry-run/streams/people.csv" |
	mig-load --dry-run "$DST" > "$RUN/dry-run/load.out" 2> "$RUN/dry-run/load.err" || st=$?
# the report: what a migrate would write, table by table (counts only)
{
	echo "dry run of ENTITIES=$ENTITIES${FILTER:+ with FILTER}: nothing was written to the target"
	echo "rows each v2 table would get (checked against its constraints, rolled back):"
	sed -n 's/^mig-load: \([A-Za-z]*\): \([0-9]*\) rows checked (rolled back), \([0-9]*\) rejected$/  \1 \2 (\3 refused)/p' "$RUN/dry-run/load.err"
	echo "load exit status: $st"
} > "$RUN/dry-run/dry_run_report.txt"
cat "$RUN/dry-run/dry_run_report.txt" >&2
log "dry-run: load exit $st; nothing was written"
exit "$st"
