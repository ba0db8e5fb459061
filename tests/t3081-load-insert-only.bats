#!/usr/bin/env bats
# Reruns that must not overwrite: --insert-only leaves rows whose key is
# already there untouched (counted as skipped), and --upsert
# --keep-columns=COLS updates every column but COLS.
bats_require_minimum_version 1.5.0
load lib-common

setup() {
	cd "$BATS_TEST_TMPDIR"
	printf '@users,id:int,email:text,password:text\nusers,1,a@x,hash1\nusers,2,b@x,hash2\n' > first.mig
	printf '@users,id:int,email:text,password:text\nusers,1,a@new,NEWHASH\nusers,3,c@x,hash3\n' > rerun.mig
	ddl="CREATE TABLE users (id int PRIMARY KEY, email varchar(50), password varchar(50))"
}

# check TARGET QUERY-FN DB: the three behaviours against one target
check() {
	local url=$1 q=$2 db=$3
	run -0 --separate-stderr mig-load -v "$url" first.mig
	run -0 --separate-stderr mig-load --insert-only "$url" rerun.mig
	[ "$stderr" = "mig-load: users: 1 rows loaded, 0 rejected, 1 skipped (key already there)" ]
	[[ "$output" == *'#!stats mig-load users '* ]]
	[ "$($q "$db" "SELECT id, email, password FROM users ORDER BY id" | tr '\t\n' ', ')" = "1,a@x,hash1 2,b@x,hash2 3,c@x,hash3 " ]
	# the isolating path (rejects, savepoints) counts the same
	run -0 --separate-stderr mig-load --insert-only --reject rj.mig "$url" rerun.mig
	[ "$stderr" = "mig-load: users: 0 rows loaded, 0 rejected, 2 skipped (key already there)" ]
	run -0 --separate-stderr mig-load --upsert --keep-columns=password "$url" rerun.mig
	[ "$($q "$db" "SELECT id, email, password FROM users ORDER BY id" | tr '\t\n' ', ')" = "1,a@new,hash1 2,b@x,hash2 3,c@x,hash3 " ]
	run -1 --separate-stderr mig-load --upsert --keep-columns=passwd "$url" rerun.mig
	[ "$stderr" = "mig-load: users: --keep-columns: table 'users' has no column 'passwd'" ]
}

sq() { sqlite3 -separator "	" "$1" "$2"; }

@test "PostgreSQL: --insert-only skips existing keys, --keep-columns keeps columns" {
	require_servers
	db=$(test_db)
	pg_newdb "$db"
	pgq "$db" "$ddl"
	check "$(pg_url "$db")" pgq "$db"
}

@test "MariaDB: --insert-only skips existing keys, --keep-columns keeps columns" {
	require_servers
	db=$(test_db)
	my_newdb "$db"
	myq "$db" "$ddl"
	check "$(my_url "$db")" myq "$db"
}

@test "SQLite: --insert-only skips existing keys, --keep-columns keeps columns" {
	sqlite3 t.db "$ddl"
	check sqlite:t.db sq t.db
}

@test "usage: --keep-columns needs --upsert; --insert-only needs a database" {
	run -2 --separate-stderr mig-load --keep-columns=password sqlite:t.db first.mig
	[ "$stderr" = "mig-load: --keep-columns needs --upsert" ]
	run -2 --separate-stderr mig-load --upsert --insert-only sqlite:t.db first.mig
	[ "$stderr" = "mig-load: --upsert and --insert-only: choose one" ]
	run -2 --separate-stderr mig-load --insert-only csv:out first.mig
	[ "$stderr" = "mig-load: csv:out: --upsert, --insert-only and --defer-constraints need a database target" ]
}
