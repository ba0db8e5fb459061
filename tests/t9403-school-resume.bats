#!/usr/bin/env bats
# pipelines/school: a migrate killed while it runs, then make resume, ends
# with the same rows as a clean run (passwords are random per run, so the
# hashes are compared by count, and checked to verify in each run).

load lib-common

SCH="$MIG_TOP/pipelines/school"

@test "school resume: a killed migrate, resumed, ends as a clean run does" {
	require_servers
	local v1 ref v2 S R D pid i
	v1=$(test_db v1) ref=$(test_db ref) v2=$(test_db v2)
	pg_newdb "$v1"; pg_newdb "$ref"; pg_newdb "$v2"
	S=$(pg_url "$v1") R=$(pg_url "$ref") D=$(pg_url "$v2")
	m() { make -s -C "$SCH" MIG_BIN="$MIG_BIN" DATA="$BATS_TEST_TMPDIR/data" SCALE=300 SEED=5 BCRYPT_COST=4 SRC="$S" "$@"; }
	m load-v1 >/dev/null
	m DST="$R" RUN="$BATS_TEST_TMPDIR/ref" migrate
	dump() { local t; for t in User UserRole Address TeacherProfile ParentProfile StudentProfile School Class TeacherSubject ParentStudent; do
		pgq "$1" "SELECT to_jsonb(x) - 'passwordHash' FROM \"$t\" x ORDER BY 1"; done; }
	dump "$ref" > "$BATS_TEST_TMPDIR/want"
	RUN=$BATS_TEST_TMPDIR/run
	setsid make -s -C "$SCH" MIG_BIN="$MIG_BIN" DATA="$BATS_TEST_TMPDIR/data" SCALE=300 SEED=5 BCRYPT_COST=4 \
		SRC="$S" DST="$D" RUN="$RUN" migrate >/dev/null 2>&1 &
	pid=$!
	for i in $(seq 1 400); do [ -e "$RUN/done/School" ] && break; sleep 0.05; done
	kill -9 -- "-$pid" 2>/dev/null || true
	wait "$pid" || true
	[ ! -e "$RUN/done/people" ]
	m DST="$D" RUN="$RUN" resume
	dump "$v2" > "$BATS_TEST_TMPDIR/got"
	assert_same "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
	[ "$(pgq "$v2" "SELECT count(*) FROM \"User\" WHERE \"passwordHash\" !~ '^\\\$2b\\\$04\\\$'")" -eq 0 ]
	m DST="$D" RUN="$RUN" verify
	grep -q '^  "failed": 0,$' "$RUN/validation_report.json"
}
