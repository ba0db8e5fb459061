#!/usr/bin/env bash
# people.sh - read v1 users once and split them by role: staff to tag
# users, patients to tag patients.  A role that is neither stops the run
# (mig-split --unmatched error): every v1 user must land somewhere.
#   in:  SRC users
#   out: $RUN/streams/v1_users.csv (as extracted), people.csv (split)
set -eu -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
step_init

log "people: extract v1 users from $(db_kind "$SRC") source"
mig-extract -q "$SRC" users > "$S/v1_users.csv.part"
commit "$S/v1_users.csv"
mig-split -q \
	"users -> users (id, role, full_name, email, phone, password_hash, created_at, updated_at)
		where role in ($STAFF_ROLES)" \
	"users -> patients (id, full_name, email, phone, password_hash, date_of_birth, gender,
		address, created_at, updated_at) where role = 'PATIENT'" \
	< "$S/v1_users.csv" > "$S/people.csv.part"
commit "$S/people.csv"
log "people: $(stats_line "$S/people.csv" mig-split users)"
