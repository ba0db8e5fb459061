#!/usr/bin/env bash
# report.sh - the data mapping report, from v1 before anything is written:
#   $RUN/mapping_report.json    what maps where, and what is inconsistent
#   $RUN/review_conditions.csv  condition texts the reviewed lookup
#                               (rules/conditions.csv) does not know, with
#                               how often each occurs (private: the run
#                               folder is 0700)
# Matching keys, in order: the e-mail (trimmed, lower case); else, for a
# patient without one, the phone (its digits, the last ten); else, for a
# patient with neither, the name (lower case, blanks collapsed, "Last,
# First" turned round) and the birth date.  A contact and a patient
# joined by a key are one person; everyone else is a person alone.
set -eu -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
: "${RUN:?set RUN}" "${SRC:?set SRC=URL}"
mkdir -p "$RUN"
chmod 700 "$RUN"
q() { db_query "$SRC" "$*"; }
# the reviewed lookup as a VALUES list (its texts hold no quotes)
lookup=$(tail -n +2 "$here/rules/conditions.csv" | awk -F, '{ printf "%s(%c%s%c, %c%s%c)", (NR > 1 ? ", " : ""), 39, $1, 39, 39, $2, 39 }')
norm_p="regexp_replace(lower(btrim(CASE WHEN full_name LIKE '%,%' THEN split_part(full_name, ',', 2) || ' ' || split_part(full_name, ',', 1) ELSE full_name END)), '\\s+', ' ', 'g')"
norm_c="regexp_replace(lower(btrim(coalesce(first_name, '') || ' ' || coalesce(last_name, ''))), '\\s+', ' ', 'g')"
digits="right(regexp_replace(\$1, '[^0-9]', '', 'g'), 10)"
pairs="SELECT c.id AS cid, p.id AS pid, 'email' AS how FROM contact c JOIN patient p ON lower(btrim(c.email)) = lower(btrim(p.email))
	UNION ALL SELECT c.id, p.id, 'phone' FROM contact c JOIN patient p ON p.email IS NULL AND ${digits//\$1/c.phone} = ${digits//\$1/p.phone}
	UNION ALL SELECT c.id, p.id, 'name_and_birth_date' FROM contact c JOIN patient p ON p.email IS NULL AND p.phone IS NULL
		AND c.birth_date = p.date_of_birth AND $norm_c = $norm_p"
nc=$(q "SELECT count(*) FROM contact") np=$(q "SELECT count(*) FROM patient")
by=$(q "SELECT string_agg(format('\"%s\": %s', how, n), ', ' ORDER BY how) FROM (SELECT how, count(*) AS n FROM ($pairs) x GROUP BY 1) y")
matched=$(q "SELECT count(*) FROM ($pairs) x")
ambiguous=$(q "SELECT count(*) FROM (SELECT cid FROM ($pairs) x GROUP BY cid HAVING count(*) > 1 UNION ALL SELECT pid FROM ($pairs) x GROUP BY pid HAVING count(*) > 1) a")
mentions="SELECT p.id, lower(btrim(t)) AS text FROM patient p, regexp_split_to_table(p.conditions, '[,;]') AS t WHERE btrim(t) <> ''"
lk="(VALUES $lookup) AS l(text, code)"
total=$(q "SELECT count(*) FROM ($mentions) m")
mapped=$(q "SELECT count(*) FROM ($mentions) m JOIN $lk USING (text)")
codes=$(q "SELECT string_agg(format('\"%s\": %s', code, n), ', ' ORDER BY code) FROM (SELECT code, count(*) AS n FROM ($mentions) m JOIN $lk USING (text) GROUP BY 1) c")
{
	echo "text,count"
	q "SELECT m.text || ',' || count(*) FROM ($mentions) m LEFT JOIN $lk USING (text) WHERE l.code IS NULL GROUP BY m.text ORDER BY count(*) DESC, m.text"
} > "$RUN/review_conditions.csv"
unmapped_texts=$(($(wc -l < "$RUN/review_conditions.csv") - 1))
gaps=$(q "SELECT count(*) FROM patient WHERE (diagnosis_date IS NULL AND (treatment_date IS NOT NULL OR followup_date IS NOT NULL)) OR (treatment_date IS NULL AND followup_date IS NOT NULL)")
ref_dr=$(q "SELECT count(*) FROM patient p WHERE EXISTS (SELECT 1 FROM doctor d WHERE p.referred_by = 'Dr. ' || d.name)")
ref_contact=$(q "SELECT count(*) FROM patient p WHERE EXISTS (SELECT 1 FROM contact c WHERE p.referred_by = 'contact: ' || lower(btrim(c.email)))")
ref_all=$(q "SELECT count(*) FROM patient WHERE referred_by IS NOT NULL")
cat > "$RUN/mapping_report.json" <<JSON
{
  "source_rows": {"contact": $nc, "patient": $np, "doctor": $(q "SELECT count(*) FROM doctor"), "nurse": $(q "SELECT count(*) FROM nurse"), "admin_user": $(q "SELECT count(*) FROM admin_user")},
  "mapping": {
    "contact": "person + person_role contact",
    "patient": "person + person_role patient; conditions -> person_condition; intake/diagnosis/treatment/followup dates -> patient_journey + journey_step; last/next appointment -> appointment; referred_by -> referral",
    "doctor, nurse, admin_user": "person + person_role"
  },
  "matching": {"matched_pairs": $matched, "by": {$by}, "ambiguous": $ambiguous, "persons_from_contacts_and_patients": $((nc + np - matched))},
  "conditions": {"mentions": $total, "mapped": $mapped, "to_review": $((total - mapped)), "texts_to_review": $unmapped_texts, "by_code": {$codes}},
  "journeys": {"patients": $np, "with_gaps": $gaps},
  "referrals": {"written": $ref_all, "to_a_doctor": $ref_dr, "to_a_contact": $ref_contact, "text_only": $((ref_all - ref_dr - ref_contact))}
}
JSON
log "report: $nc contacts and $np patients are $((nc + np - matched)) persons ($matched matched), $((total - mapped)) of $total condition mentions to review, $gaps journeys with gaps"
