#!/usr/bin/env bash
# feeaudit.sh stream|load - v1 fee_audit_log (empty in the seed: the
# structure only) -> v2 sessions_feeauditlog.
set -eu -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

stream() {
	local tz
	mapfile -t tz < <(tz_rules fee_audit_log changed_at)
	extract_v1 fee_audit_log |
		mig-map -q -f rules/sessions_feeauditlog.map "${tz[@]}" -e 'fee_audit_log -> sessions_feeauditlog'
}

table_main fee_audit_log sessions_feeauditlog "$@"
