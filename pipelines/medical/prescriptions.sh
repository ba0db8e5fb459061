#!/usr/bin/env bash
# prescriptions.sh stream|load - v2 prescriptions: v1 rows, people rewired.
#   stream: SRC prescriptions -> streams/v1_prescriptions.csv -> patient_id
#           to the patient's UUID, doctor_id to the staff id (the two
#           crosswalks); medical_case_id unchanged -> streams/prescriptions.csv.
#           A reference to nobody, or to a person of the wrong kind, stops
#           the run naming the row.
#   load:   streams/prescriptions.csv -> DST prescriptions (after medical_cases)
set -eu -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

stream() {
	extract_v1 prescriptions | rewire_people prescriptions
}

table_main prescriptions "$@"
