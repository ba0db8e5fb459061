#!/usr/bin/env bats
# Comments and control lines survive both encodings or are refused where
# they are read: a #!state that is not JSON, text that is not UTF-8, and
# NUL bytes in names and keywords never pass silently.
load lib-common

roundtrip() {
	# CSV in, NDJSON out, and back: each step must accept what the last wrote.
	mig-map -F ndjson <"$1" >"$BATS_TEST_TMPDIR/j" &&
		mig-map -F csv <"$BATS_TEST_TMPDIR/j" >"$BATS_TEST_TMPDIR/c"
}

@test "#!state must be one JSON value, in tagged CSV and in NDJSON" {
	local bad
	for bad in 'notjson' '{"a":1} x' '' '{"a":' "'single'"; do
		printf '#!state %s\n' "$bad" >"$BATS_TEST_TMPDIR/s"
		run -1 --separate-stderr mig-map -F ndjson <"$BATS_TEST_TMPDIR/s"
		[[ "$stderr" == "mig-map: <stdin>:1: #!state text is not one JSON value: "* ]]
		[ -z "$output" ] || [[ "$output" != *'"value":null'* ]]
		printf '{"type":"MIG_CONTROL","control":"state","text":"%s"}\n' "${bad//\"/\\\"}" >"$BATS_TEST_TMPDIR/s"
		run -1 --separate-stderr mig-map <"$BATS_TEST_TMPDIR/s"
		[[ "$stderr" == *"#!state text is not one JSON value: "* ]]
	done
	printf '#!state {"bookmarks":{"t":{"rows":3}}}\n' >"$BATS_TEST_TMPDIR/s"
	roundtrip "$BATS_TEST_TMPDIR/s"
	grep -q '"type":"STATE","value":{"bookmarks":{"t":{"rows":3}}}' "$BATS_TEST_TMPDIR/j"
	grep -qx '#!state {"bookmarks":{"t":{"rows":3}}}' "$BATS_TEST_TMPDIR/c"
}

@test "comments and control text that are not UTF-8 are refused with their line" {
	printf '@t,a\n# caf\xe9\nt,1\n' >"$BATS_TEST_TMPDIR/s"
	run -1 --separate-stderr mig-map -F ndjson <"$BATS_TEST_TMPDIR/s"
	[ "$stderr" = "mig-map: <stdin>:2: comment is not valid UTF-8 (byte 5)" ]
	printf '#!count t\xff 5\n' >"$BATS_TEST_TMPDIR/s"
	run -1 --separate-stderr mig-split -F ndjson 'zz -> yy' <"$BATS_TEST_TMPDIR/s"
	[ "$stderr" = "mig-split: <stdin>:1: control line is not valid UTF-8 (byte 2 of its text)" ]
	# Valid UTF-8 goes through both encodings unchanged.
	printf '@t,a\n# café, Zoë\n#!note ünïcode\nt,1\n' >"$BATS_TEST_TMPDIR/s"
	roundtrip "$BATS_TEST_TMPDIR/s"
	grep -qx '# café, Zoë' "$BATS_TEST_TMPDIR/c"
	grep -qx '#!note ünïcode' "$BATS_TEST_TMPDIR/c"
}

@test "a NUL byte in a tag, a column name, a keyword or a comment is refused" {
	printf '@t,a,\0b\nt,1,2\n' >"$BATS_TEST_TMPDIR/s"
	run -1 --separate-stderr mig-map <"$BATS_TEST_TMPDIR/s"
	[ "$stderr" = "mig-map: <stdin>:1: header 't' column 2: the name holds a NUL byte" ]
	printf '@t\0x,a\nt,1\n' >"$BATS_TEST_TMPDIR/s"
	run -1 --separate-stderr mig-map <"$BATS_TEST_TMPDIR/s"
	[ "$stderr" = "mig-map: <stdin>:1: header tag holds a NUL byte" ]
	printf '#!cou\0nt t 5\n' >"$BATS_TEST_TMPDIR/s"
	run -1 --separate-stderr mig-map <"$BATS_TEST_TMPDIR/s"
	[ "$stderr" = "mig-map: <stdin>:1: control line holds a NUL byte" ]
	printf '{"type":"SCHEMA","stream":"t","schema":{"properties":{"a\\u0000b":{}}}}\n' >"$BATS_TEST_TMPDIR/s"
	run -1 --separate-stderr mig-map <"$BATS_TEST_TMPDIR/s"
	[[ "$stderr" == *":1: SCHEMA property with a bad name (empty, or holding a NUL byte)" ]]
	printf '{"type":"SCHEMA","stream":"t\\u0000u","schema":{"properties":{"a":{}}}}\n' >"$BATS_TEST_TMPDIR/s"
	run -1 --separate-stderr mig-map <"$BATS_TEST_TMPDIR/s"
	[[ "$stderr" == *":1: SCHEMA stream name holds a NUL byte" ]]
	printf '{"type":"MIG_COMMENT","text":"a\\u0000b"}\n' >"$BATS_TEST_TMPDIR/s"
	run -1 --separate-stderr mig-map <"$BATS_TEST_TMPDIR/s"
	[[ "$stderr" == *":1: comment holds a NUL byte" ]]
	printf '{"type":"MIG_CONTROL","control":"co\\u0000unt","text":"t 5"}\n' >"$BATS_TEST_TMPDIR/s"
	run -1 --separate-stderr mig-map <"$BATS_TEST_TMPDIR/s"
	[[ "$stderr" == *":1: control line holds a NUL byte" ]]
}

@test "fuzz: whatever one encoding accepts, the other writes and reads back" {
	cd "$BATS_TEST_TMPDIR"
	python3 - <<-'PY'
	import random
	rnd = random.Random(500)
	pieces = [b"#!state ", b"#!count ", b"#!stats ", b"# ", b"#!", b"{", b"}", b"\"", b":", b"1", b"t",
	          b" ", b"\xc3\xa9", b"\xff", b"\x00", b"\\u0000", b"[", b"]", b"null", b",", b"\t"]
	for i in range(150):
	    lines = [b"@t,a"]
	    for _ in range(rnd.randint(1, 4)):
	        lines.append(rnd.choice([b"#!state ", b"#!count ", b"# ", b"#!x "]) +
	                     b"".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 8))))
	    lines.append(b"t,1")
	    open("f%03d" % i, "wb").write(b"\n".join(l.replace(b"\n", b" ") for l in lines) + b"\n")
	PY
	local f st bad=0
	for f in f[0-9][0-9][0-9]; do
		st=0
		mig-map -F ndjson <"$f" >"$f.j" 2>"$f.err" || st=$?
		if [ "$st" -eq 0 ]; then
			mig-map -F csv <"$f.j" >"$f.c" 2>>"$f.err" || { echo "$f: NDJSON written but refused"; cat "$f.err"; bad=1; }
			mig-map -F ndjson <"$f.c" >/dev/null 2>>"$f.err" || { echo "$f: CSV written but refused"; cat "$f.err"; bad=1; }
		elif [ "$st" -ne 1 ] || ! grep -q "^mig-map: <stdin>:[0-9]*: " "$f.err"; then
			echo "$f: exit $st"; cat "$f.err"; bad=1
		fi
	done
	[ "$bad" -eq 0 ]
}
