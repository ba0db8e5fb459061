#!/usr/bin/env bats
# pipelines/school: the seed's options as make variables, on real
# PostgreSQL: a dry run writes nothing and says what it would write;
# FILTER chooses people and every reference stays inside the migrated set
# (verify's counts are the filter's); ENTITIES migrates a prefix of the
# seed's order, and a later run with the rest ends as a full run does.

bats_require_minimum_version 1.5.0
load lib-common

SCH="$MIG_TOP/pipelines/school"

setup() {
	require_servers
	v1=$(test_db v1)
	pg_newdb "$v1"
	S=$(pg_url "$v1")
	m() { make -s -C "$SCH" MIG_BIN="$MIG_BIN" DATA="$BATS_TEST_TMPDIR/data" SCALE=300 SEED=7 BCRYPT_COST=4 SRC="$S" "$@"; }
	m load-v1 >/dev/null
}

# the v2 rows, password hashes aside (random per run)
dump() {
	local t
	for t in School User UserRole Address TeacherProfile ParentProfile StudentProfile Class TeacherSubject ParentStudent; do
		echo "== $t"; pgq "$1" "SELECT to_jsonb(x) - 'passwordHash' FROM \"$t\" x ORDER BY 1"
	done
}

@test "school dry run: nothing written to v2, a report of what would be" {
	local v2 D n
	v2=$(test_db v2); pg_newdb "$v2"; D=$(pg_url "$v2")
	m DST="$D" RUN="$BATS_TEST_TMPDIR/run" setup
	m DST="$D" RUN="$BATS_TEST_TMPDIR/run" DRY_RUN=1 migrate
	n=$(( $(pgq "$v1" 'SELECT count(*) FROM "Teacher"') + $(pgq "$v1" 'SELECT count(*) FROM "Parent"') + $(pgq "$v1" 'SELECT count(*) FROM "Student"') ))
	grep -qx "  User $n (0 refused)" "$BATS_TEST_TMPDIR/run/dry-run/dry_run_report.txt"
	grep -qx "  ParentStudent $(pgq "$v1" 'SELECT count(*) FROM "_ParentToStudent"') (0 refused)" "$BATS_TEST_TMPDIR/run/dry-run/dry_run_report.txt"
	for t in School User UserRole Class ParentStudent; do
		[ "$(pgq "$v2" "SELECT count(*) FROM \"$t\"")" -eq 0 ]
	done
	# no password of a run that wrote nothing is kept; no done marker
	[ ! -e "$BATS_TEST_TMPDIR/run/dry-run/passwords.csv" ]
	[ ! -e "$BATS_TEST_TMPDIR/run/done/people" ]
	# make dry-run is the same; a target without reference data is refused
	m DST="$D" RUN="$BATS_TEST_TMPDIR/run2" dry-run 2>/dev/null
	[ "$(pgq "$v2" 'SELECT count(*) FROM "User"')" -eq 0 ]
	v3=$(test_db v3); pg_newdb "$v3"
	run -2 m DST="$(pg_url "$v3")" RUN="$BATS_TEST_TMPDIR/run3" dry-run
	[[ $output == *"run 'make setup' first"* ]]
}

@test "school FILTER: only the chosen people, no reference outside the migrated set" {
	local v2 D f
	v2=$(test_db v2); pg_newdb "$v2"; D=$(pg_url "$v2")
	f='"schoolId" IN (1,3)'
	m DST="$D" RUN="$BATS_TEST_TMPDIR/run" FILTER="$f" migrate
	m DST="$D" RUN="$BATS_TEST_TMPDIR/run" FILTER="$f" verify
	grep -q '^  "failed": 0,$' "$BATS_TEST_TMPDIR/run/validation_report.json"
	[ "$(pgq "$v2" 'SELECT string_agg("legacyId"::text, $$,$$ ORDER BY 1) FROM "School"')" = 1,3 ]
	[ "$(pgq "$v2" 'SELECT count(*) FROM "User"')" -eq "$(pgq "$v1" "SELECT (SELECT count(*) FROM \"Teacher\" WHERE $f) + (SELECT count(*) FROM \"Parent\" WHERE $f) + (SELECT count(*) FROM \"Student\" WHERE $f)")" ]
	[ "$(pgq "$v2" 'SELECT count(*) FROM "User"')" -lt "$(pgq "$v1" 'SELECT (SELECT count(*) FROM "Teacher") + (SELECT count(*) FROM "Parent") + (SELECT count(*) FROM "Student")')" ]
	# verify counted the filter's rows, not v1's
	grep -q "counts SRC.Student where ($f) = DST.StudentProfile" "$BATS_TEST_TMPDIR/run/checks.mig"

	# by date: a class whose teacher was created before it keeps no class
	# teacher, a link with an end left out is not migrated; nothing dangles
	v3=$(test_db v3); pg_newdb "$v3"
	f="\"createdAt\" > '2023-07-01'"
	m DST="$(pg_url "$v3")" RUN="$BATS_TEST_TMPDIR/run3" FILTER="$f" migrate
	m DST="$(pg_url "$v3")" RUN="$BATS_TEST_TMPDIR/run3" FILTER="$f" verify
	grep -q '^  "failed": 0,$' "$BATS_TEST_TMPDIR/run3/validation_report.json"
	[ "$(pgq "$v3" 'SELECT count(*) FROM "Class" WHERE "classTeacherId" IS NULL')" -gt 0 ]
	[ "$(pgq "$v3" 'SELECT count(*) FROM "ParentStudent"')" -lt "$(pgq "$v1" 'SELECT count(*) FROM "_ParentToStudent"')" ]
	[ "$(pgq "$v3" 'SELECT count(*) FROM "ParentStudent"')" -eq "$(pgq "$v1" "SELECT count(*) FROM \"_ParentToStudent\" WHERE \"A\" IN (SELECT \"id\" FROM \"Parent\" WHERE $f) AND \"B\" IN (SELECT \"id\" FROM \"Student\" WHERE $f)")" ]
	[ "$(pgq "$v3" "SELECT count(*) FROM \"User\" u WHERE \"createdAt\" <= '2023-07-01'")" -eq 0 ]
	# every link's ends are migrated users (the foreign keys say it; so does this)
	[ "$(pgq "$v3" 'SELECT count(*) FROM "ParentStudent" x LEFT JOIN "ParentProfile" p ON p."id" = x."parentId" LEFT JOIN "StudentProfile" s ON s."id" = x."studentId" WHERE p."id" IS NULL OR s."id" IS NULL')" -eq 0 ]
}

@test "school ENTITIES: a prefix of the seed's order; the rest later ends as a full run" {
	local v2 full
	v2=$(test_db v2) full=$(test_db full); pg_newdb "$v2"; pg_newdb "$full"
	run -2 m DST="$(pg_url "$v2")" RUN="$BATS_TEST_TMPDIR/bad" ENTITIES=schools,pupils migrate
	[[ $output == *"unknown entity 'pupils'"* ]]
	m DST="$(pg_url "$v2")" RUN="$BATS_TEST_TMPDIR/run" ENTITIES=schools,teachers migrate
	m DST="$(pg_url "$v2")" RUN="$BATS_TEST_TMPDIR/run" ENTITIES=schools,teachers verify
	grep -q '^  "failed": 0,$' "$BATS_TEST_TMPDIR/run/validation_report.json"
	[ "$(pgq "$v2" 'SELECT string_agg(DISTINCT "legacySource", $$,$$) FROM "User"')" = Teacher ]
	[ "$(pgq "$v2" 'SELECT count(*) FROM "Class"')" -eq "$(pgq "$v1" 'SELECT count(*) FROM "Class"')" ]
	[ "$(pgq "$v2" 'SELECT count(*) FROM "TeacherSubject"')" -gt 0 ]
	[ "$(pgq "$v2" 'SELECT count(*) FROM "ParentProfile"')" -eq 0 ]
	# students pull in parents (and teachers, schools): the rest, later, in
	# the same run folder, rows identical to one full run's
	m DST="$(pg_url "$v2")" RUN="$BATS_TEST_TMPDIR/run" ENTITIES=students UPSERT=1 migrate
	m DST="$(pg_url "$full")" RUN="$BATS_TEST_TMPDIR/full" migrate
	dump "$v2" > "$BATS_TEST_TMPDIR/got"
	dump "$full" > "$BATS_TEST_TMPDIR/want"
	assert_same "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
	# passwords.csv holds each user's once: the teachers' of the first run
	# still verify (the second regenerated none), the others' of the second
	[ "$(awk -F, '$1 == "Teacher"' "$BATS_TEST_TMPDIR/run/passwords.csv" | wc -l)" -eq "$(pgq "$v1" 'SELECT count(*) FROM "Teacher"')" ]
	[ "$(( $(wc -l < "$BATS_TEST_TMPDIR/run/passwords.csv") - 1 ))" -eq "$(pgq "$v2" 'SELECT count(*) FROM "User"')" ]
	m DST="$(pg_url "$v2")" RUN="$BATS_TEST_TMPDIR/run" ENTITIES=students verify
	grep -q 'verify: 0 generated passwords that do not verify' "$BATS_TEST_TMPDIR/run/run.log"
}
