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

extract_v1 users
# Both routes at once, unmatched an error: the proof that roles partition users.
mig-split -q "$staff" "$patients" < "$S/v1_users.csv" > "$S/people.csv.part"
commit "$S/people.csv"
log "people: $(stats_line "$S/people.csv" mig-split users)"
# Then one stream per v2 table, so each load sees only its own tag.
mig-split -q --unmatched drop "$staff" < "$S/v1_users.csv" > "$S/users.split.csv.part"
mig-split -q --unmatched drop "$patients" < "$S/v1_users.csv" > "$S/patients.split.csv.part"
commit "$S/users.split.csv"
commit "$S/patients.split.csv"
