#!/usr/bin/env bash
# users.sh stream|load - v1 trainers -> v2 accounts_user.
#   stream: rules/accounts_user.map (e-mail override, Django's bcrypt$
#           prefix, names split, superusers from rules/superusers.csv),
#           naive times read in STUDIO_TZ, ids kept, e-mails made unique
#           case-insensitively (a clash left after the override gets +N,
#           every change in audit/accounts_user_email.csv)
#   load:   streams/accounts_user.csv -> DST
set -eu -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

stream() {
	local tz
	mapfile -t tz < <(tz_rules trainers date_joined last_login locked_until)
	extract_v1 trainers |
		mig-map -q -f rules/accounts_user.map "${tz[@]}" -e 'trainers -> accounts_user' |
		mig-rekey -q --unique-nocase accounts_user.email -a "$RUN/audit/accounts_user_email.csv"
}

table_main trainers accounts_user "$@"
