#!/usr/bin/env bats
# What the seed migrations needed and the rules could not say before the
# language (the list the rule-language work started from): each need as
# the one rule that now says it, run on the kind of value that needed it.
load lib-common

# gap RULE VALUE EXPECTED: mig-map's result for RULE (assigned to column
# out, --on-error null: empty when the value was refused) over one record
# whose column v is VALUE (\N: NULL) and whose column c is $GAP_C (US).
gap() {
	local rule=$1 in=$2 want=$3 got
	# An empty field is NULL, a quoted empty field the empty string.
	if [ "$in" = '\N' ]; then in=; else in="\"${in//\"/\"\"}\""; fi
	printf '@r,v:text,c:text\nr,%s,%s\n' "$in" "${GAP_C:-US}" >"$BATS_TEST_TMPDIR/in"
	got=$(mig-map -q --on-error null -e "r.out = $rule" -e 'keep r.out' <"$BATS_TEST_TMPDIR/in" 2>/dev/null |
		sed -n 's/^r,//p')
	if [ "$got" != "$want" ]; then
		printf 'rule: %s\ninput: %s\nwant: %s\ngot:  %s\n' "$rule" "$in" "$want" "$got" >&2
		return 1
	fi
}

@test "gaps: exact money to cents, comparisons as values, a conditional" {
	gap 'cast(v * 100, int)' '16.99' '1699'
	gap 'cast(v * 100, int)' '0.29' '29'
	gap "round(v, 1)" '2.25' '2.3'
	gap "(v = 'admin')" 'admin' 't'
	gap "(v = 'admin')" 'bob' 'f'
	gap "case when v = 'a' then 'one' when v = 'b' then 'two' else 'many' end" 'b' 'two'
	gap "if(v is null, 'none', v)" '\N' 'none'
}

@test "gaps: text pieces (address parts, n-th field, capture group, title case)" {
	local a='12 Main St, Springfield, IL 62704'
	gap "trim(split_part(v, ',', 1))" "$a" '12 Main St'
	gap "trim(split_part(v, ',', 2))" "$a" 'Springfield'
	gap "regexp_capture(v, ', ([A-Z]{2}) [0-9]{5}\$')" "$a" 'IL'
	gap "regexp_capture(v, '([0-9]{5})\$')" "$a" '62704'
	gap "split_part(v, ',', -1)" "$a" ' IL 62704'
	gap 'title(v)' 'bob SMITH' 'Bob Smith'
	gap "regexp_replace(v, '([a-z]+)@', '\\1.x@')" 'ann@b.org' 'ann.x@b.org'
	gap "lpad(v, 5, '0')" '42' '00042'
	gap 'substr(v, 2, 3)' 'abcdef' 'bcd'
	gap 'length(v)' 'Zoë' '3'
}

@test "gaps: dates in mixed formats in one column, a time of day checked" {
	local f='date(v, iso, month, mdy, unix)'
	gap "$f" 'March 5, 2023' '2023-03-05'
	gap "$f" '05/03/2023' '2023-05-03'
	gap 'date(v, iso, dmy)' '05/03/2023' '2023-03-05'
	gap "$f" '2023-03-05' '2023-03-05'
	gap "$f" '1686000000' '2023-06-05'
	gap "$f" '2024-02-30' ''
	gap 'time(v)' '10:00' '10:00:00'
	gap 'time(v)' '7:05pm' '19:05:00'
	gap 'time(v)' '7:5' ''
	gap 'time(v)' '24:00' ''
}

@test "gaps: per-row arguments, password length, transliteration" {
	GAP_C=KE gap 'phone(v, c)' '0712 345678' '+254712345678'
	GAP_C=US gap 'phone(v, c)' '(415) 555-2671' '+14155552671'
	GAP_C=GB gap 'phone(v, c)' '020 7946 0958' '+442079460958'
	gap 'translit(v)' 'Zoë Müller' 'Zoe Muller'
	printf '@u,id:int,first:text,last:text\nu,1,Zoë,Müller\n' |
		mig-map -q -e "u.email = email_from('{first}.{last}@x.example')" -e 'keep u.email' >"$BATS_TEST_TMPDIR/out"
	grep -qx 'u,zoe.muller@x.example' "$BATS_TEST_TMPDIR/out"
	printf '@u,id:int\nu,1\nu,2\n' >"$BATS_TEST_TMPDIR/in"
	mig-map -q --passwords "$BATS_TEST_TMPDIR/pw.csv" -e 'u.pw = password(id, 12)' <"$BATS_TEST_TMPDIR/in" >/dev/null
	[ "$(awk -F, 'NR > 1 { print length($3) }' "$BATS_TEST_TMPDIR/pw.csv" | sort -u)" = 12 ]
	[ "$(wc -l <"$BATS_TEST_TMPDIR/pw.csv")" = 3 ]
}

@test "gaps: lists to arrays and to one row per element, NULL-propagating concat" {
	gap "string_to_array(v, ',')" 'Deleted Scenes,Trailers' '"{""Deleted Scenes"",Trailers}"'
	gap "array_length(string_to_array(v, ','))" 'a,b,c' '3'
	gap "array_to_string(string_to_array(v, ','), '|')" 'a,b' 'a|b'
	gap "concat_strict('u-', v)" '\N' ''
	gap "concat_strict('u-', v)" '7' 'u-7'
	gap "concat('u-', v)" '\N' 'u-'
	printf '@p,id:int,tags:text\np,1,"sale, Sale, new"\np,2,\n' |
		mig-map -q -e "explode p.tag,n = string_to_array(tags, ',')" -e 'p.tag = lower(trim(tag))' \
			-e 'keep p.id,tag,n' >"$BATS_TEST_TMPDIR/out"
	[ "$(grep -v '^[@#]' "$BATS_TEST_TMPDIR/out" | tr '\n' ' ')" = 'p,1,sale,1 p,1,sale,2 p,1,new,3 ' ]
	grep -q '^#!stats mig-map p in=2 out=3 dropped=1 ' "$BATS_TEST_TMPDIR/out"
}

@test "gaps: --on-error null counts what it nulled, per tag and column" {
	printf '@r,v:text\nr,10:00\nr,7:5\nr,99:99\n' >"$BATS_TEST_TMPDIR/in"
	run -0 --separate-stderr mig-map -q --on-error null -e 'r.t = time(v)' "$BATS_TEST_TMPDIR/in"
	[[ "$output" == *'#!stats mig-map r in=3 out=3 dropped=0 rejected=0 nulled:t=2'* ]]
	[[ "$stderr" == *"r: column 't': 2 values nulled"* ]]
	[[ "$stderr" != *'7:5'* ]]
}

@test "gaps: rules that name nothing are errors, with a near name" {
	printf '@users,id:int,email:text\nusers,1,a@b\n' >"$BATS_TEST_TMPDIR/in"
	run -2 --separate-stderr mig-map -q -e 'user.email = lower(email)' "$BATS_TEST_TMPDIR/in"
	[[ "$stderr" == *"tag 'user' never came"*"did you mean 'users'"* ]]
	run -2 --separate-stderr mig-map -q -e 'users.email = lowr(email)' "$BATS_TEST_TMPDIR/in"
	[[ "$stderr" == *"unknown function 'lowr'"*"lower()"* ]]
	run -2 --separate-stderr mig-map -q -e 'users.email = lower(emial)' "$BATS_TEST_TMPDIR/in"
	[[ "$stderr" == *"emial"*"email"* ]]
	run -2 --separate-stderr mig-rekey -q -k usr.id=uuid4 "$BATS_TEST_TMPDIR/in"
	[[ "$stderr" == *"tag 'usr' never came"*"users"* ]]
}
