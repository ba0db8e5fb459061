#!/usr/bin/env bats
# pipelines/crm at SCALE=10000 on real PostgreSQL: the truth of t9501
# holds, and a run killed while loading, then resumed, ends identical.
# Slow: the plain pass only (SLOW_TESTS).

load lib-common
load lib-pipelines
load lib-crm

@test "crm at SCALE=10000: the truth holds; a run killed while loading, then resumed, ends identical" {
	require_servers
	local v1 ref cut run
	v1=$(test_db v1) ref=$(test_db ref) cut=$(test_db cut)
	pg_newdb "$v1"
	pg_newdb "$ref"
	pg_newdb "$cut"
	SRC=$(pg_url "$v1")
	migrate_and_check "$v1" "$ref" 10000
	run=$BATS_TEST_TMPDIR/cut
	make_killed_at "$run/checkpoints/crm.json" -C "$CRM" MIG_BIN="$MIG_BIN" SRC="$SRC" DST="$(pg_url "$cut")" \
		RUN="$run" DATA="$BATS_TEST_TMPDIR/data" SCALE=10000 SEED=5 BATCH=200 migrate
	[ ! -e "$run/done/crm" ]
	crm SCALE=10000 DST="$(pg_url "$cut")" RUN="$run" BATCH=200 resume 2>/dev/null
	[ -e "$run/done/crm" ]
	dump "$ref" > "$BATS_TEST_TMPDIR/ref.dump"
	dump "$cut" > "$BATS_TEST_TMPDIR/cut.dump"
	assert_same "$BATS_TEST_TMPDIR/ref.dump" "$BATS_TEST_TMPDIR/cut.dump"
	crm SCALE=10000 DST="$(pg_url "$cut")" RUN="$run" verify 2>/dev/null
}
