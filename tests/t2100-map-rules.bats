#!/usr/bin/env bats
# mig-map: rule forms, error policies, passwords, the ledger.
load lib-common

D="$DATA/map"

assert_ledger() {
	awk '$1 == "#!stats" && $2 == "mig-map" {
		for (i = 4; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		if (v["in"] != v["out"] + v["dropped"] + v["rejected"]) { print "unbalanced: " $0; bad = 1 }
		n++
	} END { if (!n) { print "no stats line"; bad = 1 } exit bad }' "$1"
}

@test "map: a rules file using every rule form and most functions" {
	cd "$D"
	mig-map -f people.rules <people.csv >"$BATS_TEST_TMPDIR/out"
	assert_same "$D/people.out" "$BATS_TEST_TMPDIR/out"
	assert_ledger "$BATS_TEST_TMPDIR/out"
}

@test "map: no rules is the identity, and --format ndjson converts" {
	mig-map <"$D/people.csv" | grep -v '^#!stats' >"$BATS_TEST_TMPDIR/same"
	assert_same "$D/people.csv" "$BATS_TEST_TMPDIR/same"
	mig-map -F ndjson <"$D/people.csv" >"$BATS_TEST_TMPDIR/nd"
	grep -q '^{"type":"SCHEMA","stream":"Teacher"' "$BATS_TEST_TMPDIR/nd"
	mig-map <"$BATS_TEST_TMPDIR/nd" | grep -v '^#!stats' >"$BATS_TEST_TMPDIR/back"
	assert_same "$D/people.csv" "$BATS_TEST_TMPDIR/back"
}

@test "map: rename, drop, keep, add, constants and tag rename" {
	printf '@t,a:int,b:text,c:text\nt,1,x,y\nt,2,,""\n@u,z\nu,9\n' >"$BATS_TEST_TMPDIR/in"
	mig-map -e 't.b -> bee' -e 'drop t.c' -e 't.k:numeric = 1.50' -e 't.n = null' -e "t.s = 'it''s'" \
		-e 't.f = false' -e 't.i = -7' -e 't.copy = a' -e 'keep t.copy, bee, k, n, s, f, i' -e 't -> T' \
		<"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out"
	cat >"$BATS_TEST_TMPDIR/want" <<'EOF'
#!mig-stream 1
@T,copy:int,bee:text,k:numeric,n:text,s:text,f:bool,i:int
T,1,x,1.50,,it's,f,-7
T,2,,1.50,,it's,f,-7
@u,z
u,9
#!stats mig-map t in=2 out=2 dropped=0 rejected=0 to:T=2
#!stats mig-map u in=1 out=1 dropped=0 rejected=0
EOF
	assert_same "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/out"
}

@test "map: rules apply in order, each seeing the columns as earlier rules left them" {
	printf '@t,a\nt,  Mixed Case  \n' >"$BATS_TEST_TMPDIR/in"
	run -0 --separate-stderr mig-map -e 't.a = trim(a)' -e 't.b = upper(a)' -e 't.a = lower(a)' -e 't.a -> c' \
		-e "t.a = concat(b, '/', c)" <"$BATS_TEST_TMPDIR/in"
	[ "${lines[1]}" = '@t,c,b,a:text' ]
	[ "${lines[2]}" = 't,mixed case,MIXED CASE,MIXED CASE/mixed case' ]
}

@test "map: merging tags by renaming both" {
	printf '@sessions,id:int\nsessions,1\n@training_sessions,id:int\ntraining_sessions,2\n' >"$BATS_TEST_TMPDIR/in"
	run -0 mig-map 'sessions -> session; training_sessions -> session' <"$BATS_TEST_TMPDIR/in"
	[ "${lines[1]}" = '@session,id:int' ]
	[ "${lines[2]}" = 'session,1' ]
	[ "${lines[3]}" = 'session,2' ]
	[ "${lines[4]}" = '#!stats mig-map sessions in=1 out=1 dropped=0 rejected=0 to:session=1' ]
}

@test "map: a value that cannot be converted stops the run by default" {
	run -1 --separate-stderr mig-map -e 'contacts.phone = phone(phone, US)' -e 'contacts.joined = date(joined)' <"$D/dirty.csv"
	[ "$stderr" = "mig-map: contacts:2: column 'phone': phone(): not a phone number (letters or symbols)" ]
	run -1 --separate-stderr mig-map 'contacts.phone = phone(phone, US)' --show-values <"$D/dirty.csv"
	[ "$stderr" = "mig-map: contacts:2: column 'phone': phone(): not a phone number (letters or symbols) ('call me')" ]
}

@test "map: --on-error null counts the nulled values per column, never shows them" {
	run -0 --separate-stderr mig-map --on-error null -e 'contacts.phone = phone(phone, US)' -e 'contacts.joined = date(joined)' <"$D/dirty.csv"
	[ "${lines[3]}" = 'contacts,2,,' ]
	[ "${lines[5]}" = '#!stats mig-map contacts in=3 out=3 dropped=0 rejected=0 nulled:phone=1 nulled:joined=1' ]
	printf '%s\n' "mig-map: contacts: column 'phone': 1 values nulled (--on-error null)" \
		"mig-map: contacts: column 'joined': 1 values nulled (--on-error null)" >"$BATS_TEST_TMPDIR/expect"
	printf '%s\n' "$stderr" >"$BATS_TEST_TMPDIR/actual"
	diff -u "$BATS_TEST_TMPDIR/expect" "$BATS_TEST_TMPDIR/actual"
	[[ "$stderr" != *"call me"* ]]
}

@test "map: --on-error reject writes the record as it came in" {
	mig-map --on-error reject --reject "$BATS_TEST_TMPDIR/rj" 'contacts.phone = phone(phone, US)' \
		'contacts.joined = date(joined)' <"$D/dirty.csv" >"$BATS_TEST_TMPDIR/out"
	assert_ledger "$BATS_TEST_TMPDIR/out"
	grep -qx '#!stats mig-map contacts in=3 out=2 dropped=0 rejected=1' "$BATS_TEST_TMPDIR/out"
	cat >"$BATS_TEST_TMPDIR/want" <<'EOF'
#!mig-stream 1
@contacts,id:int,phone:text,joined:text,_mig_stage:text,_mig_where:text,_mig_reason:text
contacts,2,call me,2024-13-01,mig-map,contacts:2,column 'phone': phone(): not a phone number (letters or symbols)
EOF
	assert_same "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/rj"
	run -1 --separate-stderr mig-map --on-error reject --reject "$BATS_TEST_TMPDIR/rj" --max-rejects 0 \
		'contacts.phone = phone(phone, US)' <"$D/dirty.csv"
	[ "$stderr" = "mig-map: contacts:2: column 'phone': phone(): not a phone number (letters or symbols), and that is more than 0 rejects" ]
}

@test "map: password() stores a bcrypt hash, the plain text only in a 0600 file" {
	printf '@u,id:int,name\nu,1,a\nu,2,b\n' >"$BATS_TEST_TMPDIR/in"
	run -0 --separate-stderr mig-map --passwords "$BATS_TEST_TMPDIR/pw" --bcrypt-cost 4 \
		'u.password = password(id)' <"$BATS_TEST_TMPDIR/in"
	[ -z "$stderr" ]
	[ "$(stat -c %a "$BATS_TEST_TMPDIR/pw")" = 600 ]
	[ "$(sed -n 1p "$BATS_TEST_TMPDIR/pw")" = 'tag,key,password' ]
	[ "$(wc -l <"$BATS_TEST_TMPDIR/pw")" = 3 ]
	# Each plain password is 16 characters and appears nowhere in the stream.
	while IFS=, read -r tag key pw; do
		[ "$tag" = tag ] && continue
		[ "${#pw}" = 16 ]
		! printf '%s\n' "$output" | grep -qF "$pw"
		hash=$(printf '%s\n' "$output" | awk -F, -v k="$key" '$1 == "u" && $2 == k { print $4 }')
		[[ "$hash" == '$2b$04$'* ]]
		# The hash verifies against the plain password.
		python3 -c 'import crypt, sys; sys.exit(crypt.crypt(sys.argv[1], sys.argv[2]) != sys.argv[2])' "$pw" "$hash" 2>/dev/null ||
			perl -e 'exit(crypt($ARGV[0], $ARGV[1]) ne $ARGV[1])' "$pw" "$hash"
	done <"$BATS_TEST_TMPDIR/pw"
	# An existing file is made private too.
	chmod 644 "$BATS_TEST_TMPDIR/pw"
	mig-map --passwords "$BATS_TEST_TMPDIR/pw" --bcrypt-cost 4 'u.p = password(id)' <"$BATS_TEST_TMPDIR/in" >/dev/null
	[ "$(stat -c %a "$BATS_TEST_TMPDIR/pw")" = 600 ]
}

@test "map: rule errors are usage errors naming the rule and column" {
	while IFS='|' read -r rule msg; do
		run -2 --separate-stderr mig-map "$rule" </dev/null
		if [ "$stderr" != "mig-map: $msg" ]; then
			echo "rule [$rule]: got [$stderr], want [mig-map: $msg]"
			return 1
		fi
	done <<'EOF'
t.a = lower(b|rule 1:14: expected ',' or ')' after an argument of lower(), found 'end of rule'
t.a = frob(b)|rule 1:7: unknown function 'frob' (mig-map --functions lists them)
t.a = lower(b, c)|rule 1:7: lower() takes 1 argument
t.a = coalesce()|rule 1:7: coalesce() takes at least 1 argument
t.a = split_name(b, second)|rule 1:21: split_name(): part must be first, middle, last or given
t.a = phone(b, 'XX')|rule 1:16: phone(): unknown country 'XX' (see mig-map(1))
t.a = date(b, ymd)|rule 1:15: date(): format must be iso, dmy, mdy, unix or month
t.a = date(b, lower(c))|rule 1:15: date(): argument 2 must be a constant format
t.a = timestamptz(b, Mars/Base)|rule 1:22: timestamptz(): unknown time zone 'Mars/Base'
t.a = timestamptz(b, '../etc/passwd')|rule 1:22: timestamptz(): unknown time zone '../etc/passwd'
t.a = money(b, ';')|rule 1:16: money(): decimal separator must be '.', ',' or 'auto'
t.a = uuid5(foo, b)|rule 1:13: uuid5(): namespace must be dns, url, oid, x500 or a UUID
t.a = email_from('{x')|rule 1:18: email_from(): '{' without a column name and '}'
t.a = email_from('nobody')|rule 1:18: email_from(): the pattern has no '@'
t.a = password(b)|rule 1:7: password() needs --passwords FILE for the plain passwords
t.a = lookup(b, nothere.csv)|rule 1:17: cannot open lookup file 'nothere.csv': No such file or directory
t.a:blob = b|rule 1:5: expected a type name after ':', found 'blob'
t.a|rule 1:4: expected '=' or '->' after 't.a', found 'end of rule'
t.a = 12abc|rule 1:7: '12abc' is not a number (quote text: '...')
t -> |rule 1:6: expected a new name after '->', found 'end of rule'
t|rule 1:2: expected '->' after a tag, or TAG.COLUMN = ..., found 'end of rule'
drop t|rule 1:7: expected TAG.COLUMN after 'drop'
t.a = 'x' junk|rule 1:11: expected the end of the rule, found 'junk'
t.a = 'x|rule 1:7: unterminated string
t.a:int = 'abc'|rule 1:11: 'abc' is not a valid int
t.a:int = 1.5|rule 1:11: '1.5' is not a valid int
t.a:bool = 'yes'|rule 1:12: 'yes' is not a valid bool
t.a:uuid = 'x'|rule 1:12: 'x' is not a valid uuid
t.a:json = '{a'|rule 1:12: '{a' is not a valid json
EOF
}

@test "map: a rules file error names file:line:column" {
	printf '# comment\nt.a = trim(a)\n\n  t.b = upper(a, 1)\n' >"$BATS_TEST_TMPDIR/r"
	run -2 --separate-stderr mig-map -f "$BATS_TEST_TMPDIR/r" </dev/null
	[ "$stderr" = "mig-map: $BATS_TEST_TMPDIR/r:4:9: upper() takes 1 argument" ]
}

@test "map: columns are checked when the header arrives" {
	while IFS='|' read -r rule msg; do
		run -2 --separate-stderr mig-map "$rule" <"$D/dirty.csv"
		if [ "$stderr" != "mig-map: <stdin>:1: tag 'contacts': $msg (rule 1)" ]; then
			echo "rule [$rule]: got [$stderr]"
			return 1
		fi
	done <<'EOF'
contacts.x = lower(phon)|unknown column 'phon' (did you mean 'phone'?)
contacts.phon -> p|unknown column 'phon'
drop contacts.id, nope|unknown column 'nope'
keep contacts.id, id|column 'id' kept twice
contacts.id -> phone|column 'phone' exists already
contacts.e = email_from('{who}@x.org')|unknown column 'who' in the email pattern
EOF
}

@test "map: lookup files" {
	printf 'k,v\na,1\nb,\n"c, d","2"\n' >"$BATS_TEST_TMPDIR/lk.csv"
	printf '@t,k\nt,a\nt,b\nt,"c, d"\nt,zz\nt,\n' >"$BATS_TEST_TMPDIR/in"
	cd "$BATS_TEST_TMPDIR"
	run -0 mig-map 't.v = lookup(k, lk.csv, k)' <in
	[ "${lines[2]}" = 't,a,1' ]
	[ "${lines[3]}" = 't,b,' ]
	[ "${lines[4]}" = 't,"c, d",2' ]
	[ "${lines[5]}" = 't,zz,zz' ]
	[ "${lines[6]}" = 't,,' ]
	run -1 --separate-stderr mig-map 't.v = lookup(k, lk.csv)' <in
	[ "$stderr" = "mig-map: t:4: column 'v': lookup(): no entry in the lookup table" ]
	# ilookup compares keys trimmed, with runs of spaces collapsed, in lower case.
	printf '@t,k\nt,"  C,   D "\nt,A\n' >in2
	run -0 mig-map 't.v = ilookup(k, lk.csv)' <in2
	[ "${lines[2]}" = 't,"  C,   D ",2' ]
	[ "${lines[3]}" = 't,A,1' ]
	printf 'k,v\nx,1\nx,2\n' >dup.csv
	run -2 --separate-stderr mig-map 't.v = lookup(k, dup.csv)' <in
	[ "$stderr" = "mig-map: rule 1:17: dup.csv:3: key 'x' appears twice with different values" ]
	printf 'k,v\nx\n' >short.csv
	run -2 --separate-stderr mig-map 't.v = lookup(k, short.csv)' <in
	[ "$stderr" = "mig-map: rule 1:17: short.csv:2: a lookup row needs two columns, key and value" ]
}

@test "map: a lookup table of 100,000 keys answers as a join does" {
	cd "$BATS_TEST_TMPDIR"
	# keys of 1 to 50 bytes (the hash reads 8 at a time, then the rest),
	# every 997th value NULL, one key given twice with the same value
	awk 'BEGIN { p = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMN"; print "key,val"
		for (i = 1; i <= 100000; i++) { k = substr(p, 1, i % 45) i; print k "," (i % 997 ? "v" i * 7 : "")
			if (i == 500) print k "," "v" i * 7 } }' >big.csv
	awk 'BEGIN { p = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMN"; print "@t,k"
		for (i = 1; i <= 30000; i++) { j = (i * 7919) % 130000; print "t," substr(p, 1, j % 45) j } }' >in.csv
	mig-map -q 't.v = lookup(k, big.csv, '"'"'none'"'"')' <in.csv | grep '^t,' >got
	awk -F, 'NR == FNR { if (FNR > 1) v[$1] = $2; next }
		FNR > 1 { print "t," $2 "," (($2 in v) ? v[$2] : "none") }' big.csv in.csv >want
	[ "$(wc -l <got)" = 30000 ]
	[ "$(grep -c ',none$' want)" -gt 1000 ]
	[ "$(grep -c ',$' want)" -gt 10 ]
	diff want got
}

@test "map: a typed int column writes every integer spelling canonically" {
	printf '@t,k\nt,0\nt,-0\nt,007\nt,-12\nt,12\nt,+3\nt," 5"\nt,1e3\nt,\nt,-\nt,123456789012345678901234567890\nt,-007\n' >"$BATS_TEST_TMPDIR/in"
	run -0 --separate-stderr mig-map -q --on-error null 't.v:int = k' <"$BATS_TEST_TMPDIR/in"
	[ "$output" = '#!mig-stream 1
@t,k,v:int
t,0,0
t,-0,0
t,007,7
t,-12,-12
t,12,12
t,+3,3
t, 5,5
t,1e3,1000
t,,
t,-,
t,123456789012345678901234567890,123456789012345678901234567890
t,-007,-7
#!stats mig-map t in=12 out=12 dropped=0 rejected=0 nulled:v=1' ]
}

@test "map: options" {
	run -0 mig-map -h
	[[ "$output" == usage:* ]]
	run -2 mig-map --bogus
	run -0 mig-map --version
	run -2 --separate-stderr mig-map --on-error skip </dev/null
	[ "$stderr" = "mig-map: --on-error: 'skip' is not error, null or reject" ]
	run -2 --separate-stderr mig-map --on-error reject </dev/null
	[ "$stderr" = "mig-map: --on-error reject needs --reject FILE" ]
	run -2 mig-map --bcrypt-cost 3 </dev/null
	run -2 mig-map -F xml </dev/null
}

@test "map: writing to a full disk fails with exit 2" {
	run -2 --separate-stderr sh -c "mig-map 'contacts.x = 1' <'$D/dirty.csv' >/dev/full"
	[[ "$stderr" == *"<stdout>"* ]]
}

@test "map: a header that changes mid-stream is compiled again" {
	printf '@users,id:int,role\nusers,1,A\n@users,role,id:int\nusers,B,2\n' >"$BATS_TEST_TMPDIR/in"
	run -0 --separate-stderr mig-map -v -e 'users.r = lower(role)' -e 'drop users.role' "$BATS_TEST_TMPDIR/in"
	[ "$output" = "#!mig-stream 1
@users,id:int,r
users,1,a
users,2,b
#!stats mig-map users in=2 out=2 dropped=0 rejected=0" ]
	[ "$stderr" = "mig-map: users: 2 in, 2 out, 0 rejected" ]
}
