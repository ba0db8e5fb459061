#!/usr/bin/env bats
# mig-extract from CSV files: header line, NULL markers, delimiters, encodings.

load lib-common

setup() {
	printf 'id,name,note\n1,"Lee, Bo",\n2,"",x\n3,"multi\nline",NULL\n' >"$BATS_TEST_TMPDIR/people.csv"
}

@test "a CSV file becomes a tagged stream named after the file" {
	run -0 mig-extract "$BATS_TEST_TMPDIR/people.csv"
	[ "$output" = '#!mig-stream 1
@people,id:text,name:text,note:text
people,1,"Lee, Bo",
people,2,"",x
people,3,"multi
line",NULL
#!stats mig-extract people in=3 out=3 dropped=0 rejected=0' ]
}

@test "--null MARKER: the marker is NULL, empty fields are empty strings" {
	run -0 mig-extract --null NULL "$BATS_TEST_TMPDIR/people.csv"
	[ "${lines[2]}" = 'people,1,"Lee, Bo",""' ]
	[ "${lines[5]}" = 'line",' ]
}

@test "csv:DIR with chosen columns and --limit" {
	run -0 mig-extract --limit 1 "csv:$BATS_TEST_TMPDIR" people:name,id
	[ "$output" = '#!mig-stream 1
@people,name:text,id:text
people,"Lee, Bo",1
#!stats mig-extract people in=1 out=1 dropped=0 rejected=0' ]
}

@test "--delimiter, --quote and --encoding latin1" {
	printf "id;name\n1;'caf\xe9; cr\xe8me'\n" >"$BATS_TEST_TMPDIR/l1.csv"
	run -0 mig-extract --delimiter ';' --quote "'" --encoding latin1 "$BATS_TEST_TMPDIR/l1.csv"
	[ "${lines[2]}" = 'l1,1,café; crème' ]
}

@test "invalid UTF-8 and short rows are data errors naming file and line" {
	printf 'id;name\n1;caf\xe9\n' >"$BATS_TEST_TMPDIR/l1.csv"
	run -1 --separate-stderr mig-extract --delimiter ';' "$BATS_TEST_TMPDIR/l1.csv"
	[ "$stderr" = "mig-extract: $BATS_TEST_TMPDIR/l1.csv:2: invalid UTF-8 (use --encoding latin1)" ]
	printf 'a,b\n1,2\n"x\ny",2\n3\n' >"$BATS_TEST_TMPDIR/short.csv"
	run -1 --separate-stderr mig-extract "$BATS_TEST_TMPDIR/short.csv"
	[ "$stderr" = "mig-extract: $BATS_TEST_TMPDIR/short.csv:5: expected 2 fields, found 1" ]
}
