#!/usr/bin/env bats
# mig-extract --schema: the catalog of each dialect as JSON (SCHEMA OUTPUT).

load lib-common

setup() {
	require_servers
}

@test "postgresql: columns, keys, foreign keys, indexes, estimate" {
	db=$(test_db)
	pg_newdb "$db"
	pgq "$db" "$(cat "$DATA/extract/pg-schema.sql")" >/dev/null
	run -0 --separate-stderr mig-extract --schema "$(pg_url "$db")" parent kid
	echo "$output" >"$BATS_TEST_TMPDIR/out.json"
	assert_same "$DATA/extract/pg-schema.json" "$BATS_TEST_TMPDIR/out.json"
}

@test "postgresql: every table when none is named" {
	db=$(test_db)
	pg_newdb "$db"
	pgq "$db" "$(cat "$DATA/extract/pg-schema.sql")" >/dev/null
	run -0 mig-extract --schema "$(pg_url "$db")"
	[ "$(echo "$output" | jq -r '.tables[].name' | tr '\n' ' ')" = "kid parent " ]
}

@test "postgresql: an unknown table is a database error naming it" {
	db=$(test_db)
	pg_newdb "$db"
	run -3 --separate-stderr mig-extract --schema "$(pg_url "$db")" nosuch
	[ "$stderr" = "mig-extract: $(pg_url "$db"): table 'nosuch' does not exist" ]
}

@test "every table leaves out mig-load's own _mig_ bookkeeping tables" {
	db=$(test_db)
	pg_newdb "$db"
	pgq "$db" "CREATE TABLE users (id int PRIMARY KEY); CREATE TABLE _mig_load_checkpoint (tag text PRIMARY KEY)" >/dev/null
	run -0 mig-extract --schema "$(pg_url "$db")"
	[ "$(echo "$output" | jq -r '.tables[].name' | tr '\n' ' ')" = "users " ]
	run -0 mig-extract --schema "$(pg_url "$db")" _mig_load_checkpoint
	[ "$(echo "$output" | jq -r '.tables[].name')" = "_mig_load_checkpoint" ]
}
