#!/usr/bin/env bats
# mig-rekey: uuid5 from a name template over columns and constants; the
# crosswalk keeps the old key as it was.
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

@test "a template names columns the tag has, in the form 'text' || column" {
	run --separate-stderr -2 mig-rekey -k "customer.id=uuid5:dns('c:' || nope)" in
	[[ $stderr == *"tag 'customer' has no column 'nope'"* ]]
	run --separate-stderr -2 mig-rekey -k "customer.id=uuid5:dns('c:' + id)" in
	[[ $stderr == *"template: expected || at '+ id'"* ]]
	run --separate-stderr -2 mig-rekey -k "customer.id=uuid5:dns('c:)" in
	[[ $stderr == *"unterminated quote"* ]]
}
