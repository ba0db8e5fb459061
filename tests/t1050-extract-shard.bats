#!/usr/bin/env bats
# mig-extract --shard i/n partitions a table exactly; --after KEY resumes exactly.

load lib-common

# check_shards TAG SRC TABLE: for n = 1..8 the shards' rows are pairwise
# disjoint and their union is the whole table.
check_shards() {
	local tag=$1 src=$2 table=$3 n i
	mig-extract --no-order "$src" "$table" | grep "^$tag," | sort >"$BATS_TEST_TMPDIR/all"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/all")" -gt 100 ]
	for n in 1 2 3 4 5 6 7 8; do
		: >"$BATS_TEST_TMPDIR/union"
		for i in $(seq 1 "$n"); do
			mig-extract --shard "$i/$n" "$src" "$table" | grep "^$tag," >>"$BATS_TEST_TMPDIR/union"
		done
		sort "$BATS_TEST_TMPDIR/union" >"$BATS_TEST_TMPDIR/union.sorted"
		# no row twice (disjoint), and exactly the table (no gap)
		[ -z "$(uniq -d "$BATS_TEST_TMPDIR/union.sorted")" ]
		assert_same "$BATS_TEST_TMPDIR/all" "$BATS_TEST_TMPDIR/union.sorted"
	done
}

setup() {
	require_servers
}

@test "postgresql: integer key and composite text key, n = 1..8" {
	db=$(test_db)
	pg_newdb "$db"
	pgq "$db" "CREATE TABLE a (id bigint PRIMARY KEY, v text); INSERT INTO a SELECT g, md5(g::text) FROM generate_series(-50, 250) g;
		CREATE TABLE c (k1 text, k2 int, v int, PRIMARY KEY (k1, k2)); INSERT INTO c SELECT 'k' || (g % 7), g, g FROM generate_series(1, 300) g" >/dev/null
	check_shards a "$(pg_url "$db")" a
	check_shards c "$(pg_url "$db")" c
}

@test "mariadb: integer key and composite text key, n = 1..8" {
	db=$(test_db)
	my_newdb "$db"
	myq "$db" "CREATE TABLE a (id bigint unsigned PRIMARY KEY, v text); INSERT INTO a SELECT seq, MD5(seq) FROM seq_1_to_300;
		INSERT INTO a VALUES (18446744073709551615, 'max');
		CREATE TABLE c (k1 varchar(10), k2 int, v int, PRIMARY KEY (k1, k2)); INSERT INTO c SELECT CONCAT('k', seq % 7), seq, seq FROM seq_1_to_300"
	check_shards a "$(my_url "$db")" a
	check_shards c "$(my_url "$db")" c
}

@test "sqlite: integer key and composite text key, n = 1..8" {
	db="$BATS_TEST_TMPDIR/s.db"
	sqlite3 "$db" "CREATE TABLE a (id INTEGER PRIMARY KEY, v TEXT);
		WITH RECURSIVE g(x) AS (SELECT -50 UNION ALL SELECT x + 1 FROM g WHERE x < 250) INSERT INTO a SELECT x, 'v' || x FROM g;
		CREATE TABLE c (k1 TEXT, k2 INT, v INT, PRIMARY KEY (k1, k2));
		WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < 300) INSERT INTO c SELECT 'k' || (x % 7), x, x FROM g"
	check_shards a "$db" a
	check_shards c "$db" c
}

@test "--after: strictly after the key, integer and composite, every dialect" {
	db=$(test_db)
	pg_newdb "$db"
	pgq "$db" "CREATE TABLE a (id bigint PRIMARY KEY); INSERT INTO a SELECT generate_series(1, 20);
		CREATE TABLE c (k1 text, k2 int, PRIMARY KEY (k1, k2)); INSERT INTO c VALUES ('a', 1), ('a', 2), ('a,b', 1), ('b', 1)" >/dev/null
	my_newdb "$db"
	myq "$db" "CREATE TABLE a (id bigint PRIMARY KEY); INSERT INTO a SELECT seq FROM seq_1_to_20;
		CREATE TABLE c (k1 varchar(5), k2 int, PRIMARY KEY (k1, k2)); INSERT INTO c VALUES ('a', 1), ('a', 2), ('a,b', 1), ('b', 1)"
	sq="$BATS_TEST_TMPDIR/a.db"
	sqlite3 "$sq" "CREATE TABLE a (id INTEGER PRIMARY KEY); WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < 20) INSERT INTO a SELECT x FROM g;
		CREATE TABLE c (k1 TEXT, k2 INT, PRIMARY KEY (k1, k2)); INSERT INTO c VALUES ('a', 1), ('a', 2), ('a,b', 1), ('b', 1)"
	for src in "$(pg_url "$db")" "$(my_url "$db")" "$sq"; do
		run -0 mig-extract --after 17 "$src" a
		[ "$(echo "$output" | grep '^a,' | tr '\n' ' ')" = "a,18 a,19 a,20 " ]
		run -0 mig-extract --after 'a,1' "$src" c
		[ "$(echo "$output" | grep '^c,' | tr '\n' ' ')" = 'c,a,2 c,"a,b",1 c,b,1 ' ]
		run -0 mig-extract --after '"a,b",1' "$src" c
		[ "$(echo "$output" | grep '^c,' | tr '\n' ' ')" = 'c,b,1 ' ]
	done
}

@test "--after takes the last_key of mig-load's state as it is" {
	sq=$BATS_TEST_TMPDIR/a.db dst=$BATS_TEST_TMPDIR/b.db
	sqlite3 "$sq" "CREATE TABLE c (k1 TEXT, k2 INT, PRIMARY KEY (k1, k2)); INSERT INTO c VALUES ('a', 1), ('a', 2), ('a,b', 1), ('b', 1)"
	sqlite3 "$dst" "CREATE TABLE c (k1 TEXT, k2 INT, PRIMARY KEY (k1, k2))"
	# three rows loaded: the state names the third
	mig-extract --limit 3 "$sq" c | mig-load -q "sqlite:$dst" >"$BATS_TEST_TMPDIR/loaded"
	lk=$(sed -n 's/^#!state //p' "$BATS_TEST_TMPDIR/loaded" | jq -c .bookmarks.c.last_key)
	[ "$lk" = '["a,b","1"]' ]
	run -0 mig-extract --after "$lk" "$sq" c
	[ "$(echo "$output" | grep '^c,' | tr '\n' ' ')" = 'c,b,1 ' ]
	# a key that only looks like JSON is a CSV value
	sqlite3 "$sq" "CREATE TABLE t (k TEXT PRIMARY KEY); INSERT INTO t VALUES ('[1]'), ('[2]'), ('[]')"
	run -0 mig-extract --after '[1]' "$sq" t
	[ "$(echo "$output" | grep '^t,' | tr '\n' ' ')" = 't,[2] t,[] ' ]
}

@test "--after needs as many values as the key has columns" {
	db="$BATS_TEST_TMPDIR/a.db"
	sqlite3 "$db" "CREATE TABLE c (k1 TEXT, k2 INT, PRIMARY KEY (k1, k2)); CREATE TABLE nokey (v INT)"
	run -2 --separate-stderr mig-extract --after 5 "$db" c
	[ "$stderr" = "mig-extract: c: --after: the primary key has 2 columns, the key given 1 value" ]
	run -2 --separate-stderr mig-extract --shard 1/2 "$db" nokey
	[ "$stderr" = "mig-extract: nokey: --after and --shard need a primary key, and the table has none" ]
}
