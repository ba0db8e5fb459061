# bench/floor.bash - the floor: the medical migration (v1 users, appointments
# and medical_cases -> v2 users, patients, appointments, medical_cases)
# written as one SELECT per v2 table, for PostgreSQL to run itself.  Sourced
# by bench/bench.bash, never run.
#
# The SELECTs do what the mig pipeline does, in SQL: the split by role, the
# keys (staff: 1, 2, ... in v1 id order; patients: UUID v5 of the v1 id in
# the pipeline's namespace), every patient_id and doctor_id rewired, emails
# trimmed, lower case and made unique with +N, names split, phones to E.164,
# gender and statuses spelled one way.  Close enough in work to the mig
# rules to be the bar, not a byte-for-byte twin of them.
#
# $1 of each function is the schema that holds the v1 tables (public in the
# v1 database); uuid_generate_v5 comes from the uuid-ossp extension there.

FLOOR_TABLES="users patients appointments medical_cases"
FLOOR_NS=5b0e5c6a-6d2f-5a43-9a3e-2f1d7c0a8e11

floor_cols() {
	case $1 in
	users) echo "id, legacy_user_id, role, first_name, last_name, full_name, email, phone, password_hash, created_at, updated_at" ;;
	patients) echo "id, legacy_user_id, first_name, middle_name, last_name, full_name, email, phone, phone_raw, date_of_birth, gender, address, password_hash, created_at, updated_at" ;;
	appointments) echo "id, patient_id, doctor_id, scheduled_at, duration_minutes, status, reason, notes, created_at" ;;
	medical_cases) echo "id, patient_id, doctor_id, title, description, status, opened_at, closed_at" ;;
	esac
}

# E.164 from free text, or NULL: 10 digits are a US number, 11 starting
# with 1 too, a leading + keeps 8 to 15 digits.  pd: the digits of phone,
# computed once per row by _floor_people.
_floor_phone() {
	echo "CASE WHEN length(pd) = 10 THEN '+1' || pd
		WHEN length(pd) = 11 AND pd LIKE '1%' THEN '+' || pd
		WHEN ltrim(phone) LIKE '+%' AND length(pd) BETWEEN 8 AND 15 THEN '+' || pd END"
}

# users and patients, numbered within their duplicate-email group.
_floor_people() {
	local s=$1 where=$2
	echo "SELECT u.*, nullif(lower(btrim(u.email)), '') AS e,
		row_number() OVER (PARTITION BY nullif(lower(btrim(u.email)), '') ORDER BY u.id) AS en,
		regexp_split_to_array(btrim(regexp_replace(u.full_name, '\\s+', ' ', 'g')), ' ') AS np,
		regexp_replace(u.phone, '[^0-9]', '', 'g') AS pd
	FROM $s.users u WHERE $where"
}

_floor_email() {
	echo "CASE WHEN e IS NULL OR en = 1 THEN e ELSE regexp_replace(e, '@', '+' || en || '@') END"
}

floor_select() {
	local s=$1 ns="'$FLOOR_NS'::uuid"
	local staff="SELECT id, row_number() OVER (ORDER BY id) AS nid FROM $s.users WHERE role <> 'PATIENT'"
	case $2 in
	users) echo "SELECT row_number() OVER (ORDER BY id), id, role, np[1],
		CASE WHEN cardinality(np) > 1 THEN np[cardinality(np)] END, full_name,
		$(_floor_email), $(_floor_phone), password_hash, created_at, updated_at
		FROM ($(_floor_people "$s" "u.role <> 'PATIENT'")) p" ;;
	patients) echo "SELECT uuid_generate_v5($ns, id::text)::text, id, np[1],
		CASE WHEN cardinality(np) > 2 THEN np[2] END,
		CASE WHEN cardinality(np) > 1 THEN np[cardinality(np)] END, full_name,
		$(_floor_email), ph, CASE WHEN ph IS NULL THEN phone END, date_of_birth,
		CASE lower(btrim(gender)) WHEN 'm' THEN 'male' WHEN 'male' THEN 'male'
			WHEN 'f' THEN 'female' WHEN 'female' THEN 'female' WHEN 'other' THEN 'other' END,
		address, password_hash, created_at, updated_at
		FROM (SELECT q.*, $(_floor_phone) AS ph FROM ($(_floor_people "$s" "u.role = 'PATIENT'")) q) p" ;;
	appointments) echo "WITH staff AS ($staff)
		SELECT a.id, uuid_generate_v5($ns, a.patient_id::text)::text, st.nid, a.scheduled_at,
		a.duration_minutes,
		replace(replace(lower(btrim(a.status)), '-', '_'), 'canceled', 'cancelled'),
		a.reason, a.notes, a.created_at
		FROM $s.appointments a LEFT JOIN staff st ON st.id = a.doctor_id" ;;
	medical_cases) echo "WITH staff AS ($staff)
		SELECT m.id, uuid_generate_v5($ns, m.patient_id::text)::text, st.nid, m.title,
		m.description, replace(lower(btrim(m.status)), '-', '_'), m.opened_at, m.closed_at
		FROM $s.medical_cases m JOIN staff st ON st.id = m.doctor_id" ;;
	esac
}

# The "split and rekey only" floor (issue 19's primary one): the same
# split and keys, and only bench/lite/*.map cleaning (first-space
# name split, lower-case e-mail, timestamps to UTC), into bench/lite's v2.
# Its rows equal the lite pipeline's value for value; the bench checks
# that by checksum after every run.
LITE_TABLES="users patients appointments medical_cases"
lite_cols() {
	case $1 in
	users) echo "id, legacy_user_id, role, first_name, last_name, full_name, email, phone, password_hash, created_at, updated_at" ;;
	patients) echo "id, legacy_user_id, first_name, last_name, full_name, email, phone, date_of_birth, gender, address, password_hash, created_at, updated_at" ;;
	appointments) echo "id, patient_id, doctor_id, scheduled_at, duration_minutes, status, reason, notes, created_at" ;;
	medical_cases) echo "id, patient_id, doctor_id, title, description, status, opened_at, closed_at" ;;
	esac
}
lite_select() {
	local s=$1 ns="'$FLOOR_NS'::uuid" roles="'DOCTOR', 'NURSE', 'ADMIN', 'SECRETARY', 'SUPER_ADMIN'"
	local names="split_part(full_name, ' ', 1), substr(full_name, length(split_part(full_name, ' ', 1)) + 2)"
	local staff="SELECT id, row_number() OVER (ORDER BY id) AS nid FROM $s.users WHERE role IN ($roles)"
	case $2 in
	users) echo "SELECT row_number() OVER (ORDER BY id), id, role, $names, full_name, lower(email),
		phone, password_hash, created_at AT TIME ZONE 'UTC', updated_at AT TIME ZONE 'UTC'
		FROM $s.users WHERE role IN ($roles)" ;;
	patients) echo "SELECT uuid_generate_v5($ns, id::text)::text, id, $names, full_name, lower(email),
		phone, date_of_birth, gender, address, password_hash,
		created_at AT TIME ZONE 'UTC', updated_at AT TIME ZONE 'UTC'
		FROM $s.users WHERE role = 'PATIENT'" ;;
	appointments) echo "WITH staff AS ($staff)
		SELECT a.id, uuid_generate_v5($ns, a.patient_id::text)::text, st.nid,
		a.scheduled_at AT TIME ZONE 'UTC', a.duration_minutes, a.status, a.reason, a.notes,
		a.created_at AT TIME ZONE 'UTC'
		FROM $s.appointments a LEFT JOIN staff st ON st.id = a.doctor_id" ;;
	medical_cases) echo "WITH staff AS ($staff)
		SELECT m.id, uuid_generate_v5($ns, m.patient_id::text)::text, st.nid, m.title,
		m.description, m.status, m.opened_at AT TIME ZONE 'UTC', m.closed_at AT TIME ZONE 'UTC'
		FROM $s.medical_cases m JOIN staff st ON st.id = m.doctor_id" ;;
	esac
}
