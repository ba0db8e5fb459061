# gen-v1.awk - the CRM's v1 data with the seed's problems built in, and
# the truth behind them, deterministic.
#
#   awk -v seed=S -v n=PEOPLE -v out=DIR -f gen-v1.awk
#
# Writes DIR/contact.tsv, patient.tsv, doctor.tsv, nurse.tsv,
# admin_user.tsv (PostgreSQL COPY text), DIR/counts.txt and the truth:
#   truth/persons.csv     person,contact_id,patient_id: who is who (a
#                         person with both ids is one human written twice)
#   truth/conditions.csv  patient_id,text,code: every condition as written,
#                         with its vocabulary code, empty when it has none
# For n people (contacts and patients; at least 10): about 35% contacts
# only, 30% patients only, 35% both; plus n/50 doctors and nurses (at
# least 3 each) and 3 admins.  Park-Miller generator (exact in any awk).
#
# Built in: the same human as a contact and a patient with differing
# spellings (case, blanks, "Last, First") and partly missing fields, so
# that the documented keys find them: the same e-mail (in other case and
# blanks), else (the patient without e-mail) the same phone in another
# format, else (neither) the same name and birth date; pairs of different
# patients with the same name and no e-mail or phone (who must stay two);
# conditions written ten ways, misspelt, coded, or not in the vocabulary
# at all; journeys with gaps (a later step dated, an earlier one not);
# referrals as free text naming a doctor, a contact's e-mail or a channel.
function rnd(k) { state = (state * 16807) % 2147483647; return state % k }
function pick(s,   a, m) { m = split(s, a, "|"); return a[rnd(m) + 1] }
function ph(i,   a, e, l, k) {
	a = 201 + i % 700; e = 201 + int(i / 700) % 700; l = i % 10000; k = rnd(4)
	if (k == 0) return sprintf("(%d) %d-%04d", a, e, l)
	if (k == 1) return sprintf("%d.%d.%04d", a, e, l)
	if (k == 2) return sprintf("+1 %d %d %04d", a, e, l)
	return sprintf("%d%d%04d", a, e, l)
}
# one birth date per person number below 21840 (so that name and birth
# date never join two people); twins are born in 1939
function dob(i) { return sprintf("%04d-%02d-%02d", 1940 + i % 65, 1 + int(i / 65) % 12, 1 + int(i / 780) % 28) }
function dob_twin(i) { return sprintf("1939-%02d-%02d", 1 + i % 12, 1 + int(i / 12) % 28) }
function ts(i) { return sprintf("2022-%02d-%02d %02d:%02d:00", 1 + i % 12, 1 + i % 28, 8 + rnd(10), rnd(60)) }
function nul(v) { return v == "" ? "\\N" : v }
function cond(pid,   k, t, code) {
	k = rnd(NC)
	t = CT[k + 1]; code = CC[k + 1]
	if (rnd(3) == 0) t = toupper(substr(t, 1, 1)) substr(t, 2)
	if (rnd(5) == 0) t = " " t " "
	printf "%d,%s,%s\n", pid, t, code > TC
	return t
}
BEGIN {
	FIRST = "Ann|Robert|Maria|Wei|Fatima|John|Olga|Pierre|Aisha|Carlos|Emma|Jonas|Priya|Liam|Sofia|Kenji"
	LAST = "Smith|Garcia|Chen|Khan|Müller|Rossi|Novak|Okafor|Silva|Brown|Dubois|Tanaka|Larsen|Haddad"
	NC = split("diabetes type 2|type 2 diabetes|T2DM|DM2|E11|diabetis|hypertension|high blood pressure|HTN|I10|hypertention|asthma|asthama|J45|COPD|depression|depresion|back pain|feels tired|allergy to cats", CT, "|")
	split("E11|E11|E11|E11|E11|E11|I10|I10|I10|I10|I10|J45|J45|J45|J44|F32|F32|||", CC, "|")
	if (n + 0 < 10) { print "gen-v1: n must be 10 or more" > "/dev/stderr"; exit 2 }
	state = (seed + 0) % 2147483646 + 1
	for (i = 0; i < 7; i++) rnd(2)
	C = out "/contact.tsv"; P = out "/patient.tsv"; TP = out "/truth/persons.csv"; TC = out "/truth/conditions.csv"
	print "person,contact_id,patient_id" > TP
	print "patient_id,text,code" > TC
	nd = int(n / 50); if (nd < 3) nd = 3
	for (d = 1; d <= nd; d++) {
		dn[d] = pick(FIRST) " " pick(LAST)
		printf "%d\t%s\tdr%d@clinic.example\t%s\t%s\n", d, dn[d], d, ph(900000 + d), pick("GP|Cardiology|Endocrinology") > (out "/doctor.tsv")
		printf "%d\t%s\tnurse%d@clinic.example\t%s\t%s\n", d, pick(FIRST) " " pick(LAST), d, ph(950000 + d), pick("A|B|C") > (out "/nurse.tsv")
	}
	for (a = 1; a <= 3; a++) printf "%d\tadmin%d\tadmin%d@clinic.example\n", a, a, a > (out "/admin_user.tsv")
	nc = np = 0
	for (i = 1; i <= n; i++) {
		fn = pick(FIRST); ln = pick(LAST); em = tolower(fn) "." tolower(ln) i "@mail.example"
		bd = dob(i)
		r = rnd(100)
		kind = r < 35 ? "c" : (r < 65 ? "p" : "b")
		how = kind == "b" ? pick("email|email|phone|name") : ""
		# a patient twin: same name, no e-mail or phone, another birth date
		twin = (kind == "p" && rnd(15) == 0)
		cid = pid = ""
		if (kind != "p") {
			cid = ++nc
			cemail[cid] = em
			cem = em; cph = ph(i); cbd = rnd(3) ? "" : bd
			if (how == "email") cem = rnd(2) ? toupper(substr(em, 1, 1)) substr(em, 2) : " " em
			if (how == "name") { cph = ""; cbd = bd }
			if (how == "phone") cbd = ""
			if (kind == "c" && rnd(5) == 0) cem = ""
			printf "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", cid, (rnd(4) ? fn : tolower(fn)), (rnd(6) ? ln : " " toupper(ln)), nul(cem), nul(cph), nul(cbd), pick("Acme|Globex|\\N|Initech"), ts(i) > C
		}
		if (kind != "c") {
			pid = ++np
			pem = em; pph = ph(i)
			if (how == "phone") pem = ""
			if (how == "name") { pem = ""; pph = "" }
			if (twin) { pem = ""; pph = "" }
			k = rnd(3); name = k == 0 ? ln ", " fn : (k == 1 ? fn "  " ln : fn " " ln)
			nco = rnd(4); cs = ""
			for (c = 0; c < nco; c++) cs = cs (c ? pick(",|;|, ") : "") cond(pid)
			# journey: intake always; later steps sometimes, with gaps
			j1 = sprintf("2023-%02d-%02d", 1 + rnd(3), 1 + rnd(28))
			j2 = rnd(3) ? sprintf("2023-%02d-%02d", 4 + rnd(2), 1 + rnd(28)) : ""
			j3 = rnd(2) ? sprintf("2023-%02d-%02d", 6 + rnd(3), 1 + rnd(28)) : ""
			j4 = rnd(3) == 0 ? sprintf("2023-%02d-%02d", 10 + rnd(3), 1 + rnd(28)) : ""
			d = 1 + rnd(nd)
			ref = pick("dr|contact|web|none")
			refs = ref == "dr" ? "Dr. " dn[1 + rnd(nd)] : (ref == "contact" && nc > 0 ? "contact: " cemail[1 + rnd(nc)] : (ref == "web" ? "website" : ""))
			printf "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", pid, name, nul(pem), nul(pph), (rnd(10) || how == "name" ? bd : "\\N"), nul(cs), j1, nul(j2), nul(j3), nul(j4), "2023-11-" sprintf("%02d", 1 + rnd(28)) " 10:00:00", (rnd(2) ? "2024-02-" sprintf("%02d", 1 + rnd(28)) " 09:30:00" : "\\N"), (rnd(5) ? "Dr. " dn[d] : dn[d]), nul(refs), ts(i) > P
		}
		printf "%d,%s,%s\n", i, cid, pid > TP
		if (twin) {
			i2 = i + 1000000
			pid2 = ++np
			twins++
			printf "%d\t%s\t\\N\t\\N\t%s\t\\N\t%s\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t%s\n", pid2, fn " " ln, dob_twin(i), j1, ts(i) > P
			printf "%d,,%d\n", i2, pid2 > TP
		}
	}
	printf "contact %d\npatient %d\ndoctor %d\nnurse %d\nadmin_user 3\npersons %d\nseed %d\n", nc, np, nd, nd, n + twins, seed > (out "/counts.txt")
}
