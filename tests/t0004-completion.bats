#!/usr/bin/env bats
# The bash completion that "mig completion" writes from the tools' option
# tables (installed by make install): sourced, then asked with COMP_WORDS.
load lib-common

setup() {
	COMPLETION="$MIG_BUILD/mig.bash"
	[ -f "$COMPLETION" ] || { echo "no $COMPLETION: make first"; return 1; }
	# shellcheck disable=SC1090
	. "$COMPLETION"
}

# complete WORD...: what bash would offer for the last word
complete_words() {
	COMP_WORDS=("$@")
	COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
	COMPREPLY=()
	_mig_complete
	printf '%s\n' "${COMPREPLY[@]}"
}

@test "the completion is what mig completion writes, and registers every command" {
	run -0 mig completion
	diff <(printf '%s\n' "$output") "$COMPLETION"
	run -0 complete -p mig mig-extract mig-split mig-map mig-rekey mig-load mig-verify
	[ "${#lines[@]}" -eq 7 ]
}

@test "every tool's options complete, long and short, from its option table" {
	local t s l a
	for t in extract split map rekey load verify; do
		while read -r s l a; do
			run -0 complete_words "mig-$t" "${l:0:5}"
			grep -qx -- "$l" <<< "$output" || { echo "mig-$t ${l:0:5}: no $l in: $output"; return 1; }
			run -0 complete_words mig "$t" "${l:0:5}"
			grep -qx -- "$l" <<< "$output" || { echo "mig $t ${l:0:5}: no $l"; return 1; }
			if [ "$s" != - ]; then
				run -0 complete_words "mig-$t" -
				grep -qx -- "$s" <<< "$output" || { echo "mig-$t -: no $s"; return 1; }
			fi
		done < <(mig-$t --list-options)
	done
}

@test "tools, help topics, option values and files complete" {
	run -0 complete_words mig re
	[ "$output" = rekey ]
	run -0 complete_words mig ""
	[[ "$output" == *extract*split*map*rekey*load*verify*help* ]]
	run -0 complete_words mig help st
	[ "$output" = stream ]
	run -0 complete_words mig-load -F ""
	[ "$output" = $'csv\nndjson' ]
	run -0 complete_words mig split --format n
	[ "$output" = ndjson ]
	run -0 complete_words mig-map --on-error n
	[ "$output" = null ]
	# deprecated spellings are not offered
	run -0 complete_words mig-rekey --rul
	[ "$output" = --rule ]
	cd "$BATS_TEST_TMPDIR"
	touch rules.map
	run -0 complete_words mig-map -f rul
	[ "$output" = rules.map ]
	run -0 complete_words mig-map -q rul
	[ "$output" = rules.map ]
}

@test "make install puts the completion where bash-completion loads it, for mig and every tool" {
	local san=
	[ "$(basename "$MIG_BUILD")" = san ] && san=SANITIZE=1
	run -0 make -s -C "$MIG_TOP" $san install DESTDIR="$BATS_TEST_TMPDIR/root" PREFIX=/usr
	local dir="$BATS_TEST_TMPDIR/root/usr/share/bash-completion/completions"
	diff "$dir/mig" "$COMPLETION"
	for t in mig-extract mig-split mig-map mig-rekey mig-load mig-verify; do
		[ "$(readlink "$dir/$t")" = mig ]
	done
	[ -f "$BATS_TEST_TMPDIR/root/usr/share/man/man7/mig.7" ]
	[ -x "$BATS_TEST_TMPDIR/root/usr/bin/mig" ]
}
