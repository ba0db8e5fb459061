#!/usr/bin/env bats
# The medical migration sharded over three hosts: network namespaces with
# an sshd each, GNU parallel driving the shards over ssh, the target
# PostgreSQL on the bridge.  The target ends identical to a single-host
# run (rows and an order-independent checksum per table, crosswalks equal
# after sorting), mig-verify passes over the whole, and a shard whose load
# is SIGKILLed is resumed on its own with the same result.  Skipped, with
# the reason, where namespaces cannot be made.

load lib-common
load lib-netns

MED="$MIG_TOP/pipelines/medical"
SCALE=200
TABLES="users patients appointments medical_cases visits prescriptions"

hosts_up() {
	local why
	why=$(netns_can) || skip "$why"
	require_servers
	make -s -C "$MED" all >/dev/null
	"$MED/gen/gen-v1" -s 3 -n "$SCALE" -o "$BATS_TEST_TMPDIR/data" >/dev/null
	src=$(test_db v1)
	my_newdb "$src"
	SRC=$(my_url "$src")
	"$MED/load-v1.sh" "$SRC" "$BATS_TEST_TMPDIR/data" >/dev/null
	netns_up 3
	netns_pg_up
	HOSTS=$(IFS=,; echo "${NETNS_HOSTS[*]}")
}

teardown() {
	if [ -n "${blocker:-}" ]; then kill "$blocker" 2>/dev/null || true; fi
	netns_down
}

tq() {	# query database $1 of the bridge's PostgreSQL
	in_hub psql -X -q -At -v ON_ERROR_STOP=1 -d "$NETNS_PG_URL_BASE/$1" -c "$2"
}

med() {	# make in the pipeline, from the hub (the head of the run)
	in_hub make -s -C "$MED" MIG_BIN="$MIG_BIN" SRC="$SRC" "$@"
}

# Per table: rows and an order-independent checksum of every row's text.
fingerprint() {
	local t
	for t in $TABLES; do
		printf '%s ' "$t"
		tq "$1" "SELECT count(*), md5(coalesce(string_agg(h, '' ORDER BY h), '')) FROM (SELECT md5(x::text) h FROM $t x) s"
	done
}

same_as_ref() {	# database $1, run directory $2
	fingerprint "$1" > "$BATS_TEST_TMPDIR/$1.fp"
	assert_same "$BATS_TEST_TMPDIR/ref.fp" "$BATS_TEST_TMPDIR/$1.fp"
	local x
	for x in old_user_id__to__new_user_id.csv old_user_id__to__new_patient_id.csv; do
		assert_same <(sort "$BATS_TEST_TMPDIR/ref/$x") <(sort "$2/$x")
	done
	# the merged streams hold what the single-host run's hold, in any order
	for x in appointments medical_cases visits prescriptions; do
		assert_same <(grep -v '^#' "$BATS_TEST_TMPDIR/ref/streams/$x.loaded.csv" | sort) \
			<(grep -v '^#' "$2/streams/$x.loaded.csv" | sort)
	done
	# the foreign keys and indexes deferred for the shards are all back
	local q="SELECT (SELECT count(*) FROM pg_constraint WHERE contype = 'f') || ' ' ||
		(SELECT count(*) FROM pg_indexes WHERE schemaname = 'public')"
	[ "$(tq "$1" "$q")" = "$(tq ref "$q")" ]
	[ -z "$(ls "$2/deferred" 2>/dev/null)" ]
	med DST="$NETNS_PG_URL_BASE/$1" RUN="$2" verify 2>/dev/null
	[ "$(jq -r .result "$2/validation_report.json")" = pass ]
}

@test "medical: sharded over 3 namespace hosts, identical to a single-host run; a killed shard resumes alone" {
	local db run i pid
	hosts_up
	for db in ref shard cut; do tq postgres "CREATE DATABASE $db"; done

	med DST="$NETNS_PG_URL_BASE/ref" RUN="$BATS_TEST_TMPDIR/ref" schema
	med DST="$NETNS_PG_URL_BASE/ref" RUN="$BATS_TEST_TMPDIR/ref" migrate 2>/dev/null
	fingerprint ref > "$BATS_TEST_TMPDIR/ref.fp"
	[ "$(awk '$1 == "appointments" { split($2, a, "|"); print a[1] }' "$BATS_TEST_TMPDIR/ref.fp")" -gt 0 ]

	# three shards, one per host, every shard run on its host over ssh
	run=$BATS_TEST_TMPDIR/shard
	med DST="$NETNS_PG_URL_BASE/shard" RUN="$run" schema
	med DST="$NETNS_PG_URL_BASE/shard" RUN="$run" SHARDS=3 HOSTS="$HOSTS" migrate 2>"$BATS_TEST_TMPDIR/shard.err" ||
		{ cat "$BATS_TEST_TMPDIR/shard.err"; return 1; }
	for i in 1 2 3; do [ -e "$run/shards/$i/done/visits" ]; done
	# every host ran jobs, through its sshd
	for i in 1 2 3; do grep -q 'Accepted publickey' "$BATS_TEST_TMPDIR/netns/sshd_$i.log"; done
	# the shards are disjoint and cover the table
	[ "$(cat "$run"/shards/*/streams/appointments.csv | grep -c '^appointments,')" = \
		"$(grep -c '^appointments,' "$BATS_TEST_TMPDIR/ref/streams/appointments.csv")" ]
	same_as_ref shard "$run"

	# shard 2's load of appointments blocks on a row another session holds
	# (an uncommitted insert of one of its keys, made once the wave's
	# deferred keys are dropped and before the shards load), after
	# committing batches; then it is SIGKILLed and only it is resumed
	run=$BATS_TEST_TMPDIR/cut
	med DST="$NETNS_PG_URL_BASE/cut" RUN="$run" schema
	med DST="$NETNS_PG_URL_BASE/cut" RUN="$run" "$run/done/users" "$run/done/patients" 2>/dev/null
	local key
	key=$(mig-extract -q --shard 2/3 "$SRC" appointments | grep '^appointments,' | sed -n 50p | cut -d, -f2)
	[ -n "$key" ]
	in_hub make -s -C "$MED" MIG_BIN="$MIG_BIN" SRC="$SRC" DST="$NETNS_PG_URL_BASE/cut" RUN="$run" \
		SHARDS=3 HOSTS="$HOSTS" BATCH=10 migrate >"$BATS_TEST_TMPDIR/cut.log" 2>&1 &
	local head=$!
	# the wave's foreign keys and indexes are dropped first (that DDL would
	# wait for the blocker's lock); the shards start after it, over ssh
	for i in $(seq 1 600); do
		grep -q 'of appointments medical_cases deferred' "$run/run.log" 2>/dev/null && break
		sleep 0.1
	done
	grep -q 'of appointments medical_cases deferred' "$run/run.log"
	in_hub psql -X -q -d "$NETNS_PG_URL_BASE/cut" -c "BEGIN; SET session_replication_role = replica;
		INSERT INTO appointments (id, patient_id, scheduled_at, status, created_at)
		SELECT $key, id, now(), 'SCHEDULED', now() FROM patients LIMIT 1; SELECT pg_sleep(120)" \
		>/dev/null 2>&1 &
	blocker=$!
	for i in $(seq 1 100); do
		[ "$(tq cut "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE a.query LIKE '%pg_sleep(120)%' AND l.mode = 'RowExclusiveLock'")" -gt 0 ] && break
		sleep 0.05
	done
	pid=
	for i in $(seq 1 600); do
		if [ -s "$run/shards/2/checkpoints/appointments.json" ] && [ -e "$run/shards/1/done/appointments" ] &&
			[ -e "$run/shards/3/done/appointments" ]; then
			pid=$(pgrep -f -- "-c $run/shards/2/checkpoints/appointments.json" | head -n 1)
			[ -n "$pid" ] && break
		fi
		sleep 0.1
	done
	[ -n "$pid" ]
	kill -KILL "$pid"
	wait "$head" || true
	kill "$blocker" 2>/dev/null || true
	wait "$blocker" || true
	blocker=
	[ ! -e "$run/shards/2/done/appointments" ]
	[ ! -e "$run/done/appointments" ]
	n=$(tq cut "SELECT count(*) FROM appointments")
	[ "$n" -gt 0 ]
	# the others are not run again: their marks and checkpoints stay as they are
	stat -c %Y "$run/shards/1/checkpoints/appointments.json" "$run/shards/3/checkpoints/appointments.json" > "$BATS_TEST_TMPDIR/before"
	med DST="$NETNS_PG_URL_BASE/cut" RUN="$run" SHARDS=3 HOSTS="$HOSTS" BATCH=10 resume 2>"$BATS_TEST_TMPDIR/resume.err" ||
		{ cat "$BATS_TEST_TMPDIR/cut.log" "$BATS_TEST_TMPDIR/resume.err"; return 1; }
	stat -c %Y "$run/shards/1/checkpoints/appointments.json" "$run/shards/3/checkpoints/appointments.json" > "$BATS_TEST_TMPDIR/after"
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
	same_as_ref cut "$run"
}

@test "medical: sharding users or patients is refused with the reason" {
	run -2 --separate-stderr env RUN="$BATS_TEST_TMPDIR/r" SRC=x DST=y SHARDS=2 "$MED/shard.sh" users
	[ "$stderr" = "shard.sh: users: not shardable (sequence keys and e-mail uniqueness need one pass over every person); it runs once, before the shards" ]
}
