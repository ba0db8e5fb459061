#!/usr/bin/env bash
# users.sh stream|load - v2 users and addresses from old_users.
#   stream: names split, e-mails trimmed and lower-cased, phones to E.164,
#           dates normalised, the address into components (rules/users.map);
#           customers merged by normalised e-mail (mig-rekey --dedupe: the
#           first row survives, its NULLs filled from the others, every v1
#           id in legacy_ids; the crosswalk old_user_id__to__new_user_id.csv
#           maps each v1 id to its customer); new ids 1, 2, ... in v1 id order
#           -> streams/users.csv (tags users, addresses)
#   load:   that stream -> DST
set -eu -o pipefail
. "$(dirname "$0")/lib.sh"
stream() {
	mig-extract -q "$SRC" old_users |
		mig-map -q -f rules/users.map --on-error reject --reject "$RUN/rejects/users.map.csv" |
		mig-rekey -q -k old_users.id=seq:1 -d 'old_users on (email) keep:first fill ids:legacy_ids' \
			-x old_users="$RUN/old_user_id__to__new_user_id.csv" |
		mig-split -q -f rules/users.split
}
stage_main users "$@"
