#!/usr/bin/env bats
# mig-rules(7): split and map agree on every predicate; the page's examples
# run as written; its function table is mig-map --functions.
load lib-common
bats_require_minimum_version 1.5.0

# The literal blocks of mig-rules(7)'s EXAMPLES, one command per block.
examples() {
	awk '/^\.Sh EXAMPLES/ { e = 1 } /^\.Sh SEE/ { e = 0 } e && /^\.Ed/ { b = 0; print "#END" }
		b { gsub(/\\e/, "\\"); print } e && /^\.Bd -literal/ { b = 1 }' "$MIG_TOP/man/mig-rules.7"
}

# Run block N (1-based) of the examples with stdin.
run_example() {
	examples | awk -v n="$1" '/^#END/ { k++; next } k == n - 1' >"$BATS_TEST_TMPDIR/ex.sh"
	[ -s "$BATS_TEST_TMPDIR/ex.sh" ]
	bash -eu "$BATS_TEST_TMPDIR/ex.sh"
}

@test "rules: split and map give the same truth value for the same predicate" {
	cat >"$BATS_TEST_TMPDIR/in" <<'IN'
@orders,id:int,total:numeric,status:text,note:text,day:date
orders,1,60,paid,,2024-02-29
orders,2,40.5,paid,"",2024-03-01
orders,3,70,void,Zoë,2023-12-31
orders,4,,paid,x,
orders,5,999.99,PAID,"a,b",1970-01-01
orders,6,-1,,ü,1969-12-31
IN
	local preds=(
		"total * 2 > 100 and status <> 'void'"
		"total is null or note is null"
		"not (status = 'paid')"
		"status ~* '^paid$'"
		"note in ('x', 'Zoë', '')"
		"length(note) = 1"
		"day >= '2024-01-01' or total % 2 = 0"
		"case when total > 50 then true when total > 0 then false end"
		"if(note is null, total > 0, length(note) > 0)"
		"total * 100 = 99999"
		"coalesce(status, 'none') = 'none'"
		"regexp_match(note, '^[a-z]')"
	)
	local p n=0
	for p in "${preds[@]}"; do
		n=$((n + 1))
		mig-split -q --unmatched drop -e "orders -> yes where $p" <"$BATS_TEST_TMPDIR/in" |
			awk -F, '$1 == "yes" { print $2 }' >"$BATS_TEST_TMPDIR/split"
		mig-map -q -e "orders.m = ($p)" <"$BATS_TEST_TMPDIR/in" |
			awk -F, '$1 == "orders" && $NF == "t" { print $2 }' >"$BATS_TEST_TMPDIR/map"
		diff -u "$BATS_TEST_TMPDIR/split" "$BATS_TEST_TMPDIR/map" || { echo "predicate $n: $p"; return 1; }
	done
	[ "$n" = 12 ]
}

@test "rules: x.yy * 100 is exact from 0.00 to 999.99" {
	awk 'BEGIN { print "@m,v:numeric"; for (i = 0; i < 100000; i++) printf "m,%d.%02d\n", i / 100, i % 100 }' \
		>"$BATS_TEST_TMPDIR/in"
	mig-map -q -e 'm.c:int = trunc(v * 100, 0)' -e 'keep m.c' <"$BATS_TEST_TMPDIR/in" |
		awk -F, '$1 == "m" { if ($2 != n) { print "row " n ": " $2; bad = 1; exit } n++ } END { exit bad || n != 100000 }'
}

@test "rules: the examples of mig-rules(7) run as written" {
	[ "$(examples | grep -c '^#END')" = 5 ]
	printf '@items,price:text\nitems,$16.99\nitems,"1,234.50"\nitems,\n' |
		run_example 1 >"$BATS_TEST_TMPDIR/out"
	grep -qx 'items,\$16.99,1699' "$BATS_TEST_TMPDIR/out"
	grep -qx 'items,"1,234.50",123450' "$BATS_TEST_TMPDIR/out"
	grep -qx 'items,,' "$BATS_TEST_TMPDIR/out"
	printf '@users,username:text\nusers,admin\nusers,bob\nusers,\n' | run_example 2 >"$BATS_TEST_TMPDIR/out"
	[ "$(grep '^users,' "$BATS_TEST_TMPDIR/out" | tr '\n' ' ')" = 'users,admin,t users,bob,f users,, ' ]
	printf '@a,address:text\na,"12 Main St, Springfield, IL 62704"\n' | run_example 3 >"$BATS_TEST_TMPDIR/out"
	grep -qx 'a,"12 Main St, Springfield, IL 62704",12 Main St,Springfield,62704' "$BATS_TEST_TMPDIR/out"
	printf '@products,id:int,tags:text\nproducts,7,"sale, Sale, new"\n' | run_example 4 >"$BATS_TEST_TMPDIR/out"
	[ "$(grep '^products,' "$BATS_TEST_TMPDIR/out" | tr '\n' ' ')" = 'products,7,sale,1 products,7,sale,2 products,7,new,3 ' ]
	printf '@orders,total:numeric,status:text\norders,60,paid\norders,70,void\n' >"$BATS_TEST_TMPDIR/orders.csv"
	(cd "$BATS_TEST_TMPDIR" && run_example 5 </dev/null >"$BATS_TEST_TMPDIR/out")
	grep -qx 'big,60,paid' "$BATS_TEST_TMPDIR/out"
	grep -qx 'orders,70,void' "$BATS_TEST_TMPDIR/out"
	grep -qx 'orders,60,paid,t' "$BATS_TEST_TMPDIR/out"
	grep -qx 'orders,70,void,f' "$BATS_TEST_TMPDIR/out"
}

@test "rules: the function table of mig-rules(7) is mig-map --functions" {
	mig-map --functions | sed 's/  .*//' | sort >"$BATS_TEST_TMPDIR/want"
	sed -n 's/^\.It Li "\(.*\)"$/\1/p' "$MIG_TOP/man/mig-rules.7" | sort >"$BATS_TEST_TMPDIR/got"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/want")" -gt 40 ]
	diff -u "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
}

@test "rules: a repeated call is computed once a record, yet each mention sees what it would alone" {
	printf '%s\n' '@t,id:int,v:text,name:text,tags:text' 't,1,1,Ann Lee,"a,b"' 't,2,0,Bo Ek,c' >"$BATS_TEST_TMPDIR/in"
	# shared within and across rules; inside an if branch not taken; a
	# column written between two mentions; each exploded element apart
	mig-map -e "t.first = split_part(name, ' ', 1)" \
		-e "t.last = substr(name, length(split_part(name, ' ', 1)) + 2)" \
		-e "t.a = if(v = '1', lower(split_part(name, ' ', 1)), 'none')" \
		-e "t.b = lower(split_part(name, ' ', 1))" \
		-e "t.name = 'Zed Q'" \
		-e "t.c = lower(split_part(name, ' ', 1))" \
		-e "explode t.tag = string_to_array(tags, ',')" \
		-e 't.u = upper(tag) || upper(tag)' -e 't.w = upper(tag)' \
		-e 'drop t.tags' <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out"
	cat >"$BATS_TEST_TMPDIR/want" <<'OUT'
@t,id:int,v:text,name:text,first:text,last:text,a:text,b:text,c:text,tag:text,u:text,w:text
t,1,1,Zed Q,Ann,Lee,ann,ann,zed,a,AA,A
t,1,1,Zed Q,Ann,Lee,ann,ann,zed,b,BB,B
t,2,0,Zed Q,Bo,Ek,none,bo,zed,c,CC,C
OUT
	grep -v '^#' "$BATS_TEST_TMPDIR/out" | diff -u "$BATS_TEST_TMPDIR/want" -
}
