#!/usr/bin/env bats
# pipelines/fitness at SCALE=10000 (420000 v1 rows, the seed's dirt in
# every block): migrate with make -j2, verify, the merge arithmetic, no
# orphans, unique e-mails, an INSERT after the load, and an UPSERT rerun
# that changes nothing.

load lib-common

FIT="$MIG_TOP/pipelines/fitness"

fit() {
	make -s -C "$FIT" MIG_BIN="$MIG_BIN" DATA="$BATS_TEST_TMPDIR/data" SRC="$BATS_TEST_TMPDIR/data/v1.db" DST="$DST" SCALE=10000 "$@"
}

src() { sqlite3 "$BATS_TEST_TMPDIR/data/v1.db" "$*"; }

@test "fitness scale: SCALE=10000 migrates, verifies and reruns unchanged" {
	require_servers
	make -s -C "$FIT" all >/dev/null
	DB=$(test_db fitbig)
	pg_newdb "$DB"
	DST=$(pg_url "$DB")
	RUN=$BATS_TEST_TMPDIR/run
	fit data
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
	pgq "$DB" "INSERT INTO sessions_payment (amount, payment_method, payment_date, description, created_at, client_id, trainer_id)
		VALUES (10, 'cash', now(), '', now(), 1, 1)" >/dev/null
	pgq "$DB" "DELETE FROM sessions_payment WHERE id = $((60000 - dp + 1))" >/dev/null
	sum() { pgq "$DB" "SELECT md5(string_agg(t::text, ',' ORDER BY id)) FROM $1 t"; }
	before="$(sum accounts_user) $(sum sessions_session) $(sum sessions_payment)"
	fit RUN="$BATS_TEST_TMPDIR/run2" UPSERT=1 -j2 migrate
	[ "$(sum accounts_user) $(sum sessions_session) $(sum sessions_payment)" = "$before" ]
}
