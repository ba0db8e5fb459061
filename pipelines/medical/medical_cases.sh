#!/usr/bin/env bash
# medical_cases.sh stream|load - v2 medical_cases: v1 rows, people rewired.
#   stream: SRC medical_cases -> streams/v1_medical_cases.csv -> status to
#           one spelling (rules/status.csv) -> patient_id to the patient's
#           UUID, doctor_id to the staff id (the two crosswalks) ->
#           streams/medical_cases.csv.  A reference to nobody, or to a person
#           of the wrong kind, stops the run naming the row.
#   load:   streams/medical_cases.csv -> DST medical_cases
set -eu -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

stream() {
	extract_v1 medical_cases | mig-map -q -f "$here/rules/medical_cases.map" |
		rewire_people medical_cases
}

table_main medical_cases "$@"
