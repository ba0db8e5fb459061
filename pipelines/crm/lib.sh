# pipelines/crm/lib.sh - the crm pipeline's helpers: the shared ones.  Sourced.
set -eu -o pipefail
V2_MARK=person_role
PIPELINE=crm
. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
