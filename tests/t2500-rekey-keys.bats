#!/usr/bin/env bats
# mig-rekey: key generators, --keep-old, crosswalk files, bad keys.
load lib-common

R="$DATA/rekey"

setup() {
	cd "$BATS_TEST_TMPDIR"
}

@test "keep and seq:START, crosswalks written and renamed, stats lines" {
	run --separate-stderr mig-rekey -k users.id=keep -k appointments.id=seq:100 \
		-x users=u.csv -x appointments=a.csv "$R/clinic.stream"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	printf '%s\n' "$output" > out
	assert_same "$R/keep-seq.expect" out
	printf 'old,new\n1,1\n2,2\n3,3\n4,4\n' > u.expect
	printf 'old,new\n10,100\n11,101\n12,102\n13,103\n' > a.expect
	assert_same u.expect u.csv
	assert_same a.expect a.csv
	[ ! -e u.csv.part ] && [ ! -e a.csv.part ]
	[ "$(stat -c %a u.csv)" = 600 ]
}

@test "seq starts at 1 by default and may start below zero" {
	run -0 mig-rekey -k users.id=seq "$R/clinic.stream"
	[ "$(printf '%s\n' "$output" | grep '^users,' | cut -d, -f2 | tr '\n' ' ')" = "1 2 3 4 " ]
	run -0 mig-rekey -k users.id=seq:-2 "$R/clinic.stream"
	[ "$(printf '%s\n' "$output" | grep '^users,' | cut -d, -f2 | tr '\n' ' ')" = "-2 -1 0 1 " ]
	printf '%s\n' "$output" | grep -qx '@users,id:int,role:text,full_name:text,email:text'
	printf '@a,id\na,1\na,2\na,3\n' > in
	run --separate-stderr -1 mig-rekey -k a.id=seq:9223372036854775806 in
	[ "$stderr" = "mig-rekey: in:4: a: sequence overflows 64 bits" ]
	printf '%s\n' "$output" | grep -qx 'a,9223372036854775807'
}

@test "uuid5 is RFC 9562 version 5 of the old key's text, as Python's uuid.uuid5" {
	run -0 mig-rekey -k users.id=uuid5:dns -x users=u.csv --keep-old users.legacy_user_id \
		"$R/clinic.stream"
	printf '%s\n' "$output" > out
	assert_same "$R/uuid5.expect" out
	# uuid.uuid5(uuid.NAMESPACE_DNS, "1") == b04965e6-a9bb-591f-8f8a-1adcb2c8dc39
	grep -qx '1,b04965e6-a9bb-591f-8f8a-1adcb2c8dc39' u.csv
	# the named namespace and its UUID give the same keys
	run -0 mig-rekey -k users.id=uuid5:6ba7b810-9dad-11d1-80b4-00c04fd430c8 \
		--keep-old users.legacy_user_id "$R/clinic.stream"
	printf '%s\n' "$output" > out2
	assert_same out out2
}

@test "uuid5 agrees with Python's uuid.uuid5 for keys of every length around SHA-1's blocks" {
	# expected values made with: uuid.uuid5(uuid.NAMESPACE_URL, key)
	run -0 mig-rekey -k t.id=uuid5:url -x t=x.csv "$R/uuid5-lengths.stream"
	assert_same "$R/uuid5-lengths.expect" x.csv
}

@test "uuid5 shards agree without sharing state" {
	ns=0b2c5d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e
	run -0 mig-rekey -q -k users.id=uuid5:$ns "$R/clinic.stream"
	printf '%s\n' "$output" | grep '^users,' > whole
	{ echo '@users,id:int,role:text,full_name:text,email:text'; grep '^users,[12],' "$R/clinic.stream"; } > s1
	{ echo '@users,id:int,role:text,full_name:text,email:text'; grep '^users,[34],' "$R/clinic.stream"; } > s2
	{ mig-rekey -k users.id=uuid5:$ns s1; mig-rekey -k users.id=uuid5:$ns s2; } | grep '^users,' > sharded
	assert_same whole sharded
}

@test "uuid4: version 4, variant 10, all distinct, crosswalk matches output" {
	awk 'BEGIN { print "@t,id:int"; for (i = 1; i <= 2000; i++) print "t," i }' > in
	run -0 mig-rekey -k t.id=uuid4 -x t=x.csv in
	printf '%s\n' "$output" | grep '^t,' | cut -d, -f2 > ids
	[ "$(wc -l < ids)" -eq 2000 ]
	[ "$(sort -u ids | wc -l)" -eq 2000 ]
	[ "$(grep -cE '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$' ids)" -eq 2000 ]
	printf '%s\n' "$output" | grep -qx '@t,id:uuid'
	tail -n +2 x.csv | cut -d, -f2 > xids
	assert_same ids xids
	[ "$(tail -n +2 x.csv | cut -d, -f1 | tr '\n' ' ')" = "$(seq 1 2000 | tr '\n' ' ')" ]
}

@test "uuid7: version 7, now's milliseconds, strictly increasing within a run" {
	awk 'BEGIN { print "@t,id:int"; for (i = 1; i <= 5000; i++) print "t," i }' > in
	before=$(( $(date +%s) * 1000 ))
	run -0 mig-rekey -k t.id=uuid7 in
	after=$(( ($(date +%s) + 1) * 1000 ))
	printf '%s\n' "$output" | grep '^t,' | cut -d, -f2 > ids
	[ "$(grep -cE '^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$' ids)" -eq 5000 ]
	LC_ALL=C sort -u ids > sorted
	assert_same ids sorted
	ms=$(( 16#$(head -n 1 ids | tr -d - | cut -c1-12) ))
	[ "$ms" -ge "$before" ] && [ "$ms" -le "$after" ]
}

@test "--keep-old overwrites a column the tag already has" {
	printf '@p,id:int,legacy_id:int,name:text\np,7,,Ann\np,9,,Bo\n' > in
	run -0 mig-rekey -k p.id=seq:1 --keep-old p.legacy_id in
	printf '#!mig-stream 1\n@p,id:int,legacy_id:int,name:text\np,1,7,Ann\np,2,9,Bo\n#!stats mig-rekey p in=2 out=2 dropped=0 rejected=0\n' > expect
	printf '%s\n' "$output" > out
	assert_same expect out
}

@test "text keys, and a map that turns from integers to text midway" {
	printf '@k,id,v\nk,1,a\nk,"x,y",b\nk,"say ""hi""",c\nk,007,d\nk,7,e\n@r,kid\nr,7\nr,007\nr,"x,y"\nr,1\n' > in
	run -0 mig-rekey -k k.id=seq:1 -x k=x.csv -r r.kid=k in
	printf '#!mig-stream 1\n@k,id:int,v\nk,1,a\nk,2,b\nk,3,c\nk,4,d\nk,5,e\n@r,kid:int\nr,5\nr,4\nr,2\nr,1\n#!stats mig-rekey k in=5 out=5 dropped=0 rejected=0\n#!stats mig-rekey r in=4 out=4 dropped=0 rejected=0\n' > expect
	printf '%s\n' "$output" > out
	assert_same expect out
	printf 'old,new\n1,1\n"x,y",2\n"say ""hi""",3\n007,4\n7,5\n' > xexpect
	assert_same xexpect x.csv
}

@test "a NULL key stops the run naming file, line, tag and column" {
	printf '@u,id:int,n\nu,1,a\nu,,b\n' > in
	run --separate-stderr -1 mig-rekey -k u.id=uuid4 -x u=x.csv in
	[ "$stderr" = "mig-rekey: in:3: u: NULL key in column 'id'" ]
	# a failed run leaves the .part file, never a crosswalk that looks complete
	[ ! -e x.csv ] && [ -e x.csv.part ]
}

@test "a duplicate key stops the run; --show-values adds the value" {
	printf '@u,id:int,n\nu,1,a\nu,2,b\nu,1,c\n' > in
	run --separate-stderr -1 mig-rekey -k u.id=seq in
	[ "$stderr" = "mig-rekey: in:4: u: duplicate key in column 'id'" ]
	run --separate-stderr -1 mig-rekey --show-values -k u.id=seq in
	[ "$stderr" = "mig-rekey: in:4: u: duplicate key in column 'id' (value '1')" ]
}

@test "with --reject, bad keys go to the rejects file; over --max-rejects is exit 1" {
	printf '@u,id:int,n\nu,1,a\nu,,b\nu,1,c\nu,2,d\n' > in
	run --separate-stderr -0 mig-rekey -k u.id=seq:10 --reject rj in
	[ -z "$stderr" ]
	printf '#!mig-stream 1\n@u,id:int,n\nu,10,a\nu,11,d\n#!stats mig-rekey u in=4 out=2 dropped=0 rejected=2\n' > expect
	printf '%s\n' "$output" > out
	assert_same expect out
	printf "#!mig-stream 1\n@u,id:int,n,_mig_stage:text,_mig_where:text,_mig_reason:text\nu,,b,mig-rekey,u:2,NULL key in column 'id'\nu,1,c,mig-rekey,u:3,duplicate key in column 'id'\n" > rjexpect
	assert_same rjexpect rj
	run --separate-stderr -1 mig-rekey -k u.id=seq --reject rj --max-rejects 1 in
	[ "$stderr" = "mig-rekey: in:4: u: duplicate key in column 'id'; more than 1 rejects" ]
}

@test "NDJSON in and out" {
	"$MIG_BUILD/tests/unit/streamcat" -f ndjson "$R/clinic.stream" > in.ndjson
	run -0 mig-rekey -F ndjson -k users.id=seq:1 -q in.ndjson
	printf '%s\n' "$output" | grep -q '"type":"RECORD","stream":"users","record":{"id":4,"role":"NURSE"'
	run -0 mig-rekey -k users.id=keep in.ndjson
	printf '%s\n' "$output" | grep -v '^#!stats' > out
	mig-rekey -k users.id=keep "$R/clinic.stream" | grep -v '^#!stats' > expect
	assert_same expect out
}

@test "a write error on stdout is exit 2" {
	run --separate-stderr -2 bash -c "mig-rekey -k users.id=seq '$R/clinic.stream' > /dev/full"
	[[ "$stderr" == *"<stdout>"* ]]
}

@test "100,000 keys through growth and the switch to text keys all resolve" {
	awk 'BEGIN {
		srand(7)
		print "@k,id"
		for (i = 1; i <= 100000; i++) { v = int(rand() * 1e15) * 2 + (i % 2); if (!(v in s)) { s[v] = 1; o[n++] = v; print "k," v } }
		print "k,text-key"
		print "@r,kid"
		for (i = n - 1; i >= 0; i -= 3) print "r," o[i]
		print "r,text-key"
	}' > in
	run -0 mig-rekey -k k.id=seq:1 -x k=x.csv -r r.kid=k in
	printf '%s\n' "$output" > out
	# every reference resolves to the sequence number its key received
	awk -F, 'FILENAME == ARGV[1] && FNR > 1 { xw[$1] = $2; next }
		FILENAME == ARGV[2] && /^r,/ { want[n++] = xw[$2] }
		FILENAME == ARGV[3] && /^r,/ { if ($2 != want[m++] || $2 == "") bad++ }
		END { exit !(m == n && m > 30000 && bad == 0) }' x.csv in out
	[ "$(tail -n 1 x.csv | cut -d, -f1)" = text-key ]
}

@test "rekey: a crosswalk or audit to a device or a pipe is written in place, never renamed over it" {
	[ "$(id -u)" -eq 0 ] || skip "making a device node needs root"
	# a node of our own for the null device: a broken writer must not replace /dev/null itself
	mknod -m 666 "$BATS_TEST_TMPDIR/null" c 1 3
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	cat "$BATS_TEST_TMPDIR/fifo" >"$BATS_TEST_TMPDIR/from-fifo" &
	printf '@u,id:int\nu,1\nu,2\n' >"$BATS_TEST_TMPDIR/in"
	run -0 mig-rekey -q -k u.id=seq:10 -x u="$BATS_TEST_TMPDIR/null" "$BATS_TEST_TMPDIR/in"
	[ -c "$BATS_TEST_TMPDIR/null" ]
	[ ! -e "$BATS_TEST_TMPDIR/null.part" ]
	run -0 mig-rekey -q -k u.id=seq:10 -x u="$BATS_TEST_TMPDIR/fifo" "$BATS_TEST_TMPDIR/in"
	wait
	[ -p "$BATS_TEST_TMPDIR/fifo" ]
	[ "$(cat "$BATS_TEST_TMPDIR/from-fifo")" = "$(printf 'old,new\n1,10\n2,11')" ]
}
