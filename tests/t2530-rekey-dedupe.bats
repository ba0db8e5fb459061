#!/usr/bin/env bats
# mig-rekey: --dedupe keeps the first record of each natural key and maps
# the others' keys to it (NULLs matching only with match-nulls).
load lib-common

setup() {
	cd "$BATS_TEST_TMPDIR"
	# sessions and training_sessions describe some of the same sessions,
	# already renamed to one tag with disjoint old ids (mig-split's job)
	printf '%s\n' '@session,id:int,trainer_id:int,starts_at:timestamp,title:text' \
		'session,1,7,2024-01-01 09:00:00,Yoga' \
		'session,2,7,2024-01-02 09:00:00,Pilates' \
		'session,3,8,,Open gym' \
		'session,101,7,2024-01-01 09:00:00,Yoga (copy)' \
		'session,102,8,,Open gym again' \
		'session,103,9,2024-01-03 10:00:00,Boxing' \
		'@payment,id:int,session_id:int' \
		'payment,1,101' 'payment,2,2' 'payment,3,102' 'payment,4,103' > in
}

@test "duplicates dropped, their keys mapped to the kept record's new key" {
	run --separate-stderr -0 mig-rekey -k session.id=seq:1 -x session=x.csv \
		-d 'session on (trainer_id, starts_at) match-nulls' -r payment.session_id=session in
	printf '%s\n' "$output" > out
	printf '%s\n' '#!mig-stream 1' '@session,id:int,trainer_id:int,starts_at:timestamp,title:text' \
		'session,1,7,2024-01-01 09:00:00,Yoga' \
		'session,2,7,2024-01-02 09:00:00,Pilates' \
		'session,3,8,,Open gym' \
		'session,4,9,2024-01-03 10:00:00,Boxing' \
		'@payment,id:int,session_id:int' \
		'payment,1,1' 'payment,2,2' 'payment,3,3' 'payment,4,4' \
		'#!stats mig-rekey session in=6 out=4 dropped=2 rejected=0 deduped=2' \
		'#!stats mig-rekey payment in=4 out=4 dropped=0 rejected=0' > expect
	assert_same expect out
	printf '%s\n' old,new 1,1 2,2 3,3 101,1 102,3 103,4 > xexpect
	assert_same xexpect x.csv
}

@test "dedupe with keep and uuid5: the duplicate maps to the kept key" {
	run -0 mig-rekey -k session.id=keep -x session=x.csv -d 'session on(trainer_id,starts_at) match-nulls' in
	grep -qx '101,1' x.csv && grep -qx '102,3' x.csv
	run -0 mig-rekey -k session.id=uuid5:dns -x session=x.csv -d 'session on (trainer_id, starts_at)' in
	[ "$(grep '^1,' x.csv | cut -d, -f2)" = "$(grep '^101,' x.csv | cut -d, -f2)" ]
	[ "$(grep '^1,' x.csv | cut -d, -f2)" = b04965e6-a9bb-591f-8f8a-1adcb2c8dc39 ]
}

@test "the same record twice is dropped once, with one crosswalk row" {
	{ cat in; printf 'session,1,7,2024-01-01 09:00:00,Yoga\n'; } > in2
	run -0 mig-rekey -k session.id=seq -x session=x.csv -d 'session on (trainer_id, starts_at) match-nulls' in2
	printf '%s\n' "$output" | grep -qx '#!stats mig-rekey session in=7 out=4 dropped=3 rejected=0 deduped=3'
	[ "$(grep -c '^1,' x.csv)" -eq 1 ]
}

@test "a duplicate whose old key belongs to another record is a duplicate key" {
	printf 'session,1,9,2024-01-03 10:00:00,Boxing\n' >> in
	run --separate-stderr -1 mig-rekey -k session.id=seq -d 'session on (trainer_id, starts_at)' in
	[ "$stderr" = "mig-rekey: in:13: session: duplicate key in column 'id'" ]
}

@test "dedupe needs columns the tag has; ids needs a key rule" {
	run --separate-stderr -2 mig-rekey -d 'session on (trainer_id) ids:old_ids'
	[ "$stderr" = "mig-rekey: rule 'dedupe session on (trainer_id) ids:old_ids': ids:old_ids needs a key rule for tag 'session'" ]
	run --separate-stderr -2 mig-rekey -k session.id=seq -d 'session on (trainer, starts_at)' in
	[ "$stderr" = "mig-rekey: in:1: tag 'session' has no column 'trainer' (did you mean 'trainer_id'?) (rule 'dedupe session on (trainer, starts_at)')" ]
}

# Seed 003: sessions and training_sessions, two tables of one target, with
# overlapping ids; each has payments pointing at it.
two_tables() {
	printf '%s\n' '@sessions,id:int,trainer_id:int,starts_at:timestamp' \
		'sessions,1,7,2024-01-01 09:00:00' 'sessions,2,7,2024-01-02 09:00:00' \
		'sessions,3,8,2024-01-03 09:00:00' 'sessions,4,9,2024-01-04 09:00:00' \
		'@training_sessions,id:int,trainer_id:int,starts_at:timestamp' \
		'training_sessions,1,7,2024-01-02 09:00:00' 'training_sessions,2,8,2024-01-05 09:00:00' \
		'training_sessions,3,9,2024-01-04 09:00:00' \
		'@payments,id:int,session_id:int' 'payments,1,1' 'payments,2,3' 'payments,3,4' \
		'@payment_records,id:int,session_id:int' 'payment_records,1,1' 'payment_records,2,2' > two
}

@test "two tables of one target merge: one sequence, duplicates across them mapped" {
	two_tables
	set -o pipefail
	mig-rekey -k sessions.id=seq:1 -k training_sessions.id=seq:1 -x sessions=s.csv \
		-x training_sessions=ts.csv -d 'sessions, training_sessions on (trainer_id, starts_at)' \
		-r payments.session_id=sessions -r payment_records.session_id=training_sessions two |
	mig-split -q -e 'sessions -> session' -e 'training_sessions -> session' > out
	grep -v '^#' out > got
	printf '%s\n' '@session,id:int,trainer_id:int,starts_at:timestamp' \
		'session,1,7,2024-01-01 09:00:00' 'session,2,7,2024-01-02 09:00:00' \
		'session,3,8,2024-01-03 09:00:00' 'session,4,9,2024-01-04 09:00:00' \
		'session,5,8,2024-01-05 09:00:00' \
		'@payments,id:int,session_id:int' 'payments,1,1' 'payments,2,3' 'payments,3,4' \
		'@payment_records,id:int,session_id:int' 'payment_records,1,2' 'payment_records,2,5' > expect
	assert_same expect got
	printf '%s\n' old,new 1,2 2,5 3,4 > tsexpect
	assert_same tsexpect ts.csv
	grep -qx '#!stats mig-rekey training_sessions in=3 out=1 dropped=2 rejected=0 deduped=2' out
}

@test "two tables merged with uuid5: a duplicate takes the first table's key" {
	two_tables
	run -0 mig-rekey -k sessions.id=uuid5:dns -k training_sessions.id=uuid5:url \
		-x training_sessions=ts.csv -d 'sessions,training_sessions on (trainer_id, starts_at)' two
	# training session 1 is session 2: uuid5(dns, "2")
	grep -qx '1,4b166dbe-d99d-5091-abdd-95b83330ed3a' ts.csv
	printf '%s\n' "$output" | grep -q '^training_sessions,[0-9a-f-]*,8,2024-01-05'
}

@test "tables merged by one rule need the same kind of key and one sequence start" {
	run --separate-stderr -2 mig-rekey -k a.id=seq -k b.id=uuid4 -d 'a,b on (x)'
	[ "$stderr" = "mig-rekey: rule 'dedupe a,b on (x)': 'a' and 'b' get different kinds of keys" ]
	run --separate-stderr -2 mig-rekey -k a.id=keep -k b.id=keep -d 'a,b on (x)'
	[ "$stderr" = "mig-rekey: rule 'dedupe a,b on (x)': tags merged by one rule need seq or uuid keys, not keep" ]
	run --separate-stderr -2 mig-rekey -k a.id=seq:1 -k b.id=seq:100 -d 'a,b on (x)'
	[ "$stderr" = "mig-rekey: rule 'dedupe a,b on (x)': merged tags share one sequence; give 'a' and 'b' the same seq:START" ]
	run --separate-stderr -2 mig-rekey -k a.id=seq -d 'a on (x)' -d 'a on (y)'
	[ "$stderr" = "mig-rekey: rule 'dedupe a on (y)': tag 'a' already has a dedupe rule" ]
}
