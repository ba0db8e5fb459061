#!/usr/bin/env bats
# pipelines/school at SCALE=10000 (10000 students, 100 schools, about
# 19500 users), on real PostgreSQL: every acceptance check of the seed at
# that size.  Slow (in the top Makefile's SLOW_TESTS: the sanitized pass
# skips it); about 2.5 minutes on two shared cores, most of it bcrypt at
# cost 4: every user's password is hashed by the migration and every one
# is logged in against its hash by make verify, twice (no sample: at this
# size all of them fit in the budget).

bats_require_minimum_version 1.5.0
load lib-common

SCH="$MIG_TOP/pipelines/school"

@test "school at SCALE=10000: counts, roles, no orphans, unique e-mails and E.164 phones, passwords, rerun, kill and resume" {
	require_servers
	local v1 a b S A B n pid i
	v1=$(test_db v1) a=$(test_db a) b=$(test_db b)
	pg_newdb "$v1"; pg_newdb "$a"; pg_newdb "$b"
	S=$(pg_url "$v1") A=$(pg_url "$a") B=$(pg_url "$b")
	m() { make -s -C "$SCH" MIG_BIN="$MIG_BIN" DATA="$BATS_TEST_TMPDIR/data" SCALE=10000 SEED=4 BCRYPT_COST=4 SRC="$S" "$@"; }
	m load-v1 >/dev/null
	[ "$(pgq "$v1" 'SELECT count(*) FROM "Student"')" -eq 10000 ]
	m DST="$A" RUN="$BATS_TEST_TMPDIR/a" migrate
	# verify: counts (users = teachers + parents + students, one UserRole
	# per role, a profile each, classes and links), no orphans (every
	# foreign key), unique keys, and every generated password logged in
	m DST="$A" RUN="$BATS_TEST_TMPDIR/a" verify
	grep -q '^  "failed": 0,$' "$BATS_TEST_TMPDIR/a/validation_report.json"
	grep -q 'verify: 0 generated passwords that do not verify' "$BATS_TEST_TMPDIR/a/run.log"
	n=$(pgq "$v1" 'SELECT (SELECT count(*) FROM "Teacher") + (SELECT count(*) FROM "Parent") + (SELECT count(*) FROM "Student")')
	[ "$n" -gt 19000 ]
	[ "$(pgq "$a" 'SELECT count(*) FROM "User"')" -eq "$n" ]
	[ "$(( $(wc -l < "$BATS_TEST_TMPDIR/a/passwords.csv") - 1 ))" -eq "$n" ]
	[ "$(pgq "$a" 'SELECT count(*) FROM "User" u JOIN "UserRole" ur ON ur."userId" = u."id" JOIN "Role" r ON r."id" = ur."roleId" WHERE upper(u."legacySource") = r."name"')" -eq "$n" ]
	# a teacher who is also a parent: two users, the parent's e-mail +2
	[ "$(pgq "$a" "SELECT count(*) FROM \"User\" p JOIN \"User\" t ON t.\"legacySource\" = 'Teacher' AND p.\"legacySource\" = 'Parent' AND p.\"email\" = regexp_replace(t.\"email\", '@', '+2@')")" -gt 10 ]
	[ "$(pgq "$a" 'SELECT count(*) - count(DISTINCT lower("email")) FROM "User"')" -eq 0 ]
	[ "$(pgq "$a" 'SELECT count("phone") - count(DISTINCT "phone") FROM "User"')" -eq 0 ]
	[ "$(pgq "$a" "SELECT count(*) FROM \"User\" WHERE \"phone\" !~ '^\\+[1-9][0-9]{6,14}\$'")" -eq 0 ]
	[ "$(pgq "$a" 'SELECT count("phone") FROM "User"')" -gt 5000 ]
	[ "$(pgq "$a" 'SELECT count(*) FROM "ParentStudent"')" -eq "$(pgq "$v1" 'SELECT count(*) FROM "_ParentToStudent"')" ]
	[ "$(pgq "$a" 'SELECT count(*) FROM "StudentProfile" WHERE "classId" IS NULL')" -eq 0 ]

	dump() { local t; for t in School User UserRole Address TeacherProfile ParentProfile StudentProfile Class TeacherSubject ParentStudent; do
		echo "== $t"; pgq "$1" "SELECT to_jsonb(x) FROM \"$t\" x ORDER BY 1"; done; }
	dump "$a" > "$BATS_TEST_TMPDIR/a1"
	# a second run into the filled target changes nothing, hashes included
	m DST="$A" RUN="$BATS_TEST_TMPDIR/a2" UPSERT=1 migrate
	dump "$a" > "$BATS_TEST_TMPDIR/a2.dump"
	assert_same "$BATS_TEST_TMPDIR/a1" "$BATS_TEST_TMPDIR/a2.dump"
	[ "$(wc -l < "$BATS_TEST_TMPDIR/a2/passwords.csv")" -eq 1 ]

	# killed while the people stream is being made, resumed: the rows of
	# the clean run (the hashes are this run's own: compared without them)
	setsid make -s -C "$SCH" MIG_BIN="$MIG_BIN" DATA="$BATS_TEST_TMPDIR/data" SCALE=10000 SEED=4 BCRYPT_COST=4 \
		SRC="$S" DST="$B" RUN="$BATS_TEST_TMPDIR/b" migrate >/dev/null 2>&1 &
	pid=$!
	for i in $(seq 1 600); do
		[ "$(stat -c %s "$BATS_TEST_TMPDIR/b/streams/people.csv.part" 2>/dev/null || echo 0)" -gt 1000000 ] && break
		sleep 0.05
	done
	kill -9 -- "-$pid" 2>/dev/null || true
	wait "$pid" || true
	[ ! -e "$BATS_TEST_TMPDIR/b/done/people" ]
	[ "$(pgq "$b" 'SELECT count(*) FROM "User"')" -eq 0 ]
	m DST="$B" RUN="$BATS_TEST_TMPDIR/b" resume
	nohash() { sed 's/, "passwordHash": "[^"]*"//' "$1"; }
	dump "$b" > "$BATS_TEST_TMPDIR/b.dump"
	assert_same <(nohash "$BATS_TEST_TMPDIR/a1") <(nohash "$BATS_TEST_TMPDIR/b.dump")
	m DST="$B" RUN="$BATS_TEST_TMPDIR/b" verify
	grep -q '^  "failed": 0,$' "$BATS_TEST_TMPDIR/b/validation_report.json"
	grep -q 'verify: 0 generated passwords that do not verify' "$BATS_TEST_TMPDIR/b/run.log"
}
