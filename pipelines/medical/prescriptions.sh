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
step_init

case ${1:-} in
stream)
	log "prescriptions: extract from $(db_kind "$SRC") source"
	mig-extract -q "$SRC" prescriptions > "$S/v1_prescriptions.csv.part"
	commit "$S/v1_prescriptions.csv"
	mig-rekey -q -l patients="$X_PATIENT" -l users="$X_USER" \
		-r prescriptions.patient_id=patients -r prescriptions.doctor_id=users \
		-m error < "$S/v1_prescriptions.csv" > "$S/prescriptions.csv.part"
	commit "$S/prescriptions.csv"
	log "prescriptions: $(stats_line "$S/prescriptions.csv" mig-rekey prescriptions)"
	;;
load)
	load_table prescriptions ;;
*)
	echo "usage: prescriptions.sh stream|load" >&2; exit 2 ;;
esac
