#!/usr/bin/env bats
# pipelines/medical takes its URLs from the environment, as the README
# says (export SRC=... DST=...; make ...), and no program it runs sees a
# password on its command line: psql gets it through PGPASSWORD, mariadb
# through MYSQL_PWD, the mig tools overwrite their copy.
load lib-common

MED="$MIG_TOP/pipelines/medical"

setup() {
	require_servers
	db=$(test_db)
	pg_newdb "$db"
	my_newdb "$db"
	myq "$db" "CREATE USER IF NOT EXISTS 'mig_med'@'localhost' IDENTIFIED BY 'MedPw9z';
		GRANT ALL ON \`$db\`.* TO 'mig_med'@'localhost'"
	# the test PostgreSQL trusts local connections: the password is carried, not checked
	export DST="postgresql://postgres:PgPw7q@/$db?host=$MIG_PG_SOCK&port=$MIG_PG_PORT"
	export SRC="mysql://mig_med:MedPw9z@localhost/$db?socket=$MIG_MY_SOCK"
	# a psql that writes down how it was called, then runs the real one
	mkdir -p "$BATS_TEST_TMPDIR/spy"
	real=$(command -v psql)
	printf '#!/bin/sh\nprintf "%%s|%%s\\n" "$*" "${PGPASSWORD:+pgpassword}" >> "%s/psql.argv"\nexec %s "$@"\n' \
		"$BATS_TEST_TMPDIR" "$real" > "$BATS_TEST_TMPDIR/spy/psql"
	chmod +x "$BATS_TEST_TMPDIR/spy/psql"
	export PATH="$BATS_TEST_TMPDIR/spy:$PATH"
}

@test "medical: URLs from the environment, never on a command line" {
	run -0 --separate-stderr make -s -C "$MED" MIG_BIN="$MIG_BIN" RUN="$BATS_TEST_TMPDIR/run" SCALE=100 \
		DATA="$BATS_TEST_TMPDIR/data" data load-v1 schema
	[ "$(pgq "$db" "SELECT count(*) FROM information_schema.tables WHERE table_name = 'patients'")" = 1 ]
	[ "$(myq "$db" "SELECT count(*) FROM users")" = 100 ]
	[ -s "$BATS_TEST_TMPDIR/psql.argv" ]
	! grep -q 'PgPw7q' "$BATS_TEST_TMPDIR/psql.argv"
	grep -q '|pgpassword$' "$BATS_TEST_TMPDIR/psql.argv"
	! grep -q 'PgPw7q\|MedPw9z' <<< "$output$stderr"
}
