#!/usr/bin/env bats
# mig-load into PostgreSQL: binary COPY for tables whose every column has a
# binary form; the same rows as CSV COPY, the server's words for bad values.

load lib-common

setup() {
	require_servers
	cd "$BATS_TEST_TMPDIR"
	db=$(test_db)
	pg_newdb "$db"
	url=$(pg_url "$db")
}

cols="id int PRIMARY KEY, s smallint, i8 bigint, b boolean, f8 double precision, u uuid, d date,
	ts timestamp, tstz timestamptz, t text, vc varchar(10), c char(3), j json, jb jsonb"

pg_copy() {
	PGOPTIONS="-c timezone=UTC -c extra_float_digits=3" psql -X -q -h "$MIG_PG_SOCK" -p "$MIG_PG_PORT" \
		-U postgres -d "$db" -c "COPY (SELECT * FROM $1 ORDER BY 1) TO STDOUT WITH (FORMAT csv)"
}

stream() {
	local t=$1
	printf '#!mig-stream 1\n@%s,id:int,s:int,i8:int,b:bool,f8:float,u:uuid,d:date,ts:timestamp,tstz:timestamptz,t:text,vc:text,c:text,j:json,jb:json\n' "$t"
	sed "s/^T,/$t,/" <<-'EOF'
	T,1,-32768,9223372036854775807,t,0.1,a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11,2024-02-29,2024-01-02 03:04:05.123456,2024-06-01 10:00:00+00,"a,b ""c""
	d",é,abc,"{""a"": [1, 2.50]}","{""b"": 1, ""a"": ""x""}"
	T,2,32767,-9223372036854775808,f,-Infinity,A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11,0001-01-01,1970-01-01 00:00:00,2000-01-01 07:59:59.5+05:30,😀 über,"",x,null,[]
	T,3,,,,,,,,,,,,,
	T,4,0,0,t,NaN,00000000-0000-0000-0000-000000000000,2038-01-19,2038-01-19T03:14:07.999999,1900-01-01T00:00:00Z,\.,\,ab,"""s""",{}
	T,5,7,-1,f,-2.5e-300,ffffffff-ffff-ffff-ffff-ffffffffffff,9999-12-31,9999-12-31 23:59:59,2024-03-10 01:59:59.000001-03,x,0123456789,a,1,2
	T,6,1,1,t,1e308,12345678-1234-1234-1234-123456789abc,2000-01-01,2000-01-01 00:00:00,2024-01-01 00:00:00,y,z,c,{},{}
	EOF
}

@test "binary COPY lands the same rows as CSV COPY, type for type" {
	pgq "$db" "CREATE TABLE bin ($cols); CREATE TABLE csv ($cols)"
	stream bin > bin.in
	stream csv > csv.in
	run -0 --separate-stderr mig-load -q "$url" bin.in
	run -0 --separate-stderr mig-load -q --copy-format=csv "$url" csv.in
	pg_copy bin > bin.out
	pg_copy csv > csv.out
	[ "$(pgq "$db" "SELECT count(*) FROM bin")" = 6 ]
	assert_same csv.out bin.out
	# values read back as the server keeps them: the offsets applied, the char padded
	[ "$(pgq "$db" "SELECT tstz AT TIME ZONE 'UTC' FROM bin WHERE id = 2")" = "2000-01-01 02:29:59.5" ]
	[ "$(pgq "$db" "SELECT tstz AT TIME ZONE 'UTC' FROM bin WHERE id = 5")" = "2024-03-10 04:59:59.000001" ]
	[ "$(pgq "$db" "SELECT octet_length(c) FROM bin WHERE id = 5")" = 3 ]
	[ "$(pgq "$db" "SELECT count(*) FROM bin WHERE s IS NULL AND b IS NULL AND u IS NULL AND jb IS NULL")" = 1 ]
	[ "$(pgq "$db" "SELECT jb->>'a' FROM bin WHERE id = 1")" = x ]
}

@test "binary COPY is used: a spelling only the server reads is refused, and loads as CSV" {
	pgq "$db" "CREATE TABLE p (id int PRIMARY KEY, n int, at timestamptz)"
	printf '@p,id:int,n:int,at:timestamptz\np,1, 7,2024-01-01 00:00:00+00\n' > sp.in
	run -1 --separate-stderr mig-load -q "$url" sp.in
	[ "$stderr" = 'mig-load: p:1: invalid input syntax for type integer' ]
	printf '@p,id:int,n:int,at:timestamptz\np,1,7,Jan 1 2024 00:00 UTC\n' > sp2.in
	run -1 --separate-stderr mig-load -q --show-values "$url" sp2.in
	[ "$stderr" = 'mig-load: p:1: invalid input syntax for type timestamp with time zone: "Jan 1 2024 00:00 UTC"' ]
	[ "$(pgq "$db" "SELECT count(*) FROM p")" = 0 ]
	run -0 --separate-stderr mig-load -q --copy-format=csv "$url" sp.in
	run -0 --separate-stderr mig-load -q --copy-format=csv "$url" < <(sed 's/^p,1,/p,2,/' sp2.in)
	[ "$(pgq "$db" "SELECT n FROM p ORDER BY id")" = "7
7" ]
	# auto, the default, named: binary again, the same refusal
	run -1 --separate-stderr mig-load -q --copy-format=auto "$url" sp.in
	[ "$stderr" = 'mig-load: p:1: invalid input syntax for type integer' ]
	# an offset with seconds is read as the server reads it
	printf '@p,id:int,n:int,at:timestamptz\np,3,1,2024-01-01 00:00:00+01:30:15\n' > sec.in
	run -0 --separate-stderr mig-load -q "$url" sec.in
	[ "$(pgq "$db" "SELECT at = '2024-01-01 00:00:00+01:30:15'::timestamptz FROM p WHERE id = 3")" = t ]
	run -2 --separate-stderr mig-load --copy-format=text "$url" sp.in
	[[ $stderr == *"--copy-format=text: auto or csv expected"* ]]
}

@test "bad values: the server's words, tag:row, and --reject sends them to the rejects file" {
	pgq "$db" "CREATE TABLE p (id int PRIMARY KEY, n int, s smallint, d date, at timestamp, f double precision, v varchar(3))"
	printf '@p,id:int,n:int,s:int,d:date,at:timestamp,f:float,v:text\n' > bad.in
	printf 'p,1,2147483648,,,,,\n' >> bad.in
	printf 'p,2,,32768,,,,\n' >> bad.in
	printf 'p,3,,,2023-02-30,,,\n' >> bad.in
	printf 'p,4,,,,2024-01-01 25:00:00,,\n' >> bad.in
	printf 'p,5,,,,2024-01-01 10:00:00+02,,\n' >> bad.in
	printf 'p,6,,,,,1e999,\n' >> bad.in
	printf 'p,7,,,,,,abcd\n' >> bad.in
	printf 'p,8,-2147483648,-32768,2024-02-29,2024-01-01 24:00:00,1e-310,abc\n' >> bad.in
	run -1 --separate-stderr mig-load -q "$url" bad.in
	[ "$stderr" = 'mig-load: p:1: value is out of range for type integer' ]
	run -0 --separate-stderr mig-load -q --reject rej.csv "$url" bad.in
	[ "$(pgq "$db" "SELECT id, n, s, d, at FROM p")" = "8	-2147483648	-32768	2024-02-29	2024-01-02 00:00:00" ]
	grep -v '^[#@]' rej.csv | awk -F, '{ print $1 "," $2 ":" $NF }' > got
	cat > want <<-'EOF'
	p,1:value is out of range for type integer
	p,2:value is out of range for type smallint
	p,3:date/time field value out of range
	p,4:date/time field value out of range
	p,5:invalid input syntax for type timestamp
	p,6:value is out of range for type double precision
	p,7:value too long for type character varying(3)
	EOF
	assert_same want got
}

@test "a table with a column of no binary form goes as CSV, the server reading every spelling" {
	pgq "$db" "CREATE TABLE p (id int PRIMARY KEY, n int, x numeric)"
	printf '@p,id:int,n:int,x:numeric\np,1, 7,1.50\n' > in
	run -0 --separate-stderr mig-load -q "$url" in
	[ "$(pgq "$db" "SELECT n, x FROM p")" = "7	1.50" ]
	# an untyped stream column into an int column: CSV too
	pgq "$db" "CREATE TABLE q (id int PRIMARY KEY, n int)"
	printf '@q,id:int,n\nq,1, 8\n' > in2
	run -0 --separate-stderr mig-load -q "$url" in2
	[ "$(pgq "$db" "SELECT n FROM q")" = 8 ]
}

@test "binary COPY with batches, a checkpoint and --upsert's staging (CSV) agree" {
	pgq "$db" "CREATE TABLE bin ($cols); CREATE TABLE csv ($cols)"
	for i in $(seq 1 40); do stream bin | sed "s/^bin,\([0-9]*\),/bin,$i\1,/"; done | awk '!/^[#@]/ || !seen[$0]++' > big.in
	run -0 --separate-stderr mig-load -q -b 7 -c ck.json "$url" big.in
	sed 's/^bin,/csv,/; s/^@bin,/@csv,/' big.in > big.csv.in
	run -0 --separate-stderr mig-load -q --upsert "$url" big.csv.in
	[ "$(pgq "$db" "SELECT count(*) FROM bin")" = 240 ]
	pg_copy bin > a
	pg_copy csv > b
	assert_same a b
}
