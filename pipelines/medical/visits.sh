#!/usr/bin/env bash
# visits.sh stream|load - v2 visits: v1 rows, people rewired.
#   stream: SRC visits -> streams/v1_visits.csv -> patient_id to the
#           patient's UUID, doctor_id to the staff id (the two crosswalks);
#           appointment_id unchanged (appointments keep their ids) ->
#           streams/visits.csv.  A reference to nobody, or to a person of
#           the wrong kind, stops the run naming the row.
#   load:   streams/visits.csv -> DST visits (after appointments)
set -eu -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
step_init

case ${1:-} in
stream)
	log "visits: extract from $(db_kind "$SRC") source"
	mig-extract -q "$SRC" visits > "$S/v1_visits.csv.part"
	commit "$S/v1_visits.csv"
	mig-rekey -q -l patients="$X_PATIENT" -l users="$X_USER" \
		-r visits.patient_id=patients -r visits.doctor_id=users \
		-m error < "$S/v1_visits.csv" > "$S/visits.csv.part"
	commit "$S/visits.csv"
	log "visits: $(stats_line "$S/visits.csv" mig-rekey visits)"
	;;
load)
	load_table visits ;;
*)
	echo "usage: visits.sh stream|load" >&2; exit 2 ;;
esac
