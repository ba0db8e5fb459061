#!/usr/bin/env bats
# mig-rekey: dedupe that merges (NULLs, survivors, field merge, merged ids,
# after rewiring, keyless link tables) and unique columns with actions and
# seeds, as the seed migrations need them.
load lib-common

setup() {
	cd "$BATS_TEST_TMPDIR"
}

people() {
	printf '%s\n' '@person,id:int,name:text,email:text,phone:text' \
		'person,1,Ann,,555-0101' 'person,2,Bob,,555-0102' \
		'person,3,Cid,cid@x.org,' 'person,4,Cid C.,cid@x.org,555-0104'
}

@test "two people without an e-mail stay two; match-nulls merges them" {
	people > in
	run --separate-stderr -0 mig-rekey -k person.id=seq -x person=x.csv -d 'person on (email)' in
	printf '%s\n' "$output" | grep -qx 'person,1,Ann,,555-0101'
	printf '%s\n' "$output" | grep -qx 'person,2,Bob,,555-0102'
	printf '%s\n' "$output" | grep -qx 'person,3,Cid,cid@x.org,'
	printf '%s\n' "$output" | grep -qx '#!stats mig-rekey person in=4 out=3 dropped=1 rejected=0 deduped=1'
	grep -qx '4,3' x.csv
	run --separate-stderr -0 mig-rekey -k person.id=seq -d 'person on (email) match-nulls' in
	printf '%s\n' "$output" | grep -qx '#!stats mig-rekey person in=4 out=2 dropped=2 rejected=0 deduped=2'
}

@test "a patient record wins over a contact for the same person and keeps the contact's phone" {
	printf '%s\n' '@contact,id:int,email:text,phone:text,company:text' \
		'contact,7,ann@x.org,555-0107,Acme' 'contact,8,bob@x.org,555-0108,' \
		'@patient,id:int,email:text,phone:text,company:text' \
		'patient,1,ann@x.org,,' 'patient,2,cy@x.org,,' \
		'@note,id:int,person_id:int' 'note,1,7' > in
	run --separate-stderr -0 mig-rekey -k contact.id=seq -k patient.id=seq \
		-x contact=c.csv -x patient=p.csv -r note.person_id=contact \
		-d 'contact,patient on (email) keep:tags:patient,contact fill' in
	printf '%s\n' "$output" > out
	# the survivor is written in the patient's columns, its NULLs filled from the contact
	grep -qx 'patient,1,ann@x.org,555-0107,Acme' out
	grep -qx 'contact,2,bob@x.org,555-0108,' out
	grep -qx 'patient,3,cy@x.org,,' out
	! grep -q '^contact,1,' out
	grep -qx 'note,1,1' out
	grep -qx '1,1' p.csv && grep -qx '7,1' c.csv
	# the contact is the record merged away
	grep -qx '#!stats mig-rekey contact in=2 out=1 dropped=1 rejected=0 deduped=1' out
	grep -qx '#!stats mig-rekey patient in=2 out=2 dropped=0 rejected=0' out
}

@test "fill only the named columns; keep:last, keep:min and keep:max choose the survivor" {
	printf '%s\n' '@t,id:int,k:text,a:text,b:text,n:int' \
		't,1,x,,b1,5' 't,2,x,a2,,3' 't,3,x,a3,b3,9' > in
	run --separate-stderr -0 mig-rekey -k t.id=seq -d 't on (k) fill:a' in
	printf '%s\n' "$output" | grep -qx 't,1,x,a2,b1,5'
	run --separate-stderr -0 mig-rekey -k t.id=seq -d 't on (k) keep:last' in
	printf '%s\n' "$output" | grep -qx 't,1,x,a3,b3,9'
	run --separate-stderr -0 mig-rekey -k t.id=seq -d 't on (k) keep:min:n fill' in
	printf '%s\n' "$output" | grep -qx 't,1,x,a2,b1,3'
	run --separate-stderr -0 mig-rekey -k t.id=seq -d 't on (k) keep:max:n' in
	printf '%s\n' "$output" | grep -qx 't,1,x,a3,b3,9'
}

@test "merged ids collected in order, as an array column, and many-to-one crosswalk rows" {
	printf '%s\n' '@actor,id:int,name:text' 'actor,12,Ann' 'actor,3,Bob' 'actor,10,Ann' \
		'actor,2,Ann' 'actor,"x y",Cy' > in
	run --separate-stderr -0 mig-rekey -k actor.id=seq:100 -x actor=x.csv \
		-d 'actor on (name) ids:legacy_ids' in
	printf '%s\n' "$output" | grep -qx '@actor,id:int,name:text,legacy_ids:array'
	printf '%s\n' "$output" | grep -qx 'actor,100,Ann,"{2,10,12}"'
	printf '%s\n' "$output" | grep -qx 'actor,101,Bob,{3}'
	printf '%s\n' "$output" | grep -qx 'actor,102,Cy,"{""x y""}"'
	[ "$(grep -c ',100$' x.csv)" -eq 3 ]
	# an array column: loaded into PostgreSQL's text[], compared exactly by mig-verify
	require_servers
	printf '%s\n' "$output" > out.mig
	db=$(test_db)
	pg_newdb "$db"
	pgq "$db" "CREATE TABLE actor (id int PRIMARY KEY, name text, legacy_ids text[] NOT NULL)"
	run --separate-stderr -0 mig-load -q "$(pg_url "$db")" out.mig
	[ "$(pgq "$db" "SELECT legacy_ids[2] || ' ' || cardinality(legacy_ids) FROM actor WHERE id = 100")" = "10 3" ]
	[ "$(pgq "$db" "SELECT legacy_ids[1] FROM actor WHERE id = 102")" = "x y" ]
	run --separate-stderr -0 mig-verify -q -t "$(pg_url "$db")" stream out.mig actor
}

@test "a link table deduplicated after rewiring, in one pass, without a key" {
	printf '%s\n' '@actor,id:int,name:text' 'actor,1,Ann' 'actor,2,Ann' 'actor,3,Bob' \
		'@film_actor,film_id:int,actor_id:int' 'film_actor,10,1' 'film_actor,10,2' \
		'film_actor,10,3' 'film_actor,11,2' > in
	run --separate-stderr -0 mig-rekey -k actor.id=seq -d 'actor on (name)' \
		-r film_actor.actor_id=actor -d 'film_actor on (*)' in
	printf '%s\n' "$output" > out
	[ "$(grep -c '^film_actor,' out)" -eq 3 ]
	grep -qx 'film_actor,10,1' out && grep -qx 'film_actor,10,2' out && grep -qx 'film_actor,11,1' out
	grep -qx '#!stats mig-rekey film_actor in=4 out=3 dropped=1 rejected=0 deduped=1' out
	# named columns: one row per film
	run --separate-stderr -0 mig-rekey -d 'film_actor on (film_id)' in
	[ "$(printf '%s\n' "$output" | grep -c '^film_actor,')" -eq 2 ]
}

@test "a phone duplicate set to NULL and recorded in the audit" {
	printf '%s\n' '@user,id:int,phone:text,email:text' 'user,1,+15125550123,a@x.org' \
		'user,2,+15125550123,a@x.org' 'user,3,,b@x.org' > in
	run --separate-stderr -0 mig-rekey -k user.id=seq -a audit.csv \
		-u 'user.phone null' -u 'user.email suffix:%l+dup%n@%d' in
	printf '%s\n' "$output" | grep -qx 'user,2,,a+dup2@x.org'
	printf '%s\n' "$output" | grep -q '^#!stats mig-rekey user in=3 out=3 .*nulled=1'
	printf '%s\n' tag,row,key,column,old,new 'user,2,2,phone,+15125550123,' \
		'user,2,2,email,a@x.org,a+dup2@x.org' > expect
	assert_same expect audit.csv
}

@test "unique reject and error; a bad format is a usage error" {
	printf '%s\n' '@user,id:int,phone:text' 'user,1,+1512' 'user,2,+1512' 'user,3,+1999' > in
	run --separate-stderr -0 mig-rekey -u 'user.phone reject' --reject rj in
	printf '%s\n' "$output" | grep -q '^#!stats mig-rekey user in=3 out=2 dropped=0 rejected=1'
	grep -q "duplicate value in unique column 'phone'" rj
	run --separate-stderr -1 mig-rekey -u 'user.phone error' in
	[ "$stderr" = "mig-rekey: in:3: user: duplicate value in unique column 'phone'" ]
	run --separate-stderr -2 mig-rekey -u 'user.phone suffix:%v' in
	[[ $stderr == *"has no %n"* ]]
	run --separate-stderr -2 mig-rekey -u 'user.phone null suffix:%n sideways' in
	[[ $stderr == *"unknown option 'sideways'"* ]]
}

@test "who keeps a unique value: first, last, or by tag; no suffix lands on a kept value" {
	printf '%s\n' '@teacher,id:int,email:text' 'teacher,1,a@x.org' 'teacher,2,b@x.org' \
		'@parent,id:int,email:text' 'parent,1,a@x.org' 'parent,2,a+2@x.org' 'parent,3,b@x.org' > in
	# first (streaming): the teacher keeps a@x.org, parent 1 takes a+2 before
	# parent 2's own a+2 comes, which then becomes a duplicate in its turn
	run --separate-stderr -0 mig-rekey -u 'teacher.email,parent.email' in
	printf '%s\n' "$output" | grep -qx 'teacher,1,a@x.org'
	printf '%s\n' "$output" | grep -qx 'parent,1,a+2@x.org'
	printf '%s\n' "$output" | grep -qx 'parent,2,a+2+2@x.org'
	# last: the parents keep theirs; the teacher's suffix skips the kept a+2
	run --separate-stderr -0 mig-rekey -a audit.csv -u 'teacher.email,parent.email keep:last' in
	printf '%s\n' "$output" > out
	grep -qx 'teacher,1,a+3@x.org' out && grep -qx 'teacher,2,b+2@x.org' out
	grep -qx 'parent,1,a@x.org' out && grep -qx 'parent,2,a+2@x.org' out && grep -qx 'parent,3,b@x.org' out
	grep -qx '#!stats mig-rekey teacher in=2 out=2 dropped=0 rejected=0 suffixed=2' out
	[ "$(tail -n +2 audit.csv | wc -l)" -eq 2 ]
	# by tag, with null: the parent's wins although the teacher came first
	run --separate-stderr -0 mig-rekey -u 'teacher.email,parent.email null keep:tags:parent,teacher' in
	printf '%s\n' "$output" | grep -qx 'teacher,1,'
	printf '%s\n' "$output" | grep -qx 'parent,1,a@x.org'
	# a value the target already holds is nobody's: every record of it is a duplicate
	printf '%s\n' '@u,email:text' 'u,b@x.org' > seed.stream
	run --separate-stderr -0 mig-rekey -u 'teacher.email,parent.email keep:last seed:seed.stream' in
	printf '%s\n' "$output" | grep -qx 'teacher,2,b+2@x.org'
	printf '%s\n' "$output" | grep -qx 'parent,3,b+3@x.org'
	# keep:tags must name every tag of the rule
	run --separate-stderr -2 mig-rekey -u 'teacher.email,parent.email keep:tags:parent' in
	[ "$stderr" = "mig-rekey: rule 'unique teacher.email,parent.email keep:tags:parent': keep:tags does not name 'teacher'" ]
}

@test "a uniqueness set seeded from a file" {
	printf '%s\n' '@u,email:text' 'u,admin@school.org' > seed.stream
	printf '%s\n' '@user,id:int,email:text' 'user,1,admin@school.org' 'user,2,b@school.org' > in
	run --separate-stderr -0 mig-rekey -u 'user.email seed:seed.stream' in
	printf '%s\n' "$output" | grep -qx 'user,1,admin+2@school.org'
	printf '%s\n' "$output" | grep -qx 'user,2,b@school.org'
}

seeded_from() {
	local url=$1
	printf '%s\n' '@user,id:int,email:text' 'user,1,admin@school.org' 'user,2,b@school.org' \
		'user,3,Teacher@school.org' > in
	run --separate-stderr -0 mig-rekey -a audit.csv \
		--unique-nocase "user.email seed-db:users.email=$url" in
	printf '%s\n' "$output" | grep -qx 'user,1,admin+2@school.org'
	printf '%s\n' "$output" | grep -qx 'user,2,b@school.org'
	printf '%s\n' "$output" | grep -qx 'user,3,Teacher@school.org'
	grep -qx 'user,1,1,email,admin@school.org,admin+2@school.org' audit.csv
}

@test "a uniqueness set seeded from rows already in a PostgreSQL target" {
	require_servers
	local db; db=$(test_db)
	pg_newdb "$db"
	pgq "$db" "CREATE TABLE users (id int PRIMARY KEY, email text UNIQUE); INSERT INTO users VALUES (1, 'admin@school.org'), (2, NULL)"
	seeded_from "$(pg_url "$db")"
}

@test "a uniqueness set seeded from rows already in a MariaDB target" {
	require_servers
	local db; db=$(test_db)
	my_newdb "$db"
	myq "$db" "CREATE TABLE users (id int PRIMARY KEY, email varchar(100) UNIQUE); INSERT INTO users VALUES (1, 'admin@school.org'), (2, NULL)"
	seeded_from "$(my_url "$db")"
}
