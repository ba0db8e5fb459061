# pipelines/crm/lib.sh - the crm pipeline's helpers: the shared ones.  Sourced.
V2_MARK=person_role
. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
