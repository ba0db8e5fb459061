#!/usr/bin/env bats
# Every mig tool: -h, a bad option, --version, a man page that lints clean.
load lib-common

tools() {
	local t
	for t in "$MIG_BIN"/mig-*; do
		[ -x "$t" ] && basename "$t"
	done
}


@test "-h prints usage on stdout, exit 0, nothing on stderr" {
	for t in $(tools); do
		run --separate-stderr "$t" -h
		[ "$status" -eq 0 ] || { echo "$t -h: exit $status"; return 1; }
		[[ "$output" == usage:* ]] || { echo "$t -h: no usage line"; return 1; }
		[ -z "$stderr" ] || { echo "$t -h: stderr: $stderr"; return 1; }
	done
}

@test "a bogus option is a usage error: exit 2, usage on stderr" {
	for t in $(tools); do
		run --separate-stderr "$t" --no-such-option
		[ "$status" -eq 2 ] || { echo "$t: exit $status"; return 1; }
		[[ "$stderr" == *usage:* ]] || { echo "$t: no usage on stderr"; return 1; }
	done
}

@test "--version names the tool and mig" {
	for t in $(tools); do
		run --separate-stderr "$t" --version
		[ "$status" -eq 0 ] || { echo "$t --version: exit $status"; return 1; }
		[[ "$output" == "$t (mig) "* ]] || { echo "$t --version: $output"; return 1; }
	done
}

@test "every tool has a man page, and mandoc -Tlint finds nothing" {
	for t in $(tools); do
		[ -f "$MIG_TOP/man/$t.1" ] || { echo "no man/$t.1"; return 1; }
	done
	[ -f "$MIG_TOP/man/mig-stream.5" ]
	run mandoc -Tlint -Wwarning "$MIG_TOP"/man/*.[0-9]
	[ -z "$output" ] || { echo "$output"; return 1; }
}
