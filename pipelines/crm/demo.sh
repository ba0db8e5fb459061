#!/usr/bin/env bash
# demo.sh - the CRM consolidation on a throwaway PostgreSQL (make demo
# PIPELINE=crm), the seed's process: v1 generated and loaded, the data
# mapping report, a pilot into a scratch database, the migration, its
# validation, a rerun that changes nothing.  SCALE=N people (default 1000).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -eu -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/demo.sh"
scale=${SCALE:-1000}
demo_servers pg
pg_newdb crm_v1
pg_newdb crm_v2
pg_newdb crm_pilot
m() { make -s -C "$here" MIG_BIN="$bin" DATA="$work/data" RUN="$work/run" SCALE="$scale" SRC="$(pg_url crm_v1)" DST="$(pg_url crm_v2)" "$@"; }
echo "== generating $scale people (contacts, patients, staff) into v1"
m data load-v1
echo "== the data mapping report, before anything is written"
m report
cat "$work/run/mapping_report.json"
echo "== a pilot: a sample of 50 rows a table into a scratch database, verified"
m PILOT=50 PILOT_DST="$(pg_url crm_pilot)" pilot
echo "== the migration"
m migrate
echo "== validation ($work/run/validation_report.json, report.html)"
m verify
echo "== merges (audit/person_merges.csv) and condition mentions to review"
echo "$(($(wc -l < "$work/run/audit/person_merges.csv") - 1)) contacts and patients merged"
grep -a -c '^mention,' "$work/run/conditions_to_review.csv" || true
echo "== a rerun into the filled target (UPSERT=1): nothing changes"
m RUN="$work/run2" UPSERT=1 migrate
