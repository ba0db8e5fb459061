#!/usr/bin/env bats
# mig-extract from PostgreSQL: type fidelity, columns, where, limit, queries, counts.

load lib-common

setup() {
	require_servers
	db=$(test_db)
	pg_newdb "$db"
	pgq "$db" "$(cat "$DATA/extract/pg-types.sql")" >/dev/null
	url=$(pg_url "$db")
}

@test "every type, exact expected stream" {
	run -0 --separate-stderr mig-extract "$url" types
	echo "$output" >"$BATS_TEST_TMPDIR/out"
	assert_same "$DATA/extract/pg-types.expected" "$BATS_TEST_TMPDIR/out"
	[ -z "$stderr" ]
}

@test "every value is what COPY of the source gives, after the tag" {
	mig-extract "$url" types | sed '1,2d;$d' | sed 's/^types,//' >"$BATS_TEST_TMPDIR/ours"
	PGOPTIONS="-c intervalstyle=iso_8601 -c timezone=UTC -c extra_float_digits=3" psql -X -q -h "$MIG_PG_SOCK" -p "$MIG_PG_PORT" -U postgres -d "$db" \
		-c "COPY (SELECT * FROM types ORDER BY id) TO STDOUT WITH (FORMAT csv)" >"$BATS_TEST_TMPDIR/copy"
	assert_same "$BATS_TEST_TMPDIR/copy" "$BATS_TEST_TMPDIR/ours"
}

@test "--tee: every copy byte for byte what stdout got, a FIFO reader included" {
	pgq "$db" "CREATE TABLE big (id int PRIMARY KEY, t text); INSERT INTO big SELECT g, repeat('x,\"y', g % 50) FROM generate_series(1, 20000) g" >/dev/null
	cd "$BATS_TEST_TMPDIR"
	mkfifo fifo
	wc -c <fifo >fifo.bytes &
	mig-extract --tee a.csv --tee fifo --tee b.csv "$url" types big >out.csv
	wait
	cmp out.csv a.csv
	cmp out.csv b.csv
	[ "$(cat fifo.bytes)" = "$(wc -c <out.csv)" ]
	[ "$(grep -c '^big,' out.csv)" = 20000 ]
	# an existing copy is replaced, not appended to
	mig-extract --tee a.csv "$url" types >out.csv
	cmp out.csv a.csv
	# a run the server stops half-way leaves a copy as far as stdout got
	local rc=0
	mig-extract --tee part.csv -Q 'bad=SELECT id, t, 1 / (15000 - id) AS z FROM big ORDER BY id' \
		"$url" >out.csv 2>err || rc=$?
	[ "$rc" = 3 ]
	grep -q 'bad: division by zero' err
	[ "$(grep -c '^bad,' out.csv)" -gt 0 ]
	[ "$(grep -c '^bad,' out.csv)" -lt 14999 ]
	cmp out.csv part.csv
}

@test "NDJSON output carries the same values" {
	run -0 mig-extract -F ndjson "$url" types:id,i8,num,b,by,tstz,jb
	# jq would round the big numbers: compare the text
	rec=$(echo "$output" | grep '"RECORD".*"id":1,')
	[ "$rec" = '{"type":"RECORD","stream":"types","record":{"id":1,"i8":9223372036854775807,"num":12345678901234567890.12345678901234567890,"b":true,"by":"\\x00ff10","tstz":"2024-06-01 10:00:00+00","jb":{"a": "x", "b": 1}}}' ]
	mig-extract -F ndjson "$url" types | "$MIG_BUILD/tests/unit/streamcat" >"$BATS_TEST_TMPDIR/back"
	assert_same "$DATA/extract/pg-types.expected" "$BATS_TEST_TMPDIR/back"
}

@test "chosen columns, --where, --limit, order by primary key, tables in the order given" {
	pgq "$db" "CREATE TABLE users (id int PRIMARY KEY, email text, role text); INSERT INTO users SELECT g, 'u' || g || '@x.org', CASE WHEN g % 2 = 0 THEN 'DOCTOR' ELSE 'PATIENT' END FROM generate_series(10, 1, -1) g" >/dev/null
	run -0 mig-extract --limit 2 -w "users=role = 'DOCTOR'" "$url" users:email,id types:id
	[ "$output" = '#!mig-stream 1
@users,email:text,id:int
users,u2@x.org,2
users,u4@x.org,4
@types,id:int
types,1
types,2
#!stats mig-extract users in=2 out=2 dropped=0 rejected=0
#!stats mig-extract types in=2 out=2 dropped=0 rejected=0' ]
}

@test "count hints: the planner estimate, or exact with --exact-count" {
	pgq "$db" "ANALYZE types" >/dev/null
	run -0 mig-extract "$url" types:id
	[ "${lines[1]}" = "#!count types 3" ]
	[ "${lines[2]}" = "@types,id:int" ]
	run -0 mig-extract --exact-count -w 'types=id > 1' "$url" types:id
	[ "${lines[1]}" = "#!count types 2" ]
}

@test "--query: header types from the result, snapshot shared with tables" {
	run -0 mig-extract -Q "pairs=SELECT id, id * 2.5 AS half, u FROM types WHERE id < 3 ORDER BY id" --exact-count "$url"
	[ "$output" = '#!mig-stream 1
#!count pairs 2
@pairs,id:int,half:numeric,u:uuid
pairs,1,2.5,a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11
pairs,2,5.0,
#!stats mig-extract pairs in=2 out=2 dropped=0 rejected=0' ]
}

@test "a bad --where is a database error naming the tag" {
	run -3 --separate-stderr mig-extract -w 'types=nosuch = 1' "$url" types
	[ "$stderr" = 'mig-extract: types: column "nosuch" does not exist' ]
}
