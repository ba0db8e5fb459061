#!/usr/bin/env bash
# sessions.sh stream|load - v1 sessions ∪ training_sessions -> v2
# sessions_session, duplicates merged (rules/sessions_session.rekey says
# how a duplicate is recognised and which row survives).
#   stream: both tables extracted into one stream; mig-rekey fills a
#           missing trainer_id from the client's trainer (the saved
#           clients stream of clients.sh), merges the duplicates and
#           numbers the rows from one sequence, with a crosswalk per v1
#           table; audit/sessions_session_merged.csv lists each merge;
#           mig-map reads the naive times in STUDIO_TZ and renames both
#           tags to sessions_session
#   load:   streams/sessions_session.csv -> DST
set -eu -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

stream() {
	merged_stream sessions training_sessions sessions_session session_date created_at
}

table_main sessions sessions_session "$@"
