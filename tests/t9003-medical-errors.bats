#!/usr/bin/env bats
# The medical pipeline refuses bad v1 data loudly, naming the row and not
# the person: a role that is neither staff nor PATIENT, a patient column
# that names a doctor.  Nothing half-built is taken as done.

load lib-common

MED="$MIG_TOP/pipelines/medical"

setup_file() {
	make -s -C "$MED" all >/dev/null
	"$MED/gen/gen-v1" -s 9 -n 100 -o "$BATS_FILE_TMPDIR/data" >/dev/null
}

setup() {
	require_servers
	DB=$(test_db v1)
	pg_newdb "$DB"
	"$MED/load-v1.sh" "$(pg_url "$DB")" "$BATS_FILE_TMPDIR/data" >/dev/null
	RUN=$BATS_TEST_TMPDIR/run
}

streams() {
	make -s -C "$MED" MIG_BIN="$MIG_BIN" SRC="$(pg_url "$DB")" DST=unused RUN="$RUN" streams
}

@test "medical: an unknown role stops the run at the split" {
	pgq "$DB" "UPDATE users SET role = 'JANITOR' WHERE id = 10"
	run -2 --separate-stderr streams
	[[ "$stderr" == *"mig-split: users:10: record matched no route"* ]]
	[[ "$stderr" != *JANITOR* ]]
	[ ! -e "$RUN/streams/users.split.csv" ]
	[ ! -e "$RUN/streams/patients.split.csv" ]
}

@test "medical: a patient column naming staff stops the run at the rewiring" {
	# user 3 is a DOCTOR (gen-v1 fixes the first roles)
	[ "$(pgq "$DB" "SELECT role FROM users WHERE id = 3")" = DOCTOR ]
	pgq "$DB" "UPDATE appointments SET patient_id = 3 WHERE id = 7"
	run -2 --separate-stderr streams
	[[ "$stderr" == *"mig-rekey: <stdin>:"*": appointments: no key for column 'patient_id' in patients"* ]]
	[ ! -e "$RUN/streams/appointments.csv" ]
	[ -s "$RUN/streams/patients.csv" ]
}

@test "medical: make verify fails when the target lost a row, and says which check" {
	local dst
	dst=$(test_db v2)
	pg_newdb "$dst"
	make -s -C "$MED" MIG_BIN="$MIG_BIN" SRC="$(pg_url "$DB")" DST="$(pg_url "$dst")" RUN="$RUN" schema
	make -s -C "$MED" MIG_BIN="$MIG_BIN" SRC="$(pg_url "$DB")" DST="$(pg_url "$dst")" RUN="$RUN" -j2 migrate 2>/dev/null
	pgq "$dst" "DELETE FROM prescriptions WHERE id = 5"
	run -2 --separate-stderr make -s -C "$MED" MIG_BIN="$MIG_BIN" SRC="$(pg_url "$DB")" DST="$(pg_url "$dst")" RUN="$RUN" verify
	[[ "$stderr" == *"FAIL  counts SRC.prescriptions = DST.prescriptions: 100 != 99 (-1)"* ]]
	[[ "$stderr" == *"mig-verify: 22 passed, 2 failed, 0 errors"* ]]
	grep -q '^  "result": "fail",$' "$RUN/validation_report.json"
}
