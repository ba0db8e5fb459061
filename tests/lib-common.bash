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
