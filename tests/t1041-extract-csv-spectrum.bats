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

# spectrum NAME CONTENT [N WANT]...: $T/NAME.csv holds CONTENT (a printf
# format), and line N of what mig-extract makes of it is WANT.
spectrum() {
	local name=$1
	printf "$2" >"$T/$name.csv"
	shift 2
	run -0 ex "$T/$name.csv"
	while [ $# -gt 0 ]; do
		[ "${lines[$1]}" = "$2" ] || { echo "$name: line $1 is '${lines[$1]}', not '$2'"; return 1; }
		shift 2
	done
}

@test "csv-spectrum: commas, quotes, newlines, CRLF, UTF-8, JSON" {
	spectrum comma_in_quotes 'first,last,address,city,zip\nJohn,Doe,120 any st.,"Anytown, WW",08123\n' \
		1 'comma_in_quotes,John,Doe,120 any st.,"Anytown, WW",08123'
	spectrum empty 'a,b,c\n1,"",""\n2,3,4\n' 1 'empty,1,"",""'
	spectrum empty_crlf 'a,b,c\r\n1,"",""\r\n2,3,4\r\n' 1 'empty_crlf,1,"",""' 2 'empty_crlf,2,3,4'
	spectrum escaped_quotes 'a,b\n1,"ha ""ha"" ha"\n3,4\n' 1 'escaped_quotes,1,"ha ""ha"" ha"'
	spectrum json 'key,val\n1,"{""type"": ""Point"", ""coordinates"": [102.0, 0.5]}"\n' \
		1 'json,1,"{""type"": ""Point"", ""coordinates"": [102.0, 0.5]}"'
	spectrum newlines 'a,b,c\n1,2,3\n"Once upon \na time",5,6\n7,8,9\n' 2 'newlines,"Once upon ' 3 'a time",5,6'
	spectrum newlines_crlf 'a,b,c\r\n1,2,3\r\n"Once upon \r\na time",5,6\r\n7,8,9\r\n' 4 'newlines_crlf,7,8,9'
	spectrum quotes_and_newlines 'a,b\n1,"ha \n""ha"" \nha"\n3,4\n' 4 'quotes_and_newlines,3,4'
	spectrum simple 'a,b,c\n1,2,3\n' 1 'simple,1,2,3'
	spectrum simple_crlf 'a,b,c\r\n1,2,3\r\n' 1 'simple_crlf,1,2,3'
	spectrum utf8 'a,b,c\n1,2,3\n4,5,ʤ\n' 2 'utf8,4,5,ʤ'
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
