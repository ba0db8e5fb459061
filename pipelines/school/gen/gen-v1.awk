# gen-v1.awk - the school platform's v1 data, deterministic and dirty.
#
#   awk -v seed=S -v n=STUDENTS -v out=DIR -f gen-v1.awk
#
# Writes DIR/School.tsv, Teacher.tsv, Parent.tsv, Class.tsv, Subject.tsv,
# Student.tsv, _ParentToStudent.tsv (PostgreSQL COPY text: tab between
# fields, \N for NULL) and DIR/counts.txt.  For n students: one school per
# 100 students (at least one), 5 classes and 4 subjects per school, one
# teacher per 10 students, one family (one or two parents) per 1.5
# students on average.  The generator is Park-Miller's (products stay below
# 2^46, exact in any awk's doubles): the same seed and n, the same bytes.
#
# Dirt, on purpose: a teacher who is also a parent at the same school (about
# 1 in 20 families: same name, e-mail and phone); two parents of a family
# sharing one e-mail and one phone; children using a parent's phone;
# missing e-mails (a fifth of the parents, most students); phones in the
# local formats of the school's country (GB KE NG US IN), some with the
# calling code; full names of one to four words, some with doubled
# blanks; addresses as one free-text field in the country's style.
function rnd(k) { state = (state * 16807) % 2147483647; return state % k }
function pick(s,   a, m) { m = split(s, a, "|"); return a[rnd(m) + 1] }
function fullname(parts, fam,   s, i) {
	s = pick(FIRST)
	for (i = 2; i < parts; i++) s = s " " pick(FIRST)
	if (parts > 1) s = s (rnd(15) == 0 ? "  " : " ") fam
	return s
}
function phone(c,   d) {
	if (rnd(8) == 0) {
		if (c == "GB") return sprintf("+44 7%03d %06d", rnd(1000), rnd(1000000))
		if (c == "KE") return sprintf("+254 7%02d %06d", rnd(100), rnd(1000000))
		if (c == "NG") return sprintf("+234 80%d %03d %04d", 3 + rnd(7), rnd(1000), rnd(10000))
		if (c == "US") return sprintf("+1 %d%02d-%d%02d-%04d", 2 + rnd(8), rnd(100), 2 + rnd(8), rnd(100), rnd(10000))
		return sprintf("+91 9%04d %05d", rnd(10000), rnd(100000))
	}
	if (c == "GB") return sprintf("07%03d %06d", rnd(1000), rnd(1000000))
	if (c == "KE") return sprintf("07%02d %06d", rnd(100), rnd(1000000))
	if (c == "NG") return sprintf("080%d %03d %04d", 3 + rnd(7), rnd(1000), rnd(10000))
	if (c == "US") return sprintf("(%d%02d) %d%02d-%04d", 2 + rnd(8), rnd(100), 2 + rnd(8), rnd(100), rnd(10000))
	return sprintf("09%04d %05d", rnd(10000), rnd(100000))
}
function address(c) {
	if (c == "GB") return sprintf("%d %s Street, %s, %s%d %dAB", 1 + rnd(200), pick("High|Church|Mill|Station"), pick("Leeds|York|Bristol"), pick("LS|YO|BS"), 1 + rnd(20), 1 + rnd(9))
	if (c == "KE") return sprintf("Plot %d %s Road, %s", 1 + rnd(400), pick("Ngong|Thika|Mombasa"), pick("Nairobi|Kisumu"))
	if (c == "NG") return sprintf("%d %s Avenue, %s, Lagos", 1 + rnd(90), pick("Allen|Awolowo|Adeola"), pick("Ikeja|Lekki|Yaba"))
	if (c == "US") return sprintf("%d %s St, %s, %s %05d", 100 + rnd(9000), pick("Market|Main|Oak"), pick("Austin|Denver|Boston"), pick("TX|CO|MA"), 10000 + rnd(89999))
	return sprintf("%d %s Road, %s %d", 1 + rnd(99), pick("MG|Park|Lake"), pick("Bengaluru|Pune|Chennai"), 400000 + rnd(200000))
}
function ts(d) { return sprintf("2023-%02d-%02d %02d:%02d:%02d.000", 1 + d % 12, 1 + d % 28, 7 + rnd(12), rnd(60), rnd(60)) }
function nul(v) { return v == "" ? "\\N" : v }
function slug(s) { s = tolower(s); gsub(/[^a-z]+/, ".", s); sub(/^\./, "", s); sub(/\.$/, "", s); return s }
BEGIN {
	FIRST = "Amina|Brian|Chloe|David|Esther|Femi|Grace|Hassan|Ivy|James|Kofi|Lina|Mary|Neha|Omar|Priya|Quinn|Rahul|Sarah|Tunde|Wanjiru|Yusuf"
	LAST = "Okafor|Smith|Mwangi|Patel|Johnson|Adeyemi|Brown|Otieno|Sharma|Williams|Kamau|Eze|Taylor|Gupta|Mensah|Garcia"
	COUNTRIES = "GB KE NG US IN"
	split(COUNTRIES, CC, " ")
	if (n + 0 < 10) { print "gen-v1: n must be 10 or more" > "/dev/stderr"; exit 2 }
	state = (seed + 0) % 2147483646 + 1
	for (i = 0; i < 7; i++) rnd(2)
	schools = int((n + 99) / 100)
	S = out "/School.tsv"; T = out "/Teacher.tsv"; P = out "/Parent.tsv"; C = out "/Class.tsv"
	J = out "/Subject.tsv"; ST = out "/Student.tsv"; PS = out "/_ParentToStudent.tsv"
	nt = np = nc = nj = ns = nps = 0
	for (s = 1; s <= schools; s++) {
		c = CC[1 + (s - 1) % 5]
		stu = (s < schools) ? 100 : n - 100 * (schools - 1)
		printf "%d\t%s %s School\t%s-%04d\t%s\t%s\t%s\tinfo@school%d.example\t%s\t%s\n", s, pick("St. Mary's|Greenfield|Riverside|Hilltop|Sunrise"), pick("Primary|Secondary|Academy"), c, s, c, address(c), phone(c), s, ts(s), ts(s + 30) > S
		t0 = nt + 1
		nteach = int((stu + 9) / 10)
		for (k = 0; k < nteach; k++) {
			nt++
			fam = pick(LAST); nm = fullname(1 + rnd(4), fam)
			tname[nt] = nm; tmail[nt] = slug(nm) nt "@school" s ".example"; tphone[nt] = phone(c)
			printf "%d\t%d\t%s\t%s\t%s\t$2b$10$v1teacherhash%07d\t%s\t%s\t%s\n", nt, s, nm, (rnd(10) == 0 ? "\\N" : tmail[nt]), tphone[nt], nt, address(c), ts(nt), ts(nt + 40) > T
		}
		c0 = nc + 1
		for (k = 1; k <= 5; k++) {
			nc++
			printf "%d\t%d\tGrade %d%s\tGrade %d\t%d\n", nc, s, k, substr("ABC", 1 + rnd(3), 1), k, t0 + (k - 1) % nteach > C
		}
		split("English|Mathematics|Biology|History", subj, "|")
		for (k = 1; k <= 4; k++) { nj++; printf "%d\t%d\t%s\t%d\n", nj, s, subj[k], t0 + rnd(nteach) > J }
		left = stu
		while (left > 0) {
			fam = pick(LAST); kids = 1 + rnd(3); if (kids > left) kids = left
			twoparents = rnd(3) != 0
			addr = address(c)
			both = rnd(20) == 0
			famphone = phone(c)
			fammail = slug(fam) ".family" np "@mail.example"
			p1 = ++np
			if (both) {	# a teacher of this school is this family's parent
				tt = t0 + rnd(nteach)
				printf "%d\t%d\t%s\t%s\t%s\t$2b$10$v1parenthash%08d\t%s\t%s\t%s\t%s\n", p1, s, tname[tt], tmail[tt], tphone[tt], p1, addr, "Teacher", ts(p1), ts(p1 + 50) > P
			} else
				printf "%d\t%d\t%s\t%s\t%s\t$2b$10$v1parenthash%08d\t%s\t%s\t%s\t%s\n", p1, s, fullname(1 + rnd(4), fam), (rnd(5) == 0 ? "\\N" : fammail), famphone, p1, addr, pick("Engineer|Nurse|Trader|\\N"), ts(p1), ts(p1 + 50) > P
			p2 = 0
			if (twoparents) {
				p2 = ++np
				printf "%d\t%d\t%s\t%s\t%s\t$2b$10$v1parenthash%08d\t%s\t%s\t%s\t%s\n", p2, s, fullname(2 + rnd(2), fam), (rnd(2) ? fammail : "\\N"), (rnd(2) ? famphone : phone(c)), p2, addr, pick("Teacher|Driver|Doctor|\\N"), ts(p2), ts(p2 + 50) > P
			}
			for (k = 0; k < kids; k++) {
				ns++
				nm = fullname(2 + rnd(3), fam)
				printf "%d\t%d\t%d\t%s\t%s\t%s\t$2b$10$v1studenthash%07d\t%s\tADM%05d\t20%02d-%02d-%02d 00:00:00.000\t%s\t%s\t%s\n", ns, s, c0 + rnd(5), nm, (rnd(4) == 0 ? slug(nm) "@student.example" : "\\N"), (rnd(3) == 0 ? famphone : "\\N"), ns, addr, ns, 8 + rnd(10), 1 + rnd(12), 1 + rnd(28), pick("M|F|male|Female|\\N"), ts(ns), ts(ns + 60) > ST
				printf "%d\t%d\n", p1, ns > PS; nps++
				if (p2) { printf "%d\t%d\n", p2, ns > PS; nps++ }
			}
			left -= kids
		}
	}
	printf "School %d\nTeacher %d\nParent %d\nClass %d\nSubject %d\nStudent %d\n_ParentToStudent %d\nseed %d\n", schools, nt, np, nc, nj, ns, nps, seed > (out "/counts.txt")
}
