#!/usr/bin/env bats
# Database URLs: parsed as documented in common/dburl.h; credentials never shown.
load lib-common

url() { "$MIG_BUILD/tests/unit/urlshow" "$@"; }

@test "postgresql URI: password removed from what diagnostics show" {
	run -0 url 'postgresql://app:s3cret@db.example:5433/new_moh?sslmode=require'
	[ "${lines[0]}" = "kind=postgresql" ]
	[ "${lines[1]}" = "shown=postgresql://app@db.example:5433/new_moh?sslmode=require" ]
	[[ "$output" != *s3cret* ]]
}

@test "postgresql password as a query parameter is removed too" {
	run -0 url 'postgres:///db?host=/tmp&password=s3cret&user=x'
	[ "${lines[1]}" = "shown=postgres:///db?host=/tmp&user=x" ]
	[[ "$output" != *s3cret* ]]
}

@test "libpq conninfo strings: password words dropped" {
	run -0 url 'host=/tmp dbname=x password=s3cret user=app'
	[ "${lines[0]}" = "kind=postgresql" ]
	[ "${lines[1]}" = "shown=host=/tmp dbname=x user=app" ]
}

@test "mysql URL parts, socket parameter and percent-decoding" {
	run -0 url 'mariadb://app:p%40ss@db1:3307/old%5Fmoh?socket=/run/my.sock'
	[ "${lines[0]}" = "kind=mysql" ]
	[ "${lines[1]}" = "shown=mysql://app@db1:3307/old_moh" ]
	[ "${lines[2]}" = "user=app" ]
	[ "${lines[3]}" = "password=set" ]
	[ "${lines[4]}" = "host=db1" ]
	[ "${lines[5]}" = "port=3307" ]
	[ "${lines[6]}" = "db=old_moh" ]
	[ "${lines[7]}" = "socket=/run/my.sock" ]
	[[ "$output" != *p@ss* ]]
}

@test "sqlite and csv forms" {
	run -0 url 'sqlite:///var/data/app.db'
	[ "${lines[0]}" = "kind=sqlite" ]
	[ "${lines[2]}" = "path=/var/data/app.db" ]
	run -0 url 'legacy.sqlite3'
	[ "${lines[0]}" = "kind=sqlite" ]
	run -0 url 'csv:out/dir'
	[ "${lines[0]}" = "kind=csv" ]
	[ "${lines[2]}" = "path=out/dir" ]
	run -0 url 'people.csv'
	[ "${lines[0]}" = "kind=csv" ]
}

@test "bad URLs are usage errors that say why" {
	run -2 url 'ftp://x'
	[ "$output" = "urlshow: bad URL: not a database URL (postgresql://, mysql://, sqlite:, csv:) or a .db/.csv path" ]
	run -2 url 'mysql://u@h:99999/db'
	[ "$output" = "urlshow: bad URL: bad port" ]
	run -2 url 'mysql://u@h/db?colour=blue'
	[[ "$output" == "urlshow: bad URL: unknown query parameter"* ]]
	run -2 url 'sqlite:'
	[ "$output" = "urlshow: bad URL: empty path" ]
}
