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
