#!/usr/bin/env bash
# visits.sh stream|load - v2 visits: v1 rows with their people rewired.
#   stream: SRC visits -> streams/v1_visits.csv -> nothing else -> patient_id to the
#           patient's UUID (old_user_id__to__new_patient_id.csv), doctor_id to users; appointment_id kept (appointments keep their ids)
#           (old_user_id__to__new_user_id.csv) -> streams/visits.csv.
#           A reference to nobody, or to a person of the wrong kind,
#           stops the run naming the row (mig-rekey --on-missing error).
#   load:   streams/visits.csv -> DST visits
set -eu -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
step_init

case ${1:-} in
stream)
	log "visits: extract from $(db_kind "$SRC") source"
	mig-extract -q "$SRC" visits > "$S/v1_visits.csv.part"
	commit "$S/v1_visits.csv"
	mig-map -q -f "$here/rules/visits.map" < "$S/v1_visits.csv" |
		mig-rekey -q -l patients="$X_PATIENT" -l users="$X_USER" \
			-r visits.patient_id=patients -r visits.doctor_id=users \
			-m error > "$S/visits.csv.part"
	commit "$S/visits.csv"
	log "visits: $(stats_line "$S/visits.csv" mig-rekey visits)"
	;;
load)
	load_table visits ;;
*)
	echo "usage: visits.sh stream|load" >&2; exit 2 ;;
esac
