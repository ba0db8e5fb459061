#!/usr/bin/env bats
# pipelines/shop end to end on real PostgreSQL, checked against the
# generator's ground truth: every v1 order line loaded or rejected with
# its reason, order totals equal to the v1 line sums, each customer once,
# each tag once per product, a rerun (UPSERT=1) and a cleared-target rerun
# (CLEAR=1) leave v2 identical, a run killed while loading and resumed
# ends identical.  The same at SCALE=10000: t9202.

load lib-common
load lib-pipelines
load lib-shop

@test "shop e2e: truth, verify, a rerun, a cleared-target rerun and a killed run resumed change nothing" {
	require_servers
	local v1 v2 cut
	v1=$(test_db v1) v2=$(test_db v2) cut=$(test_db cut)
	pg_newdb "$v1"
	pg_newdb "$v2"
	pg_newdb "$cut"
	SRC=$(pg_url "$v1")
	migrate_and_check "$v1" "$v2" 400
	dump "$v2" > "$BATS_TEST_TMPDIR/first"
	unchanged_by "$v2" SCALE=400 RUN="$BATS_TEST_TMPDIR/run2" UPSERT=1 migrate
	# a v2 row that should not be there goes with CLEAR=1
	pgq "$v2" "INSERT INTO tags (name) VALUES ('stray')"
	dump "$v2" > "$BATS_TEST_TMPDIR/stray"
	pipe SCALE=400 DST="$(pg_url "$v2")" RUN="$BATS_TEST_TMPDIR/run3" CLEAR=1 migrate 2>/dev/null
	dump "$v2" > "$BATS_TEST_TMPDIR/cleared"
	grep -q stray "$BATS_TEST_TMPDIR/stray"
	assert_same "$BATS_TEST_TMPDIR/first" "$BATS_TEST_TMPDIR/cleared"
	resumed_same "$v2" "$cut" order_items orders SCALE=400 BATCH=5
}
