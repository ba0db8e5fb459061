#!/usr/bin/env bash
# products.sh stream|load - v2 products, tags and product_tags.
#   stream: prices to exact numerics with their currency, dates
#           normalised, one record per tag mention, normalised
#           (rules/products.map: explode); an empty mention ("a,,b") is
#           no tag and is dropped by the split, counted; products
#           deduplicated by title (the v1 ids of a duplicate map to the
#           survivor), each tag once (ids by first appearance), each
#           product's tag once -> streams/products.csv.  A product whose
#           price no rule reads goes to rejects/products.map.csv.
#   load:   that stream -> DST
set -eu -o pipefail
. "$(dirname "$0")/lib.sh"
stream() {
	mig-extract -q "$SRC" old_products |
		mig-map -q -f rules/products.map --on-error reject --reject "$RUN/rejects/products.map.csv" |
		mig-split -q -f rules/products.split --unmatched drop |
		mig-rekey -q -k products.id=seq:1 -d 'products on (title)' \
			-x products="$RUN/old_product_id__to__new_product_id.csv" \
			-k tags.id=seq:1 -d 'tags on (name)' \
			-r product_tags.product_id=products -r product_tags.tag_id=tags \
			-d 'product_tags on (*)'
}
stage_main products "$@"
