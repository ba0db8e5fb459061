#!/usr/bin/env bats
# mig-load --batch-size --checkpoint: killed with SIGKILL at random moments,
# then rerun, the target holds every row exactly once; with
# --defer-constraints every constraint and index comes back byte-identical.

load lib-common

setup_file() {
	awk 'BEGIN { print "@big,id:int,v:text,p:int"
		for (i = 1; i <= 200000; i++) print "big," i ",value number " i "," (i % 1000) + 1 }' \
		>"$BATS_FILE_TMPDIR/big.stream"
	# SQLite and MariaDB go row by row or statement by statement: fewer rows
	head -n 50001 "$BATS_FILE_TMPDIR/big.stream" >"$BATS_FILE_TMPDIR/small.stream"
}

setup() {
	require_servers
	db=$(test_db)
	in=$BATS_FILE_TMPDIR/big.stream
	small=$BATS_FILE_TMPDIR/small.stream
	ck=$BATS_TEST_TMPDIR/ck.json
}

# Every state line promised only committed rows: its count is never above the table's.
states_true() {
	local n=$1 last
	last=$(grep -o '"rows":[0-9]*' "$BATS_TEST_TMPDIR/states" | tail -1 | cut -d: -f2)
	[ -z "$last" ] || [ "$last" -le "$n" ]
}

@test "PostgreSQL: killed three times, rerun: each row exactly once" {
	pg_newdb "$db"
	url=$(pg_url "$db")
	pgq "$db" "CREATE TABLE big (id bigint PRIMARY KEY, v text NOT NULL, p int)"
	load_kill3 -b 10000 -c "$ck" "$url" "$in"
	states_true "$(pgq "$db" "SELECT count(*) FROM big")"
	run -0 --separate-stderr mig-load -b 10000 -c "$ck" "$url" "$in"
	[ "$(pgq "$db" "SELECT count(*), count(DISTINCT id), sum(id) FROM big")" = "200000	200000	20000100000" ]
	[[ "${lines[-1]}" == '#!stats mig-load big in=200000 out=200000 dropped=0 rejected=0'* ]]
	[[ "${lines[-2]}" == '#!state {"bookmarks":{"big":{"key":["id"],"last_key":["200000"],"rows":200000}}}' ]]
	grep -q '"done": true' "$ck"
	# the same command once more: nothing to do, nothing doubled
	run -0 mig-load -q -b 10000 -c "$ck" "$url" "$in"
	[ "$(pgq "$db" "SELECT count(*) FROM big")" = 200000 ]
}

constraint_defs() {
	pgq "$db" "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'big'::regclass ORDER BY 1;
		SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'big' ORDER BY 1"
}

@test "PostgreSQL --defer-constraints: killed three times, rerun: rows once, definitions identical" {
	pg_newdb "$db"
	url=$(pg_url "$db")
	pgq "$db" "CREATE TABLE par (id int PRIMARY KEY); INSERT INTO par SELECT generate_series(1, 1000);
		CREATE TABLE big (id bigint PRIMARY KEY, v text NOT NULL, p int CONSTRAINT big_p REFERENCES par ON DELETE CASCADE,
			CONSTRAINT big_v_len CHECK (length(v) < 100));
		CREATE INDEX big_v ON big (lower(v)); CREATE UNIQUE INDEX big_pv ON big (p, v) WHERE p > 0"
	constraint_defs >"$BATS_TEST_TMPDIR/before"
	load_kill3 --defer-constraints -b 10000 -c "$ck" "$url" "$in"
	run -0 mig-load -q --defer-constraints -b 10000 -c "$ck" "$url" "$in"
	[ "$(pgq "$db" "SELECT count(*), count(DISTINCT id), sum(id) FROM big")" = "200000	200000	20000100000" ]
	constraint_defs >"$BATS_TEST_TMPDIR/after"
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
	[ "$(pgq "$db" "SELECT count(*) FROM _mig_load_deferred")" = 0 ]
}

@test "PostgreSQL: a run without --defer-constraints restores what a killed one left dropped" {
	pg_newdb "$db"
	url=$(pg_url "$db")
	pgq "$db" "CREATE TABLE par (id int PRIMARY KEY); INSERT INTO par SELECT generate_series(1, 1000);
		CREATE TABLE big (id bigint PRIMARY KEY, v text NOT NULL, p int REFERENCES par);
		CREATE INDEX big_v ON big (v)"
	constraint_defs >"$BATS_TEST_TMPDIR/before"
	# kill once it has committed a batch, so the drops are committed too
	load_kill_after_batch --defer-constraints -b 10000 -c "$ck" "$url" "$in"
	[ "$(pgq "$db" "SELECT count(*) FROM _mig_load_deferred")" -gt 0 ]
	run -0 --separate-stderr mig-load -q -b 10000 -c "$ck" "$url" "$in"
	[[ "$stderr" == *"re-creating 2 constraints and indexes left deferred by an earlier run" ]]
	constraint_defs >"$BATS_TEST_TMPDIR/after"
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
	[ "$(pgq "$db" "SELECT count(*), count(DISTINCT id) FROM big")" = "200000	200000" ]
}

@test "--defer-constraints: orphans are reported by table and constraint, keys in the rejects file" {
	pg_newdb "$db"
	url=$(pg_url "$db")
	pgq "$db" "CREATE TABLE par (id int PRIMARY KEY); INSERT INTO par VALUES (1), (2);
		CREATE TABLE ch (id int PRIMARY KEY, pid int CONSTRAINT ch_pid REFERENCES par)"
	run -1 --separate-stderr mig-load -q --defer-constraints --reject "$BATS_TEST_TMPDIR/rej" "$url" <<-'EOF'
	@ch,id:int,pid:int
	ch,1,1
	ch,2,7
	ch,3,9
	ch,4,
	EOF
	[ "$stderr" = 'mig-load: ch: foreign key ch_pid: 2 rows have no matching row in "public"."par" (keys in the rejects file); left NOT VALID' ]
	[ "$(cat "$BATS_TEST_TMPDIR/rej")" = '#!mig-stream 1
@ch,id:text,pid:text,_mig_stage:text,_mig_where:text,_mig_reason:text
ch,2,7,mig-load,constraint ch_pid,"no matching row in ""public"".""par"""
ch,3,9,mig-load,constraint ch_pid,"no matching row in ""public"".""par"""' ]
	[ "$(pgq "$db" "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'ch_pid'")" = 'FOREIGN KEY (pid) REFERENCES par(id) NOT VALID' ]
}

@test "SQLite: killed three times, rerun: each row exactly once" {
	dbf=$BATS_TEST_TMPDIR/t.db
	sqlite3 "$dbf" "CREATE TABLE big (id integer PRIMARY KEY, v text NOT NULL, p int)"
	load_kill3 -b 5000 -c "$ck" "sqlite:$dbf" "$small"
	run -0 mig-load -q -b 5000 -c "$ck" "sqlite:$dbf" "$small"
	[ "$(sqlite3 "$dbf" "SELECT count(*), count(DISTINCT id), sum(id) FROM big")" = "50000|50000|1250025000" ]
}

@test "MariaDB: killed three times, rerun: each row exactly once" {
	my_newdb "$db"
	url=$(my_url "$db")
	myq "$db" "CREATE TABLE big (id bigint PRIMARY KEY, v text NOT NULL, p int)"
	load_kill3 -b 5000 -c "$ck" "$url" "$small"
	run -0 mig-load -q -b 5000 -c "$ck" "$url" "$small"
	[ "$(myq "$db" "SELECT count(*), count(DISTINCT id), sum(id) FROM big")" = "50000	50000	1250025000" ]
}

@test "csv: killed three times, rerun: each row exactly once" {
	dir=$BATS_TEST_TMPDIR/out
	load_kill3 -b 5000 -c "$ck" "csv:$dir" "$small"
	run -0 mig-load -q -b 5000 -c "$ck" "csv:$dir" "$small"
	sed '1d; s/^big,//' "$small" >"$BATS_TEST_TMPDIR/want"
	sed '1d' "$dir/big.csv" >"$BATS_TEST_TMPDIR/got"
	cmp "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
	[ "$(head -1 "$dir/big.csv")" = "id,v,p" ]
}
