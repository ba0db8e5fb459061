#!/usr/bin/env bats
# mig-verify crosswalk: old->new key files are functions, injective,
# complete against the source and present in the target.
load lib-common

V=$DATA/verify

setup() {
	require_servers
	src=$(test_db s); pg_newdb "$src"; pgq "$src" "$(cat "$V/moh-src-pg.sql")"
	dst=$(test_db d); my_newdb "$dst"; myq "$dst" "$(cat "$V/moh-dst-my.sql")"
	S=$(pg_url "$src"); D=$(my_url "$dst")
	X=$BATS_TEST_TMPDIR/patients.csv
	cp "$V/patients.csv" "$X"
	rule="crosswalk $X SRC.users(id) where role = 'PATIENT' -> DST.patients(id)"
}

@test "crosswalk: complete, one-to-one, all present" {
	run -0 --separate-stderr mig-verify -s "$S" -t "$D" --report "$BATS_TEST_TMPDIR/r.json" -e "$rule"
	[ "$output" = "ok    $rule: 3 rows; 3 source keys; one-to-one, complete, all present
mig-verify: 1 passed, 0 failed, 0 errors" ]
	[ "$(jq -c '.checks[0] | [.function, .injective, .complete, .present, .rows]' "$BATS_TEST_TMPDIR/r.json")" = "[true,true,true,true,3]" ]
}

@test "crosswalk: a missing row is named (incomplete)" {
	sed -i '/^3,/d' "$X"
	run -1 --separate-stderr mig-verify -s "$S" -t "$D" -e "$rule"
	[ "$output" = "FAIL  $rule: 2 rows, 3 source keys: 0 old keys repeated, 0 new keys repeated, 1 source keys missing, 0 unknown old keys, 0 new keys not in the target
    source key 3 has no crosswalk row (incomplete)
mig-verify: 0 passed, 1 failed, 0 errors" ]
}

@test "crosswalk: an old key twice is not a function" {
	echo "3,6f1c5a3e-0000-4000-8000-000000000005" >> "$X"
	run -1 --separate-stderr mig-verify -s "$S" -t "$D" -e "$rule"
	[[ "$output" == *"    old key 3 appears more than once (not a function)"* ]]
	[[ "$output" == *"    new key 6f1c5a3e-0000-4000-8000-000000000005 appears more than once (not injective)"* ]]
}

@test "crosswalk: a shared new key passes when declared many-to-one (dedupe)" {
	pgq "$src" "INSERT INTO users VALUES (6, 'PATIENT', 'Ed Fox', 'ed@example.org')"
	echo "6,6f1c5a3e-0000-4000-8000-000000000005" >> "$X"
	run -1 mig-verify -s "$S" -t "$D" -e "$rule"
	run -0 mig-verify -s "$S" -t "$D" -e "$rule many-to-one"
}

@test "crosswalk: an old key the source does not have, a new key the target does not have" {
	echo "99,6F1C5A3E-0000-4000-8000-000000000099" >> "$X"
	run -1 --separate-stderr mig-verify -s "$S" -t "$D" -e "$rule"
	[[ "$output" == *"    old key 99 is not a key of the source set"* ]]
	[[ "$output" == *"    new key 6f1c5a3e-0000-4000-8000-000000000099 is not in the target table"* ]]
	[[ "$output" == *"1 unknown old keys, 1 new keys not in the target"* ]]
}

@test "crosswalk: a patient deleted from the target" {
	myq "$dst" "DELETE FROM appointments; DELETE FROM patients WHERE legacy_id = 5"
	run -1 --separate-stderr mig-verify -s "$S" -t "$D" -e "$rule"
	[[ "$output" == *"    new key 6f1c5a3e-0000-4000-8000-000000000005 is not in the target table"* ]]
}

@test "crosswalk: a file without its header, keys with leading zeros" {
	printf '002,6f1c5a3e-0000-4000-8000-000000000002\n3,6f1c5a3e-0000-4000-8000-000000000003\n5,6f1c5a3e-0000-4000-8000-000000000005\n' > "$X"
	run -0 mig-verify -s "$S" -t "$D" -e "$rule"
}

@test "crosswalk: malformed rule and unreadable file" {
	run -2 --separate-stderr mig-verify -s "$S" -t "$D" crosswalk "$X" users
	[[ "$stderr" == *"crosswalk: expected 'crosswalk FILE [SRC.]TABLE(COL) [where COND] -> [DST.]TABLE(COL)'"* ]]
	run -2 --separate-stderr mig-verify -s "$S" -t "$D" crosswalk /nonexistent.csv 'users(id)' '->' 'patients(id)'
	[[ "$stderr" == *"/nonexistent.csv: cannot open: No such file or directory"* ]]
}
