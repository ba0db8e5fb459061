#!/usr/bin/env bats
# mig-extract csv: against the csv-spectrum cases (github.com/max-mapper/
# csv-spectrum), the quoting that real exports contain, and the wording of
# CSV errors (file:line:column) in strict and default mode.

load lib-common

# ex NAME: extract $T/NAME.csv and drop the stream's first and last line.
ex() {
	mig-extract "$@" | sed '1d;$d'
}

setup() {
	T=$BATS_TEST_TMPDIR
}

@test "csv-spectrum: commas, quotes, newlines, CRLF, UTF-8, JSON" {
	printf 'first,last,address,city,zip\nJohn,Doe,120 any st.,"Anytown, WW",08123\n' >"$T/comma_in_quotes.csv"
	run -0 ex "$T/comma_in_quotes.csv"
	[ "${lines[1]}" = 'comma_in_quotes,John,Doe,120 any st.,"Anytown, WW",08123' ]

	printf 'a,b,c\n1,"",""\n2,3,4\n' >"$T/empty.csv"
	run -0 ex "$T/empty.csv"
	[ "${lines[1]}" = 'empty,1,"",""' ]
	printf 'a,b,c\r\n1,"",""\r\n2,3,4\r\n' >"$T/empty_crlf.csv"
	run -0 ex "$T/empty_crlf.csv"
	[ "${lines[1]}" = 'empty_crlf,1,"",""' ]
	[ "${lines[2]}" = 'empty_crlf,2,3,4' ]

	printf 'a,b\n1,"ha ""ha"" ha"\n3,4\n' >"$T/escaped_quotes.csv"
	run -0 ex "$T/escaped_quotes.csv"
	[ "${lines[1]}" = 'escaped_quotes,1,"ha ""ha"" ha"' ]

	printf 'key,val\n1,"{""type"": ""Point"", ""coordinates"": [102.0, 0.5]}"\n' >"$T/json.csv"
	run -0 ex "$T/json.csv"
	[ "${lines[1]}" = 'json,1,"{""type"": ""Point"", ""coordinates"": [102.0, 0.5]}"' ]

	printf 'a,b,c\n1,2,3\n"Once upon \na time",5,6\n7,8,9\n' >"$T/newlines.csv"
	run -0 ex "$T/newlines.csv"
	[ "${lines[2]}" = 'newlines,"Once upon ' ]
	[ "${lines[3]}" = 'a time",5,6' ]
	printf 'a,b,c\r\n1,2,3\r\n"Once upon \r\na time",5,6\r\n7,8,9\r\n' >"$T/newlines_crlf.csv"
	run -0 ex "$T/newlines_crlf.csv"
	[ "${lines[4]}" = 'newlines_crlf,7,8,9' ]

	printf 'a,b\n1,"ha \n""ha"" \nha"\n3,4\n' >"$T/quotes_and_newlines.csv"
	run -0 ex "$T/quotes_and_newlines.csv"
	[ "${lines[4]}" = 'quotes_and_newlines,3,4' ]

	printf 'a,b,c\n1,2,3\n' >"$T/simple.csv"
	run -0 ex "$T/simple.csv"
	[ "${lines[1]}" = 'simple,1,2,3' ]
	printf 'a,b,c\r\n1,2,3\r\n' >"$T/simple_crlf.csv"
	run -0 ex "$T/simple_crlf.csv"
	[ "${lines[1]}" = 'simple_crlf,1,2,3' ]

	printf 'a,b,c\n1,2,3\n4,5,ʤ\n' >"$T/utf8.csv"
	run -0 ex "$T/utf8.csv"
	[ "${lines[2]}" = 'utf8,4,5,ʤ' ]
}

@test "csv-spectrum location_coordinates: a quote inside an unquoted field is literal" {
	printf 'Contact Name,Contact Location\nPaul,37°36'"'"'37.8"N 122°22'"'"'32.6"W\nAnn,"quoted ""ok"""\n' >"$T/location_coordinates.csv"
	run -0 ex "$T/location_coordinates.csv"
	[ "${lines[1]}" = 'location_coordinates,Paul,"37°36'"'"'37.8""N 122°22'"'"'32.6""W"' ]
	[ "${lines[2]}" = 'location_coordinates,Ann,"quoted ""ok"""' ]
	# the value reads back byte for byte
	run -0 sh -c "mig-extract '$T/location_coordinates.csv' | mig-map -F ndjson | grep -o '\"Contact Location\":\"[^,]*W'"
	[ "$output" = '"Contact Location":"37°36'"'"'37.8\"N 122°22'"'"'32.6\"W' ]
}

@test "--strict refuses the quote, naming file, line and column" {
	printf 'a,b\n1,x\n2,37°36'"'"'37.8"N\n' >"$T/loc.csv"
	run -1 --separate-stderr mig-extract --strict "$T/loc.csv"
	[ "$stderr" = "mig-extract: $T/loc.csv:3:14: quote inside an unquoted field (quote the whole field, doubling the quote)" ]
}

@test "CSV errors are worded by mig with file:line:column, in any mode" {
	printf 'a,b\n1,"x"y\n' >"$T/after.csv"
	run -1 --separate-stderr mig-extract "$T/after.csv"
	[ "$stderr" = "mig-extract: $T/after.csv:2:6: text after the closing quote of a field" ]
	printf 'a,b\n1,x\n2,"open\nstill open\n' >"$T/open.csv"
	run -1 --separate-stderr mig-extract "$T/open.csv"
	[ "$stderr" = "mig-extract: $T/open.csv:3:3: quoted field not closed before the end of the file" ]
	[[ "$stderr" != *strict* ]]
}
