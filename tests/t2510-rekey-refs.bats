#!/usr/bin/env bats
# mig-rekey: foreign keys rewritten from tags of the same stream and from
# crosswalk files; every --on-missing policy.
load lib-common

R="$DATA/rekey"

setup() {
	cd "$BATS_TEST_TMPDIR"
}

# The missing-reference stream: appointment 11 points at user 9, who is nobody.
missing_stream() {
	printf '@users,id:int\nusers,1\nusers,2\n@appointments,id:int,user_id:int\nappointments,10,1\nappointments,11,9\nappointments,12,\nappointments,13,2\n' > in
}

@test "a foreign key follows a tag rekeyed earlier in the stream" {
	run --separate-stderr -0 mig-rekey -k users.id=seq:500 -r appointments.user_id=users \
		-r appointments.doctor_id=users "$R/clinic.stream"
	printf '%s\n' "$output" > out
	assert_same "$R/ref-same.expect" out
}

@test "one column resolved against two tags, its values moved to two columns" {
	run --separate-stderr -0 mig-rekey -k users.id=keep -k patients.id=uuid5:dns \
		-x patients=p.csv -r appointments.user_id=users:staff_id,patients:patient_id \
		"$R/split.stream"
	printf '%s\n' "$output" > out
	assert_same "$R/ref-move.expect" out
	# user_id is gone: every source writes elsewhere
	! grep -q user_id out
	# every patient's appointments point to that patient
	[ "$(grep -c '' p.csv)" -eq 4 ]
}

@test "a source that writes to the column itself keeps it, first source wins" {
	printf '@a,id:int\na,1\na,2\n@b,id:int\nb,2\nb,3\n@c,x:int\nc,1\nc,2\nc,3\n' > in
	run -0 mig-rekey -k a.id=seq:100 -k b.id=seq:200 -r c.x=a,b:bx in
	printf '%s\n' "$output" | grep '^[@c]' > out
	printf '@a,id:int\n@b,id:int\n@c,x:int,bx:int\nc,100,\nc,101,\nc,,201\n' > expect
	assert_same expect out
}

# The people of split.stream keyed (crosswalks u.csv and p.csv), and their
# appointments alone in appts; rewire PATIENTS: the appointments rewired
# with -l patients=PATIENTS, into file out.
keyed_people() {
	mig-rekey -k users.id=keep -k patients.id=uuid5:dns -x patients=p.csv -x users=u.csv \
		"$R/split.stream" > /dev/null
	grep -v '^patients,\|^users,\|^@patients\|^@users' "$R/split.stream" > appts
}
rewire() {
	run --separate-stderr -0 mig-rekey -l users=u.csv -l patients="$1" \
		-r appointments.user_id=users:staff_id,patients:patient_id appts
	printf '%s\n' "$output" | grep appointments > out
}

@test "a crosswalk file from an earlier run gives the same result as the same stream" {
	keyed_people
	rewire p.csv
	grep appointments "$R/ref-move.expect" > expect
	assert_same expect out
}

@test "a crosswalk of integers types the column int, of anything else text" {
	printf 'old,new\n1,11\n2,12\n' > ints.csv
	printf 'old,new\n1,11\n2,x\n' > mixed.csv
	printf '@c,x:int\nc,1\nc,2\n' > in
	run -0 mig-rekey -l w=ints.csv -r c.x=w in
	printf '%s\n' "$output" | grep -qx '@c,x:int'
	run -0 mig-rekey -l w=mixed.csv -r c.x=w in
	printf '%s\n' "$output" | grep -qx '@c,x:text'
	printf '%s\n' "$output" | grep -qx 'c,x'
	printf 'old,new\n1,0b2c5d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e\n2,1b2c5d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e\n' > uuids.csv
	run -0 mig-rekey -l w=uuids.csv -r c.x=w in
	printf '%s\n' "$output" | grep -v '^#' > out
	printf '%s\n' '@c,x:uuid' c,0b2c5d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e c,1b2c5d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e > expect
	assert_same expect out
}

@test "crosswalk values come back exactly as written, whatever mix of kinds" {
	printf '%s\n' old,new 1,0b2c5d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e 2,12 \
		3,0B2C5D0E-1F2A-4B3C-8D4E-5F6A7B8C9D0E 4,007 '5,"a,b"' 6,-3 > w.csv
	printf '@c,x:int\nc,1\nc,2\nc,3\nc,4\nc,5\nc,6\n' > in
	run -0 mig-rekey -l w=w.csv -r c.x=w in
	printf '%s\n' "$output" | grep -v '^#' > out
	printf '%s\n' '@c,x:text' c,0b2c5d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e c,12 \
		c,0B2C5D0E-1F2A-4B3C-8D4E-5F6A7B8C9D0E c,007 'c,"a,b"' c,-3 > expect
	assert_same expect out
}

@test "--on-missing error (the default) names file, line, tag and column, not the value" {
	missing_stream
	run --separate-stderr -1 mig-rekey -k users.id=seq -r appointments.user_id=users in
	[ "$stderr" = "mig-rekey: in:6: appointments: no key for column 'user_id' in users" ]
	run --separate-stderr -1 mig-rekey --show-values -k users.id=seq -r appointments.user_id=users in
	[ "$stderr" = "mig-rekey: in:6: appointments: no key for column 'user_id' in users (value '9')" ]
}

@test "--on-missing null writes NULL and counts it" {
	missing_stream
	run --separate-stderr -0 mig-rekey -k users.id=seq:7 -r appointments.user_id=users \
		--on-missing null in
	printf '%s\n' "$output" | grep '^appointments\|stats' > out
	printf '%s\n' 'appointments,10,7' 'appointments,11,' 'appointments,12,' 'appointments,13,8' \
		'#!stats mig-rekey users in=2 out=2 dropped=0 rejected=0' \
		'#!stats mig-rekey appointments in=4 out=4 dropped=0 rejected=0 missing=1' > expect
	assert_same expect out
}

@test "--on-missing drop drops the record and counts it" {
	missing_stream
	run --separate-stderr -0 mig-rekey -k users.id=seq:7 -r appointments.user_id=users -m drop in
	printf '%s\n' "$output" | grep '^appointments\|stats' > out
	printf '%s\n' 'appointments,10,7' 'appointments,12,' 'appointments,13,8' \
		'#!stats mig-rekey users in=2 out=2 dropped=0 rejected=0' \
		'#!stats mig-rekey appointments in=4 out=3 dropped=1 rejected=0 missing=1' > expect
	assert_same expect out
}

@test "--on-missing reject sends the record, unchanged, to the rejects file" {
	missing_stream
	run --separate-stderr -0 mig-rekey -k appointments.id=seq:1 -k users.id=seq:7 \
		-x appointments=a.csv -r appointments.user_id=users -m reject --reject rj in
	[ -z "$stderr" ]
	printf '%s\n' "$output" | grep '^appointments\|stats' > out
	printf '%s\n' 'appointments,1,7' 'appointments,2,' 'appointments,3,8' \
		'#!stats mig-rekey users in=2 out=2 dropped=0 rejected=0' \
		'#!stats mig-rekey appointments in=4 out=3 dropped=0 rejected=1 missing=1' > expect
	assert_same expect out
	printf "%s\n" '#!mig-stream 1' '@appointments,id:int,user_id:int,_mig_stage:text,_mig_where:text,_mig_reason:text' \
		"appointments,11,9,mig-rekey,appointments:2,no key for column 'user_id' in users" > rjexpect
	assert_same rjexpect rj
	# the refused record took no key: the crosswalk has only the others
	printf 'old,new\n10,1\n12,2\n13,3\n' > aexpect
	assert_same aexpect a.csv
}

@test "--on-missing reject needs --reject" {
	run --separate-stderr -2 mig-rekey -k users.id=seq -r appointments.user_id=users -m reject
	[ "$stderr" = "mig-rekey: rule 'on-missing reject': needs --reject FILE" ]
}

@test "bad crosswalk files: missing, wrong field count, repeated or empty key" {
	run --separate-stderr -2 mig-rekey -l w=nosuch.csv -r c.x=w
	[ "$stderr" = "mig-rekey: nosuch.csv: cannot open: No such file or directory" ]
	printf 'old,new\n1,2\n3,4,5\n' > bad.csv
	run --separate-stderr -1 mig-rekey -l w=bad.csv -r c.x=w
	[ "$stderr" = "mig-rekey: bad.csv:3: 3 fields, expected 2 (old,new)" ]
	printf 'old,new\n1,2\n1,4\n' > bad.csv
	run --separate-stderr -1 mig-rekey -l w=bad.csv -r c.x=w
	[ "$stderr" = "mig-rekey: bad.csv:3: old key appears twice" ]
	printf 'old,new\n1,2\n"a\nb",\n' > bad.csv
	run --separate-stderr -1 mig-rekey -l w=bad.csv -r c.x=w
	[ "$stderr" = "mig-rekey: bad.csv:3: empty key" ]
	: > bad.csv
	run --separate-stderr -1 mig-rekey -l w=bad.csv -r c.x=w
	[ "$stderr" = "mig-rekey: bad.csv:1: no header line" ]
}

@test "a self-reference resolves against records already seen" {
	printf '@e,id:int,boss:int\ne,1,\ne,2,1\ne,3,2\n' > in
	run -0 mig-rekey -k e.id=seq:10 -r e.boss=e in
	printf '%s\n' "$output" | grep '^e,' > out
	printf 'e,10,\ne,11,10\ne,12,11\n' > expect
	assert_same expect out
}

@test "-l NAME=uuid5:NS computes the keys a uuid5 key rule gives, without a file" {
	# the keys the patients' own run gives, and its crosswalk
	keyed_people
	rewire p.csv
	mv out from-file
	rewire uuid5:dns
	mv out computed
	assert_same from-file computed
	# the column is typed uuid, as from a crosswalk of UUIDs
	grep -q '^@appointments,.*patient_id:uuid' computed
	# a namespace given as a UUID is the same namespace
	rewire uuid5:6ba7b810-9dad-11d1-80b4-00c04fd430c8
	assert_same from-file out
}

@test "a computed crosswalk finds every key: any value gets one, NULL stays NULL" {
	printf '@c,x:int\nc,1\nc,\nc,999999\n' > in
	run --separate-stderr -0 mig-rekey -m error -l p=uuid5:dns -r c.x=p in
	printf '%s\n' "$output" | grep -v '^#' > out
	[ "$(grep -c '^c,[0-9a-f]\{8\}-[0-9a-f]\{4\}-5[0-9a-f]\{3\}-[89ab][0-9a-f]\{3\}-[0-9a-f]\{12\}$' out)" -eq 2 ]
	grep -qx 'c,' out
}

@test "a computed crosswalk must come last among a rule's sources, and is no lookup table" {
	printf 'old,new\n1,11\n' > w.csv
	printf '@c,x:int\nc,1\n' > in
	run --separate-stderr -2 mig-rekey -l p=uuid5:dns -l w=w.csv -r c.x=p,w in
	[[ $stderr == *"'p' is computed and finds every key: it must come last"* ]]
	run --separate-stderr -2 mig-rekey -l p=uuid5:nowhere -r c.x=p in
	[[ $stderr == *"namespace 'nowhere' is not a UUID"* ]]
	run --separate-stderr -2 mig-rekey -l p=uuid5:dns --lookup 'c.y=p.new by x' in
	[[ $stderr == *"'p' is computed, not a file to look up in"* ]]
	# ./uuid5:... is a file of that name
	printf 'old,new\n1,42\n' > 'uuid5:dns'
	run --separate-stderr -0 mig-rekey -l p=./uuid5:dns -r c.x=p in
	printf '%s\n' "$output" | grep -qx 'c,42'
}
