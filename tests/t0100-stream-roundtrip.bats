#!/usr/bin/env bats
# The record stream: every value survives CSV <-> NDJSON, in any chunking,
# in constant memory.
load lib-common

cat_() { "$MIG_BUILD/tests/unit/streamcat" "$@"; }

@test "tricky corpus: CSV -> NDJSON -> CSV is byte-identical" {
	cat_ -f ndjson "$DATA/stream/corpus.csv" > "$BATS_TEST_TMPDIR/c.json"
	cat_ "$BATS_TEST_TMPDIR/c.json" > "$BATS_TEST_TMPDIR/c.csv"
	assert_same "$DATA/stream/corpus.csv" "$BATS_TEST_TMPDIR/c.csv"
}

@test "tricky corpus: NDJSON -> CSV -> NDJSON is identical" {
	cat_ -f ndjson "$DATA/stream/corpus.csv" > "$BATS_TEST_TMPDIR/a.json"
	cat_ "$BATS_TEST_TMPDIR/a.json" | cat_ -f ndjson > "$BATS_TEST_TMPDIR/b.json"
	assert_same "$BATS_TEST_TMPDIR/a.json" "$BATS_TEST_TMPDIR/b.json"
}

@test "NDJSON keeps number text, NULL vs empty, and JSON values exactly" {
	cat_ -f ndjson "$DATA/stream/corpus.csv" > "$BATS_TEST_TMPDIR/c.json"
	grep -q '"big":12345678901234567890,' "$BATS_TEST_TMPDIR/c.json"
	grep -q '"num":1234567890123456789012345678901234567890,' "$BATS_TEST_TMPDIR/c.json"
	grep -q '"num":0.1000,' "$BATS_TEST_TMPDIR/c.json"
	grep -q '"f":1e-308,' "$BATS_TEST_TMPDIR/c.json"
	grep -q '"f":"NaN"' "$BATS_TEST_TMPDIR/c.json"
	grep -q '"u":null,"j":\[\],"raw":""' "$BATS_TEST_TMPDIR/c.json"
	grep -q '"j":{"a":\[1,2,{"b":null}\],"c":"x,y"}' "$BATS_TEST_TMPDIR/c.json"
	grep -q '"t":"line1\\r\\nline2\\nline3"' "$BATS_TEST_TMPDIR/c.json"
	grep -q '"b":"\\\\x00ff10"' "$BATS_TEST_TMPDIR/c.json"
}

@test "a Singer tap's stream without x-mig-type maps JSON Schema types" {
	printf '%s\n' \
		'{"type":"SCHEMA","stream":"s","schema":{"properties":{"i":{"type":["integer","null"]},"n":{"type":"number"},"b":{"type":"boolean"},"d":{"type":"string","format":"date-time"},"o":{"type":"object"},"s":{"type":"string"}}},"key_properties":["i"]}' \
		'{"type":"RECORD","stream":"s","record":{"s":"x","i":1,"n":2.50,"b":true,"o":{"k":[1]},"d":"2024-01-01T00:00:00Z"}}' \
		'{"type":"RECORD","stream":"s","record":{"i":2}}' \
		'{"type":"STATE","value":{"bookmarks":{"s":2}}}' \
		'{"type":"ACTIVATE_VERSION","stream":"s","version":1}' > "$BATS_TEST_TMPDIR/tap.json"
	cat_ "$BATS_TEST_TMPDIR/tap.json" > "$BATS_TEST_TMPDIR/out.csv"
	cat > "$BATS_TEST_TMPDIR/want.csv" <<'OUT'
#!mig-stream 1
@s,i:int,n:numeric,b:bool,d:timestamptz,o:json,s
s,1,2.50,t,2024-01-01T00:00:00Z,"{""k"":[1]}",x
s,2,,,,,
#!state {"bookmarks":{"s":2}}
OUT
	assert_same "$BATS_TEST_TMPDIR/want.csv" "$BATS_TEST_TMPDIR/out.csv"
}

@test "headers may change mid-stream and repeat; comments and controls pass" {
	printf '#!mig-stream 1\n@a,x\na,1\n# note\n@b,y:int\nb,2\n@a,x\na,3\n@a,x,z:text\na,4,five\n#!count a 9\n' > "$BATS_TEST_TMPDIR/in.csv"
	cat_ "$BATS_TEST_TMPDIR/in.csv" > "$BATS_TEST_TMPDIR/out.csv"
	printf '#!mig-stream 1\n@a,x\na,1\n# note\n@b,y:int\nb,2\na,3\n@a,x,z:text\na,4,five\n#!count a 9\n' > "$BATS_TEST_TMPDIR/want.csv"
	assert_same "$BATS_TEST_TMPDIR/want.csv" "$BATS_TEST_TMPDIR/out.csv"
}

@test "CRLF line ends and a stream without a version line are read" {
	printf '@a,x,y\r\na,1,"two"\r\na,3,\r\n' > "$BATS_TEST_TMPDIR/in.csv"
	run -0 cat_ "$BATS_TEST_TMPDIR/in.csv"
	[ "${lines[0]}" = "#!mig-stream 1" ]
	[ "${lines[1]}" = "@a,x,y" ]
	[ "${lines[2]}" = "a,1,two" ]
	[ "${lines[3]}" = "a,3," ]
}

@test "rejects columns (_mig_*) are hidden from readers" {
	printf '@a,x,_mig_stage,_mig_where,_mig_reason\na,1,mig-load,a:1,"duplicate key"\n' > "$BATS_TEST_TMPDIR/rej.csv"
	run -0 bash -c "'$MIG_BUILD/tests/unit/readkeys' '$BATS_TEST_TMPDIR/rej.csv'"
	[ "$output" = "a,1" ]
}

@test "a 1 MB field and 1 MB of quotes survive both encodings" {
	{
		echo '@big,id:int,t:text'
		printf 'big,1,"'; head -c 1048576 /dev/zero | tr '\0' 'x'; printf '"\n'
		printf 'big,2,"'; head -c 524288 /dev/zero | tr '\0' '"' | sed 's/"/""/g'; printf ',\n"\n'
	} > "$BATS_TEST_TMPDIR/big.csv"
	cat_ "$BATS_TEST_TMPDIR/big.csv" > "$BATS_TEST_TMPDIR/canon.csv"
	cat_ -f ndjson "$BATS_TEST_TMPDIR/canon.csv" | cat_ > "$BATS_TEST_TMPDIR/rt.csv"
	cmp "$BATS_TEST_TMPDIR/canon.csv" "$BATS_TEST_TMPDIR/rt.csv"
	[ "$(stat -c %s "$BATS_TEST_TMPDIR/rt.csv")" -gt 2097152 ]
	# read unquoted, the 1 MB value is plain: written back by the plain copy
	cat_ "$BATS_TEST_TMPDIR/canon.csv" | cmp "$BATS_TEST_TMPDIR/canon.csv" -
}

@test "every input buffer size gives the same output (chunking)" {
	run -0 "$MIG_BUILD/tests/unit/test-chunks" "$DATA/stream/corpus.csv"
	[[ "$output" == *"buffer sizes agree" ]]
}

@test "memory stays flat: 200 MB through the reader and writer under 16 MB RSS" {
	local chunk="$BATS_TEST_TMPDIR/chunk.csv"
	awk 'BEGIN { for (i = 0; i < 20000; i++) printf "appointments,%d,%d,\"note, %d \"\"q\"\"\",2024-01-01 10:00:00+00\n", i, i * 7, i }' > "$chunk"
	{
		echo '@appointments,id:int,patient_id:int,note:text,at:timestamptz'
		for _ in $(seq 1 200); do cat "$chunk"; done
	} | cat_ -m > /dev/null 2> "$BATS_TEST_TMPDIR/rss"
	local kb; kb=$(tail -n 1 "$BATS_TEST_TMPDIR/rss")
	echo "peak RSS ${kb} KiB"
	[ "$kb" -lt 16384 ]
}

@test "valgrind: no invalid access and no leak through both encodings" {
	[[ "$MIG_BUILD" != */san ]] || skip "sanitizer build: ASan already checks"
	local vg="valgrind -q --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite,indirect"
	$vg "$MIG_BUILD/tests/unit/streamcat" -f ndjson "$DATA/stream/corpus.csv" > "$BATS_TEST_TMPDIR/c.json"
	$vg "$MIG_BUILD/tests/unit/streamcat" "$BATS_TEST_TMPDIR/c.json" > "$BATS_TEST_TMPDIR/c.csv"
	assert_same "$DATA/stream/corpus.csv" "$BATS_TEST_TMPDIR/c.csv"
	run -1 $vg "$MIG_BUILD/tests/unit/streamcat" <(printf '@a,x\na,"open\n')
}

@test "the reader's CSV scanner agrees with libcsv on 40,000 random records" {
	run -0 "$MIG_BUILD/tests/unit/test-csvdiff" 1 20000
	[[ "$output" == "20000 records agree"* ]]
	run -0 "$MIG_BUILD/tests/unit/test-csvdiff" 2026 20000
	[[ "$output" == "20000 records agree"* ]]
}

@test "a UTF-8 byte order mark at the start and empty lines are ignored" {
	printf '\xef\xbb\xbf@a,x\n\na,1\n\n\na,2\n' > "$BATS_TEST_TMPDIR/in.csv"
	run -0 cat_ "$BATS_TEST_TMPDIR/in.csv"
	[ "$output" = "$(printf '#!mig-stream 1\n@a,x\na,1\na,2')" ]
	printf '\xef\xbb\xbf{"type":"SCHEMA","stream":"a","schema":{"properties":{"x":{"type":"string"}}}}\n\n{"type":"RECORD","stream":"a","record":{"x":"1"}}\n' > "$BATS_TEST_TMPDIR/in.json"
	run -0 cat_ "$BATS_TEST_TMPDIR/in.json"
	[ "$output" = "$(printf '#!mig-stream 1\n@a,x\na,1')" ]
}

@test "multi-line records keep their first line in errors after them" {
	printf '@a,x,y\na,1,"two\nlines"\na,2\n' > "$BATS_TEST_TMPDIR/in.csv"
	run -1 --separate-stderr cat_ "$BATS_TEST_TMPDIR/in.csv"
	[ "$stderr" = "streamcat: $BATS_TEST_TMPDIR/in.csv:4: tag 'a' row 2 has 1 fields, its header has 2 columns" ]
}

# A pipe holds 64 KiB unless asked: every tool asks for 1 MiB on the pipes
# it reads and writes, so a 256 KiB flush goes in one call.
@test "tools widen the pipes they read and write to 1 MiB" {
	[ "$(cat /proc/sys/fs/pipe-max-size)" -ge 1048576 ] || skip "pipe-max-size below 1 MiB"
	for tool in "mig-map -q -e 't.v = upper(v)'" "mig-split -q 't -> u (id)'" "mig-rekey -q -k t.id=seq:1"; do
		run python3 - "$tool" <<'PY'
import fcntl, subprocess, sys, time
F_GETPIPE_SZ = 1032
p = subprocess.Popen(sys.argv[1], shell=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
before = fcntl.fcntl(p.stdin.fileno(), F_GETPIPE_SZ)
# the tool's reader widens its input as it opens it: wait for that
for i in range(500):
    into = fcntl.fcntl(p.stdin.fileno(), F_GETPIPE_SZ)
    if into != before:
        break
    time.sleep(0.01)
p.stdin.write(b"@t,id:int,v:text\nt,1,a\n")
p.stdin.close()
out = p.stdout.read()
print(before, into, fcntl.fcntl(p.stdout.fileno(), F_GETPIPE_SZ), p.wait(), out.count(b"\n") >= 2)
PY
		[ "$output" = "65536 1048576 1048576 0 True" ] || { echo "$tool: $output"; return 1; }
	done
}
