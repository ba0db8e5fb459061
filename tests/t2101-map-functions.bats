#!/usr/bin/env bats
# mig-map: the function library, one table row per case.
load lib-common

# Each row: EXPR|input field (tagged CSV)|expected output field, where an
# empty expectation is NULL, "" the empty string and ! a conversion error.
check_table() {
	local fn in want got out n=0 bad=0
	while IFS='|' read -r fn in want; do
		n=$((n + 1))
		printf '@t,v:text\nt,%s\n' "$in" >"$BATS_TEST_TMPDIR/in"
		if out=$(mig-map "t.r = $fn" 'keep t.r' <"$BATS_TEST_TMPDIR/in" 2>"$BATS_TEST_TMPDIR/err"); then
			got=$(printf '%s\n' "$out" | sed -n 3p)
			got=${got#t,}
		elif [ $? = 1 ]; then
			got='!'
		else
			got="exit $?: $(cat "$BATS_TEST_TMPDIR/err")"
		fi
		if [ "$got" != "$want" ]; then
			echo "row $n: $fn on [$in]: got [$got], want [$want]"
			bad=1
		fi
	done
	[ "$n" -gt 0 ] && [ "$bad" = 0 ]
}

@test "map: trim, lower, upper, collapse" {
	check_table <<'EOF'
trim(v)|  a b  |a b
trim(v)|""|""
trim(v)||
trim(v)| x |x
lower(v)|ÉMILE Ström|émile ström
lower(v)|ABC|abc
lower(v)|@AZ[`az{ ABCDEFGHIJKLMNOPQRSTUVWXYZ 0129|@az[`az{ abcdefghijklmnopqrstuvwxyz 0129
upper(v)|@AZ[`az{ abcdefghijklmnopqrstuvwxyz 0129|@AZ[`AZ{ ABCDEFGHIJKLMNOPQRSTUVWXYZ 0129
lower(v)|ANNA.ÉMILE-STRÖM@EXAMPLE.ORG|anna.émile-ström@example.org
upper(v)|~!azAZ straße ok|~!AZAZ STRAßE OK
upper(v)|émile straße|ÉMILE STRAßE
collapse(v)|  a   b	c  |a b c
collapse(v)|" "|""
EOF
}

@test "map: split_name" {
	check_table <<'EOF'
split_name(v, first)|Ann|Ann
split_name(v, middle)|Ann|
split_name(v, last)|Ann|
split_name(v, given)|Ann|Ann
split_name(v, first)|  Ann   Marie  Lee |Ann
split_name(v, middle)|  Ann   Marie  Lee |Marie
split_name(v, last)|  Ann   Marie  Lee |Lee
split_name(v, given)|  Ann   Marie  Lee |Ann Marie
split_name(v, first)|"Lee, Bo Cy"|Bo
split_name(v, middle)|"Lee, Bo Cy"|Cy
split_name(v, last)|"Lee, Bo Cy"|Lee
split_name(v, middle)|Jean Paul de la Fontaine|Paul de la
split_name(v, first)|"Lee Smith, Bo Cy"|Bo
split_name(v, middle)|"Lee Smith, Bo Cy"|Cy
split_name(v, last)|"Lee Smith, Bo Cy"|Lee Smith
split_name(v, given)|"Lee Smith, Bo Cy"|Bo Cy
split_name(v, first)|"Lee,"|Lee
split_name(v, last)|"Lee,"|
split_name(v, last)|Jean Paul de la Fontaine|Fontaine
split_name(v, first)|""|
split_name(v, first)||
EOF
}

@test "map: phone to E.164" {
	check_table <<'EOF'
phone(v, US)|(555) 234-5678|+15552345678
phone(v, US)|1-555-234-5678|+15552345678
phone(v, US)|+1 555 234 5678|+15552345678
phone(v, US)|555.234.5678|+15552345678
phone(v, US)|555-0100|!
phone(v, US)|055-234-5678|!
phone(v, US)|0044 20 7946 0018|+442079460018
phone(v, US)|011 44 20 7946 0018|+442079460018
phone(v, US)|+44 (0)20 7946 0018|+442079460018
phone(v, US)|call me|!
phone(v, US)|555.234.5678 x12|!
phone(v, US)|+12|!
phone(v, US)|+44 20 7946|!
phone(v, US)|+0 123 456 789|!
phone(v, US)||
phone(v, GB)|020 7946 0018|+442079460018
phone(v, GB)|07911 123456|+447911123456
phone(v, GB)|+1 (555) 234-5678|+15552345678
phone(v, GB)|7946 0018|!
phone(v, FR)|01 23 45 67 89|+33123456789
phone(v, fr)|+33 (0)1 23 45 67 89|+33123456789
phone(v, DE)|030 123456|+4930123456
phone(v, IT)|06 1234 5678|+390612345678
phone(v)|020 7946 0018|!
phone(v)|+4915112345678|+4915112345678
phone(v)|+999 1234 5678|+99912345678
EOF
}

@test "map: dates and times" {
	check_table <<'EOF'
date(v)|2024-02-29|2024-02-29
date(v)|2023-02-29|!
date(v, iso)|20240102|2024-01-02
date(v)|2024/1/2|2024-01-02
date(v)|2024-01-02 10:00:00|2024-01-02
date(v)|2024-01-02T10:00:00Z|2024-01-02
date(v)|1/2/2024|!
date(v)|24-01-02|!
date(v)||
date(v, dmy)|31/12/1990|1990-12-31
date(v, dmy)|1.2.2024|2024-02-01
date(v, dmy)|12/31/2024|!
date(v, mdy)|12/31/2024|2024-12-31
date(v, mdy)|1-2-2024|2024-01-02
date(v, mdy)|1/2/24|!
date(v, unix)|0|1970-01-01
date(v, unix)|-1|1969-12-31
timestamp(v)|2024-01-02T03:04|2024-01-02 03:04:00
timestamp(v)|2024-01-02 03:04:05.120|2024-01-02 03:04:05.12
timestamp(v)|2024-01-02 03:04:05.1234567|!
timestamp(v)|2024-01-02 24:00|!
timestamp(v)|2024-01-02 10:00+01:00|!
timestamp(v, dmy)|31/12/2024 23:59|2024-12-31 23:59:00
timestamp(v, dmy)|31/12/2024|2024-12-31 00:00:00
timestamp(v, unix)|1700000000.5|2023-11-14 22:13:20.5
timestamp(v, unix)|-1.25|1969-12-31 23:59:58.75
timestamp(v, unix)|253402300800|!
timestamp(v, unix)|12abc|!
timestamptz(v, UTC)|2024-01-02 03:04:05|2024-01-02 03:04:05+00
timestamptz(v, UTC)|2024-01-02T03:04:05.500|2024-01-02 03:04:05.5+00
timestamptz(v, Etc/UTC)|2024-02-30 03:04:05|!
timestamptz(v, UTC)|2024-01-02 03:04:05+02|2024-01-02 01:04:05+00
timestamptz(v, America/New_York)|2024-07-01 12:00:00|2024-07-01 16:00:00+00
timestamptz(v, America/New_York)|2024-01-15 08:00:00|2024-01-15 13:00:00+00
timestamptz(v, America/New_York)|2024-03-10 02:30:00|!
timestamptz(v, America/New_York)|2024-03-10 03:00:00|2024-03-10 07:00:00+00
timestamptz(v, America/New_York)|2024-11-03 01:30:00|2024-11-03 05:30:00+00
timestamptz(v, America/New_York)|2024-11-03 02:00:00|2024-11-03 07:00:00+00
timestamptz(v, America/New_York)|1950-06-01 12:00|1950-06-01 16:00:00+00
timestamptz(v, Europe/Paris)|2024-07-01T12:00:00+02:00|2024-07-01 10:00:00+00
timestamptz(v, Europe/Paris)|2024-07-01 12:00Z|2024-07-01 12:00:00+00
timestamptz(v, Asia/Kolkata)|2024-07-01 12:00:00.5|2024-07-01 06:30:00.5+00
timestamptz(v, Australia/Lord_Howe)|2024-10-06 02:15:00|!
timestamptz(v, Europe/Paris, dmy)|01/07/2024 12:00|2024-07-01 10:00:00+00
timestamptz(v, Europe/Paris, unix)|0|1970-01-01 00:00:00+00
EOF
}

@test "map: money and number text" {
	check_table <<'EOF'
money(v)|"$1,234.50"|1234.50
money(v)|"1.234,50 €"|1234.50
money(v)|(12.00)|-12.00
money(v)|EUR -3|-3
money(v)|"1,234"|1234
money(v)|1.234|1.234
money(v)|"12,5"|12.5
money(v)|-$0.00|0.00
money(v)|USD 1 234 567.891|1234567.891
money(v)|"12,34,567.5"|1234567.5
money(v)|1'234.5|1234.5
money(v)|"€ 0,99"|0.99
money(v)|.5|0.5
money(v)|1.000.000|1000000
money(v)|00012.30|12.30
money(v)|12-|-12
money(v)|12 $|12
money(v)|"R$ 10,00"|10.00
money(v)|99999999999999999999999999.99|99999999999999999999999999.99
money(v)|$|!
money(v)|abc|!
money(v)|1.2.3|!
money(v)|1 2345|!
money(v)|(12|!
money(v)||
money(v, ',')|1.234|1234
money(v, ',')|"1.234,5"|1234.5
money(v, '.')|"1,234"|1234
money(v, '.')|"1,5"|!
EOF
}

@test "map: coalesce, default, concat, nullif, constants" {
	check_table <<'EOF'
coalesce(v, 'x')||x
coalesce(v, 'x')|""|""
coalesce(v, null, 'y')||y
coalesce(null, v)||
default(v, 'x')||x
default(v, 'x')|a|a
concat(v, '-', v)|a|a-a
concat(v, '-', v)||-
concat(v)||""
nullif(v, 'n/a')|n/a|
nullif(v, 'n/a')|N/A|N/A
nullif(v, '')|""|
nullif(v, '')||
'it''s'|x|it's
"v"|x|x
42|x|42
true|x|t
null|x|
EOF
}

@test "map: uuid5 and email_from" {
	check_table <<'EOF'
uuid5(dns, v)|1|b04965e6-a9bb-591f-8f8a-1adcb2c8dc39
uuid5('6ba7b811-9dad-11d1-80b4-00c04fd430c8', v)|http://a|bcf7b280-b0ac-52cf-aa46-68920fe34ea0
uuid5(url, v)|http://a|bcf7b280-b0ac-52cf-aa46-68920fe34ea0
uuid5(url, v)||
email_from('{v}@School.Example')|Ann Lee|annlee@school.example
email_from('{v}.x@school.example')||x@school.example
email_from('{v}@school.example')|O'Brien-Smith|obrien-smith@school.example
email_from('{v}@school.example')|..a..b..|a.b@school.example
email_from('{v}@school.example')|Émile|emile@school.example
email_from('{v}@school.example')|!!!|!
email_from('a@{v}')||!
EOF
}

# Values already in canonical form are checked in place, not parsed; the
# parse still reads a value with a leading space.  Every candidate below,
# canonical or one mutation away from it, must come out the same both
# ways: the same text, or an error both times.
@test "map: canonical dates and times read in place give what the parse gives" {
	awk 'BEGIN {
		srand(19)
		split("00 01 09 10 12 13 19 23 24 28 29 30 31 32 59 60 99", b, " ")
		split("0000 0001 0099 1582 1900 2000 2023 2024 2100 9999", y, " ")
		split("0 5 9 : - / . T x a", c, " ")
		print "@t,a:text,b:text"
		for (i = 0; i < 4000; i++) {
			f[1] = y[int(rand() * 9) + 2]
			f[2] = sprintf("%02d", int(rand() * 12) + 1)
			f[3] = sprintf("%02d", int(rand() * 28) + 1)
			f[4] = sprintf("%02d", int(rand() * 24))
			f[5] = sprintf("%02d", int(rand() * 60))
			f[6] = sprintf("%02d", int(rand() * 60))
			# one field at a boundary, in or out of range
			if (rand() < 0.5) {
				k = int(rand() * 6) + 1
				f[k] = k == 1 ? y[int(rand() * 10) + 1] : b[int(rand() * 17) + 1]
			}
			s = sprintf("%s-%s-%s %s:%s:%s", f[1], f[2], f[3], f[4], f[5], f[6])
			if (rand() < 0.2) {
				k = int(rand() * 19) + 1
				s = substr(s, 1, k - 1) c[int(rand() * 10) + 1] substr(s, k + 1)
			}
			if (rand() < 0.3)
				s = substr(s, 1, 10)
			print "t," s ", " s
		}
	}' > "$BATS_TEST_TMPDIR/in"
	run mig-map -q --on-error null \
		-e 't.d1 = date(a)' -e 't.d2 = date(b)' -e 't.s1 = timestamp(a)' -e 't.s2 = timestamp(b)' \
		-e 't.z1 = timestamptz(a, UTC)' -e 't.z2 = timestamptz(b, Etc/UTC)' \
		-e 't.p1 = timestamptz(a, Europe/Paris)' -e 't.p2 = timestamptz(b, Europe/Paris)' \
		-e 'keep t.a, d1, d2, s1, s2, z1, z2, p1, p2' "$BATS_TEST_TMPDIR/in"
	[ "$status" = 0 ]
	printf '%s\n' "$output" | awk -F, '
		!/^t,/ { next }
		$3 != $4 || $5 != $6 || $7 != $8 || $9 != $10 { print "differs: " $0; bad = 1 }
		$5 != "" { ok++ }
		$3 == "" { err++ }
		END { if (ok < 400 || err < 400) { print ok " valid, " err " refused: too few of one"; bad = 1 }; exit bad }'
}

# Whole numbers of up to 18 digits are added, subtracted and multiplied in
# machine words, longer ones digit by digit: Python's integers say what
# each gives.
@test "map: integer arithmetic agrees with Python's on both sides of 18 digits" {
	awk 'BEGIN {
		srand(7)
		print "@t,a:int,b:int"
		for (i = 0; i < 1500; i++) {
			for (k = 0; k < 2; k++) {
				n = int(rand() * 20) + 1
				s = (rand() < 0.3 ? "-" : "") (rand() < 0.1 ? "0" : "")
				for (j = 0; j < n; j++)
					s = s int(rand() * 10)
				v[k] = s
			}
			print "t," v[0] "," v[1]
		}
	}' > "$BATS_TEST_TMPDIR/in"
	run mig-map -q -e 't.s = a + b' -e 't.d = a - b' -e 't.p = a * b' "$BATS_TEST_TMPDIR/in"
	[ "$status" = 0 ]
	printf '%s\n' "$output" | grep '^t,' | cut -d, -f2- > "$BATS_TEST_TMPDIR/got"
	# Python's answers in the same columns
	python3 -c 'import sys
for line in sys.stdin:
    if line.startswith("t,"):
        a, b = (int(x) for x in line.strip().split(",")[1:])
        print(a + b, a - b, a * b, sep=",")' < "$BATS_TEST_TMPDIR/in" > "$BATS_TEST_TMPDIR/bc"
	paste -d, <(cut -d, -f3- "$BATS_TEST_TMPDIR/got") "$BATS_TEST_TMPDIR/bc" |
		awk -F, '$1 != $4 || $2 != $5 || $3 != $6 { print "row " NR ": " $0; bad = 1 } END { exit bad }'
	# both paths were taken: long products and short sums
	[ "$(awk -F, 'length($3) > 19' "$BATS_TEST_TMPDIR/bc" | wc -l)" -gt 100 ]
	[ "$(awk -F, 'length($1) < 12' "$BATS_TEST_TMPDIR/bc" | wc -l)" -gt 100 ]
}

# One SHA-1 state after each namespace is kept and copied per key: rules
# that alternate namespaces must still give each its own keys.
@test "map: uuid5() in two namespaces, alternating, agrees with Python's uuid5" {
	printf '@t,v:text\nt,abc\nt,héllo\nt,42\nt,abc\n' > "$BATS_TEST_TMPDIR/in"
	run -0 mig-map -q -e 't.a = uuid5(dns, v)' -e 't.b = uuid5(url, v)' -e 'keep t.a, b' "$BATS_TEST_TMPDIR/in"
	python3 -c 'import uuid
for v in ["abc", "héllo", "42", "abc"]:
    print("t", uuid.uuid5(uuid.NAMESPACE_DNS, v), uuid.uuid5(uuid.NAMESPACE_URL, v), sep=",")' > "$BATS_TEST_TMPDIR/want"
	diff "$BATS_TEST_TMPDIR/want" <(printf '%s\n' "$output" | grep '^t,')
}

# A one-byte separator is looked for with memchr, a longer one with
# memmem; parts counted from the start stop at their part, from the end
# count them all first.
@test "map: split_part agrees with Python's str.split over separators of one and two bytes" {
	python3 - "$BATS_TEST_TMPDIR" <<'PY'
import random, sys
d = sys.argv[1]
random.seed(11)
q = lambda v: '""' if v == "" else v
with open(d + "/in", "w") as i, open(d + "/want", "w") as w:
    i.write("@t,s:text,d:text,k:int\n")
    for n in range(3000):
        s = "".join(random.choice("ab;x") for _ in range(random.randint(1, 14)))
        sep = random.choice([";", "ab", "x;", "b"])
        k = random.choice([-5, -4, -3, -2, -1, 1, 2, 3, 4, 5])
        parts = s.split(sep)
        j = k - 1 if k > 0 else len(parts) + k
        r = parts[j] if 0 <= j < len(parts) else ""
        i.write(f"t,{s},{sep},{k}\n")
        w.write(f"t,{s},{sep},{k},{q(r)}\n")
PY
	run -0 mig-map -q -e 't.r = split_part(s, d, k)' "$BATS_TEST_TMPDIR/in"
	diff "$BATS_TEST_TMPDIR/want" <(printf '%s\n' "$output" | grep '^t,')
}
