#!/usr/bin/env bats
# The filters under valgrind: quoted values, values spanning lines, CRs
# inside quotes, UUID v5 keys, crosswalks written and read back.
load lib-common

@test "valgrind: mig-split, mig-map and mig-rekey make no invalid access and leak nothing" {
	[[ "$MIG_BUILD" != */san ]] || skip "sanitizer build: ASan already checks"
	local vg="valgrind -q --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite,indirect"
	local d=$BATS_TEST_TMPDIR
	printf '#!mig-stream 1\n@people,id:int,role,name,note\n' >"$d/in"
	printf 'people,1,DOCTOR,"Lee, Ann","line one\nline two"\n' >>"$d/in"
	printf 'people,2,PATIENT,Bo Smith,"cr\r inside, quoted"\n' >>"$d/in"
	printf 'people,3,PATIENT,  Cy  Jones ,\n' >>"$d/in"
	printf '@visits,id:int,person_id:int,reason\nvisits,10,2,"said ""hi"""\nvisits,11,3,\n' >>"$d/in"
	$vg "$(command -v mig-split)" 'people -> staff (id, name, note) where role = '"'DOCTOR'" \
		'people -> patients (id, name, note) where role = '"'PATIENT'" 'visits -> visits' <"$d/in" >"$d/split"
	$vg "$(command -v mig-map)" -e 'patients.name = collapse(name)' -e 'patients.u = uuid5(dns, name)' \
		-e 'patients.first = split_name(name, first)' <"$d/split" >"$d/map"
	$vg "$(command -v mig-rekey)" -k patients.id=uuid5:dns -x patients="$d/xw.csv" <"$d/map" >"$d/rekey"
	$vg "$(command -v mig-rekey)" -l patients="$d/xw.csv" -r visits.person_id=patients -m error \
		<"$d/rekey" >"$d/out"
	# values with a CR and with a line break went through every stage intact
	grep -qx 'staff,1,"Lee, Ann","line one' "$d/out"
	grep -qx 'line two"' "$d/out"
	grep -q $'"cr\r inside, quoted"' "$d/out"
	grep -q '^patients,[0-9a-f-]\{36\},Cy Jones,,' "$d/out"
	[ "$(grep -c '^visits,1[01],[0-9a-f-]\{36\},' "$d/out")" = 2 ]
	grep -qx 'visits,10,[0-9a-f-]*,"said ""hi"""' "$d/out"
}
