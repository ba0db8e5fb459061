#!/usr/bin/env bats
# mig-load's look at the target: columns that fill themselves come from the
# catalog's autogen flag, for every dialect; reading a MariaDB catalog
# opens the target's tables, not every table on the server.

load lib-common

setup() {
	require_servers
	db=$(test_db)
}

@test "PostgreSQL: identity, serial and generated columns may be absent, after another tag's COPY" {
	pg_newdb "$db"
	url=$(pg_url "$db")
	pgq "$db" "CREATE TABLE a (id int PRIMARY KEY, v text);
		CREATE TABLE b (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, s serial NOT NULL,
			g int NOT NULL GENERATED ALWAYS AS (7) STORED, v text NOT NULL)"
	# a's rows pass 1 MB, so its COPY is open when b's header arrives
	awk 'BEGIN { s = ""; for (i = 0; i < 200; i++) s = s "x"
		print "@a,id:int,v:text"; for (i = 1; i <= 6000; i++) print "a," i "," s
		print "@b,v:text"; print "b,q" }' >"$BATS_TEST_TMPDIR/in"
	run -0 --separate-stderr mig-load -q "$url" "$BATS_TEST_TMPDIR/in"
	[ -z "$stderr" ]
	[ "$(pgq "$db" "SELECT * FROM b")" = "1	1	7	q" ]
	[ "$(pgq "$db" "SELECT count(*) FROM a")" = 6000 ]
	# the schema says so too
	run -0 mig-extract --schema "$url" b
	[ "$(echo "$output" | jq -c '[.tables[0].columns[] | .autogen // false]')" = '[true,true,true,false]' ]
}

@test "MariaDB: auto_increment and generated columns may be absent" {
	my_newdb "$db"
	url=$(my_url "$db")
	myq "$db" "CREATE TABLE t (id int AUTO_INCREMENT PRIMARY KEY, v varchar(10) NOT NULL,
		g int AS (length(v)) VIRTUAL, s int AS (length(v) * 2) STORED)"
	run -0 mig-load -q "$url" < <(printf '@t,v:text\nt,abc\n')
	[ "$(myq "$db" "SELECT * FROM t")" = "1	abc	3	6" ]
	run -0 mig-extract --schema "$url" t
	[ "$(echo "$output" | jq -c '[.tables[0].columns[] | .autogen // false]')" = '[true,false,true,true]' ]
}

@test "SQLite: the rowid alias may be absent; a WITHOUT ROWID key may not" {
	f=$BATS_TEST_TMPDIR/t.db
	sqlite3 "$f" "CREATE TABLE r (id integer PRIMARY KEY, v text NOT NULL);
		CREATE TABLE w (id integer PRIMARY KEY, v text NOT NULL) WITHOUT ROWID"
	run -0 mig-load -q "sqlite:$f" < <(printf '@r,v:text\nr,x\n')
	[ "$(sqlite3 "$f" "SELECT * FROM r")" = "1|x" ]
	run -1 --separate-stderr mig-load -q "sqlite:$f" < <(printf '@w,v:text\nw,x\n')
	[ "$stderr" = "mig-load: w: column 'id' of table 'w' is NOT NULL without a default and not in the stream" ]
	run -0 mig-extract --schema "sqlite:$f"
	[ "$(echo "$output" | jq -c '[.tables[] | [.name, [.columns[] | .autogen // false]]]')" = '[["r",[true,false]],["w",[false,false]]]' ]
}

@test "MariaDB: the catalog opens the target's tables, not every table on the server" {
	# other databases on the server, with keys, foreign keys and indexes
	for d in 1 2; do
		my_newdb "${db}_other$d"
		for i in $(seq 1 20); do
			echo "CREATE TABLE p$i (id int PRIMARY KEY, code varchar(9) UNIQUE, KEY (code));"
			echo "CREATE TABLE c$i (id int PRIMARY KEY, pid int, FOREIGN KEY (pid) REFERENCES p$i (id));"
		done | myq "${db}_other$d"
	done
	my_newdb "$db"
	url=$(my_url "$db")
	myq "$db" "CREATE TABLE users (id int PRIMARY KEY, email varchar(80), KEY (email));
		CREATE TABLE notes (id int PRIMARY KEY, uid int NOT NULL, FOREIGN KEY (uid) REFERENCES users (id))"
	opened() { myq "$db" "SHOW GLOBAL STATUS LIKE 'Opened_tables'" | cut -f2; }
	myq "$db" "FLUSH TABLES"
	before=$(opened)
	run -0 mig-load -q "$url" < <(printf '@users,id:int,email:text\nusers,1,a\n@notes,id:int,uid:int\nnotes,1,1\n')
	after=$(opened)
	echo "tables opened: $((after - before))"
	# the 2 target tables and a few of the server's own; not the 80 others
	[ $((after - before)) -lt 20 ]
	for d in 1 2; do myq "$db" "DROP DATABASE ${db}_other$d"; done
}
