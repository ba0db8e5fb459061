#!/usr/bin/env bats
# mig-verify's check parser on hostile input: bytes that are not UTF-8,
# empty conditions, and a bounded fuzz of every check kind.  Each must end
# in a located error (exit 2) or a real result, never in a signal or a
# sanitizer report.
load lib-common

setup() {
	db="$BATS_TEST_TMPDIR/v.db"
	sqlite3 "$db" "CREATE TABLE users (id integer PRIMARY KEY, email text UNIQUE, role text);
		CREATE TABLE patients (id integer PRIMARY KEY, user_id integer REFERENCES users(id), email text);
		INSERT INTO users VALUES (1, 'a@x', 'PATIENT'), (2, 'b@x', 'DOCTOR');
		INSERT INTO patients VALUES (10, 1, 'a@x');"
	printf 'id,new\n1,10\n' > "$BATS_TEST_TMPDIR/x.csv"
	U="sqlite:$db"
}

@test "a check that is not UTF-8 is refused with its place, whatever its kind and origin" {
	local kind bad
	for kind in counts stream crosswalk ledger fk unique schema nosuch; do
		bad=$(printf '%s SRC.users\xff' "$kind")
		run -2 --separate-stderr mig-verify -s "$U" -t "$U" -e "$bad"
		[ "$stderr" = "mig-verify: -e:$(( ${#kind} + 11 )): check is not valid UTF-8" ]
		run -2 --separate-stderr mig-verify -s "$U" -t "$U" "$kind" "$(printf 'x\xc3')"
		[[ "$stderr" == "mig-verify: <command line>:"*": check is not valid UTF-8" ]]
		printf '# ok\n%s\n' "$bad" > "$BATS_TEST_TMPDIR/c"
		run -2 --separate-stderr mig-verify -s "$U" -t "$U" -f "$BATS_TEST_TMPDIR/c"
		[[ "$stderr" == "mig-verify: $BATS_TEST_TMPDIR/c:2:"*": check is not valid UTF-8" ]]
	done
	printf 'fk DST\nfk a\0b\n' > "$BATS_TEST_TMPDIR/c"
	run -2 --separate-stderr mig-verify -s "$U" -t "$U" -f "$BATS_TEST_TMPDIR/c"
	[ "$stderr" = "mig-verify: $BATS_TEST_TMPDIR/c:2:5: a NUL byte in a checks file" ]
}

@test "counts: 'where' with no condition is an error, before or after the '='" {
	local c
	for c in 'counts SRC.users where = DST.users' 'counts SRC.users = DST.users where' \
		'counts SRC.users where   = DST.patients + DST.users'; do
		run -2 --separate-stderr mig-verify -s "$U" -t "$U" -e "$c"
		[[ "$stderr" == *"expected a condition after 'where'"* ]]
	done
	run -1 --separate-stderr mig-verify -s "$U" -t "$U" -e "counts SRC.users where role = 'PATIENT' = DST.users"
	run -0 --separate-stderr mig-verify -s "$U" -t "$U" -e "counts SRC.users where role = 'PATIENT' = DST.patients"
}

@test "fuzz: mutated checks of every kind end in a result or a located error, never a crash" {
	cd "$BATS_TEST_TMPDIR"
	python3 - <<-'PY'
	import random
	rnd = random.Random(4120)
	seeds = [b"counts SRC.users = DST.users + DST.patients",
	         b"counts SRC.users where role = 'PATIENT' = DST.patients",
	         b"crosswalk x.csv SRC.users(id) where role = 'PATIENT' -> DST.patients(id)",
	         b"crosswalk x.csv SRC.users(id) -> DST.patients(id) many-to-one",
	         b"fk DST", b"fk DST.patients(user_id) -> DST.users(id)", b"unique DST.patients(email)",
	         b"unique DST", b"schema SRC = DST", b"stream s.mig", b"ledger s.mig",
	         b"db X sqlite:v.db", b"source sqlite:v.db", b"counts X.users = DST.users"]
	alphabet = b" '\"()=+-.,:;\\#\t\xff\xc3\x80whereSRCDST"
	for i in range(300):
	    lines = []
	    for _ in range(rnd.randint(1, 4)):
	        s = bytearray(rnd.choice(seeds))
	        for _ in range(rnd.randint(1, 6)):
	            op, at = rnd.random(), rnd.randint(0, len(s))
	            if op < 0.4:
	                s[at:at] = bytes([rnd.choice(alphabet)])
	            elif op < 0.7 and s:
	                del s[min(at, len(s) - 1)]
	            elif op < 0.85:
	                s = s[:at]
	            else:
	                s[at:at] = rnd.choice(seeds)[:rnd.randint(0, 12)]
	        lines.append(bytes(s).replace(b"\n", b" "))
	    open("f%03d" % i, "wb").write(b"\n".join(lines) + b"\n")
	PY
	printf '@users,id:int\nusers,1\n' > s.mig
	local f st bad=0
	for f in f[0-9][0-9][0-9]; do
		st=0
		mig-verify -q -s "$U" -t "$U" -f "$f" >/dev/null 2>"$f.err" || st=$?
		if [ "$st" -gt 3 ]; then
			echo "$f: exit $st"; cat "$f"; head -n 5 "$f.err"; bad=1
		fi
		if [ "$st" -eq 2 ] && ! grep -q '^mig-verify: \|^ERROR\|^    ' "$f.err"; then
			echo "$f: exit 2 without a located message"; cat "$f.err"; bad=1
		fi
	done
	[ "$bad" -eq 0 ]
}
