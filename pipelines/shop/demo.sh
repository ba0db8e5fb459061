#!/usr/bin/env bash
# demo.sh - the shop clean-up on a throwaway PostgreSQL (make demo
# PIPELINE=shop): v1 generated and loaded, the report of what the
# clean-up will meet, the migration, its verification, a rerun that
# changes nothing.  SCALE=N orders (default 1000).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -eu -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/demo.sh"
scale=${SCALE:-1000}
demo_servers pg
pg_newdb shop_v1
pg_newdb shop_v2
m() { make -s -C "$here" MIG_BIN="$bin" DATA="$work/data" RUN="$work/run" SCALE="$scale" SRC="$(pg_url shop_v1)" DST="$(pg_url shop_v2)" "$@"; }
echo "== generating $scale orders (with their customers and products) into v1"
m data load-v1
echo "== what the migration will meet"
m report
cat "$work/run/pre_migration_report.json"
echo "== the migration"
m migrate
echo "== verification ($work/run/validation_report.json, report.html)"
m verify
echo "== lines refused, with their reasons"
grep -a -c '^old_orders,' "$work/run/rejects/orders.map.csv" || true
echo "== a second run into the filled target (UPSERT=1): nothing changes"
m RUN="$work/run2" UPSERT=1 migrate
