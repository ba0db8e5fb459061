#!/usr/bin/env bats
# mig-map: the array type, its functions and explode; rules that would do
# nothing; --functions.
load lib-common
bats_require_minimum_version 1.5.0

# EXPR|input field (tagged CSV)|expected output field; empty is NULL, ! an error.
check_table() {
	local fn in want got out n=0 bad=0
	while IFS='|' read -r fn in want; do
		n=$((n + 1))
		printf '@t,v:text\nt,%s\n' "$in" >"$BATS_TEST_TMPDIR/in"
		if out=$(mig-map -e "t.r = $fn" -e 'keep t.r' <"$BATS_TEST_TMPDIR/in" 2>"$BATS_TEST_TMPDIR/err"); then
			got=$(printf '%s\n' "$out" | sed -n 3p)
			got=${got#t,}
		elif [ $? = 1 ]; then
			got='!'
		else
			got="exit $?: $(cat "$BATS_TEST_TMPDIR/err")"
		fi
		if [ "$got" != "$want" ]; then
			echo "row $n: $fn on [$in]: got [$got], want [$want]"
			bad=1
		fi
	done
	[ "$n" -gt 0 ] && [ "$bad" = 0 ]
}

@test "map: arrays are PostgreSQL array literals, canonical" {
	check_table <<'TABLE'
cast(v, array)|"{ a , ""b"" ,null}"|"{a,b,NULL}"
cast(v, array)|"[1, true, null, ""é""]"|"{1,true,NULL,é}"
cast(v, array)|{}|{}
cast(v, array)|[]|{}
cast(v, array)|"{""NULL"",""x y"",""q\""q"",""""}"|"{""NULL"",""x y"",""q\""q"",""""}"
cast(v, array)|"{Deleted Scenes,Trailers}"|"{""Deleted Scenes"",Trailers}"
cast(v, array)||
cast(v, array)|"{a"|!
cast(v, array)|"{a,{b}}"|!
cast(v, array)|"[{""k"":1}]"|!
cast(v, array)|abc|!
cast(v, array)|""|!
TABLE
}

@test "map: string_to_array, array_to_string, array_length, array_element, array" {
	check_table <<'TABLE'
string_to_array(v, ',')|"a,b,,c"|"{a,b,"""",c}"
string_to_array(v, ',', '')|"a,b,,c"|"{a,b,NULL,c}"
string_to_array(v, ', ')|"sale, Sale, new"|"{sale,Sale,new}"
string_to_array(v, ',')|"a,"|"{a,""""}"
string_to_array(v, ',')|""|{}
string_to_array(v, ',')||
string_to_array(v, null)|Zoë|"{Z,o,ë}"
string_to_array(v, '')|"a,b"|"{""a,b""}"
array_to_string(string_to_array(v, ','), '+')|"x,y,z"|x+y+z
array_to_string(cast(v, array), '-')|"{a,NULL,b}"|a-b
array_to_string(cast(v, array), '-', '*')|"{a,NULL,b}"|a-*-b
array_to_string(cast(v, array), '-')|{}|""
array_to_string(v, '-')|nope|!
array_length(cast(v, array))|"{a,b}"|2
array_length(cast(v, array))|{}|0
array_length(cast(v, array))||
array_length(v)|"{a"|!
array_element(cast(v, array), 1)|"{a,NULL,b}"|a
array_element(cast(v, array), -1)|"{a,NULL,b}"|b
array_element(cast(v, array), 2)|"{a,NULL,b}"|
array_element(cast(v, array), 4)|"{a,NULL,b}"|
array_element(cast(v, array), 0)|"{a,NULL,b}"|
array(v, null, '')|Zoë|"{Zoë,NULL,""""}"
array()|x|{}
TABLE
}

@test "map: an array column is typed array in the header and checked" {
	printf '@p,id:int,tags:text\np,1,"a,b"\np,2,"{x"\n' >"$BATS_TEST_TMPDIR/in"
	run -1 --separate-stderr mig-map -e 'p.tags:array = tags' <"$BATS_TEST_TMPDIR/in"
	[ "$stderr" = "mig-map: p:1: column 'tags': value(): not a valid value of the column's type" ]
	run -0 --separate-stderr mig-map -e "p.t:array = string_to_array(tags, ',')" -e 'drop p.tags' <"$BATS_TEST_TMPDIR/in"
	[ "${lines[1]}" = '@p,id:int,t:array' ]
	[ "${lines[2]}" = 'p,1,"{a,b}"' ]
	[ "${lines[3]}" = 'p,2,"{""{x""}"' ]
}

@test "map: explode gives one record per element with its ordinal" {
	printf '%s\n' '@products,id:int,tags:text' 'products,1,"sale, Sale, new"' 'products,2,""' \
		'products,3,' 'products,4,solo' >"$BATS_TEST_TMPDIR/in"
	mig-map -e "explode products.tag, n = string_to_array(tags, ',')" -e 'products.tag = lower(trim(tag))' \
		-e 'drop products.tags' -e 'products -> product_tags' <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out"
	cat >"$BATS_TEST_TMPDIR/want" <<'OUT'
#!mig-stream 1
@product_tags,id:int,tag:text,n:int
product_tags,1,sale,1
product_tags,1,sale,2
product_tags,1,new,3
product_tags,4,solo,1
#!stats mig-map products in=4 out=4 dropped=2 rejected=0 to:product_tags=4
OUT
	diff -u "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/out"
}

@test "map: explode of an array column keeps NULL elements; a bad one is an error" {
	printf '%s\n' '@f,id:int,features:array' 'f,1,"{Trailers,NULL,""Deleted Scenes""}"' 'f,2,{}' >"$BATS_TEST_TMPDIR/in"
	run -0 --separate-stderr mig-map -e 'explode f.feature = features' -e 'drop f.features' <"$BATS_TEST_TMPDIR/in"
	[ "${lines[1]}" = '@f,id:int,feature:text' ]
	[ "${lines[2]}" = 'f,1,Trailers' ]
	[ "${lines[3]}" = 'f,1,' ]
	[ "${lines[4]}" = 'f,1,Deleted Scenes' ]
	[ "${lines[5]}" = '#!stats mig-map f in=2 out=3 dropped=1 rejected=0' ]
	printf '%s\n' '@f,id:int,features:text' 'f,1,"{a"' >"$BATS_TEST_TMPDIR/bad"
	run -1 --separate-stderr mig-map -e 'explode f.feature = features' <"$BATS_TEST_TMPDIR/bad"
	[ "$stderr" = "mig-map: f:1: column 'feature': value(): not an array" ]
	run -2 --separate-stderr mig-map -e 'explode f.feature = id' <"$BATS_TEST_TMPDIR/bad"
	[ "$stderr" = "mig-map: <stdin>:1: tag 'f': explode needs an array, not int (rule 1)" ]
	run -2 --separate-stderr mig-map -e 'explode f.feature, a, b = features' <"$BATS_TEST_TMPDIR/bad"
	[[ "$stderr" = *"explode takes one ordinal column, found 'b'"* ]]
}

@test "map: an exploded record is written whole or not at all (--on-error reject, null, error)" {
	# Record 2's third element fails the int cast: under reject none of its
	# elements reach the stream, the reject file holds it once, and the
	# stats count what was written, so the ledger chains to the next stage.
	printf '%s\n' '@o,id:int,qs:text' 'o,1,"1,2"' 'o,2,"3,4,x,y"' 'o,3,5' >"$BATS_TEST_TMPDIR/in"
	set -- -e "explode o.q, n = string_to_array(qs, ',')" -e 'o.q:int = q' -e 'drop o.qs'
	mig-map --on-error reject --reject "$BATS_TEST_TMPDIR/rj" "$@" <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/mapped"
	mig-split <"$BATS_TEST_TMPDIR/mapped" >"$BATS_TEST_TMPDIR/out"
	cat >"$BATS_TEST_TMPDIR/want" <<'OUT'
#!mig-stream 1
@o,id:int,q:int,n:int
o,1,1,1
o,1,2,2
o,3,5,1
#!stats mig-map o in=3 out=3 dropped=0 rejected=1
#!stats mig-split o in=3 out=3 dropped=0 rejected=0
OUT
	diff -u "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/out"
	cat >"$BATS_TEST_TMPDIR/want" <<'OUT'
#!mig-stream 1
@o,id:int,qs:text,_mig_stage:text,_mig_where:text,_mig_reason:text
o,2,"3,4,x,y",mig-map,o:2,column 'q': value(): not a valid value of the column's type
OUT
	diff -u "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/rj"
	run -0 mig-verify ledger "$BATS_TEST_TMPDIR/out" fanout mig-map
	[[ "$output" = "ok    ledger "*"every record accounted for"* ]]

	# null: the failing elements are nulled (and counted), every element written.
	run -0 --separate-stderr mig-map --on-error null "$@" <"$BATS_TEST_TMPDIR/in"
	[ "$stderr" = "mig-map: o: column 'q': 2 values nulled (--on-error null)" ]
	[ "${lines[4]}" = 'o,2,3,1' ]
	[ "${lines[5]}" = 'o,2,4,2' ]
	[ "${lines[6]}" = 'o,2,,3' ]
	[ "${lines[7]}" = 'o,2,,4' ]
	[ "${lines[8]}" = 'o,3,5,1' ]
	[ "${lines[9]}" = '#!stats mig-map o in=3 out=7 dropped=0 rejected=0 nulled:q=2' ]

	# error: exit 1 at record 2; record 1 went through, nothing of record 2 did.
	mig-map --on-error error "$@" <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" && false
	[ $? = 1 ]
	[ "$(cat "$BATS_TEST_TMPDIR/err")" = "mig-map: o:2: column 'q': value(): not a valid value of the column's type" ]
	printf '%s\n' '#!mig-stream 1' '@o,id:int,q:int,n:int' 'o,1,1,1' 'o,1,2,2' >"$BATS_TEST_TMPDIR/want"
	diff -u "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/out"
}

@test "map and split: a rule for a tag that never came is an error, with did you mean" {
	printf '@users,id:int,email:text\nusers,1,a@b.c\n' >"$BATS_TEST_TMPDIR/in"
	run -2 --separate-stderr mig-map -e "user.email = lower(email)" <"$BATS_TEST_TMPDIR/in"
	[ "$stderr" = "mig-map: rule 1: tag 'user' never came in the stream (did you mean 'users'?)" ]
	run -2 --separate-stderr mig-split -e "user -> staff where id = 1" <"$BATS_TEST_TMPDIR/in"
	[ "$stderr" = "mig-split: rule 1: tag 'user' never came in the stream (did you mean 'users'?)" ]
	run -2 --separate-stderr mig-map -e "prescriptions.x = 1" <"$BATS_TEST_TMPDIR/in"
	[ "$stderr" = "mig-map: rule 1: tag 'prescriptions' never came in the stream" ]
	run -2 --separate-stderr mig-map -e "users.e = lower(emial)" <"$BATS_TEST_TMPDIR/in"
	[ "$stderr" = "mig-map: <stdin>:1: tag 'users': unknown column 'emial' (did you mean 'email'?) (rule 1)" ]
	# A header without records is enough: the rule had its chance.
	printf '@users,id:int,email:text\n' | mig-map -e "users.email = lower(email)" >/dev/null
}

@test "map: --functions lists every function from the table, with its signature" {
	run -0 --separate-stderr mig-map --functions
	[ -z "$stderr" ]
	for f in array array_element array_length array_to_string string_to_array cast concat_strict \
		date lpad password phone regexp_capture regexp_match regexp_replace round split_part substr \
		time title translit trunc uuid5; do
		printf '%s\n' "${lines[@]}" | grep -q "^$f(" || { echo "missing $f"; return 1; }
	done
	printf '%s\n' "${lines[@]}" | grep -qE '^string_to_array\(s, delim\[, null\]\) +array +'
	run -2 --separate-stderr mig-map -e 't.x = strng_to_array(v)'
	[ "$stderr" = "mig-map: rule 1:7: unknown function 'strng_to_array' (did you mean string_to_array()?)" ]
}
