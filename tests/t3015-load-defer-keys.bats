#!/usr/bin/env bats
# mig-load --defer-constraints=all: primary keys, unique constraints and the
# foreign keys that reference them dropped for the load and rebuilt after;
# killed runs' definitions restored by the next run; duplicates reported
# and left saved; refused with --upsert.

load lib-common

setup_file() {
	awk 'BEGIN { print "@big,id:int,v:text,p:int"
		for (i = 1; i <= 200000; i++) print "big," (i * 7919) % 200003 ",value number " i "," (i % 1000) + 1 }' \
		>"$BATS_FILE_TMPDIR/big.stream"
}

setup() {
	require_servers
	db=$(test_db)
	in=$BATS_FILE_TMPDIR/big.stream
	ck=$BATS_TEST_TMPDIR/ck.json
}

# big (keys in random order) with a unique constraint, a unique and a plain
# index, a foreign key to par, and kid's foreign key referencing big.
make_tables() {
	pg_newdb "$db"
	url=$(pg_url "$db")
	pgq "$db" "CREATE TABLE par (id int PRIMARY KEY); INSERT INTO par SELECT generate_series(1, 1000);
		CREATE TABLE big (id bigint CONSTRAINT big_pk PRIMARY KEY, v text NOT NULL CONSTRAINT big_v_key UNIQUE,
			p int CONSTRAINT big_p REFERENCES par ON DELETE CASCADE);
		CREATE INDEX big_lv ON big (lower(v)); CREATE UNIQUE INDEX big_pv ON big (p, v) WHERE p > 0;
		CREATE TABLE kid (id int PRIMARY KEY, big_id bigint CONSTRAINT kid_big REFERENCES big (id));
		INSERT INTO kid VALUES (1, NULL)"
}

defs() {
	pgq "$db" "SELECT conrelid::regclass, conname, pg_get_constraintdef(oid) FROM pg_constraint
			WHERE conrelid IN ('big'::regclass, 'kid'::regclass) ORDER BY 1, 2;
		SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('big', 'kid') ORDER BY 1"
}

@test "=all: keys, indexes and referencing foreign keys are gone during the load and identical after" {
	make_tables
	defs >"$BATS_TEST_TMPDIR/before"
	# kill once a batch is committed: the drops are committed with it
	load_kill_after_batch --defer-constraints=all -b 20000 -c "$ck" "$url" "$in"
	[ "$(pgq "$db" "SELECT string_agg(kind || ' ' || name, ', ' ORDER BY ord) FROM _mig_load_deferred")" = \
		'fk big_p, rfk kid_big, key big_pk, key big_v_key, index big_lv, index big_pv' ]
	[ "$(pgq "$db" "SELECT count(*) FROM pg_constraint WHERE conrelid IN ('big'::regclass, 'kid'::regclass)")" = 1 ]
	run -0 --separate-stderr mig-load -q --defer-constraints=all -b 20000 -c "$ck" "$url" "$in"
	[ "$(pgq "$db" "SELECT count(*), count(DISTINCT id) FROM big")" = "200000	200000" ]
	defs >"$BATS_TEST_TMPDIR/after"
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
	[ "$(pgq "$db" "SELECT count(*) FROM _mig_load_deferred")" = 0 ]
}

@test "=all: killed three times, rerun: rows once, definitions identical" {
	make_tables
	defs >"$BATS_TEST_TMPDIR/before"
	load_kill3 --defer-constraints=all -b 10000 -c "$ck" "$url" "$in"
	run -0 mig-load -q --defer-constraints=all -b 10000 -c "$ck" "$url" "$in"
	[ "$(pgq "$db" "SELECT count(*), count(DISTINCT id), sum(id) FROM big")" = "200000	200000	20000123754" ]
	defs >"$BATS_TEST_TMPDIR/after"
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
	[ "$(pgq "$db" "SELECT count(*) FROM _mig_load_deferred")" = 0 ]
}

@test "=all --jobs 3: killed three times, rerun: rows once, definitions identical" {
	make_tables
	defs >"$BATS_TEST_TMPDIR/before"
	load_kill3 --defer-constraints=all --jobs 3 -b 10000 -c "$ck" "$url" "$in"
	run -0 --separate-stderr mig-load -q --defer-constraints=all --jobs 3 -b 10000 -c "$ck" "$url" "$in"
	[ "$(pgq "$db" "SELECT count(*), count(DISTINCT id), sum(id) FROM big")" = "200000	200000	20000123754" ]
	defs >"$BATS_TEST_TMPDIR/after"
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
	[ "$(pgq "$db" "SELECT count(*) FROM _mig_load_deferred")" = 0 ]
}

@test "=all: a rebuild killed after some indexes were built is finished by the rerun, with --jobs or without" {
	for jobs in 1 2; do
		make_tables
		defs >"$BATS_TEST_TMPDIR/before"
		load_kill_after_batch --defer-constraints=all -b 20000 -c "$ck" "$url" "$in"
		# what a killed rebuild leaves: the key's index and a plain one built, their definitions still saved
		pgq "$db" "DELETE FROM big; CREATE UNIQUE INDEX big_pk ON big (id); CREATE INDEX big_lv ON big (lower(v))"
		[ "$(pgq "$db" "SELECT count(*) FROM _mig_load_deferred")" = 6 ]
		rm -f "$ck"
		run -0 --separate-stderr mig-load -q --defer-constraints=all --jobs "$jobs" -b 20000 -c "$ck" "$url" "$in"
		defs >"$BATS_TEST_TMPDIR/after"
		assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
		[ "$(pgq "$db" "SELECT count(*) FROM _mig_load_deferred")" = 0 ]
		[ "$(pgq "$db" "SELECT count(*), count(DISTINCT id) FROM big")" = "200000	200000" ]
	done
}

# A session of the rebuild lost for a reason that is not the rows (here
# ended by the server while it builds): the load stops with exit 3, the
# definitions it had not put back stay saved, and the rerun builds them.
@test "=all --jobs 2: a rebuild session ended by the server: exit 3, definitions kept, the rerun finishes" {
	pg_newdb "$db"
	url=$(pg_url "$db")
	# an index slow to build (about 2 s), so that its session can be caught in the act
	pgq "$db" "CREATE FUNCTION slow(int) RETURNS int IMMUTABLE LANGUAGE plpgsql AS 'BEGIN PERFORM pg_sleep(0.0005); RETURN \$1; END';
		CREATE TABLE s (id int CONSTRAINT s_pk PRIMARY KEY, v int NOT NULL);
		CREATE INDEX s_slow ON s (slow(v)); CREATE INDEX s_v ON s (v)"
	defs_s() {
		pgq "$db" "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 's'::regclass;
			SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 's' ORDER BY 1"
	}
	defs_s >"$BATS_TEST_TMPDIR/before"
	awk 'BEGIN { print "@s,id:int,v:int"; for (i = 1; i <= 4000; i++) print "s," i "," (i * 13) % 4001 }' >"$BATS_TEST_TMPDIR/s"
	mig-load -q --defer-constraints=all --jobs 2 -b 1000 -c "$ck" "$url" "$BATS_TEST_TMPDIR/s" \
		>"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" &
	loader=$!
	pid=
	for i in $(seq 1 400); do
		pid=$(pgq "$db" "SELECT pid FROM pg_stat_activity WHERE query LIKE 'CREATE INDEX % s_slow ON %' AND state = 'active'")
		[ -n "$pid" ] && break
		sleep 0.025
	done
	[ -n "$pid" ]
	pgq "$db" "SELECT pg_terminate_backend($pid)" >/dev/null
	status=0
	wait "$loader" || status=$?
	[ "$status" = 3 ]
	grep -q "^mig-load: postgresql://.*: --defer-constraints: .*terminat" "$BATS_TEST_TMPDIR/err"
	[ "$(pgq "$db" "SELECT count(*) FROM s")" = 4000 ]
	[ "$(pgq "$db" "SELECT count(*) FROM _mig_load_deferred WHERE name = 's_slow'")" = 1 ]
	run -0 --separate-stderr mig-load -q --defer-constraints=all --jobs 2 -b 1000 -c "$ck" "$url" "$BATS_TEST_TMPDIR/s"
	defs_s >"$BATS_TEST_TMPDIR/after"
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
	[ "$(pgq "$db" "SELECT count(*) FROM _mig_load_deferred")" = 0 ]
	[ "$(pgq "$db" "SELECT count(*), count(DISTINCT id) FROM s")" = "4000	4000" ]
}

# An autovacuum of a freshly loaded table holds locks the rebuild's DDL
# waits for until the server cancels it, deadlock_timeout into the wait.
# No test can make autovacuum come on time, but log_lock_waits logs any
# wait when deadlock_timeout has passed: a session holding par for 1.5 s
# shows how long mig-load waited before that check.
@test "=all: a lock wait is checked (and an autovacuum in the way cancelled) after 100 ms; a role that may not set it keeps the server's" {
	make_tables
	log=$MIG_TEST_DIR/pg.log
	hold() {
		psql -X -q -h "$MIG_PG_SOCK" -p "$MIG_PG_PORT" -U postgres -d "$db" \
			-c "BEGIN; LOCK TABLE par IN SHARE UPDATE EXCLUSIVE MODE; SELECT pg_sleep(1.5); COMMIT" >/dev/null &
		until [ "$(pgq "$db" "SELECT count(*) FROM pg_locks WHERE relation = 'par'::regclass AND mode = 'ShareUpdateExclusiveLock' AND granted")" = 1 ]; do
			sleep 0.05
		done
	}
	waited() {
		tail -c +$(($1 + 1)) "$log" | grep -o 'still waiting for [A-Za-z]*Lock on relation [0-9]* of database [0-9]* after [0-9.]* ms' |
			sed 's/.* after \([0-9]*\)\..*/\1/'
	}
	n=$(wc -c <"$log")
	hold
	PGOPTIONS="-c log_lock_waits=on" run -0 mig-load -q --defer-constraints=all -b 50000 -c "$ck" "$url" "$in"
	wait
	ms=$(waited "$n")
	[ -n "$ms" ]
	for m in $ms; do [ "$m" -ge 100 ] && [ "$m" -lt 500 ]; done
	[ "$(pgq "$db" "SELECT count(*) FROM big")" = 200000 ]
	[ "$(pgq "$db" "SELECT count(*) FROM pg_constraint WHERE conname = 'big_p' AND convalidated")" = 1 ]

	# a role without the right to set it (log_lock_waits set for it by a
	# superuser): the same load, at the server's 1 s
	role=nosu_$db
	pgq "$db" "DROP ROLE IF EXISTS $role; CREATE ROLE $role LOGIN; ALTER ROLE $role SET log_lock_waits = on;
		GRANT CREATE ON SCHEMA public TO $role;
		ALTER TABLE par OWNER TO $role; ALTER TABLE big OWNER TO $role; ALTER TABLE kid OWNER TO $role;
		TRUNCATE kid, big; DROP TABLE IF EXISTS _mig_load_checkpoint, _mig_load_deferred"
	rm -f "$ck"
	n=$(wc -c <"$log")
	hold
	run -0 mig-load -q --defer-constraints=all -b 50000 -c "$ck" "${url/user=postgres/user=$role}" "$in"
	wait
	ms=$(waited "$n")
	[ -n "$ms" ]
	for m in $ms; do [ "$m" -ge 1000 ]; done
	[ "$(pgq "$db" "SELECT count(*) FROM big")" = 200000 ]
	pgq "$db" "DROP OWNED BY $role; DROP ROLE $role"
}

@test "=all: a key saved by an older mig-load (no index definition kept) comes back; the table gains the column" {
	pg_newdb "$db"
	url=$(pg_url "$db")
	pgq "$db" "CREATE TABLE k (id int NOT NULL, v text);
		CREATE TABLE _mig_load_deferred (ord serial PRIMARY KEY, schema_name text, table_name text NOT NULL,
			kind text NOT NULL, name text NOT NULL, def text NOT NULL, cols text, ref text, ref_cols text, key_cols text);
		INSERT INTO _mig_load_deferred (schema_name, table_name, kind, name, def, cols) VALUES ('public', 'k', 'key', 'k_pk', 'PRIMARY KEY (id)', 'id')"
	printf '@k,id:int,v:text\nk,1,a\nk,2,b\n' >"$BATS_TEST_TMPDIR/k"
	run -0 --separate-stderr mig-load -q --defer-constraints=all --jobs 2 -b 1 -c "$ck" "$url" "$BATS_TEST_TMPDIR/k"
	[ "$(pgq "$db" "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'k'::regclass")" = "k_pk	PRIMARY KEY (id)" ]
	[ "$(pgq "$db" "SELECT count(*) FROM _mig_load_deferred")" = 0 ]
	[ "$(pgq "$db" "SELECT count(*) FROM information_schema.columns WHERE table_name = '_mig_load_deferred' AND column_name = 'index_def'")" = 1 ]
	[ "$(pgq "$db" "SELECT count(*) FROM k")" = 2 ]
}

@test "=all: a run without the option restores keys a killed run left dropped" {
	make_tables
	defs >"$BATS_TEST_TMPDIR/before"
	load_kill_after_batch --defer-constraints=all -b 20000 -c "$ck" "$url" "$in"
	run -0 --separate-stderr mig-load -q -b 20000 -c "$ck" "$url" "$in"
	[[ "$stderr" == *"re-creating 6 constraints and indexes left deferred by an earlier run" ]]
	defs >"$BATS_TEST_TMPDIR/after"
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
	[ "$(pgq "$db" "SELECT count(*), count(DISTINCT id) FROM big")" = "200000	200000" ]
}

@test "=all killed, then --upsert: refused until the keys are back" {
	make_tables
	load_kill_after_batch --defer-constraints=all -b 20000 -c "$ck" "$url" "$in"
	n=$(pgq "$db" "SELECT count(*) FROM big")
	printf '@big,id:int,v:text,p:int\nbig,7919,changed,1\n' >"$BATS_TEST_TMPDIR/up"
	run -2 --separate-stderr mig-load -q --upsert "$url" "$BATS_TEST_TMPDIR/up"
	[ "$stderr" = 'mig-load: big: a --defer-constraints=all run was stopped with the table'"'"'s keys dropped, and --upsert needs them: finish that run, or run mig-load without --upsert first' ]
	[ "$(pgq "$db" "SELECT count(*) FROM big")" = "$n" ]
	# a run without --upsert (here: no rows) puts them back; then the upsert works
	printf '@big,id:int,v:text,p:int\n' | mig-load -q "$url" >/dev/null 2>&1
	run -0 mig-load -q --upsert "$url" "$BATS_TEST_TMPDIR/up"
	[ "$(pgq "$db" "SELECT v FROM big WHERE id = 7919")" = changed ]
}

@test "=all: duplicate keys: reported, committed, left saved; a rerun after the fix restores them" {
	pg_newdb "$db"
	url=$(pg_url "$db")
	pgq "$db" "CREATE TABLE p (id int CONSTRAINT p_pk PRIMARY KEY, email text CONSTRAINT p_email_key UNIQUE, n int);
		CREATE TABLE a (id int PRIMARY KEY, pid int CONSTRAINT a_pid REFERENCES p)"
	cat >"$BATS_TEST_TMPDIR/in" <<-'EOF'
	@p,id:int,email:text,n:int
	p,1,ann@example.org,1
	p,2,bo@example.org,2
	p,2,cy@example.org,3
	p,4,ann@example.org,4
	p,5,ann@example.org,5
	p,6,,6
	p,7,,7
	EOF
	dups='mig-load: p: primary key p_pk ("id"): 1 keys appear more than once (2 rows); not re-created, its definition stays in _mig_load_deferred: remove the duplicates and run mig-load again
mig-load: p: unique constraint p_email_key ("email"): 1 keys appear more than once (3 rows); not re-created, its definition stays in _mig_load_deferred: remove the duplicates and run mig-load again
mig-load: a: foreign key a_pid: not re-created (there is no unique constraint matching given keys for referenced table "p"); its definition stays in _mig_load_deferred'
	# built side by side, the keys fail and are reported as one after another
	run -1 --separate-stderr mig-load -q --defer-constraints=all --jobs 2 -b 3 -c "$ck.j" "$url" "$BATS_TEST_TMPDIR/in"
	[ "$stderr" = "$dups" ]
	[ "$(pgq "$db" "SELECT string_agg(kind || ' ' || name, ', ' ORDER BY ord) FROM _mig_load_deferred")" = \
		'rfk a_pid, key p_pk, key p_email_key' ]
	pgq "$db" "TRUNCATE p; DROP TABLE _mig_load_deferred; ALTER TABLE p ADD CONSTRAINT p_pk PRIMARY KEY (id);
		ALTER TABLE p ADD CONSTRAINT p_email_key UNIQUE (email); ALTER TABLE a ADD CONSTRAINT a_pid FOREIGN KEY (pid) REFERENCES p"
	run -1 --separate-stderr mig-load -q --defer-constraints=all -c "$ck" "$url" "$BATS_TEST_TMPDIR/in"
	[ "$stderr" = "$dups" ]
	[ "$(pgq "$db" "SELECT count(*) FROM p")" = 7 ]
	[ "$(pgq "$db" "SELECT string_agg(kind || ' ' || name, ', ' ORDER BY ord) FROM _mig_load_deferred")" = \
		'rfk a_pid, key p_pk, key p_email_key' ]
	# values only with --show-values
	pgq "$db" "DELETE FROM p WHERE n = 3"
	run -1 --separate-stderr mig-load -q --show-values -c "$ck" "$url" "$BATS_TEST_TMPDIR/in"
	[ "$stderr" = 'mig-load: p: re-creating 3 constraints and indexes left deferred by an earlier run
mig-load: p: unique constraint p_email_key ("email"): 1 keys appear more than once (3 rows); not re-created, its definition stays in _mig_load_deferred: remove the duplicates and run mig-load again
mig-load: p: p_email_key: key ("email")=(ann@example.org) in 3 rows' ]
	# a_pid references the primary key, back now: it comes back with it
	[ "$(pgq "$db" "SELECT string_agg(kind || ' ' || name, ', ' ORDER BY ord) FROM _mig_load_deferred")" = 'key p_email_key' ]
	pgq "$db" "DELETE FROM p WHERE n IN (4, 5)"
	run -0 --separate-stderr mig-load -q -c "$ck" "$url" "$BATS_TEST_TMPDIR/in"
	[ "$(pgq "$db" "SELECT count(*) FROM _mig_load_deferred")" = 0 ]
	[ "$(pgq "$db" "SELECT string_agg(conname || ' ' || pg_get_constraintdef(oid), ', ' ORDER BY conname) FROM pg_constraint
		WHERE conrelid IN ('p'::regclass, 'a'::regclass) AND contype <> 'p' OR conname = 'p_pk'")" = \
		'a_pid FOREIGN KEY (pid) REFERENCES p(id), p_email_key UNIQUE (email), p_pk PRIMARY KEY (id)' ]
}

@test "=all refused with --upsert, and a bad value, at usage time" {
	run -2 --separate-stderr mig-load --upsert --defer-constraints=all postgresql:///nowhere </dev/null
	[ "$stderr" = 'mig-load: --upsert needs its unique key while rows go in: not with --defer-constraints=all' ]
	run -2 --separate-stderr mig-load --defer-constraints=keys postgresql:///nowhere </dev/null
	[ "$stderr" = 'mig-load: --defer-constraints=keys: fk or all expected' ]
	run -2 --separate-stderr mig-load --defer-constraints=all csv:"$BATS_TEST_TMPDIR/o" </dev/null
	[[ "$stderr" == *"--upsert, --insert-only and --defer-constraints need a database target" ]]
	# --jobs counts sessions: 1 to 64
	run -2 --separate-stderr mig-load --jobs 0 --defer-constraints=all postgresql:///nowhere </dev/null
	[ "$stderr" = "mig-load: invalid jobs '0': expected a number from 1 to 64" ]
	run -2 mig-load --jobs 65 --defer-constraints=all postgresql:///nowhere </dev/null
}

@test "=all on MariaDB and SQLite: keys stay live, rows load" {
	my_newdb "$db"
	myq "$db" "CREATE TABLE t (id int PRIMARY KEY, e varchar(20) UNIQUE)"
	printf '@t,id:int,e:text\nt,1,a\nt,2,b\n' >"$BATS_TEST_TMPDIR/in"
	run -0 mig-load -q --defer-constraints=all "$(my_url "$db")" "$BATS_TEST_TMPDIR/in"
	[ "$(myq "$db" "SELECT count(*) FROM t")" = 2 ]
	printf '@t,id:int,e:text\nt,3,a\n' >"$BATS_TEST_TMPDIR/dup"
	run -1 --separate-stderr mig-load -q --defer-constraints=all "$(my_url "$db")" "$BATS_TEST_TMPDIR/dup"
	[ "$(myq "$db" "SELECT count(*) FROM t")" = 2 ]
	dbf=$BATS_TEST_TMPDIR/t.db
	sqlite3 "$dbf" "CREATE TABLE t (id integer PRIMARY KEY, e text UNIQUE)"
	run -0 mig-load -q --defer-constraints=all "sqlite:$dbf" "$BATS_TEST_TMPDIR/in"
	[ "$(sqlite3 "$dbf" "SELECT count(*) FROM t")" = 2 ]
}
