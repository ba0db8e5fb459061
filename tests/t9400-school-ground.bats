#!/usr/bin/env bats
# pipelines/school groundwork: the v1 generator is deterministic and dirty
# as promised, v1 and v2 load into real PostgreSQL (separate databases),
# make setup's reference data is idempotent and found by natural keys, and
# the pre-migration report finds the seeded problems.

load lib-common

SCH="$MIG_TOP/pipelines/school"

gen() {	# gen SEED N DIR
	mkdir -p "$3"
	LC_ALL=C awk -v seed="$1" -v n="$2" -v out="$3" -f "$SCH/gen/gen-v1.awk"
}

sch() {
	make -s -C "$SCH" MIG_BIN="$MIG_BIN" "$@"
}

@test "school gen: same seed and scale, same bytes; another seed, other bytes" {
	gen 5 400 "$BATS_TEST_TMPDIR/a"
	gen 5 400 "$BATS_TEST_TMPDIR/b"
	gen 6 400 "$BATS_TEST_TMPDIR/c"
	diff -r "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
	run cmp -s "$BATS_TEST_TMPDIR/a/Parent.tsv" "$BATS_TEST_TMPDIR/c/Parent.tsv"
	[ "$status" -eq 1 ]
	[ "$(wc -l < "$BATS_TEST_TMPDIR/a/Student.tsv")" -eq 400 ]
	[ "$(wc -l < "$BATS_TEST_TMPDIR/a/School.tsv")" -eq 4 ]
	grep -qx 'Student 400' "$BATS_TEST_TMPDIR/a/counts.txt"
	run -2 gen 1 5 "$BATS_TEST_TMPDIR/d"
}

@test "school: v1 and v2 load, setup is idempotent, the report finds the dirt" {
	require_servers
	local v1 v2 S D
	v1=$(test_db v1) v2=$(test_db v2)
	pg_newdb "$v1"
	pg_newdb "$v2"
	S=$(pg_url "$v1") D=$(pg_url "$v2")
	RUN=$BATS_TEST_TMPDIR/run
	sch DATA="$BATS_TEST_TMPDIR/data" SCALE=500 SEED=3 SRC="$S" load-v1 > "$BATS_TEST_TMPDIR/loaded"
	grep -qx 'Student 500' "$BATS_TEST_TMPDIR/loaded"
	# Prisma's quoted mixed-case names, and v1's references hold
	[ "$(pgq "$v1" "SELECT count(*) FROM information_schema.columns WHERE table_name = 'Student' AND column_name IN ('schoolId', 'fullName', 'admissionNo')")" -eq 3 ]
	[ "$(pgq "$v1" 'SELECT count(*) FROM "_ParentToStudent" ps LEFT JOIN "Parent" p ON p."id" = ps."A" WHERE p."id" IS NULL')" -eq 0 ]

	sch DST="$D" RUN="$RUN" setup
	dump() {
		local t
		for t in PermissionModule Permission UserType Role RolePermission GradeSystem GradeLevel Curriculum ClassLevel SubjectCategory Subject; do
			echo "== $t"; pgq "$v2" "SELECT * FROM \"$t\" ORDER BY 1, 2"
		done
	}
	dump > "$BATS_TEST_TMPDIR/once"
	[ "$(pgq "$v2" 'SELECT count(*) FROM "Role"')" -eq 4 ]
	# a second setup, and one after the application renumbered nothing but
	# added a role of its own: nothing changes, nothing is duplicated
	sch DST="$D" RUN="$RUN" setup
	dump > "$BATS_TEST_TMPDIR/twice"
	assert_same "$BATS_TEST_TMPDIR/once" "$BATS_TEST_TMPDIR/twice"
	pgq "$v2" "INSERT INTO \"Role\" (\"name\", \"userTypeId\") SELECT 'LIBRARIAN', \"id\" FROM \"UserType\" WHERE \"name\" = 'STAFF'" >/dev/null
	sch DST="$D" RUN="$RUN" setup
	[ "$(pgq "$v2" 'SELECT count(*) FROM "Role"')" -eq 5 ]
	# roles and levels are found by natural key
	[ "$(pgq "$v2" "SELECT count(*) FROM \"Role\" r JOIN \"UserType\" t ON t.\"id\" = r.\"userTypeId\" WHERE (r.\"name\", t.\"name\") IN (('TEACHER', 'STAFF'), ('PARENT', 'PARENT'), ('STUDENT', 'STUDENT'))")" -eq 3 ]
	[ "$(pgq "$v2" "SELECT count(*) FROM \"ClassLevel\" l JOIN \"Curriculum\" c ON c.\"id\" = l.\"curriculumId\" WHERE c.\"name\" = 'National' AND l.\"name\" = 'Grade 5'")" -eq 1 ]

	sch SRC="$S" RUN="$RUN" report
	r=$RUN/pre_migration_report.json
	n=$(pgq "$v1" 'SELECT (SELECT count(*) FROM "Teacher") + (SELECT count(*) FROM "Parent") + (SELECT count(*) FROM "Student")')
	grep -q "\"users_expected\": $n," "$r"
	# the generator's dirt is there, every kind of it
	[ "$(sed -n 's/.*"parents_who_are_teachers": \([0-9]*\),/\1/p' "$r")" -gt 0 ]
	[ "$(sed -n 's/.*"shared_emails": {"addresses": \([0-9]*\),.*/\1/p' "$r")" -gt 0 ]
	[ "$(sed -n 's/.*"shared_phones": {"numbers": \([0-9]*\),.*/\1/p' "$r")" -gt 0 ]
	[ "$(sed -n 's/.*"missing": {"email": \([0-9]*\),.*/\1/p' "$r")" -gt 0 ]
	grep -q '"name_words": {"1": [0-9]*, "2": [0-9]*, "3": [0-9]*, "4": [0-9]*}' "$r"
	grep -q '"schools_by_country": {"GB": 1, "IN": 1, "KE": 1, "NG": 1, "US": 1}' "$r"
	# a parent made a teacher's twin shows up as one more
	pgq "$v1" "INSERT INTO \"Parent\" (\"schoolId\", \"fullName\", \"email\", \"phone\", \"updatedAt\") SELECT \"schoolId\", \"fullName\", upper(\"email\"), \"phone\", now() FROM \"Teacher\" WHERE \"email\" IS NOT NULL AND \"id\" NOT IN (SELECT t.\"id\" FROM \"Teacher\" t JOIN \"Parent\" p ON lower(p.\"email\") = lower(t.\"email\")) LIMIT 1" >/dev/null
	before=$(sed -n 's/.*"parents_who_are_teachers": \([0-9]*\),/\1/p' "$r")
	sch SRC="$S" RUN="$RUN" report
	[ "$(sed -n 's/.*"parents_who_are_teachers": \([0-9]*\),/\1/p' "$r")" -eq $((before + 1)) ]
}
