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

@test "passwords: only records written leave a line (a reject, an exploded element's reject, an empty explode: none)" {
	printf '@u,id:int,n:text,tags:text\nu,1,7,a\nu,2,x,b\nu,3,8,"c,d"\nu,4,9,"e,zz"\nu,5,6,\n' >"$BATS_TEST_TMPDIR/in2"
	run -0 --separate-stderr mig-map -q --passwords "$BATS_TEST_TMPDIR/pw" --bcrypt-cost 4 \
		--on-error reject --reject "$BATS_TEST_TMPDIR/rej" \
		-e 'u.p = password(id, 12)' -e 'u.k = cast(n, int)' \
		-e "explode u.tag = string_to_array(tags, ',')" -e 'u.t1 = cast(if(length(tag) = 1, tag, null), text)' \
		-e "u.t2 = cast(if(tag = 'zz', 'x', '1'), int)" "$BATS_TEST_TMPDIR/in2"
	# 1 and 3 written (3 twice, one password: it ran before the explode);
	# 2 (a bad int) and 4 (its second element) rejected; 5 exploded nothing.
	[ "$(sed 1d "$BATS_TEST_TMPDIR/pw" | cut -d, -f1,2 | tr '\n' ' ')" = 'u,1 u,3 ' ]
	[ "$(awk -F, 'NR > 1 { print length($3) }' "$BATS_TEST_TMPDIR/pw" | sort -u)" = 12 ]
	[ "$(grep -c '^u,' <<<"$output")" = 3 ]
	[[ "$output" == *'#!stats mig-map u in=5 out=3 dropped=1 rejected=2'* ]]
	# Each hash written is the hash of the line kept for its id.
	[ "$(grep '^u,3,' <<<"$output" | cut -d, -f5 | sort -u | wc -l)" = 1 ]
}
