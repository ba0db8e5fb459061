#!/usr/bin/env bash
# bench.sh - the shop migration against its floor (make bench in this
# folder; SCALE=N orders, 1000000 by default, as the seed insists on
# volume): a throwaway PostgreSQL, v1 generated and loaded (untimed), then
#   mig:   make migrate (extract, map, split, rekey, load) into a v2 database
#   floor: bench/floor.sql, the same clean-up as one SQL script run by
#          PostgreSQL inside the v1 database
# and the wall times and their ratio on stdout.  Both v2s are compared by
# row counts and order totals, so the figures are for the same work.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -eu -o pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
top=$(cd "$here/../.." && pwd)
scale=${SCALE:-1000000}
bin=${MIG_BIN:-$top/bin}
. "$top/tests/lib-servers.bash"
work=$(mktemp -d "${BENCH_TMP:-/tmp}/mig-shop-bench.XXXXXX")
chmod 755 "$work"
trap 'mig_servers_stop "$work/srv"; rm -rf "$work"' EXIT INT TERM
mig_servers_start "$work/srv" pg >"$work/servers.log" 2>&1 || { cat "$work/servers.log" >&2; exit 1; }
pg_newdb shop_v1
pg_newdb shop_v2
m() { make -s -C "$here" MIG_BIN="$bin" DATA="$work/data" RUN="$work/run" SCALE="$scale" SRC="$(pg_url shop_v1)" DST="$(pg_url shop_v2)" "$@"; }
m data load-v1 >/dev/null
m schema 2>/dev/null
t0=$(date +%s.%N)
m migrate 2>/dev/null
t1=$(date +%s.%N)
psql -X -q -d "$(pg_url shop_v1)" -f "$here/schema/v2.pg.sql"
t2=$(date +%s.%N)
psql -X -q -d "$(pg_url shop_v1)" -f "$here/bench/floor.sql"
t3=$(date +%s.%N)
for t in users products tags product_tags orders order_items; do
	a=$(pgq shop_v2 "SELECT count(*) FROM $t") b=$(pgq shop_v1 "SELECT count(*) FROM $t")
	[ "$a" = "$b" ] || { echo "bench: $t: mig $a rows, floor $b" >&2; exit 1; }
done
[ "$(pgq shop_v2 'SELECT sum(total) FROM orders')" = "$(pgq shop_v1 'SELECT sum(total) FROM orders')" ] ||
	{ echo "bench: order totals differ between mig and the floor" >&2; exit 1; }
lines=$(pgq shop_v1 'SELECT count(*) FROM old_orders')
awk -v n="$scale" -v l="$lines" -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" 'BEGIN {
	printf "shop at %d orders (%d v1 lines)\n", n, l
	printf "  floor (one SQL script)  %8.1f s  %9.0f lines/s\n", d - c, l / (d - c)
	printf "  mig (make migrate)      %8.1f s  %9.0f lines/s\n", b - a, l / (b - a)
	printf "  ratio mig / floor       %8.2f\n", (b - a) / (d - c) }'
