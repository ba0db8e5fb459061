#!/usr/bin/env bats
# mig-map --passwords FILE writes secrets: it makes FILE a private regular
# file, and refuses, leaving them as they were, a device, a symbolic link,
# a pipe and another user's file.
load lib-common

setup() {
	printf '@u,id:int\nu,1\n' >"$BATS_TEST_TMPDIR/in"
}

pwmap() {
	run --separate-stderr mig-map --passwords "$1" --bcrypt-cost 4 'u.p = password(id)' <"$BATS_TEST_TMPDIR/in"
}

@test "passwords: a device is refused and keeps its mode" {
	[ "$(id -u)" -eq 0 ] || skip "making a device node needs root"
	# A node of our own for the null device: a broken check must not change /dev/null itself.
	mknod -m 666 "$BATS_TEST_TMPDIR/null" c 1 3
	pwmap "$BATS_TEST_TMPDIR/null"
	[ "$status" -eq 2 ]
	[ "$stderr" = "mig-map: $BATS_TEST_TMPDIR/null: --passwords needs a regular file, not a device, pipe or socket" ]
	[ "$(stat -c %a "$BATS_TEST_TMPDIR/null")" = 666 ]
	[ -z "$output" ]
}

@test "passwords: a symbolic link is refused and its target left as it was" {
	echo keep >"$BATS_TEST_TMPDIR/target"
	chmod 644 "$BATS_TEST_TMPDIR/target"
	ln -s target "$BATS_TEST_TMPDIR/link"
	pwmap "$BATS_TEST_TMPDIR/link"
	[ "$status" -eq 2 ]
	[ "$stderr" = "mig-map: $BATS_TEST_TMPDIR/link: --passwords will not write through a symbolic link" ]
	[ "$(cat "$BATS_TEST_TMPDIR/target")" = keep ]
	[ "$(stat -c %a "$BATS_TEST_TMPDIR/target")" = 644 ]
}

@test "passwords: a pipe is refused" {
	mkfifo -m 644 "$BATS_TEST_TMPDIR/fifo"
	pwmap "$BATS_TEST_TMPDIR/fifo"
	[ "$status" -eq 2 ]
	[[ "$stderr" == "mig-map: $BATS_TEST_TMPDIR/fifo: "* ]]
	[ "$(stat -c %a "$BATS_TEST_TMPDIR/fifo")" = 644 ]
}

@test "passwords: another user's file is refused untouched; our own is made private" {
	[ "$(id -u)" -eq 0 ] || skip "giving a file to another user needs root"
	echo theirs >"$BATS_TEST_TMPDIR/other"
	chmod 644 "$BATS_TEST_TMPDIR/other"
	chown nobody "$BATS_TEST_TMPDIR/other"
	pwmap "$BATS_TEST_TMPDIR/other"
	[ "$status" -eq 2 ]
	[ "$stderr" = "mig-map: $BATS_TEST_TMPDIR/other: --passwords will not take over a file owned by another user" ]
	[ "$(cat "$BATS_TEST_TMPDIR/other")" = theirs ]
	[ "$(stat -c %a "$BATS_TEST_TMPDIR/other")" = 644 ]
	echo old-secrets-and-more >"$BATS_TEST_TMPDIR/mine"
	chmod 644 "$BATS_TEST_TMPDIR/mine"
	pwmap "$BATS_TEST_TMPDIR/mine"
	[ "$status" -eq 0 ]
	[ "$(stat -c %a "$BATS_TEST_TMPDIR/mine")" = 600 ]
	[ "$(sed -n 1p "$BATS_TEST_TMPDIR/mine")" = tag,key,password ]
	[ "$(wc -l <"$BATS_TEST_TMPDIR/mine")" -eq 2 ]
}
