# pipelines/school/lib.sh - the school pipeline's helpers: the shared ones.  Sourced.
V2_MARK=UserRole
. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
