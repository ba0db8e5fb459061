#!/usr/bin/env bats
# Helpers with one home each (common/): banned.h in every C file, one
# formatted append (buf_vaddf in buf.c), SQL literals quoted next to
# identifiers (dburl.c), plain CSV parsed in csvfile.c, and the library
# error convention written at the top of util.h.
load lib-common

setup() {
	cd "$MIG_TOP"
}

# List the C files (not build output) whose text matches the regex $1.
c_files_matching() {
	grep -lE -- "$1" mig.c common/*.c extract/*.c transform/*.c load/*.c verify/*.c tests/unit/*.c || true
}

@test "every C file includes banned.h" {
	run -0 sh -c 'for f in mig.c common/*.c extract/*.c transform/*.c load/*.c verify/*.c tests/unit/*.c; do
		grep -q "^#include \"banned.h\"" "$f" || echo "$f"; done'
	[ -z "$output" ] || { echo "missing: $output"; return 1; }
}

@test "banned.h turns a banned call into an error" {
	printf '#include <string.h>\n#include "banned.h"\nvoid f(char *d, const char *s) { strcpy(d, s); }\n' >"$BATS_TEST_TMPDIR/b.c"
	run ! cc -Icommon -c -o "$BATS_TEST_TMPDIR/b.o" "$BATS_TEST_TMPDIR/b.c"
	[[ "$output" == *sorry_strcpy_is_banned_in_mig* ]]
}

@test "vsnprintf appears only in the one formatted append" {
	run c_files_matching 'vsnprintf\('
	[ "$output" = "common/buf.c" ]
}

@test "SQL string literals are quoted only in dburl.c, next to identifiers" {
	run c_files_matching "PQescapeLiteral|mysql_real_escape_string|%Q\""
	[ "$output" = "common/dburl.c" ]
	run c_files_matching "^static void (lit|vsql_lit)\("
	[ -z "$output" ]
}

@test "libcsv is called only by the stream reader and csvfile.c (and a unit test)" {
	run c_files_matching 'csv_parse\('
	[ "$output" = "common/csvfile.c
common/reader.c
tests/unit/test-csvdiff.c" ]
}

@test "util.h states the error convention of library code" {
	run -0 grep -q 'buf_error' common/util.h
	run -0 grep -q 'never prints and never exits' common/util.h
}
