#!/usr/bin/env bash
# appointments.sh stream|load - v2 appointments: v1 rows, people rewired.
#   stream: SRC appointments -> streams/v1_appointments.csv -> status to one
#           spelling (rules/status.csv; an unknown one stops the run) ->
#           patient_id to the patient's UUID (old_user_id__to__new_patient_id.csv),
#           doctor_id (NULL when unassigned) to the staff id
#           (old_user_id__to__new_user_id.csv) -> streams/appointments.csv.
#           A reference to nobody, or to a person of the wrong kind, stops
#           the run naming the row (mig-rekey --on-missing error).
#   load:   streams/appointments.csv -> DST appointments
set -eu -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

stream() {
	extract_v1 appointments | mig-map -q -f "$here/rules/appointments.map" |
		rewire_people appointments
}

table_main appointments "$@"
