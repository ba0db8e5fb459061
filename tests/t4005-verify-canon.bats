#!/usr/bin/env bats
# mig-verify's canonical values (common/canon.c): every spelling of a value
# compares equal to it, and a different value never does.  The target is a
# SQLite table holding other spellings as text, so each normalisation is
# exercised on its own.
load lib-common

V=$DATA/verify

setup() {
	sqlite3 "$BATS_TEST_TMPDIR/c.db" < "$V/canon-sqlite.sql"
	T=$BATS_TEST_TMPDIR/c.db
}

@test "canon: other spellings of every type compare equal" {
	run -0 --separate-stderr mig-verify -t "$T" stream "$V/canon.mig"
	[[ "$output" == "ok    stream $V/canon.mig: 1 tags, 3 rows, counts and checksums equal"* ]]
}

# column, a different value in another spelling
differ="i|'+012345678901234567890124'
n|'1.23456789012345678901235E+19'
f|'0.10000000000000002'
b|'0'
ts|'2024-01-01T00:00:00.001'
tz|'2024-01-01 01:30:00+02:00'
tm|'23:59:59.05'
d|'2024-01-02 00:00:00'
u|'{A0EEBC999C0B4EF8BB6D6BB9BD380A12}'
j|'{ \"b\" : 1.01, \"a\" : \"\\u00e9\" }'
by|X'00FE'"

@test "canon: a different value in another spelling never compares equal" {
	while IFS='|' read -r col val; do
		cp "$T" "$BATS_TEST_TMPDIR/d.db"
		sqlite3 "$BATS_TEST_TMPDIR/d.db" "UPDATE v SET \"$col\" = $val WHERE id = 1"
		run -1 --separate-stderr mig-verify -t "$BATS_TEST_TMPDIR/d.db" stream "$V/canon.mig"
		[[ "$output" == *"v: id=1: changed: $col"$'\n'* ]] || { echo "$col: $stderr"; return 1; }
	done <<< "$differ"
}

@test "canon: a value that is not of its type compares as it is" {
	sqlite3 "$T" "UPDATE v SET ts = 'yesterday' WHERE id = 3"
	run -1 --separate-stderr mig-verify --show-values -t "$T" stream "$V/canon.mig"
	[[ "$output" == *'v: id=3: changed: ts (stream "1999-12-31 23:59:59.999999", target "yesterday")'* ]]
}
