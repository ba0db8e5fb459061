# pipelines/school/lib.sh - the school pipeline's helpers: the shared ones,
# and the run's plan (ENTITIES and FILTER).  Sourced.
V2_MARK=UserRole
. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

# plan: from ENTITIES and FILTER, the tables this run migrates and the
# conditions that choose their rows, so that every reference points inside
# the migrated set.  Sets E_TEACHERS, E_PARENTS, E_STUDENTS (1 or empty)
# and the extract options X_School, X_people (arrays of mig-extract -w/-Q).
#   ENTITIES: schools,teachers,parents,students in any order; each pulls
#     in every entity before it in the seed's order (schools -> teachers
#     -> parents -> students), since e-mails and phones are made unique in
#     that order: a partial run gives exactly the rows a full run gives
#     for its entities, and a later run with more entities only adds rows.
#     teachers bring their classes and subjects (TeacherSubject), students
#     their parent links (ParentStudent) and class.
#   FILTER: an SQL condition on the columns the three person tables share
#     ("id", "schoolId", "fullName", "email", "phone", "address",
#     "createdAt", "updatedAt"): it chooses the teachers, parents and
#     students; the schools are those holding a chosen person; a class is
#     migrated with its school, its class teacher NULL when that teacher is
#     not chosen; a subject link and a parent-student link only when both
#     ends are chosen; a student's class NULL when the class is not migrated.
plan() {
	local e last=0 i
	E_TEACHERS= E_PARENTS= E_STUDENTS=
	for e in ${ENTITIES//,/ }; do
		case $e in
		schools) i=1 ;; teachers) i=2 ;; parents) i=3 ;; students) i=4 ;;
		*) echo "school: ENTITIES: unknown entity '$e' (schools, teachers, parents, students)" >&2; exit 2 ;;
		esac
		[ "$i" -le "$last" ] || last=$i
	done
	[ "$last" -gt 0 ] || last=4
	[ "$last" -lt 2 ] || E_TEACHERS=1
	[ "$last" -lt 3 ] || E_PARENTS=1
	[ "$last" -lt 4 ] || E_STUDENTS=1
	X_School=() X_Class=() X_Subject=() X_Student=() X_Teacher=() X_Parent=() X__ParentToStudent=()
	W_PEOPLE= W_SCHOOLS= W_TEACHERS= W_PARENTS= W_STUDENTS=
	if [ -z "${FILTER:-}" ]; then return 0; fi
	local f="($FILTER)" schools teachers parents students
	teachers="SELECT \"id\" FROM \"Teacher\" WHERE $f"
	parents="SELECT \"id\" FROM \"Parent\" WHERE $f"
	students="SELECT \"id\" FROM \"Student\" WHERE $f"
	schools="SELECT \"schoolId\" FROM \"Teacher\" WHERE $f UNION SELECT \"schoolId\" FROM \"Parent\" WHERE $f UNION SELECT \"schoolId\" FROM \"Student\" WHERE $f"
	# the same choice as SQL conditions, for verify's counts
	W_PEOPLE=$f W_SCHOOLS="IN ($schools)" W_TEACHERS="IN ($teachers)" W_PARENTS="IN ($parents)" W_STUDENTS="IN ($students)"
	X_School=(-w "School=\"id\" IN ($schools)")
	X_Teacher=(-w "Teacher=$f")
	X_Parent=(-w "Parent=$f")
	X_Class=(-Q "Class=SELECT \"id\", \"schoolId\", \"name\", \"level\", CASE WHEN \"teacherId\" IN ($teachers) THEN \"teacherId\" END AS \"teacherId\" FROM \"Class\" WHERE \"schoolId\" IN ($schools) ORDER BY \"id\"")
	X_Subject=(-w "Subject=\"teacherId\" IN ($teachers)")
	X_Student=(-Q "Student=SELECT \"id\", \"schoolId\", CASE WHEN \"classId\" IN (SELECT \"id\" FROM \"Class\" WHERE \"schoolId\" IN ($schools)) THEN \"classId\" END AS \"classId\", \"fullName\", \"email\", \"phone\", \"passwordHash\", \"address\", \"admissionNo\", \"dateOfBirth\", \"gender\", \"createdAt\", \"updatedAt\" FROM \"Student\" WHERE $f ORDER BY \"id\"")
	X__ParentToStudent=(-w "_ParentToStudent=\"A\" IN ($parents) AND \"B\" IN ($students)")
}

# extract TAG: TAG's rows from SRC as the plan chooses them (a -Q query
# names its tag itself; a table is named after its -w condition)
extract() {
	local -n x=X_$1
	case ${x[0]:-} in
	-Q) mig-extract -q "${x[@]}" "$SRC" ;;
	*) mig-extract -q "${x[@]}" "$SRC" "$1" ;;
	esac
}
