#!/usr/bin/env bash
# demo.sh - the school pipeline on a throwaway PostgreSQL (make demo
# PIPELINE=school): v1 generated and loaded, the v2 schema and its
# reference data (twice: nothing changes), the report of what the
# migration will meet, a dry run, the migration and its verification,
# then a FILTER run of two schools into a second v2.  SCALE=N students
# (default 1000); BCRYPT_COST=N (default 6 for the tour: the hashes are
# made three times and checked twice: about 40 seconds at 1000 students;
# a migration's default is 10).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -eu -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/demo.sh"
scale=${SCALE:-1000}
cost=${BCRYPT_COST:-6}
demo_servers pg
pg_newdb school_v1
pg_newdb school_v2
pg_newdb school_v2_two
m() { make -s -C "$here" MIG_BIN="$bin" DATA="$work/data" RUN="$work/run" SCALE="$scale" BCRYPT_COST="$cost" SRC="$(pg_url school_v1)" DST="$(pg_url school_v2)" "$@"; }
echo "== generating $scale students (with schools, teachers, parents, classes) into v1"
m data load-v1
echo "== v2 schema and reference data, twice (idempotent)"
m setup
m setup
echo "== what the migration will meet"
m report
cat "$work/run/pre_migration_report.json"
echo "== a dry run: everything up to the load, nothing written"
m dry-run
echo "== migrating schools, then teachers, parents and students into User and UserRole; verifying"
m migrate
m verify
m status
echo "== only the people of schools 1 and 2 (FILTER), into another v2; verifying"
m DST="$(pg_url school_v2_two)" RUN="$work/run-two" FILTER='"schoolId" IN (1,2)' migrate
m DST="$(pg_url school_v2_two)" RUN="$work/run-two" FILTER='"schoolId" IN (1,2)' verify
echo "== the files: $work/run/validation_report.json, $work/run/report.html,"
echo "   $work/run/passwords.csv (the generated passwords, mode 0600), $work/run/audit/"
