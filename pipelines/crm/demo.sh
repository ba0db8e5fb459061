#!/usr/bin/env bash
# demo.sh - the CRM consolidation as far as it goes today, on a throwaway
# PostgreSQL (make demo PIPELINE=crm): v1 generated and loaded, the v2
# schema, the data mapping report.  SCALE=N people
# (default 1000).
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
pg_newdb crm_v1
pg_newdb crm_v2
m() { make -s -C "$here" MIG_BIN="$bin" DATA="$work/data" RUN="$work/run" SCALE="$scale" SRC="$(pg_url crm_v1)" DST="$(pg_url crm_v2)" "$@"; }
echo "== generating $scale people (contacts, patients, staff) into v1"
m data load-v1
echo "== the v2 schema"
m schema
echo "== the data mapping report"
m report
cat "$work/run/mapping_report.json"
echo "(the rules wait for features of the tools: see pipelines/crm/README.md)"
