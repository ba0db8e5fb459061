#!/usr/bin/env bats
# mig-load into MariaDB, SQLite and csv:DIR: every type exactly, upsert
# reruns, rejects, dry runs, refused values.

load lib-common

setup() {
	require_servers
	db=$(test_db)
}

myq8() {
	mariadb --no-defaults --default-character-set=utf8mb4 -S "$MIG_MY_SOCK" -uroot --batch --skip-column-names "$1" -e "$2"
}

my_types() {
	myq8 "$db" "SELECT id, i8, num, f4, f8, b, t, vc, hex(\`by\`), d, tm, ts, tstz, u, j, jb FROM types ORDER BY id"
}

sq_types() {
	sqlite3 -separator '|' "$1" "SELECT id, i8, num, f4, f8, b, t, vc, hex(by), typeof(by), d, tm, ts, tstz, u, j, jb FROM types ORDER BY id"
}

@test "MariaDB: every type lands exactly (LOAD DATA LOCAL INFILE)" {
	my_newdb "$db"
	myq "$db" "$(cat "$DATA/load/my-types.sql")"
	run -0 --separate-stderr mig-load -q "$(my_url "$db")" "$DATA/load/types-finite.stream"
	[ "$output" = '#!mig-stream 1
#!state {"bookmarks":{"types":{"key":["id"],"last_key":["4"],"rows":4}}}
#!stats mig-load types in=4 out=4 dropped=0 rejected=0' ]
	my_types >"$BATS_TEST_TMPDIR/got"
	assert_same "$DATA/load/my-types.expected" "$BATS_TEST_TMPDIR/got"
}

@test "MariaDB: the INSERT path (upsert) gives the same values; a rerun changes nothing" {
	my_newdb "$db"
	myq "$db" "$(cat "$DATA/load/my-types.sql")"
	run -0 mig-load -q --upsert "$(my_url "$db")" "$DATA/load/types-finite.stream"
	my_types >"$BATS_TEST_TMPDIR/got"
	assert_same "$DATA/load/my-types.expected" "$BATS_TEST_TMPDIR/got"
	run -0 mig-load -q --upsert "$(my_url "$db")" "$DATA/load/types-finite.stream"
	my_types >"$BATS_TEST_TMPDIR/got2"
	assert_same "$DATA/load/my-types.expected" "$BATS_TEST_TMPDIR/got2"
}

@test "MariaDB: refused values: exit 1, no value shown, nothing committed" {
	my_newdb "$db"
	myq "$db" "CREATE TABLE p (id int PRIMARY KEY, f double, ts datetime)"
	run -1 --separate-stderr mig-load -q "$(my_url "$db")" < <(printf '@p,id:int,f:float\np,1,1\np,2,NaN\n')
	[ "$stderr" = "mig-load: p:2: Incorrect double value: for column \`$db\`.\`p\`.\`f\`" ]
	run -1 --separate-stderr mig-load -q "$(my_url "$db")" < <(printf '@p,id:int,ts:timestamptz\np,1,2024-01-01 00:00:00+02\n')
	[ "$stderr" = "mig-load: p:1: column 'ts': timestamptz not in UTC" ]
	run -1 --separate-stderr mig-load -q "$(my_url "$db")" < <(printf '@p,id:int\np,1\np,1\n')
	[ "$stderr" = "mig-load: p: rows 1-2: Duplicate entry for key 'PRIMARY'" ]
	[ "$(myq "$db" "SELECT count(*) FROM p")" = 0 ]
}

@test "MariaDB: rejects isolate the bad rows; dry run leaves the table untouched" {
	my_newdb "$db"
	myq "$db" "CREATE TABLE p (id int PRIMARY KEY, v text NOT NULL, n int CHECK (n >= 0))"
	run -1 --separate-stderr mig-load --dry-run "$(my_url "$db")" "$DATA/load/rejects.stream"
	[ "$stderr" = "mig-load: p:5: Column 'v' cannot be null
mig-load: p:9: Incorrect integer value: for column \`$db\`.\`p\`.\`n\`
mig-load: p:13: Duplicate entry for key 'PRIMARY'
mig-load: p:17: CONSTRAINT \`p.n\` failed for \`$db\`.\`p\`
mig-load: p: 16 rows checked (rolled back), 4 rejected" ]
	[ "$(myq "$db" "SELECT count(*) FROM p")" = 0 ]
	run -0 mig-load -q --reject "$BATS_TEST_TMPDIR/rej" "$(my_url "$db")" "$DATA/load/rejects.stream"
	[ "$(myq "$db" "SELECT count(*), sum(id) FROM p")" = "16	166" ]
	[ "$(grep -c ',mig-load,p:' "$BATS_TEST_TMPDIR/rej")" = 4 ]
	cut -d, -f1-4 "$BATS_TEST_TMPDIR/rej" | sed 1,2d >"$BATS_TEST_TMPDIR/rows"
	printf 'p,5,,1\np,9,x,abc\np,3,dup,1\np,17,x,-1\n' | assert_same - "$BATS_TEST_TMPDIR/rows"
}

@test "SQLite: every type lands exactly; a rerun with --upsert changes nothing" {
	f=$BATS_TEST_TMPDIR/t.db
	sqlite3 "$f" <"$DATA/load/sqlite-types.sql"
	run -0 mig-load -q "sqlite:$f" "$DATA/load/types-finite.stream"
	sq_types "$f" >"$BATS_TEST_TMPDIR/got"
	assert_same "$DATA/load/sqlite-types.expected" "$BATS_TEST_TMPDIR/got"
	run -0 mig-load -q --upsert "sqlite:$f" "$DATA/load/types-finite.stream"
	sq_types "$f" >"$BATS_TEST_TMPDIR/got2"
	assert_same "$DATA/load/sqlite-types.expected" "$BATS_TEST_TMPDIR/got2"
	# infinities become REAL infinities; NaN cannot be a REAL in SQLite
	printf '@types,id:int,f4:float,f8:float\ntypes,9,-Infinity,NaN\n' | mig-load -q "sqlite:$f" >/dev/null
	[ "$(sqlite3 "$f" "SELECT typeof(f4), f4 < -1e308, typeof(f8), f8 FROM types WHERE id = 9")" = "real|1|text|NaN" ]
}

@test "SQLite: rejects, dry run, catalog errors" {
	f=$BATS_TEST_TMPDIR/t.db
	sqlite3 "$f" "CREATE TABLE p (id integer PRIMARY KEY, v text NOT NULL, n int CHECK (n >= 0))"
	run -1 --separate-stderr mig-load --dry-run "sqlite:$f" "$DATA/load/rejects.stream"
	# SQLite's type affinity keeps 'abc' in an int column: not a violation there
	[ "$stderr" = "mig-load: p:5: NOT NULL constraint failed: p.v
mig-load: p:13: UNIQUE constraint failed: p.id
mig-load: p:17: CHECK constraint failed: n >= 0
mig-load: p: 17 rows checked (rolled back), 3 rejected" ]
	[ "$(sqlite3 "$f" "SELECT count(*) FROM p")" = 0 ]
	run -0 mig-load -q --reject "$BATS_TEST_TMPDIR/rej" "sqlite:$f" "$DATA/load/rejects.stream"
	[ "$(sqlite3 "$f" "SELECT count(*), sum(id) FROM p")" = "17|175" ]
	run -1 --separate-stderr mig-load "sqlite:$f" < <(printf '@p,id:int,w:text\np,1,a\n')
	[ "$stderr" = "mig-load: p: unknown column 'w' in table 'p' of sqlite:$f
mig-load: p: column 'v' of table 'p' is NOT NULL without a default and not in the stream" ]
}

@test "csv:DIR: one file per tag, header line, values as in the stream" {
	dir=$BATS_TEST_TMPDIR/out
	run -0 mig-load -q "csv:$dir" "$DATA/load/types.stream"
	{ echo 'id,i8,num,f4,f8,b,t,vc,by,d,tm,ts,tstz,u,j,jb'; sed '1,2d; s/^types,//' "$DATA/load/types.stream"; } >"$BATS_TEST_TMPDIR/want"
	assert_same "$BATS_TEST_TMPDIR/want" "$dir/types.csv"
	[ "$(ls -A "$dir")" = types.csv ]
}

@test "csv:DIR: a failed load leaves the old file, a dry run writes nothing" {
	dir=$BATS_TEST_TMPDIR/out
	mkdir "$dir"
	echo old >"$dir/p.csv"
	run -1 mig-load -q "csv:$dir" < <(printf '@p,id:int\np,1\np,2')
	[ "$(cat "$dir/p.csv")" = old ]
	[ "$(ls -A "$dir")" = p.csv ]
	run -0 mig-load -q -n "csv:$dir" < <(printf '@q,id:int\nq,1\n')
	[ "$(ls -A "$dir")" = p.csv ]
}

@test "MariaDB --defer-constraints: checks off during the load, orphans counted after" {
	my_newdb "$db"
	myq "$db" "CREATE TABLE par (id int PRIMARY KEY); INSERT INTO par VALUES (1);
		CREATE TABLE ch (id int PRIMARY KEY, pid int, CONSTRAINT ch_pid FOREIGN KEY (pid) REFERENCES par (id))"
	run -0 mig-load -q --defer-constraints "$(my_url "$db")" < <(printf '@ch,id:int,pid:int\nch,1,1\n')
	run -1 --separate-stderr mig-load -q --defer-constraints "$(my_url "$db")" < <(printf '@ch,id:int,pid:int\nch,2,5\nch,3,6\n')
	[ "$stderr" = 'mig-load: ch: foreign key ch_pid: 2 rows have no matching row in par' ]
	run -1 --separate-stderr mig-load -q --defer-constraints --reject "$BATS_TEST_TMPDIR/rej" "$(my_url "$db")" < <(printf '@ch,id:int,pid:int\nch,8,1\n')
	[ "$stderr" = 'mig-load: ch: foreign key ch_pid: 2 rows have no matching row in par (keys in the rejects file)' ]
	[ "$(cat "$BATS_TEST_TMPDIR/rej")" = '#!mig-stream 1
@ch,id:text,pid:text,_mig_stage:text,_mig_where:text,_mig_reason:text
ch,2,5,mig-load,constraint ch_pid,no matching row in par
ch,3,6,mig-load,constraint ch_pid,no matching row in par' ]
	# without the option the server refuses the orphan
	run -1 mig-load -q "$(my_url "$db")" < <(printf '@ch,id:int,pid:int\nch,4,7\n')
}

@test "MariaDB: a server without local_infile gets INSERTs, same values" {
	my_newdb "$db"
	myq "$db" "$(cat "$DATA/load/my-types.sql")"
	myq "$db" "SET GLOBAL local_infile = 0"
	run mig-load -q "$(my_url "$db")" "$DATA/load/types-finite.stream"
	myq "$db" "SET GLOBAL local_infile = 1"
	[ "$status" -eq 0 ]
	my_types >"$BATS_TEST_TMPDIR/got"
	assert_same "$DATA/load/my-types.expected" "$BATS_TEST_TMPDIR/got"
}

@test "columns the target fills itself need not be in the stream" {
	pg_newdb "$db"
	pgq "$db" "CREATE TABLE t (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, s bigserial, g int GENERATED ALWAYS AS (2) STORED, v text NOT NULL)"
	run -0 mig-load -q "$(pg_url "$db")" < <(printf '@t,v:text\nt,x\n')
	[ "$output" = '#!mig-stream 1
#!state {"bookmarks":{"t":{"rows":1}}}
#!stats mig-load t in=1 out=1 dropped=0 rejected=0' ]
	[ "$(pgq "$db" "SELECT * FROM t")" = "1	1	2	x" ]
	my_newdb "$db"
	myq "$db" "CREATE TABLE t (id int AUTO_INCREMENT PRIMARY KEY, v text NOT NULL)"
	run -0 mig-load -q "$(my_url "$db")" < <(printf '@t,v:text\nt,x\n')
	[ "$(myq "$db" "SELECT * FROM t")" = "1	x" ]
	f=$BATS_TEST_TMPDIR/t.db
	sqlite3 "$f" "CREATE TABLE t (id integer PRIMARY KEY, v text NOT NULL)"
	run -0 mig-load -q "sqlite:$f" < <(printf '@t,v:text\nt,x\n')
	[ "$(sqlite3 "$f" "SELECT * FROM t")" = "1|x" ]
}
