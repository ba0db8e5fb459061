#!/usr/bin/env bats
# Plain CSV files (crosswalks, lookups, CSV sources) are read by one
# reader (common/csvfile.c): every tool accepts the same files, refuses the
# same files, and names the same place when it refuses one.
load lib-common

setup() {
	cd "$BATS_TEST_TMPDIR"
	sqlite3 s.db 'CREATE TABLE users (id text); INSERT INTO users VALUES ('"'"'1'"'"'), ('"'"'2'"'"');'
	sqlite3 d.db 'CREATE TABLE patients (id text); INSERT INTO patients VALUES ('"'"'a"1'"'"'), ('"'"'b'"'"');'
	printf '@c,x\nc,1\nc,2\n' >in
}

verify_xwalk() {
	mig-verify -s sqlite:s.db -t sqlite:d.db -e "crosswalk $1 SRC.users(id) -> DST.patients(id)"
}

@test "a malformed file: rekey -l, verify crosswalk and map lookup() give the same located error" {
	printf 'old,new\n1,a\n2,"b"c\n' >bad.csv
	want="bad.csv:3:6: text after the closing quote of a field"
	run -1 --separate-stderr mig-rekey -l w=bad.csv -r c.x=w in
	[ "$stderr" = "mig-rekey: $want" ]
	run -2 verify_xwalk bad.csv
	[[ "$output" == *"$want"* ]] || { echo "$output"; return 1; }
	run -2 --separate-stderr mig-map 'c.y = lookup(x, bad.csv)' <in
	[[ "$stderr" == *"$want"* ]] || { echo "$stderr"; return 1; }
	printf 'old,new\n1,a\n2,"b\n' >open.csv
	run -1 --separate-stderr mig-rekey -l w=open.csv -r c.x=w in
	[ "$stderr" = "mig-rekey: open.csv:3:3: quoted field not closed before the end of the file" ]
	run -2 verify_xwalk open.csv
	[[ "$output" == *"open.csv:3:3: quoted field not closed"* ]] || { echo "$output"; return 1; }
}

@test "a quote inside an unquoted field is literal in every tool" {
	printf 'old,new\n1,a"1\n2,b\n' >q.csv
	run -0 mig-rekey -l w=q.csv -r c.x=w in
	[ "${lines[2]}" = 'c,"a""1"' ]
	run -0 --separate-stderr verify_xwalk q.csv
	[[ "$output" == "ok "*"all present"* ]] || { echo "$output"; return 1; }
	run -0 mig-map 'c.y = lookup(x, q.csv)' <in
	[ "${lines[2]}" = 'c,1,"a""1"' ]
}

@test "keys with spaces at their ends survive a crosswalk's round trip" {
	printf '@c,k\nc," a "\nc,b\n' >keys
	run -0 mig-rekey -k c.k=seq -x c=x.csv keys
	run -0 cat x.csv
	[ "${lines[1]}" = '" a ",1' ]
	printf '@c,x\nc," a "\nc,b\n' >in2
	run -0 mig-rekey -l w=x.csv -r c.x=w in2
	[ "${lines[2]}" = 'c,1' ]
	[ "${lines[3]}" = 'c,2' ]
}

# A crosswalk's values are tested sixteen or eight bytes at a time for
# what needs quotes: every length to 40, a comma, quote, CR or LF (or
# nothing) at each place, is written exactly as csvfile_field promises
# (quoted when it has to be, and only then) and reads back as it was.
@test "crosswalk keys of every length to 40 with a special byte at each place: quoted exactly when needed" {
	python3 - <<'PY'
keys = []
for n in range(1, 41):
    for at in range(n):
        for c in ",\"\r\nx":
            keys.append("".join(c if i == at else "abcdefghijklmnopqrstuvwxyz"[i % 26] for i in range(n)))
q = lambda k: '"' + k.replace('"', '""') + '"'
with open("keys", "w", newline="") as f:
    f.write("@c,k:text\n")
    for k in keys:
        f.write("c," + q(k) + "\n")
with open("want", "w", newline="") as f:
    f.write("old,new\n")
    for i, k in enumerate(keys):
        f.write((q(k) if any(c in k for c in ",\"\r\n") else k) + "," + str(i + 1) + "\n")
PY
	run -0 mig-rekey -q -k c.k=seq:1 -x c=x.csv keys
	cmp want x.csv
	# and mig-rekey reads them back: every key finds its number
	awk 'NR > 1' keys | sed 's/^c,/d,/; 1i @d,k:text' >refs
	run -0 mig-rekey -q -l c=x.csv -r d.k=c -m error refs
	[ "$(printf '%s\n' "$output" | grep -c '^d,')" = 4100 ]
	[ "$(printf '%s\n' "$output" | grep '^d,' | cut -d, -f2 | sort -n | uniq | wc -l)" = 4100 ]
}
