#!/usr/bin/env bats
# mig-extract failure paths: usage, URLs, connections (no password shown), tables, columns.

load lib-common

@test "usage: no source, bad options, -h" {
	run -2 --separate-stderr mig-extract
	[[ "$stderr" == "usage: mig-extract "* ]]
	run -2 --separate-stderr mig-extract --shard 0/4 x.db t
	[ "$stderr" = "mig-extract: invalid --shard index '0': expected a number from 1 to 4" ]
	run -2 --separate-stderr mig-extract --zero-date maybe x.db t
	[ "$stderr" = "mig-extract: --zero-date: expected null or error: 'maybe'" ]
	run -0 --separate-stderr mig-extract -h
	[[ "$output" == "usage: mig-extract "* ]]
	[ -z "$stderr" ]
}

@test "a source that is not a URL is a usage error" {
	run -2 --separate-stderr mig-extract nonsense users
	[ "$stderr" = "mig-extract: source: not a database URL (postgresql://, mysql://, sqlite:, csv:) or a .db/.csv path" ]
}

@test "postgresql: a failed connection exits 3 without the password" {
	require_servers
	run -3 --separate-stderr mig-extract "postgresql://postgres:s3cr3tpw@/no_such_db?host=$MIG_PG_SOCK&port=$MIG_PG_PORT" users
	[[ "$stderr" == "mig-extract: postgresql://postgres@/no_such_db?host="*": cannot connect: "*'database "no_such_db" does not exist' ]]
	[[ "$stderr" != *s3cr3tpw* ]]
	[ -z "$output" ]
}

@test "mariadb: a refused login exits 3 without the password" {
	require_servers
	run -3 --separate-stderr mig-extract "mysql://nobody:s3cr3tpw@localhost/x?socket=$MIG_MY_SOCK" users
	[[ "$stderr" == "mig-extract: mysql://nobody@localhost/x: cannot connect: Access denied for user 'nobody'@'localhost'"* ]]
	[[ "$stderr" != *s3cr3tpw* ]]
}

@test "unknown tables exit 3 naming the table, unknown columns exit 2" {
	require_servers
	db=$(test_db)
	pg_newdb "$db"
	my_newdb "$db"
	pgq "$db" "CREATE TABLE t (id int)" >/dev/null
	run -3 --separate-stderr mig-extract "$(pg_url "$db")" t nosuch
	[ "$stderr" = "mig-extract: $(pg_url "$db"): table 'nosuch' does not exist" ]
	run -3 --separate-stderr mig-extract "$(my_url "$db")" nosuch
	[ "$stderr" = "mig-extract: mysql://root@localhost/$db: table 'nosuch' does not exist" ]
	sqlite3 "$BATS_TEST_TMPDIR/e.db" "CREATE TABLE t (id INT)"
	run -3 --separate-stderr mig-extract "$BATS_TEST_TMPDIR/e.db" nosuch
	[ "$stderr" = "mig-extract: $BATS_TEST_TMPDIR/e.db: table 'nosuch' does not exist" ]
	run -2 --separate-stderr mig-extract "$(pg_url "$db")" t:id,nope
	[ "$stderr" = "mig-extract: t: no column 'nope'" ]
}

@test "a missing SQLite file is a database error, not a new empty database" {
	run -3 --separate-stderr mig-extract "$BATS_TEST_TMPDIR/none.db" t
	[ "$stderr" = "mig-extract: $BATS_TEST_TMPDIR/none.db: cannot open: no such file" ]
	[ ! -e "$BATS_TEST_TMPDIR/none.db" ]
}

@test "a write error on stdout exits 2" {
	sqlite3 "$BATS_TEST_TMPDIR/w.db" "CREATE TABLE t (id INT); INSERT INTO t VALUES (1)"
	run -2 --separate-stderr sh -c 'mig-extract "$1" t >/dev/full' sh "$BATS_TEST_TMPDIR/w.db"
	[[ "$stderr" == "mig-extract: <stdout>: write error:"* ]]
}

@test "--tee: a copy that cannot be opened or written exits 2 naming it; --schema has none" {
	sqlite3 "$BATS_TEST_TMPDIR/w.db" "CREATE TABLE t (id INT); INSERT INTO t VALUES (1)"
	run -2 --separate-stderr mig-extract --tee "$BATS_TEST_TMPDIR/no/dir/x.csv" "$BATS_TEST_TMPDIR/w.db" t
	[[ "$stderr" == "mig-extract: $BATS_TEST_TMPDIR/no/dir/x.csv: cannot open: No such file or directory" ]]
	[ -z "$output" ]
	run -2 --separate-stderr mig-extract --tee /dev/full "$BATS_TEST_TMPDIR/w.db" t
	[[ "$stderr" == "mig-extract: /dev/full: write error:"* ]]
	run -2 --separate-stderr mig-extract --schema --tee "$BATS_TEST_TMPDIR/s.csv" "$BATS_TEST_TMPDIR/w.db"
	[ "$stderr" = "mig-extract: --tee copies the record stream, which --schema does not write" ]
	[ ! -e "$BATS_TEST_TMPDIR/s.csv" ]
}
