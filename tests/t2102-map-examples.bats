#!/usr/bin/env bats
# mig-map(1) EXAMPLES, run as written.
load lib-common

# The first literal block of the EXAMPLES section of a man page source.
first_example() {
	awk '/^\.Sh EXAMPLES/ { e = 1 } e && /^\.Ed/ && b { exit } b { gsub(/\\e/, "\\"); print } e && /^\.Bd -literal/ { b = 1 }' "$1"
}

@test "map: the teacher.rules example of mig-map(1)" {
	first_example "$MIG_TOP/man/mig-map.1" >"$BATS_TEST_TMPDIR/teacher.rules"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/teacher.rules")" -gt 10 ]
	mig-map -f "$BATS_TEST_TMPDIR/teacher.rules" --passwords "$BATS_TEST_TMPDIR/pw" --bcrypt-cost 4 \
		<"$DATA/map/people.csv" >"$BATS_TEST_TMPDIR/out"
	grep -qx '@User,legacy_id:int,email:text,phone:text,born:date,salary:text,created:timestamptz,condition:text,first_name:text,last_name:text,id:uuid,password:text,role:text' "$BATS_TEST_TMPDIR/out"
	grep -q '^User,1,ann@example.org,+15552345678,1990-12-31,"$1,234.50",2024-11-03 05:30:00+00,Diabetes type 2,Ann,Lee,b04965e6-a9bb-591f-8f8a-1adcb2c8dc39,\$2b\$04\$.*,TEACHER$' "$BATS_TEST_TMPDIR/out"
	grep -q '^User,3,cher@school.example,' "$BATS_TEST_TMPDIR/out"
	grep -qx '#!stats mig-map Teacher in=3 out=3 dropped=0 rejected=0 to:User=3' "$BATS_TEST_TMPDIR/out"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/pw")" = 4 ]
}

@test "map: the ilookup and money examples of mig-map(1)" {
	cd "$DATA/map"
	printf '@patients,id:int,condition\npatients,1,Hypertension\npatients,2,gout\n' >"$BATS_TEST_TMPDIR/in"
	mig-map --on-error reject --reject "$BATS_TEST_TMPDIR/unknown.mig" \
		'patients.condition_code = ilookup(condition, conditions.csv)' <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out"
	grep -qx 'patients,1,Hypertension,I10' "$BATS_TEST_TMPDIR/out"
	grep -qx 'patients,2,gout,mig-map,patients:2,column .condition_code.: ilookup(): no entry in the lookup table' "$BATS_TEST_TMPDIR/unknown.mig"
	printf '@orders,id:int,total_text\norders,1,"$1,234.50"\n' |
		mig-map -e 'orders.total:numeric = money(total_text)' -e 'drop orders.total_text' >"$BATS_TEST_TMPDIR/out"
	grep -qx '@orders,id:int,total:numeric' "$BATS_TEST_TMPDIR/out"
	grep -qx 'orders,1,1234.50' "$BATS_TEST_TMPDIR/out"
}
