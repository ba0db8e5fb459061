#!/usr/bin/env bats
# Constraints checked at COMMIT (DEFERRABLE INITIALLY DEFERRED foreign
# keys): with --reject, a batch that breaks one is bisected like any other
# failing batch, the bad rows go to the reject file, the good ones load.
bats_require_minimum_version 1.5.0
load lib-common

setup() {
	require_servers
	db=$(test_db)
	cd "$BATS_TEST_TMPDIR"
	pg_newdb "$db"
	pgq "$db" "CREATE TABLE parent (id int PRIMARY KEY);
		CREATE TABLE child (id int PRIMARY KEY, pid int REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)" >/dev/null
	printf '@parent,id:int\nparent,1\n@child,id:int,pid:int\nchild,1,1\nchild,2,99\nchild,3,1\n' > s.mig
}

@test "a deferred foreign key's bad row is rejected, the others load" {
	run -0 --separate-stderr mig-load --reject rj.mig "$(pg_url "$db")" s.mig
	[[ "$stderr" == *"mig-load: child: 2 rows loaded, 1 rejected"* ]]
	[ "$(pgq "$db" "SELECT string_agg(id::text, ',' ORDER BY id) FROM child")" = "1,3" ]
	grep -q '^child,2,99,mig-load,child:2,' rj.mig
	grep -q 'child_pid_fkey' rj.mig
}

@test "in batches with a checkpoint, too" {
	run -0 --separate-stderr mig-load -b 2 -c ck.json --reject rj.mig "$(pg_url "$db")" s.mig
	[ "$(pgq "$db" "SELECT string_agg(id::text, ',' ORDER BY id) FROM child")" = "1,3" ]
	[ "$(grep -c '^child,' rj.mig)" = 1 ]
}

@test "without --reject: exit 1 at commit, naming the constraint, nothing loaded" {
	run -1 --separate-stderr mig-load "$(pg_url "$db")" s.mig
	[[ "$stderr" == *"child_pid_fkey"* ]]
	[ "$(pgq "$db" "SELECT count(*) FROM child")" = 0 ]
}
