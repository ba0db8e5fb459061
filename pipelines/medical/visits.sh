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

stream() {
	extract_v1 visits | rewire_people visits
}

table_main visits "$@"
