#!/usr/bin/env bats
# On a terminal, a pipeline of mig tools draws one progress display: the
# last stage's (its standard output is not a pipe), with rows/s and the ETA
# of the count hint, and a closing summary with elapsed time and rate.
load lib-common

setup() {
	command -v script >/dev/null || skip "no script(1)"
	S=$BATS_TEST_TMPDIR/s.mig
	awk 'BEGIN { print "#!count t 9000"; print "@t,id:int,v:text"
		for (i = 1; i <= 9000; i++) print "t," i ",v" i }' >"$S"
}

# Run a shell command on a pseudo-terminal; what the terminal showed goes
# to $BATS_TEST_TMPDIR/tty.
on_tty() {
	script -qec "$1" /dev/null </dev/null >"$BATS_TEST_TMPDIR/tty"
}

# The terminal's output as lines, without the erase-line sequences.
tty_lines() {
	tr '\r' '\n' <"$BATS_TEST_TMPDIR/tty" | sed 's/\x1b\[K//g' >"$BATS_TEST_TMPDIR/lines"
}

@test "only the last stage of a pipeline draws, with an ETA and a closing summary" {
	cd "$BATS_TEST_TMPDIR"
	on_tty "mig-split 't -> t (id, v)' s.mig | mig-map 't.v = upper(v)' | mig-rekey -k t.id=seq:1 >out.mig"
	tty_lines
	! grep -q '^mig-split' lines
	! grep -q '^mig-map' lines
	grep -q '^mig-rekey: t: 4096 rows, [0-9]* rows/s, ETA [0-9]*:[0-9][0-9]' lines
	grep -Eq '^mig-rekey: 9000 rows in [0-9]+\.[0-9] s, [0-9]+ rows/s$' lines
	[ "$(grep -c 'rows in' lines)" -eq 1 ]
	[ "$(grep -c '^t,' out.mig)" -eq 9000 ]
}

@test "mig-load at the end of a pipeline draws its tag, not an empty one" {
	cd "$BATS_TEST_TMPDIR"
	mkdir out
	on_tty "mig-map 't.v = upper(v)' s.mig | mig-load csv:out >/dev/null"
	tty_lines
	! grep -q '^mig-map' lines
	grep -q '^mig-load: t: 4096 rows, [0-9]* rows/s, ETA ' lines
	! grep -q '^mig-load: : ' lines
	grep -Eq '^mig-load: 9000 rows in [0-9]+\.[0-9] s, [0-9]+ rows/s' lines
}

@test "a single tool on a terminal draws; -q silences it" {
	cd "$BATS_TEST_TMPDIR"
	on_tty "mig-map 't.v = upper(v)' s.mig >out.mig"
	grep -q 'mig-map: 9000 rows in ' tty
	on_tty "mig-map -q 't.v = upper(v)' s.mig >out.mig"
	! grep -q 'rows' tty
}

@test "mig-extract draws only when it is the last stage" {
	cd "$BATS_TEST_TMPDIR"
	mkdir src
	awk 'BEGIN { print "id,v"; for (i = 1; i <= 5000; i++) print i ",v" i }' >src/t.csv
	on_tty "mig-extract csv:src t >out.mig"
	tty_lines
	grep -Eq '^mig-extract: 5000 rows in [0-9]+\.[0-9] s, [0-9]+ rows/s' lines
	on_tty "mig-extract csv:src t | mig-map 't.v = upper(v)' >out.mig"
	tty_lines
	! grep -q '^mig-extract' lines
	grep -q '^mig-map: 5000 rows in ' lines
}
