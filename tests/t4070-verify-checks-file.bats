#!/usr/bin/env bats
# mig-verify -f: a checks file run as one target, its JSON report, -q,
# and the post-migration SQL for a DBA.
load lib-common

V=$DATA/verify

setup() {
	require_servers
	src=$(test_db s); pg_newdb "$src"; pgq "$src" "$(cat "$V/moh-src-pg.sql")"
	dst=$(test_db d); my_newdb "$dst"; myq "$dst" "$(cat "$V/moh-dst-my.sql")"
	S=$(pg_url "$src"); D=$(my_url "$dst")
	cd "$V"
}

@test "checks file: seed 001's checks all pass; the report lists each with its figures" {
	run -0 --separate-stderr mig-verify -s "$S" -t "$D" -f moh.checks --report "$BATS_TEST_TMPDIR/r.json"
	[ "$(tail -n 1 <<< "$output")" = "mig-verify: 7 passed, 0 failed, 0 errors" ]
	[ "$(jq -r '[.result, .passed, .failed, .errors, (.checks | length)] | @tsv' "$BATS_TEST_TMPDIR/r.json")" = "pass	7	0	0	7" ]
	[ "$(jq -r '[.checks[] | .check + "@" + .where + "=" + .status] | join(" ")' "$BATS_TEST_TMPDIR/r.json")" = \
		"counts@moh.checks:2=pass counts@moh.checks:3=pass counts@moh.checks:4=pass crosswalk@moh.checks:5=pass fk@moh.checks:6=pass unique@moh.checks:7=pass unique@moh.checks:8=pass" ]
	[ "$(jq -r '.databases.DST.dialect, .databases.SRC.dialect' "$BATS_TEST_TMPDIR/r.json" | tr '\n' ' ')" = "mariadb postgresql " ]
}

@test "checks file: damage fails exactly the checks it should; -q shows only failures" {
	myq "$dst" "SET foreign_key_checks = 0; DELETE FROM patients WHERE legacy_id = 3"
	run -1 --separate-stderr mig-verify -q -s "$S" -t "$D" -f moh.checks --report "$BATS_TEST_TMPDIR/r.json"
	[ "$(grep -c '^FAIL' <<< "$output")" -eq 4 ]
	[ "$(grep -c '^ok' <<< "$output")" -eq 0 ]
	[ "$(jq -r '[.checks[] | .status] | join(" ")' "$BATS_TEST_TMPDIR/r.json")" = "fail fail pass fail fail pass pass" ]
	[ "$(jq -r .result "$BATS_TEST_TMPDIR/r.json")" = fail ]
}

@test "checks file: connections declared in the file, continuation lines" {
	cat > "$BATS_TEST_TMPDIR/c.mig" <<-EOT
	source $S
	target $D
	counts SRC.users = \\
	    DST.users + DST.patients
	EOT
	run -0 --separate-stderr mig-verify -f "$BATS_TEST_TMPDIR/c.mig"
	[[ "$output" == "ok    counts SRC.users = DST.users + DST.patients: 5 = 2 + 3"* ]]
}

@test "--sql writes the checks as SQL a DBA can run, and runs nothing" {
	run -0 --separate-stderr mig-verify -s "$S" -t "$D" -f moh.checks --sql "$BATS_TEST_TMPDIR/post_migration_checks.sql"
	[ "$stderr" = "mig-verify: 7 checks written to $BATS_TEST_TMPDIR/post_migration_checks.sql" ]
	sed -e "s|$S|SRC_URL|" -e "s|$D|DST_URL|" -e "s|$dst|DST_DB|" "$BATS_TEST_TMPDIR/post_migration_checks.sql" > "$BATS_TEST_TMPDIR/actual.sql"
	assert_same "$V/post_migration_checks.sql" "$BATS_TEST_TMPDIR/actual.sql"
	# the target's queries run as written and find no problem
	grep '`' "$BATS_TEST_TMPDIR/post_migration_checks.sql" | grep -v "AS side" > "$BATS_TEST_TMPDIR/dst.sql"
	run -0 myq "$dst" "$(cat "$BATS_TEST_TMPDIR/dst.sql")"
	[ "$(awk -F'\t' '$2 != $3' <<< "$output")" = "" ]
	[ "$(wc -l <<< "$output")" -eq 7 ]
}

@test "--sql turns a stream check into row-count queries" {
	run -0 mig-verify -t "$D" --sql "$BATS_TEST_TMPDIR/s.sql" stream "$V/things.mig" things=DST.users
	grep -qx "SELECT 'stream things -> DST.users' AS \"check\", 3 AS expected, count(\*) AS actual FROM \`users\`;" "$BATS_TEST_TMPDIR/s.sql"
}
