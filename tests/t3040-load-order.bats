#!/usr/bin/env bats
# mig-load sends rows of several tags in stream order (a parent row before
# the children that follow it), in every mode; a header with no rows asks
# nothing of the target.

load lib-common

setup() {
	require_servers
	db=$(test_db)
}

# One parent row, then N children referencing it; PAD makes rows wide, so
# the children fill a bulk operation (1 MB) while the parent still waits.
parent_then_children() {
	awk -v n="$1" -v pad="${2:-0}" 'BEGIN {
		print "@p,id:int"; print "p,1"
		print "@a,id:int,pid:int,v:text"
		s = ""; for (i = 0; i < pad; i++) s = s "x"
		for (i = 1; i <= n; i++) print "a," i ",1," s }'
}

pg_schema() {
	pg_newdb "$db"
	url=$(pg_url "$db")
	pgq "$db" "CREATE TABLE p (id int PRIMARY KEY);
		CREATE TABLE a (id int PRIMARY KEY, pid int NOT NULL REFERENCES p, v text)"
}

my_schema() {
	my_newdb "$db"
	url=$(my_url "$db")
	myq "$db" "CREATE TABLE p (id int PRIMARY KEY) ENGINE=InnoDB;
		CREATE TABLE a (id int PRIMARY KEY, pid int NOT NULL, v text,
			CONSTRAINT a_p FOREIGN KEY (pid) REFERENCES p (id)) ENGINE=InnoDB"
}

@test "dry run: a later tag's full chunk goes after the earlier tag's waiting rows" {
	pg_schema
	parent_then_children 6000 >"$BATS_TEST_TMPDIR/in"
	run -0 --separate-stderr mig-load -n "$url" "$BATS_TEST_TMPDIR/in"
	[ "$output" = '#!mig-stream 1
#!stats mig-load p in=1 out=0 dropped=1 rejected=0
#!stats mig-load a in=6000 out=0 dropped=6000 rejected=0' ]
	[ "$stderr" = 'mig-load: p: 1 rows checked (rolled back), 0 rejected
mig-load: a: 6000 rows checked (rolled back), 0 rejected' ]
	[ "$(pgq "$db" "SELECT count(*) FROM a")" = 0 ]
}

@test "--reject: the same stream loads every row, none refused" {
	pg_schema
	parent_then_children 6000 >"$BATS_TEST_TMPDIR/in"
	run -0 mig-load -q --reject "$BATS_TEST_TMPDIR/rej" "$url" "$BATS_TEST_TMPDIR/in"
	[ "${lines[-1]}" = '#!stats mig-load a in=6000 out=6000 dropped=0 rejected=0' ]
	[ "$(pgq "$db" "SELECT count(*) FROM a")" = 6000 ]
	[ "$(grep -vc '^#' "$BATS_TEST_TMPDIR/rej" || true)" = 0 ]
}

@test "PostgreSQL COPY: children past 1 MB wait for their parent" {
	pg_schema
	parent_then_children 6000 200 >"$BATS_TEST_TMPDIR/in"
	run -0 mig-load -q "$url" "$BATS_TEST_TMPDIR/in"
	[ "${lines[-1]}" = '#!stats mig-load a in=6000 out=6000 dropped=0 rejected=0' ]
	[ "$(pgq "$db" "SELECT count(*) FROM a")" = 6000 ]
	# and in checkpointed batches
	pg_schema
	run -0 mig-load -q -b 5000 -c "$BATS_TEST_TMPDIR/ck" "$url" "$BATS_TEST_TMPDIR/in"
	[ "$(pgq "$db" "SELECT count(*) FROM a")" = 6000 ]
}

@test "MariaDB: LOAD DATA and INSERT paths send the parent first" {
	my_schema
	parent_then_children 6000 200 >"$BATS_TEST_TMPDIR/in"
	run -0 mig-load -q "$url" "$BATS_TEST_TMPDIR/in"
	[ "$(myq "$db" "SELECT count(*) FROM a")" = 6000 ]
	my_schema
	run -0 mig-load -q --reject "$BATS_TEST_TMPDIR/rej" "$url" "$BATS_TEST_TMPDIR/in"
	[ "$(myq "$db" "SELECT count(*) FROM a")" = 6000 ]
	my_schema
	run -0 mig-load -q -n "$url" "$BATS_TEST_TMPDIR/in"
	[ "${lines[-1]}" = '#!stats mig-load a in=6000 out=0 dropped=6000 rejected=0' ]
}

@test "interleaved tags (a fan-out): parents are sent first" {
	# fan-out as mig-split writes it: each user row, then its wide profile row
	pg_newdb "$db"
	url=$(pg_url "$db")
	pgq "$db" "CREATE TABLE u (id int PRIMARY KEY);
		CREATE TABLE prof (uid int PRIMARY KEY REFERENCES u, v text)"
	awk 'BEGIN { s = ""; for (i = 0; i < 300; i++) s = s "y"
		print "@u,id:int"; print "@prof,uid:int,v:text"
		for (i = 1; i <= 8000; i++) { print "u," i; print "prof," i "," s } }' >"$BATS_TEST_TMPDIR/in"
	run -0 mig-load -q "$url" "$BATS_TEST_TMPDIR/in"
	[ "$(pgq "$db" "SELECT count(*) FROM prof")" = 8000 ]
	pg_newdb "$db"
	pgq "$db" "CREATE TABLE u (id int PRIMARY KEY);
		CREATE TABLE prof (uid int PRIMARY KEY REFERENCES u, v text)"
	run -0 mig-load -q -n "$url" "$BATS_TEST_TMPDIR/in"
	[ "${lines[-1]}" = '#!stats mig-load prof in=8000 out=0 dropped=8000 rejected=0' ]
}

@test "a header with no rows naming a missing table is in=0, not an error" {
	pg_newdb "$db"
	url=$(pg_url "$db")
	pgq "$db" "CREATE TABLE users (id int PRIMARY KEY)"
	run -0 --separate-stderr mig-load "$url" <<-'EOF'
	@patients,id:int,nme:text
	@users,id:int
	users,1
	users,2
	EOF
	[ "$output" = '#!mig-stream 1
#!state {"bookmarks":{"patients":{"rows":0},"users":{"key":["id"],"last_key":["2"],"rows":2}}}
#!stats mig-load patients in=0 out=0 dropped=0 rejected=0
#!stats mig-load users in=2 out=2 dropped=0 rejected=0' ]
	[ "$stderr" = 'mig-load: patients: 0 rows loaded, 0 rejected
mig-load: users: 2 rows loaded, 0 rejected' ]
	[ "$(pgq "$db" "SELECT count(*) FROM users")" = 2 ]
	# the same on MariaDB and SQLite
	my_newdb "$db"
	myq "$db" "CREATE TABLE users (id int PRIMARY KEY)"
	run -0 mig-load -q "$(my_url "$db")" < <(printf '@patients,id:int\n@users,id:int\nusers,1\n')
	[ "${lines[-2]}" = '#!stats mig-load patients in=0 out=0 dropped=0 rejected=0' ]
	f=$BATS_TEST_TMPDIR/t.db
	sqlite3 "$f" "CREATE TABLE users (id int PRIMARY KEY)"
	run -0 mig-load -q "sqlite:$f" < <(printf '@patients,id:int\n@users,id:int\nusers,1\n')
	[ "${lines[-2]}" = '#!stats mig-load patients in=0 out=0 dropped=0 rejected=0' ]
}

@test "a tag with rows and no table stops the load before any of its rows" {
	pg_newdb "$db"
	url=$(pg_url "$db")
	pgq "$db" "CREATE TABLE users (id int PRIMARY KEY)"
	run -3 --separate-stderr mig-load -q "$url" <<-'EOF'
	@patients,id:int
	@users,id:int
	users,1
	patients,7
	EOF
	[ "$stderr" = "mig-load: patients: no table 'patients' in $url" ]
	[ "$(pgq "$db" "SELECT count(*) FROM users")" = 0 ]
	# an empty tag whose table exists is still checked and truncated as before
	pgq "$db" "INSERT INTO users VALUES (5)"
	run -0 mig-load -q --truncate "$url" < <(printf '@users,id:int\n')
	[ "$(pgq "$db" "SELECT count(*) FROM users")" = 0 ]
	run -1 --separate-stderr mig-load -q "$url" < <(printf '@users,id:int,zz:int\n')
	[ "$stderr" = "mig-load: users: unknown column 'zz' in table 'public.users' of $url" ]
}
