#!/usr/bin/env bats
# A checkpoint belongs to one run at a time: a second mig-load given the
# same checkpoint while the first runs refuses (exit 2) before touching
# the target, so concurrent runs never load a row twice.
load lib-common

setup() {
	require_servers
	db=$(test_db)
	cd "$BATS_TEST_TMPDIR"
	python3 -c 'import sys
w = sys.stdout.write
w("@t,id:int,v:text\n")
for i in range(1, 200001):
    w("t,%d,v%d\n" % (i, i))' > s.mig
}

@test "a held checkpoint is refused with exit 2, and the target is untouched" {
	pg_newdb "$db"
	pgq "$db" "CREATE TABLE t (id int, v text)"
	url=$(pg_url "$db")
	# a holder whose own process keeps the lock: killing it frees the lock
	python3 -c 'import fcntl, time
f = open("ck.json.lock", "w"); fcntl.flock(f, fcntl.LOCK_EX); open("held", "w").close(); time.sleep(60)' &
	holder=$!
	until [ -e held ]; do sleep 0.1; done
	run -2 --separate-stderr mig-load -b 10000 -c ck.json "$url" s.mig
	kill "$holder"; wait "$holder" 2>/dev/null || true
	[ "$stderr" = "mig-load: ck.json: checkpoint in use by another run: nothing done" ]
	[ ! -e ck.json ]
	[ "$(pgq "$db" "SELECT count(*) FROM t")" = 0 ]
	# once free, the same command loads everything, and names itself in the lock file
	run -0 --separate-stderr mig-load -q -b 10000 -c ck.json "$url" s.mig
	[ "$(pgq "$db" "SELECT count(*) FROM t")" = 200000 ]
	[ -s ck.json.lock ]
}

concurrent() {
	local a b
	mig-load -q -b 10000 -c ck.json "$@" s.mig >a.out 2>a.err & a=$!
	mig-load -q -b 10000 -c ck.json "$@" s.mig >b.out 2>b.err & b=$!
	sa=0; wait "$a" || sa=$?
	sb=0; wait "$b" || sb=$?
	# each run either loaded or refused; a refusal says why
	for s in "$sa:a" "$sb:b"; do
		case ${s%%:*} in
		0) ;;
		2) grep -q 'checkpoint in use by another run' "${s#*:}.err" ;;
		*) cat "${s#*:}.err"; return 1 ;;
		esac
	done
	! grep -q 'cannot rename' a.err b.err
}

@test "two runs at once on one checkpoint load every row once (PostgreSQL, keys deferred)" {
	pg_newdb "$db"
	pgq "$db" "CREATE TABLE t (id int PRIMARY KEY, v text)"
	url=$(pg_url "$db")
	concurrent --defer-constraints=all "$url"
	[ "$(pgq "$db" "SELECT count(*), count(DISTINCT id) FROM t")" = "200000	200000" ]
	[ "$(pgq "$db" "SELECT count(*) FROM pg_constraint WHERE conrelid = 't'::regclass AND contype = 'p'")" = 1 ]
	run -0 --separate-stderr mig-load -q -b 10000 -c ck.json "$url" s.mig
	[ "$(pgq "$db" "SELECT count(*) FROM t")" = 200000 ]
}

@test "two runs at once on one checkpoint load every row once (MariaDB, no key)" {
	my_newdb "$db"
	myq "$db" "CREATE TABLE t (id int, v text)"
	url=$(my_url "$db")
	concurrent "$url"
	[ "$(myq "$db" "SELECT count(*), count(DISTINCT id) FROM t")" = "200000	200000" ]
}

@test "the bookkeeping row keeps a last key holding quotes and backslashes (PostgreSQL, MariaDB, SQLite)" {
	cat >"$BATS_TEST_TMPDIR/in" <<-'IN'
	@k,k:text,v:int
	k,"a""b\c",1
	k,"d\e'f",2
	IN
	want='["d\\e'"'"'f"]'
	pg_newdb "$db"
	pgq "$db" "CREATE TABLE k (k text PRIMARY KEY, v int)"
	run -0 mig-load -q -b 1 -c "$BATS_TEST_TMPDIR/pg.json" "$(pg_url "$db")" "$BATS_TEST_TMPDIR/in"
	[ "$(pgq "$db" "SELECT last_key FROM _mig_load_checkpoint" | jq -c .)" = "$want" ]
	my_newdb "$db"
	myq "$db" "CREATE TABLE k (k varchar(20) PRIMARY KEY, v int)"
	run -0 mig-load -q -b 1 -c "$BATS_TEST_TMPDIR/my.json" "$(my_url "$db")" "$BATS_TEST_TMPDIR/in"
	# the mysql client escapes backslashes on output: compare the bytes
	[ "$(myq "$db" "SELECT HEX(last_key) FROM _mig_load_checkpoint")" = "$(printf %s "$want" | od -An -tx1 | tr -d ' \n' | tr a-f A-F)" ]
	sqlite3 "$BATS_TEST_TMPDIR/t.db" "CREATE TABLE k (k text PRIMARY KEY, v int)"
	run -0 mig-load -q -b 1 -c "$BATS_TEST_TMPDIR/sq.json" "sqlite:$BATS_TEST_TMPDIR/t.db" "$BATS_TEST_TMPDIR/in"
	[ "$(sqlite3 "$BATS_TEST_TMPDIR/t.db" "SELECT last_key FROM _mig_load_checkpoint" | jq -c .)" = "$want" ]
}

@test "a checkpoint that is not a regular file is refused, and left as it was" {
	[ "$(id -u)" -eq 0 ] || skip "making a device node needs root"
	mknod -m 666 "$BATS_TEST_TMPDIR/null" c 1 3
	printf '@t,id:int\nt,1\n' >"$BATS_TEST_TMPDIR/in"
	run -2 --separate-stderr mig-load -c "$BATS_TEST_TMPDIR/null" "csv:$BATS_TEST_TMPDIR/out" "$BATS_TEST_TMPDIR/in"
	[ "$stderr" = "mig-load: $BATS_TEST_TMPDIR/null: a checkpoint must be a regular file" ]
	[ -c "$BATS_TEST_TMPDIR/null" ]
	[ ! -e "$BATS_TEST_TMPDIR/out" ]
}

# The first 50,000 rows loaded under ck.json; then a session standing in
# for a killed run's, whose last COMMIT the server has yet to carry out:
# it holds the run's lock, has 10,000 more rows and the moved bookkeeping
# row in an open transaction, touches "held", and commits 2 s later.
# A rerun that read the positions before that COMMIT would load those
# 10,000 rows again.
half_then_orphan() {
	local kind=$1 url=$2 run
	head -n 50001 s.mig >half.mig
	run -0 mig-load -q -b 10000 -c ck.json "$url" half.mig
	run=$(jq -r .run ck.json)
	if [ "$kind" = pg ]; then
		PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 -h "$MIG_PG_SOCK" \
			-p "$MIG_PG_PORT" -U postgres -d "$db" >orphan.out 2>&1 <<-SQL &
		SELECT pg_advisory_lock(hashtext('_mig_load_checkpoint'), hashtext('$run'));
		BEGIN;
		INSERT INTO t SELECT i, 'v' || i FROM generate_series(50001, 60000) i;
		UPDATE _mig_load_checkpoint SET pos = pos + 10000, loaded = loaded + 10000 WHERE run_id = '$run';
		\! touch held
		SELECT pg_sleep(2);
		COMMIT;
		SQL
	else
		mariadb --no-defaults -S "$MIG_MY_SOCK" -uroot "$db" >orphan.out 2>&1 <<-SQL &
		SELECT GET_LOCK('_mig_load_checkpoint:$run', 0);
		SET max_recursive_iterations = 10000;
		BEGIN;
		INSERT INTO t WITH RECURSIVE s(i) AS (SELECT 50001 UNION ALL SELECT i + 1 FROM s WHERE i < 60000)
			SELECT i, CONCAT('v', i) FROM s;
		UPDATE _mig_load_checkpoint SET pos = pos + 10000, loaded = loaded + 10000 WHERE run_id = '$run';
		system touch held
		SELECT SLEEP(2);
		COMMIT;
		SQL
	fi
	orphan=$!
	for i in $(seq 1 200); do [ -e held ] && break; sleep 0.05; done
	[ -e held ]
}

# half_then_orphan, then the rerun; q: pgq or myq for the target.
# rerun_after_orphan KIND Q URL [-q]: with -q, the rerun waits as long and
# says nothing.
rerun_after_orphan() {
	local kind=$1 q=$2 url=$3 quiet=${4:-}
	$q "$db" "CREATE TABLE t (id int PRIMARY KEY, v text)"
	half_then_orphan "$kind" "$url"
	run -0 --separate-stderr mig-load $quiet -b 10000 -c ck.json "$url" s.mig
	wait "$orphan"
	if [ -n "$quiet" ]; then
		[ -z "$stderr" ]
	else
		[[ $stderr == *"mig-load: ck.json: waiting for the server to end the session of an earlier run of this load"* ]]
		[[ $stderr == *"(60000 records committed by an earlier run)"* ]]
	fi
	[ "$($q "$db" "SELECT count(*), count(DISTINCT id), max(id) FROM t")" = "200000	200000	200000" ]
	[ "$($q "$db" "SELECT pos, loaded FROM _mig_load_checkpoint")" = "200000	200000" ]
}

@test "a rerun waits for the server to end a killed run's session before it reads where to resume (PostgreSQL)" {
	pg_newdb "$db"
	rerun_after_orphan pg pgq "$(pg_url "$db")"
}

@test "a rerun waits for the server to end a killed run's session before it reads where to resume (MariaDB)" {
	my_newdb "$db"
	rerun_after_orphan my myq "$(my_url "$db")"
}

@test "with -q, a rerun waits for a killed run's session without a word (PostgreSQL)" {
	pg_newdb "$db"
	rerun_after_orphan pg pgq "$(pg_url "$db")" -q
}

# A wait for the run lock that ends without it (here its query killed on
# the server, as a DBA might) is not the lock: a rerun that went on would
# read positions an earlier run's session may still move.
# killed_wait KIND Q URL: the rerun's wait killed; its stderr in err.
killed_wait() {
	local kind=$1 q=$2 url=$3 run id status=0
	$q "$db" "CREATE TABLE t (id int PRIMARY KEY, v text)"
	head -n 50001 s.mig >half.mig
	run -0 mig-load -q -b 10000 -c ck.json "$url" half.mig
	run=$(jq -r .run ck.json)
	if [ "$kind" = pg ]; then
		PGOPTIONS="-c client_min_messages=warning" psql -X -q -h "$MIG_PG_SOCK" -p "$MIG_PG_PORT" \
			-U postgres -d "$db" >holder.out 2>&1 <<-SQL &
		SELECT pg_advisory_lock(hashtext('_mig_load_checkpoint'), hashtext('$run'));
		\! touch held
		SELECT pg_sleep(60);
		SQL
	else
		mariadb --no-defaults -S "$MIG_MY_SOCK" -uroot "$db" >holder.out 2>&1 <<-SQL &
		SELECT GET_LOCK('_mig_load_checkpoint:$run', 0);
		system touch held
		SELECT SLEEP(60);
		SQL
	fi
	holder=$!
	for i in $(seq 1 200); do [ -e held ] && break; sleep 0.05; done
	[ -e held ]
	mig-load -b 10000 -c ck.json "$url" s.mig >out 2>err &
	loader=$!
	id=
	for i in $(seq 1 200); do
		if [ "$kind" = pg ]; then
			id=$($q "$db" "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock'
				AND query LIKE '%pg_advisory_lock(%' AND pid <> pg_backend_pid()")
		else
			id=$($q "$db" "SELECT id FROM information_schema.processlist
				WHERE info LIKE '%GET_LOCK(%$run%31536000%' AND info NOT LIKE '%processlist%'")
		fi
		[ -n "$id" ] && break
		sleep 0.05
	done
	[ -n "$id" ]
	if [ "$kind" = pg ]; then
		$q "$db" "SELECT pg_cancel_backend($id)" >/dev/null
	else
		$q "$db" "KILL QUERY $id"
	fi
	wait "$loader" || status=$?
	if [ "$kind" = pg ]; then
		$q "$db" "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
			WHERE query LIKE 'SELECT pg_sleep(60)%' AND pid <> pg_backend_pid()" >/dev/null
	else
		for id in $($q "$db" "SELECT id FROM information_schema.processlist WHERE info LIKE 'SELECT SLEEP(60)%'"); do
			$q "$db" "KILL $id"
		done
	fi
	wait "$holder" 2>/dev/null || true
	[ "$status" = 3 ]
	[ "$($q "$db" "SELECT count(*) FROM t")" = 50000 ]
	[ "$($q "$db" "SELECT pos FROM _mig_load_checkpoint")" = 50000 ]
}

@test "a rerun whose wait for the run lock is killed on the server loads nothing (MariaDB)" {
	my_newdb "$db"
	killed_wait my myq "$(my_url "$db")"
	grep -q "^mig-load: ck.json: an earlier run of this load still holds .*, or the wait for it was cut short: nothing done$" err
}

@test "a rerun whose wait for the run lock is cancelled on the server loads nothing (PostgreSQL)" {
	pg_newdb "$db"
	killed_wait pg pgq "$(pg_url "$db")"
	grep -q "canceling statement due to user request" err
}
