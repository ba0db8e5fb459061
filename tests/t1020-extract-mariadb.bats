#!/usr/bin/env bats
# mig-extract from MariaDB: type fidelity and the type decisions of mig-extract(1).

load lib-common

setup() {
	require_servers
	db=$(test_db)
	my_newdb "$db"
	mariadb --no-defaults --default-character-set=utf8mb4 -S "$MIG_MY_SOCK" -uroot "$db" <"$DATA/extract/my-types.sql"
	url=$(my_url "$db")
}

@test "every type, exact expected stream (zero dates NULL and counted)" {
	run -0 --separate-stderr mig-extract "$url" types
	echo "$output" >"$BATS_TEST_TMPDIR/out"
	assert_same "$DATA/extract/my-types.expected" "$BATS_TEST_TMPDIR/out"
	[ -z "$stderr" ]
}

@test "values match the server's own view of them" {
	mig-extract -F ndjson "$url" types:id,ubi,dc,bl,l1,j >"$BATS_TEST_TMPDIR/nd"
	# unsigned bigint and DECIMAL(65,30) as exact text
	grep -q '"ubi":18446744073709551615,"dc":12345678901234567890123456789012345.123456789012345678901234567890' "$BATS_TEST_TMPDIR/nd"
	# BLOB as hex, the same hex the server computes
	hex=$(myq "$db" "SELECT LOWER(HEX(bl)) FROM types WHERE id = 1")
	grep -q "\"bl\":\"\\\\\\\\x$hex\"" "$BATS_TEST_TMPDIR/nd"
	# latin1 column arrives as UTF-8
	grep -q '"l1":"café"' "$BATS_TEST_TMPDIR/nd"
}

@test "--zero-date error stops at the first zero date, naming tag, row and column" {
	run -1 --separate-stderr mig-extract --zero-date error "$url" types
	[ "$stderr" = "mig-extract: types:2: column 'd': zero date (use --zero-date null)" ]
}

@test "tinyint(1): bool by default, an error for other values, int on request" {
	myq "$db" "UPDATE types SET b = 2 WHERE id = 2"
	run -1 --separate-stderr mig-extract "$url" types:id,b
	[ "$stderr" = "mig-extract: types:2: column 'b': tinyint(1) value other than 0 or 1 (use --tinyint1 int)" ]
	run -0 mig-extract --tinyint1 int "$url" types:id,b
	[ "${lines[2]}" = "@types,id:int,b:int" ]
	[ "${lines[4]}" = "types,2,2" ]
}

@test "--show-values adds the value to a data error" {
	myq "$db" "CREATE TABLE tm (id int PRIMARY KEY, t time); INSERT INTO tm VALUES (1, '25:00:00')"
	run -1 --separate-stderr mig-extract --show-values "$url" tm
	[ "$stderr" = "mig-extract: tm:1: column 't': TIME value outside 00:00:00-23:59:59: '25:00:00'" ]
}

@test "--schema: keys, foreign keys, indexes, JSON column" {
	myq "$db" "CREATE TABLE parent (id bigint unsigned PRIMARY KEY, code varchar(10) UNIQUE, KEY code3 (code(3)));
		CREATE TABLE kid (id int PRIMARY KEY, pid bigint unsigned, CONSTRAINT kid_parent FOREIGN KEY (pid) REFERENCES parent (id) ON DELETE CASCADE)"
	run -0 mig-extract --schema "$url" parent kid
	echo "$output" >"$BATS_TEST_TMPDIR/out.json"
	[ "$(jq -c '.tables[0] | [.primary_key, .unique, .indexes]' "$BATS_TEST_TMPDIR/out.json")" = '[{"name":"PRIMARY","columns":["id"]},[{"name":"code","columns":["code"]}],[{"name":"code3","unique":false,"columns":["code"],"def":"CREATE INDEX `code3` ON `parent` (`code`(3))"}]]' ]
	[ "$(jq -c '.tables[1].foreign_keys' "$BATS_TEST_TMPDIR/out.json")" = '[{"name":"kid_parent","columns":["pid"],"ref_schema":null,"ref_table":"parent","ref_columns":["id"],"on_delete":"CASCADE","on_update":"RESTRICT","def":"FOREIGN KEY (`pid`) REFERENCES `parent` (`id`) ON DELETE CASCADE ON UPDATE RESTRICT"}]' ]
	run -0 mig-extract --schema "$url" types
	[ "$(echo "$output" | jq -r '.tables[0].columns[] | select(.name == "j") | .type')" = json ]
}

@test "--query: header types from the result metadata" {
	run -0 mig-extract -Q "q=SELECT id, dc2, bl, ts FROM types WHERE id = 1" "$url"
	[ "$output" = '#!mig-stream 1
@q,id:int,dc2:numeric,bl:bytes,ts:timestamptz
q,1,-0.50,\x00ff10,2024-06-01 10:00:00+00
#!stats mig-extract q in=1 out=1 dropped=0 rejected=0' ]
}
