#!/usr/bin/env bats
# Row-count hints (#!count) are written and read by one codec, so a tag
# with a space keeps its total, and they follow a tag that mig-map renames,
# so the stages after it still know the total: progress shows an ETA and
# mig-load writes no stats for a tag that never came.
load lib-common

setup() {
	S=$BATS_TEST_TMPDIR/s.mig
	awk 'BEGIN { print "#!count my%20users 5000"; print "@my users,id:int,v:text"
		for (i = 1; i <= 5000; i++) print "my users," i ",v" i }' >"$S"
}

@test "a percent-encoded tag keeps its total: the progress line has an ETA" {
	run -0 --separate-stderr mig-map --progress '"my users".v = upper(v)' "$S"
	[[ "$stderr" == *"mig-map: my users: 4096 rows, "*" rows/s, ETA "* ]]
	printf '%s\n' "$output" | grep -qx '#!count my%20users 5000'
}

@test "mig-map renames the hints of a renamed tag" {
	mig-map '"my users" -> people' "$S" >"$BATS_TEST_TMPDIR/o.mig"
	grep -qx '#!count people 5000' "$BATS_TEST_TMPDIR/o.mig"
	! grep -q '^#!count my' "$BATS_TEST_TMPDIR/o.mig"
	# the next stage knows the total of the tag it now receives
	run -0 --separate-stderr mig-split --progress --unmatched drop 'people -> adults where id > 10' "$BATS_TEST_TMPDIR/o.mig"
	[[ "$stderr" == *"mig-split: people: 4096 rows, "*" rows/s, ETA "* ]]
}

@test "mig-load: the progress line names its tag and has the ETA of the renamed hint" {
	mkdir "$BATS_TEST_TMPDIR/out"
	mig-map '"my users" -> people' "$S" >"$BATS_TEST_TMPDIR/o.mig"
	run -0 --separate-stderr mig-load --progress "csv:$BATS_TEST_TMPDIR/out" "$BATS_TEST_TMPDIR/o.mig"
	[[ "$stderr" == *"mig-load: people: 4096 rows, "*" rows/s, ETA "* ]]
	# stats only for tags that came, none for the hint's old name
	[ "$(printf '%s\n' "$output" | grep -c '^#!stats mig-load ')" -eq 1 ]
	printf '%s\n' "$output" | grep -qx '#!stats mig-load people in=5000 out=5000 dropped=0 rejected=0'
}

@test "a malformed hint passes through untouched and gives no total" {
	printf '#!count t\n#!count t x\n#!count %%zz 3\n@t,a\nt,1\n' >"$BATS_TEST_TMPDIR/b.mig"
	run -0 --separate-stderr mig-map 't -> u' "$BATS_TEST_TMPDIR/b.mig"
	printf '%s\n' "$output" | grep -qx '#!count t'
	printf '%s\n' "$output" | grep -qx '#!count t x'
	printf '%s\n' "$output" | grep -qx '#!count %zz 3'
}
