#!/usr/bin/env bats
# The medical migration killed mid-way (SIGKILL to every process of the
# run, while a table is loading) and finished by `make resume` ends
# identical to an uninterrupted run: same rows, same keys, same crosswalks.

load lib-common

MED="$MIG_TOP/pipelines/medical"
SCALE=1000

setup_file() {
	make -s -C "$MED" all >/dev/null
	"$MED/gen/gen-v1" -s 5 -n "$SCALE" -o "$BATS_FILE_TMPDIR/data" >/dev/null
}

med() {
	make -s -C "$MED" MIG_BIN="$MIG_BIN" SRC="$SRC" "$@"
}

dump() {
	local t
	for t in users patients appointments medical_cases visits prescriptions; do
		echo "== $t"
		pgq "$1" "SELECT * FROM $t ORDER BY id"
	done
}

@test "medical: a run killed while loading, then resumed, ends identical to an uninterrupted one" {
	require_servers
	local src ref cut i
	src=$(test_db v1) ref=$(test_db ref) cut=$(test_db cut)
	my_newdb "$src"
	pg_newdb "$ref"
	pg_newdb "$cut"
	SRC=$(my_url "$src")
	"$MED/load-v1.sh" "$SRC" "$BATS_FILE_TMPDIR/data" >/dev/null

	# the reference: one uninterrupted run
	med DST="$(pg_url "$ref")" RUN="$BATS_TEST_TMPDIR/ref" schema
	med DST="$(pg_url "$ref")" RUN="$BATS_TEST_TMPDIR/ref" -j2 migrate 2>/dev/null

	# the same, killed once appointments are loading in small batches
	# (ten rows a commit: a load of 3,000 rows lasts long enough to be
	# caught half-way, however fast the COPY)
	local run=$BATS_TEST_TMPDIR/cut
	med DST="$(pg_url "$cut")" RUN="$run" schema
	setsid make -s -C "$MED" MIG_BIN="$MIG_BIN" SRC="$SRC" DST="$(pg_url "$cut")" RUN="$run" \
		BATCH=10 -j2 migrate >"$BATS_TEST_TMPDIR/cut.log" 2>&1 &
	local pid=$!
	for i in $(seq 1 3000); do
		[ -s "$run/checkpoints/appointments.json" ] && break
		sleep 0.01
	done
	[ -s "$run/checkpoints/appointments.json" ]
	kill -KILL -- "-$pid"
	wait "$pid" || true
	# it really stopped half-way
	[ ! -e "$run/done/appointments" ]
	n=$(pgq "$cut" "SELECT count(*) FROM appointments")
	[ "$n" -lt $((3 * SCALE)) ]

	run med DST="$(pg_url "$cut")" RUN="$run" BATCH=10 -j2 resume
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"resume: done before: "*"users"* ]]
	[ -e "$run/done/prescriptions" ]

	dump "$ref" > "$BATS_TEST_TMPDIR/ref.dump"
	dump "$cut" > "$BATS_TEST_TMPDIR/cut.dump"
	assert_same "$BATS_TEST_TMPDIR/ref.dump" "$BATS_TEST_TMPDIR/cut.dump"
	cmp "$BATS_TEST_TMPDIR/ref/old_user_id__to__new_user_id.csv" "$run/old_user_id__to__new_user_id.csv"
	cmp "$BATS_TEST_TMPDIR/ref/old_user_id__to__new_patient_id.csv" "$run/old_user_id__to__new_patient_id.csv"
	run -0 med DST="$(pg_url "$cut")" RUN="$run" verify
}

@test "medical: make resume with nothing to resume is a usage error" {
	run -2 --separate-stderr make -s -C "$MED" SRC=x DST=y RUN="$BATS_TEST_TMPDIR/none" resume
	[[ "$stderr" == "make resume: no run in $BATS_TEST_TMPDIR/none to resume"* ]]
}
