#!/usr/bin/env bats
# pipelines/fitness at SCALE=10000 (420000 v1 rows, the seed's dirt in
# every block): migrate with make -j2, verify, the merge arithmetic, no
# orphans, unique e-mails, an INSERT after the load, and an UPSERT rerun
# that changes nothing; then a run killed while loading, resumed, ends as
# the clean run did.

load lib-common

FIT="$MIG_TOP/pipelines/fitness"

V2="accounts_user clients_client assessments_assessment sessions_sessionpackage sessions_session sessions_payment sessions_feeauditlog"

setup_file() {
	make -s -C "$FIT" all >/dev/null
	make -s -C "$FIT" MIG_BIN="$MIG_BIN" DATA="$BATS_FILE_TMPDIR/data" SCALE=10000 data
}

fit() {
	make -s -C "$FIT" MIG_BIN="$MIG_BIN" DATA="$BATS_FILE_TMPDIR/data" SRC="$BATS_FILE_TMPDIR/data/v1.db" DST="$DST" SCALE=10000 "$@"
}

src() { sqlite3 "$BATS_FILE_TMPDIR/data/v1.db" "$*"; }

dump_dst() {
	local t
	for t in $V2; do echo "== $t"; pgq "$DB" "SELECT * FROM $t ORDER BY id"; done
}

@test "fitness scale: SCALE=10000 migrates, verifies and reruns unchanged" {
	require_servers
	DB=$(test_db fitbig)
	pg_newdb "$DB"
	DST=$(pg_url "$DB")
	RUN=$BATS_TEST_TMPDIR/run
	[ "$(src "SELECT count(*) FROM trainers")" -eq 70000 ]
	fit RUN="$RUN" schema
	fit RUN="$RUN" -j2 migrate
	fit RUN="$RUN" verify
	grep -q '^  "failed": 0,$' "$RUN/validation_report.json"
	ds=$(src "SELECT count(*) FROM training_sessions WHERE (client_id, coalesce(package_id, -1), session_date) IN (SELECT client_id, coalesce(package_id, -1), session_date FROM sessions)")
	dp=$(src "SELECT count(*) FROM payment_records WHERE (client_id, coalesce(package_id, -1), payment_date, amount) IN (SELECT client_id, coalesce(package_id, -1), payment_date, amount FROM payments)")
	[ "$ds" -eq 20000 ] && [ "$dp" -eq 10000 ]
	[ "$(pgq "$DB" "SELECT count(*) FROM sessions_session")" -eq $((70000 - ds)) ]
	[ "$(pgq "$DB" "SELECT count(*) FROM sessions_payment")" -eq $((60000 - dp)) ]
	[ "$(pgq "$DB" "SELECT count(*) FROM accounts_user")" -eq 70000 ]
	[ "$(pgq "$DB" "SELECT count(*) - count(DISTINCT lower(email)) FROM accounts_user")" -eq 0 ]
	[ "$(pgq "$DB" "SELECT count(*) FROM sessions_session s LEFT JOIN accounts_user u ON u.id = s.trainer_id LEFT JOIN clients_client c ON c.id = s.client_id WHERE u.id IS NULL OR c.id IS NULL")" -eq 0 ]
	# the clean run, for the killed-and-resumed run below
	dump_dst > "$BATS_FILE_TMPDIR/want"
	pgq "$DB" "INSERT INTO sessions_payment (amount, payment_method, payment_date, description, created_at, client_id, trainer_id)
		VALUES (10, 'cash', now(), '', now(), 1, 1)" >/dev/null
	pgq "$DB" "DELETE FROM sessions_payment WHERE id = $((60000 - dp + 1))" >/dev/null
	sum() { pgq "$DB" "SELECT md5(string_agg(t::text, ',' ORDER BY id)) FROM $1 t"; }
	before="$(sum accounts_user) $(sum sessions_session) $(sum sessions_payment)"
	fit RUN="$BATS_TEST_TMPDIR/run2" UPSERT=1 -j2 migrate
	[ "$(sum accounts_user) $(sum sessions_session) $(sum sessions_payment)" = "$before" ]
}

@test "fitness scale: a run killed while loading, resumed, ends as the clean run did" {
	require_servers
	[ -s "$BATS_FILE_TMPDIR/want" ]	# the clean run of the test above
	DB=$(test_db fitcut)
	pg_newdb "$DB"
	DST=$(pg_url "$DB")
	RUN=$BATS_TEST_TMPDIR/run
	fit RUN="$RUN" schema
	setsid make -s -C "$FIT" MIG_BIN="$MIG_BIN" DATA="$BATS_FILE_TMPDIR/data" SRC="$BATS_FILE_TMPDIR/data/v1.db" \
		DST="$DST" SCALE=10000 RUN="$RUN" -j2 migrate >/dev/null 2>&1 &
	pid=$!
	# kill once the users are in and the rest is under way
	for i in $(seq 1 1200); do [ -e "$RUN/done/accounts_user" ] && break; sleep 0.1; done
	[ -e "$RUN/done/accounts_user" ]
	sleep 1
	kill -9 -- "-$pid" 2>/dev/null || true
	wait "$pid" || true
	[ ! -e "$RUN/done/sessions_payment" ] || [ ! -e "$RUN/done/sessions_session" ]
	fit RUN="$RUN" resume
	dump_dst > "$BATS_TEST_TMPDIR/got"
	assert_same "$BATS_FILE_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
	fit RUN="$RUN" verify
	grep -q '^  "failed": 0,$' "$RUN/validation_report.json"
}
