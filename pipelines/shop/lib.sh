# pipelines/shop/lib.sh - the shop pipeline's helpers: the shared ones.  Sourced.
V2_MARK=order_items
. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
