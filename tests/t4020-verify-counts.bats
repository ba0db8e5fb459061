#!/usr/bin/env bats
# mig-verify counts: row counts with mapping rules, PostgreSQL source,
# MariaDB target (seed 001's split of users into users and patients).
load lib-common

V=$DATA/verify

setup() {
	require_servers
	src=$(test_db s); pg_newdb "$src"; pgq "$src" "$(cat "$V/moh-src-pg.sql")"
	dst=$(test_db d); my_newdb "$dst"; myq "$dst" "$(cat "$V/moh-dst-my.sql")"
	S=$(pg_url "$src"); D=$(my_url "$dst")
}

@test "counts: split and filtered rules pass with both figures" {
	run -0 --separate-stderr mig-verify -s "$S" -t "$D" --report "$BATS_TEST_TMPDIR/r.json" \
		-e 'counts SRC.users = DST.users + DST.patients' \
		-e "counts SRC.users where role = 'PATIENT' = DST.patients" \
		-e "counts SRC.users where role <> 'PATIENT' and id + 0 > 0 = DST.users"
	[ "$output" = "ok    counts SRC.users = DST.users + DST.patients: 5 = 2 + 3
ok    counts SRC.users where role = 'PATIENT' = DST.patients: 3 = 3
ok    counts SRC.users where role <> 'PATIENT' and id + 0 > 0 = DST.users: 2 = 2
mig-verify: 3 passed, 0 failed, 0 errors" ]
	[ "$(jq -c '.checks[0] | [.left[0].rows, .right[0].rows, .right[1].rows, .difference]' "$BATS_TEST_TMPDIR/r.json")" = "[5,2,3,0]" ]
	[ "$(jq -r '.checks[1].left[0].where' "$BATS_TEST_TMPDIR/r.json")" = "role = 'PATIENT'" ]
}

@test "counts: a deleted patient fails the rule, exit 1, both numbers shown" {
	myq "$dst" "DELETE FROM appointments; DELETE FROM patients WHERE legacy_id = 3"
	run -1 --separate-stderr mig-verify -s "$S" -t "$D" counts SRC.users = DST.users + DST.patients
	[ "$output" = "FAIL  counts SRC.users = DST.users + DST.patients: 5 != 2 + 2 (-1)
mig-verify: 0 passed, 1 failed, 0 errors" ]
}

@test "counts: a rule over one database only (plain ALIAS.table on both sides)" {
	run -0 mig-verify -t "$D" counts DST.patients = DST.appointments
	myq "$dst" "DELETE FROM appointments WHERE id = 12"
	run -1 mig-verify -q -t "$D" counts DST.patients = DST.appointments
}

@test "counts: user aliases from --db and from a checks file" {
	cat > "$BATS_TEST_TMPDIR/c.mig" <<-EOT
	db old_moh $S
	db new_moh $D
	counts old_moh.users = new_moh.users + new_moh.patients
	EOT
	run -0 --separate-stderr mig-verify -f "$BATS_TEST_TMPDIR/c.mig"
	[[ "$output" == "ok    counts old_moh.users = new_moh.users + new_moh.patients: 5 = 2 + 3"* ]]
}

@test "counts: more than one '=' is a malformed rule" {
	run -2 --separate-stderr mig-verify -s "$S" -t "$D" counts SRC.users = DST.users = DST.patients
	[[ "$stderr" == *"<command line>: counts: more than one '='"* ]]
}
