#!/usr/bin/env bats
# pipelines/medical/gen/gen-v1: deterministic, dirty in the promised ways,
# and loadable by both databases' bulk paths with the same result.

load lib-common

MED="$MIG_TOP/pipelines/medical"

setup_file() {
	make -s -C "$MED" all >/dev/null
}

@test "medical gen: same seed and scale, same bytes; another seed, other bytes" {
	"$MED/gen/gen-v1" -s 7 -n 500 -o "$BATS_TEST_TMPDIR/a"
	"$MED/gen/gen-v1" -s 7 -n 500 -o "$BATS_TEST_TMPDIR/b"
	"$MED/gen/gen-v1" -s 8 -n 500 -o "$BATS_TEST_TMPDIR/c"
	diff -r "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
	run cmp -s "$BATS_TEST_TMPDIR/a/users.tsv" "$BATS_TEST_TMPDIR/c/users.tsv"
	[ "$status" -eq 1 ]
	cat > "$BATS_TEST_TMPDIR/counts" <<-EOF
	users 500
	patients 450
	staff 50
	appointments 1500
	visits 500
	medical_cases 500
	prescriptions 500
	seed 7
	EOF
	assert_same "$BATS_TEST_TMPDIR/counts" "$BATS_TEST_TMPDIR/a/counts.txt"
	[ "$(wc -l < "$BATS_TEST_TMPDIR/a/users.tsv")" -eq 500 ]
	[ "$(wc -l < "$BATS_TEST_TMPDIR/a/appointments.tsv")" -eq 1500 ]
}

@test "medical gen: bad usage" {
	run -2 --separate-stderr "$MED/gen/gen-v1" -n 5
	[ "$stderr" = "gen-v1: bad number of users '5' (10 to 100000000)" ]
	run -2 --separate-stderr "$MED/gen/gen-v1" extra
	[ "$stderr" = "usage: gen-v1 [-s seed] [-n users] [-o dir]" ]
	run -0 "$MED/gen/gen-v1" -h
	[ "$output" = "usage: gen-v1 [-s seed] [-n users] [-o dir]" ]
}

@test "medical gen: dirty data, loaded alike into PostgreSQL and MariaDB" {
	require_servers
	local db
	db=$(test_db)
	"$MED/gen/gen-v1" -s 3 -n 2000 -o "$BATS_TEST_TMPDIR/d"
	pg_newdb "$db"
	my_newdb "$db"
	run -0 "$MED/load-v1.sh" "$(pg_url "$db")" "$BATS_TEST_TMPDIR/d"
	[ "${lines[1]}" = "appointments 6000" ]
	run -0 "$MED/load-v1.sh" "$(my_url "$db")" "$BATS_TEST_TMPDIR/d"
	[ "${lines[0]}" = "users 2000" ]

	# every role; duplicate emails that differ only in case or blanks; NULLs
	[ "$(pgq "$db" "SELECT count(DISTINCT role) FROM users")" -eq 6 ]
	[ "$(pgq "$db" "SELECT count(*) FROM (SELECT lower(trim(email)) FROM users WHERE email IS NOT NULL GROUP BY 1 HAVING count(*) > 1) d")" -gt 10 ]
	[ "$(pgq "$db" "SELECT count(*) FROM users WHERE email <> lower(email)")" -gt 10 ]
	[ "$(pgq "$db" "SELECT count(*) FROM users WHERE email <> trim(email)")" -gt 0 ]
	[ "$(pgq "$db" "SELECT count(*) FROM users WHERE email IS NULL")" -gt 0 ]
	[ "$(pgq "$db" "SELECT count(*) FROM users WHERE role = 'PATIENT' AND date_of_birth IS NULL")" -gt 0 ]
	[ "$(pgq "$db" "SELECT count(*) FROM users WHERE gender IS NULL")" -gt 0 ]
	# names of one, two and three parts
	[ "$(pgq "$db" "SELECT count(DISTINCT cardinality(regexp_split_to_array(trim(full_name), '\s+'))) FROM users WHERE full_name NOT LIKE '%,%' AND full_name NOT LIKE '% % % %'")" -eq 3 ]
	# phones in many formats, some not phones at all
	[ "$(pgq "$db" "SELECT count(DISTINCT regexp_replace(phone, '[0-9]', '9', 'g')) FROM users")" -gt 10 ]
	# notes with commas, quotes, newlines, tabs, backslashes
	[ "$(pgq "$db" "SELECT count(*) FROM appointments WHERE notes LIKE '%,%'")" -gt 0 ]
	[ "$(pgq "$db" "SELECT count(*) FROM appointments WHERE notes LIKE '%\"%'")" -gt 0 ]
	[ "$(pgq "$db" "SELECT count(*) FROM appointments WHERE notes LIKE E'%\n%'")" -gt 0 ]
	[ "$(pgq "$db" "SELECT count(*) FROM appointments WHERE notes LIKE E'%\t%'")" -gt 0 ]
	[ "$(pgq "$db" "SELECT count(*) FROM appointments WHERE notes LIKE E'%\\\\\\\\%'")" -gt 0 ]
	# references are clean: patients are PATIENTs, doctors DOCTORs or NURSEs
	[ "$(pgq "$db" "SELECT count(*) FROM appointments a JOIN users u ON u.id = a.patient_id WHERE u.role <> 'PATIENT'")" -eq 0 ]
	[ "$(pgq "$db" "SELECT count(*) FROM visits v JOIN users u ON u.id = v.doctor_id WHERE u.role NOT IN ('DOCTOR', 'NURSE')")" -eq 0 ]

	# both databases hold the same values, byte for byte
	local cols="concat_ws('|', a.id, a.notes, a.reason, a.scheduled_at, u.full_name, u.email, u.phone, u.address, u.date_of_birth)"
	pgq "$db" "SELECT a.id, md5($cols) FROM appointments a JOIN users u ON u.id = a.patient_id ORDER BY a.id" > "$BATS_TEST_TMPDIR/pg"
	myq "$db" "SELECT a.id, md5($cols) FROM appointments a JOIN users u ON u.id = a.patient_id ORDER BY a.id" > "$BATS_TEST_TMPDIR/my"
	[ "$(wc -l < "$BATS_TEST_TMPDIR/pg")" -eq 6000 ]
	assert_same "$BATS_TEST_TMPDIR/pg" "$BATS_TEST_TMPDIR/my"
}
