#!/usr/bin/env bats
# mig-verify stream: a saved stream against the tables it was loaded into,
# every type read back from PostgreSQL, MariaDB and SQLite.
load lib-common

V=$DATA/verify

setup() {
	require_servers
}

pg_things() {
	db=$(test_db); pg_newdb "$db"
	pgq "$db" "$(cat "$V/things-pg.sql")"
	url=$(pg_url "$db")
}

my_things() {
	db=$(test_db); my_newdb "$db"
	myq "$db" "$(cat "$V/things-my.sql")"
	url=$(my_url "$db")
}

@test "stream: every type read back from PostgreSQL compares equal" {
	pg_things
	run -0 --separate-stderr mig-verify -t "$url" stream "$V/things.mig"
	[ "$output" = "ok    stream $V/things.mig: 1 tags, 3 rows, counts and checksums equal
mig-verify: 1 passed, 0 failed, 0 errors" ]
}

@test "stream: every type read back from MariaDB compares equal" {
	my_things
	run -0 --separate-stderr mig-verify -t "$url" stream "$V/things.mig"
	[[ "$output" == "ok    stream "*"1 tags, 3 rows, counts and checksums equal"* ]]
}

@test "stream: every type read back from SQLite compares equal" {
	sqlite3 "$BATS_TEST_TMPDIR/t.db" < "$V/things-sqlite.sql"
	run -0 --separate-stderr mig-verify -t "$BATS_TEST_TMPDIR/t.db" stream "$V/things.mig"
	[[ "$output" == "ok    stream "*"1 tags, 3 rows, counts and checksums equal"* ]]
}

@test "stream: an NDJSON stream compares like the CSV one" {
	pg_things
	"$MIG_BUILD/tests/unit/streamcat" -f ndjson "$V/things.mig" > "$BATS_TEST_TMPDIR/things.ndjson"
	run -0 mig-verify -t "$url" stream "$BATS_TEST_TMPDIR/things.ndjson"
}

# column, changed value (SQL), original value (SQL)
changes_pg="i|43|42
f|1.25|1.5
n|12.51|12.50
b|false|true
t|'Lee, Bob'|'Lee, Bo'
bin|'\\xdeadbeee'|'\\xdeadbeef'
d|'2024-03-01'|'2024-02-29'
tm|'12:34:56.6'|'12:34:56.5'
ts|'2024-02-29 12:34:56.124'|'2024-02-29 12:34:56.123'
tz|'2024-02-29 12:00:00+01'|'2024-02-29 12:00:00+02'
u|'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12'|'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'
j|'{\"a\": 1, \"b\": [false, null]}'|'{\"a\": 1, \"b\": [true, null]}'"

@test "stream: a changed value in each type is found and its column named (PostgreSQL)" {
	pg_things
	while IFS='|' read -r col new old; do
		pgq "$db" "UPDATE things SET $col = $new WHERE id = 1"
		run -1 --separate-stderr mig-verify -t "$url" stream "$V/things.mig"
		[[ "$output" == *"things: id=1: changed: $col"$'\n'* ]] || { echo "$col: $stderr"; return 1; }
		pgq "$db" "UPDATE things SET $col = $old WHERE id = 1"
	done <<< "$changes_pg"
	run -0 mig-verify -t "$url" stream "$V/things.mig"
}

changes_my="i|43|42
f|1.25|1.5
n|12.51|12.50
b|false|true
t|'Lee, Bob'|'Lee, Bo'
bin|X'DEADBEEE'|X'DEADBEEF'
d|'2024-03-01'|'2024-02-29'
tm|'12:34:56.6'|'12:34:56.5'
ts|'2024-02-29 12:34:56.124'|'2024-02-29 12:34:56.123'
tz|'2024-02-29 10:00:01'|'2024-02-29 10:00:00'
u|'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A12'|'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'
j|'{\"a\": 1.5, \"b\": [true, null]}'|'{\"b\": [true, null], \"a\": 1}'"

@test "stream: a changed value in each type is found and its column named (MariaDB)" {
	my_things
	while IFS='|' read -r col new old; do
		myq "$db" "SET time_zone = '+00:00'; UPDATE things SET $col = $new WHERE id = 1"
		run -1 --separate-stderr mig-verify -t "$url" stream "$V/things.mig"
		[[ "$output" == *"things: id=1: changed: $col"$'\n'* ]] || { echo "$col: $stderr"; return 1; }
		myq "$db" "SET time_zone = '+00:00'; UPDATE things SET $col = $old WHERE id = 1"
	done <<< "$changes_my"
	run -0 mig-verify -t "$url" stream "$V/things.mig"
}

@test "stream: NULL and the empty string differ" {
	pg_things
	pgq "$db" "UPDATE things SET t = NULL WHERE id = 2"
	run -1 --separate-stderr mig-verify -t "$url" stream "$V/things.mig"
	[[ "$output" == *"things: id=2: changed: t"* ]]
}

@test "stream: a deleted row and an extra row are named, values hidden" {
	pg_things
	pgq "$db" "DELETE FROM things WHERE id = 3; INSERT INTO things (id, t) VALUES (4, 'secret-value')"
	run -1 --separate-stderr mig-verify -t "$url" --report "$BATS_TEST_TMPDIR/r.json" stream "$V/things.mig"
	cat > "$BATS_TEST_TMPDIR/expect" <<-EOT
	FAIL  stream $V/things.mig: 1 of 1 tags differ (1 missing, 1 extra, 0 changed)
	    things: 3 rows in the stream, 3 in DST.things; checksums PLACEHOLDER; columns differing: id, t
	    things: id=4: not in the stream (extra in the target)
	    things: id=3: missing from the target
	mig-verify: 0 passed, 1 failed, 0 errors
	EOT
	sed 's/checksums [0-9a-f]* and [0-9a-f]*;/checksums PLACEHOLDER;/' <<< "$output" > "$BATS_TEST_TMPDIR/actual"
	assert_same "$BATS_TEST_TMPDIR/expect" "$BATS_TEST_TMPDIR/actual"
	[ "$(jq -r '.checks[0].missing, .checks[0].extra, .checks[0].keys[1].key' "$BATS_TEST_TMPDIR/r.json" | tr '\n' ' ')" = "1 1 id=3 " ]
	! grep -q secret-value "$BATS_TEST_TMPDIR/r.json"
}

@test "stream: --show-values shows the two values of a changed column" {
	pg_things
	pgq "$db" "UPDATE things SET n = 12.51 WHERE id = 1"
	run -1 --separate-stderr mig-verify -t "$url" stream "$V/things.mig"
	[[ "$output" != *12.51* ]]
	run -1 --separate-stderr mig-verify --show-values -t "$url" stream "$V/things.mig"
	[[ "$output" == *'things: id=1: changed: n (stream "12.5", target "12.51")'* ]]
}

@test "stream: --max-keys limits the keys named" {
	pg_things
	pgq "$db" "DELETE FROM things"
	run -1 --separate-stderr mig-verify --max-keys 1 -t "$url" stream "$V/things.mig"
	[ "$(grep -c 'missing from the target' <<< "$output")" -eq 1 ]
	[[ "$output" == *"(3 missing, 0 extra, 0 changed)"* ]]
}

@test "stream: TAG=TABLE(KEY) compares a tag with another table by another key" {
	pg_things
	pgq "$db" "ALTER TABLE things RENAME TO stuff; UPDATE stuff SET i = 0 WHERE id = 2"
	run -1 --separate-stderr mig-verify -t "$url" stream "$V/things.mig" 'things=DST.stuff(u,d)'
	[[ "$output" == *"things: u=00000000-0000-0000-0000-000000000000,d=1999-12-31: changed: i"* ]]
}

@test "stream: a tag listed but absent from the stream must be an empty table" {
	pg_things
	pgq "$db" "CREATE TABLE empty (id int); CREATE TABLE notempty (id int); INSERT INTO notempty VALUES (1)"
	run -0 mig-verify -t "$url" stream "$V/things.mig" things empty
	run -1 --separate-stderr mig-verify -t "$url" stream "$V/things.mig" things notempty
	[[ "$output" == *"notempty: 0 rows in the stream, 1 in DST.notempty"* ]]
}

@test "stream: from standard input a mismatch is found but keys are not named" {
	pg_things
	pgq "$db" "UPDATE things SET i = 0 WHERE id = 1"
	run -1 --separate-stderr mig-verify -t "$url" stream - < "$V/things.mig"
	[[ "$output" == *"things: the stream was standard input: cannot read it again to name the rows"* ]]
}

@test "stream: a malformed stream is trouble (exit 2) with file and line" {
	pg_things
	printf '#!mig-stream 1\n@things,id:int,i:int\nthings,1\n' > "$BATS_TEST_TMPDIR/bad.mig"
	run -2 --separate-stderr mig-verify -t "$url" stream "$BATS_TEST_TMPDIR/bad.mig"
	[[ "$stderr" == *"ERROR stream $BATS_TEST_TMPDIR/bad.mig: the stream is unreadable"$'\n'"    $BATS_TEST_TMPDIR/bad.mig:3: "* ]]
}

@test "stream: a column the table lacks is a database error (exit 3)" {
	pg_things
	pgq "$db" "ALTER TABLE things DROP COLUMN j"
	run -3 --separate-stderr mig-verify -t "$url" stream "$V/things.mig"
	[[ "$stderr" == *'column "j" does not exist'* ]]
}

@test "stream: the catalog gives the key (primary key) and the type of untyped columns" {
	db=$(test_db); pg_newdb "$db"
	pgq "$db" "CREATE TABLE p (name text, id int PRIMARY KEY, amount numeric(10,2));
		INSERT INTO p VALUES ('a', 1, 1.50), ('b', 2, 2)"
	printf '#!mig-stream 1\n@p,name,id,amount\np,a,1,1.5\np,b,2,2.0\n' > "$BATS_TEST_TMPDIR/p.mig"
	run -0 mig-verify -t "$(pg_url "$db")" stream "$BATS_TEST_TMPDIR/p.mig"
	pgq "$db" "UPDATE p SET name = 'c' WHERE id = 2"
	run -1 --separate-stderr mig-verify -t "$(pg_url "$db")" stream "$BATS_TEST_TMPDIR/p.mig"
	[[ "$output" == *"    p: id=2: changed: name"$'\n'* ]]
}

@test "stream: a tee'd stream through a FIFO is compared, its keys not narrowed" {
	pg_things
	pgq "$db" "UPDATE things SET i = 0 WHERE id = 1"
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	cat "$V/things.mig" > "$BATS_TEST_TMPDIR/fifo" &
	run -1 --separate-stderr mig-verify -t "$url" stream "$BATS_TEST_TMPDIR/fifo"
	wait
	[[ "$output" == *"things: the stream was not a regular file: cannot read it again to name the rows"* ]]
	[[ "$output" != *"extra in the target"* ]]
}

@test "stream: a header that changes mid-stream is followed by column name" {
	sqlite3 "$BATS_TEST_TMPDIR/h.db" "CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')"
	printf '#!mig-stream 1\n@t,id:int,v:text\nt,1,a\n@t,v:text,id:int,extra\nt,b,2,x\nt,c,3,y\n' > "$BATS_TEST_TMPDIR/h.mig"
	run -0 mig-verify -t "$BATS_TEST_TMPDIR/h.db" stream "$BATS_TEST_TMPDIR/h.mig"
	sqlite3 "$BATS_TEST_TMPDIR/h.db" "UPDATE t SET v = 'z' WHERE id = 3"
	run -1 --separate-stderr mig-verify -t "$BATS_TEST_TMPDIR/h.db" stream "$BATS_TEST_TMPDIR/h.mig"
	[[ "$output" == *"    t: id=3: changed: v"$'\n'* ]]
	printf '#!mig-stream 1\n@t,id:int,v:text\nt,1,a\n@t,id:int\nt,2\n' > "$BATS_TEST_TMPDIR/h2.mig"
	run -2 --separate-stderr mig-verify -t "$BATS_TEST_TMPDIR/h.db" stream "$BATS_TEST_TMPDIR/h2.mig"
	[[ "$stderr" == *"    t: column 'v' missing from a later header of the tag"* ]]
}
