#!/usr/bin/env bats
# pipelines/shop at SCALE=10000 on real PostgreSQL: the truth of t9201
# holds, and a run killed while loading, then resumed, ends identical to
# an uninterrupted one.  Slow: the plain pass only (SLOW_TESTS).

load lib-common
load lib-pipelines
load lib-shop

@test "shop at SCALE=10000: the truth holds; a run killed while loading, then resumed, ends identical" {
	require_servers
	local v1 ref cut run
	v1=$(test_db v1) ref=$(test_db ref) cut=$(test_db cut)
	pg_newdb "$v1"
	pg_newdb "$ref"
	pg_newdb "$cut"
	SRC=$(pg_url "$v1")
	migrate_and_check "$v1" "$ref" 10000
	run=$BATS_TEST_TMPDIR/cut
	make_killed_at "$run/checkpoints/order_items.json" -C "$SHOP" MIG_BIN="$MIG_BIN" SRC="$SRC" DST="$(pg_url "$cut")" \
		RUN="$run" DATA="$BATS_TEST_TMPDIR/data" SCALE=10000 SEED=7 BATCH=100 migrate
	# it really stopped half-way
	[ ! -e "$run/done/orders" ]
	[ "$(pgq "$cut" "SELECT count(*) FROM order_items")" -lt "$(pgq "$ref" "SELECT count(*) FROM order_items")" ]
	shop SCALE=10000 DST="$(pg_url "$cut")" RUN="$run" BATCH=100 resume 2>/dev/null
	[ -e "$run/done/orders" ]
	dump "$ref" > "$BATS_TEST_TMPDIR/ref.dump"
	dump "$cut" > "$BATS_TEST_TMPDIR/cut.dump"
	assert_same "$BATS_TEST_TMPDIR/ref.dump" "$BATS_TEST_TMPDIR/cut.dump"
	shop SCALE=10000 DST="$(pg_url "$cut")" RUN="$run" verify 2>/dev/null
}
