#!/usr/bin/env bash
# patients.sh stream|load - v2 patients: every v1 user whose role is PATIENT.
#   stream: patients.split.csv -> names split in three, emails trimmed and lower
#           case, phones to E.164 (what is not a phone number is kept in
#           phone_raw), gender to male/female/other -> id = UUID v5 of the
#           v1 id (namespace in lib.sh), legacy_user_id = v1 id, emails made
#           unique (audit/patients_email.csv) -> streams/patients.csv and
#           the crosswalk old_user_id__to__new_patient_id.csv
#   load:   streams/patients.csv -> DST patients
set -eu -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

stream() {
	mig-map -q --on-error null -f "$here/rules/patients.map" < "$S/patients.split.csv" |
		new_person_keys patients "uuid5:$PATIENT_NS" "$X_PATIENT"
}

table_main patients "$@"
