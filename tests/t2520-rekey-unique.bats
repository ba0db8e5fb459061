#!/usr/bin/env bats
# mig-rekey: --unique and --unique-nocase with counter suffixes, the audit file.
load lib-common

setup() {
	cd "$BATS_TEST_TMPDIR"
	printf '@u,id:int,email:text\nu,1,a@x.org\nu,2,a+2@x.org\nu,3,a@x.org\nu,4,A@X.ORG\nu,5,\nu,6,""\nu,7,""\nu,8,bob\nu,9,bob\nu,10,a@x.org\n' > in
}

@test "--unique: +N before the @ of an email, skipping values taken; -N elsewhere" {
	run --separate-stderr -0 mig-rekey --unique u.email -a audit.csv in
	printf '%s\n' "$output" > out
	printf '%s\n' '#!mig-stream 1' '@u,id:int,email:text' u,1,a@x.org u,2,a+2@x.org u,3,a+3@x.org \
		u,4,A@X.ORG u,5, 'u,6,""' 'u,7,""' u,8,bob u,9,bob-2 u,10,a+4@x.org \
		'#!stats mig-rekey u in=10 out=10 dropped=0 rejected=0 suffixed=3' > expect
	assert_same expect out
	printf '%s\n' tag,row,key,column,old,new u,3,3,email,a@x.org,a+3@x.org u,9,9,email,bob,bob-2 \
		u,10,10,email,a@x.org,a+4@x.org > aexpect
	assert_same aexpect audit.csv
	[ "$(stat -c %a audit.csv)" = 600 ] && [ ! -e audit.csv.part ]
}

@test "--unique-nocase: values clash whatever their case, and keep it" {
	run --separate-stderr -0 mig-rekey --unique-nocase u.email -a audit.csv in
	printf '%s\n' "$output" | grep '^u,4,\|stats' > out
	printf '%s\n' u,4,A+4@X.ORG '#!stats mig-rekey u in=10 out=10 dropped=0 rejected=0 suffixed=4' > expect
	assert_same expect out
	printf '%s\n' tag,row,key,column,old,new u,3,3,email,a@x.org,a+3@x.org u,4,4,email,A@X.ORG,A+4@X.ORG \
		u,9,9,email,bob,bob-2 u,10,10,email,a@x.org,a+5@x.org > aexpect
	assert_same aexpect audit.csv
}

@test "one unique set across tags; the audit key is the new key" {
	printf '@t,id:int,email:text\nt,1,ann@s.org\n@p,id:int,email:text\np,1,ANN@s.org\np,2,cy@s.org\n@s,id:int,email:text\ns,1,cy@s.org\ns,2,ann@s.org\n' > in3
	run --separate-stderr -0 mig-rekey -k p.id=seq:100 --unique-nocase t.email,p.email,s.email -a audit.csv in3
	printf '%s\n' "$output" | grep -v '^@\|^#' > out
	printf '%s\n' t,1,ann@s.org p,100,ANN+2@s.org p,101,cy@s.org s,1,cy+2@s.org s,2,ann+3@s.org > expect
	assert_same expect out
	printf '%s\n' tag,row,key,column,old,new p,1,100,email,ANN@s.org,ANN+2@s.org \
		s,1,1,email,cy@s.org,cy+2@s.org s,2,2,email,ann@s.org,ann+3@s.org > aexpect
	assert_same aexpect audit.csv
}

@test "20000 copies of one value get 20000 distinct values" {
	awk 'BEGIN { print "@u,e"; for (i = 1; i <= 20000; i++) print "u,same@x.org" }' > many
	run -0 mig-rekey -u u.e many
	[ "$(printf '%s\n' "$output" | grep -c '^u,')" -eq 20000 ]
	[ "$(printf '%s\n' "$output" | grep '^u,' | sort -u | wc -l)" -eq 20000 ]
	printf '%s\n' "$output" | grep -qx 'u,same+20000@x.org'
}

@test "a unique column the tag lacks is an error at its header" {
	run --separate-stderr -2 mig-rekey --unique u.mail in
	[ "$stderr" = "mig-rekey: in:1: tag 'u' has no column 'mail' (did you mean 'email'?) (rule 'unique u.mail')" ]
}
