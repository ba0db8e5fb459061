#!/usr/bin/env bats
# mig-verify ledger: conservation of records across the stages of a run.
load lib-common

V=$DATA/verify

@test "ledger: a split, a drop and a reject are all accounted for" {
	run -0 --separate-stderr mig-verify --report "$BATS_TEST_TMPDIR/r.json" ledger "$V/run-ok.mig"
	[ "$output" = "ok    ledger $V/run-ok.mig: 1 runs, 5 stages, every record accounted for
mig-verify: 1 passed, 0 failed, 0 errors" ]
	[ "$(jq -c '.checks[0].runs[0].boundaries[0].groups' "$BATS_TEST_TMPDIR/r.json")" = '[{"tags":"users","out":5,"in":5,"ok":true}]' ]
	[ "$(jq -c '[.checks[0].runs[0].boundaries[1].groups[] | .tags]' "$BATS_TEST_TMPDIR/r.json")" = '["users","patients"]' ]
}

@test "ledger: a lost record is found at its stage and its boundary" {
	run -1 --separate-stderr mig-verify ledger "$V/run-lost.mig"
	[ "$output" = "FAIL  ledger $V/run-lost.mig: 3 violations in 1 runs
    $V/run-lost.mig: stage mig-rekey, tag patients: in=2 but out+dropped+rejected=1
    $V/run-lost.mig: stage mig-load, tag users: in=1 but out+dropped+rejected=2
    $V/run-lost.mig: mig-rekey -> mig-load: users: 2 written, 1 read
mig-verify: 0 passed, 1 failed, 0 errors" ]
}

@test "ledger: stats in NDJSON streams and in logs" {
	"$MIG_BUILD/tests/unit/streamcat" -f ndjson "$V/run-ok.mig" > "$BATS_TEST_TMPDIR/run.ndjson"
	grep -q MIG_CONTROL "$BATS_TEST_TMPDIR/run.ndjson"
	{ echo "mig-load: loading"; grep '^#!stats' "$V/run-ok.mig"; echo "done"; } > "$BATS_TEST_TMPDIR/run.log"
	run -0 --separate-stderr mig-verify ledger "$BATS_TEST_TMPDIR/run.ndjson" "$BATS_TEST_TMPDIR/run.log"
	[[ "$output" == *"2 runs, 10 stages, every record accounted for"* ]]
}

@test "ledger: a merge needs a map rule, a fan-out a fanout declaration" {
	cat > "$BATS_TEST_TMPDIR/merge.mig" <<-EOT
	#!stats mig-extract teachers in=2 out=2 dropped=0 rejected=0
	#!stats mig-extract parents in=3 out=3 dropped=0 rejected=0
	#!stats mig-map teachers in=2 out=2 dropped=0 rejected=0
	#!stats mig-map parents in=3 out=3 dropped=0 rejected=0
	#!stats mig-rekey User in=5 out=5 dropped=0 rejected=0
	#!stats mig-split User in=5 out=9 dropped=0 rejected=0 to:User=5 to:UserRole=4
	#!stats mig-load User in=5 out=5 dropped=0 rejected=0
	#!stats mig-load UserRole in=4 out=4 dropped=0 rejected=0
	EOT
	run -1 --separate-stderr mig-verify ledger "$BATS_TEST_TMPDIR/merge.mig"
	[[ "$output" == *"mig-map -> mig-rekey: teachers: 2 written, 0 read"* ]]
	[[ "$output" == *"stage mig-split, tag User: in=5 but out+dropped+rejected=9"* ]]
	run -0 mig-verify ledger "$BATS_TEST_TMPDIR/merge.mig" map teachers + parents '->' User fanout mig-split
	run -0 mig-verify ledger "$BATS_TEST_TMPDIR/merge.mig" map mig-map: teachers+parents'->'User fanout mig-split
}

@test "ledger: a file without stats lines, a malformed stats line, a bad rule" {
	echo "users,1" > "$BATS_TEST_TMPDIR/none.mig"
	run -2 --separate-stderr mig-verify ledger "$BATS_TEST_TMPDIR/none.mig"
	[[ "$stderr" == *"    $BATS_TEST_TMPDIR/none.mig: no stats lines"* ]]
	printf '#!stats mig-map users in=x\n' > "$BATS_TEST_TMPDIR/bad.mig"
	run -2 --separate-stderr mig-verify ledger "$BATS_TEST_TMPDIR/bad.mig"
	[[ "$stderr" == *"    $BATS_TEST_TMPDIR/bad.mig: 1 malformed stats lines"* ]]
	run -2 --separate-stderr mig-verify ledger "$V/run-ok.mig" map users
	[[ "$stderr" == *"ledger: bad rule 'map users'"* ]]
}
