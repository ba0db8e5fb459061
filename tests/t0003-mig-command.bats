#!/usr/bin/env bats
# The mig command: mig TOOL runs mig-TOOL (beside mig first, then PATH),
# mig help TOPIC opens a page, mig --version, mig -h.
load lib-common

@test "mig TOOL runs mig-TOOL with its arguments, status and streams" {
	local t
	for t in extract split map rekey load verify; do
		run -0 --separate-stderr mig "$t" --version
		[ "$output" = "$(mig-$t --version)" ] || { echo "mig $t: $output"; return 1; }
		run -0 --separate-stderr mig "$t" -h
		[[ "${lines[0]}" == "usage: mig-$t "* ]]
	done
	printf '@t,a\nt,1\n' >"$BATS_TEST_TMPDIR/in"
	run -0 --separate-stderr mig map 't.b = a' "$BATS_TEST_TMPDIR/in"
	[ "$output" = "$(mig-map 't.b = a' "$BATS_TEST_TMPDIR/in")" ]
	run -2 --separate-stderr mig split --no-such-option
	[[ "$stderr" == *"usage: mig-split "* ]]
}

@test "mig looks beside its own executable first, then on PATH" {
	local d=$BATS_TEST_TMPDIR
	mkdir -p "$d/a" "$d/b"
	cp "$MIG_BIN/mig" "$d/a/mig"
	printf '#!/bin/sh\necho beside "$@"\n' >"$d/a/mig-hello"
	printf '#!/bin/sh\necho path "$@"\n' >"$d/b/mig-hello"
	printf '#!/bin/sh\necho path "$@"\n' >"$d/b/mig-other"
	chmod +x "$d/a/mig-hello" "$d/b/mig-hello" "$d/b/mig-other"
	PATH="$d/b:$PATH" run -0 "$d/a/mig" hello 1 2
	[ "$output" = "beside 1 2" ]
	PATH="$d/b:$PATH" run -0 "$d/a/mig" other x
	[ "$output" = "path x" ]
	PATH="$d/b:$PATH" run -2 --separate-stderr "$d/a/mig" nosuch
	[ "$stderr" = "mig: 'nosuch' is not a mig tool (mig -h lists them)" ]
	run -2 --separate-stderr mig ../bin/mig-load
	[ "$stderr" = "mig: '../bin/mig-load' is not a mig tool (mig -h lists them)" ]
}

@test "mig --version, mig -h, and a bad mig option" {
	run -0 mig --version
	[ "$output" = "mig (mig) $(mig-load --version | sed 's/.* //')" ]
	run -0 --separate-stderr mig -h
	[[ "${lines[0]}" == "usage: mig "* ]]
	[[ "$output" == *"  rekey"* ]]
	[ -z "$stderr" ]
	run -2 --separate-stderr mig
	[[ "$stderr" == "usage: mig "* ]]
	run -2 --separate-stderr mig --bogus
	[[ "$stderr" == "mig: unknown option '--bogus'"$'\n'"usage: mig "* ]]
}

@test "mig help TOPIC opens the page of this tree: a tool, stream, mig(7)" {
	command -v man >/dev/null || skip "no man(1) on this machine"
	MANPAGER=cat MANWIDTH=80 run -0 mig help split
	[[ "$output" == *"mig-split"*"route the records"* ]]
	MANPAGER=cat MANWIDTH=80 run -0 mig help stream
	[[ "$output" == *"MIG-STREAM(5)"* ]]
	MANPAGER=cat MANWIDTH=80 run -0 mig help
	[[ "$output" == *"MIG(7)"*CONVENTIONS* ]]
	MANPAGER=cat MANWIDTH=80 run -0 mig help mig-load
	[[ "$output" == *"MIG-LOAD(1)"* ]]
}
