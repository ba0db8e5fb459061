#!/usr/bin/env bats
# mig-load into PostgreSQL: every type exactly, catalog checks, errors,
# upsert, truncate, dry run, rejects, --table, state and stats lines.

load lib-common

setup() {
	require_servers
	db=$(test_db)
	pg_newdb "$db"
	url=$(pg_url "$db")
}

# The table as COPY CSV, in mig's canonical value forms.
pg_copy() {
	PGOPTIONS="-c timezone=UTC -c extra_float_digits=3" psql -X -q -h "$MIG_PG_SOCK" -p "$MIG_PG_PORT" \
		-U postgres -d "$db" -c "COPY (SELECT * FROM $1 ORDER BY 1) TO STDOUT WITH (FORMAT csv)"
}

@test "every type lands exactly: COPY of the table is the stream without its tags" {
	pgq "$db" "$(cat "$DATA/load/pg-types.sql")"
	run -0 --separate-stderr mig-load -q "$url" "$DATA/load/types.stream"
	[ -z "$stderr" ]
	[ "$output" = '#!mig-stream 1
#!state {"bookmarks":{"types":{"key":["id"],"last_key":["4"],"rows":4}}}
#!stats mig-load types in=4 out=4 dropped=0 rejected=0' ]
	pg_copy types >"$BATS_TEST_TMPDIR/copy"
	sed '1,2d; s/^types,//' "$DATA/load/types.stream" >"$BATS_TEST_TMPDIR/want"
	assert_same "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/copy"
}

@test "NDJSON input loads the same values" {
	pgq "$db" "$(cat "$DATA/load/pg-types.sql")"
	"$MIG_BUILD/tests/unit/streamcat" -f ndjson "$DATA/load/types.stream" >"$BATS_TEST_TMPDIR/in.ndjson"
	run -0 mig-load -q "$url" "$BATS_TEST_TMPDIR/in.ndjson"
	pg_copy types >"$BATS_TEST_TMPDIR/copy"
	sed '1,2d; s/^types,//' "$DATA/load/types.stream" >"$BATS_TEST_TMPDIR/want"
	assert_same "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/copy"
}

@test "the stream is checked against the catalog before any row: every problem named" {
	pgq "$db" "CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL, made timestamptz NOT NULL DEFAULT now())"
	run -1 --separate-stderr mig-load "$url" <<-'EOF'
	@users,id:int,nme:text,zz:int
	users,1,a,1
	EOF
	[ "$stderr" = "mig-load: users: unknown column 'nme' in table 'public.users' of $url
mig-load: users: unknown column 'zz' in table 'public.users' of $url
mig-load: users: column 'name' of table 'public.users' is NOT NULL without a default and not in the stream" ]
	[ "$(pgq "$db" "SELECT count(*) FROM users")" = 0 ]
	run -3 --separate-stderr mig-load "$url" <<-'EOF'
	@nosuch,id:int
	nosuch,1
	EOF
	[ "$stderr" = "mig-load: nosuch: no table 'nosuch' in $url" ]
}

@test "a refused row: exit 1, tag:row, no value unless --show-values, nothing committed" {
	pgq "$db" "CREATE TABLE p (id int PRIMARY KEY, n int)"
	printf '@p,id:int,n:int\np,1,1\np,2,x7\np,3,3\n' >"$BATS_TEST_TMPDIR/in"
	run -1 --separate-stderr mig-load -q "$url" "$BATS_TEST_TMPDIR/in"
	[ "$stderr" = 'mig-load: p:2: invalid input syntax for type integer' ]
	run -1 --separate-stderr mig-load -q --show-values "$url" "$BATS_TEST_TMPDIR/in"
	[ "$stderr" = 'mig-load: p:2: invalid input syntax for type integer: "x7"' ]
	[ "$(pgq "$db" "SELECT count(*) FROM p")" = 0 ]
}

@test "a truncated stream commits nothing" {
	pgq "$db" "CREATE TABLE p (id int PRIMARY KEY, n int)"
	run -1 --separate-stderr mig-load -q "$url" < <(printf '@p,id:int,n:int\np,1,1\np,2')
	[ "$stderr" = 'mig-load: <stdin>:3: truncated stream: the last line has no newline (nothing committed since the last checkpoint)' ]
	[ "$(pgq "$db" "SELECT count(*) FROM p")" = 0 ]
}

@test "--upsert: a rerun leaves the target identical; changed rows are updated" {
	pgq "$db" "$(cat "$DATA/load/pg-types.sql")"
	run -0 mig-load -q --upsert "$url" "$DATA/load/types.stream"
	pg_copy types >"$BATS_TEST_TMPDIR/once"
	run -0 mig-load -q --upsert "$url" "$DATA/load/types.stream"
	pg_copy types >"$BATS_TEST_TMPDIR/twice"
	assert_same "$BATS_TEST_TMPDIR/once" "$BATS_TEST_TMPDIR/twice"
	printf '@types,id:int,t:text\ntypes,3,now set\ntypes,9,new\n' | mig-load -q --upsert "$url" >/dev/null
	[ "$(pgq "$db" "SELECT id, t FROM types WHERE id IN (3, 9) ORDER BY id")" = "3	now set
9	new" ]
	[ "$(pgq "$db" "SELECT count(*) FROM types")" = 5 ]
}

@test "--upsert on a named unique key" {
	pgq "$db" "CREATE TABLE u (id serial PRIMARY KEY, email text CONSTRAINT u_email UNIQUE, name text)"
	pgq "$db" "INSERT INTO u (email, name) VALUES ('a@x', 'old')"
	printf '@u,email:text,name:text\nu,a@x,new\nu,b@x,bee\n' | mig-load -q --upsert=u_email "$url" >/dev/null
	[ "$(pgq "$db" "SELECT email, name FROM u ORDER BY id")" = "a@x	new
b@x	bee" ]
}

@test "--truncate empties the table first, in the same transaction" {
	pgq "$db" "CREATE TABLE p (id int PRIMARY KEY, n int); INSERT INTO p VALUES (1, 1), (2, 2)"
	printf '@p,id:int,n:int\np,1,10\n' | mig-load -q --truncate "$url" >/dev/null
	[ "$(pgq "$db" "SELECT * FROM p")" = "1	10" ]
	# a failed load leaves the old rows
	run -1 mig-load -q --truncate "$url" < <(printf '@p,id:int,n:int\np,5,5\np,x,5\n')
	[ "$(pgq "$db" "SELECT * FROM p")" = "1	10" ]
}

@test "--dry-run reports every violation and leaves the target untouched" {
	pgq "$db" "CREATE TABLE p (id int PRIMARY KEY, v text NOT NULL, n int CHECK (n >= 0)); INSERT INTO p VALUES (100, 'keep', 1)"
	pgq "$db" "SELECT * FROM p" >"$BATS_TEST_TMPDIR/before"
	run -1 --separate-stderr mig-load --dry-run "$url" "$DATA/load/rejects.stream"
	[ "$stderr" = 'mig-load: p:5: null value in column "v" of relation "p" violates not-null constraint
mig-load: p:9: invalid input syntax for type integer
mig-load: p:13: duplicate key value violates unique constraint "p_pkey" (key (id))
mig-load: p:17: new row for relation "p" violates check constraint "p_n_check"
mig-load: p: 16 rows checked (rolled back), 4 rejected' ]
	[ "$output" = '#!mig-stream 1
#!stats mig-load p in=20 out=0 dropped=16 rejected=4' ]
	pgq "$db" "SELECT * FROM p" >"$BATS_TEST_TMPDIR/after"
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
	# a clean stream: exit 0, still nothing written
	run -0 mig-load -q --dry-run "$url" < <(printf '@p,id:int,v:text,n:int\np,1,a,1\n')
	assert_same "$BATS_TEST_TMPDIR/before" <(pgq "$db" "SELECT * FROM p")
}

@test "--reject: exactly the bad rows with reasons, the good rows load" {
	pgq "$db" "CREATE TABLE p (id int PRIMARY KEY, v text NOT NULL, n int CHECK (n >= 0))"
	run -0 mig-load -q --reject "$BATS_TEST_TMPDIR/rej" --max-rejects 4 "$url" "$DATA/load/rejects.stream"
	[ "$output" = '#!mig-stream 1
#!state {"bookmarks":{"p":{"key":["id"],"last_key":["20"],"rows":20}}}
#!stats mig-load p in=20 out=16 dropped=0 rejected=4' ]
	assert_same "$DATA/load/rejects.expected" "$BATS_TEST_TMPDIR/rej"
	[ "$(pgq "$db" "SELECT count(*), sum(id) FROM p")" = "16	166" ]
	# the rejects file, fixed, feeds back in
	sed -e 's/^p,5,,1,/p,5,five,1,/; s/^p,9,x,abc,/p,9,x,9,/; s/^p,3,dup,1,/p,21,dup,1,/; s/^p,17,x,-1,/p,17,x,1,/' \
		"$BATS_TEST_TMPDIR/rej" | mig-load -q "$url" >/dev/null
	[ "$(pgq "$db" "SELECT count(*) FROM p")" = 20 ]
}

@test "--max-rejects: one more reject than allowed stops and commits nothing" {
	pgq "$db" "CREATE TABLE p (id int PRIMARY KEY, v text NOT NULL, n int CHECK (n >= 0))"
	run -1 --separate-stderr mig-load -q --reject "$BATS_TEST_TMPDIR/rej" --max-rejects 3 "$url" "$DATA/load/rejects.stream"
	[ "$stderr" = 'mig-load: p:17: new row for relation "p" violates check constraint "p_n_check" (more than 3 rejects, nothing committed since the last checkpoint)' ]
	[ "$(pgq "$db" "SELECT count(*) FROM p")" = 0 ]
}

@test "--table maps a tag to a schema-qualified table; upstream stats pass through" {
	pgq "$db" "CREATE SCHEMA v2; CREATE TABLE v2.people (id int PRIMARY KEY, name text)"
	run -0 --separate-stderr mig-load --table users=v2.people "$url" <<-'EOF'
	@users,id:int,name:text
	users,1,Ann
	users,2,"Lee, Bo"
	#!stats mig-extract users in=2 out=2 dropped=0 rejected=0
	EOF
	[ "$output" = '#!mig-stream 1
#!stats mig-extract users in=2 out=2 dropped=0 rejected=0
#!state {"bookmarks":{"users":{"key":["id"],"last_key":["2"],"rows":2}}}
#!stats mig-load users in=2 out=2 dropped=0 rejected=0' ]
	[ "$stderr" = 'mig-load: users: 2 rows loaded, 0 rejected' ]
	[ "$(pgq "$db" "SELECT * FROM v2.people ORDER BY id")" = "1	Ann
2	Lee, Bo" ]
}

@test "several tags, interleaved, in one transaction" {
	pgq "$db" "CREATE TABLE a (id int PRIMARY KEY); CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a)"
	run -0 mig-load -q "$url" <<-'EOF'
	@a,id:int
	@b,id:int,a_id:int
	a,1
	b,10,1
	a,2
	b,11,2
	EOF
	[ "$(pgq "$db" "SELECT (SELECT count(*) FROM a), (SELECT count(*) FROM b)")" = "2	2" ]
}

@test "usage errors" {
	run -2 --separate-stderr mig-load
	[[ "$stderr" == usage:* ]]
	run -2 --separate-stderr mig-load --batch-size 0 "$url"
	run -2 --separate-stderr mig-load "nonsense://x"
	run -2 --separate-stderr mig-load --dry-run --batch-size 10 "$url"
	[ "$stderr" = 'mig-load: --dry-run runs one transaction: no --batch-size or --checkpoint' ]
}

@test "-F ndjson: the state is a Singer STATE message; --progress draws on stderr" {
	pgq "$db" "CREATE TABLE p (id int PRIMARY KEY)"
	run -0 --separate-stderr mig-load -F ndjson --progress "$url" < <(printf '@p,id:int\np,1\np,2\n')
	[ "${lines[1]}" = '{"type":"STATE","value":{"bookmarks":{"p":{"key":["id"],"last_key":["2"],"rows":2}}}}' ]
	[[ "$stderr" == *'mig-load: p: 2 rows loaded, 0 rejected' ]]
}

@test "--defer-constraints with --upsert keeps the unique index ON CONFLICT needs" {
	pgq "$db" "CREATE TABLE u (id int PRIMARY KEY, email text, n int); CREATE UNIQUE INDEX u_email ON u (email); CREATE INDEX u_n ON u (n)"
	printf '@u,id:int,email:text,n:int\nu,1,a@x,1\nu,2,b@x,2\n' >"$BATS_TEST_TMPDIR/in"
	run -0 mig-load -q --defer-constraints --upsert=email "$url" "$BATS_TEST_TMPDIR/in"
	run -0 mig-load -q --defer-constraints --upsert=email "$url" "$BATS_TEST_TMPDIR/in"
	[ "$(pgq "$db" "SELECT count(*) FROM u")" = 2 ]
	[ "$(pgq "$db" "SELECT indexname FROM pg_indexes WHERE tablename = 'u' ORDER BY 1")" = "u_email
u_n
u_pkey" ]
}

@test "a load cut short resumes where it committed; the rejects file continues" {
	pgq "$db" "CREATE TABLE p (id int PRIMARY KEY, v text NOT NULL, n int CHECK (n >= 0))"
	ck=$BATS_TEST_TMPDIR/ck
	rej=$BATS_TEST_TMPDIR/rej
	# the stream breaks off in row 12: batches of 5 rows committed up to row 10
	head -c -1 <(head -n 13 "$DATA/load/rejects.stream") >"$BATS_TEST_TMPDIR/cut"
	run -1 --separate-stderr mig-load -q -b 5 -c "$ck" --reject "$rej" "$url" "$BATS_TEST_TMPDIR/cut"
	[ "$output" = '#!mig-stream 1
#!state {"bookmarks":{"p":{"key":["id"],"last_key":["5"],"rows":5}}}
#!state {"bookmarks":{"p":{"key":["id"],"last_key":["10"],"rows":10}}}' ]
	[ "$(pgq "$db" "SELECT count(*) FROM p")" = 8 ]
	[ "$(grep -c ',mig-load,p:' "$rej")" = 2 ]
	run -0 --separate-stderr mig-load -q -b 5 -c "$ck" --reject "$rej" "$url" "$DATA/load/rejects.stream"
	[ -z "$stderr" ]
	[ "${lines[-1]}" = '#!stats mig-load p in=20 out=16 dropped=0 rejected=4 resumed=10' ]
	[ "$(pgq "$db" "SELECT count(*), sum(id) FROM p")" = "16	166" ]
	# the whole load's rejects, each once, in one file (the header repeats where the rerun began)
	assert_same <(grep -v '^@' "$DATA/load/rejects.expected") <(grep -v '^@' "$rej")
	[ "$(grep -c '^@p,' "$rej")" = 2 ]
}

@test "state: a text key with quotes, backslashes and control characters is exact JSON" {
	pgq "$db" "CREATE TABLE k (name text PRIMARY KEY, n int)"
	printf '@k,name:text,n:int\nk,plain,1\nk,"q""u\\o\te\nl",2\n' >"$BATS_TEST_TMPDIR/in"
	run -0 mig-load -q -b 1 -c "$BATS_TEST_TMPDIR/ck" "$url" "$BATS_TEST_TMPDIR/in"
	[ "${lines[2]}" = '#!state {"bookmarks":{"k":{"key":["name"],"last_key":["q\"u\\o\te\nl"],"rows":2}}}' ]
	[ "$(pgq "$db" "SELECT last_key FROM _mig_load_checkpoint")" = '["q\"u\\o\te\nl"]' ]
	[ "$(jq -r '.tags.k.last_key[0]' "$BATS_TEST_TMPDIR/ck")" = "$(pgq "$db" "SELECT name FROM k WHERE n = 2")" ]
}
