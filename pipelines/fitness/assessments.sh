#!/usr/bin/env bash
# assessments.sh stream|load - v1 assessments (27 test fields) -> v2
# assessments_assessment (ids, client_id and trainer_id kept).
set -eu -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

stream() {
	local tz
	mapfile -t tz < <(tz_rules assessments created_at)
	extract_v1 assessments |
		mig-map -q -f rules/assessments_assessment.map "${tz[@]}" -e 'assessments -> assessments_assessment'
}

table_main assessments assessments_assessment "$@"
