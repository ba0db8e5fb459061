#!/usr/bin/env bats
# pipelines/shop/bench/floor.sql, the SQL script make bench measures the
# shop migration against, makes the same v2 as mig: every table compared
# by its natural keys (the surrogate ids are numbered differently), so
# the bench's ratio is for the same work.

load lib-common
load lib-pipelines
load lib-shop

@test "shop floor: the one-script SQL clean-up makes the same v2 as mig" {
	require_servers
	local v1 v2
	v1=$(test_db v1) v2=$(test_db v2)
	pg_newdb "$v1"
	pg_newdb "$v2"
	SRC=$(pg_url "$v1")
	shop SCALE=300 load-v1 >/dev/null
	shop SCALE=300 DST="$(pg_url "$v2")" RUN="$BATS_TEST_TMPDIR/run" migrate 2>/dev/null
	# the floor as bench.sh runs it: v2 tables beside v1, one script
	psql -X -q -v ON_ERROR_STOP=1 -d "$SRC" -f "$SHOP/schema/v2.pg.sql"
	psql -X -q -d "$SRC" -f "$SHOP/bench/floor.sql"
	natural_dump "$v2" > "$BATS_TEST_TMPDIR/mig"
	natural_dump "$v1" > "$BATS_TEST_TMPDIR/floor"
	[ "$(grep -c . "$BATS_TEST_TMPDIR/mig")" -gt 1000 ]
	assert_same "$BATS_TEST_TMPDIR/mig" "$BATS_TEST_TMPDIR/floor"
}
