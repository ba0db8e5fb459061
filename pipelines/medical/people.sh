#!/usr/bin/env bash
# people.sh - read v1 users once and split them by role: staff to tag
# users, patients to tag patients, each with the columns it keeps in v2.
# A role that is neither stops the run (mig-split --unmatched error):
# every v1 user must land somewhere.
#   in:  SRC users
#   out: $RUN/streams/v1_users.csv (as extracted), users.split.csv,
#        patients.split.csv
set -eu -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
step_init

staff="users -> users (id, role, full_name, email, phone, password_hash, created_at, updated_at)
	where role in ($STAFF_ROLES)"
patients="users -> patients (id, full_name, email, phone, password_hash, date_of_birth, gender,
	address, created_at, updated_at) where role = 'PATIENT'"

# One read of v1 users feeds three splits at once (two FIFOs and a pipe,
# all written by mig-extract --tee): both routes with unmatched an error, the proof that roles
# partition users (people.csv), and one stream per v2 table, so each load
# sees only its own tag.
fifos=$(mktemp -d "$RUN/people.XXXXXX")
trap 'rm -rf "$fifos"' EXIT
mkfifo "$fifos/staff" "$fifos/patients"
mig-split -q --unmatched drop "$staff" < "$fifos/staff" > "$S/users.split.csv.part" &
p_staff=$!
mig-split -q --unmatched drop "$patients" < "$fifos/patients" > "$S/patients.split.csv.part" &
p_patients=$!
extract_v1 users --tee "$fifos/staff" --tee "$fifos/patients" |
	mig-split -q -e "$staff" -e "$patients" > "$S/people.csv.part"
wait "$p_staff"
wait "$p_patients"
commit "$S/v1_users.csv"
commit "$S/people.csv"
log "people: $(stats_line "$S/people.csv" mig-split users)"
commit "$S/users.split.csv"
commit "$S/patients.split.csv"
