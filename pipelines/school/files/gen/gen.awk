# gen.awk - a deterministic heimdall (the seed's source database) and the
# files the seed's file migration moves, dirty as such data is.
#   awk -v seed=S -v n=N -v out=DIR -f gen.awk
# DIR/heimdall/heimdall_{schools,users,classes}.csv: the source tables
# (N users, N/15 schools, N/10 classes); DIR/config/*.json: the JSON
# configuration files; DIR/samples/*.csv: the CSV sample files;
# DIR/counts.txt: rows per table and file.
function rnd(k) { return int(rand() * k) }
function pick(s,    a, m) { m = split(s, a, "|"); return a[rnd(m) + 1] }
function q(s) { gsub(/"/, "\"\"", s); return "\"" s "\"" }
function stamp(d) { return sprintf("2024-%02d-%02d %02d:%02d:00", d % 12 + 1, d % 28 + 1, d % 24, d % 60) }
BEGIN {
	srand(seed + 0)
	ns = int(n / 15) + 1; nc = int(n / 10) + 1
	h = out "/heimdall"; c = out "/config"; sm = out "/samples"
	first = "ada|Bob|CHARLES|dora|Eve|frank|Grace|heidi|Ivan|judy|Zoë|Jürgen"
	last = "lovelace|SMITH|Okafor|mwangi|Patel|o'neil|Kim|MÜLLER|García|lee"
	city = "Springfield|Leeds|Nairobi|Lagos|Pune|Austin"
	cc = "us|GB| ke|NG|in|US "
	print "id,name,address,country,created" > (h "/heimdall_schools.csv")
	for (i = 1; i <= ns; i++)
		print i "," q("School " i) "," q((i * 7) " Main St, " pick(city) ", " (10000 + i)) "," q(pick(cc)) "," stamp(i) > (h "/heimdall_schools.csv")
	print "id,username,email,full_name,phone,school_id,is_active,created_at" > (h "/heimdall_users.csv")
	for (i = 1; i <= n; i++) {
		f = pick(first); l = pick(last)
		mail = rnd(8) == 0 ? "" : (rnd(2) ? toupper(substr(f, 1, 1)) substr(f, 2) : f) "." i "@Heimdall.example"
		name = rnd(6) == 0 ? f "  " l : f " " l
		ph = rnd(5) == 0 ? "" : sprintf("%03d-%04d", rnd(900) + 100, rnd(10000))
		print i "," q("user" i) "," q(mail) "," q(name) "," q(ph) "," (rnd(ns) + 1) "," pick("Y|N|yes|no|1|0|true") "," stamp(i * 3) > (h "/heimdall_users.csv")
	}
	print "id,school_id,title,grade" > (h "/heimdall_classes.csv")
	for (i = 1; i <= nc; i++)
		print i "," (rnd(ns) + 1) "," q(pick("Maths|English|Biology|History") " " i) "," q("Grade " (rnd(12) + 1)) > (h "/heimdall_classes.csv")
	# JSON configuration files: nested objects, arrays, numbers, booleans
	for (i = 1; i <= 3; i++) {
		fn = c "/school-" i ".json"
		printf "{\n  \"name\": \"School %d\",\n  \"grading\": {\"scale\": \"%s\", \"pass_mark\": %d, \"weights\": [0.4, 0.6]},\n", i, pick("A-F|1-10|percent"), 40 + i * 5 > fn
		printf "  \"features\": {\"sms\": %s, \"portal\": %s},\n  \"terms\": [\"autumn\", \"spring\", \"summer\"],\n  \"contact\": {\"email\": \"office%d@heimdall.example\", \"phone\": null}\n}\n", i % 2 ? "true" : "false", i == 2 ? "false" : "true", i > fn
		close(fn)
	}
	print "{\"version\": 2, \"locale\": \"en-GB\", \"modules\": {\"attendance\": true, \"fees\": false}}" > (c "/platform.json")
	# CSV sample files
	print "student_ref,subject,score,recorded" > (sm "/grades.csv")
	for (i = 1; i <= n; i++)
		print "user" i "," pick("Maths|English|Biology") "," (rnd(2) ? rnd(101) : sprintf("%d.%d", rnd(100), rnd(10))) "," stamp(i) > (sm "/grades.csv")
	print "student_ref,day,present" > (sm "/attendance.csv")
	for (i = 1; i <= n; i++)
		print "user" i "," sprintf("2024-09-%02d", i % 28 + 1) "," pick("Y|N") > (sm "/attendance.csv")
	printf "heimdall_schools %d\nheimdall_users %d\nheimdall_classes %d\ngrades %d\nattendance %d\nconfig 4\n", ns, n, nc, n, n > (out "/counts.txt")
}
