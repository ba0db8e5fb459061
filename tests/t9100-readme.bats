#!/usr/bin/env bats
# README.md's first pipeline, run as written against real servers.
load lib-common

setup() {
	require_servers
}

@test "README: the first pipeline splits, re-keys, loads and verifies" {
	local src dst
	src=$(test_db src)
	dst=$(test_db dst)
	my_newdb "$src"
	myq "$src" "CREATE TABLE users (id int PRIMARY KEY, role varchar(20) NOT NULL, full_name varchar(100), email varchar(100));
		INSERT INTO users VALUES (1,'DOCTOR','Ann Lee','ann@example.org'), (2,'PATIENT','Lee, Bo',NULL),
		(3,'PATIENT','Cy Moe',''), (4,'NURSE','Di Fox','di@example.org')"
	pg_newdb "$dst"
	pgq "$dst" "CREATE TABLE users (id int PRIMARY KEY, role text NOT NULL, full_name text, email text);
		CREATE TABLE patients (id char(36) PRIMARY KEY, full_name text, email text, legacy_user_id int UNIQUE)"

	# The indented block after "## A first pipeline", with the URLs swapped.
	local block srcurl dsturl
	block=$(sed -n '/^## A first pipeline/,/^## /p' "$MIG_TOP/README.md" | sed -n 's/^    //p')
	srcurl="'$(my_url "$src")'"
	dsturl="'$(pg_url "$dst")'"
	block=${block//mysql:\/\/app@db1\/old_moh/"$srcurl"}
	block=${block//postgresql:\/\/app@db2\/new_moh/"$dsturl"}
	printf '%s\n' "$block" > "$BATS_TEST_TMPDIR/pipeline.sh"
	grep -q mig-rekey "$BATS_TEST_TMPDIR/pipeline.sh"
	cd "$BATS_TEST_TMPDIR"
	mkdir run
	run bash -eu pipeline.sh
	[ "$status" -eq 0 ]
	[[ "$output" == *"mig-verify: 1 passed, 0 failed, 0 errors"* ]]

	[ "$(pgq "$dst" "SELECT string_agg(id::text, ',' ORDER BY id) FROM users")" = "1,4" ]
	[ "$(pgq "$dst" "SELECT string_agg(legacy_user_id || ':' || coalesce(email, 'NULL'), ',' ORDER BY legacy_user_id) FROM patients")" = "2:NULL,3:" ]
	[ "$(wc -l < old_user_id__to__new_patient_id.csv)" -eq 3 ]
	pgq "$dst" "SELECT legacy_user_id || ',' || id FROM patients ORDER BY legacy_user_id" > loaded
	tail -n +2 old_user_id__to__new_patient_id.csv | assert_same - loaded
	[ "$(grep -c '^patients,' run/users.mig)" -eq 2 ]
}
