# pipelines/shop/lib.sh - the shop pipeline's helpers: the shared ones.  Sourced.
set -eu -o pipefail
V2_MARK=order_items
PIPELINE=shop
. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
