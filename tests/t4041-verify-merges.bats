#!/usr/bin/env bats
# mig-verify on the results of merges: many-to-one crosswalks, fan-in
# crosswalks from several source tables, ledgers where dedupe dropped
# records, all produced by mig-rekey itself.
load lib-common

setup() {
	require_servers
	cd "$BATS_TEST_TMPDIR"
	src=$(test_db s); pg_newdb "$src"
	dst=$(test_db d); my_newdb "$dst"
	pgq "$src" "CREATE TABLE teacher (id int PRIMARY KEY, email text);
		CREATE TABLE parent (id int PRIMARY KEY, email text);
		CREATE TABLE student (id int PRIMARY KEY, email text);
		INSERT INTO teacher VALUES (1, 'ann@x.org'), (2, 'bob@x.org');
		INSERT INTO parent VALUES (1, 'cy@x.org'), (2, 'ann@x.org');
		INSERT INTO student VALUES (1, 'dee@x.org')"
	S=$(pg_url "$src"); D=$(my_url "$dst")
	{
		for t in teacher parent student; do
			mig-extract -q "$S" "$t" | grep -v '^#!stats'
		done
	} > v1.stream
	mig-rekey -k teacher.id=seq -k parent.id=seq -k student.id=seq \
		-x teacher=teacher.csv -x parent=parent.csv -x student=student.csv \
		-d 'teacher,parent,student on (email)' < v1.stream > v2.stream
	myq "$dst" "CREATE TABLE users (id int PRIMARY KEY, email varchar(100))"
	grep -E '^(teacher|parent|student),' v2.stream | cut -d, -f2,3 |
		while IFS=, read -r id email; do myq "$dst" "INSERT INTO users VALUES ($id, '$email')"; done
}

@test "a many-to-one crosswalk: the summary says many-to-one, as the JSON says injective false" {
	rule="crosswalk teacher.csv + parent.csv + student.csv SRC.teacher(id) + SRC.parent(id) + SRC.student(id) -> DST.users(id) many-to-one"
	run -0 --separate-stderr mig-verify -s "$S" -t "$D" --report r.json -e "$rule"
	[ "$output" = "ok    $rule: 5 rows; 5 source keys; many-to-one (4 new keys, 1 old keys merged), complete, all present
mig-verify: 1 passed, 0 failed, 0 errors" ]
	[ "$(jq -c '.checks[0] | [.injective, .many_to_one, .complete, .present, .new_keys, .source_tables]' r.json)" = "[false,true,true,true,4,3]" ]
	# without many-to-one the shared key is a failure
	run -1 mig-verify -s "$S" -t "$D" -e "${rule% many-to-one}"
	[[ $output == *"1 new keys repeated"* ]]
}

@test "fan-in: one file per source table, old ids overlapping, paired in order" {
	rule="crosswalk teacher.csv + parent.csv + student.csv SRC.teacher(id) + SRC.parent(id) + SRC.student(id) -> DST.users(id) many-to-one"
	pgq "$src" "INSERT INTO parent VALUES (3, 'eve@x.org')"
	run -1 --separate-stderr mig-verify -s "$S" -t "$D" -e "$rule"
	[[ $output == *"    source key parent:3 has no crosswalk row (incomplete)"* ]]
	run -2 --separate-stderr mig-verify -s "$S" -t "$D" -e "crosswalk teacher.csv + parent.csv SRC.teacher(id) + SRC.parent(id) + SRC.student(id) -> DST.users(id)"
	[[ "$output$stderr" == *"2 files for 3 source tables"* ]]
}

@test "fan-in: one file for a union of source tables with disjoint ids" {
	pgq "$src" "UPDATE parent SET id = id + 10; UPDATE student SET id = id + 20"
	{ cat teacher.csv; sed 1d parent.csv | sed 's/^/1/'; sed 1d student.csv | sed 's/^/2/'; } > all.csv
	rule="crosswalk all.csv SRC.teacher(id) + SRC.parent(id) where email <> '' + SRC.student(id) -> DST.users(id) many-to-one"
	run -0 --separate-stderr mig-verify -s "$S" -t "$D" -e "$rule"
	[[ $output == "ok    $rule: 5 rows; 5 source keys; many-to-one"* ]]
}

@test "a ledger where dedupe dropped records counts them as merged, not lost" {
	run -0 --separate-stderr mig-verify --report r.json -e "ledger v2.stream"
	[[ $output == *"every record accounted for, 1 merged by dedupe"* ]]
	[ "$(jq '.checks[0].merged' r.json)" -eq 1 ]
	[ "$(jq '[.checks[0].runs[0].stages[] | .tags[] | .merged] | add' r.json)" -eq 1 ]
}

@test "a ledger where a held dedupe (survivor by tag, fill, ids) merged records, and a unique keep:last" {
	# the records are held to the end and written then: the stats lines
	# must still count each merged record once, in its own tag
	mig-rekey -k teacher.id=seq -k parent.id=seq -k student.id=seq \
		-d 'teacher,parent,student on (email) keep:tags:parent,teacher,student fill ids:old_ids' \
		< v1.stream > held.stream
	grep -qx '#!stats mig-rekey teacher in=2 out=1 dropped=1 .*deduped=1.*' held.stream
	grep -qx '#!stats mig-rekey parent in=2 out=2 dropped=0 .*' held.stream
	run -0 --separate-stderr mig-verify --report r.json -e "ledger held.stream"
	[[ $output == *"every record accounted for, 1 merged by dedupe"* ]]
	[ "$(jq '.checks[0].merged' r.json)" -eq 1 ]
	mig-rekey -u 'teacher.email,parent.email null keep:last' < v1.stream > uniq.stream
	grep -q '^teacher,1,$' uniq.stream
	run -0 --separate-stderr mig-verify -e "ledger uniq.stream"
	[[ $output == "ok "* ]]
}
