#!/usr/bin/env bash
# demo.sh - the school pipeline as far as it goes today, on a throwaway
# PostgreSQL (make demo PIPELINE=school): v1 generated and loaded, the v2
# schema and its reference data (twice: nothing changes), the report of
# what the migration will meet.  SCALE=N students (default 1000).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -eu -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/demo.sh"
scale=${SCALE:-1000}
demo_servers pg
pg_newdb school_v1
pg_newdb school_v2
m() { make -s -C "$here" MIG_BIN="$bin" DATA="$work/data" RUN="$work/run" SCALE="$scale" SRC="$(pg_url school_v1)" DST="$(pg_url school_v2)" "$@"; }
echo "== generating $scale students (with schools, teachers, parents, classes) into v1"
m data load-v1
echo "== v2 schema and reference data, twice (idempotent)"
m setup
m setup
echo "== what the migration will meet"
m report
cat "$work/run/pre_migration_report.json"
echo "== migrating schools, then teachers, parents and students into User and UserRole; verifying"
m migrate
m verify
echo "== the files: $work/run/validation_report.json, $work/run/report.html,"
echo "   $work/run/passwords.csv (the generated passwords, mode 0600), $work/run/audit/"
