#!/usr/bin/env bats
# pipelines/crm groundwork: the v1 generator is deterministic and writes
# the truth beside the data, v1 and v2 load into real PostgreSQL, and the
# data mapping report's matching and condition review agree with the truth.

load lib-common

CRM="$MIG_TOP/pipelines/crm"

gen() {	# gen SEED N DIR
	mkdir -p "$3/truth"
	LC_ALL=C awk -v seed="$1" -v n="$2" -v out="$3" -f "$CRM/gen/gen-v1.awk"
}

@test "crm gen: same seed and scale, same bytes; the truth covers every row" {
	gen 4 300 "$BATS_TEST_TMPDIR/a"
	gen 4 300 "$BATS_TEST_TMPDIR/b"
	gen 5 300 "$BATS_TEST_TMPDIR/c"
	diff -r "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
	run cmp -s "$BATS_TEST_TMPDIR/a/patient.tsv" "$BATS_TEST_TMPDIR/c/patient.tsv"
	[ "$status" -eq 1 ]
	t=$BATS_TEST_TMPDIR/a/truth/persons.csv
	# every contact and every patient is in the truth exactly once
	[ "$(tail -n +2 "$t" | cut -d, -f2 | grep -c .)" -eq "$(wc -l < "$BATS_TEST_TMPDIR/a/contact.tsv")" ]
	[ "$(tail -n +2 "$t" | cut -d, -f3 | grep -c .)" -eq "$(wc -l < "$BATS_TEST_TMPDIR/a/patient.tsv")" ]
	[ "$(tail -n +2 "$t" | cut -d, -f2 | grep . | sort | uniq -d | wc -l)" -eq 0 ]
	grep -qx "persons $(tail -n +2 "$t" | wc -l)" "$BATS_TEST_TMPDIR/a/counts.txt"
	run -2 gen 1 3 "$BATS_TEST_TMPDIR/d"
}

@test "crm: v1 and v2 load; the mapping report finds the truth's persons and conditions" {
	require_servers
	local v1 v2
	v1=$(test_db v1) v2=$(test_db v2)
	pg_newdb "$v1"
	pg_newdb "$v2"
	RUN=$BATS_TEST_TMPDIR/run
	data=$BATS_TEST_TMPDIR/data
	make -s -C "$CRM" DATA="$data" SCALE=600 SEED=7 SRC="$(pg_url "$v1")" load-v1 >/dev/null
	make -s -C "$CRM" SRC="$(pg_url "$v1")" DST="$(pg_url "$v2")" RUN="$RUN" migrate
	[ "$(pgq "$v2" "SELECT count(*) FROM information_schema.table_constraints WHERE constraint_type = 'FOREIGN KEY'")" -eq 9 ]
	run pgq "$v2" "INSERT INTO referral (id, referred_id) VALUES (gen_random_uuid(), gen_random_uuid())"
	[ "$status" -ne 0 ]

	r=$RUN/mapping_report.json
	t=$data/truth/persons.csv
	pairs=$(tail -n +2 "$t" | awk -F, '$2 != "" && $3 != ""' | wc -l)
	persons=$(tail -n +2 "$t" | wc -l)
	grep -q "\"matched_pairs\": $pairs," "$r"
	grep -q "\"persons_from_contacts_and_patients\": $persons}" "$r"
	grep -q '"ambiguous": 0,' "$r"
	# every key is used, and two people with one name and nothing else stay two
	grep -q '"by": {"email": [1-9][0-9]*, "name_and_birth_date": [1-9][0-9]*, "phone": [1-9][0-9]*}' "$r"
	[ "$(pgq "$v1" "SELECT count(*) FROM (SELECT full_name FROM patient WHERE email IS NULL AND phone IS NULL GROUP BY 1 HAVING count(*) > 1) d")" -gt 0 ]
	# each truth pair is found, by the report's own keys, as SQL of our own
	tail -n +2 "$t" | awk -F, '$2 != "" && $3 != "" { print $2 "\t" $3 }' | sort > "$BATS_TEST_TMPDIR/want"
	pgq "$v1" "SELECT c.id, p.id FROM contact c JOIN patient p ON lower(btrim(c.email)) = lower(btrim(p.email))
		OR (p.email IS NULL AND right(regexp_replace(c.phone, '[^0-9]', '', 'g'), 10) = right(regexp_replace(p.phone, '[^0-9]', '', 'g'), 10))
		OR (p.email IS NULL AND p.phone IS NULL AND c.birth_date = p.date_of_birth)" | sort > "$BATS_TEST_TMPDIR/got"
	assert_same "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
	# conditions: every mention mapped or in the review file, as the truth says
	c=$data/truth/conditions.csv
	total=$(tail -n +2 "$c" | wc -l)
	unmapped=$(tail -n +2 "$c" | awk -F, '$3 == ""' | wc -l)
	grep -q "\"mentions\": $total, \"mapped\": $((total - unmapped)), \"to_review\": $unmapped," "$r"
	[ "$(tail -n +2 "$RUN/review_conditions.csv" | awk -F, '{ s += $2 } END { print s + 0 }')" -eq "$unmapped" ]
	[ "$(sed -n 's/.*"with_gaps": \([0-9]*\)}.*/\1/p' "$r")" -gt 0 ]
}
