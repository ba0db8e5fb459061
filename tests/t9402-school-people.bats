#!/usr/bin/env bats
# pipelines/school: teachers, parents and students fan in to "User" and
# "UserRole" with their profiles and addresses, on real PostgreSQL (v1 and
# v2 in separate databases): counts, the teacher who is also a parent,
# unique e-mails and E.164 phones, generated passwords against their
# hashes, no orphans, and a rerun that regenerates nothing.

bats_require_minimum_version 1.5.0
load lib-common

SCH="$MIG_TOP/pipelines/school"

@test "school people: users = teachers + parents + students, roles, passwords, a rerun changes nothing" {
	require_servers
	local v1 v2 S D n
	v1=$(test_db v1) v2=$(test_db v2)
	pg_newdb "$v1"
	pg_newdb "$v2"
	S=$(pg_url "$v1") D=$(pg_url "$v2")
	RUN=$BATS_TEST_TMPDIR/run
	m() { make -s -C "$SCH" MIG_BIN="$MIG_BIN" DATA="$BATS_TEST_TMPDIR/data" SCALE=300 SEED=3 BCRYPT_COST=4 SRC="$S" DST="$D" "$@"; }
	m load-v1 >/dev/null
	m RUN="$RUN" migrate
	m RUN="$RUN" verify
	grep -q '^  "failed": 0,$' "$RUN/validation_report.json"
	[ -s "$RUN/report.html" ]
	grep -q 'verify: 0 generated passwords that do not verify' "$RUN/run.log"
	# make status: each entity done, with the rows loaded
	m RUN="$RUN" status > "$BATS_TEST_TMPDIR/status"
	grep -Eq '^School +done +[1-9][0-9]* rows$' "$BATS_TEST_TMPDIR/status"
	grep -Eq '^people +done +[1-9][0-9]* rows$' "$BATS_TEST_TMPDIR/status"
	[ "$(m RUN="$BATS_TEST_TMPDIR/none" status | grep -c ' pending')" -eq 2 ]
	# one user per v1 row: a teacher who is also a parent (same name and
	# e-mail at one school) is two users, one per role
	n=$(( $(pgq "$v1" 'SELECT count(*) FROM "Teacher"') + $(pgq "$v1" 'SELECT count(*) FROM "Parent"') + $(pgq "$v1" 'SELECT count(*) FROM "Student"') ))
	[ "$(pgq "$v2" 'SELECT count(*) FROM "User"')" -eq "$n" ]
	[ "$(pgq "$v2" 'SELECT count(*) FROM "UserRole"')" -eq "$n" ]
	both=$(pgq "$v1" 'SELECT count(*) FROM "Parent" p JOIN "Teacher" t ON lower(t."email") = lower(p."email") AND t."schoolId" = p."schoolId"')
	[ "$both" -gt 0 ]
	[ "$(pgq "$v2" "SELECT count(*) FROM \"User\" t JOIN \"User\" p ON p.\"legacySource\" = 'Parent' AND t.\"legacySource\" = 'Teacher'
		AND p.\"firstName\" = t.\"firstName\" AND p.\"lastName\" IS NOT DISTINCT FROM t.\"lastName\"
		AND p.\"email\" = regexp_replace(t.\"email\", '@', '+2@')")" -ge "$both" ]
	# roles by name, each user's the one of its source
	[ "$(pgq "$v2" "SELECT count(*) FROM \"User\" u JOIN \"UserRole\" ur ON ur.\"userId\" = u.\"id\" JOIN \"Role\" r ON r.\"id\" = ur.\"roleId\"
		WHERE upper(u.\"legacySource\") <> r.\"name\"")" -eq 0 ]
	# e-mails unique case-insensitively and all present; phones E.164 and unique
	[ "$(pgq "$v2" 'SELECT count(*) - count(DISTINCT lower("email")) FROM "User"')" -eq 0 ]
	[ "$(pgq "$v2" "SELECT count(*) FROM \"User\" WHERE \"email\" !~ '^[^@]+@[^@]+\\.[a-z]+\$'")" -eq 0 ]
	[ "$(pgq "$v2" "SELECT count(*) FROM \"User\" WHERE \"phone\" IS NOT NULL AND \"phone\" !~ '^\\+[1-9][0-9]{6,14}\$'")" -eq 0 ]
	[ "$(pgq "$v2" 'SELECT count("phone") - count(DISTINCT "phone") FROM "User"')" -eq 0 ]
	# names split: first always, middle only for three words or more
	[ "$(pgq "$v2" "SELECT count(*) FROM \"User\" WHERE \"firstName\" = '' OR (\"middleName\" IS NOT NULL AND \"lastName\" IS NULL)")" -eq 0 ]
	# the clear passwords: owner only, 12 characters, one per user; one checked here too
	[ "$(stat -c %a "$RUN/passwords.csv")" = 600 ]
	[ "$(( $(wc -l < "$RUN/passwords.csv") - 1 ))" -eq "$n" ]
	[ "$(awk -F, 'NR > 1 && length($3) != 12' "$RUN/passwords.csv" | wc -l)" -eq 0 ]
	IFS=, read -r t k p < <(sed -n 5p "$RUN/passwords.csv")
	h=$(pgq "$v2" "SELECT \"passwordHash\" FROM \"User\" WHERE \"legacySource\" = '$t' AND \"legacyId\" = $k")
	[ "$(perl -e 'print crypt($ARGV[0], $ARGV[1])' "$p" "$h")" = "$h" ]
	# classes, subjects and parent-student links rewired to the new users
	# and profiles: every v2 link, read back to v1 ids through "legacyId",
	# is exactly v1's; class levels found by curriculum and level name
	pair() { pgq "$1" "$2" | sort > "$BATS_TEST_TMPDIR/$3"; }
	pair "$v1" 'SELECT "id", "level", coalesce("teacherId"::text, $$-$$) FROM "Class"' class.want
	pair "$v2" "SELECT c.\"legacyId\", l.\"name\", coalesce(u.\"legacyId\"::text, '-') FROM \"Class\" c
		JOIN \"ClassLevel\" l ON l.\"id\" = c.\"classLevelId\" JOIN \"Curriculum\" k ON k.\"id\" = l.\"curriculumId\" AND k.\"name\" = 'National'
		LEFT JOIN \"TeacherProfile\" tp ON tp.\"id\" = c.\"classTeacherId\" LEFT JOIN \"User\" u ON u.\"id\" = tp.\"userId\"" class.got
	assert_same "$BATS_TEST_TMPDIR/class.want" "$BATS_TEST_TMPDIR/class.got"
	[ "$(wc -l < "$BATS_TEST_TMPDIR/class.got")" -gt 0 ]
	pair "$v1" 'SELECT "id", "classId" FROM "Student" WHERE "classId" IS NOT NULL' sc.want
	pair "$v2" 'SELECT u."legacyId", c."legacyId" FROM "StudentProfile" sp JOIN "User" u ON u."id" = sp."userId" JOIN "Class" c ON c."id" = sp."classId"' sc.got
	assert_same "$BATS_TEST_TMPDIR/sc.want" "$BATS_TEST_TMPDIR/sc.got"
	[ "$(pgq "$v2" 'SELECT count(*) FROM "StudentProfile" WHERE "classId" IS NULL')" -eq "$(pgq "$v1" 'SELECT count(*) FROM "Student" WHERE "classId" IS NULL')" ]
	pair "$v1" 'SELECT "A", "B" FROM "_ParentToStudent"' ps.want
	pair "$v2" 'SELECT pu."legacyId", su."legacyId" FROM "ParentStudent" x JOIN "ParentProfile" p ON p."id" = x."parentId" JOIN "User" pu ON pu."id" = p."userId"
		JOIN "StudentProfile" s ON s."id" = x."studentId" JOIN "User" su ON su."id" = s."userId"' ps.got
	assert_same "$BATS_TEST_TMPDIR/ps.want" "$BATS_TEST_TMPDIR/ps.got"
	pair "$v1" 'SELECT "teacherId", "name" FROM "Subject" WHERE "teacherId" IS NOT NULL' ts.want
	pair "$v2" 'SELECT u."legacyId", s."name" FROM "TeacherSubject" x JOIN "TeacherProfile" t ON t."id" = x."teacherId" JOIN "User" u ON u."id" = t."userId"
		JOIN "Subject" s ON s."id" = x."subjectId" WHERE x."schoolId" = (SELECT "schoolId" FROM "TeacherProfile" WHERE "id" = x."teacherId")' ts.got
	assert_same "$BATS_TEST_TMPDIR/ts.want" "$BATS_TEST_TMPDIR/ts.got"
	# the run log names no e-mail and no password
	run grep -F -e '@' -e "$p" "$RUN/run.log"
	[ "$status" -eq 1 ]
	# a second run into the filled target: same ids, no password regenerated
	dump() { local t; for t in User UserRole Address TeacherProfile ParentProfile StudentProfile Class TeacherSubject ParentStudent; do pgq "$v2" "SELECT * FROM \"$t\" ORDER BY 1, 2"; done; }
	dump > "$BATS_TEST_TMPDIR/before"
	m RUN="$BATS_TEST_TMPDIR/run2" UPSERT=1 migrate
	dump > "$BATS_TEST_TMPDIR/after"
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
	[ "$(wc -l < "$BATS_TEST_TMPDIR/run2/passwords.csv")" -eq 1 ]
}
