#!/usr/bin/env bash
# bench.sh - the shop migration against its floor (make bench in this
# folder; SCALE=N orders, 1000000 by default, as the seed insists on
# volume): a throwaway PostgreSQL, v1 generated and loaded (untimed), then
#   mig:   make migrate (extract, map, split, rekey, load) into a v2 database
#   floor: bench/floor.sql, the same clean-up as one SQL script run by
#          PostgreSQL inside the v1 database
# RUNS rounds (default 3) of both, interleaved, and the median wall times
# and their ratio on stdout.  Both v2s are compared by row counts and
# order totals after every round, so the figures are for the same work.
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
runs=${RUNS:-3}
v2tables="users addresses products tags product_tags orders order_items"
prep_mig() { pg_newdb shop_v2; rm -rf "$work/run"; m schema 2>/dev/null; }
prep_floor() {
	pgq shop_v1 "DROP TABLE IF EXISTS $(echo $v2tables | sed 's/ /, /g') CASCADE" >/dev/null
	psql -X -q -d "$(pg_url shop_v1)" -f "$here/schema/v2.pg.sql"
}
run_mig() { m migrate 2>/dev/null; }
run_floor() { psql -X -q -d "$(pg_url shop_v1)" -f "$here/bench/floor.sql"; }
# wall seconds of "$@"
timed() { local t0 t1; t0=$EPOCHREALTIME; "$@" >/dev/null; t1=$EPOCHREALTIME; awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }'; }
# interleaved, RUNS rounds: the machine's mood hits both alike
: > "$work/mig.s"; : > "$work/floor.s"
for ((r = 1; r <= runs; r++)); do
	prep_mig
	timed run_mig >> "$work/mig.s"
	prep_floor
	timed run_floor >> "$work/floor.s"
	# the same work: the same rows in every table and the same order totals
	for t in $v2tables; do
		a=$(pgq shop_v2 "SELECT count(*) FROM $t") b=$(pgq shop_v1 "SELECT count(*) FROM $t")
		[ "$a" = "$b" ] || { echo "bench: $t: mig $a rows, floor $b" >&2; exit 1; }
	done
	[ "$(pgq shop_v2 'SELECT sum(total) FROM orders')" = "$(pgq shop_v1 'SELECT sum(total) FROM orders')" ] ||
		{ echo "bench: order totals differ between mig and the floor" >&2; exit 1; }
done
median() { sort -g | awk '{ a[NR] = $1 } END { printf "%.3f", NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
lines=$(pgq shop_v1 'SELECT count(*) FROM old_orders')
awk -v n="$scale" -v l="$lines" -v r="$runs" -v f="$(median < "$work/floor.s")" -v g="$(median < "$work/mig.s")" \
	-v fs="$(tr '\n' ' ' < "$work/floor.s")" -v gs="$(tr '\n' ' ' < "$work/mig.s")" 'BEGIN {
	printf "shop at %d orders (%d v1 lines), median of %d, interleaved\n", n, l, r
	printf "  floor (one SQL script)  %8.1f s  %9.0f lines/s   runs: %s\n", f, l / f, fs
	printf "  mig (make migrate)      %8.1f s  %9.0f lines/s   runs: %s\n", g, l / g, gs
	printf "  ratio mig / floor       %8.2f\n", g / f }'
