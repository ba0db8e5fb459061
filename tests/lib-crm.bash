# Helpers of the crm tests (t9501, t9502): load lib-common and
# lib-pipelines first.

CRM="$MIG_TOP/pipelines/crm"

PIPE_DIR=$CRM PIPE_SEED=5
crm() { pipe "$@"; }

dump() {
	local t
	for t in person person_role condition person_condition patient_journey journey_step referral appointment; do
		echo "== $t"
		pgq "$1" "SELECT * FROM $t ORDER BY 1, 2"
	done
}

# migrate SCALE people from v1 database $1 into $2, verify, and hold v2 to the truth
migrate_and_check() {
	local v2=$2 run=$BATS_TEST_TMPDIR/run data=$BATS_TEST_TMPDIR/data
	migrate_verified "$v2" "$3"
	# who is who: the person of each truth row's contact and patient
	pgq "$v2" "SELECT role, legacy_id, person_id FROM person_role WHERE role IN ('contact', 'patient')" > "$BATS_TEST_TMPDIR/roles"
	awk -F'\t' 'FNR == NR { p[$1 "," $2] = $3; next }
		FNR > 1 { split($0, f, ","); a = f[2] != "" ? p["contact," f[2]] : ""; b = f[3] != "" ? p["patient," f[3]] : ""
			if ((f[2] != "" && a == "") || (f[3] != "" && b == "")) { print "lost: " $0; bad++ }
			if (a != "" && b != "" && a != b) { print "not merged: " $0; bad++ }
			id = a != "" ? a : b; if (id in seen) { print "merged wrongly: " $0; bad++ } seen[id] = 1 }
		END { exit bad > 0 }' "$BATS_TEST_TMPDIR/roles" FS=, "$data/truth/persons.csv"
	[ "$(pgq "$v2" "SELECT count(DISTINCT person_id) FROM person_role WHERE role IN ('contact', 'patient')")" -eq "$(tail -n +2 "$data/truth/persons.csv" | wc -l)" ]
	[ "$(pgq "$v2" "SELECT count(*) FROM person")" -eq $(( $(tail -n +2 "$data/truth/persons.csv" | wc -l) + $(pgq "$1" "SELECT (SELECT count(*) FROM doctor) + (SELECT count(*) FROM nurse) + (SELECT count(*) FROM admin_user)") )) ]
	# the twins (same name, no e-mail or phone, other birth dates) stayed two
	[ "$(pgq "$v2" "SELECT count(*) FROM (SELECT first_name, last_name FROM person WHERE email IS NULL AND phone IS NULL GROUP BY 1, 2 HAVING count(*) > 1) t")" -gt 0 ]
	# the merge audit lists every merged pair
	[ "$(tail -n +2 "$run/audit/person_merges.csv" | wc -l)" -eq "$(awk -F, 'NR > 1 && $2 != "" && $3 != ""' "$data/truth/persons.csv" | wc -l)" ]
	# conditions: every mention the truth codes is linked (once per person
	# and code), every other one is in the review file with its text
	awk -F, 'NR > 1 && $3 != "" { print $1 "," $3 }' "$data/truth/conditions.csv" | sort -u > "$BATS_TEST_TMPDIR/cond.want"
	pgq "$v2" "SELECT r.legacy_id || ',' || c.code FROM person_condition pc JOIN condition c ON c.id = pc.condition_id JOIN person_role r ON r.person_id = pc.person_id AND r.role = 'patient'" | sort > "$BATS_TEST_TMPDIR/cond.got"
	assert_same "$BATS_TEST_TMPDIR/cond.want" "$BATS_TEST_TMPDIR/cond.got"
	[ "$(grep -a -c "^mention,.*ilookup(): no entry" "$run/conditions_to_review.csv")" -eq "$(awk -F, 'NR > 1 && $3 == ""' "$data/truth/conditions.csv" | wc -l)" ]
	# journeys keep their gaps; referrals found where v1 names someone known
	[ "$(pgq "$v2" "SELECT count(*) FROM journey_step")" -eq "$(pgq "$1" "SELECT count(intake_date) + count(diagnosis_date) + count(treatment_date) + count(followup_date) FROM patient")" ]
	# (a contact's e-mail that v1 no longer holds stays text)
	[ "$(pgq "$v2" "SELECT count(*) FROM referral WHERE referrer_id IS NULL AND referrer_text ~ '^Dr\\.'")" -eq 0 ]
	[ "$(pgq "$v2" "SELECT count(*) FROM referral WHERE referrer_id IS NOT NULL AND referrer_text ~ '^contact:'")" -eq \
		"$(pgq "$1" "SELECT count(*) FROM patient p WHERE referred_by LIKE 'contact:%' AND EXISTS (SELECT 1 FROM contact c WHERE lower(btrim(c.email)) = btrim(substr(p.referred_by, 9)))")" ]
	[ "$(pgq "$v2" "SELECT count(*) FROM referral WHERE referrer_id IS NULL AND referrer_text ~ '^contact:'")" -gt 0 ]
	[ "$(pgq "$v2" "SELECT count(*) FROM appointment WHERE practitioner_id IS NULL")" -eq 0 ]
}
