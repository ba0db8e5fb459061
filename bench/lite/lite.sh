#!/usr/bin/env bash
# bench/lite/lite.sh people | TABLE stream|load - the "split and rekey
# only" migration of the medical v1 data (make bench's primary floor),
# composed the way pipelines/medical composes its own and sharing its
# helpers (lib.sh): v1 users split by role into staff users (keys 1, 2,
# ...) and patients (UUID v5 of the v1 id), appointments and medical_cases
# rewired through the staff crosswalk and the patients' computed keys; the
# only cleaning is in TABLE.map (first-space name split, lower-case e-mail,
# timestamps to UTC).
set -eu -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../pipelines/medical/lib.sh"

people() {
	local staff patients p
	staff="users -> users (id, role, full_name, email, phone, password_hash, created_at, updated_at)
		where role in ($STAFF_ROLES)"
	patients="users -> patients (id, full_name, email, phone, password_hash, date_of_birth, gender,
		address, created_at, updated_at) where role = 'PATIENT'"
	fifos=$(mktemp -d "$RUN/people.XXXXXX")
	trap 'rm -rf "$fifos"' EXIT
	mkfifo "$fifos/staff"
	mig-split -q --unmatched drop "$staff" < "$fifos/staff" > "$S/users.split.csv.part" &
	p=$!
	extract_v1 users --tee "$fifos/staff" |
		mig-split -q --unmatched drop "$patients" > "$S/patients.split.csv.part"
	wait "$p"
	commit "$S/v1_users.csv"
	commit "$S/users.split.csv"
	commit "$S/patients.split.csv"
}

# rewire_people (lib.sh) done in the cleaning's own pass: the patients'
# keys computed as the patients run gives them (UUID v5 of the v1 id)
# instead of read from its crosswalk, the staff's read from the staff
# crosswalk by lookup() (a doctor_id naming nobody stops the run naming
# the row, as mig-rekey -m error would).  The stream starts as soon as the
# staff crosswalk is there, and no second filter reads and writes it
# again.  A patient_id naming a staff member is caught by the foreign key.
clean_rewire() {
	mig-map -q -f "$here/$1.map" -e "$1.patient_id = uuid5('$PATIENT_NS', patient_id)" \
		-e "$1.doctor_id:int = lookup(doctor_id, '${X_USER//\'/\'\'}')"
}

keys() {
	mig-rekey -q -k "$1.id=$2" --keep-old "$1.legacy_user_id" -x "$1=$3"
}

T=${1:-}
case $T in
people) step_init; people; exit 0 ;;
users) stream() { mig-map -q -f "$here/users.map" < "$S/users.split.csv" | keys users seq:1 "$X_USER"; } ;;
patients) stream() { mig-map -q -f "$here/patients.map" < "$S/patients.split.csv" | keys patients "uuid5:$PATIENT_NS" "$X_PATIENT"; } ;;
appointments | medical_cases) stream() { extract_v1 "$T" | clean_rewire "$T"; } ;;
*) echo "usage: lite.sh people | TABLE stream|load" >&2; exit 2 ;;
esac
table_main "$@"
