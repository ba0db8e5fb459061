#!/bin/sh
# tests/run.sh BINDIR BUILDDIR [TEST.bats ...]
# Start throwaway servers, run the bats suites against the tools in BINDIR,
# stop the servers, and end with "N passed, N failed".
set -u
bindir=$(cd "$1" && pwd); builddir=$(cd "$2" && pwd); shift 2
top=$(cd "$(dirname "$0")/.." && pwd)
[ $# -gt 0 ] || set -- "$top"/tests/t[0-9][0-9][0-9][0-9]-*.bats

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mig-check.XXXXXX")
# The servers run as postgres when we are root: it must reach the sockets.
chmod 755 "$tmp"
trap 'bash "$top/tests/lib-servers.bash" stop "$tmp/srv"; rm -rf "$tmp"' EXIT
# A signal ends the run through the EXIT trap, the servers stopped: also a
# reader that goes away (make check | head), which would otherwise kill
# the shell outright.
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 141' PIPE
if ! bash "$top/tests/lib-servers.bash" start "$tmp/srv" >"$tmp/servers.log" 2>&1; then
	cat "$tmp/servers.log" >&2
	echo "mig: could not start the test servers" >&2
	echo "0 passed, 1 failed"
	exit 1
fi

. "$tmp/srv/env"
export MIG_BIN="$bindir" MIG_BUILD="$builddir" MIG_TOP="$top"
export PATH="$bindir:$PATH"
# Sanitizer builds: fail on the first report, and find leaks too.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:exitcode=99"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:exitcode=99"

bats --tap "$@" | tee "$tmp/tap"
passed=$(grep -c '^ok ' "$tmp/tap" | tr -d ' ')
skipped=$(grep -c '^ok .* # skip' "$tmp/tap" | tr -d ' ')
failed=$(grep -c '^not ok ' "$tmp/tap" | tr -d ' ')
planned=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$tmp/tap" | head -n 1)
passed=$((passed - skipped))
# A suite that stopped early (a crash in setup) ran fewer tests than planned.
if [ -n "$planned" ] && [ $((passed + skipped + failed)) -lt "$planned" ]; then
	failed=$((planned - passed - skipped))
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ -n "$planned" ]
