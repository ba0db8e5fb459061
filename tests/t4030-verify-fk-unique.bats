#!/usr/bin/env bats
# mig-verify fk and unique: orphans per foreign key and duplicates per key,
# from the target's catalog, after a load with constraints off.
load lib-common

V=$DATA/verify

setup() {
	require_servers
}

my_target() {
	dst=$(test_db d); my_newdb "$dst"; myq "$dst" "$(cat "$V/moh-dst-my.sql")"
	D=$(my_url "$dst")
}

@test "fk: no orphans in MariaDB passes" {
	my_target
	run -0 --separate-stderr mig-verify -t "$D" fk
	[ "$output" = "ok    fk: 1 foreign keys, no orphans
mig-verify: 1 passed, 0 failed, 0 errors" ]
}

@test "fk: an orphan loaded with checks off is counted and its missing parent named (MariaDB)" {
	my_target
	myq "$dst" "SET foreign_key_checks = 0; INSERT INTO appointments VALUES (13, 'no-such-patient', NULL), (14, NULL, NULL)"
	run -1 --separate-stderr mig-verify -t "$D" --report "$BATS_TEST_TMPDIR/r.json" fk DST appointments
	[ "$output" = "FAIL  fk DST appointments: 1 of 1 foreign keys have orphans (1 rows)
    appointments.appointments_patient -> patients: 1 orphans; missing parents: no-such-patient
mig-verify: 0 passed, 1 failed, 0 errors" ]
	[ "$(jq -c '.checks[0].constraints[0] | [.constraint, .orphans]' "$BATS_TEST_TMPDIR/r.json")" = '["appointments_patient",1]' ]
}

@test "fk: an orphan in PostgreSQL with triggers off, composite key" {
	db=$(test_db); pg_newdb "$db"
	pgq "$db" "CREATE TABLE p (a int, b text, PRIMARY KEY (a, b));
		CREATE TABLE c (id int PRIMARY KEY, pa int, pb text, CONSTRAINT c_p FOREIGN KEY (pa, pb) REFERENCES p (a, b));
		INSERT INTO p VALUES (1, 'x'); INSERT INTO c VALUES (1, 1, 'x'), (2, NULL, 'y')"
	run -0 mig-verify -t "$(pg_url "$db")" fk
	pgq "$db" "SET session_replication_role = replica; INSERT INTO c VALUES (3, 1, 'y')"
	run -1 --separate-stderr mig-verify -t "$(pg_url "$db")" fk DST.c
	[[ "$output" == *"c.c_p -> p: 1 orphans; missing parents: 1,y"* ]]
}

@test "fk: SQLite, where foreign keys are off unless asked" {
	sqlite3 "$BATS_TEST_TMPDIR/t.db" "CREATE TABLE p (id integer PRIMARY KEY);
		CREATE TABLE c (id integer PRIMARY KEY, p_id integer REFERENCES p (id));
		INSERT INTO p VALUES (1); INSERT INTO c VALUES (1, 1), (2, 7);"
	run -1 --separate-stderr mig-verify -t "$BATS_TEST_TMPDIR/t.db" fk
	[[ "$output" == *"1 of 1 foreign keys have orphans (1 rows)"* ]]
	[[ "$output" == *"missing parents: 7"* ]]
}

@test "unique: every constraint of the catalog passes" {
	my_target
	run -0 --separate-stderr mig-verify -t "$D" unique
	[ "$output" = "ok    unique: 5 keys, no duplicates
mig-verify: 1 passed, 0 failed, 0 errors" ]
}

@test "unique: a duplicate on named columns fails; values only with --show-values" {
	my_target
	myq "$dst" "INSERT INTO users VALUES (7, 'NURSE', 'Ann Lee', NULL)"
	run -1 --separate-stderr mig-verify -t "$D" unique 'DST.users(full_name)' 'users(role,full_name)'
	[ "$output" = "FAIL  unique DST.users(full_name) users(role,full_name): 1 of 2 keys have duplicates (1 extra rows)
    columns users(full_name): 1 values held by more than one row (1 extra rows)
mig-verify: 0 passed, 1 failed, 0 errors" ]
	run -1 --separate-stderr mig-verify --show-values -t "$D" unique 'users(full_name)'
	[[ "$output" == *"columns users(full_name): 1 values held by more than one row (1 extra rows): Ann Lee"* ]]
}

@test "unique: duplicates in SQLite" {
	sqlite3 "$BATS_TEST_TMPDIR/t.db" "CREATE TABLE t (id int, email text); INSERT INTO t VALUES (1, 'a'), (1, 'b'), (2, 'c');"
	run -1 --separate-stderr mig-verify -t "$BATS_TEST_TMPDIR/t.db" unique 't(id)' 't(email)'
	[[ "$output" == *"1 of 2 keys have duplicates"* ]]
}

@test "unique: an unknown table is a database error (exit 3)" {
	my_target
	run -3 --separate-stderr mig-verify -t "$D" unique nope
	[[ "$stderr" == *"<command line>: unique: no table 'nope' in DST"* ]]
}

@test "fk and unique: constraints dropped for a load are checked from the schema saved before it" {
	db=$(test_db); pg_newdb "$db"; url=$(pg_url "$db")
	pgq "$db" "CREATE TABLE p (id int PRIMARY KEY, email text UNIQUE);
		CREATE TABLE c (id int PRIMARY KEY, p_id int CONSTRAINT c_p REFERENCES p (id));
		INSERT INTO p VALUES (1, 'a'), (2, 'b'); INSERT INTO c VALUES (1, 1)"
	mig-extract --schema "$url" > "$BATS_TEST_TMPDIR/before.json"
	pgq "$db" "ALTER TABLE c DROP CONSTRAINT c_p; ALTER TABLE p DROP CONSTRAINT p_email_key;
		INSERT INTO c VALUES (2, 9); INSERT INTO p VALUES (3, 'a')"
	run -0 mig-verify -t "$url" fk
	run -0 mig-verify -t "$url" unique
	run -1 --separate-stderr mig-verify -t "$url" fk "schema=$BATS_TEST_TMPDIR/before.json"
	[[ "$output" == *"    c.c_p -> p: 1 orphans; missing parents: 9"* ]]
	run -1 --separate-stderr mig-verify -t "$url" unique DST "schema=$BATS_TEST_TMPDIR/before.json"
	[[ "$output" == *"    unique p(email): 1 values held by more than one row (1 extra rows)"$'\n'* ]]
}
