#!/usr/bin/env bash
# report.sh - what the clean-up will meet, computed from v1 before anything
# is written: $RUN/pre_migration_report.json.  The classes are the
# formats the rules will read; "other" is what no rule reads (those lines
# go to the reject file with their reason).
set -eu -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
: "${RUN:?set RUN}" "${SRC:?set SRC=URL}"
mkdir -p "$RUN"
chmod 700 "$RUN"
q() { db_query "$SRC" "$*"; }
# price and date classes as SQL CASE expressions over column $1
price_class="CASE WHEN \$1 ~ '^\\\$[0-9,]+\\.[0-9]{2}\$' THEN 'dollar_sign'
	WHEN \$1 ~ '^(USD|EUR|GBP) [0-9]+\\.[0-9]{2}\$' THEN 'code_first'
	WHEN \$1 ~ '^[0-9.]+,[0-9]{2} (€|EUR)\$' THEN 'euro_comma'
	WHEN \$1 ~ '^£[0-9,]+\\.[0-9]{2}\$' THEN 'pound_sign'
	WHEN lower(\$1) = 'free' THEN 'free' ELSE 'other' END"
date_class="CASE WHEN \$1 ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}\$' THEN 'iso'
	WHEN \$1 ~ '^[0-9]{2}/[0-9]{2}/[0-9]{4}\$' THEN 'day_first'
	WHEN \$1 ~ '^[A-Z][a-z]+ [0-9]{1,2}, [0-9]{4}\$' THEN 'month_name_first'
	WHEN \$1 ~ '^[0-9]{1,2} [A-Z][a-z]{2} [0-9]{4}\$' THEN 'day_month_name'
	WHEN \$1 ~ '^[0-9]{9,10}\$' THEN 'epoch_seconds' ELSE 'other' END"
classes() {	# classes TABLE COLUMN CASE
	local expr=${3//\$1/$2}
	q "SELECT string_agg(format('\"%s\": %s', c, n), ', ' ORDER BY c) FROM (SELECT $expr AS c, count(*) AS n FROM $1 GROUP BY 1) x"
}
users=$(q "SELECT count(*) FROM old_users")
people=$(q "SELECT count(DISTINCT lower(btrim(email))) FROM old_users")
dupes=$(q "SELECT count(*) FROM (SELECT 1 FROM old_users GROUP BY lower(btrim(email)) HAVING count(*) > 1) d")
variants=$(q "SELECT count(*) FROM (SELECT lower(btrim(t)) FROM old_products, unnest(string_to_array(tags, ',')) t GROUP BY 1 HAVING count(DISTINCT t) > 1) v")
tags=$(q "SELECT count(DISTINCT lower(btrim(t))) FROM old_products, unnest(string_to_array(tags, ',')) t WHERE btrim(t) <> ''")
reptags=$(q "SELECT count(*) FROM (SELECT id FROM old_products, unnest(string_to_array(tags, ',')) t GROUP BY id, lower(btrim(t)) HAVING count(*) > 1) r")
lines=$(q "SELECT count(*) FROM old_orders")
orders=$(q "SELECT count(DISTINCT order_ref) FROM old_orders")
badqty=$(q "SELECT count(*) FROM old_orders WHERE btrim(quantity) !~ '^[0-9]+\$'")
cat > "$RUN/pre_migration_report.json" <<JSON
{
  "source_rows": {"old_users": $users, "old_products": $(q "SELECT count(*) FROM old_products"), "old_orders": $lines},
  "customers": {"rows": $users, "distinct_by_email": $people, "duplicated": $dupes},
  "orders": {"lines": $lines, "orders": $orders, "quantity_not_a_number": $badqty},
  "product_prices": {$(classes old_products price "$price_class")},
  "line_prices": {$(classes old_orders product_price "$price_class")},
  "order_dates": {$(classes old_orders order_date "$date_class")},
  "signup_dates": {$(classes old_users signup_date "$date_class")},
  "tags": {"distinct": $tags, "written_several_ways": $variants, "repeated_within_a_product": $reptags},
  "statuses": {$(q "SELECT string_agg(format('\"%s\": %s', s, n), ', ' ORDER BY s) FROM (SELECT lower(btrim(status)) AS s, count(*) AS n FROM old_orders GROUP BY 1) x")}
}
JSON
log "report: $users customer rows for $people customers, $orders orders in $lines lines ($badqty quantities not a number), $tags tags ($variants written several ways)"
