#!/usr/bin/env bats
# pipelines/school from a MariaDB copy of v1 into PostgreSQL v2: the same
# generated v1 loaded into PostgreSQL and into MariaDB (schema/v1.my.sql),
# each migrated into its own v2: the two v2 databases hold the same rows,
# row for row, password hashes aside (random per run); verify passes on
# the MariaDB run, with a FILTER in MariaDB's dialect too.

load lib-common

SCH="$MIG_TOP/pipelines/school"

@test "school from MariaDB v1: the same v2 rows as from PostgreSQL v1" {
	require_servers
	local pv1 mv1 pv2 mv2 fv2 t
	pv1=$(test_db pv1) mv1=$(test_db mv1) pv2=$(test_db pv2) mv2=$(test_db mv2) fv2=$(test_db fv2)
	pg_newdb "$pv1"; my_newdb "$mv1"; pg_newdb "$pv2"; pg_newdb "$mv2"; pg_newdb "$fv2"
	m() { make -s -C "$SCH" MIG_BIN="$MIG_BIN" DATA="$BATS_TEST_TMPDIR/data" SCALE=300 SEED=11 BCRYPT_COST=4 "$@"; }
	m SRC="$(pg_url "$pv1")" load-v1 >/dev/null
	m SRC="$(my_url "$mv1")" load-v1 > "$BATS_TEST_TMPDIR/loaded"
	grep -qx 'Student 300' "$BATS_TEST_TMPDIR/loaded"
	# Prisma's names on MariaDB too
	[ "$(myq "$mv1" "SELECT count(*) FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = 'Student' AND column_name IN ('schoolId', 'fullName', 'admissionNo')")" -eq 3 ]
	m SRC="$(pg_url "$pv1")" DST="$(pg_url "$pv2")" RUN="$BATS_TEST_TMPDIR/pg" migrate
	m SRC="$(my_url "$mv1")" DST="$(pg_url "$mv2")" RUN="$BATS_TEST_TMPDIR/my" migrate
	m SRC="$(my_url "$mv1")" DST="$(pg_url "$mv2")" RUN="$BATS_TEST_TMPDIR/my" verify
	grep -q '^  "failed": 0,$' "$BATS_TEST_TMPDIR/my/validation_report.json"
	grep -q 'verify: 0 generated passwords that do not verify' "$BATS_TEST_TMPDIR/my/run.log"
	dump() {
		for t in School User UserRole Address TeacherProfile ParentProfile StudentProfile Class TeacherSubject ParentStudent; do
			echo "== $t"; pgq "$1" "SELECT to_jsonb(x) - 'passwordHash' FROM \"$t\" x ORDER BY 1"
		done
	}
	dump "$pv2" > "$BATS_TEST_TMPDIR/from-pg"
	dump "$mv2" > "$BATS_TEST_TMPDIR/from-my"
	assert_same "$BATS_TEST_TMPDIR/from-pg" "$BATS_TEST_TMPDIR/from-my"
	[ "$(grep -c '"legacyId"' "$BATS_TEST_TMPDIR/from-my")" -gt 600 ]
	[ "$(pgq "$mv2" "SELECT count(*) FROM \"User\" WHERE \"passwordHash\" !~ '^\\\$2b\\\$04\\\$'")" -eq 0 ]
	# a FILTER in the source's dialect: MariaDB's names, no dangling link
	m SRC="$(my_url "$mv1")" DST="$(pg_url "$fv2")" RUN="$BATS_TEST_TMPDIR/f" FILTER='schoolId IN (2,3)' migrate
	m SRC="$(my_url "$mv1")" DST="$(pg_url "$fv2")" RUN="$BATS_TEST_TMPDIR/f" FILTER='schoolId IN (2,3)' verify
	grep -q '^  "failed": 0,$' "$BATS_TEST_TMPDIR/f/validation_report.json"
	[ "$(pgq "$fv2" 'SELECT string_agg("legacyId"::text, $$,$$ ORDER BY 1) FROM "School"')" = 2,3 ]
	[ "$(pgq "$fv2" 'SELECT count(*) FROM "ParentStudent"')" -eq "$(myq "$mv1" 'SELECT count(*) FROM `_ParentToStudent` x JOIN `Student` s ON s.id = x.B WHERE s.schoolId IN (2,3)')" ]
}
