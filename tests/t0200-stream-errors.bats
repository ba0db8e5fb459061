#!/usr/bin/env bats
# Malformed streams: one clear diagnostic naming file:line, exit 1.
load lib-common

cat_() { "$MIG_BUILD/tests/unit/streamcat" "$@"; }

# expect_error INPUT-PRINTF-FORMAT MESSAGE
expect_error() {
	printf "$1" > "$BATS_TEST_TMPDIR/in"
	run --separate-stderr cat_ "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 1 ] || { echo "exit $status"; return 1; }
	[ "$stderr" = "streamcat: $BATS_TEST_TMPDIR/in:$2" ] || { echo "got: $stderr"; return 1; }
}

@test "unterminated quote" {
	expect_error '@a,x,y\na,1,"open\nstill open\n' \
		'2: unterminated quoted field: the stream ends inside it'
}

@test "a quote inside an unquoted field" {
	expect_error '@a,x,y\na,1,ab"c\n' \
		'2: malformed CSV at byte 7 of the line: a quote inside an unquoted field or after a closing quote'
}

@test "field count does not match the header" {
	expect_error '@a,x,y\na,1,2\na,1,2,3\n' \
		"3: tag 'a' row 2 has 3 fields, its header has 2 columns"
}

@test "data row before any header" {
	expect_error '#!mig-stream 1\nusers,1,2\n' \
		"2: data row for tag 'users' before any header"
}

@test "invalid UTF-8 in a declared column" {
	expect_error '@a,id:int,name:text\na,1,caf\xe9\n' \
		"2: tag 'a' row 1 column 'name': invalid UTF-8"
}

@test "invalid UTF-8 inside a quoted value" {
	expect_error '@a,id:int,name:text\na,1,"x,\xc3\x28"\n' \
		"2: tag 'a' row 1 column 'name': invalid UTF-8"
}

@test "JSON syntax error" {
	expect_error '{"type":"SCHEMA","stream":"a","schema":{"properties":{"x":{"type":"integer"}}}}\n{"type":"RECORD","stream":"a","record":{"x":1,}}\n' \
		'2: JSON syntax error at column 47: expected a string key'
}

@test "invalid UTF-8 in NDJSON" {
	expect_error '{"type":"SCHEMA","stream":"a","schema":{"properties":{"x":{"type":"string"}}}}\n{"type":"RECORD","stream":"a","record":{"x":"\xff"}}\n' \
		'2: JSON syntax error at column 46: invalid UTF-8 in a string'
}

@test "NDJSON record before its schema, and an unknown column" {
	expect_error '{"type":"RECORD","stream":"a","record":{"x":1}}\n' \
		"1: RECORD for stream 'a' before any SCHEMA"
	expect_error '{"type":"SCHEMA","stream":"a","schema":{"properties":{"x":{"type":"string"}}}}\n{"type":"RECORD","stream":"a","record":{"y":"1"}}\n' \
		"2: stream 'a' row 1: unknown column 'y'"
}

@test "truncated last line (no newline), in both encodings" {
	expect_error '@a,x\na,1\na,2' \
		'3: truncated stream: the last line has no newline'
	expect_error '{"type":"SCHEMA","stream":"a","schema":{"properties":{"x":{"type":"string"}}}}\n{"type":"RECORD","stream":"a","record":{"x":"1"}}' \
		'2: truncated stream: the last line has no newline'
}

@test "a stream version this reader does not know" {
	expect_error '#!mig-stream 2\n@a,x\n' \
		"1: unsupported stream version '2' (this reader knows 1)"
}

@test "unknown type and duplicate column in a header" {
	expect_error '@a,x:integer\n' "1: header 'a' column 1: unknown type 'integer'"
	expect_error '@a,x,y,x\n' "1: header 'a' names column 'x' twice"
}

@test "an empty tag" {
	expect_error '@a,x\n,1\n' '2: record with an empty tag'
}

@test "the error stops the stream: nothing after the bad line is written" {
	printf '@a,x\na,1\na,1,2\na,3\n' > "$BATS_TEST_TMPDIR/in"
	run --separate-stderr cat_ "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 1 ]
	[[ "$output" != *"a,3"* ]]
}

@test "a write error on stdout is exit 2 naming <stdout>" {
	run --separate-stderr cat_ "$DATA/stream/corpus.csv"
	[ "$status" -eq 0 ]
	run --separate-stderr bash -c "'$MIG_BUILD/tests/unit/streamcat' '$DATA/stream/corpus.csv' > /dev/full"
	[ "$status" -eq 2 ]
	[[ "$stderr" == "streamcat: <stdout>: write error: No space left on device" ]]
}

@test "a quoted value over several lines, malformed on its last line" {
	expect_error '@a,x,y\na,1,"multi\nline"x\n' \
		'3: malformed CSV at byte 6 of the line: a quote inside an unquoted field or after a closing quote'
	expect_error '@a,x,y\na,1,"open\nab"c,d\n' \
		'3: malformed CSV at byte 4 of the line: a quote inside an unquoted field or after a closing quote'
}

@test "a value over several lines with CRLF ends keeps its CR, drops the record's" {
	printf '@a,x,y\r\na,1,"multi\nline\r\nmore"\r\na,2,z\r\n' > "$BATS_TEST_TMPDIR/in"
	run -0 cat_ "$BATS_TEST_TMPDIR/in"
	printf '#!mig-stream 1\n@a,x,y\na,1,"multi\nline\r\nmore"\na,2,z\n' > "$BATS_TEST_TMPDIR/want"
	cat_ "$BATS_TEST_TMPDIR/in" | cmp - "$BATS_TEST_TMPDIR/want"
}

@test "a value over lines that needs libcsv part-way still names its first line" {
	expect_error '@a,x,y\na,1,"open\nmore\r\nstill\n' \
		'2: unterminated quoted field: the stream ends inside it'
}

# The string scanner takes sixteen bytes at a time: whatever ends a run of
# plain text (a quote, an escape, a control character, a byte above 0x7f)
# is found at every offset in a block and across blocks.
@test "NDJSON strings: escapes, UTF-8, bad bytes and control characters at every offset" {
	local k pad sch='{"type":"SCHEMA","stream":"a","schema":{"properties":{"x":{"type":"string"}}}}'
	for k in $(seq 0 40); do
		pad=$(printf '%*s' "$k" '' | tr ' ' p)
		printf '%s\n{"type":"RECORD","stream":"a","record":{"x":"%s\\"q\\u00e9\xc3\xa9\\\\%s"}}\n' \
			"$sch" "$pad" "$pad" > "$BATS_TEST_TMPDIR/ok"
		run -0 --separate-stderr cat_ -f csv "$BATS_TEST_TMPDIR/ok"
		[ "${lines[2]}" = "a,\"${pad}\"\"q$(printf '\xc3\xa9\xc3\xa9')\\${pad}\"" ] || { echo "offset $k: ${lines[2]}"; false; }
		expect_error "$sch\n{\"type\":\"RECORD\",\"stream\":\"a\",\"record\":{\"x\":\"$pad\xff\"}}\n" \
			"2: JSON syntax error at column $((46 + k)): invalid UTF-8 in a string"
		expect_error "$sch\n{\"type\":\"RECORD\",\"stream\":\"a\",\"record\":{\"x\":\"$pad\xc3\xa9\x01\"}}\n" \
			"2: JSON syntax error at column $((48 + k)): control character in a string"
		expect_error "$sch\n{\"type\":\"RECORD\",\"stream\":\"a\",\"record\":{\"x\":\"$pad\\\\q\"}}\n" \
			"2: JSON syntax error at column $((47 + k)): bad escape in a string"
	done
}

@test "NDJSON nested deeper than 512 levels, arrays or objects" {
	local sch='{"type":"SCHEMA","stream":"a","schema":{"properties":{"x":{}}}}' arr obj
	arr=$(printf '%.0s[' $(seq 600))
	obj=$(printf '%.0s{"a":' $(seq 600))
	# the value starts at column 45 at depth 2; level 512 is its 511th bracket
	expect_error "$sch\n{\"type\":\"RECORD\",\"stream\":\"a\",\"record\":{\"x\":$arr}}\n" \
		"2: JSON syntax error at column $((45 + 510)): nesting too deep"
	expect_error "$sch\n{\"type\":\"RECORD\",\"stream\":\"a\",\"record\":{\"x\":$obj}}\n" \
		"2: JSON syntax error at column $((45 + 510 * 5)): nesting too deep"
}
