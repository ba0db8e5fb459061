# Helpers of the pipeline tests (t9xxx): load lib-common first.

# make_killed_at FILE MAKE-ARGS...: run make with MAKE-ARGS in its own
# session, wait (at most 30 s) until FILE exists and is not empty (a
# load's checkpoint: the load has begun), then SIGKILL every process of
# the run at once, as a crash would.  Fails if FILE never appears.
make_killed_at() {
	local file=$1 pid i
	shift
	setsid make -s "$@" >"$BATS_TEST_TMPDIR/killed.log" 2>&1 &
	pid=$!
	for i in $(seq 1 1500); do
		[ -s "$file" ] && break
		sleep 0.02
	done
	[ -s "$file" ] || return 1
	kill -KILL -- "-$pid"
	wait "$pid" || true
}

# The pipeline under test: the pipeline's test lib sets PIPE_DIR (its
# folder) and PIPE_SEED; the test sets SRC (the v1 URL).
pipe_args() {
	printf '%s\n' -C "$PIPE_DIR" MIG_BIN="$MIG_BIN" DATA="$BATS_TEST_TMPDIR/data" SEED="$PIPE_SEED" SRC="$SRC"
}
pipe() {
	local a
	mapfile -t a < <(pipe_args)
	make -s "${a[@]}" "$@"
}

# migrate_verified DB SCALE: v1 of SCALE loaded into $SRC, migrated into
# DB with run folder $BATS_TEST_TMPDIR/run, and make verify clean
migrate_verified() {
	local run=$BATS_TEST_TMPDIR/run
	pipe SCALE="$2" load-v1 >/dev/null
	pipe SCALE="$2" DST="$(pg_url "$1")" RUN="$run" migrate 2>/dev/null
	pipe SCALE="$2" DST="$(pg_url "$1")" RUN="$run" verify 2>/dev/null
	grep -q '^  "failed": 0,$' "$run/validation_report.json"
}

# unchanged_by DB MAKE-ARGS...: make MAKE-ARGS (a rerun into DB) leaves
# DB's v2 (the pipeline's dump) as it was
unchanged_by() {
	local db=$1
	shift
	dump "$db" > "$BATS_TEST_TMPDIR/before"
	pipe DST="$(pg_url "$db")" "$@" 2>/dev/null
	dump "$db" > "$BATS_TEST_TMPDIR/after"
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
}

# resumed_same REF CUT LOAD STEP MAKE-ARGS...: a migrate into CUT (run
# folder $BATS_TEST_TMPDIR/cut) killed once LOAD (a load of stage STEP)
# has checkpointed, then make resume: CUT ends as REF and verifies
resumed_same() {
	local ref=$1 cut=$2 load=$3 step=$4 run=$BATS_TEST_TMPDIR/cut a
	shift 4
	mapfile -t a < <(pipe_args)
	make_killed_at "$run/checkpoints/$load.json" "${a[@]}" DST="$(pg_url "$cut")" RUN="$run" "$@" migrate
	dump "$ref" > "$BATS_TEST_TMPDIR/ref.dump"
	dump "$cut" > "$BATS_TEST_TMPDIR/cut.dump"
	# it really stopped half-way
	[ ! -e "$run/done/$step" ]
	if cmp -s "$BATS_TEST_TMPDIR/ref.dump" "$BATS_TEST_TMPDIR/cut.dump"; then echo "the kill came after the load" >&2; return 1; fi
	pipe DST="$(pg_url "$cut")" RUN="$run" "$@" resume 2>/dev/null
	[ -e "$run/done/$step" ]
	dump "$cut" > "$BATS_TEST_TMPDIR/cut.dump"
	assert_same "$BATS_TEST_TMPDIR/ref.dump" "$BATS_TEST_TMPDIR/cut.dump"
	pipe DST="$(pg_url "$cut")" RUN="$run" "$@" verify 2>/dev/null
}
