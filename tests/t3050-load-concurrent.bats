#!/usr/bin/env bats
# mig-load runs at the same time on one target: the bookkeeping tables are
# created once, and --defer-constraints runs touch only the saved
# definitions of their own tables.

load lib-common

setup() {
	require_servers
	db=$(test_db)
	pg_newdb "$db"
	url=$(pg_url "$db")
}

teardown() {
	# a run left waiting by a failed assertion must not outlive the test
	if [ -n "${pid:-}" ]; then kill "$pid" 2>/dev/null || true; fi
	exec 7>&- 2>/dev/null || true
	exec 8>&- 2>/dev/null || true
	if [ -n "${cpid:-}" ]; then kill "$cpid" 2>/dev/null || true; fi
}

# Two tables, each with a parent, a foreign key and an index to defer.
two_tables() {
	pgq "$db" "CREATE TABLE par (id int PRIMARY KEY); INSERT INTO par SELECT generate_series(1, 100);
		CREATE TABLE a (id int PRIMARY KEY, p int CONSTRAINT a_p REFERENCES par, v text);
		CREATE INDEX a_v ON a (lower(v));
		CREATE TABLE b (id int PRIMARY KEY, p int CONSTRAINT b_p REFERENCES par, v text);
		CREATE INDEX b_v ON b (v)"
}

defs() {
	pgq "$db" "SELECT conrelid::regclass, conname, pg_get_constraintdef(oid) FROM pg_constraint
			WHERE conrelid IN ('a'::regclass, 'b'::regclass) ORDER BY 1, 2;
		SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('a', 'b') ORDER BY 1"
}

rows() {
	awk -v t="$1" -v n="$2" 'BEGIN { print "@" t ",id:int,p:int,v:text"
		for (i = 1; i <= n; i++) print t "," i "," (i % 100) + 1 ",v" i }'
}

# Start a --defer-constraints load of table a fed through a FIFO, and
# wait until its first batch (the saved definitions with it) is committed.
start_a() {
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	mig-load -q "$@" -b 10 -c "$BATS_TEST_TMPDIR/ck.a" "$url" "$BATS_TEST_TMPDIR/fifo" \
		>"$BATS_TEST_TMPDIR/a.out" 2>"$BATS_TEST_TMPDIR/a.err" &
	pid=$!
	exec 7>"$BATS_TEST_TMPDIR/fifo"
	rows a 20 >&7
	for i in $(seq 1 100); do
		[ "$(pgq "$db" "SELECT count(*) FROM _mig_load_checkpoint" 2>/dev/null)" = 1 ] && break
		sleep 0.05
	done
	[ "$(pgq "$db" "SELECT table_name, count(*) FROM _mig_load_deferred GROUP BY 1")" = "a	2" ]
}

@test "a deferred load of another table leaves this load's saved definitions alone" {
	two_tables
	defs >"$BATS_TEST_TMPDIR/before"
	start_a --defer-constraints
	run -0 mig-load -q --defer-constraints -b 10 "$url" < <(rows b 30)
	# b's own are back, a's are still saved and still dropped
	[ "$(pgq "$db" "SELECT table_name, count(*) FROM _mig_load_deferred GROUP BY 1")" = "a	2" ]
	[ "$(pgq "$db" "SELECT count(*) FROM pg_indexes WHERE indexname = 'a_v'")" = 0 ]
	[ "$(pgq "$db" "SELECT count(*) FROM pg_indexes WHERE indexname = 'b_v'")" = 1 ]
	# a plain load of b, which restores leftovers, leaves them alone too
	run -0 --separate-stderr mig-load -q --upsert "$url" < <(rows b 30)
	[ -z "$stderr" ]
	[ "$(pgq "$db" "SELECT table_name, count(*) FROM _mig_load_deferred GROUP BY 1")" = "a	2" ]
	exec 7>&-
	wait "$pid"
	pid=
	defs >"$BATS_TEST_TMPDIR/after"
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
	[ "$(pgq "$db" "SELECT count(*) FROM _mig_load_deferred")" = 0 ]
	[ "$(pgq "$db" "SELECT (SELECT count(*) FROM a), (SELECT count(*) FROM b)")" = "20	30" ]
}

@test "a killed run's leftovers wait for the rerun of its tables, not another table's run" {
	two_tables
	defs >"$BATS_TEST_TMPDIR/before"
	start_a --defer-constraints
	kill -9 "$pid"
	wait "$pid" || true
	pid=
	exec 7>&-
	run -0 mig-load -q --defer-constraints "$url" < <(rows b 30)
	run -0 mig-load -q "$url" < <(printf '@par,id:int\npar,1000\n')
	[ "$(pgq "$db" "SELECT table_name, count(*) FROM _mig_load_deferred GROUP BY 1")" = "a	2" ]
	# the same command again finishes the job and puts a's definitions back
	run -0 mig-load -q --defer-constraints -b 10 -c "$BATS_TEST_TMPDIR/ck.a" "$url" < <(rows a 20)
	defs >"$BATS_TEST_TMPDIR/after"
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
	[ "$(pgq "$db" "SELECT count(*) FROM _mig_load_deferred")" = 0 ]
	[ "$(pgq "$db" "SELECT count(*), count(DISTINCT id) FROM a")" = "20	20" ]
}

@test "two deferred loads of one table take turns" {
	two_tables
	defs >"$BATS_TEST_TMPDIR/before"
	start_a --defer-constraints
	mig-load --defer-constraints --upsert "$url" < <(rows a 50) >/dev/null 2>"$BATS_TEST_TMPDIR/second.err" 7>&- &
	second=$!
	mig-load -q --defer-constraints --upsert "$url" < <(rows a 50) >/dev/null 2>"$BATS_TEST_TMPDIR/third.err" 7>&- &
	third=$!
	# both waiting for the first's lock (under ASan a second can pass before they start), not loading under it
	for i in $(seq 1 300); do
		[ "$(pgq "$db" "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")" = 2 ] && break
		sleep 0.1
	done
	[ "$(pgq "$db" "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")" = 2 ]
	kill -0 "$second"
	kill -0 "$third"
	exec 7>&-
	wait "$pid"
	pid=
	wait "$second"
	wait "$third"
	# it said why it waited, and nothing went wrong; with -q, nothing at all
	[ "$(head -n 1 "$BATS_TEST_TMPDIR/second.err")" = "mig-load: a: waiting for another --defer-constraints load of this table to finish" ]
	[ "$(sed 1d "$BATS_TEST_TMPDIR/second.err")" = "mig-load: a: 50 rows loaded, 0 rejected" ]
	[ ! -s "$BATS_TEST_TMPDIR/third.err" ]
	defs >"$BATS_TEST_TMPDIR/after"
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
	[ "$(pgq "$db" "SELECT count(*) FROM _mig_load_deferred")" = 0 ]
	[ "$(pgq "$db" "SELECT count(*) FROM a")" = 50 ]
}

# Hold pg_type so that two runs (options "$@", plus a checkpoint file each
# when ck is set) reach CREATE TABLE together, then let go: IF NOT EXISTS
# alone lets the second collide in pg_type_typname_nsp_index.
race() {
	PGOPTIONS="-c client_min_messages=warning" psql -X -q -h "$MIG_PG_SOCK" -p "$MIG_PG_PORT" -U postgres -d "$db" \
		-c "BEGIN; LOCK pg_type IN SHARE MODE; SELECT pg_sleep(1.5); COMMIT" >/dev/null &
	locker=$!
	sleep 0.3
	mig-load -q "$@" ${ck:+-c "$BATS_TEST_TMPDIR/c1"} "$url" < <(rows a 5) >/dev/null 2>"$BATS_TEST_TMPDIR/e1" &
	r1=$!
	mig-load -q "$@" ${ck:+-c "$BATS_TEST_TMPDIR/c2"} "$url" < <(rows b 5) >/dev/null 2>"$BATS_TEST_TMPDIR/e2" &
	r2=$!
	wait "$locker"
	s1=0 s2=0
	wait "$r1" || s1=$?
	wait "$r2" || s2=$?
	cat "$BATS_TEST_TMPDIR/e1" "$BATS_TEST_TMPDIR/e2"
	[ "$s1$s2" = 00 ]
	[ ! -s "$BATS_TEST_TMPDIR/e1" ] && [ ! -s "$BATS_TEST_TMPDIR/e2" ]
	[ "$(pgq "$db" "SELECT (SELECT count(*) FROM a), (SELECT count(*) FROM b)")" = "5	5" ]
}

@test "two first runs at once both create the checkpoint table" {
	two_tables
	ck=1 race -b 2
	[ "$(pgq "$db" "SELECT count(DISTINCT run_id) FROM _mig_load_checkpoint")" = 2 ]
}

@test "two first --defer-constraints runs at once both create the saved-definitions table" {
	two_tables
	defs >"$BATS_TEST_TMPDIR/before"
	race --defer-constraints
	defs >"$BATS_TEST_TMPDIR/after"
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
}

@test "MariaDB: two first checkpointed runs at once" {
	my_newdb "$db"
	url=$(my_url "$db")
	myq "$db" "CREATE TABLE a (id int PRIMARY KEY, p int, v text); CREATE TABLE b (id int PRIMARY KEY, p int, v text)"
	mig-load -q -b 2 -c "$BATS_TEST_TMPDIR/c1" "$url" < <(rows a 5) >/dev/null 2>"$BATS_TEST_TMPDIR/e1" &
	r1=$!
	mig-load -q -b 2 -c "$BATS_TEST_TMPDIR/c2" "$url" < <(rows b 5) >/dev/null 2>"$BATS_TEST_TMPDIR/e2" &
	r2=$!
	wait "$r1"
	wait "$r2"
	[ ! -s "$BATS_TEST_TMPDIR/e1" ] && [ ! -s "$BATS_TEST_TMPDIR/e2" ]
	[ "$(myq "$db" "SELECT count(DISTINCT run_id) FROM _mig_load_checkpoint")" = 2 ]
}

# Another session creates and drops an index and a unique constraint of
# an unrelated table, over and over, as a deferred load of that table
# does.  The catalog read of a load (outside a transaction) and of an
# extract (inside its snapshot) meets half-dropped objects: PostgreSQL's
# "cache lookup failed" is retried, not reported.
@test "PostgreSQL: loads and extracts read the catalog while another session drops keys and indexes" {
	pgq "$db" "CREATE TABLE a (id int PRIMARY KEY, v text);
		CREATE TABLE churn (id int PRIMARY KEY, v text, w text)"
	for i in $(seq 1 20000); do
		echo "CREATE INDEX ci ON churn (v, w); ALTER TABLE churn ADD CONSTRAINT cu UNIQUE (w);"
		echo "DROP INDEX ci; ALTER TABLE churn DROP CONSTRAINT cu;"
	done >"$BATS_TEST_TMPDIR/churn.sql"
	psql -q "$url" -f "$BATS_TEST_TMPDIR/churn.sql" >/dev/null 2>&1 &
	pid=$!
	for i in $(seq 1 20); do
		printf '@a,id:int,v:text\na,%d,x\n' "$i" | mig-load -q "$url"
		mig-extract --schema "$url" >/dev/null
	done
	kill "$pid"
	pid=
	[ "$(pgq "$db" "SELECT count(*) FROM a")" = 20 ]
}

# A parent p and its child c, each loaded (--defer-constraints=all, a
# commit per row) from a fifo this test writes, so that both runs are live
# at the moments the test chooses.
parent_child() {
	pgq "$db" "CREATE TABLE p (id int PRIMARY KEY);
		CREATE TABLE c (id int PRIMARY KEY, pid int NOT NULL CONSTRAINT c_pid REFERENCES p)"
	mkfifo "$BATS_TEST_TMPDIR/pf" "$BATS_TEST_TMPDIR/cf"
}
saved() { pgq "$db" "SELECT count(*) FROM _mig_load_deferred WHERE table_name = '$1' AND kind = '$2'" 2>/dev/null || echo 0; }
until_saved() {
	local i
	for i in $(seq 1 100); do
		[ "$(saved "$1" "$2")" != 0 ] && return 0
		sleep 0.1
	done
	return 1
}
start_load() {
	local t=$1
	mig-load -b 1 --defer-constraints=all "$url" < "$BATS_TEST_TMPDIR/${t}f" > /dev/null 2> "$BATS_TEST_TMPDIR/$t.err" 7>&- 8>&- &
}
after_both() {
	[ "$(pgq "$db" "SELECT convalidated FROM pg_constraint WHERE conname = 'c_pid'")" = t ]
	[ "$(pgq "$db" "SELECT count(*) FROM pg_constraint WHERE contype = 'p' AND conrelid IN ('p'::regclass, 'c'::regclass)")" = 2 ]
	[ "$(pgq "$db" "SELECT count(*) FROM _mig_load_deferred")" = 0 ]
	[ "$(pgq "$db" "SELECT (SELECT count(*) FROM p), (SELECT count(*) FROM c)")" = "2	3" ]
}

@test "=all: a child loaded beside its parent waits, at its end, for the parent's keys" {
	parent_child
	start_load c
	cpid=$!
	exec 8> "$BATS_TEST_TMPDIR/cf"
	printf '@c,id:int,pid:int\nc,1,1\nc,2,2\n' >&8
	until_saved c fk
	start_load p
	pid=$!
	exec 7> "$BATS_TEST_TMPDIR/pf"
	printf '@p,id:int\np,1\n' >&7
	until_saved p key
	# the child's rows are all in, but its parent's are not, nor its key
	printf 'c,3,2\n' >&8
	exec 8>&-
	sleep 1
	kill -0 "$cpid"
	printf 'p,2\n' >&7
	exec 7>&-
	wait "$pid"
	pid=
	wait "$cpid"
	grep -qx 'mig-load: waiting for another --defer-constraints load of public.p to finish' "$BATS_TEST_TMPDIR/c.err"
	after_both
}

@test "=all: a parent loaded beside its child waits, at its end, for the child's rows" {
	parent_child
	start_load p
	pid=$!
	exec 7> "$BATS_TEST_TMPDIR/pf"
	printf '@p,id:int\np,1\n' >&7
	# the parent took the child's foreign key, which needs its key
	until_saved p rfk
	start_load c
	cpid=$!
	exec 8> "$BATS_TEST_TMPDIR/cf"
	printf '@c,id:int,pid:int\nc,1,1\n' >&8
	until_saved c key
	printf 'p,2\n' >&7
	exec 7>&-
	sleep 1
	kill -0 "$pid"
	printf 'c,2,2\nc,3,2\n' >&8
	exec 8>&-
	wait "$cpid"
	wait "$pid"
	pid=
	grep -qx 'mig-load: waiting for another --defer-constraints load of public.c to finish' "$BATS_TEST_TMPDIR/p.err"
	after_both
}

# Wait (in the server, polling every 5 ms) until a session runs VALIDATE
# CONSTRAINT, then run SQL $1 with :pid set to that session's pid.
# Exit status 0 only if SQL raised nothing.
at_validate() {
	PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 -h "$MIG_PG_SOCK" -p "$MIG_PG_PORT" \
		-U postgres -d "$db" <<SQL
CREATE TEMP TABLE seen (pid int);
DO \$\$
DECLARE v int;
BEGIN
	FOR i IN 1..12000 LOOP
		PERFORM pg_stat_clear_snapshot();
		SELECT pid INTO v FROM pg_stat_activity
			WHERE state = 'active' AND query LIKE 'ALTER TABLE % VALIDATE CONSTRAINT %' AND pid <> pg_backend_pid();
		IF v IS NOT NULL THEN INSERT INTO seen VALUES (v); RETURN; END IF;
		PERFORM pg_sleep(0.005);
	END LOOP;
	RAISE 'no VALIDATE CONSTRAINT seen in 60 s';
END \$\$;
SELECT pid AS pid FROM seen \gset
$1
SQL
}

# A child whose validation takes a while: a million rows already in it,
# ten more loaded with its foreign key deferred.
big_child() {
	pgq "$db" "CREATE TABLE par (id int PRIMARY KEY); INSERT INTO par SELECT generate_series(1, 1000000);
		CREATE TABLE kid (id int PRIMARY KEY, p int NOT NULL CONSTRAINT kid_p REFERENCES par);
		ALTER TABLE kid DROP CONSTRAINT kid_p; INSERT INTO kid SELECT g, g FROM generate_series(1, 1000000) g;
		ALTER TABLE kid ADD CONSTRAINT kid_p FOREIGN KEY (p) REFERENCES par;
		CREATE TABLE sib (id int PRIMARY KEY, p int)"
	awk 'BEGIN { print "@kid,id:int,p:int"; for (i = 1000001; i <= 1000010; i++) print "kid," i "," (i % 1000) + 1 }' \
		>"$BATS_TEST_TMPDIR/kid.csv"
}

@test "a batched deferred load validates its foreign keys without its parent locked: a sibling adds its own meanwhile" {
	big_child
	mig-load -q -b 5 --defer-constraints "$url" "$BATS_TEST_TMPDIR/kid.csv" >/dev/null &
	pid=$!
	# while the child's key is validated: no SHARE ROW EXCLUSIVE on the
	# parent (ADD FOREIGN KEY's), so a sibling's ADD ... NOT VALID goes
	# through at once
	at_validate "SELECT count(*) = 0 AS free FROM pg_locks WHERE pid = :pid AND relation = 'par'::regclass
			AND mode = 'ShareRowExclusiveLock' AND granted \gset
\if :free
\else
	DO \$\$BEGIN RAISE 'the parent is locked during validation'; END\$\$;
\endif
SET lock_timeout = '5s';
ALTER TABLE sib ADD CONSTRAINT sib_p FOREIGN KEY (p) REFERENCES par NOT VALID;"
	wait "$pid"
	pid=
	[ "$(pgq "$db" "SELECT count(*), bool_and(convalidated) FROM pg_constraint WHERE conname = 'kid_p'")" = "1	t" ]
	[ "$(pgq "$db" "SELECT count(*) FROM kid")" = 1000010 ]
	[ "$(pgq "$db" "SELECT count(*) FROM _mig_load_deferred")" = 0 ]
}

@test "a run stopped between adding a foreign key NOT VALID and validating it: the rerun validates it" {
	big_child
	mig-load -q -b 5 -c "$BATS_TEST_TMPDIR/ck.json" --defer-constraints "$url" "$BATS_TEST_TMPDIR/kid.csv" \
		>/dev/null 2>"$BATS_TEST_TMPDIR/err" &
	pid=$!
	at_validate "SELECT pg_terminate_backend(:pid) AS gone \gset"
	local rc=0
	wait "$pid" || rc=$?
	pid=
	[ "$rc" = 3 ]
	# the key is back, not yet valid, its definition still saved
	[ "$(pgq "$db" "SELECT count(*), bool_and(convalidated) FROM pg_constraint WHERE conname = 'kid_p'")" = "1	f" ]
	[ "$(pgq "$db" "SELECT name FROM _mig_load_deferred")" = kid_p ]
	run -0 mig-load -q -b 5 -c "$BATS_TEST_TMPDIR/ck.json" --defer-constraints "$url" "$BATS_TEST_TMPDIR/kid.csv"
	[ "$(pgq "$db" "SELECT count(*), bool_and(convalidated) FROM pg_constraint WHERE conname = 'kid_p'")" = "1	t" ]
	[ "$(pgq "$db" "SELECT count(*) FROM kid")" = 1000010 ]
	[ "$(pgq "$db" "SELECT count(*) FROM _mig_load_deferred")" = 0 ]
}
