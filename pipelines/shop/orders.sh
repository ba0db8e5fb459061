#!/usr/bin/env bash
# orders.sh stream|load - v2 orders and order_items from the wide old_orders.
#   stream: each line cleaned (rules/orders.map; a quantity or price no
#           rule reads sends the line to rejects/orders.map.csv with the
#           reason), saved as streams/lines.csv; then
#           orders: one per order_ref, total = the sum of its readable
#           lines, currency the first one a line's price shows, else its
#           first product's (sum-orders.awk), user_id found by the normalised e-mail
#           among the merged users, new ids 1, 2, ... in order_ref order
#           -> streams/orders.csv;
#           order_items: one per readable line (id and legacy_line_id =
#           the v1 line id), order and product found by order_ref and
#           title -> streams/order_items.csv
#   load:   both streams -> DST
set -eu -o pipefail
. "$(dirname "$0")/lib.sh"
stream() {
	# by order_ref, so that an order's lines are together for the sum
	mig-extract -q -Q 'old_orders=SELECT * FROM old_orders ORDER BY order_ref, id' "$SRC" |
		mig-map -q -f rules/orders.map --on-error reject --reject "$RUN/rejects/orders.map.csv" > "$S/lines.csv.part"
	mig-split -q 'old_orders -> orders(order_ref as id, order_ref, email as user_id, order_date, status, currency, line_cents, product_title as product_currency)' "$S/lines.csv.part" |
		mig-rekey -q --lookup "orders.product_currency=products.currency by product_currency on title from $S/products.csv" |
		LC_ALL=C awk -f sum-orders.awk |
		mig-rekey -q -k orders.id=seq:1 -x orders="$RUN/order_ref__to__new_order_id.csv" \
			--lookup "orders.user_id=users.id by user_id on email from $S/users.csv"
	mig-split -q 'old_orders -> order_items(id, id as legacy_line_id, order_ref as order_id, product_title as product_id, quantity, unit_price)' "$S/lines.csv.part" |
		mig-rekey -q --lookup "order_items.order_id=orders.id by order_id on order_ref from $S/orders.csv.part" \
			--lookup "order_items.product_id=products.id by product_id on title from $S/products.csv" > "$S/order_items.csv.part"
	commit "$S/lines.csv"
	commit "$S/order_items.csv"
}
LOADS="orders order_items"
stage_main orders "$@"
