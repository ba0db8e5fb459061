#!/usr/bin/env bash
# load-src.sh - heimdall's generated tables into SRC (PostgreSQL or
# MariaDB), replacing them: the schema of schema/heimdall.sql, then the
# CSV files through mig-extract's CSV source and mig-load.
set -eu -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
: "${SRC:?set SRC}" "${DATA:?set DATA}"
drop="DROP TABLE IF EXISTS heimdall_classes, heimdall_users, heimdall_schools"
case $SRC in
mysql:* | mariadb:*)
	# the URL's parts as mariadb(1) options, the password through the environment
	py='import sys, urllib.parse as u
p = u.urlsplit(sys.argv[1]); print(p.hostname or "", p.port or "", u.unquote(p.username or ""), u.unquote(p.password or ""), p.path.lstrip("/"), dict(u.parse_qsl(p.query)).get("socket", ""), sep="\n")'
	{ read -r host; read -r port; read -r user; read -r pass; read -r db; read -r sock; } < <(python3 -c "$py" "$SRC")
	my=(mariadb --no-defaults ${user:+-u "$user"} ${host:+-h "$host"} ${port:+-P "$port"} ${sock:+-S "$sock"} "$db")
	{ echo "$drop;"; cat "$here/schema/heimdall.sql"; } | MYSQL_PWD=$pass "${my[@]}" ;;
*)
	db_query "$SRC" "$drop" > /dev/null
	db_sql "$SRC" "$here/schema/heimdall.sql" ;;
esac
mig-extract -q "csv:$DATA/heimdall" heimdall_schools heimdall_users heimdall_classes | mig-load -q "$SRC" > /dev/null
log "load-src: heimdall loaded ($(tr '\n' ' ' < "$DATA/counts.txt"))"
