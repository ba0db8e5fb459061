#!/usr/bin/env bats
# mig-split: rule forms, routes, fan-out, unmatched policies, the ledger.
load lib-common

D="$DATA/split"

# Every mig-split stats line must balance: in = out + dropped + rejected.
assert_ledger() {
	awk '$1 == "#!stats" && $2 == "mig-split" {
		for (i = 4; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		if (v["in"] != v["out"] + v["dropped"] + v["rejected"]) { print "unbalanced: " $0; bad = 1 }
		n++
	} END { if (!n) { print "no stats line"; bad = 1 } exit bad }' "$1"
}

@test "split: -f rules file, --unmatched drop" {
	mig-split -f "$D/routes.rules" --unmatched drop <"$D/users.csv" >"$BATS_TEST_TMPDIR/out"
	assert_same "$D/routes-drop.out" "$BATS_TEST_TMPDIR/out"
	assert_ledger "$BATS_TEST_TMPDIR/out"
}

@test "split: --unmatched pass keeps the record under its own tag" {
	mig-split -f "$D/routes.rules" --unmatched pass <"$D/users.csv" >"$BATS_TEST_TMPDIR/out"
	assert_same "$D/routes-pass.out" "$BATS_TEST_TMPDIR/out"
	assert_ledger "$BATS_TEST_TMPDIR/out"
}

@test "split: --unmatched TAG routes leftovers to a tag" {
	mig-split -f "$D/routes.rules" --unmatched ghosts <"$D/users.csv" >"$BATS_TEST_TMPDIR/out"
	assert_same "$D/routes-tag.out" "$BATS_TEST_TMPDIR/out"
	assert_ledger "$BATS_TEST_TMPDIR/out"
}

@test "split: unmatched record is an error naming tag:row, value only with --show-values" {
	run -1 --separate-stderr mig-split -f "$D/routes.rules" <"$D/users.csv"
	[ "$stderr" = "mig-split: users:6: record matched no route" ]
	run -1 --separate-stderr mig-split -f "$D/routes.rules" --show-values <"$D/users.csv"
	[ "$stderr" = "mig-split: users:6: record matched no route (role='GHOST')" ]
}

@test "split: --unmatched reject writes the shared reject form" {
	run -0 --separate-stderr mig-split -f "$D/routes.rules" --unmatched reject \
		--reject "$BATS_TEST_TMPDIR/rj" <"$D/users.csv"
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/out"
	assert_ledger "$BATS_TEST_TMPDIR/out"
	grep -qx '#!stats mig-split users in=6 out=5 dropped=0 rejected=1 to:users=3 to:patients=2' "$BATS_TEST_TMPDIR/out"
	cat >"$BATS_TEST_TMPDIR/want" <<'EOF'
#!mig-stream 1
@users,id:int,role:text,full_name:text,email:text,score:numeric,_mig_stage:text,_mig_where:text,_mig_reason:text
users,6,GHOST,Fa Wu,fa@example.net,12345678901234567890.1,mig-split,users:6,record matched no route
EOF
	assert_same "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/rj"
	[ "$(stat -c %a "$BATS_TEST_TMPDIR/rj")" = 600 ]
	# The rejects file feeds back in: the _mig_ columns are hidden.
	mig-split 'users -> ghosts' <"$BATS_TEST_TMPDIR/rj" | grep -qx 'ghosts,6,GHOST,Fa Wu,fa@example.net,12345678901234567890.1'
}

@test "split: more rejects than --max-rejects stops the run" {
	run -1 --separate-stderr mig-split -f "$D/routes.rules" --unmatched reject \
		--reject "$BATS_TEST_TMPDIR/rj" --max-rejects 0 <"$D/users.csv"
	[ "$stderr" = "mig-split: users:6: record matched no route, and that is more than 0 rejects" ]
}

@test "split: every predicate form" {
	while IFS='|' read -r pred want; do
		got=$(mig-split --unmatched drop "users where $pred" <"$D/users.csv" |
			awk -F, '$1 == "users" { printf "%s ", $2 }')
		if [ "$got" != "$want" ]; then
			echo "predicate [$pred]: got [$got], want [$want]"
			return 1
		fi
	done <<'EOF'
score > 10|1 3 6 
score >= 10.50|1 3 6 
score < 9|5 
score <= 9|2 5 
score != 9|1 3 5 6 
score <> 9|1 3 5 6 
score = 12345678901234567890.1|6 
score = 9.000|2 
score > 99999999999999999999|
role = PATIENT|2 4 
role = 'SUPER_ADMIN'|5 
role == "NURSE"|3 
email is null|2 
email is not null|1 3 4 5 6 
email = ''|3 
email < 'd'|1 3 
full_name ~ '^[A-D]'|1 3 4 
full_name ~* '^a'|1 
full_name !~ 'e'|4 6 
full_name !~* 'E'|4 6 
role in (DOCTOR, 'NURSE')|1 3 
role not in (PATIENT, GHOST)|1 3 5 
score in (9, 100)|2 3 
not (role = PATIENT or score > 10)|5 
role = PATIENT and not email is null|4 
role = PATIENT or role = GHOST and score > 0|2 4 6 
(role = PATIENT or role = GHOST) and score > 0|2 6 
NOT score > 0|5 
true|1 2 3 4 5 6 
false|
EOF
}

@test "split: NULL makes a comparison unknown, and not unknown is still unknown" {
	# Row 4 has a NULL score: neither score > 0 nor not (score > 0) selects it.
	mig-split --unmatched drop 'users where not (score > 0)' <"$D/users.csv" >"$BATS_TEST_TMPDIR/out"
	run -1 grep -c '^users,4,' "$BATS_TEST_TMPDIR/out"
	[ "$output" = 0 ]
}

@test "split: fan-out with per-route projection and rename" {
	mig-split 'teachers -> User(id, name, email)' \
		'teachers -> UserRole(id as user_id, school_id) where school_id is not null' \
		'parents -> User(id, name, email)' <"$D/teachers.csv" >"$BATS_TEST_TMPDIR/out"
	assert_same "$D/fanout.out" "$BATS_TEST_TMPDIR/out"
	assert_ledger "$BATS_TEST_TMPDIR/out"
}

@test "split: merging two tags is a rename of both" {
	mig-split 'sessions -> session; training_sessions -> session' <"$D/sessions.csv" >"$BATS_TEST_TMPDIR/out"
	assert_same "$D/merge.out" "$BATS_TEST_TMPDIR/out"
}

@test "split: tags without a route, comments and upstream stats pass through" {
	mig-split --unmatched drop 'users where false' <"$D/users.csv" >"$BATS_TEST_TMPDIR/out"
	grep -qx 'clinics,1,North' "$BATS_TEST_TMPDIR/out"
	grep -qx '# v1 users, one table for staff and patients' "$BATS_TEST_TMPDIR/out"
	grep -qx '#!stats mig-extract users in=6 out=6 dropped=0 rejected=0' "$BATS_TEST_TMPDIR/out"
	grep -qx '#!stats mig-split users in=6 out=0 dropped=6 rejected=0 to:users=0' "$BATS_TEST_TMPDIR/out"
	# The routed tag's header is announced even when no record matched.
	grep -qx '@users,id:int,role:text,full_name:text,email:text,score:numeric' "$BATS_TEST_TMPDIR/out"
}

@test "split: NDJSON in and out" {
	mig-split -F ndjson -f "$D/routes.rules" --unmatched drop <"$D/users.csv" >"$BATS_TEST_TMPDIR/nd"
	grep -q '"type":"RECORD","stream":"patients"' "$BATS_TEST_TMPDIR/nd"
	mig-split <"$BATS_TEST_TMPDIR/nd" | grep -v '^#!stats mig-split' >"$BATS_TEST_TMPDIR/back"
	grep -v '^#!stats mig-split' "$D/routes-drop.out" >"$BATS_TEST_TMPDIR/want"
	# Stats lines of the first run come back as upstream lines.
	grep -v '^#!stats' "$BATS_TEST_TMPDIR/back" >"$BATS_TEST_TMPDIR/b2"
	grep -v '^#!stats' "$BATS_TEST_TMPDIR/want" >"$BATS_TEST_TMPDIR/w2"
	assert_same "$BATS_TEST_TMPDIR/w2" "$BATS_TEST_TMPDIR/b2"
}

@test "split: -v prints per-route counts on stderr" {
	run -0 --separate-stderr mig-split -v -f "$D/routes.rules" --unmatched drop <"$D/users.csv"
	cat >"$BATS_TEST_TMPDIR/want" <<EOF
mig-split: users -> users: 3 ($D/routes.rules:2)
mig-split: users -> patients: 2 ($D/routes.rules:3)
mig-split: users: 6 in, 1 unmatched
EOF
	printf '%s\n' "$stderr" >"$BATS_TEST_TMPDIR/err"
	assert_same "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/err"
}

@test "split: rule errors are usage errors naming the rule and column" {
	while IFS='|' read -r rule msg; do
		run -2 --separate-stderr mig-split "$rule" </dev/null
		if [ "$stderr" != "mig-split: $msg" ]; then
			echo "rule [$rule]: got [$stderr], want [mig-split: $msg]"
			return 1
		fi
	done <<'EOF'
users where role in (A, B|rule 1:26: expected ',' or ')' in the list, found 'end of rule'
users where role ~ '('|rule 1:20: bad regular expression: Unmatched ( or \(
users -> (x)|rule 1:10: expected a tag after '->', found '('
users where|rule 1:12: expected a value, a column or a function, found 'end of rule'
users where role = 'x|rule 1:20: unterminated string
users wher role = 1|rule 1:7: expected 'where', '->' or the end of the rule, found 'wher'
users where role === 1|rule 1:20: expected a value, a column or a function, found '='
users -> p(id,) where true|rule 1:15: expected a column name, found ')'
users -> p(id, x as id)|rule 1:23: column 'id' twice in the projection
users where role is nul|rule 1:21: expected 'null' after 'is', found 'nul'
users where role not like 1|rule 1:22: expected 'in' after 'not', found 'like'
users where role|rule 1:17: expected an operator after 'role', found 'end of rule'
EOF
}

@test "split: a rules file error names file:line:column" {
	printf '# comment\nusers where true\n\nusers -> x where (role = 1\n' >"$BATS_TEST_TMPDIR/r"
	run -2 --separate-stderr mig-split -f "$BATS_TEST_TMPDIR/r" </dev/null
	[ "$stderr" = "mig-split: $BATS_TEST_TMPDIR/r:4:27: expected ')', found 'end of rule'" ]
	run -2 --separate-stderr mig-split -f "$BATS_TEST_TMPDIR/nothere" </dev/null
	[ "$stderr" = "mig-split: $BATS_TEST_TMPDIR/nothere: cannot open: No such file or directory" ]
}

@test "split: columns are checked when the header arrives" {
	run -2 --separate-stderr mig-split 'users where rol = 1' <"$D/users.csv"
	[ "$stderr" = "mig-split: <stdin>:3: tag 'users': unknown column 'rol' (did you mean 'role'?) (rule 1)" ]
	run -2 --separate-stderr mig-split 'users -> p(id, nme)' <"$D/users.csv"
	[ "$stderr" = "mig-split: <stdin>:3: tag 'users': unknown column 'nme' (rule 1)" ]
	run -2 --separate-stderr mig-split 'users where score > abc' <"$D/users.csv"
	[ "$stderr" = "mig-split: <stdin>:3: tag 'users': 'abc' is not a number, for numeric column 'score' (rule 1)" ]
}

@test "split: bad input is a data error" {
	printf '@t,a\nt,1,2\n' >"$BATS_TEST_TMPDIR/in"
	run -1 --separate-stderr mig-split 't where a = 1' <"$BATS_TEST_TMPDIR/in"
	[[ "$stderr" == "mig-split: <stdin>:2: "* ]]
}

@test "split: options" {
	run -0 mig-split -h
	[[ "$output" == usage:* ]]
	run -2 mig-split --bogus
	run -2 --separate-stderr mig-split --unmatched reject 't where true' </dev/null
	[ "$stderr" = "mig-split: --unmatched reject needs --reject FILE" ]
	run -2 mig-split --max-rejects x 't where true' </dev/null
	run -0 mig-split --version
	run -2 mig-split --format xml </dev/null
	run -2 mig-split --unmatched ',' </dev/null
}

@test "split: writing to a full disk fails with exit 2" {
	run -2 --separate-stderr sh -c "mig-split 'users -> x' <'$D/users.csv' >/dev/full"
	[[ "$stderr" == *"<stdout>"* ]]
}

@test "split: seed 001, 1000 v1 users to staff users and patients" {
	awk 'BEGIN {
		print "@users,id:int,role:text,full_name:text,email:text"
		split("DOCTOR NURSE ADMIN SECRETARY SUPER_ADMIN PATIENT PATIENT PATIENT", roles, " ")
		for (i = 1; i <= 1000; i++) printf "users,%d,%s,Name %d,u%d@example.org\n", i, roles[i % 8 + 1], i, i
	}' >"$BATS_TEST_TMPDIR/in"
	mig-split 'users where role in (DOCTOR, NURSE, ADMIN, SECRETARY, SUPER_ADMIN)' \
		'users -> patients(id as legacy_user_id, full_name, email) where role = PATIENT' \
		<"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out"
	[ "$(grep -c '^users,' "$BATS_TEST_TMPDIR/out")" = 625 ]
	[ "$(grep -c '^patients,' "$BATS_TEST_TMPDIR/out")" = 375 ]
	grep -qx '#!stats mig-split users in=1000 out=1000 dropped=0 rejected=0 to:users=625 to:patients=375' "$BATS_TEST_TMPDIR/out"
	assert_ledger "$BATS_TEST_TMPDIR/out"
}

@test "split: the unmatched-tag example of mig-split(1)" {
	printf '@orders,id:int,status,total:numeric\norders,1,PAID,10\norders,2,open,5\norders,3,paid,0\norders,4,void,1\n' >"$BATS_TEST_TMPDIR/in"
	mig-split --unmatched odd_orders \
		"orders -> paid where status ~* '^(paid|settled)$' and total > 0" \
		'orders -> open where status = open' <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out"
	cat >"$BATS_TEST_TMPDIR/want" <<'EOF'
#!mig-stream 1
@paid,id:int,status,total:numeric
@open,id:int,status,total:numeric
@odd_orders,id:int,status,total:numeric
paid,1,PAID,10
open,2,open,5
odd_orders,3,paid,0
odd_orders,4,void,1
#!stats mig-split orders in=4 out=4 dropped=0 rejected=0 to:paid=1 to:open=1 to:odd_orders=2
EOF
	assert_same "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/out"
}

@test "split: a header that changes mid-stream is bound again" {
	printf '@users,id:int,role\nusers,1,A\n@users,id:int,extra,role\nusers,2,x,B\nusers,3,y,A\n' >"$BATS_TEST_TMPDIR/in"
	mig-split --unmatched pass 'users -> a(id, role) where role = A' "$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out"
	cat >"$BATS_TEST_TMPDIR/want" <<'EOF'
#!mig-stream 1
@a,id:int,role
a,1,A
@users,id:int,extra,role
users,2,x,B
a,3,A
#!stats mig-split users in=3 out=3 dropped=0 rejected=0 to:a=2 to:users=1
EOF
	assert_same "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/out"
	# The new header must still have the predicate's column.
	printf '@users,id:int,role\nusers,1,A\n@users,id:int\nusers,2\n' >"$BATS_TEST_TMPDIR/in2"
	run -2 --separate-stderr mig-split 'users where role = A' "$BATS_TEST_TMPDIR/in2"
	[ "$stderr" = "mig-split: $BATS_TEST_TMPDIR/in2:3: tag 'users': unknown column 'role' (rule 1)" ]
}

@test "split: a count hint follows a tag whose records leave under one other tag only" {
	printf '%s\n' '#!mig-stream 1' '#!count users 3' '@users,id:int,role:text' 'users,1,PATIENT' 'users,2,DOCTOR' \
		'users,3,PATIENT' >"$BATS_TEST_TMPDIR/in"
	mig-split -q --unmatched drop "users -> patients (id) where role = 'PATIENT'" <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out"
	grep -qx '#!count patients 3' "$BATS_TEST_TMPDIR/out"
	! grep -q '^#!count users' "$BATS_TEST_TMPDIR/out"
	# fan-out to two tags, or unmatched passed on: the hint stays
	mig-split -q --unmatched drop "users -> patients (id) where role = 'PATIENT'" \
		"users -> staff (id) where role <> 'PATIENT'" <"$BATS_TEST_TMPDIR/in" | grep -qx '#!count users 3'
	mig-split -q --unmatched pass "users -> patients (id) where role = 'PATIENT'" <"$BATS_TEST_TMPDIR/in" |
		grep -qx '#!count users 3'
	mig-split -q --unmatched staff "users -> patients (id) where role = 'PATIENT'" <"$BATS_TEST_TMPDIR/in" |
		grep -qx '#!count users 3'
}
