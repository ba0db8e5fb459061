#!/usr/bin/env bash
# people.sh stream|load - v1 "Teacher", "Parent" and "Student" fan in to
# v2 "User" (one per v1 row), "UserRole" (one per role held), "Address"
# and the teacher, parent and student profiles, in the seed's order.
#   stream: mig-extract the three tables in that order; mig-rekey gives
#           each person its user id (rules/people.rekey), writes a
#           crosswalk per table (old_TABLE_id__to__new_user_id.csv),
#           rewires "schoolId" through the schools' crosswalk and looks
#           up the school's country; mig-map splits names, makes phones
#           E.164, e-mails for those without, addresses, the role and user
#           type by name from the target, and a 12-character password per
#           new user, clear only in $RUN/passwords.csv (mode 0600), its
#           bcrypt hash in the stream; mig-rekey makes e-mails and phones
#           unique across the three (audit/people_unique.csv); mig-split
#           fans each row out (rules/people.split)
#   load:   that stream -> DST (checkpointed; UPSERT=1 for a rerun)
set -eu -o pipefail
PIPELINE=school
. "$(dirname "$0")/lib.sh"

stream() {
	local t role maps=()
	# the roles and user types by natural key, and the hashes of users the
	# target already holds (a rerun keeps them)
	db_query "$DST" "COPY (SELECT r.\"name\", r.\"id\" FROM \"Role\" r) TO STDOUT WITH (FORMAT csv, HEADER)" > "$RUN/role_ids.csv"
	db_query "$DST" "COPY (SELECT r.\"name\", r.\"userTypeId\" FROM \"Role\" r) TO STDOUT WITH (FORMAT csv, HEADER)" > "$RUN/role_types.csv"
	db_query "$DST" "COPY (SELECT \"id\", \"passwordHash\" FROM \"User\") TO STDOUT WITH (FORMAT csv, HEADER)" > "$RUN/user_hashes.csv"
	for t in Teacher:TEACHER Parent:PARENT Student:STUDENT; do
		role=${t#*:} t=${t%%:*}
		sed -e "s|@TAG@|$t|g" -e "s|@ROLE@|$role|g" -e "s|@RUN@|$RUN|g" rules/person.map.in > "$RUN/person-$t.map"
		maps+=(-f "$RUN/person-$t.map")
	done
	# the clear passwords of this run, for distribution: only the owner reads them
	: > "$RUN/passwords.csv"
	chmod 600 "$RUN/passwords.csv"
	mig-extract -q "$SRC" Teacher Parent Student | tee "$S/v1_people.csv" |
		mig-rekey -q -f rules/people.rekey \
			-x "Teacher=$RUN/old_teacher_id__to__new_user_id.csv" \
			-x "Parent=$RUN/old_parent_id__to__new_user_id.csv" \
			-x "Student=$RUN/old_student_id__to__new_user_id.csv" \
			-l "School=$RUN/old_school_id__to__new_school_id.csv" \
			-e 'ref Teacher.schoolId=School' -e 'ref Parent.schoolId=School' -e 'ref Student.schoolId=School' \
			-e "lookup Teacher.countryCode=School.country by schoolId from $S/v1_School.csv" \
			-e "lookup Parent.countryCode=School.country by schoolId from $S/v1_School.csv" \
			-e "lookup Student.countryCode=School.country by schoolId from $S/v1_School.csv" |
		mig-map -q "${maps[@]}" -f rules/student.map --passwords "$RUN/passwords.csv" --bcrypt-cost "${BCRYPT_COST:-10}" |
		mig-rekey -q -f rules/people.unique -a "$RUN/audit/people_unique.csv" |
		mig-split -q -f rules/people.split
}

stage_main people "$@"
