#!/usr/bin/env bash
# crm.sh stream|load - every v2 table from v1, in one stream.
#   stream: patients cleaned and given their match key (rules/patient.map)
#           -> streams/patient.clean.csv; staff cleaned (rules/staff.map)
#           -> streams/staff.clean.csv; contacts cleaned (rules/contact.map)
#           and given the match key of the patient their e-mail, else
#           phone, else name and birth date find (mig-rekey --lookup),
#           their own otherwise -> streams/contact.keyed.csv; then the
#           vocabulary, staff, contacts and patients together: the
#           practitioner and the referrer found by name or e-mail, every
#           v2 record fanned out (rules/crm.split), each condition list
#           one record per mention (rules/mention.map), constants and the
#           condition lookup (rules/crm.map; unknown mentions to
#           conditions_to_review.csv), keys, the contact/patient merge and
#           every reference (rules/crm.rekey), the v2 tables
#           (rules/v2.split) -> streams/crm.csv.  The merges are listed in
#           audit/person_merges.csv (person, contact id, patient id).
#   EXTRACT_OPTS: options of every v1 extract (make pilot: --limit=N)
#   load:   that stream -> DST, foreign keys checked once at the end
#           (the merged persons come last in the stream)
. "$(dirname "$0")/lib.sh"
stream() {
	local x=$RUN/crosswalks
	mkdir -p "$x"
	mig-extract -q ${EXTRACT_OPTS:-} "$SRC" patient | mig-map -q -f rules/patient.map > "$S/patient.clean.csv"
	mig-extract -q ${EXTRACT_OPTS:-} "$SRC" doctor nurse admin_user | mig-map -q -f rules/staff.map > "$S/staff.clean.csv"
	mig-extract -q ${EXTRACT_OPTS:-} "$SRC" contact | mig-map -q -f rules/contact.map |
		mig-rekey -q -m null \
			--lookup "contact.by_email=patient.match_key by by_email on match_key from $S/patient.clean.csv" \
			--lookup "contact.by_phone=patient.match_key by by_phone on match_key from $S/patient.clean.csv" \
			--lookup "contact.by_name=patient.match_key by by_name on match_key from $S/patient.clean.csv" |
		mig-map -q -e "contact.match_key = coalesce(by_email, by_phone, by_name, concat('c:', id))" > "$S/contact.keyed.csv"
	# The parts are put together without their stats lines: each part's
	# ledger is checked on its own file (checks.mig), the whole from here.
	{
		mig-extract -q rules/vocabulary.csv
		cat "$S/staff.clean.csv" "$S/contact.keyed.csv"
		# the practitioner and the referrer: v1 ids by name or e-mail
		mig-rekey -q -m null \
			--lookup "patient.practitioner=doctor.id by doctor_key on name_key from $S/staff.clean.csv" \
			--lookup "patient.referrer_doctor_id=doctor.id by referrer_doctor on name_key from $S/staff.clean.csv" \
			--lookup "patient.referrer_contact_id=contact.id by referrer_email on email from $S/contact.keyed.csv" \
			"$S/patient.clean.csv"
	} | grep -a -v '^#!stats ' |
		mig-split -q -f rules/crm.split --unmatched drop |
		mig-map -q -f rules/mention.map |
		mig-map -q -f rules/crm.map --on-error reject --reject "$RUN/conditions_to_review.csv" |
		mig-rekey -q -f rules/crm.rekey -a "$RUN/audit/person_email.csv" \
			-x contact="$x/contact.csv" -x patient="$x/patient.csv" -x doctor="$x/doctor.csv" \
			-x nurse="$x/nurse.csv" -x admin_user="$x/admin_user.csv" |
		mig-map -q -e 'referral.referrer_id = coalesce(referrer_doctor_id, referrer_contact_id)' |
		mig-split -q -f rules/v2.split
	# the merge audit: a person whose key both a contact and a patient map to
	join -t, -1 2 -2 2 <(tail -n +2 "$x/contact.csv" | sort -t, -k2,2) <(tail -n +2 "$x/patient.csv" | sort -t, -k2,2) |
		{ echo "person_id,contact_id,patient_id"; cat; } > "$RUN/audit/person_merges.csv"
}
LOAD_OPTS=--defer-constraints
stage_main crm "$@"
