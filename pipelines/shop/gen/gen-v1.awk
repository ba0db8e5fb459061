# gen-v1.awk - the shop's dirty v1 data, deterministic (seed 002).
#
#   awk -v seed=S -v n=ORDERS -v out=DIR -f gen-v1.awk
#
# Writes DIR/old_users.tsv, old_products.tsv, old_orders.tsv (PostgreSQL
# COPY text), DIR/counts.txt, and the ground truth a test checks the
# migration against: DIR/truth/orders.csv (order_ref, currency, total in
# cents of its good lines, good lines, bad lines) and DIR/truth/bad_lines.csv
# (v1 line id, reason) for the lines no rule can read.  For n orders:
# n/4 customers (at least 10), a tenth of them entered twice more in
# other case and spacing, max(20, n/20) products, one to four lines per
# order, all of one currency.  Park-Miller generator (exact in any awk):
# same seed, same bytes.
#
# Dirt: names in one field; addresses as one line; prices as "$1,234.50",
# "USD 499.00", "3,50 €", "1.234,50 EUR", "£12.00", "free" (0.00) and, on
# a few products, "call us" (unreadable: its order lines are bad); dates
# as 2024-03-05, 05/03/2024 (day first), March 5, 2024, 5 Mar 2024 and
# epoch seconds; tags comma-joined in mixed case with stray blanks;
# quantities with blanks and, rarely, in words (bad lines); statuses in
# mixed case.
function rnd(k) { state = (state * 16807) % 2147483647; return state % k }
function pick(s,   a, m) { m = split(s, a, "|"); return a[rnd(m) + 1] }
function grp(v, sep,   s) { s = ""; while (v >= 1000) { s = sprintf("%s%03d", sep, v % 1000) s; v = int(v / 1000) } return v s }
function money(c, cur,   u, f) {
	u = int(c / 100); f = sprintf("%02d", c % 100)
	if (c == 0 && rnd(2)) return "free"
	if (cur == "USD") return rnd(2) ? "$" grp(u, ",") "." f : "USD " u "." f
	if (cur == "EUR") return rnd(2) ? grp(u, ".") "," f " €" : grp(u, ".") "," f " EUR"
	return "£" grp(u, ",") "." f
}
function mdate(d,   y, m, dd, k) {
	y = 2021 + d % 4; m = 1 + int(d / 7) % 12; dd = 1 + d % 28
	k = rnd(5)
	if (k == 0) return sprintf("%04d-%02d-%02d", y, m, dd)
	if (k == 1) return sprintf("%02d/%02d/%04d", dd, m, y)
	if (k == 2) return sprintf("%s %d, %04d", MON[m], dd, y)
	if (k == 3) return sprintf("%d %s %04d", dd, substr(MON[m], 1, 3), y)
	# epoch seconds of that day, noon UTC (days from 1970 by the civil calendar)
	return sprintf("%d", (days(y, m, dd) * 86400) + 43200)
}
function days(y, m, d,   era, yoe, doy, doe) {
	y -= (m <= 2); era = int(y / 400); yoe = y - era * 400
	doy = int((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1
	doe = yoe * 365 + int(yoe / 4) - int(yoe / 100) + doy
	return era * 146097 + doe - 719468
}
function messy(s,   k) { k = rnd(4); if (k == 0) return toupper(s); if (k == 1) return " " s " "; if (k == 2) return s; return toupper(substr(s, 1, 1)) substr(s, 2) }
BEGIN {
	split("January February March April May June July August September October November December", MON, " ")
	FIRST = "Anna|Ben|Carla|Dmitri|Elif|Farah|George|Hiro|Ines|Jonas|Kemi|Liam|Maya|Nils|Olga|Pedro"
	LAST = "Novak|Meyer|Rossi|Dubois|Kowalski|Jensen|Silva|Nagy|Weber|Costa|Lund|Varga"
	TAGS = "electronics|gadgets|sale|kitchen|outdoor|kids|gift|eco|new|bestseller"
	if (n + 0 < 10) { print "gen-v1: n must be 10 or more" > "/dev/stderr"; exit 2 }
	state = (seed + 0) % 2147483646 + 1
	for (i = 0; i < 7; i++) rnd(2)
	U = out "/old_users.tsv"; P = out "/old_products.tsv"; O = out "/old_orders.tsv"
	TO = out "/truth/orders.csv"; TB = out "/truth/bad_lines.csv"
	print "order_ref,currency,total_cents,good_lines,bad_lines" > TO
	print "line_id,reason" > TB
	nc = int(n / 4); if (nc < 10) nc = 10
	nu = 0
	for (c = 1; c <= nc; c++) {
		fn = pick(FIRST); ln = pick(LAST)
		cname[c] = fn " " ln; cmail[c] = tolower(fn "." ln c "@mail.example")
		caddr[c] = sprintf("%d %s Street, %s, %05d, %s", 1 + rnd(300), pick("Oak|Elm|Lake|Hill"), pick("Berlin|Lyon|Porto|Krakow"), rnd(99999), pick("DE|FR|PT|PL"))
		copies = (rnd(10) == 0) ? 3 : 1
		for (k = 0; k < copies; k++) {
			nu++
			em = k == 0 ? cmail[c] : (k == 1 ? toupper(substr(cmail[c], 1, 1)) substr(cmail[c], 2) : "  " toupper(cmail[c]) " ")
			printf "%d\t%s\t%s\t%s\t+49 30 %07d\t%s\n", nu, (k == 2 ? fn "  " ln : cname[c]), em, caddr[c], rnd(10000000), mdate(rnd(1400)) > U
		}
	}
	np = int(n / 20); if (np < 20) np = 20
	for (p = 1; p <= np; p++) {
		cur[p] = p % 4 == 0 ? "EUR" : (p % 4 == 1 ? "GBP" : "USD")
		cents[p] = (p % 17 == 0) ? 0 : 100 * (1 + rnd(2000)) + 50 * rnd(2)
		bad[p] = (p % 13 == 0)
		title[p] = sprintf("%s %s %d", pick("Smart|Eco|Mini|Pro|Classic"), pick("Lamp|Kettle|Tent|Speaker|Puzzle|Bottle"), p)
		nt = 1 + rnd(3); tg = ""
		for (k = 0; k < nt; k++) tg = tg (k ? "," (rnd(2) ? " " : "") : "") messy(pick(TAGS))
		ptags[p] = tg
		printf "%d\t%s\tA %s for every day.\t%s\t%s\t%s\n", p, title[p], tolower(title[p]), (bad[p] ? "call us" : money(cents[p], cur[p])), tg, mdate(rnd(1400)) > P
	}
	line = 0
	for (o = 1; o <= n; o++) {
		c = 1 + rnd(nc); ref = sprintf("ORD-%07d", o)
		nl = 1 + rnd(4); od = mdate(rnd(1400)); st = messy(pick("pending|paid|shipped|delivered|cancelled"))
		oc = pick("USD|USD|EUR|GBP"); ocur = ""; tot = 0; good = 0; badn = 0
		delete used
		for (k = 0; k < nl; k++) {
			do p = 1 + rnd(np); while ((p in used) || cur[p] != oc)
			used[p] = 1
			line++; q = 1 + rnd(5); qs = q
			why = ""
			if (rnd(200) == 0) { qs = pick("two|three|a few"); why = "quantity not a number" }
			else if (rnd(4) == 0) qs = " " q
			if (bad[p]) why = why ? why : "price not readable"
			printf "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", line, ref, (rnd(8) ? cname[c] : toupper(cname[c])), (rnd(6) ? cmail[c] : " " toupper(cmail[c])), caddr[c], title[p], (bad[p] ? "call us" : money(cents[p], cur[p])), ptags[p], qs, od, st > O
			if (why != "") { printf "%d,%s\n", line, why > TB; badn++ }
			else { tot += q * cents[p]; good++; ocur = ocur ? ocur : cur[p] }
		}
		printf "%s,%s,%d,%d,%d\n", ref, ocur, tot, good, badn > TO
	}
	printf "old_users %d\nold_products %d\nold_orders %d\norders %d\ncustomers %d\nseed %d\n", nu, np, line, n, nc, seed > (out "/counts.txt")
}
