# pipelines/school/lib.sh - the school pipeline's helpers: the shared ones,
# and the run's plan (ENTITIES and FILTER).  Sourced.
V2_MARK=UserRole
. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

# src_dialect [URL]: pg or my, the v1 database's kind (SRC by default)
src_dialect() {
	case ${1:-$SRC} in
	mysql:* | mariadb:*) echo my ;;
	*) echo pg ;;
	esac
}

# my_sql URL [ARGS...]: the mariadb client on a mysql:// URL
# (mysql://[user[:password]@][host][:port]/db[?socket=PATH]), its password
# through MYSQL_PWD, never the command line; SQL on standard input
my_sql() {
	local url=$1 rest hp auth='' a=(); shift
	rest=${url#*://}; rest=${rest%%\?*}
	hp=${rest%%/*}
	case $hp in *@*) auth=${hp%@*} hp=${hp##*@} ;; esac
	if [ -n "$auth" ]; then
		a+=("--user=${auth%%:*}")
		case $auth in *:*) export MYSQL_PWD="${auth#*:}" ;; esac
	fi
	case $url in
	*\?*socket=*) auth=${url#*socket=}; a+=("--socket=${auth%%&*}") ;;
	*) [ -z "${hp%%:*}" ] || a+=("--host=${hp%%:*}" --protocol=tcp)
		case $hp in *:*) a+=("--port=${hp##*:}") ;; esac ;;
	esac
	mariadb "${a[@]}" --local-infile=1 --batch --skip-column-names "$@" "${rest#*/}"
}

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
# shellcheck disable=SC2034 # the plan's variables are read by the scripts
plan() {
	local e last=0 i
	E_TEACHERS='' E_PARENTS='' E_STUDENTS=''
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
	W_PEOPLE='' W_SCHOOLS='' W_TEACHERS='' W_PARENTS='' W_STUDENTS=''
	if [ -z "${FILTER:-}" ]; then return 0; fi
	# built with PostgreSQL's quotes around FILTER's place, then sq puts
	# in the source's quotes and FILTER (written in the source's dialect)
	local f=@FILTER@ schools teachers parents students v
	teachers="SELECT \"id\" FROM \"Teacher\" WHERE $f"
	parents="SELECT \"id\" FROM \"Parent\" WHERE $f"
	students="SELECT \"id\" FROM \"Student\" WHERE $f"
	schools="SELECT \"schoolId\" FROM \"Teacher\" WHERE $f UNION SELECT \"schoolId\" FROM \"Parent\" WHERE $f UNION SELECT \"schoolId\" FROM \"Student\" WHERE $f"
	# the same choice as SQL conditions, for verify's counts
	W_PEOPLE=$(sq "$f") W_SCHOOLS=$(sq "IN ($schools)") W_TEACHERS=$(sq "IN ($teachers)") W_PARENTS=$(sq "IN ($parents)") W_STUDENTS=$(sq "IN ($students)")
	X_School=(-w "$(sq "School=\"id\" IN ($schools)")")
	X_Teacher=(-w "$(sq "Teacher=$f")")
	X_Parent=(-w "$(sq "Parent=$f")")
	X_Class=(-Q "$(sq "Class=SELECT \"id\", \"schoolId\", \"name\", \"level\", CASE WHEN \"teacherId\" IN ($teachers) THEN \"teacherId\" END AS \"teacherId\" FROM \"Class\" WHERE \"schoolId\" IN ($schools) ORDER BY \"id\"")")
	X_Subject=(-w "$(sq "Subject=\"teacherId\" IN ($teachers)")")
	X_Student=(-Q "$(sq "Student=SELECT \"id\", \"schoolId\", CASE WHEN \"classId\" IN (SELECT \"id\" FROM \"Class\" WHERE \"schoolId\" IN ($schools)) THEN \"classId\" END AS \"classId\", \"fullName\", \"email\", \"phone\", \"passwordHash\", \"address\", \"admissionNo\", \"dateOfBirth\", \"gender\", \"createdAt\", \"updatedAt\" FROM \"Student\" WHERE $f ORDER BY \"id\"")")
	X__ParentToStudent=(-w "$(sq "_ParentToStudent=\"A\" IN ($parents) AND \"B\" IN ($students)")")
}

# sq SQL: SQL written with PostgreSQL's quoted names, for the v1 database:
# MariaDB's backquotes there, and @FILTER@ replaced by (FILTER)
sq() {
	local s=$1
	if [ "$(src_dialect)" = my ]; then s=${s//\"/\`}; fi
	printf '%s' "${s//@FILTER@/($FILTER)}"
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
