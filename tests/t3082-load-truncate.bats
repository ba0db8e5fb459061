#!/usr/bin/env bats
# --truncate empties tables that reference each other (one TRUNCATE on
# PostgreSQL, DELETEs with the key checks off on MariaDB, DELETEs children
# first on SQLite), and refuses (exit 2, nothing committed) to empty a
# table outside the stream that references them, unless
# --truncate=cascade.
bats_require_minimum_version 1.5.0
load lib-common

setup() {
	cd "$BATS_TEST_TMPDIR"
	printf '@a,id:int\na,1\na,2\n@b,id:int,a_id:int\nb,10,1\n@c,id:int,b_id:int\nc,100,10\n' > s.mig
	ddl="CREATE TABLE a (id int PRIMARY KEY);
CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a (id));
CREATE TABLE c (id int PRIMARY KEY, b_id int REFERENCES b (id));
CREATE TABLE d (id int PRIMARY KEY, a_id int REFERENCES a (id));
INSERT INTO a VALUES (1), (2), (3);
INSERT INTO b VALUES (10, 1), (11, 3);
INSERT INTO c VALUES (100, 10);"
	refused="mig-load: --truncate: table 'D' references 'A' and holds rows, but the stream has no tag for it: nothing committed (--truncate=cascade empties it too)"
}

# counts QUERY-FN DB: rows in a, b, c, d
counts() {
	local q=$1 db=$2
	$q "$db" "SELECT (SELECT count(*) FROM a), (SELECT count(*) FROM b), (SELECT count(*) FROM c), (SELECT count(*) FROM d)" | tr '\t' ' '
}

# check URL QUERY-FN DB SCHEMA-PREFIX
check() {
	local url=$1 q=$2 db=$3 p=$4
	run -0 --separate-stderr mig-load -q --truncate "$url" s.mig
	[ "$(counts "$q" "$db")" = "2 1 1 0" ]
	# batches: the first commit waits until b and c have come
	$q "$db" "INSERT INTO a VALUES (3); INSERT INTO b VALUES (11, 3)"
	run -0 --separate-stderr mig-load -q -b 1 -c ck.json --truncate "$url" s.mig
	[ "$(counts "$q" "$db")" = "2 1 1 0" ]
	# a table outside the stream holds rows that reference a
	$q "$db" "INSERT INTO a VALUES (3); INSERT INTO d VALUES (1000, 3)"
	run -2 --separate-stderr mig-load --truncate "$url" s.mig
	[ "$stderr" = "$(echo "$refused" | sed "s/'D'/'${p}d'/; s/'A'/'${p}a'/")" ]
	[ "$(counts "$q" "$db")" = "3 1 1 1" ]
	run -2 --separate-stderr mig-load -b 1 --truncate "$url" s.mig
	[ "$(counts "$q" "$db")" = "3 1 1 1" ]
	run -0 --separate-stderr mig-load --truncate=cascade "$url" s.mig
	[[ "$stderr" == *"mig-load: --truncate=cascade: emptied '${p}d' too (it references '${p}a')"* ]]
	[ "$(counts "$q" "$db")" = "2 1 1 0" ]
}

sq() { sqlite3 -separator "	" "$1" "$2"; }

@test "PostgreSQL: --truncate empties linked tables in one TRUNCATE, refuses an outside reference" {
	require_servers
	db=$(test_db)
	pg_newdb "$db"
	pgq "$db" "$ddl" >/dev/null
	check "$(pg_url "$db")" pgq "$db" public.
}

@test "MariaDB: --truncate empties linked tables, refuses an outside reference" {
	require_servers
	db=$(test_db)
	my_newdb "$db"
	myq "$db" "$ddl"
	check "$(my_url "$db")" myq "$db" ""
	# the key checks are back on afterwards in the same session's sense: a bad row is refused
	printf '@b,id:int,a_id:int\nb,12,99\n' > bad.mig
	run -1 --separate-stderr mig-load "$(my_url "$db")" bad.mig
}

@test "SQLite: --truncate empties linked tables, refuses an outside reference" {
	sqlite3 t.db "$ddl"
	check sqlite:t.db sq t.db ""
}

@test "usage: --truncate takes only cascade" {
	run -2 --separate-stderr mig-load --truncate=all sqlite:t.db s.mig
	[ "$stderr" = "mig-load: --truncate=all: only cascade expected" ]
}
