#!/usr/bin/env bats
# One command-line convention across the six tools (mig(7), CONVENTIONS):
# -h content, one meaning per short option, deprecated spellings, the input
# file as an operand, a bad -F, --max-rejects, the same exit code for the
# same failure, mig-verify's results on stdout.
load lib-common

TOOLS="mig-extract mig-split mig-map mig-rekey mig-load mig-verify"

# The convention table: each short letter, the long option it spells.
# mig-verify's rules are its checks, hence --check beside --rule.
declare -gA MEANING=(
	[a]=audit [b]=batch-size [c]=checkpoint [d]=dedupe [e]="rule check" [f]=file [j]=jobs
	[h]=help [k]=key [l]=load-crosswalk [m]=on-missing [n]=dry-run [q]=quiet
	[r]=ref [s]=source [t]=target [u]=unique [v]=stats [w]=where [x]=crosswalk
	[F]=format [Q]=query [V]=version
)

setup() {
	printf '@t,id:int,a\nt,1,x\nt,2,y\n' >"$BATS_TEST_TMPDIR/in.mig"
}

@test "-h: the synopsis, a description, and every option with a line of help" {
	local t s l a line
	for t in $TOOLS; do
		run -0 --separate-stderr "$t" -h
		[[ "${lines[0]}" == "usage: $t "* ]] || { echo "$t: ${lines[0]}"; return 1; }
		[ -z "$stderr" ]
		help=$output
		run -0 "$t" --list-options
		[ "${#lines[@]}" -ge 5 ] || { echo "$t: ${#lines[@]} options"; return 1; }
		while read -r s l a; do
			line=$(grep -E -- "(^|  )(${s}, )?${l}([=[ ]|$)" <<< "$help") ||
				{ echo "$t -h does not list $l"; return 1; }
			# the help text after the option, on its line or the next
			[[ "$line" =~ [a-z]+\ [a-z]+ ]] || grep -A1 -- "$l" <<< "$help" | tail -n 1 | grep -q '[a-z] [a-z]' ||
				{ echo "$t: no help for $l"; return 1; }
		done <<< "$output"
	done
}

@test "each short option means the same in every tool (the convention table)" {
	local t s l a want seen=""
	for t in $TOOLS; do
		run -0 "$t" --list-options
		while read -r s l a; do
			[ "$s" = - ] && continue
			want=${MEANING[${s#-}]:-}
			[ -n "$want" ] || { echo "$t: $s ($l) is not in the convention table"; return 1; }
			[[ " $want " == *" ${l#--} "* ]] || { echo "$t: $s is $l, the convention says --$want"; return 1; }
			seen="$seen ${s#-}"
		done <<< "$output"
	done
	# and mig(7) lists every letter in use
	for s in $seen; do
		grep -q "^\.It Fl $s\b" "$MIG_TOP/man/mig.7" || { echo "mig.7 lacks -$s"; return 1; }
	done
}

@test "renamed short options still work for one release, with a deprecation note" {
	printf 'id,name\n1,a\n2,b\n3,c\n' >"$BATS_TEST_TMPDIR/p.csv"
	run -0 --separate-stderr mig-extract -n 1 "csv:$BATS_TEST_TMPDIR/p.csv"
	[ "$stderr" = "mig-extract: -n is deprecated: use --limit (-n means --dry-run)" ]
	[ "$(grep -c '^p,' <<< "$output")" -eq 1 ]
	run -0 --separate-stderr mig-split -i "$BATS_TEST_TMPDIR/in.mig" 't -> u'
	[ "$stderr" = "mig-split: -i is deprecated: give the input file as an operand" ]
	[[ "$output" == *$'\nu,1,x\n'* ]]
	run -0 --separate-stderr mig-map 't.b = a' 'drop t.a' <"$BATS_TEST_TMPDIR/in.mig"
	[ "$stderr" = "mig-map: several rule operands is deprecated: give each rule with -e, the input file last" ]
	[[ "$output" == *$'\nt,1,x\n'* ]]
	sqlite3 "$BATS_TEST_TMPDIR/d.db" "CREATE TABLE t (id int, a text)"
	run -0 --separate-stderr mig-load -q -t t=t "sqlite:$BATS_TEST_TMPDIR/d.db" "$BATS_TEST_TMPDIR/in.mig"
	[ "$stderr" = "mig-load: -t is deprecated: use --table (-t means --target)" ]
	run -0 --separate-stderr mig-verify -r "$BATS_TEST_TMPDIR/r.json" -t "$BATS_TEST_TMPDIR/d.db" counts DST.t = DST.t
	[ "$stderr" = "mig-verify: -r is deprecated: use --report (-r means --ref)" ]
	[ "$(jq -r .result "$BATS_TEST_TMPDIR/r.json")" = pass ]
	run -0 --separate-stderr mig-rekey --rules /dev/null "$BATS_TEST_TMPDIR/in.mig"
	[ "$stderr" = "mig-rekey: --rules is deprecated: use --file" ]
}

@test "the input file is an operand of every filter, '-' or none is stdin" {
	local t rule want
	for t in mig-split mig-map mig-rekey; do
		case $t in
		mig-split) rule='t -> u' ;;
		mig-map) rule='t.b = upper(a)' ;;
		mig-rekey) rule='key t.id=seq:100' ;;
		esac
		run -0 --separate-stderr "$t" "$rule" <"$BATS_TEST_TMPDIR/in.mig"
		want=$output
		[[ "$want" == *$'\n'[tu],* ]] || { echo "$t: $want"; return 1; }
		run -0 --separate-stderr "$t" "$rule" "$BATS_TEST_TMPDIR/in.mig"
		[ "$output" = "$want" ] || { echo "$t FILE: $output"; return 1; }
		run -0 --separate-stderr "$t" "$rule" - <"$BATS_TEST_TMPDIR/in.mig"
		[ "$output" = "$want" ] || { echo "$t -: $output"; return 1; }
		run -0 --separate-stderr "$t" -e "$rule" "$BATS_TEST_TMPDIR/in.mig"
		[ "$output" = "$want" ] || { echo "$t -e RULE FILE: $output"; return 1; }
		printf '%s\n' "$rule" >"$BATS_TEST_TMPDIR/rules"
		run -0 --separate-stderr "$t" -f "$BATS_TEST_TMPDIR/rules" "$BATS_TEST_TMPDIR/in.mig"
		[ "$output" = "$want" ] || { echo "$t -f RULES FILE: $output"; return 1; }
		# the file where the rule belongs is named, not read as a rule
		run -2 --separate-stderr "$t" "$BATS_TEST_TMPDIR/in.mig" "$rule"
		[ "$stderr" = "$t: $BATS_TEST_TMPDIR/in.mig: a file where the rule belongs: the rule comes first, then the input file" ]
		# one input file at most
		run -2 --separate-stderr "$t" -e "$rule" "$BATS_TEST_TMPDIR/in.mig" "$BATS_TEST_TMPDIR/in.mig"
		[[ "$stderr" == "$t: $BATS_TEST_TMPDIR/in.mig: one input file at most"$'\n'usage:* ]]
	done
	sqlite3 "$BATS_TEST_TMPDIR/d.db" "CREATE TABLE t (id int, a text)"
	run -0 mig-load -q "sqlite:$BATS_TEST_TMPDIR/d.db" "$BATS_TEST_TMPDIR/in.mig"
	run -0 mig-load -q "sqlite:$BATS_TEST_TMPDIR/d.db" - <"$BATS_TEST_TMPDIR/in.mig"
	[ "$(sqlite3 "$BATS_TEST_TMPDIR/d.db" "SELECT count(*) FROM t")" -eq 4 ]
	run -0 --separate-stderr mig-verify -t "$BATS_TEST_TMPDIR/d.db" -f - <<< "counts DST.t = DST.t"
	[[ "$output" == "ok    counts DST.t = DST.t: 4 = 4"* ]]
}

@test "a bad -F is named by every tool that writes a stream" {
	local t
	for t in $TOOLS; do
		run -0 "$t" --list-options
		if grep -q -- '^-F --format' <<< "$output"; then
			run -2 --separate-stderr "$t" -F xml
			[ "$stderr" = "$t: --format: expected csv or ndjson: 'xml'" ] || { echo "$t: $stderr"; return 1; }
		else
			run -2 --separate-stderr "$t" -F xml
			[[ "$stderr" == *"invalid option -- 'F'"*usage:* ]] || { echo "$t: $stderr"; return 1; }
		fi
	done
}

@test "--max-rejects N without --reject is the same usage error in every tool that rejects" {
	local t args
	for t in mig-split mig-map mig-rekey mig-load; do
		args=()
		[ "$t" = mig-load ] && args=("sqlite:$BATS_TEST_TMPDIR/d.db")
		run -2 --separate-stderr "$t" --max-rejects 5 "${args[@]}" </dev/null
		[ "$stderr" = "$t: --max-rejects needs --reject FILE" ] || { echo "$t: $stderr"; return 1; }
		run -2 --separate-stderr "$t" --max-rejects x "${args[@]}" </dev/null
		[[ "$stderr" == "$t: invalid --max-rejects"* ]] || { echo "$t: $stderr"; return 1; }
	done
	# 0 alone means: stop at the first bad record, and is accepted everywhere
	for t in mig-split mig-map mig-rekey; do
		run -0 "$t" --max-rejects 0 -f /dev/null "$BATS_TEST_TMPDIR/in.mig" ||
			{ echo "$t --max-rejects 0: $output"; return 1; }
	done
}

@test "the same failure, the same exit code in every tool" {
	local t
	sqlite3 "$BATS_TEST_TMPDIR/d.db" "CREATE TABLE other (id int)"
	# a table the database lacks: 3, a database error
	run -3 --separate-stderr mig-extract "$BATS_TEST_TMPDIR/d.db" t
	run -3 --separate-stderr mig-load "sqlite:$BATS_TEST_TMPDIR/d.db" "$BATS_TEST_TMPDIR/in.mig"
	[ "$stderr" = "mig-load: t: no table 't' in sqlite:$BATS_TEST_TMPDIR/d.db" ]
	run -3 --separate-stderr mig-verify -t "$BATS_TEST_TMPDIR/d.db" counts DST.t = DST.other
	run -3 --separate-stderr mig-verify -t "$BATS_TEST_TMPDIR/d.db" unique DST.t '(id)'
	# an input file that cannot be opened: 2
	for t in mig-split mig-map mig-rekey; do
		run -2 --separate-stderr "$t" -f /dev/null "$BATS_TEST_TMPDIR/nonexistent"
		[[ "$stderr" == "$t: $BATS_TEST_TMPDIR/nonexistent"* ]] || { echo "$t: $stderr"; return 1; }
	done
	run -2 mig-load "sqlite:$BATS_TEST_TMPDIR/d.db" "$BATS_TEST_TMPDIR/nonexistent"
	run -2 mig-verify -t "$BATS_TEST_TMPDIR/d.db" -f "$BATS_TEST_TMPDIR/nonexistent"
	# a bad option or a missing operand: 2, the synopsis on stderr
	for t in $TOOLS; do
		run -2 --separate-stderr "$t" --no-such-option
		[[ "$stderr" == *"usage: $t "* ]] || { echo "$t: $stderr"; return 1; }
	done
	run -2 mig-extract
	run -2 mig-load
	run -2 mig-verify
}

@test "mig-verify's results go to stdout, trouble to stderr" {
	sqlite3 "$BATS_TEST_TMPDIR/d.db" "CREATE TABLE a (id int); INSERT INTO a VALUES (1)"
	run -0 --separate-stderr mig-verify -t "$BATS_TEST_TMPDIR/d.db" counts DST.a = DST.a
	[ "$output" = $'ok    counts DST.a = DST.a: 1 = 1\nmig-verify: 1 passed, 0 failed, 0 errors' ]
	[ -z "$stderr" ]
	run -1 --separate-stderr mig-verify -t "$BATS_TEST_TMPDIR/d.db" -e "counts DST.a = DST.a + DST.a"
	[[ "$output" == "FAIL  counts DST.a = DST.a + DST.a: 1 != 1 + 1 (+1)"* ]]
	[ -z "$stderr" ]
	run -2 --separate-stderr mig-verify -t "$BATS_TEST_TMPDIR/d.db" -e "nosuch check"
	[[ "$stderr" == "ERROR nosuch check: not run"* ]]
	[ "$output" = "mig-verify: 0 passed, 0 failed, 1 errors" ]
}
