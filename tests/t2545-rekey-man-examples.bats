#!/usr/bin/env bats
# Every EXAMPLES block of mig-rekey(1) runs as printed.
load lib-common

setup() {
	cd "$BATS_TEST_TMPDIR"
	awk '/^\.Sh EXAMPLES/,/^\.Sh SEE ALSO/' "$MIG_TOP/man/mig-rekey.1" |
		awk '/^\.Bd -literal/ { f = 1; n++; next } /^\.Ed/ { f = 0 } f { print > ("ex" n) }'
	sed -i 's/\\e/\\/g' ex*
	cp "$DATA/rekey/man-v1.stream" v1.stream
	cp "$DATA/rekey/man-visits.stream" visits.stream
}

@test "the man page has the ten examples this test knows" {
	[ "$(ls ex* | wc -l)" -eq 10 ]
}

@test "example 1 and 2: split users rekeyed, then visits through the crosswalk" {
	run --separate-stderr -0 bash ex1
	printf '%s\n' "$output" | grep -qx '@appointments,id:int,doctor_id:int,patient_id:uuid'
	printf '%s\n' "$output" | grep -qx 'appointments,10,1,4b166dbe-d99d-5091-abdd-95b83330ed3a'
	[ "$(wc -l < old_user_id__to__new_patient_id.csv)" -eq 3 ]
	run --separate-stderr -0 bash ex2
	printf '%s\n' "$output" | grep -qx 'visits,1,4b166dbe-d99d-5091-abdd-95b83330ed3a'
}

@test "example 3: the rules file" {
	mv ex3 medical.rekey
	run --separate-stderr -0 mig-rekey -f medical.rekey < v1.stream
	printf '%s\n' "$output" | grep -qx 'appointments,11,4,98123fde-012f-5ff3-8b50-881449dac91a'
}

@test "example 4 and 5: emails across three tags, two session tables merged" {
	run --separate-stderr -0 bash ex4 < v1.stream
	printf '%s\n' "$output" | grep -qx 'parents,1,Ann+2@School.org'
	printf '%s\n' "$output" | grep -qx 'students,1,ann+3@school.org'
	[ "$(wc -l < email_changes.csv)" -eq 3 ]
	run --separate-stderr -0 bash -o pipefail ex5 < v1.stream
	printf '%s\n' 'old,new' '1,2' '2,3' > expect
	assert_same expect training_session_ids.csv
	printf '%s\n' "$output" | grep -qx 'session,3,9,2024-01-03 09:00:00'
	printf '%s\n' "$output" | grep -qx 'payment_records,1,2'
	printf '%s\n' "$output" | grep -qx 'payment_records,2,3'
}

@test "example 6: contact and patient merged, actors' ids collected, links deduped, phones nulled" {
	printf '%s\n' '@contact,id:int,email:text,phone:text,company:text' \
		'contact,7,ann@x.org,+15125550123,Acme' 'contact,8,bob@x.org,+15125550123,' \
		'@patient,id:int,email:text,phone:text,company:text' 'patient,1,ann@x.org,,' \
		'@actor,id:int,name:text' 'actor,5,Ann' 'actor,9,Ann' \
		'@film_actor,film_id:int,actor_id:int' 'film_actor,1,5' 'film_actor,1,9' > crm.stream
	run --separate-stderr -0 bash ex6
	printf '%s\n' "$output" | grep -qx 'patient,1,ann@x.org,+15125550123,Acme'
	printf '%s\n' "$output" | grep -qx 'contact,2,bob@x.org,,'
	printf '%s\n' "$output" | grep -qx 'actor,1,Ann,"{5,9}"'
	[ "$(printf '%s\n' "$output" | grep -c '^film_actor,')" -eq 1 ]
	grep -qx 'contact,2,2,phone,+15125550123,' phone_changes.csv
	grep -qx '7,1' contacts.csv
}

@test "example 8: e-mails unique against the rows already in the target" {
	require_servers
	local db; db=$(test_db)
	pg_newdb "$db"
	pgq "$db" "CREATE TABLE users (id int, email text); INSERT INTO users VALUES (1, 'Admin@school.org')"
	printf '%s\n' '@user,id:int,email:text' 'user,1,admin@school.org' > users.stream
	TARGET=$(pg_url "$db") run --separate-stderr -0 bash ex8
	printf '%s\n' "$output" | grep -qx 'user,1,admin+2@school.org'
}

@test "example 7: uuid5 of a name template, the crosswalk keeping the old ids" {
	printf '%s\n' '@customer,id:int,name:text' 'customer,1,Ann' > customers.stream
	run --separate-stderr -0 bash ex7
	u=$(python3 -c "import uuid; print(uuid.uuid5(uuid.NAMESPACE_DNS, 'customer:1'))")
	printf '%s\n' "$output" | grep -qx "customer,$u,Ann"
	grep -qx "1,$u" customer_ids.csv
}

@test "example 9: a teacher's e-mail that a parent also holds goes to the parent" {
	printf '%s\n' '@teacher,id:int,email:text' 'teacher,1,ann@x.org' 'teacher,2,bo@x.org' \
		'@parent,id:int,email:text' 'parent,7,ann@x.org' > people.stream
	run --separate-stderr -0 bash ex9
	printf '%s\n' "$output" | grep -qx 'teacher,1,'
	printf '%s\n' "$output" | grep -qx 'teacher,2,bo@x.org'
	printf '%s\n' "$output" | grep -qx 'parent,7,ann@x.org'
	printf '%s\n' "$output" | grep -q '^#!stats mig-rekey teacher in=2 out=2 .*nulled=1'
}

@test "example 10: a session's missing trainer looked up from the saved clients" {
	printf '%s\n' '@client,id:int,trainer_id:int' 'client,1,10' 'client,2,20' > clients.stream
	printf '%s\n' '@session,id:int,client_id:int,trainer_id:int' 'session,1,1,' 'session,2,2,30' \
		'session,3,9,' 'session,4,,' > sessions.stream
	run --separate-stderr -0 bash ex10
	printf '%s\n' '@session,id:int,client_id:int,trainer_id:int' 'session,1,1,10' 'session,2,2,30' \
		'session,3,9,' 'session,4,,' > expect
	printf '%s\n' "$output" | grep -v '^#' > actual
	diff -u expect actual
	printf '%s\n' "$output" | grep -q '^#!stats mig-rekey session in=4 out=4 .* missing=1'
}
