#!/usr/bin/env bats
# mig-extract from SQLite: dynamic typing brought to canonical text, Sakila whole.

load lib-common

setup() {
	sq="$BATS_TEST_TMPDIR/types.db"
	sqlite3 "$sq" <"$DATA/extract/sqlite-types.sql"
}

@test "every declared type and storage class, exact expected stream" {
	run -0 --separate-stderr mig-extract "$sq" types
	echo "$output" >"$BATS_TEST_TMPDIR/out"
	assert_same "$DATA/extract/sqlite-types.expected" "$BATS_TEST_TMPDIR/out"
	[ -z "$stderr" ]
}

@test "text that is not an integer in an INTEGER column is a data error" {
	sqlite3 "$sq" "INSERT INTO types (id, i) VALUES (5, 'x1')"
	run -1 --separate-stderr mig-extract "$sq" types
	[ "$stderr" = "mig-extract: types:5: column 'i': text that is not an integer in an integer column" ]
}

@test "a zone on a naive TIMESTAMP column is refused, not guessed" {
	sqlite3 "$sq" "INSERT INTO types (id, ts) VALUES (5, '2024-01-02 03:04:05+02:00')"
	run -1 --separate-stderr mig-extract --show-values "sqlite:$sq" types
	[ "$stderr" = "mig-extract: types:5: column 'ts': text that is not a timestamp without zone: '2024-01-02 03:04:05+02:00'" ]
}

@test "--schema: INTEGER PRIMARY KEY, UNIQUE, foreign keys to the parent's key" {
	db="$BATS_TEST_TMPDIR/k.db"
	sqlite3 "$db" "CREATE TABLE p (id INTEGER PRIMARY KEY, code TEXT UNIQUE);
		CREATE TABLE k (a INT, b TEXT, pid INT REFERENCES p ON DELETE CASCADE, PRIMARY KEY (a, b));
		CREATE INDEX k_pid ON k (pid)"
	run -0 mig-extract --schema "$db"
	echo "$output" >"$BATS_TEST_TMPDIR/out.json"
	[ "$(jq -c '[.tables[].name]' "$BATS_TEST_TMPDIR/out.json")" = '["k","p"]' ]
	[ "$(jq -c '.tables[0] | [.primary_key.columns, .foreign_keys[0].ref_columns, .foreign_keys[0].on_delete, .indexes[0].def]' "$BATS_TEST_TMPDIR/out.json")" = '[["a","b"],["id"],"CASCADE","CREATE INDEX k_pid ON k (pid)"]' ]
	[ "$(jq -c '.tables[1] | [.columns[0].notnull, .unique]' "$BATS_TEST_TMPDIR/out.json")" = '[true,[{"name":null,"columns":["code"]}]]' ]
}

@test "Sakila: every table whole, row counts as sqlite3 counts them" {
	sak=/work/shared/datasets/sakila/sqlite/sakila.db
	[ -r "$sak" ] || skip "no Sakila SQLite file"
	tables=$(sqlite3 "$sak" "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' ORDER BY name")
	# shellcheck disable=SC2086
	run -0 mig-extract "$sak" $tables
	echo "$output" >"$BATS_TEST_TMPDIR/all"
	for t in $tables; do
		want=$(sqlite3 "$sak" "SELECT count(*) FROM \"$t\"")
		grep -qx "#!stats mig-extract $t in=$want out=$want dropped=0 rejected=0" "$BATS_TEST_TMPDIR/all"
	done
	# the stream reads back whole
	"$MIG_BUILD/tests/unit/streamcat" "$BATS_TEST_TMPDIR/all" >"$BATS_TEST_TMPDIR/back"
	assert_same "$BATS_TEST_TMPDIR/all" "$BATS_TEST_TMPDIR/back"
}
