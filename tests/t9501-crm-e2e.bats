#!/usr/bin/env bats
# pipelines/crm end to end on real PostgreSQL, checked against the
# generator's truth: persons are the distinct people by the documented
# matching (pairs merged, nobody else: two people without e-mail stay
# two), every condition mention mapped or in the review file, no orphans,
# a rerun changes nothing, the pilot; at SCALE=10000 with a killed run
# resumed: t9502.

load lib-common
load lib-pipelines
load lib-crm

@test "crm e2e: the truth's persons, conditions, verify; a rerun changes nothing; the pilot" {
	require_servers
	local v1 v2 pilot
	v1=$(test_db v1) v2=$(test_db v2) pilot=$(test_db pilot)
	pg_newdb "$v1"
	pg_newdb "$v2"
	pg_newdb "$pilot"
	SRC=$(pg_url "$v1")
	migrate_and_check "$v1" "$v2" 300
	unchanged_by "$v2" SCALE=300 RUN="$BATS_TEST_TMPDIR/run2" UPSERT=1 migrate
	# the pilot: a sample into a scratch target, verified, the target untouched
	crm SCALE=300 PILOT=50 PILOT_DST="$(pg_url "$pilot")" RUN="$BATS_TEST_TMPDIR/prun" pilot 2>/dev/null
	grep -q '^  "failed": 0,$' "$BATS_TEST_TMPDIR/prun/pilot/validation_report.json"
	[ "$(pgq "$pilot" "SELECT count(*) FROM person_role WHERE role = 'patient'")" -eq 50 ]
	run -2 crm pilot
}
