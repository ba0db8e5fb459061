#!/usr/bin/env bats
# mig-rekey: --dedupe keeps the first record of each natural key and maps
# the others' keys to it.
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
		-d 'session on (trainer_id, starts_at)' -r payment.session_id=session in
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
	run -0 mig-rekey -k session.id=keep -x session=x.csv -d 'session on(trainer_id,starts_at)' in
	grep -qx '101,1' x.csv && grep -qx '102,3' x.csv
	run -0 mig-rekey -k session.id=uuid5:dns -x session=x.csv -d 'session on (trainer_id, starts_at)' in
	[ "$(grep '^1,' x.csv | cut -d, -f2)" = "$(grep '^101,' x.csv | cut -d, -f2)" ]
	[ "$(grep '^1,' x.csv | cut -d, -f2)" = b04965e6-a9bb-591f-8f8a-1adcb2c8dc39 ]
}

@test "the same record twice is dropped once, with one crosswalk row" {
	{ cat in; printf 'session,1,7,2024-01-01 09:00:00,Yoga\n'; } > in2
	run -0 mig-rekey -k session.id=seq -x session=x.csv -d 'session on (trainer_id, starts_at)' in2
	printf '%s\n' "$output" | grep -qx '#!stats mig-rekey session in=7 out=4 dropped=3 rejected=0 deduped=3'
	[ "$(grep -c '^1,' x.csv)" -eq 1 ]
}

@test "a duplicate whose old key belongs to another record is a duplicate key" {
	printf 'session,1,9,2024-01-03 10:00:00,Boxing\n' >> in
	run --separate-stderr -1 mig-rekey -k session.id=seq -d 'session on (trainer_id, starts_at)' in
	[ "$stderr" = "mig-rekey: in:13: session: duplicate key in column 'id'" ]
}

@test "dedupe needs a key rule, and columns the tag has" {
	run --separate-stderr -2 mig-rekey -d 'session on (trainer_id)'
	[ "$stderr" = "mig-rekey: rule 'dedupe session on (trainer_id)': tag 'session' has no key rule" ]
	run --separate-stderr -2 mig-rekey -k session.id=seq -d 'session on (trainer, starts_at)' in
	[ "$stderr" = "mig-rekey: in:1: tag 'session' has no column 'trainer' (rule 'dedupe session on (trainer, starts_at)')" ]
}
