#!/usr/bin/env bats
# mig-rekey --lookup: any column of another tag's record by key, from
# records earlier in the stream, a saved stream or a crosswalk, with the
# missing-key policy of references.
load lib-common

setup() {
	cd "$BATS_TEST_TMPDIR"
	# seed 003: a session's missing trainer is its client's trainer
	printf '%s\n' '@client,id:int,trainer_id:int' 'client,1,7' 'client,2,' \
		'@session,id:int,client_id:int,trainer_id:int' 'session,1,1,' 'session,2,1,8' \
		'session,3,2,' 'session,4,9,' > in
}

@test "a session's missing trainer filled from its client, earlier in the stream" {
	run --separate-stderr -0 mig-rekey -m null --lookup 'session.trainer_id=client.trainer_id by client_id if-null' in
	printf '%s\n' "$output" > out
	grep -qx 'session,1,1,7' out
	grep -qx 'session,2,1,8' out
	grep -qx 'session,3,2,' out
	grep -qx 'session,4,9,' out
	grep -qx '#!stats mig-rekey session in=4 out=4 dropped=0 rejected=0 missing=1' out
	grep -qx 'client,1,7' out
	# without if-null every value is replaced
	run --separate-stderr -0 mig-rekey -m null --lookup 'session.trainer_id=client.trainer_id by client_id' in
	printf '%s\n' "$output" | grep -qx 'session,2,1,7'
}

@test "missing keys: error, drop, reject, as for references" {
	run --separate-stderr -1 mig-rekey --lookup 'session.trainer_id=client.trainer_id by client_id' in
	[ "$stderr" = "mig-rekey: in:8: session: no client record for column 'client_id' (rule 'lookup session.trainer_id=client.trainer_id by client_id')" ]
	run --separate-stderr -0 mig-rekey -m drop --lookup 'session.trainer_id=client.trainer_id by client_id' in
	printf '%s\n' "$output" | grep -qx '#!stats mig-rekey session in=4 out=3 dropped=1 rejected=0 missing=1'
	run --separate-stderr -0 mig-rekey -m reject --reject rj --lookup 'session.trainer_id=client.trainer_id by client_id' in
	grep -q "no client record" rj
}

@test "from a saved stream, into a new column, on a named key column" {
	printf '%s\n' '@client,cid:int,name:text' 'client,1,Ann' 'client,2,Bob' > saved.stream
	sed -n '4,$p' in > sessions
	run --separate-stderr -0 mig-rekey -m null \
		--lookup 'session.client_name=client.name by client_id on cid from saved.stream' sessions
	printf '%s\n' "$output" | grep -qx '@session,id:int,client_id:int,trainer_id:int,client_name:text'
	printf '%s\n' "$output" | grep -qx 'session,3,2,,Bob'
	printf '%s\n' "$output" | grep -qx 'session,4,9,,'
}

@test "from a crosswalk: the new key of the referenced record, beside the old one" {
	printf '%s\n' old,new 1,a1b2c3d4-0000-4000-8000-000000000001 2,a1b2c3d4-0000-4000-8000-000000000002 > c.csv
	run --separate-stderr -0 mig-rekey -m null -l clients=c.csv \
		--lookup 'session.client_uuid=clients.new by client_id' in
	printf '%s\n' "$output" | grep -qx '@session,id:int,client_id:int,trainer_id:int,client_uuid:uuid'
	printf '%s\n' "$output" | grep -qx 'session,3,2,,a1b2c3d4-0000-4000-8000-000000000002'
	run --separate-stderr -2 mig-rekey -l clients=c.csv --lookup 'session.x=clients.old by client_id' in
	[[ $stderr == *"a crosswalk's column is 'new'"* ]]
	run --separate-stderr -2 mig-rekey --lookup 'session.x=client.trainer_id' in
	[[ $stderr == *"no 'by COLUMN'"* ]]
}
