#!/usr/bin/env bats
# A dry run leaves the target exactly as it found it and refuses what the
# commit would refuse; a commit-time refusal is a data error that names
# the table, constraint and key; server messages never carry a row value
# unless asked.
load lib-common

setup() {
	require_servers
	db=$(test_db)
	pg_newdb "$db"
	url=$(pg_url "$db")
	cd "$BATS_TEST_TMPDIR"
}

@test "dry run: no csv: directory and no SQLite file where there was none" {
	printf '@t,id:int,v\nt,1,a\n' > s.mig
	run -0 --separate-stderr mig-load -n csv:out s.mig
	[ ! -e out ]
	run -3 --separate-stderr mig-load -n sqlite:new.db s.mig
	[ "$stderr" = "mig-load: sqlite:new.db: no such database file (a dry run creates none)" ]
	[ ! -e new.db ]
	# A real first load that fails takes away the file it created ...
	run -3 --separate-stderr mig-load sqlite:new.db s.mig
	[ ! -e new.db ] && [ ! -e new.db-journal ]
	# ... but never a file that was there before.
	sqlite3 old.db "CREATE TABLE other (x int)"
	run -3 --separate-stderr mig-load sqlite:old.db s.mig
	[ "$(sqlite3 old.db "SELECT count(*) FROM sqlite_master")" = 1 ]
}

@test "dry run with --defer-constraints leaves no bookkeeping table behind" {
	pgq "$db" "CREATE TABLE p (id int PRIMARY KEY, v text UNIQUE)"
	printf '@p,id:int,v\np,1,a\np,2,b\n' > s.mig
	for d in --defer-constraints --defer-constraints=all; do
		run -0 --separate-stderr mig-load -n "$d" "$url" s.mig
		[ "$(pgq "$db" "SELECT count(*) FROM pg_class WHERE relname LIKE '_mig_load%'")" = 0 ]
		[ "$(pgq "$db" "SELECT count(*) FROM pg_constraint WHERE conrelid = 'p'::regclass")" = 2 ]
		[ "$(pgq "$db" "SELECT count(*) FROM p")" = 0 ]
	done
}

@test "deferred foreign keys: the dry run refuses what the commit refuses; the commit names table, constraint and key" {
	pgq "$db" "CREATE TABLE parent (id int PRIMARY KEY);
		CREATE TABLE child (id int PRIMARY KEY, pid int CONSTRAINT child_pid_fk REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)"
	printf '@parent,id:int\nparent,1\n@child,id:int,pid:int\nchild,10,1\nchild,11,424242\n' > s.mig
	run -1 --separate-stderr mig-load -n "$url" s.mig
	[[ "$stderr" == *'at commit: insert or update on table "child" violates foreign key constraint "child_pid_fk" (key (pid))'* ]]
	[[ "$stderr" != *424242* ]]
	[ "$(pgq "$db" "SELECT count(*) FROM parent")" = 0 ]
	run -1 --separate-stderr mig-load "$url" s.mig
	[ "$stderr" = "mig-load: $url: at commit: insert or update on table \"child\" violates foreign key constraint \"child_pid_fk\" (key (pid))" ]
	[[ "$stderr" != *WARNING* ]]
	[ "$(pgq "$db" "SELECT count(*) FROM child")" = 0 ]
	# With --show-values the server's detail, value included, is given.
	run -1 --separate-stderr mig-load --show-values "$url" s.mig
	[[ "$stderr" == *'(Key (pid)=(424242) is not present in table "parent".)'* ]]
	# Valid rows commit.
	printf '@parent,id:int\nparent,1\n@child,id:int,pid:int\nchild,10,1\n' > ok.mig
	run -0 --separate-stderr mig-load -n "$url" ok.mig
	run -0 --separate-stderr mig-load "$url" ok.mig
	[ "$(pgq "$db" "SELECT count(*) FROM child")" = 1 ]
}

@test "server messages that quote a row value hide it, in plain and dry runs" {
	pgq "$db" "CREATE TABLE s (id int PRIMARY KEY, n smallint, d date, i int)"
	local row
	for row in 's,1,4242424,,' 's,1,,2023-13-45,' 's,1,,,9876543210123'; do
		printf '@s,id:int,n:text,d:text,i:text\n%s\n' "$row" > s.mig
		for mode in "" -n; do
			run --separate-stderr mig-load $mode "$url" s.mig
			[ "$status" -eq 1 ]
			[[ "$stderr" != *4242424* && "$stderr" != *2023-13-45* && "$stderr" != *9876543210123* ]]
		done
		run -1 --separate-stderr mig-load --show-values "$url" s.mig
		[[ "$stderr" == *4242424* || "$stderr" == *2023-13-45* || "$stderr" == *9876543210123* ]]
	done
	printf '@s,id:int,n:text,d:text,i:text\ns,1,4242424,,\n' > s.mig
	run -1 --separate-stderr mig-load "$url" s.mig
	[[ "$stderr" == *'value is out of range for type smallint'* ]]
}
