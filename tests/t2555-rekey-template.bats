#!/usr/bin/env bats
# mig-rekey: uuid5 from a name template, an expression of the rule language
# (mig-rules(7)) over columns and constants; the crosswalk keeps the old key
# as it was.
load lib-common

setup() {
	cd "$BATS_TEST_TMPDIR"
	printf '%s\n' '@customer,id:int,branch:text' 'customer,1,north' 'customer,2,' > in
}

uuid5() { python3 -c "import uuid,sys; print(uuid.uuid5(uuid.NAMESPACE_DNS, sys.argv[1]))" "$1"; }

@test "uuid5 of 'customer:' || id, the crosswalk mapping the old key 1" {
	run --separate-stderr -0 mig-rekey -k "customer.id=uuid5:dns('customer:' || id)" -x customer=x.csv in
	u=$(uuid5 customer:1)
	printf '%s\n' "$output" | grep -qx "customer,$u,north"
	grep -qx "1,$u" x.csv
	grep -qx "2,$(uuid5 customer:2)" x.csv
}

@test "several columns and constants; a quote doubled; a NULL in a template column is refused" {
	run --separate-stderr -1 mig-rekey -k "customer.id=uuid5:dns('c''' || id || '/' || \"branch\")" in
	[ "$stderr" = "mig-rekey: in:3: customer: NULL in column 'branch' of the key template" ]
	sed -i '$d' in
	run --separate-stderr -0 mig-rekey -k "customer.id=uuid5:dns('c''' || id || '/' || \"branch\")" in
	printf '%s\n' "$output" | grep -qx "customer,$(uuid5 "c'1/north"),north"
}

@test "a template is any expression of the rule language: functions, case, coalesce" {
	run --separate-stderr -0 mig-rekey -x customer=x.csv \
		-k "customer.id=uuid5:dns('c:' || upper(coalesce(branch, 'none')) || ':' || (id + 100))" in
	printf '%s\n' "$output" | grep -qx "customer,$(uuid5 c:NORTH:101),north"
	printf '%s\n' "$output" | grep -qx "customer,$(uuid5 c:NONE:102),"
	grep -qx "2,$(uuid5 c:NONE:102)" x.csv
	run --separate-stderr -0 mig-rekey \
		-k "customer.id=uuid5:dns(case when branch is null then 'x' else branch end || '/' || id)" in
	printf '%s\n' "$output" | grep -qx "customer,$(uuid5 x/2),"
}

@test "a template that cannot be evaluated refuses the record with the function's reason" {
	run --separate-stderr -1 mig-rekey -k "customer.id=uuid5:dns(branch || (id / 0))" in
	[ "$stderr" = "mig-rekey: in:2: customer: key template: division by zero" ]
}

@test "a template's columns are the tag's and its syntax is the rule language's" {
	run --separate-stderr -2 mig-rekey -k "customer.id=uuid5:dns('c:' || nope)" in
	[ "$stderr" = "mig-rekey: in:1: tag 'customer' has no column 'nope' (rule 'key customer.id=uuid5:dns('c:' || nope)')" ]
	run --separate-stderr -2 mig-rekey -k "customer.id=uuid5:dns('c:' || id id)" in
	[ "$stderr" = "mig-rekey: rule 'key customer.id=uuid5:dns('c:' || id id)': template: expected the end of the template, found 'id' at column 12" ]
	run --separate-stderr -2 mig-rekey -k "customer.id=uuid5:dns('c:)" in
	[[ $stderr == *"template: unterminated string at column 1" ]]
}
