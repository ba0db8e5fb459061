#!/usr/bin/env bats
# mig-rekey: rules from options and files, checked before any record;
# usage errors quote the rule.
load lib-common

R="$DATA/rekey"

setup() {
	cd "$BATS_TEST_TMPDIR"
}

# bad_rule EXPECTED-MESSAGE ARGS...: exit 2 with exactly that message, on
# an input that would block forever, so the check is proven to come first.
bad_rule() {
	local want=$1
	shift
	mkfifo never
	run --separate-stderr -2 timeout 10 mig-rekey "$@" never
	rm -f never
	[ "$stderr" = "mig-rekey: $want" ] || { echo "got: $stderr"; return 1; }
}

@test "malformed rules are usage errors naming the rule" {
	bad_rule "rule 'key users.id=uuid9': unknown generator 'uuid9'" -k users.id=uuid9
	bad_rule "rule 'key users.id=seq:1x': '1x' is not a whole number" -k users.id=seq:1x
	bad_rule "rule 'key users.id=uuid5:nope': namespace 'nope' is not a UUID, dns, url, oid or x500" \
		-k users.id=uuid5:nope
	bad_rule "rule 'key users=seq': 'users' is not TAG.COLUMN" -k users=seq
	bad_rule "rule 'key users.id': expected TAG.COLUMN=GENERATOR" -k users.id
	bad_rule "rule 'key users.id=seq': tag 'users' already has a key rule" -k users.id=seq -k users.id=seq
	bad_rule "rule 'ref a.x=': expected TAG.COLUMN=SOURCE[:COLUMN],..." -r a.x=
	bad_rule "rule 'ref a.x=b:': empty source or column" -r a.x=b:
	bad_rule "rule 'ref a.x=users': no key rule or loaded crosswalk called 'users'" -r a.x=users
	bad_rule "rule 'ref a.id=a': 'id' is the key column of 'a'" -k a.id=seq -r a.id=a
	bad_rule "rule 'on-missing ignore': policy is error, null, drop or reject" -m ignore
	bad_rule "rule 'keep-old users.old_id': tag 'users' has no key rule" --keep-old users.old_id
	bad_rule "rule 'crosswalk users=x.csv': tag 'users' has no key rule" -x users=x.csv
	bad_rule "rule 'dedupe users (email)': expected TAG on (COLUMN, ...)" -d 'users (email)'
	bad_rule "rule 'dedupe users on email': expected TAG on (COLUMN, ...)" -d 'users on email'
}

@test "a rules file does what the same options do; its errors name file:line" {
	cat > rules <<-'END'
	# clinic
	key users.id=seq:500

	ref appointments.user_id=users
	ref    appointments.doctor_id = users
	END
	run -0 mig-rekey -f rules "$R/clinic.stream"
	printf '%s\n' "$output" > out
	assert_same "$R/ref-same.expect" out
	printf 'key users.id=seq\nrekey users.id=seq\n' > bad
	run --separate-stderr -2 mig-rekey -f bad "$R/clinic.stream"
	[ "$stderr" = "mig-rekey: bad:2: unknown rule 'rekey'" ]
	printf '\n\nkey users.id=uuid6\n' > bad
	run --separate-stderr -2 mig-rekey -f bad "$R/clinic.stream"
	[ "$stderr" = "mig-rekey: bad:3: rule 'key users.id=uuid6': unknown generator 'uuid6'" ]
	run --separate-stderr -2 mig-rekey -f nosuch "$R/clinic.stream"
	[ "$stderr" = "mig-rekey: nosuch: cannot open: No such file or directory" ]
}

@test "a column the tag lacks is a usage error at its header, with file and line" {
	run --separate-stderr -2 mig-rekey -k users.uid=seq "$R/clinic.stream"
	[ "$stderr" = "mig-rekey: $R/clinic.stream:3: tag 'users' has no column 'uid' (did you mean 'id'?) (rule 'key users.uid=seq')" ]
	run --separate-stderr -2 mig-rekey -k users.id=seq -r appointments.patient_id=users "$R/clinic.stream"
	[ "$stderr" = "mig-rekey: $R/clinic.stream:9: tag 'appointments' has no column 'patient_id' (rule 'ref appointments.patient_id=users')" ]
}

@test "a schema-qualified tag splits at the last dot" {
	printf '@public.users,id:int\npublic.users,5\n' > in
	run -0 mig-rekey -k public.users.id=seq:1 in
	printf '%s\n' "$output" | grep -qx 'public.users,1'
}

@test "tags without rules, comments and control lines pass through" {
	# (a key rule for a tag that never came is an error: users keeps its keys)
	run -0 mig-rekey -k users.id=keep "$R/clinic.stream"
	printf '%s\n' "$output" | grep -v '^#!stats mig-rekey' > out
	assert_same "$R/clinic.stream" out
	printf '%s\n' "$output" | grep -qx '#!stats mig-rekey appointments in=4 out=4 dropped=0 rejected=0'
}

@test "-h, --version, a bad option, two operands, a malformed stream" {
	run --separate-stderr -0 mig-rekey -h
	[[ "$output" == usage:* ]] && [ -z "$stderr" ]
	run -0 mig-rekey --version
	[[ "$output" == mig-rekey* ]]
	run --separate-stderr -2 mig-rekey --bogus
	[[ "$stderr" == *usage:* ]]
	run --separate-stderr -2 mig-rekey a b
	printf '@a,x\na,1,2\n' > bad
	run --separate-stderr -1 mig-rekey -k a.x=seq bad
	[ "$stderr" = "mig-rekey: bad:2: tag 'a' row 1 has 2 fields, its header has 1 columns" ]
}

@test "--stats reports each rekeyed tag's keys and key-map size on stderr" {
	# nobody comes as a header without records
	{ cat "$R/uuid5-lengths.stream"; printf '@nobody,id:int\n'; } > in
	run --separate-stderr -0 mig-rekey --stats -k t.id=seq -k nobody.id=seq in
	[[ "$stderr" == "mig-rekey: t: 20 keys, "*" bytes of key map ("*" per key)"* ]]
	[[ "$stderr" == *"mig-rekey: nobody: 0 keys, 0 bytes of key map" ]]
}

@test "the man page lints clean" {
	run -0 mandoc -Tlint -Wwarning "$MIG_TOP/man/mig-rekey.1"
	[ -z "$output" ]
}
