#!/usr/bin/env bats
# mig-report: the page of a run, from the files the run left.  Every
# number on the page is the one in the run's files (validation_report.json,
# the streams' #!stats lines, rejects, crosswalks, audits); the page is
# well-formed XHTML, renders in a browser, and holds no password and no
# row value.
load lib-common

# A small run: users from SQLite into PostgreSQL, one row dropped by a
# split rule, one rejected by map (a bad date), one e-mail made unique,
# new keys with a crosswalk, then mig-verify's report.
setup() {
	require_servers
	db=$(test_db)
	pg_newdb "$db"
	pgq "$db" "CREATE TABLE users (id int PRIMARY KEY, email text UNIQUE, signup date, legacy int)"
	# the password is ignored by the test server (trust) but must appear nowhere
	D="postgresql://postgres:s3cretpw@/$db?host=$MIG_PG_SOCK&port=$MIG_PG_PORT"
	cd "$BATS_TEST_TMPDIR"
	mkdir -p run/streams run/rejects run/audit
	sqlite3 src.db "CREATE TABLE users (id integer PRIMARY KEY, email text, signup text);
		INSERT INTO users VALUES (1, 'ann@example.org', '2023-01-05'), (2, 'bob@example.org', 'not a date'),
		(3, 'cy@example.org', '2023-02-01'), (4, 'dee@example.org', '2023-03-09'), (5, 'ann@example.org', '2024-12-31');"
	S=sqlite:src.db
	set -o pipefail
	# each stage's wall and CPU time in its stats lines, as the pipelines ask
	export MIG_STATS_TIME=1
	mig-extract -q "$S" users |
		mig-split -q --unmatched=drop -e 'users where id <> 3' |
		mig-map -q --on-error=reject --reject run/rejects/users.rej --max-rejects 5 -e 'users.signup = date(signup)' |
		mig-rekey -q -k users.id=seq --keep-old users.legacy -x users=run/old_user_id__to__new_user_id.csv \
			-u users.email -a run/audit/users_email.csv |
		tee run/streams/users.csv | mig-load -q "$D" > run/streams/users.loaded.csv
	printf '2026-01-01T10:00:00Z users: extract\n2026-01-01T10:00:04Z users: load\n' > run/run.log
}

verify_run() {
	run mig-verify -q -s "$S" -t "$D" --report run/validation_report.json "$@"
}

# The text of the element with id $1.
by_id() {
	python3 -c 'import sys, xml.etree.ElementTree as E
t = E.parse(sys.argv[1]); ns = {"h": "http://www.w3.org/1999/xhtml"}
e = t.getroot().find(".//*[@id=\"%s\"]" % sys.argv[2])
print("".join(e.itertext()) if e is not None else "MISSING")' r.html "$1"
}

@test "report: a clean run's page, every figure from the run's files" {
	verify_run -e 'counts SRC.users where id <> 3 and id <> 2 = DST.users' -e 'fk DST' -e 'unique DST.users(email)'
	[ "$status" -eq 0 ]
	run -0 --separate-stderr mig-report --title 'users to v2' run
	printf '%s\n' "$output" > r.html
	xmllint --noout r.html
	[ "$(by_id result)" = pass ]
	[ "$(by_id passed)" = "$(jq .passed run/validation_report.json)" ]
	[ "$(by_id failed)" = 0 ] && [ "$(by_id errors)" = 0 ]
	# one row per check, in the report's order when all pass
	[ "$(grep -c '<tr class="check">' r.html)" = "$(jq '.checks | length' run/validation_report.json)" ]
	# the flow: each stats line of the loaded stream, once, with its numbers
	python3 - <<-'PY'
	import re, xml.etree.ElementTree as E
	ns = "{http://www.w3.org/1999/xhtml}"
	rows = [[("".join(td.itertext())) for td in tr.findall(ns + "td")[:7]]
	        for tr in E.parse("r.html").getroot().iter(ns + "tr") if tr.get("class") == "stage"]
	want = []
	for line in open("run/streams/users.loaded.csv"):
	    if line.startswith("#!stats "):
	        w = line.split()
	        kv = dict(x.split("=", 1) for x in w[3:])
	        want.append([w[1], w[2], kv["in"], kv["out"], kv["dropped"], kv["rejected"], "0"])
	assert rows == want, (rows, want)
	PY
	[ "$(by_id rejects-total)" = 1 ]
	grep -q "column 'signup': date(): not a YYYY-MM-DD date" r.html
	[ "$(by_id audit-total)" = "$(($(wc -l < run/audit/users_email.csv) - 1))" ]
	grep -q '<td class="">one-to-one</td>' r.html
	[ "$(by_id elapsed)" = 4 ]
	# timings per stage and per table: the ms= and cpu_ms= of the stats lines
	python3 - <<-'PY'
	import xml.etree.ElementTree as E
	ns = "{http://www.w3.org/1999/xhtml}"
	root = E.parse("r.html").getroot()
	def rows(cls):
	    return [["".join(td.itertext()) for td in tr.findall(ns + "td")]
	            for tr in root.iter(ns + "tr") if tr.get("class") == cls]
	want, sums = [], {}
	for line in open("run/streams/users.loaded.csv"):
	    if line.startswith("#!stats "):
	        w = line.split()
	        kv = dict(x.split("=", 1) for x in w[3:])
	        ms, cpu, n = int(kv["ms"]), int(kv["cpu_ms"]), int(kv["in"])
	        want.append([w[1], w[2], str(n), "%.3f" % (ms / 1000), "%.3f" % (cpu / 1000),
	                     "%.0f" % (n * 1000 / ms) if ms else "under 1 ms"])
	        s = sums.setdefault(w[1], [0, 0])
	        s[0] += n; s[1] += cpu
	got = rows("stime")
	assert got == want, (got, want)
	got = [r[:4] for r in rows("stagesum")]
	want = [[k, "1", str(v[0]), "%.3f" % (v[1] / 1000)] for k, v in sums.items()]
	assert got == want, (got, want)
	total = "".join(root.find(".//*[@id='cpu-total']").itertext())
	assert total == "%.3f" % (sum(v[1] for v in sums.values()) / 1000), total
	# the times are not shown as row counters in the flow
	assert "ms=" not in "".join(root.find(".//*[@id='flow']").itertext())
	PY
	# no password, and no row value: not an e-mail, not the bad date
	! grep -q s3cretpw r.html
	! grep -q 'example\.org' r.html
	! grep -q 'not a date' r.html
}

@test "report: a failed check comes first, a lost row shows as a gap, exit 1" {
	verify_run -e 'fk DST' -e 'counts SRC.users = DST.users'
	[ "$status" -eq 1 ]
	# a stage that lost a row: in=3 but only 2 accounted for
	printf '#!mig-stream 1\n#!stats mig-map people in=3 out=2 dropped=0 rejected=0\n' > run/streams/lossy.csv
	run -1 --separate-stderr mig-report run
	printf '%s\n' "$output" > r.html
	xmllint --noout r.html
	[ "$(by_id result)" = fail ]
	[ "$(by_id failed)" = "$(jq .failed run/validation_report.json)" ]
	# the first check row is the failed one
	[ "$(grep -o '<tr class="check"><td class="[a-z]*"' r.html | head -n 1)" = '<tr class="check"><td class="fail"' ]
	grep -q 'Rows went missing' r.html
	grep -q '<title>lost 1</title>' r.html
}

@test "report: the page renders in a browser without console errors" {
	command -v chromium >/dev/null || { echo "chromium is not installed (make deps installs it)"; return 1; }
	verify_run -e 'fk DST'
	mig-report run > r.html
	timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --enable-logging=stderr --v=0 \
		--user-data-dir="$BATS_TEST_TMPDIR/chrome" --window-size=1100,1400 --screenshot="$BATS_TEST_TMPDIR/r.png" \
		"file://$BATS_TEST_TMPDIR/r.html" 2> chrome.err || { cat chrome.err; return 1; }
	! grep -i 'CONSOLE' chrome.err
	[ "$(head -c 8 r.png | od -An -c | tr -d ' ')" = '211PNG\r\n032\n' ]
	[ "$(stat -c %s r.png)" -gt 10000 ]
}

@test "report: usage, an empty directory, files that cannot be read" {
	run -2 --separate-stderr mig-report /nonexistent
	[ "$stderr" = "mig-report: /nonexistent: not a run directory" ]
	run -2 --separate-stderr mig-report a b
	mkdir empty
	run -0 --separate-stderr mig-report empty
	printf '%s\n' "$output" > r.html
	xmllint --noout r.html
	grep -q 'No validation_report.json in this run.' r.html
	printf 'not json' > run/validation_report.json
	printf '#!mig-stream 1\n@t,a\nt,"unclosed\n' > run/streams/broken.csv
	run --separate-stderr mig-report run
	printf '%s\n' "$output" > r.html
	xmllint --noout r.html
	grep -q 'Files not read' r.html
	[[ "$stderr" == *"run/validation_report.json: "* ]]
	[[ "$stderr" == *"run/streams/broken.csv:"* ]]
}

@test "report: stats lines carry ms= and cpu_ms= only when MIG_STATS_TIME is set" {
	# timings make two runs' streams differ: off unless the run asks
	unset MIG_STATS_TIME
	mig-extract -q "$S" users | mig-split -q --unmatched=drop -e 'users where id <> 3' > plain.csv
	[ "$(grep -c '^#!stats ' plain.csv)" -eq 2 ]
	! grep '^#!stats ' plain.csv | grep -q ' ms=\| cpu_ms='
	MIG_STATS_TIME=1 mig-extract -q "$S" users | MIG_STATS_TIME=1 mig-split -q --unmatched=drop -e 'users where id <> 3' > timed.csv
	[ "$(grep '^#!stats ' timed.csv | grep -c ' ms=[0-9]* cpu_ms=[0-9]*')" -eq 2 ]
	# the records are the same either way
	diff <(grep -v '^#!' plain.csv) <(grep -v '^#!' timed.csv)
}
