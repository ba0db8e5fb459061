#!/usr/bin/env bats
# pipelines/school/files: the seed's generic migrator (heimdall -> odin,
# table by table from mappings.txt) and its file migration (JSON
# configuration files through NDJSON, CSV sample files through
# mig-extract's CSV source), on real PostgreSQL and MariaDB.

load lib-common

F="$MIG_TOP/pipelines/school/files"

setup() {
	require_servers
	src=$(test_db h) dst=$(test_db o)
	pg_newdb "$dst"
	D=$(pg_url "$dst")
	RUN=$BATS_TEST_TMPDIR/run
	DATA=$BATS_TEST_TMPDIR/data
}

m() { make -s -C "$F" MIG_BIN="$MIG_BIN" DATA="$DATA" SCALE=300 SEED=4 RUN="$RUN" SRC="$S" DST="$D" "$@"; }

# one text of every odin table, in key order: "a rerun changes nothing"
odin_dump() {
	local t
	for t in odin_institutions odin_users odin_settings odin_sample_grades odin_sample_attendance "$@"; do
		echo "== $t"
		pgq "$dst" "SELECT * FROM $t ORDER BY 1, 2"
	done
}

@test "files: the mappings from PostgreSQL heimdall, the JSON and CSV files, verify; a rerun changes nothing" {
	pg_newdb "$src"
	S=$(pg_url "$src")
	m load-src >/dev/null
	m migrate
	m verify
	grep -q '"failed": 0,' "$RUN/validation_report.json"
	# rows per mapping
	[ "$(pgq "$dst" "SELECT count(*) FROM odin_users")" = "$(pgq "$src" "SELECT count(*) FROM heimdall_users")" ]
	[ "$(pgq "$dst" "SELECT count(*) FROM odin_institutions")" = "$(awk '$1 == "heimdall_schools" { print $2 }' "$DATA/counts.txt")" ]
	[ "$(pgq "$dst" "SELECT count(*) FROM odin_sample_grades")" = 300 ]
	[ "$(pgq "$dst" "SELECT count(*) FROM odin_sample_attendance")" = 300 ]
	[ "$(pgq "$dst" "SELECT count(DISTINCT file) FROM odin_settings")" = 4 ]
	# the transforms, on rows whose v1 text is known
	local id e n
	IFS=, read -r id e n < <(awk -F, 'NR > 1 && $3 != "\"\"" && $4 ~ /^"[A-Za-z]+  [A-Za-z]+"$/ { print $1 "," $3 "," $4; exit }' "$DATA/heimdall/heimdall_users.csv")
	n=${n//\"/} e=${e//\"/}
	[ "$(pgq "$dst" "SELECT email, first_name || '|' || last_name FROM odin_users WHERE id = $id")" = \
		"$(printf '%s\t' "${e,,}" | sed 's/\t$//')	$(awk -v s="$n" 'BEGIN { split(s, w, " +"); for (i in w) { w[i] = toupper(substr(w[i], 1, 1)) tolower(substr(w[i], 2)) } print w[1] "|" w[2] }')" ]
	[ "$(pgq "$dst" "SELECT count(*) FROM odin_users WHERE email IS NULL")" = "$(awk -F, 'NR > 1 && $3 == "\"\""' "$DATA/heimdall/heimdall_users.csv" | wc -l)" ]
	[ "$(pgq "$dst" "SELECT count(*) FROM odin_users WHERE active")" = "$(awk -F, 'NR > 1 && tolower($7) ~ /^(y|yes|1|true)$/' "$DATA/heimdall/heimdall_users.csv" | wc -l)" ]
	[ "$(pgq "$dst" "SELECT street || '|' || city || '|' || postal_code || '|' || country_code FROM odin_institutions WHERE id = 1")" = \
		"$(pgq "$src" "SELECT address || '|' || upper(trim(country)) FROM heimdall_schools WHERE id = 1" | sed 's/, /|/g')" ]
	[ "$(pgq "$dst" "SELECT value::text FROM odin_settings WHERE file = 'config/school-2.json' AND key = 'grading.pass_mark'")" = 50 ]
	[ "$(pgq "$dst" "SELECT value::text FROM odin_settings WHERE file = 'config/school-1.json' AND key = 'terms'")" = '["autumn", "spring", "summer"]' ]
	[ "$(pgq "$dst" "SELECT value::text FROM odin_settings WHERE file = 'config/school-1.json' AND key = 'contact.phone'")" = null ]
	[ "$(pgq "$dst" "SELECT value::text FROM odin_settings WHERE file = 'config/platform.json' AND key = 'modules.fees'")" = false ]
	odin_dump >"$BATS_TEST_TMPDIR/before"
	# a rerun in a fresh run folder: every row again, nothing changed
	rm -rf "$RUN"
	m migrate
	odin_dump >"$BATS_TEST_TMPDIR/after"
	diff -u "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
	m verify
}

@test "files: a third table mapping is a line of the mapping file and a rules file; MariaDB heimdall" {
	my_newdb "$src"
	S=$(my_url "$src")
	m load-src >/dev/null
	m schema
	pgq "$dst" "CREATE TABLE odin_classes (id int PRIMARY KEY, institution_id int NOT NULL REFERENCES odin_institutions, name text NOT NULL, grade int CHECK (grade BETWEEN 1 AND 12))"
	cp "$F/mappings.txt" "$BATS_TEST_TMPDIR/mappings.txt"
	cat >"$BATS_TEST_TMPDIR/classes.map" <<-'RULES'
	heimdall_classes.institution_id = cast(school_id, int)
	heimdall_classes.name = title
	heimdall_classes.grade = cast(regexp_capture(grade, '([0-9]+)'), int)
	keep heimdall_classes.id,institution_id,name,grade
	RULES
	echo "table heimdall_classes odin_classes $BATS_TEST_TMPDIR/classes.map" >>"$BATS_TEST_TMPDIR/mappings.txt"
	m MAPPINGS="$BATS_TEST_TMPDIR/mappings.txt" migrate
	m MAPPINGS="$BATS_TEST_TMPDIR/mappings.txt" verify
	grep -q 'counts SRC.heimdall_classes = DST.odin_classes' "$RUN/checks.mig"
	[ "$(pgq "$dst" "SELECT count(*) FROM odin_classes")" = "$(awk '$1 == "heimdall_classes" { print $2 }' "$DATA/counts.txt")" ]
	[ "$(pgq "$dst" "SELECT count(*) FROM odin_classes WHERE grade IS NULL OR name !~ ' [0-9]+\$'")" = 0 ]
	[ "$(pgq "$dst" "SELECT count(*) FROM odin_users")" = 300 ]
}

@test "files: a malformed JSON file or a bad CSV row stops the run with file:line; the target is left as it was" {
	pg_newdb "$src"
	S=$(pg_url "$src")
	m load-src >/dev/null
	m schema
	odin_dump >"$BATS_TEST_TMPDIR/empty"
	printf '{\n  "a": 1,\n  "b": [1, 2\n}\n' >"$DATA/config/broken.json"
	run -2 --separate-stderr m migrate
	[[ "$stderr" == *'config/broken.json:4:'*'not valid JSON'* ]]
	odin_dump >"$BATS_TEST_TMPDIR/now"
	diff -u "$BATS_TEST_TMPDIR/empty" "$BATS_TEST_TMPDIR/now"
	rm "$DATA/config/broken.json"
	echo 'user9999,Maths,50,2024-01-01 00:00:00,extra' >>"$DATA/samples/grades.csv"
	run -2 --separate-stderr m migrate
	[[ "$stderr" == *'grades.csv:302:'* ]]
	[[ "$stderr" != *user9999* ]]
	odin_dump >"$BATS_TEST_TMPDIR/now"
	diff -u "$BATS_TEST_TMPDIR/empty" "$BATS_TEST_TMPDIR/now"
	# fixed, the same run folder finishes the job
	sed -i '$d' "$DATA/samples/grades.csv"
	m migrate
	m verify
	[ "$(pgq "$dst" "SELECT count(*) FROM odin_sample_grades")" = 300 ]
}
