# Shared setup for every bats file: load it with `load lib-common`.
# tests/run.sh exports MIG_BIN (the tools under test, on PATH), MIG_BUILD
# (unit test drivers), MIG_TOP and the servers' MIG_PG_SOCK / MIG_MY_SOCK.
bats_require_minimum_version 1.5.0

MIG_TOP=${MIG_TOP:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}
MIG_BIN=${MIG_BIN:-$MIG_TOP/bin}
MIG_BUILD=${MIG_BUILD:-$MIG_TOP/build/std}
PATH="$MIG_BIN:$PATH"
DATA="$MIG_TOP/tests/data"
# shellcheck source=tests/lib-servers.bash
. "$MIG_TOP/tests/lib-servers.bash"

# Fail the test unless the harness started the servers.
require_servers() {
	if [ -z "${MIG_PG_SOCK:-}" ] || [ -z "${MIG_MY_SOCK:-}" ]; then
		echo "no test servers: run through 'make check' or tests/run.sh" >&2
		return 1
	fi
}

# A database name unique to this test, safe for both servers.
test_db() {
	local base=${1:-t}
	echo "${base}_$(basename "$BATS_TEST_FILENAME" .bats | tr -c 'a-zA-Z0-9\n' '_')_${BATS_TEST_NUMBER}"
}

# diff -u expected actual, failing the test on a difference.
assert_same() {
	diff -u "$1" "$2"
}

# mig-load ARGS... in the background, SIGKILLed after a random 0.05-0.8 s,
# three times; its states and stderr are appended to $BATS_TEST_TMPDIR.
load_kill3() {
	local i pid
	for i in 1 2 3; do
		mig-load -q "$@" >>"$BATS_TEST_TMPDIR/states" 2>>"$BATS_TEST_TMPDIR/err" &
		pid=$!
		sleep "0.$(( (RANDOM % 16 + 1) * 5 ))"
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
}

# mig-load ARGS... SIGKILLed once it has committed a batch (its first
# #!state line), so whatever that batch's transaction did is committed.
load_kill_after_batch() {
	local i pid
	mig-load -q "$@" >"$BATS_TEST_TMPDIR/states" &
	pid=$!
	for i in $(seq 1 200); do grep -q state "$BATS_TEST_TMPDIR/states" && break; sleep 0.05; done
	kill -9 "$pid"
	wait "$pid" || true
}
