#!/usr/bin/env bats
# pipelines/school: the schools, first entity of the seed's order, end to
# end on real PostgreSQL (v1 and v2 in separate databases): phones to
# E.164 with each school's own country, addresses into components, UUID v5
# keys with a crosswalk, verify, a rerun that changes nothing.

load lib-common

SCH="$MIG_TOP/pipelines/school"

@test "school e2e: schools migrate, verify, and a rerun changes nothing" {
	require_servers
	local v1 v2 S D
	v1=$(test_db v1) v2=$(test_db v2)
	pg_newdb "$v1"
	pg_newdb "$v2"
	S=$(pg_url "$v1") D=$(pg_url "$v2")
	RUN=$BATS_TEST_TMPDIR/run
	m() { make -s -C "$SCH" MIG_BIN="$MIG_BIN" DATA="$BATS_TEST_TMPDIR/data" SCALE=500 SEED=9 BCRYPT_COST=4 SRC="$S" DST="$D" "$@"; }
	m load-v1 >/dev/null
	m RUN="$RUN" migrate
	m RUN="$RUN" verify
	grep -q '^  "failed": 0,$' "$RUN/validation_report.json"
	[ "$(pgq "$v2" 'SELECT count(*) FROM "School"')" -eq "$(pgq "$v1" 'SELECT count(*) FROM "School"')" ]
	[ "$(pgq "$v2" 'SELECT count(DISTINCT "countryCode") FROM "School"')" -eq 5 ]
	# each phone in E.164 with its school's calling code
	[ "$(pgq "$v2" "SELECT count(*) FROM \"School\" WHERE \"phone\" IS NULL OR \"phone\" !~ ('^\\+' || CASE \"countryCode\" WHEN 'GB' THEN '44' WHEN 'KE' THEN '254' WHEN 'NG' THEN '234' WHEN 'US' THEN '1' WHEN 'IN' THEN '91' END || '[0-9]{7,12}\$')")" -eq 0 ]
	# the one-line address in components, the v1 text rebuilt from them
	[ "$(pgq "$v2" "SELECT count(*) FROM \"School\" WHERE \"street\" IS NULL OR \"city\" IS NULL OR \"city\" ~ '[0-9]'")" -eq 0 ]
	[ "$(pgq "$v2" "SELECT count(*) FROM \"School\" WHERE \"countryCode\" IN ('GB', 'US', 'IN') AND \"postalCode\" IS NULL")" -eq 0 ]
	[ "$(pgq "$v2" "SELECT count(*) FROM \"School\" WHERE \"countryCode\" IN ('US', 'NG') AND \"region\" IS NULL")" -eq 0 ]
	pgq "$v1" 'SELECT "id", "address" FROM "School" ORDER BY 1' > "$BATS_TEST_TMPDIR/v1"
	pgq "$v2" "SELECT \"legacyId\", concat_ws(', ', \"street\", CASE WHEN \"countryCode\" = 'IN' THEN \"city\" || ' ' || \"postalCode\" ELSE \"city\" END,
		CASE WHEN \"countryCode\" = 'US' THEN \"region\" || ' ' || \"postalCode\" WHEN \"countryCode\" = 'GB' THEN \"postalCode\" ELSE \"region\" END)
		FROM \"School\" ORDER BY 1" > "$BATS_TEST_TMPDIR/v2"
	assert_same "$BATS_TEST_TMPDIR/v1" "$BATS_TEST_TMPDIR/v2"
	# a second run, into the filled target: the same ids, nothing changed
	pgq "$v2" 'SELECT * FROM "School" ORDER BY "id"' > "$BATS_TEST_TMPDIR/before"
	m RUN="$BATS_TEST_TMPDIR/run2" UPSERT=1 migrate
	pgq "$v2" 'SELECT * FROM "School" ORDER BY "id"' > "$BATS_TEST_TMPDIR/after"
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
	cmp "$RUN/old_school_id__to__new_school_id.csv" "$BATS_TEST_TMPDIR/run2/old_school_id__to__new_school_id.csv"
}
