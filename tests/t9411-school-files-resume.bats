#!/usr/bin/env bats
# pipelines/school/files, what t9410 leaves out: a rerun in the same run
# folder writes no row at all (not one row version changes), and a run
# killed in the middle of a table's load, rerun, ends identical to a run
# that was never killed, and verifies.

load lib-common
load lib-pipelines

F="$MIG_TOP/pipelines/school/files"

setup() {
	require_servers
	src=$(test_db h)
	pg_newdb "$src"
	S=$(pg_url "$src")
	DATA=$BATS_TEST_TMPDIR/data
}

m() { make -s -C "$F" MIG_BIN="$MIG_BIN" DATA="$DATA" SCALE=2000 SEED=7 SRC="$S" "$@"; }

# every odin table as text in key order, then its row count and the sum
# of its rows' xmin: a row rewritten with the same values changes the sum
odin_dump() {
	local t
	for t in odin_institutions odin_users odin_settings odin_sample_grades odin_sample_attendance; do
		echo "== $t"
		pgq "$1" "SELECT * FROM $t ORDER BY 1, 2"
		[ -z "${2:-}" ] || pgq "$1" "SELECT count(*), coalesce(sum(xmin::text::bigint), 0) FROM $t"
	done
}

@test "files: a rerun in the same run folder writes nothing" {
	local dst
	dst=$(test_db o)
	pg_newdb "$dst"
	m load-src > /dev/null
	m DST="$(pg_url "$dst")" RUN="$BATS_TEST_TMPDIR/run" migrate 2> /dev/null
	[ "$(pgq "$dst" 'SELECT count(*) FROM odin_users')" -eq 2000 ]
	odin_dump "$dst" xmin > "$BATS_TEST_TMPDIR/once"
	m DST="$(pg_url "$dst")" RUN="$BATS_TEST_TMPDIR/run" migrate 2> /dev/null
	odin_dump "$dst" xmin > "$BATS_TEST_TMPDIR/twice"
	assert_same "$BATS_TEST_TMPDIR/once" "$BATS_TEST_TMPDIR/twice"
}

@test "files: a run killed during the users' load, rerun, ends as a clean run and verifies" {
	local ref cut run=$BATS_TEST_TMPDIR/cut
	ref=$(test_db r) cut=$(test_db c)
	pg_newdb "$ref"
	pg_newdb "$cut"
	m load-src > /dev/null
	m DST="$(pg_url "$ref")" RUN="$BATS_TEST_TMPDIR/ref" migrate 2> /dev/null
	# small batches: the users' load is many commits, the kill lands among them
	make_killed_at "$run/checkpoints/odin_users.json" -C "$F" MIG_BIN="$MIG_BIN" DATA="$DATA" \
		SCALE=2000 SEED=7 SRC="$S" DST="$(pg_url "$cut")" RUN="$run" BATCH=10 migrate
	[ ! -e "$run/done/odin_users" ]
	[ ! -e "$run/done/odin_sample_grades" ]
	[ "$(pgq "$cut" 'SELECT count(*) FROM odin_users')" -lt 2000 ]
	m DST="$(pg_url "$cut")" RUN="$run" BATCH=10 migrate 2> /dev/null
	[ -e "$run/done/odin_settings" ]
	odin_dump "$ref" > "$BATS_TEST_TMPDIR/ref.dump"
	odin_dump "$cut" > "$BATS_TEST_TMPDIR/cut.dump"
	assert_same "$BATS_TEST_TMPDIR/ref.dump" "$BATS_TEST_TMPDIR/cut.dump"
	m DST="$(pg_url "$cut")" RUN="$run" verify > /dev/null 2>&1
	grep -q '"failed": 0,' "$run/validation_report.json"
}
