# Helpers of the shop tests (t9201, t9202): load lib-common and
# lib-pipelines first.

SHOP="$MIG_TOP/pipelines/shop"

PIPE_DIR=$SHOP PIPE_SEED=7
shop() { pipe "$@"; }

dump() {
	local t
	for t in users addresses products tags product_tags orders order_items; do
		echo "== $t"
		pgq "$1" "SELECT * FROM $t ORDER BY 1, 2"
	done
}

# migrate SCALE orders from v1 database $1 into $2, verify, and hold v2 to the truth
migrate_and_check() {
	local v2=$2 run=$BATS_TEST_TMPDIR/run data=$BATS_TEST_TMPDIR/data
	migrate_verified "$v2" "$3"
	[ -s "$run/report.html" ]
	# the lines rejected are exactly the lines the truth calls unreadable,
	# each with a reason; the others are the order items
	tail -n +2 "$data/truth/bad_lines.csv" | cut -d, -f1 | sort > "$BATS_TEST_TMPDIR/bad.want"
	grep -a '^old_orders,' "$run/rejects/orders.map.csv" | cut -d, -f2 | sort > "$BATS_TEST_TMPDIR/bad.got"
	assert_same "$BATS_TEST_TMPDIR/bad.want" "$BATS_TEST_TMPDIR/bad.got"
	[ "$(grep -a -c "^old_orders,.*,mig-map,old_orders:[0-9]*,column '[a-z_]*': " "$run/rejects/orders.map.csv")" -eq "$(wc -l < "$BATS_TEST_TMPDIR/bad.want")" ]
	lines=$(pgq "$1" "SELECT count(*) FROM old_orders")
	[ "$(pgq "$v2" "SELECT count(*) FROM order_items")" -eq $((lines - $(wc -l < "$BATS_TEST_TMPDIR/bad.want"))) ]
	# every order with a readable line, its total to the cent; the currency
	# wherever a price shows one (an order of only "free" lines shows none)
	awk -F, 'NR > 1 && $4 > 0 { printf "%s,%d.%02d\n", $1, int($3 / 100), $3 % 100 }' "$data/truth/orders.csv" | sort > "$BATS_TEST_TMPDIR/tot.want"
	pgq "$v2" "SELECT order_ref || ',' || total FROM orders" | sort > "$BATS_TEST_TMPDIR/tot.got"
	assert_same "$BATS_TEST_TMPDIR/tot.want" "$BATS_TEST_TMPDIR/tot.got"
	awk -F, 'NR > 1 && $3 > 0 { print $1 "," $2 }' "$data/truth/orders.csv" | sort > "$BATS_TEST_TMPDIR/cur.want"
	pgq "$v2" "SELECT order_ref || ',' || currency FROM orders WHERE total > 0" | sort > "$BATS_TEST_TMPDIR/cur.got"
	assert_same "$BATS_TEST_TMPDIR/cur.want" "$BATS_TEST_TMPDIR/cur.got"
	# products keep the currency their price text shows (all three occur)
	[ "$(pgq "$v2" "SELECT count(DISTINCT currency) FROM products")" -eq 3 ]
	# the items add up to their order's total
	[ "$(pgq "$v2" "SELECT count(*) FROM orders o WHERE total <> (SELECT sum(quantity * unit_price) FROM order_items i WHERE i.order_id = o.id)")" -eq 0 ]
	# each customer once, every v1 row of them in legacy_ids
	[ "$(pgq "$v2" "SELECT count(*) FROM users")" -eq "$(sed -n 's/^customers //p' "$data/counts.txt")" ]
	[ "$(pgq "$v2" "SELECT sum(cardinality(legacy_ids)) FROM users")" -eq "$(pgq "$1" "SELECT count(*) FROM old_users")" ]
	[ "$(pgq "$v2" "SELECT count(*) FROM users WHERE cardinality(legacy_ids) > 1")" -gt 0 ]
	# names split, addresses parsed, phones E.164
	[ "$(pgq "$v2" "SELECT count(*) FROM users WHERE last_name IS NULL OR phone !~ '^\\+49[0-9]+\$'")" -eq 0 ]
	[ "$(pgq "$v2" "SELECT count(*) FROM addresses WHERE street !~ ' Street\$' OR postal_code !~ '^[0-9]{5}\$' OR country !~ '^[A-Z]{2}\$'")" -eq 0 ]
	# each tag once, lower-case, once per product; every mention found
	[ "$(pgq "$v2" "SELECT count(*) FROM tags")" -eq "$(pgq "$1" "SELECT count(DISTINCT lower(btrim(t))) FROM old_products, unnest(string_to_array(tags, ',')) t WHERE price <> 'call us'")" ]
	[ "$(pgq "$v2" "SELECT count(*) FROM product_tags")" -eq "$(pgq "$1" "SELECT count(DISTINCT (id, lower(btrim(t)))) FROM old_products, unnest(string_to_array(tags, ',')) t WHERE price <> 'call us'")" ]
}

# natural_dump DB: v2 by its natural keys (e-mail, title, tag name,
# order_ref, v1 line id) instead of the surrogate ids, which mig and
# bench/floor.sql number differently
natural_dump() {
	pgq "$1" "SELECT email, first_name, last_name, phone, created_at, legacy_ids FROM users ORDER BY 1"
	pgq "$1" "SELECT u.email, street, city, postal_code, country FROM addresses a JOIN users u ON u.id = a.user_id ORDER BY 1, 2"
	pgq "$1" "SELECT title, description, price, currency, created_at FROM products ORDER BY 1"
	pgq "$1" "SELECT name FROM tags ORDER BY 1"
	pgq "$1" "SELECT p.title, t.name FROM product_tags pt JOIN products p ON p.id = pt.product_id JOIN tags t ON t.id = pt.tag_id ORDER BY 1, 2"
	pgq "$1" "SELECT order_ref, u.email, order_date, status, total, currency FROM orders o JOIN users u ON u.id = o.user_id ORDER BY 1"
	pgq "$1" "SELECT legacy_line_id, o.order_ref, p.title, quantity, unit_price FROM order_items i JOIN orders o ON o.id = i.order_id JOIN products p ON p.id = i.product_id ORDER BY 1"
}
