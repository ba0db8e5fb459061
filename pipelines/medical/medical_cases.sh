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
step_init

case ${1:-} in
stream)
	log "medical_cases: extract from $(db_kind "$SRC") source"
	mig-extract -q "$SRC" medical_cases > "$S/v1_medical_cases.csv.part"
	commit "$S/v1_medical_cases.csv"
	mig-map -q -f "$here/rules/medical_cases.map" < "$S/v1_medical_cases.csv" |
		mig-rekey -q -l patients="$X_PATIENT" -l users="$X_USER" \
			-r medical_cases.patient_id=patients -r medical_cases.doctor_id=users \
			-m error > "$S/medical_cases.csv.part"
	commit "$S/medical_cases.csv"
	log "medical_cases: $(stats_line "$S/medical_cases.csv" mig-rekey medical_cases)"
	;;
load)
	load_table medical_cases ;;
*)
	echo "usage: medical_cases.sh stream|load" >&2; exit 2 ;;
esac
