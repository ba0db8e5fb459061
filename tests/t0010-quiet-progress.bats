#!/usr/bin/env bats
# -q and --progress mean the same in every tool: --progress draws the
# progress line whichever of the two comes last (-q still silences the
# rest), -q alone hides it, and with neither it shows only on a terminal.
load lib-common

setup() {
	S=$BATS_TEST_TMPDIR/s.csv
	awk 'BEGIN { print "@t,id:int,v:text"; for (i = 1; i <= 5000; i++) print "t," i ",v" i }' >"$S"
	DB=$BATS_TEST_TMPDIR/t.db
	sqlite3 "$DB" "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"
	mig-load -q "sqlite:$DB" "$S"
}

# Run tool $1 with the options that follow on 5,000 rows: 0 when its
# standard error has the progress line's erase sequence, 1 when not, 2
# when the tool failed.
drew() {
	local tool=$1 err=$BATS_TEST_TMPDIR/err
	shift
	rm -f "$BATS_TEST_TMPDIR/xw.csv" "$BATS_TEST_TMPDIR/l.db"
	case $tool in
	split) mig-split "$@" 't -> t (id, v)' <"$S" ;;
	map) mig-map "$@" 't.v = upper(v)' <"$S" ;;
	rekey) mig-rekey "$@" -k t.id=seq:1 -x t="$BATS_TEST_TMPDIR/xw.csv" "$S" ;;
	extract) mig-extract "$@" "sqlite:$DB" t ;;
	load)
		sqlite3 "$BATS_TEST_TMPDIR/l.db" "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"
		mig-load "$@" "sqlite:$BATS_TEST_TMPDIR/l.db" "$S" ;;
	verify) mig-verify "$@" -t "$DB" stream "$S" ;;
	esac >/dev/null 2>"$err" || { cat "$err" >&2; return 2; }
	grep -q $'\033\\[K' "$err"
}

@test "--progress draws with -q before or after it; -q alone and no terminal draw nothing" {
	local t
	for t in split map rekey extract load verify; do
		drew "$t" --progress || { echo "$t --progress drew nothing" >&2; false; }
		drew "$t" -q --progress || { echo "$t -q --progress drew nothing" >&2; false; }
		drew "$t" --progress -q || { echo "$t --progress -q drew nothing" >&2; false; }
		run drew "$t" -q
		[ "$status" -eq 1 ] || { echo "$t -q: status $status" >&2; false; }
		run drew "$t"
		[ "$status" -eq 1 ] || { echo "$t without options: status $status" >&2; false; }
	done
}
