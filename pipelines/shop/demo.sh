#!/usr/bin/env bash
# demo.sh - the shop clean-up on a throwaway PostgreSQL (make demo
# PIPELINE=shop): v1 generated and loaded, the report of what the
# clean-up will meet, the migration, its verification, a rerun that
# changes nothing.  SCALE=N orders (default 1000).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -eu -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
scale=${SCALE:-1000}
bin=${MIG_BIN:-$top/bin}
. "$top/tests/lib-servers.bash"
work=${MIG_DEMO_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/mig-demo.XXXXXX")}
mkdir -p "$work"
chmod 755 "$work"
trap 'mig_servers_stop "$work/srv"' EXIT INT TERM
echo "== starting a throwaway PostgreSQL in $work/srv"
mig_servers_start "$work/srv" pg >"$work/servers.log" 2>&1 || { cat "$work/servers.log" >&2; exit 1; }
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
