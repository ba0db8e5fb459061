#!/usr/bin/env bats
# TLS through libpq and Connector/C, against servers of this file's own
# started with certificates made here (a throwaway CA): verify-full and
# ssl-verify-server-cert with the CA succeed; a wrong host name and an
# untrusted CA fail with the client library's reason, exit 3.
# (Own servers: the suite's others listen on no TCP port.)
load lib-common

setup_file() {
	# Next to the suite's servers: as root, the postgres user must reach it.
	local d
	d=$(mktemp -d "$(dirname "$MIG_TEST_DIR")/tls.XXXXXX")
	chmod 755 "$d"
	export TLSD="$d/certs" SRVD="$d/srv"
	mig_tls_certs "$TLSD"
	MIG_SERVERS_TLS=$TLSD mig_servers_start "$SRVD" >&3 2>&1
	PGOPTIONS= psql -X -q -h "$SRVD/pgsock" -p "$MIG_PG_TLS_PORT" -U postgres -d postgres \
		-c 'CREATE TABLE t (id int); INSERT INTO t VALUES (7)'
	mariadb --no-defaults -S "$SRVD/my.sock" -uroot \
		-e 'CREATE DATABASE d; CREATE TABLE d.t (id int); INSERT INTO d.t VALUES (7)'
}

teardown_file() {
	mig_servers_stop "$SRVD"
	rm -rf "$(dirname "$SRVD")"
}

setup() {
	. "$SRVD/env"
}

pgtls() { echo "postgresql://postgres@$1:$MIG_PG_TLS_PORT/postgres?sslmode=verify-full&sslrootcert=$2"; }
mytls() { echo "mysql://tls@$1:$MIG_MY_TLS_PORT/d?ssl-ca=$2&ssl-verify-server-cert=1"; }

@test "PostgreSQL: sslmode=verify-full with the CA connects over TLS" {
	run -0 mig-extract "$(pgtls localhost "$TLSD/ca.pem")" t
	[ "${lines[2]}" = "t,7" ]
	run -0 mig-extract -Q "s=SELECT ssl::text AS ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()" \
		"$(pgtls localhost "$TLSD/ca.pem")"
	[ "${lines[2]}" = "s,true" ]
}

@test "PostgreSQL: a wrong host name and an untrusted CA are refused" {
	run -3 --separate-stderr mig-extract "$(pgtls 127.0.0.1 "$TLSD/ca.pem")" t
	[[ "$stderr" == *"cannot connect"*"127.0.0.1"* ]] || { echo "$stderr"; return 1; }
	[[ "$stderr" == *"does not match host name"* ]] || { echo "$stderr"; return 1; }
	run -3 --separate-stderr mig-extract "$(pgtls localhost "$TLSD/other-ca.pem")" t
	[[ "$stderr" == *"certificate verify failed"* ]] || { echo "$stderr"; return 1; }
	[ -z "$output" ]
}

@test "MariaDB: ssl-ca and ssl-verify-server-cert connect over TLS" {
	run -0 mig-extract "$(mytls localhost "$TLSD/ca.pem")" t
	printf '%s\n' "$output" | grep -qx 't,7' || { echo "$output"; return 1; }
	run -0 mig-extract -Q "s=SELECT VARIABLE_VALUE <> '' AS tls FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME = 'Ssl_cipher'" \
		"$(mytls localhost "$TLSD/ca.pem")"
	printf '%s\n' "$output" | grep -qx 's,1' || { echo "$output"; return 1; }
}

@test "MariaDB: a wrong host name and an untrusted CA are refused" {
	run -3 --separate-stderr mig-extract "$(mytls 127.0.0.1 "$TLSD/ca.pem")" t
	[[ "$stderr" == *"cannot connect: TLS/SSL error: Validation of SSL server certificate failed"* ]] ||
		{ echo "$stderr"; return 1; }
	run -3 --separate-stderr mig-extract "$(mytls localhost "$TLSD/other-ca.pem")" t
	[[ "$stderr" == *"cannot connect: TLS/SSL error: self-signed certificate"* ]] || { echo "$stderr"; return 1; }
	[ -z "$output" ]
}

@test "mig(7) lists the TLS and socket parameters; the tool pages point there" {
	for p in sslmode= sslrootcert= ssl-ca= ssl-verify-server-cert=1 socket= ssl-mode=; do
		grep -q -- "Li $p" "$MIG_TOP/man/mig.7" || { echo "mig.7 lacks $p"; return 1; }
	done
	for t in extract load verify; do
		grep -q 'DATABASE URLS in' "$MIG_TOP/man/mig-$t.1" || { echo "mig-$t.1"; return 1; }
	done
}
