#!/usr/bin/env bats
# mig-verify schema: diff of two catalogs, live or saved by mig-extract --schema.
load lib-common

V=$DATA/verify

setup() {
	require_servers
	a=$(test_db a); pg_newdb "$a"; pgq "$a" "$(cat "$V/moh-src-pg.sql")"
	b=$(test_db b); pg_newdb "$b"; pgq "$b" "$(cat "$V/moh-src-pg.sql")"
	cd "$BATS_TEST_TMPDIR"
}

change_b() {
	pgq "$b" "ALTER TABLE users ADD COLUMN phone text; ALTER TABLE users ALTER COLUMN full_name SET NOT NULL;
		ALTER TABLE users ALTER COLUMN email TYPE varchar(200); ALTER TABLE users ADD CONSTRAINT users_email UNIQUE (email);
		ALTER TABLE appointments DROP CONSTRAINT appointments_user_id_fkey; CREATE TABLE visits (id int PRIMARY KEY)"
}

@test "schema: two identical live databases" {
	run -0 --separate-stderr mig-verify -s "$(pg_url "$a")" -t "$(pg_url "$b")" schema SRC DST md=diff.md
	[ "$output" = "ok    schema SRC DST md=diff.md: 0 differences
mig-verify: 1 passed, 0 failed, 0 errors" ]
	grep -qx 'No differences.' diff.md
}

@test "schema: a saved mig-extract --schema file against a changed live database" {
	mig-extract --schema "$(pg_url "$a")" > a.json
	run -0 mig-verify -t "$(pg_url "$b")" schema a.json DST
	change_b
	run -1 --separate-stderr mig-verify -t "$(pg_url "$b")" --report r.json schema a.json DST md=diff.md json=diff.json
	assert_same "$V/schema-diff.md" diff.md
	[[ "$output" == "FAIL  schema a.json DST md=diff.md json=diff.json: 6 differences"* ]]
	[[ "$output" == *"    users: type changed email: text -> character varying(200)"* ]]
	[ "$(jq -r '.differences | length' diff.json)" = 6 ]
	[ "$(jq -r '.checks[0].differences[3] | .table + " " + .change + " " + .item' r.json)" = "users column added phone" ]
}

@test "schema: nofail documents the differences and passes" {
	change_b
	run -0 --separate-stderr mig-verify -s "$(pg_url "$a")" -t "$(pg_url "$b")" schema SRC DST md=diff.md nofail
	[[ "$output" == "ok    schema SRC DST md=diff.md nofail: 6 differences (nofail)"* ]]
	grep -q '^| unique added | `email` |' diff.md
}

@test "schema: PostgreSQL v1 against the MariaDB v2 of seed 001" {
	d=$(test_db d); my_newdb "$d"; myq "$d" "$(cat "$V/moh-dst-my.sql")"
	run -1 --separate-stderr mig-verify -s "$(pg_url "$a")" -t "$(my_url "$d")" schema SRC DST md=diff.md
	grep -q '^| table added | `patients` | 4 |$' diff.md
	grep -q '^| column removed | `user_id` | bigint |  |$' diff.md
	grep -q '^| foreign key added | `(patient_id) -> patients(id)` |  |  |$' diff.md
}

@test "schema: an unreadable schema file is an error naming it" {
	echo '{"tables": 3' > bad.json
	run -2 --separate-stderr mig-verify -t "$(pg_url "$b")" schema bad.json DST
	[[ "$stderr" == *"    bad.json:2: '}' expected near end of file"* ]]
}

@test "schema: CHECK constraints by name, their text within one dialect; saved by mig-extract --schema" {
	pgq "$a" "ALTER TABLE users ADD CONSTRAINT users_id_check CHECK (id > 0);
		ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('DOCTOR', 'NURSE', 'PATIENT'))"
	pgq "$b" "ALTER TABLE users ADD CONSTRAINT users_id_check CHECK (id < 100);
		ALTER TABLE users ADD CONSTRAINT users_name_check CHECK (full_name <> '')"
	mig-extract --schema "$(pg_url "$a")" users > a.json
	[ "$(jq -r '.tables[0].checks | map(.name + ": " + .def) | join("; ")' a.json)" = \
		"users_id_check: CHECK ((id > 0)); users_role_check: CHECK ((role = ANY (ARRAY['DOCTOR'::text, 'NURSE'::text, 'PATIENT'::text])))" ]
	# a table without checks has no member for them
	mig-extract --schema "$(pg_url "$a")" appointments > app.json
	[ "$(jq -r '.tables[0] | has("checks")' app.json)" = false ]
	run -1 --separate-stderr mig-verify -t "$(pg_url "$b")" schema a.json DST md=diff.md json=diff.json
	[ "$(jq -r '.differences[] | select(.change | startswith("check")) | [.change, .item, .from // "-", .to // "-"] | join(" | ")' diff.json)" = \
"check changed | users_id_check | CHECK ((id > 0)) | CHECK ((id < 100))
check removed | users_role_check | CHECK ((role = ANY (ARRAY['DOCTOR'::text, 'NURSE'::text, 'PATIENT'::text]))) | -
check added | users_name_check | - | CHECK ((full_name <> ''::text))" ]
	grep -q '^| check added | `users_name_check` |  | CHECK ((full_name <> '"''"'::text)) |$' diff.md
	# MariaDB spells the same check its own way: names alone are compared
	d=$(test_db d); my_newdb "$d"
	myq "$d" "CREATE TABLE users (id bigint PRIMARY KEY, role text NOT NULL, full_name text, email text,
		CONSTRAINT users_id_check CHECK (id > 0), CONSTRAINT users_role_check CHECK (role IN ('DOCTOR', 'NURSE', 'PATIENT')));
		CREATE TABLE appointments (id bigint PRIMARY KEY, user_id bigint, at datetime, j json)"
	run -1 --separate-stderr mig-verify -s "$(pg_url "$a")" -t "$(my_url "$d")" schema SRC DST json=my.json
	[ "$(jq -r '[.differences[] | select(.change | startswith("check"))] | length' my.json)" = 0 ]
	myq "$d" "ALTER TABLE users DROP CONSTRAINT users_role_check"
	run -1 --separate-stderr mig-verify -s "$(pg_url "$a")" -t "$(my_url "$d")" schema SRC DST json=my.json
	[ "$(jq -r '.differences[] | select(.change | startswith("check")) | .change + " " + .item' my.json)" = "check removed users_role_check" ]
	# SQLite's checks are not read, so none are compared against it
	sqlite3 "$BATS_TEST_TMPDIR/s.db" "CREATE TABLE users (id bigint PRIMARY KEY, role text NOT NULL, full_name text,
		email text, CONSTRAINT users_other_check CHECK (id < 9))"
	run -1 --separate-stderr mig-verify -s "$(pg_url "$a")" -t "$BATS_TEST_TMPDIR/s.db" schema SRC DST json=sq.json
	[ "$(jq -r '.differences[] | .change' sq.json | grep -c '^check')" = 0 ]
	[ "$(jq -r '.differences[] | .change' sq.json | grep -c '^table removed')" = 1 ]
	# the JSON column's json_valid() is its type, not a check
	mig-extract --schema "$(my_url "$d")" users appointments > my-schema.json
	[ "$(jq -r '.tables[0].checks | map(.name + ": " + .def) | join("; ")' my-schema.json)" = 'users_id_check: CHECK (`id` > 0)' ]
	[ "$(jq -r '.tables[1] | has("checks")' my-schema.json)" = false ]
	[ "$(jq -r '.tables[1].columns[3].type' my-schema.json)" = json ]
}
