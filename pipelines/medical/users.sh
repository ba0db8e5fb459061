#!/usr/bin/env bash
# users.sh stream|load - v2 users: the staff (every v1 role but PATIENT).
#   stream: users.split.csv -> clean names, emails, phones -> new ids 1, 2, ...
#           in v1 id order, legacy_user_id = v1 id, emails made unique
#           (case-insensitively; a clash gets a +N suffix, every change in
#           audit/users_email.csv) -> streams/users.csv and the crosswalk
#           old_user_id__to__new_user_id.csv
#   load:   streams/users.csv -> DST users
set -eu -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

stream() {
	mig-map -q --on-error null -f "$here/rules/users.map" < "$S/users.split.csv" |
		new_person_keys users seq:1 "$X_USER"
}

table_main users "$@"
