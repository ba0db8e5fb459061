#!/usr/bin/env bash
# verify.sh - the run's checks (made here by checks for its ENTITIES and
# FILTER, saved as $RUN/checks.mig) by mig-verify from the run directory
# (validation_report.json, post_migration_checks.sql, report.html), then
# the seed's login check: every generated password of this run verifies
# against the hash stored for its user (verify_user_login).
set -eu -o pipefail
PIPELINE=school
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
: "${RUN:?set RUN}"

# w COND: " where COND" when COND is set (a FILTER run), else nothing
w() { if [ -n "$2" ]; then printf ' where %s %s' "$(sq "\"$1\"")" "$2"; fi; }

# checks: the sign-off in mig-verify(1)'s checks language, counted over
# the rows the plan chose, so a FILTER or ENTITIES run is checked as such
checks() {
	local wp="" t
	if [ -n "$W_PEOPLE" ]; then wp=" where $W_PEOPLE"; fi
	cat <<CHECKS
# The school migration's sign-off for ENTITIES=$ENTITIES${FILTER:+ and a FILTER}
# (made by verify.sh; counts over the chosen v1 rows).
counts SRC.School$(w id "$W_SCHOOLS") = DST.School
stream streams/School.csv School
crosswalk old_school_id__to__new_school_id.csv SRC.School(id)$(w id "$W_SCHOOLS") -> DST.School(id)
fk DST
unique DST
ledger streams/School.loaded.csv
CHECKS
	[ -n "$E_TEACHERS" ] || return 0
	local people=(Teacher) xw=(old_teacher_id__to__new_user_id.csv)
	if [ -n "$E_PARENTS" ]; then people+=(Parent) xw+=(old_parent_id__to__new_user_id.csv); fi
	if [ -n "$E_STUDENTS" ]; then people+=(Student) xw+=(old_student_id__to__new_user_id.csv); fi
	cat <<CHECKS

# The people: one "User" per v1 teacher, parent and student row (a
# teacher who is also a parent is two users, one per role), one
# "UserRole" per role held, a profile each.
counts $(for t in "${people[@]}"; do printf 'SRC.%s%s + ' "$t" "$wp"; done | sed 's/ + $//') = DST.User
counts $(for t in "${people[@]}"; do printf 'SRC.%s%s + ' "$t" "$wp"; done | sed 's/ + $//') = DST.UserRole
CHECKS
	for t in "${people[@]}"; do
		echo "counts SRC.$t$wp = DST.${t}Profile"
		echo "counts SRC.$t$wp = DST.UserRole where \"roleId\" = (SELECT \"id\" FROM \"Role\" WHERE \"name\" = '${t^^}')"
	done
	echo "crosswalk $(printf '%s + ' "${xw[@]}" | sed 's/ + $//') $(for t in "${people[@]}"; do printf 'SRC.%s(id)%s + ' "$t" "$wp"; done | sed 's/ + $//') -> DST.User(id)"
	cat <<CHECKS
stream streams/people.csv
unique DST User(email) User(phone)
ledger streams/people.loaded.csv fanout mig-split

# Classes (with their school) and the teachers' subjects (both ends chosen),
# the class teacher rewired or NULL when not chosen.
counts SRC.Class$(w schoolId "$W_SCHOOLS") = DST.Class
counts SRC.Class where $(sq '"teacherId" IS NOT NULL')$( [ -z "$W_TEACHERS" ] || printf ' AND %s %s' "$(sq '"teacherId"')" "$W_TEACHERS") = DST.Class where "classTeacherId" IS NOT NULL
crosswalk old_class_id__to__new_class_id.csv SRC.Class(id)$(w schoolId "$W_SCHOOLS") -> DST.Class(id)
counts SRC.Subject where $(sq '"teacherId" IS NOT NULL')$( [ -z "$W_TEACHERS" ] || printf ' AND %s %s' "$(sq '"teacherId"')" "$W_TEACHERS") = DST.TeacherSubject
CHECKS
	[ -n "$E_STUDENTS" ] || return 0
	cat <<CHECKS

# The parent-student links (both ends chosen) and the students' classes.
counts SRC._ParentToStudent$( [ -z "$W_PARENTS" ] || printf ' where %s %s AND %s %s' "$(sq '"A"')" "$W_PARENTS" "$(sq '"B"')" "$W_STUDENTS") = DST.ParentStudent
counts SRC.Student where $(sq '"classId" IS NOT NULL')$( [ -z "$W_PEOPLE" ] || printf ' AND %s AND %s %s)' "$W_PEOPLE" "$(sq '"classId" IN (SELECT "id" FROM "Class" WHERE "schoolId"')" "$W_SCHOOLS") = DST.StudentProfile where "classId" IS NOT NULL
CHECKS
}

plan
mkdir -p "$RUN"
checks > "$RUN/checks.mig"
st=0
(CHECKS=$RUN/checks.mig verify_main) || st=$?
if [ -s "$RUN/passwords.csv" ]; then
	bad=$(db_query "$DST" "SELECT \"legacySource\" || ',' || \"legacyId\" || ',' || \"passwordHash\" FROM \"User\"" |
		awk -F, 'NR == FNR { h[$1 "," $2] = $3; next } FNR > 1 { print $1 "," $2 "," $3 "," h[$1 "," $2] }' - "$RUN/passwords.csv" |
		perl -ne 'chomp; my ($t, $k, $p, $h) = split /,/, $_, 4; print "$t,$k\n" unless $h ne "" && crypt($p, $h) eq $h' | wc -l)
	log "verify: $bad generated passwords that do not verify against their stored hash"
	[ "$bad" = 0 ] || st=1
fi
exit "$st"
