#!/usr/bin/env bats
# The medical migration (pipelines/medical) end to end at a small scale, in
# every source/target combination: v1 generated and bulk-loaded, schema,
# dry run, migrate, verify, then the acceptance list of issue 7 asserted
# with SQL of our own (not only the pipeline's word for it).

load lib-common

MED="$MIG_TOP/pipelines/medical"
SCALE=300

setup_file() {
	make -s -C "$MED" all >/dev/null
	"$MED/gen/gen-v1" -s 42 -n "$SCALE" -o "$BATS_FILE_TMPDIR/data" >/dev/null
}

# db URL of kind pg|my for database $2
url() {
	if [ "$1" = pg ]; then pg_url "$2"; else my_url "$2"; fi
}

q() {
	local kind=$1 db=$2; shift 2
	if [ "$kind" = pg ]; then pgq "$db" "$*"; else myq "$db" "$*"; fi
}

newdb() {
	if [ "$1" = pg ]; then pg_newdb "$2"; else my_newdb "$2"; fi
}

med() {
	make -s -C "$MED" MIG_BIN="$MIG_BIN" SRC="$SRC" DST="$DST" "$@"
}

# Fresh v1 source of kind $1 and empty v2 target of kind $2; sets SRC, DST,
# SK, DK, SDB, DDB, RUN.
setup_pair() {
	SK=$1 DK=$2
	SDB=$(test_db v1) DDB=$(test_db v2)
	newdb "$SK" "$SDB"
	newdb "$DK" "$DDB"
	SRC=$(url "$SK" "$SDB") DST=$(url "$DK" "$DDB")
	RUN=$BATS_TEST_TMPDIR/run
	"$MED/load-v1.sh" "$SRC" "$BATS_FILE_TMPDIR/data" >/dev/null
	med RUN="$RUN" schema
}

# Every v2 table's rows in key order, for before/after comparisons.
dump_dst() {
	local t
	for t in users patients appointments medical_cases visits prescriptions; do
		echo "== $t"
		q "$DK" "$DDB" "SELECT * FROM $t ORDER BY id"
	done
}

# Issue 7's acceptance list, checked against the databases themselves.
assert_migrated() {
	local n1 n2 n3 t
	# users + patients = v1 users, and by role
	n1=$(q "$SK" "$SDB" "SELECT count(*) FROM users")
	n2=$(q "$DK" "$DDB" "SELECT count(*) FROM users")
	n3=$(q "$DK" "$DDB" "SELECT count(*) FROM patients")
	[ "$n1" -eq "$SCALE" ]
	[ $((n2 + n3)) -eq "$n1" ]
	[ "$n3" -eq "$(q "$SK" "$SDB" "SELECT count(*) FROM users WHERE role = 'PATIENT'")" ]
	# every row of every table arrived
	for t in appointments medical_cases visits prescriptions; do
		[ "$(q "$SK" "$SDB" "SELECT count(*) FROM $t")" -eq "$(q "$DK" "$DDB" "SELECT count(*) FROM $t")" ]
	done
	# each v2 row's patient and doctor are the v1 row's, by legacy id
	for t in appointments medical_cases visits prescriptions; do
		q "$SK" "$SDB" "SELECT id, patient_id, coalesce(doctor_id, 0) FROM $t ORDER BY id" > "$BATS_TEST_TMPDIR/v1.$t"
		q "$DK" "$DDB" "SELECT t.id, p.legacy_user_id, coalesce(u.legacy_user_id, 0) FROM $t t
			JOIN patients p ON p.id = t.patient_id LEFT JOIN users u ON u.id = t.doctor_id ORDER BY t.id" \
			> "$BATS_TEST_TMPDIR/v2.$t"
		assert_same "$BATS_TEST_TMPDIR/v1.$t" "$BATS_TEST_TMPDIR/v2.$t"
	done
	# no orphans: every reference resolves
	for t in appointments medical_cases visits prescriptions; do
		[ "$(q "$DK" "$DDB" "SELECT count(*) FROM $t t LEFT JOIN patients p ON p.id = t.patient_id WHERE p.id IS NULL")" -eq 0 ]
		[ "$(q "$DK" "$DDB" "SELECT count(*) FROM $t t LEFT JOIN users u ON u.id = t.doctor_id WHERE t.doctor_id IS NOT NULL AND u.id IS NULL")" -eq 0 ]
	done
	[ "$(q "$DK" "$DDB" "SELECT count(*) FROM visits v LEFT JOIN appointments a ON a.id = v.appointment_id WHERE v.appointment_id IS NOT NULL AND a.id IS NULL")" -eq 0 ]
	[ "$(q "$DK" "$DDB" "SELECT count(*) FROM prescriptions r LEFT JOIN medical_cases c ON c.id = r.medical_case_id WHERE r.medical_case_id IS NOT NULL AND c.id IS NULL")" -eq 0 ]
	# emails unique, case-insensitively, in each table
	for t in users patients; do
		[ "$(q "$DK" "$DDB" "SELECT count(email) - count(DISTINCT lower(email)) FROM $t")" -eq 0 ]
	done
	# crosswalks complete: one line per person, old ids = v1 ids by role
	q "$SK" "$SDB" "SELECT id FROM users WHERE role <> 'PATIENT' ORDER BY id" > "$BATS_TEST_TMPDIR/staff.v1"
	q "$SK" "$SDB" "SELECT id FROM users WHERE role = 'PATIENT' ORDER BY id" > "$BATS_TEST_TMPDIR/patients.v1"
	tail -n +2 "$RUN/old_user_id__to__new_user_id.csv" | cut -d, -f1 | sort -n > "$BATS_TEST_TMPDIR/staff.xw"
	tail -n +2 "$RUN/old_user_id__to__new_patient_id.csv" | cut -d, -f1 | sort -n > "$BATS_TEST_TMPDIR/patients.xw"
	assert_same "$BATS_TEST_TMPDIR/staff.v1" "$BATS_TEST_TMPDIR/staff.xw"
	assert_same "$BATS_TEST_TMPDIR/patients.v1" "$BATS_TEST_TMPDIR/patients.xw"
	# and they say what the target says
	q "$DK" "$DDB" "SELECT legacy_user_id, id FROM patients ORDER BY legacy_user_id" | tr '\t' , > "$BATS_TEST_TMPDIR/patients.dst"
	tail -n +2 "$RUN/old_user_id__to__new_patient_id.csv" | sort -t, -k1,1n > "$BATS_TEST_TMPDIR/patients.xwall"
	assert_same "$BATS_TEST_TMPDIR/patients.dst" "$BATS_TEST_TMPDIR/patients.xwall"
	# the pipeline's own verification passed, every check of it
	grep -q '^  "result": "pass",$' "$RUN/validation_report.json"
	grep -q '^  "passed": 24,$' "$RUN/validation_report.json"
	grep -q '^  "failed": 0,$' "$RUN/validation_report.json"
	grep -q '^  "errors": 0,$' "$RUN/validation_report.json"
	# each table's stream and load logged with their last stage's counts,
	# the same as the target holds (stats_line reads a stream from its end)
	local t n
	for t in users patients appointments medical_cases; do
		n=$(q "$DK" "$DDB" "SELECT count(*) FROM $t")
		grep -Eq "^[0-9TZ:-]+ $t: mig-(map|rekey|split) $t in=[0-9]+ out=$n " "$RUN/run.log"
		grep -Eq "^[0-9TZ:-]+ $t: mig-load $t in=$n out=$n " "$RUN/run.log"
	done
	# the run log holds no personal data
	run grep -E '@|\+1[0-9]{10}|\$2b\$' "$RUN/run.log"
	[ "$status" -eq 1 ]
}

# The whole migration in one combination, then a rerun with upsert.
e2e() {
	require_servers
	setup_pair "$1" "$2"
	med RUN="$RUN" dry-run
	for f in schema_diff.md migration_plan.json post_migration_checks.sql; do
		[ -s "$RUN/$f" ]
	done
	# the dry run wrote nothing
	[ "$(q "$DK" "$DDB" "SELECT count(*) FROM appointments")" -eq 0 ]
	[ "$(q "$DK" "$DDB" "SELECT count(*) FROM patients")" -eq 0 ]
	med -j2 RUN="$RUN" migrate
	run -0 med RUN="$RUN" verify
	assert_migrated
	# a second run with upsert changes nothing
	dump_dst > "$BATS_TEST_TMPDIR/before"
	med -j2 RUN="$BATS_TEST_TMPDIR/run2" UPSERT=1 migrate
	dump_dst > "$BATS_TEST_TMPDIR/after"
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
	cmp "$RUN/old_user_id__to__new_patient_id.csv" "$BATS_TEST_TMPDIR/run2/old_user_id__to__new_patient_id.csv"
	cmp "$RUN/old_user_id__to__new_user_id.csv" "$BATS_TEST_TMPDIR/run2/old_user_id__to__new_user_id.csv"
}

@test "medical: MariaDB v1 to PostgreSQL v2" {
	e2e my pg
}

@test "medical: PostgreSQL v1 to MariaDB v2" {
	e2e pg my
}

@test "medical: PostgreSQL v1 to PostgreSQL v2" {
	e2e pg pg
}

@test "medical: MariaDB v1 to MariaDB v2" {
	e2e my my
}
