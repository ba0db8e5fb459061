#!/usr/bin/env bats
# pipelines/shop at SCALE=10000 on real PostgreSQL: the truth of t9201
# holds, a rerun and a cleared-target rerun change nothing, and a run
# killed while loading, then resumed, ends identical to an uninterrupted
# one.  Slow: the plain pass only (SLOW_TESTS).

load lib-common
load lib-pipelines
load lib-shop

@test "shop at SCALE=10000: the truth holds; reruns change nothing; a killed run resumed ends identical" {
	require_servers
	local v1 ref cut
	v1=$(test_db v1) ref=$(test_db ref) cut=$(test_db cut)
	pg_newdb "$v1"
	pg_newdb "$ref"
	pg_newdb "$cut"
	SRC=$(pg_url "$v1")
	migrate_and_check "$v1" "$ref" 10000
	unchanged_by "$ref" SCALE=10000 RUN="$BATS_TEST_TMPDIR/run2" UPSERT=1 migrate
	unchanged_by "$ref" SCALE=10000 RUN="$BATS_TEST_TMPDIR/run3" CLEAR=1 migrate
	resumed_same "$ref" "$cut" order_items orders SCALE=10000 BATCH=100
}
