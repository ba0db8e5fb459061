#!/usr/bin/env bats
# The array type: loaded as text[] into PostgreSQL and as JSON arrays into
# MariaDB and SQLite; mig-verify compares it exactly against each.
load lib-common
bats_require_minimum_version 1.5.0

stream() {
	printf '%s\n' '@f,id:int,features:array' \
		'f,1,"{Trailers,NULL,""Deleted Scenes"",""q\""x"",Zoë}"' 'f,2,{}' 'f,3,' >"$BATS_TEST_TMPDIR/f.csv"
}

@test "SQLite: an array column holds a JSON array; verify matches and sees a change" {
	stream
	f="$BATS_TEST_TMPDIR/a.db"
	sqlite3 "$f" "CREATE TABLE f (id integer PRIMARY KEY, features text)"
	run -0 mig-load -q "sqlite:$f" "$BATS_TEST_TMPDIR/f.csv"
	[ "$(sqlite3 "$f" "SELECT features FROM f WHERE id = 1")" = '["Trailers",null,"Deleted Scenes","q\"x","Zoë"]' ]
	[ "$(sqlite3 "$f" "SELECT features FROM f WHERE id = 2")" = '[]' ]
	[ "$(sqlite3 "$f" "SELECT count(*) FROM f WHERE id = 3 AND features IS NULL")" = 1 ]
	run -0 mig-verify -q -t "sqlite:$f" -e "stream $BATS_TEST_TMPDIR/f.csv"
	sqlite3 "$f" "UPDATE f SET features = '[\"Trailers\",null,\"Deleted Scenes\",\"q\\\"x\",\"Zoe\"]' WHERE id = 1"
	run -1 mig-verify -q -t "sqlite:$f" -e "stream $BATS_TEST_TMPDIR/f.csv"
	[[ "$output" = *"f: id=1: changed: features"* ]]
}

@test "PostgreSQL: an array column is a text[]; verify matches PostgreSQL's own spelling" {
	require_servers
	db=$(test_db)
	stream
	pg_newdb "$db"
	pgq "$db" "CREATE TABLE f (id int PRIMARY KEY, features text[])"
	run -0 mig-load -q "$(pg_url "$db")" "$BATS_TEST_TMPDIR/f.csv"
	[ "$(pgq "$db" "SELECT array_length(features, 1), features[3], features[2] IS NULL FROM f WHERE id = 1")" = $'5\tDeleted Scenes\tt' ]
	[ "$(pgq "$db" "SELECT cardinality(features) FROM f WHERE id = 2")" = 0 ]
	run -0 mig-verify -q -t "$(pg_url "$db")" -e "stream $BATS_TEST_TMPDIR/f.csv"
	pgq "$db" "UPDATE f SET features = '{x}' WHERE id = 2"
	run -1 mig-verify -q -t "$(pg_url "$db")" -e "stream $BATS_TEST_TMPDIR/f.csv"
	[[ "$output" = *"f: id=2: changed: features"* ]]
}

@test "MariaDB: an array column holds a JSON array; verify matches" {
	require_servers
	db=$(test_db)
	stream
	my_newdb "$db"
	myq "$db" "CREATE TABLE f (id int PRIMARY KEY, features json)"
	run -0 mig-load -q "$(my_url "$db")" "$BATS_TEST_TMPDIR/f.csv"
	[ "$(myq "$db" "SELECT JSON_LENGTH(features), JSON_UNQUOTE(JSON_EXTRACT(features, '\$[2]')) FROM f WHERE id = 1")" = $'5\tDeleted Scenes' ]
	run -0 mig-verify -q -t "$(my_url "$db")" -e "stream $BATS_TEST_TMPDIR/f.csv"
}

@test "NDJSON: a JSON array in an array column is read as that array, and loads into a text[]" {
	require_servers
	db=$(test_db)
	printf '%s\n' '{"type":"SCHEMA","stream":"f","schema":{"type":"object","properties":{"id":{"type":"integer"},"features":{"x-mig-type":"array"}}},"key_properties":["id"]}' \
		'{"type":"RECORD","stream":"f","record":{"id":1,"features":["Trailers",null,"Deleted Scenes","q\"x","Zoë"]}}' \
		'{"type":"RECORD","stream":"f","record":{"id":2,"features":[]}}' >"$BATS_TEST_TMPDIR/f.ndjson"
	# the same records as the tagged CSV of stream(): the same canonical text
	stream
	mig-map -q -e 'f -> f' <"$BATS_TEST_TMPDIR/f.ndjson" | grep '^f,' >"$BATS_TEST_TMPDIR/got"
	grep '^f,[12],' "$BATS_TEST_TMPDIR/f.csv" | diff - "$BATS_TEST_TMPDIR/got"
	pg_newdb "$db"
	pgq "$db" "CREATE TABLE f (id int PRIMARY KEY, features text[])"
	run -0 mig-load -q "$(pg_url "$db")" "$BATS_TEST_TMPDIR/f.ndjson"
	[ "$(pgq "$db" "SELECT array_length(features, 1), features[3], features[2] IS NULL FROM f WHERE id = 1")" = $'5\tDeleted Scenes\tt' ]
	# an array of arrays is not an array column's value: the row and column named
	printf '%s\n' '{"type":"SCHEMA","stream":"f","schema":{"type":"object","properties":{"id":{"type":"integer"},"features":{"x-mig-type":"array"}}}}' \
		'{"type":"RECORD","stream":"f","record":{"id":3,"features":[[1]]}}' >"$BATS_TEST_TMPDIR/bad.ndjson"
	run -1 --separate-stderr mig-load -q "$(pg_url "$db")" "$BATS_TEST_TMPDIR/bad.ndjson"
	[[ "$stderr" == *"bad.ndjson:2: stream 'f' row 1 column 'features': not an array of scalars"* ]]
}
