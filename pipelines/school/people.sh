#!/usr/bin/env bash
# people.sh stream|load - v1 "Teacher", "Parent" and "Student" fan in to
# v2 "User" (one per v1 row), "UserRole" (one per role held), "Address"
# and the teacher, parent and student profiles, in the seed's order, with
# the classes, subjects and parent-student links rewired to them.
#   stream: mig-extract the tables the plan chooses (lib.sh: ENTITIES,
#           FILTER) in the order Teacher, Class, Subject, Parent, Student,
#           _ParentToStudent; mig-rekey gives each person its user id and
#           each class its id (rules made here by rekey_rules), writes a
#           crosswalk per table (old_TABLE_id__to__new_user_id.csv,
#           old_class_id__to__new_class_id.csv), rewires "schoolId"
#           through the schools' crosswalk, every teacher, class, parent
#           and student reference through the stream's own keys, and looks
#           up the school's country; mig-map splits names, makes phones
#           E.164, e-mails for those without, addresses, the role, user
#           type, class level and subject by name from the target, the
#           profile ids the links point at, and a 12-character password
#           per new user, clear only in $RUN/passwords.csv (mode 0600), its
#           bcrypt hash in the stream; mig-rekey makes e-mails and phones
#           unique across the three (audit/people_unique.csv); mig-split
#           fans each row out (rules/people.split)
#   load:   that stream -> DST (checkpointed; UPSERT=1 for a rerun)
set -eu -o pipefail
PIPELINE=school
. "$(dirname "$0")/lib.sh"
NS=6f1d1e0a-3c55-5b8e-9d0c-1a2b3c4d5e6f

# the mig-rekey rules of the chosen tables (a rule for a tag that never
# comes is an error), in stream order
rekey_rules() {
	local t
	for t in "$@"; do
		case $t in
		Teacher|Parent|Student)
			echo "key $t.id=uuid5:$NS('$t:' || id)"
			echo "keep-old $t.legacyId"
			echo "crosswalk $t=$RUN/old_${t,,}_id__to__new_user_id.csv"
			echo "ref $t.schoolId=School"
			echo "lookup $t.countryCode=School.country by schoolId from $S/v1_School.csv" ;;
		Class)
			echo "key Class.id=uuid5:$NS('Class:' || id)"
			echo "keep-old Class.legacyId"
			echo "crosswalk Class=$RUN/old_class_id__to__new_class_id.csv"
			echo "ref Class.schoolId=School"
			echo "ref Class.teacherId=Teacher" ;;
		Subject)
			echo "ref Subject.schoolId=School"
			echo "ref Subject.teacherId=Teacher" ;;
		_ParentToStudent)
			echo "ref _ParentToStudent.A=Parent"
			echo "ref _ParentToStudent.B=Student" ;;
		esac
	done
	case " $* " in *" Student "*) echo "ref Student.classId=Class" ;; esac
}

stream() {
	local t role tables=(Teacher Class Subject) maps=() people=() uniq
	plan
	if [ -n "$E_PARENTS" ]; then tables+=(Parent); fi
	if [ -n "$E_STUDENTS" ]; then tables+=(Student _ParentToStudent); fi
	# the roles, user types, class levels (of CURRICULUM) and subjects by
	# natural key, and the hashes of users the target already holds (a
	# rerun keeps them)
	db_query "$DST" "COPY (SELECT r.\"name\", r.\"id\" FROM \"Role\" r) TO STDOUT WITH (FORMAT csv, HEADER)" > "$RUN/role_ids.csv"
	db_query "$DST" "COPY (SELECT r.\"name\", r.\"userTypeId\" FROM \"Role\" r) TO STDOUT WITH (FORMAT csv, HEADER)" > "$RUN/role_types.csv"
	db_query "$DST" "COPY (SELECT l.\"name\", l.\"id\" FROM \"ClassLevel\" l JOIN \"Curriculum\" c ON c.\"id\" = l.\"curriculumId\" WHERE c.\"name\" = '${CURRICULUM//\'/\'\'}') TO STDOUT WITH (FORMAT csv, HEADER)" > "$RUN/class_levels.csv"
	[ "$(wc -l < "$RUN/class_levels.csv")" -gt 1 ] || { echo "people: the target has no class levels of curriculum CURRICULUM (make setup)" >&2; exit 2; }
	db_query "$DST" "COPY (SELECT \"name\", \"id\" FROM \"Subject\") TO STDOUT WITH (FORMAT csv, HEADER)" > "$RUN/subject_ids.csv"
	db_query "$DST" "COPY (SELECT \"id\", \"passwordHash\" FROM \"User\") TO STDOUT WITH (FORMAT csv, HEADER)" > "$RUN/user_hashes.csv"
	for t in Teacher:TEACHER Parent:PARENT Student:STUDENT; do
		role=${t#*:} t=${t%%:*}
		case " ${tables[*]} " in *" $t "*) ;; *) continue ;; esac
		people+=("$t")
		sed -e "s|@TAG@|$t|g" -e "s|@ROLE@|$role|g" -e "s|@RUN@|$RUN|g" rules/person.map.in > "$RUN/person-$t.map"
		maps+=(-f "$RUN/person-$t.map")
	done
	# mig-map refuses a rule for a tag that never comes: the lines of the
	# tables extracted only
	sed -e "s|@RUN@|$RUN|g" rules/links.map.in |
		awk -v t=" ${tables[*]} " '!match($0, /^"[A-Za-z_]+"/) || index(t, " " substr($0, 2, RLENGTH - 2) " ")' > "$RUN/links.map"
	if [ -n "$E_STUDENTS" ]; then maps+=(-f rules/student.map); fi
	rekey_rules "${tables[@]}" > "$RUN/people.rekey"
	uniq=$(printf '%s.email,' "${people[@]}")
	printf 'unique-nocase %s\n' "${uniq%,}" > "$RUN/people.unique"
	uniq=$(printf '%s.phone,' "${people[@]}")
	printf 'unique %s null\n' "${uniq%,}" >> "$RUN/people.unique"
	awk -v t=" ${tables[*]} " '/^#/ || index(t, " " $1 " ")' rules/people.split > "$RUN/people.split"
	# the clear passwords of this stream, for distribution: only the owner
	# reads them; merged into passwords.csv below
	: > "$RUN/passwords.new.csv"
	chmod 600 "$RUN/passwords.new.csv"
	for t in "${tables[@]}"; do extract "$t"; done | tee "$S/v1_people.csv" |
		mig-rekey -q -f "$RUN/people.rekey" -l "School=$RUN/old_school_id__to__new_school_id.csv" |
		mig-map -q "${maps[@]}" -f "$RUN/links.map" --passwords "$RUN/passwords.new.csv" --bcrypt-cost "${BCRYPT_COST:-10}" |
		mig-rekey -q -f "$RUN/people.unique" -a "$RUN/audit/people_unique.csv" |
		mig-split -q -f "$RUN/people.split"
	merge_passwords
}

# merge_passwords: this stream's new passwords into passwords.csv, which
# keeps those of earlier streams of the run (an ENTITIES run, then one with
# more entities), the last per user when one was made twice
merge_passwords() {
	local f=$RUN/passwords.csv
	if [ -s "$f" ]; then
		(umask 077 && awk -F, 'FNR == 1 { if (NR == 1) print; next } { k = $1 "," $2; if (!(k in v)) o[++n] = k; v[k] = $0 }
			END { for (i = 1; i <= n; i++) print v[o[i]] }' "$f" "$RUN/passwords.new.csv" > "$f.part")
		mv "$f.part" "$f"
		rm "$RUN/passwords.new.csv"
	else
		mv "$RUN/passwords.new.csv" "$f"
	fi
}

stage_main people "$@"
