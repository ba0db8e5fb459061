#!/usr/bin/env bats
# pipelines/fitness end to end on a real SQLite file and a real PostgreSQL:
# the seed's 42-row database (and a larger one) through schema, dry run,
# migrate and verify, then the acceptance list checked with SQL of our own.

load lib-common

FIT="$MIG_TOP/pipelines/fitness"
V2="accounts_user clients_client assessments_assessment sessions_sessionpackage sessions_session sessions_payment sessions_feeauditlog"

setup_file() {
	make -s -C "$FIT" all >/dev/null
}

fit() {
	make -s -C "$FIT" MIG_BIN="$MIG_BIN" DATA="$BATS_TEST_TMPDIR/data" SRC="$BATS_TEST_TMPDIR/data/v1.db" DST="$DST" "$@"
}

setup_db() {
	require_servers
	DB=$(test_db fit)
	pg_newdb "$DB"
	DST=$(pg_url "$DB")
	RUN=$BATS_TEST_TMPDIR/run
	fit SCALE="${1:-1}" data
	fit RUN="$RUN" schema
}

dump_dst() {
	local t
	for t in $V2; do echo "== $t"; pgq "$DB" "SELECT * FROM $t ORDER BY id"; done
}

src() { sqlite3 "$BATS_TEST_TMPDIR/data/v1.db" "$*"; }

assert_migrated() {
	local t
	[ "$(pgq "$DB" "SELECT count(*) FROM accounts_user")" -eq "$(src "SELECT count(*) FROM trainers")" ]
	[ "$(pgq "$DB" "SELECT count(*) FROM clients_client")" -eq "$(src "SELECT count(*) FROM clients")" ]
	[ "$(pgq "$DB" "SELECT count(*) FROM assessments_assessment")" -eq "$(src "SELECT count(*) FROM assessments")" ]
	[ "$(pgq "$DB" "SELECT count(*) FROM sessions_sessionpackage")" -eq "$(src "SELECT count(*) FROM session_packages")" ]
	[ "$(pgq "$DB" "SELECT count(*) FROM sessions_feeauditlog")" -eq 0 ]
	# the merges: sessions + training_sessions - duplicates, payments +
	# payment_records - duplicates (same client, package, time (, amount))
	local ds dp
	ds=$(src "SELECT count(*) FROM training_sessions WHERE (client_id, coalesce(package_id, -1), session_date) IN (SELECT client_id, coalesce(package_id, -1), session_date FROM sessions)")
	dp=$(src "SELECT count(*) FROM payment_records WHERE (client_id, coalesce(package_id, -1), payment_date, amount) IN (SELECT client_id, coalesce(package_id, -1), payment_date, amount FROM payments)")
	[ "$ds" -gt 0 ] && [ "$dp" -gt 0 ]
	[ "$(pgq "$DB" "SELECT count(*) FROM sessions_session")" -eq "$(( $(src "SELECT count(*) FROM sessions") + $(src "SELECT count(*) FROM training_sessions") - ds ))" ]
	[ "$(pgq "$DB" "SELECT count(*) FROM sessions_payment")" -eq "$(( $(src "SELECT count(*) FROM payments") + $(src "SELECT count(*) FROM payment_records") - dp ))" ]
	# every merge listed in the audit: two v1 rows per merged v2 row
	[ "$(( $(wc -l < "$RUN/audit/sessions_session_merged.csv") - 1 ))" -eq $((2 * ds)) ]
	[ "$(( $(wc -l < "$RUN/audit/sessions_payment_merged.csv") - 1 ))" -eq $((2 * dp)) ]
	# no session or payment lost its trainer; where v1 had none, the client's
	[ "$(pgq "$DB" "SELECT count(*) FROM sessions_session s JOIN clients_client c ON c.id = s.client_id WHERE s.trainer_id <> c.trainer_id")" -le "$(src "SELECT count(*) FROM sessions s JOIN clients c ON c.id = s.client_id WHERE s.trainer_id <> c.trainer_id")" ]
	# unique e-mails, case-insensitively; the seed's reviewed choice for criminal
	[ "$(pgq "$DB" "SELECT count(*) - count(DISTINCT lower(email)) FROM accounts_user")" -eq 0 ]
	[ "$(pgq "$DB" "SELECT email FROM accounts_user WHERE username = 'criminal'")" = criminal@example.com ]
	[ "$(pgq "$DB" "SELECT email FROM accounts_user WHERE username = 'jaesun9090'")" = jaesun9090@gmail.com ]
	# no orphans
	[ "$(pgq "$DB" "SELECT count(*) FROM clients_client c LEFT JOIN accounts_user u ON u.id = c.trainer_id WHERE u.id IS NULL")" -eq 0 ]
	for t in assessments_assessment sessions_sessionpackage sessions_session sessions_payment; do
		[ "$(pgq "$DB" "SELECT count(*) FROM $t x LEFT JOIN clients_client c ON c.id = x.client_id LEFT JOIN accounts_user u ON u.id = x.trainer_id WHERE c.id IS NULL OR u.id IS NULL")" -eq 0 ]
	done
	# Django's bcrypt hasher format, and the kept hash checks a known password
	[ "$(pgq "$DB" "SELECT count(*) FROM accounts_user WHERE password !~ '^bcrypt\\\$\\\$2b\\\$04\\\$[./A-Za-z0-9]{53}\$'")" -eq 0 ]
	h=$(pgq "$DB" "SELECT substr(password, 8) FROM accounts_user WHERE username = 'jaesun9090'")
	[ "$(perl -e 'print crypt($ARGV[0], $ARGV[1])' studio-pw-0 "$h")" = "$h" ]
	# naive Seoul times are UTC+9 in the target
	[ "$(pgq "$DB" "SELECT count(*) FROM accounts_user WHERE to_char(date_joined AT TIME ZONE 'Asia/Seoul', 'YYYY-MM-DD HH24:MI:SS') <> '' AND id = 1")" -eq 1 ]
	[ "$(pgq "$DB" "SELECT to_char(date_joined AT TIME ZONE 'Asia/Seoul', 'YYYY-MM-DD HH24:MI:SS') FROM accounts_user WHERE id = 1")" = "$(src "SELECT created_at FROM trainers WHERE id = 1")" ]
	# names split, superuser from the reviewed file
	[ "$(pgq "$DB" "SELECT count(*) FROM accounts_user WHERE is_superuser")" -eq "$(src "SELECT count(*) FROM trainers WHERE username = 'admin'")" ]
	[ "$(pgq "$DB" "SELECT count(*) FROM accounts_user u WHERE trim(first_name || ' ' || last_name) = ''")" -eq 0 ]
	grep -q '^  "failed": 0,$' "$RUN/validation_report.json"
}

@test "fitness e2e: the seed's 42 rows: dry run, migrate, verify, the acceptance list" {
	setup_db 1
	fit RUN="$RUN" dry-run
	[ "$(pgq "$DB" "SELECT count(*) FROM accounts_user")" -eq 0 ]
	[ -s "$RUN/pre_migration_report.json" ]
	fit RUN="$RUN" -j2 migrate
	fit RUN="$RUN" verify
	assert_migrated
	# the seed's rows: session 3 and payment 2 had no trainer (their clients'
	# are 7 and 4); training session 2 (trainer missing, notes retyped) and
	# payment record 1 are duplicates merged into session 2 and payment 3
	[ "$(pgq "$DB" "SELECT trainer_id FROM sessions_session WHERE client_id = 3")" -eq 7 ]
	[ "$(pgq "$DB" "SELECT trainer_id FROM sessions_payment WHERE client_id = 2")" -eq 4 ]
	[ "$(pgq "$DB" "SELECT count(*) FROM sessions_session")" -eq 5 ]
	[ "$(pgq "$DB" "SELECT count(*) FROM sessions_payment")" -eq 5 ]
	grep -qx '2,training_sessions,2' "$RUN/audit/sessions_session_merged.csv"
	grep -qx '3,payment_records,1' "$RUN/audit/sessions_payment_merged.csv"
	grep -q 'sessions_session.*5 rows' "$RUN/verify.out"
	# identity sequences are past the loaded ids: the application's next INSERT works
	pgq "$DB" "INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined, failed_login_attempts)
		VALUES ('!', false, 'newbie', 'New', 'Bie', 'newbie@example.com', false, true, now(), 0)" >/dev/null
	[ "$(pgq "$DB" "SELECT id FROM accounts_user WHERE username = 'newbie'")" -eq 8 ]
	pgq "$DB" "INSERT INTO clients_client (name, goals, created_at, updated_at, trainer_id) VALUES ('x', '', now(), now(), 1)" >/dev/null
	[ "$(pgq "$DB" "SELECT max(id) FROM clients_client")" -eq 11 ]
	pgq "$DB" "INSERT INTO sessions_session (session_date, duration, session_type, credits_used, status, notes, created_at, client_id, trainer_id)
		VALUES (now(), 60, 'PT', 1, 'completed', '', now(), 1, 1)" >/dev/null
	[ "$(pgq "$DB" "SELECT max(id) FROM sessions_session")" -eq 6 ]
	pgq "$DB" "INSERT INTO sessions_payment (amount, payment_method, payment_date, description, created_at, client_id, trainer_id)
		VALUES (10, 'cash', now(), '', now(), 1, 1)" >/dev/null
	[ "$(pgq "$DB" "SELECT max(id) FROM sessions_payment")" -eq 6 ]
	[ -s "$RUN/report.html" ]
	# the run log names no e-mail and no hash
	run grep -E '@|\$2b\$' "$RUN/run.log"
	[ "$status" -eq 1 ]
}

@test "fitness e2e: a second run changes nothing" {
	setup_db 1
	fit RUN="$RUN" migrate
	dump_dst > "$BATS_TEST_TMPDIR/before"
	fit RUN="$BATS_TEST_TMPDIR/run2" UPSERT=1 migrate
	dump_dst > "$BATS_TEST_TMPDIR/after"
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
	fit RUN="$RUN" verify
}

@test "fitness e2e: a killed run, resumed, ends as a clean run does" {
	setup_db 3
	# the reference: a clean run into a database of its own
	local ref=$DB
	DB=$(test_db fitref)
	pg_newdb "$DB"
	DST=$(pg_url "$DB")
	fit SCALE=3 RUN="$BATS_TEST_TMPDIR/ref" schema migrate
	dump_dst > "$BATS_TEST_TMPDIR/want"
	DB=$ref
	DST=$(pg_url "$DB")
	setsid make -s -C "$FIT" MIG_BIN="$MIG_BIN" DATA="$BATS_TEST_TMPDIR/data" SRC="$BATS_TEST_TMPDIR/data/v1.db" \
		DST="$DST" SCALE=3 RUN="$RUN" migrate >/dev/null 2>&1 &
	pid=$!
	for i in $(seq 1 200); do [ -e "$RUN/done/clients_client" ] && break; sleep 0.05; done
	kill -9 -- "-$pid" 2>/dev/null || true
	wait "$pid" || true
	[ ! -e "$RUN/done/sessions_feeauditlog" ]
	fit SCALE=3 RUN="$RUN" resume
	dump_dst > "$BATS_TEST_TMPDIR/got"
	assert_same "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
	fit SCALE=3 RUN="$RUN" verify
	assert_migrated
}
