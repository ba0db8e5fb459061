#!/usr/bin/env bats
# pipelines/shop groundwork: the v1 generator is deterministic and its
# ground truth agrees with the data, v1 and v2 load into real PostgreSQL
# (v2's CHECKs refuse dirty values), and the pre-migration report finds
# the seeded problems in the numbers the generator says it put there.

load lib-common

SHOP="$MIG_TOP/pipelines/shop"

gen() {	# gen SEED N DIR
	mkdir -p "$3/truth"
	LC_ALL=C awk -v seed="$1" -v n="$2" -v out="$3" -f "$SHOP/gen/gen-v1.awk"
}

@test "shop gen: same seed and scale, same bytes; the truth adds up" {
	gen 4 300 "$BATS_TEST_TMPDIR/a"
	gen 4 300 "$BATS_TEST_TMPDIR/b"
	gen 5 300 "$BATS_TEST_TMPDIR/c"
	diff -r "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
	run cmp -s "$BATS_TEST_TMPDIR/a/old_orders.tsv" "$BATS_TEST_TMPDIR/c/old_orders.tsv"
	[ "$status" -eq 1 ]
	# one truth row per order; good + bad lines = every v1 line
	[ "$(tail -n +2 "$BATS_TEST_TMPDIR/a/truth/orders.csv" | wc -l)" -eq 300 ]
	lines=$(wc -l < "$BATS_TEST_TMPDIR/a/old_orders.tsv")
	[ "$(tail -n +2 "$BATS_TEST_TMPDIR/a/truth/orders.csv" | awk -F, '{ s += $4 + $5 } END { print s }')" -eq "$lines" ]
	[ "$(tail -n +2 "$BATS_TEST_TMPDIR/a/truth/bad_lines.csv" | wc -l)" -eq \
		"$(tail -n +2 "$BATS_TEST_TMPDIR/a/truth/orders.csv" | awk -F, '{ s += $5 } END { print s }')" ]
	grep -qx "old_orders $lines" "$BATS_TEST_TMPDIR/a/counts.txt"
	run -2 gen 1 3 "$BATS_TEST_TMPDIR/d"
}

@test "shop: v1 and v2 load, v2 refuses dirt, the report matches the truth" {
	require_servers
	local v1 v2
	v1=$(test_db v1) v2=$(test_db v2)
	pg_newdb "$v1"
	pg_newdb "$v2"
	RUN=$BATS_TEST_TMPDIR/run
	data=$BATS_TEST_TMPDIR/data
	make -s -C "$SHOP" DATA="$data" SCALE=400 SEED=2 SRC="$(pg_url "$v1")" load-v1 >/dev/null
	make -s -C "$SHOP" SRC="$(pg_url "$v1")" DST="$(pg_url "$v2")" RUN="$RUN" migrate
	# v2's constraints are there and bite
	run pgq "$v2" "INSERT INTO tags (name) VALUES ('Sale ')"
	[ "$status" -ne 0 ]
	run pgq "$v2" "INSERT INTO products (title, price, currency) VALUES ('x', -1, 'USD')"
	[ "$status" -ne 0 ]
	run pgq "$v2" "INSERT INTO users (email, first_name, legacy_ids) VALUES ('Ann@X.org', 'Ann', '{1}')"
	[ "$status" -ne 0 ]
	[ "$(pgq "$v2" "SELECT count(*) FROM information_schema.table_constraints WHERE constraint_type = 'FOREIGN KEY'")" -eq 6 ]

	r=$RUN/pre_migration_report.json
	customers=$(sed -n 's/^customers //p' "$data/counts.txt")
	grep -q "\"distinct_by_email\": $customers," "$r"
	[ "$(sed -n 's/.*"duplicated": \([0-9]*\)}.*/\1/p' "$r")" -gt 0 ]
	grep -q "\"orders\": 400," "$r"
	qty=$(grep -c ',quantity not a number$' "$data/truth/bad_lines.csv")
	grep -q "\"quantity_not_a_number\": $qty}" "$r"
	# the lines the truth calls bad are exactly those with an unreadable price or quantity
	[ "$(pgq "$v1" "SELECT count(*) FROM old_orders WHERE product_price = 'call us' OR btrim(quantity) !~ '^[0-9]+\$'")" -eq \
		"$(tail -n +2 "$data/truth/bad_lines.csv" | wc -l)" ]
	# every kind of dirt the generator promises is found
	for k in dollar_sign code_first euro_comma pound_sign free other; do grep -q "\"line_prices\": {.*\"$k\": [1-9]" "$r"; done
	for k in iso day_first month_name_first day_month_name epoch_seconds; do grep -q "\"order_dates\": {.*\"$k\": [1-9]" "$r"; done
	grep -q '"order_dates": {[^}]*}' "$r"
	run grep -q '"order_dates": {.*"other"' "$r"
	[ "$status" -eq 1 ]
	[ "$(sed -n 's/.*"written_several_ways": \([0-9]*\),.*/\1/p' "$r")" -gt 0 ]
}
