# sum-orders.awk - one orders record per order from one per order line,
# with total = the sum of the lines' line_cents, written in units, and
# currency the first a line shows, else the first line's product's.
# WORKAROUND: the tools have no group-by aggregate (mig-rekey's dedupe
# keeps one record of a group but sums nothing), so this filter does it.
# Input: the orders tag of orders.sh, sorted by order_ref (the extract
# orders by it), columns id,order_ref,user_id,order_date,status,currency,
# line_cents,product_currency; none of these values holds a comma or a quote (refs, lower-
# cased e-mails, ISO dates, words, integers), so a plain split is safe.
# Memory: one order.  Comments and control lines pass through, and a
# stats line of its own (mig-stream(5)) says how many lines went into how
# many orders (the lines merged count as dropped), so mig-verify's ledger
# balances.
BEGIN { FS = OFS = "," }
function flush() {
	if (ref == "") return
	nout++
	print "orders", id, ref, user, day, st, (cur != "" ? cur : pcur), sprintf("%s%d.%02d", cents < 0 ? "-" : "", int((cents < 0 ? -cents : cents) / 100), (cents < 0 ? -cents : cents) % 100)
	ref = ""
}
/^@orders,/ {
	print "@orders,id:text,order_ref:text,user_id:text,order_date:date,status:text,currency:text,total:numeric"
	next
}
/^orders,/ {
	if ($3 != ref) { flush(); id = $2; ref = $3; user = $4; day = $5; st = $6; cur = $7; pcur = $9; cents = 0 }
	if (cur == "") cur = $7
	cents += $8
	nin++
	next
}
{ flush(); print }
END { flush(); printf "#!stats sum-orders orders in=%d out=%d dropped=%d rejected=0\n", nin, nout, nin - nout }
