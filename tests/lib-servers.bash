#!/usr/bin/env bash
# Throwaway PostgreSQL and MariaDB servers on private sockets in a
# temporary directory, for the test suite, make demo and make bench.
#
#   source tests/lib-servers.bash
#   mig_servers_start DIR [pg] [my]   start (both by default), write DIR/env;
#                                     as root, DIR's parents must be
#                                     searchable by the postgres user
#   mig_servers_stop DIR              stop whatever DIR holds
#   pg_url DB / my_url DB             connection URLs for mig tools
#   pg_newdb DB / my_newdb DB         (re)create an empty database
#   pgq DB SQL / myq DB SQL           run SQL, print rows tab-separated
#
#   mig_tls_certs DIR                 a throwaway CA (DIR/ca.pem), a server
#                                     certificate for localhost (DIR/server.*)
#                                     and an unrelated CA (DIR/other-ca.pem)
#   MIG_SERVERS_TLS=DIR mig_servers_start ...
#                                     servers also listen on 127.0.0.1 with
#                                     TLS from DIR (ports in DIR/env:
#                                     MIG_PG_TLS_PORT, MIG_MY_TLS_PORT; user
#                                     tls, no password, on MariaDB)
#
# Run as a script: lib-servers.bash start|stop DIR [pg] [my]
# Nothing listens on TCP: PostgreSQL has listen_addresses='', MariaDB
# --skip-networking.  Both are tuned for throwaway data (no fsync).

_mig_as_pg() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

_mig_pgbin() {
	local d
	for d in /usr/lib/postgresql/*/bin; do :; done
	echo "$d"
}

mig_tls_certs() {
	local d=$1
	mkdir -p "$d"
	(
		cd "$d" || exit 1
		openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=mig test CA" \
			-keyout ca.key -out ca.pem
		openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=other CA" \
			-keyout other-ca.key -out other-ca.pem
		openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout server.key -out server.csr
		printf 'subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\n' >server.ext
		openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
			-extfile server.ext -out server.pem
	) >"$d/openssl.log" 2>&1 || { cat "$d/openssl.log" >&2; return 1; }
	chmod 600 "$d/server.key"
	[ "$(id -u)" -eq 0 ] && chown postgres "$d/server.key"
	chmod 644 "$d/server.pem" "$d/ca.pem" "$d/other-ca.pem"
	return 0
}

mig_servers_start() {
	local dir=$1; shift
	local want="${*:-pg my}"
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	chmod 755 "$dir"
	: > "$dir/env"
	echo "export MIG_TEST_DIR='$dir'" >> "$dir/env"
	if [[ " $want " == *" pg "* ]]; then
		local bin; bin=$(_mig_pgbin)
		# A port of our own: several suites may run at once on one machine.
		local port=$((20000 + RANDOM % 20000))
		local tls=()
		if [ -n "${MIG_SERVERS_TLS:-}" ]; then
			local tport=$((20000 + RANDOM % 20000))
			tls=(-c "listen_addresses=127.0.0.1" -c ssl=on -c "ssl_cert_file=$MIG_SERVERS_TLS/server.pem"
				-c "ssl_key_file=$MIG_SERVERS_TLS/server.key")
			port=$tport
			echo "export MIG_PG_TLS_PORT=$tport" >> "$dir/env"
		fi
		mkdir -p "$dir/pg" "$dir/pgsock"
		: > "$dir/pg.log"
		[ "$(id -u)" -eq 0 ] && chown postgres "$dir/pg" "$dir/pgsock" "$dir/pg.log"
		chmod 700 "$dir/pg"
		_mig_as_pg "$bin/initdb" -D "$dir/pg" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
			>"$dir/pg-initdb.log" 2>&1 || { cat "$dir/pg-initdb.log" >&2; return 1; }
		_mig_as_pg "$bin/pg_ctl" -D "$dir/pg" -l "$dir/pg.log" -w -t 60 \
			-o "${tls[*]:--c listen_addresses=''} -k $dir/pgsock -p $port -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_wal_size=4GB -c shared_buffers=256MB -c maintenance_work_mem=256MB -c max_connections=60" \
			start >/dev/null || { cat "$dir/pg.log" >&2; return 1; }
		echo "export MIG_PG_SOCK='$dir/pgsock' MIG_PG_PORT=$port" >> "$dir/env"
	fi
	if [[ " $want " == *" my "* ]]; then
		local user=()
		[ "$(id -u)" -eq 0 ] && user=(--user=root)
		# A private tmpdir: servers sharing /tmp collide on temporary table names.
		local net=(--skip-networking)
		if [ -n "${MIG_SERVERS_TLS:-}" ]; then
			local mport=$((20000 + RANDOM % 20000))
			net=(--bind-address=127.0.0.1 --port="$mport" --ssl-ca="$MIG_SERVERS_TLS/ca.pem"
				--ssl-cert="$MIG_SERVERS_TLS/server.pem" --ssl-key="$MIG_SERVERS_TLS/server.key")
			echo "export MIG_MY_TLS_PORT=$mport" >> "$dir/env"
		fi
		mkdir -p "$dir/my" "$dir/mytmp"
		mariadb-install-db --no-defaults "${user[@]}" --datadir="$dir/my" \
			--auth-root-authentication-method=normal --skip-test-db \
			>"$dir/my-install.log" 2>&1 || { cat "$dir/my-install.log" >&2; return 1; }
		mariadbd --no-defaults "${user[@]}" --datadir="$dir/my" --tmpdir="$dir/mytmp" --socket="$dir/my.sock" \
			"${net[@]}" --pid-file="$dir/my.pid" --log-error="$dir/my.log" \
			--local-infile=1 --innodb-buffer-pool-size=512M --innodb-log-file-size=256M \
			--innodb-flush-log-at-trx-commit=0 --skip-log-bin --character-set-server=utf8mb4 \
			--collation-server=utf8mb4_bin --max-allowed-packet=256M --sql-mode=NO_ENGINE_SUBSTITUTION \
			>/dev/null 2>&1 &
		local i
		for i in $(seq 1 300); do
			mariadb --no-defaults -S "$dir/my.sock" -uroot -e 'select 1' >/dev/null 2>&1 && break
			sleep 0.1
		done
		mariadb --no-defaults -S "$dir/my.sock" -uroot -e 'select 1' >/dev/null 2>&1 ||
			{ cat "$dir/my.log" >&2; return 1; }
		if [ -n "${MIG_SERVERS_TLS:-}" ]; then
			mariadb --no-defaults -S "$dir/my.sock" -uroot \
				-e "CREATE USER tls@'%' REQUIRE SSL; GRANT ALL ON *.* TO tls@'%'" ||
				return 1
		fi
		echo "export MIG_MY_SOCK='$dir/my.sock'" >> "$dir/env"
	fi
	# shellcheck disable=SC1091
	. "$dir/env"
}

mig_servers_stop() {
	local dir=$1
	[ -d "$dir" ] || return 0
	if [ -f "$dir/pg/postmaster.pid" ]; then
		_mig_as_pg "$(_mig_pgbin)/pg_ctl" -D "$dir/pg" -m immediate -w stop >/dev/null 2>&1 || true
	fi
	if [ -f "$dir/my.pid" ]; then
		local pid; pid=$(cat "$dir/my.pid")
		kill "$pid" 2>/dev/null || true
		local i
		for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$pid" 2>/dev/null || true
	fi
}

pg_url() { echo "postgresql:///$1?host=$MIG_PG_SOCK&port=$MIG_PG_PORT&user=postgres"; }
my_url() { echo "mysql://root@localhost/$1?socket=$MIG_MY_SOCK"; }

pgq() {
	local db=$1; shift
	PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 -At -F $'\t' -h "$MIG_PG_SOCK" -p "$MIG_PG_PORT" -U postgres -d "$db" -c "$*"
}

myq() {
	local db=$1; shift
	mariadb --no-defaults -S "$MIG_MY_SOCK" -uroot --batch --skip-column-names "$db" -e "$*"
}

pg_newdb() {
	pgq postgres "DROP DATABASE IF EXISTS \"$1\"" >/dev/null
	pgq postgres "CREATE DATABASE \"$1\"" >/dev/null
}

my_newdb() {
	mariadb --no-defaults -S "$MIG_MY_SOCK" -uroot -e "DROP DATABASE IF EXISTS \`$1\`; CREATE DATABASE \`$1\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -eu
	cmd=$1; shift
	case $cmd in
	start) mig_servers_start "$@" ;;
	stop) mig_servers_stop "$@" ;;
	*) echo "usage: lib-servers.bash start|stop DIR [pg] [my]" >&2; exit 2 ;;
	esac
fi
