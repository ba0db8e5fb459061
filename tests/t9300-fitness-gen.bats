#!/usr/bin/env bats
# pipelines/fitness: the v1 generator is deterministic, scale 1 is the
# seed's 42-row database table by table, larger scales keep its shape and
# dirt, and the pre-migration report finds the seed's critical issues.

load lib-common

FIT="$MIG_TOP/pipelines/fitness"

setup_file() {
	make -s -C "$FIT" all >/dev/null
}

v1db() {	# v1db SCALE SEED FILE
	rm -f "$3"
	sqlite3 "$3" < "$FIT/schema/v1.sqlite.sql"
	"$FIT/gen/gen-v1" -n "$1" -s "$2" | sqlite3 "$3"
}

counts() {
	local t
	for t in trainers clients assessments session_packages sessions training_sessions payments payment_records fee_audit_log; do
		echo "$t $(sqlite3 "$1" "SELECT count(*) FROM $t")"
	done
}

@test "fitness gen: same seed and scale, same bytes; another seed, other bytes" {
	"$FIT/gen/gen-v1" -s 7 -n 50 > "$BATS_TEST_TMPDIR/a"
	"$FIT/gen/gen-v1" -s 7 -n 50 > "$BATS_TEST_TMPDIR/b"
	"$FIT/gen/gen-v1" -s 8 -n 50 > "$BATS_TEST_TMPDIR/c"
	cmp "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
	run cmp -s "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/c"
	[ "$status" -eq 1 ]
	run -2 --separate-stderr "$FIT/gen/gen-v1" -n 0
	[ "$stderr" = "gen-v1: bad scale '0' (1 to 1000000)" ]
}

@test "fitness gen: make data is the seed's database, 42 rows in 9 tables" {
	make -s -C "$FIT" DATA="$BATS_TEST_TMPDIR/d" data
	counts "$BATS_TEST_TMPDIR/d/v1.db" > "$BATS_TEST_TMPDIR/got"
	cat > "$BATS_TEST_TMPDIR/want" <<-EOF
	trainers 7
	clients 10
	assessments 7
	session_packages 5
	sessions 4
	training_sessions 3
	payments 4
	payment_records 2
	fee_audit_log 0
	EOF
	assert_same "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
	db=$BATS_TEST_TMPDIR/d/v1.db
	# the seed's shared e-mail, its two usernames
	[ "$(sqlite3 "$db" "SELECT group_concat(username, ' ') FROM (SELECT username FROM trainers WHERE email = 'jaesun9090@gmail.com' ORDER BY username)")" = "criminal jaesun9090" ]
	# references hold in v1; some sessions and payments lack a trainer
	[ -z "$(sqlite3 "$db" 'PRAGMA foreign_key_check')" ]
	[ "$(sqlite3 "$db" "SELECT (SELECT count(*) FROM sessions WHERE trainer_id IS NULL) + (SELECT count(*) FROM payments WHERE trainer_id IS NULL)")" -gt 0 ]
	# naive ISO times, bcrypt hashes, and trainer 1's password is the documented one
	[ "$(sqlite3 "$db" "SELECT count(*) FROM trainers WHERE created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]'")" -eq 7 ]
	h=$(sqlite3 "$db" "SELECT password_hash FROM trainers WHERE id = 1")
	[ "$(perl -e 'print crypt($ARGV[0], $ARGV[1])' studio-pw-0 "$h")" = "$h" ]
	[ "$(perl -e 'print crypt($ARGV[0], $ARGV[1])' studio-pw-1 "$h")" != "$h" ]
	# names of one, two and three words
	[ "$(sqlite3 "$db" "SELECT count(DISTINCT length(name) - length(replace(name, ' ', ''))) FROM trainers")" -eq 3 ]
}

@test "fitness gen: scale n is n times the seed's shape, dirt included" {
	v1db 20 3 "$BATS_TEST_TMPDIR/s.db"
	counts "$BATS_TEST_TMPDIR/s.db" | awk '{ s += $2 } END { print s }' > "$BATS_TEST_TMPDIR/n"
	[ "$(cat "$BATS_TEST_TMPDIR/n")" -eq 840 ]
	[ "$(sqlite3 "$BATS_TEST_TMPDIR/s.db" "SELECT count(*) FROM (SELECT 1 FROM trainers GROUP BY lower(email) HAVING count(*) > 1)")" -eq 20 ]
	[ -z "$(sqlite3 "$BATS_TEST_TMPDIR/s.db" 'PRAGMA foreign_key_check')" ]
	[ "$(sqlite3 "$BATS_TEST_TMPDIR/s.db" "SELECT count(DISTINCT username) FROM trainers")" -eq 140 ]
}

@test "fitness report: the seed's critical issues, found in the data before anything is written" {
	v1db 1 1 "$BATS_TEST_TMPDIR/v1.db"
	RUN=$BATS_TEST_TMPDIR/run SRC=$BATS_TEST_TMPDIR/v1.db run -0 "$FIT/report.sh"
	r=$BATS_TEST_TMPDIR/run/pre_migration_report.json
	grep -q '"total_rows": 42,' "$r"
	grep -q '"critical_issues": 3,' "$r"
	grep -q '"duplicate_emails": {"addresses": 1, "trainers": 2}' "$r"
	grep -q '"sessions": {"sessions": 4, "training_sessions": 3, "duplicates": 2, "exact": 1, "after_merge": 5}' "$r"
	grep -q '"payments": {"payments": 4, "payment_records": 2, "duplicates": 1, "exact": 0, "after_merge": 5}' "$r"
	grep -q '"missing_trainer_id": {"sessions": 1, "training_sessions": 1, "payments": 1, "payment_records": 1}' "$r"
	grep -q '^- jaesun9090@gmail.com: ' "$BATS_TEST_TMPDIR/run/pre_migration_report.md"
	# the figures follow the data: one more shared address, one more duplicate
	sqlite3 "$BATS_TEST_TMPDIR/v1.db" "UPDATE trainers SET email = ' ADMIN@studio.example' WHERE username = 'jae3';
		INSERT INTO payment_records SELECT 3, client_id, NULL, package_id, amount, payment_method, payment_date, NULL, NULL, NULL, 'x', NULL FROM payments WHERE id = 1"
	RUN=$BATS_TEST_TMPDIR/run SRC=$BATS_TEST_TMPDIR/v1.db run -0 "$FIT/report.sh"
	grep -q '"duplicate_emails": {"addresses": 2, "trainers": 4}' "$r"
	grep -q '"duplicates": 2, "exact": 0, "after_merge": 5}' "$r"
}
