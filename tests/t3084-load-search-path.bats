#!/usr/bin/env bats
# A bare tag means the table the server would pick: the first schema of
# the session's search_path that has it, in mig-load, mig-extract and
# mig-verify alike; errors name the schema.
bats_require_minimum_version 1.5.0
load lib-common

setup() {
	require_servers
	db=$(test_db)
	cd "$BATS_TEST_TMPDIR"
	pg_newdb "$db"
	pgq "$db" "CREATE SCHEMA src; CREATE SCHEMA v2;
		CREATE TABLE src.store (id int PRIMARY KEY, name text, extra text);
		CREATE TABLE v2.store (id int PRIMARY KEY, name text);
		CREATE TABLE src.only_src (id int);
		INSERT INTO v2.store VALUES (7, 'seven')" >/dev/null
	url="$(pg_url "$db")&options=-csearch_path%3Dv2"
}

@test "mig-load checks a bare tag against the search_path's table" {
	printf '@store,id:int,name:text,extra:text\nstore,1,a,x\n' > bad.mig
	run -1 --separate-stderr mig-load "$url" bad.mig
	[[ "$stderr" == "mig-load: store: unknown column 'extra' in table 'v2.store' of "* ]]
	printf '@only_src,id:int\nonly_src,1\n' > only.mig
	run -3 --separate-stderr mig-load "$url" only.mig
	[[ "$stderr" == "mig-load: only_src: no table 'only_src' in "* ]]
	printf '@store,id:int,name:text\nstore,1,a\n' > ok.mig
	run -0 --separate-stderr mig-load -q "$url" ok.mig
	[ "$(pgq "$db" "SELECT (SELECT count(*) FROM v2.store), (SELECT count(*) FROM src.store)")" = "2	0" ]
}

@test "mig-extract and mig-verify read the same table for a bare name" {
	run -0 --separate-stderr mig-extract "$url" store
	[[ "$output" == *"store,7,seven"* ]]
	run -0 --separate-stderr mig-extract --schema "$url"
	printf '@store,id:int,name:text\nstore,7,seven\n' > s.mig
	run -0 --separate-stderr mig-verify -t "$url" stream s.mig
}
