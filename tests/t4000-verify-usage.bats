#!/usr/bin/env bats
# mig-verify: command line, exit codes, credentials, man page.
load lib-common

@test "mig-verify -h prints usage on stdout, exit 0" {
	run --separate-stderr mig-verify -h
	[ "$status" -eq 0 ]
	[[ "$output" == "usage: mig-verify "* ]]
	[ -z "$stderr" ]
}

@test "mig-verify --version" {
	run -0 mig-verify --version
	[[ "$output" == *mig-verify* ]]
}

@test "a bad option is a usage error, exit 2" {
	run -2 --separate-stderr mig-verify --bogus
	[[ "$stderr" == *"usage: mig-verify"* ]]
}

@test "no check at all is a usage error, exit 2" {
	run -2 --separate-stderr mig-verify
	[[ "$stderr" == *"mig-verify: no checks given"* ]]
}

@test "an unknown check is an error, exit 2, named with its place" {
	run -2 --separate-stderr mig-verify -e 'frobnicate x'
	[[ "$stderr" == *"ERROR frobnicate x: not run"* ]]
	[[ "$stderr" == *"-e: unknown check 'frobnicate'"* ]]
}

@test "a malformed declaration in a checks file names file and line" {
	printf '# checks\n\ndb ONLYALIAS\n' > "$BATS_TEST_TMPDIR/c.mig"
	run -2 --separate-stderr mig-verify -f "$BATS_TEST_TMPDIR/c.mig"
	[ "$stderr" = "mig-verify: $BATS_TEST_TMPDIR/c.mig:3: expected 'db ALIAS URL'" ]
}

@test "a malformed counts rule is an error, exit 2" {
	run -2 --separate-stderr mig-verify -t sqlite:"$BATS_TEST_TMPDIR/x.db" counts users = patients
	[[ "$stderr" == *"<command line>: counts: 'users = patients': an operand starts with a database alias and a dot (SRC.table)"* ]]
}

@test "a database that refuses the connection is exit 3, password not shown" {
	require_servers
	run -3 --separate-stderr mig-verify -t "mysql://root:s3cret@localhost/no_such_db_4000?socket=$MIG_MY_SOCK" \
		counts DST.a = DST.b
	[[ "$stderr" == *"mysql://root@localhost/no_such_db_4000: cannot connect"* ]]
	[[ "$stderr" != *s3cret* ]]
}

@test "a missing table is a database error: exit 3, report says error" {
	require_servers
	db=$(test_db); pg_newdb "$db"
	pgq "$db" "CREATE TABLE a (id int)"
	run -3 --separate-stderr mig-verify -t "$(pg_url "$db")" --report "$BATS_TEST_TMPDIR/r.json" counts DST.a = DST.nope
	[[ "$stderr" == *"ERROR counts DST.a = DST.nope: not run"* ]]
	[[ "$stderr" == *'relation "nope" does not exist'* ]]
	[ "$(jq -r '.result, .errors, .checks[0].status' "$BATS_TEST_TMPDIR/r.json" | tr '\n' ' ')" = "error 1 error " ]
}

@test "the man page is clean under mandoc -Tlint" {
	run mandoc -Tlint -Wwarning "$MIG_TOP/man/mig-verify.1"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "the report can go to standard output; a report that cannot be written is exit 2" {
	sqlite3 "$BATS_TEST_TMPDIR/t.db" "CREATE TABLE a (id int); INSERT INTO a VALUES (1)"
	run -0 --separate-stderr mig-verify -q --report /dev/stdout -t "$BATS_TEST_TMPDIR/t.db" counts DST.a = DST.a
	[ "$(jq -r '.result + " " + .checks[0].summary' <<< "$output")" = "pass 1 = 1" ]
	run -2 --separate-stderr mig-verify -q --report /dev/full -t "$BATS_TEST_TMPDIR/t.db" counts DST.a = DST.a
	[ "$stderr" = "mig-verify: /dev/full: write error: No space left on device" ]
	[ -c /dev/full ]
}
