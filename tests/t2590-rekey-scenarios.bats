#!/usr/bin/env bats
# mig-rekey in the seeds' migrations, with mig-split doing the routing:
# seed 001's users split into staff and patients with appointments
# rewired, and seed 004's fan-in with duplicate emails across tables.
load lib-common

setup() {
	cd "$BATS_TEST_TMPDIR"
}

# 1,000 v1 users with roles, 3,000 appointments pointing at a patient
# (user_id) and a doctor (doctor_id).
seed001_v1() {
	awk 'BEGIN {
		print "#!mig-stream 1"
		print "@users,id:int,role:text,full_name:text,email:text"
		for (i = 1; i <= 1000; i++) {
			r = "PATIENT"
			if (i % 7 == 0) r = "DOCTOR"
			else if (i % 11 == 0) r = "NURSE"
			else if (i % 13 == 0) r = "ADMIN"
			else if (i % 17 == 0) r = "SECRETARY"
			if (r == "PATIENT") pat[np++] = i
			if (r == "DOCTOR") doc[nd++] = i
			printf "users,%d,%s,Person %d,user%d@example.org\n", i, r, i, i
		}
		print "@appointments,id:int,user_id:int,doctor_id:int,starts_at:timestamp"
		for (a = 1; a <= 3000; a++)
			printf "appointments,%d,%d,%d,2024-03-%02d 09:00:00\n", a, pat[(a * 37) % np],
				doc[a % nd], a % 28 + 1
	}'
}

@test "seed 001: users split into staff and patients, patients get UUIDs, appointments follow" {
	set -o pipefail
	seed001_v1 > v1
	mig-split -q "users -> users where role in (DOCTOR, NURSE, ADMIN, SECRETARY, SUPER_ADMIN)" \
		"users -> patients (id, full_name, email) where role = PATIENT" < v1 |
	mig-rekey -q -k users.id=keep -k patients.id=uuid5:1b4e28ba-2fa1-11d2-883f-0016d3cca427 \
		--keep-old patients.legacy_user_id \
		-x users=old_user_id__to__new_user_id.csv \
		-x patients=old_user_id__to__new_patient_id.csv \
		-r appointments.user_id=patients:patient_id -r appointments.doctor_id=users > v2

	npat=$(grep -c '^users,[0-9]*,PATIENT,' v1)
	nstaff=$(grep '^users,' v1 | grep -vc ',PATIENT,')
	[ "$npat" -gt 500 ] && [ "$nstaff" -gt 200 ]
	# every v1 user is in exactly one of the two tables
	[ "$(grep -c '^patients,' v2)" -eq "$npat" ]
	[ "$(grep -c '^users,' v2)" -eq "$nstaff" ]
	# crosswalk row count = patient count; staff keep their ids
	[ "$(tail -n +2 old_user_id__to__new_patient_id.csv | wc -l)" -eq "$npat" ]
	[ "$(tail -n +2 old_user_id__to__new_user_id.csv | awk -F, '$1 != $2' | wc -l)" -eq 0 ]
	grep -qx '@patients,id:uuid,full_name:text,email:text,legacy_user_id:int' v2
	grep -qx '@appointments,id:int,doctor_id:int,starts_at:timestamp,patient_id:uuid' v2
	# the crosswalk agrees with the patients' legacy ids
	grep '^patients,' v2 | awk -F, '{ print $5 "," $2 }' | sort > legacy
	tail -n +2 old_user_id__to__new_patient_id.csv | sort > xw
	assert_same xw legacy
	# every patient's appointments still point to that patient, none orphaned
	awk -F, '
		FILENAME == ARGV[1] && FNR > 1 { xw[$1] = $2; next }
		FILENAME == ARGV[2] && /^appointments,/ { was[$2] = $3; doc[$2] = $4; next }
		FILENAME == ARGV[3] && /^patients,/ { pat[$2] = 1; next }
		FILENAME == ARGV[3] && /^users,/ { staff[$2] = 1; next }
		FILENAME == ARGV[3] && /^appointments,/ {
			n++
			if (!($5 in pat)) { print "orphan patient_id in appointment " $2; bad++ }
			if (xw[was[$2]] != $5) { print "appointment " $2 " moved to another patient"; bad++ }
			if (!($3 in staff) || $3 != doc[$2]) { print "appointment " $2 " lost its doctor"; bad++ }
		}
		END { if (n != 3000) { print n " appointments"; bad++ } exit bad > 0 }
	' old_user_id__to__new_patient_id.csv v1 v2
	# the ledger balances
	grep -qx '#!stats mig-rekey patients in='"$npat"' out='"$npat"' dropped=0 rejected=0' v2
	grep -qx '#!stats mig-rekey appointments in=3000 out=3000 dropped=0 rejected=0' v2
	grep -q '^#!stats mig-split users in=1000 ' v2
}

# 60 teachers, 80 parents, 150 students; emails drawn from overlapping
# pools in mixed case, some students without one; students point at parents.
seed004_v1() {
	awk 'BEGIN {
		print "#!mig-stream 1"
		print "@teachers,id:int,name:text,email:text"
		for (i = 1; i <= 60; i++)
			printf "teachers,%d,Teacher %d,person%d@school.org\n", i, i, i % 45
		print "@parents,id:int,name:text,email:text"
		for (i = 1; i <= 80; i++)
			printf "parents,%d,Parent %d,%s%d@school.org\n", i, i, i % 2 ? "Person" : "person", i % 70
		print "@students,id:int,name:text,email:text,parent_id:int"
		for (i = 1; i <= 150; i++)
			printf "students,%d,Student %d,%s,%d\n", i, i,
				i % 5 ? "PERSON" i % 90 "@School.org" : "", i % 80 + 1
	}'
}

@test "seed 004: three tables fan in to one User table, duplicate emails suffixed and audited" {
	set -o pipefail
	seed004_v1 > v1
	mig-rekey -q -k teachers.id=uuid5:6ba7b810-9dad-11d1-80b4-00c04fd430c8 \
		-k parents.id=uuid5:6ba7b811-9dad-11d1-80b4-00c04fd430c8 \
		-k students.id=uuid5:6ba7b812-9dad-11d1-80b4-00c04fd430c8 \
		-r students.parent_id=parents \
		--unique-nocase teachers.email,parents.email,students.email -a email_changes.csv < v1 |
	mig-split -q -e 'teachers -> User (id, name, email)' -e 'parents -> User (id, name, email)' \
		-e 'students -> User (id, name, email)' -e 'students -> StudentParent (id as student_id, parent_id)' > v2

	# every source record became one User
	[ "$(grep -c '^User,' v2)" -eq 290 ]
	# emails unique whatever their case; NULLs left alone
	[ "$(grep '^User,' v2 | cut -d, -f4 | grep -v '^$' | tr A-Z a-z | sort | uniq -d | wc -l)" -eq 0 ]
	[ "$(grep -c '^User,.*,$' v2)" -eq 30 ]
	# one audit row per change: as many as the non-NULL emails minus the distinct ones
	total=$(grep '^[tps][a-z]*s,' v1 | cut -d, -f4 | grep -vc '^$')
	distinct=$(grep '^[tps][a-z]*s,' v1 | cut -d, -f4 | grep -v '^$' | tr A-Z a-z | sort -u | wc -l)
	[ "$(tail -n +2 email_changes.csv | wc -l)" -eq $((total - distinct)) ]
	head -n 1 email_changes.csv | grep -qx 'tag,row,key,column,old,new'
	# each change is a +N before the @ of the old value, and is what the User row holds
	awk -F, '
		FILENAME == ARGV[1] && FNR > 1 {
			at = index($5, "@")
			if (substr($6, 1, at - 1) != substr($5, 1, at - 1) || $6 !~ /^[^@]*\+[0-9]+@/ ||
			    substr($6, index($6, "@")) != substr($5, at)) { print "bad change " $0; bad++ }
			want[$3] = $6; n++
			next
		}
		/^User,/ && ($2 in want) { if ($4 != want[$2]) { print "User " $2 " has " $4; bad++ } seen++ }
		END { if (seen != n) { print seen " of " n " changed Users found"; bad++ } exit bad > 0 }
	' email_changes.csv v2
	# the first teacher keeps person1@school.org; the later holders, across
	# the three tables and in any case, are numbered in stream order
	grep -q '^User,[0-9a-f-]*,Teacher 1,person1@school.org$' v2
	grep -i ',person1@' email_changes.csv | cut -d, -f1,2,5,6 > person1
	printf '%s\n' teachers,46,person1@school.org,person1+2@school.org \
		parents,1,Person1@school.org,Person1+3@school.org \
		parents,71,Person1@school.org,Person1+4@school.org \
		students,1,PERSON1@School.org,PERSON1+5@School.org \
		students,91,PERSON1@School.org,PERSON1+6@School.org > person1.expect
	assert_same person1.expect person1
	# students point at their parents' new keys
	awk -F, '/^User,/ { u[$2] = 1 } /^StudentParent,/ { n++; if (!($3 in u)) bad++ }
		END { exit !(n == 150 && bad == 0) }' v2
	grep -q '#!stats mig-rekey students in=150 out=150 dropped=0 rejected=0 suffixed=' v2
}

@test "a key rule for a tag that never came is an error, with did you mean" {
	seed001_v1 > v1
	run mig-rekey -k usr.id=uuid4 v1
	[ "$status" -eq 2 ]
	[[ "$output" == *"rule 'key usr.id=uuid4': tag 'usr' never came in the stream (did you mean 'users'?)"* ]]
	# a header with no records is a tag that came
	printf '#!mig-stream 1\n@usr,id:int\n' > empty
	mig-rekey -k usr.id=uuid4 empty > out
	grep -q '^@usr,id:uuid$' out
}

@test "ref, unique, dedupe and lookup rules for a tag that never came are errors too" {
	printf '%s\n' '#!mig-stream 1' '@users,id:int,email:text' 'users,1,a@x' 'users,2,b@x' \
		'@orders,id:int,user_id:int' 'orders,1,1' > s
	run --separate-stderr -2 mig-rekey -k users.id=seq -r ordr.user_id=users s
	[ "$stderr" = "mig-rekey: rule 'ref ordr.user_id=users': tag 'ordr' never came in the stream (did you mean 'orders'?)" ]
	run --separate-stderr -2 mig-rekey -u user.email s
	[ "$stderr" = "mig-rekey: rule 'unique user.email': tag 'user' never came in the stream (did you mean 'users'?)" ]
	run --separate-stderr -2 mig-rekey --unique-nocase users.email,staff.email s
	[ "$stderr" = "mig-rekey: rule 'unique-nocase users.email,staff.email': tag 'staff' never came in the stream" ]
	run --separate-stderr -2 mig-rekey -d 'users,user on (email)' s
	[ "$stderr" = "mig-rekey: rule 'dedupe users,user on (email)': tag 'user' never came in the stream (did you mean 'users'?)" ]
	run --separate-stderr -2 mig-rekey --lookup 'order.email=users.email by user_id' s
	[ "$stderr" = "mig-rekey: rule 'lookup order.email=users.email by user_id': tag 'order' never came in the stream (did you mean 'orders'?)" ]
	# the source of a lookup is a tag the rule reads: its absence is no
	# longer hidden by --on-missing null
	run --separate-stderr -2 mig-rekey -m null --lookup 'orders.email=user.email by user_id' s
	[ "$stderr" = "mig-rekey: rule 'lookup orders.email=user.email by user_id': tag 'user' never came in the stream (did you mean 'users'?)" ]
	# nothing half-written is mistaken for a finished stream
	run --separate-stderr -2 mig-rekey -u user.email s
	[[ "$output" != *"#!end"* ]]
	# every rule satisfied: exit 0
	run -0 mig-rekey -k users.id=seq -r orders.user_id=users -u users.email -d 'users on (email)' \
		--lookup 'orders.email=users.email by user_id' s
}

@test "a column the tag lacks is an error at its header, with did you mean, for every rule kind" {
	printf '%s\n' '#!mig-stream 1' '@users,id:int,email:text' 'users,1,a@x' \
		'@orders,id:int,user_id:int' 'orders,1,1' > s
	run --separate-stderr -2 mig-rekey -k users.id=seq -r orders.usr_id=users s
	[ "$stderr" = "mig-rekey: s:4: tag 'orders' has no column 'usr_id' (did you mean 'user_id'?) (rule 'ref orders.usr_id=users')" ]
	run --separate-stderr -2 mig-rekey -u users.emial s
	[ "$stderr" = "mig-rekey: s:2: tag 'users' has no column 'emial' (did you mean 'email'?) (rule 'unique users.emial')" ]
	run --separate-stderr -2 mig-rekey -d 'users on (emial)' s
	[ "$stderr" = "mig-rekey: s:2: tag 'users' has no column 'emial' (did you mean 'email'?) (rule 'dedupe users on (emial)')" ]
	run --separate-stderr -2 mig-rekey --lookup 'orders.email=users.emial by user_id' s
	[ "$stderr" = "mig-rekey: s:2: tag 'users' has no column 'emial' (did you mean 'email'?) (rule 'lookup orders.email=users.emial by user_id')" ]
	run --separate-stderr -2 mig-rekey --lookup 'orders.email=users.email by usr_id' s
	[ "$stderr" = "mig-rekey: s:4: tag 'orders' has no column 'usr_id' (did you mean 'user_id'?) (rule 'lookup orders.email=users.email by usr_id')" ]
	run --separate-stderr -2 mig-rekey --lookup 'orders.email=users.email by user_id on idd' s
	[ "$stderr" = "mig-rekey: s:2: tag 'users' has no column 'idd' (did you mean 'id'?) (rule 'lookup orders.email=users.email by user_id on idd')" ]
	# no near name, no suggestion
	run --separate-stderr -2 mig-rekey -u users.telephone s
	[ "$stderr" = "mig-rekey: s:2: tag 'users' has no column 'telephone' (rule 'unique users.telephone')" ]
}
